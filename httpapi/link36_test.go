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

// TestLink36ReadsThroughLinkRacingPrivateTarget: a read through an OSS
// symlink serves its target's bytes, size and ETag, so the caller's read
// of the target is decided too (canReadTarget). It was decided on the
// target read again after the body was opened: the bucket owner
// overwriting a public-read target with a private one, and back, while
// others read through a public-read link, had the private target served
// whenever the decision read the public one. Now the decision is made on
// the target the engine opened (engine.ObjectInfo.LinkTarget). Readers:
// anonymous S3 GET and HEAD, and another account's OSS GET and its
// conditional GET (the 304's ETag is the target's). Timing-dependent, as
// TestRev35bWebsiteRedirectRacingPrivateOverwrite.
func TestLink36ReadsThroughLinkRacingPrivateTarget(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	must(t, f.do(t, raw{method: "PUT", path: "/lnk36"}).errOrNil())
	_, err := f.eng.PutSymlink(ctx, "lnk36", "link", "target", engine.PutOptions{ACL: engine.ACL{Canned: "public-read"},
		Owner: canonicalID(testAK), Dialect: engine.DialectOSS})
	require.NoError(t, err)
	put := func(body, canned string) engine.ObjectInfo {
		info, err := f.eng.PutObject(ctx, "lnk36", "target", strings.NewReader(body), int64(len(body)),
			engine.PutOptions{ACL: engine.ACL{Canned: canned}, Owner: canonicalID(testAK), Dialect: engine.DialectOSS})
		require.NoError(t, err)
		return info
	}
	secretETag := put("THE OWNER'S SECRET", "private").ETag
	put("public", "public-read")
	keepFlipping(t, func() {
		put("THE OWNER'S SECRET", "private")
		put("public", "public-read")
	})
	type read struct {
		name string
		q    raw
	}
	reads := []read{
		{"S3 GET (anonymous)", raw{method: "GET", path: "/lnk36/link", sign: "anon"}},
		{"S3 HEAD (anonymous)", raw{method: "HEAD", path: "/lnk36/link", sign: "anon"}},
		{"OSS GET (another account)", raw{method: "GET", path: "/lnk36/link", sign: "oss-v1", ak: otherAK, sk: otherSK}},
		{"OSS conditional GET (another account)", raw{method: "GET", path: "/lnk36/link", sign: "oss-v1", ak: otherAK, sk: otherSK,
			header: hdr("If-None-Match", `"nothing"`, "If-Match", `"`+secretETag+`"`)}},
	}
	n := 4000
	if testing.Short() {
		n = 1000
	}
	served, leaked := map[string]int{}, map[string]int{}
	for i := range n {
		r := reads[i%len(reads)]
		res := f.do(t, r.q)
		switch res.StatusCode {
		case http.StatusOK, http.StatusNotModified:
			served[r.name]++
			if strings.Contains(string(res.body), "SECRET") || strings.Contains(res.Header.Get("ETag"), secretETag) {
				leaked[r.name]++
			}
		case http.StatusForbidden, http.StatusPreconditionFailed:
		default:
			t.Fatalf("%s: status %d: %s", r.name, res.StatusCode, res.body)
		}
	}
	for _, r := range reads {
		t.Logf("%s: %d served, %d of them the private target's", r.name, served[r.name], leaked[r.name])
		assert.Zero(t, leaked[r.name], "%s served the private target through the link", r.name)
	}
	for _, r := range reads[:3] {
		assert.Positive(t, served[r.name], "%s: the public target is served", r.name)
	}
}
