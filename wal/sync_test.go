package wal

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/stretchr/testify/require"
)

func TestGroupCommit(t *testing.T) {
	mem := vfs.NewCrashableMem()
	fs := &countingFS{FS: mem, delay: 2 * time.Millisecond}
	opts := testOptions(fs)
	opts.Sync = true
	opts.SegmentSize = 128 << 10 // rotate a few times on the way
	l, _ := openLog(t, opts)

	const goroutines, rounds = 16, 8
	recs := make([][]written, goroutines)
	start := fs.syncs.Load()
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 1))
			for range rounds {
				data := randomBytes(rng, 1+rng.IntN(8000))
				loc, err := l.Append(data, 0)
				if !assertNoErr(t, err) || !assertNoErr(t, l.Sync()) {
					return
				}
				recs[g] = append(recs[g], written{loc, data})
			}
		})
	}
	wg.Wait()
	fsyncs := fs.syncs.Load() - start
	t.Logf("%d Sync calls, %d fsyncs", goroutines*rounds, fsyncs)
	require.Less(t, fsyncs, int64(goroutines*rounds), "Sync calls did not share fsyncs")

	// Nothing new: Sync does not fsync again.
	before := fs.syncs.Load()
	require.NoError(t, l.Sync())
	require.Equal(t, before, fs.syncs.Load())

	// Every record acknowledged by Sync survives a crash.
	crashed := mem.CrashClone(vfs.CrashCloneCfg{})
	l2, report := openLog(t, testOptions(crashed))
	require.Empty(t, report.Truncations)
	for g := range recs {
		for i, r := range recs[g] {
			got, err := l2.Read(r.loc, nil)
			require.NoError(t, err, "goroutine %d record %d", g, i)
			require.True(t, bytes.Equal(r.data, got), "goroutine %d record %d", g, i)
		}
	}
}

// TestSyncNoop checks that without Options.Sync nothing is fsynced.
func TestSyncNoop(t *testing.T) {
	fs := &countingFS{FS: vfs.NewMem()}
	l, _ := openLog(t, testOptions(fs))
	_, err := l.Append([]byte("hello"), 0)
	require.NoError(t, err)
	require.NoError(t, l.Sync())
	require.NoError(t, l.Rotate())
	require.NoError(t, l.Close())
	require.Zero(t, fs.syncs.Load())
}

// TestSyncAfterRotate checks that records in a segment sealed before Sync
// (and the new segment's directory entry) are durable after Sync.
func TestSyncAfterRotate(t *testing.T) {
	mem := vfs.NewCrashableMem()
	opts := testOptions(mem)
	opts.Sync = true
	opts.SegmentSize = 10_000
	l, _ := openLog(t, opts)
	rng := rand.New(rand.NewPCG(5, 5))
	var recs []written
	for range 30 {
		data := randomBytes(rng, 3000)
		loc, err := l.Append(data, 0)
		require.NoError(t, err)
		recs = append(recs, written{loc, data})
	}
	require.Greater(t, len(l.Segments()), 5)
	require.NoError(t, l.Sync())
	l2, _ := openLog(t, testOptions(mem.CrashClone(vfs.CrashCloneCfg{})))
	for i, r := range recs {
		got, err := l2.Read(r.loc, nil)
		require.NoError(t, err, "record %d (%v)", i, r.loc)
		require.Equal(t, r.data, got)
	}
}

func TestTornTail(t *testing.T) {
	seeds := 25
	if testing.Short() {
		seeds = 5
	}
	for _, pct := range []int{0, 50, 100} {
		t.Run(fmt.Sprintf("unsynced=%d%%", pct), func(t *testing.T) {
			truncated := 0
			for seed := range seeds {
				truncated += tornTailOnce(t, pct, uint64(seed))
			}
			t.Logf("%d of %d recoveries truncated a tail", truncated, seeds)
			if pct == 50 {
				require.Positive(t, truncated, "no torn tail was ever produced")
			}
		})
	}
}

// tornTailOnce appends synced and unsynced records, crashes, recovers and
// checks the synced records. It returns how many truncations recovery
// reported.
func tornTailOnce(t *testing.T, pct int, seed uint64) int {
	rng := rand.New(rand.NewPCG(seed, uint64(pct)))
	mem := vfs.NewCrashableMem()
	opts := testOptions(mem)
	opts.Sync = true
	opts.SegmentSize = 48 << 10
	opts.Compression = Compression(seed % 3)
	l, _ := openLog(t, opts)

	gen := func() []byte {
		n := rng.IntN(12_000)
		if rng.IntN(2) == 0 {
			return textBytes(rng, n)
		}
		return randomBytes(rng, n)
	}
	var synced []written
	for range 1 + rng.IntN(20) {
		data := gen()
		loc, err := l.Append(data, 0)
		require.NoError(t, err)
		synced = append(synced, written{loc, data})
	}
	require.NoError(t, l.Sync())
	for range rng.IntN(12) {
		_, err := l.Append(gen(), 0)
		require.NoError(t, err)
	}

	crashed := mem.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: pct, RNG: rng})
	opts.FS = crashed
	l2, report := openLog(t, opts)
	for _, tr := range report.Truncations {
		require.Positive(t, tr.DroppedBytes, "%+v", tr)
		require.GreaterOrEqual(t, tr.ValidSize, int64(0))
		require.NotEmpty(t, tr.Reason)
	}
	checkAll := func(l *Log, recs []written) {
		t.Helper()
		for i, r := range recs {
			got, err := l.Read(r.loc, nil)
			require.NoError(t, err, "seed %d record %d (%v)", seed, i, r.loc)
			require.True(t, bytes.Equal(r.data, got), "seed %d record %d", seed, i)
		}
		// The log is clean: every segment iterates without error.
		for _, s := range l.Segments() {
			require.NoError(t, l.Iterate(s.ID, func(Loc, []byte) error { return nil }), "seed %d segment %d", seed, s.ID)
		}
	}
	checkAll(l2, synced)

	// Appending after recovery works, and survives another crash.
	for range 5 {
		data := gen()
		loc, err := l2.Append(data, 0)
		require.NoError(t, err)
		synced = append(synced, written{loc, data})
	}
	require.NoError(t, l2.Sync())
	opts.FS = crashed.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: pct, RNG: rng})
	l3, report3 := openLog(t, opts)
	require.Empty(t, report3.Truncations, "seed %d: nothing unsynced to tear", seed)
	checkAll(l3, synced)
	return len(report.Truncations)
}
