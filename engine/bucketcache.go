package engine

import (
	"context"
	"errors"
	"slices"
	"sync"
)

// bucketCache keeps decoded bucket records, so that the checks every
// request makes (the bucket exists, it is still the one a request was
// authorized against) cost a map lookup instead of a pebble read. Only
// present buckets are cached. A mutation that writes a bucket record
// drops its entry once committed (mutation.setBucket, deleteBucket); a
// read that raced with a drop does not store what it read (gen).
type bucketCache struct {
	mu  sync.Mutex
	gen uint64
	m   map[string]bucketRecord
}

func (c *bucketCache) get(name string) (rec bucketRecord, ok bool, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	rec, ok = c.m[name]
	return rec, ok, c.gen
}

// put stores rec, read when the cache was at gen, unless a drop came
// since.
func (c *bucketCache) put(name string, rec bucketRecord, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if c.m == nil {
		c.m = map[string]bucketRecord{}
	}
	c.m[name] = rec
}

func (c *bucketCache) drop(names []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for _, n := range names {
		delete(c.m, n)
	}
}

// cachedBucket returns the bucket's record, or ErrNoSuchBucket. The
// record is shared with the cache: callers must not modify it (write
// paths read with bucketRecord).
func (e *Engine) cachedBucket(name string) (bucketRecord, error) {
	rec, ok, gen := e.buckets.get(name)
	if ok {
		return rec, nil
	}
	rec, err := e.bucketRecord(e.db, name)
	if err == nil {
		e.buckets.put(name, rec, gen)
	}
	return rec, err
}

// setBucket writes bucket name's record in m.
func (m *mutation) setBucket(name string, rec *bucketRecord) error {
	m.noteBucket(name, rec.owner)
	return m.b.Set(bucketKey(name), rec.encode(), nil)
}

// deleteBucket deletes bucket name's record in m.
func (m *mutation) deleteBucket(name string) error {
	m.noteBucket(name, "")
	return m.b.Delete(bucketKey(name), nil)
}

// noteBucket records that m leaves bucket name's record with owner (""
// deleted).
func (m *mutation) noteBucket(name, owner string) {
	if !slices.Contains(m.buckets, name) {
		m.buckets = append(m.buckets, name)
	}
	if m.owners == nil {
		m.owners = map[string]string{}
	}
	m.owners[name] = owner
}

// ownerDeltas returns how m changes each owner's bucket count, when the
// engine keeps the counts (Engine.owners): its bucket records' owners
// before the batch (one read each; bucket records change seldom) against
// after. The caller (commit) holds e.mu.
func (m *mutation) ownerDeltas() (map[string]int, error) {
	if m.e.owners == nil || len(m.owners) == 0 {
		return nil, nil
	}
	d := map[string]int{}
	for name, after := range m.owners {
		before, err := m.e.bucketRecord(m.e.db, name)
		switch {
		case err == nil:
			d[before.owner]--
		case !errors.Is(err, ErrNoSuchBucket):
			return nil, err
		}
		if after != "" {
			d[after]++
		}
	}
	return d, nil
}

// ownerBucketsLocked returns how many buckets owner holds, counting every
// owner's once, at the first call (a listing). The caller holds e.mu.
func (e *Engine) ownerBucketsLocked(ctx context.Context, owner string) (int, error) {
	if e.owners == nil {
		all, err := e.ListBuckets(ctx)
		if err != nil {
			return 0, err
		}
		counts := map[string]int{}
		for _, b := range all {
			counts[b.Owner]++
		}
		e.owners = counts
	}
	return e.owners[owner], nil
}
