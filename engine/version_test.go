package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func setVersioning(t testing.TB, e *Engine, bucket, status string) {
	t.Helper()
	require.NoError(t, e.SetBucketConfig(context.Background(), bucket, &bucketconfig.Versioning{Status: status}))
}

func putString(t testing.TB, e *Engine, bucket, key, body string) ObjectInfo {
	t.Helper()
	info, err := e.PutObject(context.Background(), bucket, key, strings.NewReader(body), int64(len(body)), PutOptions{})
	require.NoError(t, err)
	return info
}

func readVersion(t testing.TB, e *Engine, bucket, key, vid string) (string, error) {
	t.Helper()
	o, err := e.GetObject(context.Background(), bucket, key, GetOptions{VersionID: vid})
	if err != nil {
		return "", err
	}
	defer o.Close()
	b, err := io.ReadAll(o)
	require.NoError(t, err)
	return string(b), nil
}

func TestVersionIDs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var prev stamp
	for range 2000 {
		var s stamp
		for i := range s {
			s[i] = byte(rng.Uint32())
		}
		if rng.IntN(4) == 0 {
			s = prev.next()
		}
		id := s.id()
		require.Len(t, id, versionIDLen)
		back, err := parseVersionID(id)
		require.NoError(t, err)
		require.Equal(t, s, back)
		require.Equal(t, s.less(prev), id < prev.id(), "IDs sort like stamps")
		prev = s
	}
	for _, bad := range []string{"", "null!", "abc", strings.Repeat("!", 16), strings.Repeat("a", 17)} {
		assert.False(t, ValidVersionID(bad), bad)
	}
	assert.True(t, ValidVersionID(NullVersionID))
}

func TestVersioningBasics(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	// Written while unversioned: the null version.
	n := putString(t, e, "bkt", "k", "null")
	assert.Empty(t, n.VersionID)
	setVersioning(t, e, "bkt", "Enabled")
	bi, err := e.Bucket(ctx, "bkt")
	require.NoError(t, err)
	assert.Equal(t, VersioningEnabled, bi.Versioning)

	v1 := putString(t, e, "bkt", "k", "one")
	v2 := putString(t, e, "bkt", "k", "two")
	require.NotEmpty(t, v1.VersionID)
	require.Greater(t, v2.VersionID, v1.VersionID)
	for vid, want := range map[string]string{"": "two", v1.VersionID: "one", v2.VersionID: "two", NullVersionID: "null"} {
		got, err := readVersion(t, e, "bkt", "k", vid)
		require.NoError(t, err, vid)
		assert.Equal(t, want, got, vid)
	}
	_, err = readVersion(t, e, "bkt", "k", "0123456789abcdef")
	assert.ErrorIs(t, err, ErrNoSuchVersion)
	_, err = readVersion(t, e, "bkt", "k", "bogus")
	assert.ErrorIs(t, err, ErrInvalidVersionID)

	// A delete makes a marker; the key reads as missing.
	res, err := e.DeleteObjectVersion(ctx, "bkt", "k", DeleteOptions{})
	require.NoError(t, err)
	assert.True(t, res.DeleteMarker)
	_, err = e.HeadObject(ctx, "bkt", "k")
	var dm *DeleteMarkerError
	require.True(t, errors.As(err, &dm), "%v", err)
	assert.ErrorIs(t, err, ErrNoSuchKey)
	assert.Equal(t, res.DeleteMarkerVersionID, dm.VersionID)
	_, err = e.HeadObjectVersion(ctx, "bkt", "k", dm.VersionID)
	assert.ErrorIs(t, err, ErrVersionIsDeleteMarker)
	lr, err := e.ListObjects(ctx, "bkt", ListOptions{})
	require.NoError(t, err)
	assert.Empty(t, lr.Objects)

	vl, err := e.ListObjectVersions(ctx, "bkt", VersionListOptions{})
	require.NoError(t, err)
	require.Len(t, vl.Versions, 4)
	assert.True(t, vl.Versions[0].DeleteMarker)
	assert.True(t, vl.Versions[0].IsLatest)
	assert.Equal(t, v2.VersionID, vl.Versions[1].VersionID)
	assert.False(t, vl.Versions[1].IsLatest)
	assert.Equal(t, v1.VersionID, vl.Versions[2].VersionID)
	assert.Equal(t, "", vl.Versions[3].VersionID)

	// The bucket is not empty while versions remain.
	assert.ErrorIs(t, e.DeleteBucket(ctx, "bkt", DeleteBucketOptions{}), ErrBucketNotEmpty)

	// Removing the marker undeletes.
	res, err = e.DeleteObjectVersion(ctx, "bkt", "k", DeleteOptions{VersionID: dm.VersionID})
	require.NoError(t, err)
	assert.True(t, res.DeleteMarker)
	got, err := readVersion(t, e, "bkt", "k", "")
	require.NoError(t, err)
	assert.Equal(t, "two", got)

	// Removing the current version makes the previous one current.
	_, err = e.DeleteObjectVersion(ctx, "bkt", "k", DeleteOptions{VersionID: v2.VersionID})
	require.NoError(t, err)
	info, err := e.HeadObject(ctx, "bkt", "k")
	require.NoError(t, err)
	assert.Equal(t, v1.VersionID, info.VersionID)

	// Suspended: writes replace the null version.
	setVersioning(t, e, "bkt", "Suspended")
	s1 := putString(t, e, "bkt", "k", "s1")
	assert.Empty(t, s1.VersionID)
	putString(t, e, "bkt", "k", "s2")
	vl, err = e.ListObjectVersions(ctx, "bkt", VersionListOptions{})
	require.NoError(t, err)
	require.Len(t, vl.Versions, 2, "%+v", vl.Versions)
	assert.Equal(t, "", vl.Versions[0].VersionID)
	assert.Equal(t, v1.VersionID, vl.Versions[1].VersionID)
	res, err = e.DeleteObjectVersion(ctx, "bkt", "k", DeleteOptions{})
	require.NoError(t, err)
	assert.Equal(t, NullVersionID, res.DeleteMarkerVersionID)
	vl, err = e.ListObjectVersions(ctx, "bkt", VersionListOptions{})
	require.NoError(t, err)
	require.Len(t, vl.Versions, 2)
	assert.True(t, vl.Versions[0].DeleteMarker)

	// Purge: delete every version, then the bucket.
	for _, v := range vl.Versions {
		_, err := e.DeleteObjectVersion(ctx, "bkt", v.Key, DeleteOptions{VersionID: versionOrNull(v.VersionID)})
		require.NoError(t, err)
	}
	require.NoError(t, e.DeleteBucket(ctx, "bkt", DeleteBucketOptions{}))
	e.audit(t)
}

// TestListVersionsSeeksPastPrefixes checks that a delimiter listing of
// versions costs a step per common prefix, however many versions and
// delete markers sit under it.
func TestListVersionsSeeksPastPrefixes(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	setVersioning(t, e, "bkt", "Enabled")
	for p := range 5 {
		for k := range 20 {
			key := fmt.Sprintf("p%d/k%02d", p, k)
			putString(t, e, "bkt", key, "a")
			putString(t, e, "bkt", key, "b")
			if k%2 == 0 {
				_, err := e.DeleteObjectVersion(ctx, "bkt", key, DeleteOptions{})
				require.NoError(t, err)
			}
		}
	}
	before := e.listSteps.Load()
	res, err := e.ListObjectVersions(ctx, "bkt", VersionListOptions{Delimiter: "/"})
	require.NoError(t, err)
	require.Equal(t, []string{"p0/", "p1/", "p2/", "p3/", "p4/"}, res.CommonPrefixes)
	require.LessOrEqual(t, e.listSteps.Load()-before, int64(5), "one step per common prefix")
	// And the versions under one prefix page correctly.
	res, err = e.ListObjectVersions(ctx, "bkt", VersionListOptions{Prefix: "p1/", MaxKeys: 7})
	require.NoError(t, err)
	require.Len(t, res.Versions, 7)
	require.True(t, res.IsTruncated)
	require.Equal(t, "p1/k00", res.Versions[0].Key)
	require.True(t, res.Versions[0].DeleteMarker && res.Versions[0].IsLatest)
}

// TestListVersionsResumesBySeek: a page that resumes inside a key (a
// version-id marker) seeks to the marker's version instead of stepping
// over every newer version of the key, so its cost does not grow with
// how many versions the key has; pages still join up to the whole
// listing.
func TestListVersionsResumesBySeek(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	setVersioning(t, e, "bkt", "Enabled")
	const n = 2000
	for i := range n {
		putString(t, e, "bkt", "hot", strconv.Itoa(i))
		if i%500 == 0 {
			_, err := e.DeleteObjectVersion(ctx, "bkt", "hot", DeleteOptions{})
			require.NoError(t, err)
		}
	}
	putString(t, e, "bkt", "next", "x")
	all, err := e.ListObjectVersions(ctx, "bkt", VersionListOptions{})
	require.NoError(t, err)
	require.True(t, all.IsTruncated)
	old := all.Versions[990]
	before := e.listSteps.Load()
	res, err := e.ListObjectVersions(ctx, "bkt", VersionListOptions{KeyMarker: "hot", VersionIDMarker: old.VersionID, MaxKeys: 5})
	require.NoError(t, err)
	require.Equal(t, all.Versions[991:996], res.Versions)
	require.LessOrEqual(t, e.listSteps.Load()-before, int64(10), "a page of 5 after an old version")

	var paged []ObjectInfo
	opts := VersionListOptions{MaxKeys: 300}
	for {
		page, err := e.ListObjectVersions(ctx, "bkt", opts)
		require.NoError(t, err)
		paged = append(paged, page.Versions...)
		if !page.IsTruncated {
			break
		}
		opts.KeyMarker, opts.VersionIDMarker = page.NextKeyMarker, page.NextVersionIDMarker
	}
	require.Len(t, paged, n+n/500+1)
	require.Equal(t, all.Versions, paged[:len(all.Versions)])
	require.Equal(t, "next", paged[len(paged)-1].Key)
}

// TestListVersionsAfterDeletedMarker: a VersionIDMarker whose version is
// gone resumes after its place among the key's versions; when the newer
// versions went too, the version now current follows it (S3, LocalStack's
// AWS-recorded test_list_objects_versions_with_prefix_only_and_pagination).
func TestListVersionsAfterDeletedMarker(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	setVersioning(t, e, "bkt", "Enabled")
	var ids []string // newest first
	for i := range 5 {
		ids = append([]string{putString(t, e, "bkt", "k", strconv.Itoa(i)).VersionID}, ids...)
	}
	for _, id := range ids[:3] {
		_, err := e.DeleteObjectVersion(ctx, "bkt", "k", DeleteOptions{VersionID: id})
		require.NoError(t, err)
	}
	res, err := e.ListObjectVersions(ctx, "bkt", VersionListOptions{KeyMarker: "k", VersionIDMarker: ids[2]})
	require.NoError(t, err)
	require.Len(t, res.Versions, 2)
	assert.Equal(t, ids[3], res.Versions[0].VersionID)
	assert.True(t, res.Versions[0].IsLatest)
	assert.Equal(t, ids[4], res.Versions[1].VersionID)
	// A marker newer than every version left: the same two.
	res, err = e.ListObjectVersions(ctx, "bkt", VersionListOptions{KeyMarker: "k", VersionIDMarker: ids[0]})
	require.NoError(t, err)
	require.Len(t, res.Versions, 2)
	// Older than the current one: only what follows it.
	res, err = e.ListObjectVersions(ctx, "bkt", VersionListOptions{KeyMarker: "k", VersionIDMarker: ids[3]})
	require.NoError(t, err)
	require.Len(t, res.Versions, 1)
	assert.Equal(t, ids[4], res.Versions[0].VersionID)
}
