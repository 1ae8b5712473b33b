package engine

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// Object versioning.
//
// A bucket is unversioned until versioning is first configured
// (bucketconfig.Versioning through SetBucketConfig); from then on it is
// enabled or suspended, never unversioned again. The state lives in the
// bucket record (read once per request with it) and in the configuration
// document (which also keeps MFADelete: the engine stores it, and httpapi
// enforces it on the S3 wire, httpapi/mfa.go).
//
// Storage: O/<bucket>\x00<key> holds the current version while it is an
// object, exactly as in an unversioned bucket, so plain reads and listings
// are untouched. Every other version (noncurrent objects and all delete
// markers) is at
//
//	V/<bucket>\x00<key>\x00<stamp, 12 bytes, bit-inverted>
//
// newest first. A key whose latest version is a delete marker has no O/
// record. A stamp is the engine clock in nanoseconds (8 bytes) and a
// sequence (4 bytes), strictly increasing per key; a version ID is its
// stamp written in an order-preserving URL-safe alphabet. The null version
// (written while unversioned or suspended) has no ID of its own: its
// record stores no fVersionID, and its stamp is the V/ key (or, while it
// is current, fNullStamp, or its modification time when written before
// versioning).

// VersioningState is a bucket's versioning state.
type VersioningState uint8

const (
	// VersioningOff: never versioned; writes replace, deletes remove.
	VersioningOff VersioningState = iota
	// VersioningEnabled: every write adds a version with its own ID.
	VersioningEnabled
	// VersioningSuspended: writes replace the null version; deletes
	// make the null version a delete marker.
	VersioningSuspended
)

func (s VersioningState) String() string {
	switch s {
	case VersioningEnabled:
		return "Enabled"
	case VersioningSuspended:
		return "Suspended"
	}
	return ""
}

// NullVersionID names the null version in every VersionID input, and is
// what wire protocols show for it.
const NullVersionID = "null"

const prefixVersion = "V/"

// prefixNullVersion indexes the null version of a key while it is not
// current: Z/<bucket>\x00<key> holds the stamp of its V/ key, so finding
// it (every write into a suspended bucket replaces it) costs a read, not
// a walk over the key's versions. The index is kept by commit, from the
// V/ records a batch writes (foldUsage), and built once at Open for a
// store written before it (countUsage).
const prefixNullVersion = "Z/"

// nullVersionPrefix is Z/<bucket>\x00.
func nullVersionPrefix(bucket string) []byte {
	return append(append([]byte(prefixNullVersion), bucket...), 0)
}

// nullVersionKey is Z/<bucket>\x00<key>.
func nullVersionKey(bucket, key string) []byte {
	return append(nullVersionPrefix(bucket), key...)
}

// stampLen is the length of a version stamp; versionIDLen of its ID.
const (
	stampLen     = 12
	versionIDLen = 16
)

// stamp orders the versions of a key: nanoseconds then a sequence, big
// endian, so byte order is time order.
type stamp [stampLen]byte

func (s stamp) less(t stamp) bool { return bytes.Compare(s[:], t[:]) < 0 }

// next returns s + 1.
func (s stamp) next() stamp {
	for i := stampLen - 1; i >= 0; i-- {
		s[i]++
		if s[i] != 0 {
			break
		}
	}
	return s
}

func timeStamp(t time.Time) stamp {
	var s stamp
	binary.BigEndian.PutUint64(s[:8], uint64(t.UnixNano()))
	return s
}

// vidAlphabet is URL-safe and in ASCII order, so IDs sort like stamps.
const vidAlphabet = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"

var vidIndex = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := range len(vidAlphabet) {
		t[vidAlphabet[i]] = int8(i)
	}
	return t
}()

// id writes s as a version ID: 96 bits, 6 at a time.
func (s stamp) id() string {
	var out [versionIDLen]byte
	for i := range 4 { // 3 bytes -> 4 characters
		v := uint32(s[3*i])<<16 | uint32(s[3*i+1])<<8 | uint32(s[3*i+2])
		for j := range 4 {
			out[4*i+j] = vidAlphabet[(v>>(18-6*j))&63]
		}
	}
	return string(out[:])
}

// parseVersionID returns the stamp of a version ID, or ErrInvalidVersionID.
func parseVersionID(id string) (stamp, error) {
	var s stamp
	if len(id) != versionIDLen {
		return s, fmt.Errorf("%w: %q", ErrInvalidVersionID, id)
	}
	for i := range 4 {
		var v uint32
		for j := range 4 {
			c := vidIndex[id[4*i+j]]
			if c < 0 {
				return s, fmt.Errorf("%w: %q", ErrInvalidVersionID, id)
			}
			v = v<<6 | uint32(c)
		}
		s[3*i], s[3*i+1], s[3*i+2] = byte(v>>16), byte(v>>8), byte(v)
	}
	return s, nil
}

// ValidVersionID reports whether id is a version ID the engine could have
// made, or NullVersionID.
func ValidVersionID(id string) bool {
	if id == NullVersionID {
		return true
	}
	_, err := parseVersionID(id)
	return err == nil
}

// versionPrefix is V/<bucket>\x00.
func versionPrefix(bucket string) []byte {
	b := make([]byte, 0, len(prefixVersion)+len(bucket)+1)
	b = append(b, prefixVersion...)
	b = append(b, bucket...)
	return append(b, 0)
}

// versionKeyPrefix is V/<bucket>\x00<key>\x00: every version of key.
func versionKeyPrefix(bucket, key string) []byte {
	return append(append(versionPrefix(bucket), key...), 0)
}

func versionKey(bucket, key string, s stamp) []byte {
	b := versionKeyPrefix(bucket, key)
	for _, c := range s {
		b = append(b, ^c)
	}
	return b
}

// splitVersionKey returns the object key and stamp of a V/ key with the
// bucket's prefix base.
func splitVersionKey(base, k []byte) (string, stamp, bool) {
	key, s, ok := splitVersionKeyBytes(base, k)
	return string(key), s, ok
}

// splitVersionKeyBytes is splitVersionKey with the object key a part of
// k.
func splitVersionKeyBytes(base, k []byte) ([]byte, stamp, bool) {
	var s stamp
	if len(k) < len(base)+1+stampLen || k[len(k)-stampLen-1] != 0 {
		return nil, s, false
	}
	for i, c := range k[len(k)-stampLen:] {
		s[i] = ^c
	}
	return k[len(base) : len(k)-stampLen-1], s, true
}

// versionStamp returns the ordering stamp of a record read from O/.
func (r *objectRecord) versionStamp() stamp {
	if r.info.VersionID != "" {
		if s, err := parseVersionID(r.info.VersionID); err == nil {
			return s
		}
	}
	if r.nullStamp != (stamp{}) {
		return r.nullStamp
	}
	return timeStamp(r.info.LastModified)
}

// versionCache holds each bucket's versioning state for the write path.
// It is guarded by Engine.mu: every write of a bucket record runs under
// it, so an entry read under it is never stale.
type versionCache struct {
	states map[string]VersioningState
	last   stamp                // the newest stamp handed out
	locks  map[string]*lockRule // Object Lock per bucket (objlock.go)
}

// versioningLocked returns bucket's versioning state (VersioningOff for a
// missing bucket, which the write reports itself). The caller holds e.mu.
func (e *Engine) versioningLocked(bucket string) (VersioningState, error) {
	if s, ok := e.vers.states[bucket]; ok {
		return s, nil
	}
	rec, err := e.bucketRecord(e.db, bucket)
	if errors.Is(err, ErrNoSuchBucket) {
		return VersioningOff, nil
	}
	if err != nil {
		return VersioningOff, err
	}
	if e.vers.states == nil {
		e.vers.states = map[string]VersioningState{}
	}
	e.vers.states[bucket] = rec.versioning
	return rec.versioning, nil
}

// forgetVersioning drops bucket's cached state. The caller holds e.mu.
func (e *Engine) forgetVersioning(bucket string) {
	delete(e.vers.states, bucket)
	delete(e.vers.locks, bucket)
}

// nextStamp returns a stamp newer than every stamp handed out and than
// after (the key's newest version). The caller holds e.mu.
func (e *Engine) nextStamp(after stamp) stamp {
	s := timeStamp(e.now())
	if !e.vers.last.less(s) {
		s = e.vers.last.next()
	}
	if !after.less(s) {
		s = after.next()
	}
	e.vers.last = s
	return s
}

// putVersioningConfig stores a versioning configuration and the state in
// the bucket record, in m. The caller holds e.mu.
func (e *Engine) putVersioningConfig(m *mutation, bucket string, doc []byte) error {
	c, err := bucketconfig.Decode(bucketconfig.KindVersioning, doc)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidArgument, err)
	}
	rec, err := e.bucketRecord(e.db, bucket)
	if err != nil {
		return err
	}
	if rec.lock != nil && c.(*bucketconfig.Versioning).Status != "Enabled" {
		return fmt.Errorf("%w: %s", ErrVersioningLocked, bucket)
	}
	switch c.(*bucketconfig.Versioning).Status {
	case "Enabled":
		rec.versioning = VersioningEnabled
	default:
		rec.versioning = VersioningSuspended
	}
	e.forgetVersioning(bucket)
	if err := m.setBucket(bucket, &rec); err != nil {
		return err
	}
	return m.b.Set(configKey(bucket, ConfigVersioning), doc, nil)
}

// DeleteMarkerError is returned by reads that meet a delete marker: the
// latest version of the key (wrapping ErrNoSuchKey) or the version asked
// for by ID (wrapping ErrVersionIsDeleteMarker). Wire protocols report
// the marker's version ID and x-*-delete-marker: true with the error.
type DeleteMarkerError struct {
	Err          error
	VersionID    string // "" for a null delete marker
	LastModified time.Time
}

func (e *DeleteMarkerError) Error() string {
	return fmt.Sprintf("%v (delete marker %q)", e.Err, e.VersionID)
}

// Unwrap lets errors.Is see the sentinel.
func (e *DeleteMarkerError) Unwrap() error { return e.Err }

// latestMarker returns the delete marker that is the latest version of
// key, when there is no current object. ok is false when there is none.
func (e *Engine) latestMarker(r pebble.Reader, bucket, key string) (objectRecord, bool, error) {
	rec, _, ok, err := e.firstVersion(r, bucket, key, nil)
	if err != nil || !ok || !rec.info.DeleteMarker {
		return objectRecord{}, false, err
	}
	return rec, true, nil
}

// firstVersion returns the newest V/ entry of key other than skip.
func (e *Engine) firstVersion(r pebble.Reader, bucket, key string, skip []byte) (objectRecord, []byte, bool, error) {
	p := versionKeyPrefix(bucket, key)
	it, err := r.NewIter(&pebble.IterOptions{LowerBound: p, UpperBound: prefixEnd(p)})
	if err != nil {
		return objectRecord{}, nil, false, err
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		if skip != nil && bytes.Equal(it.Key(), skip) {
			continue
		}
		v, err := it.ValueAndErr()
		if err != nil {
			return objectRecord{}, nil, false, err
		}
		rec, err := e.decodeVersion(bucket, key, it.Key(), v, true)
		return rec, bytes.Clone(it.Key()), err == nil, err
	}
	return objectRecord{}, nil, false, it.Error()
}

// decodeVersion decodes a V/ record at k.
func (e *Engine) decodeVersion(bucket, key string, k, v []byte, body bool) (objectRecord, error) {
	return e.decodeVersionFields(bucket, key, k, v, body, nil)
}

// decodeVersionFields is decodeVersion, briefly with brief set
// (ListOptions.Brief).
func (e *Engine) decodeVersionFields(bucket, key string, k, v []byte, body bool, brief *briefDecode) (objectRecord, error) {
	rec, err := decodeObjectFields(v, body, body, brief)
	if err != nil {
		return rec, err
	}
	rec.info.Bucket, rec.info.Key = bucket, key
	if _, s, ok := splitVersionKey(versionPrefix(bucket), k); ok && rec.info.VersionID == "" {
		rec.nullStamp = s
	}
	return rec, nil
}

// located is a version and where it is stored.
type located struct {
	rec     objectRecord
	key     []byte // its O/ or V/ key
	current bool   // stored at O/
}

// findVersion finds version vid ("null" or an ID) of key; ok is false
// when there is no such version. A malformed vid is ErrInvalidVersionID.
func (e *Engine) findVersion(r pebble.Reader, bucket, key, vid string, body bool) (located, bool, error) {
	var want stamp
	if vid != NullVersionID {
		s, err := parseVersionID(vid)
		if err != nil {
			return located{}, false, err
		}
		want = s
	}
	ok0 := objectKey(bucket, key)
	if v, ok, err := get(r, ok0); err != nil {
		return located{}, false, err
	} else if ok {
		rec, err := decodeObject(v, body)
		if err != nil {
			return located{}, false, err
		}
		rec.info.Bucket, rec.info.Key = bucket, key
		if (vid == NullVersionID && rec.info.VersionID == "") || rec.info.VersionID == vid {
			return located{rec: rec, key: ok0, current: true}, true, nil
		}
	}
	if vid != NullVersionID {
		k := versionKey(bucket, key, want)
		v, ok, err := get(r, k)
		if err != nil || !ok {
			return located{}, false, err
		}
		rec, err := e.decodeVersion(bucket, key, k, v, body)
		if err != nil {
			return located{}, false, err
		}
		if rec.info.VersionID != vid {
			return located{}, false, nil
		}
		return located{rec: rec, key: k}, true, nil
	}
	// The null version in V/, by its index.
	sv, ok, err := get(r, nullVersionKey(bucket, key))
	if err != nil || !ok {
		return located{}, false, err
	}
	if len(sv) != stampLen {
		return located{}, false, fmt.Errorf("%w: null version index of %s/%s", ErrCorrupt, bucket, key)
	}
	k := versionKey(bucket, key, stamp(sv))
	v, ok, err := get(r, k)
	if err != nil {
		return located{}, false, err
	}
	if !ok {
		return located{}, false, fmt.Errorf("%w: null version index of %s/%s names no version", ErrCorrupt, bucket, key)
	}
	rec, err := e.decodeVersion(bucket, key, k, v, body)
	if err != nil {
		return located{}, false, err
	}
	if rec.info.VersionID != "" {
		return located{}, false, fmt.Errorf("%w: null version index of %s/%s names version %s", ErrCorrupt, bucket, key, rec.info.VersionID)
	}
	return located{rec: rec, key: k}, true, nil
}

// objectVersion reads version vid of key for a read: "" is the latest
// (ErrNoSuchKey, or a *DeleteMarkerError when it is a delete marker). A
// version that is a delete marker is a *DeleteMarkerError wrapping
// ErrVersionIsDeleteMarker; a missing one ErrNoSuchVersion.
func (e *Engine) objectVersion(r pebble.Reader, bucket, key, vid string, body bool) (objectRecord, error) {
	if vid == "" {
		return e.objectRecord(r, bucket, key, body)
	}
	if !ValidVersionID(vid) {
		return objectRecord{}, fmt.Errorf("%w: %q", ErrInvalidVersionID, vid)
	}
	loc, ok, err := e.findVersion(r, bucket, key, vid, body)
	if err != nil {
		return objectRecord{}, err
	}
	if !ok {
		if _, err := e.bucketRecord(r, bucket); err != nil {
			return objectRecord{}, err
		}
		return objectRecord{}, fmt.Errorf("%w: %s/%s version %s", ErrNoSuchVersion, bucket, key, vid)
	}
	if loc.rec.info.DeleteMarker {
		return objectRecord{}, &DeleteMarkerError{Err: ErrVersionIsDeleteMarker, VersionID: loc.rec.info.VersionID, LastModified: loc.rec.info.LastModified}
	}
	return loc.rec, nil
}

// writeVersion stores rec as the newest version of its key in a bucket
// whose versioning is st (not VersioningOff), in m: the current version
// becomes noncurrent, or, for a null write, the null version is replaced.
// rec gets its VersionID. The caller holds e.mu.
func (e *Engine) writeVersion(m *mutation, rec *objectRecord, st VersioningState) error {
	return e.writeVersionAt(m, rec, st, nil)
}

// writeVersionAt is writeVersion with the version's stamp given (at, a
// replica keeping its source's version ID) or chosen (nil). A given stamp
// older than the key's newest version is stored as a noncurrent version.
func (e *Engine) writeVersionAt(m *mutation, rec *objectRecord, st VersioningState, at *stamp) error {
	bucket, key := rec.info.Bucket, rec.info.Key
	ck, cur, hasCur, latest, err := e.latestStamp(bucket, key)
	if err != nil {
		return err
	}
	m.notePrior(ck, &cur, hasCur)
	var s stamp
	switch {
	case at == nil:
		s = e.nextStamp(latest)
	case !latest.less(*at):
		return e.writeOlderVersion(m, rec, *at)
	default:
		s = *at
		if e.vers.last.less(s) {
			e.vers.last = s
		}
	}
	hadCur := hasCur // an O/ record a delete marker must remove
	if rec.info.DeleteMarker {
		rec.inline, rec.extents = nil, nil
	}
	if st == VersioningEnabled {
		rec.info.VersionID, rec.nullStamp = s.id(), stamp{}
	} else {
		rec.info.VersionID, rec.nullStamp = "", s
		nullCur := hasCur && cur.info.VersionID == ""
		if nullCur {
			if err := e.dropVersion(m, &cur, nil); err != nil {
				return err
			}
			hasCur = false
		} else if err := e.dropNullVersion(m, bucket, key); err != nil {
			return err
		}
		if rec.info.DeleteMarker {
			// The null version is gone for good (replaced by a null
			// delete marker): a null version written later is another
			// object, whatever its pin says. A schedule naming a newer
			// current version stays with it: the marker makes it
			// noncurrent, and removing the marker makes it current again.
			if err := e.forgetNullSchedule(m, bucket, key, nullCur); err != nil {
				return err
			}
		}
	}
	if rec.info.VersionID != "" { // not a suspended bucket's null version
		if err := e.queueReplication(m, rec); err != nil {
			return err
		}
	}
	if hasCur {
		// The current object becomes noncurrent: same record, new home
		// (where nothing is: a version is current or noncurrent).
		cs := cur.versionStamp()
		cur.nullStamp = stamp{}
		vk := versionKey(bucket, key, cs)
		m.notePrior(vk, nil, false)
		if err := m.b.Set(vk, cur.encode(), nil); err != nil {
			return err
		}
	}
	if rec.info.DeleteMarker {
		if hadCur {
			if err := m.b.Delete(objectKey(bucket, key), nil); err != nil {
				return err
			}
		}
		ns := rec.nullStamp
		rec.nullStamp = stamp{}
		vk := versionKey(bucket, key, s) // a new stamp: nothing is there
		m.notePrior(vk, nil, false)
		err := m.setRecord(vk, rec)
		rec.nullStamp = ns
		return err
	}
	m.ref(rec.extents, +1)
	return m.setRecord(objectKey(bucket, key), rec)
}

// writeOlderVersion stores rec, with stamp s older than the key's newest
// version, as a noncurrent version. The caller holds e.mu.
func (e *Engine) writeOlderVersion(m *mutation, rec *objectRecord, s stamp) error {
	rec.info.VersionID, rec.nullStamp = s.id(), stamp{}
	if rec.info.DeleteMarker {
		rec.inline, rec.extents = nil, nil
	}
	m.ref(rec.extents, +1)
	return m.b.Set(versionKey(rec.info.Bucket, rec.info.Key, s), rec.encode(), nil)
}

// latestStamp reads key's current object (with its body; k is its O/
// key) and the stamp of its newest version (zero when it has none).
func (e *Engine) latestStamp(bucket, key string) (k []byte, cur objectRecord, hasCur bool, latest stamp, err error) {
	k = objectKey(bucket, key)
	v, ok, err := get(e.db, k)
	if err != nil {
		return k, cur, false, latest, err
	}
	if ok {
		if cur, err = decodeObject(v, true); err != nil {
			return k, cur, false, latest, err
		}
		cur.info.Bucket, cur.info.Key = bucket, key
		return k, cur, true, cur.versionStamp(), nil
	}
	p := versionKeyPrefix(bucket, key)
	it, err := e.db.NewIter(&pebble.IterOptions{LowerBound: p, UpperBound: prefixEnd(p)})
	if err != nil {
		return k, cur, false, latest, err
	}
	if it.First() {
		_, latest, _ = splitVersionKey(versionPrefix(bucket), it.Key())
	}
	return k, cur, false, latest, it.Close()
}

// dropVersion releases what a version being removed references. next is
// the record replacing it at the same O/ key, if any.
func (e *Engine) dropVersion(m *mutation, rec, next *objectRecord) error {
	m.ref(rec.extents, -1)
	return m.dropObjectContent(rec, next)
}

// dropNullVersion deletes the null version of key from V/, if any.
func (e *Engine) dropNullVersion(m *mutation, bucket, key string) error {
	loc, ok, err := e.findVersion(e.db, bucket, key, NullVersionID, true)
	if err != nil || !ok || loc.current {
		return err
	}
	m.ref(loc.rec.extents, -1)
	return m.b.Delete(loc.key, nil)
}

// removeVersion deletes version vid of key in m and, when it was the
// latest, makes the next one current. A missing version changes nothing.
// ifMatch, when set, is checked against that version's ETag first, as
// deleteObject checks the current object's: a mismatch (a delete marker
// has no ETag, so it never matches) is ErrPreconditionFailed and a
// missing version ErrNoSuchVersion, both changing nothing. The caller
// holds e.mu.
func (e *Engine) removeVersion(m *mutation, bucket, key, vid string, c deleteCond, bypass bool) (DeleteResult, error) {
	res := DeleteResult{Key: key, VersionID: vid}
	loc, ok, err := e.findVersion(e.db, bucket, key, vid, true)
	if err != nil || !ok {
		if err == nil {
			_, err = e.bucketRecord(e.db, bucket)
		}
		if err == nil && c.ifMatch != "" {
			err = fmt.Errorf("%w: %s/%s version %s", ErrNoSuchVersion, bucket, key, vid)
		}
		return res, err
	}
	if err := c.check(&loc.rec.info); err != nil {
		return res, fmt.Errorf("%w (version %s)", err, vid)
	}
	res.DeleteMarker = loc.rec.info.DeleteMarker
	if !res.DeleteMarker {
		// A bucket retention policy (WORM) protects every version.
		if err := e.checkRetention(bucket, key, loc.rec.info.LastModified); err != nil {
			return res, err
		}
		// Object Lock protects each version by its own retention.
		if err := e.checkLock(bucket, key, &loc.rec.info, bypass); err != nil {
			return res, err
		}
	}
	switch {
	case loc.current:
		if err := e.dropVersion(m, &loc.rec, nil); err != nil {
			return res, err
		}
	default:
		// A content-index entry names the key's current object only.
		m.ref(loc.rec.extents, -1)
	}
	if err := m.b.Delete(loc.key, nil); err != nil {
		return res, err
	}
	if vid == NullVersionID && !res.DeleteMarker {
		if err := e.forgetNullSchedule(m, bucket, key, loc.current); err != nil {
			return res, err
		}
	}
	latest, err := e.isLatest(bucket, key, &loc)
	if err != nil {
		return res, err
	}
	if !latest {
		return res, nil
	}
	// Promote the next version when it is an object.
	next, nk, found, err := e.firstVersion(e.db, bucket, key, loc.key)
	if err != nil || !found || next.info.DeleteMarker {
		return res, err
	}
	if err := m.b.Delete(nk, nil); err != nil {
		return res, err
	}
	return res, m.b.Set(objectKey(bucket, key), next.encode(), nil)
}

// isLatest reports whether loc, a version of bucket/key found in the
// store, is the key's latest version: the current object, or the newest
// version when that is a delete marker (no current object). The caller
// holds e.mu.
func (e *Engine) isLatest(bucket, key string, loc *located) (bool, error) {
	if loc.current {
		return true, nil
	}
	if _, has, err := get(e.db, objectKey(bucket, key)); err != nil || has {
		return false, err
	}
	_, first, found, err := e.firstVersion(e.db, bucket, key, nil)
	if err != nil {
		return false, err
	}
	return found && bytes.Equal(first, loc.key), nil
}

// deleteVersioned is DeleteObject in a versioned bucket.
func (e *Engine) deleteVersioned(m *mutation, bucket, key string, opts DeleteOptions, st VersioningState) (DeleteResult, error) {
	c := opts.cond()
	if opts.VersionID != "" {
		return e.removeVersion(m, bucket, key, opts.VersionID, c, opts.BypassGovernance)
	}
	if !c.conditional() {
		if _, err := e.bucketRecord(e.db, bucket); err != nil {
			return DeleteResult{Key: key}, err
		}
	} else {
		// The object read for the conditions proves the bucket too (a
		// missing key is told only of an existing bucket).
		cur, err := e.objectRecord(e.db, bucket, key, false)
		switch {
		case err == nil:
			if err := c.check(&cur.info); err != nil {
				return DeleteResult{Key: key}, err
			}
		case errors.Is(err, ErrNoSuchKey) && c.ifMatch == "":
			// Only IfMatch needs an object; a delete marker is made.
		default:
			return DeleteResult{Key: key}, err
		}
	}
	marker := objectRecord{info: ObjectInfo{Bucket: bucket, Key: key, DeleteMarker: true, LastModified: e.now(), Owner: opts.Owner}}
	if err := e.writeVersion(m, &marker, st); err != nil {
		return DeleteResult{Key: key}, err
	}
	return DeleteResult{Key: key, DeleteMarker: true, DeleteMarkerVersionID: versionOrNull(marker.info.VersionID)}, nil
}

// versionOrNull names a version for a caller: its ID, or NullVersionID.
func versionOrNull(id string) string {
	if id == "" {
		return NullVersionID
	}
	return id
}

// HeadObjectVersion is HeadObject of one version: versionID "" is the
// latest, NullVersionID the null version. See objectVersion for errors:
// ErrNoSuchVersion, ErrInvalidVersionID, and a *DeleteMarkerError.
func (e *Engine) HeadObjectVersion(ctx context.Context, bucket, key, versionID string) (ObjectInfo, error) {
	if err := e.enter(ctx); err != nil {
		return ObjectInfo{}, err
	}
	defer e.leave()
	rec, err := e.resolveVersion(e.db, bucket, key, versionID, false)
	return rec.info, err
}

// VersionListOptions are the inputs of ListObjectVersions.
type VersionListOptions struct {
	Prefix, Delimiter string
	// KeyMarker and VersionIDMarker: list versions after this one (with
	// VersionIDMarker "") after every version of KeyMarker.
	KeyMarker, VersionIDMarker string
	// MaxKeys bounds versions plus common prefixes (0: DefaultMaxKeys).
	MaxKeys int
	// Brief is ListOptions.Brief: each ObjectInfo without what a
	// listing does not show.
	Brief bool
	// Buffer is ListOptions.Buffer, for VersionListResult.Versions.
	Buffer []ObjectInfo
}

// VersionListResult is one page of ListObjectVersions. Versions hold
// objects and delete markers (DeleteMarker set), by key and newest first,
// IsLatest set on each key's latest.
type VersionListResult struct {
	Versions       []ObjectInfo
	CommonPrefixes []string
	IsTruncated    bool
	// NextKeyMarker and NextVersionIDMarker continue a truncated listing.
	NextKeyMarker, NextVersionIDMarker string
}

// ListObjectVersions lists every version of a bucket's keys (in an
// unversioned bucket, the objects, each the null version). With a
// delimiter every common prefix costs one seek per record kind. A page's
// keys (and, with Brief, its ETags and version IDs) are cut from a few
// shared blocks, as ListObjects' are.
func (e *Engine) ListObjectVersions(ctx context.Context, bucket string, opts VersionListOptions) (VersionListResult, error) {
	if err := e.enter(ctx); err != nil {
		return VersionListResult{}, err
	}
	defer e.leave()
	if opts.VersionIDMarker != "" && !ValidVersionID(opts.VersionIDMarker) {
		return VersionListResult{}, fmt.Errorf("%w: %q", ErrInvalidVersionID, opts.VersionIDMarker)
	}
	limit := opts.MaxKeys
	if limit <= 0 || limit > DefaultMaxKeys {
		limit = DefaultMaxKeys
	}
	snap := e.db.NewSnapshot()
	defer snap.Close()
	if _, err := e.bucketRecord(snap, bucket); err != nil {
		return VersionListResult{}, err
	}
	ob, vb := objectPrefix(bucket), versionPrefix(bucket)
	olo := append(bytes.Clone(ob), opts.Prefix...)
	vlo := append(bytes.Clone(vb), opts.Prefix...)
	oit, err := snap.NewIter(&pebble.IterOptions{LowerBound: olo, UpperBound: prefixEnd(olo)})
	if err != nil {
		return VersionListResult{}, err
	}
	defer oit.Close()
	vit, err := snap.NewIter(&pebble.IterOptions{LowerBound: vlo, UpperBound: prefixEnd(vlo)})
	if err != nil {
		return VersionListResult{}, err
	}
	defer vit.Close()

	// The page's keys (and, brief, its ETags and version IDs) share a
	// few allocations.
	var names stringArena
	var brief *briefDecode
	if opts.Brief {
		brief = &briefDecode{names: &names}
	}
	// Position both iterators. fromTop: a version-id marker resumes at
	// its key's first version.
	oOK, vOK := oit.First(), vit.First()
	fromTop := false
	if opts.KeyMarker != "" && opts.KeyMarker >= opts.Prefix {
		km := opts.KeyMarker
		if opts.VersionIDMarker == "" {
			oOK = oit.SeekGE(append(append(bytes.Clone(ob), km...), 0))
			vOK = vit.SeekGE(append(append(bytes.Clone(vb), km...), 1))
		} else {
			oOK = oit.SeekGE(append(append(bytes.Clone(ob), km...), 0))
			vOK = vit.SeekGE(versionKeyPrefix(bucket, km))
			loc, found, err := e.findVersion(snap, bucket, km, opts.VersionIDMarker, false)
			if err != nil {
				return VersionListResult{}, err
			}
			switch {
			case found && loc.current:
				// V/ entries of km all follow the current version. A
				// null version written since the page was listed is
				// here too (the newest): "null" names no place, and the
				// page may have listed this one (every V/ entry is
				// next) or an older null version (then the V/ entries
				// newer than its place come again). Resuming past them
				// would skip versions never listed in the first case.
			case found:
				// Resume right after the marker's entry: one seek, however
				// many newer versions the key has (V/ keys of km sort
				// newest first).
				vOK = vit.SeekGE(append(bytes.Clone(loc.key), 0))
			case opts.VersionIDMarker != NullVersionID:
				// After the versions at least as new as the marker's stamp.
				s, _ := parseVersionID(opts.VersionIDMarker)
				vOK = vit.SeekGE(append(versionKey(bucket, km, s), 0))
				// The marker's version is gone (deleted since the page
				// was listed): the current version follows it when it
				// is older, as when the newer ones were deleted and an
				// older one became current. S3 resumes there too.
				v, has, err := get(snap, objectKey(bucket, km))
				if err != nil {
					return VersionListResult{}, err
				}
				if has {
					cur, err := decodeObject(v, false)
					if err != nil {
						return VersionListResult{}, fmt.Errorf("%s/%s: %w", bucket, km, err)
					}
					if cur.versionStamp().less(s) {
						oOK = oit.SeekGE(objectKey(bucket, km))
					}
				}
			default:
				// The null version is gone (deleted, or replaced by a
				// delete marker of its own elsewhere): "null" names no
				// place among the key's versions, so the key is listed
				// again from its newest version. Skipping the key would
				// skip the versions older than the null one, never
				// listed; S3 lists what follows a deleted marker (see
				// above). Versions listed before may come again.
				oOK = oit.SeekGE(objectKey(bucket, km))
				fromTop = true
			}
		}
	}
	var res VersionListResult
	res.Versions = opts.Buffer[:0]
	// prevV is the key of the V/ entry seen last, lastO of the O/ one.
	var prevV, lastO string
	if opts.VersionIDMarker != "" && !fromTop {
		prevV = opts.KeyMarker // resuming inside the marker's key
	}
	var steps int64
	defer func() { e.listSteps.Add(steps) }()
	full := func() bool { return len(res.Versions)+len(res.CommonPrefixes) >= limit }
	for ; oOK || vOK; steps++ {
		if steps%256 == 255 {
			if err := ctx.Err(); err != nil {
				return VersionListResult{}, err
			}
		}
		// The keys, valid until their iterators move: only the one
		// listed becomes a string.
		var okey, vkey []byte
		if oOK {
			okey = oit.Key()[len(ob):]
		}
		if vOK {
			var valid bool
			if vkey, _, valid = splitVersionKeyBytes(vb, vit.Key()); !valid {
				return VersionListResult{}, fmt.Errorf("%w: version key %q", ErrCorrupt, vit.Key())
			}
		}
		kb := okey
		fromO := oOK && (!vOK || bytes.Compare(okey, vkey) <= 0)
		if !fromO {
			kb = vkey
		}
		key := names.string(kb)
		if opts.Delimiter != "" {
			if i := strings.Index(key[len(opts.Prefix):], opts.Delimiter); i >= 0 {
				cp := key[:len(opts.Prefix)+i+len(opts.Delimiter)]
				if cp > opts.KeyMarker || opts.KeyMarker == "" {
					if full() {
						res.IsTruncated = true
						break
					}
					res.CommonPrefixes = append(res.CommonPrefixes, cp)
					res.NextKeyMarker, res.NextVersionIDMarker = cp, ""
				}
				// One seek per iterator skips everything under cp.
				if next := prefixEnd(append(bytes.Clone(ob), cp...)); next != nil && oOK {
					oOK = oit.SeekGE(next)
				} else {
					oOK = false
				}
				if next := prefixEnd(append(bytes.Clone(vb), cp...)); next != nil && vOK {
					vOK = vit.SeekGE(next)
				} else {
					vOK = false
				}
				continue
			}
		}
		if full() {
			res.IsTruncated = true
			break
		}
		// Decoded in place, as ListObjects does.
		var o *ObjectInfo
		res.Versions, o = pageEntry(res.Versions, limit)
		it := vit
		if fromO {
			it = oit
		}
		v, err := it.ValueAndErr()
		if err != nil {
			return VersionListResult{}, err
		}
		var rec objectRecord
		if err := rec.decodeInto(o, v, false, false, brief); err != nil {
			return VersionListResult{}, fmt.Errorf("%s/%s: %w", bucket, key, err)
		}
		o.Bucket, o.Key = bucket, key
		if fromO {
			o.IsLatest = true
			lastO = key
			oOK = oit.Next()
		} else {
			// A key's newest V/ entry is its latest version when it has
			// no current object (then it is a delete marker).
			if o.DeleteMarker && prevV != key {
				if lastO == key {
					o.IsLatest = false
				} else {
					_, has, err := get(snap, objectKey(bucket, key))
					if err != nil {
						return VersionListResult{}, err
					}
					o.IsLatest = !has
				}
			}
			prevV = key
			vOK = vit.Next()
		}
		if !rec.restoreReady.IsZero() {
			rec.info = *o
			e.restoreStatus(&rec)
			*o = rec.info
		}
		res.NextKeyMarker, res.NextVersionIDMarker = key, versionOrNull(o.VersionID)
	}
	if err := errors.Join(oit.Error(), vit.Error()); err != nil {
		return VersionListResult{}, err
	}
	if !res.IsTruncated {
		res.NextKeyMarker, res.NextVersionIDMarker = "", ""
	}
	return res, nil
}

// DeleteObjectVersion is DeleteObject reporting the version removed
// (VersionID, DeleteMarker when it was a marker) or the delete marker
// made (DeleteMarker, DeleteMarkerVersionID). A malformed
// opts.VersionID is ErrInvalidVersionID.
func (e *Engine) DeleteObjectVersion(ctx context.Context, bucket, key string, opts DeleteOptions) (DeleteResult, error) {
	if err := e.enter(ctx); err != nil {
		return DeleteResult{}, err
	}
	defer e.leave()
	if opts.VersionID != "" && !ValidVersionID(opts.VersionID) {
		return DeleteResult{}, fmt.Errorf("%w: %q", ErrInvalidVersionID, opts.VersionID)
	}
	var res DeleteResult
	err := e.applyCtx(ctx, func(m *mutation) error {
		var err error
		res, err = e.deleteOne(m, bucket, key, opts)
		if err == nil {
			m.eventRemoved(bucket, &res)
		}
		return err
	})
	return res, err
}

// cond is the delete's condition.
func (o DeleteOptions) cond() deleteCond {
	return deleteCond{ifMatch: o.IfMatch, lastModified: o.IfLastModified, size: o.IfSize}
}

// deleteOne is one delete of DeleteObjectVersion in m.
func (e *Engine) deleteOne(m *mutation, bucket, key string, opts DeleteOptions) (DeleteResult, error) {
	st, err := e.versioningLocked(bucket)
	if err != nil {
		return DeleteResult{Key: key}, err
	}
	if st == VersioningOff && opts.VersionID == "" {
		return DeleteResult{Key: key}, e.deleteObject(m, bucket, key, opts.cond())
	}
	// A suspended bucket's null delete marker drops the null version's
	// schedule in writeVersionAt; a removal by version ID drops it in
	// removeVersion.
	return e.deleteVersioned(m, bucket, key, opts, st)
}

// ObjectVersion names one version of a key for DeleteObjectVersions;
// VersionID "" is the latest (a delete marker in a versioned bucket).
type ObjectVersion struct {
	Key, VersionID string
	// IfMatch, when set, deletes only while the version named (the
	// latest when VersionID is "") has a matching ETag, as in
	// DeleteOptions; a failed condition is reported for the entry.
	IfMatch string
	// IfLastModified and IfSize are DeleteOptions' (a missing object
	// passes them).
	IfLastModified time.Time
	IfSize         *int64
	// BypassGovernance overrides a GOVERNANCE Object Lock retention, as
	// in DeleteOptions.
	BypassGovernance bool
}

// DeleteObjectVersions is DeleteObjects with a version per key. In an
// call without version IDs it is one atomic batch; otherwise each entry
// is its own atomic step, in order. Per-entry failures (malformed key or
// version ID, a failed IfMatch, retention) are reported in the results.
func (e *Engine) DeleteObjectVersions(ctx context.Context, bucket string, objs []ObjectVersion, owner string) ([]DeleteResult, error) {
	if err := e.enter(ctx); err != nil {
		return nil, err
	}
	defer e.leave()
	versioned, conditional := false, false
	for _, o := range objs {
		versioned = versioned || o.VersionID != ""
		conditional = conditional || o.IfMatch != "" || !o.IfLastModified.IsZero() || o.IfSize != nil
	}
	if !versioned && conditional {
		entries := make([]DeleteEntry, len(objs))
		for i, o := range objs {
			entries[i] = DeleteEntry{Key: o.Key, IfMatch: o.IfMatch, IfLastModified: o.IfLastModified, IfSize: o.IfSize, Owner: owner}
		}
		return e.DeleteEntries(ctx, bucket, entries)
	}
	if !versioned {
		// Distinct keys do not interact: one batch (with markers in a
		// versioned bucket).
		keys := make([]string, len(objs))
		for i, o := range objs {
			keys[i] = o.Key
		}
		return e.deleteObjects(ctx, bucket, keys, owner)
	}
	if _, err := e.Bucket(ctx, bucket); err != nil {
		return nil, err
	}
	out := make([]DeleteResult, len(objs))
	done := map[ObjectVersion]int{} // entry -> index of its first occurrence
	for i, o := range objs {
		out[i] = DeleteResult{Key: o.Key, VersionID: o.VersionID}
		if err := validateKey(o.Key, e.opts.MaxKeyLength); err != nil {
			out[i].Err = err
			continue
		}
		// A repeat of an unconditional version delete is answered as
		// the first was: done (its event made again), or refused with
		// the first's error (a version under retention, a malformed
		// version ID), making no event. A conditional one runs again
		// and sees the version gone.
		cond := DeleteOptions{IfMatch: o.IfMatch, IfLastModified: o.IfLastModified, IfSize: o.IfSize}.cond()
		if first, ok := done[o]; ok && o.VersionID != "" && !cond.conditional() {
			if out[i].Err = out[first].Err; out[i].Err != nil {
				continue
			}
			if err := e.publishRemoved(ctx, bucket, out[i]); err != nil {
				e.opts.Logger.Error("event of a repeated delete lost", "bucket", bucket, "key", o.Key, "err", err)
			}
			continue
		}
		if _, ok := done[o]; !ok {
			done[o] = i
		}
		res, err := e.DeleteObjectVersion(ctx, bucket, o.Key, DeleteOptions{IfMatch: o.IfMatch, IfLastModified: o.IfLastModified, IfSize: o.IfSize,
			VersionID: o.VersionID, Owner: owner, BypassGovernance: o.BypassGovernance})
		switch {
		case errors.Is(err, ErrInvalidVersionID), isKeyError(err), o.IfMatch != "" && errors.Is(err, ErrNoSuchVersion):
			out[i].Err = err
		case err != nil:
			return nil, err
		default:
			out[i] = res
		}
	}
	return out, nil
}
