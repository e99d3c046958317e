package server

import (
	"github.com/casmap/casmap/geodata/account"
	"github.com/labstack/echo/v4"
)

// itemRoute is one feature's route.
const itemRoute = itemsRoute + "/:id"

// addWriteRoutes adds the OGC API - Features Part 4 writes and the review
// queue. Anonymous requests get 401 and too low a role 403 (never 405).
func addWriteRoutes(e *echo.Echo, w *writes, a *auth) {
	if w == nil || a == nil {
		return
	}
	as := func(need account.Role) []echo.MiddlewareFunc {
		return []echo.MiddlewareFunc{a.loadSession, a.checkOrigin, a.authenticate, require(need)}
	}
	signedIn := []echo.MiddlewareFunc{a.loadSession, a.authenticate, require(account.Editor)}

	e.POST(itemsRoute, w.create, as(account.Editor)...)
	e.PUT(itemRoute, w.replace, as(account.Editor)...)
	e.PATCH(itemRoute, w.update, as(account.Editor)...)
	e.DELETE(itemRoute, w.remove, as(account.Editor)...)
	e.POST(itemRoute+"/revert", w.revert, as(account.Reviewer)...)

	e.GET("/api/proposals", w.proposals, signedIn...)
	e.GET("/api/proposals/:pid", w.proposal, signedIn...)
	e.POST("/api/proposals/:pid/publish", w.publish, as(account.Reviewer)...)
	e.POST("/api/proposals/:pid/reject", w.reject, as(account.Reviewer)...)
	e.DELETE("/api/proposals/:pid", w.withdraw, as(account.Editor)...)
}
