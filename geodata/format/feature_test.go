package format

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// The direct encoder writes what encoding/json writes for orb's feature,
// byte for byte, so no client sees a difference.
func TestAppendFeatureWritesWhatOrbWrites(t *testing.T) {
	tests := []struct {
		name string
		f    geodata.Feature
	}{
		{"point", geodata.Feature{ID: "a-1", Geometry: orb.Point{69.1723, 34.5281}, Properties: map[string]any{"title": "Kabul", "n": 3.0}}},
		{"no id, no properties", geodata.Feature{Geometry: orb.Point{0, -0.5}}},
		{"tiny and huge numbers", geodata.Feature{ID: "x", Geometry: orb.Point{1e-7, -3.5e-9}, Properties: map[string]any{"big": 1e21, "small": 1e-7}}},
		{"negative zero", geodata.Feature{ID: "z", Geometry: orb.Point{math.Copysign(0, -1), 180}}},
		{"markup in strings", geodata.Feature{ID: "<b>&", Geometry: orb.Point{1, 2}, Properties: map[string]any{"summary": "<script>alert(1)</script> & \u2028", "sources": []any{map[string]any{"url": "https://example.org/?a=1&b=2"}}}}},
		{"line", geodata.Feature{ID: "l", Geometry: orb.LineString{{60, 37}, {61.5, 36.25}}, Properties: map[string]any{}}},
		{"polygon", geodata.Feature{ID: "p", Geometry: orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}}},
		{"no geometry", geodata.Feature{ID: "n"}},
		{"nil list and object, other Go kinds", geodata.Feature{ID: "g", Geometry: orb.Point{1, 2}, Properties: map[string]any{
			"list": []any(nil), "obj": map[string]any(nil), "int": 3, "strings": []string{"a"}, "empty": []any{}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, err := json.Marshal(tt.f.ToGeoJSON())
			if err != nil {
				t.Fatal(err)
			}
			got, err := appendFeature(nil, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("got  %s\nwant %s", got, want)
			}
		})
	}
}

func TestAppendFeatureRefusesWhatJSONCannotHold(t *testing.T) {
	for _, f := range []geodata.Feature{
		{ID: "nan", Geometry: orb.Point{math.NaN(), 1}},
		{ID: "inf", Geometry: orb.Point{1, 2}, Properties: map[string]any{"v": math.Inf(1)}},
	} {
		if _, err := appendFeature(nil, f); err == nil {
			t.Errorf("%s: no error", f.ID)
		}
	}
}

func BenchmarkAppendFeature(b *testing.B) {
	f := geodata.Feature{ID: "gen-000001", Geometry: orb.Point{69.1723, 34.5281}, Properties: map[string]any{
		"title": "Synthetic incident", "category": "attack", "confidence": "reported", "actor": "ISKP",
		"date": "2023-04-01", "fatalities": 3.0, "sources": []any{map[string]any{"name": "gen", "url": "https://example.org/1"}},
	}}
	var buf []byte
	for b.Loop() {
		buf, _ = appendFeature(buf[:0], f)
	}
}

// Any string and any number, in an id, a key or a value, come out as
// encoding/json writes them through orb.
func FuzzAppendFeature(f *testing.F) {
	f.Add("gen-1", "title", "Kabul \"airport\" \\ gate", 69.17, 34.52)
	f.Add("<x>", "ключ", "\x00\x1f\u2028\xff", 1e-7, -1e21)
	f.Fuzz(func(t *testing.T, id, key, value string, x, y float64) {
		feat := geodata.Feature{ID: id, Geometry: orb.Point{x, y}, Properties: map[string]any{
			key: value, "n": x, "list": []any{value, y, true, nil}, "obj": map[string]any{value: key},
		}}
		want, wantErr := json.Marshal(feat.ToGeoJSON())
		got, err := appendFeature(nil, feat)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("error %v, encoding/json's %v", err, wantErr)
		}
		if err == nil && string(got) != string(want) {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	})
}
