package httpapi

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bluenviron/gortmplib"
	"github.com/bluenviron/gortmplib/pkg/codecs"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/policy"
)

// RTMP ingest for LiveChannels (spec/oss livechannel.md 10.2): a
// publisher pushes H.264 (and optionally AAC) over RTMP to
// rtmp://<bucket>.<host>/live/<channel> (or, for hosts that are not a
// bucket's, rtmp://<host>/<bucket>/live/<channel>); the stream is remuxed,
// not transcoded, into MPEG-TS segments and a rolling HLS playlist,
// written as objects of the bucket (hls.go).

// DefaultRTMPReadTimeout is the default of Config.RTMPReadTimeout.
const DefaultRTMPReadTimeout = 30 * time.Second

// acceptBackoff is the pause after a failed Accept.
const acceptBackoff = 50 * time.Millisecond

// errNotOurHandler: ListenRTMP was given a handler New did not make.
var errNotOurHandler = errors.New("httpapi: the handler was not made by httpapi.New")

// RTMPListener accepts RTMP pushes to the LiveChannels of the handler it
// serves. ServeRTMP and ListenRTMP start one; the caller must call Close.
type RTMPListener struct {
	s      *server
	ln     net.Listener
	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

// ListenRTMP listens on the TCP address addr and serves RTMP pushes there
// for h, which must have been made by New. The caller must call Close.
func ListenRTMP(h http.Handler, addr string) (*RTMPListener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("httpapi: rtmp: %w", err)
	}
	l, err := ServeRTMP(h, ln)
	if err != nil {
		ln.Close()
	}
	return l, err
}

// ServeRTMP serves RTMP pushes accepted on ln for h, which must have been
// made by New, until Close. Each connection runs in its own goroutine;
// Close closes ln and every connection (ending their pushes, whose
// playlists are finalised) and waits for them.
func ServeRTMP(h http.Handler, ln net.Listener) (*RTMPListener, error) {
	s, ok := h.(*server)
	if !ok {
		return nil, errNotOurHandler
	}
	l := &RTMPListener{s: s, ln: ln, conns: map[net.Conn]struct{}{}}
	if _, port, err := net.SplitHostPort(ln.Addr().String()); err == nil {
		s.live.setPort(port)
	}
	l.wg.Add(1)
	go l.accept()
	return l, nil
}

// Addr is the address the listener accepts connections on.
func (l *RTMPListener) Addr() net.Addr { return l.ln.Addr() }

// Close stops accepting, closes every connection and waits until their
// pushes are finalised.
func (l *RTMPListener) Close() error {
	l.mu.Lock()
	l.closed = true
	err := l.ln.Close()
	for c := range l.conns {
		c.Close()
	}
	l.mu.Unlock()
	l.wg.Wait()
	return err
}

func (l *RTMPListener) accept() {
	defer l.wg.Done()
	for {
		c, err := l.ln.Accept()
		if err != nil && (errors.Is(err, net.ErrClosed) || l.isClosed()) {
			return
		}
		if err != nil { // out of file descriptors, say: wait, then go on
			l.s.rtmpLog().Warn("httpapi: rtmp: accept", "err", err)
			time.Sleep(acceptBackoff)
			continue
		}
		l.mu.Lock()
		if l.closed {
			l.mu.Unlock()
			c.Close()
			return
		}
		if len(l.conns) >= maxRTMPConns {
			// Past the cap a connection is closed at once: an RTMP
			// client learns who it is only at its publish command, so
			// idle connections could otherwise hold a goroutine and a
			// descriptor each, without end.
			l.mu.Unlock()
			c.Close()
			l.s.rtmpLog().Debug("httpapi: rtmp: connection refused: too many open", "max", maxRTMPConns)
			continue
		}
		l.conns[c] = struct{}{}
		l.wg.Add(1)
		l.mu.Unlock()
		go l.serveConn(c)
	}
}

// maxRTMPConns is the most RTMP connections served at once.
const maxRTMPConns = 256

func (l *RTMPListener) isClosed() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closed
}

// serveConn runs one connection; a panic (bad input reaching a parser)
// closes the connection with a log line.
func (l *RTMPListener) serveConn(c net.Conn) {
	defer l.wg.Done()
	defer func() {
		l.mu.Lock()
		delete(l.conns, c)
		l.mu.Unlock()
		c.Close()
	}()
	defer func() {
		if v := recover(); v != nil {
			l.s.rtmpLog().Error("httpapi: rtmp: panic serving a connection", "remote", c.RemoteAddr().String(), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		}
	}()
	if err := l.s.serveRTMP(c); err != nil {
		l.s.rtmpLog().Info("httpapi: rtmp: connection closed", "remote", c.RemoteAddr().String(), "err", err)
	}
}

func (s *server) rtmpLog() *slog.Logger {
	if s.cfg.Logger != nil {
		return s.cfg.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// rtmpDeadline sets c's read deadline: network deadlines are wall-clock
// time.
func rtmpDeadline(c net.Conn, d time.Duration) {
	c.SetReadDeadline(time.Now().Add(d))
}

// rtmpTarget is what a push URL names.
type rtmpTarget struct {
	bucket, channel, playlist string
}

// parseRTMPURL finds bucket, channel and the playlistName parameter of a
// push URL and checks its signature (spec 10.2): signed URLs need a key
// with WRITE on the bucket and an Expires in the future on the engine
// clock; unsigned ones a public-read-write bucket (or permissive mode).
func (s *server) parseRTMPURL(ctx context.Context, u *url.URL) (rtmpTarget, error) {
	var t rtmpTarget
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	var vhost, endpoint bool
	t.bucket, vhost, endpoint = s.domainBucket(host)
	if !vhost && !endpoint {
		t.bucket, vhost = aliyunBucket(host)
	}
	p := u.Path
	if !vhost { // path style, as the SDKs sign it for IP endpoints
		t.bucket, p, _ = strings.Cut(strings.TrimPrefix(p, "/"), "/")
		p = "/" + p
	}
	rest, ok := strings.CutPrefix(p, "/live/")
	if !ok {
		return t, fmt.Errorf("the application must be live: %q", u.Path)
	}
	t.channel = rest
	if t.bucket == "" || t.channel == "" || strings.Contains(t.channel, "/") {
		return t, fmt.Errorf("no bucket and channel in %q", u.Path)
	}
	q := u.Query()
	t.playlist = q.Get("playlistName")
	if t.playlist != "" && !validPlaylistName(t.playlist) {
		return t, fmt.Errorf("bad playlistName %q", t.playlist)
	}
	b, err := s.eng.Bucket(ctx, t.bucket)
	if err != nil {
		return t, err
	}
	who := principal{anonymous: true}
	if ak := q.Get("OSSAccessKeyId"); ak != "" {
		if err := s.checkRTMPSignature(t, q); err != nil {
			return t, err
		}
		if who, err = s.identify(ak, rtmpToken(q)); err != nil {
			return t, err
		}
	}
	// The decision point decides as for a write into the bucket, so
	// Block Public Access (IgnorePublicAcls) and disabled ACLs hold for
	// pushes too. It has no HTTP request to evaluate a bucket policy's
	// conditions against: a policy grants no push, and a Deny statement
	// that may apply to the pusher's PutObject, whatever its resources
	// and conditions, refuses it (an explicit Deny always wins).
	d, err := s.decide(&access{ctx: ctx, dialect: oss.name, who: who, op: "PutObject", perm: permBucketWrite, bucket: b})
	if err != nil {
		return t, err
	}
	if d != allow {
		return t, errors.New("access denied: sign the push URL or make the bucket public-read-write")
	}
	if denied, err := s.pushDenied(ctx, who, b); err != nil || denied {
		return t, cmp.Or(err, errors.New("access denied: the bucket policy denies the pusher oss:PutObject"))
	}
	return t, nil
}

// pushDenied reports whether b's bucket policy has a Deny statement that
// may apply to who's PutObject (policy.MayDeny).
func (s *server) pushDenied(ctx context.Context, who principal, b engine.BucketInfo) (bool, error) {
	p, err := s.bucketPolicy(ctx, b.Name)
	if err != nil || p == nil {
		return false, err
	}
	pusher := s.principalOf(who, p.Language)
	pusher.BucketOwner = owns(who, b.Owner)
	return p.MayDeny(&policy.Request{Principal: pusher, Action: policyActions["PutObject"].in(p.Language)}), nil
}

// rtmpToken is a push URL's STS token: security-token, as the SDKs send
// it, or SecurityToken, as OSS's page on push URLs names it. Neither is
// signed; identify holds it to the access key.
func rtmpToken(q url.Values) string {
	return cmp.Or(q.Get("security-token"), q.Get("SecurityToken"))
}

// checkRTMPSignature verifies a signed push URL: Signature =
// base64(hmac-sha1(secret, Expires "\n" CanonicalizedParams
// "/bucket/channel")), CanonicalizedParams = "key:value\n" for every other
// parameter but the STS token (SecurityToken in OSS's words,
// security-token as the SDKs send and leave it unsigned), sorted by key.
func (s *server) checkRTMPSignature(t rtmpTarget, q url.Values) error {
	ak, sig, exp := q.Get("OSSAccessKeyId"), q.Get("Signature"), q.Get("Expires")
	expires, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || sig == "" {
		return errors.New("a signed push URL needs Expires and Signature")
	}
	if s.clock.Now().Unix() > expires {
		return errors.New("the push URL has expired")
	}
	secret, ok := s.secret(ak)
	if !ok {
		if s.cfg.Permissive {
			return nil
		}
		return fmt.Errorf("unknown access key %q", ak)
	}
	var keys []string
	for k, vs := range q {
		switch k {
		case "OSSAccessKeyId", "Expires", "Signature", "SecurityToken", "security-token":
			continue
		}
		if len(vs) != 1 {
			return fmt.Errorf("parameter %q given more than once", k)
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var sts strings.Builder
	sts.WriteString(exp + "\n")
	for _, k := range keys {
		sts.WriteString(k + ":" + q.Get(k) + "\n")
	}
	sts.WriteString("/" + t.bucket + "/" + t.channel)
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(sts.String()))
	want := base64.StdEncoding.EncodeToString(m.Sum(nil))
	if subtle.ConstantTimeCompare([]byte(want), []byte(sig)) != 1 {
		return errors.New("the push URL signature does not match")
	}
	return nil
}

// serveRTMP runs one RTMP connection: handshake, connect, publish, then
// the stream until it ends, stalls or is dropped.
func (s *server) serveRTMP(c net.Conn) error {
	ctx := context.Background()
	timeout := s.cfg.RTMPReadTimeout
	rtmpDeadline(c, timeout)
	// The guard refuses a chunk size gortmplib would allocate for
	// before the bytes arrive (rtmpguard.go).
	sc := &gortmplib.ServerConn{RW: struct {
		io.Reader
		io.Writer
	}{newRTMPGuard(c), c}}
	if err := sc.Initialize(); err != nil {
		return fmt.Errorf("handshake: %w", err)
	}
	if err := sc.AcceptConn(); err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	if !sc.Publish {
		sc.RejectAction()
		return errors.New("play is not supported: push only")
	}
	t, err := s.parseRTMPURL(ctx, sc.URL)
	if err != nil {
		sc.RejectAction()
		return err
	}
	ch, err := s.eng.LiveChannel(ctx, t.bucket, t.channel)
	if err == nil && ch.Disabled {
		err = errors.New("the live channel is disabled")
	}
	if err != nil {
		sc.RejectAction()
		return err
	}
	if t.playlist == "" {
		t.playlist = ch.PlaylistName
	}
	p := &livePush{conn: c, remote: c.RemoteAddr().String(), connected: s.clock.Now().UTC()}
	if !s.live.register(t.bucket, t.channel, p) {
		sc.RejectAction()
		return errLiveBusy
	}
	var seg *segmenter
	defer func() {
		// The push is recorded and the playlist finalised before the
		// channel takes another publisher; the playlist last, so that a
		// reader who sees #EXT-X-ENDLIST finds the push in the history.
		if err := s.eng.AddLivePush(ctx, t.bucket, t.channel, engine.LivePush{Start: p.connected, End: s.clock.Now().UTC(), RemoteAddr: p.remote}); err != nil && !errors.Is(err, engine.ErrNoSuchLiveChannel) {
			s.rtmpLog().Error("httpapi: rtmp: recording the push", "bucket", t.bucket, "channel", t.channel, "err", err)
		}
		if seg != nil {
			if err := seg.finish(); err != nil {
				s.rtmpLog().Error("httpapi: rtmp: finalising the playlist", "bucket", t.bucket, "channel", t.channel, "err", err)
			}
		}
		s.live.unregister(t.bucket, t.channel, p)
	}()

	r := &gortmplib.Reader{Conn: sc}
	rtmpDeadline(c, timeout)
	if err := r.Initialize(); err != nil {
		return fmt.Errorf("reading the tracks: %w", err)
	}
	seg = &segmenter{s: s, ctx: ctx, bucket: t.bucket, channel: t.channel, playlist: t.playlist,
		fragDuration: time.Duration(ch.FragDuration) * time.Second, fragCount: ch.FragCount, start: p.connected, push: p}
	if err := seg.setTracks(r); err != nil {
		return err
	}
	for {
		rtmpDeadline(c, timeout)
		if err := r.Read(); err != nil {
			return err
		}
		if seg.err != nil {
			return seg.err
		}
	}
}

// liveHub holds a server's pushes in progress.
type liveHub struct {
	mu       sync.Mutex
	pushes   map[string]*livePush
	rtmpPort string
}

// livePush is one push in progress; its stats change under liveHub.mu.
type livePush struct {
	conn      net.Conn
	remote    string
	connected time.Time
	video     struct {
		codec                    string
		width, height, frameRate int
		bandwidth                int64
		bytes                    int64
		frames                   int64
		firstDTS, lastDTS        time.Duration
	}
	audio struct {
		codec      string
		sampleRate int
		bandwidth  int64
		bytes      int64
		first      time.Duration
		last       time.Duration
	}
}

func liveID(bucket, channel string) string { return bucket + "\x00" + channel }

func (h *liveHub) setPort(p string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.rtmpPort = p
}

// port is the port of the last RTMP listener started ("" for none).
func (h *liveHub) port() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.rtmpPort
}

// register makes p the channel's push, unless another one is running.
func (h *liveHub) register(bucket, channel string, p *livePush) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.pushes == nil {
		h.pushes = map[string]*livePush{}
	}
	id := liveID(bucket, channel)
	if h.pushes[id] != nil {
		return false
	}
	h.pushes[id] = p
	return true
}

func (h *liveHub) unregister(bucket, channel string, p *livePush) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if id := liveID(bucket, channel); h.pushes[id] == p {
		delete(h.pushes, id)
	}
}

func (h *liveHub) pushing(bucket, channel string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.pushes[liveID(bucket, channel)] != nil
}

// drop disconnects the channel's push, if any; its connection goroutine
// finalises the playlist.
func (h *liveHub) drop(bucket, channel string) {
	h.mu.Lock()
	p := h.pushes[liveID(bucket, channel)]
	h.mu.Unlock()
	if p != nil {
		p.conn.Close()
	}
}

// stat returns a copy of the channel's push with bandwidths computed.
func (h *liveHub) stat(bucket, channel string) (livePush, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	p := h.pushes[liveID(bucket, channel)]
	if p == nil {
		return livePush{}, false
	}
	out := *p
	if d := out.video.lastDTS - out.video.firstDTS; d > 0 {
		out.video.bandwidth = int64(float64(out.video.bytes) / d.Seconds())
		out.video.frameRate = int(float64(out.video.frames-1)/d.Seconds() + 0.5)
	}
	if d := out.audio.last - out.audio.first; d > 0 {
		out.audio.bandwidth = int64(float64(out.audio.bytes) / d.Seconds())
	}
	return out, true
}

// noteVideo and noteAudio update the push's stats.
func (h *liveHub) noteVideo(p *livePush, dts time.Duration, n int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if p.video.frames == 0 {
		p.video.firstDTS = dts
	}
	p.video.frames++
	p.video.lastDTS = dts
	p.video.bytes += int64(n)
}

func (h *liveHub) noteAudio(p *livePush, pts time.Duration, n int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if p.audio.bytes == 0 {
		p.audio.first = pts
	}
	p.audio.last = pts
	p.audio.bytes += int64(n)
}

func (h *liveHub) setVideo(p *livePush, sps []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	p.video.codec = "H264"
	var s h264.SPS
	if err := s.Unmarshal(sps); err == nil {
		p.video.width, p.video.height = s.Width(), s.Height()
	}
}

func (h *liveHub) setAudio(p *livePush, sampleRate int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	p.audio.codec, p.audio.sampleRate = "AAC", sampleRate
}

// setTracks wires the reader's H.264 and AAC tracks to the segmenter;
// a stream without H.264 video is refused, other audio is dropped.
func (g *segmenter) setTracks(r *gortmplib.Reader) error {
	var video, audio *gortmplib.Track
	for _, t := range r.Tracks() {
		switch c := t.Codec.(type) {
		case *codecs.H264:
			if video == nil {
				video = t
				g.s.live.setVideo(g.push, c.SPS)
			}
		case *codecs.MPEG4Audio:
			if audio == nil && c.Config != nil {
				audio = t
				g.s.live.setAudio(g.push, c.Config.SampleRate)
			}
		}
	}
	if video == nil {
		return errors.New("the stream has no H.264 video track")
	}
	g.video = video.Codec.(*codecs.H264)
	r.OnDataH264(video, g.onVideo)
	if audio != nil {
		g.audio = audio.Codec.(*codecs.MPEG4Audio)
		r.OnDataMPEG4Audio(audio, g.onAudio)
	}
	return nil
}

func md5Hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}
