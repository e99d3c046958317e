package geodata

import (
	"strings"
)

// PlacedPrefix starts the note of a coordinate source that casmap placed
// itself: the rest says on what.
const PlacedPrefix = "placed by casmap on "

// validateCoordSource checks a feature's coord_source: where its
// coordinates came from, either a source ({"kind": "source", "title",
// "publisher", and a url, date or accessed date}) or casmap's own placing
// ({"kind": "placed", "note": "placed by casmap on <what>"}).
func validateCoordSource(v any) error {
	cs, ok := v.(map[string]any)
	if !ok {
		return Invalidf(`coord_source is missing: say where the coordinates came from, {"kind": "source", "title", "publisher", "url"} or {"kind": "placed", "note": "placed by casmap on <what>"}`)
	}
	str := func(k string) string { s, _ := cs[k].(string); return strings.TrimSpace(s) }
	switch cs["kind"] {
	case "source":
		if str("title") == "" || str("publisher") == "" {
			return Invalidf("coord_source of kind source needs a title and a publisher")
		}
		if u := str("url"); u != "" && !isWebURL(u) {
			return Invalidf("coord_source url %q is not an http(s) URL", truncate(u, 60))
		}
		if str("url") == "" && str("date") == "" && str("accessed") == "" {
			return Invalidf("coord_source of kind source needs a url, a date or an accessed date")
		}
	case "placed":
		note := str("note")
		if !strings.HasPrefix(note, PlacedPrefix) || len(note) <= len(PlacedPrefix)+2 {
			return Invalidf("coord_source of kind placed needs a note that starts %q and says on what", PlacedPrefix)
		}
	default:
		return Invalidf(`coord_source kind must be "source" or "placed"`)
	}
	return nil
}

func isWebURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

// validateMilestones checks a line's dated milestones, when it has them:
// each is dated, and none rests on a source dated before it unless that
// source is marked as background.
func validateMilestones(v any) error {
	if v == nil {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		return Invalidf("milestones must be a list")
	}
	for i, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			return Invalidf("milestone %d is not an object", i+1)
		}
		date, _ := m["date"].(string)
		if !isISODate(date) {
			return Invalidf("milestone %d: date %q is not YYYY-MM-DD", i+1, truncate(date, 20))
		}
		if err := validateSources(m["sources"]); err != nil {
			return Invalidf("milestone %s: %s", date, Message(err, "bad sources"))
		}
		if err := checkSourceDates(date, m["sources"]); err != nil {
			return Invalidf("milestone %s: %s", date, Message(err, "bad source date"))
		}
	}
	return nil
}

// checkSourceDates refuses a source dated before the event it attests
// unless it is marked "background": true (a source that gives context, not
// the event). A source dated only to a month or year counts as before when
// that whole month or year is.
func checkSourceDates(eventDate string, sources any) error {
	list, _ := sources.([]any)
	for i, item := range list {
		s, _ := item.(map[string]any)
		d, _ := s["date"].(string)
		if d == "" || s["background"] == true {
			continue
		}
		if len(d) <= len(eventDate) && d < eventDate[:len(d)] {
			return Invalidf("source %d is dated %s, before the event (%s); cite a report of the event or mark it \"background\": true", i+1, truncate(d, 20), eventDate)
		}
	}
	return nil
}

func isISODate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for i, c := range s {
		if i != 4 && i != 7 && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}
