package server

import (
	"github.com/labstack/echo/v4"
)

// addWriteRoutes adds the OGC API - Features Part 4 writes, review and
// history, when the store takes writes.
func addWriteRoutes(e *echo.Echo, ed Editor, store Store, a *auth, links linker) {
	if ed == nil {
		return
	}
}
