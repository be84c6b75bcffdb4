// Command testdb makes sure the PostgreSQL database the tests use exists.
// It reads PDPATH_TEST_POSTGRES (default
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable); when the server
// answers but the database is missing it creates it, through the server's
// maintenance database. When it cannot, it says which is wrong — no server
// answering, the login refused, or the database missing and not creatable —
// and how to put it right. `make test` runs it before the tests.
package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

const defaultDSN = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	msg, err := ensure(ctx, os.Getenv("PDPATH_TEST_POSTGRES"))
	if msg != "" {
		fmt.Fprintln(os.Stderr, msg)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// ensure connects to the test database, creating it when the server
// answers without it. It returns a note for the user when it created it.
func ensure(ctx context.Context, dsn string) (string, error) {
	if dsn == "" {
		dsn = defaultDSN
	}
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		return "", fmt.Errorf("PDPATH_TEST_POSTGRES is not a postgres:// URL")
	}
	name := strings.TrimPrefix(u.Path, "/")
	where := u.Host
	conn, err := pgx.Connect(ctx, dsn)
	if err == nil {
		return "", conn.Close(ctx)
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return "", fmt.Errorf("the tests need PostgreSQL and none answers at %s (%v).\n"+
			"Start it (Debian/Ubuntu: sudo pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start;\n"+
			"macOS: brew services start postgresql), or point PDPATH_TEST_POSTGRES at a running server.", where, err)
	}
	switch pgErr.Code {
	case "3D000": // invalid_catalog_name: the server answers, the database is missing
	case "28000", "28P01":
		return "", fmt.Errorf("PostgreSQL at %s answers but refuses the login in PDPATH_TEST_POSTGRES (%s).\n"+
			"The tests expect trust authentication for local connections, or put the user and password in PDPATH_TEST_POSTGRES.", where, pgErr.Message)
	default:
		return "", fmt.Errorf("PostgreSQL at %s: %v", where, err)
	}
	how := fmt.Sprintf("create it with: createdb -h %s -p %s -U %s %s (or psql: CREATE DATABASE %s), or point PDPATH_TEST_POSTGRES at another database",
		u.Hostname(), portOf(u), u.User.Username(), name, pgx.Identifier{name}.Sanitize())
	admin := *u
	admin.Path = "/postgres"
	conn, err = pgx.Connect(ctx, admin.String())
	if err != nil {
		admin.Path = "/template1"
		if conn, err = pgx.Connect(ctx, admin.String()); err != nil {
			return "", fmt.Errorf("PostgreSQL at %s answers, but the test database %q does not exist and could not be created (%v);\n%s", where, name, err, how)
		}
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		if errors.As(err, &pgErr) && pgErr.Code == "42P04" { // duplicate_database: created meanwhile
			return "", nil
		}
		return "", fmt.Errorf("PostgreSQL at %s answers, but the test database %q does not exist and could not be created (%v);\n%s", where, name, err, how)
	}
	return fmt.Sprintf("created the PostgreSQL test database %q at %s", name, where), nil
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	return "5432"
}
