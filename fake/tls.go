package fake

import (
	"crypto/x509"
	"time"

	"github.com/osslite/osslite/httpapi"
)

// NoListenerTLSURL is Server.URL under WithoutListener and WithTLS.
const NoListenerTLSURL = "https://localhost"

// WithTLS serves HTTPS: the loopback listener is an httptest TLS server
// (Server.URL is "https://127.0.0.1:port"; Certificate returns its
// certificate), and the in-memory HTTPClient hands the handler requests
// whose Request.TLS is set, as a TLS server would. SDKs pick their TLS
// defaults from the https endpoint: aws-sdk-go-v2, for one, sends uploads
// as aws-chunked with an unsigned payload and a CRC32 trailer only over
// TLS, so WithTLS is how a test covers the path production traffic takes.
func WithTLS() Option { return func(c *config) { c.tls = true } }

// Certificate returns the certificate of the loopback TLS listener, for a
// client that goes through the socket instead of HTTPClient (add it to
// the client's RootCAs). It is nil without WithTLS or under
// WithoutListener, where there is no certificate: HTTPClient never does a
// TLS handshake.
func (s *Server) Certificate() *x509.Certificate {
	if s.ts == nil || s.ts.TLS == nil {
		return nil
	}
	return s.ts.Certificate()
}

// WithSkewCheck makes the handler reject header-signed requests whose
// signing time is more than 15 minutes away from the fake clock
// (RequestTimeTooSkewed; a bare 403 to a HEAD), as a real server does
// against its own clock. Without it the fake does not check the distance:
// SDKs sign with the wall clock, so a test that advances the fake clock
// would otherwise see its next request fail. Presigned-URL expiry follows
// the fake clock either way.
func WithSkewCheck() Option { return func(c *config) { c.skewCheck = true } }

// noSkewLimit is the largest distance between a request's signing time
// and the fake clock that the handler accepts without WithSkewCheck: in
// effect none.
const noSkewLimit = 100 * 365 * 24 * time.Hour

// withoutSkewLimit lifts the handler's skew limit. It also lifts the
// check that a presigned URL's X-Amz-Date is not in the future, which
// shares the limit; the expiry check does not.
var withoutSkewLimit httpapi.Option = func(c *httpapi.Config) { c.MaxSkew = noSkewLimit }
