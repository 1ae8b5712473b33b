package httpapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
	"github.com/osslite/osslite/pkg/checksum"
	"github.com/osslite/osslite/pkg/ossauth"
	"github.com/osslite/osslite/pkg/sigv4"
)

// handlerBench is the handler alone, without a client or a socket: a
// request signed once is replayed, so what is measured is the server's
// work per request (signature verification included).
type handlerBench struct {
	h    http.Handler
	now  time.Time
	body []byte
	eng  *engine.Engine
	// uploadID is the upload of bench-mpu/dir/upload-0000 with 1000
	// parts, once seedUploads made it.
	uploadID string
}

func newHandlerBench(tb testing.TB) *handlerBench {
	now := time.Now().UTC()
	eng, err := engine.Open("", &engine.Options{Clock: &testClock{fixed: now}})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { eng.Close() })
	must(tb, eng.CreateBucket(context.Background(), "bench", engine.BucketOptions{}))
	hb := &handlerBench{h: httpapi.New(eng, httpapi.WithCredentials(testCreds)), now: now, body: pattern(4 << 10), eng: eng}
	rec := hb.serve(tb, hb.signed(tb, "PUT", "/bench/obj", hb.body))
	if rec.Code != 200 {
		tb.Fatalf("seed: %d %s", rec.Code, rec.Body)
	}
	// A second bucket of 1000 small objects for full list pages, each with
	// the CRC64NVME checksum S3 stores by default.
	must(tb, eng.CreateBucket(context.Background(), "bench-list", engine.BucketOptions{}))
	for i := range 1000 {
		_, err := eng.PutObject(context.Background(), "bench-list", fmt.Sprintf("dir/object-%04d.txt", i), bytes.NewReader([]byte("x")), 1,
			engine.PutOptions{Checksum: &engine.ChecksumInput{Algorithm: checksum.CRC64NVME}})
		must(tb, err)
	}
	return hb
}

// signed returns a signing of method path with body, to replay.
func (hb *handlerBench) signed(tb testing.TB, method, path string, body []byte) *http.Request {
	return hb.signedWith(tb, method, path, body, nil)
}

// signedWith is signed with headers set before signing.
func (hb *handlerBench) signedWith(tb testing.TB, method, path string, body []byte, headers map[string]string) *http.Request {
	req := httptest.NewRequest(method, "http://127.0.0.1:9000"+path, bytes.NewReader(body))
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	sum := sha256.Sum256(body)
	if _, err := sigv4.SignRequest(req, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "us-east-1", "s3", hb.now, hex.EncodeToString(sum[:])); err != nil {
		tb.Fatal(err)
	}
	return req
}

// seedUploads makes, once, a third bucket of 1000 multipart uploads, the
// first of 1000 parts, for ListMultipartUploads and ListParts pages. Only
// their cases make it: a larger store would change what the other cases
// measure (pebble's memtable).
func (hb *handlerBench) seedUploads(tb testing.TB) {
	if hb.uploadID != "" {
		return
	}
	must(tb, hb.eng.CreateBucket(context.Background(), "bench-mpu", engine.BucketOptions{}))
	var first string
	for i := range 1000 {
		id, err := hb.eng.CreateMultipartUpload(context.Background(), "bench-mpu", fmt.Sprintf("dir/upload-%04d", i), engine.PutOptions{})
		must(tb, err)
		if i == 0 {
			first = id
		}
	}
	for n := 1; n <= 1000; n++ {
		_, err := hb.eng.UploadPart(context.Background(), "bench-mpu", "dir/upload-0000", first, n, bytes.NewReader([]byte("x")), 1, engine.PartOptions{})
		must(tb, err)
	}
	hb.uploadID = first
}

// signedOSS is signed with OSS's v1 signature, path-style.
func (hb *handlerBench) signedOSS(tb testing.TB, method, path string) *http.Request {
	req := httptest.NewRequest(method, "http://127.0.0.1:9000"+path, nil)
	b, k, _ := strings.Cut(strings.TrimPrefix(req.URL.Path, "/"), "/")
	ossauth.SignRequestV1(req, ossauth.Resource{Bucket: b, Key: k}, ossauth.Credentials{AccessKeyID: testAK, AccessKeySecret: testSK}, hb.now)
	return req
}

// serve replays req (with a fresh body) and returns the response.
func (hb *handlerBench) serve(tb testing.TB, req *http.Request) *httptest.ResponseRecorder {
	r := req.Clone(context.Background())
	if req.Method == "PUT" {
		r.Body = readCloser{bytes.NewReader(hb.body)}
	} else {
		r.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	hb.h.ServeHTTP(rec, r)
	return rec
}

// BenchmarkHandler measures the server's CPU and allocations per request
// for small objects (4 KiB), excluding client and network.
func BenchmarkHandler(b *testing.B) {
	hb := newHandlerBench(b)
	for _, tc := range []struct {
		name, method, path string
		oss                bool // signed as OSS (v1), else SigV4
		uploads            bool // on seedUploads' bucket (UPLOAD in path: its upload ID)
	}{
		{"PUT4KiB", "PUT", "/bench/obj", false, false},
		{"GET4KiB", "GET", "/bench/obj", false, false},
		{"HEAD", "HEAD", "/bench/obj", false, false},
		{"LIST", "GET", "/bench?list-type=2", false, false},
		{"LIST1000", "GET", "/bench-list?list-type=2", false, false},
		{"LIST1000V1", "GET", "/bench-list", false, false},
		{"VERSIONS1000", "GET", "/bench-list?versions", false, false},
		{"OSSLIST1000", "GET", "/bench-list?max-keys=1000", true, false},
		{"OSSLIST1000V2", "GET", "/bench-list?list-type=2&max-keys=1000", true, false},
		{"UPLOADS1000", "GET", "/bench-mpu?uploads", false, true},
		{"PARTS1000", "GET", "/bench-mpu/dir/upload-0000?uploadId=UPLOAD", false, true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var body []byte
			if tc.method == "PUT" {
				body = hb.body
			}
			path := tc.path
			if tc.uploads {
				hb.seedUploads(b)
				path = strings.Replace(path, "UPLOAD", hb.uploadID, 1)
			}
			req := hb.signed(b, tc.method, path, body)
			if tc.oss {
				req = hb.signedOSS(b, tc.method, path)
			}
			b.ReportAllocs()
			for b.Loop() {
				if rec := hb.serve(b, req); rec.Code != 200 {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

// TestAllocationBudget keeps the small-object hot paths from growing
// allocations unnoticed: each request kind has a budget a little above
// what it costs today (measure with BenchmarkHandler). Raise a budget only
// with a reason in the commit.
func TestAllocationBudget(t *testing.T) {
	if testing.Short() || httpapi.RaceEnabled {
		t.Skip("allocation counts differ under -race")
	}
	hb := newHandlerBench(t)
	for _, tc := range []struct {
		name, method, path string
		budget             float64
	}{
		{"PUT 4 KiB", "PUT", "/bench/obj", 46},
		{"GET 4 KiB", "GET", "/bench/obj", 50},
		{"HEAD", "HEAD", "/bench/obj", 44},
		{"LIST", "GET", "/bench?list-type=2", 83},
		// None per key: keys and ETags are carved from a few shared
		// blocks (the engine's stringArena), owner, content type,
		// checksum algorithm and type repeat and are shared, the rest is
		// written straight into a pooled document buffer.
		{"LIST of 1000 keys", "GET", "/bench-list?list-type=2", 86},
		// None per version either, as for ListObjects: keys, ETags and
		// version IDs from the engine's stringArena, each version
		// written straight from its record (versionEntries).
		{"ListObjectVersions of 1000 keys", "GET", "/bench-list?versions", 82},
	} {
		var body []byte
		if tc.method == "PUT" {
			body = hb.body
		}
		req := hb.signed(t, tc.method, tc.path, body)
		allocs := testing.AllocsPerRun(50, func() {
			if rec := hb.serve(t, req); rec.Code != 200 {
				t.Fatalf("%s: %d %s", tc.name, rec.Code, rec.Body)
			}
		})
		t.Logf("%s: %.0f allocations (budget %.0f)", tc.name, allocs, tc.budget)
		if allocs > tc.budget {
			t.Errorf("%s: %.0f allocations per request, budget %.0f", tc.name, allocs, tc.budget)
		}
	}
}
