package fake_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/fake"
)

// TestMFADelete: a device given with WithMFADevice, codes from MFACode
// on the server's Clock; a code is taken once, the next one 30 seconds
// later.
func TestMFADelete(t *testing.T) {
	const serial = "arn:aws:iam::123456789012:mfa/root-account-mfa-device"
	ctx := context.Background()
	srv := fake.New(t, fake.WithBuckets("vault"), fake.WithMFADevice(serial, "JBSWY3DPEHPK3PXP"))
	c := awsClient(srv, srv.URL, false, true)
	_, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("vault"), MFA: aws.String(srv.MFACode(serial)),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled, MFADelete: types.MFADeleteEnabled}})
	require.NoError(t, err)
	out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vault"), Key: aws.String("k"), Body: strings.NewReader("v")})
	require.NoError(t, err)
	del := &s3.DeleteObjectInput{Bucket: aws.String("vault"), Key: aws.String("k"), VersionId: out.VersionId}
	_, err = c.DeleteObject(ctx, del)
	require.ErrorContains(t, err, "Mfa Authentication must be used for this request")
	del.MFA = aws.String(srv.MFACode(serial))
	_, err = c.DeleteObject(ctx, del)
	require.ErrorContains(t, err, "used already") // the code enabled MFA delete
	srv.Clock().Advance(30 * time.Second)
	del.MFA = aws.String(srv.MFACode(serial))
	_, err = c.DeleteObject(ctx, del)
	require.NoError(t, err)

	_, err = fake.Start(fake.WithMFADevice(serial, "not base32!"))
	require.Error(t, err)
}
