package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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
	base := dur33Options(1)
	rec := newSyncRecorder(1)
	clk := newFakeClock()
	opts := base()
	opts.Clock = clk
	opts.CompactInterval = -1 // passes run only when the test says
	opts.FS, opts.Sync = rec.fs(), SyncAlways
	e, err := Open("/db", opts)
	require.NoError(t, err)
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
	rec.recording.Store(true)
	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	rec.recording.Store(false)
	require.Equal(t, 5, st.Archived)
	n, err := e.PendingNotifications()
	require.NoError(t, err)
	require.Equal(t, 5, n, "one event per move")
	require.NoError(t, e.Close())
	images := rec.taken()
	require.NotEmpty(t, images)
	t.Logf("%d crash images", len(images))
	for i, img := range images {
		where := fmt.Sprintf("image %d of %d", i, len(images))
		o := base()
		o.Clock = fixedClock(clk.Now())
		o.CompactInterval = -1
		o.FS, o.Sync = img.fs, SyncAlways
		re, err := Open("/db", o)
		require.NoError(t, err, "%s must open", where)
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
		require.NoError(t, re.Close())
	}
}

// TestEvt34bReplicationCrash: a replication pass delivers three versions
// of a bucket that wants its Replication events while a crash image is
// taken at every sync. In every image a source version is COMPLETED if
// and only if its Replication:OperationCompletedReplication event is
// pending: the batch that settles the item queues it. Before, the event
// was published after that batch, in one of its own.
func TestEvt34bReplicationCrash(t *testing.T) {
	ctx := context.Background()
	base := dur33Options(1)
	rec := newSyncRecorder(1)
	opts := base()
	opts.CompactInterval = -1
	opts.FS, opts.Sync = rec.fs(), SyncAlways
	e, err := Open("/db", opts)
	require.NoError(t, err)
	versionedBuckets(t, e, "rsrc", "rdst")
	require.NoError(t, e.SetBucketConfig(ctx, "rsrc", replicationConfig("rdst", true)))
	require.NoError(t, e.SetBucketConfig(ctx, "rsrc", &bucketconfig.Notification{Configs: []bucketconfig.NotificationConfig{
		{ID: "repl", Type: "Queue", ARN: "arn:dur33", Events: []string{"s3:Replication:*"}}}}))
	keys := []string{"docs/a", "docs/b", "docs/c"}
	for _, k := range keys {
		_, err := e.PutObject(ctx, "rsrc", k, strings.NewReader(k), int64(len(k)), PutOptions{})
		require.NoError(t, err)
	}
	rec.recording.Store(true)
	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	rec.recording.Store(false)
	require.Equal(t, 3, st.Replication.Replicated)
	n, err := e.PendingNotifications()
	require.NoError(t, err)
	require.Equal(t, 3, n, "one event per delivery")
	require.NoError(t, e.Close())
	images := rec.taken()
	require.NotEmpty(t, images)
	t.Logf("%d crash images", len(images))
	for i, img := range images {
		where := fmt.Sprintf("image %d of %d", i, len(images))
		o := base()
		o.CompactInterval = -1
		o.FS, o.Sync = img.fs, SyncAlways
		re, err := Open("/db", o)
		require.NoError(t, err, "%s must open", where)
		queued := evt34QueuedPerKey(t, re, "Replication:OperationCompletedReplication", where)
		for _, k := range keys {
			info, err := re.HeadObject(ctx, "rsrc", k)
			require.NoError(t, err, where)
			done := info.ReplicationStatus == ReplicationCompleted
			require.Equal(t, map[bool]int{true: 1}[done], queued["rsrc/"+k], "%s: %s %s", where, k, info.ReplicationStatus)
		}
		require.NoError(t, re.Close())
	}
}
