package fake_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	osscreds "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/fake"
)

// payloadModes records, after signing, each request's method,
// x-amz-content-sha256 and x-amz-trailer.
type payloadModes struct {
	mu   sync.Mutex
	seen []string
}

func (p *payloadModes) middleware(st *middleware.Stack) error {
	return st.Finalize.Add(middleware.FinalizeMiddlewareFunc("payloadModes",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			if r, ok := in.Request.(*smithyhttp.Request); ok {
				p.mu.Lock()
				p.seen = append(p.seen, r.Method+" "+r.Header.Get("X-Amz-Content-Sha256")+" "+r.Header.Get("X-Amz-Trailer"))
				p.mu.Unlock()
			}
			return next.HandleFinalize(ctx, in)
		}), middleware.After)
}

// sdkClient is an aws-sdk-go-v2 client for srv with the checksum settings
// config.LoadDefaultConfig resolves to (a hand-built aws.Config leaves
// them unset, which computes no checksum at all).
func sdkClient(srv *fake.Server, hc aws.HTTPClient, modes *payloadModes) *s3.Client {
	cfg := aws.Config{
		Region:                     srv.Region,
		Credentials:                credentials.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey, ""),
		HTTPClient:                 hc,
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenSupported,
	}
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(srv.URL)
		o.UsePathStyle = true
		o.RetryMaxAttempts = 1
		if modes != nil {
			o.APIOptions = append(o.APIOptions, modes.middleware)
		}
	})
}

func putGet(t *testing.T, c *s3.Client, key string) {
	t.Helper()
	ctx := context.Background()
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String(key), Body: strings.NewReader("secret " + key)})
	require.NoError(t, err)
	require.NotNil(t, put.ChecksumCRC32)
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
	require.NoError(t, err)
	defer out.Body.Close()
	body, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	require.Equal(t, "secret "+key, string(body))
	require.Equal(t, aws.ToString(put.ChecksumCRC32), aws.ToString(out.ChecksumCRC32))
}

func TestWithTLS(t *testing.T) {
	srv := fake.New(t, fake.WithTLS(), fake.WithBuckets("bkt"))
	require.True(t, strings.HasPrefix(srv.URL, "https://127.0.0.1:"), srv.URL)
	require.NotNil(t, srv.Certificate())

	// In memory: the handler sees Request.TLS, the SDK sees an https
	// endpoint and takes its TLS path: aws-chunked with a CRC32 trailer.
	var modes payloadModes
	putGet(t, sdkClient(srv, srv.HTTPClient(), &modes), "in-memory")
	require.Contains(t, modes.seen, "PUT STREAMING-UNSIGNED-PAYLOAD-TRAILER x-amz-checksum-crc32")

	// Through the socket, trusting Certificate.
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	hc := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	})
	modes = payloadModes{}
	putGet(t, sdkClient(srv, hc, &modes), "socket")
	require.Contains(t, modes.seen, "PUT STREAMING-UNSIGNED-PAYLOAD-TRAILER x-amz-checksum-crc32")

	plain := fake.New(t)
	require.Nil(t, plain.Certificate())
	require.True(t, strings.HasPrefix(plain.URL, "http://"))
	nl := fake.New(t, fake.WithTLS(), fake.WithoutListener(), fake.WithBuckets("bkt"))
	require.Equal(t, fake.NoListenerTLSURL, nl.URL)
	require.Nil(t, nl.Certificate())
	modes = payloadModes{}
	putGet(t, sdkClient(nl, nl.HTTPClient(), &modes), "no-listener")
	require.Contains(t, modes.seen, "PUT STREAMING-UNSIGNED-PAYLOAD-TRAILER x-amz-checksum-crc32")
}

// statusOf returns the HTTP status of an SDK error, or 0.
func statusOf(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func TestClockAdvanceKeepsSignedRequestsWorking(t *testing.T) {
	srv := fake.New(t, fake.WithBuckets("bkt"))
	c := sdkClient(srv, srv.HTTPClient(), nil)
	ctx := context.Background()
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"), Body: strings.NewReader("v")})
	require.NoError(t, err)
	url, err := s3.NewPresignClient(c).PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k")},
		s3.WithPresignExpires(10*time.Minute))
	require.NoError(t, err)

	srv.Clock().Advance(time.Hour) // far past the 15-minute signing skew
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k")})
	require.NoError(t, err, "without WithSkewCheck the fake does not compare signing time and its clock")
	require.Equal(t, srv.Clock().Now().Add(-time.Hour), aws.ToTime(head.LastModified))

	// Presigned URLs still expire by the fake clock.
	resp, err := srv.HTTPClient().Get(url.URL)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	require.Contains(t, string(body), "expired")
}

func TestWithSkewCheck(t *testing.T) {
	srv := fake.New(t, fake.WithSkewCheck(), fake.WithBuckets("bkt"))
	c := sdkClient(srv, srv.HTTPClient(), nil)
	ctx := context.Background()
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"), Body: strings.NewReader("v")})
	require.NoError(t, err)

	srv.Clock().Advance(time.Hour)
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k")})
	require.Error(t, err)
	require.Equal(t, http.StatusForbidden, statusOf(err), "a HEAD error has no body: an opaque 403")

	// Back in step, a fresh client works again (the old one has learnt a
	// clock offset from the 403's Date header and now signs an hour ahead).
	srv.Clock().Advance(-time.Hour)
	_, err = sdkClient(srv, srv.HTTPClient(), nil).HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k")})
	require.NoError(t, err)
}

// TestOSSHeaderSignatureSkew: OSS header signatures follow the same skew
// rule as S3's: not enforced against the fake clock by default, the
// 15-minute window with WithSkewCheck.
func TestOSSHeaderSignatureSkew(t *testing.T) {
	for _, check := range []bool{false, true} {
		opts := []fake.Option{fake.WithBuckets("bkt")}
		if check {
			opts = append(opts, fake.WithSkewCheck())
		}
		srv := fake.New(t, opts...)
		cfg := oss2.LoadDefaultConfig().
			WithCredentialsProvider(osscreds.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey)).
			WithRegion("cn-hangzhou").
			WithEndpoint(srv.URL).
			WithHttpClient(srv.HTTPClient()).
			WithRetryMaxAttempts(1)
		client := oss2.NewClient(cfg)
		srv.Clock().Advance(time.Hour)
		_, err := client.PutObject(context.Background(), &oss2.PutObjectRequest{
			Bucket: oss2.Ptr("bkt"), Key: oss2.Ptr("k"), Body: strings.NewReader("v"),
		})
		if check {
			require.ErrorContains(t, err, "RequestTimeTooSkewed")
		} else {
			require.NoError(t, err)
		}
	}
}
