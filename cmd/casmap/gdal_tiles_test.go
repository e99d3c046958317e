package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/project"
)

// TestGDALReadsTiles reads casmap's vector tiles with GDAL's MVT driver,
// as QGIS does: a tile of incidents holds the incident at its place, and
// a tile of borders holds the countries' polygons. GDAL's MVT driver reads
// a tile file and takes its position from open options (its directory
// layout is z/x/y, OGC API's z/row/col), so each tile is fetched over HTTP
// into a file first.
func TestGDALReadsTiles(t *testing.T) {
	requireGDAL(t)
	base := startServer(t)
	termez := incidentAt(t, base, "2022-04-18-termez-rockets")
	tests := []struct {
		layer       string
		zoom        maptile.Zoom
		want        string // in ogrinfo's output
		minFeatures int
	}{
		{"incidents", 8, "id (String) = 2022-04-18-termez-rockets", 1},
		{"borders", 4, "iso_a3 (String) = AFG", 3},
	}
	for _, tc := range tests {
		t.Run(tc.layer, func(t *testing.T) {
			tile := maptile.At(termez, tc.zoom)
			url := fmt.Sprintf("%s/api/collections/%s/tiles/WebMercatorQuad/%d/%d/%d", base, tc.layer, tc.zoom, tile.Y, tile.X)
			path := filepath.Join(t.TempDir(), "tile.mvt")
			fetchTo(t, url, path)
			out := gdal(t, nil, "ogrinfo", "-ro", "-al", "-oo", "X="+strconv.Itoa(int(tile.X)),
				"-oo", "Y="+strconv.Itoa(int(tile.Y)), "-oo", "Z="+strconv.Itoa(int(tc.zoom)), path)
			if !strings.Contains(out, "using driver `MVT' successful") || !strings.Contains(out, tc.want) {
				t.Fatalf("ogrinfo of %s lacks %q:\n%s", url, tc.want, tail(out, 40))
			}
			m := regexp.MustCompile(`Feature Count: (\d+)`).FindStringSubmatch(out)
			if n, _ := strconv.Atoi(m[1]); n < tc.minFeatures {
				t.Errorf("%s tile holds %d features, want at least %d", tc.layer, n, tc.minFeatures)
			}
			if tc.layer == "incidents" {
				// The point GDAL reads, in web mercator metres, is the
				// incident's.
				want := project.Point(termez, project.WGS84.ToMercator)
				block := out[strings.Index(out, tc.want):]
				pt := regexp.MustCompile(`POINT \(([-\d.e+]+) ([-\d.e+]+)\)`).FindStringSubmatch(block)
				x, _ := strconv.ParseFloat(pt[1], 64)
				y, _ := strconv.ParseFloat(pt[2], 64)
				if abs(x-want[0]) > 1000 || abs(y-want[1]) > 1000 {
					t.Errorf("GDAL reads the incident at (%g, %g), want within 1 km of %v", x, y, want)
				}
			}
		})
	}
}

// incidentAt reads where an incident is from the API.
func incidentAt(t *testing.T, base, id string) orb.Point {
	t.Helper()
	res, err := http.Get(base + "/api/collections/incidents/items/" + id)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var f struct {
		Geometry struct{ Coordinates [2]float64 }
	}
	if err := json.NewDecoder(res.Body).Decode(&f); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET incident %s: %d %v", id, res.StatusCode, err)
	}
	return orb.Point(f.Geometry.Coordinates)
}

func fetchTo(t *testing.T, url, path string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/vnd.mapbox-vector-tile" {
		t.Fatalf("GET %s: %d %s", url, res.StatusCode, res.Header.Get("Content-Type"))
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := io.Copy(f, res.Body); err != nil {
		t.Fatal(err)
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}
