package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
)

// TestPostFormHeaderBytes: a POST form's fields are bytes, not header
// lines that net/http has already checked, so the form is where a value
// an HTTP client rejects (a control byte in Content-Type) or a metadata
// name no header can carry could be stored. Stored, the first made every
// GET and HEAD of the object fail in the SDKs (Go's net/textproto refuses
// the response: a denial of service against the bucket owner) and the
// second was dropped from every answer without a word. Both are refused
// at the write now; a PUT through headers cannot carry either.
func TestPostFormHeaderBytes(t *testing.T) {
	f, c := newPostFixture(t)
	now := f.clock.Now()
	for _, tc := range []struct {
		name         string
		field, value string
	}{
		{"control byte in Content-Type", "Content-Type", "text/plain\x01"},
		{"NUL in Cache-Control", "Cache-Control", "max-age=1\x00"},
		{"DEL in Content-Disposition", "Content-Disposition", "inline\x7f"},
		{"space in a metadata name", "x-amz-meta-a b", "v"},
		{"colon in a metadata name", "x-amz-meta-a:b", "v"},
		{"non-ASCII metadata name", "x-amz-meta-\u00e9t\u00e9", "v"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := "bad/" + tc.name
			policy := policyDoc(t, now.Add(time.Hour), append(v4Conds(now),
				map[string]string{"bucket": "forms"}, map[string]string{"key": key}, []any{"starts-with", "$" + tc.field, ""})...)
			resp := f.post(t, "/forms", "", multipartForm{fields: append([]field{{"key", key}, {tc.field, tc.value}}, v4Form(now, policy)...), content: "x"})
			require.Equal(t, http.StatusBadRequest, resp.StatusCode, string(resp.body))
			require.Equal(t, "InvalidArgument", resp.errCode())
			_, err := c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String("forms"), Key: aws.String(key)})
			require.Error(t, err) // not stored
		})
	}
	// What headers can carry still goes: a tab, bytes above ASCII in
	// Content-Type, and a metadata value that is RFC 2047-encoded on the
	// way out.
	key := "good"
	policy := policyDoc(t, now.Add(time.Hour), append(v4Conds(now), map[string]string{"bucket": "forms"}, map[string]string{"key": key},
		[]any{"starts-with", "$Content-Type", ""}, []any{"starts-with", "$x-amz-meta-note", ""})...)
	resp := f.post(t, "/forms", "", multipartForm{fields: append([]field{{"key", key}, {"Content-Type", "text/plain;\tname=\u00e9"},
		{"x-amz-meta-note", "line\x00one"}}, v4Form(now, policy)...), content: "x"})
	require.Equal(t, http.StatusNoContent, resp.StatusCode, string(resp.body))
	_, out := getBody(t, c, "forms", key)
	require.Equal(t, "text/plain;\tname=\u00e9", aws.ToString(out.ContentType))
	require.Contains(t, out.Metadata, "note")
}

// TestExpirationRuleIDEncoded: x-amz-expiration names the rule with its
// ID URL-encoded, as S3 documents ("The value of the rule-id is
// URL-encoded"). A rule ID is XML text, which may hold DEL and a double
// quote: written raw, DEL made every GET, HEAD and PUT of the objects the
// rule covers fail in Go's HTTP client (a whole bucket made unreadable
// through the SDKs by whoever may set its lifecycle), and the quote cut
// the quoted value short.
func TestExpirationRuleIDEncoded(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("life")})
	require.NoError(t, err)
	_, err = c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String("life"),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{
			{ID: aws.String("old \"logs\"\x7f/é"), Status: types.ExpirationStatusEnabled,
				Filter: &types.LifecycleRuleFilter{Prefix: aws.String("")}, Expiration: &types.LifecycleExpiration{Days: aws.Int32(2)}},
		}}})
	require.NoError(t, err)
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("life"), Key: aws.String("a"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	const want = `rule-id="old%20%22logs%22%7F/%C3%A9"`
	assert.Contains(t, aws.ToString(put.Expiration), want)
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("life"), Key: aws.String("a")})
	require.NoError(t, err)
	assert.Contains(t, aws.ToString(head.Expiration), want)
	body, _ := getBody(t, c, "life", "a")
	assert.Equal(t, "x", body)
}

// TestMissingMetaCounted: user metadata stored under a name no header can
// carry (written through a POST form before such names were refused, or
// by the engine API) is not returned, and S3's x-amz-missing-meta says
// how many entries were left out ("If some metadata contains unprintable
// characters, it is not returned. Instead, the x-amz-missing-meta header
// is returned with a value of the number of unprintable metadata
// entries", S3 User Guide, Working with object metadata). net/http used
// to drop them without a word.
func TestMissingMetaCounted(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("meta")})
	require.NoError(t, err)
	_, err = f.eng.PutObject(ctx, "meta", "k", strings.NewReader("x"), 1, engine.PutOptions{Metadata: engine.Metadata{
		User: map[string]string{"ok": "1", "a b": "2", "c:d": "3"}}})
	require.NoError(t, err)
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("meta"), Key: aws.String("k")})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"ok": "1"}, head.Metadata)
	assert.Equal(t, int32(2), aws.ToInt32(head.MissingMeta))
	_, get := getBody(t, c, "meta", "k")
	assert.Equal(t, int32(2), aws.ToInt32(get.MissingMeta))

	_, err = f.eng.PutObject(ctx, "meta", "clean", strings.NewReader("x"), 1, engine.PutOptions{Metadata: engine.Metadata{User: map[string]string{"ok": "1"}}})
	require.NoError(t, err)
	head, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("meta"), Key: aws.String("clean")})
	require.NoError(t, err)
	assert.Nil(t, head.MissingMeta)
}
