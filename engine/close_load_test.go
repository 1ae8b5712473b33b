package engine

import (
	"bytes"
	"context"
	"crypto/sha1"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/stretchr/testify/require"
)

// closeLoadOps are calls of the engine's exported methods, each one or a
// few steps, run by TestCloseUnderLoad concurrently with Close. n varies
// the keys.
var closeLoadOps = []struct {
	name string
	fn   func(ctx context.Context, e *Engine, n int) error
}{
	{"PutObject inline", func(ctx context.Context, e *Engine, n int) error {
		_, err := e.PutObject(ctx, "bkt", fmt.Sprintf("k%d", n%8), bytes.NewReader([]byte("small")), 5, PutOptions{})
		return err
	}},
	{"PutObject blob", func(ctx context.Context, e *Engine, n int) error {
		body := bytes.Repeat([]byte{byte(n)}, 10<<10)
		_, err := e.PutObject(ctx, "bkt", fmt.Sprintf("k%d", n%8), bytes.NewReader(body), int64(len(body)), PutOptions{})
		return err
	}},
	{"GetObject", func(ctx context.Context, e *Engine, n int) error {
		o, err := e.GetObject(ctx, "bkt", fmt.Sprintf("k%d", n%8), GetOptions{})
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, o)
		return errors.Join(err, o.Close())
	}},
	{"HeadObject", func(ctx context.Context, e *Engine, n int) error {
		_, err := e.HeadObject(ctx, "bkt", fmt.Sprintf("k%d", n%8))
		return err
	}},
	{"ListObjects", func(ctx context.Context, e *Engine, n int) error {
		_, err := e.ListObjects(ctx, "bkt", ListOptions{MaxKeys: 3, Delimiter: "/"})
		return err
	}},
	{"Objects", func(ctx context.Context, e *Engine, n int) error {
		for _, err := range e.Objects(ctx, "bkt", ListOptions{MaxKeys: 2}) {
			if err != nil {
				return err
			}
		}
		return nil
	}},
	{"ListObjectVersions", func(ctx context.Context, e *Engine, n int) error {
		_, err := e.ListObjectVersions(ctx, "bkt", VersionListOptions{})
		return err
	}},
	{"CopyObject", func(ctx context.Context, e *Engine, n int) error {
		_, err := e.CopyObject(ctx, "bkt", "seed", "bkt", fmt.Sprintf("c%d", n%4), CopyOptions{})
		return err
	}},
	{"DeleteObject", func(ctx context.Context, e *Engine, n int) error {
		return e.DeleteObject(ctx, "bkt", fmt.Sprintf("k%d", n%8), DeleteOptions{})
	}},
	{"DeleteObjects", func(ctx context.Context, e *Engine, n int) error {
		_, err := e.DeleteObjects(ctx, "bkt", []string{fmt.Sprintf("c%d", n%4), "nope"})
		return err
	}},
	{"multipart", func(ctx context.Context, e *Engine, n int) error {
		id, err := e.CreateMultipartUpload(ctx, "bkt", "mp", PutOptions{})
		if err != nil {
			return err
		}
		body := bytes.Repeat([]byte("m"), 6<<10)
		p, err := e.UploadPart(ctx, "bkt", "mp", id, 1, bytes.NewReader(body), int64(len(body)), PartOptions{})
		if err != nil {
			return err
		}
		if _, err := e.ListParts(ctx, "bkt", "mp", id, ListPartsOptions{}); err != nil {
			return err
		}
		if n%2 == 0 {
			return e.AbortMultipartUpload(ctx, "bkt", "mp", id)
		}
		_, err = e.CompleteMultipartUpload(ctx, "bkt", "mp", id, []CompletePart{{PartNumber: 1, ETag: p.ETag}}, CompleteOptions{})
		return err
	}},
	{"ListMultipartUploads", func(ctx context.Context, e *Engine, n int) error {
		_, err := e.ListMultipartUploads(ctx, "bkt", ListUploadsOptions{})
		return err
	}},
	{"Bucket", func(ctx context.Context, e *Engine, n int) error {
		_, err := e.Bucket(ctx, "bkt")
		if err == nil {
			_, err = e.ListBuckets(ctx)
		}
		return err
	}},
	{"bucket configs", func(ctx context.Context, e *Engine, n int) error {
		if err := e.PutBucketConfig(ctx, "bkt", ConfigCORS, []byte("<CORSConfiguration/>")); err != nil {
			return err
		}
		if _, err := e.BucketConfig(ctx, "bkt", ConfigCORS); err != nil {
			return err
		}
		return e.DeleteBucketConfig(ctx, "bkt", ConfigCORS)
	}},
	{"BucketUsage", func(ctx context.Context, e *Engine, n int) error {
		_, err := e.BucketUsage(ctx, "bkt")
		return err
	}},
	{"Stats", func(ctx context.Context, e *Engine, n int) error {
		_, err := e.Stats()
		return err
	}},
	{"Compact", func(ctx context.Context, e *Engine, n int) error {
		_, err := e.Compact(ctx, CompactOptions{MinLiveRatio: 0.9})
		return err
	}},
	{"RunPending", func(ctx context.Context, e *Engine, n int) error {
		_, err := e.RunPending(ctx)
		return err
	}},
	{"backlogs", func(ctx context.Context, e *Engine, n int) error {
		if _, err := e.PendingNotifications(); err != nil {
			return err
		}
		_, err := e.ReplicationBacklog(ctx)
		return err
	}},
	{"AppendObject", func(ctx context.Context, e *Engine, n int) error {
		key := fmt.Sprintf("a%d", n%3)
		pos := int64(0)
		if info, err := e.HeadObject(ctx, "bkt", key); err == nil {
			pos = info.Size
		}
		_, err := e.AppendObject(ctx, "bkt", key, pos, bytes.NewReader([]byte("append")), 6, PutOptions{})
		return err
	}},
	{"ExtendObject", func(ctx context.Context, e *Engine, n int) error {
		key := fmt.Sprintf("x%d", n%3)
		off := int64(0)
		if info, err := e.HeadObject(ctx, "bkt", key); err == nil {
			off = info.Size
		}
		_, err := e.ExtendObject(ctx, "bkt", key, off, bytes.NewReader([]byte("extend")), 6, PutOptions{})
		return err
	}},
	{"symlinks", func(ctx context.Context, e *Engine, n int) error {
		if _, err := e.PutSymlink(ctx, "bkt", "link", "seed", PutOptions{}); err != nil {
			return err
		}
		_, err := e.GetSymlink(ctx, "bkt", "link")
		return err
	}},
	{"UpdateObject", func(ctx context.Context, e *Engine, n int) error {
		tags := []Tag{{Key: "n", Value: fmt.Sprint(n)}}
		_, err := e.UpdateObject(ctx, "bkt", "seed", ObjectUpdate{Tags: &tags})
		return err
	}},
	{"RenameObject", func(ctx context.Context, e *Engine, n int) error {
		_, err := e.RenameObject(ctx, "bkt", fmt.Sprintf("k%d", n%8), fmt.Sprintf("r%d", n%4), RenameOptions{})
		return err
	}},
	{"content", func(ctx context.Context, e *Engine, n int) error {
		if _, err := e.IndexContent(ctx, "bkt", "seed"); err != nil {
			return err
		}
		sum := sha1.Sum(closeLoadSeed)
		_, err := e.FindByContent(ctx, "", sum[:], int64(len(closeLoadSeed)))
		return err
	}},
	{"annotations", func(ctx context.Context, e *Engine, n int) error {
		if _, err := e.PutObjectAnnotation(ctx, "bkt", "seed", "note", []byte("hi"), AnnotationOptions{}); err != nil {
			return err
		}
		if _, _, err := e.GetObjectAnnotation(ctx, "bkt", "seed", "note", AnnotationOptions{}); err != nil {
			return err
		}
		_, err := e.ListObjectAnnotations(ctx, "bkt", "seed", AnnotationListOptions{})
		return err
	}},
	{"buckets", func(ctx context.Context, e *Engine, n int) error {
		name := fmt.Sprintf("scratch-%d", n%2)
		if err := e.CreateBucket(ctx, name, BucketOptions{}); err != nil {
			return err
		}
		return e.DeleteBucket(ctx, name, DeleteBucketOptions{})
	}},
	{"TouchObject", func(ctx context.Context, e *Engine, n int) error {
		if _, err := e.HeadObject(ctx, "bkt", "seed"); err != nil {
			return err
		}
		return e.TouchObject(ctx, "bkt", "seed", "")
	}},
	{"Writer", func(ctx context.Context, e *Engine, n int) error {
		w, err := e.NewWriter(ctx, "bkt", fmt.Sprintf("w%d", n%2), PutOptions{})
		if err != nil {
			return err
		}
		if _, err := w.Write(bytes.Repeat([]byte("w"), 5<<10)); err != nil {
			w.Abort()
			return err
		}
		return w.Close()
	}},
}

var closeLoadSeed = bytes.Repeat([]byte("seed"), 2<<10)

// Close while every kind of operation runs (a server whose graceful
// shutdown timed out closes the store under handlers still running):
// each call either finishes or fails, with ErrClosed once Close began,
// and none reaches pebble or the blob log after Close closed them.
// Before, an operation that passed the closed check an instant before
// Close went on into a closed pebble, which panics ("pebble: closed").
func TestCloseUnderLoad(t *testing.T) {
	rounds := 40
	if testing.Short() {
		rounds = 8
	}
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range rounds {
		opts := testOptions()
		opts.CompactInterval = 5 * time.Millisecond // the background loop runs too
		dir := ""
		if round%2 == 1 { // a durable store, synced
			opts.FS, opts.Sync, dir = vfs.NewMem(), SyncAlways, "store"
		}
		e, err := Open(dir, opts)
		require.NoError(t, err)
		require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
		_, err = e.PutObject(ctx, "bkt", "seed", bytes.NewReader(closeLoadSeed), int64(len(closeLoadSeed)), PutOptions{})
		require.NoError(t, err)

		var wg sync.WaitGroup
		closed := make(chan struct{})
		for i, op := range closeLoadOps {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := i; ; n++ {
					err := op.fn(ctx, e, n)
					select {
					case <-closed:
						return
					default:
					}
					if errors.Is(err, ErrClosed) {
						return
					}
				}
			}()
		}
		time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
		if err := e.Close(); err != nil {
			// A reader open at Close is the caller's leak (Close's
			// contract); pebble reports its snapshot.
			require.ErrorContains(t, err, "leaked snapshots", "round %d", round)
		}
		close(closed)
		wg.Wait()
		for _, op := range closeLoadOps {
			require.ErrorIs(t, op.fn(ctx, e, 0), ErrClosed, "%s after Close", op.name)
		}
	}
}
