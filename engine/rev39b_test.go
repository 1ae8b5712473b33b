package engine

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// TestRev39bFailedVersionTagChangeDuringDelivery: a FAILED version (one
// destination used up its attempts) whose tags change while another
// destination's delivery is running keeps that change queued for the
// other destination, as a PENDING version does
// (TestReplicationMetadataChangeDuringDelivery). The FAILED version's
// change skipped every destination with an item, so the running
// delivery, settling its unchanged item, dropped the change: the replica
// kept the tags it was sent and nothing was left to send the new ones.
func TestRev39bFailedVersionTagChangeDuringDelivery(t *testing.T) {
	ctx := context.Background()
	down := &flakyTarget{down: true, bodies: map[string][]byte{}}
	tags := &tagsTarget{flakyTarget: flakyTarget{bodies: map[string][]byte{}}, tags: map[string][]Tag{}}
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	opts.Replication = ReplicationOptions{Attempts: 1, Targets: map[string]ReplicationTarget{
		"arn:aws:s3:::ra": down, "arn:aws:s3:::rb": tags}}
	e := openTest(t, opts)
	versionedBuckets(t, e, "src")
	rule := func(id string, prio int, dest string) bucketconfig.ReplicationRule {
		return bucketconfig.ReplicationRule{ID: id, Priority: prio, Enabled: true, FilterForm: "filter",
			Destination: bucketconfig.ReplicationDestination{Bucket: "arn:aws:s3:::" + dest}}
	}
	require.NoError(t, e.SetBucketConfig(ctx, "src", &bucketconfig.Replication{Rules: []bucketconfig.ReplicationRule{
		rule("a", 2, "ra"), rule("b", 1, "rb")}}))
	v := putString(t, e, "src", "k", "body")
	setTags := func(val string) {
		t.Helper()
		_, err := e.UpdateObject(ctx, "src", "k", ObjectUpdate{VersionID: v.VersionID, Tags: &[]Tag{{Key: "t", Value: val}}})
		require.NoError(t, err)
	}
	require.Equal(t, ReplicationStats{Replicated: 1, Failed: 1}, repl36Pass(t, e))
	info, err := e.HeadObjectVersion(ctx, "src", "k", v.VersionID)
	require.NoError(t, err)
	require.Equal(t, ReplicationFailed, info.ReplicationStatus, "ra used up its one attempt")

	// The change goes to rb (ra's item is waiting out its backoff);
	// while rb takes it, the tags change again.
	tags.mu.Lock()
	tags.hold, tags.entered = make(chan struct{}), make(chan struct{})
	tags.mu.Unlock()
	setTags("1")
	done := make(chan error)
	go func() { _, err := e.replicationPass(ctx, e.now(), true); done <- err }()
	<-tags.entered
	setTags("2")
	tags.mu.Lock()
	close(tags.hold)
	tags.hold = nil
	tags.mu.Unlock()
	require.NoError(t, <-done)

	require.Equal(t, ReplicationStats{Replicated: 1}, repl36Pass(t, e), "the change made during the delivery is still queued for rb")
	tags.mu.Lock()
	assert.Equal(t, []Tag{{Key: "t", Value: "2"}}, tags.tags["rb/k"])
	tags.mu.Unlock()
	info, err = e.HeadObjectVersion(ctx, "src", "k", v.VersionID)
	require.NoError(t, err)
	assert.Equal(t, ReplicationFailed, info.ReplicationStatus, "ra still failed")
}

// holdTarget is a remote target that, with hold set, signals entered and
// waits for hold before taking a body.
type holdTarget struct {
	flakyTarget
	entered, hold chan struct{}
}

func (h *holdTarget) PutObject(ctx context.Context, bucket string, info ObjectInfo, body io.Reader) error {
	if h.hold != nil {
		h.entered <- struct{}{}
		<-h.hold
	}
	return h.flakyTarget.PutObject(ctx, bucket, info, body)
}

// TestRev39bCrashBetweenDestinations: a crash after one destination's
// item settled and before the other's leaves the version PENDING with
// the first replica made and the second item queued; after restart the
// second delivery completes the version (each settlement is one batch,
// the status their aggregate).
func TestRev39bCrashBetweenDestinations(t *testing.T) {
	ctx := context.Background()
	mem := vfs.NewCrashableMem()
	options := func(target ReplicationTarget) *Options {
		o := testOptions()
		o.FS, o.Sync, o.CompactInterval = mem, SyncAlways, -1
		o.Replication = ReplicationOptions{Targets: map[string]ReplicationTarget{"arn:aws:s3:::rb": target}}
		return o
	}
	blocked := &holdTarget{flakyTarget: flakyTarget{bodies: map[string][]byte{}},
		entered: make(chan struct{}), hold: make(chan struct{})}
	e, err := Open("/db", options(blocked))
	require.NoError(t, err)
	versionedBuckets(t, e, "src", "dsta")
	require.NoError(t, e.SetBucketConfig(ctx, "src", &bucketconfig.Replication{Rules: []bucketconfig.ReplicationRule{
		repl39Rule("a", "", 2, "dsta", ""), repl39Rule("b", "", 1, "rb", "")}}))
	v := putString(t, e, "src", "k", "body")
	done := make(chan error, 1)
	go func() { _, err := e.replicationPass(ctx, e.now(), true); done <- err }()
	<-blocked.entered
	// dsta's item settles meanwhile (destinations are delivered in
	// parallel since repl40).
	require.Eventually(t, func() bool {
		_, ok, err := get(e.db, replKey("src", "k", v.VersionID, "arn:aws:s3:::dsta"))
		return err == nil && !ok
	}, 10*time.Second, 5*time.Millisecond)
	img := mem.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: 0})
	close(blocked.hold)
	require.NoError(t, <-done)
	require.NoError(t, e.Close())

	target := &flakyTarget{bodies: map[string][]byte{}}
	o := options(target)
	o.FS = img
	re, err := Open("/db", o)
	require.NoError(t, err)
	defer re.Close()
	info, err := re.HeadObjectVersion(ctx, "src", "k", v.VersionID)
	require.NoError(t, err)
	require.Equal(t, ReplicationPending, info.ReplicationStatus)
	rep, err := re.HeadObjectVersion(ctx, "dsta", "k", v.VersionID)
	require.NoError(t, err)
	require.Equal(t, ReplicationReplica, rep.ReplicationStatus)
	n, err := re.ReplicationBacklog(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n, "rb's item")
	require.Equal(t, ReplicationStats{Replicated: 1}, repl36Pass(t, re))
	require.Equal(t, []byte("body"), target.bodies["rb/k"])
	info, err = re.HeadObjectVersion(ctx, "src", "k", v.VersionID)
	require.NoError(t, err)
	require.Equal(t, ReplicationCompleted, info.ReplicationStatus)
}
