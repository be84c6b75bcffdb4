// Package feedsync keeps the issuer feeds aggregators register and brings
// them into the catalog: a Store of feeds and their recent runs (a bbolt
// Registry beside the catalog, DIR/feeds.db, or PostgresRegistry, shared by
// servers on one database, where a lease per feed lets one server fetch it
// while the others wait for its run), a Syncer that fetches one feed —
// conditionally, through the SSRF-guarded indexer/fetch client — and ingests
// it, and a Scheduler that syncs each feed when its interval has passed.
//
// Every feed is one catalog source named by its owner and URL, whether its
// content was fetched or pushed, so a record the feed stops publishing is
// retired by the next sync of that feed and no other, and an item one owner
// publishes cannot be changed or retired through another owner's feed, even
// one registered at the same URL.
//
// Feeds belong to the API key that registered them; the Registry and
// Syncer check the owner on every call, and a feed of another owner is
// reported as ErrNotFound.
package feedsync

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/pdpath/pdpath/indexer/catalog"
	"github.com/pdpath/pdpath/indexer/derrors"
	"github.com/pdpath/pdpath/indexer/feeds/feed"
	"github.com/pdpath/pdpath/indexer/fetch"
)

// Errors callers classify with errors.Is.
var (
	// ErrNotFound: no feed with that id belongs to that owner.
	ErrNotFound = derrors.New(derrors.NotFound, "feedsync: feed not found")
	// ErrInvalid: the caller sent a feed or upload that cannot be used.
	ErrInvalid = derrors.New(derrors.Invalid, "feedsync: invalid feed")
	// ErrConflict: the owner already registered a feed at that URL.
	ErrConflict = derrors.New(derrors.Conflict, "feedsync: feed already registered")
	// ErrQuota: the owner has as many feeds as it may register.
	ErrQuota = derrors.New(derrors.Forbidden, "feedsync: feed quota reached")
)

// Run statuses.
const (
	StatusOK          = "ok"           // the feed was read and ingested
	StatusNotModified = "not-modified" // the server answered 304; nothing ingested
	StatusFailed      = "failed"       // fetching or ingesting failed; see Run.Error
)

// Limits.
const (
	// MinEvery and MaxEvery bound a feed's sync interval (0, on demand
	// only, is also allowed): more often than every quarter hour only
	// loads the issuer's server and this one (catalogs change daily at
	// most); rarer than a month is not a schedule.
	MinEvery = 15 * time.Minute
	MaxEvery = 30 * 24 * time.Hour
	// MaxRuns is how many runs are kept per feed; older ones are dropped.
	MaxRuns = 50
	// MaxStoredRejections caps the rejections (and, separately, the
	// truncations) kept in a stored run's report, so one broken feed
	// cannot fill the file. The Run returned
	// by a sync carries all of them.
	MaxStoredRejections = 1000
	// DefaultMaxFeedsPerOwner is how many feeds one key may register
	// unless the Registry is told otherwise (pdpath serve
	// --max-feeds-per-key).
	DefaultMaxFeedsPerOwner = 100
	// MaxURLBytes caps a feed URL.
	MaxURLBytes = 2048
	// FileName is the bbolt file OpenRegistry creates in the index
	// directory.
	FileName = "feeds.db"
)

// Feed is a registered issuer feed. ID and Created are set by the
// Registry; ETag, LastModified and LastRun by syncs.
type Feed struct {
	ID    string
	Owner string
	// URL is fetched on every sync and names the feed's records in the
	// catalog (their source).
	URL string
	// Format is an optional hint shown to people; the importer detects
	// the format from content either way.
	Format string
	// Every is how often the Scheduler syncs the feed; 0 means only on
	// demand.
	Every time.Duration
	// ETag and LastModified are the validators of the last response that
	// was ingested, sent back so an unchanged feed costs a 304.
	ETag         string
	LastModified string
	Created      time.Time
	// LastRun is when the last sync started (zero before the first).
	LastRun time.Time
	// Paused feeds are skipped by the Scheduler; the owner may still
	// sync them on demand.
	Paused bool

	// legacySource marks a feed registered before catalog sources had
	// owners: its next sync adopts the owner-less source at its URL.
	legacySource bool
}

// Run is one sync of a feed and its outcome.
type Run struct {
	ID       string
	FeedID   string
	Started  time.Time
	Finished time.Time
	Status   string
	// Error says why a failed run failed.
	Error  string
	Report catalog.Report
}

// formats are the hints a feed may carry: the importer's format names.
var formats = map[string]bool{
	feed.FormatOpenBadges2: true, feed.FormatOpenBadges3: true, feed.FormatCTDL: true,
	feed.FormatCSV: true, feed.FormatCASE: true, feed.FormatFrameworkCSV: true,
}

// ParseEvery reads a sync interval as written by a person ("24h", "90m");
// "" and "0" mean on demand only. The interval must lie between MinEvery
// and MaxEvery.
func ParseEvery(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%w: every %q is not a duration such as 24h or 90m", ErrInvalid, s)
	}
	if err := checkEvery(d); err != nil {
		return 0, err
	}
	return d, nil
}

func checkEvery(d time.Duration) error {
	if d != 0 && (d < MinEvery || d > MaxEvery) {
		return fmt.Errorf("%w: every %s is outside %s..%s (or 0 for on demand)", ErrInvalid, d, "15m", "720h")
	}
	return nil
}

// checkURL accepts absolute http and https URLs. Whether the host is a
// public address is decided when fetching, on the address actually
// dialled: a name checked now may resolve elsewhere later.
func checkURL(raw string) error {
	if len(raw) > MaxURLBytes {
		return fmt.Errorf("%w: URL is %d bytes, over %d", ErrInvalid, len(raw), MaxURLBytes)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%w: URL %q: %v", ErrInvalid, raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%w: URL %q must start with http:// or https://", ErrInvalid, raw)
	}
	if u.Host == "" || u.Hostname() == "" {
		return fmt.Errorf("%w: URL %q has no host", ErrInvalid, raw)
	}
	if _, err := fetch.NormalizeHost(u.Hostname()); err != nil {
		return fmt.Errorf("%w: URL %q: %v", ErrInvalid, raw, err)
	}
	if u.User != nil {
		// Registered URLs are listed back to callers and kept in
		// reports; a password in one would leak there.
		return fmt.Errorf("%w: URL %q carries credentials; feeds must be readable without them", ErrInvalid, u.Redacted())
	}
	return nil
}

func checkFeed(f Feed) error {
	if f.Owner == "" {
		return fmt.Errorf("%w: no owner", ErrInvalid)
	}
	if f.ID != "" {
		return fmt.Errorf("%w: a new feed must not carry an id (the registry assigns it)", ErrInvalid)
	}
	if err := checkURL(f.URL); err != nil {
		return err
	}
	if f.Format != "" && !formats[f.Format] {
		return fmt.Errorf("%w: format %q is not one of openbadges2, openbadges3, ctdl, csv, case, framework-csv", ErrInvalid, f.Format)
	}
	return checkEvery(f.Every)
}
