// Package web holds casmap's Leaflet front end. The page's sources live in
// index.html and src/; `npm run build` bundles them into dist/, which this
// package embeds so the binary serves the map with no network and no files
// beside it.
package web

import (
	"embed"
	"io/fs"
)

// dist is the built front end. The all: prefix keeps dist/.gitkeep, so the
// package compiles in a fresh clone before the first npm build.
//
//go:embed all:dist
var dist embed.FS

// Assets returns the built front end rooted at dist/: index.html and its
// content-hashed scripts, stylesheets and images, ready to serve at "/".
// Before `npm run build` it holds only .gitkeep.
func Assets() (fs.FS, error) {
	return fs.Sub(dist, "dist")
}
