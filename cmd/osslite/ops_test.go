package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/osslite/osslite/engine"
	"github.com/stretchr/testify/require"
)

// env is a fake environment.
type env map[string]string

func (e env) lookup(k string) (string, bool) { v, ok := e[k]; return v, ok }

func TestEnvironmentConfiguration(t *testing.T) {
	e := env{
		"OSSLITE_ACCESS_KEY": "env-ak",
		"OSSLITE_SECRET_KEY": "env-sk",
		"OSSLITE_REGION":     "eu-central-1",
		"OSSLITE_DOMAIN":     "a.test, b.test",
		"OSSLITE_METRICS":    "true",
		"OSSLITE_LOG_FORMAT": "json",
		"OSSLITE_SEED":       "site=/srv/site",
		// Never read: the server must not adopt its user's AWS identity.
		"AWS_ACCESS_KEY_ID":     "aws-ak",
		"AWS_SECRET_ACCESS_KEY": "aws-sk",
	}
	o, err := parseFlags([]string{"-access-key", "flag-ak", "-domain", "c.test"}, e.lookup, io.Discard)
	require.NoError(t, err)
	require.Equal(t, "flag-ak", o.accessKey, "the flag wins over the environment")
	require.Equal(t, "env-sk", o.secretKey)
	require.Equal(t, "eu-central-1", o.region)
	require.Equal(t, []string{"c.test"}, o.domains, "a repeatable flag given on the command line replaces the environment's list")
	require.True(t, o.metrics)
	require.True(t, o.json)
	require.Equal(t, []seedSpec{{bucket: "site", dir: "/srv/site"}}, o.seeds)

	o, err = parseFlags(nil, env{"OSSLITE_DOMAIN": "a.test,b.test", "AWS_ACCESS_KEY_ID": "aws-ak", "AWS_SECRET_ACCESS_KEY": "aws-sk"}.lookup, io.Discard)
	require.NoError(t, err)
	require.Equal(t, []string{"a.test", "b.test"}, o.domains)
	require.Equal(t, defaultAccessKey, o.accessKey, "AWS_ACCESS_KEY_ID is not read")
	require.Equal(t, defaultSecretKey, o.secretKey, "AWS_SECRET_ACCESS_KEY is not read")

	o, err = parseFlags(nil, env{"OSSLITE_VERSION": "1.2.3"}.lookup, io.Discard)
	require.NoError(t, err, "OSSLITE_VERSION is not the -version flag")
	require.False(t, o.version)
	_, err = parseFlags(nil, env{"OSSLITE_METRICS": "maybe"}.lookup, io.Discard)
	require.ErrorContains(t, err, "OSSLITE_METRICS")
	_, err = parseFlags(nil, env{"OSSLITE_LOG_LEVEL": "loud"}.lookup, io.Discard)
	require.ErrorContains(t, err, "-log-level")

	// Every flag, whoever adds it, has its variable, named in the help.
	var help bytes.Buffer
	_, err = parseFlags([]string{"-h"}, noEnv, &help)
	require.ErrorIs(t, err, flag.ErrHelp)
	var names int
	for _, line := range strings.Split(help.String(), "\n") {
		name, ok := strings.CutPrefix(line, "  -")
		if !ok {
			continue
		}
		name, _, _ = strings.Cut(name, " ")
		names++
		if commandFlags[name] {
			require.NotContains(t, help.String(), "[$"+envName(name)+"]", name)
			continue
		}
		require.Contains(t, help.String(), "[$"+envName(name)+"]", name)
	}
	require.Greater(t, names, 15)
	require.Equal(t, "OSSLITE_ACCESS_KEY", envName("access-key"))
}

func TestRunReadsEnvironment(t *testing.T) {
	url, out, _ := startEnv(t, env{"OSSLITE_ACCESS_KEY": "env-ak", "OSSLITE_SECRET_KEY": "env-sk", "OSSLITE_BUCKET": "one,two"}.lookup)
	require.Contains(t, out.String(), "access key: env-ak")
	require.NotContains(t, out.String(), "env-sk", "a secret the operator chose is never printed")
	got, err := client(url, "env-ak", "env-sk").ListBuckets(context.Background(), &s3.ListBucketsInput{})
	require.NoError(t, err)
	require.Len(t, got.Buckets, 2)
}

// get sends an unsigned request and returns status and body.
func get(t *testing.T, method, url string, hdr ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i] == "Host" {
			req.Host = hdr[i+1]
			continue
		}
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func TestHealthEndpoints(t *testing.T) {
	url, _, _ := start(t)
	for _, p := range []string{"/_osslite/health/live", "/_osslite/health/ready", "/osslite/health/live", "/osslite/health/ready", "/minio/health/live", "/minio/health/ready"} {
		code, body := get(t, http.MethodGet, url+p)
		require.Equal(t, http.StatusOK, code, p)
		require.Equal(t, "ok\n", body, p)
		code, body = get(t, http.MethodHead, url+p)
		require.Equal(t, http.StatusOK, code, p)
		require.Empty(t, body, p)
	}
	code, _ := get(t, http.MethodPost, url+"/_osslite/health/live")
	require.Equal(t, http.StatusMethodNotAllowed, code)
	code, _ = get(t, http.MethodGet, url+"/_osslite/metrics")
	require.Equal(t, http.StatusNotFound, code, "metrics are off by default")
	code, body := get(t, http.MethodGet, url+"/_osslite/health/live", "Host", "bkt.localhost")
	require.Equal(t, http.StatusNotFound, code, "on a bucket's virtual host the path is a key")
	require.Contains(t, body, "NoSuchBucket")

	// A signed request is never a health check: it reaches S3.
	c := client(url, defaultAccessKey, defaultSecretKey)
	ctx := context.Background()
	_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("minio"), Key: aws.String("health/live")})
	require.ErrorContains(t, err, "NoSuchBucket")

	// Once buckets named osslite and minio exist, their keys are objects.
	for _, b := range []string{"osslite", "minio"} {
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)})
		require.NoError(t, err)
		for _, k := range []string{"health/live", "health/ready"} {
			_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String(k), Body: strings.NewReader("object " + b + "/" + k)})
			require.NoError(t, err)
		}
	}
	obj, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("osslite"), Key: aws.String("health/live")})
	require.NoError(t, err)
	b, _ := io.ReadAll(obj.Body)
	obj.Body.Close()
	require.Equal(t, "object osslite/health/live", string(b), "the signed GET returns the object")

	code, body = get(t, http.MethodGet, url+"/minio/health/ready")
	require.Equal(t, http.StatusForbidden, code, "unsigned, private: S3 refuses it")
	require.Contains(t, body, "AccessDenied")
	_, err = c.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String("minio"), Key: aws.String("health/ready"), ACL: types.ObjectCannedACLPublicRead})
	require.NoError(t, err)
	code, body = get(t, http.MethodGet, url+"/minio/health/ready")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "object minio/health/ready", body, "public-read: the anonymous GET returns the object")

	code, body = get(t, http.MethodGet, url+"/_osslite/health/ready")
	require.Equal(t, http.StatusOK, code, "the underscore form always answers")
	require.Equal(t, "ok\n", body)
}

func TestReadyIsFalseBeforeStartAndAtShutdown(t *testing.T) {
	eng, err := engine.Open("", nil)
	require.NoError(t, err)
	defer eng.Close()
	var ready atomic.Bool
	f := &front{api: http.NotFoundHandler(), eng: eng, domains: vhostDomains(nil), ready: &ready}
	serve := func(path string) int {
		req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1"+path, nil)
		w := &recorder{header: http.Header{}}
		f.ServeHTTP(w, req)
		return w.code
	}
	require.Equal(t, http.StatusServiceUnavailable, serve("/_osslite/health/ready"))
	require.Equal(t, http.StatusServiceUnavailable, serve("/minio/health/ready"))
	require.Equal(t, http.StatusOK, serve("/_osslite/health/live"))
	ready.Store(true)
	require.Equal(t, http.StatusOK, serve("/_osslite/health/ready"))
}

type recorder struct {
	header http.Header
	code   int
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(c int)   { r.code = c }
func (r *recorder) Write(p []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return len(p), nil
}

// metricValue returns the value of the sample whose line starts with
// series (name and labels exactly as exposed), or -1.
func metricValue(t *testing.T, text, series string) float64 {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			require.NoError(t, err, line)
			return f
		}
	}
	return -1
}

func TestMetrics(t *testing.T) {
	url, out, _ := start(t, "-metrics", "-metrics-token", "s3cret")
	require.Contains(t, out.String(), "metrics:    "+url+"/_osslite/metrics")
	ctx := context.Background()
	c := client(url, defaultAccessKey, defaultSecretKey)
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bkt")})
	require.NoError(t, err)
	// A request metrics configuration counts the requests for keys from k.
	_, err = c.PutBucketMetricsConfiguration(ctx, &s3.PutBucketMetricsConfigurationInput{Bucket: aws.String("bkt"), Id: aws.String("ks"),
		MetricsConfiguration: &types.MetricsConfiguration{Id: aws.String("ks"), Filter: &types.MetricsFilterMemberPrefix{Value: "k"}}})
	require.NoError(t, err)
	body := bytes.Repeat([]byte("x"), 100<<10) // past the inline threshold: into the blob log
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"), Body: bytes.NewReader(body)})
	require.NoError(t, err)
	// Named STANDARD: counted with the object stored without a class.
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k2"), Body: strings.NewReader("std"), StorageClass: types.StorageClassStandard})
	require.NoError(t, err)
	obj, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k")})
	require.NoError(t, err)
	_, err = io.Copy(io.Discard, obj.Body)
	require.NoError(t, err)
	obj.Body.Close()
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("missing")})
	require.Error(t, err)

	code, _ := get(t, http.MethodGet, url+"/_osslite/metrics")
	require.Equal(t, http.StatusUnauthorized, code)
	code, _ = get(t, http.MethodGet, url+"/_osslite/metrics", "Authorization", "Bearer wrong")
	require.Equal(t, http.StatusUnauthorized, code)
	code, text := get(t, http.MethodGet, url+"/_osslite/metrics", "Authorization", "Bearer s3cret")
	require.Equal(t, http.StatusOK, code)

	require.EqualValues(t, 2, metricValue(t, text, `osslite_http_requests_total{code="200",dialect="s3",operation="PutObject"}`))
	require.EqualValues(t, 1, metricValue(t, text, `osslite_http_requests_total{code="404",dialect="s3",operation="HeadObject"}`))
	require.EqualValues(t, 1, metricValue(t, text, `osslite_http_request_duration_seconds_count{dialect="s3",operation="GetObject"}`))
	require.EqualValues(t, len(body), metricValue(t, text, `osslite_http_response_bytes_total{dialect="s3",operation="GetObject"}`))
	require.GreaterOrEqual(t, metricValue(t, text, `osslite_http_request_bytes_total{dialect="s3",operation="PutObject"}`), float64(len(body)))
	require.EqualValues(t, -1, metricValue(t, text, `osslite_http_request_bytes_total{dialect="s3",operation="GetObject"}`), "no body, no series")
	require.GreaterOrEqual(t, metricValue(t, text, `osslite_http_open_connections`), 1.0)
	require.GreaterOrEqual(t, metricValue(t, text, `osslite_blob_log_live_bytes`), float64(len(body)))
	require.GreaterOrEqual(t, metricValue(t, text, `osslite_blob_log_dead_bytes`), 0.0)
	require.EqualValues(t, 0, metricValue(t, text, `osslite_compactions_total`))
	require.Positive(t, metricValue(t, text, `osslite_meta_memtable_bytes`))
	require.GreaterOrEqual(t, metricValue(t, text, `osslite_meta_compactions_total`), 0.0)
	require.GreaterOrEqual(t, metricValue(t, text, `osslite_meta_block_cache_hit_ratio`), 0.0)
	require.Contains(t, text, "go_goroutines ")
	require.EqualValues(t, 2, metricValue(t, text, `osslite_bucket_objects{bucket="bkt",storage_class="STANDARD"}`), text)
	require.EqualValues(t, len(body)+3, metricValue(t, text, `osslite_bucket_bytes{bucket="bkt",storage_class="STANDARD"}`))
	require.EqualValues(t, 0, metricValue(t, text, `osslite_bucket_multipart_uploads{bucket="bkt"}`))
	require.EqualValues(t, 0, metricValue(t, text, `osslite_bucket_noncurrent_versions{bucket="bkt"}`))
	require.EqualValues(t, 0, metricValue(t, text, `osslite_bucket_delete_markers{bucket="bkt"}`))
	require.EqualValues(t, 3, metricValue(t, text, `osslite_s3_request_metrics_requests_total{bucket="bkt",filter_id="ks",type="all"}`), text)
	require.EqualValues(t, 2, metricValue(t, text, `osslite_s3_request_metrics_requests_total{bucket="bkt",filter_id="ks",type="put"}`))
	require.EqualValues(t, 1, metricValue(t, text, `osslite_s3_request_metrics_requests_total{bucket="bkt",filter_id="ks",type="get"}`))
	require.EqualValues(t, 0, metricValue(t, text, `osslite_s3_request_metrics_errors_total{bucket="bkt",class="4xx",filter_id="ks"}`), "HEAD missing is not a k key")
	require.EqualValues(t, len(body), metricValue(t, text, `osslite_s3_request_metrics_bytes_total{bucket="bkt",direction="downloaded",filter_id="ks"}`))
	require.Positive(t, metricValue(t, text, `osslite_s3_request_metrics_total_request_latency_seconds_total{bucket="bkt",filter_id="ks"}`))
	require.EqualValues(t, 0, metricValue(t, text, `osslite_s3_request_metrics_select_bytes_total{bucket="bkt",filter_id="ks",kind="scanned"}`), "no select made")

	code, _ = get(t, http.MethodGet, url+"/osslite/metrics", "Authorization", "Bearer s3cret")
	require.Equal(t, http.StatusOK, code, "the bucket-shaped path works while no bucket osslite exists")
}

// recordPayloadModes adds a middleware, after signing, that records each
// request's method, x-amz-content-sha256 and x-amz-trailer.
func recordPayloadModes(seen *[]string, mu *sync.Mutex) func(*middleware.Stack) error {
	return func(st *middleware.Stack) error {
		return st.Finalize.Add(middleware.FinalizeMiddlewareFunc("recordPayloadMode",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				if r, ok := in.Request.(*smithyhttp.Request); ok {
					mu.Lock()
					*seen = append(*seen, r.Method+" "+r.Header.Get("X-Amz-Content-Sha256")+" "+r.Header.Get("X-Amz-Trailer"))
					mu.Unlock()
				}
				return next.HandleFinalize(ctx, in)
			}), middleware.After)
	}
}

func TestTLSSelfSignedWithDefaultSDK(t *testing.T) {
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	url, out, _ := start(t, "-tls-self-signed", "-tls-ca-out", caFile, "-domain", "s3.example.test")
	require.True(t, strings.HasPrefix(url, "https://127.0.0.1:"), url)
	require.Contains(t, out.String(), "tls ca:     "+caFile)

	pemBytes, err := os.ReadFile(caFile)
	require.NoError(t, err)
	blk, _ := pem.Decode(pemBytes)
	require.NotNil(t, blk)
	cert, err := x509.ParseCertificate(blk.Bytes)
	require.NoError(t, err)
	require.Subset(t, cert.DNSNames, []string{"localhost", "*.localhost", "s3.example.test", "*.s3.example.test"})
	require.Len(t, cert.IPAddresses, 2)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(pemBytes))
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := hc.Get(strings.Replace(url, "127.0.0.1", "localhost", 1) + "/_osslite/health/live")
	require.NoError(t, err, "the certificate covers localhost")
	resp.Body.Close()

	// Default settings: over TLS aws-sdk-go-v2 sends PutObject as
	// aws-chunked with an unsigned payload and a CRC32 trailer. The client
	// trusts the server the way the banner says: AWS_CA_BUNDLE.
	t.Setenv("AWS_CA_BUNDLE", caFile)
	ctx := context.Background()
	// LoadDefaultConfig is how applications build clients: it resolves the
	// SDK's defaults (CRC32 request checksums, response validation).
	var mu sync.Mutex
	var seen []string
	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithRegion("us-east-1"),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(defaultAccessKey, defaultSecretKey, "")),
		config.WithSharedConfigFiles([]string{}), config.WithSharedCredentialsFiles([]string{}),
	)
	require.NoError(t, err)
	c := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(url)
		o.UsePathStyle = true
		o.APIOptions = append(o.APIOptions, recordPayloadModes(&seen, &mu))
	})
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("secure")})
	require.NoError(t, err)
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("secure"), Key: aws.String("k"), Body: strings.NewReader("over tls")})
	require.NoError(t, err)
	require.NotNil(t, put.ChecksumCRC32, "the trailer checksum was verified and stored")
	require.Contains(t, seen, "PUT STREAMING-UNSIGNED-PAYLOAD-TRAILER x-amz-checksum-crc32")
	obj, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("secure"), Key: aws.String("k"), ChecksumMode: types.ChecksumModeEnabled})
	require.NoError(t, err)
	b, _ := io.ReadAll(obj.Body)
	obj.Body.Close()
	require.Equal(t, "over tls", string(b))
	require.Equal(t, *put.ChecksumCRC32, aws.ToString(obj.ChecksumCRC32))

	// Without the CA the certificate is not trusted.
	_, err = http.Get(url + "/_osslite/health/live")
	var uerr x509.UnknownAuthorityError
	require.ErrorAs(t, err, &uerr)
}

func TestTLSSelfSignedCAInDataDir(t *testing.T) {
	dir := t.TempDir()
	_, out, _ := start(t, "-tls-self-signed", "-data", dir)
	want := filepath.Join(dir, caFileName)
	require.Contains(t, out.String(), "tls ca:     "+want)
	_, err := os.Stat(want)
	require.NoError(t, err)
}

func TestTLSFlagsValidated(t *testing.T) {
	for args, want := range map[string]string{
		"-tls-cert a.pem":                         "go together",
		"-tls-self-signed -tls-cert a -tls-key b": "exclude",
		"-tls-ca-out x.pem":                       "needs -tls-self-signed",
		"-metrics-token t":                        "needs -metrics",
		"-seed nodir":                             "BUCKET=DIR",
	} {
		_, err := parseFlags(strings.Fields(args), noEnv, io.Discard)
		require.ErrorContains(t, err, want, args)
	}
}

func TestVersionAndBanner(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-version"}, &buf))
	require.True(t, strings.HasPrefix(buf.String(), "osslite "), buf.String())
	require.Contains(t, buf.String(), "go:       go1.")

	_, out, _ := start(t)
	require.Contains(t, out.String(), "osslite "+readBuildInfo().short()+" serving S3, OSS and Sina on ")

	_, out, _ = start(t, "-log-format", "json")
	line, _, _ := strings.Cut(out.String(), "\n")
	var rec map[string]any
	require.NoError(t, json.Unmarshal([]byte(line), &rec), line)
	require.Equal(t, "osslite serving", rec["msg"])
	require.Equal(t, []any{"S3", "OSS"}, rec["dialects"])
	require.Equal(t, readBuildInfo().short(), rec["version"])
	require.Equal(t, defaultAccessKey, rec["access_key"])
}

func TestLockedDataDirectory(t *testing.T) {
	dir := t.TempDir()
	start(t, "-data", dir)
	want := fmt.Sprintf("data directory %s is in use by another osslite process", dir)

	err := run(context.Background(), []string{"-data", dir, "-addr", "127.0.0.1:0"}, io.Discard)
	require.EqualError(t, err, want)

	// The same from another process (an fcntl lock conflict rather than
	// pebble's in-process check).
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), "OSSLITE_TEST_HELPER=1", "OSSLITE_DATA="+dir, "OSSLITE_ADDR=127.0.0.1:0")
	outb, err := cmd.CombinedOutput()
	require.NoError(t, err, string(outb))
	require.Contains(t, string(outb), "helper: "+want)
}

// TestHelperProcess is the osslite command in a child process, for
// TestLockedDataDirectory. It prints run's error.
func TestHelperProcess(t *testing.T) {
	if os.Getenv("OSSLITE_TEST_HELPER") != "1" {
		t.Skip("helper process")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // start and stop at once when the directory is free
	err := run(ctx, nil, io.Discard)
	fmt.Printf("helper: %v\n", err)
}

func TestSeedAndBuckets(t *testing.T) {
	src := t.TempDir()
	big := bytes.Repeat([]byte("0123456789"), 20<<10) // 200 KiB: chunked into the blob log
	files := map[string][]byte{
		"index.html":         []byte("<h1>hi</h1>"),
		"data/rows.json":     []byte(`[1,2,3]`),
		"data/deep/blob.bin": big,
	}
	for name, b := range files {
		p := filepath.Join(src, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, b, 0o644))
	}
	dir := t.TempDir()
	args := []string{"-data", dir, "-bucket", "empty", "-bucket", "site", "-seed", "site=" + src}
	url, _, stop := start(t, args...)
	ctx := context.Background()
	c := client(url, defaultAccessKey, defaultSecretKey)
	lb, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
	require.NoError(t, err)
	var names []string
	for _, b := range lb.Buckets {
		names = append(names, aws.ToString(b.Name))
	}
	require.Equal(t, []string{"empty", "site"}, names)
	lo, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("site")})
	require.NoError(t, err)
	var keys []string
	for _, o := range lo.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	require.Equal(t, []string{"data/deep/blob.bin", "data/rows.json", "index.html"}, keys)
	for name, want := range files {
		obj, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("site"), Key: aws.String(name)})
		require.NoError(t, err)
		b, _ := io.ReadAll(obj.Body)
		obj.Body.Close()
		require.Equal(t, want, b, name)
		if name == "data/rows.json" {
			require.Equal(t, "application/json", aws.ToString(obj.ContentType))
		}
	}
	require.NoError(t, stop())

	// Existing buckets are fine; seeding again replaces the objects.
	require.NoError(t, os.WriteFile(filepath.Join(src, "index.html"), []byte("v2"), 0o644))
	url, _, _ = start(t, args...)
	obj, err := client(url, defaultAccessKey, defaultSecretKey).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("site"), Key: aws.String("index.html")})
	require.NoError(t, err)
	b, _ := io.ReadAll(obj.Body)
	obj.Body.Close()
	require.Equal(t, "v2", string(b))

	err = run(ctx, []string{"-addr", "127.0.0.1:0", "-seed", "xyz=" + filepath.Join(src, "missing")}, io.Discard)
	require.ErrorContains(t, err, "missing")
}

func TestTLSCertificateFiles(t *testing.T) {
	cert, pemBytes, err := selfSigned([]string{"127.0.0.1"}, time.Now())
	require.NoError(t, err)
	keyDER, err := x509.MarshalECPrivateKey(cert.PrivateKey.(*ecdsa.PrivateKey))
	require.NoError(t, err)
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(certFile, pemBytes, 0o644))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600))

	url, out, _ := start(t, "-tls-cert", certFile, "-tls-key", keyFile)
	require.True(t, strings.HasPrefix(url, "https://"), url)
	require.NotContains(t, out.String(), "tls ca:")
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pemBytes)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := hc.Get(url + "/_osslite/health/ready")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	err = run(context.Background(), []string{"-tls-cert", keyFile, "-tls-key", certFile, "-addr", "127.0.0.1:0"}, io.Discard)
	require.ErrorContains(t, err, "-tls-cert/-tls-key")
}
