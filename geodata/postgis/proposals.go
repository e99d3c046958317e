package postgis

import (
	"context"
	"errors"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/jackc/pgx/v5"
)

// Proposals are not map data: writing one never bumps the version, so
// they are read from the primary, where the write that made one is.

const (
	insertProposal = `INSERT INTO proposals
	(layer, feature_id, op, kind, revert_to, base_gen, properties, geometry, author, reason, created)
VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, ST_SetSRID($8::geometry, 4326), $9, $10, $11)
RETURNING id`
	proposalColumns = `id, layer, feature_id, op, kind, revert_to, base_gen, properties, geometry,
	author, reason, created, status, reviewer, note, closed, published_gen`
	selectProposal  = `SELECT ` + proposalColumns + ` FROM proposals WHERE id = $1`
	selectProposals = `SELECT ` + proposalColumns + ` FROM proposals
WHERE ($1 = '' OR status = $1) AND ($2 = '' OR author = $2)
  AND ($3 = '' OR layer = $3) AND ($4 = '' OR feature_id = $4)
ORDER BY id DESC LIMIT $5`
	closeProposal = `UPDATE proposals SET status = $1, reviewer = $2, note = $3, closed = $4, published_gen = $5
WHERE id = $6 AND status = 'pending'`
)

// Propose records c as a pending proposal, after the checks Apply makes,
// without touching the published data or its version.
func (db *DB) Propose(ctx context.Context, c geodata.Change) (geodata.Proposal, error) {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return geodata.Proposal{}, wrap(ctx, err, "propose")
	}
	defer tx.Rollback(context.Background())
	if err := db.applyChange(ctx, tx, c, true); err != nil {
		return geodata.Proposal{}, db.wrapWrite(ctx, c, err)
	}
	base, err := db.optionalGen(ctx, tx, c.Base)
	if err != nil {
		return geodata.Proposal{}, err
	}
	if c.Op != geodata.OpCreate && base == nil {
		// No base given: the proposal is based on the data as it is.
		base = new(int64)
		if err := tx.QueryRow(ctx, selectGeneration).Scan(base); err != nil {
			return geodata.Proposal{}, wrap(ctx, err, "propose")
		}
	}
	revertTo, err := db.optionalGen(ctx, tx, c.RevertTo)
	if err != nil {
		return geodata.Proposal{}, err
	}
	var props *string
	var geom []byte
	if c.Op != geodata.OpDelete {
		f := c.Feature
		f.ID = c.ID
		r, err := encodeFeature(f)
		if err != nil {
			return geodata.Proposal{}, err
		}
		props, geom = &r.properties, r.geometry
	}
	var id int64
	if err := tx.QueryRow(ctx, insertProposal, c.Layer, c.ID, string(c.Op), kindOr(c.Kind), revertTo, base,
		props, geom, c.Author, c.Reason, time.Now()).Scan(&id); err != nil {
		return geodata.Proposal{}, wrap(ctx, err, "propose")
	}
	if err := tx.Commit(ctx); err != nil {
		return geodata.Proposal{}, wrap(ctx, err, "propose")
	}
	return db.Proposal(ctx, id)
}

// Proposal returns one proposal.
func (db *DB) Proposal(ctx context.Context, id int64) (geodata.Proposal, error) {
	return db.readProposal(ctx, db.pool, id)
}

func (db *DB) readProposal(ctx context.Context, q querier, id int64) (geodata.Proposal, error) {
	p, err := db.scanProposal(q.QueryRow(ctx, selectProposal, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return geodata.Proposal{}, geodata.NotFoundf("no proposal %d", id)
	}
	if err != nil {
		return geodata.Proposal{}, wrap(ctx, err, "read proposal %d", id)
	}
	return p, nil
}

// Proposals lists proposals matching f, newest first.
func (db *DB) Proposals(ctx context.Context, f geodata.ProposalFilter) ([]geodata.Proposal, error) {
	limit := f.Limit
	if limit <= 0 || limit > geodata.MaxProposals {
		limit = geodata.MaxProposals
	}
	rows, err := db.pool.Query(ctx, selectProposals, string(f.Status), f.Author, f.Layer, f.ID, limit)
	if err != nil {
		return nil, wrap(ctx, err, "list proposals")
	}
	defer rows.Close()
	var out []geodata.Proposal
	for rows.Next() {
		p, err := db.scanProposal(rows)
		if err != nil {
			return nil, wrap(ctx, err, "list proposals")
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(ctx, err, "list proposals")
	}
	return out, nil
}

func (db *DB) scanProposal(r pgx.Row) (geodata.Proposal, error) {
	var p geodata.Proposal
	var op, status string
	var revertTo, base, published *int64
	var props, geom []byte
	var closed *time.Time
	c := &p.Change
	if err := r.Scan(&p.ID, &c.Layer, &c.ID, &op, &c.Kind, &revertTo, &base, &props, &geom,
		&c.Author, &c.Reason, &p.Created, &status, &p.Reviewer, &p.Note, &closed, &published); err != nil {
		return p, err
	}
	c.Op, p.Status = geodata.Op(op), geodata.ProposalStatus(status)
	p.Created = p.Created.UTC().Truncate(time.Second)
	if closed != nil {
		p.Closed = closed.UTC().Truncate(time.Second)
	}
	if revertTo != nil {
		c.RevertTo = db.versionOf(*revertTo)
	}
	if base != nil {
		c.Base = db.versionOf(*base)
	}
	if published != nil {
		p.Published = db.versionOf(*published)
	}
	if props != nil {
		f, err := decodeFeature(c.ID, props, geom)
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
	p, err := db.Proposal(ctx, id)
	if err != nil {
		return geodata.Revision{}, err
	}
	if p.Status != geodata.ProposalPending {
		return geodata.Revision{}, geodata.Conflictf("proposal %d is %s, not pending", id, p.Status)
	}
	revertTo, _ := db.optionalGen(ctx, db.pool, p.Change.RevertTo)
	w := writer{kind: kindOr(p.Change.Kind), author: p.Change.Author, reviewer: reviewer, reason: p.Change.Reason,
		revertTo: revertTo, proposal: &id}
	c := p.Change
	gen, err := db.inWriteTx(ctx, w, func(tx pgx.Tx, gen int64) error {
		// Read again inside the transaction, which holds the writers'
		// lock: another reviewer may have closed it since.
		p, err := db.readProposal(ctx, tx, id)
		if err != nil {
			return err
		}
		if p.Status != geodata.ProposalPending {
			return geodata.Conflictf("proposal %d is %s, not pending", id, p.Status)
		}
		c = p.Change
		if err := db.applyChange(ctx, tx, c, false); err != nil {
			if errors.Is(err, geodata.ErrStale) {
				return geodata.Conflictf("feature %q changed after this proposal was made; reject it and propose again from the current feature", c.ID)
			}
			return err
		}
		_, err = tx.Exec(ctx, closeProposal, string(geodata.ProposalPublished), reviewer, note, time.Now(), gen, id)
		return err
	})
	if err != nil {
		return geodata.Revision{}, db.wrapWrite(ctx, c, err)
	}
	return db.revision(ctx, c.Layer, c.ID, gen)
}

// CloseProposal marks a pending proposal rejected or withdrawn.
func (db *DB) CloseProposal(ctx context.Context, id int64, status geodata.ProposalStatus, by, note string) (geodata.Proposal, error) {
	if status != geodata.ProposalRejected && status != geodata.ProposalWithdrawn {
		return geodata.Proposal{}, geodata.Invalidf("a proposal is closed as rejected or withdrawn, not %q", status)
	}
	tag, err := db.pool.Exec(ctx, closeProposal, string(status), by, note, time.Now(), nil, id)
	if err != nil {
		return geodata.Proposal{}, wrap(ctx, err, "close proposal %d", id)
	}
	if tag.RowsAffected() == 0 {
		p, err := db.Proposal(ctx, id)
		if err != nil {
			return geodata.Proposal{}, err
		}
		return geodata.Proposal{}, geodata.Conflictf("proposal %d is %s, not pending", id, p.Status)
	}
	return db.Proposal(ctx, id)
}
