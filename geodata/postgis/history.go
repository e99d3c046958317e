package postgis

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/jackc/pgx/v5"
)

// writer is who a write transaction writes as, for the history triggers
// (the casmap.* settings of migration 0005).
type writer struct {
	kind, author, reviewer, reason string
	revertTo, proposal             *int64
}

// setWriteContext sets the settings the history triggers read, for the
// rest of the transaction.
const setWriteContext = `SELECT set_config('casmap.kind', $1, true), set_config('casmap.author', $2, true),
	set_config('casmap.reviewer', $3, true), set_config('casmap.reason', $4, true),
	set_config('casmap.revert_to', $5, true), set_config('casmap.proposal', $6, true)`

func (w writer) set(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, setWriteContext, w.kind, w.author, w.reviewer, w.reason, optionalText(w.revertTo), optionalText(w.proposal))
	return err
}

func optionalText(n *int64) string {
	if n == nil {
		return ""
	}
	return strconv.FormatInt(*n, 10)
}

// inWriteTx runs fn in a write transaction that bumps the generation
// first (the writers' lock), writes as w, and commits; it returns the
// generation it made.
func (db *DB) inWriteTx(ctx context.Context, w writer, fn func(tx pgx.Tx, gen int64) error) (int64, error) {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(context.Background())
	snap, err := db.bump(ctx, tx)
	if err != nil {
		return 0, err
	}
	if err := w.set(ctx, tx); err != nil {
		return 0, err
	}
	if err := fn(tx, snap.gen); err != nil {
		return 0, err
	}
	if err := db.commit(ctx, tx, snap); err != nil {
		return 0, err
	}
	return snap.gen, nil
}

// Apply publishes one change at once and records it.
func (db *DB) Apply(ctx context.Context, c geodata.Change, reviewer string) (geodata.Revision, error) {
	revertTo, err := db.optionalGen(ctx, db.pool, c.RevertTo)
	if err != nil {
		return geodata.Revision{}, err
	}
	w := writer{kind: kindOr(c.Kind), author: c.Author, reviewer: reviewer, reason: c.Reason, revertTo: revertTo}
	gen, err := db.inWriteTx(ctx, w, func(tx pgx.Tx, _ int64) error {
		return db.applyChange(ctx, tx, c, false)
	})
	if err != nil {
		return geodata.Revision{}, db.wrapWrite(ctx, c, err)
	}
	return db.revision(ctx, c.Layer, c.ID, gen)
}

func kindOr(kind string) string {
	if kind == "" {
		return geodata.KindEdit
	}
	return kind
}

// wrapWrite keeps domain errors as they are and names the feature in
// others.
func (db *DB) wrapWrite(ctx context.Context, c geodata.Change, err error) error {
	var de *geodata.Error
	if errors.As(err, &de) {
		return err
	}
	return wrap(ctx, err, "%s %s/%s", c.Op, c.Layer, c.ID)
}

// optionalGen parses a version that may be empty.
func (db *DB) optionalGen(ctx context.Context, q querier, v geodata.Version) (*int64, error) {
	if v == "" {
		return nil, nil
	}
	gen, err := db.parseVersion(ctx, q, v)
	if err != nil {
		return nil, err
	}
	return &gen, nil
}

// bounds are what a feature adds to its layer's extent and time span.
type bounds struct {
	minx, miny, maxx, maxy float64
	start, end             *int64
}

const (
	selectBounds = `SELECT minx, miny, maxx, maxy, t_start, t_end FROM features WHERE layer = $1 AND id = $2`
	insertEdit   = `INSERT INTO features (layer, id, origin, properties, qprops, geom, minx, miny, maxx, maxy, t_start, t_end)
SELECT $1, $2, 'import', $3::jsonb, casmap_qprops($3::jsonb, l.queryables), ST_SetSRID($4::geometry, 4326),
	$5, $6, $7, $8, $9, $10
FROM layers AS l WHERE l.id = $1`
	replaceEdit = `UPDATE features AS f SET origin = 'import', properties = $3::jsonb,
	qprops = casmap_qprops($3::jsonb, l.queryables), geom = ST_SetSRID($4::geometry, 4326),
	minx = $5, miny = $6, maxx = $7, maxy = $8, t_start = $9, t_end = $10
FROM layers AS l WHERE l.id = $1 AND f.layer = $1 AND f.id = $2`
	editProperties = `INSERT INTO layer_properties (layer, name)
SELECT $1::text, k FROM jsonb_object_keys($2::jsonb) AS k ON CONFLICT DO NOTHING`
)

// applyChange checks c against the data as it is in tx and, unless
// checkOnly, writes it. A create must find no feature; a replace or
// delete must find one unchanged since c.Base.
func (db *DB) applyChange(ctx context.Context, tx pgx.Tx, c geodata.Change, checkOnly bool) error {
	var kind string
	if err := tx.QueryRow(ctx, selectKind, c.Layer).Scan(&kind); errors.Is(err, pgx.ErrNoRows) {
		return geodata.NotFoundf("layer %q does not exist", c.Layer)
	} else if err != nil {
		return err
	}
	var old *bounds
	var b bounds
	err := tx.QueryRow(ctx, selectBounds, c.Layer, c.ID).Scan(&b.minx, &b.miny, &b.maxx, &b.maxy, &b.start, &b.end)
	switch {
	case err == nil:
		old = &b
	case !errors.Is(err, pgx.ErrNoRows):
		return err
	}
	switch {
	case c.Op == geodata.OpCreate && old != nil:
		return geodata.Conflictf("layer %s already has a feature %q; replace it with PUT", c.Layer, c.ID)
	case c.Op != geodata.OpCreate && old == nil:
		return geodata.NotFoundf("feature %q not found in layer %q", c.ID, c.Layer)
	}
	if c.Base != "" {
		base, err := db.parseVersion(ctx, tx, c.Base)
		if errors.Is(err, geodata.ErrNotFound) {
			return geodata.Stalef("the version your copy names (%s) is not one this history can check; fetch the feature again", truncate(string(c.Base), 60))
		}
		if err != nil {
			return err
		}
		var changed bool
		if err := tx.QueryRow(ctx, changedSince, c.Layer, c.ID, base).Scan(&changed); err != nil {
			return err
		}
		if changed {
			return geodata.Stalef("feature %q changed after version %s, which your copy is from; fetch it again and redo your change", c.ID, c.Base)
		}
	}
	if checkOnly {
		return nil
	}
	return writeChange(ctx, tx, c, old)
}

// writeChange writes c's feature (or deletes it) and keeps its layer's
// count, extent and time span.
func writeChange(ctx context.Context, tx pgx.Tx, c geodata.Change, old *bounds) error {
	var added *bounds
	switch c.Op {
	case geodata.OpDelete:
		if _, err := tx.Exec(ctx, deleteFeature, c.Layer, c.ID); err != nil {
			return err
		}
	case geodata.OpCreate, geodata.OpReplace:
		f := c.Feature
		f.ID = c.ID
		r, err := encodeFeature(f)
		if err != nil {
			return err
		}
		stmt := insertEdit
		if c.Op == geodata.OpReplace {
			stmt = replaceEdit
		}
		if _, err := tx.Exec(ctx, stmt, c.Layer, c.ID, r.properties, r.geometry, r.minx, r.miny, r.maxx, r.maxy, r.start, r.end); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, editProperties, c.Layer, r.properties); err != nil {
			return err
		}
		added = &bounds{minx: r.minx, miny: r.miny, maxx: r.maxx, maxy: r.maxy, start: r.start, end: r.end}
	default:
		return geodata.Invalidf("unknown operation %q", c.Op)
	}
	return keepLayer(ctx, tx, c.Layer, old, added)
}

const (
	selectLayerBounds = `SELECT minx, miny, maxx, maxy, t_start, t_end FROM layers WHERE id = $1`
	// growLayer adds one feature's bounds to its layer's (least and
	// greatest pass over NULLs) and moves its count by $3.
	growLayer = `UPDATE layers SET updated = $2, feature_count = feature_count + $3,
	minx = least(minx, $4), miny = least(miny, $5), maxx = greatest(maxx, $6), maxy = greatest(maxy, $7),
	t_start = least(t_start, $8), t_end = greatest(t_end, $9)
WHERE id = $1`
)

// keepLayer keeps a layer's count, extent and time span after one
// feature's write, old and added being its bounds before and after (nil:
// absent). It reads the layer again only when the feature's old bounds
// touched the layer's (they may have shrunk): one write of one feature
// costs that feature, not its layer.
func keepLayer(ctx context.Context, tx pgx.Tx, layer string, old, added *bounds) error {
	now := time.Now()
	if old != nil {
		var l bounds
		var lminx, lminy, lmaxx, lmaxy *float64
		if err := tx.QueryRow(ctx, selectLayerBounds, layer).Scan(&lminx, &lminy, &lmaxx, &lmaxy, &l.start, &l.end); err != nil {
			return err
		}
		if lminx == nil || old.minx <= *lminx || old.miny <= *lminy || old.maxx >= *lmaxx || old.maxy >= *lmaxy ||
			(old.start != nil && (l.start == nil || *old.start <= *l.start || *old.end >= *l.end)) {
			_, err := tx.Exec(ctx, refreshLayer, layer, now)
			return err
		}
	}
	delta := 0
	switch {
	case old == nil && added != nil:
		delta = 1
	case old != nil && added == nil:
		delta = -1
	}
	var a bounds
	var minx, miny, maxx, maxy *float64
	if added != nil {
		a = *added
		minx, miny, maxx, maxy = &a.minx, &a.miny, &a.maxx, &a.maxy
	}
	_, err := tx.Exec(ctx, growLayer, layer, now, delta, minx, miny, maxx, maxy, a.start, a.end)
	return err
}

const selectHistory = `SELECT h.gen, h.op, h.before_properties, h.before_geometry,
	r.kind, r.author, r.reviewer, r.reason, r.at, r.revert_to, r.proposal
FROM feature_history AS h JOIN revisions AS r ON r.gen = h.gen
WHERE h.layer = $1 AND h.id = $2 ORDER BY h.gen`

// History returns every recorded change of a feature, oldest first, each
// with the feature before and after.
func (db *DB) History(ctx context.Context, layer, id string) ([]geodata.Revision, error) {
	if _, err := db.Layer(ctx, layer); err != nil {
		return nil, err
	}
	tx, err := db.readTx(ctx)
	if err != nil {
		return nil, wrap(ctx, err, "history of %s/%s", layer, id)
	}
	defer tx.Rollback(context.Background())
	revs, err := db.readHistory(ctx, tx, layer, id)
	if err != nil {
		return nil, wrap(ctx, err, "history of %s/%s", layer, id)
	}
	f, err := scanFeature(tx.QueryRow(ctx, selectFeature, layer, id))
	if errors.Is(err, pgx.ErrNoRows) && len(revs) == 0 {
		return nil, geodata.NotFoundf("feature %q never existed in layer %q", id, layer)
	}
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, wrap(ctx, err, "history of %s/%s", layer, id)
	}
	var after *geodata.Feature
	if err == nil {
		after = &f
	}
	for i := len(revs) - 1; i >= 0; i-- {
		revs[i].After = after
		after = revs[i].Before
	}
	return revs, nil
}

// readTx begins a read-only snapshot on the reader (the standby when it
// holds the latest version known here, else the primary).
func (db *DB) readTx(ctx context.Context) (pgx.Tx, error) {
	r, err := db.reader(ctx)
	if err != nil {
		return nil, err
	}
	return r.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
}

// readHistory reads a feature's revisions with their before-images.
func (db *DB) readHistory(ctx context.Context, tx pgx.Tx, layer, id string) ([]geodata.Revision, error) {
	rows, err := tx.Query(ctx, selectHistory, layer, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []geodata.Revision
	for rows.Next() {
		r := geodata.Revision{Layer: layer, ID: id}
		var gen int64
		var op string
		var props, geom []byte
		var revertTo, proposal *int64
		if err := rows.Scan(&gen, &op, &props, &geom, &r.Kind, &r.Author, &r.Reviewer, &r.Reason, &r.At, &revertTo, &proposal); err != nil {
			return nil, err
		}
		r.Version, r.Op = db.versionOf(gen), geodata.Op(op)
		r.At = r.At.UTC().Truncate(time.Second)
		if revertTo != nil {
			r.RevertTo = db.versionOf(*revertTo)
		}
		if proposal != nil {
			r.Proposal = *proposal
		}
		if props != nil {
			f, err := decodeFeature(id, props, geom)
			if err != nil {
				return nil, err
			}
			r.Before = &f
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// revision reads back the revision gen made of one feature.
func (db *DB) revision(ctx context.Context, layer, id string, gen int64) (geodata.Revision, error) {
	revs, err := db.History(ctx, layer, id)
	if err != nil {
		return geodata.Revision{}, err
	}
	for _, r := range revs {
		if r.Version == db.versionOf(gen) {
			return r, nil
		}
	}
	return geodata.Revision{}, fmt.Errorf("postgis: revision %d of %s/%s not recorded", gen, layer, id)
}

// versionOf is the Version of generation gen.
func (db *DB) versionOf(gen int64) geodata.Version {
	return db.version.version(&versionSnap{gen: gen})
}
