package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/osslite/osslite/engine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRev38HeadArchivedAnswersTheObjectJudged: a HEAD of an archived
// object that is not restored judges its conditions on the object its
// read opened (rev37b) and must answer that object's headers. It read
// the key a second time (decideArchived) and answered whatever was
// there then: with the key flipping between an archived object and a
// STANDARD one, a HEAD with If-Match naming the archived one's ETag
// was answered 200 with the other's ETag and class.
func TestRev38HeadArchivedAnswersTheObjectJudged(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	must(t, f.do(t, raw{method: "PUT", path: "/arch38"}).errOrNil())
	put := func(body, class string) engine.ObjectInfo {
		info, err := f.eng.PutObject(ctx, "arch38", "k", strings.NewReader(body), int64(len(body)),
			engine.PutOptions{StorageClass: class, Owner: canonicalID(testAK), Dialect: engine.DialectS3})
		require.NoError(t, err)
		return info
	}
	archived := put("tape", "GLACIER")
	etag := `"` + archived.ETag + `"`
	keepFlipping(t, func() {
		put("disk", "STANDARD")
		put("tape", "GLACIER")
	})
	n := 3000
	if testing.Short() {
		n = 800
	}
	judged, failed, other := 0, 0, 0
	for range n {
		res := f.do(t, raw{method: "HEAD", path: "/arch38/k", header: hdr("If-Match", etag)})
		switch {
		case res.StatusCode == http.StatusPreconditionFailed:
			failed++
		case res.StatusCode == http.StatusOK && res.Header.Get("ETag") == etag:
			judged++
		case res.StatusCode == http.StatusOK:
			other++
		default:
			t.Fatalf("status %d: %v", res.StatusCode, res.Header)
		}
	}
	t.Logf("%d answered the archived object, %d refused (412), %d answered another object", judged, failed, other)
	assert.Positive(t, judged)
	assert.Zero(t, other, "an If-Match judged on one object answered 200 with another's ETag")
}
