package main

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"

	"github.com/paulmach/orb"
)

// namesFile is geodata/provenance/rivers.json: the rivers and lakes casmap
// names, with where each is and where each name comes from.
type namesFile struct {
	Rivers []namedRiver `json:"rivers"`
	Lakes  []namedLake  `json:"lakes"`
}

// names are a feature's names, as SCHEMA.md lists them. Only names a
// cited source gives are set; name_ru and name_local may be empty.
type names struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	NameRU        string   `json:"name_ru,omitempty"`
	NameLocal     string   `json:"name_local,omitempty"`
	NameLocalLang string   `json:"name_local_lang,omitempty"`
	AltNames      []string `json:"alt_names"`
	Note          string   `json:"note,omitempty"`
	Sources       []any    `json:"sources"`
}

// namedRiver is a river and the points its course passes, from its
// upper course down to its mouth: casmap names the WDBII lines on the
// cheapest path through the river network between consecutive points.
type namedRiver struct {
	names
	Via []waypoint `json:"via"`
}

// waypoint is a point on or near a river, with what is there.
type waypoint struct {
	At    [2]float64 `json:"at"`
	Label string     `json:"label"`
	// Junction snaps the point to the nearest node where three or more
	// lines meet (a confluence), not just the nearest vertex.
	Junction bool `json:"junction,omitempty"`
}

// namedLake is a lake or reservoir, named where its GSHHG polygon contains
// the point At.
type namedLake struct {
	names
	Kind string     `json:"kind"` // lake or reservoir
	At   [2]float64 `json:"at"`
	// HistoricExtent marks a lake GSHHG draws far larger than it is now
	// (the Aral Sea), so the page can draw it apart.
	HistoricExtent bool `json:"historic_extent,omitempty"`
}

var slug = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

func readNames(path string) (namesFile, error) {
	var nf namesFile
	raw, err := os.ReadFile(path)
	if err != nil {
		return nf, err
	}
	if err := json.Unmarshal(raw, &nf); err != nil {
		return nf, fmt.Errorf("%s: %w", path, err)
	}
	seen := map[string]bool{}
	check := func(n names) error {
		switch {
		case !slug.MatchString(n.ID) || seen[n.ID]:
			return fmt.Errorf("%s: id %q is not a unique lower-case slug", path, n.ID)
		case n.Name == "":
			return fmt.Errorf("%s: %s has no name", path, n.ID)
		case (n.NameLocal == "") != (n.NameLocalLang == ""):
			return fmt.Errorf("%s: %s: name_local and name_local_lang go together", path, n.ID)
		case len(n.Sources) == 0:
			return fmt.Errorf("%s: %s cites no source for its names", path, n.ID)
		}
		seen[n.ID] = true
		return nil
	}
	for _, r := range nf.Rivers {
		if err := check(r.names); err != nil {
			return nf, err
		}
		if len(r.Via) < 2 {
			return nf, fmt.Errorf("%s: river %s needs at least two points", path, r.ID)
		}
	}
	for _, l := range nf.Lakes {
		if err := check(l.names); err != nil {
			return nf, err
		}
		if l.Kind != "lake" && l.Kind != "reservoir" {
			return nf, fmt.Errorf("%s: lake %s: kind %q is not lake or reservoir", path, l.ID, l.Kind)
		}
	}
	return nf, nil
}

func (w waypoint) point() orb.Point { return orb.Point{w.At[0], w.At[1]} }

func (l namedLake) point() orb.Point { return orb.Point{l.At[0], l.At[1]} }
