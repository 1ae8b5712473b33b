package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/internal/racetest"
	"github.com/osslite/osslite/pkg/checksum"
)

// oneWins checks that exactly one error is nil and every other wraps want.
func oneWins(t *testing.T, errs []error, want error) int {
	t.Helper()
	winner := -1
	for i, err := range errs {
		if err == nil {
			require.Equal(t, -1, winner, "writers %d and %d both won", winner, i)
			winner = i
			continue
		}
		require.ErrorIs(t, err, want, "writer %d", i)
	}
	require.NotEqual(t, -1, winner, "nobody won")
	return winner
}

// TestConditionalWritesRace: of many writers racing with one condition on
// one key, exactly one wins; the others fail with ErrPreconditionFailed
// and the stored object is the winner's.
func TestConditionalWritesRace(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	const n = 32
	body := func(i int) []byte { return bytes.Repeat([]byte{byte('a' + i%26)}, 2<<10+i) }

	t.Run("put if-none-match", func(t *testing.T) {
		errs := racetest.Writers(n, func(i int) error {
			_, err := e.PutObject(ctx, "bkt", "create", bytes.NewReader(body(i)), -1, PutOptions{IfNoneMatch: "*"})
			return err
		})
		w := oneWins(t, errs, ErrPreconditionFailed)
		got, _ := readAll(t, e, "bkt", "create", GetOptions{})
		require.Equal(t, body(w), got)
	})
	t.Run("put if-match", func(t *testing.T) {
		base := put(t, e, "bkt", "cas", []byte("base"))
		errs := racetest.Writers(n, func(i int) error {
			_, err := e.PutObject(ctx, "bkt", "cas", bytes.NewReader(body(i)), -1, PutOptions{IfMatch: base.ETag})
			return err
		})
		w := oneWins(t, errs, ErrPreconditionFailed)
		got, _ := readAll(t, e, "bkt", "cas", GetOptions{})
		require.Equal(t, body(w), got)
	})
	t.Run("copy if-none-match", func(t *testing.T) {
		for i := range n {
			put(t, e, "bkt", fmt.Sprintf("src%d", i), body(i))
		}
		errs := racetest.Writers(n, func(i int) error {
			_, err := e.CopyObject(ctx, "bkt", fmt.Sprintf("src%d", i), "bkt", "copied", CopyOptions{IfNoneMatch: "*"})
			return err
		})
		w := oneWins(t, errs, ErrPreconditionFailed)
		got, _ := readAll(t, e, "bkt", "copied", GetOptions{})
		require.Equal(t, body(w), got)
	})
	t.Run("delete if-match", func(t *testing.T) {
		base := put(t, e, "bkt", "del", []byte("x"))
		errs := racetest.Writers(n, func(i int) error {
			if i%2 == 0 {
				return e.DeleteObject(ctx, "bkt", "del", DeleteOptions{IfMatch: base.ETag})
			}
			res, err := e.DeleteEntries(ctx, "bkt", []DeleteEntry{{Key: "del", IfMatch: base.ETag}})
			if err != nil {
				return err
			}
			return res[0].Err
		})
		for i := range errs {
			if errors.Is(errs[i], ErrNoSuchKey) {
				errs[i] = fmt.Errorf("%w: %w", ErrPreconditionFailed, errs[i]) // gone: the condition cannot hold
			}
		}
		oneWins(t, errs, ErrPreconditionFailed)
		_, err := e.HeadObject(ctx, "bkt", "del")
		require.ErrorIs(t, err, ErrNoSuchKey)
	})
	t.Run("complete if-none-match", func(t *testing.T) {
		ids := make([]string, n)
		parts := make([][]CompletePart, n)
		for i := range n {
			id, err := e.CreateMultipartUpload(ctx, "bkt", "mp", PutOptions{})
			require.NoError(t, err)
			p, err := e.UploadPart(ctx, "bkt", "mp", id, 1, bytes.NewReader(body(i)), -1, PartOptions{})
			require.NoError(t, err)
			ids[i], parts[i] = id, []CompletePart{{PartNumber: 1, ETag: p.ETag}}
		}
		e.opts.Clock.(*fakeClock).Advance(time.Second) // the winner writes after every upload began
		errs := racetest.Writers(n, func(i int) error {
			_, err := e.CompleteMultipartUpload(ctx, "bkt", "mp", ids[i], parts[i], CompleteOptions{IfNoneMatch: "*"})
			return err
		})
		// The losers find the winner's object: their condition fails
		// (S3's 412, as for a PutObject during the upload).
		w := oneWins(t, errs, ErrPreconditionFailed)
		got, _ := readAll(t, e, "bkt", "mp", GetOptions{})
		require.Equal(t, body(w), got)
	})
}

// TestCompleteConflict: a conditional Complete's condition is judged
// against the object as it is now (412, or NoSuchKey for If-Match on a
// missing key); a condition that holds while the key was written or
// deleted after the upload began is ErrConditionalRequestConflict, as
// S3 answers (LocalStack's AWS-recorded test_s3_api snapshots,
// TestS3ObjectWritePrecondition).
func TestCompleteConflict(t *testing.T) {
	ctx := context.Background()
	opts := testOptions()
	clock := opts.Clock.(*fakeClock)
	e := openTest(t, opts)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	upload := func(key string) (string, []CompletePart) {
		id, err := e.CreateMultipartUpload(ctx, "bkt", key, PutOptions{})
		require.NoError(t, err)
		p, err := e.UploadPart(ctx, "bkt", key, id, 1, strings.NewReader("part"), 4, PartOptions{})
		require.NoError(t, err)
		return id, []CompletePart{{PartNumber: 1, ETag: p.ETag}}
	}
	put(t, e, "bkt", "before", []byte("x"))
	clock.Advance(time.Second)
	id, parts := upload("before")
	_, err := e.CompleteMultipartUpload(ctx, "bkt", "before", id, parts, CompleteOptions{IfNoneMatch: "*"})
	require.ErrorIs(t, err, ErrPreconditionFailed)
	require.NotErrorIs(t, err, ErrConditionalRequestConflict)

	// Written during the upload: a condition that fails is 412, one
	// that holds is the conflict.
	old := put(t, e, "bkt", "during", []byte("x"))
	id, parts = upload("during")
	clock.Advance(time.Second)
	cur := put(t, e, "bkt", "during", []byte("y"))
	_, err = e.CompleteMultipartUpload(ctx, "bkt", "during", id, parts, CompleteOptions{IfNoneMatch: "*"})
	require.ErrorIs(t, err, ErrPreconditionFailed)
	require.NotErrorIs(t, err, ErrConditionalRequestConflict)
	_, err = e.CompleteMultipartUpload(ctx, "bkt", "during", id, parts, CompleteOptions{IfMatch: old.ETag})
	require.ErrorIs(t, err, ErrPreconditionFailed)
	require.NotErrorIs(t, err, ErrConditionalRequestConflict)
	_, err = e.CompleteMultipartUpload(ctx, "bkt", "during", id, parts, CompleteOptions{IfMatch: cur.ETag})
	require.ErrorIs(t, err, ErrConditionalRequestConflict)
	// The upload is still there: without a condition it completes.
	_, err = e.CompleteMultipartUpload(ctx, "bkt", "during", id, parts, CompleteOptions{})
	require.NoError(t, err)

	// Deleted during the upload: If-None-Match holds but conflicts,
	// If-Match finds no key; a new upload completes.
	put(t, e, "bkt", "deleted", []byte("x"))
	id, parts = upload("deleted")
	clock.Advance(time.Second)
	require.NoError(t, e.DeleteObject(ctx, "bkt", "deleted", DeleteOptions{}))
	_, err = e.CompleteMultipartUpload(ctx, "bkt", "deleted", id, parts, CompleteOptions{IfNoneMatch: "*"})
	require.ErrorIs(t, err, ErrConditionalRequestConflict)
	_, err = e.CompleteMultipartUpload(ctx, "bkt", "deleted", id, parts, CompleteOptions{IfMatch: old.ETag})
	require.ErrorIs(t, err, ErrNoSuchKey)
	id, parts = upload("deleted")
	_, err = e.CompleteMultipartUpload(ctx, "bkt", "deleted", id, parts, CompleteOptions{IfNoneMatch: "*"})
	require.NoError(t, err)
}

// TestDeleteEntries: per-key ETags in one batch.
func TestDeleteEntries(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	a := put(t, e, "bkt", "a", []byte("a"))
	put(t, e, "bkt", "bkt", []byte("bkt"))
	put(t, e, "bkt", "c", []byte("c"))
	res, err := e.DeleteEntries(ctx, "bkt", []DeleteEntry{
		{Key: "a", IfMatch: `"` + a.ETag + `"`}, {Key: "bkt", IfMatch: a.ETag}, {Key: "c"}, {Key: "missing", IfMatch: "*"}, {Key: "a", IfMatch: a.ETag},
	})
	require.NoError(t, err)
	require.Len(t, res, 5)
	assert.NoError(t, res[0].Err)
	assert.ErrorIs(t, res[1].Err, ErrPreconditionFailed)
	assert.NoError(t, res[2].Err)
	assert.ErrorIs(t, res[3].Err, ErrNoSuchKey)
	assert.ErrorIs(t, res[4].Err, ErrNoSuchKey, "a was deleted earlier in the batch")
	for key, exists := range map[string]bool{"a": false, "bkt": true, "c": false} {
		_, err := e.HeadObject(ctx, "bkt", key)
		assert.Equal(t, exists, err == nil, key)
	}
	_, err = e.DeleteEntries(ctx, "nobucket", []DeleteEntry{{Key: "a"}})
	require.ErrorIs(t, err, ErrNoSuchBucket)
}

// TestPartChecksums: a multipart object keeps each part's checksum.
func TestPartChecksums(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	id, err := e.CreateMultipartUpload(ctx, "bkt", "k", PutOptions{Checksum: &ChecksumInput{Algorithm: checksum.CRC32}})
	require.NoError(t, err)
	var parts []CompletePart
	var want [][]byte
	for i, s := range []string{strings.Repeat("a", 5<<20), "tail"} {
		p, err := e.UploadPart(ctx, "bkt", "k", id, i+1, strings.NewReader(s), int64(len(s)), PartOptions{})
		require.NoError(t, err)
		parts = append(parts, CompletePart{PartNumber: i + 1, ETag: p.ETag})
		h := checksum.CRC32.New()
		h.Write([]byte(s))
		want = append(want, h.Sum(nil))
	}
	info, err := e.CompleteMultipartUpload(ctx, "bkt", "k", id, parts, CompleteOptions{})
	require.NoError(t, err)
	require.Equal(t, want, info.PartChecksums)
	head, err := e.HeadObject(ctx, "bkt", "k")
	require.NoError(t, err)
	require.Equal(t, want, head.PartChecksums)
}

// TestBucketWorm: the engine's retention policy life cycle and its
// enforcement on the engine clock.
func TestBucketWorm(t *testing.T) {
	ctx := context.Background()
	opts := testOptions()
	clock := opts.Clock.(*fakeClock)
	e := openTest(t, opts)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	put(t, e, "bkt", "k", []byte("v"))
	_, err := e.GetBucketWorm(ctx, "bkt")
	require.ErrorIs(t, err, ErrNoSuchWorm)
	_, err = e.InitiateBucketWorm(ctx, "bkt", MaxWormRetentionDays+1)
	require.ErrorIs(t, err, ErrInvalidWorm)
	_, err = e.InitiateBucketWorm(ctx, "nobucket", 1)
	require.ErrorIs(t, err, ErrNoSuchBucket)

	w, err := e.InitiateBucketWorm(ctx, "bkt", 2)
	require.NoError(t, err)
	_, err = e.InitiateBucketWorm(ctx, "bkt", 2)
	require.ErrorIs(t, err, ErrInvalidWorm)
	require.ErrorIs(t, e.DeleteObject(ctx, "bkt", "k", DeleteOptions{}), ErrObjectImmutable)
	require.NoError(t, e.CompleteBucketWorm(ctx, "bkt", w.ID))
	require.NoError(t, e.CompleteBucketWorm(ctx, "bkt", w.ID), "locking again is harmless")
	require.ErrorIs(t, e.AbortBucketWorm(ctx, "bkt"), ErrWormLocked)
	_, err = e.InitiateBucketWorm(ctx, "bkt", 5)
	require.ErrorIs(t, err, ErrWormLocked)
	got, err := e.GetBucketWorm(ctx, "bkt")
	require.NoError(t, err)
	require.Equal(t, WormLocked, got.State)

	// Batch deletes report the retained key and delete the others.
	put(t, e, "bkt", "x", []byte("x"))
	res, err := e.DeleteObjects(ctx, "bkt", []string{"k", "absent"})
	require.NoError(t, err)
	require.ErrorIs(t, res[0].Err, ErrObjectImmutable)
	require.NoError(t, res[1].Err)
	_, err = e.PutObject(ctx, "bkt", "k", strings.NewReader("w"), 1, PutOptions{})
	require.ErrorIs(t, err, ErrObjectImmutable)
	_, err = e.CopyObject(ctx, "bkt", "x", "bkt", "k", CopyOptions{})
	require.ErrorIs(t, err, ErrObjectImmutable)
	_, err = e.PutSymlink(ctx, "bkt", "k", "x", PutOptions{})
	require.ErrorIs(t, err, ErrObjectImmutable)

	clock.Advance(2*24*time.Hour - time.Second)
	require.ErrorIs(t, e.DeleteObject(ctx, "bkt", "k", DeleteOptions{}), ErrObjectImmutable)
	clock.Advance(time.Second)
	require.NoError(t, e.DeleteObject(ctx, "bkt", "k", DeleteOptions{}))
	require.NoError(t, e.DeleteObject(ctx, "bkt", "x", DeleteOptions{}))

	// A re-created bucket does not inherit the cached policy.
	require.NoError(t, e.DeleteBucket(ctx, "bkt", DeleteBucketOptions{}))
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	put(t, e, "bkt", "k", []byte("v"))
	require.NoError(t, e.DeleteObject(ctx, "bkt", "k", DeleteOptions{}))
	_, err = e.GetBucketWorm(ctx, "bkt")
	require.ErrorIs(t, err, ErrNoSuchWorm)
}
