package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

func replicationConfig(dest string, markers bool) *bucketconfig.Replication {
	return &bucketconfig.Replication{Rules: []bucketconfig.ReplicationRule{{
		ID: "r", Enabled: true, FilterForm: "filter", Filter: bucketconfig.ReplicationFilter{Prefix: "docs/"},
		DeleteMarkers: markers, Destination: bucketconfig.ReplicationDestination{Bucket: "arn:aws:s3:::" + dest},
	}}}
}

func versionedBuckets(t *testing.T, e *Engine, names ...string) {
	ctx := context.Background()
	for _, n := range names {
		require.NoError(t, e.CreateBucket(ctx, n, BucketOptions{}))
		require.NoError(t, e.SetBucketConfig(ctx, n, &bucketconfig.Versioning{Status: "Enabled"}))
	}
}

func TestReplicationConfigValidation(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "plain", BucketOptions{}))
	require.NoError(t, e.CreateBucket(ctx, "plaindst", BucketOptions{}))
	// Unversioned to unversioned replicates (OSS); such a source cannot
	// turn versioning on, nor replicate to a versioned bucket.
	require.NoError(t, e.SetBucketConfig(ctx, "plain", replicationConfig("plaindst", false)))
	require.ErrorIs(t, e.SetBucketConfig(ctx, "plain", &bucketconfig.Versioning{Status: "Enabled"}), ErrReplicationConfigured)
	versionedBuckets(t, e, "src")
	require.ErrorIs(t, e.SetBucketConfig(ctx, "plain", replicationConfig("src", false)), ErrReplicationVersioningMismatch)
	require.NoError(t, e.CreateBucket(ctx, "susp", BucketOptions{}))
	require.NoError(t, e.SetBucketConfig(ctx, "susp", &bucketconfig.Versioning{Status: "Enabled"}))
	require.NoError(t, e.SetBucketConfig(ctx, "susp", &bucketconfig.Versioning{Status: "Suspended"}))
	require.ErrorIs(t, e.SetBucketConfig(ctx, "susp", replicationConfig("plaindst", false)), ErrReplicationVersioning)
	require.ErrorIs(t, e.SetBucketConfig(ctx, "src", replicationConfig("nowhere", false)), ErrNoSuchReplicationDestination)
	require.ErrorIs(t, e.SetBucketConfig(ctx, "src", replicationConfig("plaindst", false)), ErrReplicationDestinationVersioning)
	versionedBuckets(t, e, "dst")
	require.NoError(t, e.SetBucketConfig(ctx, "src", replicationConfig("dst", false)))
	require.ErrorIs(t, e.SetBucketConfig(ctx, "src", &bucketconfig.Versioning{Status: "Suspended"}), ErrReplicationConfigured)
	require.NoError(t, e.DeleteBucketConfig(ctx, "src", ConfigReplication))
	require.NoError(t, e.SetBucketConfig(ctx, "src", &bucketconfig.Versioning{Status: "Suspended"}))
}

func TestReplicationLocal(t *testing.T) {
	ctx := context.Background()
	opts := testOptions()
	opts.CompactInterval = -1
	e := openTest(t, opts)
	versionedBuckets(t, e, "src", "dst")
	require.NoError(t, e.SetBucketConfig(ctx, "src", replicationConfig("dst", true)))

	body := bytes.Repeat([]byte("x"), 5000) // in the blob log, shared by the replica
	v1, err := e.PutObject(ctx, "src", "docs/a", bytes.NewReader(body), int64(len(body)), PutOptions{})
	require.NoError(t, err)
	other, err := e.PutObject(ctx, "src", "other/b", bytes.NewReader(body), int64(len(body)), PutOptions{})
	require.NoError(t, err)
	assert.Equal(t, ReplicationPending, v1.ReplicationStatus)
	assert.Empty(t, other.ReplicationStatus)
	n, err := e.ReplicationBacklog(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)

	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, st.Replication.Replicated)
	src, err := e.HeadObject(ctx, "src", "docs/a")
	require.NoError(t, err)
	assert.Equal(t, ReplicationCompleted, src.ReplicationStatus)
	rep, err := e.HeadObjectVersion(ctx, "dst", "docs/a", v1.VersionID)
	require.NoError(t, err)
	assert.Equal(t, ReplicationReplica, rep.ReplicationStatus)
	assert.Equal(t, v1.ETag, rep.ETag)
	obj, err := e.GetObject(ctx, "dst", "docs/a", GetOptions{})
	require.NoError(t, err)
	got, err := io.ReadAll(obj)
	require.NoError(t, obj.Close())
	require.NoError(t, err)
	assert.Equal(t, body, got)
	_, err = e.HeadObject(ctx, "dst", "other/b")
	require.ErrorIs(t, err, ErrNoSuchKey)

	// A delete marker is replicated with its version ID.
	del, err := e.DeleteObjectVersion(ctx, "src", "docs/a", DeleteOptions{})
	require.NoError(t, err)
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	_, err = e.HeadObject(ctx, "dst", "docs/a")
	var dm *DeleteMarkerError
	require.ErrorAs(t, err, &dm)
	assert.Equal(t, del.DeleteMarkerVersionID, dm.VersionID)
	n, err = e.ReplicationBacklog(ctx)
	require.NoError(t, err)
	assert.Zero(t, n)

	// The source's versions go away; the replica keeps its blob.
	_, err = e.DeleteObjectVersion(ctx, "src", "docs/a", DeleteOptions{VersionID: v1.VersionID})
	require.NoError(t, err)
	obj, err = e.GetObject(ctx, "dst", "docs/a", GetOptions{VersionID: v1.VersionID})
	require.NoError(t, err)
	got, err = io.ReadAll(obj)
	require.NoError(t, obj.Close())
	require.NoError(t, err)
	assert.Equal(t, body, got)
}

// A pending item survives a restart and is delivered after it.
func TestReplicationSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	opts := testOptions()
	opts.CompactInterval = -1
	e, err := Open(dir, opts)
	require.NoError(t, err)
	versionedBuckets(t, e, "src", "dst")
	require.NoError(t, e.SetBucketConfig(ctx, "src", replicationConfig("dst", false)))
	v, err := e.PutObject(ctx, "src", "docs/r", bytes.NewReader([]byte("restart")), 7, PutOptions{})
	require.NoError(t, err)
	require.NoError(t, e.Close())

	e, err = Open(dir, opts)
	require.NoError(t, err)
	defer func() { require.NoError(t, e.Close()) }()
	n, err := e.ReplicationBacklog(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	rep, err := e.HeadObjectVersion(ctx, "dst", "docs/r", v.VersionID)
	require.NoError(t, err)
	assert.Equal(t, ReplicationReplica, rep.ReplicationStatus)
}

// flakyTarget fails while down and records what it receives.
type flakyTarget struct {
	mu     sync.Mutex
	down   bool
	bodies map[string][]byte
}

func (f *flakyTarget) PutObject(_ context.Context, bucket string, info ObjectInfo, body io.Reader) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return errors.New("target down")
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	f.bodies[bucket+"/"+info.Key] = b
	return nil
}

func (f *flakyTarget) PutDeleteMarker(_ context.Context, bucket, key string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return errors.New("target down")
	}
	delete(f.bodies, bucket+"/"+key)
	return nil
}

// A remote target that fails is retried with backoff on the clock; after
// Attempts failures the version is FAILED, and a later success completes it.
func TestReplicationRetriesThenFails(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	target := &flakyTarget{down: true, bodies: map[string][]byte{}}
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	opts.Replication = ReplicationOptions{Targets: map[string]ReplicationTarget{"arn:aws:s3:::remote": target}, Attempts: 3}
	e := openTest(t, opts)
	versionedBuckets(t, e, "src")
	require.NoError(t, e.SetBucketConfig(ctx, "src", replicationConfig("remote", false)))
	_, err := e.PutObject(ctx, "src", "docs/f", bytes.NewReader([]byte("flaky")), 5, PutOptions{})
	require.NoError(t, err)

	status := func() string {
		info, err := e.HeadObject(ctx, "src", "docs/f")
		require.NoError(t, err)
		return info.ReplicationStatus
	}
	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, st.Replication.Failed)
	// Not due again until the backoff has passed.
	st, err = e.RunPending(ctx)
	require.NoError(t, err)
	assert.Zero(t, st.Replication.Failed)
	clk.Advance(time.Second)
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, ReplicationPending, status())
	clk.Advance(2 * time.Second)
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, ReplicationFailed, status())

	target.mu.Lock()
	target.down = false
	target.mu.Unlock()
	clk.Advance(time.Hour)
	st, err = e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, st.Replication.Replicated)
	assert.Equal(t, ReplicationCompleted, status())
	assert.Equal(t, []byte("flaky"), target.bodies["remote/docs/f"])
}

// Copies, completed multipart uploads and appends are new versions too.
func TestReplicationEveryWriteKind(t *testing.T) {
	ctx := context.Background()
	opts := testOptions()
	opts.CompactInterval = -1
	e := openTest(t, opts)
	versionedBuckets(t, e, "src", "dst")
	require.NoError(t, e.SetBucketConfig(ctx, "src", replicationConfig("dst", false)))
	_, err := e.PutObject(ctx, "src", "other/a", bytes.NewReader([]byte("copy me")), 7, PutOptions{})
	require.NoError(t, err)
	cp, err := e.CopyObject(ctx, "src", "other/a", "src", "docs/copy", CopyOptions{})
	require.NoError(t, err)
	up, err := e.CreateMultipartUpload(ctx, "src", "docs/mp", PutOptions{})
	require.NoError(t, err)
	part, err := e.UploadPart(ctx, "src", "docs/mp", up, 1, bytes.NewReader([]byte("part")), 4, PartOptions{})
	require.NoError(t, err)
	mp, err := e.CompleteMultipartUpload(ctx, "src", "docs/mp", up, []CompletePart{{PartNumber: 1, ETag: part.ETag}}, CompleteOptions{})
	require.NoError(t, err)
	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, st.Replication.Replicated)
	for key, vid := range map[string]string{"docs/copy": cp.VersionID, "docs/mp": mp.VersionID} {
		rep, err := e.HeadObjectVersion(ctx, "dst", key, vid)
		require.NoError(t, err, key)
		assert.Equal(t, ReplicationReplica, rep.ReplicationStatus, key)
	}
}

// A replica older than the destination's newest version of the key is
// stored as a noncurrent version.
func TestReplicationOlderReplica(t *testing.T) {
	ctx := context.Background()
	opts := testOptions()
	opts.CompactInterval = -1
	e := openTest(t, opts)
	versionedBuckets(t, e, "src", "dst")
	require.NoError(t, e.SetBucketConfig(ctx, "src", replicationConfig("dst", false)))
	v1, err := e.PutObject(ctx, "src", "docs/x", bytes.NewReader([]byte("old")), 3, PutOptions{})
	require.NoError(t, err)
	v2, err := e.PutObject(ctx, "dst", "docs/x", bytes.NewReader([]byte("newer")), 5, PutOptions{})
	require.NoError(t, err)
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	cur, err := e.HeadObject(ctx, "dst", "docs/x")
	require.NoError(t, err)
	assert.Equal(t, v2.VersionID, cur.VersionID)
	rep, err := e.HeadObjectVersion(ctx, "dst", "docs/x", v1.VersionID)
	require.NoError(t, err)
	assert.Equal(t, ReplicationReplica, rep.ReplicationStatus)
	vs, err := e.ListObjectVersions(ctx, "dst", VersionListOptions{})
	require.NoError(t, err)
	require.Len(t, vs.Versions, 2)
	assert.Equal(t, []string{v2.VersionID, v1.VersionID}, []string{vs.Versions[0].VersionID, vs.Versions[1].VersionID})
}

func TestReplicationBackoff(t *testing.T) {
	o := ReplicationOptions{Backoff: time.Hour, MaxBackoff: 24 * time.Hour}
	for _, c := range []struct {
		n    int
		want time.Duration
	}{{1, time.Hour}, {2, 2 * time.Hour}, {5, 16 * time.Hour}, {6, 24 * time.Hour}, {100, 24 * time.Hour}} {
		assert.Equal(t, c.want, o.backoff(c.n), "attempt %d", c.n)
	}
}

// TestReplicationSSECBlocked: an SSE-C version is not replicated into a
// local bucket that blocks SSE-C (BlockedEncryptionTypes); the item is
// retried and completes once the block is lifted.
func TestReplicationSSECBlocked(t *testing.T) {
	ctx := context.Background()
	opts := testOptions()
	opts.CompactInterval = -1
	clock := opts.Clock.(*fakeClock)
	e := openTest(t, opts)
	versionedBuckets(t, e, "src", "dst")
	require.NoError(t, e.SetBucketConfig(ctx, "src", replicationConfig("dst", false)))
	require.NoError(t, e.SetBucketConfig(ctx, "dst", &bucketconfig.Encryption{Algorithm: "AES256", BlockedTypes: []string{"SSE-C"}}))

	key := bytes.Repeat([]byte{7}, 32)
	enc := Encryption{Mode: EncryptCustomer, CustomerKey: key}
	v, err := e.PutObject(ctx, "src", "docs/secret", bytes.NewReader([]byte("sealed")), 6, PutOptions{Encryption: enc})
	require.NoError(t, err)
	plain, err := e.PutObject(ctx, "src", "docs/plain", bytes.NewReader([]byte("clear")), 5, PutOptions{})
	require.NoError(t, err)
	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, st.Replication.Replicated, "the clear version")
	assert.Equal(t, 1, st.Replication.Failed, "the SSE-C version")
	_, err = e.HeadObjectVersion(ctx, "dst", "docs/secret", v.VersionID)
	require.Error(t, err)
	_, err = e.HeadObjectVersion(ctx, "dst", "docs/plain", plain.VersionID)
	require.NoError(t, err)

	require.NoError(t, e.SetBucketConfig(ctx, "dst", &bucketconfig.Encryption{Algorithm: "AES256", BlockedTypes: []string{"NONE"}}))
	clock.Advance(time.Hour)
	st, err = e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, st.Replication.Replicated)
	rep, err := e.HeadObjectVersion(ctx, "dst", "docs/secret", v.VersionID)
	require.NoError(t, err)
	assert.Equal(t, ReplicationReplica, rep.ReplicationStatus)
}

// TestReplicationUnversioned: between unversioned buckets (OSS) the key's
// object as it is at delivery is copied (writes in between coalesce), a
// rule replicating deletes removes the key at the destination, replicas
// are not replicated back, an item queued again during a delivery stays
// for the next pass, and objects from before the rule are replicated by
// its historical scan.
func TestReplicationUnversioned(t *testing.T) {
	ctx := context.Background()
	opts := testOptions()
	opts.CompactInterval = -1
	e := openTest(t, opts)
	for _, b := range []string{"usrc", "udst"} {
		require.NoError(t, e.CreateBucket(ctx, b, BucketOptions{}))
	}
	put := func(bucket, key string, body []byte) ObjectInfo {
		t.Helper()
		info, err := e.PutObject(ctx, bucket, key, bytes.NewReader(body), int64(len(body)), PutOptions{})
		require.NoError(t, err)
		return info
	}
	read := func(bucket, key string) []byte {
		t.Helper()
		obj, err := e.GetObject(ctx, bucket, key, GetOptions{})
		require.NoError(t, err)
		got, err := io.ReadAll(obj)
		require.NoError(t, obj.Close())
		require.NoError(t, err)
		return got
	}
	backlog := func() int {
		t.Helper()
		n, err := e.ReplicationBacklog(ctx)
		require.NoError(t, err)
		return n
	}
	old := bytes.Repeat([]byte("o"), 3000)
	put("usrc", "docs/old", old) // before the rule
	cfg := replicationConfig("udst", true)
	cfg.Rules[0].ExistingObjects = true
	require.NoError(t, e.SetBucketConfig(ctx, "usrc", cfg))
	back := replicationConfig("usrc", true) // the other way too
	back.Rules[0].ID = "back"
	require.NoError(t, e.SetBucketConfig(ctx, "udst", back))

	body1, body2 := bytes.Repeat([]byte("1"), 5000), bytes.Repeat([]byte("2"), 7000)
	assert.Equal(t, ReplicationPending, put("usrc", "docs/a", body1).ReplicationStatus)
	assert.Equal(t, ReplicationPending, put("usrc", "docs/a", body2).ReplicationStatus)
	assert.Empty(t, put("usrc", "other/b", body1).ReplicationStatus)
	assert.Equal(t, 1, backlog(), "the two writes of docs/a are one item")

	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, st.Replication.Replicated, "docs/a and, by the scan, docs/old")
	assert.Equal(t, body2, read("udst", "docs/a"))
	assert.Equal(t, old, read("udst", "docs/old"))
	rep, err := e.HeadObject(ctx, "udst", "docs/a")
	require.NoError(t, err)
	assert.Equal(t, ReplicationReplica, rep.ReplicationStatus)
	assert.Empty(t, rep.VersionID)
	src, err := e.HeadObject(ctx, "usrc", "docs/a")
	require.NoError(t, err)
	assert.Equal(t, ReplicationCompleted, src.ReplicationStatus)
	_, err = e.HeadObject(ctx, "udst", "other/b")
	require.ErrorIs(t, err, ErrNoSuchKey)
	assert.Zero(t, backlog(), "replicas are not replicated back")

	// An item queued again while its delivery runs is kept.
	put("usrc", "docs/c", body1)
	due, err := e.dueReplications(e.now(), nil)
	require.NoError(t, err)
	require.Len(t, due, 1)
	require.NoError(t, e.deliver(ctx, due[0]))
	put("usrc", "docs/c", body2)
	_, err = e.settle(ctx, due[0], nil, e.now(), nil)
	require.NoError(t, err)
	assert.Equal(t, 1, backlog())
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, body2, read("udst", "docs/c"))
	assert.Zero(t, backlog())

	// Deletes replicate; the replica's own removal does not go back.
	require.NoError(t, e.DeleteObject(ctx, "usrc", "docs/a", DeleteOptions{}))
	assert.Equal(t, 1, backlog())
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	_, err = e.HeadObject(ctx, "udst", "docs/a")
	require.ErrorIs(t, err, ErrNoSuchKey)
	require.NoError(t, e.DeleteObject(ctx, "udst", "docs/c", DeleteOptions{}))
	assert.Zero(t, backlog())
	assert.Equal(t, body2, read("usrc", "docs/c"))

	// A write deleted before delivery delivers the delete.
	put("usrc", "docs/d", body1)
	require.NoError(t, e.DeleteObject(ctx, "usrc", "docs/d", DeleteOptions{}))
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	_, err = e.HeadObject(ctx, "udst", "docs/d")
	require.ErrorIs(t, err, ErrNoSuchKey)

	// The shared blobs survive the source's removal.
	put("usrc", "docs/e", body1)
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	require.NoError(t, e.DeleteBucketConfig(ctx, "usrc", ConfigReplication))
	require.NoError(t, e.DeleteObject(ctx, "usrc", "docs/e", DeleteOptions{}))
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, body1, read("udst", "docs/e"))
	require.NoError(t, e.SetBucketConfig(ctx, "usrc", &bucketconfig.Versioning{Status: "Enabled"}), "without the rule, versioning may start")
}

// TestReplicationUnversionedModel drives random writes, appends, copies
// and deletes into an unversioned bucket that replicates docs/ to a local
// unversioned bucket and remote/ to a remote target (down now and then),
// with deliveries and restarts in between; once the backlog is drained,
// both destinations hold exactly the source's selected keys and bytes.
func TestReplicationUnversionedModel(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { replicationModel(t, seed) })
	}
}

func replicationModel(t *testing.T, seed uint64) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, 7))
	dir := t.TempDir()
	clk := newFakeClock()
	target := &flakyTarget{bodies: map[string][]byte{}}
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	opts.Replication = ReplicationOptions{Targets: map[string]ReplicationTarget{"arn:aws:s3:::remote": target}}
	e, err := Open(dir, opts)
	require.NoError(t, err)
	defer func() { require.NoError(t, e.Close()) }()
	for _, b := range []string{"src", "dst"} {
		require.NoError(t, e.CreateBucket(ctx, b, BucketOptions{}))
	}
	cfg := &bucketconfig.Replication{Rules: []bucketconfig.ReplicationRule{
		{ID: "local", Enabled: true, FilterForm: "filter", Filter: bucketconfig.ReplicationFilter{Prefix: "docs/"}, DeleteMarkers: true,
			Destination: bucketconfig.ReplicationDestination{Bucket: "arn:aws:s3:::dst"}},
		{ID: "remote", Enabled: true, Priority: 1, FilterForm: "filter", Filter: bucketconfig.ReplicationFilter{Prefix: "remote/"}, DeleteMarkers: true,
			Destination: bucketconfig.ReplicationDestination{Bucket: "arn:aws:s3:::remote"}},
	}}
	require.NoError(t, e.SetBucketConfig(ctx, "src", cfg))
	keys := []string{"docs/a", "docs/b", "docs/c", "remote/a", "remote/b", "other/a"}
	model := map[string][]byte{}
	body := func() []byte {
		n := rng.IntN(3) * 4000 // empty, inline or in the blob log
		b := make([]byte, n+rng.IntN(100))
		for i := range b {
			b[i] = byte('a' + rng.IntN(26))
		}
		return b
	}
	for step := range 300 {
		k := keys[rng.IntN(len(keys))]
		switch op := rng.IntN(10); {
		case op < 4:
			b := body()
			_, err := e.PutObject(ctx, "src", k, bytes.NewReader(b), int64(len(b)), PutOptions{})
			require.NoError(t, err)
			model[k] = b
		case op < 5:
			from := keys[rng.IntN(len(keys))]
			if _, ok := model[from]; !ok || from == k {
				continue
			}
			_, err := e.CopyObject(ctx, "src", from, "src", k, CopyOptions{})
			require.NoError(t, err, "step %d", step)
			model[k] = bytes.Clone(model[from])
		case op < 7:
			require.NoError(t, e.DeleteObject(ctx, "src", k, DeleteOptions{}))
			delete(model, k)
		case op < 8:
			target.mu.Lock()
			target.down = !target.down
			target.mu.Unlock()
		case op < 9:
			_, err := e.RunPending(ctx)
			require.NoError(t, err)
		default:
			require.NoError(t, e.Close())
			e, err = Open(dir, opts)
			require.NoError(t, err)
		}
		clk.Advance(time.Second)
	}
	target.mu.Lock()
	target.down = false
	target.mu.Unlock()
	for range 20 {
		clk.Advance(2 * time.Hour) // past every backoff
		_, err := e.RunPending(ctx)
		require.NoError(t, err)
		if n, err := e.ReplicationBacklog(ctx); err == nil && n == 0 {
			break
		}
	}
	n, err := e.ReplicationBacklog(ctx)
	require.NoError(t, err)
	require.Zero(t, n)
	for _, k := range keys {
		want, ok := model[k]
		switch {
		case strings.HasPrefix(k, "docs/"):
			obj, err := e.GetObject(ctx, "dst", k, GetOptions{})
			if !ok {
				require.ErrorIs(t, err, ErrNoSuchKey, k)
				continue
			}
			require.NoError(t, err, k)
			got, err := io.ReadAll(obj)
			require.NoError(t, obj.Close())
			require.NoError(t, err)
			require.Equal(t, want, got, k)
		case strings.HasPrefix(k, "remote/"):
			target.mu.Lock()
			got, has := target.bodies["remote/"+k]
			target.mu.Unlock()
			require.Equal(t, ok, has, k)
			require.Equal(t, string(want), string(got), k)
		default:
			_, err := e.HeadObject(ctx, "dst", k)
			require.ErrorIs(t, err, ErrNoSuchKey, "%s is not replicated", k)
		}
	}
}

// TestReplicationTargetOwners: a remote target limited to some owners
// takes only their buckets' rules; a rule stored before the limit
// delivers nothing.
func TestReplicationTargetOwners(t *testing.T) {
	ctx := context.Background()
	target := &flakyTarget{bodies: map[string][]byte{}}
	opts := testOptions()
	opts.CompactInterval = -1
	opts.Replication = ReplicationOptions{Targets: map[string]ReplicationTarget{"arn:aws:s3:::remote": target},
		TargetOwners: map[string][]string{"arn:aws:s3:::remote": {"alice"}}, Attempts: 1}
	e := openTest(t, opts)
	for _, b := range []struct{ name, owner string }{{"mine", "alice"}, {"theirs", "mallory"}} {
		require.NoError(t, e.CreateBucket(ctx, b.name, BucketOptions{Owner: b.owner}))
		require.NoError(t, e.SetBucketConfig(ctx, b.name, &bucketconfig.Versioning{Status: "Enabled"}))
	}
	require.NoError(t, e.SetBucketConfig(ctx, "mine", replicationConfig("remote", false)))
	require.ErrorIs(t, e.SetBucketConfig(ctx, "theirs", replicationConfig("remote", false)), ErrReplicationDestinationOwner)

	// A rule stored while the target served everyone.
	delete(e.opts.Replication.TargetOwners, "arn:aws:s3:::remote")
	require.NoError(t, e.SetBucketConfig(ctx, "theirs", replicationConfig("remote", false)))
	e.opts.Replication.TargetOwners["arn:aws:s3:::remote"] = []string{"alice"}
	for _, b := range []string{"mine", "theirs"} {
		_, err := e.PutObject(ctx, b, "docs/f", bytes.NewReader([]byte(b)), int64(len(b)), PutOptions{})
		require.NoError(t, err)
	}
	_, err := e.RunPending(ctx)
	require.NoError(t, err)
	target.mu.Lock()
	assert.Equal(t, map[string][]byte{"remote/docs/f": []byte("mine")}, target.bodies)
	target.mu.Unlock()
	// The refused destination fails as any refusing destination does:
	// the version says so (it stayed PENDING with nothing queued), and
	// its item stays for the retries.
	for b, want := range map[string]string{"mine": ReplicationCompleted, "theirs": ReplicationFailed} {
		o, err := e.HeadObject(ctx, b, "docs/f")
		require.NoError(t, err)
		assert.Equal(t, want, o.ReplicationStatus, b)
	}
	n, err := e.ReplicationBacklog(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
}

// tagsTarget is a remote target that takes tag changes; PutObjectTags
// blocks on hold (when set) after recording, so a test can change the
// version again while a delivery is running.
type tagsTarget struct {
	flakyTarget
	tags    map[string][]Tag
	puts    int
	entered chan struct{}
	hold    chan struct{}
}

func (f *tagsTarget) PutObject(ctx context.Context, bucket string, info ObjectInfo, body io.Reader) error {
	if err := f.flakyTarget.PutObject(ctx, bucket, info, body); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.puts++
	f.tags[bucket+"/"+info.Key] = info.Tags
	return nil
}

func (f *tagsTarget) PutObjectTags(_ context.Context, bucket, key string, tags []Tag) error {
	f.mu.Lock()
	f.tags[bucket+"/"+key] = tags
	hold, entered := f.hold, f.entered
	f.mu.Unlock()
	if hold != nil {
		entered <- struct{}{}
		<-hold
	}
	return nil
}

// A tag change made while the previous one is being delivered is not
// lost when that delivery settles (the item's sequence number changed),
// and a version a remote target has not received yet is sent whole, with
// its new tags, however often its tags change before.
func TestReplicationMetadataChangeDuringDelivery(t *testing.T) {
	ctx := context.Background()
	target := &tagsTarget{flakyTarget: flakyTarget{down: true, bodies: map[string][]byte{}}, tags: map[string][]Tag{}}
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	opts.Replication = ReplicationOptions{Targets: map[string]ReplicationTarget{"arn:aws:s3:::remote": target}}
	e := openTest(t, opts)
	versionedBuckets(t, e, "src")
	require.NoError(t, e.SetBucketConfig(ctx, "src", replicationConfig("remote", false)))
	v, err := e.PutObject(ctx, "src", "docs/t", bytes.NewReader([]byte("tagged")), 6, PutOptions{})
	require.NoError(t, err)
	setTags := func(val string) {
		t.Helper()
		_, err := e.UpdateObject(ctx, "src", "docs/t", ObjectUpdate{VersionID: v.VersionID, Tags: &[]Tag{{Key: "k", Value: val}}})
		require.NoError(t, err)
	}
	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, st.Replication.Failed)
	setTags("1") // not delivered yet: the item stays a whole version
	target.mu.Lock()
	target.down = false
	target.mu.Unlock()
	clk.Advance(time.Second) // the first backoff, which the change kept
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, []byte("tagged"), target.bodies["remote/docs/t"])
	assert.Equal(t, []Tag{{Key: "k", Value: "1"}}, target.tags["remote/docs/t"])

	target.mu.Lock()
	target.hold, target.entered = make(chan struct{}), make(chan struct{})
	target.mu.Unlock()
	setTags("2")
	done := make(chan error)
	go func() { _, err := e.RunPending(ctx); done <- err }()
	<-target.entered
	setTags("3") // while "2" is being delivered
	target.mu.Lock()
	close(target.hold)
	target.hold = nil
	target.mu.Unlock()
	require.NoError(t, <-done)
	n, err := e.ReplicationBacklog(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n, "the change made during the delivery is still queued")
	info, err := e.HeadObjectVersion(ctx, "src", "docs/t", v.VersionID)
	require.NoError(t, err)
	assert.Equal(t, ReplicationPending, info.ReplicationStatus)
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	assert.Equal(t, []Tag{{Key: "k", Value: "3"}}, target.tags["remote/docs/t"])
	assert.Equal(t, 1, target.puts, "the body was sent once")
	info, err = e.HeadObjectVersion(ctx, "src", "docs/t", v.VersionID)
	require.NoError(t, err)
	assert.Equal(t, ReplicationCompleted, info.ReplicationStatus)
}
