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
	m.noteBucket(name, bucketOwner{owner: rec.owner, region: rec.region})
	return m.b.Set(bucketKey(name), rec.encode(), nil)
}

// deleteBucket deletes bucket name's record in m.
func (m *mutation) deleteBucket(name string) error {
	m.noteBucket(name, bucketOwner{gone: true})
	return m.b.Delete(bucketKey(name), nil)
}

// bucketOwner is the owner (and region) a mutation leaves a bucket
// record with.
type bucketOwner struct {
	owner, region string
	gone          bool // the record is deleted
}

// noteBucket records that m leaves bucket name's record with o.
func (m *mutation) noteBucket(name string, o bucketOwner) {
	if !slices.Contains(m.buckets, name) {
		m.buckets = append(m.buckets, name)
	}
	if m.owners == nil {
		m.owners = map[string]bucketOwner{}
	}
	m.owners[name] = o
}

// ownerMove is one bucket record's owner before and after a mutation.
type ownerMove struct {
	name          string
	before, after bucketOwner
}

// ownerMoves returns how m changes the owners of bucket records, when the
// engine keeps its owner index (Engine.owners): their owners before the
// batch (one read each; bucket records change seldom) and after. The
// caller (commit) holds e.mu.
func (m *mutation) ownerMoves() ([]ownerMove, error) {
	if m.e.owners == nil || len(m.owners) == 0 {
		return nil, nil
	}
	moves := make([]ownerMove, 0, len(m.owners))
	for name, after := range m.owners {
		mv := ownerMove{name: name, after: after}
		before, err := m.e.bucketRecord(m.e.db, name)
		switch {
		case err == nil:
			mv.before.owner, mv.before.region = before.owner, before.region
		case errors.Is(err, ErrNoSuchBucket):
			mv.before.gone = true
		default:
			return nil, err
		}
		moves = append(moves, mv)
	}
	return moves, nil
}

// moveOwner applies one committed move to the owner index and the
// region counts. The caller holds e.mu.
func (e *Engine) moveOwner(mv ownerMove) {
	if !mv.before.gone {
		if e.regions[mv.before.region]--; e.regions[mv.before.region] <= 0 {
			delete(e.regions, mv.before.region)
		}
		if names := e.owners[mv.before.owner]; names != nil {
			delete(names, mv.name)
			if len(names) == 0 {
				delete(e.owners, mv.before.owner)
			}
		}
	}
	if !mv.after.gone {
		e.regions[mv.after.region]++
		names := e.owners[mv.after.owner]
		if names == nil {
			names = map[string]struct{}{}
			e.owners[mv.after.owner] = names
		}
		names[mv.name] = struct{}{}
	}
}

// ownerIndexLocked builds the owner index from one pass over the buckets
// if it is not built yet. The caller holds e.mu.
func (e *Engine) ownerIndexLocked(ctx context.Context) error {
	if e.owners != nil {
		return nil
	}
	all, err := e.ListBuckets(ctx)
	if err != nil {
		return err
	}
	idx, regions := map[string]map[string]struct{}{}, map[string]int{}
	for _, b := range all {
		if idx[b.Owner] == nil {
			idx[b.Owner] = map[string]struct{}{}
		}
		idx[b.Owner][b.Name] = struct{}{}
		regions[b.Region]++
	}
	e.owners, e.regions = idx, regions
	return nil
}

// BucketRegions returns the distinct regions of the store's buckets
// ("" for buckets made without one), sorted, from the counts the owner
// index keeps: in time proportional to the regions, not the buckets.
func (e *Engine) BucketRegions(ctx context.Context) ([]string, error) {
	if err := e.enter(ctx); err != nil {
		return nil, err
	}
	defer e.leave()
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.ownerIndexLocked(ctx); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(e.regions))
	for r := range e.regions {
		out = append(out, r)
	}
	slices.Sort(out)
	return out, nil
}

// ownerBucketsLocked returns how many buckets owner holds. The caller
// holds e.mu.
func (e *Engine) ownerBucketsLocked(ctx context.Context, owner string) (int, error) {
	if err := e.ownerIndexLocked(ctx); err != nil {
		return 0, err
	}
	return len(e.owners[owner]), nil
}

// ListBucketsOf returns the buckets owner holds and those without an
// owner, ordered by name: ListBuckets kept to what an owner's listing
// shows, in time and memory proportional to them rather than to every
// bucket of the store. The first call (or BucketOptions.MaxPerOwner)
// builds the engine's owner index from one pass over the buckets.
func (e *Engine) ListBucketsOf(ctx context.Context, owner string) ([]BucketInfo, error) {
	if err := e.enter(ctx); err != nil {
		return nil, err
	}
	defer e.leave()
	e.mu.Lock()
	err := e.ownerIndexLocked(ctx)
	var names []string
	if err == nil {
		for n := range e.owners[owner] {
			names = append(names, n)
		}
		if owner != "" {
			for n := range e.owners[""] {
				names = append(names, n)
			}
		}
	}
	e.mu.Unlock()
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	out := make([]BucketInfo, 0, len(names))
	for _, n := range names {
		rec, err := e.cachedBucket(n)
		if errors.Is(err, ErrNoSuchBucket) || err == nil && rec.owner != owner && rec.owner != "" {
			continue // deleted since (and perhaps made again by another owner)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, rec.info(n))
	}
	return out, nil
}
