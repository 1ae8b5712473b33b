package httpapi

import (
	"context"
	"encoding/xml"
	"errors"
	"net/http"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// Object versioning on the wire: PutBucketVersioning's document, the
// version-id header on every write and read of a versioned bucket,
// versionId on object operations, delete markers, ListObjectVersions.
// The engine keeps the versions (engine/version.go).

// parseVersioning parses a VersioningConfiguration document. S3 answers
// a missing Status with IllegalVersioningConfigurationException and an
// unknown one with MalformedXML. MfaDelete is enforced (mfa.go): a
// document enabling it, or any on a bucket with MFA delete enabled,
// needs x-amz-mfa; a document without it keeps the stored setting.
func parseVersioning(rc *request, data []byte) (bucketconfig.Config, error) {
	var v versioningDoc
	if err := xml.Unmarshal(data, &v); err != nil || v.XMLName.Local != "VersioningConfiguration" {
		return nil, errorf("MalformedXML", "")
	}
	if err := checkElements(data, &v); err != nil {
		return nil, err
	}
	switch v.Status {
	case "Enabled", "Suspended":
	case "":
		return nil, errorf("IllegalVersioningConfigurationException", "")
	default:
		return nil, errorf("MalformedXML", "")
	}
	switch v.MFADelete {
	case "", "Enabled", "Disabled":
	default:
		return nil, errorf("MalformedXML", "")
	}
	next := &bucketconfig.Versioning{Status: v.Status, MFADelete: v.MFADelete}
	if err := rc.s.versioningMFA(rc, next, v.MFADelete != ""); err != nil {
		return nil, err
	}
	return next, nil
}

// versionOrNull names a version on the wire: its ID, or "null".
func versionOrNull(id string) string {
	if id == "" {
		return engine.NullVersionID
	}
	return id
}

// writeVersionID sets x-?-version-id for an object read or written in a
// versioned bucket: its ID, or "null" for the null version. Unversioned
// buckets get no header.
func (rc *request) writeVersionID(id string) {
	if id == "" && (rc.bucket == nil || rc.bucket.Versioning == engine.VersioningOff) {
		return
	}
	rc.w.Header().Set(rc.d.h("version-id"), versionOrNull(id))
}

// writeNewVersionID sets x-?-version-id for a write that made a version.
// S3 names only versions with IDs: a write into a suspended bucket makes
// the null version and answers no header (PutObject's "versioning
// suspended" example; reads of it do say "null"). OSS answers "null".
func (rc *request) writeNewVersionID(id string) {
	if id == "" && !rc.d.behave.nullVersionOnWrite {
		return
	}
	rc.writeVersionID(id)
}

// versionID is the request's versionId query parameter ("": none). A
// malformed one is InvalidArgument, as S3 answers.
func (rc *request) versionID() (string, error) {
	v := rc.q.Get("versionId")
	if v != "" && !engine.ValidVersionID(v) || v == "" && rc.d.behave.emptyVersionIDInvalid && rc.q.Has("versionId") {
		return "", errInvalidVersionID(v)
	}
	return v, nil
}

func errInvalidVersionID(v string) *Error {
	return errorf("InvalidArgument", "Invalid version id specified").with("ArgumentName", "versionId").with("ArgumentValue", v)
}

// versionError adds what the wire says with errors about versions: a
// delete marker's headers (x-?-delete-marker: true, its version ID, and
// Last-Modified when it was asked for by ID, which is 405), NoSuchVersion
// naming the key and version, InvalidArgument naming the version.
func (rc *request) versionError(err error, vid string) error {
	var dm *engine.DeleteMarkerError
	if rc.markerIsResource && errors.As(err, &dm) && !errors.Is(err, engine.ErrVersionIsDeleteMarker) {
		err = &engine.DeleteMarkerError{Err: engine.ErrVersionIsDeleteMarker, VersionID: dm.VersionID, LastModified: dm.LastModified}
	}
	switch {
	case errors.As(err, &dm):
		e, _ := toError(err)
		c := *e
		c.Header = http.Header{}
		for k, v := range e.Header {
			c.Header[k] = v
		}
		c.Header.Set(rc.d.h("delete-marker"), "true")
		c.Header.Set(rc.d.h("version-id"), versionOrNull(dm.VersionID))
		if errors.Is(err, engine.ErrVersionIsDeleteMarker) {
			c.Header.Set("Last-Modified", dm.LastModified.UTC().Format(http.TimeFormat))
			// A 405 names the methods the resource takes (RFC 9110
			// 15.5.6): a delete marker can only be deleted.
			c.Header.Set("Allow", http.MethodDelete)
			c.Extra = append(append([]Field(nil), c.Extra...), Field{"Method", rc.r.Method}, Field{"ResourceType", "DeleteMarker"})
		}
		return &c
	case errors.Is(err, engine.ErrNoSuchVersion):
		return errorf("NoSuchVersion", "").with("Key", rc.op.Key).with("VersionId", vid)
	case errors.Is(err, engine.ErrInvalidVersionID):
		return errInvalidVersionID(vid)
	}
	return err
}

// headVersion reads the info of the requested version of the object.
func (s *server) headVersion(rc *request) (engine.ObjectInfo, error) {
	vid, err := rc.versionID()
	if err != nil {
		return engine.ObjectInfo{}, err
	}
	info, err := s.eng.HeadObjectVersion(rc.ctx, rc.op.Bucket, rc.op.Key, vid)
	if err != nil {
		return info, rc.versionError(err, vid)
	}
	return info, nil
}

// sourceVersion is the version named by the copy-source header ("":
// the latest); a malformed one is InvalidArgument.
func (rc *request) sourceVersion() (string, error) {
	_, _, v, err := rc.d.copySource(rc.d, rc.header("copy-source"))
	if err != nil {
		return "", err
	}
	if v != "" && !engine.ValidVersionID(v) {
		return "", errInvalidVersionID(v)
	}
	return v, nil
}

// writeSourceVersionID sets x-?-copy-source-version-id: the version
// copied, when the source bucket is versioned.
func (s *server) writeSourceVersionID(rc *request, bucket, key, vid string) {
	if vid == "" {
		b, err := s.eng.Bucket(rc.ctx, bucket)
		if err != nil || b.Versioning == engine.VersioningOff {
			return
		}
		info, err := s.eng.HeadObject(rc.ctx, bucket, key)
		if err != nil {
			return
		}
		vid = versionOrNull(info.VersionID)
	}
	rc.w.Header().Set(rc.d.h("copy-source-version-id"), vid)
}

// writeCopiedVersionID sets x-?-copy-source-version-id to the version a
// CopyObject read (engine.ObjectInfo.CopiedVersionID), when the source
// bucket is versioned. Dialects with copyVersionIDsS3 name only versions
// with IDs: a null source version gets no header (LocalStack's AWS
// recording of test_s3_copy_object_in_place_suspended_only).
func (s *server) writeCopiedVersionID(rc *request, bucket, vid string) {
	if vid == "" {
		if rc.d.behave.copyVersionIDsS3 {
			return
		}
		b, err := s.eng.Bucket(rc.ctx, bucket)
		if err != nil || b.Versioning == engine.VersioningOff {
			return
		}
	}
	rc.w.Header().Set(rc.d.h("copy-source-version-id"), versionOrNull(vid))
}

// ListVersionsResult document: Version and DeleteMarker elements
// interleaved in key order, newest first.
type listVersionsResult struct {
	XMLName             xml.Name
	Name                string         `xml:"Name"`
	Prefix              xmlText        `xml:"Prefix"`
	KeyMarker           xmlText        `xml:"KeyMarker"`
	VersionIDMarker     string         `xml:"VersionIdMarker"`
	NextKeyMarker       xmlText        `xml:"NextKeyMarker,omitempty"`
	NextVersionIDMarker string         `xml:"NextVersionIdMarker,omitempty"`
	MaxKeys             int            `xml:"MaxKeys"`
	Delimiter           xmlText        `xml:"Delimiter,omitempty"`
	EncodingType        string         `xml:"EncodingType,omitempty"`
	IsTruncated         bool           `xml:"IsTruncated"`
	Entries             []xmlVersion   // each named by its name
	CommonPrefixes      []commonPrefix `xml:"CommonPrefixes"`
	// entries, when set, are versions that follow Entries, rendered
	// straight from the engine's records (listObjectVersions' way: no
	// xmlVersion per version).
	entries *versionEntries
}

// versionEntries are a page's versions with what rendering them needs,
// as listEntries are a ListObjects page's.
type versionEntries struct {
	versions []engine.ObjectInfo
	p        listParams
	d        *dialect
	// owner makes the Owner element of a version's owner.
	owner func(canonical string) owner
	modTimes
	algs lastAlgorithm
}

// xmlVersion is a Version or a DeleteMarker (which has no ETag, Size or
// StorageClass), as name says.
type xmlVersion struct {
	name           string
	Key            xmlText `xml:"Key"`
	VersionID      string  `xml:"VersionId"`
	IsLatest       bool    `xml:"IsLatest"`
	LastModified   string  `xml:"LastModified"`
	ETag           string  `xml:"ETag,omitempty"`
	Type           string  `xml:"Type,omitempty"`           // OSS
	TransitionTime string  `xml:"TransitionTime,omitempty"` // OSS
	Size           *int64  `xml:"Size,omitempty"`
	StorageClass   string  `xml:"StorageClass,omitempty"`
	Owner          owner   `xml:"Owner"`
	// ChecksumAlgorithm and ChecksumType name a version's flexible
	// checksum, as in ListObjects.
	ChecksumAlgorithm string `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType      string `xml:"ChecksumType,omitempty"`
	// RestoreStatus, with x-amz-optional-object-attributes: RestoreStatus.
	RestoreStatus *xmlRestoreStatus `xml:"RestoreStatus,omitempty"`
}

// MarshalXML writes v as a Version or DeleteMarker element in the
// document's namespace (an XMLName field would add xmlns="").
func (v xmlVersion) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	type plain xmlVersion // without this method
	return e.EncodeElement(plain(v), xml.StartElement{Name: xml.Name{Local: v.name}})
}

// listObjectVersions is ListObjectVersions (GET /bucket?versions).
func (s *server) listObjectVersions(rc *request) error {
	p, err := parseListParams(rc, "max-keys")
	if err != nil {
		return err
	}
	keyMarker, vidMarker := rc.q.Get("key-marker"), rc.q.Get("version-id-marker")
	if vidMarker != "" && keyMarker == "" {
		return errorf("InvalidArgument", "A version-id marker cannot be specified without a key marker.").
			with("ArgumentName", "version-id-marker").with("ArgumentValue", vidMarker)
	}
	if vidMarker != "" && !engine.ValidVersionID(vidMarker) {
		return errorf("InvalidArgument", "Invalid version id specified").with("ArgumentName", "version-id-marker").with("ArgumentValue", vidMarker)
	}
	var res engine.VersionListResult
	if p.maxKeys == 0 {
		_, err = s.bucketOf(rc)
	} else {
		buf := listBuffers.Get().(*[]engine.ObjectInfo)
		res, err = s.eng.ListObjectVersions(rc.ctx, rc.op.Bucket, engine.VersionListOptions{Prefix: p.prefix, Delimiter: p.delimiter,
			KeyMarker: keyMarker, VersionIDMarker: vidMarker, MaxKeys: p.maxKeys, Brief: true, Buffer: *buf})
		if err == nil {
			defer recyclePage(buf, res.Versions)
		}
	}
	if err != nil {
		return err
	}
	out := &listVersionsResult{Name: rc.op.Bucket, Prefix: xmlText(p.enc(p.prefix)), KeyMarker: xmlText(p.enc(keyMarker)),
		VersionIDMarker: vidMarker, MaxKeys: p.maxKeys, Delimiter: xmlText(p.enc(p.delimiter)), IsTruncated: res.IsTruncated}
	if p.encode {
		out.EncodingType = "url"
	}
	if res.IsTruncated {
		out.NextKeyMarker = xmlText(p.enc(res.NextKeyMarker))
		out.NextVersionIDMarker = res.NextVersionIDMarker
	}
	forced, err := s.ownerListed(rc)
	if err != nil {
		return err
	}
	// Pages mostly have one owner: look it up once.
	var last string
	var doc owner
	ownerOf := func(id string) owner {
		if forced != "" {
			id = forced
		}
		if id != last || doc == (owner{}) {
			last, doc = id, owner{ID: id, DisplayName: s.displayName(id)}
		}
		return doc
	}
	out.entries = &versionEntries{versions: res.Versions, p: p, d: rc.d, owner: ownerOf}
	for _, cp := range res.CommonPrefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, commonPrefix{xmlText(p.enc(cp))})
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "ListVersionsResult", out)
}

// updateVersion applies u to the requested version of the object and
// answers its version ID.
func (s *server) updateVersion(rc *request, u engine.ObjectUpdate) error {
	_, err := s.updatedVersion(rc, u)
	return err
}

// updatedVersion is updateVersion returning the version as updated.
func (s *server) updatedVersion(rc *request, u engine.ObjectUpdate) (engine.ObjectInfo, error) {
	return s.updatedVersionIn(rc.ctx, rc, u)
}

// updatedVersionIn is updatedVersion under ctx (one carrying an event's
// facts: see eventCtx).
func (s *server) updatedVersionIn(ctx context.Context, rc *request, u engine.ObjectUpdate) (engine.ObjectInfo, error) {
	vid, err := rc.versionID()
	if err != nil {
		return engine.ObjectInfo{}, err
	}
	u.VersionID = vid
	info, err := s.eng.UpdateObject(ctx, rc.op.Bucket, rc.op.Key, u)
	if err != nil {
		return info, rc.versionError(err, vid)
	}
	rc.writeVersionID(info.VersionID)
	return info, nil
}

// writeDeleteHeaders answers what a delete did in a versioned bucket:
// the version removed or the delete marker made.
func (s *server) writeDeleteHeaders(rc *request, res engine.DeleteResult) {
	h := rc.w.Header()
	if res.DeleteMarker {
		h.Set(rc.d.h("delete-marker"), "true")
	}
	switch {
	case res.DeleteMarkerVersionID != "":
		h.Set(rc.d.h("version-id"), res.DeleteMarkerVersionID)
	case res.VersionID == engine.NullVersionID:
		rc.writeVersionID("") // "null" in a versioned bucket, nothing in an unversioned one
	case res.VersionID != "":
		h.Set(rc.d.h("version-id"), res.VersionID)
	}
}
