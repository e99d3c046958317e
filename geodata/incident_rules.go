package geodata

import (
	"math"
	"strings"
)

// Vocabularies of the incident fields agreed for the event record.
var (
	actorGroups     = set("ISKP", "Taliban", "TTP", "Other militants", "Anti-Taliban resistance", "Government", "Protesters", "Unknown")
	datePrecisions  = set("day", "week", "month")
	plotPrecisions  = set("town", "district", "region")
	maxAdmin1Length = 100
)

// ActorGroups returns the agreed actor groups, in a stable order.
func ActorGroups() []string {
	return []string{"ISKP", "Taliban", "TTP", "Other militants", "Anti-Taliban resistance", "Government", "Protesters", "Unknown"}
}

// validateIncidentCoding checks the event-record coding of an incident:
// actor group, first-level area, date precision, where a plot may be
// placed, and the attributed statements with the toll they imply.
func validateIncidentCoding(p map[string]any) error {
	if g, _ := p["actor_group"].(string); !actorGroups[g] {
		return Invalidf("actor_group %q is not one of %s", truncate(g, 40), strings.Join(ActorGroups(), ", "))
	}
	if a, _ := p["admin1"].(string); strings.TrimSpace(a) == "" || len(a) > maxAdmin1Length {
		return Invalidf("admin1 (the first-level province or region, in English) is missing")
	}
	if d, _ := p["date_precision"].(string); !datePrecisions[d] {
		return Invalidf("date_precision %q is not one of day, week, month", truncate(d, 20))
	}
	if p["category"] == "plot" {
		if pr, _ := p["precision"].(string); !plotPrecisions[pr] {
			return Invalidf("a plot that never happened is placed no more precisely than town, not %q", truncate(pr, 20))
		}
	}
	date, _ := p["date"].(string)
	if err := checkSourceDates(date, p["sources"]); err != nil {
		return err
	}
	return validateStatements(p)
}

// validateStatements checks the attributed statements: each names a party
// and its claim, any figure is a whole number, any source is one of the
// feature's own; a disputed incident shows at least two of them; and when
// they give tolls, the incident's fatalities is the lowest of them (the
// conservative rule) or null.
func validateStatements(p map[string]any) error {
	raw, present := p["statements"]
	list, _ := raw.([]any)
	if present && raw != nil && list == nil {
		return Invalidf("statements must be a list of {party, claim}")
	}
	if p["confidence"] == "disputed" && len(list) < 2 {
		return Invalidf("a disputed incident needs statements from at least two parties")
	}
	urls := sourceURLs(p["sources"])
	lowest := math.Inf(1)
	for i, item := range list {
		s, ok := item.(map[string]any)
		if !ok {
			return Invalidf("statement %d is not an object", i+1)
		}
		party, _ := s["party"].(string)
		claim, _ := s["claim"].(string)
		if strings.TrimSpace(party) == "" || strings.TrimSpace(claim) == "" {
			return Invalidf("statement %d needs a party and a claim", i+1)
		}
		if d, ok := s["date"]; ok && d != nil {
			if ds, _ := d.(string); !isISODate(ds) {
				return Invalidf("statement %d: date must be YYYY-MM-DD", i+1)
			}
		}
		if src, ok := s["source"]; ok && src != nil {
			u, _ := src.(string)
			if !urls[u] {
				return Invalidf("statement %d: source %q is not the url of one of the incident's sources", i+1, truncate(u, 80))
			}
		}
		if f, ok := s["fatalities"]; ok && f != nil {
			n, isNum := f.(float64)
			if !isNum || n < 0 || n != math.Trunc(n) {
				return Invalidf("statement %d: fatalities must be a whole number of 0 or more", i+1)
			}
			lowest = math.Min(lowest, n)
		}
	}
	if f, ok := p["fatalities"].(float64); ok && !math.IsInf(lowest, 1) && f != lowest {
		return Invalidf("fatalities is %g, but the lowest toll the statements give is %g: use the lowest credible figure, or null", f, lowest)
	}
	return nil
}

func sourceURLs(v any) map[string]bool {
	out := map[string]bool{}
	list, _ := v.([]any)
	for _, item := range list {
		if s, ok := item.(map[string]any); ok {
			if u, _ := s["url"].(string); u != "" {
				out[u] = true
			}
		}
	}
	return out
}
