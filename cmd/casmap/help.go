package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// command is one subcommand: what help says of it, and what runs it.
type command struct {
	name    string
	summary string // one line, for the list of commands
	usage   string // the synopsis, without "casmap "
	about   string // what it does, in a few lines
	example string // one or more command lines, as a new user would type them
	hidden  []string
	run     commandFunc
	// runIn, when set, runs a command that reads standard input (user
	// reads passwords there) instead of run.
	runIn func(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error
}

// commandFunc runs a subcommand with the arguments after its name.
type commandFunc func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error

// commands lists the subcommands in the order help shows them.
func commands() []command {
	return []command{
		{
			name:    "serve",
			summary: "serve the map and its OGC API (the default command)",
			usage:   "serve [--addr HOST:PORT] [--db FILE|postgres://...] [--db-read postgres://...]",
			about: "Serve the map at http://ADDR/ and the OGC API - Features service under /api,\n" +
				"from the SQLite database FILE or the PostGIS database at a postgres:// URL.\n" +
				"A database that does not exist yet is created and seeded; an existing one\n" +
				"gets the seeded layers whose data changed in this release (features you\n" +
				"imported are kept). Stop it with Ctrl-C.",
			example: "bin/casmap serve\nbin/casmap serve --addr 127.0.0.1:9000 --db /tmp/other.db",
			hidden:  []string{"pprof"},
			run:     serve,
		},
		{
			name:    "seed",
			summary: "create a database, or bring its seeded layers up to date",
			usage:   "seed [--force] [--db FILE]",
			about: "Create the database FILE and fill it with the layers built into casmap, or,\n" +
				"when it exists, replace the seeded layers whose data changed. --force\n" +
				"rewrites every seeded layer. Features you imported are always kept.",
			example: "bin/casmap seed --db ./casmap.db",
			run:     seedCmd,
		},
		{
			name:    "import",
			summary: "add features from a GeoJSON or ACLED-style CSV file to a layer",
			usage:   "import --layer ID [--db FILE] FILE.geojson|FILE.csv",
			about: "Add the features of a GeoJSON FeatureCollection (.geojson, .json) or of an\n" +
				"ACLED-style CSV file (.csv) to the layer ID of an existing database. Every\n" +
				"record is checked first; then all are written in one transaction, or none.\n" +
				"A feature with the id of one already in the layer replaces it. A running\n" +
				"server shows the new features at once.",
			example: "bin/casmap seed --db /tmp/try.db\n" +
				"bin/casmap import --layer incidents --db /tmp/try.db docs/examples/incidents.csv\n" +
				"bin/casmap import --layer incidents --db /tmp/try.db docs/examples/incidents.geojson",
			run: importCmd,
		},
		{
			name:    "export",
			summary: "write a layer out as GeoJSON, CSV or KML",
			usage:   "export --layer ID [--format geojson|csv|kml] [--db FILE] [OUT]",
			about: "Write every feature of the layer ID of an existing database to the file OUT,\n" +
				"or to standard output without OUT. The file is written whole or not at all.",
			example: "bin/casmap export --layer incidents --format csv incidents.csv\n" +
				"bin/casmap export --layer railways > railways.geojson",
			run: exportCmd,
		},
		{
			name:    "gen",
			summary: "add synthetic incidents to a database, for load and scale tests",
			usage:   "gen --incidents N [--seed S] [--db FILE]",
			about: "Add N synthetic incidents (ids gen-000001, ...) to the incidents layer of an\n" +
				"existing database. One seed always makes the same incidents, so running it\n" +
				"again updates them rather than adding more.",
			example: "bin/casmap seed --db /tmp/scale.db\nbin/casmap gen --incidents 100000 --db /tmp/scale.db",
			run:     genCmd,
		},
		{
			name:    "copy",
			summary: "move a whole database between SQLite and PostGIS",
			usage:   "copy --from FILE|postgres://... --to FILE|postgres://...",
			about: "Copy every layer and feature (with its origin, seed or import) from one\n" +
				"database into a new, empty one, in one transaction, streaming: SQLite to\n" +
				"PostGIS or back. It says what it copied; a destination that holds layers is\n" +
				"refused, and a failed copy leaves it as it was.",
			example: "bin/casmap copy --from ./casmap.db --to postgres://casmap@127.0.0.1/casmap\n" +
				"bin/casmap copy --from postgres://casmap@127.0.0.1/casmap --to ./back.db",
			run: copyCmd,
		},
		{
			name:    "user",
			summary: "manage accounts: add, list, disable, enable, reset, token, revoke",
			usage:   "user add NAME --role editor|reviewer|admin | list | disable NAME | enable NAME | reset NAME | token NAME --label TEXT | revoke NAME TOKEN-ID [--db FILE]",
			about: "Manage who may sign in to a server of the database FILE. Editors propose\n" +
				"changes, reviewers publish them and revert, admins manage accounts too. A\n" +
				"password is read from standard input (typed twice, unechoed, at a terminal);\n" +
				"reset and disable end the account's sessions. A token is for scripts\n" +
				"(Authorization: Bearer ...) and is shown once; the database keeps its hash.",
			example: "bin/casmap user add rita --role reviewer\nbin/casmap user list\nbin/casmap user token rita --label nightly-import",
			runIn:   userCmd,
		},
	}
}

// findCommand returns the command called name.
func findCommand(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// unknownCommand is the error for a command casmap does not have.
func unknownCommand(name string) error {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	return fmt.Errorf("unknown command %q; the commands are %s and help (run 'casmap --help')",
		name, strings.Join(names, ", "))
}

// printHelp writes casmap's help: what it is and one line per command.
func printHelp(w io.Writer) {
	fmt.Fprint(w, "casmap: a map of security and infrastructure in Afghanistan and Central Asia,\n"+
		"served with an OGC API from one database: a SQLite file, or PostGIS\n"+
		"(--db postgres://...).\n\n"+
		"Usage: casmap [COMMAND] [flags]   (without a command: serve)\n\nCommands:\n")
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	fmt.Fprintf(tw, "  help\tthis help, or a command's: casmap help import\n")
	tw.Flush()
	fmt.Fprint(w, "\nRun 'casmap COMMAND --help' for a command's flags and an example.\n"+
		"Environment: CASMAP_DB stands for --db, CASMAP_ADDR for serve's --addr;\n"+
		"a flag on the command line wins over either.\n")
}

// printCommandHelp writes one command's help: synopsis, what it does, its
// flags with their defaults, and an example.
func printCommandHelp(w io.Writer, c command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: casmap %s\n\n%s\n\nFlags:\n", c.usage, c.about)
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	fs.VisitAll(func(f *flag.Flag) {
		for _, h := range c.hidden {
			if f.Name == h {
				return
			}
		}
		value, usage := flag.UnquoteUsage(f)
		arg := "--" + f.Name
		if value != "" {
			arg += " " + value
		}
		var notes []string
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			notes = append(notes, "default "+f.DefValue)
		}
		if key, ok := flagEnv[f.Name]; ok {
			notes = append(notes, "env "+key)
		}
		if len(notes) > 0 {
			usage += " (" + strings.Join(notes, "; ") + ")"
		}
		fmt.Fprintf(tw, "  %s\t%s\n", arg, usage)
	})
	tw.Flush()
	fmt.Fprintf(w, "\nExample:\n")
	for _, line := range strings.Split(c.example, "\n") {
		fmt.Fprintf(w, "  %s\n", line)
	}
}

// errHelpShown tells run that a command printed its help and should stop,
// successfully.
var errHelpShown = errors.New("help shown")

// flagEnv names the environment variable that stands for a flag when the
// command line does not give it.
var flagEnv = map[string]string{
	"db": "CASMAP_DB", "addr": "CASMAP_ADDR", "db-read": "CASMAP_DB_READ",
	"base-url": "CASMAP_BASE_URL", "trusted-proxy": "CASMAP_TRUSTED_PROXIES",
	"cors-origin": "CASMAP_CORS_ORIGIN", "allowed-host": "CASMAP_ALLOWED_HOSTS",
	"private": "CASMAP_PRIVATE", "memory-limit": "CASMAP_MEMORY_LIMIT",
}

// newFlags returns the flag set of the command called name, with --db and,
// when addr is true, --addr. Their defaults are the real ones; parseFlags
// applies the environment afterwards, so help shows what casmap does with
// nothing set.
func newFlags(name string, cfg *config, addr bool) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // parseFlags reports errors and help
	fs.Usage = func() {}
	fs.StringVar(&cfg.DB, "db", defaultDB, "SQLite database `FILE`, or a postgres:// URL of a PostGIS database")
	if addr {
		fs.StringVar(&cfg.Addr, "addr", defaultAddr, "listen on `HOST:PORT` (port 0: any free port)")
	}
	return fs
}

// parseFlags parses a command's arguments. Asked for help (-h, --help) it
// prints the command's help to stdout and returns errHelpShown. A flag the
// command line leaves out takes its environment variable, if set.
func parseFlags(fs *flag.FlagSet, args []string, getenv func(string) string, stdout io.Writer) error {
	c, _ := findCommand(fs.Name())
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		printCommandHelp(stdout, c, fs)
		return errHelpShown
	}
	if err != nil {
		return fmt.Errorf("%s: %v (run 'casmap %s --help' for its flags)", c.name, err, c.name)
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for name, key := range flagEnv {
		if v := getenv(key); v != "" && !given[name] && fs.Lookup(name) != nil {
			if err := fs.Set(name, v); err != nil {
				return fmt.Errorf("%s=%s: %w", key, v, err)
			}
		}
	}
	return nil
}

// usageError is a command line the command cannot run: what is wrong, and
// how the command is used.
func usageError(name, problem string) error {
	c, _ := findCommand(name)
	return fmt.Errorf("%s: %s\nusage: casmap %s\n(run 'casmap %s --help' for its flags and an example)", name, problem, c.usage, name)
}

// plural is n and the noun, singular for one: "1 feature", "2 features".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// The defaults of --db and --addr.
const (
	defaultDB   = "./casmap.db"
	defaultAddr = "127.0.0.1:8080"
)
