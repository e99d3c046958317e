// Package pgtest starts scratch PostgreSQL clusters for tests: Debian's
// PostgreSQL and PostGIS, in a temporary directory, on a free loopback
// port, as the postgres user when the tests run as root (PostgreSQL
// refuses to run as root). A cluster is stopped by its PID.
//
// A missing PostgreSQL or PostGIS is an error that says what to install;
// tests that need them fail, never skip.
package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Install is what to install when PostgreSQL or PostGIS is missing.
const Install = "apt-get install postgresql-15 postgresql-15-postgis-3 (or set CASMAP_PG_BINDIR to PostgreSQL's bin directory)"

// Cluster is one running PostgreSQL server.
type Cluster struct {
	// BinDir holds postgres, initdb and pg_basebackup.
	BinDir string
	// Dir is the cluster's temporary directory: data/, the socket, the log.
	Dir string
	// Port is the loopback TCP port it listens on.
	Port int
	cmd  *exec.Cmd
	done chan error
	cred *syscall.Credential
}

// Settings that make a throwaway cluster fast: nothing is synced to disk
// (a crash loses the cluster, which a test never reuses), and the WAL
// settings allow a hot standby to be made from it.
var scratchSettings = []string{
	"fsync=off", "synchronous_commit=off",
	"max_connections=300", "shared_buffers=64MB",
	"wal_level=replica", "max_wal_senders=10", "hot_standby=on",
	"wal_keep_size=256MB", "log_min_messages=warning",
	"checkpoint_timeout=1h", "max_wal_size=4GB",
}

// FindBinDir returns the bin directory of the newest PostgreSQL installed
// with PostGIS, or of CASMAP_PG_BINDIR when set.
func FindBinDir() (string, error) {
	if dir := os.Getenv("CASMAP_PG_BINDIR"); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "postgres")); err != nil {
			return "", fmt.Errorf("CASMAP_PG_BINDIR=%s has no postgres: %w", dir, err)
		}
		return dir, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/postgres")
	slices.SortFunc(dirs, func(a, b string) int { return majorOf(b) - majorOf(a) })
	for _, p := range dirs {
		ver := filepath.Base(filepath.Dir(filepath.Dir(p)))
		control := filepath.Join("/usr/share/postgresql", ver, "extension", "postgis.control")
		if _, err := os.Stat(control); err == nil {
			return filepath.Dir(p), nil
		}
	}
	if len(dirs) > 0 {
		return "", fmt.Errorf("PostgreSQL is installed (%s) but PostGIS is not: %s", strings.Join(dirs, ", "), Install)
	}
	return "", fmt.Errorf("PostgreSQL is not installed: %s", Install)
}

func majorOf(postgresPath string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(postgresPath))))
	return n
}

// Start creates and starts a new cluster.
func Start(ctx context.Context) (*Cluster, error) {
	bin, err := FindBinDir()
	if err != nil {
		return nil, err
	}
	c, err := newCluster(bin)
	if err != nil {
		return nil, err
	}
	if err := c.run(ctx, "initdb", "-D", c.data(), "-U", "postgres", "--auth=trust",
		"-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"); err != nil {
		c.remove()
		return nil, err
	}
	if err := c.start(ctx); err != nil {
		c.remove()
		return nil, err
	}
	return c, nil
}

// Standby makes a hot standby of c with pg_basebackup on loopback and
// starts it: it streams c's WAL and answers read-only queries.
func (c *Cluster) Standby(ctx context.Context) (*Cluster, error) {
	s, err := newCluster(c.BinDir)
	if err != nil {
		return nil, err
	}
	if err := s.run(ctx, "pg_basebackup", "-h", "127.0.0.1", "-p", strconv.Itoa(c.Port), "-U", "postgres",
		"-D", s.data(), "-R", "-X", "stream", "-c", "fast", "--no-sync"); err != nil {
		s.remove()
		return nil, err
	}
	if err := s.start(ctx); err != nil {
		s.remove()
		return nil, err
	}
	return s, nil
}

// newCluster makes the temporary directory, owned by the user the server
// will run as.
func newCluster(bin string) (*Cluster, error) {
	dir, err := os.MkdirTemp("", "casmap-pg-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{BinDir: bin, Dir: dir}
	if os.Geteuid() == 0 {
		cred, err := postgresUser()
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		c.cred = cred
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	return c, nil
}

// postgresUser is who runs the server when the tests run as root.
func postgresUser() (*syscall.Credential, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL refuses to run as root and there is no postgres user (%v): %s", err, Install)
	}
	uid, _ := strconv.ParseUint(u.Uid, 10, 32)
	gid, _ := strconv.ParseUint(u.Gid, 10, 32)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func (c *Cluster) data() string { return filepath.Join(c.Dir, "data") }
func (c *Cluster) log() string  { return filepath.Join(c.Dir, "postgres.log") }

// command runs one of PostgreSQL's programs as the cluster's user. If the
// test process dies without stopping it, the server gets SIGQUIT (its
// immediate shutdown).
func (c *Cluster) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(c.BinDir, name), args...)
	cmd.Dir = c.Dir
	cmd.Env = append(os.Environ(), "LC_ALL=C", "PGTZ=UTC")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred, Pdeathsig: syscall.SIGQUIT}
	return cmd
}

// run runs a program to its end, returning its output in the error.
func (c *Cluster) run(ctx context.Context, name string, args ...string) error {
	var out bytes.Buffer
	cmd := c.command(ctx, name, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w\n%s", name, err, out.String())
	}
	return nil
}

// start runs postgres on a free port and waits until it takes
// connections. A port taken between choosing and binding it is tried
// again with another.
func (c *Cluster) start(ctx context.Context) error {
	var err error
	for range 5 {
		if c.Port, err = freePort(); err != nil {
			return err
		}
		if err = c.startOn(ctx); err == nil {
			return nil
		}
		if !strings.Contains(err.Error(), "could not bind") && !strings.Contains(err.Error(), "in use") {
			return err
		}
	}
	return err
}

func (c *Cluster) startOn(ctx context.Context) error {
	args := []string{"-D", c.data(), "-p", strconv.Itoa(c.Port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + c.Dir}
	for _, s := range scratchSettings {
		args = append(args, "-c", s)
	}
	logf, err := os.OpenFile(c.log(), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	// Not CommandContext: the server outlives the context that started it.
	cmd := c.command(context.Background(), "postgres", args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	c.cmd, c.done = cmd, make(chan error, 1)
	go func() { c.done <- cmd.Wait() }()
	if err := c.waitReady(ctx); err != nil {
		c.Stop()
		return fmt.Errorf("postgres did not start: %w\n%s", err, c.logTail())
	}
	return nil
}

// waitReady connects until the server answers, it exits, or 60 s pass.
func (c *Cluster) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	for {
		conn, err := pgx.Connect(ctx, c.DSN("postgres"))
		if err == nil {
			return conn.Close(ctx)
		}
		select {
		case werr := <-c.done:
			c.done <- werr
			return fmt.Errorf("postgres exited: %v", werr)
		case <-ctx.Done():
			return fmt.Errorf("%w (last: %v)", ctx.Err(), err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (c *Cluster) logTail() string {
	b, _ := os.ReadFile(c.log())
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// DSN is the connection string of database db on the cluster.
func (c *Cluster) DSN(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.Port, db)
}

// Stop shuts the server down by its PID (SIGINT, PostgreSQL's fast
// shutdown; SIGKILL after 20 s) and removes its directory.
func (c *Cluster) Stop() error {
	var err error
	if c.cmd != nil && c.cmd.Process != nil {
		_ = c.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-c.done:
		case <-time.After(20 * time.Second):
			_ = c.cmd.Process.Kill()
			<-c.done
			err = errors.New("postgres did not stop on SIGINT within 20 s; killed")
		}
		c.cmd = nil
	}
	c.remove()
	return err
}

func (c *Cluster) remove() { os.RemoveAll(c.Dir) }

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
