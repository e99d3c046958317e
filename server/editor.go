package server

import (
	"context"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/account"
)

// Editor is what the server needs of a store to take writes (OGC API -
// Features Part 4), keep their history, hold proposals for review, and
// answer for an earlier version. geodata/sqlite provides it, and
// geodata/postgis must too; geodata/storetest holds the behaviour both
// share. Handlers check roles and validate features (geodata.CheckWrite)
// before they call it; the store checks what only a transaction can:
// that the feature did not change under the writer.
//
// Versions are the store's own (the Version of Store): every method that
// writes bumps it in the same transaction as the change and its history,
// and a version names the state of all the data after one write.
type Editor interface {
	// Apply publishes c at once (a reviewer's write, a revert, a
	// restore) and records it in the history with reviewer as the one
	// who published it (the author, for a reviewer's own write). It
	// fails with geodata.ErrStale when c.Base is set and the feature
	// changed after it; geodata.ErrNotFound when replacing or deleting
	// a feature (or layer) that does not exist; geodata.ErrConflict
	// when creating an id that does. It returns the recorded revision.
	Apply(ctx context.Context, c geodata.Change, reviewer string) (geodata.Revision, error)
	// Propose records c as a pending proposal, checking it against the
	// published data as Apply would (stale, missing, existing), without
	// changing the published data or its version.
	Propose(ctx context.Context, c geodata.Change) (geodata.Proposal, error)
	// Proposals lists proposals matching f, newest first, at most
	// f.Limit (default and cap geodata.MaxProposals).
	Proposals(ctx context.Context, f geodata.ProposalFilter) ([]geodata.Proposal, error)
	// Proposal returns one proposal, or geodata.ErrNotFound.
	Proposal(ctx context.Context, id int64) (geodata.Proposal, error)
	// Publish applies a pending proposal as Apply does, with reviewer and
	// note, and marks it published, in one transaction. It fails with
	// geodata.ErrConflict when the proposal is not pending or its
	// feature changed after the proposal's base.
	Publish(ctx context.Context, id int64, reviewer, note string) (geodata.Revision, error)
	// CloseProposal marks a pending proposal rejected (by a reviewer) or
	// withdrawn (by its author) with a note; geodata.ErrConflict when it
	// is not pending.
	CloseProposal(ctx context.Context, id int64, status geodata.ProposalStatus, by, note string) (geodata.Proposal, error)
	// History returns every published change of one feature, oldest
	// first, with the feature before and after each; geodata.ErrNotFound
	// when the feature never existed. A feature deleted since still has
	// its history.
	History(ctx context.Context, layer, id string) ([]geodata.Revision, error)
	// ChangedSince reports whether the feature changed (was created,
	// replaced or deleted) after version v; an error wrapping
	// geodata.ErrInvalid when v is not a version of this store.
	ChangedSince(ctx context.Context, layer, id string, v geodata.Version) (bool, error)
	// FeatureAt returns the feature as it was at version v, or
	// geodata.ErrNotFound when it did not exist then.
	FeatureAt(ctx context.Context, layer, id string, v geodata.Version) (geodata.Feature, error)
	// FeaturesAt streams one page of the layer as it was at q.Version, in
	// id order after q.After, to yield, and returns the last id of the
	// page when more may follow ("" at the end). Its cost is bounded by
	// the page and the changes made since q.Version, never by the
	// layer's size.
	FeaturesAt(ctx context.Context, q geodata.VersionQuery, yield func(geodata.Feature) error) (next string, err error)
}

// Accounts is what the server needs of a store to sign people in. The
// stores keep accounts in the same database as the data.
type Accounts interface {
	// User returns the account named name, or account.ErrNoUser.
	User(ctx context.Context, name string) (account.User, error)
	// UserByID returns the account with id, or account.ErrNoUser.
	UserByID(ctx context.Context, id int64) (account.User, error)
	// Users lists every account, by name.
	Users(ctx context.Context) ([]account.User, error)
	// AddUser creates an account (its ID is assigned) and returns it;
	// account.ErrUserExists when the name is taken.
	AddUser(ctx context.Context, u account.User) (account.User, error)
	// UpdateUser saves the role, disabled flag, password hash and
	// password time of the account with u.ID; account.ErrNoUser.
	UpdateUser(ctx context.Context, u account.User) error
	// AddToken stores a token (its ID is assigned) and returns it.
	AddToken(ctx context.Context, t account.Token) (account.Token, error)
	// TokenUser finds the unrevoked token with hash and its account,
	// and notes that it was used; account.ErrNoToken when there is none.
	TokenUser(ctx context.Context, hash []byte) (account.Token, account.User, error)
	// Tokens lists an account's tokens, revoked ones included.
	Tokens(ctx context.Context, userID int64) ([]account.Token, error)
	// RevokeToken revokes one of an account's tokens; account.ErrNoToken
	// when the account has no such token.
	RevokeToken(ctx context.Context, userID, tokenID int64) error
	// SignInFailed records a failed sign-in for name from addr.
	SignInFailed(ctx context.Context, name, addr string, at time.Time) error
	// SignInFailures counts the failed sign-ins since since for name and
	// for addr.
	SignInFailures(ctx context.Context, name, addr string, since time.Time) (byName, byAddr int, err error)
	// SignInSucceeded forgets name's failures.
	SignInSucceeded(ctx context.Context, name string) error
}

// SessionStore keeps sign-in sessions for alexedwards/scs in casmap's own
// database: scs.CtxStore (Find, Commit, Delete with and without context).
// An expired session is not found.
type SessionStore = scs.CtxStore
