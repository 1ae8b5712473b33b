package engine

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// repl36Config is replicationConfig with replication Metrics enabled
// and, with rtc, S3 RTC (ReplicationTime Enabled, 15 minutes, and the
// Metrics' EventThreshold of 15 minutes).
func repl36Config(dest string, markers, rtc bool) *bucketconfig.Replication {
	c := replicationConfig(dest, markers)
	d := &c.Rules[0].Destination
	d.Metrics = "Enabled"
	if rtc {
		d.ReplicationTime, d.ReplicationMinutes, d.MetricsThresholdMinutes = "Enabled", 15, 15
	}
	return c
}

// repl36Events records the Replication events a subscriber sees.
type repl36Events struct {
	mu  sync.Mutex
	evs []Event
}

func (r *repl36Events) subscribe(t *testing.T, e *Engine) {
	cancel := e.Subscribe("", func(ev Event) {
		if strings.HasPrefix(ev.EventName, "Replication:") {
			r.mu.Lock()
			r.evs = append(r.evs, ev)
			r.mu.Unlock()
		}
	})
	t.Cleanup(cancel)
}

// take returns the events seen since the last take.
func (r *repl36Events) take() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.evs
	r.evs = nil
	return out
}

func repl36Names(evs []Event) []string {
	var out []string
	for _, ev := range evs {
		out = append(out, ev.EventName+" "+ev.ObjectKey())
	}
	return out
}

// repl36Pass runs one replication pass at the clock's time.
func repl36Pass(t *testing.T, e *Engine) ReplicationStats {
	t.Helper()
	st, err := e.replicationPass(context.Background(), e.now(), true)
	require.NoError(t, err)
	return st
}

// TestRepl36FailedReplicationEvent: a delivery that fails until its
// version is marked FAILED makes one s3:Replication:OperationFailedReplication
// event, as S3 documents it: eventVersion 2.2, principal and source
// address s3.amazonaws.com, the version's size, ETag and ID, and
// replicationEventData with the rule's ID, the destination's ARN,
// s3Operation OBJECT_PUT, the write's time and the failure reason S3
// names for the cause (none for a remote target's refusal). A rule
// without Metrics makes none, and a delivery that completes makes none
// (S3 has no completion event; main sent MinIO's
// OperationCompletedReplication on every delivery and the failure
// event for every rule, without replicationEventData).
func TestRepl36FailedReplicationEvent(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name    string
		metrics bool
		marker  bool
		remote  bool
		breakIt func(t *testing.T, e *Engine) // makes the local destination "dst" refuse
		reason  string
	}{
		{name: "destination deleted", metrics: true, reason: "DstBucketNotFound", breakIt: func(t *testing.T, e *Engine) {
			require.NoError(t, e.DeleteBucket(ctx, "dst", DeleteBucketOptions{}))
		}},
		{name: "destination versioning suspended", metrics: true, reason: "DstBucketUnversioned", breakIt: func(t *testing.T, e *Engine) {
			require.NoError(t, e.SetBucketConfig(ctx, "dst", &bucketconfig.Versioning{Status: "Suspended"}))
		}},
		{name: "destination another owner's", metrics: true, reason: "DstPutObjectNotPermitted", breakIt: func(t *testing.T, e *Engine) {
			require.NoError(t, e.DeleteBucket(ctx, "dst", DeleteBucketOptions{}))
			require.NoError(t, e.CreateBucket(ctx, "dst", BucketOptions{Owner: "someone-else"}))
			require.NoError(t, e.SetBucketConfig(ctx, "dst", &bucketconfig.Versioning{Status: "Enabled"}))
		}},
		{name: "delete marker to another owner's destination", metrics: true, marker: true, reason: "DstDelObjNotPermitted", breakIt: func(t *testing.T, e *Engine) {
			res, err := e.ListObjectVersions(ctx, "dst", VersionListOptions{})
			require.NoError(t, err)
			for _, v := range res.Versions { // the replica of the version
				_, err := e.DeleteObjectVersion(ctx, "dst", v.Key, DeleteOptions{VersionID: v.VersionID})
				require.NoError(t, err)
			}
			require.NoError(t, e.DeleteBucket(ctx, "dst", DeleteBucketOptions{}))
			require.NoError(t, e.CreateBucket(ctx, "dst", BucketOptions{Owner: "someone-else"}))
			require.NoError(t, e.SetBucketConfig(ctx, "dst", &bucketconfig.Versioning{Status: "Enabled"}))
		}},
		{name: "remote target down", metrics: true, remote: true, reason: ""},
		{name: "no metrics", metrics: false, breakIt: func(t *testing.T, e *Engine) {
			require.NoError(t, e.DeleteBucket(ctx, "dst", DeleteBucketOptions{}))
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clk := newFakeClock()
			opts := testOptions()
			opts.Clock = clk
			opts.CompactInterval = -1
			target := &flakyTarget{down: true, bodies: map[string][]byte{}}
			opts.Replication = ReplicationOptions{Targets: map[string]ReplicationTarget{"arn:aws:s3:::remote": target}, Attempts: 3}
			e := openTest(t, opts)
			var got repl36Events
			got.subscribe(t, e)
			versionedBuckets(t, e, "src", "dst")
			dest := "dst"
			if c.remote {
				dest = "remote"
			}
			cfg := replicationConfig(dest, c.marker)
			if c.metrics {
				cfg = repl36Config(dest, c.marker, false)
			}
			require.NoError(t, e.SetBucketConfig(ctx, "src", cfg))
			v := putString(t, e, "src", "docs/a b", "hello")
			want := v
			if c.marker {
				repl36Pass(t, e) // the version itself replicates
				dm, err := e.DeleteObjectVersion(ctx, "src", "docs/a b", DeleteOptions{})
				require.NoError(t, err)
				require.True(t, dm.DeleteMarker)
				want = ObjectInfo{VersionID: dm.DeleteMarkerVersionID, LastModified: clk.Now()}
			}
			if c.breakIt != nil {
				c.breakIt(t, e)
			}
			for range 2 {
				st := repl36Pass(t, e)
				require.Equal(t, 1, st.Failed)
				clk.Advance(time.Hour)
			}
			require.Empty(t, got.take(), "no event before the attempt that marks it FAILED")
			st := repl36Pass(t, e)
			require.Equal(t, 1, st.Failed)
			evs := got.take()
			if !c.metrics {
				require.Empty(t, evs, "S3 sends failure events only for rules with replication Metrics")
				return
			}
			require.Len(t, evs, 1)
			ev := evs[0]
			require.Equal(t, "Replication:OperationFailedReplication", ev.EventName)
			require.Equal(t, "2.2", ev.EventVersion)
			require.Equal(t, "s3.amazonaws.com", ev.UserIdentity.PrincipalID)
			require.Equal(t, "s3.amazonaws.com", ev.RequestParameters.SourceIPAddress)
			require.Equal(t, "src", ev.S3.Bucket.Name)
			require.Equal(t, "docs%2Fa+b", ev.S3.Object.Key)
			require.Equal(t, want.VersionID, ev.S3.Object.VersionID)
			require.NotEmpty(t, ev.S3.Object.Sequencer)
			data := ev.ReplicationEventData
			require.NotNil(t, data)
			op := "OBJECT_PUT"
			if c.marker {
				op = "" // S3 documents no value for delete markers
				require.Nil(t, ev.S3.Object.Size)
			} else {
				require.Equal(t, int64(5), *ev.S3.Object.Size)
				require.Equal(t, v.ETag, ev.S3.Object.ETag)
			}
			require.Equal(t, EventReplication{ReplicationRuleID: "r", DestinationBucket: "arn:aws:s3:::" + dest, S3Operation: op,
				RequestTime: want.LastModified.UTC().Format(eventTimeFormat), FailureReason: c.reason}, *data)
			// The JSON names are S3's.
			raw, err := json.Marshal(ev)
			require.NoError(t, err)
			require.Contains(t, string(raw), `"replicationEventData":{"replicationRuleId":"r","destinationBucket":"arn:aws:s3:::`+dest+`"`)

			// Retries go on without another failure event; the delivery
			// that completes makes none.
			clk.Advance(2 * time.Hour)
			repl36Pass(t, e)
			require.Empty(t, got.take())
			if c.remote {
				target.mu.Lock()
				target.down = false
				target.mu.Unlock()
			} else {
				if b, err := e.Bucket(ctx, "dst"); err != nil || b.Owner != "" {
					if err == nil {
						require.NoError(t, e.DeleteBucket(ctx, "dst", DeleteBucketOptions{}))
					}
					require.NoError(t, e.CreateBucket(ctx, "dst", BucketOptions{}))
				}
				require.NoError(t, e.SetBucketConfig(ctx, "dst", &bucketconfig.Versioning{Status: "Enabled"}))
			}
			clk.Advance(2 * time.Hour)
			st = repl36Pass(t, e)
			require.Equal(t, 1, st.Replicated)
			require.Empty(t, got.take(), "no event for a completed replication")
		})
	}
}

// TestRepl36Thresholds: under S3 RTC (ReplicationTime and Metrics
// enabled, a 15-minute threshold), a version still pending 15 minutes
// after its write makes s3:Replication:OperationMissedThreshold once, at
// its threshold, and its later replication
// OperationReplicatedAfterThreshold once, also across a restart in
// between; a version replicated within the threshold makes neither, and
// leaves no threshold record behind. main made none of them.
func TestRepl36Thresholds(t *testing.T) {
	ctx := context.Background()
	fs := vfs.NewMem()
	clk := newFakeClock()
	target := &flakyTarget{down: true, bodies: map[string][]byte{}}
	opts := testOptions()
	opts.FS, opts.Clock, opts.CompactInterval = fs, clk, -1
	// Retries never mark it FAILED here (that event has its own test).
	opts.Replication = ReplicationOptions{Targets: map[string]ReplicationTarget{"arn:aws:s3:::remote": target}, Attempts: 1000}
	e, err := Open("/db", opts)
	require.NoError(t, err)
	var got repl36Events
	got.subscribe(t, e)
	versionedBuckets(t, e, "src", "fast", "dst")
	require.NoError(t, e.SetBucketConfig(ctx, "src", repl36Config("remote", false, true)))
	require.NoError(t, e.SetBucketConfig(ctx, "fast", repl36Config("dst", false, true)))
	slow := putString(t, e, "src", "docs/slow", "slow")
	quick := putString(t, e, "fast", "docs/quick", "quick")
	require.Equal(t, 2, repl36Thresholds(t, e), "one threshold record per version")

	repl36Pass(t, e) // fast replicates at once; slow fails
	require.Empty(t, got.take(), "nothing within the threshold")
	require.Equal(t, 1, repl36Thresholds(t, e), "the version replicated in time drops its record")
	info, err := e.HeadObject(ctx, "fast", "docs/quick")
	require.NoError(t, err)
	require.Equal(t, ReplicationCompleted, info.ReplicationStatus)

	clk.Advance(14*time.Minute + 59*time.Second)
	repl36Pass(t, e)
	require.Empty(t, got.take(), "not yet at the threshold")
	clk.Advance(2 * time.Second)
	repl36Pass(t, e)
	evs := got.take()
	require.Equal(t, []string{"Replication:OperationMissedThreshold docs/slow"}, repl36Names(evs))
	ev := evs[0]
	require.Equal(t, "2.2", ev.EventVersion)
	require.Equal(t, slow.LastModified.Add(15*time.Minute).UTC().Format(eventTimeFormat), ev.EventTime, "made at the threshold")
	require.Equal(t, slow.VersionID, ev.S3.Object.VersionID)
	require.Equal(t, EventReplication{ReplicationRuleID: "r", DestinationBucket: "arn:aws:s3:::remote", S3Operation: "OBJECT_PUT",
		RequestTime: slow.LastModified.UTC().Format(eventTimeFormat)}, *ev.ReplicationEventData)
	require.Zero(t, repl36Thresholds(t, e))
	clk.Advance(time.Hour)
	repl36Pass(t, e)
	require.Empty(t, got.take(), "once")

	// A restart keeps the item's missed threshold.
	require.NoError(t, e.Close())
	e, err = Open("/db", opts)
	require.NoError(t, err)
	defer func() { require.NoError(t, e.Close()) }()
	got.subscribe(t, e)
	clk.Advance(time.Hour)
	repl36Pass(t, e)
	require.Empty(t, got.take())
	target.mu.Lock()
	target.down = false
	target.mu.Unlock()
	clk.Advance(2 * time.Hour)
	st := repl36Pass(t, e)
	require.Equal(t, 1, st.Replicated)
	evs = got.take()
	require.Equal(t, []string{"Replication:OperationReplicatedAfterThreshold docs/slow"}, repl36Names(evs))
	require.Equal(t, clk.Now().UTC().Format(eventTimeFormat), evs[0].EventTime)
	require.Equal(t, "OBJECT_PUT", evs[0].ReplicationEventData.S3Operation)
	repl36Pass(t, e)
	require.Empty(t, got.take())
	_ = quick
}

// TestRepl36ThresholdAcrossMetadataChange: a tag change queued while the
// version is still pending keeps its threshold (the item queued again
// carries it), and the delivery ends it once: the version missed its
// threshold, so OperationReplicatedAfterThreshold is made once, not again
// for the tag change's own delivery.
func TestRepl36ThresholdAcrossMetadataChange(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock, opts.CompactInterval = clk, -1
	e := openTest(t, opts)
	var got repl36Events
	got.subscribe(t, e)
	versionedBuckets(t, e, "src", "dst")
	require.NoError(t, e.SetBucketConfig(ctx, "src", repl36Config("dst", false, true)))
	require.NoError(t, e.DeleteBucket(ctx, "dst", DeleteBucketOptions{})) // deliveries fail
	v := putString(t, e, "src", "docs/t", "t")
	repl36Pass(t, e)
	clk.Advance(16 * time.Minute)
	_, err := e.UpdateObject(ctx, "src", "docs/t", ObjectUpdate{VersionID: v.VersionID, Tags: &[]Tag{{Key: "k", Value: "v"}}})
	require.NoError(t, err)
	repl36Pass(t, e)
	require.Equal(t, []string{"Replication:OperationMissedThreshold docs/t"}, repl36Names(got.take()))
	versionedBuckets(t, e, "dst")
	clk.Advance(2 * time.Hour)
	repl36Pass(t, e)
	require.Equal(t, []string{"Replication:OperationReplicatedAfterThreshold docs/t"}, repl36Names(got.take()))
	clk.Advance(2 * time.Hour)
	repl36Pass(t, e)
	require.Empty(t, got.take())
	n, err := e.ReplicationBacklog(ctx)
	require.NoError(t, err)
	require.Zero(t, n)
}

// repl36Thresholds counts the RT/ records.
func repl36Thresholds(t *testing.T, e *Engine) int {
	t.Helper()
	it, err := e.db.NewIter(&pebble.IterOptions{LowerBound: []byte(prefixReplThreshold), UpperBound: prefixEnd([]byte(prefixReplThreshold))})
	require.NoError(t, err)
	n := 0
	for ok := it.First(); ok; ok = it.Next() {
		n++
	}
	require.NoError(t, it.Close())
	return n
}

// TestRepl36ThresholdCrash: a replication pass finds three versions past
// their S3 RTC threshold and delivers them, while a crash image is taken
// at every sync. In every image, for each version: its
// OperationMissedThreshold event is pending if and only if its item was
// marked missed or the version is COMPLETED, its
// OperationReplicatedAfterThreshold event if and only if it is COMPLETED,
// and its threshold record exists if and only if neither event was made:
// each event is queued in the batch that changes the state it reports.
func TestRepl36ThresholdCrash(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	pc, e := newEvt34PassCrash(t, clk)
	versionedBuckets(t, e, "rsrc", "rdst")
	require.NoError(t, e.SetBucketConfig(ctx, "rsrc", repl36Config("rdst", true, true)))
	require.NoError(t, e.SetBucketConfig(ctx, "rsrc", &bucketconfig.Notification{Configs: []bucketconfig.NotificationConfig{
		{ID: "repl", Type: "Queue", ARN: "arn:dur33", Events: []string{"s3:Replication:*"}}}}))
	keys := []string{"docs/a", "docs/b", "docs/c"}
	for _, k := range keys {
		_, err := e.PutObject(ctx, "rsrc", k, strings.NewReader(k), int64(len(k)), PutOptions{})
		require.NoError(t, err)
	}
	clk.Advance(16 * time.Minute)
	st := pc.run(e, 6) // two events per version
	require.Equal(t, 3, st.Replication.Replicated)
	pc.eachImage(func(re *Engine, where string) {
		queued := map[string]map[string]int{}
		for _, ev := range evt34Queued(t, re) {
			f := strings.Fields(ev)
			key := strings.SplitN(f[2], "@", 2)[0]
			if queued[key] == nil {
				queued[key] = map[string]int{}
			}
			queued[key][f[1]]++
		}
		for _, k := range keys {
			info, err := re.HeadObject(ctx, "rsrc", k)
			require.NoError(t, err, where)
			done := info.ReplicationStatus == ReplicationCompleted
			v, pending, err := get(re.db, replKey("rsrc", k, info.VersionID, "arn:aws:s3:::rdst"))
			require.NoError(t, err)
			missed := done
			if pending {
				it, err := decodeReplItem(replKey("rsrc", k, info.VersionID, "arn:aws:s3:::rdst"), v)
				require.NoError(t, err)
				missed = it.missed
				_, rt, err := get(re.db, thresholdKey(it.deadline, "rsrc", k, info.VersionID, it.dest))
				require.NoError(t, err)
				require.Equal(t, !missed, rt, "%s: %s threshold record", where, k)
			}
			q := queued["rsrc/"+k]
			require.Equal(t, map[bool]int{true: 1}[missed], q["Replication:OperationMissedThreshold"], "%s: %s missed=%v", where, k, missed)
			require.Equal(t, map[bool]int{true: 1}[done], q["Replication:OperationReplicatedAfterThreshold"], "%s: %s %s", where, k, info.ReplicationStatus)
		}
	})
}

// The threshold and the failure of one write both reach a subscriber of
// a bucket with a notification configuration asking only for
// s3:Replication:OperationMissedThreshold: a configuration filters them
// by name like any other event.
func TestRepl36ConfigurationFilters(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock, opts.CompactInterval = clk, -1
	opts.Replication = ReplicationOptions{Attempts: 2}
	var mu sync.Mutex
	var delivered []string
	opts.NotificationTargets = map[string]NotificationTarget{"arn:missed": NotificationTargetFunc(func(_ context.Context, ev Event) error {
		mu.Lock()
		defer mu.Unlock()
		delivered = append(delivered, ev.EventName)
		return nil
	})}
	e := openTest(t, opts)
	versionedBuckets(t, e, "src", "dst")
	require.NoError(t, e.SetBucketConfig(ctx, "src", repl36Config("dst", false, true)))
	require.NoError(t, e.SetBucketConfig(ctx, "src", &bucketconfig.Notification{Configs: []bucketconfig.NotificationConfig{
		{ID: "m", Type: "Queue", ARN: "arn:missed", Events: []string{"s3:Replication:OperationMissedThreshold"}}}}))
	require.NoError(t, e.DeleteBucket(ctx, "dst", DeleteBucketOptions{}))
	putString(t, e, "src", "docs/x", "x")
	for range 3 {
		repl36Pass(t, e)
		clk.Advance(10 * time.Minute)
	}
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(delivered) == 1
	}, 5*time.Second, 5*time.Millisecond)
	time.Sleep(50 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, []string{"Replication:OperationMissedThreshold"}, delivered)
}
