package postgis

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// Sessions is the store of sign-in sessions for alexedwards/scs
// (scs.CtxStore), in the database's sessions table on the primary, so
// every replica knows every session. Sessions are not map data: writing
// them never changes the version.
type Sessions struct {
	db *DB
}

// Sessions returns the session store on db.
func (db *DB) Sessions() Sessions { return Sessions{db: db} }

const (
	findSession   = `SELECT data FROM sessions WHERE token = $1 AND expiry > $2`
	commitSession = `INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`
	deleteSession  = `DELETE FROM sessions WHERE token = $1`
	expireSessions = `DELETE FROM sessions WHERE expiry <= $1`
)

// FindCtx returns the data of an unexpired session.
func (s Sessions) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	err := s.db.pool.QueryRow(ctx, findSession, token, time.Now()).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, wrap(ctx, err, "find session")
	}
	return b, true, nil
}

// CommitCtx saves a session's data and expiry, and drops expired
// sessions (an indexed range, usually empty).
func (s Sessions) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	tx, err := s.db.pool.Begin(ctx)
	if err != nil {
		return wrap(ctx, err, "save session")
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(ctx, expireSessions, time.Now()); err != nil {
		return wrap(ctx, err, "save session")
	}
	if _, err := tx.Exec(ctx, commitSession, token, b, expiry); err != nil {
		return wrap(ctx, err, "save session")
	}
	if err := tx.Commit(ctx); err != nil {
		return wrap(ctx, err, "save session")
	}
	return nil
}

// DeleteCtx removes a session; an unknown token is no error.
func (s Sessions) DeleteCtx(ctx context.Context, token string) error {
	if _, err := s.db.pool.Exec(ctx, deleteSession, token); err != nil {
		return wrap(ctx, err, "delete session")
	}
	return nil
}

// Find is FindCtx without a context, for scs.Store.
func (s Sessions) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit is CommitCtx without a context, for scs.Store.
func (s Sessions) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// Delete is DeleteCtx without a context, for scs.Store.
func (s Sessions) Delete(token string) error {
	return s.DeleteCtx(context.Background(), token)
}
