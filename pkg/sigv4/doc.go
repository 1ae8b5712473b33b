// Package sigv4 implements server-side verification of AWS Signature
// Version 4 (Authorization header and presigned URLs) and Signature Version
// 2 (header and query forms) as S3 uses them, plus the matching client-side
// signers so tests and the fake can produce signed requests. The protocol is
// described in spec/s3/auth.md; every published test vector there is in this
// package's tests.
//
// Most servers need only [Verify]: it detects the method, parses and checks
// the credentials, the clock and the scope, looks up the secret and checks
// the signature, and returns a [Result] whose Signature, SigningKey, Scope
// and Timestamp seed the aws-chunked decoder for streaming uploads. The
// building blocks ([ParseAuthorization], [ParsePresigned],
// [CanonicalRequest], [StringToSign], [SigningKey], [Signature],
// [StringToSignV2], [SignatureV2]) are exported for finer control and for
// POST-policy signatures ([Signature] over the base64 policy for SigV4,
// [SignatureV2] for SigV2).
//
// S3 canonicalisation differs from other AWS services: the path is
// URI-encoded once and never normalised. Because clients escape paths in
// slightly different ways, Verify accepts a signature computed over either
// the re-encoded decoded path or the raw path as received, and reads a raw
// '+' in the query as both space and plus (auth.md §1.4). For SigV2 with
// x-amz-date it accepts both the documented rule and the form of the
// published DELETE example (auth.md §6.1), and a bucket-level SigV2
// request verifies whether the client signed /bucket or /bucket/ (botocore
// signs /bucket/ and sends /bucket).
//
// # Errors
//
// Every error wraps one sentinel of errors.go, whose comments name the S3
// error code to answer with. A signature mismatch is a [*MismatchError]
// (wrapping [ErrSignatureMismatch]) carrying the server's StringToSign and
// CanonicalRequest for the SignatureDoesNotMatch body.
//
// # Security
//
// SigV4 requests carrying an x-amz-* header that SignedHeaders does not
// list are refused with a [*HeadersNotSignedError] (AccessDenied): such a
// header (x-amz-copy-source, x-amz-acl, ...) would let the holder of a
// presigned URL perform another operation than the one signed. Only
// x-amz-content-sha256, x-amz-decoded-content-length, x-amz-trailer,
// x-amz-cf-id, the SSE-C key headers x-amz-server-side-encryption-
// customer-key and -key-md5 (supplied at request time to a presigned URL
// that signs the algorithm) and x-amz-date in the header form, where it
// is the signed timestamp, may stay unsigned. SigV2 signs every x-amz-* header by
// construction.
//
// Signatures are compared with hmac.Equal. No function reads the clock: the
// caller passes now, so expiry and skew checks are deterministic.
// Verify does not read or hash the body; the caller must enforce
// Result.PayloadHash (XAmzContentSHA256Mismatch) or decode aws-chunked
// bodies with chunk verification. A [KeyCache] holds derived signing keys
// (not secrets) keyed by secret in memory.
//
// # Concurrency
//
// All functions and KeyCache are safe for concurrent use.
package sigv4
