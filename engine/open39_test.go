package engine

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// open39Versions lists bucket's versions under prefix resuming at
// (key, vid) to the end, as "key/vid" (vid "null" for a null version,
// "*" after the latest).
func open39Versions(t *testing.T, e *Engine, bucket, prefix, key, vid string) []string {
	t.Helper()
	var got []string
	opts := VersionListOptions{Prefix: prefix, KeyMarker: key, VersionIDMarker: vid, MaxKeys: 2}
	for {
		page, err := e.ListObjectVersions(context.Background(), bucket, opts)
		require.NoError(t, err)
		for _, v := range page.Versions {
			s := v.Key + "/" + versionOrNull(v.VersionID)
			if v.IsLatest {
				s += "*"
			}
			got = append(got, s)
		}
		if !page.IsTruncated {
			return got
		}
		opts.KeyMarker, opts.VersionIDMarker = page.NextKeyMarker, page.NextVersionIDMarker
	}
}

// TestOpen39NullMarkerNeverSkips: a page that ends at a key's null
// version continues with version-id-marker "null", which names no place
// among the key's versions. When that null version is gone by the next
// page (DELETE ?versionId=null), the rest of the key was skipped: the
// versions older than it were never listed, and one that had become
// current neither. The key is now listed again from its newest version
// (versions already listed may come again; S3 lists what follows a
// deleted marker, LocalStack #12259). A null version rewritten between
// the pages (a PUT or a DELETE while versioning is Suspended) is the
// key's newest: the page resumes after it, so the key's other versions
// all come (again), none skipped; ceph's and MinIO's listings resolve a
// marker to its version's place now, as here.
func TestOpen39NullMarkerNeverSkips(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	// k/v2, k/v1, k/null, k/v0, newest first.
	mk := func(key string) (v0, v1, v2 string) {
		setVersioning(t, e, "bkt", "Enabled")
		v0 = putString(t, e, "bkt", key, "0").VersionID
		setVersioning(t, e, "bkt", "Suspended")
		putString(t, e, "bkt", key, "null")
		setVersioning(t, e, "bkt", "Enabled")
		v1 = putString(t, e, "bkt", key, "1").VersionID
		v2 = putString(t, e, "bkt", key, "2").VersionID
		return
	}
	page1 := func(key string) {
		res, err := e.ListObjectVersions(ctx, "bkt", VersionListOptions{Prefix: key, MaxKeys: 3})
		require.NoError(t, err)
		require.True(t, res.IsTruncated)
		require.Equal(t, key, res.NextKeyMarker)
		require.Equal(t, NullVersionID, res.NextVersionIDMarker)
	}

	// The null version deleted between the pages.
	v0, v1, v2 := mk("a")
	page1("a")
	_, err := e.DeleteObjectVersion(ctx, "bkt", "a", DeleteOptions{VersionID: NullVersionID})
	require.NoError(t, err)
	require.Equal(t, []string{"a/" + v2 + "*", "a/" + v1, "a/" + v0},
		open39Versions(t, e, "bkt", "a", "a", NullVersionID), "v0 was never listed")

	// The null version current on page 1, deleted: the version that
	// became current follows.
	setVersioning(t, e, "bkt", "Enabled")
	c1 := putString(t, e, "bkt", "c", "1").VersionID
	setVersioning(t, e, "bkt", "Suspended")
	putString(t, e, "bkt", "c", "null")
	res, err := e.ListObjectVersions(ctx, "bkt", VersionListOptions{Prefix: "c", MaxKeys: 1})
	require.NoError(t, err)
	require.Equal(t, NullVersionID, res.NextVersionIDMarker)
	_, err = e.DeleteObjectVersion(ctx, "bkt", "c", DeleteOptions{VersionID: NullVersionID})
	require.NoError(t, err)
	require.Equal(t, []string{"c/" + c1 + "*"}, open39Versions(t, e, "bkt", "c", "c", NullVersionID))

	// Rewritten by a suspended PUT: the key's other versions all follow
	// the new null version (v2 and v1 again), v0 among them.
	v0, v1, v2 = mk("p")
	page1("p")
	setVersioning(t, e, "bkt", "Suspended")
	putString(t, e, "bkt", "p", "null2")
	require.Equal(t, []string{"p/" + v2, "p/" + v1, "p/" + v0},
		open39Versions(t, e, "bkt", "p", "p", NullVersionID))

	// Rewritten by a suspended DELETE (a null delete marker, the latest).
	v0, v1, v2 = mk("d")
	page1("d")
	setVersioning(t, e, "bkt", "Suspended")
	_, err = e.DeleteObjectVersion(ctx, "bkt", "d", DeleteOptions{})
	require.NoError(t, err)
	require.Equal(t, []string{"d/" + v2, "d/" + v1, "d/" + v0},
		open39Versions(t, e, "bkt", "d", "d", NullVersionID))

	// A marker "null" for a key that never had a null version lists the
	// key's versions (nothing there to resume after), and the next key
	// follows as before.
	setVersioning(t, e, "bkt", "Enabled")
	n1 := putString(t, e, "bkt", "n", "1").VersionID
	n2 := putString(t, e, "bkt", "n2", "1").VersionID
	require.Equal(t, []string{"n/" + n1 + "*", "n2/" + n2 + "*"}, open39Versions(t, e, "bkt", "n", "n", NullVersionID))
}

// TestOpen39DeleteForgetsTheSchedule: a key's x-sina-expire schedule
// names its object by version ID, ETag, time, owner and dialect. On a
// clock that has not moved, the same owner writing the same bytes at the
// key again after a delete makes an object the pin matches, and the old
// schedule deleted it when due: in an unversioned bucket (a DELETE, a
// DeleteObjects, a rename away) and in a suspended one (a null delete
// marker, a delete of the null version). A delete now drops the key's
// pointer, and the entry deletes nothing when due. A delete marker in an
// enabled bucket keeps it (the version is still there and may become
// current again; the pin names its version ID).
func TestOpen39DeleteForgetsTheSchedule(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock, opts.CompactInterval = clk, -1
	e := openTest(t, opts)
	put := func(bucket, key string) ObjectInfo {
		info, err := e.PutObject(ctx, bucket, key, strings.NewReader("same bytes"), 10, PutOptions{Owner: "alice", Dialect: DialectSina})
		require.NoError(t, err)
		return info
	}
	at := clk.Now().Add(time.Hour)
	schedule := func(bucket, key string) {
		require.NoError(t, e.ScheduleDeletion(ctx, bucket, key, put(bucket, key), at))
	}
	require.NoError(t, e.CreateBucket(ctx, "plain", BucketOptions{Owner: "alice"}))
	require.NoError(t, e.CreateBucket(ctx, "susp", BucketOptions{Owner: "alice"}))
	setVersioning(t, e, "susp", "Suspended")
	require.NoError(t, e.CreateBucket(ctx, "enabled", BucketOptions{Owner: "alice"}))
	setVersioning(t, e, "enabled", "Enabled")

	schedule("plain", "del")
	require.NoError(t, e.DeleteObject(ctx, "plain", "del", DeleteOptions{}))
	put("plain", "del")
	schedule("plain", "multi")
	_, err := e.DeleteObjects(ctx, "plain", []string{"multi"})
	require.NoError(t, err)
	put("plain", "multi")
	schedule("plain", "kept") // no delete: still carried out

	schedule("susp", "marker")
	_, err = e.DeleteObjectVersion(ctx, "susp", "marker", DeleteOptions{})
	require.NoError(t, err)
	put("susp", "marker")
	schedule("susp", "null")
	_, err = e.DeleteObjectVersion(ctx, "susp", "null", DeleteOptions{VersionID: NullVersionID})
	require.NoError(t, err)
	put("susp", "null")

	info := put("enabled", "v")
	require.NoError(t, e.ScheduleDeletion(ctx, "enabled", "v", info, at))
	res, err := e.DeleteObjectVersion(ctx, "enabled", "v", DeleteOptions{})
	require.NoError(t, err)
	_, err = e.DeleteObjectVersion(ctx, "enabled", "v", DeleteOptions{VersionID: res.DeleteMarkerVersionID})
	require.NoError(t, err) // the version is current again

	clk.Advance(2 * time.Hour)
	n, err := e.runScheduledDeletions(ctx, clk.Now())
	require.NoError(t, err)
	require.Equal(t, 2, n, "plain/kept and enabled/v")
	for _, bk := range [][2]string{{"plain", "del"}, {"plain", "multi"}, {"susp", "marker"}, {"susp", "null"}} {
		_, err := e.HeadObject(ctx, bk[0], bk[1])
		require.NoError(t, err, "%s/%s written after a delete is not the schedule's", bk[0], bk[1])
	}
	_, err = e.HeadObject(ctx, "plain", "kept")
	require.ErrorIs(t, err, ErrNoSuchKey)
	_, err = e.HeadObject(ctx, "enabled", "v")
	require.Error(t, err, "a delete marker now")
	for _, p := range []string{prefixExpiry, prefixExpiryOf} {
		empty, err := e.emptyRange([]byte(p))
		require.NoError(t, err)
		require.True(t, empty, "%s entries left", p)
	}
}
