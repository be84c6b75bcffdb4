// Package derrors names the kinds of failure pdpath's packages report, so
// that a caller classifies an error once, by its kind, instead of knowing
// every package's sentinels or matching error text.
//
// A package declares its sentinels with New (errors.Is keeps working on
// them) or marks an error it did not create with Wrap; KindOf finds the
// kind anywhere in an error's chain. An error with no kind is Internal: the
// program's own failure.
package derrors

import (
	"errors"
	"fmt"
)

// Kind is what a failure means for whoever asked.
type Kind int

// The kinds, from the caller's point of view.
const (
	// Internal: the program failed; the caller can do nothing about it.
	Internal Kind = iota
	// Invalid: the caller's input is wrong and will stay wrong.
	Invalid
	// NotFound: what the caller named does not exist, or is not theirs.
	NotFound
	// Conflict: the caller's change clashes with the current state
	// (read again and retry, or pick another name).
	Conflict
	// Forbidden: the caller may not do this.
	Forbidden
	// Upstream: a third party the caller named (a feed URL) failed.
	Upstream
	// Unavailable: a dependency is down for now; retry later.
	Unavailable
)

var kindNames = [...]string{"internal", "invalid", "not found", "conflict", "forbidden", "upstream", "unavailable"}

func (k Kind) String() string {
	if int(k) < len(kindNames) && k >= 0 {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// kinded is implemented by errors that carry a kind.
type kinded interface{ Kind() Kind }

// sentinel is an error value declared by a package, with its kind.
type sentinel struct {
	kind Kind
	msg  string
}

func (e *sentinel) Error() string { return e.msg }
func (e *sentinel) Kind() Kind    { return e.kind }

// New returns a distinct error of kind k with message msg, for a package's
// exported sentinels.
func New(k Kind, msg string) error { return &sentinel{kind: k, msg: msg} }

// wrapped gives an error it did not create a kind.
type wrapped struct {
	kind Kind
	err  error
}

func (e *wrapped) Error() string { return e.err.Error() }
func (e *wrapped) Unwrap() error { return e.err }
func (e *wrapped) Kind() Kind    { return e.kind }

// Wrap marks err as of kind k, keeping its message and chain. Wrap(k, nil)
// is nil.
func Wrap(k Kind, err error) error {
	if err == nil {
		return nil
	}
	return &wrapped{kind: k, err: err}
}

// KindOf returns the kind of the outermost error in err's chain that has
// one, or Internal when none has (or err is nil).
func KindOf(err error) Kind {
	var k kinded
	if errors.As(err, &k) {
		return k.Kind()
	}
	return Internal
}

// Is reports whether err is of kind k.
func Is(err error, k Kind) bool { return err != nil && KindOf(err) == k }
