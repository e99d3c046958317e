package sqlite

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/format"
	"github.com/paulmach/orb"
)

// A page asked for raw properties hands each feature's properties as the
// JSON text kept, which reads back as the properties a plain page gives,
// and which the GeoJSON encoder writes as it writes those.
func TestRawPropertiesReadAsTheProperties(t *testing.T) {
	ctx := context.Background()
	db := seeded(t)
	total := 0
	for _, ld := range testData() {
		q := geodata.Query{Layer: ld.Layer.ID, Limit: geodata.MaxLimit}
		plain, err := geodata.ReadPage(ctx, db, q)
		if err != nil {
			t.Fatal(err)
		}
		q.RawProperties = true
		raw, err := geodata.ReadPage(ctx, db, q)
		if err != nil {
			t.Fatal(err)
		}
		total += len(raw.Features)
		if len(raw.Features) != len(plain.Features) {
			t.Fatalf("%s: %d raw features, %d plain", ld.Layer.ID, len(raw.Features), len(plain.Features))
		}
		for i, f := range raw.Features {
			var props map[string]any
			if f.Properties != nil || json.Unmarshal(f.RawProperties, &props) != nil {
				t.Fatalf("%s: feature %s: Properties %v, RawProperties %q", ld.Layer.ID, f.ID, f.Properties, f.RawProperties)
			}
			if want := plain.Features[i]; f.ID != want.ID || !reflect.DeepEqual(props, want.Properties) || !orb.Equal(f.Geometry, want.Geometry) {
				t.Errorf("%s: raw %s %v, plain %s %v", ld.Layer.ID, f.ID, props, want.ID, want.Properties)
			}
			var a, b bytes.Buffer
			if err := geojsonFormat(t).WriteAll(&a, format.Doc{}, []geodata.Feature{f}, format.Trailer{}); err != nil {
				t.Fatal(err)
			}
			if err := geojsonFormat(t).WriteAll(&b, format.Doc{}, []geodata.Feature{plain.Features[i]}, format.Trailer{}); err != nil {
				t.Fatal(err)
			}
			if a.String() != b.String() {
				t.Errorf("%s: written raw %s\nwritten plain %s", f.ID, a.String(), b.String())
			}
		}
	}
	if total == 0 {
		t.Fatal("no features to compare")
	}
}

func geojsonFormat(t *testing.T) format.Format {
	t.Helper()
	fm, ok := format.ByName("geojson")
	if !ok {
		t.Fatal("no geojson format")
	}
	return fm
}

// ExportRaw hands the features Export does, their properties as text.
func TestExportRawMatchesExport(t *testing.T) {
	ctx := context.Background()
	db := seeded(t)
	var plain, raw []geodata.Feature
	nothing := func(geodata.Version) error { return nil }
	if err := db.Export(ctx, "incidents", nothing, func(f geodata.Feature) error { plain = append(plain, f); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := db.ExportRaw(ctx, "incidents", nothing, func(f geodata.Feature) error { raw = append(raw, f); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(raw) != len(plain) || len(raw) == 0 {
		t.Fatalf("%d raw features, %d plain", len(raw), len(plain))
	}
	for i, f := range raw {
		var props map[string]any
		if err := json.Unmarshal(f.RawProperties, &props); err != nil || f.Properties != nil {
			t.Fatalf("%s: %v, Properties %v", f.ID, err, f.Properties)
		}
		if f.ID != plain[i].ID || !reflect.DeepEqual(props, plain[i].Properties) {
			t.Errorf("raw %s %v, plain %s %v", f.ID, props, plain[i].ID, plain[i].Properties)
		}
	}
}
