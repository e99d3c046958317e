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
//	casmap user add|list|disable|enable|reset|token|revoke [--db FILE]
//	casmap help [COMMAND]
//
// Only serve and seed create a database; the other commands refuse a file
// that does not exist.
package main

import (
	"context"
	"errors"
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
// so tests can drive it. Help, asked for in any of the usual ways, goes to
// stdout and returns nil.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && isHelp(args[0]) {
		printHelp(stdout)
		return nil
	}
	name := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	if name == "help" {
		if len(args) == 0 {
			printHelp(stdout)
			return nil
		}
		name, args = args[0], []string{"--help"}
	}
	c, ok := findCommand(name)
	if !ok {
		return unknownCommand(name)
	}
	var err error
	if c.runIn != nil {
		err = c.runIn(ctx, args, getenv, stdin, stdout, stderr)
	} else {
		err = c.run(ctx, args, getenv, stdout, stderr)
	}
	if errors.Is(err, errHelpShown) {
		return nil
	}
	return err
}

// isHelp reports whether arg asks for help.
func isHelp(arg string) bool {
	switch arg {
	case "-h", "-help", "--help":
		return true
	}
	return false
}
