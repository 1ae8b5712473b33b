package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"
)

// TestS3UpdateObjectEncryption: UpdateObjectEncryption through
// aws-sdk-go-v2 seals an SSE-S3 object under a KMS key (with a Bucket
// Key) in place: HEAD reports the new encryption, the ETag and the body
// stay. S3's refusals: a clear source, a key named other than by its ARN,
// a missing object, a SigV2 request.
func TestS3UpdateObjectEncryption(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	b := aws.String("reseal")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b})
	require.NoError(t, err)
	probe, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("probe"), Body: strings.NewReader("p"),
		ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String("alias/app")})
	require.NoError(t, err)
	arn := aws.ToString(probe.SSEKMSKeyId)
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("a"), Body: strings.NewReader("the body"),
		ServerSideEncryption: types.ServerSideEncryptionAes256})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("clear"), Body: strings.NewReader("c")})
	require.NoError(t, err)

	update := func(key, keyARN string) error {
		_, err := c.UpdateObjectEncryption(ctx, &s3.UpdateObjectEncryptionInput{Bucket: b, Key: aws.String(key),
			ObjectEncryption: &types.ObjectEncryptionMemberSSEKMS{Value: types.SSEKMSEncryption{KMSKeyArn: aws.String(keyARN), BucketKeyEnabled: aws.Bool(true)}}})
		return err
	}
	require.NoError(t, update("a", arn))
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("a")})
	require.NoError(t, err)
	require.Equal(t, types.ServerSideEncryptionAwsKms, head.ServerSideEncryption)
	require.Equal(t, arn, aws.ToString(head.SSEKMSKeyId))
	require.True(t, aws.ToBool(head.BucketKeyEnabled))
	require.Equal(t, put.ETag, head.ETag)
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("a")})
	require.NoError(t, err)
	body, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	out.Body.Close()
	require.Equal(t, "the body", string(body))

	requireCode(t, update("clear", arn), "InvalidRequest", "a clear source")
	requireCode(t, update("a", "alias/app"), "InvalidRequest", "an alias, not an ARN")
	requireCode(t, update("missing", arn), "NoSuchKey")
	doc := `<ObjectEncryption xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><SSE-KMS><KMSKeyArn>` + arn + `</KMSKeyArn></SSE-KMS></ObjectEncryption>`
	r := f.do(t, raw{method: http.MethodPut, path: "/reseal/a?encryption", body: []byte(doc), sign: "v2"})
	require.Equal(t, "InvalidRequest", r.errCode())
	r = f.do(t, raw{method: http.MethodPut, path: "/reseal/a?encryption", body: []byte(`<ObjectEncryption><SSE-S3/></ObjectEncryption>`)})
	require.Equal(t, "InvalidRequest", r.errCode())
	r = f.do(t, raw{method: http.MethodPut, path: "/reseal/a?encryption", body: []byte(doc)})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
}
