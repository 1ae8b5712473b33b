package httpapi_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/sigv4"
)

// The tests in this file hold osslite's POST Object (S3 browser forms) to
// the answers LocalStack's TestS3PresignedPost recorded from AWS
// (tests/aws/services/s3/test_s3.py with test_s3.snapshot.json;
// docs/sdk-suites.md, thirtieth session). errFields is in
// localstack_api_verified_test.go.

// TestS3PostCredentialFieldNames: a form missing one of its credential
// fields is InvalidArgument naming the field as S3 spells it
// (X-Amz-Algorithm, X-Amz-Signature, Signature, AWSAccessKeyId), and a
// form with a policy but no credentials at all is an anonymous one:
// AccessDenied "Access Denied" on a private bucket
// (test_post_request_missing_signature, test_post_request_missing_fields).
func TestS3PostCredentialFieldNames(t *testing.T) {
	f, _ := newPostFixture(t)
	now := f.clock.Now()
	policy := policyDoc(t, now.Add(time.Hour), append(v4Conds(now), map[string]string{"bucket": "forms"}, []any{"eq", "$key", "k"})...)
	v4 := v4Form(now, policy)
	without := func(fs []field, drop ...string) []field {
		var out []field
		for _, x := range fs {
			if !strings.Contains(","+strings.Join(drop, ",")+",", ","+x.name+",") {
				out = append(out, x)
			}
		}
		return append([]field{{"key", "k"}}, out...)
	}
	v2 := []field{{"AWSAccessKeyId", testAK}, {"policy", policy}, {"signature", sigv4.SignatureV2(testSK, policy)}}
	for _, c := range []struct {
		fields []field
		name   string
	}{
		{without(v4, "x-amz-signature"), "X-Amz-Signature"},
		{without(v4, "x-amz-algorithm", "x-amz-credential"), "X-Amz-Algorithm"},
		{without(v2, "signature"), "Signature"},
		{without(v2, "AWSAccessKeyId"), "AWSAccessKeyId"},
	} {
		r := f.post(t, "/forms", "", multipartForm{fields: c.fields, content: "abc"})
		require.Equal(t, 400, r.StatusCode, string(r.body))
		e := errFields(t, r.body)
		assert.Equal(t, "InvalidArgument", e["Code"])
		assert.Equal(t, c.name, e["ArgumentName"])
		assert.Equal(t, "Bucket POST must contain a field named '"+c.name+"'.  If it is specified, please check the order of the fields.", e["Message"])
	}
	r := f.post(t, "/forms", "", multipartForm{fields: []field{{"key", "k"}, {"policy", policy}}, content: "abc"})
	require.Equal(t, 403, r.StatusCode, string(r.body))
	e := errFields(t, r.body)
	assert.Equal(t, "AccessDenied", e["Code"])
	assert.Equal(t, "Access Denied", e["Message"])
}

// TestS3PostSignatureMismatchDetails: a form whose signature does not
// match its policy (here a policy cut short) is SignatureDoesNotMatch
// naming the access key, the signature sent and the policy as the string
// to sign, in SigV2 and SigV4 (test_post_request_malformed_policy).
func TestS3PostSignatureMismatchDetails(t *testing.T) {
	f, _ := newPostFixture(t)
	now := f.clock.Now()
	policy := policyDoc(t, now.Add(time.Hour), append(v4Conds(now), map[string]string{"bucket": "forms"}, []any{"eq", "$key", "k"})...)
	cut := policy[:len(policy)-2]
	v4 := v4Form(now, policy)
	for i := range v4 {
		if v4[i].name == "policy" {
			v4[i].value = cut
		}
	}
	v2sig := sigv4.SignatureV2(testSK, policy)
	v4sig := v4[len(v4)-1].value
	for name, c := range map[string]struct {
		fields []field
		sig    string
	}{
		"v4": {append([]field{{"key", "k"}}, v4...), v4sig},
		"v2": {[]field{{"key", "k"}, {"AWSAccessKeyId", testAK}, {"policy", cut}, {"signature", v2sig}}, v2sig},
	} {
		r := f.post(t, "/forms", "", multipartForm{fields: c.fields, content: "abc"})
		require.Equal(t, 403, r.StatusCode, "%s: %s", name, r.body)
		e := errFields(t, r.body)
		assert.Equal(t, "SignatureDoesNotMatch", e["Code"], name)
		assert.Equal(t, testAK, e["AWSAccessKeyId"], name)
		assert.Equal(t, c.sig, e["SignatureProvided"], name)
		assert.Equal(t, cut, e["StringToSign"], name)
		assert.NotEmpty(t, e["StringToSignBytes"], name)
	}
}

// TestS3PostUnusableConditionsFail: a condition naming its field without
// '$', or a content-length-range with a bound that is not a number, is a
// condition that fails (AccessDenied "Policy Condition failed", the
// arguments shown as strings), not a malformed policy
// (test_post_object_policy_conditions_validation_eq
// "invalid-condition-missing-prefix",
// test_post_object_policy_validation_size
// "invalid-content-length-wrong-type").
func TestS3PostUnusableConditionsFail(t *testing.T) {
	f, _ := newPostFixture(t)
	now := f.clock.Now()
	for cond, want := range map[string][]any{
		`["eq", "success_action_redirect", "http://localhost.test/random"]`: {"eq", "success_action_redirect", "http://localhost.test/random"},
		`["content-length-range", "test", "10"]`:                            {"content-length-range", "test", 10},
	} {
		conds := append(v4Conds(now), map[string]string{"bucket": "forms"}, []any{"eq", "$key", "k"},
			map[string]string{"success_action_redirect": "http://localhost.test/random"}, want)
		fields := append([]field{{"key", "k"}, {"success_action_redirect", "http://localhost.test/random"}}, v4Form(now, policyDoc(t, now.Add(time.Hour), conds...))...)
		r := f.post(t, "/forms", "", multipartForm{fields: fields, content: "abc"})
		require.Equal(t, 403, r.StatusCode, "%s: %s", cond, r.body)
		e := errFields(t, r.body)
		assert.Equal(t, "AccessDenied", e["Code"], cond)
		assert.Equal(t, "Invalid according to Policy: Policy Condition failed: "+cond, e["Message"])
	}
}

// TestS3PostForeignTaggingRoot: a tagging field that is well-formed XML
// with another root than Tagging stores the object without tags; one
// that is not XML is MalformedXML (test_post_object_with_tags[invalid],
// [notxml]).
func TestS3PostForeignTaggingRoot(t *testing.T) {
	f, c := newPostFixture(t)
	now := f.clock.Now()
	for tagging, status := range map[string]int{"<InvalidXmlTagging></InvalidXmlTagging>": 204, "not-xml": 400} {
		conds := append(v4Conds(now), map[string]string{"bucket": "forms"}, []any{"eq", "$key", "tagged"}, map[string]string{"tagging": tagging})
		fields := append([]field{{"key", "tagged"}, {"tagging", tagging}}, v4Form(now, policyDoc(t, now.Add(time.Hour), conds...))...)
		r := f.post(t, "/forms", "", multipartForm{fields: fields, content: "abc"})
		require.Equal(t, status, r.StatusCode, "%s: %s", tagging, r.body)
		if status == 400 {
			assert.Equal(t, "MalformedXML", r.errCode())
			continue
		}
		body, out := getBody(t, c, "forms", "tagged")
		assert.Equal(t, "abc", body)
		assert.Nil(t, out.TagCount, "no tags")
	}
}

// TestS3PostFilenameNeedsParameter: ${filename} in the key is the file
// part's filename; a file sent as a plain field (no filename parameter)
// leaves ${filename} in the key as written
// (test_post_object_with_file_as_string).
func TestS3PostFilenameNeedsParameter(t *testing.T) {
	f, c := newPostFixture(t)
	now := f.clock.Now()
	conds := append(v4Conds(now), map[string]string{"bucket": "forms"}, []any{"starts-with", "$key", "file-as-field-"})
	fields := append([]field{{"key", "file-as-field-${filename}"}}, v4Form(now, policyDoc(t, now.Add(time.Hour), conds...))...)
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, x := range fields {
		require.NoError(t, mw.WriteField(x.name, x.value))
	}
	require.NoError(t, mw.WriteField("file", "file sent as a field"))
	require.NoError(t, mw.Close())
	r := f.do(t, raw{method: http.MethodPost, path: "/forms", body: b.Bytes(), sign: "anon", header: hdr("Content-Type", mw.FormDataContentType())})
	require.Equal(t, 204, r.StatusCode, string(r.body))
	body, _ := getBody(t, c, "forms", "file-as-field-${filename}")
	assert.Equal(t, "file sent as a field", body)

	r = f.post(t, "/forms", "", multipartForm{fields: fields, filename: "a.txt", content: "named"})
	require.Equal(t, 204, r.StatusCode, string(r.body))
	body, _ = getBody(t, c, "forms", "file-as-field-a.txt")
	assert.Equal(t, "named", body)
}
