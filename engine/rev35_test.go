package engine

import (
	"context"
	"testing"

	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/stretchr/testify/require"
)

// TestRev35RepeatedRefusedVersionDelete: DeleteObjectVersions answers a
// repeated entry (same key and version, unconditional) with the first
// entry's outcome. When the first was refused (a version under
// COMPLIANCE retention, a malformed version ID) the repeat is refused as
// well and makes no event: before, it was answered as deleted and its
// ObjectRemoved:Delete event published for a delete that did not happen.
func TestRev35RepeatedRefusedVersionDelete(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "lkb", BucketOptions{ObjectLock: true}))
	require.NoError(t, e.SetBucketConfig(ctx, "lkb", &bucketconfig.ObjectLock{Mode: "COMPLIANCE", Days: 1}))
	v1 := putString(t, e, "lkb", "k", "one")
	var seen []Event
	cancel := e.Subscribe("lkb", func(ev Event) { seen = append(seen, ev) })
	defer cancel()
	f := &EventFacts{Name: "ObjectRemoved:Delete", Bucket: "lkb"}
	objs := []ObjectVersion{{Key: "k", VersionID: v1.VersionID}, {Key: "k", VersionID: v1.VersionID},
		{Key: "k", VersionID: "not-a-version"}, {Key: "k", VersionID: "not-a-version"}}
	res, err := e.DeleteObjectVersions(WithEvent(ctx, f), "lkb", objs, "")
	require.NoError(t, err)
	require.Len(t, res, 4)
	require.ErrorIs(t, res[0].Err, ErrObjectLocked)
	require.ErrorIs(t, res[1].Err, ErrObjectLocked, "the repeat of a refused delete is refused too")
	require.ErrorIs(t, res[2].Err, ErrInvalidVersionID)
	require.ErrorIs(t, res[3].Err, ErrInvalidVersionID, "the repeat of a refused delete is refused too")
	require.Empty(t, seen, "no delete happened: no event")
	_, err = e.HeadObjectVersion(ctx, "lkb", "k", v1.VersionID)
	require.NoError(t, err)
}
