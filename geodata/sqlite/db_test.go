package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

func TestOpenCreatesSchema(t *testing.T) {
	db, path := openTest(t)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database file: %v", err)
	}
	for _, name := range []string{"layers", "features", "features_rtree", "meta"} {
		var n int
		if err := db.r.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name = ?`, name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("table %s: %d in sqlite_schema, want 1", name, n)
		}
	}
	migrations, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	var uv int
	if err := db.r.QueryRow(`PRAGMA user_version`).Scan(&uv); err != nil {
		t.Fatal(err)
	}
	if got, want := uv, len(migrations); got != want {
		t.Errorf("user_version = %d, want %d", got, want)
	}
	var mode string
	if err := db.r.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.ToLower(mode), "wal"; got != want {
		t.Errorf("journal_mode = %q, want %q", got, want)
	}
	var fk int
	if err := db.w.QueryRow(`PRAGMA foreign_keys`).Scan(&fk); err != nil {
		t.Fatal(err)
	}
	if fk != 1 {
		t.Errorf("foreign_keys = %d, want 1", fk)
	}
	if v := version(t, db); !regexp.MustCompile(`^[0-9a-f]{8}-0$`).MatchString(string(v)) {
		t.Errorf("Version of a new database = %q, want <8 hex>-0", v)
	}
	layers, err := db.Layers(context.Background())
	if err != nil || len(layers) != 0 {
		t.Errorf("Layers of a new database = %v, %v; want none", layers, err)
	}
}

func TestReopenKeepsDataAndSeedIsNoOp(t *testing.T) {
	ctx := context.Background()
	db, path := openTest(t)
	if ok, err := db.Seed(ctx, testData(), false); err != nil || !ok {
		t.Fatalf("Seed = %v, %v; want true, nil", ok, err)
	}
	wantLayers, err := db.Layers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantFeature, err := db.Feature(ctx, "incidents", "khorog-2022-05")
	if err != nil {
		t.Fatal(err)
	}
	wantVersion := version(t, db)

	db2, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db2.Close()
	gotLayers, err := db2.Layers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotLayers, wantLayers) {
		t.Errorf("Layers after reopen = %+v, want %+v", gotLayers, wantLayers)
	}
	gotFeature, err := db2.Feature(ctx, "incidents", "khorog-2022-05")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotFeature, wantFeature) {
		t.Errorf("Feature after reopen = %+v, want %+v", gotFeature, wantFeature)
	}
	if got := version(t, db2); got != wantVersion {
		t.Errorf("Version after reopen = %q, want %q", got, wantVersion)
	}
	ok, err := db2.Seed(ctx, testData()[:1], false)
	if err != nil || ok {
		t.Errorf("Seed(force=false) on a seeded database = %v, %v; want false, nil", ok, err)
	}
	if got := version(t, db2); got != wantVersion {
		t.Errorf("Version after no-op Seed = %q, want %q", got, wantVersion)
	}
	if got, want := len(allIDs(t, db2, "incidents")), 4; got != want {
		t.Errorf("incidents after no-op Seed = %d, want %d", got, want)
	}
}

func TestOpenBadPath(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "plain-file")
	if err := os.WriteFile(file, []byte(strings.Repeat("not a database\n", 300)), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		want       string // in the error message
	}{
		{"missing directory", filepath.Join(dir, "no", "such", "dir", "casmap.db"), "does not exist"},
		{"parent is a file", filepath.Join(file, "casmap.db"), "is not a directory"},
		{"not a database", file, "file is not a database"},
		{"empty path", "", "empty database path"},
	}
	if runtime.GOOS == "linux" {
		// /proc refuses new files even to root, who can write anywhere else.
		tests = append(tests, struct{ name, path, want string }{"unwritable directory", "/proc/casmap.db", "is the directory writable?"})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db, err := Open(context.Background(), tc.path)
			if err == nil {
				db.Close()
				t.Fatalf("Open(%q) = nil error, want one", tc.path)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.path) {
				t.Errorf("Open(%q) error = %q, want it to name the path and say %q", tc.path, err, tc.want)
			}
		})
	}
}

func TestOpenOddFileName(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "a ?b#c%20.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	defer db.Close()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("file %q not created: %v", path, err)
	}
}

func TestOpenTwiceConcurrently(t *testing.T) {
	path := filepath.Join(t.TempDir(), "casmap.db")
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			db, err := Open(context.Background(), path)
			if err == nil {
				err = db.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Errorf("concurrent Open: %v", err)
		}
	}
}
