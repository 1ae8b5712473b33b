package engine

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// repl39Rule is a rule with a Filter of prefix, priority and a local
// destination bucket dest, replicating delete markers.
func repl39Rule(id, prefix string, priority int, dest, class string) bucketconfig.ReplicationRule {
	return bucketconfig.ReplicationRule{ID: id, Priority: priority, Enabled: true, FilterForm: "filter",
		Filter: bucketconfig.ReplicationFilter{Prefix: prefix}, DeleteMarkers: true,
		Destination: bucketconfig.ReplicationDestination{Bucket: "arn:aws:s3:::" + dest, StorageClass: class}}
}

// repl39Engine opens an engine on a fake clock (3 attempts make a
// version FAILED) with versioned buckets src, dsta and dstb and the
// replication configuration of rules on src.
func repl39Engine(t *testing.T, rules ...bucketconfig.ReplicationRule) (*Engine, *fakeClock) {
	return repl39EngineAttempts(t, 3, rules...)
}

func repl39EngineAttempts(t *testing.T, attempts int, rules ...bucketconfig.ReplicationRule) (*Engine, *fakeClock) {
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	opts.Replication = ReplicationOptions{Attempts: attempts}
	e := openTest(t, opts)
	versionedBuckets(t, e, "src", "dsta", "dstb")
	require.NoError(t, e.SetBucketConfig(context.Background(), "src", &bucketconfig.Replication{Rules: rules}))
	return e, clk
}

func repl39Versioning(t *testing.T, e *Engine, bucket, status string) {
	require.NoError(t, e.SetBucketConfig(context.Background(), bucket, &bucketconfig.Versioning{Status: status}))
}

func repl39Status(t *testing.T, e *Engine, key, vid string) string {
	t.Helper()
	info, err := e.HeadObjectVersion(context.Background(), "src", key, vid)
	require.NoError(t, err)
	return info.ReplicationStatus
}

// repl39Tag sets the tags of version vid of key in src to one tag.
func repl39Tag(t *testing.T, e *Engine, key, vid, k, v string) {
	t.Helper()
	_, err := e.UpdateObject(context.Background(), "src", key, ObjectUpdate{VersionID: vid, Tags: &[]Tag{{Key: k, Value: v}}})
	require.NoError(t, err)
}

// repl39Replica returns the replica of version vid of key in bucket, or
// reports that there is none (ok false).
func repl39Replica(t *testing.T, e *Engine, bucket, key, vid string) (ObjectInfo, bool) {
	t.Helper()
	info, err := e.HeadObjectVersion(context.Background(), bucket, key, vid)
	if err != nil {
		require.ErrorIs(t, err, ErrNoSuchVersion)
		return info, false
	}
	return info, true
}

// TestRepl39EveryDestination: rules whose filters overlap and whose
// destinations differ replicate a version to every destination, each
// with the highest-priority rule naming it (S3's ReplicationRule
// Priority), one item per destination; the source's status is PENDING
// until every destination has the version, COMPLETED then (S3 User
// Guide, "Replication status if replicating to multiple destination
// buckets"). Before, only the highest-priority rule's destination got it.
func TestRepl39EveryDestination(t *testing.T) {
	ctx := context.Background()
	e, clk := repl39Engine(t,
		repl39Rule("a-high", "docs/", 3, "dsta", "STANDARD_IA"),
		repl39Rule("b", "", 2, "dstb", ""),
		repl39Rule("a-low", "", 1, "dsta", "ONEZONE_IA"))
	v := putString(t, e, "src", "docs/x", "hello")
	require.Equal(t, ReplicationPending, v.ReplicationStatus)
	n, err := e.ReplicationBacklog(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, n, "one item per destination: dsta once, though two rules name it")

	// dstb refuses for now: dsta's delivery alone does not complete the
	// version.
	repl39Versioning(t, e, "dstb", "Suspended")
	st := repl36Pass(t, e)
	require.Equal(t, ReplicationStats{Replicated: 1, Failed: 1}, st)
	rep, ok := repl39Replica(t, e, "dsta", "docs/x", v.VersionID)
	require.True(t, ok)
	require.Equal(t, ReplicationReplica, rep.ReplicationStatus)
	require.Equal(t, "STANDARD_IA", rep.StorageClass, "the higher-priority rule naming dsta decides")
	require.Equal(t, ReplicationPending, repl39Status(t, e, "docs/x", v.VersionID))

	repl39Versioning(t, e, "dstb", "Enabled")
	clk.Advance(time.Minute)
	st = repl36Pass(t, e)
	require.Equal(t, ReplicationStats{Replicated: 1}, st)
	rep, ok = repl39Replica(t, e, "dstb", "docs/x", v.VersionID)
	require.True(t, ok)
	require.Equal(t, ReplicationReplica, rep.ReplicationStatus)
	require.Equal(t, ReplicationCompleted, repl39Status(t, e, "docs/x", v.VersionID))
	n, err = e.ReplicationBacklog(ctx)
	require.NoError(t, err)
	require.Zero(t, n)

	// Outside docs/ the lower-priority rule to dsta decides there.
	w := putString(t, e, "src", "other/y", "bye")
	require.Equal(t, ReplicationStats{Replicated: 2}, repl36Pass(t, e))
	rep, ok = repl39Replica(t, e, "dsta", "other/y", w.VersionID)
	require.True(t, ok)
	require.Equal(t, "ONEZONE_IA", rep.StorageClass)
	_, ok = repl39Replica(t, e, "dstb", "other/y", w.VersionID)
	require.True(t, ok)
	require.Equal(t, ReplicationCompleted, repl39Status(t, e, "other/y", w.VersionID))

	// A delete marker goes to both.
	dm, err := e.DeleteObjectVersion(ctx, "src", "docs/x", DeleteOptions{})
	require.NoError(t, err)
	require.Equal(t, ReplicationStats{Replicated: 2}, repl36Pass(t, e))
	for _, b := range []string{"dsta", "dstb"} {
		_, err := e.HeadObject(ctx, b, "docs/x")
		var marker *DeleteMarkerError
		require.ErrorAs(t, err, &marker, b)
		require.Equal(t, dm.DeleteMarkerVersionID, marker.VersionID, b)
	}

	// A tag change reaches both replicas: PENDING until both have it.
	repl39Tag(t, e, "other/y", w.VersionID, "k", "v")
	require.Equal(t, ReplicationPending, repl39Status(t, e, "other/y", w.VersionID))
	n, err = e.ReplicationBacklog(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	require.Equal(t, ReplicationStats{Replicated: 2}, repl36Pass(t, e))
	require.Equal(t, ReplicationCompleted, repl39Status(t, e, "other/y", w.VersionID))
	for _, b := range []string{"dsta", "dstb"} {
		rep, ok := repl39Replica(t, e, b, "other/y", w.VersionID)
		require.True(t, ok)
		require.Equal(t, []Tag{{Key: "k", Value: "v"}}, rep.Tags, b)
	}
}

// TestRepl39FailedDestination: a version is FAILED once one destination
// has used up its attempts, whatever the others did ("If one or more
// destinations fail replication, the header returns FAILED"); the other
// destination completing leaves it FAILED, and the failed one completing
// later (retries go on) makes it COMPLETED.
func TestRepl39FailedDestination(t *testing.T) {
	e, clk := repl39Engine(t, repl39Rule("a", "", 2, "dsta", ""), repl39Rule("b", "", 1, "dstb", ""))
	repl39Versioning(t, e, "dsta", "Suspended")
	repl39Versioning(t, e, "dstb", "Suspended")
	v := putString(t, e, "src", "k", "body")
	for i := range 3 {
		require.Equal(t, ReplicationStats{Failed: 2}, repl36Pass(t, e))
		want := ReplicationPending
		if i == 2 {
			want = ReplicationFailed
		}
		require.Equal(t, want, repl39Status(t, e, "k", v.VersionID), "attempt %d", i+1)
		clk.Advance(time.Hour)
	}
	repl39Versioning(t, e, "dsta", "Enabled")
	require.Equal(t, ReplicationStats{Replicated: 1, Failed: 1}, repl36Pass(t, e))
	_, ok := repl39Replica(t, e, "dsta", "k", v.VersionID)
	require.True(t, ok)
	require.Equal(t, ReplicationFailed, repl39Status(t, e, "k", v.VersionID), "dstb still failed")
	repl39Versioning(t, e, "dstb", "Enabled")
	clk.Advance(2 * time.Hour)
	require.Equal(t, ReplicationStats{Replicated: 1}, repl36Pass(t, e))
	_, ok = repl39Replica(t, e, "dstb", "k", v.VersionID)
	require.True(t, ok)
	require.Equal(t, ReplicationCompleted, repl39Status(t, e, "k", v.VersionID))

	// One destination FAILED, the other done: a tag change goes to the
	// one that has the version, and the version stays FAILED.
	w := putString(t, e, "src", "w", "body")
	repl39Versioning(t, e, "dstb", "Suspended")
	for range 3 {
		repl36Pass(t, e)
		clk.Advance(time.Hour)
	}
	require.Equal(t, ReplicationFailed, repl39Status(t, e, "w", w.VersionID))
	repl39Tag(t, e, "w", w.VersionID, "t", "1")
	require.Equal(t, ReplicationFailed, repl39Status(t, e, "w", w.VersionID))
	require.Equal(t, ReplicationStats{Replicated: 1, Failed: 1}, repl36Pass(t, e))
	rep, ok := repl39Replica(t, e, "dsta", "w", w.VersionID)
	require.True(t, ok)
	require.Equal(t, []Tag{{Key: "t", Value: "1"}}, rep.Tags)
	require.Equal(t, ReplicationFailed, repl39Status(t, e, "w", w.VersionID))
}

// TestRepl39SameDestinationOnce: two rules naming the same destination
// queue one item, and the higher-priority rule's settings apply (as
// before; a guard for the per-destination selection).
func TestRepl39SameDestinationOnce(t *testing.T) {
	ctx := context.Background()
	e, _ := repl39Engine(t, repl39Rule("low", "", 1, "dsta", "ONEZONE_IA"), repl39Rule("high", "", 2, "dsta", "STANDARD_IA"))
	v := putString(t, e, "src", "k", "body")
	n, err := e.ReplicationBacklog(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Equal(t, ReplicationStats{Replicated: 1}, repl36Pass(t, e))
	rep, ok := repl39Replica(t, e, "dsta", "k", v.VersionID)
	require.True(t, ok)
	require.Equal(t, "STANDARD_IA", rep.StorageClass)
	require.Equal(t, ReplicationCompleted, repl39Status(t, e, "k", v.VersionID))
}

// TestRepl39EventsPerDestination: replication events name the
// destination they are about; under S3 RTC each destination has its own
// threshold, so a destination delivered in time makes none while the
// blocked one makes OperationMissedThreshold, OperationFailedReplication
// and OperationReplicatedAfterThreshold, each once.
func TestRepl39EventsPerDestination(t *testing.T) {
	rtc := func(r bucketconfig.ReplicationRule) bucketconfig.ReplicationRule {
		d := &r.Destination
		d.Metrics, d.ReplicationTime, d.ReplicationMinutes, d.MetricsThresholdMinutes = "Enabled", "Enabled", 15, 15
		return r
	}
	e, clk := repl39Engine(t, rtc(repl39Rule("a", "", 2, "dsta", "")), rtc(repl39Rule("b", "", 1, "dstb", "")))
	var got repl36Events
	got.subscribe(t, e)
	repl39Versioning(t, e, "dstb", "Suspended")
	putString(t, e, "src", "k", "body")
	require.Equal(t, ReplicationStats{Replicated: 1, Failed: 1}, repl36Pass(t, e))
	clk.Advance(16 * time.Minute)
	require.Equal(t, ReplicationStats{Failed: 1}, repl36Pass(t, e))
	clk.Advance(time.Hour)
	require.Equal(t, ReplicationStats{Failed: 1}, repl36Pass(t, e))
	repl39Versioning(t, e, "dstb", "Enabled")
	clk.Advance(2 * time.Hour)
	require.Equal(t, ReplicationStats{Replicated: 1}, repl36Pass(t, e))
	var seen []string
	for _, ev := range got.take() {
		require.NotNil(t, ev.ReplicationEventData)
		seen = append(seen, ev.EventName+" "+ev.ReplicationEventData.ReplicationRuleID+" "+ev.ReplicationEventData.DestinationBucket)
	}
	require.ElementsMatch(t, []string{
		"Replication:OperationMissedThreshold b arn:aws:s3:::dstb",
		"Replication:OperationFailedReplication b arn:aws:s3:::dstb",
		"Replication:OperationReplicatedAfterThreshold b arn:aws:s3:::dstb",
	}, seen)
	require.Zero(t, repl36Thresholds(t, e), "every RT/ record settled")
}

// repl39MakeLegacy moves the item of version vid of key in src for dest
// (and its RT/ record) to the keys of builds before several
// destinations, which end at the version ID; the value is the same
// encoding (the destination in riDest).
func repl39MakeLegacy(t *testing.T, e *Engine, key, vid, dest string) {
	k := replKey("src", key, vid, "arn:aws:s3:::"+dest)
	v, ok, err := get(e.db, k)
	require.NoError(t, err)
	require.True(t, ok)
	it, err := decodeReplItem(k, v)
	require.NoError(t, err)
	require.NoError(t, e.applyCtx(context.Background(), func(m *mutation) error {
		if err := m.b.Delete(k, nil); err != nil {
			return err
		}
		if !it.deadline.IsZero() {
			if err := m.b.Delete(thresholdKey(it.deadline, "src", key, vid, it.dest), nil); err != nil {
				return err
			}
			if err := m.b.Set(thresholdKey(it.deadline, "src", key, vid, ""), nil, nil); err != nil {
				return err
			}
		}
		return m.b.Set(replKey("src", key, vid, ""), v, nil)
	}))
}

// TestRepl39LegacyItems: items (and RT/ records) written by builds
// before several destinations, keyed without the destination, decode,
// deliver, retry, miss their threshold and settle at their own keys,
// take a metadata change there rather than gaining a twin, and count in
// the version's aggregate status beside the new items.
func TestRepl39LegacyItems(t *testing.T) {
	ctx := context.Background()
	rule := func(id string, prio int, dest string) bucketconfig.ReplicationRule {
		r := repl39Rule(id, "", prio, dest, "")
		d := &r.Destination
		d.Metrics, d.ReplicationTime, d.ReplicationMinutes, d.MetricsThresholdMinutes = "Enabled", "Enabled", 15, 15
		return r
	}
	e, clk := repl39EngineAttempts(t, 5, rule("a", 2, "dsta"), rule("b", 1, "dstb"))
	var got repl36Events
	got.subscribe(t, e)
	v := putString(t, e, "src", "k", "body")
	repl39MakeLegacy(t, e, "k", v.VersionID, "dsta")
	legacy := replKey("src", "k", v.VersionID, "")

	// The legacy item (dsta) fails once and is retried at its own key.
	repl39Versioning(t, e, "dsta", "Suspended")
	repl39Versioning(t, e, "dstb", "Suspended")
	require.Equal(t, ReplicationStats{Failed: 2}, repl36Pass(t, e))
	val, ok, err := get(e.db, legacy)
	require.NoError(t, err)
	require.True(t, ok)
	it, err := decodeReplItem(legacy, val)
	require.NoError(t, err)
	require.True(t, it.legacy)
	require.Equal(t, "arn:aws:s3:::dsta", it.dest)
	require.Equal(t, 1, it.attempts)
	_, twin, err := get(e.db, replKey("src", "k", v.VersionID, "arn:aws:s3:::dsta"))
	require.NoError(t, err)
	require.False(t, twin)

	// Its legacy RT/ record makes OperationMissedThreshold once.
	clk.Advance(16 * time.Minute)
	require.Equal(t, ReplicationStats{Failed: 2}, repl36Pass(t, e))
	val, _, err = get(e.db, legacy)
	require.NoError(t, err)
	it, err = decodeReplItem(legacy, val)
	require.NoError(t, err)
	require.True(t, it.missed)

	// A tag change rewrites the legacy item; no second item for dsta.
	repl39Tag(t, e, "k", v.VersionID, "t", "1")
	n, err := e.ReplicationBacklog(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, n)

	// dstb completes first: PENDING while the legacy item (dsta) waits.
	repl39Versioning(t, e, "dstb", "Enabled")
	clk.Advance(time.Hour)
	require.Equal(t, ReplicationStats{Replicated: 1, Failed: 1}, repl36Pass(t, e))
	require.Equal(t, ReplicationPending, repl39Status(t, e, "k", v.VersionID))
	repl39Versioning(t, e, "dsta", "Enabled")
	clk.Advance(2 * time.Hour)
	require.Equal(t, ReplicationStats{Replicated: 1}, repl36Pass(t, e))
	_, ok, err = get(e.db, legacy)
	require.NoError(t, err)
	require.False(t, ok, "settled at its own key")
	rep, found := repl39Replica(t, e, "dsta", "k", v.VersionID)
	require.True(t, found)
	require.Equal(t, []Tag{{Key: "t", Value: "1"}}, rep.Tags)
	require.Equal(t, ReplicationCompleted, repl39Status(t, e, "k", v.VersionID))
	n, err = e.ReplicationBacklog(ctx)
	require.NoError(t, err)
	require.Zero(t, n)
	var seen []string
	for _, ev := range got.take() {
		seen = append(seen, strings.TrimPrefix(ev.EventName, "Replication:")+" "+ev.ReplicationEventData.DestinationBucket)
	}
	require.ElementsMatch(t, []string{
		"OperationMissedThreshold arn:aws:s3:::dsta", "OperationReplicatedAfterThreshold arn:aws:s3:::dsta",
		"OperationMissedThreshold arn:aws:s3:::dstb", "OperationReplicatedAfterThreshold arn:aws:s3:::dstb",
	}, seen)
	require.Zero(t, repl36Thresholds(t, e), "no RT/ record left")

	// A legacy item delivered within its threshold drops its legacy RT/
	// record, without an event.
	v2 := putString(t, e, "src", "k2", "body")
	repl39MakeLegacy(t, e, "k2", v2.VersionID, "dsta")
	require.Equal(t, 2, repl36Thresholds(t, e))
	require.Equal(t, ReplicationStats{Replicated: 2}, repl36Pass(t, e))
	require.Zero(t, repl36Thresholds(t, e))
	require.Empty(t, got.take())
	require.Equal(t, ReplicationCompleted, repl39Status(t, e, "k2", v2.VersionID))
}

// TestRepl39DeletedBuckets: a destination deleted fails its own items
// (the other destination's complete), and deleting the source bucket
// takes every item of every destination with it, RT/ records dropping
// when due without an event.
func TestRepl39DeletedBuckets(t *testing.T) {
	ctx := context.Background()
	rtc := func(r bucketconfig.ReplicationRule) bucketconfig.ReplicationRule {
		d := &r.Destination
		d.Metrics, d.ReplicationTime, d.ReplicationMinutes, d.MetricsThresholdMinutes = "Enabled", "Enabled", 15, 15
		return r
	}
	e, clk := repl39Engine(t, rtc(repl39Rule("a", "", 2, "dsta", "")), rtc(repl39Rule("b", "", 1, "dstb", "")))
	var got repl36Events
	got.subscribe(t, e)
	require.NoError(t, e.DeleteBucket(ctx, "dstb", DeleteBucketOptions{}))
	v := putString(t, e, "src", "k", "body")
	for range 3 {
		require.Equal(t, 1, repl36Pass(t, e).Failed)
		clk.Advance(time.Minute)
	}
	_, ok := repl39Replica(t, e, "dsta", "k", v.VersionID)
	require.True(t, ok)
	require.Equal(t, ReplicationFailed, repl39Status(t, e, "k", v.VersionID))
	var reasons []string
	for _, ev := range got.take() {
		reasons = append(reasons, ev.EventName+" "+ev.ReplicationEventData.DestinationBucket+" "+ev.ReplicationEventData.FailureReason)
	}
	require.Equal(t, []string{"Replication:OperationFailedReplication arn:aws:s3:::dstb DstBucketNotFound"}, reasons)

	// A second version, both items queued, then the source bucket goes.
	require.NoError(t, e.CreateBucket(ctx, "dstb", BucketOptions{}))
	repl39Versioning(t, e, "dstb", "Enabled")
	w := putString(t, e, "src", "w", "body")
	n, err := e.ReplicationBacklog(ctx)
	require.NoError(t, err)
	require.Equal(t, 3, n, "k's failed item for dstb and w's two")
	for _, x := range []ObjectInfo{v, w} {
		_, err := e.DeleteObjectVersion(ctx, "src", x.Key, DeleteOptions{VersionID: x.VersionID})
		require.NoError(t, err)
	}
	require.NoError(t, e.DeleteBucket(ctx, "src", DeleteBucketOptions{}))
	n, err = e.ReplicationBacklog(ctx)
	require.NoError(t, err)
	require.Zero(t, n)
	clk.Advance(time.Hour)
	require.Equal(t, ReplicationStats{}, repl36Pass(t, e))
	require.Zero(t, repl36Thresholds(t, e))
	require.Empty(t, got.take())
	_, ok = repl39Replica(t, e, "dstb", "w", w.VersionID)
	require.False(t, ok)
}

// TestRepl39ExistingObjectsPerDestination: two rules with
// ExistingObjects naming two destinations each replicate the objects
// that existed before them (S3 Batch Replication's "existing objects";
// OSS HistoricalObjectReplication, one rule per destination): the scan
// of each rule queues the version for its own destination, the progress
// of each counts its own items, and the version is COMPLETED when both
// have it. Before, the lower-priority rule's scan skipped every version
// the other rule also selected.
func TestRepl39ExistingObjectsPerDestination(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	e := openTest(t, opts)
	versionedBuckets(t, e, "src", "dsta", "dstb")
	old := putString(t, e, "src", "docs/old", "old")
	a, b := repl39Rule("a", "", 2, "dsta", ""), repl39Rule("b", "docs/", 1, "dstb", "")
	a.ExistingObjects, b.ExistingObjects = true, true
	require.NoError(t, e.SetBucketConfig(ctx, "src", &bucketconfig.Replication{Rules: []bucketconfig.ReplicationRule{a, b}}))
	p, err := e.BucketReplicationProgress(ctx, "src")
	require.NoError(t, err)
	require.Equal(t, 1, p.Historical["a"].Remaining)
	require.Equal(t, 1, p.Historical["b"].Remaining)
	require.NoError(t, e.historyPass(ctx))
	require.Equal(t, ReplicationPending, repl39Status(t, e, "docs/old", old.VersionID))
	p, err = e.BucketReplicationProgress(ctx, "src")
	require.NoError(t, err)
	require.Equal(t, 2, p.Pending)
	require.Equal(t, 1, p.Historical["a"].Pending)
	require.Equal(t, 1, p.Historical["b"].Pending)
	require.Equal(t, ReplicationStats{Replicated: 2}, repl36Pass(t, e))
	for _, d := range []string{"dsta", "dstb"} {
		_, ok := repl39Replica(t, e, d, "docs/old", old.VersionID)
		require.True(t, ok, d)
	}
	require.Equal(t, ReplicationCompleted, repl39Status(t, e, "docs/old", old.VersionID))
	p, err = e.BucketReplicationProgress(ctx, "src")
	require.NoError(t, err)
	require.True(t, p.Historical["a"].Done())
	require.True(t, p.Historical["b"].Done())
}
