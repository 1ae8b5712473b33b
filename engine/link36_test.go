package engine

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestLink36ReadThroughLinkNamesItsTarget: a read through a symlink
// answers the link's owner, ACL and version with the target's body, and
// LinkTarget the target's own info as read with that body (its owner,
// ACL, writing dialect, ETag), on which httpapi decides the read of the
// target: GetObject (with a body, on a snapshot, and without), HeadObject,
// HeadObjectVersion and the Info of a ConditionError, RangeError and
// PartNumberError. A link's own record and a plain object have none.
func TestLink36ReadThroughLinkNamesItsTarget(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	setVersioning(t, e, "bkt", "Enabled")
	target, err := e.PutObject(ctx, "bkt", "t", strings.NewReader("the target"), 10,
		PutOptions{Owner: "writer", Dialect: DialectS3, ACL: ACL{Canned: "private"}})
	require.NoError(t, err)
	link, err := e.PutSymlink(ctx, "bkt", "l", "t", PutOptions{Owner: "owner", Dialect: DialectOSS, ACL: ACL{Canned: "public-read"}})
	require.NoError(t, err)
	check := func(what string, info ObjectInfo) {
		t.Helper()
		require.Equal(t, ObjectSymlink, info.Type, what)
		require.Equal(t, "owner", info.Owner, what)
		require.Equal(t, link.VersionID, info.VersionID, what)
		require.NotNil(t, info.LinkTarget, what)
		lt := info.LinkTarget
		require.Equal(t, "t", lt.Key, what)
		require.Equal(t, "writer", lt.Owner, what)
		require.Equal(t, DialectS3, lt.Dialect, what)
		require.Equal(t, "private", lt.ACL.Canned, what)
		require.Equal(t, target.VersionID, lt.VersionID, what)
		require.Equal(t, target.ETag, lt.ETag, what)
		require.True(t, target.LastModified.Equal(lt.LastModified), what)
		require.Nil(t, lt.LinkTarget, what)
	}
	for _, meta := range []bool{false, true} {
		o, err := e.GetObject(ctx, "bkt", "l", GetOptions{MetadataOnly: meta})
		require.NoError(t, err)
		if !meta {
			b, err := io.ReadAll(o)
			require.NoError(t, err)
			require.Equal(t, "the target", string(b))
		}
		check("GetObject", o.Info)
		require.NoError(t, o.Close())
	}
	info, err := e.HeadObject(ctx, "bkt", "l")
	require.NoError(t, err)
	check("HeadObject", info)
	info, err = e.HeadObjectVersion(ctx, "bkt", "l", link.VersionID)
	require.NoError(t, err)
	check("HeadObjectVersion", info)
	_, err = e.GetObject(ctx, "bkt", "l", GetOptions{Conditions: Conditions{IfNoneMatch: target.ETag}})
	var ce *ConditionError
	require.ErrorAs(t, err, &ce)
	check("ConditionError", ce.Info)
	_, err = e.GetObject(ctx, "bkt", "l", GetOptions{Range: &ByteRange{Start: 100, End: -1}})
	var re *RangeError
	require.ErrorAs(t, err, &re)
	require.Equal(t, int64(10), re.Size)
	check("RangeError", re.Info)
	_, err = e.GetObject(ctx, "bkt", "l", GetOptions{PartNumber: 2})
	var pe *PartNumberError
	require.ErrorAs(t, err, &pe)
	check("PartNumberError", pe.Info)

	own, err := e.GetSymlink(ctx, "bkt", "l")
	require.NoError(t, err)
	require.Nil(t, own.LinkTarget, "a link's own record")
	plain, err := e.HeadObject(ctx, "bkt", "t")
	require.NoError(t, err)
	require.Nil(t, plain.LinkTarget, "a plain object")
}
