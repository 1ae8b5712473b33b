package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sel33Request is a SelectObjectContentRequest for SELECT * over CSV with
// extra elements appended.
func sel33Request(extra string) []byte {
	return []byte(`<SelectObjectContentRequest><Expression>SELECT * FROM S3Object</Expression>` +
		`<ExpressionType>SQL</ExpressionType><InputSerialization><CSV/></InputSerialization>` +
		`<OutputSerialization><CSV/></OutputSerialization>` + extra + `</SelectObjectContentRequest>`)
}

// sel33Put stores key with body in storage class sc and canned ACL acl.
func sel33Put(t *testing.T, c *s3.Client, bucket, key, body string, sc types.StorageClass, acl types.ObjectCannedACL) {
	t.Helper()
	_, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key),
		Body: bytes.NewReader([]byte(body)), StorageClass: sc, ACL: acl})
	require.NoError(t, err)
}

// TestSel33SelectStorageClasses: "You cannot query objects in the
// GLACIER, DEEP_ARCHIVE, or REDUCED_REDUNDANCY storage classes"
// (SelectObjectContent, GetObject support), and the SELECT Object Content
// error list answers that with 400 UnsupportedStorageClass. osslite
// answered GetObject's 403 InvalidObjectState for the archived classes and
// served REDUCED_REDUNDANCY.
func TestSel33SelectStorageClasses(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("sel33-classes")})
	require.NoError(t, err)
	for _, tc := range []struct {
		class   types.StorageClass
		refused bool
	}{
		{types.StorageClassGlacier, true},
		{types.StorageClassDeepArchive, true},
		{types.StorageClassReducedRedundancy, true},
		{types.StorageClassStandard, false},
		{types.StorageClassStandardIa, false},
		{types.StorageClassOnezoneIa, false},
	} {
		key := string(tc.class) + ".csv"
		sel33Put(t, c, "sel33-classes", key, "a\n1\n", tc.class, "")
		res, err := runSelect(t, c, &s3.SelectObjectContentInput{Bucket: aws.String("sel33-classes"), Key: aws.String(key),
			Expression: aws.String("SELECT * FROM S3Object"), ExpressionType: types.ExpressionTypeSql,
			InputSerialization:  &types.InputSerialization{CSV: &types.CSVInput{}},
			OutputSerialization: &types.OutputSerialization{CSV: &types.CSVOutput{}}})
		if !tc.refused {
			require.NoError(t, err, tc.class)
			assert.Equal(t, "a\n1\n", res.records, tc.class)
			continue
		}
		assert.Equal(t, "UnsupportedStorageClass", apiCode(err), tc.class)
		r := f.do(t, raw{method: "POST", path: "/sel33-classes/" + key + "?select&select-type=2", body: sel33Request("")})
		assert.Equal(t, 400, r.StatusCode, tc.class)
	}
}

// TestSel33SelectRequestShape: the SelectObjectContent page's request
// rules. A Range header is refused with the documented
// UnsupportedRangeHeader ("you cannot specify the range of bytes of an
// object to return"; osslite ignored it and returned the whole object); an
// empty ScanRange is refused ("This parameter is optional, but when
// specified, it must not be empty"; osslite read the whole object), with
// InvalidScanRange as for Start > End; an End alone is the last End bytes
// ("50 means scan the last 50 bytes").
func TestSel33SelectRequestShape(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	_, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("sel33-shape")})
	require.NoError(t, err)
	sel33Put(t, c, "sel33-shape", "a.csv", "a,b\n1,2\n3,4\n5,6\n", "", "")
	path := "/sel33-shape/a.csv?select&select-type=2"

	r := f.do(t, raw{method: "POST", path: path, header: hdr("Range", "bytes=0-3"), body: sel33Request("")})
	assert.Equal(t, 400, r.StatusCode)
	assert.Equal(t, "UnsupportedRangeHeader", r.errCode())

	for _, sr := range []string{`<ScanRange></ScanRange>`, `<ScanRange/>`} {
		r = f.do(t, raw{method: "POST", path: path, body: sel33Request(sr)})
		assert.Equal(t, 400, r.StatusCode, sr)
		assert.Equal(t, "InvalidScanRange", r.errCode(), sr)
	}

	in := &s3.SelectObjectContentInput{Bucket: aws.String("sel33-shape"), Key: aws.String("a.csv"),
		Expression: aws.String("SELECT * FROM S3Object"), ExpressionType: types.ExpressionTypeSql,
		InputSerialization:  &types.InputSerialization{CSV: &types.CSVInput{}},
		OutputSerialization: &types.OutputSerialization{CSV: &types.CSVOutput{}},
		ScanRange:           &types.ScanRange{End: aws.Int64(4)}}
	res, err := runSelect(t, c, in)
	require.NoError(t, err)
	assert.Equal(t, "5,6\n", res.records)
}

// TestSel33SelectAnonymous: "Amazon S3 Select does not support anonymous
// access" (SelectObjectContent, Permissions). A public-read object is
// readable anonymously by GetObject but not selectable: 403 AccessDenied,
// as an anonymous CreateMultipartUpload. osslite served the select.
func TestSel33SelectAnonymous(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	_, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("sel33-anon"),
		ObjectOwnership: types.ObjectOwnershipBucketOwnerPreferred})
	require.NoError(t, err)
	_, err = c.DeletePublicAccessBlock(context.Background(), &s3.DeletePublicAccessBlockInput{Bucket: aws.String("sel33-anon")})
	require.NoError(t, err)
	sel33Put(t, c, "sel33-anon", "pub.csv", "a\n1\n", "", types.ObjectCannedACLPublicRead)

	r := f.do(t, raw{method: "GET", path: "/sel33-anon/pub.csv", sign: "anon"})
	require.Equal(t, 200, r.StatusCode)
	r = f.do(t, raw{method: "POST", path: "/sel33-anon/pub.csv?select&select-type=2", sign: "anon", body: sel33Request("")})
	assert.Equal(t, 403, r.StatusCode)
	assert.Equal(t, "AccessDenied", r.errCode())
	// Signed, the same request is served.
	r = f.do(t, raw{method: "POST", path: "/sel33-anon/pub.csv?select&select-type=2", body: sel33Request("")})
	assert.Equal(t, 200, r.StatusCode)
	assert.Contains(t, string(r.body), "a\n1\n")
}

// TestSel33OSSDupKeyHeader: "JSON select: if the SELECT list contains a
// duplicate key (e.g. select s.key, s.key from ossobject s), the response
// header x-oss-select-output-json-dup-key is true" (OSS SelectObject,
// response headers; spec/oss/select.md 3.1). osslite computed the names
// (sqlselect.Query.OutputNames) but never sent the header.
func TestSel33OSSDupKeyHeader(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/sel33-dup", sign: "oss-v1"}).StatusCode)
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/sel33-dup/d.json", sign: "oss-v1",
		body: []byte(`{"key":1,"o":{"key":2},"Key":3}` + "\n")}).StatusCode)
	for _, tc := range []struct {
		sql, raw, want string
	}{
		{"select s.key, s.key from ossobject s", "true", "true"},
		{"select s.key, s.o.key from ossobject s", "false", "true"}, // framed too
		{"select s.key, s.Key from ossobject s", "true", ""},        // keys are case-sensitive
		{"select s.key, s.o.key as k2 from ossobject s", "true", ""},
		{"select * from ossobject s", "true", ""},
	} {
		body := `<SelectRequest><Expression>` + base64.StdEncoding.EncodeToString([]byte(tc.sql)) + `</Expression>` +
			`<InputSerialization><JSON><Type>LINES</Type></JSON></InputSerialization>` +
			`<OutputSerialization><OutputRawData>` + tc.raw + `</OutputRawData></OutputSerialization></SelectRequest>`
		r := f.do(t, raw{method: "POST", path: "/sel33-dup/d.json?x-oss-process=json/select", sign: "oss-v1", body: []byte(body)})
		require.Equal(t, 206, r.StatusCode, tc.sql)
		assert.Equal(t, tc.want, r.Header.Get("x-oss-select-output-json-dup-key"), tc.sql)
	}
}
