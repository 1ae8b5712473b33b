package httpapi_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/osslite/osslite/engine"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// own35Bucket creates bucket as the standing user (testAK) through S3,
// granting the second user (otherAK) WRITE.
func own35Bucket(t *testing.T, f *fixture, bucket string) {
	t.Helper()
	must(t, f.do(t, raw{method: "PUT", path: "/" + bucket, header: hdr("X-Amz-Grant-Write", "id="+canonicalID(otherAK))}).errOrNil())
}

// TestOwn35S3WritersObjectRefusedInEveryDialect: an object another
// account wrote through S3 (Object Ownership ObjectWriter) is its
// writer's whichever dialect later asks: the bucket owner's OSS- and
// Sina-signed reads of it (GET, HEAD, the ACL, its tags, through a
// symlink) are refused as its S3 reads are, unless the object's ACL
// grants the owner (bucket-owner-read, bucket-owner-full-control) or the
// bucket is BucketOwnerEnforced; listing and deleting stay the owner's.
// Copies and multipart uploads the writer makes through S3 are marked
// alike. OSS and Sina served such objects to the bucket owner (their
// rule: the bucket owner owns every object), the same store answering
// two ways.
func TestOwn35S3WritersObjectRefusedInEveryDialect(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	own35Bucket(t, f, "own35s3")
	put := func(key string, h http.Header) {
		t.Helper()
		must(t, f.do(t, sec34Other(raw{method: "PUT", path: "/own35s3/" + key, header: h, body: []byte("the writer's " + key)})).errOrNil())
	}
	put("k", hdr("X-Amz-Acl", "private"))
	put("ro", hdr("X-Amz-Acl", "bucket-owner-read"))
	put("fc", hdr("X-Amz-Acl", "bucket-owner-full-control"))
	must(t, f.do(t, sec34Other(raw{method: "PUT", path: "/own35s3/copy", header: hdr("X-Amz-Copy-Source", "/own35s3/k")})).errOrNil())
	ctx := context.Background()
	c := f.s3Client(true, otherAK, otherSK)
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("own35s3"), Key: aws.String("mp")})
	require.NoError(t, err)
	part, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("own35s3"), Key: aws.String("mp"), UploadId: up.UploadId,
		PartNumber: aws.Int32(1), Body: bytes.NewReader([]byte("one part"))})
	require.NoError(t, err)
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("own35s3"), Key: aws.String("mp"), UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.ETag}}}})
	require.NoError(t, err)
	// The bucket owner's own symlink to the writer's object.
	must(t, f.do(t, raw{method: "PUT", path: "/own35s3/link?symlink", header: hdr("x-oss-symlink-target", "k"), sign: "oss-v1"}).errOrNil())

	refused := func(q raw) {
		t.Helper()
		r := f.do(t, q)
		assert.Equal(t, http.StatusForbidden, r.StatusCode, "%s %s %s: %s", q.sign, q.method, q.path, r.body)
		if q.method != "HEAD" {
			assert.Contains(t, string(r.body), "AccessDenied", "%s %s %s", q.sign, q.method, q.path)
		}
	}
	allowed := func(q raw, want int) {
		t.Helper()
		r := f.do(t, q)
		assert.Equal(t, want, r.StatusCode, "%s %s %s: %s", q.sign, q.method, q.path, r.body)
	}
	check := func(enforced bool) {
		t.Helper()
		for _, sign := range []string{"v4", "oss-v1", "sina"} {
			for _, q := range []raw{
				{method: "GET", path: "/own35s3/k"},
				{method: "HEAD", path: "/own35s3/k"},
				{method: "GET", path: "/own35s3/k", header: hdr("Range", "bytes=0-1")},
				{method: "GET", path: "/own35s3/k?acl"},
				{method: "GET", path: "/own35s3/copy"},
				{method: "GET", path: "/own35s3/mp"},
			} {
				q.sign = sign
				if enforced {
					want := http.StatusOK
					if q.header != nil {
						want = http.StatusPartialContent
					}
					allowed(q, want)
				} else {
					refused(q)
				}
			}
			allowed(raw{method: "GET", path: "/own35s3/ro", sign: sign}, http.StatusOK) // bucket-owner-read
			allowed(raw{method: "GET", path: "/own35s3/fc", sign: sign}, http.StatusOK) // bucket-owner-full-control
			allowed(raw{method: "GET", path: "/own35s3/fc?acl", sign: sign}, http.StatusOK)
			allowed(raw{method: "GET", path: "/own35s3", sign: sign}, http.StatusOK)
		}
		// OSS only: the ACL set, the tags, a read through a symlink, a
		// copy from it.
		for _, q := range []raw{
			{method: "PUT", path: "/own35s3/k?acl", header: hdr("x-oss-object-acl", "private"), sign: "oss-v1"},
			{method: "GET", path: "/own35s3/k?tagging", sign: "oss-v1"},
			{method: "GET", path: "/own35s3/link", sign: "oss-v1"},
			{method: "PUT", path: "/own35s3/ocopy", header: hdr("x-oss-copy-source", "/own35s3/k"), sign: "oss-v1"},
		} {
			if enforced {
				allowed(q, http.StatusOK)
			} else {
				refused(q)
			}
		}
	}
	check(false)
	refused(raw{method: "GET", path: "/own35s3/ro?acl", sign: "oss-v1"}) // bucket-owner-read grants READ only
	assert.Equal(t, http.StatusOK, f.do(t, sec34Other(raw{method: "GET", path: "/own35s3/k", sign: "oss-v1"})).StatusCode, "the writer reads its object")

	// BucketOwnerEnforced (set through S3): the bucket owner owns every
	// object, in every dialect.
	must(t, f.do(t, raw{method: "PUT", path: "/own35s3?ownershipControls",
		body: []byte(`<OwnershipControls><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>`)}).errOrNil())
	check(true)
	must(t, f.do(t, raw{method: "DELETE", path: "/own35s3?ownershipControls"}).errOrNil())
	refused(raw{method: "GET", path: "/own35s3/k", sign: "oss-v1"})

	// Deleting stays the bucket owner's.
	allowed(raw{method: "DELETE", path: "/own35s3/k", sign: "oss-v1"}, http.StatusNoContent)
}

// TestOwn35OSSWritersObjectIsBucketOwnersInEveryDialect: an object
// another account wrote through OSS or Sina (put, append, a copy of an
// S3-written object) is the bucket owner's under their rule, and stays
// so when the bucket owner asks through S3: it reads it, its ACL, and
// sets the ACL. S3 refused them (403). The S3-written source of the copy
// stays refused.
func TestOwn35OSSWritersObjectIsBucketOwnersInEveryDialect(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	own35Bucket(t, f, "own35oss")
	other := func(q raw) {
		t.Helper()
		r := f.do(t, sec34Other(q))
		require.Less(t, r.StatusCode, 300, "%s %s %s: %s", q.sign, q.method, q.path, r.body)
	}
	other(raw{method: "PUT", path: "/own35oss/o", header: hdr("x-oss-object-acl", "private"), body: []byte("oss"), sign: "oss-v1"})
	other(raw{method: "PUT", path: "/own35oss/s", header: hdr("X-Amz-Acl", "private"), body: []byte("sina"), sign: "sina"})
	other(raw{method: "POST", path: "/own35oss/a?append&position=0", body: []byte("appended"), sign: "oss-v1"})
	other(raw{method: "PUT", path: "/own35oss/k", header: hdr("X-Amz-Acl", "private"), body: []byte("s3")})
	other(raw{method: "PUT", path: "/own35oss/ocopy", header: hdr("x-oss-copy-source", "/own35oss/k"), sign: "oss-v1"})

	for _, q := range []raw{
		{method: "GET", path: "/own35oss/o"},
		{method: "HEAD", path: "/own35oss/o"},
		{method: "GET", path: "/own35oss/o?acl"},
		{method: "GET", path: "/own35oss/o?tagging"},
		{method: "PUT", path: "/own35oss/o?acl", header: hdr("X-Amz-Acl", "private")},
		{method: "GET", path: "/own35oss/s"},
		{method: "GET", path: "/own35oss/a"},
		{method: "GET", path: "/own35oss/ocopy"},
	} {
		r := f.do(t, q)
		assert.Equal(t, http.StatusOK, r.StatusCode, "%s %s: %s", q.method, q.path, r.body)
	}
	assert.Equal(t, http.StatusForbidden, f.do(t, raw{method: "GET", path: "/own35oss/k"}).StatusCode, "the copy's S3-written source")
	assert.Equal(t, http.StatusForbidden, f.do(t, raw{method: "GET", path: "/own35oss/k", sign: "oss-v1"}).StatusCode, "the copy's S3-written source")
}

// TestOwn35EachVersionItsMark: in a versioned bucket each version keeps
// the dialect that wrote it: the writer's S3 version is refused to the
// bucket owner through OSS, its OSS version served through S3.
func TestOwn35EachVersionItsMark(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	own35Bucket(t, f, "own35ver")
	must(t, f.do(t, raw{method: "PUT", path: "/own35ver?versioning", body: []byte(`<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>`)}).errOrNil())
	r := f.do(t, sec34Other(raw{method: "PUT", path: "/own35ver/k", body: []byte("through s3")}))
	must(t, r.errOrNil())
	v1 := r.Header.Get("X-Amz-Version-Id")
	r = f.do(t, sec34Other(raw{method: "PUT", path: "/own35ver/k", body: []byte("through oss"), sign: "oss-v1"}))
	must(t, r.errOrNil())
	v2 := r.Header.Get("X-Oss-Version-Id")
	require.NotEmpty(t, v1)
	require.NotEmpty(t, v2)
	for _, c := range []struct {
		sign, query string
		want        int
	}{
		{"v4", "", http.StatusOK}, {"v4", "?versionId=" + v2, http.StatusOK}, {"v4", "?versionId=" + v1, http.StatusForbidden},
		{"oss-v1", "", http.StatusOK}, {"oss-v1", "?versionId=" + v2, http.StatusOK}, {"oss-v1", "?versionId=" + v1, http.StatusForbidden},
	} {
		r := f.do(t, raw{method: "GET", path: "/own35ver/k" + c.query, sign: c.sign})
		assert.Equal(t, c.want, r.StatusCode, "%s GET %s: %s", c.sign, c.query, r.body)
	}
}

// TestOwn35UnmarkedObjectsKeepTheAskingDialectsRule: an object whose
// record names no writing dialect (every object of a store written by
// an earlier build; here written through the engine's API, as those
// builds wrote records) keeps the rule it had: S3 refuses it to the
// bucket owner, OSS and Sina serve it.
func TestOwn35UnmarkedObjectsKeepTheAskingDialectsRule(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	own35Bucket(t, f, "own35old")
	ctx := context.Background()
	_, err := f.eng.PutObject(ctx, "own35old", "old", bytes.NewReader([]byte("old")), 3, engine.PutOptions{Owner: canonicalID(otherAK)})
	require.NoError(t, err)
	info, err := f.eng.HeadObject(ctx, "own35old", "old")
	require.NoError(t, err)
	require.Equal(t, engine.DialectUnknown, info.Dialect)
	for sign, want := range map[string]int{"v4": http.StatusForbidden, "oss-v1": http.StatusOK, "sina": http.StatusOK} {
		for _, path := range []string{"/own35old/old", "/own35old/old?acl"} {
			r := f.do(t, raw{method: "GET", path: path, sign: sign})
			assert.Equal(t, want, r.StatusCode, "%s GET %s: %s", sign, path, r.body)
		}
	}
	// A write through the server records its dialect.
	must(t, f.do(t, sec34Other(raw{method: "PUT", path: "/own35old/new", body: []byte("new")})).errOrNil())
	info, err = f.eng.HeadObject(ctx, "own35old", "new")
	require.NoError(t, err)
	assert.Equal(t, engine.DialectS3, info.Dialect)
}

// TestOwn35OSSBucketACLOpensWritersObjectToEveryoneOnly: in a bucket
// whose ACL was set through OSS (objects without an ACL of their own
// follow it in OSS), an object another account wrote through S3 without
// an ACL is served to the bucket owner through OSS while the bucket's
// ACL opens it to everyone (an anonymous OSS read is served it too), and
// refused once the bucket is private: the bucket owner's own grant on
// its bucket does not make the writer's object its own.
func TestOwn35OSSBucketACLOpensWritersObjectToEveryoneOnly(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.do(t, raw{method: "PUT", path: "/own35pub", header: hdr("x-oss-acl", "public-read-write"), sign: "oss-v1"}).errOrNil())
	must(t, f.do(t, sec34Other(raw{method: "PUT", path: "/own35pub/noacl", body: []byte("no acl of its own")})).errOrNil())
	must(t, f.do(t, sec34Other(raw{method: "PUT", path: "/own35pub/priv", header: hdr("X-Amz-Acl", "private"), body: []byte("private")})).errOrNil())
	status := func(q raw) int { t.Helper(); return f.do(t, q).StatusCode }
	assert.Equal(t, http.StatusOK, status(raw{method: "GET", path: "/own35pub/noacl", sign: "anon", header: hdr("x-oss-own35", "anonymous OSS")}), "anonymous, through OSS")
	assert.Equal(t, http.StatusOK, status(raw{method: "GET", path: "/own35pub/noacl", sign: "oss-v1"}), "the bucket owner, as everyone")
	assert.Equal(t, http.StatusForbidden, status(raw{method: "GET", path: "/own35pub/priv", sign: "oss-v1"}), "an ACL of its own")
	assert.Equal(t, http.StatusForbidden, status(raw{method: "GET", path: "/own35pub/noacl"}), "through S3 the bucket's grants open no object")

	must(t, f.do(t, raw{method: "PUT", path: "/own35pub?acl", header: hdr("x-oss-acl", "private"), sign: "oss-v1"}).errOrNil())
	assert.Equal(t, http.StatusForbidden, status(raw{method: "GET", path: "/own35pub/noacl", sign: "anon", header: hdr("x-oss-own35", "anonymous OSS")}))
	assert.Equal(t, http.StatusForbidden, status(raw{method: "GET", path: "/own35pub/noacl", sign: "oss-v1"}), "the bucket owner's own grant on the bucket")
	assert.Equal(t, http.StatusForbidden, status(raw{method: "GET", path: "/own35pub/noacl", sign: "sina"}))
}
