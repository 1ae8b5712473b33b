package engine

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A lifecycle pass cut by Close (the server's SIGINT under load) looked up
// its expiration's event after Close began: the lookup failed with
// ErrClosed and was logged at ERROR as "lifecycle event lost", though the
// delete that follows it is refused with ErrClosed too (the object stays
// for the next pass, which makes its event): nothing was lost.
func TestRace39LifecycleEventAtCloseNotLost(t *testing.T) {
	ctx := context.Background()
	logs := &logBuffer{}
	opts := testOptions()
	opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	e, err := Open("", opts)
	require.NoError(t, err)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{Owner: "o"}))
	_, err = e.PutObject(ctx, "bkt", "k", strings.NewReader("x"), 1, PutOptions{Owner: "o"})
	require.NoError(t, err)
	cancel := e.Subscribe("bkt", func(Event) {}) // the bucket's events are wanted
	defer cancel()
	require.NoError(t, e.Close())

	require.Nil(t, e.expirationEvent(ctx, "bkt", "k", time.Now()))
	require.NotContains(t, logs.String(), "lifecycle event lost")
	// The expiration the event was for is refused as well.
	require.ErrorIs(t, e.DeleteObject(ctx, "bkt", "k", DeleteOptions{}), ErrClosed)
}
