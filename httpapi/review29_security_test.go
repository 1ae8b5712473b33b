package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"strings"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"
)

// symlinkInboxFixture: bucket lnk of the test user holds secret/ (a CSV
// and an image) and a policy that lets everyone read and write under
// inbox/ only; the other user has made inbox/csv and inbox/img, links to
// the secrets, and GetObject refuses to read them through the links.
func symlinkInboxFixture(t *testing.T) (owner, other *oss2.Client) {
	_, owner, other = symlinkInboxFixtureAt(t)
	return owner, other
}

// symlinkInboxFixtureAt is symlinkInboxFixture also returning the fixture.
func symlinkInboxFixtureAt(t *testing.T) (f *fixture, owner, other *oss2.Client) {
	t.Helper()
	f = newFixture(t, fixtureOptions{})
	owner, other = f.ossV2(testAK, testSK), f.ossV2(otherAK, otherSK)
	ctx := context.Background()
	b := oss2.Ptr("lnk")
	v2Bucket(t, owner, "lnk")
	_, err := owner.PutObject(ctx, &oss2.PutObjectRequest{Bucket: b, Key: oss2.Ptr("secret/payroll.csv"), Body: strings.NewReader("name,salary\nalice,TOP SECRET\n")})
	require.NoError(t, err)
	_, err = owner.PutObject(ctx, &oss2.PutObjectRequest{Bucket: b, Key: oss2.Ptr("secret/face.jpg"), Body: bytes.NewReader(testImage(t, 40, 20))})
	require.NoError(t, err)
	_, err = owner.PutBucketPolicy(ctx, &oss2.PutBucketPolicyRequest{Bucket: b, Body: strings.NewReader(
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:*"],"Principal":["*"],"Resource":["acs:oss:*:*:lnk/inbox/*"]}]}`)})
	require.NoError(t, err)
	for link, target := range map[string]string{"inbox/csv": "secret/payroll.csv", "inbox/img": "secret/face.jpg"} {
		_, err = other.PutSymlink(ctx, &oss2.PutSymlinkRequest{Bucket: b, Key: oss2.Ptr(link), Target: oss2.Ptr(target)})
		require.NoError(t, err)
		_, err = other.GetObject(ctx, &oss2.GetObjectRequest{Bucket: b, Key: oss2.Ptr(link)})
		wantOSS(t, err, 403, "AccessDenied", "")
	}
	return f, owner, other
}

// TestReview29SymlinkTargetIsReadByEveryReader: every operation that reads
// an object's body through a symlink reads the target, so it needs a read
// of the target as GetObject does: SelectObject, CreateSelectObjectMeta,
// GetObject with x-oss-process and ProcessObject (found by the
// twenty-ninth session's review: they decided on the link alone, so
// whoever could write a link under a prefix a policy opened read any
// object of the bucket).
func TestReview29SymlinkTargetIsReadByEveryReader(t *testing.T) {
	_, other := symlinkInboxFixture(t)
	ctx := context.Background()
	b := oss2.Ptr("lnk")

	sel, err := other.SelectObject(ctx, &oss2.SelectObjectRequest{Bucket: b, Key: oss2.Ptr("inbox/csv"),
		SelectRequest: &oss2.SelectRequest{Expression: oss2.Ptr("select * from ossobject"),
			InputSerializationSelect: oss2.InputSerializationSelect{CsvBodyInput: &oss2.CSVSelectInput{FileHeaderInfo: oss2.Ptr("None")}}}})
	if err == nil {
		out, _ := io.ReadAll(sel.Body)
		sel.Body.Close()
		t.Fatalf("SelectObject read secret/payroll.csv through inbox/csv: %q", out)
	}
	wantOSS(t, err, 403, "AccessDenied", "")

	_, err = other.CreateSelectObjectMeta(ctx, &oss2.CreateSelectObjectMetaRequest{Bucket: b, Key: oss2.Ptr("inbox/csv"),
		MetaRequest: &oss2.CsvMetaRequest{}})
	wantOSS(t, err, 403, "AccessDenied", "")

	res, err := other.GetObject(ctx, &oss2.GetObjectRequest{Bucket: b, Key: oss2.Ptr("inbox/img"), Process: oss2.Ptr("image/resize,w_20")})
	if err == nil {
		out, _ := io.ReadAll(res.Body)
		res.Body.Close()
		t.Fatalf("GetObject x-oss-process read secret/face.jpg through inbox/img: %d bytes", len(out))
	}
	wantOSS(t, err, 403, "AccessDenied", "")

	enc := base64.URLEncoding.EncodeToString([]byte("inbox/stolen.jpg"))
	_, err = other.ProcessObject(ctx, &oss2.ProcessObjectRequest{Bucket: b, Key: oss2.Ptr("inbox/img"),
		Process: oss2.Ptr("image/resize,w_20|sys/saveas,o_" + enc)})
	wantOSS(t, err, 403, "AccessDenied", "")
	_, err = other.GetObject(ctx, &oss2.GetObjectRequest{Bucket: b, Key: oss2.Ptr("inbox/stolen.jpg")})
	wantOSS(t, err, 404, "NoSuchKey", "")
}

// TestReview29SymlinkVersionMetaIsTheLinks: GetObjectMeta of a symlink's
// version answers the link's own metadata, as of its latest (OSS: "a
// symlink's own information"); it answered the target's size, ETag and
// CRC-64 to whoever could read the link. An image watermark named by a
// link needs a read of its target (found by the twenty-ninth session's
// review).
func TestReview29SymlinkVersionMetaIsTheLinks(t *testing.T) {
	owner, other := symlinkInboxFixture(t)
	ctx := context.Background()
	b := oss2.Ptr("lnk")
	_, err := owner.PutBucketVersioning(ctx, &oss2.PutBucketVersioningRequest{Bucket: b,
		VersioningConfiguration: &oss2.VersioningConfiguration{Status: oss2.VersionEnabled}})
	require.NoError(t, err)
	made, err := other.PutSymlink(ctx, &oss2.PutSymlinkRequest{Bucket: b, Key: oss2.Ptr("inbox/v"), Target: oss2.Ptr("secret/payroll.csv")})
	require.NoError(t, err)
	require.NotEmpty(t, oss2.ToString(made.VersionId))
	link, err := other.GetObjectMeta(ctx, &oss2.GetObjectMetaRequest{Bucket: b, Key: oss2.Ptr("inbox/v")})
	require.NoError(t, err)
	meta, err := other.GetObjectMeta(ctx, &oss2.GetObjectMetaRequest{Bucket: b, Key: oss2.Ptr("inbox/v"), VersionId: made.VersionId})
	require.NoError(t, err)
	require.Equal(t, [2]any{link.ContentLength, oss2.ToString(link.ETag)}, [2]any{meta.ContentLength, oss2.ToString(meta.ETag)},
		"the link's version answers the link's own metadata, not secret/payroll.csv's")

	// A watermark named by a link in inbox/ is the secret image.
	_, err = other.PutObject(ctx, &oss2.PutObjectRequest{Bucket: b, Key: oss2.Ptr("inbox/base.jpg"), Body: bytes.NewReader(testImage(t, 80, 40))})
	require.NoError(t, err)
	_, err = other.GetObject(ctx, &oss2.GetObjectRequest{Bucket: b, Key: oss2.Ptr("inbox/base.jpg"),
		Process: oss2.Ptr("image/watermark,image_" + base64.RawURLEncoding.EncodeToString([]byte("inbox/img")) + ",g_nw,x_0,y_0")})
	wantOSS(t, err, 403, "AccessDenied", "")
}

// TestReview29SymlinkConditionsAreReadsOfTheTarget: a conditional GET or
// HEAD of a link is judged against the target (its ETag and date), so
// its 304 (which carries the target's ETag) and 412 answer only callers
// who may read the target: If-None-Match "*" answered 304 with
// secret/payroll.csv's ETag, and If-Match told a guess of it right from
// wrong (found by the twenty-ninth session's review).
func TestReview29SymlinkConditionsAreReadsOfTheTarget(t *testing.T) {
	owner, other := symlinkInboxFixture(t)
	ctx := context.Background()
	b, link := oss2.Ptr("lnk"), oss2.Ptr("inbox/csv")
	secret, err := owner.HeadObject(ctx, &oss2.HeadObjectRequest{Bucket: b, Key: oss2.Ptr("secret/payroll.csv")})
	require.NoError(t, err)

	res, err := other.GetObject(ctx, &oss2.GetObjectRequest{Bucket: b, Key: link, IfNoneMatch: oss2.Ptr("*")})
	if err == nil {
		res.Body.Close()
		t.Fatalf("If-None-Match * answered %d with the target's ETag %s", res.StatusCode, oss2.ToString(res.ETag))
	}
	require.NotContains(t, err.Error(), strings.Trim(oss2.ToString(secret.ETag), `"`))
	wantOSS(t, err, 403, "AccessDenied", "")
	_, err = other.GetObject(ctx, &oss2.GetObjectRequest{Bucket: b, Key: link, IfNoneMatch: secret.ETag})
	wantOSS(t, err, 403, "AccessDenied", "")
	_, err = other.HeadObject(ctx, &oss2.HeadObjectRequest{Bucket: b, Key: link, IfMatch: oss2.Ptr(`"0123456789abcdef0123456789abcdef"`)})
	wantOSS(t, err, 403, "AccessDenied", "")
	_, err = other.HeadObject(ctx, &oss2.HeadObjectRequest{Bucket: b, Key: link, IfModifiedSince: oss2.Ptr("Sun, 06 Dec 2099 00:00:00 GMT")})
	wantOSS(t, err, 403, "AccessDenied", "")

	// A HEAD of a link to an archived target answers the target's headers.
	_, err = owner.PutObject(ctx, &oss2.PutObjectRequest{Bucket: b, Key: oss2.Ptr("secret/cold.csv"), Body: strings.NewReader("cold,secret\n"),
		StorageClass: oss2.StorageClassColdArchive})
	require.NoError(t, err)
	_, err = other.PutSymlink(ctx, &oss2.PutSymlinkRequest{Bucket: b, Key: oss2.Ptr("inbox/cold"), Target: oss2.Ptr("secret/cold.csv")})
	require.NoError(t, err)
	head, err := other.HeadObject(ctx, &oss2.HeadObjectRequest{Bucket: b, Key: oss2.Ptr("inbox/cold")})
	if err == nil {
		t.Fatalf("HEAD of a link to an archived object answered its headers: %d bytes, ETag %s", head.ContentLength, oss2.ToString(head.ETag))
	}
	wantOSS(t, err, 403, "AccessDenied", "")
}

// TestReview29SymlinkThroughS3: the S3 operations reach an OSS link's
// target too (the buckets are the same store): SelectObjectContent and
// GetObjectAttributes need a read of the target (found by the
// twenty-ninth session's review).
func TestReview29SymlinkThroughS3(t *testing.T) {
	f, _, _ := symlinkInboxFixtureAt(t)
	ctx := context.Background()
	c := f.s3Client(true, otherAK, otherSK)
	b, link := aws.String("lnk"), aws.String("inbox/csv")
	out, err := c.SelectObjectContent(ctx, &s3.SelectObjectContentInput{Bucket: b, Key: link,
		Expression: aws.String("SELECT * FROM S3Object"), ExpressionType: types.ExpressionTypeSql,
		InputSerialization:  &types.InputSerialization{CSV: &types.CSVInput{FileHeaderInfo: types.FileHeaderInfoNone}},
		OutputSerialization: &types.OutputSerialization{CSV: &types.CSVOutput{}}})
	if err == nil {
		var got bytes.Buffer
		for ev := range out.GetStream().Events() {
			if r, ok := ev.(*types.SelectObjectContentEventStreamMemberRecords); ok {
				got.Write(r.Value.Payload)
			}
		}
		out.GetStream().Close()
		t.Fatalf("SelectObjectContent read secret/payroll.csv through inbox/csv: %q", got.String())
	}
	wantCode(t, err, "AccessDenied")
	attrs, err := c.GetObjectAttributes(ctx, &s3.GetObjectAttributesInput{Bucket: b, Key: link,
		ObjectAttributes: []types.ObjectAttributes{types.ObjectAttributesEtag, types.ObjectAttributesObjectSize}})
	if err == nil {
		t.Fatalf("GetObjectAttributes answered the target's: size %d, ETag %s", aws.ToInt64(attrs.ObjectSize), aws.ToString(attrs.ETag))
	}
	wantCode(t, err, "AccessDenied")
}

// TestReview29SymlinkErrorDocument: a website's error document that is a
// link serves its target only to callers who may read the target: a
// writer under inbox/, which the policy lets everyone read, made the
// error document a link to secret/payroll.csv (found by the twenty-ninth
// session's review).
func TestReview29SymlinkErrorDocument(t *testing.T) {
	f, owner, other := symlinkInboxFixtureAt(t)
	ctx := context.Background()
	b := oss2.Ptr("lnk")
	_, err := owner.PutBucketWebsite(ctx, &oss2.PutBucketWebsiteRequest{Bucket: b, WebsiteConfiguration: &oss2.WebsiteConfiguration{
		IndexDocument: &oss2.IndexDocument{Suffix: oss2.Ptr("index.html")},
		ErrorDocument: &oss2.ErrorDocument{Key: oss2.Ptr("inbox/error.html"), HttpStatus: oss2.Ptr(int64(404))}}})
	require.NoError(t, err)
	_, err = other.PutSymlink(ctx, &oss2.PutSymlinkRequest{Bucket: b, Key: oss2.Ptr("inbox/error.html"), Target: oss2.Ptr("secret/payroll.csv")})
	require.NoError(t, err)
	resp := f.getter(t)("GET", strings.Replace(f.srv.URL, "127.0.0.1", "lnk.oss-cn-hangzhou.aliyuncs.com", 1)+"/inbox/none.html")
	require.NotContains(t, string(resp.body), "TOP SECRET")
	require.Equal(t, 404, resp.StatusCode, string(resp.body))
}
