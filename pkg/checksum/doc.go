// Package checksum implements the S3 flexible-checksum algorithms
// (CRC32, CRC32C, CRC64NVME, SHA1, SHA256), their header encoding, the
// CRC-64/ECMA value that OSS reports in x-oss-hash-crc64ecma, and CRC
// combination so that the full-object CRC of a multipart upload can be
// computed from the part CRCs without re-reading any data.
//
// Every hash.Hash returned by [Algorithm.New] produces its sum in the
// byte order S3 puts on the wire: CRCs as big-endian integers, SHA digests
// as they are. [Encode] turns a sum into the base64 text of an
// x-amz-checksum-* header and [Decode] validates and reverses it.
//
// All CRCs here have init and final XOR equal (all ones), which is what
// makes the zlib crc32_combine identity
//
//	crc(A || B) = crc(A)·x^(8·len(B)) mod P  XOR  crc(B)
//
// hold; [CombineCRC] and [CombineCRC64ECMA] evaluate it in O(log len(B))
// carry-less multiplications.
//
// # Errors
//
// [ParseAlgorithm] and [Decode] return errors wrapping [ErrUnknownAlgorithm]
// for names outside [Algorithms]; [Decode] and [CombineCRC] return errors
// wrapping [ErrInvalidChecksum] for values that are not valid base64 or have
// the wrong length, and [CombineCRC] wraps [ErrNotCombinable] for SHA1 and
// SHA256. The HTTP layer maps these to InvalidRequest.
//
// # Concurrency
//
// All functions are safe for concurrent use; the hashes they return are not.
package checksum
