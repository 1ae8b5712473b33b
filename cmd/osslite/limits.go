package main

import (
	"errors"
	"flag"
	"net"
	"sync"
	"time"

	"github.com/osslite/osslite/httpapi"
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
}

// register adds the limit flags to fs.
func (l *limitOptions) register(fs *flag.FlagSet) {
	fs.IntVar(&l.maxConns, "max-conns", defaultMaxConns, "most open client `connections`; more wait in the listen backlog until one closes (0: no cap)")
	fs.IntVar(&l.maxRequests, "max-requests", httpapi.DefaultMaxConcurrentRequests, "most `requests` served at once; more are answered 503 SlowDown (negative: no cap)")
	fs.IntVar(&l.maxAnonRequests, "max-anon-requests", httpapi.DefaultMaxAnonymousRequests, "most `requests` without credentials served at once; more are answered 503 SlowDown (negative: no cap)")
	fs.DurationVar(&l.readHeaderTimeout, "read-header-timeout", defaultReadHeaderTimeout, "longest `time` a client may take to send a request's headers")
	fs.DurationVar(&l.idleTimeout, "idle-timeout", defaultIdleTimeout, "longest `time` an idle keep-alive connection stays open")
	fs.Int64Var(&l.bodyMinRate, "body-min-rate", httpapi.DefaultMinBodyRate, "slowest request body, in `bytes` per second over each -body-rate-window; slower is 400 RequestTimeout (negative: no minimum)")
	fs.DurationVar(&l.bodyRateWindow, "body-rate-window", httpapi.DefaultBodyRateWindow, "`window` -body-min-rate is averaged over (the first is a grace period)")
	fs.DurationVar(&l.bodyIdleTimeout, "body-idle-timeout", httpapi.DefaultBodyIdleTimeout, "longest `time` a request body may bring no byte; longer is 400 RequestTimeout (negative: no limit)")
	fs.DurationVar(&l.writeTimeout, "write-timeout", httpapi.DefaultWriteTimeout, "longest `time` writing each MiB of an object to a client may take (negative: no limit)")
	fs.IntVar(&l.maxBuckets, "max-buckets", httpapi.DefaultMaxBucketsPerOwner, "most `buckets` one owner may hold; more are 400 TooManyBuckets (negative: no cap)")
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
	}
}

// listener caps ln at -max-conns open connections.
func (l *limitOptions) listener(ln net.Listener) net.Listener {
	if l.maxConns <= 0 {
		return ln
	}
	return &limitListener{Listener: ln, slots: make(chan struct{}, l.maxConns), done: make(chan struct{})}
}

// limitListener accepts at most cap(slots) connections at once: past
// that, Accept waits until one of them closes, and new clients wait in
// the kernel's listen backlog without costing the process a file.
type limitListener struct {
	net.Listener
	slots     chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.slots }}, nil
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
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
