package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// Lifecycle rules (bucketconfig.Lifecycle) are executed by the engine on
// its clock: a lifecycle pass looks at every object of every bucket that
// has rules and expires, transitions and aborts what is due at the
// clock's current time. The background loop runs a pass every
// Options.LifecycleInterval; RunPending runs one at once, so a test can
// advance a fake clock and watch objects expire. A pass keeps no state of
// its own: what is due is computed from the objects, so restarts lose
// nothing and a pass that is cut short is finished by the next.
//
// Actions are conditional on the object they were computed for: an
// object overwritten while a pass runs is left to the next pass.

// LifecycleStats counts what one lifecycle pass did.
type LifecycleStats struct {
	Expired, Transitioned, UploadsAborted int
	// NoncurrentExpired counts noncurrent versions (and noncurrent delete
	// markers) removed; MarkersRemoved expired object delete markers
	// (markers that no longer hide any version).
	NoncurrentExpired, MarkersRemoved int
	// Scheduled counts the deletions ScheduleDeletion asked for.
	Scheduled int
	// NoncurrentTransitioned counts noncurrent versions moved to another
	// storage class.
	NoncurrentTransitioned int
	// Replication counts the replication deliveries RunPending made.
	Replication ReplicationStats
	// Inventory counts the inventory reports written (engine/inventory.go).
	Inventory InventoryStats
	// Archived counts INTELLIGENT_TIERING versions moved to an archive
	// access tier (engine/tiering.go).
	Archived int
	// AnalyticsDays counts the days of storage class analysis added to
	// exports (engine/analytics.go).
	AnalyticsDays int
}

// RunPending runs, at the clock's current time, the background work that
// is due: a lifecycle pass over every bucket with lifecycle rules and
// the inventory reports due, then the replication items due (engine/replication.go). It
// returns when the work is done. Tests advance a fake clock and call it.
func (e *Engine) RunPending(ctx context.Context) (LifecycleStats, error) {
	if err := e.enter(ctx); err != nil {
		return LifecycleStats{}, err
	}
	defer e.leave()
	now := e.now()
	st, err := e.lifecyclePass(ctx, now)
	if err != nil {
		return st, err
	}
	if st.Replication, err = e.replicationPass(ctx, now, true); err != nil {
		return st, err
	}
	return st, e.flushAccessLogs(ctx, now, false)
}

// lifecyclePass applies every bucket's lifecycle rules as of now. Passes
// do not overlap.
func (e *Engine) lifecyclePass(ctx context.Context, now time.Time) (LifecycleStats, error) {
	e.lcMu.Lock()
	defer e.lcMu.Unlock()
	var st LifecycleStats
	n, err := e.runScheduledDeletions(ctx, now)
	st.Scheduled = n
	if err != nil {
		return st, err
	}
	if err := e.runScheduledEvents(ctx, now); err != nil {
		return st, err
	}
	buckets, err := e.ListBuckets(ctx)
	if err != nil {
		return st, err
	}
	for _, b := range buckets {
		c, err := e.BucketConfigValue(ctx, b.Name, bucketconfig.KindLifecycle)
		if errors.Is(err, ErrNoSuchConfig) || errors.Is(err, ErrNoSuchBucket) {
			continue
		}
		if err != nil {
			return st, err
		}
		if err := e.applyLifecycle(ctx, b.Name, c.(*bucketconfig.Lifecycle), now, &st); err != nil && !errors.Is(err, ErrNoSuchBucket) {
			return st, fmt.Errorf("engine: lifecycle of %s: %w", b.Name, err)
		}
	}
	for _, b := range buckets {
		it, err := e.tieringConfig(ctx, b.Name)
		if err == nil && it != nil {
			err = e.applyTiering(ctx, b.Name, it, now, &st)
		}
		if err != nil && !errors.Is(err, ErrNoSuchBucket) {
			return st, fmt.Errorf("engine: Intelligent-Tiering of %s: %w", b.Name, err)
		}
	}
	st.Inventory, err = e.inventoryPass(ctx, buckets, now)
	if err != nil {
		return st, err
	}
	st.AnalyticsDays, err = e.analyticsPass(ctx, buckets, now)
	return st, err
}

// applyLifecycle runs one bucket's rules.
func (e *Engine) applyLifecycle(ctx context.Context, bucket string, lc *bucketconfig.Lifecycle, now time.Time, st *LifecycleStats) error {
	day := e.opts.LifecycleDay
	tracked, tracking, err := e.AccessTracking(ctx, bucket)
	if err != nil {
		return err
	}
	// Objects: only the prefixes some enabled rule with an object action
	// names are listed.
	for _, prefix := range lifecyclePrefixes(lc, func(r *bucketconfig.LifecycleRule) bool {
		return r.Expiration != nil && !r.Expiration.ExpiredObjectDeleteMarker || len(r.Transitions) > 0
	}) {
		for info, err := range e.Objects(ctx, bucket, ListOptions{Prefix: prefix}) {
			if err != nil {
				return err
			}
			facts := bucketconfig.ObjectFacts{Key: info.Key, Size: info.Size, Tags: bucketTags(info.Tags)}
			if at, _, ok := lc.ExpiryOf(facts, info.LastModified, day); ok && !now.Before(at) {
				switch err := e.expireObjectEvent(ctx, info, now); {
				case err == nil:
					st.Expired++
				case !errors.Is(err, ErrPreconditionFailed) && !errors.Is(err, ErrNoSuchKey):
					return err
				}
				continue
			}
			var accessed *time.Time
			if tracking {
				at := LastAccessTime(info, tracked)
				accessed = &at
			}
			if class := transitionDue(lc, facts, info.LastModified, accessed, now, day); class != "" && !strings.EqualFold(class, info.StorageClass) {
				switch err := e.transitionObject(ctx, info, class, now); {
				case err == nil:
					st.Transitioned++
				case !errors.Is(err, ErrPreconditionFailed) && !errors.Is(err, ErrNoSuchKey):
					return err
				}
			}
		}
	}
	if err := e.applyVersionRules(ctx, bucket, lc, tracked, tracking, now, st); err != nil {
		return err
	}
	// Incomplete multipart uploads.
	for i := range lc.Rules {
		r := &lc.Rules[i]
		a := r.AbortUploads
		if a == nil || !r.Enabled {
			continue
		}
		for u, err := range e.Uploads(ctx, bucket, ListUploadsOptions{Prefix: r.Filter.Prefix}) {
			if err != nil {
				return err
			}
			due, applies := bucketconfig.ActionDue(a.Days, nil, a.CreatedBefore, u.Initiated, day)
			if !applies || now.Before(due) {
				continue
			}
			switch err := e.AbortMultipartUpload(ctx, bucket, u.Key, u.UploadID); {
			case err == nil:
				st.UploadsAborted++
			case !errors.Is(err, ErrNoSuchUpload):
				return err
			}
		}
	}
	return nil
}

// lifecyclePrefixes returns the shortest set of prefixes covering the
// filters of the enabled rules that want selects.
func lifecyclePrefixes(lc *bucketconfig.Lifecycle, want func(*bucketconfig.LifecycleRule) bool) []string {
	var prefixes []string
	for i := range lc.Rules {
		if r := &lc.Rules[i]; r.Enabled && want(r) {
			prefixes = append(prefixes, r.Filter.Prefix)
		}
	}
	return coveringPrefixes(prefixes)
}

// coveringPrefixes returns the shortest set of prefixes under which every
// key starting with one of prefixes lies (a listing of each finds them
// all, none twice).
func coveringPrefixes(prefixes []string) []string {
	var out []string
	for _, p := range prefixes {
		covered := false
		for j, q := range out {
			if strings.HasPrefix(p, q) {
				covered = true
				break
			}
			if strings.HasPrefix(q, p) {
				out[j] = p
				covered = true
			}
		}
		if !covered {
			out = append(out, p)
		}
	}
	// Replacing entries may have left duplicates or nested prefixes.
	var res []string
	for _, p := range out {
		dup := false
		for _, q := range res {
			if strings.HasPrefix(p, q) {
				dup = true
				break
			}
		}
		if !dup {
			res = append(res, p)
		}
	}
	return res
}

// transitionDue returns the storage class the latest due transition of
// any matching rule moves the object to, or "". A transition by last
// access counts from accessed, and applies only while the bucket's
// access tracking is on (accessed not nil).
func transitionDue(lc *bucketconfig.Lifecycle, o bucketconfig.ObjectFacts, created time.Time, accessed *time.Time, now time.Time, day time.Duration) string {
	var class string
	var latest time.Time
	for r := range lc.Selecting(o, bucketconfig.RulesTransitioning) {
		for _, t := range r.Transitions {
			if !lc.TransitionAllowed(r, t.StorageClass, o.Size) {
				continue
			}
			base := created
			if t.ByAccess() {
				if accessed == nil || !t.Moves(o.Size) {
					continue
				}
				base = *accessed
			}
			due, applies := t.Due(base, day)
			if applies && !now.Before(due) && (class == "" || due.After(latest)) {
				class, latest = t.StorageClass, due
			}
		}
	}
	return class
}

// ObjectExpiry returns when the object expires under its bucket's
// lifecycle rules and the rule's ID (S3's x-amz-expiration header); ok is
// false when no rule expires it. It costs one cached configuration
// lookup.
func (e *Engine) ObjectExpiry(ctx context.Context, info ObjectInfo) (at time.Time, ruleID string, ok bool) {
	c, err := e.BucketConfigValue(ctx, info.Bucket, bucketconfig.KindLifecycle)
	if err != nil {
		return time.Time{}, "", false
	}
	facts := bucketconfig.ObjectFacts{Key: info.Key, Size: info.Size, Tags: bucketTags(info.Tags)}
	return c.(*bucketconfig.Lifecycle).ExpiryOf(facts, info.LastModified, e.opts.LifecycleDay)
}

// UploadAbortDate returns when the upload becomes eligible for abort under
// its bucket's AbortIncompleteMultipartUpload lifecycle rules and the
// rule's ID (S3's x-amz-abort-date and x-amz-abort-rule-id); ok is false
// when no rule aborts it. It costs one cached configuration lookup.
func (e *Engine) UploadAbortDate(ctx context.Context, up UploadInfo) (at time.Time, ruleID string, ok bool) {
	c, err := e.BucketConfigValue(ctx, up.Bucket, bucketconfig.KindLifecycle)
	if err != nil {
		return time.Time{}, "", false
	}
	return c.(*bucketconfig.Lifecycle).AbortOf(up.Key, up.Initiated, e.opts.LifecycleDay)
}

func bucketTags(tags []Tag) []bucketconfig.Tag {
	if len(tags) == 0 {
		return nil
	}
	out := make([]bucketconfig.Tag, len(tags))
	for i, t := range tags {
		out[i] = bucketconfig.Tag{Key: t.Key, Value: t.Value}
	}
	return out
}

// expireObject deletes the current version of an object if it is still
// the one info describes.
func (e *Engine) expireObject(ctx context.Context, info ObjectInfo) error {
	return e.updateIfSame(ctx, info, func(m *mutation, _ *objectRecord) error {
		// In a versioned bucket this writes a delete marker, as S3 does
		// (so Object Lock, whose buckets are versioned, loses no data).
		_, err := e.deleteOne(m, info.Bucket, info.Key, DeleteOptions{IfMatch: info.ETag})
		return err
	})
}

// expireObjectEvent is expireObject with its event (at now), queued in
// the same batch when the bucket wants events: LifecycleExpiration:Delete
// for an object removed, LifecycleExpiration:DeleteMarkerCreated with the
// marker's version ID when the expiration wrote a delete marker (a
// versioned bucket), as S3 names them (S3 User Guide, "Configuring S3
// Lifecycle event notifications").
func (e *Engine) expireObjectEvent(ctx context.Context, info ObjectInfo, now time.Time) error {
	be := e.expirationEvent(ctx, info.Bucket, info.Key, now)
	if be == nil {
		return e.expireObject(ctx, info)
	}
	return e.updateIfSame(ctx, info, func(m *mutation, _ *objectRecord) error {
		res, err := e.deleteOne(m, info.Bucket, info.Key, DeleteOptions{IfMatch: info.ETag})
		if err != nil {
			return err
		}
		if res.DeleteMarkerVersionID != "" {
			be.ev.EventName = "LifecycleExpiration:DeleteMarkerCreated"
			be.ev.S3.Object.VersionID = res.DeleteMarkerVersionID
		}
		m.ownEvent(be.nc, be.ev)
		return nil
	})
}

// transitionObject moves an object to another storage class in place,
// keeping its body, ETag and modification time (the lifecycle day count
// goes on from creation); an archived class must be restored before it
// can be read again. An object read since the pass listed it (a rule by
// last access decided on the older read) is left for the next pass
// (ErrPreconditionFailed). When the bucket wants events, the move queues
// its LifecycleTransition event (at now, with the object's version ID) in
// its own batch, as S3 sends one "when an object is transitioned from one
// Amazon S3 storage class to another by an S3 Lifecycle configuration"
// (S3 User Guide, "Configuring S3 Lifecycle event notifications").
func (e *Engine) transitionObject(ctx context.Context, info ObjectInfo, class string, now time.Time) error {
	be := e.transitionEvent(ctx, info.Bucket, info.Key, class, now)
	return e.updateIfSame(ctx, info, func(m *mutation, rec *objectRecord) error {
		if rec.info.LastAccess.After(info.LastAccess) {
			return fmt.Errorf("%w: %s/%s read since", ErrPreconditionFailed, info.Bucket, info.Key)
		}
		rec.info.StorageClass, rec.info.AccessTier, rec.info.TransitionTime = class, "", e.now()
		rec.restoreReady, rec.restoreExpiry = time.Time{}, time.Time{}
		if be != nil {
			vid, err := e.eventVersionID(info.Bucket, rec.info.VersionID) // none in unversioned buckets
			if err != nil {
				return err
			}
			be.ev.S3.Object.VersionID = vid
			m.ownEvent(be.nc, be.ev)
		}
		return m.b.Set(objectKey(info.Bucket, info.Key), rec.encode(), nil)
	})
}

// updateIfSame runs fn in one atomic step if bucket/key still holds the
// object info describes (same ETag and modification time), else fails
// with ErrPreconditionFailed.
func (e *Engine) updateIfSame(ctx context.Context, info ObjectInfo, fn func(m *mutation, rec *objectRecord) error) error {
	if err := e.enter(ctx); err != nil {
		return err
	}
	defer e.leave()
	return e.applyCtx(ctx, func(m *mutation) error {
		rec, err := e.objectRecord(e.db, info.Bucket, info.Key, true)
		if err != nil {
			return err
		}
		if rec.info.ETag != info.ETag || !rec.info.LastModified.Equal(info.LastModified) {
			return fmt.Errorf("%w: %s/%s changed", ErrPreconditionFailed, info.Bucket, info.Key)
		}
		rec.info.Bucket, rec.info.Key = info.Bucket, info.Key
		return fn(m, &rec)
	})
}

// applyVersionRules runs the rules that act on versions: noncurrent
// version expiration (days counted from when a version became
// noncurrent, that is from its successor's creation, keeping the
// NewerNoncurrent newest noncurrent versions) and the removal of expired
// object delete markers (a key's only remaining version).
//
// tracking says whether the bucket's access tracking is on, since
// tracked (transitions by last access need it).
func (e *Engine) applyVersionRules(ctx context.Context, bucket string, lc *bucketconfig.Lifecycle, tracked time.Time, tracking bool, now time.Time, st *LifecycleStats) error {
	prefixes := lifecyclePrefixes(lc, func(r *bucketconfig.LifecycleRule) bool {
		return r.NoncurrentExpiration != nil || len(r.NoncurrentTransitions) > 0 ||
			r.Expiration != nil && r.Expiration.ExpiredObjectDeleteMarker
	})
	if len(prefixes) == 0 {
		return nil
	}
	day := e.opts.LifecycleDay
	// act decides one key's versions (newest first).
	act := func(vs []ObjectInfo) error {
		if len(vs) == 0 {
			return nil
		}
		if len(vs) == 1 && vs[0].DeleteMarker {
			facts := bucketconfig.ObjectFacts{Key: vs[0].Key}
			for range lc.Selecting(facts, bucketconfig.RulesRemovingMarkers) {
				// One rule that selects the marker is enough.
				switch err := e.removeVersionByLifecycle(ctx, bucket, vs[0], false, now); {
				case err == nil:
					st.MarkersRemoved++
				case !isKeyError(err):
					return err
				}
				break
			}
			return nil
		}
		for i := 1; i < len(vs); i++ {
			v := vs[i]
			facts := bucketconfig.ObjectFacts{Key: v.Key, Size: v.Size, Tags: bucketTags(v.Tags)}
			since := vs[i-1].LastModified // it became noncurrent when its successor was written
			expired := false
			for r := range lc.Selecting(facts, bucketconfig.RulesNoncurrentExpiring) {
				ne := r.NoncurrentExpiration
				if i-1 < ne.NewerNoncurrent || now.Before(bucketconfig.DueAt(since, ne.Days, day)) {
					continue
				}
				switch err := e.removeVersionByLifecycle(ctx, bucket, v, true, now); {
				case err == nil:
					st.NoncurrentExpired++
					expired = true
				case !isKeyError(err):
					return err
				}
				break
			}
			if expired || v.DeleteMarker {
				continue
			}
			// The latest due noncurrent transition of any matching rule.
			var class string
			var latest time.Time
			for r := range lc.Selecting(facts, bucketconfig.RulesNoncurrentTransitioning) {
				for _, t := range r.NoncurrentTransitions {
					if !lc.TransitionAllowed(r, t.StorageClass, v.Size) {
						continue
					}
					base := since
					if t.ByAccess() {
						if !tracking || !t.Moves(v.Size) {
							continue
						}
						base = LastAccessTime(v, tracked)
					}
					due := bucketconfig.DueAt(base, t.Days, day)
					if i-1 >= t.NewerNoncurrent && !now.Before(due) && (class == "" || due.After(latest)) {
						class, latest = t.StorageClass, due
					}
				}
			}
			if class != "" && !strings.EqualFold(class, v.StorageClass) {
				switch err := e.transitionVersion(ctx, bucket, v, class, now); {
				case err == nil:
					st.NoncurrentTransitioned++
				case !isKeyError(err) && !errors.Is(err, ErrNoSuchVersion):
					return err
				}
			}
		}
		return nil
	}
	for _, prefix := range prefixes {
		opts := VersionListOptions{Prefix: prefix}
		var group []ObjectInfo
		for {
			page, err := e.ListObjectVersions(ctx, bucket, opts)
			if err != nil {
				return err
			}
			for _, v := range page.Versions {
				if len(group) > 0 && group[0].Key != v.Key {
					if err := act(group); err != nil {
						return err
					}
					group = group[:0]
				}
				group = append(group, v)
			}
			if !page.IsTruncated {
				break
			}
			opts.KeyMarker, opts.VersionIDMarker = page.NextKeyMarker, page.NextVersionIDMarker
		}
		if err := act(group); err != nil {
			return err
		}
	}
	return nil
}

// removeVersionByLifecycle deletes one version (or marker) by its ID, for
// good; a retention policy or lock refuses it (reported as a key error).
// With noncurrent (noncurrent version expiration) the version must still
// be the one the pass listed and still noncurrent, checked in the
// delete's own step: a client that deletes the latest version by its ID
// meanwhile makes the listed one current again, and S3 applies
// NoncurrentVersionExpiration to noncurrent versions only, so it stays
// (ErrPreconditionFailed). Without it (ExpiredObjectDeleteMarker) the
// version must still be the delete marker the pass listed and the key's
// only version (checkLoneMarker).
//
// When the bucket wants events, the removal queues its
// LifecycleExpiration:Delete event (at now, with the removed version's
// ID) in its own batch: S3 sends it "when an object version is
// permanently deleted by an S3 Lifecycle configuration" (S3 User Guide,
// "Configuring S3 Lifecycle event notifications").
func (e *Engine) removeVersionByLifecycle(ctx context.Context, bucket string, v ObjectInfo, noncurrent bool, now time.Time) error {
	be := e.expirationEvent(ctx, bucket, v.Key, now)
	if err := e.enter(ctx); err != nil {
		return err
	}
	defer e.leave()
	return e.applyCtx(ctx, func(m *mutation) error {
		check := e.checkLoneMarker
		if noncurrent {
			check = e.checkNoncurrent
		}
		if err := check(bucket, v); err != nil {
			return err
		}
		res, err := e.removeVersion(m, bucket, v.Key, versionOrNull(v.VersionID), deleteCond{}, false)
		if err != nil || be == nil {
			return err
		}
		be.ev.S3.Object.VersionID = res.VersionID
		m.ownEvent(be.nc, be.ev)
		return nil
	})
}

// checkLoneMarker fails with ErrPreconditionFailed unless version v of
// bucket, a delete marker as a listing read it, is still there and the
// key's only version: an expired object delete marker. A marker a client
// removed meanwhile, or one a new version made noncurrent, stays as it
// is. The caller holds e.mu.
func (e *Engine) checkLoneMarker(bucket string, v ObjectInfo) error {
	loc, ok, err := e.findVersion(e.db, bucket, v.Key, versionOrNull(v.VersionID), false)
	if err != nil {
		return err
	}
	if !ok || loc.current || !loc.rec.info.DeleteMarker || !loc.rec.info.LastModified.Equal(v.LastModified) {
		return fmt.Errorf("%w: %s/%s delete marker %s changed", ErrPreconditionFailed, bucket, v.Key, versionOrNull(v.VersionID))
	}
	_, current, err := get(e.db, objectKey(bucket, v.Key))
	if err != nil {
		return err
	}
	_, _, other, err := e.firstVersion(e.db, bucket, v.Key, loc.key)
	if err != nil {
		return err
	}
	if current || other {
		return fmt.Errorf("%w: %s/%s delete marker %s is not the only version", ErrPreconditionFailed, bucket, v.Key, versionOrNull(v.VersionID))
	}
	return nil
}

// checkNoncurrent fails with ErrPreconditionFailed unless version v of
// bucket (as a listing read it) is still there, unchanged (the null
// version can be replaced under the same ID), and not the key's latest
// version. The caller holds e.mu.
func (e *Engine) checkNoncurrent(bucket string, v ObjectInfo) error {
	loc, ok, err := e.findVersion(e.db, bucket, v.Key, versionOrNull(v.VersionID), false)
	if err != nil {
		return err
	}
	if !ok || loc.rec.info.ETag != v.ETag || !loc.rec.info.LastModified.Equal(v.LastModified) || loc.rec.info.DeleteMarker != v.DeleteMarker {
		return fmt.Errorf("%w: %s/%s version %s changed", ErrPreconditionFailed, bucket, v.Key, versionOrNull(v.VersionID))
	}
	latest, err := e.isLatest(bucket, v.Key, &loc)
	if err != nil {
		return err
	}
	if latest {
		return fmt.Errorf("%w: %s/%s version %s is the latest again", ErrPreconditionFailed, bucket, v.Key, versionOrNull(v.VersionID))
	}
	return nil
}

// transitionVersion moves one noncurrent version to another storage
// class in place, keeping its body and modification time (which dates
// the version before it). A version that changed or became the latest
// since the pass listed it is left alone (ErrPreconditionFailed), as in
// removeVersionByLifecycle. When the bucket wants events, the move queues
// its LifecycleTransition event (at now, with the version's ID) in its
// own batch, as transitionObject does.
func (e *Engine) transitionVersion(ctx context.Context, bucket string, v ObjectInfo, class string, now time.Time) error {
	be := e.transitionEvent(ctx, bucket, v.Key, class, now)
	return e.rewriteVersion(ctx, bucket, v, func(m *mutation, rec *objectRecord) error {
		if err := e.checkNoncurrent(bucket, v); err != nil {
			return err
		}
		rec.info.StorageClass, rec.info.AccessTier, rec.info.TransitionTime = class, "", e.now()
		rec.restoreReady, rec.restoreExpiry = time.Time{}, time.Time{}
		if be != nil {
			be.ev.S3.Object.VersionID = versionOrNull(v.VersionID)
			m.ownEvent(be.nc, be.ev)
		}
		return nil
	})
}

// rewriteVersion applies fn to the record of version v of bucket (any
// version, current included) and writes it back, in one atomic step; a
// version gone is ErrNoSuchVersion, and fn's error leaves it unchanged.
// fn may add to m's batch (an event of the engine's: mutation.ownEvent).
func (e *Engine) rewriteVersion(ctx context.Context, bucket string, v ObjectInfo, fn func(m *mutation, rec *objectRecord) error) error {
	if err := e.enter(ctx); err != nil {
		return err
	}
	defer e.leave()
	return e.applyCtx(ctx, func(m *mutation) error {
		loc, ok, err := e.findVersion(e.db, bucket, v.Key, versionOrNull(v.VersionID), true)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%w: %s/%s %s", ErrNoSuchVersion, bucket, v.Key, v.VersionID)
		}
		if err := fn(m, &loc.rec); err != nil {
			return err
		}
		return m.b.Set(loc.key, loc.rec.encode(), nil)
	})
}
