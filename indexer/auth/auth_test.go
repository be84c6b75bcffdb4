package auth

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRoleAllows(t *testing.T) {
	tests := []struct {
		have, need Role
		want       bool
	}{
		{RoleReader, RoleReader, true},
		{RoleCoach, RoleReader, true},
		{RoleAggregator, RoleReader, true},
		{RoleAdmin, RoleReader, true},
		{RoleReader, RoleCoach, false},
		{RoleReader, RoleAggregator, false},
		{RoleReader, RoleAdmin, false},
		{RoleCoach, RoleAggregator, false},
		{RoleAggregator, RoleCoach, false},
		{RoleCoach, RoleCoach, true},
		{RoleAggregator, RoleAggregator, true},
		{RoleAggregator, RoleAdmin, false},
		{RoleAdmin, RoleAggregator, true},
		{RoleAdmin, RoleCoach, true},
		{RoleAdmin, RoleAdmin, true},
	}
	for _, test := range tests {
		if got := test.have.Allows(test.need); got != test.want {
			t.Errorf("%s.Allows(%s) = %v, want %v", test.have, test.need, got, test.want)
		}
	}
}

func TestParseRole(t *testing.T) {
	for _, r := range Roles {
		if got, err := ParseRole(string(r)); err != nil || got != r {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, err)
		}
	}
	for _, bad := range []string{"", "Admin", "root", "reader "} {
		if _, err := ParseRole(bad); !errors.Is(err, ErrUnknownRole) {
			t.Errorf("ParseRole(%q) error = %v, want ErrUnknownRole", bad, err)
		}
	}
}

func TestStoreCreateLookupRevoke(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	secret, k, err := s.Create(ctx, RoleCoach, CreateOptions{Label: "district", RatePerSec: 3, Burst: 6})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, keyPrefix) || len(secret) < 40 {
		t.Errorf("secret %q does not look like a 32-byte key", secret)
	}
	got, ok := found(s.Lookup(context.Background(), secret))
	if !ok || got.ID != k.ID || got.Role != RoleCoach || got.RatePerSec != 3 || got.Burst != 6 || got.Label != "district" {
		t.Fatalf("Lookup = %+v, %v; want the created key %+v", got, ok, k)
	}
	if _, ok := found(s.Lookup(context.Background(), secret+"x")); ok {
		t.Error("Lookup accepted a wrong secret")
	}
	if _, ok := found(s.Lookup(context.Background(), "")); ok {
		t.Error("Lookup accepted an empty secret")
	}

	// The file holds the hash, never the secret, and only its owner may
	// read it.
	data, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), secret) || strings.Contains(string(data), strings.TrimPrefix(secret, keyPrefix)) {
		t.Error("key file contains the secret")
	}
	if !strings.Contains(string(data), HashSecret(secret)) {
		t.Error("key file does not contain the secret's hash")
	}
	if info, _ := os.Stat(s.Path()); info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", info.Mode().Perm())
	}

	if err := s.Revoke(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok := found(s.Lookup(context.Background(), secret)); ok {
		t.Error("Lookup accepted a revoked key")
	}
	if err := s.Revoke(ctx, k.ID); !errors.Is(err, ErrNoKey) {
		t.Errorf("second Revoke error = %v, want ErrNoKey", err)
	}
	if _, _, err := s.Create(ctx, Role("root"), CreateOptions{}); !errors.Is(err, ErrUnknownRole) {
		t.Errorf("Create(root) error = %v, want ErrUnknownRole", err)
	}
}

// TestStoreSeesOtherWriters plays the CLI creating and revoking keys while
// the server runs: the server's Store sees both without a restart.
func TestStoreSeesOtherWriters(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	server, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	server.recheck = 10 * time.Millisecond
	cli, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	secret, k, err := cli.Create(ctx, RoleReader, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// An unknown secret makes the server look at the file at once.
	if got, ok := found(server.Lookup(context.Background(), secret)); !ok || got.ID != k.ID {
		t.Fatalf("server Lookup of a key the CLI created = %+v, %v", got, ok)
	}
	if err := cli.Revoke(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	if _, ok := found(server.Lookup(context.Background(), secret)); ok {
		t.Error("server still accepts a key the CLI revoked")
	}
}

// TestStoreConcurrentCreates checks that writers in parallel (a CLI and a
// server's admin route) never lose each other's keys.
func TestStoreConcurrentCreates(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	const n = 20
	var wg sync.WaitGroup
	secrets := make([]string, n)
	for i := range n {
		wg.Go(func() {
			s, err := Open(dir)
			if err != nil {
				t.Error(err)
				return
			}
			secrets[i], _, err = s.Create(ctx, RoleReader, CreateOptions{})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != n {
		t.Fatalf("%d keys stored, want %d", len(keys), n)
	}
	for _, sec := range secrets {
		if _, ok := found(s.Lookup(context.Background(), sec)); !ok {
			t.Errorf("key %q lost", sec)
		}
	}
}

// found turns Lookup's answer into "is it a key", for tests that only ask that.
func found(k Key, err error) (Key, bool) { return k, err == nil }
