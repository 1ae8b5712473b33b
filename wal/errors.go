package wal

import "errors"

var (
	// ErrCorrupt is wrapped by every error that reports a checksum, framing
	// or location mismatch: a torn or overwritten record, a Loc that does
	// not describe a record, or an undecodable Loc. The wrapping error names
	// the segment and offset.
	ErrCorrupt = errors.New("wal: corrupt record")

	// ErrClosed is returned by every method called after Close.
	ErrClosed = errors.New("wal: closed")

	// ErrSegmentNotFound is returned when a Loc or a segment id names a
	// segment the log does not hold (never created, or removed).
	ErrSegmentNotFound = errors.New("wal: segment not found")

	// ErrActiveSegment is returned by RemoveSegment for the segment that is
	// currently being appended to.
	ErrActiveSegment = errors.New("wal: segment is active")

	// ErrTooLarge is returned by Append for a payload longer than
	// MaxPayloadSize.
	ErrTooLarge = errors.New("wal: payload too large")
)
