package server_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/casmap/casmap/server"
)

// The API definition declares the write, review and account routes the
// server serves, and /conformance claims Part 4 only when writes are on.
func TestOpenAPIDeclaresTheWriteRoutes(t *testing.T) {
	w := newAuthWorld(t, server.Config{})
	anon := w.client(t)
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(anon.do(http.MethodGet, "/api/openapi.json", nil).Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for path, methods := range map[string][]string{
		"/collections/{collectionId}/items":                     {"get", "post"},
		"/collections/{collectionId}/items/{featureId}":         {"get", "put", "patch", "delete"},
		"/collections/{collectionId}/items/{featureId}/history": {"get"},
		"/collections/{collectionId}/items/{featureId}/revert":  {"post"},
		"/proposals":                      {"get"},
		"/proposals/{proposalId}":         {"get", "delete"},
		"/proposals/{proposalId}/publish": {"post"},
		"/proposals/{proposalId}/reject":  {"post"},
		"/session":                        {"get", "post", "delete"},
	} {
		for _, m := range methods {
			if _, ok := doc.Paths[path][m]; !ok {
				t.Errorf("openapi.json lacks %s %s", m, path)
			}
		}
	}
	part4 := "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete"
	var conf struct {
		ConformsTo []string `json:"conformsTo"`
	}
	json.Unmarshal(anon.do(http.MethodGet, "/api/conformance", nil).Body.Bytes(), &conf)
	if !contains(stringsJoin(conf.ConformsTo), part4) {
		t.Errorf("a server that takes writes does not claim %s: %v", part4, conf.ConformsTo)
	}
	h, _ := newTestServer(t)
	rec := do(t, h, http.MethodGet, "/api/conformance", nil)
	if contains(rec.Body.String(), "ogcapi-features-4") {
		t.Errorf("a read-only server claims Part 4: %s", rec.Body.String())
	}
}

func stringsJoin(list []string) string {
	out := ""
	for _, s := range list {
		out += s + "\n"
	}
	return out
}
