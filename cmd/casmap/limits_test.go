package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/seed"
	"github.com/casmap/casmap/geodata/sqlite"
	"github.com/paulmach/orb"
)

// These tests drive the real binary over TCP, because the limits they test
// belong to net/http's server, which httptest.ResponseRecorder bypasses.

// proc is the binary serving on a free port.
type proc struct {
	base   string
	cmd    *exec.Cmd
	stderr *syncBuffer
	exited chan struct{} // closed once Wait has returned
	err    error         // Wait's result, set before exited is closed
}

// startBinary runs `casmap serve` on a free port with a new database and
// extra flags, and waits until it is healthy. The process is killed when
// the test ends if it is still running.
func startBinary(t *testing.T, extra ...string) *proc {
	t.Helper()
	return startBinaryAt(t, filepath.Join(t.TempDir(), "casmap.db"), extra...)
}

// startBinaryAt is startBinary on the database at path.
func startBinaryAt(t *testing.T, path string, extra ...string) *proc {
	t.Helper()
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--db", path}, extra...)
	p := &proc{cmd: exec.Command(casmapBinary(t), args...), stderr: &syncBuffer{}, exited: make(chan struct{})}
	p.cmd.Stderr = p.stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start casmap serve: %v", err)
	}
	base := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := servingLine.FindStringSubmatch(sc.Text()); m != nil {
				base <- m[1]
			}
		}
		p.err = p.cmd.Wait() // after stdout is drained, as Wait requires
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			p.cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			t.Logf("server log:\n%s", tail(p.stderr.String(), 40))
		}
	})
	select {
	case p.base = <-base:
	case <-p.exited:
		t.Fatalf("casmap serve exited before serving: %v\n%s", p.err, p.stderr)
	case <-time.After(20 * time.Second):
		t.Fatalf("casmap serve printed no 'serving the map at' line within 20s\n%s", p.stderr)
	}
	waitHealthy(t, p.base)
	return p
}

// TestServeDrainsOnSIGTERM sends SIGTERM while several slow clients are
// part way through large responses, and wants each to get its whole
// body, new connections to be refused, and the process to exit 0 within
// its 15 s shutdown timeout.
func TestServeDrainsOnSIGTERM(t *testing.T) {
	path := filepath.Join(t.TempDir(), "casmap.db")
	size := writeLongRailways(t, path)
	p := startBinaryAt(t, path)
	addr := strings.TrimPrefix(p.base, "http://")
	const (
		clients = 4
		target  = "/api/collections/railways/items?limit=10000"
	)
	resps := make([]*http.Response, clients)
	for i := range resps {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(30 * time.Second))
		req := "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/geo+json\r\nAccept-Encoding: identity\r\n\r\n"
		if _, err := io.WriteString(conn, req); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReaderSize(conn, 4096), nil)
		if err != nil {
			t.Fatalf("client %d: GET %s: %v", i, target, err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("client %d: GET %s: status = %d, want %d", i, target, resp.StatusCode, http.StatusOK)
		}
		resps[i] = resp
	}
	sent := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// Wait for Shutdown to close the listener. The server must not exit
	// while the clients have not read their responses.
	time.Sleep(300 * time.Millisecond)
	select {
	case <-p.exited:
		t.Fatalf("casmap exited (%v) %s after SIGTERM, before its %d clients had read their responses", p.err, time.Since(sent).Round(time.Millisecond), clients)
	default:
	}
	if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		conn.Close()
		t.Errorf("dial %s while draining: connected, want the listener closed", addr)
	}

	var wg sync.WaitGroup
	for i, resp := range resps {
		wg.Go(func() {
			defer resp.Body.Close()
			body, err := readSlowly(resp.Body, 32<<10, 2*time.Millisecond)
			if err != nil {
				t.Errorf("client %d: GET %s during shutdown: body cut short after %d bytes: %v", i, target, len(body), err)
				return
			}
			var page itemsPage
			if err := json.Unmarshal(body, &page); err != nil {
				t.Errorf("client %d: GET %s during shutdown: body of %d bytes is not JSON: %v", i, target, len(body), err)
				return
			}
			if len(body) < size {
				t.Errorf("client %d: GET %s: body of %d bytes, want at least %d", i, target, len(body), size)
			}
			if page.NumberReturned == nil || *page.NumberReturned != len(page.Features) || len(page.Features) == 0 {
				t.Errorf("client %d: GET %s during shutdown: numberReturned = %v, features %d", i, target, page.NumberReturned, len(page.Features))
			}
		})
	}
	wg.Wait()
	read := time.Since(sent)
	select {
	case <-p.exited:
	case <-time.After(15*time.Second - read + 2*time.Second):
		t.Fatalf("casmap still running %s after SIGTERM, past its 15s shutdown timeout", time.Since(sent).Round(time.Millisecond))
	}
	if p.err != nil {
		t.Errorf("casmap after SIGTERM: %v, want exit status 0", p.err)
	}
	t.Logf("clients read their responses %s after SIGTERM; casmap exited %s after it", read.Round(time.Millisecond), time.Since(sent).Round(time.Millisecond))
	if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		conn.Close()
		t.Errorf("dial %s after exit: connected, want refused", addr)
	}
}

// writeLongRailways seeds a new database at path and adds railways
// long enough that one page of them, about 8 MB of GeoJSON, outgrows the
// socket buffers of loopback TCP, so the server is still writing when a
// slow client has read only the start. It returns that size, roughly.
func writeLongRailways(t *testing.T, path string) int {
	t.Helper()
	const lines, points = 150, 2000
	ctx := t.Context()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	data, err := seed.Load()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Seed(ctx, data, false); err != nil {
		t.Fatal(err)
	}
	features := make([]geodata.Feature, lines)
	for i := range features {
		ls := make(orb.LineString, points)
		for j := range ls {
			ls[j] = orb.Point{60 + float64(j)*0.0031234567, 30 + float64(i)*0.0512345678}
		}
		features[i] = geodata.Feature{ID: fmt.Sprintf("long-%d", i), Geometry: ls,
			Properties: map[string]any{"name": "Long line", "status": "planned"}}
	}
	if err := db.Import(ctx, "railways", features); err != nil {
		t.Fatal(err)
	}
	return lines * points * len("[60.123456789,30.12345678],")
}

// readSlowly reads r to the end, chunk bytes at a time with a pause
// between reads, like a client on a slow link.
func readSlowly(r io.Reader, chunk int, pause time.Duration) ([]byte, error) {
	var out bytes.Buffer
	buf := make([]byte, chunk)
	for {
		n, err := r.Read(buf)
		out.Write(buf[:n])
		if errors.Is(err, io.EOF) {
			return out.Bytes(), nil
		}
		if err != nil {
			return out.Bytes(), err
		}
		time.Sleep(pause)
	}
}

// TestServeHeaderLimit wants a request head larger than the server's
// MaxHeaderBytes refused with 431, and the server still serving.
func TestServeHeaderLimit(t *testing.T) {
	p := startBinary(t)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, p.base+"/api", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Padding", strings.Repeat("a", 100<<10))
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatalf("GET /api with a 100 KiB header: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("GET /api with a 100 KiB header: status = %d, want %d", resp.StatusCode, http.StatusRequestHeaderFieldsTooLarge)
	}
	long := p.base + "/api/collections/incidents/items?bbox=" + strings.Repeat("1", 9<<10)
	r := get(t, long, "")
	if r.status != http.StatusRequestURITooLong || !strings.HasPrefix(r.header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("GET with a 9 KiB query: status = %d (%s), want %d problem+json", r.status, r.header.Get("Content-Type"), http.StatusRequestURITooLong)
	}
	if r := get(t, p.base+"/api", ""); r.status != http.StatusOK {
		t.Errorf("GET /api after the refusals: status = %d, want %d", r.status, http.StatusOK)
	}
}

// TestServeCutsOffSlowHeaders plays slowloris: it sends a request head one
// header line at a time, never finishing it, and wants the server to hang
// up once --read-header-timeout has passed.
func TestServeCutsOffSlowHeaders(t *testing.T) {
	const timeout = 300 * time.Millisecond
	p := startBinary(t, "--read-header-timeout", timeout.String())
	conn, err := net.Dial("tcp", strings.TrimPrefix(p.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() {
		io.WriteString(conn, "GET /api HTTP/1.1\r\nHost: 127.0.0.1\r\n")
		for i := 0; ctx.Err() == nil; i++ {
			if _, err := fmt.Fprintf(conn, "X-Slow-%d: a\r\n", i); err != nil {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err := conn.Read(make([]byte, 512))
	elapsed := time.Since(start)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("slow request head: connection still open after %s, want it closed after %s", elapsed.Round(time.Millisecond), timeout)
	}
	if n > 0 {
		t.Logf("the server answered %d bytes before hanging up", n)
	}
	if elapsed < timeout || elapsed > timeout+2*time.Second {
		t.Errorf("slow request head: connection closed after %s, want about %s", elapsed.Round(time.Millisecond), timeout)
	}
	if r := get(t, p.base+"/api", ""); r.status != http.StatusOK {
		t.Errorf("GET /api after the slow client: status = %d, want %d", r.status, http.StatusOK)
	}
}
