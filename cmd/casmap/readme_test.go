package main

import (
	"strings"
	"testing"

	"github.com/casmap/casmap/geodata/seed"
)

// readmeSection returns the lines of the README section that starts with
// heading, up to the next section of the same level.
func readmeSection(t *testing.T, heading string) []string {
	t.Helper()
	lines := strings.Split(string(readFile(t, "../../README.md")), "\n")
	for i, line := range lines {
		if line != heading {
			continue
		}
		for j := i + 1; j < len(lines); j++ {
			if strings.HasPrefix(lines[j], "## ") {
				return lines[i+1 : j]
			}
		}
		return lines[i+1:]
	}
	t.Fatalf("README.md has no section %q", heading)
	return nil
}

// tableRow returns the cells of the table row among lines whose first
// cell names the layer id in backquotes.
func tableRow(lines []string, id string) ([]string, bool) {
	for _, line := range lines {
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if strings.HasPrefix(line, "| ") && len(cells) > 1 && strings.Contains(cells[0], "`"+id+"`") {
			return cells, true
		}
	}
	return nil, false
}

// TestREADMEGivesEveryLayersTerms: a reader finds every seeded layer in
// the README's layer list and its terms in the data section, the same
// licences the API gives in each collection's license.
func TestREADMEGivesEveryLayersTerms(t *testing.T) {
	layers, err := seed.Load()
	if err != nil {
		t.Fatal(err)
	}
	listed := readmeSection(t, "## Layers and where their data comes from")
	terms := readmeSection(t, "## Data: sources, terms and how to cite")
	licences := []string{"public domain", "CC BY 4.0", "LGPL 3 or later"}
	for _, l := range layers {
		id, licence := l.Layer.ID, strings.ToLower(l.Layer.License)
		if _, ok := tableRow(listed, id); !ok {
			t.Errorf("README's layer list has no row for %s", id)
		}
		row, ok := tableRow(terms, id)
		if !ok {
			t.Errorf("README's data terms have no row for %s (license %q)", id, l.Layer.License)
			continue
		}
		said := strings.ToLower(row[len(row)-1])
		for _, name := range licences {
			if strings.Contains(licence, strings.ToLower(name)) && !strings.Contains(said, strings.ToLower(name)) {
				t.Errorf("README gives %s the terms %q; the layer's license %q has %s", id, row[len(row)-1], l.Layer.License, name)
			}
		}
	}
	// A copyleft licence on geometry is explained, not just named.
	section := strings.Join(terms, "\n")
	for _, want := range []string{"GSHHG", "LGPL-3", "modified version", "passes it on under LGPL 3 or later"} {
		if !strings.Contains(section, want) {
			t.Errorf("README's data section does not say %q", want)
		}
	}
}
