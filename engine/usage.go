package engine

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/cockroachdb/pebble/v2"
)

// Per-bucket usage.
//
// M/<bucket> counts what a bucket holds: its current objects (the O/
// records, what ListObjects lists) by storage class, its multipart uploads
// in progress (U/) and its live channels (L/). Every mutation keeps the
// counts in its own batch: commit reads the batch back, and for each O/,
// U/ or L/ key it writes or deletes compares the key's state before the
// batch (a record the operation already read, noted with notePrior, or
// else one pebble read) with the batch's last operation on it. The counts
// therefore change atomically with what they count, survive crashes with
// it, and cost no scan to read (BucketUsage, OSS GetBucketStat).
//
// The key "M/" (no bucket name: bucket names are never empty) marks a
// store whose counts are complete; a store written before they existed
// is counted once, when it is opened (countUsage).

const prefixUsage = "M/"

// usageReadyKey marks a store whose M/ records are complete.
var usageReadyKey = []byte(prefixUsage)

func usageKey(bucket string) []byte { return append([]byte(prefixUsage), bucket...) }

// SmallObjectSize is the size below which ClassUsage counts an object as
// small as well: OSS bills an object of its infrequent-access and archive
// classes as at least this size.
const SmallObjectSize = 64 << 10

// ClassUsage counts a bucket's current objects of one storage class.
type ClassUsage struct {
	Objects int64
	Bytes   int64
	// SmallObjects and SmallBytes count the objects (and their bytes)
	// smaller than SmallObjectSize, a part of Objects and Bytes.
	SmallObjects int64
	SmallBytes   int64
}

func (c *ClassUsage) add(size, sign int64) {
	c.Objects += sign
	c.Bytes += sign * size
	if size < SmallObjectSize {
		c.SmallObjects += sign
		c.SmallBytes += sign * size
	}
}

func (c ClassUsage) zero() bool { return c == ClassUsage{} }

// BucketUsage is what a bucket holds, as BucketUsage reports it.
type BucketUsage struct {
	// Objects and Bytes count the current versions: what ListObjects
	// lists (symlinks and appendable objects included; noncurrent
	// versions, delete markers and parts not).
	Objects int64
	Bytes   int64
	// Classes splits Objects and Bytes by storage class, as stored ("":
	// the default class).
	Classes map[string]ClassUsage
	// Uploads counts the multipart uploads in progress.
	Uploads int64
	// LiveChannels counts the bucket's live channels.
	LiveChannels int64
}

// BucketUsage returns what bucket holds, exact as of the last committed
// write, from one record: no listing. It fails with ErrNoSuchBucket.
func (e *Engine) BucketUsage(ctx context.Context, bucket string) (BucketUsage, error) {
	if err := e.check(ctx); err != nil {
		return BucketUsage{}, err
	}
	snap := e.db.NewSnapshot()
	defer snap.Close()
	if _, err := e.bucketRecord(snap, bucket); err != nil {
		return BucketUsage{}, err
	}
	u, err := readUsage(snap, bucket)
	if err != nil {
		return BucketUsage{}, err
	}
	out := BucketUsage{Uploads: u.uploads, LiveChannels: u.channels, Classes: map[string]ClassUsage{}}
	for c, cu := range u.classes {
		out.Classes[c] = *cu
		out.Objects += cu.Objects
		out.Bytes += cu.Bytes
	}
	return out, nil
}

// usageRecord is the decoded M/<bucket> value.
type usageRecord struct {
	uploads, channels int64
	classes           map[string]*ClassUsage
}

func (u *usageRecord) class(c string) *ClassUsage {
	if u.classes == nil {
		u.classes = map[string]*ClassUsage{}
	}
	cu := u.classes[c]
	if cu == nil {
		cu = &ClassUsage{}
		u.classes[c] = cu
	}
	return cu
}

// fold adds d to u.
func (u *usageRecord) fold(d *usageRecord) {
	u.uploads += d.uploads
	u.channels += d.channels
	for c, cu := range d.classes {
		t := u.class(c)
		t.Objects += cu.Objects
		t.Bytes += cu.Bytes
		t.SmallObjects += cu.SmallObjects
		t.SmallBytes += cu.SmallBytes
	}
}

const usageVersion = 1

// encode writes version, uploads, channels, then each class (sorted, empty
// ones left out) as name and four counts.
func (u *usageRecord) encode() []byte {
	b := []byte{usageVersion}
	b = binary.AppendVarint(b, u.uploads)
	b = binary.AppendVarint(b, u.channels)
	for _, c := range slices.Sorted(maps.Keys(u.classes)) {
		cu := u.classes[c]
		if cu.zero() {
			continue
		}
		b = binary.AppendUvarint(b, uint64(len(c)))
		b = append(b, c...)
		for _, n := range []int64{cu.Objects, cu.Bytes, cu.SmallObjects, cu.SmallBytes} {
			b = binary.AppendVarint(b, n)
		}
	}
	return b
}

var errUsageRecord = fmt.Errorf("%w: malformed usage record", ErrCorrupt)

func decodeUsage(b []byte) (usageRecord, error) {
	var u usageRecord
	if len(b) == 0 || b[0] != usageVersion {
		return u, errUsageRecord
	}
	b = b[1:]
	varint := func() int64 {
		v, n := binary.Varint(b)
		if n <= 0 {
			b = nil
			return -1
		}
		b = b[n:]
		return v
	}
	if u.uploads, u.channels = varint(), varint(); u.uploads < 0 || u.channels < 0 {
		return u, errUsageRecord
	}
	for len(b) > 0 {
		l, n := binary.Uvarint(b)
		if n <= 0 || uint64(len(b)-n) < l {
			return u, errUsageRecord
		}
		c := string(b[n : n+int(l)])
		b = b[n+int(l):]
		cu := u.class(c)
		cu.Objects, cu.Bytes, cu.SmallObjects, cu.SmallBytes = varint(), varint(), varint(), varint()
		if cu.Objects < 0 || cu.Bytes < 0 || cu.SmallObjects < 0 || cu.SmallBytes < 0 {
			return u, errUsageRecord
		}
	}
	return u, nil
}

func readUsage(r pebble.Reader, bucket string) (usageRecord, error) {
	v, ok, err := get(r, usageKey(bucket))
	if err != nil || !ok {
		return usageRecord{}, err
	}
	return decodeUsage(v)
}

// priorState is a tracked key's state before a mutation's batch.
type priorState struct {
	present bool
	size    int64
	class   string
}

// priorEntry is the state of O/ key k before a mutation's batch.
type priorEntry struct {
	k  []byte
	st priorState
}

// notePrior records the record at O/ key k as it was before m's batch (ok
// false: there was none), read by the operation anyway, so that commit
// does not read it again. k must not change afterwards. A mutation
// notes few keys (one for most), so they are a slice.
func (m *mutation) notePrior(k []byte, rec *objectRecord, ok bool) {
	if !bytes.HasPrefix(k, []byte(prefixObject)) {
		return // a part, or another record replaceRecord writes
	}
	if _, seen := m.priorOf(k); seen {
		return // the first read is the state before the batch
	}
	p := priorState{present: ok}
	if ok {
		p.size, p.class = rec.info.Size, rec.info.StorageClass
	}
	if m.prior == nil {
		m.prior = m.priorBuf[:0]
	}
	m.prior = append(m.prior, priorEntry{k: k, st: p})
}

func (m *mutation) priorOf(k []byte) (priorState, bool) {
	for i := range m.prior {
		if bytes.Equal(m.prior[i].k, k) {
			return m.prior[i].st, true
		}
	}
	return priorState{}, false
}

// usageSkips decodes only what usage counts.
var usageSkips = func() (s [fReplication + 1]bool) {
	for f := range s {
		s[f] = f != fSize && f != fStorageClass
	}
	return s
}()

// usageState decodes the size and class of an encoded O/ record.
func usageState(v []byte) (priorState, error) {
	rec, err := decodeObjectFields(v, false, false, &briefDecode{skips: &usageSkips})
	if err != nil {
		return priorState{}, err
	}
	return priorState{present: true, size: rec.info.Size, class: rec.info.StorageClass}, nil
}

// trackedBucket returns the bucket of an O/, U/ or L/ key (a part of k),
// and which of the three it is.
func trackedBucket(k []byte) (bucket []byte, prefix byte, ok bool) {
	if len(k) < 2 || k[1] != '/' {
		return nil, 0, false
	}
	switch k[0] {
	case 'O', 'U', 'L':
	default:
		return nil, 0, false
	}
	i := bytes.IndexByte(k[2:], 0)
	if i < 0 {
		return nil, 0, false
	}
	return k[2 : 2+i], k[0], true
}

// foldUsage derives the usage deltas of m's batch and writes the changed
// M/ records into it. The caller (commit) holds e.mu, so the M/ records
// and the states read here are those the batch applies to.
func (m *mutation) foldUsage() error {
	// The batch's last operation on each counted key, in a slice while
	// they are few (most batches write one), then in a map too.
	type last struct {
		k      []byte
		bucket []byte
		prefix byte
		del    bool
		val    []byte
	}
	var buf [4]last
	finals := buf[:0]
	var index map[string]int // into finals, once it is long
	var dropped []string     // buckets whose B/ record the batch deletes
	r := m.b.Reader()
	for {
		kind, k, v, ok, err := r.Next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		switch kind {
		case pebble.InternalKeyKindRangeDelete:
			// No range delete may cover counted records: their removal
			// would go uncounted.
			for _, p := range []string{prefixObject, prefixUpload, prefixLive} {
				if bytes.Compare(k, prefixEnd([]byte(p))) < 0 && bytes.Compare(v, []byte(p)) > 0 {
					return fmt.Errorf("engine: a range delete [%q, %q) covers counted %s records", k, v, p)
				}
			}
			continue
		case pebble.InternalKeyKindLogData:
			continue
		}
		del := kind == pebble.InternalKeyKindDelete || kind == pebble.InternalKeyKindSingleDelete || kind == pebble.InternalKeyKindDeleteSized
		if del && bytes.HasPrefix(k, []byte(prefixBucket)) {
			dropped = append(dropped, string(k[len(prefixBucket):]))
			continue
		}
		bucket, prefix, ok := trackedBucket(k)
		if !ok {
			continue
		}
		l := last{k: k, bucket: bucket, prefix: prefix, del: del, val: v}
		i := -1
		if index != nil {
			if j, ok := index[string(k)]; ok {
				i = j
			}
		} else {
			for j := range finals {
				if bytes.Equal(finals[j].k, k) {
					i = j
					break
				}
			}
		}
		if i >= 0 {
			finals[i] = l
			continue
		}
		finals = append(finals, l)
		if index == nil && len(finals) > 16 {
			index = make(map[string]int, 2*len(finals))
			for j := range finals {
				index[string(finals[j].k)] = j
			}
		} else if index != nil {
			index[string(k)] = len(finals) - 1
		}
	}
	var deltas map[string]*usageRecord
	for _, l := range finals {
		if slices.Contains(dropped, string(l.bucket)) {
			continue
		}
		var before, after priorState
		if p, ok := m.priorOf(l.k); ok && l.prefix == 'O' {
			before = p
		} else {
			v, ok, err := get(m.e.db, l.k)
			if err != nil {
				return err
			}
			if ok && l.prefix == 'O' {
				if before, err = usageState(v); err != nil {
					return err
				}
			}
			before.present = ok
		}
		if !l.del {
			after.present = true
			if l.prefix == 'O' {
				var err error
				if after, err = usageState(l.val); err != nil {
					return err
				}
			}
		}
		if before == after {
			continue
		}
		if deltas == nil {
			deltas = map[string]*usageRecord{}
		}
		d := deltas[string(l.bucket)]
		if d == nil {
			d = &usageRecord{}
			deltas[string(l.bucket)] = d
		}
		for _, s := range []struct {
			st   priorState
			sign int64
		}{{before, -1}, {after, +1}} {
			if !s.st.present {
				continue
			}
			switch l.prefix {
			case 'O':
				d.class(s.st.class).add(s.st.size, s.sign)
			case 'U':
				d.uploads += s.sign
			case 'L':
				d.channels += s.sign
			}
		}
	}
	for _, b := range dropped {
		if err := m.b.Delete(usageKey(b), nil); err != nil {
			return err
		}
	}
	for b, d := range deltas {
		u, err := readUsage(m.e.db, b)
		if err != nil {
			return err
		}
		u.fold(d)
		if u.uploads < 0 || u.channels < 0 {
			return fmt.Errorf("%w: usage of bucket %s below zero", ErrCorrupt, b)
		}
		for c, cu := range u.classes {
			if cu.Objects < 0 || cu.Bytes < 0 || cu.SmallObjects < 0 || cu.SmallBytes < 0 {
				return fmt.Errorf("%w: usage of bucket %s, class %q, below zero", ErrCorrupt, b, c)
			}
		}
		if err := m.b.Set(usageKey(b), u.encode(), nil); err != nil {
			return err
		}
	}
	return nil
}

// countUsage counts every bucket's usage from its records, once, for a
// store written before the counts existed (or a new one: nothing to
// count), and marks the store as counted. It runs in Open, before anything
// else writes; its cost is a scan of the store's object records.
func (e *Engine) countUsage() error {
	if _, ok, err := get(e.db, usageReadyKey); err != nil || ok {
		return err
	}
	b := e.db.NewBatch()
	defer b.Close()
	it, err := e.db.NewIter(&pebble.IterOptions{LowerBound: []byte(prefixBucket), UpperBound: prefixEnd([]byte(prefixBucket))})
	if err != nil {
		return err
	}
	var buckets []string
	for ok := it.First(); ok; ok = it.Next() {
		buckets = append(buckets, string(it.Key()[len(prefixBucket):]))
	}
	if err := errors.Join(it.Error(), it.Close()); err != nil {
		return err
	}
	for _, bucket := range buckets {
		u, err := countBucket(e.db, bucket)
		if err != nil {
			return err
		}
		if err := b.Set(usageKey(bucket), u.encode(), nil); err != nil {
			return err
		}
	}
	if err := b.Set(usageReadyKey, []byte{usageVersion}, nil); err != nil {
		return err
	}
	// Not synced: the first synced write after it makes it durable with
	// itself (pebble's log is one sequence), and if a crash comes first,
	// the next Open counts again.
	return b.Commit(pebble.NoSync)
}

// countBucket counts bucket's usage from its O/, U/ and L/ records in r.
func countBucket(r pebble.Reader, bucket string) (usageRecord, error) {
	var u usageRecord
	for _, p := range [][]byte{objectPrefix(bucket), uploadPrefix(bucket), livePrefix(bucket)} {
		it, err := r.NewIter(&pebble.IterOptions{LowerBound: p, UpperBound: prefixEnd(p)})
		if err != nil {
			return u, err
		}
		for ok := it.First(); ok; ok = it.Next() {
			switch p[0] {
			case 'O':
				v, err := it.ValueAndErr()
				if err != nil {
					it.Close()
					return u, err
				}
				st, err := usageState(v)
				if err != nil {
					it.Close()
					return u, err
				}
				u.class(st.class).add(st.size, 1)
			case 'U':
				u.uploads++
			case 'L':
				u.channels++
			}
		}
		if err := errors.Join(it.Error(), it.Close()); err != nil {
			return u, err
		}
	}
	return u, nil
}
