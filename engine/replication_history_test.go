package engine

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

func historicalConfig(dest string) *bucketconfig.Replication {
	c := replicationConfig(dest, false)
	c.Rules[0].ExistingObjects = true
	return c
}

func putText(t *testing.T, e *Engine, bucket, key, body string) ObjectInfo {
	t.Helper()
	info, err := e.PutObject(context.Background(), bucket, key, bytes.NewReader([]byte(body)), int64(len(body)), PutOptions{})
	require.NoError(t, err)
	return info
}

// A rule with ExistingObjects replicates the current versions that
// existed before it, once each; versions written after it go the usual
// way and are not queued again by the scan.
func TestReplicationHistorical(t *testing.T) {
	ctx := context.Background()
	opts := testOptions()
	opts.CompactInterval = -1
	e := openTest(t, opts)
	versionedBuckets(t, e, "src", "dst")
	a := putText(t, e, "src", "docs/a", "a")
	putText(t, e, "src", "docs/old", "old")
	old := putText(t, e, "src", "docs/old", "new") // only the current version goes
	putText(t, e, "src", "other/c", "c")
	require.NoError(t, e.SetBucketConfig(ctx, "src", historicalConfig("dst")))
	after := putText(t, e, "src", "docs/after", "after") // queued by the write

	p, err := e.BucketReplicationProgress(ctx, "src")
	require.NoError(t, err)
	h := p.Historical["r"]
	assert.False(t, h.Started)
	assert.Equal(t, 2, h.Remaining) // docs/a, docs/old: docs/after is the write's
	assert.Zero(t, h.Fraction())

	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, st.Replication.Replicated) // docs/a, docs/old, docs/after: once each
	for _, v := range []ObjectInfo{a, old, after} {
		rep, err := e.HeadObjectVersion(ctx, "dst", v.Key, v.VersionID)
		require.NoError(t, err, v.Key)
		assert.Equal(t, ReplicationReplica, rep.ReplicationStatus)
		src, err := e.HeadObject(ctx, "src", v.Key)
		require.NoError(t, err)
		assert.Equal(t, ReplicationCompleted, src.ReplicationStatus)
	}
	_, err = e.HeadObject(ctx, "dst", "other/c")
	require.ErrorIs(t, err, ErrNoSuchKey)
	list, err := e.ListObjectVersions(ctx, "dst", VersionListOptions{})
	require.NoError(t, err)
	assert.Len(t, list.Versions, 3, "one replica per version")

	p, err = e.BucketReplicationProgress(ctx, "src")
	require.NoError(t, err)
	h = p.Historical["r"]
	assert.True(t, h.Done())
	assert.Equal(t, HistoricalProgress{Started: true, Scanned: true, Queued: 2}, h)
	assert.Equal(t, 1.0, h.Fraction())
	st, err = e.RunPending(ctx)
	require.NoError(t, err)
	assert.Zero(t, st.Replication.Replicated)

	// Putting the same rule again keeps its finished cursor; removing
	// the configuration drops it.
	require.NoError(t, e.SetBucketConfig(ctx, "src", historicalConfig("dst")))
	p, err = e.BucketReplicationProgress(ctx, "src")
	require.NoError(t, err)
	assert.True(t, p.Historical["r"].Done())
	require.NoError(t, e.DeleteBucketConfig(ctx, "src", ConfigReplication))
	p, err = e.BucketReplicationProgress(ctx, "src")
	require.NoError(t, err)
	assert.Empty(t, p.Historical)
}

// The scan pages through the bucket (ScanPage keys a pass, each page one
// batch with its cursor) and resumes after a restart where it stopped.
func TestReplicationHistoricalResumes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	opts := testOptions()
	opts.CompactInterval = -1
	opts.Replication.ScanPage = 2
	e, err := Open(dir, opts)
	require.NoError(t, err)
	versionedBuckets(t, e, "src", "dst")
	var vs []ObjectInfo
	for i := range 5 {
		vs = append(vs, putText(t, e, "src", fmt.Sprintf("docs/%d", i), "x"))
	}
	require.NoError(t, e.SetBucketConfig(ctx, "src", historicalConfig("dst")))
	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, st.Replication.Replicated)
	p, err := e.BucketReplicationProgress(ctx, "src")
	require.NoError(t, err)
	assert.Equal(t, HistoricalProgress{Started: true, Queued: 2, Remaining: 3}, p.Historical["r"])
	assert.InDelta(t, 0.4, p.Historical["r"].Fraction(), 1e-9)
	require.NoError(t, e.Close())

	e, err = Open(dir, opts)
	require.NoError(t, err)
	defer func() { require.NoError(t, e.Close()) }()
	total := st.Replication.Replicated
	for range 3 {
		st, err := e.RunPending(ctx)
		require.NoError(t, err)
		total += st.Replication.Replicated
	}
	assert.Equal(t, 5, total, "each version once")
	for _, v := range vs {
		_, err := e.HeadObjectVersion(ctx, "dst", v.Key, v.VersionID)
		require.NoError(t, err, v.Key)
	}
	p, err = e.BucketReplicationProgress(ctx, "src")
	require.NoError(t, err)
	assert.True(t, p.Historical["r"].Done())
	assert.Equal(t, 5, p.Historical["r"].Queued)
}
