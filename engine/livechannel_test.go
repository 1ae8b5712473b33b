package engine

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestLiveChannels: channels are stored, replaced keeping their history,
// listed by prefix and marker, updated, and they keep their bucket.
func TestLiveChannels(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))

	_, err := e.LiveChannel(ctx, "bkt", "nope")
	require.ErrorIs(t, err, ErrNoSuchLiveChannel)
	_, err = e.LiveChannel(ctx, "none", "nope")
	require.ErrorIs(t, err, ErrNoSuchBucket)
	_, err = e.PutLiveChannel(ctx, "bkt", LiveChannel{Name: "a/b"})
	require.ErrorIs(t, err, ErrInvalidArgument)

	for i := range 5 {
		_, err := e.PutLiveChannel(ctx, "bkt", LiveChannel{Name: fmt.Sprintf("ch-%d", i), Type: "HLS", FragDuration: 5, FragCount: 3, PlaylistName: "playlist.m3u8"})
		require.NoError(t, err)
	}
	_, err = e.PutLiveChannel(ctx, "bkt", LiveChannel{Name: "other", Description: "d", Snapshot: &LiveSnapshot{RoleName: "r", Interval: 7}})
	require.NoError(t, err)
	c, err := e.LiveChannel(ctx, "bkt", "other")
	require.NoError(t, err)
	require.Equal(t, "d", c.Description)
	require.Equal(t, &LiveSnapshot{RoleName: "r", Interval: 7}, c.Snapshot)
	require.False(t, c.Modified.IsZero())

	got, more, err := e.ListLiveChannels(ctx, "bkt", ListLiveChannelsOptions{Prefix: "ch-", Marker: "ch-1", Max: 2})
	require.NoError(t, err)
	require.True(t, more)
	require.Equal(t, []string{"ch-2", "ch-3"}, names(got))
	got, more, err = e.ListLiveChannels(ctx, "bkt", ListLiveChannelsOptions{Marker: "ch-3"})
	require.NoError(t, err)
	require.False(t, more)
	require.Equal(t, []string{"ch-4", "other"}, names(got))

	start := time.Unix(1700000000, 0).UTC()
	for i := range MaxLivePushes + 3 {
		require.NoError(t, e.AddLivePush(ctx, "bkt", "ch-0", LivePush{Start: start.Add(time.Duration(i) * time.Minute), End: start.Add(time.Duration(i)*time.Minute + time.Second), RemoteAddr: "1.2.3.4:5"}))
	}
	c, err = e.UpdateLiveChannel(ctx, "bkt", "ch-0", false, func(c *LiveChannel) error { c.Disabled = true; return nil })
	require.NoError(t, err)
	require.True(t, c.Disabled)
	require.Len(t, c.History, MaxLivePushes)
	require.Equal(t, start.Add(3*time.Minute), c.History[0].Start, "the oldest pushes are dropped")
	// Replacing the configuration keeps the history.
	c, err = e.PutLiveChannel(ctx, "bkt", LiveChannel{Name: "ch-0", Type: "HLS"})
	require.NoError(t, err)
	require.Len(t, c.History, MaxLivePushes)
	require.False(t, c.Disabled)

	require.ErrorIs(t, e.DeleteBucket(ctx, "bkt", DeleteBucketOptions{}), ErrBucketHasLiveChannels)
	require.ErrorIs(t, e.DeleteBucket(ctx, "bkt", DeleteBucketOptions{}), ErrBucketNotEmpty)
	all, _, err := e.ListLiveChannels(ctx, "bkt", ListLiveChannelsOptions{})
	require.NoError(t, err)
	for _, c := range all {
		require.NoError(t, e.DeleteLiveChannel(ctx, "bkt", c.Name))
	}
	require.ErrorIs(t, e.DeleteLiveChannel(ctx, "bkt", "ch-0"), ErrNoSuchLiveChannel)
	require.NoError(t, e.DeleteBucket(ctx, "bkt", DeleteBucketOptions{}))
}

func names(cs []LiveChannel) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}
