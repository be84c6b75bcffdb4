package store

import (
	"fmt"
	"os"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"github.com/pdpath/pdpath/indexer/catalog"
)

// A served generation keeps its records' prose — titles, descriptions,
// criteria, their language maps and links, most of a record's bytes —
// where records.jsonl already holds it: a read-only mapping of the file, the
// strings views of it. Those pages belong to the kernel's page cache, not
// the Go heap: the collector neither counts nor marks them, and the kernel
// reads them back when an answer shows them after it has reclaimed them.
// An ingest builds on records it loads onto the heap (loadState), since it
// copies them into the next generation and the mapping would go with the
// old one.

// unmapDelay is how long a mapping stays after its records became
// unreachable: a copy of a record taken just before (an answer being
// written) still reads its prose meanwhile.
var unmapDelay = time.Minute

// mappedRecords are the live mappings of records files, for
// releaseRecordPages.
var mappedRecords struct {
	sync.Mutex
	m map[*byte][]byte
}

// mapRecords maps records.jsonl at path and decodes it, the records' prose
// left in the mapping. The mapping is released once no record decoded
// from it is reachable (and unmapDelay has passed).
func mapRecords(path string) ([]*catalog.Credential, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, recordsUnreadable(path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, recordsUnreadable(path, err)
	}
	if st.Size() == 0 || int64(int(st.Size())) != st.Size() {
		// Nothing to map (no records), or more than this machine's
		// address space maps at once: read it onto the heap.
		return readRecords(path)
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(st.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("store: map %s: %w", path, err)
	}
	creds, err := decodeRecords(data, true)
	if err != nil || len(creds) == 0 {
		syscall.Munmap(data)
		if err != nil {
			return nil, fmt.Errorf("%w: %s does not parse: %w", ErrCorrupt, path, err)
		}
		return creds, nil
	}
	mappedRecords.Lock()
	if mappedRecords.m == nil {
		mappedRecords.m = map[*byte][]byte{}
	}
	mappedRecords.m[&data[0]] = data
	mappedRecords.Unlock()
	// decodeRecords puts every record in one array: any record reachable
	// keeps all of them, and with them the mapping, alive.
	delay := unmapDelay
	runtime.AddCleanup(creds[0], func(data []byte) {
		time.AfterFunc(delay, func() {
			mappedRecords.Lock()
			delete(mappedRecords.m, &data[0])
			mappedRecords.Unlock()
			syscall.Munmap(data)
		})
	}, data)
	return creds, nil
}

// releaseRecordPages tells the kernel that this process no longer needs
// the pages of the mapped records files it has read: loading a catalog and
// deriving its model read every record's prose once, and those pages
// would otherwise count as the process's resident memory until the kernel
// needs them. They stay in the page cache; reading a record's prose again
// maps its pages back in.
func releaseRecordPages() {
	mappedRecords.Lock()
	defer mappedRecords.Unlock()
	for _, data := range mappedRecords.m {
		dropPages(data)
	}
}

// detachKeepingProse is detachStrings for a record decoded from line, a
// line of a mapped records file: its prose (proseOf) becomes views of
// line, the rest gets heap memory of its own.
func detachKeepingProse(c *catalog.Credential, line []byte, seen map[string]string) {
	fields, maps := proseOf(c)
	texts := make([]string, len(fields))
	for i, f := range fields {
		texts[i], *f = *f, ""
	}
	langs := make([]map[string]string, len(maps))
	for i, m := range maps {
		langs[i], *m = *m, nil
	}
	detachStrings(reflect.ValueOf(c).Elem(), seen)
	text := unsafe.String(unsafe.SliceData(line), len(line))
	for i, f := range fields {
		*f = viewOf(text, texts[i])
	}
	for i, m := range maps {
		if langs[i] == nil {
			continue
		}
		*m = make(map[string]string, len(langs[i]))
		for lang, s := range langs[i] {
			own, ok := seen[lang]
			if !ok {
				own = strings.Clone(lang)
				seen[own] = own
			}
			(*m)[own] = viewOf(text, s)
		}
	}
}

// proseOf lists the fields of c whose text a served record leaves in its
// records file: what answers show, which ranking reads only for the items
// it keeps and no two records share. Ids,
// issuers, codes and tags stay on the heap: they are map keys and shared.
func proseOf(c *catalog.Credential) (fields []*string, maps []*map[string]string) {
	return []*string{&c.Title, &c.Description, &c.Criteria, &c.URL, &c.Image, &c.Hash},
		[]*map[string]string{&c.Titles, &c.Descriptions}
}

// viewOf returns s as a view of the same bytes in text, the JSON line s
// was decoded from; a string the line holds only escaped (quotes, line
// breaks; <, > and & in files written before writeState kept them as
// they are) gets a heap copy.
func viewOf(text, s string) string {
	if s == "" {
		return ""
	}
	if i := strings.Index(text, s); i >= 0 {
		return text[i : i+len(s)]
	}
	return strings.Clone(s)
}
