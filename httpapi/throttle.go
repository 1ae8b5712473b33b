package httpapi

import (
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// Slow and greedy clients. Three defences, all configured in Config:
//
//   - admission: at most MaxConcurrentRequests requests are served at
//     once, at most MaxAnonymousRequests of them without credentials; one
//     more is answered 503 SlowDown at once (never queued);
//   - request bodies must keep moving: a body that brings nothing for
//     BodyIdleTimeout, or less than MinBodyRate*BodyRateWindow bytes in a
//     window, fails its read with errRequestTimeout (400 RequestTimeout),
//     so the write it feeds aborts and nothing is stored;
//   - object bodies are written under a deadline per MiB (WriteTimeout),
//     so a client that stops reading frees its handler.
//
// The deadlines are connection deadlines (http.ResponseController), so
// they are wall-clock times: the engine clock, which may be a test's,
// plays no part, and nothing here is shown to clients. Where the writer
// has no deadlines (an in-memory transport), a timer cancels the body
// read instead.

// admission counts the requests being served.
type admission struct {
	all, anon atomic.Int64
}

// enter admits a request unless a cap (<= 0: none) is reached; a request
// admitted must leave.
func (a *admission) enter(anon bool, maxAll, maxAnon int) bool {
	if n := a.all.Add(1); maxAll > 0 && n > int64(maxAll) {
		a.all.Add(-1)
		return false
	}
	if !anon {
		return true
	}
	if n := a.anon.Add(1); maxAnon > 0 && n > int64(maxAnon) {
		a.anon.Add(-1)
		a.all.Add(-1)
		return false
	}
	return true
}

// becomeAnonymous counts a request admitted as signed among the
// anonymous ones after all, unless their cap is reached.
func (a *admission) becomeAnonymous(maxAnon int) bool {
	if n := a.anon.Add(1); maxAnon > 0 && n > int64(maxAnon) {
		a.anon.Add(-1)
		return false
	}
	return true
}

// admitAnonymous holds rc, found to be anonymous once its credentials
// were read, to the anonymous requests' cap: anonymousRequest judged it
// from the raw request only, which a request without credentials can
// make look signed (an Authorization header or a query parameter whose
// name ends in signature). One more than the cap is 503 SlowDown.
func (s *server) admitAnonymous(rc *request) error {
	if rc.anonSlot || !rc.who.anonymous {
		return nil
	}
	if !s.inflight.becomeAnonymous(s.cfg.MaxAnonymousRequests) {
		return errorf("SlowDown", "")
	}
	rc.anonSlot = true
	return nil
}

func (a *admission) leave(anon bool) {
	if anon {
		a.anon.Add(-1)
	}
	a.all.Add(-1)
}

// anonymousRequest reports whether r carries no credentials: no
// Authorization header and no signature query parameter (X-Amz-Signature,
// Signature, x-oss-signature). It looks at the raw request only, so it
// costs nothing before authentication; a request that claims credentials
// it does not have is refused by authentication, and counted meanwhile as
// signed.
func anonymousRequest(r *http.Request) bool {
	if _, ok := r.Header["Authorization"]; ok {
		return false
	}
	return !strings.Contains(strings.ToLower(r.URL.RawQuery), "signature=")
}

// errRequestTimeout is what a request body read returns when the client
// sends too slowly (Config.MinBodyRate, Config.BodyIdleTimeout).
var errRequestTimeout = errors.New("httpapi: request body too slow")

// slowBody guards a request body against clients that send too slowly.
// Before each read it sets the connection's read deadline to the earlier
// of "idle from now" and "the end of the current rate window"; only time
// spent waiting in Read counts against the window. A window that brings
// its quota ends, and the next one starts.
type slowBody struct {
	r    io.Reader
	ctl  *http.ResponseController // nil once deadlines are not supported
	stop io.Closer                // closed by the timer when ctl is nil
	// quota is the bytes each window must bring (0: no rate limit).
	quota  int64
	window time.Duration
	idle   time.Duration // 0: no idle limit

	got     int64         // bytes in the current window
	waited  time.Duration // time spent in Read in the current window
	timer   *time.Timer
	tripped atomic.Bool
	err     error // sticky: EOF or a failure
}

// guardBody wraps rc's raw request body in a slowBody, unless the body is
// empty or both limits are off.
func (s *server) guardBody(rc *request) {
	c := &s.cfg
	if rc.body == http.NoBody || (c.MinBodyRate < 0 && c.BodyIdleTimeout < 0) {
		return
	}
	b := &slowBody{r: rc.body, ctl: http.NewResponseController(rc.w), stop: rc.r.Body, window: c.BodyRateWindow}
	if c.MinBodyRate > 0 {
		b.quota = max(int64(float64(c.MinBodyRate)*c.BodyRateWindow.Seconds()), 1)
	}
	if c.BodyIdleTimeout > 0 {
		b.idle = c.BodyIdleTimeout
	}
	rc.body, rc.slow = b, b
}

// limit is how long the next read may wait: what is left of the window,
// and no more than the idle limit.
func (b *slowBody) limit() time.Duration {
	d := time.Duration(math.MaxInt64)
	if b.quota > 0 {
		d = max(b.window-b.waited, 0)
	}
	if b.idle > 0 {
		d = min(d, b.idle)
	}
	return d
}

func (b *slowBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	limit := b.limit()
	start := time.Now()
	deadline := start.Add(limit)
	if b.ctl != nil {
		if err := b.ctl.SetReadDeadline(deadline); errors.Is(err, http.ErrNotSupported) {
			b.ctl = nil
		}
	}
	if b.ctl == nil {
		if b.timer == nil {
			b.timer = time.AfterFunc(limit, b.cancel)
		} else {
			b.timer.Reset(limit)
		}
	}
	n, err := b.r.Read(p)
	if b.timer != nil {
		b.timer.Stop()
	}
	if err != nil && err != io.EOF && (b.tripped.Load() || !time.Now().Before(deadline)) {
		err = errRequestTimeout
	}
	if err != nil {
		b.err = err
		return n, err
	}
	b.got += int64(n)
	b.waited += time.Since(start)
	if b.quota > 0 && b.got >= b.quota {
		b.got, b.waited = 0, 0
	}
	return n, nil
}

// cancel ends a read that outlived its limit, where the connection has no
// deadlines.
func (b *slowBody) cancel() {
	b.tripped.Store(true)
	_ = b.stop.Close()
}

// close stops the timer of a request that ends.
func (b *slowBody) close() {
	if b.timer != nil {
		b.timer.Stop()
	}
}

// writeChunk is the amount of response body written under one
// Config.WriteTimeout deadline.
const writeChunk = 1 << 20

// deadlineWriter writes a response body, setting a write deadline of
// timeout before each writeChunk bytes, at the request's traffic limit
// if it has one.
type deadlineWriter struct {
	w       http.ResponseWriter
	ctl     *http.ResponseController // nil when deadlines are off
	timeout time.Duration
	left    int  // bytes the current deadline still covers
	armed   bool // a write deadline has been set
	// pace, when set, holds the body to a traffic limit (traffic.go).
	pace *pacer
	// qos, when set, meters the body for the bucket's QoS settings
	// (qos_oss.go).
	qos *qosUse
	ctx context.Context
}

func (s *server) bodyWriter(rc *request) *deadlineWriter {
	d := &deadlineWriter{w: rc.w, timeout: s.cfg.WriteTimeout, pace: rc.pace, qos: rc.qos, ctx: rc.ctx}
	if d.timeout > 0 {
		d.ctl = http.NewResponseController(rc.w)
	}
	return d
}

func (d *deadlineWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		chunk := p
		reserved := 0
		if d.pace != nil {
			reserved = min(len(chunk), d.pace.chunk)
			chunk = chunk[:reserved]
			waited, err := d.pace.take(d.ctx, int64(reserved))
			if err != nil {
				return written, err
			}
			if waited {
				d.left = 0 // the time waited is not the client's: a fresh deadline
			}
		}
		if d.ctl != nil && d.left <= 0 {
			if err := d.ctl.SetWriteDeadline(time.Now().Add(d.timeout)); errors.Is(err, http.ErrNotSupported) {
				d.ctl = nil
			} else {
				d.armed = true
			}
			d.left = writeChunk
		}
		if d.ctl != nil && len(chunk) > d.left {
			chunk = chunk[:d.left]
		}
		n, err := d.w.Write(chunk)
		if d.pace != nil {
			d.pace.giveBack(int64(reserved - n))
		}
		written += n
		d.left -= n
		p = p[n:]
		if err != nil {
			return written, err
		}
		if d.qos != nil && n > 0 {
			held := d.qos.held
			if err := d.qos.take(d.ctx, n); err != nil {
				return written, err
			}
			if d.qos.held > held {
				d.left = 0 // as for a traffic limit's wait
			}
		}
	}
	return written, nil
}

// finish flushes what is buffered under the last deadline, then lifts
// it: the connection may serve another request.
func (d *deadlineWriter) finish() error {
	if d.ctl == nil || !d.armed {
		return nil // no deadline was set
	}
	if err := d.ctl.Flush(); err != nil {
		return err
	}
	return d.ctl.SetWriteDeadline(time.Time{})
}
