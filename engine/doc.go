// Package engine is osslite's object store: buckets, objects, listing,
// multipart uploads, appendable objects, symlinks, archive restore and
// bucket configuration documents, on a pebble metadata database and the wal
// blob log. It has no HTTP in it; httpapi serves it over S3 and OSS.
//
// Open a store with Open; dir "" is a fresh in-memory store:
//
//	eng, err := engine.Open("", nil)
//	defer eng.Close()
//	err = eng.CreateBucket(ctx, "photos", engine.BucketOptions{})
//	info, err := eng.PutObject(ctx, "photos", "a.jpg", r, size, engine.PutOptions{})
//	obj, err := eng.GetObject(ctx, "photos", "a.jpg", engine.GetOptions{})
//	defer obj.Close()
//
// An Object is an io.Reader, io.WriterTo, io.Seeker and io.ReaderAt
// (positions relative to the range it was opened with). NewWriter is the
// io.WriteCloser form of PutObject. Objects, Entries, Uploads and Parts are
// range-over-func iterators over the paged listings.
//
// # Storage
//
// Object metadata lives in pebble under typed key prefixes (see keys.go).
// Bodies up to Options.InlineThreshold are stored in the object record;
// larger ones are cut into Options.ChunkSize chunks appended to the blob log
// under refcounted blob IDs. Copy shares blobs and moves no data. No body is
// ever held whole in memory: Put and Get hold at most one chunk.
//
// # Durability
//
// A Put writes its chunks, syncs the blob log (concurrent writers share
// fsyncs), then commits one pebble batch holding the object record, the new
// blobs' refcounts and the old object's dereferences, and syncs pebble's log.
// A mutation is acknowledged only after both syncs; after a crash it is
// either wholly visible or not at all.
//
// # Content index
//
// Every PutObject records the SHA-1 of its body (ObjectInfo.SHA1) and
// points the content index at the body: FindByContent finds a stored body
// by SHA-1 and size anywhere in the store, and PutObjectByContent creates
// an object referencing it without moving bytes (Sina's Relax upload). An
// entry goes with the last reference to its body and is validated on
// every lookup. See content.go.
//
// # Errors
//
// Errors wrap the sentinels in errors.go (ErrNoSuchKey, ErrNoSuchBucket, ...)
// and are checked with errors.Is; ConditionError, RangeError and DigestError
// carry extra detail for errors.As. Wire codes are httpapi's business.
//
// # Concurrency
//
// An Engine is safe for concurrent use. Metadata mutations are serialised by
// a short critical section that does no body I/O. Readers work on a pebble
// snapshot, so a Get sees the object as it was when it was opened.
//
// # Garbage collection
//
// Deleted and overwritten bodies free their blob-log bytes logically at
// once. A background loop (Options.CompactInterval, on by default) deletes
// dead segment files and rewrites mostly dead ones (CompactDeadRatio),
// moving only locators; deletes start it at once, so space comes back
// without waiting for a clock. The same loop aborts multipart uploads older
// than Options.AbortUploadsAfter. Compact runs a pass by hand. See gc.go.
//
// # Versioning
//
// A bucket's versioning (bucketconfig.Versioning through SetBucketConfig)
// is off until first set, then Enabled or Suspended. Enabled, every write
// (Put, Copy, Complete, the first Append, PutSymlink) makes a version with
// a time-ordered ID (ObjectInfo.VersionID) and a delete without
// DeleteOptions.VersionID leaves a delete marker; suspended, writes and
// deletes replace the null version (NullVersionID). Reads, copies,
// updates and restores take a version ID; ListObjectVersions lists every
// version; DeleteBucket refuses while any version remains. A read of a
// key whose latest version is a delete marker fails with a
// *DeleteMarkerError. Each version holds its own blob references.
//
// # Memory stores
//
// Open("", nil) keeps metadata on pebble's vfs.NewMem and the blob log on a
// filesystem that allocates in blocks outside the Go heap and returns a
// segment's memory to the operating system when compaction removes it, so
// a memory store holds about its live bytes plus a few segments.
//
// # Recovery
//
// A bit flip in the newest blob-log segment is not mistaken for a torn
// tail: the blob log asks the metadata which bytes it references and keeps
// them (wal.Options.Referenced); the damaged object reads fail with
// ErrCorrupt and Engine.Recovery lists the damage.
//
// # Conditional writes and retention
//
// Write conditions (PutOptions.IfNoneMatch/IfMatch, CopyOptions,
// CompleteOptions, DeleteOptions.IfMatch on the latest or a named version,
// DeleteEntries) are checked in the same atomic step as the write: of
// writers racing on a key with conditions, exactly one wins. A
// conditional Complete whose condition holds while the key was written
// or deleted after the upload began is ErrConditionalRequestConflict; a
// condition that does not hold is ErrPreconditionFailed, as at S3.
// A bucket retention policy (InitiateBucketWorm and friends, OSS WORM)
// makes every delete and overwrite of an object younger than its retention
// period fail with ErrObjectImmutable, checked in the write's own step.
//
// # Encryption at rest
//
// PutOptions.Encryption (and CopyOptions, CreateMultipartUpload, the first
// AppendObject) encrypts a body: each body gets a random data key, each
// chunk (and an inline body) is sealed with AES-256-GCM (or SM4-GCM) under
// it with the nonce (blob ID, chunk index), and the data key is stored
// only sealed — by Options.Keys (EncryptManaged, EncryptKMS) or by a
// customer key the caller passes on every read (EncryptCustomer, never
// stored). Reads check every chunk's tag (ErrCorrupt, never wrong bytes).
// Copies share blobs when the data keys can be re-sealed (both ends sealed
// by the key service, or by the same customer key) and re-encrypt by
// streaming otherwise. Encrypted bodies are never in the content index.
//
// # Event notifications and access logs
// Publish sequences an Event, calls the Subscribe callbacks in order and
// queues it durably (Q/ records) for every matching configuration of the
// bucket's bucketconfig.Notification; a goroutine delivers the queue to
// Options.NotificationTargets at least once, in order per target, with
// exponential backoff, across restarts. Lifecycle expirations are
// published by the engine itself. AppendAccessLog batches access-log
// lines into objects of a target bucket, written every
// Options.AccessLogInterval on the clock (and by RunPending,
// FlushAccessLogs and Close); a crash loses the unwritten batch.
// # Replication
//
// A bucketconfig.Replication configuration on a bucket with versioning
// Enabled replicates every new version a rule selects, asynchronously:
// the write queues an item in its own batch (ObjectInfo.ReplicationStatus
// ReplicationPending), and the background loop or RunPending delivers it
// to a local bucket (same version ID, shared blobs, ReplicationReplica)
// or to a ReplicationTarget in Options.Replication.Targets, retrying with
// backoff on Clock (ReplicationFailed after Attempts failures; retries go
// on). ReplicationBacklog counts the items waiting.
//
// # Inventory
//
// PutInventoryConfiguration and DeleteInventoryConfiguration change one
// of a bucket's inventory configurations (bucketconfig.Inventory; S3's
// and OSS's APIs both map onto them) at a time. The lifecycle pass (the background loop, RunPending) writes each
// enabled configuration's report once per day or week on Clock: gzip CSV
// or Parquet data files streamed from the listing, then manifest.json
// and manifest.checksum, into the destination bucket (engine/inventory.go).
//
// # Caveats
//
// Compact scans every chunk locator to find the live chunks of the
// segments it rewrites; that is linear in the number of stored chunks.
package engine
