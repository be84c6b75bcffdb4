package pathstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"
)

// backend opens a fresh, empty store for one test. The function it returns
// opens that same storage (again after a Close); the test closes what it
// opens. now is the clock the store must use.
type backend func(t *testing.T, now func() time.Time) (open func() Store)

// clock is a test clock that moves on 1 ms at every reading, so records
// created one after another have distinct, ordered times.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock {
	return &clock{t: time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Millisecond)
	return c.t
}

func doc(s string) json.RawMessage { return json.RawMessage(s) }

// sameJSON reports whether a and b hold the same JSON value: PostgreSQL
// returns a jsonb document normalised, not byte for byte.
func sameJSON(t *testing.T, a, b json.RawMessage) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("decode %s: %v", a, err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return reflect.DeepEqual(va, vb)
}

// testStore is the behaviour every Store backend must show.
func testStore(t *testing.T, newBackend backend) {
	tests := []struct {
		name string
		run  func(t *testing.T, open func() Store)
	}{
		{"CRUD", testCRUD},
		{"OwnerIsolation", testOwnerIsolation},
		{"StaleVersionConflicts", testConflict},
		{"ListPaging", testListPaging},
		{"ConcurrentCreates", testConcurrentCreates},
		{"ConcurrentUpdatesOneWins", testConcurrentUpdates},
		{"Invalid", testInvalid},
		{"ReopenPersists", testReopen},
		{"UnstorableIDsAreNotFound", testUnstorableIDs},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			test.run(t, newBackend(t, newClock().Now))
		})
	}
}

func openStore(t *testing.T, open func() Store) Store {
	t.Helper()
	s := open()
	t.Cleanup(func() { s.Close() })
	return s
}

func testCRUD(t *testing.T, open func() Store) {
	ctx := context.Background()
	s := openStore(t, open)
	body := doc(`{"name": "UDL for grade 6", "plan": {"steps": [{"id": "a-1"}]}, "earned": []}`)
	created, err := s.Create(ctx, Record{Owner: "coach-1", Doc: body})
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == "" || created.Version != 1 || created.Owner != "coach-1" {
		t.Fatalf("created %+v, want an id, version 1, owner coach-1", created)
	}
	if created.Created.IsZero() || !created.Created.Equal(created.Updated) || created.Created.Location() != time.UTC {
		t.Fatalf("created times %v / %v, want equal, set, UTC", created.Created, created.Updated)
	}

	got, err := s.Get(ctx, "coach-1", created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !sameJSON(t, got.Doc, body) {
		t.Errorf("Get doc = %s, want %s", got.Doc, body)
	}
	if got.ID != created.ID || got.Version != 1 || !got.Created.Equal(created.Created) || !got.Updated.Equal(created.Updated) {
		t.Errorf("Get = %+v, want %+v", got, created)
	}

	next := doc(`{"name": "UDL for grade 6", "earned": ["a-1"]}`)
	got.Doc = next
	updated, err := s.Update(ctx, got)
	if err != nil {
		t.Fatal(err)
	}
	if updated.Version != 2 || !updated.Created.Equal(created.Created) || !updated.Updated.After(created.Updated) {
		t.Errorf("Update = version %d created %v updated %v; want version 2, created kept, updated later",
			updated.Version, updated.Created, updated.Updated)
	}
	got, err = s.Get(ctx, "coach-1", created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || !sameJSON(t, got.Doc, next) {
		t.Errorf("after Update, Get = version %d doc %s; want 2, %s", got.Version, got.Doc, next)
	}

	if err := s.Delete(ctx, "coach-1", created.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "coach-1", created.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete: %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, "coach-1", created.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Delete: %v, want ErrNotFound", err)
	}
	if _, err := s.Update(ctx, updated); !errors.Is(err, ErrNotFound) {
		t.Errorf("Update after Delete: %v, want ErrNotFound", err)
	}
	list, err := s.List(ctx, "coach-1", 0, 0)
	if err != nil || len(list) != 0 {
		t.Errorf("List after Delete = %d records, %v; want none", len(list), err)
	}
}

func testOwnerIsolation(t *testing.T, open func() Store) {
	ctx := context.Background()
	s := openStore(t, open)
	mine, err := s.Create(ctx, Record{Owner: "alice", Doc: doc(`{"n":1}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(ctx, Record{Owner: "bob", Doc: doc(`{"n":2}`)}); err != nil {
		t.Fatal(err)
	}

	// Bob cannot tell Alice's record from one that does not exist.
	if _, err := s.Get(ctx, "bob", mine.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get of another owner's record: %v, want ErrNotFound", err)
	}
	stolen := mine
	stolen.Owner = "bob"
	stolen.Doc = doc(`{"n":"stolen"}`)
	if _, err := s.Update(ctx, stolen); !errors.Is(err, ErrNotFound) {
		t.Errorf("Update of another owner's record: %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, "bob", mine.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Delete of another owner's record: %v, want ErrNotFound", err)
	}
	got, err := s.Get(ctx, "alice", mine.ID)
	if err != nil {
		t.Fatalf("Alice's record after Bob's attempts: %v", err)
	}
	if got.Version != 1 || !sameJSON(t, got.Doc, doc(`{"n":1}`)) {
		t.Errorf("Alice's record changed: version %d doc %s", got.Version, got.Doc)
	}
	for owner, want := range map[string]int{"alice": 1, "bob": 1, "carol": 0} {
		list, err := s.List(ctx, owner, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != want {
			t.Errorf("List(%s) = %d records, want %d", owner, len(list), want)
		}
		for _, r := range list {
			if r.Owner != owner {
				t.Errorf("List(%s) returned a record of %s", owner, r.Owner)
			}
		}
	}
	// An owner that is a prefix of another must not see its records:
	// the embedded store's index keys start with the owner name.
	if list, err := s.List(ctx, "ali", 0, 0); err != nil || len(list) != 0 {
		t.Errorf("List(ali) = %d records, %v; want none", len(list), err)
	}
}

func testConflict(t *testing.T, open func() Store) {
	ctx := context.Background()
	s := openStore(t, open)
	r, err := s.Create(ctx, Record{Owner: "coach", Doc: doc(`{"v":1}`)})
	if err != nil {
		t.Fatal(err)
	}
	// Two editors read version 1; the first save wins.
	first, second := r, r
	first.Doc, second.Doc = doc(`{"v":"first"}`), doc(`{"v":"second"}`)
	if _, err := s.Update(ctx, first); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Update(ctx, second); !errors.Is(err, ErrConflict) {
		t.Fatalf("Update with stale version: %v, want ErrConflict", err)
	}
	got, err := s.Get(ctx, "coach", r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || !sameJSON(t, got.Doc, first.Doc) {
		t.Errorf("after conflict: version %d doc %s, want 2 and the first save", got.Version, got.Doc)
	}
	// The loser re-reads and saves again.
	got.Doc = second.Doc
	if saved, err := s.Update(ctx, got); err != nil || saved.Version != 3 {
		t.Errorf("Update after re-read = version %d, %v; want 3", saved.Version, err)
	}
	future := got
	future.Version = 99
	if _, err := s.Update(ctx, future); !errors.Is(err, ErrConflict) {
		t.Errorf("Update with a version from the future: %v, want ErrConflict", err)
	}
}

func testListPaging(t *testing.T, open func() Store) {
	ctx := context.Background()
	s := openStore(t, open)
	var ids []string
	for i := range 7 {
		r, err := s.Create(ctx, Record{Owner: "coach", Doc: doc(fmt.Sprintf(`{"i":%d}`, i))})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
		if _, err := s.Create(ctx, Record{Owner: "other", Doc: doc(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	// Newest first.
	want := make([]string, len(ids))
	for i, id := range ids {
		want[len(ids)-1-i] = id
	}
	var got []string
	for offset := 0; ; offset += 3 {
		page, err := s.List(ctx, "coach", 3, offset)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) > 3 {
			t.Fatalf("page at %d holds %d records, limit 3", offset, len(page))
		}
		for _, r := range page {
			got = append(got, r.ID)
		}
		if len(page) < 3 {
			break
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("pages = %v, want %v", got, want)
	}
	all, err := s.List(ctx, "coach", 0, 0)
	if err != nil || len(all) != 7 {
		t.Errorf("List with default limit = %d records, %v; want 7", len(all), err)
	}
	if past, err := s.List(ctx, "coach", 10, 100); err != nil || past == nil || len(past) != 0 {
		t.Errorf("List past the end = %v, %v; want an empty, non-nil list", past, err)
	}
	if _, err := s.List(ctx, "coach", 10, -1); !errors.Is(err, ErrInvalid) {
		t.Errorf("negative offset: %v, want ErrInvalid", err)
	}
}

func testConcurrentCreates(t *testing.T, open func() Store) {
	ctx := context.Background()
	s := openStore(t, open)
	const n = 40
	ids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			r, err := s.Create(ctx, Record{Owner: "coach", Doc: doc(fmt.Sprintf(`{"i":%d}`, i))})
			ids[i], errs[i] = r.ID, err
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("create %d: %v", i, errs[i])
		}
		if seen[ids[i]] {
			t.Fatalf("id %s given twice", ids[i])
		}
		seen[ids[i]] = true
	}
	list, err := s.List(ctx, "coach", 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != n {
		t.Errorf("List = %d records, want %d", len(list), n)
	}
}

func testConcurrentUpdates(t *testing.T, open func() Store) {
	ctx := context.Background()
	s := openStore(t, open)
	r, err := s.Create(ctx, Record{Owner: "coach", Doc: doc(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	const n = 10
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			u := r
			u.Doc = doc(fmt.Sprintf(`{"by":%d}`, i))
			_, errs[i] = s.Update(ctx, u)
		})
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, ErrConflict):
			t.Errorf("concurrent update: %v, want nil or ErrConflict", err)
		}
	}
	if wins != 1 {
		t.Errorf("%d of %d updates from version 1 succeeded, want exactly 1", wins, n)
	}
}

func testInvalid(t *testing.T, open func() Store) {
	ctx := context.Background()
	s := openStore(t, open)
	for name, r := range map[string]Record{
		"no owner":        {Doc: doc(`{}`)},
		"no document":     {Owner: "coach"},
		"not JSON":        {Owner: "coach", Doc: doc(`{"unclosed"`)},
		"id set":          {ID: "mine", Owner: "coach", Doc: doc(`{}`)},
		"NUL in owner":    {Owner: "co\x00ach", Doc: doc(`{}`)},
		"huge document":   {Owner: "coach", Doc: doc(`"` + string(make([]byte, MaxDocBytes)) + `"`)},
		"NUL in document": {Owner: "coach", Doc: doc(`{"a":"\u0000"}`)},
	} {
		_, err := s.Create(ctx, r)
		if name == "NUL in document" {
			// jsonb refuses it; the embedded store keeps any JSON.
			if err != nil && !errors.Is(err, ErrInvalid) {
				t.Errorf("%s: %v, want nil or ErrInvalid", name, err)
			}
			continue
		}
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	r, err := s.Create(ctx, Record{Owner: "coach", Doc: doc(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	noVersion := r
	noVersion.Version = 0
	if _, err := s.Update(ctx, noVersion); !errors.Is(err, ErrInvalid) {
		t.Errorf("Update without version: %v, want ErrInvalid", err)
	}
	if _, err := s.Get(ctx, "", r.ID); !errors.Is(err, ErrInvalid) {
		t.Errorf("Get without owner: %v, want ErrInvalid", err)
	}
}

func testReopen(t *testing.T, open func() Store) {
	ctx := context.Background()
	s := open()
	r, err := s.Create(ctx, Record{Owner: "coach", Doc: doc(`{"keep":true}`)})
	if err != nil {
		t.Fatal(err)
	}
	r.Doc = doc(`{"keep":"updated"}`)
	if r, err = s.Update(ctx, r); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openStore(t, open)
	got, err := s.Get(ctx, "coach", r.ID)
	if err != nil {
		t.Fatalf("after reopen: %v", err)
	}
	if got.Version != 2 || !sameJSON(t, got.Doc, r.Doc) || !got.Created.Equal(r.Created) || !got.Updated.Equal(r.Updated) {
		t.Errorf("after reopen got %+v, want %+v", got, r)
	}
	list, err := s.List(ctx, "coach", 0, 0)
	if err != nil || len(list) != 1 {
		t.Errorf("List after reopen = %d records, %v; want 1", len(list), err)
	}
}

// testUnstorableIDs: ids no store can hold (NUL, invalid UTF-8) name no
// pathway, so every call with one is ErrNotFound, never a backend error.
func testUnstorableIDs(t *testing.T, open func() Store) {
	ctx := context.Background()
	s := openStore(t, open)
	rec, err := s.Create(ctx, Record{Owner: "coach", Doc: json.RawMessage(`{"n":1}`)})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"\x00", "a\x00b", "\xff\xfe", rec.ID + "\x00", "\xc3"} {
		if _, err := s.Get(ctx, "coach", id); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get(%q): %v, want ErrNotFound", id, err)
		}
		if _, err := s.Update(ctx, Record{ID: id, Owner: "coach", Version: 1, Doc: json.RawMessage(`{}`)}); !errors.Is(err, ErrNotFound) {
			t.Errorf("Update(%q): %v, want ErrNotFound", id, err)
		}
		if err := s.Delete(ctx, "coach", id); !errors.Is(err, ErrNotFound) {
			t.Errorf("Delete(%q): %v, want ErrNotFound", id, err)
		}
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
}
