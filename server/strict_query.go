package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/casmap/casmap/geodata"
	"github.com/labstack/echo/v4"
)

// singleParams are the parameters that choose what a response is (its
// format, whether it is a download): given twice, even with one value,
// they are a mistake to report, not to guess at.
var singleParams = []string{"f", "download"}

// strictQuery makes parameters fail closed. Go's query parser drops a
// pair it cannot read (category=attack;x, a bad %-escape) and Echo hands
// handlers what is left, so a narrowing filter would vanish and the
// whole layer come back; here such a query is a 400 before any handler
// runs, as is a repeated f or download.
func strictQuery(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		q, err := url.ParseQuery(c.Request().URL.RawQuery)
		if err != nil {
			return geodata.Invalidf("the query string is malformed (%s); separate parameters with & and percent-encode ; %% and other reserved characters", queryProblem(err))
		}
		for _, name := range singleParams {
			if n := len(q[name]); n > 1 {
				return geodata.Invalidf("parameter %q is given %d times; give it once", name, n)
			}
		}
		return next(c)
	}
}

// queryProblem says briefly what the parser found, without echoing a
// long hostile string back whole.
func queryProblem(err error) string {
	if e, ok := err.(url.EscapeError); ok {
		return "bad percent-escape " + truncateParam(string(e))
	}
	msg := err.Error()
	if len(msg) > 80 {
		msg = msg[:80] + "…"
	}
	return msg
}

// acceptsGzip reports whether r's Accept-Encoding names gzip with a
// q-value above zero: "gzip;q=0" is a refusal. A bare * is not taken as
// gzip; identity is never wrong.
func acceptsGzip(r *http.Request) bool {
	for _, part := range splitList(r.Header.Get(echo.HeaderAcceptEncoding)) {
		if coding, q := parseQValue(part); coding == "gzip" || coding == "x-gzip" {
			return q > 0
		}
	}
	return false
}

// splitList splits a comma-separated header value into its trimmed,
// non-empty members.
func splitList(h string) []string {
	var out []string
	for _, part := range strings.Split(h, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// parseQValue splits "gzip;q=0.5" into its lower-cased token and q-value
// (1 when absent, 0 when unreadable: an unreadable weight accepts
// nothing).
func parseQValue(part string) (string, float64) {
	token, params, _ := strings.Cut(part, ";")
	token = strings.ToLower(strings.TrimSpace(token))
	q := 1.0
	for _, p := range strings.Split(params, ";") {
		name, value, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil || v < 0 || v > 1 {
			return token, 0
		}
		q = v
	}
	return token, q
}
