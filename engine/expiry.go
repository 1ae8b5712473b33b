package engine

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// Scheduled deletions: an application asks for one object to be deleted
// at a time of the engine clock (Sina's x-sina-expire). The request is
// bound to the object as it is now, named as a SourcePin names it
// (version ID, ETag, modification time, owner, writing dialect): an
// object overwritten or deleted since is left alone, also one of the same
// bytes written at the same instant by another account. Lifecycle passes
// (the background loop, RunPending) carry out what is due, as S3 and Sina
// do: "not immediately; the deletion time is not fixed".
//
//	E/<time, 8 B BE><bucket>\x00<key>   mtime (8 B BE) | ETag [| 0 | dialect (1 B) | uvarint len | version ID | uvarint len | owner]
//	F/<bucket>\x00<key>                  time (8 B BE): the key's entry in E/
//
// A key has at most one scheduled deletion: scheduling again (or
// CancelDeletion) replaces it, so a clock that stands still (a test's)
// cannot let an old schedule delete a rewritten object. DeleteBucket
// drops the bucket's F/ pointers, and a delete of the key its own
// (forgetSchedule); an E/ entry whose pointer is gone (or names another
// time) deletes nothing and is dropped when due, so a bucket created
// again under the name, or a key written again after a delete, loses no
// object to an old schedule. Entries of earlier builds end with the ETag and name the
// object by ETag and modification time only.
//
// Few keys have a schedule, and most stores none: Engine.scheduled says
// whether any F/ pointer may exist, so that a delete in a store without
// one writes no tombstone for it. It is a superset (set before the batch
// that writes a pointer commits, cleared only by a look at the F/ range
// under mu) and is rebuilt from the store at Open, so a crash loses
// nothing.

const (
	prefixExpiry   = "E/"
	prefixExpiryOf = "F/"
)

func expiryOfKey(bucket, key string) []byte {
	return append(append(append([]byte(prefixExpiryOf), bucket...), 0), key...)
}

// noteSchedules sets e.scheduled to whether the store holds an F/
// pointer. At Open, or with e.mu held: a schedule written meanwhile would
// be missed.
func (e *Engine) noteSchedules() error {
	empty, err := e.emptyRange([]byte(prefixExpiryOf))
	if err != nil {
		return err
	}
	e.scheduled.Store(!empty)
	return nil
}

// dropSchedule deletes the key's scheduled deletion, if any, in m.
func (e *Engine) dropSchedule(m *mutation, bucket, key string) error {
	if !e.scheduled.Load() {
		return nil // no pointer in the store: nothing to read
	}
	v, ok, err := get(e.db, expiryOfKey(bucket, key))
	if err != nil || !ok {
		return err
	}
	if len(v) == 8 {
		k := expiryKey(time.Unix(0, int64(binary.BigEndian.Uint64(v))), bucket, key)
		if err := m.b.Delete(k, nil); err != nil {
			return err
		}
	}
	return m.b.Delete(expiryOfKey(bucket, key), nil)
}

// forgetSchedule drops, in m, the F/ pointer of a key whose object is
// deleted: a blind delete (no read), so a delete costs one tombstone more
// and not a lookup, and none while the store holds no pointer
// (Engine.scheduled). The E/ entry stays until it falls due and is dropped
// then, deleting nothing (its pointer is gone), as after DeleteBucket: an
// object written at the key later, even one its pin would match (the same
// bytes, owner and dialect at a clock that has not moved), is not deleted
// by the schedule of the one deleted.
func (m *mutation) forgetSchedule(bucket, key string) error {
	if !m.e.scheduled.Load() {
		return nil
	}
	return m.b.Delete(expiryOfKey(bucket, key), nil)
}

// forgetNullSchedule drops, in m, the F/ pointer of a key whose null
// version is removed (by its ID, or replaced by a suspended bucket's null
// delete marker), when the key's schedule names that version: the
// only version ID a later write takes again. current says the null version
// was the key's current object, which a schedule names (ScheduleDeletion
// pins the current object): the pointer goes without a read. Otherwise
// the schedule is read, and one naming another version (the current one,
// written over the null version) stays.
func (e *Engine) forgetNullSchedule(m *mutation, bucket, key string, current bool) error {
	if !e.scheduled.Load() {
		return nil // no pointer in the store: nothing to read or drop
	}
	if current {
		return m.forgetSchedule(bucket, key)
	}
	at, ok, err := get(e.db, expiryOfKey(bucket, key))
	if err != nil || !ok || len(at) != 8 {
		return err
	}
	v, ok, err := get(e.db, expiryKey(time.Unix(0, int64(binary.BigEndian.Uint64(at))), bucket, key))
	if err != nil || !ok {
		return err
	}
	if pin, legacy, valid := decodeExpiryPin(v); valid && !legacy && pin.VersionID == "" {
		return m.forgetSchedule(bucket, key)
	}
	return nil
}

// CancelDeletion drops the scheduled deletion of bucket/key, if any.
func (e *Engine) CancelDeletion(ctx context.Context, bucket, key string) error {
	if err := e.enter(ctx); err != nil {
		return err
	}
	defer e.leave()
	if _, ok, err := get(e.db, expiryOfKey(bucket, key)); err != nil || !ok {
		return err // nothing scheduled: no write
	}
	return e.applyCtx(ctx, func(m *mutation) error { return e.dropSchedule(m, bucket, key) })
}

// Time-keyed records (E/ scheduled deletions, G/ scheduled events, RT/
// replication thresholds) start with their prefix and the time they fall
// due, 8 bytes big-endian nanoseconds, so a pass reads what is due as one
// bounded range.

// timedKey starts a time-keyed record of prefix due at at, with room for
// n more bytes.
func timedKey(prefix string, at time.Time, n int) []byte {
	b := make([]byte, 0, len(prefix)+8+n)
	b = append(b, prefix...)
	return binary.BigEndian.AppendUint64(b, uint64(max(at.UnixNano(), 0)))
}

// dueIter iterates the time-keyed records of prefix due at or before now.
func (e *Engine) dueIter(prefix string, now time.Time) (*pebble.Iterator, error) {
	return e.db.NewIter(&pebble.IterOptions{LowerBound: []byte(prefix), UpperBound: timedKey(prefix, now.Add(time.Nanosecond), 0)})
}

// dueAt is the time a time-keyed record k of prefix falls due.
func dueAt(prefix string, k []byte) time.Time {
	return time.Unix(0, int64(binary.BigEndian.Uint64(k[len(prefix):]))).UTC()
}

func expiryKey(at time.Time, bucket, key string) []byte {
	b := timedKey(prefixExpiry, at, len(bucket)+1+len(key))
	return append(append(append(b, bucket...), 0), key...)
}

// ScheduleDeletion deletes bucket/key at the engine clock's time at, if it
// is then still the object of (same ETag and modification time). It
// fails with ErrNoSuchKey when the object is gone and
// ErrPreconditionFailed when it changed since of was read.
func (e *Engine) ScheduleDeletion(ctx context.Context, bucket, key string, of ObjectInfo, at time.Time) error {
	if err := e.enter(ctx); err != nil {
		return err
	}
	defer e.leave()
	return e.applyCtx(ctx, func(m *mutation) error {
		rec, err := e.objectRecord(e.db, bucket, key, false)
		if err != nil {
			return err
		}
		pin := SourcePin{Found: true, VersionID: of.VersionID, ETag: of.ETag, LastModified: of.LastModified, Owner: of.Owner, Dialect: of.Dialect}
		if !pin.matches(&rec.info) {
			return fmt.Errorf("%w: %s/%s changed", ErrPreconditionFailed, bucket, key)
		}
		if err := e.dropSchedule(m, bucket, key); err != nil {
			return err
		}
		e.scheduled.Store(true) // before the pointer's batch commits
		if err := m.b.Set(expiryKey(at, bucket, key), encodeExpiryPin(&pin), nil); err != nil {
			return err
		}
		return m.b.Set(expiryOfKey(bucket, key), binary.BigEndian.AppendUint64(nil, uint64(max(at.UnixNano(), 0))), nil)
	})
}

// encodeExpiryPin is the value of an E/ entry: the object it deletes.
func encodeExpiryPin(p *SourcePin) []byte {
	v := binary.BigEndian.AppendUint64(nil, uint64(p.LastModified.UnixNano()))
	v = append(append(append(v, p.ETag...), 0), byte(p.Dialect))
	v = append(binary.AppendUvarint(v, uint64(len(p.VersionID))), p.VersionID...)
	return append(binary.AppendUvarint(v, uint64(len(p.Owner))), p.Owner...)
}

// decodeExpiryPin reads an E/ entry's value (ok false: malformed). An
// entry of an earlier build names no version, owner or dialect (legacy).
func decodeExpiryPin(v []byte) (p SourcePin, legacy, ok bool) {
	if len(v) < 8 {
		return p, false, false
	}
	p.Found, p.LastModified = true, time.Unix(0, int64(binary.BigEndian.Uint64(v))).UTC()
	rest := v[8:]
	i := bytes.IndexByte(rest, 0)
	if i < 0 {
		p.ETag = string(rest)
		return p, true, true
	}
	p.ETag, rest = string(rest[:i]), rest[i+1:]
	if len(rest) < 1 {
		return p, false, false
	}
	p.Dialect, rest = Dialect(rest[0]), rest[1:]
	for _, f := range []*string{&p.VersionID, &p.Owner} {
		n, w := binary.Uvarint(rest)
		if w <= 0 || n > uint64(len(rest)-w) {
			return p, false, false
		}
		*f, rest = string(rest[w:w+int(n)]), rest[w+int(n):]
	}
	return p, false, len(rest) == 0
}

// runScheduledDeletions deletes what is due at now and drops the entries
// of objects that changed, and those whose key's schedule is gone
// (DeleteBucket) or is another. Entries of objects a retention policy
// still protects stay for a later pass.
func (e *Engine) runScheduledDeletions(ctx context.Context, now time.Time) (int, error) {
	it, err := e.dueIter(prefixExpiry, now)
	if err != nil {
		return 0, err
	}
	type due struct {
		k      []byte
		info   ObjectInfo
		pin    SourcePin
		legacy bool
	}
	var all []due
	for ok := it.First(); ok && ctx.Err() == nil; ok = it.Next() {
		k, v := it.Key(), it.Value()
		name := k[len(prefixExpiry)+8:]
		i := bytes.IndexByte(name, 0)
		pin, legacy, valid := decodeExpiryPin(v)
		if i < 0 || !valid {
			all = append(all, due{k: bytes.Clone(k)}) // malformed: dropped
			continue
		}
		all = append(all, due{k: bytes.Clone(k), info: ObjectInfo{Bucket: string(name[:i]), Key: string(name[i+1:]),
			LastModified: pin.LastModified, ETag: pin.ETag}, pin: pin, legacy: legacy})
	}
	if err := it.Close(); err != nil {
		return 0, err
	}
	n := 0
	for _, d := range all {
		if d.info.Key != "" {
			err := e.expireScheduled(ctx, d.info, d.k[len(prefixExpiry):len(prefixExpiry)+8], &d.pin, d.legacy)
			switch {
			case err == nil:
				n++
			case errors.Is(err, ErrObjectImmutable):
				continue // protected for now: a later pass tries again
			case errors.Is(err, ErrPreconditionFailed), errors.Is(err, ErrNoSuchKey), errors.Is(err, ErrNoSuchBucket):
			default:
				return n, err
			}
		}
		if err := e.applyCtx(ctx, func(m *mutation) error {
			if d.info.Key != "" {
				// The key's pointer goes with its entry (not when it points
				// at a newer schedule).
				if v, ok, err := get(e.db, expiryOfKey(d.info.Bucket, d.info.Key)); err != nil {
					return err
				} else if ok && bytes.Equal(v, d.k[len(prefixExpiry):len(prefixExpiry)+8]) {
					if err := m.b.Delete(expiryOfKey(d.info.Bucket, d.info.Key), nil); err != nil {
						return err
					}
				}
			}
			return m.b.Delete(d.k, nil)
		}); err != nil {
			return n, err
		}
	}
	if len(all) > 0 && e.scheduled.Load() {
		// The pass dropped pointers: once the last is gone, deletes
		// write no tombstone for one again.
		e.mu.Lock()
		err = e.noteSchedules()
		e.mu.Unlock()
		if err != nil {
			return n, err
		}
	}
	return n, ctx.Err()
}

// expireScheduled deletes the object info names (bucket, key, ETag and
// modification time) as a lifecycle expiration does, if the key's
// schedule (its F/ pointer) is still the one at stamp, the due time of
// its E/ entry, and the key holds the object pin names (a legacy entry:
// its ETag and time only); ErrPreconditionFailed otherwise.
func (e *Engine) expireScheduled(ctx context.Context, info ObjectInfo, stamp []byte, pin *SourcePin, legacy bool) error {
	return e.updateIfSame(ctx, info, func(m *mutation, rec *objectRecord) error {
		if v, ok, err := get(e.db, expiryOfKey(info.Bucket, info.Key)); err != nil {
			return err
		} else if !ok || !bytes.Equal(v, stamp) {
			return fmt.Errorf("%w: %s/%s has no such schedule", ErrPreconditionFailed, info.Bucket, info.Key)
		}
		if !legacy && !pin.matches(&rec.info) {
			return fmt.Errorf("%w: %s/%s changed", ErrPreconditionFailed, info.Bucket, info.Key)
		}
		// In a versioned bucket this writes a delete marker, as
		// expireObject does.
		_, err := e.deleteOne(m, info.Bucket, info.Key, DeleteOptions{IfMatch: info.ETag})
		return err
	})
}

// Scheduled events: an event that becomes true at a known time of the
// clock (a restore completes at restoreReady, its restored copy expires
// at restoreExpiry) is recorded when its cause is, and made by the
// lifecycle pass that finds it due, in the batch that deletes the record:
// after a crash the record and the event's deliveries are either both
// there (the event is still to come) or neither (it was made), so it is
// made once.
//
//	G/<time, 8 B BE><bucket>\x00<key>\x00<event name>\x00<version ID>   version ID
//
// The version ID is in the key too, so that two versions of a key whose
// events fall due at the same time (a restored copy's expiry is rounded
// to midnight) keep a record each; a record written before it was there
// ends with the event name.

const prefixEventAt = "G/"

func eventAtKey(at time.Time, bucket, key, name, versionID string) []byte {
	b := timedKey(prefixEventAt, at, len(bucket)+len(key)+len(name)+len(versionID)+3)
	b = append(append(append(append(append(b, bucket...), 0), key...), 0), name...)
	return append(append(b, 0), versionID...)
}

// scheduleEvent records, in m, an event to publish at at.
func (m *mutation) scheduleEvent(at time.Time, bucket, key, name, versionID string) error {
	return m.b.Set(eventAtKey(at, bucket, key, name, versionID), []byte(versionID), nil)
}

// describeRestored adds to an ObjectRestore:Completed event what S3 says
// of the restored object (LocalStack's AWS recording test_restore_object):
// its size and ETag, the restored copy's expiry and storage class
// (glacierEventData), and "AmazonCustomer:" and the bucket owner as the
// principal. The version is the one restored ("": the null version,
// whatever is the latest now), still holding the restore that completes
// at ready; ok is false when there is none (the object is gone, or
// another object is at the key now): no copy became readable, so no
// event is made, and none reaches the owner of a bucket created again
// under the old name, naming a key of the old one. The caller holds
// e.mu.
func (e *Engine) describeRestored(ev *Event, b BucketInfo, key, versionID string, ready time.Time) (ok bool, err error) {
	ev.UserIdentity.PrincipalID = "AmazonCustomer:" + b.Owner
	rec, err := e.resolveVersion(e.db, b.Name, key, versionOrNull(versionID), false)
	switch {
	case errors.Is(err, ErrNoSuchKey) || errors.Is(err, ErrNoSuchVersion) || errors.Is(err, ErrSymlinkTargetNotExist) || errors.Is(err, ErrInvalidTargetType):
		return false, nil
	case err != nil:
		return false, err
	case !rec.restoreReady.Equal(ready):
		return false, nil
	}
	size := rec.info.Size
	ev.S3.Object.Size, ev.S3.Object.ETag = &size, rec.info.ETag
	if r := rec.info.Restore; r != nil && !r.Ongoing && !r.Expiry.IsZero() {
		ev.GlacierEventData = &EventGlacier{RestoreEventData: EventRestore{
			LifecycleRestorationExpiryTime: r.Expiry.UTC().Format(eventTimeFormat),
			LifecycleRestoreStorageClass:   rec.info.StorageClass,
		}}
	}
	return true, nil
}

// restoredCopyExpired reports whether version versionID ("": the null
// version, which a restore records so, not the latest) of key in bucket
// is still the archived object whose restored copy expires at at: not
// removed, overwritten, transitioned, cleaned (CleanRestoredObject) or
// restored again for longer since the expiry was scheduled. The caller
// holds e.mu.
func (e *Engine) restoredCopyExpired(bucket, key, versionID string, at time.Time) bool {
	rec, err := e.objectVersion(e.db, bucket, key, versionOrNull(versionID), false)
	return err == nil && archived(rec.info) && rec.info.AccessTier == "" && rec.restoreExpiry.Equal(at)
}

// runScheduledEvents makes the events due at now, each once: an
// ObjectRestore:Completed (described by describeRestored) and an
// ObjectRestore:Delete when the restored copy it was scheduled for
// expired as scheduled (restoredCopyExpired; eventVersion 2.3, the
// s3.amazonaws.com principal and source address of S3's own events, no
// glacierEventData, which S3 gives ObjectRestore:Completed only).
func (e *Engine) runScheduledEvents(ctx context.Context, now time.Time) error {
	it, err := e.dueIter(prefixEventAt, now)
	if err != nil {
		return err
	}
	type due struct {
		k                      []byte
		bucket, key, name, vid string
		at                     time.Time
	}
	var all []due
	for ok := it.First(); ok && ctx.Err() == nil; ok = it.Next() {
		k := it.Key()
		parts := bytes.SplitN(k[len(prefixEventAt)+8:], []byte{0}, 4)
		d := due{k: bytes.Clone(k), at: dueAt(prefixEventAt, k)}
		if len(parts) >= 3 {
			d.bucket, d.key, d.name, d.vid = string(parts[0]), string(parts[1]), string(parts[2]), string(it.Value())
		}
		all = append(all, d)
	}
	if err := it.Close(); err != nil {
		return err
	}
	for _, d := range all {
		var b BucketInfo
		var nc *bucketconfig.Notification
		if d.name != "" {
			if b, err = e.Bucket(ctx, d.bucket); err == nil {
				nc, err = e.notificationOf(ctx, d.bucket)
			}
			switch {
			case errors.Is(err, ErrNoSuchBucket):
				d.name = "" // the bucket is gone: the record goes, no event
			case err != nil:
				return err
			}
		}
		if err := e.applyCtx(ctx, func(m *mutation) error {
			vid := ""
			if d.name != "" {
				var err error
				if vid, err = e.eventVersionID(d.bucket, d.vid); err != nil {
					return err
				}
			}
			switch d.name {
			case "ObjectRestore:Completed":
				ev := NewEvent(d.name, b, d.key, d.at)
				ev.S3.Object.VersionID = vid
				if ok, err := e.describeRestored(&ev, b, d.key, d.vid, d.at); err != nil {
					return err
				} else if ok {
					m.ownEvent(nc, ev)
				}
			case "ObjectRestore:Delete":
				if e.restoredCopyExpired(d.bucket, d.key, d.vid, d.at) {
					ev := NewEvent(d.name, b, d.key, d.at)
					ev.S3.Object.VersionID = vid
					ev.UserIdentity.PrincipalID = "s3.amazonaws.com"
					ev.RequestParameters.SourceIPAddress = "s3.amazonaws.com"
					m.ownEvent(nc, ev)
				}
			}
			return m.b.Delete(d.k, nil)
		}); err != nil {
			return err
		}
	}
	return ctx.Err()
}
