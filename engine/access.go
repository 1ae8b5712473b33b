package engine

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/cockroachdb/pebble/v2"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// Access tracking (OSS's AccessMonitor): while a bucket's tracking is on,
// TouchObject records when an object was read, at most once a
// LifecycleDay per object, and lifecycle transitions by last access
// (LifecycleTransition.AccessTime) count from that time.

// AccessTracking reports whether the bucket's access tracking is on and
// since when. It costs one cached configuration lookup.
func (e *Engine) AccessTracking(ctx context.Context, bucket string) (since time.Time, on bool, err error) {
	c, err := e.BucketConfigValue(ctx, bucket, bucketconfig.KindAccessMonitor)
	if errors.Is(err, ErrNoSuchConfig) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, err
	}
	return c.(*bucketconfig.AccessMonitor).Since, true, nil
}

// LastAccessTime is an object's last access time under access tracking
// on since since: its recorded last read, or the later of its creation
// and the start of tracking when it was not read since.
func LastAccessTime(info ObjectInfo, since time.Time) time.Time {
	t := info.LastModified
	if since.After(t) {
		t = since
	}
	if info.LastAccess.After(t) {
		t = info.LastAccess
	}
	return t
}

// TouchObject records a read of the object (versionID "": the current
// version) when the bucket's access tracking is on: its last access time
// becomes now unless a read was recorded within the last LifecycleDay.
// A lifecycle rule by last access with ReturnToStd moves an object it
// transitioned (to a class that is not an archive) back to Standard.
// Reads of INTELLIGENT_TIERING objects are recorded as well while the
// bucket has an enabled Intelligent-Tiering configuration (tiering.go).
// Without either it does nothing and costs two cached configuration
// lookups; with one, a read already recorded today costs one record
// lookup more. An object or bucket gone since the read is left alone.
func (e *Engine) TouchObject(ctx context.Context, bucket, key, versionID string) error {
	_, on, err := e.AccessTracking(ctx, bucket)
	if errors.Is(err, ErrNoSuchBucket) {
		return nil // the bucket went since the read: nothing to record
	}
	if err != nil {
		return err
	}
	tieringOnly := false // only Intelligent-Tiering objects are tracked
	if !on {
		it, err := e.tieringConfig(ctx, bucket)
		if err != nil || it == nil {
			return err
		}
		tieringOnly = true
	}
	if err := e.enter(ctx); err != nil {
		return err
	}
	defer e.leave()
	now := e.now()
	// due reads the record (with its body locations only to rewrite it)
	// and says whether a read is to be recorded.
	due := func(r pebble.Reader, body bool) (located, bool, error) {
		var loc located
		if versionID == "" {
			rec, err := e.objectRecord(r, bucket, key, body)
			if err != nil {
				return loc, false, err
			}
			loc = located{rec: rec, key: objectKey(bucket, key), current: true}
		} else {
			l, ok, err := e.findVersion(r, bucket, key, versionID, body)
			if err != nil || !ok {
				return loc, false, err
			}
			loc = l
		}
		i := &loc.rec.info
		if tieringOnly && i.StorageClass != IntelligentTieringClass {
			return loc, false, nil
		}
		return loc, !i.DeleteMarker && (i.LastAccess.IsZero() || now.Sub(i.LastAccess) >= e.opts.LifecycleDay), nil
	}
	// Most reads find a read recorded today: they are answered from one
	// lookup, without the metadata lock or a commit.
	if _, ok, err := due(e.db, false); err != nil || !ok {
		if errors.Is(err, ErrNoSuchKey) {
			return nil
		}
		return err
	}
	var lc *bucketconfig.Lifecycle
	if c, err := e.BucketConfigValue(ctx, bucket, bucketconfig.KindLifecycle); err == nil {
		lc = c.(*bucketconfig.Lifecycle)
	}
	err = e.applyCtx(ctx, func(m *mutation) error {
		loc, ok, err := due(e.db, true)
		if err != nil || !ok {
			return err
		}
		i := &loc.rec.info
		i.Bucket, i.Key, i.LastAccess = bucket, key, now
		if lc != nil && returnsToStandard(lc, *i, loc.current) {
			i.StorageClass = "Standard"
		}
		return m.b.Set(loc.key, loc.rec.encode(), nil)
	})
	if errors.Is(err, ErrNoSuchKey) {
		return nil
	}
	return err
}

// returnsToStandard reports whether a matching rule by last access with
// ReturnToStd moves info back to Standard on a read: it is in the class
// such a transition moves to, and that class is not an archive.
func returnsToStandard(lc *bucketconfig.Lifecycle, info ObjectInfo, current bool) bool {
	if IsArchiveClass(info.StorageClass) || sameStorageClass(info.StorageClass, "STANDARD") {
		return false
	}
	facts := bucketconfig.ObjectFacts{Key: info.Key, Size: info.Size, Tags: bucketTags(info.Tags)}
	set := bucketconfig.RulesTransitioning
	if !current {
		set = bucketconfig.RulesNoncurrentTransitioning
	}
	for r := range lc.Selecting(facts, set) {
		ts := r.Transitions
		if !current {
			ts = r.NoncurrentTransitions
		}
		for _, t := range ts {
			if t.ByAccess() && t.ReturnToStd != nil && *t.ReturnToStd && strings.EqualFold(t.StorageClass, info.StorageClass) {
				return true
			}
		}
	}
	return false
}
