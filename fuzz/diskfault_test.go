package fuzz_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/cockroachdb/pebble/v2/vfs/errorfs"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
)

// blobFaults injects errorfs.ErrInjected, with probability rate, into the
// writes, syncs and reads of the blob log's segment files (osslite's own
// I/O; pebble's files are left alone, pebble treats their failure as
// fatal by design).
type blobFaults struct {
	on       atomic.Bool
	mu       sync.Mutex
	rnd      *rand.Rand
	rate     float64
	injected int
}

func (b *blobFaults) MaybeError(op errorfs.Op) error {
	if !b.on.Load() || !strings.HasSuffix(op.Path, ".blob") {
		return nil
	}
	switch op.Kind {
	case errorfs.OpFileWrite, errorfs.OpFileWriteAt, errorfs.OpFileSync, errorfs.OpFileSyncData, errorfs.OpFileSyncTo, errorfs.OpFileRead, errorfs.OpFileReadAt:
	default:
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.rnd.Float64() < b.rate {
		b.injected++
		return errorfs.ErrInjected
	}
	return nil
}

func (b *blobFaults) String() string { return "blobFaults" }

func body(i int) []byte { return bytes.Repeat([]byte(fmt.Sprintf("object %d;", i)), 50+i*37%400) }

// TestDiskFaults runs puts and gets with blob-log write, sync and read
// errors injected at random points (seeded), over several open -> faults
// -> close -> reopen epochs on the same files: each operation succeeds
// with the right bytes or fails with an error, and after reopening without
// faults every acknowledged put reads back exactly.
func TestDiskFaults(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			ctx := context.Background()
			mem := vfs.NewMem()
			inj := &blobFaults{rnd: rand.New(rand.NewPCG(seed, 7)), rate: 0.01}
			opts := func(fs vfs.FS) *engine.Options {
				return &engine.Options{FS: fs, InlineThreshold: -1, Sync: engine.SyncAlways}
			}
			eng, err := engine.Open("db", opts(mem))
			require.NoError(t, err)
			require.NoError(t, eng.CreateBucket(ctx, "bkt", engine.BucketOptions{}))
			require.NoError(t, eng.Close())
			acked := map[string][]byte{}
			failed, n := 0, 0
			for epoch := range 6 {
				eng, err := engine.Open("db", opts(errorfs.Wrap(mem, inj)))
				require.NoError(t, err, "epoch %d", epoch)
				inj.on.Store(true)
				for range 25 {
					n++
					key := fmt.Sprintf("k%03d", n%40) // some are overwrites
					data := body(n)
					if _, err := eng.PutObject(ctx, "bkt", key, bytes.NewReader(data), int64(len(data)), engine.PutOptions{}); err != nil {
						failed++
						delete(acked, key) // the old version may or may not survive
						continue
					}
					acked[key] = data
					if obj, err := eng.GetObject(ctx, "bkt", key, engine.GetOptions{}); err == nil {
						got, rerr := io.ReadAll(obj)
						obj.Close()
						if rerr == nil {
							require.Equal(t, data, got, "a read that succeeds returns the bytes put")
						}
					}
				}
				inj.on.Store(false)
				_ = eng.Close() // may report the epoch's failures

				eng, err = engine.Open("db", opts(mem))
				require.NoError(t, err, "reopen after epoch %d", epoch)
				for key, want := range acked {
					obj, err := eng.GetObject(ctx, "bkt", key, engine.GetOptions{})
					require.NoError(t, err, "acknowledged %s lost after epoch %d", key, epoch)
					got, err := io.ReadAll(obj)
					obj.Close()
					require.NoError(t, err, key)
					require.Equal(t, want, got, key)
				}
				require.NoError(t, eng.Close())
			}
			t.Logf("seed %d: %d faults injected, %d of %d puts failed, %d acknowledged keys checked", seed, inj.injected, failed, n, len(acked))
			require.Positive(t, inj.injected)
			require.Positive(t, len(acked))
		})
	}
}
