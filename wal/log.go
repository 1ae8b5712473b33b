package wal

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/zeebo/xxh3"
)

const (
	segmentSuffix = ".blob"
	tmpSuffix     = ".tmp" // appended to a segment name while recovery rewrites it
)

// AppendFlags modify one Append.
type AppendFlags uint8

const (
	// NoCompress stores the payload uncompressed whatever
	// Options.Compression says; pass it for data known to be incompressible
	// (JPEG, gzip, ...) to save the attempt.
	NoCompress AppendFlags = 1 << iota
)

// Truncation describes what recovery dropped from one segment.
type Truncation struct {
	// Segment is the id of the truncated segment.
	Segment uint64
	// ValidSize is the length of the intact prefix that was kept.
	ValidSize int64
	// DroppedBytes is how many bytes past ValidSize were discarded.
	DroppedBytes int64
	// Reason says why the record at ValidSize was rejected.
	Reason string
}

// Damage describes a record that failed verification during recovery but
// was kept because Options.Referenced says the caller references bytes at
// or after it. Reads of it fail with ErrCorrupt; records after it are read
// as usual.
type Damage struct {
	// Segment is the id of the damaged segment.
	Segment uint64
	// Offset is the offset of the first record that failed verification.
	// Recovery does not scan past it, so later bad records are found only
	// when they are read.
	Offset int64
	// Reason says why the record at Offset was rejected.
	Reason string
}

// RecoveryReport describes what Open repaired.
type RecoveryReport struct {
	// Truncations lists the segments whose torn tail was cut off.
	Truncations []Truncation
	// Damaged lists corrupt records recovery kept because the caller
	// references them or data after them (see Options.Referenced).
	Damaged []Damage
}

// SegmentInfo describes one segment file.
type SegmentInfo struct {
	ID     uint64
	Size   int64 // bytes holding records
	Active bool  // the segment Append or an open Stream writes to; it cannot be removed
	// Stream: a Stream created the segment (since Open). Shared appends
	// never go to such a segment, whatever its id.
	Stream bool
}

// segment is one segment file as seen by readers.
type segment struct {
	id   uint64
	path string
	// size is the number of bytes holding complete records. It only grows,
	// and grows only after the bytes are written.
	size atomic.Int64
	// stream: a Stream of this run created the segment; streaming is set
	// while it appends to it.
	stream    bool
	streaming atomic.Bool

	// mu is held in read mode around every read of the file and in write
	// mode to close it, so a removal waits for the reads in flight.
	mu   sync.RWMutex
	gone error // set (under mu, write) once the read handle is closed for good

	openMu sync.Mutex // guards r
	r      vfs.File   // read handle, opened on first use
	// used is the Log's read clock at the segment's last read (its
	// readers' recency, for closing the least recent handle).
	used atomic.Uint64
	skip bool // guarded by Log.openMu: busy when its handle was to close
}

// reader returns seg's read handle, opening it on first use (and then
// closing another segment's idle handle past Options.MaxOpenReaders).
// seg.mu must be held (in either mode): the handle stays open until it is
// released.
func (l *Log) reader(seg *segment) (vfs.File, error) {
	seg.used.Store(l.readClock.Add(1))
	seg.openMu.Lock()
	if seg.r != nil {
		f := seg.r
		seg.openMu.Unlock()
		return f, nil
	}
	f, err := l.fs.Open(seg.path, vfs.RandomReadsOption)
	if err != nil {
		seg.openMu.Unlock()
		return nil, fmt.Errorf("wal: open segment %06d: %w", seg.id, err)
	}
	seg.r = f
	seg.openMu.Unlock()
	l.noteOpened(seg)
	return f, nil
}

// noteOpened counts seg's new handle among the open ones and, past the
// bound, closes the handles of the least recently read segments that no
// read holds (seg.mu taken without waiting: a segment being read, or
// being retired, is passed over). seg itself is never closed here: its
// caller holds seg.mu.
func (l *Log) noteOpened(seg *segment) {
	limit := l.opts.MaxOpenReaders
	l.openMu.Lock()
	defer l.openMu.Unlock()
	l.opened = append(l.opened, seg)
	if limit < 0 {
		return
	}
	busy := 0
	for len(l.opened) > limit && busy < len(l.opened) {
		i := -1
		for j, s := range l.opened {
			if s == seg || s.skip {
				continue
			}
			if i < 0 || s.used.Load() < l.opened[i].used.Load() {
				i = j
			}
		}
		if i < 0 {
			break
		}
		victim := l.opened[i]
		if !victim.mu.TryLock() {
			victim.skip = true // read now: not closed this round
			busy++
			continue
		}
		victim.openMu.Lock()
		if victim.r != nil {
			_ = victim.r.Close() // read-only: nothing to lose
			victim.r = nil
		}
		victim.openMu.Unlock()
		victim.mu.Unlock()
		l.opened = slices.Delete(l.opened, i, i+1)
	}
	for _, s := range l.opened {
		s.skip = false
	}
}

// forgetOpened drops seg from the open handles (its handle is being closed
// for good).
func (l *Log) forgetOpened(seg *segment) {
	l.openMu.Lock()
	if i := slices.Index(l.opened, seg); i >= 0 {
		l.opened = slices.Delete(l.opened, i, i+1)
	}
	l.openMu.Unlock()
}

// retire closes seg's read handle for good; later reads fail with reason.
func (l *Log) retire(seg *segment, reason error) error {
	seg.mu.Lock()
	defer seg.mu.Unlock()
	if seg.gone != nil {
		return nil
	}
	seg.gone = reason
	l.forgetOpened(seg)
	seg.openMu.Lock()
	defer seg.openMu.Unlock()
	if seg.r == nil {
		return nil
	}
	err := seg.r.Close()
	seg.r = nil
	return err
}

// Log is an append-only log of payloads split over segment files. See the
// package documentation for its contracts.
type Log struct {
	opts   Options
	fs     vfs.FS
	codecs codecs
	closed atomic.Bool // mirrors isClosed for lock-free checks

	// closeMu is read-held around every record read and a stream's sync
	// so that Close can wait for them before releasing the decoders and
	// the directory handle.
	closeMu sync.RWMutex

	smu  sync.RWMutex // guards segs
	segs map[uint64]*segment

	// readClock orders segments' reads (segment.used); openMu guards
	// opened, the segments whose read handle is open, and their skip
	// marks.
	readClock atomic.Uint64
	openMu    sync.Mutex
	opened    []*segment

	mu       sync.Mutex // guards the fields below
	syncCond sync.Cond  // signalled when syncing drops to false, with mu
	active   *segment
	w        vfs.File // write handle of active
	sf       vfs.File // separate handle of active used only to fsync; nil unless opts.Sync
	dirFile  vfs.File // nil unless opts.Sync
	nextID   uint64
	appended uint64 // records appended
	synced   uint64 // records known durable
	syncing  bool   // a Sync leader is fsyncing outside mu
	dirDirty bool   // a segment was created since the directory was last synced
	err      error  // sticky write or fsync failure
	isClosed bool
}

// Open opens the log in opts.Dir, creating the directory if needed, and
// recovers it: the last segment is scanned and a torn or corrupt tail is cut
// off (see the package documentation, Durability). Appends then go to a new
// segment. The report lists what recovery dropped. The caller must call
// Close.
func Open(opts Options) (*Log, RecoveryReport, error) {
	opts.EnsureDefaults()
	if err := opts.Validate(); err != nil {
		return nil, RecoveryReport{}, err
	}
	l := &Log{
		opts: opts,
		fs:   opts.FS,
		segs: make(map[uint64]*segment),
	}
	l.syncCond.L = &l.mu
	if err := l.makeDir(); err != nil {
		return nil, RecoveryReport{}, err
	}
	report, err := l.recover()
	if err != nil {
		l.releaseFiles()
		return nil, report, err
	}
	return l, report, nil
}

// makeDir creates opts.Dir and, with opts.Sync, makes the new directory
// entries durable.
func (l *Log) makeDir() error {
	var missing []string
	for d := l.opts.Dir; ; {
		if _, err := l.fs.Stat(d); err == nil {
			break
		} else if !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("wal: stat %s: %w", d, err)
		}
		missing = append(missing, d)
		parent := l.fs.PathDir(d)
		if parent == d {
			break
		}
		d = parent
	}
	if err := l.fs.MkdirAll(l.opts.Dir, 0o755); err != nil {
		return fmt.Errorf("wal: create %s: %w", l.opts.Dir, err)
	}
	if !l.opts.Sync {
		return nil
	}
	for _, d := range missing {
		if err := l.syncDirectory(l.fs.PathDir(d)); err != nil {
			return err
		}
	}
	f, err := l.fs.OpenDir(l.opts.Dir)
	if err != nil {
		return fmt.Errorf("wal: open %s: %w", l.opts.Dir, err)
	}
	l.dirFile = f
	return nil
}

func (l *Log) syncDirectory(dir string) error {
	f, err := l.fs.OpenDir(dir)
	if err != nil {
		return fmt.Errorf("wal: open directory %s: %w", dir, err)
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("wal: sync directory %s: %w", dir, err)
	}
	return nil
}

func (l *Log) segPath(id uint64) string {
	return l.fs.PathJoin(l.opts.Dir, fmt.Sprintf("%06d%s", id, segmentSuffix))
}

// parseSegmentName returns the id of a segment file name.
func parseSegmentName(name string) (uint64, bool) {
	digits, ok := strings.CutSuffix(name, segmentSuffix)
	if !ok || digits == "" || strings.TrimLeft(digits, "0123456789") != "" {
		return 0, false
	}
	id, err := strconv.ParseUint(digits, 10, 64)
	return id, err == nil && id > 0 && id < 1<<63
}

// recover loads the segment list, repairs the tail of the last segment and
// starts the active segment.
func (l *Log) recover() (RecoveryReport, error) {
	var report RecoveryReport
	names, err := l.fs.List(l.opts.Dir)
	if err != nil {
		return report, fmt.Errorf("wal: list %s: %w", l.opts.Dir, err)
	}
	var ids []uint64
	for _, name := range names {
		if strings.HasSuffix(name, segmentSuffix+tmpSuffix) {
			// An interrupted truncation; the original is still in place.
			if err := l.fs.Remove(l.fs.PathJoin(l.opts.Dir, name)); err != nil {
				return report, fmt.Errorf("wal: remove %s: %w", name, err)
			}
			continue
		}
		if id, ok := parseSegmentName(name); ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		seg := &segment{id: id, path: l.segPath(id)}
		fi, err := l.fs.Stat(seg.path)
		if err != nil {
			return report, fmt.Errorf("wal: stat segment %06d: %w", id, err)
		}
		seg.size.Store(fi.Size())
		l.segs[id] = seg
	}
	l.nextID = 1
	if len(ids) > 0 {
		last := l.segs[ids[len(ids)-1]]
		l.nextID = last.id + 1
		t, d, err := l.recoverTail(last)
		if err != nil {
			return report, err
		}
		if t != nil {
			report.Truncations = append(report.Truncations, *t)
		}
		if d != nil {
			report.Damaged = append(report.Damaged, *d)
		}
		if last.size.Load() == 0 {
			// Nothing worth keeping: reuse the id for the active segment.
			delete(l.segs, last.id)
			l.nextID = last.id
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return report, l.startSegmentLocked()
}

// recoverTail scans seg from the start for the first incomplete or invalid
// record. Bytes from there on are a torn tail, unless the caller references
// data at or past it (Options.Referenced): then they are corruption inside
// acknowledged data, and the segment is kept up to the end of what the
// caller references, the bad record reported as damage. The tail past that
// is cut off. pebble's vfs cannot truncate, so the kept prefix is copied to
// a temporary file that is synced and renamed over the segment; a crash at
// any point leaves either the old or the new file, and the old one is
// simply repaired again.
func (l *Log) recoverTail(seg *segment) (*Truncation, *Damage, error) {
	f, err := l.fs.Open(seg.path, vfs.SequentialReadsOption)
	if err != nil {
		return nil, nil, fmt.Errorf("wal: open segment %06d: %w", seg.id, err)
	}
	defer func() { _ = f.Close() }()
	size := seg.size.Load()
	rr := recordReader{f: f, seg: seg.id, limit: size, c: &l.codecs}
	var off int64
	var cause error
	for off < size {
		loc, _, err := rr.read(off, nil, false, nil)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				return nil, nil, err
			}
			cause = err
			break
		}
		off += int64(loc.Size)
	}
	if cause == nil {
		return nil, nil, nil
	}
	keep := off
	var d *Damage
	if l.opts.Referenced != nil {
		end, err := l.opts.Referenced(seg.id)
		if err != nil {
			return nil, nil, fmt.Errorf("wal: recover segment %06d: %w", seg.id, err)
		}
		if end > off {
			keep = min(end, size)
			d = &Damage{Segment: seg.id, Offset: off, Reason: cause.Error()}
			l.opts.Logger.Error("wal: corrupt record in referenced data; kept",
				"segment", seg.id, "offset", off, "referenced_end", end, "reason", d.Reason)
		}
	}
	if keep == size {
		return nil, d, nil
	}
	t := &Truncation{Segment: seg.id, ValidSize: keep, DroppedBytes: size - keep, Reason: cause.Error()}
	if keep > off {
		t.Reason = fmt.Sprintf("unreferenced bytes after a corrupt record: %s", cause)
	}
	if keep > 0 {
		if err := l.rewritePrefix(f, seg, keep); err != nil {
			return nil, nil, err
		}
	}
	// With keep == 0 the caller recreates the file empty.
	seg.size.Store(keep)
	l.opts.Logger.Warn("wal: truncated torn segment tail",
		"segment", seg.id, "valid_size", keep, "dropped_bytes", t.DroppedBytes, "reason", t.Reason)
	return t, d, nil
}

func (l *Log) rewritePrefix(src vfs.File, seg *segment, n int64) error {
	tmp := seg.path + tmpSuffix
	dst, err := l.fs.Create(tmp, vfs.WriteCategoryUnspecified)
	if err != nil {
		return fmt.Errorf("wal: truncate segment %06d: %w", seg.id, err)
	}
	bufp := getBuf(1 << 20)
	_, err = io.CopyBuffer(struct{ io.Writer }{dst}, io.NewSectionReader(src, 0, n), *bufp)
	putBuf(bufp)
	if err == nil && l.opts.Sync {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = l.fs.Rename(tmp, seg.path)
	}
	if err == nil && l.opts.Sync {
		err = l.dirFile.Sync()
	}
	if err != nil {
		return fmt.Errorf("wal: truncate segment %06d: %w", seg.id, err)
	}
	return nil
}

// startSegmentLocked creates segment l.nextID and makes it active. l.mu must
// be held and the previous active segment's handles closed.
func (l *Log) startSegmentLocked() error {
	seg, w, sf, err := l.createSegmentLocked()
	if err != nil {
		return err
	}
	l.installSegmentLocked(seg, w, sf)
	return nil
}

// createSegmentLocked creates the file of segment l.nextID and opens its
// handles, changing nothing else: on failure the log is as it was. l.mu
// must be held.
func (l *Log) createSegmentLocked() (*segment, vfs.File, vfs.File, error) {
	id := l.nextID
	seg := &segment{id: id, path: l.segPath(id)}
	w, err := l.fs.Create(seg.path, vfs.WriteCategoryUnspecified)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("wal: create segment %06d: %w", id, err)
	}
	var sf vfs.File
	if l.opts.Sync {
		// vfs.File forbids a Sync concurrent with a Write on the same
		// handle; a second handle lets fsyncs overlap appends.
		if sf, err = l.fs.OpenReadWrite(seg.path, vfs.WriteCategoryUnspecified); err != nil {
			_ = w.Close()
			// An empty file left behind would be the last segment a
			// restart sees, and the active one, which the log goes on
			// appending to, a sealed segment whose tail it never scans.
			_ = l.fs.Remove(seg.path)
			return nil, nil, nil, fmt.Errorf("wal: open segment %06d: %w", id, err)
		}
	}
	return seg, w, sf, nil
}

// installSegmentLocked makes seg, created by createSegmentLocked, the
// active segment. l.mu must be held and the previous active segment's
// handles closed.
func (l *Log) installSegmentLocked(seg *segment, w, sf vfs.File) {
	l.smu.Lock()
	l.segs[seg.id] = seg
	l.smu.Unlock()
	l.nextID++
	l.active, l.w, l.sf = seg, w, sf
	l.dirDirty = true
}

// rotateLocked seals the active segment and starts the next one. l.mu must
// be held and no Sync may be in flight. The sealed segment is fsynced here,
// before its successor exists, so only the last segment can ever have a torn
// tail. The successor is created before the active segment's handles are
// closed: a failure to create it (no space for a directory entry, out of
// file descriptors) fails this rotation only, and the log goes on
// appending to the active segment; a failed fsync or close is sticky.
func (l *Log) rotateLocked() error {
	if l.opts.Sync {
		if err := l.w.Sync(); err != nil {
			l.err = fmt.Errorf("wal: rotate segment %06d: %w", l.active.id, err)
			return l.err
		}
	}
	seg, w, sf, err := l.createSegmentLocked()
	if err != nil {
		return fmt.Errorf("wal: rotate segment %06d: %w", l.active.id, err)
	}
	if err := l.closeActiveHandles(); err != nil {
		_ = w.Close()
		if sf != nil {
			_ = sf.Close()
		}
		l.err = fmt.Errorf("wal: rotate segment %06d: %w", l.active.id, err)
		return l.err
	}
	l.installSegmentLocked(seg, w, sf)
	return nil
}

func (l *Log) closeActiveHandles() error {
	var err error
	for _, f := range []*vfs.File{&l.w, &l.sf} {
		if *f != nil {
			if cerr := (*f).Close(); err == nil {
				err = cerr
			}
			*f = nil
		}
	}
	return err
}

// waitUsableLocked waits until no Sync is in flight and returns the error
// that makes the log unusable, if any. l.mu must be held.
func (l *Log) waitUsableLocked() error {
	for {
		switch {
		case l.isClosed:
			return ErrClosed
		case l.err != nil:
			return l.err
		case !l.syncing:
			return nil
		}
		l.syncCond.Wait()
	}
}

func (l *Log) usableLocked() error {
	if l.isClosed {
		return ErrClosed
	}
	return l.err
}

// frame checks payload and frames it for Append (see codecs.encode): a
// pooled buffer the caller releases with putBuf, the tail written after
// it, and the stored payload's xxh3.
func (l *Log) frame(payload []byte, flags AppendFlags) (*[]byte, []byte, uint64, error) {
	if len(payload) > MaxPayloadSize {
		return nil, nil, 0, fmt.Errorf("%w: %d bytes, maximum %d", ErrTooLarge, len(payload), MaxPayloadSize)
	}
	if l.closed.Load() {
		return nil, nil, 0, ErrClosed
	}
	kind := l.opts.Compression
	if flags&NoCompress != 0 {
		kind = NoCompression
	}
	return l.codecs.encode(payload, kind, l.opts.MinSavings, l.opts.PayloadWrites)
}

// Append frames payload (compressed when Options.Compression is set, flags
// do not include NoCompress and compression saves Options.MinSavings),
// writes it to the active segment and returns its Loc. It starts a new
// segment first when the record would not fit in the active one. The record
// is readable as soon as Append returns but not durable until Sync returns.
// payload is not retained or modified. Safe for concurrent use.
func (l *Log) Append(payload []byte, flags AppendFlags) (Loc, error) {
	bufp, tail, payloadHash, err := l.frame(payload, flags)
	if err != nil {
		return Loc{}, err
	}
	defer putBuf(bufp)
	rec := *bufp
	need := int64(len(rec) + len(tail))

	l.mu.Lock()
	defer l.mu.Unlock()
	for {
		if err := l.usableLocked(); err != nil {
			return Loc{}, err
		}
		size := l.active.size.Load()
		if size == 0 || size+need <= l.opts.SegmentSize {
			break
		}
		if l.syncing {
			l.syncCond.Wait() // and look again: another Append may have rotated
			continue
		}
		if err := l.rotateLocked(); err != nil {
			return Loc{}, err
		}
	}
	loc, err := writeRecord(l.active, l.w, rec, tail, payloadHash, len(payload))
	if err != nil {
		// The file may now end in a partial record; appending after it
		// would put records behind a tear that recovery cuts off.
		l.err = err
		return Loc{}, err
	}
	l.appended++
	return loc, nil
}

// writeRecord seals rec (framed by encode) for seg, writes it and tail to
// w, seg's write handle, and publishes the bytes to readers. The caller
// makes a failure sticky.
func writeRecord(seg *segment, w vfs.File, rec, tail []byte, payloadHash uint64, rawSize int) (Loc, error) {
	off := seg.size.Load()
	seal(rec, seg.id, payloadHash)
	for _, p := range [2][]byte{rec, tail} {
		if len(p) == 0 {
			continue
		}
		if _, err := w.Write(p); err != nil {
			return Loc{}, fmt.Errorf("wal: write segment %06d: %w", seg.id, err)
		}
	}
	size := len(rec) + len(tail)
	seg.size.Store(off + int64(size))
	return Loc{Segment: seg.id, Offset: off, Size: uint32(size), RawSize: uint32(rawSize)}, nil
}

// Sync makes durable every record whose Append returned before Sync was
// called, including the directory entries of segments created since.
// Concurrent callers share fsyncs (group commit): one caller fsyncs while the
// others wait, and a caller whose records are covered by an fsync that
// started after they were appended returns without another one. Without
// Options.Sync it only reports whether the log is usable.
func (l *Log) Sync() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.opts.Sync {
		return l.usableLocked()
	}
	target := l.appended
	for {
		switch {
		case l.synced >= target:
			return nil
		case l.err != nil:
			return l.err
		case l.isClosed:
			return ErrClosed
		case !l.syncing:
			return l.leadSyncLocked()
		}
		l.syncCond.Wait()
	}
}

// leadSyncLocked fsyncs the active segment (and the directory when a segment
// was created) outside l.mu, then publishes the result. l.mu must be held.
func (l *Log) leadSyncLocked() error {
	l.syncing = true
	upTo := l.appended
	sf, syncDir := l.sf, l.dirDirty
	l.dirDirty = false
	l.mu.Unlock()

	err := sf.Sync()
	if err == nil && syncDir {
		err = l.dirFile.Sync()
	}

	l.mu.Lock()
	l.syncing = false
	l.syncCond.Broadcast()
	if err != nil {
		if l.err == nil {
			l.err = fmt.Errorf("wal: sync segment %06d: %w", l.active.id, err)
		}
		return l.err
	}
	l.synced = max(l.synced, upTo)
	return nil
}

// segment returns the segment with the given id.
func (l *Log) segment(id uint64) (*segment, error) {
	l.smu.RLock()
	seg := l.segs[id]
	l.smu.RUnlock()
	if seg == nil {
		return nil, fmt.Errorf("%w: %06d", ErrSegmentNotFound, id)
	}
	return seg, nil
}

// readRecord reads the record at off of seg under the locks that keep its
// file and the decoders open.
func (l *Log) readRecord(seg *segment, rr *recordReader, off int64, expect *Loc, dst []byte) (Loc, []byte, error) {
	f, err := l.lockForRead(seg)
	if err != nil {
		return Loc{}, nil, err
	}
	defer l.unlockForRead(seg)
	rr.f = f
	return rr.read(off, expect, true, dst)
}

// lockForRead read-locks the log's closing and seg's removal and returns
// seg's read handle; unlockForRead releases both (on success only).
func (l *Log) lockForRead(seg *segment) (vfs.File, error) {
	l.closeMu.RLock()
	if l.closed.Load() {
		l.closeMu.RUnlock()
		return nil, ErrClosed
	}
	seg.mu.RLock()
	err := seg.gone
	var f vfs.File
	if err == nil {
		f, err = l.reader(seg)
	}
	if err != nil {
		l.unlockForRead(seg)
		return nil, err
	}
	return f, nil
}

func (l *Log) unlockForRead(seg *segment) {
	seg.mu.RUnlock()
	l.closeMu.RUnlock()
}

// Read returns the payload of the record at loc, decompressed and appended to
// dst[:0] (pass nil to allocate). It verifies the framing, that the record
// header matches loc, and the checksum; on any mismatch it returns an error
// wrapping ErrCorrupt and never the bytes. A Loc in a removed or unknown
// segment fails with ErrSegmentNotFound. Safe for concurrent use, including
// with Append.
func (l *Log) Read(loc Loc, dst []byte) ([]byte, error) {
	seg, err := l.segmentOf(loc)
	if err != nil {
		return nil, err
	}
	bufp := getBuf(0)
	rr := recordReader{seg: seg.id, limit: loc.Offset + int64(loc.Size), c: &l.codecs, buf: *bufp}
	_, out, err := l.readRecord(seg, &rr, loc.Offset, &loc, dst)
	*bufp = rr.buf[:0]
	putBuf(bufp)
	return out, err
}

// segmentOf checks that loc is plausible and lies within its segment, and
// returns the segment.
func (l *Log) segmentOf(loc Loc) (*segment, error) {
	if l.closed.Load() {
		return nil, ErrClosed
	}
	if loc.Offset < 0 || loc.Size < headerLen || loc.Size-headerLen > MaxPayloadSize || loc.RawSize > MaxPayloadSize {
		return nil, corruptf(loc.Segment, loc.Offset, "implausible location %v", loc)
	}
	seg, err := l.segment(loc.Segment)
	if err != nil {
		return nil, err
	}
	if size := seg.size.Load(); loc.Offset+int64(loc.Size) > size {
		return nil, corruptf(loc.Segment, loc.Offset, "location %v ends past the segment's %d bytes", loc, size)
	}
	return seg, nil
}

// viewer is implemented by files whose bytes are memory a reader may use
// in place (the engine's in-memory file system).
type viewer interface {
	Views(off int64, n int, dst [][]byte) ([][]byte, bool)
}

// ErrNoView is returned by ReadViews for a record it cannot serve in place
// (a file system that does not expose its memory, a compressed record);
// Read serves every record.
var ErrNoView = errors.New("wal: record cannot be read in place")

// ReadViews is Read without the copy, where the file system keeps segments
// in memory and the record is stored uncompressed: it appends to dst the
// slices of the segment's memory that hold the payload, in order, after
// the same checks as Read (framing, header, checksum). Otherwise it fails
// with ErrNoView.
//
// The slices are the segment's own memory: never write to them, and stop
// using them before the segment can be removed (RemoveSegment) or the file
// system's memory freed. Guarding that is the caller's job (the engine
// pins the segments of an open reader).
func (l *Log) ReadViews(loc Loc, dst [][]byte) ([][]byte, error) {
	seg, err := l.segmentOf(loc)
	if err != nil {
		return dst, err
	}
	f, err := l.lockForRead(seg)
	if err != nil {
		return dst, err
	}
	defer l.unlockForRead(seg)
	v, ok := f.(viewer)
	if !ok {
		return dst, ErrNoView
	}
	rr := recordReader{f: f, seg: seg.id, limit: loc.Offset + int64(loc.Size)}
	hd, _, err := rr.header(loc.Offset, &loc)
	if err != nil {
		return dst, err
	}
	hdr := rr.hdr[:]
	if hd.kind != NoCompression {
		return dst, ErrNoView
	}
	n := len(dst)
	out, ok := v.Views(loc.Offset+headerLen, int(hd.stored), dst)
	if !ok {
		return dst, corruptf(seg.id, loc.Offset, "truncated payload")
	}
	h := xxh3.New()
	for _, p := range out[n:] {
		_, _ = h.Write(p)
	}
	if got := payloadChecksum(hdr, h.Sum64()); got != hd.sum {
		return dst, corruptf(seg.id, loc.Offset, "checksum mismatch: %016x != %016x", got, hd.sum)
	}
	return out, nil
}

// Iterate calls fn for every record of the segment in order, with the
// record's Loc and its decompressed payload. payload is only valid during
// the call. It stops at, and returns, the first error from fn or from
// reading; a bad record yields an error wrapping ErrCorrupt. For the active
// segment it visits the records appended before the call. fn may call any
// method of the Log; no lock is held while it runs.
func (l *Log) Iterate(segment uint64, fn func(loc Loc, payload []byte) error) error {
	if l.closed.Load() {
		return ErrClosed
	}
	seg, err := l.segment(segment)
	if err != nil {
		return err
	}
	limit := seg.size.Load()
	rr := recordReader{seg: seg.id, limit: limit, c: &l.codecs}
	var dst []byte
	for off := int64(0); off < limit; {
		loc, payload, err := l.readRecord(seg, &rr, off, nil, dst)
		if err != nil {
			return err
		}
		if err := fn(loc, payload); err != nil {
			return err
		}
		dst = payload
		off += int64(loc.Size)
	}
	return nil
}

// Segments lists the segments, sorted by ID. It returns nil after Close.
func (l *Log) Segments() []SegmentInfo {
	l.mu.Lock()
	if l.isClosed {
		l.mu.Unlock()
		return nil
	}
	active := l.active.id
	l.mu.Unlock()
	l.smu.RLock()
	infos := make([]SegmentInfo, 0, len(l.segs))
	for id, seg := range l.segs {
		infos = append(infos, seg.info(id == active))
	}
	l.smu.RUnlock()
	slices.SortFunc(infos, func(a, b SegmentInfo) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return infos
}

// Segment describes segment id, as Segments would; false when there is
// no such segment (or after Close).
func (l *Log) Segment(id uint64) (SegmentInfo, bool) {
	if l.closed.Load() {
		return SegmentInfo{}, false
	}
	l.mu.Lock()
	active := l.active != nil && l.active.id == id
	l.mu.Unlock()
	l.smu.RLock()
	seg := l.segs[id]
	l.smu.RUnlock()
	if seg == nil {
		return SegmentInfo{}, false
	}
	return seg.info(active), true
}

// info describes the segment; active says whether it is the shared log's
// active segment (a stream's open segment is active anyway).
func (s *segment) info(active bool) SegmentInfo {
	return SegmentInfo{ID: s.id, Size: s.size.Load(), Active: active || s.streaming.Load(), Stream: s.stream}
}

// ActiveSegment returns the id of the segment appends go to now. Ids only
// grow: every record appended later lands in this segment or a newer one.
func (l *Log) ActiveSegment() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.active == nil {
		return l.nextID
	}
	return l.active.id
}

// Rotate seals the active segment and starts a new one, which becomes the
// active segment. It waits for a Sync in flight.
func (l *Log) Rotate() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.waitUsableLocked(); err != nil {
		return err
	}
	return l.rotateLocked()
}

// RemoveSegment deletes a sealed segment's file, waiting for reads of it in
// flight; later reads of its records fail with ErrSegmentNotFound. It fails
// with ErrActiveSegment for the active segment and ErrSegmentNotFound for an
// unknown id. With Options.Sync the removal is durable when it returns.
func (l *Log) RemoveSegment(id uint64) error {
	l.mu.Lock()
	err := l.usableLocked()
	if err == nil && l.active.id == id {
		err = fmt.Errorf("%w: %06d", ErrActiveSegment, id)
	}
	l.mu.Unlock()
	if err != nil {
		return err
	}
	// Ids only grow, so id cannot become active from here on, and a
	// stream never reopens a segment it sealed.
	l.smu.Lock()
	seg := l.segs[id]
	if seg != nil && seg.streaming.Load() {
		l.smu.Unlock()
		return fmt.Errorf("%w: %06d belongs to an open stream", ErrActiveSegment, id)
	}
	delete(l.segs, id)
	l.smu.Unlock()
	if seg == nil {
		return fmt.Errorf("%w: %06d", ErrSegmentNotFound, id)
	}
	if err := l.discardSegment(seg); err != nil {
		return err
	}
	if l.opts.Sync {
		return l.syncDirectory(l.opts.Dir)
	}
	return nil
}

// discardSegment closes the read handle of seg, which the caller has
// taken out of l.segs (reads in flight finish first), and removes its
// file.
func (l *Log) discardSegment(seg *segment) error {
	err := l.retire(seg, fmt.Errorf("%w: %06d was removed", ErrSegmentNotFound, seg.id))
	if rerr := l.fs.Remove(seg.path); rerr != nil {
		return fmt.Errorf("wal: remove segment %06d: %w", seg.id, rerr)
	}
	if err != nil {
		return fmt.Errorf("wal: close segment %06d: %w", seg.id, err)
	}
	return nil
}

// Close makes every appended record durable (with Options.Sync), waits for
// reads in flight and closes all files. Every method, Close included, fails
// with ErrClosed afterwards.
func (l *Log) Close() error {
	l.mu.Lock()
	if l.isClosed {
		l.mu.Unlock()
		return ErrClosed
	}
	for l.syncing {
		l.syncCond.Wait()
	}
	var err error
	if l.opts.Sync && l.err == nil && (l.synced < l.appended || l.dirDirty) {
		err = l.sf.Sync()
		if err == nil {
			err = l.dirFile.Sync()
		}
		if err != nil {
			err = fmt.Errorf("wal: sync segment %06d: %w", l.active.id, err)
		} else {
			l.synced, l.dirDirty = l.appended, false
		}
	}
	l.isClosed = true
	l.closed.Store(true)
	l.syncCond.Broadcast()
	l.mu.Unlock()

	// Reads that passed the closed check finish before the files and
	// decoders go away.
	l.closeMu.Lock()
	defer l.closeMu.Unlock()
	if cerr := l.releaseFiles(); err == nil {
		err = cerr
	}
	return err
}

// releaseFiles closes every file and the codecs.
func (l *Log) releaseFiles() error {
	l.mu.Lock()
	err := l.closeActiveHandles()
	if l.dirFile != nil {
		if cerr := l.dirFile.Close(); err == nil {
			err = cerr
		}
		l.dirFile = nil
	}
	l.mu.Unlock()
	l.smu.RLock()
	segs := make([]*segment, 0, len(l.segs))
	for _, seg := range l.segs {
		segs = append(segs, seg)
	}
	l.smu.RUnlock()
	for _, seg := range segs {
		if cerr := l.retire(seg, ErrClosed); err == nil {
			err = cerr
		}
	}
	l.codecs.close()
	return err
}
