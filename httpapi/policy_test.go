package httpapi_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"
)

// canonicalID is the canonical user ID of an access key.
func canonicalID(ak string) string {
	h := sha256.Sum256([]byte(ak))
	return hex.EncodeToString(h[:])
}

// apiError returns the service error code and HTTP status of an SDK error.
func apiError(t *testing.T, err error) (string, int, string) {
	t.Helper()
	require.Error(t, err)
	var ae smithy.APIError
	require.True(t, errors.As(err, &ae), "%v", err)
	status := 0
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	return ae.ErrorCode(), status, ae.ErrorMessage()
}

// policyFixture has bucket "pol" owned by testAK with object "photos/cat.jpg".
func policyFixture(t *testing.T) (*fixture, *s3.Client) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("pol")})
	require.NoError(t, err)
	for _, k := range []string{"photos/cat.jpg", "secret/a", "public/b"} {
		_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("pol"), Key: aws.String(k), Body: strings.NewReader("meow")})
		require.NoError(t, err)
	}
	return f, c
}

func putPolicy(t *testing.T, c *s3.Client, doc string) {
	t.Helper()
	_, err := c.PutBucketPolicy(context.Background(), &s3.PutBucketPolicyInput{Bucket: aws.String("pol"), Policy: aws.String(doc)})
	require.NoError(t, err)
}

func TestBucketPolicySDK(t *testing.T) {
	f, c := policyFixture(t)
	ctx := context.Background()
	b := aws.String("pol")

	_, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b})
	code, status, _ := apiError(t, err)
	require.Equal(t, "NoSuchBucketPolicy", code)
	require.Equal(t, 404, status)
	_, err = c.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: b})
	code, status, _ = apiError(t, err)
	require.Equal(t, "NoSuchBucketPolicy", code)
	require.Equal(t, 404, status)

	doc := `{
  "Version": "2012-10-17",
  "Statement": [{"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::pol/*"}]
}`
	putPolicy(t, c, doc)
	got, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b})
	require.NoError(t, err)
	require.Equal(t, doc, aws.ToString(got.Policy), "the document comes back as stored")
	st, err := c.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: b})
	require.NoError(t, err)
	require.True(t, aws.ToBool(st.PolicyStatus.IsPublic))

	putPolicy(t, c, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"`+canonicalID(otherAK)+`"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::pol/*"}]}`)
	st, err = c.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: b})
	require.NoError(t, err)
	require.False(t, aws.ToBool(st.PolicyStatus.IsPublic))

	// The raw status of PutBucketPolicy is 204, of DeleteBucketPolicy too.
	r := f.do(t, raw{method: "PUT", path: "/pol?policy", body: []byte(doc)})
	require.Equal(t, 204, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: "GET", path: "/pol?policy"})
	require.Equal(t, "application/json", r.Header.Get("Content-Type"))

	_, err = c.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: b})
	require.NoError(t, err)
	_, err = c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b})
	code, _, _ = apiError(t, err)
	require.Equal(t, "NoSuchBucketPolicy", code)
	_, err = c.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: b})
	require.NoError(t, err, "deleting an absent policy succeeds")

	// Malformed policies name the reason.
	for _, tc := range []struct{ doc, code, msg string }{
		{`not json`, "MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'"},
		{`{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::pol/*"}}`, "MalformedPolicy", "Missing required field Principal"},
		{`{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}}`, "MalformedPolicy", "Policy has invalid resource"},
		{`{"Statement":{"Effect":"Allow","Principal":{"AWS":"user"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::pol/*"}}`, "MalformedPolicy", "Invalid principal in policy"},
		{`{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:Fly","Resource":"arn:aws:s3:::pol/*"}}`, "MalformedPolicy", "Policy has invalid action"},
		{`{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::pol"}}`, "MalformedPolicy", "Action does not apply to any resource(s) in statement"},
		{`{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pol/` + strings.Repeat("x", 21<<10) + `"}}`, "PolicyTooLarge", ""},
	} {
		_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(tc.doc)})
		code, status, msg := apiError(t, err)
		require.Equal(t, tc.code, code, tc.doc)
		require.Equal(t, 400, status)
		if tc.msg != "" {
			require.Equal(t, tc.msg, msg)
		}
	}
	_, err = c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b})
	code, _, _ = apiError(t, err)
	require.Equal(t, "NoSuchBucketPolicy", code, "a refused policy stores nothing")

	// Only the owner manages the policy: others get 403, or 405 when the
	// policy lets them (S3: callers outside the owner's account).
	other := f.s3Client(true, otherAK, otherSK)
	_, err = other.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: b, Policy: aws.String(doc)})
	code, status, _ = apiError(t, err)
	require.Equal(t, "AccessDenied", code)
	require.Equal(t, 403, status)
	putPolicy(t, c, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"`+canonicalID(otherAK)+`"},"Action":"s3:GetBucketPolicy","Resource":"arn:aws:s3:::pol"}]}`)
	_, err = other.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b})
	code, status, _ = apiError(t, err)
	require.Equal(t, "MethodNotAllowed", code)
	require.Equal(t, 405, status)
}

// anonGet fetches an object without any signature.
func anonGet(t *testing.T, f *fixture, path string, h http.Header) rawResponse {
	t.Helper()
	return f.do(t, raw{method: "GET", path: path, sign: "anon", header: h})
}

func TestBucketPolicyAnonymousAllow(t *testing.T) {
	f, c := policyFixture(t)
	r := anonGet(t, f, "/pol/photos/cat.jpg", nil)
	require.Equal(t, 403, r.StatusCode)
	require.Equal(t, "AccessDenied", r.errCode())

	putPolicy(t, c, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::pol/photos/*"}]}`)
	resp, err := http.Get(f.srv.URL + "/pol/photos/cat.jpg") // a plain unsigned GET
	require.NoError(t, err)
	var body bytes.Buffer
	_, _ = body.ReadFrom(resp.Body)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode, body.String())
	require.Equal(t, "meow", body.String())
	// Only what the policy names.
	require.Equal(t, 403, anonGet(t, f, "/pol/secret/a", nil).StatusCode)
	r = f.do(t, raw{method: "PUT", path: "/pol/photos/new.jpg", sign: "anon", body: []byte("x")})
	require.Equal(t, 403, r.StatusCode)
	require.Equal(t, 403, anonGet(t, f, "/pol?list-type=2", nil).StatusCode)

	// Another principal, named by canonical ID, may list.
	other := f.s3Client(true, otherAK, otherSK)
	_, err = other.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String("pol")})
	code, _, _ := apiError(t, err)
	require.Equal(t, "AccessDenied", code)
	putPolicy(t, c, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"`+canonicalID(otherAK)+`"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::pol","Condition":{"StringEquals":{"s3:prefix":"photos/"}}}]}`)
	out, err := other.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String("pol"), Prefix: aws.String("photos/")})
	require.NoError(t, err)
	require.Len(t, out.Contents, 1)
	_, err = other.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String("pol"), Prefix: aws.String("secret/")})
	code, _, _ = apiError(t, err)
	require.Equal(t, "AccessDenied", code)
}

func TestBucketPolicyDenyConditions(t *testing.T) {
	f, c := policyFixture(t)
	ctx := context.Background()
	get := func(cl *s3.Client, key string) error {
		_, err := cl.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("pol"), Key: aws.String(key)})
		return err
	}
	for _, tc := range []struct {
		name, condition string
	}{
		{"source ip", `{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]}}`},
		{"plain http", `{"Bool":{"aws:SecureTransport":"false"}}`},
		{"user agent", `{"StringLike":{"aws:UserAgent":"*aws-sdk-go-v2*"}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			putPolicy(t, c, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::pol","arn:aws:s3:::pol/*"],"Condition":`+tc.condition+`}]}`)
			code, status, _ := apiError(t, get(c, "photos/cat.jpg"))
			require.Equal(t, "AccessDenied", code, "the owner is denied too")
			require.Equal(t, 403, status)
			_, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("pol")})
			code, _, _ = apiError(t, err)
			require.Equal(t, "AccessDenied", code)
			// The owner can always manage the policy (no lockout).
			_, err = c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("pol")})
			require.NoError(t, err)
			_, err = c.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String("pol")})
			require.NoError(t, err)
			require.NoError(t, get(c, "photos/cat.jpg"))
		})
	}
	// A condition that does not hold denies nothing.
	putPolicy(t, c, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::pol/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`)
	require.NoError(t, get(c, "photos/cat.jpg"))

	// Referer: anonymous reads only from the site's pages.
	putPolicy(t, c, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pol/*","Condition":{"StringLike":{"aws:Referer":["http://www.example.com/*"]}}}]}`)
	require.Equal(t, 403, anonGet(t, f, "/pol/photos/cat.jpg", nil).StatusCode)
	require.Equal(t, 403, anonGet(t, f, "/pol/photos/cat.jpg", hdr("Referer", "http://evil.example.org/")).StatusCode)
	require.Equal(t, 200, anonGet(t, f, "/pol/photos/cat.jpg", hdr("Referer", "http://www.example.com/page.html")).StatusCode)
}

func TestBucketPolicyOwnerDenied(t *testing.T) {
	f, c := policyFixture(t)
	ctx := context.Background()
	putPolicy(t, c, `{"Version":"2012-10-17","Statement":[{"Sid":"NoDelete","Effect":"Deny","Principal":{"AWS":"*"},"Action":["s3:DeleteObject","s3:PutObject"],"Resource":"arn:aws:s3:::pol/secret/*"}]}`)
	_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("pol"), Key: aws.String("secret/a")})
	code, status, _ := apiError(t, err)
	require.Equal(t, "AccessDenied", code)
	require.Equal(t, 403, status)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("pol"), Key: aws.String("secret/b"), Body: strings.NewReader("x")})
	code, _, _ = apiError(t, err)
	require.Equal(t, "AccessDenied", code)
	// Multipart uploads are s3:PutObject too.
	_, err = c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("pol"), Key: aws.String("secret/mp")})
	code, _, _ = apiError(t, err)
	require.Equal(t, "AccessDenied", code)
	// Copying into the denied prefix, or out of... a denied source is refused.
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("pol"), Key: aws.String("secret/c"), CopySource: aws.String("pol/public/b")})
	code, _, _ = apiError(t, err)
	require.Equal(t, "AccessDenied", code)
	// DeleteObjects applies the policy per key.
	out, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("pol"), Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("secret/a")}, {Key: aws.String("public/b")}}}})
	require.NoError(t, err)
	require.Len(t, out.Errors, 1)
	require.Equal(t, "secret/a", aws.ToString(out.Errors[0].Key))
	require.Equal(t, "AccessDenied", aws.ToString(out.Errors[0].Code))
	require.Len(t, out.Deleted, 1)
	require.Equal(t, "public/b", aws.ToString(out.Deleted[0].Key))
	// Anonymous callers: refused as a whole unless the policy may allow
	// some key, then decided per key.
	delDoc := []byte(`<Delete><Object><Key>public/x</Key></Object><Object><Key>photos/cat.jpg</Key></Object></Delete>`)
	sum := md5.Sum(delDoc)
	md5h := hdr("Content-MD5", base64.StdEncoding.EncodeToString(sum[:]))
	r := f.do(t, raw{method: "POST", path: "/pol?delete", sign: "anon", body: delDoc, header: md5h})
	require.Equal(t, 403, r.StatusCode, "%s", r.body)
	putPolicy(t, c, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::pol/public/*"}]}`)
	r = f.do(t, raw{method: "POST", path: "/pol?delete", sign: "anon", body: delDoc, header: md5h})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	require.Contains(t, string(r.body), "<Deleted><Key>public/x</Key></Deleted>")
	require.Contains(t, string(r.body), "<Key>photos/cat.jpg</Key><Code>AccessDenied</Code>")
	// Elsewhere the owner is unaffected.
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("pol"), Key: aws.String("secret/a")})
	require.NoError(t, err)
}

func TestBucketPolicyCopySourceDenied(t *testing.T) {
	_, c := policyFixture(t)
	ctx := context.Background()
	putPolicy(t, c, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pol/secret/*"}]}`)
	_, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("pol"), Key: aws.String("public/copy"), CopySource: aws.String("pol/secret/a")})
	code, _, _ := apiError(t, err)
	require.Equal(t, "AccessDenied", code)
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("pol"), Key: aws.String("public/copy"), CopySource: aws.String("pol/photos/cat.jpg")})
	require.NoError(t, err)
}

func TestBucketPolicyVariables(t *testing.T) {
	f, c := policyFixture(t)
	ctx := context.Background()
	other := f.s3Client(true, otherAK, otherSK)
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("pol"), Key: aws.String("home/" + otherAK + "/x"), Body: strings.NewReader("mine")})
	require.NoError(t, err)
	putPolicy(t, c, fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":%q},"Action":"s3:GetObject","Resource":"arn:aws:s3:::pol/home/${aws:username}/*"}]}`, canonicalID(otherAK)))
	_, err = other.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("pol"), Key: aws.String("home/" + otherAK + "/x")})
	require.NoError(t, err)
	_, err = other.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("pol"), Key: aws.String("photos/cat.jpg")})
	code, _, _ := apiError(t, err)
	require.Equal(t, "AccessDenied", code)
}

func TestBucketPolicyObjectKeys(t *testing.T) {
	f, c := policyFixture(t)
	ctx := context.Background()
	other := f.s3Client(true, otherAK, otherSK)
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("pol"), Key: aws.String("blue"), Body: strings.NewReader("b"), Tagging: aws.String("Team=blue")})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("pol"), Key: aws.String("red"), Body: strings.NewReader("r"), Tagging: aws.String("Team=red")})
	require.NoError(t, err)
	// S3 example: grant read on objects tagged Team=blue; require a
	// canned ACL and a tag on writes.
	putPolicy(t, c, `{"Version":"2012-10-17","Statement":[
	  {"Effect":"Allow","Principal":{"CanonicalUser":"`+canonicalID(otherAK)+`"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::pol/*","Condition":{"StringEquals":{"s3:ExistingObjectTag/Team":"blue"}}},
	  {"Effect":"Allow","Principal":{"CanonicalUser":"`+canonicalID(otherAK)+`"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::pol/uploads/*","Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"},"ForAllValues:StringEquals":{"s3:RequestObjectTagKeys":["Team"]}}}]}`)
	_, err = other.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("pol"), Key: aws.String("blue")})
	require.NoError(t, err)
	_, err = other.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("pol"), Key: aws.String("red")})
	code, _, _ := apiError(t, err)
	require.Equal(t, "AccessDenied", code)

	put := func(acl types.ObjectCannedACL, tagging string) error {
		in := &s3.PutObjectInput{Bucket: aws.String("pol"), Key: aws.String("uploads/x"), Body: strings.NewReader("x"), ACL: acl}
		if tagging != "" {
			in.Tagging = aws.String(tagging)
		}
		_, err := other.PutObject(ctx, in)
		return err
	}
	require.NoError(t, put(types.ObjectCannedACLBucketOwnerFullControl, "Team=green"))
	require.NoError(t, put(types.ObjectCannedACLBucketOwnerFullControl, ""))
	code, _, _ = apiError(t, put(types.ObjectCannedACLPrivate, "Team=green"))
	require.Equal(t, "AccessDenied", code)
	code, _, _ = apiError(t, put(types.ObjectCannedACLBucketOwnerFullControl, "Team=green&Cost=1"))
	require.Equal(t, "AccessDenied", code)
}
