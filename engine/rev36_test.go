package engine

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/stretchr/testify/require"
)

// TestRev36NullVersionRestoreEvents: the restore of a null version in a
// bucket with versioning (written before versioning was enabled, or while
// it was suspended) schedules its ObjectRestore:Completed and
// ObjectRestore:Delete for that version, not for whatever is the latest
// when they fall due: a version written over it meanwhile neither
// describes the Completed event (its size and ETag) nor loses the
// Delete; in a bucket without versioning, an object written over the
// one being restored is not described either (its event stays bare, as
// for an object gone). Before, the records' version "" was resolved as
// the latest: Completed described the newer version (or the object
// written over) and Delete was never made.
func TestRev36NullVersionRestoreEvents(t *testing.T) {
	ctx := context.Background()
	e, clk, delivered := rev36RestoreEngine(t)
	require.NoError(t, e.CreateBucket(ctx, "nullv", BucketOptions{}))
	require.NoError(t, e.SetBucketConfig(ctx, "nullv", evt35bRestoreNotification("arn:evt35b")))
	null, err := e.PutObject(ctx, "nullv", "b/k", strings.NewReader("tape"), 4, PutOptions{StorageClass: "GLACIER"})
	require.NoError(t, err)
	setVersioning(t, e, "nullv", "Enabled")
	_, err = e.RestoreObjectWith(ctx, "nullv", "b/k", RestoreOptions{Days: 1})
	require.NoError(t, err)
	newer, err := e.PutObject(ctx, "nullv", "b/k", strings.NewReader("newer"), 5, PutOptions{})
	require.NoError(t, err)
	// In a bucket without versioning, an object written over one being
	// restored is another object: its size and ETag are not the
	// restored one's.
	require.NoError(t, e.CreateBucket(ctx, "plain", BucketOptions{}))
	require.NoError(t, e.SetBucketConfig(ctx, "plain", evt35bRestoreNotification("arn:evt35b")))
	_, err = e.PutObject(ctx, "plain", "b/k", strings.NewReader("tape"), 4, PutOptions{StorageClass: "GLACIER"})
	require.NoError(t, err)
	_, err = e.RestoreObjectWith(ctx, "plain", "b/k", RestoreOptions{Days: 1})
	require.NoError(t, err)
	_, err = e.PutObject(ctx, "plain", "b/k", strings.NewReader("newer"), 5, PutOptions{})
	require.NoError(t, err)

	clk.Advance(2 * time.Minute)
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	clk.Advance(2 * 24 * time.Hour)
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return len(delivered.of("all")) >= 2 }, 5*time.Second, 10*time.Millisecond,
		"two deliveries (before: the null version's Delete was never made)")
	// The null version is named "null" (open37: S3's event structure
	// names a versioned bucket's version). The overwritten object's
	// restore never completed: no event (ev36: before, a bare one).
	require.ElementsMatch(t, []string{"ObjectRestore:Completed b/k@null " + null.ETag, "ObjectRestore:Delete b/k@null"}, delivered.of("all"),
		"the null version's events, not the newer version's (ETag %s)", newer.ETag)
}

// TestEv36NoCompletedForARestoreThatNeverCompleted: an object deleted
// while its restore is in progress has no restored copy to announce, so
// no ObjectRestore:Completed is made. Before, a bare one was; with the
// bucket deleted and created again under its name by another account
// that asks for restore events, the new owner's target was told a key
// of the old bucket.
func TestEv36NoCompletedForARestoreThatNeverCompleted(t *testing.T) {
	ctx := context.Background()
	e, clk, delivered := rev36RestoreEngine(t)
	require.NoError(t, e.CreateBucket(ctx, "reborn", BucketOptions{Owner: "first"}))
	_, err := e.PutObject(ctx, "reborn", "b/secret-plan.txt", strings.NewReader("tape"), 4, PutOptions{StorageClass: "GLACIER"})
	require.NoError(t, err)
	require.NoError(t, e.SetBucketConfig(ctx, "reborn", evt35bRestoreNotification("arn:evt35b")))
	_, err = e.RestoreObjectWith(ctx, "reborn", "b/secret-plan.txt", RestoreOptions{Days: 1})
	require.NoError(t, err)
	require.NoError(t, e.DeleteObject(ctx, "reborn", "b/secret-plan.txt", DeleteOptions{}))
	require.NoError(t, e.DeleteBucket(ctx, "reborn", DeleteBucketOptions{}))
	require.NoError(t, e.CreateBucket(ctx, "reborn", BucketOptions{Owner: "second"}))
	require.NoError(t, e.SetBucketConfig(ctx, "reborn", evt35bRestoreNotification("arn:evt35b")))
	// A restore of the new bucket's own that completes: its event comes.
	_, err = e.PutObject(ctx, "reborn", "b/mine", strings.NewReader("tape"), 4, PutOptions{StorageClass: "GLACIER"})
	require.NoError(t, err)
	_, err = e.RestoreObjectWith(ctx, "reborn", "b/mine", RestoreOptions{Days: 1})
	require.NoError(t, err)

	clk.Advance(2 * time.Minute)
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return len(delivered.of("all")) >= 1 }, 5*time.Second, 10*time.Millisecond)
	time.Sleep(50 * time.Millisecond)
	for _, d := range delivered.of("all") {
		require.NotContains(t, d, "b/secret-plan.txt", "an event of the old bucket's key")
	}
	require.Len(t, delivered.of("all"), 1, "%v", delivered.of("all"))
}

// TestRev36PinNamesTheWriter: a pin names an object, not only a version
// ID, ETag and modification time: in a bucket without versioning every
// object is version "null", so another account's object of the same
// bytes written at the same instant (a clock that does not move between
// the two writes, as the fake's does) matched the pin of the one
// before, and the update made for the first changed the second. The
// owner and the writing dialect are compared too.
func TestRev36PinNamesTheWriter(t *testing.T) {
	ctx := context.Background()
	opts := testOptions()
	opts.Clock = newFakeClock() // reads the same instant until moved
	e := openTest(t, opts)
	require.NoError(t, e.CreateBucket(ctx, "pinned", BucketOptions{}))
	put := func(owner string, d Dialect) ObjectInfo {
		info, err := e.PutObject(ctx, "pinned", "k", strings.NewReader("same"), 4, PutOptions{Owner: owner, Dialect: d})
		require.NoError(t, err)
		return info
	}
	pin := func(i ObjectInfo) *SourcePin {
		return &SourcePin{Found: true, VersionID: i.VersionID, ETag: i.ETag, LastModified: i.LastModified, Owner: i.Owner, Dialect: i.Dialect}
	}
	first := put("owner", DialectS3)
	public := ACL{Canned: "public-read"}
	for _, other := range []struct {
		owner string
		d     Dialect
	}{{"writer", DialectS3}, {"owner", DialectOSS}} {
		put(other.owner, other.d)
		_, err := e.UpdateObject(ctx, "pinned", "k", ObjectUpdate{ACL: &public, Pin: pin(first)})
		require.ErrorIs(t, err, ErrObjectChanged, "%s through %v", other.owner, other.d)
		_, err = e.PutObjectAnnotation(ctx, "pinned", "k", "n", []byte("v"), AnnotationOptions{Pin: pin(first)})
		require.ErrorIs(t, err, ErrObjectChanged, "%s through %v", other.owner, other.d)
		_, err = e.CopyObject(ctx, "pinned", "k", "pinned", "copy", CopyOptions{SourcePin: pin(first)})
		require.ErrorIs(t, err, ErrCopySourceChanged, "%s through %v", other.owner, other.d)
	}
	again := put("owner", DialectS3)
	_, err := e.UpdateObject(ctx, "pinned", "k", ObjectUpdate{ACL: &public, Pin: pin(again)})
	require.NoError(t, err, "the object pinned")
}

// TestRev36OldFormEventRecords: a G/ record written by a build before
// the version ID was in its key (time, bucket, key and event name; the
// version in the value) is made once by this build, for the version its
// value names, and dropped.
func TestRev36OldFormEventRecords(t *testing.T) {
	ctx := context.Background()
	e, clk, delivered := rev36RestoreEngine(t)
	versionedBuckets(t, e, "oldform")
	require.NoError(t, e.SetBucketConfig(ctx, "oldform", evt35bRestoreNotification("arn:evt35b")))
	v1, err := e.PutObject(ctx, "oldform", "b/k", strings.NewReader("tape"), 4, PutOptions{StorageClass: "GLACIER"})
	require.NoError(t, err)
	_, err = e.PutObject(ctx, "oldform", "b/k", strings.NewReader("newer"), 5, PutOptions{})
	require.NoError(t, err)
	_, err = e.RestoreObjectWith(ctx, "oldform", "b/k", RestoreOptions{VersionID: v1.VersionID, Days: 1})
	require.NoError(t, err)
	// Rewrite the Completed record in the earlier form.
	ready := clk.Now().Add(time.Minute)
	newForm := eventAtKey(ready, "oldform", "b/k", "ObjectRestore:Completed", v1.VersionID)
	_, closer, err := e.db.Get(newForm)
	require.NoError(t, err, "the restore's Completed record")
	require.NoError(t, closer.Close())
	require.NoError(t, e.db.Delete(newForm, pebble.NoSync))
	oldForm := newForm[:len(newForm)-len(v1.VersionID)-1]
	require.NoError(t, e.db.Set(oldForm, []byte(v1.VersionID), pebble.NoSync))
	require.Equal(t, map[string]int{"ObjectRestore:Delete oldform/b/k@" + v1.VersionID: 1}, evt35bScheduledNewForm(t, e))

	clk.Advance(2 * time.Minute)
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return len(delivered.of("all")) >= 1 }, 5*time.Second, 10*time.Millisecond)
	time.Sleep(50 * time.Millisecond)
	require.Equal(t, []string{"ObjectRestore:Completed b/k@" + v1.VersionID + " " + v1.ETag}, delivered.of("all"), "once, for the version restored")
	_, closer, err = e.db.Get(oldForm)
	if err == nil {
		closer.Close()
	}
	require.ErrorIs(t, err, pebble.ErrNotFound, "the record is dropped")
}

// evt35bScheduledNewForm is evt35bScheduled skipping records in the
// earlier form (three parts).
func evt35bScheduledNewForm(t *testing.T, e *Engine) map[string]int {
	t.Helper()
	out := map[string]int{}
	it, err := e.db.NewIter(&pebble.IterOptions{LowerBound: []byte(prefixEventAt), UpperBound: []byte("G0")})
	require.NoError(t, err)
	for it.First(); it.Valid(); it.Next() {
		parts := bytes.SplitN(it.Key()[len(prefixEventAt)+8:], []byte{0}, 4)
		if len(parts) == 4 {
			out[fmt.Sprintf("%s %s/%s@%s", parts[2], parts[0], parts[1], it.Value())]++
		}
	}
	require.NoError(t, it.Close())
	return out
}

// rev36RestoreEngine opens an engine on a fake clock whose restores take
// a minute, delivering to "arn:evt35b" events written as name, key at
// version and, when described, the ETag.
func rev36RestoreEngine(t *testing.T) (*Engine, *fakeClock, *deliveryLog) {
	t.Helper()
	clk := newFakeClock()
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	opts.RestoreDelay = time.Minute
	delivered := newDeliveryLog(opts, "arn:evt35b", func(ev Event) string {
		s := ev.EventName + " " + keyAtVersion(ev)
		if ev.S3.Object.Size != nil {
			s += " " + ev.S3.Object.ETag
		}
		return s
	})
	return openTest(t, opts), clk, delivered
}
