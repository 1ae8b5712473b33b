package fake_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/minio/minio-go/v7"
	miniocreds "github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/fake"
)

// awsClient returns an aws-sdk-go-v2 client for srv at endpoint. inMemory
// selects srv.HTTPClient() instead of the default (socket) client.
func awsClient(srv *fake.Server, endpoint string, inMemory, pathStyle bool, optFns ...func(*s3.Options)) *s3.Client {
	return s3.New(s3.Options{
		Region:       srv.Region,
		Credentials:  credentials.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey, ""),
		BaseEndpoint: aws.String(endpoint),
		UsePathStyle: pathStyle,
		HTTPClient: func() s3.HTTPClient {
			if inMemory {
				return srv.HTTPClient()
			}
			return &http.Client{}
		}(),
	}, optFns...)
}

func minioClient(t *testing.T, srv *fake.Server, inMemory bool, lookup minio.BucketLookupType) *minio.Client {
	t.Helper()
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	opts := &minio.Options{
		Creds:        miniocreds.NewStaticV4(srv.AccessKey, srv.SecretKey, ""),
		Secure:       false,
		Region:       srv.Region,
		BucketLookup: lookup,
	}
	if inMemory {
		opts.Transport = srv.HTTPClient().Transport
	}
	c, err := minio.New(u.Host, opts)
	require.NoError(t, err)
	return c
}

// TestAWSSDK drives aws-sdk-go-v2 over a real loopback connection; the
// in-memory transport is the conformance suite's (internal/conformance
// TestS3: PutGet, ListV2 and the rest).
func TestAWSSDK(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t)
	c := awsClient(srv, srv.URL, false, true)
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("photos")})
	require.NoError(t, err)
	for _, k := range []string{"a/1.jpg", "a/2.jpg", "b.txt"} {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String("photos"), Key: aws.String(k),
			Body: strings.NewReader("body of " + k), ContentType: aws.String("image/jpeg"),
		})
		require.NoError(t, err)
	}
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("photos"), Key: aws.String("a/2.jpg")})
	require.NoError(t, err)
	b, err := io.ReadAll(got.Body)
	got.Body.Close()
	require.NoError(t, err)
	require.Equal(t, "body of a/2.jpg", string(b))
	require.Equal(t, "image/jpeg", aws.ToString(got.ContentType))

	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("photos"), Delimiter: aws.String("/")})
	require.NoError(t, err)
	require.Len(t, list.Contents, 1)
	require.Equal(t, "b.txt", aws.ToString(list.Contents[0].Key))
	require.Len(t, list.CommonPrefixes, 1)
	require.Equal(t, "a/", aws.ToString(list.CommonPrefixes[0].Prefix))

	// What went over HTTP is also in the engine.
	info, err := srv.Engine().HeadObject(ctx, "photos", "a/1.jpg")
	require.NoError(t, err)
	require.EqualValues(t, len("body of a/1.jpg"), info.Size)
	require.Equal(t, srv.Clock().Now(), info.LastModified)
}

func TestMinio(t *testing.T) {
	for _, tc := range []struct {
		name     string
		inMemory bool
	}{{"loopback", false}, {"in-memory", true}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			srv := fake.New(t)
			c := minioClient(t, srv, tc.inMemory, minio.BucketLookupPath)
			require.NoError(t, c.MakeBucket(ctx, "docs", minio.MakeBucketOptions{}))
			for _, k := range []string{"x/1", "x/2", "y"} {
				_, err := c.PutObject(ctx, "docs", k, strings.NewReader("data "+k), int64(len("data "+k)), minio.PutObjectOptions{})
				require.NoError(t, err)
			}
			obj, err := c.GetObject(ctx, "docs", "x/1", minio.GetObjectOptions{})
			require.NoError(t, err)
			b, err := io.ReadAll(obj)
			obj.Close()
			require.NoError(t, err)
			require.Equal(t, "data x/1", string(b))

			var keys []string
			for o := range c.ListObjects(ctx, "docs", minio.ListObjectsOptions{Prefix: "x/", Recursive: true}) {
				require.NoError(t, o.Err)
				keys = append(keys, o.Key)
			}
			require.Equal(t, []string{"x/1", "x/2"}, keys)
		})
	}
}

func TestVirtualHost(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithBuckets("vhost-bucket"), fake.WithDomains("s3.example.test"))
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	for _, endpoint := range []string{"http://localhost:9000", "http://s3.example.test", "http://localhost:" + u.Port()} {
		t.Run(endpoint, func(t *testing.T) {
			srv.ResetRequests()
			var hosts []string
			c := awsClient(srv, endpoint, true, false, func(o *s3.Options) {
				o.HTTPClient = hostRecorder{srv.HTTPClient(), &hosts}
			})
			_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vhost-bucket"), Key: aws.String("k"), Body: strings.NewReader("v")})
			require.NoError(t, err)
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("vhost-bucket"), Key: aws.String("k")})
			require.NoError(t, err)
			b, _ := io.ReadAll(out.Body)
			out.Body.Close()
			require.Equal(t, "v", string(b))
			require.NotEmpty(t, hosts)
			for _, h := range hosts {
				require.True(t, strings.HasPrefix(h, "vhost-bucket."), "host %q is not virtual-host style", h)
			}
			reqs := srv.Requests()
			require.Len(t, reqs, 2)
			require.Equal(t, fake.Request{Method: "GET", Operation: "GetObject", Bucket: "vhost-bucket", Key: "k", Status: 200}, reqs[1])
		})
	}

	// With an IP address as endpoint the SDK falls back to path style, as
	// the package documentation says.
	var hosts []string
	c := awsClient(srv, srv.URL, true, false, func(o *s3.Options) { o.HTTPClient = hostRecorder{srv.HTTPClient(), &hosts} })
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("vhost-bucket"), Key: aws.String("k")})
	require.NoError(t, err)
	require.Equal(t, []string{u.Host}, hosts)

	// minio-go in DNS lookup mode.
	srv.ResetRequests()
	m, err := minio.New("localhost", &minio.Options{
		Creds:        miniocreds.NewStaticV4(srv.AccessKey, srv.SecretKey, ""),
		Region:       srv.Region,
		BucketLookup: minio.BucketLookupDNS,
		Transport:    srv.HTTPClient().Transport,
	})
	require.NoError(t, err)
	_, err = m.StatObject(ctx, "vhost-bucket", "k", minio.StatObjectOptions{})
	require.NoError(t, err)
	require.Equal(t, "HeadObject", srv.Requests()[0].Operation)
}

type hostRecorder struct {
	c     *http.Client
	hosts *[]string
}

func (h hostRecorder) Do(r *http.Request) (*http.Response, error) {
	*h.hosts = append(*h.hosts, r.URL.Host)
	return h.c.Do(r)
}

func TestSignaturesVerified(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithBuckets("bkt"))
	bad := s3.New(s3.Options{
		Region:       srv.Region,
		Credentials:  credentials.NewStaticCredentialsProvider(srv.AccessKey, "wrong-secret", ""),
		BaseEndpoint: aws.String(srv.URL),
		UsePathStyle: true,
		HTTPClient:   srv.HTTPClient(),
	})
	_, err := bad.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("bkt")})
	require.Error(t, err)
	_, err = bad.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bkt")})
	requireAPIError(t, err, "SignatureDoesNotMatch")

	perm := fake.New(t, fake.WithPermissive(), fake.WithCredentials("AKID", "SECRET"), fake.WithBuckets("bkt"))
	c := s3.New(s3.Options{
		Region:       perm.Region,
		Credentials:  credentials.NewStaticCredentialsProvider("anyone", "anything", ""),
		BaseEndpoint: aws.String(perm.URL),
		UsePathStyle: true,
		HTTPClient:   perm.HTTPClient(),
	})
	_, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bkt")})
	require.NoError(t, err)
}

func requireAPIError(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, code, ae.ErrorCode())
}

func TestFail(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		inMemory bool
	}{{"loopback", false}, {"in-memory", true}} {
		t.Run(tc.name, func(t *testing.T) {
			srv := fake.New(t, fake.WithBuckets("bkt"))
			c := awsClient(srv, srv.URL, tc.inMemory, true, func(o *s3.Options) {
				o.RetryMaxAttempts = 1 // see every fault
			})
			put := func(key string) error {
				_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String(key), Body: strings.NewReader("x")})
				return err
			}

			srv.Fail(fake.Fault{Op: "PutObject", Key: "slow", Code: "SlowDown", Times: 2})
			requireAPIError(t, put("slow"), "SlowDown")
			require.NoError(t, put("other"), "fault is scoped to its key")
			requireAPIError(t, put("slow"), "SlowDown")
			require.NoError(t, put("slow"), "fault used up after Times")

			// Forever, not Times: 1: over a reused keep-alive connection,
			// net/http itself retries an idempotent request once when the
			// server drops it.
			srv.Fail(fake.Fault{Op: "GetObject", Bucket: "bkt", Drop: true})
			_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("slow")})
			require.Error(t, err)
			var ae smithy.APIError
			require.False(t, errors.As(err, &ae), "a dropped connection is not an API error: %v", err)
			srv.ClearFaults()

			srv.Fail(fake.Fault{Op: "HeadObject", Code: "InternalError", Status: 500, Message: "boom"})
			for range 3 {
				_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("slow")})
				var re interface{ HTTPStatusCode() int }
				require.ErrorAs(t, err, &re)
				require.Equal(t, 500, re.HTTPStatusCode())
			}
			srv.ClearFaults()
			_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("slow")})
			require.NoError(t, err)

			var statuses []int
			for _, r := range srv.Requests() {
				if r.Status == 0 && len(statuses) > 0 && statuses[len(statuses)-1] == 0 {
					continue // net/http's own retry of a dropped GET
				}
				statuses = append(statuses, r.Status)
			}
			require.Equal(t, []int{503, 200, 503, 200, 0, 500, 500, 500, 200}, statuses)
		})
	}
}

// TestFailRetried checks that SDK retries see through a limited fault.
func TestFailRetried(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithBuckets("bkt"))
	c := awsClient(srv, srv.URL, true, true, noBackoff)
	srv.Fail(fake.Fault{Op: "PutObject", Code: "SlowDown", Times: 1})
	srv.Fail(fake.Fault{Op: "PutObject", Drop: true, Times: 1})
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	var ops []fake.Request
	for _, r := range srv.Requests() {
		ops = append(ops, fake.Request{Operation: r.Operation, Status: r.Status})
	}
	require.Equal(t, []fake.Request{{Operation: "PutObject", Status: 503}, {Operation: "PutObject", Status: 0}, {Operation: "PutObject", Status: 200}}, ops)
}

func TestFailLatency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := fake.New(t, fake.WithoutListener(), fake.WithBuckets("bkt"))
		c := awsClient(srv, srv.URL, true, true)
		srv.Fail(fake.Fault{Op: "ListObjectsV2", Latency: time.Minute})
		start := time.Now()
		_, err := c.ListObjectsV2(t.Context(), &s3.ListObjectsV2Input{Bucket: aws.String("bkt")})
		require.NoError(t, err)
		require.Equal(t, time.Minute, time.Since(start))

		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		_, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bkt")})
		require.ErrorIs(t, err, context.DeadlineExceeded)
	})
}

func TestRequests(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithBuckets("bkt"))
	c := awsClient(srv, srv.URL, false, true)
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("dir/k"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("missing")})
	requireAPIError(t, err, "NoSuchKey")
	_, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bkt")})
	require.NoError(t, err)
	require.Equal(t, []fake.Request{
		{Method: "PUT", Operation: "PutObject", Bucket: "bkt", Key: "dir/k", Status: 200},
		{Method: "GET", Operation: "GetObject", Bucket: "bkt", Key: "missing", Status: 404},
		{Method: "GET", Operation: "ListObjectsV2", Bucket: "bkt", Status: 200},
	}, srv.Requests())
}

// TestRequestsListedOnceRead checks that a response read to the end is
// always in Requests already, over both transports, for large bodies too.
func TestRequestsListedOnceRead(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithBuckets("bkt"))
	body := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	_, err := srv.Engine().PutObject(ctx, "bkt", "big", bytes.NewReader(body), int64(len(body)), engine.PutOptions{Owner: srv.Owner()})
	require.NoError(t, err)
	for _, inMemory := range []bool{false, true} {
		c := awsClient(srv, srv.URL, inMemory, true)
		for i := range 20 {
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("big")})
			require.NoError(t, err)
			n, err := io.Copy(io.Discard, out.Body)
			out.Body.Close()
			require.NoError(t, err)
			require.EqualValues(t, len(body), n)
			reqs := srv.Requests()
			require.Len(t, reqs, 1, "iteration %d", i)
			srv.ResetRequests()
		}
	}
}

func TestPresignExpiry(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithBuckets("bkt"))
	c := awsClient(srv, srv.URL, false, true)
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"), Body: strings.NewReader("secret")})
	require.NoError(t, err)

	req, err := s3.NewPresignClient(c).PresignGetObject(ctx,
		&s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k")},
		s3.WithPresignExpires(time.Hour))
	require.NoError(t, err)
	get := func() (int, string) {
		resp, err := srv.HTTPClient().Get(req.URL)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, body := get()
	require.Equal(t, 200, status)
	require.Equal(t, "secret", body)

	srv.Clock().Advance(59 * time.Minute)
	status, _ = get()
	require.Equal(t, 200, status)

	srv.Clock().Advance(2 * time.Minute)
	status, body = get()
	require.Equal(t, 403, status)
	require.Contains(t, body, "AccessDenied")
}

func TestClock(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithBuckets("bkt"))
	t0 := srv.Clock().Now()
	require.WithinDuration(t, time.Now(), t0, 2*time.Second)
	require.Zero(t, t0.Nanosecond())
	_, err := srv.Engine().PutObject(ctx, "bkt", "a", strings.NewReader("1"), 1, engine.PutOptions{})
	require.NoError(t, err)
	require.Equal(t, t0.Add(time.Minute), srv.Clock().Advance(time.Minute))
	_, err = srv.Engine().PutObject(ctx, "bkt", "b", strings.NewReader("1"), 1, engine.PutOptions{})
	require.NoError(t, err)
	a, _ := srv.Engine().HeadObject(ctx, "bkt", "a")
	b, _ := srv.Engine().HeadObject(ctx, "bkt", "b")
	require.Equal(t, time.Minute, b.LastModified.Sub(a.LastModified))

	fixed := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	srv.Clock().Set(fixed)
	require.Equal(t, fixed, srv.Clock().Now())
}

// TestSynctest runs the whole stack — SDK, in-memory transport, handler,
// engine — inside a bubble: no listener, no real time.
func TestSynctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := fake.New(t, fake.WithoutListener(), fake.WithBuckets("bkt"))
		require.Equal(t, fake.NoListenerURL, srv.URL)
		require.Equal(t, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), srv.Clock().Now())
		ctx := t.Context()
		c := awsClient(srv, srv.URL, true, false) // virtual-host: bkt.localhost
		big := bytes.Repeat([]byte("z"), 3<<20)
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("big"), Body: bytes.NewReader(big)})
		require.NoError(t, err)

		time.Sleep(10 * time.Minute) // fake time: instant
		srv.Clock().Advance(10 * time.Minute)

		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("big")})
		require.NoError(t, err)
		n, err := io.Copy(io.Discard, out.Body)
		out.Body.Close()
		require.NoError(t, err)
		require.EqualValues(t, len(big), n)
		require.Equal(t, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), aws.ToTime(out.LastModified))

		m := minioClient(t, srv, true, minio.BucketLookupPath)
		info, err := m.StatObject(ctx, "bkt", "big", minio.StatObjectOptions{})
		require.NoError(t, err)
		require.EqualValues(t, len(big), info.Size)
		synctest.Wait()
	})
}

func TestWithEngineOptions(t *testing.T) {
	srv := fake.New(t, fake.WithEngineOptions(engine.Options{InlineThreshold: -1, ChunkSize: 64 << 10}))
	o := srv.Engine().Options()
	require.Equal(t, -1, o.InlineThreshold)
	require.Equal(t, 64<<10, o.ChunkSize)
	require.Same(t, srv.Clock(), o.Clock)
}

func TestCloseIdempotent(t *testing.T) {
	srv := fake.New(t)
	srv.Close()
	srv.Close()
	_, err := srv.HTTPClient().Get(srv.URL + "/")
	require.Error(t, err)
}

// TestClockSkew pins down the caveat in the package documentation: by
// default the fake does not compare signing time with its clock, so moving
// the clock breaks no client. Under WithSkewCheck, aws-sdk-go-v2 corrects
// its signing time from the Date header after one rejected attempt,
// minio-go does not, and permissive servers do not care.
func TestClockSkew(t *testing.T) {
	ctx := context.Background()
	def := fake.New(t, fake.WithBuckets("bkt"))
	def.Clock().Advance(time.Hour)
	_, err := awsClient(def, def.URL, true, true, noBackoff).ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bkt")})
	require.NoError(t, err)
	_, err = minioClient(t, def, true, minio.BucketLookupPath).ListBuckets(ctx)
	require.NoError(t, err)
	require.Len(t, def.Requests(), 2, "no rejected attempt")

	srv := fake.New(t, fake.WithSkewCheck(), fake.WithBuckets("bkt"))
	srv.Clock().Advance(time.Hour)

	c := awsClient(srv, srv.URL, true, true, noBackoff)
	_, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bkt")})
	require.NoError(t, err)
	var statuses []int
	for _, r := range srv.Requests() {
		statuses = append(statuses, r.Status)
	}
	require.Equal(t, []int{403, 200}, statuses)

	m := minioClient(t, srv, true, minio.BucketLookupPath)
	_, err = m.ListBuckets(ctx)
	require.Error(t, err)
	require.Equal(t, "RequestTimeTooSkewed", minio.ToErrorResponse(err).Code)

	perm := fake.New(t, fake.WithPermissive(), fake.WithSkewCheck(), fake.WithBuckets("bkt"))
	perm.Clock().Advance(time.Hour)
	m = minioClient(t, perm, true, minio.BucketLookupPath)
	_, err = m.BucketExists(ctx, "bkt")
	require.NoError(t, err)
}

// noBackoff makes aws-sdk-go-v2 retry without sleeping.
func noBackoff(o *s3.Options) {
	o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
		so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
	})
}

// TestStreaming checks, with the real handler, that the in-memory transport
// streams both ways: a 64 MiB GET reaches the client while the handler is
// still producing it, and a PUT body reaches the handler while the client is
// still producing it. "The handler has not finished" is observed through
// Requests, which lists a request only once its handler has returned.
func TestStreaming(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithPermissive(), fake.WithBuckets("bkt"))
	const size = 64 << 20
	half := bytes.Repeat([]byte{'h'}, size/2)

	// Upload: the second half is written only after the first has been
	// consumed, which needs the handler to be reading already.
	pr, pw := io.Pipe()
	go func() {
		if _, err := pw.Write(half); err != nil {
			return
		}
		if n := len(srv.Requests()); n != 0 {
			pw.CloseWithError(errors.New("handler finished before the body was complete"))
			return
		}
		pw.Write(half)
		pw.Close()
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, srv.URL+"/bkt/big", pr)
	require.NoError(t, err)
	req.ContentLength = size
	resp, err := srv.HTTPClient().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	info, err := srv.Engine().HeadObject(ctx, "bkt", "big")
	require.NoError(t, err)
	require.EqualValues(t, size, info.Size)
	srv.ResetRequests()

	// Download.
	resp, err = srv.HTTPClient().Get(srv.URL + "/bkt/big")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.EqualValues(t, size, resp.ContentLength)
	first := make([]byte, 1<<20)
	_, err = io.ReadFull(resp.Body, first)
	require.NoError(t, err)
	require.Empty(t, srv.Requests(), "the handler must still be producing the body")
	n, err := io.Copy(io.Discard, resp.Body)
	require.NoError(t, err)
	require.EqualValues(t, size-len(first), n)
	require.Len(t, srv.Requests(), 1)
}

// TestRequestMetrics: a bucket's request metrics configuration counts the
// requests its filter selects, and the fake reports them.
func TestRequestMetrics(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithBuckets("bkt"))
	c := awsClient(srv, srv.URL, true, true)
	_, err := c.PutBucketMetricsConfiguration(ctx, &s3.PutBucketMetricsConfigurationInput{Bucket: aws.String("bkt"), Id: aws.String("logs"),
		MetricsConfiguration: &types.MetricsConfiguration{Id: aws.String("logs"), Filter: &types.MetricsFilterMemberPrefix{Value: "logs/"}}})
	require.NoError(t, err)
	for _, k := range []string{"logs/1", "logs/2", "img/1"} {
		_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String(k), Body: strings.NewReader("x")})
		require.NoError(t, err)
	}
	ms, err := srv.RequestMetrics()
	require.NoError(t, err)
	require.Len(t, ms, 1)
	require.Equal(t, "logs", ms[0].ID)
	require.EqualValues(t, 2, ms[0].PutRequests)
	require.EqualValues(t, 2, ms[0].AllRequests)
}
