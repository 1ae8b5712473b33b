package httpapi_test

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/osslite/osslite/pkg/sigv4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests in this file replay what the AWS SDK for Rust recorded against
// real S3 in its integration tests (smithy-lang/smithy-rs
// aws/sdk/integration-tests/s3/tests and the generated
// awslabs/aws-sdk-rust sdk/s3/tests: the JSON connection recordings its
// ReplayingClient plays back) and hold osslite's answers to the recorded
// ones (docs/sdk-suites.md, "aws-sdk-rust's S3 tests and recorded traffic
// as a corpus (thirty-first session)").

// ritMessage is one event-stream message: its string headers and payload.
type ritMessage struct {
	headers map[string]string
	payload []byte
}

// ritMessages splits an event-stream body into its messages (prelude:
// total and header lengths and a CRC; headers; payload; message CRC),
// keeping the string-valued headers (type 7), the only type S3 sends.
func ritMessages(t *testing.T, b []byte) []ritMessage {
	t.Helper()
	var out []ritMessage
	for len(b) > 0 {
		require.GreaterOrEqual(t, len(b), 16, "short message")
		total := int(binary.BigEndian.Uint32(b[0:4]))
		hlen := int(binary.BigEndian.Uint32(b[4:8]))
		require.LessOrEqual(t, total, len(b))
		hs := b[12 : 12+hlen]
		m := ritMessage{headers: map[string]string{}, payload: b[12+hlen : total-4]}
		for len(hs) > 0 {
			n := int(hs[0])
			name := string(hs[1 : 1+n])
			require.Equal(t, byte(7), hs[1+n], "header %s is not a string", name)
			vl := int(binary.BigEndian.Uint16(hs[2+n : 4+n]))
			m.headers[name] = string(hs[4+n : 4+n+vl])
			hs = hs[4+n+vl:]
		}
		out = append(out, m)
		b = b[total:]
	}
	return out
}

// TestRitSelectRecorded: select-object-content.json (aws-sdk-rust
// sdk/s3/tests, test_success): the SDK POSTs
// ?select&select-type=2&x-id=SelectObjectContent with every element of
// the request carrying the S3 namespace and the quotes of the expression
// as &quot; and &apos;; S3 answers 200 with a Records message
// (content-type application/octet-stream) holding the matching row, its
// last field keeping the input's \r (the file has CRLF lines, the input
// RecordDelimiter is \n), a Stats message (text/xml, <Stats xmlns="">,
// scanned and processed 333, the object's size, returned 39) and End.
func TestRitSelectRecorded(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "aws-rust-sdk")
	const sample = "Name,PhoneNumber,City,Occupation\r\nSam,(949) 555-6701,Irvine,Solutions Architect\r\n" +
		"Vinod,(949) 555-6702,Los Angeles,Solutions Architect\r\nJeff,(949) 555-6703,Seattle,AWS Evangelist\r\n" +
		"Jane,(949) 555-6704,Chicago,Developer\r\nSean,(949) 555-6705,Chicago,Developer\r\n" +
		"Mary,(949) 555-6706,Chicago,Developer\r\nKate,(949) 555-6707,Chicago,Developer"
	require.Len(t, sample, 333)
	r := f.do(t, raw{method: "PUT", path: "/aws-rust-sdk/sample_data.csv", body: []byte(sample)})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))

	const ns = ` xmlns="http://s3.amazonaws.com/doc/2006-03-01/"`
	req := `<SelectObjectContentRequest` + ns + `><Expression` + ns + `>SELECT * FROM s3object s WHERE s.&quot;Name&quot; = &apos;Jane&apos;</Expression>` +
		`<ExpressionType` + ns + `>SQL</ExpressionType><InputSerialization` + ns + `><CSV` + ns + `><FileHeaderInfo` + ns + `>USE</FileHeaderInfo></CSV>` +
		`<CompressionType` + ns + `>NONE</CompressionType></InputSerialization><OutputSerialization` + ns + `><CSV` + ns + `></CSV></OutputSerialization></SelectObjectContentRequest>`
	require.Len(t, req, 799, "the recorded content-length")
	r = f.do(t, raw{method: "POST", path: "/aws-rust-sdk/sample_data.csv?select&select-type=2&x-id=SelectObjectContent",
		header: hdr("Content-Type", "application/xml"), body: []byte(req)})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	msgs := ritMessages(t, r.body)
	require.Len(t, msgs, 3)
	assert.Equal(t, map[string]string{":message-type": "event", ":event-type": "Records", ":content-type": "application/octet-stream"}, msgs[0].headers)
	// S3 keeps the CR before the record delimiter in the last field
	// (39 bytes returned); osslite removes it, as sqlselect's doc.go
	// documents (a CRLF file read with the default "\n"), so the row is
	// one byte shorter: a documented difference, listed in
	// docs/sdk-suites.md.
	assert.Equal(t, "Jane,(949) 555-6704,Chicago,Developer\n", string(msgs[0].payload))
	assert.Equal(t, map[string]string{":message-type": "event", ":event-type": "Stats", ":content-type": "text/xml"}, msgs[1].headers)
	assert.Equal(t, `<Stats xmlns=""><BytesScanned>333</BytesScanned><BytesProcessed>333</BytesProcessed><BytesReturned>38</BytesReturned></Stats>`, string(msgs[1].payload))
	assert.Equal(t, map[string]string{":message-type": "event", ":event-type": "End"}, msgs[2].headers)
	assert.Empty(t, msgs[2].payload)
}

// TestRitDotSegmentKey: normalize-uri-path.json (smithy-rs,
// test_operation_should_not_normalize_uri_path): the SDK sends the key
// a/.././b.txt with its dot segments as they are, signed without
// normalising the path, and S3 answers 200, an empty body and the MD5
// ETag of "Hello, world"; the key is stored as sent.
func TestRitDotSegmentKey(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	const bucket = "test-bucket-ad7c9f01-7f7b-4669-b550-75cc6d4df0f1"
	seedBucket(t, f, bucket)
	r := f.do(t, raw{method: "PUT", path: "/" + bucket + "/a/.././b.txt", header: hdr("Content-Type", "application/octet-stream"), body: []byte("Hello, world")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.Equal(t, `"bc6e6f16b8a077ef5fbc8d59d0b931b9"`, r.Header.Get("ETag"))
	assert.Equal(t, "0", r.Header.Get("Content-Length"))
	assert.Empty(t, r.body)
	l := f.do(t, raw{method: "GET", path: "/" + bucket + "?list-type=2"})
	require.Equal(t, http.StatusOK, l.StatusCode)
	assert.Contains(t, string(l.body), "<Key>a/.././b.txt</Key>")
	assert.NotContains(t, string(l.body), "<Key>b.txt</Key>")
}

// TestRitObjectRetention: get_object_retention.json (smithy-rs): GET
// ?retention answers 200 and
// <Retention xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Mode>GOVERNANCE</Mode><RetainUntilDate>...T07:00:00.000Z</RetainUntilDate></Retention>,
// the date with milliseconds.
func TestRitObjectRetention(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	r := f.do(t, raw{method: "PUT", path: "/test-bucket", header: hdr("x-amz-bucket-object-lock-enabled", "true")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	until := f.clock.Now().UTC().AddDate(0, 0, 14).Truncate(24 * 3600 * 1e9).Add(7 * 3600 * 1e9)
	r = f.do(t, raw{method: "PUT", path: "/test-bucket/mathematics-bacon.png", body: []byte("png"), header: hdr(
		"x-amz-object-lock-mode", "GOVERNANCE", "x-amz-object-lock-retain-until-date", until.Format("2006-01-02T15:04:05Z"),
		"Content-MD5", "v/E5+gWsWD9oWlI6s9EQoA==")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	g := f.do(t, raw{method: "GET", path: "/test-bucket/mathematics-bacon.png?retention"})
	require.Equal(t, http.StatusOK, g.StatusCode, string(g.body))
	want := `<Retention xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Mode>GOVERNANCE</Mode><RetainUntilDate>` +
		until.Format("2006-01-02T15:04:05.000Z") + `</RetainUntilDate></Retention>`
	body := strings.TrimSpace(strings.TrimPrefix(string(g.body), `<?xml version="1.0" encoding="UTF-8"?>`))
	assert.Equal(t, want, body)
}

// TestRitSignedChunks: chunk-signing.json (smithy-rs,
// aws/sdk/integration-tests/s3/tests/data/chunk_signing, recorded
// 2026-01-27): a PutObject of 66560 bytes sent
// STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, signed chunks of 0x10000
// and 0x400 bytes, a signed "0" chunk, then x-amz-checksum-crc32 and
// x-amz-trailer-signature; content-length 66612, x-amz-decoded-content-
// length 66560, x-amz-sdk-checksum-algorithm CRC32, ?x-id=PutObject. S3
// answers 200, the MD5 ETag of the decoded body, x-amz-checksum-crc32
// sK4Y7A== and x-amz-checksum-type FULL_OBJECT. aws_chunked.rs sends the
// same with 8 KiB chunks (the SDK's smallest chunk size).
func TestRitSignedChunks(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "test-bucket")
	payload := bytes.Repeat([]byte{'a'}, 66560)
	for _, chunk := range []int{64 << 10, 8 << 10} {
		path := fmt.Sprintf("/test-bucket/mytest-%d.txt?x-id=PutObject", chunk)
		h := hdr("Content-Type", "application/octet-stream", "Content-Encoding", "aws-chunked",
			"x-amz-decoded-content-length", "66560", "x-amz-trailer", "x-amz-checksum-crc32",
			"x-amz-sdk-checksum-algorithm", "CRC32", "amz-sdk-request", "attempt=1; max=3")
		h, s := jitSign(t, f, "PUT", path, h, sigv4.StreamingPayloadTrailer)
		body := jitSignedTrailerBody(s, payload, chunk, "x-amz-checksum-crc32", "sK4Y7A==")
		r := f.do(t, raw{method: "PUT", path: path, header: h, body: body, sign: "keep"})
		require.Equal(t, http.StatusOK, r.StatusCode, "%d: %s", chunk, r.body)
		assert.Equal(t, `"da0d2e17cd5a8f14633c6b4aebad7e02"`, r.Header.Get("ETag"))
		assert.Equal(t, "sK4Y7A==", r.Header.Get("x-amz-checksum-crc32"))
		assert.Equal(t, "FULL_OBJECT", r.Header.Get("x-amz-checksum-type"), "%d", chunk)
		assert.Equal(t, "0", r.Header.Get("Content-Length"))
	}
}

// TestRitNoAuth: data/no_auth (smithy-rs no_auth.rs, recorded against a
// public bucket, 2023-08-07): anonymous HEAD and GET (?x-id=GetObject)
// of an object with a JSON x-amz-meta-description answer 200 with
// binary/octet-stream, accept-ranges bytes, the quoted MD5 ETag and the
// metadata as stored; ListObjects ?max-keys=3 and ListObjectsV2
// ?list-type=2&max-keys=3 answer application/xml with
// x-amz-bucket-region, an empty <Prefix>, MaxKeys 3 and IsTruncated
// true; the v1 Contents carry Owner unasked (osslite: none, below), the
// v2 ones do not, and v2
// has KeyCount 3 and a NextContinuationToken; every Contents is STANDARD.
func TestRitNoAuth(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	const bucket = "gdc-organoid-pancreatic-phs001611-2-open"
	r := f.do(t, raw{method: "PUT", path: "/" + bucket, header: hdr("x-amz-acl", "public-read")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	const desc = `{"url": "s3://cleversafe.service.consul/stage-submission-5/x.txt.gz", "node_id": "x.txt.gz"}`
	keys := []string{"0431cddc/a6ddcc84.FPKM-UQ.txt.gz", "04a0a508/30520ecd.FPKM-UQ.txt.gz", "0541851c/c92f3dc4.tsv.gz", "0552/x.gz"}
	for _, k := range keys {
		r = f.do(t, raw{method: "PUT", path: "/" + bucket + "/" + k, header: hdr("x-amz-acl", "public-read", "x-amz-meta-description", desc), body: []byte(k)})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	}
	for _, m := range []string{"HEAD", "GET"} {
		g := f.do(t, raw{method: m, path: "/" + bucket + "/" + keys[0] + "?x-id=GetObject", sign: "anon"})
		require.Equal(t, http.StatusOK, g.StatusCode, m)
		assert.Equal(t, "binary/octet-stream", g.Header.Get("Content-Type"), m)
		assert.Equal(t, "bytes", g.Header.Get("Accept-Ranges"), m)
		assert.Equal(t, fmt.Sprint(len(keys[0])), g.Header.Get("Content-Length"), m)
		assert.Equal(t, desc, g.Header.Get("x-amz-meta-description"), m)
		assert.Regexp(t, `^"[0-9a-f]{32}"$`, g.Header.Get("ETag"), m)
		assert.NotEmpty(t, g.Header.Get("Last-Modified"), m)
	}
	for _, q := range []string{"?max-keys=3", "?list-type=2&max-keys=3"} {
		l := f.do(t, raw{method: "GET", path: "/" + bucket + q, sign: "anon"})
		require.Equal(t, http.StatusOK, l.StatusCode, string(l.body))
		assert.Equal(t, "application/xml", l.Header.Get("Content-Type"), q)
		assert.Equal(t, "us-east-1", l.Header.Get("x-amz-bucket-region"), q)
		body := string(l.body)
		assert.Contains(t, body, `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>`+bucket+`</Name><Prefix></Prefix>`, q)
		assert.Contains(t, body, "<MaxKeys>3</MaxKeys><IsTruncated>true</IsTruncated>", q)
		assert.Equal(t, 3, strings.Count(body, "<StorageClass>STANDARD</StorageClass></Contents>"), q)
		if q == "?max-keys=3" {
			assert.Contains(t, body, "<Marker></Marker>", q)
			// S3 listed each Owner in this anonymous listing; osslite
			// lists none, as decided from LocalStack's
			// test_bucket_name_with_dots (TestLsrAnonymousListingNoOwner):
			// conflicting recordings, listed in docs/sdk-suites.md.
			assert.NotContains(t, body, "<Owner>", q)
		} else {
			assert.Contains(t, body, "<KeyCount>3</KeyCount>", q)
			assert.Contains(t, body, "<NextContinuationToken>", q)
			assert.NotContains(t, body, "<Owner>", q)
		}
	}
}

// TestRitExpressListV2: data/express/list-objects-v2.json (smithy-rs
// express.rs, recorded 2024-01-29): the SDK asks GET /?session with
// x-amz-create-session-mode: ReadWrite, signed for s3express, and S3
// answers a CreateSessionResult whose Credentials hold SessionToken,
// SecretAccessKey, AccessKeyId and an Expiration without fractions; the
// ListObjectsV2 signed with the session answers x-amz-bucket-region and
// Contents with the object's ChecksumAlgorithm (CRC32, the SDK's default
// on the PUT) and StorageClass EXPRESS_ONEZONE, KeyCount 1, MaxKeys 1000.
func TestRitExpressListV2(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	createExpressBucket(t, f.client())
	r := sessionRequestH(t, f, "GET", "/"+expressBucket+"?session", testAK, testSK, "", nil, hdr("x-amz-create-session-mode", "ReadWrite"))
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.Equal(t, "application/xml", r.Header.Get("Content-Type"))
	var sess struct {
		XMLName     xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ CreateSessionResult"`
		Credentials struct {
			SessionToken, SecretAccessKey, AccessKeyID, Expiration string
		}
	}
	require.NoError(t, xml.Unmarshal(r.body, &sess))
	assert.Contains(t, string(r.body), "<Credentials><SessionToken>")
	assert.Regexp(t, `<AccessKeyId>[^<]+</AccessKeyId><Expiration>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ</Expiration></Credentials>`, string(r.body))
	c := sess.Credentials
	require.NotEmpty(t, c.SessionToken)
	ak := regexp.MustCompile(`<AccessKeyId>([^<]+)</AccessKeyId>`).FindStringSubmatch(string(r.body))[1]

	body := []byte("hello, world!\n")
	p := sessionRequestH(t, f, "PUT", "/"+expressBucket+"/hello-world.txt", ak, c.SecretAccessKey, c.SessionToken, body,
		hdr("x-amz-checksum-crc32", jitCRC32(body), "x-amz-sdk-checksum-algorithm", "CRC32"))
	require.Equal(t, http.StatusOK, p.StatusCode, string(p.body))
	l := sessionRequestH(t, f, "GET", "/"+expressBucket+"?list-type=2", ak, c.SecretAccessKey, c.SessionToken, nil, nil)
	require.Equal(t, http.StatusOK, l.StatusCode, string(l.body))
	assert.NotEmpty(t, l.Header.Get("x-amz-bucket-region"))
	var res struct {
		Name     string
		Prefix   *string
		KeyCount int
		MaxKeys  int
		Contents []struct {
			ChecksumAlgorithm, ETag, Key, StorageClass string
			Size                                       int
		}
	}
	require.NoError(t, xml.Unmarshal(l.body, &res))
	assert.Equal(t, expressBucket, res.Name)
	require.NotNil(t, res.Prefix, "an empty Prefix element")
	assert.Equal(t, 1, res.KeyCount)
	assert.Equal(t, 1000, res.MaxKeys)
	require.Len(t, res.Contents, 1)
	assert.Equal(t, "CRC32", res.Contents[0].ChecksumAlgorithm)
	assert.Equal(t, "EXPRESS_ONEZONE", res.Contents[0].StorageClass)
	assert.Equal(t, len(body), res.Contents[0].Size)
}

// ritPresign presigns method and path as aws-sigv4 lays a presigned URL
// out: the operation's own query first (x-id=GetObject), then
// X-Amz-Algorithm, -Credential, -Date, -Expires, -SignedHeaders and
// X-Amz-Signature, with the headers of signed (content-length,
// content-type for a PutObject with them set) in X-Amz-SignedHeaders.
func ritPresign(t *testing.T, f *fixture, method, path, opQuery string, signed http.Header) string {
	t.Helper()
	ts := f.clock.Now().UTC().Format(sigv4.TimeFormat)
	scope := sigv4.Scope{Date: ts[:8], Region: "us-east-1", Service: "s3"}
	names := []string{"host"}
	for k := range signed {
		names = append(names, strings.ToLower(k))
	}
	sort.Strings(names)
	cred := sigv4.Credential{AccessKeyID: testAK, Scope: scope}
	q := opQuery + "&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + url.QueryEscape(cred.String()) +
		"&X-Amz-Date=" + ts + "&X-Amz-Expires=30&X-Amz-SignedHeaders=" + url.QueryEscape(strings.Join(names, ";"))
	q = strings.TrimPrefix(q, "&")
	req, err := http.NewRequest(method, f.srv.URL+path+"?"+q, nil)
	require.NoError(t, err)
	for k, vs := range signed {
		req.Header[k] = vs
	}
	cr := sigv4.CanonicalRequest(req, names, sigv4.UnsignedPayload, true)
	key := sigv4.SigningKey(testSK, scope.Date, "us-east-1", "s3")
	return path + "?" + q + "&X-Amz-Signature=" + sigv4.Signature(key, sigv4.StringToSign(cr, ts, scope))
}

// TestRitPresigned: presigning.rs. The SDK's presigned GET carries
// x-id=GetObject before the X-Amz-* parameters and signs host alone; a
// PutObject with content_length and content_type set signs
// content-length;content-type;host and the caller must send both; a
// HEAD signs host. S3 serves each; a PUT whose Content-Length differs
// from the signed one fails its signature.
func TestRitPresigned(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "test-bucket")
	body := bytes.Repeat([]byte("z"), 12345)
	signed := hdr("Content-Length", "12345", "Content-Type", "application/x-test")
	u := ritPresign(t, f, "PUT", "/test-bucket/test-key", "x-id=PutObject", signed)
	r := f.do(t, raw{method: "PUT", path: u, header: hdr("Content-Type", "application/x-test"), body: body, sign: "anon"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))

	r = f.do(t, raw{method: "PUT", path: u, header: hdr("Content-Type", "application/x-test"), body: body[:100], sign: "anon"})
	assert.Equal(t, http.StatusForbidden, r.StatusCode, string(r.body))
	assert.Equal(t, "SignatureDoesNotMatch", r.errCode())

	g := f.do(t, raw{method: "GET", path: ritPresign(t, f, "GET", "/test-bucket/test-key", "x-id=GetObject", nil), sign: "anon"})
	require.Equal(t, http.StatusOK, g.StatusCode, string(g.body))
	assert.Equal(t, "application/x-test", g.Header.Get("Content-Type"))
	assert.True(t, bytes.Equal(body, g.body))
	h := f.do(t, raw{method: "HEAD", path: ritPresign(t, f, "HEAD", "/test-bucket/test-key", "", nil), sign: "anon"})
	require.Equal(t, http.StatusOK, h.StatusCode)
	assert.Equal(t, "12345", h.Header.Get("Content-Length"))
}

// TestRitQueryStringCharacters: query-strings-are-correctly-encoded.rs
// lists with the prefix :/?#[]@!$&'"(){}~`*+,;=%<> (its ignored live
// test walks every byte and expects neither SignatureDoesNotMatch,
// InvalidUri nor InvalidArgument from S3); the SDK percent-encodes every
// one of them in the query, ~ included, and signs the canonical form.
func TestRitQueryStringCharacters(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "telephone-game")
	const prefix = ":/?#[]@!$&'\"(){}~`*+,;=%<>"
	key := prefix + "k"
	r := f.do(t, raw{method: "PUT", path: "/telephone-game/" + sigv4.UriEncode(key, false), body: []byte("v")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	var enc strings.Builder
	for i := 0; i < len(prefix); i++ {
		fmt.Fprintf(&enc, "%%%02X", prefix[i])
	}
	l := f.do(t, raw{method: "GET", path: "/telephone-game?list-type=2&prefix=" + enc.String()})
	require.Equal(t, http.StatusOK, l.StatusCode, string(l.body))
	var res struct {
		Prefix   string
		Contents []struct{ Key string }
	}
	require.NoError(t, xml.Unmarshal(l.body, &res))
	assert.Equal(t, prefix, res.Prefix)
	require.Len(t, res.Contents, 1)
	assert.Equal(t, key, res.Contents[0].Key)
	for b := 1; b < 256; b++ {
		if b == 0x7f {
			continue
		}
		p := fmt.Sprintf("%%%02X", b)
		l := f.do(t, raw{method: "GET", path: "/telephone-game?list-type=2&prefix=" + p})
		assert.Equal(t, http.StatusOK, l.StatusCode, "byte %d: %s", b, l.body)
	}
}

// TestRitObjectAttributesRoot: ignore-invalid-xml-body-root.rs replays
// S3's answer (2022-08-23) to GetObjectAttributes with
// x-amz-object-attributes: Checksum for "Hello world" put with SHA-1: 200,
// Last-Modified, and a document whose root is
// GetObjectAttributesResponse (not the model's ...Output) holding
// <Checksum><ChecksumSHA1>e1AsOh9IyGCa4hLN+2Od7jlnP14=</ChecksumSHA1>.
func TestRitObjectAttributesRoot(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "some-test-bucket")
	r := f.do(t, raw{method: "PUT", path: "/some-test-bucket/test.txt", header: hdr("x-amz-checksum-sha1", "e1AsOh9IyGCa4hLN+2Od7jlnP14="), body: []byte("Hello world")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	a := f.do(t, raw{method: "GET", path: "/some-test-bucket/test.txt?attributes", header: hdr("x-amz-object-attributes", "Checksum")})
	require.Equal(t, http.StatusOK, a.StatusCode, string(a.body))
	assert.NotEmpty(t, a.Header.Get("Last-Modified"))
	assert.Contains(t, string(a.body), `<GetObjectAttributesResponse xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Checksum><ChecksumSHA1>e1AsOh9IyGCa4hLN+2Od7jlnP14=</ChecksumSHA1>`)
}

// TestRitRequestIDs: request_id.rs reads the request id from
// x-amz-request-id and the extended one from x-amz-id-2, never from the
// error body's RequestId, on errors and on successful streaming and
// non-streaming answers; S3 sends both headers on each.
func TestRitRequestIDs(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "dontcare")
	for _, q := range []raw{
		{method: "GET", path: "/dontcare/dontcare"},
		{method: "GET", path: "/"},
		{method: "PUT", path: "/dontcare/k", body: []byte("some streaming file data")},
		{method: "GET", path: "/dontcare/k"},
	} {
		r := f.do(t, q)
		assert.NotEmpty(t, r.Header.Get("x-amz-request-id"), "%s %s", q.method, q.path)
		assert.NotEmpty(t, r.Header.Get("x-amz-id-2"), "%s %s", q.method, q.path)
		if r.StatusCode == http.StatusNotFound {
			assert.Equal(t, "NoSuchKey", r.errCode())
			assert.Contains(t, string(r.body), "<RequestId>"+r.Header.Get("x-amz-request-id")+"</RequestId>")
		}
	}
}

// TestRitCreateBucketEmptyBody: send-successive-requests-with-expired-
// creds.json (smithy-rs, recorded 2021-09-21): CreateBucket goes out as
// a PUT with Content-Type application/xml and Content-Length 0 (no
// CreateBucketConfiguration), and S3 answers 200, an empty body and
// Location /<bucket>.
func TestRitCreateBucketEmptyBody(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	const bucket = "test-bucket-s2dhlj57-3mg8-54949-bn28-fj37tnw91is1"
	r := f.do(t, raw{method: "PUT", path: "/" + bucket, header: hdr("Content-Type", "application/xml"), body: []byte{}})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.Equal(t, "/"+bucket, r.Header.Get("Location"))
	assert.Equal(t, "0", r.Header.Get("Content-Length"))
	assert.Empty(t, r.body)
}

// TestS3DocumentsInNamespace: every S3 document osslite answers is in
// S3's namespace, as get_object_retention.json records for one of them,
// including the ones whose Go type names its root in a tag (legal hold,
// ABAC, request metrics, analytics, inventory, Intelligent-Tiering);
// OSS's documents have no namespace.
func TestS3DocumentsInNamespace(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	r := f.do(t, raw{method: "PUT", path: "/nsdocs", header: hdr("x-amz-bucket-object-lock-enabled", "true")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	sum := md5.Sum([]byte("v"))
	must(t, f.do(t, raw{method: "PUT", path: "/nsdocs/k", body: []byte("v"), header: hdr("x-amz-object-lock-legal-hold", "ON",
		"Content-MD5", base64.StdEncoding.EncodeToString(sum[:]))}).errOrNil())
	for _, put := range []struct{ path, body string }{
		{"/nsdocs?metrics&id=m", `<MetricsConfiguration><Id>m</Id></MetricsConfiguration>`},
		{"/nsdocs?analytics&id=a", `<AnalyticsConfiguration><Id>a</Id><StorageClassAnalysis/></AnalyticsConfiguration>`},
		{"/nsdocs?intelligent-tiering&id=t", `<IntelligentTieringConfiguration><Id>t</Id><Status>Enabled</Status><Tiering><Days>90</Days><AccessTier>ARCHIVE_ACCESS</AccessTier></Tiering></IntelligentTieringConfiguration>`},
		{"/nsdocs?inventory&id=i", `<InventoryConfiguration><Id>i</Id><IsEnabled>true</IsEnabled><Destination><S3BucketDestination><Bucket>arn:aws:s3:::nsdocs</Bucket><Format>CSV</Format></S3BucketDestination></Destination><IncludedObjectVersions>All</IncludedObjectVersions><Schedule><Frequency>Daily</Frequency></Schedule></InventoryConfiguration>`},
		{"/nsdocs?abac", `<AbacStatus><Status>Enabled</Status></AbacStatus>`},
	} {
		r := f.do(t, raw{method: "PUT", path: put.path, body: []byte(put.body)})
		require.Less(t, r.StatusCode, 300, "%s: %s", put.path, r.body)
	}
	for _, get := range []struct{ path, root string }{
		{"/nsdocs/k?legal-hold", "LegalHold"},
		{"/nsdocs?metrics&id=m", "MetricsConfiguration"},
		{"/nsdocs?analytics&id=a", "AnalyticsConfiguration"},
		{"/nsdocs?intelligent-tiering&id=t", "IntelligentTieringConfiguration"},
		{"/nsdocs?inventory&id=i", "InventoryConfiguration"},
		{"/nsdocs?abac", "AbacStatus"},
		{"/nsdocs?metrics", "ListMetricsConfigurationsResult"},
		{"/nsdocs?inventory", "ListInventoryConfigurationsResult"},
	} {
		r := f.do(t, raw{method: "GET", path: get.path})
		require.Equal(t, http.StatusOK, r.StatusCode, "%s: %s", get.path, r.body)
		body := strings.TrimSpace(strings.TrimPrefix(string(r.body), `<?xml version="1.0" encoding="UTF-8"?>`))
		assert.True(t, strings.HasPrefix(body, `<`+get.root+` xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`), "%s: %s", get.path, body)
	}
	must(t, f.do(t, raw{method: "PUT", path: "/nsoss", sign: "oss-v1"}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/nsoss?overwriteConfig", sign: "oss-v1", body: []byte(`<OverwriteConfiguration><Rule><ID>r</ID><Action>forbid</Action></Rule></OverwriteConfiguration>`)}).errOrNil())
	r = f.do(t, raw{method: "GET", path: "/nsoss?overwriteConfig", sign: "oss-v1"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.NotContains(t, string(r.body), "xmlns", "OSS writes no namespace")
}
