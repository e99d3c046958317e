package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/casmap/casmap/server"
)

func TestSignInSetsASafeCookie(t *testing.T) {
	w := newAuthWorld(t, server.Config{})
	cl := w.client(t)
	if cl.whoami() != "" {
		t.Fatal("anonymous client is signed in")
	}
	rec := cl.do(http.MethodPost, "/api/session", map[string]string{"name": "edith", "password": testPassword})
	if rec.Code != http.StatusOK || jsonField(t, rec, "role") != "editor" {
		t.Fatalf("sign in: %d %s", rec.Code, rec.Body.String())
	}
	set := rec.Header().Get("Set-Cookie")
	for _, attr := range []string{"casmap_session=", "HttpOnly", "Secure", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(set, attr) {
			t.Errorf("Set-Cookie %q lacks %s", set, attr)
		}
	}
	if got := cl.whoami(); got != "edith" {
		t.Errorf("after sign-in, whoami = %q", got)
	}
	if rec := cl.do(http.MethodDelete, "/api/session", nil); rec.Code != http.StatusNoContent {
		t.Errorf("sign out: %d", rec.Code)
	}
	if got := cl.whoami(); got != "" {
		t.Errorf("after sign-out, whoami = %q", got)
	}
}

func TestSignInRefusals(t *testing.T) {
	w := newAuthWorld(t, server.Config{})
	cl := w.client(t)
	for _, body := range []any{
		map[string]string{"name": "edith", "password": "wrong password!"},
		map[string]string{"name": "nobody", "password": testPassword},
	} {
		if rec := cl.do(http.MethodPost, "/api/session", body); rec.Code != http.StatusUnauthorized || rec.Header().Get("WWW-Authenticate") == "" {
			t.Errorf("sign in with %v: %d (WWW-Authenticate %q), want 401 with a challenge", body, rec.Code, rec.Header().Get("WWW-Authenticate"))
		}
	}
	for _, body := range []string{"", "{", `{"name": "edith"}`, `[1]`, `{"name":"edith","password":"x"} {}`} {
		if rec := cl.do(http.MethodPost, "/api/session", body); rec.Code != http.StatusBadRequest {
			t.Errorf("sign in with body %q: %d, want 400", body, rec.Code)
		}
	}
	// A disabled account cannot sign in.
	ctx := context.Background()
	u, _ := w.db.User(ctx, "eric")
	u.Disabled = true
	w.db.UpdateUser(ctx, u)
	if rec := w.client(t).do(http.MethodPost, "/api/session", map[string]string{"name": "eric", "password": testPassword}); rec.Code != http.StatusUnauthorized {
		t.Errorf("disabled account signs in: %d", rec.Code)
	}
}

// Sign-in is rate-limited per account (5 failures in 15 minutes) and per
// address (20): past either, even the right password gets 429.
func TestSignInRateLimits(t *testing.T) {
	w := newAuthWorld(t, server.Config{})
	wrong := map[string]string{"name": "edith", "password": "not the password"}
	right := map[string]string{"name": "edith", "password": testPassword}
	for i := range 5 {
		cl := w.client(t)
		cl.remote = "198.51.100." + string(rune('1'+i)) + ":1"
		if rec := cl.do(http.MethodPost, "/api/session", wrong); rec.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, rec.Code)
		}
	}
	rec := w.client(t).do(http.MethodPost, "/api/session", right)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
		t.Errorf("right password after 5 failures for the account: %d, want 429 with Retry-After", rec.Code)
	}
	// Per address: one address trying many names.
	attacker := w.client(t)
	attacker.remote = "203.0.113.9:5555"
	for i := range 20 {
		attacker.do(http.MethodPost, "/api/session", map[string]string{"name": "guess" + string(rune('a'+i)), "password": "x-x-x-x-x-x"})
	}
	if rec := attacker.do(http.MethodPost, "/api/session", map[string]string{"name": "rita", "password": testPassword}); rec.Code != http.StatusTooManyRequests {
		t.Errorf("21st try from one address: %d, want 429", rec.Code)
	}
	if rec := w.client(t).do(http.MethodPost, "/api/session", map[string]string{"name": "rita", "password": testPassword}); rec.Code != http.StatusOK {
		t.Errorf("rita from another address: %d, want 200", rec.Code)
	}
}

// Session fixation: a session token planted before sign-in is not the
// one signed in, and is worth nothing after.
func TestSessionFixation(t *testing.T) {
	w := newAuthWorld(t, server.Config{})
	cl := w.client(t)
	cl.do(http.MethodGet, "/api/session", nil)
	cl.cookie["casmap_session"] = "planted-by-an-attacker"
	planted := cl.cookie["casmap_session"]
	cl.signIn("rita")
	if cl.cookie["casmap_session"] == planted || cl.cookie["casmap_session"] == "" {
		t.Fatalf("session token after sign-in = %q, the planted one", cl.cookie["casmap_session"])
	}
	attacker := w.client(t)
	attacker.cookie["casmap_session"] = planted
	if got := attacker.whoami(); got != "" {
		t.Errorf("the planted token is signed in as %q", got)
	}
	// A real anonymous session renewed at sign-in: the old token dies.
	cl2 := w.client(t)
	cl2.cookie["casmap_session"] = cl.cookie["casmap_session"]
	cl.do(http.MethodDelete, "/api/session", nil)
	if got := cl2.whoami(); got != "" {
		t.Errorf("a token still works after sign-out: %q", got)
	}
}

// Sessions end after their lifetime and when idle; a password reset or
// disabling ends them at once.
func TestSessionExpiry(t *testing.T) {
	w := newAuthWorld(t, server.Config{SessionLifetime: 1500 * time.Millisecond})
	cl := w.as(t, "edith")
	if cl.whoami() != "edith" {
		t.Fatal("not signed in")
	}
	time.Sleep(1600 * time.Millisecond)
	if got := cl.whoami(); got != "" {
		t.Errorf("after the lifetime, still signed in as %q", got)
	}

	w = newAuthWorld(t, server.Config{})
	ctx := context.Background()
	reset, disabled, other := w.as(t, "edith"), w.as(t, "eric"), w.as(t, "rita")
	admin := w.as(t, "ada")
	if rec := admin.do(http.MethodPatch, "/api/users/edith", map[string]any{"password": "a brand new password"}); rec.Code != http.StatusOK {
		t.Fatalf("reset: %d %s", rec.Code, rec.Body.String())
	}
	if rec := admin.do(http.MethodPatch, "/api/users/eric", map[string]any{"disabled": true}); rec.Code != http.StatusOK {
		t.Fatalf("disable: %d", rec.Code)
	}
	if got := reset.whoami(); got != "" {
		t.Errorf("after a password reset the old session is %q", got)
	}
	if got := disabled.whoami(); got != "" {
		t.Errorf("a disabled account's session is %q", got)
	}
	if got := other.whoami(); got != "rita" {
		t.Errorf("an unrelated session ended: %q", got)
	}
	if u, _ := w.db.User(ctx, "edith"); u.PasswordHash == "" {
		t.Error("password hash lost")
	}
	if rec := w.client(t).do(http.MethodPost, "/api/session", map[string]string{"name": "edith", "password": "a brand new password"}); rec.Code != http.StatusOK {
		t.Errorf("sign in with the new password: %d", rec.Code)
	}
}

func TestTokens(t *testing.T) {
	w := newAuthWorld(t, server.Config{})
	edith := w.as(t, "edith")
	rec := edith.do(http.MethodPost, "/api/tokens", map[string]string{"label": "my script"})
	if rec.Code != http.StatusCreated {
		t.Fatalf("new token: %d %s", rec.Code, rec.Body.String())
	}
	secret, _ := jsonField(t, rec, "token").(string)
	id := jsonField(t, rec, "id").(float64)
	script := w.client(t)
	script.header["Authorization"] = "Bearer " + secret
	if got := script.whoami(); got != "edith" {
		t.Errorf("with the token, whoami = %q", got)
	}
	if rec := edith.do(http.MethodGet, "/api/tokens", nil); strings.Contains(rec.Body.String(), secret) || !strings.Contains(rec.Body.String(), "my script") {
		t.Errorf("token list shows the secret or lacks the label: %s", rec.Body.String())
	}
	// Another account cannot revoke it; its owner can.
	if rec := w.as(t, "eric").do(http.MethodDelete, "/api/tokens/"+ftoa(id), nil); rec.Code != http.StatusNotFound {
		t.Errorf("eric revokes edith's token: %d, want 404", rec.Code)
	}
	if rec := edith.do(http.MethodDelete, "/api/tokens/"+ftoa(id), nil); rec.Code != http.StatusNoContent {
		t.Errorf("revoke: %d", rec.Code)
	}
	if rec := script.do(http.MethodGet, "/api/session", nil); rec.Code != http.StatusUnauthorized {
		t.Errorf("a revoked token: %d, want 401", rec.Code)
	}
	for _, h := range []string{"Bearer nonsense", "Basic ZWRpdGg6eA==", "Bearer casmap_" + strings.Repeat("A", 43)} {
		cl := w.client(t)
		cl.header["Authorization"] = h
		if rec := cl.do(http.MethodGet, "/api/session", nil); rec.Code != http.StatusUnauthorized {
			t.Errorf("Authorization %q: %d, want 401", h, rec.Code)
		}
	}
}

// CSRF: a state-changing request a browser sends from another site is
// refused, whatever cookie it carries; the page's own, and a script's
// (no Origin), pass.
func TestCSRF(t *testing.T) {
	w := newAuthWorld(t, server.Config{})
	edith := w.as(t, "edith")
	body := map[string]string{"label": "x"}
	for _, tc := range []struct {
		name   string
		header []string
		want   int
	}{
		{"cross-site fetch", []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}, 403},
		{"same-site other origin", []string{"Sec-Fetch-Site", "same-site", "Origin", "http://other.example.com"}, 403},
		{"old browser, foreign Origin", []string{"Origin", "https://evil.example"}, 403},
		{"the page itself", []string{"Sec-Fetch-Site", "same-origin", "Origin", "http://example.com"}, 201},
		{"old browser, own Origin", []string{"Origin", "http://example.com"}, 201},
		{"a script", nil, 201},
	} {
		if rec := edith.do(http.MethodPost, "/api/tokens", body, tc.header...); rec.Code != tc.want {
			t.Errorf("%s: POST /api/tokens = %d, want %d\n%s", tc.name, rec.Code, tc.want, rec.Body.String())
		}
	}
	// Sign-in and sign-out from another site are refused too.
	if rec := w.client(t).do(http.MethodPost, "/api/session", map[string]string{"name": "edith", "password": testPassword}, "Sec-Fetch-Site", "cross-site"); rec.Code != 403 {
		t.Errorf("cross-site sign-in: %d, want 403", rec.Code)
	}
	if rec := edith.do(http.MethodDelete, "/api/session", nil, "Sec-Fetch-Site", "cross-site"); rec.Code != 403 || edith.whoami() != "edith" {
		t.Errorf("cross-site sign-out: %d, want 403 and still signed in", rec.Code)
	}
}

// --private: the API needs sign-in to read; the page and health check load.
func TestPrivateServer(t *testing.T) {
	w := newAuthWorld(t, server.Config{Private: true})
	anon := w.client(t)
	for _, target := range []string{"/api", "/api/collections", "/api/collections/incidents/items", "/api/collections/incidents/items/termez", "/api/collections/incidents/items?f=csv"} {
		if rec := anon.do(http.MethodGet, target, nil); rec.Code != http.StatusUnauthorized {
			t.Errorf("anonymous GET %s on a private server: %d, want 401", target, rec.Code)
		}
	}
	for _, target := range []string{"/", "/healthz", "/api/session"} {
		if rec := anon.do(http.MethodGet, target, nil); rec.Code != http.StatusOK {
			t.Errorf("anonymous GET %s: %d, want 200", target, rec.Code)
		}
	}
	edith := w.as(t, "edith")
	rec := edith.do(http.MethodGet, "/api/collections/incidents/items", nil)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Cache-Control"), "private") {
		t.Errorf("signed-in GET items: %d, Cache-Control %q; want 200, private", rec.Code, rec.Header().Get("Cache-Control"))
	}
	// A public server reads open.
	if rec := newAuthWorld(t, server.Config{}).client(t).do(http.MethodGet, "/api/collections", nil); rec.Code != http.StatusOK {
		t.Errorf("public server, anonymous: %d", rec.Code)
	}
}

// Accounts are an admin's: anonymous 401, others 403.
func TestAccountRoutesRoles(t *testing.T) {
	w := newAuthWorld(t, server.Config{})
	newUser := map[string]any{"name": "newbie", "role": "editor", "password": "another long password"}
	routes := []struct {
		method, target string
		body           any
	}{
		{http.MethodGet, "/api/users", nil},
		{http.MethodPost, "/api/users", newUser},
		{http.MethodPatch, "/api/users/edith", map[string]any{"role": "reviewer"}},
	}
	for _, r := range routes {
		for who, want := range map[string]int{"": 401, "edith": 403, "rita": 403} {
			cl := w.client(t)
			if who != "" {
				cl.signIn(who)
			}
			if rec := cl.do(r.method, r.target, r.body); rec.Code != want {
				t.Errorf("%s %s as %q: %d, want %d", r.method, r.target, who, rec.Code, want)
			}
		}
	}
	ada := w.as(t, "ada")
	if rec := ada.do(http.MethodPost, "/api/users", newUser); rec.Code != http.StatusCreated {
		t.Errorf("admin adds an account: %d %s", rec.Code, rec.Body.String())
	}
	if rec := ada.do(http.MethodPost, "/api/users", newUser); rec.Code != http.StatusConflict {
		t.Errorf("admin adds it again: %d, want 409", rec.Code)
	}
	if rec := ada.do(http.MethodGet, "/api/users", nil); !strings.Contains(rec.Body.String(), `"newbie"`) || strings.Contains(rec.Body.String(), "argon2") {
		t.Errorf("account list: %s", rec.Body.String())
	}
}

func ftoa(f float64) string { return strings.TrimSuffix(strings.TrimSuffix(fmtFloat(f), ".0"), ".") }

// An idle session ends; one in use does not.
func TestSessionIdleTimeout(t *testing.T) {
	w := newAuthWorld(t, server.Config{SessionIdle: time.Second})
	busy, idle := w.as(t, "edith"), w.as(t, "rita")
	for range 3 {
		time.Sleep(500 * time.Millisecond)
		if busy.whoami() != "edith" {
			t.Fatal("a session in use timed out")
		}
	}
	if got := idle.whoami(); got != "" {
		t.Errorf("after 1.5 s idle, still signed in as %q", got)
	}
}
