package engine

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestObjectLockOnTheClock(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock = clk
	e := openTest(t, opts)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{ObjectLock: true}))
	b, err := e.Bucket(ctx, "bkt")
	require.NoError(t, err)
	assert.True(t, b.ObjectLock)
	assert.Equal(t, VersioningEnabled, b.Versioning)
	require.ErrorIs(t, e.SetBucketConfig(ctx, "bkt", &bucketconfig.Versioning{Status: "Suspended"}), ErrInvalidBucketState)

	// A default retention of one day applies to new versions.
	require.NoError(t, e.SetBucketConfig(ctx, "bkt", &bucketconfig.ObjectLock{Mode: "COMPLIANCE", Days: 1}))
	v1 := putString(t, e, "bkt", "k", "one")
	assert.Equal(t, Retention{Mode: RetentionCompliance, Until: clk.Now().AddDate(0, 0, 1)}, v1.Retention)
	head, err := e.HeadObjectVersion(ctx, "bkt", "k", v1.VersionID)
	require.NoError(t, err)
	assert.Equal(t, v1.Retention, head.Retention)

	// An explicit GOVERNANCE retention; a legal hold on a third version.
	until := clk.Now().Add(2 * time.Hour)
	v2, err := e.PutObject(ctx, "bkt", "k", strings.NewReader("two"), 3, PutOptions{Retention: Retention{Mode: RetentionGovernance, Until: until}})
	require.NoError(t, err)
	v3, err := e.PutObject(ctx, "bkt", "k", strings.NewReader("three"), 5, PutOptions{LegalHold: true, Retention: Retention{Mode: RetentionGovernance, Until: clk.Now().Add(time.Minute)}})
	require.NoError(t, err)

	del := func(vid string, bypass bool) error {
		_, err := e.DeleteObjectVersion(ctx, "bkt", "k", DeleteOptions{VersionID: vid, BypassGovernance: bypass})
		return err
	}
	require.ErrorIs(t, del(v1.VersionID, false), ErrObjectLocked)
	require.ErrorIs(t, del(v1.VersionID, true), ErrObjectLocked, "COMPLIANCE is never bypassed")
	require.ErrorIs(t, del(v2.VersionID, false), ErrObjectLocked)
	require.ErrorIs(t, del(v3.VersionID, true), ErrObjectLocked, "a legal hold is never bypassed")
	// Without a version ID: a delete marker, allowed.
	res, err := e.DeleteObjectVersion(ctx, "bkt", "k", DeleteOptions{})
	require.NoError(t, err)
	assert.True(t, res.DeleteMarker)

	// Retention changes.
	_, err = e.SetObjectRetention(ctx, "bkt", "k", v1.VersionID, Retention{Mode: RetentionCompliance, Until: v1.Retention.Until.Add(-time.Minute)}, true)
	require.ErrorIs(t, err, ErrObjectLocked, "COMPLIANCE cannot be shortened")
	_, err = e.SetObjectRetention(ctx, "bkt", "k", v1.VersionID, Retention{Mode: RetentionGovernance, Until: v1.Retention.Until.Add(time.Hour)}, true)
	require.ErrorIs(t, err, ErrObjectLocked, "COMPLIANCE cannot change mode")
	_, err = e.SetObjectRetention(ctx, "bkt", "k", v1.VersionID, Retention{Mode: RetentionCompliance, Until: v1.Retention.Until.Add(time.Hour)}, false)
	require.NoError(t, err, "COMPLIANCE can be extended")
	_, err = e.SetObjectRetention(ctx, "bkt", "k", v2.VersionID, Retention{}, false)
	require.ErrorIs(t, err, ErrObjectLocked, "GOVERNANCE removal needs the bypass")
	_, err = e.SetObjectRetention(ctx, "bkt", "k", v2.VersionID, Retention{Mode: RetentionGovernance, Until: clk.Now().Add(-time.Hour)}, true)
	require.ErrorIs(t, err, ErrInvalidArgument, "a date in the past")
	_, err = e.SetObjectRetention(ctx, "bkt", "k", v2.VersionID, Retention{Mode: RetentionGovernance, Until: clk.Now().Add(time.Minute)}, true)
	require.NoError(t, err, "GOVERNANCE shortened with the bypass")
	require.NoError(t, del(v2.VersionID, true), "GOVERNANCE bypassed")

	// The retention runs out on the engine clock; the hold must be lifted.
	clk.Advance(2 * time.Minute)
	require.ErrorIs(t, del(v3.VersionID, false), ErrObjectLocked)
	_, err = e.SetObjectLegalHold(ctx, "bkt", "k", v3.VersionID, false)
	require.NoError(t, err)
	require.NoError(t, del(v3.VersionID, false))
	require.ErrorIs(t, del(v1.VersionID, false), ErrObjectLocked)
	clk.Advance(25 * time.Hour)
	require.NoError(t, del(v1.VersionID, false))
}

func TestObjectLockRefusals(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "plain", BucketOptions{}))
	_, err := e.PutObject(ctx, "plain", "k", strings.NewReader("x"), 1, PutOptions{LegalHold: true})
	require.ErrorIs(t, err, ErrObjectLockNotEnabled)
	putString(t, e, "plain", "k", "x")
	_, err = e.SetObjectLegalHold(ctx, "plain", "k", "", true)
	require.ErrorIs(t, err, ErrObjectLockNotEnabled)
	require.ErrorIs(t, e.SetBucketConfig(ctx, "plain", &bucketconfig.ObjectLock{}), ErrInvalidBucketState)
	// Enabling Object Lock on a bucket whose versioning is enabled.
	setVersioning(t, e, "plain", "Enabled")
	require.NoError(t, e.SetBucketConfig(ctx, "plain", &bucketconfig.ObjectLock{Mode: "GOVERNANCE", Years: 1}))
	info, err := e.SetObjectLegalHold(ctx, "plain", "k", "", true)
	require.NoError(t, err)
	assert.True(t, info.LegalHold)
	_, err = e.DeleteObjectVersion(ctx, "plain", "k", DeleteOptions{VersionID: NullVersionID})
	require.ErrorIs(t, err, ErrObjectLocked)
	// A copy never takes the source's lock settings, only the default.
	cp, err := e.CopyObject(ctx, "plain", "k", "plain", "c", CopyOptions{})
	require.NoError(t, err)
	assert.False(t, cp.LegalHold)
	assert.Equal(t, RetentionGovernance, cp.Retention.Mode)
	require.ErrorIs(t, e.DeleteBucketConfig(ctx, "plain", ConfigObjectLock), ErrInvalidBucketState)
}

// TestObjectLockAppend: the first append takes the bucket's default
// retention, and a protected appendable version cannot grow.
func TestObjectLockAppend(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{ObjectLock: true}))
	require.NoError(t, e.SetBucketConfig(ctx, "bkt", &bucketconfig.ObjectLock{Mode: "GOVERNANCE", Days: 1}))
	res, err := e.AppendObject(ctx, "bkt", "log", 0, strings.NewReader("a"), 1, PutOptions{})
	require.NoError(t, err)
	assert.Equal(t, RetentionGovernance, res.Info.Retention.Mode)
	_, err = e.AppendObject(ctx, "bkt", "log", 1, strings.NewReader("b"), 1, PutOptions{})
	require.ErrorIs(t, err, ErrObjectLocked)
}

// TestObjectLockCrash: acknowledged Object Lock settings (the bucket's
// and each version's) survive a crash, and still refuse the delete.
func TestObjectLockCrash(t *testing.T) {
	ctx := context.Background()
	fs := vfs.NewCrashableMem()
	opts := testOptions()
	opts.FS, opts.Sync = fs, SyncAlways
	e, err := Open("/db", opts)
	require.NoError(t, err)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{ObjectLock: true}))
	require.NoError(t, e.SetBucketConfig(ctx, "bkt", &bucketconfig.ObjectLock{Mode: "COMPLIANCE", Years: 1}))
	v := putString(t, e, "bkt", "k", "kept")
	_, err = e.SetObjectLegalHold(ctx, "bkt", "k", v.VersionID, true)
	require.NoError(t, err)
	img := fs.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: 50, RNG: rand.New(rand.NewPCG(1, 2))})
	require.NoError(t, e.Close())

	opts = testOptions()
	opts.FS = img
	e, err = Open("/db", opts)
	require.NoError(t, err)
	defer e.Close()
	b, err := e.Bucket(ctx, "bkt")
	require.NoError(t, err)
	assert.True(t, b.ObjectLock)
	info, err := e.HeadObjectVersion(ctx, "bkt", "k", v.VersionID)
	require.NoError(t, err)
	assert.True(t, info.LegalHold)
	assert.Equal(t, RetentionCompliance, info.Retention.Mode)
	_, err = e.SetObjectLegalHold(ctx, "bkt", "k", v.VersionID, false)
	require.NoError(t, err)
	_, err = e.DeleteObjectVersion(ctx, "bkt", "k", DeleteOptions{VersionID: v.VersionID})
	require.ErrorIs(t, err, ErrObjectLocked)
	got, err := readVersion(t, e, "bkt", "k", v.VersionID)
	require.NoError(t, err)
	assert.Equal(t, "kept", got)
}

// TestObjectRetentionChanges: while a retention is in force, anyone may
// extend it in the same mode; any other change to a GOVERNANCE retention
// (shortening, removing, changing its mode, even to COMPLIANCE) needs the
// bypass, and a COMPLIANCE retention allows none. Once it has run out,
// anything goes.
func TestObjectRetentionChanges(t *testing.T) {
	ctx := context.Background()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock = clk
	e := openTest(t, opts)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{ObjectLock: true}))
	const gov, comp = RetentionGovernance, RetentionCompliance
	until := clk.Now().Add(time.Hour)
	later, sooner := until.Add(time.Hour), until.Add(-time.Minute)
	cases := []struct {
		name    string
		from    RetentionMode
		to      Retention
		bypass  bool
		expired bool // the old retention has run out
		locked  bool // ErrObjectLocked
	}{
		{name: "GOVERNANCE to COMPLIANCE", from: gov, to: Retention{comp, until}, locked: true},
		{name: "GOVERNANCE to COMPLIANCE later", from: gov, to: Retention{comp, later}, locked: true},
		{name: "GOVERNANCE to COMPLIANCE with bypass", from: gov, to: Retention{comp, until}, bypass: true},
		{name: "GOVERNANCE extended", from: gov, to: Retention{gov, later}},
		{name: "GOVERNANCE unchanged", from: gov, to: Retention{gov, until}},
		{name: "GOVERNANCE shortened", from: gov, to: Retention{gov, sooner}, locked: true},
		{name: "GOVERNANCE shortened with bypass", from: gov, to: Retention{gov, sooner}, bypass: true},
		{name: "GOVERNANCE removed", from: gov, to: Retention{}, locked: true},
		{name: "GOVERNANCE removed with bypass", from: gov, to: Retention{}, bypass: true},
		{name: "COMPLIANCE to GOVERNANCE", from: comp, to: Retention{gov, later}, locked: true},
		{name: "COMPLIANCE to GOVERNANCE with bypass", from: comp, to: Retention{gov, later}, bypass: true, locked: true},
		{name: "COMPLIANCE extended", from: comp, to: Retention{comp, later}},
		{name: "COMPLIANCE shortened with bypass", from: comp, to: Retention{comp, sooner}, bypass: true, locked: true},
		{name: "COMPLIANCE removed with bypass", from: comp, to: Retention{}, bypass: true, locked: true},
		{name: "COMPLIANCE run out, to GOVERNANCE", from: comp, to: Retention{gov, later}, expired: true},
		{name: "GOVERNANCE run out, to COMPLIANCE", from: gov, to: Retention{comp, later}, expired: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			old := Retention{Mode: c.from, Until: until}
			if c.expired {
				old.Until = clk.Now().Add(time.Minute)
			}
			v, err := e.PutObject(ctx, "bkt", "k", strings.NewReader("v"), 1, PutOptions{Retention: old})
			require.NoError(t, err)
			if c.expired {
				clk.Advance(2 * time.Minute)
			}
			_, err = e.SetObjectRetention(ctx, "bkt", "k", v.VersionID, c.to, c.bypass)
			head, herr := e.HeadObjectVersion(ctx, "bkt", "k", v.VersionID)
			require.NoError(t, herr)
			if c.locked {
				require.ErrorIs(t, err, ErrObjectLocked)
				assert.Equal(t, old, head.Retention, "a refused change leaves the retention as it was")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.to, head.Retention)
		})
	}
}
