package engine

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/stretchr/testify/require"
)

// TestLcev35EventVersions: each event carries the eventVersion S3's
// "Event message structure" gives its type: 2.2 for replication events,
// 2.3 for S3 Lifecycle, S3 Intelligent-Tiering, object ACL and object
// tagging events, 2.1 for the others. Before, the lifecycle,
// Intelligent-Tiering and replication events were 2.1.
func TestLcev35EventVersions(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	opts.RestoreDelay = time.Minute
	e := openTest(t, opts)
	versions := map[string]string{} // event name -> eventVersion
	cancel := e.Subscribe("", func(ev Event) {
		if v, ok := versions[ev.EventName]; ok && v != ev.EventVersion {
			versions[ev.EventName] = "mixed " + v + " " + ev.EventVersion
			return
		}
		versions[ev.EventName] = ev.EventVersion
	})
	defer cancel()
	facts := func(name, bucket string) context.Context {
		return WithEvent(ctx, &EventFacts{Name: name, Bucket: bucket, Region: "us-east-1"})
	}

	// Writes, tagging, a delete marker, a restore.
	versionedBuckets(t, e, "src", "dst")
	// S3 RTC: the pass below runs long after the threshold (thirty-sixth
	// session: S3 sends no event for a replication made in time).
	require.NoError(t, e.SetBucketConfig(ctx, "src", repl36Config("dst", true, true)))
	info, err := e.PutObject(facts("ObjectCreated:Put", "src"), "src", "docs/a", strings.NewReader("a"), 1, PutOptions{})
	require.NoError(t, err)
	tags := []Tag{{Key: "k", Value: "v"}}
	_, err = e.UpdateObject(facts("ObjectTagging:Put", "src"), "src", "docs/a", ObjectUpdate{Tags: &tags, VersionID: info.VersionID})
	require.NoError(t, err)
	_, err = e.DeleteObjectVersion(facts("ObjectRemoved:Delete", "src"), "src", "gone", DeleteOptions{})
	require.NoError(t, err)
	require.NoError(t, e.CreateBucket(ctx, "cold", BucketOptions{}))
	_, err = e.PutObject(ctx, "cold", "a", strings.NewReader("x"), 1, PutOptions{StorageClass: "Archive"})
	require.NoError(t, err)
	started, err := e.RestoreObject(ctx, "cold", "a", 1)
	require.NoError(t, err)
	require.True(t, started)

	// Lifecycle expiration and Intelligent-Tiering, by the engine.
	require.NoError(t, e.CreateBucket(ctx, "life", BucketOptions{}))
	require.NoError(t, e.SetBucketConfig(ctx, "life", &bucketconfig.Lifecycle{Rules: []bucketconfig.LifecycleRule{
		{ID: "exp", Enabled: true, Filter: bucketconfig.LifecycleFilter{Prefix: "exp/"}, Expiration: &bucketconfig.LifecycleExpiration{Days: 1}}}}))
	require.NoError(t, e.SetBucketConfig(ctx, "life", &bucketconfig.IntelligentTiering{Configurations: []bucketconfig.TieringConfiguration{
		{ID: "cold", Enabled: true, Tierings: []bucketconfig.Tiering{{AccessTier: bucketconfig.ArchiveAccess, Days: 90}}}}}))
	putString(t, e, "life", "exp/a", "a")
	body := bytes.Repeat([]byte("t"), bucketconfig.MinTieringSize)
	_, err = e.PutObject(ctx, "life", "tier", bytes.NewReader(body), int64(len(body)), PutOptions{StorageClass: IntelligentTieringClass})
	require.NoError(t, err)

	clk.Advance(91 * e.opts.LifecycleDay)
	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, st.Expired)
	require.Equal(t, 1, st.Archived)
	require.NotZero(t, st.Replication.Replicated)
	require.Equal(t, map[string]string{
		"ObjectCreated:Put":                             "2.1",
		"ObjectRemoved:DeleteMarkerCreated":             "2.1",
		"ObjectRestore:Completed":                       "2.1",
		"ObjectRestore:Delete":                          "2.3", // the restored copy expired (thirty-fifth session, evt35b)
		"ObjectTagging:Put":                             "2.3",
		"LifecycleExpiration:Delete":                    "2.3",
		"IntelligentTiering":                            "2.3",
		"Replication:OperationMissedThreshold":          "2.2",
		"Replication:OperationReplicatedAfterThreshold": "2.2",
	}, versions)
}
