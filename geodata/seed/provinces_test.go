package seed_test

import (
	"math"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"github.com/casmap/casmap/geodata"
)

// provinceCountries are the countries whose first-level areas the
// provinces layer holds, with how many Natural Earth has for each.
var provinceCountries = map[string]int{
	"AFG": 34, "TJK": 5, "UZB": 14, "TKM": 5, "KGZ": 8, "KAZ": 16, "PAK": 8, "IRN": 31,
}

// provinceToleranceKm is how far outside its country's border a province's
// vertex may lie: the admin-1 and admin-0 files are separate Natural Earth
// products, world-atlas quantizes admin-0 to about 200 m and the provinces
// are simplified to about 300 m. Measured: at most a few hundred metres.
const provinceToleranceKm = 1.0

// Size bounds of the seed files made by geodata/provenance, in bytes: the
// files are embedded in the binary and served whole to GDAL.
const (
	maxProvincesBytes = 700_000
	maxRiversBytes    = 600_000
)

var isoSubdivision = regexp.MustCompile(`^[A-Z]{2}-[A-Z0-9]{1,3}$`)

func TestProvinces(t *testing.T) {
	features, byID := loadLayer(t, "provinces.geojson")
	perCountry := map[string]int{}
	codes := map[string]string{}
	for _, f := range features {
		id := f.ID.(string)
		p := f.Properties
		country, _ := p["country"].(string)
		perCountry[country]++
		iso, _ := p["iso_3166_2"].(string)
		if !isoSubdivision.MatchString(iso) || strings.ToLower(iso) != id {
			t.Errorf("province %q: iso_3166_2 %q is not an ISO 3166-2 code matching the id", id, iso)
		}
		if prev, dup := codes[iso]; dup {
			t.Errorf("province %q: ISO code %s is also %q's", id, iso, prev)
		}
		codes[iso] = id
		if _, ok := provinceCountries[country]; !ok || !strings.HasPrefix(iso, countryA2[country]+"-") {
			t.Errorf("province %q: country %q does not fit its code %s", id, country, iso)
		}
		for _, key := range []string{"name", "name_ru", "type"} {
			if s, _ := p[key].(string); strings.TrimSpace(s) == "" {
				t.Errorf("province %q: %s is missing", id, key)
			}
		}
		if local, _ := p["name_local"].(string); local != "" {
			if lang, _ := p["name_local_lang"].(string); lang == "" {
				t.Errorf("province %q: name_local %q says no language", id, local)
			}
		} else if country == "AFG" || country == "IRN" || country == "PAK" || country == "TJK" {
			t.Errorf("province %q: no local-script name", id)
		}
		if _, ok := f.Geometry.(orb.MultiPolygon); !ok {
			t.Errorf("province %q: geometry is a %s, want MultiPolygon", id, f.Geometry.GeoJSONType())
		}
		checkCoordSource(t, "province "+id, p["coord_source"])
	}
	for c, want := range provinceCountries {
		if perCountry[c] != want {
			t.Errorf("provinces: %s has %d, want %d", c, perCountry[c], want)
		}
	}
	// Natural Earth's slips, corrected in geodata/provenance/provinces.mjs.
	for id, name := range map[string]string{
		"af-pan": "Panjshir", "af-day": "Daykundi", "af-par": "Parwan", "af-uru": "Uruzgan",
		"af-pia": "Paktia", "af-pka": "Paktika", "ir-07": "Tehran", "ir-32": "Alborz",
		"tj-su": "Sughd", "tj-ra": "Districts of Republican Subordination", "kz-ala": "Almaty", "kz-alm": "Almaty Region",
	} {
		if f := byID[id]; f == nil || f.Properties["name"] != name {
			t.Errorf("province %q: want %q, got %v", id, name, f)
		}
	}
	checkFileSize(t, "provinces.geojson", maxProvincesBytes)
}

func checkFileSize(t *testing.T, file string, limit int64) {
	t.Helper()
	info, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if info.Size() > limit {
		t.Errorf("%s: %d bytes, want at most %d", file, info.Size(), limit)
	}
}

var countryA2 = map[string]string{"AFG": "AF", "TJK": "TJ", "UZB": "UZ", "TKM": "TM", "KGZ": "KG", "KAZ": "KZ", "PAK": "PK", "IRN": "IR"}

// TestProvincesFillTheirCountries checks what a reader sees: each province
// lies inside its own country, and a country's provinces cover it.
func TestProvincesFillTheirCountries(t *testing.T) {
	_, borders := loadLayer(t, "borders.geojson")
	features, _ := loadLayer(t, "provinces.geojson")
	area := map[string]float64{}
	for _, f := range features {
		id := f.ID.(string)
		country := f.Properties["country"].(string)
		b := borders[strings.ToLower(country)]
		if b == nil {
			t.Fatalf("borders has no %s", country)
		}
		m := geodata.NewMeasure(b.Geometry)
		total, outside := 0, 0
		worst, worstAt := 0.0, orb.Point{}
		for pt := range geodata.Points(f.Geometry) {
			total++
			if m.Contains(pt) {
				continue
			}
			if d := m.DistanceKm(pt); d > provinceToleranceKm {
				outside++
				if d > worst {
					worst, worstAt = d, pt
				}
			}
		}
		if share := float64(outside) / float64(total); share > 0.01 {
			t.Errorf("province %q: %d of %d vertices lie more than %.0f km outside %s; worst %v, %.1f km",
				id, outside, total, provinceToleranceKm, country, worstAt, worst)
		}
		area[country] += geo.Area(f.Geometry)
	}
	for country := range provinceCountries {
		whole := geo.Area(borders[strings.ToLower(country)].Geometry)
		if diff := math.Abs(area[country]-whole) / whole; diff > 0.02 {
			t.Errorf("%s: its provinces cover %.0f km², the country %.0f km² (%.1f%% apart, allowed 2%%)",
				country, area[country]/1e6, whole/1e6, 100*diff)
		}
	}
}

// checkCoordSource checks a coord_source as SCHEMA.md has it: a source
// (title, publisher, URL, date or accessed), or a placement by casmap that
// says on what.
func checkCoordSource(t *testing.T, what string, v any) {
	t.Helper()
	cs, _ := v.(map[string]any)
	switch cs["kind"] {
	case "source":
		checkSources(t, what+" coord_source", []any{cs})
	case "placed":
		if note, _ := cs["note"].(string); !strings.HasPrefix(note, "placed by casmap on ") {
			t.Errorf("%s: coord_source note %q must say \"placed by casmap on <what>\"", what, note)
		}
	default:
		t.Errorf("%s: coord_source %v is neither a source nor a placement", what, v)
	}
}
