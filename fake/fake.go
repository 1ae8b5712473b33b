package fake

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/fake/internal/memhttp"
	"github.com/osslite/osslite/httpapi"
	"github.com/osslite/osslite/internal/totp"
	"github.com/osslite/osslite/pkg/kms"
)

// Default credentials of a fake server.
const (
	DefaultAccessKey = "osslite-fake"
	DefaultSecretKey = "osslite-fake-secret"
	DefaultRegion    = httpapi.DefaultRegion
)

// NoListenerURL is Server.URL under WithoutListener. Any URL works with
// HTTPClient, which ignores the host; this one makes virtual-host requests
// ("http://bucket.localhost/key") resolve to buckets.
const NoListenerURL = "http://localhost"

// closeGrace is how long Close waits for in-flight requests before it
// aborts them.
const closeGrace = 5 * time.Second

// Server is a fake object store: an in-memory engine behind the S3 handler,
// reachable through a loopback listener (URL) and an in-memory transport
// (HTTPClient). Create it with New, which closes it when the test ends, or
// with Start.
type Server struct {
	// URL is the base URL of the loopback listener, "http://127.0.0.1:port"
	// ("https://..." under WithTLS; NoListenerURL or NoListenerTLSURL under
	// WithoutListener). Use it as the SDK endpoint with
	// path-style addressing.
	URL string
	// Region is the server's region (DefaultRegion unless WithRegion).
	Region string
	// AccessKey and SecretKey are credentials the server accepts.
	AccessKey string
	SecretKey string

	errorf  func(format string, args ...any)
	logf    func(format string, args ...any)
	eng     *engine.Engine
	clock   *Clock
	api     http.Handler
	users   *httpapi.UserStore // see users.go
	mfa     map[string][]byte  // WithMFADevice: serial -> TOTP key
	ts      *httptest.Server
	tr      *memhttp.Transport
	client  *http.Client
	closing sync.Once

	mu       sync.Mutex
	faults   []*activeFault
	requests []Request
	dropped  map[string]bool       // request IDs of dropped requests
	chaos    *chaosState           // see chaos.go
	rtmp     *httpapi.RTMPListener // see WithRTMP
	cbtr     *memhttp.Transport    // carries upload callbacks to WithCallbackHandler's handler
}

// Request is one request the server handled, as Requests reports it.
type Request struct {
	Method string
	// Operation is the AWS API name (PutObject, ListObjectsV2, ...), or
	// "Unknown" when no operation matched.
	Operation string
	Bucket    string
	Key       string
	// Status is the HTTP status sent, or 0 when a Fault dropped the
	// connection.
	Status int
	// Chaos is the fault WithChaos injected into this request, nil if none.
	Chaos *ChaosEvent
	// UserDefinedLogFields is OSS's user_defined_log_fields of the request
	// (httpapi.Record.UserDefinedLogFields): the headers and query
	// parameters its bucket's PutUserDefinedLogFieldsConfig names.
	UserDefinedLogFields string
}

type config struct {
	accessKey, secretKey string
	region               string
	domains              []string
	buckets              []string
	permissive           bool
	noListener           bool
	tls                  bool // see WithTLS
	skewCheck            bool // see WithSkewCheck
	engine               engine.Options
	targets              map[string]engine.NotificationTarget // see WithNotificationTarget
	api                  []httpapi.Option
	rtmp                 bool                // see WithRTMP
	chaos                *Chaos              // see chaos.go
	users                []httpapi.User      // see WithUsers
	callback             http.Handler        // see WithCallbackHandler
	mfa                  []httpapi.MFADevice // see WithMFADevice
}

// Option configures New.
type Option func(*config)

// WithBuckets creates buckets, owned by the server's access key, before New
// returns, with the defaults of a new bucket under WithHTTPOptions
// (httpapi.WithS3Defaults2023, WithOSSDefaults2025; see
// httpapi.CreateBucket).
func WithBuckets(names ...string) Option {
	return func(c *config) { c.buckets = append(c.buckets, names...) }
}

// WithDomains adds base domains for virtual-host addressing
// ("bucket.<domain>"); "localhost" and "127.0.0.1" are always included.
func WithDomains(domains ...string) Option {
	return func(c *config) { c.domains = append(c.domains, domains...) }
}

// WithPermissive makes the server accept any access key without checking
// signatures (or their time), and treat anonymous requests as the owner.
// Bodies are still decoded and their checksums verified. The default is to
// verify signatures: real SDKs sign correctly, and a fake that accepts wrong
// signatures hides credential bugs.
func WithPermissive() Option { return func(c *config) { c.permissive = true } }

// WithCredentials replaces the default credentials (DefaultAccessKey,
// DefaultSecretKey).
func WithCredentials(accessKey, secretKey string) Option {
	return func(c *config) { c.accessKey, c.secretKey = accessKey, secretKey }
}

// WithRegion sets the server's region (default DefaultRegion).
func WithRegion(region string) Option { return func(c *config) { c.region = region } }

// WithEngineOptions sets the options of the in-memory engine; a later
// WithEngineOptions replaces an earlier one, but not the destinations of
// WithNotificationTarget, which are added to NotificationTargets. Clock is
// ignored: the engine always runs on the server's Clock. FS defaults to a
// fresh in-memory filesystem. Background compaction runs as in the engine
// (deletes trigger it, so reclaiming space needs no clock), but
// AbortUploadsAfter defaults to never: a test that advances Clock must not
// see its uploads vanish at an arbitrary later moment; set it to have
// them aborted.
func WithEngineOptions(opts engine.Options) Option {
	return func(c *config) { c.engine = opts }
}

// WithHTTPOptions passes options to the S3 handler (httpapi.New), after
// the fake's own: limits and timeouts, for instance.
func WithHTTPOptions(opts ...httpapi.Option) Option {
	return func(c *config) { c.api = append(c.api, opts...) }
}

// WithRefuseSignatures makes the server refuse the HMAC-SHA1 signature
// schemes named (httpapi.Config.RefuseSignatures): a test of a client
// that must sign SigV4 (or OSS v4) fails where the client falls back to
// SigV2 (OSS v1, ssig), with the answer the service gives.
func WithRefuseSignatures(schemes httpapi.SignatureSchemes) Option {
	return WithHTTPOptions(httpapi.WithRefuseSignatures(schemes))
}

// WithMFADevice gives the server's account (AccessKey) a virtual MFA
// device for S3's MFA delete: serial (e.g.
// arn:aws:iam::123456789012:mfa/root-account-mfa-device) and a base32
// TOTP secret. MFACode shows its code at the server's Clock, which the
// server checks codes against; each code is accepted once, so a test
// makes several MFA deletes by advancing Clock 30 seconds between them.
// See httpapi.Config.MFADevices.
func WithMFADevice(serial, base32Secret string) Option {
	return func(c *config) {
		c.mfa = append(c.mfa, httpapi.MFADevice{Serial: serial, Secret: base32Secret})
	}
}

// WithoutListener skips the loopback listener: the server is reachable only
// through HTTPClient, and URL is NoListenerURL. Use it inside a
// testing/synctest bubble, where a real socket would keep the bubble from
// ever being idle.
func WithoutListener() Option { return func(c *config) { c.noListener = true } }

// New starts a fake server for the duration of t: a fresh in-memory engine
// and the S3 handler, served on a loopback listener and through HTTPClient.
// Signatures are verified against AccessKey/SecretKey unless WithPermissive.
// t.Cleanup closes the server (see Close); problems at Close and handler
// panics are reported through t.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := start(t.Errorf, t.Logf, opts)
	if err != nil {
		t.Fatalf("%v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start is New for code that has no testing.TB, such as TestMain sharing
// one server between tests or an Example. The caller must call Close;
// problems are reported to the standard logger.
func Start(opts ...Option) (*Server, error) {
	return start(log.Printf, log.Printf, opts)
}

func start(errorf, logf func(format string, args ...any), opts []Option) (*Server, error) {
	cfg := config{accessKey: DefaultAccessKey, secretKey: DefaultSecretKey, region: DefaultRegion}
	for _, o := range opts {
		o(&cfg)
	}
	clock := NewClock(time.Now().UTC().Truncate(time.Second))
	eo := cfg.engine
	eo.Clock = clock
	eo.NotificationTargets = cfg.notificationTargets()
	if eo.AbortUploadsAfter == 0 {
		eo.AbortUploadsAfter = -1
	}
	if eo.Keys == nil {
		// A key service with a fresh root key: the fake's data lives only
		// as long as the process.
		root := make([]byte, 32)
		rand.Read(root)
		keys, err := kms.New(kms.Options{RootKey: root, Keys: []string{"test-key"}, Region: cfg.region})
		if err != nil {
			return nil, fmt.Errorf("fake: key service: %w", err)
		}
		eo.Keys = keys
	}
	eng, err := engine.Open("", &eo)
	if err != nil {
		return nil, fmt.Errorf("fake: open engine: %w", err)
	}
	s := &Server{
		Region:    cfg.region,
		AccessKey: cfg.accessKey,
		SecretKey: cfg.secretKey,
		errorf:    errorf,
		logf:      logf,
		eng:       eng,
		clock:     clock,
		dropped:   make(map[string]bool),
		chaos:     newChaosState(cfg.chaos),
	}
	users, err := newUserStore(cfg)
	if err != nil {
		eng.Close()
		return nil, err
	}
	s.users = users
	s.mfa = make(map[string][]byte, len(cfg.mfa))
	for i, d := range cfg.mfa {
		if err := d.Validate(); err != nil {
			eng.Close()
			return nil, fmt.Errorf("fake: WithMFADevice: %w", err)
		}
		s.mfa[d.Serial], _ = totp.DecodeSecret(d.Secret)
		cfg.mfa[i].User = cfg.accessKey
	}
	apiOpts := []httpapi.Option{
		httpapi.WithCredentials(map[string]string{cfg.accessKey: cfg.secretKey}),
		httpapi.WithDirectory(users),
		httpapi.WithRegion(cfg.region),
		httpapi.WithDomains(cfg.domains...),
		httpapi.WithObserver(s.observe),
		httpapi.WithInterceptor(s.interceptChaos),
		// No DNS from a test: PutCname finds no ownership record unless
		// the test gives a resolver (WithHTTPOptions(httpapi.WithLookupTXT)).
		httpapi.WithLookupTXT(func(_ context.Context, name string) ([]string, error) {
			return nil, &net.DNSError{Err: "no DNS in the fake", Name: name, IsNotFound: true}
		}),
	}
	if cfg.permissive {
		apiOpts = append(apiOpts, httpapi.WithPermissive())
	}
	if len(cfg.mfa) > 0 {
		apiOpts = append(apiOpts, httpapi.WithMFADevices(cfg.mfa...))
	}
	if cfg.callback != nil {
		s.cbtr = memhttp.New(cfg.callback, func(v any, stack []byte) {
			errorf("fake: callback handler panic: %v\n%s", v, stack)
		})
		apiOpts = append(apiOpts, httpapi.WithCallbacks(s.cbtr))
	}
	if !cfg.skewCheck {
		apiOpts = append(apiOpts, withoutSkewLimit)
	}
	s.api = httpapi.New(eng, append(apiOpts, cfg.api...)...)
	s.tr = memhttp.New(http.HandlerFunc(s.serveHTTP), func(v any, stack []byte) {
		errorf("fake: handler panic: %v\n%s", v, stack)
	})
	s.tr.Now = s.clock.Now
	s.client = &http.Client{Transport: s.tr}
	for _, b := range cfg.buckets {
		// With the handler's options, so that a bucket made here starts
		// with the defaults a CreateBucket would give it
		// (httpapi.WithS3Defaults2023, WithOSSDefaults2025).
		err := httpapi.CreateBucket(context.Background(), eng, b, engine.BucketOptions{Region: cfg.region, Owner: s.Owner()}, append(apiOpts, cfg.api...)...)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("fake: create bucket %q: %w", b, err)
		}
	}
	if cfg.rtmp {
		if err := s.startRTMP(); err != nil {
			s.Close()
			return nil, err
		}
	}
	switch {
	case cfg.noListener && cfg.tls:
		s.URL = NoListenerTLSURL
	case cfg.noListener:
		s.URL = NoListenerURL
	case cfg.tls:
		s.ts = httptest.NewTLSServer(http.HandlerFunc(s.serveHTTP))
		s.URL = s.ts.URL
	default:
		s.ts = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
		s.URL = s.ts.URL
	}
	return s, nil
}

// Engine returns the server's engine, to seed and inspect state without
// HTTP. Objects and buckets made through it should name Owner() as owner.
func (s *Server) Engine() *engine.Engine { return s.eng }

// RequestMetrics returns what the buckets' S3 request metrics
// configurations (PutBucketMetricsConfiguration) have counted, sorted by
// bucket and configuration ID: the numbers S3 publishes to CloudWatch.
// Requests are counted once their response is complete.
func (s *Server) RequestMetrics() ([]httpapi.RequestMetrics, error) {
	return httpapi.ReadRequestMetrics(context.Background(), s.api)
}

// Owner returns the canonical user ID the handler gives AccessKey: the
// owner of buckets created with WithBuckets or through HTTP.
func (s *Server) Owner() string {
	// Mirrors httpapi's ownerID: hex SHA-256 of the access key.
	h := sha256.Sum256([]byte(s.AccessKey))
	return hex.EncodeToString(h[:])
}

// MFACode returns the x-amz-mfa value of a WithMFADevice device at the
// server's Clock: its serial, a space and its current six-digit code
// (what an authenticator app would show). It panics for a serial no
// WithMFADevice gave.
func (s *Server) MFACode(serial string) string {
	key, ok := s.mfa[serial]
	if !ok {
		panic(fmt.Sprintf("fake: MFACode: no MFA device %q", serial))
	}
	return serial + " " + totp.Code(key, totp.Counter(s.clock.Now()), totp.Digits)
}

// Clock returns the clock the engine and handler read. Advance it to age
// objects, expire presigned URLs or complete restores; lifecycle rules
// and other work due on the clock run when Engine().RunPending is called
// after Advance (see the package section Time).
func (s *Server) Clock() *Clock { return s.clock }

// HTTPClient returns a client whose transport hands requests straight to
// the handler: no socket, no DNS. Every host reaches the server, so
// virtual-host addressing ("http://bucket.localhost/key", or
// bucket.<domain> for a WithDomains domain) works without resolver tricks.
// Request and response bodies stream through pipes: the handler sees the
// request body as the client produces it, and the client reads the response
// while the handler is still writing it. Request context cancellation
// reaches the handler. Requests to https URLs (Server.URL under WithTLS)
// reach the handler with Request.TLS set, as over a TLS connection, and
// need no certificate. The same client is returned on every call.
func (s *Server) HTTPClient() *http.Client { return s.client }

// Requests returns, oldest first, the requests the server has handled. A
// request is listed by the time its response is complete at the client (its
// body read to the end); one whose body the client abandoned may show up a
// little later.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ResetRequests forgets the requests handled so far.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// Close shuts the server down: it stops accepting requests, waits up to
// five seconds for in-flight ones (aborting what remains and logging it to
// the test), logs the faults that never matched a request (see Fail),
// then closes the engine. New registers it with t.Cleanup; it
// is idempotent.
func (s *Server) Close() {
	s.closing.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), closeGrace)
		defer cancel()
		idle := true
		if s.ts != nil {
			if err := s.ts.Config.Shutdown(ctx); err != nil {
				idle = false
				s.ts.CloseClientConnections()
			}
		}
		if !s.tr.Wait(ctx) {
			idle = false
		}
		if n := s.tr.Close(); n > 0 || !idle {
			s.logf("fake: aborted requests still in flight after %v at Close (unclosed response bodies?)", closeGrace)
		}
		s.reportUnmatched()
		if s.ts != nil {
			s.ts.Close()
		}
		if s.rtmp != nil {
			s.rtmp.Close() // finalises pushes: before the engine closes
		}
		if s.cbtr != nil {
			s.cbtr.Close()
		}
		if err := s.eng.Close(); err != nil {
			s.errorf("fake: close engine: %v", err)
		}
	})
}

// serveHTTP wraps the handler for both the listener and the transport: it
// carries per-request fault state and holds back the final response byte
// until the handler (and so the observer) has finished, so that a client
// which has read a whole response always finds it in Requests.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	st := &requestState{}
	w = s.chaosWriter(w, st)
	hw := &holdWriter{ResponseWriter: w}
	s.api.ServeHTTP(hw, r.WithContext(context.WithValue(r.Context(), stateKey{}, st)))
	if st.drop {
		panic(http.ErrAbortHandler) // net/http and memhttp both drop the connection
	}
	hw.release()
}

func (s *Server) observe(rec httpapi.Record) {
	s.mu.Lock()
	defer s.mu.Unlock()
	req := Request{Method: rec.Method, Operation: rec.Operation, Bucket: rec.Bucket, Key: rec.Key, Status: rec.Status,
		UserDefinedLogFields: rec.UserDefinedLogFields}
	req.Chaos = s.chaosEvent(rec.RequestID)
	if s.dropped[rec.RequestID] {
		delete(s.dropped, rec.RequestID)
		req.Status = 0
	}
	s.requests = append(s.requests, req)
}

type stateKey struct{}

// requestState is what the interceptor tells serveHTTP about a request.
type requestState struct {
	drop  bool
	chaos *ChaosEvent // set by the interceptor under WithChaos
}

// holdWriter delays the last byte written until release, so that the
// response cannot be complete at the client before the handler has returned.
type holdWriter struct {
	http.ResponseWriter
	held    [1]byte
	holding bool
}

func (w *holdWriter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if w.holding {
		if _, err := w.ResponseWriter.Write(w.held[:]); err != nil {
			return 0, err
		}
		w.holding = false
	}
	n, err := w.ResponseWriter.Write(p[:len(p)-1])
	if err != nil {
		return n, err
	}
	w.held[0], w.holding = p[len(p)-1], true
	return len(p), nil
}

func (w *holdWriter) release() {
	if w.holding {
		w.holding = false
		w.ResponseWriter.Write(w.held[:])
	}
}

// Flush sends everything but the held byte.
func (w *holdWriter) Flush() { http.NewResponseController(w.ResponseWriter).Flush() }

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *holdWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
