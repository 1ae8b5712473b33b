package conformance

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// Versioner is implemented by subjects that serve object versioning. The
// suite's versioning case is skipped for subjects without it.
//
// Normalisation: version IDs are opaque strings; the null version is
// "null" wherever a versioned bucket names it, and "" is returned by
// PutVersion in a bucket that was never versioned.
type Versioner interface {
	// SetVersioning enables (true) or suspends (false) versioning.
	SetVersioning(ctx context.Context, bucket string, enabled bool) error
	// VersioningStatus is "", "Enabled" or "Suspended".
	VersioningStatus(ctx context.Context, bucket string) (string, error)
	// PutVersion stores body under key and returns the version ID made.
	PutVersion(ctx context.Context, bucket, key string, body []byte) (versionID string, err error)
	// GetVersion reads a version ("": the latest).
	GetVersion(ctx context.Context, bucket, key, versionID string) ([]byte, error)
	// CopyVersion copies srcKey's version srcVersionID ("": the latest)
	// to key in the same bucket and returns the new version ID.
	CopyVersion(ctx context.Context, bucket, key, srcKey, srcVersionID string) (versionID string, err error)
	// DeleteVersion deletes a version ("": makes a delete marker).
	DeleteVersion(ctx context.Context, bucket, key, versionID string) (VersionDeleted, error)
	// ListVersions lists one page of versions and delete markers.
	ListVersions(ctx context.Context, bucket string, opts VersionListOptions) (VersionPage, error)
}

// VersionDeleted is what a delete did: the version it removed or the
// delete marker it made (VersionID), and whether that is a marker.
type VersionDeleted struct {
	VersionID    string
	DeleteMarker bool
}

// VersionListOptions are the inputs of ListVersions.
type VersionListOptions struct {
	Prefix, Delimiter          string
	KeyMarker, VersionIDMarker string
	MaxKeys                    int
}

// VersionPage is one page of ListVersions. Subjects whose client keeps
// versions and delete markers apart return them in any order within the
// page; the suite compares pages as sets.
type VersionPage struct {
	Versions                           []Version
	CommonPrefixes                     []string
	IsTruncated                        bool
	NextKeyMarker, NextVersionIDMarker string
}

// Version is one entry of a version listing.
type Version struct {
	Key, VersionID         string
	IsLatest, DeleteMarker bool
}

func init() {
	cases = append(cases, testCase{"Versioning", testVersioning})
}

// listVersionsAll pages through every version with pages of max entries.
func listVersionsAll(t *testing.T, v Versioner, opts VersionListOptions) ([]Version, []string) {
	t.Helper()
	var vs []Version
	var cps []string
	for range 100 {
		page, err := v.ListVersions(context.Background(), bkt, opts)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page.Versions)+len(page.CommonPrefixes), opts.MaxKeys)
		vs = append(vs, page.Versions...)
		cps = append(cps, page.CommonPrefixes...)
		if !page.IsTruncated {
			return vs, cps
		}
		opts.KeyMarker, opts.VersionIDMarker = page.NextKeyMarker, page.NextVersionIDMarker
	}
	t.Fatal("listing does not end")
	return nil, nil
}

func testVersioning(t *testing.T, s Subject) {
	v, ok := s.(Versioner)
	if !ok {
		t.Skip("the subject does not serve versioning")
	}
	ctx := context.Background()
	mustBucket(t, s, bkt)
	st, err := v.VersioningStatus(ctx, bkt)
	require.NoError(t, err)
	require.Empty(t, st)
	id, err := v.PutVersion(ctx, bkt, "k", []byte("null body"))
	require.NoError(t, err)
	require.Empty(t, id, "no version in an unversioned bucket")

	require.NoError(t, v.SetVersioning(ctx, bkt, true))
	st, err = v.VersioningStatus(ctx, bkt)
	require.NoError(t, err)
	require.Equal(t, "Enabled", st)
	id1, err := v.PutVersion(ctx, bkt, "k", []byte("one"))
	require.NoError(t, err)
	id2, err := v.PutVersion(ctx, bkt, "k", []byte("two"))
	require.NoError(t, err)
	require.NotEmpty(t, id1)
	require.NotEqual(t, "null", id1)
	require.NotEqual(t, id1, id2)
	for vid, want := range map[string]string{"": "two", id1: "one", id2: "two", "null": "null body"} {
		got, err := v.GetVersion(ctx, bkt, "k", vid)
		require.NoError(t, err, vid)
		require.Equal(t, want, string(got), vid)
	}
	_, err = v.GetVersion(ctx, bkt, "k", "-----0123456789a")
	requireCode(t, s, err, "NoSuchVersion")
	_, err = v.GetVersion(ctx, bkt, "k", "not/a version")
	requireCode(t, s, err, "InvalidArgument")

	idc, err := v.CopyVersion(ctx, bkt, "c", "k", id1)
	require.NoError(t, err)
	got, err := v.GetVersion(ctx, bkt, "c", "")
	require.NoError(t, err)
	require.Equal(t, "one", string(got))

	del, err := v.DeleteVersion(ctx, bkt, "k", "")
	require.NoError(t, err)
	require.True(t, del.DeleteMarker)
	marker := del.VersionID
	require.NotEmpty(t, marker)
	_, err = v.GetVersion(ctx, bkt, "k", "")
	requireCode(t, s, err, "NoSuchKey")
	_, err = v.GetVersion(ctx, bkt, "k", marker)
	requireCode(t, s, err, "MethodNotAllowed")
	_, err = v.PutVersion(ctx, bkt, "d/x", []byte("x"))
	require.NoError(t, err)

	all, cps := listVersionsAll(t, v, VersionListOptions{MaxKeys: 2, Delimiter: "/"})
	require.ElementsMatch(t, []Version{
		{Key: "c", VersionID: idc, IsLatest: true},
		{Key: "k", VersionID: marker, IsLatest: true, DeleteMarker: true},
		{Key: "k", VersionID: id2},
		{Key: "k", VersionID: id1},
		{Key: "k", VersionID: "null"},
	}, all)
	require.Equal(t, []string{"d/"}, cps)

	// Versions and markers keep the bucket.
	requireCode(t, s, s.DeleteBucket(ctx, bkt), "BucketNotEmpty")

	// Removing the marker undeletes.
	del, err = v.DeleteVersion(ctx, bkt, "k", marker)
	require.NoError(t, err)
	require.True(t, del.DeleteMarker)
	got, err = v.GetVersion(ctx, bkt, "k", "")
	require.NoError(t, err)
	require.Equal(t, "two", string(got))

	// Suspended: writes replace the null version.
	require.NoError(t, v.SetVersioning(ctx, bkt, false))
	st, err = v.VersioningStatus(ctx, bkt)
	require.NoError(t, err)
	require.Equal(t, "Suspended", st)
	id, err = v.PutVersion(ctx, bkt, "k", []byte("suspended"))
	require.NoError(t, err)
	if s.Caps().NullVersionWriteUnnamed {
		require.Empty(t, id)
	} else {
		require.Equal(t, "null", id)
	}
	all, _ = listVersionsAll(t, v, VersionListOptions{MaxKeys: 1000, Prefix: "k"})
	require.ElementsMatch(t, []Version{
		{Key: "k", VersionID: "null", IsLatest: true},
		{Key: "k", VersionID: id2},
		{Key: "k", VersionID: id1},
	}, all)
	// A suspended delete replaces the null version with a null delete
	// marker; deleting version "null" removes the marker, and the newest
	// remaining version is the object again.
	del, err = v.DeleteVersion(ctx, bkt, "k", "")
	require.NoError(t, err)
	require.True(t, del.DeleteMarker)
	_, err = v.GetVersion(ctx, bkt, "k", "null")
	requireCode(t, s, err, "MethodNotAllowed")
	del, err = v.DeleteVersion(ctx, bkt, "k", "null")
	require.NoError(t, err)
	require.True(t, del.DeleteMarker)
	got, err = v.GetVersion(ctx, bkt, "k", "")
	require.NoError(t, err)
	require.Equal(t, "two", string(got))
	_, err = v.GetVersion(ctx, bkt, "k", "null")
	requireCode(t, s, err, "NoSuchVersion")

	// Purge: delete every version; then the bucket can go.
	all, _ = listVersionsAll(t, v, VersionListOptions{MaxKeys: 3})
	for _, x := range all {
		_, err := v.DeleteVersion(ctx, bkt, x.Key, x.VersionID)
		require.NoError(t, err)
	}
	all, _ = listVersionsAll(t, v, VersionListOptions{MaxKeys: 3})
	require.Empty(t, all)
	require.NoError(t, s.DeleteBucket(ctx, bkt))
}
