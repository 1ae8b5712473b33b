package engine

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/osslite/osslite/pkg/checksum"
)

// This file holds the OSS object kinds: appendable objects, symlinks and
// archived objects that need a restore.

// AppendResult is the outcome of AppendObject.
type AppendResult struct {
	Info ObjectInfo
	// NextPosition is the position of the next append (the new length).
	NextPosition int64
}

// AppendObject appends the body read from r to bucket/key at position,
// which must equal the object's current length (0 creates the object). The
// object must be appendable (created by AppendObject); opts apply only when
// it is created, except a non-empty opts.ACL, which every non-empty append
// applies (to the object opts.ACLPin names, when set). A wrong position is a *PositionError carrying the length.
// The CRC64 of the whole object is kept by combining, without re-reading.
func (e *Engine) AppendObject(ctx context.Context, bucket, key string, position int64, r io.Reader, size int64, opts PutOptions) (AppendResult, error) {
	gp, err := e.enterPass(ctx)
	if err != nil {
		return AppendResult{}, err
	}
	defer gp.leave()
	if err := checkPut(key, opts.Tags, e.opts.MaxKeyLength); err != nil {
		return AppendResult{}, err
	}
	check := func() (objectRecord, bool, error) {
		cur, err := e.objectRecord(e.db, bucket, key, true)
		if errors.Is(err, ErrNoSuchKey) {
			if position != 0 {
				return cur, false, &PositionError{Length: 0}
			}
			return cur, false, nil
		}
		if err != nil {
			return cur, false, err
		}
		if cur.info.Type != ObjectAppendable {
			return cur, true, fmt.Errorf("%w: %s/%s is %s", ErrObjectNotAppendable, bucket, key, cur.info.Type)
		}
		if position != cur.info.Size {
			return cur, true, &PositionError{Length: cur.info.Size}
		}
		return cur, true, nil
	}
	first, exists, err := check()
	if err != nil {
		return AppendResult{}, err
	}
	// An append is encrypted as the object is (as opts.Encryption says
	// for the first), each append under a data key of its own.
	enc, bk, err := e.appendKey(ctx, first.info.Encryption, exists, opts.Encryption)
	if err != nil {
		return AppendResult{}, err
	}
	gp.leave()
	b, err := e.ingest(ctx, r, size, opts.ContentMD5, opts.Checksum, opts.ContentType, 0, bk)
	if err != nil {
		return AppendResult{}, err
	}
	defer b.done()
	if err := gp.readmit(); err != nil {
		return AppendResult{}, err
	}
	var out AppendResult
	extents := 0 // the record's, after the append
	err = e.applyCtx(ctx, func(m *mutation) error {
		cur, exists, err := check()
		if err != nil {
			return err
		}
		if exists && !sameSealing(cur.info.Encryption, nil, enc, nil) {
			return fmt.Errorf("%w: %s/%s was replaced during the append", ErrPreconditionFailed, bucket, key)
		}
		if exists && b.size == 0 {
			out = AppendResult{Info: cur.info, NextPosition: cur.info.Size}
			return nil // appending nothing changes nothing
		}
		rec := cur
		if exists && (opts.ACL.Canned != "" || len(opts.ACL.Grants) > 0) {
			if err := opts.ACLPin.holds(&cur.info, bucket, key); err != nil {
				return err // the ACL change was authorized for another object
			}
			rec.info.ACL = opts.ACL // a later append may change the ACL
		}
		if !exists {
			rec = objectRecord{info: ObjectInfo{Bucket: bucket, Key: key, Metadata: opts.Metadata, StorageClass: opts.StorageClass,
				ACL: opts.ACL, Tags: slices.Clone(opts.Tags), Owner: opts.Owner, Dialect: opts.Dialect, Type: ObjectAppendable}}
			rec.info.User = maps.Clone(opts.User)
			rec.info.fillContentType()
		}
		rec.info.Bucket, rec.info.Key = bucket, key
		// The ETag of an appendable object chains the MD5s of its appends
		// (OSS does not promise an MD5 of the content either).
		chain := md5.New()
		chain.Write([]byte(rec.info.ETag))
		chain.Write(b.md5[:])
		rec.info.ETag = hex.EncodeToString(chain.Sum(nil))
		if rec.info.Size == 0 {
			rec.info.CRC64 = b.crc64
		} else {
			rec.info.CRC64 = checksum.CombineCRC64ECMA(rec.info.CRC64, b.crc64, b.size)
		}
		if exists {
			if err := e.checkRetention(bucket, key, rec.info.LastModified); err != nil {
				return err
			}
			// An Object Lock version is immutable while protected.
			if err := e.checkLock(bucket, key, &rec.info, false); err != nil {
				return err
			}
		} else if err := e.applyLock(&rec); err != nil {
			return err
		}
		rec.info.Size += b.size
		rec.info.Checksums, rec.info.ChecksumType = nil, ""
		rec.info.LastModified = e.now()
		m.addBlob(b.blob)
		if enc != nil {
			rec.info.Encryption = enc.withKey(b.keyID(), bk.sealed)
			if cur.info.Encryption != nil {
				rec.info.Encryption = cur.info.Encryption.withKey(b.keyID(), bk.sealed)
			}
		}
		st := VersioningOff
		if !exists {
			if st, err = e.versioningLocked(bucket); err != nil {
				return err
			}
		}
		if st != VersioningOff {
			// The first append makes a version; later ones grow it in place.
			rec.extents = b.extents()
			if err := e.writeVersion(m, &rec, st); err != nil {
				return err
			}
		} else {
			m.ref(b.extents(), +1)
			rec.extents = append(rec.extents, b.extents()...)
			if err := m.b.Set(objectKey(bucket, key), rec.encode(), nil); err != nil {
				return err
			}
		}
		out = AppendResult{Info: rec.info, NextPosition: rec.info.Size}
		extents = len(rec.extents)
		return m.eventCreated(&rec.info)
	})
	if err != nil {
		return AppendResult{}, err
	}
	e.coalesceAfterAppend(ctx, bucket, key, extents, opts.Encryption.CustomerKey)
	return out, nil
}

// PutSymlink makes bucket/key a symlink to target (a key in the same
// bucket), replacing any object there. The target need not exist yet.
func (e *Engine) PutSymlink(ctx context.Context, bucket, key, target string, opts PutOptions) (ObjectInfo, error) {
	if err := e.enter(ctx); err != nil {
		return ObjectInfo{}, err
	}
	defer e.leave()
	for _, k := range []string{key, target} {
		if err := validateKey(k, e.opts.MaxKeyLength); err != nil {
			return ObjectInfo{}, err
		}
	}
	if err := ValidateTags(opts.Tags); err != nil {
		return ObjectInfo{}, err
	}
	sum := md5.Sum([]byte(target))
	rec := objectRecord{info: ObjectInfo{Bucket: bucket, Key: key, Metadata: opts.Metadata, StorageClass: opts.StorageClass, ACL: opts.ACL,
		Tags: slices.Clone(opts.Tags), Owner: opts.Owner, Dialect: opts.Dialect, Type: ObjectSymlink, SymlinkTarget: target, ETag: hex.EncodeToString(sum[:])}, inline: []byte{}}
	rec.info.User = maps.Clone(opts.User)
	rec.info.fillContentType()
	err := e.applyCtx(ctx, func(m *mutation) error {
		if err := e.checkWrite(bucket, key, opts.IfNoneMatch, opts.IfMatch); err != nil {
			return err
		}
		rec.info.LastModified = e.now()
		return e.replaceObject(m, &rec)
	})
	return rec.info, err
}

// GetSymlink returns a symlink's own info (SymlinkTarget names the target).
// An object that is not a symlink is ErrNotSymlink.
func (e *Engine) GetSymlink(ctx context.Context, bucket, key string) (ObjectInfo, error) {
	return e.GetSymlinkVersion(ctx, bucket, key, "")
}

// GetSymlinkVersion is GetSymlink of one version ("": the latest).
func (e *Engine) GetSymlinkVersion(ctx context.Context, bucket, key, versionID string) (ObjectInfo, error) {
	if err := e.enter(ctx); err != nil {
		return ObjectInfo{}, err
	}
	defer e.leave()
	rec, err := e.objectVersion(e.db, bucket, key, versionID, false)
	if err != nil {
		return ObjectInfo{}, err
	}
	if rec.info.Type != ObjectSymlink {
		return ObjectInfo{}, fmt.Errorf("%w: %s/%s", ErrNotSymlink, bucket, key)
	}
	return rec.info, nil
}

// resolve reads bucket/key for a read: it follows a symlink once (the
// target supplies size, ETag, checksums and body; the link the rest,
// its version ID too, since that is the version the request named or
// got; the later of the two modification times wins; LinkTarget keeps
// the target's own info, read with the body) and fills in the restore
// status of archived objects.
func (e *Engine) resolve(r pebble.Reader, bucket, key string, body bool) (objectRecord, error) {
	return e.resolveVersion(r, bucket, key, "", body)
}

// resolveVersion is resolve of one version of key ("": the latest).
func (e *Engine) resolveVersion(r pebble.Reader, bucket, key, versionID string, body bool) (objectRecord, error) {
	rec, err := e.objectVersion(r, bucket, key, versionID, body)
	if err != nil {
		return rec, err
	}
	if rec.info.Type == ObjectSymlink {
		target, err := e.objectRecord(r, bucket, rec.info.SymlinkTarget, body)
		if errors.Is(err, ErrNoSuchKey) {
			return rec, fmt.Errorf("%w: %s/%s -> %s", ErrSymlinkTargetNotExist, bucket, key, rec.info.SymlinkTarget)
		}
		if err != nil {
			return rec, err
		}
		if target.info.Type == ObjectSymlink {
			return rec, fmt.Errorf("%w: %s/%s -> %s", ErrInvalidTargetType, bucket, key, rec.info.SymlinkTarget)
		}
		link := rec.info
		own := target.info
		rec = target
		rec.info.LinkTarget = &own
		rec.info.Bucket, rec.info.Key = bucket, key
		rec.info.Metadata, rec.info.ACL, rec.info.Tags, rec.info.Owner = link.Metadata, link.ACL, link.Tags, link.Owner
		rec.info.Dialect = link.Dialect
		rec.info.Type, rec.info.SymlinkTarget = ObjectSymlink, link.SymlinkTarget
		rec.info.VersionID = link.VersionID
		if link.LastModified.After(rec.info.LastModified) {
			rec.info.LastModified = link.LastModified
		}
	}
	e.restoreStatus(&rec)
	return rec, nil
}

// archiveClasses are the storage classes whose objects need a restore
// before they can be read.
var archiveClasses = map[string]bool{"GLACIER": true, "DEEP_ARCHIVE": true, "Archive": true, "ColdArchive": true, "DeepColdArchive": true}

// DirectReadArchiveClass is the one archive class that
// GetOptions.ArchiveDirectRead reads without a restore (OSS's Archive).
const DirectReadArchiveClass = "Archive"

// IsArchiveClass reports whether objects of a storage class must be
// restored before Get.
func IsArchiveClass(class string) bool { return archiveClasses[class] }

func (e *Engine) restoreStatus(rec *objectRecord) {
	rec.info.Restore = nil
	if rec.restoreReady.IsZero() {
		return
	}
	now := e.now()
	if rec.info.AccessTier != "" {
		// An Intelligent-Tiering restore moves the object back to the
		// Frequent Access tier when it completes: no copy, no expiry, and
		// the restore counts as an access.
		if now.Before(rec.restoreReady) {
			rec.info.Restore = &RestoreStatus{Ongoing: true}
		} else {
			rec.info.AccessTier = ""
			if rec.restoreReady.After(rec.info.LastAccess) {
				rec.info.LastAccess = rec.restoreReady
			}
		}
		return
	}
	switch {
	case now.Before(rec.restoreReady):
		rec.info.Restore = &RestoreStatus{Ongoing: true}
	case now.Before(rec.restoreExpiry):
		rec.info.Restore = &RestoreStatus{Expiry: rec.restoreExpiry}
	}
}

// readable reports whether an archived object may be read now.
func readable(rec objectRecord) bool {
	return !archived(rec.info) || rec.info.Restore != nil && !rec.info.Restore.Ongoing
}

// RestoreObject asks for a readable copy of an archived object for days
// days (default 1). The copy is ready after Options.RestoreDelay. It
// returns true when a new restore started (HTTP 202) and false when an
// existing restored copy had its expiry extended (200). A restore in
// progress is ErrRestoreAlreadyInProgress; an object that is not archived
// is ErrInvalidObjectState. Under WithEvent a restore that starts queues
// its ObjectRestore:Post in its batch, beside the records that schedule
// its ObjectRestore:Completed and (a copy that expires) its
// ObjectRestore:Delete; extending a copy's expiry moves the latter.
func (e *Engine) RestoreObject(ctx context.Context, bucket, key string, days int) (started bool, err error) {
	return e.RestoreObjectVersion(ctx, bucket, key, "", days)
}

// RestoreObjectVersion is RestoreObject of one version ("": the latest).
func (e *Engine) RestoreObjectVersion(ctx context.Context, bucket, key, versionID string, days int) (started bool, err error) {
	return e.RestoreObjectWith(ctx, bucket, key, RestoreOptions{VersionID: versionID, Days: days})
}

// RestoreOptions are the inputs of RestoreObjectWith.
type RestoreOptions struct {
	// VersionID names the version to restore ("": the latest).
	VersionID string
	// Days is how long the restored copy stays readable (default 1).
	Days int
	// ExpireAtMidnight rounds the copy's expiry up to the next midnight
	// UTC, as S3 does (OSS keeps the exact time).
	ExpireAtMidnight bool
}

// RestoreObjectWith is RestoreObjectVersion with options.
func (e *Engine) RestoreObjectWith(ctx context.Context, bucket, key string, opts RestoreOptions) (started bool, err error) {
	if err := e.enter(ctx); err != nil {
		return false, err
	}
	defer e.leave()
	days, versionID := opts.Days, opts.VersionID
	if days <= 0 {
		days = 1
	}
	expiry := func(from time.Time) time.Time {
		t := from.Add(time.Duration(days) * 24 * time.Hour)
		if opts.ExpireAtMidnight {
			if day := t.UTC().Truncate(24 * time.Hour); !day.Equal(t) {
				t = day.Add(24 * time.Hour)
			}
		}
		return t
	}
	err = e.applyCtx(ctx, func(m *mutation) error {
		rec, at, err := e.archivedRecord(bucket, key, versionID)
		if err != nil {
			return err
		}
		now := e.now()
		switch {
		case rec.info.Restore != nil && rec.info.Restore.Ongoing:
			return fmt.Errorf("%w: %s/%s", ErrRestoreAlreadyInProgress, bucket, key)
		case rec.info.Restore != nil:
			// The copy's expiry moves, and its ObjectRestore:Delete with it.
			old := rec.restoreExpiry
			rec.restoreExpiry = expiry(now)
			if e.WantsEvents(ctx, bucket) {
				if err := m.b.Delete(eventAtKey(old, bucket, key, "ObjectRestore:Delete", rec.info.VersionID), nil); err != nil {
					return err
				}
				if err := m.scheduleEvent(rec.restoreExpiry, bucket, key, "ObjectRestore:Delete", rec.info.VersionID); err != nil {
					return err
				}
			}
		default:
			started = true
			rec.restoreReady = now.Add(e.opts.RestoreDelay)
			rec.restoreExpiry = expiry(rec.restoreReady)
			if rec.info.AccessTier != "" {
				rec.restoreExpiry = rec.restoreReady // no copy to expire (restoreStatus)
			}
			if e.WantsEvents(ctx, bucket) {
				// ObjectRestore:Completed is made when the copy is
				// readable, ObjectRestore:Delete when it expires
				// (expiry.go).
				if err := m.scheduleEvent(rec.restoreReady, bucket, key, "ObjectRestore:Completed", rec.info.VersionID); err != nil {
					return err
				}
				if rec.info.AccessTier == "" {
					if err := m.scheduleEvent(rec.restoreExpiry, bucket, key, "ObjectRestore:Delete", rec.info.VersionID); err != nil {
						return err
					}
				}
			}
			if err := m.eventRestored(&rec.info); err != nil {
				return err
			}
		}
		return m.b.Set(at, rec.encode(), nil)
	})
	return started, err
}

// archivedRecord reads the record of an archived object version ("": the
// latest) and where it is stored, with its restore status; an object that
// is not archived is ErrInvalidObjectState. The caller holds e.mu.
func (e *Engine) archivedRecord(bucket, key, versionID string) (objectRecord, []byte, error) {
	if _, err := e.objectVersion(e.db, bucket, key, versionID, false); err != nil {
		return objectRecord{}, nil, err
	}
	at := objectKey(bucket, key)
	var rec objectRecord
	if versionID == "" {
		var err error
		if rec, err = e.objectRecord(e.db, bucket, key, true); err != nil {
			return objectRecord{}, nil, err
		}
	} else {
		loc, _, err := e.findVersion(e.db, bucket, key, versionID, true)
		if err != nil {
			return objectRecord{}, nil, err
		}
		rec, at = loc.rec, loc.key
		if !loc.current {
			rec.nullStamp = stamp{}
		}
	}
	e.restoreStatus(&rec) // an Intelligent-Tiering object restored is not archived
	if !archived(rec.info) {
		return objectRecord{}, nil, fmt.Errorf("%w: %s/%s is %s, not archived", ErrInvalidObjectState, bucket, key, rec.info.StorageClass)
	}
	return rec, at, nil
}

// CleanRestoredObject drops the restored copy of an archived object
// version ("": the latest) before it expires, so the object is archived
// (unreadable) again (OSS CleanRestoredObject). A restore still in
// progress is ErrRestoreNotFinished; an object without a readable
// restored copy is ErrNotRestored; one not archived ErrInvalidObjectState.
func (e *Engine) CleanRestoredObject(ctx context.Context, bucket, key, versionID string) error {
	if err := e.enter(ctx); err != nil {
		return err
	}
	defer e.leave()
	return e.applyCtx(ctx, func(m *mutation) error {
		rec, at, err := e.archivedRecord(bucket, key, versionID)
		if err != nil {
			return err
		}
		switch {
		case rec.info.Restore == nil:
			return fmt.Errorf("%w: %s/%s", ErrNotRestored, bucket, key)
		case rec.info.Restore.Ongoing:
			return fmt.Errorf("%w: %s/%s", ErrRestoreNotFinished, bucket, key)
		}
		rec.restoreReady, rec.restoreExpiry = time.Time{}, time.Time{}
		return m.b.Set(at, rec.encode(), nil)
	})
}
