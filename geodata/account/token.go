package account

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
)

// Token is an API token: what a script sends as "Authorization: Bearer
// casmap_...". Only its hash is stored, so the database does not hold
// anything that signs in; the token itself is shown once.
type Token struct {
	ID      int64
	UserID  int64
	Label   string
	Hash    []byte // HashToken of the secret
	Created time.Time
	// LastUsed is when it last signed a request in (zero: never).
	LastUsed time.Time
	// Revoked is when it was revoked (zero: still good).
	Revoked time.Time
}

// tokenPrefix marks casmap's tokens, so a leaked one is recognisable.
const tokenPrefix = "casmap_"

// NewToken returns a new random secret (256 bits) and its hash.
func NewToken() (secret string, hash []byte, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, fmt.Errorf("token: %w", err)
	}
	secret = tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, HashToken(secret), nil
}

// HashToken is how a token is stored and looked up: SHA-256, which is
// enough for 256 random bits (no one guesses those, slowly or fast).
func HashToken(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// LooksLikeToken reports whether s has the form of a casmap token.
func LooksLikeToken(s string) bool {
	return strings.HasPrefix(s, tokenPrefix) && len(s) == len(tokenPrefix)+43
}
