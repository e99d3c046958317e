package server

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/account"
	"github.com/labstack/echo/v4"
)

// tokenView is a token as its owner sees it; the secret only once, when
// it is made.
type tokenView struct {
	ID       int64   `json:"id"`
	Label    string  `json:"label"`
	Created  string  `json:"created"`
	LastUsed *string `json:"lastUsed"`
	Revoked  *string `json:"revoked"`
	Token    string  `json:"token,omitempty"`
}

func toTokenView(t account.Token) tokenView {
	v := tokenView{ID: t.ID, Label: t.Label, Created: rfc3339(t.Created)}
	if !t.LastUsed.IsZero() {
		s := rfc3339(t.LastUsed)
		v.LastUsed = &s
	}
	if !t.Revoked.IsZero() {
		s := rfc3339(t.Revoked)
		v.Revoked = &s
	}
	return v
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// handleTokens lists the signed-in account's tokens.
func handleTokens(accounts Accounts) echo.HandlerFunc {
	return func(c echo.Context) error {
		u, _ := currentUser(c)
		list, err := accounts.Tokens(c.Request().Context(), u.ID)
		if err != nil {
			return err
		}
		out := make([]tokenView, 0, len(list))
		for _, t := range list {
			out = append(out, toTokenView(t))
		}
		c.Response().Header().Set("Cache-Control", "no-store")
		return c.JSON(http.StatusOK, map[string]any{"tokens": out})
	}
}

// handleNewToken makes an API token for the signed-in account and shows
// its secret, once.
func handleNewToken(accounts Accounts) echo.HandlerFunc {
	return func(c echo.Context) error {
		u, _ := currentUser(c)
		var body struct {
			Label string `json:"label"`
		}
		if err := decodeJSONBody(c, &body); err != nil {
			return err
		}
		if body.Label == "" || len(body.Label) > 100 {
			return geodata.Invalidf("a token needs a label of 1 to 100 bytes, saying what uses it")
		}
		secret, hash, err := account.NewToken()
		if err != nil {
			return err
		}
		t, err := accounts.AddToken(c.Request().Context(), account.Token{UserID: u.ID, Label: body.Label, Hash: hash})
		if err != nil {
			return err
		}
		v := toTokenView(t)
		v.Token = secret
		c.Response().Header().Set("Cache-Control", "no-store")
		return c.JSON(http.StatusCreated, v)
	}
}

// handleRevokeToken revokes one of the signed-in account's tokens.
func handleRevokeToken(accounts Accounts) echo.HandlerFunc {
	return func(c echo.Context) error {
		u, _ := currentUser(c)
		id, err := strconv.ParseInt(c.Param("id"), 10, 64)
		if err != nil {
			return geodata.NotFoundf("no token %q", truncateParam(c.Param("id")))
		}
		err = accounts.RevokeToken(c.Request().Context(), u.ID, id)
		if errors.Is(err, account.ErrNoToken) {
			return geodata.NotFoundf("you have no unrevoked token %d", id)
		}
		if err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	}
}

// userView is an account as an admin sees it.
type userView struct {
	Name     string `json:"name"`
	Role     string `json:"role"`
	Disabled bool   `json:"disabled"`
	Created  string `json:"created"`
}

func toUserView(u account.User) userView {
	return userView{Name: u.Name, Role: string(u.Role), Disabled: u.Disabled, Created: rfc3339(u.Created)}
}

// handleUsers lists the accounts (admins only).
func handleUsers(accounts Accounts) echo.HandlerFunc {
	return func(c echo.Context) error {
		list, err := accounts.Users(c.Request().Context())
		if err != nil {
			return err
		}
		out := make([]userView, 0, len(list))
		for _, u := range list {
			out = append(out, toUserView(u))
		}
		c.Response().Header().Set("Cache-Control", "no-store")
		return c.JSON(http.StatusOK, map[string]any{"users": out})
	}
}

// userChange is the body of an admin's account request: every field
// optional in a PATCH; name, role and password required in a POST.
type userChange struct {
	Name     string  `json:"name"`
	Role     *string `json:"role"`
	Disabled *bool   `json:"disabled"`
	Password *string `json:"password"`
}

// handleAddUser creates an account (admins only).
func handleAddUser(accounts Accounts, params account.Params) echo.HandlerFunc {
	return func(c echo.Context) error {
		var body userChange
		if err := decodeJSONBody(c, &body); err != nil {
			return err
		}
		if body.Role == nil || body.Password == nil {
			return geodata.Invalidf("a new account needs name, role and password")
		}
		if err := account.CheckName(body.Name); err != nil {
			return geodata.Invalidf("%v", err)
		}
		u := account.User{Name: body.Name}
		if err := applyUserChange(&u, body, params); err != nil {
			return err
		}
		u, err := accounts.AddUser(c.Request().Context(), u)
		if errors.Is(err, account.ErrUserExists) {
			return geodata.Conflictf("an account named %q exists", body.Name)
		}
		if err != nil {
			return err
		}
		c.Response().Header().Set(echo.HeaderLocation, "/api/users/"+u.Name)
		return c.JSON(http.StatusCreated, toUserView(u))
	}
}

// handleUpdateUser changes an account's role, disabled flag or password
// (admins only). A new password or disabling signs the account out.
func handleUpdateUser(accounts Accounts, params account.Params) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		u, err := accounts.User(ctx, c.Param("name"))
		if errors.Is(err, account.ErrNoUser) {
			return geodata.NotFoundf("no account named %q", truncateParam(c.Param("name")))
		}
		if err != nil {
			return err
		}
		var body userChange
		if err := decodeJSONBody(c, &body); err != nil {
			return err
		}
		if err := applyUserChange(&u, body, params); err != nil {
			return err
		}
		if err := accounts.UpdateUser(ctx, u); err != nil {
			return err
		}
		return c.JSON(http.StatusOK, toUserView(u))
	}
}

// applyUserChange applies the fields a request set.
func applyUserChange(u *account.User, ch userChange, params account.Params) error {
	if ch.Role != nil {
		r, err := account.ParseRole(*ch.Role)
		if err != nil {
			return geodata.Invalidf("%v", err)
		}
		u.Role = r
	}
	if ch.Disabled != nil {
		u.Disabled = *ch.Disabled
	}
	if ch.Password != nil {
		if err := account.CheckPassword(*ch.Password); err != nil {
			return geodata.Invalidf("%v", err)
		}
		h, err := account.HashPassword(*ch.Password, params)
		if err != nil {
			return err
		}
		u.PasswordHash = h
		u.PasswordChanged = time.Now().UTC()
	}
	return nil
}
