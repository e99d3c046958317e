package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/account"
	"github.com/labstack/echo/v4"
)

// Sign-in limits: failures counted over signInWindow, per account name
// and per client address. Past either, sign-in answers 429 until the
// window has passed, right password or not.
const (
	signInWindow      = 15 * time.Minute
	maxFailuresByName = 5
	maxFailuresByAddr = 20
)

// whoami is what the page learns about the signed-in account.
type whoami struct {
	SignedIn bool   `json:"signedIn"`
	Name     string `json:"name,omitempty"`
	Role     string `json:"role,omitempty"`
	Private  bool   `json:"private"`
}

// handleSignIn checks a name and password and starts a session under a
// new token (so a token planted before sign-in is worth nothing).
func (a *auth) handleSignIn(dummyHash string) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		var body struct {
			Name     string `json:"name"`
			Password string `json:"password"`
		}
		if err := decodeJSONBody(c, &body); err != nil {
			return err
		}
		if body.Name == "" || body.Password == "" || len(body.Name) > 100 || len(body.Password) > 1024 {
			return geodata.Invalidf("sign-in takes {\"name\": ..., \"password\": ...}")
		}
		addr := c.RealIP()
		now := time.Now()
		byName, byAddr, err := a.accounts.SignInFailures(ctx, body.Name, addr, now.Add(-signInWindow))
		if err != nil {
			return err
		}
		if byName >= maxFailuresByName || byAddr >= maxFailuresByAddr {
			c.Response().Header().Set("Retry-After", strconv.Itoa(int(signInWindow.Seconds())))
			return echo.NewHTTPError(http.StatusTooManyRequests, "too many failed sign-ins; wait 15 minutes and try again")
		}
		u, err := a.accounts.User(ctx, body.Name)
		hash := u.PasswordHash
		if errors.Is(err, account.ErrNoUser) {
			hash = dummyHash // as slow as a real check
		} else if err != nil {
			return err
		}
		ok, verr := account.VerifyPassword(body.Password, hash)
		if err != nil || verr != nil || !ok || u.Disabled {
			if err := a.accounts.SignInFailed(ctx, body.Name, addr, now); err != nil {
				return err
			}
			return unauthorized("the name or password is wrong, or the account is disabled")
		}
		if err := a.accounts.SignInSucceeded(ctx, u.Name); err != nil {
			return err
		}
		if err := a.sessions.RenewToken(ctx); err != nil {
			return err
		}
		a.sessions.Put(ctx, sessionUser, u.ID)
		a.sessions.Put(ctx, sessionStamp, u.PasswordChanged.UnixNano())
		c.Response().Header().Set("Cache-Control", "no-store")
		return c.JSON(http.StatusOK, whoami{SignedIn: true, Name: u.Name, Role: string(u.Role), Private: a.private})
	}
}

// handleSignOut ends the session.
func (a *auth) handleSignOut(c echo.Context) error {
	if err := a.sessions.Destroy(c.Request().Context()); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// handleWhoami says who the request is signed in as, if anyone.
func (a *auth) handleWhoami(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	u, ok := currentUser(c)
	if !ok {
		return c.JSON(http.StatusOK, whoami{Private: a.private})
	}
	return c.JSON(http.StatusOK, whoami{SignedIn: true, Name: u.Name, Role: string(u.Role), Private: a.private})
}

// maxJSONBody bounds the JSON bodies of the write routes (a feature with
// a long line and its sources fits many times over).
const maxJSONBody = 512 << 10

// decodeJSONBody reads one JSON value from the request body into v: a
// 400 that says what is wrong when it is not JSON, is more than one
// value, or is too large.
func decodeJSONBody(c echo.Context, v any) error {
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, maxJSONBody+1))
	if err != nil {
		return err
	}
	if len(body) > maxJSONBody {
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge, "the request body is larger than 512 KiB")
	}
	return unmarshalBody(body, v)
}

// unmarshalBody decodes exactly one JSON value.
func unmarshalBody(body []byte, v any) error {
	dec := json.NewDecoder(bytesReader(body))
	if err := dec.Decode(v); err != nil {
		return geodata.Invalidf("the request body is not the JSON expected: %s", jsonMessage(err))
	}
	if dec.More() {
		return geodata.Invalidf("the request body holds more than one JSON value")
	}
	return nil
}
