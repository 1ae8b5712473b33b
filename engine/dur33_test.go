package engine

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/cockroachdb/pebble/v2/vfs/errorfs"
	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/osslite/osslite/pkg/kms"
	"github.com/osslite/osslite/wal"
	"github.com/stretchr/testify/require"
)

// The durability review of the thirty-third session: operations the crash
// workload of crashsync_test.go does not run (versions and delete markers,
// conditional writes, RenameObject, symlinks, Object Lock retention and
// legal holds, restores, live channels, queued events and replications,
// buckets deleted with their uploads), crashed at every sync.

// dur33Version is what a client sees of one version.
type dur33Version struct {
	Bucket, Key, VersionID string
	Marker, Latest         bool
	Size                   int64
	ETag                   string
	Body                   string // SHA-256 (a prefix), when readable
	Unreadable             bool   // archived and not restored
	Class, Target          string
	Tags                   []Tag
	Lock                   Retention
	Hold                   bool
	Restore                string
	Encryption             string
}

// dur33State is everything the dur33 workload can change, read through the
// public API.
type dur33State struct {
	Buckets  []string
	Versions []dur33Version
	Uploads  []string // bucket/key: parts
	Channels []string // bucket/name: pushes
	Pending  int      // queued event deliveries
	Backlog  int      // queued replications
}

func dur33Observe(t testing.TB, e *Engine) dur33State {
	t.Helper()
	ctx := context.Background()
	var st dur33State
	bs, err := e.ListBuckets(ctx)
	require.NoError(t, err)
	for _, b := range bs {
		st.Buckets = append(st.Buckets, b.Name)
		opts := VersionListOptions{MaxKeys: 4}
		for {
			page, err := e.ListObjectVersions(ctx, b.Name, opts)
			require.NoError(t, err)
			for _, v := range page.Versions {
				dv := dur33Version{Bucket: b.Name, Key: v.Key, VersionID: v.VersionID, Marker: v.DeleteMarker, Latest: v.IsLatest,
					Size: v.Size, ETag: v.ETag, Class: v.StorageClass, Target: v.SymlinkTarget}
				if !v.DeleteMarker {
					vid := cmpOr(v.VersionID, NullVersionID)
					var head ObjectInfo
					if v.SymlinkTarget != "" { // HEAD would follow it
						head, err = e.GetSymlinkVersion(ctx, b.Name, v.Key, vid)
					} else {
						head, err = e.HeadObjectVersion(ctx, b.Name, v.Key, vid)
					}
					require.NoError(t, err, "HEAD %s/%s@%s", b.Name, v.Key, vid)
					require.Equal(t, v.ETag, head.ETag, "list and HEAD of %s/%s@%s", b.Name, v.Key, vid)
					dv.Tags, dv.Lock, dv.Hold = head.Tags, head.Retention, head.LegalHold
					if head.Encryption != nil {
						dv.Encryption = fmt.Sprintf("%d %s", head.Encryption.Mode, head.Encryption.KeyID)
					}
					if head.Restore != nil {
						dv.Restore = fmt.Sprint(*head.Restore)
					}
					if v.SymlinkTarget == "" {
						gopts := GetOptions{VersionID: vid}
						if head.Encryption != nil && head.Encryption.Mode == EncryptCustomer {
							gopts.CustomerKey = customerKey
						}
						obj, err := e.GetObject(ctx, b.Name, v.Key, gopts)
						var archivedErr *ArchivedError
						switch {
						case errors.As(err, &archivedErr) || errors.Is(err, ErrInvalidObjectState):
							dv.Unreadable = true
						default:
							require.NoError(t, err, "GET %s/%s@%s", b.Name, v.Key, vid)
							h := sha256.New()
							n, err := io.Copy(h, obj)
							require.NoError(t, err, "GET %s/%s@%s", b.Name, v.Key, vid)
							require.NoError(t, obj.Close())
							require.Equal(t, v.Size, n, "GET length of %s/%s@%s", b.Name, v.Key, vid)
							dv.Body = fmt.Sprintf("%x", h.Sum(nil)[:8])
						}
					}
				}
				st.Versions = append(st.Versions, dv)
			}
			if !page.IsTruncated {
				break
			}
			opts.KeyMarker, opts.VersionIDMarker = page.NextKeyMarker, page.NextVersionIDMarker
		}
		ups, err := e.ListMultipartUploads(ctx, b.Name, ListUploadsOptions{})
		require.NoError(t, err)
		for _, u := range ups.Uploads {
			lp, err := e.ListParts(ctx, b.Name, u.Key, u.UploadID, ListPartsOptions{})
			require.NoError(t, err)
			s := b.Name + "/" + u.Key + ":"
			for _, p := range lp.Parts {
				s += fmt.Sprintf(" %d=%s/%d", p.PartNumber, p.ETag, p.Size)
			}
			st.Uploads = append(st.Uploads, s)
		}
		chans, _, err := e.ListLiveChannels(ctx, b.Name, ListLiveChannelsOptions{})
		require.NoError(t, err)
		for _, c := range chans {
			full, err := e.LiveChannel(ctx, b.Name, c.Name)
			require.NoError(t, err)
			st.Channels = append(st.Channels, fmt.Sprintf("%s/%s: %d %v", b.Name, c.Name, len(full.History), full.Disabled))
		}
	}
	slices.Sort(st.Uploads)
	st.Pending, err = e.PendingNotifications()
	require.NoError(t, err)
	st.Backlog, err = e.ReplicationBacklog(ctx)
	require.NoError(t, err)
	return st
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// dur33Target refuses every delivery, so queued events stay queued and the
// queue is part of the observed state.
var dur33Target = NotificationTargetFunc(func(context.Context, Event) error { return errors.New("dur33: target down") })

// dur33Options are testOptions with nothing in the background that changes
// what a client sees: replication only by RunPending, events never
// delivered.
func dur33Options(seed uint64) func() *Options {
	keys, err := kms.New(kms.Options{RootKey: bytes.Repeat([]byte{byte(seed)}, 32), Keys: []string{"app"}})
	if err != nil {
		panic(err)
	}
	return func() *Options {
		o := testOptions()
		o.Keys = keys
		if seed%2 == 1 {
			o.InlineThreshold = -1
			o.Compression = wal.Zstd
			o.SegmentSize = int64(o.ChunkSize) + 512
		}
		o.Replication.Interval = time.Hour
		o.NotificationTargets = map[string]NotificationTarget{"arn:dur33": dur33Target}
		o.NotificationRetry, o.NotificationMaxRetry = time.Hour, time.Hour
		return o
	}
}

// dur33Workload runs the operations the crash workload does not.
type dur33Workload struct {
	e       *Engine
	rng     *rand.Rand
	n       int
	temp    []string // buckets made to be deleted
	replNow bool     // a replicated key was just written: replicate it next
	// relax is the SHA-1 (and size) of a body stored for PutObjectByContent.
	relax     []byte
	relaxSize int64
}

const (
	dur33Versioned = "dur-v" // versioned, replicating docs/ to dr
	dur33Plain     = "dur-u" // unversioned, with notifications
	dur33Locked    = "dur-l" // Object Lock
	dur33Replica   = "dur-r"
	dur33Suspended = "dur-s" // versioning suspended: null versions under V/
)

func dur33Setup(t testing.TB, e *Engine) {
	ctx := context.Background()
	for _, b := range []string{dur33Versioned, dur33Replica} {
		require.NoError(t, e.CreateBucket(ctx, b, BucketOptions{}))
		require.NoError(t, e.SetBucketConfig(ctx, b, &bucketconfig.Versioning{Status: "Enabled"}))
	}
	require.NoError(t, e.SetBucketConfig(ctx, dur33Versioned, replicationConfig(dur33Replica, true)))
	require.NoError(t, e.CreateBucket(ctx, dur33Plain, BucketOptions{}))
	require.NoError(t, e.SetBucketConfig(ctx, dur33Plain, &bucketconfig.Notification{Configs: []bucketconfig.NotificationConfig{
		{ID: "all", Type: "Queue", ARN: "arn:dur33", Events: []string{"s3:ObjectCreated:*", "s3:ObjectRemoved:*"}}}}))
	require.NoError(t, e.CreateBucket(ctx, dur33Locked, BucketOptions{ObjectLock: true}))
	require.NoError(t, e.CreateBucket(ctx, dur33Suspended, BucketOptions{}))
	require.NoError(t, e.SetBucketConfig(ctx, dur33Suspended, &bucketconfig.Versioning{Status: "Enabled"}))
	require.NoError(t, e.SetBucketConfig(ctx, dur33Suspended, &bucketconfig.Versioning{Status: "Suspended"}))
}

func (w *dur33Workload) size() int {
	c := w.e.opts.ChunkSize
	return []int{0, 10, w.e.opts.InlineThreshold + 1, c + 7, 3*c + 1, 5 * c}[w.rng.IntN(6)]
}

func (w *dur33Workload) key() string { return fmt.Sprintf("k%d", w.rng.IntN(4)) }

// versions lists the versions of bucket (not markers unless markers).
func (w *dur33Workload) versions(ctx context.Context, bucket string, markers bool) []ObjectInfo {
	page, err := w.e.ListObjectVersions(ctx, bucket, VersionListOptions{})
	if err != nil {
		return nil
	}
	return slices.DeleteFunc(page.Versions, func(v ObjectInfo) bool { return v.DeleteMarker && !markers })
}

func (w *dur33Workload) pick(vs []ObjectInfo) (ObjectInfo, bool) {
	if len(vs) == 0 {
		return ObjectInfo{}, false
	}
	return vs[w.rng.IntN(len(vs))], true
}

// expected says whether err is a refusal the operation may meet.
func dur33Expected(err error) bool {
	for _, ok := range []error{ErrPreconditionFailed, ErrObjectLocked, ErrNoSuchKey, ErrNoSuchVersion,
		ErrRestoreAlreadyInProgress, ErrInvalidObjectState, ErrNoSuchLiveChannel} {
		if errors.Is(err, ok) {
			return true
		}
	}
	return false
}

func (w *dur33Workload) put(ctx context.Context, bucket, key string, opts PutOptions) (ObjectInfo, error) {
	data := randBytes(w.rng, w.size())
	opts.User = map[string]string{"n": fmt.Sprint(w.n)}
	return w.e.PutObject(ctx, bucket, key, bytes.NewReader(data), int64(len(data)), opts)
}

func (w *dur33Workload) step(ctx context.Context) (string, error) {
	e, rng := w.e, w.rng
	w.n++
	now := e.now()
	if w.replNow {
		w.replNow = false
		_, err := e.RunPending(ctx)
		return "RunPending (replication or scheduled deletion)", err
	}
	if rng.IntN(3) == 0 {
		return w.stepMore(ctx, now)
	}
	switch op := rng.IntN(100); {
	case op < 10:
		k := w.key()
		if rng.IntN(3) == 0 {
			k = "docs/" + k
			w.replNow = true
		}
		_, err := w.put(ctx, dur33Versioned, k, PutOptions{})
		return "PutObject versioned", err
	case op < 16:
		_, err := e.DeleteObjectVersion(ctx, dur33Versioned, w.key(), DeleteOptions{})
		return "DeleteObject (marker)", err
	case op < 22:
		v, ok := w.pick(w.versions(ctx, dur33Versioned, true))
		if !ok {
			return "no version", nil
		}
		_, err := e.DeleteObjectVersion(ctx, dur33Versioned, v.Key, DeleteOptions{VersionID: v.VersionID})
		return "DeleteObjectVersion", err
	case op < 30:
		// Conditional writes, in either bucket, holding or not.
		b := []string{dur33Versioned, dur33Plain}[rng.IntN(2)]
		k := w.key()
		var opts PutOptions
		if rng.IntN(2) == 0 {
			opts.IfNoneMatch = "*"
		} else {
			opts.IfMatch = `"nope"`
			if info, err := e.HeadObject(ctx, b, k); err == nil && rng.IntN(3) > 0 {
				opts.IfMatch = info.ETag
			}
		}
		_, err := w.put(ctx, b, k, opts)
		if dur33Expected(err) {
			return "PutObject conditional (refused)", nil
		}
		return "PutObject conditional", err
	case op < 38:
		_, err := w.put(ctx, dur33Plain, w.key(), PutOptions{})
		return "PutObject plain", err
	case op < 46:
		v, ok := w.pick(w.versions(ctx, dur33Plain, false))
		if !ok || v.SymlinkTarget != "" {
			return "nothing to rename", nil
		}
		var opts RenameOptions
		if rng.IntN(3) == 0 {
			opts.Destination.IfNoneMatch = "*"
		}
		_, err := e.RenameObject(ctx, dur33Plain, v.Key, w.key(), opts)
		if dur33Expected(err) {
			return "RenameObject (refused)", nil
		}
		return "RenameObject", err
	case op < 50:
		_, err := e.PutSymlink(ctx, dur33Plain, "link"+w.key(), w.key(), PutOptions{})
		return "PutSymlink", err
	case op < 54:
		err := e.DeleteObject(ctx, dur33Plain, []string{w.key(), "link" + w.key()}[rng.IntN(2)], DeleteOptions{})
		return "DeleteObject plain", err
	case op < 60:
		opts := PutOptions{}
		if rng.IntN(2) == 0 {
			opts.Retention = Retention{Mode: RetentionGovernance, Until: now.Add(time.Duration(1+rng.IntN(9)) * time.Hour)}
		}
		if rng.IntN(3) == 0 {
			opts.LegalHold, opts.LegalHoldSet = true, true
		}
		_, err := w.put(ctx, dur33Locked, w.key(), opts)
		return "PutObject locked", err
	case op < 66:
		v, ok := w.pick(w.versions(ctx, dur33Locked, false))
		if !ok {
			return "no locked version", nil
		}
		var err error
		if rng.IntN(2) == 0 {
			_, err = e.SetObjectLegalHold(ctx, dur33Locked, v.Key, v.VersionID, !v.LegalHold)
		} else {
			r := Retention{Mode: RetentionGovernance, Until: now.Add(time.Duration(1+rng.IntN(20)) * time.Hour)}
			if rng.IntN(4) == 0 {
				r = Retention{}
			}
			_, err = e.SetObjectRetention(ctx, dur33Locked, v.Key, v.VersionID, r, rng.IntN(2) == 0)
		}
		if dur33Expected(err) {
			return "retention or hold (refused)", nil
		}
		return "retention or hold", err
	case op < 70:
		v, ok := w.pick(w.versions(ctx, dur33Locked, true))
		if !ok {
			return "no locked version", nil
		}
		_, err := e.DeleteObjectVersion(ctx, dur33Locked, v.Key, DeleteOptions{VersionID: v.VersionID, BypassGovernance: rng.IntN(2) == 0})
		if dur33Expected(err) {
			return "DeleteObjectVersion locked (refused)", nil
		}
		return "DeleteObjectVersion locked", err
	case op < 74:
		_, err := w.put(ctx, dur33Plain, "cold"+w.key(), PutOptions{StorageClass: "GLACIER"})
		return "PutObject GLACIER", err
	case op < 78:
		_, err := e.RestoreObject(ctx, dur33Plain, "cold"+w.key(), 1+rng.IntN(3))
		if dur33Expected(err) {
			return "RestoreObject (refused)", nil
		}
		return "RestoreObject", err
	case op < 82:
		name := fmt.Sprintf("ch%d", rng.IntN(2))
		var err error
		switch rng.IntN(3) {
		case 0:
			_, err = e.PutLiveChannel(ctx, dur33Plain, LiveChannel{Name: name, Type: "HLS", FragDuration: 5, FragCount: 3,
				PlaylistName: "playlist.m3u8", Disabled: rng.IntN(2) == 0})
		case 1:
			err = e.AddLivePush(ctx, dur33Plain, name, LivePush{Start: now, End: now.Add(time.Second), RemoteAddr: "127.0.0.1:1"})
		default:
			err = e.DeleteLiveChannel(ctx, dur33Plain, name)
		}
		if dur33Expected(err) {
			return "live channel (refused)", nil
		}
		return "live channel", err
	case op < 86:
		b, err := e.Bucket(ctx, dur33Plain)
		if err != nil {
			return "Bucket", err
		}
		return "Publish", e.Publish(ctx, NewEvent("ObjectCreated:Put", b, w.key(), now))
	case op < 95:
		// A bucket filled, given an upload with parts, emptied and deleted
		// with the upload.
		if len(w.temp) == 0 || rng.IntN(3) == 0 {
			b := fmt.Sprintf("dt-%d", w.n)
			err := e.CreateBucket(ctx, b, BucketOptions{})
			if err == nil {
				w.temp = append(w.temp, b)
			}
			return "CreateBucket", err
		}
		b := w.temp[rng.IntN(len(w.temp))]
		switch rng.IntN(4) {
		case 0:
			_, err := w.put(ctx, b, w.key(), PutOptions{})
			return "PutObject temp", err
		case 1:
			ups, err := e.ListMultipartUploads(ctx, b, ListUploadsOptions{})
			if err != nil {
				return "ListMultipartUploads", err
			}
			if len(ups.Uploads) == 0 {
				_, err := e.CreateMultipartUpload(ctx, b, w.key(), PutOptions{})
				return "CreateMultipartUpload", err
			}
			u := ups.Uploads[0]
			data := randBytes(rng, w.size())
			_, err = e.UploadPart(ctx, b, u.Key, u.UploadID, 1+rng.IntN(2), bytes.NewReader(data), int64(len(data)), PartOptions{})
			return "UploadPart", err
		default:
			page, err := e.ListObjects(ctx, b, ListOptions{})
			if err != nil {
				return "ListObjects", err
			}
			if len(page.Objects) > 0 {
				_, err := e.DeleteObjects(ctx, b, []string{page.Objects[0].Key})
				return "DeleteObjects temp", err
			}
			err = e.DeleteBucket(ctx, b, DeleteBucketOptions{AbortUploads: true})
			if err == nil {
				w.temp = slices.DeleteFunc(w.temp, func(s string) bool { return s == b })
			}
			return "DeleteBucket with uploads", err
		}
	default:
		if err := e.log.Rotate(); err != nil {
			return "Rotate", err
		}
		_, err := e.Compact(ctx, CompactOptions{MinLiveRatio: 0.9})
		return "Compact", err
	}
}

// stepMore runs the rarer kinds: suspended versioning, S3 appends,
// copies into a versioned bucket, scheduled deletions, streamed and
// encrypted writes, conditional Complete, content-addressed puts.
func (w *dur33Workload) stepMore(ctx context.Context, now time.Time) (string, error) {
	e, rng := w.e, w.rng
	switch op := rng.IntN(100); {
	case op < 15:
		_, err := w.put(ctx, dur33Suspended, w.key(), PutOptions{})
		return "PutObject suspended", err
	case op < 25:
		_, err := e.DeleteObjectVersion(ctx, dur33Suspended, w.key(), DeleteOptions{})
		return "DeleteObject suspended", err
	case op < 32:
		v, ok := w.pick(w.versions(ctx, dur33Suspended, true))
		if !ok {
			return "no suspended version", nil
		}
		_, err := e.DeleteObjectVersion(ctx, dur33Suspended, v.Key, DeleteOptions{VersionID: cmpOr(v.VersionID, NullVersionID)})
		return "DeleteObjectVersion suspended", err
	case op < 42:
		k := fmt.Sprintf("ext%d", rng.IntN(2))
		info, err := e.HeadObject(ctx, dur33Plain, k)
		if errors.Is(err, ErrNoSuchKey) {
			_, err := w.put(ctx, dur33Plain, k, PutOptions{})
			return "PutObject to extend", err
		}
		if err != nil {
			return "HeadObject", err
		}
		data := randBytes(rng, max(1, w.size()))
		_, err = e.ExtendObject(ctx, dur33Plain, k, info.Size, bytes.NewReader(data), int64(len(data)), PutOptions{})
		return "ExtendObject", err
	case op < 50:
		v, ok := w.pick(w.versions(ctx, dur33Plain, false))
		if !ok || v.SymlinkTarget != "" || v.StorageClass == "GLACIER" || v.Encryption != nil {
			return "nothing to copy", nil
		}
		_, err := e.CopyObject(ctx, dur33Plain, v.Key, dur33Versioned, w.key(), CopyOptions{})
		return "CopyObject into versioned", err
	case op < 57:
		v, ok := w.pick(w.versions(ctx, dur33Plain, false))
		if !ok || v.SymlinkTarget != "" {
			return "nothing to schedule", nil
		}
		info, err := e.HeadObject(ctx, dur33Plain, v.Key)
		if err != nil {
			return "HeadObject", err
		}
		err = e.ScheduleDeletion(ctx, dur33Plain, v.Key, info, now)
		if err == nil {
			w.replNow = true
		}
		return "ScheduleDeletion", err
	case op < 67:
		wr, err := e.NewWriter(ctx, dur33Versioned, w.key(), PutOptions{})
		if err != nil {
			return "NewWriter", err
		}
		for range 1 + rng.IntN(3) {
			if _, err := wr.Write(randBytes(rng, w.size())); err != nil {
				wr.Abort()
				return "Writer.Write", err
			}
		}
		return "Writer", wr.Close()
	case op < 80:
		enc := []Encryption{{Mode: EncryptManaged}, {Mode: EncryptKMS, KeyID: "alias/app", BucketKey: rng.IntN(2) == 0},
			{Mode: EncryptCustomer, CustomerKey: customerKey}}[rng.IntN(3)]
		_, err := w.put(ctx, []string{dur33Plain, dur33Versioned}[rng.IntN(2)], "sse"+w.key(), PutOptions{Encryption: enc})
		return "PutObject encrypted", err
	case op < 92:
		// A conditional Complete in the versioned bucket, its upload
		// made and its part uploaded by earlier steps.
		ups, err := e.ListMultipartUploads(ctx, dur33Versioned, ListUploadsOptions{})
		if err != nil {
			return "ListMultipartUploads", err
		}
		if len(ups.Uploads) == 0 {
			_, err := e.CreateMultipartUpload(ctx, dur33Versioned, "mp"+w.key(), PutOptions{})
			return "CreateMultipartUpload versioned", err
		}
		u := ups.Uploads[0]
		lp, err := e.ListParts(ctx, dur33Versioned, u.Key, u.UploadID, ListPartsOptions{})
		if err != nil {
			return "ListParts", err
		}
		if len(lp.Parts) == 0 || rng.IntN(3) == 0 {
			data := randBytes(rng, w.size())
			_, err := e.UploadPart(ctx, dur33Versioned, u.Key, u.UploadID, len(lp.Parts)+1, bytes.NewReader(data), int64(len(data)), PartOptions{})
			return "UploadPart versioned", err
		}
		var parts []CompletePart
		for _, p := range lp.Parts {
			parts = append(parts, CompletePart{PartNumber: p.PartNumber, ETag: p.ETag})
		}
		opts := CompleteOptions{MinPartSize: -1}
		if rng.IntN(2) == 0 {
			opts.IfNoneMatch = "*"
		}
		_, err = e.CompleteMultipartUpload(ctx, dur33Versioned, u.Key, u.UploadID, parts, opts)
		if dur33Expected(err) {
			return "CompleteMultipartUpload conditional (refused)", nil
		}
		return "CompleteMultipartUpload versioned", err
	default:
		// A content-addressed put (Sina Relax) of a body an earlier step
		// stored.
		if w.relax == nil {
			data := randBytes(rng, w.size())
			_, err := w.e.PutObject(ctx, dur33Plain, "src"+w.key(), bytes.NewReader(data), int64(len(data)), PutOptions{})
			if err == nil {
				sum := sha1.Sum(data)
				w.relax, w.relaxSize = sum[:], int64(len(data))
			}
			return "PutObject indexed", err
		}
		sum, size := w.relax, w.relaxSize
		w.relax = nil
		_, err := e.PutObjectByContent(ctx, dur33Plain, "dup"+w.key(), sum, size, PutOptions{})
		if errors.Is(err, ErrNoSuchContent) { // the body was overwritten or deleted since
			return "PutObjectByContent (refused)", nil
		}
		return "PutObjectByContent", err
	}
}

// TestDur33CrashEverySync runs the dur33 workload and takes a crash image
// at every sync, as TestCrashEverySync does for the basic write kinds.
// Each image must open to the state after some prefix of the acknowledged
// operations (the last acknowledged or the one in flight), pass the audit,
// survive Compact unchanged, and hold no more blob-log bytes than its live
// ones once compacted.
func TestDur33CrashEverySync(t *testing.T) {
	seeds, ops := 4, 150
	if testing.Short() {
		seeds, ops = 1, 50
	}
	total := 0
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { total += dur33RunEverySync(t, seed, ops) })
	}
	t.Logf("%d crash points checked", total)
}

func dur33RunEverySync(t *testing.T, seed uint64, nops int) int {
	cfg := dur33Options(seed)
	rec := newSyncRecorder(seed)
	opts := cfg()
	opts.FS = rec.fs()
	opts.Sync = SyncAlways
	e, err := Open("/db", opts)
	require.NoError(t, err)
	dur33Setup(t, e)
	w := &dur33Workload{e: e, rng: rand.New(rand.NewPCG(seed, 3))}
	history, names := recordSteps(t, rec, nops, w.step, func() dur33State { return dur33Observe(t, e) })
	kinds := countNames(names)
	e.audit(t)
	require.NoError(t, e.Close())

	images := rec.taken()
	t.Logf("%d ops %v, %d crash images", nops, kinds, len(images))
	for n, img := range images {
		allowed := history[img.lo:min(img.hi+1, len(history))]
		where := fmt.Sprintf("image %d (sync of %s after %d acknowledged ops)", n, img.path, img.lo)
		// A replication pass commits each replica before it settles the
		// item: cut short, the next pass finishes it (a replica already
		// there is success), so the image must converge to the state after
		// the pass once a pass runs.
		resume := img.lo < len(names) && strings.HasPrefix(names[img.lo], "RunPending")
		dur33CheckImage(t, cfg, img.fs, allowed, resume, where)
	}
	return len(images)
}

// dur33CheckImage opens a crash image and checks it against the allowed
// states, the audit, Compact and the space it holds.
func dur33CheckImage(t *testing.T, cfg func() *Options, fs vfs.FS, allowed []dur33State, resume bool, where string) dur33State {
	t.Helper()
	ctx := context.Background()
	o := cfg()
	o.FS = fs
	o.Sync = SyncAlways
	re, err := Open("/db", o)
	require.NoError(t, err, "%s must open", where)
	defer func() { require.NoError(t, re.Close()) }()
	got := dur33Observe(t, re)
	if resume && !slices.ContainsFunc(allowed, func(s dur33State) bool { return reflect.DeepEqual(s, got) }) {
		require.NoError(t, re.auditErr(), "%s, before resuming", where)
		_, err := re.RunPending(ctx)
		require.NoError(t, err, where)
		got = dur33Observe(t, re)
		allowed = allowed[len(allowed)-1:]
		where += ", resumed by RunPending"
	}
	if !slices.ContainsFunc(allowed, func(s dur33State) bool { return reflect.DeepEqual(s, got) }) {
		require.Equal(t, allowed[len(allowed)-1], got, "%s: not a state of the acknowledged history (diff against the newest allowed)", where)
	}
	require.NoError(t, re.auditErr(), where)
	require.NoError(t, re.log.Rotate())
	_, err = re.Compact(ctx, CompactOptions{MinLiveRatio: 0.99})
	require.NoError(t, err, where)
	require.NoError(t, re.auditErr(), "%s, after Compact", where)
	require.Equal(t, got, dur33Observe(t, re), "%s, after Compact", where)
	dur33CheckSpace(t, re, where)
	return got
}

// dur33CheckSpace checks that a compacted store keeps no dead bytes in
// sealed segments: every blob-log byte outside the active segment is live.
func dur33CheckSpace(t *testing.T, e *Engine, where string) {
	t.Helper()
	live, err := e.liveBytes()
	require.NoError(t, err)
	active := e.log.ActiveSegment()
	for _, s := range e.log.Segments() {
		if s.ID == active {
			continue
		}
		require.Positive(t, live[s.ID], "%s: sealed segment %d (%d bytes) holds nothing live after Compact", where, s.ID, s.Size)
	}
}

// TestDur33LifecycleCrash crashes a lifecycle pass (expirations, delete
// markers of a versioned bucket, transitions, noncurrent expirations and
// transitions, removal of expired delete markers, aborts of uploads) at
// every sync. A pass keeps no state: each image must open, pass the
// audit, and after one more pass at the same time on the clock hold
// exactly what the uninterrupted pass left.
func TestDur33LifecycleCrash(t *testing.T) {
	seeds := 2
	if testing.Short() {
		seeds = 1
	}
	total := 0
	for seed := uint64(1); seed <= uint64(seeds); seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { total += dur33RunLifecycleCrash(t, seed) })
	}
	t.Logf("%d crash points checked", total)
}

func dur33RunLifecycleCrash(t *testing.T, seed uint64) int {
	ctx := context.Background()
	base := dur33Options(seed)
	cfg := func(days int) func() *Options {
		return func() *Options {
			o := base()
			clk := newFakeClock()
			clk.Advance(time.Duration(days) * 24 * time.Hour)
			o.Clock = clk
			o.CompactInterval = -1 // passes run only when the test says
			return o
		}
	}
	rec := newSyncRecorder(seed)
	opts := cfg(0)()
	clk := opts.Clock.(*fakeClock)
	opts.FS = rec.fs()
	opts.Sync = SyncAlways
	e, err := Open("/db", opts)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(seed, 3))
	w := &dur33Workload{e: e, rng: rng}
	for _, b := range []string{"life-v", "life-u"} {
		require.NoError(t, e.CreateBucket(ctx, b, BucketOptions{}))
	}
	require.NoError(t, e.SetBucketConfig(ctx, "life-v", &bucketconfig.Versioning{Status: "Enabled"}))
	rules := []bucketconfig.LifecycleRule{
		{ID: "exp", Enabled: true, Filter: bucketconfig.LifecycleFilter{Prefix: "exp/"}, Expiration: &bucketconfig.LifecycleExpiration{Days: 1}},
		{ID: "tr", Enabled: true, Filter: bucketconfig.LifecycleFilter{Prefix: "tr/"},
			Transitions: []bucketconfig.LifecycleTransition{{Days: 1, StorageClass: "IA"}}},
		{ID: "nc", Enabled: true, Filter: bucketconfig.LifecycleFilter{Prefix: "nc/"},
			NoncurrentExpiration:  &bucketconfig.NoncurrentExpiration{Days: 1, NewerNoncurrent: 1},
			NoncurrentTransitions: []bucketconfig.LifecycleTransition{{Days: 1, StorageClass: "IA"}}},
		{ID: "dm", Enabled: true, Filter: bucketconfig.LifecycleFilter{Prefix: "dm/"},
			Expiration: &bucketconfig.LifecycleExpiration{ExpiredObjectDeleteMarker: true}},
		{ID: "up", Enabled: true, AbortUploads: &bucketconfig.LifecycleAbort{Days: 1}},
	}
	for _, b := range []string{"life-v", "life-u"} {
		require.NoError(t, e.SetBucketConfig(ctx, b, &bucketconfig.Lifecycle{Rules: rules}))
		for i := range 4 {
			for _, p := range []string{"exp/", "tr/", "keep/"} {
				_, err := w.put(ctx, b, fmt.Sprintf("%s%d", p, i), PutOptions{})
				require.NoError(t, err)
			}
			for range 3 {
				_, err := w.put(ctx, b, fmt.Sprintf("nc/%d", i), PutOptions{})
				require.NoError(t, err)
				clk.Advance(time.Hour)
			}
			id, err := e.CreateMultipartUpload(ctx, b, fmt.Sprintf("up/%d", i), PutOptions{})
			require.NoError(t, err)
			data := randBytes(rng, w.size())
			_, err = e.UploadPart(ctx, b, fmt.Sprintf("up/%d", i), id, 1, bytes.NewReader(data), int64(len(data)), PartOptions{})
			require.NoError(t, err)
		}
	}
	for i := range 4 { // delete markers hiding nothing, and one hiding a version
		k := fmt.Sprintf("dm/%d", i)
		v, err := w.put(ctx, "life-v", k, PutOptions{})
		require.NoError(t, err)
		_, err = e.DeleteObjectVersion(ctx, "life-v", k, DeleteOptions{})
		require.NoError(t, err)
		if i > 0 {
			_, err = e.DeleteObjectVersion(ctx, "life-v", k, DeleteOptions{VersionID: v.VersionID})
			require.NoError(t, err)
		}
	}
	clk.Advance(3*24*time.Hour - 12*time.Hour)
	before := dur33Observe(t, e)
	rec.recording.Store(true)
	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	rec.recording.Store(false)
	after := dur33Observe(t, e)
	e.audit(t)
	require.NoError(t, e.Close())
	require.NotEqual(t, before, after)
	images := rec.taken()
	t.Logf("pass %+v, %d crash images", st, len(images))
	require.Positive(t, st.Expired)
	require.Positive(t, st.Transitioned)
	require.Positive(t, st.NoncurrentExpired)
	require.Positive(t, st.UploadsAborted)
	require.Positive(t, st.MarkersRemoved)
	for n, img := range images {
		where := fmt.Sprintf("image %d of %d", n, len(images))
		o := cfg(3)()
		o.Clock = fixedClock(clk.Now())
		o.FS, o.Sync = img.fs, SyncAlways
		re, err := Open("/db", o)
		require.NoError(t, err, "%s must open", where)
		dur33Observe(t, re) // every version readable
		require.NoError(t, re.auditErr(), where)
		_, err = re.RunPending(ctx)
		require.NoError(t, err, where)
		require.Equal(t, dur33NoMarkerIDs(after), dur33NoMarkerIDs(dur33Observe(t, re)), "%s: another pass must finish the pass cut short", where)
		require.NoError(t, re.auditErr(), "%s, after the pass", where)
		require.NoError(t, re.log.Rotate())
		_, err = re.Compact(ctx, CompactOptions{MinLiveRatio: 0.99})
		require.NoError(t, err, where)
		dur33CheckSpace(t, re, where)
		require.NoError(t, re.Close())
	}
	return len(images)
}

// dur33NoMarkerIDs drops the version IDs of delete markers: those a pass
// writes take the sequence of the engine that wrote them, which restarts
// with the process (the clock standing still in the test).
func dur33NoMarkerIDs(s dur33State) dur33State {
	s.Versions = slices.Clone(s.Versions)
	for i := range s.Versions {
		if s.Versions[i].Marker {
			s.Versions[i].VersionID = ""
		}
	}
	return s
}

// fixedClock is a clock stopped at one instant.
type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

// TestDur33IOErrors fails one blob-log file operation other than a sync
// (create, open, write, read, close, remove, rename, directory) at a time
// with ENOSPC or EIO, at evenly spread points of the crash workload: the
// operation that meets it fails with an error or succeeds (never a panic,
// never an acknowledged write that is not there), the store keeps
// serving the operations after it, and a crash image taken at the end
// opens to a state the live store showed, passes the audit and keeps no
// dead segment once compacted.
func TestDur33IOErrors(t *testing.T) {
	nops, points := 60, 150
	if testing.Short() {
		nops, points = 20, 30
	}
	for seed := uint64(1); seed <= 2; seed++ {
		_, n := dur33RunIOError(t, seed, -1, nops, nil)
		require.Positive(t, n)
		history, _ := dur33RunIOError(t, seed, -1, nops, nil)
		step := max(1, n/points)
		injected := 0
		for i := 0; i < n; i += step {
			dur33RunIOError(t, seed, i, nops, history)
			injected++
		}
		t.Logf("seed %d: %d blob-log operations, %d failed one at a time; %d runs left the store refusing writes", seed, n, injected, unusable.Swap(0))
		if testing.Short() {
			break
		}
	}
}

// dur33IOErrorKind says whether an operation is one TestDur33IOErrors may
// fail: any of the blob log's but a sync (TestSyncFailure's).
func dur33IOErrorKind(op errorfs.Op) bool {
	return strings.Contains(op.Path, "/blobs") && !isSyncOp(op.Kind) && op.Kind != errorfs.OpLock
}

// unusable counts the runs TestDur33IOErrors left refusing writes.
var unusable atomic.Int64

func dur33RunIOError(t *testing.T, seed uint64, fail, nops int, history []storeState) ([]storeState, int) {
	ctx := context.Background()
	mem := vfs.NewCrashableMem()
	var (
		on       atomic.Bool
		count    atomic.Int64
		failedAt atomic.Value
	)
	errs := []error{syscall.ENOSPC, syscall.EIO}
	inj := errorfs.InjectorFunc(func(op errorfs.Op) error {
		if !on.Load() || !dur33IOErrorKind(op) || count.Add(1)-1 != int64(fail) {
			return nil
		}
		failedAt.Store(fmt.Sprintf("%v %s", op.Kind, op.Path))
		return fmt.Errorf("dur33 injected: %w", errs[fail%2])
	})
	opts := testOptions()
	opts.FS = errorfs.Wrap(mem, inj)
	opts.Sync = SyncAlways
	opts.CompactInterval = -1
	e, err := Open("/db", opts)
	require.NoError(t, err)
	where := fmt.Sprintf("seed %d: blob-log operation %d failed", seed, fail)
	states := []storeState{observe(t, e)}
	seen := states
	w := newCrashWorkload(e, rand.New(rand.NewPCG(seed, 3)))
	failures := 0
	for i := 0; i < nops; i++ {
		on.Store(true)
		name, err, fatal := stepRecover(ctx, w)
		on.Store(false)
		require.Nil(t, fatal, "%s (%v): op %d %s panicked", where, failedAt.Load(), i, name)
		if err == nil {
			states = append(states, observe(t, e))
			seen = states[len(states)-1:]
			if history != nil && failures == 0 {
				require.Equal(t, history[len(states)-1], states[len(states)-1], "%s: op %d %s succeeded with another result", where, i, name)
			}
			continue
		}
		failures++
		require.True(t, errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EIO), "%s (%v): op %d %s: %v", where, failedAt.Load(), i, name, err)
		seen = append(seen, observe(t, e))
		if history != nil && failures == 1 {
			// The workload's choices depend on what exists: after a
			// failure it goes its own way, checked only by the audit.
			history = nil
		}
	}
	require.NoError(t, e.auditErr(), "%s (%v), live store", where, failedAt.Load())
	// The store still takes writes, unless the blob log is unusable after a
	// failed write (wal's documented fail-stop), which then refuses them.
	if len(w.buckets) > 0 {
		data := bytes.Repeat([]byte("z"), 3*e.opts.ChunkSize)
		_, err := e.PutObject(ctx, w.buckets[0], "after-fault", bytes.NewReader(data), int64(len(data)), PutOptions{})
		if err == nil {
			states = append(states, observe(t, e))
			seen = states[len(states)-1:]
		} else {
			require.True(t, errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EIO), "%s (%v): %v", where, failedAt.Load(), err)
			unusable.Add(1)
			seen = append(seen, observe(t, e))
		}
	}
	img := mem.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: 0})
	require.NoError(t, e.Close(), where)
	checkImage(t, testOptions, img, seen, where)
	// No segment a failed write, rotation or removal left behind stays.
	o := testOptions()
	o.FS, o.CompactInterval = img, -1
	re, err := Open("/db", o)
	require.NoError(t, err, where)
	require.NoError(t, re.log.Rotate())
	_, err = re.Compact(ctx, CompactOptions{MinLiveRatio: 0.99})
	require.NoError(t, err, where)
	dur33CheckSpace(t, re, fmt.Sprintf("%s (%v)", where, failedAt.Load()))
	require.NoError(t, re.Close())
	return states, int(count.Load())
}

// TestDur33SegmentCreateFailure: when the blob log cannot create its next
// segment (ENOSPC on the directory entry, EMFILE), the write that needed
// it fails, and the next writes go on once the file can be made: the
// active segment was synced and is intact, so nothing makes the log
// unusable until a restart (a failed write or fsync does, wal's
// fail-stop). The store then reopens with every acknowledged body.
func TestDur33SegmentCreateFailure(t *testing.T) {
	ctx := context.Background()
	mem := vfs.NewCrashableMem()
	var failNext atomic.Bool
	inj := errorfs.InjectorFunc(func(op errorfs.Op) error {
		if op.Kind == errorfs.OpCreate && strings.HasSuffix(op.Path, ".blob") && failNext.CompareAndSwap(true, false) {
			return fmt.Errorf("dur33 injected: %w", syscall.ENOSPC)
		}
		return nil
	})
	opts := testOptions()
	opts.FS, opts.Sync, opts.CompactInterval = errorfs.Wrap(mem, inj), SyncAlways, -1
	e, err := Open("/db", opts)
	require.NoError(t, err)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	rng := rand.New(rand.NewPCG(1, 2))
	bodies := map[string][]byte{}
	failNext.Store(true)
	failed := 0
	for i := 0; i < 40; i++ {
		k := fmt.Sprintf("k%d", i)
		data := randBytes(rng, 3*e.opts.ChunkSize)
		_, err := e.PutObject(ctx, "bkt", k, bytes.NewReader(data), int64(len(data)), PutOptions{})
		if err != nil {
			require.ErrorIs(t, err, syscall.ENOSPC)
			failed++
			continue
		}
		bodies[k] = data
	}
	require.False(t, failNext.Load(), "the blob log rotated")
	require.Equal(t, 1, failed, "only the write that needed the segment fails")
	e.audit(t)
	img := mem.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: 0})
	require.NoError(t, e.Close())
	opts = testOptions()
	opts.FS = img
	re, err := Open("/db", opts)
	require.NoError(t, err)
	defer func() { require.NoError(t, re.Close()) }()
	re.audit(t)
	for k, want := range bodies {
		got, _ := readAll(t, re, "bkt", k, GetOptions{})
		require.Equal(t, want, got, k)
	}
}

// TestDur33ReadAcrossCompaction: a GET that has started streaming
// finishes with the right bytes while its object is deleted or
// overwritten and Compact removes or rewrites the segments it reads, on
// a store on a vfs (disk-like, read through chunk buffers) as in memory;
// once the reader closes, the space is reclaimed.
func TestDur33ReadAcrossCompaction(t *testing.T) {
	ctx := context.Background()
	for _, disk := range []bool{false, true} {
		for _, size := range []int{3, 9} { // chunks: the shared log, a stream's own segments
			t.Run(fmt.Sprintf("disk=%v/chunks=%d", disk, size), func(t *testing.T) {
				opts := testOptions()
				opts.CompactInterval = -1
				dir := ""
				if disk {
					opts.FS, dir = vfs.NewMem(), "/db"
				}
				e, err := Open(dir, opts)
				require.NoError(t, err)
				defer func() { require.NoError(t, e.Close()) }()
				require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
				rng := rand.New(rand.NewPCG(uint64(size), 1))
				keep := randBytes(rng, 2*e.opts.ChunkSize) // shares segments with the body read
				put(t, e, "bkt", "keep", keep)
				data := randBytes(rng, size*e.opts.ChunkSize+5)
				put(t, e, "bkt", "k", data)
				put(t, e, "bkt", "keep2", keep)
				obj, err := e.GetObject(ctx, "bkt", "k", GetOptions{})
				require.NoError(t, err)
				first := make([]byte, e.opts.ChunkSize/2)
				_, err = io.ReadFull(obj, first)
				require.NoError(t, err)
				require.NoError(t, e.DeleteObject(ctx, "bkt", "k", DeleteOptions{}))
				put(t, e, "bkt", "k", randBytes(rng, size*e.opts.ChunkSize))
				require.NoError(t, e.log.Rotate())
				_, err = e.Compact(ctx, CompactOptions{MinLiveRatio: 0.99})
				require.NoError(t, err)
				rest, err := io.ReadAll(obj)
				require.NoError(t, err)
				require.NoError(t, obj.Close())
				require.Equal(t, data, append(first, rest...), "the open read returns the body it started")
				e.audit(t)
				require.NoError(t, e.log.Rotate())
				_, err = e.Compact(ctx, CompactOptions{MinLiveRatio: 0.99})
				require.NoError(t, err)
				dur33CheckSpace(t, e, "after the reader closed")
				got, _ := readAll(t, e, "bkt", "keep2", GetOptions{})
				require.Equal(t, keep, got)
			})
		}
	}
}

// TestDur33SyncFailure is TestSyncFailure over the dur33 workload: one
// fsync of the write path fails at a time (pebble's log fail-stops with a
// panic, taken as a crash), then the store crashes with every unsynced
// byte lost. The image must open to a state the live store showed since
// the last acknowledged operation (or, after a fail-stop, with the one in
// flight), and a failed blob-log sync must reach the operation waiting.
func TestDur33SyncFailure(t *testing.T) {
	nops, step := 40, 1
	if testing.Short() {
		nops, step = 20, 4
	}
	total := 0
	for seed := uint64(1); seed <= 2; seed++ {
		history, n := dur33RunSyncFailure(t, seed, -1, nops, nil)
		require.Positive(t, n)
		for i := 0; i < n; i += step {
			dur33RunSyncFailure(t, seed, i, nops, history)
			total++
		}
	}
	t.Logf("%d sync failures injected", total)
}

func dur33RunSyncFailure(t *testing.T, seed uint64, fail, nops int, history []dur33State) ([]dur33State, int) {
	ctx := context.Background()
	cfg := dur33Options(seed)
	mem := vfs.NewCrashableMem()
	var (
		on         atomic.Bool
		syncs      atomic.Int64
		cur        atomic.Int64
		failedOp   atomic.Int64
		failedPath atomic.Value
	)
	cur.Store(-1)
	failedOp.Store(-2)
	inj := errorfs.InjectorFunc(func(op errorfs.Op) error {
		if !on.Load() || !isSyncOp(op.Kind) || !onWritePath(op.Path) || syncs.Add(1)-1 != int64(fail) {
			return nil
		}
		failedOp.Store(cur.Load())
		failedPath.Store(op.Path)
		return errorfs.ErrInjected
	})
	opts := cfg()
	opts.FS = errorfs.Wrap(mem, inj)
	opts.Sync = SyncAlways
	opts.CompactInterval = -1
	e, err := Open("/db", opts)
	require.NoError(t, err)
	dur33Setup(t, e)
	on.Store(true)
	where := fmt.Sprintf("seed %d: sync %d failed", seed, fail)
	states := []dur33State{dur33Observe(t, e)}
	seen := states
	reported := false
	w := &dur33Workload{e: e, rng: rand.New(rand.NewPCG(seed, 3))}
	var names []string
	for i := 0; i < nops; i++ {
		cur.Store(int64(i))
		name, err, fatal := dur33StepRecover(ctx, w)
		cur.Store(-1)
		names = append(names, name)
		if fatal != nil {
			require.Equal(t, int64(i), failedOp.Load(), "%s: %v", where, fatal)
			require.Len(t, seen, 1, "%s: fail-stop after an earlier failure", where)
			seen = append(seen, history[i+1])
			reported = true
			break
		}
		if err == nil {
			states = append(states, dur33Observe(t, e))
			seen = states[len(states)-1:]
			continue
		}
		require.ErrorIs(t, err, errorfs.ErrInjected, "%s: op %d %s", where, i, name)
		reported = true
		seen = append(seen, dur33Observe(t, e))
	}
	on.Store(false)
	if i := failedOp.Load(); i >= 0 {
		require.True(t, reported, "%s (%s) during op %d %s, and no operation reported an error", where, failedPath.Load(), i, names[i])
	}
	_ = closeRecover(e)
	resume := false
	if i := failedOp.Load(); i >= 0 && strings.HasPrefix(names[i], "RunPending") {
		resume = true
	}
	dur33CheckImage(t, cfg, mem.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: 0}), seen, resume, where)
	return states, int(syncs.Load())
}

func dur33StepRecover(ctx context.Context, w *dur33Workload) (name string, err error, fatal any) {
	defer func() { fatal = recover() }()
	name, err = w.step(ctx)
	return name, err, nil
}

// TestDur33FatalMetadataErrorStops: a failed write to pebble's log is
// fatal to pebble, and the engine panics (fail-stop). In a server that
// panic is recovered per request (httpapi's handler answers 500) and the
// process goes on; the engine must then refuse everything, reads too,
// instead of applying later batches to a memtable whose log has failed:
// those writes were visible to reads (a deleted object gone, a new one
// there) and lost at the next Open.
func TestDur33FatalMetadataErrorStops(t *testing.T) {
	ctx := context.Background()
	mem := vfs.NewCrashableMem()
	var on atomic.Bool
	var writes atomic.Int64
	inj := errorfs.InjectorFunc(func(op errorfs.Op) error {
		if on.Load() && op.Kind == errorfs.OpFileWrite && strings.Contains(op.Path, "/meta/") && strings.HasSuffix(op.Path, ".log") &&
			writes.Add(1) == 3 {
			return fmt.Errorf("dur33 injected: %w", syscall.ENOSPC)
		}
		return nil
	})
	opts := testOptions()
	opts.FS, opts.Sync, opts.CompactInterval = errorfs.Wrap(mem, inj), SyncAlways, -1
	e, err := Open("/db", opts)
	require.NoError(t, err)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	putString(t, e, "bkt", "old", "kept")
	on.Store(true)
	// put runs a write as httpapi's handler does: a panic is recovered.
	put := func(i int) (err error, panicked bool) {
		defer func() {
			if v := recover(); v != nil {
				panicked = true
			}
		}()
		body := []byte(fmt.Sprint("body ", i))
		_, err = e.PutObject(ctx, "bkt", fmt.Sprint("k", i), bytes.NewReader(body), int64(len(body)), PutOptions{})
		return err, false
	}
	acked := 0
	for ; acked < 10; acked++ {
		if err, panicked := put(acked); err != nil || panicked {
			require.True(t, panicked, "a failed write of pebble's log is fail-stop: %v", err)
			break
		}
	}
	require.Less(t, acked, 10, "the injected error was met")
	_, err = e.HeadObject(ctx, "bkt", fmt.Sprint("k", acked))
	require.ErrorIs(t, err, ErrClosed, "the write that failed is not served")
	err, panicked := put(acked + 1)
	require.False(t, panicked, "later writes are refused, not applied")
	require.ErrorIs(t, err, ErrClosed)
	require.ErrorIs(t, e.DeleteObject(ctx, "bkt", "old", DeleteOptions{}), ErrClosed)
	_, err = e.HeadObject(ctx, "bkt", "old")
	require.ErrorIs(t, err, ErrClosed, "reads are refused too: the memtable is not what the log holds")
	img := mem.CrashClone(vfs.CrashCloneCfg{UnsyncedDataPercent: 0})
	_ = closeRecover(e)

	o := testOptions()
	o.FS = img
	re, err := Open("/db", o)
	require.NoError(t, err)
	defer func() { require.NoError(t, re.Close()) }()
	re.audit(t)
	got, _ := readAll(t, re, "bkt", "old", GetOptions{})
	require.Equal(t, "kept", string(got))
	for i := 0; i < acked; i++ {
		got, _ := readAll(t, re, "bkt", fmt.Sprint("k", i), GetOptions{})
		require.Equal(t, fmt.Sprint("body ", i), string(got))
	}
}
