package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/casmap/casmap/server"
)

// servePprof serves Go's profiles at addr until stop is called, for measuring
// the server under load (`serve --pprof 127.0.0.1:6060`, then
// `go tool pprof http://127.0.0.1:6060/debug/pprof/profile?seconds=10`).
// The profiles show the program's insides, so addr must be a loopback
// address. The handlers go on a mux of their own, not on
// http.DefaultServeMux, so nothing else ever serves them.
func servePprof(addr string) (stop func(), err error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("--pprof %s: %w", addr, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("--pprof %s: want a loopback address such as 127.0.0.1:6060", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--pprof: listen on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	// Only loopback addresses and localhost in Host: a page whose name
	// an attacker rebinds to 127.0.0.1 must not read the profiles.
	srv := &http.Server{Handler: server.GuardHosts(mux), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	return func() { srv.Close() }, nil
}
