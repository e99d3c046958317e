package geodata

import (
	"math"
	"time"

	"github.com/paulmach/orb"
)

// Vocabularies of incident properties, as agreed in the design.
var (
	incidentCategories = set("attack", "plot", "unrest", "clash", "crackdown", "military", "diplomacy", "infrastructure")
	confidences        = set("confirmed", "claimed", "reported", "disputed")
	precisions         = set("exact", "town", "district", "region")
)

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// ValidateFeature checks what every feature of any layer must have: an id,
// a geometry with coordinates in range, at least one source with a title,
// ISO 3166-1 alpha-3 codes in country and countries when it has them, a
// coord_source saying where its coordinates came from, and, when it has
// dated milestones, sources no older than each milestone.
func ValidateFeature(f Feature) error {
	if f.ID == "" {
		return Invalidf("id is missing")
	}
	if len(f.ID) > 200 {
		return Invalidf("id is longer than 200 bytes")
	}
	if f.Geometry == nil {
		return Invalidf("geometry is missing")
	}
	if err := validateCoordinates(f.Geometry); err != nil {
		return err
	}
	if err := validateSources(f.Properties["sources"]); err != nil {
		return err
	}
	if err := validateCountries(f.Properties); err != nil {
		return err
	}
	if err := validateCoordSource(f.Properties["coord_source"]); err != nil {
		return err
	}
	return validateMilestones(f.Properties["milestones"])
}

// ValidateIncident checks the properties an incident must carry, on top of
// ValidateFeature: the design's fields and the event-record coding (actor
// group, admin1, date precision, statements and the toll they imply). The
// seed, imports and generated incidents all pass through it.
func ValidateIncident(f Feature) error {
	if err := ValidateFeature(f); err != nil {
		return err
	}
	if _, ok := f.Geometry.(orb.Point); !ok {
		return Invalidf("an incident must be a Point, not a %s", f.Geometry.GeoJSONType())
	}
	p := f.Properties
	from, err := propDate(p, "date", true)
	if err != nil {
		return err
	}
	to, err := propDate(p, "date_end", false)
	if err != nil {
		return err
	}
	if !to.IsZero() && to.Before(from) {
		return Invalidf("date_end is before date")
	}
	for name, vocab := range map[string]map[string]bool{"category": incidentCategories, "confidence": confidences, "precision": precisions} {
		v, _ := p[name].(string)
		if !vocab[v] {
			return Invalidf("%s %q is not one of the agreed values", name, truncate(v, 40))
		}
	}
	if v, ok := p["fatalities"]; ok && v != nil {
		n, isNum := v.(float64)
		if !isNum || n < 0 || n != math.Trunc(n) {
			return Invalidf("fatalities must be a whole number of 0 or more, or null")
		}
	}
	return validateIncidentCoding(p)
}

func propDate(p map[string]any, name string, required bool) (time.Time, error) {
	v, ok := p[name]
	if !ok || v == nil {
		if required {
			return time.Time{}, Invalidf("%s is missing", name)
		}
		return time.Time{}, nil
	}
	s, _ := v.(string)
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, Invalidf("%s %q is not an ISO 8601 date (YYYY-MM-DD)", name, truncate(s, 40))
	}
	return t, nil
}

// TimeSpan returns the dates a feature covers, from its date and date_end
// properties; ok is false when it has no valid date.
func TimeSpan(p map[string]any) (from, to time.Time, ok bool) {
	from, err := propDate(p, "date", true)
	if err != nil {
		return time.Time{}, time.Time{}, false
	}
	to, err = propDate(p, "date_end", false)
	if err != nil || to.IsZero() {
		to = from
	}
	return from, to.Add(24*time.Hour - time.Second), true
}

func validateSources(v any) error {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return Invalidf("sources must be a non-empty list of {title, publisher, url, date}")
	}
	for i, item := range list {
		src, ok := item.(map[string]any)
		if !ok {
			return Invalidf("source %d is not an object", i+1)
		}
		if t, _ := src["title"].(string); t == "" {
			return Invalidf("source %d has no title", i+1)
		}
	}
	return nil
}

func validateCoordinates(g orb.Geometry) error {
	for p := range Points(g) {
		lon, lat := p[0], p[1]
		if math.IsNaN(lon) || math.IsNaN(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90 {
			return Invalidf("coordinate [%g, %g] is out of range (longitude first, WGS84)", lon, lat)
		}
	}
	return nil
}
