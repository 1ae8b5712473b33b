package engine

import (
	"time"

	"github.com/osslite/osslite/pkg/checksum"
)

// Metadata is the stored system and user metadata of an object.
type Metadata struct {
	ContentType        string // DefaultContentType when empty on a write, unless KeepEmptyContentType
	ContentEncoding    string
	ContentDisposition string
	ContentLanguage    string
	CacheControl       string
	Expires            string // stored as sent (an HTTP date)
	// WebsiteRedirect is x-amz-website-redirect-location.
	WebsiteRedirect string
	// User holds user metadata, names lower-cased by the caller, values raw.
	User map[string]string
	// Headers holds other headers stored with the object and returned as
	// sent, names lower-cased by the caller (Sina's x-sina-info,
	// x-sina-info-int, x-sina-expire).
	Headers map[string]string
	// KeepEmptyContentType has a write store an empty ContentType as it
	// is instead of DefaultContentType: S3 keeps a Content-Type header
	// sent with no value and answers it empty. Only writes read it; it is
	// not stored, and such an object reads back with ContentType "".
	KeepEmptyContentType bool
}

// Tag is one object or bucket tag.
type Tag struct {
	Key, Value string
}

// Grant gives one grantee one permission.
type Grant struct {
	// GranteeType is "CanonicalUser", "Group" or "AmazonCustomerByEmail".
	GranteeType string
	ID          string
	DisplayName string
	URI         string
	Email       string
	// Permission is FULL_CONTROL, READ, WRITE, READ_ACP or WRITE_ACP.
	Permission string
}

// ACL is a canned ACL name, explicit grants, or both (grants win when set).
// The engine stores it; httpapi interprets it.
type ACL struct {
	Canned string
	Grants []Grant
	// ObjectsPrivate (a bucket's ACL): objects without an ACL of their
	// own are private to their owner whatever this ACL grants. Set when
	// the ACL comes through a dialect whose bucket grants list the bucket
	// only (S3, Sina), so that a dialect whose objects follow their
	// bucket's ACL (OSS) does not read it as opening them. Kept in bucket
	// records only.
	ObjectsPrivate bool
}

// Dialect is the wire protocol whose request wrote an object
// (ObjectInfo.Dialect). The engine stores it; httpapi interprets it (the
// rule of the dialect that wrote an object decides whether its writer or
// the bucket owner owns it).
type Dialect uint8

const (
	// DialectUnknown: not recorded (written by a build before the mark,
	// through the engine's API, or by the server itself).
	DialectUnknown Dialect = iota
	DialectS3
	DialectOSS
	DialectSina
)

// ObjectType distinguishes how an object was made (OSS x-oss-object-type).
type ObjectType uint8

const (
	ObjectNormal ObjectType = iota
	ObjectAppendable
	ObjectMultipart
	ObjectSymlink
)

func (t ObjectType) String() string {
	switch t {
	case ObjectAppendable:
		return "Appendable"
	case ObjectMultipart:
		return "Multipart"
	case ObjectSymlink:
		return "Symlink"
	}
	return "Normal"
}

// ObjectInfo describes a stored object.
type ObjectInfo struct {
	Bucket string
	Key    string
	Size   int64
	ETag   string // hex MD5 (lower case, no quotes), or hex-N for multipart
	// ContentMD5 is the hex MD5 of the whole body when the ETag is not it
	// and it is known: a multipart object whose upload asked for it
	// (PutOptions.WholeMD5); "" otherwise.
	ContentMD5   string
	LastModified time.Time
	// LastAccess is the last read that the bucket's access tracking
	// recorded (zero: none); see LastAccessTime for the time to report.
	LastAccess time.Time
	// AccessTier is the Intelligent-Tiering archive tier an
	// INTELLIGENT_TIERING object is in ("", bucketconfig.ArchiveAccess or
	// bucketconfig.DeepArchiveAccess): such an object must be restored
	// before it is read, as an archived one (tiering.go).
	AccessTier string
	// TransitionTime is when a lifecycle rule last moved the object to
	// another storage class (zero: never); OSS shows it for the cold
	// archive classes.
	TransitionTime time.Time
	Metadata
	StorageClass string // "" means the bucket's default (STANDARD)
	ACL          ACL
	Tags         []Tag
	// CRC64 is the CRC-64/ECMA of the body, as OSS reports it.
	CRC64 uint64
	// NoCRC64: CRC64 was not computed, because the body came through a
	// protocol that does not report it (PutOptions.NoCRC64); OSS answers
	// such an object without x-oss-hash-crc64ecma, as it does for objects
	// it has no CRC for, and its SDKs then skip their check.
	NoCRC64 bool
	// SHA1 is the lower-case hex SHA-1 of the body of objects stored whole
	// (PutObject, PutObjectByContent and their copies); "" for multipart
	// and appendable objects, whose SHA-1 is not computed.
	SHA1 string
	// Checksums holds the flexible checksums stored with the object, keyed by
	// algorithm, as raw big-endian bytes.
	Checksums map[checksum.Algorithm][]byte
	// ChecksumType is "FULL_OBJECT" or "COMPOSITE" when Checksums is set.
	ChecksumType string
	Type         ObjectType
	// PartSizes lists the part sizes of a multipart object, in order.
	PartSizes []int64
	// Owner is the ID of the principal that wrote the object.
	Owner string
	// Dialect is the wire protocol of the request that gave the object
	// its Owner (PutOptions.Dialect, CopyOptions.Dialect): a multipart
	// object's is its upload's initiation, an appendable object's its
	// first append's, a replica's or a restored object's the source's.
	// DialectUnknown in records written before it was kept.
	Dialect Dialect
	// SymlinkTarget is the key a symlink points to ("" for other objects).
	SymlinkTarget string
	// LinkTarget is set on an object read through a symlink (GetObject,
	// HeadObject, HeadObjectVersion and a read's ConditionError: Type
	// ObjectSymlink, the link's version, owner, ACL, tags and metadata
	// with the target's size, ETag and body): the target's own info, of
	// the very record whose size, ETag and body the read answers, so that
	// a read through the link is decided on the target it serves rather
	// than on one read again (a target overwritten in between). Nil for
	// every other object, a link's own record (GetSymlink) included.
	LinkTarget *ObjectInfo
	// Restore is the restore state of an archived object; nil when no
	// restore was requested or the last one expired.
	Restore *RestoreStatus
	// PartChecksums holds, for a multipart object with a flexible
	// checksum, each part's checksum of that algorithm (raw bytes), in
	// the order of PartSizes.
	PartChecksums [][]byte
	// Encryption says how the body is encrypted at rest; nil: in clear.
	Encryption *EncryptionInfo
	// VersionID is the object's version ID; "" for the null version (an
	// object written while its bucket was unversioned or suspended).
	VersionID string
	// CopiedVersionID is set by CopyObject on the copy's info: the ID of
	// the source version copied ("" for the null version), read when the
	// copy was made (a copy onto itself replaces the version it read).
	CopiedVersionID string
	// DeleteMarker is set on delete markers (ListObjectVersions only).
	DeleteMarker bool
	// IsLatest is set by ListObjectVersions on each key's latest version.
	IsLatest bool
	// Retention is the version's Object Lock retention (Mode "": none).
	Retention Retention
	// LegalHold is set while the version is under an Object Lock legal hold.
	LegalHold bool
	// LegalHoldSet says a legal hold status (on or off) was ever given to
	// the version (S3 reports none otherwise).
	LegalHoldSet bool
	// ReplicationStatus is the version's replication state (see
	// engine/replication.go): ReplicationPending, ReplicationCompleted or
	// ReplicationFailed on a replicated source version, ReplicationReplica
	// on a replica; "" when no replication rule applies.
	ReplicationStatus string
}

// RestoreStatus is the state of a restore of an archived object.
type RestoreStatus struct {
	// Ongoing is true until the restore completes.
	Ongoing bool
	// Expiry is when the restored copy stops being readable.
	Expiry time.Time
}

// BucketInfo describes a bucket.
type BucketInfo struct {
	Name         string
	Created      time.Time
	Region       string
	StorageClass string
	ACL          ACL
	Owner        string
	// Redundancy is BucketOptions.Redundancy ("" for the default).
	Redundancy string
	// Constraint is BucketOptions.Constraint ("" when Region says it).
	Constraint string
	// ID tells this bucket apart from an earlier or later bucket of the
	// same name (random at creation; 0 for buckets created before IDs).
	// See WithBucketGuard.
	ID uint64
	// Versioning is the bucket's versioning state.
	Versioning VersioningState
	// ObjectLock is set when Object Lock is enabled on the bucket.
	ObjectLock bool
}

// extent is a run of bytes inside one blob.
type extent struct {
	blob uint64
	off  int64 // offset inside the blob's raw bytes
	n    int64
}
