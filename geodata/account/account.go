// Package account holds casmap's accounts: users with a role, their
// passwords (argon2id), and API tokens (random, stored as hashes). It
// knows nothing of HTTP or SQL; the stores keep accounts and the server
// checks them.
package account

import (
	"errors"
	"fmt"
	"regexp"
	"time"
)

// Role is what an account may do. Each role can do all that the ones
// below it can.
type Role string

// The roles, lowest first.
const (
	// Editor proposes changes: new features, edits, deletions.
	Editor Role = "editor"
	// Reviewer publishes or rejects proposals, writes directly, reverts.
	Reviewer Role = "reviewer"
	// Admin manages accounts as well.
	Admin Role = "admin"
)

// rank orders the roles; 0 is no role.
func (r Role) rank() int {
	switch r {
	case Editor:
		return 1
	case Reviewer:
		return 2
	case Admin:
		return 3
	}
	return 0
}

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool { return r.rank() > 0 }

// Can reports whether an account of role r may do what need asks.
func (r Role) Can(need Role) bool { return r.Valid() && r.rank() >= need.rank() }

// ParseRole reads a role's name.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !r.Valid() {
		return "", fmt.Errorf("role %q: want editor, reviewer or admin", s)
	}
	return r, nil
}

// User is one account.
type User struct {
	ID   int64
	Name string
	Role Role
	// PasswordHash is the argon2id hash in PHC string form.
	PasswordHash string
	Disabled     bool
	Created      time.Time
	// PasswordChanged is when the password was last set: a session made
	// before it is no longer good (a reset signs everyone out).
	PasswordChanged time.Time
}

// Errors of account operations.
var (
	// ErrNoUser means no account has that name (or id).
	ErrNoUser = errors.New("no such account")
	// ErrUserExists means the name is taken.
	ErrUserExists = errors.New("an account with that name exists")
	// ErrNoToken means the token is unknown or revoked.
	ErrNoToken = errors.New("no such token")
)

// userName is the form of an account name: short, printable, no spaces,
// so it reads the same in history and logs.
var userName = regexp.MustCompile(`^[a-z][a-z0-9._-]{1,39}$`)

// CheckName checks an account name.
func CheckName(name string) error {
	if !userName.MatchString(name) {
		return fmt.Errorf("account name %q: use 2 to 40 lower-case letters, digits, '.', '_' or '-', starting with a letter", name)
	}
	return nil
}

// MinPassword is the shortest password accepted.
const MinPassword = 12

// CheckPassword checks a new password's length (NIST SP 800-63B: length
// matters, composition rules do not).
func CheckPassword(pw string) error {
	if len(pw) < MinPassword {
		return fmt.Errorf("the password must have at least %d characters", MinPassword)
	}
	if len(pw) > 1024 {
		return errors.New("the password is longer than 1024 bytes")
	}
	return nil
}
