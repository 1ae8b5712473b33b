package httpapi

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Single-connection bandwidth throttling (OSS's x-oss-traffic-limit): a
// request may cap the rate of its own transfer. OSS documents it for
// PutObject, AppendObject, PostObject (as a form field), CopyObject,
// UploadPart, UploadPartCopy and GetObject, as a header or, in a signed
// URL or a public file's URL, a query parameter; the value is in bit/s,
// 819200 (100 KB/s) to 838860800 (100 MB/s). Any other value is refused
// (EC 0004-00000502), and so is a limit given both as a header and as a
// parameter (EC 0004-00000501), before the body is read (a form's fields
// aside) and before anything changes. The routes that honour it say so
// (route.throttled); the dialect says what it is called and its bounds
// (dialect.traffic), so S3 requests, which may carry any header, are
// neither checked nor slowed.
//
// A pacer holds the transfer to the rate: it moves in chunks of a
// twentieth of a second's worth (at most maxPaceChunk), and never has
// handed on more than rate*elapsed. A request body is read a chunk at a
// time, each chunk handed on only once it is within the rate (so the
// client may be one chunk ahead, the burst); a response body is written
// a chunk at a time, each written only once it is within the rate. So a
// transfer of n bytes takes at least n/rate whatever its size, as a
// client measuring its average rate expects (the SDKs' suites do). Time
// the other side spends slower than the rate is not saved up beyond one
// chunk: after a stall the transfer resumes at the rate, not in a rush. A
// copy
// moves no bytes here (the engine references the source's blobs), so its
// answer waits as long as moving them would have taken. The clock is the
// wall clock: this is shaping of network traffic, which a test's engine
// clock must neither make instant nor stop.

// trafficRule is how a dialect lets a request cap its transfer's rate.
// The zero value: it does not.
type trafficRule struct {
	// header is the request header (canonical), param the query
	// parameter and form field; "" for none.
	header, param string
	// min and max bound the value, bit/s.
	min, max int64
	// badValueEC and twiceEC are the ECs of a value out of bounds (or
	// not a number) and of a limit given as both header and parameter.
	badValueEC, twiceEC string
	// delayHeader, when set, answers a throttled request whose bytes
	// moved before its answer (uploads, copies) with the milliseconds
	// it was held back.
	delayHeader string
	// qpsCode, uploadCode and downloadCode answer a request a bucket's
	// QoS settings refuse (qos_oss.go): over the requests a second, or an
	// upload or download a zero bandwidth forbids. "" is SlowDown, S3's
	// answer to a request over a rate, which S3 clients retry.
	qpsCode, uploadCode, downloadCode string
}

// ossTraffic is OSS's single-connection bandwidth throttling. The bounds
// and ECs are documented; the delay header is not, but the v1 SDK reads
// it (GetQosDelayTime) and its suite expects it on throttled PutObject
// and AppendObject answers. What OSS puts in it is not documented either;
// osslite gives the milliseconds its pacing waited.
var ossTraffic = trafficRule{
	header: "X-Oss-Traffic-Limit", param: "x-oss-traffic-limit",
	min: 819200, max: 838860800,
	badValueEC: "0004-00000502", twiceEC: "0004-00000501",
	delayHeader: "X-Oss-Qos-Delay-Time",
	qpsCode:     "TotalQpsLimitExceeded", uploadCode: "UploadTrafficRateLimitExceeded",
	downloadCode: "DownloadTrafficRateLimitExceeded",
}

// maxPaceChunk is the most a paced transfer moves at once: the burst a
// client may send ahead of the rate. Lower rates move less at once, so
// that the first bytes of a download do not wait long.
const maxPaceChunk = 32 << 10

// limitTraffic reads the traffic limit rc asks for and, when there is
// one, sets rc.pace (which paces the response body and copies) and
// returns body paced; without one it returns body as it is. It allocates
// nothing when the request names no limit.
func (rc *request) limitTraffic(body io.Reader) (io.Reader, error) {
	body = rc.meterUpload(body) // the bucket's QoS settings
	tr := &rc.d.traffic
	if tr.header == "" {
		return body, nil
	}
	hv, inHeader := rc.r.Header[tr.header]
	qv, inQuery := rc.q[tr.param]
	if !inHeader && !inQuery {
		return body, nil
	}
	if inHeader && inQuery {
		e := errorf("InvalidArgument", "The %s can be given as a header or as a query parameter, not both.", tr.param).
			with("ArgumentName", tr.param)
		e.ec = tr.twiceEC
		return nil, e
	}
	v := "" // a name present has a value, perhaps empty
	if inHeader {
		v = hv[0]
	} else if len(qv) > 0 {
		v = qv[0]
	}
	bits, err := strconv.ParseInt(v, 10, 64)
	if err != nil || bits < tr.min || bits > tr.max {
		e := errorf("InvalidArgument", "The %s must be an integer from %d to %d (bit/s).", tr.param, tr.min, tr.max).
			with("ArgumentName", tr.param).with("ArgumentValue", v)
		e.ec = tr.badValueEC
		return nil, e
	}
	p := newPacer(bits, tr.delayHeader, rc.s.qos.clock)
	rc.pace, rc.w.pace = p, p
	if body == nil || body == http.NoBody {
		return body, nil
	}
	return &pacedReader{r: body, p: p, ctx: rc.ctx}, nil
}

// pacer holds one transfer to a rate. It is not safe for concurrent use:
// a request moves its bytes in one goroutine.
type pacer struct {
	clock shapingClock  // the wall clock, or a test's
	rate  float64       // bytes per second
	chunk int           // the most moved at once
	burst time.Duration // a chunk's time at the rate: the most credit kept
	start time.Time     // when the transfer began, moved on past stalls
	moved int64         // bytes handed on (or reserved) so far
	held  time.Duration // time waited
	// delayHeader is trafficRule.delayHeader.
	delayHeader string
}

func newPacer(bitsPerSecond int64, delayHeader string, clock shapingClock) *pacer {
	p := &pacer{clock: clock, rate: float64(bitsPerSecond) / 8, start: clock.Now(), delayHeader: delayHeader}
	p.chunk = min(max(int(p.rate/20), 1<<10), maxPaceChunk)
	p.burst = p.duration(int64(p.chunk))
	return p
}

// duration is the time n bytes take at the rate.
func (p *pacer) duration(n int64) time.Duration {
	return time.Duration(float64(n) / p.rate * float64(time.Second))
}

// take counts n more bytes, first waiting until they are within the
// rate: moved+n <= rate*elapsed. It reports whether it waited; the error
// is ctx's, when ctx ends first.
func (p *pacer) take(ctx context.Context, n int64) (bool, error) {
	p.moved += n
	now := p.clock.Now()
	due := p.start.Add(p.duration(p.moved))
	if lag := now.Sub(due) - p.burst; lag > 0 {
		// The other side was slower than the rate: keep one chunk of
		// credit, not all the time it lost.
		p.start, due = p.start.Add(lag), due.Add(lag)
	}
	wait := due.Sub(now)
	if wait <= 0 {
		return false, nil
	}
	if err := p.clock.Wait(ctx, wait); err != nil {
		return false, err
	}
	p.held += wait
	return true, nil
}

// giveBack uncounts bytes taken that did not move.
func (p *pacer) giveBack(n int64) { p.moved -= n }

// reportDelay adds the dialect's delay header to h when bytes moved
// before the answer (never on a GetObject, whose answer comes first):
// the time the request's traffic limit (p) and its bucket's QoS
// settings (q) held it back; either may be nil. A request its traffic
// limit paced says so even when it waited for nothing.
func reportDelay(h http.Header, p *pacer, q *qosUse) {
	var held time.Duration
	name := ""
	if p != nil && p.delayHeader != "" && p.moved > 0 {
		held, name = p.held, p.delayHeader
	}
	if q != nil && q.held > 0 && q.delayHeader != "" {
		held, name = held+q.held, q.delayHeader
	}
	if name != "" {
		h[name] = []string{strconv.FormatInt(held.Milliseconds(), 10)}
	}
}

// pacedReader reads a request body at the pacer's rate: a chunk is read
// at once and handed on when the rate allows.
type pacedReader struct {
	r   io.Reader
	p   *pacer
	ctx context.Context
}

func (r *pacedReader) Read(b []byte) (int, error) {
	if len(b) > r.p.chunk {
		b = b[:r.p.chunk]
	}
	n, err := r.r.Read(b)
	if _, werr := r.p.take(r.ctx, int64(n)); werr != nil {
		return 0, werr
	}
	return n, err
}

// holdCopy makes the answer of a copy of size bytes wait as long as
// moving them at the request's traffic limit would take (nothing without
// a limit). A client that goes away meanwhile gets no answer; the copy
// is made.
func (s *server) holdCopy(rc *request, size int64) {
	if rc.pace == nil {
		return
	}
	if _, err := rc.pace.take(rc.ctx, size); err != nil {
		s.logClientGone(rc, err)
		panic(http.ErrAbortHandler)
	}
}
