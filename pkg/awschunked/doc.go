// Package awschunked decodes request bodies sent with
// Content-Encoding: aws-chunked (spec/s3/auth.md §3) in the three
// non-ECDSA variants, chosen by x-amz-content-sha256:
//
//   - STREAMING-AWS4-HMAC-SHA256-PAYLOAD: signed chunks ([SignedPayload]);
//   - STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: signed chunks and a
//     signed trailer ([SignedPayloadTrailer]);
//   - STREAMING-UNSIGNED-PAYLOAD-TRAILER: plain chunks and an unsigned
//     trailer ([UnsignedPayloadTrailer]).
//
// [NewReader] wraps the raw body and yields the decoded payload. It streams
// with bounded memory: chunk-size lines longer than [MaxLineLength] and more
// than [MaxTrailerBytes] of trailer are errors, and chunk data is never
// buffered beyond the underlying bufio buffer. The reader verifies every
// chunk signature (chained from the seed signature of the Authorization
// header), the final chunk's, and the trailer signature; checks the decoded
// length; and exposes the trailing headers through [Reader.Trailers] once
// Read has returned io.EOF.
//
// The package is standalone: the caller passes the signing key, timestamp
// and scope (as sigv4 reports them after verifying the request headers).
// It does not verify checksum trailers against the data; the caller hashes
// the decoded stream (package checksum) and compares with Trailers().
//
// # Errors
//
// Read returns errors wrapping [ErrSignatureMismatch], [ErrMalformed] (also
// io.ErrUnexpectedEOF on truncation), [ErrMalformedTrailer],
// [ErrLengthMismatch] or [ErrChunkTooSmall], or the underlying reader's
// error. Errors are sticky.
//
// # Security
//
// A chunk's signature can only be checked after all its bytes have been
// read, so Read may already have returned the first bytes of a forged chunk
// (never more than one chunk) before it reports ErrSignatureMismatch. The
// Read that completes a bad chunk returns 0 bytes and the error. Callers
// must therefore treat the decoded data as untrusted until Read returns
// io.EOF, and discard everything on any other error (do not commit the
// object). Signatures are compared with hmac.Equal.
//
// # Concurrency
//
// A Reader is not safe for concurrent use.
package awschunked
