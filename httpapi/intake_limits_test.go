package httpapi_test

import (
	"context"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
)

// Request intake limits found by a security review: each test fails
// without its limit.

// TestPostKeyExpansionBounded: an anonymous form whose key repeats
// ${filename} under a long file name is refused as KeyTooLongError from
// the lengths alone; the key is never made (nor echoed: a 150 KB form
// had been answered with a 244 MB error document).
func TestPostKeyExpansionBounded(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.eng.CreateBucket(context.Background(), "private", engine.BucketOptions{}))
	key := strings.Repeat("${filename}", 1800)
	resp := f.post(t, "/private", "", multipartForm{fields: []field{{"key", key}}, filename: strings.Repeat("n", 4<<10), content: "x"})
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	require.Equal(t, "KeyTooLongError", resp.errCode())
	require.Less(t, len(resp.body), 4<<10, "the answer names no expanded key")
	require.Contains(t, string(resp.body), "<Size>7372800</Size>")
}

// TestDocumentDepthBounded: request documents nested deeper than 64
// elements are MalformedXML, whole (configurations, through readBody)
// or streamed (DeleteObjects), and change nothing; encoding/xml keeps a
// stack entry per open element, so 8 MiB of <a> had cost 300 MB.
func TestDocumentDepthBounded(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	must(t, f.eng.CreateBucket(ctx, "deep", engine.BucketOptions{}))
	r := f.do(t, raw{method: "PUT", path: "/deep/k", body: []byte("v")})
	require.Equal(t, http.StatusOK, r.StatusCode)
	nest := func(n int) string { return strings.Repeat("<a>", n) + strings.Repeat("</a>", n) }

	for _, depth := range []int{10, 100} {
		del := "<Delete><Quiet>true</Quiet><x>" + nest(depth) + "</x><Object><Key>k</Key></Object></Delete>"
		r = f.do(t, raw{method: "POST", path: "/deep?delete", body: []byte(del), header: hdr("Content-MD5", md5b64([]byte(del)))})
		tags := "<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet><x>" + nest(depth) + "</x></Tagging>"
		rt := f.do(t, raw{method: "PUT", path: "/deep?tagging", body: []byte(tags), header: hdr("Content-MD5", md5b64([]byte(tags)))})
		if depth == 10 {
			require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
			// Past the depth bound, the tagging document is refused for
			// its element x, which is not S3's (checkElements).
			require.Equal(t, http.StatusBadRequest, rt.StatusCode, string(rt.body))
			require.Contains(t, string(rt.body), "x is not an element of Tagging")
			_, err := f.eng.PutObject(ctx, "deep", "k", strings.NewReader("v"), 1, engine.PutOptions{})
			must(t, err)
			continue
		}
		require.Equal(t, http.StatusBadRequest, r.StatusCode, string(r.body))
		require.Equal(t, "MalformedXML", r.errCode())
		require.Equal(t, http.StatusBadRequest, rt.StatusCode, string(rt.body))
		require.Equal(t, "MalformedXML", rt.errCode())
		require.Contains(t, string(rt.body), "deeper than")
	}
	_, err := f.eng.HeadObject(ctx, "deep", "k")
	require.NoError(t, err, "the refused DeleteObjects deleted nothing")
}

// TestSinaCompleteListBounded: a Sina part list longer than the most
// parts is refused as it reaches one part more, not decoded whole (an
// 8 MiB list of {} had allocated 400 MB).
func TestSinaCompleteListBounded(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	must(t, f.eng.CreateBucket(ctx, "sinabk", engine.BucketOptions{}))
	id, err := f.eng.CreateMultipartUpload(ctx, "sinabk", "obj", engine.PutOptions{})
	require.NoError(t, err)
	body := []byte("[" + strings.Repeat("{},", 2<<20) + "{}]") // 6 MiB, two million parts
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r := f.do(t, raw{method: "POST", path: "/sinabk/obj?uploadId=" + id + "&formatter=json", sign: "sina", body: body})
	runtime.ReadMemStats(&after)
	require.Equal(t, http.StatusBadRequest, r.StatusCode, string(r.body))
	require.Contains(t, string(r.body), "At most")
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(100<<20), "bytes allocated serving it")
}

// TestAnonymousCapNotBypassed: a request without credentials that looks
// signed (a query parameter ending in signature, an Authorization header
// naming no scheme) is held to Config.MaxAnonymousRequests once its
// credentials are read.
func TestAnonymousCapNotBypassed(t *testing.T) {
	hold, held := make(chan struct{}), make(chan struct{})
	var once sync.Once
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{
		httpapi.WithRequestLimits(100, 1),
		httpapi.WithInterceptor(func(w http.ResponseWriter, r *http.Request, op httpapi.Op) bool {
			if op.Key == "hold" {
				once.Do(func() { close(held) })
				<-hold
			}
			return false
		}),
	}})
	must(t, f.eng.CreateBucket(context.Background(), "capped", engine.BucketOptions{}))
	var release sync.Once
	t.Cleanup(func() { release.Do(func() { close(hold) }) }) // before the server closes, should the test fail
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.do(t, raw{method: "GET", path: "/capped/hold", sign: "anon"})
	}()
	<-held // the one anonymous admission is taken

	r := f.do(t, raw{method: "GET", path: "/capped/x", sign: "anon"})
	require.Equal(t, http.StatusServiceUnavailable, r.StatusCode)
	r = f.do(t, raw{method: "GET", path: "/capped/x?nosignature=", sign: "anon"})
	require.Equal(t, http.StatusServiceUnavailable, r.StatusCode, string(r.body))
	require.Equal(t, "SlowDown", r.errCode())
	r = f.do(t, raw{method: "GET", path: "/capped/x", sign: "v4"}) // signed requests go on
	require.Equal(t, http.StatusNotFound, r.StatusCode, string(r.body))
	release.Do(func() { close(hold) })
	<-done
	r = f.do(t, raw{method: "GET", path: "/capped/x?nosignature=", sign: "anon"})
	require.Equal(t, http.StatusForbidden, r.StatusCode, string(r.body))
}

// TestPostRepeatedFieldsLinear: a form's repeated fields are joined once,
// not at each repeat (9,000 repeats in a form of 1 MiB had allocated 107
// MB; now under 50 MB with the race detector on).
func TestPostRepeatedFieldsLinear(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.eng.CreateBucket(context.Background(), "forms", engine.BucketOptions{}))
	fields := make([]field, 9000)
	for i := range fields {
		fields[i] = field{"name", "a"}
	}
	fields = append(fields, field{"key", "k"})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	resp := f.post(t, "/forms", "", multipartForm{fields: fields, content: "x"})
	runtime.ReadMemStats(&after)
	require.Equal(t, http.StatusForbidden, resp.StatusCode, string(resp.body)) // anonymous, private bucket
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(70<<20), "bytes allocated serving it")
}
