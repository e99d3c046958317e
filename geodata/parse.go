package geodata

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// ParseBBox parses an OGC API bbox parameter: "minLon,minLat,maxLon,maxLat"
// in CRS84. Six numbers (with heights) are accepted and the heights ignored.
// Numbers may carry any number of digits, as GDAL sends 18 significant ones.
func ParseBBox(s string) (orb.Bound, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 && len(parts) != 6 {
		return orb.Bound{}, Invalidf("bbox must be four numbers minLon,minLat,maxLon,maxLat; got %d values", len(parts))
	}
	v := make([]float64, len(parts))
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return orb.Bound{}, Invalidf("bbox value %d (%q) is not a number", i+1, truncate(p, 40))
		}
		v[i] = f
	}
	minX, minY, maxX, maxY := v[0], v[1], v[2], v[3]
	if len(v) == 6 {
		minX, minY, maxX, maxY = v[0], v[1], v[3], v[4]
	}
	switch {
	case minX < -180 || maxX > 180:
		return orb.Bound{}, Invalidf("bbox longitudes must lie within -180 and 180")
	case minY < -90 || maxY > 90:
		return orb.Bound{}, Invalidf("bbox latitudes must lie within -90 and 90")
	case minY > maxY:
		return orb.Bound{}, Invalidf("bbox minimum latitude %g is above its maximum %g", minY, maxY)
	case minX > maxX:
		return orb.Bound{}, Invalidf("bbox minimum longitude %g is east of its maximum %g (boxes across the antimeridian are not supported)", minX, maxX)
	}
	return orb.Bound{Min: orb.Point{minX, minY}, Max: orb.Point{maxX, maxY}}, nil
}

// ParseDatetime parses an OGC API datetime parameter: an instant
// ("2022-09-14" or RFC 3339), or an interval "start/end" where either side
// may be ".." or empty for an open end. A date alone covers its whole day
// in UTC.
func ParseDatetime(s string) (Interval, error) {
	if s == "" {
		return Interval{}, Invalidf("datetime is empty")
	}
	start, end, isInterval := strings.Cut(s, "/")
	if !isInterval {
		from, to, err := parseInstant(s)
		if err != nil {
			return Interval{}, err
		}
		return Interval{Start: from, End: to}, nil
	}
	if strings.Contains(end, "/") {
		return Interval{}, Invalidf("datetime has more than one '/'")
	}
	var iv Interval
	if !openEnd(start) {
		from, _, err := parseInstant(start)
		if err != nil {
			return Interval{}, err
		}
		iv.Start = from
	}
	if !openEnd(end) {
		_, to, err := parseInstant(end)
		if err != nil {
			return Interval{}, err
		}
		iv.End = to
	}
	if openEnd(start) && openEnd(end) {
		return Interval{}, Invalidf("datetime interval %q is open at both ends", truncate(s, 60))
	}
	if !iv.Start.IsZero() && !iv.End.IsZero() && iv.End.Before(iv.Start) {
		return Interval{}, Invalidf("datetime interval ends before it starts")
	}
	return iv, nil
}

func openEnd(s string) bool { return s == "" || s == ".." }

// parseInstant returns the span an instant covers: a date covers its day,
// a timestamp only itself. The span must start after Go's zero time, which
// Interval reads as an open end: 0001-01-01T00:00:00Z taken as it is would
// turn "only this instant" into "all time".
func parseInstant(s string) (time.Time, time.Time, error) {
	from, to, err := parseSpan(s)
	if err == nil && !from.After(time.Time{}) {
		return time.Time{}, time.Time{}, Invalidf("datetime %q is too early: times must be after 0001-01-01T00:00:00Z", truncate(s, 60))
	}
	return from, to, err
}

func parseSpan(s string) (time.Time, time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, t.Add(24*time.Hour - time.Second), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		t = t.UTC()
		return t, t, nil
	}
	return time.Time{}, time.Time{}, Invalidf("datetime %q is not a date (2022-09-14), an RFC 3339 time (2022-09-14T08:00:00Z) or an interval of them (start/end, with .. for an open end)", truncate(s, 60))
}

// ParseLimit parses the limit parameter; empty means DefaultLimit.
func ParseLimit(s string) (int, error) {
	if s == "" {
		return DefaultLimit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, Invalidf("limit %q is not a whole number between 1 and %d", truncate(s, 40), MaxLimit)
	}
	if n < 1 || n > MaxLimit {
		return 0, Invalidf("limit %d is out of range: it must be between 1 and %d", n, MaxLimit)
	}
	return n, nil
}

// ParseOffset parses the offset parameter; empty means 0.
func ParseOffset(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, Invalidf("offset %q is not a whole number of 0 or more", truncate(s, 40))
	}
	if n > MaxOffset {
		return 0, Invalidf("offset %d is past the deepest offset served, %d; follow the next links, whose cursor reaches any page at the cost of the first", n, MaxOffset)
	}
	return n, nil
}

// ParseCursor checks the form of a cursor parameter: what a next link
// gave, which only the store reads.
func ParseCursor(s string) (Cursor, error) {
	if s == "" || len(s) > 64 {
		return "", Invalidf("cursor must be the value a next link gave")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return "", Invalidf("cursor must be the value a next link gave")
		}
	}
	return Cursor(s), nil
}

// truncate shortens s for quoting in an error message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
