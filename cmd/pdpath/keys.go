package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/pdpath/pdpath/indexer/auth"
)

// runKeys manages API keys: `keys create`, `keys list`, `keys revoke ID`.
// Keys live hashed in the index directory, or in PostgreSQL with --store;
// running servers pick up changes within a second.
func runKeys(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usagef("usage: pdpath keys create|list|revoke [flags]")
	}
	switch args[0] {
	case "create":
		return runKeysCreate(ctx, e, args[1:])
	case "list":
		return runKeysList(ctx, e, args[1:])
	case "revoke":
		return runKeysRevoke(ctx, e, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintln(e.stderr, "usage: pdpath keys create --role reader|coach|aggregator|admin [--index DIR] [--store URL] [--label TEXT] [--rate N] [--burst N] [--json]")
		fmt.Fprintln(e.stderr, "       pdpath keys list [--index DIR] [--store URL] [--json]")
		fmt.Fprintln(e.stderr, "       pdpath keys revoke [--index DIR] [--store URL] [--json] ID")
		fmt.Fprintln(e.stderr, "\nRoles and the routes each may use: api/README.md in the pdpath repository.")
		return errHelp
	}
	return usagef("unknown keys subcommand %q (want create, list or revoke)", args[0])
}

func runKeysCreate(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "keys create", "--role reader|coach|aggregator|admin [--index DIR] [--store URL] [--label TEXT] [--rate N] [--burst N] [--json]")
	fs.docs = "Roles and the routes each may use: api/README.md in the pdpath repository."
	fs.indexFlag()
	fs.storeFlag()
	role := fs.String("role", "", "reader, coach, aggregator or admin (required)")
	label := fs.String("label", "", "a note saying whose key this is")
	rate := fs.Float64("rate", 0, "this key's own rate limit in requests per second (default: the server's)")
	burst := fs.Int("burst", 0, "this key's own burst (default: the rate, rounded up)")
	if _, err := fs.parse(args, 0, 0); err != nil {
		return err
	}
	r, err := auth.ParseRole(*role)
	if err != nil {
		return usagef("--role: %v", err)
	}
	if *rate < 0 || *burst < 0 {
		return usagef("--rate and --burst must not be negative")
	}
	store, err := auth.OpenKeys(ctx, fs.storeURL(), fs.indexDir())
	if err != nil {
		return err
	}
	defer store.Close()
	secret, k, err := store.Create(ctx, r, auth.CreateOptions{Label: *label, RatePerSec: *rate, Burst: *burst})
	if err != nil {
		return err
	}
	if fs.json {
		return writeJSON(e.stdout, map[string]string{"key": secret, "role": string(k.Role), "id": k.ID})
	}
	fmt.Fprintln(e.stdout, secret)
	fmt.Fprintf(e.stderr, "created %s key %s; the key is shown only now (only its hash is stored)\n", k.Role, k.ID)
	return nil
}

func runKeysList(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "keys list", "[--index DIR] [--store URL] [--json]")
	fs.indexFlag()
	fs.storeFlag()
	if _, err := fs.parse(args, 0, 0); err != nil {
		return err
	}
	store, err := auth.OpenKeys(ctx, fs.storeURL(), fs.indexDir())
	if err != nil {
		return err
	}
	defer store.Close()
	keys, err := store.List()
	if err != nil {
		return err
	}
	type listed struct {
		ID      string `json:"id"`
		Role    string `json:"role"`
		Created string `json:"created"`
		Label   string `json:"label,omitempty"`
	}
	out := struct {
		Keys []listed `json:"keys"`
	}{Keys: []listed{}}
	for _, k := range keys {
		out.Keys = append(out.Keys, listed{ID: k.ID, Role: string(k.Role), Created: k.Created.Format("2006-01-02T15:04:05Z07:00"), Label: k.Label})
	}
	if fs.json {
		return writeJSON(e.stdout, out)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, k := range out.Keys {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", k.ID, k.Role, k.Created, k.Label)
	}
	return tw.Flush()
}

func runKeysRevoke(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "keys revoke", "[--index DIR] [--store URL] [--json] ID")
	fs.indexFlag()
	fs.storeFlag()
	pos, err := fs.parse(args, 1, 1)
	if err != nil {
		return err
	}
	store, err := auth.OpenKeys(ctx, fs.storeURL(), fs.indexDir())
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.Revoke(ctx, pos[0]); err != nil {
		return err
	}
	if fs.json {
		return writeJSON(e.stdout, map[string]string{"revoked": pos[0]})
	}
	fmt.Fprintf(e.stdout, "revoked %s\n", pos[0])
	return nil
}
