package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/casmap/casmap/geodata/account"
)

// Accounts are written through the writer connection without a
// transaction of their own (each is one statement) and without bump:
// they are not map data and never change the version.

const userColumns = `id, name, role, password_hash, disabled, created, password_changed`

const (
	selectUserByName = `SELECT ` + userColumns + ` FROM users WHERE name = ?`
	selectUserByID   = `SELECT ` + userColumns + ` FROM users WHERE id = ?`
	selectUsers      = `SELECT ` + userColumns + ` FROM users ORDER BY name`
	insertUser       = `INSERT INTO users (name, role, password_hash, disabled, created, password_changed)
VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`
	updateUser = `UPDATE users SET role = ?, password_hash = ?, disabled = ?, password_changed = ? WHERE id = ?`
)

// User returns the account named name, or account.ErrNoUser.
func (db *DB) User(ctx context.Context, name string) (account.User, error) {
	return scanUser(db.r.QueryRowContext(ctx, selectUserByName, name))
}

// UserByID returns the account with id, or account.ErrNoUser.
func (db *DB) UserByID(ctx context.Context, id int64) (account.User, error) {
	return scanUser(db.r.QueryRowContext(ctx, selectUserByID, id))
}

// Users lists every account, by name.
func (db *DB) Users(ctx context.Context) ([]account.User, error) {
	rows, err := db.r.QueryContext(ctx, selectUsers)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list accounts: %w", err)
	}
	defer rows.Close()
	var out []account.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// AddUser creates an account and returns it with its id;
// account.ErrUserExists when the name is taken.
func (db *DB) AddUser(ctx context.Context, u account.User) (account.User, error) {
	now := time.Now().UTC()
	if u.Created.IsZero() {
		u.Created = now.Truncate(time.Second)
	}
	if u.PasswordChanged.IsZero() {
		u.PasswordChanged = now
	}
	res, err := db.w.ExecContext(ctx, insertUser, u.Name, string(u.Role), u.PasswordHash, u.Disabled,
		formatTime(u.Created), formatNano(u.PasswordChanged))
	if err != nil {
		return account.User{}, fmt.Errorf("sqlite: add account %s: %w", u.Name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return account.User{}, fmt.Errorf("%w: %s", account.ErrUserExists, u.Name)
	}
	u.ID, err = res.LastInsertId()
	return u, err
}

// UpdateUser saves role, password hash, disabled flag and password time.
func (db *DB) UpdateUser(ctx context.Context, u account.User) error {
	res, err := db.w.ExecContext(ctx, updateUser, string(u.Role), u.PasswordHash, u.Disabled, formatNano(u.PasswordChanged), u.ID)
	if err != nil {
		return fmt.Errorf("sqlite: update account %s: %w", u.Name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return account.ErrNoUser
	}
	return nil
}

type rowScanner interface{ Scan(dest ...any) error }

func scanUser(r rowScanner) (account.User, error) {
	var u account.User
	var role, created, changed string
	err := r.Scan(&u.ID, &u.Name, &role, &u.PasswordHash, &u.Disabled, &created, &changed)
	if errors.Is(err, sql.ErrNoRows) {
		return account.User{}, account.ErrNoUser
	}
	if err != nil {
		return account.User{}, fmt.Errorf("sqlite: read account: %w", err)
	}
	u.Role = account.Role(role)
	u.Created, _ = time.Parse(time.RFC3339, created)
	u.PasswordChanged, _ = time.Parse(time.RFC3339Nano, changed)
	return u, nil
}

// formatNano keeps a time to the nanosecond: a password set in the same
// second as a sign-in must still end that session.
func formatNano(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

const (
	insertToken = `INSERT INTO tokens (user_id, label, hash, created) VALUES (?, ?, ?, ?)`
	// The token is looked up by its hash and marked used in one
	// statement; a revoked one or one of a disabled account is not found.
	useToken = `UPDATE tokens SET last_used = ?
WHERE hash = ? AND revoked IS NULL
RETURNING id, user_id, label, created`
	selectTokens = `SELECT id, user_id, label, hash, created, coalesce(last_used, ''), coalesce(revoked, '')
FROM tokens WHERE user_id = ? ORDER BY id`
	revokeToken = `UPDATE tokens SET revoked = ? WHERE id = ? AND user_id = ? AND revoked IS NULL`
)

// AddToken stores a token and returns it with its id.
func (db *DB) AddToken(ctx context.Context, t account.Token) (account.Token, error) {
	if t.Created.IsZero() {
		t.Created = time.Now().UTC().Truncate(time.Second)
	}
	res, err := db.w.ExecContext(ctx, insertToken, t.UserID, t.Label, t.Hash, formatTime(t.Created))
	if err != nil {
		return account.Token{}, fmt.Errorf("sqlite: add token: %w", err)
	}
	t.ID, err = res.LastInsertId()
	return t, err
}

// TokenUser finds the unrevoked token with hash and its account, and
// records that it was used.
func (db *DB) TokenUser(ctx context.Context, hash []byte) (account.Token, account.User, error) {
	now := time.Now().UTC().Truncate(time.Second)
	t := account.Token{Hash: hash, LastUsed: now}
	var created string
	err := db.w.QueryRowContext(ctx, useToken, formatTime(now), hash).Scan(&t.ID, &t.UserID, &t.Label, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return account.Token{}, account.User{}, account.ErrNoToken
	}
	if err != nil {
		return account.Token{}, account.User{}, fmt.Errorf("sqlite: look up token: %w", err)
	}
	t.Created, _ = time.Parse(time.RFC3339, created)
	u, err := db.UserByID(ctx, t.UserID)
	if err != nil {
		return account.Token{}, account.User{}, err
	}
	return t, u, nil
}

// Tokens lists an account's tokens, revoked ones included.
func (db *DB) Tokens(ctx context.Context, userID int64) ([]account.Token, error) {
	rows, err := db.r.QueryContext(ctx, selectTokens, userID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list tokens: %w", err)
	}
	defer rows.Close()
	var out []account.Token
	for rows.Next() {
		var t account.Token
		var created, used, revoked string
		if err := rows.Scan(&t.ID, &t.UserID, &t.Label, &t.Hash, &created, &used, &revoked); err != nil {
			return nil, fmt.Errorf("sqlite: list tokens: %w", err)
		}
		t.Created, _ = time.Parse(time.RFC3339, created)
		t.LastUsed, _ = time.Parse(time.RFC3339, used)
		t.Revoked, _ = time.Parse(time.RFC3339, revoked)
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes one of an account's tokens.
func (db *DB) RevokeToken(ctx context.Context, userID, tokenID int64) error {
	res, err := db.w.ExecContext(ctx, revokeToken, formatTime(time.Now()), tokenID, userID)
	if err != nil {
		return fmt.Errorf("sqlite: revoke token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return account.ErrNoToken
	}
	return nil
}

const (
	insertFailure  = `INSERT INTO sign_in_failures (name, addr, at) VALUES (?, ?, ?)`
	pruneFailures  = `DELETE FROM sign_in_failures WHERE at < ?`
	countFailures  = `SELECT (SELECT count(*) FROM sign_in_failures WHERE name = ? AND at >= ?), (SELECT count(*) FROM sign_in_failures WHERE addr = ? AND at >= ?)`
	forgetFailures = `DELETE FROM sign_in_failures WHERE name = ?`
)

// failureMemory is how long failed sign-ins are kept.
const failureMemory = 24 * time.Hour

// SignInFailed records a failed sign-in, and drops those older than a day.
func (db *DB) SignInFailed(ctx context.Context, name, addr string, at time.Time) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: record sign-in failure: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, pruneFailures, at.Add(-failureMemory).Unix()); err != nil {
		return fmt.Errorf("sqlite: record sign-in failure: %w", err)
	}
	if _, err := tx.ExecContext(ctx, insertFailure, strings.ToLower(name), addr, at.Unix()); err != nil {
		return fmt.Errorf("sqlite: record sign-in failure: %w", err)
	}
	return tx.Commit()
}

// SignInFailures counts failed sign-ins since since, by name and by addr.
func (db *DB) SignInFailures(ctx context.Context, name, addr string, since time.Time) (byName, byAddr int, err error) {
	s := since.Unix()
	if err := db.r.QueryRowContext(ctx, countFailures, strings.ToLower(name), s, addr, s).Scan(&byName, &byAddr); err != nil {
		return 0, 0, fmt.Errorf("sqlite: count sign-in failures: %w", err)
	}
	return byName, byAddr, nil
}

// SignInSucceeded forgets name's failed sign-ins.
func (db *DB) SignInSucceeded(ctx context.Context, name string) error {
	if _, err := db.w.ExecContext(ctx, forgetFailures, strings.ToLower(name)); err != nil {
		return fmt.Errorf("sqlite: forget sign-in failures: %w", err)
	}
	return nil
}
