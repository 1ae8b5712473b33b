package httpapi

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// gortmplib sizes each chunk's buffer from the header (the smaller of the
// message length the chunk declares and the peer's chunk size) and
// allocates it before the chunk's bytes arrive; a peer may set its chunk
// size up to 10 MiB before any publish is authorized. Thirty bytes after
// the handshake then held 10 MiB for the read timeout, on each of the 256
// connections. rtmpGuard reads the client's bytes before gortmplib does,
// follows the chunk stream as gortmplib does (RTMP 1.0, 5.3) and refuses
// a chunk size above maxRTMPChunkSize, so a chunk costs at most that
// before its bytes are seen.

// maxRTMPChunkSize is the largest chunk size a publisher may set: 64 KiB,
// what gortmplib's own client sets (OBS and librtmp set 4096).
const maxRTMPChunkSize = 64 << 10

// rtmpHandshakeBytes is what a client sends in a plain handshake: C0, C1
// and C2.
const rtmpHandshakeBytes = 1 + 1536 + 1536

// gortmplib's own bounds, past which it ends the connection itself.
const (
	rtmpLibMaxBody    = 10 << 20
	rtmpMsgChunkSize  = 1
	rtmpMsgAbort      = 2
	rtmpExtendedStamp = 0xFFFFFF
)

var (
	errRTMPChunkSize = fmt.Errorf("httpapi: rtmp: a chunk size above %d bytes is not accepted", maxRTMPChunkSize)
	errRTMPEncrypted = errors.New("httpapi: rtmp: encrypted RTMP (RTMPE) is not supported")
)

// rtmpChunkStream is what the guard knows of one chunk stream: the
// message being received, as gortmplib keeps it.
type rtmpChunkStream struct {
	started  bool // a type 0 chunk was seen (timestamp available)
	typ      byte
	length   uint32
	recv     uint32
	extended bool
	head     [4]byte // the first bytes of a control message's body
}

// rtmpGuard is an io.Reader over a publisher's connection that follows
// the chunk stream, refusing what gortmplib would hold more memory for
// than the client sent. Once the stream is something gortmplib itself
// refuses, the guard passes the bytes on and lets it.
type rtmpGuard struct {
	r         io.Reader
	skip      int // handshake bytes still to pass
	chunkSize uint32
	streams   [64]rtmpChunkStream
	cur       *rtmpChunkStream
	hdr       [16]byte
	hn, need  int    // header bytes collected and needed
	fmtType   byte   // the current chunk's header format (0-3)
	body      uint32 // bytes of the current chunk's body still to pass
	off       int    // in the basic header's phase: 0 = expecting it
	ext       bool   // the extended timestamp is being collected
	passing   bool   // gortmplib ends the connection: stop following
	err       error
}

func newRTMPGuard(r io.Reader) *rtmpGuard {
	return &rtmpGuard{r: r, skip: rtmpHandshakeBytes, chunkSize: 128}
}

func (g *rtmpGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	if n > 0 && !g.passing {
		if ferr := g.feed(p[:n]); ferr != nil {
			g.err = ferr
			return 0, ferr
		}
	}
	return n, err
}

// feed follows b, the next bytes of the stream.
func (g *rtmpGuard) feed(b []byte) error {
	for len(b) > 0 && !g.passing {
		switch {
		case g.skip > 0:
			if g.skip == rtmpHandshakeBytes && b[0] == 6 {
				return errRTMPEncrypted // the rest is RC4: not followed
			}
			k := min(g.skip, len(b))
			g.skip -= k
			b = b[k:]
		case g.body > 0:
			k := min(int(g.body), len(b))
			st := g.cur
			for i := range k {
				if at := st.recv + uint32(i); at < 4 {
					st.head[at] = b[i]
				}
			}
			st.recv += uint32(k)
			g.body -= uint32(k)
			b = b[k:]
			if g.body == 0 {
				if err := g.chunkDone(); err != nil {
					return err
				}
			}
		case g.need == 0:
			g.startChunk(b[0])
			b = b[1:]
			if !g.passing && g.need == 0 {
				g.headerDone()
			}
		default:
			k := min(g.need-g.hn, len(b))
			copy(g.hdr[g.hn:], b[:k])
			g.hn += k
			b = b[k:]
			if g.hn == g.need {
				if err := g.headerStep(); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// startChunk reads a chunk's basic header: its format and stream.
func (g *rtmpGuard) startChunk(c byte) {
	g.fmtType, g.hn, g.ext = c>>6, 0, false
	id := c & 0x3F
	if id < 2 { // extended stream IDs: gortmplib refuses them
		g.passing = true
		return
	}
	g.cur = &g.streams[id]
	st := g.cur
	switch g.fmtType {
	case 0:
		if st.recv != 0 {
			g.passing = true
		}
		g.need = 11
	case 1:
		if !st.started || st.recv != 0 {
			g.passing = true
		}
		g.need = 7
	case 2:
		if !st.started || st.recv != 0 {
			g.passing = true
		}
		g.need = 3
	default:
		if st.recv == 0 && !st.started {
			g.passing = true
		}
		g.need = 0
		if st.extended {
			g.need, g.ext = 4, true
		}
	}
}

// headerStep runs when the bytes needed so far are in: the message
// header, then the extended timestamp if there is one.
func (g *rtmpGuard) headerStep() error {
	if g.ext {
		if g.fmtType != 3 {
			// gortmplib judges the next chunks by the extended value
			st := g.cur
			st.extended = binary.BigEndian.Uint32(g.hdr[:4]) >= rtmpExtendedStamp
		}
		g.need = 0
		g.headerDone()
		return nil
	}
	st, h := g.cur, g.hdr[:]
	stamp := uint32(h[0])<<16 | uint32(h[1])<<8 | uint32(h[2])
	switch g.fmtType {
	case 0, 1:
		st.length = uint32(h[3])<<16 | uint32(h[4])<<8 | uint32(h[5])
		st.typ = h[6]
		st.started = true
		st.extended = stamp >= rtmpExtendedStamp
		if st.length > rtmpLibMaxBody {
			g.passing = true
			return nil
		}
	case 2:
		st.extended = stamp >= rtmpExtendedStamp
	}
	if st.extended {
		g.hn, g.need, g.ext = 0, 4, true
		return nil
	}
	g.need = 0
	g.headerDone()
	return nil
}

// headerDone sizes the chunk's body as gortmplib does.
func (g *rtmpGuard) headerDone() {
	st := g.cur
	if g.fmtType != 3 || st.recv == 0 {
		st.recv = 0
	}
	g.body = min(st.length-st.recv, g.chunkSize)
	if g.body == 0 {
		_ = g.chunkDone() // a message of no bytes completes at once
	}
}

// chunkDone runs at the end of a chunk's body: a message complete is
// acted on as gortmplib acts on it.
func (g *rtmpGuard) chunkDone() error {
	st := g.cur
	if st.recv != st.length {
		return nil
	}
	st.recv = 0
	if st.length != 4 {
		if st.typ == rtmpMsgChunkSize || st.typ == rtmpMsgAbort {
			g.passing = true // gortmplib refuses the body
		}
		return nil
	}
	v := binary.BigEndian.Uint32(st.head[:])
	switch st.typ {
	case rtmpMsgChunkSize:
		if v > maxRTMPChunkSize {
			return errRTMPChunkSize
		}
		g.chunkSize = v
	case rtmpMsgAbort:
		if v >= 2 && v <= 63 && g.streams[v].recv != 0 {
			g.streams[v].recv, g.streams[v].length = 0, 0
		}
	}
	return nil
}
