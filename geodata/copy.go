package geodata

import "context"

// Where a feature came from: the seed built into the binary, or a person's
// import. A re-seed replaces seed features and keeps imported ones, so a
// copy of a database keeps each feature's origin.
const (
	OriginSeed   = "seed"
	OriginImport = "import"
)

// Sink receives a whole database as `casmap copy` moves it from one store
// to another: every layer first (its metadata and seed version, in a
// LayerData without features), then every feature with its layer and
// origin, in the order the source added them.
type Sink interface {
	CopyLayer(ctx context.Context, ld LayerData) error
	CopyFeature(ctx context.Context, layer string, f Feature, origin string) error
}
