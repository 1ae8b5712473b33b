package engine

import (
	"context"
	"crypto/cipher"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/cockroachdb/pebble/v2"
	"github.com/osslite/osslite/wal"
)

// ByteRange is a requested byte range. Exactly one form is used:
//   - Start >= 0, End >= Start: bytes Start..End inclusive (End is clamped
//     to the object);
//   - Start >= 0, End < 0: from Start to the end;
//   - Start < 0: the last Suffix bytes (Suffix > 0).
type ByteRange struct {
	Start, End int64
	Suffix     int64
}

// resolve returns the offset and length of r in an object of size bytes,
// or a *RangeError.
func (r ByteRange) resolve(size int64) (off, n int64, err error) {
	if r.Start < 0 {
		if r.Suffix <= 0 {
			return 0, 0, &RangeError{Size: size}
		}
		n = min(r.Suffix, size)
		if n == 0 {
			return 0, 0, &RangeError{Size: size}
		}
		return size - n, n, nil
	}
	if r.Start >= size {
		return 0, 0, &RangeError{Size: size}
	}
	end := size - 1
	if r.End >= 0 && r.End < end {
		end = r.End
	}
	return r.Start, end - r.Start + 1, nil
}

// GetOptions are the inputs of GetObject. The zero value reads everything
// unconditionally.
type GetOptions struct {
	// Range selects bytes of the object; nil reads all of it. (A pointer
	// because the zero ByteRange is a valid range: the first byte.)
	Range *ByteRange
	Conditions
	// PartNumber, when > 0, reads only that part of a multipart object (an
	// object that is not multipart has one part, number 1).
	PartNumber int
	// CustomerKey is the 32-byte key of an object sealed by EncryptCustomer
	// (ErrCustomerKeyRequired without it; ErrEncryptionNotApplicable when
	// given for another object).
	CustomerKey []byte
	// VersionID reads that version ("": the latest; NullVersionID: the
	// null version). See HeadObjectVersion for the errors.
	VersionID string
	// MetadataOnly opens the object for its Info, Offset, Length and
	// Ranged only, as a HEAD request needs them: conditions, ranges, parts
	// and the customer key are checked as for a read, but no body is kept,
	// so reading the Object fails. It costs one metadata read instead of a
	// snapshot of the store.
	MetadataOnly bool
	// ArchiveDirectRead reads an object of OSS's Archive class that has
	// no restored copy, as a bucket with OSS's real-time access of
	// Archive objects allows (the colder classes still need a restore).
	ArchiveDirectRead bool

	// refuseLink refuses an OSS symlink (ErrCopySourceSymlink) before
	// anything of the object read through it is judged (its state,
	// conditions, range): UploadPartCopy's source, which a caller decides
	// on the link's own record.
	refuseLink bool
	// pin refuses (ErrCopySourceChanged) an object other than the one it
	// pins, after refuseLink and before anything of the object is judged
	// (its state, conditions, range): UploadPartCopy's source, whose
	// caller decided its read, and chose its range, on that object.
	pin *SourcePin
}

// errNoBody is what reading an Object opened with MetadataOnly gives.
var errNoBody = errors.New("engine: object opened with GetOptions.MetadataOnly has no body to read")

// Object is an open object body. Read it to the end or not, but the caller
// must call Close. Info is the object's metadata; Offset and Length say which
// bytes of it Read returns.
//
// Object is an io.ReadSeeker and an io.ReaderAt over those Length bytes, so
// http.ServeContent, archive/zip.NewReader and parquet readers can use it
// directly. Positions are relative to Offset: for a ranged Object (Ranged
// true) position 0 is the first byte of the range and Seek(0, io.SeekEnd)
// gives Length, not Info.Size, like an io.SectionReader. Open the object
// without a Range or PartNumber to address the whole of it. Seeking costs
// nothing until the next Read, which reads (and verifies) only the chunk
// holding the new position.
//
// # Concurrency
//
// Read, Seek and WriteTo share one position and must not be called
// concurrently with each other. ReadAt does not use or move that position
// and is safe for concurrent use, with itself and with Read, Seek and
// WriteTo; Close waits for ReadAt calls in flight.
type Object struct {
	Info ObjectInfo
	// Offset and Length locate the returned bytes within the object.
	Offset, Length int64
	// Ranged is true when a Range or PartNumber selected part of the object.
	Ranged bool

	e      *Engine
	snap   *pebble.Snapshot
	inline []byte
	// inlineBuf, when set, holds inline; Close returns it to its pool.
	inlineBuf *[]byte
	extents   []extent
	noBody    bool                   // opened with MetadataOnly
	pos       int64                  // position of the next Read, relative to Offset
	cur       []byte                 // remaining bytes of the current chunk
	ext       int                    // index of the current extent
	extPos    int64                  // bytes of the current extent consumed
	buf       *[]byte                // chunk buffer of Read and WriteTo
	epoch     uint64                 // garbage-collection pin, released by Close
	aeads     map[uint64]cipher.AEAD // data keys by blob of an encrypted object

	blobs      sync.Map // blob ID -> *blobRecord, read once per Object
	startsOnce sync.Once
	starts     []int64 // offset of each extent within the object

	mu     sync.RWMutex // held (read) by ReadAt, (write) by Close
	closed bool
}

// GetObject opens bucket/key for reading. Conditions failing give a
// *ConditionError (ErrNotModified or ErrPreconditionFailed); an
// unsatisfiable range gives a *RangeError. The reader sees the object as it
// was when GetObject returned, even if it is overwritten or deleted while
// being read.
func (e *Engine) GetObject(ctx context.Context, bucket, key string, opts GetOptions) (*Object, error) {
	if err := e.enter(ctx); err != nil {
		return nil, err
	}
	defer e.leave()
	return e.openEncrypted(ctx, bucket, key, opts, false, opts.CustomerKey)
}

// openPinned opens an object on a fresh snapshot, pinning the blob-log
// segments it may read until Close. A read that wants no body
// (MetadataOnly) needs neither, and neither does the current version of an
// object whose body is inline or empty: one record, read consistently by a
// single Get (openCurrent). A snapshot costs two trips through pebble's
// lock and a compaction check when it closes.
func (e *Engine) openPinned(bucket, key string, opts GetOptions, copySource bool) (*Object, error) {
	if opts.MetadataOnly {
		// As HeadObjectVersion reads: each record by itself.
		rec, err := e.resolveVersion(e.db, bucket, key, opts.VersionID, false)
		if err != nil {
			return nil, err
		}
		return e.openRecord(nil, rec, opts, copySource)
	}
	if opts.VersionID == "" {
		if o, ok, err := e.openCurrent(bucket, key, opts, copySource); ok || err != nil {
			return o, err
		}
		// Anything else (a symlink, a missing key, a record that changed
		// while the snapshot was taken) is read again, all of it on one
		// snapshot.
	}
	epoch := e.pin()
	snap := e.db.NewSnapshot()
	o, err := e.openObjectAs(snap, bucket, key, opts, copySource)
	if err != nil {
		snap.Close()
		e.unpin(epoch)
		return nil, err
	}
	o.epoch = epoch
	return o, nil
}

// openCurrent opens the current version of bucket/key from one read of its
// record, when it is a plain object (ok false otherwise: open it on a
// snapshot). A body in the blob log needs the snapshot for its chunk
// locators, taken after the read (the pin before it): the record is the
// snapshot's when no mutation's batch became visible in between, which
// e.commits tells without reading the record again.
func (e *Engine) openCurrent(bucket, key string, opts GetOptions, copySource bool) (_ *Object, ok bool, _ error) {
	seq := e.commits.Load()
	v, closer, err := e.db.Get(objectKey(bucket, key))
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	defer closer.Close()
	var snap *pebble.Snapshot
	var epoch uint64
	release := func() {
		if snap != nil {
			snap.Close()
			e.unpin(epoch)
		}
	}
	if hasExtents(v) {
		if seq%2 == 1 {
			return nil, false, nil // a commit was applying
		}
		epoch = e.pin()
		snap = e.db.NewSnapshot()
		if e.commits.Load() != seq {
			release()
			return nil, false, nil
		}
	}
	// An inline body is copied out of v, not read from it in place:
	// holding v's closer while a client reads would pin the memtable
	// that holds v, which a client that stalls its reads (HTTP/2 streams
	// without window) could do for many memtables at once. The copy goes
	// into a pooled buffer the Object returns at Close.
	rec, err := decodeObjectParts(v, true, false)
	if err != nil || rec.info.Type == ObjectSymlink {
		release()
		return nil, false, err
	}
	var inlineBuf *[]byte
	if rec.inline != nil {
		p, ok := inlineField(v)
		if !ok {
			release()
			return nil, false, fmt.Errorf("%w: inline body of %s/%s", ErrCorrupt, bucket, key)
		}
		inlineBuf = getInlineBuf(len(p))
		*inlineBuf = append((*inlineBuf)[:0], p...)
		rec.inline = *inlineBuf
	}
	rec.info.Bucket, rec.info.Key = bucket, key // as objectRecord
	e.restoreStatus(&rec)                       // as resolveVersion
	o, err := e.openRecord(snap, rec, opts, copySource)
	if err != nil {
		putInlineBuf(inlineBuf)
		release()
		return nil, true, err
	}
	o.epoch, o.inlineBuf = epoch, inlineBuf
	return o, true, nil
}

// inlineBufs holds the buffers of inline bodies being read
// (Object.inlineBuf): a GET of a small object allocates no copy of it.
var inlineBufs = sync.Pool{New: func() any { b := make([]byte, 0, defaultInlineThreshold); return &b }}

// getInlineBuf returns an empty buffer with room for n bytes.
func getInlineBuf(n int) *[]byte {
	bp := inlineBufs.Get().(*[]byte)
	if cap(*bp) < n {
		*bp = make([]byte, 0, n)
	}
	return bp
}

// putInlineBuf returns bp (nil: nothing) to the pool; buffers grown for a
// store with a large InlineThreshold are not kept.
func putInlineBuf(bp *[]byte) {
	if bp != nil && cap(*bp) <= 4*defaultInlineThreshold {
		inlineBufs.Put(bp)
	}
}

// openObjectAs opens an object on snap; copySource selects copy-source
// semantics for the conditions. The Object owns snap from then on.
func (e *Engine) openObjectAs(snap *pebble.Snapshot, bucket, key string, opts GetOptions, copySource bool) (*Object, error) {
	rec, err := e.resolveVersion(snap, bucket, key, opts.VersionID, true)
	if err != nil {
		return nil, err
	}
	return e.openRecord(snap, rec, opts, copySource)
}

// archivedError is the refusal of a read of rec, archived and not
// restored.
func (rec *objectRecord) archivedError() *ArchivedError {
	return &ArchivedError{StorageClass: rec.info.StorageClass, AccessTier: rec.info.AccessTier, Bucket: rec.info.Bucket, Key: rec.info.Key, Info: rec.info}
}

// openRecord opens rec, read from snap (nil: a record that needs no
// snapshot, see openPinned).
func (e *Engine) openRecord(snap *pebble.Snapshot, rec objectRecord, opts GetOptions, copySource bool) (*Object, error) {
	if opts.refuseLink && rec.info.Type == ObjectSymlink {
		return nil, fmt.Errorf("%w: %s/%s", ErrCopySourceSymlink, rec.info.Bucket, rec.info.Key)
	}
	if err := opts.pin.check(&rec.info); err != nil {
		return nil, err
	}
	// An archived object's metadata can be read (HEAD: MetadataOnly), and
	// a HEAD's conditions are judged on it as on any object's; a read of
	// its body is refused first.
	archived := !readable(rec) && !(opts.ArchiveDirectRead && rec.info.StorageClass == DirectReadArchiveClass)
	if archived && !opts.MetadataOnly {
		return nil, rec.archivedError()
	}
	if err := opts.Conditions.evaluate(rec.info, copySource); err != nil {
		var ce *ConditionError
		if !errors.As(err, &ce) {
			return nil, err
		}
		withInfo := *ce
		withInfo.Info = rec.info
		return nil, &withInfo
	}
	if archived {
		return nil, rec.archivedError()
	}
	o := &Object{Info: rec.info, e: e, snap: snap, inline: rec.inline, extents: rec.extents, Length: rec.info.Size, noBody: opts.MetadataOnly}
	switch {
	case rec.info.Size == 0 && len(rec.info.PartSizes) == 0 &&
		(opts.PartNumber == 1 || opts.PartNumber == 0 && opts.Range != nil && opts.Range.Start < 0 && opts.Range.Suffix > 0):
		// An empty object read as its part 1, or by its last N bytes (the
		// one satisfiable range of an empty body, RFC 9110 14.1.1): the
		// whole object, unranged, as S3 answers it (200, no Content-Range).
	case opts.PartNumber > 0:
		off, n, err := partBounds(rec.info, opts.PartNumber)
		if err != nil {
			return nil, unsatisfiable(err, &rec.info)
		}
		o.Offset, o.Length, o.Ranged = off, n, true
	case opts.Range != nil:
		off, n, err := opts.Range.resolve(rec.info.Size)
		if err != nil {
			return nil, unsatisfiable(err, &rec.info)
		}
		o.Offset, o.Length, o.Ranged = off, n, true
	}
	if o.inline != nil {
		o.cur = o.inline[o.Offset : o.Offset+o.Length]
		return o, nil
	}
	// Skip whole extents before Offset without reading them.
	skip := o.Offset
	for o.ext < len(o.extents) && skip >= o.extents[o.ext].n {
		skip -= o.extents[o.ext].n
		o.ext++
	}
	o.extPos = skip
	return o, nil
}

// unsatisfiable gives err, a *RangeError or *PartNumberError of a read
// of info (made for this read), that info: the size or part count its
// answer tells is that object's.
func unsatisfiable(err error, info *ObjectInfo) error {
	var re *RangeError
	var pe *PartNumberError
	switch {
	case errors.As(err, &re):
		re.Info = *info
	case errors.As(err, &pe):
		pe.Info = *info
	}
	return err
}

// partBounds locates part n of an object.
func partBounds(info ObjectInfo, n int) (off, size int64, err error) {
	sizes := info.PartSizes
	if len(sizes) == 0 {
		sizes = []int64{info.Size}
	}
	if n > len(sizes) {
		return 0, 0, &PartNumberError{Requested: n, Count: len(sizes)}
	}
	for _, s := range sizes[:n-1] {
		off += s
	}
	if sizes[n-1] == 0 {
		return 0, 0, &RangeError{Size: info.Size}
	}
	return off, sizes[n-1], nil
}

// Read implements io.Reader.
func (o *Object) Read(p []byte) (int, error) {
	if o.closed {
		return 0, ErrClosed
	}
	remaining := o.Length - o.pos
	if remaining <= 0 {
		return 0, io.EOF
	}
	if len(o.cur) == 0 {
		if err := o.load(); err != nil {
			return 0, err
		}
	}
	n := copy(p[:min(int64(len(p)), remaining)], o.cur)
	o.cur = o.cur[n:]
	o.pos += int64(n)
	return n, nil
}

// load reads the chunk holding the next byte into o.cur. It finds the chunk
// by arithmetic (every chunk of a blob but the last is chunkSize long), so
// a range costs one chunk read, wherever it starts.
func (o *Object) load() error {
	c, err := o.nextChunk()
	if err != nil {
		return err
	}
	return o.loadChunk(c)
}

// nextChunk locates the chunk holding the next byte.
func (o *Object) nextChunk() (chunkAt, error) {
	if o.noBody {
		return chunkAt{}, errNoBody
	}
	for o.ext < len(o.extents) && o.extPos >= o.extents[o.ext].n {
		o.ext++
		o.extPos = 0
	}
	if o.ext >= len(o.extents) {
		return chunkAt{}, fmt.Errorf("%w: %s/%s ends before its size", ErrCorrupt, o.Info.Bucket, o.Info.Key)
	}
	return o.chunkLoc(o.extents[o.ext], o.extPos)
}

// chunkBuf returns a pooled buffer for the object's chunks, sized by the
// object: a small object's chunks are no longer than it (but for one that
// holds part of a larger blob, a ranged copy's, whose read grows the
// buffer as any short buffer grows).
func (o *Object) chunkBuf() *[]byte { return o.e.bufFor(o.Info.Size) }

// loadChunk reads c, the chunk holding the next byte, into o.cur.
func (o *Object) loadChunk(c chunkAt) error {
	if o.buf == nil {
		o.buf = o.chunkBuf()
	}
	data, err := o.readLoc(c, o.buf)
	if err != nil {
		return err
	}
	o.extPos += int64(len(data))
	o.cur = data
	return nil
}

// blobOf returns the record of x's blob, read from the snapshot once per
// Object. Safe for concurrent use.
func (o *Object) blobOf(x extent) (*blobRecord, error) {
	if br, ok := o.blobs.Load(x.blob); ok {
		return br.(*blobRecord), nil
	}
	v, ok, err := o.snapGet(blobKey(x.blob))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w: blob %d of %s/%s is missing", ErrCorrupt, x.blob, o.Info.Bucket, o.Info.Key)
	}
	br, err := decodeBlob(v)
	if err != nil {
		return nil, err
	}
	if br.chunkSize <= 0 {
		return nil, fmt.Errorf("%w: blob %d has chunk size %d", ErrCorrupt, x.blob, br.chunkSize)
	}
	o.blobs.Store(x.blob, &br)
	return &br, nil
}

// snapGet reads key from the reader's snapshot; ErrClosed once the engine
// is closed (pebble panics on a snapshot of a closed store).
func (o *Object) snapGet(key []byte) ([]byte, bool, error) {
	if err := o.e.admit(); err != nil {
		return nil, false, err
	}
	defer o.e.leave()
	return get(o.snap, key)
}

// chunkAt is the chunk of extent x that holds byte p of the extent: its
// blob-log location, its index in its blob, and p's offset within it.
type chunkAt struct {
	x       extent
	p       int64
	loc     wal.Loc
	idx, in int64
}

// chunkLoc locates the chunk of x holding byte p of the extent.
func (o *Object) chunkLoc(x extent, p int64) (chunkAt, error) {
	br, err := o.blobOf(x)
	if err != nil {
		return chunkAt{}, err
	}
	if x.off+x.n > br.size {
		return chunkAt{}, fmt.Errorf("%w: extent past the end of blob %d", ErrCorrupt, x.blob)
	}
	q := x.off + p
	c := chunkAt{x: x, p: p, idx: q / br.chunkSize, in: q % br.chunkSize}
	v, ok, err := o.snapGet(chunkKey(x.blob, uint32(c.idx)))
	if err != nil {
		return chunkAt{}, err
	}
	if !ok {
		return chunkAt{}, fmt.Errorf("%w: chunk %d of blob %d is missing", ErrCorrupt, c.idx, x.blob)
	}
	c.loc, err = decodeLoc(v)
	return c, err
}

// readChunk reads, into *buf, the chunk of extent x that holds the byte at
// p (relative to the extent), and returns the bytes from p to the end of
// the chunk or of the extent, whichever comes first. The blob log verifies
// the chunk's checksum. Safe for concurrent use with distinct bufs.
func (o *Object) readChunk(x extent, p int64, buf *[]byte) ([]byte, error) {
	c, err := o.chunkLoc(x, p)
	if err != nil {
		return nil, err
	}
	return o.readLoc(c, buf)
}

// readLoc is readChunk for a chunk already located.
func (o *Object) readLoc(c chunkAt, buf *[]byte) ([]byte, error) {
	data, err := o.e.log.Read(c.loc, (*buf)[:0])
	if err != nil {
		return nil, o.logErr(err)
	}
	if cap(data) > cap(*buf) {
		*buf = data[:cap(data)]
	}
	if o.aeads != nil {
		if data, err = o.openChunk(c.x.blob, c.idx, data); err != nil {
			return nil, err
		}
	}
	if c.in >= int64(len(data)) {
		return nil, fmt.Errorf("%w: chunk %d of blob %d is short", ErrCorrupt, c.idx, c.x.blob)
	}
	data = data[c.in:]
	return data[:min(int64(len(data)), c.x.n-c.p)], nil
}

// logErr describes a blob-log read failure of the object.
func (o *Object) logErr(err error) error {
	if errors.Is(err, wal.ErrCorrupt) {
		return fmt.Errorf("%w: %s/%s: %w", ErrCorrupt, o.Info.Bucket, o.Info.Key, err)
	}
	return fmt.Errorf("engine: reading %s/%s: %w", o.Info.Bucket, o.Info.Key, err)
}

// locate returns the extent holding byte abs of the object and abs's
// position inside it. abs must be below the object's size.
func (o *Object) locate(abs int64) (ext int, pos int64) {
	o.startsOnce.Do(func() {
		o.starts = make([]int64, len(o.extents))
		var off int64
		for i, x := range o.extents {
			o.starts[i] = off
			off += x.n
		}
	})
	// The last extent starting at or before abs (empty extents share a
	// start with the next one; this picks the non-empty one).
	i, _ := slices.BinarySearchFunc(o.starts, abs, func(s, t int64) int {
		if s <= t {
			return -1
		}
		return 1
	})
	i--
	if i < 0 {
		return len(o.extents), 0
	}
	return i, abs - o.starts[i]
}

// Seek implements io.Seeker. Offsets are relative to the first byte Read
// returns (Offset within the object), and io.SeekEnd to Length. Seeking
// past the end is allowed (Read then returns io.EOF); a negative position
// is ErrInvalidArgument. No bytes are read until the next Read.
func (o *Object) Seek(offset int64, whence int) (int64, error) {
	if o.closed {
		return 0, ErrClosed
	}
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = o.pos + offset
	case io.SeekEnd:
		abs = o.Length + offset
	default:
		return 0, fmt.Errorf("%w: whence %d", ErrInvalidArgument, whence)
	}
	if abs < 0 {
		return 0, fmt.Errorf("%w: seek to negative position %d", ErrInvalidArgument, abs)
	}
	switch {
	case abs == o.pos:
	case abs > o.pos && abs-o.pos <= int64(len(o.cur)):
		// Forward within the chunk already read.
		o.cur = o.cur[abs-o.pos:]
		o.pos = abs
	default:
		o.pos = abs
		o.cur = nil
		end := o.Offset + o.Length
		if o.inline != nil {
			o.cur = o.inline[min(o.Offset+abs, end):end]
		} else if abs < o.Length {
			o.ext, o.extPos = o.locate(o.Offset + abs)
		}
	}
	return abs, nil
}

// ReadAt implements io.ReaderAt: it reads len(p) bytes at position off
// (relative to Offset, as for Seek), reading and verifying only the chunks
// that hold them. It neither uses nor moves the position of Read and Seek,
// and is safe for concurrent use. Fewer than len(p) bytes come with an
// error: io.EOF at the end, ErrCorrupt when a chunk fails verification.
func (o *Object) ReadAt(p []byte, off int64) (int, error) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	if o.closed {
		return 0, ErrClosed
	}
	if off < 0 {
		return 0, fmt.Errorf("%w: read at negative offset %d", ErrInvalidArgument, off)
	}
	if off >= o.Length {
		return 0, io.EOF
	}
	if o.noBody {
		return 0, errNoBody
	}
	want := int(min(int64(len(p)), o.Length-off))
	n := 0
	if o.inline != nil {
		n = copy(p[:want], o.inline[o.Offset+off:])
	} else {
		buf := o.chunkBuf()
		defer o.e.putChunkBuf(buf)
		ext, pos := o.locate(o.Offset + off)
		for n < want {
			if ext >= len(o.extents) {
				return n, fmt.Errorf("%w: %s/%s ends before its size", ErrCorrupt, o.Info.Bucket, o.Info.Key)
			}
			x := o.extents[ext]
			if pos >= x.n {
				ext, pos = ext+1, 0
				continue
			}
			data, err := o.readChunk(x, pos, buf)
			if err != nil {
				return n, err
			}
			c := copy(p[n:want], data)
			n += c
			pos += int64(c)
		}
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// WriteTo implements io.WriterTo, so io.Copy streams chunk by chunk.
func (o *Object) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for o.pos < o.Length {
		if o.closed {
			return total, ErrClosed
		}
		if len(o.cur) == 0 {
			c, err := o.nextChunk()
			if err != nil {
				return total, err
			}
			if o.e.inPlace && o.aeads == nil {
				n, ok, err := o.writeInPlace(w, c)
				total += n
				if err != nil {
					return total, err
				}
				if ok {
					continue
				}
			}
			if err := o.loadChunk(c); err != nil {
				return total, err
			}
		}
		chunk := o.cur[:min(int64(len(o.cur)), o.Length-o.pos)]
		n, err := w.Write(chunk)
		total += int64(n)
		o.pos += int64(n)
		o.cur = o.cur[n:]
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// writeInPlace writes c, the chunk holding the next byte, to w straight
// from the blob log's memory (a memory store: no copy into a chunk
// buffer), checked as a read is. ok is false when the chunk cannot be read
// in place (a compressed chunk): load it instead. If w fails partway, the
// rest of the chunk is left in o.cur, as after a load.
func (o *Object) writeInPlace(w io.Writer, c chunkAt) (n int64, ok bool, err error) {
	// The views are the segment's memory: the pin keeps the segment, the
	// read lock keeps Close (and its unpin) out, and the engine's view
	// guard keeps its memory from being released while they are in use.
	o.mu.RLock()
	defer o.mu.RUnlock()
	if o.closed {
		return 0, false, ErrClosed
	}
	if !o.e.views.enter() {
		return 0, false, ErrClosed
	}
	defer o.e.views.leave()
	var arr [8][]byte // a chunk spans a few blocks at most
	views, err := o.e.log.ReadViews(c.loc, arr[:0])
	if errors.Is(err, wal.ErrNoView) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, o.logErr(err)
	}
	// Keep the bytes of this chunk the object still wants: from c.in, up
	// to the extent's end and the object's length.
	in, want := c.in, min(c.x.n-c.p, o.Length-o.pos)
	parts := views[:0]
	for _, v := range views {
		if in >= int64(len(v)) {
			in -= int64(len(v))
			continue
		}
		v, in = v[in:], 0
		if v = v[:min(int64(len(v)), want)]; len(v) == 0 {
			break
		}
		parts = append(parts, v)
		want -= int64(len(v))
	}
	if len(parts) == 0 {
		return 0, true, fmt.Errorf("%w: chunk %d of blob %d is short", ErrCorrupt, c.idx, c.x.blob)
	}
	for i, v := range parts {
		k, err := w.Write(v)
		n += int64(k)
		o.pos += int64(k)
		o.extPos += int64(k)
		if err != nil {
			o.keepRest(append([][]byte{v[k:]}, parts[i+1:]...))
			return n, true, err
		}
	}
	return n, true, nil
}

// keepRest copies the bytes of a chunk that writeInPlace could not write
// into the chunk buffer as o.cur, as if load had read them.
func (o *Object) keepRest(rest [][]byte) {
	if o.buf == nil {
		o.buf = o.chunkBuf()
	}
	cur := (*o.buf)[:0]
	for _, v := range rest {
		cur = append(cur, v...)
	}
	if cap(cur) > cap(*o.buf) {
		*o.buf = cur[:cap(cur)]
	}
	o.cur = cur
	o.extPos += int64(len(cur))
}

// Close releases the reader. It is safe to call more than once, and waits
// for ReadAt calls in flight.
func (o *Object) Close() error { return o.close(true) }

// closeInside is Close for a reader the engine's own operation opened and
// closes before it returns, while the stores stay open for it: inside the
// gate (RunPending), or a background pass, which Close waits for before
// it shuts the gate. The release does not go through the gate, which
// refuses once Close has shut it while it waits for that operation (a
// remote replication delivery cut after Close began).
func (o *Object) closeInside() error { return o.close(false) }

func (o *Object) close(gated bool) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return nil
	}
	o.closed = true
	if o.buf != nil {
		o.e.putChunkBuf(o.buf)
		o.buf = nil
	}
	o.cur = nil
	if o.inlineBuf != nil {
		o.inline = nil
		putInlineBuf(o.inlineBuf)
		o.inlineBuf = nil
	}
	if o.snap == nil {
		return nil // neither a snapshot nor a pin (openPinned)
	}
	// Releasing the snapshot and the pin (which may remove blob-log
	// segments) uses both stores: the gate, not admit, which refuses
	// once Close began. A background pass's reader (a remote delivery
	// cut by Close's cancel) is closed after that, while Close waits
	// for the pass with the stores still open, and must release them.
	if gated {
		if !o.e.gate.enter() {
			// The engine was closed under the reader, against Close's
			// contract: pebble has reported the snapshot as leaked, and
			// segments left retired are dead to the next Open's
			// compaction.
			return nil
		}
		defer o.e.leave()
	}
	err := o.snap.Close()
	o.e.unpin(o.epoch)
	return err
}
