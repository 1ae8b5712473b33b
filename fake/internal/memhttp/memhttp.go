// Package memhttp is an http.RoundTripper that hands requests straight to an
// http.Handler in the same process: no socket, no DNS, any host.
//
// Unlike a recorder-based transport (fake-gcs-server's muxTransport buffers
// the whole response before RoundTrip returns), bodies stream in both
// directions through io.Pipe: RoundTrip returns as soon as the handler has
// sent its response head, the client reads the body while the handler is
// still producing it, and the handler reads the request body while the client
// is still producing it. The response side mimics net/http's server: up to
// 2 KiB is buffered before the head is committed, so a handler that finishes
// within that gets a computed Content-Length and a sniffed Content-Type, and a
// Date header is added when the handler sets none.
//
// Every goroutine the transport starts belongs to one exchange and ends with
// it; Close aborts what is still running and waits. Nothing uses the network
// or real timers, so the transport works inside a testing/synctest bubble.
package memhttp

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// ErrClosed is returned by RoundTrip after Close.
var ErrClosed = errors.New("memhttp: transport closed")

// ErrDropped is the error a client sees when the handler aborts the exchange
// (panic(http.ErrAbortHandler)) before sending a response head. It reads like
// the connection reset a real server produces, so SDK retry logic treats it
// as a retryable connection error.
var ErrDropped = &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}

// errBodyClosed is what a handler's Write returns once the client closed the
// response body.
var errBodyClosed = errors.New("memhttp: client closed the response body")

// RemoteAddr is the Request.RemoteAddr handlers see.
const RemoteAddr = "127.0.0.1:1"

// bufferBeforeCommit is how many response bytes are held before the head is
// sent, as net/http's server does (bufferBeforeChunkingSize).
const bufferBeforeCommit = 2048

// Transport dispatches every request, whatever its host, to Handler.
type Transport struct {
	handler http.Handler
	// onPanic, if set, is told about handler panics other than
	// http.ErrAbortHandler. The client sees a dropped connection either way.
	onPanic func(v any, stack []byte)
	// Now, when set, supplies the Date header of responses whose handler
	// set none. Default: the wall clock.
	Now func() time.Time

	mu     sync.Mutex
	closed bool
	live   map[*exchange]struct{}
	wg     sync.WaitGroup
}

// New returns a transport serving h. onPanic may be nil.
func New(h http.Handler, onPanic func(v any, stack []byte)) *Transport {
	return &Transport{handler: h, onPanic: onPanic, live: make(map[*exchange]struct{})}
}

// Close stops accepting requests, aborts in-flight exchanges (their clients
// see an error, their handlers see a cancelled context and failing writes)
// and waits for every goroutine the transport started. It returns the number
// of exchanges it had to abort.
func (t *Transport) Close() int {
	t.mu.Lock()
	t.closed = true
	live := make([]*exchange, 0, len(t.live))
	for x := range t.live {
		live = append(live, x)
	}
	t.mu.Unlock()
	aborted := 0
	for _, x := range live {
		if !x.handlerDone.Load() {
			aborted++
		}
		x.kill(ErrClosed)
	}
	t.wg.Wait()
	return aborted
}

// Wait blocks until no exchange is in flight or ctx is done, and reports
// whether the transport became idle.
func (t *Transport) Wait(ctx context.Context) bool {
	for {
		t.mu.Lock()
		n := len(t.live)
		var done chan struct{}
		for x := range t.live {
			done = x.done
			break
		}
		t.mu.Unlock()
		if n == 0 {
			return true
		}
		select {
		case <-done:
		case <-ctx.Done():
			return false
		}
	}
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	closeReq := func() {
		if req.Body != nil {
			req.Body.Close()
		}
	}
	if req.URL == nil {
		closeReq()
		return nil, errors.New("memhttp: nil Request.URL")
	}
	ctx := req.Context()
	if err := ctx.Err(); err != nil {
		closeReq()
		return nil, err
	}
	sreq, err := serverRequest(req)
	if err != nil {
		closeReq()
		return nil, err
	}
	sctx, cancel := context.WithCancel(ctx)
	sreq = sreq.WithContext(sctx)
	x := &exchange{
		t:      t,
		req:    req,
		sreq:   sreq,
		cancel: cancel,
		head:   make(chan result, 1),
		done:   make(chan struct{}),
		header: make(http.Header),
		cl:     -1,
	}

	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		cancel()
		closeReq()
		return nil, ErrClosed
	}
	t.live[x] = struct{}{}
	t.wg.Add(1)
	t.mu.Unlock()

	x.startRequestBody()
	go x.serve()

	select {
	case r := <-x.head:
		if r.err != nil {
			return nil, r.err
		}
		return r.resp, nil
	case <-ctx.Done():
		x.kill(ctx.Err())
		return nil, ctx.Err()
	}
}

// serverRequest builds the request a net/http server would hand its handler
// for req as a net/http client would send it.
func serverRequest(req *http.Request) (*http.Request, error) {
	uri := req.URL.RequestURI()
	u, err := url.ParseRequestURI(uri)
	if err != nil {
		return nil, fmt.Errorf("memhttp: %w", err)
	}
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	h := req.Header.Clone()
	if h == nil {
		h = make(http.Header)
	}
	// The client writes these from Request fields, not from Header.
	for _, k := range []string{"Host", "Content-Length", "Transfer-Encoding", "Trailer"} {
		h.Del(k)
	}
	if _, ok := req.Header["User-Agent"]; !ok {
		h.Set("User-Agent", "Go-http-client/1.1")
	} else if h.Get("User-Agent") == "" {
		h.Del("User-Agent")
	}
	sreq := &http.Request{
		Method:     method,
		URL:        u,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     h,
		Host:       host,
		RemoteAddr: RemoteAddr,
		RequestURI: uri,
		Body:       http.NoBody,
	}
	if req.URL.Scheme == "https" {
		name := host
		if hn, _, err := net.SplitHostPort(host); err == nil {
			name = hn
		}
		sreq.TLS = &tls.ConnectionState{HandshakeComplete: true, ServerName: name, Version: tls.VersionTLS13}
	}
	hasBody := req.Body != nil && req.Body != http.NoBody
	cl := req.ContentLength
	switch {
	case !hasBody:
		cl = 0
	case cl == 0:
		cl = -1 // a body of unknown length: the client sends it chunked
	}
	switch {
	case cl > 0:
		h.Set("Content-Length", strconv.FormatInt(cl, 10))
		sreq.ContentLength = cl
	case cl == 0:
		if method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch {
			h.Set("Content-Length", "0")
		}
	default:
		sreq.ContentLength = -1
		sreq.TransferEncoding = []string{"chunked"}
		if len(req.Trailer) > 0 {
			sreq.Trailer = make(http.Header, len(req.Trailer))
			for k := range req.Trailer {
				sreq.Trailer[http.CanonicalHeaderKey(k)] = nil
			}
		}
	}
	return sreq, nil
}

type result struct {
	resp *http.Response
	err  error
}

// exchange is one request/response. Fields below "handler goroutine" are
// touched only by the goroutine running the handler (an http.ResponseWriter
// is not safe for concurrent use).
type exchange struct {
	t      *Transport
	req    *http.Request // the client's
	sreq   *http.Request // the handler's
	cancel context.CancelFunc
	head   chan result
	done   chan struct{} // closed when the exchange leaves Transport.live

	reqBodyOnce sync.Once
	reqPR       *io.PipeReader // handler end of the request body
	killOnce    sync.Once
	handlerDone atomic.Bool
	mu          sync.Mutex
	body        *clientBody // the streamed response body, once committed

	// handler goroutine
	header      http.Header
	status      int
	wroteHeader bool
	snapshot    http.Header
	committed   bool
	buf         []byte
	pw          *io.PipeWriter
	resp        *http.Response
	cl          int64 // declared Content-Length, -1 if none
	written     int64
}

// startRequestBody pipes the client's body to the handler.
func (x *exchange) startRequestBody() {
	if x.sreq.Body == http.NoBody && x.sreq.ContentLength == 0 {
		if x.req.Body != nil {
			x.closeClientBody()
		}
		return
	}
	pr, pw := io.Pipe()
	x.reqPR = pr
	x.sreq.Body = pr
	cl := x.sreq.ContentLength
	x.t.wg.Add(1)
	go func() {
		defer x.t.wg.Done()
		var err error
		if cl >= 0 {
			var n int64
			n, err = io.CopyN(pw, x.req.Body, cl)
			if err == io.EOF && n < cl {
				err = io.ErrUnexpectedEOF
			}
		} else {
			_, err = io.Copy(pw, x.req.Body)
			if err == nil {
				for k := range x.sreq.Trailer {
					x.sreq.Trailer[k] = x.req.Trailer[k]
				}
			}
		}
		x.closeClientBody()
		pw.CloseWithError(err)
	}()
}

func (x *exchange) closeClientBody() {
	x.reqBodyOnce.Do(func() {
		if x.req.Body != nil {
			x.req.Body.Close()
		}
	})
}

// kill aborts the exchange from outside the handler: the client's context
// was cancelled, or the transport is closing.
func (x *exchange) kill(err error) {
	x.killOnce.Do(func() {
		// The error takes the head's place before the handler sees its
		// context end: a handler that then returns at once must not answer
		// the killed request with a response after all.
		select {
		case x.head <- result{err: err}:
		default: // the head was sent: the body ends with err below
		}
		x.cancel()
		if x.reqPR != nil {
			x.reqPR.CloseWithError(err)
		}
		x.closeClientBody()
		x.mu.Lock()
		body := x.body
		x.mu.Unlock()
		if body != nil {
			body.abort(err)
		}
	})
}

// serve runs the handler and finishes the response.
func (x *exchange) serve() {
	defer x.t.wg.Done()
	defer func() {
		x.t.mu.Lock()
		delete(x.t.live, x)
		x.t.mu.Unlock()
		close(x.done)
	}()
	defer x.cancel() // net/http cancels the request context when ServeHTTP returns
	defer func() {
		// The server closes the request body after the handler; the client
		// stops sending.
		if x.reqPR != nil {
			x.reqPR.Close()
		}
		x.closeClientBody()
	}()
	defer func() {
		p := recover()
		x.handlerDone.Store(true)
		if p == nil {
			x.finish()
			return
		}
		if p != http.ErrAbortHandler && x.t.onPanic != nil {
			x.t.onPanic(p, debug.Stack())
		}
		x.abort()
	}()
	x.t.handler.ServeHTTP(x, x.sreq)
}

// abort drops the connection: before the head the client gets ErrDropped,
// after it the body ends with io.ErrUnexpectedEOF.
func (x *exchange) abort() {
	if !x.committed {
		x.committed = true
		x.send(result{err: ErrDropped})
		return
	}
	if x.pw != nil {
		x.pw.CloseWithError(io.ErrUnexpectedEOF)
	}
}

func (x *exchange) send(r result) {
	select {
	case x.head <- r:
	default: // killed: RoundTrip already returned an error
		if r.resp != nil && r.resp.Body != nil {
			r.resp.Body.Close()
		}
	}
}

// finish completes a response after the handler returned normally.
func (x *exchange) finish() {
	if !x.wroteHeader {
		x.WriteHeader(http.StatusOK)
	}
	if !x.committed {
		x.commit(true)
		return
	}
	if x.pw == nil {
		return
	}
	if x.resp.Trailer != nil {
		for k := range x.resp.Trailer {
			x.resp.Trailer[k] = x.header[k]
		}
		for k, v := range x.header {
			if name, ok := strings.CutPrefix(k, http.TrailerPrefix); ok {
				x.resp.Trailer[http.CanonicalHeaderKey(name)] = v
			}
		}
	}
	if x.cl >= 0 && x.written < x.cl && x.sreq.Method != http.MethodHead {
		x.pw.CloseWithError(io.ErrUnexpectedEOF)
		return
	}
	x.pw.Close()
}

// Header implements http.ResponseWriter.
func (x *exchange) Header() http.Header { return x.header }

// WriteHeader implements http.ResponseWriter. Informational (1xx) statuses
// are not passed on.
func (x *exchange) WriteHeader(code int) {
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
	if x.wroteHeader || (code >= 100 && code < 200) {
		return
	}
	x.wroteHeader = true
	x.status = code
	x.snapshot = x.header.Clone()
	if v := x.snapshot.Get("Content-Length"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
			x.cl = n
		}
	}
}

func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}

// Write implements http.ResponseWriter. Writes block until the client reads
// (or closes the body): the response is a pipe, not a buffer.
func (x *exchange) Write(p []byte) (int, error) {
	if !x.wroteHeader {
		x.WriteHeader(http.StatusOK)
	}
	if len(p) == 0 {
		return 0, nil
	}
	if !bodyAllowed(x.status) {
		return 0, http.ErrBodyNotAllowed
	}
	if x.cl >= 0 && x.written+int64(len(p)) > x.cl {
		return 0, http.ErrContentLength
	}
	x.written += int64(len(p))
	if !x.committed {
		x.buf = append(x.buf, p...)
		if len(x.buf) > bufferBeforeCommit {
			if err := x.commit(false); err != nil {
				return 0, err
			}
		}
		return len(p), nil
	}
	if x.pw == nil { // HEAD: bytes are counted, not sent
		return len(p), nil
	}
	return x.pw.Write(p)
}

// Flush implements http.Flusher: it commits the head and buffered bytes.
func (x *exchange) Flush() {
	if !x.wroteHeader {
		x.WriteHeader(http.StatusOK)
	}
	if !x.committed {
		x.commit(false)
	}
}

// commit sends the response head to RoundTrip. final means the handler has
// returned, so the buffered bytes are the whole body.
func (x *exchange) commit(final bool) error {
	x.committed = true
	h := x.snapshot
	// net/http's client reads header names canonicalized (textproto),
	// whatever spelling the handler wrote (httpapi's Sina dialect writes
	// ETag and x-amz-meta-*).
	for k, v := range h {
		if ck := http.CanonicalHeaderKey(k); ck != k {
			delete(h, k)
			h[ck] = append(h[ck], v...)
		}
	}
	head := x.sreq.Method == http.MethodHead
	allowed := bodyAllowed(x.status)
	if final && allowed && x.cl < 0 && h.Get("Transfer-Encoding") == "" && (!head || len(x.buf) > 0) {
		h.Set("Content-Length", strconv.Itoa(len(x.buf)))
		x.cl = int64(len(x.buf))
	}
	if _, ok := h["Content-Type"]; !ok && allowed && !head && len(x.buf) > 0 && h.Get("Content-Encoding") == "" {
		h.Set("Content-Type", http.DetectContentType(x.buf))
	}
	if _, ok := h["Date"]; !ok {
		now := time.Now
		if x.t.Now != nil {
			now = x.t.Now
		}
		h.Set("Date", now().UTC().Format(http.TimeFormat))
	}
	resp := &http.Response{
		Status:        fmt.Sprintf("%d %s", x.status, http.StatusText(x.status)),
		StatusCode:    x.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		ContentLength: x.cl,
		Request:       x.req,
		TLS:           x.sreq.TLS,
	}
	if tr := h.Values("Trailer"); len(tr) > 0 {
		resp.Trailer = make(http.Header)
		for _, v := range tr {
			for _, k := range strings.Split(v, ",") {
				if k = strings.TrimSpace(k); k != "" {
					resp.Trailer[http.CanonicalHeaderKey(k)] = nil
				}
			}
		}
		h.Del("Trailer")
	}
	x.resp = resp
	switch {
	case head || !allowed:
		if !allowed {
			resp.ContentLength = 0
		}
		resp.Body = http.NoBody
		x.buf = nil
		x.send(result{resp: resp})
		return nil
	case final:
		resp.Body = &clientBody{x: x, r: bytes.NewReader(x.buf)}
		x.buf = nil
		x.send(result{resp: resp})
		return nil
	}
	if resp.ContentLength < 0 {
		resp.TransferEncoding = []string{"chunked"}
	}
	pr, pw := io.Pipe()
	x.pw = pw
	body := &clientBody{x: x, r: pr, pr: pr}
	body.stop = context.AfterFunc(x.req.Context(), func() { body.abort(x.req.Context().Err()) })
	x.mu.Lock()
	x.body = body
	x.mu.Unlock()
	resp.Body = body
	x.send(result{resp: resp})
	buf := x.buf
	x.buf = nil
	if _, err := pw.Write(buf); err != nil {
		return err
	}
	return nil
}

// clientBody is the response body the client reads.
type clientBody struct {
	x    *exchange
	r    io.Reader
	pr   *io.PipeReader // nil when the whole body was buffered
	stop func() bool    // unregisters the context watcher

	mu     sync.Mutex
	closed bool
	err    error // why the exchange was aborted under the reader
}

// abort ends the body early with err, as a cancelled request or a closing
// transport does.
func (b *clientBody) abort(err error) {
	b.mu.Lock()
	if b.err == nil {
		b.err = err
	}
	b.mu.Unlock()
	b.pr.CloseWithError(err)
}

func (b *clientBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	closed := b.closed
	b.mu.Unlock()
	if closed {
		return 0, errors.New("http: read on closed response body")
	}
	// Like net/http's transport, a cancelled request fails its body reads
	// even if the handler, seeing the same cancellation, ends the body
	// cleanly first.
	ctx := b.x.req.Context()
	if b.pr != nil {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
	}
	n, err := b.r.Read(p)
	if err != nil {
		if b.stop != nil {
			b.stop()
		}
		b.mu.Lock()
		if b.err != nil && err != io.EOF {
			err = b.err
		}
		b.mu.Unlock()
		if cerr := ctx.Err(); cerr != nil && b.pr != nil {
			err = cerr
		}
	}
	return n, err
}

func (b *clientBody) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil
	}
	b.closed = true
	if b.stop != nil {
		b.stop()
	}
	if b.pr != nil {
		b.pr.CloseWithError(errBodyClosed)
	}
	return nil
}
