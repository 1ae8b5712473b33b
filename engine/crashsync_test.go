package engine

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/cockroachdb/pebble/v2/vfs/errorfs"
	"github.com/osslite/osslite/wal"
	"github.com/stretchr/testify/require"
)

func isSyncOp(k errorfs.OpKind) bool {
	return k == errorfs.OpFileSync || k == errorfs.OpFileSyncData || k == errorfs.OpFileSyncTo
}

// syncRecorder takes a crash image of a vfs.NewCrashableMem at every
// file sync while recording is set, with the range of acknowledged
// operations (acked, counted by the caller) the image may hold.
type syncRecorder struct {
	mem       *vfs.MemFS
	seed      uint64
	recording atomic.Bool
	acked     atomic.Int64
	mu        sync.Mutex // guards images, rng
	images    []syncImage
	rng       *rand.Rand
}

func newSyncRecorder(seed uint64) *syncRecorder {
	return &syncRecorder{mem: vfs.NewCrashableMem(), seed: seed, rng: rand.New(rand.NewPCG(seed, 7))}
}

// fs is the recorded filesystem, to open the store on.
func (r *syncRecorder) fs() vfs.FS {
	return errorfs.Wrap(r.mem, errorfs.InjectorFunc(func(op errorfs.Op) error {
		if !isSyncOp(op.Kind) || !r.recording.Load() {
			return nil
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		lo := int(r.acked.Load())
		img := r.mem.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: []int{0, 50, 100}[r.rng.IntN(3)],
			RNG: rand.New(rand.NewPCG(r.seed, uint64(len(r.images))))})
		r.images = append(r.images, syncImage{fs: img, lo: lo, hi: int(r.acked.Load()) + 1, path: op.Path})
		return nil
	}))
}

// taken returns the images taken so far.
func (r *syncRecorder) taken() []syncImage {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.images)
}

// syncImage is a crash image taken just before a sync: the store must
// recover to one of the states history[lo..hi].
type syncImage struct {
	fs     *vfs.MemFS
	lo, hi int
	path   string
}

// TestCrashEverySync runs a short single-writer workload (buckets, puts
// above the chunk size, multipart with re-uploaded and copied parts,
// copies, appends, tag/ACL/metadata updates, deletes, compaction) and takes
// a crash image at every file sync, whoever issues it. Each image must open
// to exactly the state after some prefix of the acknowledged operations
// (the last acknowledged one, or the one in flight): listing, HEAD, GET,
// uploads and parts, with reference counts and segment counters consistent;
// it must survive Compact unchanged and accept writes. Every third image is
// also crashed during its own recovery, and that image must recover to the
// same state.
func TestCrashEverySync(t *testing.T) {
	seeds, ops := 4, 150
	if testing.Short() {
		seeds, ops = 1, 40
	}
	total := 0
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		// Odd seeds use a second configuration: no inline bodies, zstd,
		// segments of one chunk (a rotation every write, many rewrites).
		cfg := testOptions
		if seed%2 == 1 {
			cfg = func() *Options {
				o := testOptions()
				o.InlineThreshold = -1
				o.Compression = wal.Zstd
				o.SegmentSize = int64(o.ChunkSize) + 512
				return o
			}
		}
		t.Run(fmt.Sprint(seed), func(t *testing.T) { total += runCrashEverySync(t, seed, ops, cfg) })
	}
	t.Logf("%d crash points checked", total)
}

func runCrashEverySync(t *testing.T, seed uint64, nops int, cfg func() *Options) int {
	rec := newSyncRecorder(seed)
	opts := cfg()
	opts.FS = rec.fs()
	opts.Sync = SyncAlways
	e, err := Open("/db", opts)
	require.NoError(t, err)
	w := newCrashWorkload(e, rand.New(rand.NewPCG(seed, 3)))
	history, names := recordSteps(t, rec, nops, w.step, func() storeState { return observe(t, e) })
	kinds := countNames(names)
	e.audit(t)
	require.NoError(t, e.Close())

	images := rec.taken()
	t.Logf("%d ops %v, %d crash images", nops, kinds, len(images))
	require.Greater(t, len(images), nops, "every acknowledged write syncs")
	rng := rand.New(rand.NewPCG(seed, 11))
	for n, img := range images {
		allowed := history[img.lo:min(img.hi+1, len(history))]
		where := fmt.Sprintf("image %d (sync of %s after %d acknowledged ops)", n, img.path, img.lo)
		// Every third image also crashes during its own recovery, at one of
		// the first syncs recovery issues.
		var again *vfs.MemFS
		fs := vfs.FS(img.fs)
		if n%3 == 0 {
			var syncs atomic.Int64
			k := int64(rng.IntN(6))
			fs = errorfs.Wrap(img.fs, errorfs.InjectorFunc(func(op errorfs.Op) error {
				if isSyncOp(op.Kind) && syncs.Add(1)-1 == k && again == nil {
					again = img.fs.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: 0})
				}
				return nil
			}))
		}
		got := checkImage(t, cfg, fs, allowed, where)
		if again != nil {
			require.Equal(t, got, checkImage(t, cfg, again, []storeState{got}, where+", crashed in recovery"), where)
		}
	}
	return len(images)
}

// checkImage opens a crash image, checks that it recovered to one of the
// allowed states with consistent metadata, compacts it, checks again, and
// returns the state.
func checkImage(t *testing.T, cfg func() *Options, fs vfs.FS, allowed []storeState, where string) storeState {
	t.Helper()
	ctx := context.Background()
	o := cfg()
	o.FS = fs
	o.Sync = SyncAlways
	re, err := Open("/db", o)
	require.NoError(t, err, "%s must open", where)
	defer func() { require.NoError(t, re.Close()) }()
	got := observe(t, re)
	if !slices.ContainsFunc(allowed, func(s storeState) bool { return reflect.DeepEqual(s, got) }) {
		require.Equal(t, allowed[len(allowed)-1], got, "%s: not a state of the acknowledged history (diff against the newest allowed)", where)
	}
	require.NoError(t, re.auditErr(), where)
	require.NoError(t, re.log.Rotate())
	_, err = re.Compact(ctx, CompactOptions{MinLiveRatio: 0.99})
	require.NoError(t, err, where)
	require.NoError(t, re.auditErr(), "%s, after Compact", where)
	require.Equal(t, got, observe(t, re), "%s, after Compact", where)
	// The recovered store accepts writes.
	if len(got.Buckets) > 0 {
		put(t, re, got.Buckets[0], "after-crash", bytes.Repeat([]byte("y"), 3*re.opts.ChunkSize))
	}
	return got
}

// crashWorkload generates valid operations of every kind that writes.
type crashWorkload struct {
	e       *Engine
	prefix  string // of the bucket names
	rng     *rand.Rand
	buckets []string
	uploads []crashUpload
	n       int
}

type crashUpload struct {
	bucket, key, id string
	parts           map[int]string // number -> ETag
}

func newCrashWorkload(e *Engine, rng *rand.Rand) *crashWorkload {
	return &crashWorkload{e: e, rng: rng}
}

func (w *crashWorkload) size() int {
	c := w.e.opts.ChunkSize
	return []int{0, 10, w.e.opts.InlineThreshold + 1, c + 7, 3*c + 1, 5 * c}[w.rng.IntN(6)]
}

func (w *crashWorkload) key() string { return fmt.Sprintf("k%d", w.rng.IntN(5)) }

// existing returns a random object, or false when there is none.
func (w *crashWorkload) existing(ctx context.Context) (bucket, key string, ok bool) {
	b := w.buckets[w.rng.IntN(len(w.buckets))]
	page, err := w.e.ListObjects(ctx, b, ListOptions{})
	if err != nil || len(page.Objects) == 0 {
		return "", "", false
	}
	return b, page.Objects[w.rng.IntN(len(page.Objects))].Key, true
}

// step runs one operation and says which.
func (w *crashWorkload) step(ctx context.Context) (string, error) {
	e, rng := w.e, w.rng
	w.n++
	if len(w.buckets) == 0 || (len(w.buckets) < 3 && rng.IntN(12) == 0) {
		b := fmt.Sprintf("%sbucket-%d", w.prefix, w.n)
		err := e.CreateBucket(ctx, b, BucketOptions{})
		if err == nil {
			w.buckets = append(w.buckets, b)
		}
		return "CreateBucket", err
	}
	b := w.buckets[rng.IntN(len(w.buckets))]
	switch op := rng.IntN(100); {
	case op < 20:
		data := randBytes(rng, w.size())
		_, err := e.PutObject(ctx, b, w.key(), bytes.NewReader(data), int64(len(data)),
			PutOptions{Metadata: Metadata{ContentType: "text/x-crash", User: map[string]string{"n": fmt.Sprint(w.n)}}})
		return "PutObject", err
	case op < 27:
		k := w.key()
		id, err := e.CreateMultipartUpload(ctx, b, k, PutOptions{Tags: []Tag{{"t", "mp"}}})
		if err == nil {
			w.uploads = append(w.uploads, crashUpload{bucket: b, key: k, id: id, parts: map[int]string{}})
		}
		return "CreateMultipartUpload", err
	case op < 37 && len(w.uploads) > 0: // also re-uploads parts
		u := &w.uploads[rng.IntN(len(w.uploads))]
		n := 1 + rng.IntN(3)
		data := randBytes(rng, w.size())
		p, err := e.UploadPart(ctx, u.bucket, u.key, u.id, n, bytes.NewReader(data), -1, PartOptions{})
		if err == nil {
			u.parts[n] = p.ETag
		}
		return "UploadPart", err
	case op < 42 && len(w.uploads) > 0:
		u := &w.uploads[rng.IntN(len(w.uploads))]
		sb, sk, ok := w.existing(ctx)
		if !ok {
			return "nothing to copy", nil
		}
		info, err := e.HeadObject(ctx, sb, sk)
		if err != nil {
			return "HeadObject", err
		}
		var r *ByteRange
		if info.Size > 1 && rng.IntN(2) == 0 {
			r = &ByteRange{Start: 1, End: info.Size - 1}
		}
		n := 1 + rng.IntN(3)
		p, err := e.UploadPartCopy(ctx, u.bucket, u.key, u.id, n, sb, sk, PartCopyOptions{Range: r})
		if err == nil {
			u.parts[n] = p.ETag
		}
		return "UploadPartCopy", err
	case op < 52 && len(w.uploads) > 0:
		i := rng.IntN(len(w.uploads))
		u := w.uploads[i]
		w.uploads = slices.Delete(w.uploads, i, i+1)
		if len(u.parts) == 0 || rng.IntN(4) == 0 {
			return "AbortMultipartUpload", e.AbortMultipartUpload(ctx, u.bucket, u.key, u.id)
		}
		var parts []CompletePart
		for _, n := range slices.Sorted(maps.Keys(u.parts)) {
			parts = append(parts, CompletePart{PartNumber: n, ETag: u.parts[n]})
		}
		_, err := e.CompleteMultipartUpload(ctx, u.bucket, u.key, u.id, parts, CompleteOptions{MinPartSize: -1})
		return "CompleteMultipartUpload", err
	case op < 58:
		sb, sk, ok := w.existing(ctx)
		if !ok {
			return "nothing to copy", nil
		}
		_, err := e.CopyObject(ctx, sb, sk, b, w.key(), CopyOptions{MetadataDirective: MetadataReplace,
			Metadata: Metadata{ContentType: "text/x-copy"}, Tags: &[]Tag{{"copied", "yes"}}})
		return "CopyObject", err
	case op < 66:
		k := fmt.Sprintf("app%d", rng.IntN(2))
		var pos int64
		if info, err := e.HeadObject(ctx, b, k); err == nil {
			pos = info.Size
		}
		data := randBytes(rng, w.size())
		_, err := e.AppendObject(ctx, b, k, pos, bytes.NewReader(data), -1, PutOptions{})
		return "AppendObject", err
	case op < 76:
		sb, sk, ok := w.existing(ctx)
		if !ok {
			return "nothing to update", nil
		}
		u := ObjectUpdate{}
		switch rng.IntN(3) {
		case 0:
			u.Tags = &[]Tag{{"n", fmt.Sprint(w.n)}}
		case 1:
			u.ACL = &ACL{Canned: []string{"private", "public-read"}[rng.IntN(2)]}
		default:
			u.Metadata = &Metadata{ContentType: fmt.Sprintf("text/x-%d", w.n)}
		}
		_, err := e.UpdateObject(ctx, sb, sk, u)
		return "UpdateObject", err
	case op < 84:
		return "DeleteObject", e.DeleteObject(ctx, b, w.key(), DeleteOptions{})
	case op < 88:
		_, err := e.DeleteObjects(ctx, b, []string{w.key(), w.key(), "app0"})
		return "DeleteObjects", err
	case op < 92:
		// Empty a bucket of objects and delete it, unless uploads keep it.
		if slices.ContainsFunc(w.uploads, func(u crashUpload) bool { return u.bucket == b }) {
			return "bucket has uploads", nil
		}
		page, err := e.ListObjects(ctx, b, ListOptions{})
		if err != nil {
			return "ListObjects", err
		}
		var ks []string
		for _, o := range page.Objects {
			ks = append(ks, o.Key)
		}
		if len(ks) > 0 {
			_, err := e.DeleteObjects(ctx, b, ks)
			return "DeleteObjects (all)", err
		}
		err = e.DeleteBucket(ctx, b, DeleteBucketOptions{})
		if err == nil {
			w.buckets = slices.DeleteFunc(w.buckets, func(s string) bool { return s == b })
		}
		return "DeleteBucket", err
	default:
		if err := e.log.Rotate(); err != nil {
			return "Rotate", err
		}
		_, err := e.Compact(ctx, CompactOptions{MinLiveRatio: 0.9})
		return "Compact", err
	}
}

// TestSyncFailure fails one fsync at a time, systematically at every sync
// of the write path a short workload issues (through pebble's errorfs),
// then crashes with all unsynced data lost. A failed blob-log sync must be
// reported to the operation that waited for it; a failed sync of pebble's
// log is fatal to pebble, which panics (fail-stop) and is treated as a
// crash at that instant. Either way the crash image must open, hold every
// operation acknowledged before it, and be exactly a state the live store
// showed (or, after a fail-stop, the state with the operation in flight).
func TestSyncFailure(t *testing.T) {
	nops := 30
	if testing.Short() {
		nops = 15
	}
	seeds, step := 2, 1
	if testing.Short() {
		seeds, step = 1, 3
	}
	total := 0
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		history, n := runSyncFailure(t, seed, -1, nops, nil)
		require.Positive(t, n)
		for i := 0; i < n; i += step {
			runSyncFailure(t, seed, i, nops, history)
			total++
		}
	}
	t.Logf("%d sync failures injected", total)
}

// runSyncFailure runs the workload failing sync number fail (-1: none). It
// returns the states after each operation and how many syncs were issued.
// history is the result of the run without failures.
func runSyncFailure(t *testing.T, seed uint64, fail, nops int, history []storeState) ([]storeState, int) {
	ctx := context.Background()
	mem := vfs.NewCrashableMem()
	var (
		syncs      atomic.Int64
		cur        atomic.Int64 // operation running, -1 between operations
		failedOp   atomic.Int64
		failedPath atomic.Value
	)
	cur.Store(-1)
	failedOp.Store(-2)
	inj := errorfs.InjectorFunc(func(op errorfs.Op) error {
		if !isSyncOp(op.Kind) || !onWritePath(op.Path) || syncs.Add(1)-1 != int64(fail) {
			return nil
		}
		failedOp.Store(cur.Load())
		failedPath.Store(op.Path)
		return errorfs.ErrInjected
	})
	opts := testOptions()
	opts.FS = errorfs.Wrap(mem, inj)
	opts.Sync = SyncAlways
	// No background loop: a failed pebble sync is fail-stop (a panic),
	// which this test recovers from only on the goroutine it drives.
	opts.CompactInterval = -1
	where := fmt.Sprintf("seed %d: sync %d failed", seed, fail)
	empty := storeState{Objects: map[string]objectState{}}
	e, err := Open("/db", opts)
	if err != nil {
		require.ErrorIs(t, err, errorfs.ErrInjected, where)
		checkImage(t, testOptions, mem.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: 0}), []storeState{empty}, where)
		return nil, int(syncs.Load())
	}
	states := []storeState{observe(t, e)}
	// seen holds the states the live store showed after the last
	// acknowledged operation and after every failed one since.
	seen := states
	reported := false
	w := newCrashWorkload(e, rand.New(rand.NewPCG(seed, 3)))
	for i := 0; i < nops; i++ {
		cur.Store(int64(i))
		name, err, fatal := stepRecover(ctx, w)
		cur.Store(-1)
		if fatal != nil {
			// Fail-stop: the process would be gone. The op in flight may
			// or may not have landed; every earlier one succeeded, so the
			// run without failures says what it would have made.
			require.Equal(t, int64(i), failedOp.Load(), "%s: %v", where, fatal)
			require.Len(t, seen, 1, "%s: fail-stop after an earlier failure", where)
			seen = append(seen, history[i+1])
			reported = true
			break
		}
		if err == nil {
			states = append(states, observe(t, e))
			seen = states[len(states)-1:]
			continue
		}
		require.ErrorIs(t, err, errorfs.ErrInjected, "%s: op %d %s", where, i, name)
		reported = true
		seen = append(seen, observe(t, e))
	}
	if i := failedOp.Load(); i >= 0 {
		require.True(t, reported, "%s (%s) during op %d, and no operation reported an error", where, failedPath.Load(), i)
	}
	// Pebble may refuse to close after a fail-stop.
	_ = closeRecover(e)
	checkImage(t, testOptions, mem.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: 0}), seen, where)
	return states, int(syncs.Load())
}

// stepRecover runs one workload step, turning a panic (pebble's fail-stop)
// into a value.
func stepRecover(ctx context.Context, w *crashWorkload) (name string, err error, fatal any) {
	defer func() { fatal = recover() }()
	name, err = w.step(ctx)
	return name, err, nil
}

func closeRecover(e *Engine) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("close panicked: %v", r)
		}
	}()
	return e.Close()
}

// onWritePath says whether a sync of path is one a writer waits for: the
// blob log's segments and directory, and pebble's write-ahead log. Pebble
// treats a failed sync of its MANIFEST or tables as fatal (it stops the
// process rather than run on an unknown disk state), which a crash test
// already covers.
func onWritePath(path string) bool {
	return strings.Contains(path, "/blobs") || strings.HasSuffix(path, ".log")
}

// TestCrashConcurrentKinds runs the workload of every write kind in several
// goroutines at once (each on its own buckets) with a compactor running
// throughout, takes crash images at random instants, and checks each
// worker's buckets in each image: they hold the state after the worker's
// acknowledged operations, or with its operation in flight.
func TestCrashConcurrentKinds(t *testing.T) {
	seeds, images := 8, 12
	if testing.Short() {
		seeds, images = 1, 6
	}
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runCrashConcurrentKinds(t, seed, images) })
	}
}

func runCrashConcurrentKinds(t *testing.T, seed uint64, nimages int) {
	ctx := context.Background()
	mem := vfs.NewCrashableMem()
	opts := testOptions()
	opts.FS = mem
	opts.Sync = SyncAlways
	e, err := Open("/db", opts)
	require.NoError(t, err)
	const workers = 3
	var (
		mu      sync.Mutex // guards history
		history [workers][]storeState
		acked   [workers]atomic.Int64
		wg      sync.WaitGroup
		stop    = make(chan struct{})
	)
	prefix := func(w int) string { return fmt.Sprintf("w%d-", w) }
	for w := 0; w < workers; w++ {
		history[w] = []storeState{{Objects: map[string]objectState{}}}
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			wl := newCrashWorkload(e, rand.New(rand.NewPCG(seed, uint64(w))))
			wl.prefix = prefix(w)
			for {
				select {
				case <-stop:
					return
				default:
				}
				name, err := wl.step(ctx)
				if err != nil {
					t.Errorf("worker %d: %s: %v", w, name, err)
					return
				}
				s := observePrefix(t, e, prefix(w))
				mu.Lock()
				history[w] = append(history[w], s)
				mu.Unlock()
				acked[w].Add(1)
			}
		}(w)
	}
	wg.Add(1)
	go func() { // the compactor
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := e.log.Rotate(); err != nil {
				t.Errorf("rotate: %v", err)
				return
			}
			if _, err := e.Compact(ctx, CompactOptions{MinLiveRatio: 0.8}); err != nil {
				t.Errorf("compact: %v", err)
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	type image struct {
		fs     *vfs.MemFS
		lo, hi [workers]int
	}
	var images []image
	rng := rand.New(rand.NewPCG(seed, 99))
	for len(images) < nimages {
		time.Sleep(time.Duration(rng.IntN(20000)) * time.Microsecond)
		var img image
		for w := range workers {
			img.lo[w] = int(acked[w].Load())
		}
		img.fs = mem.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: []int{0, 50, 100}[rng.IntN(3)], RNG: rand.New(rand.NewPCG(seed, uint64(len(images))))})
		for w := range workers {
			img.hi[w] = int(acked[w].Load()) + 1
		}
		images = append(images, img)
	}
	close(stop)
	wg.Wait()
	require.NoError(t, e.auditErr(), "live store")
	require.NoError(t, e.Close())
	if t.Failed() {
		return
	}
	for n, img := range images {
		o := testOptions()
		o.FS = img.fs
		o.Sync = SyncAlways
		re, err := Open("/db", o)
		require.NoError(t, err, "image %d must open", n)
		require.NoError(t, re.auditErr(), "image %d", n)
		for w := range workers {
			got := observePrefix(t, re, prefix(w))
			allowed := history[w][img.lo[w]:min(img.hi[w]+1, len(history[w]))]
			if !slices.ContainsFunc(allowed, func(s storeState) bool { return reflect.DeepEqual(s, got) }) {
				require.Equal(t, allowed[len(allowed)-1], got, "image %d worker %d (after %d acknowledged ops): not a state of its history", n, w, img.lo[w])
			}
		}
		require.NoError(t, re.log.Rotate())
		_, err = re.Compact(ctx, CompactOptions{MinLiveRatio: 0.99})
		require.NoError(t, err)
		require.NoError(t, re.auditErr(), "image %d after Compact", n)
		require.NoError(t, re.Close())
	}
	t.Logf("%d images; operations per worker %d %d %d", len(images), acked[0].Load(), acked[1].Load(), acked[2].Load())
}

// recordSteps runs nops steps of a workload while rec takes crash images
// at every sync, observing the store before the first step and after
// each acknowledged one: history[i] is the state after i steps, names the
// steps' names in order.
func recordSteps[S any](t *testing.T, rec *syncRecorder, nops int, step func(context.Context) (string, error), observe func() S) (history []S, names []string) {
	t.Helper()
	history = []S{observe()}
	rec.recording.Store(true)
	defer rec.recording.Store(false)
	for i := 0; i < nops; i++ {
		name, err := step(context.Background())
		require.NoError(t, err, "op %d %s", i, name)
		names = append(names, name)
		history = append(history, observe())
		rec.acked.Add(1)
	}
	return history, names
}

// countNames counts the steps by name.
func countNames(names []string) map[string]int {
	kinds := map[string]int{}
	for _, n := range names {
		kinds[n]++
	}
	return kinds
}
