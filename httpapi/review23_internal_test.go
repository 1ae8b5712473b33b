package httpapi

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestReview23VodSortIsNotQuadratic (SEC4-5): GetVodPlaylist sorted the
// segments it found by insertion, which is quadratic when they come in
// reverse time order (one segment per playlist base: keys sort by base
// first), so one read of a channel with a writer's 200,000 such objects
// cost some 2*10^10 moves. They are sorted stably in n log n.
func TestReview23VodSortIsNotQuadratic(t *testing.T) {
	const n = 200_000
	t0 := time.UnixMilli(1_700_000_000_000)
	es := make([]hlsEntry, n)
	for i := range es {
		es[i] = hlsEntry{name: "b" + strconv.Itoa(i), at: t0.Add(time.Duration(n-i/2) * time.Millisecond)}
	}
	done := make(chan struct{})
	go func() { sortEntries(es); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("sorting 200,000 segments in reverse order took over 5 s")
	}
	for i := 1; i < n; i++ {
		require.False(t, es[i].at.Before(es[i-1].at), "order at %d", i)
	}
	require.Equal(t, []string{"b199998", "b199999"}, []string{es[0].name, es[1].name}, "equal times keep their order")
}

// A playlist name is written into the m3u8 text: a control character
// (a newline) in it would add lines of its own.
func TestReview23PlaylistNameHasNoControlCharacters(t *testing.T) {
	for name, want := range map[string]bool{"playlist.m3u8": true, "a\n#EXT-X-ENDLIST\nb.m3u8": false, "tab\t.m3u8": false, "x/y.m3u8": false, "直播.m3u8": true} {
		if got := validPlaylistName(name); got != want {
			t.Errorf("validPlaylistName(%q) = %v, want %v", name, got, want)
		}
	}
}
