package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRev36bSinaMetaSizeNotToldBeforeRead: Sina's PUT ?meta takes the
// caller's read of the object besides the bucket write (sec36), but
// merged the metadata, and refused a merge over 2 KiB with
// MetadataTooLarge naming the merged size, before deciding that read: a
// WRITE grantee who may not read the bucket owner's private object
// learned the exact size of its user metadata (Size minus the grantee's
// own header). The read is now decided first: AccessDenied, nothing
// changed. The bucket owner, who reads its object, is still told the
// size.
func TestRev36bSinaMetaSizeNotToldBeforeRead(t *testing.T) {
	f := pol35Fixture(t, "rev36bm")
	ctx := context.Background()
	must(t, f.do(t, raw{method: "PUT", path: "/rev36bm/secret", header: hdr("X-Amz-Meta-Secret", strings.Repeat("s", 700)), body: []byte("x")}).errOrNil())
	before, err := f.eng.HeadObject(ctx, "rev36bm", "secret")
	require.NoError(t, err)
	pad := hdr("X-Amz-Meta-Pad", strings.Repeat("p", 1500))

	r := f.do(t, sec34Other(raw{method: "PUT", path: "/rev36bm/secret?meta", sign: "sina", header: pad}))
	assert.Equal(t, http.StatusForbidden, r.StatusCode, "%s", r.body)
	assert.Contains(t, string(r.body), `"Code":"AccessDenied"`)
	assert.NotContains(t, string(r.body), "Size")
	after, err := f.eng.HeadObject(ctx, "rev36bm", "secret")
	require.NoError(t, err)
	assert.Equal(t, before.Metadata, after.Metadata)

	r = f.do(t, raw{method: "PUT", path: "/rev36bm/secret?meta", sign: "sina", header: pad})
	assert.Equal(t, http.StatusBadRequest, r.StatusCode, "%s", r.body)
	assert.Contains(t, string(r.body), `"Size":"2209"`, "the owner reads its object: 1,503 + 706 bytes")
}

// TestRev36bMissingKeyAnsweredAsRead: the routes that take a bucket write
// and the read of the object they open (Sina PUT ?meta, OSS
// CreateSelectObjectMeta) answered a missing key NoSuchKey (404) to a
// WRITE grantee who may not list the bucket, and an existing object it
// may not read AccessDenied (403): whether a key exists, which that
// grantee's GET of it does not tell (403 either way, in every dialect).
// A failure to open the object (missing, or archived: InvalidObjectState)
// is now answered as the GET would be: 403 to that grantee, the failure
// itself to the bucket owner and to a grantee who may also list.
func TestRev36bMissingKeyAnsweredAsRead(t *testing.T) {
	f := pol35Fixture(t, "rev36bk") // otherAK: WRITE on the bucket, no READ
	must(t, f.do(t, raw{method: "PUT", path: "/rev36bk/cold.csv", sign: "oss-v1", header: hdr("X-Oss-Storage-Class", "Archive"), body: []byte("a,b\n1,2\n")}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/rev36bl", header: hdr("X-Amz-Grant-Write", "id="+canonicalID(otherAK), "X-Amz-Grant-Read", "id="+canonicalID(otherAK))}).errOrNil())
	meta := func(q raw) raw {
		q.method, q.path, q.sign = "PUT", q.path+"?meta", "sina"
		q.header = hdr("X-Amz-Meta-Who", "x")
		return q
	}
	scan := func(q raw) raw {
		q.method, q.path, q.sign = "POST", q.path+"?x-oss-process=csv/meta", "oss-v1"
		q.body = []byte("<CsvMetaRequest><InputSerialization><CSV></CSV></InputSerialization></CsvMetaRequest>")
		return q
	}
	for _, c := range []struct {
		q    raw
		want int
		code string
	}{
		{sec34Other(raw{method: "GET", path: "/rev36bk/nothere", sign: "sina"}), http.StatusForbidden, "AccessDenied"}, // as its GET
		{meta(sec34Other(raw{path: "/rev36bk/nothere"})), http.StatusForbidden, "AccessDenied"},
		{meta(sec34Other(raw{path: "/rev36bk/mine"})), http.StatusForbidden, "AccessDenied"},
		{meta(raw{path: "/rev36bk/nothere"}), http.StatusNotFound, "NoSuchKey"},
		{meta(sec34Other(raw{path: "/rev36bl/nothere"})), http.StatusNotFound, "NoSuchKey"}, // may list
		{sec34Other(raw{method: "GET", path: "/rev36bk/nothere", sign: "oss-v1"}), http.StatusForbidden, "AccessDenied"},
		{scan(sec34Other(raw{path: "/rev36bk/nothere"})), http.StatusForbidden, "AccessDenied"},
		{scan(sec34Other(raw{path: "/rev36bk/cold.csv"})), http.StatusForbidden, "AccessDenied"},
		{scan(raw{path: "/rev36bk/nothere"}), http.StatusNotFound, "NoSuchKey"},
		{scan(raw{path: "/rev36bk/cold.csv"}), http.StatusForbidden, "InvalidObjectState"},
		{scan(sec34Other(raw{path: "/rev36bl/nothere"})), http.StatusNotFound, "NoSuchKey"},
	} {
		r := f.do(t, c.q)
		assert.Equal(t, c.want, r.StatusCode, "%s %s %s: %s", c.q.ak, c.q.method, c.q.path, r.body)
		assert.Contains(t, string(r.body), c.code, "%s %s %s", c.q.ak, c.q.method, c.q.path)
	}
}

// TestRev36bEnforcedACLInOtherDocuments: under BucketOwnerEnforced
// GetBucketAcl and GetObjectAcl show the bucket private and every object
// the bucket owner's in OSS's and Sina's forms (355c2ee, sec36), but three
// other documents still showed what is stored: OSS GetBucketInfo's
// AccessControlList/Grant and Sina GET bucket ?meta's ACL (taken by
// READ_ACP grantees too) a public-read-write grant that lets no one
// write, and Sina GET object ?meta the writer as Owner where listings
// and GET ?acl name the bucket owner. Without the setting each shows the
// stored ACL and owner again.
func TestRev36bEnforcedACLInOtherDocuments(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	own35Bucket(t, f, "rev36be")
	must(t, f.do(t, raw{method: "PUT", path: "/rev36be?acl", sign: "oss-v1", header: hdr("X-Oss-Acl", "public-read-write")}).errOrNil())
	must(t, f.do(t, sec34Other(raw{method: "PUT", path: "/rev36be/k", header: hdr("X-Amz-Acl", "public-read"), body: []byte("the writer's")})).errOrNil())
	get := func(q raw) string {
		t.Helper()
		r := f.do(t, q)
		require.Equal(t, http.StatusOK, r.StatusCode, "%s %s", q.path, r.body)
		return string(r.body)
	}
	ossInfo := func() string { return get(raw{method: "GET", path: "/rev36be?bucketInfo", sign: "oss-v1"}) }
	sinaBucket := func() string { return get(raw{method: "GET", path: "/rev36be?meta", sign: "sina"}) }
	sinaObject := func(q raw) string { q.method, q.path, q.sign = "GET", "/rev36be/k?meta", "sina"; return get(q) }
	writerSina, ownerSina := "SINA"+strings.ToUpper(canonicalID(otherAK)[:16]), "SINA"+strings.ToUpper(canonicalID(testAK)[:16])
	require.Contains(t, ossInfo(), "<Grant>public-read-write</Grant>")
	require.Contains(t, sinaBucket(), `"GRPS000000ANONYMOUSE":["read","write"]`)
	require.Contains(t, sinaObject(sec34Other(raw{})), `"Owner":"`+writerSina+`"`)

	must(t, f.do(t, raw{method: "PUT", path: "/rev36be?ownershipControls",
		body: []byte(`<OwnershipControls><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>`)}).errOrNil())
	assert.Contains(t, ossInfo(), "<Grant>private</Grant>")
	assert.Contains(t, sinaBucket(), `"GRPS000000ANONYMOUSE":[]`)
	assert.Contains(t, sinaObject(raw{}), `"Owner":"`+ownerSina+`"`, "the bucket owner's, whose read it is now")

	must(t, f.do(t, raw{method: "DELETE", path: "/rev36be?ownershipControls"}).errOrNil())
	assert.Contains(t, ossInfo(), "<Grant>public-read-write</Grant>")
	assert.Contains(t, sinaObject(sec34Other(raw{})), `"Owner":"`+writerSina+`"`)
}
