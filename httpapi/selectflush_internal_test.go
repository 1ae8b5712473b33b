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
	w := httptest.NewRecorder()
	var f streamFlush
	require.NoError(t, f.tick(w))
	assert.False(t, w.Flushed, "nothing written")
	require.NoError(t, f.wrote(w))
	require.NoError(t, f.wrote(w))
	assert.False(t, w.Flushed, "two messages at once stay buffered")
	time.Sleep(flushEvery + 10*time.Millisecond)
	require.NoError(t, f.tick(w))
	assert.True(t, w.Flushed, "a message that waited flushEvery is flushed by the next tick")

	w = httptest.NewRecorder()
	f = streamFlush{}
	require.NoError(t, f.wrote(w))
	time.Sleep(flushEvery + 10*time.Millisecond)
	require.NoError(t, f.wrote(w))
	assert.True(t, w.Flushed, "a message after flushEvery flushes")
	w.Flushed = false
	require.NoError(t, f.tick(w))
	assert.False(t, w.Flushed, "nothing waits after a flush")
}
