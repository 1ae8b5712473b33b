package httpapi

import (
	"strings"
	"testing"

	"github.com/osslite/osslite/pkg/ossauth"
)

// TestOSSRoutesSignTheirSubresources: OSS signatures v1 and v2 cover only
// the sub-resources of OSS's signing list, so every sub-resource an OSS
// route names must be on it, or the route must say it may go unsigned
// (route.unsignedOK: DescribeRegions' ?regions); authenticateOSS refuses
// the rest rather than let an appended parameter change the operation.
func TestOSSRoutesSignTheirSubresources(t *testing.T) {
	for _, rt := range routes {
		if !rt.servedBy(oss) || rt.unsignedOK {
			continue
		}
		for _, p := range rt.params {
			name, _, _ := strings.Cut(p, "=")
			if oss.subresources[name] && !ossauth.IsSubResource(name) {
				t.Errorf("%s names ?%s, which signature v1 does not cover", rt.op, name)
			}
		}
	}
}
