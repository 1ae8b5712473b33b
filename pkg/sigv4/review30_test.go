package sigv4

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestQueryHeadersCaseVariantsDeterministic: a presigned URL carrying a
// signed header's parameter in two spellings (X-Amz-Meta-A and
// x-amz-meta-a) reads their values in one order, the parameters' sorted
// order (as the canonical query lists them), every time: read in map
// order, the same URL verified or failed at random, and the header the
// request went on with changed order between requests.
func TestQueryHeadersCaseVariantsDeterministic(t *testing.T) {
	now := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	ts, date := now.Format(TimeFormat), now.Format("20060102")
	q := "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + exampleAKID + "%2F" + date + "%2Fus-east-1%2Fs3%2Faws4_request" +
		"&X-Amz-Date=" + ts + "&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-amz-meta-a" +
		"&x-amz-meta-a=2&X-Amz-Meta-A=1&x-amz-meta-a=3"
	signer := httptest.NewRequest("PUT", "http://s3.local/bucket/key?"+q, nil)
	signer.Header.Set("X-Amz-Meta-A", "1,2,3")
	cr := CanonicalRequest(signer, []string{"host", "x-amz-meta-a"}, UnsignedPayload, true)
	sig := Signature(SigningKey(exampleSecret, date, "us-east-1", "s3"), StringToSign(cr, ts, Scope{Date: date, Region: "us-east-1", Service: "s3"}))
	for i := 0; i < 64; i++ {
		r := httptest.NewRequest("PUT", "http://s3.local/bucket/key?"+q+"&X-Amz-Signature="+sig, nil)
		res, err := Verify(r, exampleSecrets, now, VerifyOptions{})
		require.NoError(t, err, "attempt %d", i)
		require.Equal(t, []string{"1", "2", "3"}, res.QueryHeaders["X-Amz-Meta-A"], "attempt %d", i)
	}
}

// TestQueryHeadersIsNotQuadratic: queryHeaders runs before the
// signature is checked (an access key ID is all a caller needs) and
// looked for each signed x-amz-* name the request does not send by a
// pass over every query parameter: a URL within osslite's 1 MiB request
// head listing 60,000 such names beside 9,000 parameters (Go parses at
// most 10,000) was half a billion comparisons, seconds of CPU per
// request. The parameters are grouped by folded name once.
func TestQueryHeadersIsNotQuadratic(t *testing.T) {
	var q strings.Builder
	signed := make([]string, 60000)
	for i := range signed {
		signed[i] = fmt.Sprintf("x-amz-a%05d", i)
	}
	for i := range 9000 {
		fmt.Fprintf(&q, "x-amz-b%05d=&", i)
	}
	q.WriteString("X-Amz-A00007=v&x-amz-a00007=w")
	r := httptest.NewRequest("GET", "/b/k?"+q.String(), nil)
	start := time.Now()
	h := queryHeaders(r, signed)
	require.Less(t, time.Since(start), time.Second)
	require.Equal(t, http.Header{"X-Amz-A00007": {"v", "w"}}, h)
}
