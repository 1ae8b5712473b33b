package sigv4

import (
	"math/rand/v2"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCanonicalQueryOrder: parameters sort by encoded name, then encoded
// value, as the sort.Slice they were sorted with before, for random
// names and values with repeats; an empty query allocates nothing.
func TestCanonicalQueryOrder(t *testing.T) {
	ref := func(ps []queryParam) string {
		var enc []string
		var pairs []queryParam
		for _, p := range ps {
			pairs = append(pairs, queryParam{UriEncode(p.name, true), UriEncode(p.value, true)})
		}
		sort.Slice(pairs, func(i, j int) bool {
			if pairs[i].name != pairs[j].name {
				return pairs[i].name < pairs[j].name
			}
			return pairs[i].value < pairs[j].value
		})
		for _, p := range pairs {
			enc = append(enc, p.name+"="+p.value)
		}
		return strings.Join(enc, "&")
	}
	r := rand.New(rand.NewPCG(39, 39))
	alphabet := []string{"a", "B", "-", "_", "~", " ", "/", "é", "=", "&", ""}
	word := func() string {
		var b strings.Builder
		for range r.IntN(4) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		return b.String()
	}
	for range 2000 {
		var ps []queryParam
		for range r.IntN(8) {
			ps = append(ps, queryParam{word(), word()})
		}
		require.Equal(t, ref(ps), canonicalQuery(ps, false), "%q", ps)
	}
	require.Equal(t, 0.0, testing.AllocsPerRun(10, func() { canonicalQuery(nil, false) }))
}

// TestCanonicalHost: the host line is r.Host, else the URL's host, and
// costs no slice of its own.
func TestCanonicalHost(t *testing.T) {
	r := httptest.NewRequest("GET", "http://example.com:9000/b/k", nil)
	require.Equal(t, "host:example.com:9000\n", string(appendCanonicalHeaders(nil, r, []string{"host"})))
	r.Host = ""
	require.Equal(t, "host:example.com:9000\n", string(appendCanonicalHeaders(nil, r, []string{"host"})))
	r.Host = "  spaced  "
	require.Equal(t, "host:spaced\n", string(appendCanonicalHeaders(nil, r, []string{"host"})))
	buf := make([]byte, 0, 256)
	require.Equal(t, 0.0, testing.AllocsPerRun(10, func() { appendCanonicalHeaders(buf[:0], r, []string{"host"}) }))
}
