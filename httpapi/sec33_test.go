package httpapi_test

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/osslite/osslite/httpapi"
	"github.com/stretchr/testify/assert"
)

// sec33Account is the 12-digit account ID of a canonical user ID, as
// README's "Access policies" row documents it: the first 8 bytes of a
// lower-case hex ID, else of its SHA-256, big-endian, modulo 10^12.
func sec33Account(canonical string) string {
	b, err := hex.DecodeString(canonical)
	if err != nil || len(b) < 8 || hex.EncodeToString(b) != canonical {
		h := sha256.Sum256([]byte(canonical))
		b = h[:]
	}
	return fmt.Sprintf("%012d", binary.BigEndian.Uint64(b[:8])%1_000_000_000_000)
}

// sec33Between is the text of s after the first a and before the next b.
func sec33Between(s, a, b string) string {
	_, s, _ = strings.Cut(s, a)
	s, _, _ = strings.Cut(s, b)
	return s
}

// TestSec33AccountIDsAreDistinct: users whose canonical IDs are not hex
// (canonicalId "alice" and "bob" in a users file) are distinct accounts
// to a bucket policy and to x-amz-expected-bucket-owner. Their account ID
// was the hex prefix padded with zeros, 000000000000 for both, so a
// policy naming Alice's account let Bob in too.
func TestSec33AccountIDsAreDistinct(t *testing.T) {
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithUsers(
		httpapi.User{AccessKey: "AKIAALICE", SecretKey: "alice/secret", CanonicalID: "alice"},
		httpapi.User{AccessKey: "AKIABOB", SecretKey: "bob/secret", CanonicalID: "bob"},
	)}})
	alice := func(q raw) raw { q.ak, q.sk = "AKIAALICE", "alice/secret"; return q }
	bob := func(q raw) raw { q.ak, q.sk = "AKIABOB", "bob/secret"; return q }
	assert.NotEqual(t, sec33Account("alice"), sec33Account("bob"))

	must(t, f.do(t, raw{method: "PUT", path: "/sec33acct"}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/sec33acct/k", body: []byte("for alice")}).errOrNil())
	pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + sec33Account("alice") +
		`:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::sec33acct/*"}]}`
	must(t, f.do(t, raw{method: "PUT", path: "/sec33acct?policy", body: []byte(pol)}).errOrNil())
	assert.Equal(t, http.StatusOK, f.do(t, alice(raw{method: "GET", path: "/sec33acct/k"})).StatusCode)
	assert.Equal(t, http.StatusForbidden, f.do(t, bob(raw{method: "GET", path: "/sec33acct/k"})).StatusCode, "Bob is not Alice's account")

	// The all-zero account is no one's.
	zero := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"000000000000"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::sec33acct/*"}]}`
	must(t, f.do(t, raw{method: "PUT", path: "/sec33acct?policy", body: []byte(zero)}).errOrNil())
	assert.Equal(t, http.StatusForbidden, f.do(t, alice(raw{method: "GET", path: "/sec33acct/k"})).StatusCode)
	assert.Equal(t, http.StatusForbidden, f.do(t, bob(raw{method: "GET", path: "/sec33acct/k"})).StatusCode)

	// x-amz-expected-bucket-owner names Alice's bucket by her account
	// only.
	must(t, f.do(t, alice(raw{method: "PUT", path: "/sec33alice"})).errOrNil())
	expect := func(acct string) int {
		return f.do(t, alice(raw{method: "GET", path: "/sec33alice", header: hdr("X-Amz-Expected-Bucket-Owner", acct)})).StatusCode
	}
	assert.Equal(t, http.StatusOK, expect(sec33Account("alice")))
	assert.Equal(t, http.StatusForbidden, expect(sec33Account("bob")))
}

// TestSec33OSSUIDsAreDistinct: two users cannot share an OSS UID, nor
// take another's canonical ID as theirs. The directory took both, and an
// OSS bucket policy naming one user's UID (Principal ["1001"]) granted
// the other, whose requests carry the same UID.
func TestSec33OSSUIDsAreDistinct(t *testing.T) {
	for name, users := range map[string][]httpapi.User{
		"same UID":                  {{AccessKey: "alice", OSSUID: "1001"}, {AccessKey: "bob", OSSUID: "1001"}},
		"UID is another's ID":       {{AccessKey: "alice"}, {AccessKey: "bob", OSSUID: canonicalID("alice")}},
		"UID is another's set ID":   {{AccessKey: "alice", CanonicalID: "alice-id"}, {AccessKey: "bob", OSSUID: "alice-id"}},
		"ID is another's UID":       {{AccessKey: "alice", OSSUID: "1001"}, {AccessKey: "bob", CanonicalID: "1001"}},
		"UID is another's UID, set": {{AccessKey: "alice", CanonicalID: "a", OSSUID: "1001"}, {AccessKey: "bob", CanonicalID: "b", OSSUID: "1001"}},
	} {
		_, err := httpapi.NewUserStore(users...)
		assert.ErrorIs(t, err, httpapi.ErrInvalidUser, name)
	}
	// A user replaced under its own access key keeps its UID.
	st, err := httpapi.NewUserStore(httpapi.User{AccessKey: "alice", OSSUID: "1001"}, httpapi.User{AccessKey: "bob", OSSUID: "1002"})
	must(t, err)
	must(t, st.AddUser(httpapi.User{AccessKey: "alice", OSSUID: "1001", DisplayName: "Alice"}))
	u, ok := st.UserByID("1002")
	assert.True(t, ok)
	assert.Equal(t, "bob", u.AccessKey)
}

// TestSec33InitiatorKeepsItsUpload: under BucketOwnerPreferred, an upload
// another account begins with bucket-owner-full-control is the bucket
// owner's object to be, and still its initiator's upload: S3 gives the
// initiator and the bucket owner ListParts and AbortMultipartUpload, and
// ListParts and ListMultipartUploads name the initiator as Initiator and
// the bucket owner as Owner. The initiator was refused both (403), and
// both documents named the bucket owner as Initiator.
func TestSec33InitiatorKeepsItsUpload(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ownerID, writerID := canonicalID(testAK), canonicalID(otherAK)
	asOther := func(q raw) raw { q.ak, q.sk = otherAK, otherSK; return q }
	must(t, f.do(t, raw{method: "PUT", path: "/sec33bop", header: hdr("X-Amz-Grant-Write", "id="+writerID)}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/sec33bop?ownershipControls",
		body: []byte(`<OwnershipControls><Rule><ObjectOwnership>BucketOwnerPreferred</ObjectOwnership></Rule></OwnershipControls>`)}).errOrNil())
	r := f.do(t, asOther(raw{method: "POST", path: "/sec33bop/mp?uploads", header: hdr("X-Amz-Acl", "bucket-owner-full-control")}))
	must(t, r.errOrNil())
	id := sec33Between(string(r.body), "<UploadId>", "</UploadId>")
	must(t, f.do(t, asOther(raw{method: "PUT", path: "/sec33bop/mp?partNumber=1&uploadId=" + id, body: []byte("part")})).errOrNil())

	parts := f.do(t, asOther(raw{method: "GET", path: "/sec33bop/mp?uploadId=" + id}))
	assert.Equal(t, http.StatusOK, parts.StatusCode, "the initiator lists its parts")
	assert.Equal(t, writerID, sec33Between(sec33Between(string(parts.body), "<Initiator>", "</Initiator>"), "<ID>", "</ID>"))
	assert.Equal(t, ownerID, sec33Between(sec33Between(string(parts.body), "<Owner>", "</Owner>"), "<ID>", "</ID>"))
	list := f.do(t, raw{method: "GET", path: "/sec33bop?uploads"})
	must(t, list.errOrNil())
	assert.Equal(t, writerID, sec33Between(sec33Between(string(list.body), "<Initiator>", "</Initiator>"), "<ID>", "</ID>"))
	assert.Equal(t, ownerID, sec33Between(sec33Between(string(list.body), "<Owner>", "</Owner>"), "<ID>", "</ID>"))

	assert.Equal(t, http.StatusNoContent, f.do(t, asOther(raw{method: "DELETE", path: "/sec33bop/mp?uploadId=" + id})).StatusCode, "the initiator aborts its upload")

	// Completed, the object is the bucket owner's: the writer cannot read it.
	r = f.do(t, asOther(raw{method: "POST", path: "/sec33bop/mp2?uploads", header: hdr("X-Amz-Acl", "bucket-owner-full-control")}))
	id = sec33Between(string(r.body), "<UploadId>", "</UploadId>")
	p := f.do(t, asOther(raw{method: "PUT", path: "/sec33bop/mp2?partNumber=1&uploadId=" + id, body: []byte("part")}))
	must(t, p.errOrNil())
	done := f.do(t, asOther(raw{method: "POST", path: "/sec33bop/mp2?uploadId=" + id,
		body: []byte(`<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>` + p.Header.Get("ETag") + `</ETag></Part></CompleteMultipartUpload>`)}))
	must(t, done.errOrNil())
	acl := f.do(t, raw{method: "GET", path: "/sec33bop/mp2?acl"})
	assert.Equal(t, ownerID, sec33Between(sec33Between(string(acl.body), "<Owner>", "</Owner>"), "<ID>", "</ID>"))
	assert.Equal(t, http.StatusForbidden, f.do(t, asOther(raw{method: "GET", path: "/sec33bop/mp2"})).StatusCode)
}

// sec33Directory is a Directory as an application may write one: users
// by access key, with no canonical IDs filled in.
type sec33Directory map[string]string

func (d sec33Directory) Lookup(ak string) (httpapi.Credential, bool) {
	sk, ok := d[ak]
	return httpapi.Credential{User: httpapi.User{AccessKey: ak, SecretKey: sk}, Secret: sk}, ok
}
func (d sec33Directory) UserByID(string) (httpapi.User, bool)    { return httpapi.User{}, false }
func (d sec33Directory) UserByEmail(string) (httpapi.User, bool) { return httpapi.User{}, false }

// TestSec33DirectoryWithoutCanonicalIDs: a Directory whose users carry no
// canonical ID (Config.Directory; UserStore fills the default in) still
// makes each access key its own owner. Every such user acted as the
// canonical ID "", and a resource whose owner is "" belongs to every
// authenticated caller: another user read, overwrote and deleted a
// user's private bucket and its objects.
func TestSec33DirectoryWithoutCanonicalIDs(t *testing.T) {
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithDirectory(sec33Directory{testAK: testSK, otherAK: otherSK})}})
	asOther := func(q raw) raw { q.ak, q.sk = otherAK, otherSK; return q }
	must(t, f.do(t, raw{method: "PUT", path: "/sec33dir"}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/sec33dir/k", body: []byte("private")}).errOrNil())
	assert.Equal(t, http.StatusOK, f.do(t, raw{method: "GET", path: "/sec33dir/k"}).StatusCode, "the owner reads")
	assert.Equal(t, http.StatusForbidden, f.do(t, asOther(raw{method: "GET", path: "/sec33dir/k"})).StatusCode)
	assert.Equal(t, http.StatusForbidden, f.do(t, asOther(raw{method: "PUT", path: "/sec33dir/k", body: []byte("x")})).StatusCode)
	assert.Equal(t, http.StatusForbidden, f.do(t, asOther(raw{method: "GET", path: "/sec33dir?acl"})).StatusCode)
	acl := f.do(t, raw{method: "GET", path: "/sec33dir?acl"})
	assert.Equal(t, canonicalID(testAK), sec33Between(sec33Between(string(acl.body), "<Owner>", "</Owner>"), "<ID>", "</ID>"))
	list := f.do(t, asOther(raw{method: "GET", path: "/"}))
	assert.NotContains(t, string(list.body), "sec33dir")
}

// TestSec33SinaGrantsNameKnownUsers: Sina's PUT ?acl names users as S3's
// does. A grant to another user's SCS ID (SINA and 16 digits, as GET ?acl
// shows it) reached only keys permissive mode had seen, so it was stored
// and granted no one; an AccessControlPolicy body's e-mail grant was
// stored unresolved (granting no one), and grants to unknown e-mail
// addresses or canonical IDs were taken where S3 refuses them.
func TestSec33SinaGrantsNameKnownUsers(t *testing.T) {
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithUsers(
		httpapi.User{AccessKey: "AKIATHIRD", SecretKey: "third/secret", Email: "third@example.com"},
	)}})
	sina := func(q raw) raw { q.sign = "sina"; return q }
	other := func(q raw) raw { q.ak, q.sk, q.sign = otherAK, otherSK, "sina"; return q }
	third := func(q raw) raw { q.ak, q.sk, q.sign = "AKIATHIRD", "third/secret", "sina"; return q }
	must(t, f.do(t, sina(raw{method: "PUT", path: "/sec33sina"})).errOrNil())
	must(t, f.do(t, sina(raw{method: "PUT", path: "/sec33sina/k", body: []byte("shared")})).errOrNil())

	sid := "SINA" + strings.ToUpper(canonicalID(otherAK)[:16])
	must(t, f.do(t, sina(raw{method: "PUT", path: "/sec33sina/k?acl", body: []byte(`{"` + sid + `":["read"]}`)})).errOrNil())
	assert.Equal(t, http.StatusOK, f.do(t, other(raw{method: "GET", path: "/sec33sina/k"})).StatusCode, "the SCS ID's user reads")

	byEmail := func(email string) []byte {
		return []byte(`<AccessControlPolicy><Owner><ID>` + canonicalID(testAK) + `</ID></Owner><AccessControlList><Grant>` +
			`<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="AmazonCustomerByEmail"><EmailAddress>` + email +
			`</EmailAddress></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>`)
	}
	must(t, f.do(t, sina(raw{method: "PUT", path: "/sec33sina/k?acl", body: byEmail("THIRD@example.com")})).errOrNil())
	assert.Equal(t, http.StatusOK, f.do(t, third(raw{method: "GET", path: "/sec33sina/k"})).StatusCode, "the e-mail's user reads")

	r := f.do(t, sina(raw{method: "PUT", path: "/sec33sina/k?acl", body: byEmail("nobody@example.com")}))
	assert.Equal(t, http.StatusBadRequest, r.StatusCode)
	assert.Contains(t, string(r.body), "UnresolvableGrantByEmailAddress")
	for _, id := range []string{canonicalID("AKIANOBODY"), "SINA0123456789ABCDEF"} {
		r = f.do(t, sina(raw{method: "PUT", path: "/sec33sina/k?acl", body: []byte(`{"` + id + `":["read"]}`)}))
		assert.Equal(t, http.StatusBadRequest, r.StatusCode, id)
		assert.Contains(t, string(r.body), `"InvalidArgument"`, id)
	}
	assert.Equal(t, http.StatusOK, f.do(t, third(raw{method: "GET", path: "/sec33sina/k"})).StatusCode, "refused ACLs changed nothing")
}
