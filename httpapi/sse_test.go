package httpapi_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/httpapi"
)

// sseKey is an SSE-C key with its base64 forms.
type sseKey struct{ raw, b64, md5 string }

func newSSEKey(b byte) sseKey {
	raw := bytes.Repeat([]byte{b}, 32)
	sum := md5.Sum(raw)
	return sseKey{string(raw), base64.StdEncoding.EncodeToString(raw), base64.StdEncoding.EncodeToString(sum[:])}
}

// sseMode is one way to encrypt, as aws-sdk-go-v2 inputs.
type sseMode struct {
	name      string
	sse       types.ServerSideEncryption
	kmsKey    string
	context   string
	bucketKey bool
	customer  *sseKey
}

func sseModes() []sseMode {
	k := newSSEKey(1)
	ctx := base64.StdEncoding.EncodeToString([]byte(`{"project":"osslite"}`))
	return []sseMode{
		{name: "sse-s3", sse: types.ServerSideEncryptionAes256},
		{name: "sse-kms-default", sse: types.ServerSideEncryptionAwsKms},
		{name: "sse-kms-alias", sse: types.ServerSideEncryptionAwsKms, kmsKey: "alias/app", context: ctx, bucketKey: true},
		{name: "sse-c", customer: &k},
	}
}

// writeHeaders are the request fields that write an object under m:
// KMS key, context, bucket key, and the SSE-C algorithm, key and MD5.
func (m sseMode) writeHeaders() (kmsKey, context *string, bucketKey *bool, cAlg, cKey, cMD5 *string) {
	if m.kmsKey != "" {
		kmsKey = aws.String(m.kmsKey)
	}
	if m.context != "" {
		context = aws.String(m.context)
	}
	if m.bucketKey {
		bucketKey = aws.Bool(true)
	}
	if m.customer != nil {
		cAlg, cKey, cMD5 = aws.String("AES256"), aws.String(m.customer.b64), aws.String(m.customer.md5)
	}
	return
}

func (m sseMode) put(in *s3.PutObjectInput) *s3.PutObjectInput {
	in.ServerSideEncryption = m.sse
	in.SSEKMSKeyId, in.SSEKMSEncryptionContext, in.BucketKeyEnabled, in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = m.writeHeaders()
	return in
}

func (m sseMode) get(in *s3.GetObjectInput) *s3.GetObjectInput {
	if m.customer != nil {
		in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = aws.String("AES256"), aws.String(m.customer.b64), aws.String(m.customer.md5)
	}
	return in
}

func (m sseMode) head(in *s3.HeadObjectInput) *s3.HeadObjectInput {
	if m.customer != nil {
		in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = aws.String("AES256"), aws.String(m.customer.b64), aws.String(m.customer.md5)
	}
	return in
}

// check verifies the encryption a response reports.
func (m sseMode) check(t *testing.T, sse types.ServerSideEncryption, kmsKey *string, bucketKey *bool, cAlg, cMD5 *string) {
	t.Helper()
	switch {
	case m.customer != nil:
		require.Empty(t, sse)
		require.Equal(t, "AES256", aws.ToString(cAlg))
		require.Equal(t, m.customer.md5, aws.ToString(cMD5))
	case m.sse == types.ServerSideEncryptionAwsKms:
		require.Equal(t, m.sse, sse)
		require.Contains(t, aws.ToString(kmsKey), "arn:aws:kms:")
		require.Equal(t, m.bucketKey, aws.ToBool(bucketKey))
	default:
		require.Equal(t, m.sse, sse)
		require.Nil(t, kmsKey)
	}
}

func sseErr(t *testing.T, err error) (int, string) {
	t.Helper()
	require.Error(t, err)
	var ae smithy.APIError
	require.True(t, errors.As(err, &ae), "%v", err)
	var re *smithyhttp.ResponseError
	status := 0
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	return status, ae.ErrorCode()
}

func TestSSEModes(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("sse")})
	require.NoError(t, err)
	body := pattern(200 << 10)
	for _, m := range sseModes() {
		t.Run(m.name, func(t *testing.T) {
			key := "obj-" + m.name
			put, err := c.PutObject(ctx, m.put(&s3.PutObjectInput{Bucket: aws.String("sse"), Key: aws.String(key), Body: bytes.NewReader(body)}))
			require.NoError(t, err)
			m.check(t, put.ServerSideEncryption, put.SSEKMSKeyId, put.BucketKeyEnabled, put.SSECustomerAlgorithm, put.SSECustomerKeyMD5)
			require.Equal(t, m.context, aws.ToString(put.SSEKMSEncryptionContext))
			sum := md5.Sum(body)
			if m.customer != nil || m.sse == types.ServerSideEncryptionAwsKms {
				require.NotEqual(t, `"`+hexOf(sum[:])+`"`, aws.ToString(put.ETag), "SSE-C and SSE-KMS ETags are not the MD5")
			} else {
				require.Equal(t, `"`+hexOf(sum[:])+`"`, aws.ToString(put.ETag))
			}

			get, err := c.GetObject(ctx, m.get(&s3.GetObjectInput{Bucket: aws.String("sse"), Key: aws.String(key), Range: aws.String("bytes=1000-150000")}))
			require.NoError(t, err)
			got, err := io.ReadAll(get.Body)
			require.NoError(t, err)
			get.Body.Close()
			require.Equal(t, body[1000:150001], got)
			m.check(t, get.ServerSideEncryption, get.SSEKMSKeyId, get.BucketKeyEnabled, get.SSECustomerAlgorithm, get.SSECustomerKeyMD5)

			head, err := c.HeadObject(ctx, m.head(&s3.HeadObjectInput{Bucket: aws.String("sse"), Key: aws.String(key)}))
			require.NoError(t, err)
			m.check(t, head.ServerSideEncryption, head.SSEKMSKeyId, head.BucketKeyEnabled, head.SSECustomerAlgorithm, head.SSECustomerKeyMD5)

			// Copy to every mode (re-sealing or re-encrypting as needed).
			for _, to := range sseModes() {
				in := &s3.CopyObjectInput{Bucket: aws.String("sse"), Key: aws.String(key + "-to-" + to.name), CopySource: aws.String("sse/" + key),
					ServerSideEncryption: to.sse}
				if to.kmsKey != "" {
					in.SSEKMSKeyId = aws.String(to.kmsKey)
				}
				if to.customer != nil {
					in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = aws.String("AES256"), aws.String(to.customer.b64), aws.String(to.customer.md5)
				}
				if m.customer != nil {
					in.CopySourceSSECustomerAlgorithm, in.CopySourceSSECustomerKey, in.CopySourceSSECustomerKeyMD5 = aws.String("AES256"), aws.String(m.customer.b64), aws.String(m.customer.md5)
				}
				cp, err := c.CopyObject(ctx, in)
				require.NoError(t, err, "copy %s -> %s", m.name, to.name)
				to.check(t, cp.ServerSideEncryption, cp.SSEKMSKeyId, aws.Bool(to.bucketKey), cp.SSECustomerAlgorithm, cp.SSECustomerKeyMD5)
				g, err := c.GetObject(ctx, to.get(&s3.GetObjectInput{Bucket: in.Bucket, Key: in.Key}))
				require.NoError(t, err)
				got, err := io.ReadAll(g.Body)
				require.NoError(t, err)
				g.Body.Close()
				require.Equal(t, body, got)
			}

			// Onto itself with the same encryption named in the request:
			// allowed (key rotation, as S3 does); engine's TestEncryptedCopy
			// checks that the same copy naming nothing is refused.
			if m.sse != "" || m.customer != nil {
				in := &s3.CopyObjectInput{Bucket: aws.String("sse"), Key: aws.String(key), CopySource: aws.String("sse/" + key), ServerSideEncryption: m.sse}
				in.SSEKMSKeyId, in.SSEKMSEncryptionContext, in.BucketKeyEnabled, in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = m.writeHeaders()
				in.CopySourceSSECustomerAlgorithm, in.CopySourceSSECustomerKey, in.CopySourceSSECustomerKeyMD5 = in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5
				_, err := c.CopyObject(ctx, in)
				require.NoError(t, err, "copy of %s onto itself naming its encryption", m.name)
				g, err := c.GetObject(ctx, m.get(&s3.GetObjectInput{Bucket: aws.String("sse"), Key: aws.String(key)}))
				require.NoError(t, err)
				got, err := io.ReadAll(g.Body)
				require.NoError(t, err)
				g.Body.Close()
				require.Equal(t, body, got)
				m.check(t, g.ServerSideEncryption, g.SSEKMSKeyId, g.BucketKeyEnabled, g.SSECustomerAlgorithm, g.SSECustomerKeyMD5)
			}

			// The manager's multipart upload: every part under the mode.
			up := manager.NewUploader(c, func(u *manager.Uploader) { u.PartSize = 5 << 20; u.Concurrency = 2 })
			big := pattern(11 << 20)
			in := m.put(&s3.PutObjectInput{Bucket: aws.String("sse"), Key: aws.String(key + "-mp"), Body: bytes.NewReader(big)})
			res, err := up.Upload(ctx, in)
			require.NoError(t, err)
			require.Contains(t, aws.ToString(res.ETag), "-3")
			g, err := c.GetObject(ctx, m.get(&s3.GetObjectInput{Bucket: aws.String("sse"), Key: aws.String(key + "-mp")}))
			require.NoError(t, err)
			m.check(t, g.ServerSideEncryption, g.SSEKMSKeyId, g.BucketKeyEnabled, g.SSECustomerAlgorithm, g.SSECustomerKeyMD5)
			got, err = io.ReadAll(g.Body)
			require.NoError(t, err)
			g.Body.Close()
			require.True(t, bytes.Equal(big, got))
		})
	}
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

func TestSSECErrors(t *testing.T) {
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithMinPartSize(1)}})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("ssec")})
	require.NoError(t, err)
	k, other := newSSEKey(1), newSSEKey(2)
	withKey := func(key sseKey) (alg, b64, sum *string) {
		return aws.String("AES256"), aws.String(key.b64), aws.String(key.md5)
	}
	alg, kb, km := withKey(k)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("ssec"), Key: aws.String("secret"), Body: strings.NewReader("data"),
		SSECustomerAlgorithm: alg, SSECustomerKey: kb, SSECustomerKeyMD5: km})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("ssec"), Key: aws.String("plain"), Body: strings.NewReader("data")})
	require.NoError(t, err)

	oa, ob, om := withKey(other)
	for _, tc := range []struct {
		name   string
		key    string
		alg    *string
		b64    *string
		sum    *string
		status int
		code   string
	}{
		{"missing key", "secret", nil, nil, nil, 400, "InvalidRequest"},
		{"wrong key", "secret", oa, ob, om, 403, "AccessDenied"},
		{"md5 mismatch", "secret", alg, kb, om, 400, "InvalidArgument"},
		{"bad algorithm", "secret", aws.String("AES128"), kb, km, 400, "InvalidEncryptionAlgorithmError"},
		{"short key", "secret", alg, aws.String(base64.StdEncoding.EncodeToString([]byte("short"))), km, 400, "InvalidArgument"},
		{"no md5", "secret", alg, kb, nil, 400, "InvalidArgument"},
		{"no algorithm", "secret", nil, kb, km, 400, "InvalidArgument"},
		{"key on plain object", "plain", alg, kb, km, 400, "InvalidRequest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("ssec"), Key: aws.String(tc.key),
				SSECustomerAlgorithm: tc.alg, SSECustomerKey: tc.b64, SSECustomerKeyMD5: tc.sum})
			status, code := sseErr(t, err)
			require.Equal(t, tc.status, status)
			require.Equal(t, tc.code, code)
			_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("ssec"), Key: aws.String(tc.key),
				SSECustomerAlgorithm: tc.alg, SSECustomerKey: tc.b64, SSECustomerKeyMD5: tc.sum})
			status, _ = sseErr(t, err)
			require.Equal(t, tc.status, status, "HEAD")
		})
	}

	// Copy: the source key is required and checked.
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("ssec"), Key: aws.String("cp"), CopySource: aws.String("ssec/secret")})
	status, code := sseErr(t, err)
	require.Equal(t, 400, status)
	require.Equal(t, "InvalidRequest", code)
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("ssec"), Key: aws.String("cp"), CopySource: aws.String("ssec/secret"),
		CopySourceSSECustomerAlgorithm: oa, CopySourceSSECustomerKey: ob, CopySourceSSECustomerKeyMD5: om})
	status, _ = sseErr(t, err)
	require.Equal(t, 403, status)
	// SSE-C with another SSE method is refused.
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("ssec"), Key: aws.String("both"), Body: strings.NewReader("x"),
		ServerSideEncryption: types.ServerSideEncryptionAes256, SSECustomerAlgorithm: alg, SSECustomerKey: kb, SSECustomerKeyMD5: km})
	status, code = sseErr(t, err)
	require.Equal(t, 400, status)
	require.Equal(t, "InvalidArgument", code)

	// Multipart: every part needs the upload's key.
	mp, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("ssec"), Key: aws.String("mp"),
		SSECustomerAlgorithm: alg, SSECustomerKey: kb, SSECustomerKeyMD5: km})
	require.NoError(t, err)
	require.Equal(t, k.md5, aws.ToString(mp.SSECustomerKeyMD5))
	_, err = c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("ssec"), Key: aws.String("mp"), UploadId: mp.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("p")})
	status, code = sseErr(t, err)
	require.Equal(t, 400, status)
	require.Equal(t, "InvalidRequest", code)
	_, err = c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("ssec"), Key: aws.String("mp"), UploadId: mp.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("p"),
		SSECustomerAlgorithm: oa, SSECustomerKey: ob, SSECustomerKeyMD5: om})
	status, _ = sseErr(t, err)
	require.Equal(t, 403, status)
	part, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("ssec"), Key: aws.String("mp"), UploadId: mp.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("p"),
		SSECustomerAlgorithm: alg, SSECustomerKey: kb, SSECustomerKeyMD5: km})
	require.NoError(t, err)
	require.Equal(t, k.md5, aws.ToString(part.SSECustomerKeyMD5))
	// UploadPartCopy from the SSE-C object into the SSE-C upload.
	pc, err := c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: aws.String("ssec"), Key: aws.String("mp"), UploadId: mp.UploadId, PartNumber: aws.Int32(2),
		CopySource: aws.String("ssec/secret"), CopySourceSSECustomerAlgorithm: alg, CopySourceSSECustomerKey: kb, CopySourceSSECustomerKeyMD5: km,
		SSECustomerAlgorithm: alg, SSECustomerKey: kb, SSECustomerKeyMD5: km})
	require.NoError(t, err)
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("ssec"), Key: aws.String("mp"), UploadId: mp.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.ETag}, {PartNumber: aws.Int32(2), ETag: pc.CopyPartResult.ETag}}}})
	require.NoError(t, err)
	g, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("ssec"), Key: aws.String("mp"), SSECustomerAlgorithm: alg, SSECustomerKey: kb, SSECustomerKeyMD5: km})
	require.NoError(t, err)
	got, _ := io.ReadAll(g.Body)
	g.Body.Close()
	require.Equal(t, "pdata", string(got))
}

// TestSSECTransport: SSE-C keys travel in headers, so plain HTTP is
// refused as Config.RequireTLSForSSEC says, and TLS always works.
func TestSSECTransport(t *testing.T) {
	ctx := context.Background()
	k := newSSEKey(3)
	put := func(c *s3.Client) error {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("tls"), Key: aws.String("k"), Body: strings.NewReader("x"),
			SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(k.b64), SSECustomerKeyMD5: aws.String(k.md5)})
		return err
	}
	for _, tc := range []struct {
		name string
		tls  bool
		req  httpapi.TLSRequirement
		ok   bool
	}{
		{"loopback http default", false, httpapi.TLSUnlessLoopback, true},
		{"http always refused", false, httpapi.TLSAlways, false},
		{"tls", true, httpapi.TLSAlways, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, fixtureOptions{tls: tc.tls, opts: []httpapi.Option{httpapi.WithRequireTLSForSSEC(tc.req)}})
			c := f.client()
			_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("tls")})
			require.NoError(t, err)
			err = put(c)
			if tc.ok {
				require.NoError(t, err)
				return
			}
			status, code := sseErr(t, err)
			require.Equal(t, http.StatusBadRequest, status)
			require.Equal(t, "InvalidRequest", code)
		})
	}
}

// TestSSEKMSNotFoundMessage: a missing KMS key is worded as AWS KMS words
// it (and S3 passes on), by the form of the ID, never as osslite's own
// error chain ("engine: generating a data key: kms: key not found: ...").
func TestSSEKMSNotFoundMessage(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("kms")})
	require.NoError(t, err)
	const uuid = "11111111-2222-4333-8444-555555555555"
	for _, tc := range []struct {
		name, keyID, message string
	}{
		{"bare name", "test-key-123", `^Invalid keyId 'test-key-123'$`},
		{"alias", "alias/no-such-key", `^Alias arn:aws:kms:us-east-1:\d{12}:alias/no-such-key is not found\.$`},
		{"key ID", uuid, `^Key 'arn:aws:kms:us-east-1:\d{12}:key/` + uuid + `' does not exist$`},
		{"key ARN", "arn:aws:kms:us-east-1:111122223333:key/" + uuid, `^Key 'arn:aws:kms:us-east-1:111122223333:key/` + uuid + `' does not exist$`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("kms"), Key: aws.String("k"), Body: strings.NewReader("x"),
				ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(tc.keyID)})
			status, code := sseErr(t, err)
			require.Equal(t, http.StatusBadRequest, status)
			require.Equal(t, "KMS.NotFoundException", code)
			var ae smithy.APIError
			require.ErrorAs(t, err, &ae)
			require.Regexp(t, tc.message, ae.ErrorMessage())
		})
	}
}

func TestSSEKMSErrorsAndBucketDefault(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("kms")})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("kms"), Key: aws.String("k"), Body: strings.NewReader("x"),
		ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String("alias/no-such-key")})
	status, code := sseErr(t, err)
	require.Equal(t, 400, status)
	require.Equal(t, "KMS.NotFoundException", code)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("kms"), Key: aws.String("k"), Body: strings.NewReader("x"),
		SSEKMSKeyId: aws.String("alias/app")})
	status, code = sseErr(t, err)
	require.Equal(t, 400, status)
	require.Equal(t, "InvalidArgument", code)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("kms"), Key: aws.String("k"), Body: strings.NewReader("x"),
		ServerSideEncryption: "aws:rot13"})
	_, code = sseErr(t, err)
	require.Equal(t, "InvalidArgument", code)

	// Bucket default encryption.
	_, err = c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String("kms")})
	status, code = sseErr(t, err)
	require.Equal(t, 404, status)
	require.Equal(t, "ServerSideEncryptionConfigurationNotFoundError", code)
	_, err = c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String("kms"), ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{
		Rules: []types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String("alias/no-such-key")}}}}})
	_, code = sseErr(t, err)
	require.Equal(t, "KMS.NotFoundException", code)
	_, err = c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String("kms"), ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{
		Rules: []types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String("alias/app")}, BucketKeyEnabled: aws.Bool(true)}}}})
	require.NoError(t, err)
	enc, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String("kms")})
	require.NoError(t, err)
	rule := enc.ServerSideEncryptionConfiguration.Rules[0]
	require.Equal(t, types.ServerSideEncryptionAwsKms, rule.ApplyServerSideEncryptionByDefault.SSEAlgorithm)
	require.Equal(t, "alias/app", aws.ToString(rule.ApplyServerSideEncryptionByDefault.KMSMasterKeyID))
	require.True(t, aws.ToBool(rule.BucketKeyEnabled))
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("kms"), Key: aws.String("default"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	require.Equal(t, types.ServerSideEncryptionAwsKms, put.ServerSideEncryption)
	require.True(t, aws.ToBool(put.BucketKeyEnabled))
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("kms"), Key: aws.String("default")})
	require.NoError(t, err)
	require.Equal(t, types.ServerSideEncryptionAwsKms, head.ServerSideEncryption)
	require.Contains(t, aws.ToString(head.SSEKMSKeyId), ":key/")
	// A read naming SSE-S3 or SSE-KMS is 400 (S3 decrypts by itself;
	// ceph s3-tests' test_sse_kms_read_declare, test_sse_kms_method_head).
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		for _, hdr := range []http.Header{
			{"X-Amz-Server-Side-Encryption": {"aws:kms"}, "X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id": {"alias/app"}},
			{"X-Amz-Server-Side-Encryption": {"AES256"}},
		} {
			res := f.do(t, raw{method: method, path: "/kms/default", header: hdr})
			require.Equal(t, http.StatusBadRequest, res.StatusCode, "%s %v", method, hdr)
			if method == http.MethodGet {
				require.Equal(t, "InvalidArgument", res.errCode())
			}
		}
	}
	// An explicit header wins over the default.
	put, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("kms"), Key: aws.String("s3"), Body: strings.NewReader("x"), ServerSideEncryption: types.ServerSideEncryptionAes256})
	require.NoError(t, err)
	require.Equal(t, types.ServerSideEncryptionAes256, put.ServerSideEncryption)
	_, err = c.DeleteBucketEncryption(ctx, &s3.DeleteBucketEncryptionInput{Bucket: aws.String("kms")})
	require.NoError(t, err)
	put, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("kms"), Key: aws.String("plain"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	require.Empty(t, put.ServerSideEncryption)
	// Dual-layer SSE (aws:kms:dsse): two layers under two KMS data keys,
	// reported as such on every answer; a bucket default works too.
	put, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("kms"), Key: aws.String("dsse"), Body: strings.NewReader("dual layer"),
		ServerSideEncryption: types.ServerSideEncryptionAwsKmsDsse})
	require.NoError(t, err)
	require.Equal(t, types.ServerSideEncryptionAwsKmsDsse, put.ServerSideEncryption)
	require.Contains(t, aws.ToString(put.SSEKMSKeyId), "arn:aws:kms:")
	dsse, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("kms"), Key: aws.String("dsse")})
	require.NoError(t, err)
	body, err := io.ReadAll(dsse.Body)
	require.NoError(t, err)
	dsse.Body.Close()
	require.Equal(t, "dual layer", string(body))
	require.Equal(t, types.ServerSideEncryptionAwsKmsDsse, dsse.ServerSideEncryption)
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("kms"), Key: aws.String("dsse-to-kms"), CopySource: aws.String("kms/dsse"),
		ServerSideEncryption: types.ServerSideEncryptionAwsKms})
	require.NoError(t, err, "re-encrypted from two layers to one")
	cp, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("kms"), Key: aws.String("dsse-to-kms")})
	require.NoError(t, err)
	require.Equal(t, types.ServerSideEncryptionAwsKms, cp.ServerSideEncryption)
	_, err = c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String("kms"),
		ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAwsKmsDsse}}}}})
	require.NoError(t, err)
	put, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("kms"), Key: aws.String("dsse-default"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	require.Equal(t, types.ServerSideEncryptionAwsKmsDsse, put.ServerSideEncryption)
}

// TestSSECSelect: SelectObjectContent reads an SSE-C object with its key.
func TestSSECSelect(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("sel")})
	require.NoError(t, err)
	k := newSSEKey(4)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("sel"), Key: aws.String("t.csv"), Body: strings.NewReader("a,b\n1,2\n3,4\n"),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(k.b64), SSECustomerKeyMD5: aws.String(k.md5)})
	require.NoError(t, err)
	in := &s3.SelectObjectContentInput{Bucket: aws.String("sel"), Key: aws.String("t.csv"), Expression: aws.String("SELECT b FROM S3Object"), ExpressionType: types.ExpressionTypeSql,
		InputSerialization:  &types.InputSerialization{CSV: &types.CSVInput{FileHeaderInfo: types.FileHeaderInfoUse}},
		OutputSerialization: &types.OutputSerialization{CSV: &types.CSVOutput{}}}
	_, err = c.SelectObjectContent(ctx, in)
	status, _ := sseErr(t, err)
	require.Equal(t, 400, status, "no key")
	in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = aws.String("AES256"), aws.String(k.b64), aws.String(k.md5)
	out, err := c.SelectObjectContent(ctx, in)
	require.NoError(t, err)
	var got strings.Builder
	for ev := range out.GetStream().Events() {
		if r, ok := ev.(*types.SelectObjectContentEventStreamMemberRecords); ok {
			got.Write(r.Value.Payload)
		}
	}
	require.NoError(t, out.GetStream().Close())
	require.Equal(t, "2\n4\n", got.String())
}

// TestSSECBlocked: BlockedEncryptionTypes in a bucket's default encryption
// refuses new SSE-C objects (PutObject, CopyObject, multipart) with 403
// AccessDenied, still reads existing ones, round-trips through
// GetBucketEncryption, and "NONE" lifts the block.
func TestSSECBlocked(t *testing.T) {
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithMinPartSize(1)}})
	c := f.client()
	ctx := context.Background()
	b := aws.String("blocked")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b})
	require.NoError(t, err)
	k := newSSEKey(3)
	alg, kb, km := aws.String("AES256"), aws.String(k.b64), aws.String(k.md5)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("old"), Body: strings.NewReader("before"),
		SSECustomerAlgorithm: alg, SSECustomerKey: kb, SSECustomerKeyMD5: km})
	require.NoError(t, err)
	mp, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String("mp"),
		SSECustomerAlgorithm: alg, SSECustomerKey: kb, SSECustomerKeyMD5: km})
	require.NoError(t, err)

	block := func(types_ ...types.EncryptionType) {
		t.Helper()
		_, err := c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: b, ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{
			Rules: []types.ServerSideEncryptionRule{{
				ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAes256},
				BlockedEncryptionTypes:             &types.BlockedEncryptionTypes{EncryptionType: types_},
			}}}})
		require.NoError(t, err)
		got, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b})
		require.NoError(t, err)
		rule := got.ServerSideEncryptionConfiguration.Rules[0]
		require.NotNil(t, rule.BlockedEncryptionTypes)
		require.Equal(t, types_, rule.BlockedEncryptionTypes.EncryptionType)
	}
	block(types.EncryptionTypeSseC)

	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("new"), Body: strings.NewReader("after"),
		SSECustomerAlgorithm: alg, SSECustomerKey: kb, SSECustomerKeyMD5: km})
	requireCode(t, err, "AccessDenied", "PutObject with SSE-C")
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("copy"), CopySource: aws.String("blocked/old"),
		CopySourceSSECustomerAlgorithm: alg, CopySourceSSECustomerKey: kb, CopySourceSSECustomerKeyMD5: km,
		SSECustomerAlgorithm: alg, SSECustomerKey: kb, SSECustomerKeyMD5: km})
	requireCode(t, err, "AccessDenied", "CopyObject to SSE-C")
	_, err = c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String("mp2"),
		SSECustomerAlgorithm: alg, SSECustomerKey: kb, SSECustomerKeyMD5: km})
	requireCode(t, err, "AccessDenied", "CreateMultipartUpload with SSE-C")
	_, err = c.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: aws.String("mp"), UploadId: mp.UploadId, PartNumber: aws.Int32(1),
		Body: strings.NewReader("part"), SSECustomerAlgorithm: alg, SSECustomerKey: kb, SSECustomerKeyMD5: km})
	requireCode(t, err, "AccessDenied", "UploadPart with SSE-C")
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("new"), SSECustomerAlgorithm: alg, SSECustomerKey: kb, SSECustomerKeyMD5: km})
	requireCode(t, err, "NotFound", "nothing was written")

	// Existing SSE-C objects still read; copies out of them to plain
	// objects, and other writes, go on.
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("old"), SSECustomerAlgorithm: alg, SSECustomerKey: kb, SSECustomerKeyMD5: km})
	require.NoError(t, err)
	body, _ := io.ReadAll(got.Body)
	got.Body.Close()
	require.Equal(t, "before", string(body))
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("plain-copy"), CopySource: aws.String("blocked/old"),
		CopySourceSSECustomerAlgorithm: alg, CopySourceSSECustomerKey: kb, CopySourceSSECustomerKeyMD5: km})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("kms"), Body: strings.NewReader("x"), ServerSideEncryption: types.ServerSideEncryptionAwsKms})
	require.NoError(t, err)

	// NONE lifts the block.
	block(types.EncryptionTypeNone)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("new"), Body: strings.NewReader("after"),
		SSECustomerAlgorithm: alg, SSECustomerKey: kb, SSECustomerKeyMD5: km})
	require.NoError(t, err)

	// A rule of blocked types alone keeps SSE-S3; an unknown type is
	// refused.
	_, err = c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: b, ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{
		Rules: []types.ServerSideEncryptionRule{{BlockedEncryptionTypes: &types.BlockedEncryptionTypes{EncryptionType: []types.EncryptionType{types.EncryptionTypeSseC}}}}}})
	require.NoError(t, err)
	enc, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b})
	require.NoError(t, err)
	require.Equal(t, types.ServerSideEncryptionAes256, enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm)
	_, err = c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: b, ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{
		Rules: []types.ServerSideEncryptionRule{{BlockedEncryptionTypes: &types.BlockedEncryptionTypes{EncryptionType: []types.EncryptionType{"SSE-KMS"}}}}}})
	requireCode(t, err, "MalformedXML")
	// Deleting the configuration lifts the block too.
	_, err = c.DeleteBucketEncryption(ctx, &s3.DeleteBucketEncryptionInput{Bucket: b})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("new2"), Body: strings.NewReader("after"),
		SSECustomerAlgorithm: alg, SSECustomerKey: kb, SSECustomerKeyMD5: km})
	require.NoError(t, err)
}
