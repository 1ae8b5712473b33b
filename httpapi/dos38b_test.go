package httpapi_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDos38bPostTypeConditionsAreLinear: each starts-with condition on
// Content-Type split the form's whole list of types again, so a policy
// of 20 KiB (400 such conditions, the most a policy field holds) over a
// form of a MiB of types ("a,a,a,...", 48 fields of 20 KiB, joined) took
// 3 s and 400 slices of half a million strings per anonymous POST. The
// prefix the types share is now found once and each condition reads it:
// 20 ms. The form is refused later for its stored headers, as before.
func TestDos38bPostTypeConditionsAreLinear(t *testing.T) {
	f, _ := newPostFixture(t)
	now := f.clock.Now()
	conds := append(v4Conds(now), map[string]string{"bucket": "forms"}, []any{"starts-with", "$key", ""})
	for range 400 {
		conds = append(conds, []any{"starts-with", "$Content-Type", "a"})
	}
	policy := policyDoc(t, now.Add(time.Hour), conds...)
	require.Less(t, len(policy), 20<<10, "within the policy field's bound")
	fields := append([]field{{"key", "k"}}, v4Form(now, policy)...)
	types := strings.TrimSuffix(strings.Repeat("a,", 10<<10), ",")
	for range 48 {
		fields = append(fields, field{"Content-Type", types})
	}
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, x := range fields {
		require.NoError(t, mw.WriteField(x.name, x.value))
	}
	require.NoError(t, mw.WriteField("file", "x"))
	require.NoError(t, mw.Close())
	require.Less(t, b.Len(), 1<<20+64<<10)

	start := time.Now()
	r := f.do(t, raw{method: http.MethodPost, path: "/forms", body: b.Bytes(), sign: "anon", header: hdr("Content-Type", mw.FormDataContentType())})
	elapsed := time.Since(start)
	require.Equal(t, 400, r.StatusCode, string(r.body))
	assert.Equal(t, "MetadataTooLarge", r.errCode(), "the policy held; the headers are too large to keep")
	assert.Less(t, elapsed, time.Second)
}
