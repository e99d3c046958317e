package geodata

import (
	"errors"
	"time"
)

// More kinds of error for writes (see ErrNotFound, ErrInvalid).
var (
	// ErrStale means the writer's copy is out of date: the feature
	// changed after the version its If-Match named. HTTP: 412.
	ErrStale = errors.New("the feature changed since you read it")
	// ErrConflict means the write cannot apply to the data as it is: a
	// create of an id that exists, a proposal whose feature changed
	// since it was made, a proposal already closed. HTTP: 409.
	ErrConflict = errors.New("conflict")
)

// Stalef returns an ErrStale error with a message for people.
func Stalef(format string, args ...any) error { return kindf(ErrStale, format, args...) }

// Conflictf returns an ErrConflict error with a message for people.
func Conflictf(format string, args ...any) error { return kindf(ErrConflict, format, args...) }

// Op is what a change does to a feature.
type Op string

// The operations of OGC API - Features Part 4 (a PATCH becomes a replace
// once the merge patch is applied).
const (
	OpCreate  Op = "create"
	OpReplace Op = "replace"
	OpDelete  Op = "delete"
)

// Kinds of change, as the history shows them.
const (
	KindEdit    = "edit"    // a person's create, replace or delete
	KindRevert  = "revert"  // back to the state at an earlier version
	KindRestore = "restore" // a deleted feature back as it was
	KindImport  = "import"  // casmap import
	KindSeed    = "seed"    // casmap seed
)

// Change is one write to one feature, as a person asked for it.
type Change struct {
	Layer string
	ID    string
	Op    Op
	// Feature is the new state (create and replace), already through
	// CheckWrite; ignored for a delete.
	Feature Feature
	// Base is the version at which the writer saw the feature (from
	// If-Match). A replace or delete fails with ErrStale when the
	// feature changed after it. Empty for a create.
	Base Version
	// Kind is KindEdit, KindRevert or KindRestore; RevertTo is the
	// version a revert or restore goes back to.
	Kind     string
	RevertTo Version
	// Author is the account that asked; Reason says why, in its words.
	Author string
	Reason string
}

// Revision is one published change in a feature's history: who, when,
// why, and the feature before and after (nil when it did not exist).
type Revision struct {
	// Version is the data version the change made.
	Version  Version   `json:"version"`
	Layer    string    `json:"layer"`
	ID       string    `json:"id"`
	Op       Op        `json:"op"`
	Kind     string    `json:"kind"`
	RevertTo Version   `json:"revertTo,omitempty"`
	Author   string    `json:"author"`
	Reviewer string    `json:"reviewer,omitempty"`
	Reason   string    `json:"reason"`
	At       time.Time `json:"at"`
	// Proposal is the proposal it published, 0 for a direct write.
	Proposal int64    `json:"proposal,omitempty"`
	Before   *Feature `json:"-"`
	After    *Feature `json:"-"`
}

// ProposalStatus is where a proposal stands.
type ProposalStatus string

// A proposal is pending until a reviewer publishes or rejects it, or its
// author withdraws it.
const (
	ProposalPending   ProposalStatus = "pending"
	ProposalPublished ProposalStatus = "published"
	ProposalRejected  ProposalStatus = "rejected"
	ProposalWithdrawn ProposalStatus = "withdrawn"
)

// Proposal is an editor's change waiting for review.
type Proposal struct {
	ID      int64
	Change  Change
	Status  ProposalStatus
	Created time.Time
	// Reviewer, Note and Closed say who closed it, why, and when.
	Reviewer string
	Note     string
	Closed   time.Time
	// Published is the version its publication made.
	Published Version
}

// ProposalFilter selects proposals: by status, author or feature; a zero
// field matches all. Limit bounds the answer (at most MaxProposals).
type ProposalFilter struct {
	Status ProposalStatus
	Author string
	Layer  string
	ID     string
	Limit  int
}

// MaxProposals is the most proposals one listing returns.
const MaxProposals = 500

// VersionQuery asks for a layer's features as they were at a version,
// in id order, a page at a time: After is the last id of the page
// before ("" for the first).
type VersionQuery struct {
	Layer   string
	Version Version
	After   string
	Limit   int
}
