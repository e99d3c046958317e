// Package seed holds casmap's curated layers: a manifest (layers.json) and
// the GeoJSON file or files of each layer, embedded in the binary so a
// database can be filled, and kept up to date, with no network.
package seed

import (
	"embed"
	"fmt"
	"io/fs"

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
	return LoadFS(files)
}

// LoadFS is Load for a seed held in fsys: a layers.json manifest whose
// entries name a "file", a list of "files", or both (read in that order)
// into one layer. An id that repeats within a layer, in one file or across
// its files, is an error naming where it first appeared and again.
func LoadFS(fsys fs.FS) ([]geodata.LayerData, error) {
	manifest, err := loadManifest(fsys)
	if err != nil {
		return nil, err
	}
	vs, err := versions(fsys, manifest)
	if err != nil {
		return nil, err
	}
	out := make([]geodata.LayerData, 0, len(manifest))
	for _, m := range manifest {
		features, err := loadLayer(fsys, m)
		if err != nil {
			return nil, err
		}
		out = append(out, geodata.LayerData{Layer: m.Layer, Features: features, Version: vs[m.ID]})
	}
	annotateIncidents(out)
	return out, nil
}

// loadLayer reads a layer's files in order into one list of features,
// refusing an id that any earlier feature of the layer already has.
func loadLayer(fsys fs.FS, m layerEntry) ([]geodata.Feature, error) {
	var features []geodata.Feature
	seen := map[string]string{}
	for _, p := range m.paths() {
		got, err := loadFile(fsys, m.ID, p)
		if err != nil {
			return nil, err
		}
		for _, f := range got {
			if first, dup := seen[f.ID]; dup {
				return nil, fmt.Errorf("seed layer %s: feature id %q is in %s and again in %s", m.ID, f.ID, first, p)
			}
			seen[f.ID] = p
		}
		features = append(features, got...)
	}
	return features, nil
}

// loadFile decodes and validates one of a layer's files.
func loadFile(fsys fs.FS, layer, path string) ([]geodata.Feature, error) {
	data, err := fs.ReadFile(fsys, path)
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
