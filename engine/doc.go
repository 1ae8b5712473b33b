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
// once; Compact (or Options.CompactInterval) deletes dead segment files and
// rewrites sparse ones, moving only locators. See gc.go.
//
// # Caveats
//
// Compact scans every chunk locator to find the live chunks of the
// segments it rewrites; that is linear in the number of stored chunks.
package engine
