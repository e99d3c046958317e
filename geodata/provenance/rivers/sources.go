package main

import "fmt"

// accessed is when the undated pages cited here were read.
const accessed = "2026-12-01"

// gshhgSource is the data set every river and lake line comes from.
var gshhgSource = map[string]any{
	"title":     "GSHHG, A Global Self-consistent, Hierarchical, High-resolution Geography Database, version " + gshhgVersion + ": WDBII rivers and GSHHS lake shorelines",
	"publisher": "Paul Wessel (SOEST, University of Hawaiʻi) and Walter H. F. Smith (NOAA)",
	"url":       "https://www.soest.hawaii.edu/pwessel/gshhg/",
	"date":      "2017-06-15",
}

// debianSource is the package that ships GSHHG to GMT here.
var debianSource = map[string]any{
	"title":     "gmt-gshhg-high " + gshhgVersion + "-6 (Debian 12 package): GSHHG's high-resolution coastlines, borders and rivers for GMT " + gmtVersion,
	"publisher": "Debian GIS Project",
	"url":       "https://packages.debian.org/bookworm/gmt-gshhg-high",
	"accessed":  accessed,
}

func riverCoords(epsilon float64, decimals int) map[string]any {
	return coords(epsilon, decimals, "WDBII's river lines as GMT "+gmtVersion+" reads them (coast -Dh -M), joined across GSHHG's bins")
}

func lakeCoords(epsilon float64, decimals int) map[string]any {
	return coords(epsilon, decimals, "GSHHS's lake shorelines (level 2, islands in lakes as holes) as GMT "+gmtVersion+" reads them (coast -Dh -W -M), joined across GSHHG's bins into rings")
}

func coords(epsilon float64, decimals int, what string) map[string]any {
	out := map[string]any{"kind": "source"}
	for k, v := range gshhgSource {
		out[k] = v
	}
	out["note"] = fmt.Sprintf("vertices of %s, from Debian's gmt-gshhg-high %s, simplified (orb Douglas-Peucker, %g°, about %.0f m) and rounded to %d decimals by casmap's provenance chain",
		what, gshhgVersion, epsilon, epsilon*111000, decimals)
	return out
}
