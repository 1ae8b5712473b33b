package engine

import (
	"context"
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
