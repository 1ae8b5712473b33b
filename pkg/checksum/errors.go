package checksum

import "errors"

var (
	// ErrUnknownAlgorithm reports an algorithm name outside Algorithms.
	ErrUnknownAlgorithm = errors.New("checksum: unknown algorithm")
	// ErrInvalidChecksum reports a checksum value that is not valid base64
	// or whose decoded length does not match the algorithm's Size.
	ErrInvalidChecksum = errors.New("checksum: invalid checksum value")
	// ErrNotCombinable reports an attempt to combine checksums of an
	// algorithm that is not a CRC.
	ErrNotCombinable = errors.New("checksum: algorithm cannot be combined")
)
