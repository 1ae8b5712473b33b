package fake_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/bluenviron/gortmplib"
	"github.com/bluenviron/gortmplib/pkg/codecs"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/fake"
	"github.com/osslite/osslite/httpapi"
)

// A 1920x1080 baseline SPS and a PPS: enough for a remuxer, which never
// decodes the slices.
var (
	testSPS = []byte{0x67, 0x42, 0xc0, 0x28, 0xd9, 0x00, 0x78, 0x02, 0x27, 0xe5, 0x84, 0x00, 0x00, 0x03, 0x00, 0x04,
		0x00, 0x00, 0x03, 0x00, 0xf0, 0x3c, 0x60, 0xc9, 0x20}
	testPPS = []byte{0x08, 0x06, 0x07, 0x08}
)

const (
	testFPS       = 25
	testGOP       = 25   // a key frame every second
	testAACFrame  = 1024 // samples per AAC frame
	testAACRate   = 44100
	liveBucket    = "media"
	liveChannel   = "cam"
	livePlaylist  = "index.m3u8"
	liveFragCount = 3
)

// liveFake is a fake with RTMP, a bucket and a channel (FragDuration 1 s).
func liveFake(t *testing.T, opts ...fake.Option) (*fake.Server, *oss1.Bucket) {
	t.Helper()
	srv := fake.New(t, append([]fake.Option{fake.WithRTMP(), fake.WithBuckets(liveBucket)}, opts...)...)
	c, err := oss1.New(srv.URL, srv.AccessKey, srv.SecretKey, oss1.HTTPClient(srv.HTTPClient()))
	require.NoError(t, err)
	b, err := c.Bucket(liveBucket)
	require.NoError(t, err)
	_, err = b.CreateLiveChannel(liveChannel, oss1.LiveChannelConfiguration{
		Target: oss1.LiveChannelTarget{Type: "HLS", FragDuration: 1, FragCount: liveFragCount, PlaylistName: livePlaylist}})
	require.NoError(t, err)
	return srv, b
}

// publisher is a gortmplib client pushing a generated H.264 + AAC stream.
type publisher struct {
	c            *gortmplib.Client
	w            *gortmplib.Writer
	video, audio *gortmplib.Track
	frame        int // video frames sent
	audioAt      time.Duration
	rng          *rand.Rand
}

// signedURL is the SDK's signed push URL (path style for the fake's IP
// endpoint: /<bucket>/live/<channel>) in its virtual-host form
// (<bucket>.127.0.0.1, /live/<channel>) on the fake's RTMP port.
func signedURL(t *testing.T, srv *fake.Server, b *oss1.Bucket, playlist string) *url.URL {
	t.Helper()
	raw, err := b.SignRtmpURL(liveChannel, playlist, 300)
	require.NoError(t, err)
	u, err := url.Parse(raw)
	require.NoError(t, err)
	_, port, _ := net.SplitHostPort(srv.RTMPAddr())
	u.Host = liveBucket + ".127.0.0.1:" + port
	u.Path = strings.TrimPrefix(u.Path, "/"+liveBucket)
	return u
}

// publish connects to the fake's RTMP listener, whatever host u names.
func publish(t *testing.T, srv *fake.Server, u *url.URL) (*publisher, error) {
	t.Helper()
	addr := srv.RTMPAddr()
	c := &gortmplib.Client{URL: u, Publish: true, DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Initialize(ctx); err != nil {
		return nil, err
	}
	p := &publisher{c: c, rng: rand.New(rand.NewPCG(1, 2)),
		video: &gortmplib.Track{Codec: &codecs.H264{SPS: testSPS, PPS: testPPS}},
		audio: &gortmplib.Track{Codec: &codecs.MPEG4Audio{Config: &mpeg4audio.AudioSpecificConfig{Type: 2, SampleRate: testAACRate, ChannelConfig: 2, ChannelCount: 2}}}}
	p.w = &gortmplib.Writer{Conn: c, Tracks: []*gortmplib.Track{p.video, p.audio}}
	if err := p.w.Initialize(); err != nil {
		c.Close()
		return nil, err
	}
	t.Cleanup(c.Close)
	return p, nil
}

// send pushes d more of the stream: video frames (an IDR slice every
// testGOP frames, P slices between) and the AAC frames up to the same
// time, as fast as the connection takes them.
func (p *publisher) send(d time.Duration) error {
	end := time.Duration(p.frame)*time.Second/testFPS + d
	for {
		at := time.Duration(p.frame) * time.Second / testFPS
		if at >= end {
			return nil
		}
		for p.audioAt <= at {
			au := make([]byte, 64)
			for i := range au {
				au[i] = byte(p.rng.Uint32())
			}
			if err := p.w.WriteMPEG4Audio(p.audio, p.audioAt, au); err != nil {
				return err
			}
			p.audioAt += time.Duration(testAACFrame) * time.Second / testAACRate
		}
		slice := make([]byte, 200+p.rng.IntN(300))
		for i := range slice {
			slice[i] = byte(p.rng.Uint32()) | 1 // no start-code look-alikes
		}
		var au [][]byte
		if p.frame%testGOP == 0 {
			slice[0] = 0x65 // IDR
			au = [][]byte{testSPS, testPPS, slice}
		} else {
			slice[0] = 0x41 // non-IDR
			au = [][]byte{slice}
		}
		if err := p.w.WriteH264(p.video, at, at, au); err != nil {
			return err
		}
		p.frame++
	}
}

// waitEnded waits until the playlist says the push has ended.
func waitEnded(t *testing.T, b *oss1.Bucket) string {
	t.Helper()
	var body string
	require.Eventually(t, func() bool {
		body = readObject(t, b, liveChannel+"/"+livePlaylist)
		return strings.Contains(body, "#EXT-X-ENDLIST")
	}, 10*time.Second, 20*time.Millisecond, "the playlist was not finalised: %q", body)
	return body
}

func readObject(t *testing.T, b *oss1.Bucket, key string) string {
	t.Helper()
	r, err := b.GetObject(key)
	if err != nil {
		return ""
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	require.NoError(t, err)
	return string(data)
}

// TestRTMPIngest pushes 5 s of H.264 + AAC through a signed URL and
// checks the HLS objects: 1 s segments cut at key frames, the rolling
// playlist of the last 3 (media sequence, target duration, end list),
// valid MPEG-TS (188-byte packets, sync bytes, PAT and PMT, continuity
// counters), the stat while live and the history after.
func TestRTMPIngest(t *testing.T) {
	srv, b := liveFake(t)
	p, err := publish(t, srv, signedURL(t, srv, b, ""))
	require.NoError(t, err)
	require.NoError(t, p.send(3*time.Second))

	var stat oss1.LiveChannelStat
	require.Eventually(t, func() bool {
		stat, err = b.GetLiveChannelStat(liveChannel)
		// Rates need two frames of each stream to be measured (CI once
		// saw the stat between the first and second video frame).
		return err == nil && stat.Status == "Live" && stat.Video.Width > 0 &&
			stat.Video.FrameRate > 0 && stat.Audio.Bandwidth > 0
	}, 5*time.Second, 20*time.Millisecond, "stat %+v, %v", stat, err)
	require.Equal(t, 1920, stat.Video.Width)
	require.Equal(t, 1080, stat.Video.Height)
	require.InDelta(t, testFPS, stat.Video.FrameRate, 1)
	require.Positive(t, stat.Video.Bandwidth)
	require.Equal(t, testAACRate, stat.Audio.SampleRate)
	require.Equal(t, "AAC", stat.Audio.Codec)
	require.NotEmpty(t, stat.RemoteAddr)
	require.False(t, stat.ConnectedTime.IsZero())
	// Live: the channel can be neither re-created nor deleted.
	_, err = b.CreateLiveChannel(liveChannel, oss1.LiveChannelConfiguration{Target: oss1.LiveChannelTarget{Type: "HLS"}})
	requireCode(t, err, 409, "ChannelStillLive")
	requireCode(t, b.DeleteLiveChannel(liveChannel), 409, "ChannelStillLive")

	// One publisher per channel.
	_, err = publish(t, srv, signedURL(t, srv, b, ""))
	require.Error(t, err, "a second publisher is refused")

	require.NoError(t, p.send(2*time.Second))
	p.c.Close()
	playlist := waitEnded(t, b)

	lines := strings.Split(strings.TrimSpace(playlist), "\n")
	require.Equal(t, []string{"#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-MEDIA-SEQUENCE:2", "#EXT-X-TARGETDURATION:1"}, lines[:4], playlist)
	require.Equal(t, "#EXT-X-ENDLIST", lines[len(lines)-1])
	require.Equal(t, liveFragCount, strings.Count(playlist, "#EXTINF:"))

	lr, err := b.ListObjects(oss1.Prefix(liveChannel + "/"))
	require.NoError(t, err)
	var segs []string
	for _, o := range lr.Objects {
		if strings.HasSuffix(o.Key, ".ts") {
			segs = append(segs, o.Key)
		}
	}
	require.Len(t, segs, 5, "5 s cut at the 1 s key frames")
	for _, key := range segs {
		require.True(t, strings.HasPrefix(key, liveChannel+"/index"), key)
		meta, err := b.GetObjectDetailedMeta(key)
		require.NoError(t, err)
		var dur string
		for k, v := range meta { // the in-memory transport keeps the server's spelling
			if strings.EqualFold(k, "x-oss-meta-duration") {
				dur = v[0]
			}
		}
		d, err := strconv.ParseFloat(dur, 64)
		require.NoError(t, err, key)
		require.InDelta(t, 1.0, d, 0.05, key)
		checkTS(t, []byte(readObject(t, b, key)))
	}
	for _, key := range segs[2:] {
		require.Contains(t, playlist, strings.TrimPrefix(key, liveChannel+"/"))
	}

	stat, err = b.GetLiveChannelStat(liveChannel)
	require.NoError(t, err)
	require.Equal(t, "Idle", stat.Status)
	hist, err := b.GetLiveChannelHistory(liveChannel)
	require.NoError(t, err)
	require.Len(t, hist.Record, 1)
	require.Equal(t, stat.RemoteAddr, "")
	require.False(t, hist.Record[0].StartTime.IsZero())

	// The VOD playlist of the push's time range lists all five.
	start := hist.Record[0].StartTime.Add(-time.Second)
	rc, err := b.GetVodPlaylist(liveChannel, start, start.Add(time.Hour))
	require.NoError(t, err)
	vod, err := io.ReadAll(rc)
	rc.Close()
	require.NoError(t, err)
	require.Equal(t, 5, strings.Count(string(vod), "#EXTINF:1.0"), string(vod))
}

func requireCode(t *testing.T, err error, status int, code string) {
	t.Helper()
	var se oss1.ServiceError
	require.ErrorAs(t, err, &se)
	require.Equal(t, status, se.StatusCode)
	require.Equal(t, code, se.Code)
}

// checkTS checks an MPEG-TS segment: whole 188-byte packets with the sync
// byte, a PAT (PID 0) and the PMT it names first, continuity counters
// that increase by one per PID on packets with a payload.
func checkTS(t *testing.T, data []byte) {
	t.Helper()
	require.NotEmpty(t, data)
	require.Zero(t, len(data)%188, "whole packets")
	cc := map[uint16]int{}
	var pmt uint16
	seen := map[uint16]bool{}
	for off := 0; off < len(data); off += 188 {
		pkt := data[off : off+188]
		require.Equal(t, byte(0x47), pkt[0], "sync byte at %d", off)
		pid := binary.BigEndian.Uint16(pkt[1:3]) & 0x1fff
		seen[pid] = true
		if pid == 0 && pmt == 0 {
			// PAT: pointer, table header (8 bytes), then program number
			// and PMT PID.
			p := 5 + int(pkt[4])
			pmt = binary.BigEndian.Uint16(pkt[p+10:p+12]) & 0x1fff
		}
		if off == 0 {
			require.Zero(t, pid, "the segment starts with the PAT")
		}
		if pkt[3]&0x10 == 0 {
			continue // no payload: the counter does not advance
		}
		c := int(pkt[3] & 0x0f)
		if last, ok := cc[pid]; ok {
			require.Equal(t, (last+1)%16, c, "continuity counter of PID %d at %d", pid, off)
		}
		cc[pid] = c
	}
	require.NotZero(t, pmt)
	require.True(t, seen[pmt], "the PMT is present")
	require.GreaterOrEqual(t, len(cc), 4, "PAT, PMT, video and audio")
}

// TestRTMPRefused: pushes without a valid signature to a private bucket,
// with an expired one, to a missing or disabled channel are refused;
// unsigned pushes to a public-read-write bucket are accepted.
func TestRTMPRefused(t *testing.T) {
	srv, b := liveFake(t)
	_, port, _ := net.SplitHostPort(srv.RTMPAddr())
	unsigned := &url.URL{Scheme: "rtmp", Host: liveBucket + ".127.0.0.1:" + port, Path: "/live/" + liveChannel}
	_, err := publish(t, srv, unsigned)
	require.Error(t, err, "unsigned push to a private bucket")

	bad := signedURL(t, srv, b, "")
	q := bad.Query()
	q.Set("Signature", "AAAA"+q.Get("Signature")[4:])
	bad.RawQuery = q.Encode()
	_, err = publish(t, srv, bad)
	require.Error(t, err, "bad signature")

	other := signedURL(t, srv, b, "")
	other.Path = "/live/nope"
	_, err = publish(t, srv, other)
	require.Error(t, err, "the signature covers the channel")

	expired := signedURL(t, srv, b, "")
	srv.Clock().Advance(time.Hour)
	_, err = publish(t, srv, expired)
	require.Error(t, err, "expired on the engine clock")

	require.NoError(t, b.PutLiveChannelStatus(liveChannel, "disabled"))
	_, err = publish(t, srv, signedURL(t, srv, b, ""))
	require.Error(t, err, "disabled channel")
	require.NoError(t, b.PutLiveChannelStatus(liveChannel, "enabled"))

	require.NoError(t, srv.Engine().SetBucketACL(context.Background(), liveBucket, engine.ACL{Canned: "public-read-write"}))
	// Path-style (the bucket in the path), unsigned, with a playlist name.
	pathStyle := &url.URL{Scheme: "rtmp", Host: srv.RTMPAddr(), Path: "/" + liveBucket + "/live/" + liveChannel, RawQuery: "playlistName=other.m3u8"}
	p, err := publish(t, srv, pathStyle)
	require.NoError(t, err)
	require.NoError(t, p.send(3*time.Second)) // tracks are known after 2 s
	p.c.Close()
	require.Eventually(t, func() bool {
		return strings.Contains(readObject(t, b, liveChannel+"/other.m3u8"), "#EXT-X-ENDLIST")
	}, 10*time.Second, 20*time.Millisecond)
}

// TestRTMPDisableDropsPush: disabling a channel disconnects its publisher
// and finalises the playlist.
func TestRTMPDisableDropsPush(t *testing.T) {
	srv, b := liveFake(t)
	p, err := publish(t, srv, signedURL(t, srv, b, ""))
	require.NoError(t, err)
	require.NoError(t, p.send(3*time.Second))
	require.Eventually(t, func() bool { // the first segment is stored
		return readObject(t, b, liveChannel+"/"+livePlaylist) != ""
	}, 5*time.Second, 20*time.Millisecond)
	st, err := b.GetLiveChannelStat(liveChannel)
	require.NoError(t, err)
	require.Equal(t, "Live", st.Status)
	require.NoError(t, b.PutLiveChannelStatus(liveChannel, "disabled"))
	waitEnded(t, b)
	require.Eventually(t, func() bool { return p.send(time.Second) != nil }, 5*time.Second, 10*time.Millisecond, "the publisher is disconnected")
	st, err = b.GetLiveChannelStat(liveChannel)
	require.NoError(t, err)
	require.Equal(t, "Disabled", st.Status)
}

// TestRTMPStall: a publisher that stops sending is cut off after the read
// timeout and its playlist finalised.
func TestRTMPStall(t *testing.T) {
	srv, b := liveFake(t, fake.WithHTTPOptions(httpapi.WithRTMPReadTimeout(300*time.Millisecond)))
	p, err := publish(t, srv, signedURL(t, srv, b, ""))
	require.NoError(t, err)
	require.NoError(t, p.send(3*time.Second))
	waitEnded(t, b) // the connection is still open, but silent
	hist, err := b.GetLiveChannelHistory(liveChannel)
	require.NoError(t, err)
	require.Len(t, hist.Record, 1)
}

// TestRTMPBadInput: garbage, a half handshake and a play request close
// the connection; the server keeps serving.
func TestRTMPBadInput(t *testing.T) {
	srv, b := liveFake(t, fake.WithHTTPOptions(httpapi.WithRTMPReadTimeout(time.Second)))
	for _, input := range [][]byte{
		bytes.Repeat([]byte{0xff}, 5000),
		append([]byte{3}, bytes.Repeat([]byte{0}, 1536)...), // C0 C1, then garbage
		{3},
	} {
		c, err := net.Dial("tcp", srv.RTMPAddr())
		require.NoError(t, err)
		c.Write(input)
		c.Write(bytes.Repeat([]byte{0x5a}, 4000))
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, err = io.Copy(io.Discard, c)
		var ne net.Error
		require.False(t, errors.As(err, &ne) && ne.Timeout(), "the server closes the connection: %v", err)
		c.Close()
	}
	player := &gortmplib.Client{URL: &url.URL{Scheme: "rtmp", Host: srv.RTMPAddr(), Path: "/" + liveBucket + "/live/" + liveChannel}}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.Error(t, player.Initialize(ctx), "play is refused")

	p, err := publish(t, srv, signedURL(t, srv, b, ""))
	require.NoError(t, err)
	require.NoError(t, p.send(2500*time.Millisecond))
	p.c.Close()
	waitEnded(t, b)
}

// TestRTMPCloseNoLeak: Close ends pushes in progress (finalising their
// playlists) and leaves no goroutine of the listener behind.
func TestRTMPCloseNoLeak(t *testing.T) {
	srv, b := liveFake(t)
	p, err := publish(t, srv, signedURL(t, srv, b, ""))
	require.NoError(t, err)
	require.NoError(t, p.send(3*time.Second))
	idle, err := net.Dial("tcp", srv.RTMPAddr()) // connected, silent
	require.NoError(t, err)
	defer idle.Close()
	require.Eventually(t, func() bool {
		st, err := b.GetLiveChannelStat(liveChannel)
		return err == nil && st.Status == "Live"
	}, 5*time.Second, 20*time.Millisecond)
	srv.Close()
	// A goroutine that has signalled its WaitGroup is still on the stack
	// dump until the scheduler runs its exit (seen in CI: "runtime.goexit1
	// ... created by RTMPListener.accept"), so a finished goroutine may
	// show for an instant; a leaked one shows for good.
	deadline := time.Now().Add(2 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtime.Stack(buf, true)])
		left := ""
		for _, fn := range []string{"RTMPListener", "serveRTMP", "segmenter"} {
			if strings.Contains(stacks, fn) {
				left = fn
			}
		}
		if left == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("goroutine left after Close (%s):\n%s", left, stacks)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func ExampleWithRTMP() {
	srv, err := fake.Start(fake.WithRTMP())
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	fmt.Println(srv.RTMPAddr() != "")
	// Output: true
}
