package wal

import (
	"fmt"
	"sync"

	"github.com/cockroachdb/pebble/v2/vfs"
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
	switch {
	case s.closed:
		return Loc{}, fmt.Errorf("wal: append to a closed stream: %w", ErrClosed)
	case s.err != nil:
		return Loc{}, s.err
	}
	if s.seg != nil && s.seg.size.Load() > 0 && s.seg.size.Load()+need > l.opts.SegmentSize {
		if err := s.sealLocked(); err != nil {
			return Loc{}, err
		}
	}
	if s.seg == nil {
		if err := s.startSegmentLocked(); err != nil {
			return Loc{}, err
		}
	}
	loc, err := writeRecord(s.seg, s.w, rec, tail, payloadHash, len(payload))
	if err != nil {
		s.err = err
		return Loc{}, err
	}
	s.unsynced = true
	return loc, nil
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
