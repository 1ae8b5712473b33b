package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestLink36bArchivedTargetDecidedBeforeItsState: a GET through an OSS
// symlink whose target is archived and not restored was refused with
// InvalidObjectState before the target was decided, telling a caller
// who may read the link but not the target that the target exists and
// is archived. The target is decided first now, as for a HEAD: 403
// AccessDenied; a caller who may read it still learns its state.
func TestLink36bArchivedTargetDecidedBeforeItsState(t *testing.T) {
	f, _ := linkFixture(t, "lnk36b", "archived", "GLACIER")
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
