package engine

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// TestIntelligentTiering: an INTELLIGENT_TIERING object the bucket's
// configuration selects moves to the Archive Access tier after its days
// without a read and to Deep Archive Access after its own; reads recorded
// meanwhile put the move off; an archived object is read as an archived
// one until a restore, which moves it back to the Frequent Access tier
// (readable, no restored copy to expire, counted as an access). Small
// objects, other classes, other prefixes and disabled configurations stay.
func TestIntelligentTiering(t *testing.T) {
	ctx := context.Background()
	opts := testOptions()
	opts.RestoreDelay = time.Hour
	e := openTest(t, opts)
	clock := e.opts.Clock.(*fakeClock)
	day := e.opts.LifecycleDay
	require.NoError(t, e.CreateBucket(ctx, "itb", BucketOptions{}))
	body := bytes.Repeat([]byte("t"), bucketconfig.MinTieringSize)
	for _, k := range []string{"logs/cold", "logs/read", "logs/std", "other/cold"} {
		class := IntelligentTieringClass
		if k == "logs/std" {
			class = "STANDARD"
		}
		_, err := e.PutObject(ctx, "itb", k, bytes.NewReader(body), int64(len(body)), PutOptions{StorageClass: class})
		require.NoError(t, err)
	}
	_, err := e.PutObject(ctx, "itb", "logs/small", bytes.NewReader(body[:100]), 100, PutOptions{StorageClass: IntelligentTieringClass})
	require.NoError(t, err)
	require.NoError(t, e.SetBucketConfig(ctx, "itb", &bucketconfig.IntelligentTiering{Configurations: []bucketconfig.TieringConfiguration{
		{ID: "a-logs", Form: "Prefix", Prefix: "logs/", Enabled: true, Tierings: []bucketconfig.Tiering{
			{AccessTier: bucketconfig.ArchiveAccess, Days: 90}, {AccessTier: bucketconfig.DeepArchiveAccess, Days: 180}}},
		{ID: "b-off", Enabled: false, Tierings: []bucketconfig.Tiering{{AccessTier: bucketconfig.ArchiveAccess, Days: 90}}},
	}}))
	tier := func(k string) string {
		info, err := e.HeadObject(ctx, "itb", k)
		require.NoError(t, err)
		return info.AccessTier
	}

	var events []string
	cancel := e.Subscribe("itb", func(ev Event) {
		if ev.IntelligentTiering != nil {
			events = append(events, ev.EventName+" "+ev.ObjectKey()+" "+ev.IntelligentTiering.DestinationAccessTier)
		}
	})
	defer cancel()
	clock.Advance(60 * day)
	readAll(t, e, "itb", "logs/read", GetOptions{})
	require.NoError(t, e.TouchObject(ctx, "itb", "logs/read", ""))
	clock.Advance(30*day + time.Second)
	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, st.Archived)
	require.Equal(t, bucketconfig.ArchiveAccess, tier("logs/cold"))
	require.Equal(t, []string{"IntelligentTiering logs/cold ARCHIVE_ACCESS"}, events, "s3:IntelligentTiering is published")
	for _, k := range []string{"logs/read", "logs/std", "other/cold", "logs/small"} {
		require.Empty(t, tier(k), k)
	}
	_, err = e.GetObject(ctx, "itb", "logs/cold", GetOptions{})
	var ae *ArchivedError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, "logs/cold", ae.Info.Key, "the object read")
	require.Equal(t, IntelligentTieringClass, ae.Info.StorageClass, "the object read")
	ae.Info = ObjectInfo{}
	require.Equal(t, ArchivedError{StorageClass: IntelligentTieringClass, AccessTier: bucketconfig.ArchiveAccess, Bucket: "itb", Key: "logs/cold"}, *ae)
	_, err = e.CopyObject(ctx, "itb", "logs/cold", "itb", "copy", CopyOptions{})
	require.ErrorIs(t, err, ErrInvalidObjectState)

	clock.Advance(90 * day)
	st, err = e.RunPending(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, st.Archived, "logs/cold deeper, logs/read to Archive Access")
	require.Equal(t, bucketconfig.DeepArchiveAccess, tier("logs/cold"))
	require.Equal(t, bucketconfig.ArchiveAccess, tier("logs/read"))

	started, err := e.RestoreObject(ctx, "itb", "logs/cold", 0)
	require.NoError(t, err)
	require.True(t, started)
	info, err := e.HeadObject(ctx, "itb", "logs/cold")
	require.NoError(t, err)
	require.Equal(t, &RestoreStatus{Ongoing: true}, info.Restore)
	require.Equal(t, bucketconfig.DeepArchiveAccess, info.AccessTier)
	_, err = e.RestoreObject(ctx, "itb", "logs/cold", 0)
	require.ErrorIs(t, err, ErrRestoreAlreadyInProgress)
	clock.Advance(time.Hour)
	info, err = e.HeadObject(ctx, "itb", "logs/cold")
	require.NoError(t, err)
	require.Nil(t, info.Restore, "back in the Frequent Access tier: no restored copy")
	require.Empty(t, info.AccessTier)
	got, _ := readAll(t, e, "itb", "logs/cold", GetOptions{})
	require.Equal(t, body, got)
	_, err = e.RestoreObject(ctx, "itb", "logs/cold", 0)
	require.ErrorIs(t, err, ErrInvalidObjectState, "not archived any more")

	// The restore counts as an access: the object archives again only
	// after its days from then.
	clock.Advance(89 * day)
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	require.Empty(t, tier("logs/cold"))
	clock.Advance(day)
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	require.Equal(t, bucketconfig.ArchiveAccess, tier("logs/cold"))

	// A transition to another class leaves the tiers; an overwrite is a
	// new object in the Frequent Access tier.
	_, err = e.PutObject(ctx, "itb", "logs/read", bytes.NewReader(body), int64(len(body)), PutOptions{StorageClass: IntelligentTieringClass})
	require.NoError(t, err)
	require.Empty(t, tier("logs/read"))
}

// TestTieringValidate: S3's bounds of the archive tiers' days.
func TestTieringValidate(t *testing.T) {
	ok := bucketconfig.TieringConfiguration{ID: "x", Enabled: true, Tierings: []bucketconfig.Tiering{{AccessTier: bucketconfig.ArchiveAccess, Days: 90}}}
	require.NoError(t, ok.Validate())
	for name, c := range map[string]bucketconfig.TieringConfiguration{
		"archive under 90": {ID: "x", Tierings: []bucketconfig.Tiering{{AccessTier: bucketconfig.ArchiveAccess, Days: 89}}},
		"deep under 180":   {ID: "x", Tierings: []bucketconfig.Tiering{{AccessTier: bucketconfig.DeepArchiveAccess, Days: 179}}},
		"over 730":         {ID: "x", Tierings: []bucketconfig.Tiering{{AccessTier: bucketconfig.DeepArchiveAccess, Days: 731}}},
		"no tiering":       {ID: "x"},
		"tier twice":       {ID: "x", Tierings: []bucketconfig.Tiering{{AccessTier: bucketconfig.ArchiveAccess, Days: 90}, {AccessTier: bucketconfig.ArchiveAccess, Days: 100}}},
		"deep not colder":  {ID: "x", Tierings: []bucketconfig.Tiering{{AccessTier: bucketconfig.ArchiveAccess, Days: 200}, {AccessTier: bucketconfig.DeepArchiveAccess, Days: 200}}},
		"unknown tier":     {ID: "x", Tierings: []bucketconfig.Tiering{{AccessTier: "GLACIER", Days: 200}}},
		"bad id":           {ID: "a b", Tierings: ok.Tierings},
		"tag filter empty": {ID: "x", Form: "Tag", Tierings: ok.Tierings},
	} {
		require.ErrorIs(t, c.Validate(), bucketconfig.ErrInvalid, name)
	}
}

// TestTieringInventoryValue: inventory reports name the archive tiers as
// S3's inventory does.
func TestTieringInventoryValue(t *testing.T) {
	for tier, want := range map[string]string{"": "FREQUENT", bucketconfig.ArchiveAccess: "ARCHIVE", bucketconfig.DeepArchiveAccess: "DEEP_ARCHIVE"} {
		o := &ObjectInfo{StorageClass: IntelligentTieringClass, AccessTier: tier}
		require.Equal(t, want, inventoryValue("b", "IntelligentTieringAccessTier", o))
	}
	require.Equal(t, "", inventoryValue("b", "IntelligentTieringAccessTier", &ObjectInfo{StorageClass: "STANDARD"}))
}

// TestIntelligentTieringVersions: noncurrent INTELLIGENT_TIERING versions
// move to the archive tiers too, and one is restored by its version ID.
func TestIntelligentTieringVersions(t *testing.T) {
	ctx := context.Background()
	opts := testOptions()
	opts.RestoreDelay = time.Hour
	e := openTest(t, opts)
	clock := e.opts.Clock.(*fakeClock)
	require.NoError(t, e.CreateBucket(ctx, "itv", BucketOptions{}))
	setVersioning(t, e, "itv", "Enabled")
	body := bytes.Repeat([]byte("v"), bucketconfig.MinTieringSize)
	var ids []string
	for range 2 {
		info, err := e.PutObject(ctx, "itv", "k", bytes.NewReader(body), int64(len(body)), PutOptions{StorageClass: IntelligentTieringClass})
		require.NoError(t, err)
		ids = append(ids, info.VersionID)
	}
	require.NoError(t, e.SetBucketConfig(ctx, "itv", &bucketconfig.IntelligentTiering{Configurations: []bucketconfig.TieringConfiguration{
		{ID: "all", Enabled: true, Tierings: []bucketconfig.Tiering{{AccessTier: bucketconfig.ArchiveAccess, Days: 90}}}}}))
	clock.Advance(91 * e.opts.LifecycleDay)
	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, st.Archived)
	for _, id := range ids {
		info, err := e.HeadObjectVersion(ctx, "itv", "k", id)
		require.NoError(t, err)
		require.Equal(t, bucketconfig.ArchiveAccess, info.AccessTier, id)
	}
	started, err := e.RestoreObjectVersion(ctx, "itv", "k", ids[0], 0)
	require.NoError(t, err)
	require.True(t, started)
	clock.Advance(time.Hour)
	old, err := e.HeadObjectVersion(ctx, "itv", "k", ids[0])
	require.NoError(t, err)
	require.Empty(t, old.AccessTier, "the noncurrent version restored")
	cur, err := e.HeadObjectVersion(ctx, "itv", "k", ids[1])
	require.NoError(t, err)
	require.Equal(t, bucketconfig.ArchiveAccess, cur.AccessTier, "the current one still archived")
	obj, err := e.GetObject(ctx, "itv", "k", GetOptions{VersionID: ids[0]})
	require.NoError(t, err)
	require.NoError(t, obj.Close())
}
