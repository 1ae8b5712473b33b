package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// refusingTarget is a remote target that refuses every delivery, after
// running during (when not nil) once, in its first call.
type refusingTarget struct{ during func() }

func (r *refusingTarget) PutObject(context.Context, string, ObjectInfo, io.Reader) error {
	if f := r.during; f != nil {
		r.during = nil
		f()
	}
	return errors.New("refused")
}

func (r *refusingTarget) PutDeleteMarker(ctx context.Context, _, _ string) error {
	return r.PutObject(ctx, "", ObjectInfo{}, nil)
}

// TestRev40aFailedCountedWhenMarked: OperationsFailed counts the items
// marked FAILED. A delivery on the item's last attempt that fails after
// the version's metadata changed (the item queued again with a new
// sequence number, its attempts kept) marks nothing: the item stays
// PENDING for the next pass and no OperationFailedReplication event is
// made. The pass counted it all the same, and again when the next
// pass's failure marked the version FAILED: 2 for one FAILED item.
func TestRev40aFailedCountedWhenMarked(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	target := &refusingTarget{}
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	opts.Replication = ReplicationOptions{Attempts: 1, Targets: map[string]ReplicationTarget{"arn:aws:s3:::remote": target}}
	e := openTest(t, opts)
	versionedBuckets(t, e, "src")
	require.NoError(t, e.SetBucketConfig(ctx, "src", replicationConfig("remote", false)))
	info, err := e.PutObject(ctx, "src", "docs/a", bytes.NewReader([]byte("a")), 1, PutOptions{})
	require.NoError(t, err)
	var tagErr error
	target.during = func() { // on the call's goroutine
		_, tagErr = e.UpdateObject(ctx, "src", "docs/a", ObjectUpdate{VersionID: info.VersionID, Tags: &[]Tag{{Key: "k", Value: "v"}}})
	}
	failed := func() int64 {
		t.Helper()
		ms, err := e.ReplicationMetrics(ctx)
		require.NoError(t, err)
		require.Len(t, ms, 1)
		return ms[0].OperationsFailed
	}

	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	require.Equal(t, ReplicationStats{Failed: 1}, st.Replication)
	require.NoError(t, tagErr)
	require.Equal(t, ReplicationPending, repl39Status(t, e, "docs/a", info.VersionID), "queued again: not marked")
	require.Zero(t, failed(), "nothing was marked FAILED")

	clk.Advance(time.Hour)
	st, err = e.RunPending(ctx)
	require.NoError(t, err)
	require.Equal(t, ReplicationStats{Failed: 1}, st.Replication)
	require.Equal(t, ReplicationFailed, repl39Status(t, e, "docs/a", info.VersionID))
	require.EqualValues(t, 1, failed())
}

// okTarget is a remote target that takes every delivery, reading its
// body.
type okTarget struct{}

func (okTarget) PutObject(_ context.Context, _ string, _ ObjectInfo, body io.Reader) error {
	_, err := io.Copy(io.Discard, body)
	return err
}
func (okTarget) PutDeleteMarker(context.Context, string, string) error { return nil }

// TestRev40aParallelSettlesAgree: the destinations of one version settle
// on goroutines of their own, each in a batch of its own under e.mu that
// reads the other destinations' items as committed, so the version's
// aggregate status ends COMPLETED when every destination took it and
// FAILED when one used up its attempts, whatever order the settles
// commit in (run with -race and -count).
func TestRev40aParallelSettlesAgree(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	opts.Replication = ReplicationOptions{Attempts: 1, Targets: map[string]ReplicationTarget{
		"arn:aws:s3:::remote": okTarget{}, "arn:aws:s3:::refuses": &refusingTarget{}}}
	e := openTest(t, opts)
	versionedBuckets(t, e, "src", "srcf", "dsta", "dstb")
	require.NoError(t, e.SetBucketConfig(ctx, "src", &bucketconfig.Replication{Rules: []bucketconfig.ReplicationRule{
		repl39Rule("a", "", 3, "dsta", ""), repl39Rule("b", "", 2, "dstb", ""), repl39Rule("r", "", 1, "remote", "")}}))
	require.NoError(t, e.SetBucketConfig(ctx, "srcf", &bucketconfig.Replication{Rules: []bucketconfig.ReplicationRule{
		repl39Rule("a", "", 3, "dsta", ""), repl39Rule("r", "", 2, "remote", ""), repl39Rule("x", "", 1, "refuses", "")}}))
	var vids, fvids []string
	for i := range 20 {
		key := fmt.Sprintf("k%02d", i)
		info, err := e.PutObject(ctx, "src", key, bytes.NewReader([]byte(key)), int64(len(key)), PutOptions{})
		require.NoError(t, err)
		vids = append(vids, info.VersionID)
		info, err = e.PutObject(ctx, "srcf", key, bytes.NewReader([]byte(key)), int64(len(key)), PutOptions{})
		require.NoError(t, err)
		fvids = append(fvids, info.VersionID)
	}
	_, err := e.RunPending(ctx)
	require.NoError(t, err)
	for i := range 20 {
		key := fmt.Sprintf("k%02d", i)
		o, err := e.HeadObjectVersion(ctx, "src", key, vids[i])
		require.NoError(t, err)
		require.Equal(t, ReplicationCompleted, o.ReplicationStatus, key)
		o, err = e.HeadObjectVersion(ctx, "srcf", key, fvids[i])
		require.NoError(t, err)
		require.Equal(t, ReplicationFailed, o.ReplicationStatus, key)
	}
}
