package httpapi_test

import (
	"context"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
	"time"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
)

// TestOpen37CopyNotModifiedJudgesWhatTheCopyJudged: OSS answers a copy
// whose x-oss-copy-source-if-none-match or -if-modified-since failed with
// 304, other failed conditions with 412. A copy of an OSS symlink copies
// the link and judges the conditions on the link's own record, but the
// 304/412 answer was decided by reading the source again with
// HeadObject, through the link: on the target's ETag and date. A copy
// that failed on the link's ETag was answered 412 (the target's differs),
// and one whose If-None-Match listed the link's ETag and a guess was
// answered 304 exactly when the guess was the ETag of a private target
// the caller may not read. Now the answer is the condition the copy
// failed (engine.ConditionError). The same re-read judged the latest
// version when the copy named an older one (?versionId=).
func TestOpen37CopyNotModifiedJudgesWhatTheCopyJudged(t *testing.T) {
	clock := &testClock{fixed: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)}
	f := newFixture(t, fixtureOptions{clock: clock})
	ctx := context.Background()
	must(t, f.do(t, raw{method: "PUT", path: "/cnm37"}).errOrNil())
	link, err := f.eng.PutSymlink(ctx, "cnm37", "link", "secret", engine.PutOptions{ACL: engine.ACL{Canned: "public-read"},
		Owner: canonicalID(testAK), Dialect: engine.DialectOSS})
	require.NoError(t, err)
	linkTime := clock.Now()
	clock.Advance(time.Hour)
	target, err := f.eng.PutObject(ctx, "cnm37", "secret", strings.NewReader("the private target"), 18,
		engine.PutOptions{ACL: engine.ACL{Canned: "private"}, Owner: canonicalID(testAK), Dialect: engine.DialectOSS})
	require.NoError(t, err)
	require.NotEqual(t, link.ETag, target.ETag)
	must(t, f.do(t, sec34Other(raw{method: "PUT", path: "/dst37"})).errOrNil())
	copyOf := func(src string, h ...string) rawResponse {
		return f.do(t, raw{method: "PUT", path: "/dst37/copy", sign: "oss-v1", ak: otherAK, sk: otherSK,
			header: hdr(append([]string{"x-oss-copy-source", src}, h...)...)})
	}
	between := linkTime.Add(30 * time.Minute).Format(http.TimeFormat)
	for _, c := range []struct {
		name   string
		header []string
		want   int
	}{
		{"if-none-match the link's ETag", []string{"x-oss-copy-source-if-none-match", `"` + link.ETag + `"`}, http.StatusNotModified},
		{"if-none-match the link's ETag and a right guess of the target's", []string{"x-oss-copy-source-if-none-match", `"` + link.ETag + `", "` + target.ETag + `"`}, http.StatusNotModified},
		{"if-none-match the link's ETag and a wrong guess", []string{"x-oss-copy-source-if-none-match", `"` + link.ETag + `", "0123"`}, http.StatusNotModified},
		{"if-modified-since after the link, before the target", []string{"x-oss-copy-source-if-modified-since", between}, http.StatusNotModified},
		{"if-match the target's ETag", []string{"x-oss-copy-source-if-match", `"` + target.ETag + `"`}, http.StatusPreconditionFailed},
		{"if-unmodified-since before the link", []string{"x-oss-copy-source-if-unmodified-since", linkTime.Add(-time.Hour).Format(http.TimeFormat)}, http.StatusPreconditionFailed},
	} {
		res := copyOf("/cnm37/link", c.header...)
		assert.Equal(t, c.want, res.StatusCode, "%s: %s", c.name, res.body)
	}
	// The copy judged is still the link's: a condition it meets copies it.
	res := copyOf("/cnm37/link", "x-oss-copy-source-if-none-match", `"`+target.ETag+`"`)
	assert.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)

	// An older version named by the copy, not the latest.
	must(t, f.do(t, raw{method: "PUT", path: "/cnm37?versioning", body: []byte(`<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>`)}).errOrNil())
	old, err := f.eng.PutObject(ctx, "cnm37", "v", strings.NewReader("old"), 3, engine.PutOptions{ACL: engine.ACL{Canned: "public-read"}})
	require.NoError(t, err)
	_, err = f.eng.PutObject(ctx, "cnm37", "v", strings.NewReader("new"), 3, engine.PutOptions{ACL: engine.ACL{Canned: "public-read"}})
	require.NoError(t, err)
	res = copyOf("/cnm37/v?versionId="+old.VersionID, "x-oss-copy-source-if-none-match", `"`+old.ETag+`"`)
	assert.Equal(t, http.StatusNotModified, res.StatusCode, "%s", res.body)
}

// TestOpen37PartCopyOfLinkJudgesNoCondition: UploadPartCopy refuses a
// symlink source (InvalidArgument), but the engine judged the copy-source
// conditions on the object read through the link, its target, first: a
// caller who may read the link learnt whether a guessed ETag (or date)
// was the private target's (412 for a wrong guess, the refusal for a
// right one), through S3 and OSS alike. The link is now refused before
// any condition is judged.
func TestOpen37PartCopyOfLinkJudgesNoCondition(t *testing.T) {
	f, targets := linkFixture(t, "pcl37", "the private target", "")
	must(t, f.do(t, sec34Other(raw{method: "PUT", path: "/dst37"})).errOrNil())
	res := f.do(t, sec34Other(raw{method: "POST", path: "/dst37/k?uploads"}))
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", res.body)
	var up struct {
		UploadID string `xml:"UploadId"`
	}
	require.NoError(t, xml.Unmarshal(res.body, &up))
	secret := `"` + targets["secret"].ETag + `"`
	for _, c := range []struct {
		name string
		q    raw
	}{
		{"S3 if-match a wrong guess", raw{header: hdr("X-Amz-Copy-Source", "/pcl37/link", "X-Amz-Copy-Source-If-Match", `"0123"`)}},
		{"S3 if-match the target's ETag", raw{header: hdr("X-Amz-Copy-Source", "/pcl37/link", "X-Amz-Copy-Source-If-Match", secret)}},
		{"S3 if-none-match the target's ETag", raw{header: hdr("X-Amz-Copy-Source", "/pcl37/link", "X-Amz-Copy-Source-If-None-Match", secret)}},
		{"OSS if-match a wrong guess", raw{sign: "oss-v1", header: hdr("x-oss-copy-source", "/pcl37/link", "x-oss-copy-source-if-match", `"0123"`)}},
		{"OSS if-none-match the target's ETag", raw{sign: "oss-v1", header: hdr("x-oss-copy-source", "/pcl37/link", "x-oss-copy-source-if-none-match", secret)}},
	} {
		q := sec34Other(c.q)
		q.method, q.path = "PUT", "/dst37/k?partNumber=1&uploadId="+up.UploadID
		res := f.do(t, q)
		assert.Equal(t, http.StatusBadRequest, res.StatusCode, "%s: %s", c.name, res.body)
		assert.Equal(t, "InvalidArgument", res.errCode(), "%s: %s", c.name, res.body)
		assert.Contains(t, string(res.body), "symbolic link", c.name)
	}
}

// TestOpen37MetaQueryUnderBucketOwnerEnforced: under BucketOwnerEnforced
// (ACLs disabled, set through S3) OSS DoMetaQuery showed each object's
// stored ACL (ObjectACL public-read, and a query on ObjectACL found it)
// where GetObjectAcl, GetBucketInfo and the listings show what the setting
// makes of it: the bucket owner's, private. It now shows, and matches,
// that; without the setting the stored ACL again.
func TestOpen37MetaQueryUnderBucketOwnerEnforced(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	own35Bucket(t, f, "mq37")
	must(t, f.do(t, sec34Other(raw{method: "PUT", path: "/mq37/k", header: hdr("X-Amz-Acl", "public-read"), body: []byte("the writer's")})).errOrNil())
	must(t, f.do(t, raw{method: "POST", path: "/mq37?metaQuery&comp=add", sign: "oss-v1"}).errOrNil())
	query := func(q string) string {
		t.Helper()
		r := f.do(t, raw{method: "POST", path: "/mq37?metaQuery&comp=query", sign: "oss-v1",
			body: []byte(`<MetaQuery><MaxResults>10</MaxResults><Query>` + q + `</Query></MetaQuery>`)})
		require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
		return string(r.body)
	}
	all := `{"Field":"Size","Value":"0","Operation":"gt"}`
	public := `{"Field":"ObjectACL","Value":"public-read","Operation":"eq"}`
	private := `{"Field":"ObjectACL","Value":"private","Operation":"eq"}`
	require.Contains(t, query(all), "<ObjectACL>public-read</ObjectACL>")

	must(t, f.do(t, raw{method: "PUT", path: "/mq37?ownershipControls",
		body: []byte(`<OwnershipControls><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule></OwnershipControls>`)}).errOrNil())
	acl := f.do(t, raw{method: "GET", path: "/mq37/k?acl", sign: "oss-v1"})
	require.Contains(t, string(acl.body), "<Grant>private</Grant>", "GetObjectAcl under the setting")
	assert.Contains(t, query(all), "<ObjectACL>private</ObjectACL>")
	assert.NotContains(t, query(public), "<Filename>k</Filename>")
	assert.Contains(t, query(private), "<Filename>k</Filename>")

	must(t, f.do(t, raw{method: "DELETE", path: "/mq37?ownershipControls"}).errOrNil())
	assert.Contains(t, query(all), "<ObjectACL>public-read</ObjectACL>")
	assert.Contains(t, query(public), "<Filename>k</Filename>")
}

// TestOpen37ArchivedTargetDecidedBeforeItsState: a read through an OSS
// symlink whose target is archived and not restored was refused with the
// target's state before the caller's read of the target was decided: S3
// SelectObjectContent answered UnsupportedStorageClass (the target is
// GLACIER), OSS SelectObject and image processing InvalidObjectState, to
// a caller who may read the link but not the target. The engine's
// ArchivedError now carries the object judged (readJudged), which is
// decided first (decideJudged): 403 AccessDenied. A readable target keeps
// its answer. (GET was closed by the lead, link36b.)
func TestOpen37ArchivedTargetDecidedBeforeItsState(t *testing.T) {
	f, _ := linkFixture(t, "arc37", "a,b\n", "GLACIER")
	s3Select := func(key string) rawResponse {
		return f.do(t, sec34Other(raw{method: "POST", path: "/arc37/" + key + "?select&select-type=2",
			body: []byte(`<SelectObjectContentRequest><Expression>SELECT * FROM S3Object</Expression><ExpressionType>SQL</ExpressionType>` +
				`<InputSerialization><CSV/></InputSerialization><OutputSerialization><CSV/></OutputSerialization></SelectObjectContentRequest>`)}))
	}
	res := s3Select("link")
	assert.Equal(t, http.StatusForbidden, res.StatusCode, "%s", res.body)
	assert.Equal(t, "AccessDenied", res.errCode(), "%s", res.body)
	res = s3Select("publink")
	assert.Equal(t, http.StatusBadRequest, res.StatusCode, "%s", res.body)
	assert.Equal(t, "UnsupportedStorageClass", res.errCode(), "a readable target's class")

	c := f.ossV2(otherAK, otherSK)
	for key, want := range map[string]int{"link": 403, "publink": 403} {
		_, err := c.SelectObject(context.Background(), &oss2.SelectObjectRequest{Bucket: oss2.Ptr("arc37"), Key: oss2.Ptr(key),
			SelectRequest: &oss2.SelectRequest{Expression: oss2.Ptr("select * from ossobject"),
				InputSerializationSelect: oss2.InputSerializationSelect{CsvBodyInput: &oss2.CSVSelectInput{FileHeaderInfo: oss2.Ptr("None")}}}})
		code := "AccessDenied"
		if key == "publink" {
			code = "InvalidObjectState"
		}
		wantOSS(t, err, want, code, "")
	}
	for key, code := range map[string]string{"link": "AccessDenied", "publink": "InvalidObjectState"} {
		res := f.do(t, raw{method: "GET", path: "/arc37/" + key + "?x-oss-process=image/info", sign: "oss-v1", ak: otherAK, sk: otherSK})
		assert.Equal(t, code, res.errCode(), "image processing of %s: %s", key, res.body)
	}
	// CreateSelectObjectMeta takes the bucket's write and the object's
	// read: a writer who may read the link but not its target.
	must(t, f.do(t, raw{method: "PUT", path: "/arc37?acl", sign: "oss-v1", header: hdr("X-Oss-Acl", "public-read-write")}).errOrNil())
	for key, code := range map[string]string{"link": "AccessDenied", "publink": "InvalidObjectState"} {
		res := f.do(t, raw{method: "POST", path: "/arc37/" + key + "?x-oss-process=csv/meta", sign: "oss-v1", ak: otherAK, sk: otherSK,
			body: []byte(`<CsvMetaRequest><InputSerialization><CSV/></InputSerialization></CsvMetaRequest>`)})
		assert.Equal(t, code, res.errCode(), "CreateSelectObjectMeta of %s: %s", key, res.body)
	}
}
