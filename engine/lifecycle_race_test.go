package engine

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// Noncurrent version rules act on what a pass listed; a client that
// deletes the latest version by its ID between the listing and the
// action makes the listed version current again. S3 applies
// NoncurrentVersionExpiration and NoncurrentVersionTransitions to
// noncurrent versions only: the version the client just restored, or a
// delete marker that became the latest, must stay as they are.

// lifecycleVersions lists bucket "mix"'s versions of key, newest first.
func lifecycleVersions(t *testing.T, e *Engine, key string) []ObjectInfo {
	t.Helper()
	l, err := e.ListObjectVersions(context.Background(), "mix", VersionListOptions{Prefix: key})
	require.NoError(t, err)
	return l.Versions
}

func TestNoncurrentRulesSkipVersionsMadeLatest(t *testing.T) {
	ctx := context.Background()
	e, clk := versionedTestEngine(t)

	// An object version: the pass lists v1 noncurrent, then the client
	// deletes v2 by ID (an "undo").
	putMix(t, e, "obj", "one", PutOptions{})
	v2 := putMix(t, e, "obj", "two", PutOptions{})
	clk.Advance(72 * time.Hour)
	listed := lifecycleVersions(t, e, "obj")
	require.Len(t, listed, 2)
	_, err := e.DeleteObjectVersion(ctx, "mix", "obj", DeleteOptions{VersionID: v2.VersionID})
	require.NoError(t, err)
	err = e.removeVersionByLifecycle(ctx, "mix", listed[1], true, clk.Now())
	require.ErrorIs(t, err, ErrPreconditionFailed)
	b, _ := readAll(t, e, "mix", "obj", GetOptions{})
	assert.Equal(t, "one", string(b), "the restored version is current, not expired")

	// The same for a noncurrent transition (to an archive class, which
	// would make the current object unreadable).
	putMix(t, e, "tr", "one", PutOptions{})
	t2 := putMix(t, e, "tr", "two", PutOptions{})
	clk.Advance(72 * time.Hour)
	listed = lifecycleVersions(t, e, "tr")
	_, err = e.DeleteObjectVersion(ctx, "mix", "tr", DeleteOptions{VersionID: t2.VersionID})
	require.NoError(t, err)
	err = e.transitionVersion(ctx, "mix", listed[1], "GLACIER", clk.Now())
	require.ErrorIs(t, err, ErrPreconditionFailed)
	b, o := readAll(t, e, "mix", "tr", GetOptions{})
	assert.Equal(t, "one", string(b))
	assert.Empty(t, o.Info.StorageClass, "still the default class")

	// A delete marker that becomes the latest: removing it would bring
	// the older version back.
	putMix(t, e, "mk", "one", PutOptions{})
	_, err = e.DeleteObjectVersion(ctx, "mix", "mk", DeleteOptions{})
	require.NoError(t, err)
	m3 := putMix(t, e, "mk", "three", PutOptions{})
	clk.Advance(72 * time.Hour)
	listed = lifecycleVersions(t, e, "mk")
	require.True(t, listed[1].DeleteMarker)
	_, err = e.DeleteObjectVersion(ctx, "mix", "mk", DeleteOptions{VersionID: m3.VersionID})
	require.NoError(t, err)
	err = e.removeVersionByLifecycle(ctx, "mix", listed[1], true, clk.Now())
	require.ErrorIs(t, err, ErrPreconditionFailed)
	_, err = e.HeadObject(ctx, "mix", "mk")
	require.ErrorIs(t, err, ErrNoSuchKey, "the key stays deleted")

	// The null version replaced under the same ID since the listing: the
	// new one became noncurrent only now.
	putMix(t, e, "nv", "one", PutOptions{})
	suspend := func(status string) {
		require.NoError(t, e.SetBucketConfig(ctx, "mix", &bucketconfig.Versioning{Status: status}))
	}
	suspend("Suspended")
	putMix(t, e, "nv", "null-1", PutOptions{})
	suspend("Enabled")
	putMix(t, e, "nv", "two", PutOptions{})
	clk.Advance(72 * time.Hour)
	listed = lifecycleVersions(t, e, "nv")
	require.Equal(t, "", listed[1].VersionID)
	suspend("Suspended")
	putMix(t, e, "nv", "null-2", PutOptions{})
	suspend("Enabled")
	putMix(t, e, "nv", "three", PutOptions{})
	err = e.removeVersionByLifecycle(ctx, "mix", listed[1], true, clk.Now())
	require.ErrorIs(t, err, ErrPreconditionFailed)
	b, _ = readAll(t, e, "mix", "nv", GetOptions{VersionID: NullVersionID})
	assert.Equal(t, "null-2", string(b))
}

// A lifecycle pass racing clients that delete each key's latest version:
// a version that was current at any moment after the listing (the
// client saw it current) is never expired by the noncurrent rule.
func TestNoncurrentExpirationRacingUndo(t *testing.T) {
	ctx := context.Background()
	e, clk := versionedTestEngine(t)
	require.NoError(t, e.SetBucketConfig(ctx, "mix", &bucketconfig.Lifecycle{Rules: []bucketconfig.LifecycleRule{
		{ID: "nc", Enabled: true, NoncurrentExpiration: &bucketconfig.NoncurrentExpiration{Days: 1}}}}))
	rounds, keys := 8, 40
	if testing.Short() {
		rounds = 3
	}
	for r := range rounds {
		latest := make([]ObjectInfo, keys)
		for i := range keys {
			k := fmt.Sprintf("r%d/k%03d", r, i)
			putMix(t, e, k, "old", PutOptions{})
			latest[i] = putMix(t, e, k, "new", PutOptions{})
		}
		clk.Advance(72 * time.Hour)
		restored := make([]bool, keys) // the client saw "old" current again
		var wg sync.WaitGroup
		start := make(chan struct{})
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			_, err := e.RunPending(ctx)
			assert.NoError(t, err)
		}()
		go func() {
			defer wg.Done()
			<-start
			for i := keys - 1; i >= 0; i-- { // against the pass's order
				v := latest[i]
				if _, err := e.DeleteObjectVersion(ctx, "mix", v.Key, DeleteOptions{VersionID: v.VersionID}); !assert.NoError(t, err) {
					return
				}
				if _, err := e.HeadObject(ctx, "mix", v.Key); err == nil {
					restored[i] = true
				}
			}
		}()
		close(start)
		wg.Wait()
		for i := range keys {
			if !restored[i] {
				continue // expired while noncurrent, before the undo
			}
			_, err := e.HeadObject(ctx, "mix", latest[i].Key)
			assert.NoError(t, err, "%s: the noncurrent rule expired the current version", latest[i].Key)
		}
	}
}

// Moves decided by last access (Intelligent-Tiering's archive tiers, a
// lifecycle transition with AccessTime) act on what a pass listed: a read
// recorded between the listing and the move puts the move off, as it
// would have before the listing, instead of archiving the object just
// read and writing the listed (older) access time back over the read.
func TestAccessMovesSkipObjectsReadSinceListing(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock, opts.CompactInterval = clk, -1
	e := openTest(t, opts)
	day := e.opts.LifecycleDay
	body := bytes.Repeat([]byte("t"), bucketconfig.MinTieringSize)

	// Intelligent-Tiering.
	require.NoError(t, e.CreateBucket(ctx, "itb", BucketOptions{}))
	_, err := e.PutObject(ctx, "itb", "k", bytes.NewReader(body), int64(len(body)), PutOptions{StorageClass: IntelligentTieringClass})
	require.NoError(t, err)
	require.NoError(t, e.SetBucketConfig(ctx, "itb", &bucketconfig.IntelligentTiering{Configurations: []bucketconfig.TieringConfiguration{
		{ID: "all", Enabled: true, Tierings: []bucketconfig.Tiering{{AccessTier: bucketconfig.ArchiveAccess, Days: 90}}}}}))
	clk.Advance(100 * day)
	l, err := e.ListObjectVersions(ctx, "itb", VersionListOptions{})
	require.NoError(t, err)
	require.Len(t, l.Versions, 1)
	require.NoError(t, e.TouchObject(ctx, "itb", "k", ""))
	read := clk.Now()
	require.ErrorIs(t, e.setAccessTier(ctx, "itb", l.Versions[0], bucketconfig.ArchiveAccess, nil), ErrPreconditionFailed)
	info := mustHead(t, e, "itb", "k")
	assert.Empty(t, info.AccessTier, "read just now: not archived")
	assert.Equal(t, read, info.LastAccess, "the recorded read stays")

	// A lifecycle transition by last access.
	require.NoError(t, e.CreateBucket(ctx, "acc", BucketOptions{}))
	_, err = e.PutObject(ctx, "acc", "k", bytes.NewReader(body), int64(len(body)), PutOptions{})
	require.NoError(t, err)
	require.NoError(t, e.SetBucketConfig(ctx, "acc", &bucketconfig.AccessMonitor{Since: clk.Now()}))
	clk.Advance(5 * day)
	listed := mustHead(t, e, "acc", "k")
	require.NoError(t, e.TouchObject(ctx, "acc", "k", ""))
	require.ErrorIs(t, e.transitionObject(ctx, listed, "Archive", clk.Now()), ErrPreconditionFailed)
	info = mustHead(t, e, "acc", "k")
	assert.Empty(t, info.StorageClass, "read just now: not archived")
	assert.Equal(t, clk.Now(), info.LastAccess)
}
