package engine

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error the engine returns for a client mistake wraps
// exactly one of these; branch on them with errors.Is. The httpapi package
// maps each to a wire code and HTTP status in one table.
var (
	ErrNoSuchBucket   = errors.New("engine: no such bucket")
	ErrNoSuchKey      = errors.New("engine: no such key")
	ErrBucketNotEmpty = errors.New("engine: bucket not empty")
	// ErrBucketHasVersions is ErrBucketNotEmpty for a versioned bucket
	// (what is left may be noncurrent versions and delete markers).
	ErrBucketHasVersions = fmt.Errorf("%w: it holds versions", ErrBucketNotEmpty)
	// ErrBucketChanged: a write guarded by WithBucketGuard found another
	// bucket of that name (deleted and re-created since the guard's read).
	ErrBucketChanged           = errors.New("engine: bucket was re-created during the request")
	ErrBucketAlreadyExists     = errors.New("engine: bucket already exists")
	ErrBucketAlreadyOwnedByYou = errors.New("engine: bucket already owned by you")
	ErrInvalidBucketName       = errors.New("engine: invalid bucket name")
	ErrInvalidKey              = errors.New("engine: invalid object key")
	ErrKeyTooLong              = errors.New("engine: object key too long")
	ErrPreconditionFailed      = errors.New("engine: precondition failed")
	ErrNotModified             = errors.New("engine: not modified")
	ErrInvalidRange            = errors.New("engine: requested range not satisfiable")
	ErrBadDigest               = errors.New("engine: content digest mismatch")
	ErrIncompleteBody          = errors.New("engine: body shorter or longer than its declared size")
	ErrInvalidTag              = errors.New("engine: invalid tag")
	ErrInvalidArgument         = errors.New("engine: invalid argument")
	ErrInvalidCopyRequest      = errors.New("engine: copy to itself without changing anything")
	// ErrCopySourceChanged: the copy source is no longer the object
	// CopyOptions.SourcePin (PartCopyOptions.SourcePin) names.
	ErrCopySourceChanged = errors.New("engine: copy source changed since it was authorized")
	// ErrObjectChanged: the object an update would change is no longer
	// the one ObjectUpdate.Pin names.
	ErrObjectChanged            = errors.New("engine: object changed since it was authorized")
	ErrEntityTooLarge           = errors.New("engine: entity too large")
	ErrObjectSizeMismatch       = errors.New("engine: the parts do not add up to the object size given")
	ErrInvalidPartNumber        = errors.New("engine: invalid part number")
	ErrClosed                   = errors.New("engine: closed")
	ErrNoSuchUpload             = errors.New("engine: no such multipart upload")
	ErrInvalidPart              = errors.New("engine: invalid part")
	ErrInvalidPartOrder         = errors.New("engine: parts not in ascending order")
	ErrEntityTooSmall           = errors.New("engine: part smaller than the minimum size")
	ErrObjectNotAppendable      = errors.New("engine: object is not appendable")
	ErrPositionNotEqualToLength = errors.New("engine: append position is not the object length")
	// ErrEmptyAppend: ExtendObject was given an empty body.
	ErrEmptyAppend = errors.New("engine: an append must add at least one byte")
	// ErrAppendMetadata: ExtendObject was given user metadata for an
	// object that exists (its metadata is the first write's).
	ErrAppendMetadata = errors.New("engine: an append to an existing object cannot set its user metadata")
	// ErrEncryptionTypeMismatch: ExtendObject asked for another
	// encryption mode than the object's.
	ErrEncryptionTypeMismatch = errors.New("engine: the object is encrypted otherwise than the append asks")
	// ErrTooManyParts: an append would give the object more than
	// MaxObjectParts parts.
	ErrTooManyParts = errors.New("engine: the object has the most parts it may have")
	ErrNotSymlink   = errors.New("engine: object is not a symlink")
	// ErrNoSuchAnnotation: no annotation of that name for the object's
	// current body (see PutAnnotation).
	ErrNoSuchAnnotation      = errors.New("engine: no such annotation")
	ErrSymlinkTargetNotExist = errors.New("engine: symlink target does not exist")
	ErrInvalidTargetType     = errors.New("engine: symlink target is a symlink")
	// ErrTooManyBuckets: the owner holds BucketOptions.MaxPerOwner buckets.
	ErrTooManyBuckets = errors.New("engine: too many buckets")
	// ErrCopySourceSymlink: UploadPartCopy's source is a symlink, which
	// OSS refuses (EC 0042-00000308); CopyObject copies the link itself.
	ErrCopySourceSymlink        = errors.New("engine: the source of a part copy is a symlink")
	ErrInvalidObjectState       = errors.New("engine: object is archived and not restored")
	ErrRestoreAlreadyInProgress = errors.New("engine: restore already in progress")
	ErrRestoreNotFinished       = errors.New("engine: the restore is not finished")
	ErrNotRestored              = errors.New("engine: the archived object has no restored copy")
	ErrNoSuchConfig             = errors.New("engine: no such bucket configuration")
	ErrNoSuchContent            = errors.New("engine: no stored body has this SHA-1 and size")
	ErrNoSuchLiveChannel        = errors.New("engine: no such live channel")
	// ErrBucketHasLiveChannels wraps ErrBucketNotEmpty: DeleteBucket found
	// live channels in the bucket.
	ErrBucketHasLiveChannels = fmt.Errorf("%w: it holds live channels", ErrBucketNotEmpty)
	ErrNoSuchVersion         = errors.New("engine: no such version")
	ErrInvalidVersionID      = errors.New("engine: invalid version id")
	// ErrVersionIsDeleteMarker: a read named a delete marker's version.
	ErrVersionIsDeleteMarker = errors.New("engine: version is a delete marker")
	// ErrReplicationVersioning: a replication configuration needs
	// versioning Enabled on the source bucket.
	ErrReplicationVersioning = errors.New("engine: versioning must be Enabled on the bucket to apply a replication configuration")
	// ErrReplicationDestinationVersioning: a local destination bucket of a
	// replication rule must have versioning Enabled.
	ErrReplicationDestinationVersioning = errors.New("engine: replication destination bucket must have versioning enabled")
	// ErrReplicationDestinationObjectLock: a version of a bucket with
	// Object Lock is replicated only into a local destination bucket
	// with Object Lock (S3's DstBucketObjectLockConfigMissing); the item
	// is retried, and completes once the destination has it.
	ErrReplicationDestinationObjectLock = errors.New("engine: replication destination bucket must have Object Lock enabled, as the source bucket has")
	// ErrReplicationVersioningMismatch: an unversioned bucket replicates
	// only to unversioned local buckets (OSS's rule).
	ErrReplicationVersioningMismatch = errors.New("engine: the source and destination buckets of a replication must both be versioned or both unversioned")
	// ErrReplicationEncryptionBlocked: a local destination bucket blocks
	// the encryption type of the version to replicate (an SSE-C version
	// into a bucket whose encryption configuration blocks SSE-C); the
	// item is retried, and completes once the block is lifted.
	ErrReplicationEncryptionBlocked = errors.New("engine: replication destination bucket blocks the version's encryption type")
	// ErrNoSuchReplicationDestination: a rule names a bucket that is
	// neither local nor a configured ReplicationTarget.
	ErrNoSuchReplicationDestination = errors.New("engine: replication destination bucket must exist")
	// ErrReplicationDestinationOwner: a local destination bucket belongs
	// to another owner than the source bucket; nothing is written to it
	// (checked when the rule is put and again at each delivery).
	ErrReplicationDestinationOwner = errors.New("engine: replication destination bucket belongs to another owner than the source bucket")
	// ErrReplicationConfigured: versioning cannot be suspended on a bucket
	// with a replication configuration.
	ErrReplicationConfigured = errors.New("engine: a replication configuration is present on this bucket, so the versioning state cannot be changed")
	// ErrCorrupt reports stored bytes or records that fail verification. It
	// is never a client mistake.
	ErrCorrupt = errors.New("engine: corrupt data")
	// ErrLocked reports that Open found the directory locked: another
	// process (or another Engine in this process) has it open.
	ErrLocked = errors.New("engine: directory locked by another process")

	// ErrConditionalRequestConflict: a conditional CompleteMultipartUpload
	// whose condition holds found the key written or deleted after the
	// upload began (S3 answers 409; the client re-initiates the upload).
	ErrConditionalRequestConflict = errors.New("engine: the object changed while the conditional upload was in progress")
	// ErrObjectImmutable: a bucket retention policy protects the object
	// from deletion and overwrite.
	ErrObjectImmutable = errors.New("engine: object is protected by the bucket's retention policy")
	// ErrNoSuchWorm: the bucket has no retention policy, or not that one.
	ErrNoSuchWorm = errors.New("engine: no such bucket retention policy")
	// ErrWormLocked: the retention policy is locked.
	ErrWormLocked = errors.New("engine: bucket retention policy is locked")
	// ErrInvalidWorm: a retention-policy request that cannot apply (period
	// out of range or not longer, policy in the wrong state).
	ErrInvalidWorm = errors.New("engine: invalid bucket retention policy request")
	// ErrNoKeyService: a write asked for EncryptManaged or EncryptKMS and
	// Options.Keys is nil.
	ErrNoKeyService = errors.New("engine: no key service configured for server-side encryption")
	// ErrCustomerKeyRequired: the object is sealed by a customer key and
	// the request gave none.
	ErrCustomerKeyRequired = errors.New("engine: the object is encrypted with a customer key; the key is required")
	// ErrCustomerKeyMismatch: the customer key given does not open the
	// object.
	ErrCustomerKeyMismatch = errors.New("engine: the customer key does not match the object's")
	// ErrEncryptionNotApplicable: a customer key was given for an object
	// (or upload) not sealed by one.
	ErrEncryptionNotApplicable = errors.New("engine: the encryption parameters are not applicable to this object")
	// ErrObjectLocked: the version is under an Object Lock retention or
	// legal hold that the request may not override.
	ErrObjectLocked = errors.New("engine: object protected by object lock")
	// ErrObjectLockNotEnabled: an Object Lock request on a bucket without
	// Object Lock.
	ErrObjectLockNotEnabled = errors.New("engine: bucket is missing object lock configuration")
	// ErrPartChecksum is the ErrInvalidArgument of a part whose checksum
	// is not its upload's (errors wrapping it are *PartChecksumError).
	ErrPartChecksum = fmt.Errorf("%w: the part's checksum is not its upload's", ErrInvalidArgument)
	// ErrInvalidBucketState: the request conflicts with the bucket's state
	// (suspending versioning of a bucket with Object Lock, enabling Object
	// Lock on a bucket whose versioning is not enabled).
	ErrInvalidBucketState = errors.New("engine: invalid bucket state")
	// ErrLockNeedsVersioning and ErrVersioningLocked are the two
	// ErrInvalidBucketState refusals of Object Lock: a configuration on a
	// bucket whose versioning is not enabled, and suspending versioning
	// under Object Lock.
	ErrLockNeedsVersioning = fmt.Errorf("%w: versioning must be enabled to apply an Object Lock configuration", ErrInvalidBucketState)
	ErrVersioningLocked    = fmt.Errorf("%w: versioning cannot be suspended under Object Lock", ErrInvalidBucketState)

	// ErrNotImplemented is a request the engine understands but does not
	// carry out (an inventory report format it does not write).
	ErrNotImplemented = errors.New("engine: not implemented")

	// ErrTooManyConfigurations is a configuration beyond the most a
	// bucket may have (S3 inventory: 1,000).
	ErrTooManyConfigurations = errors.New("engine: too many configurations")
)

// ConditionError is returned by reads and copies whose conditional
// headers stop them. It wraps ErrNotModified or ErrPreconditionFailed,
// names the condition that did not hold and, for reads, carries the
// object's info, which a 304 response must echo (ETag, Last-Modified).
type ConditionError struct {
	Err  error // ErrNotModified or ErrPreconditionFailed
	Info ObjectInfo
	// Condition is the Conditions field that did not hold: IfMatch,
	// IfUnmodifiedSince, IfNoneMatch or IfModifiedSince.
	Condition string
}

func (e *ConditionError) Error() string {
	return fmt.Sprintf("%v: %s/%s", e.Err, e.Info.Bucket, e.Info.Key)
}

// Unwrap lets errors.Is see the sentinel.
func (e *ConditionError) Unwrap() error { return e.Err }

// RangeError is returned when a byte range cannot be satisfied. It wraps
// ErrInvalidRange and carries the object size, which a 416 response reports,
// and, from a read (GetObject), the info of the object read (as
// ConditionError does), whose read the answer must be decided on.
type RangeError struct {
	Size int64
	Info ObjectInfo
}

func (e *RangeError) Error() string {
	return fmt.Sprintf("%v (object size %d)", ErrInvalidRange, e.Size)
}

// Unwrap lets errors.Is see ErrInvalidRange.
func (e *RangeError) Unwrap() error { return ErrInvalidRange }

// PartNumberError is returned when a read names a part the object does
// not have. It wraps ErrInvalidPartNumber and carries the part asked for
// and how many the object has, which S3's 416 reports, and the info of
// the object read (as RangeError).
type PartNumberError struct {
	Requested, Count int
	Info             ObjectInfo
}

func (e *PartNumberError) Error() string {
	return fmt.Sprintf("%v: part %d of %d", ErrInvalidPartNumber, e.Requested, e.Count)
}

// Unwrap lets errors.Is see ErrInvalidPartNumber.
func (e *PartNumberError) Unwrap() error { return ErrInvalidPartNumber }

// DigestError is returned when a declared digest does not match the body. It
// wraps ErrBadDigest and names the algorithm: ContentMD5 for the
// Content-MD5 header, else the checksum algorithm ("CRC32", "MD5" for
// x-amz-checksum-md5, ...).
type DigestError struct {
	Algorithm string
	// PartNumber is the part of a CompleteMultipartUpload whose listed
	// checksum is not the part's (CompletePart); 0 for a body.
	PartNumber int
	// Expected and Calculated, for a ContentMD5 mismatch, are the digest
	// the request declared and the one of the body received (S3 names
	// both in its BadDigest answer).
	Expected, Calculated []byte
}

// ContentMD5 is DigestError.Algorithm for a Content-MD5 mismatch.
const ContentMD5 = "Content-MD5"

func (e *DigestError) Error() string {
	if e.PartNumber > 0 {
		return fmt.Sprintf("%v: %s of part %d", ErrBadDigest, e.Algorithm, e.PartNumber)
	}
	return fmt.Sprintf("%v: %s", ErrBadDigest, e.Algorithm)
}

// Unwrap lets errors.Is see ErrBadDigest.
func (e *DigestError) Unwrap() error { return ErrBadDigest }

// PositionError is returned by AppendObject when the position is not the
// object's length. It wraps ErrPositionNotEqualToLength and carries the
// length, which OSS returns as x-oss-next-append-position.
type PositionError struct {
	Length int64
}

func (e *PositionError) Error() string {
	return fmt.Sprintf("%v (length %d)", ErrPositionNotEqualToLength, e.Length)
}

// Unwrap lets errors.Is see ErrPositionNotEqualToLength.
func (e *PositionError) Unwrap() error { return ErrPositionNotEqualToLength }

// ArchivedError is returned by reads (Get, copy sources) of an archived
// object without a readable restored copy. It wraps ErrInvalidObjectState
// and names the object's storage class and, for an INTELLIGENT_TIERING
// object, its archive access tier, which S3's answer carries.
type ArchivedError struct {
	StorageClass string
	AccessTier   string
	Bucket, Key  string
	// Info is the object read (through a symlink, the link's record with
	// its LinkTarget), as ConditionError's: an answer that tells of its
	// state must be decided on it.
	Info ObjectInfo
}

func (e *ArchivedError) Error() string {
	return fmt.Sprintf("%v: %s/%s (%s)", ErrInvalidObjectState, e.Bucket, e.Key, e.StorageClass)
}

// Unwrap lets errors.Is see ErrInvalidObjectState.
func (e *ArchivedError) Unwrap() error { return ErrInvalidObjectState }
