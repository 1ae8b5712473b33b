package engine

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

type stepClock struct{ t time.Time }

func (c *stepClock) Now() time.Time { return c.t }

// TestCompleteRetry: a retried Complete with the same parts returns the
// stored result until CompletedUploadTTL passes; other parts, and any
// retry after expiry, get ErrNoSuchUpload; Compact drops expired records.
func TestCompleteRetry(t *testing.T) {
	ctx := context.Background()
	clock := &stepClock{t: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	e := openTest(t, &Options{Clock: clock})
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	id, err := e.CreateMultipartUpload(ctx, "bkt", "k", PutOptions{})
	require.NoError(t, err)
	p1, err := e.UploadPart(ctx, "bkt", "k", id, 1, bytes.NewReader([]byte("one")), 3, PartOptions{})
	require.NoError(t, err)
	parts := []CompletePart{{PartNumber: 1, ETag: `"` + p1.ETag + `"`}}
	first, err := e.CompleteMultipartUpload(ctx, "bkt", "k", id, parts, CompleteOptions{})
	require.NoError(t, err)

	clock.t = clock.t.Add(30 * time.Minute)
	again, err := e.CompleteMultipartUpload(ctx, "bkt", "k", id, []CompletePart{{PartNumber: 1, ETag: p1.ETag}}, CompleteOptions{})
	require.NoError(t, err)
	require.Equal(t, first.ETag, again.ETag)
	require.Equal(t, first.Size, again.Size)
	require.Equal(t, first.LastModified, again.LastModified)
	up, err := e.CompletedUpload(ctx, "bkt", "k", id)
	require.NoError(t, err)
	require.Equal(t, id, up.UploadID)

	_, err = e.CompleteMultipartUpload(ctx, "bkt", "k", id, []CompletePart{{PartNumber: 2, ETag: p1.ETag}}, CompleteOptions{})
	require.ErrorIs(t, err, ErrNoSuchUpload, "different parts")
	_, err = e.CompleteMultipartUpload(ctx, "bkt", "other", id, parts, CompleteOptions{})
	require.ErrorIs(t, err, ErrNoSuchUpload, "another key")

	clock.t = clock.t.Add(31 * time.Minute)
	_, err = e.CompleteMultipartUpload(ctx, "bkt", "k", id, parts, CompleteOptions{})
	require.ErrorIs(t, err, ErrNoSuchUpload, "expired")
	_, ok, err := get(e.db, completedKey("bkt", "k", id))
	require.NoError(t, err)
	require.False(t, ok, "expired record dropped on lookup")

	// Compact drops expired records nobody looked up, and nothing else
	// (bucket configuration documents live under a neighbouring prefix).
	require.NoError(t, e.PutBucketConfig(ctx, "bkt", ConfigTagging, []byte("<Tagging/>")))
	id2, err := e.CreateMultipartUpload(ctx, "bkt", "k2", PutOptions{})
	require.NoError(t, err)
	p, err := e.UploadPart(ctx, "bkt", "k2", id2, 1, bytes.NewReader([]byte("x")), 1, PartOptions{})
	require.NoError(t, err)
	_, err = e.CompleteMultipartUpload(ctx, "bkt", "k2", id2, []CompletePart{{PartNumber: 1, ETag: p.ETag}}, CompleteOptions{})
	require.NoError(t, err)
	_, err = e.Compact(ctx, CompactOptions{})
	require.NoError(t, err)
	_, ok, err = get(e.db, completedKey("bkt", "k2", id2))
	require.NoError(t, err)
	require.True(t, ok, "live record kept")
	clock.t = clock.t.Add(2 * time.Hour)
	_, err = e.Compact(ctx, CompactOptions{})
	require.NoError(t, err)
	_, ok, err = get(e.db, completedKey("bkt", "k2", id2))
	require.NoError(t, err)
	require.False(t, ok, "expired record compacted away")
	doc, err := e.BucketConfig(ctx, "bkt", ConfigTagging)
	require.NoError(t, err)
	require.Equal(t, "<Tagging/>", string(doc))
}

// TestAbortedUploadRecord: an upload aborted less than
// CompletedUploadTTL ago is reported by AbortedUpload (an abort of it
// again is no error to S3: Hadoop S3A's ITestS3AContractMultipartUploader
// sets finalizeConsumesUploadIdImmediately false, so a second abort
// succeeds against S3), while its parts and Complete stay
// ErrNoSuchUpload and it is no completed upload; the record expires.
func TestAbortedUploadRecord(t *testing.T) {
	ctx := context.Background()
	clock := &stepClock{t: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	e := openTest(t, &Options{Clock: clock})
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	id, err := e.CreateMultipartUpload(ctx, "bkt", "k", PutOptions{})
	require.NoError(t, err)
	p1, err := e.UploadPart(ctx, "bkt", "k", id, 1, bytes.NewReader([]byte("one")), 3, PartOptions{})
	require.NoError(t, err)
	require.ErrorIs(t, e.AbortedUpload(ctx, "bkt", "k", id), ErrNoSuchUpload, "not aborted yet")
	require.NoError(t, e.AbortMultipartUpload(ctx, "bkt", "k", id))

	clock.t = clock.t.Add(30 * time.Minute)
	require.NoError(t, e.AbortedUpload(ctx, "bkt", "k", id))
	require.ErrorIs(t, e.AbortedUpload(ctx, "bkt", "other", id), ErrNoSuchUpload, "another key")
	require.ErrorIs(t, e.AbortedUpload(ctx, "bkt", "k", "never-was"), ErrNoSuchUpload)
	require.ErrorIs(t, e.AbortMultipartUpload(ctx, "bkt", "k", id), ErrNoSuchUpload, "the upload itself is gone")
	_, err = e.CompletedUpload(ctx, "bkt", "k", id)
	require.ErrorIs(t, err, ErrNoSuchUpload)
	_, err = e.UploadPart(ctx, "bkt", "k", id, 2, bytes.NewReader([]byte("two")), 3, PartOptions{})
	require.ErrorIs(t, err, ErrNoSuchUpload)
	_, err = e.CompleteMultipartUpload(ctx, "bkt", "k", id, []CompletePart{{PartNumber: 1, ETag: p1.ETag}}, CompleteOptions{})
	require.ErrorIs(t, err, ErrNoSuchUpload)

	clock.t = clock.t.Add(31 * time.Minute)
	require.ErrorIs(t, e.AbortedUpload(ctx, "bkt", "k", id), ErrNoSuchUpload, "expired")
	require.NoError(t, e.dropExpiredCompletions())
	_, ok, err := get(e.db, abortedKey("bkt", "k", id))
	require.NoError(t, err)
	require.False(t, ok, "expired record compacted away")

	// Dropped with its bucket.
	id2, err := e.CreateMultipartUpload(ctx, "bkt", "k2", PutOptions{})
	require.NoError(t, err)
	require.NoError(t, e.AbortMultipartUpload(ctx, "bkt", "k2", id2))
	require.NoError(t, e.DeleteBucket(ctx, "bkt", DeleteBucketOptions{}))
	_, ok, err = get(e.db, abortedKey("bkt", "k2", id2))
	require.NoError(t, err)
	require.False(t, ok, "dropped with the bucket")
}
