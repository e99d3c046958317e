package sqlite

import (
	"context"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// TestLayerMemoFollowsWrites checks that the remembered layers change with
// every write, from this handle or another one on the same file.
func TestLayerMemoFollowsWrites(t *testing.T) {
	ctx := context.Background()
	db, path := openTest(t)
	if _, err := db.Seed(ctx, testData(), false); err != nil {
		t.Fatal(err)
	}
	other, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	count := func() int {
		t.Helper()
		l, err := db.Layer(ctx, "railways")
		if err != nil {
			t.Fatal(err)
		}
		return l.Count
	}
	if got := count(); got != 0 {
		t.Fatalf("railways Count = %d, want 0", got)
	}
	steps := []struct {
		name  string
		write func() error
		want  int
	}{
		{"import here", func() error {
			return db.Import(ctx, "railways", []geodata.Feature{feature("r1", orb.Point{60, 30}, nil)})
		}, 1},
		{"import from another handle", func() error {
			return other.Import(ctx, "railways", []geodata.Feature{feature("r2", orb.Point{61, 31}, nil)})
		}, 2},
		{"delete", func() error { return other.Delete(ctx, "railways", "r1") }, 1},
	}
	for _, s := range steps {
		if err := s.write(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := count(); got != s.want {
			t.Errorf("after %s: railways Count = %d, want %d", s.name, got, s.want)
		}
	}
	layers, _ := db.Layers(ctx)
	layers[0].Queryables[0] = "changed"
	if again, _ := db.Layers(ctx); again[0].Queryables[0] == "changed" {
		t.Error("a caller's change to Layers' answer reached the next caller")
	}
}
