package engine

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	iofs "io/fs"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/bloom"
	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/osslite/osslite/engine/internal/memfs"
	"github.com/osslite/osslite/wal"
)

// Engine is an open object store. It is safe for concurrent use; Close it
// when done.
type Engine struct {
	opts Options
	db   *pebble.DB
	log  *wal.Log
	lock *pebble.Lock // held from before the blob log opens until Close
	// md5 hashes large bodies in vector lanes (md5lanes.go).
	md5 *md5Lanes
	// blobFS holds the blob log: Options.FS, or memfs in memory mode.
	blobFS vfs.FS
	// stopped holds the error that stopped the engine: pebble's fatal
	// errors (a failed write or sync of its log) are fail-stop, and the
	// memtable may hold batches that never reached the log; once set,
	// every operation is refused with it (see admit).
	stopped *atomic.Pointer[error]

	// mu serialises the read-modify-write of metadata (refcounts, segment
	// counters, conditional writes). Body bytes are written to the blob log
	// before mu is taken, so the critical section is short and does no I/O
	// beyond pebble reads; fsyncs happen after mu is released.
	mu sync.Mutex
	// commits counts mutation commits twice, before and after pebble
	// applies the batch (odd while one is applying): a reader that saw
	// the same even count before a read and after taking a snapshot knows
	// no mutation's batch became visible in between (openCurrent).
	commits atomic.Uint64
	// usage caches the buckets' usage records (usage.go); usageBuf and
	// usageKeyBuf are scratch for writing them. All three are guarded by
	// mu.
	usage       map[string]*usageRecord
	usageBuf    []byte
	usageKeyBuf []byte
	nextBlob    atomic.Uint64
	closed      atomic.Bool
	// listSteps counts iterator positionings done by listings (tests
	// assert that delimiter listings seek past common prefixes).
	listSteps  atomic.Int64
	gc         gcState
	configs    configCache
	stop       chan struct{}  // closed by Close
	bgCancel   func()         // cancels the background loop's work; nil without one
	bg         sync.WaitGroup // background goroutines
	recovery   wal.RecoveryReport
	vers       versionCache   // guarded by mu
	bucketKeys bucketKeyCache // SSE-KMS bucket keys (sse_bucketkey.go)
	worm       wormCache      // bucket retention policies; guarded by mu
	buckets    bucketCache    // decoded bucket records (bucketcache.go)
	// owners holds the names of each owner's buckets ("" for buckets
	// without an owner), built at the first use of
	// BucketOptions.MaxPerOwner or ListBucketsOf and kept by commit since
	// (nil: not built). Guarded by mu.
	owners map[string]map[string]struct{}
	// regions counts the buckets of each region, kept with owners.
	regions map[string]int
	// lcMu serialises lifecycle passes; lcLast is the clock time of the
	// last background pass.
	lcMu   sync.Mutex
	lcLast time.Time
	// notify is the event-notification queue and the access-log batches.
	notify notifyState
	// analytics holds storage class analysis counts not stored yet
	// (analytics.go).
	analytics analyticsState
	repl      replState // replication passes (replication.go)
	// scheduled says an F/ pointer of a scheduled deletion may exist
	// (expiry.go): set at Open from the store and by ScheduleDeletion,
	// cleared by a lifecycle pass that finds none, both under mu. While
	// it is false a delete writes no F/ tombstone.
	scheduled atomic.Bool
	// inPlace: blob-log files are memory (memfs), which GETs write to
	// clients in place (Object.WriteTo); views guards that memory.
	inPlace bool
	views   viewGuard
	// gate admits the operations that use pebble and the blob log (every
	// exported method, reads of open Objects' snapshots, mutations until
	// their batch is durable); Close shuts it and waits for them before
	// closing either store.
	gate closeGate
}

// Open opens the store in dir, creating it if needed. dir "" with no
// opts.FS means a fresh in-memory store. opts may be nil.
func Open(dir string, opts *Options) (*Engine, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	var blobFS vfs.FS
	fresh := false // a new in-memory store, which nothing can reopen
	if o.FS == nil {
		if dir == "" {
			fresh = true
			// Blob segments hold nearly every byte of a memory store:
			// they go to a filesystem that grows files in blocks and
			// frees them when a segment is removed (see memfs). Pebble's
			// tables go there too: vfs.NewMem grows a file by appending
			// to one slice, which copies a table being written again at
			// every doubling (4.5% of a 4 KiB PUT's CPU in memory).
			mem := memfs.New()
			o.FS, blobFS = mem, mem
		} else {
			o.FS = vfs.Default
		}
	}
	memory := dir == "" || isMemFS(o.FS)
	if dir == "" {
		dir = "osslite"
	}
	if memory && o.SegmentSize == 0 {
		// Smaller segments free memory sooner; rotating costs nothing.
		o.SegmentSize = max(defaultMemorySegmentSize, int64(o.ChunkSize))
	}
	o.EnsureDefaults()
	if err := o.Validate(); err != nil {
		return nil, err
	}
	switch o.Sync {
	case SyncAuto:
		o.sync = !memory
	case SyncAlways:
		o.sync = true
	}
	if err := makeDirs(o.FS, dir, o.sync); err != nil {
		return nil, fmt.Errorf("engine: create %s: %w", dir, err)
	}
	// Lock before either store opens: blob-log recovery truncates torn
	// tails, which must never happen under a live writer.
	lock, err := lockDir(o.FS, o.FS.PathJoin(dir, "meta"))
	if err != nil {
		return nil, err
	}
	if blobFS == nil {
		blobFS = o.FS
	}
	// Metadata first: blob-log recovery asks it what it references.
	stopped := new(atomic.Pointer[error])
	popts := &pebble.Options{
		FS:     o.FS,
		Logger: pebbleLogger{o.Logger, stopped},
		Lock:   lock,
		// Pebble's log of a new in-memory store could only ever be read
		// by reopening it, which nothing can: without it a write skips
		// encoding and copying every record into a log in memory (a 4
		// KiB PUT's body twice, the log and the memtable).
		DisableWAL: fresh && !o.sync,
	}
	// Every request reads records by key (db.Get): a bloom filter lets a
	// read skip the tables that do not hold its key.
	for i := range popts.Levels {
		popts.Levels[i].FilterPolicy = bloom.FilterPolicy(10)
	}
	db, err := pebble.Open(o.FS.PathJoin(dir, "meta"), popts)
	if err != nil {
		_ = lock.Close()
		return nil, fmt.Errorf("engine: open metadata: %w", err)
	}
	log, report, err := wal.Open(wal.Options{
		FS:          blobFS,
		Dir:         blobFS.PathJoin(dir, "blobs"),
		SegmentSize: o.SegmentSize,
		Sync:        o.sync,
		Compression: o.Compression,
		// Ours and the operating system's files copy what they are
		// given: payloads are written without a copy into a record.
		PayloadWrites: isPlainFS(blobFS),
		Logger:        o.Logger,
		Referenced:    func(seg uint64) (int64, error) { return referencedEnd(db, seg) },
	})
	if err != nil {
		_ = db.Close()
		_ = lock.Close()
		return nil, fmt.Errorf("engine: open blob log: %w", err)
	}
	e := &Engine{opts: o, db: db, log: log, lock: lock, blobFS: blobFS, stopped: stopped, recovery: report, stop: make(chan struct{})}
	e.gate.init()
	_, e.inPlace = blobFS.(*memfs.FS)
	if o.VectorMD5 {
		e.md5 = newMD5Lanes()
	}
	if err := e.loadNextBlob(); err != nil {
		_ = e.Close()
		return nil, err
	}
	if err := e.countUsage(); err != nil {
		_ = e.Close()
		return nil, fmt.Errorf("engine: count bucket usage: %w", err)
	}
	if err := e.noteSchedules(); err != nil {
		_ = e.Close()
		return nil, fmt.Errorf("engine: read scheduled deletions: %w", err)
	}
	if err := e.startNotifier(); err != nil {
		_ = e.Close()
		return nil, err
	}
	if o.CompactInterval > 0 {
		var ctx context.Context
		ctx, e.bgCancel = context.WithCancel(context.Background())
		e.gc.kick = make(chan struct{}, 1)
		e.startBackground(ctx)
	}
	return e, nil
}

// makeDirs creates dir and its meta and blobs subdirectories and, when
// syncing, makes the new directory entries durable: a directory whose entry
// is lost in a crash takes the whole store with it.
func makeDirs(fs vfs.FS, dir string, sync bool) error {
	for _, d := range []string{fs.PathJoin(dir, "meta"), fs.PathJoin(dir, "blobs")} {
		if err := fs.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	if !sync {
		return nil
	}
	for d := dir; ; d = fs.PathDir(d) {
		f, err := fs.OpenDir(d)
		if err != nil {
			return err
		}
		err = errors.Join(f.Sync(), f.Close())
		if err != nil {
			return err
		}
		if parent := fs.PathDir(d); parent == d || parent == "." || parent == "" {
			return nil
		}
	}
}

// isPlainFS reports whether fs's files neither keep nor modify the
// buffers Write is given: the operating system's and memfs's (pebble's
// vfs.NewMem may scribble on them in invariants builds; wrappers are
// unknown).
func isPlainFS(fs vfs.FS) bool {
	if _, ok := fs.(*memfs.FS); ok {
		return true
	}
	return fs == vfs.Default
}

func isMemFS(fs vfs.FS) bool {
	switch fs.(type) {
	case *vfs.MemFS, *memfs.FS:
		return true
	}
	return false
}

// referencedEnd returns the end of the last blob-log record of segment seg
// that a chunk locator references, or 0. It reads every locator; recovery
// calls it only when the newest segment holds bytes that fail verification.
func referencedEnd(db *pebble.DB, seg uint64) (int64, error) {
	it, err := db.NewIter(&pebble.IterOptions{LowerBound: []byte(prefixChunk), UpperBound: prefixEnd([]byte(prefixChunk))})
	if err != nil {
		return 0, err
	}
	var end int64
	for ok := it.First(); ok; ok = it.Next() {
		loc, err := decodeLoc(it.Value())
		if err != nil {
			_ = it.Close()
			return 0, err
		}
		if loc.Segment == seg {
			end = max(end, loc.Offset+int64(loc.Size))
		}
	}
	return end, it.Close()
}

// loadNextBlob sets the blob ID counter past the highest ID in use.
func (e *Engine) loadNextBlob() error {
	it, err := e.db.NewIter(&pebble.IterOptions{LowerBound: []byte(prefixBlob), UpperBound: prefixEnd([]byte(prefixBlob))})
	if err != nil {
		return err
	}
	defer it.Close()
	next := uint64(1)
	if it.Last() {
		k := it.Key()
		if len(k) != len(prefixBlob)+8 {
			return fmt.Errorf("%w: blob key %x", ErrCorrupt, k)
		}
		next = binary.BigEndian.Uint64(k[len(prefixBlob):]) + 1
	}
	e.nextBlob.Store(next)
	return it.Error()
}

// Close flushes and closes the store. Readers must be closed first. A
// write committing when Close is called is waited for (it is durable
// when Close returns); one that had not reached its commit fails with
// ErrClosed. So does every method called once Close has begun, and
// every step of one still running that would use the stores after it:
// Close waits for the steps inside them (a read, a listing, a compaction
// pass, a commit), never for a request body being read.
func (e *Engine) Close() error {
	if !e.closed.Load() {
		if err := e.flushAnalytics(context.Background()); err != nil {
			e.opts.Logger.Error("storage class analysis counts lost at close", "err", err)
		}
		e.closeNotify() // writes pending access logs while the store is open
	}
	if e.closed.Swap(true) {
		return nil
	}
	close(e.stop)
	if e.bgCancel != nil {
		e.bgCancel()
	}
	e.bg.Wait()
	e.md5.close()
	// Operations that entered before Close finish before the stores go
	// (pebble panics, and may read freed memory, when it is closed under
	// one); those arriving from here on fail with ErrClosed.
	e.gate.close()
	err := e.db.Close()
	if lerr := e.log.Close(); err == nil {
		err = lerr
	}
	if lerr := e.lock.Close(); err == nil {
		err = lerr
	}
	if m, ok := e.blobFS.(*memfs.FS); ok { // only Open makes one: nothing reopens it
		// A memory store's blob blocks live outside the Go heap: the
		// garbage collector would never return them. A reader writing
		// from them in place (Object.WriteTo) delays the release to its
		// end.
		e.views.close(m.Release)
	}
	return err
}

// viewGuard counts the readers using blob-log memory in place and runs
// the release of that memory once the engine is closed and the last one
// is done.
type viewGuard struct {
	mu      sync.Mutex
	n       int
	closed  bool
	release func()
}

// enter registers a reader; false once the engine is closed.
func (g *viewGuard) enter() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.n++
	return true
}

// leave ends what enter began.
func (g *viewGuard) leave() {
	g.mu.Lock()
	g.n--
	var release func()
	if g.n == 0 && g.closed {
		release, g.release = g.release, nil
	}
	g.mu.Unlock()
	if release != nil {
		release()
	}
}

// close refuses new readers and runs release now, or when the last one
// leaves.
func (g *viewGuard) close(release func()) {
	g.mu.Lock()
	g.closed = true
	if g.n > 0 {
		g.release = release
		release = nil
	}
	g.mu.Unlock()
	if release != nil {
		release()
	}
}

// lockDir takes pebble's directory lock on the metadata directory. A lock
// held elsewhere is ErrLocked; failing to create the lock file is not.
func lockDir(fs vfs.FS, meta string) (*pebble.Lock, error) {
	lock, err := pebble.LockDirectory(meta, fs)
	if err == nil {
		return lock, nil
	}
	if _, ok := errors.AsType[*iofs.PathError](err); ok {
		return nil, fmt.Errorf("engine: lock %s: %w", meta, err)
	}
	return nil, fmt.Errorf("%w: %s: %v", ErrLocked, fs.PathDir(meta), err)
}

// Options returns the options in force, defaults filled in: every field
// Open fills (FS, Clock, sizes, RestoreDelay, Logger) is set, so callers
// may use the values as they are.
func (e *Engine) Options() Options { return e.opts }

// Recovery says what the blob log dropped (torn tails cut off) and kept
// despite corruption (records the metadata references) when the
// store was opened. It returns a copy.
func (e *Engine) Recovery() wal.RecoveryReport {
	r := e.recovery
	r.Truncations = slices.Clone(r.Truncations)
	return r
}

func (e *Engine) now() time.Time { return e.opts.Clock.Now().UTC() }

// enter admits an operation that uses pebble or the blob log: ErrClosed
// once Close has begun, ctx's error when it is done. On nil the caller
// must call leave when it is done with both stores; Close waits for it.
// Entering again while inside is allowed (it never blocks).
func (e *Engine) enter(ctx context.Context) error {
	if err := e.admit(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		e.gate.leave()
		return err
	}
	return nil
}

// admit is enter without a context: for the steps that finish what a
// request began whatever its context says (a commit, a reader's read).
func (e *Engine) admit() error {
	if !e.gate.enter() {
		return ErrClosed
	}
	if e.closed.Load() { // Close began: background work stops too
		e.gate.leave()
		return ErrClosed
	}
	if err := e.stopped.Load(); err != nil {
		e.gate.leave()
		return *err
	}
	return nil
}

// leave ends what enter began.
func (e *Engine) leave() { e.gate.leave() }

// pass is an operation's stay inside the gate (see enter) that it gives
// up while it reads a request body, which Close must not wait for, and
// takes again after it. The caller defers leave.
type pass struct {
	e  *Engine
	in bool
}

// enterPass is enter, returning the pass.
func (e *Engine) enterPass(ctx context.Context) (pass, error) {
	if err := e.enter(ctx); err != nil {
		return pass{}, err
	}
	return pass{e: e, in: true}, nil
}

// leave leaves the gate if inside.
func (p *pass) leave() {
	if p.in {
		p.in = false
		p.e.leave()
	}
}

// readmit enters again after a body was read (see admit).
func (p *pass) readmit() error {
	if err := p.e.admit(); err != nil {
		return err
	}
	p.in = true
	return nil
}

// closeGate counts the operations inside the engine's stores so that
// Close can shut it and wait for them. Unlike a sync.RWMutex read lock,
// entering never blocks, so an operation may enter again while inside
// (a copy opening its source, a pass calling an exported method) without
// deadlocking against a Close waiting for it: once Close has begun,
// every enter fails.
type closeGate struct {
	n       atomic.Int64  // operations inside, plus gateShut once Close began
	drained chan struct{} // closed when the last operation leaves after that
	done    atomic.Bool   // drained is closed
}

// gateShut is the count's bit that Close sets; the count of operations
// inside never comes near it.
const gateShut = 1 << 62

func (g *closeGate) init() { g.drained = make(chan struct{}) }

func (g *closeGate) enter() bool {
	if g.n.Add(1) < gateShut {
		return true
	}
	g.leave()
	return false
}

func (g *closeGate) leave() {
	if g.n.Add(-1) == gateShut && g.done.CompareAndSwap(false, true) {
		close(g.drained)
	}
}

// close shuts the gate and waits for the operations inside to leave.
func (g *closeGate) close() {
	if g.n.Add(gateShut) == gateShut {
		if g.done.CompareAndSwap(false, true) {
			close(g.drained)
		}
		return
	}
	<-g.drained
}

// get reads a key from r (the db or a snapshot); found is false when absent.
// The returned bytes are a copy.
func get(r pebble.Reader, key []byte) (val []byte, found bool, err error) {
	v, closer, err := r.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	val = append([]byte(nil), v...)
	return val, true, closer.Close()
}

// getObject reads and decodes the object record at key, decoding in
// place (decodeObject never aliases its input, so the value is not
// copied first).
func getObject(r pebble.Reader, key []byte, body bool) (rec objectRecord, found bool, err error) {
	return getObjectParts(r, key, body, body)
}

// getObjectParts is getObject decoding as decodeObjectParts.
func getObjectParts(r pebble.Reader, key []byte, extents, inline bool) (rec objectRecord, found bool, err error) {
	return getObjectFields(r, key, extents, inline, nil)
}

// getObjectFields is getObject decoding as decodeObjectFields.
func getObjectFields(r pebble.Reader, key []byte, extents, inline bool, brief *briefDecode) (rec objectRecord, found bool, err error) {
	v, closer, err := r.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return objectRecord{}, false, nil
	}
	if err != nil {
		return objectRecord{}, false, err
	}
	rec, err = decodeObjectFields(v, extents, inline, brief)
	if cerr := closer.Close(); err == nil {
		err = cerr
	}
	return rec, err == nil, err
}

func (e *Engine) bucketRecord(r pebble.Reader, bucket string) (bucketRecord, error) {
	v, closer, err := r.Get(bucketKey(bucket))
	if errors.Is(err, pebble.ErrNotFound) {
		return bucketRecord{}, fmt.Errorf("%w: %s", ErrNoSuchBucket, bucket)
	}
	if err != nil {
		return bucketRecord{}, err
	}
	defer closer.Close()
	return decodeBucket(v) // never aliases v
}

// objectRecord reads bucket/key; a missing bucket or key is an error.
func (e *Engine) objectRecord(r pebble.Reader, bucket, key string, body bool) (objectRecord, error) {
	rec, ok, err := getObject(r, objectKey(bucket, key), body)
	if err != nil {
		return objectRecord{}, err
	}
	if !ok {
		b, err := e.bucketRecord(r, bucket)
		if err != nil {
			return objectRecord{}, err
		}
		if b.versioning != VersioningOff {
			if m, ok, err := e.latestMarker(r, bucket, key); err != nil {
				return objectRecord{}, err
			} else if ok {
				return objectRecord{}, &DeleteMarkerError{Err: fmt.Errorf("%w: %s/%s", ErrNoSuchKey, bucket, key),
					VersionID: m.info.VersionID, LastModified: m.info.LastModified}
			}
		}
		return objectRecord{}, fmt.Errorf("%w: %s/%s", ErrNoSuchKey, bucket, key)
	}
	rec.info.Bucket, rec.info.Key = bucket, key
	return rec, nil
}

// mutation collects the changes of one operation: a batch plus refcount and
// segment-usage deltas that are folded into it at commit.
type mutation struct {
	e *Engine
	b *pebble.Batch
	// refs and newBlobs are made by their first entry (ref, addBlob): a
	// small PUT, whose body is inline, has none.
	refs     map[uint64]int64
	newBlobs map[uint64]*newBlob
	// content holds the content-index entries this mutation sets (nil
	// value: deletes), written last at commit.
	content []contentEntry
	// buckets names the buckets whose records this mutation writes; their
	// cached records are dropped at commit. owners holds the owner each
	// record is left with, for Engine.owners.
	buckets []string
	owners  map[string]bucketOwner
	// syncWait is set when commit left the log's fsync to be waited for.
	syncWait bool
	// queuedSeq is the last sequencer of the deliveries the batch queued
	// (0: none), made deliverable once the batch is durable.
	queuedSeq uint64
	// prior holds O/, V/ and P/ records as they were before the batch,
	// noted by the operations that read them (see notePrior).
	prior      []priorEntry
	priorBuf   [2]priorEntry
	priorIndex map[string]int // into prior, once it is long
	// uploads holds the uploads whose parts m writes or drops, by ID
	// (see noteUpload and dropParts).
	uploads map[string]*uploadNote
	// usageTouched names the buckets whose cached usage records m
	// changed (see usageOf).
	usageTouched []string
	touchedBuf   [1]string
	// events are the events m queues in its batch (nil: its operation
	// runs without WithEvent; see notifybatch.go).
	events *batchEvents
}

func (e *Engine) newMutation() *mutation {
	return &mutation{e: e, b: e.db.NewBatch()}
}

// addBlob records a freshly written blob with no references yet. nb may be
// nil (an inline body).
func (m *mutation) addBlob(nb *newBlob) {
	if nb != nil {
		if m.newBlobs == nil {
			m.newBlobs = map[uint64]*newBlob{}
		}
		m.newBlobs[nb.id] = nb
	}
}

func (m *mutation) ref(xs []extent, delta int64) {
	if len(xs) > 0 && m.refs == nil {
		m.refs = map[uint64]int64{}
	}
	for _, x := range xs {
		m.refs[x.blob] += delta
	}
}

// commit folds the deltas into the batch and applies it. The caller holds
// e.mu. On a durable store the batch's log write is synced but not waited
// for (m.syncWait): the caller waits after releasing e.mu, so that
// concurrent writers share one fsync instead of taking turns; then closes
// the batch.
func (m *mutation) commit() (err error) {
	defer func() {
		if err != nil {
			m.forgetUsage()
		}
	}()
	if err := m.foldUsage(); err != nil {
		return err
	}
	seg := map[uint64]int64{}
	var freed int64 // bytes of blobs whose last reference goes
	for id, delta := range m.refs {
		if delta == 0 {
			continue
		}
		var rec blobRecord
		if nb, ok := m.newBlobs[id]; ok {
			rec = blobRecord{size: nb.size, chunkSize: nb.chunkSize, sha1: nb.sha1}
			for i, loc := range nb.locs {
				if n := len(rec.segs); n == 0 || rec.segs[n-1].seg != loc.Segment {
					rec.segs = append(rec.segs, segUse{seg: loc.Segment})
				}
				rec.segs[len(rec.segs)-1].bytes += int64(loc.Size)
				if err := m.b.Set(chunkKey(id, uint32(i)), loc.AppendTo(nil), nil); err != nil {
					return err
				}
			}
			for _, s := range rec.segs {
				seg[s.seg] += s.bytes
			}
		} else {
			v, ok, err := get(m.e.db, blobKey(id))
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("%w: blob %d is referenced but missing", ErrCorrupt, id)
			}
			if rec, err = decodeBlob(v); err != nil {
				return err
			}
		}
		rec.refs += delta
		switch {
		case rec.refs < 0:
			return fmt.Errorf("%w: blob %d refcount below zero", ErrCorrupt, id)
		case rec.refs == 0:
			for _, s := range rec.segs {
				seg[s.seg] -= s.bytes
				freed += s.bytes
			}
			if err := deleteChunks(m.b, id, rec); err != nil {
				return err
			}
			if err := m.b.Delete(blobKey(id), nil); err != nil {
				return err
			}
			if err := m.dropContent(rec.sha1, rec.size, contentBlobRef(id, "", nil)); err != nil {
				return err
			}
		default:
			if err := m.b.Set(blobKey(id), rec.encode(), nil); err != nil {
				return err
			}
		}
	}
	emptied, err := m.e.applySegDeltas(m.b, seg)
	if err != nil {
		return err
	}
	if err := m.flushContent(); err != nil {
		return err
	}
	ownerMoves, err := m.ownerMoves()
	if err != nil {
		return err
	}
	queued, err := m.queueEvents()
	if err != nil {
		return err
	}
	m.e.commits.Add(1) // odd: records are changing
	if m.e.opts.sync {
		err = m.e.db.ApplyNoSyncWait(m.b, pebble.Sync)
		m.syncWait = err == nil
	} else {
		err = m.b.Commit(pebble.NoSync)
	}
	m.e.commits.Add(1)
	m.eventsApplied(queued, err)
	if err != nil {
		return err
	}
	if len(m.buckets) > 0 {
		m.e.buckets.drop(m.buckets)
	}
	for _, mv := range ownerMoves {
		m.e.moveOwner(mv)
	}
	var fell []uint64
	for s, d := range seg {
		if d < 0 {
			fell = append(fell, s)
		}
	}
	m.e.markDirty(fell...)
	m.e.noteDead(freed, emptied)
	return nil
}

// checkGuard refuses a write when the guarded bucket was re-created. A
// missing bucket passes: the write itself reports it.
func (e *Engine) checkGuard(g bucketGuard) error {
	rec, err := e.cachedBucket(g.bucket)
	if errors.Is(err, ErrNoSuchBucket) {
		return nil
	}
	if err != nil {
		return err
	}
	if rec.id != g.id {
		return fmt.Errorf("%w: %s", ErrBucketChanged, g.bucket)
	}
	return nil
}

// syncMeta makes every committed batch durable. Concurrent callers share
// one fsync of pebble's log (its commit pipeline groups them).
func (e *Engine) syncMeta() error {
	if !e.opts.sync {
		return nil
	}
	return e.db.LogData(nil, pebble.Sync)
}

// apply runs fn under the metadata lock, commits its mutation and makes it
// durable before returning.
func (e *Engine) apply(fn func(m *mutation) error) error {
	return e.applyCtx(context.Background(), fn)
}

// bucketGuard is the bucket a caller authorized a request against.
type bucketGuard struct {
	bucket string
	id     uint64
}

type bucketGuardKey struct{}

// WithBucketGuard returns a context under which every write to bucket
// first checks, in the same atomic step as the write, that the bucket is
// still the one whose BucketInfo.ID the caller read (when it authorized
// the request, say); if it was deleted and re-created meanwhile, the write
// fails with ErrBucketChanged and changes nothing.
func WithBucketGuard(ctx context.Context, bucket string, id uint64) context.Context {
	return &guardContext{Context: ctx, guard: bucketGuard{bucket: bucket, id: id}}
}

// guardContext is context.WithValue(ctx, bucketGuardKey{}, guard) in one
// allocation (WithValue makes two: its context and the guard it boxes).
// Every request that reads its bucket makes one.
type guardContext struct {
	context.Context
	guard bucketGuard
}

// Value returns the guard, a *bucketGuard, for bucketGuardKey and the
// parent's value of any other key.
func (c *guardContext) Value(key any) any {
	if key == (bucketGuardKey{}) {
		return &c.guard
	}
	return c.Context.Value(key)
}

// applyCtx is apply under ctx's bucket guard, if any.
func (e *Engine) applyCtx(ctx context.Context, fn func(m *mutation) error) error {
	g, guarded := ctx.Value(bucketGuardKey{}).(*bucketGuard)
	// A write that began before Close (a body being ingested) commits
	// before Close closes pebble, or fails with ErrClosed: pebble panics
	// on a closed store. Close waits for the gate until the batch is
	// synced.
	if err := e.admit(); err != nil {
		return err
	}
	defer e.leave()
	events, err := e.eventsFor(ctx)
	if err != nil {
		return err
	}
	e.mu.Lock()
	m := e.newMutation()
	m.events = events
	defer m.b.Close() // after the sync: pebble writes the batch until then
	if stop := e.stopped.Load(); stop != nil {
		// The engine stopped while this write waited for the lock
		// (admitted before): its batch must not reach a memtable whose
		// log has failed either.
		err = *stop
	} else if guarded {
		err = e.checkGuard(*g)
	}
	if err == nil {
		err = fn(m)
	}
	if err == nil {
		err = m.commit()
	}
	e.mu.Unlock()
	if err != nil || !m.syncWait {
		return err
	}
	if err := m.b.SyncWait(); err != nil {
		// A failed sync of pebble's log is fatal, as it is to pebble when
		// it waits itself: the log cannot be trusted after it (fail-stop).
		pebbleLogger{e.opts.Logger, e.stopped}.Fatalf("pebble: fatal commit error: %v", err)
	}
	if m.queuedSeq != 0 {
		e.queuedDurable(m.queuedSeq)
	}
	return nil
}

// pebbleLogger is pebble's logger. Its Fatalf stops the engine before it
// panics (pebble's code does not expect Fatalf to return): a panic that
// reaches a recover, as httpapi's per-request one, must not leave the
// engine applying batches to a memtable whose log has failed, visible to
// reads and lost at the next Open.
type pebbleLogger struct {
	l       *slog.Logger
	stopped *atomic.Pointer[error]
}

func (p pebbleLogger) Infof(format string, args ...any) {
	p.l.Debug(fmt.Sprintf("pebble: "+format, args...))
}
func (p pebbleLogger) Errorf(format string, args ...any) {
	p.l.Error(fmt.Sprintf("pebble: "+format, args...))
}
func (p pebbleLogger) Fatalf(format string, args ...any) {
	msg := fmt.Sprintf("pebble: "+format, args...)
	err := fmt.Errorf("%w: stopped after a fatal metadata error (%s); reopen the store", ErrClosed, msg)
	p.stopped.CompareAndSwap(nil, &err)
	p.l.Error(msg)
	panic(msg)
}

// maxPointChunkDeletes bounds the chunk count deleteChunks removes key by
// key.
const maxPointChunkDeletes = 1 << 16

// deleteChunks deletes the chunk locators of blob id. Every chunk but the
// last holds rec.chunkSize bytes, so their keys are known: point deletes
// keep range tombstones out of pebble's memtable, where each one makes
// every later read fragment all of them again (a mixed 64 KiB workload
// spent a third of its CPU there). A record without a usable chunk size
// (or with a huge count) gets one range delete.
func deleteChunks(b *pebble.Batch, id uint64, rec blobRecord) error {
	if rec.chunkSize > 0 && rec.size >= 0 {
		n := (rec.size + rec.chunkSize - 1) / rec.chunkSize
		if n <= maxPointChunkDeletes {
			for i := range uint32(n) {
				if err := b.Delete(chunkKey(id, i), nil); err != nil {
					return err
				}
			}
			return nil
		}
	}
	start, end := chunkSpan(id)
	return b.DeleteRange(start, end, nil)
}
