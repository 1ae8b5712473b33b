package httpapi_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
	"github.com/osslite/osslite/pkg/ossauth"
	"github.com/osslite/osslite/pkg/sigv4"
	"github.com/osslite/osslite/pkg/ssig"
)

// field is one form field; fields keep their order on the wire.
type field struct{ name, value string }

// multipartForm builds a form body: fields, the file part (unless
// noFile), then the trailing fields.
type multipartForm struct {
	fields   []field
	filename string
	content  string
	noFile   bool
	after    []field
}

func (m multipartForm) encode(t *testing.T) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, f := range m.fields {
		require.NoError(t, mw.WriteField(f.name, f.value))
	}
	if !m.noFile {
		w, err := mw.CreateFormFile("file", m.filename)
		require.NoError(t, err)
		_, err = io.WriteString(w, m.content)
		require.NoError(t, err)
	}
	for _, f := range m.after {
		require.NoError(t, mw.WriteField(f.name, f.value))
	}
	require.NoError(t, mw.Close())
	return b.Bytes(), mw.FormDataContentType()
}

// post sends a form to path (anonymous: the form carries the credentials).
func (f *fixture) post(t *testing.T, path, host string, m multipartForm) rawResponse {
	t.Helper()
	body, ct := m.encode(t)
	return f.do(t, raw{method: http.MethodPost, path: path, host: host, body: body, sign: "anon", header: hdr("Content-Type", ct)})
}

// policyDoc is a base64 policy expiring at exp.
func policyDoc(t *testing.T, exp time.Time, conds ...any) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"expiration": exp.UTC().Format("2006-01-02T15:04:05.000Z"), "conditions": conds})
	require.NoError(t, err)
	return base64.StdEncoding.EncodeToString(b)
}

// v4Form returns the SigV4 fields for policy, signed with the test key
// at now.
func v4Form(now time.Time, policy string) []field {
	date := now.UTC().Format("20060102")
	cred := testAK + "/" + date + "/us-east-1/s3/aws4_request"
	return []field{
		{"x-amz-algorithm", sigv4.Algorithm}, {"x-amz-credential", cred}, {"x-amz-date", now.UTC().Format(sigv4.TimeFormat)},
		{"policy", policy}, {"x-amz-signature", sigv4.Signature(sigv4.SigningKey(testSK, date, "us-east-1", "s3"), policy)},
	}
}

// v4Conds are the conditions a SigV4 form needs for its own fields.
func v4Conds(now time.Time) []any {
	return []any{
		map[string]string{"x-amz-algorithm": sigv4.Algorithm},
		map[string]string{"x-amz-credential": testAK + "/" + now.UTC().Format("20060102") + "/us-east-1/s3/aws4_request"},
		map[string]string{"x-amz-date": now.UTC().Format(sigv4.TimeFormat)},
	}
}

func newPostFixture(t *testing.T, opts ...httpapi.Option) (*fixture, *s3.Client) {
	f := newFixture(t, fixtureOptions{opts: opts})
	c := f.client()
	_, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("forms")})
	require.NoError(t, err)
	return f, c
}

func getBody(t *testing.T, c *s3.Client, bucket, key string) (string, *s3.GetObjectOutput) {
	t.Helper()
	out, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	require.NoError(t, err)
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	return string(b), out
}

// TestPostObjectS3Fields: a SigV4 form with the stored fields (metadata,
// headers, ACL, tagging XML, storage class), ${filename}, the 201
// document, and a field after the file that S3 ignores.
func TestPostObjectS3Fields(t *testing.T) {
	f, c := newPostFixture(t)
	now := f.clock.Now()
	tagging := `<Tagging><TagSet><Tag><Key>team</Key><Value>web</Value></Tag></TagSet></Tagging>`
	conds := append(v4Conds(now),
		map[string]string{"bucket": "forms"}, []any{"starts-with", "$key", "up/"},
		map[string]string{"acl": "public-read"}, []any{"starts-with", "$Content-Type", "text/"},
		map[string]string{"x-amz-meta-owner": "eric"}, map[string]string{"Cache-Control": "max-age=60"},
		map[string]string{"Content-Disposition": "inline"}, map[string]string{"tagging": tagging},
		map[string]string{"x-amz-storage-class": "STANDARD_IA"}, map[string]string{"success_action_status": "201"},
		[]any{"content-length-range", 1, 100})
	policy := policyDoc(t, now.Add(time.Hour), conds...)
	fields := append([]field{{"key", "up/${filename}"}, {"acl", "public-read"}, {"Content-Type", "text/plain"},
		{"x-amz-meta-owner", "eric"}, {"Cache-Control", "max-age=60"}, {"Content-Disposition", "inline"},
		{"tagging", tagging}, {"x-amz-storage-class", "STANDARD_IA"}, {"success_action_status", "201"}, {"x-ignore-note", "free"}},
		v4Form(now, policy)...)
	resp := f.post(t, "/forms", "", multipartForm{fields: fields, filename: `C:\docs\a.txt`, content: "form body",
		after: []field{{"x-amz-meta-late", "ignored"}}})
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(resp.body))
	var doc struct {
		Location, Bucket, Key, ETag string
	}
	require.NoError(t, xml.Unmarshal(resp.body, &doc))
	require.Equal(t, "forms", doc.Bucket)
	require.Equal(t, "up/a.txt", doc.Key)
	require.Equal(t, fmt.Sprintf(`"%x"`, md5.Sum([]byte("form body"))), doc.ETag)
	require.Equal(t, f.srv.URL+"/forms/up%2Fa.txt", doc.Location) // the key form-encoded, as S3 writes it
	require.Equal(t, doc.Location, resp.Header.Get("Location"))
	require.Equal(t, doc.ETag, resp.Header.Get("ETag"))

	body, out := getBody(t, c, "forms", "up/a.txt")
	require.Equal(t, "form body", body)
	require.Equal(t, "text/plain", aws.ToString(out.ContentType))
	require.Equal(t, "max-age=60", aws.ToString(out.CacheControl))
	require.Equal(t, "inline", aws.ToString(out.ContentDisposition))
	require.Equal(t, map[string]string{"owner": "eric"}, out.Metadata)
	require.Equal(t, types.StorageClassStandardIa, out.StorageClass)
	tags, err := c.GetObjectTagging(context.Background(), &s3.GetObjectTaggingInput{Bucket: aws.String("forms"), Key: aws.String("up/a.txt")})
	require.NoError(t, err)
	require.Equal(t, []types.Tag{{Key: aws.String("team"), Value: aws.String("web")}}, tags.TagSet)
	// public-read: anyone may read it.
	anon := f.do(t, raw{method: http.MethodGet, path: "/forms/up/a.txt", sign: "anon"})
	require.Equal(t, http.StatusOK, anon.StatusCode)
}

// TestPostObjectS3PostResponse: the 201 document byte for byte as AWS
// writes it, PostResponse without the namespace of S3's other documents
// (ceph s3-tests read it with ElementTree's find('Key'), which a
// namespaced root defeats).
func TestPostObjectS3PostResponse(t *testing.T) {
	f, _ := newPostFixture(t)
	now := f.clock.Now()
	policy := policyDoc(t, now.Add(time.Hour), append(v4Conds(now), map[string]string{"bucket": "forms"},
		map[string]string{"key": "up/a.txt"}, map[string]string{"success_action_status": "201"})...)
	fields := append([]field{{"key", "up/a.txt"}, {"success_action_status", "201"}}, v4Form(now, policy)...)
	resp := f.post(t, "/forms", "", multipartForm{fields: fields, content: "form body"})
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(resp.body))
	md5hex := fmt.Sprintf("%x", md5.Sum([]byte("form body")))
	require.Equal(t, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PostResponse><Location>"+f.srv.URL+"/forms/up%2Fa.txt</Location>"+
		"<Bucket>forms</Bucket><Key>up/a.txt</Key><ETag>&quot;"+md5hex+"&quot;</ETag></PostResponse>", string(resp.body))
	require.Equal(t, "application/xml", resp.Header.Get("Content-Type"))
}

// TestPostObjectS3Errors: each failure and its code and message.
func TestPostObjectS3Errors(t *testing.T) {
	f, _ := newPostFixture(t)
	now := f.clock.Now()
	base := append(v4Conds(now), map[string]string{"bucket": "forms"}, []any{"eq", "$key", "k"}, []any{"content-length-range", 2, 10})
	good := policyDoc(t, now.Add(time.Hour), base...)
	v2 := func(policy, secret string) []field {
		return []field{{"AWSAccessKeyId", testAK}, {"policy", policy}, {"signature", sigv4.SignatureV2(secret, policy)}}
	}
	withKey := func(key string, fs []field, extra ...field) []field {
		return append(append([]field{{"key", key}}, extra...), fs...)
	}
	// cased is a policy whose top-level keys are spelled as given: AWS
	// matches them exactly (the ceph s3-tests' case-sensitivity cases).
	cased := func(expiration, conditions string) string {
		doc := `{"` + expiration + `": "` + now.Add(time.Hour).UTC().Format("2006-01-02T15:04:05.000Z") + `", "` +
			conditions + `": [{"bucket": "forms"}, ["eq", "$key", "k"]]}`
		return base64.StdEncoding.EncodeToString([]byte(doc))
	}
	cases := []struct {
		name    string
		form    multipartForm
		ct      string // Content-Type override
		status  int
		code    string
		message string
	}{
		{"SigV4 accepted", multipartForm{fields: withKey("k", v4Form(now, good)), content: "abc"}, "", 204, "", ""},
		{"SigV2 accepted", multipartForm{fields: withKey("k", v2(policyDoc(t, now.Add(time.Hour), map[string]string{"bucket": "forms"}, []any{"eq", "$key", "k"}), testSK)), content: "abc"}, "", 204, "", ""},
		{"x-ignore fields need no condition", multipartForm{fields: withKey("k", v4Form(now, good), field{"x-ignore-me", "1"}), content: "abc"}, "", 204, "", ""},
		{"condition failed", multipartForm{fields: withKey("x", v4Form(now, good)), content: "abc"}, "", 403, "AccessDenied",
			`Invalid according to Policy: Policy Condition failed: ["eq", "$key", "k"]`},
		{"extra field", multipartForm{fields: withKey("k", v4Form(now, good), field{"x-amz-meta-extra", "1"}), content: "abc"}, "", 403, "AccessDenied",
			"Invalid according to Policy: Extra input fields: x-amz-meta-extra"},
		{"expired", multipartForm{fields: withKey("k", v4Form(now, policyDoc(t, now.Add(-time.Minute), base...))), content: "abc"}, "", 403, "AccessDenied",
			"Invalid according to Policy: Policy expired."},
		{"too large", multipartForm{fields: withKey("k", v4Form(now, good)), content: strings.Repeat("x", 11)}, "", 400, "EntityTooLarge", ""},
		{"too small", multipartForm{fields: withKey("k", v4Form(now, good)), content: "x"}, "", 400, "EntityTooSmall", ""},
		{"missing key", multipartForm{fields: v4Form(now, good), content: "abc"}, "", 400, "InvalidArgument", "Bucket POST must contain a field named 'key'."},
		{"wrong signature", multipartForm{fields: withKey("k", v2(good, "wrong")), content: "abc"}, "", 403, "SignatureDoesNotMatch", ""},
		{"unknown access key", multipartForm{fields: withKey("k", []field{{"AWSAccessKeyId", "NOPE"}, {"policy", good}, {"signature", "x"}}), content: "abc"}, "", 403, "InvalidAccessKeyId", ""},
		// A policy without credentials is an anonymous form (LocalStack's
		// AWS-recorded test_post_request_missing_fields).
		{"policy without signature", multipartForm{fields: withKey("k", []field{{"policy", good}}), content: "abc"}, "", 403, "AccessDenied", "Access Denied"},
		{"signature without policy", multipartForm{fields: withKey("k", []field{{"AWSAccessKeyId", testAK}, {"signature", "x"}}), content: "abc"}, "", 400, "InvalidArgument", "'policy'"},
		{"undecodable policy", multipartForm{fields: withKey("k", v2("%%%", testSK)), content: "abc"}, "", 400, "InvalidPolicyDocument", ""},
		{"policy not JSON", multipartForm{fields: withKey("k", v2(base64.StdEncoding.EncodeToString([]byte("{")), testSK)), content: "abc"}, "", 400, "InvalidPolicyDocument", "Invalid Policy: Invalid JSON."},
		{"policy keys as AWS spells them", multipartForm{fields: withKey("k", v2(cased("expiration", "conditions"), testSK)), content: "abc"}, "", 204, "", ""},
		{"EXPIRATION is no expiration", multipartForm{fields: withKey("k", v2(cased("EXPIRATION", "conditions"), testSK)), content: "abc"}, "", 400, "InvalidPolicyDocument",
			"Invalid Policy: Policy missing expiration."},
		{"CONDITIONS are no conditions", multipartForm{fields: withKey("k", v2(cased("expiration", "CONDITIONS"), testSK)), content: "abc"}, "", 400, "InvalidPolicyDocument",
			"Invalid Policy: Policy missing conditions."},
		{"session token", multipartForm{fields: withKey("k", v4Form(now, good), field{"x-amz-security-token", "tok"}), content: "abc"}, "", 400, "InvalidToken", ""},
		{"no file", multipartForm{fields: withKey("k", v4Form(now, good)), noFile: true}, "", 400, "IncorrectNumberOfFilesInPostRequest", ""},
		{"field too large", multipartForm{fields: withKey("k", v4Form(now, good), field{"x-ignore-big", strings.Repeat("b", 21<<10)}), content: "abc"}, "", 400, "MaxPostPreDataLengthExceededError", ""},
		{"not multipart", multipartForm{fields: withKey("k", nil), content: "abc"}, "application/x-www-form-urlencoded", 412, "PreconditionFailed", ""},
		{"malformed", multipartForm{fields: withKey("k", nil), content: "abc"}, "multipart/form-data; boundary=nothere", 400, "MalformedPOSTRequest", ""},
		{"anonymous on a private bucket", multipartForm{fields: withKey("k", nil), content: "abc"}, "", 403, "AccessDenied", "Access Denied"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body, ct := c.form.encode(t)
			if c.ct != "" {
				ct = c.ct
			}
			resp := f.do(t, raw{method: http.MethodPost, path: "/forms", body: body, sign: "anon", header: hdr("Content-Type", ct)})
			require.Equal(t, c.status, resp.StatusCode, string(resp.body))
			require.Equal(t, c.code, resp.errCode(), string(resp.body))
			if c.message != "" {
				require.Contains(t, string(resp.body), xmlEscape(c.message))
			}
		})
	}
	_, err := f.eng.HeadObject(context.Background(), "forms", "x")
	require.ErrorIs(t, err, engine.ErrNoSuchKey, "a refused form stores nothing")
}

// xmlEscape escapes s as an error message's text: markup escaped, quotes
// literal, as S3 writes them.
func xmlEscape(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return strings.NewReplacer("&#34;", `"`, "&#39;", "'").Replace(b.String())
}

// TestPostObjectAnonymous: an unsigned form works only on a bucket that
// grants anonymous writes; the object belongs to the bucket owner.
func TestPostObjectAnonymous(t *testing.T) {
	f, c := newPostFixture(t)
	form := multipartForm{fields: []field{{"key", "drop/${filename}"}, {"success_action_status", "200"}}, filename: "x.bin", content: "anon"}
	resp := f.post(t, "/forms", "", form)
	require.Equal(t, http.StatusForbidden, resp.StatusCode, string(resp.body))

	_, err := c.PutBucketAcl(context.Background(), &s3.PutBucketAclInput{Bucket: aws.String("forms"), ACL: types.BucketCannedACLPublicReadWrite})
	require.NoError(t, err)
	// Virtual-host addressing too.
	resp = f.post(t, "/", "forms.localhost", form)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(resp.body))
	require.Equal(t, "http://forms.localhost/drop%2Fx.bin", resp.Header.Get("Location"))
	body, _ := getBody(t, c, "forms", "drop/x.bin")
	require.Equal(t, "anon", body)
	info, err := f.eng.HeadObject(context.Background(), "forms", "drop/x.bin")
	require.NoError(t, err)
	b, err := f.eng.Bucket(context.Background(), "forms")
	require.NoError(t, err)
	require.Equal(t, b.Owner, info.Owner)

	resp = f.post(t, "/nosuchbucket", "", form)
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	require.Equal(t, "NoSuchBucket", resp.errCode())
}

// TestPostObjectChecksum: x-amz-checksum-* and Content-MD5 fields are
// verified against the file.
func TestPostObjectChecksum(t *testing.T) {
	f, _ := newPostFixture(t)
	now := f.clock.Now()
	send := func(name, value string) rawResponse {
		policy := policyDoc(t, now.Add(time.Hour), append(v4Conds(now), map[string]string{"key": "sum"}, map[string]string{name: value})...)
		return f.post(t, "/forms", "", multipartForm{fields: append([]field{{"key", "sum"}, {name, value}}, v4Form(now, policy)...), content: "hello"})
	}
	require.Equal(t, http.StatusNoContent, send("x-amz-checksum-crc32", "NhCmhg==").StatusCode)
	resp := send("x-amz-checksum-crc32", "AAAAAA==")
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, string(resp.body))
	require.Equal(t, http.StatusNoContent, send("Content-MD5", "XUFAKrxLKna5cZ2REBfFkg==").StatusCode)
	resp = send("Content-MD5", "AAAAAAAAAAAAAAAAAAAAAA==")
	require.Equal(t, "BadDigest", resp.errCode(), string(resp.body))
}

// TestPostObjectOSS: OSS forms (v1 and v4 signatures) to an OSS host:
// OSS's ACL and forbid-overwrite fields, "in" conditions, no requirement
// that every field be covered, and OSS's error documents.
func TestPostObjectOSS(t *testing.T) {
	f, c := newPostFixture(t, httpapi.WithOSSDomains("oss-test.example"))
	now := f.clock.Now()
	host := "forms.oss-test.example"
	policy := policyDoc(t, now.Add(time.Hour), map[string]string{"bucket": "forms"}, []any{"starts-with", "$key", "oss/"},
		[]any{"in", "$x-oss-object-acl", []string{"private", "public-read"}})
	v1 := []field{{"OSSAccessKeyId", testAK}, {"policy", policy}, {"Signature", ossauth.SignV1(testSK, policy)}}
	fields := append([]field{{"key", "oss/${filename}"}, {"x-oss-object-acl", "public-read"}, {"x-oss-meta-k", "v"},
		{"x-oss-forbid-overwrite", "true"}, {"success_action_status", "201"}}, v1...)
	resp := f.post(t, "/", host, multipartForm{fields: fields, filename: "o.txt", content: "oss form"})
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(resp.body))
	require.NotEmpty(t, resp.Header.Get("x-oss-request-id"))
	require.Contains(t, string(resp.body), "<Key>oss/o.txt</Key>")
	body, out := getBody(t, c, "forms", "oss/o.txt")
	require.Equal(t, "oss form", body)
	require.Equal(t, map[string]string{"k": "v"}, out.Metadata)
	anon := f.do(t, raw{method: http.MethodGet, path: "/oss/o.txt", host: host, sign: "anon"})
	require.Equal(t, http.StatusOK, anon.StatusCode, "x-oss-object-acl applied")

	// forbid-overwrite: the second upload is refused.
	resp = f.post(t, "/", host, multipartForm{fields: fields, filename: "o.txt", content: "again"})
	require.Equal(t, http.StatusConflict, resp.StatusCode, string(resp.body))
	require.Equal(t, "FileAlreadyExists", resp.errCode())
	// A value neither true nor false is refused, not taken for false.
	odd := append([]field{{"key", "oss/odd"}, {"x-oss-object-acl", "private"}, {"x-oss-forbid-overwrite", "abc"}}, v1...)
	resp = f.post(t, "/", host, multipartForm{fields: odd, filename: "o.txt", content: "odd"})
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, string(resp.body))
	require.Equal(t, "InvalidArgument", resp.errCode())

	// "in" violated, with OSS's EC.
	bad := append([]field{{"key", "oss/p"}, {"x-oss-object-acl", "public-read-write"}}, v1...)
	resp = f.post(t, "/", host, multipartForm{fields: bad, content: "x"})
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	require.Equal(t, "AccessDenied", resp.errCode())
	require.Contains(t, string(resp.body), `Policy Condition failed: ["in", "$x-oss-object-acl", ["private","public-read"]]`)
	require.NotEmpty(t, resp.Header.Get("x-oss-ec"))

	// One of the three auth fields alone.
	resp = f.post(t, "/", host, multipartForm{fields: []field{{"key", "oss/q"}, {"OSSAccessKeyId", testAK}}, content: "x"})
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	require.Equal(t, "InvalidArgument", resp.errCode())

	// V4 form; and an OSS form sent to the plain (S3) endpoint is served
	// as OSS, since browsers send no vendor header.
	date := now.UTC().Format("20060102")
	cred := testAK + "/" + date + "/cn-hangzhou/oss/aliyun_v4_request"
	p4 := policyDoc(t, now.Add(time.Hour), map[string]string{"bucket": "forms"}, map[string]string{"x-oss-signature-version": "OSS4-HMAC-SHA256"},
		map[string]string{"x-oss-credential": cred})
	v4 := []field{{"key", "v4"}, {"x-oss-signature-version", "OSS4-HMAC-SHA256"}, {"x-oss-credential", cred},
		{"x-oss-date", now.UTC().Format("20060102T150405Z")}, {"policy", p4},
		{"x-oss-signature", ossauth.SignV4(testSK, ossauth.Scope{Date: date, Region: "cn-hangzhou", Product: "oss"}, p4)}}
	for _, target := range []struct{ path, host string }{{"/", host}, {"/forms", ""}} {
		resp = f.post(t, target.path, target.host, multipartForm{fields: v4, content: "v4 form"})
		require.Equal(t, http.StatusNoContent, resp.StatusCode, string(resp.body))
		require.NotEmpty(t, resp.Header.Get("x-oss-request-id"))
	}
	v4[len(v4)-1].value = strings.Repeat("0", 64)
	resp = f.post(t, "/forms", "", multipartForm{fields: v4, content: "v4 form"})
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	require.Equal(t, "SignatureDoesNotMatch", resp.errCode())
}

// TestPostObjectSina: Sina's form (AWSAccessKeyId, Policy, Signature; no
// condition needed for every field) to a Sina host, answered in JSON
// with formatter=json.
func TestPostObjectSina(t *testing.T) {
	f, c := newPostFixture(t, httpapi.WithSinaDomains("sinastorage.test"))
	now := f.clock.Now()
	policy := policyDoc(t, now.Add(time.Hour), map[string]string{"bucket": "forms"}, []any{"starts-with", "$key", "angel/"})
	fields := []field{{"AWSAccessKeyId", testAK}, {"key", "angel/${filename}"}, {"acl", "public-read"}, {"success_action_status", "201"},
		{"x-amz-meta-from", "sina"}, {"Policy", policy}, {"Signature", ssig.FormSignature(testSK, policy)}}
	resp := f.post(t, "/?formatter=json", "forms.sinastorage.test", multipartForm{fields: fields, filename: "s.txt", content: "sina"})
	require.Equal(t, http.StatusCreated, resp.StatusCode, string(resp.body))
	var doc map[string]string
	require.NoError(t, json.Unmarshal(resp.body, &doc), string(resp.body))
	require.Equal(t, "angel/s.txt", doc["Key"])
	require.NotEmpty(t, resp.Header.Get("X-Requester"))
	body, out := getBody(t, c, "forms", "angel/s.txt")
	require.Equal(t, "sina", body)
	require.Equal(t, map[string]string{"from": "sina"}, out.Metadata)

	fields[len(fields)-1].value = ssig.FormSignature("wrong", policy)
	resp = f.post(t, "/", "forms.sinastorage.test", multipartForm{fields: fields, filename: "s.txt", content: "sina"})
	require.Equal(t, http.StatusForbidden, resp.StatusCode, string(resp.body))
	require.Equal(t, "SignatureDoesNotMatch", resp.Header.Get("X-Error-Code"))
}

// TestPostObjectOSSSizeRange: OSS answers a file outside
// content-length-range with EntityTooLarge / EntityTooSmall (where its
// PutObject says InvalidArgument for a body too large).
func TestPostObjectOSSSizeRange(t *testing.T) {
	f, _ := newPostFixture(t, httpapi.WithOSSDomains("oss-test.example"))
	policy := policyDoc(t, f.clock.Now().Add(time.Hour), []any{"content-length-range", 2, 4})
	fields := []field{{"key", "sized"}, {"OSSAccessKeyId", testAK}, {"policy", policy}, {"Signature", ossauth.SignV1(testSK, policy)}}
	for content, code := range map[string]string{"x": "EntityTooSmall", "xxxxx": "EntityTooLarge", "xxx": ""} {
		resp := f.post(t, "/", "forms.oss-test.example", multipartForm{fields: fields, content: content})
		require.Equal(t, code, resp.errCode(), string(resp.body))
		if code != "" {
			require.Equal(t, http.StatusBadRequest, resp.StatusCode)
			require.NotEmpty(t, resp.Header.Get("x-oss-ec"))
		}
	}
}

// TestPostObjectOSSV4Date: a V4 form is good for 7 days from x-oss-date,
// whatever its policy says, and x-oss-date may not be far ahead.
func TestPostObjectOSSV4Date(t *testing.T) {
	f, _ := newPostFixture(t, httpapi.WithOSSDomains("oss-test.example"))
	now := f.clock.Now()
	form := func(signed time.Time) []field {
		date := signed.UTC().Format("20060102")
		cred := testAK + "/" + date + "/cn-hangzhou/oss/aliyun_v4_request"
		p := policyDoc(t, now.Add(30*24*time.Hour), map[string]string{"bucket": "forms"})
		return []field{{"key", "dated"}, {"x-oss-signature-version", "OSS4-HMAC-SHA256"}, {"x-oss-credential", cred},
			{"x-oss-date", signed.UTC().Format("20060102T150405Z")}, {"policy", p},
			{"x-oss-signature", ossauth.SignV4(testSK, ossauth.Scope{Date: date, Region: "cn-hangzhou", Product: "oss"}, p)}}
	}
	host := "forms.oss-test.example"
	require.Equal(t, http.StatusNoContent, f.post(t, "/", host, multipartForm{fields: form(now.Add(-6 * 24 * time.Hour)), content: "x"}).StatusCode)
	resp := f.post(t, "/", host, multipartForm{fields: form(now.Add(-8 * 24 * time.Hour)), content: "x"})
	require.Equal(t, http.StatusForbidden, resp.StatusCode, string(resp.body))
	require.Equal(t, "AccessDenied", resp.errCode())
	resp = f.post(t, "/", host, multipartForm{fields: form(now.Add(time.Hour)), content: "x"})
	require.Equal(t, http.StatusForbidden, resp.StatusCode, string(resp.body))
	require.Equal(t, "RequestTimeTooSkewed", resp.errCode())
}

// TestPostObjectDefaultContentType: an S3 form without a Content-Type
// field stores S3's default, not the file part's type (which S3 ignores;
// browsers send one for every file).
func TestPostObjectDefaultContentType(t *testing.T) {
	f, c := newPostFixture(t)
	now := f.clock.Now()
	policy := policyDoc(t, now.Add(time.Hour), append(v4Conds(now), map[string]string{"bucket": "forms"}, []any{"starts-with", "$key", ""})...)
	fields := append([]field{{"key", "typeless"}}, v4Form(now, policy)...)
	resp := f.post(t, "/forms", "", multipartForm{fields: fields, filename: "a.bin", content: "x"})
	require.Equal(t, http.StatusNoContent, resp.StatusCode, string(resp.body))
	_, out := getBody(t, c, "forms", "typeless")
	require.Equal(t, "binary/octet-stream", aws.ToString(out.ContentType))

	// An empty Content-Type field is no type either (versitygw's
	// PostObject_default_content_type, checked against S3), unlike a PUT's
	// empty Content-Type header, which S3 keeps empty.
	policy = policyDoc(t, now.Add(time.Hour), append(v4Conds(now), map[string]string{"bucket": "forms"},
		[]any{"starts-with", "$key", ""}, []any{"starts-with", "$Content-Type", ""})...)
	fields = append([]field{{"key", "emptytype"}, {"Content-Type", ""}}, v4Form(now, policy)...)
	resp = f.post(t, "/forms", "", multipartForm{fields: fields, filename: "a.bin", content: "x"})
	require.Equal(t, http.StatusNoContent, resp.StatusCode, string(resp.body))
	_, out = getBody(t, c, "forms", "emptytype")
	require.Equal(t, "binary/octet-stream", aws.ToString(out.ContentType))
}
