package httpapi

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStreamFlush: messages written in quick succession stay buffered
// (the handler's return sends them in one write); one written after
// flushEvery, or a progress tick after it, flushes what waits.
func TestStreamFlush(t *testing.T) {
	// streamFlush reads the real clock: an attempt in which this goroutine
	// was held up for flushEvery between the two writes (a loaded machine
	// under -race) rightly flushed the second, and is run again. Within
	// flushEvery of start, neither write may flush.
	for attempt := 0; ; attempt++ {
		w := httptest.NewRecorder()
		var f streamFlush
		start := time.Now()
		require.NoError(t, f.tick(w))
		assert.False(t, w.Flushed, "nothing written")
		require.NoError(t, f.wrote(w))
		require.NoError(t, f.wrote(w))
		if time.Since(start) >= flushEvery && attempt < 20 {
			continue
		}
		assert.False(t, w.Flushed, "two messages at once stay buffered")
		time.Sleep(flushEvery + 10*time.Millisecond)
		require.NoError(t, f.tick(w))
		assert.True(t, w.Flushed, "a message that waited flushEvery is flushed by the next tick")
		break
	}

	w := httptest.NewRecorder()
	f := streamFlush{}
	require.NoError(t, f.wrote(w))
	time.Sleep(flushEvery + 10*time.Millisecond)
	require.NoError(t, f.wrote(w))
	assert.True(t, w.Flushed, "a message after flushEvery flushes")
	w.Flushed = false
	require.NoError(t, f.tick(w))
	assert.False(t, w.Flushed, "nothing waits after a flush")
}
