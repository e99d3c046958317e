package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/casmap/casmap/geodata"
)

// writer is who a write transaction writes as, for the history triggers
// (write_context).
type writer struct {
	kind, author, reviewer, reason string
	revertTo, proposal             sql.NullInt64
}

const (
	setWriteContext = `INSERT INTO write_context (id, kind, author, reviewer, reason, revert_to, proposal)
VALUES (1, ?, ?, ?, ?, ?, ?)`
	clearWriteContext = `DELETE FROM write_context WHERE id = 1`
)

// inWriteTx runs fn in a write transaction that writes as w, bumps the
// generation and commits; it returns the generation it made.
func (db *DB) inWriteTx(ctx context.Context, w writer, fn func(tx *sql.Tx) error) (int64, error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, setWriteContext, w.kind, w.author, w.reviewer, w.reason, w.revertTo, w.proposal); err != nil {
		return 0, err
	}
	if err := fn(tx); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, clearWriteContext); err != nil {
		return 0, err
	}
	if err := bump(ctx, tx); err != nil {
		return 0, err
	}
	var gen int64
	if err := tx.QueryRowContext(ctx, `SELECT generation FROM meta WHERE id = 1`).Scan(&gen); err != nil {
		return 0, err
	}
	return gen, db.commit(tx)
}

// Apply publishes one change at once and records it.
func (db *DB) Apply(ctx context.Context, c geodata.Change, reviewer string) (geodata.Revision, error) {
	revertTo, err := optionalGen(ctx, db.r, c.RevertTo)
	if err != nil {
		return geodata.Revision{}, err
	}
	w := writer{kind: kindOr(c.Kind), author: c.Author, reviewer: reviewer, reason: c.Reason, revertTo: revertTo}
	gen, err := db.inWriteTx(ctx, w, func(tx *sql.Tx) error {
		return applyChange(ctx, tx, c, false)
	})
	if err != nil {
		return geodata.Revision{}, wrapWrite(c, err)
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
func wrapWrite(c geodata.Change, err error) error {
	var de *geodata.Error
	if errors.As(err, &de) {
		return err
	}
	return fmt.Errorf("sqlite: %s %s/%s: %w", c.Op, c.Layer, c.ID, err)
}

// optionalGen parses a version that may be empty.
func optionalGen(ctx context.Context, q queryer, v geodata.Version) (sql.NullInt64, error) {
	if v == "" {
		return sql.NullInt64{}, nil
	}
	gen, err := parseVersion(ctx, q, v)
	return sql.NullInt64{Int64: gen, Valid: true}, err
}

const (
	featureExists = `SELECT EXISTS (SELECT 1 FROM features WHERE layer = ? AND id = ?)`
	insertEdit    = `INSERT INTO features
	(layer, id, origin, properties, geometry, minx, miny, maxx, maxy, t_start, t_end)
VALUES (?, ?, 'import', ?, ?, ?, ?, ?, ?, ?, ?)`
	replaceEdit = `UPDATE features SET origin = 'import', properties = ?, geometry = ?,
	minx = ?, miny = ?, maxx = ?, maxy = ?, t_start = ?, t_end = ?
WHERE layer = ? AND id = ?`
	touchEdited = `UPDATE layers SET updated = ? WHERE id = ?`
)

// applyChange checks c against the data as it is in tx and, unless
// checkOnly, writes it. A create must find no feature; a replace or
// delete must find one unchanged since c.Base.
func applyChange(ctx context.Context, tx *sql.Tx, c geodata.Change, checkOnly bool) error {
	if _, err := layerNum(ctx, tx, c.Layer); err != nil {
		return err
	}
	var exists bool
	if err := tx.QueryRowContext(ctx, featureExists, c.Layer, c.ID).Scan(&exists); err != nil {
		return err
	}
	switch {
	case c.Op == geodata.OpCreate && exists:
		return geodata.Conflictf("layer %s already has a feature %q; replace it with PUT", c.Layer, c.ID)
	case c.Op != geodata.OpCreate && !exists:
		return geodata.NotFoundf("feature %q not found in layer %q", c.ID, c.Layer)
	}
	if c.Base != "" {
		base, err := parseVersion(ctx, tx, c.Base)
		if errors.Is(err, geodata.ErrNotFound) {
			return geodata.Stalef("the version your copy names (%s) is not one this history can check; fetch the feature again", shorten(string(c.Base), 60))
		}
		if err != nil {
			return err
		}
		var changed bool
		if err := tx.QueryRowContext(ctx, changedSince, c.Layer, c.ID, base).Scan(&changed); err != nil {
			return err
		}
		if changed {
			return geodata.Stalef("feature %q changed after version %s, which your copy is from; fetch it again and redo your change", c.ID, c.Base)
		}
	}
	if checkOnly {
		return nil
	}
	return writeChange(ctx, tx, c)
}

// writeChange writes c's feature (or deletes it) and touches its layer.
func writeChange(ctx context.Context, tx *sql.Tx, c geodata.Change) error {
	var err error
	switch c.Op {
	case geodata.OpDelete:
		_, err = tx.ExecContext(ctx, deleteFeature, c.Layer, c.ID)
	case geodata.OpCreate, geodata.OpReplace:
		f := c.Feature
		f.ID = c.ID
		r, encErr := encodeFeature(f)
		if encErr != nil {
			return encErr
		}
		if c.Op == geodata.OpCreate {
			_, err = tx.ExecContext(ctx, insertEdit, c.Layer, c.ID, r.properties, r.geometry, r.minx, r.miny, r.maxx, r.maxy, r.start, r.end)
		} else {
			_, err = tx.ExecContext(ctx, replaceEdit, r.properties, r.geometry, r.minx, r.miny, r.maxx, r.maxy, r.start, r.end, c.Layer, c.ID)
		}
		if err == nil {
			names := map[string]bool{}
			for k := range r.keys {
				names[k] = true
			}
			err = recordProperties(ctx, tx, c.Layer, names)
		}
	default:
		return geodata.Invalidf("unknown operation %q", c.Op)
	}
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, touchEdited, formatTime(time.Now()), c.Layer)
	return err
}

const selectHistory = `SELECT h.gen, h.op, h.before_properties, h.before_geometry,
	r.kind, r.author, r.reviewer, r.reason, r.at, r.revert_to, r.proposal
FROM feature_history AS h JOIN revisions AS r ON r.gen = h.gen
WHERE h.layer = ? AND h.id = ? ORDER BY h.gen`

// History returns every recorded change of a feature, oldest first, each
// with the feature before and after.
func (db *DB) History(ctx context.Context, layer, id string) ([]geodata.Revision, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("sqlite: history of %s/%s: %w", layer, id, err)
	}
	defer tx.Rollback()
	if _, err := layerNum(ctx, tx, layer); err != nil {
		return nil, err
	}
	revs, err := readHistory(ctx, tx, layer, id)
	if err != nil {
		return nil, err
	}
	var props sql.NullString
	var geom []byte
	err = tx.QueryRowContext(ctx, selectCurrent, layer, id).Scan(&props, &geom)
	if errors.Is(err, sql.ErrNoRows) && len(revs) == 0 {
		return nil, geodata.NotFoundf("feature %q never existed in layer %q", id, layer)
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlite: history of %s/%s: %w", layer, id, err)
	}
	var after *geodata.Feature
	if err == nil {
		f, err := decodeRow(id, props.String, geom)
		if err != nil {
			return nil, err
		}
		after = &f
	}
	for i := len(revs) - 1; i >= 0; i-- {
		revs[i].After = after
		after = revs[i].Before
	}
	return revs, nil
}

// readHistory reads a feature's revisions with their before-images.
func readHistory(ctx context.Context, tx *sql.Tx, layer, id string) ([]geodata.Revision, error) {
	dbid, err := dbID(ctx, tx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, selectHistory, layer, id)
	if err != nil {
		return nil, fmt.Errorf("sqlite: history of %s/%s: %w", layer, id, err)
	}
	defer rows.Close()
	var out []geodata.Revision
	for rows.Next() {
		r := geodata.Revision{Layer: layer, ID: id}
		var gen int64
		var op, at string
		var props sql.NullString
		var geom []byte
		var revertTo, proposal sql.NullInt64
		if err := rows.Scan(&gen, &op, &props, &geom, &r.Kind, &r.Author, &r.Reviewer, &r.Reason, &at, &revertTo, &proposal); err != nil {
			return nil, fmt.Errorf("sqlite: history of %s/%s: %w", layer, id, err)
		}
		r.Version, r.Op = versionOf(dbid, gen), geodata.Op(op)
		r.At, _ = time.Parse(time.RFC3339, at)
		if revertTo.Valid {
			r.RevertTo = versionOf(dbid, revertTo.Int64)
		}
		r.Proposal = proposal.Int64
		if props.Valid {
			f, err := decodeRow(id, props.String, geom)
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
		if v, _ := genOf(r.Version); v == gen {
			return r, nil
		}
	}
	return geodata.Revision{}, fmt.Errorf("sqlite: revision %d of %s/%s not recorded", gen, layer, id)
}

func dbID(ctx context.Context, q queryer) (string, error) {
	var id string
	if err := q.QueryRowContext(ctx, `SELECT substr(dbid, 1, 8) FROM meta WHERE id = 1`).Scan(&id); err != nil {
		return "", fmt.Errorf("sqlite: read database id: %w", err)
	}
	return id, nil
}

// versionOf is the Version of generation gen.
func versionOf(dbid string, gen int64) geodata.Version {
	return geodata.Version(fmt.Sprintf("%s-%d", dbid, gen))
}

// genOf is the generation in a version, without checking its database.
func genOf(v geodata.Version) (int64, bool) {
	_, genText, ok := strings.Cut(string(v), "-")
	gen, err := strconv.ParseInt(genText, 10, 64)
	return gen, ok && err == nil
}
