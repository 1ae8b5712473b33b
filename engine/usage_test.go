package engine

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/stretchr/testify/require"
)

// listedUsage counts bucket's usage the slow way, through the listings
// (what OSS GetBucketStat did before the counts existed): the reference
// BucketUsage must equal.
func listedUsage(t testing.TB, e *Engine, bucket string) BucketUsage {
	t.Helper()
	ctx := context.Background()
	u := BucketUsage{Classes: map[string]ClassUsage{}}
	opts := ListOptions{MaxKeys: 7}
	for {
		page, err := e.ListObjects(ctx, bucket, opts)
		require.NoError(t, err)
		for _, o := range page.Objects {
			c := u.Classes[o.StorageClass]
			c.add(o.Size, 1)
			u.Classes[o.StorageClass] = c
			u.Objects++
			u.Bytes += o.Size
		}
		if !page.IsTruncated {
			break
		}
		opts.Marker = page.NextMarker
	}
	versions := VersionListOptions{MaxKeys: 5}
	for {
		page, err := e.ListObjectVersions(ctx, bucket, versions)
		require.NoError(t, err)
		for _, v := range page.Versions {
			switch {
			case v.DeleteMarker:
				u.DeleteMarkers++
			case !v.IsLatest:
				u.NoncurrentVersions++
				u.NoncurrentBytes += v.Size
			}
		}
		if !page.IsTruncated {
			break
		}
		versions.KeyMarker, versions.VersionIDMarker = page.NextKeyMarker, page.NextVersionIDMarker
	}
	uploads := ListUploadsOptions{MaxUploads: 3}
	for {
		page, err := e.ListMultipartUploads(ctx, bucket, uploads)
		require.NoError(t, err)
		u.Uploads += int64(len(page.Uploads))
		for _, up := range page.Uploads {
			parts := ListPartsOptions{MaxParts: 2}
			for {
				pp, err := e.ListParts(ctx, bucket, up.Key, up.UploadID, parts)
				require.NoError(t, err)
				for _, p := range pp.Parts {
					u.Parts++
					u.PartBytes += p.Size
				}
				if !pp.IsTruncated {
					break
				}
				parts.PartNumberMarker = pp.NextPartNumberMarker
			}
		}
		if !page.IsTruncated {
			break
		}
		uploads.KeyMarker, uploads.UploadIDMarker = page.NextKeyMarker, page.NextUploadIDMarker
	}
	channels := ListLiveChannelsOptions{Max: 1000}
	for {
		chans, truncated, err := e.ListLiveChannels(ctx, bucket, channels)
		require.NoError(t, err)
		u.LiveChannels += int64(len(chans))
		if !truncated || len(chans) == 0 {
			break
		}
		channels.Marker = chans[len(chans)-1].Name
	}
	return u
}

// checkUsage checks that every bucket's counted usage equals its listed
// usage.
func checkUsage(t testing.TB, e *Engine, msgAndArgs ...any) {
	t.Helper()
	buckets, err := e.ListBuckets(context.Background())
	require.NoError(t, err)
	for _, b := range buckets {
		got, err := e.BucketUsage(context.Background(), b.Name)
		require.NoError(t, err)
		want := listedUsage(t, e, b.Name)
		require.Equal(t, want, got, append([]any{"usage of bucket %s", b.Name}, msgAndArgs...)...)
	}
}

func TestBucketUsage(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	u, err := e.BucketUsage(ctx, "bkt")
	require.NoError(t, err)
	require.Equal(t, BucketUsage{Classes: map[string]ClassUsage{}}, u)
	_, err = e.BucketUsage(ctx, "missing")
	require.ErrorIs(t, err, ErrNoSuchBucket)

	big := bytes.Repeat([]byte("x"), SmallObjectSize+10)
	put(t, e, "bkt", "small", []byte("hello"))
	put(t, e, "bkt", "big", big)
	_, err = e.PutObject(ctx, "bkt", "ia", strings.NewReader("cold"), 4, PutOptions{StorageClass: "IA"})
	require.NoError(t, err)
	u, err = e.BucketUsage(ctx, "bkt")
	require.NoError(t, err)
	require.Equal(t, int64(3), u.Objects)
	require.Equal(t, int64(5+len(big)+4), u.Bytes)
	require.Equal(t, ClassUsage{Objects: 2, Bytes: int64(5 + len(big)), SmallObjects: 1, SmallBytes: 5}, u.Classes[""])
	require.Equal(t, ClassUsage{Objects: 1, Bytes: 4, SmallObjects: 1, SmallBytes: 4}, u.Classes["IA"])
	checkUsage(t, e)

	// Overwrites, copies into another class, appends, symlinks, uploads,
	// channels and deletes.
	put(t, e, "bkt", "small", []byte("hello, again"))
	_, err = e.CopyObject(ctx, "bkt", "big", "bkt", "big-ia", CopyOptions{StorageClass: "IA"})
	require.NoError(t, err)
	_, err = e.AppendObject(ctx, "bkt", "log", 0, strings.NewReader("line 1\n"), 7, PutOptions{})
	require.NoError(t, err)
	_, err = e.AppendObject(ctx, "bkt", "log", 7, strings.NewReader("line 2\n"), 7, PutOptions{})
	require.NoError(t, err)
	_, err = e.PutSymlink(ctx, "bkt", "link", "small", PutOptions{})
	require.NoError(t, err)
	id, err := e.CreateMultipartUpload(ctx, "bkt", "mp", PutOptions{})
	require.NoError(t, err)
	id2, err := e.CreateMultipartUpload(ctx, "bkt", "mp2", PutOptions{})
	require.NoError(t, err)
	_, err = e.PutLiveChannel(ctx, "bkt", LiveChannel{Name: "cam"})
	require.NoError(t, err)
	checkUsage(t, e)
	u, err = e.BucketUsage(ctx, "bkt")
	require.NoError(t, err)
	require.Equal(t, int64(2), u.Uploads)
	require.Equal(t, int64(1), u.LiveChannels)

	p, err := e.UploadPart(ctx, "bkt", "mp", id, 1, bytes.NewReader(big), int64(len(big)), PartOptions{})
	require.NoError(t, err)
	_, err = e.UploadPart(ctx, "bkt", "mp2", id2, 3, strings.NewReader("part"), 4, PartOptions{})
	require.NoError(t, err)
	u, err = e.BucketUsage(ctx, "bkt")
	require.NoError(t, err)
	require.Equal(t, int64(2), u.Parts)
	require.Equal(t, int64(len(big)+4), u.PartBytes)
	checkUsage(t, e)
	_, err = e.CompleteMultipartUpload(ctx, "bkt", "mp", id, []CompletePart{{PartNumber: 1, ETag: p.ETag}}, CompleteOptions{})
	require.NoError(t, err)
	require.NoError(t, e.AbortMultipartUpload(ctx, "bkt", "mp2", id2))
	require.NoError(t, e.DeleteObject(ctx, "bkt", "big", DeleteOptions{}))
	require.NoError(t, e.DeleteLiveChannel(ctx, "bkt", "cam"))
	_, err = e.DeleteObjects(ctx, "bkt", []string{"small", "nothing-here"})
	require.NoError(t, err)
	checkUsage(t, e)

	// Versioned: noncurrent versions and delete markers are not counted;
	// removing the current version promotes the next.
	setVersioning(t, e, "bkt", "Enabled")
	v1 := putString(t, e, "bkt", "v", "one")
	putString(t, e, "bkt", "v", "three")
	checkUsage(t, e)
	require.NoError(t, e.DeleteObject(ctx, "bkt", "v", DeleteOptions{}))
	checkUsage(t, e)
	u, err = e.BucketUsage(ctx, "bkt")
	require.NoError(t, err)
	require.Equal(t, int64(1), u.DeleteMarkers)
	require.Equal(t, int64(2), u.NoncurrentVersions)
	require.Equal(t, int64(len("one")+len("three")), u.NoncurrentBytes)
	res, err := e.DeleteObjectVersion(ctx, "bkt", "v", DeleteOptions{VersionID: v1.VersionID})
	require.NoError(t, err)
	require.False(t, res.DeleteMarker)
	checkUsage(t, e)

	// A deleted bucket's counts go with it: a new one starts at zero.
	for _, k := range []string{"ia", "big-ia", "log", "link", "mp"} {
		require.NoError(t, e.DeleteObject(ctx, "bkt", k, DeleteOptions{}))
	}
	vs, err := e.ListObjectVersions(ctx, "bkt", VersionListOptions{})
	require.NoError(t, err)
	for _, v := range vs.Versions {
		vid := v.VersionID
		if vid == "" {
			vid = NullVersionID // written before versioning was enabled
		}
		_, err := e.DeleteObjectVersion(ctx, "bkt", v.Key, DeleteOptions{VersionID: vid})
		require.NoError(t, err)
		checkUsage(t, e)
	}
	vs, err = e.ListObjectVersions(ctx, "bkt", VersionListOptions{})
	require.NoError(t, err)
	require.Empty(t, vs.Versions)
	// An upload left with parts (one copied from another bucket) goes
	// with the bucket.
	require.NoError(t, e.CreateBucket(ctx, "src", BucketOptions{}))
	put(t, e, "src", "obj", big)
	left, err := e.CreateMultipartUpload(ctx, "bkt", "left", PutOptions{})
	require.NoError(t, err)
	_, err = e.UploadPart(ctx, "bkt", "left", left, 1, strings.NewReader("abc"), 3, PartOptions{})
	require.NoError(t, err)
	_, err = e.UploadPartCopy(ctx, "bkt", "left", left, 2, "src", "obj", PartCopyOptions{})
	require.NoError(t, err)
	u, err = e.BucketUsage(ctx, "bkt")
	require.NoError(t, err)
	require.Equal(t, int64(2), u.Parts)
	require.Equal(t, int64(3+len(big)), u.PartBytes)
	checkUsage(t, e)
	require.NoError(t, e.DeleteBucket(ctx, "bkt", DeleteBucketOptions{AbortUploads: true}))
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	u, err = e.BucketUsage(ctx, "bkt")
	require.NoError(t, err)
	require.Equal(t, BucketUsage{Classes: map[string]ClassUsage{}}, u)
}

// TestBucketUsageCountedOnOpen: a store without counts (written before
// they existed) is counted when it is opened.
func TestBucketUsageCountedOnOpen(t *testing.T) {
	ctx := context.Background()
	opts := testOptions()
	opts.FS = vfs.NewMem()
	e, err := Open("/db", opts)
	require.NoError(t, err)
	for _, b := range []string{"one", "two"} {
		require.NoError(t, e.CreateBucket(ctx, b, BucketOptions{}))
		put(t, e, b, "k", []byte(b))
		put(t, e, b, "big", bytes.Repeat([]byte(b), 5000))
		_, err := e.CreateMultipartUpload(ctx, b, "mp", PutOptions{})
		require.NoError(t, err)
	}
	want := map[string]BucketUsage{}
	for _, b := range []string{"one", "two"} {
		want[b], err = e.BucketUsage(ctx, b)
		require.NoError(t, err)
	}
	// Remove every count, as an older store has none.
	p := []byte(prefixUsage)
	require.NoError(t, e.db.DeleteRange(p, prefixEnd(p), pebble.Sync))
	require.NoError(t, e.Close())

	e, err = Open("/db", opts)
	require.NoError(t, err)
	defer e.Close()
	for b, w := range want {
		got, err := e.BucketUsage(ctx, b)
		require.NoError(t, err)
		require.Equal(t, w, got, b)
	}
	checkUsage(t, e)
}

func TestUsageRecordRoundTrip(t *testing.T) {
	u := usageRecord{uploads: 3, channels: 1, markers: 4, versions: 5, versionBytes: 6, parts: 7, partBytes: 8}
	u.class("IA").add(SmallObjectSize, 1)
	u.class("").add(10, 1)
	u.class("Archive") // empty: left out
	got, err := decodeUsage(u.encode())
	require.NoError(t, err)
	require.Equal(t, u.counts(), got.counts())
	require.Equal(t, []classCount{
		{"", ClassUsage{Objects: 1, Bytes: 10, SmallObjects: 1, SmallBytes: 10}},
		{"IA", ClassUsage{Objects: 1, Bytes: SmallObjectSize}},
	}, got.classes)
	for _, bad := range [][]byte{nil, {9}, {usageVersion}, append(u.encode(), 5)} {
		_, err := decodeUsage(bad)
		require.ErrorIs(t, err, ErrCorrupt, "%x", bad)
	}
}

// TestUsageCacheForgetsUncommitted: a mutation whose commit fails after
// its counts were folded leaves the cache as if it never ran.
func TestUsageCacheForgetsUncommitted(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	put(t, e, "bkt", "a", []byte("one"))

	e.mu.Lock()
	m := e.newMutation()
	rec := objectRecord{info: ObjectInfo{Bucket: "bkt", Key: "b", Size: 5}, inline: []byte("hello")}
	require.NoError(t, m.b.Set(objectKey("bkt", "b"), rec.encode(), nil))
	require.NoError(t, m.foldUsage())
	require.Equal(t, int64(2), e.usage["bkt"].classes[0].Objects, "folded into the cache")
	m.forgetUsage() // what commit does when it fails
	require.NoError(t, m.b.Close())
	e.mu.Unlock()

	put(t, e, "bkt", "c", []byte("three"))
	u, err := e.BucketUsage(ctx, "bkt")
	require.NoError(t, err)
	require.Equal(t, int64(2), u.Objects, "a and c; b never committed")
	checkUsage(t, e)
}
