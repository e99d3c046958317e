// Command rivers makes casmap's rivers seed layer (rivers and lakes) from
// GSHHG's WDBII rivers and lake shorelines, read with Debian's gmt and
// gmt-gshhg-high, and names the major ones from rivers.json.
//
// Run it from the repository root after the borders are made (it reads
// geodata/seed/borders.geojson to say which countries a river crosses):
//
//	go run ./geodata/provenance/rivers
//
// See geodata/provenance/README.md for the whole chain and the naming
// method.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/paulmach/orb"

	"github.com/casmap/casmap/geodata/provenance/internal/labels"
	"github.com/casmap/casmap/geodata/provenance/internal/seedfile"
)

// The map's window, as for the borders: lon 40..92, lat 20..58.
var window = orb.Bound{Min: orb.Point{40, 20}, Max: orb.Point{92, 58}}

// The versions the committed file was made with; another GMT or GSHHG
// may draw other lines, so the tool refuses them unless told otherwise.
const (
	gmtVersion   = "6.4.0"
	gshhgVersion = "2.3.7"
)

// settings are the choices that shape the layer; README.md states them.
type settings struct {
	// bridgeKm joins a line end to a line it stops short of.
	bridgeKm float64
	// gapKm is how far apart two line ends may be for a named river's
	// course to jump from one to the other (across a reservoir or a
	// break in WDBII's line); the jump is not drawn.
	gapKm float64
	// snapKm is how far a waypoint may be from the nearest river vertex.
	snapKm float64
	// unnamedLevels are the WDBII classes kept where no named river runs.
	unnamedLevels map[int]bool
	// tileDeg is the size of the squares the unnamed lines are grouped by.
	tileDeg float64
	// epsilon is the Douglas-Peucker tolerance in degrees for named rivers
	// and lakes; unnamedEpsilon for the unnamed lines.
	epsilon, unnamedEpsilon float64
	// decimals is how many decimal places coordinates keep.
	decimals int
	// lakeMinKm2 is the smallest GSHHG lake polygon GMT is asked for;
	// unnamedLakeMinKm2 the smallest unnamed lake kept.
	lakeMinKm2, unnamedLakeMinKm2 float64
}

var defaults = settings{
	bridgeKm:          2,
	gapKm:             100,
	snapKm:            12,
	unnamedLevels:     map[int]bool{1: true, 2: true, 5: true},
	tileDeg:           4,
	epsilon:           0.005,
	unnamedEpsilon:    0.01,
	decimals:          4,
	lakeMinKm2:        10,
	unnamedLakeMinKm2: 500,
}

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "rivers:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("rivers", flag.ContinueOnError)
	gmtBin := fs.String("gmt", "gmt", "the GMT executable (Debian: apt-get install gmt gmt-gshhg-high)")
	namesPath := fs.String("names", filepath.Join("geodata", "provenance", "rivers.json"), "the named rivers and lakes")
	bordersPath := fs.String("borders", filepath.Join("geodata", "seed", "borders.geojson"), "the borders seed file")
	out := fs.String("out", filepath.Join("geodata", "seed", "rivers.geojson"), "the file to write")
	node := fs.String("node", "node", "the Node.js executable that runs labels.mjs")
	anyVersion := fs.Bool("any-version", false, "run with a GMT other than "+gmtVersion+" (the output will differ from the committed file)")
	survey := fs.Bool("survey", false, "report the named rivers that cannot be placed and go on without them (for editing rivers.json)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	g := gmt{Bin: *gmtBin, Window: window}
	v, err := g.Version(ctx)
	if err != nil {
		return err
	}
	if v != gmtVersion && !*anyVersion {
		return fmt.Errorf("gmt is %s; the committed file was made with GMT %s and GSHHG %s (pass -any-version to go on)", v, gmtVersion, gshhgVersion)
	}
	nf, err := readNames(*namesPath)
	if err != nil {
		return err
	}
	countries, err := readCountries(*bordersPath)
	if err != nil {
		return err
	}
	b := builder{
		s:         defaults,
		countries: countries,
		survey:    *survey,
		placer: labels.Placer{
			Node: *node, Script: filepath.Join("geodata", "provenance", "labels.mjs"), PrecisionM: 500,
		},
	}
	riverPieces, err := g.Rivers(ctx)
	if err != nil {
		return err
	}
	shorePieces, err := g.Shores(ctx, defaults.lakeMinKm2)
	if err != nil {
		return err
	}
	features, err := b.riverFeatures(nf.Rivers, riverPieces)
	if err != nil {
		return err
	}
	lakes, err := b.lakeFeatures(ctx, nf.Lakes, shorePieces)
	if err != nil {
		return err
	}
	features = append(features, lakes...)
	size, err := seedfile.Write(*out, features)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %d features (%d rivers named, %d lakes named), %d bytes\n",
		*out, len(features), len(nf.Rivers), len(nf.Lakes), size)
	for _, line := range b.report {
		fmt.Fprintln(stdout, "  "+line)
	}
	return nil
}
