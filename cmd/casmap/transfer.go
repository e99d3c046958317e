package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/format"
	"github.com/casmap/casmap/geodata/seed"
	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"
)

func importCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlags("import", &cfg, false)
	layer := fs.String("layer", "", "the `ID` of the layer to add to (e.g. incidents)")
	if err := parseFlags(fs, args, getenv, stdout); err != nil {
		return err
	}
	switch {
	case *layer == "":
		return usageError("import", "--layer is missing")
	case fs.NArg() == 0:
		return usageError("import", "the file to import is missing")
	case fs.NArg() > 1:
		return usageError("import", fmt.Sprintf("one file at a time, got %q", fs.Args()))
	}
	path := fs.Arg(0)
	db, err := openExisting(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	l, err := findLayer(ctx, db, cfg.DB, *layer)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	file, err := openImport(path, stderr)
	if err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	defer file.Close()
	var border *geodata.Measure
	if *layer == geodata.LayerIncidents {
		afg, err := db.Feature(ctx, geodata.LayerBorders, seed.AfghanistanID)
		if err != nil && !errors.Is(err, geodata.ErrNotFound) {
			return err
		}
		border = geodata.NewMeasure(afg.Geometry)
	}
	start := time.Now()
	// One stream, checked record by record by the rules of every write (as
	// for the API's) as it is written, in one transaction: an error
	// anywhere leaves the database as it was.
	n, err := db.ImportStream(ctx, *layer, checked(l, file.features, border))
	if err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	if n == 0 {
		fmt.Fprintf(stdout, "%s holds no features; nothing changed in %s\n", path, cfg.DB)
		return nil
	}
	fmt.Fprintf(stdout, "imported %s from %s into layer %s of %s in %s\n",
		plural(n, "feature"), path, *layer, cfg.DB, time.Since(start).Round(time.Millisecond))
	return nil
}

// findLayer returns the layer id of the database at path, or an error
// that lists the layers it has.
func findLayer(ctx context.Context, db store, path, id string) (geodata.Layer, error) {
	l, err := db.Layer(ctx, id)
	if !errors.Is(err, geodata.ErrNotFound) {
		return l, err
	}
	layers, lerr := db.Layers(ctx)
	if lerr != nil {
		return l, err
	}
	ids := make([]string, len(layers))
	for i, l := range layers {
		ids[i] = l.ID
	}
	return l, fmt.Errorf("%s has no layer %q; its layers are %s", path, id, strings.Join(ids, ", "))
}

// importFile is an open import file and the stream of its features.
type importFile struct {
	*os.File
	features iter.Seq2[geodata.Feature, error]
	bar      *progressbar.ProgressBar
}

// Close closes the file and finishes its progress bar.
func (f *importFile) Close() error {
	if f.bar != nil {
		f.bar.Finish()
	}
	return f.File.Close()
}

// openImport opens a GeoJSON or ACLED-style CSV file as a stream of
// features, showing a progress bar on a terminal.
func openImport(path string, stderr io.Writer) (*importFile, error) {
	var read func(io.Reader) iter.Seq2[geodata.Feature, error]
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		read = geodata.ReadACLEDCSV
	case ".geojson", ".json":
		read = geodata.ReadFeatureCollection
	default:
		return nil, fmt.Errorf("cannot tell the format from %q: name it .geojson, .json or .csv", filepath.Ext(path))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if info.Size() > geodata.MaxImportBytes {
		f.Close()
		return nil, fmt.Errorf("the file is %d bytes, more than the %d an import may have; split it", info.Size(), int64(geodata.MaxImportBytes))
	}
	out := &importFile{File: f}
	var r io.Reader = f
	if isTerminal(stderr) {
		out.bar = progressbar.DefaultBytes(info.Size(), "importing "+filepath.Base(path))
		r = io.TeeReader(f, out.bar)
	}
	out.features = read(r)
	return out, nil
}

// checked applies the rules of every write (geodata.CheckWrite, as for
// the API's) to each feature of a stream, and, for incidents, measures
// its distance from the Afghan border, on every core, in the stream's
// order.
func checked(l geodata.Layer, features iter.Seq2[geodata.Feature, error], border *geodata.Measure) iter.Seq2[geodata.Feature, error] {
	return geodata.MapOrdered(features, 0, func(n int, f geodata.Feature) (geodata.Feature, error) {
		id := f.ID
		f, err := geodata.CheckWrite(l, f)
		if err != nil {
			return f, fmt.Errorf("feature %d (id %q): %w", n, id, err)
		}
		if border != nil {
			geodata.AnnotateBorderDistanceWith(border, []geodata.Feature{f})
		}
		return f, nil
	})
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isatty.IsTerminal(f.Fd())
}

func exportCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlags("export", &cfg, false)
	layer := fs.String("layer", "", "the `ID` of the layer to write out")
	name := fs.String("format", "geojson", "the `FORMAT`: geojson, csv or kml")
	if err := parseFlags(fs, args, getenv, stdout); err != nil {
		return err
	}
	switch {
	case *layer == "":
		return usageError("export", "--layer is missing")
	case fs.NArg() > 1:
		return usageError("export", fmt.Sprintf("one output file at most, got %q", fs.Args()))
	}
	fm, ok := format.ByName(*name)
	if !ok {
		return fmt.Errorf("export: unknown format %q; use geojson, csv or kml", *name)
	}
	out := fs.Arg(0)
	if out != "" {
		if err := checkOutDir(out); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	db, err := openExisting(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	l, err := findLayer(ctx, db, cfg.DB, *layer)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if out == "" {
		_, _, err := writeLayer(ctx, db, l, fm, stdout)
		return err
	}
	var n int
	var v geodata.Version
	err = writeFileAtomic(out, func(w io.Writer) (err error) {
		n, v, err = writeLayer(ctx, db, l, fm, w)
		return err
	})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s of layer %s from %s (data version %s) to %s\n", plural(n, "feature"), l.ID, cfg.DB, v, out)
	return nil
}

// rawExporter is a store that can export a layer's properties as the JSON
// text it keeps, undecoded (Feature.RawProperties).
type rawExporter interface {
	ExportRaw(ctx context.Context, layer string, begin func(geodata.Version) error, yield func(geodata.Feature) error) error
}

// writeLayer streams a whole layer, from one snapshot, in format fm, and
// returns how many features it wrote and the version it read: the file
// names that version. Memory holds one feature at a time.
func writeLayer(ctx context.Context, db store, l geodata.Layer, fm format.Format, w io.Writer) (int, geodata.Version, error) {
	bw := bufio.NewWriterSize(w, 256<<10)
	var enc format.Encoder
	var version geodata.Version
	n := 0
	begin := func(v geodata.Version) (err error) {
		version = v
		enc, err = fm.New(bw, format.Doc{Layer: l, TimeStamp: time.Now(), Version: v})
		return err
	}
	export := db.Export
	if r, ok := db.(rawExporter); ok && fm.Raw {
		export = r.ExportRaw
	}
	err := export(ctx, l.ID, begin, func(f geodata.Feature) error {
		n++
		return enc.Feature(f)
	})
	if err == nil {
		err = enc.Finish(format.Trailer{Matched: n})
	}
	if err == nil {
		err = bw.Flush()
	}
	return n, version, err
}

// checkOutDir fails, naming the path the user gave, when the folder an
// export would be written to does not exist.
func checkOutDir(path string) error {
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("cannot write %s: the folder %s does not exist", path, dir)
	case err != nil:
		return fmt.Errorf("cannot write %s: %w", path, err)
	case !st.IsDir():
		return fmt.Errorf("cannot write %s: %s is not a folder", path, dir)
	}
	return nil
}

// writeFileAtomic writes through a temporary file and a rename, so a failed
// export never leaves half a file under the name asked for. Its errors name
// path, never the temporary file.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".casmap-export-*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, pathless(err))
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write %s: %w", path, pathless(err))
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, pathless(err))
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, pathless(err))
	}
	return nil
}

// pathless is err without the file name a *fs.PathError or *os.LinkError
// carries (the temporary file's, which means nothing to the user).
func pathless(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
