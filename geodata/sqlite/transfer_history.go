package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/casmap/casmap/geodata"
)

// The history's part of `casmap copy`: out to a geodata.HistorySink after
// the features, and in from one.

const (
	selectCopyRevisions = `SELECT gen, kind, author, reviewer, reason, at, revert_to, proposal FROM revisions ORDER BY gen`
	selectCopyChanges   = `SELECT layer, id, gen, op, before_properties, before_geometry FROM feature_history ORDER BY layer, id, gen`
	selectCopyProposals = `SELECT id, layer, feature_id, op, kind, revert_to, base_gen, properties, geometry,
	author, reason, created, status, reviewer, note, closed, published_gen FROM proposals ORDER BY id`
)

// copyHistoryOut sends the history, as tx sees it, to sink.
func copyHistoryOut(ctx context.Context, tx *sql.Tx, sink geodata.HistorySink) error {
	var gen, since int64
	if err := tx.QueryRowContext(ctx, `SELECT generation, history_since FROM meta WHERE id = 1`).Scan(&gen, &since); err != nil {
		return fmt.Errorf("sqlite: copy out history: %w", err)
	}
	if err := sink.CopyGenerations(ctx, gen, since); err != nil {
		return err
	}
	if err := eachRow(ctx, tx, selectCopyRevisions, func(rows *sql.Rows) error {
		var r geodata.CopiedRevision
		var at string
		var revertTo, proposal sql.NullInt64
		if err := rows.Scan(&r.Gen, &r.Kind, &r.Author, &r.Reviewer, &r.Reason, &at, &revertTo, &proposal); err != nil {
			return err
		}
		r.At, _ = time.Parse(time.RFC3339, at)
		r.RevertTo, r.Proposal = nullable(revertTo), nullable(proposal)
		return sink.CopyRevision(ctx, r)
	}); err != nil {
		return err
	}
	if err := eachRow(ctx, tx, selectCopyChanges, func(rows *sql.Rows) error {
		var c geodata.CopiedChange
		var op string
		var props sql.NullString
		var geom []byte
		if err := rows.Scan(&c.Layer, &c.ID, &c.Gen, &op, &props, &geom); err != nil {
			return err
		}
		c.Op = geodata.Op(op)
		if props.Valid {
			f, err := decodeRow(c.ID, props.String, geom)
			if err != nil {
				return err
			}
			c.Before = &f
		}
		return sink.CopyChange(ctx, c)
	}); err != nil {
		return err
	}
	return eachRow(ctx, tx, selectCopyProposals, func(rows *sql.Rows) error {
		var p geodata.CopiedProposal
		var op, status, created string
		var closed, props sql.NullString
		var revertTo, base, published sql.NullInt64
		var geom []byte
		if err := rows.Scan(&p.ID, &p.Layer, &p.FeatureID, &op, &p.Kind, &revertTo, &base, &props, &geom,
			&p.Author, &p.Reason, &created, &status, &p.Reviewer, &p.Note, &closed, &published); err != nil {
			return err
		}
		p.Op, p.Status = geodata.Op(op), geodata.ProposalStatus(status)
		p.RevertTo, p.BaseGen, p.PublishedGen = nullable(revertTo), nullable(base), nullable(published)
		p.Created, _ = time.Parse(time.RFC3339, created)
		if closed.Valid {
			t, _ := time.Parse(time.RFC3339, closed.String)
			p.Closed = &t
		}
		if props.Valid {
			f, err := decodeRow(p.FeatureID, props.String, geom)
			if err != nil {
				return err
			}
			p.Feature = &f
		}
		return sink.CopyProposal(ctx, p)
	})
}

// eachRow runs query in tx and calls fn on each row.
func eachRow(ctx context.Context, tx *sql.Tx, query string, fn func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return fmt.Errorf("sqlite: copy out history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: copy out history: %w", err)
	}
	return nil
}

func nullable(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	return &n.Int64
}

func nullInt(p *int64) sql.NullInt64 {
	if p == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: *p, Valid: true}
}

const (
	// The triggers recorded the copy's own inserts as creates; a copy
	// that brings its source's history puts that in their place.
	dropCopiedChanges   = `DELETE FROM feature_history`
	dropCopiedRevisions = `DELETE FROM revisions`
	insertCopyRevision  = `INSERT INTO revisions (gen, kind, author, reviewer, reason, at, revert_to, proposal)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	insertCopyChange = `INSERT INTO feature_history (layer, id, gen, op, before_properties, before_geometry)
VALUES (?, ?, ?, ?, ?, ?)`
	insertCopyProposal = `INSERT INTO proposals (id, layer, feature_id, op, kind, revert_to, base_gen, properties, geometry,
	author, reason, created, status, reviewer, note, closed, published_gen)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	// keepGenerations ends a copy that brought its history: the source's
	// generations, or one past the copy's own if that is later.
	keepGenerations = `UPDATE meta SET generation = max(generation + 1, ?), history_since = ? WHERE id = 1`
)

func (s *copySink) CopyGenerations(ctx context.Context, generation, since int64) error {
	for _, stmt := range []string{dropCopiedChanges, dropCopiedRevisions} {
		if _, err := s.tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("sqlite: copy in history: %w", err)
		}
	}
	s.history = &[2]int64{generation, since}
	return nil
}

func (s *copySink) CopyRevision(ctx context.Context, r geodata.CopiedRevision) error {
	if _, err := s.tx.ExecContext(ctx, insertCopyRevision, r.Gen, r.Kind, r.Author, r.Reviewer, r.Reason,
		formatTime(r.At), nullInt(r.RevertTo), nullInt(r.Proposal)); err != nil {
		return fmt.Errorf("sqlite: copy in revision %d: %w", r.Gen, err)
	}
	return nil
}

func (s *copySink) CopyChange(ctx context.Context, c geodata.CopiedChange) error {
	var props sql.NullString
	var geom []byte
	if c.Before != nil {
		r, err := encodeFeature(*c.Before)
		if err != nil {
			return geodata.Invalidf("history of %s/%s at %d: %s", c.Layer, truncate(c.ID, 60), c.Gen, geodata.Message(err, err.Error()))
		}
		props, geom = sql.NullString{String: r.properties, Valid: true}, r.geometry
	}
	if _, err := s.tx.ExecContext(ctx, insertCopyChange, c.Layer, c.ID, c.Gen, string(c.Op), props, geom); err != nil {
		return fmt.Errorf("sqlite: copy in history of %s/%s: %w", c.Layer, c.ID, err)
	}
	return nil
}

func (s *copySink) CopyProposal(ctx context.Context, p geodata.CopiedProposal) error {
	var props sql.NullString
	var geom []byte
	if p.Feature != nil {
		r, err := encodeFeature(*p.Feature)
		if err != nil {
			return geodata.Invalidf("proposal %d: %s", p.ID, geodata.Message(err, err.Error()))
		}
		props, geom = sql.NullString{String: r.properties, Valid: true}, r.geometry
	}
	var closed sql.NullString
	if p.Closed != nil {
		closed = sql.NullString{String: formatTime(*p.Closed), Valid: true}
	}
	if _, err := s.tx.ExecContext(ctx, insertCopyProposal, p.ID, p.Layer, p.FeatureID, string(p.Op), p.Kind,
		nullInt(p.RevertTo), nullInt(p.BaseGen), props, geom, p.Author, p.Reason, formatTime(p.Created),
		string(p.Status), p.Reviewer, p.Note, closed, nullInt(p.PublishedGen)); err != nil {
		return fmt.Errorf("sqlite: copy in proposal %d: %w", p.ID, err)
	}
	return nil
}
