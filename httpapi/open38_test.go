package httpapi_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
)

// TestOpen38OSSAppendACLRacingCreate is TestRev36OSSAppendACLRacingOverwrite
// on a key missing when the append is decided: a bucket writer's first
// append (position 0) with x-oss-object-acl: public-read needs only the
// bucket write, since it creates the object. While its body is on its
// way the bucket owner creates a private, empty appendable object there
// (position 0 equals its length). Before, the append ran without an
// ACLPin and made the owner's object public-read (200, and anyone read
// it); now a missing key pins "nothing there" (as canReadPinned pins a
// missing copy source), and the append, finding an object it did not
// decide on, is refused (409 OperationAborted), changing nothing.
func TestOpen38OSSAppendACLRacingCreate(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	must(t, f.do(t, raw{method: "PUT", path: "/open38ap", header: hdr("X-Amz-Grant-Write", "id="+canonicalID(otherAK))}).errOrNil())
	res := rev36HeldOSSAppend(t, f, "/open38ap/log?append&position=0", "appended", func() {
		_, err := f.eng.AppendObject(ctx, "open38ap", "log", 0, strings.NewReader(""), 0,
			engine.PutOptions{Owner: canonicalID(testAK), Dialect: engine.DialectOSS, ACL: engine.ACL{Canned: "private"}})
		require.NoError(t, err)
	})
	assert.Equal(t, http.StatusConflict, res.status, "the ACL decided on no object, found the owner's: %s", res.body)
	assert.Contains(t, res.body, "<Code>OperationAborted</Code>")
	info, err := f.eng.HeadObject(ctx, "open38ap", "log")
	require.NoError(t, err)
	assert.Equal(t, "private", info.ACL.Canned, "the owner's object keeps its ACL")
	assert.Equal(t, int64(0), info.Size, "nothing appended")
	anon := f.do(t, raw{method: "GET", path: "/open38ap/log", sign: "anon"})
	assert.Equal(t, http.StatusForbidden, anon.StatusCode, "%s", anon.body)

	// Without a race the writer's first append creates its object with the ACL.
	res = rev36HeldOSSAppend(t, f, "/open38ap/new?append&position=0", "appended", func() {})
	assert.Equal(t, http.StatusOK, res.status, "%s", res.body)
	info, err = f.eng.HeadObject(ctx, "open38ap", "new")
	require.NoError(t, err)
	assert.Equal(t, "public-read", info.ACL.Canned)
}

// TestOpen38OSSPartCopyLenientRangeRacingOverwrite: OSS UploadPartCopy
// copies the whole source when x-oss-copy-source-range is invalid for it
// (OSS multipart.md 8.4). The range was chosen on a HeadObjectVersion read
// of the source that the copy was not pinned to (the bucket owner's copy
// was pinned to nothing): a source replaced in between was copied with a
// range chosen on another object, a range past its end refused
// (InvalidRange) where OSS copies the whole, or a valid range ignored.
// The range is now chosen on the source the copy is pinned to, chosen
// again when the copy finds another, and the engine checks the pin before
// it judges the source's state, conditions and range. The owner's source
// flips between 100 and 50 bytes while bytes=60-99 is copied: every part
// is either the 40 bytes of the long source or the whole short one (or
// 409 OperationAborted, the answer to a source that changed three times
// under the copy). Timing-dependent.
func TestOpen38OSSPartCopyLenientRangeRacingOverwrite(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	must(t, f.do(t, raw{method: "PUT", path: "/src38", sign: "oss-v1"}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/dst38", sign: "oss-v1"}).errOrNil())
	up := f.do(t, raw{method: "POST", path: "/dst38/obj?uploads", sign: "oss-v1"})
	must(t, up.errOrNil())
	_, rest, _ := strings.Cut(string(up.body), "<UploadId>")
	upload, _, _ := strings.Cut(rest, "</UploadId>")
	long, short := strings.Repeat("L", 100), strings.Repeat("s", 50)
	put := func(body string) {
		_, err := f.eng.PutObject(ctx, "src38", "k", strings.NewReader(body), int64(len(body)),
			engine.PutOptions{Owner: canonicalID(testAK), Dialect: engine.DialectOSS})
		require.NoError(t, err)
	}
	etag := func(s string) string { sum := md5.Sum([]byte(s)); return strings.ToUpper(hex.EncodeToString(sum[:])) }
	ranged, whole := etag(long[60:]), etag(short)
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
		res := f.do(t, raw{method: "PUT", path: "/dst38/obj?partNumber=1&uploadId=" + upload, sign: "oss-v1",
			header: hdr("X-Oss-Copy-Source", "/src38/k", "X-Oss-Copy-Source-Range", "bytes=60-99")})
		body := strings.ToUpper(string(res.body))
		switch {
		case res.StatusCode == http.StatusOK && strings.Contains(body, ranged):
			counts["range of the long source"]++
		case res.StatusCode == http.StatusOK && strings.Contains(body, whole):
			counts["whole short source"]++
		case res.StatusCode == http.StatusOK:
			counts["another part (the whole long source)"]++
		default:
			counts[res.errCode()]++
		}
	}
	t.Logf("%v", counts)
	assert.Positive(t, counts["range of the long source"])
	assert.Equal(t, n, counts["range of the long source"]+counts["whole short source"]+counts["OperationAborted"], "%v", counts)
}
