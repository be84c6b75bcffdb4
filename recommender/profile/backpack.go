package profile

import (
	"errors"
	"fmt"

	"github.com/pdpath/pdpath/indexer/derrors"
	"github.com/pdpath/pdpath/indexer/feeds/backpack"
)

// ErrNoBadges is returned when a backpack document holds no assertion or
// credential that names a badge.
var ErrNoBadges = derrors.New(derrors.Invalid, "profile: backpack holds no Open Badges assertion, Open Badges 3.0 credential or CLR credential")

// Backpack is what a teacher's badge backpack says she has earned (see
// package backpack, which reads it): BadgeClass or Achievement ids in
// document order, and notes on what was skipped.
type Backpack = backpack.Backpack

// ParseBackpack reads earned badges from one JSON document: Open Badges 2.0
// Assertions, Open Badges 3.0 and CLR 2.0 credentials, verifiable
// presentations, a JSON-LD @graph, or an array of any of these.
func ParseBackpack(data []byte) (Backpack, error) {
	b, err := backpack.Parse(data)
	if errors.Is(err, backpack.ErrNoBadges) {
		return b, ErrNoBadges
	}
	if err != nil {
		// A backpack is the caller's document: what cannot be read in it
		// is their mistake to fix.
		return b, derrors.Wrap(derrors.Invalid, fmt.Errorf("profile: %w", err))
	}
	return b, nil
}
