// Package pgdbtest gives tests a PostgreSQL schema of their own on the
// development and CI server, dropped when the test ends, so parallel test
// runs on one server never see each other's rows.
package pgdbtest

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

	"github.com/pdpath/pdpath/indexer/pgdb"
)

// DSN is the test server: PDPATH_TEST_POSTGRES, else the local PostgreSQL
// that development and CI machines run with trust auth.
func DSN() string {
	if dsn := os.Getenv("PDPATH_TEST_POSTGRES"); dsn != "" {
		return dsn
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// Schema creates a fresh schema named after prefix and returns a DSN whose
// search_path selects it. The schema is dropped in t.Cleanup. When
// PostgreSQL does not answer the test fails, saying how to start it: a
// silent skip would hide the backend's tests.
func Schema(t testing.TB, prefix string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	dsn := DSN()
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "3D000" {
			t.Fatalf("PostgreSQL answers at %s but the test database does not exist (%v).\n"+
				"make test creates it; or run: createdb -h 127.0.0.1 -U postgres test", pgdb.Redact(dsn), err)
		}
		t.Fatalf("PostgreSQL does not answer at %s: %v\n"+
			"Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"+
			"or point PDPATH_TEST_POSTGRES at another server.", pgdb.Redact(dsn), err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := prefix + "_" + hex.EncodeToString(b[:])
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
	return u.String()
}
