package server_test

import (
	"net/http"
	"testing"

	"github.com/casmap/casmap/server"
)

// FuzzWriteBodies sends arbitrary bodies to every write route as a
// reviewer (whose writes publish at once): the answer is never a 5xx,
// and the data stays readable.
func FuzzWriteBodies(f *testing.F) {
	f.Add([]byte(`{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[69,34]},"properties":{"sources":[{"title":"t"}],"coord_source":{"kind":"placed","note":"placed by casmap on the town"}}}`), uint8(0))
	f.Add([]byte(`{"properties":{"name":null,"sources":[]}}`), uint8(2))
	f.Add([]byte(`{"geometry":{"type":"Point","coordinates":[1e308,1e308]}}`), uint8(2))
	f.Add([]byte(`{"version":"x-1","reason":"r"}`), uint8(3))
	f.Add([]byte(`{"type":"Feature","id":"x","geometry":{"type":"GeometryCollection","geometries":[]},"properties":{}}`), uint8(1))
	w := newAuthWorld(f, server.Config{})
	rita := w.as(f, "rita")
	f.Fuzz(func(t *testing.T, body []byte, route uint8) {
		rita.t = t
		tag := rita.do(http.MethodGet, placesItems+"/x", nil).Header().Get("ETag") // none once deleted
		var rec interface{ Result() *http.Response }
		switch route % 4 {
		case 0:
			rec = rita.do(http.MethodPost, placesItems+reason("fuzz"), string(body), "Content-Type", "application/geo+json")
		case 1:
			rec = rita.do(http.MethodPut, placesItems+"/x"+reason("fuzz"), string(body), "If-Match", tag, "Content-Type", "application/geo+json")
		case 2:
			rec = rita.do(http.MethodPatch, placesItems+"/x"+reason("fuzz"), string(body), "If-Match", tag, "Content-Type", "application/merge-patch+json")
		case 3:
			rec = rita.do(http.MethodPost, placesItems+"/x/revert", string(body), "Content-Type", "application/json")
		}
		if code := rec.Result().StatusCode; code >= 500 {
			t.Fatalf("route %d, body %q: status %d", route%4, body, code)
		}
		if rec := rita.do(http.MethodGet, placesItems, nil); rec.Code != http.StatusOK {
			t.Fatalf("after route %d with %q the layer reads %d", route%4, body, rec.Code)
		}
	})
}
