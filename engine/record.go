package engine

import (
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/osslite/osslite/pkg/checksum"
	"github.com/osslite/osslite/wal"
)

// Records are stored in pebble as a version byte followed by fields, each a
// uvarint tag, a uvarint length and that many payload bytes. Readers skip
// tags they do not know, so fields can be added without a migration.

const recordVersion = 1

// Object record field tags. Never reuse a number.
const (
	fSize = iota + 1
	fETag
	fModTime
	fContentType
	fContentEncoding
	fContentDisposition
	fContentLanguage
	fCacheControl
	fExpires
	fWebsiteRedirect
	fUserMeta
	fStorageClass
	fACL
	fTag
	fCRC64
	fChecksum
	fChecksumType
	fType
	fPartSizes
	fInline
	fExtent
	fOwner
	fChecksumAlgorithm // multipart uploads: the algorithm chosen at initiation
	fSymlinkTarget
	fRestoreReady
	fRestoreExpiry
	fSHA1
	fHeader
	fPartChecksums  // multipart objects: each part's flexible checksum
	fUploadBase     // multipart uploads: the key's object when the upload began
	fEncryption     // mode, KMS key ID, bucket key, then encryption-context pairs
	fDataKey        // a sealed data key: blob ID (uvarint), then the sealed bytes
	fDataCipher     // the chunk cipher of an encrypted object (absent: AES-256)
	fVersionID      // the version ID; absent for the null version
	fDeleteMarker   // the version is a delete marker
	fNullStamp      // ordering stamp of a current null version (see version.go)
	fLockMode       // Object Lock retention mode (objlock.go)
	fLockUntil      // Object Lock retain-until date, Unix nanoseconds
	fLegalHold      // Object Lock legal hold is on
	fReplication    // replication status (see replication.go)
	fContentMD5     // hex MD5 of the whole body when the ETag is not it (ObjectInfo.ContentMD5)
	fWholeMD5       // multipart uploads: Complete computes ContentMD5 (PutOptions.WholeMD5)
	fLastAccess     // last read recorded by access tracking, Unix nanoseconds (access.go)
	fAccessTier     // Intelligent-Tiering archive tier (tiering.go)
	fTransitionTime // last lifecycle transition, Unix nanoseconds (lifecycle.go)
	fInitiator      // multipart uploads: who started it, when not the owner (PutOptions.Initiator)
	fDialect        // ObjectInfo.Dialect; absent when unknown (records of earlier builds)
)

// Bucket record field tags.
const (
	bCreated = iota + 1
	bRegion
	bStorageClass
	bACL
	bOwner
	bRedundancy
	bID
	bVersioning     // VersioningState; absent while unversioned
	bObjectLock     // Object Lock enabled: default mode, days, years (objlock.go)
	bConstraint     // location constraint as named, when not Region (BucketOptions.Constraint)
	bObjectsPrivate // ACL.ObjectsPrivate of the bucket's ACL; absent when false
)

type encoder struct{ b []byte }

func (e *encoder) field(tag uint64, payload []byte) {
	e.b = binary.AppendUvarint(e.b, tag)
	e.b = binary.AppendUvarint(e.b, uint64(len(payload)))
	e.b = append(e.b, payload...)
}

func (e *encoder) str(tag uint64, s string) {
	if s == "" {
		return
	}
	e.b = binary.AppendUvarint(e.b, tag)
	e.b = binary.AppendUvarint(e.b, uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) uint(tag uint64, v uint64) {
	var tmp [binary.MaxVarintLen64]byte
	e.field(tag, tmp[:binary.PutUvarint(tmp[:], v)])
}

func (e *encoder) int(tag uint64, v int64) {
	var tmp [binary.MaxVarintLen64]byte
	e.field(tag, tmp[:binary.PutVarint(tmp[:], v)])
}

// strs encodes several strings as one field, each its length and bytes,
// written in place (the field's length is summed first).
func (e *encoder) strs(tag uint64, ss ...string) {
	n := 0
	for _, s := range ss {
		n += uvarintLen(uint64(len(s))) + len(s)
	}
	e.b = binary.AppendUvarint(e.b, tag)
	e.b = binary.AppendUvarint(e.b, uint64(n))
	for _, s := range ss {
		e.b = binary.AppendUvarint(e.b, uint64(len(s)))
		e.b = append(e.b, s...)
	}
}

// uvarintLen is the length of v's binary.AppendUvarint encoding.
func uvarintLen(v uint64) int {
	n := 1
	for ; v >= 0x80; v >>= 7 {
		n++
	}
	return n
}

func (e *encoder) acl(tag uint64, a ACL) {
	if a.Canned == "" && len(a.Grants) == 0 {
		return
	}
	ss := []string{a.Canned}
	for _, g := range a.Grants {
		ss = append(ss, g.GranteeType, g.ID, g.DisplayName, g.URI, g.Email, g.Permission)
	}
	e.strs(tag, ss...)
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: bad record (%s)", ErrCorrupt, what)
	}
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("uvarint")
		d.b = nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

// next returns the next field; ok is false at the end or on error.
func (d *decoder) next() (tag uint64, payload []byte, ok bool) {
	if len(d.b) == 0 || d.err != nil {
		return 0, nil, false
	}
	if b := d.b; len(b) >= 2 && b[0] < 0x80 && b[1] < 0x80 {
		// A one-byte tag and length, as most fields have: read here
		// rather than through binary.Uvarint twice (a listing reads
		// every field of every key's record).
		if n := int(b[1]); n <= len(b)-2 {
			payload, d.b = b[2:2+n], b[2+n:]
			return uint64(b[0]), payload, true
		}
	}
	tag = d.uvarint()
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)) {
		d.fail("field length")
		return 0, nil, false
	}
	payload, d.b = d.b[:n], d.b[n:]
	return tag, payload, true
}

func (d *decoder) version() {
	if len(d.b) == 0 || d.b[0] != recordVersion {
		d.fail("version")
		d.b = nil
		return
	}
	d.b = d.b[1:]
}

func (d *decoder) varint(p []byte) int64 {
	v, n := binary.Varint(p)
	if n <= 0 {
		d.fail("varint")
	}
	return v
}

func (d *decoder) uvar(p []byte) uint64 {
	v, n := binary.Uvarint(p)
	if n <= 0 {
		d.fail("uvarint")
	}
	return v
}

// pair reads a string list of exactly two strings without copying them.
func (d *decoder) pair(p []byte) (a, b []byte, ok bool) {
	sub := decoder{b: p}
	var out [2][]byte
	for i := range out {
		n := sub.uvarint()
		if sub.err != nil || n > uint64(len(sub.b)) {
			return nil, nil, false
		}
		out[i], sub.b = sub.b[:n], sub.b[n:]
	}
	return out[0], out[1], len(sub.b) == 0
}

func (d *decoder) strs(p []byte) []string {
	sub := decoder{b: p}
	var out []string
	for len(sub.b) > 0 && sub.err == nil {
		n := sub.uvarint()
		if sub.err != nil || n > uint64(len(sub.b)) {
			d.fail("string list")
			return nil
		}
		out = append(out, string(sub.b[:n]))
		sub.b = sub.b[n:]
	}
	if sub.err != nil {
		d.fail("string list")
	}
	return out
}

func (d *decoder) acl(p []byte) ACL {
	ss := d.strs(p)
	if len(ss) == 0 || (len(ss)-1)%6 != 0 {
		d.fail("acl")
		return ACL{}
	}
	a := ACL{Canned: ss[0]}
	for i := 1; i+6 <= len(ss); i += 6 {
		a.Grants = append(a.Grants, Grant{GranteeType: ss[i], ID: ss[i+1], DisplayName: ss[i+2], URI: ss[i+3], Email: ss[i+4], Permission: ss[i+5]})
	}
	return a
}

// objectRecord is what O/<bucket>\x00<key> holds.
type objectRecord struct {
	info    ObjectInfo // Bucket and Key are not stored
	inline  []byte     // the body when it is small
	extents []extent   // the body in the blob log otherwise
	// checksumAlg is the flexible-checksum algorithm of a multipart upload.
	checksumAlg checksum.Algorithm
	// uploadBase (upload records) is keyState of the upload's key when
	// it began; "" in records written before it was kept.
	uploadBase string
	// wholeMD5 (upload records): Complete computes the object's ContentMD5.
	wholeMD5 bool
	// initiator (upload records) is who started the upload when it is
	// not the owner; "" otherwise.
	initiator string
	// restoreReady and restoreExpiry bound the readable window of a
	// restored archive object (zero: never restored).
	restoreReady, restoreExpiry time.Time
	// nullStamp orders a null version among the key's versions (zero:
	// by LastModified, for objects written before versioning).
	nullStamp stamp
}

func (r *objectRecord) encode() []byte {
	return r.appendEncoded(make([]byte, 0, r.sizeHint()))
}

// appendEncoded appends the record's encoding (encode) to b.
func (r *objectRecord) appendEncoded(b []byte) []byte {
	e := encoder{b: b}
	e.b = append(e.b, recordVersion)
	i := &r.info
	e.int(fSize, i.Size)
	e.str(fETag, i.ETag)
	e.int(fModTime, i.LastModified.UnixNano())
	e.str(fContentType, i.ContentType)
	e.str(fContentEncoding, i.ContentEncoding)
	e.str(fContentDisposition, i.ContentDisposition)
	e.str(fContentLanguage, i.ContentLanguage)
	e.str(fCacheControl, i.CacheControl)
	e.str(fExpires, i.Expires)
	e.str(fWebsiteRedirect, i.WebsiteRedirect)
	if len(i.User) > 0 {
		names := make([]string, 0, len(i.User))
		for k := range i.User {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			e.strs(fUserMeta, k, i.User[k])
		}
	}
	e.str(fStorageClass, i.StorageClass)
	e.acl(fACL, i.ACL)
	for _, t := range i.Tags {
		e.strs(fTag, t.Key, t.Value)
	}
	if !i.NoCRC64 { // absent: not computed
		e.uint(fCRC64, i.CRC64)
	}
	for _, alg := range checksum.Algorithms {
		if v, ok := i.Checksums[alg]; ok {
			e.strs(fChecksum, string(alg), string(v))
		}
	}
	e.str(fChecksumType, i.ChecksumType)
	if i.Type != ObjectNormal {
		e.uint(fType, uint64(i.Type))
	}
	if len(i.PartSizes) > 0 {
		var p []byte
		for _, s := range i.PartSizes {
			p = binary.AppendUvarint(p, uint64(s))
		}
		e.field(fPartSizes, p)
	}
	e.str(fOwner, i.Owner)
	if i.Dialect != DialectUnknown {
		e.uint(fDialect, uint64(i.Dialect))
	}
	e.str(fChecksumAlgorithm, string(r.checksumAlg))
	e.str(fSymlinkTarget, i.SymlinkTarget)
	e.str(fSHA1, i.SHA1)
	if len(i.Headers) > 0 {
		names := make([]string, 0, len(i.Headers))
		for k := range i.Headers {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			e.strs(fHeader, k, i.Headers[k])
		}
	}
	e.str(fUploadBase, r.uploadBase)
	e.str(fInitiator, r.initiator)
	e.str(fContentMD5, i.ContentMD5)
	if r.wholeMD5 {
		e.uint(fWholeMD5, 1)
	}
	if len(i.PartChecksums) > 0 {
		ss := make([]string, len(i.PartChecksums))
		for k, c := range i.PartChecksums {
			ss[k] = string(c)
		}
		e.strs(fPartChecksums, ss...)
	}
	if !i.LastAccess.IsZero() {
		e.int(fLastAccess, i.LastAccess.UnixNano())
	}
	e.str(fAccessTier, i.AccessTier)
	if !i.TransitionTime.IsZero() {
		e.int(fTransitionTime, i.TransitionTime.UnixNano())
	}
	if !r.restoreReady.IsZero() {
		e.int(fRestoreReady, r.restoreReady.UnixNano())
		e.int(fRestoreExpiry, r.restoreExpiry.UnixNano())
	}
	if enc := i.Encryption; enc != nil {
		ss := []string{fmt.Sprint(uint8(enc.Mode)), enc.KeyID, ""}
		if enc.BucketKey {
			ss[2] = "1"
		}
		for _, k := range slices.Sorted(maps.Keys(enc.Context)) {
			ss = append(ss, k, enc.Context[k])
		}
		e.strs(fEncryption, ss...)
		if enc.Cipher != CipherAES256 {
			e.uint(fDataCipher, uint64(enc.Cipher))
		}
		for _, id := range slices.Sorted(maps.Keys(enc.keys)) {
			e.field(fDataKey, append(binary.AppendUvarint(nil, id), enc.keys[id]...))
		}
	}
	e.str(fVersionID, i.VersionID)
	if i.DeleteMarker {
		e.uint(fDeleteMarker, 1)
	}
	if r.nullStamp != (stamp{}) {
		e.field(fNullStamp, r.nullStamp[:])
	}
	if i.Retention.Mode != "" {
		e.str(fLockMode, string(i.Retention.Mode))
		e.int(fLockUntil, i.Retention.Until.UnixNano())
	}
	if i.LegalHold {
		e.uint(fLegalHold, 1)
	} else if i.LegalHoldSet {
		e.uint(fLegalHold, 0)
	}
	e.str(fReplication, i.ReplicationStatus)
	if r.inline != nil {
		e.field(fInline, r.inline)
	}
	for _, x := range r.extents {
		var p []byte
		p = binary.AppendUvarint(p, x.blob)
		p = binary.AppendUvarint(p, uint64(x.off))
		p = binary.AppendUvarint(p, uint64(x.n))
		e.field(fExtent, p)
	}
	return e.b
}

// sizeHint is about the encoded size of r, a little over for the common
// records, so that encode allocates once (an inline body is copied once).
func (r *objectRecord) sizeHint() int {
	i := &r.info
	n := 256 + len(r.inline) + 24*len(r.extents) + len(i.ContentType) + len(i.ContentDisposition) + len(i.CacheControl) +
		len(i.Owner) + len(i.SymlinkTarget) + len(i.WebsiteRedirect) + 8*len(i.PartSizes) + 64*len(i.ACL.Grants)
	for k, v := range i.User {
		n += len(k) + len(v) + 4
	}
	for k, v := range i.Headers {
		n += len(k) + len(v) + 4
	}
	for _, t := range i.Tags {
		n += len(t.Key) + len(t.Value) + 4
	}
	for _, c := range i.PartChecksums {
		n += len(c) + 2
	}
	return n
}

// decodeObject parses an object record. With body false it skips the inline
// bytes and extents (listing needs neither). The result never aliases b.
func decodeObject(b []byte, body bool) (objectRecord, error) {
	return decodeObjectParts(b, body, body)
}

// briefSkips are the fields a brief decode (ListOptions.Brief) leaves out.
var briefSkips = func() (s [fReplication + 1]bool) {
	for _, f := range []int{fContentEncoding, fContentDisposition, fContentLanguage, fCacheControl, fExpires,
		fWebsiteRedirect, fUserMeta, fTag, fPartSizes, fHeader, fPartChecksums, fDataKey, fSHA1, fCRC64} {
		s[f] = true
	}
	return s
}()

// replacedSkips leave of a record only what replacing it needs
// (replaceRecord): its body's blobs, or that it is inline, its size and
// its SHA-1 (the content index), and its storage class (bucket usage).
var replacedSkips = func() (s [fReplication + 1]bool) {
	for f := range s {
		s[f] = true
	}
	for _, f := range []int{fSize, fStorageClass, fInline, fExtent, fSHA1} {
		s[f] = false
	}
	return s
}()

// noInlineCopy stands for an inline body that decodeObjectParts did not
// copy: non-nil, so the record still reads as inline.
var noInlineCopy = []byte{}

// decodeObjectParts is decodeObject with extents decoded when extents is
// set, and the inline body copied when inline is set (else, if present,
// r.inline is noInlineCopy: replacing a record needs to know whether it
// was inline, not its bytes).
func decodeObjectParts(b []byte, extents, inline bool) (objectRecord, error) {
	return decodeObjectFields(b, extents, inline, nil)
}

// inlineField returns the inline body of an object record, aliasing b,
// and whether the record has one.
func inlineField(b []byte) ([]byte, bool) {
	d := decoder{b: b}
	d.version()
	for {
		tag, p, ok := d.next()
		if !ok {
			return nil, false
		}
		if tag == fInline {
			return p, true
		}
	}
}

// hasExtents reports whether an object record locates its body in the blob
// log, without decoding it (an undecodable record says yes: the caller
// then decodes it properly and reports the error).
func hasExtents(b []byte) bool {
	d := decoder{b: b}
	d.version()
	for {
		tag, _, ok := d.next()
		if !ok {
			return d.err != nil
		}
		if tag == fExtent {
			return true
		}
	}
}

// briefDecode is the state of a brief decode across the records of a page:
// the fields it leaves out, and the last owner, content type and storage
// class seen, which the next record most likely repeats and then shares
// instead of copying.
type briefDecode struct {
	owner, contentType, storageClass, checksumType string
	// checksums are the read-only Checksums maps of a page, one per
	// algorithm, holding no values.
	checksums map[string]map[checksum.Algorithm][]byte
	// skips are the fields left out (nil: briefSkips).
	skips *[fReplication + 1]bool
	// names, when set, holds the page's ETags and version IDs (and its
	// keys: the listing's business).
	names *stringArena
}

// checksumsOf returns the shared map that names algorithm alg.
func (b *briefDecode) checksumsOf(alg []byte) map[checksum.Algorithm][]byte {
	if m, ok := b.checksums[string(alg)]; ok {
		return m
	}
	if b.checksums == nil {
		b.checksums = map[string]map[checksum.Algorithm][]byte{}
	}
	m := map[checksum.Algorithm][]byte{checksum.Algorithm(alg): nil}
	b.checksums[string(alg)] = m
	return m
}

// algorithmOf is checksum.Algorithm(alg), without a copy when alg names
// one of checksum.Algorithms.
func algorithmOf(alg []byte) checksum.Algorithm {
	for _, a := range checksum.Algorithms {
		if string(alg) == string(a) {
			return a
		}
	}
	return checksum.Algorithm(alg)
}

// checksumTypeOf is string(p), without a copy for the two types S3 names.
func checksumTypeOf(p []byte) string {
	switch string(p) {
	case "FULL_OBJECT":
		return "FULL_OBJECT"
	case "COMPOSITE":
		return "COMPOSITE"
	}
	return string(p)
}

// intern returns p as a string, *last when they are equal.
func intern(last *string, p []byte) string {
	if string(p) != *last { // compared without a copy
		*last = string(p)
	}
	return *last
}

// decodeObjectFields is decodeObjectParts that, when brief is set, skips the
// fields in brief.skips and shares repeated strings.
func decodeObjectFields(b []byte, extents, inline bool, brief *briefDecode) (objectRecord, error) {
	var r objectRecord
	err := r.decodeInto(&r.info, b, extents, inline, brief)
	return r, err
}

// decodeInto is decodeObjectFields into r, but for the ObjectInfo, which
// goes to i (zero, as r is): a listing decodes each record into its place
// in the page, which saves copying the large ObjectInfo there.
func (r *objectRecord) decodeInto(i *ObjectInfo, b []byte, extents, inline bool, brief *briefDecode) error {
	d := decoder{b: b}
	d.version()
	i.NoCRC64 = true // until the field says otherwise
	skips := &briefSkips
	if brief != nil && brief.skips != nil {
		skips = brief.skips
	}
	for {
		tag, p, ok := d.next()
		if !ok {
			break
		}
		if brief != nil {
			if tag < uint64(len(skips)) && skips[tag] {
				continue
			}
			switch tag {
			case fOwner:
				i.Owner = intern(&brief.owner, p)
				continue
			case fContentType:
				i.ContentType = intern(&brief.contentType, p)
				continue
			case fStorageClass:
				i.StorageClass = intern(&brief.storageClass, p)
				continue
			case fChecksumType:
				i.ChecksumType = intern(&brief.checksumType, p)
				continue
			case fETag:
				i.ETag = brief.names.string(p)
				continue
			case fVersionID:
				i.VersionID = brief.names.string(p)
				continue
			case fChecksum:
				alg, _, ok := d.pair(p)
				switch {
				case !ok:
					d.fail("checksum")
				case i.Checksums == nil:
					i.Checksums = brief.checksumsOf(alg)
				default: // a second algorithm: a map of its own
					m := maps.Clone(i.Checksums)
					m[checksum.Algorithm(alg)] = nil
					i.Checksums = m
				}
				continue
			}
		}
		switch tag {
		case fSize:
			i.Size = d.varint(p)
		case fETag:
			i.ETag = string(p)
		case fModTime:
			i.LastModified = time.Unix(0, d.varint(p)).UTC()
		case fContentType:
			i.ContentType = string(p)
		case fContentEncoding:
			i.ContentEncoding = string(p)
		case fContentDisposition:
			i.ContentDisposition = string(p)
		case fContentLanguage:
			i.ContentLanguage = string(p)
		case fCacheControl:
			i.CacheControl = string(p)
		case fExpires:
			i.Expires = string(p)
		case fWebsiteRedirect:
			i.WebsiteRedirect = string(p)
		case fUserMeta:
			if kv := d.strs(p); len(kv) == 2 {
				if i.User == nil {
					i.User = map[string]string{}
				}
				i.User[kv[0]] = kv[1]
			} else {
				d.fail("user metadata")
			}
		case fStorageClass:
			i.StorageClass = string(p)
		case fACL:
			i.ACL = d.acl(p)
		case fTag:
			if kv := d.strs(p); len(kv) == 2 {
				i.Tags = append(i.Tags, Tag{Key: kv[0], Value: kv[1]})
			} else {
				d.fail("tag")
			}
		case fCRC64:
			i.CRC64, i.NoCRC64 = d.uvar(p), false
		case fChecksum:
			if alg, v, ok := d.pair(p); ok {
				// As the list below would read it, without the list and
				// its strings (a GET's CRC64NVME: four allocations).
				if i.Checksums == nil {
					i.Checksums = map[checksum.Algorithm][]byte{}
				}
				i.Checksums[algorithmOf(alg)] = slices.Clone(v)
			} else if kv := d.strs(p); len(kv) == 2 {
				if i.Checksums == nil {
					i.Checksums = map[checksum.Algorithm][]byte{}
				}
				i.Checksums[checksum.Algorithm(kv[0])] = []byte(kv[1])
			} else {
				d.fail("checksum")
			}
		case fChecksumType:
			i.ChecksumType = checksumTypeOf(p)
		case fType:
			i.Type = ObjectType(d.uvar(p))
		case fPartSizes:
			sub := decoder{b: p}
			for len(sub.b) > 0 && sub.err == nil {
				i.PartSizes = append(i.PartSizes, int64(sub.uvarint()))
			}
			if sub.err != nil {
				d.fail("part sizes")
			}
		case fOwner:
			i.Owner = string(p)
		case fDialect:
			i.Dialect = Dialect(d.uvar(p))
		case fChecksumAlgorithm:
			r.checksumAlg = checksum.Algorithm(p)
		case fSymlinkTarget:
			i.SymlinkTarget = string(p)
		case fSHA1:
			i.SHA1 = string(p)
		case fHeader:
			if kv := d.strs(p); len(kv) == 2 {
				if i.Headers == nil {
					i.Headers = map[string]string{}
				}
				i.Headers[kv[0]] = kv[1]
			} else {
				d.fail("header")
			}
		case fUploadBase:
			r.uploadBase = string(p)
		case fInitiator:
			r.initiator = string(p)
		case fContentMD5:
			i.ContentMD5 = string(p)
		case fWholeMD5:
			r.wholeMD5 = d.uvar(p) == 1
		case fPartChecksums:
			for _, c := range d.strs(p) {
				i.PartChecksums = append(i.PartChecksums, []byte(c))
			}
		case fLastAccess:
			i.LastAccess = time.Unix(0, d.varint(p)).UTC()
		case fAccessTier:
			i.AccessTier = string(p)
		case fTransitionTime:
			i.TransitionTime = time.Unix(0, d.varint(p)).UTC()
		case fRestoreReady:
			r.restoreReady = time.Unix(0, d.varint(p)).UTC()
		case fRestoreExpiry:
			r.restoreExpiry = time.Unix(0, d.varint(p)).UTC()
		case fEncryption:
			ss := d.strs(p)
			if len(ss) < 3 || len(ss)%2 != 1 || len(ss[0]) != 1 {
				d.fail("encryption")
				break
			}
			enc := &EncryptionInfo{Mode: EncryptionMode(ss[0][0] - '0'), KeyID: ss[1], BucketKey: ss[2] == "1", keys: keysOf(i.Encryption), Cipher: cipherOf(i.Encryption)}
			for j := 3; j+1 < len(ss); j += 2 {
				if enc.Context == nil {
					enc.Context = map[string]string{}
				}
				enc.Context[ss[j]] = ss[j+1]
			}
			i.Encryption = enc
		case fDataCipher:
			if i.Encryption == nil {
				i.Encryption = &EncryptionInfo{}
			}
			i.Encryption.Cipher = DataCipher(d.uvar(p))
		case fDataKey:
			id, n := binary.Uvarint(p)
			if n <= 0 {
				d.fail("data key")
				break
			}
			if i.Encryption == nil {
				i.Encryption = &EncryptionInfo{}
			}
			if i.Encryption.keys == nil {
				i.Encryption.keys = map[uint64][]byte{}
			}
			i.Encryption.keys[id] = append([]byte(nil), p[n:]...)
		case fVersionID:
			i.VersionID = string(p)
		case fDeleteMarker:
			i.DeleteMarker = d.uvar(p) == 1
		case fNullStamp:
			if len(p) == stampLen {
				r.nullStamp = stamp(p)
			} else {
				d.fail("null stamp")
			}
		case fLockMode:
			i.Retention.Mode = RetentionMode(p)
		case fLockUntil:
			i.Retention.Until = time.Unix(0, d.varint(p)).UTC()
		case fLegalHold:
			i.LegalHold, i.LegalHoldSet = d.uvar(p) == 1, true
		case fReplication:
			i.ReplicationStatus = string(p)
		case fInline:
			if inline {
				r.inline = append(make([]byte, 0, len(p)), p...)
			} else if extents {
				r.inline = noInlineCopy
			}
		case fExtent:
			if extents {
				sub := decoder{b: p}
				x := extent{blob: sub.uvarint(), off: int64(sub.uvarint()), n: int64(sub.uvarint())}
				if sub.err != nil {
					d.fail("extent")
				}
				r.extents = append(r.extents, x)
			}
		}
	}
	return d.err
}

// keysOf returns the sealed keys decoded so far (fields may come in any
// order).
func keysOf(i *EncryptionInfo) map[uint64][]byte {
	if i == nil {
		return nil
	}
	return i.keys
}

// cipherOf returns the chunk cipher decoded so far.
func cipherOf(i *EncryptionInfo) DataCipher {
	if i == nil {
		return CipherAES256
	}
	return i.Cipher
}

type bucketRecord struct {
	created      time.Time
	region       string
	storageClass string
	acl          ACL
	owner        string
	redundancy   string
	constraint   string
	id           uint64 // random at creation: a re-created bucket differs
	versioning   VersioningState
	lock         *lockRule // nil: Object Lock is not enabled
}

func (r *bucketRecord) encode() []byte {
	e := encoder{b: []byte{recordVersion}}
	e.int(bCreated, r.created.UnixNano())
	e.str(bRegion, r.region)
	e.str(bStorageClass, r.storageClass)
	e.acl(bACL, r.acl)
	e.str(bOwner, r.owner)
	e.str(bRedundancy, r.redundancy)
	e.str(bConstraint, r.constraint)
	if r.id != 0 {
		e.int(bID, int64(r.id))
	}
	if r.versioning != VersioningOff {
		e.uint(bVersioning, uint64(r.versioning))
	}
	if r.lock != nil {
		e.strs(bObjectLock, string(r.lock.mode), strconv.Itoa(r.lock.days), strconv.Itoa(r.lock.years))
	}
	if r.acl.ObjectsPrivate {
		e.uint(bObjectsPrivate, 1)
	}
	return e.b
}

func decodeBucket(b []byte) (bucketRecord, error) {
	var r bucketRecord
	objectsPrivate := false
	d := decoder{b: b}
	d.version()
	for {
		tag, p, ok := d.next()
		if !ok {
			break
		}
		switch tag {
		case bCreated:
			r.created = time.Unix(0, d.varint(p)).UTC()
		case bRegion:
			r.region = string(p)
		case bStorageClass:
			r.storageClass = string(p)
		case bACL:
			r.acl = d.acl(p)
		case bOwner:
			r.owner = string(p)
		case bRedundancy:
			r.redundancy = string(p)
		case bConstraint:
			r.constraint = string(p)
		case bID:
			r.id = uint64(d.varint(p))
		case bVersioning:
			r.versioning = VersioningState(d.uvar(p))
		case bObjectLock:
			r.lock = d.lockRule(p)
		case bObjectsPrivate:
			objectsPrivate = d.uvar(p) != 0
		}
	}
	r.acl.ObjectsPrivate = objectsPrivate
	return r, d.err
}

// blobRecord is what X/<blobID> holds. A blob is one stored body (a Put or
// an uploaded part): its chunks are at K/<blobID><index>, all ChunkSize long
// but the last. Objects reference blobs through extents; refs counts those
// extents, so a copy costs one update per extent, whatever the size.
type blobRecord struct {
	refs      int64
	size      int64
	chunkSize int64
	// segs says how many blob-log bytes the blob occupies in each segment,
	// for the per-segment live counters.
	segs []segUse
	// sha1 is the SHA-1 of the body (nil for blobs written before it was
	// recorded); it finds the blob's content-index entry.
	sha1 []byte
}

type segUse struct {
	seg   uint64
	bytes int64
}

func (r blobRecord) encode() []byte {
	b := []byte{recordVersion}
	b = binary.AppendUvarint(b, uint64(r.refs))
	b = binary.AppendUvarint(b, uint64(r.size))
	b = binary.AppendUvarint(b, uint64(r.chunkSize))
	b = binary.AppendUvarint(b, uint64(len(r.segs)))
	for _, s := range r.segs {
		b = binary.AppendUvarint(b, s.seg)
		b = binary.AppendUvarint(b, uint64(s.bytes))
	}
	if len(r.sha1) == sha1Size {
		b = append(b, r.sha1...) // optional trailing field
	}
	return b
}

func decodeBlob(b []byte) (blobRecord, error) {
	d := decoder{b: b}
	d.version()
	r := blobRecord{refs: int64(d.uvarint()), size: int64(d.uvarint()), chunkSize: int64(d.uvarint())}
	n := d.uvarint()
	if d.err == nil && n > uint64(len(d.b)) {
		d.fail("segment count")
	}
	for i := uint64(0); i < n && d.err == nil; i++ {
		r.segs = append(r.segs, segUse{seg: d.uvarint(), bytes: int64(d.uvarint())})
	}
	if d.err == nil && len(d.b) == sha1Size {
		r.sha1 = append([]byte(nil), d.b...)
	}
	if d.err == nil && (r.chunkSize <= 0 || r.size < 0) {
		d.fail("blob geometry")
	}
	return r, d.err
}

func decodeLoc(b []byte) (wal.Loc, error) {
	loc, err := wal.DecodeLoc(b)
	if err != nil {
		return wal.Loc{}, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return loc, nil
}
