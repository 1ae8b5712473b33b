package httpapi

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPacerChunks: a pacer moves a twentieth of a second's worth at
// once, between 1 KiB and maxPaceChunk.
func TestPacerChunks(t *testing.T) {
	for _, tc := range []struct {
		name  string
		bits  int64
		chunk int
	}{
		{"OSS's lowest, 100 KiB/s", 819200, 5 << 10},
		{"256 KiB/s", 2 << 20, (256 << 10) / 20},
		{"1 MiB/s: capped", 8 << 20, maxPaceChunk},
		{"OSS's highest, 100 MiB/s", 838860800, maxPaceChunk},
		{"below OSS's bounds", 8 << 10, 1 << 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPacer(tc.bits, "", wallClock{})
			require.Equal(t, tc.chunk, p.chunk)
			require.Equal(t, p.duration(int64(p.chunk)), p.burst)
		})
	}
}

// TestPacerStall: after the other side stalls, a transfer resumes at its
// rate with one chunk of credit, not in a rush that makes up the time;
// on a stepped clock, so the hold is exact.
func TestPacerStall(t *testing.T) {
	ctx := context.Background()
	clk := NewStepClock(time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC))
	stop := clk.Drive()
	defer stop()
	p := newPacer(819200, "", clk)
	start := clk.Now()
	clk.Advance(5 * time.Second) // five seconds without a byte
	for i := range 2 {           // this chunk, and one of credit
		waited, err := p.take(ctx, int64(p.chunk))
		require.NoError(t, err)
		require.False(t, waited, "chunk %d", i)
	}
	require.Equal(t, 5*time.Second, clk.Now().Sub(start), "nothing held")
	waited, err := p.take(ctx, int64(p.chunk))
	require.NoError(t, err)
	require.True(t, waited, "the third chunk is a burst ahead of the rate")
	assert.Equal(t, 5*time.Second+p.burst, clk.Now().Sub(start), "held exactly one burst")
	assert.Equal(t, p.burst, p.held)
	// Further chunks go at the rate: each held one burst.
	for range 3 {
		_, err := p.take(ctx, int64(p.chunk))
		require.NoError(t, err)
	}
	assert.Equal(t, 5*time.Second+4*p.burst, clk.Now().Sub(start))
}

// TestPacerCancel: a wait ends with its context.
func TestPacerCancel(t *testing.T) {
	p := newPacer(819200, "", wallClock{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := p.take(ctx, 10<<20) // 100 seconds' worth
	require.ErrorIs(t, err, context.Canceled)
}
