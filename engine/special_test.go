package engine

import (
	"bytes"
	"context"
	"hash/crc64"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestAppendObject(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	var whole []byte
	pos := int64(0)
	for i, piece := range [][]byte{[]byte("hello "), bytes.Repeat([]byte("x"), 3*e.opts.ChunkSize+5), []byte("!"), nil} {
		res, err := e.AppendObject(ctx, "bkt", "log", pos, bytes.NewReader(piece), int64(len(piece)), PutOptions{Metadata: Metadata{ContentType: "text/plain"}})
		require.NoError(t, err, "append %d", i)
		whole = append(whole, piece...)
		pos = res.NextPosition
		require.Equal(t, int64(len(whole)), pos)
		require.Equal(t, crc64.Checksum(whole, crc64Table), res.Info.CRC64, "CRC64 combined after append %d", i)
		require.Equal(t, ObjectAppendable, res.Info.Type)
		require.Equal(t, "text/plain", res.Info.ContentType)
	}
	got, _ := readAll(t, e, "bkt", "log", GetOptions{})
	require.Equal(t, whole, got)
	r := ByteRange{Start: 3, End: 10}
	got, _ = readAll(t, e, "bkt", "log", GetOptions{Range: &r})
	require.Equal(t, whole[3:11], got)

	_, err := e.AppendObject(ctx, "bkt", "log", 5, strings.NewReader("y"), 1, PutOptions{})
	var pe *PositionError
	require.ErrorAs(t, err, &pe)
	require.ErrorIs(t, err, ErrPositionNotEqualToLength)
	require.Equal(t, int64(len(whole)), pe.Length)
	_, err = e.AppendObject(ctx, "bkt", "new", 3, strings.NewReader("y"), 1, PutOptions{})
	require.ErrorAs(t, err, &pe)
	require.Zero(t, pe.Length)
	put(t, e, "bkt", "normal", []byte("n"))
	_, err = e.AppendObject(ctx, "bkt", "normal", 1, strings.NewReader("y"), 1, PutOptions{})
	require.ErrorIs(t, err, ErrObjectNotAppendable)
	_, err = e.AppendObject(ctx, "bkt", "normal", 0, strings.NewReader("y"), 1, PutOptions{})
	require.ErrorIs(t, err, ErrObjectNotAppendable)
	_, err = e.AppendObject(ctx, "nope", "x", 0, strings.NewReader("y"), 1, PutOptions{})
	require.ErrorIs(t, err, ErrNoSuchBucket)

	// Put replaces an appendable object with a normal one; copies are normal.
	cp, err := e.CopyObject(ctx, "bkt", "log", "bkt", "copy", CopyOptions{})
	require.NoError(t, err)
	require.Equal(t, ObjectNormal, cp.Type)
	info := put(t, e, "bkt", "log", []byte("fresh"))
	require.Equal(t, ObjectNormal, info.Type)
	got, _ = readAll(t, e, "bkt", "copy", GetOptions{})
	require.Equal(t, whole, got)
	require.NoError(t, e.DeleteObject(ctx, "bkt", "copy", DeleteOptions{}))
	require.Zero(t, e.countBlobs(t))
}

func TestSymlink(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	clock := e.opts.Clock.(*fakeClock)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	link, err := e.PutSymlink(ctx, "bkt", "link", "target", PutOptions{Metadata: Metadata{ContentType: "link/type", User: map[string]string{"l": "1"}}})
	require.NoError(t, err)
	require.Equal(t, ObjectSymlink, link.Type)
	_, err = e.GetObject(ctx, "bkt", "link", GetOptions{})
	require.ErrorIs(t, err, ErrSymlinkTargetNotExist)
	clock.Advance(time.Hour)
	target := put(t, e, "bkt", "target", []byte("target body"))

	got, o := readAll(t, e, "bkt", "link", GetOptions{})
	require.Equal(t, "target body", string(got))
	require.Equal(t, target.ETag, o.Info.ETag)
	require.Equal(t, "link/type", o.Info.ContentType, "other headers come from the link")
	require.Equal(t, target.LastModified, o.Info.LastModified, "the later modification time wins")
	require.Equal(t, "target", o.Info.SymlinkTarget)
	head, err := e.HeadObject(ctx, "bkt", "link")
	require.NoError(t, err)
	require.Equal(t, int64(11), head.Size)
	require.Equal(t, map[string]string{"l": "1"}, head.User)

	own, err := e.GetSymlink(ctx, "bkt", "link")
	require.NoError(t, err)
	require.Equal(t, "target", own.SymlinkTarget)
	_, err = e.GetSymlink(ctx, "bkt", "target")
	require.ErrorIs(t, err, ErrNotSymlink)
	_, err = e.GetSymlink(ctx, "bkt", "missing")
	require.ErrorIs(t, err, ErrNoSuchKey)

	_, err = e.PutSymlink(ctx, "bkt", "link2", "link", PutOptions{})
	require.NoError(t, err)
	_, err = e.GetObject(ctx, "bkt", "link2", GetOptions{})
	require.ErrorIs(t, err, ErrInvalidTargetType)
	_, err = e.PutSymlink(ctx, "bkt", "link3", "", PutOptions{})
	require.ErrorIs(t, err, ErrInvalidKey)
	// Deleting a link leaves the target.
	require.NoError(t, e.DeleteObject(ctx, "bkt", "link", DeleteOptions{}))
	_, err = e.HeadObject(ctx, "bkt", "target")
	require.NoError(t, err)
}

func TestRestore(t *testing.T) {
	ctx := context.Background()
	opts := testOptions()
	opts.RestoreDelay = 10 * time.Minute
	e := openTest(t, opts)
	clock := e.opts.Clock.(*fakeClock)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	_, err := e.PutObject(ctx, "bkt", "cold", strings.NewReader("frozen"), 6, PutOptions{StorageClass: "Archive"})
	require.NoError(t, err)
	put(t, e, "bkt", "warm", []byte("w"))

	_, err = e.GetObject(ctx, "bkt", "cold", GetOptions{})
	require.ErrorIs(t, err, ErrInvalidObjectState)
	var ae *ArchivedError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, "Archive", ae.StorageClass)
	for _, dst := range []string{"copy", "cold"} {
		_, err = e.CopyObject(ctx, "bkt", "cold", "bkt", dst, CopyOptions{StorageClass: "STANDARD"})
		require.ErrorAs(t, err, &ae, "an unrestored archived source is not copied, not even onto itself")
	}
	head, err := e.HeadObject(ctx, "bkt", "cold")
	require.NoError(t, err, "head works on archived objects")
	require.Equal(t, "Archive", head.StorageClass)
	require.Nil(t, head.Restore)

	_, err = e.RestoreObject(ctx, "bkt", "warm", 1)
	require.ErrorIs(t, err, ErrInvalidObjectState)
	started, err := e.RestoreObject(ctx, "bkt", "cold", 2)
	require.NoError(t, err)
	require.True(t, started)
	_, err = e.RestoreObject(ctx, "bkt", "cold", 2)
	require.ErrorIs(t, err, ErrRestoreAlreadyInProgress)
	head, _ = e.HeadObject(ctx, "bkt", "cold")
	require.Equal(t, &RestoreStatus{Ongoing: true}, head.Restore)
	_, err = e.GetObject(ctx, "bkt", "cold", GetOptions{})
	require.ErrorIs(t, err, ErrInvalidObjectState, "not readable while restoring")

	clock.Advance(10 * time.Minute)
	head, _ = e.HeadObject(ctx, "bkt", "cold")
	require.Equal(t, &RestoreStatus{Expiry: clock.Now().Add(48 * time.Hour)}, head.Restore)
	got, _ := readAll(t, e, "bkt", "cold", GetOptions{})
	require.Equal(t, "frozen", string(got))
	started, err = e.RestoreObject(ctx, "bkt", "cold", 5)
	require.NoError(t, err)
	require.False(t, started, "restoring a restored object extends it")
	_, err = e.CopyObject(ctx, "bkt", "cold", "bkt", "copy", CopyOptions{})
	require.NoError(t, err, "a restored copy can be copied")
	_, err = e.GetObject(ctx, "bkt", "copy", GetOptions{})
	require.ErrorIs(t, err, ErrInvalidObjectState, "the copy is a new archived object, not a restored one")
	clock.Advance(5*24*time.Hour + time.Second)
	_, err = e.GetObject(ctx, "bkt", "cold", GetOptions{})
	require.ErrorIs(t, err, ErrInvalidObjectState, "the restored copy expired")
	head, _ = e.HeadObject(ctx, "bkt", "cold")
	require.Nil(t, head.Restore)

	// S3's copies expire at midnight UTC after Days.
	started, err = e.RestoreObjectWith(ctx, "bkt", "cold", RestoreOptions{Days: 1, ExpireAtMidnight: true})
	require.NoError(t, err)
	require.True(t, started)
	clock.Advance(10 * time.Minute)
	head, _ = e.HeadObject(ctx, "bkt", "cold")
	want := clock.Now().Add(24 * time.Hour).UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	require.Equal(t, &RestoreStatus{Expiry: want}, head.Restore)
	list, err := e.ListObjects(ctx, "bkt", ListOptions{Brief: true})
	require.NoError(t, err)
	require.Equal(t, "cold", list.Objects[0].Key)
	require.Equal(t, &RestoreStatus{Expiry: want}, list.Objects[0].Restore, "listings carry the restore state")
	require.Nil(t, list.Objects[1].Restore)
}

func TestBucketConfig(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	_, err := e.BucketConfig(ctx, "bkt", ConfigCORS)
	require.ErrorIs(t, err, ErrNoSuchConfig)
	require.NoError(t, e.PutBucketConfig(ctx, "bkt", ConfigCORS, []byte("<CORSConfiguration/>")))
	doc, err := e.BucketConfig(ctx, "bkt", ConfigCORS)
	require.NoError(t, err)
	require.Equal(t, "<CORSConfiguration/>", string(doc))
	require.ErrorIs(t, e.PutBucketConfig(ctx, "bkt", "bogus", nil), ErrInvalidArgument)
	require.ErrorIs(t, e.PutBucketConfig(ctx, "nope", ConfigCORS, nil), ErrNoSuchBucket)
	require.ErrorIs(t, e.PutBucketConfig(ctx, "bkt", ConfigPolicy, make([]byte, MaxConfigSize+1)), ErrEntityTooLarge)
	require.NoError(t, e.DeleteBucketConfig(ctx, "bkt", ConfigCORS))
	require.NoError(t, e.DeleteBucketConfig(ctx, "bkt", ConfigCORS))
	_, err = e.BucketConfig(ctx, "bkt", ConfigCORS)
	require.ErrorIs(t, err, ErrNoSuchConfig)
	// Configs do not survive their bucket.
	require.NoError(t, e.PutBucketConfig(ctx, "bkt", ConfigWebsite, []byte("w")))
	require.NoError(t, e.DeleteBucket(ctx, "bkt", DeleteBucketOptions{}))
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	_, err = e.BucketConfig(ctx, "bkt", ConfigWebsite)
	require.ErrorIs(t, err, ErrNoSuchConfig)
}
