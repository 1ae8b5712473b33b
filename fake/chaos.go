package fake

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/osslite/osslite/httpapi"
)

// ChaosFault is a kind of failure WithChaos injects.
type ChaosFault string

// The faults WithChaos injects.
const (
	// ChaosSlowDown answers 503 SlowDown.
	ChaosSlowDown ChaosFault = "SlowDown"
	// ChaosInternalError answers 500 InternalError.
	ChaosInternalError ChaosFault = "InternalError"
	// ChaosRequestTimeout answers 400 RequestTimeout.
	ChaosRequestTimeout ChaosFault = "RequestTimeout"
	// ChaosReset drops the connection before any response; a request
	// with a body has half of it read first.
	ChaosReset ChaosFault = "Reset"
	// ChaosTruncate sends the status, headers and half the body of a
	// Get* or List* answer, then drops the connection (other operations
	// get ChaosReset instead).
	ChaosTruncate ChaosFault = "Truncate"
	// ChaosSlowBody sends the body in small pieces with Chaos.Delay before
	// each; the answer is otherwise correct.
	ChaosSlowBody ChaosFault = "SlowBody"
)

// AllChaosFaults lists every ChaosFault.
var AllChaosFaults = []ChaosFault{ChaosSlowDown, ChaosInternalError, ChaosRequestTimeout, ChaosReset, ChaosTruncate, ChaosSlowBody}

// Chaos configures WithChaos. Whether the n-th request (counted from 1 in
// arrival order) gets a fault, and which, is a function of Seed and n
// only: a client that sends requests one at a time sees the same faults on
// every run with the same Seed.
type Chaos struct {
	// Seed picks the faults. Default 0.
	Seed int64
	// Rate is the probability that a request gets a fault, 0..1.
	// Default 0 means 0.2.
	Rate float64
	// Faults are the faults to choose from, equally likely. Default
	// AllChaosFaults.
	Faults []ChaosFault
	// Ops restricts faults to these operations (PutObject, GetObject, ...:
	// the names Requests reports; Close logs those no request had).
	// Default: every operation.
	Ops []string
	// Delay is ChaosSlowBody's pause before each piece. Default 2ms.
	Delay time.Duration
}

// ChaosEvent records one injected fault; Request.Chaos carries it.
type ChaosEvent struct {
	Seed  int64
	N     uint64 // the request's number, from 1
	Fault ChaosFault
}

// WithChaos injects faults at random, reproducibly from c.Seed, into the
// requests the server handles, after any Fault registered with Fail. Each
// injected fault is recorded in Requests (Request.Chaos). Use it to check
// that code under test retries, resumes and gives up as it should.
func WithChaos(c Chaos) Option {
	return func(cfg *config) { cfg.chaos = &c }
}

// chaosState is a server's chaos configuration and bookkeeping.
type chaosState struct {
	cfg    Chaos
	ops    map[string]bool
	mu     sync.Mutex
	n      uint64
	events map[string]*ChaosEvent // by request ID, until observed
}

func newChaosState(c *Chaos) *chaosState {
	if c == nil {
		return nil
	}
	cs := &chaosState{cfg: *c, events: map[string]*ChaosEvent{}}
	if cs.cfg.Rate == 0 {
		cs.cfg.Rate = 0.2
	}
	if len(cs.cfg.Faults) == 0 {
		cs.cfg.Faults = AllChaosFaults
	}
	if cs.cfg.Delay == 0 {
		cs.cfg.Delay = 2 * time.Millisecond
	}
	if len(cs.cfg.Ops) > 0 {
		cs.ops = map[string]bool{}
		for _, op := range cs.cfg.Ops {
			cs.ops[op] = true
		}
	}
	return cs
}

// decide returns the fault for the next request, if any.
func (cs *chaosState) decide(op string) *ChaosEvent {
	cs.mu.Lock()
	cs.n++
	n := cs.n
	cs.mu.Unlock()
	if cs.ops != nil && !cs.ops[op] {
		return nil
	}
	// splitmix64 of (seed, n): stable across runs and Go versions.
	x := uint64(cs.cfg.Seed) ^ n*0x9E3779B97F4A7C15
	x = (x ^ x>>30) * 0xBF58476D1CE4E5B9
	x = (x ^ x>>27) * 0x94D049BB133111EB
	x ^= x >> 31
	if float64(x>>11)/float64(1<<53) >= cs.cfg.Rate {
		return nil
	}
	f := cs.cfg.Faults[(x&0x7ff)%uint64(len(cs.cfg.Faults))]
	if f == ChaosTruncate && !strings.HasPrefix(op, "Get") && !strings.HasPrefix(op, "List") {
		f = ChaosReset
	}
	return &ChaosEvent{Seed: cs.cfg.Seed, N: n, Fault: f}
}

// interceptChaos applies registered Faults, then chaos.
func (s *Server) interceptChaos(w http.ResponseWriter, r *http.Request, op httpapi.Op) bool {
	if s.intercept(w, r, op) {
		return true
	}
	if s.chaos == nil {
		return false
	}
	ev := s.chaos.decide(op.Operation)
	if ev == nil {
		return false
	}
	id := requestID(w.Header())
	s.mu.Lock()
	if id != "" {
		s.chaos.events[id] = ev
	}
	s.mu.Unlock()
	st, _ := r.Context().Value(stateKey{}).(*requestState)
	switch ev.Fault {
	case ChaosReset:
		if r.ContentLength > 0 {
			// Take half the upload first: the reset comes mid-body.
			io.CopyN(io.Discard, r.Body, r.ContentLength/2)
		}
		if st == nil {
			panic(http.ErrAbortHandler)
		}
		st.drop = true
		if id != "" {
			s.mu.Lock()
			s.dropped[id] = true
			s.mu.Unlock()
		}
		return true
	case ChaosTruncate, ChaosSlowBody:
		if st != nil {
			st.chaos = ev
			st.drop = ev.Fault == ChaosTruncate
		}
		return false
	}
	op.WriteError(w, r, string(ev.Fault), 0, "") // status from httpapi's error table
	return true
}

// chaosEvent returns and forgets the event of a request; s.mu is held.
func (s *Server) chaosEvent(requestID string) *ChaosEvent {
	if s.chaos == nil {
		return nil
	}
	ev := s.chaos.events[requestID]
	delete(s.chaos.events, requestID)
	return ev
}

// chaosWriter carries out ChaosTruncate and ChaosSlowBody, which the
// interceptor decides before the handler writes.
type chaosWriter struct {
	http.ResponseWriter
	st       *requestState
	delay    time.Duration
	written  int64
	limit    int64
	limitSet bool
}

func (s *Server) chaosWriter(w http.ResponseWriter, st *requestState) http.ResponseWriter {
	if s.chaos == nil {
		return w
	}
	return &chaosWriter{ResponseWriter: w, st: st, delay: s.chaos.cfg.Delay}
}

func (c *chaosWriter) Write(p []byte) (int, error) {
	ev := c.st.chaos
	switch {
	case ev == nil:
		return c.ResponseWriter.Write(p)
	case ev.Fault == ChaosTruncate:
		if !c.limitSet {
			cl, _ := strconv.ParseInt(c.Header().Get("Content-Length"), 10, 64)
			c.limit, c.limitSet = cl/2, true
		}
		n := min(max(c.limit-c.written, 0), int64(len(p)))
		if n > 0 {
			if _, err := c.ResponseWriter.Write(p[:n]); err != nil {
				return 0, err
			}
			c.written += n
		}
		return len(p), nil // the rest is lost with the connection
	}
	total := 0
	for len(p) > 0 {
		time.Sleep(c.delay)
		piece := p[:min(len(p), 1024)]
		n, err := c.ResponseWriter.Write(piece)
		total += n
		if err != nil {
			return total, err
		}
		http.NewResponseController(c.ResponseWriter).Flush()
		p = p[len(piece):]
	}
	return total, nil
}

// Flush passes through.
func (c *chaosWriter) Flush() { http.NewResponseController(c.ResponseWriter).Flush() }

// Unwrap lets http.ResponseController reach the underlying writer.
func (c *chaosWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }
