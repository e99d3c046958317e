package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
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
	features, err := readImport(path, stderr)
	if err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	if len(features) == 0 {
		fmt.Fprintf(stdout, "%s holds no features; nothing changed in %s\n", path, cfg.DB)
		return nil
	}
	// The rules of every write, as for the API's (geodata.CheckWrite).
	for i, f := range features {
		if features[i], err = geodata.CheckWrite(l, f); err != nil {
			return fmt.Errorf("import %s: feature %d (id %q): %w", path, i+1, f.ID, err)
		}
	}
	if *layer == geodata.LayerIncidents {
		afg, err := db.Feature(ctx, geodata.LayerBorders, seed.AfghanistanID)
		if err != nil && !errors.Is(err, geodata.ErrNotFound) {
			return err
		}
		geodata.AnnotateBorderDistance(features, afg.Geometry)
	}
	start := time.Now()
	// One transaction, in spatial order, with the store's bulk settings.
	if err := db.ImportBatch(ctx, *layer, features); err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	fmt.Fprintf(stdout, "imported %d features from %s into layer %s of %s in %s\n",
		len(features), path, *layer, cfg.DB, time.Since(start).Round(time.Millisecond))
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

// readImport reads and parses every record of a GeoJSON or ACLED-style CSV
// file, showing a progress bar on a terminal, before anything is written.
func readImport(path string, stderr io.Writer) ([]geodata.Feature, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	var r io.Reader = f
	if isTerminal(stderr) {
		bar := progressbar.DefaultBytes(info.Size(), "reading "+filepath.Base(path))
		defer bar.Finish()
		r = io.TeeReader(f, bar)
	}
	var features []geodata.Feature
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		features, err = geodata.ParseACLEDCSV(r)
	case ".geojson", ".json":
		var data []byte
		if data, err = io.ReadAll(r); err == nil {
			features, err = geodata.DecodeFeatureCollection(data)
		}
	default:
		return nil, fmt.Errorf("cannot tell the format from %q: name it .geojson, .json or .csv", filepath.Ext(path))
	}
	if err != nil {
		return nil, err
	}
	return features, nil
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
	v, err := db.Version(ctx)
	if err != nil {
		return err
	}
	var all geodata.Page
	for offset := 0; ; offset += geodata.MaxLimit {
		page, err := db.Features(ctx, geodata.Query{Layer: l.ID, Limit: geodata.MaxLimit, Offset: offset})
		if err != nil {
			return err
		}
		all.Matched = page.Matched
		all.Features = append(all.Features, page.Features...)
		if len(page.Features) < geodata.MaxLimit {
			break
		}
	}
	var buf bytes.Buffer
	if err := fm.Write(&buf, format.Doc{Layer: l, Page: all, TimeStamp: time.Now(), Version: v}); err != nil {
		return err
	}
	if out == "" {
		_, err = stdout.Write(buf.Bytes())
		return err
	}
	if err := writeFileAtomic(out, buf.Bytes()); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %d features of layer %s from %s (data version %s) to %s\n", len(all.Features), l.ID, cfg.DB, v, out)
	return nil
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
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".casmap-export-*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, pathless(err))
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
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
