package engine

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/stretchr/testify/require"
)

// TestEvt34bTieringCrash: an Intelligent-Tiering pass moves five versions
// (two buckets, one versioned) to the Archive Access tier while a crash
// image is taken at every sync. In every image a version is archived if
// and only if its IntelligentTiering event is pending: the move queues its
// event in its own batch. Before, the event was published after the move
// in a batch of its own, and an image between the two held an archived
// version without its event.
func TestEvt34bTieringCrash(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	pc, e := newEvt34PassCrash(t, clk)
	buckets := []string{"tier-u", "tier-v"}
	body := bytes.Repeat([]byte("t"), bucketconfig.MinTieringSize)
	for _, b := range buckets {
		require.NoError(t, e.CreateBucket(ctx, b, BucketOptions{}))
		require.NoError(t, e.SetBucketConfig(ctx, b, &bucketconfig.IntelligentTiering{Configurations: []bucketconfig.TieringConfiguration{
			{ID: "cold", Enabled: true, Tierings: []bucketconfig.Tiering{{AccessTier: bucketconfig.ArchiveAccess, Days: 90}}}}}))
		require.NoError(t, e.SetBucketConfig(ctx, b, &bucketconfig.Notification{Configs: []bucketconfig.NotificationConfig{
			{ID: "tier", Type: "Queue", ARN: "arn:dur33", Events: []string{"s3:IntelligentTiering"}}}}))
	}
	require.NoError(t, e.SetBucketConfig(ctx, "tier-v", &bucketconfig.Versioning{Status: "Enabled"}))
	keys := map[string][]string{"tier-u": {"a", "b", "c"}, "tier-v": {"a", "b"}}
	for _, b := range buckets {
		for _, k := range keys[b] {
			_, err := e.PutObject(ctx, b, k, bytes.NewReader(body), int64(len(body)), PutOptions{StorageClass: IntelligentTieringClass})
			require.NoError(t, err)
		}
	}
	clk.Advance(91 * e.opts.LifecycleDay)
	st := pc.run(e, 5) // one event per move
	require.Equal(t, 5, st.Archived)
	pc.eachImage(func(re *Engine, where string) {
		queued := evt34QueuedPerKey(t, re, "IntelligentTiering", where)
		for _, b := range buckets {
			for _, k := range keys[b] {
				info, err := re.HeadObject(ctx, b, k)
				require.False(t, errors.Is(err, ErrNoSuchKey), where)
				require.NoError(t, err, where)
				archived := info.AccessTier == bucketconfig.ArchiveAccess
				require.Equal(t, map[bool]int{true: 1}[archived], queued[b+"/"+k], "%s: %s/%s archived=%v", where, b, k, archived)
			}
		}
	})
}

// TestEvt34bReplicationCrash: a replication pass fails to deliver three
// versions of a bucket that wants its Replication events (the rule has
// replication Metrics; its destination was deleted) and marks them FAILED
// at the first attempt, while a crash image is taken at every sync. In
// every image a source version is FAILED if and only if its
// Replication:OperationFailedReplication event is pending: the batch that
// settles the item queues it. The thirty-fourth session's version of this
// test checked MinIO's OperationCompletedReplication, which S3 does not
// send (thirty-sixth session: see TestRepl36ThresholdCrash for the events
// of a delivery).
func TestEvt34bReplicationCrash(t *testing.T) {
	ctx := context.Background()
	pc, e := newEvt34PassCrash(t, nil)
	base := pc.base
	pc.base = func() *Options { o := base(); o.Replication.Attempts = 1; return o }
	e.opts.Replication.Attempts = 1
	versionedBuckets(t, e, "rsrc", "rdst")
	require.NoError(t, e.SetBucketConfig(ctx, "rsrc", repl36Config("rdst", true, false)))
	require.NoError(t, e.SetBucketConfig(ctx, "rsrc", &bucketconfig.Notification{Configs: []bucketconfig.NotificationConfig{
		{ID: "repl", Type: "Queue", ARN: "arn:dur33", Events: []string{"s3:Replication:*"}}}}))
	require.NoError(t, e.DeleteBucket(ctx, "rdst", DeleteBucketOptions{}))
	keys := []string{"docs/a", "docs/b", "docs/c"}
	for _, k := range keys {
		_, err := e.PutObject(ctx, "rsrc", k, strings.NewReader(k), int64(len(k)), PutOptions{})
		require.NoError(t, err)
	}
	st := pc.run(e, 3) // one event per failed version
	require.Equal(t, 3, st.Replication.Failed)
	pc.eachImage(func(re *Engine, where string) {
		queued := evt34QueuedPerKey(t, re, "Replication:OperationFailedReplication", where)
		for _, k := range keys {
			info, err := re.HeadObject(ctx, "rsrc", k)
			require.NoError(t, err, where)
			failed := info.ReplicationStatus == ReplicationFailed
			require.Equal(t, map[bool]int{true: 1}[failed], queued["rsrc/"+k], "%s: %s %s", where, k, info.ReplicationStatus)
		}
	})
}
