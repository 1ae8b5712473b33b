package httpapi_test

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"
)

// TestOSSPresignedPutDefaultContentType: a presigned PUT that sends no
// Content-Type stores OSS's default, application/octet-stream.
func TestOSSPresignedPutDefaultContentType(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	_, err := c.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr("ctype")})
	require.NoError(t, err)
	ps, err := c.Presign(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr("ctype"), Key: oss2.Ptr("k")}, oss2.PresignExpires(time.Hour))
	require.NoError(t, err)
	req, err := http.NewRequest(ps.Method, ps.URL, bytes.NewReader([]byte("body")))
	require.NoError(t, err)
	for k, v := range ps.SignedHeaders {
		req.Header.Set(k, v)
	}
	require.Empty(t, req.Header.Get("Content-Type"))
	resp, err := f.httpClient().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	head, err := c.HeadObject(bg, &oss2.HeadObjectRequest{Bucket: oss2.Ptr("ctype"), Key: oss2.Ptr("k")})
	require.NoError(t, err)
	require.Equal(t, "application/octet-stream", oss2.ToString(head.ContentType))
}

// TestOSSLaterAppendACL: x-oss-object-acl on an append at position > 0 is
// applied (object.md AppendObject: the ACL header may come with any append).
func TestOSSLaterAppendACL(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("appendacl"))
	b, err := c.Bucket("appendacl")
	require.NoError(t, err)
	next, err := b.AppendObject("log", strings.NewReader("first "), 0)
	require.NoError(t, err)
	acl, err := b.GetObjectACL("log")
	require.NoError(t, err)
	require.Equal(t, "default", acl.ACL)
	_, err = b.AppendObject("log", strings.NewReader("second"), next, oss1.ObjectACL(oss1.ACLPublicRead))
	require.NoError(t, err)
	acl, err = b.GetObjectACL("log")
	require.NoError(t, err)
	require.Equal(t, "public-read", acl.ACL)
}

// TestOSSMultipartParts drives a 5-part upload through the v2 SDK: each
// UploadPart answers Content-MD5 (base64 of the part's MD5), and the
// object's ETag is MD5 of the parts' upper-case hex MD5s followed by -5,
// computed here independently.
func TestOSSMultipartParts(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	_, err := c.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr("parts")})
	require.NoError(t, err)
	init, err := c.InitiateMultipartUpload(bg, &oss2.InitiateMultipartUploadRequest{Bucket: oss2.Ptr("parts"), Key: oss2.Ptr("big")})
	require.NoError(t, err)
	var hexes strings.Builder
	var parts []oss2.UploadPart
	for i := 1; i <= 5; i++ {
		body := bytes.Repeat([]byte{byte('a' + i)}, 100<<10)
		sum := md5.Sum(body)
		hexes.WriteString(strings.ToUpper(hex.EncodeToString(sum[:])))
		up, err := c.UploadPart(bg, &oss2.UploadPartRequest{Bucket: oss2.Ptr("parts"), Key: oss2.Ptr("big"), UploadId: init.UploadId,
			PartNumber: int32(i), Body: bytes.NewReader(body)})
		require.NoError(t, err)
		require.Equal(t, base64.StdEncoding.EncodeToString(sum[:]), oss2.ToString(up.ContentMD5), "part %d", i)
		parts = append(parts, oss2.UploadPart{PartNumber: int32(i), ETag: up.ETag})
	}
	_, err = c.CompleteMultipartUpload(bg, &oss2.CompleteMultipartUploadRequest{Bucket: oss2.Ptr("parts"), Key: oss2.Ptr("big"), UploadId: init.UploadId,
		CompleteMultipartUpload: &oss2.CompleteMultipartUpload{Parts: parts}})
	require.NoError(t, err)
	head, err := c.HeadObject(bg, &oss2.HeadObjectRequest{Bucket: oss2.Ptr("parts"), Key: oss2.Ptr("big")})
	require.NoError(t, err)
	want := md5.Sum([]byte(hexes.String()))
	require.Equal(t, `"`+strings.ToUpper(hex.EncodeToString(want[:]))+`-5"`, oss2.ToString(head.ETag))
}

// TestOSSInitiateForbidOverwrite: x-oss-forbid-overwrite: true on
// InitiateMultipartUpload is refused at once when the object exists.
func TestOSSInitiateForbidOverwrite(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	_, err := c.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr("forbid")})
	require.NoError(t, err)
	_, err = c.InitiateMultipartUpload(bg, &oss2.InitiateMultipartUploadRequest{Bucket: oss2.Ptr("forbid"), Key: oss2.Ptr("k"), ForbidOverwrite: oss2.Ptr("true")})
	require.NoError(t, err, "no object yet")
	_, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr("forbid"), Key: oss2.Ptr("k"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	_, err = c.InitiateMultipartUpload(bg, &oss2.InitiateMultipartUploadRequest{Bucket: oss2.Ptr("forbid"), Key: oss2.Ptr("k"), ForbidOverwrite: oss2.Ptr("true")})
	e := wantOSS(t, err, 409, "FileAlreadyExists", "0016-00000108")
	require.Equal(t, "The object you specified already exists and can not be overwritten.", e.message)
	_, err = c.InitiateMultipartUpload(bg, &oss2.InitiateMultipartUploadRequest{Bucket: oss2.Ptr("forbid"), Key: oss2.Ptr("k"), ForbidOverwrite: oss2.Ptr("false")})
	require.NoError(t, err)
}

// TestOSSDeleteBucketWithUploads: OSS refuses to delete a bucket that
// holds unfinished multipart uploads.
func TestOSSDeleteBucketWithUploads(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	_, err := c.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr("uploads")})
	require.NoError(t, err)
	_, err = c.InitiateMultipartUpload(bg, &oss2.InitiateMultipartUploadRequest{Bucket: oss2.Ptr("uploads"), Key: oss2.Ptr("k")})
	require.NoError(t, err)
	_, err = c.DeleteBucket(bg, &oss2.DeleteBucketRequest{Bucket: oss2.Ptr("uploads")})
	wantOSS(t, err, 409, "BucketNotEmpty", "0015-00000301")
}

// TestOSSBucketTagKeys: DeleteBucketTags ?tagging=k1,k3 deletes only the
// named keys, and ListBuckets filters by tag-key, tag-value and tagging.
func TestOSSBucketTagKeys(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	tagsOf := func(pairs ...string) *oss2.Tagging {
		ts := &oss2.Tagging{TagSet: &oss2.TagSet{}}
		for i := 0; i < len(pairs); i += 2 {
			ts.TagSet.Tags = append(ts.TagSet.Tags, oss2.Tag{Key: oss2.Ptr(pairs[i]), Value: oss2.Ptr(pairs[i+1])})
		}
		return ts
	}
	for _, b := range []string{"tag-a", "tag-b", "tag-c"} {
		_, err := c.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr(b)})
		require.NoError(t, err)
	}
	_, err := c.PutBucketTags(bg, &oss2.PutBucketTagsRequest{Bucket: oss2.Ptr("tag-a"), Tagging: tagsOf("k1", "v1", "k2", "v2", "k3", "v3")})
	require.NoError(t, err)
	_, err = c.PutBucketTags(bg, &oss2.PutBucketTagsRequest{Bucket: oss2.Ptr("tag-b"), Tagging: tagsOf("k1", "other")})
	require.NoError(t, err)

	list := func(req *oss2.ListBucketsRequest) []string {
		t.Helper()
		res, err := c.ListBuckets(bg, req)
		require.NoError(t, err)
		var names []string
		for _, b := range res.Buckets {
			names = append(names, oss2.ToString(b.Name))
		}
		return names
	}
	require.Equal(t, []string{"tag-a", "tag-b"}, list(&oss2.ListBucketsRequest{TagKey: oss2.Ptr("k1")}))
	require.Equal(t, []string{"tag-a"}, list(&oss2.ListBucketsRequest{TagKey: oss2.Ptr("k1"), TagValue: oss2.Ptr("v1")}))
	require.Equal(t, []string{"tag-a"}, list(&oss2.ListBucketsRequest{Tagging: oss2.Ptr(`{"k1":"v1","k3":"v3"}`)}))
	require.Equal(t, []string{"tag-a"}, list(&oss2.ListBucketsRequest{Tagging: oss2.Ptr(`"k1":"v1"`)}), "pairs without braces, as OSS documents them")
	require.Empty(t, list(&oss2.ListBucketsRequest{TagKey: oss2.Ptr("nope")}))

	_, err = c.DeleteBucketTags(bg, &oss2.DeleteBucketTagsRequest{Bucket: oss2.Ptr("tag-a"), Tagging: oss2.Ptr("k1,k3")})
	require.NoError(t, err)
	got, err := c.GetBucketTags(bg, &oss2.GetBucketTagsRequest{Bucket: oss2.Ptr("tag-a")})
	require.NoError(t, err)
	require.Len(t, got.Tagging.TagSet.Tags, 1)
	require.Equal(t, "k2", oss2.ToString(got.Tagging.TagSet.Tags[0].Key))
	require.Equal(t, []string{"tag-b"}, list(&oss2.ListBucketsRequest{TagKey: oss2.Ptr("k1")}))
}

// TestOSSBucketRedundancy: the DataRedundancyType of PutBucket is kept
// and reported by GetBucketInfo (LRS when none was given).
func TestOSSBucketRedundancy(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	_, err := c.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr("zrs-bucket"),
		CreateBucketConfiguration: &oss2.CreateBucketConfiguration{DataRedundancyType: oss2.DataRedundancyZRS}})
	require.NoError(t, err)
	_, err = c.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr("lrs-bucket")})
	require.NoError(t, err)
	for name, want := range map[string]string{"zrs-bucket": "ZRS", "lrs-bucket": "LRS"} {
		info, err := c.GetBucketInfo(bg, &oss2.GetBucketInfoRequest{Bucket: oss2.Ptr(name)})
		require.NoError(t, err)
		require.Equal(t, want, oss2.ToString(info.BucketInfo.DataRedundancyType), name)
		// Fields the v2 SDK's own tests dereference.
		require.Equal(t, "Disabled", oss2.ToString(info.BucketInfo.TransferAcceleration))
		require.Equal(t, "Disabled", oss2.ToString(info.BucketInfo.CrossRegionReplication))
		require.Equal(t, "", oss2.ToString(info.BucketInfo.SseRule.SSEAlgorithm), "None, which the SDK reads as empty")
	}
}

// TestOSSPresignAdditionalHeaderMissing: a v4 URL presigned by the v2 SDK
// with an additional signed header (x-oss-additional-headers=range) used
// without that header is 400 InvalidArgument, not a signature mismatch.
func TestOSSPresignAdditionalHeaderMissing(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	_, err := c.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr("addhdr")})
	require.NoError(t, err)
	_, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr("addhdr"), Key: oss2.Ptr("k"), Body: strings.NewReader("0123456789")})
	require.NoError(t, err)
	cfg := oss2.LoadDefaultConfig().WithCredentialsProvider(credentialsFor(testAK, testSK)).WithRegion("cn-hangzhou").
		WithEndpoint(f.srv.URL).WithAdditionalHeaders([]string{"range"})
	ps, err := oss2.NewClient(cfg).Presign(bg, &oss2.GetObjectRequest{Bucket: oss2.Ptr("addhdr"), Key: oss2.Ptr("k"), Range: oss2.Ptr("bytes=0-3")})
	require.NoError(t, err)
	require.Contains(t, ps.URL, "x-oss-additional-headers=range")
	get := func(withRange bool) (int, string) {
		req, err := http.NewRequest("GET", ps.URL, nil)
		require.NoError(t, err)
		if withRange {
			req.Header.Set("Range", "bytes=0-3")
		}
		resp, err := f.httpClient().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, body := get(true)
	require.Equal(t, 206, status, body)
	require.Equal(t, "0123", body)
	status, body = get(false)
	require.Equal(t, 400, status, body)
	require.Contains(t, body, "<Code>InvalidArgument</Code>")
}

// TestOSSObjectTagCharacters: OSS object tags allow letters, digits,
// space and + - = . _ : / only (object.md 7.17), in PutObjectTagging and
// in x-oss-tagging.
func TestOSSObjectTagCharacters(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	_, err := c.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr("tagchars")})
	require.NoError(t, err)
	_, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr("tagchars"), Key: oss2.Ptr("k"), Body: strings.NewReader("x"),
		Tagging: oss2.Ptr("ok-key=a+b:c/d_e.f")})
	require.NoError(t, err)
	for _, tag := range []oss2.Tag{{Key: oss2.Ptr("bad#key"), Value: oss2.Ptr("v")}, {Key: oss2.Ptr("k"), Value: oss2.Ptr("v@x")}} {
		_, err = c.PutObjectTagging(bg, &oss2.PutObjectTaggingRequest{Bucket: oss2.Ptr("tagchars"), Key: oss2.Ptr("k"),
			Tagging: &oss2.Tagging{TagSet: &oss2.TagSet{Tags: []oss2.Tag{tag}}}})
		wantOSS(t, err, 400, "InvalidTag", "")
	}
	_, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr("tagchars"), Key: oss2.Ptr("k2"), Body: strings.NewReader("x"),
		Tagging: oss2.Ptr("a=b%26c%3Fd")})
	wantOSS(t, err, 400, "InvalidTag", "")
}

// TestOSSPutIgnoresIfModifiedSince: OSS documents no If-Modified-Since or
// If-Unmodified-Since on PutObject (object.md 7.1 request headers), so the
// write succeeds. (A ListBuckets prefix no bucket name can start with is
// refused, as OSS does and aliyun-oss-go-sdk's suite expects, against
// service-bucket.md 5.1: TestOSSV1Buckets.)
func TestOSSPutIgnoresIfModifiedSince(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("ims-bucket"))
	b, err := c.Bucket("ims-bucket")
	require.NoError(t, err)
	require.NoError(t, b.PutObject("k", strings.NewReader("one")))
	future := time.Now().Add(24 * time.Hour)
	require.NoError(t, b.PutObject("k", strings.NewReader("two"), oss1.IfModifiedSince(future), oss1.IfUnmodifiedSince(future.Add(-48*time.Hour))))
	r, err := b.GetObject("k")
	require.NoError(t, err)
	got, _ := io.ReadAll(r)
	r.Close()
	require.Equal(t, "two", string(got))

}

// TestOSSClientMessages: the messages clients.md documents for real OSS
// errors, as the SDKs report them.
func TestOSSClientMessages(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	_, err := c.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr("messages")})
	require.NoError(t, err)
	init, err := c.InitiateMultipartUpload(bg, &oss2.InitiateMultipartUploadRequest{Bucket: oss2.Ptr("messages"), Key: oss2.Ptr("k")})
	require.NoError(t, err)
	up, err := c.UploadPart(bg, &oss2.UploadPartRequest{Bucket: oss2.Ptr("messages"), Key: oss2.Ptr("k"), UploadId: init.UploadId,
		PartNumber: 1, Body: strings.NewReader("part")})
	require.NoError(t, err)
	_, err = c.CompleteMultipartUpload(bg, &oss2.CompleteMultipartUploadRequest{Bucket: oss2.Ptr("messages"), Key: oss2.Ptr("k"), UploadId: init.UploadId,
		CompleteAll:             oss2.Ptr("yes"),
		CompleteMultipartUpload: &oss2.CompleteMultipartUpload{Parts: []oss2.UploadPart{{PartNumber: 1, ETag: up.ETag}}}})
	e := wantOSS(t, err, 400, "InvalidArgument", "")
	require.Equal(t, "Should not speficy both complete all header and http body.", e.message)

	r := f.do(t, raw{method: "PUT", path: "/messages?tagging", sign: "oss-v1", body: []byte("<Tagging><TagSet>")})
	require.Equal(t, 400, r.StatusCode)
	require.Contains(t, string(r.body), "<Code>MalformedXML</Code><Message>The XML you provided was not well-formed or did not validate against our published schema.</Message>")
}

// TestOSSBucketStat: GetBucketStat through the v2 SDK counts the current
// objects per storage class (infrequent access billed at 64 KiB or
// more), the uploads in progress, and says when it counted.
func TestOSSBucketStat(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	_, err := c.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr("stats")})
	require.NoError(t, err)
	before := f.clock.Now().Unix()
	st, err := c.GetBucketStat(bg, &oss2.GetBucketStatRequest{Bucket: oss2.Ptr("stats")})
	require.NoError(t, err)
	require.Zero(t, st.Storage)
	require.Zero(t, st.ObjectCount)
	// Counted during the request (the fixture's clock runs).
	require.True(t, st.LastModifiedTime >= before && st.LastModifiedTime <= f.clock.Now().Unix(), "counted at %d", st.LastModifiedTime)

	for _, k := range []string{"a", "b"} {
		_, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr("stats"), Key: oss2.Ptr(k), Body: strings.NewReader("0123456789")})
		require.NoError(t, err)
	}
	_, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr("stats"), Key: oss2.Ptr("cold"), Body: strings.NewReader("01234"),
		StorageClass: oss2.StorageClassIA})
	require.NoError(t, err)
	up, err := c.InitiateMultipartUpload(bg, &oss2.InitiateMultipartUploadRequest{Bucket: oss2.Ptr("stats"), Key: oss2.Ptr("mp")})
	require.NoError(t, err)
	_, err = c.UploadPart(bg, &oss2.UploadPartRequest{Bucket: oss2.Ptr("stats"), Key: oss2.Ptr("mp"), UploadId: up.UploadId,
		PartNumber: 1, Body: strings.NewReader("part-1")})
	require.NoError(t, err)
	st, err = c.GetBucketStat(bg, &oss2.GetBucketStatRequest{Bucket: oss2.Ptr("stats")})
	require.NoError(t, err)
	require.Equal(t, int64(1), st.MultipartPartCount)
	require.Zero(t, st.DeleteMarkerCount)
	require.Equal(t, int64(3), st.ObjectCount)
	require.Equal(t, int64(2), st.StandardObjectCount)
	require.Equal(t, int64(20), st.StandardStorage)
	require.Equal(t, int64(1), st.InfrequentAccessObjectCount)
	require.Equal(t, int64(5), st.InfrequentAccessRealStorage)
	require.Equal(t, int64(64<<10), st.InfrequentAccessStorage)
	require.Equal(t, int64(20+64<<10), st.Storage)
	require.Equal(t, int64(1), st.MultipartUploadCount)

	_, err = f.ossV2(otherAK, otherSK).GetBucketStat(bg, &oss2.GetBucketStatRequest{Bucket: oss2.Ptr("stats")})
	require.Error(t, err, "the owner's figures only")

	// The v1 SDK checks the document's root element.
	v1, err := f.ossV1(t, testAK, testSK).GetBucketStat("stats")
	require.NoError(t, err)
	require.Equal(t, int64(3), v1.ObjectCount)

	// Versioned: a delete marker is counted, the noncurrent version is
	// not an object.
	_, err = c.PutBucketVersioning(bg, &oss2.PutBucketVersioningRequest{Bucket: oss2.Ptr("stats"),
		VersioningConfiguration: &oss2.VersioningConfiguration{Status: oss2.VersionEnabled}})
	require.NoError(t, err)
	_, err = c.DeleteObject(bg, &oss2.DeleteObjectRequest{Bucket: oss2.Ptr("stats"), Key: oss2.Ptr("a")})
	require.NoError(t, err)
	st, err = c.GetBucketStat(bg, &oss2.GetBucketStatRequest{Bucket: oss2.Ptr("stats")})
	require.NoError(t, err)
	require.Equal(t, int64(1), st.DeleteMarkerCount)
	require.Equal(t, int64(2), st.ObjectCount)
	require.Equal(t, int64(1), st.StandardObjectCount)
}

// TestOSSBucketPublicAccessBlock: OSS's one-switch Block Public Access
// (?publicAccessBlock) through the v2 SDK: off without a configuration,
// on refuses a public ACL and shows in GetBucketInfo, deleting turns it
// off again.
func TestOSSBucketPublicAccessBlock(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	b := oss2.Ptr("pab")
	_, err := c.PutBucket(bg, &oss2.PutBucketRequest{Bucket: b})
	require.NoError(t, err)
	get := func() bool {
		t.Helper()
		r, err := c.GetBucketPublicAccessBlock(bg, &oss2.GetBucketPublicAccessBlockRequest{Bucket: b})
		require.NoError(t, err)
		return oss2.ToBool(r.PublicAccessBlockConfiguration.BlockPublicAccess)
	}
	require.False(t, get())
	_, err = c.PutBucketPublicAccessBlock(bg, &oss2.PutBucketPublicAccessBlockRequest{Bucket: b,
		PublicAccessBlockConfiguration: &oss2.PublicAccessBlockConfiguration{BlockPublicAccess: oss2.Ptr(true)}})
	require.NoError(t, err)
	require.True(t, get())
	info, err := c.GetBucketInfo(bg, &oss2.GetBucketInfoRequest{Bucket: b})
	require.NoError(t, err)
	require.True(t, oss2.ToBool(info.BucketInfo.BlockPublicAccess))
	_, err = c.PutBucketAcl(bg, &oss2.PutBucketAclRequest{Bucket: b, Acl: oss2.BucketACLPublicRead})
	require.Error(t, err, "a public ACL is refused while public access is blocked")
	_, err = c.DeleteBucketPublicAccessBlock(bg, &oss2.DeleteBucketPublicAccessBlockRequest{Bucket: b})
	require.NoError(t, err)
	require.False(t, get())
	_, err = c.PutBucketAcl(bg, &oss2.PutBucketAclRequest{Bucket: b, Acl: oss2.BucketACLPublicRead})
	require.NoError(t, err)
}

// TestOSSCreateBucketEncryption: PutBucket's x-oss-server-side-encryption
// headers (v1 SDK) set the bucket's default encryption, which
// GetBucketEncryption and GetBucketInfo report; a bad one creates nothing.
func TestOSSCreateBucketEncryption(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("enc-sm4", oss1.ServerSideEncryption("KMS"), oss1.ServerSideDataEncryption("SM4")))
	rs, err := c.GetBucketEncryption("enc-sm4")
	require.NoError(t, err)
	require.Equal(t, "KMS", rs.SSEDefault.SSEAlgorithm)
	require.Equal(t, "SM4", rs.SSEDefault.KMSDataEncryption)
	info, err := c.GetBucketInfo("enc-sm4")
	require.NoError(t, err)
	require.Equal(t, "KMS", info.BucketInfo.SseRule.SSEAlgorithm)
	require.Equal(t, "SM4", info.BucketInfo.SseRule.KMSDataEncryption)

	require.NoError(t, c.CreateBucket("enc-aes", oss1.ServerSideEncryption("AES256")))
	rs, err = c.GetBucketEncryption("enc-aes")
	require.NoError(t, err)
	require.Equal(t, "AES256", rs.SSEDefault.SSEAlgorithm)
	require.Empty(t, rs.SSEDefault.KMSDataEncryption)

	err = c.CreateBucket("enc-bad", oss1.ServerSideEncryption("AES128"))
	require.Error(t, err)
	ok, err := c.IsBucketExist("enc-bad")
	require.NoError(t, err)
	require.False(t, ok, "a refused encryption creates no bucket")
}

// TestOSSDescribeRegions: GET /?regions lists the regions the server
// holds buckets in, with the server's address as their endpoints; a
// region filter narrows it; a bad key is refused (alibabacloud-oss-go-
// sdk-v2's TestRegions).
func TestOSSDescribeRegions(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	res, err := c.DescribeRegions(bg, &oss2.DescribeRegionsRequest{})
	require.NoError(t, err)
	require.Len(t, res.RegionInfoList.RegionInfos, 1)
	// The v1 SDK's signature v1 does not cover ?regions, nor does OSS's.
	v1res, err := f.ossV1(t, testAK, testSK).DescribeRegions()
	require.NoError(t, err)
	require.Len(t, v1res.Regions, 1)
	ri := res.RegionInfoList.RegionInfos[0]
	require.Equal(t, "oss-us-east-1", oss2.ToString(ri.Region))
	require.NotEmpty(t, oss2.ToString(ri.InternetEndpoint))
	require.Equal(t, oss2.ToString(ri.InternetEndpoint), oss2.ToString(ri.InternalEndpoint))
	res, err = c.DescribeRegions(bg, &oss2.DescribeRegionsRequest{Regions: oss2.Ptr("oss-us-east-1")})
	require.NoError(t, err)
	require.Len(t, res.RegionInfoList.RegionInfos, 1)
	res, err = c.DescribeRegions(bg, &oss2.DescribeRegionsRequest{Regions: oss2.Ptr("oss-cn-nowhere")})
	require.NoError(t, err)
	require.Empty(t, res.RegionInfoList.RegionInfos)
	_, err = f.ossV2(testAK, "wrong-secret").DescribeRegions(bg, &oss2.DescribeRegionsRequest{})
	wantOSS(t, err, 403, "SignatureDoesNotMatch", "")
}

// TestTransferAcceleration: OSS's ?transferAcceleration and S3's
// ?accelerate store one setting per bucket: each reads what the other
// wrote, GetBucketInfo reports it, and a bucket never set answers as
// each service does (OSS: 404 NoSuchTransferAccelerationConfiguration,
// S3: a document without Status).
func TestTransferAcceleration(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	_, err := c.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr("accel")})
	require.NoError(t, err)
	_, err = c.GetBucketTransferAcceleration(bg, &oss2.GetBucketTransferAccelerationRequest{Bucket: oss2.Ptr("accel")})
	wantOSS(t, err, 404, "NoSuchTransferAccelerationConfiguration", "0028-00000004")
	s3c := f.client()
	got, err := s3c.GetBucketAccelerateConfiguration(bg, &s3.GetBucketAccelerateConfigurationInput{Bucket: aws.String("accel")})
	require.NoError(t, err)
	require.Empty(t, got.Status)

	_, err = c.PutBucketTransferAcceleration(bg, &oss2.PutBucketTransferAccelerationRequest{Bucket: oss2.Ptr("accel"),
		TransferAccelerationConfiguration: &oss2.TransferAccelerationConfiguration{Enabled: oss2.Ptr(true)}})
	require.NoError(t, err)
	ta, err := c.GetBucketTransferAcceleration(bg, &oss2.GetBucketTransferAccelerationRequest{Bucket: oss2.Ptr("accel")})
	require.NoError(t, err)
	require.True(t, *ta.TransferAccelerationConfiguration.Enabled)
	info, err := c.GetBucketInfo(bg, &oss2.GetBucketInfoRequest{Bucket: oss2.Ptr("accel")})
	require.NoError(t, err)
	require.Equal(t, "Enabled", oss2.ToString(info.BucketInfo.TransferAcceleration))
	got, err = s3c.GetBucketAccelerateConfiguration(bg, &s3.GetBucketAccelerateConfigurationInput{Bucket: aws.String("accel")})
	require.NoError(t, err)
	require.Equal(t, s3types.BucketAccelerateStatusEnabled, got.Status)

	_, err = s3c.PutBucketAccelerateConfiguration(bg, &s3.PutBucketAccelerateConfigurationInput{Bucket: aws.String("accel"),
		AccelerateConfiguration: &s3types.AccelerateConfiguration{Status: s3types.BucketAccelerateStatusSuspended}})
	require.NoError(t, err)
	ta, err = c.GetBucketTransferAcceleration(bg, &oss2.GetBucketTransferAccelerationRequest{Bucket: oss2.Ptr("accel")})
	require.NoError(t, err)
	require.False(t, *ta.TransferAccelerationConfiguration.Enabled)

	// The v1 SDK deletes it (DELETE ?transferAcceleration).
	v1 := f.ossV1(t, testAK, testSK)
	require.NoError(t, v1.DeleteBucketTransferAcc("accel"))
	_, err = c.GetBucketTransferAcceleration(bg, &oss2.GetBucketTransferAccelerationRequest{Bucket: oss2.Ptr("accel")})
	wantOSS(t, err, 404, "NoSuchTransferAccelerationConfiguration", "0028-00000004")
	_, err = c.GetBucketTransferAcceleration(bg, &oss2.GetBucketTransferAccelerationRequest{Bucket: oss2.Ptr("accel-missing")})
	wantOSS(t, err, 404, "NoSuchBucket", "")
	_, err = f.ossV2(otherAK, otherSK).PutBucketTransferAcceleration(bg, &oss2.PutBucketTransferAccelerationRequest{Bucket: oss2.Ptr("accel"),
		TransferAccelerationConfiguration: &oss2.TransferAccelerationConfiguration{Enabled: oss2.Ptr(true)}})
	wantOSS(t, err, 403, "AccessDenied", "")

	// S3 refuses buckets whose names hold periods.
	_, err = s3c.CreateBucket(bg, &s3.CreateBucketInput{Bucket: aws.String("accel.dots")})
	require.NoError(t, err)
	_, err = s3c.PutBucketAccelerateConfiguration(bg, &s3.PutBucketAccelerateConfigurationInput{Bucket: aws.String("accel.dots"),
		AccelerateConfiguration: &s3types.AccelerateConfiguration{Status: s3types.BucketAccelerateStatusEnabled}})
	requireAPIError(t, err, "InvalidRequest")
}

// TestOSSBucketResourceGroup: a bucket is in the default resource group
// until moved; an ID not of Resource Manager's shape fails the pre-check
// (alibabacloud-oss-go-sdk-v2's TestBucketResourceGroup).
func TestOSSBucketResourceGroup(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	_, err := c.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr("rgroup")})
	require.NoError(t, err)
	g, err := c.GetBucketResourceGroup(bg, &oss2.GetBucketResourceGroupRequest{Bucket: oss2.Ptr("rgroup")})
	require.NoError(t, err)
	require.Equal(t, "rg-default", oss2.ToString(g.BucketResourceGroupConfiguration.ResourceGroupId))
	put := func(id string) error {
		_, err := c.PutBucketResourceGroup(bg, &oss2.PutBucketResourceGroupRequest{Bucket: oss2.Ptr("rgroup"),
			BucketResourceGroupConfiguration: &oss2.BucketResourceGroupConfiguration{ResourceGroupId: oss2.Ptr(id)}})
		return err
	}
	require.NoError(t, put("rg-aek2abc123"))
	g, err = c.GetBucketResourceGroup(bg, &oss2.GetBucketResourceGroupRequest{Bucket: oss2.Ptr("rgroup")})
	require.NoError(t, err)
	require.Equal(t, "rg-aek2abc123", oss2.ToString(g.BucketResourceGroupConfiguration.ResourceGroupId))
	info, err := c.GetBucketInfo(bg, &oss2.GetBucketInfoRequest{Bucket: oss2.Ptr("rgroup")})
	require.NoError(t, err)
	require.Equal(t, "rg-aek2abc123", oss2.ToString(info.BucketInfo.ResourceGroupId))
	wantOSS(t, put("rg-not-exist"), 400, "ResourceGroupIdPreCheckError", "0039-00000003")
	require.NoError(t, put(""), "an empty ID moves the bucket back to the default group")
	g, err = c.GetBucketResourceGroup(bg, &oss2.GetBucketResourceGroupRequest{Bucket: oss2.Ptr("rgroup")})
	require.NoError(t, err)
	require.Equal(t, "rg-default", oss2.ToString(g.BucketResourceGroupConfiguration.ResourceGroupId))
	_, err = c.GetBucketResourceGroup(bg, &oss2.GetBucketResourceGroupRequest{Bucket: oss2.Ptr("rgroup-missing")})
	wantOSS(t, err, 404, "NoSuchBucket", "")
}

// TestOSSAccountPublicAccessBlock: the account-level Block Public Access
// (PUT/GET/DELETE /?publicAccessBlock on the service) binds every bucket
// its account owns, with or without a bucket-level one: a public bucket
// stops serving anonymous reads and a public ACL is refused, until it is
// removed; another account's buckets are not touched (alibabacloud-oss-
// go-sdk-v2's TestPublicAccessBlock).
func TestOSSAccountPublicAccessBlock(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c, other := f.ossV2(testAK, testSK), f.ossV2(otherAK, otherSK)
	get := func(c *oss2.Client) bool {
		t.Helper()
		r, err := c.GetPublicAccessBlock(bg, &oss2.GetPublicAccessBlockRequest{})
		require.NoError(t, err)
		return oss2.ToBool(r.PublicAccessBlockConfiguration.BlockPublicAccess)
	}
	require.False(t, get(c))
	for _, cl := range []*oss2.Client{c, other} {
		_, err := cl.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr(map[*oss2.Client]string{c: "acct-pab", other: "acct-other"}[cl]), Acl: oss2.BucketACLPublicRead})
		require.NoError(t, err)
	}
	for _, b := range []string{"acct-pab", "acct-other"} {
		cl := map[string]*oss2.Client{"acct-pab": c, "acct-other": other}[b]
		_, err := cl.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(b), Key: oss2.Ptr("k"), Body: strings.NewReader("v")})
		require.NoError(t, err)
	}
	anon := func(bucket string) int {
		return f.do(t, raw{method: "GET", path: "/k", sign: "anon", host: bucket + ".oss-cn-hangzhou.aliyuncs.com"}).StatusCode
	}
	require.Equal(t, 200, anon("acct-pab"))

	_, err := c.PutPublicAccessBlock(bg, &oss2.PutPublicAccessBlockRequest{
		PublicAccessBlockConfiguration: &oss2.PublicAccessBlockConfiguration{BlockPublicAccess: oss2.Ptr(true)}})
	require.NoError(t, err)
	require.True(t, get(c))
	require.False(t, get(other), "another account's setting")
	require.Equal(t, 403, anon("acct-pab"), "the bucket's public ACL is ignored")
	require.Equal(t, 200, anon("acct-other"))
	_, err = c.PutBucketAcl(bg, &oss2.PutBucketAclRequest{Bucket: oss2.Ptr("acct-pab"), Acl: oss2.BucketACLPublicReadWrite})
	wantOSS(t, err, 403, "AccessDenied", "")

	_, err = c.DeletePublicAccessBlock(bg, &oss2.DeletePublicAccessBlockRequest{})
	require.NoError(t, err)
	require.False(t, get(c))
	require.Equal(t, 200, anon("acct-pab"))
	_, err = f.ossV2(testAK, "wrong-secret").GetPublicAccessBlock(bg, &oss2.GetPublicAccessBlockRequest{})
	wantOSS(t, err, 403, "SignatureDoesNotMatch", "")
}

// TestOSSProcessRefused: video and document processing is not done: a
// GetObject or ProcessObject naming it answers 404 for a missing object
// and 501 for an existing one (image processing: TestOSSImageProcessing).
func TestOSSProcessRefused(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	_, err := c.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr("proc")})
	require.NoError(t, err)
	_, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr("proc"), Key: oss2.Ptr("a.mp4"), Body: strings.NewReader("video")})
	require.NoError(t, err)
	_, err = c.GetObject(bg, &oss2.GetObjectRequest{Bucket: oss2.Ptr("proc"), Key: oss2.Ptr("a.mp4"), Process: oss2.Ptr("video/snapshot,t_1000")})
	wantOSS(t, err, 501, "NotImplemented", "")
	_, err = c.GetObject(bg, &oss2.GetObjectRequest{Bucket: oss2.Ptr("proc"), Key: oss2.Ptr("none.mp4"), Process: oss2.Ptr("video/snapshot,t_1000")})
	wantOSS(t, err, 404, "NoSuchKey", "")
	_, err = c.ProcessObject(bg, &oss2.ProcessObjectRequest{Bucket: oss2.Ptr("proc"), Key: oss2.Ptr("a.mp4"), Process: oss2.Ptr("doc/convert,target_pdf|sys/saveas,o_eC5wZGY,b_cHJvYw")})
	wantOSS(t, err, 501, "NotImplemented", "")
	_, err = c.ProcessObject(bg, &oss2.ProcessObjectRequest{Bucket: oss2.Ptr("proc"), Key: oss2.Ptr("none.mp4"), Process: oss2.Ptr("video/snapshot,t_1000")})
	wantOSS(t, err, 404, "NoSuchKey", "")
	_, err = f.ossV2(otherAK, otherSK).GetObject(bg, &oss2.GetObjectRequest{Bucket: oss2.Ptr("proc"), Key: oss2.Ptr("a.mp4"), Process: oss2.Ptr("video/snapshot,t_1000")})
	wantOSS(t, err, 403, "AccessDenied", "")
}

// TestOSSCompleteForbidOverwriteAfterDelete: x-oss-forbid-overwrite on
// CompleteMultipartUpload refuses an existing object and nothing else: a
// key deleted while the upload was in progress completes (the
// S3 rule that a conditional Complete conflicts with a write during the
// upload is S3's If-None-Match, not OSS's header).
func TestOSSCompleteForbidOverwriteAfterDelete(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	_, err := c.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr("forbid")})
	require.NoError(t, err)
	_, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr("forbid"), Key: oss2.Ptr("k"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	up, err := c.InitiateMultipartUpload(bg, &oss2.InitiateMultipartUploadRequest{Bucket: oss2.Ptr("forbid"), Key: oss2.Ptr("k")})
	require.NoError(t, err)
	part, err := c.UploadPart(bg, &oss2.UploadPartRequest{Bucket: oss2.Ptr("forbid"), Key: oss2.Ptr("k"), UploadId: up.UploadId, PartNumber: 1, Body: strings.NewReader("part")})
	require.NoError(t, err)
	f.clock.Advance(time.Second)
	complete := func() error {
		_, err := c.CompleteMultipartUpload(bg, &oss2.CompleteMultipartUploadRequest{Bucket: oss2.Ptr("forbid"), Key: oss2.Ptr("k"), UploadId: up.UploadId, ForbidOverwrite: oss2.Ptr("true"),
			CompleteMultipartUpload: &oss2.CompleteMultipartUpload{Parts: []oss2.UploadPart{{PartNumber: 1, ETag: part.ETag}}}})
		return err
	}
	wantOSS(t, complete(), 409, "FileAlreadyExists", "0016-00000108")
	_, err = c.DeleteObject(bg, &oss2.DeleteObjectRequest{Bucket: oss2.Ptr("forbid"), Key: oss2.Ptr("k")})
	require.NoError(t, err)
	require.NoError(t, complete())
}
