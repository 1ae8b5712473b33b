package engine

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc64"
	"io"
	"strings"
	"sync"

	"github.com/osslite/osslite/pkg/checksum"
	"github.com/osslite/osslite/wal"
)

// ChecksumInput asks Put to compute a flexible checksum and, when an expected
// value is known, to verify it.
type ChecksumInput struct {
	Algorithm checksum.Algorithm
	// Value is the expected checksum (raw bytes); nil means compute and store.
	Value []byte
	// Trailer, when set, is called after the body has been read to the end
	// and returns the expected value (aws-chunked trailers arrive last).
	Trailer func() ([]byte, error)
	// also, when set, is a second algorithm computed alongside (the
	// default checksum of a part sent with another one): body.alsoSum.
	also checksum.Algorithm
}

// body is the result of streaming one request body into the store.
type body struct {
	size  int64
	md5   [md5.Size]byte
	crc64 uint64
	sha1  [sha1.Size]byte // indexes the content (FindByContent), when hasSHA1
	// hasSHA1: ingestSHA1 was asked for.
	hasSHA1 bool
	// noCRC64: ingestNoCRC64 was asked for; crc64 is 0.
	noCRC64 bool
	sum     []byte // flexible checksum, when requested
	alsoSum []byte // ChecksumInput.also's checksum, when requested
	inline  []byte
	blob    *newBlob // nil when inline
	// written is the blob-log write's registration's done (startWrite),
	// nil until the body's first append: an inline body makes none.
	written func()
	// lent is the pooled buffer b.inline lies in (ingestLendInline), and
	// e its pool's engine: done returns it.
	lent *[]byte
	e    *Engine
	// scratch is ingest's, in the body's allocation instead of two of
	// its own (cleared when ingest returns).
	scratch ingestScratch
}

// ingestScratch holds what ingest's reads pass through interfaces, which
// would make each a heap object: the reader limited to the declared size
// and the one-chunk view list.
type ingestScratch struct {
	limit io.LimitedReader
	views [1][]byte
}

// done must be called once the body's metadata is committed or abandoned:
// until then garbage collection leaves its chunks alone. A lent inline
// body's buffer goes back to its pool. Calling it again does nothing.
func (b *body) done() {
	if b.written != nil {
		b.written()
	}
	if b.lent != nil {
		b.e.putChunkBuf(b.lent)
		b.lent = nil
	}
}

// newBlob is a body written to the blob log but not yet in the metadata.
type newBlob struct {
	id        uint64
	size      int64
	chunkSize int64
	locs      []wal.Loc
	sha1      []byte // of the whole body, once ingested
}

// sha1Hex is the body's SHA-1 in hex, or "" when it was not computed.
func (b *body) sha1Hex() string {
	if !b.hasSHA1 {
		return ""
	}
	return hex.EncodeToString(b.sha1[:])
}

// ingestFlags say what ingest does besides storing and hashing MD5 and
// CRC64.
type ingestFlags uint8

const (
	// ingestInline keeps a small body for an inline record.
	ingestInline ingestFlags = 1 << iota
	// ingestSHA1 computes the body's SHA-1 (for the content index).
	ingestSHA1
	// ingestNoCRC64 skips the CRC-64/ECMA.
	ingestNoCRC64
	// ingestLendInline keeps an unencrypted inline body in the pooled
	// chunk buffer it was read into, instead of copying it out: the
	// buffer goes back to its pool at body.done, so the caller must not
	// use body.inline (or a record holding it) after that. For callers
	// whose record is encoded, and so copied, before done.
	ingestLendInline
)

// extents returns the extents referencing the whole body.
func (b *body) extents() []extent {
	if b.blob == nil {
		return nil
	}
	return []extent{{blob: b.blob.id, n: b.blob.size}}
}

var crc64Table = crc64.MakeTable(crc64.ECMA)

var chunkPools sync.Map // chunk size -> *sync.Pool of *[]byte

func (e *Engine) chunkBuf() *[]byte { return e.pooledBuf(e.opts.ChunkSize) }

// smallBufSizes are the sizes of the pooled buffers that a body or an
// object known to be smaller than a chunk gets instead of a whole chunk's
// (bufFor): under many concurrent small requests, a chunk buffer each
// (1 MiB by default) was most of a store's resident memory.
var smallBufSizes = [...]int{8 << 10, 32 << 10, 128 << 10, 512 << 10}

// bufFor returns a pooled buffer of at least n bytes: the smallest of
// smallBufSizes that holds n, or a chunk buffer when n is unknown (< 0) or
// none below the chunk size does. Whatever its length, a buffer read into
// grows as a chunk buffer does, and putChunkBuf keeps it by its length.
func (e *Engine) bufFor(n int64) *[]byte {
	if n >= 0 {
		for _, c := range smallBufSizes {
			if c >= e.opts.ChunkSize {
				break
			}
			if n <= int64(c) {
				return e.pooledBuf(c)
			}
		}
	}
	return e.chunkBuf()
}

// pooledBuf returns a buffer of n bytes from n's pool, with room for the
// tag of a sealed chunk read in place.
func (e *Engine) pooledBuf(n int) *[]byte {
	p, ok := chunkPools.Load(n)
	if !ok {
		p, _ = chunkPools.LoadOrStore(n, &sync.Pool{New: func() any {
			b := make([]byte, n, n+gcmOverhead)
			return &b
		}})
	}
	return p.(*sync.Pool).Get().(*[]byte)
}

func (e *Engine) putChunkBuf(b *[]byte) {
	if p, ok := chunkPools.Load(len(*b)); ok {
		p.(*sync.Pool).Put(b)
	}
}

// ingest streams r into the blob log (or, when inline is allowed and the
// body is small, keeps it for an inline record),
// hashing as it goes, and verifies declared size and digests. size is the
// declared length or -1. It holds at most one chunk in memory. The blob log
// is synced before ingest returns, so the metadata commit that follows may
// reference the blobs.
//
// With bk set, every chunk (and an inline body) is sealed under bk.
func (e *Engine) ingest(ctx context.Context, r io.Reader, size int64, contentMD5 []byte, ck *ChecksumInput, contentType string, flags ingestFlags, bk *bodyKey) (*body, error) {
	if size > MaxObjectSize {
		return nil, fmt.Errorf("%w: %d bytes exceeds %d", ErrEntityTooLarge, size, int64(MaxObjectSize))
	}
	if r == nil {
		r = bytes.NewReader(nil)
	}
	if err := e.waitForReclaim(ctx); err != nil {
		return nil, err
	}
	var ckHash, alsoHash hash.Hash
	if ck != nil {
		if _, err := checksum.ParseAlgorithm(string(ck.Algorithm)); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalidArgument, err)
		}
		ckHash = ck.Algorithm.New()
		if ck.also != "" {
			alsoHash = ck.also.New()
		}
	}
	b := &body{e: e}
	defer func() { b.scratch = ingestScratch{} }() // no references kept past ingest
	src := r
	if size >= 0 {
		// Read one byte past the declared size to detect a longer body.
		b.scratch.limit = io.LimitedReader{R: r, N: size + 1}
		src = &b.scratch.limit
	}
	md, mdRelease, simd := e.md5.hasher(size)
	defer mdRelease()
	var crc hash.Hash64
	if flags&ingestNoCRC64 == 0 {
		crc = crc64.New(crc64Table)
	}
	var sh hash.Hash
	if flags&ingestSHA1 != 0 {
		sh = sha1.New()
	}
	inline := flags&ingestInline != 0
	// A body of known size gets a buffer one byte longer than it (a
	// longer body shows in the read), which is its blob's chunk size if it
	// is not inlined; an unknown or large one a chunk buffer.
	want := int64(-1)
	if size >= 0 {
		want = size + 1
	}
	bufp := e.bufFor(want)
	lent := false // the buffer holds b.inline: b.done returns it
	defer func() {
		if !lent {
			e.putChunkBuf(bufp)
		}
	}()
	buf := *bufp
	appendFlags := wal.AppendFlags(0)
	var sealed *[]byte
	if incompressible(contentType) || bk != nil {
		appendFlags |= wal.NoCompress // ciphertext does not compress
	}
	if bk != nil {
		sealed = e.sealBuf()
		defer e.putSealBuf(sealed)
	}
	// The write registers with garbage collection (startWriteToken) before
	// it appends: its appends land in the active segment of that moment
	// or a later one. A body known to fit inline appends nothing and
	// registers only if it comes to append after all (a longer body fails
	// before that).
	var token uint64
	register := func() {
		if b.written == nil {
			b.written, token = e.startWriteToken()
		}
	}
	if !inline || size < 0 || size > int64(e.opts.InlineThreshold) {
		register()
	}
	// stream, when set, holds the body's chunks in segments of their own.
	var stream *wal.Stream
	// With inPlace, the chunks are read straight into the memory of an
	// in-memory store's blob log (wal.Stream.Reserve) instead of into buf
	// and then copied there: an uncompressed, unencrypted large body.
	inPlace := bk == nil && (appendFlags&wal.NoCompress != 0 || e.opts.Compression == wal.NoCompression)
	var res *wal.Reservation // open until its chunk is committed
	guarded := false         // in e.views: Close keeps the memory until we leave
	chunkViews := &b.scratch.views
	ok := false
	defer func() {
		if res != nil {
			res.Cancel()
		}
		if guarded {
			e.views.leave()
		}
		if stream != nil {
			_ = stream.Close() // seals; the segments stay protected until done
		}
		if !ok {
			b.done()
			if b.blob != nil {
				// The chunks written so far are garbage now (a client
				// that went away, a bad digest).
				var n int64
				for _, loc := range b.blob.locs {
					n += int64(loc.Size)
				}
				e.markDirty(segmentsOf(b.blob.locs)...)
				e.noteDead(n, stream != nil)
			}
		}
	}()
	newBlob := func() {
		register()
		b.blob = &newBlob{id: e.nextBlob.Add(1) - 1, chunkSize: int64(len(buf))}
	}
	if size > streamMinChunks*int64(len(buf)) {
		// Known to be large: the stream is there before the first read.
		newBlob()
		stream = e.streamWrite(token)
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if inPlace && stream != nil && !guarded {
			if guarded = e.views.enter(); !guarded {
				inPlace = false // closing: Append reports it
			}
		}
		var n int
		var rerr error
		var chunk []byte   // the chunk, when read into buf
		var views [][]byte // the chunk's bytes
		if inPlace && stream != nil {
			r, err := stream.Reserve(len(buf))
			if err != nil {
				return nil, blobLogError("writing blob", err)
			}
			if res = r; r == nil {
				inPlace = false // a file system that lends no memory
			} else {
				n, rerr = readFullViews(src, r.Payload())
				views = trimViews(r.Payload(), n)
			}
		}
		if res == nil {
			n, rerr = io.ReadFull(src, buf)
			chunk = buf[:n]
			chunkViews[0] = chunk
			views = chunkViews[:]
		}
		if rerr != nil && rerr != io.EOF && rerr != io.ErrUnexpectedEOF {
			return nil, fmt.Errorf("engine: reading body: %w", rerr)
		}
		b.size += int64(n)
		if size >= 0 && b.size > size {
			return nil, fmt.Errorf("%w: body longer than %d bytes", ErrIncompleteBody, size)
		}
		if b.size > MaxObjectSize {
			return nil, fmt.Errorf("%w: body exceeds %d bytes", ErrEntityTooLarge, int64(MaxObjectSize))
		}
		// MD5 is the slowest step: on a large chunk it runs on another core
		// while this one does the CRCs and the blob-log append (the simd
		// hasher's Write only queues the bytes for its server).
		var mdDone chan struct{}
		if n >= parallelHashMin && !simd {
			mdDone = make(chan struct{})
			go func() {
				writeViews(md, views)
				close(mdDone)
			}()
		} else {
			writeViews(md, views)
		}
		if crc != nil {
			writeViews(crc, views)
		}
		if sh != nil {
			writeViews(sh, views)
		}
		if ckHash != nil {
			writeViews(ckHash, views)
		}
		if alsoHash != nil {
			writeViews(alsoHash, views)
		}
		last := rerr != nil
		if last && b.blob == nil && (n == 0 || inline && n <= e.opts.InlineThreshold) {
			if mdDone != nil {
				<-mdDone
			}
			switch {
			case bk != nil:
				b.inline = bk.aead.Seal(make([]byte, 0, n+gcmOverhead), chunkNonce(0, 0), chunk, nil)
			case flags&ingestLendInline != 0 && n > 0:
				b.inline, lent = chunk, true
				b.lent = bufp
			default:
				b.inline = append(make([]byte, 0, n), chunk...)
			}
			break
		}
		if n == 0 && res != nil {
			res.Cancel()
			res = nil
		}
		if n > 0 {
			if b.blob == nil {
				newBlob()
				if size < 0 && !last {
					// A large body gets segments of its own: they are freed
					// whole when it is deleted or overwritten, without
					// compaction copying other bodies around it.
					stream = e.streamWrite(token)
				}
			}
			var loc wal.Loc
			var err error
			switch {
			case res != nil:
				loc, err = res.Commit(n)
				res = nil
			case bk != nil:
				data := bk.aead.Seal((*sealed)[:0], chunkNonce(b.blob.id, uint32(len(b.blob.locs))), chunk, nil)
				if stream != nil {
					loc, err = stream.Append(data, appendFlags)
				} else {
					loc, err = e.log.Append(data, appendFlags)
				}
			case stream != nil:
				loc, err = stream.Append(chunk, appendFlags)
			default:
				loc, err = e.log.Append(chunk, appendFlags)
			}
			if mdDone != nil {
				<-mdDone // the chunk buffer is reused by the next read
			}
			if err != nil {
				return nil, blobLogError("writing blob", err)
			}
			b.blob.locs = append(b.blob.locs, loc)
			b.blob.size += int64(n)
		}
		if last {
			break
		}
	}
	if size >= 0 && b.size != size {
		return nil, fmt.Errorf("%w: got %d of %d bytes", ErrIncompleteBody, b.size, size)
	}
	md.Sum(b.md5[:0])
	if crc != nil {
		b.crc64 = crc.Sum64()
	} else {
		b.noCRC64 = true
	}
	if sh != nil {
		sh.Sum(b.sha1[:0])
		b.hasSHA1 = true
		if b.blob != nil && bk == nil {
			b.blob.sha1 = b.sha1[:] // an encrypted body is never found by content
		}
	}
	if contentMD5 != nil && !bytes.Equal(contentMD5, b.md5[:]) {
		return nil, &DigestError{Algorithm: ContentMD5, Expected: contentMD5, Calculated: bytes.Clone(b.md5[:])}
	}
	if ckHash != nil {
		b.sum = ckHash.Sum(nil)
		if alsoHash != nil {
			b.alsoSum = alsoHash.Sum(nil)
		}
		want := ck.Value
		if ck.Trailer != nil {
			v, err := ck.Trailer()
			if err != nil {
				return nil, err
			}
			if v != nil {
				want = v
			}
		}
		if want != nil && !bytes.Equal(want, b.sum) {
			return nil, &DigestError{Algorithm: string(ck.Algorithm)}
		}
	}
	if stream != nil {
		if err := stream.Sync(); err != nil {
			return nil, blobLogError("syncing blob log", err)
		}
	} else if b.blob != nil {
		if err := e.log.Sync(); err != nil {
			return nil, blobLogError("syncing blob log", err)
		}
	}
	ok = true
	return b, nil
}

// readFullViews is io.ReadFull into the views in turn: it returns the bytes
// read in all, and io.EOF or io.ErrUnexpectedEOF when r ended first.
func readFullViews(r io.Reader, views [][]byte) (int, error) {
	total := 0
	for _, v := range views {
		n, err := io.ReadFull(r, v)
		total += n
		if err == io.EOF && total > 0 {
			err = io.ErrUnexpectedEOF
		}
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// trimViews returns the views holding the first n bytes of views.
func trimViews(views [][]byte, n int) [][]byte {
	for i, v := range views {
		if n <= len(v) {
			out := append(make([][]byte, 0, i+1), views[:i]...)
			return append(out, v[:n])
		}
		n -= len(v)
	}
	return views
}

// writeViews writes the views to a hash in turn.
func writeViews(h io.Writer, views [][]byte) {
	for _, v := range views {
		_, _ = h.Write(v)
	}
}

// streamMinChunks: a body of more than this many chunks (4 MiB by
// default), or of unknown size and more than one, is written through a
// wal.Stream, segments of its own. Smaller ones share the active segment:
// a segment file per body of a few MiB would multiply the files, and the
// segments every compaction lists, for little space won back.
const streamMinChunks = 4

// parallelHashMin is the chunk size from which MD5 runs concurrently.
const parallelHashMin = 256 << 10

// MaxObjectSize is the largest body one Put (or one part) stores: 5 GiB,
// as S3 and OSS allow. Larger objects are assembled by multipart upload.
const MaxObjectSize = 5 << 30

// incompressible reports content types that are compressed already.
func incompressible(ct string) bool {
	ct = strings.ToLower(ct)
	for _, p := range []string{"image/", "video/", "audio/", "application/zip", "application/gzip", "application/x-gzip",
		"application/zstd", "application/x-bzip2", "application/x-xz", "application/x-7z", "application/vnd.rar"} {
		if strings.HasPrefix(ct, p) {
			return !strings.HasPrefix(ct, "image/svg") && !strings.HasPrefix(ct, "image/bmp")
		}
	}
	return false
}

// blobLogError wraps a failed blob-log write or sync (what it was
// doing); the log closed by a concurrent Engine.Close is ErrClosed, as
// every call after Close is.
func blobLogError(what string, err error) error {
	if errors.Is(err, wal.ErrClosed) {
		return fmt.Errorf("%w: %s: %w", ErrClosed, what, err)
	}
	return fmt.Errorf("engine: %s: %w", what, err)
}
