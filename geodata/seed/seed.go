// Package seed holds casmap's curated layers: a manifest (layers.json) and
// the GeoJSON file or files of each layer, embedded in the binary so a
// database can be filled, and kept up to date, with no network.
package seed

import (
	"embed"
	"fmt"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// AfghanistanID is the id of Afghanistan in the borders layer.
const AfghanistanID = "afg"

//go:embed layers.json *.geojson
var files embed.FS

// Load parses the manifest and every layer file, validating each feature
// (incidents against the incident rules too), and gives each layer its
// version (see Versions). It fails on the first bad file, naming it.
func Load() ([]geodata.LayerData, error) {
	manifest, err := loadManifest(files)
	if err != nil {
		return nil, err
	}
	vs, err := versions(files, manifest)
	if err != nil {
		return nil, err
	}
	out := make([]geodata.LayerData, 0, len(manifest))
	for _, m := range manifest {
		var features []geodata.Feature
		for _, p := range m.paths() {
			fs, err := loadFile(m.ID, p)
			if err != nil {
				return nil, err
			}
			features = append(features, fs...)
		}
		out = append(out, geodata.LayerData{Layer: m.Layer, Features: features, Version: vs[m.ID]})
	}
	annotateIncidents(out)
	return out, nil
}

// loadFile decodes and validates one of a layer's files.
func loadFile(layer, path string) ([]geodata.Feature, error) {
	data, err := files.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("seed layer %s: %w", layer, err)
	}
	features, err := geodata.DecodeFeatureCollection(data)
	if err != nil {
		return nil, fmt.Errorf("seed layer %s (%s): %w", layer, path, err)
	}
	if layer == geodata.LayerIncidents {
		for _, f := range features {
			if err := geodata.ValidateIncident(f); err != nil {
				return nil, fmt.Errorf("seed layer %s (%s), feature %q: %w", layer, path, f.ID, err)
			}
		}
	}
	return features, nil
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
