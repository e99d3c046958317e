package postgis

import (
	"context"
	"errors"

	"github.com/casmap/casmap/geodata"
	"github.com/jackc/pgx/v5"
)

// The history's part of `casmap copy`: out to a geodata.HistorySink after
// the features, and in from one. A copy in records nothing of its own in
// the history (casmap.history is off): it brings its source's, or, from a
// source without one, starts the history at the copy.

const (
	selectCopyRevisions = `SELECT gen, kind, author, reviewer, reason, at, revert_to, proposal FROM revisions ORDER BY gen`
	selectCopyChanges   = `SELECT layer, id, gen, op, before_properties, before_geometry FROM feature_history ORDER BY layer, id, gen`
	selectCopyProposals = `SELECT id, layer, feature_id, op, kind, revert_to, base_gen, properties, geometry,
	author, reason, created, status, reviewer, note, closed, published_gen FROM proposals ORDER BY id`
	historyOff = `SELECT set_config('casmap.history', 'off', true)`
)

// copyHistoryOut sends the history, as tx sees it, to sink.
func copyHistoryOut(ctx context.Context, tx pgx.Tx, sink geodata.HistorySink) error {
	var gen, since int64
	if err := tx.QueryRow(ctx, selectGenerations).Scan(&gen, &since); err != nil {
		return wrap(ctx, err, "copy out history")
	}
	if err := sink.CopyGenerations(ctx, gen, since); err != nil {
		return err
	}
	err := eachRow(ctx, tx, selectCopyRevisions, func(rows pgx.Rows) error {
		var r geodata.CopiedRevision
		if err := rows.Scan(&r.Gen, &r.Kind, &r.Author, &r.Reviewer, &r.Reason, &r.At, &r.RevertTo, &r.Proposal); err != nil {
			return err
		}
		r.At = r.At.UTC()
		return sink.CopyRevision(ctx, r)
	})
	if err != nil {
		return err
	}
	err = eachRow(ctx, tx, selectCopyChanges, func(rows pgx.Rows) error {
		var c geodata.CopiedChange
		var op string
		var props, geom []byte
		if err := rows.Scan(&c.Layer, &c.ID, &c.Gen, &op, &props, &geom); err != nil {
			return err
		}
		c.Op = geodata.Op(op)
		if props != nil {
			f, err := decodeFeature(c.ID, props, geom)
			if err != nil {
				return err
			}
			c.Before = &f
		}
		return sink.CopyChange(ctx, c)
	})
	if err != nil {
		return err
	}
	return eachRow(ctx, tx, selectCopyProposals, func(rows pgx.Rows) error {
		var p geodata.CopiedProposal
		var op, status string
		var props, geom []byte
		if err := rows.Scan(&p.ID, &p.Layer, &p.FeatureID, &op, &p.Kind, &p.RevertTo, &p.BaseGen, &props, &geom,
			&p.Author, &p.Reason, &p.Created, &status, &p.Reviewer, &p.Note, &p.Closed, &p.PublishedGen); err != nil {
			return err
		}
		p.Op, p.Status = geodata.Op(op), geodata.ProposalStatus(status)
		p.Created = p.Created.UTC()
		if props != nil {
			f, err := decodeFeature(p.FeatureID, props, geom)
			if err != nil {
				return err
			}
			p.Feature = &f
		}
		return sink.CopyProposal(ctx, p)
	})
}

// eachRow runs query in tx and calls fn on each row as it comes (fn
// must not use tx meanwhile).
func eachRow(ctx context.Context, tx pgx.Tx, query string, fn func(pgx.Rows) error) error {
	rows, err := tx.Query(ctx, query)
	if err != nil {
		return wrap(ctx, err, "copy out history")
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return wrap(ctx, err, "copy out history")
	}
	return nil
}

const (
	insertCopyRevision = `INSERT INTO revisions (gen, kind, author, reviewer, reason, at, revert_to, proposal)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`
	insertCopyProposal = `INSERT INTO proposals (id, layer, feature_id, op, kind, revert_to, base_gen, properties, geometry,
	author, reason, created, status, reviewer, note, closed, published_gen)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, ST_SetSRID($9::geometry, 4326), $10, $11, $12, $13, $14, $15, $16, $17)`
	// keepProposalIDs moves the proposals' identity past the copied ones.
	keepProposalIDs = `SELECT setval(pg_get_serial_sequence('proposals', 'id'), max(id)) FROM proposals HAVING count(*) > 0`
	// keepGenerations ends a copy: the source's generations (or the
	// copy's own when later), or, from a source without a history, the
	// copy's generation as the start of the history.
	keepGenerations = `UPDATE meta SET generation = greatest(generation, $1), history_since = coalesce($2, generation)
WHERE id = 1 RETURNING generation`
)

var changeColumns = []string{"layer", "id", "gen", "op", "before_properties", "before_geometry"}

func (s *copySink) CopyGenerations(ctx context.Context, generation, since int64) error {
	if err := s.endFeatures(ctx); err != nil {
		return err
	}
	s.history = &[2]int64{generation, since}
	return nil
}

func (s *copySink) CopyRevision(ctx context.Context, r geodata.CopiedRevision) error {
	if _, err := s.tx.Exec(ctx, insertCopyRevision, r.Gen, r.Kind, r.Author, r.Reviewer, r.Reason, r.At, r.RevertTo, r.Proposal); err != nil {
		return wrap(ctx, err, "copy in revision %d", r.Gen)
	}
	return nil
}

// CopyChange streams the changes through one COPY into feature_history,
// on its own goroutine, as features go.
func (s *copySink) CopyChange(ctx context.Context, c geodata.CopiedChange) error {
	if s.changes == nil {
		s.changes = newCopyStream(func(rows <-chan []any) error {
			src := pgx.CopyFromFunc(func() ([]any, error) {
				r, ok := <-rows
				if !ok {
					return nil, nil
				}
				return r, nil
			})
			if _, err := s.tx.CopyFrom(ctx, pgx.Identifier{"feature_history"}, changeColumns, src); err != nil {
				return wrap(ctx, err, "copy in history")
			}
			return nil
		})
	}
	row := []any{c.Layer, c.ID, c.Gen, string(c.Op), nil, nil}
	if c.Before != nil {
		r, err := encodeFeature(*c.Before)
		if err != nil {
			return geodata.Invalidf("history of %s/%s at %d: %s", c.Layer, truncate(c.ID, 60), c.Gen, geodata.Message(err, err.Error()))
		}
		row[4], row[5] = r.properties, r.geometry
	}
	return s.changes.send(row)
}

func (s *copySink) CopyProposal(ctx context.Context, p geodata.CopiedProposal) error {
	if err := s.changes.end(); err != nil {
		return err
	}
	var props *string
	var geom []byte
	if p.Feature != nil {
		r, err := encodeFeature(*p.Feature)
		if err != nil {
			return geodata.Invalidf("proposal %d: %s", p.ID, geodata.Message(err, err.Error()))
		}
		props, geom = &r.properties, r.geometry
	}
	if _, err := s.tx.Exec(ctx, insertCopyProposal, p.ID, p.Layer, p.FeatureID, string(p.Op), p.Kind, p.RevertTo, p.BaseGen,
		props, geom, p.Author, p.Reason, p.Created, string(p.Status), p.Reviewer, p.Note, p.Closed, p.PublishedGen); err != nil {
		return wrap(ctx, err, "copy in proposal %d", p.ID)
	}
	return nil
}

// endHistory finishes what the history's copy left running and sets the
// generations; it returns the generation the copy ends at.
func (s *copySink) endHistory(ctx context.Context) (int64, error) {
	if err := s.changes.end(); err != nil {
		return 0, err
	}
	if _, err := s.tx.Exec(ctx, keepProposalIDs); err != nil {
		return 0, wrap(ctx, err, "copy in proposals")
	}
	var gen, since *int64
	if s.history != nil {
		gen, since = &s.history[0], &s.history[1]
	}
	var now int64
	if err := s.tx.QueryRow(ctx, keepGenerations, gen, since).Scan(&now); err != nil {
		return 0, wrap(ctx, err, "copy in")
	}
	return now, nil
}

// copyStream feeds rows to a writer (a COPY) on its own goroutine.
type copyStream struct {
	rows  chan []any
	done  chan error
	ended bool
	err   error
}

func newCopyStream(write func(<-chan []any) error) *copyStream {
	c := &copyStream{rows: make(chan []any, 256), done: make(chan error, 1)}
	go func() { c.done <- write(c.rows) }()
	return c
}

// send passes a row on, or returns the writer's error if it stopped.
func (c *copyStream) send(row []any) error {
	select {
	case c.rows <- row:
		return nil
	case err := <-c.done:
		c.ended, c.err = true, err
		if err == nil {
			err = errors.New("postgis: copy in: the writer stopped")
		}
		return err
	}
}

// end closes the stream and waits for its writer; a nil stream has
// nothing to end.
func (c *copyStream) end() error {
	if c == nil {
		return nil
	}
	if !c.ended {
		close(c.rows)
		c.err, c.ended = <-c.done, true
	}
	return c.err
}
