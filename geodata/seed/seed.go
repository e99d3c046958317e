// Package seed holds casmap's curated layers: a manifest (layers.json) and
// one GeoJSON file per layer, embedded in the binary so a new database can
// be filled from them with no network.
package seed

import (
	"embed"
	"encoding/json"
	"fmt"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// AfghanistanID is the id of Afghanistan in the borders layer.
const AfghanistanID = "afg"

//go:embed layers.json *.geojson
var files embed.FS

type manifestEntry struct {
	geodata.Layer
	File string `json:"file"`
}

// Load parses the manifest and every layer file, validating each feature
// (incidents against the incident rules too). It fails on the first bad
// file, naming it.
func Load() ([]geodata.LayerData, error) {
	raw, err := files.ReadFile("layers.json")
	if err != nil {
		return nil, fmt.Errorf("read seed manifest: %w", err)
	}
	var manifest []manifestEntry
	if err := json.Unmarshal(raw, &manifest); err != nil {
		return nil, fmt.Errorf("parse seed manifest: %w", err)
	}
	out := make([]geodata.LayerData, 0, len(manifest))
	for _, m := range manifest {
		data, err := files.ReadFile(m.File)
		if err != nil {
			return nil, fmt.Errorf("seed layer %s: %w", m.ID, err)
		}
		features, err := geodata.DecodeFeatureCollection(data)
		if err != nil {
			return nil, fmt.Errorf("seed layer %s (%s): %w", m.ID, m.File, err)
		}
		if m.ID == geodata.LayerIncidents {
			for _, f := range features {
				if err := geodata.ValidateIncident(f); err != nil {
					return nil, fmt.Errorf("seed layer %s, feature %q: %w", m.ID, f.ID, err)
				}
			}
		}
		out = append(out, geodata.LayerData{Layer: m.Layer, Features: features})
	}
	annotateIncidents(out)
	return out, nil
}

// annotateIncidents adds each incident's distance from the Afghan border,
// measured against the borders layer of the same seed.
func annotateIncidents(layers []geodata.LayerData) {
	var afghanistan orb.Geometry
	for _, l := range layers {
		if l.Layer.ID != geodata.LayerBorders {
			continue
		}
		for _, f := range l.Features {
			if f.ID == AfghanistanID {
				afghanistan = f.Geometry
			}
		}
	}
	for _, l := range layers {
		if l.Layer.ID == geodata.LayerIncidents {
			geodata.AnnotateBorderDistance(l.Features, afghanistan)
		}
	}
}
