package sqlite

import (
	"context"
	"errors"
	"testing"

	"github.com/casmap/casmap/geodata"
)

// An import with no features changes nothing: not the data, not the
// version, not the layer's updated time; an unknown layer is still an
// error.
func TestImportOfNothingChangesNothing(t *testing.T) {
	db := seeded(t)
	ctx := context.Background()
	before := version(t, db)
	l0, err := db.Layer(ctx, "incidents")
	if err != nil {
		t.Fatal(err)
	}
	for _, batch := range [][]geodata.Feature{nil, {}} {
		if err := db.Import(ctx, "incidents", batch); err != nil {
			t.Fatalf("import of no features: %v", err)
		}
	}
	if after := version(t, db); after != before {
		t.Errorf("version went from %s to %s after importing nothing", before, after)
	}
	if l1, _ := db.Layer(ctx, "incidents"); !l1.Updated.Equal(l0.Updated) || l1.Count != l0.Count {
		t.Errorf("layer changed from %v/%d to %v/%d", l0.Updated, l0.Count, l1.Updated, l1.Count)
	}
	if err := db.Import(ctx, "nope", nil); !errors.Is(err, geodata.ErrNotFound) {
		t.Errorf("import of nothing into an unknown layer = %v, want not found", err)
	}
}
