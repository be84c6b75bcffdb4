//go:build !linux

package store

// dropPages leaves the mapping as it is where the syscall package offers
// no madvise: the kernel still reclaims the file's pages when it needs
// them.
func dropPages(data []byte) {}
