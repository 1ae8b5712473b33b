package httpapi

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestRateMeter: on a stepped clock, a meter lets through a burst's
// worth of bytes (rateMeterBurst at its rate) without holding anyone,
// holds each byte past that exactly 1/rate, shares its rate between its
// movers, saves up no idle time, and ends a wait with its context.
func TestRateMeter(t *testing.T) {
	ctx := context.Background()
	start := time.Unix(1_700_000_000, 0)
	clock := NewStepClock(start)
	defer clock.Drive()()
	const rate = 1000 // bytes a second: a byte is a millisecond
	burst := int(rateMeterBurst / time.Millisecond)
	m := newRateMeter(rate, clock)

	take := func(n int) time.Duration {
		t.Helper()
		held, err := m.take(ctx, n)
		require.NoError(t, err)
		return held
	}
	// A burst's worth goes at once, in one take or in several.
	require.Zero(t, take(burst-10))
	require.Zero(t, take(10))
	require.Equal(t, start, clock.Now())
	// Each byte more waits for its millisecond.
	require.Equal(t, time.Millisecond, take(1))
	require.Equal(t, 30*time.Millisecond, take(30))
	require.Equal(t, start.Add(31*time.Millisecond), clock.Now())

	// A second of nobody moving anything saves up a burst, not a second.
	clock.Advance(time.Second)
	idle := clock.Now()
	require.Zero(t, take(burst))
	require.Equal(t, 5*time.Millisecond, take(5))
	require.Equal(t, idle.Add(5*time.Millisecond), clock.Now())

	// Two movers share the rate: 200 bytes each take 400 ms together,
	// less the burst, however their takes interleave.
	clock.Advance(time.Second)
	from := clock.Now()
	helds := make(chan time.Duration, 2)
	for range 2 {
		go func() {
			var held time.Duration
			for range 20 {
				d, err := m.take(ctx, 10)
				if err != nil {
					panic(err)
				}
				held += d
			}
			helds <- held
		}()
	}
	a, b := <-helds, <-helds
	elapsed := clock.Now().Sub(from)
	require.Equal(t, 400*time.Millisecond-rateMeterBurst, elapsed)
	require.LessOrEqual(t, max(a, b), elapsed)
	require.GreaterOrEqual(t, a+b, elapsed, "some mover is held whenever the clock moves")

	// A wait ends with its context, and the clock stays put.
	clock.Advance(time.Second)
	before := clock.Now()
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	held, err := m.take(cctx, 10*rate)
	require.ErrorIs(t, err, context.Canceled)
	require.Zero(t, held)
	require.Equal(t, before, clock.Now())
}
