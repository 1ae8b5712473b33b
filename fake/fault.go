package fake

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/osslite/osslite/httpapi"
)

// Fault describes a failure to inject. A request matches when its
// operation, bucket and key equal Op, Bucket and Key (an empty field matches
// anything). A matching request first waits Latency, then either loses its
// connection (Drop), gets the error Code, or, when neither is set, proceeds
// normally: a latency-only fault.
//
// Faults are checked after the request is routed and before it is
// authenticated, so they fire for badly signed requests too.
type Fault struct {
	// Op is the AWS operation name: PutObject, GetObject, ListObjectsV2, ...
	Op     string
	Bucket string
	Key    string

	// Code is the error code to answer with, such as "SlowDown",
	// "InternalError" or "AccessDenied". Empty means no error response.
	Code string
	// Status is the HTTP status of the error. Default: Code's status in
	// httpapi's error table (httpapi.StatusOf: 503 for SlowDown, 403 for
	// AccessDenied, ...), 500 for codes it does not know.
	Status int
	// Message is the error message. Default: the standard message of Code.
	Message string

	// Latency delays the request before anything else happens. A client
	// that gives up meanwhile (its context ends) sees its own error.
	Latency time.Duration
	// Drop closes the connection without a response: the in-memory
	// transport returns an error that reads like a connection reset, the
	// listener closes the TCP connection. SDKs treat both as retryable.
	Drop bool

	// Times is how many requests the fault applies to; 0 means every
	// matching request until ClearFaults.
	Times int
}

// activeFault is a registered Fault and how many uses it has left.
type activeFault struct {
	Fault
	left int  // -1: unlimited
	used bool // it has matched a request
}

// Fail registers a fault. Faults are tried in the order they were
// registered; the first one that matches a request, and has uses left,
// applies to it. Fail is safe to call while requests are in flight.
// A fault still registered at Close that never matched a request (a
// misspelt Op, another key) is logged to the test, with the operations
// the server saw; so is an operation of Chaos.Ops no request had.
func (s *Server) Fail(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	left := f.Times
	if left <= 0 {
		left = -1
	}
	s.faults = append(s.faults, &activeFault{Fault: f, left: left})
}

// ClearFaults removes every registered fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// take returns the fault that applies to op, using it up once.
func (s *Server) take(op httpapi.Op) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if !f.matches(op) {
			continue
		}
		f.used = true
		if f.left > 0 {
			f.left--
			if f.left == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return f.Fault, true
	}
	return Fault{}, false
}

func (f *Fault) matches(op httpapi.Op) bool {
	return (f.Op == "" || f.Op == op.Operation) &&
		(f.Bucket == "" || f.Bucket == op.Bucket) &&
		(f.Key == "" || f.Key == op.Key)
}

// intercept is the httpapi interceptor that applies faults.
func (s *Server) intercept(w http.ResponseWriter, r *http.Request, op httpapi.Op) bool {
	f, ok := s.take(op)
	if !ok {
		return false
	}
	drop := f.Drop
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			drop = true // the client is gone; nothing to answer
		}
	}
	if drop {
		st, _ := r.Context().Value(stateKey{}).(*requestState)
		if st == nil {
			panic(http.ErrAbortHandler)
		}
		st.drop = true
		if id := requestID(w.Header()); id != "" {
			s.mu.Lock()
			s.dropped[id] = true
			s.mu.Unlock()
		}
		return true
	}
	if f.Code == "" {
		return false
	}
	op.WriteError(w, r, f.Code, f.Status, f.Message) // status 0: httpapi's error table
	return true
}

// requestID finds the request ID the handler has already put in the
// response headers (x-amz-request-id, x-oss-request-id, ...).
func requestID(h http.Header) string {
	for k, v := range h {
		if strings.HasSuffix(k, "-Request-Id") && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// reportUnmatched logs the registered faults that never matched a
// request: such a fault silently does nothing, and the test passes or
// fails for another reason than the one its author meant.
func (s *Server) reportUnmatched() {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ops []string
	seen := func() string {
		if ops == nil {
			ops = []string{}
			for _, r := range s.requests {
				if !slices.Contains(ops, r.Operation) {
					ops = append(ops, r.Operation)
				}
			}
			slices.Sort(ops)
		}
		return strings.Join(ops, ", ")
	}
	for _, f := range s.faults {
		if !f.used {
			s.logf("fake: Fault{Op: %q, Bucket: %q, Key: %q} matched no request; Op is an operation name as Requests reports it (operations seen: %s)",
				f.Op, f.Bucket, f.Key, seen())
		}
	}
	if s.chaos == nil || len(s.chaos.cfg.Ops) == 0 {
		return
	}
	list := seen()
	for _, op := range s.chaos.cfg.Ops {
		if !slices.Contains(ops, op) {
			s.logf("fake: Chaos.Ops names %q, which no request had; Ops are operation names as Requests reports them (operations seen: %s)", op, list)
		}
	}
}
