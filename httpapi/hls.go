package httpapi

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bluenviron/gortmplib/pkg/codecs"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts"

	"github.com/osslite/osslite/engine"
)

// segmentDurationMeta is the user-metadata entry holding a segment's
// duration in seconds (GetVodPlaylist reads it back).
const segmentDurationMeta = "duration"

// segmentBuffer is the write buffer between the MPEG-TS muxer (188-byte
// packets) and the engine writer of a segment.
const segmentBuffer = 64 << 10

// segmenter cuts one push into MPEG-TS segments at key frames near
// fragDuration, streams each into the bucket through an engine writer
// (<channel>/<playlist base><unix ms>.ts) and rewrites the playlist
// (<channel>/<playlist>, the latest fragCount segments) after each one.
// It runs on the connection's goroutine; err stops the connection.
type segmenter struct {
	s                         *server
	ctx                       context.Context
	bucket, channel, playlist string
	fragDuration              time.Duration
	fragCount                 int
	start                     time.Time // the push's start, engine clock
	push                      *livePush
	video                     *codecs.H264
	audio                     *codecs.MPEG4Audio
	err                       error

	started   bool
	firstDTS  time.Duration
	lastDTS   time.Duration
	frameStep time.Duration // the last distance between two frames
	cur       *segment
	entries   []hlsEntry
	seq       int64 // media sequence number of entries[0]
}

// segment is the segment being written.
type segment struct {
	key, name string
	at        time.Time
	startDTS  time.Duration
	w         *engine.Writer
	buf       *bufio.Writer
	ts        *mpegts.Writer
	vt, at2   *mpegts.Track
}

// ticks converts a stream time to the 90 kHz clock of MPEG-TS, offset so
// that audio slightly before the first key frame stays positive.
func (g *segmenter) ticks(d time.Duration) int64 {
	return int64((d - g.firstDTS + time.Second) * 90000 / time.Second)
}

// maxWithoutKeyFrame is how long a segment may grow waiting for a key
// frame: max(2*FragDuration, 60 s) (spec 10.4).
func (g *segmenter) maxWithoutKeyFrame() time.Duration {
	return max(2*g.fragDuration, 60*time.Second)
}

func (g *segmenter) onVideo(pts, dts time.Duration, au [][]byte) {
	if g.err != nil {
		return
	}
	vcl := false
	kept := au[:0:0]
	for _, n := range au {
		if len(n) == 0 {
			continue
		}
		kept = append(kept, n)
		switch h264.NALUType(n[0] & 0x1F) {
		case h264.NALUTypeSPS:
			g.video.SPS = n
		case h264.NALUTypePPS:
			g.video.PPS = n
		case h264.NALUTypeNonIDR, h264.NALUTypeDataPartitionA, h264.NALUTypeDataPartitionB, h264.NALUTypeDataPartitionC, h264.NALUTypeIDR:
			vcl = true
		}
	}
	if !vcl { // a sequence header: parameter sets only
		return
	}
	au = kept
	size := 0
	for _, n := range au {
		size += len(n)
	}
	g.s.live.noteVideo(g.push, dts, size)
	key := h264.IsRandomAccess(au)
	switch {
	case g.cur == nil && !key:
		return // a segment starts with a key frame
	case g.cur == nil:
		if !g.started {
			g.started, g.firstDTS = true, dts
		}
		g.err = g.open(dts)
	case key && dts-g.cur.startDTS >= g.fragDuration, dts-g.cur.startDTS >= g.maxWithoutKeyFrame():
		if g.err = g.close(dts, false); g.err == nil {
			g.err = g.open(dts)
		}
	}
	if g.err != nil {
		return
	}
	if key && !hasNALU(au, h264.NALUTypeSPS) && g.video.SPS != nil && g.video.PPS != nil {
		// Every segment decodes on its own: parameter sets before each
		// key frame.
		au = append([][]byte{g.video.SPS, g.video.PPS}, au...)
	}
	if dts > g.lastDTS {
		g.frameStep = dts - g.lastDTS
	}
	g.lastDTS = dts
	if err := g.cur.ts.WriteH264(g.cur.vt, g.ticks(pts), g.ticks(dts), au); err != nil {
		g.err = fmt.Errorf("muxing video: %w", err)
	}
}

func hasNALU(au [][]byte, t h264.NALUType) bool {
	for _, n := range au {
		if h264.NALUType(n[0]&0x1F) == t {
			return true
		}
	}
	return false
}

func (g *segmenter) onAudio(pts time.Duration, au []byte) {
	if g.err != nil || g.cur == nil || g.cur.at2 == nil || len(au) == 0 {
		return
	}
	g.s.live.noteAudio(g.push, pts, len(au))
	if err := g.cur.ts.WriteMPEG4Audio(g.cur.at2, g.ticks(pts), [][]byte{au}); err != nil {
		g.err = fmt.Errorf("muxing audio: %w", err)
	}
}

// open starts a segment at stream time dts.
func (g *segmenter) open(dts time.Duration) error {
	at := g.start.Add(dts - g.firstDTS)
	base := strings.TrimSuffix(g.playlist, ".m3u8")
	name := base + strconv.FormatInt(at.UnixMilli(), 10) + ".ts"
	seg := &segment{key: g.channel + "/" + name, name: name, at: at, startDTS: dts}
	w, err := g.s.eng.NewWriter(g.ctx, g.bucket, seg.key, engine.PutOptions{Metadata: engine.Metadata{ContentType: "video/MP2T"}})
	if err != nil {
		return fmt.Errorf("opening segment %s: %w", seg.key, err)
	}
	seg.w, seg.buf = w, bufio.NewWriterSize(w, segmentBuffer)
	seg.vt = &mpegts.Track{Codec: &mpegts.CodecH264{}}
	tracks := []*mpegts.Track{seg.vt}
	if g.audio != nil {
		seg.at2 = &mpegts.Track{Codec: &mpegts.CodecMPEG4Audio{Config: *g.audio.Config}}
		tracks = append(tracks, seg.at2)
	}
	seg.ts = &mpegts.Writer{W: seg.buf, Tracks: tracks}
	if err := seg.ts.Initialize(); err != nil {
		w.Abort()
		return fmt.Errorf("muxer: %w", err)
	}
	if _, err := seg.ts.WriteTables(); err != nil {
		w.Abort()
		return fmt.Errorf("muxer: %w", err)
	}
	g.cur = seg
	return nil
}

// close commits the current segment, which ends at stream time end, and
// rewrites the playlist (with #EXT-X-ENDLIST when ended).
func (g *segmenter) close(end time.Duration, ended bool) error {
	seg := g.cur
	g.cur = nil
	if err := seg.buf.Flush(); err != nil {
		seg.w.Abort()
		return fmt.Errorf("writing segment %s: %w", seg.key, err)
	}
	if err := seg.w.Close(); err != nil {
		return fmt.Errorf("committing segment %s: %w", seg.key, err)
	}
	secs := (end - seg.startDTS).Seconds()
	meta := engine.Metadata{ContentType: "video/MP2T", User: map[string]string{segmentDurationMeta: strconv.FormatFloat(secs, 'f', 3, 64)}}
	if _, err := g.s.eng.UpdateObject(g.ctx, g.bucket, seg.key, engine.ObjectUpdate{Metadata: &meta}); err != nil {
		return fmt.Errorf("segment %s: %w", seg.key, err)
	}
	g.entries = append(g.entries, hlsEntry{name: seg.name, at: seg.at, seconds: secs})
	if n := len(g.entries) - g.fragCount; n > 0 {
		g.entries = append(g.entries[:0], g.entries[n:]...)
		g.seq += int64(n)
	}
	return g.writePlaylist(ended)
}

func (g *segmenter) writePlaylist(ended bool) error {
	body := renderPlaylist(g.entries, g.seq, ended)
	key := g.channel + "/" + g.playlist
	_, err := g.s.eng.PutObject(g.ctx, g.bucket, key, bytes.NewReader(body), int64(len(body)),
		engine.PutOptions{Metadata: engine.Metadata{ContentType: "application/x-mpegURL"}})
	if err != nil {
		return fmt.Errorf("writing playlist %s: %w", key, err)
	}
	return nil
}

// finish ends the push: the open segment is committed (or discarded
// after an error) and the playlist gets #EXT-X-ENDLIST.
func (g *segmenter) finish() error {
	if g.cur != nil {
		if g.err != nil {
			g.cur.w.Abort()
			g.cur = nil
		} else {
			step := g.frameStep
			if step <= 0 {
				step = 40 * time.Millisecond
			}
			return g.close(g.lastDTS+step, true)
		}
	}
	if len(g.entries) == 0 {
		return nil
	}
	return g.writePlaylist(true)
}
