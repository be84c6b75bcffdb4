package auth

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pdpath/pdpath/indexer/derrors"
	"github.com/pdpath/pdpath/indexer/pgdb/pgdbtest"
)

// keyBackends open, for one test, a fresh key store of each kind; each
// call of the returned function opens the same storage again, as another
// process would.
var keyBackends = map[string]func(t *testing.T) func() Keys{
	"file": func(t *testing.T) func() Keys {
		dir := t.TempDir()
		return func() Keys {
			s, err := OpenKeys(context.Background(), "", dir)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
	},
	"postgres": func(t *testing.T) func() Keys {
		dsn := pgdbtest.Schema(t, "auth_test")
		return func() Keys {
			s, err := OpenKeys(context.Background(), dsn, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
	},
}

// TestKeyStores runs one behaviour suite against every backend: what one
// process creates another uses at once, revocations reach it, and
// mistakes are classified.
func TestKeyStores(t *testing.T) {
	for name, backend := range keyBackends {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			open := backend(t)
			a, b := open(), open()

			secret, k, err := a.Create(ctx, RoleCoach, CreateOptions{Label: "district office", RatePerSec: 3, Burst: 6})
			if err != nil {
				t.Fatal(err)
			}
			got, ok := found(b.Lookup(context.Background(), secret))
			if !ok || got.ID != k.ID || got.Role != RoleCoach || got.Label != "district office" || got.RatePerSec != 3 || got.Burst != 6 {
				t.Fatalf("the other store's Lookup = %+v, %v; want %+v", got, ok, k)
			}
			if _, ok := found(b.Lookup(context.Background(), secret+"x")); ok {
				t.Error("a wrong secret was accepted")
			}
			secret2, k2, err := b.Create(ctx, RoleReader, CreateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			list, err := a.List()
			if err != nil {
				t.Fatal(err)
			}
			ids := map[string]bool{}
			for i, l := range list {
				ids[l.ID] = true
				if i > 0 && (list[i-1].Created.After(l.Created) || list[i-1].Created.Equal(l.Created) && list[i-1].ID > l.ID) {
					t.Errorf("List is not oldest first, then by id: %+v", list)
				}
			}
			if len(list) != 2 || !ids[k.ID] || !ids[k2.ID] {
				t.Errorf("List = %+v, want %s and %s", list, k.ID, k2.ID)
			}

			if err := a.Revoke(ctx, k2.ID); err != nil {
				t.Fatal(err)
			}
			// The other store rechecks within a second; poll a while.
			deadline := time.Now().Add(5 * time.Second)
			for {
				if _, ok := found(b.Lookup(context.Background(), secret2)); !ok {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("a revoked key still works on the other store")
				}
				time.Sleep(50 * time.Millisecond)
			}
			if _, ok := found(a.Lookup(context.Background(), secret)); !ok {
				t.Error("revoking one key lost another")
			}

			mistakes := []struct {
				name string
				err  error
				want error
			}{
				{"revoke unknown", a.Revoke(ctx, "key_nothere"), ErrNoKey},
				{"revoke NUL id", a.Revoke(ctx, "key_\x00"), ErrNoKey},
				{"unknown role", func() error { _, _, err := a.Create(ctx, Role("root"), CreateOptions{}); return err }(), ErrUnknownRole},
				{"negative rate", func() error { _, _, err := a.Create(ctx, RoleReader, CreateOptions{RatePerSec: -1}); return err }(), ErrInvalid},
			}
			for _, m := range mistakes {
				if !errors.Is(m.err, m.want) {
					t.Errorf("%s: %v, want %v", m.name, m.err, m.want)
				}
			}
		})
	}
}

// TestPostgresLookupDuringOutage: while PostgreSQL is down, a key the
// server has not seen yet (created elsewhere just before) is not called
// unknown: the store cannot say, so the lookup is Unavailable, while a key
// already loaded still works.
func TestPostgresLookupDuringOutage(t *testing.T) {
	ctx := context.Background()
	dsn := pgdbtest.Schema(t, "auth_outage")
	proxy := pgdbtest.NewProxy(t, dsn)
	server, err := OpenPostgres(ctx, proxy.DSN(dsn))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { server.Close() })
	cli, err := OpenPostgres(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	known, _, err := cli.Create(ctx, RoleReader, CreateOptions{Label: "known"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := server.Lookup(ctx, known); err != nil {
		t.Fatalf("Lookup before the outage: %v", err)
	}
	fresh, _, err := cli.Create(ctx, RoleReader, CreateOptions{Label: "fresh"})
	if err != nil {
		t.Fatal(err)
	}
	proxy.Stop()

	tests := []struct {
		name     string
		secret   string
		wantKind derrors.Kind
		wantErr  bool
	}{
		{"key loaded before the outage", known, 0, false},
		{"key created just before the outage", fresh, derrors.Unavailable, true},
		{"made-up key", "not-a-key", derrors.Unavailable, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := server.Lookup(ctx, tt.secret)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Lookup error = %v, want error %v", err, tt.wantErr)
			}
			if err == nil {
				return
			}
			if errors.Is(err, ErrNoKey) {
				t.Errorf("Lookup during an outage = %v, want not ErrNoKey", err)
			}
			if k := derrors.KindOf(err); k != tt.wantKind {
				t.Errorf("Lookup error kind = %v, want %v (%v)", k, tt.wantKind, err)
			}
		})
	}
}
