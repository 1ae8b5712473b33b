package engine

import (
	"context"
	"errors"
	"testing"

	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/stretchr/testify/require"
)

// TestBucketConfigAbsentCached: asking for a configuration a bucket does
// not have is answered from the cache after the first miss (no store
// read, no allocation), and the cached absence ends with the first write
// or the bucket's deletion.
func TestBucketConfigAbsentCached(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "abs", BucketOptions{}))
	_, err := e.BucketConfigValue(ctx, "abs", bucketconfig.KindPolicy)
	require.ErrorIs(t, err, ErrNoSuchConfig)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := e.BucketConfigValue(ctx, "abs", bucketconfig.KindPolicy); err == nil {
			t.Fatal("found a policy")
		}
	})
	require.Zero(t, allocs, "a cached absence costs no allocation")
	require.NoError(t, e.SetBucketConfig(ctx, "abs", &bucketconfig.Policy{Language: "aws", Document: `{}`}))
	c, err := e.BucketConfigValue(ctx, "abs", bucketconfig.KindPolicy)
	require.NoError(t, err)
	require.Equal(t, `{}`, c.(*bucketconfig.Policy).Document)
	require.NoError(t, e.DeleteBucketConfig(ctx, "abs", string(bucketconfig.KindPolicy)))
	_, err = e.BucketConfigValue(ctx, "abs", bucketconfig.KindPolicy)
	require.ErrorIs(t, err, ErrNoSuchConfig)
	// A missing bucket is not cached as "no configuration".
	_, err = e.BucketConfigValue(ctx, "nobucket", bucketconfig.KindPolicy)
	require.ErrorIs(t, err, ErrNoSuchBucket)
	require.NoError(t, e.CreateBucket(ctx, "nobucket", BucketOptions{}))
	require.NoError(t, e.SetBucketConfig(ctx, "nobucket", &bucketconfig.Policy{Language: "oss", Document: `{}`}))
	_, err = e.BucketConfigValue(ctx, "nobucket", bucketconfig.KindPolicy)
	require.NoError(t, err)
}

// TestUpdateBucketConfig: a read-modify-write of one configuration kind
// sees the stored value, stores or removes what it returns (validated,
// the cache following), leaves everything as it was when it fails, and
// refuses a value of another kind and the kinds whose writes do more than
// store a document (but replication's, which it checks as
// PutBucketConfig does).
func TestUpdateBucketConfig(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "upd", BucketOptions{}))
	add := func(id string) func(cur bucketconfig.Config) (bucketconfig.Config, error) {
		return func(cur bucketconfig.Config) (bucketconfig.Config, error) {
			set, _ := cur.(*bucketconfig.Metrics)
			return set.With(bucketconfig.MetricsConfiguration{ID: id}), nil
		}
	}
	require.NoError(t, e.UpdateBucketConfig(ctx, "upd", bucketconfig.KindMetrics, 0, add("b")))
	require.NoError(t, e.UpdateBucketConfig(ctx, "upd", bucketconfig.KindMetrics, 0, add("a")))
	c, err := e.BucketConfigValue(ctx, "upd", bucketconfig.KindMetrics)
	require.NoError(t, err)
	require.Len(t, c.(*bucketconfig.Metrics).Configurations, 2)
	require.Equal(t, "a", c.(*bucketconfig.Metrics).Configurations[0].ID)

	boom := errors.New("boom")
	err = e.UpdateBucketConfig(ctx, "upd", bucketconfig.KindMetrics, 0, func(bucketconfig.Config) (bucketconfig.Config, error) { return nil, boom })
	require.ErrorIs(t, err, boom)
	err = e.UpdateBucketConfig(ctx, "upd", bucketconfig.KindMetrics, 0, add("not valid"))
	require.ErrorIs(t, err, ErrInvalidArgument)
	err = e.UpdateBucketConfig(ctx, "upd", bucketconfig.KindMetrics, 10, add("c"))
	require.ErrorIs(t, err, ErrEntityTooLarge)
	c, err = e.BucketConfigValue(ctx, "upd", bucketconfig.KindMetrics)
	require.NoError(t, err)
	require.Len(t, c.(*bucketconfig.Metrics).Configurations, 2, "failed updates change nothing")

	require.NoError(t, e.UpdateBucketConfig(ctx, "upd", bucketconfig.KindMetrics, 0, func(bucketconfig.Config) (bucketconfig.Config, error) { return nil, nil }))
	_, err = e.BucketConfigValue(ctx, "upd", bucketconfig.KindMetrics)
	require.ErrorIs(t, err, ErrNoSuchConfig)

	err = e.UpdateBucketConfig(ctx, "nobucket", bucketconfig.KindMetrics, 0, add("a"))
	require.ErrorIs(t, err, ErrNoSuchBucket)
	for _, k := range []bucketconfig.Kind{bucketconfig.KindVersioning, bucketconfig.KindObjectLock, bucketconfig.KindInventory} {
		err = e.UpdateBucketConfig(ctx, "upd", k, 0, add("a"))
		require.ErrorIs(t, err, ErrInvalidArgument, k)
	}
	// A value of another kind is refused.
	err = e.UpdateBucketConfig(ctx, "upd", bucketconfig.KindCORS, 0, add("a"))
	require.ErrorIs(t, err, ErrInvalidArgument)
	_, err = e.BucketConfigValue(ctx, "upd", bucketconfig.KindCORS)
	require.ErrorIs(t, err, ErrNoSuchConfig)

	// Replication rules are checked against the store as
	// PutBucketConfig checks them (OSS's rules are changed one at a
	// time), and go with their last rule.
	require.NoError(t, e.SetBucketConfig(ctx, "upd", &bucketconfig.Versioning{Status: "Enabled"}))
	require.NoError(t, e.CreateBucket(ctx, "upd-dst", BucketOptions{}))
	require.NoError(t, e.SetBucketConfig(ctx, "upd-dst", &bucketconfig.Versioning{Status: "Enabled"}))
	to := func(dest string) func(bucketconfig.Config) (bucketconfig.Config, error) {
		return func(bucketconfig.Config) (bucketconfig.Config, error) {
			return replicationConfig(dest, false), nil
		}
	}
	err = e.UpdateBucketConfig(ctx, "upd", bucketconfig.KindReplication, 0, to("gone"))
	require.ErrorIs(t, err, ErrNoSuchReplicationDestination)
	require.NoError(t, e.UpdateBucketConfig(ctx, "upd", bucketconfig.KindReplication, 0, to("upd-dst")))
	_, err = e.BucketConfigValue(ctx, "upd", bucketconfig.KindReplication)
	require.NoError(t, err)
	require.NoError(t, e.UpdateBucketConfig(ctx, "upd", bucketconfig.KindReplication, 0, func(bucketconfig.Config) (bucketconfig.Config, error) { return nil, nil }))
	_, err = e.BucketConfigValue(ctx, "upd", bucketconfig.KindReplication)
	require.ErrorIs(t, err, ErrNoSuchConfig)
}
