package engine

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/cockroachdb/pebble/v2/vfs/errorfs"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// logHold is a filesystem whose write-ahead log syncs can be held: a
// write committed while they are held is visible but not yet durable.
type logHold struct {
	on      atomic.Bool
	held    atomic.Int32
	release chan struct{}
}

func newLogHold() *logHold { return &logHold{release: make(chan struct{})} }

func (h *logHold) fs() vfs.FS {
	return errorfs.Wrap(vfs.NewMem(), errorfs.InjectorFunc(func(op errorfs.Op) error {
		if h.on.Load() && isSyncOp(op.Kind) && strings.HasSuffix(op.Path, ".log") {
			h.held.Add(1)
			<-h.release
		}
		return nil
	}))
}

// hold holds the log's syncs until the returned func lets them go (it
// may be called again: the test defers it before the store's Close, so
// that a failed check does not leave Close waiting).
func (h *logHold) hold() (letGo func()) {
	h.on.Store(true)
	return func() {
		if h.on.Swap(false) {
			close(h.release)
		}
	}
}

// committedUnsynced starts write and returns once its batch is applied
// and its sync held, with the channel its error arrives on.
func (h *logHold) committedUnsynced(t *testing.T, write func() error) chan error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- write() }()
	require.Eventually(t, func() bool { return h.held.Load() > 0 }, 5*time.Second, time.Millisecond, "the write's sync is held")
	return done
}

// A durable store delivers an event only once its write is durable.
// pebble makes a batch visible before the write-ahead log sync that
// makes it durable completes (ApplyNoSyncWait: the writer waits for the
// sync, readers do not), so the deliverer could read a queued delivery
// whose write a crash would still undo, and tell a target about an
// object that then never existed. Here the log's syncs are held while a
// PutObject commits: nothing may be delivered until they are let go.
func TestDeliverOnlyDurableEvents(t *testing.T) {
	ctx := context.Background()
	h := newLogHold()
	var mu sync.Mutex
	var got []string
	target := NotificationTargetFunc(func(_ context.Context, ev Event) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, ev.EventName+" "+ev.S3.Object.Key)
		return nil
	})
	e, err := Open("/db", &Options{FS: h.fs(), Sync: SyncAlways,
		NotificationTargets: map[string]NotificationTarget{"arn:t": target}})
	require.NoError(t, err)
	defer e.Close()
	require.NoError(t, e.CreateBucket(ctx, "dsb", BucketOptions{}))
	require.NoError(t, e.SetBucketConfig(ctx, "dsb", &bucketconfig.Notification{Configs: []bucketconfig.NotificationConfig{
		{ID: "all", Type: "Queue", ARN: "arn:t", Events: []string{"s3:ObjectCreated:*"}}}}))

	letGo := h.hold()
	defer letGo()
	put := h.committedUnsynced(t, func() error {
		_, err := e.PutObject(WithEvent(ctx, &EventFacts{Name: "ObjectCreated:Put", Bucket: "dsb"}),
			"dsb", "k", strings.NewReader("hello"), 5, PutOptions{})
		return err
	})
	// The batch is applied and the deliverer kicked by now; give it time.
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	early := append([]string(nil), got...)
	mu.Unlock()
	require.Empty(t, early, "an event delivered before its write was durable")

	letGo()
	require.NoError(t, <-put)
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) == 1
	}, 5*time.Second, 5*time.Millisecond)
	require.Equal(t, "ObjectCreated:Put k", got[0])
}

// The same for replication: a remote destination receives a version
// only once the write that made it is durable here.
func TestReplicateOnlyDurableVersions(t *testing.T) {
	ctx := context.Background()
	h := newLogHold()
	target := &flakyTarget{bodies: map[string][]byte{}}
	opts := &Options{FS: h.fs(), Sync: SyncAlways, Clock: newFakeClock(), CompactInterval: -1,
		Replication: ReplicationOptions{Targets: map[string]ReplicationTarget{"arn:aws:s3:::remote": target}, Interval: time.Hour}}
	e, err := Open("/db", opts)
	require.NoError(t, err)
	defer e.Close()
	versionedBuckets(t, e, "src")
	require.NoError(t, e.SetBucketConfig(ctx, "src", replicationConfig("remote", false)))

	letGo := h.hold()
	defer letGo()
	put := h.committedUnsynced(t, func() error {
		_, err := e.PutObject(ctx, "src", "docs/f", bytes.NewReader([]byte("early")), 5, PutOptions{})
		return err
	})
	pass := make(chan error, 1)
	go func() { _, err := e.RunPending(ctx); pass <- err }()
	time.Sleep(300 * time.Millisecond)
	target.mu.Lock()
	early := len(target.bodies)
	target.mu.Unlock()
	require.Zero(t, early, "a version replicated before its write was durable")

	letGo()
	require.NoError(t, <-put)
	require.NoError(t, <-pass)
	target.mu.Lock()
	defer target.mu.Unlock()
	require.Equal(t, []byte("early"), target.bodies["remote/docs/f"])
}
