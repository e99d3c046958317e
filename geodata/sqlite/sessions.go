package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Sessions is the store of sign-in sessions for alexedwards/scs
// (scs.CtxStore), in the database's sessions table. Sessions are not map
// data: writing them never changes the version.
type Sessions struct {
	db *DB
}

// Sessions returns the session store on db.
func (db *DB) Sessions() Sessions { return Sessions{db: db} }

const (
	findSession   = `SELECT data FROM sessions WHERE token = ? AND expiry > ?`
	commitSession = `INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`
	deleteSession   = `DELETE FROM sessions WHERE token = ?`
	expireSessions  = `DELETE FROM sessions WHERE expiry <= ?`
	unixSecondsReal = 1e9
)

// FindCtx returns the data of an unexpired session.
func (s Sessions) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	err := s.db.r.QueryRowContext(ctx, findSession, token, unixSeconds(time.Now())).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("sqlite: find session: %w", err)
	}
	return b, true, nil
}

// CommitCtx saves a session's data and expiry, and drops expired
// sessions (an indexed range, usually empty).
func (s Sessions) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	tx, err := s.db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: save session: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, expireSessions, unixSeconds(time.Now())); err != nil {
		return fmt.Errorf("sqlite: save session: %w", err)
	}
	if _, err := tx.ExecContext(ctx, commitSession, token, b, unixSeconds(expiry)); err != nil {
		return fmt.Errorf("sqlite: save session: %w", err)
	}
	return tx.Commit()
}

// DeleteCtx removes a session; an unknown token is no error.
func (s Sessions) DeleteCtx(ctx context.Context, token string) error {
	if _, err := s.db.w.ExecContext(ctx, deleteSession, token); err != nil {
		return fmt.Errorf("sqlite: delete session: %w", err)
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

func unixSeconds(t time.Time) float64 { return float64(t.UnixNano()) / unixSecondsReal }
