package sigv4

import (
	"errors"
	"net/http/httptest"
	"strings"
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

// TestQueryHeadersSkipAuthParameters: a signed x-amz-* header a presigned
// URL does not send is read from the query parameter of its name
// (Result.QueryHeaders), but never from the URL's own parameters: a URL
// that signs an x-amz-date header needs the header.
func TestQueryHeadersSkipAuthParameters(t *testing.T) {
	now := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	ts, date := now.Format(TimeFormat), now.Format("20060102")
	build := func(signed string, extra string, hdr map[string]string) (*Result, error) {
		q := "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + exampleAKID + "%2F" + date + "%2Fus-east-1%2Fs3%2Faws4_request" +
			"&X-Amz-Date=" + ts + "&X-Amz-Expires=60&X-Amz-SignedHeaders=" + signed + extra
		r := httptest.NewRequest("PUT", "http://s3.local/bucket/key?"+q, nil)
		for k, v := range hdr {
			r.Header.Set(k, v)
		}
		names := strings.Split(strings.ReplaceAll(signed, "%3B", ";"), ";")
		cr := CanonicalRequest(r, names, UnsignedPayload, true)
		sig := Signature(SigningKey(exampleSecret, date, "us-east-1", "s3"), StringToSign(cr, ts, Scope{Date: date, Region: "us-east-1", Service: "s3"}))
		r = httptest.NewRequest("PUT", "http://s3.local/bucket/key?"+q+"&X-Amz-Signature="+sig, nil)
		return Verify(r, exampleSecrets, now, VerifyOptions{})
	}
	res, err := build("host%3Bx-amz-storage-class", "&x-amz-storage-class=STANDARD_IA", map[string]string{"X-Amz-Storage-Class": "STANDARD_IA"})
	require.NoError(t, err, "a signed header read from the query")
	assert.Equal(t, []string{"STANDARD_IA"}, res.QueryHeaders["X-Amz-Storage-Class"])
	_, err = build("host%3Bx-amz-date", "", map[string]string{"X-Amz-Date": ts})
	require.ErrorIs(t, err, ErrSignatureMismatch, "X-Amz-Date is the URL's parameter, not the header's value")
}
