package geodata

import (
	"fmt"
	"strings"
)

// iso3166Alpha3 lists every officially assigned ISO 3166-1 alpha-3 code
// (249 countries and territories), the codes the country property takes.
// Reserved and user-assigned codes (XKX for Kosovo, EUE...) are not here.
const iso3166Alpha3 = `
ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE
BDI BEL BEN BES BFA BGD BGR BHR BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA
CAF CAN CCK CHE CHL CHN CIV CMR COD COG COK COL COM CPV CRI CUB CUW CXR CYM CYP CZE
DEU DJI DMA DNK DOM DZA
ECU EGY ERI ESH ESP EST ETH
FIN FJI FLK FRA FRO FSM
GAB GBR GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL GTM GUF GUM GUY
HKG HMD HND HRV HTI HUN
IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA
JAM JEY JOR JPN
KAZ KEN KGZ KHM KIR KNA KOR KWT
LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA
MAC MAF MAR MCO MDA MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT
NAM NCL NER NFK NGA NIC NIU NLD NOR NPL NRU NZL
OMN
PAK PAN PCN PER PHL PLW PNG POL PRI PRK PRT PRY PSE PYF
QAT
REU ROU RUS RWA
SAU SDN SEN SGP SGS SHN SJM SLB SLE SLV SMR SOM SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR
TCA TCD TGO THA TJK TKL TKM TLS TON TTO TUN TUR TUV TWN TZA
UGA UKR UMI URY USA UZB
VAT VCT VEN VGB VIR VNM VUT
WLF WSM
YEM
ZAF ZMB ZWE
`

// CountryCodes returns the ISO 3166-1 alpha-3 codes casmap accepts, in
// alphabetical order.
func CountryCodes() []string { return strings.Fields(iso3166Alpha3) }

// IsCountryCode reports whether code is an officially assigned ISO 3166-1
// alpha-3 code, in capitals as the standard writes them.
func IsCountryCode(code string) bool {
	if len(code) != 3 {
		return false
	}
	for i := 0; i < len(code); i++ {
		if code[i] < 'A' || code[i] > 'Z' {
			return false
		}
	}
	// Three capitals cannot match across the white space between two
	// codes, so any match is a whole code of the table.
	return strings.Contains(iso3166Alpha3, code)
}

// quoteValue shows a property value in a message, shortened.
func quoteValue(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", truncate(s, 40))
	}
	return fmt.Sprintf("%.40v", v)
}

// validateCountries checks the country property (one code) and the
// countries property (a list of codes) when a feature carries them.
func validateCountries(p map[string]any) error {
	if v, ok := p["country"]; ok && v != nil {
		s, isString := v.(string)
		if !isString || !IsCountryCode(s) {
			return Invalidf("country %s is not an ISO 3166-1 alpha-3 code (such as AFG, TJK or UZB)", quoteValue(v))
		}
	}
	if v, ok := p["countries"]; ok && v != nil {
		list, isList := v.([]any)
		if !isList {
			return Invalidf("countries must be a list of ISO 3166-1 alpha-3 codes")
		}
		for _, item := range list {
			if s, _ := item.(string); !IsCountryCode(s) {
				return Invalidf("countries: %s is not an ISO 3166-1 alpha-3 code (such as AFG, TJK or UZB)", quoteValue(item))
			}
		}
	}
	return nil
}
