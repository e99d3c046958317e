package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/casmap/casmap/geodata/sqlite"
	"github.com/casmap/casmap/geodata/storetest"
)

// open makes a store on a new file, and opens more on the same file.
func open(t *testing.T) (storetest.Store, func(t *testing.T) storetest.Store) {
	path := filepath.Join(t.TempDir(), "casmap.db")
	at := func(t *testing.T) storetest.Store {
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatalf("Open(%q): %v", path, err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	return at(t), at
}

func TestContract(t *testing.T) { storetest.Run(t, open) }

func TestSessionsContract(t *testing.T) {
	storetest.RunSessions(t, func(t *testing.T) storetest.SessionStore {
		s, _ := open(t)
		return s.(*sqlite.DB).Sessions()
	})
}
