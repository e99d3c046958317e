package geodata_test

import (
	"bytes"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/casmap/casmap/geodata"
)

// FuzzParseBBox checks that any accepted bbox is ordered and in range, and
// that every rejection is an ErrInvalid with a message.
func FuzzParseBBox(f *testing.F) {
	for _, s := range []string{"60,29,75,38.5", "0.450000000000000011,1,2,3", "1,2,3", "a,b,c,d", "60,29,0,75,38.5,1", "1e308,0,0,0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := geodata.ParseBBox(s)
		if err != nil {
			if !errors.Is(err, geodata.ErrInvalid) || err.Error() == "" {
				t.Fatalf("ParseBBox(%q): error %v is not a described ErrInvalid", s, err)
			}
			return
		}
		if b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] || b.Min[0] < -180 || b.Max[0] > 180 || b.Min[1] < -90 || b.Max[1] > 90 {
			t.Fatalf("ParseBBox(%q) = %v: accepted a box out of order or range", s, b)
		}
	})
}

// FuzzParseDatetime checks that accepted intervals are ordered and open at
// most at one end.
func FuzzParseDatetime(f *testing.F) {
	for _, s := range []string{"2022-09-14", "2022-01-01/..", "../2022-12-31", "2022-01-01T00:00:00Z/2022-02-01T00:00:00Z", "../..", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		iv, err := geodata.ParseDatetime(s)
		if err != nil {
			if !errors.Is(err, geodata.ErrInvalid) {
				t.Fatalf("ParseDatetime(%q): error %v is not ErrInvalid", s, err)
			}
			return
		}
		if iv.Start.IsZero() && iv.End.IsZero() {
			t.Fatalf("ParseDatetime(%q): accepted an interval open at both ends", s)
		}
		// A side that was given must not read as open (zero).
		start, end, isInterval := strings.Cut(s, "/")
		if !isInterval {
			end = start
		}
		if (start != "" && start != ".." && iv.Start.IsZero()) || (end != "" && end != ".." && iv.End.IsZero()) {
			t.Fatalf("ParseDatetime(%q) = %v: a bound that was given reads as open", s, iv)
		}
		if !iv.Start.IsZero() && !iv.End.IsZero() && iv.End.Before(iv.Start) {
			t.Fatalf("ParseDatetime(%q) = %v: ends before it starts", s, iv)
		}
	})
}

// FuzzParseItemsQuery checks that any query string either parses into a
// query with a limit in range or fails as ErrInvalid.
func FuzzParseItemsQuery(f *testing.F) {
	for _, s := range []string{"bbox=1,2,3,4&limit=5", "category=attack&datetime=2022-01-01/..", "limit=0", "x=1", "limit=1&limit=2", "offset=-1"} {
		f.Add(s)
	}
	layer := geodata.Layer{ID: "incidents", Queryables: []string{"category", "actor"}}
	f.Fuzz(func(t *testing.T, raw string) {
		params, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := geodata.ParseItemsQuery(layer, params, "f")
		if err != nil {
			if !errors.Is(err, geodata.ErrInvalid) {
				t.Fatalf("ParseItemsQuery(%q): error %v is not ErrInvalid", raw, err)
			}
			return
		}
		if q.Limit < 1 || q.Limit > geodata.MaxLimit || q.Offset < 0 {
			t.Fatalf("ParseItemsQuery(%q): limit %d, offset %d out of range", raw, q.Limit, q.Offset)
		}
		for name := range q.Props {
			if name != "category" && name != "actor" {
				t.Fatalf("ParseItemsQuery(%q): filter on %q, which is not queryable", raw, name)
			}
		}
	})
}

// FuzzDecodeFeatureCollection checks that decoding never panics and that
// what it accepts is valid and survives a round trip through GeoJSON.
func FuzzDecodeFeatureCollection(f *testing.F) {
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[67.2,37.2]},"properties":{"sources":[{"title":"t"}]}}]}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","id":1,"geometry":null,"properties":{}}]}`))
	f.Add([]byte(`{"type":"Feature"}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, data []byte) {
		features, err := geodata.DecodeFeatureCollection(data)
		if err != nil {
			if !errors.Is(err, geodata.ErrInvalid) {
				t.Fatalf("error %v is not ErrInvalid", err)
			}
			return
		}
		for _, f := range features {
			if err := geodata.ValidateFeature(f); err != nil {
				t.Fatalf("accepted an invalid feature %q: %v", f.ID, err)
			}
			b, err := f.ToGeoJSON().MarshalJSON()
			if err != nil {
				t.Fatalf("feature %q does not encode: %v", f.ID, err)
			}
			again, err := geodata.DecodeFeatureCollection([]byte(`{"type":"FeatureCollection","features":[` + string(b) + `]}`))
			if err != nil || len(again) != 1 || again[0].ID != f.ID {
				t.Fatalf("feature %q does not survive a round trip: %v", f.ID, err)
			}
		}
	})
}

// FuzzParseACLEDCSV checks that the CSV import never panics and accepts
// only valid incidents.
func FuzzParseACLEDCSV(f *testing.F) {
	f.Add([]byte("event_date,event_type,actor1,country,latitude,longitude\n2022-04-18,Explosions/Remote violence,ISKP,Uzbekistan,37.22,67.28\n"))
	f.Add([]byte("event_date,event_type,actor1,country,admin1,latitude,longitude,time_precision\n2022-04-18,Explosions/Remote violence,ISKP,Uzbekistan,Surxondaryo,37.22,67.28,2\n"))
	f.Add([]byte("event_date,event_type,actor1,country,latitude,longitude,fatalities\n15 January 2022,Protests,x,KAZ,43.2,76.9,-1\n"))
	f.Add([]byte("a,b\n\"unterminated"))
	f.Fuzz(func(t *testing.T, data []byte) {
		features, err := geodata.ParseACLEDCSV(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, geodata.ErrInvalid) {
				t.Fatalf("error %v is not ErrInvalid", err)
			}
			return
		}
		for _, f := range features {
			if err := geodata.ValidateIncident(f); err != nil {
				t.Fatalf("accepted an invalid incident %q: %v", f.ID, err)
			}
		}
	})
}

// FuzzReadFeatureCollection checks that the streaming reader, which
// decodes features on several cores, fails only with ErrInvalid and,
// where both accept a file, yields what the whole-file decoder reads, in
// the file's order. (They differ on purpose elsewhere: the stream reads
// member names exactly and leaves duplicate ids to the store.)
func FuzzReadFeatureCollection(f *testing.F) {
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[67.2,37.2]},"properties":{"n":1}},{"type":"Feature","id":"b","geometry":{"type":"Point","coordinates":[67,37]},"properties":{}}]}`))
	f.Add([]byte(`{"features":[{"type":"Feature","id":2,"geometry":{"type":"Point","coordinates":[1,2]},"properties":null}],"type":"FeatureCollection"}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","id":"a","geometry":null}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var streamed []geodata.Feature
		var streamErr error
		for f, err := range geodata.ReadFeatureCollection(bytes.NewReader(data)) {
			if err != nil {
				streamErr = err
				break
			}
			streamed = append(streamed, f)
		}
		if streamErr != nil && !errors.Is(streamErr, geodata.ErrInvalid) {
			t.Fatalf("stream error %v is not ErrInvalid", streamErr)
		}
		whole, err := geodata.DecodeFeatureCollection(data)
		if err != nil || streamErr != nil {
			return
		}
		if len(streamed) != len(whole) {
			t.Fatalf("streamed %d features, the whole file has %d", len(streamed), len(whole))
		}
		for i := range whole {
			if !reflect.DeepEqual(streamed[i], whole[i]) {
				t.Fatalf("feature %d: streamed %+v, whole file %+v", i+1, streamed[i], whole[i])
			}
		}
	})
}
