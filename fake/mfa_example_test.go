package fake_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/osslite/osslite/fake"
)

// MFA delete with a virtual device: MFACode is the x-amz-mfa value on the
// fake's clock; each code is taken once, so the version delete waits for
// the next one.
func ExampleWithMFADevice() {
	const serial = "arn:aws:iam::123456789012:mfa/root-account-mfa-device"
	srv, err := fake.Start(fake.WithBuckets("vault"), fake.WithMFADevice(serial, "JBSWY3DPEHPK3PXP"))
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
	if _, err := client.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("vault"), MFA: aws.String(srv.MFACode(serial)),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled, MFADelete: types.MFADeleteEnabled}}); err != nil {
		log.Fatal(err)
	}
	out, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vault"), Key: aws.String("k"), Body: strings.NewReader("v")})
	if err != nil {
		log.Fatal(err)
	}
	del := &s3.DeleteObjectInput{Bucket: aws.String("vault"), Key: aws.String("k"), VersionId: out.VersionId}
	_, err = client.DeleteObject(ctx, del)
	var ae smithy.APIError
	if errors.As(err, &ae) {
		fmt.Println("without a code:", ae.ErrorCode(), ae.ErrorMessage())
	}
	srv.Clock().Advance(30 * time.Second)
	del.MFA = aws.String(srv.MFACode(serial))
	_, err = client.DeleteObject(ctx, del)
	fmt.Println("with the next code, deleted:", err == nil)
	// Output:
	// without a code: AccessDenied Mfa Authentication must be used for this request
	// with the next code, deleted: true
}
