package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// S3 Intelligent-Tiering archive tiers. A bucket's Intelligent-Tiering
// configurations (bucketconfig.IntelligentTiering) opt the
// INTELLIGENT_TIERING objects they select into the Archive Access and Deep
// Archive Access tiers: each lifecycle pass moves an object of at least
// bucketconfig.MinTieringSize that has not been read for a tier's days
// (LifecycleDay long) into that tier (ObjectInfo.AccessTier). An object in
// an archive tier is read as an archived one is: GetObject and copies
// answer ErrInvalidObjectState (*ArchivedError naming the tier) until
// RestoreObject, which moves it back to the Frequent Access tier once
// Options.RestoreDelay has passed, with no restored copy to expire. Reads
// are recorded (TouchObject) while the bucket has an enabled
// configuration, and a completed restore counts as one.

// IntelligentTieringClass is the storage class whose objects move between
// access tiers.
const IntelligentTieringClass = "INTELLIGENT_TIERING"

// archived reports whether an object must be restored before it is read:
// its class is an archive class, or it is in an Intelligent-Tiering
// archive tier.
func archived(info ObjectInfo) bool {
	return IsArchiveClass(info.StorageClass) || info.AccessTier != ""
}

// tieringConfig returns the bucket's Intelligent-Tiering configurations
// when one is enabled (nil otherwise). One cached configuration lookup.
func (e *Engine) tieringConfig(ctx context.Context, bucket string) (*bucketconfig.IntelligentTiering, error) {
	c, err := e.BucketConfigValue(ctx, bucket, bucketconfig.KindIntelligentTiering)
	if errors.Is(err, ErrNoSuchConfig) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if it := c.(*bucketconfig.IntelligentTiering); it.Enabled() {
		return it, nil
	}
	return nil, nil
}

// applyTiering moves the bucket's INTELLIGENT_TIERING versions (current
// and noncurrent) whose idle time has reached a tier of it into that
// tier, listing only under the prefixes its enabled configurations'
// filters name. A version only ever moves to a colder tier here; a
// restore brings it back.
func (e *Engine) applyTiering(ctx context.Context, bucket string, it *bucketconfig.IntelligentTiering, now time.Time, st *LifecycleStats) error {
	var prefixes []string
	for i := range it.Configurations {
		if c := &it.Configurations[i]; c.Enabled {
			prefixes = append(prefixes, c.Prefix)
		}
	}
	for _, prefix := range coveringPrefixes(prefixes) {
		if err := e.applyTieringUnder(ctx, bucket, prefix, it, now, st); err != nil {
			return err
		}
	}
	return nil
}

// applyTieringUnder is applyTiering for the versions under prefix.
func (e *Engine) applyTieringUnder(ctx context.Context, bucket, prefix string, it *bucketconfig.IntelligentTiering, now time.Time, st *LifecycleStats) error {
	day := e.opts.LifecycleDay
	opts := VersionListOptions{Prefix: prefix}
	for {
		page, err := e.ListObjectVersions(ctx, bucket, opts)
		if err != nil {
			return err
		}
		for _, v := range page.Versions {
			if v.DeleteMarker || v.StorageClass != IntelligentTieringClass || v.Restore != nil {
				continue
			}
			// Accessed last: its last recorded read (or completed restore),
			// else its creation (tracked, as S3 tracks these, from the start).
			tier := it.Tier(v.Key, bucketTags(v.Tags), v.Size, now.Sub(LastAccessTime(v, time.Time{})), day)
			if tier == "" || tier == v.AccessTier || tier == bucketconfig.ArchiveAccess && v.AccessTier == bucketconfig.DeepArchiveAccess {
				continue
			}
			switch err := e.setAccessTier(ctx, bucket, v, tier, e.tieringEvent(ctx, v, tier, now)); {
			case err == nil:
				st.Archived++
			case !errors.Is(err, ErrPreconditionFailed) && !errors.Is(err, ErrNoSuchVersion) && !errors.Is(err, ErrNoSuchKey):
				return err
			}
		}
		if !page.IsTruncated {
			return nil
		}
		opts.KeyMarker, opts.VersionIDMarker = page.NextKeyMarker, page.NextVersionIDMarker
	}
}

// setAccessTier moves version v of bucket to tier, if it is still the
// version v describes and was not read since (else
// ErrPreconditionFailed): a read recorded after the pass listed v
// (TouchObject) puts the move off, as a read before it would have. ev,
// when not nil, is the move's IntelligentTiering event, queued in the
// move's batch.
func (e *Engine) setAccessTier(ctx context.Context, bucket string, v ObjectInfo, tier string, ev *batchEvent) error {
	return e.rewriteVersion(ctx, bucket, v, func(m *mutation, rec *objectRecord) error {
		if rec.info.ETag != v.ETag || !rec.info.LastModified.Equal(v.LastModified) || rec.info.StorageClass != IntelligentTieringClass {
			return fmt.Errorf("%w: %s/%s changed", ErrPreconditionFailed, bucket, v.Key)
		}
		if rec.info.LastAccess.After(v.LastAccess) {
			return fmt.Errorf("%w: %s/%s read since", ErrPreconditionFailed, bucket, v.Key)
		}
		// A completed restore is an access (restoreStatus); it is kept as
		// one when the record drops the restore.
		rec.info.LastAccess = v.LastAccess
		rec.info.AccessTier = tier
		rec.restoreReady, rec.restoreExpiry = time.Time{}, time.Time{}
		if ev != nil {
			// A null version named as S3's other events of its own name
			// it ("null" with versioning, none without).
			vid, err := e.eventVersionID(bucket, rec.info.VersionID)
			if err != nil {
				return err
			}
			ev.ev.S3.Object.VersionID = vid
			m.ownEvent(ev.nc, ev.ev)
		}
		return nil
	})
}
