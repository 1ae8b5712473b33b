package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
)

// TestRev37PartCopyRangeSizeRacingPrivateOverwrite: S3 UploadPartCopy
// judges x-amz-copy-source-range against the source's size, which its
// refusal names ("Range specified is not valid for source object of
// size: N"). The source's read was decided (copySource) on one read of
// the key and the size judged on a second: the bucket owner replacing a
// public-read source with a private one in between told another account
// the private object's size. The range is now judged on the source the
// read is decided on, and the copy pinned to it. Timing-dependent.
func TestRev37PartCopyRangeSizeRacingPrivateOverwrite(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	must(t, f.do(t, raw{method: "PUT", path: "/src37"}).errOrNil())
	must(t, f.do(t, sec34Other(raw{method: "PUT", path: "/dst37"})).errOrNil())
	up := f.do(t, sec34Other(raw{method: "POST", path: "/dst37/obj?uploads"}))
	must(t, up.errOrNil())
	_, rest, _ := strings.Cut(string(up.body), "<UploadId>")
	upload, _, _ := strings.Cut(rest, "</UploadId>")
	put := func(body, canned string) {
		_, err := f.eng.PutObject(ctx, "src37", "k", strings.NewReader(body), int64(len(body)),
			engine.PutOptions{ACL: engine.ACL{Canned: canned}, Owner: canonicalID(testAK), Dialect: engine.DialectS3})
		require.NoError(t, err)
	}
	put("public", "public-read")
	keepFlipping(t, func() {
		put("THE OWNER'S SECRET", "private")
		put("public", "public-read")
	})
	n := 3000
	if testing.Short() {
		n = 800
	}
	refused, public, leaked := 0, 0, 0
	for range n {
		res := f.do(t, sec34Other(raw{method: "PUT", path: "/dst37/obj?partNumber=1&uploadId=" + upload,
			header: hdr("X-Amz-Copy-Source", "/src37/k", "X-Amz-Copy-Source-Range", "bytes=0-99")}))
		switch {
		case res.StatusCode == http.StatusForbidden:
			refused++
		case res.StatusCode == http.StatusBadRequest && strings.Contains(string(res.body), "object of size: 6<"):
			public++
		case res.StatusCode == http.StatusBadRequest && strings.Contains(string(res.body), "object of size: 18<"):
			leaked++
		default:
			t.Fatalf("status %d: %s", res.StatusCode, res.body)
		}
	}
	t.Logf("%d refused, %d told the public source's size, %d the private one's", refused, public, leaked)
	assert.Positive(t, public)
	assert.Zero(t, leaked, "the private source's size was told")
}

// TestRev37ArchivedTargetDecidedBeforeItsState: reads of an OSS
// symlink whose target is archived (not restored) refused with the
// target's state after deciding only the link: S3 SelectObjectContent
// (UnsupportedStorageClass for GLACIER, naming the class), OSS
// SelectObject and OSS image processing (GET with x-oss-process, POST
// ProcessObject: InvalidObjectState), which told a caller who may read
// the link but not its target that the target exists and is archived.
// The GET decides the target first since the thirty-sixth session
// (TestLink36bArchivedTargetDecidedBeforeItsState); these now do too
// (decideArchived). A readable archived target keeps its answer.
func TestRev37ArchivedTargetDecidedBeforeItsState(t *testing.T) {
	f, _ := linkFixture(t, "lnk37", "a,b\n1,2\n", "GLACIER")
	reads := []struct {
		name  string
		q     func(key string) raw
		state string // the readable target's refusal
	}{
		{"S3 SelectObjectContent", func(key string) raw {
			return raw{method: "POST", path: "/lnk37/" + key + "?select&select-type=2",
				body: []byte(`<SelectObjectContentRequest><Expression>SELECT * FROM S3Object</Expression>` +
					`<ExpressionType>SQL</ExpressionType><InputSerialization><CSV/></InputSerialization><OutputSerialization><CSV/></OutputSerialization></SelectObjectContentRequest>`)}
		}, "UnsupportedStorageClass"},
		{"OSS SelectObject", func(key string) raw {
			return raw{method: "POST", path: "/lnk37/" + key + "?x-oss-process=csv/select", sign: "oss-v1",
				body: []byte(`<SelectRequest><Expression>U0VMRUNUICogRlJPTSBvc3NvYmplY3Q=</Expression><InputSerialization><CSV/></InputSerialization><OutputSerialization><CSV/></OutputSerialization></SelectRequest>`)}
		}, "InvalidObjectState"},
		{"OSS GET image/info", func(key string) raw {
			return raw{method: "GET", path: "/lnk37/" + key + "?x-oss-process=image/info", sign: "oss-v1"}
		}, "InvalidObjectState"},
		{"OSS ProcessObject", func(key string) raw {
			return raw{method: "POST", path: "/lnk37/" + key + "?x-oss-process", sign: "oss-v1", body: []byte("x-oss-process=image/resize,w_10")}
		}, "InvalidObjectState"},
	}
	for _, r := range reads {
		res := f.do(t, sec34Other(r.q("link")))
		assert.Equal(t, http.StatusForbidden, res.StatusCode, "%s: %s", r.name, res.body)
		assert.Equal(t, "AccessDenied", res.errCode(), "%s: %s", r.name, res.body)
		res = f.do(t, sec34Other(r.q("publink")))
		assert.Equal(t, r.state, res.errCode(), "%s: the readable target's state: %s", r.name, res.body)
	}
}

// TestRev37SelectMetaArchivedTargetDecided: OSS CreateSelectObjectMeta
// takes a bucket write and the caller's read of the object
// (readFailure answers a failure to open it as the key's GetObject would
// be decided). Through a symlink whose target is archived, the
// failure's InvalidObjectState was answered after deciding only the
// link: a writer of a public-read-write bucket who may read the link but
// not its private target learnt that the target exists and is archived.
// The target's read is decided too; a readable archived target keeps
// InvalidObjectState.
func TestRev37SelectMetaArchivedTargetDecided(t *testing.T) {
	f, _ := linkFixture(t, "lnk37m", "a,b\n1,2\n", "GLACIER")
	must(t, f.do(t, raw{method: "PUT", path: "/lnk37m?acl", header: hdr("X-Amz-Acl", "public-read-write")}).errOrNil())
	meta := func(key string) rawResponse {
		return f.do(t, sec34Other(raw{method: "POST", path: "/lnk37m/" + key + "?x-oss-process=csv/meta", sign: "oss-v1",
			body: []byte("<CsvMetaRequest><InputSerialization><CSV></CSV></InputSerialization></CsvMetaRequest>")}))
	}
	res := meta("link")
	assert.Equal(t, http.StatusForbidden, res.StatusCode, "%s", res.body)
	assert.Equal(t, "AccessDenied", res.errCode(), "%s", res.body)
	res = meta("publink")
	assert.Equal(t, "InvalidObjectState", res.errCode(), "the readable target's state: %s", res.body)
}
