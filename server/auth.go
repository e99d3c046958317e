package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/casmap/casmap/geodata/account"
	"github.com/labstack/echo/v4"
)

// Session keys.
const (
	sessionUser  = "user"  // account id, int64
	sessionStamp = "stamp" // the account's PasswordChanged when signed in, Unix nanoseconds
)

// userKey is where the authenticated account sits in an echo.Context.
const userKey = "casmap.user"

// auth signs requests in, from a session cookie (the page) or a bearer
// token (scripts), and checks roles.
type auth struct {
	accounts Accounts
	sessions *scs.SessionManager
	private  bool
	csrf     *http.CrossOriginProtection
}

// newSessionManager configures scs: cookies Secure, HttpOnly and
// SameSite=Lax, sessions kept in store, ending after lifetime or after
// idle without a request.
func newSessionManager(store SessionStore, lifetime, idle time.Duration) *scs.SessionManager {
	sm := scs.New()
	sm.Store = store
	sm.Lifetime = lifetime
	sm.IdleTimeout = idle
	sm.Cookie.Name = "casmap_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.Secure = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Persist = false
	return sm
}

// loadSession loads the request's session (if its cookie names one) and
// saves it, with its cookie, just before the response is written.
func (a *auth) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		varyOnce(c.Response().Header(), "Cookie")
		var token string
		if ck, err := c.Cookie(a.sessions.Cookie.Name); err == nil {
			token = ck.Value
		}
		ctx, err := a.sessions.Load(c.Request().Context(), token)
		if err != nil {
			return err
		}
		c.SetRequest(c.Request().WithContext(ctx))
		w := c.Response()
		w.Before(func() {
			switch a.sessions.Status(ctx) {
			case scs.Modified:
				// An error answer is written after the handler's
				// context has ended; the session is saved all the same.
				tok, expiry, err := a.sessions.Commit(context.WithoutCancel(ctx))
				if err != nil {
					c.Logger().Error("save session: ", err)
					return
				}
				a.sessions.WriteSessionCookie(ctx, w, tok, expiry)
			case scs.Destroyed:
				a.sessions.WriteSessionCookie(ctx, w, "", time.Time{})
			}
		})
		return next(c)
	}
}

// authenticate finds who is asking, from a bearer token or the session,
// and puts the account in the context; no credentials is anonymous, bad
// ones a 401. A disabled account, or a session older than the account's
// last password change, is signed out.
func (a *auth) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		if h := c.Request().Header.Get(echo.HeaderAuthorization); h != "" {
			varyOnce(c.Response().Header(), echo.HeaderAuthorization)
			secret, ok := strings.CutPrefix(h, "Bearer ")
			if !ok || !account.LooksLikeToken(strings.TrimSpace(secret)) {
				return unauthorized("the Authorization header must be Bearer followed by a casmap_ token")
			}
			_, u, err := a.accounts.TokenUser(ctx, account.HashToken(strings.TrimSpace(secret)))
			if errors.Is(err, account.ErrNoToken) || (err == nil && u.Disabled) {
				return unauthorized("the token is unknown, revoked, or its account disabled")
			}
			if err != nil {
				return err
			}
			c.Set(userKey, u)
			return next(c)
		}
		id := a.sessions.GetInt64(ctx, sessionUser)
		if id == 0 {
			return next(c)
		}
		u, err := a.accounts.UserByID(ctx, id)
		if errors.Is(err, account.ErrNoUser) || (err == nil && (u.Disabled || u.PasswordChanged.UnixNano() != a.sessions.GetInt64(ctx, sessionStamp))) {
			if err := a.sessions.Destroy(ctx); err != nil {
				return err
			}
			return unauthorized("your session has ended; sign in again")
		}
		if err != nil {
			return err
		}
		c.Set(userKey, u)
		return next(c)
	}
}

// checkOrigin refuses a state-changing request that a browser sends from
// another site (CSRF): net/http's CrossOriginProtection, which reads
// Sec-Fetch-Site, or else compares Origin with Host. Requests with
// neither header (scripts, curl) pass; they carry no ambient cookie a
// page could abuse unless they send one themselves.
func (a *auth) checkOrigin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := a.csrf.Check(c.Request()); err != nil {
			return echo.NewHTTPError(http.StatusForbidden, "cross-site request refused: state-changing requests must come from casmap's own page")
		}
		return next(c)
	}
}

// require answers 401 to an anonymous request and 403 to an account whose
// role is below need.
func require(need account.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u, ok := currentUser(c)
			if !ok {
				return unauthorized("sign in (or send an API token) to do this")
			}
			if !u.Role.Can(need) {
				return echo.NewHTTPError(http.StatusForbidden, "your account ("+string(u.Role)+") cannot do this; it takes "+string(need))
			}
			return next(c)
		}
	}
}

// currentUser is the account the request was signed in as.
func currentUser(c echo.Context) (account.User, bool) {
	u, ok := c.Get(userKey).(account.User)
	return u, ok
}

// unauthorized is a 401 with the challenge RFC 9110 asks for.
func unauthorized(msg string) error {
	return &echo.HTTPError{Code: http.StatusUnauthorized, Message: msg, Internal: errChallenge}
}

// errChallenge marks a 401 whose answer carries WWW-Authenticate.
var errChallenge = errors.New("authentication required")
