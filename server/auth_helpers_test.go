package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/casmap/casmap/geodata/account"
	"github.com/casmap/casmap/geodata/postgis"
	"github.com/casmap/casmap/geodata/sqlite"
	"github.com/casmap/casmap/server"
)

// cheap argon2id costs keep the tests fast; the costs are in each hash.
var cheap = account.Params{Time: 1, Memory: 64, Threads: 1}

// testPassword is every test account's password.
const testPassword = "a long test password"

// authWorld is the app with accounts: one of each role, plus a second
// editor for wrong-owner checks.
type authWorld struct {
	h  http.Handler
	db writeStore
}

// writeStore is a store with its write side: accounts, sessions and
// server.Editor.
type writeStore interface {
	testStore
	server.Accounts
	server.Editor
}

var (
	_ writeStore = (*sqlite.DB)(nil)
	_ writeStore = (*postgis.DB)(nil)
)

// sessionsOf is the session store of db.
func sessionsOf(db writeStore) server.SessionStore {
	switch d := db.(type) {
	case *sqlite.DB:
		return d.Sessions()
	case *postgis.DB:
		return d.Sessions()
	}
	panic("no session store")
}

// newAuthWorld builds the app with accounts on the store the tests run
// on (SQLite, or PostGIS under CASMAP_TEST_STORE=postgis).
func newAuthWorld(t testing.TB, cfg server.Config) *authWorld {
	t.Helper()
	ctx := context.Background()
	db := openTestStore(t).(writeStore)
	if _, err := db.Seed(ctx, testLayers(), false); err != nil {
		t.Fatalf("seed: %v", err)
	}
	for name, role := range map[string]account.Role{"edith": account.Editor, "eric": account.Editor, "rita": account.Reviewer, "ada": account.Admin} {
		hash, err := account.HashPassword(testPassword, cheap)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.AddUser(ctx, account.User{Name: name, Role: role, PasswordHash: hash}); err != nil {
			t.Fatal(err)
		}
	}
	cfg.AllowedHosts = append(cfg.AllowedHosts, "example.com")
	cfg.Accounts, cfg.Sessions, cfg.PasswordParams = db, sessionsOf(db), cheap
	if cfg.Editor == nil {
		cfg.Editor = db
	}
	assets := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>casmap</title>")}}
	return &authWorld{h: server.New(cfg, db, assets, discardLogger()), db: db}
}

// client is one browser or script: its cookies, and headers it always
// sends.
type client struct {
	t      testing.TB
	w      *authWorld
	cookie map[string]string
	header map[string]string
	remote string
}

func (w *authWorld) client(t testing.TB) *client {
	return &client{t: t, w: w, cookie: map[string]string{}, header: map[string]string{}, remote: "192.0.2.1:1234"}
}

// do sends one request with the client's cookies and headers, body as
// JSON unless it is a string, and keeps the cookies it is given.
func (cl *client) do(method, target string, body any, header ...string) *httptest.ResponseRecorder {
	cl.t.Helper()
	var b []byte
	switch v := body.(type) {
	case nil:
	case string:
		b = []byte(v)
	default:
		b, _ = json.Marshal(v)
	}
	req := httptest.NewRequest(method, target, bytes.NewReader(b))
	req.RemoteAddr = cl.remote
	if b != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range cl.header {
		req.Header.Set(k, v)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	for k, v := range cl.cookie {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	rec := httptest.NewRecorder()
	cl.w.h.ServeHTTP(rec, req)
	for _, ck := range rec.Result().Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(cl.cookie, ck.Name)
		} else {
			cl.cookie[ck.Name] = ck.Value
		}
	}
	return rec
}

// signIn signs the client in as name, failing the test if it cannot.
func (cl *client) signIn(name string) *client {
	cl.t.Helper()
	rec := cl.do(http.MethodPost, "/api/session", map[string]string{"name": name, "password": testPassword})
	if rec.Code != http.StatusOK {
		cl.t.Fatalf("sign in as %s: status %d\n%s", name, rec.Code, rec.Body.String())
	}
	return cl
}

// as returns a new client signed in as name.
func (w *authWorld) as(t testing.TB, name string) *client {
	return w.client(t).signIn(name)
}

// whoami is who the server thinks the client is ("" when anonymous).
func (cl *client) whoami() string {
	cl.t.Helper()
	rec := cl.do(http.MethodGet, "/api/session", nil)
	var w struct {
		SignedIn bool   `json:"signedIn"`
		Name     string `json:"name"`
	}
	json.Unmarshal(rec.Body.Bytes(), &w)
	if rec.Code == http.StatusUnauthorized || !w.SignedIn {
		return ""
	}
	return w.Name
}

func jsonField(t *testing.T, rec *httptest.ResponseRecorder, name string) any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, rec.Body.String())
	}
	return m[name]
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
