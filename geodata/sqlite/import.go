package sqlite

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/casmap/casmap/geodata"
)

// Import adds features to an existing layer, replacing any with the same
// id, and marks them as imported so a later re-seed keeps them. It writes
// all of them in one transaction or none; no features change nothing,
// not even the version.
func (db *DB) Import(ctx context.Context, layer string, features []geodata.Feature) error {
	_, err := db.ImportStream(ctx, layer, geodata.Each(features))
	return err
}

// ImportStream is Import for a stream of any length: features are read
// one at a time (an error from the stream aborts the import) and written
// in one transaction, or not at all. Those that come in spatial
// (Hilbert) order are written a chunk at a time as the next are decoded;
// the others (strays in an ordered file, or a whole file in no order)
// are staged and written in that order at the end (see spatialRun), so
// rowids follow the map and a bbox query reads few pages. An empty
// stream changes nothing. It returns how many features it wrote.
func (db *DB) ImportStream(ctx context.Context, layer string, features iter.Seq2[geodata.Feature, error]) (int, error) {
	n, err := db.importStream(ctx, layer, features)
	switch {
	case err == nil, errors.Is(err, geodata.ErrInvalid), errors.Is(err, geodata.ErrNotFound):
		return n, err
	case ctx.Err() != nil:
		// A cancelled transaction makes its statements fail as closed:
		// say why.
		return 0, fmt.Errorf("sqlite: import into %s: %w", layer, ctx.Err())
	}
	return 0, fmt.Errorf("sqlite: import into %s: %w", layer, err)
}

func (db *DB) importStream(ctx context.Context, layer string, features iter.Seq2[geodata.Feature, error]) (int, error) {
	// The import holds the write connection from its first pragma to the
	// last, so no other write can find CHECKs turned off (see move).
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	defer checksBackOn(conn)
	// A statement journal, the staging table and its sort go to temporary
	// files, not memory: an import of any size stays within the cache.
	for _, pragma := range importPragmas {
		if _, err := conn.ExecContext(ctx, pragma); err != nil {
			return 0, err
		}
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	l, err := layerOf(ctx, tx, layer)
	if err != nil {
		return 0, err
	}
	im, err := newImporter(ctx, tx, layer)
	if err != nil {
		return 0, err
	}
	defer im.close()
	encode := func(n int, f geodata.Feature) (stagedRow, error) { return stagedRowOf(l, n, f) }
	// The buffer lets the workers go on while a chunk is written.
	for r, err := range geodata.Buffered(geodata.MapOrdered(features, 0, encode), importChunk) {
		if err != nil {
			return 0, err
		}
		if err := im.add(ctx, r); err != nil {
			return 0, err
		}
	}
	if im.n == 0 {
		return 0, nil
	}
	if err := im.finish(ctx); err != nil {
		return 0, err
	}
	if err := recordProperties(ctx, tx, layer, im.props); err != nil {
		return 0, err
	}
	if err := touchAndBump(ctx, tx, layer); err != nil {
		return 0, err
	}
	return im.n, db.commit(tx)
}

// spatialImportMin is the size from which an import is written in
// spatial order: below it, a layer stays in the order its file gave.
const spatialImportMin = 1000

// importPragmas set up the writer connection for an import: temporary
// storage on disk, and a page cache of 32 MiB (given in KiB, negative, as
// the pragma takes it), which holds the pages the import's inserts keep
// coming back to (its indexes grow at a few places each, the R*Tree along
// the map). The process holds some six times the cache at its peak
// (pages, the rows the workers run ahead by, the features waiting to be
// decided on, a sort of staged rows out of order, the allocator's
// rounding): a million incidents, an export in map order, took 194 MB
// with this cache; 64 MiB took 243 MB and no less time.
var importPragmas = []string{`PRAGMA temp_store = FILE`, `PRAGMA cache_size = -32768`}

// stagedRow is one feature of an import, checked and encoded for the
// layer (or the staging table), with the names of its properties.
type stagedRow struct {
	featureRow
	n    int
	hkey uint64
	keys []string
}

// stagedRowOf checks and encodes the nth feature of an import into layer
// l. It reads nothing but its arguments, so features are encoded on every
// core at once.
func stagedRowOf(l geodata.Layer, n int, f geodata.Feature) (stagedRow, error) {
	if err := geodata.CheckGeometryKind(l, f.Geometry); err != nil {
		return stagedRow{}, geodata.Invalidf("feature %d%s: %s", n, idSuffix(f.ID), geodata.Message(err, err.Error()))
	}
	r, err := encodeFeature(f)
	if err != nil {
		return stagedRow{}, geodata.Invalidf("feature %d%s: %s", n, idSuffix(f.ID), geodata.Message(err, err.Error()))
	}
	keys := make([]string, 0, len(r.keys))
	for k := range r.keys {
		keys = append(keys, k)
	}
	// The row waits in a buffer with thousands of others: it keeps the
	// names, not the decoded properties.
	r.keys = nil
	return stagedRow{featureRow: r, n: n, hkey: HilbertKey(f.Geometry), keys: keys}, nil
}

// idSuffix names a feature's id in a message, when it has one.
func idSuffix(id string) string {
	if id == "" {
		return ""
	}
	return fmt.Sprintf(" (id %q)", truncate(id, 60))
}
