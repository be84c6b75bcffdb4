package pathstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// postgresDSN is the test server: PDPATH_TEST_POSTGRES, else the local
// PostgreSQL that development and CI machines run with trust auth.
func postgresDSN() string {
	if dsn := os.Getenv("PDPATH_TEST_POSTGRES"); dsn != "" {
		return dsn
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// postgresBackend gives each test its own schema, dropped afterwards, so
// test runs on one server never see each other's rows. The store reaches
// it through search_path in the DSN, as a deployment would.
func postgresBackend(t *testing.T, now func() time.Time) func() Store {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	dsn := postgresDSN()
	admin := connectPostgres(ctx, t, dsn)
	var b [6]byte
	rand.Read(b[:])
	schema := "pathstore_test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(ctx, `CREATE SCHEMA `+pgx.Identifier{schema}.Sanitize()); err != nil {
		admin.Close(ctx)
		t.Fatalf("create schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := admin.Exec(ctx, `DROP SCHEMA `+pgx.Identifier{schema}.Sanitize()+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		admin.Close(ctx)
	})

	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("PDPATH_TEST_POSTGRES is not a URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	scoped := u.String()
	return func() Store {
		s, err := OpenPostgres(context.Background(), scoped, PostgresOptions{Now: now})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
}

// connectPostgres fails the test, saying how to start the server, when
// PostgreSQL does not answer: a silent skip would hide the backend's tests.
func connectPostgres(ctx context.Context, t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "3D000" {
			t.Fatalf("PostgreSQL answers but the test database does not exist (%v).\n"+
				"make test creates it; or run: createdb -h 127.0.0.1 -U postgres test", err)
		}
		t.Fatalf("PostgreSQL does not answer at %s: %v\n"+
			"Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"+
			"or point PDPATH_TEST_POSTGRES at another server.", redact(dsn), err)
	}
	return conn
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable DSN)"
	}
	return u.Redacted()
}

func TestPostgres(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	connectPostgres(ctx, t, postgresDSN()).Close(ctx)
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
