package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/osslite/osslite/httpapi"

	"github.com/stretchr/testify/assert"
)

// sec34Other signs q as the second standing user.
func sec34Other(q raw) raw { q.ak, q.sk = otherAK, otherSK; return q }

// TestSec34BucketOwnerRefusedWritersObjects: in S3 an object another
// account writes into a bucket (Object Ownership ObjectWriter, or no
// setting) is the writer's; the bucket owner may list, delete and deny
// it, and may read it, read its ACL or set it only with a grant of the
// object's ACL, a bucket policy's Allow, or once ACLs are disabled
// (BucketOwnerEnforced: the bucket owner owns every object). The bucket
// owner read and re-ACLed such objects (200). Since the thirty-fifth
// session an OSS-signed read of them is refused too (the rule is the
// writing dialect's: own35_test.go).
func TestSec34BucketOwnerRefusedWritersObjects(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	writerID := canonicalID(otherAK)
	must(t, f.do(t, raw{method: "PUT", path: "/sec34ow", header: hdr("X-Amz-Grant-Write", "id="+writerID)}).errOrNil())
	must(t, f.do(t, sec34Other(raw{method: "PUT", path: "/sec34ow/k", header: hdr("X-Amz-Acl", "private"), body: []byte("the writer's")})).errOrNil())
	must(t, f.do(t, sec34Other(raw{method: "PUT", path: "/sec34ow/ro", header: hdr("X-Amz-Acl", "bucket-owner-read"), body: []byte("readable")})).errOrNil())
	must(t, f.do(t, sec34Other(raw{method: "PUT", path: "/sec34ow/fc", header: hdr("X-Amz-Acl", "bucket-owner-full-control"), body: []byte("shared")})).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/sec34ow/mine", body: []byte("the owner's")}).errOrNil())

	status := func(q raw) int { t.Helper(); return f.do(t, q).StatusCode }
	for _, q := range []raw{
		{method: "GET", path: "/sec34ow/k"},
		{method: "HEAD", path: "/sec34ow/k"},
		{method: "GET", path: "/sec34ow/k", header: hdr("Range", "bytes=0-1")},
		{method: "GET", path: "/sec34ow/k", header: hdr("If-None-Match", "*")},
		{method: "GET", path: "/sec34ow/k?acl"},
		{method: "PUT", path: "/sec34ow/k?acl", header: hdr("X-Amz-Acl", "private")},
		{method: "GET", path: "/sec34ow/k?tagging"},
		{method: "GET", path: "/sec34ow/k?attributes", header: hdr("X-Amz-Object-Attributes", "ETag")},
		{method: "PUT", path: "/sec34ow/copy", header: hdr("X-Amz-Copy-Source", "/sec34ow/k")},
		{method: "GET", path: "/sec34ow/ro?acl"},
		{method: "GET", path: "/sec34ow/k", sign: "oss-v1"}, // written through S3: refused in every dialect (TestOwn35S3WritersObjectRefusedInEveryDialect)
	} {
		assert.Equal(t, http.StatusForbidden, status(q), "%s %s %v", q.method, q.path, q.header)
	}
	for _, q := range []raw{
		{method: "GET", path: "/sec34ow/ro"},                                          // bucket-owner-read
		{method: "GET", path: "/sec34ow/fc"},                                          // bucket-owner-full-control
		{method: "GET", path: "/sec34ow/fc?acl"},                                      //
		{method: "PUT", path: "/sec34ow/fc?acl", header: hdr("X-Amz-Acl", "private")}, // now the owner's grant is gone
		{method: "GET", path: "/sec34ow/mine"},
		{method: "GET", path: "/sec34ow?list-type=2"},
		{method: "GET", path: "/sec34ow?versions"},
		{method: "GET", path: "/sec34ow/missing?acl"}, // 404 below, not refused
	} {
		got := status(q)
		assert.True(t, got == http.StatusOK || q.path == "/sec34ow/missing?acl" && got == http.StatusNotFound, "%s %s %s: %d", q.method, q.path, q.sign, got)
	}
	assert.Equal(t, http.StatusForbidden, status(raw{method: "GET", path: "/sec34ow/fc"}), "the writer's private ACL took the owner's grant away")
	assert.Equal(t, http.StatusOK, status(sec34Other(raw{method: "GET", path: "/sec34ow/k"})), "the writer reads its object")

	// A bucket policy granting the owner's account reads gives it nothing
	// on the writer's object: S3's bucket policy applies only to the
	// objects the bucket owner owns (the thirty-fifth session's pol35
	// reversed this test's earlier 200, which recorded the opposite;
	// TestPol35BucketPolicyReachesOnlyBucketOwnersObjects).
	pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + sec33Account(canonicalID(testAK)) +
		`:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::sec34ow/k"}]}`
	must(t, f.do(t, raw{method: "PUT", path: "/sec34ow?policy", body: []byte(pol)}).errOrNil())
	assert.Equal(t, http.StatusForbidden, status(raw{method: "GET", path: "/sec34ow/k"}), "the policy reaches the bucket owner's objects only")
	assert.Equal(t, http.StatusForbidden, status(raw{method: "GET", path: "/sec34ow/k?acl"}))
	must(t, f.do(t, raw{method: "DELETE", path: "/sec34ow?policy"}).errOrNil())

	// BucketOwnerEnforced: the bucket owner owns every object.
	must(t, f.do(t, raw{method: "PUT", path: "/sec34ow?ownershipControls",
		body: []byte(`<OwnershipControls><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>`)}).errOrNil())
	assert.Equal(t, http.StatusOK, status(raw{method: "GET", path: "/sec34ow/k"}))
	assert.Equal(t, http.StatusOK, status(raw{method: "GET", path: "/sec34ow/k?acl"}))
	must(t, f.do(t, raw{method: "DELETE", path: "/sec34ow?ownershipControls"}).errOrNil())
	assert.Equal(t, http.StatusForbidden, status(raw{method: "GET", path: "/sec34ow/k"}))

	// Deleting stays the bucket owner's.
	assert.Equal(t, http.StatusNoContent, status(raw{method: "DELETE", path: "/sec34ow/k"}))
}

// TestSec34EnforcedListingsShowBucketOwner: under BucketOwnerEnforced the
// bucket owner owns every object (S3 Object Ownership), so every
// document naming an object's or upload's owner names it: ListObjects,
// ListObjectsV2 with fetch-owner, ListObjectVersions, GetObjectAcl,
// ListParts and ListMultipartUploads. The listings named the account
// that wrote the object (or began the upload) before the setting.
func TestSec34EnforcedListingsShowBucketOwner(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ownerID, writerID := canonicalID(testAK), canonicalID(otherAK)
	must(t, f.do(t, raw{method: "PUT", path: "/sec34enf", header: hdr("X-Amz-Grant-Write", "id="+writerID)}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/sec34enf?versioning", body: []byte(`<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>`)}).errOrNil())
	must(t, f.do(t, sec34Other(raw{method: "PUT", path: "/sec34enf/k", body: []byte("by the writer")})).errOrNil())
	r := f.do(t, sec34Other(raw{method: "POST", path: "/sec34enf/mp?uploads"}))
	must(t, r.errOrNil())
	id := sec33Between(string(r.body), "<UploadId>", "</UploadId>")
	must(t, f.do(t, raw{method: "PUT", path: "/sec34enf?ownershipControls",
		body: []byte(`<OwnershipControls><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>`)}).errOrNil())

	ownerIn := func(q raw, within string) {
		t.Helper()
		r := f.do(t, q)
		must(t, r.errOrNil())
		doc := string(r.body)
		if within != "" {
			doc = sec33Between(doc, "<"+within+">", "</"+within+">")
		}
		assert.Equal(t, ownerID, sec33Between(sec33Between(doc, "<Owner>", "</Owner>"), "<ID>", "</ID>"), "%s %s", q.method, q.path)
		if within == "" { // an upload's Initiator is the writer's
			assert.NotContains(t, doc, writerID, "%s %s", q.method, q.path)
		}
	}
	ownerIn(raw{method: "GET", path: "/sec34enf?list-type=2&fetch-owner=true"}, "")
	ownerIn(raw{method: "GET", path: "/sec34enf"}, "")
	ownerIn(raw{method: "GET", path: "/sec34enf?versions"}, "")
	ownerIn(raw{method: "GET", path: "/sec34enf/k?acl"}, "")
	ownerIn(raw{method: "GET", path: "/sec34enf?uploads"}, "Upload")
	parts := f.do(t, raw{method: "GET", path: "/sec34enf/mp?uploadId=" + id})
	must(t, parts.errOrNil())
	assert.Equal(t, ownerID, sec33Between(sec33Between(string(parts.body), "<Owner>", "</Owner>"), "<ID>", "</ID>"))
	assert.Equal(t, writerID, sec33Between(sec33Between(string(parts.body), "<Initiator>", "</Initiator>"), "<ID>", "</ID>"), "the initiator stays the initiator")

	// Without the setting each object is its writer's again.
	must(t, f.do(t, raw{method: "DELETE", path: "/sec34enf?ownershipControls"}).errOrNil())
	r = f.do(t, raw{method: "GET", path: "/sec34enf?list-type=2&fetch-owner=true"})
	assert.Equal(t, writerID, sec33Between(sec33Between(string(r.body), "<Owner>", "</Owner>"), "<ID>", "</ID>"))
}

// TestSec34DisplayNamesHideAccessKeys: a user's display name defaults to
// its canonical ID, not its access key ID: Owner and Grantee elements
// are shown to whoever may list or read an ACL, an anonymous reader of a
// public OSS bucket included, and named the access keys of the bucket's
// writers. A display name a users file sets is still shown, and
// ${aws:username} still reads the access key of a user without one.
func TestSec34DisplayNamesHideAccessKeys(t *testing.T) {
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithUsers(
		httpapi.User{AccessKey: "AKIASEC34NAMED", SecretKey: "named/secret", DisplayName: "Named"})}})
	must(t, f.do(t, raw{method: "PUT", path: "/sec34names", sign: "oss-v1", header: hdr("X-Oss-Acl", "public-read-write")}).errOrNil())
	must(t, f.do(t, sec34Other(raw{method: "PUT", path: "/sec34names/other", sign: "oss-v1", body: []byte("x")})).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/sec34names/named", sign: "oss-v1", ak: "AKIASEC34NAMED", sk: "named/secret", body: []byte("x")}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/sec34names/owner", header: hdr("X-Amz-Grant-Read-Acp", "id="+canonicalID(otherAK)), body: []byte("x")}).errOrNil())

	for _, q := range []raw{
		{method: "GET", path: "/sec34names", sign: "anon", header: hdr("X-Oss-Date", "x")}, // OSS listings always carry Owner
		{method: "GET", path: "/sec34names?list-type=2&fetch-owner=true"},
		sec34Other(raw{method: "GET", path: "/sec34names?versions"}),
		sec34Other(raw{method: "GET", path: "/sec34names/owner?acl"}), // a READ_ACP grantee
	} {
		r := f.do(t, q)
		must(t, r.errOrNil())
		for _, ak := range []string{testAK, otherAK, "AKIASEC34NAMED"} {
			assert.NotContains(t, string(r.body), ak, "%s %s", q.method, q.path)
		}
		if q.path == "/sec34names" {
			assert.Contains(t, string(r.body), "<DisplayName>Named</DisplayName>", "a display name set is shown")
			assert.Contains(t, string(r.body), "<DisplayName>"+canonicalID(otherAK)+"</DisplayName>")
		}
	}

	// ${aws:username} of a user without a display name is its access key.
	pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::sec34names/home/${aws:username}/*"}]}`
	must(t, f.do(t, raw{method: "PUT", path: "/sec34names?policy", body: []byte(pol)}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/sec34names/home/" + otherAK + "/x", body: []byte("x")}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/sec34names/home/Named/x", body: []byte("x")}).errOrNil())
	assert.Equal(t, http.StatusOK, f.do(t, sec34Other(raw{method: "GET", path: "/sec34names/home/" + otherAK + "/x"})).StatusCode)
	assert.Equal(t, http.StatusOK, f.do(t, raw{method: "GET", path: "/sec34names/home/Named/x", ak: "AKIASEC34NAMED", sk: "named/secret"}).StatusCode)
}

// TestSec34RenameTokensAreTheRequesters: RenameObject's client tokens
// are kept per requester. They were kept per bucket and token only, so
// another user sending the same token (a client-made string) was
// answered as the first user's rename was: 200 without renaming when its
// parameters matched (a success for nothing done), or
// IdempotencyParameterMismatch, which told it the token had been used.
func TestSec34RenameTokensAreTheRequesters(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	createExpressBucket(t, f.client())
	b := expressBucket
	pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"` + canonicalID(otherAK) +
		`"},"Action":"s3express:CreateSession","Resource":"arn:aws:s3express:us-east-1:*:bucket/` + b + `"}]}`
	must(t, f.do(t, raw{method: "PUT", path: "/" + b + "?policy", body: []byte(pol)}).errOrNil())
	o := f.s3Client(true, otherAK, otherSK)
	otherPlain := s3.NewFromConfig(aws.Config{}, func(opts *s3.Options) { *opts = o.Options(); opts.DisableS3ExpressSessionAuth = aws.Bool(true) })
	sess, err := otherPlain.CreateSession(ctx, &s3.CreateSessionInput{Bucket: aws.String(b)})
	must(t, err)
	sak, ssk, stok := aws.ToString(sess.Credentials.AccessKeyId), aws.ToString(sess.Credentials.SecretAccessKey), aws.ToString(sess.Credentials.SessionToken)
	other := func(method, path string, body []byte, h http.Header) rawResponse {
		return sessionRequestH(t, f, method, "/"+b+path, sak, ssk, stok, body, h)
	}

	mntPut(t, f, b, "a", "owner's", nil)
	tok := hdr("X-Amz-Client-Token", "sec34-shared-token")
	must(t, mntRename(t, f, b, "a", "b", tok).errOrNil())

	// The other user, same token and parameters: its own rename, of a
	// source that is gone (404), not a replay of the owner's (200).
	r := other("PUT", "/b?renameObject", nil, hdr("X-Amz-Rename-Source", "a", "X-Amz-Client-Token", "sec34-shared-token"))
	assert.Equal(t, http.StatusNotFound, r.StatusCode, "%s", r.body)
	// Other parameters: renamed, not IdempotencyParameterMismatch.
	must(t, other("PUT", "/c", []byte("other's"), nil).errOrNil())
	r = other("PUT", "/d?renameObject", nil, hdr("X-Amz-Rename-Source", "c", "X-Amz-Client-Token", "sec34-shared-token"))
	assert.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	assert.Equal(t, "other's", string(f.do(t, raw{method: "GET", path: "/" + b + "/d"}).body))
	// The owner's retry is still answered as its rename was.
	r = mntRename(t, f, b, "a", "b", tok)
	assert.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
}

// TestSec34AccountIDsUnique: two users whose canonical IDs are one
// account ID (two lower-case hex IDs sharing their first 16 digits) are
// refused: bucket policies naming an account, aws:PrincipalAccount and
// x-amz-expected-bucket-owner could not tell them apart, so a policy
// granting one granted both. Distinct accounts still load.
func TestSec34AccountIDsUnique(t *testing.T) {
	a := strings.Repeat("0123456789abcdef", 4)
	b := a[:16] + strings.Repeat("f", 48)
	assert.Equal(t, sec33Account(a), sec33Account(b))
	_, err := httpapi.NewUserStore(httpapi.User{AccessKey: "alice", CanonicalID: a}, httpapi.User{AccessKey: "bob", CanonicalID: b})
	assert.ErrorIs(t, err, httpapi.ErrInvalidUser)

	c := "1" + a[1:]
	assert.NotEqual(t, sec33Account(a), sec33Account(c))
	st, err := httpapi.NewUserStore(httpapi.User{AccessKey: "alice", CanonicalID: a}, httpapi.User{AccessKey: "bob", CanonicalID: c})
	must(t, err)
	// A user replaced under its own access key keeps or changes its
	// account freely.
	must(t, st.AddUser(httpapi.User{AccessKey: "alice", CanonicalID: a, DisplayName: "Alice"}))
	must(t, st.AddUser(httpapi.User{AccessKey: "alice", CanonicalID: b}))
	assert.ErrorIs(t, st.AddUser(httpapi.User{AccessKey: "carol", CanonicalID: a}), httpapi.ErrInvalidUser, "a is free, its account is not")
	must(t, st.AddUser(httpapi.User{AccessKey: "alice", CanonicalID: "alice"}))
	must(t, st.AddUser(httpapi.User{AccessKey: "carol", CanonicalID: a}))
}

// TestSec34SinaIDsUnique: Sina shows a hex canonical ID as "SINA" and its
// first 16 digits upper-cased, so a user whose canonical ID is literally
// such a string had another user's SCS ID: Sina ACL documents showed both
// as one grantee, and a Sina grant naming that ID (copied from GET ?acl)
// went to the literal one (canonicalOfSina found the short ID ambiguous
// and kept it, which knownUser then found). Such a pair is refused, in
// either order.
func TestSec34SinaIDsUnique(t *testing.T) {
	hexID := "0123456789abcdef" + strings.Repeat("0", 48)
	literal := "SINA0123456789ABCDEF"
	for _, users := range [][]httpapi.User{
		{{AccessKey: "hex", CanonicalID: hexID}, {AccessKey: "literal", CanonicalID: literal}},
		{{AccessKey: "literal", CanonicalID: literal}, {AccessKey: "hex", CanonicalID: hexID}},
	} {
		_, err := httpapi.NewUserStore(users...)
		assert.ErrorIs(t, err, httpapi.ErrInvalidUser, "%s first", users[0].AccessKey)
	}
	_, err := httpapi.NewUserStore(httpapi.User{AccessKey: "hex", CanonicalID: hexID}, httpapi.User{AccessKey: "literal", CanonicalID: "SINAFFFFFFFFFFFFFFFF"})
	must(t, err)
}
