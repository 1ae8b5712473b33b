package httpapi_test

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/http"
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
