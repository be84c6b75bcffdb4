package index

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ErrCorrupt marks an index directory whose files are damaged: a segment
// truncated or with flipped bytes, a file missing, metadata unreadable.
var ErrCorrupt = errors.New("index: corrupt")

// Verify checks the files of the closed or read-only index at dir without
// opening it through Bleve: the metadata parses, the root file is there,
// and every segment's bytes match the CRC-32 its writer stored in its last
// four bytes. An error wraps ErrCorrupt and names the file at fault. A
// segment the root file lists but that is missing is found when the index
// opens.
func Verify(dir string) error {
	metaPath := filepath.Join(dir, "index_meta.json")
	meta, err := os.ReadFile(metaPath)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrCorrupt, metaPath, err)
	}
	var m struct {
		Storage string `json:"storage"`
	}
	if err := json.Unmarshal(meta, &m); err != nil {
		return fmt.Errorf("%w: %s does not parse: %v", ErrCorrupt, metaPath, err)
	}
	store := filepath.Join(dir, "store")
	root := filepath.Join(store, "root.bolt")
	if info, err := os.Stat(root); err != nil || info.Size() == 0 {
		return fmt.Errorf("%w: %s is missing or empty", ErrCorrupt, root)
	}
	segs, err := rootSegments(root)
	if err != nil {
		return err
	}
	for _, name := range segs {
		if err := verifySegment(filepath.Join(store, name)); err != nil {
			return err
		}
	}
	return nil
}

// rootSegments returns the segment files the newest snapshot in Scorch's
// root file lists.
func rootSegments(root string) ([]string, error) {
	db, err := bolt.Open(root, 0o600, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("%w: %s does not open: %v", ErrCorrupt, root, err)
	}
	defer db.Close()
	var segs []string
	err = db.View(func(tx *bolt.Tx) (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("damaged pages: %v", p)
			}
		}()
		snaps := tx.Bucket([]byte{'s'})
		if snaps == nil {
			return nil // no snapshot persisted yet
		}
		k, _ := snaps.Cursor().Last()
		snap := snaps.Bucket(k)
		if snap == nil {
			return errors.New("the newest snapshot is not a bucket")
		}
		return snap.ForEach(func(k, v []byte) error {
			if v != nil || len(k) == 0 || k[0] == 'i' || k[0] == 'm' {
				return nil // internal values and metadata
			}
			seg := snap.Bucket(k)
			if seg == nil {
				return nil
			}
			p := seg.Get([]byte{'p'})
			if len(p) == 0 || strings.ContainsAny(string(p), `/\`) {
				return fmt.Errorf("segment entry %x names no file", k)
			}
			segs = append(segs, string(p))
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, root, err)
	}
	return segs, nil
}

// verifySegment checks one zap segment's stored CRC-32.
func verifySegment(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: segment %s is missing", ErrCorrupt, path)
	}
	if err != nil {
		return fmt.Errorf("%w: segment %s: %v", ErrCorrupt, path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("%w: segment %s: %v", ErrCorrupt, path, err)
	}
	const footer = 4 + 4 + 4 + 8 + 8 + 8 + 8 // the smallest zap footer
	n := info.Size()
	if n < footer {
		return fmt.Errorf("%w: segment %s is truncated (%d bytes)", ErrCorrupt, path, n)
	}
	h := crc32.NewIEEE()
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, n-4)); err != nil {
		return fmt.Errorf("%w: segment %s: read: %v", ErrCorrupt, path, err)
	}
	var stored [4]byte
	if _, err := f.ReadAt(stored[:], n-4); err != nil {
		return fmt.Errorf("%w: segment %s: read: %v", ErrCorrupt, path, err)
	}
	if binary.BigEndian.Uint32(stored[:]) != h.Sum32() {
		return fmt.Errorf("%w: segment %s is truncated or damaged (checksum mismatch)", ErrCorrupt, path)
	}
	return nil
}
