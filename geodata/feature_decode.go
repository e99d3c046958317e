package geodata

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"io"

	"github.com/paulmach/orb/geojson"
)

// decodeFeature reads one GeoJSON Feature in one pass over its members,
// with their names as RFC 7946 writes them ("Type" is a foreign member,
// not the type), the geometry through orb and the properties into a map.
// It checks what orb's decoder checks, the type and the bbox, with
// half the passes over the text: an import spends most of its decoding
// here.
func decodeFeature(raw []byte) (Feature, error) {
	m, err := readFeatureMembers(raw)
	if err != nil {
		return Feature{}, Invalidf("not a GeoJSON Feature: %s", cmp.Or(JSONProblem(err), err.Error()))
	}
	id, err := featureID(m.id)
	if err != nil {
		return Feature{}, err
	}
	if len(m.geometry) == 0 || bytes.Equal(m.geometry, []byte("null")) {
		return Feature{ID: id}, Invalidf("geometry is missing")
	}
	if m.typ != "Feature" {
		return Feature{ID: id}, Invalidf("not a GeoJSON Feature: its type is %q", truncate(m.typ, 40))
	}
	g, err := geojson.UnmarshalGeometry(m.geometry)
	if err != nil {
		return Feature{ID: id}, Invalidf("not a GeoJSON Feature: %s", jsonProblem(err))
	}
	props := m.properties
	if props == nil {
		props = map[string]any{}
	}
	return Feature{ID: id, Geometry: g.Geometry(), Properties: props}, nil
}

// featureMembers are the members of a GeoJSON Feature casmap reads.
type featureMembers struct {
	id, geometry json.RawMessage
	typ          string
	properties   map[string]any
}

// errNotObject is a Feature that is not a JSON object.
var errNotObject = errors.New("a GeoJSON Feature is a JSON object")

// readFeatureMembers decodes the members of the JSON object raw; a member
// given twice counts as its last, and anything after the object is an
// error.
func readFeatureMembers(raw []byte) (featureMembers, error) {
	var m featureMembers
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil {
		return m, err
	} else if t != json.Delim('{') {
		return m, errNotObject
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return m, err
		}
		var target any
		switch t.(string) {
		case "id":
			target = &m.id
		case "type":
			target = &m.typ
		case "geometry":
			target = &m.geometry
		case "properties":
			m.properties = nil
			target = &m.properties
		case "bbox":
			target = new([]float64)
		default:
			target = new(json.RawMessage)
		}
		if err := dec.Decode(target); err != nil {
			// Name the member a value of the wrong kind was given for.
			var typ *json.UnmarshalTypeError
			if errors.As(err, &typ) && typ.Field == "" {
				typ.Field = t.(string)
			}
			return m, err
		}
	}
	if _, err := dec.Token(); err != nil {
		return m, err
	}
	switch _, err := dec.Token(); {
	case err == nil:
		return m, errAfterFeature
	case err != io.EOF:
		return m, err
	}
	return m, nil
}

// errAfterFeature is a Feature followed by more JSON.
var errAfterFeature = errors.New("more JSON follows the Feature")
