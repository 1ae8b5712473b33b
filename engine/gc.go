package engine

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/osslite/osslite/engine/internal/memfs"
	"github.com/osslite/osslite/wal"
)

// Garbage collection of the blob log.
//
// Every blob records how many bytes it occupies in each segment, and S/<seg>
// counts a segment's live bytes; both change in the batch that creates or
// frees a blob. Compact removes sealed segments with no live bytes (this
// also reclaims chunks orphaned by crashes or failed uploads) and rewrites
// segments whose live ratio is low: live chunks are appended anew, the log
// is synced, and only the chunk locators (K/ keys) and usage counters change.
// A segment file is deleted only after every reader that might still use an
// old locator has closed (readers pin an epoch; see pin).
//
// Two things keep Compact off bytes that metadata does not reference yet:
// segments at or after the oldest segment an unfinished write started in
// are never touched (inflight), and only sealed segments are considered.

// CompactOptions are the inputs of Compact.
type CompactOptions struct {
	// MinLiveRatio: sealed segments whose live bytes are below this
	// fraction of their size are rewritten. Default 0.5.
	MinLiveRatio float64
}

// CompactStats reports what Compact did.
type CompactStats struct {
	SegmentsRemoved   int   // segment files deleted
	SegmentsRewritten int   // segments whose live chunks were moved
	BytesMoved        int64 // live bytes copied forward
	BytesReclaimed    int64 // size of the deleted segment files
	// SegmentsPending counts segments waiting for open readers to close
	// before their files can be deleted.
	SegmentsPending int
	// SegmentsExamined counts the segments the run looked at: all of them,
	// or in a background run after deletes only those they touched.
	SegmentsExamined int
	// SegmentsDeferred counts sealed segments the run left alone because
	// a write in flight may still reference them; a later run looks again.
	SegmentsDeferred int
}

// gcState is the Engine's garbage-collection bookkeeping.
type gcState struct {
	run sync.Mutex // one Compact at a time
	// runs and reclaimed feed Stats.
	runs      atomic.Int64
	reclaimed atomic.Int64

	mu       sync.Mutex
	epoch    uint64
	pins     map[uint64]int // epoch -> open readers
	retired  []retiredSeg
	inflight map[uint64]*inflightWrite // by write token
	// dirty are the segments an incremental compaction looks at (markDirty).
	dirty map[uint64]struct{}
	token uint64

	// dead counts the bytes deletes freed since the background loop last
	// ran; kick (capacity 1) wakes the loop early.
	dead atomic.Int64
	kick chan struct{}
	// ran is closed (and replaced) each time a background run ends;
	// writers that found the loop far behind wait on it.
	ranMu sync.Mutex
	ran   chan struct{}
}

// maxReclaimLag is how many multiples of CompactDeadBytes deletes may free
// before writers wait for the background loop: it bounds how far space
// (memory, in a memory store) runs ahead of live bytes when deletes come
// faster than compaction reclaims.
const maxReclaimLag = 2

// reclaimWait bounds one writer's wait for the background loop.
const reclaimWait = 5 * time.Second

// waitForReclaim makes a writer wait for the background run when deletes
// have freed more than maxReclaimLag x CompactDeadBytes since the last one
// (backpressure; without a background loop it returns at once).
func (e *Engine) waitForReclaim(ctx context.Context) error {
	if e.gc.kick == nil || e.gc.dead.Load() < maxReclaimLag*e.opts.CompactDeadBytes {
		return nil
	}
	e.gc.ranMu.Lock()
	if e.gc.ran == nil {
		e.gc.ran = make(chan struct{})
	}
	ran := e.gc.ran
	e.gc.ranMu.Unlock()
	select {
	case e.gc.kick <- struct{}{}:
	default:
	}
	t := time.NewTimer(reclaimWait)
	defer t.Stop()
	select {
	case <-ran:
	case <-t.C:
	case <-e.stop:
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

// ranOnce wakes the writers waiting for a background run.
func (e *Engine) ranOnce() {
	e.gc.ranMu.Lock()
	if e.gc.ran != nil {
		close(e.gc.ran)
		e.gc.ran = nil
	}
	e.gc.ranMu.Unlock()
}

// noteDead records n bytes freed by a delete, or orphaned by a failed write,
// and wakes the background loop when they reach CompactDeadBytes or when a
// segment lost its last live byte (emptied).
func (e *Engine) noteDead(n int64, emptied bool) {
	if e.gc.kick == nil || n <= 0 && !emptied {
		return
	}
	if e.gc.dead.Add(n) >= e.opts.CompactDeadBytes || emptied {
		select {
		case e.gc.kick <- struct{}{}:
		default:
		}
	}
}

type retiredSeg struct {
	seg   uint64
	epoch uint64 // removable once no reader pinned an earlier epoch
}

// pin registers a reader; call it before taking the snapshot the reader
// uses, and unpin with the result when done.
func (e *Engine) pin() uint64 {
	e.gc.mu.Lock()
	defer e.gc.mu.Unlock()
	if e.gc.pins == nil {
		e.gc.pins = map[uint64]int{}
	}
	e.gc.pins[e.gc.epoch]++
	return e.gc.epoch
}

func (e *Engine) unpin(epoch uint64) {
	e.gc.mu.Lock()
	e.gc.pins[epoch]--
	if e.gc.pins[epoch] == 0 {
		delete(e.gc.pins, epoch)
	}
	ready := e.removableLocked()
	e.gc.mu.Unlock()
	for _, s := range ready {
		_ = e.removeSegment(s)
	}
}

// removableLocked pops the retired segments no reader can still use.
func (e *Engine) removableLocked() []uint64 {
	oldest := uint64(math.MaxUint64)
	for ep := range e.gc.pins {
		oldest = min(oldest, ep)
	}
	var ready []uint64
	keep := e.gc.retired[:0]
	for _, r := range e.gc.retired {
		if r.epoch <= oldest {
			ready = append(ready, r.seg)
		} else {
			keep = append(keep, r)
		}
	}
	e.gc.retired = keep
	return ready
}

// inflightWrite is a write that appends to the blob log and has not
// committed (or abandoned) its metadata yet.
type inflightWrite struct {
	// start is the active segment when the write began: its shared
	// appends land there or later. MaxUint64 once the write appends only
	// to its stream.
	start  uint64
	stream *wal.Stream // the write's own segments, when it has any
}

// startWrite registers a write that is about to append to the blob log.
// The returned function must be called once its metadata is committed (or
// abandoned).
func (e *Engine) startWrite() (done func()) {
	done, _ = e.startWriteToken()
	return done
}

// startWriteToken is startWrite that also returns the write's token, for
// streamWrite.
func (e *Engine) startWriteToken() (done func(), token uint64) {
	e.gc.mu.Lock()
	defer e.gc.mu.Unlock()
	if e.gc.inflight == nil {
		e.gc.inflight = map[uint64]*inflightWrite{}
	}
	e.gc.token++
	t := e.gc.token
	e.gc.inflight[t] = &inflightWrite{start: e.log.ActiveSegment()}
	var once sync.Once
	return func() {
		once.Do(func() {
			e.gc.mu.Lock()
			delete(e.gc.inflight, t)
			e.gc.mu.Unlock()
		})
	}, t
}

// streamWrite gives the write token, which has not appended to the shared
// log, a stream of its own: Compact leaves the stream's segments alone until
// the write is done, and no longer holds back the shared segments after
// the one the write started in.
func (e *Engine) streamWrite(token uint64) *wal.Stream {
	st := e.log.NewStream()
	e.gc.mu.Lock()
	if w := e.gc.inflight[token]; w != nil {
		w.start, w.stream = math.MaxUint64, st
	}
	e.gc.mu.Unlock()
	return st
}

// barrier returns the first segment Compact must not touch, and the
// segments of in-flight streams below or above it.
func (e *Engine) barrier() (uint64, map[uint64]bool) {
	e.gc.mu.Lock()
	defer e.gc.mu.Unlock()
	b := e.log.ActiveSegment()
	var streamed map[uint64]bool
	for _, w := range e.gc.inflight {
		b = min(b, w.start)
		if w.stream != nil {
			if streamed == nil {
				streamed = map[uint64]bool{}
			}
			for _, id := range w.stream.Segments() {
				streamed[id] = true
			}
		}
	}
	return b, streamed
}

// liveBytesOf reads the live-byte counters of segs.
func (e *Engine) liveBytesOf(segs []wal.SegmentInfo) (map[uint64]int64, error) {
	live := make(map[uint64]int64, len(segs))
	for _, s := range segs {
		v, ok, err := get(e.db, segmentKey(s.ID))
		if err != nil {
			return nil, err
		}
		if ok {
			live[s.ID], _ = binary.Varint(v)
		}
	}
	return live, nil
}

// liveBytes reads every segment's live-byte counter.
func (e *Engine) liveBytes() (map[uint64]int64, error) {
	it, err := e.db.NewIter(&pebble.IterOptions{LowerBound: []byte(prefixSegment), UpperBound: prefixEnd([]byte(prefixSegment))})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	live := map[uint64]int64{}
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		if len(k) != len(prefixSegment)+8 {
			return nil, fmt.Errorf("%w: segment key %x", ErrCorrupt, k)
		}
		v, _ := binary.Varint(it.Value())
		live[binary.BigEndian.Uint64(k[len(prefixSegment):])] = v
	}
	return live, it.Error()
}

// Compact reclaims blob-log space: it deletes sealed segments that hold no
// live bytes and rewrites those whose live ratio is below
// opts.MinLiveRatio. It is safe to run while the engine serves requests;
// readers keep reading what they opened. A crash at any point loses nothing:
// locators switch only after the moved bytes are durable, and files are
// deleted only after the switch is.
func (e *Engine) Compact(ctx context.Context, opts CompactOptions) (CompactStats, error) {
	return e.compact(ctx, opts, false)
}

// markDirty notes segments whose live bytes fell (after the batch that
// lowered them committed) or that hold orphaned chunks: the next
// incremental compaction looks at them.
func (e *Engine) markDirty(segs ...uint64) {
	if len(segs) == 0 {
		return
	}
	e.gc.mu.Lock()
	if e.gc.dirty == nil {
		e.gc.dirty = map[uint64]struct{}{}
	}
	for _, s := range segs {
		e.gc.dirty[s] = struct{}{}
	}
	e.gc.mu.Unlock()
}

// compact is Compact. An incremental run looks only at the segments
// marked dirty since the last run (a kicked background run: its cost
// follows the deletes, not the size of the store); a full run lists every
// segment and reads every counter (Compact, and the periodic run, which
// also catches what no mark covers, such as orphans left by a crash).
func (e *Engine) compact(ctx context.Context, opts CompactOptions, incremental bool) (CompactStats, error) {
	if err := e.enter(ctx); err != nil {
		return CompactStats{}, err
	}
	defer e.leave()
	if opts.MinLiveRatio == 0 {
		opts.MinLiveRatio = 0.5
	}
	e.gc.run.Lock()
	defer e.gc.run.Unlock()
	e.gc.runs.Add(1)
	if !incremental {
		if err := e.dropExpiredCompletions(); err != nil {
			return CompactStats{}, err
		}
	}
	var st CompactStats
	// The order matters: a segment listed here as sealed was registered
	// (barrier, streamed) before it was sealed, and a write that is done
	// by the time barrier reads committed before the counters are read.
	var segments []wal.SegmentInfo
	var live map[uint64]int64
	if incremental {
		e.gc.mu.Lock()
		cand := e.gc.dirty
		e.gc.dirty = nil
		e.gc.mu.Unlock()
		for id := range cand {
			if s, ok := e.log.Segment(id); ok {
				segments = append(segments, s)
			}
		}
	} else {
		segments = e.log.Segments()
	}
	st.SegmentsExamined = len(segments)
	barrier, streamed := e.barrier()
	var err error
	if incremental {
		live, err = e.liveBytesOf(segments)
	} else {
		live, err = e.liveBytes()
	}
	if err != nil {
		return st, err
	}
	var dead, later []uint64
	rewrite := map[uint64]bool{}
	for _, s := range segments {
		// The barrier is about the shared log: a sealed stream segment is
		// only off limits while its write is in flight.
		if s.Active || !s.Stream && s.ID >= barrier || streamed[s.ID] {
			later = append(later, s.ID) // look again next time
			if !s.Active {
				st.SegmentsDeferred++
			}
			continue
		}
		switch l := live[s.ID]; {
		case l <= 0:
			dead = append(dead, s.ID)
		case float64(l) < opts.MinLiveRatio*float64(s.Size):
			rewrite[s.ID] = true
		}
	}
	if len(rewrite) > 0 {
		moved, err := e.rewrite(ctx, rewrite)
		st.BytesMoved += moved
		if err != nil {
			return st, err
		}
		st.SegmentsRewritten = len(rewrite)
		for s := range rewrite {
			dead = append(dead, s)
		}
	}
	// The counters and locators read above may include batches that are
	// committed but not yet durable (a delete between its commit and its
	// sync). Make them durable before any file goes: a crash must not undo
	// the metadata that made a segment dead while keeping its removal.
	if len(dead) > 0 {
		if err := e.syncMeta(); err != nil {
			return st, err
		}
	}
	e.markDirty(later...)
	// Retire the dead segments at a new epoch: readers that opened before
	// now may still hold old locators.
	sizes := map[uint64]int64{}
	for _, s := range segments {
		sizes[s.ID] = s.Size
	}
	e.gc.mu.Lock()
	e.gc.epoch++
	for _, s := range dead {
		e.gc.retired = append(e.gc.retired, retiredSeg{seg: s, epoch: e.gc.epoch})
	}
	ready := e.removableLocked()
	st.SegmentsPending = len(e.gc.retired)
	e.gc.mu.Unlock()
	for i, s := range ready {
		if err := e.removeSegment(s); err != nil {
			// Retire what is left again, so that a later run retries
			// instead of forgetting the files.
			e.gc.mu.Lock()
			for _, r := range ready[i:] {
				e.gc.retired = append(e.gc.retired, retiredSeg{seg: r, epoch: e.gc.epoch})
			}
			e.gc.mu.Unlock()
			return st, err
		}
		st.SegmentsRemoved++
		st.BytesReclaimed += sizes[s]
		e.gc.reclaimed.Add(sizes[s])
	}
	return st, nil
}

func (e *Engine) removeSegment(seg uint64) error {
	if stop := e.stopped.Load(); stop != nil {
		// The engine stopped (pebble's fatal error): the changes that
		// emptied this segment may never have reached pebble's log, so
		// after a reopen records may still point into it. Keep it; the
		// reopened engine finds it dead again if it is.
		return *stop
	}
	err := e.log.RemoveSegment(seg)
	if errors.Is(err, wal.ErrSegmentNotFound) {
		err = nil
	}
	if err != nil {
		return fmt.Errorf("engine: removing blob segment %d: %w", seg, err)
	}
	// A fully dead segment has no counter left; delete a stray one.
	return e.db.Delete(segmentKey(seg), pebble.NoSync)
}

type chunkRef struct {
	key []byte
	loc wal.Loc
}

// rewrite moves the live chunks of segs forward and returns the bytes moved.
func (e *Engine) rewrite(ctx context.Context, segs map[uint64]bool) (int64, error) {
	refs, err := e.liveChunks(segs)
	if err != nil {
		return 0, err
	}
	var moved int64
	const batchBytes = 16 << 20
	var buf []byte
	for len(refs) > 0 {
		if err := ctx.Err(); err != nil {
			return moved, err
		}
		done := e.startWrite()
		var batch []chunkRef
		var newLocs []wal.Loc
		var n int64
		// fail drops the batch: its copies are garbage (or, if the
		// switch committed before the failure, live); the segments they
		// went to are marked so that a kicked run looks at them.
		fail := func(err error) (int64, error) {
			done()
			e.markDirty(segmentsOf(newLocs)...)
			return moved, err
		}
		for len(refs) > 0 && n < batchBytes {
			r := refs[0]
			refs = refs[1:]
			data, err := e.log.Read(r.loc, buf[:0])
			if err != nil {
				return fail(fmt.Errorf("engine: compacting segment %d: %w", r.loc.Segment, err))
			}
			buf = data
			loc, err := e.log.Append(data, 0)
			if err != nil {
				return fail(err)
			}
			batch = append(batch, r)
			newLocs = append(newLocs, loc)
			n += int64(len(data))
		}
		if err := e.log.Sync(); err != nil {
			return fail(err)
		}
		wasted, err := e.switchChunks(batch, newLocs)
		if err != nil {
			return fail(err)
		}
		done()
		// Copies of chunks freed while they were copied are garbage.
		e.markDirty(segmentsOf(wasted)...)
		moved += n
	}
	return moved, nil
}

// liveChunks finds the chunks that live in segs: one pass over the chunk
// locators.
func (e *Engine) liveChunks(segs map[uint64]bool) ([]chunkRef, error) {
	var refs []chunkRef
	it, err := e.db.NewIter(&pebble.IterOptions{LowerBound: []byte(prefixChunk), UpperBound: prefixEnd([]byte(prefixChunk))})
	if err != nil {
		return nil, err
	}
	for ok := it.First(); ok; ok = it.Next() {
		loc, err := decodeLoc(it.Value())
		if err != nil {
			it.Close()
			return nil, err
		}
		if segs[loc.Segment] {
			refs = append(refs, chunkRef{key: bytes.Clone(it.Key()), loc: loc})
		}
	}
	return refs, it.Close()
}

// segmentsOf lists the segments locs point into (each once when locs are
// in log order).
func segmentsOf(locs []wal.Loc) []uint64 {
	var segs []uint64
	for _, l := range locs {
		if len(segs) == 0 || segs[len(segs)-1] != l.Segment {
			segs = append(segs, l.Segment)
		}
	}
	return segs
}

// switchChunks points chunk locators at their new copies, moving the usage
// accounting with them. Chunks whose blob was freed or moved meanwhile are
// skipped: their new copies are garbage, returned for a later pass.
func (e *Engine) switchChunks(refs []chunkRef, locs []wal.Loc) (wasted []wal.Loc, err error) {
	e.mu.Lock()
	b := e.db.NewBatch()
	err = func() error {
		segDelta := map[uint64]int64{}
		blobs := map[uint64]*blobRecord{}
		for i, r := range refs {
			v, ok, err := get(e.db, r.key)
			if err != nil {
				return err
			}
			if !ok || !bytes.Equal(v, r.loc.AppendTo(nil)) {
				wasted = append(wasted, locs[i])
				continue
			}
			id := binary.BigEndian.Uint64(r.key[len(prefixChunk):])
			rec := blobs[id]
			if rec == nil {
				bv, ok, err := get(e.db, blobKey(id))
				if err != nil {
					return err
				}
				if !ok {
					wasted = append(wasted, locs[i])
					continue
				}
				br, err := decodeBlob(bv)
				if err != nil {
					return err
				}
				rec = &br
				blobs[id] = rec
			}
			rec.segs = moveUse(rec.segs, r.loc.Segment, locs[i].Segment, int64(r.loc.Size), int64(locs[i].Size))
			segDelta[r.loc.Segment] -= int64(r.loc.Size)
			segDelta[locs[i].Segment] += int64(locs[i].Size)
			if err := b.Set(r.key, locs[i].AppendTo(nil), nil); err != nil {
				return err
			}
		}
		for id, rec := range blobs {
			if err := b.Set(blobKey(id), rec.encode(), nil); err != nil {
				return err
			}
		}
		if _, err := e.applySegDeltas(b, segDelta); err != nil {
			return err
		}
		return b.Commit(pebble.NoSync)
	}()
	b.Close()
	e.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return wasted, e.syncMeta()
}

// moveUse moves bytes of usage from segment from to segment to.
func moveUse(segs []segUse, from, to uint64, oldSize, newSize int64) []segUse {
	for i := range segs {
		if segs[i].seg == from {
			segs[i].bytes -= oldSize
		}
	}
	found := false
	for i := range segs {
		if segs[i].seg == to {
			segs[i].bytes += newSize
			found = true
		}
	}
	if !found {
		segs = append(segs, segUse{seg: to, bytes: newSize})
	}
	out := segs[:0]
	for _, s := range segs {
		if s.bytes > 0 {
			out = append(out, s)
		}
	}
	return out
}

// applySegDeltas adds deltas to the segment live counters in b and reports
// whether a segment lost its last live byte. The caller holds e.mu.
func (e *Engine) applySegDeltas(b *pebble.Batch, deltas map[uint64]int64) (emptied bool, err error) {
	for s, delta := range deltas {
		if delta == 0 {
			continue
		}
		var live int64
		v, ok, err := get(e.db, segmentKey(s))
		if err != nil {
			return false, err
		}
		if ok {
			live, _ = binary.Varint(v)
		}
		live += delta
		if live <= 0 {
			emptied = emptied || ok
			err = b.Delete(segmentKey(s), nil)
		} else {
			err = b.Set(segmentKey(s), binary.AppendVarint(nil, live), nil)
		}
		if err != nil {
			return false, err
		}
	}
	return emptied, nil
}

// minRotate is the smallest active segment the background loop seals to
// reclaim its dead bytes.
const minRotate = 1 << 20

// startBackground starts the background loops: compaction, lifecycle and
// replication each run on a goroutine of their own, so that a long pass of
// one (a lifecycle pass writing inventory reports over a large bucket, a
// compaction moving gigabytes) does not hold back the others: replication's
// time thresholds and a kicked compaction run while a lifecycle pass works.
// Each kind of pass is serialised by its own lock (lcMu, repl.mu, the
// compactor's) against the public calls that run it too; a replication
// pass's deliveries may outlive it (replicationPass), counted in e.bg.
func (e *Engine) startBackground(ctx context.Context) {
	e.bg.Add(3)
	go e.backgroundLoop(ctx)
	go e.tickLoop(min(e.opts.CompactInterval, max(e.opts.LifecycleDay/10, 10*time.Millisecond)), func() { e.lifecycleTick(ctx) })
	go e.tickLoop(e.opts.Replication.Interval, func() { e.replicationTick(ctx) })
}

// tickLoop calls f every interval until Close.
func (e *Engine) tickLoop(interval time.Duration, f func()) {
	defer e.bg.Done()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-e.stop:
			return
		case <-t.C:
			f()
		}
	}
}

// backgroundLoop runs maintain every CompactInterval and whenever noteDead
// kicks it, until Close.
func (e *Engine) backgroundLoop(ctx context.Context) {
	defer e.bg.Done()
	t := time.NewTicker(e.opts.CompactInterval)
	defer t.Stop()
	// retry, when armed, runs again soon after a run that left work behind
	// (segments a write in flight held, a failed step): with no further
	// deletes nothing else would kick the loop before the periodic run.
	// Consecutive unfinished runs back off up to CompactInterval.
	retry := time.NewTimer(time.Hour)
	retry.Stop()
	defer retry.Stop()
	backoff := retryAfter
	run := func(periodic bool) {
		if e.maintain(ctx, periodic) {
			backoff = retryAfter
			return
		}
		retry.Reset(backoff)
		backoff = min(2*backoff, e.opts.CompactInterval)
	}
	for {
		select {
		case <-e.stop:
			return
		case <-t.C:
			run(true)
		case <-e.gc.kick:
			run(false)
		case <-retry.C:
			run(false)
		}
	}
}

// lifecycleTick runs a lifecycle pass when LifecycleInterval has passed
// on the clock since the last one.
func (e *Engine) lifecycleTick(ctx context.Context) {
	now := e.now()
	if !e.lcLast.IsZero() && now.Sub(e.lcLast) < e.opts.LifecycleInterval {
		return
	}
	e.lcLast = now
	st, err := e.lifecyclePass(ctx, now)
	if err != nil && !errors.Is(err, ErrClosed) && ctx.Err() == nil {
		e.opts.Logger.Error("background lifecycle pass failed", "err", err)
	}
	if st != (LifecycleStats{}) {
		e.opts.Logger.Info("lifecycle", "expired", st.Expired, "transitioned", st.Transitioned, "uploads_aborted", st.UploadsAborted,
			"noncurrent_expired", st.NoncurrentExpired, "markers_removed", st.MarkersRemoved, "scheduled", st.Scheduled,
			"inventory_reports", st.Inventory.Reports)
	}
}

// retryAfter is how soon the background loop runs again after a run that
// could not finish its work (doubling while runs keep failing to).
const retryAfter = 250 * time.Millisecond

// maintain is one background run: on the periodic tick it aborts stale
// uploads, then it seals a mostly dead active segment and compacts. It
// reports whether the run finished what it found (false: run again soon).
func (e *Engine) maintain(ctx context.Context, periodic bool) (finished bool) {
	report := func(what string, err error) {
		if err != nil && !errors.Is(err, ErrClosed) && ctx.Err() == nil {
			e.opts.Logger.Error("background "+what+" failed", "err", err)
		}
	}
	if periodic && e.opts.AbortUploadsAfter > 0 {
		n, err := e.abortStaleUploads(ctx, e.now().Add(-e.opts.AbortUploadsAfter))
		report("abort of stale multipart uploads", err)
		if n > 0 {
			e.opts.Logger.Info("aborted stale multipart uploads", "count", n, "older_than", e.opts.AbortUploadsAfter)
		}
	}
	if periodic {
		_, err := e.sweepAnnotations(ctx)
		report("sweep of stale annotations", err)
		_, err = e.sweepObjAnnotations(ctx)
		report("sweep of stale object annotations", err)
		if m, ok := e.blobFS.(*memfs.FS); ok {
			m.TrimSpare() // the excess kept through a burst of frees
		}
	}
	e.gc.dead.Store(0)
	rerr := e.rotateIfDead()
	report("rotation of the blob log", rerr)
	minLive := 1 - e.opts.CompactDeadRatio
	if minLive <= 0 { // ratio 1: only fully dead segments (0 would mean the default)
		minLive = math.SmallestNonzeroFloat64
	}
	// A run kicked by deletes looks only at what they touched; the periodic
	// one looks at everything.
	st, err := e.compact(ctx, CompactOptions{MinLiveRatio: minLive}, !periodic)
	e.ranOnce()
	report("compaction", err)
	if st.SegmentsRemoved > 0 {
		e.opts.Logger.Info("compacted blob log", "removed", st.SegmentsRemoved, "rewritten", st.SegmentsRewritten,
			"moved_bytes", st.BytesMoved, "reclaimed_bytes", st.BytesReclaimed)
	}
	return rerr == nil && err == nil && st.SegmentsDeferred == 0
}

// rotateIfDead seals the active segment when it holds at least minRotate
// bytes of which CompactDeadRatio are dead, so that Compact, which only
// touches sealed segments, can reclaim them.
func (e *Engine) rotateIfDead() error {
	active, ok := e.log.Segment(e.log.ActiveSegment())
	if !ok || active.Size < minRotate {
		return nil
	}
	var live int64
	v, ok, err := get(e.db, segmentKey(active.ID))
	if err != nil {
		return err
	}
	if ok {
		live, _ = binary.Varint(v)
	}
	if float64(active.Size-live) < e.opts.CompactDeadRatio*float64(active.Size) || e.log.ActiveSegment() != active.ID {
		return nil
	}
	return e.log.Rotate()
}

// abortStaleUploads aborts, in every bucket, the multipart uploads
// initiated before t.
func (e *Engine) abortStaleUploads(ctx context.Context, t time.Time) (int, error) {
	buckets, err := e.ListBuckets(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, b := range buckets {
		n, err := e.AbortUploadsBefore(ctx, b.Name, t)
		total += n
		if err != nil && !errors.Is(err, ErrNoSuchBucket) {
			return total, err
		}
	}
	return total, nil
}
