package fake_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"io"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/fake"
)

// TestSSEOverTLS writes and reads SSE-C and SSE-KMS objects through the
// fake's TLS listener; the fake has a key service of its own.
func TestSSEOverTLS(t *testing.T) {
	srv := fake.New(t, fake.WithTLS(), fake.WithBuckets("bkt"))
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	hc := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	})
	c := sdkClient(srv, hc, nil)
	ctx := context.Background()
	key := bytes.Repeat([]byte{42}, 32)
	sum := md5.Sum(key)
	alg, kb, km := aws.String("AES256"), aws.String(base64.StdEncoding.EncodeToString(key)), aws.String(base64.StdEncoding.EncodeToString(sum[:]))
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("c"), Body: bytes.NewReader([]byte("customer secret")),
		SSECustomerAlgorithm: alg, SSECustomerKey: kb, SSECustomerKeyMD5: km})
	require.NoError(t, err)
	require.Equal(t, aws.ToString(km), aws.ToString(put.SSECustomerKeyMD5))
	get, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("c"), SSECustomerAlgorithm: alg, SSECustomerKey: kb, SSECustomerKeyMD5: km})
	require.NoError(t, err)
	body, err := io.ReadAll(get.Body)
	require.NoError(t, err)
	get.Body.Close()
	require.Equal(t, "customer secret", string(body))
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("c")})
	require.Equal(t, 400, statusOf(err))

	put, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"), Body: bytes.NewReader([]byte("kms secret")),
		ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String("alias/test-key")})
	require.NoError(t, err)
	require.Equal(t, types.ServerSideEncryptionAwsKms, put.ServerSideEncryption)
	require.Contains(t, aws.ToString(put.SSEKMSKeyId), ":key/")
}

// TestSSEKMSKeyRegion: the fake's key service is in the fake's region, so
// the key ARNs SSE-KMS answers name it, as S3 names the bucket region's
// key.
func TestSSEKMSKeyRegion(t *testing.T) {
	srv := fake.New(t, fake.WithTLS(), fake.WithBuckets("bkt"), fake.WithRegion("eu-west-1"))
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	hc := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	})
	c := sdkClient(srv, hc, nil)
	put, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k"), Body: bytes.NewReader([]byte("kms secret")),
		ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String("alias/test-key")})
	require.NoError(t, err)
	require.Contains(t, aws.ToString(put.SSEKMSKeyId), "arn:aws:kms:eu-west-1:")
}
