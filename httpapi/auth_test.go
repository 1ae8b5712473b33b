package httpapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
	"github.com/osslite/osslite/pkg/checksum"
	"github.com/osslite/osslite/pkg/sigv4"
)

func seedBucket(t *testing.T, f *fixture, bucket string) {
	t.Helper()
	r := f.do(t, raw{method: "PUT", path: "/" + bucket})
	if r.StatusCode != 200 {
		t.Fatalf("create bucket: %d %s", r.StatusCode, r.body)
	}
}

func TestPresignedExpiry(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "presign")
	must(t, f.do(t, raw{method: "PUT", path: "/presign/obj", body: []byte("data")}).errOrNil())

	// Presigned by the SDK (real time; the engine clock starts there too).
	ps := s3.NewPresignClient(f.client())
	req, err := ps.PresignGetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("presign"), Key: aws.String("obj")},
		s3.WithPresignExpires(time.Hour))
	must(t, err)
	get := func() rawResponse {
		r, err := http.NewRequest(req.Method, req.URL, nil)
		must(t, err)
		resp, err := f.httpClient().Do(r)
		must(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return rawResponse{resp, b}
	}
	if r := get(); r.StatusCode != 200 || string(r.body) != "data" {
		t.Fatalf("fresh presigned GET: %d %s", r.StatusCode, r.body)
	}
	f.clock.Advance(59 * time.Minute)
	if r := get(); r.StatusCode != 200 {
		t.Fatalf("presigned GET before expiry: %d %s", r.StatusCode, r.body)
	}
	f.clock.Advance(2 * time.Minute)
	if r := get(); r.StatusCode != 403 || r.errCode() != "AccessDenied" || !bytes.Contains(r.body, []byte("Request has expired")) {
		t.Fatalf("expired presigned GET: %d %s", r.StatusCode, r.body)
	}

	// A presigned PUT.
	f.clock.Advance(-61 * time.Minute)
	put, err := ps.PresignPutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("presign"), Key: aws.String("put")})
	must(t, err)
	pr, _ := http.NewRequest("PUT", put.URL, strings.NewReader("via presigned put"))
	for k, v := range put.SignedHeader {
		pr.Header[k] = v
	}
	resp, err := f.httpClient().Do(pr)
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("presigned PUT: %d", resp.StatusCode)
	}

	// X-Amz-Expires above 7 days.
	hr, _ := http.NewRequest("GET", f.srv.URL+"/presign/obj", nil)
	_, err = sigv4.Presign(hr, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "us-east-1", "s3", f.clock.Now(), time.Hour)
	must(t, err)
	path := strings.Replace(hr.URL.RequestURI(), "X-Amz-Expires=3600", "X-Amz-Expires=604801", 1)
	if r := f.do(t, raw{method: "GET", path: path, sign: "anon"}); r.StatusCode != 400 || r.errCode() != "AuthorizationQueryParametersError" {
		t.Fatalf("8-day presign: %d %s", r.StatusCode, r.body)
	}
}

// chunkedBody encodes payload as STREAMING-AWS4-HMAC-SHA256-PAYLOAD.
func signedChunks(s *sigv4.Signed, payload []byte, chunk int, corrupt int) []byte {
	var b bytes.Buffer
	prev := s.Authorization.Signature
	scope := s.Authorization.Credential.Scope.String()
	emit := func(i int, data []byte) {
		h := sha256.Sum256(data)
		sts := "AWS4-HMAC-SHA256-PAYLOAD\n" + s.Timestamp + "\n" + scope + "\n" + prev + "\n" + sigv4.EmptySHA256 + "\n" + hex.EncodeToString(h[:])
		sig := sigv4.Signature(s.SigningKey, sts)
		prev = sig
		if i == corrupt {
			sig = strings.Repeat("0", 64)
		}
		fmt.Fprintf(&b, "%x;chunk-signature=%s\r\n", len(data), sig)
		b.Write(data)
		b.WriteString("\r\n")
	}
	i := 0
	for off := 0; off < len(payload); off += chunk {
		emit(i, payload[off:min(off+chunk, len(payload))])
		i++
	}
	emit(i, nil)
	return b.Bytes()
}

func TestSignedChunks(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "chunks")
	payload := pattern(20000)
	for _, tc := range []struct {
		name    string
		corrupt int
		status  int
		code    string
	}{
		{"good", -1, 200, ""},
		{"bad-second-chunk", 1, 403, "SignatureDoesNotMatch"},
		{"bad-final-chunk", 3, 403, "SignatureDoesNotMatch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := "obj-" + tc.name
			req, _ := http.NewRequest("PUT", f.srv.URL+"/chunks/"+key, nil)
			req.Header.Set("Content-Encoding", "aws-chunked")
			req.Header.Set("X-Amz-Decoded-Content-Length", strconv.Itoa(len(payload)))
			s, err := sigv4.SignRequest(req, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "us-east-1", "s3", f.clock.Now(), sigv4.StreamingPayload)
			must(t, err)
			body := signedChunks(s, payload, 8192, tc.corrupt)
			r := f.do(t, raw{method: "PUT", path: "/chunks/" + key, header: req.Header, body: body, sign: "keep"})
			if r.StatusCode != tc.status || tc.code != "" && r.errCode() != tc.code {
				t.Fatalf("%d %s", r.StatusCode, r.body)
			}
			obj, err := f.eng.GetObject(context.Background(), "chunks", key, engine.GetOptions{})
			if tc.status != 200 {
				if err == nil {
					obj.Close()
					t.Fatal("a rejected chunked upload stored an object")
				}
				return
			}
			must(t, err)
			got, _ := io.ReadAll(obj)
			obj.Close()
			if !bytes.Equal(got, payload) {
				t.Fatalf("stored %d bytes, want the decoded payload", len(got))
			}
		})
	}
}

func TestContentSHA256Mismatch(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "sha")
	// Sign a hash of other bytes: the signature is valid, the body is not.
	other := sha256.Sum256([]byte("other"))
	req, _ := http.NewRequest("PUT", f.srv.URL+"/sha/k", nil)
	_, err := sigv4.SignRequest(req, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "us-east-1", "s3", f.clock.Now(), hex.EncodeToString(other[:]))
	must(t, err)
	r := f.do(t, raw{method: "PUT", path: "/sha/k", header: req.Header, body: pattern(200 << 10), sign: "keep"})
	if r.StatusCode != 400 || r.errCode() != "XAmzContentSHA256Mismatch" || !bytes.Contains(r.body, []byte("<ClientComputedContentSHA256>")) {
		t.Fatalf("%d %s", r.StatusCode, r.body)
	}
	if _, err := f.eng.HeadObject(context.Background(), "sha", "k"); err == nil {
		t.Fatal("object stored despite the mismatch")
	}
}

func TestSigV2AndErrors(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "v2bucket")
	if r := f.do(t, raw{method: "PUT", path: "/v2bucket/k", body: []byte("v2 body"), sign: "v2", header: hdr("Content-Type", "text/plain")}); r.StatusCode != 200 {
		t.Fatalf("SigV2 PUT: %d %s", r.StatusCode, r.body)
	}
	if r := f.do(t, raw{method: "GET", path: "/v2bucket/k", sign: "v2"}); r.StatusCode != 200 || string(r.body) != "v2 body" {
		t.Fatalf("SigV2 GET: %d %s", r.StatusCode, r.body)
	}
	// SigV2 query form.
	req, _ := http.NewRequest("GET", f.srv.URL+"/v2bucket/k", nil)
	sigv4.PresignV2(req, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "", f.clock.Now().Add(time.Minute))
	if r := f.do(t, raw{method: "GET", path: req.URL.RequestURI(), sign: "anon"}); r.StatusCode != 200 {
		t.Fatalf("SigV2 query GET: %d %s", r.StatusCode, r.body)
	}
	f.clock.Advance(2 * time.Minute)
	if r := f.do(t, raw{method: "GET", path: req.URL.RequestURI(), sign: "anon"}); r.StatusCode != 403 || r.errCode() != "AccessDenied" {
		t.Fatalf("expired SigV2 query GET: %d %s", r.StatusCode, r.body)
	}
	f.clock.Advance(-2 * time.Minute)

	for _, tc := range []struct {
		name   string
		q      raw
		status int
		code   string
		want   string
	}{
		{"wrong secret v4", raw{method: "GET", path: "/v2bucket/k", ak: testAK, sk: "wrong"}, 403, "SignatureDoesNotMatch", "<CanonicalRequest>"},
		{"wrong secret v2", raw{method: "GET", path: "/v2bucket/k", ak: testAK, sk: "wrong", sign: "v2"}, 403, "SignatureDoesNotMatch", "<StringToSign>"},
		{"unknown key", raw{method: "GET", path: "/v2bucket/k", ak: "AKIANOBODY", sk: "x"}, 403, "InvalidAccessKeyId", ""},
		{"anonymous private", raw{method: "GET", path: "/v2bucket/k", sign: "anon"}, 403, "AccessDenied", ""},
		{"anonymous list buckets", raw{method: "GET", path: "/", sign: "anon"}, 403, "AccessDenied", ""},
		{"other user", raw{method: "GET", path: "/v2bucket/k", ak: otherAK, sk: otherSK}, 403, "AccessDenied", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(t, tc.q)
			if r.StatusCode != tc.status || r.errCode() != tc.code || !bytes.Contains(r.body, []byte(tc.want)) {
				t.Fatalf("%d %s", r.StatusCode, r.body)
			}
			if r.Header.Get("X-Amz-Request-Id") == "" || r.Header.Get("X-Amz-Id-2") == "" {
				t.Fatal("missing request id headers")
			}
		})
	}

	// Skew: the engine clock decides.
	f.clock.Advance(20 * time.Minute)
	skewed := raw{method: "GET", path: "/v2bucket/k"}
	req2, _ := http.NewRequest("GET", f.srv.URL+"/v2bucket/k", nil)
	_, err := sigv4.SignRequest(req2, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "us-east-1", "s3", time.Now(), sigv4.EmptySHA256)
	must(t, err)
	skewed.header, skewed.sign = req2.Header, "keep"
	before := f.clock.Now()
	r := f.do(t, skewed)
	after := f.clock.Now()
	if r.StatusCode != 403 || r.errCode() != "RequestTimeTooSkewed" {
		t.Fatalf("skewed: %d %s", r.StatusCode, r.body)
	}
	// S3 names both times and the skew allowed (clients read ServerTime
	// to correct their clocks).
	for _, want := range []string{
		"<RequestTime>" + req2.Header.Get("X-Amz-Date") + "</RequestTime>",
		"<MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds>",
	} {
		if !bytes.Contains(r.body, []byte(want)) {
			t.Fatalf("skewed: no %s in %s", want, r.body)
		}
	}
	// The engine clock's time while the request was served (the clock
	// runs: compared with its time after the answer, the hour may have
	// turned in between).
	var skewDoc struct{ ServerTime string }
	must(t, xml.Unmarshal(r.body, &skewDoc))
	serverTime, err := time.Parse(time.RFC3339, skewDoc.ServerTime)
	if err != nil || serverTime.Before(before.Truncate(time.Second)) || serverTime.After(after) {
		t.Fatalf("skewed: ServerTime %q (%v), not between %v and %v, in %s", skewDoc.ServerTime, err, before, after, r.body)
	}
}

func TestAnonymousACL(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("acl-bucket")})
	must(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("acl-bucket"), Key: aws.String("private"), Body: strings.NewReader("p")})
	must(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("acl-bucket"), Key: aws.String("public"), Body: strings.NewReader("pub"), ACL: types.ObjectCannedACLPublicRead})
	must(t, err)
	anon := func(method, path string, body []byte) rawResponse {
		return f.do(t, raw{method: method, path: path, body: body, sign: "anon"})
	}
	check := func(r rawResponse, status int, code string) {
		t.Helper()
		if r.StatusCode != status || code != "" && r.errCode() != code {
			t.Fatalf("%d %s, want %d %s", r.StatusCode, r.body, status, code)
		}
	}
	check(anon("GET", "/acl-bucket/private", nil), 403, "AccessDenied")
	check(anon("GET", "/acl-bucket/public", nil), 200, "")
	check(anon("HEAD", "/acl-bucket/public", nil), 200, "")
	check(anon("GET", "/acl-bucket/public?response-content-type=x/y", nil), 400, "InvalidRequest")
	check(anon("GET", "/acl-bucket", nil), 403, "AccessDenied")
	check(anon("GET", "/acl-bucket/missing", nil), 403, "AccessDenied")
	check(anon("PUT", "/acl-bucket/new", []byte("x")), 403, "AccessDenied")
	// The other user is authenticated but not granted anything.
	check(f.do(t, raw{method: "GET", path: "/acl-bucket/public", ak: otherAK, sk: otherSK}), 200, "")
	check(f.do(t, raw{method: "GET", path: "/acl-bucket/private", ak: otherAK, sk: otherSK}), 403, "AccessDenied")

	_, err = c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("acl-bucket"), ACL: types.BucketCannedACLPublicRead})
	must(t, err)
	check(anon("GET", "/acl-bucket", nil), 200, "")
	check(anon("GET", "/acl-bucket/missing", nil), 404, "NoSuchKey")
	check(anon("PUT", "/acl-bucket/new", []byte("x")), 403, "AccessDenied")
	_, err = c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("acl-bucket"), ACL: types.BucketCannedACLPublicReadWrite})
	must(t, err)
	check(anon("PUT", "/acl-bucket/new", []byte("x")), 200, "")
	check(anon("DELETE", "/acl-bucket", nil), 403, "AccessDenied")
	check(anon("POST", "/acl-bucket/new?uploads", nil), 403, "AccessDenied")
	// Grants by canonical ID through x-amz-grant-read.
	otherID := sha256.Sum256([]byte(otherAK))
	_, err = c.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String("acl-bucket"), Key: aws.String("private"),
		GrantRead: aws.String(`id="` + hex.EncodeToString(otherID[:]) + `"`)})
	must(t, err)
	check(f.do(t, raw{method: "GET", path: "/acl-bucket/private", ak: otherAK, sk: otherSK}), 200, "")
	check(anon("GET", "/acl-bucket/private", nil), 403, "AccessDenied")
}

func TestPermissive(t *testing.T) {
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithPermissive()}})
	// Any key, any signature, or none.
	seedBucket(t, f, "perm")
	if r := f.do(t, raw{method: "PUT", path: "/perm/a", body: []byte("x"), ak: "anything", sk: "whatever"}); r.StatusCode != 200 {
		t.Fatalf("unknown key: %d %s", r.StatusCode, r.body)
	}
	if r := f.do(t, raw{method: "GET", path: "/perm/a", sign: "anon"}); r.StatusCode != 200 {
		t.Fatalf("anonymous: %d %s", r.StatusCode, r.body)
	}
	if r := f.do(t, raw{method: "GET", path: "/", sign: "anon"}); r.StatusCode != 200 {
		t.Fatalf("anonymous ListBuckets: %d %s", r.StatusCode, r.body)
	}
	// Bodies are still verified.
	req, _ := http.NewRequest("PUT", f.srv.URL+"/perm/b", nil)
	other := sha256.Sum256([]byte("other"))
	_, _ = sigv4.SignRequest(req, sigv4.Credentials{AccessKeyID: "x", SecretAccessKey: "y"}, "us-east-1", "s3", f.clock.Now(), hex.EncodeToString(other[:]))
	if r := f.do(t, raw{method: "PUT", path: "/perm/b", header: req.Header, body: []byte("body"), sign: "keep"}); r.StatusCode != 400 || r.errCode() != "XAmzContentSHA256Mismatch" {
		t.Fatalf("permissive sha256 mismatch: %d %s", r.StatusCode, r.body)
	}
	// aws-sdk-go-v2 over TLS (chunked + trailer) with an unknown key.
	tf := newFixture(t, fixtureOptions{tls: true, opts: []httpapi.Option{httpapi.WithPermissive()}})
	c := tf.s3Client(true, "somebody", "something")
	_, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("perm")})
	must(t, err)
	_, err = c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("perm"), Key: aws.String("k"), Body: strings.NewReader("hello world")})
	must(t, err)
	info, err := tf.eng.HeadObject(context.Background(), "perm", "k")
	must(t, err)
	if info.Size != 11 {
		t.Fatalf("stored size %d", info.Size)
	}

	// Signed chunks with a signed trailer under an unknown key: the
	// signatures cannot be checked and are skipped, the trailer checksum is
	// still verified.
	zero := strings.Repeat("0", 64)
	crc := checksum.CRC32.New()
	crc.Write([]byte("hello"))
	for _, tc := range []struct {
		trailer string
		status  int
	}{{checksum.Encode(crc.Sum(nil)), 200}, {"AAAAAA==", 400}} {
		body := "5;chunk-signature=" + zero + "\r\nhello\r\n0;chunk-signature=" + zero + "\r\n" +
			"x-amz-checksum-crc32:" + tc.trailer + "\r\nx-amz-trailer-signature:" + zero + "\r\n\r\n"
		req, _ := http.NewRequest("PUT", f.srv.URL+"/perm/trailer", nil)
		req.Header.Set("Content-Encoding", "aws-chunked")
		req.Header.Set("X-Amz-Decoded-Content-Length", "5")
		req.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32")
		_, _ = sigv4.SignRequest(req, sigv4.Credentials{AccessKeyID: "nobody", SecretAccessKey: "nothing"}, "us-east-1", "s3", f.clock.Now(), sigv4.StreamingPayloadTrailer)
		if r := f.do(t, raw{method: "PUT", path: "/perm/trailer", header: req.Header, body: []byte(body), sign: "keep"}); r.StatusCode != tc.status {
			t.Fatalf("signed trailer, unknown key, crc %s: %d %s", tc.trailer, r.StatusCode, r.body)
		}
	}
	got, err := f.eng.GetObject(context.Background(), "perm", "trailer", engine.GetOptions{})
	must(t, err)
	b, _ := io.ReadAll(got)
	got.Close()
	if string(b) != "hello" {
		t.Fatalf("stored %q", b)
	}
}

func (r rawResponse) errOrNil() error {
	if r.StatusCode >= 300 {
		return fmt.Errorf("%d %s", r.StatusCode, r.body)
	}
	return nil
}

// TestUnknownLengthBody: S3 takes no body of unknown length: a chunked
// PutObject or UploadPart (Transfer-Encoding, no Content-Length, not
// aws-chunked) is 501 NotImplemented naming the header, as S3 answers,
// and stores nothing. OSS takes it.
func TestUnknownLengthBody(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	if r := f.do(t, raw{method: "PUT", path: "/tebucket"}); r.StatusCode != 200 {
		t.Fatalf("create: %d %s", r.StatusCode, r.body)
	}
	send := func(path string) (*http.Response, string) {
		req, _ := http.NewRequest("PUT", f.srv.URL+path, io.NopCloser(strings.NewReader("body of unknown length")))
		req.ContentLength = -1
		_, err := sigv4.SignRequest(req, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "us-east-1", "s3", f.clock.Now(), sigv4.UnsignedPayload)
		must(t, err)
		resp, err := f.httpClient().Do(req)
		must(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, body := send("/tebucket/k")
	if resp.StatusCode != 501 || !strings.Contains(body, "<Code>NotImplemented</Code>") || !strings.Contains(body, "<Header>Transfer-Encoding</Header>") {
		t.Fatalf("chunked put: %d %s", resp.StatusCode, body)
	}
	if r := f.do(t, raw{method: "HEAD", path: "/tebucket/k"}); r.StatusCode != 404 {
		t.Fatalf("refused put stored something: %d", r.StatusCode)
	}
	r := f.do(t, raw{method: "POST", path: "/tebucket/k?uploads"})
	var up struct {
		UploadID string `xml:"UploadId"`
	}
	must(t, xml.Unmarshal(r.body, &up))
	resp, body = send("/tebucket/k?partNumber=1&uploadId=" + up.UploadID)
	if resp.StatusCode != 501 || !strings.Contains(body, "<Header>Transfer-Encoding</Header>") {
		t.Fatalf("chunked part: %d %s", resp.StatusCode, body)
	}
}

// TestAuthErrorMessages: a refused signature answers S3's own code,
// message and extra elements, the words clients and tools show and
// compare, never this package's internal error text.
func TestAuthErrorMessages(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "authmsg")
	date := f.clock.Now().UTC().Format("20060102")
	cred := "Credential=" + testAK + "/" + date + "/us-east-1/s3/aws4_request"
	const sig = "Signature=5fb279ae552098ea7c5c807df54cdb159e74939e19449b29831552639ec34b29"
	header := func(auth string) raw {
		return raw{method: "GET", path: "/authmsg", sign: "keep", header: hdr("Authorization", auth,
			"X-Amz-Date", f.clock.Now().UTC().Format(sigv4.TimeFormat), "X-Amz-Content-Sha256", sigv4.EmptySHA256)}
	}
	presigned := func(edit func(q url.Values)) raw {
		r, _ := http.NewRequest("GET", f.srv.URL+"/authmsg", nil)
		_, err := sigv4.Presign(r, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "us-east-1", "s3", f.clock.Now(), time.Hour)
		must(t, err)
		q := r.URL.Query()
		edit(q)
		return raw{method: "GET", path: "/authmsg?" + q.Encode(), sign: "anon"}
	}
	for _, tc := range []struct {
		name    string
		q       raw
		status  int
		code    string
		message string
		extra   []string
	}{
		{"no space", header("invalid_header"), 400, "InvalidArgument",
			"Authorization header is invalid -- one and only one ' ' (space) required.",
			[]string{"<ArgumentName>Authorization</ArgumentName>", "<ArgumentValue>invalid_header</ArgumentValue>"}},
		{"unknown scheme", header("AWS2-HMAC-SHA1 " + cred), 400, "InvalidArgument", "Unsupported Authorization Type",
			[]string{"<ArgumentValue>AWS2-HMAC-SHA1</ArgumentValue>"}},
		// S3 answers a SigV2 header without "<key>:<signature>" 400
		// InvalidArgument (ceph/s3-tests test_object_create_bad_authorization_invalid_aws2).
		{"sigv2 without colon", header("AWS seed_signature"), 400, "InvalidArgument",
			"AWS authorization header is invalid.  Expected AwsAccessKeyId:signature",
			[]string{"<ArgumentName>Authorization</ArgumentName>", "<ArgumentValue>AWS seed_signature</ArgumentValue>"}},
		{"sigv2 without signature", header("AWS " + testAK + ":"), 400, "InvalidArgument",
			"AWS authorization header is invalid.  Expected AwsAccessKeyId:signature", nil},
		{"two components", header("AWS4-HMAC-SHA256 " + cred + "," + sig), 400, "AuthorizationHeaderMalformed",
			"The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.", nil},
		{"malformed component", header("AWS4-HMAC-SHA256 " + cred + ",SignedHeaders-Content-Length," + sig), 400, "AuthorizationHeaderMalformed",
			`The authorization header is malformed; the authorization component "SignedHeaders-Content-Length" is malformed.`, nil},
		{"wrong service", header("AWS4-HMAC-SHA256 Credential=" + testAK + "/" + date + "/us-east-1/ec2/aws4_request,SignedHeaders=host," + sig), 400, "AuthorizationHeaderMalformed",
			`The authorization header is malformed; incorrect service "ec2". This endpoint belongs to "s3".`, nil},
		{"bad date and terminal", header("AWS4-HMAC-SHA256 Credential=" + testAK + "/32234/us-east-1/s3/aws_request,SignedHeaders=host," + sig), 400, "AuthorizationHeaderMalformed",
			`The authorization header is malformed; incorrect terminal "aws_request". This endpoint uses "aws4_request".`, nil},
		{"bad date and service", header("AWS4-HMAC-SHA256 Credential=" + testAK + "/32234/us-east-1/ec2/aws4_request,SignedHeaders=host," + sig), 400, "AuthorizationHeaderMalformed",
			`The authorization header is malformed; incorrect service "ec2". This endpoint belongs to "s3".`, nil},
		{"unknown component", header("AWS4-HMAC-SHA256 missing_creds=x,SignedHeaders=host," + sig), 400, "AuthorizationHeaderMalformed",
			"The authorization header is malformed; missing Credential.", nil},
		{"bad payload hash", raw{method: "GET", path: "/authmsg", sign: "keep", header: hdr("Authorization", "AWS4-HMAC-SHA256 "+cred+",SignedHeaders=host;x-amz-content-sha256;x-amz-date,"+sig,
			"X-Amz-Date", f.clock.Now().UTC().Format(sigv4.TimeFormat), "X-Amz-Content-Sha256", "nope")}, 400, "InvalidArgument", "",
			[]string{"<ArgumentName>x-amz-content-sha256</ArgumentName><ArgumentValue>nope</ArgumentValue>"}},
		{"bad credential date", header("AWS4-HMAC-SHA256 Credential=" + testAK + "/3223423234/us-east-1/s3/aws4_request,SignedHeaders=host," + sig), 400, "AuthorizationHeaderMalformed",
			`The authorization header is malformed; incorrect date format "3223423234". This date in the credential must be in the format "yyyyMMdd".`, nil},
		{"unknown key", raw{method: "GET", path: "/authmsg", ak: "AKIANOBODY", sk: "x"}, 403, "InvalidAccessKeyId",
			"The AWS Access Key Id you provided does not exist in our records.", []string{"<AWSAccessKeyId>AKIANOBODY</AWSAccessKeyId>"}},
		{"presigned without signature", presigned(func(q url.Values) { q.Del("X-Amz-Signature") }), 400, "AuthorizationQueryParametersError",
			"Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.", nil},
		{"presigned terminal", presigned(func(q url.Values) {
			q.Set("X-Amz-Credential", strings.Replace(q.Get("X-Amz-Credential"), "aws4_request", "aws5_request", 1))
		}), 400, "AuthorizationQueryParametersError",
			`Error parsing the X-Amz-Credential parameter; incorrect terminal "aws5_request". This endpoint uses "aws4_request".`, nil},
		{"presigned date mismatch", presigned(func(q url.Values) {
			q.Set("X-Amz-Credential", strings.Replace(q.Get("X-Amz-Credential"), date, "20060102", 1))
		}), 400, "AuthorizationQueryParametersError",
			`Invalid credential date "20060102". This date is not the same as X-Amz-Date: "` + date + `".`, nil},
		{"presigned negative expiry", presigned(func(q url.Values) { q.Set("X-Amz-Expires", "-1") }), 400, "AuthorizationQueryParametersError",
			"X-Amz-Expires must be non-negative", nil},
		{"presigned expiry over a week", presigned(func(q url.Values) { q.Set("X-Amz-Expires", "604801") }), 400, "AuthorizationQueryParametersError",
			"X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds", nil},
		{"presigned unknown key", presigned(func(q url.Values) {
			q.Set("X-Amz-Credential", strings.Replace(q.Get("X-Amz-Credential"), testAK, "AKIANOBODY", 1))
		}), 403, "InvalidAccessKeyId", "", []string{"<AWSAccessKeyId>AKIANOBODY</AWSAccessKeyId>"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(t, tc.q)
			var doc struct{ Code, Message string }
			_ = xml.Unmarshal(r.body, &doc)
			if r.StatusCode != tc.status || doc.Code != tc.code || (tc.message != "" && doc.Message != tc.message) {
				t.Fatalf("%d %s", r.StatusCode, r.body)
			}
			for _, want := range tc.extra {
				if !bytes.Contains(r.body, []byte(want)) {
					t.Fatalf("no %s in %s", want, r.body)
				}
			}
		})
	}
}
