package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Bucket retention (OSS BucketWorm): a bucket-level policy under which no
// object can be deleted or overwritten until RetentionDays have passed
// since its last modification. A policy starts InProgress (enforced, and
// abortable); CompleteBucketWorm locks it, after which it can only be
// extended. An InProgress policy not locked within WormLockWindow lapses.
//
// Enforcement happens inside the mutation that deletes or replaces an
// object (the same atomic step), so every front end agrees. The policy of
// a bucket is read once and cached under the metadata lock.

// WormState is the state of a bucket retention policy.
type WormState string

const (
	// WormInProgress is a policy that was initiated and not yet locked:
	// it is enforced, and may be aborted until it lapses.
	WormInProgress WormState = "InProgress"
	// WormLocked is a locked policy: it cannot be removed or shortened.
	WormLocked WormState = "Locked"
)

const (
	// MaxWormRetentionDays is the longest retention period (70 years).
	MaxWormRetentionDays = 25550
	// WormLockWindow is how long an InProgress policy lasts unless it is
	// locked (OSS: 24 hours).
	WormLockWindow = 24 * time.Hour
)

// BucketWorm is a bucket's retention policy.
type BucketWorm struct {
	ID            string
	State         WormState
	RetentionDays int
	Created       time.Time
}

// retention is how long an object stays immutable under w.
func (w *BucketWorm) retention() time.Duration {
	return time.Duration(w.RetentionDays) * 24 * time.Hour
}

// lapsed reports whether an InProgress policy passed its lock window.
func (w *BucketWorm) lapsed(now time.Time) bool {
	return w.State == WormInProgress && !now.Before(w.Created.Add(WormLockWindow))
}

const wormKind = "worm" // stored at configKey(bucket, wormKind)

// wormCache holds each bucket's policy (nil: none) as read under e.mu. An
// entry is valid while the configuration cache's generation is unchanged
// (DeleteBucket moves it), and policy writes drop their bucket's entry
// under e.mu.
type wormCache struct {
	m map[string]wormEntry
}

type wormEntry struct {
	w   *BucketWorm
	gen uint64
}

func (e *Engine) configGen() uint64 {
	e.configs.mu.Lock()
	defer e.configs.mu.Unlock()
	return e.configs.gen
}

// readWorm reads bucket's stored policy (nil when none, or lapsed).
func (e *Engine) readWorm(bucket string) (*BucketWorm, error) {
	v, ok, err := get(e.db, configKey(bucket, wormKind))
	if err != nil || !ok {
		return nil, err
	}
	var w BucketWorm
	if err := json.Unmarshal(v, &w); err != nil {
		return nil, fmt.Errorf("%w: retention policy of %s: %v", ErrCorrupt, bucket, err)
	}
	if w.lapsed(e.now()) {
		return nil, nil
	}
	return &w, nil
}

// activeWorm returns the policy enforced on bucket now, or nil. The caller
// holds e.mu.
func (e *Engine) activeWorm(bucket string) (*BucketWorm, error) {
	gen := e.configGen()
	ent, ok := e.worm.m[bucket]
	if !ok || ent.gen != gen {
		w, err := e.readWorm(bucket)
		if err != nil {
			return nil, err
		}
		if e.worm.m == nil {
			e.worm.m = map[string]wormEntry{}
		}
		ent = wormEntry{w: w, gen: gen}
		e.worm.m[bucket] = ent
	}
	if ent.w != nil && ent.w.lapsed(e.now()) {
		return nil, nil
	}
	return ent.w, nil
}

// checkRetention fails with ErrObjectImmutable when bucket's policy still
// protects an object last modified at mod. The caller holds e.mu.
func (e *Engine) checkRetention(bucket, key string, mod time.Time) error {
	w, err := e.activeWorm(bucket)
	if err != nil || w == nil {
		return err
	}
	if until := mod.Add(w.retention()); e.now().Before(until) {
		return fmt.Errorf("%w: %s/%s is retained until %s", ErrObjectImmutable, bucket, key, until.Format(time.RFC3339))
	}
	return nil
}

// checkOverwrite applies checkRetention to the object at bucket/key, if
// any. It reads the object only when bucket has a policy. The caller
// holds e.mu.
func (e *Engine) checkOverwrite(bucket, key string) error {
	w, err := e.activeWorm(bucket)
	if err != nil || w == nil {
		return err
	}
	v, ok, err := get(e.db, objectKey(bucket, key))
	if err != nil || !ok {
		return err
	}
	cur, err := decodeObject(v, false)
	if err != nil {
		return err
	}
	return e.checkRetention(bucket, key, cur.info.LastModified)
}

// updateWorm runs fn on bucket's current policy (nil when none) under the
// metadata lock and stores what it returns (nil deletes).
func (e *Engine) updateWorm(ctx context.Context, bucket string, fn func(w *BucketWorm) (*BucketWorm, error)) error {
	if err := e.enter(ctx); err != nil {
		return err
	}
	defer e.leave()
	return e.applyCtx(ctx, func(m *mutation) error {
		if _, err := e.bucketRecord(e.db, bucket); err != nil {
			return err
		}
		cur, err := e.readWorm(bucket)
		if err != nil {
			return err
		}
		next, err := fn(cur)
		if err != nil {
			return err
		}
		delete(e.worm.m, bucket) // re-read under e.mu after this commit
		if next == nil {
			return m.b.Delete(configKey(bucket, wormKind), nil)
		}
		doc, err := json.Marshal(next)
		if err != nil {
			return err
		}
		return m.b.Set(configKey(bucket, wormKind), doc, nil)
	})
}

func checkWormDays(days int) error {
	if days < 1 || days > MaxWormRetentionDays {
		return fmt.Errorf("%w: retention period of %d days is outside 1 to %d", ErrInvalidWorm, days, MaxWormRetentionDays)
	}
	return nil
}

// InitiateBucketWorm creates an InProgress retention policy of days on
// bucket and returns it. It is enforced at once; lock it with
// CompleteBucketWorm within WormLockWindow or it lapses. A bucket with a
// locked policy fails with ErrWormLocked, one with a policy in progress
// with ErrInvalidWorm (abort it first).
func (e *Engine) InitiateBucketWorm(ctx context.Context, bucket string, days int) (BucketWorm, error) {
	if err := checkWormDays(days); err != nil {
		return BucketWorm{}, err
	}
	var out BucketWorm
	err := e.updateWorm(ctx, bucket, func(w *BucketWorm) (*BucketWorm, error) {
		switch {
		case w != nil && w.State == WormLocked:
			return nil, fmt.Errorf("%w: %s", ErrWormLocked, bucket)
		case w != nil:
			return nil, fmt.Errorf("%w: %s already has a retention policy in progress (%s)", ErrInvalidWorm, bucket, w.ID)
		}
		var id [16]byte
		_, _ = rand.Read(id[:])
		out = BucketWorm{ID: hex.EncodeToString(id[:]), State: WormInProgress, RetentionDays: days, Created: e.now()}
		return &out, nil
	})
	return out, err
}

// AbortBucketWorm deletes bucket's InProgress policy: ErrNoSuchWorm when
// it has none, ErrWormLocked when it is locked.
func (e *Engine) AbortBucketWorm(ctx context.Context, bucket string) error {
	return e.updateWorm(ctx, bucket, func(w *BucketWorm) (*BucketWorm, error) {
		switch {
		case w == nil:
			return nil, fmt.Errorf("%w: %s", ErrNoSuchWorm, bucket)
		case w.State == WormLocked:
			return nil, fmt.Errorf("%w: %s", ErrWormLocked, bucket)
		}
		return nil, nil
	})
}

// CompleteBucketWorm locks bucket's policy id. Locking a locked policy
// again succeeds; an unknown id (or a lapsed policy) is ErrNoSuchWorm.
func (e *Engine) CompleteBucketWorm(ctx context.Context, bucket, id string) error {
	return e.updateWorm(ctx, bucket, func(w *BucketWorm) (*BucketWorm, error) {
		if w == nil || w.ID != id {
			return nil, fmt.Errorf("%w: %s of %s", ErrNoSuchWorm, id, bucket)
		}
		w.State = WormLocked
		return w, nil
	})
}

// ExtendBucketWorm lengthens the retention period of bucket's locked policy
// id to days. An unknown id is ErrNoSuchWorm; a policy still in progress,
// or days not longer than the current period, is ErrInvalidWorm.
func (e *Engine) ExtendBucketWorm(ctx context.Context, bucket, id string, days int) error {
	if err := checkWormDays(days); err != nil {
		return err
	}
	return e.updateWorm(ctx, bucket, func(w *BucketWorm) (*BucketWorm, error) {
		switch {
		case w == nil || w.ID != id:
			return nil, fmt.Errorf("%w: %s of %s", ErrNoSuchWorm, id, bucket)
		case w.State != WormLocked:
			return nil, fmt.Errorf("%w: only a locked retention policy can be extended", ErrInvalidWorm)
		case days <= w.RetentionDays:
			return nil, fmt.Errorf("%w: %d days is not longer than the current %d", ErrInvalidWorm, days, w.RetentionDays)
		}
		w.RetentionDays = days
		return w, nil
	})
}

// GetBucketWorm returns bucket's retention policy, or ErrNoSuchWorm (also
// for an InProgress policy that lapsed).
func (e *Engine) GetBucketWorm(ctx context.Context, bucket string) (BucketWorm, error) {
	if err := e.enter(ctx); err != nil {
		return BucketWorm{}, err
	}
	defer e.leave()
	if _, err := e.bucketRecord(e.db, bucket); err != nil {
		return BucketWorm{}, err
	}
	w, err := e.readWorm(bucket)
	if err != nil {
		return BucketWorm{}, err
	}
	if w == nil {
		return BucketWorm{}, fmt.Errorf("%w: %s", ErrNoSuchWorm, bucket)
	}
	return *w, nil
}

// isKeyError reports whether err concerns one key of a batch (reported
// per key) rather than the batch.
func isKeyError(err error) bool {
	return errors.Is(err, ErrObjectImmutable) || errors.Is(err, ErrObjectLocked) || errors.Is(err, ErrPreconditionFailed) || errors.Is(err, ErrNoSuchKey)
}
