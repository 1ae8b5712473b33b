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
