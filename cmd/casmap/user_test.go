package main

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// casmapIn runs the program with stdin.
func casmapIn(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut syncBuffer
	err := run(context.Background(), args, noEnv, strings.NewReader(stdin), &out, &errOut)
	return out.String(), err
}

// postJSON posts body to url with an optional bearer token.
func postJSON(t *testing.T, url, body, token string) int {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// The account commands and the sign-ins they allow, on both stores.
func TestUserCommands(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "casmap.db")
		if _, err := casmapIn(t, "", "user", "list", "--db", db); err == nil || !strings.Contains(err.Error(), "does not exist") {
			t.Errorf("user list on no database: %v, want a refusal", err)
		}
		testUserCommands(t, db)
	})
	t.Run("postgis", func(t *testing.T) { testUserCommands(t, pg.Database(t)) })
}

func testUserCommands(t *testing.T, db string) {
	if _, err := casmapIn(t, "", "seed", "--db", db); err != nil {
		t.Fatal(err)
	}
	if out, err := casmapIn(t, "a long secret password\n", "user", "add", "alice", "--role", "reviewer", "--db", db); err != nil || !strings.Contains(out, "added alice (reviewer)") {
		t.Fatalf("user add: %v %q", err, out)
	}
	for _, bad := range [][]string{
		{"user", "add", "alice", "--role", "editor"},    // exists
		{"user", "add", "bob", "--role", "owner"},       // no such role
		{"user", "add", "Bad Name", "--role", "editor"}, // not a name
	} {
		if _, err := casmapIn(t, "another long password\n", append(bad, "--db", db)...); err == nil {
			t.Errorf("casmap %v: no error", bad)
		}
	}
	if _, err := casmapIn(t, "short\n", "user", "add", "bob", "--role", "editor", "--db", db); err == nil || !strings.Contains(err.Error(), "12") {
		t.Errorf("short password: %v, want a refusal naming the minimum", err)
	}
	s := startServerAt(t, db)
	signIn := `{"name":"alice","password":"a long secret password"}`
	if code := postJSON(t, s.base+"/api/session", signIn, ""); code != 200 {
		t.Errorf("sign in as alice: %d", code)
	}
	token, err := casmapIn(t, "", "user", "token", "alice", "--label", "ci", "--db", db)
	token = strings.TrimSpace(token)
	if err != nil || !strings.HasPrefix(token, "casmap_") {
		t.Fatalf("user token: %v %q", err, token)
	}
	if code := postJSON(t, s.base+"/api/tokens", `{"label":"from a script"}`, token); code != 201 {
		t.Errorf("token works: POST /api/tokens = %d, want 201", code)
	}
	out, _ := casmapIn(t, "", "user", "list", "--db", db)
	if !strings.Contains(out, "alice") || !strings.Contains(out, "reviewer") || !strings.Contains(out, "active") {
		t.Errorf("user list:\n%s", out)
	}
	if _, err := casmapIn(t, "", "user", "revoke", "alice", "1", "--db", db); err != nil {
		t.Fatal(err)
	}
	if code := postJSON(t, s.base+"/api/tokens", `{"label":"x"}`, token); code != 401 {
		t.Errorf("revoked token: %d, want 401", code)
	}
	if _, err := casmapIn(t, "", "user", "disable", "alice", "--db", db); err != nil {
		t.Fatal(err)
	}
	if code := postJSON(t, s.base+"/api/session", signIn, ""); code != 401 {
		t.Errorf("disabled alice signs in: %d, want 401", code)
	}
	casmapIn(t, "", "user", "enable", "alice", "--db", db)
	if _, err := casmapIn(t, "a new long password!\n", "user", "reset", "alice", "--db", db); err != nil {
		t.Fatal(err)
	}
	if code := postJSON(t, s.base+"/api/session", signIn, ""); code != 401 {
		t.Errorf("old password after reset: %d, want 401", code)
	}
	if code := postJSON(t, s.base+"/api/session", `{"name":"alice","password":"a new long password!"}`, ""); code != 200 {
		t.Errorf("new password after reset: %d, want 200", code)
	}
}

// serve --private refuses anonymous reads.
func TestServePrivate(t *testing.T) {
	s := startServerAt(t, filepath.Join(t.TempDir(), "casmap.db"), "--private")
	if r := get(t, s.base+"/api/collections", ""); r.status != 401 {
		t.Errorf("anonymous read of a private server: %d, want 401", r.status)
	}
	if r := get(t, s.base+"/", ""); r.status != 200 {
		t.Errorf("the page of a private server: %d, want 200", r.status)
	}
}
