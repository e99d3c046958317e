package geodata

import (
	"context"
	"time"
)

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

// HistorySink is a Sink that also keeps the source's history: after the
// features, the source sends its generations, then every revision, every
// change with its feature's before-image, and every proposal. A copy that
// keeps them answers for the same versions (by generation: the database
// id in a version is the copy's own) as its source did.
type HistorySink interface {
	Sink
	// CopyGenerations gives the source's generation and the first one its
	// history covers; it comes before the rest of the history.
	CopyGenerations(ctx context.Context, generation, since int64) error
	CopyRevision(ctx context.Context, r CopiedRevision) error
	CopyChange(ctx context.Context, c CopiedChange) error
	CopyProposal(ctx context.Context, p CopiedProposal) error
}

// CopiedRevision is one generation's revision, as a copy moves it.
type CopiedRevision struct {
	Gen                    int64
	Kind, Author, Reviewer string
	Reason                 string
	At                     time.Time
	RevertTo, Proposal     *int64
}

// CopiedChange is one feature's change at one generation, with the
// feature as it was before (nil: it did not exist).
type CopiedChange struct {
	Layer, ID string
	Gen       int64
	Op        Op
	Before    *Feature
}

// CopiedProposal is one proposal, as a copy moves it.
type CopiedProposal struct {
	ID                int64
	Layer, FeatureID  string
	Op                Op
	Kind              string
	RevertTo, BaseGen *int64
	Feature           *Feature
	Author, Reason    string
	Created           time.Time
	Status            ProposalStatus
	Reviewer, Note    string
	Closed            *time.Time
	PublishedGen      *int64
}
