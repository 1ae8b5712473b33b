package awschunked

import (
	"errors"
	"fmt"
)

// Sentinel errors; each comment names the S3 error code the HTTP layer
// should answer with. Errors from Reader.Read wrap one of them with the
// chunk number and details.
var (
	// ErrSignatureMismatch: a chunk or trailer signature does not verify
	// (SignatureDoesNotMatch).
	ErrSignatureMismatch = errors.New("awschunked: chunk signature does not match")
	// ErrMalformed: broken framing or a truncated body (IncompleteBody;
	// InvalidRequest for garbage). Truncation also wraps io.ErrUnexpectedEOF.
	ErrMalformed = errors.New("awschunked: malformed chunked body")
	// ErrMalformedTrailer: trailing headers are malformed, one named in
	// Options.Trailers is missing or one is not named there
	// (MalformedTrailerError).
	ErrMalformedTrailer = errors.New("awschunked: malformed trailer")
	// ErrLengthMismatch: the decoded length differs from
	// Options.DecodedLength (IncompleteBody when short).
	ErrLengthMismatch = errors.New("awschunked: decoded length mismatch")
	// ErrChunkTooSmall: a chunk other than the last non-empty one is
	// smaller than MinChunkSize (InvalidChunkSizeError).
	ErrChunkTooSmall = errors.New("awschunked: chunk smaller than 8192 bytes")
	// ErrInvalidOptions: Options are unusable (a programming error).
	ErrInvalidOptions = errors.New("awschunked: invalid options")
)

// ChunkSizeError is the ErrChunkTooSmall of one body: Chunk is the number
// (from 1) of the chunk whose header showed that the one before it, of
// BadChunkSize bytes, was not the last; S3's InvalidChunkSizeError names
// both.
type ChunkSizeError struct {
	Chunk        int
	BadChunkSize int64
}

func (e *ChunkSizeError) Error() string {
	return fmt.Sprintf("%v: chunk %d has %d bytes and is not the last", ErrChunkTooSmall, e.Chunk-1, e.BadChunkSize)
}

// Unwrap returns ErrChunkTooSmall.
func (e *ChunkSizeError) Unwrap() error { return ErrChunkTooSmall }
