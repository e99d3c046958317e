package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb/encoding/wkb"
)

// This file is `casmap copy`'s part of the store: a whole database out to
// a geodata.Sink, and in from one.

const (
	selectAllLayers = `SELECT id, title, description, geometry_kind, style, attribution, license,
	queryables, updated, seed_version FROM layers ORDER BY id`
	selectAllFeatures = `SELECT layer, id, origin, properties, geometry FROM features ORDER BY rid`
	insertCopyFeature = `INSERT INTO features
	(layer, id, origin, properties, geometry, minx, miny, maxx, maxy, t_start, t_end)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// CopyOut streams the whole database to sink from one snapshot, layers
// first, then features in the order they were added, then, to a
// geodata.HistorySink, the history; it returns the version it read.
func (db *DB) CopyOut(ctx context.Context, sink geodata.Sink) (geodata.Version, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return "", fmt.Errorf("sqlite: copy out: %w", err)
	}
	defer tx.Rollback()
	var id string
	var gen int64
	if err := tx.QueryRowContext(ctx, selectVersion).Scan(&id, &gen); err != nil {
		return "", fmt.Errorf("sqlite: copy out: %w", err)
	}
	if err := copyLayersOut(ctx, tx, sink); err != nil {
		return "", err
	}
	rows, err := tx.QueryContext(ctx, selectAllFeatures)
	if err != nil {
		return "", fmt.Errorf("sqlite: copy out features: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var layer, origin, props string
		var f geodata.Feature
		geom := wkb.Scanner(nil)
		if err := rows.Scan(&layer, &f.ID, &origin, &props, geom); err != nil {
			return "", fmt.Errorf("sqlite: copy out features: %w", err)
		}
		if err := json.Unmarshal([]byte(props), &f.Properties); err != nil {
			return "", fmt.Errorf("sqlite: copy out feature %s/%s: %w", layer, f.ID, err)
		}
		f.Geometry = geom.Geometry
		if err := sink.CopyFeature(ctx, layer, f, origin); err != nil {
			return "", err
		}
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("sqlite: copy out features: %w", err)
	}
	rows.Close()
	if hs, ok := sink.(geodata.HistorySink); ok {
		if err := copyHistoryOut(ctx, tx, hs); err != nil {
			return "", err
		}
	}
	return geodata.Version(fmt.Sprintf("%s-%d", id, gen)), nil
}

func copyLayersOut(ctx context.Context, tx *sql.Tx, sink geodata.Sink) error {
	rows, err := tx.QueryContext(ctx, selectAllLayers)
	if err != nil {
		return fmt.Errorf("sqlite: copy out layers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ld geodata.LayerData
		l := &ld.Layer
		var style, queryables, updated string
		if err := rows.Scan(&l.ID, &l.Title, &l.Description, &l.GeometryKind, &style,
			&l.Attribution, &l.License, &queryables, &updated, &ld.Version); err != nil {
			return fmt.Errorf("sqlite: copy out layers: %w", err)
		}
		if err := errors.Join(json.Unmarshal([]byte(style), &l.Style), json.Unmarshal([]byte(queryables), &l.Queryables)); err != nil {
			return fmt.Errorf("sqlite: copy out layer %s: %w", l.ID, err)
		}
		if l.Updated, err = time.Parse(time.RFC3339, updated); err != nil {
			return fmt.Errorf("sqlite: copy out layer %s: %w", l.ID, err)
		}
		if err := sink.CopyLayer(ctx, ld); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CopyIn fills an empty database, in one transaction, with what fill
// sends its sink (a geodata.HistorySink: layers first, then features,
// then the history, which takes the place of the copy's own): all of it
// or, if fill or a write fails, nothing. A database that holds layers
// already is refused.
func (db *DB) CopyIn(ctx context.Context, fill func(geodata.Sink) error) error {
	for _, pragma := range importPragmas {
		if _, err := db.w.ExecContext(ctx, pragma); err != nil {
			return fmt.Errorf("sqlite: copy in: %w", err)
		}
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: copy in: %w", err)
	}
	defer tx.Rollback()
	var seeded bool
	if err := tx.QueryRowContext(ctx, anyLayer).Scan(&seeded); err != nil {
		return fmt.Errorf("sqlite: copy in: %w", err)
	}
	if seeded {
		return geodata.Invalidf("the database to copy into already holds layers; copy into a new, empty one")
	}
	ins, err := tx.PrepareContext(ctx, insertCopyFeature)
	if err != nil {
		return fmt.Errorf("sqlite: copy in: %w", err)
	}
	defer ins.Close()
	sink := &copySink{tx: tx, ins: ins, props: map[string]map[string]bool{}}
	if err := fill(sink); err != nil {
		return err
	}
	for _, layer := range sortedKeys(sink.props) {
		if err := recordProperties(ctx, tx, layer, sink.props[layer]); err != nil {
			return fmt.Errorf("sqlite: copy in: %w", err)
		}
	}
	if sink.history != nil {
		_, err = tx.ExecContext(ctx, keepGenerations, sink.history[0], sink.history[1])
	} else {
		err = bump(ctx, tx)
	}
	if err != nil {
		return fmt.Errorf("sqlite: copy in: %w", err)
	}
	if err := db.commit(tx); err != nil {
		return fmt.Errorf("sqlite: copy in: %w", err)
	}
	return nil
}

// copySink writes what a copy sends into a SQLite write transaction.
type copySink struct {
	tx  *sql.Tx
	ins *sql.Stmt
	n   int
	// props are the property names seen, by layer.
	props map[string]map[string]bool
	// history is the source's generation and history_since, once its
	// history has come.
	history *[2]int64
}

func (s *copySink) CopyLayer(ctx context.Context, ld geodata.LayerData) error {
	l := ld.Layer
	style, err := json.Marshal(l.Style)
	if err != nil {
		return fmt.Errorf("sqlite: copy in layer %s: %w", l.ID, err)
	}
	queryables := l.Queryables
	if queryables == nil {
		queryables = []string{}
	}
	qjson, err := json.Marshal(queryables)
	if err != nil {
		return fmt.Errorf("sqlite: copy in layer %s: %w", l.ID, err)
	}
	updated := l.Updated
	if updated.IsZero() {
		updated = time.Now()
	}
	if _, err := s.tx.ExecContext(ctx, upsertLayer, l.ID, l.Title, l.Description, l.GeometryKind,
		string(style), l.Attribution, l.License, string(qjson), formatTime(updated), ld.Version); err != nil {
		return fmt.Errorf("sqlite: copy in layer %s: %w", l.ID, err)
	}
	return nil
}

func (s *copySink) CopyFeature(ctx context.Context, layer string, f geodata.Feature, origin string) error {
	s.n++
	r, err := encodeFeature(f)
	if err != nil {
		return geodata.Invalidf("feature %d (%s/%s): %s", s.n, layer, truncate(f.ID, 60), geodata.Message(err, err.Error()))
	}
	if _, err := s.ins.ExecContext(ctx, layer, r.id, origin, r.properties, r.geometry,
		r.minx, r.miny, r.maxx, r.maxy, r.start, r.end); err != nil {
		return fmt.Errorf("sqlite: copy in feature %s/%s: %w", layer, f.ID, err)
	}
	if s.props[layer] == nil {
		s.props[layer] = map[string]bool{}
	}
	for k := range f.Properties {
		s.props[layer][k] = true
	}
	return nil
}
