// Command casmap serves the casmap web map and API, and seeds, imports and
// exports its data.
//
// Usage:
//
//	casmap [serve] [--addr 127.0.0.1:8080] [--db ./casmap.db]
//	casmap seed [--force] [--db FILE]
//	casmap import --layer ID [--db FILE] FILE.geojson|FILE.csv
//	casmap export --layer ID [--format geojson|csv|kml] [--db FILE] [OUT]
//	casmap gen --incidents N [--seed S] [--db FILE]
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "casmap:", err)
		os.Exit(1)
	}
}

// run is the whole program behind main, with its outside world passed in
// so tests can drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, getenv, stdout, stderr)
	case "seed":
		return seedCmd(ctx, args, getenv, stdout, stderr)
	case "import":
		return importCmd(ctx, args, getenv, stdout, stderr)
	case "export":
		return exportCmd(ctx, args, getenv, stdout, stderr)
	case "gen":
		return genCmd(ctx, args, getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

const usage = `usage:
  casmap [serve] [--addr 127.0.0.1:8080] [--db ./casmap.db]   serve the map and API
  casmap seed [--force] [--db FILE]                           fill a new database (--force: rebuild the seeded layers)
  casmap import --layer ID [--db FILE] FILE                   add features from GeoJSON or ACLED-style CSV
  casmap export --layer ID [--format geojson|csv|kml] [FILE]  write a layer out (to stdout without FILE)
  casmap gen --incidents N [--seed S] [--db FILE]             add N synthetic incidents (ids gen-000001...) for scale tests
environment: CASMAP_ADDR, CASMAP_DB
`
