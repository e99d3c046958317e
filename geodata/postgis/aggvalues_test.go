package postgis_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/postgis"
	"github.com/casmap/casmap/geodata/storetest"
	"github.com/paulmach/orb"
)

// The values of a queryable read in one pass over the layer group as the
// grouped query groups them: strings, numbers, booleans and the scalars
// of lists, whatever their spelling, and nothing else.
func TestAggValuesOnePassMatchesQuery(t *testing.T) {
	values := []struct {
		name  string
		value any
	}{
		{"a string", "attack"},
		{"the same string again", "attack"},
		{"the string true", "true"},
		{"true", true},
		{"false", false},
		{"a whole number", 5.0},
		{"the string 5", "5"},
		{"a fraction", -1.25},
		{"a large number", 1e21},
		{"a tiny number", 1e-7},
		{"escapes", "quote \" back \\ tab \t line \n"},
		{"non-ASCII", "Хорог ü 🙂"},
		{"the empty string", ""},
		{"null", nil},
		{"an object", map[string]any{"x": "y"}},
		{"the empty list", []any{}},
		{"a list", []any{"attack", "plot", 5.0, true, nil, []any{"nested"}, map[string]any{"x": 1.0}}},
		{"a list holding one value twice", []any{"plot", "plot"}},
	}
	ctx := context.Background()
	db := openDB(t, pg.Database(t), postgis.Options{})
	if _, err := db.Seed(ctx, storetest.TestData(), false); err != nil {
		t.Fatal(err)
	}
	var features []geodata.Feature
	for i, v := range values {
		features = append(features, geodata.Feature{ID: fmt.Sprint("v", i), Geometry: orb.Point{70, 35},
			Properties: map[string]any{"parity": v.value, "other": "x"}})
	}
	features = append(features, geodata.Feature{ID: "none", Geometry: orb.Point{70, 35}, Properties: map[string]any{}})
	if err := db.Import(ctx, "railways", features); err != nil {
		t.Fatal(err)
	}
	onePass, grouped, err := postgis.ValuesBothWays(ctx, db, "railways", []string{"parity"}, "parity")
	if err != nil {
		t.Fatal(err)
	}
	if len(grouped) < 10 {
		t.Fatalf("the grouped query found %d values: %q; the test data lost its variety", len(grouped), grouped)
	}
	if !slices.Equal(onePass, grouped) {
		t.Errorf("one pass grouped the values as\n%q\nthe query as\n%q", onePass, grouped)
	}
}
