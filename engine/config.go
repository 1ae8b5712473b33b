package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// Bucket configuration kinds: the storage names of bucketconfig's kinds.
const (
	ConfigPolicy       = string(bucketconfig.KindPolicy)
	ConfigCORS         = string(bucketconfig.KindCORS)
	ConfigWebsite      = string(bucketconfig.KindWebsite)
	ConfigLifecycle    = string(bucketconfig.KindLifecycle)
	ConfigLogging      = string(bucketconfig.KindLogging)
	ConfigReferer      = string(bucketconfig.KindReferer)
	ConfigReplication  = string(bucketconfig.KindReplication)
	ConfigNotification = string(bucketconfig.KindNotification)
	ConfigTagging      = string(bucketconfig.KindTagging)
	ConfigEncryption   = string(bucketconfig.KindEncryption)
	ConfigVersioning   = string(bucketconfig.KindVersioning)
	ConfigObjectLock   = string(bucketconfig.KindObjectLock)
	ConfigInventory    = string(bucketconfig.KindInventory)
)

// MaxConfigSize bounds one configuration document.
const MaxConfigSize = bucketconfig.MaxDocument

const prefixConfig = "C/"

func configPrefix(bucket string) []byte {
	return append(append([]byte(prefixConfig), bucket...), '/')
}

func configKey(bucket, kind string) []byte {
	return append(configPrefix(bucket), kind...)
}

func checkKind(kind string) error {
	if !bucketconfig.Known(bucketconfig.Kind(kind)) {
		return fmt.Errorf("%w: unknown configuration kind %q", ErrInvalidArgument, kind)
	}
	return nil
}

// PutBucketConfig stores the document of one configuration kind,
// replacing the previous one.
func (e *Engine) PutBucketConfig(ctx context.Context, bucket, kind string, doc []byte) error {
	if err := e.enter(ctx); err != nil {
		return err
	}
	defer e.leave()
	if err := checkKind(kind); err != nil {
		return err
	}
	if len(doc) > MaxConfigSize {
		return fmt.Errorf("%w: %s document of %d bytes", ErrEntityTooLarge, kind, len(doc))
	}
	defer e.configs.forget(bucket, kind)
	return e.applyCtx(ctx, func(m *mutation) error {
		if kind == ConfigVersioning {
			if err := e.checkVersioningChange(bucket, doc); err != nil {
				return err
			}
			return e.putVersioningConfig(m, bucket, doc)
		}
		if kind == ConfigObjectLock {
			return e.putObjectLockConfig(m, bucket, doc)
		}
		if kind == ConfigReplication {
			if err := e.checkReplicationConfig(bucket, doc); err != nil {
				return err
			}
			if err := e.syncScanCursors(m, bucket, doc); err != nil {
				return err
			}
		}
		if _, err := e.bucketRecord(e.db, bucket); err != nil {
			return err
		}
		return m.b.Set(configKey(bucket, kind), doc, nil)
	})
}

// BucketConfig returns the document of one configuration kind, or
// ErrNoSuchConfig.
func (e *Engine) BucketConfig(ctx context.Context, bucket, kind string) ([]byte, error) {
	if err := e.enter(ctx); err != nil {
		return nil, err
	}
	defer e.leave()
	if err := checkKind(kind); err != nil {
		return nil, err
	}
	snap := e.db.NewSnapshot()
	defer snap.Close()
	if _, err := e.bucketRecord(snap, bucket); err != nil {
		return nil, err
	}
	v, ok, err := get(snap, configKey(bucket, kind))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w: %s of %s", ErrNoSuchConfig, kind, bucket)
	}
	return v, nil
}

// DeleteBucketConfig removes one configuration kind. Removing an absent one
// succeeds.
func (e *Engine) DeleteBucketConfig(ctx context.Context, bucket, kind string) error {
	if err := e.enter(ctx); err != nil {
		return err
	}
	defer e.leave()
	if err := checkKind(kind); err != nil {
		return err
	}
	if kind == ConfigVersioning {
		return fmt.Errorf("%w: versioning can be suspended, not removed", ErrInvalidArgument)
	}
	if kind == ConfigObjectLock {
		return fmt.Errorf("%w: object lock cannot be removed", ErrInvalidBucketState)
	}
	defer e.configs.forget(bucket, kind)
	return e.applyCtx(ctx, func(m *mutation) error {
		if _, err := e.bucketRecord(e.db, bucket); err != nil {
			return err
		}
		if kind == ConfigReplication {
			if err := dropScanCursors(m, bucket); err != nil {
				return err
			}
		}
		return m.b.Delete(configKey(bucket, kind), nil)
	})
}

// SetBucketConfig validates c and stores its canonical form as the
// bucket's configuration of c's kind.
func (e *Engine) SetBucketConfig(ctx context.Context, bucket string, c bucketconfig.Config) error {
	doc, err := bucketconfig.Encode(c)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidArgument, err)
	}
	return e.PutBucketConfig(ctx, bucket, string(c.Kind()), doc)
}

// UpdateBucketConfig changes the bucket's configuration of one kind
// atomically: update gets the stored value (nil when there is none; it must
// not modify it) and returns the new one, or nil to remove the
// configuration. Its error is returned as is and nothing changes. The new
// value is validated and may encode to at most limit bytes (0:
// MaxConfigSize), else ErrEntityTooLarge. For the kinds a bucket holds
// several of (request metrics, OSS's replication rules), changed one at
// a time. A replication configuration is checked and its historical
// scans follow it as in PutBucketConfig and DeleteBucketConfig.
func (e *Engine) UpdateBucketConfig(ctx context.Context, bucket string, kind bucketconfig.Kind, limit int, update func(cur bucketconfig.Config) (bucketconfig.Config, error)) error {
	if err := e.enter(ctx); err != nil {
		return err
	}
	defer e.leave()
	switch string(kind) {
	case ConfigVersioning, ConfigObjectLock, ConfigInventory, string(bucketconfig.KindAnalytics):
		// Their writes do more than store a document.
		return fmt.Errorf("%w: %s is not updated through UpdateBucketConfig", ErrInvalidArgument, kind)
	}
	if err := checkKind(string(kind)); err != nil {
		return err
	}
	if limit <= 0 {
		limit = MaxConfigSize
	}
	defer e.configs.forget(bucket, string(kind))
	return e.applyCtx(ctx, func(m *mutation) error {
		if _, err := e.bucketRecord(e.db, bucket); err != nil {
			return err
		}
		key := configKey(bucket, string(kind))
		v, ok, err := get(e.db, key)
		if err != nil {
			return err
		}
		var cur bucketconfig.Config
		if ok {
			if cur, err = bucketconfig.Decode(kind, v); err != nil {
				return fmt.Errorf("%w: stored %s of %s: %w", ErrCorrupt, kind, bucket, err)
			}
		}
		next, err := update(cur)
		if err != nil {
			return err
		}
		if next != nil && next.Kind() != kind {
			return fmt.Errorf("%w: a %s configuration stored as %s", ErrInvalidArgument, next.Kind(), kind)
		}
		repl := string(kind) == ConfigReplication
		if next == nil {
			if repl {
				if err := dropScanCursors(m, bucket); err != nil {
					return err
				}
			}
			return m.b.Delete(key, nil)
		}
		doc, err := bucketconfig.Encode(next)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidArgument, err)
		}
		if len(doc) > limit {
			return fmt.Errorf("%w: %s configuration of %d bytes", ErrEntityTooLarge, kind, len(doc))
		}
		if repl {
			if err := e.checkReplicationConfig(bucket, doc); err != nil {
				return err
			}
			if err := e.syncScanCursors(m, bucket, doc); err != nil {
				return err
			}
		}
		return m.b.Set(key, doc, nil)
	})
}

// BucketConfigValue returns the parsed configuration of one kind, or
// ErrNoSuchConfig. Values, and their absence, are cached until the
// configuration (or the bucket) changes, so features that look up a
// configuration on every request (CORS, policies, lifecycle headers) pay
// a map lookup; callers must not modify the values.
func (e *Engine) BucketConfigValue(ctx context.Context, bucket string, kind bucketconfig.Kind) (bucketconfig.Config, error) {
	c, gen, ok := e.configs.get(bucket, string(kind))
	if ok {
		if c == nil {
			return nil, ErrNoSuchConfig // unwrapped: the hot path allocates nothing
		}
		return c, nil
	}
	doc, err := e.BucketConfig(ctx, bucket, string(kind))
	if errors.Is(err, ErrNoSuchConfig) {
		e.configs.put(bucket, string(kind), nil, gen)
	}
	if err != nil {
		return nil, err
	}
	if c, err = bucketconfig.Decode(kind, doc); err != nil {
		return nil, fmt.Errorf("%w: stored %s of %s: %w", ErrCorrupt, kind, bucket, err)
	}
	e.configs.put(bucket, string(kind), c, gen)
	return c, nil
}

// configCache holds decoded configurations (nil: known to be absent). A
// reader that misses notes the generation before reading the store and
// caches what it read only if no write came in between, so a stale value
// is never cached.
type configCache struct {
	mu  sync.Mutex
	gen uint64
	m   map[configCacheKey]bucketconfig.Config
}

// configCacheKey is the cache's key: a struct, so a lookup allocates
// nothing (PutObject asks for the bucket's default encryption).
type configCacheKey struct{ bucket, kind string }

func (c *configCache) get(bucket, kind string) (bucketconfig.Config, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[configCacheKey{bucket, kind}]
	return v, c.gen, ok
}

func (c *configCache) put(bucket, kind string, v bucketconfig.Config, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.m == nil {
		c.m = map[configCacheKey]bucketconfig.Config{}
	}
	c.m[configCacheKey{bucket, kind}] = v
}

// forget drops a cached value (kind "" drops the whole bucket's) and
// starts a new generation. It runs after the write commits.
func (c *configCache) forget(bucket, kind string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if kind != "" {
		delete(c.m, configCacheKey{bucket, kind})
		return
	}
	for k := range c.m {
		if k.bucket == bucket {
			delete(c.m, k)
		}
	}
}
