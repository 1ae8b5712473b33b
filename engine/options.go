package engine

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/osslite/osslite/pkg/kms"
	"github.com/osslite/osslite/wal"
)

// Clock tells the engine what time it is. Every timestamp a client can observe
// (Last-Modified, creation dates, restore expiry) comes from it.
type Clock interface {
	Now() time.Time
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// SystemClock is the wall clock.
var SystemClock Clock = systemClock{}

// SyncMode says whether commits are fsynced before they are acknowledged.
type SyncMode uint8

const (
	// SyncAuto syncs when the store is on disk and not when it is in memory.
	SyncAuto SyncMode = iota
	// SyncAlways fsyncs the blob log and the metadata log before a mutation
	// returns (group commit shares fsyncs between concurrent writers).
	SyncAlways
	// SyncNever acknowledges writes before they are durable.
	SyncNever
)

// Options configures an Engine. The zero value is valid: every field documents
// its default.
type Options struct {
	// FS is the filesystem everything is stored on. Default: vfs.Default for a
	// directory; when Open is given dir "", a fresh vfs.NewMem() for the
	// metadata and a memory filesystem for the blob log that allocates in
	// blocks outside the Go heap and frees a segment's memory as soon as
	// compaction removes it.
	FS vfs.FS
	// Clock supplies the time. Default: SystemClock.
	Clock Clock
	// Sync chooses durability. Default SyncAuto: on for disk, off for memory.
	Sync SyncMode
	// InlineThreshold is the largest body, in bytes, kept inside the object
	// record instead of the blob log. Default 16 KiB (measured: with 64
	// KiB, 64 KiB bodies went through pebble's WAL, memtable and
	// compactions, and the mixed 64 KiB load ran 30% slower on disk for
	// 40% more CPU per request); at most ChunkSize; negative means every
	// non-empty body goes to the blob log.
	InlineThreshold int
	// ChunkSize is the size, in bytes, of the pieces a large body is cut into
	// in the blob log; it bounds the memory one reader or writer holds.
	// Default 1 MiB; at most 64 MiB.
	ChunkSize int
	// SegmentSize is the size, in bytes, at which the blob log starts a new
	// segment file. Compaction reclaims space a segment at a time, so
	// memory stores use smaller ones. Default 64 MiB on disk, 16 MiB in
	// memory.
	SegmentSize int64
	// Compression compresses blob chunks when that saves at least 10%.
	// Default wal.NoCompression. Content types that are already compressed
	// (images, video, archives) are never compressed.
	Compression wal.Compression
	// VectorMD5 computes the MD5 (the ETag) of bodies of 1 MiB or more, or
	// of unknown size, in the vector lanes of github.com/minio/md5-simd:
	// with many concurrent uploads that is 1.8 times the throughput of
	// crypto/md5 (16 uploads on 2 cores). Off by default because md5-simd
	// passes results through a process-wide pool of channels, which
	// testing/synctest forbids across bubbles (a fatal error): the fake
	// leaves it off, the server binary (cmd/osslite) turns it on.
	VectorMD5 bool
	// MaxKeyLength is the longest object key, in bytes. Default 1024 (S3).
	MaxKeyLength int
	// RestoreDelay is how long a restore of an archived object takes, on
	// Clock. Default 1 minute (OSS's usual time); negative means instant.
	RestoreDelay time.Duration
	// CompactInterval is how often, in wall-clock time, a background loop
	// reclaims blob-log space (Compact with CompactDeadRatio) and aborts
	// stale multipart uploads (AbortUploadsAfter). The loop also runs at
	// once, without waiting for the interval, when deletes free
	// CompactDeadBytes or empty a whole segment, so reclaiming space never
	// waits for a clock. Loops of their own run the lifecycle passes
	// (LifecycleInterval) and replication deliveries
	// (Replication.Interval), so a long pass of one does not delay the
	// others. Close stops them and waits for the runs in progress. Default 30s; negative disables the loop, and with it the
	// background lifecycle and replication: call Compact and RunPending
	// yourself (what a test that must see work not done yet wants).
	CompactInterval time.Duration
	// CompactDeadRatio is the fraction of a segment's bytes that must be
	// dead (deleted, overwritten, or never committed) for the background
	// loop to rewrite its live bytes into a new segment and delete it.
	// Fully dead segments are deleted whatever the ratio; a mostly dead
	// active segment of at least 1 MiB is sealed first. Default 0.5; must
	// be in (0, 1].
	CompactDeadRatio float64
	// CompactDeadBytes is how many bytes deletes must free since the last
	// background run to start one at once. Default SegmentSize.
	CompactDeadBytes int64
	// AbortUploadsAfter is the age, on Clock, past which the background
	// loop aborts multipart uploads (S3's AbortIncompleteMultipartUpload
	// lifecycle rule for every bucket), freeing their parts. It is
	// checked every CompactInterval. Default 7 days (168h); negative
	// never aborts.
	AbortUploadsAfter time.Duration
	// CompletedUploadTTL is how long, on Clock, the result of a completed
	// multipart upload is kept so that a retried Complete (same upload
	// ID, same parts) gets it again, and the record that an upload was
	// aborted (AbortedUpload). Default 1 hour; negative keeps none.
	CompletedUploadTTL time.Duration
	// LifecycleDay is the length of a lifecycle "day": rules that act N
	// days after creation act N LifecycleDays after it. With the default
	// 24h, due times are rounded up to midnight UTC as S3 does; a shorter
	// day (a development setting, like Ceph RGW's rgw_lc_debug_interval)
	// is counted exactly.
	LifecycleDay time.Duration
	// LifecycleInterval is how often, on Clock, the background loop runs
	// a lifecycle pass (checked every CompactInterval or LifecycleDay/10,
	// whichever is shorter). Default LifecycleDay/24 (hourly), at least
	// 100ms.
	LifecycleInterval time.Duration
	// Logger receives recovery and background messages. Default: discard.
	Logger *slog.Logger
	// Keys seals and opens the data keys of objects written with
	// EncryptManaged or EncryptKMS (pkg/kms.New is a built-in one).
	// Default nil: such writes fail with ErrNoKeyService; EncryptCustomer
	// needs no key service.
	Keys kms.Service
	// ManagedKeyID is the key of Keys that seals EncryptManaged data keys.
	// Default kms.ManagedKey.
	ManagedKeyID string
	// NotificationTargets maps destination ARNs to the targets bucket
	// event notifications are delivered to; a bucket's notification
	// configuration may only name these. Default: none.
	NotificationTargets map[string]NotificationTarget
	// NotificationTargetOwners names, for a target of NotificationTargets,
	// the bucket owners (canonical IDs) whose buckets may send it events;
	// a target without an entry takes every bucket's. A configuration
	// naming a target its bucket's owner may not use is refused as an
	// unknown one (NotificationTargetAllowed), and an event of such a
	// bucket is not queued for it. Default: none (every target open).
	NotificationTargetOwners map[string][]string
	// NotificationRetry is the delay before a failed delivery is retried
	// the first time; it doubles with every failure up to
	// NotificationMaxRetry. Wall-clock time. Default 100ms.
	NotificationRetry time.Duration
	// NotificationMaxRetry caps the retry delay. Default 1 minute.
	NotificationMaxRetry time.Duration
	// AccessLogInterval is how long, on Clock, access-log lines are
	// batched before they are written as one log object. Default 5
	// minutes.
	AccessLogInterval time.Duration
	// AccessLogMaxBatch is the size in bytes at which an access-log batch
	// is written at once. Default 1 MiB.
	AccessLogMaxBatch int
	// Replication configures the execution of bucket replication
	// (engine/replication.go); the zero value has defaults.
	Replication ReplicationOptions

	sync bool // resolved Sync
}

const (
	defaultInlineThreshold = 16 << 10
	defaultChunkSize       = 1 << 20
	defaultSegmentSize     = 64 << 20

	defaultMemorySegmentSize = 16 << 20
	defaultMaxKeyLength      = 1024

	defaultCompactInterval   = 30 * time.Second
	defaultCompactDeadRatio  = 0.5
	defaultAbortUploadsAfter = 7 * 24 * time.Hour
)

// EnsureDefaults fills zero fields with their defaults and returns o.
func (o *Options) EnsureDefaults() *Options {
	if o.Clock == nil {
		o.Clock = SystemClock
	}
	if o.InlineThreshold == 0 {
		o.InlineThreshold = defaultInlineThreshold
	}
	if o.ChunkSize == 0 {
		o.ChunkSize = defaultChunkSize
	}
	if o.SegmentSize == 0 {
		o.SegmentSize = defaultSegmentSize
	}
	if o.MaxKeyLength == 0 {
		o.MaxKeyLength = defaultMaxKeyLength
	}
	if o.RestoreDelay == 0 {
		o.RestoreDelay = time.Minute
	} else if o.RestoreDelay < 0 {
		o.RestoreDelay = 0
	}
	if o.CompactInterval == 0 {
		o.CompactInterval = defaultCompactInterval
	}
	if o.CompactDeadRatio == 0 {
		o.CompactDeadRatio = defaultCompactDeadRatio
	}
	if o.CompactDeadBytes == 0 {
		o.CompactDeadBytes = o.SegmentSize
	}
	if o.AbortUploadsAfter == 0 {
		o.AbortUploadsAfter = defaultAbortUploadsAfter

	}
	if o.CompletedUploadTTL == 0 {
		o.CompletedUploadTTL = time.Hour
	}
	if o.LifecycleDay <= 0 {
		o.LifecycleDay = 24 * time.Hour
	}
	if o.LifecycleInterval <= 0 {
		o.LifecycleInterval = max(o.LifecycleDay/24, 100*time.Millisecond)
	}
	if o.ManagedKeyID == "" {
		o.ManagedKeyID = kms.ManagedKey
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.NotificationRetry <= 0 {
		o.NotificationRetry = 100 * time.Millisecond
	}
	if o.NotificationMaxRetry <= 0 {
		o.NotificationMaxRetry = time.Minute
	}
	if o.AccessLogInterval <= 0 {
		o.AccessLogInterval = 5 * time.Minute
	}
	if o.AccessLogMaxBatch <= 0 {
		o.AccessLogMaxBatch = 1 << 20
	}
	o.Replication.ensureDefaults()
	return o
}

// Validate rejects nonsensical options. Call it after EnsureDefaults.
func (o *Options) Validate() error {
	switch {
	case o.ChunkSize < 4<<10 || o.ChunkSize > 64<<20:
		return fmt.Errorf("%w: ChunkSize %d outside [4 KiB, 64 MiB]", ErrInvalidArgument, o.ChunkSize)
	case o.InlineThreshold > o.ChunkSize:
		return fmt.Errorf("%w: InlineThreshold %d exceeds ChunkSize %d", ErrInvalidArgument, o.InlineThreshold, o.ChunkSize)
	case o.SegmentSize < int64(o.ChunkSize):
		return fmt.Errorf("%w: SegmentSize %d smaller than ChunkSize %d", ErrInvalidArgument, o.SegmentSize, o.ChunkSize)
	case o.MaxKeyLength <= 0:
		return fmt.Errorf("%w: MaxKeyLength %d", ErrInvalidArgument, o.MaxKeyLength)
	case !(o.CompactDeadRatio > 0 && o.CompactDeadRatio <= 1):
		return fmt.Errorf("%w: CompactDeadRatio %v outside (0, 1]", ErrInvalidArgument, o.CompactDeadRatio)
	case o.CompactDeadBytes < 0:
		return fmt.Errorf("%w: CompactDeadBytes %d", ErrInvalidArgument, o.CompactDeadBytes)
	case o.Sync > SyncNever:
		return fmt.Errorf("%w: Sync mode %d", ErrInvalidArgument, o.Sync)
	}
	return nil
}
