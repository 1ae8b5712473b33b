package wal

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/zstd"
	"github.com/zeebo/xxh3"
)

// Record framing. Every record is a 32-byte header followed by the stored
// (possibly compressed) payload:
//
//	[0:4]   magic "BLB1": a zeroed or foreign region never parses
//	[4]     compression kind (Compression)
//	[5:8]   reserved, zero
//	[8:12]  stored payload length (little-endian uint32)
//	[12:16] raw payload length (uint32)
//	[16:24] segment id (uint64): a record is only valid in its own file
//	[24:32] checksum: xxh3(header[0:24] || le64(xxh3(stored payload)))
//
// The two-level checksum lets Append hash the payload before it takes the
// log's lock and learns the segment id.
const (
	headerLen   = 32
	recordMagic = "BLB1"
)

// MaxPayloadSize is the largest payload Append accepts, and the largest
// stored or raw length a record header may claim.
const MaxPayloadSize = 256 << 20

// maxPooledBuf bounds the buffers kept in bufPool; larger ones are left to
// the garbage collector.
const maxPooledBuf = 16 << 20

var bufPool sync.Pool // of *[]byte

func getBuf(n int) *[]byte {
	if p, ok := bufPool.Get().(*[]byte); ok {
		if cap(*p) >= n {
			*p = (*p)[:n]
			return p
		}
		bufPool.Put(p)
	}
	b := make([]byte, n)
	return &b
}

func putBuf(p *[]byte) {
	if cap(*p) <= maxPooledBuf {
		bufPool.Put(p)
	}
}

func payloadChecksum(hdr []byte, payloadHash uint64) uint64 {
	var b [32]byte
	copy(b[:24], hdr[:24])
	binary.LittleEndian.PutUint64(b[24:], payloadHash)
	return xxh3.Hash(b[:])
}

// header is a decoded record header.
type header struct {
	kind   Compression
	stored uint32
	raw    uint32
	sum    uint64
}

func corruptf(seg uint64, off int64, format string, args ...any) error {
	return fmt.Errorf("%w: segment %06d offset %d: %s", ErrCorrupt, seg, off, fmt.Sprintf(format, args...))
}

// parseHeader decodes and sanity-checks h, the header of a record at off in
// segment seg. The checksum is checked later, with the payload.
func parseHeader(h []byte, seg uint64, off int64) (header, error) {
	if string(h[0:4]) != recordMagic {
		return header{}, corruptf(seg, off, "bad magic %x", h[0:4])
	}
	hd := header{
		kind:   Compression(h[4]),
		stored: binary.LittleEndian.Uint32(h[8:]),
		raw:    binary.LittleEndian.Uint32(h[12:]),
		sum:    binary.LittleEndian.Uint64(h[24:]),
	}
	switch {
	case h[5] != 0 || h[6] != 0 || h[7] != 0:
		return header{}, corruptf(seg, off, "reserved header bytes set")
	case hd.kind >= numCompression:
		return header{}, corruptf(seg, off, "unknown compression %d", h[4])
	case hd.stored > MaxPayloadSize || hd.raw > MaxPayloadSize:
		return header{}, corruptf(seg, off, "length %d/%d exceeds maximum", hd.stored, hd.raw)
	case hd.kind == NoCompression && hd.stored != hd.raw:
		return header{}, corruptf(seg, off, "uncompressed record with stored %d != raw %d", hd.stored, hd.raw)
	}
	if id := binary.LittleEndian.Uint64(h[16:]); id != seg {
		return header{}, corruptf(seg, off, "record belongs to segment %d", id)
	}
	return hd, nil
}

// readFull reads len(p) bytes at off. A short read (the file ends) is
// corruption; any other error is an I/O error and is returned as such.
func readFull(f vfs.File, p []byte, seg uint64, off int64) error {
	n, err := f.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		return corruptf(seg, off, "truncated: read %d of %d bytes", n, len(p))
	}
	return fmt.Errorf("wal: read segment %06d offset %d: %w", seg, off, err)
}

// codecs holds the compressors shared by every goroutine using a Log. zstd
// encoders and decoders are expensive, so they are created once (lazily) and
// used through the goroutine-safe EncodeAll/DecodeAll; their concurrency
// bounds the memory they hold.
type codecs struct {
	mu     sync.Mutex
	closed bool
	zenc   *zstd.Encoder
	zdec   *zstd.Decoder
}

func codecConcurrency() int { return min(runtime.GOMAXPROCS(0), 4) }

func (c *codecs) encoder() (*zstd.Encoder, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, ErrClosed
	}
	if c.zenc == nil {
		e, err := zstd.NewWriter(nil,
			zstd.WithEncoderConcurrency(codecConcurrency()),
			zstd.WithEncoderCRC(false), // the record checksum covers it
			zstd.WithLowerEncoderMem(true))
		if err != nil {
			return nil, fmt.Errorf("wal: zstd encoder: %w", err)
		}
		c.zenc = e
	}
	return c.zenc, nil
}

func (c *codecs) decoder() (*zstd.Decoder, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, ErrClosed
	}
	if c.zdec == nil {
		d, err := zstd.NewReader(nil,
			zstd.WithDecoderConcurrency(codecConcurrency()),
			zstd.WithDecoderMaxMemory(MaxPayloadSize),
			zstd.WithDecodeAllCapLimit(true))
		if err != nil {
			return nil, fmt.Errorf("wal: zstd decoder: %w", err)
		}
		c.zdec = d
	}
	return c.zdec, nil
}

func (c *codecs) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	if c.zenc != nil {
		_ = c.zenc.Close()
		c.zenc = nil
	}
	if c.zdec != nil {
		c.zdec.Close()
		c.zdec = nil
	}
}

// encode frames payload into a pooled buffer: header (magic, kind, lengths;
// the segment id and checksum are filled in by seal) followed by the stored
// payload. It returns the buffer, the payload bytes to write after it
// (tail: nil, or with separate set the uncompressed payload itself, not
// copied into the buffer) and xxh3 of the stored payload. The compressed
// form is kept only if it saves at least minSavings of the raw size.
func (c *codecs) encode(payload []byte, kind Compression, minSavings float64, separate bool) (bufp *[]byte, tail []byte, payloadHash uint64, err error) {
	n := len(payload)
	limit := int(float64(n) * (1 - minSavings)) // largest stored size worth keeping
	stored := -1
	switch {
	case n == 0 || kind == NoCompression:
	case kind == S2:
		bufp = getBuf(headerLen + max(n, s2.MaxEncodedLen(n)))
		out := s2.Encode((*bufp)[headerLen:], payload)
		stored = len(out)
	case kind == Zstd:
		enc, err := c.encoder()
		if err != nil {
			return nil, nil, 0, err
		}
		bufp = getBuf(headerLen + n)
		out := enc.EncodeAll(payload, (*bufp)[:headerLen])
		stored = len(out) - headerLen
		if &out[0] != &(*bufp)[0] { // grown: keep the larger buffer
			putBuf(bufp)
			out = out[:cap(out)]
			bufp = &out
		}
	}
	if stored < 0 || stored > limit {
		kind, stored = NoCompression, n
		if separate && n > 0 {
			tail = payload
		}
		if bufp == nil {
			bufp = getBuf(headerLen + n - len(tail))
		}
		copy((*bufp)[headerLen:headerLen+n-len(tail)], payload)
	}
	b := (*bufp)[:headerLen+stored-len(tail)]
	*bufp = b
	putHeader(b, kind, stored, n)
	if tail != nil {
		return bufp, tail, xxh3.Hash(tail), nil
	}
	return bufp, nil, xxh3.Hash(b[headerLen:]), nil
}

// putHeader writes the magic, compression kind and lengths of a record
// header into b; seal adds the segment id and checksum.
func putHeader(b []byte, kind Compression, stored, raw int) {
	copy(b[0:4], recordMagic)
	b[4] = byte(kind)
	b[5], b[6], b[7] = 0, 0, 0
	binary.LittleEndian.PutUint32(b[8:], uint32(stored))
	binary.LittleEndian.PutUint32(b[12:], uint32(raw))
}

// seal writes the segment id and the checksum into the header of rec.
func seal(rec []byte, seg uint64, payloadHash uint64) {
	binary.LittleEndian.PutUint64(rec[16:], seg)
	binary.LittleEndian.PutUint64(rec[24:], payloadChecksum(rec, payloadHash))
}

// decode verifies stored against hd and appends the raw payload to dst[:0].
// When the record is not compressed and stored aliases dst, no copy is made.
// The raw length is checked against what stored can decode to before any
// buffer of that length is made (checkLengths), so a record that lies
// about it costs about what its payload can decode to, not its claim.
func (c *codecs) decode(hd header, hdrBytes []byte, stored []byte, dst []byte, seg uint64, off int64) ([]byte, error) {
	if got := payloadChecksum(hdrBytes, xxh3.Hash(stored)); got != hd.sum {
		return nil, corruptf(seg, off, "checksum mismatch: %016x != %016x", got, hd.sum)
	}
	if err := checkLengths(hd, stored, seg, off); err != nil {
		return nil, err
	}
	switch hd.kind {
	case NoCompression:
		if len(dst) > 0 && len(stored) > 0 && &dst[0] == &stored[0] {
			return dst[:len(stored)], nil
		}
		return append(dst[:0], stored...), nil
	case S2:
		dst = grow(dst, int(hd.raw))
		out, err := s2.Decode(dst, stored)
		if err != nil {
			return nil, corruptf(seg, off, "s2: %v", err)
		}
		return out, nil
	case Zstd:
		dec, err := c.decoder()
		if err != nil {
			return nil, err
		}
		// The decoder stops at cap(dst) (WithDecodeAllCapLimit): it
		// never grows the buffer past the raw length.
		out, err := dec.DecodeAll(stored, grow(dst, int(hd.raw))[:0])
		if err != nil {
			return nil, corruptf(seg, off, "zstd: %v", err)
		}
		if len(out) != int(hd.raw) {
			return nil, corruptf(seg, off, "zstd decoded %d bytes, header says %d", len(out), hd.raw)
		}
		return out, nil
	}
	return nil, corruptf(seg, off, "unknown compression %d", hd.kind)
}

// checkLengths checks the raw length of a compressed record against what
// its stored payload says of itself, without decoding it: the length an
// S2 block declares, or what a zstd payload's frames declare (their
// content sizes) or can hold at most (zstdDecodedBound). A record
// whose checksum is right but whose raw length lies fails here, before
// anything of that length is allocated; recovery applies it too, so such
// a record is no valid record there either.
func checkLengths(hd header, stored []byte, seg uint64, off int64) error {
	switch hd.kind {
	case S2:
		if n, err := s2.DecodedLen(stored); err != nil || n != int(hd.raw) {
			return corruptf(seg, off, "s2 length %d (%v), header says %d", n, err, hd.raw)
		}
	case Zstd:
		bound, exact, err := zstdDecodedBound(stored)
		switch {
		case err != nil:
			return corruptf(seg, off, "zstd: %v", err)
		case exact && bound != uint64(hd.raw):
			return corruptf(seg, off, "zstd frames declare %d bytes, header says %d", bound, hd.raw)
		case bound < uint64(hd.raw):
			return corruptf(seg, off, "zstd blocks hold at most %d bytes, header says %d", bound, hd.raw)
		}
	}
	return nil
}

// zstdMaxBlock is the most one zstd block decodes to (the format's
// Block_Maximum_Size, less where the window is smaller).
const zstdMaxBlock = 128 << 10

// zstdDecodedBound reads the frame and block headers of a zstd payload
// (RFC 8878), skipping the blocks' contents, and returns the most it can
// decode to: the content size a frame declares, or else the sizes its raw
// and RLE blocks declare plus zstdMaxBlock (or the window, if smaller) for
// each compressed block. exact reports that every frame declared its
// size. The frames and blocks must fill the payload exactly. What the
// log's encoder writes (one frame, its size declared) is bounded by its
// true size; a frame made to claim more than its blocks can hold fails.
func zstdDecodedBound(in []byte) (bound uint64, exact bool, err error) {
	exact = true
	for len(in) > 0 {
		var h zstd.Header
		if in, err = h.DecodeAndStrip(in); err != nil {
			return 0, false, err
		}
		if h.Skippable {
			if uint64(h.SkippableSize) > uint64(len(in)) {
				return 0, false, errors.New("skippable frame runs past the payload")
			}
			in = in[h.SkippableSize:]
			continue
		}
		window := h.WindowSize
		if h.SingleSegment {
			window = h.FrameContentSize
		}
		blockMax := uint64(min(max(window, 1<<10), zstdMaxBlock))
		var frame uint64
		for last := false; !last; {
			if len(in) < 3 {
				return 0, false, errors.New("block header runs past the payload")
			}
			bh := uint32(in[0]) | uint32(in[1])<<8 | uint32(in[2])<<16
			in = in[3:]
			last = bh&1 != 0
			size := int(bh >> 3)
			switch (bh >> 1) & 3 {
			case 0: // raw
				if size > len(in) {
					return 0, false, errors.New("raw block runs past the payload")
				}
				frame, in = frame+uint64(size), in[size:]
			case 1: // RLE: one byte, repeated size times
				if len(in) < 1 {
					return 0, false, errors.New("RLE block runs past the payload")
				}
				frame, in = frame+uint64(size), in[1:]
			case 2: // compressed
				if size > len(in) {
					return 0, false, errors.New("compressed block runs past the payload")
				}
				frame, in = frame+blockMax, in[size:]
			default:
				return 0, false, errors.New("reserved block type")
			}
		}
		if h.HasCheckSum {
			if len(in) < 4 {
				return 0, false, errors.New("frame checksum runs past the payload")
			}
			in = in[4:]
		}
		if h.HasFCS {
			if h.FrameContentSize > frame {
				return 0, false, fmt.Errorf("frame declares %d bytes, its blocks hold at most %d", h.FrameContentSize, frame)
			}
			frame = h.FrameContentSize
		} else {
			exact = false
		}
		bound += frame
	}
	return bound, exact, nil
}

// grow returns dst[:n], reallocating when dst is too small.
func grow(dst []byte, n int) []byte {
	if cap(dst) < n {
		return make([]byte, n)
	}
	return dst[:n]
}

// recordReader reads consecutive records of one segment file.
type recordReader struct {
	f     vfs.File
	seg   uint64
	limit int64 // bytes of the file that may hold records
	c     *codecs
	hdr   [headerLen]byte
	buf   []byte // stored payload of compressed (or only verified) records
}

// header reads the header of the record at off into r.hdr and checks it:
// framing, that it matches expect (if not nil), that the payload fits
// before r.limit.
func (r *recordReader) header(off int64, expect *Loc) (header, Loc, error) {
	if r.limit-off < headerLen {
		return header{}, Loc{}, corruptf(r.seg, off, "truncated header: %d bytes left", r.limit-off)
	}
	if err := readFull(r.f, r.hdr[:], r.seg, off); err != nil {
		return header{}, Loc{}, err
	}
	hd, err := parseHeader(r.hdr[:], r.seg, off)
	if err != nil {
		return header{}, Loc{}, err
	}
	loc := Loc{Segment: r.seg, Offset: off, Size: headerLen + hd.stored, RawSize: hd.raw}
	if expect != nil && loc != *expect {
		return header{}, Loc{}, corruptf(r.seg, off, "record is %v, want %v", loc, *expect)
	}
	if int64(hd.stored) > r.limit-off-headerLen {
		return header{}, Loc{}, corruptf(r.seg, off, "truncated payload: %d bytes, %d left", hd.stored, r.limit-off-headerLen)
	}
	return hd, loc, nil
}

// read reads and verifies the record at off. If expect is not nil the
// header must match it. With decode, the payload is decoded into dst[:0] and
// returned; otherwise only the checksum is verified and nil returned.
func (r *recordReader) read(off int64, expect *Loc, decode bool, dst []byte) (Loc, []byte, error) {
	hd, loc, err := r.header(off, expect)
	if err != nil {
		return Loc{}, nil, err
	}
	var stored []byte
	if decode && hd.kind == NoCompression {
		dst = grow(dst, int(hd.stored))
		stored = dst
	} else {
		r.buf = grow(r.buf, int(hd.stored))
		stored = r.buf
	}
	if err := readFull(r.f, stored, r.seg, off+headerLen); err != nil {
		return Loc{}, nil, err
	}
	if !decode {
		if got := payloadChecksum(r.hdr[:], xxh3.Hash(stored)); got != hd.sum {
			return Loc{}, nil, corruptf(r.seg, off, "checksum mismatch: %016x != %016x", got, hd.sum)
		}
		if err := checkLengths(hd, stored, r.seg, off); err != nil {
			return Loc{}, nil, err
		}
		return loc, nil, nil
	}
	out, err := r.c.decode(hd, r.hdr[:], stored, dst, r.seg, off)
	if err != nil {
		return Loc{}, nil, err
	}
	return loc, out, nil
}
