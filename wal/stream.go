package wal

import (
	"errors"
	"fmt"
	"sync"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/zeebo/xxh3"
)

// Stream appends records to segments of its own, which no other writer
// appends to: the engine writes each large body through one, so the body's
// segments hold nothing else and become reclaimable the moment the body is
// deleted or overwritten, instead of waiting for compaction to pick the
// live bytes of other bodies out of a shared segment. A stream's segments
// count as active (Segments, RemoveSegment) until Close.
//
// A Stream is used by one goroutine; Log.Close may run concurrently and
// makes its later appends fail with ErrClosed.
type Stream struct {
	l *Log

	mu       sync.Mutex
	seg      *segment // nil until the first Append and after Close
	w        vfs.File
	segs     []uint64 // every segment the stream created, in order
	unsynced bool     // appended since the last Sync
	dirDirty bool     // created a segment since the last Sync
	err      error    // sticky write or fsync failure
	closed   bool
	reserved bool // a Reservation is open
}

// NewStream returns a stream whose first Append creates its first segment.
func (l *Log) NewStream() *Stream { return &Stream{l: l} }

// Segments returns the ids of the segments the stream created so far. A
// segment is in this list before Log.Segments can list it.
func (s *Stream) Segments() []uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]uint64(nil), s.segs...)
}

// Append is Log.Append on the stream's own segment: it frames payload,
// writes it and returns its Loc, starting a new segment when the record does
// not fit in Options.SegmentSize. The record is readable through Log.Read at
// once and durable after Sync.
func (s *Stream) Append(payload []byte, flags AppendFlags) (Loc, error) {
	l := s.l
	bufp, tail, payloadHash, err := l.frame(payload, flags)
	if err != nil {
		return Loc{}, err
	}
	defer putBuf(bufp)
	rec := *bufp
	need := int64(len(rec) + len(tail))

	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.roomLocked(need); err != nil {
		return Loc{}, err
	}
	loc, err := writeRecord(s.seg, s.w, rec, tail, payloadHash, len(payload))
	if err != nil {
		s.err = err
		return Loc{}, err
	}
	s.unsynced = true
	return loc, nil
}

// roomLocked makes the stream's current segment one with room for a
// record of need bytes, sealing the full one and starting the next.
func (s *Stream) roomLocked(need int64) error {
	switch {
	case s.closed:
		return fmt.Errorf("wal: append to a closed stream: %w", ErrClosed)
	case s.err != nil:
		return s.err
	case s.reserved:
		return errors.New("wal: append to a stream with an open reservation")
	}
	if s.seg != nil && s.seg.size.Load() > 0 && s.seg.size.Load()+need > s.l.opts.SegmentSize {
		if err := s.sealLocked(); err != nil {
			return err
		}
	}
	if s.seg == nil {
		return s.startSegmentLocked()
	}
	return nil
}

// inPlaceFile is a file whose memory a writer can fill directly (the
// engine's in-memory file system): see Stream.Reserve.
type inPlaceFile interface {
	Reserve(off int64, n int, dst [][]byte) ([][]byte, error)
	Extend(end int64) error
}

// Reservation is room for one uncompressed record at the end of a
// stream's segment, whose payload the caller writes in place instead of
// handing Append a buffer to copy. Commit frames and publishes it; a
// reservation dropped without Commit (Cancel) leaves nothing in the log.
type Reservation struct {
	s       *Stream
	f       inPlaceFile
	seg     *segment
	off     int64
	header  [][]byte // the views of the header's bytes
	payload [][]byte
	done    bool
}

// Reserve returns room for the payload of one uncompressed record of up
// to n bytes, or nil when the stream's file system cannot lend its memory
// (then use Append). Until the reservation is committed or cancelled the
// stream takes no other record.
func (s *Stream) Reserve(n int) (*Reservation, error) {
	if n > MaxPayloadSize {
		return nil, fmt.Errorf("%w: %d bytes, maximum %d", ErrTooLarge, n, MaxPayloadSize)
	}
	if s.l.closed.Load() {
		return nil, ErrClosed
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.roomLocked(int64(headerLen + n)); err != nil {
		return nil, err
	}
	f, ok := s.w.(inPlaceFile)
	if !ok {
		return nil, nil
	}
	off := s.seg.size.Load()
	views, err := f.Reserve(off, headerLen+n, nil)
	if err != nil {
		s.err = fmt.Errorf("wal: reserve in segment %06d: %w", s.seg.id, err)
		return nil, s.err
	}
	r := &Reservation{s: s, f: f, seg: s.seg, off: off}
	r.header, r.payload = splitViews(views, headerLen)
	s.reserved = true
	return r, nil
}

// splitViews cuts views into the first n bytes and the rest.
func splitViews(views [][]byte, n int) (head, rest [][]byte) {
	for i, v := range views {
		if n >= len(v) {
			head = append(head, v)
			n -= len(v)
			continue
		}
		if n > 0 {
			head = append(head, v[:n])
		}
		return head, append([][]byte{v[n:]}, views[i+1:]...)
	}
	return head, nil
}

// Payload returns the memory the payload is written to: views of n bytes
// in all, in order. They must not be written after Commit or Cancel.
func (r *Reservation) Payload() [][]byte { return r.payload }

// Commit frames the first used bytes of the payload as a record and
// publishes it: it is then readable through Log.Read, and durable after
// the stream's Sync. A committed record of 0 bytes is allowed.
func (r *Reservation) Commit(used int) (Loc, error) {
	s := r.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.done {
		return Loc{}, errors.New("wal: reservation already ended")
	}
	r.done, s.reserved = true, false
	switch {
	case s.closed:
		return Loc{}, fmt.Errorf("wal: append to a closed stream: %w", ErrClosed)
	case s.err != nil:
		return Loc{}, s.err
	case s.l.closed.Load():
		return Loc{}, ErrClosed
	}
	total := 0
	for _, v := range r.payload {
		total += len(v)
	}
	if used < 0 || used > total {
		return Loc{}, fmt.Errorf("wal: commit of %d bytes of a %d-byte reservation", used, total)
	}
	var h xxh3.Hasher
	left := used
	for _, v := range r.payload {
		if left == 0 {
			break
		}
		v = v[:min(len(v), left)]
		_, _ = h.Write(v)
		left -= len(v)
	}
	var hdr [headerLen]byte
	putHeader(hdr[:], NoCompression, used, used)
	seal(hdr[:], r.seg.id, h.Sum64())
	rest := hdr[:]
	for _, v := range r.header {
		rest = rest[copy(v, rest):]
	}
	end := r.off + int64(headerLen+used)
	if err := r.f.Extend(end); err != nil {
		s.err = fmt.Errorf("wal: write segment %06d: %w", r.seg.id, err)
		return Loc{}, s.err
	}
	r.seg.size.Store(end)
	s.unsynced = true
	return Loc{Segment: r.seg.id, Offset: r.off, Size: uint32(headerLen + used), RawSize: uint32(used)}, nil
}

// Cancel drops the reservation: nothing was added to the log, and the
// stream takes records again. A segment the reservation started, still
// empty, is removed. Cancel after Commit does nothing.
func (r *Reservation) Cancel() {
	s := r.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.done {
		return
	}
	r.done, s.reserved = true, false
	if seg := s.seg; seg == r.seg && seg.size.Load() == 0 && s.err == nil {
		// Nothing references an empty segment; leaving it would leave a
		// file for the caller to find and reclaim.
		l := s.l
		_ = s.w.Close()
		l.smu.Lock()
		delete(l.segs, seg.id)
		l.smu.Unlock()
		_ = l.discardSegment(seg)
		s.segs = s.segs[:len(s.segs)-1]
		s.seg, s.w = nil, nil
	}
}

// startSegmentLocked creates the stream's next segment. s.mu must be held.
func (s *Stream) startSegmentLocked() error {
	l := s.l
	l.mu.Lock()
	if err := l.usableLocked(); err != nil {
		l.mu.Unlock()
		return err
	}
	id := l.nextID
	l.nextID++
	l.mu.Unlock()
	seg := &segment{id: id, path: l.segPath(id), stream: true}
	seg.streaming.Store(true)
	w, err := l.fs.Create(seg.path, vfs.WriteCategoryUnspecified)
	if err != nil {
		s.err = fmt.Errorf("wal: create segment %06d: %w", id, err)
		return s.err
	}
	s.segs = append(s.segs, id)
	l.smu.Lock()
	l.segs[id] = seg
	l.smu.Unlock()
	s.seg, s.w, s.dirDirty = seg, w, true
	return nil
}

// sealLocked fsyncs (with Options.Sync) and closes the current segment, which
// stops counting as active. s.mu must be held.
func (s *Stream) sealLocked() error {
	if s.seg == nil {
		return nil
	}
	var err error
	if s.l.opts.Sync && s.unsynced && s.err == nil {
		err = s.w.Sync()
	}
	if cerr := s.w.Close(); err == nil {
		err = cerr
	}
	id := s.seg.id
	s.seg.streaming.Store(false)
	s.seg, s.w = nil, nil
	if err != nil && s.err == nil {
		s.err = fmt.Errorf("wal: seal segment %06d: %w", id, err)
	}
	return s.err
}

// Sync makes every record appended to the stream durable (with
// Options.Sync): it fsyncs the current segment (sealed ones were fsynced
// when sealed) and, when the stream created segments since the last Sync,
// the directory.
func (s *Stream) Sync() error {
	l := s.l
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	// The directory handle is the log's: Log.Close closes it once no
	// one holds closeMu.
	l.closeMu.RLock()
	defer l.closeMu.RUnlock()
	if l.closed.Load() {
		return ErrClosed
	}
	if !l.opts.Sync {
		return nil
	}
	if s.unsynced && s.w != nil {
		if err := s.w.Sync(); err != nil {
			s.err = fmt.Errorf("wal: sync segment %06d: %w", s.seg.id, err)
			return s.err
		}
	}
	s.unsynced = false
	if s.dirDirty {
		if err := l.dirFile.Sync(); err != nil {
			s.err = fmt.Errorf("wal: sync directory %s: %w", l.opts.Dir, err)
			return s.err
		}
		s.dirDirty = false
	}
	return nil
}

// Close seals the stream's segment: it no longer counts as active and can
// be removed. Records not covered by a Sync may be lost in a crash. Close
// is idempotent.
func (s *Stream) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if s.seg == nil {
		return nil
	}
	// The records are Sync's business; sealing here does not fsync.
	s.unsynced = false
	return s.sealLocked()
}
