package engine

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// rev37Engine is an engine whose remote target "remote" is down and
// whose failed deliveries wait an hour, past the 15-minute S3 RTC
// threshold of repl36Config.
func rev37Engine(t *testing.T) (*Engine, *fakeClock, *flakyTarget) {
	clk := newFakeClock()
	target := &flakyTarget{down: true, bodies: map[string][]byte{}}
	opts := testOptions()
	opts.Clock, opts.CompactInterval = clk, -1
	opts.Replication = ReplicationOptions{Targets: map[string]ReplicationTarget{"arn:aws:s3:::remote": target},
		Attempts: 1000, Backoff: time.Hour, MaxBackoff: time.Hour}
	return openTest(t, opts), clk, target
}

// TestRev37DeletedBucketsItemsGoWithIt: a bucket deleted while a
// replication item of it is pending (its version deleted, the delivery
// waiting out a backoff) takes the item with it. Before, the item
// outlived the bucket, and another account that created a bucket of the
// same name got, at the old item's S3 RTC threshold, an
// OperationMissedThreshold event naming the old bucket's key, version,
// rule and destination (the item was read under the new bucket's name,
// and the event made with its owner and notification configuration).
func TestRev37DeletedBucketsItemsGoWithIt(t *testing.T) {
	ctx := context.Background()
	e, clk, _ := rev37Engine(t)
	var got repl36Events
	got.subscribe(t, e)
	require.NoError(t, e.CreateBucket(ctx, "src", BucketOptions{Owner: "alice"}))
	require.NoError(t, e.SetBucketConfig(ctx, "src", &bucketconfig.Versioning{Status: "Enabled"}))
	require.NoError(t, e.SetBucketConfig(ctx, "src", repl36Config("remote", false, true)))
	v := putString(t, e, "src", "docs/alice-private", "alice")
	repl36Pass(t, e) // the target is down: retried in an hour
	_, err := e.DeleteObjectVersion(ctx, "src", "docs/alice-private", DeleteOptions{VersionID: v.VersionID})
	require.NoError(t, err)
	require.NoError(t, e.DeleteBucket(ctx, "src", DeleteBucketOptions{}))
	n, err := e.ReplicationBacklog(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "the deleted bucket's items go with it")

	require.NoError(t, e.CreateBucket(ctx, "src", BucketOptions{Owner: "bob"}))
	clk.Advance(16 * time.Minute)
	repl36Pass(t, e)
	require.Empty(t, repl36Names(got.take()), "no event of alice's bucket reaches bob's")
	require.Zero(t, repl36Thresholds(t, e), "the threshold record is dropped at its time")
}

// TestRev37RecreatedUnversionedBucketReplicatesNothing: in an unversioned
// bucket (OSS's replication) an item names the key, not a version, and
// its delivery copies whatever object the key holds then. Before, an
// item of a deleted bucket (a write whose delivery was waiting out a
// backoff, its key then deleted under a rule that replicates no
// deletes) was still delivered once another account had created a
// bucket of the same name and written that key: the new owner's object
// was written to the old owner's remote destination.
func TestRev37RecreatedUnversionedBucketReplicatesNothing(t *testing.T) {
	ctx := context.Background()
	e, clk, target := rev37Engine(t)
	require.NoError(t, e.CreateBucket(ctx, "osrc", BucketOptions{Owner: "alice"}))
	require.NoError(t, e.SetBucketConfig(ctx, "osrc", replicationConfig("remote", false)))
	putString(t, e, "osrc", "docs/k", "alice")
	repl36Pass(t, e) // the target is down: retried in an hour
	require.NoError(t, e.DeleteObject(ctx, "osrc", "docs/k", DeleteOptions{}))
	require.NoError(t, e.DeleteBucket(ctx, "osrc", DeleteBucketOptions{}))

	require.NoError(t, e.CreateBucket(ctx, "osrc", BucketOptions{Owner: "bob"}))
	putString(t, e, "osrc", "docs/k", "bob's private data")
	target.mu.Lock()
	target.down = false
	target.mu.Unlock()
	clk.Advance(2 * time.Hour)
	st := repl36Pass(t, e)
	require.Zero(t, st.Replicated)
	target.mu.Lock()
	defer target.mu.Unlock()
	for k, b := range target.bodies {
		require.False(t, strings.Contains(string(b), "bob"), "bob's object delivered to alice's destination as %s", k)
	}
}
