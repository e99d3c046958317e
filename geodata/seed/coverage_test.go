package seed_test

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
)

// coverageRef matches a layer/id reference in docs/coverage.md.
var coverageRef = regexp.MustCompile("(borders|gbao|tapi|railways|incidents|places|power|rivers|provinces)/([a-z0-9][a-z0-9-]*)")

// TestCoverageNamesRealFeatures reads docs/coverage.md, the list of what
// the commentary names, and wants every feature it cites to exist in the
// seed, and every row to cite a feature or say why there is none.
func TestCoverageNamesRealFeatures(t *testing.T) {
	raw, err := os.ReadFile("../../docs/coverage.md")
	if err != nil {
		t.Fatalf("read docs/coverage.md: %v", err)
	}
	var manifest []struct {
		ID    string   `json:"id"`
		File  string   `json:"file"`
		Files []string `json:"files"`
	}
	rawManifest, err := os.ReadFile("layers.json")
	if err != nil || json.Unmarshal(rawManifest, &manifest) != nil {
		t.Fatalf("read layers.json: %v", err)
	}
	ids := map[string]map[string]bool{}
	for _, m := range manifest {
		ids[m.ID] = map[string]bool{}
		for _, file := range append(m.Files, m.File) {
			if file == "" {
				continue
			}
			_, byID := loadLayer(t, file)
			for id := range byID {
				ids[m.ID][id] = true
			}
		}
	}
	rows, refs := 0, 0
	for _, line := range strings.Split(string(raw), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 5 || strings.TrimSpace(cells[1]) == "#" || strings.HasPrefix(strings.TrimSpace(cells[1]), "---") {
			continue
		}
		rows++
		shown, notes := strings.TrimSpace(cells[3]), strings.TrimSpace(cells[4])
		if shown == "—" && !strings.HasPrefix(notes, "not mapped") {
			t.Errorf("coverage row %s: no feature and no reason it cannot be mapped", strings.TrimSpace(cells[1]))
		}
		for _, m := range coverageRef.FindAllStringSubmatch(shown, -1) {
			refs++
			if !ids[m[1]][m[2]] {
				t.Errorf("coverage row %s names %s/%s, which is not in the seed", strings.TrimSpace(cells[1]), m[1], m[2])
			}
		}
	}
	if rows < 30 || refs < 30 {
		t.Errorf("docs/coverage.md has %d rows citing %d features; the commentary names some 30 items", rows, refs)
	}
}
