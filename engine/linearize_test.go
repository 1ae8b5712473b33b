package engine

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/stretchr/testify/require"
)

// linOp is one completed operation on a key: a write of value val (0:
// the key is absent) or a read that saw val, between two ticks of a global
// clock.
type linOp struct {
	key        string
	val        uint64
	start, end int64
	write      bool
	what       string
	etag       string   // a copy's or HEAD's ETag, resolved to val at the end
	sum        [32]byte // SHA-256 of the body a GET read
}

// TestModelConcurrent runs goroutines writing and reading a few shared
// keys (puts of unique bodies across the chunk size, deletes, copies
// between the keys, multipart completes, conditional puts) and checks
// every read per key: it returns a whole body some write produced, from a
// write that overlapped the read or was the latest to finish before it.
func TestModelConcurrent(t *testing.T) {
	perWorker := 300
	if testing.Short() {
		perWorker = 80
	}
	for name, cfg := range map[string]func() *Options{
		"memory": func() *Options {
			o := testOptions()
			o.FS = vfs.NewMem()
			return o
		},
		"crashable-sync": func() *Options {
			o := testOptions()
			o.FS = vfs.NewCrashableMem()
			o.Sync = SyncAlways
			return o
		},
	} {
		t.Run(name, func(t *testing.T) {
			e, err := Open("/db", cfg())
			require.NoError(t, err)
			defer func() { require.NoError(t, e.Close()) }()
			runLinearizable(t, e, 4, perWorker)
			e.audit(t)
		})
	}
}

func runLinearizable(t *testing.T, e *Engine, workers, perWorker int) {
	ctx := context.Background()
	require.NoError(t, e.CreateBucket(ctx, "lin", BucketOptions{}))
	keys := []string{"x", "y", "z"}
	var (
		clock  atomic.Int64
		nextID atomic.Uint64
		mu     sync.Mutex
		bodies = map[uint64][32]byte{} // value -> SHA-256 of its body
		etags  = map[string]uint64{}   // ETag -> value
		ops    []linOp
	)
	register := func(id uint64, body []byte, etag string) {
		mu.Lock()
		defer mu.Unlock()
		bodies[id] = sha256.Sum256(body)
		etags[etag] = id
	}
	newBody := func(rng *rand.Rand) (uint64, []byte) {
		id := nextID.Add(1)
		c := e.opts.ChunkSize
		body := binary.BigEndian.AppendUint64(nil, id)
		body = append(body, randBytes(rng, []int{0, 100, c, 2*c + 5}[rng.IntN(4)])...)
		return id, body
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			var mine []linOp
			defer func() { mu.Lock(); ops = append(ops, mine...); mu.Unlock() }()
			// Failures stop this goroutine only (FailNow is for the test's).
			check := func(err error, what string) bool {
				if err != nil {
					t.Errorf("worker %d: %s: %v", w, what, err)
				}
				return err == nil
			}
			for i := 0; i < perWorker; i++ {
				k := keys[rng.IntN(len(keys))]
				op := linOp{key: k, start: clock.Add(1)}
				var err error
				switch r := rng.IntN(100); {
				case r < 25, r < 30: // Put; some only if absent
					id, body := newBody(rng)
					po := PutOptions{}
					if r >= 25 {
						po.IfNoneMatch = "*"
					}
					var info ObjectInfo
					info, err = e.PutObject(ctx, "lin", k, bytes.NewReader(body), int64(len(body)), po)
					if err == nil {
						register(id, body, info.ETag)
					}
					if errors.Is(err, ErrPreconditionFailed) {
						continue
					}
					op.val, op.write, op.what = id, true, "put"
				case r < 38:
					err = e.DeleteObject(ctx, "lin", k, DeleteOptions{})
					op.write, op.what = true, "delete"
				case r < 46: // Copy another key here
					src := keys[rng.IntN(len(keys))]
					if src == k {
						continue
					}
					var info ObjectInfo
					info, err = e.CopyObject(ctx, "lin", src, "lin", k, CopyOptions{})
					if errors.Is(err, ErrNoSuchKey) {
						continue
					}
					op.etag, op.write, op.what = info.ETag, true, "copy"
				case r < 52: // Multipart in two parts
					id, body := newBody(rng)
					var up string
					up, err = e.CreateMultipartUpload(ctx, "lin", k, PutOptions{})
					if !check(err, "create upload") {
						return
					}
					half := len(body) / 2
					var parts []CompletePart
					for n, p := range [][]byte{body[:half], body[half:]} {
						pi, err := e.UploadPart(ctx, "lin", k, up, n+1, bytes.NewReader(p), -1, PartOptions{})
						if !check(err, "upload part") {
							return
						}
						parts = append(parts, CompletePart{PartNumber: n + 1, ETag: pi.ETag})
					}
					op.start = clock.Add(1) // the write happens at Complete
					var info ObjectInfo
					info, err = e.CompleteMultipartUpload(ctx, "lin", k, up, parts, CompleteOptions{MinPartSize: -1})
					if err == nil {
						register(id, body, info.ETag)
					}
					op.val, op.write, op.what = id, true, "complete"
				case r < 80: // Get the whole body
					var o *Object
					o, err = e.GetObject(ctx, "lin", k, GetOptions{})
					op.what = "get"
					if errors.Is(err, ErrNoSuchKey) {
						err = nil
						break
					}
					if !check(err, "get") {
						return
					}
					h := sha256.New()
					var head [8]byte
					_, err = io.ReadFull(o, head[:])
					if err == nil {
						h.Write(head[:])
						_, err = io.Copy(h, o)
					}
					if !check(errors.Join(err, o.Close()), "read") {
						return
					}
					op.val = binary.BigEndian.Uint64(head[:])
					h.Sum(op.sum[:0])
				default:
					var info ObjectInfo
					info, err = e.HeadObject(ctx, "lin", k)
					op.what = "head"
					if errors.Is(err, ErrNoSuchKey) {
						err = nil
						break
					}
					op.etag = info.ETag
				}
				if !check(err, op.what+" "+k) {
					return
				}
				op.end = clock.Add(1)
				mine = append(mine, op)
			}
		}(w)
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	// Resolve ETags now that every write is registered: a copy or HEAD may
	// see a write before it returns.
	for _, op := range ops {
		if op.what == "get" && op.val != 0 {
			require.Equal(t, bodies[op.val], op.sum, "GET of value %d returned another body", op.val)
		}
	}
	for i := range ops {
		if ops[i].etag != "" {
			ops[i].val = etags[ops[i].etag]
			require.NotZero(t, ops[i].val, "%s saw ETag %s, which no write produced", ops[i].what, ops[i].etag)
		}
	}
	checks, err := checkReads(keys, ops)
	require.NoError(t, err)
	require.Positive(t, checks)
	t.Logf("%d reads checked against %d operations", checks, len(ops))
}

// checkReads checks every read of ops per key: the value it saw was
// written by a write that started before the read ended and that no other
// write followed entirely before the read started. Keys start absent.
func checkReads(keys []string, ops []linOp) (int, error) {
	checks := 0
	for _, k := range keys {
		var writes, reads []linOp
		writes = append(writes, linOp{key: k, write: true, what: "initial"})
		for _, op := range ops {
			switch {
			case op.key != k:
			case op.write:
				writes = append(writes, op)
			default:
				reads = append(reads, op)
			}
		}
		for _, r := range reads {
			ok := false
			for _, w := range writes {
				if w.val != r.val || w.start >= r.end {
					continue
				}
				superseded := false
				for _, w2 := range writes {
					if w2.start > w.end && w2.end < r.start {
						superseded = true
						break
					}
				}
				if !superseded {
					ok = true
					break
				}
			}
			if !ok {
				return checks, fmt.Errorf("key %s: %s [%d,%d] saw value %d, which no overlapping or latest write produced", k, r.what, r.start, r.end, r.val)
			}
			checks++
		}
	}
	return checks, nil
}

func TestCheckReads(t *testing.T) {
	w := func(v uint64, s, e int64) linOp { return linOp{key: "k", val: v, start: s, end: e, write: true} }
	r := func(v uint64, s, e int64) linOp { return linOp{key: "k", val: v, start: s, end: e} }
	for _, tc := range []struct {
		name string
		ops  []linOp
		ok   bool
	}{
		{"latest", []linOp{w(1, 1, 2), w(2, 3, 4), r(2, 5, 6)}, true},
		{"stale", []linOp{w(1, 1, 2), w(2, 3, 4), r(1, 5, 6)}, false},
		{"overlapping new", []linOp{w(1, 1, 2), w(2, 3, 6), r(2, 4, 5)}, true},
		{"overlapping old", []linOp{w(1, 1, 2), w(2, 3, 6), r(1, 4, 5)}, true},
		{"from the future", []linOp{w(1, 1, 2), r(2, 3, 4), w(2, 5, 6)}, false},
		{"initial absent", []linOp{r(0, 1, 2), w(1, 3, 4)}, true},
		{"absent after write", []linOp{w(1, 1, 2), r(0, 3, 4)}, false},
		{"never written", []linOp{r(9, 1, 2)}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := checkReads([]string{"k"}, tc.ops)
			require.Equal(t, tc.ok, err == nil, "%v", err)
		})
	}
}
