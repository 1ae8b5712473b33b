package sigv4

import (
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHeadersNotSigned checks that an x-amz-* header outside SignedHeaders
// is refused in both SigV4 forms, while the framing headers stay exempt.
func TestHeadersNotSigned(t *testing.T) {
	now := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	creds := Credentials{AccessKeyID: exampleAKID, SecretAccessKey: exampleSecret}

	t.Run("presigned", func(t *testing.T) {
		r := httptest.NewRequest("PUT", "http://s3.local/bucket/key", nil)
		_, err := Presign(r, creds, "us-east-1", "s3", now, time.Hour)
		require.NoError(t, err)
		_, err = Verify(r, exampleSecrets, now, VerifyOptions{})
		require.NoError(t, err)

		r.Header.Set("X-Amz-Copy-Source", "/bucket/secret")
		r.Header.Set("x-amz-acl", "public-read")
		_, err = Verify(r, exampleSecrets, now, VerifyOptions{})
		require.ErrorIs(t, err, ErrHeadersNotSigned)
		var he *HeadersNotSignedError
		require.True(t, errors.As(err, &he))
		assert.Equal(t, []string{"x-amz-acl", "x-amz-copy-source"}, he.Headers)

		// x-amz-content-sha256 and x-amz-trailer may stay unsigned;
		// x-amz-date and x-amz-decoded-content-length may not (S3 names
		// both, LocalStack's
		// test_put_object_with_md5_and_chunk_signature_bad_headers).
		r = httptest.NewRequest("PUT", "http://s3.local/bucket/key", nil)
		_, err = Presign(r, creds, "us-east-1", "s3", now, time.Hour)
		require.NoError(t, err)
		r.Header.Set("X-Amz-Content-Sha256", UnsignedPayload)
		r.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32")
		_, err = Verify(r, exampleSecrets, now, VerifyOptions{})
		require.NoError(t, err)
		r.Header.Set("X-Amz-Date", now.Format(TimeFormat))
		r.Header.Set("X-Amz-Decoded-Content-Length", "5")
		_, err = Verify(r, exampleSecrets, now, VerifyOptions{})
		require.ErrorAs(t, err, &he)
		assert.Equal(t, []string{"x-amz-date", "x-amz-decoded-content-length"}, he.Headers)
	})

	t.Run("header", func(t *testing.T) {
		r := httptest.NewRequest("PUT", "http://s3.local/bucket/key", nil)
		r.Header.Set("X-Amz-Meta-A", "1")
		_, err := SignRequest(r, creds, "us-east-1", "s3", now, UnsignedPayload)
		require.NoError(t, err)
		_, err = Verify(r, exampleSecrets, now, VerifyOptions{})
		require.NoError(t, err)

		r.Header.Set("X-Amz-Tagging", "a=b")
		r.Header.Add("X-Amz-Grant-Read", "id=x")
		r.Header.Add("X-Amz-Grant-Read", "id=y")
		_, err = Verify(r, exampleSecrets, now, VerifyOptions{})
		var he *HeadersNotSignedError
		require.ErrorAs(t, err, &he)
		assert.Equal(t, []string{"x-amz-grant-read", "x-amz-tagging"}, he.Headers)
		assert.Contains(t, he.Error(), "x-amz-grant-read, x-amz-tagging")
	})

	// SigV2 covers every x-amz-* header by construction: one added after
	// signing breaks the signature.
	t.Run("v2", func(t *testing.T) {
		r := httptest.NewRequest("PUT", "http://s3.local/bucket/key", nil)
		SignRequestV2(r, creds, "", now)
		r.Header.Set("X-Amz-Copy-Source", "/bucket/secret")
		_, err := Verify(r, exampleSecrets, now, VerifyOptions{})
		require.ErrorIs(t, err, ErrSignatureMismatch)

		r = httptest.NewRequest("PUT", "http://s3.local/bucket/key", nil)
		PresignV2(r, creds, "", now.Add(time.Hour))
		_, err = Verify(r, exampleSecrets, now, VerifyOptions{})
		require.NoError(t, err)
		r.Header.Set("X-Amz-Acl", "public-read")
		_, err = Verify(r, exampleSecrets, now, VerifyOptions{})
		require.ErrorIs(t, err, ErrSignatureMismatch)
	})
}
