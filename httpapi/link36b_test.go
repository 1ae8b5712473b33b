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

// TestLink36bArchivedTargetDecidedBeforeItsState: a GET through an OSS
// symlink whose target is archived and not restored was refused with
// InvalidObjectState before the target was decided, telling a caller
// who may read the link but not the target that the target exists and
// is archived. The target is decided first now, as for a HEAD: 403
// AccessDenied; a caller who may read it still learns its state.
func TestLink36bArchivedTargetDecidedBeforeItsState(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	must(t, f.do(t, raw{method: "PUT", path: "/lnk36b"}).errOrNil())
	for link, target := range map[string]string{"link": "secret", "publink": "public"} {
		_, err := f.eng.PutSymlink(ctx, "lnk36b", link, target, engine.PutOptions{ACL: engine.ACL{Canned: "public-read"},
			Owner: canonicalID(testAK), Dialect: engine.DialectOSS})
		require.NoError(t, err)
	}
	for key, canned := range map[string]string{"secret": "private", "public": "public-read"} {
		_, err := f.eng.PutObject(ctx, "lnk36b", key, strings.NewReader("archived"), 8,
			engine.PutOptions{ACL: engine.ACL{Canned: canned}, Owner: canonicalID(testAK), Dialect: engine.DialectOSS, StorageClass: "GLACIER"})
		require.NoError(t, err)
	}
	for _, sign := range []string{"oss-v1", ""} {
		res := f.do(t, raw{method: "GET", path: "/lnk36b/link", sign: sign, ak: otherAK, sk: otherSK})
		assert.Equal(t, http.StatusForbidden, res.StatusCode, "%q: %s", sign, res.body)
		assert.Contains(t, string(res.body), "AccessDenied", "%q", sign)
		assert.NotContains(t, string(res.body), "InvalidObjectState", "%q", sign)
		res = f.do(t, raw{method: "GET", path: "/lnk36b/publink", sign: sign, ak: otherAK, sk: otherSK})
		assert.Equal(t, http.StatusForbidden, res.StatusCode, "%q: %s", sign, res.body)
		assert.Contains(t, string(res.body), "InvalidObjectState", "%q: the readable target's state", sign)
	}
}
