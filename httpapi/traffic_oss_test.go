package httpapi_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
	"github.com/osslite/osslite/pkg/ossauth"
)

// ossMinTraffic is OSS's lowest x-oss-traffic-limit: 819200 bit/s, 100 KiB/s.
const ossMinTraffic = 819200

// randomBytes returns n random bytes.
func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return b
}

// checkPaced checks that moving n bytes at OSS's lowest limit took at
// least n/rate (the average rate a client measures is within the limit,
// as the SDKs' suites check), and not so long that the unit was misread
// (bytes for bits would be 8 times too slow).
func checkPaced(t *testing.T, n int, took time.Duration) {
	t.Helper()
	nominal := time.Duration(float64(n) / (ossMinTraffic / 8) * float64(time.Second))
	least := nominal * 99 / 100 // float rounding; a wait never ends early
	if took < least || took > 4*nominal {
		t.Fatalf("%d bytes at %d bit/s took %v, want between %v and %v", n, ossMinTraffic, took, least, 4*nominal)
	}
}

// pacedCase is one throttled operation: run moves n bytes at the limit;
// check looks at the result afterwards.
type pacedCase struct {
	name  string
	n     int
	run   func() error
	check func(t *testing.T)
}

// runPaced runs every case's operation at once, each on its own
// connection (whatever -parallel says: the time is spent waiting), then
// checks each in a subtest.
func runPaced(t *testing.T, cases []pacedCase) {
	t.Helper()
	took := make([]time.Duration, len(cases))
	errs := make([]error, len(cases))
	var wg sync.WaitGroup
	for i, c := range cases {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			errs[i] = c.run()
			took[i] = time.Since(start)
		}()
	}
	wg.Wait()
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.NoError(t, errs[i])
			checkPaced(t, c.n, took[i])
			if c.check != nil {
				c.check(t)
			}
		})
	}
}

// TestOSSTrafficLimit: x-oss-traffic-limit (OSS's single-connection
// bandwidth throttling) holds each operation OSS documents it for to the
// rate, in bit/s: the request body of PutObject, AppendObject, UploadPart,
// a signed PUT URL and a POST form's file, the response body of GetObject
// and a signed GET URL, and the answer of CopyObject and UploadPartCopy
// (which move no bytes here) for as long as moving the bytes would take.
// The operations run at once, so the whole takes about two seconds.
func TestOSSTrafficLimit(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	ok(t, c.CreateBucket("traffic"))
	b, err := c.Bucket("traffic")
	ok(t, err)
	big, small := randomBytes(t, 200<<10), randomBytes(t, 100<<10)
	ok(t, b.PutObject("src-big", bytes.NewReader(big)))
	ok(t, b.PutObject("src-small", bytes.NewReader(small)))
	ok(t, b.PutObject("src-signed", bytes.NewReader(small)))
	limit := oss1.TrafficLimitHeader(ossMinTraffic)

	// stored checks an object, read without a limit.
	stored := func(key string, want []byte) func(t *testing.T) {
		return func(t *testing.T) {
			t.Helper()
			r, err := b.GetObject(key)
			ok(t, err)
			defer r.Close()
			got, err := io.ReadAll(r)
			ok(t, err)
			require.True(t, bytes.Equal(got, want), "%s: %d bytes back, want the %d sent", key, len(got), len(want))
		}
	}
	// read reads a body whole into *dst.
	read := func(dst *[]byte, r io.ReadCloser, err error) error {
		if err != nil {
			return err
		}
		defer r.Close()
		*dst, err = io.ReadAll(r)
		return err
	}
	var putHeader http.Header
	var gotBig, gotSigned []byte
	// In a signed URL the limit is a query parameter, signed with it.
	putURL, err := b.SignURL("signed", oss1.HTTPPut, 60, oss1.TrafficLimitParam(ossMinTraffic))
	ok(t, err)
	require.Contains(t, putURL, "x-oss-traffic-limit=819200")
	getURL, err := b.SignURL("src-signed", oss1.HTTPGet, 60, oss1.TrafficLimitParam(ossMinTraffic))
	ok(t, err)
	// A form's limit is a form field.
	policy := policyDoc(t, f.clock.Now().Add(time.Hour), map[string]string{"bucket": "traffic"})
	form, ct := multipartForm{fields: []field{{"key", "posted"}, {"x-oss-traffic-limit", strconv.Itoa(ossMinTraffic)},
		{"OSSAccessKeyId", testAK}, {"policy", policy}, {"Signature", ossauth.SignV1(testSK, policy)}},
		filename: "p.bin", content: string(small)}.encode(t)
	var postStatus int
	// upload sends one part of a new upload of key, then completes it.
	upload := func(key string, send func(up oss1.InitiateMultipartUploadResult) (oss1.UploadPart, error)) func() error {
		return func() error {
			up, err := b.InitiateMultipartUpload(key)
			if err != nil {
				return err
			}
			part, err := send(up)
			if err != nil {
				return err
			}
			_, err = b.CompleteMultipartUpload(up, []oss1.UploadPart{part})
			return err
		}
	}

	runPaced(t, []pacedCase{
		{name: "PutObject", n: len(big),
			run: func() error {
				return b.PutObject("put", bytes.NewReader(big), limit, oss1.GetResponseHeader(&putHeader))
			},
			check: func(t *testing.T) {
				// The v1 SDK reads how long the request was held back
				// (GetQosDelayTime), and its suite checks it is there.
				ms, err := strconv.Atoi(putHeader.Get("X-Oss-Qos-Delay-Time"))
				require.NoError(t, err, "x-oss-qos-delay-time %q", putHeader.Get("X-Oss-Qos-Delay-Time"))
				require.Greater(t, ms, 1000)
				stored("put", big)(t)
			}},
		{name: "GetObject", n: len(big),
			run: func() error {
				r, err := b.GetObject("src-big", limit)
				return read(&gotBig, r, err)
			},
			check: func(t *testing.T) { require.True(t, bytes.Equal(gotBig, big)) }},
		{name: "SignedPut", n: len(small),
			run:   func() error { return b.PutObjectWithURL(putURL, bytes.NewReader(small)) },
			check: stored("signed", small)},
		{name: "SignedGet", n: len(small),
			run: func() error {
				r, err := b.GetObjectWithURL(getURL)
				return read(&gotSigned, r, err)
			},
			check: func(t *testing.T) { require.True(t, bytes.Equal(gotSigned, small)) }},
		{name: "AppendObject", n: len(small),
			run: func() error {
				_, err := b.AppendObject("appended", bytes.NewReader(small), 0, limit)
				return err
			},
			check: stored("appended", small)},
		{name: "UploadPart", n: len(small),
			run: upload("parts", func(up oss1.InitiateMultipartUploadResult) (oss1.UploadPart, error) {
				return b.UploadPart(up, bytes.NewReader(small), int64(len(small)), 1, limit)
			}),
			check: stored("parts", small)},
		{name: "CopyObject", n: len(big),
			run: func() error {
				_, err := b.CopyObject("src-big", "copied", limit)
				return err
			},
			check: stored("copied", big)},
		{name: "UploadPartCopy", n: len(small),
			run: upload("part-copied", func(up oss1.InitiateMultipartUploadResult) (oss1.UploadPart, error) {
				return b.UploadPartCopy(up, "traffic", "src-small", 0, int64(len(small)), 1, limit)
			}),
			check: stored("part-copied", small)},
		{name: "PostObject", n: len(small),
			run: func() error {
				resp, err := f.httpClient().Post(f.srv.URL+"/traffic", ct, bytes.NewReader(form))
				if err != nil {
					return err
				}
				defer resp.Body.Close()
				_, err = io.Copy(io.Discard, resp.Body)
				postStatus = resp.StatusCode
				return err
			},
			check: func(t *testing.T) {
				require.Equal(t, http.StatusNoContent, postStatus)
				stored("posted", small)(t)
			}},
	})
}

// TestOSSTrafficLimitTimeouts: the time a throttled transfer waits is
// the server's, not the client's, so neither the write deadline per MiB
// nor the slow-body guard (Config.WriteTimeout, MinBodyRate) cuts it
// short, however far below them the limit is.
func TestOSSTrafficLimitTimeouts(t *testing.T) {
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{
		httpapi.WithWriteTimeout(300 * time.Millisecond),
		httpapi.WithBodyTimeouts(1<<20, 300*time.Millisecond, 300*time.Millisecond),
	}})
	c := f.ossV1(t, testAK, testSK)
	ok(t, c.CreateBucket("traffic"))
	b, err := c.Bucket("traffic")
	ok(t, err)
	body := randomBytes(t, 100<<10)
	ok(t, b.PutObject("src", bytes.NewReader(body)))
	limit := oss1.TrafficLimitHeader(ossMinTraffic)
	var got []byte
	runPaced(t, []pacedCase{
		{name: "PutObject", n: len(body),
			run: func() error { return b.PutObject("put", bytes.NewReader(body), limit) }},
		{name: "GetObject", n: len(body),
			run: func() error {
				r, err := b.GetObject("src", limit)
				if err != nil {
					return err
				}
				defer r.Close()
				got, err = io.ReadAll(r)
				return err
			},
			check: func(t *testing.T) { require.True(t, bytes.Equal(got, body)) }},
	})
}

// TestOSSTrafficLimitRefused: a limit outside 819200..838860800 bit/s, or
// not a number, is 400 InvalidArgument with EC 0004-00000502, and one
// given both as a header and as a query parameter is EC 0004-00000501
// (OSS's documented ECs); the request changes nothing. The bounds
// themselves are accepted.
func TestOSSTrafficLimitRefused(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	ok(t, c.CreateBucket("traffic"))
	b, err := c.Bucket("traffic")
	ok(t, err)
	ok(t, b.PutObject("there", bytes.NewReader([]byte("kept"))))
	absent := func(t *testing.T, key string) {
		t.Helper()
		_, err := b.GetObjectDetailedMeta(key)
		wantOSS(t, err, 404, "NoSuchKey", "")
	}

	for _, v := range []string{"819199", "838860801", "0", "-819200", "abc", "1e6", ""} {
		t.Run("value="+v, func(t *testing.T) {
			bad := oss1.SetHeader("X-Oss-Traffic-Limit", v)
			err := b.PutObject("refused", bytes.NewReader([]byte("body")), bad)
			e := wantOSS(t, err, 400, "InvalidArgument", "0004-00000502")
			require.Contains(t, e.message, "x-oss-traffic-limit")
			absent(t, "refused")
			_, err = b.GetObject("there", bad)
			wantOSS(t, err, 400, "InvalidArgument", "0004-00000502")
			_, err = b.CopyObject("there", "copy-refused", bad)
			wantOSS(t, err, 400, "InvalidArgument", "0004-00000502")
			absent(t, "copy-refused")
		})
	}
	t.Run("header and query", func(t *testing.T) {
		// Signed with both, so the signature holds and only the limit is wrong.
		u, err := b.SignURL("twice", oss1.HTTPPut, 60, oss1.TrafficLimitParam(ossMinTraffic), oss1.TrafficLimitHeader(ossMinTraffic))
		ok(t, err)
		err = b.PutObjectWithURL(u, bytes.NewReader([]byte("body")), oss1.TrafficLimitHeader(ossMinTraffic))
		wantOSS(t, err, 400, "InvalidArgument", "0004-00000501")
		absent(t, "twice")
	})
	t.Run("v2 SDK", func(t *testing.T) {
		c2 := f.ossV2(testAK, testSK)
		_, err := c2.PutObject(context.Background(), &oss2.PutObjectRequest{Bucket: oss2.Ptr("traffic"), Key: oss2.Ptr("v2-refused"),
			Body: bytes.NewReader([]byte("body")), TrafficLimit: 100 << 10}) // 100 Kbit/s: below the lowest
		wantOSS(t, err, 400, "InvalidArgument", "0004-00000502")
		absent(t, "v2-refused")
	})
	t.Run("bounds", func(t *testing.T) {
		body := randomBytes(t, 10<<10) // a tenth of a second at the lowest limit
		for _, v := range []int64{ossMinTraffic, 838860800} {
			ok(t, b.PutObject("bound", bytes.NewReader(body), oss1.TrafficLimitHeader(v)))
		}
	})
}

// TestTrafficLimitNotS3: x-oss-traffic-limit is OSS's; an S3 request
// carrying it (signed with SigV4, so it is S3 whatever its headers) is
// neither checked nor slowed.
func TestTrafficLimitNotS3(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	require.NoError(t, f.eng.CreateBucket(context.Background(), "s3traffic", engine.BucketOptions{}))
	body := randomBytes(t, 200<<10)
	start := time.Now()
	for _, v := range []string{"1", strconv.Itoa(ossMinTraffic)} {
		resp := f.do(t, raw{method: http.MethodPut, path: "/s3traffic/k", body: body, header: hdr("X-Oss-Traffic-Limit", v)})
		require.Equal(t, http.StatusOK, resp.StatusCode, string(resp.body))
		require.Empty(t, resp.Header.Get("X-Oss-Request-Id"), "served as S3")
	}
	resp := f.do(t, raw{method: http.MethodGet, path: "/s3traffic/k", header: hdr("X-Oss-Traffic-Limit", strconv.Itoa(ossMinTraffic))})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.True(t, bytes.Equal(resp.body, body))
	require.Less(t, time.Since(start), time.Second, "an S3 request is not throttled")
}
