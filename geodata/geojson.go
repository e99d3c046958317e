package geodata

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// DecodeFeatureCollection parses a GeoJSON FeatureCollection into features,
// checking each with ValidateFeature. An error names the feature (by index
// and id) and what is wrong with it; nothing is returned unless all of it is
// good.
func DecodeFeatureCollection(data []byte) ([]Feature, error) {
	var head struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, Invalidf("not a GeoJSON FeatureCollection: %s", jsonProblem(err))
	}
	if head.Type != "FeatureCollection" {
		return nil, Invalidf("GeoJSON type is %q, want FeatureCollection", truncate(head.Type, 40))
	}
	out := make([]Feature, 0, len(head.Features))
	seen := make(map[string]int, len(head.Features))
	for i, raw := range head.Features {
		f, err := decodeFeature(raw)
		if err == nil {
			err = ValidateFeature(f)
		}
		if err != nil {
			return nil, Invalidf("feature %d%s: %s", i+1, idSuffix(f.ID), Message(err, err.Error()))
		}
		if prev, dup := seen[f.ID]; dup {
			return nil, Invalidf("feature %d (id %q): id already used by feature %d", i+1, truncate(f.ID, 60), prev)
		}
		seen[f.ID] = i + 1
		out = append(out, f)
	}
	return out, nil
}

func idSuffix(id string) string {
	if id == "" {
		return ""
	}
	return fmt.Sprintf(" (id %q)", truncate(id, 60))
}

// featureID accepts a string id, or a whole-number id written as a number,
// which it keeps in its decimal form.
func featureID(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return "", Invalidf("id is missing")
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		if _, err := n.Int64(); err == nil {
			return n.String(), nil
		}
	}
	return "", Invalidf("id must be a string or a whole number")
}

// ToGeoJSON converts f into orb's GeoJSON feature type for encoding.
func (f Feature) ToGeoJSON() *geojson.Feature {
	gf := geojson.NewFeature(f.Geometry)
	gf.ID = f.ID
	gf.Properties = geojson.Properties(f.Properties)
	if gf.Properties == nil {
		gf.Properties = geojson.Properties{}
	}
	return gf
}

// Bound returns the bounding box of f's geometry.
func (f Feature) Bound() orb.Bound { return f.Geometry.Bound() }

// jsonProblem says what is wrong with a JSON document in a person's terms,
// without Go's type names.
func jsonProblem(err error) string {
	return cmp.Or(JSONProblem(err), "malformed geometry or properties")
}

// JSONProblem says what is wrong with a JSON document in a person's terms,
// without Go's type names, when err is encoding/json's syntax or type
// error or a document cut short; "" for any other error.
func JSONProblem(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("invalid JSON at byte %d", syntax.Offset)
	case errors.As(err, &typ):
		if typ.Field != "" {
			return fmt.Sprintf("%q should not be a JSON %s", typ.Field, typ.Value)
		}
		return fmt.Sprintf("found a JSON %s where an object belongs", typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON ends too early"
	}
	return ""
}
