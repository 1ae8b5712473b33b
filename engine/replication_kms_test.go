package engine

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReplicationSSEKMS: a version sealed under a KMS key is replicated
// only by a rule that selects SSE-KMS objects, and its replica is sealed
// under the rule's replica key (readable, the same bytes); other
// versions replicate as before. The historical scan follows the same
// rule.
func TestReplicationSSEKMS(t *testing.T) {
	ctx := context.Background()
	opts := sseOptions(t)
	opts.CompactInterval = -1
	e := openTest(t, opts)
	versionedBuckets(t, e, "src", "dst")
	body := bytes.Repeat([]byte("k"), 5000)
	kms := Encryption{Mode: EncryptKMS, KeyID: "alias/app"}
	put := func(key string, enc Encryption) ObjectInfo {
		t.Helper()
		info, err := e.PutObject(ctx, "src", key, bytes.NewReader(body), int64(len(body)), PutOptions{Encryption: enc})
		require.NoError(t, err)
		return info
	}

	// Without the selection: the KMS version stays home.
	require.NoError(t, e.SetBucketConfig(ctx, "src", replicationConfig("dst", false)))
	managed := put("docs/managed", Encryption{Mode: EncryptManaged})
	skipped := put("docs/kms-skipped", kms)
	require.Equal(t, ReplicationPending, managed.ReplicationStatus)
	require.Empty(t, skipped.ReplicationStatus)
	_, err := e.RunPending(ctx)
	require.NoError(t, err)
	_, err = e.HeadObject(ctx, "dst", "docs/managed")
	require.NoError(t, err)
	_, err = e.HeadObject(ctx, "dst", "docs/kms-skipped")
	require.ErrorIs(t, err, ErrNoSuchKey)

	// With it: replicated, sealed under the replica key.
	cfg := replicationConfig("dst", false)
	cfg.Rules[0].SSEKMSObjects, cfg.Rules[0].Destination.ReplicaKMSKeyID = true, "alias/aws/s3"
	require.NoError(t, e.SetBucketConfig(ctx, "src", cfg))
	src := put("docs/kms", kms)
	require.Equal(t, ReplicationPending, src.ReplicationStatus)
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	rep, err := e.HeadObject(ctx, "dst", "docs/kms")
	require.NoError(t, err)
	require.Equal(t, ReplicationReplica, rep.ReplicationStatus)
	require.NotNil(t, rep.Encryption)
	require.Equal(t, EncryptKMS, rep.Encryption.Mode)
	require.NotEqual(t, src.Encryption.KeyID, rep.Encryption.KeyID, "the replica key, not the source's")
	obj, err := e.GetObject(ctx, "dst", "docs/kms", GetOptions{})
	require.NoError(t, err)
	got, err := io.ReadAll(obj)
	require.NoError(t, obj.Close())
	require.NoError(t, err)
	require.Equal(t, body, got)
	// The source still reads under its own key.
	obj, err = e.GetObject(ctx, "src", "docs/kms", GetOptions{})
	require.NoError(t, err)
	got, err = io.ReadAll(obj)
	require.NoError(t, obj.Close())
	require.NoError(t, err)
	require.Equal(t, body, got)

	// A rule naming a replica key without the selection, or the reverse,
	// is refused.
	bad := replicationConfig("dst", false)
	bad.Rules[0].Destination.ReplicaKMSKeyID = "alias/aws/s3"
	require.ErrorIs(t, e.SetBucketConfig(ctx, "src", bad), ErrInvalidArgument)
}
