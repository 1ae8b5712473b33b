package conformance

import (
	"context"
	"io"
	"time"
)

// Subject is one way of reaching an osslite store: the engine API, or a
// wire dialect through a real SDK. Every method takes and returns values
// in the suite's dialect-free vocabulary; a subject translates both ways.
//
// Normalisation contract (what a subject must do so the suite stays
// dialect-free):
//   - ETags are returned as lower-case hex without quotes ("hex" or
//     "hex-N" for multipart objects), and accepted in that form.
//   - Errors are classified by ErrorCode into the S3 code vocabulary
//     ("NoSuchKey", "PreconditionFailed", "NotModified", ...): a dialect
//     whose code differs maps it (OSS FileAlreadyExists is
//     PreconditionFailed, InvalidDigest is BadDigest).
//   - User metadata names are lower case.
//   - "No tags" is an empty (or nil) tag set, never an error.
//   - Storage classes use S3's names ("STANDARD", "STANDARD_IA"); the
//     default class is reported as "STANDARD".
//   - A HEAD error has no body: a subject whose client cannot tell
//     NoSuchKey from NoSuchBucket on Head reports NoSuchKey (the suite
//     only heads keys of existing buckets), and a HEAD refused (403)
//     reports AccessDenied.
//   - ACLs are canned names; a grant list equal to a canned ACL is that
//     name, and a bucket without an ACL of its own is "private".
type Subject interface {
	// Caps says what the subject supports and its limits.
	Caps() Caps
	// ErrorCode classifies an error returned by any method: "" for nil,
	// else a code of the S3 vocabulary. An error the subject cannot
	// classify gives a string that matches no code.
	ErrorCode(err error) string

	CreateBucket(ctx context.Context, bucket string) error
	DeleteBucket(ctx context.Context, bucket string) error
	// HeadBucket reports whether a bucket exists: nil, or an error
	// classified NoSuchBucket.
	HeadBucket(ctx context.Context, bucket string) error
	// ListBuckets returns the names of all buckets, sorted.
	ListBuckets(ctx context.Context) ([]string, error)

	// Put stores an object and returns its ETag. size is the body length.
	Put(ctx context.Context, bucket, key string, body io.Reader, size int64, opts PutOptions) (etag string, err error)
	// Get opens an object. The caller must close the body. attrs.Size is
	// the size of the whole object, also for a ranged read.
	Get(ctx context.Context, bucket, key string, opts GetOptions) (body io.ReadCloser, attrs ObjectAttrs, err error)
	Head(ctx context.Context, bucket, key string) (ObjectAttrs, error)
	Delete(ctx context.Context, bucket, key string) error
	// DeleteMany deletes keys of one bucket in one request and returns
	// the keys reported deleted (missing keys count as deleted).
	DeleteMany(ctx context.Context, bucket string, keys []string) (deleted []string, err error)
	// Copy copies opts.SrcBucket/opts.SrcKey to bucket/key and returns
	// the new ETag.
	Copy(ctx context.Context, bucket, key string, opts CopyOptions) (etag string, err error)
	// List lists objects (ListObjects v1 or v2 by opts.V2).
	List(ctx context.Context, bucket string, opts ListOptions) (ListPage, error)

	// CreateMultipart starts an upload with the metadata, tags and
	// storage class of opts (its ACL, ContentMD5 and conditions are not
	// used).
	CreateMultipart(ctx context.Context, bucket, key string, opts PutOptions) (uploadID string, err error)
	UploadPart(ctx context.Context, bucket, key, uploadID string, partNumber int, body io.Reader, size int64) (etag string, err error)
	// UploadPartCopy makes a part from srcBucket/srcKey; rangeHeader is
	// an HTTP byte range ("bytes=0-99") or "" for the whole source.
	UploadPartCopy(ctx context.Context, bucket, key, uploadID string, partNumber int, srcBucket, srcKey, rangeHeader string) (etag string, err error)
	ListParts(ctx context.Context, bucket, key, uploadID string, opts ListPartsOptions) (PartsPage, error)
	ListUploads(ctx context.Context, bucket string, opts ListUploadsOptions) (UploadsPage, error)
	// CompleteMultipart sends parts exactly in the order given.
	CompleteMultipart(ctx context.Context, bucket, key, uploadID string, parts []CompletedPart, opts CompleteOptions) (etag string, err error)
	AbortMultipart(ctx context.Context, bucket, key, uploadID string) error

	ObjectTags(ctx context.Context, bucket, key string) ([]Tag, error)
	SetObjectTags(ctx context.Context, bucket, key string, tags []Tag) error
	DeleteObjectTags(ctx context.Context, bucket, key string) error
	// BucketTags and friends are called only when Caps().BucketTags.
	BucketTags(ctx context.Context, bucket string) ([]Tag, error)
	SetBucketTags(ctx context.Context, bucket string, tags []Tag) error
	DeleteBucketTags(ctx context.Context, bucket string) error

	// ObjectACL returns the canned ACL of an object.
	ObjectACL(ctx context.Context, bucket, key string) (string, error)
	SetObjectACL(ctx context.Context, bucket, key, canned string) error
	// BucketACL returns the canned ACL of a bucket.
	BucketACL(ctx context.Context, bucket string) (string, error)
	SetBucketACL(ctx context.Context, bucket, canned string) error

	// SecondAccount and friends are called only when Caps().Accounts.
	// The subject acts as the account that owns the suite's buckets; a
	// second account of the same store owns none, and acts on them as
	// the case grants it.

	// SecondAccount returns a subject acting as the second account on
	// the same store, through the same dialect.
	SecondAccount() Subject
	// Dialects returns subjects acting as the same account on the same
	// store through every wire dialect, one each, the subject's own
	// among them.
	Dialects() []Subject
	// Anonymous returns subjects making anonymous (unsigned) requests to
	// the same store through every wire dialect, one each.
	Anonymous() []Subject
	// GrantWrite lets the second account write objects into bucket, its
	// owner keeping its own rights, as the dialect grants another
	// account (no canned ACL names one): a bucket ACL grant of WRITE to
	// its ID (S3's x-amz-grant-write, an SCS ACL document), or, where no
	// ACL names an account (OSS), a bucket policy of WriteGrant alone,
	// which a later SetBucketPolicy replaces.
	GrantWrite(ctx context.Context, bucket string) error
	// SetBucketPolicy replaces bucket's policy with one of statements,
	// each on the bucket's objects ("bucket/*"), written in the
	// dialect's policy language (S3's and SCS's AWS documents, OSS's).
	SetBucketPolicy(ctx context.Context, bucket string, statements []PolicyStatement) error
}

// Caps are a subject's capabilities and limits, where dialects
// legitimately differ.
type Caps struct {
	// MinPartSize is the smallest size of every part but the last that
	// CompleteMultipart accepts (S3 5 MiB, OSS 100 KiB).
	MinPartSize int64
	// BucketTags says the subject serves bucket tagging.
	BucketTags bool
	// RecreateBucketSucceeds says creating a bucket one already owns
	// succeeds (OSS; S3 in us-east-1, its legacy rule) instead of failing
	// with BucketAlreadyOwnedByYou (S3 in every other region).
	RecreateBucketSucceeds bool
	// NullVersionWriteUnnamed says a write into a versioning-suspended
	// bucket answers no version ID (S3) instead of "null" (OSS); reads
	// name the null version either way.
	NullVersionWriteUnnamed bool
	// CopySourceNotModified says a copy whose source fails If-None-Match
	// or If-Modified-Since answers NotModified (OSS, 304) rather than
	// PreconditionFailed (S3, 412).
	CopySourceNotModified bool
	// CopyMakesOnePart says a copy of a multipart object is one part with
	// the MD5 of its body as its ETag (S3) instead of keeping the source's
	// ETag and parts (OSS, Sina, the engine).
	CopyMakesOnePart bool
	// FutureModifiedSinceIgnored says an If-Modified-Since (and copy
	// source If-Modified-Since) date later than the subject's clock is
	// ignored (S3, as RFC 2616 14.25 calls it invalid) instead of
	// answering NotModified or PreconditionFailed (OSS, Sina, the engine).
	FutureModifiedSinceIgnored bool
	// SelfCopyAllowed says copying an object onto itself without changing
	// anything succeeds (OSS) instead of failing with InvalidRequest (S3).
	SelfCopyAllowed bool
	// ResponseOverrides says Get honours GetOptions.ResponseContentType
	// (the response-content-type query parameter of both wire dialects).
	ResponseOverrides bool
	// PartNumberReads says Get honours GetOptions.PartNumber (S3's
	// partNumber query parameter; OSS has none).
	PartNumberReads bool
	// PartCopyBadRange is the code UploadPartCopy answers for a range
	// outside the source (engine InvalidRange, S3 InvalidArgument), or ""
	// when the whole source is copied instead (OSS).
	PartCopyBadRange string
	// HexDigestETags says the multipart ETag is the MD5 of the parts'
	// upper-case hex MD5s (OSS) rather than of their binary MD5s (S3).
	HexDigestETags bool
	// TooManyTagsCode is the code for more than 10 object tags ("" is
	// InvalidTag; S3 answers BadRequest).
	TooManyTagsCode string
	// DeleteBucketDropsUploads says DeleteBucket deletes a bucket whose
	// only content is unfinished uploads, aborting them (S3), instead of
	// refusing with BucketNotEmpty (OSS, the engine by default).
	DeleteBucketDropsUploads bool
	// CompleteConflictCode is the code of a conditional CompleteMultipart
	// whose condition holds while its key was written during the upload:
	// "" is ConditionalRequestConflict (S3's 409); OSS, whose
	// If-None-Match is x-oss-forbid-overwrite, judges the object as it
	// is now only ("PreconditionFailed": no conflict case is run).
	CompleteConflictCode string
	// InclusiveMarker says ListObjects v1 lists its marker too (an entry
	// equal to it, key or common prefix), and NextMarker is the first
	// entry of the next page (Sina SCS); S3's marker is exclusive.
	InclusiveMarker bool
	// AbortRepeatable says a second AbortMultipart of an upload aborted a
	// short while ago succeeds (S3, as Hadoop S3A's multipart uploader
	// contract test finds it: finalizeConsumesUploadIdImmediately
	// false); elsewhere it is NoSuchUpload.
	AbortRepeatable bool
	// Accounts says the subject can act as a second account on its
	// store and reach the store through every wire dialect, as either
	// account or anonymously (SecondAccount, Dialects, Anonymous,
	// GrantWrite, SetBucketPolicy); the engine API has no accounts.
	Accounts bool
	// WriterKeepsObjects says an object another account writes into a
	// bucket through the subject's dialect is its writer's (S3's Object
	// Ownership ObjectWriter), whichever dialect later asks, rather than
	// the bucket owner's (OSS, SCS: the bucket owner owns every object
	// in its bucket). Only with Accounts.
	WriterKeepsObjects bool
	// AnyoneSparesBucketOwner says a statement of the subject's policy
	// language that names anyone ("*") without a Condition does not
	// apply to the bucket owner (OSS: "the policy applies to all users
	// except the bucket owner", Bucket Policy, "How it works"); in S3 an
	// explicit Deny refuses every caller. Only with Accounts.
	AnyoneSparesBucketOwner bool
}

// ConditionalDeleter is implemented by subjects that delete on a
// condition (S3: If-Match on DeleteObject, a per-object ETag in
// DeleteObjects); the suite's conditional-delete case runs only on them.
type ConditionalDeleter interface {
	// DeleteIfMatch deletes bucket/key only while its ETag is etag.
	DeleteIfMatch(ctx context.Context, bucket, key, etag string) error
	// DeleteManyIfMatch deletes keys[i] while its ETag is etags[i] (""
	// is unconditional) in one request; it returns the keys reported
	// deleted and the code of each key that was not.
	DeleteManyIfMatch(ctx context.Context, bucket string, keys, etags []string) (deleted []string, failed map[string]string, err error)
	// DeleteVersionsIfMatch deletes version versionIDs[i] of keys[i]
	// while that version's ETag is etags[i], in one request (S3:
	// DeleteObjects entries with VersionId and ETag); it returns the keys
	// reported deleted and the code of each key that was not.
	DeleteVersionsIfMatch(ctx context.Context, bucket string, keys, versionIDs, etags []string) (deleted []string, failed map[string]string, err error)
}

// PublicAccessBlocker is implemented by subjects that block public access
// to a bucket (S3's Public Access Block with every setting on, OSS's
// BlockPublicAccess); the suite's case on it runs only on them.
type PublicAccessBlocker interface {
	// BlockPublicAccess turns blocking on or off for bucket.
	BlockPublicAccess(ctx context.Context, bucket string, on bool) error
}

// Accelerator is implemented by subjects with a bucket's transfer
// acceleration setting (S3 ?accelerate, OSS ?transferAcceleration); the
// suite's case on it runs only on them.
type Accelerator interface {
	// SetAcceleration turns the setting on or off for bucket.
	SetAcceleration(ctx context.Context, bucket string, on bool) error
	// Acceleration reads it; set is false for a bucket never set.
	Acceleration(ctx context.Context, bucket string) (on, set bool, err error)
}

// Tag is one object or bucket tag.
type Tag struct{ Key, Value string }

// PutOptions are the inputs of Put (and of CreateMultipart).
type PutOptions struct {
	ContentType        string
	CacheControl       string
	ContentDisposition string
	// Metadata is user metadata; names lower case.
	Metadata map[string]string
	Tags     []Tag
	// ACL is a canned ACL ("" for none).
	ACL string
	// StorageClass in S3's names ("" for the default).
	StorageClass string
	// IfNoneMatch "*" refuses to overwrite; IfMatch requires the current
	// ETag (unquoted hex) to match.
	IfNoneMatch, IfMatch string
	// ContentMD5 is the expected MD5 of the body (16 raw bytes), or nil.
	ContentMD5 []byte
}

// Conditions are conditional-request headers; empty strings and zero
// times are absent. ETags are unquoted hex or "*".
type Conditions struct {
	IfMatch, IfNoneMatch               string
	IfModifiedSince, IfUnmodifiedSince time.Time
}

// GetOptions are the inputs of Get.
type GetOptions struct {
	// Range is an HTTP Range header value ("bytes=0-9"), or "".
	Range string
	Conditions
	// PartNumber, when > 0, reads only that part of a multipart object
	// (a plain object has one part). Only when Caps().PartNumberReads.
	PartNumber int
	// ResponseContentType overrides the Content-Type of the response
	// (only when Caps().ResponseOverrides).
	ResponseContentType string
}

// CopyOptions are the inputs of Copy.
type CopyOptions struct {
	SrcBucket, SrcKey string
	// ReplaceMetadata replaces the source's metadata with ContentType and
	// Metadata (directive REPLACE); otherwise it is copied.
	ReplaceMetadata bool
	ContentType     string
	Metadata        map[string]string
	// ReplaceTags gives the copy Tags instead of the source's tags
	// (tagging directive REPLACE).
	ReplaceTags bool
	Tags        []Tag
	// Source conditions (x-*-copy-source-if-*).
	Source Conditions
	// IfNoneMatch "*" refuses to overwrite an existing destination.
	IfNoneMatch string
}

// ObjectAttrs are the attributes of an object as Head and Get report them.
type ObjectAttrs struct {
	Size               int64
	ETag               string
	ContentType        string
	CacheControl       string
	ContentDisposition string
	Metadata           map[string]string
	LastModified       time.Time
	StorageClass       string
}

// ListOptions are the inputs of List.
type ListOptions struct {
	// V2 selects ListObjectsV2 (StartAfter, ContinuationToken); otherwise
	// ListObjects (Marker).
	V2                bool
	Prefix, Delimiter string
	Marker            string // v1
	StartAfter        string // v2
	ContinuationToken string // v2
	// MaxKeys bounds the page; 0 means the default (1000).
	MaxKeys int
}

// ListPage is one page of a listing.
type ListPage struct {
	Objects        []ObjectSummary
	CommonPrefixes []string
	IsTruncated    bool
	// NextMarker (v1; may be empty without a delimiter, then the last key
	// is the marker) or NextContinuationToken (v2) continues the listing.
	NextMarker, NextContinuationToken string
}

// ObjectSummary is one listed object.
type ObjectSummary struct {
	Key  string
	Size int64
	ETag string
	// LastModified is the listing's time of the object; zero when the
	// subject's listing does not carry one. Where it does, it is the time
	// Head reports (S3 and OSS list and answer whole seconds).
	LastModified time.Time
}

// CompletedPart names one part in CompleteMultipart.
type CompletedPart struct {
	PartNumber int
	ETag       string
}

// CompleteOptions are the inputs of CompleteMultipart.
type CompleteOptions struct {
	// IfNoneMatch "*" refuses to overwrite an existing object.
	IfNoneMatch string
	// IfMatch completes only while the key's object has this ETag.
	IfMatch string
}

// ListPartsOptions are the inputs of ListParts.
type ListPartsOptions struct {
	PartNumberMarker int
	MaxParts         int // 0 means the default
}

// PartsPage is one page of ListParts.
type PartsPage struct {
	Parts                []PartSummary
	IsTruncated          bool
	NextPartNumberMarker int
}

// PartSummary is one uploaded part.
type PartSummary struct {
	PartNumber int
	ETag       string
	Size       int64
}

// ListUploadsOptions are the inputs of ListUploads.
type ListUploadsOptions struct {
	Prefix, Delimiter         string
	KeyMarker, UploadIDMarker string
	MaxUploads                int // 0 means the default
}

// UploadsPage is one page of ListUploads.
type UploadsPage struct {
	Uploads                           []UploadSummary
	CommonPrefixes                    []string
	IsTruncated                       bool
	NextKeyMarker, NextUploadIDMarker string
}

// UploadSummary is one upload in progress.
type UploadSummary struct {
	Key, UploadID string
}

// PolicyStatement is one statement of a bucket policy, on the bucket's
// objects.
type PolicyStatement struct {
	// Deny makes the statement a Deny; otherwise it is an Allow.
	Deny bool
	// Principal is whom the statement names.
	Principal Principal
	// Action is an object operation in S3's name without its prefix
	// ("GetObject", "PutObject"); a subject names it in its language.
	Action string
}

// Principal names whom a policy statement applies to.
type Principal int

const (
	// Anyone is every caller, anonymous ones included ("*").
	Anyone Principal = iota
	// TheSecondAccount is the account SecondAccount acts as.
	TheSecondAccount
)

// WriteGrant is the policy statement that lets the second account write
// objects: a case that sets a policy on a bucket GrantWrite opened
// includes it, as GrantWrite's policy (OSS) is replaced.
var WriteGrant = PolicyStatement{Principal: TheSecondAccount, Action: "PutObject"}
