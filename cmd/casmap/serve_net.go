package main

import (
	"flag"
	"fmt"
	"net/netip"
	"strings"

	"github.com/casmap/casmap/server"
)

// netFlags are serve's settings for how the server faces the network:
// what its links say, whom it believes, who may read it from elsewhere.
type netFlags struct {
	baseURL, proxies, cors, hosts string
	private                       bool
}

// addNetFlags declares them on fs; parseFlags fills those left out from
// their environment variables (flagEnv).
func addNetFlags(fs *flag.FlagSet) *netFlags {
	n := &netFlags{}
	fs.StringVar(&n.baseURL, "base-url", "", "the absolute `URL` the API's links start with, e.g. https://map.example.org")
	fs.StringVar(&n.proxies, "trusted-proxy", "", "comma-separated `ADDRESSES` or CIDR ranges of proxies whose X-Forwarded-* headers are believed")
	fs.StringVar(&n.cors, "cors-origin", "", "comma-separated `ORIGINS` whose pages may read the API cross-origin, or * for any; none by default")
	fs.StringVar(&n.hosts, "allowed-host", "", "comma-separated `HOSTS` served besides IP addresses and localhost")
	fs.BoolVar(&n.private, "private", false, "require sign-in to read the API (the page still loads, to show its sign-in form)")
	return n
}

// apply checks the settings and puts them into cfg.
func (n *netFlags) apply(cfg *server.Config) error {
	if n.baseURL != "" {
		base, err := server.ParseBaseURL(n.baseURL)
		if err != nil {
			return fmt.Errorf("--base-url: %w", err)
		}
		cfg.BaseURL = base
	}
	for _, p := range commaList(n.proxies) {
		prefix, err := parsePrefix(p)
		if err != nil {
			return fmt.Errorf("--trusted-proxy %q: want an IP address or a CIDR range such as 10.0.0.0/8", p)
		}
		cfg.TrustedProxies = append(cfg.TrustedProxies, prefix)
	}
	for _, o := range commaList(n.cors) {
		if o != "*" {
			if _, err := server.ParseBaseURL(o); err != nil || strings.Count(o, "/") != 2 {
				return fmt.Errorf("--cors-origin %q: want an origin such as https://qgis.example.org, or *", o)
			}
		}
		cfg.CORSOrigins = append(cfg.CORSOrigins, o)
	}
	cfg.AllowedHosts = append(cfg.AllowedHosts, commaList(n.hosts)...)
	cfg.Private = n.private
	return nil
}

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		return netip.ParsePrefix(s)
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// commaList splits a comma-separated flag value into its trimmed members.
func commaList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
