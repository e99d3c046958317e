package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/casmap/casmap/geodata/account"
)

// SessionStore is what scs needs of a store of sign-in sessions
// (scs.CtxStore), as both stores provide it.
type SessionStore interface {
	FindCtx(ctx context.Context, token string) ([]byte, bool, error)
	CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error
	DeleteCtx(ctx context.Context, token string) error
	Find(token string) ([]byte, bool, error)
	Commit(token string, b []byte, expiry time.Time) error
	Delete(token string) error
}

// Accounts are kept beside the data and never change its version.
func testAccounts(t *testing.T, open Opener) {
	db := seeded(t, open)
	ctx := context.Background()
	v := version(t, db)
	u, err := db.AddUser(ctx, account.User{Name: "alice", Role: account.Editor, PasswordHash: "h1"})
	if err != nil || u.ID == 0 {
		t.Fatalf("AddUser = %+v, %v", u, err)
	}
	if _, err := db.AddUser(ctx, account.User{Name: "alice", Role: account.Admin, PasswordHash: "h"}); !errors.Is(err, account.ErrUserExists) {
		t.Errorf("second alice: %v, want ErrUserExists", err)
	}
	u.Role, u.Disabled, u.PasswordHash = account.Reviewer, true, "h2"
	if err := db.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	got, err := db.User(ctx, "alice")
	if err != nil || got.Role != account.Reviewer || !got.Disabled || got.PasswordHash != "h2" || got.Created.IsZero() {
		t.Errorf("User(alice) = %+v, %v", got, err)
	}
	if _, err := db.User(ctx, "bob"); !errors.Is(err, account.ErrNoUser) {
		t.Errorf("User(bob) = %v, want ErrNoUser", err)
	}
	secret, hash, _ := account.NewToken()
	tok, err := db.AddToken(ctx, account.Token{UserID: u.ID, Label: "script", Hash: hash})
	if err != nil {
		t.Fatal(err)
	}
	if got, owner, err := db.TokenUser(ctx, account.HashToken(secret)); err != nil || got.ID != tok.ID || owner.Name != "alice" {
		t.Errorf("TokenUser = %+v, %+v, %v", got, owner, err)
	}
	if err := db.RevokeToken(ctx, u.ID+1, tok.ID); !errors.Is(err, account.ErrNoToken) {
		t.Errorf("revoking another account's token: %v, want ErrNoToken", err)
	}
	if err := db.RevokeToken(ctx, u.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.TokenUser(ctx, hash); !errors.Is(err, account.ErrNoToken) {
		t.Errorf("revoked token: %v, want ErrNoToken", err)
	}
	if list, _ := db.Tokens(ctx, u.ID); len(list) != 1 || list[0].Revoked.IsZero() || list[0].LastUsed.IsZero() {
		t.Errorf("Tokens = %+v, want one, used and revoked", list)
	}
	now := time.Now()
	for range 3 {
		db.SignInFailed(ctx, "Alice", "192.0.2.1", now)
	}
	db.SignInFailed(ctx, "bob", "192.0.2.1", now.Add(-2*time.Hour))
	if n, a, err := db.SignInFailures(ctx, "alice", "192.0.2.1", now.Add(-time.Hour)); err != nil || n != 3 || a != 3 {
		t.Errorf("failures = %d by name, %d by address, %v; want 3, 3", n, a, err)
	}
	db.SignInSucceeded(ctx, "alice")
	if n, _, _ := db.SignInFailures(ctx, "alice", "x", now.Add(-time.Hour)); n != 0 {
		t.Errorf("after success, %d failures remain", n)
	}
	if after := version(t, db); after != v {
		t.Errorf("account writes changed the data version from %s to %s", v, after)
	}
}

// RunSessions runs the contract of the session store (scs.CtxStore) on
// the stores open makes.
func RunSessions(t *testing.T, open func(t *testing.T) SessionStore) {
	ctx := context.Background()
	s := open(t)
	if err := s.CommitCtx(ctx, "tok", []byte("data"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if b, ok, err := s.FindCtx(ctx, "tok"); err != nil || !ok || string(b) != "data" {
		t.Errorf("Find = %q, %v, %v", b, ok, err)
	}
	s.Commit("old", []byte("x"), time.Now().Add(-time.Second))
	if _, ok, _ := s.Find("old"); ok {
		t.Error("an expired session was found")
	}
	if err := s.Delete("tok"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Find("tok"); ok {
		t.Error("a deleted session was found")
	}
	if err := s.Delete("never"); err != nil {
		t.Errorf("deleting an unknown session: %v", err)
	}
}
