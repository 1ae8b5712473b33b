package engine

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// TestOpen37PartCopyRefusesLinkFirst: UploadPartCopy refuses an OSS
// symlink source, which a caller decides on the link's own record; the
// refusal came after the object read through the link, its target, was
// judged: a failed condition (ErrPreconditionFailed or the condition
// named), a range past its end (its size) or its archived state were
// answered instead, each telling of a target whose read nobody decided.
// Now the link is refused before any of them.
func TestOpen37PartCopyRefusesLinkFirst(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	for key, class := range map[string]string{"t": "", "cold": "GLACIER"} {
		_, err := e.PutObject(ctx, "bkt", key, strings.NewReader("the target"), 10, PutOptions{StorageClass: class})
		require.NoError(t, err)
		_, err = e.PutSymlink(ctx, "bkt", "l"+key, key, PutOptions{})
		require.NoError(t, err)
	}
	id, err := e.CreateMultipartUpload(ctx, "bkt", "dst", PutOptions{})
	require.NoError(t, err)
	for name, c := range map[string]struct {
		link string
		opts PartCopyOptions
	}{
		"no condition":         {"lt", PartCopyOptions{}},
		"if-match a guess":     {"lt", PartCopyOptions{Source: Conditions{IfMatch: `"0123"`}}},
		"if-none-match any":    {"lt", PartCopyOptions{Source: Conditions{IfNoneMatch: "*"}}},
		"a range past the end": {"lt", PartCopyOptions{Range: &ByteRange{Start: 100, End: 200}}},
		"an archived target":   {"lcold", PartCopyOptions{}},
	} {
		_, err := e.UploadPartCopy(ctx, "bkt", "dst", id, 1, "bkt", c.link, c.opts)
		assert.ErrorIs(t, err, ErrCopySourceSymlink, name)
	}
}

// TestOpen37ReplicationNeedsDestinationObjectLock: S3 replicates the
// objects of a bucket with Object Lock, with their retention and legal
// hold, only into a destination with Object Lock, and fails the
// replication otherwise (failure reason DstBucketObjectLockConfigMissing;
// S3 User Guide "Object Lock considerations", "Amazon S3 replication
// failure reasons"). osslite delivered them into a local bucket without
// it, a replica keeping a retention its bucket does not have. Now the
// delivery fails, every version of such a bucket (locked or not): the
// version goes FAILED and, for a rule with Metrics, its
// OperationFailedReplication names that reason; nothing is written at
// the destination. Once the destination has Object Lock the retried
// delivery completes, the replica with the source's retention and
// legal hold. A delete marker, which no lock protects, is delivered.
func TestOpen37ReplicationNeedsDestinationObjectLock(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock, opts.CompactInterval = clk, -1
	opts.Replication = ReplicationOptions{Attempts: 3}
	e := openTest(t, opts)
	var got repl36Events
	got.subscribe(t, e)
	require.NoError(t, e.CreateBucket(ctx, "src", BucketOptions{ObjectLock: true}))
	versionedBuckets(t, e, "dst")
	require.NoError(t, e.SetBucketConfig(ctx, "src", repl36Config("dst", true, false)))
	until := clk.Now().Add(48 * time.Hour).UTC()
	locked, err := e.PutObject(ctx, "src", "docs/locked", strings.NewReader("kept"), 4,
		PutOptions{Retention: Retention{Mode: RetentionGovernance, Until: until}, LegalHold: true})
	require.NoError(t, err)
	plain := putString(t, e, "src", "docs/plain", "not locked")

	for i := range 3 {
		st := repl36Pass(t, e)
		require.Equal(t, 2, st.Failed, "pass %d", i)
		clk.Advance(time.Hour)
	}
	evs := got.take()
	require.Len(t, evs, 2)
	for _, ev := range evs {
		require.Equal(t, "Replication:OperationFailedReplication", ev.EventName)
		require.NotNil(t, ev.ReplicationEventData)
		require.Equal(t, "DstBucketObjectLockConfigMissing", ev.ReplicationEventData.FailureReason, ev.ObjectKey())
	}
	for _, v := range []ObjectInfo{locked, plain} {
		info, err := e.HeadObjectVersion(ctx, "src", v.Key, v.VersionID)
		require.NoError(t, err)
		require.Equal(t, ReplicationFailed, info.ReplicationStatus, v.Key)
	}
	res, err := e.ListObjectVersions(ctx, "dst", VersionListOptions{})
	require.NoError(t, err)
	require.Empty(t, res.Versions, "nothing replicated into a bucket without Object Lock")

	// A delete marker is delivered.
	dm, err := e.DeleteObjectVersion(ctx, "src", "docs/gone", DeleteOptions{})
	require.NoError(t, err)
	require.True(t, dm.DeleteMarker)
	clk.Advance(2 * time.Hour)
	st := repl36Pass(t, e)
	require.Equal(t, 1, st.Replicated)
	require.Equal(t, 2, st.Failed)

	// With Object Lock at the destination the retries complete.
	require.NoError(t, e.SetBucketConfig(ctx, "dst", &bucketconfig.ObjectLock{}))
	clk.Advance(2 * time.Hour)
	st = repl36Pass(t, e)
	require.Equal(t, 2, st.Replicated)
	require.Empty(t, got.take())
	replica, err := e.HeadObjectVersion(ctx, "dst", "docs/locked", locked.VersionID)
	require.NoError(t, err)
	require.Equal(t, ReplicationReplica, replica.ReplicationStatus)
	require.Equal(t, RetentionGovernance, replica.Retention.Mode)
	require.True(t, until.Equal(replica.Retention.Until))
	require.True(t, replica.LegalHold)
	info, err := e.HeadObjectVersion(ctx, "src", "docs/plain", plain.VersionID)
	require.NoError(t, err)
	require.Equal(t, ReplicationCompleted, info.ReplicationStatus)
}

// TestOpen37NullVersionEventsNameNull: S3's "Event message structure"
// gives object.versionId as "object version if bucket is
// versioning-enabled, otherwise null". A null version of a bucket with
// versioning (written before versioning was enabled, or while it is
// suspended) is version "null", as lcev35's lifecycle removals named it;
// the restore events (Post, Completed, Delete) named it "" (no
// versionId), and so did a lifecycle transition of a current null
// version. Now every one of them names it "null"; a bucket that never
// had versioning still names none. ObjectRestore:Post of the latest
// version, asked for without a version ID, named none either: it names
// the version restored, as Completed and Delete do.
func TestOpen37NullVersionEventsNameNull(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	opts.RestoreDelay = time.Minute
	delivered := newDeliveryLog(opts, "arn:open37", func(ev Event) string {
		return ev.S3.Bucket.Name + " " + ev.EventName + " " + keyAtVersion(ev)
	})
	e := openTest(t, opts)
	notify := &bucketconfig.Notification{Configs: []bucketconfig.NotificationConfig{
		{ID: "all", Type: "Queue", ARN: "arn:open37", Events: []string{"s3:ObjectRestore:*", "s3:LifecycleExpiration:*", "s3:LifecycleTransition"}}}}
	archive := func(bucket, key string) ObjectInfo {
		info, err := e.PutObject(ctx, bucket, key, strings.NewReader("tape"), 4, PutOptions{StorageClass: "GLACIER"})
		require.NoError(t, err)
		return info
	}
	for _, b := range []string{"nv-enabled", "nv-suspended", "nv-plain"} {
		require.NoError(t, e.CreateBucket(ctx, b, BucketOptions{}))
		require.NoError(t, e.SetBucketConfig(ctx, b, notify))
	}
	archive("nv-enabled", "k")
	setVersioning(t, e, "nv-enabled", "Enabled")
	real := archive("nv-enabled", "real")
	setVersioning(t, e, "nv-suspended", "Enabled")
	setVersioning(t, e, "nv-suspended", "Suspended")
	archive("nv-suspended", "k")
	archive("nv-plain", "k")
	for _, r := range []struct{ bucket, key string }{{"nv-enabled", "k"}, {"nv-enabled", "real"}, {"nv-suspended", "k"}, {"nv-plain", "k"}} {
		_, err := e.RestoreObjectWith(WithEvent(ctx, &EventFacts{Name: "ObjectRestore:Post", Bucket: r.bucket}), r.bucket, r.key, RestoreOptions{Days: 1})
		require.NoError(t, err)
	}
	clk.Advance(2 * time.Minute)
	_, err := e.RunPending(ctx)
	require.NoError(t, err)
	clk.Advance(2 * 24 * time.Hour)
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	var want []string
	for _, name := range []string{"ObjectRestore:Post", "ObjectRestore:Completed", "ObjectRestore:Delete"} {
		want = append(want, "nv-enabled "+name+" k@null", "nv-enabled "+name+" real@"+real.VersionID,
			"nv-suspended "+name+" k@null", "nv-plain "+name+" k@")
	}
	require.Eventually(t, func() bool { return len(delivered.of("all")) >= len(want) }, 5*time.Second, 10*time.Millisecond)
	require.ElementsMatch(t, want, delivered.of("all"))

	// Lifecycle: a current null version transitioned, a noncurrent one
	// expired (lcev35), in a bucket with versioning enabled.
	require.NoError(t, e.CreateBucket(ctx, "nv-life", BucketOptions{}))
	require.NoError(t, e.SetBucketConfig(ctx, "nv-life", notify))
	putString(t, e, "nv-life", "cur", "current null")
	putString(t, e, "nv-life", "old", "noncurrent null")
	setVersioning(t, e, "nv-life", "Enabled")
	putString(t, e, "nv-life", "old", "newer")
	require.NoError(t, e.SetBucketConfig(ctx, "nv-life", &bucketconfig.Lifecycle{Rules: []bucketconfig.LifecycleRule{
		{ID: "cur", Enabled: true, Filter: bucketconfig.LifecycleFilter{Prefix: "cur"},
			Transitions: []bucketconfig.LifecycleTransition{{Days: 1, StorageClass: "GLACIER"}}},
		{ID: "old", Enabled: true, Filter: bucketconfig.LifecycleFilter{Prefix: "old"},
			NoncurrentExpiration: &bucketconfig.NoncurrentExpiration{Days: 1}}}}))
	clk.Advance(3 * e.opts.LifecycleDay)
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	want = append(want, "nv-life LifecycleTransition cur@null", "nv-life LifecycleExpiration:Delete old@null")
	require.Eventually(t, func() bool { return len(delivered.of("all")) >= len(want) }, 5*time.Second, 10*time.Millisecond)
	require.ElementsMatch(t, want, delivered.of("all"))
}
