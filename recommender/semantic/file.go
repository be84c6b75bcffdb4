package semantic

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"syscall"
	"unsafe"
)

// A built space is kept as one binary file laid out so that it is used in
// place: the file is mapped read-only into memory and the model's vectors,
// postings and term strings are views of the mapping. Opening it costs a
// map of the vocabulary and nothing that grows with the documents; pages
// are read from disk as queries touch them and may be dropped again by the
// kernel under memory pressure.
//
// Layout, little-endian, every section starting on an 8-byte boundary:
//
//	magic    "pdsem\x00\x01\x00"
//	header   dim, terms, docs, expand, sigma, tag length (uint32 each),
//	         postings (uint64)
//	tag      the caller's label of what the documents are
//	idf      terms × float32
//	proj     terms × dim × float32
//	docs     docs × dim × float32
//	postOff  (terms+1) × uint64, offsets into postings
//	postings postings × (int32 doc, float32 weight)
//	expand   expand × int32
//	expVecs  expand × dim × float32
//	sigma    sigma × float64
//	termOff  (terms+1) × uint64, offsets into termText
//	termText the terms' bytes
var fileMagic = [8]byte{'p', 'd', 's', 'e', 'm', 0, 1, 0}

// ErrFormat is returned when a file is not a semantic space this version
// of pdpath wrote.
var ErrFormat = errors.New("semantic: not a semantic space file of this version")

type fileHeader struct {
	Dim, Terms, Docs, Expand, Sigma, Tag uint32
	Postings                             uint64
}

const headerSize = 8 + 32

// littleEndian reports whether the machine stores numbers as the file
// does; a model file is only used in place on such a machine.
var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// WriteFile writes the space to path (through a temporary file and a
// rename, so a reader never sees half a file). tag is kept with it and
// returned by OpenFile: callers name the documents with it, so a space is
// never used for other documents than it was learned from.
func (m *Model) WriteFile(path string, tag []byte) error {
	if !littleEndian {
		return errors.New("semantic: model files are written on little-endian machines only")
	}
	tmp, err := os.CreateTemp(dirOf(path), ".semantic-*")
	if err != nil {
		return fmt.Errorf("semantic: write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriterSize(tmp, 1<<20)
	if err := m.write(w, tag); err != nil {
		tmp.Close()
		return fmt.Errorf("semantic: write %s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return fmt.Errorf("semantic: write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("semantic: sync %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("semantic: close %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("semantic: rename into %s: %w", path, err)
	}
	return nil
}

func dirOf(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '/' || path[i] == os.PathSeparator {
			return path[:i+1]
		}
	}
	return "."
}

// bytesOf views a slice of fixed-size values as its bytes.
func bytesOf[T any](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	var z T
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(z)))
}

func (m *Model) write(w io.Writer, tag []byte) error {
	total := 0
	for _, p := range m.postings {
		total += len(p)
	}
	h := fileHeader{Dim: uint32(m.dim), Terms: uint32(len(m.terms)), Docs: uint32(m.Len()),
		Expand: uint32(len(m.expand)), Sigma: uint32(len(m.sigma)), Tag: uint32(len(tag)), Postings: uint64(total)}
	var werr error
	n := 0
	put := func(b []byte) {
		if werr != nil {
			return
		}
		var k int
		k, werr = w.Write(b)
		n += k
	}
	pad := func() { put(make([]byte, (8-n%8)%8)) }
	put(fileMagic[:])
	put(bytesOf([]fileHeader{h}))
	put(tag)
	pad()
	put(bytesOf(m.idf))
	pad()
	put(bytesOf(m.proj))
	pad()
	put(bytesOf(m.docs))
	pad()
	off := make([]uint64, len(m.terms)+1)
	for t, p := range m.postings {
		off[t+1] = off[t] + uint64(len(p))
	}
	put(bytesOf(off))
	for _, p := range m.postings {
		put(bytesOf(p))
	}
	put(bytesOf(m.expand))
	pad()
	put(bytesOf(m.expVecs))
	pad()
	put(bytesOf(m.sigma))
	toff := make([]uint64, len(m.terms)+1)
	for t, s := range m.terms {
		toff[t+1] = toff[t] + uint64(len(s))
	}
	put(bytesOf(toff))
	for _, s := range m.terms {
		put([]byte(s))
	}
	return werr
}

// OpenFile maps a space written by WriteFile and returns it with its tag.
// The mapping lives as long as the returned model does.
func OpenFile(path string) (*Model, []byte, error) {
	if !littleEndian {
		return nil, nil, fmt.Errorf("%w: big-endian machine", ErrFormat)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("semantic: open model: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("semantic: open model: %w", err)
	}
	size := st.Size()
	if size < headerSize || size > 1<<40 {
		return nil, nil, fmt.Errorf("%w: %s is %d bytes", ErrFormat, path, size)
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil, fmt.Errorf("semantic: map %s: %w", path, err)
	}
	m, tag, err := fromBytes(data)
	if err != nil {
		syscall.Munmap(data)
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	// The views into the mapping live in m; unmap once m is unreachable.
	runtime.AddCleanup(m, func(b []byte) { syscall.Munmap(b) }, data)
	return m, tag, nil
}

// view returns count values of type T at data[*pos:], advancing *pos and
// aligning it to 8 bytes afterwards.
func view[T any](data []byte, pos *int, count uint64) ([]T, error) {
	var z T
	size := count * uint64(unsafe.Sizeof(z))
	if uint64(*pos)+size > uint64(len(data)) || count > 1<<40 {
		return nil, fmt.Errorf("%w: truncated", ErrFormat)
	}
	var out []T
	if count > 0 {
		out = unsafe.Slice((*T)(unsafe.Pointer(&data[*pos])), count)
	}
	*pos += int(size)
	*pos += (8 - *pos%8) % 8
	return out, nil
}

func fromBytes(data []byte) (*Model, []byte, error) {
	if len(data) < headerSize || [8]byte(data[:8]) != fileMagic {
		return nil, nil, ErrFormat
	}
	h := *(*fileHeader)(unsafe.Pointer(&data[8]))
	pos := headerSize
	tag, err := view[byte](data, &pos, uint64(h.Tag))
	if err != nil {
		return nil, nil, err
	}
	tag = slices.Clone(tag)
	m := &Model{dim: int(h.Dim), vocab: make(map[string]int32, h.Terms)}
	nt := uint64(h.Terms)
	if m.idf, err = view[float32](data, &pos, nt); err != nil {
		return nil, nil, err
	}
	if m.proj, err = view[float32](data, &pos, nt*uint64(h.Dim)); err != nil {
		return nil, nil, err
	}
	if m.docs, err = view[float32](data, &pos, uint64(h.Docs)*uint64(h.Dim)); err != nil {
		return nil, nil, err
	}
	off, err := view[uint64](data, &pos, nt+1)
	if err != nil {
		return nil, nil, err
	}
	all, err := view[Posting](data, &pos, h.Postings)
	if err != nil {
		return nil, nil, err
	}
	m.postings = make([][]Posting, nt)
	for t := range m.postings {
		lo, hi := off[t], off[t+1]
		if lo > hi || hi > uint64(len(all)) {
			return nil, nil, fmt.Errorf("%w: bad posting offsets", ErrFormat)
		}
		m.postings[t] = all[lo:hi:hi]
	}
	if m.expand, err = view[int32](data, &pos, uint64(h.Expand)); err != nil {
		return nil, nil, err
	}
	if m.expVecs, err = view[float32](data, &pos, uint64(h.Expand)*uint64(h.Dim)); err != nil {
		return nil, nil, err
	}
	if m.sigma, err = view[float64](data, &pos, uint64(h.Sigma)); err != nil {
		return nil, nil, err
	}
	toff, err := view[uint64](data, &pos, nt+1)
	if err != nil {
		return nil, nil, err
	}
	text := data[pos:]
	m.terms = make([]string, nt)
	for t := range m.terms {
		lo, hi := toff[t], toff[t+1]
		if lo > hi || hi > uint64(len(text)) {
			return nil, nil, fmt.Errorf("%w: bad term offsets", ErrFormat)
		}
		if hi > lo {
			m.terms[t] = unsafe.String(&text[lo], hi-lo)
		}
		m.vocab[m.terms[t]] = int32(t)
	}
	for _, id := range m.expand {
		if id < 0 || uint64(id) >= nt {
			return nil, nil, fmt.Errorf("%w: bad expansion term", ErrFormat)
		}
	}
	for _, p := range all {
		if p.Doc < 0 || uint32(p.Doc) >= h.Docs {
			return nil, nil, fmt.Errorf("%w: bad posting", ErrFormat)
		}
	}
	return m, tag, nil
}
