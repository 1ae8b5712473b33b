package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
)

// TestSec36SinaMetaNeedsObjectRead: Sina's PUT ?meta replaces what a
// reader of the object sees, as S3's CopyObject of an object onto itself
// does, which needs s3:GetObject on it besides the bucket's write. The
// route takes a bucket write; the caller must now also be able to read
// the object, decided as its GetObject would be. The bucket owner keeps
// writing the metadata of its own objects, of objects granting it READ
// (bucket-owner-read, -full-control) and of objects written through Sina
// (its own under Sina's rule); a WRITE grantee of its own objects and of
// objects granting it READ. Both are refused, in Sina's AccessDenied
// shape, another account's private S3-written object, which is left as it
// was. Before, both were 200 and the metadata changed.
func TestSec36SinaMetaNeedsObjectRead(t *testing.T) {
	f := pol35Fixture(t, "sec36m") // testAK owns it, otherAK writes k, ro, fc (S3); testAK wrote mine
	must(t, f.do(t, sec34Other(raw{method: "PUT", path: "/sec36m/s", body: []byte("through sina"), sign: "sina"})).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/sec36m/shared", header: hdr("X-Amz-Grant-Read", "id="+canonicalID(otherAK)), body: []byte("the owner's, readable")}).errOrNil())
	ctx := context.Background()
	meta := func(q raw, want int) {
		t.Helper()
		q.method, q.path, q.sign = "PUT", q.path+"?meta", "sina"
		q.header = hdr("X-Amz-Meta-Who", "changed", "Content-Type", "text/changed")
		key := strings.TrimPrefix(strings.TrimSuffix(q.path, "?meta"), "/sec36m/")
		before, err := f.eng.HeadObject(ctx, "sec36m", key)
		require.NoError(t, err)
		r := f.do(t, q)
		assert.Equal(t, want, r.StatusCode, "%s %s: %s", q.ak, q.path, r.body)
		after, err := f.eng.HeadObject(ctx, "sec36m", key)
		require.NoError(t, err)
		if want == http.StatusOK {
			assert.Equal(t, "changed", after.User["who"], "%s %s", q.ak, q.path)
			assert.Equal(t, "text/changed", after.ContentType)
			return
		}
		assert.Contains(t, string(r.body), "AccessDenied", "%s %s", q.ak, q.path)
		assert.Equal(t, before.Metadata, after.Metadata, "%s %s: a refused write changes nothing", q.ak, q.path)
		assert.True(t, before.LastModified.Equal(after.LastModified), "%s %s", q.ak, q.path)
	}
	// The bucket owner (testAK).
	meta(raw{path: "/sec36m/k"}, http.StatusForbidden) // the writer's private S3 object
	meta(raw{path: "/sec36m/mine"}, http.StatusOK)
	meta(raw{path: "/sec36m/ro"}, http.StatusOK) // bucket-owner-read
	meta(raw{path: "/sec36m/fc"}, http.StatusOK) // bucket-owner-full-control
	meta(raw{path: "/sec36m/s"}, http.StatusOK)  // written through Sina: the bucket owner's
	// The bucket's WRITE grantee (otherAK).
	meta(sec34Other(raw{path: "/sec36m/mine"}), http.StatusForbidden) // the bucket owner's private object
	meta(sec34Other(raw{path: "/sec36m/shared"}), http.StatusOK)      // granting it READ
	meta(sec34Other(raw{path: "/sec36m/k"}), http.StatusOK)           // its own
	// A third user with no grant at all is refused by the route, as before.
	meta(raw{path: "/sec36m/pub", ak: pol35AK, sk: pol35SK}, http.StatusForbidden)
}

// TestSec36SinaMetaReadDecidedOnPinnedObject: the read PUT ?meta needs is
// decided on the object the update is pinned to. The key flips between
// the bucket owner's object and another account's private S3 object; the
// bucket owner's metadata writes land on its own object only.
func TestSec36SinaMetaReadDecidedOnPinnedObject(t *testing.T) {
	f := pol35Fixture(t, "sec36p")
	ctx := context.Background()
	put := func(ak string) {
		_, err := f.eng.PutObject(ctx, "sec36p", "k", strings.NewReader(ak), int64(len(ak)),
			engine.PutOptions{Owner: canonicalID(ak), Dialect: engine.DialectS3, ACL: engine.ACL{Canned: "private"}})
		require.NoError(t, err)
	}
	put(testAK)
	var leaked atomic.Int64
	keepFlipping(t, func() {
		put(otherAK)
		if info, err := f.eng.HeadObject(ctx, "sec36p", "k"); err == nil && info.Owner == canonicalID(otherAK) && info.User["who"] == "owner" {
			leaked.Add(1)
		}
		put(testAK)
	})
	n := 2000
	if testing.Short() {
		n = 600
	}
	served := 0
	for range n {
		if f.do(t, raw{method: "PUT", path: "/sec36p/k?meta", sign: "sina", header: hdr("X-Amz-Meta-Who", "owner")}).StatusCode == http.StatusOK {
			served++
		}
	}
	t.Logf("%d meta updates served, %d landed on the writer's object", served, leaked.Load())
	assert.Positive(t, served)
	assert.Zero(t, leaked.Load(), "the bucket owner's metadata on the writer's private object")
}

// TestSec36SelectMetaNeedsObjectRead: OSS CreateSelectObjectMeta takes
// oss:PutObject (Alibaba's page; the route's bucket write) and answers the
// object's size, row, column and split counts, read from its data: the
// caller must also be able to read the object, decided on the object
// scanned. The bucket owner was answered another account's private
// S3-written object's counts, a WRITE grantee the bucket owner's (200);
// both are now refused with OSS's AccessDenied and no meta is stored. In a
// bucket made through OSS the writers of a public-read-write bucket read
// its objects, and are answered as before.
func TestSec36SelectMetaNeedsObjectRead(t *testing.T) {
	f := pol35Fixture(t, "sec36s")
	ctx := context.Background()
	const csv = "a,b,c\n1,2,3\n4,5,6\n"
	must(t, f.do(t, sec34Other(raw{method: "PUT", path: "/sec36s/w.csv", header: hdr("X-Amz-Acl", "private"), body: []byte(csv)})).errOrNil())
	must(t, f.do(t, sec34Other(raw{method: "PUT", path: "/sec36s/wr.csv", header: hdr("X-Amz-Acl", "bucket-owner-read"), body: []byte(csv)})).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/sec36s/o.csv", body: []byte(csv)}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/sec36s/oo.csv", body: []byte(csv), sign: "oss-v1"}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/sec36s/shared.csv", header: hdr("X-Amz-Grant-Read", "id="+canonicalID(otherAK)), body: []byte(csv)}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/sec36oss", header: hdr("X-Oss-Acl", "public-read-write"), sign: "oss-v1"}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/sec36oss/o.csv", body: []byte(csv), sign: "oss-v1"}).errOrNil())

	scan := func(q raw, want int) {
		t.Helper()
		q.method, q.path, q.sign = "POST", q.path+"?x-oss-process=csv/meta", "oss-v1"
		q.body = []byte("<CsvMetaRequest><InputSerialization><CSV></CSV></InputSerialization></CsvMetaRequest>")
		r := f.do(t, q)
		assert.Equal(t, want, r.StatusCode, "%s %s: %s", q.ak, q.path, r.body)
		bucket, key, _ := strings.Cut(strings.TrimPrefix(strings.TrimSuffix(q.path, "?x-oss-process=csv/meta"), "/"), "/")
		info, err := f.eng.HeadObject(ctx, bucket, key)
		require.NoError(t, err)
		_, aerr := f.eng.Annotation(ctx, bucket, key, "oss-select-meta", info)
		if want == http.StatusOK {
			assert.NoError(t, aerr, "%s %s: the meta stored", q.ak, q.path)
			return
		}
		assert.Contains(t, string(r.body), "<Code>AccessDenied</Code>", "%s %s", q.ak, q.path)
		assert.Error(t, aerr, "%s %s: a refused scan stores no meta", q.ak, q.path)
	}
	// The WRITE grantee (otherAK); refusals first, before a scan allowed
	// stores the object's meta.
	scan(sec34Other(raw{path: "/sec36s/o.csv"}), http.StatusForbidden)  // the bucket owner's private S3 object
	scan(sec34Other(raw{path: "/sec36s/oo.csv"}), http.StatusForbidden) // its OSS object: the S3 bucket ACL opens no object
	scan(sec34Other(raw{path: "/sec36s/shared.csv"}), http.StatusOK)    // granting it READ
	// The bucket owner (testAK).
	scan(raw{path: "/sec36s/w.csv"}, http.StatusForbidden) // the writer's private S3 object
	scan(raw{path: "/sec36s/wr.csv"}, http.StatusOK)       // bucket-owner-read
	scan(raw{path: "/sec36s/o.csv"}, http.StatusOK)        // its own
	scan(raw{path: "/sec36s/oo.csv"}, http.StatusOK)
	scan(sec34Other(raw{path: "/sec36s/w.csv"}), http.StatusOK) // the grantee's own
	// A bucket made through OSS, public-read-write: unchanged.
	scan(sec34Other(raw{path: "/sec36oss/o.csv"}), http.StatusOK)
}

// TestSec36WebsiteDirRedirectOnlyToReadableIndex: a website request for
// "dir", missing, whose "dir/index.html" exists, is redirected to "dir/"
// (302 Found, S3 User Guide, "Configuring an index document") only when
// the visitor may read that index page; otherwise it is answered as any
// missing key is (here 404 with the error document: the bucket is
// public-read), so the redirect no longer tells that a private page
// exists. OSS's Type 2, which serves the page instead, alike: its 403
// told the same.
func TestSec36WebsiteDirRedirectOnlyToReadableIndex(t *testing.T) {
	f, get := websiteFixture(t, testWebsiteDoc)
	must(t, f.do(t, raw{method: "PUT", path: "/site/secret/index.html", body: []byte("private index")}).errOrNil())
	for _, base := range []string{"http://site.s3-website.test" + f.srv.URL[strings.LastIndex(f.srv.URL, ":"):], f.srv.URL + "/_website/site"} {
		for _, method := range []string{"GET", "HEAD"} {
			resp := get(method, base+"/docs")
			assert.Equal(t, http.StatusFound, resp.StatusCode, "%s %s/docs: a readable index page", method, base)
			missing := get(method, base+"/nothere")
			require.Equal(t, http.StatusNotFound, missing.StatusCode)
			resp = get(method, base+"/secret")
			assert.Equal(t, missing.StatusCode, resp.StatusCode, "%s %s/secret: as a missing key", method, base)
			assert.Empty(t, resp.Header.Get("Location"))
			assert.Equal(t, string(missing.body), string(resp.body))
		}
	}

	// OSS on its REST endpoint, Type 0 (redirect) and Type 2 (serve).
	must(t, f.do(t, raw{method: "PUT", path: "/osssite", header: hdr("X-Oss-Acl", "public-read"), sign: "oss-v1"}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/osssite/pub/index.html", body: []byte("public index"), sign: "oss-v1"}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/osssite/secret/index.html", header: hdr("X-Oss-Object-Acl", "private"), body: []byte("private index"), sign: "oss-v1"}).errOrNil())
	host := strings.Replace(f.srv.URL, "127.0.0.1", "osssite.oss-cn-hangzhou.aliyuncs.com", 1)
	for _, typ := range []string{"0", "2"} {
		doc := `<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix><SupportSubDir>true</SupportSubDir><Type>` + typ +
			`</Type></IndexDocument><ErrorDocument><Key>err.html</Key></ErrorDocument></WebsiteConfiguration>`
		must(t, f.do(t, raw{method: "PUT", path: "/osssite?website", body: []byte(doc), sign: "oss-v1"}).errOrNil())
		resp := get("GET", host+"/pub")
		if typ == "0" {
			assert.Equal(t, http.StatusFound, resp.StatusCode, "Type %s: a readable index page", typ)
		} else {
			assert.Equal(t, "public index", string(resp.body), "Type %s: a readable index page", typ)
		}
		missing := get("GET", host+"/nothere")
		require.Equal(t, http.StatusNotFound, missing.StatusCode)
		resp = get("GET", host+"/secret")
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, "Type %s: as a missing key: %s", typ, resp.body)
		assert.Empty(t, resp.Header.Get("Location"))
		assert.NotContains(t, string(resp.body), "private index")
		assert.Contains(t, string(resp.body), "NoSuchKey")
	}
}

// TestSec36EnforcedObjectAclInEveryDialect: under BucketOwnerEnforced
// (set through S3) the bucket owner owns every object and ACLs are
// disabled, whichever dialect asks. S3's GetObjectAcl showed it (the
// bucket owner, FULL_CONTROL) and every dialect's listing names the
// bucket owner; OSS's GetObjectAcl named the bucket owner (its Owner is
// the bucket's, as Alibaba documents) but showed the stored grant
// (public-read, which no longer grants anything), Sina's the writer as
// Owner with the stored grants. Both now show the bucket owner with a
// private ACL.
func TestSec36EnforcedObjectAclInEveryDialect(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	own35Bucket(t, f, "sec36e")
	must(t, f.do(t, sec34Other(raw{method: "PUT", path: "/sec36e/k", header: hdr("X-Amz-Acl", "public-read"), body: []byte("the writer's")})).errOrNil())
	sinaOwner := func(q raw) string {
		t.Helper()
		q.method, q.path, q.sign = "GET", q.path+"?acl&formatter=json", "sina"
		r := f.do(t, q)
		require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
		var doc struct {
			Owner string              `json:"Owner"`
			ACL   map[string][]string `json:"ACL"`
		}
		require.NoError(t, json.Unmarshal(r.body, &doc), "%s", r.body)
		return doc.Owner + " " + strings.Join(doc.ACL["GRPS000000ANONYMOUSE"], ",")
	}
	ossGrant := func(q raw) string {
		t.Helper()
		q.method, q.path, q.sign = "GET", "/sec36e/k?acl", "oss-v1"
		r := f.do(t, q)
		require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
		return string(r.body)
	}
	// ObjectWriter: the writer's object, public-read; its ACL is the
	// writer's to read.
	writers := sinaOwner(sec34Other(raw{path: "/sec36e/k"}))
	bucketOwner, _, _ := strings.Cut(sinaOwner(raw{path: "/sec36e"}), " ")
	require.NotEqual(t, bucketOwner+" read", writers)
	require.True(t, strings.HasSuffix(writers, " read"), writers)
	require.Contains(t, ossGrant(sec34Other(raw{})), "<Grant>public-read</Grant>")

	must(t, f.do(t, raw{method: "PUT", path: "/sec36e?ownershipControls",
		body: []byte(`<OwnershipControls><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>`)}).errOrNil())
	assert.Equal(t, bucketOwner+" ", sinaOwner(raw{path: "/sec36e/k"}), "Sina: the bucket owner, no public grant")
	oss := ossGrant(raw{})
	assert.Contains(t, oss, "<ID>"+canonicalID(testAK)+"</ID>", "OSS: the bucket owner")
	assert.Contains(t, oss, "<Grant>private</Grant>", "OSS: ACLs disabled")
	s3 := f.do(t, raw{method: "GET", path: "/sec36e/k?acl"})
	assert.Contains(t, string(s3.body), "<ID>"+canonicalID(testAK)+"</ID>", "S3, as before")
	assert.NotContains(t, string(s3.body), "AllUsers")
	assert.Equal(t, http.StatusForbidden, f.do(t, raw{method: "GET", path: "/sec36e/k", sign: "anon"}).StatusCode, "the stored public-read grants nothing")

	// Without the setting the stored owner and grants are shown again.
	must(t, f.do(t, raw{method: "DELETE", path: "/sec36e?ownershipControls"}).errOrNil())
	assert.Equal(t, writers, sinaOwner(sec34Other(raw{path: "/sec36e/k"})))
	assert.Contains(t, ossGrant(sec34Other(raw{})), "<Grant>public-read</Grant>")
}

// TestSec36EnforcedBucketAclInEveryDialect: under BucketOwnerEnforced the
// bucket's ACL grants nothing in any dialect (aclAllows), so OSS's and
// Sina's GetBucketAcl show it private, as S3's shows the bucket owner's
// FULL_CONTROL, not a stored public-read-write grant that no longer
// lets anyone write; without the setting the stored ACL shows again.
func TestSec36EnforcedBucketAclInEveryDialect(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.do(t, raw{method: "PUT", path: "/sec36b"}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/sec36b?acl", sign: "oss-v1", header: hdr("X-Oss-Acl", "public-read-write")}).errOrNil())
	ossGrant := func() string {
		t.Helper()
		r := f.do(t, raw{method: "GET", path: "/sec36b?acl", sign: "oss-v1"})
		require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
		return string(r.body)
	}
	sinaAnon := func() string {
		t.Helper()
		r := f.do(t, raw{method: "GET", path: "/sec36b?acl&formatter=json", sign: "sina"})
		require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
		var doc struct {
			ACL map[string][]string `json:"ACL"`
		}
		require.NoError(t, json.Unmarshal(r.body, &doc), "%s", r.body)
		return strings.Join(doc.ACL["GRPS000000ANONYMOUSE"], ",")
	}
	require.Contains(t, ossGrant(), "<Grant>public-read-write</Grant>")
	require.NotEmpty(t, sinaAnon())

	must(t, f.do(t, raw{method: "PUT", path: "/sec36b?ownershipControls",
		body: []byte(`<OwnershipControls><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>`)}).errOrNil())
	assert.Equal(t, http.StatusForbidden, f.do(t, raw{method: "PUT", path: "/sec36b/anon", sign: "anon", body: []byte("x")}).StatusCode,
		"the stored public-read-write grants nothing")
	assert.Contains(t, ossGrant(), "<Grant>private</Grant>", "OSS: ACLs disabled")
	assert.Empty(t, sinaAnon(), "Sina: no public grant")

	must(t, f.do(t, raw{method: "DELETE", path: "/sec36b?ownershipControls"}).errOrNil())
	assert.Contains(t, ossGrant(), "<Grant>public-read-write</Grant>")
}
