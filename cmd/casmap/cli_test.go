package main

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// runWith runs the program in-process with an environment and returns
// stdout, stderr and run's error.
func runWith(t *testing.T, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut syncBuffer
	err := run(t.Context(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestHelpListsCommands(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"-help"}, {"help"}} {
		out, _, err := runWith(t, nil, args...)
		if err != nil {
			t.Errorf("casmap %s = %v, want help and no error", args[0], err)
		}
		for _, c := range append(commands(), command{name: "help"}) {
			// One line each: the name, then what it does.
			if !regexp.MustCompile(`(?m)^  ` + c.name + `\s+\w.*$`).MatchString(out) {
				t.Errorf("casmap %s: no line for command %s in\n%s", args[0], c.name, out)
			}
		}
		// casmap serves from SQLite or PostGIS; help must not say only one.
		for _, want := range []string{"Usage: casmap", "casmap COMMAND --help", "CASMAP_DB", "CASMAP_ADDR", "SQLite", "PostGIS", "postgres://"} {
			if !strings.Contains(out, want) {
				t.Errorf("casmap %s: help lacks %q:\n%s", args[0], want, out)
			}
		}
		for _, bad := range []string{"help requested", "one SQLite file"} {
			if strings.Contains(out, bad) {
				t.Errorf("casmap %s: help says %q:\n%s", args[0], bad, out)
			}
		}
	}
}

func TestCommandHelp(t *testing.T) {
	// What each command's help must show: its flags and real defaults.
	want := map[string][]string{
		"serve":  {"--addr HOST:PORT", "default 127.0.0.1:8080", "env CASMAP_ADDR", "--db FILE", "default ./casmap.db", "--read-header-timeout"},
		"seed":   {"--force", "--db FILE", "default ./casmap.db"},
		"import": {"--layer ID", "--db FILE", "FILE.geojson|FILE.csv", "docs/examples/"},
		"export": {"--layer ID", "--format", "default geojson", "[OUT]"},
		"gen":    {"--incidents", "--seed", "default 1"},
		"user":   {"--role editor|reviewer|admin", "--label TEXT", "--db FILE"},
	}
	// A flag's value is named for what it is (FILE, ID, editor|reviewer|admin),
	// never by its Go type.
	goType := regexp.MustCompile(`(?m)^  --\S+ (string|int|int64|uint|float64|duration|value)\s`)
	// Values set on the same line and in the environment are not defaults.
	env := map[string]string{"CASMAP_DB": "/from/env.db", "CASMAP_ADDR": "10.9.8.7:1"}
	for _, c := range commands() {
		for _, args := range [][]string{{c.name, "--help"}, {c.name, "-h"}, {"help", c.name}, {c.name, "--db", "/on/line.db", "--help"}} {
			out, _, err := runWith(t, env, args...)
			if err != nil {
				t.Errorf("casmap %s = %v, want help and no error", strings.Join(args, " "), err)
				continue
			}
			for _, w := range append(want[c.name], "Usage: casmap "+c.name, "Flags:", "Example:", "  bin/casmap "+c.name) {
				if !strings.Contains(out, w) {
					t.Errorf("casmap %s: help lacks %q:\n%s", strings.Join(args, " "), w, out)
				}
			}
			if m := goType.FindString(out); m != "" {
				t.Errorf("casmap %s: help names a value by its Go type: %q", strings.Join(args, " "), strings.TrimSpace(m))
			}
			for _, bad := range []string{"/from/env.db", "10.9.8.7:1", "/on/line.db", "--pprof", "help requested"} {
				if strings.Contains(out, bad) {
					t.Errorf("casmap %s: help shows %q:\n%s", strings.Join(args, " "), bad, out)
				}
			}
		}
	}
}

// TestHelpExitCodes runs the binary as a shell does: every way of asking
// for help exits 0 and prints to stdout; a mistake exits 1 and says what
// to run.
func TestHelpExitCodes(t *testing.T) {
	bin := casmapBinary(t)
	cases := [][]string{{"--help"}, {"-h"}, {"help"}}
	for _, c := range commands() {
		cases = append(cases, []string{c.name, "--help"}, []string{c.name, "-h"}, []string{"help", c.name})
	}
	for _, args := range cases {
		cmd := exec.Command(bin, args...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil || len(out) == 0 || stderr.Len() > 0 {
			t.Errorf("casmap %s: %v, %d bytes on stdout, stderr %q; want exit 0 with help on stdout",
				strings.Join(args, " "), err, len(out), stderr.String())
		}
	}
	for _, args := range [][]string{{"frobnicate"}, {"help", "frobnicate"}, {"serve", "--colour"}, {"import"}} {
		out, err := exec.Command(bin, args...).CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(out), "--help") {
			t.Errorf("casmap %s: %v\n%s\nwant exit 1 and a pointer to --help", strings.Join(args, " "), err, out)
		}
	}
}

func TestEnvironmentAndFlags(t *testing.T) {
	dir := t.TempDir()
	fromEnv, fromFlag := filepath.Join(dir, "env.db"), filepath.Join(dir, "flag.db")
	env := map[string]string{"CASMAP_DB": fromEnv}
	if out, _, err := runWith(t, env, "seed"); err != nil || !strings.Contains(out, fromEnv) {
		t.Errorf("CASMAP_DB=%s casmap seed: %q, %v; want it to seed %s", fromEnv, out, err, fromEnv)
	}
	if out, _, err := runWith(t, env, "seed", "--db", fromFlag); err != nil || !strings.Contains(out, fromFlag) {
		t.Errorf("CASMAP_DB=%s casmap seed --db %s: %q, %v; want the flag to win", fromEnv, fromFlag, out, err)
	}
}

// TestOnlyServeAndSeedCreateDatabases gives every other command a database
// path that does not exist, as a typo in --db does.
func TestOnlyServeAndSeedCreateDatabases(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "x.csv")
	writeFile(t, csv, "event_id_cnty,event_date,event_type,actor1,country,location,latitude,longitude,fatalities,notes,source\n")
	missing := filepath.Join(dir, "typo.db")
	for _, args := range [][]string{
		{"import", "--layer", "incidents", "--db", missing, csv},
		{"export", "--layer", "incidents", "--db", missing},
		{"export", "--layer", "incidents", "--db", missing, filepath.Join(dir, "out.geojson")},
		{"gen", "--incidents", "10", "--db", missing},
	} {
		out, _, err := runWith(t, nil, args...)
		if err == nil {
			t.Errorf("casmap %s succeeded (%q), want a refusal", strings.Join(args, " "), out)
			continue
		}
		for _, w := range []string{missing, "does not exist", "casmap seed --db " + missing} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("casmap %s: %q, want it to say %q", args[0], err, w)
			}
		}
		if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("casmap %s created %s", args[0], missing)
		}
	}
	// Through the environment too.
	if _, _, err := runWith(t, map[string]string{"CASMAP_DB": missing}, "export", "--layer", "tapi"); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("CASMAP_DB=%s casmap export: %v, want a refusal naming it", missing, err)
	}
}

// TestWritingCommandsNameTheDatabase wants each command that writes to say
// which database it wrote to.
func TestWritingCommandsNameTheDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "named.db")
	geojson := filepath.Join(dir, "one.geojson")
	out := filepath.Join(dir, "tapi.kml")
	steps := []struct {
		args []string
		want []string
	}{
		{[]string{"seed", "--db", db}, []string{"seeded", db}},
		{[]string{"seed", "--db", db}, []string{"nothing changed", db}},
		{[]string{"seed", "--force", "--db", db}, []string{"replaced ", "seeded layers in " + db, "keeping imported features"}},
		{[]string{"export", "--layer", "places", "--db", db, geojson}, []string{"wrote", db, geojson}},
		{[]string{"import", "--layer", "places", "--db", db, geojson}, []string{"imported", "layer places", db}},
		{[]string{"gen", "--incidents", "5", "--db", db}, []string{"generated 5", db}},
		{[]string{"export", "--layer", "tapi", "--format", "kml", "--db", db, out}, []string{"wrote", "layer tapi", db, out}},
	}
	for _, s := range steps {
		got, _, err := runWith(t, nil, s.args...)
		if err != nil {
			t.Fatalf("casmap %s: %v", strings.Join(s.args, " "), err)
		}
		for _, w := range s.want {
			if !strings.Contains(got, w) {
				t.Errorf("casmap %s printed %q, want it to contain %q", strings.Join(s.args, " "), got, w)
			}
		}
	}
}

// TestCountsOfOne: what the commands say of one thing is in the singular,
// of several in the plural.
func TestCountsOfOne(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "one.db")
	mustSeed(t, db)
	gbao := filepath.Join(dir, "gbao.geojson")
	for _, s := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "--layer", "gbao", "--db", db, gbao}, "wrote 1 feature of layer gbao"},
		{[]string{"import", "--layer", "incidents", "--db", db, filepath.Join("..", "..", "docs", "examples", "incidents.geojson")}, "imported 1 feature from"},
		{[]string{"import", "--layer", "incidents", "--db", db, filepath.Join("..", "..", "docs", "examples", "incidents.csv")}, "imported 2 features from"},
	} {
		got, _, err := runWith(t, nil, s.args...)
		if err != nil || !strings.Contains(got, s.want) {
			t.Errorf("casmap %s printed %q (%v), want %q", strings.Join(s.args, " "), got, err, s.want)
		}
	}
}

func TestExportErrors(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "e.db")
	mustSeed(t, db)
	aFile := filepath.Join(dir, "file")
	writeFile(t, aFile, "")
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"missing folder", []string{"export", "--layer", "tapi", "--db", db, "no-such-folder/tapi.geojson"},
			[]string{"no-such-folder/tapi.geojson", "no-such-folder does not exist"}},
		{"folder is a file", []string{"export", "--layer", "tapi", "--db", db, filepath.Join(aFile, "tapi.geojson")},
			[]string{filepath.Join(aFile, "tapi.geojson"), "not a folder"}},
		{"unknown layer", []string{"export", "--layer", "nope", "--db", db},
			append([]string{`no layer "nope"`, db}, seedLayers...)},
		{"unknown layer on import", []string{"import", "--layer", "nope", "--db", db, aFile},
			append([]string{`no layer "nope"`}, seedLayers...)},
		{"unknown format", []string{"export", "--layer", "tapi", "--format", "shp", "--db", db},
			[]string{`"shp"`, "geojson, csv or kml"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runWith(t, nil, tc.args...)
			if err == nil {
				t.Fatalf("casmap %s succeeded, want an error", strings.Join(tc.args, " "))
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q, want it to contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), ".casmap-export") {
				t.Errorf("error %q names the temporary file", err)
			}
		})
	}
}

// busyAddr returns a loopback address that something is listening on
// until the test ends.
func busyAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln.Addr().String()
}

func TestServeBusyPort(t *testing.T) {
	addr := busyAddr(t)
	db := filepath.Join(t.TempDir(), "busy.db")
	_, _, err := runWith(t, nil, "serve", "--addr", addr, "--db", db)
	if err == nil {
		t.Fatal("serve on a busy port succeeded")
	}
	for _, w := range []string{addr, "already in use", "--addr", "CASMAP_ADDR", "make run ADDR="} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("serve on a busy port: %q, want it to say %q", err, w)
		}
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("serve on a busy port created the database %s", db)
	}
}

// TestMakeRunTakesAddrAndDB runs `make run` with ADDR and DB as a person
// would, with values that make the server stop at once: a busy port, then
// a database in a folder that does not exist. Each message names what
// was passed, so make handed it on.
func TestMakeRunTakesAddrAndDB(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatal("make is not installed: apt-get install make")
	}
	addr := busyAddr(t)
	missing := filepath.Join(t.TempDir(), "no-such-folder", "m.db")
	for _, tc := range []struct {
		vars []string
		want []string
	}{
		{[]string{"ADDR=" + addr, "DB=" + filepath.Join(t.TempDir(), "m.db")}, []string{addr, "already in use", "make run ADDR="}},
		{[]string{"ADDR=127.0.0.1:0", "DB=" + missing}, []string{missing, "does not exist"}},
	} {
		cmd := exec.CommandContext(t.Context(), "make", append([]string{"--no-print-directory", "-C", "../..", "run"}, tc.vars...)...)
		cmd.Env = append(os.Environ(), "CASMAP_ADDR=", "CASMAP_DB=")
		cmd.WaitDelay = 5 * time.Second
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Errorf("make run %s succeeded, want the server to stop at once:\n%s", strings.Join(tc.vars, " "), out)
		}
		for _, w := range tc.want {
			if !strings.Contains(string(out), w) {
				t.Errorf("make run %s said:\n%s\nwant it to contain %q", strings.Join(tc.vars, " "), out, w)
			}
		}
	}
}
