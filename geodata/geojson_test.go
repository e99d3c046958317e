package geodata_test

import (
	"strings"
	"testing"

	"github.com/casmap/casmap/geodata"
)

func TestDecodeFeatureCollectionErrorsReadWell(t *testing.T) {
	tests := []struct{ in, want string }{
		{`[1,2]`, "found a JSON array where an object belongs"},
		{`{"type":"FeatureCollection","features":[`, "invalid JSON"},
		{`{"type":"FeatureCollection","features":{}}`, `"features" should not be a JSON object`},
		{`{"type":"FeatureCollection","features":[{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":"x"},"properties":{}}]}`, "feature 1 (id \"a\"): not a GeoJSON Feature"},
	}
	for _, tc := range tests {
		_, err := geodata.DecodeFeatureCollection([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "Go value") || strings.Contains(err.Error(), "struct") {
			t.Errorf("DecodeFeatureCollection(%s) error = %v, want it to say %q without Go's types", tc.in, err, tc.want)
		}
	}
}
