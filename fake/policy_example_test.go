package fake_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/osslite/osslite/fake"
)

// A bucket policy that makes a prefix public: anonymous GETs of it
// succeed, everything else stays private.
func ExampleStart_bucketPolicy() {
	srv, err := fake.Start(fake.WithBuckets("site"))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client := s3.NewFromConfig(aws.Config{
		Region:      srv.Region,
		Credentials: credentials.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey, ""),
		HTTPClient:  srv.HTTPClient(),
	}, func(o *s3.Options) { o.BaseEndpoint = aws.String(srv.URL); o.UsePathStyle = true })
	ctx := context.Background()
	for _, k := range []string{"public/index.html", "private/notes.txt"} {
		if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("site"), Key: aws.String(k), Body: strings.NewReader("hello")}); err != nil {
			log.Fatal(err)
		}
	}
	_, err = client.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("site"), Policy: aws.String(`{
	  "Version": "2012-10-17",
	  "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site/public/*"}]
	}`)})
	if err != nil {
		log.Fatal(err)
	}
	for _, k := range []string{"public/index.html", "private/notes.txt"} {
		resp, err := srv.HTTPClient().Get(srv.URL + "/site/" + k) // unsigned
		if err != nil {
			log.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		fmt.Println(k, resp.StatusCode)
	}
	// Output:
	// public/index.html 200
	// private/notes.txt 403
}
