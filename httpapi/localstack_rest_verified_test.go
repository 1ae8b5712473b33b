package httpapi_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests in this file hold osslite to the answers LocalStack's
// tests/aws/services/s3/test_s3.py recorded from AWS for the TestS3 tests
// the earlier replays had left (docs/sdk-suites.md, "LocalStack's AWS
// snapshots: the rest of TestS3 and test_s3_concurrency (thirtieth
// session)"). OSS keeps its own answers where it shares the code.

// lsrChildren returns the names of the child elements of an XML
// document's root, in order.
func lsrChildren(t *testing.T, body []byte) []string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(body))
	var out []string
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out
		}
		require.NoError(t, err, string(body))
		switch tok := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 2 {
				out = append(out, tok.Name.Local)
			}
		case xml.EndElement:
			depth--
		}
	}
}

// TestLsrListBucketsOwnerFirst: test_response_structure. S3's
// ListAllMyBucketsResult names the Owner before the Buckets (AWS SDK for
// Java v1 gives each bucket the Owner it has already read).
func TestLsrListBucketsOwnerFirst(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "lsr-order")
	r := f.do(t, raw{method: "GET", path: "/"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.Equal(t, []string{"Owner", "Buckets"}, lsrChildren(t, r.body)[:2])
}

// TestLsrListingNamesBucketRegion: test_region_header_exists and
// test_bucket_name_with_dots. ListObjects and ListObjectsV2 answer
// x-amz-bucket-region, to anonymous requests too.
func TestLsrListingNamesBucketRegion(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	r := f.do(t, raw{method: "PUT", path: "/lsr-region", body: []byte(`<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>`)})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	for _, path := range []string{"/lsr-region", "/lsr-region?list-type=2"} {
		r = f.do(t, raw{method: "GET", path: path})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		assert.Equal(t, "eu-west-1", r.Header.Get("X-Amz-Bucket-Region"), path)
	}
}

// TestLsrAnonymousListingNoOwner: test_bucket_name_with_dots. An
// anonymous ListObjects of a public bucket lists no Owner; the owner's
// own listing does.
func TestLsrAnonymousListingNoOwner(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "lsr-anon")
	must(t, f.do(t, raw{method: "PUT", path: "/lsr-anon?acl", header: http.Header{"X-Amz-Acl": {"public-read"}}}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/lsr-anon/my-content", body: []byte("something")}).errOrNil())
	r := f.do(t, raw{method: "GET", path: "/lsr-anon", sign: "anon"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.Contains(t, string(r.body), "<Key>my-content</Key>")
	assert.NotContains(t, string(r.body), "<Owner>")
	assert.Equal(t, "us-east-1", r.Header.Get("X-Amz-Bucket-Region"))
	r = f.do(t, raw{method: "GET", path: "/lsr-anon"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	assert.Contains(t, string(r.body), "<Owner>")
}

// TestLsrAnalyticsPut: test_s3_analytics_configurations. A document
// whose Id is not the id parameter's is MalformedXML; a put S3 takes is
// answered 204.
func TestLsrAnalyticsPut(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "lsr-an")
	seedBucket(t, f, "lsr-an-dest")
	doc := func(id string) []byte {
		return []byte(`<AnalyticsConfiguration><Id>` + id + `</Id><Filter><Prefix>test_ls</Prefix></Filter><StorageClassAnalysis><DataExport><OutputSchemaVersion>V_1</OutputSchemaVersion><Destination><S3BucketDestination><Format>CSV</Format><Bucket>arn:aws:s3:::lsr-an-dest</Bucket><Prefix>test</Prefix></S3BucketDestination></Destination></DataExport></StorageClassAnalysis></AnalyticsConfiguration>`)
	}
	r := f.do(t, raw{method: "PUT", path: "/lsr-an?analytics&id=different-id", body: doc("c1")})
	require.Equal(t, http.StatusBadRequest, r.StatusCode, string(r.body))
	assert.Equal(t, "MalformedXML", r.errCode())
	r = f.do(t, raw{method: "PUT", path: "/lsr-an?analytics&id=c1", body: doc("c1")})
	assert.Equal(t, http.StatusNoContent, r.StatusCode, string(r.body))
}

// TestLsrInventoryPutAnswers: test_s3_put_inventory_report_exceptions
// and test_s3_inventory_report_crud. IdMismatch for another Id,
// InvalidS3DestinationBucket for a destination that is no ARN,
// MalformedXML for values outside the schema, 204 for a put S3 takes.
func TestLsrInventoryPutAnswers(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "lsr-inv")
	seedBucket(t, f, "lsr-inv-dest")
	good := `<InventoryConfiguration><Id>test-inventory</Id><Destination><S3BucketDestination><Bucket>arn:aws:s3:::lsr-inv-dest</Bucket><Format>CSV</Format></S3BucketDestination></Destination><IsEnabled>true</IsEnabled><IncludedObjectVersions>All</IncludedObjectVersions><Schedule><Frequency>Daily</Frequency></Schedule></InventoryConfiguration>`
	for _, tc := range []struct {
		name, old, new, code, msg string
	}{
		{"wrong id", "<Id>test-inventory</Id>", "<Id>test-inventorywrong</Id>", "IdMismatch", "Document ID does not match the specified configuration ID."},
		{"destination not an ARN", "arn:aws:s3:::lsr-inv-dest", "lsr-inv-dest", "InvalidS3DestinationBucket", "Invalid bucket ARN."},
		{"format", "<Format>CSV</Format>", "<Format>WRONG-FORMAT</Format>", "MalformedXML", ""},
		{"frequency", "Daily", "Hourly", "MalformedXML", ""},
		{"versions", "<IncludedObjectVersions>All", "<IncludedObjectVersions>Wrong", "MalformedXML", ""},
		{"optional field", "<Schedule>", "<OptionalFields><Field>TestField</Field></OptionalFields><Schedule>", "MalformedXML", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(t, raw{method: "PUT", path: "/lsr-inv?inventory&id=test-inventory", body: []byte(strings.Replace(good, tc.old, tc.new, 1))})
			require.Equal(t, http.StatusBadRequest, r.StatusCode, string(r.body))
			got := errFields(t, r.body)
			assert.Equal(t, tc.code, got["Code"])
			if tc.msg != "" {
				assert.Equal(t, tc.msg, got["Message"])
			}
		})
	}
	r := f.do(t, raw{method: "PUT", path: "/lsr-inv?inventory&id=test-inventory", body: []byte(good)})
	assert.Equal(t, http.StatusNoContent, r.StatusCode, string(r.body))
}

// TestLsrBucketKeyFromDefault: test_s3_sse_default_kms_key. A PutObject
// asking aws:kms without x-amz-server-side-encryption-bucket-key-enabled,
// into a bucket whose default is SSE-KMS with BucketKeyEnabled, uses a
// bucket key; before that default was set it does not.
func TestLsrBucketKeyFromDefault(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("lsr-bk")})
	require.NoError(t, err)
	put := func(key string) *s3.PutObjectOutput {
		out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("lsr-bk"), Key: aws.String(key), Body: strings.NewReader("test-sse"),
			ServerSideEncryption: types.ServerSideEncryptionAwsKms})
		require.NoError(t, err)
		return out
	}
	assert.False(t, aws.ToBool(put("before").BucketKeyEnabled))
	_, err = c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String("lsr-bk"), ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{
		Rules: []types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAwsKms}, BucketKeyEnabled: aws.Bool(true)}}}})
	require.NoError(t, err)
	assert.True(t, aws.ToBool(put("after").BucketKeyEnabled))
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("lsr-bk"), Key: aws.String("after")})
	require.NoError(t, err)
	got.Body.Close()
	assert.True(t, aws.ToBool(got.BucketKeyEnabled))
	// Asking for no bucket key still gets none.
	out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("lsr-bk"), Key: aws.String("off"), Body: strings.NewReader("x"),
		ServerSideEncryption: types.ServerSideEncryptionAwsKms, BucketKeyEnabled: aws.Bool(false)})
	require.NoError(t, err)
	assert.False(t, aws.ToBool(out.BucketKeyEnabled))
}

// TestLsrCopyVersionIDs: test_s3_copy_object_in_place_versioned and
// _suspended_only. A copy onto itself names the version it read as
// x-amz-copy-source-version-id (not the one it made) and its own version,
// "null" in a suspended bucket; a null source version is not named.
func TestLsrCopyVersionIDs(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "lsr-cv")
	versioning := func(status string) {
		must(t, f.do(t, raw{method: "PUT", path: "/lsr-cv?versioning", body: []byte(`<VersioningConfiguration><Status>` + status + `</Status></VersioningConfiguration>`)}).errOrNil())
	}
	copyInPlace := func(key string) rawResponse {
		r := f.do(t, raw{method: "PUT", path: "/lsr-cv/" + key, header: http.Header{"X-Amz-Copy-Source": {"lsr-cv/" + key}, "X-Amz-Metadata-Directive": {"REPLACE"}}})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
		return r
	}

	// Not versioned, then suspended: the source is the null version.
	must(t, f.do(t, raw{method: "PUT", path: "/lsr-cv/plain", body: []byte(`{"key": "value"}`)}).errOrNil())
	r := copyInPlace("plain")
	assert.Empty(t, r.Header.Get("X-Amz-Version-Id"))
	assert.Empty(t, r.Header.Get("X-Amz-Copy-Source-Version-Id"))
	versioning("Suspended")
	r = copyInPlace("plain")
	assert.Equal(t, "null", r.Header.Get("X-Amz-Version-Id"))
	assert.Empty(t, r.Header.Get("X-Amz-Copy-Source-Version-Id"))

	// Versioned, then suspended.
	versioning("Enabled")
	put := f.do(t, raw{method: "PUT", path: "/lsr-cv/v", body: []byte(`{"key": "value"}`)})
	must(t, put.errOrNil())
	v1 := put.Header.Get("X-Amz-Version-Id")
	require.NotEmpty(t, v1)
	r = copyInPlace("v")
	v2 := r.Header.Get("X-Amz-Version-Id")
	assert.Equal(t, v1, r.Header.Get("X-Amz-Copy-Source-Version-Id"))
	assert.NotEqual(t, v1, v2)
	versioning("Suspended")
	r = copyInPlace("v")
	assert.Equal(t, v2, r.Header.Get("X-Amz-Copy-Source-Version-Id"))
	assert.Equal(t, "null", r.Header.Get("X-Amz-Version-Id"))
}

// TestLsrCopyMissingSource: test_s3_copy_object_src_not_exists. A missing
// source (or one whose latest version is a delete marker) is NoSuchKey
// naming the source's key, not the destination's; a delete marker named
// by version is 400 InvalidRequest.
func TestLsrCopyMissingSource(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "lsr-src")
	copyFrom := func(src string) rawResponse {
		return f.do(t, raw{method: "PUT", path: "/lsr-src/dest", header: http.Header{"X-Amz-Copy-Source": {src}}})
	}
	check := func(r rawResponse, status int, code, key string) {
		t.Helper()
		require.Equal(t, status, r.StatusCode, string(r.body))
		got := errFields(t, r.body)
		assert.Equal(t, code, got["Code"])
		assert.Equal(t, key, got["Key"])
	}
	check(copyFrom("lsr-src/random-src-key"), http.StatusNotFound, "NoSuchKey", "random-src-key")
	must(t, f.do(t, raw{method: "PUT", path: "/lsr-src?versioning", body: []byte(`<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>`)}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/lsr-src/random-src-key"}).errOrNil())
	del := f.do(t, raw{method: "DELETE", path: "/lsr-src/random-src-key"})
	require.Equal(t, http.StatusNoContent, del.StatusCode, string(del.body))
	check(copyFrom("lsr-src/random-src-key"), http.StatusNotFound, "NoSuchKey", "random-src-key")
	r := copyFrom("lsr-src/random-src-key?versionId=" + del.Header.Get("X-Amz-Version-Id"))
	check(r, http.StatusBadRequest, "InvalidRequest", "")
	assert.Equal(t, "The source of a copy request may not specifically refer to a delete marker by version id.", errFields(t, r.body)["Message"])
}

// TestLsrCopySourceWithoutKey: test_s3_copy_object_wrong_format. A copy
// source naming a bucket and no key is InvalidArgument "Invalid copy
// source object key", ArgumentName and ArgumentValue both the header's
// name; one without a slash keeps the sourcebucket/sourcekey message.
func TestLsrCopySourceWithoutKey(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "lsr-fmt")
	for _, src := range []string{"lsr-fmt/", "/lsr-fmt/"} {
		r := f.do(t, raw{method: "PUT", path: "/lsr-fmt/destination-key", header: http.Header{"X-Amz-Copy-Source": {src}}})
		require.Equal(t, http.StatusBadRequest, r.StatusCode, string(r.body))
		got := errFields(t, r.body)
		assert.Equal(t, "InvalidArgument", got["Code"], src)
		assert.Equal(t, "Invalid copy source object key", got["Message"], src)
		assert.Equal(t, "x-amz-copy-source", got["ArgumentName"], src)
		assert.Equal(t, "x-amz-copy-source", got["ArgumentValue"], src)
	}
	r := f.do(t, raw{method: "PUT", path: "/lsr-fmt/destination-key", header: http.Header{"X-Amz-Copy-Source": {"wrongformat"}}})
	require.Equal(t, http.StatusBadRequest, r.StatusCode, string(r.body))
	assert.Equal(t, "Copy Source must mention the source bucket and key: sourcebucket/sourcekey", errFields(t, r.body)["Message"])
}
