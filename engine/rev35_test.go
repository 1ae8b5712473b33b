package engine

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/stretchr/testify/require"
)

// TestRev35RepeatedRefusedVersionDelete: DeleteObjectVersions answers a
// repeated entry (same key and version, unconditional) with the first
// entry's outcome. When the first was refused (a version under
// COMPLIANCE retention, a malformed version ID) the repeat is refused as
// well and makes no event: before, it was answered as deleted and its
// ObjectRemoved:Delete event published for a delete that did not happen.
func TestRev35RepeatedRefusedVersionDelete(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "lkb", BucketOptions{ObjectLock: true}))
	require.NoError(t, e.SetBucketConfig(ctx, "lkb", &bucketconfig.ObjectLock{Mode: "COMPLIANCE", Days: 1}))
	v1 := putString(t, e, "lkb", "k", "one")
	var seen []Event
	cancel := e.Subscribe("lkb", func(ev Event) { seen = append(seen, ev) })
	defer cancel()
	f := &EventFacts{Name: "ObjectRemoved:Delete", Bucket: "lkb"}
	objs := []ObjectVersion{{Key: "k", VersionID: v1.VersionID}, {Key: "k", VersionID: v1.VersionID},
		{Key: "k", VersionID: "not-a-version"}, {Key: "k", VersionID: "not-a-version"}}
	res, err := e.DeleteObjectVersions(WithEvent(ctx, f), "lkb", objs, "")
	require.NoError(t, err)
	require.Len(t, res, 4)
	require.ErrorIs(t, res[0].Err, ErrObjectLocked)
	require.ErrorIs(t, res[1].Err, ErrObjectLocked, "the repeat of a refused delete is refused too")
	require.ErrorIs(t, res[2].Err, ErrInvalidVersionID)
	require.ErrorIs(t, res[3].Err, ErrInvalidVersionID, "the repeat of a refused delete is refused too")
	require.Empty(t, seen, "no delete happened: no event")
	_, err = e.HeadObjectVersion(ctx, "lkb", "k", v1.VersionID)
	require.NoError(t, err)
}

// TestRev35LifecycleExpirationMarkerEvent: a lifecycle expiration of an
// object in a versioned bucket writes a delete marker, and S3 names its
// event s3:LifecycleExpiration:DeleteMarkerCreated (S3 User Guide,
// "Configuring S3 Lifecycle event notifications"), with the marker's
// version; s3:LifecycleExpiration:Delete is the expiration that removes
// the object (an unversioned bucket). Before, every expiration was
// LifecycleExpiration:Delete, so a configuration asking for
// DeleteMarkerCreated (which PutBucketNotificationConfiguration accepts)
// never received one.
func TestRev35LifecycleExpirationMarkerEvent(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock = clk
	var mu sync.Mutex
	delivered := map[string]string{} // bucket -> "configuration event"
	opts.NotificationTargets = map[string]NotificationTarget{"arn:rev35": NotificationTargetFunc(func(_ context.Context, ev Event) error {
		mu.Lock()
		defer mu.Unlock()
		delivered[ev.S3.Bucket.Name] += ev.S3.ConfigurationID + " " + ev.EventName + ";"
		return nil
	})}
	e := openTest(t, opts)
	for _, b := range []string{"life-u", "life-v"} {
		require.NoError(t, e.CreateBucket(ctx, b, BucketOptions{}))
		require.NoError(t, e.SetBucketConfig(ctx, b, &bucketconfig.Lifecycle{Rules: []bucketconfig.LifecycleRule{
			{ID: "exp", Enabled: true, Expiration: &bucketconfig.LifecycleExpiration{Days: 1}}}}))
		require.NoError(t, e.SetBucketConfig(ctx, b, &bucketconfig.Notification{Configs: []bucketconfig.NotificationConfig{
			{ID: "del", Type: "Queue", ARN: "arn:rev35", Events: []string{"s3:LifecycleExpiration:Delete"}},
			{ID: "marker", Type: "Queue", ARN: "arn:rev35", Events: []string{"s3:LifecycleExpiration:DeleteMarkerCreated"}}}}))
	}
	require.NoError(t, e.SetBucketConfig(ctx, "life-v", &bucketconfig.Versioning{Status: "Enabled"}))
	putString(t, e, "life-u", "k", "u")
	putString(t, e, "life-v", "k", "v")
	seen := map[string]Event{}
	cancel := e.Subscribe("", func(ev Event) { seen[ev.S3.Bucket.Name] = ev })
	defer cancel()
	clk.Advance(3 * 24 * time.Hour)
	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, st.Expired)

	require.Equal(t, "LifecycleExpiration:Delete", seen["life-u"].EventName)
	require.Empty(t, seen["life-u"].S3.Object.VersionID)
	vs, err := e.ListObjectVersions(ctx, "life-v", VersionListOptions{})
	require.NoError(t, err)
	var marker string
	for _, v := range vs.Versions {
		if v.DeleteMarker {
			marker = v.VersionID
		}
	}
	require.NotEmpty(t, marker, "the expiration wrote a delete marker")
	ev := seen["life-v"]
	require.Equal(t, "LifecycleExpiration:DeleteMarkerCreated", ev.EventName)
	require.Equal(t, marker, ev.S3.Object.VersionID)

	// One delivery each, to the configuration that asked for its name.
	want := map[string]string{"life-u": "del LifecycleExpiration:Delete;", "life-v": "marker LifecycleExpiration:DeleteMarkerCreated;"}
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(delivered) == len(want)
	}, 10*time.Second, 10*time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, want, delivered)
}
