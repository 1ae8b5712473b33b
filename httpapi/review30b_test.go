package httpapi_test

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReview30bPresignedStreamingHeader: the holder of a presigned PUT
// that signs a body checksum (x-amz-checksum-sha256, read from the query)
// and the decoded length cannot store another body of that length by
// sending it aws-chunked with an x-amz-content-sha256 streaming header
// and a trailer checksum of its own: with an X-Amz-Content-Sha256
// parameter the trailer meets the signed checksum (InvalidRequest) or
// the signed streaming mode needs a header-signed seed; without one the
// header is the payload line and fails the signature (0c82097).
func TestReview30bPresignedStreamingHeader(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "probe")
	good, forged := []byte("the signed body"), []byte("forged byholder")
	gs, fs := sha256.Sum256(good), sha256.Sum256(forged)
	goodB64, forgedB64 := base64.StdEncoding.EncodeToString(gs[:]), base64.StdEncoding.EncodeToString(fs[:])
	for i, extra := range []string{"&X-Amz-Content-Sha256=UNSIGNED-PAYLOAD", ""} {
		for j, mode := range []string{"STREAMING-UNSIGNED-PAYLOAD-TRAILER", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"} {
			key := fmt.Sprintf("obj%d%d", i, j)
			uri := presignWithQueryHeaders(t, f, "PUT", "/probe/"+key,
				http.Header{"X-Amz-Checksum-Sha256": {goodB64}, "X-Amz-Decoded-Content-Length": {strconv.Itoa(len(good))}},
				"&x-amz-checksum-sha256="+url.QueryEscape(goodB64)+extra)
			body := fmt.Sprintf("%x\r\n%s\r\n0\r\nx-amz-checksum-sha256:%s\r\n\r\n", len(forged), forged, forgedB64)
			h := http.Header{"X-Amz-Content-Sha256": {mode}, "X-Amz-Trailer": {"x-amz-checksum-sha256"},
				"X-Amz-Decoded-Content-Length": {strconv.Itoa(len(forged))}, "Content-Encoding": {"aws-chunked"}}
			r := f.do(t, raw{method: "PUT", path: uri, header: h, body: []byte(body), sign: "anon"})
			assert.NotEqual(t, 200, r.StatusCode, "%q %s: %s", extra, mode, r.body)
			got := f.do(t, raw{method: "GET", path: "/probe/" + key})
			assert.Equal(t, 404, got.StatusCode, "%q %s: the holder's body was stored", extra, mode)
		}
	}
}

// TestReview30bLifecycleZeroDaysEdges: a Transition with Days 0 is still
// one action time (Days 0 beside a Date is refused), and Days 0 is only
// for Transition: a NoncurrentVersionTransition keeps a positive
// NoncurrentDays, and "-0" is no Days 0. Refusals leave the stored
// configuration as it was.
func TestReview30bLifecycleZeroDaysEdges(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "plc")
	put := func(rule string) rawResponse {
		return f.do(t, raw{method: "PUT", path: "/plc?lifecycle", body: []byte(`<LifecycleConfiguration><Rule><Status>Enabled</Status><Filter><Prefix></Prefix></Filter>` + rule + `</Rule></LifecycleConfiguration>`)})
	}
	ok := `<Transition><Days>0</Days><StorageClass>GLACIER</StorageClass></Transition><Expiration><Days>1</Days></Expiration>`
	require.Equal(t, 200, put(ok).StatusCode)
	for _, rule := range []string{
		`<Transition><Days>0</Days><Date>2030-01-01T00:00:00Z</Date><StorageClass>GLACIER</StorageClass></Transition>`,
		`<NoncurrentVersionTransition><NoncurrentDays>0</NoncurrentDays><StorageClass>STANDARD_IA</StorageClass></NoncurrentVersionTransition>`,
		`<Transition><Days>-0</Days><StorageClass>GLACIER</StorageClass></Transition>`,
		`<Transition><Days>0</Days><StorageClass>ONEZONE_IA</StorageClass></Transition>`,
	} {
		r := put(rule)
		assert.Equal(t, 400, r.StatusCode, "%s: %s", rule, r.body)
		assert.Equal(t, "InvalidArgument", r.errCode(), rule)
	}
	g := f.do(t, raw{method: "GET", path: "/plc?lifecycle"})
	assert.Contains(t, string(g.body), "<Transition><Days>0</Days><StorageClass>GLACIER</StorageClass></Transition><Expiration><Days>1</Days></Expiration>")
}
