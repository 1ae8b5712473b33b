package httpapi_test

// Regression tests of the twenty-sixth session's security review
// (authentication and request verification): each failed before its fix.

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"
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
