package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
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
	fs := commonFlags("import", getenv, stderr, &cfg, false)
	layer := fs.String("layer", "", "id of the layer to add to (e.g. incidents)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *layer == "" || fs.NArg() != 1 {
		return errors.New("usage: casmap import --layer ID FILE.geojson|FILE.csv")
	}
	path := fs.Arg(0)
	features, err := readImport(path, stderr)
	if err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	db, err := openSeeded(ctx, cfg.DB, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return err
	}
	defer db.Close()
	if len(features) == 0 {
		fmt.Fprintf(stdout, "%s holds no features; nothing changed\n", path)
		return nil
	}
	l, err := db.Layer(ctx, *layer)
	if err != nil {
		return fmt.Errorf("import %s: %w", path, err)
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
	fmt.Fprintf(stdout, "imported %d features from %s into layer %s in %s\n", len(features), path, *layer, time.Since(start).Round(time.Millisecond))
	return nil
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
	fs := commonFlags("export", getenv, stderr, &cfg, false)
	layer := fs.String("layer", "", "id of the layer to write out")
	name := fs.String("format", "geojson", "geojson, csv or kml")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *layer == "" || fs.NArg() > 1 {
		return errors.New("usage: casmap export --layer ID [--format geojson|csv|kml] [FILE]")
	}
	fm, ok := format.ByName(*name)
	if !ok {
		return fmt.Errorf("export: unknown format %q; use geojson, csv or kml", *name)
	}
	db, err := openSeeded(ctx, cfg.DB, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return err
	}
	defer db.Close()
	l, err := db.Layer(ctx, *layer)
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
	if fs.NArg() == 0 {
		_, err = stdout.Write(buf.Bytes())
		return err
	}
	return writeFileAtomic(fs.Arg(0), buf.Bytes())
}

// writeFileAtomic writes through a temporary file and a rename, so a failed
// export never leaves half a file under the name asked for.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".casmap-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
