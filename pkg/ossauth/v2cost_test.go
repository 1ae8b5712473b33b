package ossauth

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestV2AdditionalHeadersAreLookedUp: each header of a v2 request was
// looked for in AdditionalHeaders by a scan; 50,000 headers against as
// many names (an OSS request may carry a MiB of headers) were over a
// billion comparisons. They are a set.
func TestV2AdditionalHeadersAreLookedUp(t *testing.T) {
	r := httptest.NewRequest("GET", "/b/k", nil)
	var names []string
	for i := range 50000 {
		r.Header.Set(fmt.Sprintf("H%06d", i), "v")
		names = append(names, fmt.Sprintf("z%06d", i))
	}
	names = append(names, "h000007")
	start := time.Now()
	sts := StringToSignV2(r, Resource{}, "date", names, false)
	require.Less(t, time.Since(start), time.Second)
	require.Contains(t, sts, "\nh000007:v\n")
	require.NotContains(t, sts, "h000008")
}
