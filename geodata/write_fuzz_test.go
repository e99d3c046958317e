package geodata_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/casmap/casmap/geodata"
)

// FuzzDecodeFeature feeds API write bodies through DecodeFeature and
// CheckWrite: never a panic, every refusal an ErrInvalid with a message,
// and an accepted feature that survives a round trip through GeoJSON.
func FuzzDecodeFeature(f *testing.F) {
	f.Add([]byte(`{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[69,34]},"properties":{"sources":[{"title":"t"}],"coord_source":{"kind":"placed","note":"placed by casmap on the town"}}}`), "a", true)
	f.Add([]byte(`{"type":"Feature","geometry":{"type":"Point","coordinates":[69.123456789,34]},"properties":{"country":"AFG"}}`), "gen", false)
	f.Add([]byte(`{"type":"Feature","id":7,"geometry":null}`), "7", true)
	f.Add([]byte(`{"type":"Feature","id":"a","geometry":{"type":"LineString","coordinates":[[1e400,2]]}}`), "a", true)
	f.Add([]byte(`[]`), "", false)
	layer := geodata.Layer{ID: "places", GeometryKind: "Point"}
	f.Fuzz(func(t *testing.T, body []byte, id string, fromURL bool) {
		feat, err := geodata.DecodeFeature(body, id, fromURL)
		if err == nil {
			feat, err = geodata.CheckWrite(layer, feat)
		}
		if err != nil {
			if !errors.Is(err, geodata.ErrInvalid) || err.Error() == "" {
				t.Fatalf("refusal %v is not an ErrInvalid with a message", err)
			}
			return
		}
		if fromURL && feat.ID != id {
			t.Fatalf("accepted id %q for the URL's %q", feat.ID, id)
		}
		out, err := json.Marshal(feat.ToGeoJSON())
		if err != nil {
			t.Fatalf("an accepted feature does not encode: %v", err)
		}
		again, err := geodata.DecodeFeature(out, feat.ID, true)
		if err != nil {
			t.Fatalf("an accepted feature does not decode again: %v\n%s", err, out)
		}
		if _, err := geodata.CheckWrite(layer, again); err != nil {
			t.Fatalf("an accepted feature fails the rules after a round trip: %v\n%s", err, out)
		}
	})
}
