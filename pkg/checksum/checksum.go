package checksum

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"fmt"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"strings"

	"github.com/cespare/xxhash/v2"
	"github.com/minio/crc64nvme"
	"github.com/zeebo/xxh3"
)

// Algorithm names an S3 flexible-checksum algorithm. Its value is the
// canonical upper-case name used in x-amz-sdk-checksum-algorithm and
// x-amz-checksum-algorithm.
type Algorithm string

// The S3 checksum algorithms.
const (
	CRC32     Algorithm = "CRC32"     // CRC-32/ISO-HDLC (zlib), 4 bytes
	CRC32C    Algorithm = "CRC32C"    // CRC-32C (Castagnoli), 4 bytes
	CRC64NVME Algorithm = "CRC64NVME" // CRC-64/NVME, 8 bytes
	SHA1      Algorithm = "SHA1"      // SHA-1, 20 bytes
	SHA256    Algorithm = "SHA256"    // SHA-256, 32 bytes
	// The algorithms S3 added in 2026 (the SDKs' ChecksumAlgorithm enums
	// list them; minio-go tests them), usable like SHA1 and SHA256: not
	// for FULL_OBJECT multipart checksums, which need a CRC.
	MD5       Algorithm = "MD5"       // MD5, 16 bytes (x-amz-checksum-md5, not Content-MD5)
	SHA512    Algorithm = "SHA512"    // SHA-512, 64 bytes
	XXHASH64  Algorithm = "XXHASH64"  // xxHash64, seed 0, 8 bytes big-endian
	XXHASH3   Algorithm = "XXHASH3"   // XXH3-64, seed 0, 8 bytes big-endian
	XXHASH128 Algorithm = "XXHASH128" // XXH3-128, seed 0, 16 bytes: high then low half, big-endian
)

// Algorithms lists every supported Algorithm. Callers must not modify it.
var Algorithms = []Algorithm{CRC32, CRC32C, CRC64NVME, SHA1, SHA256, MD5, SHA512, XXHASH64, XXHASH3, XXHASH128}

// Reflected generator polynomials (as hash/crc32 and hash/crc64 take them).
const (
	polyCRC32     = crc32.IEEE         // 0xedb88320
	polyCRC32C    = crc32.Castagnoli   // 0x82f63b78
	polyCRC64NVME = 0x9a6c9329ac4bc9b5 // reflected 0xad93d23594c93659
	polyCRC64ECMA = crc64.ECMA         // 0xc96c5795d7870f42
)

var crc32cTable = crc32.MakeTable(polyCRC32C)

// CRC64ECMATable is the table for CRC-64 with the ECMA-182 polynomial as
// hash/crc64 computes it (CRC-64/XZ: reflected, init and final XOR all
// ones). This is the value OSS reports, in decimal, in
// x-oss-hash-crc64ecma.
var CRC64ECMATable = crc64.MakeTable(crc64.ECMA)

// NewCRC64ECMA returns a hash computing the OSS CRC-64 (see CRC64ECMATable).
func NewCRC64ECMA() hash.Hash64 { return crc64.New(CRC64ECMATable) }

// ParseAlgorithm returns the Algorithm named by s, ignoring case. Unknown
// names yield an error wrapping ErrUnknownAlgorithm.
func ParseAlgorithm(s string) (Algorithm, error) {
	a := Algorithm(strings.ToUpper(s))
	if !a.Valid() {
		return "", fmt.Errorf("%w: %q", ErrUnknownAlgorithm, s)
	}
	return a, nil
}

// Valid reports whether a is one of Algorithms.
func (a Algorithm) Valid() bool {
	switch a {
	case CRC32, CRC32C, CRC64NVME, SHA1, SHA256, MD5, SHA512, XXHASH64, XXHASH3, XXHASH128:
		return true
	}
	return false
}

// String returns the canonical name.
func (a Algorithm) String() string { return string(a) }

// New returns a new hash computing a. Sum appends the checksum in wire
// order (big-endian for CRCs). New panics if a is not Valid.
func (a Algorithm) New() hash.Hash {
	switch a {
	case CRC32:
		return crc32.NewIEEE()
	case CRC32C:
		return crc32.New(crc32cTable)
	case CRC64NVME:
		// minio/crc64nvme folds with carry-less multiplication where the
		// CPU has it (several GB/s); hash/crc64 with this table does not.
		return crc64nvme.New()
	case SHA1:
		return sha1.New()
	case SHA256:
		return sha256.New()
	case MD5:
		return md5.New()
	case SHA512:
		return sha512.New()
	case XXHASH64:
		return xxhash.New()
	case XXHASH3:
		return xxh3.New()
	case XXHASH128:
		return xxh3.New128()
	}
	panic(fmt.Sprintf("checksum: New of unknown algorithm %q", string(a)))
}

// Size returns the length in bytes of a's checksum, or 0 if a is not Valid.
func (a Algorithm) Size() int {
	switch a {
	case CRC32, CRC32C:
		return 4
	case CRC64NVME:
		return 8
	case SHA1:
		return sha1.Size
	case SHA256:
		return sha256.Size
	case MD5:
		return md5.Size
	case SHA512:
		return sha512.Size
	case XXHASH64, XXHASH3:
		return 8
	case XXHASH128:
		return 16
	}
	return 0
}

// HeaderName returns the lower-case request/response header carrying a's
// value, e.g. "x-amz-checksum-crc32c".
func (a Algorithm) HeaderName() string {
	return "x-amz-checksum-" + strings.ToLower(string(a))
}

// IsCRC reports whether a is a CRC (and so can be combined with
// CombineCRC and used for FULL_OBJECT multipart checksums).
func (a Algorithm) IsCRC() bool {
	return a == CRC32 || a == CRC32C || a == CRC64NVME
}

// Encode returns sum as standard padded base64, the form of the
// x-amz-checksum-* headers.
func Encode(sum []byte) string { return base64.StdEncoding.EncodeToString(sum) }

// Decode parses the base64 header value s of algorithm a and checks its
// length. Errors wrap ErrUnknownAlgorithm or ErrInvalidChecksum.
func Decode(a Algorithm, s string) ([]byte, error) {
	if !a.Valid() {
		return nil, fmt.Errorf("%w: %q", ErrUnknownAlgorithm, string(a))
	}
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %s value %q is not base64", ErrInvalidChecksum, a, s)
	}
	if len(b) != a.Size() {
		return nil, fmt.Errorf("%w: %s value %q decodes to %d bytes, want %d", ErrInvalidChecksum, a, s, len(b), a.Size())
	}
	return b, nil
}
