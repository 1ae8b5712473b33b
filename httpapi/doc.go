// Package httpapi serves an engine.Engine over the Amazon S3 REST protocol.
//
//	eng, _ := engine.Open("", nil)
//	h := httpapi.New(eng, httpapi.WithCredentials(map[string]string{"AKID": "SECRET"}))
//	http.ListenAndServe(":9000", h)
//
// A request flows one way: address (path style "/bucket/key" or virtual
// host "bucket.<domain>"), dialect, route (the operation table in
// route.go, keyed by method, target and sub-resource), interceptor,
// authenticate (SigV4 header and presigned, SigV2 header and query,
// aws-chunked bodies), authorize (bucket and object ACLs), execute against
// the engine (streaming bodies), respond in the dialect.
//
// # Dialects
//
// Handlers are written once and take everything wire-specific (header
// prefix, XML namespace, ETag case, request-id headers, error document,
// authentication) from a dialect value. Only the S3 dialect exists; the
// Aliyun OSS dialect is meant to be a second value, not a second set of
// handlers.
//
// # Errors
//
// Every error a client sees comes from one table (errors.go): the codes
// table gives each S3 code its HTTP status and default message, and the
// sentinel table maps the sentinels of engine, pkg/sigv4, pkg/awschunked
// and pkg/checksum to codes (errors.Is). Unknown errors are InternalError
// (500) and are logged; panics are recovered into InternalError. Every
// response carries x-amz-request-id and x-amz-id-2.
//
// # Integrity
//
// Bodies are never buffered whole. aws-chunked bodies are decoded with
// every chunk and trailer signature verified; a hex x-amz-content-sha256 is
// checked when the body reaches EOF, inside the engine's read, so a
// mismatch fails the write before anything is committed. Content-MD5 and
// flexible checksums (x-amz-checksum-* headers or aws-chunked trailers) are
// verified by the engine and stored; GET and HEAD return them with
// x-amz-checksum-mode: ENABLED on whole-object answers.
//
// # Time
//
// The engine clock (engine.Options.Clock) decides presigned-URL expiry,
// clock skew and the Date header.
//
// # Caveats
//
// Bucket tags are kept in the handler's memory: the engine has no place
// for them yet. Versioning, CORS, policies, website, lifecycle,
// replication, notification, POST Object and the other sub-resources
// answer 501 NotImplemented. SSE-KMS and SSE-C answer NotImplemented;
// x-amz-server-side-encryption: AES256 is accepted and echoed. In
// permissive mode an aws-chunked body with signed chunks and a signed
// trailer needs a configured access key (its signature is verified).
package httpapi
