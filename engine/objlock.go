package engine

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// S3 Object Lock: per-version retention (GOVERNANCE or COMPLIANCE, until
// a date) and legal holds, in buckets created with Object Lock (or whose
// versioning was enabled when it was turned on). A bucket with Object
// Lock is always versioned (suspending is ErrInvalidBucketState), so a
// write never replaces a version: only deleting a version by ID can
// remove data, and removeVersion refuses it in the same batch while the
// version's retention runs (on the engine clock) or its legal hold is on.
// A delete without a version ID writes a delete marker, which is allowed.
//
// The bucket's state (enabled, default retention) is in its record, read
// under e.mu and cached with the versioning state; the configuration
// document (bucketconfig.ObjectLock) is stored beside it for reads.

// RetentionMode is an Object Lock retention mode.
type RetentionMode string

const (
	// RetentionGovernance can be shortened or removed, and its version
	// deleted, by a caller allowed to bypass it (BypassGovernance).
	RetentionGovernance RetentionMode = "GOVERNANCE"
	// RetentionCompliance can only be extended, by anyone.
	RetentionCompliance RetentionMode = "COMPLIANCE"
)

// Retention is the Object Lock retention of one version: it cannot be
// deleted before Until. The zero value is no retention.
type Retention struct {
	Mode  RetentionMode
	Until time.Time
}

// active reports whether r protects its version at now.
func (r Retention) active(now time.Time) bool {
	return r.Mode != "" && now.Before(r.Until)
}

// lockRule is the Object Lock state of a bucket: enabled, with an
// optional default retention (mode "" for none).
type lockRule struct {
	mode        RetentionMode
	days, years int
}

// retention is the default retention of a version created at t.
func (l *lockRule) retention(t time.Time) Retention {
	if l == nil || l.mode == "" {
		return Retention{}
	}
	return Retention{Mode: l.mode, Until: t.AddDate(l.years, 0, l.days).UTC()}
}

func (d *decoder) lockRule(p []byte) *lockRule {
	ss := d.strs(p)
	if len(ss) != 3 {
		d.fail("object lock")
		return &lockRule{}
	}
	days, err1 := strconv.Atoi(ss[1])
	years, err2 := strconv.Atoi(ss[2])
	if err1 != nil || err2 != nil {
		d.fail("object lock period")
	}
	return &lockRule{mode: RetentionMode(ss[0]), days: days, years: years}
}

// bucketLock returns bucket's Object Lock state (nil: not enabled, also
// for a missing bucket, which the write reports itself). The caller
// holds e.mu.
func (e *Engine) bucketLock(bucket string) (*lockRule, error) {
	if l, ok := e.vers.locks[bucket]; ok {
		return l, nil
	}
	rec, err := e.bucketRecord(e.db, bucket)
	if errors.Is(err, ErrNoSuchBucket) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if e.vers.locks == nil {
		e.vers.locks = map[string]*lockRule{}
	}
	e.vers.locks[bucket] = rec.lock
	return rec.lock, nil
}

// validRetention checks a retention asked for at now.
func validRetention(r Retention, now time.Time) error {
	switch r.Mode {
	case "":
		if !r.Until.IsZero() {
			return fmt.Errorf("%w: a retain-until date needs a retention mode", ErrInvalidArgument)
		}
		return nil
	case RetentionGovernance, RetentionCompliance:
	default:
		return fmt.Errorf("%w: unknown retention mode %q", ErrInvalidArgument, r.Mode)
	}
	if !now.Before(r.Until) {
		return fmt.Errorf("%w: the retain until date must be in the future", ErrInvalidArgument)
	}
	return nil
}

// applyLock checks the Object Lock settings of a new version and gives it
// the bucket's default retention when it asks for none. The caller holds
// e.mu.
func (e *Engine) applyLock(rec *objectRecord) error {
	l, err := e.bucketLock(rec.info.Bucket)
	if err != nil {
		return err
	}
	i := &rec.info
	// A status given at the write (PutOptions.LegalHoldSet, OFF included)
	// is reported; without Object Lock there is none.
	i.LegalHoldSet = i.LegalHold || i.LegalHoldSet
	if l == nil {
		if i.Retention.Mode != "" || i.LegalHold {
			return fmt.Errorf("%w: %s", ErrObjectLockNotEnabled, i.Bucket)
		}
		i.LegalHoldSet = false
		return nil
	}
	if i.Retention.Mode == "" {
		i.Retention = l.retention(e.now())
		return nil
	}
	return validRetention(i.Retention, e.now())
}

// checkLock fails with ErrObjectLocked while info's retention or legal
// hold protects it; bypass overrides a GOVERNANCE retention. The caller
// holds e.mu.
func (e *Engine) checkLock(bucket, key string, info *ObjectInfo, bypass bool) error {
	switch {
	case info.LegalHold:
		return fmt.Errorf("%w: %s/%s version %s is under a legal hold", ErrObjectLocked, bucket, key, versionOrNull(info.VersionID))
	case !info.Retention.active(e.now()):
		return nil
	case info.Retention.Mode == RetentionGovernance && bypass:
		return nil
	}
	return fmt.Errorf("%w: %s/%s version %s is retained (%s) until %s", ErrObjectLocked, bucket, key,
		versionOrNull(info.VersionID), info.Retention.Mode, info.Retention.Until.Format(time.RFC3339))
}

// putObjectLockConfig stores an Object Lock configuration and the state in
// the bucket record, in m. A bucket without Object Lock gets it when its
// versioning is enabled (S3 since 2023), and ErrInvalidBucketState
// otherwise. The caller holds e.mu.
func (e *Engine) putObjectLockConfig(m *mutation, bucket string, doc []byte) error {
	c, err := bucketconfig.Decode(bucketconfig.KindObjectLock, doc)
	if err == nil {
		err = c.Validate()
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidArgument, err)
	}
	rec, err := e.bucketRecord(e.db, bucket)
	if err != nil {
		return err
	}
	if rec.lock == nil && rec.versioning != VersioningEnabled {
		return fmt.Errorf("%w: %s", ErrLockNeedsVersioning, bucket)
	}
	ol := c.(*bucketconfig.ObjectLock)
	rec.lock = &lockRule{mode: RetentionMode(ol.Mode), days: ol.Days, years: ol.Years}
	e.forgetVersioning(bucket)
	if err := m.setBucket(bucket, &rec); err != nil {
		return err
	}
	return m.b.Set(configKey(bucket, string(bucketconfig.KindObjectLock)), doc, nil)
}

// enableObjectLock makes a new bucket's record and documents those of a
// bucket created with Object Lock: versioning enabled, no default
// retention. The caller holds e.mu.
func enableObjectLock(m *mutation, bucket string, rec *bucketRecord) error {
	rec.versioning, rec.lock = VersioningEnabled, &lockRule{}
	for _, c := range []bucketconfig.Config{&bucketconfig.Versioning{Status: "Enabled"}, &bucketconfig.ObjectLock{}} {
		doc, err := bucketconfig.Encode(c)
		if err != nil {
			return err
		}
		if err := m.b.Set(configKey(bucket, string(c.Kind())), doc, nil); err != nil {
			return err
		}
	}
	return nil
}

// updateVersionLock runs fn on version vid ("": the latest) of key under
// the metadata lock, in a bucket with Object Lock, and stores the record.
func (e *Engine) updateVersionLock(ctx context.Context, bucket, key, vid string, fn func(i *ObjectInfo) error) (ObjectInfo, error) {
	if err := e.enter(ctx); err != nil {
		return ObjectInfo{}, err
	}
	defer e.leave()
	var out ObjectInfo
	err := e.applyCtx(ctx, func(m *mutation) error {
		if _, err := e.bucketRecord(e.db, bucket); err != nil {
			return err
		}
		if l, err := e.bucketLock(bucket); err != nil {
			return err
		} else if l == nil {
			return fmt.Errorf("%w: %s", ErrObjectLockNotEnabled, bucket)
		}
		cur, err := e.objectVersion(e.db, bucket, key, vid, false)
		if err != nil {
			return err
		}
		loc, ok, err := e.findVersion(e.db, bucket, key, versionOrNull(cur.info.VersionID), true)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%w: %s/%s", ErrNoSuchKey, bucket, key)
		}
		rec := loc.rec
		if !loc.current {
			rec.nullStamp = stamp{} // the V/ key holds it
		}
		rec.info.Bucket, rec.info.Key = bucket, key
		if err := fn(&rec.info); err != nil {
			return err
		}
		if err := e.queueMetaReplication(m, &rec); err != nil {
			return err
		}
		out = rec.info
		if err := m.eventRetained(&rec.info); err != nil {
			return err
		}
		return m.b.Set(loc.key, rec.encode(), nil)
	})
	return out, err
}

// SetObjectRetention sets the Object Lock retention of version versionID
// ("": the latest) of bucket/key; the zero Retention removes it. An active
// COMPLIANCE retention can only be extended (same mode, an Until no
// earlier); an active GOVERNANCE one can be shortened, removed or have
// its mode changed (to COMPLIANCE too) only with bypass: otherwise
// ErrObjectLocked. A date
// not in the future is ErrInvalidArgument; a bucket without Object Lock
// ErrObjectLockNotEnabled.
func (e *Engine) SetObjectRetention(ctx context.Context, bucket, key, versionID string, r Retention, bypass bool) (ObjectInfo, error) {
	return e.updateVersionLock(ctx, bucket, key, versionID, func(i *ObjectInfo) error {
		now := e.now()
		if err := validRetention(r, now); err != nil {
			return err
		}
		old := i.Retention
		if old.active(now) {
			// Only extending in the same mode is open to everyone. Any
			// other change alters a retention in force, even one that
			// tightens it (GOVERNANCE to COMPLIANCE): S3 lets that
			// through a GOVERNANCE retention only with the bypass, and
			// never through a COMPLIANCE one.
			altered := r.Mode != old.Mode || r.Until.Before(old.Until)
			if altered && (old.Mode == RetentionCompliance || !bypass) {
				return fmt.Errorf("%w: %s/%s is retained (%s) until %s", ErrObjectLocked, bucket, key, old.Mode, old.Until.Format(time.RFC3339))
			}
		}
		i.Retention = r
		return nil
	})
}

// SetObjectLegalHold turns the Object Lock legal hold of version
// versionID ("": the latest) of bucket/key on or off. A bucket without
// Object Lock is ErrObjectLockNotEnabled.
func (e *Engine) SetObjectLegalHold(ctx context.Context, bucket, key, versionID string, on bool) (ObjectInfo, error) {
	return e.updateVersionLock(ctx, bucket, key, versionID, func(i *ObjectInfo) error {
		i.LegalHold, i.LegalHoldSet = on, true
		return nil
	})
}
