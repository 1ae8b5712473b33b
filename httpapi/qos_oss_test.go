package httpapi_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// TestOSSBucketQoS: Put/Get/DeleteBucketQoSInfo and GetUserQoSInfo
// through the v1 SDK, as its own TestBucketQos drives them: every value
// read back as set, the values left out read back as -1, and a setting
// above the account's limits (or a network's above its total) refused.
func TestOSSBucketQoS(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	user, err := c.GetUserQoSInfo()
	require.NoError(t, err)
	require.Equal(t, "us-east-1", user.Region)
	require.NotNil(t, user.TotalUploadBandwidth)
	require.Equal(t, 20, *user.TotalUploadBandwidth)
	require.Equal(t, 100, *user.TotalDownloadBandwidth)
	require.Equal(t, -1, *user.TotalQPS)

	require.NoError(t, c.CreateBucket("qos"))
	_, err = c.GetBucketQosInfo("qos")
	wantOSS(t, err, 404, "NoSuchQoSConfiguration", "")

	five, four, qps := 5, 4, 200
	all := oss1.BucketQoSConfiguration{
		TotalUploadBandwidth: &five, IntranetUploadBandwidth: &four, ExtranetUploadBandwidth: &four,
		TotalDownloadBandwidth: &four, IntranetDownloadBandwidth: &four, ExtranetDownloadBandwidth: &four,
		TotalQPS: &qps, IntranetQPS: &qps, ExtranetQPS: &qps,
	}
	require.NoError(t, c.SetBucketQoSInfo("qos", all))
	got, err := c.GetBucketQosInfo("qos")
	require.NoError(t, err)
	all.XMLName.Local = "QoSConfiguration"
	require.Equal(t, all, got)

	some := all
	some.IntranetQPS, some.ExtranetQPS = nil, nil
	require.NoError(t, c.SetBucketQoSInfo("qos", some))
	got, err = c.GetBucketQosInfo("qos")
	require.NoError(t, err)
	minus := -1
	some.IntranetQPS, some.ExtranetQPS = &minus, &minus
	require.Equal(t, some, got)

	require.NoError(t, c.DeleteBucketQosInfo("qos"))
	_, err = c.GetBucketQosInfo("qos")
	wantOSS(t, err, 404, "NoSuchQoSConfiguration", "")

	over := *user.TotalUploadBandwidth + 2 // above the account's
	six, minusTwo := 6, -2
	for _, bad := range []oss1.BucketQoSConfiguration{
		{TotalUploadBandwidth: &over},
		{TotalDownloadBandwidth: &four, ExtranetDownloadBandwidth: &five}, // above its total
		{TotalQPS: &four, IntranetQPS: &six},
		{TotalQPS: &minusTwo},
	} {
		err = c.SetBucketQoSInfo("qos", bad)
		wantOSS(t, err, 400, "InvalidArgument", "")
	}
	_, err = c.GetBucketQosInfo("qos")
	wantOSS(t, err, 404, "NoSuchQoSConfiguration", "")

	r := f.do(t, raw{method: "PUT", path: "/qos?qosInfo", sign: "oss-v4", body: []byte("<QoS><TotalQps>1</TotalQps></QoS>")})
	require.Equal(t, http.StatusBadRequest, r.StatusCode, string(r.body))
	require.Equal(t, "MalformedXML", r.errCode())
	require.NoError(t, c.DeleteBucketQosInfo("qos")) // none: still 204
}

// putQoS sets bucket's QoS settings from an XML body.
func putQoS(t *testing.T, f *fixture, bucket, body string) {
	t.Helper()
	r := f.do(t, raw{method: "PUT", path: "/" + bucket + "?qosInfo", sign: "oss-v4", body: []byte("<QoSConfiguration>" + body + "</QoSConfiguration>")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
}

// TestQoSRequestsPerSecond: a bucket's TotalQps (or a lower ExtranetQps)
// admits that many requests in each second of the engine clock, in every
// dialect; one more is 503 (OSS's TotalQpsLimitExceeded, S3's SlowDown)
// and changes nothing; the next second admits again. The settings
// themselves stay reachable.
func TestQoSRequestsPerSecond(t *testing.T) {
	clock := &testClock{fixed: time.Now()}
	f := newFixture(t, fixtureOptions{clock: clock})
	ctx := context.Background()
	must(t, f.eng.CreateBucket(ctx, "busy", engine.BucketOptions{}))
	must(t, f.eng.CreateBucket(ctx, "calm", engine.BucketOptions{}))
	putQoS(t, f, "busy", "<TotalQps>10</TotalQps><ExtranetQps>3</ExtranetQps><IntranetQps>1</IntranetQps>")

	clock.Advance(time.Second) // a fresh second: the PUT above counted in its own
	for i := range 3 {
		r := f.do(t, raw{method: "PUT", path: "/busy/k" + strconv.Itoa(i), sign: "oss-v4", body: []byte("x")})
		require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	}
	r := f.do(t, raw{method: "PUT", path: "/busy/over", sign: "oss-v4", body: []byte("x")})
	require.Equal(t, http.StatusServiceUnavailable, r.StatusCode, string(r.body))
	require.Equal(t, "TotalQpsLimitExceeded", r.errCode())
	require.Contains(t, string(r.body), "<EC>0004-00000302</EC>")
	_, err := f.eng.HeadObject(ctx, "busy", "over")
	require.ErrorIs(t, err, engine.ErrNoSuchKey)
	r = f.do(t, raw{method: "GET", path: "/busy/k0", sign: "v4"})
	require.Equal(t, http.StatusServiceUnavailable, r.StatusCode, string(r.body))
	require.Equal(t, "SlowDown", r.errCode())
	// Other buckets are not held back, nor are the settings.
	r = f.do(t, raw{method: "GET", path: "/calm?list-type=2", sign: "v4"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r = f.do(t, raw{method: "GET", path: "/busy?qosInfo", sign: "oss-v4"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))

	clock.Advance(time.Second)
	r = f.do(t, raw{method: "GET", path: "/busy/k0", sign: "v4"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))

	// TotalQps 0 allows nothing; deleting the settings lifts it.
	putQoS(t, f, "busy", "<TotalQps>0</TotalQps>")
	r = f.do(t, raw{method: "HEAD", path: "/busy/k0", sign: "oss-v4"})
	require.Equal(t, http.StatusServiceUnavailable, r.StatusCode)
	r = f.do(t, raw{method: "DELETE", path: "/busy?qosInfo", sign: "oss-v4"})
	require.Equal(t, http.StatusNoContent, r.StatusCode, string(r.body))
	r = f.do(t, raw{method: "HEAD", path: "/busy/k0", sign: "oss-v4"})
	require.Equal(t, http.StatusOK, r.StatusCode)
}

// TestQoSZeroBandwidth: a bandwidth of 0 refuses the operations that
// move bytes that way, before the body is read, and nothing else.
func TestQoSZeroBandwidth(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	must(t, f.eng.CreateBucket(ctx, "frozen", engine.BucketOptions{}))
	r := f.do(t, raw{method: "PUT", path: "/frozen/k", sign: "oss-v4", body: []byte("before")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))

	putQoS(t, f, "frozen", "<ExtranetUploadBandwidth>0</ExtranetUploadBandwidth>")
	r = f.do(t, raw{method: "PUT", path: "/frozen/k", sign: "oss-v4", body: []byte("after")})
	require.Equal(t, http.StatusServiceUnavailable, r.StatusCode, string(r.body))
	require.Equal(t, "UploadTrafficRateLimitExceeded", r.errCode())
	r = f.do(t, raw{method: "PUT", path: "/frozen/k", sign: "v4", body: []byte("after")})
	require.Equal(t, "SlowDown", r.errCode())
	r = f.do(t, raw{method: "GET", path: "/frozen/k", sign: "oss-v4"})
	require.Equal(t, http.StatusOK, r.StatusCode)
	require.Equal(t, "before", string(r.body))
	r = f.do(t, raw{method: "DELETE", path: "/frozen/k", sign: "oss-v4"}) // moves no bytes
	require.Equal(t, http.StatusNoContent, r.StatusCode)

	// Intranet values bind nothing: osslite's requests come from the internet.
	putQoS(t, f, "frozen", "<TotalDownloadBandwidth>0</TotalDownloadBandwidth><IntranetUploadBandwidth>0</IntranetUploadBandwidth>")
	r = f.do(t, raw{method: "PUT", path: "/frozen/k", sign: "oss-v4", body: []byte("again")})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r = f.do(t, raw{method: "GET", path: "/frozen/k", sign: "oss-v4"})
	require.Equal(t, http.StatusServiceUnavailable, r.StatusCode)
	require.Equal(t, "DownloadTrafficRateLimitExceeded", r.errCode())
	r = f.do(t, raw{method: "HEAD", path: "/frozen/k", sign: "oss-v4"})
	require.Equal(t, http.StatusOK, r.StatusCode)
}

// atGbit is the time n bytes take at 1 Gbit/s (125 MB/s): 8 ns a byte.
func atGbit(n int) time.Duration { return time.Duration(n) * 8 * time.Nanosecond }

// qosUploads puts body as the objects keys (to buckets[i], or all to
// buckets[0]) at once through the v1 SDK, and returns the answers'
// x-oss-qos-delay-time values.
func qosUploads(t *testing.T, c *oss1.Client, body []byte, buckets []string, keys ...string) []string {
	t.Helper()
	var wg sync.WaitGroup
	delays := make([]string, len(keys))
	errs := make([]error, len(keys))
	for i, key := range keys {
		b, err := c.Bucket(buckets[min(i, len(buckets)-1)])
		require.NoError(t, err)
		wg.Go(func() {
			var h http.Header
			errs[i] = b.PutObject(key, bytes.NewReader(body), oss1.GetResponseHeader(&h))
			delays[i] = h.Get("X-Oss-Qos-Delay-Time")
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	return delays
}

// heldMs is the milliseconds in an x-oss-qos-delay-time value ("": 0).
func heldMs(t *testing.T, delay string) int64 {
	t.Helper()
	if delay == "" {
		return 0
	}
	n, err := strconv.ParseInt(delay, 10, 64)
	require.NoError(t, err, "x-oss-qos-delay-time %q", delay)
	return n
}

// TestQoSBandwidth: a bucket's bandwidth holds its transfers to the rate
// together, on a clock the test steps (so the times are exact whatever
// the machine's speed): a burst of 50 ms at the rate goes at once; an
// upload of more is held until its last burst is within the rate, and
// says how long (x-oss-qos-delay-time); two concurrent uploads take
// their sum's time, where each alone takes half; a download is held the
// same way. A bucket without settings holds nothing.
func TestQoSBandwidth(t *testing.T) {
	clock := httpapi.NewStepClock(time.Now())
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithShapingClock(clock)}})
	t.Cleanup(clock.Drive())
	ctx := context.Background()
	must(t, f.eng.CreateBucket(ctx, "paced", engine.BucketOptions{}))
	must(t, f.eng.CreateBucket(ctx, "free", engine.BucketOptions{}))
	putQoS(t, f, "paced", "<TotalUploadBandwidth>1</TotalUploadBandwidth><ExtranetDownloadBandwidth>1</ExtranetDownloadBandwidth>")
	c := f.ossV1(t, testAK, testSK)
	// timed runs fn on a fresh clock second (idle time is not saved up,
	// so each case starts alike) and returns the time it moved.
	timed := func(fn func()) time.Duration {
		clock.Advance(time.Second)
		start := clock.Now()
		fn()
		return clock.Now().Sub(start)
	}

	const size = 16 << 20
	body := bytes.Repeat([]byte("q"), size)
	var delays []string
	elapsed := timed(func() { delays = qosUploads(t, c, body, []string{"free"}, "big0", "big1") })
	require.Equal(t, []string{"", ""}, delays, "no settings, no delay")
	require.Zero(t, elapsed)

	// A burst's worth (50 ms at 125 MB/s) is not held; a byte more is,
	// for its 8 ns.
	burst := int(125e6 * httpapi.QoSBurst.Seconds())
	elapsed = timed(func() { delays = qosUploads(t, c, body[:burst], []string{"paced"}, "burst") })
	require.Equal(t, []string{""}, delays)
	require.Zero(t, elapsed)
	elapsed = timed(func() { delays = qosUploads(t, c, body[:burst+1], []string{"paced"}, "burst") })
	require.Equal(t, []string{"0"}, delays, "held, for less than a millisecond")
	require.Equal(t, atGbit(1), elapsed)

	// One upload alone is held for all but its first burst.
	elapsed = timed(func() { delays = qosUploads(t, c, body, []string{"paced"}, "big0") })
	require.Equal(t, atGbit(size)-httpapi.QoSBurst, elapsed)
	require.Equal(t, []string{strconv.FormatInt(elapsed.Milliseconds(), 10)}, delays)

	// Two share the rate: together they take the time of both.
	elapsed = timed(func() { delays = qosUploads(t, c, body, []string{"paced"}, "big0", "big1") })
	require.Equal(t, atGbit(2*size)-httpapi.QoSBurst, elapsed, "two uploads sharing 1 Gbit/s")
	for _, d := range delays {
		require.LessOrEqual(t, heldMs(t, d), elapsed.Milliseconds(), "each held at most the time both took: %q", delays)
	}
	// Whenever the clock moved, one of them was held (each delay is
	// rounded down to the millisecond).
	require.GreaterOrEqual(t, heldMs(t, delays[0])+heldMs(t, delays[1]), elapsed.Milliseconds()-1, "together: %q", delays)

	// A download is held the same way, and the answer came first: no
	// delay header. Each write is metered once written, so the client
	// may have the last before the meter holds it: the time is the
	// handler's, once it is done (its record observed).
	b, err := c.Bucket("paced")
	require.NoError(t, err)
	elapsed = timed(func() {
		f.mu.Lock()
		done := len(f.records) + 1
		f.mu.Unlock()
		var h http.Header
		rd, err := b.GetObject("big0", oss1.GetResponseHeader(&h))
		require.NoError(t, err)
		n, err := io.Copy(io.Discard, rd)
		require.NoError(t, err)
		require.NoError(t, rd.Close())
		require.Equal(t, int64(size), n)
		require.Empty(t, h.Get("X-Oss-Qos-Delay-Time"))
		require.Eventually(t, func() bool { f.mu.Lock(); defer f.mu.Unlock(); return len(f.records) >= done }, 10*time.Second, time.Millisecond)
	})
	require.Equal(t, atGbit(size)-httpapi.QoSBurst, elapsed)
	// The free bucket's download is not held.
	fb, err := c.Bucket("free")
	require.NoError(t, err)
	elapsed = timed(func() {
		rd, err := fb.GetObject("big0")
		require.NoError(t, err)
		_, err = io.Copy(io.Discard, rd)
		require.NoError(t, err)
		require.NoError(t, rd.Close())
	})
	require.Zero(t, elapsed)
}

// TestQoSBandwidthWallClock: on the real clock, what the meters let
// through is never faster than the rate (the one bound a loaded machine
// cannot break: a slow one only takes longer): an upload of 16 MiB at 1
// Gbit/s takes at least all but its first burst's time, and so does a
// download, but for its last write (one chunk, at most 1 MiB), which the
// client has before the meter holds it.
func TestQoSBandwidthWallClock(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	must(t, f.eng.CreateBucket(ctx, "paced", engine.BucketOptions{}))
	putQoS(t, f, "paced", "<TotalUploadBandwidth>1</TotalUploadBandwidth><ExtranetDownloadBandwidth>1</ExtranetDownloadBandwidth>")
	c := f.ossV1(t, testAK, testSK)

	const size = 16 << 20
	start := time.Now()
	delays := qosUploads(t, c, bytes.Repeat([]byte("q"), size), []string{"paced"}, "big")
	require.GreaterOrEqual(t, time.Since(start), atGbit(size)-httpapi.QoSBurst, "held for %q", delays)

	b, err := c.Bucket("paced")
	require.NoError(t, err)
	start = time.Now()
	rd, err := b.GetObject("big")
	require.NoError(t, err)
	n, err := io.Copy(io.Discard, rd)
	require.NoError(t, err)
	require.NoError(t, rd.Close())
	require.Equal(t, int64(size), n)
	require.GreaterOrEqual(t, time.Since(start), atGbit(size-(1<<20))-httpapi.QoSBurst)
}

// TestAccountQoS: Config.AccountQoS is what GetUserQoSInfo answers,
// bounds bucket settings, and holds all of an account's buckets to its
// requests a second together.
func TestAccountQoS(t *testing.T) {
	clock := &testClock{fixed: time.Now()}
	limits := *bucketconfig.UnlimitedQoS()
	limits.TotalQPS = 4
	f := newFixture(t, fixtureOptions{clock: clock, opts: []httpapi.Option{httpapi.WithAccountQoS(limits)}})
	ctx := context.Background()
	must(t, f.eng.CreateBucket(ctx, "one", engine.BucketOptions{}))
	must(t, f.eng.CreateBucket(ctx, "two", engine.BucketOptions{}))

	r := f.do(t, raw{method: "GET", path: "/?qosInfo", sign: "oss-v4"})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	var doc struct {
		Region   string `xml:"Region"`
		TotalQps int    `xml:"TotalQps"`
		Upload   int    `xml:"TotalUploadBandwidth"`
	}
	require.NoError(t, xml.Unmarshal(r.body, &doc))
	require.Equal(t, 4, doc.TotalQps)
	require.Equal(t, -1, doc.Upload)

	r = f.do(t, raw{method: "PUT", path: "/one?qosInfo", sign: "oss-v4", body: []byte("<QoSConfiguration><TotalQps>5</TotalQps></QoSConfiguration>")})
	require.Equal(t, http.StatusBadRequest, r.StatusCode, string(r.body))
	require.Equal(t, "InvalidArgument", r.errCode())

	clock.Advance(time.Second)
	for _, path := range []string{"/one/a", "/two/a", "/one/b", "/two/b"} {
		r = f.do(t, raw{method: "PUT", path: path, sign: "oss-v4", body: []byte("x")})
		require.Equal(t, http.StatusOK, r.StatusCode, "%s: %s", path, r.body)
	}
	r = f.do(t, raw{method: "GET", path: "/two/a", sign: "oss-v4"})
	require.Equal(t, http.StatusServiceUnavailable, r.StatusCode, string(r.body))
	require.Equal(t, "TotalQpsLimitExceeded", r.errCode())
}

// TestAccountQoSBandwidth: Config.AccountQoS's bandwidth holds all of an
// account's buckets to the rate together (on a stepped clock, exactly):
// two uploads to two buckets without settings of their own take the
// time of both at 1 Gbit/s.
func TestAccountQoSBandwidth(t *testing.T) {
	clock := httpapi.NewStepClock(time.Now())
	limits := *bucketconfig.UnlimitedQoS()
	limits.TotalUpload = 1
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithAccountQoS(limits), httpapi.WithShapingClock(clock)}})
	t.Cleanup(clock.Drive())
	ctx := context.Background()
	must(t, f.eng.CreateBucket(ctx, "one", engine.BucketOptions{}))
	must(t, f.eng.CreateBucket(ctx, "two", engine.BucketOptions{}))
	c := f.ossV1(t, testAK, testSK)

	const size = 16 << 20
	body := bytes.Repeat([]byte("a"), size)
	start := clock.Now()
	delays := qosUploads(t, c, body, []string{"one"}, "alone")
	require.Equal(t, atGbit(size)-httpapi.QoSBurst, clock.Now().Sub(start))
	require.Equal(t, []string{strconv.FormatInt((atGbit(size) - httpapi.QoSBurst).Milliseconds(), 10)}, delays)

	clock.Advance(time.Second)
	start = clock.Now()
	delays = qosUploads(t, c, body, []string{"one", "two"}, "a", "b")
	elapsed := clock.Now().Sub(start)
	require.Equal(t, atGbit(2*size)-httpapi.QoSBurst, elapsed, "two buckets sharing the account's 1 Gbit/s")
	require.GreaterOrEqual(t, heldMs(t, delays[0])+heldMs(t, delays[1]), elapsed.Milliseconds()-1, "together: %q", delays)
}
