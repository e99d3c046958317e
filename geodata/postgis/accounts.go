package postgis

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/casmap/casmap/geodata/account"
	"github.com/jackc/pgx/v5"
)

// Accounts live on the primary and are written without a bump: they are
// not map data and never change the version. Each is one statement.

const userColumns = `id, name, role, password_hash, disabled, created, password_changed`

const (
	selectUserByName = `SELECT ` + userColumns + ` FROM users WHERE name = $1`
	selectUserByID   = `SELECT ` + userColumns + ` FROM users WHERE id = $1`
	selectUsers      = `SELECT ` + userColumns + ` FROM users ORDER BY name COLLATE "C"`
	insertUser       = `INSERT INTO users (name, role, password_hash, disabled, created, password_changed)
VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO NOTHING RETURNING id`
	updateUser = `UPDATE users SET role = $1, password_hash = $2, disabled = $3, password_changed = $4 WHERE id = $5`
)

// User returns the account named name, or account.ErrNoUser.
func (db *DB) User(ctx context.Context, name string) (account.User, error) {
	return scanUser(ctx, db.pool.QueryRow(ctx, selectUserByName, name))
}

// UserByID returns the account with id, or account.ErrNoUser.
func (db *DB) UserByID(ctx context.Context, id int64) (account.User, error) {
	return scanUser(ctx, db.pool.QueryRow(ctx, selectUserByID, id))
}

// Users lists every account, by name.
func (db *DB) Users(ctx context.Context) ([]account.User, error) {
	rows, err := db.pool.Query(ctx, selectUsers)
	if err != nil {
		return nil, wrap(ctx, err, "list accounts")
	}
	defer rows.Close()
	var out []account.User
	for rows.Next() {
		u, err := scanUser(ctx, rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(ctx, err, "list accounts")
	}
	return out, nil
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
	err := db.pool.QueryRow(ctx, insertUser, u.Name, string(u.Role), u.PasswordHash, u.Disabled,
		u.Created, u.PasswordChanged.UnixNano()).Scan(&u.ID)
	if errors.Is(err, pgx.ErrNoRows) {
		return account.User{}, fmt.Errorf("%w: %s", account.ErrUserExists, u.Name)
	}
	if err != nil {
		return account.User{}, wrap(ctx, err, "add account %s", u.Name)
	}
	return u, nil
}

// UpdateUser saves role, password hash, disabled flag and password time.
func (db *DB) UpdateUser(ctx context.Context, u account.User) error {
	tag, err := db.pool.Exec(ctx, updateUser, string(u.Role), u.PasswordHash, u.Disabled, u.PasswordChanged.UnixNano(), u.ID)
	if err != nil {
		return wrap(ctx, err, "update account %s", u.Name)
	}
	if tag.RowsAffected() == 0 {
		return account.ErrNoUser
	}
	return nil
}

func scanUser(ctx context.Context, r pgx.Row) (account.User, error) {
	var u account.User
	var role string
	var changed int64
	err := r.Scan(&u.ID, &u.Name, &role, &u.PasswordHash, &u.Disabled, &u.Created, &changed)
	if errors.Is(err, pgx.ErrNoRows) {
		return account.User{}, account.ErrNoUser
	}
	if err != nil {
		return account.User{}, wrap(ctx, err, "read account")
	}
	u.Role = account.Role(role)
	u.Created = u.Created.UTC()
	u.PasswordChanged = time.Unix(0, changed).UTC()
	return u, nil
}

const (
	insertToken = `INSERT INTO tokens (user_id, label, hash, created) VALUES ($1, $2, $3, $4) RETURNING id`
	// The token is looked up by its hash and marked used in one
	// statement; a revoked one is not found.
	useToken = `UPDATE tokens SET last_used = $1
WHERE hash = $2 AND revoked IS NULL
RETURNING id, user_id, label, created`
	selectTokens = `SELECT id, user_id, label, hash, created, last_used, revoked
FROM tokens WHERE user_id = $1 ORDER BY id`
	revokeToken = `UPDATE tokens SET revoked = $1 WHERE id = $2 AND user_id = $3 AND revoked IS NULL`
)

// AddToken stores a token and returns it with its id.
func (db *DB) AddToken(ctx context.Context, t account.Token) (account.Token, error) {
	if t.Created.IsZero() {
		t.Created = time.Now().UTC().Truncate(time.Second)
	}
	if err := db.pool.QueryRow(ctx, insertToken, t.UserID, t.Label, t.Hash, t.Created).Scan(&t.ID); err != nil {
		return account.Token{}, wrap(ctx, err, "add token")
	}
	return t, nil
}

// TokenUser finds the unrevoked token with hash and its account, and
// records that it was used.
func (db *DB) TokenUser(ctx context.Context, hash []byte) (account.Token, account.User, error) {
	now := time.Now().UTC().Truncate(time.Second)
	t := account.Token{Hash: hash, LastUsed: now}
	err := db.pool.QueryRow(ctx, useToken, now, hash).Scan(&t.ID, &t.UserID, &t.Label, &t.Created)
	if errors.Is(err, pgx.ErrNoRows) {
		return account.Token{}, account.User{}, account.ErrNoToken
	}
	if err != nil {
		return account.Token{}, account.User{}, wrap(ctx, err, "look up token")
	}
	t.Created = t.Created.UTC()
	u, err := db.UserByID(ctx, t.UserID)
	if err != nil {
		return account.Token{}, account.User{}, err
	}
	return t, u, nil
}

// Tokens lists an account's tokens, revoked ones included.
func (db *DB) Tokens(ctx context.Context, userID int64) ([]account.Token, error) {
	rows, err := db.pool.Query(ctx, selectTokens, userID)
	if err != nil {
		return nil, wrap(ctx, err, "list tokens")
	}
	defer rows.Close()
	var out []account.Token
	for rows.Next() {
		var t account.Token
		var used, revoked *time.Time
		if err := rows.Scan(&t.ID, &t.UserID, &t.Label, &t.Hash, &t.Created, &used, &revoked); err != nil {
			return nil, wrap(ctx, err, "list tokens")
		}
		t.Created = t.Created.UTC()
		if used != nil {
			t.LastUsed = used.UTC()
		}
		if revoked != nil {
			t.Revoked = revoked.UTC()
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(ctx, err, "list tokens")
	}
	return out, nil
}

// RevokeToken revokes one of an account's tokens.
func (db *DB) RevokeToken(ctx context.Context, userID, tokenID int64) error {
	tag, err := db.pool.Exec(ctx, revokeToken, time.Now().UTC().Truncate(time.Second), tokenID, userID)
	if err != nil {
		return wrap(ctx, err, "revoke token")
	}
	if tag.RowsAffected() == 0 {
		return account.ErrNoToken
	}
	return nil
}

const (
	insertFailure  = `INSERT INTO sign_in_failures (name, addr, at) VALUES ($1, $2, $3)`
	pruneFailures  = `DELETE FROM sign_in_failures WHERE at < $1`
	countFailures  = `SELECT (SELECT count(*) FROM sign_in_failures WHERE name = $1 AND at >= $3), (SELECT count(*) FROM sign_in_failures WHERE addr = $2 AND at >= $3)`
	forgetFailures = `DELETE FROM sign_in_failures WHERE name = $1`
)

// failureMemory is how long failed sign-ins are kept.
const failureMemory = 24 * time.Hour

// SignInFailed records a failed sign-in, and drops those older than a day.
func (db *DB) SignInFailed(ctx context.Context, name, addr string, at time.Time) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return wrap(ctx, err, "record sign-in failure")
	}
	defer tx.Rollback(context.Background())
	at = at.Truncate(time.Second)
	if _, err := tx.Exec(ctx, pruneFailures, at.Add(-failureMemory)); err != nil {
		return wrap(ctx, err, "record sign-in failure")
	}
	if _, err := tx.Exec(ctx, insertFailure, strings.ToLower(name), addr, at); err != nil {
		return wrap(ctx, err, "record sign-in failure")
	}
	if err := tx.Commit(ctx); err != nil {
		return wrap(ctx, err, "record sign-in failure")
	}
	return nil
}

// SignInFailures counts failed sign-ins since since, by name and by addr.
func (db *DB) SignInFailures(ctx context.Context, name, addr string, since time.Time) (byName, byAddr int, err error) {
	if err := db.pool.QueryRow(ctx, countFailures, strings.ToLower(name), addr, since.Truncate(time.Second)).Scan(&byName, &byAddr); err != nil {
		return 0, 0, wrap(ctx, err, "count sign-in failures")
	}
	return byName, byAddr, nil
}

// SignInSucceeded forgets name's failed sign-ins.
func (db *DB) SignInSucceeded(ctx context.Context, name string) error {
	if _, err := db.pool.Exec(ctx, forgetFailures, strings.ToLower(name)); err != nil {
		return wrap(ctx, err, "forget sign-in failures")
	}
	return nil
}
