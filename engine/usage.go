package engine

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cockroachdb/pebble/v2"
)

// Per-bucket usage.
//
// M/<bucket> counts what a bucket holds: its current objects (the O/
// records, what ListObjects lists) by storage class, its noncurrent
// versions and delete markers (V/), its multipart uploads in progress (U/)
// and their parts (P/), and its live channels (L/). Every mutation keeps
// the counts in its own batch: commit reads the batch back, and for each
// such key it writes or deletes compares the key's state before the batch
// (a record the operation already read, noted with notePrior, or else one
// pebble read) with the batch's last operation on it. A part's key names
// its upload, not its bucket: the operations that write or drop parts
// note the upload's bucket (noteUpload). The counts therefore change
// atomically with what they count, survive crashes with it, and cost no
// scan to read (BucketUsage, OSS GetBucketStat, the storage quota). The
// engine caches the records it writes (Engine.usage, under e.mu), so a
// change reads none; a mutation that fails to commit drops its changes
// from the cache (forgetUsage).
//
// The key "M/" (no bucket name: bucket names are never empty) marks a
// store whose counts are complete, and holds their encoding's version; a
// store written before they existed, or under another version, is
// counted once, when it is opened (countUsage).

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
	// NoncurrentVersions and NoncurrentBytes count the versions that are
	// not current (delete markers not included).
	NoncurrentVersions int64
	NoncurrentBytes    int64
	// DeleteMarkers counts the delete markers, current or not.
	DeleteMarkers int64
	// Uploads counts the multipart uploads in progress; Parts and
	// PartBytes their uploaded parts.
	Uploads   int64
	Parts     int64
	PartBytes int64
	// LiveChannels counts the bucket's live channels.
	LiveChannels int64
}

// BucketUsage returns what bucket holds, exact as of the last committed
// write, from one record: no listing. It fails with ErrNoSuchBucket.
func (e *Engine) BucketUsage(ctx context.Context, bucket string) (BucketUsage, error) {
	if err := e.enter(ctx); err != nil {
		return BucketUsage{}, err
	}
	defer e.leave()
	// One read: a snapshot would cost more than the record (the storage
	// quota reads it on every write into a bucket that has one).
	if _, err := e.cachedBucket(bucket); err != nil {
		return BucketUsage{}, err
	}
	u, err := readUsage(e.db, bucket)
	if err != nil {
		return BucketUsage{}, err
	}
	out := BucketUsage{Uploads: u.uploads, LiveChannels: u.channels, Classes: map[string]ClassUsage{},
		NoncurrentVersions: u.versions, NoncurrentBytes: u.versionBytes, DeleteMarkers: u.markers,
		Parts: u.parts, PartBytes: u.partBytes}
	for _, c := range u.classes {
		if c.zero() {
			continue
		}
		out.Classes[c.name] = c.ClassUsage
		out.Objects += c.Objects
		out.Bytes += c.Bytes
	}
	return out, nil
}

// usageRecord is the decoded M/<bucket> value.
type usageRecord struct {
	uploads, channels      int64
	markers                int64
	versions, versionBytes int64
	parts, partBytes       int64
	classes                []classCount // sorted by name; few
	bucket                 string       // the engine's cached copy: whose
}

// classCount is one storage class's counts.
type classCount struct {
	name string
	ClassUsage
}

// counts are the record's counts other than the classes', in their
// encoded order.
func (u *usageRecord) counts() [7]*int64 {
	return [7]*int64{&u.uploads, &u.channels, &u.markers, &u.versions, &u.versionBytes, &u.parts, &u.partBytes}
}

// class returns class c's counts, adding them (zero) if missing.
func (u *usageRecord) class(c string) *ClassUsage {
	i, found := slices.BinarySearchFunc(u.classes, c, func(x classCount, c string) int { return strings.Compare(x.name, c) })
	if !found {
		u.classes = slices.Insert(u.classes, i, classCount{name: c})
	}
	return &u.classes[i].ClassUsage
}

// fold adds d to u.
func (u *usageRecord) fold(d *usageRecord) {
	dc := d.counts()
	for i, n := range u.counts() {
		*n += *dc[i]
	}
	for _, c := range d.classes {
		t := u.class(c.name)
		t.Objects += c.Objects
		t.Bytes += c.Bytes
		t.SmallObjects += c.SmallObjects
		t.SmallBytes += c.SmallBytes
	}
}

// negative reports a count below zero.
func (u *usageRecord) negative() bool {
	for _, n := range u.counts() {
		if *n < 0 {
			return true
		}
	}
	for _, c := range u.classes {
		if c.Objects < 0 || c.Bytes < 0 || c.SmallObjects < 0 || c.SmallBytes < 0 {
			return true
		}
	}
	return false
}

// usageVersion is the version of the M/ records' encoding, and the value
// of the usageReadyKey: a store marked with another version is counted
// again when it is opened. Version 3 added the null version index (Z/),
// which the same pass builds.
const usageVersion = 3

// encode writes version, the counts (see counts), then each class (by
// name, empty ones left out) as name and four counts. It is
// appendEncoded to nothing.
func (u *usageRecord) encode() []byte { return u.appendEncoded(nil) }

func (u *usageRecord) appendEncoded(b []byte) []byte {
	b = append(b, usageVersion)
	for _, n := range u.counts() {
		b = binary.AppendVarint(b, *n)
	}
	for _, c := range u.classes {
		if c.zero() {
			continue
		}
		b = binary.AppendUvarint(b, uint64(len(c.name)))
		b = append(b, c.name...)
		for _, n := range []int64{c.Objects, c.Bytes, c.SmallObjects, c.SmallBytes} {
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
	for _, n := range u.counts() {
		if *n = varint(); *n < 0 {
			return u, errUsageRecord
		}
	}
	for len(b) > 0 {
		l, n := binary.Uvarint(b)
		if n <= 0 || uint64(len(b)-n) < l {
			return u, errUsageRecord
		}
		c := internClass(b[n : n+int(l)])
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

// priorState is a counted key's state (before a mutation's batch, or
// after it).
type priorState struct {
	present bool
	size    int64
	class   string
	marker  bool // a delete marker (V/)
	null    bool // the null version (V/ only: no version ID)
}

// priorEntry is the state of O/ key k before a mutation's batch.
type priorEntry struct {
	k  []byte
	st priorState
}

// notePrior records the record at O/, V/ or P/ key k as it was before
// m's batch (ok false: there was none), read by the operation anyway, so
// that commit does not read it again. k must not change afterwards. A
// mutation notes few keys (one for most), so they are a slice.
func (m *mutation) notePrior(k []byte, rec *objectRecord, ok bool) {
	if len(k) < 2 || k[1] != '/' || k[0] != 'O' && k[0] != 'V' && k[0] != 'P' {
		return
	}
	if _, seen := m.priorOf(k); seen {
		return // the first read is the state before the batch
	}
	p := priorState{present: ok}
	if ok {
		p.size, p.class, p.marker = rec.info.Size, rec.info.StorageClass, rec.info.DeleteMarker
		p.null = k[0] == 'V' && rec.info.VersionID == ""
	}
	if m.prior == nil {
		m.prior = m.priorBuf[:0]
	}
	m.prior = append(m.prior, priorEntry{k: k, st: p})
	// Past a few keys (a multipart completion drops up to 10,000 parts),
	// an index keeps the lookups O(1).
	switch n := len(m.prior); {
	case m.priorIndex != nil:
		m.priorIndex[string(k)] = n - 1
	case n > 16:
		m.priorIndex = make(map[string]int, 2*n)
		for i, e := range m.prior {
			m.priorIndex[string(e.k)] = i
		}
	}
}

// noteUpload records that upload uploadID belongs to bucket, for the part
// records m writes (their keys do not name the bucket).
func (m *mutation) noteUpload(uploadID, bucket string) {
	if m.uploads == nil {
		m.uploads = map[string]*uploadNote{}
	}
	if m.uploads[uploadID] == nil {
		m.uploads[uploadID] = &uploadNote{bucket: []byte(bucket)}
	}
}

// uploadNote is what a mutation knows of an upload whose parts it
// writes or drops.
type uploadNote struct {
	bucket  []byte
	dropped *droppedParts // every part deleted (dropParts)
}

// droppedParts counts the parts of an upload dropped whole.
type droppedParts struct{ parts, bytes int64 }

// dropParts records that m deletes every part of bucket's upload uploadID,
// d of them as they were before the batch: they are counted as one
// change, not part by part (a completion drops up to 10,000). The batch
// must write no part of that upload.
func (m *mutation) dropParts(uploadID, bucket string, d droppedParts) {
	m.noteUpload(uploadID, bucket)
	m.uploads[uploadID].dropped = &d
}

// partUpload returns the upload ID of a P/<uploadID>/<part, 4 bytes> key.
func partUpload(k []byte) ([]byte, bool) {
	if len(k) < len(prefixPart)+1+4 || k[len(k)-5] != '/' {
		return nil, false
	}
	return k[len(prefixPart) : len(k)-5], true
}

func (m *mutation) priorOf(k []byte) (priorState, bool) {
	if m.priorIndex != nil {
		if i, ok := m.priorIndex[string(k)]; ok {
			return m.prior[i].st, true
		}
		return priorState{}, false
	}
	for i := range m.prior {
		if bytes.Equal(m.prior[i].k, k) {
			return m.prior[i].st, true
		}
	}
	return priorState{}, false
}

// usageState decodes what usage counts of an encoded O/, V/ or P/
// record: its size, storage class and whether it is a delete marker, and
// (meant for V/ records) whether it is the null version.
func usageState(v []byte) (priorState, error) {
	st := priorState{present: true, null: true}
	d := decoder{b: v}
	d.version()
	for {
		tag, p, ok := d.next()
		if !ok {
			break
		}
		switch tag {
		case fSize:
			st.size = d.varint(p)
		case fStorageClass:
			st.class = internClass(p)
		case fDeleteMarker:
			st.marker = d.uvar(p) == 1
		case fVersionID:
			st.null = false
		}
	}
	return st, d.err
}

// storageClasses are the class names stored most, whose records decode
// without an allocation.
var storageClasses = []string{"STANDARD", "IA", "Archive", "ColdArchive", "DeepColdArchive", "STANDARD_IA",
	"ONEZONE_IA", "GLACIER", "GLACIER_IR", "DEEP_ARCHIVE", "INTELLIGENT_TIERING", "REDUCED_REDUNDANCY"}

func internClass(p []byte) string {
	for _, c := range storageClasses {
		if string(p) == c {
			return c
		}
	}
	return string(p)
}

// trackedBucket returns the bucket of an O/, V/, U/ or L/ key (a part
// of k), and which of them it is.
func trackedBucket(k []byte) (bucket []byte, prefix byte, ok bool) {
	if len(k) < 2 || k[1] != '/' {
		return nil, 0, false
	}
	switch k[0] {
	case 'O', 'V', 'U', 'L':
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
	var nulls []nullChange   // V/ keys that become or stop being a null version
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
			for _, p := range []string{prefixObject, prefixVersion, prefixUpload, prefixPart, prefixLive} {
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
		if !ok && len(k) > 2 && k[0] == 'P' && k[1] == '/' {
			var u *uploadNote
			if id, okID := partUpload(k); okID {
				u = m.uploads[string(id)]
			}
			switch {
			case u == nil:
				return fmt.Errorf("engine: part record %q written without its upload's bucket", k)
			case u.dropped != nil && !del:
				return fmt.Errorf("engine: part record %q written in the batch that drops its upload", k)
			case u.dropped != nil:
				continue // counted with the upload (dropParts)
			}
			bucket, prefix, ok = u.bucket, 'P', true
		}
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
	for _, l := range finals {
		if slices.Contains(dropped, string(l.bucket)) {
			continue
		}
		// U/ and L/ records count by their presence; the others by
		// what they hold.
		records := l.prefix != 'U' && l.prefix != 'L'
		var before, after priorState
		if p, ok := m.priorOf(l.k); ok && records {
			before = p
		} else {
			v, ok, err := get(m.e.db, l.k)
			if err != nil {
				return err
			}
			if ok && records {
				if before, err = usageState(v); err != nil {
					return err
				}
			}
			before.present = ok
		}
		if !l.del {
			after.present = true
			if records {
				var err error
				if after, err = usageState(l.val); err != nil {
					return err
				}
			}
		}
		if l.prefix != 'V' {
			before.null, after.null = false, false
		} else if wasNull, isNull := before.present && before.null, after.present && after.null; wasNull != isNull {
			nulls = append(nulls, nullChange{bucket: l.bucket, k: l.k, set: isNull})
		}
		if before == after {
			continue
		}
		u, err := m.usageOf(l.bucket)
		if err != nil {
			return err
		}
		for _, s := range [2]struct {
			st   priorState
			sign int64
		}{{before, -1}, {after, +1}} {
			if !s.st.present {
				continue
			}
			switch l.prefix {
			case 'O':
				u.class(s.st.class).add(s.st.size, s.sign)
			case 'V':
				if s.st.marker {
					u.markers += s.sign
				} else {
					u.versions += s.sign
					u.versionBytes += s.sign * s.st.size
				}
			case 'P':
				u.parts += s.sign
				u.partBytes += s.sign * s.st.size
			case 'U':
				u.uploads += s.sign
			case 'L':
				u.channels += s.sign
			}
		}
	}
	if err := m.indexNullVersions(nulls, dropped); err != nil {
		return err
	}
	for _, u := range m.uploads {
		if u.dropped == nil || u.dropped.parts == 0 || slices.Contains(dropped, string(u.bucket)) {
			continue
		}
		r, err := m.usageOf(u.bucket)
		if err != nil {
			return err
		}
		r.parts -= u.dropped.parts
		r.partBytes -= u.dropped.bytes
	}
	e := m.e
	for _, b := range dropped {
		delete(e.usage, b)
		if err := m.b.Delete(usageKey(b), nil); err != nil {
			return err
		}
	}
	for _, b := range m.usageTouched {
		u := e.usage[b]
		if u.negative() {
			return fmt.Errorf("%w: usage of bucket %s below zero", ErrCorrupt, b)
		}
		e.usageKeyBuf = append(append(e.usageKeyBuf[:0], prefixUsage...), b...)
		e.usageBuf = u.appendEncoded(e.usageBuf[:0])
		if err := m.b.Set(e.usageKeyBuf, e.usageBuf, nil); err != nil {
			return err
		}
	}
	return nil
}

// nullChange is a V/ key a batch makes the null version of its object key
// (set), or that stops being it.
type nullChange struct {
	bucket, k []byte
	set       bool
}

// indexNullVersions writes the null version index (Z/) changes of a
// batch's V/ records into it, but for buckets it drops. A key has one
// null version at most: a batch that replaces it removes the old one and
// writes the new, so a set wins over a removal of the same object key.
func (m *mutation) indexNullVersions(nulls []nullChange, dropped []string) error {
	for _, set := range [2]bool{false, true} {
		for _, n := range nulls {
			if n.set != set || slices.Contains(dropped, string(n.bucket)) {
				continue
			}
			base := versionPrefix(string(n.bucket))
			key, s, ok := splitVersionKey(base, n.k)
			if !ok {
				return fmt.Errorf("%w: malformed version key %q", ErrCorrupt, n.k)
			}
			ik := nullVersionKey(string(n.bucket), key)
			var err error
			if set {
				err = m.b.Set(ik, s[:], nil)
			} else {
				err = m.b.Delete(ik, nil)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// usageOf returns bucket's usage record as the batch leaves it so far:
// the engine's cached copy, read on first use, which m changes in place
// (forgetUsage drops it again if m does not commit). The caller holds
// e.mu.
func (m *mutation) usageOf(bucket []byte) (*usageRecord, error) {
	e := m.e
	u, ok := e.usage[string(bucket)]
	if !ok {
		rec, err := readUsage(e.db, string(bucket))
		if err != nil {
			return nil, err
		}
		if e.usage == nil {
			e.usage = map[string]*usageRecord{}
		}
		rec.bucket = string(bucket)
		u = &rec
		e.usage[rec.bucket] = u
	}
	if !slices.Contains(m.usageTouched, u.bucket) {
		if m.usageTouched == nil {
			m.usageTouched = m.touchedBuf[:0]
		}
		m.usageTouched = append(m.usageTouched, u.bucket)
	}
	return u, nil
}

// forgetUsage drops the cached records m changed, for a mutation that
// does not commit: the next one reads them from the store again.
func (m *mutation) forgetUsage() {
	for _, b := range m.usageTouched {
		delete(m.e.usage, b)
	}
}

// countUsage counts every bucket's usage from its records, once, for a
// store written before the counts existed (or a new one: nothing to
// count), builds the null version index (Z/) anew, and marks the store as
// counted. It runs in Open, before anything else writes; its cost is a
// scan of the store's object records.
func (e *Engine) countUsage() error {
	if v, ok, err := get(e.db, usageReadyKey); err != nil || ok && bytes.Equal(v, []byte{usageVersion}) {
		return err
	}
	b := e.db.NewBatch()
	defer func() { b.Close() }()
	// The index is written in batches of bounded size (a store may hold
	// many null versions); until the marker commits, the next Open
	// builds it again from nothing.
	nz := []byte(prefixNullVersion)
	if err := b.DeleteRange(nz, prefixEnd(nz), nil); err != nil {
		return err
	}
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
		err = eachNullVersion(e.db, bucket, func(key string, s stamp) error {
			if b.Len() > 4<<20 {
				if err := b.Commit(pebble.NoSync); err != nil {
					return err
				}
				b.Close()
				b = e.db.NewBatch()
			}
			return b.Set(nullVersionKey(bucket, key), s[:], nil)
		})
		if err != nil {
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

// eachNullVersion calls fn for each null version of bucket stored under
// V/ in r (noncurrent, or a delete marker), with its object key and stamp.
func eachNullVersion(r pebble.Reader, bucket string, fn func(key string, s stamp) error) error {
	base := versionPrefix(bucket)
	it, err := r.NewIter(&pebble.IterOptions{LowerBound: base, UpperBound: prefixEnd(base)})
	if err != nil {
		return err
	}
	for ok := it.First(); ok; ok = it.Next() {
		v, err := it.ValueAndErr()
		var st priorState
		if err == nil {
			st, err = usageState(v)
		}
		if err == nil && st.null {
			key, s, ok := splitVersionKey(base, it.Key())
			if !ok {
				err = fmt.Errorf("%w: malformed version key %q", ErrCorrupt, it.Key())
			} else {
				err = fn(key, s)
			}
		}
		if err != nil {
			it.Close()
			return err
		}
	}
	return errors.Join(it.Error(), it.Close())
}

// countBucket counts bucket's usage from its O/, U/ and L/ records in r.
func countBucket(r pebble.Reader, bucket string) (usageRecord, error) {
	var u usageRecord
	var uploads [][]byte // upload IDs, whose parts are counted after
	count := func(p []byte) error {
		it, err := r.NewIter(&pebble.IterOptions{LowerBound: p, UpperBound: prefixEnd(p)})
		if err != nil {
			return err
		}
		for ok := it.First(); ok; ok = it.Next() {
			var st priorState
			if p[0] != 'U' && p[0] != 'L' {
				v, err := it.ValueAndErr()
				if err == nil {
					st, err = usageState(v)
				}
				if err != nil {
					it.Close()
					return err
				}
			}
			switch p[0] {
			case 'O':
				u.class(st.class).add(st.size, 1)
			case 'V':
				if st.marker {
					u.markers++
				} else {
					u.versions++
					u.versionBytes += st.size
				}
			case 'P':
				u.parts++
				u.partBytes += st.size
			case 'U':
				u.uploads++
				k := it.Key()
				uploads = append(uploads, bytes.Clone(k[bytes.LastIndexByte(k, 0)+1:]))
			case 'L':
				u.channels++
			}
		}
		return errors.Join(it.Error(), it.Close())
	}
	for _, p := range [][]byte{objectPrefix(bucket), versionPrefix(bucket), uploadPrefix(bucket), livePrefix(bucket)} {
		if err := count(p); err != nil {
			return u, err
		}
	}
	for _, id := range uploads {
		if err := count(partPrefix(string(id))); err != nil {
			return u, err
		}
	}
	return u, nil
}
