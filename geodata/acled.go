package geodata

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// ACLED-style columns: the ones an import needs, and the ones it reads when
// present.
var (
	acledRequired = []string{"event_date", "event_type", "actor1", "country", "admin1", "latitude", "longitude"}
	acledOptional = []string{"event_id_cnty", "sub_event_type", "location", "fatalities", "notes", "source", "geo_precision", "time_precision", "confidence"}
)

// eventCategories maps ACLED event types to casmap incident categories.
var eventCategories = map[string]string{
	"battles":                    "clash",
	"explosions/remote violence": "attack",
	"violence against civilians": "attack",
	"protests":                   "unrest",
	"riots":                      "unrest",
	"strategic developments":     "military",
}

// countryCodes maps the country names ACLED uses in the region to ISO
// 3166-1 alpha-3 codes; three-letter codes are accepted as they are.
var countryCodes = map[string]string{
	"afghanistan": "AFG", "tajikistan": "TJK", "uzbekistan": "UZB", "turkmenistan": "TKM",
	"kyrgyzstan": "KGZ", "kazakhstan": "KAZ", "pakistan": "PAK", "iran": "IRN", "china": "CHN",
	"india": "IND", "russia": "RUS", "turkey": "TUR", "germany": "DEU", "sweden": "SWE",
}

// ParseACLEDCSV reads a CSV export with ACLED-style columns into incident
// features in memory, as ReadACLEDCSV streams them, and also refuses an id
// used twice. It is for files small enough to hold; imports stream.
func ParseACLEDCSV(r io.Reader) ([]Feature, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	col, err := readACLEDHeader(cr)
	if err != nil {
		return nil, csvProblem(err, "the CSV header cannot be read")
	}
	var out []Feature
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, csvProblem(err, "the CSV cannot be read")
		}
		line, _ := cr.FieldPos(0)
		f, err := acledRecord(col, rec, line)
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[f.ID]; dup {
			return nil, Invalidf("record on line %d, field event_id_cnty: id %q already used on line %d", line, truncate(f.ID, 60), prev)
		}
		seen[f.ID] = line
		out = append(out, f)
	}
}

// acledFeature converts one record; on error it also names the field.
func acledFeature(get func(string) string) (Feature, string, error) {
	date, err := parseACLEDDate(get("event_date"))
	if err != nil {
		return Feature{}, "event_date", err
	}
	lat, err := parseCoord(get("latitude"), 90)
	if err != nil {
		return Feature{}, "latitude", err
	}
	lon, err := parseCoord(get("longitude"), 180)
	if err != nil {
		return Feature{}, "longitude", err
	}
	category, ok := eventCategories[strings.ToLower(get("event_type"))]
	if !ok {
		return Feature{}, "event_type", Invalidf("%q is not an ACLED event type", truncate(get("event_type"), 40))
	}
	country, err := countryCode(get("country"))
	if err != nil {
		return Feature{}, "country", err
	}
	var fatalities any
	if s := get("fatalities"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return Feature{}, "fatalities", Invalidf("%q is not a whole number", truncate(s, 20))
		}
		fatalities = float64(n)
	}
	actor := get("actor1")
	if actor == "" {
		return Feature{}, "actor1", Invalidf("actor1 is empty")
	}
	admin1 := get("admin1")
	if admin1 == "" {
		return Feature{}, "admin1", Invalidf("admin1 is empty (the first-level province or region)")
	}
	datePrecision, err := acledTimePrecision(get("time_precision"))
	if err != nil {
		return Feature{}, "time_precision", err
	}
	location := get("location")
	sub := get("sub_event_type")
	title := firstNonEmpty(sub, get("event_type"))
	if location != "" {
		title += " in " + location
	}
	source := firstNonEmpty(get("source"), "ACLED-style import")
	id := get("event_id_cnty")
	if id == "" {
		id = "csv-" + recordHash(date, lat, lon, actor, title)
	}
	confidence := firstNonEmpty(strings.ToLower(get("confidence")), "reported")
	return Feature{ID: id, Geometry: orb.Point{lon, lat}, Properties: map[string]any{
		"title": title, "date": date, "category": category, "event_type": get("event_type"),
		"sub_event_type": sub, "actor": actor, "claimed_by": nil, "fatalities": fatalities,
		"confidence": confidence, "precision": acledPrecision(get("geo_precision")),
		"country": country, "location": location, "summary": get("notes"),
		"actor_group": ActorGroup(actor), "admin1": admin1, "date_precision": datePrecision,
		"sources": []any{map[string]any{"title": source, "publisher": source, "date": date}},
		"coord_source": map[string]any{"kind": "source", "title": "Imported ACLED-style record " + id,
			"publisher": source, "date": date,
			"note": "latitude and longitude as the record gives them (geo_precision " + firstNonEmpty(get("geo_precision"), "not given") + ")"},
	}}, "", nil
}

// acledTimePrecision maps ACLED's time_precision (1 the day is known, 2 the
// week, 3 the month) to casmap's date_precision; a CSV without it is taken
// to date its events to the day.
func acledTimePrecision(s string) (string, error) {
	switch s {
	case "", "1":
		return "day", nil
	case "2":
		return "week", nil
	case "3":
		return "month", nil
	}
	return "", Invalidf("%q is not an ACLED time precision (1, 2 or 3)", truncate(s, 10))
}

func parseACLEDDate(s string) (string, error) {
	for _, layout := range []string{time.DateOnly, "2 January 2006", "02 January 2006", "2-Jan-06", "1/2/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format(time.DateOnly), nil
		}
	}
	return "", Invalidf("%q is not a date (2022-01-15 or 15 January 2022)", truncate(s, 40))
}

func parseCoord(s string, limit float64) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.Abs(v) > limit {
		return 0, Invalidf("%q is not a number between -%g and %g", truncate(s, 40), limit, limit)
	}
	return v, nil
}

func countryCode(name string) (string, error) {
	if code, ok := countryCodes[strings.ToLower(name)]; ok {
		return code, nil
	}
	if len(name) == 3 && strings.ToUpper(name) == name {
		return name, nil
	}
	return "", Invalidf("%q is not a country casmap knows; give an ISO 3166-1 alpha-3 code", truncate(name, 40))
}

// acledPrecision maps ACLED's geo_precision (1 exact town, 2 near a town or
// district, 3 region) to casmap's precision.
func acledPrecision(s string) string {
	switch s {
	case "2":
		return "district"
	case "3":
		return "region"
	}
	return "town"
}

// recordHash gives a record without an id a stable one from its content.
func recordHash(parts ...any) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%v\x00", p)
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
