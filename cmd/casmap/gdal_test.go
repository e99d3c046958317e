package main

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// GDAL's OAPIF driver is how QGIS and ogr2ogr users reach casmap, so these
// tests run the real ogrinfo and ogr2ogr (Debian gdal-bin 3.6) against the
// real server. What the driver does, seen with CPL_DEBUG=ON:
//
//   - it reads /collections with Accept: application/json, then
//     items?limit=10 (PAGE_SIZE) and follows next links to the end;
//   - -spat becomes &bbox= with 18 significant digits;
//   - query parameters on the dataset URL (OAPIF:.../collections/x?datetime=...
//     or OAPIF:.../api?datetime=...) are added to every items request, which
//     is how a datetime filter reaches the server; an items URL
//     (OAPIF:.../items?...) is not accepted as a dataset.
//   - -where filters are evaluated in GDAL, not sent to the server.

// mainFields are attributes GDAL must find in each layer.
var mainFields = map[string][]string{
	"borders":   {"name", "iso_a3"},
	"gbao":      {"name"},
	"tapi":      {"status"},
	"railways":  {"status"},
	"incidents": {"category", "confidence", "date"},
	"places":    {"name", "kind"},
	"power":     {"status"},
	"provinces": {"name", "name_ru", "country", "iso_3166_2"},
	"rivers":    {"name", "name_ru", "kind", "wdb_classes"},
}

// requireGDAL fails, never skips: the GDAL check is part of the suite.
func requireGDAL(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"ogrinfo", "ogr2ogr"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not on PATH: install gdal-bin (apt-get install gdal-bin) to run the GDAL client tests", tool)
		}
	}
}

// gdal runs a GDAL tool with a timeout and no proxy, and returns
// its combined output. extraEnv adds variables such as CPL_DEBUG=ON.
func gdal(t *testing.T, extraEnv []string, tool string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tool, args...)
	cmd.Env = append(os.Environ(),
		"GDAL_HTTP_TIMEOUT=20",
		"NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost",
		"GDAL_HTTP_PROXY=", "http_proxy=", "HTTP_PROXY=",
	)
	cmd.Env = append(cmd.Env, extraEnv...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", tool, strings.Join(args, " "), err, tail(string(out), 40))
	}
	return string(out)
}

var (
	layerLine    = regexp.MustCompile(`(?m)^\d+: (\S+)`)
	featureCount = regexp.MustCompile(`(?m)^Feature Count: (-?\d+)`)
	fieldLine    = regexp.MustCompile(`^(\w+): \w`)
)

// summary is what `ogrinfo -so -al` says of one layer.
type summary struct {
	count  int
	fields []string
}

func parseSummary(t *testing.T, out string) summary {
	t.Helper()
	m := featureCount.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("ogrinfo printed no Feature Count:\n%s", out)
	}
	n, _ := strconv.Atoi(m[1])
	s := summary{count: n}
	inFields := false
	for _, line := range strings.Split(out, "\n") {
		// Fields follow the axis mapping (OAPIF) or the geometry column (GPKG).
		if strings.HasPrefix(line, "Data axis to CRS axis mapping") || strings.HasPrefix(line, "Geometry Column") {
			inFields = true
			continue
		}
		if f := fieldLine.FindStringSubmatch(line); inFields && f != nil {
			s.fields = append(s.fields, f[1])
		}
	}
	return s
}

func TestGDALListsLayers(t *testing.T) {
	requireGDAL(t)
	base := startServer(t)
	out := gdal(t, nil, "ogrinfo", "-ro", "-so", "OAPIF:"+base+"/api")
	t.Logf("ogrinfo -ro -so OAPIF:%s/api\n%s", base, out)
	var got []string
	for _, m := range layerLine.FindAllStringSubmatch(out, -1) {
		got = append(got, m[1])
	}
	slices.Sort(got)
	if !slices.Equal(got, seedLayers) {
		t.Errorf("ogrinfo lists layers %q, want %q", got, seedLayers)
	}
}

func TestGDALLayers(t *testing.T) {
	requireGDAL(t)
	base := startServer(t)
	api := "OAPIF:" + base + "/api"
	for id, c := range collections(t, base) {
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			s := parseSummary(t, gdal(t, nil, "ogrinfo", "-ro", "-so", "-al", api, id))
			if s.count != c.ItemCount {
				t.Errorf("ogrinfo %s %s: Feature Count = %d, want itemCount %d", api, id, s.count, c.ItemCount)
			}
			for _, pageSize := range []string{"", "1000"} {
				out := filepath.Join(t.TempDir(), id+".gpkg")
				args := []string{"-f", "GPKG", out, api, id}
				if pageSize != "" {
					args = append(args, "-oo", "PAGE_SIZE="+pageSize)
				}
				gdal(t, nil, "ogr2ogr", args...)
				s := parseSummary(t, gdal(t, nil, "ogrinfo", "-ro", "-so", "-al", out))
				if s.count != c.ItemCount {
					t.Errorf("ogr2ogr %s: GeoPackage holds %d features, want itemCount %d", strings.Join(args, " "), s.count, c.ItemCount)
				}
				if c.ItemCount == 0 {
					t.Logf("layer %s is empty; GDAL cannot see its fields", id)
					continue
				}
				for _, f := range mainFields[id] {
					if !slices.Contains(s.fields, f) {
						t.Errorf("ogr2ogr %s: fields %q lack %q", strings.Join(args, " "), s.fields, f)
					}
				}
			}
		})
	}
}

// apiMatched returns numberMatched for a layer's items with params.
func apiMatched(t *testing.T, base, layer string, params url.Values) int {
	t.Helper()
	params.Set("limit", "10000")
	var p itemsPage
	u := base + "/api/collections/" + layer + "/items?" + params.Encode()
	getJSON(t, u, http.StatusOK, &p)
	if p.NumberMatched == nil {
		t.Fatalf("GET %s: no numberMatched", u)
	}
	return *p.NumberMatched
}

func TestGDALFilters(t *testing.T) {
	requireGDAL(t)
	base := startServer(t)
	tests := []struct {
		name    string
		layer   string
		dataset string   // the OAPIF dataset name
		args    []string // more ogr2ogr arguments
		params  url.Values
	}{
		{
			name: "incidents over Afghanistan", layer: "incidents",
			dataset: "OAPIF:" + base + "/api", args: []string{"-spat", "60.5", "29.3", "75", "38.5"},
			params: url.Values{"bbox": {"60.5,29.3,75,38.5"}},
		},
		{
			name: "places over Afghanistan", layer: "places",
			dataset: "OAPIF:" + base + "/api", args: []string{"-spat", "60.5", "29.3", "75", "38.5"},
			params: url.Values{"bbox": {"60.5,29.3,75,38.5"}},
		},
		{
			name: "incidents in 2022", layer: "incidents",
			dataset: "OAPIF:" + base + "/api/collections/incidents?datetime=2022-01-01/2022-12-31",
			params:  url.Values{"datetime": {"2022-01-01/2022-12-31"}},
		},
		{
			name: "railways in 2022", layer: "railways",
			dataset: "OAPIF:" + base + "/api?datetime=2022-01-01/2022-12-31",
			params:  url.Values{"datetime": {"2022-01-01/2022-12-31"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := apiMatched(t, base, tc.layer, tc.params)
			out := filepath.Join(t.TempDir(), "out.gpkg")
			args := append([]string{"-f", "GPKG", out, tc.dataset, tc.layer}, tc.args...)
			log := gdal(t, []string{"CPL_DEBUG=ON"}, "ogr2ogr", args...)
			for name := range tc.params {
				sent := slices.ContainsFunc(fetchedURLs(log), func(u string) bool {
					return strings.Contains(u, "/items?") && strings.Contains(u, name+"=")
				})
				if !sent {
					t.Errorf("ogr2ogr %s: GDAL sent no items request with %s=\n%s", strings.Join(args, " "), name, tail(log, 20))
				}
			}
			got := parseSummary(t, gdal(t, nil, "ogrinfo", "-ro", "-so", "-al", out)).count
			if got != want {
				t.Errorf("ogr2ogr %s: %d features, want %d (numberMatched of the API)", strings.Join(args, " "), got, want)
			}
		})
	}
}

var fetchURL = regexp.MustCompile(`(?m)^HTTP: Fetch\((\S+?)\)\s*$`)

// fetchedURLs returns the URLs GDAL logged fetching under CPL_DEBUG=ON.
func fetchedURLs(log string) []string {
	var out []string
	for _, m := range fetchURL.FindAllStringSubmatch(log, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestGDALRequestsStayLocal runs a whole download with CPL_DEBUG=ON and
// checks every request GDAL made went to the test server.
func TestGDALRequestsStayLocal(t *testing.T) {
	requireGDAL(t)
	base := startServer(t)
	out := filepath.Join(t.TempDir(), "places.gpkg")
	log := gdal(t, []string{"CPL_DEBUG=ON"}, "ogr2ogr", "-f", "GPKG", out, "OAPIF:"+base+"/api", "places")
	fetched := fetchedURLs(log)
	if len(fetched) < 2 {
		t.Fatalf("CPL_DEBUG=ON ogr2ogr logged %d requests, want the collections and at least one page:\n%s", len(fetched), tail(log, 30))
	}
	for _, f := range fetched {
		u, err := url.Parse(f)
		if err != nil || u.Hostname() != "127.0.0.1" {
			t.Errorf("GDAL fetched %s, want only http://127.0.0.1 URLs", f)
		}
	}
}
