// Package readme keeps README.md honest: every Go snippet in it is a
// region of this file (so it compiles and, where it is a test, runs), and
// the test fails when the two drift apart.
package readme_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	osscreds "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/fake"
	"github.com/osslite/osslite/httpapi"
)

// README:begin fake
func TestUpload(t *testing.T) {
	srv := fake.New(t, fake.WithBuckets("photos")) // closed by t.Cleanup
	client := s3.NewFromConfig(aws.Config{
		Region:      srv.Region,
		Credentials: credentials.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey, ""),
		HTTPClient:  srv.HTTPClient(), // in memory: no socket, no DNS, streams both ways
		// The SDK's default when built by LoadDefaultConfig: CRC32 checksums.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported,
	}, func(o *s3.Options) { o.BaseEndpoint = aws.String(srv.URL); o.UsePathStyle = true })

	srv.Fail(fake.Fault{Op: "PutObject", Code: "SlowDown", Times: 2}) // the SDK retries through both
	_, err := client.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String("photos"), Key: aws.String("cat.jpg"), Body: strings.NewReader("meow"),
	})
	require.NoError(t, err)

	for _, r := range srv.Requests() { // what arrived, faults included
		t.Log(r.Operation, r.Key, r.Status)
	}
	info, err := srv.Engine().HeadObject(context.Background(), "photos", "cat.jpg") // assert directly
	require.NoError(t, err)
	require.Equal(t, int64(4), info.Size)
	srv.Clock().Advance(8 * 24 * time.Hour) // presigned URLs expire, restores finish
}

// README:end

func ExampleOpen() {
	// README:begin engine
	eng, err := engine.Open("", nil) // "" = in memory; a directory = on disk
	if err != nil {
		panic(err)
	}
	defer eng.Close()

	ctx := context.Background()
	if err := eng.CreateBucket(ctx, "photos", engine.BucketOptions{}); err != nil {
		panic(err)
	}
	body := strings.NewReader("not really a jpeg")
	_, err = eng.PutObject(ctx, "photos", "a/b.jpg", body, body.Size(),
		engine.PutOptions{Metadata: engine.Metadata{ContentType: "image/jpeg"}})
	if err != nil {
		panic(err)
	}

	obj, err := eng.GetObject(ctx, "photos", "a/b.jpg",
		engine.GetOptions{Range: &engine.ByteRange{Start: 0, End: 2}})
	if err != nil {
		panic(err)
	}
	defer obj.Close() // obj is an io.Reader; obj.Info has the metadata
	io.Copy(os.Stdout, obj)

	page, err := eng.ListObjects(ctx, "photos", engine.ListOptions{Prefix: "a/", Delimiter: "/"})
	if err != nil {
		panic(err)
	}
	println(len(page.Objects))
	// README:end
	// Output: not
}

func TestOSSClient(t *testing.T) {
	srv := fake.New(t, fake.WithBuckets("oss-demo"))
	endpoint := srv.URL
	// README:begin oss
	cfg := oss.LoadDefaultConfig().
		WithCredentialsProvider(osscreds.NewStaticCredentialsProvider("osslite", "osslite-secret")).
		WithRegion("cn-hangzhou").
		WithEndpoint("http://127.0.0.1:9000") // an IP endpoint: path-style buckets
	client := oss.NewClient(cfg)
	// README:end
	_ = client
	cfg = cfg.WithEndpoint(endpoint).WithHttpClient(srv.HTTPClient()).
		WithCredentialsProvider(osscreds.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey))
	_, err := oss.NewClient(cfg).PutObject(context.Background(), &oss.PutObjectRequest{
		Bucket: oss.Ptr("oss-demo"), Key: oss.Ptr("k"), Body: strings.NewReader("v")})
	require.NoError(t, err)
}

// TestOSSInventory is README's OSS inventory snippet, run.
func TestOSSInventory(t *testing.T) {
	srv := fake.New(t, fake.WithBuckets("src", "reports"))
	cfg := oss.LoadDefaultConfig().WithRegion("cn-hangzhou").WithEndpoint(srv.URL).WithHttpClient(srv.HTTPClient()).
		WithCredentialsProvider(osscreds.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey))
	client := oss.NewClient(cfg)
	ctx := context.Background()
	// README:begin ossinventory
	_, err := client.PutBucketInventory(ctx, &oss.PutBucketInventoryRequest{
		Bucket: oss.Ptr("src"), InventoryId: oss.Ptr("daily"),
		InventoryConfiguration: &oss.InventoryConfiguration{
			Id: oss.Ptr("daily"), IsEnabled: oss.Ptr(true), IncludedObjectVersions: oss.Ptr("Current"),
			Filter:   &oss.InventoryFilter{Prefix: oss.Ptr("logs/"), LowerSizeBound: oss.Ptr(int64(1024))},
			Schedule: &oss.InventorySchedule{Frequency: oss.InventoryFrequencyDaily},
			Destination: &oss.InventoryDestination{OSSBucketDestination: &oss.InventoryOSSBucketDestination{
				Format: oss.InventoryFormatCSV, Bucket: oss.Ptr("acs:oss:::reports"), Prefix: oss.Ptr("inv"),
				RoleArn: oss.Ptr("acs:ram::1:role/AliyunOSSRole")}},
		}})
	// README:end
	require.NoError(t, err)
	got, err := client.GetBucketInventory(ctx, &oss.GetBucketInventoryRequest{Bucket: oss.Ptr("src"), InventoryId: oss.Ptr("daily")})
	require.NoError(t, err)
	require.Equal(t, "acs:oss:::reports", oss.ToString(got.InventoryConfiguration.Destination.OSSBucketDestination.Bucket))
}

func TestChaos(t *testing.T) {
	// README:begin chaos
	srv := fake.New(t, fake.WithBuckets("photos"), fake.WithChaos(fake.Chaos{Seed: 7, Rate: 0.3}))
	// 503 SlowDown, 500 InternalError, 400 RequestTimeout, connection resets
	// (mid-upload), truncated and slow bodies; each one is in srv.Requests()
	// as Request.Chaos{Seed, N, Fault}.
	// README:end
	_, err := srv.Engine().Bucket(context.Background(), "photos")
	require.NoError(t, err)
}

func TestUsers(t *testing.T) {
	ctx := context.Background()
	// README:begin users
	srv := fake.New(t, fake.WithUsers(
		httpapi.User{AccessKey: "alice", SecretKey: "alice-secret", Email: "alice@example.com"},
		httpapi.User{AccessKey: "bob", SecretKey: "bob-secret"},
	))
	as := func(ak, sk, token string) *s3.Client {
		return s3.New(s3.Options{Region: srv.Region, BaseEndpoint: aws.String(srv.URL), UsePathStyle: true,
			HTTPClient: srv.HTTPClient(), Credentials: credentials.NewStaticCredentialsProvider(ak, sk, token)})
	}
	alice, bob := as("alice", "alice-secret", ""), as("bob", "bob-secret", "")
	_, err := alice.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("shared")})
	require.NoError(t, err)
	_, err = bob.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("shared")}) // AccessDenied
	require.Error(t, err)
	_, err = alice.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("shared"),
		GrantRead: aws.String(`id="` + srv.UserID("bob") + `"`)}) // or emailAddress="..."
	require.NoError(t, err)
	_, err = bob.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("shared")}) // now allowed
	require.NoError(t, err)

	// A session (S3 session token, OSS STS token) acting as Alice for an hour
	// of the fake's clock.
	sess, err := srv.NewSession("alice", time.Hour)
	require.NoError(t, err)
	temp := as(sess.AccessKey, sess.SecretKey, sess.Token)
	_, err = temp.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("shared")})
	require.NoError(t, err)
	srv.Clock().Advance(time.Hour)
	_, err = temp.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("shared")}) // ExpiredToken
	require.Error(t, err)
	// README:end
}

func TestBrowserUpload(t *testing.T) {
	// README:begin post
	srv := fake.New(t, fake.WithBuckets("uploads"))
	form, err := srv.PresignPost("uploads", "avatars/${filename}", fake.PostOptions{
		KeyPrefix: "avatars/", MaxSize: 1 << 20, // any key under avatars/, at most 1 MiB
		Fields: map[string]string{"Content-Type": "image/png", "success_action_status": "201"},
	})
	require.NoError(t, err)
	// A browser (or the test) POSTs form.Fields, then the file part named
	// "file", to form.URL.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for name, value := range form.Fields {
		mw.WriteField(name, value)
	}
	fw, _ := mw.CreateFormFile("file", "me.png")
	fw.Write([]byte("PNG..."))
	mw.Close()
	resp, err := srv.HTTPClient().Post(form.URL, mw.FormDataContentType(), &body)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode) // <PostResponse> with Location, Bucket, Key, ETag
	// README:end
	info, err := srv.Engine().HeadObject(context.Background(), "uploads", "avatars/me.png")
	require.NoError(t, err)
	require.Equal(t, "image/png", info.ContentType)
}

var (
	regionRe = regexp.MustCompile(`(?m)^[ \t]*// README:begin (\w+)\n((?s:.*?))^[ \t]*// README:end\n`)
	goBlock  = regexp.MustCompile("(?ms)^```go\\n(.*?)^```\\n")
)

// TestREADMESnippets: every ```go block of README.md is a region of this
// file (compared after removing the common indentation).
func TestREADMESnippets(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	self, err := os.ReadFile("readme_test.go")
	require.NoError(t, err)
	regions := map[string]string{}
	for _, m := range regionRe.FindAllSubmatch(self, -1) {
		regions[string(m[1])] = dedent(string(m[2]))
	}
	blocks := goBlock.FindAllSubmatch(readme, -1)
	require.NotEmpty(t, blocks, "README has Go snippets")
	for _, b := range blocks {
		snippet := dedent(string(b[1]))
		found := false
		for _, r := range regions {
			if strings.TrimSpace(r) == strings.TrimSpace(snippet) {
				found = true
			}
		}
		require.True(t, found, "README snippet is not a region of internal/readme/readme_test.go:\n%s", snippet)
	}
	require.Equal(t, len(regions), len(blocks), "every region appears in README")
}

func dedent(s string) string {
	lines := strings.Split(s, "\n")
	indent := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, "\t"))
		if indent < 0 || n < indent {
			indent = n
		}
	}
	var b bytes.Buffer
	for _, l := range lines {
		if len(l) >= indent && indent > 0 {
			l = l[indent:]
		}
		b.WriteString(l + "\n")
	}
	return b.String()
}
