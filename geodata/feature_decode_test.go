package geodata

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// decodeByOrb reads a Feature with orb's decoder, after a look at its
// members, by their exact names as orb reads them, for the id and the
// geometry. (decodeFeature looked with encoding/json's struct tags
// before, which fold case: "geometrY" passed as a geometry there, and
// orb then read none.)
func decodeByOrb(raw []byte) (Feature, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(raw, &probe); err != nil {
		return Feature{}, err
	}
	id, err := featureID(probe["id"])
	if err != nil {
		return Feature{}, err
	}
	if g := probe["geometry"]; len(g) == 0 || bytes.Equal(g, []byte("null")) {
		return Feature{ID: id}, Invalidf("geometry is missing")
	}
	gf, err := geojson.UnmarshalFeature(raw)
	if err != nil {
		return Feature{ID: id}, err
	}
	props := map[string]any(gf.Properties)
	if props == nil {
		props = map[string]any{}
	}
	return Feature{ID: id, Geometry: gf.Geometry, Properties: props}, nil
}

var featureSeeds = []string{
	`{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[69,34]},"properties":{"n":1,"s":"x","l":[1,"a"],"o":{"k":null}}}`,
	`{"type":"Feature","id":7,"geometry":{"type":"LineString","coordinates":[[1,2],[3,4]]},"properties":null}`,
	`{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"a":1},"properties":{"b":2}}`,
	`{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[1,2]},"Type":"x","Properties":{"a":1}}`,
	`{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[1,2]},"bbox":[1,2,1,2],"foreign":{"x":[1]}}`,
	`{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[1,2]},"bbox":"x"}`,
	`{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[1,2]}} {}`,
	`{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[1,2]}}x`,
	`{"type":"Feat","id":"a","geometry":{"type":"Point","coordinates":[1,2]}}`,
	`{"type":5,"id":"a","geometry":{"type":"Point","coordinates":[1,2]}}`,
	`{"id":"a","geometry":{"type":"Point","coordinates":[1,2]}}`,
	`{"type":"Feature","id":"a","geometry":null}`,
	`{"type":"Feature","id":1.5,"geometry":{"type":"Point","coordinates":[1,2]}}`,
	`{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":"x"}}`,
	`{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[1,2]},"properties":[1]}`,
	`[{"type":"Feature"}]`, `"Feature"`, `{`, ``, `null`,
}

// FuzzDecodeFeatureMatchesOrb: the one-pass decoder takes what orb's
// decoder took, gives the same id, geometry and properties, and refuses
// what it refused.
func FuzzDecodeFeatureMatchesOrb(f *testing.F) {
	for _, s := range featureSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, err := decodeFeature(raw)
		want, wantErr := decodeByOrb(raw)
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("decodeFeature(%s) = %v, orb's = %v", raw, err, wantErr)
		}
		if err != nil {
			if Message(err, "") == "" {
				t.Fatalf("decodeFeature(%s) refused without a message: %v", raw, err)
			}
			return
		}
		if got.ID != want.ID || !orb.Equal(got.Geometry, want.Geometry) || !reflect.DeepEqual(got.Properties, want.Properties) {
			t.Fatalf("decodeFeature(%s) = %+v, orb's = %+v", raw, got, want)
		}
	})
}

func BenchmarkDecodeFeature(b *testing.B) {
	raw := []byte(`{"id":"gen-915619","type":"Feature","geometry":{"type":"Point","coordinates":[52.0075,31.2985]},"properties":{"actor":"Unidentified gunmen","actor_group":"Unknown","admin1":"Zahedan area (synthetic)","category":"unrest","claimed_by":null,"confidence":"confirmed","coord_source":{"kind":"placed","note":"placed by casmap on a random spot near Zahedan (synthetic, casmap gen)"},"country":"IRN","date":"2023-03-16","date_precision":"day","fatalities":null,"location":"Zahedan","precision":"region","sources":[{"date":"2023-03-18","publisher":"casmap","title":"Synthetic incident (casmap gen)","url":""}],"synthetic":true,"title":"Synthetic unrest near Zahedan"}}`)
	for _, d := range []struct {
		name   string
		decode func([]byte) (Feature, error)
	}{{"members", decodeFeature}, {"orb", decodeByOrb}} {
		b.Run(d.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := d.decode(raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
