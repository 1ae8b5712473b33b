package main

import (
	"context"
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
)

// Operational endpoints.
//
// The server answers health checks and metrics scrapes next to the S3 and
// OSS APIs without ever taking a request an S3 or OSS client could make:
//
//   - /_osslite/health/live, /_osslite/health/ready and /_osslite/metrics
//     are always the server's: "_osslite" is no valid bucket name, so no
//     path-style request has that path.
//   - /osslite/health/live, /osslite/health/ready, /osslite/metrics and
//     MinIO's /minio/health/live and /minio/health/ready (probed by compose
//     files and testcontainers) are answered only when the request carries
//     no S3 or OSS authentication (no Authorization header other than
//     "Bearer ...", no signature query parameters) AND no bucket named
//     "osslite" or "minio" exists. Otherwise they go to the S3/OSS handler
//     as the object requests they also are.
//   - None of them is answered on a bucket's virtual host
//     (bucket.localhost, bucket.<-domain>, *.aliyuncs.com): there every
//     path is an object key.
//
// live answers 200 while the process serves; ready answers 200 once the
// store is open, recovered and seeded, and 503 once shutdown has begun.
// Both accept GET and HEAD.
const (
	opsPrefix      = "/_osslite/"
	pathLive       = "health/live"
	pathReady      = "health/ready"
	pathMetrics    = "metrics"
	minioLive      = "/minio/health/live"
	minioReady     = "/minio/health/ready"
	opsBucket      = "osslite"
	minioBucket    = "minio"
	bearerPrefix   = "Bearer "
	contentTypeTxt = "text/plain; charset=utf-8"
)

// front routes operational endpoints to their handlers and everything else
// to the S3/OSS API.
type front struct {
	api     http.Handler
	eng     *engine.Engine
	domains []string // virtual-host base domains, lower case
	ready   *atomic.Bool
	// metrics serves the scrape; nil when -metrics is off.
	metrics http.Handler
	// token, when set, is the bearer token a scrape must present.
	token string
}

func (f *front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !f.vhost(r) {
		if rest, ok := strings.CutPrefix(r.URL.Path, opsPrefix); ok && r.URL.Path != httpapi.CallbackKeyPath {
			f.serveOps(w, r, rest)
			return
		}
		if rest, ok := f.guarded(r); ok {
			f.serveOps(w, r, rest)
			return
		}
	}
	f.api.ServeHTTP(w, r)
}

// guarded reports whether r is one of the /osslite/... or /minio/...
// endpoints and may be answered as one (see the rules above); rest is the
// endpoint's name under opsPrefix.
func (f *front) guarded(r *http.Request) (rest string, ok bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return "", false
	}
	var bucket string
	switch p := r.URL.Path; p {
	case minioLive:
		rest, bucket = pathLive, minioBucket
	case minioReady:
		rest, bucket = pathReady, minioBucket
	case "/" + opsBucket + "/" + pathLive, "/" + opsBucket + "/" + pathReady:
		rest, bucket = strings.TrimPrefix(p, "/"+opsBucket+"/"), opsBucket
	case "/" + opsBucket + "/" + pathMetrics:
		if f.metrics == nil {
			return "", false
		}
		rest, bucket = pathMetrics, opsBucket
	default:
		return "", false
	}
	if signed(r) || f.bucketMayExist(r.Context(), bucket) {
		return "", false
	}
	return rest, true
}

// signed reports whether r carries S3 or OSS authentication in a header or
// the query string. A bearer token (for the metrics scrape) does not count.
func signed(r *http.Request) bool {
	if a := r.Header.Get("Authorization"); a != "" && !strings.HasPrefix(a, bearerPrefix) {
		return true
	}
	for k := range r.URL.Query() {
		switch strings.ToLower(k) {
		case "x-amz-signature", "x-amz-credential", "signature", "awsaccesskeyid",
			"ossaccesskeyid", "x-oss-signature", "x-oss-credential":
			return true
		}
	}
	return false
}

// bucketMayExist reports whether the engine has the bucket, or cannot say.
func (f *front) bucketMayExist(ctx context.Context, name string) bool {
	_, err := f.eng.Bucket(ctx, name)
	return !errors.Is(err, engine.ErrNoSuchBucket)
}

// vhost reports whether r addresses a bucket by its Host header, mirroring
// httpapi's addressing: then every path is an object key.
func (f *front) vhost(r *http.Request) bool {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if strings.HasSuffix(host, ".aliyuncs.com") {
		return true
	}
	for _, d := range f.domains {
		if strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// serveOps answers an operational endpoint; name is its path under
// opsPrefix.
func (f *front) serveOps(w http.ResponseWriter, r *http.Request, name string) {
	if name == pathMetrics && f.metrics != nil {
		f.serveMetrics(w, r)
		return
	}
	if name != pathLive && name != pathReady {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", contentTypeTxt)
	status, body := http.StatusOK, "ok\n"
	if name == pathReady && !f.ready.Load() {
		status, body = http.StatusServiceUnavailable, "not ready\n"
	}
	w.WriteHeader(status)
	if r.Method == http.MethodGet {
		w.Write([]byte(body))
	}
}

// serveMetrics checks the bearer token, if any, and serves the scrape.
func (f *front) serveMetrics(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if f.token != "" {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), bearerPrefix)
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(f.token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="osslite metrics"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
	}
	f.metrics.ServeHTTP(w, r)
}
