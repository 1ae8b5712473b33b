package httpapi_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/ssig"
)

// TestOpen39PostContentSHA256FieldNotChecked: a POST form's
// x-amz-content-sha256 field is no field S3's POST Object page lists,
// and S3 stores a file that does not match it (aws/aws-sdk-js#2649: a
// presigned POST whose policy required the field accepted any file; the
// SDK team found no page naming it). Osslite does the same: the policy
// may require the field (it is judged like any other), the file is
// stored, and the field is neither checked nor kept with the object.
func TestOpen39PostContentSHA256FieldNotChecked(t *testing.T) {
	f, c := newPostFixture(t)
	now := f.clock.Now()
	wrong := "0000000000000000000000000000000000000000000000000000000000000000"
	policy := policyDoc(t, now.Add(time.Hour), append(v4Conds(now), map[string]string{"key": "sha"},
		map[string]string{"x-amz-content-sha256": wrong})...)
	resp := f.post(t, "/forms", "", multipartForm{fields: append([]field{{"key", "sha"}, {"x-amz-content-sha256", wrong}},
		v4Form(now, policy)...), content: "hello"})
	require.Equal(t, http.StatusNoContent, resp.StatusCode, string(resp.body))
	body, out := getBody(t, c, "forms", "sha")
	require.Equal(t, "hello", body)
	require.Empty(t, out.Metadata)
	// The policy's condition on the field is still judged.
	resp = f.post(t, "/forms", "", multipartForm{fields: append([]field{{"key", "sha"}, {"x-amz-content-sha256", wrong[1:] + "1"}},
		v4Form(now, policy)...), content: "other"})
	require.Equal(t, http.StatusForbidden, resp.StatusCode, string(resp.body))
}

// TestOpen39CopySourceIfNoneMatchCondition: a failed
// x-amz-copy-source-if-none-match is 412 PreconditionFailed naming
// <Condition>x-amz-copy-source-If-None-Match</Condition>, as AWS answered
// CopyObject in LocalStack's recorded test_s3_copy_object_preconditions
// ("copy-precondition-if-none-match", and "copy-etag-missing-quotes" for
// an ETag without quotes), for CopyObject and UploadPartCopy alike, for
// "*", a weak ETag and a list holding the source's ETag.
func TestOpen39CopySourceIfNoneMatchCondition(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	const bk = "nonematch39"
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bk)})
	require.NoError(t, err)
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bk), Key: aws.String("src"), Body: strings.NewReader("data")})
	require.NoError(t, err)
	etag := aws.ToString(put.ETag)
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bk), Key: aws.String("mp")})
	require.NoError(t, err)
	for _, v := range []string{etag, strings.Trim(etag, `"`), "*", "W/" + etag, `"x", ` + etag} {
		for _, path := range []string{"/" + bk + "/dst", "/" + bk + "/mp?partNumber=1&uploadId=" + aws.ToString(up.UploadId)} {
			r := f.do(t, raw{method: "PUT", path: path, header: hdr("X-Amz-Copy-Source", "/"+bk+"/src", "X-Amz-Copy-Source-If-None-Match", v)})
			var e struct{ Code, Message, Condition string }
			require.NoError(t, xml.Unmarshal(r.body, &e), string(r.body))
			require.Equal(t, http.StatusPreconditionFailed, r.StatusCode, "%s %s", path, v)
			require.Equal(t, "PreconditionFailed", e.Code)
			require.Equal(t, "At least one of the pre-conditions you specified did not hold", e.Message)
			require.Equal(t, "x-amz-copy-source-If-None-Match", e.Condition, "%s %s", path, v)
		}
	}
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bk), Key: aws.String("dst")})
	require.Error(t, err, "no copy made")
}

// open39SinaSigned is a Sina header-signed request carrying date in Date
// (when set) and amzDate in X-Amz-Date (when set).
func open39SinaSigned(method, path, resource string, date, amzDate time.Time) raw {
	h := http.Header{}
	if !amzDate.IsZero() {
		h.Set("X-Amz-Date", amzDate.UTC().Format(http.TimeFormat))
	}
	if !date.IsZero() {
		h.Set("Date", date.UTC().Format(http.TimeFormat))
	}
	sts := ssig.StringToSign(method, h, h.Get("Date"), resource)
	h.Set("Authorization", "SINA "+testAK+":"+ssig.Sign(testSK, sts))
	return raw{method: method, path: path, sign: "keep", header: h}
}

// TestOpen39SinaFutureDates: SCS reads a header-signed request's Date as
// an expiry time. Every example of its API document sends "Date: Sat, 20
// Nov 2286 17:46:39 GMT" (../shared/seeds, spec 2.3: "accept any future
// date"), so a Date past the 15 minutes S3 allows either way is accepted,
// and so is an X-Amz-Date in its place (Sina's JS SDK signs with it when
// it sends no Date; SCS documents nothing else of it). A Date more than
// 15 minutes past is 403 ExpiredToken, the X-Amz-Date alike. With both,
// Date decides (both are signed: X-Amz-Date among the x-amz- headers).
func TestOpen39SinaFutureDates(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	now := f.clock.Now()
	seed, err := http.ParseTime("Sat, 20 Nov 2286 17:46:39 GMT")
	require.NoError(t, err)
	var none time.Time
	r := f.do(t, open39SinaSigned("PUT", "/sina39/?formatter=json", "/sina39/", seed, none))
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	for _, tc := range []struct {
		date, amz time.Time
		code      string
	}{
		{seed, none, ""},
		{now.Add(16 * time.Minute), none, ""},
		{none, seed, ""},
		{none, now.Add(16 * time.Minute), ""},
		{now.Add(-16 * time.Minute), none, "ExpiredToken"},
		{none, now.Add(-16 * time.Minute), "ExpiredToken"},
		{now.Add(-time.Hour), now, "ExpiredToken"},
		{now, now.Add(-time.Hour), ""},
		{seed, now.Add(-time.Hour), ""},
	} {
		r := f.do(t, open39SinaSigned("GET", "/sina39/?formatter=json", "/sina39/", tc.date, tc.amz))
		if tc.code == "" {
			require.Equal(t, http.StatusOK, r.StatusCode, "Date %v X-Amz-Date %v: %s", tc.date, tc.amz, r.body)
			continue
		}
		require.Equal(t, http.StatusForbidden, r.StatusCode, "Date %v X-Amz-Date %v: %s", tc.date, tc.amz, r.body)
		require.Equal(t, tc.code, sina33JSONErr(t, r)["Code"])
	}
}

// TestOpen39S3PartCopyRangeRacingOverwrite: S3's UploadPartCopy judges
// x-amz-copy-source-range on the source it reads (a range past its end is
// InvalidArgument naming the size, one starting past it InvalidRequest,
// as AWS answered LocalStack's recorded test_upload_part_copy_range). The
// copy was pinned to that source only where the read's decision read an
// object (not the bucket owner's), and a retry after
// ErrCopySourceChanged judged no range: a source replaced in between by
// a shorter one got the engine's InvalidRange, a verdict on an object the
// handler never judged. The range is now judged on each source read and
// the copy pinned to it, so the answers are the long source's 40 bytes,
// S3's range errors for the short one, or 409 OperationAborted after
// three changes.
func TestOpen39S3PartCopyRangeRacingOverwrite(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	c := f.client()
	for _, b := range []string{"src39", "dst39"} {
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)})
		require.NoError(t, err)
	}
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("dst39"), Key: aws.String("obj")})
	require.NoError(t, err)
	long, short := strings.Repeat("L", 100), strings.Repeat("s", 50)
	put := func(body string) {
		_, err := f.eng.PutObject(ctx, "src39", "k", strings.NewReader(body), int64(len(body)),
			engine.PutOptions{Owner: canonicalID(testAK), Dialect: engine.DialectS3})
		require.NoError(t, err)
	}
	sum := md5.Sum([]byte(long[60:]))
	ranged := hex.EncodeToString(sum[:])
	put(long)
	keepFlipping(t, func() {
		put(short)
		put(long)
	})
	n := 2000
	if testing.Short() {
		n = 500
	}
	counts := map[string]int{}
	for range n {
		res := f.do(t, raw{method: "PUT", path: "/dst39/obj?partNumber=1&uploadId=" + aws.ToString(up.UploadId),
			header: hdr("X-Amz-Copy-Source", "/src39/k", "X-Amz-Copy-Source-Range", "bytes=60-99")})
		switch {
		case res.StatusCode == http.StatusOK && strings.Contains(string(res.body), ranged):
			counts["range of the long source"]++
		case res.StatusCode == http.StatusOK:
			counts["another part"]++
		case res.errCode() == "InvalidRequest" && strings.Contains(string(res.body), "invalid for the source object size"):
			counts["InvalidRequest: starts past the short source"]++
		default:
			counts[res.errCode()]++
		}
	}
	t.Logf("%v", counts)
	assert.Positive(t, counts["range of the long source"])
	assert.Equal(t, n, counts["range of the long source"]+counts["InvalidRequest: starts past the short source"]+counts["OperationAborted"], "%v", counts)
}
