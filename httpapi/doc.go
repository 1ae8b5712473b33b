// Package httpapi serves an engine.Engine over the Amazon S3 REST protocol
// and the Aliyun OSS REST protocol.
//
//	eng, _ := engine.Open("", nil)
//	h := httpapi.New(eng, httpapi.WithCredentials(map[string]string{"AKID": "SECRET"}))
//	http.ListenAndServe(":9000", h)
//
// A request flows one way: address (path style "/bucket/key" or virtual
// host "bucket.<domain>"), dialect, route (the operation table in
// route.go, keyed by method, target and sub-resource), interceptor,
// authenticate (SigV4 header and presigned, SigV2 header and query,
// aws-chunked bodies; session tokens), authorize (authz.go: policies,
// ownership, ACLs, public access block), execute against
// the engine (streaming bodies), respond in the dialect.
//
// # Dialects
//
// Handlers are written once and take everything wire-specific (header
// prefix, XML namespace, ETag case, request-id headers, error document,
// authentication) from a dialect value: s3 or oss (dialect.go). Where an
// operation's document shape or status differs, the shared handler
// branches on the dialect (ListBuckets, GetBucketAcl, ListObjects' Type
// element, ...). Operations only OSS has (AppendObject, PutSymlink,
// GetSymlink, RestoreObject, GetObjectMeta, GetBucketInfo,
// SealAppendObject, SelectObject) are rows of the same operation table
// restricted to the oss dialect; Op.Operation keeps the AWS name for shared operations
// (CreateBucket for OSS PutBucket, DeleteObjects for
// DeleteMultipleObjects).
//
// A request speaks OSS when its Authorization scheme is "OSS" or
// "OSS4-HMAC-SHA256", when its URL carries OSSAccessKeyId or
// x-oss-signature-version, when it has an x-oss-* header, or when its host
// is under aliyuncs.com or a configured OSS domain (WithOSSDomains, or a
// WithDomains domain named oss.* / oss-*); S3 otherwise.
// "<bucket>.oss-<region>.aliyuncs.com" addresses a bucket. OSS requests
// are verified by pkg/ossauth (signature v1 and v4, header and URL) against
// the engine clock with 15 minutes of skew; OSS errors carry
// Code, Message, RequestId, HostId (the request host), extra elements and
// EC, plus the x-oss-ec header, and HEAD errors put the document base64 in
// x-oss-err. OSS_STATUS.md lists what the OSS dialect covers.
//
// A request speaks Sina (SCS, dialect_sina.go) when its Authorization
// scheme is "SINA", when its URL carries ssig or KID or formatter=json,
// when it has an s-sina-* or x-sina-* header, or when its host is under a
// Sina domain (WithSinaDomains, or a WithDomains domain whose first label
// starts with "sina"). Sina requests are verified by pkg/ssig against the
// engine clock (Date is an expiry time; Expires in URLs). With
// formatter=json documents are SCS's JSON (hyphenated field names, dates
// as "Mon, 02 Jan 2006 15:04:05 UTC", bare hex hashes), S3's XML without
// it; errors are JSON {Code, Message, ..., Resource, RequestId} with the
// code in X-Error-Code. Sina-only rows: PutObjectRelax (?relax: an object
// from stored content named by SHA-1 and size, engine.PutObjectByContent),
// PutObjectMeta and GetObjectMetadata (?meta), GetBucketMeta, and
// CreateMultipartUpload under ?multipart (sina_ops.go).
//
// # Identities and authorization
//
// Users (User: access key, secret, canonical ID, display name, e-mail,
// OSS UID) and temporary credentials (TemporaryCredential: S3 session
// token, OSS STS token, expiry on the engine clock) live in a Directory:
// Config.Directory, or a UserStore built from Config.Credentials and
// Config.Users. Every signed request is verified with the secret the
// directory gives its access key; the session token the signature covers
// must then match the key's (none for a long-term key), unexpired.
// authorize (authz.go) is the one decision point: an explicit deny of the
// bucket-policy hook wins, then the owner, a policy allow or an ACL grant
// (users by canonical ID, e-mail addresses resolved to users, AllUsers,
// AuthenticatedUsers) grants. S3 Object Ownership (BucketOwnerEnforced
// disables ACLs) and Public Access Block (BlockPublicAcls refuses public
// ACLs where they are written, IgnorePublicAcls discounts public grants)
// are bucket configurations of the S3 dialect. S3's MFA delete (mfa.go)
// takes x-amz-mfa codes of the virtual devices of Config.MFADevices
// (TOTP, checked on the engine clock, each code once) for versioning
// changes and version deletes of a bucket with MfaDelete Enabled.
//
// # Errors
//
// Every error a client sees comes from one table (errors.go): the codes
// table gives each code its HTTP status, default message and OSS EC (OSS
// messages where they differ; a few S3 codes are renamed for OSS), and the
// sentinel table maps the sentinels of engine, pkg/sigv4, pkg/ossauth,
// pkg/awschunked and pkg/checksum to codes (errors.Is). Unknown errors are InternalError
// (500) and are logged; panics are recovered into InternalError. Every
// response carries x-amz-request-id and x-amz-id-2 (OSS: x-oss-request-id).
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
// clock skew, the Date header and which MFA codes are current.
//
// # Limits
//
// Slow and greedy clients are bounded (throttle.go, Config): requests
// served at once (MaxConcurrentRequests, fewer without credentials:
// MaxAnonymousRequests; more are 503 SlowDown at once), request bodies
// that stall or trickle (BodyIdleTimeout, MinBodyRate over
// BodyRateWindow; 400 RequestTimeout, nothing stored) and clients that
// stop reading an object (WriteTimeout per MiB). These deadlines are
// connection deadlines in wall-clock time, not the engine clock. Stored
// documents keep to the documented limits (limits.go): 100 grants per
// ACL, 10 tags per object, 50 per S3 bucket and 20 per OSS bucket, tag
// keys of 128 and values of 256 characters, and capped ACL and tagging
// documents.
//
// # CORS and websites
// Bucket CORS rules answer unauthenticated OPTIONS preflights on any
// bucket or object URL and add Access-Control-* headers to every answer
// (errors too) of a request carrying Origin; Config.CORSAllowOrigins is a
// default for buckets without rules. Static websites are served on
// <bucket>.<Config.WebsiteDomains> and on /_website/<bucket>/<key> (any
// host): anonymous GET and HEAD, index and error documents, redirects and
// routing rules, HTML error pages; OSS websites answer anonymous GETs on
// the bucket's own endpoint. OSS mirror-back rules (mirror.go) fetch a
// missing object from its origin on GET (signed or anonymous), stream it
// to the client and store it (or only pass it through: MirrorProxyPass,
// MirrorAllowHeadObject, TransparentMirrorResponseCodes), failing over
// to secondary and alternate origins and signing fetches with S3V4 when
// the rule says so; they fetch only from loopback addresses and
// Config.MirrorOrigins, and answer 501 NotImplemented for any other
// origin.
// # LiveChannel
//
// The OSS dialect serves the LiveChannel API; ListenRTMP (or ServeRTMP)
// accepts RTMP pushes for a handler made by New and stores them as HLS:
// H.264 and AAC remuxed into MPEG-TS segments cut at key frames, each
// streamed into the bucket as an object, and a rolling playlist object.
// The caller must Close the RTMPListener (before the engine): Close ends
// the pushes, finalising their playlists, and waits for every
// connection goroutine. A publisher silent for Config.RTMPReadTimeout is
// cut off (wall-clock connection deadline); push URL expiry is checked on
// the engine clock.
//
// # Caveats
//
// Sub-resources no route serves (analytics, metrics, OSS image processing, ...)
// answer 501 NotImplemented and change nothing. Server-side encryption (SSE-S3,
// SSE-KMS, dual-layer aws:kms:dsse, SSE-C; OSS AES256, SM4 and KMS) is in
// sse.go. In
// permissive mode an aws-chunked body with signed chunks and a signed
// trailer needs a configured access key (its signature is verified).
package httpapi
