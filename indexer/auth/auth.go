// Package auth holds pdpath's API keys and what they may do: the four roles,
// key generation, and the key stores shared by `pdpath keys` and the running
// servers — a hashed key file in the index directory, or a PostgreSQL table
// for servers sharing one database. It knows nothing about HTTP; package api
// turns its answers into status codes (and keeps the rate limits).
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/pdpath/pdpath/indexer/derrors"
	"github.com/pdpath/pdpath/indexer/randid"
)

// Role is what a key may do.
type Role string

// The roles, from least to most trusted. Reader reads the catalog and asks
// for recommendations and plans; coach also keeps saved pathways of its own;
// aggregator also registers and syncs feeds; admin also manages keys.
const (
	RoleReader     Role = "reader"
	RoleCoach      Role = "coach"
	RoleAggregator Role = "aggregator"
	RoleAdmin      Role = "admin"
)

// Roles lists every role in a stable order, for usage messages.
var Roles = []Role{RoleReader, RoleCoach, RoleAggregator, RoleAdmin}

// Errors callers may test with errors.Is.
var (
	ErrUnknownRole = derrors.New(derrors.Invalid, "auth: unknown role")
	ErrNoKey       = derrors.New(derrors.NotFound, "auth: no such key")
	ErrInvalid     = derrors.New(derrors.Invalid, "auth: invalid key settings")
)

// ParseRole returns the role named s.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("%w %q (want one of reader, coach, aggregator, admin)", ErrUnknownRole, s)
}

// Allows reports whether a key with role r may call a route that requires
// need. Every key may read; coach and aggregator are separate branches (a
// coach does not sync feeds, an aggregator keeps no pathways); admin may do
// everything.
func (r Role) Allows(need Role) bool {
	switch {
	case r == RoleAdmin:
		return true
	case need == RoleReader:
		return r == RoleReader || r == RoleCoach || r == RoleAggregator
	default:
		return r == need
	}
}

// keyPrefix marks pdpath keys so a leaked one is recognisable in logs and
// secret scanners.
const keyPrefix = "pdp_"

// NewSecret returns a fresh random API key and its hash. The key carries
// 256 random bits, so a single fast SHA-256 is enough to store it: there is
// no low-entropy password to protect against dictionary attacks (which is
// what slow hashes such as bcrypt are for), and a fast hash lets every
// request look its key up in a map.
func NewSecret() (secret, hash string, err error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", fmt.Errorf("auth: random key: %w", err)
	}
	secret = keyPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	return secret, HashSecret(secret), nil
}

// HashSecret returns the hex SHA-256 of a key, the form the key file keeps.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(secret)))
	return hex.EncodeToString(sum[:])
}

// secretDigest is the raw SHA-256 of a presented key, what the stores'
// maps are keyed by. It hashes from a stack buffer: converting a key (47
// bytes) to []byte would allocate on every request.
func secretDigest(secret string) [sha256.Size]byte {
	var buf [64]byte
	return sha256.Sum256(append(buf[:0], strings.TrimSpace(secret)...))
}

// newID returns a fresh random id (package randid).
func newID() (string, error) { return randid.New("key_", 8), nil }
