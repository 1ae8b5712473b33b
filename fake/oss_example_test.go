package fake_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"strings"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	osscreds "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/osslite/osslite/fake"
)

// The Aliyun OSS Go SDK v2 pointed at a fake: the same server speaks the
// OSS dialect to OSS-signed requests. The endpoint is the fake's URL (an
// IP address, so the SDK addresses buckets path-style), any region, and
// the in-memory transport. CRC64 checks stay on.
func ExampleStart_aliyunOSS() {
	srv, err := fake.Start(fake.WithBuckets("photos"))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	cfg := oss2.LoadDefaultConfig().
		WithCredentialsProvider(osscreds.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey)).
		WithRegion("cn-hangzhou").
		WithEndpoint(srv.URL).
		WithHttpClient(srv.HTTPClient())
	client := oss2.NewClient(cfg)

	ctx := context.Background()
	_, err = client.PutObject(ctx, &oss2.PutObjectRequest{
		Bucket: oss2.Ptr("photos"), Key: oss2.Ptr("cat.txt"), Body: strings.NewReader("meow"),
	})
	if err != nil {
		log.Fatal(err)
	}
	out, err := client.GetObject(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr("photos"), Key: oss2.Ptr("cat.txt")})
	if err != nil {
		log.Fatal(err)
	}
	defer out.Body.Close()
	body, _ := io.ReadAll(out.Body)
	fmt.Println(string(body), *out.ObjectType)
	// Output: meow Normal
}

// The v1 SDK (OSS signature v1) on a fake with an OSS domain: a host name
// endpoint makes the SDK use virtual-host addressing, which the in-memory
// transport delivers without DNS.
func TestAliyunOSSV1Domains(t *testing.T) {
	srv := fake.New(t, fake.WithDomains("oss-cn-hangzhou.example.test"))
	c, err := oss1.New("http://oss-cn-hangzhou.example.test", srv.AccessKey, srv.SecretKey, oss1.HTTPClient(srv.HTTPClient()))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CreateBucket("oss-bucket"); err != nil {
		t.Fatal(err)
	}
	b, err := c.Bucket("oss-bucket")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.PutObject("dir/k", strings.NewReader("v")); err != nil {
		t.Fatal(err)
	}
	lr, err := b.ListObjects()
	if err != nil {
		t.Fatal(err)
	}
	if len(lr.Objects) != 1 || lr.Objects[0].Key != "dir/k" || lr.Objects[0].Type != "Normal" {
		t.Fatalf("ListObjects %+v", lr)
	}
	reqs := srv.Requests()
	if len(reqs) == 0 {
		t.Fatal("no requests recorded")
	}
	if _, err := b.GetObject("missing"); err == nil || !strings.Contains(err.Error(), "NoSuchKey") {
		t.Fatalf("missing key: %v", err)
	}
}
