package geodata

import (
	"encoding/json"
	"math"
	"strings"

	"github.com/paulmach/orb"
)

// CoordDecimals is how many decimal places of a degree casmap keeps and
// writes: 1e-7 degrees is about a centimetre, finer than any source
// places an event, and it bounds the size of every coordinate written.
const CoordDecimals = 7

// CheckWrite applies the rules every feature written to a layer must meet,
// whatever brought it (an import file, an API write, a revert): those of
// ValidateFeature, a geometry of a type the layer holds, and for incidents
// those of ValidateIncident. It returns the feature as it is to be stored,
// with its coordinates rounded to CoordDecimals places; f is not changed.
func CheckWrite(layer Layer, f Feature) (Feature, error) {
	if err := ValidateFeature(f); err != nil {
		return Feature{}, err
	}
	if err := CheckGeometryKind(layer, f.Geometry); err != nil {
		return Feature{}, err
	}
	if layer.ID == LayerIncidents {
		if err := ValidateIncident(f); err != nil {
			return Feature{}, err
		}
	}
	f.Geometry = RoundCoordinates(f.Geometry)
	return f, nil
}

// RoundCoordinates returns a copy of g with every coordinate rounded to
// CoordDecimals decimal places.
func RoundCoordinates(g orb.Geometry) orb.Geometry {
	return orb.Round(orb.Clone(g), int(math.Pow10(CoordDecimals)))
}

// RoundCoordinate rounds one coordinate to CoordDecimals decimal places.
func RoundCoordinate(v float64) float64 {
	scale := math.Pow10(CoordDecimals)
	return math.Round(v*scale) / scale
}

// layerTakes reports whether a layer whose kind is kinds (such as "Point"
// or "LineString, Point") takes g. A Multi geometry goes where its single
// kind does and the other way round; a layer of no stated kind takes any.
func layerTakes(kinds string, g orb.Geometry) bool {
	if strings.TrimSpace(kinds) == "" {
		return true
	}
	got := strings.TrimPrefix(g.GeoJSONType(), "Multi")
	for _, k := range strings.Split(kinds, ",") {
		if strings.TrimPrefix(strings.TrimSpace(k), "Multi") == got {
			return true
		}
	}
	return false
}

// DecodeFeature parses one GeoJSON Feature, the body of an API write. A
// feature without an id takes id. When fromURL is set, id is the one the
// URL names (the feature a PUT replaces) and a body with another is an
// error; otherwise id is only a default (a POST's).
func DecodeFeature(data []byte, id string, fromURL bool) (Feature, error) {
	var probe struct {
		Type string          `json:"type"`
		ID   json.RawMessage `json:"id"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return Feature{}, Invalidf("not a GeoJSON Feature: %s", jsonProblem(err))
	}
	if probe.Type != "Feature" {
		return Feature{}, Invalidf("GeoJSON type is %q, want Feature", truncate(probe.Type, 40))
	}
	if len(probe.ID) == 0 || string(probe.ID) == "null" {
		if id == "" {
			return Feature{}, Invalidf("id is missing")
		}
		raw, _ := json.Marshal(id)
		var m map[string]json.RawMessage
		if err := json.Unmarshal(data, &m); err != nil {
			return Feature{}, Invalidf("not a GeoJSON Feature: %s", jsonProblem(err))
		}
		m["id"] = raw
		data, _ = json.Marshal(m)
	}
	f, err := decodeFeature(data)
	if err != nil {
		return Feature{}, err
	}
	if fromURL && f.ID != id {
		return Feature{}, Invalidf("the body's id %q is not the id in the URL, %q", truncate(f.ID, 60), truncate(id, 60))
	}
	return f, nil
}
