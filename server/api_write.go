package server

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	jsonpatch "github.com/evanphx/json-patch/v5"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/account"
	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb/geojson"
)

// writes are the OGC API - Features Part 4 handlers: create (POST),
// replace (PUT), update (PATCH, a JSON merge patch), delete. An editor's
// write becomes a proposal (202, Location of the proposal); a reviewer's
// is published at once (201/200/204). Each states its reason; PUT, PATCH
// and DELETE need If-Match with the feature's ETag (428 without, 412
// when the feature changed since).
type writes struct {
	ed    Editor
	store Store
	links linker
}

// maxReason bounds a write's reason.
const maxReason = 1000

// writeRequest is what every write parses first.
type writeRequest struct {
	user   account.User
	layer  geodata.Layer
	id     string
	reason string
	base   geodata.Version
}

// parseWrite reads the account, layer, reason and (when needBase)
// If-Match of a write.
func (w writes) parseWrite(c echo.Context, needBase bool) (writeRequest, error) {
	u, _ := currentUser(c)
	wr := writeRequest{user: u, id: c.Param("id")}
	for name := range c.QueryParams() {
		if name != "reason" {
			return wr, geodata.Invalidf("unknown parameter %q; a write takes only reason", truncateParam(name))
		}
	}
	wr.reason = strings.TrimSpace(c.QueryParam("reason"))
	if wr.reason == "" || len(wr.reason) > maxReason {
		return wr, geodata.Invalidf("say why: every write takes reason=... (1 to %d bytes)", maxReason)
	}
	layer, err := w.store.Layer(c.Request().Context(), c.Param("layer"))
	if err != nil {
		return wr, err
	}
	wr.layer = layer
	if needBase {
		if wr.base, err = ifMatchVersion(c); err != nil {
			return wr, err
		}
	}
	return wr, nil
}

// ifMatchVersion is the data version in the If-Match ETag: the version
// the writer read the feature at.
func ifMatchVersion(c echo.Context) (geodata.Version, error) {
	h := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	if h == "" || h == "*" {
		return "", echo.NewHTTPError(http.StatusPreconditionRequired,
			"send If-Match with the ETag of the feature you changed (from GET .../items/{id}), so no one's change is overwritten unseen")
	}
	for _, tag := range splitList(h) {
		if v, ok := versionOfETag(tag); ok {
			return v, nil
		}
	}
	return "", geodata.Stalef("If-Match %s is not an ETag of this feature; fetch it again", truncateParam(h))
}

// decision answers a write: a proposal for an editor, published at once
// for a reviewer.
func (w writes) decide(c echo.Context, wr writeRequest, ch geodata.Change) error {
	ctx := c.Request().Context()
	ch.Layer, ch.ID, ch.Author, ch.Reason, ch.Base = wr.layer.ID, wr.id, wr.user.Name, wr.reason, wr.base
	if ch.Kind == "" {
		ch.Kind = geodata.KindEdit
	}
	if !wr.user.Role.Can(account.Reviewer) {
		p, err := w.ed.Propose(ctx, ch)
		if err != nil {
			return err
		}
		c.Response().Header().Set(echo.HeaderLocation, w.links.to(c, proposalPath(p.ID), nil))
		return c.JSON(http.StatusAccepted, w.proposalView(c, p, nil))
	}
	rev, err := w.ed.Apply(ctx, ch, wr.user.Name)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("X-Data-Version", string(rev.Version))
	h.Set("Cache-Control", "no-store")
	path := itemPath(wr.layer.ID, wr.id)
	switch ch.Op {
	case geodata.OpDelete:
		return c.NoContent(http.StatusNoContent)
	case geodata.OpCreate:
		h.Set(echo.HeaderLocation, w.links.to(c, path, nil))
		return w.writeFeature(c, http.StatusCreated, wr.layer.ID, *rev.After, rev.Version)
	}
	return w.writeFeature(c, http.StatusOK, wr.layer.ID, *rev.After, rev.Version)
}

// writeFeature answers with one feature and the ETag a GET of it at
// version v gives, for the next If-Match.
func (w writes) writeFeature(c echo.Context, status int, layer string, f geodata.Feature, v geodata.Version) error {
	path := itemPath(layer, f.ID)
	c.Response().Header().Set("ETag", etagFor(v, w.links.root(c), path, "", mediaGeoJSON, ""))
	c.Response().Header().Set(echo.HeaderContentType, mediaGeoJSON)
	return c.JSON(status, featureBody(c, w.links, layer, f))
}

// featureBody is a feature as GeoJSON with its links.
func featureBody(c echo.Context, links linker, layer string, f geodata.Feature) map[string]any {
	gf := f.ToGeoJSON()
	return map[string]any{
		"type": "Feature", "id": gf.ID, "geometry": geojson.NewGeometry(f.Geometry), "properties": gf.Properties,
		"links": []link{
			{Href: links.to(c, itemPath(layer, f.ID), nil), Rel: "self", Type: mediaGeoJSON, Title: "This feature"},
			{Href: links.to(c, "/api/collections/"+layer, nil), Rel: "collection", Type: mediaJSON, Title: "The layer"},
		},
	}
}

func itemPath(layer, id string) string {
	return "/api/collections/" + layer + "/items/" + url.PathEscape(id)
}

// readBody reads a write's body, checking its media type.
func readBody(c echo.Context, media ...string) ([]byte, error) {
	ct := strings.ToLower(strings.TrimSpace(strings.Split(c.Request().Header.Get(echo.HeaderContentType), ";")[0]))
	ok := false
	for _, m := range media {
		ok = ok || ct == m
	}
	if !ok {
		return nil, echo.NewHTTPError(http.StatusUnsupportedMediaType, "send the body as "+strings.Join(media, " or "))
	}
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, maxJSONBody+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxJSONBody {
		return nil, echo.NewHTTPError(http.StatusRequestEntityTooLarge, "the request body is larger than 512 KiB")
	}
	return body, nil
}

// checked decodes a feature body and applies the domain rules.
func checked(layer geodata.Layer, body []byte, id string, fromURL bool) (geodata.Feature, error) {
	f, err := geodata.DecodeFeature(body, id, fromURL)
	if err != nil {
		return geodata.Feature{}, err
	}
	return geodata.CheckWrite(layer, f)
}

// create is POST .../items: a new feature, its id from the body or made
// here.
func (w writes) create(c echo.Context) error {
	wr, err := w.parseWrite(c, false)
	if err != nil {
		return err
	}
	body, err := readBody(c, mediaGeoJSON, mediaJSON)
	if err != nil {
		return err
	}
	f, err := checked(wr.layer, body, newFeatureID(wr.layer.ID), false)
	if err != nil {
		return err
	}
	wr.id = f.ID
	return w.decide(c, wr, geodata.Change{Op: geodata.OpCreate, Feature: f})
}

// replace is PUT .../items/{id}.
func (w writes) replace(c echo.Context) error {
	wr, err := w.parseWrite(c, true)
	if err != nil {
		return err
	}
	body, err := readBody(c, mediaGeoJSON, mediaJSON)
	if err != nil {
		return err
	}
	f, err := checked(wr.layer, body, wr.id, true)
	if err != nil {
		return err
	}
	return w.decide(c, wr, geodata.Change{Op: geodata.OpReplace, Feature: f})
}

// update is PATCH .../items/{id}: an RFC 7396 JSON merge patch of the
// feature as GeoJSON (null removes a property).
func (w writes) update(c echo.Context) error {
	wr, err := w.parseWrite(c, true)
	if err != nil {
		return err
	}
	patch, err := readBody(c, "application/merge-patch+json", mediaJSON)
	if err != nil {
		return err
	}
	cur, err := w.store.Feature(c.Request().Context(), wr.layer.ID, wr.id)
	if err != nil {
		return err
	}
	doc, err := cur.ToGeoJSON().MarshalJSON()
	if err != nil {
		return err
	}
	merged, err := jsonpatch.MergePatch(doc, patch)
	if err != nil {
		return geodata.Invalidf("the merge patch is not a JSON object: %s", mergeProblem(err))
	}
	f, err := checked(wr.layer, merged, wr.id, true)
	if err != nil {
		return err
	}
	return w.decide(c, wr, geodata.Change{Op: geodata.OpReplace, Feature: f})
}

func mergeProblem(err error) string {
	if errors.Is(err, jsonpatch.ErrBadJSONPatch) || errors.Is(err, jsonpatch.ErrBadJSONDoc) {
		return "invalid JSON"
	}
	return "malformed"
}

// remove is DELETE .../items/{id}.
func (w writes) remove(c echo.Context) error {
	wr, err := w.parseWrite(c, true)
	if err != nil {
		return err
	}
	if _, err := w.store.Feature(c.Request().Context(), wr.layer.ID, wr.id); err != nil {
		return err
	}
	return w.decide(c, wr, geodata.Change{Op: geodata.OpDelete})
}
