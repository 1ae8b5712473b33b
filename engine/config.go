package engine

import (
	"context"
	"fmt"
	"slices"
)

// Bucket configuration kinds. The engine stores each as an opaque document
// (httpapi parses, validates and enforces them).
const (
	ConfigPolicy       = "policy"
	ConfigCORS         = "cors"
	ConfigWebsite      = "website"
	ConfigLifecycle    = "lifecycle"
	ConfigLogging      = "logging"
	ConfigReferer      = "referer"
	ConfigReplication  = "replication"
	ConfigNotification = "notification"
	ConfigTagging      = "tagging"
	ConfigEncryption   = "encryption"
	ConfigVersioning   = "versioning"
)

// ConfigKinds lists every configuration kind.
var ConfigKinds = []string{ConfigPolicy, ConfigCORS, ConfigWebsite, ConfigLifecycle, ConfigLogging, ConfigReferer,
	ConfigReplication, ConfigNotification, ConfigTagging, ConfigEncryption, ConfigVersioning}

// MaxConfigSize bounds one configuration document (S3 bucket policies are at
// most 20 KiB; the other documents are smaller).
const MaxConfigSize = 1 << 20

const prefixConfig = "C/"

func configPrefix(bucket string) []byte {
	return append(append([]byte(prefixConfig), bucket...), '/')
}

func configKey(bucket, kind string) []byte {
	return append(configPrefix(bucket), kind...)
}

func checkKind(kind string) error {
	if !slices.Contains(ConfigKinds, kind) {
		return fmt.Errorf("%w: unknown configuration kind %q", ErrInvalidArgument, kind)
	}
	return nil
}

// PutBucketConfig stores the document of one configuration kind,
// replacing the previous one.
func (e *Engine) PutBucketConfig(ctx context.Context, bucket, kind string, doc []byte) error {
	if err := e.check(ctx); err != nil {
		return err
	}
	if err := checkKind(kind); err != nil {
		return err
	}
	if len(doc) > MaxConfigSize {
		return fmt.Errorf("%w: %s document of %d bytes", ErrEntityTooLarge, kind, len(doc))
	}
	return e.apply(func(m *mutation) error {
		if _, err := e.bucketRecord(e.db, bucket); err != nil {
			return err
		}
		return m.b.Set(configKey(bucket, kind), doc, nil)
	})
}

// BucketConfig returns the document of one configuration kind, or
// ErrNoSuchConfig.
func (e *Engine) BucketConfig(ctx context.Context, bucket, kind string) ([]byte, error) {
	if err := e.check(ctx); err != nil {
		return nil, err
	}
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
	if err := e.check(ctx); err != nil {
		return err
	}
	if err := checkKind(kind); err != nil {
		return err
	}
	return e.apply(func(m *mutation) error {
		if _, err := e.bucketRecord(e.db, bucket); err != nil {
			return err
		}
		return m.b.Delete(configKey(bucket, kind), nil)
	})
}
