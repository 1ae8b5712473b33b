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
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/osslite/osslite/fake"
)

// aws-sdk-go-v2 with its default checksum settings over TLS: uploads go
// as aws-chunked bodies with a CRC32 trailer, which the fake verifies and
// stores. The credentials are the fake's defaults, read from the server
// (fake.DefaultAccessKey "osslite-fake", fake.DefaultSecretKey
// "osslite-fake-secret").
func ExampleWithTLS() {
	srv, err := fake.Start(fake.WithTLS(), fake.WithBuckets("photos"))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	cfg := aws.Config{
		Region:      srv.Region,
		Credentials: credentials.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey, ""),
		// The in-memory transport needs no certificate; a client going
		// through the socket adds srv.Certificate() to its RootCAs.
		HTTPClient: srv.HTTPClient(),
		// What config.LoadDefaultConfig resolves to; a hand-built
		// aws.Config leaves them unset.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenSupported,
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(srv.URL) // https://127.0.0.1:port
		o.UsePathStyle = true
	})

	ctx := context.Background()
	put, err := client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String("photos"), Key: aws.String("cat.txt"), Body: strings.NewReader("meow"),
	})
	if err != nil {
		log.Fatal(err)
	}
	out, err := client.GetObject(ctx, &s3.GetObjectInput{
		Bucket: aws.String("photos"), Key: aws.String("cat.txt"), ChecksumMode: types.ChecksumModeEnabled,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer out.Body.Close()
	body, _ := io.ReadAll(out.Body)
	fmt.Println(srv.URL[:len("https://")], string(body), aws.ToString(put.ChecksumCRC32) == aws.ToString(out.ChecksumCRC32))
	// Output: https:// meow true
}
