package httpapi

import (
	"context"
	"testing"
	"time"

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
			p := newPacer(tc.bits, "")
			require.Equal(t, tc.chunk, p.chunk)
			require.Equal(t, p.duration(int64(p.chunk)), p.burst)
		})
	}
}

// TestPacerStall: after the other side stalls, a transfer resumes at its
// rate with one chunk of credit, not in a rush that makes up the time.
func TestPacerStall(t *testing.T) {
	ctx := context.Background()
	// The pacer reads the real clock: the third chunk waits only if the
	// three takes fall within one burst of each other. An attempt in which
	// this goroutine was held up for a burst (a loaded machine under -race)
	// saw a second stall, rightly not made up for, and is run again.
	for attempt := 0; ; attempt++ {
		p := newPacer(819200, "")
		p.start = p.start.Add(-5 * time.Second) // five seconds without a byte
		start := time.Now()
		for i := range 2 { // this chunk, and one of credit
			waited, err := p.take(ctx, int64(p.chunk))
			require.NoError(t, err)
			require.False(t, waited, "chunk %d", i)
		}
		third := time.Now()
		waited, err := p.take(ctx, int64(p.chunk))
		require.NoError(t, err)
		if !waited && time.Since(start) >= p.burst && attempt < 20 {
			continue
		}
		require.True(t, waited)
		// Due one burst after the first take, which came after start.
		require.GreaterOrEqual(t, time.Since(start), p.burst*9/10)
		require.Less(t, time.Since(third), time.Second)
		return
	}
}

// TestPacerCancel: a wait ends with its context.
func TestPacerCancel(t *testing.T) {
	p := newPacer(819200, "")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := p.take(ctx, 10<<20) // 100 seconds' worth
	require.ErrorIs(t, err, context.Canceled)
}
