package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// The write side of the contract (server.Editor): writes with their
// history and versions, proposals, and the data as it was at a version.

// edit is a change to the incidents layer of testData by "tester".
func edit(op geodata.Op, id string, base geodata.Version, name string) geodata.Change {
	c := geodata.Change{Layer: "incidents", ID: id, Op: op, Base: base, Author: "tester", Reason: "test " + string(op)}
	if op != geodata.OpDelete {
		c.Feature = feature(id, orb.Point{69.1, 34.5}, map[string]any{"name": name})
	}
	return c
}

func testApplyKeepsHistoryAndVersions(t *testing.T, open Opener) {
	db := seeded(t, open)
	ctx := context.Background()
	v0 := version(t, db)
	r1, err := db.Apply(ctx, edit(geodata.OpCreate, "new", "", "first"), "rev")
	if err != nil {
		t.Fatal(err)
	}
	if r1.Version == v0 || version(t, db) != r1.Version || r1.Op != geodata.OpCreate || r1.Before != nil || r1.After == nil {
		t.Fatalf("create: revision %+v, version %s (was %s)", r1, version(t, db), v0)
	}
	if _, err := db.Apply(ctx, edit(geodata.OpCreate, "new", "", "again"), "rev"); !errors.Is(err, geodata.ErrConflict) {
		t.Errorf("second create: %v, want a conflict", err)
	}
	r2, err := db.Apply(ctx, edit(geodata.OpReplace, "new", r1.Version, "second"), "rev")
	if err != nil {
		t.Fatal(err)
	}
	// A replace based on the version before r2 is stale now.
	if _, err := db.Apply(ctx, edit(geodata.OpReplace, "new", r1.Version, "lost update"), "rev"); !errors.Is(err, geodata.ErrStale) {
		t.Errorf("stale replace: %v, want ErrStale", err)
	}
	// A change elsewhere does not make a copy of this feature stale.
	if _, err := db.Apply(ctx, edit(geodata.OpCreate, "other", "", "x"), "rev"); err != nil {
		t.Fatal(err)
	}
	r3, err := db.Apply(ctx, edit(geodata.OpDelete, "new", r2.Version, ""), "rev")
	if err != nil {
		t.Fatalf("delete based on r2 after an unrelated write: %v", err)
	}
	if _, err := db.Apply(ctx, edit(geodata.OpDelete, "new", "", ""), "rev"); !errors.Is(err, geodata.ErrNotFound) {
		t.Errorf("delete of a deleted feature: %v, want not found", err)
	}
	hist, err := db.History(ctx, "incidents", "new")
	if err != nil || len(hist) != 3 {
		t.Fatalf("History = %d revisions, %v; want 3", len(hist), err)
	}
	if hist[1].Before.Properties["name"] != "first" || hist[1].After.Properties["name"] != "second" || hist[2].After != nil ||
		hist[1].Author != "tester" || hist[1].Reviewer != "rev" || hist[1].Reason != "test replace" {
		t.Errorf("history = %+v", hist)
	}
	for v, want := range map[geodata.Version]string{v0: "", r1.Version: "first", r2.Version: "second", r3.Version: ""} {
		f, err := db.FeatureAt(ctx, "incidents", "new", v)
		if want == "" {
			if !errors.Is(err, geodata.ErrNotFound) {
				t.Errorf("FeatureAt(%s) = %v, %v; want not found", v, f.Properties, err)
			}
			continue
		}
		if err != nil || f.Properties["name"] != want {
			t.Errorf("FeatureAt(%s) = %v, %v; want name %q", v, f.Properties, err, want)
		}
	}
	for _, bad := range []geodata.Version{"nonsense", "00000000-1", geodata.Version(string(v0[:9]) + "999999")} {
		if _, err := db.FeatureAt(ctx, "incidents", "new", bad); err == nil {
			t.Errorf("FeatureAt(%s): no error", bad)
		}
	}
}

func testFeaturesAtAVersion(t *testing.T, open Opener) {
	db := seeded(t, open)
	ctx := context.Background()
	v0 := version(t, db)
	before := allIDs(t, db, "incidents")
	pageAll := func(v geodata.Version, limit int) []string {
		var out []string
		after := ""
		for range 100 {
			next, err := db.FeaturesAt(ctx, geodata.VersionQuery{Layer: "incidents", Version: v, After: after, Limit: limit}, func(f geodata.Feature) error {
				out = append(out, f.ID)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if next == "" {
				return out
			}
			after = next
		}
		t.Fatal("paging did not end")
		return nil
	}
	victim := before[0]
	if _, err := db.Apply(ctx, edit(geodata.OpDelete, victim, v0, ""), "rev"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Apply(ctx, edit(geodata.OpCreate, "zz-new", "", "new"), "rev"); err != nil {
		t.Fatal(err)
	}
	if err := db.Import(ctx, "incidents", []geodata.Feature{feature("aa-imported", orb.Point{70, 35}, nil)}); err != nil {
		t.Fatal(err)
	}
	now := version(t, db)
	then := pageAll(v0, 2)
	if len(then) != len(before) {
		t.Errorf("at %s: %v, want the %d features of then %v", v0, then, len(before), before)
	}
	for _, id := range then {
		if id == "zz-new" || id == "aa-imported" {
			t.Errorf("at %s the layer holds %s, made later", v0, id)
		}
	}
	cur := pageAll(now, 3)
	if len(cur) != len(before)+1 {
		t.Errorf("now: %v", cur)
	}
	for i := 1; i < len(then); i++ {
		if then[i-1] >= then[i] {
			t.Errorf("not in id order: %v", then)
		}
	}
}

func testProposals(t *testing.T, open Opener) {
	db := seeded(t, open)
	ctx := context.Background()
	v0 := version(t, db)
	p, err := db.Propose(ctx, edit(geodata.OpCreate, "proposed", "", "draft"))
	if err != nil {
		t.Fatal(err)
	}
	if version(t, db) != v0 {
		t.Error("a proposal changed the data version")
	}
	if _, err := db.Feature(ctx, "incidents", "proposed"); !errors.Is(err, geodata.ErrNotFound) {
		t.Errorf("a pending proposal is published: %v", err)
	}
	if list, _ := db.Proposals(ctx, geodata.ProposalFilter{Status: geodata.ProposalPending}); len(list) != 1 || list[0].ID != p.ID {
		t.Errorf("pending = %+v", list)
	}
	r, err := db.Publish(ctx, p.ID, "rev", "checked the source")
	if err != nil {
		t.Fatal(err)
	}
	if r.Proposal != p.ID || r.Author != "tester" || r.Reviewer != "rev" {
		t.Errorf("published revision = %+v", r)
	}
	if _, err := db.Publish(ctx, p.ID, "rev", ""); !errors.Is(err, geodata.ErrConflict) {
		t.Errorf("publishing twice: %v, want a conflict", err)
	}
	got, _ := db.Proposal(ctx, p.ID)
	if got.Status != geodata.ProposalPublished || got.Published != r.Version {
		t.Errorf("proposal after publish = %+v", got)
	}
	// Two proposals on one feature: the second, once the first is
	// published, conflicts.
	a, _ := db.Propose(ctx, edit(geodata.OpReplace, "proposed", r.Version, "a"))
	b, _ := db.Propose(ctx, edit(geodata.OpReplace, "proposed", r.Version, "b"))
	if _, err := db.Publish(ctx, a.ID, "rev", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Publish(ctx, b.ID, "rev", ""); !errors.Is(err, geodata.ErrConflict) {
		t.Errorf("publishing a proposal whose feature changed: %v, want a conflict", err)
	}
	if _, err := db.CloseProposal(ctx, b.ID, geodata.ProposalRejected, "rev", "superseded"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CloseProposal(ctx, b.ID, geodata.ProposalWithdrawn, "tester", ""); !errors.Is(err, geodata.ErrConflict) {
		t.Errorf("closing a closed proposal: %v, want a conflict", err)
	}
	if _, err := db.Propose(ctx, edit(geodata.OpReplace, "proposed", r.Version, "stale")); !errors.Is(err, geodata.ErrStale) {
		t.Errorf("proposing from a stale copy: %v, want ErrStale", err)
	}
}

// Imports and seeds are kept in the history too.
func testImportIsHistory(t *testing.T, open Opener) {
	db := seeded(t, open)
	ctx := context.Background()
	id := allIDs(t, db, "incidents")[0]
	v := version(t, db)
	if err := db.Import(ctx, "incidents", []geodata.Feature{feature(id, orb.Point{70, 35}, map[string]any{"name": "imported"})}); err != nil {
		t.Fatal(err)
	}
	hist, err := db.History(ctx, "incidents", id)
	if err != nil || len(hist) < 2 || hist[len(hist)-1].Kind != geodata.KindImport || hist[len(hist)-1].Before == nil {
		t.Fatalf("history after import = %+v, %v", hist, err)
	}
	if f, _ := db.FeatureAt(ctx, "incidents", id, v); f.Properties["name"] == "imported" {
		t.Error("the version before the import shows the import")
	}
}
