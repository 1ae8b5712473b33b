package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/stretchr/testify/require"
)

// crashOp is one write of a key: its resulting body (nil = deleted) and the
// global event numbers at which it started and was acknowledged (0 = not
// acknowledged).
type crashOp struct {
	data       []byte
	start, ack int64
	// vid is the version the write made in a versioned bucket (a delete
	// marker's for a delete).
	vid string
}

// TestCrash runs concurrent puts and deletes on a crashable filesystem,
// takes crash images at random moments, and checks every image: the store
// opens cleanly, every write acknowledged before the crash is there with the
// right bytes, and every key holds exactly one state that some write
// produced (nothing half-visible).
func TestCrash(t *testing.T) {
	seeds := 8
	if testing.Short() {
		seeds = 2
	}
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runCrash(t, seed, false) })
	}
}

// TestCrashVersioned is TestCrash in a versioned bucket: puts and
// multipart uploads make versions, deletes make delete markers, and in
// every crash image each acknowledged version is still readable by its ID
// (a marker's ID names a marker) besides the latest state being allowed.
func TestCrashVersioned(t *testing.T) {
	seeds := 4
	if testing.Short() {
		seeds = 1
	}
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runCrash(t, seed, true) })
	}
}

func runCrash(t *testing.T, seed uint64, versioned bool) {
	ctx := context.Background()
	fs := vfs.NewCrashableMem()
	opts := testOptions()
	opts.FS = fs
	opts.Sync = SyncAlways
	e, err := Open("/db", opts)
	require.NoError(t, err)
	require.NoError(t, e.CreateBucket(ctx, "crash", BucketOptions{}))
	if versioned {
		setVersioning(t, e, "crash", "Enabled")
	}

	const workers, keysPerWorker, opsPerWorker = 4, 3, 60
	var clock atomic.Int64
	history := make([]map[string][]crashOp, workers) // per worker, per key
	var mu sync.Mutex                                // guards history
	var wg sync.WaitGroup
	chunk := e.opts.ChunkSize
	for w := 0; w < workers; w++ {
		history[w] = map[string][]crashOp{}
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(w)))
			for i := 0; i < opsPerWorker; i++ {
				key := fmt.Sprintf("w%d/k%d", w, rng.IntN(keysPerWorker))
				var data []byte
				if rng.IntN(4) > 0 {
					data = randBytes(rng, []int{0, 10, chunk + 7, 3 * chunk}[rng.IntN(4)])
				}
				mu.Lock()
				idx := len(history[w][key])
				history[w][key] = append(history[w][key], crashOp{data: data, start: clock.Add(1)})
				mu.Unlock()
				var err error
				var vid string
				switch {
				case data == nil:
					var res DeleteResult
					res, err = e.DeleteObjectVersion(ctx, "crash", key, DeleteOptions{})
					vid = res.DeleteMarkerVersionID
				case rng.IntN(3) == 0:
					// A multipart upload completing the same bytes in two parts.
					vid, err = multipartPut(ctx, e, "crash", key, data)
				default:
					var info ObjectInfo
					info, err = e.PutObject(ctx, "crash", key, bytes.NewReader(data), int64(len(data)), PutOptions{})
					vid = info.VersionID
				}
				if err != nil {
					t.Errorf("worker %d: %v", w, err)
					return
				}
				if versioned && vid == "" {
					t.Errorf("worker %d: a write in a versioned bucket made no version", w)
					return
				}
				mu.Lock()
				history[w][key][idx].vid = vid
				history[w][key][idx].ack = clock.Add(1)
				mu.Unlock()
			}
		}(w)
	}

	// A compactor runs throughout: crashes land in the middle of it too.
	stopGC := make(chan struct{})
	var gcWG sync.WaitGroup
	gcWG.Add(1)
	go func() {
		defer gcWG.Done()
		for {
			select {
			case <-stopGC:
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

	rng := rand.New(rand.NewPCG(seed, 1000))
	type image struct {
		fs     *vfs.MemFS
		c1, c2 int64
	}
	var images []image
	nimages := 20
	if testing.Short() {
		nimages = 6
	}
	for len(images) < nimages {
		time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond) // let the workers run
		c1 := clock.Add(1)
		img := fs.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: []int{0, 50, 100}[rng.IntN(3)], RNG: rand.New(rand.NewPCG(seed, uint64(len(images))))})
		c2 := clock.Add(1)
		images = append(images, image{img, c1, c2})
	}
	wg.Wait()
	close(stopGC)
	gcWG.Wait()
	require.NoError(t, e.auditErr(), "live store")
	require.NoError(t, e.Close())

	mu.Lock()
	defer mu.Unlock()
	durable := 0 // acknowledged non-empty states checked, to prove the test bites
	for n, img := range images {
		o := testOptions()
		o.FS = img.fs
		o.Sync = SyncAlways
		re, err := Open("/db", o)
		require.NoError(t, err, "image %d must open", n)
		for w := range history {
			for key, ops := range history[w] {
				// The state acknowledged before the crash, and every state a
				// write in flight across the crash could have left.
				var allowed [][]byte
				var base []byte // absent
				for _, op := range ops {
					if op.ack != 0 && op.ack < img.c1 {
						base = op.data
					}
				}
				allowed = append(allowed, base)
				if len(base) > 0 {
					durable++
				}
				for _, op := range ops {
					if op.start < img.c2 && (op.ack == 0 || op.ack > img.c1) {
						allowed = append(allowed, op.data)
					}
				}
				got, err := readOrNil(re, key)
				require.NoError(t, err, "image %d key %s", n, key)
				ok := false
				for _, a := range allowed {
					if (a == nil) == (got == nil) && bytes.Equal(a, got) {
						ok = true
						break
					}
				}
				require.True(t, ok, "image %d key %s: %d bytes is not an allowed state", n, key, len(got))
				// Every acknowledged version survives, with its bytes.
				for _, op := range ops {
					if !versioned || op.ack == 0 || op.ack >= img.c1 {
						continue
					}
					o, err := re.GetObject(ctx, "crash", key, GetOptions{VersionID: op.vid})
					if op.data == nil {
						require.ErrorIs(t, err, ErrVersionIsDeleteMarker, "image %d key %s@%s", n, key, op.vid)
						continue
					}
					require.NoError(t, err, "image %d key %s@%s", n, key, op.vid)
					b, err := io.ReadAll(o)
					require.NoError(t, err)
					require.NoError(t, o.Close())
					require.True(t, bytes.Equal(op.data, b), "image %d key %s@%s", n, key, op.vid)
					durable++
				}
			}
		}
		// Metadata is consistent, and compaction keeps every byte.
		require.NoError(t, re.auditErr(), "image %d", n)
		before := observe(t, re)
		require.NoError(t, re.log.Rotate())
		_, err = re.Compact(context.Background(), CompactOptions{MinLiveRatio: 0.99})
		require.NoError(t, err, "image %d", n)
		require.NoError(t, re.auditErr(), "image %d after Compact", n)
		require.Equal(t, before, observe(t, re), "image %d after Compact", n)
		// The recovered store accepts writes.
		put(t, re, "crash", "after", []byte("x"))
		require.NoError(t, re.Close())
	}
	require.Positive(t, durable, "no crash image held an acknowledged write")
}

// readOrNil returns the object's bytes, or nil when it does not exist.
func readOrNil(e *Engine, key string) ([]byte, error) {
	o, err := e.GetObject(context.Background(), "crash", key, GetOptions{})
	if err != nil {
		if errors.Is(err, ErrNoSuchKey) {
			return nil, nil
		}
		return nil, err
	}
	defer o.Close()
	b, err := io.ReadAll(o)
	if b == nil {
		b = []byte{}
	}
	return b, err
}

// multipartPut stores data as a two-part multipart upload.
func multipartPut(ctx context.Context, e *Engine, bucket, key string, data []byte) (versionID string, err error) {
	id, err := e.CreateMultipartUpload(ctx, bucket, key, PutOptions{})
	if err != nil {
		return "", err
	}
	half := len(data) / 2
	var parts []CompletePart
	for i, p := range [][]byte{data[:half], data[half:]} {
		info, err := e.UploadPart(ctx, bucket, key, id, i+1, bytes.NewReader(p), int64(len(p)), PartOptions{})
		if err != nil {
			return "", err
		}
		parts = append(parts, CompletePart{PartNumber: i + 1, ETag: info.ETag})
	}
	info, err := e.CompleteMultipartUpload(ctx, bucket, key, id, parts, CompleteOptions{MinPartSize: -1})
	return info.VersionID, err
}
