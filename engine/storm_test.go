package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// TestConcurrentStorm races, on a few keys of a few buckets, every kind
// of write the linearizability test leaves out: versioning switched
// between Enabled and Suspended under writes, version deletes, buckets
// deleted and made again under writes, multipart completions racing
// aborts, part uploads and each other, appends, copies, renames and
// symlinks. Afterwards the store must pass the audit (refcounts, blob and
// segment accounting, usage counters, the null version index, nothing
// left in a deleted bucket) and every key must list at most one latest
// version and one null version.
func TestConcurrentStorm(t *testing.T) {
	rounds := 4
	opsPer := 120
	if testing.Short() {
		rounds, opsPer = 2, 60
	}
	for round := range rounds {
		t.Run(fmt.Sprint(round), func(t *testing.T) {
			opts := testOptions()
			opts.CompactInterval = -1
			e := openTest(t, opts)
			stormRound(t, e, uint64(round), opsPer)
			e.audit(t)
			checkVersionLists(t, e)
		})
	}
}

func stormRound(t *testing.T, e *Engine, seed uint64, opsPer int) {
	ctx := context.Background()
	buckets := []string{"st-a", "st-b"}
	keys := []string{"k1", "k2", "k3"}
	for _, b := range buckets {
		require.NoError(t, e.CreateBucket(ctx, b, BucketOptions{}))
	}
	// An unexpected error fails the test; the expected ones of a race
	// (a missing bucket, key, upload or version, a failed condition, a
	// non-empty bucket...) are the point.
	expected := func(err error) bool {
		for _, s := range []error{ErrNoSuchBucket, ErrNoSuchKey, ErrNoSuchUpload, ErrNoSuchVersion, ErrInvalidPart,
			ErrBucketNotEmpty, ErrBucketHasVersions, ErrBucketAlreadyExists, ErrBucketAlreadyOwnedByYou, ErrPreconditionFailed,
			ErrConditionalRequestConflict, ErrBucketChanged, ErrInvalidBucketState, ErrPositionNotEqualToLength,
			ErrObjectNotAppendable, ErrReplicationConfigured, ErrInvalidArgument, ErrInvalidCopyRequest} {
			if errors.Is(err, s) {
				return true
			}
		}
		var dm *DeleteMarkerError
		return errors.As(err, &dm)
	}
	var wg sync.WaitGroup
	errc := make(chan error, 8)
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(w)))
			for i := range opsPer {
				b := buckets[rng.IntN(len(buckets))]
				k := keys[rng.IntN(len(keys))]
				body := bytes.Repeat([]byte{byte('a' + w)}, 1+rng.IntN(9000))
				var err error
				switch op := rng.IntN(14); op {
				case 0, 1:
					_, err = e.PutObject(ctx, b, k, bytes.NewReader(body), int64(len(body)), PutOptions{})
				case 2:
					_, err = e.DeleteObjectVersion(ctx, b, k, DeleteOptions{})
				case 3:
					var l VersionListResult
					if l, err = e.ListObjectVersions(ctx, b, VersionListOptions{Prefix: k}); err == nil && len(l.Versions) > 0 {
						v := l.Versions[rng.IntN(len(l.Versions))]
						_, err = e.DeleteObjectVersion(ctx, b, k, DeleteOptions{VersionID: versionOrNull(v.VersionID)})
					}
				case 4:
					if b != "st-a" { // st-b stays unversioned: it empties, and goes
						_, err = e.DeleteObjectVersion(ctx, b, k, DeleteOptions{})
						break
					}
					status := "Enabled"
					if rng.IntN(2) == 0 {
						status = "Suspended"
					}
					err = e.SetBucketConfig(ctx, b, &bucketconfig.Versioning{Status: status})
				case 5:
					err = e.DeleteBucket(ctx, b, DeleteBucketOptions{AbortUploads: rng.IntN(2) == 0})
				case 6:
					err = e.CreateBucket(ctx, b, BucketOptions{})
				case 7, 8:
					var id string
					if id, err = e.CreateMultipartUpload(ctx, b, k, PutOptions{}); err != nil {
						break
					}
					var parts []CompletePart
					for n := 1; n <= 2 && err == nil; n++ {
						var p PartInfo
						p, err = e.UploadPart(ctx, b, k, id, n, bytes.NewReader(body), int64(len(body)), PartOptions{})
						parts = append(parts, CompletePart{PartNumber: n, ETag: p.ETag})
					}
					if err != nil {
						break
					}
					// Another writer's part 2 over ours, an abort, or two
					// completions racing.
					var inner sync.WaitGroup
					var errs [3]error
					inner.Add(3)
					go func() {
						defer inner.Done()
						_, errs[0] = e.CompleteMultipartUpload(ctx, b, k, id, parts, CompleteOptions{MinPartSize: 1})
					}()
					go func() {
						defer inner.Done()
						_, errs[1] = e.CompleteMultipartUpload(ctx, b, k, id, parts, CompleteOptions{MinPartSize: 1})
					}()
					go func() {
						defer inner.Done()
						if op == 7 {
							errs[2] = e.AbortMultipartUpload(ctx, b, k, id)
						} else {
							_, errs[2] = e.UploadPart(ctx, b, k, id, 2, bytes.NewReader(body[:1]), 1, PartOptions{})
						}
					}()
					inner.Wait()
					for _, e := range errs {
						if e != nil && !expected(e) {
							err = e
						}
					}
				case 9:
					_, err = e.CopyObject(ctx, b, k, buckets[rng.IntN(len(buckets))], keys[rng.IntN(len(keys))], CopyOptions{})
				case 10:
					var pos int64
					if info, herr := e.HeadObject(ctx, b, "app"); herr == nil {
						pos = info.Size
					}
					_, err = e.AppendObject(ctx, b, "app", pos, bytes.NewReader(body), int64(len(body)), PutOptions{})
				case 11:
					_, err = e.PutSymlink(ctx, b, "link", k, PutOptions{})
				case 12:
					_, err = e.DeleteObjects(ctx, b, keys)
				case 13:
					_, err = e.RenameObject(ctx, b, k, keys[rng.IntN(len(keys))], RenameOptions{})
				}
				if err != nil && !expected(err) {
					select {
					case errc <- fmt.Errorf("writer %d op %d: %w", w, i, err):
					default:
					}
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
}

// checkVersionLists checks every key of every bucket lists at most one
// latest version and at most one null version, newest first.
func checkVersionLists(t *testing.T, e *Engine) {
	ctx := context.Background()
	bs, err := e.ListBuckets(ctx)
	require.NoError(t, err)
	for _, b := range bs {
		l, err := e.ListObjectVersions(ctx, b.Name, VersionListOptions{})
		require.NoError(t, err)
		latest, nulls := map[string]int{}, map[string]int{}
		for _, v := range l.Versions {
			if v.IsLatest {
				latest[v.Key]++
			}
			if v.VersionID == "" || v.VersionID == NullVersionID {
				nulls[v.Key]++
			}
		}
		for k, n := range latest {
			require.LessOrEqual(t, n, 1, "%s/%s: latest versions", b.Name, k)
		}
		for k, n := range nulls {
			require.LessOrEqual(t, n, 1, "%s/%s: null versions", b.Name, k)
		}
		keys := map[string]bool{}
		for _, v := range l.Versions {
			keys[v.Key] = true
		}
		for k := range keys {
			_, cur := e.HeadObject(ctx, b.Name, k)
			if cur == nil {
				require.Equal(t, 1, latest[k], "%s/%s: a current object is the latest version", b.Name, k)
			}
		}
	}
}
