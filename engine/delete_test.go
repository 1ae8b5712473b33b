package engine

import (
	"context"
	"testing"
	"time"

	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/stretchr/testify/require"
)

func TestDeleteObjectIfMatch(t *testing.T) {
	e := openTest(t, nil)
	ctx := context.Background()
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	info := put(t, e, "bkt", "k", []byte("v1"))

	err := e.DeleteObject(ctx, "bkt", "k", DeleteOptions{IfMatch: `"0123"`})
	require.ErrorIs(t, err, ErrPreconditionFailed)
	_, err = e.HeadObject(ctx, "bkt", "k")
	require.NoError(t, err, "a failed condition deletes nothing")

	require.NoError(t, e.DeleteObject(ctx, "bkt", "k", DeleteOptions{IfMatch: `"0123", "` + info.ETag + `"`}))
	_, err = e.HeadObject(ctx, "bkt", "k")
	require.ErrorIs(t, err, ErrNoSuchKey)

	// S3: If-Match on a missing key is 404 NoSuchKey, "*" included.
	require.ErrorIs(t, e.DeleteObject(ctx, "bkt", "k", DeleteOptions{IfMatch: "*"}), ErrNoSuchKey)
	require.NoError(t, e.DeleteObject(ctx, "bkt", "k", DeleteOptions{}), "unconditional: a missing key is fine")
	require.ErrorIs(t, e.DeleteObject(ctx, "nope", "k", DeleteOptions{IfMatch: "*"}), ErrNoSuchBucket)

	put(t, e, "bkt", "k", []byte("v2"))
	require.NoError(t, e.DeleteObject(ctx, "bkt", "k", DeleteOptions{IfMatch: "*"}))
	_, err = e.HeadObject(ctx, "bkt", "k")
	require.ErrorIs(t, err, ErrNoSuchKey)
}

// TestDeleteVersionIfMatch: IfMatch with a VersionID is checked against
// that version (not the latest) in the delete's own step; a mismatch, a
// delete marker or a missing version deletes nothing.
func TestDeleteVersionIfMatch(t *testing.T) {
	e := openTest(t, nil)
	ctx := context.Background()
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	setVersioning(t, e, "bkt", "Enabled")
	v1 := putString(t, e, "bkt", "k", "one")
	v2 := putString(t, e, "bkt", "k", "two")
	versions := func() []string {
		t.Helper()
		vl, err := e.ListObjectVersions(ctx, "bkt", VersionListOptions{})
		require.NoError(t, err)
		var ids []string
		for _, v := range vl.Versions {
			ids = append(ids, v.VersionID)
		}
		return ids
	}

	// The latest's ETag does not name v1.
	_, err := e.DeleteObjectVersion(ctx, "bkt", "k", DeleteOptions{VersionID: v1.VersionID, IfMatch: `"` + v2.ETag + `"`})
	require.ErrorIs(t, err, ErrPreconditionFailed)
	require.Equal(t, []string{v2.VersionID, v1.VersionID}, versions(), "a failed condition deletes nothing")

	res, err := e.DeleteObjectVersion(ctx, "bkt", "k", DeleteOptions{VersionID: v1.VersionID, IfMatch: `"0123", "` + v1.ETag + `"`})
	require.NoError(t, err)
	require.Equal(t, v1.VersionID, res.VersionID)
	require.Equal(t, []string{v2.VersionID}, versions())
	got, err := readVersion(t, e, "bkt", "k", "")
	require.NoError(t, err)
	require.Equal(t, "two", got, "the latest is untouched")

	// A missing version fails a condition, "*" included.
	_, err = e.DeleteObjectVersion(ctx, "bkt", "k", DeleteOptions{VersionID: v1.VersionID, IfMatch: "*"})
	require.ErrorIs(t, err, ErrNoSuchVersion)
	_, err = e.DeleteObjectVersion(ctx, "bkt", "k", DeleteOptions{VersionID: v1.VersionID})
	require.NoError(t, err, "unconditional: a missing version is fine")

	// A delete marker has no ETag: every condition fails.
	dm, err := e.DeleteObjectVersion(ctx, "bkt", "k", DeleteOptions{})
	require.NoError(t, err)
	for _, cond := range []string{"*", `""`, v2.ETag} {
		_, err = e.DeleteObjectVersion(ctx, "bkt", "k", DeleteOptions{VersionID: dm.DeleteMarkerVersionID, IfMatch: cond})
		require.ErrorIs(t, err, ErrPreconditionFailed, cond)
	}
	require.Equal(t, []string{dm.DeleteMarkerVersionID, v2.VersionID}, versions())

	// DeleteObjectVersions reports each entry's condition.
	out, err := e.DeleteObjectVersions(ctx, "bkt", []ObjectVersion{
		{Key: "k", VersionID: v2.VersionID, IfMatch: v1.ETag},
		{Key: "k", VersionID: dm.DeleteMarkerVersionID, IfMatch: "*"},
		{Key: "k", VersionID: v2.VersionID, IfMatch: v2.ETag},
		{Key: "k", VersionID: v2.VersionID, IfMatch: v2.ETag},
	}, "")
	require.NoError(t, err)
	require.Len(t, out, 4)
	require.ErrorIs(t, out[0].Err, ErrPreconditionFailed)
	require.ErrorIs(t, out[1].Err, ErrPreconditionFailed)
	require.NoError(t, out[2].Err)
	require.Equal(t, v2.VersionID, out[2].VersionID)
	require.ErrorIs(t, out[3].Err, ErrNoSuchVersion, "the repeat runs after the version is gone")
	require.Equal(t, []string{dm.DeleteMarkerVersionID}, versions())
}

// TestDeleteIfLastModifiedAndSize: S3 Express's delete conditions hold
// the delete back unless the object's modification time (to the second)
// and size match; a missing object passes them (no error, and in a
// versioned bucket the usual delete marker), unlike IfMatch.
func TestDeleteIfLastModifiedAndSize(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	info := put(t, e, "bkt", "k", []byte("four"))
	size, wrong := int64(4), int64(5)
	at := info.LastModified.Add(400 * time.Millisecond).Truncate(time.Second) // the second, as an HTTP date names it
	for _, o := range []DeleteOptions{{IfSize: &wrong}, {IfLastModified: at.Add(-time.Second)}, {IfSize: &size, IfLastModified: at.Add(time.Second)},
		{IfSize: &size, IfMatch: `"0123"`}} {
		require.ErrorIs(t, e.DeleteObject(ctx, "bkt", "k", o), ErrPreconditionFailed, "%+v", o)
	}
	_, err := e.HeadObject(ctx, "bkt", "k")
	require.NoError(t, err, "no failed condition deleted it")
	res, err := e.DeleteEntries(ctx, "bkt", []DeleteEntry{{Key: "k", IfSize: &wrong}, {Key: "gone", IfSize: &wrong}})
	require.NoError(t, err)
	require.ErrorIs(t, res[0].Err, ErrPreconditionFailed)
	require.NoError(t, res[1].Err, "a missing key passes the size condition")
	require.NoError(t, e.DeleteObject(ctx, "bkt", "k", DeleteOptions{IfSize: &size, IfLastModified: at, IfMatch: info.ETag}))
	_, err = e.HeadObject(ctx, "bkt", "k")
	require.ErrorIs(t, err, ErrNoSuchKey)
	require.NoError(t, e.DeleteObject(ctx, "bkt", "k", DeleteOptions{IfSize: &size}), "a missing object passes")

	// Versioned: the current object is judged; a missing one gets a marker.
	require.NoError(t, e.CreateBucket(ctx, "ver", BucketOptions{}))
	require.NoError(t, e.SetBucketConfig(ctx, "ver", &bucketconfig.Versioning{Status: "Enabled"}))
	put(t, e, "ver", "k", []byte("four"))
	_, err = e.DeleteObjectVersion(ctx, "ver", "k", DeleteOptions{IfSize: &wrong})
	require.ErrorIs(t, err, ErrPreconditionFailed)
	r, err := e.DeleteObjectVersion(ctx, "ver", "k", DeleteOptions{IfSize: &size})
	require.NoError(t, err)
	require.True(t, r.DeleteMarker)
	r, err = e.DeleteObjectVersion(ctx, "ver", "absent", DeleteOptions{IfSize: &size})
	require.NoError(t, err)
	require.True(t, r.DeleteMarker)
}
