package engine

import (
	"context"
	"testing"

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
	go func() { _, err := e.replicationPass(ctx, e.now()); done <- err }()
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
