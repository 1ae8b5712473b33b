package engine

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/stretchr/testify/require"
)

// evt35bTransitionBucket is a versioned bucket whose lifecycle moves
// objects under cur/ to DEEP_ARCHIVE a day after creation and noncurrent
// versions under nc/ to GLACIER a day after they became noncurrent.
func evt35bTransitionBucket(t *testing.T, e *Engine, bucket string, nc *bucketconfig.Notification) {
	t.Helper()
	ctx := context.Background()
	versionedBuckets(t, e, bucket)
	require.NoError(t, e.SetBucketConfig(ctx, bucket, &bucketconfig.Lifecycle{Rules: []bucketconfig.LifecycleRule{
		{ID: "cur", Enabled: true, Filter: bucketconfig.LifecycleFilter{Prefix: "cur/"},
			Transitions: []bucketconfig.LifecycleTransition{{Days: 1, StorageClass: "DEEP_ARCHIVE"}}},
		{ID: "nc", Enabled: true, Filter: bucketconfig.LifecycleFilter{Prefix: "nc/"},
			NoncurrentTransitions: []bucketconfig.LifecycleTransition{{Days: 1, StorageClass: "GLACIER"}}}}}))
	require.NoError(t, e.SetBucketConfig(ctx, bucket, nc))
}

// evt35bTransitionVersions writes n objects under cur/ and n keys under
// nc/ with a noncurrent version each, and returns what the rules of
// evt35bTransitionBucket move, as "key@version" -> destination class.
func evt35bTransitionVersions(t *testing.T, e *Engine, bucket string, n int) map[string]string {
	t.Helper()
	moved := map[string]string{}
	for i := range n {
		cur := fmt.Sprint("cur/", i)
		v := putString(t, e, bucket, cur, "current")
		moved[cur+"@"+v.VersionID] = "DEEP_ARCHIVE"
		nc := fmt.Sprint("nc/", i)
		old := putString(t, e, bucket, nc, "old")
		moved[nc+"@"+old.VersionID] = "GLACIER"
		putString(t, e, bucket, nc, "new")
	}
	return moved
}

// evt35bClasses is bucket's versions as "key@version" -> storage class.
func evt35bClasses(t *testing.T, e *Engine, bucket string) map[string]string {
	t.Helper()
	res, err := e.ListObjectVersions(context.Background(), bucket, VersionListOptions{MaxKeys: 10000})
	require.NoError(t, err)
	require.False(t, res.IsTruncated)
	out := map[string]string{}
	for _, v := range res.Versions {
		out[v.Key+"@"+v.VersionID] = v.StorageClass
	}
	return out
}

// TestEvt35bTransitionEvents: a lifecycle pass that transitions objects
// and noncurrent versions makes one LifecycleTransition event per version
// moved, as S3 sends it ("Transition events – By using the
// s3:LifecycleTransition event type, you can receive notification when an
// object is transitioned from one Amazon S3 storage class to another by
// an S3 Lifecycle configuration", and the lifecycleEventData
// transitionEventData destinationStorageClass those messages also carry:
// S3 User Guide, "Configuring S3 Lifecycle event notifications";
// eventVersion 2.3 for S3 Lifecycle events, "Event message structure").
// A configuration asking for s3:LifecycleTransition receives them; one
// asking for s3:LifecycleExpiration:* none. Before, a transition made no
// event.
func TestEvt35bTransitionEvents(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	delivered := newDeliveryLog(opts, "arn:evt35b", keyAtVersion)
	e := openTest(t, opts)
	evt35bTransitionBucket(t, e, "trans", &bucketconfig.Notification{Configs: []bucketconfig.NotificationConfig{
		{ID: "tr", Type: "Queue", ARN: "arn:evt35b", Events: []string{"s3:LifecycleTransition"}},
		{ID: "exp", Type: "Queue", ARN: "arn:evt35b", Events: []string{"s3:LifecycleExpiration:*"}}}})
	moved := evt35bTransitionVersions(t, e, "trans", 3)
	var seen []Event
	cancel := e.Subscribe("trans", func(ev Event) { seen = append(seen, ev) })
	defer cancel()

	clk.Advance(3 * 24 * time.Hour)
	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	require.Equal(t, 3, st.Transitioned)
	require.Equal(t, 3, st.NoncurrentTransitioned)
	classes := evt35bClasses(t, e, "trans")
	got := map[string]string{}
	for i, ev := range seen {
		v := ev.ObjectKey() + "@" + ev.S3.Object.VersionID
		require.Equal(t, "LifecycleTransition", ev.EventName, "event %d", i)
		require.Equal(t, "2.3", ev.EventVersion, "event %d", i)
		require.Equal(t, "s3.amazonaws.com", ev.UserIdentity.PrincipalID, "event %d", i)
		require.Equal(t, "s3.amazonaws.com", ev.RequestParameters.SourceIPAddress, "event %d", i)
		require.NotEmpty(t, ev.S3.Object.Sequencer, "event %d", i)
		require.Equal(t, clk.Now().UTC().Format(eventTimeFormat), ev.EventTime, "event %d", i)
		require.NotNil(t, ev.LifecycleEventData, "event %d", i)
		class := ev.LifecycleEventData.TransitionEventData.DestinationStorageClass
		require.Equal(t, classes[v], class, "%s: the event names the class it moved to", v)
		got[v] = class
	}
	require.Equal(t, moved, got, "one event per version moved")

	require.Eventually(t, func() bool { return len(delivered.of("tr")) == len(moved) }, 10*time.Second, 10*time.Millisecond)
	var want []string
	for v := range moved {
		want = append(want, v)
	}
	require.ElementsMatch(t, want, delivered.of("tr"))
	require.Empty(t, delivered.of("exp"), "nothing expired")
}

// TestEvt35bTransitionCrash crashes, at every sync, a lifecycle pass that
// transitions objects and noncurrent versions in a bucket with
// notifications: in every image a version moved has its
// LifecycleTransition delivery queued and a version not yet moved has
// none (the move queues its delivery in its own batch). Before, no
// delivery was ever queued.
func TestEvt35bTransitionCrash(t *testing.T) {
	clk := newFakeClock()
	pc, e := newEvt34PassCrash(t, clk)
	evt35bTransitionBucket(t, e, "trans", &bucketconfig.Notification{Configs: []bucketconfig.NotificationConfig{
		{ID: "tr", Type: "Queue", ARN: "arn:dur33", Events: []string{"s3:LifecycleTransition"}}}})
	moved := evt35bTransitionVersions(t, e, "trans", 3)
	clk.Advance(3 * 24 * time.Hour)
	st := pc.run(e, len(moved)) // one delivery per version moved
	require.Equal(t, 3, st.Transitioned)
	require.Equal(t, 3, st.NoncurrentTransitioned)
	pc.eachImage(func(re *Engine, where string) {
		queued := map[string]int{}
		for _, ev := range evt34Queued(t, re) {
			f := strings.Fields(ev)
			require.Equal(t, "LifecycleTransition", f[1], where)
			queued[strings.TrimPrefix(f[2], "trans/")]++
		}
		classes := evt35bClasses(t, re, "trans")
		for v, class := range moved {
			done := classes[v] == class
			require.Equal(t, map[bool]int{true: 1}[done], queued[v], "%s: %s moved=%v", where, v, done)
		}
		for v := range queued {
			require.Contains(t, moved, v, "%s: a delivery for a version the pass does not move", where)
		}
	})
}

// evt35bRestoreNotification asks for ObjectRestore:Delete (del), every
// ObjectRestore event (all) and ObjectRestore:Post only (post).
func evt35bRestoreNotification(arn string) *bucketconfig.Notification {
	return &bucketconfig.Notification{Configs: []bucketconfig.NotificationConfig{
		{ID: "del", Type: "Queue", ARN: arn, Events: []string{"s3:ObjectRestore:Delete"}, Prefix: "a/"},
		{ID: "all", Type: "Queue", ARN: arn, Events: []string{"s3:ObjectRestore:*"}, Prefix: "b/"},
		{ID: "post", Type: "Queue", ARN: arn, Events: []string{"s3:ObjectRestore:Post"}, Prefix: "c/"}}}
}

// TestEvt35bRestoreExpiryEvents: when the temporary copy of a restored
// object expires, an ObjectRestore:Delete event is made, as S3 sends it
// (S3 User Guide, "Event notification types and destinations":
// s3:ObjectRestore:Delete, "the temporary copy of the restored object
// expired"; eventVersion 2.3 for "object restoration delete events",
// "Event message structure"), at the copy's expiry, with the version ID
// and no glacierEventData (S3 gives it to ObjectRestore:Completed only).
// A restore extended makes its event at the new expiry only; a copy
// cleaned, an object overwritten or transitioned since makes none; two
// versions whose copies expire at the same midnight make one each.
// Configurations: del (s3:ObjectRestore:Delete) and all
// (s3:ObjectRestore:*) receive it, post (s3:ObjectRestore:Post) does not.
// Before, the expiry made no event.
func TestEvt35bRestoreExpiryEvents(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	opts.RestoreDelay = time.Minute
	delivered := newDeliveryLog(opts, "arn:evt35b", func(ev Event) string { return ev.EventName + " " + keyAtVersion(ev) })
	e := openTest(t, opts)
	require.NoError(t, e.CreateBucket(ctx, "cold", BucketOptions{}))
	require.NoError(t, e.SetBucketConfig(ctx, "cold", evt35bRestoreNotification("arn:evt35b")))
	versionedBuckets(t, e, "vcold")
	require.NoError(t, e.SetBucketConfig(ctx, "vcold", evt35bRestoreNotification("arn:evt35b")))
	archive := func(bucket, key string) ObjectInfo {
		info, err := e.PutObject(ctx, bucket, key, strings.NewReader("tape"), 4, PutOptions{StorageClass: "GLACIER"})
		require.NoError(t, err)
		return info
	}
	restore := func(bucket, key, vid string, days int) {
		_, err := e.RestoreObjectWith(ctx, bucket, key, RestoreOptions{VersionID: vid, Days: days, ExpireAtMidnight: true})
		require.NoError(t, err)
	}
	for _, p := range []string{"a/", "b/", "c/"} {
		archive("cold", p+"plain")
		restore("cold", p+"plain", "", 1)
	}
	archive("cold", "a/extended")
	restore("cold", "a/extended", "", 1)
	archive("cold", "a/cleaned")
	restore("cold", "a/cleaned", "", 1)
	archive("cold", "a/overwritten")
	restore("cold", "a/overwritten", "", 1)
	v1 := archive("vcold", "a/two")
	v2 := archive("vcold", "a/two")
	restore("vcold", "a/two", v1.VersionID, 1)
	restore("vcold", "a/two", v2.VersionID, 1)

	var seen []Event
	cancel := e.Subscribe("", func(ev Event) {
		if ev.EventName == "ObjectRestore:Delete" {
			seen = append(seen, ev)
		}
	})
	defer cancel()
	clk.Advance(2 * time.Minute)
	_, err := e.RunPending(ctx) // the copies are readable: Completed
	require.NoError(t, err)
	restore("cold", "a/extended", "", 3)
	require.NoError(t, e.CleanRestoredObject(ctx, "cold", "a/cleaned", ""))
	_, err = e.PutObject(ctx, "cold", "a/overwritten", strings.NewReader("new"), 3, PutOptions{})
	require.NoError(t, err)
	require.Empty(t, seen)

	clk.Advance(2 * 24 * time.Hour)
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	var got []string
	for i, ev := range seen {
		got = append(got, ev.S3.Bucket.Name+"/"+ev.ObjectKey()+"@"+ev.S3.Object.VersionID)
		require.Equal(t, "2.3", ev.EventVersion, "event %d", i)
		require.Equal(t, "s3.amazonaws.com", ev.UserIdentity.PrincipalID, "event %d", i)
		require.NotEmpty(t, ev.S3.Object.Sequencer, "event %d", i)
		require.Nil(t, ev.GlacierEventData, "event %d", i)
		// The copies restored at 03:05 for a day expire at the midnight
		// after: day 3, 00:00.
		require.Equal(t, "2026-01-04T00:00:00.000Z", ev.EventTime, "event %d", i)
	}
	require.ElementsMatch(t, []string{"cold/a/plain@", "cold/b/plain@", "cold/c/plain@",
		"vcold/a/two@" + v1.VersionID, "vcold/a/two@" + v2.VersionID}, got)
	for _, key := range []string{"a/plain", "b/plain", "c/plain"} {
		require.Nil(t, mustHead(t, e, "cold", key).Restore, "%s: the copy expired", key)
	}

	seen = nil
	clk.Advance(2 * 24 * time.Hour)
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	require.Len(t, seen, 1)
	require.Equal(t, "a/extended", seen[0].ObjectKey(), "the extended copy expires later")
	require.Equal(t, "2026-01-06T00:00:00.000Z", seen[0].EventTime)

	require.Eventually(t, func() bool { return len(delivered.of("del")) == 4 && len(delivered.of("all")) == 2 }, 10*time.Second, 10*time.Millisecond)
	require.ElementsMatch(t, []string{"ObjectRestore:Delete a/plain@", "ObjectRestore:Delete a/extended@",
		"ObjectRestore:Delete a/two@" + v1.VersionID, "ObjectRestore:Delete a/two@" + v2.VersionID}, delivered.of("del"))
	require.ElementsMatch(t, []string{"ObjectRestore:Completed b/plain@", "ObjectRestore:Delete b/plain@"}, delivered.of("all"))
	require.Empty(t, delivered.of("post"), "no restore was requested with facts: no Post")
}

// evt35bScheduled is e's scheduled events as "name key@version", with
// their count.
func evt35bScheduled(t *testing.T, e *Engine) map[string]int {
	t.Helper()
	out := map[string]int{}
	it, err := e.db.NewIter(&pebble.IterOptions{LowerBound: []byte(prefixEventAt), UpperBound: []byte("G0")})
	require.NoError(t, err)
	for it.First(); it.Valid(); it.Next() {
		parts := bytes.SplitN(it.Key()[len(prefixEventAt)+8:], []byte{0}, 4)
		require.Len(t, parts, 4)
		out[fmt.Sprintf("%s %s/%s@%s", parts[2], parts[0], parts[1], it.Value())]++
	}
	require.NoError(t, it.Close())
	return out
}

// TestEvt35bRestoreEventsCrash crashes, at every sync, a lifecycle pass
// that finds restores completed and their copies expired in a bucket with
// notifications: in every image each ObjectRestore:Completed and
// ObjectRestore:Delete is either still scheduled or has its delivery
// queued, never both and never neither (the pass queues the delivery in
// the batch that deletes the schedule). Before, ObjectRestore:Delete was
// never made, and ObjectRestore:Completed was published in a batch of its
// own before the schedule was deleted: an image in between had both.
func TestEvt35bRestoreEventsCrash(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	pc, e := newEvt34PassCrash(t, clk)
	require.NoError(t, e.CreateBucket(ctx, "cold", BucketOptions{}))
	require.NoError(t, e.SetBucketConfig(ctx, "cold", &bucketconfig.Notification{Configs: []bucketconfig.NotificationConfig{
		{ID: "rs", Type: "Queue", ARN: "arn:dur33", Events: []string{"s3:ObjectRestore:*"}}}}))
	var want []string
	for i := range 3 {
		key := fmt.Sprint("k", i)
		_, err := e.PutObject(ctx, "cold", key, strings.NewReader("tape"), 4, PutOptions{StorageClass: "GLACIER"})
		require.NoError(t, err)
		_, err = e.RestoreObject(ctx, "cold", key, 1)
		require.NoError(t, err)
		want = append(want, "ObjectRestore:Completed cold/"+key+"@", "ObjectRestore:Delete cold/"+key+"@")
	}
	clk.Advance(3 * 24 * time.Hour)
	pc.run(e, len(want)) // a Completed and a Delete per restore
	pc.eachImage(func(re *Engine, where string) {
		scheduled := evt35bScheduled(t, re)
		queued := map[string]int{}
		for _, ev := range evt34Queued(t, re) {
			f := strings.Fields(ev)
			queued[f[1]+" "+f[2]]++
		}
		for _, w := range want {
			require.Equal(t, 1, scheduled[w]+queued[w], "%s: %s scheduled %d, queued %d", where, w, scheduled[w], queued[w])
		}
		require.Len(t, queued, len(want)-len(scheduled), "%s: no other delivery", where)
	})
}
