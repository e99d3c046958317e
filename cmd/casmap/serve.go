package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/casmap/casmap/geodata/postgis"
	"github.com/casmap/casmap/geodata/seed"
	"github.com/casmap/casmap/server"
	"github.com/casmap/casmap/web"
)

// config is what the subcommands are told through flags and environment.
type config struct {
	Addr string
	DB   string
}

// openSeeded opens the database, creating it when it does not exist, and
// brings its seeded layers up to date with the seed built into the binary.
func openSeeded(ctx context.Context, path string, logger *slog.Logger) (store, error) {
	return openSeededRead(ctx, path, "", logger)
}

// openSeededRead is openSeeded with a standby for reads (PostGIS only).
func openSeededRead(ctx context.Context, path, readDSN string, logger *slog.Logger) (store, error) {
	db, err := openStore(ctx, path, readDSN, logger)
	if err != nil {
		return nil, err
	}
	if _, _, err := updateSeed(ctx, db, path, logger, false); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// openExisting opens a database that must exist already. Only serve and
// seed create one, so a mistyped --db fails here rather than making a new
// database that the command would then read or write. A PostgreSQL
// database exists when casmap can connect to it.
func openExisting(ctx context.Context, path string) (store, error) {
	if postgis.IsDSN(path) {
		return openStore(ctx, path, "", nil)
	}
	_, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("database %s does not exist; give --db (or CASMAP_DB) the database you meant, "+
			"or create it with 'casmap seed --db %s' ('casmap serve' creates it too)", path, path)
	}
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	return openStore(ctx, path, "", nil)
}

// updateSeed writes the seeded layers the database lacks or holds from
// another release of the seed (all of them when force is set), keeping
// imported features, logs what it did and returns the layers it wrote and
// whether the database was new (held no layers). It
// compares the seed's versions, a hash of the embedded files, with the
// database's first, and parses the seed only when they differ: an
// unchanged database costs a restart under a millisecond, not the tens a
// parse takes.
func updateSeed(ctx context.Context, db store, path string, logger *slog.Logger, force bool) (written []string, fresh bool, err error) {
	want, err := seed.Versions()
	if err != nil {
		return nil, false, err
	}
	held, err := db.SeedVersions(ctx)
	if err != nil {
		return nil, false, err
	}
	fresh = len(held) == 0
	if !force && holdsSeed(held, want) {
		return nil, fresh, nil
	}
	data, err := seed.Load()
	if err != nil {
		return nil, fresh, err
	}
	written, err = db.SeedLayers(ctx, data, force)
	if err != nil {
		return nil, fresh, fmt.Errorf("seed %s: %w", dbName(path), err)
	}
	switch {
	case len(written) == 0: // another process got there first
	case fresh:
		logger.Info("created and seeded a new database", "path", dbName(path), "layers", len(written))
	default:
		logger.Info("seed data changed: replaced seeded layers, keeping imported features",
			"path", dbName(path), "layers", strings.Join(written, ","))
	}
	return written, fresh, nil
}

// holdsSeed reports whether every seed layer is in the database at the
// seed's version.
func holdsSeed(held, want map[string]string) bool {
	for id, v := range want {
		if held[id] != v {
			return false
		}
	}
	return true
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlags("serve", &cfg, true)
	// Slow clients are cut off after this long without a whole request
	// head (slowloris); tests shorten it to see that happen.
	readHeader := fs.Duration("read-header-timeout", 5*time.Second, "how long a client may take to send a request's headers, a `DURATION` such as 5s or 500ms")
	pprofAddr := fs.String("pprof", "", "serve Go profiles at this loopback address (for benchmarks)")
	netf := addNetFlags(fs)
	readDSN := fs.String("db-read", "", "a postgres:// `URL` of a hot standby of --db: reads go there, writes and the version check to --db")
	memLimit := fs.Int("memory-limit", defaultMemoryLimitMiB, "a soft limit on the server's memory in `MiB`: the garbage collector works harder near it (0 for none; GOMEMLIMIT overrides)")
	if err := parseFlags(fs, args, getenv, stdout); err != nil {
		return err
	}
	limit, err := applyMemoryLimit(*memLimit, getenv)
	if err != nil {
		return usageError("serve", err.Error())
	}
	if fs.NArg() > 0 {
		return usageError("serve", fmt.Sprintf("serve takes no arguments, got %q", fs.Args()))
	}
	var scfg server.Config
	if err := netf.apply(&scfg); err != nil {
		return err
	}
	if *pprofAddr != "" {
		stop, err := servePprof(*pprofAddr)
		if err != nil {
			return err
		}
		defer stop()
	}
	// Listen first: a busy port fails before anything touches the database.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return listenError(cfg.Addr, err)
	}
	defer ln.Close()
	logs := newLogBuffer(stderr)
	defer logs.Close()
	logger := slog.New(slog.NewTextHandler(logs, nil))
	logger.Info("soft memory limit", "limit", limit)
	db, err := openSeededRead(ctx, cfg.DB, *readDSN, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	if ws, ok := writeSideOf(db); ok {
		scfg.Accounts, scfg.Sessions, scfg.Editor = ws.accounts, ws.sessions, ws.editor
	}
	// Large layers' aggregates are built while the server already
	// answers; a request that needs one meanwhile waits for that build.
	warmCtx, stopWarm := context.WithCancel(ctx)
	defer stopWarm()
	go func() {
		if took, err := db.Warm(warmCtx); err != nil && warmCtx.Err() == nil {
			logger.Warn("aggregates not built ahead", "err", err)
		} else if took > 100*time.Millisecond {
			logger.Info("built the aggregates of large layers", "took", took.Round(time.Millisecond))
		}
	}()
	assets, err := web.Assets()
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           server.New(scfg, db, assets, logger),
		ReadHeaderTimeout: *readHeader,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(stdout, "casmap: serving the map at http://%s/ (database %s)\n", ln.Addr(), dbName(cfg.DB))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func seedCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlags("seed", &cfg, false)
	force := fs.Bool("force", false, "rewrite every seeded layer, changed or not (imported features are kept)")
	if err := parseFlags(fs, args, getenv, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("seed", fmt.Sprintf("seed takes no arguments, got %q", fs.Args()))
	}
	db, err := openStore(ctx, cfg.DB, "", nil)
	if err != nil {
		return err
	}
	defer db.Close()
	written, fresh, err := updateSeed(ctx, db, cfg.DB, slog.New(slog.NewTextHandler(io.Discard, nil)), *force)
	switch {
	case err != nil:
		return err
	case len(written) == 0:
		fmt.Fprintf(stdout, "%s already holds the current seed; nothing changed (use --force to rebuild the seeded layers)\n", dbName(cfg.DB))
	case fresh:
		fmt.Fprintf(stdout, "created %s and seeded %s: %s\n", dbName(cfg.DB), plural(len(written), "layer"), strings.Join(written, ", "))
	default:
		fmt.Fprintf(stdout, "replaced %s in %s (%s), keeping imported features\n", plural(len(written), "seeded layer"), dbName(cfg.DB), strings.Join(written, ", "))
	}
	return nil
}

// listenError says why serve cannot listen on addr and how to choose
// another address.
func listenError(addr string, err error) error {
	how := "choose another with --addr HOST:PORT, CASMAP_ADDR=HOST:PORT or, through make, make run ADDR=HOST:PORT"
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("listen on %s: the address is already in use (by another casmap or another program); %s", addr, how)
	}
	return fmt.Errorf("listen on %s: %w; %s", addr, err, how)
}
