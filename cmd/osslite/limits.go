package main

import (
	"crypto/tls"
	"errors"
	"flag"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/osslite/osslite/httpapi"
	"github.com/osslite/osslite/sqlselect"
)

// Defaults of the limit flags. Those of the handler are httpapi's.
const (
	// defaultMaxConns keeps the server well inside the usual limit of
	// 1,024 open files, with room for the store's own files.
	defaultMaxConns          = 512
	defaultReadHeaderTimeout = 10 * time.Second
	defaultIdleTimeout       = 2 * time.Minute
)

// limitOptions are the flags that protect the server from slow and greedy
// clients.
type limitOptions struct {
	maxConns          int
	maxRequests       int
	maxAnonRequests   int
	readHeaderTimeout time.Duration
	idleTimeout       time.Duration
	bodyMinRate       int64
	bodyRateWindow    time.Duration
	bodyIdleTimeout   time.Duration
	writeTimeout      time.Duration
	maxBuckets        int
	selectWorkPerByte int
}

// register adds the limit flags to fs.
func (l *limitOptions) register(fs *flag.FlagSet) {
	fs.IntVar(&l.maxConns, "max-conns", defaultMaxConns, "most open client `connections`; at the cap a new one takes the place of a keep-alive connection (idle a second, or else closed after its next response), and more wait in the listen backlog (0: no cap)")
	fs.IntVar(&l.maxRequests, "max-requests", httpapi.DefaultMaxConcurrentRequests, "most `requests` served at once; more are answered 503 SlowDown (negative: no cap)")
	fs.IntVar(&l.maxAnonRequests, "max-anon-requests", httpapi.DefaultMaxAnonymousRequests, "most `requests` without credentials served at once; more are answered 503 SlowDown (negative: no cap)")
	fs.DurationVar(&l.readHeaderTimeout, "read-header-timeout", defaultReadHeaderTimeout, "longest `time` a client may take to send a request's headers")
	fs.DurationVar(&l.idleTimeout, "idle-timeout", defaultIdleTimeout, "longest `time` an idle keep-alive connection stays open")
	fs.Int64Var(&l.bodyMinRate, "body-min-rate", httpapi.DefaultMinBodyRate, "slowest request body, in `bytes` per second over each -body-rate-window; slower is 400 RequestTimeout (negative: no minimum)")
	fs.DurationVar(&l.bodyRateWindow, "body-rate-window", httpapi.DefaultBodyRateWindow, "`window` -body-min-rate is averaged over (the first is a grace period)")
	fs.DurationVar(&l.bodyIdleTimeout, "body-idle-timeout", httpapi.DefaultBodyIdleTimeout, "longest `time` a request body may bring no byte; longer is 400 RequestTimeout (negative: no limit)")
	fs.DurationVar(&l.writeTimeout, "write-timeout", httpapi.DefaultWriteTimeout, "longest `time` writing each MiB of an object to a client may take (negative: no limit)")
	fs.IntVar(&l.maxBuckets, "max-buckets", httpapi.DefaultMaxBucketsPerOwner, "most `buckets` one owner may hold; more are 400 TooManyBuckets (negative: no cap)")
	fs.IntVar(&l.selectWorkPerByte, "select-max-work-per-byte", sqlselect.DefaultMaxWorkPerByte, "evaluation budget of S3 Select and OSS SelectObject queries, in `units` per input byte read (plus 2^28; a unit is about a byte copied, each record pays 16 per node of the statement); more is 400 MaxOperatorsExceeded")
}

// validate rejects values that make no sense.
func (l *limitOptions) validate() error {
	switch {
	case l.maxConns < 0:
		return errors.New("-max-conns must not be negative")
	case l.readHeaderTimeout < 0 || l.idleTimeout < 0:
		return errors.New("-read-header-timeout and -idle-timeout must not be negative")
	case l.bodyRateWindow < 0:
		return errors.New("-body-rate-window must not be negative")
	case l.selectWorkPerByte < 1:
		return errors.New("-select-max-work-per-byte must be at least 1")
	}
	return nil
}

// handlerOptions are the httpapi options of the limits.
func (l *limitOptions) handlerOptions() []httpapi.Option {
	return []httpapi.Option{
		httpapi.WithRequestLimits(l.maxRequests, l.maxAnonRequests),
		httpapi.WithBodyTimeouts(l.bodyMinRate, l.bodyRateWindow, l.bodyIdleTimeout),
		httpapi.WithWriteTimeout(l.writeTimeout),
		httpapi.WithMaxBucketsPerOwner(l.maxBuckets),
		httpapi.WithSelectMaxWorkPerByte(l.selectWorkPerByte),
	}
}

// listener caps ln at -max-conns open connections. The server must pass
// its ConnState changes to the listener's connState and serve its
// handler through the listener's handler (serve does both).
func (l *limitOptions) listener(ln net.Listener) net.Listener {
	if l.maxConns <= 0 {
		return ln
	}
	return &limitListener{Listener: ln, slots: make(chan struct{}, l.maxConns), done: make(chan struct{}),
		idle: make(map[*limitConn]time.Time)}
}

// limitListener accepts at most cap(slots) connections at once. At the
// cap, it takes the next connection off the backlog and makes room for it:
// it closes the keep-alive connection idle longest, if one has been idle
// for idleToClose, or else has the next response sent close its
// connection (Connection: close, through handler), so that no request in
// flight is cut. The clients after that one wait in the kernel's listen
// backlog without costing the process a file. Without making room, a
// client whose connections sat behind other clients' busy keep-alive
// pools (a load generator with more workers than -max-conns) waited with
// no error until those clients closed them.
type limitListener struct {
	net.Listener
	slots     chan struct{}
	done      chan struct{}
	closeOnce sync.Once
	closeNext atomic.Bool // the next response closes its connection

	mu   sync.Mutex
	idle map[*limitConn]time.Time // keep-alive connections between requests, since when
}

// idleToClose is how long a keep-alive connection must have been idle
// before it is closed for a waiting one: a client may be sending its next
// request on a connection that has only just become idle.
const idleToClose = time.Second

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	default:
		return l.acceptAtCap()
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return l.wrap(c), nil
}

// acceptAtCap accepts the next connection while every slot is taken and
// serves it once a connection has made room.
func (l *limitListener) acceptAtCap() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tick := time.NewTicker(idleToClose / 4)
	defer tick.Stop()
	for {
		if !l.closeIdlest(time.Now().Add(-idleToClose)) {
			l.closeNext.Store(true)
		}
		select {
		case l.slots <- struct{}{}:
			l.closeNext.Store(false)
			return l.wrap(c), nil
		case <-tick.C:
		case <-l.done:
			c.Close()
			return nil, net.ErrClosed
		}
	}
}

// closeIdlest ends the connection idle longest if it has been idle since
// before and no byte of a next request has arrived on it, and reports
// whether it tried. It does not close the connection under the server but
// expires its read deadline: the server, waiting for the next request,
// then closes it as it closes one past -idle-timeout, whereas one that has
// started reading a request sets its own deadline and serves it. (Closed
// outright, a connection whose request was in the kernel's buffer had that
// request cut: 500 for the body the server could no longer read.) The
// lock is held until the deadline is set, so a connection the server has
// called active is not touched.
func (l *limitListener) closeIdlest(before time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	var oldest *limitConn
	since := before
	for c, t := range l.idle {
		if t.Before(since) && !c.read.Load() {
			oldest, since = c, t
		}
	}
	if oldest == nil {
		return false
	}
	delete(l.idle, oldest)
	_ = oldest.SetReadDeadline(time.Now())
	return true
}

// handler wraps next so that, while a connection waits for room, the next
// response closes its connection.
func (l *limitListener) handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if l.closeNext.Load() && l.closeNext.CompareAndSwap(true, false) {
			w.Header().Set("Connection", "close")
		}
		next.ServeHTTP(w, r)
	})
}

func (l *limitListener) wrap(c net.Conn) *limitConn {
	return &limitConn{Conn: c, release: func() { <-l.slots }}
}

// connState is the http.Server ConnState hook that tells the listener
// which of its connections are idle.
func (l *limitListener) connState(c net.Conn, s http.ConnState) {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	lc, ok := c.(*limitConn)
	if !ok {
		return
	}
	l.mu.Lock()
	if s == http.StateIdle {
		lc.read.Store(false)
		l.idle[lc] = time.Now()
	} else {
		delete(l.idle, lc)
	}
	l.mu.Unlock()
}

// Close closes the listener and ends a waiting Accept.
func (l *limitListener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// limitConn gives its slot back when closed.
type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
	// read is set when bytes arrive: on an idle connection, the next
	// request's, which the server reads before it calls the connection
	// active, so that closing it would cut that request.
	read atomic.Bool
}

func (c *limitConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.read.Store(true)
	}
	return n, err
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
