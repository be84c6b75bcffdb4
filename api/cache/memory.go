package cache

import (
	"context"
	"sync"
	"time"
)

// Memory is an in-process Cache for running without Redis. It holds at most
// maxBytes of values; when full it drops expired entries first and then
// arbitrary ones (Go's map order), which is crude but enough for a cache
// whose keys all change at the next catalog version anyway.
type Memory struct {
	maxBytes int
	now      func() time.Time

	mu    sync.Mutex
	items map[string]memEntry
	size  int
}

type memEntry struct {
	value   []byte
	expires time.Time
}

// NewMemory returns an empty in-process cache holding up to maxBytes of
// values (64 MiB when maxBytes ≤ 0).
func NewMemory(maxBytes int) *Memory {
	if maxBytes <= 0 {
		maxBytes = 64 << 20
	}
	return &Memory{maxBytes: maxBytes, now: time.Now, items: map[string]memEntry{}}
}

// Name returns "memory".
func (m *Memory) Name() string { return "memory" }

// Get implements Cache.
func (m *Memory) Get(_ context.Context, key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.items[key]
	if !ok {
		return nil, ErrMiss
	}
	if !m.now().Before(e.expires) {
		m.remove(key, e)
		return nil, ErrMiss
	}
	return e.value, nil
}

// Set implements Cache. The value is kept as given: callers must not modify
// it afterwards.
func (m *Memory) Set(_ context.Context, key string, value []byte, ttl time.Duration) error {
	if len(value) > m.maxBytes {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.items[key]; ok {
		m.remove(key, old)
	}
	now := m.now()
	for m.size+len(value) > m.maxBytes {
		m.evict(now)
	}
	m.items[key] = memEntry{value: value, expires: now.Add(ttl)}
	m.size += len(value)
	return nil
}

// Len returns the number of entries held, expired ones included.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.items)
}

func (m *Memory) remove(key string, e memEntry) {
	delete(m.items, key)
	m.size -= len(e.value)
}

// evict frees room: every expired entry if there is one, else one
// arbitrary entry.
func (m *Memory) evict(now time.Time) {
	freed := false
	for k, e := range m.items {
		if !now.Before(e.expires) {
			m.remove(k, e)
			freed = true
		}
	}
	if freed {
		return
	}
	for k, e := range m.items {
		m.remove(k, e)
		return
	}
}
