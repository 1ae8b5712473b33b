package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/ssig"
)

// Behaviours checked against Sina's own API documents
// (SinaCloudStorage/scs-api-doc README.md) and SDKs (docs/sdk-suites.md,
// "The Sina SCS SDKs and API documents as a corpus").

// sina33JSONErr decodes a Sina JSON error document.
func sina33JSONErr(t *testing.T, r rawResponse) map[string]string {
	t.Helper()
	var doc map[string]any
	require.NoError(t, json.Unmarshal(r.body, &doc), "%s", r.body)
	out := map[string]string{}
	for k, v := range doc {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	require.Equal(t, out["Code"], r.Header.Get("X-Error-Code"), "X-Error-Code names the code")
	return out
}

// scs-api-doc, PUT Object - Copy: Content-Length "必须是0" (must be 0), as
// for Relax. A copy carrying a body was answered 200 and the body
// dropped; it is refused like Relax's, and nothing is written.
func TestSina33CopyTakesNoBody(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	r := f.do(t, raw{method: "PUT", path: "/sina33copy/?formatter=json", sign: "sina"})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: "PUT", path: "/sina33copy/src.txt?formatter=json", sign: "sina", body: []byte("source"), header: hdr("Content-Type", "text/plain")})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)

	r = f.do(t, raw{method: "PUT", path: "/sina33copy/dst.txt?formatter=json", sign: "sina", body: []byte("zzz"),
		header: hdr("Content-Type", "text/plain", "X-Amz-Copy-Source", "/sina33copy/src.txt")})
	require.Equal(t, http.StatusBadRequest, r.StatusCode, "a copy with a body: %s", r.body)
	e := sina33JSONErr(t, r)
	require.Equal(t, "InvalidArgument", e["Code"])
	require.Equal(t, "Content-Length", e["ArgumentName"])
	r = f.do(t, raw{method: "GET", path: "/sina33copy/dst.txt?formatter=json", sign: "sina"})
	require.Equal(t, http.StatusNotFound, r.StatusCode, "the refused copy wrote nothing: %s", r.body)

	// Without a body (the documented form, as the Python SDK sends it) it copies.
	r = f.do(t, raw{method: "PUT", path: "/sina33copy/dst.txt?formatter=json", sign: "sina",
		header: hdr("Content-Length", "0", "X-Amz-Copy-Source", "/sina33copy/src.txt", "X-Amz-Metadata-Directive", "COPY")})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: "GET", path: "/sina33copy/dst.txt?formatter=json", sign: "sina"})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	require.Equal(t, "source", string(r.body))
}

// scs-api-doc, Upload Part: "分片数不能超过2048" (at most 2048 parts,
// numbered from 1). Part number 0 or above 10000 was refused naming S3's
// limit (1..10000) while 2049..10000 named 2048; UploadPartCopy took
// part numbers up to 10000. Every refusal now names 2048, and
// UploadPartCopy keeps the same limit.
func TestSina33PartNumberNamesLimit(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	r := f.do(t, raw{method: "PUT", path: "/sina33parts/?formatter=json", sign: "sina"})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: "PUT", path: "/sina33parts/src.bin?formatter=json", sign: "sina", body: []byte("part source")})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: "POST", path: "/sina33parts/big.bin?multipart&formatter=json", sign: "sina"})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	var up struct{ UploadId string }
	require.NoError(t, json.Unmarshal(r.body, &up))
	require.NotEmpty(t, up.UploadId)

	for _, n := range []string{"0", "2049", "10000", "10001", "x"} {
		for _, copySrc := range []string{"", "/sina33parts/src.bin"} {
			q := raw{method: "PUT", path: "/sina33parts/big.bin?partNumber=" + n + "&uploadId=" + up.UploadId + "&formatter=json", sign: "sina", body: []byte("abc")}
			if copySrc != "" {
				q.body, q.header = nil, hdr("X-Amz-Copy-Source", copySrc)
			}
			r = f.do(t, q)
			require.Equal(t, http.StatusBadRequest, r.StatusCode, "part %s (copy %q): %s", n, copySrc, r.body)
			e := sina33JSONErr(t, r)
			require.Equal(t, "InvalidArgument", e["Code"])
			require.True(t, strings.Contains(e["Message"], "between 1 and 2048"), "part %s (copy %q) names Sina's limit: %s", n, copySrc, e["Message"])
		}
	}
	for _, n := range []string{"1", "2048"} {
		r = f.do(t, raw{method: "PUT", path: "/sina33parts/big.bin?partNumber=" + n + "&uploadId=" + up.UploadId + "&formatter=json", sign: "sina", body: []byte("abc")})
		require.Equal(t, http.StatusOK, r.StatusCode, "part %s: %s", n, r.body)
	}
}

// The official SCS Go SDK (SinaCloudStorage-SDK-Go, PutExpire) writes
// x-sina-expire as Go's time.RFC1123, "Mon, 07 Dec 2026 04:01:50 UTC" for
// a UTC time, the form of every date in SCS's JSON; osslite read the
// header with http.ParseTime (GMT only) and refused the upload 400
// InvalidArgument. The UTC form is read as its Date header already was
// (ssig.ParseDate): validated, listed as Expiration-Time and scheduled.
func TestSina33ExpireUTCForm(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	r := f.do(t, raw{method: "PUT", path: "/sina33exp/?formatter=json", sign: "sina"})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	at := f.clock.Now().Add(time.Hour).UTC()
	r = f.do(t, raw{method: "PUT", path: "/sina33exp/tmp.txt?formatter=json", sign: "sina", body: []byte("short-lived"),
		header: hdr("Content-Type", "text/plain", "X-Sina-Expire", at.Format(time.RFC1123))})
	require.Equal(t, http.StatusOK, r.StatusCode, "x-sina-expire in the UTC form: %s", r.body)

	r = f.do(t, raw{method: "GET", path: "/sina33exp/?formatter=json", sign: "sina"})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	var list struct {
		Contents []struct {
			Name           string
			ExpirationTime *string `json:"Expiration-Time"`
		}
	}
	require.NoError(t, json.Unmarshal(r.body, &list), "%s", r.body)
	require.Len(t, list.Contents, 1)
	require.NotNil(t, list.Contents[0].ExpirationTime, "listed with its expiry: %s", r.body)
	require.Equal(t, at.Format("Mon, 02 Jan 2006 15:04:05 UTC"), *list.Contents[0].ExpirationTime)

	// Another zone is still refused, not converted.
	r = f.do(t, raw{method: "PUT", path: "/sina33exp/cst.txt?formatter=json", sign: "sina", body: []byte("x"),
		header: hdr("Content-Type", "text/plain", "X-Sina-Expire", at.Format("Mon, 02 Jan 2006 15:04:05")+" CST")})
	require.Equal(t, http.StatusBadRequest, r.StatusCode, "%s", r.body)
	require.Equal(t, "InvalidArgument", sina33JSONErr(t, r)["Code"])

	// Deleted after that time by the lifecycle pass.
	f.clock.Advance(2 * time.Hour)
	_, err := f.eng.RunPending(ctx)
	require.NoError(t, err)
	r = f.do(t, raw{method: "GET", path: "/sina33exp/tmp.txt?formatter=json", sign: "sina"})
	require.Equal(t, http.StatusNotFound, r.StatusCode, "expired and deleted: %s", r.body)
}

// sina33JSSigned signs q as Sina's JS SDK (scs-sdk-js, lib/signers/s3.js)
// does: no Date header, the time in X-Amz-Date (signed among the x-amz-
// headers), an empty Date line in the string to sign.
func sina33JSSigned(method, path, resource string, at time.Time, h http.Header, body []byte) raw {
	if h == nil {
		h = http.Header{}
	}
	h.Set("X-Amz-Date", at.UTC().Format(http.TimeFormat))
	sts := ssig.StringToSign(method, h, "", resource)
	h.Set("Authorization", "SINA "+testAK+":"+ssig.Sign(testSK, sts))
	return raw{method: method, path: path, sign: "keep", header: h, body: body}
}

// Sina's JS SDK signs with X-Amz-Date and no Date header (browsers may
// not set Date); osslite answered every such request 400 InvalidArgument
// "missing or malformed date". X-Amz-Date now stands for Date when Date
// is absent, with the same expiry rule; the signature still covers it.
func TestSina33XAmzDateForm(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	now := f.clock.Now()
	r := f.do(t, sina33JSSigned("PUT", "/sina33js/", "/sina33js/", now, nil, nil))
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	r = f.do(t, sina33JSSigned("PUT", "/sina33js/k.txt", "/sina33js/k.txt", now, hdr("Content-Type", "text/plain"), []byte("js form")))
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	r = f.do(t, sina33JSSigned("GET", "/sina33js/k.txt", "/sina33js/k.txt", now, nil, nil))
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	require.Equal(t, "js form", string(r.body))

	// A stale X-Amz-Date is refused as a stale Date is.
	r = f.do(t, sina33JSSigned("GET", "/sina33js/k.txt", "/sina33js/k.txt", now.Add(-time.Hour), nil, nil))
	require.Equal(t, http.StatusForbidden, r.StatusCode, "%s", r.body)
	require.Equal(t, "ExpiredToken", sina33JSONErr(t, r)["Code"])
	// The date is signed: another X-Amz-Date breaks the signature.
	q := sina33JSSigned("GET", "/sina33js/k.txt", "/sina33js/k.txt", now, nil, nil)
	q.header.Set("X-Amz-Date", now.Add(time.Minute).UTC().Format(http.TimeFormat))
	r = f.do(t, q)
	require.Equal(t, http.StatusForbidden, r.StatusCode, "%s", r.body)
	require.Equal(t, "SignatureDoesNotMatch", sina33JSONErr(t, r)["Code"])
	// Neither Date nor X-Amz-Date: still refused.
	q = sina33JSSigned("GET", "/sina33js/k.txt", "/sina33js/k.txt", now, nil, nil)
	q.header.Del("X-Amz-Date")
	r = f.do(t, q)
	require.Equal(t, http.StatusBadRequest, r.StatusCode, "%s", r.body)
}

// sina33Serve answers a Sina-signed request through the handler itself.
func sina33Serve(t *testing.T, f *fixture, method, bucket, key string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	f.srv.Config.Handler.ServeHTTP(rec, sina33Request(f, method, bucket, key))
	return rec
}

// sina33Request is a Sina-signed request for key of bucket.
func sina33Request(f *fixture, method, bucket, key string) *http.Request {
	req := httptest.NewRequest(method, "/"+bucket+"/"+key+"?formatter=json", nil)
	req.Host = strings.TrimPrefix(f.srv.URL, "http://")
	req.Header.Set("Date", f.clock.Now().UTC().Format(http.TimeFormat))
	ssig.SignRequest(req, ssig.Resource{Bucket: bucket, EscapedKey: key}, testAK, testSK, f.clock.Now())
	return req
}

// scs-api-doc writes "ETag:" and "x-amz-meta-foo1:" in every answer, and
// Sina's PHP SDK (class/SCS.php, __responseHeaderCallback) matches
// 'ETag' and /^x-amz-meta-.*$/ case-sensitively; osslite wrote Go's
// canonical Etag and X-Amz-Meta-*, so the SDK saw no hash and no
// metadata. The Sina dialect now spells them as SCS does.
func TestSina33HeaderSpelling(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	r := f.do(t, raw{method: "PUT", path: "/sina33hdr/?formatter=json", sign: "sina"})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: "PUT", path: "/sina33hdr/k.txt?formatter=json", sign: "sina", body: []byte("hello"),
		header: hdr("Content-Type", "text/plain", "X-Amz-Meta-Color", "red")})
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	for _, m := range []string{"HEAD", "GET"} {
		h := wireHeader(t, f.srv.Listener.Addr().String(), sina33Request(f, m, "sina33hdr", "k.txt"))
		require.NotEmpty(t, h["ETag"], "%s: ETag spelled as SCS does: %v", m, h)
		require.Empty(t, h["Etag"], "%s", m)
		require.Equal(t, []string{"red"}, h["x-amz-meta-color"], "%s: %v", m, h)
		require.NotEmpty(t, h["x-amz-meta-crc32"], "%s: %v", m, h)
		require.Empty(t, h["X-Amz-Meta-Color"], "%s", m)
		// Read in the same process, the names are Go's canonical ones.
		rec := sina33Serve(t, f, m, "sina33hdr", "k.txt")
		require.Equal(t, http.StatusOK, rec.Code, "%s: %s", m, rec.Body)
		require.Equal(t, `"5d41402abc4b2a76b9719d911017c592"`, rec.Header().Get("ETag"), "%s: %v", m, rec.Header())
		require.Equal(t, "red", rec.Header().Get("X-Amz-Meta-Color"), "%s: %v", m, rec.Header())
	}
	// A client still reads them as usual.
	r = f.do(t, raw{method: "HEAD", path: "/sina33hdr/k.txt?formatter=json", sign: "sina"})
	require.Equal(t, `"5d41402abc4b2a76b9719d911017c592"`, r.Header.Get("ETag"))
	require.Equal(t, "red", r.Header.Get("X-Amz-Meta-Color"))
}
