package engine

import (
	"context"
	"fmt"

	"github.com/cockroachdb/pebble/v2"
)

// BucketOptions are the inputs of CreateBucket. The zero value creates a
// private bucket of the default storage class.
type BucketOptions struct {
	Region       string // location constraint; "" is the caller's default
	StorageClass string // default storage class of new objects
	ACL          ACL
	Owner        string // principal creating the bucket
}

// CreateBucket creates a bucket. It fails with ErrInvalidBucketName,
// ErrBucketAlreadyOwnedByYou when opts.Owner already owns it, or
// ErrBucketAlreadyExists when someone else does.
func (e *Engine) CreateBucket(ctx context.Context, name string, opts BucketOptions) error {
	if err := e.check(ctx); err != nil {
		return err
	}
	if err := ValidateBucketName(name); err != nil {
		return err
	}
	return e.apply(func(m *mutation) error {
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
		rec := bucketRecord{created: e.now(), region: opts.Region, storageClass: opts.StorageClass, acl: opts.ACL, owner: opts.Owner}
		return m.b.Set(bucketKey(name), rec.encode(), nil)
	})
}

// DeleteBucket removes an empty bucket. It fails with ErrBucketNotEmpty while
// objects or multipart uploads remain, ErrNoSuchBucket when it is absent.
func (e *Engine) DeleteBucket(ctx context.Context, name string) error {
	if err := e.check(ctx); err != nil {
		return err
	}
	defer e.configs.forget(name, "") // after the commit
	return e.apply(func(m *mutation) error {
		if _, err := e.bucketRecord(e.db, name); err != nil {
			return err
		}
		for _, p := range bucketScopedPrefixes(name) {
			empty, err := e.emptyRange(p)
			if err != nil {
				return err
			}
			if !empty {
				return fmt.Errorf("%w: %s", ErrBucketNotEmpty, name)
			}
		}
		// Configuration documents go with the bucket.
		if err := m.b.DeleteRange(configPrefix(name), prefixEnd(configPrefix(name)), nil); err != nil {
			return err
		}
		return m.b.Delete(bucketKey(name), nil)
	})
}

// bucketScopedPrefixes lists the key prefixes whose presence keeps a bucket
// from being deleted.
func bucketScopedPrefixes(bucket string) [][]byte {
	return [][]byte{objectPrefix(bucket), uploadPrefix(bucket)}
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
	if err := e.check(ctx); err != nil {
		return BucketInfo{}, err
	}
	rec, err := e.bucketRecord(e.db, name)
	if err != nil {
		return BucketInfo{}, err
	}
	return rec.info(name), nil
}

func (r bucketRecord) info(name string) BucketInfo {
	return BucketInfo{Name: name, Created: r.created, Region: r.region, StorageClass: r.storageClass, ACL: r.acl, Owner: r.owner}
}

// ListBuckets returns every bucket, ordered by name.
func (e *Engine) ListBuckets(ctx context.Context) ([]BucketInfo, error) {
	if err := e.check(ctx); err != nil {
		return nil, err
	}
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
	if err := e.check(ctx); err != nil {
		return err
	}
	return e.apply(func(m *mutation) error {
		rec, err := e.bucketRecord(e.db, name)
		if err != nil {
			return err
		}
		rec.acl = acl
		return m.b.Set(bucketKey(name), rec.encode(), nil)
	})
}
