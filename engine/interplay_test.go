package engine

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// Features that meet in the engine: versioning with retention (WORM),
// lifecycle, conditional batch deletes and encrypted copies by version.

func versionedTestEngine(t *testing.T) (*Engine, *fakeClock) {
	t.Helper()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	e := openTest(t, opts)
	ctx := context.Background()
	require.NoError(t, e.CreateBucket(ctx, "mix", BucketOptions{}))
	require.NoError(t, e.SetBucketConfig(ctx, "mix", &bucketconfig.Versioning{Status: "Enabled"}))
	return e, clk
}

func putMix(t *testing.T, e *Engine, key, body string, opts PutOptions) ObjectInfo {
	t.Helper()
	info, err := e.PutObject(context.Background(), "mix", key, bytes.NewReader([]byte(body)), int64(len(body)), opts)
	require.NoError(t, err)
	return info
}

// A retention policy protects every version: deleting one by its ID is
// refused while it is young, and works once it has aged.
func TestWormProtectsVersions(t *testing.T) {
	ctx := context.Background()
	e, clk := versionedTestEngine(t)
	v1 := putMix(t, e, "k", "one", PutOptions{})
	putMix(t, e, "k", "two", PutOptions{})
	w, err := e.InitiateBucketWorm(ctx, "mix", 1)
	require.NoError(t, err)
	require.NoError(t, e.CompleteBucketWorm(ctx, "mix", w.ID))

	_, err = e.DeleteObjectVersion(ctx, "mix", "k", DeleteOptions{VersionID: v1.VersionID})
	require.ErrorIs(t, err, ErrObjectImmutable)
	res, err := e.DeleteObjectVersions(ctx, "mix", []ObjectVersion{{Key: "k", VersionID: v1.VersionID}}, "")
	require.NoError(t, err)
	require.ErrorIs(t, res[0].Err, ErrObjectImmutable, "reported per key, not a failed call")
	// A delete marker removes nothing: allowed.
	del, err := e.DeleteObjectVersion(ctx, "mix", "k", DeleteOptions{})
	require.NoError(t, err)
	assert.True(t, del.DeleteMarker)

	clk.Advance(48 * time.Hour)
	_, err = e.DeleteObjectVersion(ctx, "mix", "k", DeleteOptions{VersionID: v1.VersionID})
	require.NoError(t, err)
	_, err = e.HeadObjectVersion(ctx, "mix", "k", v1.VersionID)
	require.ErrorIs(t, err, ErrNoSuchVersion)
}

// Lifecycle expiration in a versioned bucket writes a delete marker: the
// data stays as a noncurrent version, as in S3.
func TestLifecycleExpirationInAVersionedBucket(t *testing.T) {
	ctx := context.Background()
	e, clk := versionedTestEngine(t)
	v := putMix(t, e, "logs/a", "x", PutOptions{})
	require.NoError(t, e.SetBucketConfig(ctx, "mix", &bucketconfig.Lifecycle{Rules: []bucketconfig.LifecycleRule{
		{ID: "r", Enabled: true, Expiration: &bucketconfig.LifecycleExpiration{Days: 1}}}}))
	clk.Advance(72 * time.Hour)
	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, st.Expired)
	_, err = e.HeadObject(ctx, "mix", "logs/a")
	require.ErrorIs(t, err, ErrNoSuchKey)
	got, err := e.HeadObjectVersion(ctx, "mix", "logs/a", v.VersionID)
	require.NoError(t, err)
	assert.Equal(t, v.ETag, got.ETag)
	l, err := e.ListObjectVersions(ctx, "mix", VersionListOptions{})
	require.NoError(t, err)
	require.Len(t, l.Versions, 2)
	assert.True(t, l.Versions[0].DeleteMarker && l.Versions[0].IsLatest)
	st, err = e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, LifecycleStats{}, st, "a delete marker is not expired again")
}

// DeleteEntries (DeleteObjects with ETag conditions) writes delete
// markers in a versioned bucket and reports them.
func TestDeleteEntriesWriteMarkers(t *testing.T) {
	ctx := context.Background()
	e, _ := versionedTestEngine(t)
	v := putMix(t, e, "a", "1", PutOptions{})
	putMix(t, e, "b", "2", PutOptions{})
	res, err := e.DeleteEntries(ctx, "mix", []DeleteEntry{{Key: "a", IfMatch: v.ETag, Owner: "me"}, {Key: "b", IfMatch: "nope"}})
	require.NoError(t, err)
	require.NoError(t, res[0].Err)
	assert.True(t, res[0].DeleteMarker)
	assert.NotEmpty(t, res[0].DeleteMarkerVersionID)
	require.ErrorIs(t, res[1].Err, ErrPreconditionFailed)
	_, err = e.HeadObjectVersion(ctx, "mix", "a", v.VersionID)
	require.NoError(t, err, "the data is a noncurrent version")
	_, err = e.HeadObject(ctx, "mix", "b")
	require.NoError(t, err)
}

// A copy of an old version of an encrypted object copies that version.
func TestEncryptedCopyOfAVersion(t *testing.T) {
	ctx := context.Background()
	e, _ := versionedTestEngine(t)
	key := bytes.Repeat([]byte{7}, 32)
	enc := Encryption{Mode: EncryptCustomer, CustomerKey: key}
	v1 := putMix(t, e, "src", "first body", PutOptions{Encryption: enc})
	putMix(t, e, "src", "second body", PutOptions{Encryption: enc})
	_, err := e.CopyObject(ctx, "mix", "src", "mix", "dst", CopyOptions{SourceVersionID: v1.VersionID, SourceCustomerKey: key})
	require.NoError(t, err)
	got, _ := readAll(t, e, "mix", "dst", GetOptions{})
	assert.Equal(t, "first body", string(got))
}

// Noncurrent version expiration leaves a version under Object Lock alone
// (and fails nothing); it goes once its retention has passed.
func TestNoncurrentExpirationSkipsLockedVersions(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	e := openTest(t, opts)
	require.NoError(t, e.CreateBucket(ctx, "lock", BucketOptions{ObjectLock: true}))
	put := func(body string, o PutOptions) ObjectInfo {
		info, err := e.PutObject(ctx, "lock", "k", bytes.NewReader([]byte(body)), int64(len(body)), o)
		require.NoError(t, err)
		return info
	}
	v1 := put("1", PutOptions{Retention: Retention{Mode: RetentionCompliance, Until: clk.Now().Add(10 * 24 * time.Hour)}})
	put("2", PutOptions{})
	require.NoError(t, e.SetBucketConfig(ctx, "lock", &bucketconfig.Lifecycle{Rules: []bucketconfig.LifecycleRule{
		{ID: "nc", Enabled: true, NoncurrentExpiration: &bucketconfig.NoncurrentExpiration{Days: 1}}}}))
	clk.Advance(3 * 24 * time.Hour)
	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, 0, st.NoncurrentExpired)
	_, err = e.HeadObjectVersion(ctx, "lock", "k", v1.VersionID)
	require.NoError(t, err)
	clk.Advance(10 * 24 * time.Hour)
	st, err = e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, st.NoncurrentExpired)
}

// Events that happen later than their cause: a restore completes when
// its copy is readable (ObjectRestore:Completed), a replication delivery
// gives up (Replication:OperationFailedReplication).
func TestDeferredEvents(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	target := &flakyTarget{down: true, bodies: map[string][]byte{}}
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	opts.RestoreDelay = time.Minute
	opts.Replication = ReplicationOptions{Targets: map[string]ReplicationTarget{"arn:aws:s3:::remote": target}, Attempts: 2}
	e := openTest(t, opts)
	var got []string
	// Keys are form-encoded in events, as AWS writes them.
	cancel := e.Subscribe("", func(ev Event) { got = append(got, ev.EventName+" "+ev.S3.Object.Key) })
	defer cancel()

	require.NoError(t, e.CreateBucket(ctx, "cold", BucketOptions{}))
	_, err := e.PutObject(ctx, "cold", "a", bytes.NewReader([]byte("x")), 1, PutOptions{StorageClass: "Archive"})
	require.NoError(t, err)
	started, err := e.RestoreObject(ctx, "cold", "a", 1)
	require.NoError(t, err)
	require.True(t, started)
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	assert.Empty(t, got, "not readable yet")
	clk.Advance(2 * time.Minute)
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"ObjectRestore:Completed a"}, got)
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	assert.Len(t, got, 1, "once")

	got = nil
	versionedBuckets(t, e, "src")
	// Replication metrics on: S3 sends failure events only then.
	require.NoError(t, e.SetBucketConfig(ctx, "src", repl36Config("remote", false, false)))
	_, err = e.PutObject(ctx, "src", "docs/f", bytes.NewReader([]byte("f")), 1, PutOptions{})
	require.NoError(t, err)
	for range 3 {
		_, err = e.RunPending(ctx)
		require.NoError(t, err)
		clk.Advance(time.Hour)
	}
	assert.Contains(t, got, "Replication:OperationFailedReplication docs%2Ff")
	target.mu.Lock()
	target.down = false
	target.mu.Unlock()
	clk.Advance(2 * time.Hour)
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"Replication:OperationFailedReplication docs%2Ff"}, got,
		"S3 sends no event for a completed replication (thirty-sixth session)")
}

// IndexContent makes a multipart body findable by content; a relaxed
// copy shares its blobs and survives the source's deletion.
func TestIndexContentOfMultipart(t *testing.T) {
	ctx := context.Background()
	opts := testOptions()
	opts.CompactInterval = -1
	e := openTest(t, opts)
	require.NoError(t, e.CreateBucket(ctx, "mpb", BucketOptions{}))
	id, err := e.CreateMultipartUpload(ctx, "mpb", "big", PutOptions{})
	require.NoError(t, err)
	p1, p2 := bytes.Repeat([]byte("a"), 6000), []byte("tail")
	i1, err := e.UploadPart(ctx, "mpb", "big", id, 1, bytes.NewReader(p1), int64(len(p1)), PartOptions{})
	require.NoError(t, err)
	i2, err := e.UploadPart(ctx, "mpb", "big", id, 2, bytes.NewReader(p2), int64(len(p2)), PartOptions{})
	require.NoError(t, err)
	_, err = e.CompleteMultipartUpload(ctx, "mpb", "big", id, []CompletePart{{PartNumber: 1, ETag: i1.ETag}, {PartNumber: 2, ETag: i2.ETag}},
		CompleteOptions{MinPartSize: -1})
	require.NoError(t, err)
	whole := append(append([]byte{}, p1...), p2...)
	sum := sha1.Sum(whole)
	_, err = e.FindByContent(ctx, "", sum[:], int64(len(whole)))
	require.ErrorIs(t, err, ErrNoSuchContent, "not indexed by Complete itself")
	info, err := e.IndexContent(ctx, "mpb", "big")
	require.NoError(t, err)
	require.Equal(t, hex.EncodeToString(sum[:]), info.SHA1)
	c, err := e.FindByContent(ctx, "", sum[:], int64(len(whole)))
	require.NoError(t, err)
	require.Equal(t, md5hex(whole), c.ETag)
	cp, err := e.PutObjectByContent(ctx, "mpb", "copy", sum[:], int64(len(whole)), PutOptions{})
	require.NoError(t, err)
	require.Equal(t, md5hex(whole), cp.ETag)
	require.NoError(t, e.DeleteObject(ctx, "mpb", "big", DeleteOptions{}))
	got, _ := readAll(t, e, "mpb", "copy", GetOptions{})
	require.Equal(t, whole, got)
	_, err = e.FindByContent(ctx, "", sum[:], int64(len(whole)))
	require.NoError(t, err, "the copy holds the content and is named now")
	require.NoError(t, e.DeleteObject(ctx, "mpb", "copy", DeleteOptions{}))
	_, err = e.FindByContent(ctx, "", sum[:], int64(len(whole)))
	require.ErrorIs(t, err, ErrNoSuchContent)
}
