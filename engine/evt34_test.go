package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/stretchr/testify/require"
)

// evt34Publish runs TestEvt34CrashEverySync's operations as the HTTP layer
// did before the thirty-fourth session: the write, then Publish in a batch
// of its own. The test must fail so (a crash between the two commits keeps
// the write and loses its event).
var evt34Publish = flag.Bool("evt34.publish", false, "TestEvt34CrashEverySync: publish each event after its write (the old path; expected to fail)")

const (
	evt34Plain     = "ev-u" // unversioned, notifications on
	evt34Versioned = "ev-v" // versioned, notifications on
	evt34AppendKey = "app"  // the appendable object of evt34Plain
)

// TestEvt34CrashEverySync runs the operations that queue their event in
// their own batch (PutObject, ExtendObject, CopyObject,
// CompleteMultipartUpload, DeleteObjectVersion with and without a version,
// DeleteObjects, DeleteEntries, DeleteObjectVersions, UpdateObject of the
// tags) in buckets with a
// notification configuration whose target never acknowledges, and takes a
// crash image at every sync. Every image must reopen to a state of the
// acknowledged history in which the objects and the pending deliveries
// belong to the same prefix of operations: a change that survived has its
// delivery queued, and no delivery exists for a change that did not.
func TestEvt34CrashEverySync(t *testing.T) {
	seeds, ops := 4, 150
	if testing.Short() {
		seeds, ops = 1, 25
	}
	total := 0
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { total += evt34RunEverySync(t, seed, ops) })
	}
	t.Logf("%d crash points checked", total)
}

func evt34RunEverySync(t *testing.T, seed uint64, nops int) int {
	ctx := context.Background()
	cfg := dur33Options(seed)
	rec := newSyncRecorder(seed)
	opts := cfg()
	opts.FS = rec.fs()
	opts.Sync = SyncAlways
	e, err := Open("/db", opts)
	require.NoError(t, err)
	for _, b := range []string{evt34Plain, evt34Versioned} {
		require.NoError(t, e.CreateBucket(ctx, b, BucketOptions{}))
		require.NoError(t, e.SetBucketConfig(ctx, b, &bucketconfig.Notification{Configs: []bucketconfig.NotificationConfig{
			{ID: "all", Type: "Queue", ARN: "arn:dur33", Events: []string{"s3:ObjectCreated:*", "s3:ObjectRemoved:*", "s3:ObjectTagging:*"}}}}))
	}
	require.NoError(t, e.SetBucketConfig(ctx, evt34Versioned, &bucketconfig.Versioning{Status: "Enabled"}))
	w := &evt34Workload{e: e, rng: rand.New(rand.NewPCG(seed, 3))}
	history, names := recordSteps(t, rec, nops, w.step, func() evt34State { return evt34Observe(t, e) })
	kinds := countNames(names)
	last := history[len(history)-1]
	require.Equal(t, w.events, len(last.events), "every operation queued its events")
	e.audit(t)
	require.NoError(t, e.Close())

	images := rec.taken()
	t.Logf("%d ops %v, %d events, %d crash images", nops, kinds, w.events, len(images))
	for n, img := range images {
		allowed := history[img.lo:min(img.hi+1, len(history))]
		where := fmt.Sprintf("image %d (sync of %s after %d acknowledged ops)", n, img.path, img.lo)
		o := cfg()
		o.FS = img.fs
		o.Sync = SyncAlways
		re, err := Open("/db", o)
		require.NoError(t, err, "%s must open", where)
		got := evt34Observe(t, re)
		require.NoError(t, re.Close())
		if !slices.ContainsFunc(allowed, func(s evt34State) bool { return s.equal(got) }) {
			i := slices.IndexFunc(allowed, func(s evt34State) bool { return slices.Equal(s.objects, got.objects) })
			if i < 0 {
				require.Equal(t, allowed[len(allowed)-1].objects, got.objects, "%s: objects not of the acknowledged history", where)
			}
			require.Equal(t, allowed[i].events, got.events, "%s: the objects are those after op %d, the pending deliveries are not", where, img.lo+i)
		}
	}
	return len(images)
}

// evt34State is what a crash must keep together: the bucket's versions
// and the pending deliveries.
type evt34State struct {
	objects []string
	events  []string
}

func (s evt34State) equal(o evt34State) bool {
	return slices.Equal(s.objects, o.objects) && slices.Equal(s.events, o.events)
}

func evt34Observe(t *testing.T, e *Engine) evt34State {
	t.Helper()
	ctx := context.Background()
	var s evt34State
	for _, b := range []string{evt34Plain, evt34Versioned} {
		res, err := e.ListObjectVersions(ctx, b, VersionListOptions{MaxKeys: 10000})
		require.NoError(t, err)
		require.False(t, res.IsTruncated)
		for _, v := range res.Versions {
			s.objects = append(s.objects, fmt.Sprintf("%s/%s@%s %s %d dm=%v tags=%v", b, v.Key, v.VersionID, v.ETag, v.Size, v.DeleteMarker, v.Tags))
		}
	}
	s.events = evt34Queued(t, e)
	return s
}

// evt34QueuedPerKey counts e's pending deliveries per "bucket/key"
// (versions together), each of which must be of the event name.
func evt34QueuedPerKey(t *testing.T, e *Engine, name, where string) map[string]int {
	t.Helper()
	return evt34QueuedPerKeyNamed(t, e, func(string) string { return name }, where)
}

// evt34QueuedPerKeyNamed is evt34QueuedPerKey with the event name each
// bucket's deliveries must have.
func evt34QueuedPerKeyNamed(t *testing.T, e *Engine, nameOf func(bucket string) string, where string) map[string]int {
	t.Helper()
	queued := map[string]int{}
	for _, ev := range evt34Queued(t, e) {
		f := strings.Fields(ev)
		key := strings.SplitN(f[2], "@", 2)[0]
		require.Equal(t, nameOf(strings.SplitN(key, "/", 2)[0]), f[1], where)
		queued[key]++
	}
	return queued
}

// evt34Queued decodes the pending deliveries, in queue order.
func evt34Queued(t *testing.T, e *Engine) []string {
	t.Helper()
	var out []string
	it, err := e.db.NewIter(&pebble.IterOptions{LowerBound: []byte(prefixQueue), UpperBound: []byte("Q0")})
	require.NoError(t, err)
	for it.First(); it.Valid(); it.Next() {
		var q queued
		require.NoError(t, json.Unmarshal(it.Value(), &q))
		ev := q.Event
		size := "-"
		if ev.S3.Object.Size != nil {
			size = fmt.Sprint(*ev.S3.Object.Size)
		}
		out = append(out, fmt.Sprintf("%s %s %s/%s@%s etag=%s size=%s seq=%s req=%s", q.ARN, ev.EventName, ev.S3.Bucket.Name,
			ev.ObjectKey(), ev.S3.Object.VersionID, ev.S3.Object.ETag, size, ev.S3.Object.Sequencer, ev.ResponseElements.RequestID))
	}
	require.NoError(t, it.Close())
	return out
}

// evt34Workload runs the converted operations at random.
type evt34Workload struct {
	e         *Engine
	rng       *rand.Rand
	n         int
	events    int   // events the operations made
	appendLen int64 // evt34AppendKey's size
}

// evt34Change is the event one operation makes.
type evt34Change struct {
	name, key string
	size      int64
	etag, vid string
}

// run runs op under the event facts of name about bucket (or, with
// -evt34.publish, publishes its changes after it, as main did).
func (w *evt34Workload) run(ctx context.Context, name, bucket string, op func(ctx context.Context) ([]evt34Change, error)) error {
	w.n++
	if !*evt34Publish {
		ctx = WithEvent(ctx, &EventFacts{Name: name, Bucket: bucket, Region: "us-east-1", PrincipalID: "evt34",
			SourceIP: "192.0.2.1", RequestID: fmt.Sprint("req-", w.n)})
	}
	changes, err := op(ctx)
	if err != nil {
		return err
	}
	w.events += len(changes)
	if !*evt34Publish {
		return nil
	}
	b, err := w.e.Bucket(ctx, bucket)
	if err != nil {
		return err
	}
	b.Region = "us-east-1"
	for _, c := range changes {
		ev := NewEvent(c.name, b, c.key, w.e.now())
		ev.UserIdentity.PrincipalID = "evt34"
		ev.RequestParameters.SourceIPAddress = "192.0.2.1"
		ev.ResponseElements.RequestID = fmt.Sprint("req-", w.n)
		if c.size >= 0 {
			ev.S3.Object.Size = &c.size
		}
		ev.S3.Object.ETag, ev.S3.Object.VersionID = c.etag, c.vid
		if err := w.e.Publish(ctx, ev); err != nil {
			return err
		}
	}
	return nil
}

func (w *evt34Workload) body() []byte {
	n := []int{0, 100, 3000, 70 << 10}[w.rng.IntN(4)]
	return bytes.Repeat([]byte{byte('a' + w.n%26)}, n)
}

func (w *evt34Workload) bucket() string {
	return []string{evt34Plain, evt34Versioned}[w.rng.IntN(2)]
}

func (w *evt34Workload) key() string { return fmt.Sprint("k", w.rng.IntN(4)) }

func created(name string, info ObjectInfo) []evt34Change {
	return []evt34Change{{name: name, key: info.Key, size: info.Size, etag: info.ETag, vid: info.VersionID}}
}

func removed(res []DeleteResult) []evt34Change {
	var out []evt34Change
	for i := range res {
		if res[i].Err == nil {
			name, vid := removedEvent(&res[i])
			out = append(out, evt34Change{name: name, key: res[i].Key, size: -1, vid: vid})
		}
	}
	return out
}

// versions returns the version IDs of bucket's key.
func (w *evt34Workload) versions(ctx context.Context, bucket, key string) ([]string, error) {
	res, err := w.e.ListObjectVersions(ctx, bucket, VersionListOptions{Prefix: key, MaxKeys: 1000})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, v := range res.Versions {
		if v.Key == key {
			out = append(out, v.VersionID)
		}
	}
	return out, nil
}

func (w *evt34Workload) step(ctx context.Context) (string, error) {
	e := w.e
	switch op := w.rng.IntN(9); op {
	case 0:
		b, k, body := w.bucket(), w.key(), w.body()
		return "PutObject", w.run(ctx, "ObjectCreated:Put", b, func(ctx context.Context) ([]evt34Change, error) {
			info, err := e.PutObject(ctx, b, k, bytes.NewReader(body), int64(len(body)), PutOptions{})
			return created("ObjectCreated:Put", info), err
		})
	case 1:
		body := append(w.body(), '!') // an append adds at least one byte
		return "ExtendObject", w.run(ctx, "ObjectCreated:Put", evt34Plain, func(ctx context.Context) ([]evt34Change, error) {
			info, err := e.ExtendObject(ctx, evt34Plain, evt34AppendKey, w.appendLen, bytes.NewReader(body), int64(len(body)), PutOptions{})
			w.appendLen = info.Size
			return created("ObjectCreated:Put", info), err
		})
	case 2:
		src, dst, k := w.bucket(), w.bucket(), w.key()
		if _, err := e.HeadObject(ctx, src, k); err != nil {
			return "CopyObject (no source)", nil
		}
		dk := w.key()
		if src == dst && dk == k {
			dk += "-copy"
		}
		return "CopyObject", w.run(ctx, "ObjectCreated:Copy", dst, func(ctx context.Context) ([]evt34Change, error) {
			info, err := e.CopyObject(ctx, src, k, dst, dk, CopyOptions{})
			return created("ObjectCreated:Copy", info), err
		})
	case 3:
		b, k, body := w.bucket(), w.key(), w.body()
		id, err := e.CreateMultipartUpload(ctx, b, k, PutOptions{})
		if err != nil {
			return "CreateMultipartUpload", err
		}
		p, err := e.UploadPart(ctx, b, k, id, 1, bytes.NewReader(body), int64(len(body)), PartOptions{})
		if err != nil {
			return "UploadPart", err
		}
		return "CompleteMultipartUpload", w.run(ctx, "ObjectCreated:CompleteMultipartUpload", b, func(ctx context.Context) ([]evt34Change, error) {
			info, err := e.CompleteMultipartUpload(ctx, b, k, id, []CompletePart{{PartNumber: 1, ETag: p.ETag}}, CompleteOptions{})
			return created("ObjectCreated:CompleteMultipartUpload", info), err
		})
	case 4:
		b, k := w.bucket(), w.key()
		return "DeleteObject", w.run(ctx, "ObjectRemoved:Delete", b, func(ctx context.Context) ([]evt34Change, error) {
			res, err := e.DeleteObjectVersion(ctx, b, k, DeleteOptions{})
			return removed([]DeleteResult{res}), err
		})
	case 5:
		k := w.key()
		vids, err := w.versions(ctx, evt34Versioned, k)
		if err != nil || len(vids) == 0 {
			return "DeleteObject version (none)", err
		}
		vid := vids[w.rng.IntN(len(vids))]
		return "DeleteObject version", w.run(ctx, "ObjectRemoved:Delete", evt34Versioned, func(ctx context.Context) ([]evt34Change, error) {
			res, err := e.DeleteObjectVersion(ctx, evt34Versioned, k, DeleteOptions{VersionID: vid})
			return removed([]DeleteResult{res}), err
		})
	case 6:
		b := w.bucket()
		keys := []string{w.key(), w.key(), "missing"}
		if w.rng.IntN(2) == 0 {
			return "DeleteObjects", w.run(ctx, "ObjectRemoved:Delete", b, func(ctx context.Context) ([]evt34Change, error) {
				res, err := e.DeleteObjects(ctx, b, keys)
				return removed(res), err
			})
		}
		entries := []DeleteEntry{{Key: keys[0]}, {Key: keys[1], IfMatch: "*"}, {Key: keys[2]}}
		return "DeleteEntries", w.run(ctx, "ObjectRemoved:Delete", b, func(ctx context.Context) ([]evt34Change, error) {
			res, err := e.DeleteEntries(ctx, b, entries)
			return removed(res), err
		})
	case 8:
		b, k := w.bucket(), w.key()
		if _, err := e.HeadObject(ctx, b, k); err != nil {
			return "UpdateObject tags (none)", nil
		}
		tags := []Tag{{Key: "n", Value: fmt.Sprint(w.n)}}
		name := "ObjectTagging:Put"
		if w.rng.IntN(3) == 0 {
			tags, name = []Tag{}, "ObjectTagging:Delete"
		}
		return "UpdateObject tags", w.run(ctx, name, b, func(ctx context.Context) ([]evt34Change, error) {
			info, err := e.UpdateObject(ctx, b, k, ObjectUpdate{Tags: &tags})
			return []evt34Change{{name: name, key: k, size: -1, etag: info.ETag}}, err
		})
	default:
		k := w.key()
		vids, err := w.versions(ctx, evt34Versioned, k)
		if err != nil || len(vids) == 0 {
			return "DeleteObjectVersions (none)", err
		}
		// One entry: each entry naming a version is its own step.
		objs := []ObjectVersion{{Key: k, VersionID: vids[w.rng.IntN(len(vids))]}}
		return "DeleteObjectVersions", w.run(ctx, "ObjectRemoved:Delete", evt34Versioned, func(ctx context.Context) ([]evt34Change, error) {
			res, err := e.DeleteObjectVersions(ctx, evt34Versioned, objs, "")
			return removed(res), err
		})
	}
}

// TestEvt34Subscribers checks what an operation under WithEvent gives its
// subscribers: the events as Publish gave them, sequencers increasing, and
// nothing for a failed write or for another bucket.
func TestEvt34Subscribers(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "sbk", BucketOptions{}))
	var seen []Event
	cancel := e.Subscribe("sbk", func(ev Event) { seen = append(seen, ev) })
	defer cancel()
	f := &EventFacts{Name: "ObjectCreated:Put", Bucket: "sbk", Region: "eu-west-1", PrincipalID: "me", SourceIP: "192.0.2.9", RequestID: "r1", HostID: "h1"}
	info, err := e.PutObject(WithEvent(ctx, f), "sbk", "a b", strings.NewReader("hello"), 5, PutOptions{})
	require.NoError(t, err)
	_, err = e.PutObject(WithEvent(ctx, f), "sbk", "a b", strings.NewReader("hello"), 5, PutOptions{IfNoneMatch: "*"})
	require.ErrorIs(t, err, ErrPreconditionFailed)
	// Facts of another kind are not taken: a delete under creation facts
	// makes no event.
	_, err = e.DeleteObjectVersion(WithEvent(ctx, f), "sbk", "other", DeleteOptions{})
	require.NoError(t, err)
	res, err := e.DeleteObjects(WithEvent(ctx, &EventFacts{Name: "ObjectRemoved:Delete", Bucket: "sbk"}), "sbk", []string{"a b", "gone"})
	require.NoError(t, err)
	require.Len(t, res, 2)
	require.Len(t, seen, 3)
	ev := seen[0]
	require.Equal(t, "ObjectCreated:Put", ev.EventName)
	require.Equal(t, "a+b", ev.S3.Object.Key)
	require.Equal(t, info.ETag, ev.S3.Object.ETag)
	require.Equal(t, int64(5), *ev.S3.Object.Size)
	require.Equal(t, "eu-west-1", ev.AWSRegion)
	require.Equal(t, "me", ev.UserIdentity.PrincipalID)
	require.Equal(t, "192.0.2.9", ev.RequestParameters.SourceIPAddress)
	require.Equal(t, "r1", ev.ResponseElements.RequestID)
	require.Equal(t, "h1", ev.ResponseElements.HostID)
	require.Equal(t, "ObjectRemoved:Delete", seen[1].EventName)
	require.Equal(t, "a+b", seen[1].S3.Object.Key)
	require.Nil(t, seen[1].S3.Object.Size)
	require.Equal(t, "gone", seen[2].S3.Object.Key)
	require.Less(t, seen[0].S3.Object.Sequencer, seen[1].S3.Object.Sequencer)
	require.Less(t, seen[1].S3.Object.Sequencer, seen[2].S3.Object.Sequencer)
	n, err := e.PendingNotifications()
	require.NoError(t, err)
	require.Zero(t, n, "no configuration: nothing queued")
}

// TestEvt34LifecycleCrash crashes a lifecycle pass that expires objects
// in buckets with notifications at every sync: in every image an expired
// object (gone, or hidden by a delete marker) has its
// LifecycleExpiration:Delete delivery queued (DeleteMarkerCreated in the
// versioned bucket), and an object still there has none. Before the thirty-fourth session the event was published
// after the expiration's commit, in a batch of its own.
func TestEvt34LifecycleCrash(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	pc, e := newEvt34PassCrash(t, clk)
	buckets := []string{"life-u", "life-v"}
	for _, b := range buckets {
		require.NoError(t, e.CreateBucket(ctx, b, BucketOptions{}))
		require.NoError(t, e.SetBucketConfig(ctx, b, &bucketconfig.Lifecycle{Rules: []bucketconfig.LifecycleRule{
			{ID: "exp", Enabled: true, Filter: bucketconfig.LifecycleFilter{Prefix: "exp/"}, Expiration: &bucketconfig.LifecycleExpiration{Days: 1}}}}))
		require.NoError(t, e.SetBucketConfig(ctx, b, &bucketconfig.Notification{Configs: []bucketconfig.NotificationConfig{
			{ID: "life", Type: "Queue", ARN: "arn:dur33", Events: []string{"s3:LifecycleExpiration:*"}}}}))
		for i := range 5 {
			for _, p := range []string{"exp/", "keep/"} {
				body := fmt.Sprint(b, p, i)
				_, err := e.PutObject(ctx, b, fmt.Sprint(p, i), strings.NewReader(body), int64(len(body)), PutOptions{})
				require.NoError(t, err)
			}
		}
	}
	require.NoError(t, e.SetBucketConfig(ctx, "life-v", &bucketconfig.Versioning{Status: "Enabled"}))
	clk.Advance(3 * 24 * time.Hour)
	st := pc.run(e, 10) // one event per expiration
	require.Equal(t, 10, st.Expired)
	pc.eachImage(func(re *Engine, where string) {
		// The versioned bucket's expirations write delete markers.
		queued := evt34QueuedPerKeyNamed(t, re, func(b string) string {
			return map[string]string{"life-u": "LifecycleExpiration:Delete", "life-v": "LifecycleExpiration:DeleteMarkerCreated"}[b]
		}, where)
		for _, b := range buckets {
			for k := range 5 {
				key := fmt.Sprint("exp/", k)
				_, err := re.HeadObject(ctx, b, key)
				gone := errors.Is(err, ErrNoSuchKey)
				require.True(t, err == nil || gone, "%s: %v", where, err)
				require.Equal(t, map[bool]int{true: 1}[gone], queued[b+"/"+key], "%s: %s/%s gone=%v", where, b, key, gone)
			}
		}
	})
}

// evt34PassCrash frames the tests that crash one background pass at
// every sync: a store whose syncs rec records (on clk when set; no pass
// runs but the test's), run for the pass, eachImage for the images.
type evt34PassCrash struct {
	t    *testing.T
	base func() *Options
	rec  *syncRecorder
	clk  *fakeClock
}

// newEvt34PassCrash opens the store of a pass crash test.
func newEvt34PassCrash(t *testing.T, clk *fakeClock) (*evt34PassCrash, *Engine) {
	pc := &evt34PassCrash{t: t, base: dur33Options(1), rec: newSyncRecorder(1), clk: clk}
	opts := pc.options()
	if clk != nil {
		opts.Clock = clk // the live store's clock moves; the images' stand still
	}
	opts.FS = pc.rec.fs()
	e, err := Open("/db", opts)
	require.NoError(t, err)
	return pc, e
}

// options are the store's options, on the clock stopped at clk's time
// when it is set.
func (pc *evt34PassCrash) options() *Options {
	o := pc.base()
	if pc.clk != nil {
		o.Clock = fixedClock(pc.clk.Now())
	}
	o.CompactInterval = -1 // passes run only when the test says
	o.Sync = SyncAlways
	return o
}

// run runs one pass of e while crash images are taken, checks that it
// left pending deliveries pending, and closes e.
func (pc *evt34PassCrash) run(e *Engine, pending int) LifecycleStats {
	t := pc.t
	pc.rec.recording.Store(true)
	st, err := e.RunPending(context.Background())
	require.NoError(t, err)
	pc.rec.recording.Store(false)
	n, err := e.PendingNotifications()
	require.NoError(t, err)
	require.Equal(t, pending, n, "deliveries queued by the pass")
	require.NoError(t, e.Close())
	return st
}

// eachImage opens every crash image the pass left and calls check.
func (pc *evt34PassCrash) eachImage(check func(re *Engine, where string)) {
	t := pc.t
	images := pc.rec.taken()
	require.NotEmpty(t, images)
	t.Logf("%d crash images", len(images))
	for i, img := range images {
		where := fmt.Sprintf("image %d of %d", i, len(images))
		o := pc.options()
		o.FS = img.fs
		re, err := Open("/db", o)
		require.NoError(t, err, "%s must open", where)
		check(re, where)
		require.NoError(t, re.Close())
	}
}
