package geodata_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/casmap/casmap/geodata"
)

const sourced = `"sources":[{"title":"T","publisher":"P","url":"https://example.org","date":"2022-01-01"}],"coord_source":{"kind":"placed","note":"placed by casmap on a test point"}`

func TestReadFeatureCollectionStreams(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		ids     []string
		wantErr string // in the error, when one is wanted
	}{
		{"type first", `{"type":"FeatureCollection","features":[` + pt("a") + `,` + pt("b") + `]}`, []string{"a", "b"}, ""},
		{"type after the features", `{"features":[` + pt("a") + `],"type":"FeatureCollection","name":"x"}`, []string{"a"}, ""},
		{"no features", `{"type":"FeatureCollection"}`, nil, "has no features"},
		{"not a collection", `{"type":"Feature","features":[]}`, nil, "want FeatureCollection"},
		{"no type", `{"features":[]}`, nil, `no "type"`},
		{"broken feature", `{"type":"FeatureCollection","features":[` + pt("a") + `,{"type":"Feature","geometry":{"type":"Point","coordinates":[500,1]},"properties":{` + sourced + `},"id":"b"}]}`, []string{"a"}, `feature 2 (id "b")`},
		{"truncated", `{"type":"FeatureCollection","features":[` + pt("a"), []string{"a"}, "not a GeoJSON FeatureCollection"},
		{"not JSON", `<html>`, nil, "not a GeoJSON FeatureCollection"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ids []string
			var err error
			for f, ferr := range geodata.ReadFeatureCollection(strings.NewReader(tc.doc)) {
				if ferr != nil {
					err = ferr
					break
				}
				ids = append(ids, f.ID)
			}
			if fmt.Sprint(ids) != fmt.Sprint(tc.ids) {
				t.Errorf("ids = %v, want %v", ids, tc.ids)
			}
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr) || !errors.Is(err, geodata.ErrInvalid)) {
				t.Errorf("error = %v, want one saying %q", err, tc.wantErr)
			}
		})
	}
}

func pt(id string) string {
	return `{"type":"Feature","id":"` + id + `","geometry":{"type":"Point","coordinates":[69.2,34.5]},"properties":{` + sourced + `}}`
}

// TestImportLimits: a feature or a field past its limit is refused with a
// message that names the limit, before it is held whole.
func TestImportLimits(t *testing.T) {
	huge := strings.Repeat("x", geodata.MaxFeatureBytes+1)
	doc := `{"type":"FeatureCollection","features":[` + pt("a") + `,{"type":"Feature","id":"b","geometry":{"type":"Point","coordinates":[1,1]},"properties":{"notes":"` + huge + `",` + sourced + `}}]}`
	var err error
	n := 0
	for _, ferr := range geodata.ReadFeatureCollection(strings.NewReader(doc)) {
		if err = ferr; err != nil {
			break
		}
		n++
	}
	if n != 1 || err == nil || !strings.Contains(err.Error(), fmt.Sprint(geodata.MaxFeatureBytes)) || !strings.Contains(err.Error(), "feature 2") {
		t.Errorf("a feature past the limit: %d read, error %v; want 1 and an error naming feature 2 and the limit", n, err)
	}

	var csv bytes.Buffer
	csv.WriteString("event_date,event_type,actor1,country,admin1,latitude,longitude,notes\n")
	csv.WriteString("2022-01-02,Protests,Protesters,Tajikistan,Gorno-Badakhshan,37.49,71.55,ok\n")
	csv.WriteString("2022-01-03,Protests,Protesters,Tajikistan,Gorno-Badakhshan,37.49,71.55,\"" + strings.Repeat("y", geodata.MaxFieldBytes+1) + "\"\n")
	n, err = 0, nil
	for _, ferr := range geodata.ReadACLEDCSV(&csv) {
		if err = ferr; err != nil {
			break
		}
		n++
	}
	if n != 1 || err == nil || !strings.Contains(err.Error(), fmt.Sprint(geodata.MaxFieldBytes)) {
		t.Errorf("a field past the limit: %d read, error %v; want 1 and an error naming the limit", n, err)
	}
}
