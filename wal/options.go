package wal

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/cockroachdb/pebble/v2/vfs"
)

// Compression selects how Append compresses payloads. The choice is recorded
// per record, so a log written with one setting is readable with any other.
type Compression uint8

const (
	// NoCompression stores payloads as they are.
	NoCompression Compression = iota
	// S2 compresses with github.com/klauspost/compress/s2: fast, modest
	// ratio.
	S2
	// Zstd compresses with github.com/klauspost/compress/zstd: slower,
	// better ratio.
	Zstd

	numCompression // keep last
)

// String returns the lower-case name of c.
func (c Compression) String() string {
	switch c {
	case NoCompression:
		return "none"
	case S2:
		return "s2"
	case Zstd:
		return "zstd"
	default:
		return fmt.Sprintf("Compression(%d)", uint8(c))
	}
}

// DefaultSegmentSize is the default Options.SegmentSize.
const DefaultSegmentSize = 64 << 20

// DefaultMinSavings is the default Options.MinSavings.
const DefaultMinSavings = 0.10

// Options configures a Log. The zero value of every field except FS and Dir
// means its default; EnsureDefaults fills them in and Validate rejects
// nonsense.
type Options struct {
	// FS is the filesystem all I/O goes through. Required. Use
	// vfs.Default for disk, vfs.NewMem() for a memory store and
	// vfs.NewCrashableMem() for crash tests.
	FS vfs.FS

	// Dir is the directory that holds the segment files. Required. It is
	// created (with its missing parents) if it does not exist. The log
	// owns every *.blob and *.blob.tmp file in it.
	Dir string

	// SegmentSize is the size in bytes at which the active segment is
	// sealed: a new segment starts when the next record would not fit. A
	// record larger than SegmentSize gets a segment to itself. Default
	// DefaultSegmentSize (64 MiB).
	SegmentSize int64

	// Sync, when true, makes Sync fsync segment files and the directory.
	// When false Sync is only a barrier and nothing is durable; use it for
	// in-memory stores. Default false.
	Sync bool

	// Compression is applied to each payload Append is given, unless the
	// call passes NoCompress or compressing does not save MinSavings.
	// Default NoCompression.
	Compression Compression

	// MinSavings is the fraction of the raw size compression must save for
	// the compressed form to be stored: a payload of n bytes is stored
	// compressed only if the compressed form is at most n*(1-MinSavings)
	// bytes. Must be in [0, 1). Default DefaultMinSavings (0.10); since
	// zero means default, pass a tiny positive value to store any smaller
	// compressed form.
	MinSavings float64

	// PayloadWrites says FS's files copy what Write is given and never
	// modify it (the operating system's files; the engine's in-memory file
	// system; not pebble's vfs.NewMem, which may scribble on it in
	// invariants builds): an uncompressed payload is then written from the
	// caller's buffer, after its header, instead of being copied into a
	// record buffer first. Default false.
	PayloadWrites bool

	// Logger receives recovery messages (truncated torn tails). Default
	// slog.Default().
	Logger *slog.Logger

	// MaxOpenReaders is the most segment read handles kept open at once.
	// A read of a segment whose handle is closed opens it again; past the
	// bound, the least recently read segment that no read is using has
	// its handle closed. Default DefaultMaxOpenReaders; negative: no
	// bound (a store of thousands of segments then holds as many files).
	MaxOpenReaders int

	// Referenced, when set, tells recovery how much of a segment the
	// caller's metadata needs: it returns the end offset (Loc.Offset +
	// Loc.Size) of the last record of the segment that the caller
	// references, or 0 for none. Open calls it only when the last segment
	// holds bytes that fail verification, to tell corruption inside data
	// the caller acknowledged (kept, and reported in
	// RecoveryReport.Damaged; reads of the bad record fail with
	// ErrCorrupt) from a torn tail (cut off). Default nil: recovery cannot
	// tell them apart and cuts the segment at the first bad record.
	Referenced func(segment uint64) (end int64, err error)
}

// EnsureDefaults fills zero fields of o with their defaults.
func (o *Options) EnsureDefaults() {
	if o.SegmentSize == 0 {
		o.SegmentSize = DefaultSegmentSize
	}
	if o.MinSavings == 0 {
		o.MinSavings = DefaultMinSavings
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.MaxOpenReaders == 0 {
		o.MaxOpenReaders = DefaultMaxOpenReaders
	}
}

// DefaultMaxOpenReaders is Options.MaxOpenReaders' default (a body
// written through a Stream has segments of its own, so a store of many
// large objects has as many segments).
const DefaultMaxOpenReaders = 512

// Validate reports the first invalid field of o. Call it after
// EnsureDefaults; Open does both.
func (o *Options) Validate() error {
	switch {
	case o.FS == nil:
		return errors.New("wal: Options.FS is required")
	case o.Dir == "":
		return errors.New("wal: Options.Dir is required")
	case o.SegmentSize <= 0:
		return fmt.Errorf("wal: Options.SegmentSize %d must be positive", o.SegmentSize)
	case o.Compression >= numCompression:
		return fmt.Errorf("wal: unknown Options.Compression %d", o.Compression)
	case !(o.MinSavings >= 0 && o.MinSavings < 1):
		return fmt.Errorf("wal: Options.MinSavings %v must be in [0, 1)", o.MinSavings)
	case o.Logger == nil:
		return errors.New("wal: Options.Logger is nil (call EnsureDefaults)")
	}
	return nil
}
