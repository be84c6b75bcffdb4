package derrors

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestKindOf(t *testing.T) {
	errGone := New(NotFound, "thing: not found")
	tests := []struct {
		name string
		err  error
		want Kind
	}{
		{"nil", nil, Internal},
		{"plain", errors.New("boom"), Internal},
		{"sentinel", errGone, NotFound},
		{"wrapped sentinel", fmt.Errorf("get x: %w", errGone), NotFound},
		{"Wrap", Wrap(Unavailable, context.DeadlineExceeded), Unavailable},
		{"outermost wins", Wrap(Upstream, fmt.Errorf("sync: %w", New(Invalid, "bad"))), Upstream},
		{"joined", errors.Join(errors.New("a"), New(Conflict, "b")), Conflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := KindOf(tt.err); got != tt.want {
				t.Errorf("KindOf(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestSentinelsStayDistinct(t *testing.T) {
	a, b := New(NotFound, "same"), New(NotFound, "same")
	if errors.Is(fmt.Errorf("x: %w", a), b) {
		t.Error("two sentinels with one message match each other")
	}
	if !errors.Is(fmt.Errorf("x: %w", a), a) {
		t.Error("a wrapped sentinel does not match itself")
	}
	w := Wrap(Invalid, a)
	if !errors.Is(w, a) || w.Error() != "same" {
		t.Errorf("Wrap lost the chain or the message: %v", w)
	}
	if Wrap(Invalid, nil) != nil {
		t.Error("Wrap(nil) is not nil")
	}
}
