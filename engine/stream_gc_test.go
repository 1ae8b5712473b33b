package engine

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/osslite/osslite/wal"
	"github.com/stretchr/testify/require"
)

// TestStreamsUnderCompaction races writers of multi-chunk bodies (each in
// segments of its own), single-chunk bodies (the shared log), deletes,
// readers and a Compact loop that rewrites anything less than 90% live:
// every read returns exactly the body its ETag names, and in the end only
// live bytes remain.
func TestStreamsUnderCompaction(t *testing.T) {
	ctx := context.Background()
	opts := testOptions()
	opts.CompactInterval = time.Millisecond // the background loop races too
	e := openTest(t, opts)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	chunk := e.opts.ChunkSize
	d := 2 * time.Second
	if testing.Short() || raceEnabled {
		d = 500 * time.Millisecond
	}
	stop := time.Now().Add(d)
	body := func(key string, gen int) []byte {
		n := chunk/2 + gen%5*2*chunk // one chunk (shared segments), or up to 8.5 (own segments)
		unit := []byte(fmt.Sprintf("%s/%d;", key, gen))
		return bytes.Repeat(unit, n/len(unit)+1)[:n]
	}
	var wg sync.WaitGroup
	var writes, reads atomic.Int64
	fail := func(err error) {
		if err != nil {
			t.Error(err)
		}
	}
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for gen := 0; time.Now().Before(stop) && !t.Failed(); gen++ {
				key := fmt.Sprintf("k%d", (w*7+gen)%6)
				if gen%9 == 8 {
					if err := e.DeleteObject(ctx, "bkt", key, DeleteOptions{}); err != nil {
						fail(err)
					}
					continue
				}
				b := body(key, gen)
				_, err := e.PutObject(ctx, "bkt", key, bytes.NewReader(b), int64(len(b)), PutOptions{})
				fail(err)
				writes.Add(1)
			}
		}()
	}
	for r := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(stop) && !t.Failed(); i++ {
				o, err := e.GetObject(ctx, "bkt", fmt.Sprintf("k%d", (r+i)%6), GetOptions{})
				if errors.Is(err, ErrNoSuchKey) {
					continue
				}
				if err != nil {
					fail(err)
					return
				}
				h := md5.New()
				_, err = io.Copy(h, o)
				o.Close()
				if err != nil {
					fail(fmt.Errorf("reading %s: %w", o.Info.Key, err))
					return
				}
				if got := hex.EncodeToString(h.Sum(nil)); got != o.Info.ETag {
					fail(fmt.Errorf("%s: read a body with MD5 %s under ETag %s", o.Info.Key, got, o.Info.ETag))
					return
				}
				reads.Add(1)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for time.Now().Before(stop) && !t.Failed() {
			_, err := e.Compact(ctx, CompactOptions{MinLiveRatio: 0.9})
			fail(err)
		}
	}()
	wg.Wait()
	require.Positive(t, writes.Load())
	require.Positive(t, reads.Load())
	t.Logf("%d writes, %d verified reads", writes.Load(), reads.Load())

	// Quiet now: what is left is live, and reads back whole.
	require.NoError(t, e.log.Rotate())
	_, err := e.Compact(ctx, CompactOptions{MinLiveRatio: 0.9})
	require.NoError(t, err)
	st, err := e.Stats()
	require.NoError(t, err)
	require.LessOrEqual(t, st.DeadBytes, st.BlobLogBytes/10+int64(chunk), "dead bytes left: %+v", st)
	for k := range 6 {
		key := fmt.Sprintf("k%d", k)
		o, err := e.GetObject(ctx, "bkt", key, GetOptions{})
		if errors.Is(err, ErrNoSuchKey) {
			continue
		}
		require.NoError(t, err)
		b, err := io.ReadAll(o)
		o.Close()
		require.NoError(t, err)
		sum := md5.Sum(b)
		require.Equal(t, o.Info.ETag, hex.EncodeToString(sum[:]), key)
	}
}

// TestIncrementalCompaction: a run after deletes looks only at the
// segments they touched, and removes the emptied ones; a full run looks at
// every segment.
func TestIncrementalCompaction(t *testing.T) {
	ctx := context.Background()
	opts := testOptions()
	opts.CompactInterval = -1 // runs by hand
	e := openTest(t, opts)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	big := bytes.Repeat([]byte("b"), (streamMinChunks+1)*e.opts.ChunkSize) // segments of its own
	for i := range 50 {
		put(t, e, "bkt", fmt.Sprint(i), big)
	}
	st, err := e.compact(ctx, CompactOptions{}, true)
	require.NoError(t, err)
	require.Zero(t, st.SegmentsRemoved)
	before := len(e.log.Segments())

	require.NoError(t, e.DeleteObject(ctx, "bkt", "7", DeleteOptions{}))
	st, err = e.compact(ctx, CompactOptions{}, true)
	require.NoError(t, err)
	require.Equal(t, 1, st.SegmentsExamined, "only the deleted body's segment")
	require.Equal(t, 1, st.SegmentsRemoved)
	require.Len(t, e.log.Segments(), before-1)

	st, err = e.Compact(ctx, CompactOptions{})
	require.NoError(t, err)
	require.Equal(t, before-1, st.SegmentsExamined, "a full run looks at every segment")
	got, _ := readAll(t, e, "bkt", "8", GetOptions{})
	require.Equal(t, big, got)
}

// TestDeferredSegmentReclaimed: a kicked background run must leave alone
// a sealed segment a write in flight may still reference; once the write
// is done the segment goes without another delete to kick the loop and
// long before the periodic run.
func TestDeferredSegmentReclaimed(t *testing.T) {
	ctx := context.Background()
	opts := testOptions()
	opts.CompactInterval = time.Hour
	e := openTest(t, opts)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))

	// A write that starts in the active segment and then waits.
	pr, pw := io.Pipe()
	wrote := make(chan error, 1)
	go func() {
		_, err := e.PutObject(ctx, "bkt", "slow", pr, 2048, PutOptions{})
		wrote <- err
	}()
	_, err := pw.Write(make([]byte, 100))
	require.NoError(t, err)
	inflight := func() int {
		e.gc.mu.Lock()
		defer e.gc.mu.Unlock()
		return len(e.gc.inflight)
	}
	require.Equal(t, 1, inflight())

	put(t, e, "bkt", "x", bytes.Repeat([]byte("x"), 3*e.opts.ChunkSize))
	seg := e.log.ActiveSegment()
	require.NoError(t, e.log.Rotate())
	runs := e.gc.runs.Load()
	require.NoError(t, e.DeleteObject(ctx, "bkt", "x", DeleteOptions{}))
	waitFor(t, 5*time.Second, func() bool { return e.gc.runs.Load() > runs }, func() string { return "no background run after the delete" })
	_, ok := e.log.Segment(seg)
	require.True(t, ok, "removed while a write that began in it was in flight")

	_, err = pw.Write(make([]byte, 2048-100))
	require.NoError(t, err)
	require.NoError(t, pw.Close())
	require.NoError(t, <-wrote)
	waitFor(t, 5*time.Second, func() bool {
		_, ok := e.log.Segment(seg)
		return !ok
	}, func() string { return fmt.Sprintf("segment %d still there:\n%s", seg, describeGC(e)) })
}

// TestRewriteRaceWithDelete: chunks a compaction copied while their object
// was deleted are garbage in the segment they were copied to; switchChunks
// reports them (rewrite marks their segments for the next kicked run).
func TestRewriteRaceWithDelete(t *testing.T) {
	ctx := context.Background()
	opts := testOptions()
	opts.CompactInterval = -1
	e := openTest(t, opts)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	put(t, e, "bkt", "x", bytes.Repeat([]byte("x"), 3*e.opts.ChunkSize))
	put(t, e, "bkt", "y", bytes.Repeat([]byte("y"), 2*e.opts.ChunkSize))
	old := e.log.ActiveSegment()
	require.NoError(t, e.log.Rotate())

	// What rewrite does for segment old, with a delete of x between the
	// copy and the switch.
	refs, err := e.liveChunks(map[uint64]bool{old: true})
	require.NoError(t, err)
	require.Len(t, refs, 5)
	var copies []wal.Loc
	for _, r := range refs {
		require.Equal(t, old, r.loc.Segment)
		data, err := e.log.Read(r.loc, nil)
		require.NoError(t, err)
		c, err := e.log.Append(data, 0)
		require.NoError(t, err)
		copies = append(copies, c)
	}
	require.NoError(t, e.DeleteObject(ctx, "bkt", "x", DeleteOptions{}))
	wasted, err := e.switchChunks(refs, copies)
	require.NoError(t, err)
	require.Len(t, wasted, 3, "x's three copies")
	got, _ := readAll(t, e, "bkt", "y", GetOptions{})
	require.Equal(t, bytes.Repeat([]byte("y"), 2*e.opts.ChunkSize), got)
}
