package geodata_test

import (
	"testing"

	"github.com/casmap/casmap/geodata"
	"golang.org/x/text/language"
)

// TestCountryCodesAgreeWithCLDR checks the table against the region data
// of golang.org/x/text (CLDR): every code in the table is a country there
// with that alpha-3 code, and every three-letter code CLDR maps to an
// ISO 3166-1 country is in the table.
func TestCountryCodesAgreeWithCLDR(t *testing.T) {
	codes := geodata.CountryCodes()
	if len(codes) != 249 {
		t.Errorf("%d codes, want the 249 of ISO 3166-1", len(codes))
	}
	for _, code := range codes {
		r, err := language.ParseRegion(code)
		if err != nil || r.ISO3() != code || !r.IsCountry() {
			t.Errorf("%s: CLDR says region %v (ISO3 %s, country %v, err %v)", code, r, r.ISO3(), r.IsCountry(), err)
		}
		if !geodata.IsCountryCode(code) {
			t.Errorf("IsCountryCode(%q) = false", code)
		}
	}
	inTable := map[string]bool{}
	for _, c := range codes {
		inTable[c] = true
	}
	// Codes CLDR still parses that ISO 3166-1 has retired (ANT, SCG,
	// YUG...) or only reserves (ASC, CPT, DGA, TAA for Ascension, Clipperton,
	// Diego Garcia and Tristan da Cunha): not countries a feature can name.
	notAssigned := map[string]bool{}
	for _, c := range []string{"ANT", "ASC", "ATN", "BUR", "CPT", "CTE", "DDR", "DGA", "DHY", "FXX", "HVO", "JTN", "MID", "NHB",
		"NTZ", "PCI", "PCZ", "PUS", "RHO", "SCG", "SUN", "TAA", "TMP", "VDR", "WAK", "YMD", "YUG", "ZAR"} {
		notAssigned[c] = true
	}
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			for c := 'A'; c <= 'Z'; c++ {
				code := string([]rune{a, b, c})
				r, err := language.ParseRegion(code)
				if err != nil || r.ISO3() != code || !r.IsCountry() || userAssigned(r.String()) {
					continue
				}
				if !inTable[code] && !notAssigned[code] {
					t.Errorf("CLDR knows country %s (%s), the table does not", code, r)
				}
			}
		}
	}
}

// userAssigned reports the two-letter codes ISO 3166-1 leaves to users
// (AA, QM-QZ, XA-XZ, ZZ), which CLDR gives to Kosovo and others.
func userAssigned(alpha2 string) bool {
	return alpha2 == "AA" || alpha2 == "ZZ" || (alpha2[0] == 'Q' && alpha2[1] >= 'M') || alpha2[0] == 'X'
}

func TestIsCountryCode(t *testing.T) {
	for code, want := range map[string]bool{
		"AFG": true, "TJK": true, "UZB": true, "ZWE": true, "ABW": true,
		"afg": false, "AF": false, "AFGH": false, "XKX": false, "EUE": false,
		"FG ": false, " AF": false, "G A": false, "": false, "ZZZ": false, "BWAC": false,
	} {
		if got := geodata.IsCountryCode(code); got != want {
			t.Errorf("IsCountryCode(%q) = %v, want %v", code, got, want)
		}
	}
}
