package tiles_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/tiles"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
)

// tileProps encodes one feature at the centre of tile 0/0/0 and reads
// back the properties a map client sees.
func tileProps(t testing.TB, f geodata.Feature) map[string]any {
	t.Helper()
	body, err := tiles.Features(tiles.Tile{}, "l", []geodata.Feature{f})
	if err != nil {
		t.Fatalf("encode %s: %v", f.ID, err)
	}
	layers, err := mvt.Unmarshal(body)
	if err != nil || len(layers) != 1 || len(layers[0].Features) != 1 {
		t.Fatalf("tile of %s: %v %+v", f.ID, err, layers)
	}
	return layers[0].Features[0].Properties
}

// sameTileBothWays checks that a feature whose properties a store hands
// as JSON text (Query.RawProperties) makes the tile the decoded feature
// makes, and returns what the tile holds.
func sameTileBothWays(t testing.TB, id string, text []byte) map[string]any {
	t.Helper()
	var props map[string]any
	if err := json.Unmarshal(text, &props); err != nil {
		t.Fatalf("properties %s: %v", text, err)
	}
	decoded := tileProps(t, geodata.Feature{ID: id, Properties: props, Geometry: orb.Point{}})
	raw := tileProps(t, geodata.Feature{ID: id, RawProperties: text, Geometry: orb.Point{}})
	if !reflect.DeepEqual(raw, decoded) {
		t.Fatalf("properties %s:\nfrom the text  %v\nfrom the values %v", text, raw, decoded)
	}
	return raw
}

// TestRawPropertiesMakeTheSameTile: the tile of a feature read as JSON
// text holds its id and every scalar property, exactly as decoding the
// properties gives them, and none of its lists, objects or nulls.
func TestRawPropertiesMakeTheSameTile(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       map[string]any
	}{
		{"scalars", `{"category":"attack","fatalities":12,"synthetic":true,"claimed":false}`,
			map[string]any{"id": "f", "category": "attack", "fatalities": 12.0, "synthetic": true, "claimed": false}},
		{"lists objects and nulls left out", `{"sources":[{"url":"u","title":"t"}],"coord_source":{"kind":"placed"},"claimed_by":null,"title":"x"}`,
			map[string]any{"id": "f", "title": "x"}},
		{"escapes", `{"title":"\u003cb\u003e \"q\" \\ \n é \ud83d\ude00","loc\u00e9":"k"}`,
			map[string]any{"id": "f", "title": "<b> \"q\" \\ \n é 😀", "locé": "k"}},
		{"numbers", `{"a":-0.5,"b":1e-7,"c":12345678901234567,"d":0}`,
			map[string]any{"id": "f", "a": -0.5, "b": 1e-7, "c": 12345678901234567.0, "d": 0.0}},
		{"a property named id wins, as decoded", `{"id":"own"}`, map[string]any{"id": "own"}},
		{"json text with spaces (jsonb)", `{"a": "b", "n": [1, 2], "m": 3}`, map[string]any{"id": "f", "a": "b", "m": 3.0}},
		{"empty", `{}`, map[string]any{"id": "f"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := sameTileBothWays(t, "f", []byte(tc.text))
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("tile properties %v, want %v", got, tc.want)
			}
		})
	}
}

// FuzzRawPropertiesMakeTheSameTile: for any properties, written as a store
// writes them (encoding/json), the tile from the text is the tile from the
// decoded values.
func FuzzRawPropertiesMakeTheSameTile(f *testing.F) {
	f.Add(`{"a":"b","n":1.5,"t":true,"l":[1,"x"],"o":{"k":null}}`)
	f.Add(`{"title":"<&>\u2028","x":-1e300}`)
	f.Fuzz(func(t *testing.T, text string) {
		var props map[string]any
		if json.Unmarshal([]byte(text), &props) != nil || props == nil {
			return
		}
		stored, err := json.Marshal(props)
		if err != nil {
			return
		}
		sameTileBothWays(t, "f", stored)
	})
}
