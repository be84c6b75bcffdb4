package pathstore

import (
	"context"
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/pdpath/pdpath/indexer/derrors"
	"github.com/pdpath/pdpath/indexer/pgdb/pgdbtest"
)

// postgresBackend gives each test its own schema (pgdbtest.Schema),
// reached through search_path in the DSN, as a deployment would.
func postgresBackend(t *testing.T, now func() time.Time) func() Store {
	scoped := pgdbtest.Schema(t, "pathstore_test")
	return func() Store {
		s, err := OpenPostgres(context.Background(), scoped, PostgresOptions{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
}

func TestPostgres(t *testing.T) {
	testStore(t, postgresBackend)
}

func TestOpenPostgresScheme(t *testing.T) {
	open := postgresBackend(t, time.Now)
	s := open()
	dsn := s.(*Postgres).pool.Config().ConnString()
	s.Close()
	for _, scheme := range []string{"postgres", "postgresql"} {
		u, _ := url.Parse(dsn)
		u.Scheme = scheme
		s, err := Open(context.Background(), u.String(), t.TempDir())
		if err != nil {
			t.Fatalf("Open(%s://…): %v", scheme, err)
		}
		if _, ok := s.(*Postgres); !ok {
			t.Errorf("Open(%s://…) = %T, want *Postgres", scheme, s)
		}
		s.Close()
	}
}

// TestPostgresOutageIsUnavailable: when the database cannot be reached,
// every call reports derrors.Unavailable (an outage, 503), never a bare
// driver error the server would answer 500.
func TestPostgresOutageIsUnavailable(t *testing.T) {
	ctx := context.Background()
	s := postgresBackend(t, time.Now)()
	rec, err := s.Create(ctx, Record{Owner: "coach", Doc: json.RawMessage(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	s.Close() // from here on the pool cannot reach the server
	calls := map[string]func() error{
		"Ping":   func() error { return s.Ping(ctx) },
		"Get":    func() error { _, err := s.Get(ctx, "coach", rec.ID); return err },
		"List":   func() error { _, err := s.List(ctx, "coach", 0, 0); return err },
		"Create": func() error { _, err := s.Create(ctx, Record{Owner: "coach", Doc: json.RawMessage(`{}`)}); return err },
		"Update": func() error {
			_, err := s.Update(ctx, Record{ID: rec.ID, Owner: "coach", Version: 1, Doc: json.RawMessage(`{}`)})
			return err
		},
		"Delete": func() error { return s.Delete(ctx, "coach", rec.ID) },
	}
	for name, call := range calls {
		if err := call(); derrors.KindOf(err) != derrors.Unavailable {
			t.Errorf("%s during an outage: %v (kind %v), want unavailable", name, err, derrors.KindOf(err))
		}
	}
	if _, err := OpenPostgres(ctx, "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", PostgresOptions{}); derrors.KindOf(err) != derrors.Unavailable {
		t.Errorf("open on a closed port: %v, want unavailable", err)
	}
}
