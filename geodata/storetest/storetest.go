// Package storetest is the contract of casmap's stores: one suite of
// every behaviour the server and the command line rely on, which each
// store (geodata/sqlite, geodata/postgis) runs against itself, the way
// database/sql drivers share conformance tests:
//
//	func TestContract(t *testing.T) { storetest.Run(t, open) }
//
// What is particular to one store (its query plans, its files) stays in
// that store's own tests.
package storetest

import (
	"context"
	"iter"
	"slices"
	"testing"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/account"
	"github.com/paulmach/orb"
)

// Store is what the suite drives: the server's reads and the writes of
// the command line.
type Store interface {
	Layers(ctx context.Context) ([]geodata.Layer, error)
	Layer(ctx context.Context, id string) (geodata.Layer, error)
	Features(ctx context.Context, q geodata.Query, yield func(geodata.Feature) error) (geodata.PageInfo, error)
	Feature(ctx context.Context, layer, id string) (geodata.Feature, error)
	Version(ctx context.Context) (geodata.Version, error)
	Clusters(ctx context.Context, q geodata.Query, zoom int) ([]geodata.Cluster, error)
	Stats(ctx context.Context, q geodata.Query) (geodata.Stats, error)

	HasLayers(ctx context.Context) (bool, error)
	Seed(ctx context.Context, data []geodata.LayerData, force bool) (bool, error)
	SeedVersions(ctx context.Context) (map[string]string, error)
	SeedLayers(ctx context.Context, data []geodata.LayerData, force bool) ([]string, error)
	Import(ctx context.Context, layer string, features []geodata.Feature) error
	ImportStream(ctx context.Context, layer string, features iter.Seq2[geodata.Feature, error]) (int, error)
	Export(ctx context.Context, layer string, begin func(geodata.Version) error, yield func(geodata.Feature) error) error
	Delete(ctx context.Context, layer, id string) error
	CopyOut(ctx context.Context, sink geodata.Sink) (geodata.Version, error)
	CopyIn(ctx context.Context, fill func(geodata.Sink) error) error
	Close() error

	Editor
	Accounts
}

// Editor is the write side the server takes edits through (server.Editor).
type Editor interface {
	Apply(ctx context.Context, c geodata.Change, reviewer string) (geodata.Revision, error)
	Propose(ctx context.Context, c geodata.Change) (geodata.Proposal, error)
	Proposals(ctx context.Context, f geodata.ProposalFilter) ([]geodata.Proposal, error)
	Proposal(ctx context.Context, id int64) (geodata.Proposal, error)
	Publish(ctx context.Context, id int64, reviewer, note string) (geodata.Revision, error)
	CloseProposal(ctx context.Context, id int64, status geodata.ProposalStatus, by, note string) (geodata.Proposal, error)
	History(ctx context.Context, layer, id string) ([]geodata.Revision, error)
	ChangedSince(ctx context.Context, layer, id string, v geodata.Version) (bool, error)
	FeatureAt(ctx context.Context, layer, id string, v geodata.Version) (geodata.Feature, error)
	FeaturesAt(ctx context.Context, q geodata.VersionQuery, yield func(geodata.Feature) error) (string, error)
}

// Accounts is how the server signs people in (server.Accounts).
type Accounts interface {
	User(ctx context.Context, name string) (account.User, error)
	UserByID(ctx context.Context, id int64) (account.User, error)
	Users(ctx context.Context) ([]account.User, error)
	AddUser(ctx context.Context, u account.User) (account.User, error)
	UpdateUser(ctx context.Context, u account.User) error
	AddToken(ctx context.Context, t account.Token) (account.Token, error)
	TokenUser(ctx context.Context, hash []byte) (account.Token, account.User, error)
	Tokens(ctx context.Context, userID int64) ([]account.Token, error)
	RevokeToken(ctx context.Context, userID, tokenID int64) error
	SignInFailed(ctx context.Context, name, addr string, at time.Time) error
	SignInFailures(ctx context.Context, name, addr string, since time.Time) (byName, byAddr int, err error)
	SignInSucceeded(ctx context.Context, name string) error
}

// Opener makes a new, empty store for one test, closed when the test
// ends, and a function that opens another handle on the same data, as
// another process would (also closed at the end).
type Opener func(t *testing.T) (s Store, again func(t *testing.T) Store)

// Run runs the whole contract against the stores open makes.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		run  func(t *testing.T, open Opener)
	}{
		{"Layers", testLayers},
		{"NotFound", testNotFound},
		{"FeatureRoundTrip", testFeatureRoundTrip},
		{"FeaturesBBox", testFeaturesBBox},
		{"FeaturesDatetime", testFeaturesDatetime},
		{"FeaturesProps", testFeaturesProps},
		{"FeaturesInvalidQuery", testFeaturesInvalidQuery},
		{"FeaturesPaging", testFeaturesPaging},
		{"Near", testNear},
		{"Clusters", testClusters},
		{"ClustersErrors", testClustersErrors},
		{"AggregatesAgreeWithPages", testAggregatesAgreeWithPages},
		{"SeedForceKeepsImports", testSeedForceKeepsImports},
		{"SeedRejectsBadInput", testSeedRejectsBadInput},
		{"SeedLayersReplacesChanged", testSeedLayersReplacesChanged},
		{"HasLayers", testHasLayers},
		{"ImportAllOrNothing", testImportAllOrNothing},
		{"ImportUpserts", testImportUpserts},
		{"ImportStream", testImportStream},
		{"Export", testExport},
		{"Stats", testStats},
		{"Cursors", testCursors},
		{"BoxesAfterAggregate", testBoxesAfterAggregate},
		{"RawProperties", testRawProperties},
		{"Delete", testDelete},
		{"Copy", testCopy},
		{"CopyAllOrNothing", testCopyAllOrNothing},
		{"CopyKeepsHistory", testCopyKeepsHistory},
		{"VersionChangesOnlyOnWrites", testVersionChangesOnlyOnWrites},
		{"VersionDiffersAcrossDatabases", testVersionDiffersAcrossDatabases},
		{"VersionSeenByAnotherHandle", testVersionSeenByAnotherHandle},
		{"ConcurrentReadsDuringWrites", testConcurrentReadsDuringWrites},
		{"Cancelled", testCancelled},
		{"CancelStopsWork", testCancelStopsWork},
		{"ApplyKeepsHistoryAndVersions", testApplyKeepsHistoryAndVersions},
		{"FeaturesAtAVersion", testFeaturesAtAVersion},
		{"Proposals", testProposals},
		{"ImportIsHistory", testImportIsHistory},
		{"Accounts", testAccounts},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, open) })
	}
}

// seeded opens a new store filled with TestData.
func seeded(t *testing.T, open Opener) Store {
	t.Helper()
	s, _ := open(t)
	if ok, err := s.Seed(context.Background(), TestData(), false); err != nil || !ok {
		t.Fatalf("Seed = %v, %v; want true, nil", ok, err)
	}
	return s
}

func sources() []any {
	return []any{map[string]any{"title": "Test source", "publisher": "casmap", "url": "https://example.org", "date": "2023-01-01"}}
}

// feature builds a feature with sources and the given extra properties.
func feature(id string, g orb.Geometry, props map[string]any) geodata.Feature {
	p := map[string]any{"sources": sources()}
	for k, v := range props {
		p[k] = v
	}
	return geodata.Feature{ID: id, Geometry: g, Properties: p}
}

func square(minx, miny, maxx, maxy float64) orb.Polygon {
	return orb.Polygon{{{minx, miny}, {maxx, miny}, {maxx, maxy}, {minx, maxy}, {minx, miny}}}
}

func bound(minx, miny, maxx, maxy float64) *orb.Bound {
	return &orb.Bound{Min: orb.Point{minx, miny}, Max: orb.Point{maxx, maxy}}
}

// TestData is a small region: two border polygons, a pipeline line, an
// empty railways layer and incidents, dated and not.
func TestData() []geodata.LayerData {
	return []geodata.LayerData{
		{
			Layer: geodata.Layer{
				ID: "borders", Title: "Country borders", GeometryKind: "Polygon",
				Style:      geodata.Style{Color: "#5b5b5b", FillColor: "#f2efe6", Weight: 1.2, Fill: 0.6},
				Queryables: []string{"iso_a3", "name"},
			},
			Features: []geodata.Feature{
				feature("AFG", square(60, 29, 75, 38.5), map[string]any{"iso_a3": "AFG", "name": "Afghanistan"}),
				feature("TJK", square(67, 36.5, 75, 41), map[string]any{"iso_a3": "TJK", "name": "Tajikistan"}),
			},
		},
		{
			Layer: geodata.Layer{ID: "tapi", Title: "TAPI gas pipeline", GeometryKind: "LineString", Style: geodata.Style{Color: "#d35400", Dash: "10 6"}},
			Features: []geodata.Feature{
				feature("tapi-af", orb.LineString{{62.2, 35.2}, {62.2, 34.3}, {65.7, 31.6}, {66.5, 30.2}}, map[string]any{"section": "Afghanistan"}),
			},
		},
		{
			// railways is the scratch layer of the tests: of no stated
			// geometry kind, it takes any.
			Layer: geodata.Layer{ID: "railways", Title: "Railways", Queryables: []string{"parity"}},
		},
		{
			Layer: geodata.Layer{ID: "incidents", Title: "Incidents", GeometryKind: "Point",
				Queryables: []string{"category", "actor", "claimed_by", "fatalities", "confirmed"}},
			Features: []geodata.Feature{
				feature("kabul-2022-09-05", orb.Point{69.17, 34.53}, map[string]any{
					"date": "2022-09-05", "category": "attack", "actor": "ISKP", "claimed_by": []any{"ISKP"}, "fatalities": 6.0, "confirmed": true}),
				feature("khorog-2022-05", orb.Point{71.55, 37.49}, map[string]any{
					"date": "2022-05-16", "date_end": "2022-05-18", "category": "crackdown", "actor": "Tajik security forces", "fatalities": "21"}),
				feature("dushanbe-2023-01", orb.Point{68.78, 38.56}, map[string]any{
					"date": "2023-01-10", "category": "plot", "actor": "ISKP", "claimed_by": []any{}, "fatalities": nil, "confirmed": false}),
				feature("herat-undated", orb.Point{62.2, 34.35}, map[string]any{"category": "unrest"}),
			},
		},
	}
}

// ids returns the ids of fs in order.
func ids(fs []geodata.Feature) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.ID
	}
	return out
}

// allIDs returns the ids of every feature of layer, sorted.
func allIDs(t *testing.T, s Store, layer string) []string {
	t.Helper()
	page, err := geodata.ReadPage(context.Background(), s, geodata.Query{Layer: layer, Limit: geodata.MaxLimit})
	if err != nil {
		t.Fatalf("Features(%s): %v", layer, err)
	}
	got := ids(page.Features)
	slices.Sort(got)
	return got
}

func version(t *testing.T, s Store) geodata.Version {
	t.Helper()
	v, err := s.Version(context.Background())
	if err != nil {
		t.Fatalf("Version: %v", err)
	}
	return v
}
