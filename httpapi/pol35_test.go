package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/httpapi"
)

// A third user besides the standing two (testAK, the bucket owner, and
// otherAK, the writer).
const (
	pol35AK = "AKIAPOL35THIRD"
	pol35SK = "pol35/third/secret"
)

func pol35Third(q raw) raw { q.ak, q.sk = pol35AK, pol35SK; return q }

// pol35Fixture is a fixture with the third user, and bucket created by
// testAK through S3 with WRITE granted to otherAK, who writes k
// (private), pub (public-read), ro (bucket-owner-read) and fc
// (bucket-owner-full-control) through S3; testAK writes mine (private).
func pol35Fixture(t *testing.T, bucket string) *fixture {
	t.Helper()
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithUsers(httpapi.User{AccessKey: pol35AK, SecretKey: pol35SK})}})
	must(t, f.do(t, raw{method: "PUT", path: "/" + bucket, header: hdr("X-Amz-Grant-Write", "id="+canonicalID(otherAK))}).errOrNil())
	for key, canned := range map[string]string{"k": "private", "pub": "public-read", "ro": "bucket-owner-read", "fc": "bucket-owner-full-control"} {
		must(t, f.do(t, sec34Other(raw{method: "PUT", path: "/" + bucket + "/" + key, header: hdr("X-Amz-Acl", canned, "X-Amz-Tagging", "t=1"),
			body: []byte("the writer's " + key)})).errOrNil())
	}
	must(t, f.do(t, raw{method: "PUT", path: "/" + bucket + "/mine", header: hdr("X-Amz-Tagging", "t=1"), body: []byte("the owner's")}).errOrNil())
	return f
}

// TestPol35BucketPolicyReachesOnlyBucketOwnersObjects: a bucket policy's
// Allow grants object operations only on objects the bucket owner owns.
// S3 User Guide, "Bucket policies for Amazon S3": "The permissions
// attached to the bucket apply to all of the objects in the bucket that
// are owned by the bucket owner. These permissions don't apply to
// objects that are owned by other AWS accounts." Under ObjectWriter an
// object another account writes through S3 is its writer's: anonymous
// callers, other users and the bucket owner itself are refused it
// whatever the policy allows, unless its ACL grants them; its writer
// reads it; the bucket's operations (listing, deleting) are still
// granted by the policy; under BucketOwnerEnforced the policy reaches
// every object again. Before, a public-read policy served the writer's
// private object to anyone (200 where S3 answers 403).
func TestPol35BucketPolicyReachesOnlyBucketOwnersObjects(t *testing.T) {
	f := pol35Fixture(t, "pol35b")
	pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:GetObjectAcl",` +
		`"s3:PutObjectAcl","s3:GetObjectTagging","s3:PutObjectTagging","s3:GetObjectAttributes"],"Resource":"arn:aws:s3:::pol35b/*"},` +
		`{"Effect":"Allow","Principal":"*","Action":["s3:ListBucket","s3:DeleteObject"],"Resource":["arn:aws:s3:::pol35b","arn:aws:s3:::pol35b/*"]}]}`
	must(t, f.do(t, raw{method: "PUT", path: "/pol35b?policy", body: []byte(pol)}).errOrNil())
	status := func(q raw) int { t.Helper(); return f.do(t, q).StatusCode }
	anon := func(q raw) raw { q.sign = "anon"; return q }
	ossAnon := func(q raw) raw { q.sign, q.header = "anon", hdr("X-Oss-Date", "x"); return q }
	ossThird := func(q raw) raw { q.sign = "oss-v1"; return pol35Third(q) }
	sinaThird := func(q raw) raw { q.sign = "sina"; return pol35Third(q) }
	owner := func(q raw) raw { return q }

	// The writer's private object: the policy reaches no one.
	for _, who := range []struct {
		name string
		as   func(raw) raw
	}{{"anonymous", anon}, {"third user", pol35Third}, {"bucket owner", owner}, {"OSS anonymous", ossAnon},
		{"OSS third user", ossThird}, {"Sina third user", sinaThird}} {
		for _, q := range []raw{
			{method: "GET", path: "/pol35b/k"},
			{method: "HEAD", path: "/pol35b/k"},
			{method: "GET", path: "/pol35b/k?acl"},
			{method: "GET", path: "/pol35b/k?tagging"},
		} {
			if q.path == "/pol35b/k?tagging" && who.name == "Sina third user" {
				continue // SCS has no object tagging
			}
			r := f.do(t, who.as(q))
			assert.Equal(t, http.StatusForbidden, r.StatusCode, "%s: %s %s", who.name, q.method, q.path)
			if q.method != "HEAD" {
				assert.Contains(t, string(r.body), "AccessDenied", "%s: %s %s", who.name, q.method, q.path)
			}
		}
	}
	for _, q := range []raw{
		{method: "PUT", path: "/pol35b/k?acl", header: hdr("X-Amz-Acl", "public-read")},
		{method: "PUT", path: "/pol35b/k?tagging", body: []byte(`<Tagging><TagSet><Tag><Key>t</Key><Value>2</Value></Tag></TagSet></Tagging>`)},
		{method: "GET", path: "/pol35b/k?attributes", header: hdr("X-Amz-Object-Attributes", "ETag")},
		{method: "PUT", path: "/pol35b/copy", header: hdr("X-Amz-Copy-Source", "/pol35b/k")},
	} {
		assert.Equal(t, http.StatusForbidden, status(pol35Third(q)), "third user: %s %s", q.method, q.path)
		assert.Equal(t, http.StatusForbidden, status(q), "bucket owner: %s %s", q.method, q.path)
	}
	// An OSS tag write, which no OSS ACL decides on the object.
	r := f.do(t, ossThird(raw{method: "PUT", path: "/pol35b/k?tagging",
		body: []byte(`<Tagging><TagSet><Tag><Key>t</Key><Value>2</Value></Tag></TagSet></Tagging>`)}))
	assert.Equal(t, http.StatusForbidden, r.StatusCode, "OSS third user: PUT k?tagging: %s", r.body)

	// What the object's owner and ACL grant still stands.
	assert.Equal(t, http.StatusOK, status(sec34Other(raw{method: "GET", path: "/pol35b/k"})), "the writer reads its object")
	assert.Equal(t, http.StatusOK, status(anon(raw{method: "GET", path: "/pol35b/pub"})), "the object's public-read")
	assert.Equal(t, http.StatusOK, status(ossAnon(raw{method: "GET", path: "/pol35b/pub"})), "the object's public-read, OSS")
	assert.Equal(t, http.StatusForbidden, status(anon(raw{method: "GET", path: "/pol35b/pub?acl"})), "public-read is READ, not READ_ACP")
	assert.Equal(t, http.StatusOK, status(raw{method: "GET", path: "/pol35b/ro"}), "bucket-owner-read")
	assert.Equal(t, http.StatusForbidden, status(raw{method: "GET", path: "/pol35b/ro?acl"}), "bucket-owner-read is READ only")
	assert.Equal(t, http.StatusOK, status(raw{method: "GET", path: "/pol35b/fc?acl"}), "bucket-owner-full-control")
	assert.Equal(t, http.StatusForbidden, status(anon(raw{method: "GET", path: "/pol35b/fc"})), "the owner's grant is not the policy's")

	// The bucket owner's objects: the policy applies as before.
	for _, q := range []raw{
		anon(raw{method: "GET", path: "/pol35b/mine"}),
		ossAnon(raw{method: "GET", path: "/pol35b/mine"}),
		pol35Third(raw{method: "GET", path: "/pol35b/mine?acl"}),
		pol35Third(raw{method: "GET", path: "/pol35b/mine?tagging"}),
		sinaThird(raw{method: "GET", path: "/pol35b/mine"}),
		// The bucket's operations: granted by the policy whoever owns the object.
		anon(raw{method: "GET", path: "/pol35b?list-type=2"}),
	} {
		assert.Equal(t, http.StatusOK, status(q), "%s %s %s", q.sign, q.method, q.path)
	}
	assert.Equal(t, http.StatusNotFound, status(anon(raw{method: "GET", path: "/pol35b/missing"})), "a missing key, to a caller who may list")

	// BucketOwnerEnforced: the bucket owner owns every object, the policy
	// reaches them all.
	enforce := func(rule string) {
		must(t, f.do(t, raw{method: "PUT", path: "/pol35b?ownershipControls",
			body: []byte(`<OwnershipControls><Rule><ObjectOwnership>` + rule + `</ObjectOwnership></Rule></OwnershipControls>`)}).errOrNil())
	}
	enforce("BucketOwnerEnforced")
	assert.Equal(t, http.StatusOK, status(anon(raw{method: "GET", path: "/pol35b/k"})))
	assert.Equal(t, http.StatusOK, status(raw{method: "GET", path: "/pol35b/k"}))
	assert.Equal(t, http.StatusOK, status(pol35Third(raw{method: "GET", path: "/pol35b/k?tagging"})))
	enforce("ObjectWriter")
	assert.Equal(t, http.StatusForbidden, status(anon(raw{method: "GET", path: "/pol35b/k"})))

	// Deleting is the bucket's: the policy's grantee deletes the
	// writer's object.
	assert.Equal(t, http.StatusNoContent, status(pol35Third(raw{method: "DELETE", path: "/pol35b/k"})))
}

// TestPol35BucketPolicyDenyRefusesObjectOwner: an explicit Deny in the
// bucket policy refuses every principal, the object's owner included: S3
// evaluates the bucket owner's policies in the bucket context for an
// explicit Deny before the object owner's ACL decides ("How Amazon S3
// authorizes a request for an object operation"). The Allow beside it
// reaches the bucket owner's objects only.
func TestPol35BucketPolicyDenyRefusesObjectOwner(t *testing.T) {
	f := pol35Fixture(t, "pol35d")
	pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":["s3:GetObject","s3:PutObjectAcl"],"Resource":"arn:aws:s3:::pol35d/k"},` +
		`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pol35d/*"}]}`
	must(t, f.do(t, raw{method: "PUT", path: "/pol35d?policy", body: []byte(pol)}).errOrNil())
	status := func(q raw) int { t.Helper(); return f.do(t, q).StatusCode }
	assert.Equal(t, http.StatusForbidden, status(sec34Other(raw{method: "GET", path: "/pol35d/k"})), "the Deny refuses the object's owner")
	assert.Equal(t, http.StatusForbidden, status(sec34Other(raw{method: "GET", path: "/pol35d/k", sign: "oss-v1"})), "in every dialect")
	assert.Equal(t, http.StatusForbidden, status(sec34Other(raw{method: "PUT", path: "/pol35d/k?acl", header: hdr("X-Amz-Acl", "public-read")})))
	assert.Equal(t, http.StatusOK, status(sec34Other(raw{method: "GET", path: "/pol35d/k?acl"})), "what the Deny does not name, the owner may")
	assert.Equal(t, http.StatusOK, status(sec34Other(raw{method: "GET", path: "/pol35d/ro"})), "the writer's other object")
	assert.Equal(t, http.StatusForbidden, status(pol35Third(raw{method: "GET", path: "/pol35d/ro"})), "the Allow does not reach the writer's object")
	assert.Equal(t, http.StatusOK, status(pol35Third(raw{method: "GET", path: "/pol35d/mine"})), "it reaches the owner's")
}

// TestPol35BucketOwnersOSSTagWritesOfWritersObject: the bucket owner's
// tag writes through OSS of an object another account wrote through S3
// are refused as its S3 tag writes are (ownersTagging, decided in every
// dialect since the thirty-fifth session's own35). OSS has no ACL rule
// that reads the object for a tag write, so the decision did not read
// it: the owner's OSS PutObjectTagging and DeleteObjectTagging of the
// writer's object were 200 and 204. Objects written through OSS, and
// the owner's own, it still tags.
func TestPol35BucketOwnersOSSTagWritesOfWritersObject(t *testing.T) {
	f := pol35Fixture(t, "pol35t")
	must(t, f.do(t, sec34Other(raw{method: "PUT", path: "/pol35t/viaoss", sign: "oss-v1", body: []byte("the writer's, through OSS")})).errOrNil())
	tagging := []byte(`<Tagging><TagSet><Tag><Key>t</Key><Value>2</Value></Tag></TagSet></Tagging>`)
	for _, sign := range []string{"v4", "oss-v1"} {
		for _, q := range []raw{
			{method: "PUT", path: "/pol35t/k?tagging", body: tagging},
			{method: "DELETE", path: "/pol35t/k?tagging"},
		} {
			q.sign = sign
			r := f.do(t, q)
			assert.Equal(t, http.StatusForbidden, r.StatusCode, "%s %s %s: %s", sign, q.method, q.path, r.body)
		}
		for _, path := range []string{"/pol35t/viaoss?tagging", "/pol35t/mine?tagging"} {
			r := f.do(t, raw{method: "PUT", path: path, sign: sign, body: tagging})
			assert.Equal(t, http.StatusOK, r.StatusCode, "%s PUT %s: %s", sign, path, r.body)
		}
	}
	r := f.do(t, sec34Other(raw{method: "GET", path: "/pol35t/k?tagging"}))
	must(t, r.errOrNil())
	assert.Contains(t, string(r.body), "<Value>1</Value>", "the writer's tags are unchanged")
}

// TestPol35AccessPointPolicyReachesOnlyBucketOwnersObjects: through an
// OSS access point a request is decided by the bucket (its policy, which
// may delegate to the access point) and by the access point's policy,
// both resource policies of the bucket owner's account: neither reaches
// an object another account wrote through S3, so an anonymous read
// through the alias is refused it while the bucket owner's object is
// served. Before, the two Allows served the writer's private object.
func TestPol35AccessPointPolicyReachesOnlyBucketOwnersObjects(t *testing.T) {
	f := pol35Fixture(t, "pol35ap")
	ctx := context.Background()
	owner := f.ossV2(testAK, testSK)
	made, err := owner.CreateAccessPoint(ctx, &oss2.CreateAccessPointRequest{Bucket: oss2.Ptr("pol35ap"),
		CreateAccessPointConfiguration: &oss2.CreateAccessPointConfiguration{AccessPointName: oss2.Ptr("ap-pol35"), NetworkOrigin: oss2.Ptr("internet")}})
	require.NoError(t, err)
	_, err = owner.PutBucketPolicy(ctx, &oss2.PutBucketPolicyRequest{Bucket: oss2.Ptr("pol35ap"), Body: strings.NewReader(`{"Version":"1","Statement":[` +
		`{"Effect":"Allow","Principal":["*"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:pol35ap/*"],` +
		`"Condition":{"StringEquals":{"oss:DataAccessPointArn":["` + *made.AccessPointArn + `"]}}}]}`)})
	require.NoError(t, err)
	_, err = owner.PutAccessPointPolicy(ctx, &oss2.PutAccessPointPolicyRequest{Bucket: oss2.Ptr("pol35ap"), AccessPointName: oss2.Ptr("ap-pol35"),
		Body: strings.NewReader(`{"Version":"1","Statement":[{"Effect":"Allow","Principal":["*"],"Action":["oss:GetObject"],` +
			`"Resource":["acs:oss:*:*:accesspoint/ap-pol35/object/*"]}]}`)})
	require.NoError(t, err)
	anon := func(key string) int {
		t.Helper()
		return f.do(t, raw{method: "GET", path: "/" + key, sign: "anon", host: *made.Alias + ".oss-cn-hangzhou.aliyuncs.com"}).StatusCode
	}
	assert.Equal(t, http.StatusOK, anon("mine"), "the bucket owner's object, through the access point")
	assert.Equal(t, http.StatusForbidden, anon("k"), "the writer's private object")
	assert.Equal(t, http.StatusOK, anon("pub"), "the writer's public-read object")
}

// TestPol35TagConditionedPolicyReachesOnlyBucketOwnersObjects: an Allow
// conditioned on s3:ExistingObjectTag is a bucket policy's Allow like
// any other: it serves the bucket owner's tagged object and not the
// writer's object carrying the same tag, whichever dialect asks.
func TestPol35TagConditionedPolicyReachesOnlyBucketOwnersObjects(t *testing.T) {
	f := pol35Fixture(t, "pol35tag")
	pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject",` +
		`"Resource":"arn:aws:s3:::pol35tag/*","Condition":{"StringEquals":{"s3:ExistingObjectTag/t":"1"}}}]}`
	must(t, f.do(t, raw{method: "PUT", path: "/pol35tag?policy", body: []byte(pol)}).errOrNil())
	for _, q := range []raw{
		{method: "GET", path: "/pol35tag/k", sign: "anon"},
		{method: "GET", path: "/pol35tag/k", sign: "anon", header: hdr("X-Oss-Date", "x")},
		pol35Third(raw{method: "GET", path: "/pol35tag/k"}),
		{method: "GET", path: "/pol35tag/k"},
	} {
		assert.Equal(t, http.StatusForbidden, f.do(t, q).StatusCode, "%s %s %v", q.sign, q.path, q.header)
		q.path = "/pol35tag/mine"
		assert.Equal(t, http.StatusOK, f.do(t, q).StatusCode, "%s %s %v", q.sign, q.path, q.header)
	}
}
