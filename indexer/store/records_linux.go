package store

import "syscall"

// dropPages drops this process's page table entries for a read-only file
// mapping (MADV_DONTNEED); the pages stay in the page cache, and the data
// is the file's, so a later read maps them back in.
func dropPages(data []byte) { syscall.Madvise(data, syscall.MADV_DONTNEED) }
