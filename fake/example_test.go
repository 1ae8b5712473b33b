package fake_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/minio/minio-go/v7"
	miniocreds "github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/osslite/osslite/fake"
	"github.com/osslite/osslite/httpapi"
)

// In a test, fake.New(t) does the same as fake.Start and closes the server
// when the test ends; examples have no t, so they use Start and Close.

// The aws-sdk-go-v2 S3 client pointed at a fake: static credentials, the
// fake's URL as endpoint with path-style addressing, and the in-memory
// transport (drop the HTTPClient line to go through the loopback socket).
func ExampleStart_awsSDK() {
	srv, err := fake.Start(fake.WithBuckets("photos"))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	// An aws.Config built by hand, not config.LoadDefaultConfig: the
	// latter reads the environment (profiles, AWS_CA_BUNDLE, ...), which a
	// test should not depend on.
	cfg := aws.Config{
		Region:      srv.Region,
		Credentials: credentials.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey, ""),
		HTTPClient:  srv.HTTPClient(),
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(srv.URL)
		o.UsePathStyle = true
	})

	ctx := context.Background()
	_, err = client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String("photos"), Key: aws.String("cat.txt"), Body: strings.NewReader("meow"),
	})
	if err != nil {
		log.Fatal(err)
	}
	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("photos"), Key: aws.String("cat.txt")})
	if err != nil {
		log.Fatal(err)
	}
	defer out.Body.Close()
	body, _ := io.ReadAll(out.Body)
	fmt.Println(string(body))
	// Output: meow
}

// minio-go pointed at a fake: the endpoint is host:port without scheme,
// Secure false, and the in-memory transport as Transport.
func ExampleStart_minio() {
	srv, err := fake.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	u, _ := url.Parse(srv.URL)
	client, err := minio.New(u.Host, &minio.Options{
		Creds:     miniocreds.NewStaticV4(srv.AccessKey, srv.SecretKey, ""),
		Secure:    false,
		Region:    srv.Region,
		Transport: srv.HTTPClient().Transport,
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if err := client.MakeBucket(ctx, "docs", minio.MakeBucketOptions{}); err != nil {
		log.Fatal(err)
	}
	for _, k := range []string{"a.txt", "b.txt"} {
		if _, err := client.PutObject(ctx, "docs", k, strings.NewReader(k), int64(len(k)), minio.PutObjectOptions{}); err != nil {
			log.Fatal(err)
		}
	}
	for obj := range client.ListObjects(ctx, "docs", minio.ListObjectsOptions{}) {
		fmt.Println(obj.Key, obj.Size)
	}
	// Output:
	// a.txt 5
	// b.txt 5
}

// Fault injection: the next two PutObject calls fail with SlowDown, and the
// request log shows what the client did about it.
func ExampleServer_Fail() {
	srv, err := fake.Start(fake.WithBuckets("bkt"))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client := s3.New(s3.Options{
		Region:       srv.Region,
		Credentials:  credentials.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey, ""),
		BaseEndpoint: aws.String(srv.URL),
		UsePathStyle: true,
		HTTPClient:   srv.HTTPClient(),
	})

	srv.Fail(fake.Fault{Op: "PutObject", Code: "SlowDown", Times: 2})
	noBackoff := func(o *s3.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		})
	}
	_, err = client.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String("bkt"), Key: aws.String("k"), Body: strings.NewReader("v"),
	}, noBackoff)
	fmt.Println("error:", err) // the SDK retried past both faults
	for _, r := range srv.Requests() {
		fmt.Println(r.Operation, r.Status)
	}
	// Output:
	// error: <nil>
	// PutObject 503
	// PutObject 503
	// PutObject 200
}

// The clock: presigned URLs expire when the fake's clock passes their
// expiry, without waiting.
func ExampleServer_Clock() {
	srv, err := fake.Start(fake.WithBuckets("bkt"))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client := s3.New(s3.Options{
		Region:       srv.Region,
		Credentials:  credentials.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey, ""),
		BaseEndpoint: aws.String(srv.URL),
		UsePathStyle: true,
		HTTPClient:   srv.HTTPClient(),
	})
	ctx := context.Background()
	req, err := s3.NewPresignClient(client).PresignPutObject(ctx,
		&s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("upload")},
		s3.WithPresignExpires(15*time.Minute))
	if err != nil {
		log.Fatal(err)
	}
	srv.Clock().Advance(time.Hour)
	put, err := http.NewRequest(req.Method, req.URL, strings.NewReader("data"))
	if err != nil {
		log.Fatal(err)
	}
	resp, err := srv.HTTPClient().Do(put)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println("presigned PUT after expiry:", resp.StatusCode)
	// Output:
	// presigned PUT after expiry: 403
}

// A fake that refuses SigV2, OSS v1 and Sina's ssig, as an S3 region or
// bucket without SigV2 does: a client still signing SigV2 gets S3's
// answer, a SigV4 one works.
func ExampleWithRefuseSignatures() {
	srv, err := fake.Start(fake.WithBuckets("modern"), fake.WithRefuseSignatures(httpapi.SchemesHMACSHA1))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	u, _ := url.Parse(srv.URL)
	ctx := context.Background()
	for _, creds := range []*miniocreds.Credentials{
		miniocreds.NewStaticV2(srv.AccessKey, srv.SecretKey, ""),
		miniocreds.NewStaticV4(srv.AccessKey, srv.SecretKey, ""),
	} {
		client, err := minio.New(u.Host, &minio.Options{Creds: creds, Region: srv.Region, Transport: srv.HTTPClient().Transport})
		if err != nil {
			log.Fatal(err)
		}
		_, err = client.PutObject(ctx, "modern", "k", strings.NewReader("v"), 1, minio.PutObjectOptions{})
		if err != nil {
			r := minio.ToErrorResponse(err)
			fmt.Println(r.StatusCode, r.Code+":", r.Message)
			continue
		}
		fmt.Println("stored")
	}
	// Output:
	// 400 InvalidRequest: The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.
	// stored
}
