package engine

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// Publish queues an event for every configuration that matches it, the
// target gets each once acknowledged, and sequencers keep increasing
// across a restart.
func TestPublishQueueAndRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var mu sync.Mutex
	var got []Event
	fail := true
	target := NotificationTargetFunc(func(_ context.Context, ev Event) error {
		mu.Lock()
		defer mu.Unlock()
		if fail {
			return errors.New("down")
		}
		got = append(got, ev)
		return nil
	})
	opts := &Options{NotificationTargets: map[string]NotificationTarget{"arn:t": target},
		NotificationRetry: 5 * time.Millisecond, NotificationMaxRetry: 20 * time.Millisecond}
	e, err := Open(dir, opts)
	require.NoError(t, err)
	require.NoError(t, e.CreateBucket(ctx, "evb", BucketOptions{}))
	require.NoError(t, e.SetBucketConfig(ctx, "evb", &bucketconfig.Notification{Configs: []bucketconfig.NotificationConfig{
		{ID: "jpg", Type: "Queue", ARN: "arn:t", Events: []string{"s3:ObjectCreated:*"}, Suffix: ".jpg"},
		{ID: "gone", Type: "Queue", ARN: "arn:t", Events: []string{"s3:ObjectRemoved:Delete"}},
	}}))
	b, err := e.Bucket(ctx, "evb")
	require.NoError(t, err)
	var seen []Event
	cancel := e.Subscribe("", func(ev Event) { seen = append(seen, ev) })
	for _, p := range []struct{ name, key string }{
		{"ObjectCreated:Put", "a.jpg"}, {"ObjectCreated:Put", "a.png"}, {"ObjectRemoved:Delete", "a.jpg"}, {"ObjectTagging:Put", "a.jpg"},
	} {
		require.NoError(t, e.Publish(ctx, NewEvent(p.name, b, p.key, e.now())))
	}
	cancel()
	require.Len(t, seen, 4, "subscribers see every event")
	n, err := e.PendingNotifications()
	require.NoError(t, err)
	assert.Equal(t, 2, n, "only the matching ones are queued")
	last := seen[3].S3.Object.Sequencer
	require.NoError(t, e.Close())

	mu.Lock()
	fail = false
	mu.Unlock()
	e, err = Open(dir, opts)
	require.NoError(t, err)
	defer e.Close()
	require.Eventually(t, func() bool { n, _ := e.PendingNotifications(); return n == 0 }, 5*time.Second, 5*time.Millisecond)
	mu.Lock()
	require.Len(t, got, 2)
	assert.Equal(t, "jpg", got[0].S3.ConfigurationID)
	assert.Equal(t, "gone", got[1].S3.ConfigurationID)
	mu.Unlock()
	var after Event
	cancel = e.Subscribe("evb", func(ev Event) { after = ev })
	defer cancel()
	require.NoError(t, e.Publish(ctx, NewEvent("ObjectCreated:Put", b, "b.jpg", time.Unix(0, 0))))
	assert.Greater(t, after.S3.Object.Sequencer, last, "sequencers increase across restarts")
}

// A clock that goes back across a restart with an empty queue does not
// make sequencers go back.
func TestSequencerSurvivesEmptyQueue(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	clk := newFakeClock()
	clk.t = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	opts := &Options{Clock: clk, NotificationTargets: map[string]NotificationTarget{
		"arn:ok": NotificationTargetFunc(func(context.Context, Event) error { return nil })}}
	e, err := Open(dir, opts)
	require.NoError(t, err)
	require.NoError(t, e.CreateBucket(ctx, "seq", BucketOptions{}))
	require.NoError(t, e.SetBucketConfig(ctx, "seq", &bucketconfig.Notification{Configs: []bucketconfig.NotificationConfig{
		{ID: "all", Type: "Queue", ARN: "arn:ok", Events: []string{"s3:ObjectCreated:*"}}}}))
	b, err := e.Bucket(ctx, "seq")
	require.NoError(t, err)
	var last string
	cancel := e.Subscribe("", func(ev Event) { last = ev.S3.Object.Sequencer })
	require.NoError(t, e.Publish(ctx, NewEvent("ObjectCreated:Put", b, "k", e.now())))
	cancel()
	require.Eventually(t, func() bool { n, _ := e.PendingNotifications(); return n == 0 }, 5*time.Second, 5*time.Millisecond)
	require.NoError(t, e.Close())

	clk.Advance(-10 * 365 * 24 * time.Hour) // the engine is closed: nothing reads the clock
	e, err = Open(dir, opts)
	require.NoError(t, err)
	defer e.Close()
	var next string
	cancel = e.Subscribe("", func(ev Event) { next = ev.S3.Object.Sequencer })
	defer cancel()
	require.NoError(t, e.Publish(ctx, NewEvent("ObjectCreated:Put", b, "k", e.now())))
	assert.Greater(t, next, last)
}
