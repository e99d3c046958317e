package main

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// kmlName and kmlNote are stored names a KML reader must get back as
// they are: an apostrophe, quotes, markup and the end of a CDATA section.
const (
	kmlName = `The gate's <script>alert("x")</script> & ]]> <![CDATA[`
	kmlNote = `O'Neil said "<b>closed</b>" & left`
)

// ogrValues returns the values ogrinfo -al prints for field in the file
// at path (lines "  field (Type) = value").
func ogrValues(t *testing.T, path, field string) []string {
	t.Helper()
	var values []string
	for _, line := range strings.Split(gdal(t, nil, "ogrinfo", "-ro", "-al", path), "\n") {
		if _, v, ok := strings.Cut(line, "  "+field+" (String) = "); ok {
			values = append(values, v)
		}
	}
	return values
}

// GDAL (and so QGIS) reads the names and ExtendedData of casmap's KML as
// the text that was stored, not as entities; markup in them stays text.
func TestGDALReadsKMLTextAsStored(t *testing.T) {
	requireGDAL(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "casmap.db")
	hostile := filepath.Join(dir, "hostile.geojson")
	writeFile(t, hostile, `{"type":"FeatureCollection","features":[{"type":"Feature","id":"kml-gate",
		"geometry":{"type":"Point","coordinates":[69.2,34.5]},
		"properties":{"name":`+jsonString(kmlName)+`,"note":`+jsonString(kmlNote)+`,"sources":[{"title":"t"}],
		"coord_source":{"kind":"placed","note":"placed by casmap on a test"}}}]}`)
	mustSeed(t, db)
	if out, err := casmap(t, "import", "--layer", "places", "--db", db, hostile); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	exported := filepath.Join(dir, "places.kml")
	if out, err := casmap(t, "export", "--layer", "places", "--format", "kml", "--db", db, exported); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	body := readFile(t, exported)
	for _, live := range []string{"<script", "]]>", "<![CDATA[", "<b>"} {
		if strings.Contains(string(body), live) {
			t.Errorf("casmap export --format kml carries %q unescaped", live)
		}
	}
	if !hasPlacemark(t, body, kmlName, kmlNote) {
		t.Errorf("an XML parser finds no placemark named %q with note %q in the exported KML", kmlName, kmlNote)
	}
	if names := ogrValues(t, exported, "Name"); !slices.Contains(names, kmlName) {
		t.Errorf("ogrinfo reads the names %q, want one to be %q", names, kmlName)
	}
	if notes := ogrValues(t, exported, "note"); !slices.Contains(notes, kmlNote) {
		t.Errorf("ogrinfo reads the notes %q, want %q", notes, kmlNote)
	}

	// The API's KML of the seeded incidents, as a user downloads it.
	s := startServerAt(t, db)
	r := get(t, s.base+"/api/collections/incidents/items?f=kml&datetime=2021-08-26", "")
	if r.status != http.StatusOK {
		t.Fatalf("GET incidents KML: %d\n%s", r.status, snippet(r.body))
	}
	downloaded := filepath.Join(dir, "incidents.kml")
	if err := os.WriteFile(downloaded, r.body, 0o644); err != nil {
		t.Fatal(err)
	}
	const abbey = "Suicide bombing at Kabul airport's Abbey Gate"
	if names := ogrValues(t, downloaded, "Name"); !slices.Contains(names, abbey) {
		t.Errorf("ogrinfo reads the incidents of 2021-08-26 as %q, want %q among them", names, abbey)
	}
}

// jsonString is s as a JSON string.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// hasPlacemark reports whether the KML document holds a placemark whose
// <name> and ExtendedData name are name, with ExtendedData note.
func hasPlacemark(t *testing.T, body []byte, name, note string) bool {
	t.Helper()
	var doc struct {
		Placemarks []struct {
			Name string `xml:"name"`
			Data []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value"`
			} `xml:"ExtendedData>Data"`
		} `xml:"Document>Placemark"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("the KML is not well-formed XML: %v", err)
	}
	for _, p := range doc.Placemarks {
		data := map[string]string{}
		for _, d := range p.Data {
			data[d.Name] = d.Value
		}
		if p.Name == name && data["name"] == name && data["note"] == note {
			return true
		}
	}
	return false
}
