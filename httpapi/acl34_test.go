package httpapi_test

import (
	"crypto/md5"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
)

// S3's mapping of ACL permissions to operations (S3 User Guide, "Access
// control list (ACL) overview", "Mapping of ACL permissions and access
// policy permissions"): on a bucket, READ is s3:ListBucket,
// s3:ListBucketVersions and s3:ListBucketMultipartUploads; WRITE is
// s3:PutObject and s3:DeleteObject; READ_ACP s3:GetBucketAcl; WRITE_ACP
// s3:PutBucketAcl. On an object, READ is s3:GetObject and
// s3:GetObjectVersion; READ_ACP s3:GetObjectAcl; WRITE_ACP
// s3:PutObjectAcl. FULL_CONTROL is all of them; every other action
// (tagging, Object Lock, restores, configurations, another's upload) no
// ACL grants.

// acl34Row is one operation and the ACL permission S3 grants it by: a
// requester who is not the owner and holds only a grant of perm on the
// bucket and on the object may run it; "" means no ACL grants it.
type acl34Row struct {
	op   string
	perm string
	// anonNever: S3 refuses anonymous callers whatever the ACL grants.
	anonNever bool
	req       func(s *acl34Setup) acl34Req
}

type acl34Req struct {
	method, path string
	header       http.Header
	body         []byte
}

// acl34Setup is the state a row runs against: the bucket owner's bucket
// acl34 with the grant under test on it and on its object obj, and an
// upload the owner started.
type acl34Setup struct {
	grantHeader string // x-amz-grant-* header
	grantee     string // its value
	upload      string
}

func acl34WithMD5(body string, kv ...string) (http.Header, []byte) {
	sum := md5.Sum([]byte(body))
	h := hdr(append([]string{"Content-MD5", base64.StdEncoding.EncodeToString(sum[:])}, kv...)...)
	return h, []byte(body)
}

var acl34Rows = []acl34Row{
	// Bucket READ.
	{op: "HeadBucket", perm: "READ", req: func(*acl34Setup) acl34Req { return acl34Req{method: "HEAD", path: "/acl34"} }},
	{op: "ListObjects", perm: "READ", req: func(*acl34Setup) acl34Req { return acl34Req{method: "GET", path: "/acl34"} }},
	{op: "ListObjectsV2", perm: "READ", req: func(*acl34Setup) acl34Req { return acl34Req{method: "GET", path: "/acl34?list-type=2"} }},
	{op: "ListObjectVersions", perm: "READ", req: func(*acl34Setup) acl34Req { return acl34Req{method: "GET", path: "/acl34?versions"} }},
	{op: "ListMultipartUploads", perm: "READ", req: func(*acl34Setup) acl34Req { return acl34Req{method: "GET", path: "/acl34?uploads"} }},
	// Bucket READ_ACP and WRITE_ACP.
	{op: "GetBucketAcl", perm: "READ_ACP", req: func(*acl34Setup) acl34Req { return acl34Req{method: "GET", path: "/acl34?acl"} }},
	{op: "PutBucketAcl", perm: "WRITE_ACP", req: func(s *acl34Setup) acl34Req {
		// The same grants again, so later rows see the same ACL.
		return acl34Req{method: "PUT", path: "/acl34?acl", header: hdr(s.grantHeader, s.grantee, "x-amz-grant-full-control", "id="+canonicalID(testAK))}
	}},
	// Bucket configurations: the owner's (or a policy's), no ACL's.
	{op: "GetBucketVersioning", req: func(*acl34Setup) acl34Req { return acl34Req{method: "GET", path: "/acl34?versioning"} }},
	{op: "GetBucketTagging", req: func(*acl34Setup) acl34Req { return acl34Req{method: "GET", path: "/acl34?tagging"} }},
	{op: "GetBucketPolicy", req: func(*acl34Setup) acl34Req { return acl34Req{method: "GET", path: "/acl34?policy"} }},
	{op: "GetBucketCors", req: func(*acl34Setup) acl34Req { return acl34Req{method: "GET", path: "/acl34?cors"} }},
	{op: "GetBucketLifecycleConfiguration", req: func(*acl34Setup) acl34Req { return acl34Req{method: "GET", path: "/acl34?lifecycle"} }},
	{op: "GetBucketEncryption", req: func(*acl34Setup) acl34Req { return acl34Req{method: "GET", path: "/acl34?encryption"} }},
	{op: "GetBucketOwnershipControls", req: func(*acl34Setup) acl34Req { return acl34Req{method: "GET", path: "/acl34?ownershipControls"} }},
	{op: "GetObjectLockConfiguration", req: func(*acl34Setup) acl34Req { return acl34Req{method: "GET", path: "/acl34?object-lock"} }},
	{op: "PutBucketTagging", req: func(*acl34Setup) acl34Req {
		h, b := acl34WithMD5(`<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>`)
		return acl34Req{method: "PUT", path: "/acl34?tagging", header: h, body: b}
	}},
	// Another's upload: the bucket owner's and the initiator's.
	{op: "ListParts", req: func(s *acl34Setup) acl34Req { return acl34Req{method: "GET", path: "/acl34/up?uploadId=" + s.upload} }},
	// Object READ.
	{op: "GetObject", perm: "READ", req: func(*acl34Setup) acl34Req { return acl34Req{method: "GET", path: "/acl34/obj"} }},
	{op: "HeadObject", perm: "READ", req: func(*acl34Setup) acl34Req { return acl34Req{method: "HEAD", path: "/acl34/obj"} }},
	{op: "GetObjectAttributes", perm: "READ", req: func(*acl34Setup) acl34Req {
		return acl34Req{method: "GET", path: "/acl34/obj?attributes", header: hdr("x-amz-object-attributes", "ETag")}
	}},
	{op: "SelectObjectContent", perm: "READ", anonNever: true, req: func(*acl34Setup) acl34Req {
		return acl34Req{method: "POST", path: "/acl34/obj?select&select-type=2", body: []byte(`<SelectObjectContentRequest><Expression>SELECT * FROM S3Object</Expression>` +
			`<ExpressionType>SQL</ExpressionType><InputSerialization><CSV/></InputSerialization><OutputSerialization><CSV/></OutputSerialization></SelectObjectContentRequest>`)}
	}},
	// Object READ_ACP and WRITE_ACP.
	{op: "GetObjectAcl", perm: "READ_ACP", req: func(*acl34Setup) acl34Req { return acl34Req{method: "GET", path: "/acl34/obj?acl"} }},
	{op: "PutObjectAcl", perm: "WRITE_ACP", req: func(s *acl34Setup) acl34Req {
		return acl34Req{method: "PUT", path: "/acl34/obj?acl", header: hdr(s.grantHeader, s.grantee, "x-amz-grant-full-control", "id="+canonicalID(testAK))}
	}},
	// Object actions no ACL grants.
	{op: "GetObjectTagging", req: func(*acl34Setup) acl34Req { return acl34Req{method: "GET", path: "/acl34/obj?tagging"} }},
	{op: "PutObjectTagging", req: func(*acl34Setup) acl34Req {
		h, b := acl34WithMD5(`<Tagging><TagSet><Tag><Key>shared</Key><Value>yes</Value></Tag></TagSet></Tagging>`)
		return acl34Req{method: "PUT", path: "/acl34/obj?tagging", header: h, body: b}
	}},
	{op: "DeleteObjectTagging", req: func(*acl34Setup) acl34Req { return acl34Req{method: "DELETE", path: "/acl34/obj?tagging"} }},
	{op: "GetObjectRetention", req: func(*acl34Setup) acl34Req { return acl34Req{method: "GET", path: "/acl34/obj?retention"} }},
	{op: "GetObjectLegalHold", req: func(*acl34Setup) acl34Req { return acl34Req{method: "GET", path: "/acl34/obj?legal-hold"} }},
	{op: "GetObjectAnnotation", req: func(*acl34Setup) acl34Req {
		return acl34Req{method: "GET", path: "/acl34/obj?annotation&annotationName=note"}
	}},
	{op: "ListObjectAnnotations", req: func(*acl34Setup) acl34Req { return acl34Req{method: "GET", path: "/acl34/obj?annotation"} }},
	{op: "PutObjectAnnotation", req: func(*acl34Setup) acl34Req {
		return acl34Req{method: "PUT", path: "/acl34/obj?annotation&annotationName=note", body: []byte("theirs")}
	}},
	{op: "DeleteObjectAnnotation", req: func(*acl34Setup) acl34Req {
		return acl34Req{method: "DELETE", path: "/acl34/obj?annotation&annotationName=note"}
	}},
	{op: "RestoreObject", req: func(*acl34Setup) acl34Req {
		return acl34Req{method: "POST", path: "/acl34/obj?restore", body: []byte(`<RestoreRequest><Days>1</Days></RestoreRequest>`)}
	}},
	// Bucket WRITE (last: they change the bucket).
	{op: "AbortMultipartUpload", req: func(s *acl34Setup) acl34Req {
		return acl34Req{method: "DELETE", path: "/acl34/up?uploadId=" + s.upload}
	}},
	// A copy reads its source (object READ) and writes (bucket WRITE):
	// only FULL_CONTROL, granted on both, holds the two.
	{op: "CopyObject", perm: "READ+WRITE", req: func(*acl34Setup) acl34Req {
		return acl34Req{method: "PUT", path: "/acl34/copy", header: hdr("x-amz-copy-source", "/acl34/gone")}
	}},
	{op: "PutObject", perm: "WRITE", req: func(*acl34Setup) acl34Req { return acl34Req{method: "PUT", path: "/acl34/new", body: []byte("new")} }},
	{op: "CreateMultipartUpload", perm: "WRITE", anonNever: true, req: func(*acl34Setup) acl34Req { return acl34Req{method: "POST", path: "/acl34/new2?uploads"} }},
	{op: "DeleteObjects", perm: "WRITE", req: func(*acl34Setup) acl34Req {
		h, b := acl34WithMD5(`<Delete><Object><Key>gone</Key></Object></Delete>`)
		return acl34Req{method: "POST", path: "/acl34?delete", header: h, body: b}
	}},
	{op: "DeleteObject", perm: "WRITE", req: func(*acl34Setup) acl34Req { return acl34Req{method: "DELETE", path: "/acl34/gone"} }},
}

// TestAcl34PermissionsMapToOperations runs every row as a requester who
// holds only one ACL permission, granted by canonical ID, to
// AuthenticatedUsers or to AllUsers, on the bucket and on its object
// (WRITE on the bucket only: it does not apply to objects), under Object
// Ownership ObjectWriter without a bucket policy, and checks that
// osslite allows exactly what S3's mapping allows.
func TestAcl34PermissionsMapToOperations(t *testing.T) {
	type grantee struct {
		name, value string
		sign, ak    string
	}
	grantees := []grantee{
		{name: "id", value: "id=" + canonicalID(otherAK), ak: otherAK},
		{name: "AuthenticatedUsers", value: `uri="http://acs.amazonaws.com/groups/global/AuthenticatedUsers"`, ak: otherAK},
		{name: "AllUsers", value: `uri="http://acs.amazonaws.com/groups/global/AllUsers"`, sign: "anon"},
	}
	headers := map[string]string{"READ": "x-amz-grant-read", "WRITE": "x-amz-grant-write", "READ_ACP": "x-amz-grant-read-acp",
		"WRITE_ACP": "x-amz-grant-write-acp", "FULL_CONTROL": "x-amz-grant-full-control"}
	for _, perm := range []string{"READ", "WRITE", "READ_ACP", "WRITE_ACP", "FULL_CONTROL"} {
		for _, g := range grantees {
			t.Run(perm+"/"+g.name, func(t *testing.T) {
				f := newFixture(t, fixtureOptions{})
				s := &acl34Setup{grantHeader: headers[perm], grantee: g.value}
				owner := func(q raw) rawResponse {
					t.Helper()
					r := f.do(t, q)
					if r.StatusCode/100 != 2 {
						t.Fatalf("%s %s: %d %s", q.method, q.path, r.StatusCode, r.body)
					}
					return r
				}
				owner(raw{method: "PUT", path: "/acl34"})
				owner(raw{method: "PUT", path: "/acl34?acl", header: hdr(s.grantHeader, s.grantee, "x-amz-grant-full-control", "id="+canonicalID(testAK))})
				objectGrant := hdr("x-amz-grant-full-control", "id="+canonicalID(testAK))
				if perm != "WRITE" {
					objectGrant.Set(s.grantHeader, s.grantee)
				}
				for _, key := range []string{"obj", "gone"} {
					owner(raw{method: "PUT", path: "/acl34/" + key, header: objectGrant, body: []byte("a,b\n1,2\n")})
				}
				owner(raw{method: "PUT", path: "/acl34/obj?annotation&annotationName=note", body: []byte("owner's")})
				up := owner(raw{method: "POST", path: "/acl34/up?uploads"})
				_, rest, _ := strings.Cut(string(up.body), "<UploadId>")
				s.upload, _, _ = strings.Cut(rest, "</UploadId>")

				for _, row := range acl34Rows {
					q := row.req(s)
					r := f.do(t, raw{method: q.method, path: q.path, header: q.header, body: q.body, sign: g.sign, ak: g.ak, sk: testCreds[g.ak]})
					want := row.perm != "" && (perm == row.perm || perm == "FULL_CONTROL") && !(row.anonNever && g.sign == "anon")
					if got := r.StatusCode != http.StatusForbidden; got != want {
						t.Errorf("%s with %s to %s: allowed=%v (%d %s), S3 allowed=%v", row.op, perm, g.name, got, r.StatusCode, r.errCode(), want)
					}
				}
			})
		}
	}
}

// TestAcl34BucketOwnerTagsOfWritersObject: under ObjectWriter an object
// another account writes is the writer's; the bucket owner may delete,
// list, archive and restore it (S3 User Guide: the bucket owner "can
// deny access to any objects, or delete any objects in the bucket,
// regardless of who owns them", and archive or restore them), and reads
// it through the object's ACL (bucket-owner-full-control), but no ACL
// grants s3:GetObjectTagging or s3:PutObjectTagging (nor the annotation
// actions): its tags and annotations are the writer's.
func TestAcl34BucketOwnerTagsOfWritersObject(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ok := func(q raw, want int) {
		t.Helper()
		if r := f.do(t, q); r.StatusCode != want {
			t.Fatalf("%s %s as %s: %d %s, want %d", q.method, q.path, q.ak, r.StatusCode, r.body, want)
		}
	}
	ok(raw{method: "PUT", path: "/acl34own"}, 200)
	ok(raw{method: "PUT", path: "/acl34own?acl", header: hdr("x-amz-grant-write", "id="+canonicalID(otherAK), "x-amz-grant-full-control", "id="+canonicalID(testAK))}, 200)
	ok(raw{method: "PUT", path: "/acl34own/theirs", header: hdr("x-amz-acl", "bucket-owner-full-control"), body: []byte("x"), ak: otherAK, sk: otherSK}, 200)
	h, b := acl34WithMD5(`<Tagging><TagSet><Tag><Key>shared</Key><Value>yes</Value></Tag></TagSet></Tagging>`)

	ok(raw{method: "GET", path: "/acl34own/theirs"}, 200)
	ok(raw{method: "GET", path: "/acl34own/theirs?tagging"}, 403)
	ok(raw{method: "PUT", path: "/acl34own/theirs?tagging", header: h, body: b}, 403)
	ok(raw{method: "DELETE", path: "/acl34own/theirs?tagging"}, 403)
	ok(raw{method: "PUT", path: "/acl34own/theirs?annotation&annotationName=note", body: []byte("owner's")}, 403)
	ok(raw{method: "PUT", path: "/acl34own/theirs?annotation&annotationName=note", body: []byte("writer's"), ak: otherAK, sk: otherSK}, 200)
	ok(raw{method: "GET", path: "/acl34own/theirs?annotation&annotationName=note"}, 403)
	ok(raw{method: "DELETE", path: "/acl34own/theirs?annotation&annotationName=note"}, 403)
	// The writer tags its object; the bucket owner still deletes it.
	ok(raw{method: "PUT", path: "/acl34own/theirs?tagging", header: h, body: b, ak: otherAK, sk: otherSK}, 200)
	ok(raw{method: "GET", path: "/acl34own/theirs?tagging", ak: otherAK, sk: otherSK}, 200)
	ok(raw{method: "DELETE", path: "/acl34own/theirs?tagging", ak: otherAK, sk: otherSK}, 204)
	// Its own objects, and missing keys, are the bucket owner's.
	ok(raw{method: "PUT", path: "/acl34own/mine", body: []byte("x")}, 200)
	ok(raw{method: "PUT", path: "/acl34own/mine?tagging", header: h, body: b}, 200)
	ok(raw{method: "PUT", path: "/acl34own/missing?tagging", header: h, body: b}, 404)
	ok(raw{method: "DELETE", path: "/acl34own/theirs"}, 204)
}
