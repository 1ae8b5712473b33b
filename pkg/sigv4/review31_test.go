package sigv4

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReview31WithoutEmptyNamesAllocations: leaving empty-named
// parameters out of a query that has none (every presigned URL S3's SDKs
// make) costs no allocation in verification; one that has some still
// drops them.
func TestReview31WithoutEmptyNamesAllocations(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts differ under -race")
	}
	ps := parseQuery("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a%2Fb&X-Amz-Date=20240601T120000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&x-id=GetObject", true)
	var got []queryParam
	allocs := testing.AllocsPerRun(100, func() { got = withoutEmptyNames(ps) })
	require.Equal(t, 0.0, allocs)
	require.Len(t, got, len(ps))
	got = withoutEmptyNames(parseQuery("a=1&=x&b=2&=", true))
	require.Equal(t, []queryParam{{"a", "1"}, {"b", "2"}}, got)
}
