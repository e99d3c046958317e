package server

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/account"
	"github.com/labstack/echo/v4"
)

// newFeatureID makes an id for a feature posted without one.
func newFeatureID(layer string) string {
	b := make([]byte, 5)
	rand.Read(b)
	return layer + "-" + hex.EncodeToString(b)
}

func proposalPath(id int64) string { return "/api/proposals/" + strconv.FormatInt(id, 10) }

// proposalView is a proposal as the review queue shows it: the change,
// the feature before (as published now) and after, what differs, and
// the sources the reviewer checks.
type proposalView struct {
	ID        int64          `json:"id"`
	Status    string         `json:"status"`
	Layer     string         `json:"layer"`
	FeatureID string         `json:"featureId"`
	Op        string         `json:"op"`
	Kind      string         `json:"kind"`
	Author    string         `json:"author"`
	Reason    string         `json:"reason"`
	Created   string         `json:"created"`
	Base      string         `json:"base,omitempty"`
	Reviewer  string         `json:"reviewer,omitempty"`
	Note      string         `json:"note,omitempty"`
	Closed    string         `json:"closed,omitempty"`
	Published string         `json:"published,omitempty"`
	Before    map[string]any `json:"before"`
	After     map[string]any `json:"after"`
	Changed   []string       `json:"changedProperties"`
	Geometry  bool           `json:"geometryChanged"`
	Sources   []any          `json:"sources"`
	Links     []link         `json:"links"`
}

func (w writes) proposalView(c echo.Context, p geodata.Proposal, before *geodata.Feature) proposalView {
	ch := p.Change
	v := proposalView{ID: p.ID, Status: string(p.Status), Layer: ch.Layer, FeatureID: ch.ID, Op: string(ch.Op), Kind: ch.Kind,
		Author: ch.Author, Reason: ch.Reason, Created: rfc3339(p.Created), Base: string(ch.Base), Reviewer: p.Reviewer,
		Note: p.Note, Published: string(p.Published),
		Links: []link{{Href: w.links.to(c, proposalPath(p.ID), nil), Rel: "self", Type: mediaJSON, Title: "This proposal"}}}
	if !p.Closed.IsZero() {
		v.Closed = rfc3339(p.Closed)
	}
	var after *geodata.Feature
	if ch.Op != geodata.OpDelete {
		after = &ch.Feature
		v.After = featureBody(c, w.links, ch.Layer, ch.Feature)
	}
	if before != nil {
		v.Before = featureBody(c, w.links, ch.Layer, *before)
	}
	v.Changed, v.Geometry = geodata.Diff(before, after)
	v.Sources = geodata.SourcesOf(after, before)
	return v
}

// proposalID reads the :pid parameter.
func proposalID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("pid"), 10, 64)
	if err != nil || id <= 0 {
		return 0, geodata.NotFoundf("no proposal %q", truncateParam(c.Param("pid")))
	}
	return id, nil
}

// current is the published feature, nil when there is none.
func (w writes) current(c echo.Context, layer, id string) (*geodata.Feature, error) {
	f, err := w.store.Feature(c.Request().Context(), layer, id)
	if errors.Is(err, geodata.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &f, nil
}

// proposals lists proposals: a reviewer sees everyone's, an editor their
// own; ?status= (default pending), ?layer=, ?id= narrow it.
func (w writes) proposals(c echo.Context) error {
	u, _ := currentUser(c)
	f := geodata.ProposalFilter{Status: geodata.ProposalPending, Layer: c.QueryParam("layer"), ID: c.QueryParam("id")}
	for name := range c.QueryParams() {
		if name != "status" && name != "layer" && name != "id" {
			return geodata.Invalidf("unknown parameter %q; the queue takes status, layer and id", truncateParam(name))
		}
	}
	switch s := geodata.ProposalStatus(c.QueryParam("status")); s {
	case "":
	case "all":
		f.Status = ""
	case geodata.ProposalPending, geodata.ProposalPublished, geodata.ProposalRejected, geodata.ProposalWithdrawn:
		f.Status = s
	default:
		return geodata.Invalidf("status=%q: use pending, published, rejected, withdrawn or all", truncateParam(string(s)))
	}
	if !u.Role.Can(account.Reviewer) {
		f.Author = u.Name
	}
	list, err := w.ed.Proposals(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := make([]proposalView, 0, len(list))
	for _, p := range list {
		before, err := w.current(c, p.Change.Layer, p.Change.ID)
		if err != nil {
			return err
		}
		out = append(out, w.proposalView(c, p, before))
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, map[string]any{"proposals": out})
}

// ownProposal loads a proposal the account may see: a reviewer any, an
// editor only their own (403 for another's).
func (w writes) ownProposal(c echo.Context) (geodata.Proposal, account.User, error) {
	u, _ := currentUser(c)
	id, err := proposalID(c)
	if err != nil {
		return geodata.Proposal{}, u, err
	}
	p, err := w.ed.Proposal(c.Request().Context(), id)
	if err != nil {
		return geodata.Proposal{}, u, err
	}
	if !u.Role.Can(account.Reviewer) && p.Change.Author != u.Name {
		return geodata.Proposal{}, u, echo.NewHTTPError(http.StatusForbidden, "this proposal is another editor's")
	}
	return p, u, nil
}

func (w writes) proposal(c echo.Context) error {
	p, _, err := w.ownProposal(c)
	if err != nil {
		return err
	}
	before, err := w.current(c, p.Change.Layer, p.Change.ID)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, w.proposalView(c, p, before))
}

// note reads the optional {"note": "..."} body of a review decision.
func reviewNote(c echo.Context) (string, error) {
	if c.Request().ContentLength == 0 {
		return "", nil
	}
	var body struct {
		Note string `json:"note"`
	}
	if err := decodeJSONBody(c, &body); err != nil {
		return "", err
	}
	if len(body.Note) > maxReason {
		return "", geodata.Invalidf("a note has at most %d bytes", maxReason)
	}
	return strings.TrimSpace(body.Note), nil
}

// publish puts a pending proposal on the map (reviewers).
func (w writes) publish(c echo.Context) error {
	u, _ := currentUser(c)
	id, err := proposalID(c)
	if err != nil {
		return err
	}
	note, err := reviewNote(c)
	if err != nil {
		return err
	}
	rev, err := w.ed.Publish(c.Request().Context(), id, u.Name, note)
	if err != nil {
		return err
	}
	c.Response().Header().Set("X-Data-Version", string(rev.Version))
	return c.JSON(http.StatusOK, w.revisionView(c, rev))
}

// reject closes a pending proposal unpublished (reviewers; a note says why).
func (w writes) reject(c echo.Context) error {
	u, _ := currentUser(c)
	id, err := proposalID(c)
	if err != nil {
		return err
	}
	note, err := reviewNote(c)
	if err != nil {
		return err
	}
	if note == "" {
		return geodata.Invalidf("say why it is rejected: {\"note\": \"...\"}")
	}
	p, err := w.ed.CloseProposal(c.Request().Context(), id, geodata.ProposalRejected, u.Name, note)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, w.proposalView(c, p, nil))
}

// withdraw lets an editor take back their own pending proposal.
func (w writes) withdraw(c echo.Context) error {
	p, u, err := w.ownProposal(c)
	if err != nil {
		return err
	}
	if p.Change.Author != u.Name {
		return echo.NewHTTPError(http.StatusForbidden, "only its author withdraws a proposal; a reviewer rejects it")
	}
	if _, err := w.ed.CloseProposal(c.Request().Context(), p.ID, geodata.ProposalWithdrawn, u.Name, ""); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
