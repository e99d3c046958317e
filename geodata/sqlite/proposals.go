package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/casmap/casmap/geodata"
)

const (
	insertProposal = `INSERT INTO proposals
	(layer, feature_id, op, kind, revert_to, base_gen, properties, geometry, author, reason, created)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	proposalColumns = `id, layer, feature_id, op, kind, revert_to, base_gen, properties, geometry,
	author, reason, created, status, reviewer, note, coalesce(closed, ''), published_gen`
	selectProposal  = `SELECT ` + proposalColumns + ` FROM proposals WHERE id = ?`
	selectProposals = `SELECT ` + proposalColumns + ` FROM proposals
WHERE (:status = '' OR status = :status) AND (:author = '' OR author = :author)
  AND (:layer = '' OR layer = :layer) AND (:id = '' OR feature_id = :id)
ORDER BY id DESC LIMIT :limit`
	closeProposal = `UPDATE proposals SET status = ?, reviewer = ?, note = ?, closed = ?, published_gen = ?
WHERE id = ? AND status = 'pending'`
)

// Propose records c as a pending proposal, after the checks Apply makes,
// without touching the published data or its version.
func (db *DB) Propose(ctx context.Context, c geodata.Change) (geodata.Proposal, error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return geodata.Proposal{}, fmt.Errorf("sqlite: propose: %w", err)
	}
	defer tx.Rollback()
	if err := applyChange(ctx, tx, c, true); err != nil {
		return geodata.Proposal{}, wrapWrite(c, err)
	}
	base, err := optionalGen(ctx, tx, c.Base)
	if err != nil {
		return geodata.Proposal{}, err
	}
	if c.Op != geodata.OpCreate && !base.Valid {
		// No base given: the proposal is based on the data as it is.
		base = sql.NullInt64{Valid: true}
		if err := tx.QueryRowContext(ctx, `SELECT generation FROM meta WHERE id = 1`).Scan(&base.Int64); err != nil {
			return geodata.Proposal{}, err
		}
	}
	revertTo, err := optionalGen(ctx, tx, c.RevertTo)
	if err != nil {
		return geodata.Proposal{}, err
	}
	var props sql.NullString
	var geom []byte
	if c.Op != geodata.OpDelete {
		f := c.Feature
		f.ID = c.ID
		r, err := encodeFeature(f)
		if err != nil {
			return geodata.Proposal{}, err
		}
		props, geom = sql.NullString{String: r.properties, Valid: true}, r.geometry
	}
	now := time.Now()
	res, err := tx.ExecContext(ctx, insertProposal, c.Layer, c.ID, string(c.Op), kindOr(c.Kind), revertTo, base,
		props, geom, c.Author, c.Reason, formatTime(now))
	if err != nil {
		return geodata.Proposal{}, fmt.Errorf("sqlite: propose: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return geodata.Proposal{}, err
	}
	if err := tx.Commit(); err != nil {
		return geodata.Proposal{}, fmt.Errorf("sqlite: propose: %w", err)
	}
	return db.Proposal(ctx, id)
}

// Proposal returns one proposal.
func (db *DB) Proposal(ctx context.Context, id int64) (geodata.Proposal, error) {
	return readProposal(ctx, db.r, id)
}

func readProposal(ctx context.Context, q queryer, id int64) (geodata.Proposal, error) {
	dbid, err := dbID(ctx, q)
	if err != nil {
		return geodata.Proposal{}, err
	}
	p, err := scanProposal(q.QueryRowContext(ctx, selectProposal, id), dbid)
	if errors.Is(err, sql.ErrNoRows) {
		return geodata.Proposal{}, geodata.NotFoundf("no proposal %d", id)
	}
	return p, err
}

// Proposals lists proposals matching f, newest first.
func (db *DB) Proposals(ctx context.Context, f geodata.ProposalFilter) ([]geodata.Proposal, error) {
	limit := f.Limit
	if limit <= 0 || limit > geodata.MaxProposals {
		limit = geodata.MaxProposals
	}
	dbid, err := dbID(ctx, db.r)
	if err != nil {
		return nil, err
	}
	rows, err := db.r.QueryContext(ctx, selectProposals, sql.Named("status", string(f.Status)), sql.Named("author", f.Author),
		sql.Named("layer", f.Layer), sql.Named("id", f.ID), sql.Named("limit", limit))
	if err != nil {
		return nil, fmt.Errorf("sqlite: list proposals: %w", err)
	}
	defer rows.Close()
	var out []geodata.Proposal
	for rows.Next() {
		p, err := scanProposal(rows, dbid)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func scanProposal(r rowScanner, dbid string) (geodata.Proposal, error) {
	var p geodata.Proposal
	var op, status, created, closed string
	var revertTo, base, published sql.NullInt64
	var props sql.NullString
	var geom []byte
	c := &p.Change
	if err := r.Scan(&p.ID, &c.Layer, &c.ID, &op, &c.Kind, &revertTo, &base, &props, &geom,
		&c.Author, &c.Reason, &created, &status, &p.Reviewer, &p.Note, &closed, &published); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return p, err
		}
		return p, fmt.Errorf("sqlite: read proposal: %w", err)
	}
	c.Op, p.Status = geodata.Op(op), geodata.ProposalStatus(status)
	p.Created, _ = time.Parse(time.RFC3339, created)
	p.Closed, _ = time.Parse(time.RFC3339, closed)
	if revertTo.Valid {
		c.RevertTo = versionOf(dbid, revertTo.Int64)
	}
	if base.Valid {
		c.Base = versionOf(dbid, base.Int64)
	}
	if published.Valid {
		p.Published = versionOf(dbid, published.Int64)
	}
	if props.Valid {
		f, err := decodeRow(c.ID, props.String, geom)
		if err != nil {
			return p, err
		}
		c.Feature = f
	}
	return p, nil
}

// Publish applies a pending proposal and marks it published, in one
// transaction.
func (db *DB) Publish(ctx context.Context, id int64, reviewer, note string) (geodata.Revision, error) {
	var c geodata.Change
	gen, err := db.inWriteTxFor(ctx, id, reviewer, func(tx *sql.Tx, p geodata.Proposal) error {
		c = p.Change
		if err := applyChange(ctx, tx, c, false); err != nil {
			if errors.Is(err, geodata.ErrStale) {
				return geodata.Conflictf("feature %q changed after this proposal was made; reject it and propose again from the current feature", c.ID)
			}
			return err
		}
		return nil
	}, note)
	if err != nil {
		return geodata.Revision{}, wrapWrite(c, err)
	}
	return db.revision(ctx, c.Layer, c.ID, gen)
}

// inWriteTxFor runs fn on pending proposal id in a write transaction that
// writes as the proposal's author with reviewer, then marks it published.
func (db *DB) inWriteTxFor(ctx context.Context, id int64, reviewer string, fn func(*sql.Tx, geodata.Proposal) error, note string) (int64, error) {
	p, err := db.Proposal(ctx, id)
	if err != nil {
		return 0, err
	}
	if p.Status != geodata.ProposalPending {
		return 0, geodata.Conflictf("proposal %d is %s, not pending", id, p.Status)
	}
	revertTo, _ := optionalGen(ctx, db.r, p.Change.RevertTo)
	w := writer{kind: kindOr(p.Change.Kind), author: p.Change.Author, reviewer: reviewer, reason: p.Change.Reason,
		revertTo: revertTo, proposal: sql.NullInt64{Int64: id, Valid: true}}
	return db.inWriteTx(ctx, w, func(tx *sql.Tx) error {
		// Read again inside the transaction: another reviewer may have
		// closed it since.
		p, err := readProposal(ctx, tx, id)
		if err != nil {
			return err
		}
		if p.Status != geodata.ProposalPending {
			return geodata.Conflictf("proposal %d is %s, not pending", id, p.Status)
		}
		if err := fn(tx, p); err != nil {
			return err
		}
		// The generation this transaction makes, once it bumps.
		var next int64
		if err := tx.QueryRowContext(ctx, `SELECT generation + 1 FROM meta WHERE id = 1`).Scan(&next); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, closeProposal, string(geodata.ProposalPublished), reviewer, note, formatTime(time.Now()), next, id)
		return err
	})
}

// CloseProposal marks a pending proposal rejected or withdrawn.
func (db *DB) CloseProposal(ctx context.Context, id int64, status geodata.ProposalStatus, by, note string) (geodata.Proposal, error) {
	if status != geodata.ProposalRejected && status != geodata.ProposalWithdrawn {
		return geodata.Proposal{}, geodata.Invalidf("a proposal is closed as rejected or withdrawn, not %q", status)
	}
	res, err := db.w.ExecContext(ctx, closeProposal, string(status), by, note, formatTime(time.Now()), nil, id)
	if err != nil {
		return geodata.Proposal{}, fmt.Errorf("sqlite: close proposal %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		p, err := db.Proposal(ctx, id)
		if err != nil {
			return geodata.Proposal{}, err
		}
		return geodata.Proposal{}, geodata.Conflictf("proposal %d is %s, not pending", id, p.Status)
	}
	return db.Proposal(ctx, id)
}
