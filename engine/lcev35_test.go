package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/stretchr/testify/require"
)

// lcev35Bucket is a versioned bucket whose lifecycle removes versions for
// good: noncurrent versions under nc/ a day after they became noncurrent,
// expired object delete markers under dm/.
func lcev35Bucket(t *testing.T, e *Engine, bucket string, nc *bucketconfig.Notification) {
	t.Helper()
	ctx := context.Background()
	versionedBuckets(t, e, bucket)
	require.NoError(t, e.SetBucketConfig(ctx, bucket, &bucketconfig.Lifecycle{Rules: []bucketconfig.LifecycleRule{
		{ID: "nc", Enabled: true, Filter: bucketconfig.LifecycleFilter{Prefix: "nc/"}, NoncurrentExpiration: &bucketconfig.NoncurrentExpiration{Days: 1}},
		{ID: "dm", Enabled: true, Filter: bucketconfig.LifecycleFilter{Prefix: "dm/"}, Expiration: &bucketconfig.LifecycleExpiration{ExpiredObjectDeleteMarker: true}}}}))
	require.NoError(t, e.SetBucketConfig(ctx, bucket, nc))
}

// lcev35Versions writes, under key i of nc/ and dm/, the versions the
// rules of lcev35Bucket remove, and returns them as "key@version": nc/i
// gets a noncurrent object version and (odd i) a noncurrent delete
// marker; dm/i is left with a lone delete marker.
func lcev35Versions(t *testing.T, e *Engine, bucket string, n int) []string {
	t.Helper()
	ctx := context.Background()
	var removed []string
	for i := range n {
		nc := fmt.Sprint("nc/", i)
		old := putString(t, e, bucket, nc, "old")
		removed = append(removed, nc+"@"+old.VersionID)
		if i%2 == 1 {
			res, err := e.DeleteObjectVersion(ctx, bucket, nc, DeleteOptions{})
			require.NoError(t, err)
			removed = append(removed, nc+"@"+res.DeleteMarkerVersionID)
		}
		putString(t, e, bucket, nc, "new")

		dm := fmt.Sprint("dm/", i)
		v := putString(t, e, bucket, dm, "gone")
		res, err := e.DeleteObjectVersion(ctx, bucket, dm, DeleteOptions{})
		require.NoError(t, err)
		_, err = e.DeleteObjectVersion(ctx, bucket, dm, DeleteOptions{VersionID: v.VersionID})
		require.NoError(t, err)
		removed = append(removed, dm+"@"+res.DeleteMarkerVersionID)
	}
	return removed
}

// lcev35Listed is bucket's versions as "key@version".
func lcev35Listed(t *testing.T, e *Engine, bucket string) map[string]bool {
	t.Helper()
	res, err := e.ListObjectVersions(context.Background(), bucket, VersionListOptions{MaxKeys: 10000})
	require.NoError(t, err)
	require.False(t, res.IsTruncated)
	out := map[string]bool{}
	for _, v := range res.Versions {
		out[v.Key+"@"+v.VersionID] = true
	}
	return out
}

// TestLcev35LifecycleRemovalEvents: a lifecycle pass that removes
// versions for good (NoncurrentVersionExpiration of object versions and
// of delete markers, ExpiredObjectDeleteMarker) makes one
// LifecycleExpiration:Delete event per version removed, with its version
// ID, as S3 sends it ("s3:LifecycleExpiration:Delete also notifies you
// when an object version is permanently deleted by an S3 Lifecycle
// configuration", S3 User Guide, "Configuring S3 Lifecycle event
// notifications"; eventVersion 2.3 and the s3.amazonaws.com principal of
// its example). A configuration asking for s3:LifecycleExpiration:Delete
// receives them; one asking only for DeleteMarkerCreated receives none.
// Before, these removals made no event at all.
func TestLcev35LifecycleRemovalEvents(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	delivered := newDeliveryLog(opts, "arn:lcev35", keyAtVersion)
	e := openTest(t, opts)
	lcev35Bucket(t, e, "lcev", &bucketconfig.Notification{Configs: []bucketconfig.NotificationConfig{
		{ID: "del", Type: "Queue", ARN: "arn:lcev35", Events: []string{"s3:LifecycleExpiration:Delete"}},
		{ID: "marker", Type: "Queue", ARN: "arn:lcev35", Events: []string{"s3:LifecycleExpiration:DeleteMarkerCreated"}}}})
	removed := lcev35Versions(t, e, "lcev", 4)
	var seen []Event
	cancel := e.Subscribe("lcev", func(ev Event) { seen = append(seen, ev) })
	defer cancel()

	clk.Advance(3 * 24 * time.Hour)
	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	require.Equal(t, 6, st.NoncurrentExpired)
	require.Equal(t, 4, st.MarkersRemoved)
	listed := lcev35Listed(t, e, "lcev")
	var got []string
	for i, ev := range seen {
		got = append(got, ev.ObjectKey()+"@"+ev.S3.Object.VersionID)
		require.Equal(t, "LifecycleExpiration:Delete", ev.EventName, "event %d", i)
		require.Equal(t, "2.3", ev.EventVersion, "event %d", i)
		require.Equal(t, "s3.amazonaws.com", ev.UserIdentity.PrincipalID, "event %d", i)
		require.Equal(t, "s3.amazonaws.com", ev.RequestParameters.SourceIPAddress, "event %d", i)
		require.NotEmpty(t, ev.S3.Object.Sequencer, "event %d", i)
		require.Equal(t, clk.Now().UTC().Format(eventTimeFormat), ev.EventTime, "event %d", i)
		require.False(t, listed[got[i]], "%s has an event but is still there", got[i])
	}
	require.ElementsMatch(t, removed, got, "one event per version removed")

	require.Eventually(t, func() bool { return len(delivered.of("del")) == len(removed) }, 10*time.Second, 10*time.Millisecond)
	require.ElementsMatch(t, removed, delivered.of("del"))
	require.Empty(t, delivered.of("marker"), "no delete marker was created")
}

// deliveryLog records what a notification target receives, per
// configuration ID, each delivery as format makes it.
type deliveryLog struct {
	mu     sync.Mutex
	got    map[string][]string
	format func(Event) string
}

// newDeliveryLog makes opts deliver arn's events to a new deliveryLog.
func newDeliveryLog(opts *Options, arn string, format func(Event) string) *deliveryLog {
	l := &deliveryLog{got: map[string][]string{}, format: format}
	if opts.NotificationTargets == nil {
		opts.NotificationTargets = map[string]NotificationTarget{}
	}
	opts.NotificationTargets[arn] = NotificationTargetFunc(func(_ context.Context, ev Event) error {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.got[ev.S3.ConfigurationID] = append(l.got[ev.S3.ConfigurationID], l.format(ev))
		return nil
	})
	return l
}

// of returns what configuration id received so far.
func (l *deliveryLog) of(id string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.got[id])
}

// keyAtVersion is a delivery as "key@version".
func keyAtVersion(ev Event) string { return ev.ObjectKey() + "@" + ev.S3.Object.VersionID }

// TestLcev35LifecycleRemovalCrash crashes, at every sync, a lifecycle
// pass that removes versions for good in a bucket with notifications: in
// every image a version removed has its LifecycleExpiration:Delete
// delivery queued and a version still there has none (the removal queues
// its delivery in its own batch, as expireObjectEvent does). Before, no
// delivery was ever queued, so every image with a removal failed.
func TestLcev35LifecycleRemovalCrash(t *testing.T) {
	clk := newFakeClock()
	pc, e := newEvt34PassCrash(t, clk)
	lcev35Bucket(t, e, "lcev", &bucketconfig.Notification{Configs: []bucketconfig.NotificationConfig{
		{ID: "life", Type: "Queue", ARN: "arn:dur33", Events: []string{"s3:LifecycleExpiration:*"}}}})
	removed := lcev35Versions(t, e, "lcev", 3)
	clk.Advance(3 * 24 * time.Hour)
	st := pc.run(e, len(removed)) // one delivery per version removed
	require.Equal(t, 4, st.NoncurrentExpired)
	require.Equal(t, 3, st.MarkersRemoved)
	pc.eachImage(func(re *Engine, where string) {
		queued := map[string]int{}
		for _, ev := range evt34Queued(t, re) {
			f := strings.Fields(ev)
			require.Equal(t, "LifecycleExpiration:Delete", f[1], where)
			queued[strings.TrimPrefix(f[2], "lcev/")]++
		}
		listed := lcev35Listed(t, re, "lcev")
		for _, v := range removed {
			require.Equal(t, map[bool]int{false: 1}[listed[v]], queued[v], "%s: %s there=%v", where, v, listed[v])
		}
		for v := range queued {
			require.Contains(t, removed, v, "%s: a delivery for a version the pass does not remove", where)
		}
	})
}

// TestLcev35StaleDeleteMarker: the removal of an expired object delete
// marker is decided from a listing; if a client put a new version of the
// key since (the marker is no longer the key's only version) or removed
// the marker itself, the removal changes nothing, reports
// ErrPreconditionFailed (the pass skips it and does not count it) and
// makes no event. Before, the first case removed the marker anyway and
// the second counted a removal that did not happen.
func TestLcev35StaleDeleteMarker(t *testing.T) {
	ctx := context.Background()
	e, clk := versionedTestEngine(t)
	require.NoError(t, e.SetBucketConfig(ctx, "mix", &bucketconfig.Notification{Configs: []bucketconfig.NotificationConfig{
		{ID: "life", Type: "Queue", ARN: "arn:none", Events: []string{"s3:LifecycleExpiration:*"}}}}))
	var seen []string
	cancel := e.Subscribe("mix", func(ev Event) { seen = append(seen, ev.EventName+" "+ev.ObjectKey()) })
	defer cancel()
	lone := func(key string) ObjectInfo {
		v := putMix(t, e, key, "x", PutOptions{})
		_, err := e.DeleteObjectVersion(ctx, "mix", key, DeleteOptions{})
		require.NoError(t, err)
		_, err = e.DeleteObjectVersion(ctx, "mix", key, DeleteOptions{VersionID: v.VersionID})
		require.NoError(t, err)
		listed := lifecycleVersions(t, e, key)
		require.Len(t, listed, 1)
		require.True(t, listed[0].DeleteMarker)
		return listed[0]
	}
	seen = nil

	// A new version since the listing: the marker is noncurrent now.
	marker := lone("again")
	putMix(t, e, "again", "back", PutOptions{})
	err := e.removeVersionByLifecycle(ctx, "mix", marker, false, clk.Now())
	require.ErrorIs(t, err, ErrPreconditionFailed)
	require.Len(t, lifecycleVersions(t, e, "again"), 2, "the marker stays")

	// The marker removed by a client since the listing.
	marker = lone("undone")
	_, err = e.DeleteObjectVersion(ctx, "mix", "undone", DeleteOptions{VersionID: marker.VersionID})
	require.NoError(t, err)
	err = e.removeVersionByLifecycle(ctx, "mix", marker, false, clk.Now())
	require.ErrorIs(t, err, ErrPreconditionFailed)

	// The marker as listed is removed, with its event.
	marker = lone("lone")
	require.NoError(t, e.removeVersionByLifecycle(ctx, "mix", marker, false, clk.Now()))
	require.Empty(t, lifecycleVersions(t, e, "lone"))
	require.Equal(t, []string{"LifecycleExpiration:Delete lone"}, seen)
}
