package httpapi_test

// Regression tests of the twenty-sixth session's security review
// (authentication and request verification): each failed before its fix.

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/sigv4"
	"github.com/osslite/osslite/pkg/ssig"
)

// SEC26-1: a POST Object form was authorized against the HTTP request's
// own headers, and then written with its form fields: a bucket policy's
// conditions on s3:x-amz-acl (or any header-valued key) judged headers
// the write never used. S3 passes in form fields what PutObject passes in
// headers, and its policy conditions judge those fields.
func TestReview26PostFormFieldsMeetPolicyConditions(t *testing.T) {
	f, c := newPostFixture(t)
	ctx := context.Background()
	_, err := c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("forms"), ACL: types.BucketCannedACLPublicReadWrite})
	require.NoError(t, err)
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("forms"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::forms/*",
		 "Condition":{"StringEquals":{"s3:x-amz-acl":"public-read"}}},
		{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::forms/*",
		 "Condition":{"StringEquals":{"s3:RequestObjectTag/class":"secret"}}}]}`)})
	require.NoError(t, err)

	// The policy holds for PutObject's header...
	resp := f.do(t, raw{method: http.MethodPut, path: "/forms/put", sign: "anon", body: []byte("x"), header: hdr("x-amz-acl", "public-read")})
	require.Equal(t, http.StatusForbidden, resp.StatusCode, string(resp.body))
	// ...and for the form's acl field, whatever the request's headers say.
	for _, h := range []http.Header{nil, hdr("x-amz-acl", "private")} {
		form := multipartForm{fields: []field{{"key", "posted"}, {"acl", "public-read"}}, filename: "x.bin", content: "anon"}
		body, ct := form.encode(t)
		hh := hdr("Content-Type", ct)
		for k, v := range h {
			hh[k] = v
		}
		resp = f.do(t, raw{method: http.MethodPost, path: "/forms", sign: "anon", body: body, header: hh})
		require.Equal(t, http.StatusForbidden, resp.StatusCode, string(resp.body))
	}
	// The same for the tagging field and s3:RequestObjectTag.
	tagging := `<Tagging><TagSet><Tag><Key>class</Key><Value>secret</Value></Tag></TagSet></Tagging>`
	form := multipartForm{fields: []field{{"key", "posted"}, {"tagging", tagging}}, filename: "x.bin", content: "anon"}
	body, ct := form.encode(t)
	resp = f.do(t, raw{method: http.MethodPost, path: "/forms", sign: "anon", body: body, header: hdr("Content-Type", ct, "x-amz-tagging", "class=public")})
	require.Equal(t, http.StatusForbidden, resp.StatusCode, string(resp.body))
	_, err = f.eng.HeadObject(ctx, "forms", "posted")
	require.Error(t, err)
	// A form the policy allows is written.
	form = multipartForm{fields: []field{{"key", "posted"}, {"acl", "private"}}, filename: "x.bin", content: "anon"}
	body, ct = form.encode(t)
	resp = f.do(t, raw{method: http.MethodPost, path: "/forms", sign: "anon", body: body, header: hdr("Content-Type", ct, "x-amz-acl", "public-read")})
	require.Equal(t, http.StatusNoContent, resp.StatusCode, string(resp.body))
}

// SEC26-2: the ssig covered the SCS sub-resources and, for the S3
// operations the Sina dialect serves, their names only: versionId (which
// no SCS sub-resource list has) was not signed at all, so a signed URL
// for an object's current version could be replayed with versionId=
// appended to read, or delete, any other version of it.
func TestReview26SinaSignsVersionID(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	c := f.client()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("sinaver")})
	require.NoError(t, err)
	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("sinaver"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
	old, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("sinaver"), Key: aws.String("doc"), Body: strings.NewReader("old secret")})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("sinaver"), Key: aws.String("doc"), Body: strings.NewReader("published")})
	require.NoError(t, err)

	q := ssig.PresignQuery(http.MethodGet, ssig.Resource{Bucket: "sinaver", EscapedKey: "doc"}, nil, nil, testAK, testSK, f.clock.Now().Add(time.Hour))
	resp := f.do(t, raw{method: http.MethodGet, path: "/sinaver/doc?" + q.Encode(), sign: "anon"})
	require.Equal(t, http.StatusOK, resp.StatusCode, string(resp.body))
	require.Equal(t, "published", string(resp.body))
	// The URL with another version appended is not the one signed.
	resp = f.do(t, raw{method: http.MethodGet, path: "/sinaver/doc?" + q.Encode() + "&versionId=" + url.QueryEscape(aws.ToString(old.VersionId)), sign: "anon"})
	require.Equal(t, http.StatusForbidden, resp.StatusCode, string(resp.body))
	require.NotContains(t, string(resp.body), "old secret")
	// A URL signed for that version reads it.
	vq := url.Values{"versionId": {aws.ToString(old.VersionId)}}
	q = ssig.PresignQuery(http.MethodGet, ssig.Resource{Bucket: "sinaver", EscapedKey: "doc", Extra: []string{"versionId"}}, vq, nil, testAK, testSK, f.clock.Now().Add(time.Hour))
	resp = f.do(t, raw{method: http.MethodGet, path: "/sinaver/doc?" + vq.Encode() + "&" + q.Encode(), sign: "anon"})
	require.Equal(t, http.StatusOK, resp.StatusCode, string(resp.body))
	require.Equal(t, "old secret", string(resp.body))
}

// SEC26-4: SigV4 verification tries a raw '+' of the query both as a
// space and as a plus sign, while the handler read it as a space: a
// presigned URL for prefix "a+b/" (sent prefix=a%2Bb%2F) resent with a
// raw '+' still verified, as a plus, and listed prefix "a b/". The
// request is now read as the signature read it.
func TestReview26PresignedPlusIsReadAsSigned(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	c := f.client()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("plus")})
	require.NoError(t, err)
	for _, k := range []string{"a+b/shared", "a b/secret"} {
		_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("plus"), Key: aws.String(k), Body: strings.NewReader(k)})
		require.NoError(t, err)
	}
	hr, err := http.NewRequest(http.MethodGet, f.srv.URL+"/plus?list-type=2&prefix=a%2Bb%2F", nil)
	require.NoError(t, err)
	_, err = sigv4.Presign(hr, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "us-east-1", "s3", f.clock.Now(), time.Hour)
	require.NoError(t, err)
	resp := f.do(t, raw{method: http.MethodGet, path: hr.URL.RequestURI(), sign: "anon"})
	require.Equal(t, http.StatusOK, resp.StatusCode, string(resp.body))
	require.Contains(t, string(resp.body), "<Key>a+b/shared</Key>")

	tampered := strings.Replace(hr.URL.RequestURI(), "prefix=a%2Bb", "prefix=a+b", 1)
	resp = f.do(t, raw{method: http.MethodGet, path: tampered, sign: "anon"})
	require.NotContains(t, string(resp.body), "secret")
	require.Equal(t, http.StatusOK, resp.StatusCode, string(resp.body))
	require.Contains(t, string(resp.body), "<Key>a+b/shared</Key>")
}

// SEC26-5: the server access log wrote each request line as received,
// with a presigned URL's X-Amz-Signature and X-Amz-Security-Token: whoever
// may read the log bucket (TargetGrants, the bucket's own readers) could
// replay the URL, as its signer, until it expired. The log now redacts
// them, as the debug log does.
func TestReview26AccessLogRedactsSignatures(t *testing.T) {
	f := newEngineFixture(t, "", engine.Options{AccessLogInterval: time.Minute})
	c := f.client()
	ctx := context.Background()
	for _, b := range []string{"lsrc", "llogs"} {
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)})
		require.NoError(t, err)
	}
	_, err := c.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: aws.String("lsrc"), BucketLoggingStatus: &types.BucketLoggingStatus{
		LoggingEnabled: &types.LoggingEnabled{TargetBucket: aws.String("llogs"), TargetPrefix: aws.String("a/")}}})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("lsrc"), Key: aws.String("k"), Body: strings.NewReader("v")})
	require.NoError(t, err)
	hr, err := http.NewRequest(http.MethodGet, f.srv.URL+"/lsrc/k?response-content-type=text%2Fplain", nil)
	require.NoError(t, err)
	signed, err := sigv4.Presign(hr, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "us-east-1", "s3", f.clock.Now(), time.Hour)
	require.NoError(t, err)
	resp := f.do(t, raw{method: http.MethodGet, path: hr.URL.RequestURI(), sign: "anon"})
	require.Equal(t, http.StatusOK, resp.StatusCode, string(resp.body))
	v2 := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: "/lsrc/k"}, Header: http.Header{}}
	sigv4.PresignV2(v2, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "", f.clock.Now().Add(time.Hour))
	resp = f.do(t, raw{method: http.MethodGet, path: v2.URL.RequestURI(), sign: "anon"})
	require.Equal(t, http.StatusOK, resp.StatusCode, string(resp.body))
	// A request's log line is recorded after its answer: flush until
	// both reads are in.
	var logs string
	require.Eventually(t, func() bool {
		f.clock.Advance(2 * time.Minute)
		_, err := f.eng.RunPending(ctx)
		require.NoError(t, err)
		list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("llogs")})
		require.NoError(t, err)
		var all strings.Builder
		for _, o := range list.Contents {
			obj, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("llogs"), Key: o.Key})
			require.NoError(t, err)
			b, err := io.ReadAll(obj.Body)
			obj.Body.Close()
			require.NoError(t, err)
			all.Write(b)
		}
		logs = all.String()
		return strings.Count(logs, "REST.GET.OBJECT") == 2
	}, 10*time.Second, 10*time.Millisecond)
	require.Contains(t, logs, "X-Amz-Signature=REDACTED")
	require.Contains(t, logs, "Signature=REDACTED")
	require.Contains(t, logs, "response-content-type=text%2Fplain")
	require.NotContains(t, logs, signed.Authorization.Signature)
	require.NotContains(t, logs, url.QueryEscape(v2.URL.Query().Get("Signature")))
}

// SEC26-6: s3:authType judged a form upload by its Authorization header
// before its route, so a Deny on "POST" uploads let through a form
// posted with any Authorization header beside its fields (a header the
// form route never verifies).
func TestReview26FormAuthTypeIsPost(t *testing.T) {
	f, c := newPostFixture(t)
	ctx := context.Background()
	_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("forms"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::forms/*",
		 "Condition":{"StringEquals":{"s3:authType":"POST"}}}]}`)})
	require.NoError(t, err)
	now := f.clock.Now()
	conds := append(v4Conds(now), map[string]string{"bucket": "forms"}, []any{"starts-with", "$key", ""})
	fields := append([]field{{"key", "form"}}, v4Form(now, policyDoc(t, now.Add(time.Hour), conds...))...)
	for _, h := range []http.Header{nil, hdr("Authorization", "AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00")} {
		body, ct := multipartForm{fields: fields, filename: "f.txt", content: "x"}.encode(t)
		hh := hdr("Content-Type", ct)
		for k, v := range h {
			hh[k] = v
		}
		resp := f.do(t, raw{method: http.MethodPost, path: "/forms", sign: "anon", body: body, header: hh})
		require.Equal(t, http.StatusForbidden, resp.StatusCode, string(resp.body))
	}
	_, err = f.eng.HeadObject(ctx, "forms", "form")
	require.Error(t, err)
}

// SEC26-7: s3:signatureversion had no value for a form upload, so the
// usual policy refusing SigV2 (a Deny when it is "AWS") let SigV2 forms
// through.
func TestReview26FormSignatureVersion(t *testing.T) {
	f, c := newPostFixture(t)
	ctx := context.Background()
	_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("forms"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::forms/*",
		 "Condition":{"StringEquals":{"s3:signatureversion":"AWS"}}}]}`)})
	require.NoError(t, err)
	now := f.clock.Now()
	policy := policyDoc(t, now.Add(time.Hour), map[string]string{"bucket": "forms"}, []any{"starts-with", "$key", ""})
	v2 := []field{{"key", "v2"}, {"AWSAccessKeyId", testAK}, {"policy", policy}, {"signature", sigv4.SignatureV2(testSK, policy)}}
	resp := f.post(t, "/forms", "", multipartForm{fields: v2, filename: "f.txt", content: "x"})
	require.Equal(t, http.StatusForbidden, resp.StatusCode, string(resp.body))

	conds := append(v4Conds(now), map[string]string{"bucket": "forms"}, []any{"starts-with", "$key", ""})
	v4 := append([]field{{"key", "v4"}}, v4Form(now, policyDoc(t, now.Add(time.Hour), conds...))...)
	resp = f.post(t, "/forms", "", multipartForm{fields: v4, filename: "f.txt", content: "x"})
	require.Equal(t, http.StatusNoContent, resp.StatusCode, string(resp.body))
}
