package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/casmap/casmap/geodata"
	"github.com/labstack/echo/v4"
)

// problem is an RFC 9457 problem detail.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
}

// errorHandler maps every error to an application/problem+json response.
// It unwraps with errors.Is/As, so a wrapped domain error keeps its status;
// anything unknown is a 500 whose detail goes to the log, not the client.
func errorHandler(logger *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		status, detail := classify(err)
		if status >= 500 {
			logger.Error("internal error", "method", c.Request().Method, "uri", c.Request().RequestURI, "err", err)
		}
		if status == http.StatusUnauthorized {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="casmap"`)
		}
		p := problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail}
		if status == http.StatusServiceUnavailable {
			setRetryAfter(c)
		}
		if c.Request().Method == http.MethodHead {
			err = c.NoContent(status)
		} else {
			c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
			c.Response().Header().Set("Cache-Control", "no-store")
			err = c.JSON(status, p)
		}
		if err != nil {
			logger.Error("write error response", "err", err)
		}
	}
}

// statusClientClosed is logged for requests whose client went away.
const statusClientClosed = 499

func classify(err error) (int, string) {
	var he *echo.HTTPError
	switch {
	case errors.Is(err, geodata.ErrNotFound):
		return http.StatusNotFound, geodata.Message(err, "not found")
	case errors.Is(err, geodata.ErrInvalid):
		return http.StatusBadRequest, geodata.Message(err, "invalid request")
	case errors.Is(err, geodata.ErrStale):
		return http.StatusPreconditionFailed, geodata.Message(err, "the feature changed since you read it")
	case errors.Is(err, geodata.ErrConflict):
		return http.StatusConflict, geodata.Message(err, "conflict")
	case errors.Is(err, errBusy):
		return http.StatusServiceUnavailable, errBusy.Message.(string)
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "the request took too long; try a smaller query"
	case errors.Is(err, context.Canceled):
		// The client hung up: no one reads this answer, and it is not
		// our error. 499 is nginx's name for it, in the request log.
		return statusClientClosed, "client closed the request"
	case errors.As(err, &he):
		if msg, ok := he.Message.(string); ok && he.Code < 500 {
			return he.Code, msg
		}
		return he.Code, http.StatusText(he.Code)
	}
	return http.StatusInternalServerError, "something went wrong on our side; it has been logged"
}
