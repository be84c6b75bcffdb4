package store

import (
	"context"
	"strings"
	"testing"

	"github.com/pdpath/pdpath/indexer/catalog"
)

// TestOwnersCannotTouchEachOthersItems reproduces an aggregator retiring or
// overwriting another owner's items by naming the same URL or the same id.
func TestOwnersCannotTouchEachOthersItems(t *testing.T) {
	const url = "https://issuer-a.example/feed.csv"
	headerOnly := []byte(csvHeader)
	overwrite := []byte(csvHeader + "a-1,Mallory,Hijacked title,Mine now.,InTASC:8,,,0,5,online,,,,\n")
	tests := []struct {
		name   string
		first  Input // publishes feedA
		attack Input
		// rejected is how many records the attack must see refused.
		rejected int
	}{
		{"same URL, header-only push by another owner",
			Input{Source: url, Owner: "key-a", Data: []byte(feedA)},
			Input{Source: url, Owner: "key-b", Data: headerOnly}, 0},
		{"existing id pushed by another owner",
			Input{Source: url, Owner: "key-a", Data: []byte(feedA)},
			Input{Source: "https://b.example/x.csv", Owner: "key-b", Data: overwrite}, 1},
		{"operator's item overwritten through a feed",
			Input{Source: "catalog/a.csv", Data: []byte(feedA)},
			Input{Source: url, Owner: "key-b", Data: overwrite}, 1},
		{"operator's files cannot overwrite a feed's item",
			Input{Source: url, Owner: "key-a", Data: []byte(feedA)},
			Input{Source: "catalog/b.csv", Data: overwrite}, 1},
		{"another owner's source removed",
			Input{Source: url, Owner: "key-a", Data: []byte(feedA)},
			Input{Source: url, Owner: "key-b", Drop: true}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := openTest(t, t.TempDir())
			ingest(t, c, tt.first)
			rep, err := c.IngestInputs(context.Background(), []Input{tt.attack})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Retired != 0 || rep.Updated != 0 || len(rep.Rejected) != tt.rejected {
				t.Fatalf("attack report %s, want nothing retired or updated and %d rejected", counts(rep), tt.rejected)
			}
			for _, rj := range rep.Rejected {
				if !strings.Contains(rj.Error, "another owner") || strings.Contains(rj.Error, "key-a") {
					t.Errorf("rejection %q should say the id is another owner's without naming them", rj.Error)
				}
			}
			a1, ok := c.Credential("a-1")
			if !ok || !a1.Active() || a1.Title != "Discussion Protocols Level 1" {
				t.Errorf("a-1 = %+v, want untouched and active", a1)
			}
			// The owner still manages its own items.
			again := tt.first
			again.Data = []byte(csvHeader + strings.Join(strings.Split(feedA, "\n")[2:4], "\n") + "\n")
			rep = ingest(t, c, again)
			if rep.Retired != 1 {
				t.Errorf("owner dropping a-1: report %s, want 1 retired", counts(rep))
			}
		})
	}
}

func TestRemovedSourceRetiresItsItems(t *testing.T) {
	c := openTest(t, t.TempDir())
	const url = "https://issuer-a.example/feed.csv"
	ingest(t, c, Input{Source: url, Owner: "key-a", Data: []byte(feedA)})
	rep := ingest(t, c, Input{Source: url, Owner: "key-a", Drop: true})
	if rep.Retired != 3 {
		t.Fatalf("report %s, want the feed's 3 items retired", counts(rep))
	}
	// A retired id is free for another owner.
	rep = ingest(t, c, Input{Source: "https://b.example/x.csv", Owner: "key-b", Data: []byte(feedA)})
	if len(rep.Rejected) != 0 || rep.Updated != 3 {
		t.Errorf("report %s, want the 3 retired ids taken over", counts(rep))
	}
}

// TestFieldLimits reproduces unbounded fields reaching the index: every
// format passes through the same limits, and each cut or refusal is in the
// report.
func TestFieldLimits(t *testing.T) {
	long := func(n int) string { return strings.Repeat("w", n) }
	tests := []struct {
		name      string
		row       string
		rejected  string // substring of the rejection, "" for none
		truncated string // substring of the truncation note, "" for none
		check     func(*catalog.Credential) bool
	}{
		{"one-word description of 1 MB", "l-1,Issuer,Long,\"" + long(1<<20) + "\",InTASC:1,,,,,,,,,",
			"", "description is 1048576 characters; kept the first 20000",
			func(c *catalog.Credential) bool { return len(c.Description) == catalog.MaxDescriptionRunes }},
		{"long title", "l-1,Issuer," + long(1000) + ",d,InTASC:1,,,,,,,,,",
			"", "title is 1000 characters", func(c *catalog.Credential) bool { return len(c.Title) == catalog.MaxTitleRunes }},
		{"long tag", "l-1,Issuer,T,d,InTASC:1,,,,,,,,," + long(300),
			"", "tags[0] is 300 characters", func(c *catalog.Credential) bool { return len(c.Tags[0]) == catalog.MaxLabelRunes }},
		{"long id", long(3000) + ",Issuer,T,d,InTASC:1,,,,,,,,,", "id is 3000 bytes", "", nil},
		{"long url", "l-1,Issuer,T,d,InTASC:1,,,,,,https://x.example/" + long(3000) + ",,,", "url is", "", nil},
		{"absurd hours", "l-1,Issuer,T,d,InTASC:1,,,,1e12,,,,,", "hours 1e+12 is outside 0..10000", "", nil},
		{"negative cost", "l-1,Issuer,T,d,InTASC:1,,,-5,,,,,,", "cost_usd", "", nil},
		{"absurd level", "l-1,Issuer,T,d,InTASC:1,100000,,,,,,,,", "level", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := openTest(t, t.TempDir())
			rep, err := c.IngestInputs(context.Background(), []Input{{Source: "l.csv", Data: []byte(csvHeader + tt.row + "\nok-1,Issuer,Fine,Fine.,InTASC:2,,,,,,,,,\n")}})
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := c.Credential("ok-1"); !ok {
				t.Error("the good record beside the bad one did not land")
			}
			if tt.rejected != "" {
				if len(rep.Rejected) != 1 || !strings.Contains(rep.Rejected[0].Error, tt.rejected) || rep.Rejected[0].Source != "l.csv" || rep.Rejected[0].Record == "" {
					t.Fatalf("rejected = %+v, want one naming %q", rep.Rejected, tt.rejected)
				}
				return
			}
			if len(rep.Rejected) != 0 || len(rep.Truncated) != 1 || !strings.Contains(rep.Truncated[0].Error, tt.truncated) {
				t.Fatalf("rejected %+v truncated %+v, want one truncation %q", rep.Rejected, rep.Truncated, tt.truncated)
			}
			cr, ok := c.Credential("l-1")
			if !ok || !tt.check(cr) {
				t.Errorf("l-1 = %.200v, not cut to its limit", cr)
			}
		})
	}
}

// TestRefusedForeignIDDoesNotBlockRetiring checks that a feed listing
// another owner's id still retires what it dropped of its own.
func TestRefusedForeignIDDoesNotBlockRetiring(t *testing.T) {
	c := openTest(t, t.TempDir())
	ingest(t, c, Input{Source: "catalog/a.csv", Data: []byte(feedA)})
	const url = "https://b.example/feed.csv"
	own := "b-1,Issuer B,Circles,Run circles.,FFT:2a,,,,,,,,,\nb-2,Issuer B,More circles,Run more circles.,FFT:2a,,,,,,,,,\n"
	foreign := "a-1,Issuer B,Hijack,Mine.,InTASC:8,,,,,,,,,\n"
	ingest(t, c, Input{Source: url, Owner: "key-b", Data: []byte(csvHeader + own)})
	rep := ingest(t, c, Input{Source: url, Owner: "key-b", Data: []byte(csvHeader + foreign + "b-1,Issuer B,Circles,Run circles.,FFT:2a,,,,,,,,,\n")})
	if len(rep.Rejected) != 1 || rep.Retired != 1 {
		t.Errorf("report %s, want a-1 refused and b-2 retired", counts(rep))
	}
}
