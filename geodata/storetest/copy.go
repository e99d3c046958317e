package storetest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// copyAll copies from into to, as `casmap copy` does.
func copyAll(ctx context.Context, from, to Store) error {
	return to.CopyIn(ctx, func(sink geodata.Sink) error {
		_, err := from.CopyOut(ctx, sink)
		return err
	})
}

// testCopy moves a whole database into a new one: layers with their
// metadata, seed versions and counts, every feature as it was, in order,
// and each feature's origin (a re-seed of the copy keeps the imports).
func testCopy(t *testing.T, open Opener) {
	ctx := context.Background()
	from, _ := open(t)
	if _, err := from.SeedLayers(ctx, withVersions(TestData()), false); err != nil {
		t.Fatal(err)
	}
	imported := feature("user-1", orb.Point{65.7, 31.6}, map[string]any{"date": "2024-03-01", "category": "attack"})
	if err := from.Import(ctx, "incidents", []geodata.Feature{imported}); err != nil {
		t.Fatal(err)
	}
	to, _ := open(t)
	v := version(t, to)
	if err := copyAll(ctx, from, to); err != nil {
		t.Fatalf("copy: %v", err)
	}
	if version(t, to) == v {
		t.Errorf("version of the copy unchanged by the copy")
	}
	want, _ := from.Layers(ctx)
	got, err := to.Layers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("layers of the copy = %+v, want %+v", got, want)
	}
	if sv, _ := to.SeedVersions(ctx); sv["incidents"] != "v1-incidents" {
		t.Errorf("seed versions of the copy = %v, want those of the original", sv)
	}
	for _, l := range want {
		a, _ := geodata.ReadPage(ctx, from, geodata.Query{Layer: l.ID, Limit: geodata.MaxLimit})
		b, err := geodata.ReadPage(ctx, to, geodata.Query{Layer: l.ID, Limit: geodata.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(b.Features, a.Features) {
			t.Errorf("layer %s of the copy = %v, want %v (same features, same order)", l.ID, ids(b.Features), ids(a.Features))
		}
	}
	// Origins: a forced re-seed of the copy replaces seed features and
	// keeps the imported one.
	data := TestData()
	data[3].Features = data[3].Features[:1]
	if _, err := to.Seed(ctx, data, true); err != nil {
		t.Fatal(err)
	}
	if got := allIDs(t, to, "incidents"); !slices.Equal(got, []string{"kabul-2022-09-05", "user-1"}) {
		t.Errorf("incidents of the copy after a re-seed = %v, want [kabul-2022-09-05 user-1]", got)
	}
	// A second copy into a database that holds data is refused.
	if err := copyAll(ctx, from, to); !errors.Is(err, geodata.ErrInvalid) {
		t.Errorf("copy into a database with layers: error = %v, want ErrInvalid", err)
	}
}

// testCopyAllOrNothing fails a copy midway: the new database stays empty.
func testCopyAllOrNothing(t *testing.T, open Opener) {
	ctx := context.Background()
	from := seeded(t, open)
	to, _ := open(t)
	v := version(t, to)
	boom := errors.New("the source broke")
	err := to.CopyIn(ctx, func(sink geodata.Sink) error {
		for _, ld := range TestData() {
			if err := sink.CopyLayer(ctx, geodata.LayerData{Layer: ld.Layer}); err != nil {
				return err
			}
		}
		page, _ := geodata.ReadPage(ctx, from, geodata.Query{Layer: "incidents"})
		for _, f := range page.Features {
			if err := sink.CopyFeature(ctx, "incidents", f, geodata.OriginSeed); err != nil {
				return err
			}
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("CopyIn = %v, want the source's error", err)
	}
	if layers, _ := to.Layers(ctx); len(layers) != 0 {
		t.Errorf("layers after a failed copy = %d, want 0", len(layers))
	}
	if got := version(t, to); got != v {
		t.Errorf("version after a failed copy = %q, want %q", got, v)
	}
	err = to.CopyIn(ctx, func(sink geodata.Sink) error {
		if err := sink.CopyLayer(ctx, geodata.LayerData{Layer: geodata.Layer{ID: "incidents"}}); err != nil {
			return err
		}
		return sink.CopyFeature(ctx, "incidents", geodata.Feature{ID: "no-geometry"}, geodata.OriginImport)
	})
	if !errors.Is(err, geodata.ErrInvalid) {
		t.Errorf("CopyIn of a feature without geometry = %v, want ErrInvalid", err)
	}
	if layers, _ := to.Layers(ctx); len(layers) != 0 {
		t.Errorf("layers after a failed copy = %d, want 0", len(layers))
	}
}

// testCopyKeepsHistory copies a database with edits, a revert and
// proposals: the copy answers for the same versions (by generation) with
// the same history, data as it was, and review queue, and goes on from
// there.
func testCopyKeepsHistory(t *testing.T, open Opener) {
	ctx := context.Background()
	from := seeded(t, open)
	r1, err := from.Apply(ctx, edit(geodata.OpCreate, "kept", "", "first"), "rev")
	if err != nil {
		t.Fatal(err)
	}
	r2, err := from.Apply(ctx, edit(geodata.OpReplace, "kept", r1.Version, "second"), "rev")
	if err != nil {
		t.Fatal(err)
	}
	back := edit(geodata.OpReplace, "kept", r2.Version, "first")
	back.Kind, back.RevertTo = geodata.KindRevert, r1.Version
	if _, err := from.Apply(ctx, back, "rev"); err != nil {
		t.Fatal(err)
	}
	if _, err := from.Apply(ctx, edit(geodata.OpDelete, "herat-undated", "", ""), "rev"); err != nil {
		t.Fatal(err)
	}
	pending, err := from.Propose(ctx, edit(geodata.OpCreate, "proposed", "", "draft"))
	if err != nil {
		t.Fatal(err)
	}
	rejected, _ := from.Propose(ctx, edit(geodata.OpCreate, "refused", "", "no"))
	if _, err := from.CloseProposal(ctx, rejected.ID, geodata.ProposalRejected, "rev", "unsourced"); err != nil {
		t.Fatal(err)
	}
	to, _ := open(t)
	if err := copyAll(ctx, from, to); err != nil {
		t.Fatalf("copy: %v", err)
	}
	// The same generation, under the copy's own database id.
	prefix, _, _ := strings.Cut(string(version(t, to)), "-")
	in := func(v geodata.Version) geodata.Version {
		_, gen, _ := strings.Cut(string(v), "-")
		return geodata.Version(prefix + "-" + gen)
	}
	if got, want := version(t, to), in(version(t, from)); got != want {
		t.Errorf("version of the copy = %s, want %s (the source's generation)", got, want)
	}
	for _, id := range []string{"kept", "herat-undated", "kabul-2022-09-05"} {
		want, err := from.History(ctx, "incidents", id)
		if err != nil {
			t.Fatal(err)
		}
		got, err := to.History(ctx, "incidents", id)
		if err != nil || len(got) != len(want) {
			t.Fatalf("history of %s in the copy: %d revisions, %v; want %d", id, len(got), err, len(want))
		}
		for i := range want {
			w, g := want[i], got[i]
			if g.Version != in(w.Version) || g.Op != w.Op || g.Kind != w.Kind || g.Author != w.Author || g.Reviewer != w.Reviewer ||
				g.Reason != w.Reason || (w.RevertTo != "" && g.RevertTo != in(w.RevertTo)) || !g.At.Equal(w.At) ||
				!reflect.DeepEqual(g.Before, w.Before) || !reflect.DeepEqual(g.After, w.After) {
				t.Errorf("history of %s, revision %d: copy %+v, want %+v", id, i, g, w)
			}
		}
	}
	for _, v := range []geodata.Version{r1.Version, r2.Version} {
		want, _ := from.FeatureAt(ctx, "incidents", "kept", v)
		got, err := to.FeatureAt(ctx, "incidents", "kept", in(v))
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("FeatureAt(%s) in the copy = %v, %v; want %v", in(v), got.Properties, err, want.Properties)
		}
	}
	list, err := to.Proposals(ctx, geodata.ProposalFilter{})
	if err != nil || len(list) != 2 || list[0].ID != rejected.ID || list[0].Status != geodata.ProposalRejected ||
		list[0].Note != "unsourced" || list[1].ID != pending.ID || list[1].Change.Feature.Properties["name"] != "draft" {
		t.Errorf("proposals of the copy = %+v, %v", list, err)
	}
	// The copy goes on: a new proposal gets a new id, a publish writes.
	next, err := to.Propose(ctx, edit(geodata.OpCreate, "after-copy", "", "x"))
	if err != nil || next.ID <= rejected.ID {
		t.Errorf("a proposal after the copy: %+v, %v; want an id past %d", next, err, rejected.ID)
	}
	r, err := to.Publish(ctx, pending.ID, "rev", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := to.FeatureAt(ctx, "incidents", "proposed", in(r2.Version)); !errors.Is(err, geodata.ErrNotFound) {
		t.Errorf("a feature published after the copy exists at an earlier version: %v", err)
	}
	if got := version(t, to); got != r.Version {
		t.Errorf("version after a publish in the copy = %s, want %s", got, r.Version)
	}
}
