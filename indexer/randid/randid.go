// Package randid makes the random identifiers pdpath's stores hand out
// (keys, feeds, runs, pathways): unguessable, so one owner cannot probe
// for another's, and long enough never to collide in practice.
package randid

import (
	"crypto/rand"
	"encoding/hex"
)

// New returns prefix followed by n random bytes in hex. crypto/rand never
// fails on the platforms Go supports.
func New(prefix string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}
