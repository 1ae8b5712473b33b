package engine

import (
	"context"
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
