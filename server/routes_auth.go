package server

import (
	"net/http"
	"strings"
	"time"

	"github.com/casmap/casmap/geodata/account"
	"github.com/labstack/echo/v4"
)

// newAuth makes the sign-in machinery from cfg, or nil when the server
// has no accounts.
func newAuth(cfg Config) *auth {
	if cfg.Accounts == nil || cfg.Sessions == nil {
		return nil
	}
	lifetime, idle := cfg.SessionLifetime, cfg.SessionIdle
	if lifetime == 0 {
		lifetime = 12 * time.Hour
	}
	if idle == 0 {
		idle = 2 * time.Hour
	}
	csrf := http.NewCrossOriginProtection()
	if cfg.BaseURL != "" {
		origin := cfg.BaseURL
		if i := strings.Index(origin[len("https://"):], "/"); i >= 0 {
			origin = origin[:len("https://")+i]
		}
		csrf.AddTrustedOrigin(strings.TrimSuffix(origin, "/")) //nolint:errcheck // a checked base URL is an origin
	}
	return &auth{accounts: cfg.Accounts, sessions: newSessionManager(cfg.Sessions, lifetime, idle), private: cfg.Private, csrf: csrf}
}

// readGuard is the middleware of the read routes: none on a public
// server; on a private one, sign-in, and answers that only private
// caches may keep.
func (a *auth) readGuard() []echo.MiddlewareFunc {
	if a == nil || !a.private {
		return nil
	}
	privateCache := func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			w := c.Response()
			w.Before(func() {
				if cc := w.Header().Get("Cache-Control"); strings.HasPrefix(cc, "public") {
					w.Header().Set("Cache-Control", "private"+strings.TrimPrefix(cc, "public"))
				}
			})
			return next(c)
		}
	}
	return []echo.MiddlewareFunc{a.loadSession, a.authenticate, require(account.Editor), privateCache}
}

// addAccountRoutes adds sign-in, tokens and (for admins) accounts.
func addAccountRoutes(e *echo.Echo, cfg Config, a *auth) {
	params := cfg.PasswordParams
	if params == (account.Params{}) {
		params = account.DefaultParams
	}
	dummy := account.DummyHash(params)
	signedIn := []echo.MiddlewareFunc{a.loadSession, a.authenticate}
	writes := func(need account.Role) []echo.MiddlewareFunc {
		return []echo.MiddlewareFunc{a.loadSession, a.checkOrigin, a.authenticate, require(need)}
	}

	e.GET("/api/session", a.handleWhoami, signedIn...)
	e.POST("/api/session", a.handleSignIn(dummy), a.loadSession, a.checkOrigin)
	e.DELETE("/api/session", a.handleSignOut, a.loadSession, a.checkOrigin)

	e.GET("/api/tokens", handleTokens(a.accounts), append(signedIn, require(account.Editor))...)
	e.POST("/api/tokens", handleNewToken(a.accounts), writes(account.Editor)...)
	e.DELETE("/api/tokens/:id", handleRevokeToken(a.accounts), writes(account.Editor)...)

	e.GET("/api/users", handleUsers(a.accounts), append(signedIn, require(account.Admin))...)
	e.POST("/api/users", handleAddUser(a.accounts, params), writes(account.Admin)...)
	e.PATCH("/api/users/:name", handleUpdateUser(a.accounts, params), writes(account.Admin)...)
}
