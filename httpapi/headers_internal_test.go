package httpapi

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The headers every response sets skip canonicalization (setHeader): their
// names must already be canonical, or Header.Get would not find them.
func TestResponseHeaderKeysCanonical(t *testing.T) {
	for _, d := range dialects {
		for _, k := range []string{d.requestIDHeader, d.hostIDHeader} {
			if k != "" {
				require.Equal(t, http.CanonicalHeaderKey(k), k, "dialect %s", d.name)
			}
		}
	}
}

func TestSetHeader(t *testing.T) {
	rc := &request{w: &responseWriter{ResponseWriter: httptest.NewRecorder()}}
	for i := range 30 { // past the first backing array
		rc.setHeader("X-Test-"+string(rune('A'+i)), string(rune('a'+i)))
	}
	h := rc.w.Header()
	for i := range 30 {
		require.Equal(t, []string{string(rune('a' + i))}, h["X-Test-"+string(rune('A'+i))])
	}
	// Adding to a value must not write into its neighbour's.
	h.Add("X-Test-A", "second")
	require.Equal(t, []string{"a", "second"}, h.Values("X-Test-A"))
	require.Equal(t, "b", h.Get("X-Test-B"))
}

func TestHostIDOf(t *testing.T) {
	for _, id := range []string{"", "ABCDEF0123456789", string(make([]byte, 200))} {
		require.Equal(t, base64.StdEncoding.EncodeToString([]byte("osslite/"+id)), hostIDOf(id))
	}
}

func TestDateCache(t *testing.T) {
	var c dateCache
	t0 := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	for _, at := range []time.Time{t0, t0.Add(300 * time.Millisecond), t0.Add(time.Second), t0.Add(-time.Hour), t0.In(time.FixedZone("x", 3600))} {
		require.Equal(t, at.UTC().Format(http.TimeFormat), c.format(at))
	}
}
