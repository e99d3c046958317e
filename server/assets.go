package server

import (
	"errors"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strings"

	"github.com/casmap/casmap/geodata"
	"github.com/labstack/echo/v4"
)

// hashedName matches the content-hashed file names the front-end build
// writes (main-3F2ABCDE.js), which never change content.
var hashedName = regexp.MustCompile(`-[A-Z0-9]{8,}\.[a-z0-9]+$`)

// handleAssets serves the built front end: index.html for "/", revalidated
// on every visit, and hashed files cached for a year.
func handleAssets(assets fs.FS) echo.HandlerFunc {
	files := http.FS(assets)
	return func(c echo.Context) error {
		name := path.Clean("/" + c.Param("*"))
		if name == "/" {
			name = "/index.html"
		}
		f, err := files.Open(name)
		if errors.Is(err, fs.ErrNotExist) {
			if name == "/index.html" {
				return echo.NewHTTPError(http.StatusServiceUnavailable, "the map page is not built; run `make build`")
			}
			return geodata.NotFoundf("no page or file at %s", truncateParam(c.Request().URL.Path))
		}
		if err != nil {
			return err
		}
		defer f.Close()
		info, err := f.Stat()
		if err != nil {
			return err
		}
		if info.IsDir() {
			return geodata.NotFoundf("no page or file at %s", truncateParam(c.Request().URL.Path))
		}
		if hashedName.MatchString(name) && !strings.HasSuffix(name, ".html") {
			setCache(c, cacheImmutable)
		} else {
			setCache(c, "no-cache")
		}
		http.ServeContent(c.Response(), c.Request(), info.Name(), info.ModTime(), f)
		return nil
	}
}
