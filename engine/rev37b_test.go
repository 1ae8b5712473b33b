package engine

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/stretchr/testify/require"
)

// TestRev37bTieringEventNamesNullVersion: the IntelligentTiering event,
// one of S3's own as restores and lifecycle are, names a null version
// as they do (eventVersionID): "null" in a bucket with versioning
// (enabled or suspended), none in a bucket that never had it. It took
// the version ID from ListObjectVersions, which names every null version
// "null", also in a bucket that never had versioning.
func TestRev37bTieringEventNamesNullVersion(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	delivered := newDeliveryLog(opts, "arn:rev37b", func(ev Event) string {
		return ev.S3.Bucket.Name + " " + keyAtVersion(ev)
	})
	e := openTest(t, opts)
	body := bytes.Repeat([]byte("t"), bucketconfig.MinTieringSize)
	put := func(bucket, key string) ObjectInfo {
		info, err := e.PutObject(ctx, bucket, key, bytes.NewReader(body), int64(len(body)), PutOptions{StorageClass: IntelligentTieringClass})
		require.NoError(t, err)
		return info
	}
	for _, b := range []string{"tv-plain", "tv-suspended", "tv-enabled"} {
		require.NoError(t, e.CreateBucket(ctx, b, BucketOptions{}))
		require.NoError(t, e.SetBucketConfig(ctx, b, &bucketconfig.IntelligentTiering{Configurations: []bucketconfig.TieringConfiguration{
			{ID: "cold", Enabled: true, Tierings: []bucketconfig.Tiering{{AccessTier: bucketconfig.ArchiveAccess, Days: 90}}}}}))
		require.NoError(t, e.SetBucketConfig(ctx, b, &bucketconfig.Notification{Configs: []bucketconfig.NotificationConfig{
			{ID: "tier", Type: "Queue", ARN: "arn:rev37b", Events: []string{"s3:IntelligentTiering"}}}}))
	}
	put("tv-plain", "k")
	setVersioning(t, e, "tv-suspended", "Enabled")
	setVersioning(t, e, "tv-suspended", "Suspended")
	put("tv-suspended", "k")
	put("tv-enabled", "k") // the null version, before versioning
	setVersioning(t, e, "tv-enabled", "Enabled")
	real := put("tv-enabled", "real")
	clk.Advance(91 * e.opts.LifecycleDay)
	_, err := e.RunPending(ctx)
	require.NoError(t, err)
	want := []string{"tv-plain k@", "tv-suspended k@null", "tv-enabled k@null", "tv-enabled real@" + real.VersionID}
	require.Eventually(t, func() bool { return len(delivered.of("tier")) >= len(want) }, 5*time.Second, 10*time.Millisecond)
	require.ElementsMatch(t, want, delivered.of("tier"))
}
