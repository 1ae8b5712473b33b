// Package wal is osslite's blob log: append-only segment files that hold
// object bodies in chunks.
//
// The engine calls Append once per chunk (a few MiB at most), stores the
// returned Loc in its metadata (Loc.AppendTo), and later hands the Loc back
// to Read. Segment files are named NNNNNN.blob in Options.Dir and are
// written through a pebble vfs.FS, so the same code runs on disk, in memory
// (vfs.NewMem) and under simulated crashes (vfs.NewCrashableMem).
//
// Each record is a 32-byte header (magic, compression kind, stored and raw
// lengths, segment id, xxh3 checksum) followed by the stored payload, which
// is S2- or zstd-compressed when Options.Compression asks for it and that
// saves at least Options.MinSavings. Garbage collection (in the engine)
// walks a segment with Iterate, copies live records forward with Append and
// deletes the segment with RemoveSegment.
//
// # Errors
//
// Sentinels are in errors.go and are matched with errors.Is. Every checksum,
// framing or location mismatch wraps ErrCorrupt and names the segment and
// offset; Read and Iterate never return bytes that failed verification, and
// no input (a garbage Loc, a garbage segment file) makes them panic or
// allocate more than the segment holds. A compressed record's raw length
// is checked against what its payload says of itself before a buffer of
// that length is made (an S2 block's declared length; a zstd frame's
// content size, and the most its block headers can decode to), so a
// record whose checksum is right but whose raw length lies is corrupt
// (to Open's scan as well as to reads) and costs about its real size.
// Only a payload forged whole, whose own headers lie alike, still costs
// its claimed length (at most MaxPayloadSize) before decoding fails.
// After a failed write or fsync the
// log is unusable: Append, Sync and Rotate return that error until the log
// is closed and reopened, because the file may end in a torn record and the
// outcome of a failed fsync is unknown. After Close everything returns
// ErrClosed.
//
// # Concurrency
//
// All methods are safe for concurrent use. Appends are serialized by a
// mutex, but compression and payload hashing happen before it is taken.
// Reads of any segment, the active one included, proceed in parallel with
// appends and with fsyncs. Sync is a group commit: one caller fsyncs while
// the others wait for it, and callers whose records an fsync covered do not
// fsync again. A Stream (NewStream) appends to segments of its own, for one
// writer's large body: its segments hold nothing else, so they die whole
// when the body goes; a stream syncs its own file. RemoveSegment waits for the reads of the segment in flight;
// Close waits for all reads in flight.
//
// # Durability
//
// A record is durable once a Sync called after its Append returned has
// returned nil (and Options.Sync is true); until then it may be lost in a
// crash, so the engine commits metadata only after Sync. Sync fsyncs the
// active segment and, when segments were created since the last Sync, the
// directory. A segment is fsynced when it is sealed, before its successor
// is created, so of the shared segments only the last can have a torn
// tail. Segments of streams that were open at a crash can too; their torn
// ends were never synced, so nothing references them, and no append goes to
// a segment of an earlier run.
//
// Open scans the last segment from the start for the first incomplete or
// invalid record. A torn tail (the unsynced end of the last write before a
// crash) and a flipped bit inside synced data look alike there, so Open
// asks the caller (Options.Referenced) how far its metadata references the
// segment: bytes up to that end are never cut, the bad record is reported
// in RecoveryReport.Damaged and fails reads with ErrCorrupt, and the
// records after it stay readable. Only the bytes past both the last valid
// record and the referenced end are cut off; without Options.Referenced
// that is everything from the first bad record on. pebble's vfs has no
// Truncate, so the kept prefix is copied to NNNNNN.blob.tmp, synced and
// renamed over the segment; a crash during that leaves the old file, which
// the next Open repairs again. The cuts are returned in the RecoveryReport
// and logged. Appends
// after Open go to a new segment (reusing the last id when that segment
// ended up empty), so a reopened log never writes into an old file. Sealed
// segments are not scanned; Iterate verifies them when they are read.
//
// With Options.Sync false nothing is fsynced and nothing survives a crash;
// such a log is meant for memory. Reopening on disk a log that was written
// without Sync can find torn records in sealed segments, which Iterate and
// Read then report as ErrCorrupt.
package wal
