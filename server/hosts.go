package server

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// hostList is the set of names a server answers to, against DNS
// rebinding: a hostile page whose name an attacker points at 127.0.0.1
// reaches casmap from inside the browser, but with its own name in Host.
// IP literals and localhost are always served (a page reached by address
// is not a rebound name), and so are the host of the base URL and the
// names configured.
type hostList map[string]bool

// newHostList returns the list of names, lower-cased, with any port or
// trailing dot dropped.
func newHostList(names ...string) hostList {
	l := hostList{}
	for _, n := range names {
		if h := bareHost(n); h != "" {
			l[h] = true
		}
	}
	return l
}

// allows reports whether a request naming hostport in Host is served.
func (l hostList) allows(hostport string) bool {
	h := bareHost(hostport)
	if h == "" {
		return false
	}
	if _, err := netip.ParseAddr(h); err == nil {
		return true
	}
	return h == "localhost" || l[h]
}

// bareHost is hostport without its port, brackets or trailing dot, in
// lower case; "" when it is not a host name or address at all.
func bareHost(hostport string) string {
	h := hostport
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		h = host
	}
	h = strings.TrimSuffix(strings.ToLower(strings.Trim(h, "[]")), ".")
	if h == "" || strings.ContainsAny(h, "/\\@?#% \t") {
		return ""
	}
	return h
}

// misdirected is the answer to a request for a host not in the list.
func misdirected(host string) string {
	return fmt.Sprintf("this server does not answer for the host %q; start casmap with --allowed-host %s (or --base-url) to serve it", truncateParam(host), truncateParam(bareHost(host)))
}

// GuardHosts wraps next so that it answers only requests whose Host is an
// IP address, localhost or one of names; others get 421 Misdirected
// Request. It is for listeners outside the Echo app (the --pprof one).
func GuardHosts(next http.Handler, names ...string) http.Handler {
	l := newHostList(names...)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !l.allows(r.Host) {
			http.Error(w, misdirected(r.Host), http.StatusMisdirectedRequest)
			return
		}
		next.ServeHTTP(w, r)
	})
}
