package httpapi

import (
	"context"
	"slices"
	"sync"
	"time"
)

// What the package's tests (httpapi_test among them) reach of its
// insides.

// QoSBurst is how far ahead of its rate a QoS bandwidth meter lets its
// movers be before they wait (rateMeterBurst).
const QoSBurst = rateMeterBurst

// WithShapingClock makes the QoS bandwidth meters read and wait on c
// instead of the wall clock.
func WithShapingClock(c *StepClock) Option { return func(cfg *Config) { cfg.shaping = c } }

// WithTargetOpened runs f when a read through a symlink has opened its
// target (bucket/target), before the target's read is decided.
func WithTargetOpened(f func(bucket, target string)) Option {
	return func(cfg *Config) { cfg.targetOpened = f }
}

// StepClock is a shaping clock that moves only when the test moves it:
// Now stands still, and a Wait returns once Advance, or the goroutine
// Drive starts, has moved the clock to its end. A StepClock is safe for
// concurrent use.
type StepClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []*stepWait
	// waiting is closed, and replaced, when a wait starts.
	waiting chan struct{}
}

type stepWait struct {
	until time.Time
	done  chan struct{}
}

var _ shapingClock = (*StepClock)(nil)

// NewStepClock returns a clock reading t.
func NewStepClock(t time.Time) *StepClock {
	return &StepClock{now: t, waiting: make(chan struct{})}
}

// Now returns the clock's instant.
func (c *StepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Wait returns once the clock has moved d on, or ctx's error when ctx
// ends first.
func (c *StepClock) Wait(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	w := &stepWait{until: c.now.Add(d), done: make(chan struct{})}
	c.waits = append(c.waits, w)
	close(c.waiting)
	c.waiting = make(chan struct{})
	c.mu.Unlock()
	select {
	case <-w.done:
		return nil
	case <-ctx.Done():
		c.mu.Lock()
		c.waits = slices.DeleteFunc(c.waits, func(x *stepWait) bool { return x == w })
		c.mu.Unlock()
		return ctx.Err()
	}
}

// Advance moves the clock d on, ending the waits due by then.
func (c *StepClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.moveLocked(c.now.Add(d))
}

func (c *StepClock) moveLocked(t time.Time) {
	if t.After(c.now) {
		c.now = t
	}
	c.waits = slices.DeleteFunc(c.waits, func(w *stepWait) bool {
		if w.until.After(c.now) {
			return false
		}
		close(w.done)
		return true
	})
}

// Drive starts a goroutine that, whenever something waits on the clock,
// moves the clock to the earliest end of a wait: time passes only while
// a mover is held, and exactly as long as the meters hold it. The
// function it returns stops the goroutine and waits for it.
func (c *StepClock) Drive() (stop func()) {
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			c.mu.Lock()
			if len(c.waits) > 0 {
				next := c.waits[0].until
				for _, w := range c.waits[1:] {
					if w.until.Before(next) {
						next = w.until
					}
				}
				c.moveLocked(next)
				c.mu.Unlock()
				continue
			}
			waiting := c.waiting
			c.mu.Unlock()
			select {
			case <-waiting:
			case <-quit:
				return
			}
		}
	}()
	return func() {
		close(quit)
		<-done
	}
}

// RaceEnabled reports a build with the race detector (for the external
// tests' allocation counts).
const RaceEnabled = raceEnabled
