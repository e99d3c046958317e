package server

import (
	"errors"
	"net/http"

	"github.com/casmap/casmap/geodata"
	"github.com/labstack/echo/v4"
)

// revisionView is one change in a feature's history.
type revisionView struct {
	Version  string         `json:"version"`
	Op       string         `json:"op"`
	Kind     string         `json:"kind"`
	RevertTo string         `json:"revertTo,omitempty"`
	Author   string         `json:"author"`
	Reviewer string         `json:"reviewer,omitempty"`
	Reason   string         `json:"reason"`
	At       string         `json:"at"`
	Proposal int64          `json:"proposal,omitempty"`
	Before   map[string]any `json:"before"`
	After    map[string]any `json:"after"`
	Changed  []string       `json:"changedProperties"`
	Geometry bool           `json:"geometryChanged"`
}

func (w writes) revisionView(c echo.Context, r geodata.Revision) revisionView {
	v := revisionView{Version: string(r.Version), Op: string(r.Op), Kind: r.Kind, RevertTo: string(r.RevertTo),
		Author: r.Author, Reviewer: r.Reviewer, Reason: r.Reason, At: rfc3339(r.At), Proposal: r.Proposal}
	if r.Before != nil {
		v.Before = featureBody(c, w.links, r.Layer, *r.Before)
	}
	if r.After != nil {
		v.After = featureBody(c, w.links, r.Layer, *r.After)
	}
	v.Changed, v.Geometry = geodata.Diff(r.Before, r.After)
	return v
}

// history is GET .../items/{id}/history: every published change, oldest
// first, for a feature that exists or once did.
func (w writes) history(c echo.Context) error {
	if len(c.QueryParams()) > 0 {
		return geodata.Invalidf("a history takes no parameters")
	}
	layer, id := c.Param("layer"), c.Param("id")
	revs, err := w.ed.History(c.Request().Context(), layer, id)
	if err != nil {
		return err
	}
	out := make([]revisionView, 0, len(revs))
	for _, r := range revs {
		out = append(out, w.revisionView(c, r))
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.JSON(http.StatusOK, map[string]any{
		"layer": layer, "id": id, "revisions": out,
		"links": []link{
			{Href: w.links.to(c, itemPath(layer, id)+"/history", nil), Rel: "self", Type: mediaJSON, Title: "This history"},
			{Href: w.links.to(c, itemPath(layer, id), nil), Rel: "item", Type: mediaGeoJSON, Title: "The feature now"},
		},
	})
}

// revert is POST .../items/{id}/revert {"version": V, "reason": ...}
// (reviewers): the feature back as it was at V, itself a recorded change;
// for a deleted feature, its restoration. If-Match, when sent, must be
// current.
func (w writes) revert(c echo.Context) error {
	u, _ := currentUser(c)
	ctx := c.Request().Context()
	var body struct {
		Version geodata.Version `json:"version"`
		Reason  string          `json:"reason"`
	}
	if err := decodeJSONBody(c, &body); err != nil {
		return err
	}
	if body.Version == "" || body.Reason == "" || len(body.Reason) > maxReason {
		return geodata.Invalidf("a revert takes {\"version\": the version to go back to, \"reason\": why}")
	}
	layer, err := w.store.Layer(ctx, c.Param("layer"))
	if err != nil {
		return err
	}
	id := c.Param("id")
	var base geodata.Version
	if c.Request().Header.Get("If-Match") != "" {
		if base, err = ifMatchVersion(c); err != nil {
			return err
		}
	}
	then, err := w.ed.FeatureAt(ctx, layer.ID, id, body.Version)
	absentThen := errors.Is(err, geodata.ErrNotFound)
	if err != nil && !absentThen {
		return err
	}
	now, err := w.current(c, layer.ID, id)
	if err != nil {
		return err
	}
	ch := geodata.Change{Layer: layer.ID, ID: id, Kind: geodata.KindRevert, RevertTo: body.Version, Author: u.Name, Reason: body.Reason, Base: base}
	switch {
	case absentThen && now == nil:
		return geodata.Conflictf("feature %q existed neither at %s nor now: nothing to revert", id, body.Version)
	case absentThen:
		ch.Op = geodata.OpDelete
	default:
		if then, err = geodata.CheckWrite(layer, then); err != nil {
			return geodata.Invalidf("the feature as it was at %s breaks today's rules: %s", body.Version, geodata.Message(err, "invalid"))
		}
		ch.Op, ch.Feature = geodata.OpReplace, then
		if now == nil {
			ch.Op, ch.Kind = geodata.OpCreate, geodata.KindRestore
		}
	}
	rev, err := w.ed.Apply(ctx, ch, u.Name)
	if err != nil {
		return err
	}
	c.Response().Header().Set("X-Data-Version", string(rev.Version))
	return c.JSON(http.StatusOK, w.revisionView(c, rev))
}
