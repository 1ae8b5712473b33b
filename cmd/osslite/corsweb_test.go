package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"
)

// TestRunCORSAndWebsite: -cors-allow-origin answers preflights for
// buckets without a CORS configuration, and -website-domain serves
// bucket websites on <bucket>.<domain>.
func TestRunCORSAndWebsite(t *testing.T) {
	url, _, stop := start(t, "-cors-allow-origin", "http://localhost:3000", "-website-domain", "web.test", "-bucket", "site")
	defer stop()
	ctx := context.Background()
	c := client(url, defaultAccessKey, defaultSecretKey)
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("site"), Key: aws.String("index.html"),
		Body: strings.NewReader("hello site"), ACL: types.ObjectCannedACLPublicRead, ContentType: aws.String("text/html")})
	require.NoError(t, err)
	_, err = c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("site"), ACL: types.BucketCannedACLPublicRead})
	require.NoError(t, err)
	_, err = c.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: aws.String("site"), WebsiteConfiguration: &types.WebsiteConfiguration{
		IndexDocument: &types.IndexDocument{Suffix: aws.String("index.html")}}})
	require.NoError(t, err)

	req, err := http.NewRequest("OPTIONS", url+"/site/upload.bin", nil)
	require.NoError(t, err)
	req.Header.Set("Origin", "http://localhost:3000")
	req.Header.Set("Access-Control-Request-Method", "PUT")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, "http://localhost:3000", resp.Header.Get("Access-Control-Allow-Origin"))

	addr := strings.TrimPrefix(url, "http://")
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}}
	resp, err = hc.Get("http://site.web.test/")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, "hello site", string(body))
}
