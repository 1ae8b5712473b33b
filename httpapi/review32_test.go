package httpapi_test

// The thirty-second session's review (docs/sdk-suites.md, "Review of the
// thirty-second session's changes"): each test fails without its fix.

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReview32RenameTokenParamsDistinct: a RenameObject retry with the
// same x-amz-client-token is replayed only when its parameters are the
// same; parameters that differ are IdempotencyParameterMismatch even
// where their text would run together (the source "a\nb" renamed to "c",
// then "a" to "b\nc"). Before, the remembered parameters were the values
// joined by line breaks, so the second request was answered 200 without
// renaming anything; they are now a digest of length-prefixed values,
// which also bounds what a remembered token holds to 32 bytes.
func TestReview32RenameTokenParamsDistinct(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	createExpressBucket(t, f.client())
	b := expressBucket
	mntPut(t, f, b, "a%0Ab", "first", nil)
	mntPut(t, f, b, "a", "second", nil)
	tok := http.Header{"X-Amz-Client-Token": {"review32-token"}}

	r := mntRename(t, f, b, "a%0Ab", "c", tok)
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r = mntRename(t, f, b, "a", "b%0Ac", tok)
	require.Equal(t, http.StatusBadRequest, r.StatusCode, "other parameters, same token: %s", r.body)
	require.Equal(t, "IdempotencyParameterMismatch", r.errCode())
	require.Equal(t, http.StatusOK, f.do(t, raw{method: "HEAD", path: "/" + b + "/a"}).StatusCode, "nothing renamed")

	r = mntRename(t, f, b, "a%0Ab", "c", tok)
	require.Equal(t, http.StatusOK, r.StatusCode, "the same parameters are still replayed: %s", r.body)
}

// TestReview32OSSCORSHeaderControlCharacters: OSS CORS header text need
// not be header names (TestOpvCORSHeaderText), but an AllowedHeader or
// ExposeHeader holding a control character is still refused, as every
// such value was before: an ExposeHeader is written into
// Access-Control-Expose-Headers of each answer its rule matches, and a
// DEL there made HTTP clients refuse the whole answer (the bucket's
// objects could no longer be read from a browser's origin).
func TestReview32OSSCORSHeaderControlCharacters(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.do(t, raw{method: "PUT", path: "/rev32-cors", sign: "oss-v1"}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/rev32-cors/k", sign: "oss-v1", body: []byte("data")}).errOrNil())
	for _, rule := range []string{
		"<AllowedHeader>a\x7fb</AllowedHeader>",
		"<ExposeHeader>x-a\x7fb</ExposeHeader>",
		"<ExposeHeader>x-a&#x7f;b</ExposeHeader>",
	} {
		doc := "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>" + rule +
			"</CORSRule></CORSConfiguration>"
		r := f.do(t, raw{method: "PUT", path: "/rev32-cors?cors", sign: "oss-v1", body: []byte(doc)})
		require.Equal(t, http.StatusBadRequest, r.StatusCode, "%q: %s", rule, r.body)
		require.Equal(t, "InvalidRequest", r.errCode(), rule)
	}
	r := f.do(t, raw{method: "GET", path: "/rev32-cors/k", sign: "oss-v1", header: http.Header{"Origin": {"https://example.com"}}})
	require.Equal(t, http.StatusOK, r.StatusCode, "no rule was stored: %s", r.body)
	require.Equal(t, "data", string(r.body))
}

// TestReview32RenameTokenNewBucket: RenameObject's client tokens are a
// bucket's, and a directory bucket deleted and created again under its
// name is another bucket: a rename there with a token the old one used
// renames. Before, tokens were kept by bucket name, and the new bucket's
// rename was answered 200 as a replay without renaming anything (for ten
// minutes after the old one's).
func TestReview32RenameTokenNewBucket(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	createExpressBucket(t, f.client())
	b := expressBucket
	tok := http.Header{"X-Amz-Client-Token": {"review32-bucket-token"}}
	mntPut(t, f, b, "a", "old", nil)
	r := mntRename(t, f, b, "a", "b", tok)
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	must(t, f.do(t, raw{method: "DELETE", path: "/" + b + "/b"}).errOrNil())
	must(t, f.do(t, raw{method: "DELETE", path: "/" + b}).errOrNil())

	createExpressBucket(t, f.client())
	mntPut(t, f, b, "a", "new", nil)
	r = mntRename(t, f, b, "a", "b", tok)
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	require.Equal(t, "new", string(f.do(t, raw{method: "GET", path: "/" + b + "/b"}).body), "renamed in the new bucket")
	require.Equal(t, http.StatusNotFound, f.do(t, raw{method: "HEAD", path: "/" + b + "/a"}).StatusCode)
}

// TestReview32DirectoryEncryptionWithoutConfiguration: a directory
// bucket whose encryption configuration was deleted (S3 documents
// DeleteBucketEncryption as resetting a directory bucket to SSE-S3)
// still refuses a write asking for SSE-KMS, as one with its SSE-S3
// configuration does (TestMntDirectoryBucketEncryption); AES256 is
// taken. Before, the check found no configuration and took any
// encryption header, aws:kms included.
func TestReview32DirectoryEncryptionWithoutConfiguration(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	createExpressBucket(t, f.client())
	b := expressBucket
	r := f.do(t, raw{method: "DELETE", path: "/" + b + "?encryption"})
	require.Equal(t, http.StatusNoContent, r.StatusCode, string(r.body))

	r = f.do(t, raw{method: "PUT", path: "/" + b + "/kms", body: []byte("x"), header: http.Header{"X-Amz-Server-Side-Encryption": {"aws:kms"}}})
	require.Equal(t, http.StatusBadRequest, r.StatusCode, string(r.body))
	require.Equal(t, "InvalidArgument", r.errCode())
	require.Equal(t, http.StatusNotFound, f.do(t, raw{method: "HEAD", path: "/" + b + "/kms"}).StatusCode, "nothing written")
	r = f.do(t, raw{method: "POST", path: "/" + b + "/kms-mpu?uploads", header: http.Header{"X-Amz-Server-Side-Encryption": {"aws:kms"}}})
	require.Equal(t, http.StatusBadRequest, r.StatusCode, string(r.body))

	r = f.do(t, raw{method: "PUT", path: "/" + b + "/s3", body: []byte("x"), header: http.Header{"X-Amz-Server-Side-Encryption": {"AES256"}}})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
}

// TestReview32HeaderConditionRepeated: a condition on a request header
// judges the header as the handler reads it. "Deny s3:PutObject unless
// x-amz-server-side-encryption is aws:kms" (StringNotEquals, AWS's own
// example) saw both values of a header sent twice and held only when
// neither was aws:kms, while the write took the first: AES256 then
// aws:kms wrote an SSE-S3 object. A header sent more than once is now
// one value, combined as HTTP combines repeated fields, so the Deny
// holds; nothing is written.
func TestReview32HeaderConditionRepeated(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.do(t, raw{method: "PUT", path: "/rev32-kms", header: http.Header{"X-Amz-Acl": {"public-read-write"}}}).errOrNil())
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:PutObject",` +
		`"Resource":"arn:aws:s3:::rev32-kms/*","Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}}]}`
	r := f.do(t, raw{method: "PUT", path: "/rev32-kms?policy", body: []byte(doc)})
	require.Less(t, r.StatusCode, 300, string(r.body))

	r = f.do(t, raw{method: "PUT", path: "/rev32-kms/ok", ak: otherAK, sk: otherSK, body: []byte("x"),
		header: http.Header{"X-Amz-Server-Side-Encryption": {"aws:kms"}}})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r = f.do(t, raw{method: "PUT", path: "/rev32-kms/k", ak: otherAK, sk: otherSK, body: []byte("x"),
		header: http.Header{"X-Amz-Server-Side-Encryption": {"AES256", "aws:kms"}}})
	require.Equal(t, http.StatusForbidden, r.StatusCode, string(r.body))
	require.Equal(t, "AccessDenied", r.errCode())
	require.Equal(t, http.StatusNotFound, f.do(t, raw{method: "HEAD", path: "/rev32-kms/k"}).StatusCode, "nothing written")

	// The same for the canned ACL ("deny unless x-amz-acl is
	// bucket-owner-full-control"): public-read then
	// bucket-owner-full-control wrote a public-read object.
	doc = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:PutObject",` +
		`"Resource":"arn:aws:s3:::rev32-kms/*","Condition":{"StringNotEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}}]}`
	r = f.do(t, raw{method: "PUT", path: "/rev32-kms?policy", body: []byte(doc)})
	require.Less(t, r.StatusCode, 300, string(r.body))
	r = f.do(t, raw{method: "PUT", path: "/rev32-kms/acl", ak: otherAK, sk: otherSK, body: []byte("x"),
		header: http.Header{"X-Amz-Acl": {"bucket-owner-full-control"}}})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r = f.do(t, raw{method: "PUT", path: "/rev32-kms/acl2", ak: otherAK, sk: otherSK, body: []byte("x"),
		header: http.Header{"X-Amz-Acl": {"public-read", "bucket-owner-full-control"}}})
	require.Equal(t, http.StatusForbidden, r.StatusCode, string(r.body))
}

// TestDirectoryBucketDeleteEncryptionResets: DeleteBucketEncryption of a
// directory bucket resets it to SSE-S3 (the S3 API reference), so
// GetBucketEncryption answers AES256 afterwards, not
// ServerSideEncryptionConfigurationNotFoundError (rev32's open row).
func TestDirectoryBucketDeleteEncryptionResets(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	createExpressBucket(t, f.client())
	b := expressBucket
	r := f.do(t, raw{method: "DELETE", path: "/" + b + "?encryption"})
	require.Equal(t, http.StatusNoContent, r.StatusCode, string(r.body))
	r = f.do(t, raw{method: "GET", path: "/" + b + "?encryption"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	require.Contains(t, string(r.body), "<SSEAlgorithm>AES256</SSEAlgorithm>")
}
