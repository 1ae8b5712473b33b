package fake

import (
	"sync"
	"time"

	"github.com/osslite/osslite/engine"
)

// Clock is a settable clock: it reads the same instant until Advance or Set
// moves it. It implements engine.Clock; the fake's engine and handler read
// every client-visible time from it (Last-Modified, Date, bucket creation
// dates, signature skew and presigned-URL expiry).
//
// A server's clock starts at the real time of fake.New truncated to the
// second (inside a testing/synctest bubble that is the bubble's fake time,
// 2000-01-01T00:00:00Z unless the bubble has advanced). Starting near real
// time is deliberate: SDKs sign with the wall clock, and OSS header
// signatures (and, with WithSkewCheck, S3 ones) must be within 15 minutes
// of Now (see the package section Time). Because the clock stands still,
// objects written one after another share a Last-Modified time until the
// test moves it.
//
// A Clock is safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

var _ engine.Clock = (*Clock)(nil)

// NewClock returns a clock reading t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's current instant.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d (backward if d is negative) and
// returns the new instant.
func (c *Clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return c.now
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}
