package engine

import (
	"context"
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// TestOpen38GoneVersionMissesNoThreshold: a version deleted while its
// replication item waits out a backoff past its S3 RTC threshold is not
// replicated, and S3 documents no event for it. Before, the threshold
// still made OperationMissedThreshold (without size or ETag) before the
// next attempt dropped the item; now the threshold drops the item of a
// gone source without an event. A version kept keeps its event, and so
// do a delete marker and the version it hides; an unversioned (OSS) item
// whose key was deleted goes the same way.
func TestOpen38GoneVersionMissesNoThreshold(t *testing.T) {
	ctx := context.Background()
	e, clk, _ := rev37Engine(t)
	var got repl36Events
	got.subscribe(t, e)
	require.NoError(t, e.CreateBucket(ctx, "src", BucketOptions{}))
	require.NoError(t, e.SetBucketConfig(ctx, "src", &bucketconfig.Versioning{Status: "Enabled"}))
	require.NoError(t, e.SetBucketConfig(ctx, "src", repl36Config("remote", false, true)))
	gone := putString(t, e, "src", "docs/gone", "a")
	putString(t, e, "src", "docs/kept", "b")
	repl36Pass(t, e) // the target is down: retried in an hour
	_, err := e.DeleteObjectVersion(ctx, "src", "docs/gone", DeleteOptions{VersionID: gone.VersionID})
	require.NoError(t, err)

	clk.Advance(16 * time.Minute) // past the threshold, before the retry
	repl36Pass(t, e)
	require.Equal(t, []string{"Replication:OperationMissedThreshold docs/kept"}, repl36Names(got.take()))
	n, err := e.ReplicationBacklog(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n, "the gone version's item is dropped with its threshold")
	require.Zero(t, repl36Thresholds(t, e))

	require.NoError(t, e.CreateBucket(ctx, "osrc", BucketOptions{}))
	c := repl36Config("remote", false, true)
	require.NoError(t, e.SetBucketConfig(ctx, "osrc", c))
	putString(t, e, "osrc", "docs/k", "c")
	repl36Pass(t, e)
	require.NoError(t, e.DeleteObject(ctx, "osrc", "docs/k", DeleteOptions{}))
	clk.Advance(16 * time.Minute)
	repl36Pass(t, e)
	require.Empty(t, repl36Names(got.take()), "no event for a deleted unversioned key")
	n, err = e.ReplicationBacklog(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n, "docs/kept's item only")

	// A delete marker is a version: its item (markers replicated) and the
	// write it hides keep their events.
	require.NoError(t, e.CreateBucket(ctx, "msrc", BucketOptions{}))
	require.NoError(t, e.SetBucketConfig(ctx, "msrc", &bucketconfig.Versioning{Status: "Enabled"}))
	require.NoError(t, e.SetBucketConfig(ctx, "msrc", repl36Config("remote", true, true)))
	putString(t, e, "msrc", "docs/m", "d")
	require.NoError(t, e.DeleteObject(ctx, "msrc", "docs/m", DeleteOptions{}))
	repl36Pass(t, e)
	clk.Advance(16 * time.Minute)
	repl36Pass(t, e)
	require.Equal(t, []string{"Replication:OperationMissedThreshold docs/m", "Replication:OperationMissedThreshold docs/m"},
		repl36Names(got.take()))
}

// TestOpen38PartCopyChecksPinFirst: UploadPartCopy's SourcePin names the
// source its caller decided the read of (and chose an OSS lenient range
// on). The object the key holds now, another, was judged first: its
// archived state, the copy-source conditions and the range (a range
// valid for the pinned object, past the end of the one there: a
// RangeError naming its size; an If-Match of its ETag passing, a wrong
// guess 412), before the pin refused it. Now the pin is checked first
// (ErrCopySourceChanged: the caller decides the object there again).
func TestOpen38PartCopyChecksPinFirst(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	decided := putString(t, e, "bkt", "src", strings.Repeat("L", 100))
	pin := &SourcePin{Found: true, VersionID: decided.VersionID, ETag: decided.ETag, LastModified: decided.LastModified,
		Owner: decided.Owner, Dialect: decided.Dialect}
	id, err := e.CreateMultipartUpload(ctx, "bkt", "dst", PutOptions{})
	require.NoError(t, err)
	for name, c := range map[string]struct {
		class string
		opts  PartCopyOptions
	}{
		"a range past the end": {"", PartCopyOptions{Range: &ByteRange{Start: 60, End: 99}}},
		"if-match a guess":     {"", PartCopyOptions{Source: Conditions{IfMatch: `"0123"`}}},
		"if-none-match any":    {"", PartCopyOptions{Source: Conditions{IfNoneMatch: "*"}}},
		"an archived source":   {"GLACIER", PartCopyOptions{}},
	} {
		_, err := e.PutObject(ctx, "bkt", "src", strings.NewReader("short"), 5, PutOptions{StorageClass: c.class})
		require.NoError(t, err)
		c.opts.SourcePin = pin
		_, err = e.UploadPartCopy(ctx, "bkt", "dst", id, 1, "bkt", "src", c.opts)
		assert.ErrorIs(t, err, ErrCopySourceChanged, name)
	}
}

// TestOpen38ScheduledDeletionNamesTheObject: a scheduled deletion (Sina's
// x-sina-expire) named its object by ETag and modification time only and
// outlived its bucket and a delete of its key. On a clock that does not
// move, another object of the same bytes at the key was deleted at the
// time: in a bucket deleted and created again by another account, and in
// the same bucket when another account wrote the key after the delete.
// Now DeleteBucket drops the bucket's schedules (their E/ entries delete
// nothing when due), and a schedule names its object as SourcePin does
// (version ID, owner and writing dialect too). A schedule that still
// names its object deletes it. (exp-b4, the same owner's bucket created
// again and the same object written, fails without DeleteBucket's drop
// alone; exp-b1 and exp-b2 without the pin's owner.)
func TestOpen38ScheduledDeletionNamesTheObject(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock, opts.CompactInterval = clk, -1
	e := openTest(t, opts)
	put := func(bucket, owner string) ObjectInfo {
		info, err := e.PutObject(ctx, bucket, "k", strings.NewReader("same bytes"), 10, PutOptions{Owner: owner, Dialect: DialectSina})
		require.NoError(t, err)
		return info
	}
	at := clk.Now().Add(time.Hour)

	require.NoError(t, e.CreateBucket(ctx, "exp-b1", BucketOptions{Owner: "alice"}))
	alice := put("exp-b1", "alice")
	require.NoError(t, e.ScheduleDeletion(ctx, "exp-b1", "k", alice, at))
	require.NoError(t, e.DeleteObject(ctx, "exp-b1", "k", DeleteOptions{}))
	require.NoError(t, e.DeleteBucket(ctx, "exp-b1", DeleteBucketOptions{}))
	require.NoError(t, e.CreateBucket(ctx, "exp-b1", BucketOptions{Owner: "bob"}))
	bob := put("exp-b1", "bob")
	require.Equal(t, alice.ETag, bob.ETag)
	require.True(t, alice.LastModified.Equal(bob.LastModified), "a clock that does not move")

	require.NoError(t, e.CreateBucket(ctx, "exp-b2", BucketOptions{Owner: "alice"}))
	require.NoError(t, e.ScheduleDeletion(ctx, "exp-b2", "k", put("exp-b2", "alice"), at))
	require.NoError(t, e.DeleteObject(ctx, "exp-b2", "k", DeleteOptions{}))
	put("exp-b2", "carol")

	require.NoError(t, e.CreateBucket(ctx, "exp-b3", BucketOptions{Owner: "alice"}))
	require.NoError(t, e.ScheduleDeletion(ctx, "exp-b3", "k", put("exp-b3", "alice"), at))

	// The same owner's bucket created again, the same object written: only
	// the bucket's incarnation tells the schedule's object from this one.
	require.NoError(t, e.CreateBucket(ctx, "exp-b4", BucketOptions{Owner: "alice"}))
	require.NoError(t, e.ScheduleDeletion(ctx, "exp-b4", "k", put("exp-b4", "alice"), at))
	require.NoError(t, e.DeleteObject(ctx, "exp-b4", "k", DeleteOptions{}))
	require.NoError(t, e.DeleteBucket(ctx, "exp-b4", DeleteBucketOptions{}))
	require.NoError(t, e.CreateBucket(ctx, "exp-b4", BucketOptions{Owner: "alice"}))
	put("exp-b4", "alice")

	clk.Advance(2 * time.Hour)
	n, err := e.runScheduledDeletions(ctx, clk.Now())
	require.NoError(t, err)
	assert.Equal(t, 1, n, "b3's object only")
	for _, b := range []string{"exp-b1", "exp-b2", "exp-b4"} {
		_, err := e.HeadObject(ctx, b, "k")
		assert.NoError(t, err, "%s: an object written after the schedule's was deleted is not deleted by it", b)
	}
	_, err = e.HeadObject(ctx, "exp-b3", "k")
	assert.ErrorIs(t, err, ErrNoSuchKey)
	for _, p := range []string{prefixExpiry, prefixExpiryOf} {
		empty, err := e.emptyRange([]byte(p))
		require.NoError(t, err)
		assert.True(t, empty, "%s entries left", p)
	}
}

// TestOpen38ExpiryPinEncoding: an E/ entry's value names the object as a
// SourcePin does; one of an earlier build (mtime and ETag) reads as
// legacy, and a truncated one as malformed.
func TestOpen38ExpiryPinEncoding(t *testing.T) {
	p := SourcePin{Found: true, VersionID: "v1", ETag: "0123abcd-2", LastModified: time.Unix(1700000000, 5).UTC(), Owner: "alice", Dialect: DialectSina}
	v := encodeExpiryPin(&p)
	got, legacy, ok := decodeExpiryPin(v)
	require.True(t, ok)
	require.False(t, legacy)
	require.Equal(t, p, got)
	for i := 9; i < len(v); i++ {
		if _, legacy, ok := decodeExpiryPin(v[:i]); ok && !legacy {
			t.Fatalf("truncated at %d read as whole", i)
		}
	}
	old := append(binary.BigEndian.AppendUint64(nil, uint64(p.LastModified.UnixNano())), p.ETag...)
	got, legacy, ok = decodeExpiryPin(old)
	require.True(t, ok)
	require.True(t, legacy)
	require.Equal(t, SourcePin{Found: true, ETag: p.ETag, LastModified: p.LastModified}, got)
}
