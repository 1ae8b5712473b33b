package httpapi_test

import (
	"bufio"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/sigv4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRev38HeadArchivedAnswersTheObjectJudged: a HEAD of an archived
// object that is not restored judges its conditions on the object its
// read opened (rev37b) and must answer that object's headers. It read
// the key a second time (decideArchived) and answered whatever was
// there then: with the key flipping between an archived object and a
// STANDARD one, a HEAD with If-Match naming the archived one's ETag
// was answered 200 with the other's ETag and class.
func TestRev38HeadArchivedAnswersTheObjectJudged(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	must(t, f.do(t, raw{method: "PUT", path: "/arch38"}).errOrNil())
	put := func(body, class string) engine.ObjectInfo {
		info, err := f.eng.PutObject(ctx, "arch38", "k", strings.NewReader(body), int64(len(body)),
			engine.PutOptions{StorageClass: class, Owner: canonicalID(testAK), Dialect: engine.DialectS3})
		require.NoError(t, err)
		return info
	}
	archived := put("tape", "GLACIER")
	etag := `"` + archived.ETag + `"`
	keepFlipping(t, func() {
		put("disk", "STANDARD")
		put("tape", "GLACIER")
	})
	n := 3000
	if testing.Short() {
		n = 800
	}
	judged, failed, other := 0, 0, 0
	for range n {
		res := f.do(t, raw{method: "HEAD", path: "/arch38/k", header: hdr("If-Match", etag)})
		switch {
		case res.StatusCode == http.StatusPreconditionFailed:
			failed++
		case res.StatusCode == http.StatusOK && res.Header.Get("ETag") == etag:
			judged++
		case res.StatusCode == http.StatusOK:
			other++
		default:
			t.Fatalf("status %d: %v", res.StatusCode, res.Header)
		}
	}
	t.Logf("%d answered the archived object, %d refused (412), %d answered another object", judged, failed, other)
	assert.Positive(t, judged)
	assert.Zero(t, other, "an If-Match judged on one object answered 200 with another's ETag")
}

// TestRev38ContentSHA256MismatchOnEveryBodyRead: since small37 the
// x-amz-content-sha256 digest is decoded into its reader and the hash
// made at the first Read. A header-signed request whose signed digest is
// another body's must still fail with XAmzContentSHA256Mismatch, and
// change nothing, on every route that reads a body: PutObject (with a
// body and with none), UploadPart, CompleteMultipartUpload,
// DeleteObjects, bucket and object configuration documents, select; an
// OSS-signed write carrying the header as well. A digest of 64
// characters that are not hex is refused alike by SigV4 (the header
// form) and by the body check (OSS's own signature), and a request
// refused before its body is read changes nothing either.
func TestRev38ContentSHA256MismatchOnEveryBodyRead(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	must(t, f.do(t, raw{method: "PUT", path: "/sha38"}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/sha38/keep", body: []byte("a,b\n1,2\n")}).errOrNil())
	up := f.do(t, raw{method: "POST", path: "/sha38/mp?uploads"})
	must(t, up.errOrNil())
	_, rest, _ := strings.Cut(string(up.body), "<UploadId>")
	upload, _, _ := strings.Cut(rest, "</UploadId>")
	part := f.do(t, raw{method: "PUT", path: "/sha38/mp?partNumber=1&uploadId=" + upload, body: []byte("part")})
	must(t, part.errOrNil())
	other := sha256.Sum256([]byte("other"))
	wrong := hex.EncodeToString(other[:])
	unchanged := func(t *testing.T) {
		t.Helper()
		_, err := f.eng.HeadObject(ctx, "sha38", "k")
		require.ErrorIs(t, err, engine.ErrNoSuchKey, "an object was stored")
		_, err = f.eng.HeadObject(ctx, "sha38", "mp")
		require.ErrorIs(t, err, engine.ErrNoSuchKey, "the upload was completed")
		info, err := f.eng.HeadObject(ctx, "sha38", "keep")
		require.NoError(t, err, "an object was deleted")
		require.Empty(t, info.Tags, "the object was tagged")
		parts := f.do(t, raw{method: "GET", path: "/sha38/mp?uploadId=" + upload})
		require.Equal(t, 1, strings.Count(string(parts.body), "<Part>"), "%s", parts.body)
		require.Contains(t, string(parts.body), "<ETag>&quot;"+rev38MD5Hex("part")+"&quot;</ETag>")
		for _, q := range []string{"tagging", "policy", "cors", "lifecycle"} {
			res := f.do(t, raw{method: "GET", path: "/sha38?" + q})
			require.Equal(t, http.StatusNotFound, res.StatusCode, "%s: %s", q, res.body)
		}
		res := f.do(t, raw{method: "GET", path: "/sha38?versioning"})
		require.NotContains(t, string(res.body), "<Status>", "versioning was set")
	}
	for _, tc := range []struct {
		name, method, path string
		header             http.Header
		body               string
	}{
		{"PutObject", "PUT", "/sha38/k", nil, "hello"},
		{"PutObject without a body", "PUT", "/sha38/k", nil, ""},
		{"UploadPart", "PUT", "/sha38/mp?partNumber=1&uploadId=" + upload, nil, "other part"},
		{"CompleteMultipartUpload", "POST", "/sha38/mp?uploadId=" + upload, nil,
			`<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"` + rev38MD5Hex("part") + `"</ETag></Part></CompleteMultipartUpload>`},
		{"DeleteObjects", "POST", "/sha38?delete", hdr("Content-Md5", md5b64([]byte(`<Delete><Object><Key>keep</Key></Object></Delete>`))),
			`<Delete><Object><Key>keep</Key></Object></Delete>`},
		{"PutBucketTagging", "PUT", "/sha38?tagging", nil, `<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>`},
		{"PutBucketPolicy", "PUT", "/sha38?policy", nil,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::sha38/*"}]}`},
		{"PutBucketCors", "PUT", "/sha38?cors", hdr("Content-Md5", md5b64([]byte(`<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>`))),
			`<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule></CORSConfiguration>`},
		{"PutBucketLifecycleConfiguration", "PUT", "/sha38?lifecycle", hdr("Content-Md5", md5b64([]byte(`<LifecycleConfiguration><Rule><ID>r</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>`))),
			`<LifecycleConfiguration><Rule><ID>r</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>`},
		{"PutBucketVersioning", "PUT", "/sha38?versioning", nil, `<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>`},
		{"PutObjectTagging", "PUT", "/sha38/keep?tagging", nil, `<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>`},
		{"SelectObjectContent", "POST", "/sha38/keep?select&select-type=2", nil,
			`<SelectObjectContentRequest><Expression>SELECT * FROM S3Object</Expression><ExpressionType>SQL</ExpressionType>` +
				`<InputSerialization><CSV/></InputSerialization><OutputSerialization><CSV/></OutputSerialization></SelectObjectContentRequest>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := withDigestAs(t, f, tc.method, tc.path, tc.header, wrong, testAK, testSK)
			res := f.do(t, raw{method: tc.method, path: tc.path, header: h, body: []byte(tc.body), sign: "keep"})
			require.Equal(t, http.StatusBadRequest, res.StatusCode, "%s", res.body)
			require.Equal(t, "XAmzContentSHA256Mismatch", res.errCode(), "%s", res.body)
			require.Contains(t, string(res.body), "<ClientComputedContentSHA256>"+wrong+"</ClientComputedContentSHA256>")
			unchanged(t)
			// Refused before the body is read (another account; without a
			// body the mismatch is known first): the same nothing.
			other := f.do(t, raw{method: tc.method, path: tc.path, header: withDigestAs(t, f, tc.method, tc.path, tc.header, wrong, otherAK, otherSK), body: []byte(tc.body), sign: "keep"})
			if tc.body == "" {
				require.Equal(t, "XAmzContentSHA256Mismatch", other.errCode(), "%s", other.body)
			} else {
				require.Equal(t, http.StatusForbidden, other.StatusCode, "%s", other.body)
			}
			unchanged(t)
		})
	}
	t.Run("OSS PutObject", func(t *testing.T) {
		res := f.do(t, raw{method: "PUT", path: "/sha38/k", header: hdr("X-Amz-Content-Sha256", wrong), body: []byte("hello"), sign: "oss-v1"})
		require.Equal(t, http.StatusBadRequest, res.StatusCode, "%s", res.body)
		require.Equal(t, "InvalidDigest", res.errCode(), "%s", res.body) // OSS's code for it
		require.Contains(t, string(res.body), "<ClientComputedContentSHA256>"+wrong+"</ClientComputedContentSHA256>")
		unchanged(t)
	})
	t.Run("not hex", func(t *testing.T) {
		notHex := strings.Repeat("z", 64)
		s3res := f.do(t, raw{method: "PUT", path: "/sha38/k", header: withDigestAs(t, f, "PUT", "/sha38/k", nil, notHex, testAK, testSK), body: []byte("hello"), sign: "keep"})
		ossres := f.do(t, raw{method: "PUT", path: "/sha38/k", header: hdr("X-Amz-Content-Sha256", notHex), body: []byte("hello"), sign: "oss-v1"})
		for _, res := range []rawResponse{s3res, ossres} {
			require.Equal(t, http.StatusBadRequest, res.StatusCode, "%s", res.body)
			require.Equal(t, "InvalidArgument", res.errCode(), "%s", res.body)
			require.Contains(t, string(res.body), "<ArgumentValue>"+notHex+"</ArgumentValue>")
		}
		unchanged(t)
	})
}

// withDigestAs signs a request as the given account with digest as its
// x-amz-content-sha256, whatever its body.
func withDigestAs(t *testing.T, f *fixture, method, path string, header http.Header, digest, ak, sk string) http.Header {
	req, err := http.NewRequest(method, f.srv.URL+path, nil)
	require.NoError(t, err)
	for k, vs := range header {
		req.Header[k] = vs
	}
	_, err = sigv4.SignRequest(req, sigv4.Credentials{AccessKeyID: ak, SecretAccessKey: sk}, "us-east-1", "s3", f.clock.Now(), digest)
	require.NoError(t, err)
	return req.Header
}

func rev38MD5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// TestRev38ConditionsInAnyCaseOnTheWire: conditional headers sent in
// lower and upper case over a raw HTTP/1.1 connection (as a client that
// is not Go's writes them) are judged as canonical ones are: net/http's
// server canonicalizes every name before the handler reads them by
// canonical name (small37's headerValue). GET and HEAD with If-Match,
// If-None-Match and the dates, and CopyObject with
// x-amz-copy-source-if-match.
func TestRev38ConditionsInAnyCaseOnTheWire(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.do(t, raw{method: "PUT", path: "/case38"}).errOrNil())
	put := f.do(t, raw{method: "PUT", path: "/case38/k", body: []byte("body")})
	must(t, put.errOrNil())
	etag := put.Header.Get("ETag")
	lastModified := f.do(t, raw{method: "HEAD", path: "/case38/k"}).Header.Get("Last-Modified")
	send := func(method, path string, header http.Header, spell func(string) string) int {
		t.Helper()
		req, err := http.NewRequest(method, f.srv.URL+path, nil)
		require.NoError(t, err)
		for k, vs := range header {
			req.Header[k] = vs
		}
		_, err = sigv4.SignRequest(req, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "us-east-1", "s3", f.clock.Now(), sigv4.EmptySHA256)
		require.NoError(t, err)
		conn, err := net.Dial("tcp", req.URL.Host)
		require.NoError(t, err)
		defer conn.Close()
		var b strings.Builder
		fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n", method, path, req.URL.Host)
		for k, vs := range req.Header {
			for _, v := range vs {
				fmt.Fprintf(&b, "%s: %s\r\n", spell(k), v)
			}
		}
		b.WriteString("\r\n")
		_, err = io.WriteString(conn, b.String())
		require.NoError(t, err)
		res, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: method})
		require.NoError(t, err)
		res.Body.Close()
		return res.StatusCode
	}
	for _, spell := range []func(string) string{strings.ToLower, strings.ToUpper} {
		for _, tc := range []struct {
			method, path string
			header       http.Header
			status       int
		}{
			{"GET", "/case38/k", hdr("If-Match", `"other"`), http.StatusPreconditionFailed},
			{"HEAD", "/case38/k", hdr("If-Match", `"other"`), http.StatusPreconditionFailed},
			{"GET", "/case38/k", hdr("If-None-Match", etag), http.StatusNotModified},
			{"GET", "/case38/k", hdr("If-Modified-Since", lastModified), http.StatusNotModified},
			{"GET", "/case38/k", hdr("If-Unmodified-Since", "Mon, 01 Jan 2001 00:00:00 GMT"), http.StatusPreconditionFailed},
			{"GET", "/case38/k", hdr("If-Match", etag), http.StatusOK},
			{"PUT", "/case38/copy", hdr("X-Amz-Copy-Source", "/case38/k", "X-Amz-Copy-Source-If-Match", `"other"`), http.StatusPreconditionFailed},
			{"PUT", "/case38/copy", hdr("X-Amz-Copy-Source", "/case38/k", "X-Amz-Copy-Source-If-None-Match", etag), http.StatusPreconditionFailed},
		} {
			require.Equal(t, tc.status, send(tc.method, tc.path, tc.header, spell), "%s %s %v", tc.method, tc.path, tc.header)
		}
	}
	_, err := f.eng.HeadObject(context.Background(), "case38", "copy")
	require.ErrorIs(t, err, engine.ErrNoSuchKey, "a copy whose condition failed was made")
}
