package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/seed"
)

// TestOpenAPIDeclaresEveryParameter keeps the API definition honest: the
// OGC suite reads it to learn which query parameters the items path takes,
// and an undeclared one counts as unknown.
// responseParamsForTest are the server's own items parameters.
var responseParamsForTest = []string{"f", "download"}

func TestOpenAPIDeclaresEveryParameter(t *testing.T) {
	h, _ := newTestServer(t)
	rec := do(t, h, http.MethodGet, "/api/openapi.json", nil)
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]struct {
			Parameters []struct {
				Ref string `json:"$ref"`
			} `json:"parameters"`
		} `json:"paths"`
		Components struct {
			Parameters map[string]struct {
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
		} `json:"components"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.0") {
		t.Errorf("openapi = %q, want 3.0.x", doc.OpenAPI)
	}
	declared := map[string]bool{}
	for _, p := range doc.Paths["/collections/{collectionId}/items"]["get"].Parameters {
		name := strings.TrimPrefix(p.Ref, "#/components/parameters/")
		param, ok := doc.Components.Parameters[name]
		if !ok {
			t.Errorf("items parameter %s refers to nothing", p.Ref)
			continue
		}
		declared[param.Name] = true
	}
	want := append(geodata.ItemParams(), responseParamsForTest...)
	layers, err := seed.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range layers {
		want = append(want, l.Layer.Queryables...)
	}
	for _, name := range want {
		if !declared[name] {
			t.Errorf("items parameter %q is accepted by the server but not declared in openapi.json", name)
		}
	}
}
