package httpapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/logging"
	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
	"github.com/osslite/osslite/pkg/ossauth"
	"github.com/osslite/osslite/pkg/sigv4"
	"github.com/osslite/osslite/pkg/ssig"
)

const (
	testAK = "AKIAOSSLITETEST"
	testSK = "osslite/test/secret/key"
	// otherAK is a second principal that owns nothing.
	otherAK = "AKIAOTHERUSER"
	otherSK = "other/secret"
)

var testCreds = map[string]string{testAK: testSK, otherAK: otherSK}

// testClock is an engine clock at a controllable offset from real time
// (real time, so that SDK-signed requests are within the skew window).
type testClock struct {
	offset atomic.Int64
	fixed  time.Time
}

func (c *testClock) Now() time.Time {
	if !c.fixed.IsZero() {
		return c.fixed.Add(time.Duration(c.offset.Load()))
	}
	return time.Now().Add(time.Duration(c.offset.Load()))
}

func (c *testClock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// fixture is a memory engine served on loopback.
type fixture struct {
	t       testing.TB
	eng     *engine.Engine
	clock   *testClock
	srv     *httptest.Server
	mu      sync.Mutex
	records []httpapi.Record
}

type fixtureOptions struct {
	tls bool
	// h2 serves HTTP/2 over TLS (and HTTP/1.1 to clients that ask).
	h2    bool
	clock *testClock
	opts  []httpapi.Option
	// cnameTLS serves TLS with custom domains' certificates
	// (httpapi.CnameCertificates) before the test server's own.
	cnameTLS bool
}

func newFixture(t testing.TB, fo fixtureOptions) *fixture {
	t.Helper()
	f := &fixture{t: t, clock: fo.clock}
	if f.clock == nil {
		f.clock = &testClock{}
	}
	eng, err := engine.Open("", &engine.Options{Clock: f.clock, Keys: testKeyService(t)})
	if err != nil {
		t.Fatal(err)
	}
	f.eng = eng
	opts := append([]httpapi.Option{
		httpapi.WithCredentials(testCreds),
		httpapi.WithObserver(func(r httpapi.Record) { f.mu.Lock(); f.records = append(f.records, r); f.mu.Unlock() }),
	}, fo.opts...)
	h := httpapi.New(eng, opts...)
	if fo.h2 {
		f.srv = httptest.NewUnstartedServer(h)
		f.srv.EnableHTTP2 = true
		f.srv.StartTLS()
	} else if fo.cnameTLS {
		f.srv = httptest.NewUnstartedServer(h)
		f.srv.TLS = &tls.Config{GetCertificate: httpapi.CnameCertificates(h)}
		f.srv.StartTLS()
	} else if fo.tls {
		f.srv = httptest.NewTLSServer(h)
	} else {
		f.srv = httptest.NewServer(h)
	}
	t.Cleanup(func() {
		f.srv.Close()
		if err := eng.Close(); err != nil {
			t.Error(err)
		}
	})
	return f
}

// httpClient returns a client for the server that dials it for any host
// name, so virtual-host names like "b.localhost" need no DNS.
func (f *fixture) httpClient() *http.Client {
	c := f.srv.Client()
	tr := c.Transport.(*http.Transport).Clone()
	addr := f.srv.Listener.Addr().String()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
	tr.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: tr}
}

// s3Client returns an aws-sdk-go-v2 client with default settings.
func (f *fixture) s3Client(pathStyle bool, ak, sk string) *s3.Client {
	endpoint := f.srv.URL
	if !pathStyle {
		endpoint = strings.Replace(endpoint, "127.0.0.1", "localhost", 1)
	}
	// LoadDefaultConfig is how applications build clients; it resolves the
	// SDK defaults (CRC32 request checksums, response validation).
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(ak, sk, "")),
		config.WithSharedConfigFiles([]string{}), config.WithSharedCredentialsFiles([]string{}),
	)
	if err != nil {
		f.t.Fatal(err)
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.HTTPClient = f.httpClient()
		o.BaseEndpoint = aws.String(endpoint)
		o.UsePathStyle = pathStyle
		o.RetryMaxAttempts = 1
		o.Logger = logging.Nop{}
	})
}

func (f *fixture) client() *s3.Client { return f.s3Client(true, testAK, testSK) }

// raw is a hand-made request.
type raw struct {
	method, path string
	header       http.Header
	body         []byte
	// sign: "v4" (default), "anon", "v2", "unsigned-payload", "oss-v1",
	// "oss-v4" (OSS signatures, path-style resource).
	sign string
	ak   string
	sk   string
	// host, when set, is the Host header.
	host string
}

type rawResponse struct {
	*http.Response
	body []byte
}

// errCode returns the Code element of an error body.
func (r rawResponse) errCode() string {
	var e struct {
		Code string `xml:"Code"`
	}
	_ = xml.Unmarshal(r.body, &e)
	return e.Code
}

func (f *fixture) do(t testing.TB, q raw) rawResponse {
	t.Helper()
	req, err := http.NewRequest(q.method, f.srv.URL+q.path, bytes.NewReader(q.body))
	if err != nil {
		t.Fatal(err)
	}
	if q.body == nil {
		req.Body = http.NoBody
	}
	if q.host != "" {
		req.Host = q.host
	}
	for k, vs := range q.header {
		req.Header[k] = vs
	}
	ak, sk := q.ak, q.sk
	if ak == "" {
		ak, sk = testAK, testSK
	}
	now := f.clock.Now()
	switch q.sign {
	case "", "v4":
		h := sha256.Sum256(q.body)
		if _, err := sigv4.SignRequest(req, sigv4.Credentials{AccessKeyID: ak, SecretAccessKey: sk}, "us-east-1", "s3", now, hex.EncodeToString(h[:])); err != nil {
			t.Fatal(err)
		}
	case "unsigned-payload":
		if _, err := sigv4.SignRequest(req, sigv4.Credentials{AccessKeyID: ak, SecretAccessKey: sk}, "us-east-1", "s3", now, sigv4.UnsignedPayload); err != nil {
			t.Fatal(err)
		}
	case "v2":
		sigv4.SignRequestV2(req, sigv4.Credentials{AccessKeyID: ak, SecretAccessKey: sk}, "", now)
	case "oss-v1", "oss-v4":
		b, k, _ := strings.Cut(strings.TrimPrefix(req.URL.Path, "/"), "/")
		res, cred := ossauth.Resource{Bucket: b, Key: k}, ossauth.Credentials{AccessKeyID: ak, AccessKeySecret: sk}
		if q.sign == "oss-v1" {
			ossauth.SignRequestV1(req, res, cred, now)
		} else {
			ossauth.SignRequestV4(req, res, cred, now, ossauth.V4Options{Region: "cn-hangzhou"})
		}
	case "sina":
		b, k, _ := strings.Cut(strings.TrimPrefix(req.URL.EscapedPath(), "/"), "/")
		if req.Header.Get("Date") == "" {
			req.Header.Set("Date", now.UTC().Format(http.TimeFormat))
		}
		ssig.SignRequest(req, ssig.Resource{Bucket: b, EscapedKey: k}, ak, sk, now)
	case "anon":
	case "keep": // headers already carry the signature
	default:
		t.Fatalf("unknown signing %q", q.sign)
	}
	c := f.httpClient()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse } // show redirects as they are
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return rawResponse{resp, b}
}

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// pattern returns n deterministic bytes.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}
