// Package checksum implements the S3 flexible-checksum algorithms
// (CRC32, CRC32C, CRC64NVME, SHA1, SHA256, and MD5, SHA512, XXHASH64,
// XXHASH3, XXHASH128 added in 2026), their header encoding, the
// CRC-64/ECMA value that OSS reports in x-oss-hash-crc64ecma, and CRC
// combination so that the full-object CRC of a multipart upload can be
// computed from the part CRCs without re-reading any data.
//
// Every hash.Hash returned by [Algorithm.New] produces its sum in the
// byte order S3 puts on the wire: CRCs and xxHashes as big-endian
// integers, MD5 and SHA digests as they are. [Encode] turns a sum into the base64 text of an
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
// the wrong length, and [CombineCRC] wraps [ErrNotCombinable] for every
// algorithm that is not a CRC. The HTTP layer maps these to InvalidRequest.
//
// # Concurrency
//
// All functions are safe for concurrent use; the hashes they return are not.
package checksum
