package engine

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/cockroachdb/pebble/v2"
)

// BucketOptions are the inputs of CreateBucket. The zero value creates a
// private bucket of the default storage class.
type BucketOptions struct {
	Region       string // region the bucket is in; "" is the caller's default
	StorageClass string // default storage class of new objects
	ACL          ACL
	Owner        string // principal creating the bucket
	// Redundancy is how the bucket's data is replicated, as the wire
	// protocol names it (OSS DataRedundancyType: LRS, ZRS); "" is the
	// service's default. The engine stores it and does not interpret it.
	Redundancy string
	// Constraint is the location constraint as the client named it where
	// that differs from Region (S3's legacy "EU" for eu-west-1); "" when
	// Region says it. The engine stores it and does not interpret it.
	Constraint string
	// ObjectLock creates the bucket with S3 Object Lock, and so with
	// versioning enabled for good. Default false.
	ObjectLock bool
	// MaxPerOwner, when positive, refuses the bucket with
	// ErrTooManyBuckets when Owner holds that many already, decided in
	// the creation's own atomic step (each owner's count is kept by the
	// engine once asked for: O(1) a creation). Default 0: no cap.
	MaxPerOwner int
}

// CreateBucket creates a bucket. It fails with ErrInvalidBucketName,
// ErrBucketAlreadyOwnedByYou when opts.Owner already owns it,
// ErrBucketAlreadyExists when someone else does, or ErrTooManyBuckets
// (see BucketOptions.MaxPerOwner).
func (e *Engine) CreateBucket(ctx context.Context, name string, opts BucketOptions) error {
	if err := e.enter(ctx); err != nil {
		return err
	}
	defer e.leave()
	if err := ValidateBucketName(name); err != nil {
		return err
	}
	// A new bucket starts with no cached configuration (or absence).
	defer e.configs.forget(name, "")
	return e.applyCtx(ctx, func(m *mutation) error {
		if v, ok, err := get(e.db, bucketKey(name)); err != nil {
			return err
		} else if ok {
			rec, err := decodeBucket(v)
			if err != nil {
				return err
			}
			if rec.owner == opts.Owner {
				return fmt.Errorf("%w: %s", ErrBucketAlreadyOwnedByYou, name)
			}
			return fmt.Errorf("%w: %s", ErrBucketAlreadyExists, name)
		}
		if opts.MaxPerOwner > 0 {
			if n, err := e.ownerBucketsLocked(ctx, opts.Owner); err != nil {
				return err
			} else if n >= opts.MaxPerOwner {
				return fmt.Errorf("%w: %s holds %d", ErrTooManyBuckets, opts.Owner, n)
			}
		}
		rec := bucketRecord{created: e.now(), region: opts.Region, storageClass: opts.StorageClass, acl: opts.ACL, owner: opts.Owner, redundancy: opts.Redundancy,
			constraint: opts.Constraint, id: rand.Uint64() | 1}
		e.forgetVersioning(name)
		if opts.ObjectLock {
			if err := enableObjectLock(m, name, &rec); err != nil {
				return err
			}
		}
		return m.setBucket(name, &rec)
	})
}

// DeleteBucketOptions are the inputs of DeleteBucket. The zero value
// refuses to delete a bucket that holds objects or uploads.
type DeleteBucketOptions struct {
	// AbortUploads aborts the bucket's unfinished multipart uploads, in
	// the same batch, and frees their parts, so that only objects keep
	// the bucket (S3). Default false: uploads keep it too (OSS).
	AbortUploads bool
}

// DeleteBucket removes an empty bucket. It fails with ErrBucketNotEmpty while
// objects remain, or multipart uploads unless opts.AbortUploads, and with
// ErrNoSuchBucket when it is absent.
func (e *Engine) DeleteBucket(ctx context.Context, name string, opts DeleteBucketOptions) error {
	if err := e.enter(ctx); err != nil {
		return err
	}
	defer e.leave()
	defer e.configs.forget(name, "") // after the commit
	return e.applyCtx(ctx, func(m *mutation) error {
		b, err := e.bucketRecord(e.db, name)
		if err != nil {
			return err
		}
		e.forgetVersioning(name)
		empty, err := e.emptyRange(objectPrefix(name))
		if err == nil && empty {
			// Noncurrent versions and delete markers keep it too.
			empty, err = e.emptyRange(versionPrefix(name))
		}
		if err != nil {
			return err
		}
		if empty && opts.AbortUploads {
			err = e.dropUploads(m, name)
		} else if empty {
			empty, err = e.emptyRange(uploadPrefix(name))
		}
		if err != nil {
			return err
		}
		if !empty && b.versioning != VersioningOff {
			return fmt.Errorf("%w: %s", ErrBucketHasVersions, name)
		}
		if !empty {
			return fmt.Errorf("%w: %s", ErrBucketNotEmpty, name)
		}
		if empty, err = e.emptyRange(livePrefix(name)); err != nil {
			return err
		} else if !empty {
			return fmt.Errorf("%w: %s", ErrBucketHasLiveChannels, name)
		}
		// Configuration documents, replication scan cursors and pending
		// items, completed-upload records and annotations go with the
		// bucket (and the null version index, empty with V/). An item
		// left behind names the bucket, not this incarnation of it: its
		// delivery would copy the object at its key in a bucket created
		// again under the name (an unversioned item names no version),
		// another account's, to this owner's destination, and its
		// threshold's event reach that account. Their RT/ records drop,
		// without an event, when due (replicationThresholds). So do the
		// keys' scheduled deletions (Sina's x-sina-expire): their F/
		// pointers go, and their E/ entries drop, deleting nothing, when
		// due (runScheduledDeletions).
		for _, p := range [][]byte{configPrefix(name), scanPrefix(name), replPrefix(name), completedPrefix(name), annotationPrefix(name), objAnnotationBucketPrefix(name), objPayloadBucketPrefix(name), nullVersionPrefix(name), expiryOfKey(name, "")} {
			if err := m.b.DeleteRange(p, prefixEnd(p), nil); err != nil {
				return err
			}
		}
		return m.deleteBucket(name)
	})
}

// dropUploads aborts every upload of bucket within m.
func (e *Engine) dropUploads(m *mutation, bucket string) error {
	base := uploadPrefix(bucket)
	it, err := e.db.NewIter(&pebble.IterOptions{LowerBound: base, UpperBound: prefixEnd(base)})
	if err != nil {
		return err
	}
	type upload struct{ key, id string }
	var all []upload
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()[len(base):]
		if len(k) < uploadIDLen+1 {
			it.Close()
			return fmt.Errorf("%w: upload key %q", ErrCorrupt, k)
		}
		all = append(all, upload{string(k[:len(k)-uploadIDLen-1]), string(k[len(k)-uploadIDLen:])})
	}
	if err := it.Close(); err != nil {
		return err
	}
	for _, u := range all {
		if err := e.dropUpload(m, bucket, u.key, u.id); err != nil {
			return err
		}
	}
	return nil
}

func (e *Engine) emptyRange(prefix []byte) (bool, error) {
	it, err := e.db.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: prefixEnd(prefix)})
	if err != nil {
		return false, err
	}
	has := it.First()
	if err := it.Close(); err != nil {
		return false, err
	}
	return !has, nil
}

// Bucket returns a bucket's info, or ErrNoSuchBucket.
func (e *Engine) Bucket(ctx context.Context, name string) (BucketInfo, error) {
	if err := e.enter(ctx); err != nil {
		return BucketInfo{}, err
	}
	defer e.leave()
	rec, err := e.cachedBucket(name)
	if err != nil {
		return BucketInfo{}, err
	}
	info := rec.info(name)
	info.ACL.Grants = slices.Clone(info.ACL.Grants) // the cache's stays intact
	return info, nil
}

func (r bucketRecord) info(name string) BucketInfo {
	return BucketInfo{Name: name, Created: r.created, Region: r.region, StorageClass: r.storageClass, ACL: r.acl, Owner: r.owner, Redundancy: r.redundancy, ID: r.id,
		Constraint: r.constraint, Versioning: r.versioning, ObjectLock: r.lock != nil}
}

// ListBuckets returns every bucket, ordered by name.
func (e *Engine) ListBuckets(ctx context.Context) ([]BucketInfo, error) {
	if err := e.enter(ctx); err != nil {
		return nil, err
	}
	defer e.leave()
	it, err := e.db.NewIter(&pebble.IterOptions{LowerBound: []byte(prefixBucket), UpperBound: prefixEnd([]byte(prefixBucket))})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []BucketInfo
	for ok := it.First(); ok; ok = it.Next() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		v, err := it.ValueAndErr()
		if err != nil {
			return nil, err
		}
		rec, err := decodeBucket(v)
		if err != nil {
			return nil, err
		}
		out = append(out, rec.info(string(it.Key()[len(prefixBucket):])))
	}
	return out, it.Error()
}

// SetBucketACL replaces a bucket's ACL.
func (e *Engine) SetBucketACL(ctx context.Context, name string, acl ACL) error {
	return e.updateBucket(ctx, name, func(rec *bucketRecord) { rec.acl = acl })
}

// updateBucket changes the bucket's record in one mutation.
func (e *Engine) updateBucket(ctx context.Context, name string, change func(*bucketRecord)) error {
	if err := e.enter(ctx); err != nil {
		return err
	}
	defer e.leave()
	return e.applyCtx(ctx, func(m *mutation) error {
		rec, err := e.bucketRecord(e.db, name)
		if err != nil {
			return err
		}
		change(&rec)
		return m.setBucket(name, &rec)
	})
}

// SetBucketRedundancy changes how the bucket's data is said to be
// replicated (BucketOptions.Redundancy). osslite keeps one copy either
// way, so the change takes effect at once.
func (e *Engine) SetBucketRedundancy(ctx context.Context, name, redundancy string) error {
	return e.updateBucket(ctx, name, func(rec *bucketRecord) { rec.redundancy = redundancy })
}
