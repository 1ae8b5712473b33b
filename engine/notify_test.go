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
	assert.Greater(t, after.S3.Object.Sequencer, last, "sequencers increase across restarts, whatever the clock says")
}
