package main

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/sqlite"
)

// The fault tests run the real binary, because a kill -9 or a SIGTERM
// cannot be sent to run inside the test process.

// binary is the casmap binary built once for the tests that need one.
var binary struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := pg.Main(m)
	if binary.dir != "" {
		os.RemoveAll(binary.dir)
	}
	os.Exit(code)
}

// casmapBinary builds ./cmd/casmap on first use and returns its path.
func casmapBinary(t *testing.T) string {
	t.Helper()
	binary.once.Do(func() {
		binary.dir, binary.err = os.MkdirTemp("", "casmap-bin-")
		if binary.err != nil {
			return
		}
		// Readable by everyone: one test runs it as an unprivileged user.
		if binary.err = os.Chmod(binary.dir, 0o755); binary.err != nil {
			return
		}
		binary.path = filepath.Join(binary.dir, "casmap")
		out, err := exec.Command("go", "build", "-o", binary.path, ".").CombinedOutput()
		if err != nil {
			binary.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binary.err != nil {
		t.Fatalf("build casmap: %v", binary.err)
	}
	return binary.path
}

// runBinary runs the binary to completion and returns its combined output
// and error.
func runBinary(t *testing.T, timeout time.Duration, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, casmapBinary(t), args...).CombinedOutput()
	if ctx.Err() != nil {
		return string(out), fmt.Errorf("still running after %s: %w", timeout, ctx.Err())
	}
	return string(out), err
}

// killTrigger says when an iteration of TestImportSurvivesKill sends
// SIGKILL: after a delay, or once the write-ahead log has grown past a
// size, which means the import transaction is writing. Neither means
// letting the import finish.
type killTrigger struct {
	after  time.Duration
	walMin int64
}

func (k killTrigger) String() string {
	switch {
	case k.after > 0:
		return "kill after " + k.after.String()
	case k.walMin > 0:
		return fmt.Sprintf("kill once the WAL holds %d KiB", k.walMin>>10)
	}
	return "let it finish"
}

// TestImportSurvivesKill kills `casmap import` of a large CSV again and
// again, at different moments on the same database, and wants the database
// to open cleanly each time, pass SQLite's integrity check, and hold
// either all of the import or none of it.
func TestImportSurvivesKill(t *testing.T) {
	// 20,000 rows: a few seconds of reading and computing border
	// distances, then about 2 s of writing, on a small machine. (200,000
	// rows take about a minute to import, too long to do nine times.)
	const rows = 20000
	dir := t.TempDir()
	path := filepath.Join(dir, "casmap.db")
	if out, err := runBinary(t, 30*time.Second, "seed", "--db", path); err != nil {
		t.Fatalf("casmap seed: %v\n%s", err, out)
	}
	want, version := checkIncidents(t, path)
	// An import drops and remakes the layer's insert triggers inside its
	// transaction: a kill at any point must leave them as they were.
	schema := triggerSchema(t, path)
	triggers := []killTrigger{
		{after: 50 * time.Millisecond},
		{walMin: 64 << 10},
		{after: 400 * time.Millisecond},
		{walMin: 2 << 20},
		{after: 1200 * time.Millisecond},
		{walMin: 6 << 20},
		{after: 2 * time.Second},
		{}, // let it finish
		{walMin: 1 << 20},
	}
	killedWriting := 0
	for i, trig := range triggers {
		csvPath := filepath.Join(dir, fmt.Sprintf("import-%d.csv", i))
		writeACLED(t, csvPath, fmt.Sprintf("K%d-", i), rows)
		killed, wal, err := importAndKill(t, path, csvPath, trig)
		if err != nil {
			t.Fatalf("iteration %d (%s): %v", i, trig, err)
		}
		got, gotVersion := checkIncidents(t, path)
		if now := triggerSchema(t, path); now != schema {
			t.Fatalf("iteration %d (%s): the triggers changed:\n%s\nwant\n%s", i, trig, now, schema)
		}
		outcome := ""
		switch {
		case got == want && gotVersion == version:
			outcome = "old data"
		case got == want+rows && gotVersion != version:
			outcome = "new data"
			want, version = got, gotVersion
		default:
			t.Fatalf("iteration %d (%s): %d incidents at version %s, want %d at %s (old) or %d at a new version",
				i, trig, got, gotVersion, want, version, want+rows)
		}
		if killed && wal > 0 {
			killedWriting++
		}
		t.Logf("iteration %d: %s: killed=%v, WAL %d KiB at the kill, then %s (%d incidents)", i, trig, killed, wal>>10, outcome, got)
		if !killed && outcome != "new data" {
			t.Errorf("iteration %d: the import exited by itself but its data is not there", i)
		}
	}
	if killedWriting == 0 {
		t.Errorf("no iteration was killed while the import was writing; the test proved nothing about the transaction")
	}
}

// importAndKill runs `casmap import` of csvPath into the database at path
// and kills it with SIGKILL when trig says. It reports whether the kill
// landed (the process was still running) and the WAL's size at that
// moment. An import that ends by itself must succeed.
func importAndKill(t *testing.T, path, csvPath string, trig killTrigger) (killed bool, wal int64, err error) {
	cmd := exec.Command(casmapBinary(t), "import", "--layer", geodata.LayerIncidents, "--db", path, csvPath)
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return false, 0, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	start := time.Now()
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err != nil {
				return false, 0, fmt.Errorf("import exited by itself with %v\n%s", err, out.String())
			}
			return false, 0, nil
		case <-tick.C:
		}
		size := fileSize(path + "-wal")
		if time.Since(start) > 60*time.Second {
			cmd.Process.Kill()
			<-done
			return false, size, errors.New("import still running after 60s")
		}
		if (trig.after > 0 && time.Since(start) >= trig.after) || (trig.walMin > 0 && size >= trig.walMin) {
			cmd.Process.Kill()
			err := <-done
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
					return true, size, nil
				}
			}
			// It finished between the last look and the kill.
			if err != nil {
				return false, size, fmt.Errorf("import: %v\n%s", err, out.String())
			}
			return false, size, nil
		}
	}
}

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

// checkIncidents opens the database as the server would, checks its
// integrity, and returns how many incidents it holds and its data version.
func checkIncidents(t *testing.T, path string) (int, geodata.Version) {
	t.Helper()
	ctx := t.Context()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("open %s after the import: %v", path, err)
	}
	defer db.Close()
	if err := db.Check(ctx); err != nil {
		t.Fatalf("integrity of %s: %v", path, err)
	}
	page, err := geodata.ReadPage(ctx, db, geodata.Query{Layer: geodata.LayerIncidents, Limit: 1})
	if err != nil {
		t.Fatalf("count incidents in %s: %v", path, err)
	}
	v, err := db.Version(ctx)
	if err != nil {
		t.Fatalf("version of %s: %v", path, err)
	}
	return page.Matched, v
}

// triggerSchema returns the definitions of the triggers in the database
// at path.
func triggerSchema(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var defs string
	if err := db.QueryRow(`SELECT group_concat(sql, char(10)) FROM (SELECT sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name)`).Scan(&defs); err != nil {
		t.Fatalf("triggers of %s: %v", path, err)
	}
	return defs
}

// writeACLED writes n ACLED-style incidents with ids prefix0, prefix1...
// to path, in the region the map shows.
func writeACLED(t *testing.T, path, prefix string, n int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	io.WriteString(w, "event_id_cnty,event_date,event_type,actor1,country,location,latitude,longitude,fatalities,notes,source,admin1\n")
	types := []string{"Battles", "Explosions/Remote violence", "Protests", "Riots"}
	countries := []string{"Afghanistan", "Tajikistan", "Uzbekistan", "Pakistan"}
	var line []byte
	for i := range n {
		line = append(line[:0], prefix...)
		line = strconv.AppendInt(line, int64(i), 10)
		line = fmt.Appendf(line, ",2022-%02d-%02d,%s,Actor %d,%s,Place %d,", 1+i%12, 1+i%28, types[i%len(types)], i%50, countries[i%len(countries)], i%300)
		line = strconv.AppendFloat(line, 30+float64(i%900)/100, 'f', 2, 64)
		line = append(line, ',')
		line = strconv.AppendFloat(line, 62+float64(i%1000)/100, 'f', 2, 64)
		line = fmt.Appendf(line, ",%d,\"note %d, with a comma\",Test,Test region\n", i%7, i)
		w.Write(line)
	}
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		t.Fatal(err)
	}
}

// TestServeStartupErrors wants `casmap serve` on a database it cannot
// create or write to exit non-zero within seconds with a message that
// names the path.
func TestServeStartupErrors(t *testing.T) {
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		path   string
		phrase string
	}{
		{"missing directory", "/nonexistent/dir/x.db", "does not exist"},
		{"parent is a file", filepath.Join(notDir, "x.db"), "not a directory"},
		{"read-only /proc", "/proc/x.db", "writable"},
		{"read-only mount", readOnlyMount(t), "writable"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantStartupError(t, exec.Command(casmapBinary(t), "serve", "--addr", "127.0.0.1:0", "--db", tc.path), tc.path, tc.phrase)
		})
	}
	// Root writes through file modes, so the directory that mode makes
	// read-only is tried as the unprivileged user nobody.
	for _, seeded := range []bool{false, true} {
		name := map[bool]string{false: "new file in a read-only directory", true: "existing file in a read-only directory"}[seeded]
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "ro")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "x.db")
			phrase := "writable"
			if seeded {
				if out, err := runBinary(t, 30*time.Second, "seed", "--db", path); err != nil {
					t.Fatalf("casmap seed: %v\n%s", err, out)
				}
				phrase = "read-only"
			}
			// t.TempDir makes 0700 directories; open the ones it made to
			// nobody, and nothing above them.
			for d := filepath.Dir(dir); strings.HasPrefix(d, os.TempDir()+string(filepath.Separator)); d = filepath.Dir(d) {
				if err := os.Chmod(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.Chmod(dir, 0o555); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(dir, 0o755) })
			cmd := exec.Command(casmapBinary(t), "serve", "--addr", "127.0.0.1:0", "--db", path)
			if os.Geteuid() == 0 {
				cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
			}
			wantStartupError(t, cmd, path, phrase)
		})
	}
}

// wantStartupError runs cmd and wants it to fail within 5 s with a
// message naming path and containing phrase.
func wantStartupError(t *testing.T, cmd *exec.Cmd, path, phrase string) {
	t.Helper()
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("casmap serve --db %s still running after 5s\n%s", path, out.String())
	}
	if err == nil {
		t.Fatalf("casmap serve --db %s exited 0, want a failure\n%s", path, out.String())
	}
	msg := out.String()
	if !strings.Contains(msg, path) || !strings.Contains(msg, phrase) {
		t.Errorf("casmap serve --db %s said %q, want it to name the path and say %q", path, msg, phrase)
	}
	if strings.Contains(msg, "serving the map") {
		t.Errorf("casmap serve --db %s started serving before failing", path)
	}
}

// readOnlyMount mounts a read-only tmpfs and returns a database path in
// it. Where mounting is not allowed it returns a path under /sys, which
// container runtimes mount read-only.
func readOnlyMount(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("casmap-test", dir, "tmpfs", syscall.MS_RDONLY, ""); err != nil {
		t.Logf("cannot mount a read-only tmpfs (%v); using /sys instead", err)
		return "/sys/x.db"
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return filepath.Join(dir, "x.db")
}
