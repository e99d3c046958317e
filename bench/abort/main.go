// Command abort is a rude HTTP client for load tests: over many
// connections at once it sends requests and hangs up after reading a few
// bytes of each answer, or before any, as a browser does when the map is
// panned or the page closed. The server must shrug this off.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "abort:", err)
		os.Exit(1)
	}
}

// counts are what the workers did, summed.
type counts struct {
	sent, hungUp, dialErrors atomic.Int64
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("abort", flag.ContinueOnError)
	addr := fs.String("addr", "", "server host:port (loopback)")
	paths := fs.String("paths", "/api/collections/borders/items?limit=10000", "comma-separated request paths")
	conns := fs.Int("c", 16, "concurrent connections")
	d := fs.Duration("d", 10*time.Second, "how long to run")
	if err := fs.Parse(args); err != nil {
		return err
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		return fmt.Errorf("addr %q: %w", *addr, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("addr %q: only loopback addresses", *addr)
	}
	ctx, cancel := context.WithTimeout(ctx, *d)
	defer cancel()
	var c counts
	var wg sync.WaitGroup
	for i := range *conns {
		wg.Go(func() { worker(ctx, *addr, strings.Split(*paths, ","), uint64(i), &c) })
	}
	wg.Wait()
	fmt.Fprintf(stdout, "abort client: %d requests sent, %d hung up mid-response, %d dial errors\n",
		c.sent.Load(), c.hungUp.Load(), c.dialErrors.Load())
	return nil
}

// worker loops until ctx ends: connect, ask, read 0 to 4 KiB, hang up,
// half the time with a reset rather than a clean close.
func worker(ctx context.Context, addr string, paths []string, seed uint64, c *counts) {
	rnd := rand.New(rand.NewPCG(seed, 42))
	var d net.Dialer
	for ctx.Err() == nil {
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			if ctx.Err() == nil {
				c.dialErrors.Add(1)
				time.Sleep(10 * time.Millisecond)
			}
			continue
		}
		path := paths[rnd.IntN(len(paths))]
		enc := ""
		if rnd.IntN(2) == 0 {
			enc = "Accept-Encoding: gzip\r\n"
		}
		conn.SetDeadline(time.Now().Add(2 * time.Second))
		if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\n%s\r\n", path, addr, enc); err == nil {
			c.sent.Add(1)
			io.CopyN(io.Discard, bufio.NewReader(conn), int64(rnd.IntN(4096)))
			c.hungUp.Add(1)
		}
		if tcp, ok := conn.(*net.TCPConn); ok && rnd.IntN(2) == 0 {
			tcp.SetLinger(0) // close with RST
		}
		conn.Close()
	}
}
