package httpapi_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/osslite/osslite/pkg/checksum"
	"github.com/osslite/osslite/pkg/sigv4"
)

// TestPresignedQueryHeaders: SDKs presign a PutObject's metadata, canned
// ACL, tags, storage class and redirect by moving those x-amz-* headers
// into the URL (aws-sdk-js-v3's presigner, aws-sdk-go v1; botocore, boto
// and the JavaScript SDK v2 with SigV2), and S3 stores them from there, so
// a browser's plain PUT to the URL carries them. Server-side encryption
// and checksum parameters are not read from the query (S3 ignores them).
// SigV2 signs them as amz headers in place of headers of the same name.
func TestPresignedQueryHeaders(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "hoist")
	creds := sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}
	ctx := context.Background()
	put := func(t *testing.T, uri string, h http.Header) rawResponse {
		t.Helper()
		return f.do(t, raw{method: "PUT", path: uri, body: []byte("hoisted"), sign: "anon", header: h})
	}
	query := url.Values{
		"x-amz-meta-color":                {"blue"},
		"x-amz-acl":                       {"public-read"},
		"x-amz-tagging":                   {"team=a&env=b"},
		"x-amz-storage-class":             {"STANDARD_IA"},
		"x-amz-website-redirect-location": {"/elsewhere"},
		"x-amz-server-side-encryption":    {"AES256"},
		"x-amz-checksum-crc32":            {"AAAAAA=="}, // the empty body's, as aws-sdk-js-v3 presigns it
	}.Encode()

	t.Run("v4", func(t *testing.T) {
		req, _ := http.NewRequest("PUT", f.srv.URL+"/hoist/v4?"+query, nil)
		_, err := sigv4.Presign(req, creds, "us-east-1", "s3", f.clock.Now(), time.Hour)
		must(t, err)
		if r := put(t, req.URL.RequestURI(), nil); r.StatusCode != 200 {
			t.Fatalf("presigned PUT: %d %s", r.StatusCode, r.body)
		}
		info, err := f.eng.HeadObject(ctx, "hoist", "v4")
		must(t, err)
		if info.User["color"] != "blue" || info.StorageClass != "STANDARD_IA" || info.WebsiteRedirect != "/elsewhere" || len(info.Tags) != 2 {
			t.Fatalf("query headers not stored: meta %v class %q redirect %q tags %v", info.User, info.StorageClass, info.WebsiteRedirect, info.Tags)
		}
		if _, crc32 := info.Checksums[checksum.CRC32]; info.Encryption != nil || crc32 {
			t.Fatalf("encryption %+v or checksums %v read from the query", info.Encryption, info.Checksums)
		}
		if r := f.do(t, raw{method: "GET", path: "/hoist/v4", sign: "anon"}); r.StatusCode != 200 {
			t.Fatalf("x-amz-acl=public-read from the query not applied: anonymous GET %d", r.StatusCode)
		}
		// The query is signed: another value is refused.
		tampered := strings.Replace(req.URL.RequestURI(), "x-amz-meta-color=blue", "x-amz-meta-color=red", 1)
		if r := put(t, tampered, nil); r.StatusCode != 403 || r.errCode() != "SignatureDoesNotMatch" {
			t.Fatalf("tampered presigned PUT: %d %s", r.StatusCode, r.body)
		}
	})

	t.Run("v2", func(t *testing.T) {
		req, _ := http.NewRequest("PUT", f.srv.URL+"/hoist/v2?"+query, nil)
		sigv4.PresignV2(req, creds, "", f.clock.Now().Add(time.Hour))
		// A header of a name the query signed is not what was signed:
		// the query's value counts, the header's is dropped.
		h := http.Header{"X-Amz-Meta-Color": {"red"}, "X-Amz-Server-Side-Encryption": {"aws:kms"}}
		if r := put(t, req.URL.RequestURI(), h); r.StatusCode != 200 {
			t.Fatalf("presigned SigV2 PUT: %d %s", r.StatusCode, r.body)
		}
		info, err := f.eng.HeadObject(ctx, "hoist", "v2")
		must(t, err)
		if info.User["color"] != "blue" || info.StorageClass != "STANDARD_IA" || len(info.Tags) != 2 || info.Encryption != nil {
			t.Fatalf("SigV2 query headers: meta %v class %q tags %v encryption %+v", info.User, info.StorageClass, info.Tags, info.Encryption)
		}
		if r := f.do(t, raw{method: "GET", path: "/hoist/v2", sign: "anon"}); r.StatusCode != 200 {
			t.Fatalf("SigV2 x-amz-acl from the query not applied: anonymous GET %d", r.StatusCode)
		}
		tampered := strings.Replace(req.URL.RequestURI(), "x-amz-acl=public-read", "x-amz-acl=public-read-write", 1)
		if r := put(t, tampered, nil); r.StatusCode != 403 || r.errCode() != "SignatureDoesNotMatch" {
			t.Fatalf("tampered SigV2 presigned PUT: %d %s", r.StatusCode, r.body)
		}
	})

	t.Run("header-signed requests do not read the query", func(t *testing.T) {
		if r := f.do(t, raw{method: "PUT", path: "/hoist/plain?x-amz-meta-color=blue", body: []byte("x")}); r.StatusCode != 200 {
			t.Fatalf("PUT: %d %s", r.StatusCode, r.body)
		}
		info, err := f.eng.HeadObject(ctx, "hoist", "plain")
		must(t, err)
		if len(info.User) != 0 {
			t.Fatalf("a header-signed request's query became metadata: %v", info.User)
		}
	})
}

// TestPresignedV2QueryHeadersAsSigned: a SigV2 presigned URL's x-amz-*
// parameters are signed as "name:value" lines, so whatever a holder of
// the URL can change without changing those lines must change nothing.
// Folding whitespace around a value (the string to sign trims and unfolds
// it) is not what was signed: the value stored is the signed one. Nor may
// two signed parameters be sent as one whose name holds the first's
// value and a newline ("x-amz-acl:private\nx-amz-storage-class" =
// "STANDARD_IA" makes the same line pair): that dropped the storage class
// (or an ACL, tags, a redirect) the signer set. A name that is no header
// name is not an amz header, and is not signed.
func TestPresignedV2QueryHeadersAsSigned(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "hoist2")
	creds := sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}
	ctx := context.Background()
	presign := func(key, query string) string {
		req, _ := http.NewRequest("PUT", f.srv.URL+"/hoist2/"+key+"?"+query, nil)
		sigv4.PresignV2(req, creds, "", f.clock.Now().Add(time.Hour))
		return req.URL.RequestURI()
	}

	t.Run("whitespace", func(t *testing.T) {
		uri := presign("ws", "x-amz-meta-color=blue")
		uri = strings.Replace(uri, "x-amz-meta-color=blue", "x-amz-meta-color=%20%0A%09blue%20", 1)
		r := f.do(t, raw{method: "PUT", path: uri, body: []byte("x"), sign: "anon"})
		if r.StatusCode == 200 {
			info, err := f.eng.HeadObject(ctx, "hoist2", "ws")
			must(t, err)
			if got := info.User["color"]; got != "blue" {
				t.Fatalf("metadata %q stored, %q signed", got, "blue")
			}
		}
	})

	t.Run("merged names", func(t *testing.T) {
		uri := presign("merged", "x-amz-acl=private&x-amz-storage-class=STANDARD_IA")
		uri = strings.Replace(uri, "x-amz-acl=private&x-amz-storage-class=STANDARD_IA", "x-amz-acl%3Aprivate%0Ax-amz-storage-class=STANDARD_IA", 1)
		r := f.do(t, raw{method: "PUT", path: uri, body: []byte("x"), sign: "anon"})
		if r.StatusCode != 403 || r.errCode() != "SignatureDoesNotMatch" {
			info, _ := f.eng.HeadObject(ctx, "hoist2", "merged")
			t.Fatalf("merged parameters: %d %s (storage class %q)", r.StatusCode, r.body, info.StorageClass)
		}
	})
}

// presigners presign a method on a path (query included) for the
// fixture's key, by name: "v4" and "v2". Each returns the request URI.
func presigners(t *testing.T, f *fixture, method string) map[string]func(path string) string {
	creds := sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}
	return map[string]func(path string) string{
		"v4": func(path string) string {
			req, _ := http.NewRequest(method, f.srv.URL+path, nil)
			_, err := sigv4.Presign(req, creds, "us-east-1", "s3", f.clock.Now(), time.Hour)
			must(t, err)
			return req.URL.RequestURI()
		},
		"v2": func(path string) string {
			req, _ := http.NewRequest(method, f.srv.URL+path, nil)
			sigv4.PresignV2(req, creds, "", f.clock.Now().Add(time.Hour))
			return req.URL.RequestURI()
		},
	}
}

// TestPresignedPlusPathNamesSignedKey: a raw '+' in an S3 path is a space
// (TestPathPlusIsSpace), and a signature names one key: a URL presigned
// for "a+b" (its path /b/a%2Bb, as SDKs encode it) sent with a raw '+' is
// a request for "a b" and does not verify, in SigV4 and SigV2. SigV4's
// URL presigned for "a b" reads "a b" either way (SigV2 signs the path
// as sent).
func TestPresignedPlusPathNamesSignedKey(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "plussig")
	must(t, f.do(t, raw{method: "PUT", path: "/plussig/a%2Bb", body: []byte("plus")}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/plussig/a%20b", body: []byte("space")}).errOrNil())
	presign := presigners(t, f, "GET")
	for name, sign := range presign {
		t.Run(name, func(t *testing.T) {
			uri := strings.Replace(sign("/plussig/a%2Bb"), "a%2Bb", "a+b", 1)
			if r := f.do(t, raw{method: "GET", path: uri, sign: "anon"}); r.StatusCode != 403 {
				t.Fatalf("presigned for a+b, sent as /plussig/a+b: %d %q", r.StatusCode, r.body)
			}
			if name == "v2" {
				return
			}
			uri = strings.Replace(sign("/plussig/a%20b"), "a%20b", "a+b", 1)
			if r := f.do(t, raw{method: "GET", path: uri, sign: "anon"}); r.StatusCode != 200 || string(r.body) != "space" {
				t.Fatalf("presigned for a b, sent as /plussig/a+b: %d %q", r.StatusCode, r.body)
			}
		})
	}
}

// TestPresignedQueryHeadersGuarded: what a presigned URL's query sets is
// judged as the same headers would be: Block Public Access refuses a
// public x-amz-acl, BucketOwnerEnforced any ACL but the owner's, and a
// bucket policy's s3:x-amz-acl and s3:RequestObjectTag conditions see
// the query's values.
func TestPresignedQueryHeadersGuarded(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	for _, b := range []string{"gbpa", "gown", "gpol"} {
		seedBucket(t, f, b)
	}
	must(t, f.do(t, raw{method: "PUT", path: "/gbpa?publicAccessBlock", body: []byte(`<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls></PublicAccessBlockConfiguration>`)}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/gown?ownershipControls", body: []byte(`<OwnershipControls><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>`)}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/gpol?policy", body: []byte(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::gpol/*","Condition":{"StringEquals":{"s3:x-amz-acl":"public-read"}}},
		{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::gpol/*","Condition":{"StringEquals":{"s3:RequestObjectTag/class":"secret"}}}]}`)}).errOrNil())
	presign := presigners(t, f, "PUT")
	for name, sign := range presign {
		t.Run(name, func(t *testing.T) {
			for _, c := range []struct{ path, status, code string }{
				{"/gbpa/k?x-amz-acl=public-read", "403", "AccessDenied"},
				{"/gown/k?x-amz-acl=public-read", "400", "AccessControlListNotSupported"},
				{"/gpol/k?x-amz-acl=public-read", "403", "AccessDenied"},
				{"/gpol/k?x-amz-tagging=class%3Dsecret", "403", "AccessDenied"},
				{"/gpol/k?x-amz-tagging=class%3Dopen", "200", ""},
			} {
				r := f.do(t, raw{method: "PUT", path: sign(c.path), body: []byte("x"), sign: "anon"})
				if got := r.Status[:3]; got != c.status || r.errCode() != c.code {
					t.Errorf("%s: %s %s, want %s %s", c.path, got, r.errCode(), c.status, c.code)
				}
			}
		})
	}
}

// TestPresignedV4RepeatedQueryHeaders: SigV4's canonical query sorts a
// repeated parameter's values, so their order in the URL is not signed:
// whoever holds a URL presigned with x-amz-acl=private&x-amz-acl=public-read
// could swap them. The header a repeated parameter makes must not depend
// on that order.
func TestPresignedV4RepeatedQueryHeaders(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "rep")
	ctx := context.Background()
	req, _ := http.NewRequest("PUT", f.srv.URL+"/rep/k?x-amz-acl=private&x-amz-acl=public-read&x-amz-meta-a=1&X-Amz-Meta-A=2", nil)
	_, err := sigv4.Presign(req, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "us-east-1", "s3", f.clock.Now(), time.Hour)
	must(t, err)
	state := func(uri string) (int, string) {
		t.Helper()
		if r := f.do(t, raw{method: "PUT", path: uri, body: []byte("x"), sign: "anon"}); r.StatusCode != 200 {
			t.Fatalf("presigned PUT %s: %d %s", uri, r.StatusCode, r.body)
		}
		info, err := f.eng.HeadObject(ctx, "rep", "k")
		must(t, err)
		return f.do(t, raw{method: "GET", path: "/rep/k", sign: "anon"}).StatusCode, info.User["a"]
	}
	get, meta := state(req.URL.RequestURI())
	swapped := strings.Replace(req.URL.RequestURI(), "x-amz-acl=private&x-amz-acl=public-read&x-amz-meta-a=1&X-Amz-Meta-A=2", "x-amz-acl=public-read&x-amz-acl=private&X-Amz-Meta-A=2&x-amz-meta-a=1", 1)
	get2, meta2 := state(swapped)
	if get != get2 || meta != meta2 {
		t.Fatalf("swapping signed values changed the object: anonymous GET %d -> %d, metadata %q -> %q", get, get2, meta, meta2)
	}
}

// TestPresignedV2RepeatedQueryHeaders: SigV2 signs a repeated amz header
// as one line of comma-joined values, so
// x-amz-website-redirect-location=%2Fx%2Cy and
// x-amz-website-redirect-location=%2Fx&x-amz-website-redirect-location=y
// sign alike: the header a parameter makes is that joined value whichever
// way it was sent, not the first of the pieces (which made the redirect
// "/x" of a URL signed for "/x,y").
func TestPresignedV2RepeatedQueryHeaders(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "rep2")
	ctx := context.Background()
	req, _ := http.NewRequest("PUT", f.srv.URL+"/rep2/k?x-amz-website-redirect-location=%2Fx%2Cy", nil)
	sigv4.PresignV2(req, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "", f.clock.Now().Add(time.Hour))
	split := strings.Replace(req.URL.RequestURI(), "x-amz-website-redirect-location=%2Fx%2Cy", "x-amz-website-redirect-location=%2Fx&x-amz-website-redirect-location=y", 1)
	for _, uri := range []string{req.URL.RequestURI(), split} {
		if r := f.do(t, raw{method: "PUT", path: uri, body: []byte("x"), sign: "anon"}); r.StatusCode != 200 {
			t.Fatalf("presigned PUT %s: %d %s", uri, r.StatusCode, r.body)
		}
		info, err := f.eng.HeadObject(ctx, "rep2", "k")
		must(t, err)
		if info.WebsiteRedirect != "/x,y" {
			t.Fatalf("%s: redirect %q, signed /x,y", uri, info.WebsiteRedirect)
		}
	}
}
