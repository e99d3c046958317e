package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// itemsState is what a client sees of one items URL: how many match, the
// ETag and the data version.
type itemsState struct {
	matched int
	etag    string
	version string
}

// It names one host whichever replica it asks, as clients behind a
// balancer do: the links in a page, and so its ETag, carry the host.
func itemsNow(t *testing.T, url string) itemsState {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "localhost"
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	var p itemsPage
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d, %v", url, resp.StatusCode, err)
	}
	s := itemsState{matched: -1, etag: resp.Header.Get("ETag"), version: resp.Header.Get("X-Data-Version")}
	if p.NumberMatched != nil {
		s.matched = *p.NumberMatched
	}
	return s
}

// writeImportCSV writes an ACLED-style CSV of one incident in Khorog.
func writeImportCSV(t *testing.T, id string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "new.csv")
	writeFile(t, path, "event_id_cnty,event_date,event_type,actor1,country,location,latitude,longitude,fatalities,notes,source,admin1\n"+
		id+",2026-03-01,Battles,Border guards,Tajikistan,Khorog,37.49,71.55,0,test,casmap test,Gorno-Badakhshan\n")
	return path
}

// TestReplicasAgree runs two casmap processes on one PostgreSQL database,
// imports through the command line, and wants both to serve the new
// incident with the same ETag and data version within a second.
func TestReplicasAgree(t *testing.T) {
	dsn := pg.Database(t)
	a := startBinaryAt(t, dsn)
	b := startBinaryAt(t, dsn)
	const q = "/api/collections/incidents/items?country=TJK&datetime=2026-01-01/2026-12-31"
	before := itemsNow(t, a.base+q)
	if got := itemsNow(t, b.base+q); got != before {
		t.Fatalf("before the import the replicas differ: %+v and %+v", before, got)
	}
	csv := writeImportCSV(t, "REPL1")
	if out, err := runBinary(t, time.Minute, "import", "--layer", "incidents", "--db", dsn, csv); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	imported := time.Now()
	seen := map[string]itemsState{}
	for len(seen) < 2 {
		for name, p := range map[string]*proc{"first": a, "second": b} {
			if _, done := seen[name]; done {
				continue
			}
			if s := itemsNow(t, p.base+q); s.matched == before.matched+1 {
				seen[name] = s
				t.Logf("%s replica shows the import %s after it", name, time.Since(imported).Round(time.Millisecond))
			}
		}
		if time.Since(imported) > time.Second {
			t.Fatalf("a second after the import, replicas showing it: %v (want both)", seen)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if seen["first"] != seen["second"] {
		t.Errorf("after the import the replicas serve %+v and %+v; want the same ETag and version", seen["first"], seen["second"])
	}
	if seen["first"].version == before.version || seen["first"].etag == before.etag {
		t.Errorf("ETag and version after the import = %+v, before %+v: want both changed", seen["first"], before)
	}
}

// standbyFor makes a hot standby of the test cluster and returns the DSN of
// database dsn on it. The database must exist before.
func standbyFor(t *testing.T, dsn string) string {
	t.Helper()
	sb, err := pg.Cluster(t).Standby(context.Background())
	if err != nil {
		t.Fatalf("make a standby: %v", err)
	}
	t.Cleanup(func() { sb.Stop() })
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return sb.DSN(cfg.Database)
}

// queryOne runs a one-value query on dsn.
func queryOne[T any](t *testing.T, dsn, sql string, args ...any) T {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var v T
	if err := conn.QueryRow(ctx, sql, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return v
}

// committed is how many transactions database db has committed on the
// server at dsn, as its statistics say once they are flushed (PostgreSQL
// flushes a backend's counts about every second).
const committed = `SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()`

// TestStandbyReads serves from a hot standby made with pg_basebackup: reads
// go there while it keeps up, and when it falls behind the version a
// client was given (its replay paused, then a command-line import on the
// primary), reads go to the primary, so the new data shows at once.
func TestStandbyReads(t *testing.T) {
	dsn := pg.Database(t)
	standby := standbyFor(t, dsn)
	p := startBinaryAt(t, dsn, "--db-read", standby)
	if got := queryOne[bool](t, standby, `SELECT pg_is_in_recovery()`); !got {
		t.Fatal("the standby is not in recovery")
	}

	// Reads reach the standby: its count of transactions grows by at
	// least one per uncached request.
	const n = 40
	base := queryOne[int64](t, standby, committed)
	for i := range n {
		itemsNow(t, fmt.Sprintf("%s/api/collections/incidents/items?limit=%d", p.base, i+1))
	}
	deadline := time.Now().Add(10 * time.Second)
	for got := queryOne[int64](t, standby, committed); got-base < n; got = queryOne[int64](t, standby, committed) {
		if time.Now().After(deadline) {
			t.Fatalf("the standby committed %d transactions for %d reads, want at least %d", got-base, n, n)
		}
		time.Sleep(100 * time.Millisecond)
	}

	// The standby falls behind: what the primary writes, a client must
	// see all the same.
	const q = "/api/collections/incidents/items?country=TJK&datetime=2026-01-01/2026-12-31"
	before := itemsNow(t, p.base+q)
	queryOne[string](t, standby, `SELECT pg_wal_replay_pause()::text`)
	csv := writeImportCSV(t, "STANDBY1")
	if out, err := runBinary(t, time.Minute, "import", "--layer", "incidents", "--db", dsn, csv); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	imported := time.Now()
	for {
		s := itemsNow(t, p.base+q)
		if s.version != before.version {
			if s.matched != before.matched+1 {
				t.Fatalf("at version %s (new) the server shows %d incidents, want %d: a read older than its version", s.version, s.matched, before.matched+1)
			}
			break
		}
		if time.Since(imported) > time.Second {
			t.Fatalf("a second after the import the server still serves version %s", s.version)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := queryOne[int64](t, standby, `SELECT count(*) FROM features WHERE id = 'STANDBY1'`); got != 0 {
		t.Fatalf("the paused standby has the new incident already; the test proves nothing")
	}
	// The feature itself, and the layer's count, are as new.
	var f struct {
		ID string `json:"id"`
	}
	getJSON(t, p.base+"/api/collections/incidents/items/STANDBY1", http.StatusOK, &f)
	queryOne[string](t, standby, `SELECT pg_wal_replay_resume()::text`)
}
