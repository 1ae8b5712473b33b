package httpapi

import (
	"encoding/hex"
	"errors"
	"hash/fnv"
	"maps"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/osslite/osslite/engine"
)

// The operations only the Sina dialect has (spec/sina 5.2, 6.6-6.8).

// noBody refuses a request that carries a body where the operation takes
// none (Content-Length must be 0).
func noBody(rc *request) error {
	if rc.size > 0 {
		return errorf("InvalidArgument", "Content-Length must be 0 for this operation.").with("ArgumentName", "Content-Length").with("ArgumentValue", strconv.FormatInt(rc.size, 10))
	}
	return nil
}

// putObjectRelax is PUT Object - Relax: the object is created from
// content the store already holds, named by s-sina-sha1 and
// s-sina-length, in any bucket of the requester's own (never another
// user's: see the content index, engine/content.go); no bytes are sent
// or copied.
// Without such content: 404 NoSuchKey ([Unsure] of the real code).
// Content-MD5 is not checked (the Go SDK sends the SHA-1 in it).
func (s *server) putObjectRelax(rc *request) error {
	if err := noBody(rc); err != nil {
		return err
	}
	sum, err := hex.DecodeString(rc.r.Header.Get("s-sina-sha1"))
	if err != nil || len(sum) != 20 {
		return errorf("InvalidArgument", "s-sina-sha1 must be the hex SHA-1 of the content.").with("ArgumentName", "s-sina-sha1").with("ArgumentValue", rc.r.Header.Get("s-sina-sha1"))
	}
	size, err := strconv.ParseInt(rc.r.Header.Get("s-sina-length"), 10, 64)
	if err != nil || size < 0 {
		return errorf("InvalidArgument", "s-sina-length must be the size of the content in bytes.").with("ArgumentName", "s-sina-length").with("ArgumentValue", rc.r.Header.Get("s-sina-length"))
	}
	opts, err := s.creationOptions(rc, sseCreate)
	if err != nil {
		return err
	}
	opts.IfNoneMatch, opts.IfMatch = rc.ifNoneMatch(), headerValue(rc.r.Header, "If-Match")
	// Only content the requester holds (in buckets of their own) is
	// found: a SHA-1 and a length are no grant to another user's object.
	// An anonymous writer holds none.
	if rc.who.anonymous {
		return engine.ErrNoSuchContent
	}
	opts.ContentOwner = rc.who.id
	info, err := s.eng.PutObjectByContent(rc.ctx, rc.op.Bucket, rc.op.Key, sum, size, opts)
	if err != nil {
		return err
	}
	if err := s.scheduleExpiry(rc, info); err != nil {
		return err
	}
	rc.w.Header().Set("ETag", rc.d.etag(info.ETag))
	return writeEmpty(rc, http.StatusOK)
}

// putObjectMetaSina is PUT Object - Meta: the metadata headers present
// replace the stored values, x-amz-meta-* entries are merged (those not
// named are kept; x-amz-remove-meta-<name> deletes one), x-amz-acl
// replaces the ACL (which takes WRITE_ACP on the object, as PutObjectAcl
// does). Size and content stay. [Unsure] merge semantics. Besides the
// bucket write of the route, the caller must be able to read the object
// (canReadObject): the write replaces what its readers see, as S3's copy
// of an object onto itself does, which needs s3:GetObject on it, so the
// bucket owner or a WRITE grantee does not rewrite the metadata of
// another account's private S3-written object.
func (s *server) putObjectMetaSina(rc *request) error {
	if err := noBody(rc); err != nil {
		return err
	}
	given, err := rc.metadata()
	if err != nil {
		return err
	}
	acl, err := rc.aclFromHeaders(false)
	if err != nil {
		return err
	}
	// The update is pinned to the object read (its read and ACL decided,
	// its metadata merged): an overwrite in between is read and decided
	// again. Nothing of the object is answered before the read is
	// decided: not whether it exists (readFailure), nor the size of its
	// metadata (MetadataTooLarge names the merged size).
	var info engine.ObjectInfo
	for attempt := 1; ; attempt++ {
		cur, err := s.eng.HeadObject(rc.ctx, rc.op.Bucket, rc.op.Key)
		if err != nil {
			return s.readFailure(rc, rc.op.Key, err)
		}
		decided := cur
		if cur.Type == engine.ObjectSymlink {
			// A link's own record, which the update changes (and a
			// decision reads: access.readObject).
			if decided, err = s.eng.GetSymlinkVersion(rc.ctx, rc.op.Bucket, rc.op.Key, ""); err != nil {
				return err
			}
		}
		// The metadata replaces what the object's readers see: the
		// caller's read of the object too, decided on the one the update
		// is pinned to.
		if err := s.canReadObject(rc, rc.op.Key, &decided); err != nil {
			return err
		}
		m, err := s.sinaMergedMeta(rc, &cur, &given)
		if err != nil {
			return err
		}
		if acl != nil {
			// The route takes a bucket write (the metadata); the ACL takes
			// what PutObjectAcl takes, WRITE_ACP on the object, decided on
			// the object the update is pinned to.
			if _, err := s.canActAccess(rc, rc.op.Bucket, rc.op.Key, "", "PutObjectAcl", permObjectWriteACP, "",
				func(in *access) { in.object = &decided }); err != nil {
				return err
			}
		}
		info, err = s.eng.UpdateObject(rc.ctx, rc.op.Bucket, rc.op.Key, engine.ObjectUpdate{Metadata: &m, ACL: acl, Pin: objectPin(&decided)})
		if errors.Is(err, engine.ErrObjectChanged) && attempt < 3 {
			continue
		}
		if err != nil {
			return err
		}
		break
	}
	if err := s.scheduleExpiry(rc, info); err != nil {
		return err
	}
	rc.w.Header().Set("ETag", rc.d.etag(info.ETag))
	return writeEmpty(rc, http.StatusOK)
}

// sinaMergedMeta is PUT Object - Meta's metadata for cur: the headers
// given replace the stored values, x-amz-meta-* entries are merged,
// x-amz-remove-meta-<name> deletes one.
func (s *server) sinaMergedMeta(rc *request, cur *engine.ObjectInfo, given *engine.Metadata) (engine.Metadata, error) {
	m := cur.Metadata
	h := rc.r.Header
	replace := func(dst *string, name, v string) {
		if _, ok := h[http.CanonicalHeaderKey(name)]; ok {
			*dst = v
		}
	}
	replace(&m.ContentType, "Content-Type", given.ContentType)
	replace(&m.CacheControl, "Cache-Control", given.CacheControl)
	replace(&m.ContentDisposition, "Content-Disposition", given.ContentDisposition)
	replace(&m.ContentEncoding, "Content-Encoding", given.ContentEncoding)
	replace(&m.ContentLanguage, "Content-Language", given.ContentLanguage)
	replace(&m.Expires, "Expires", given.Expires)
	m.User = maps.Clone(cur.User)
	if m.User == nil {
		m.User = map[string]string{}
	}
	maps.Copy(m.User, given.User)
	m.Headers = maps.Clone(cur.Headers)
	if len(given.Headers) > 0 && m.Headers == nil {
		m.Headers = map[string]string{}
	}
	maps.Copy(m.Headers, given.Headers)
	remove := rc.d.h("remove-meta-")
	for name := range h {
		if k, ok := strings.CutPrefix(strings.ToLower(name), remove); ok {
			delete(m.User, k)
		}
	}
	if size := userMetaSize(m.User); size > rc.d.maxUserMetadata {
		return engine.Metadata{}, errorf("MetadataTooLarge", "").with("Size", strconv.Itoa(size)).with("MaxSizeAllowed", strconv.Itoa(rc.d.maxUserMetadata))
	}
	return m, nil
}

// sinaObjectMeta is the GET Object - Meta document (spec 6.8).
type sinaObjectMeta struct {
	Info         *string           `json:"Info"`
	FileName     string            `json:"File-Name"`
	InfoInt      *int64            `json:"Info-Int"`
	ContentMD5   *string           `json:"Content-MD5"`
	LastModified string            `json:"Last-Modified"`
	ContentSHA1  *string           `json:"Content-SHA1"`
	Owner        string            `json:"Owner"`
	Type         string            `json:"Type"`
	FileMeta     map[string]string `json:"File-Meta"`
	Size         int64             `json:"Size"`
}

func (*sinaObjectMeta) sinaOnly() {}

// getObjectMetaSina is GET Object - Meta: the object's metadata as JSON
// (whatever formatter says: there is no XML equivalent). File-Name is the
// last segment of the key ([Unsure]: the seed shows myfile.txt for
// path/to/myfile.txt). Info and Info-Int are x-sina-info and
// x-sina-info-int (null when not given). Content-SHA1 is null for
// multipart objects.
func (s *server) getObjectMetaSina(rc *request) error {
	info, err := s.eng.HeadObject(rc.ctx, rc.op.Bucket, rc.op.Key)
	if err != nil {
		return err
	}
	if err := s.recheckObject(rc, &info); err != nil {
		return err // overwritten since authorization: decided again, as a GET is
	}
	if err := s.canReadTarget(rc, &info); err != nil {
		return err // an OSS link's size and hashes are its target's
	}
	// The owner as listings and GET ?acl show it: the bucket owner under
	// BucketOwnerEnforced.
	owner, err := s.ownerListed(rc)
	if err != nil {
		return err
	}
	doc := &sinaObjectMeta{FileName: path.Base(info.Key), LastModified: sinaTime(info.LastModified),
		ContentSHA1: orNull(info.SHA1), Owner: sinaUserID(cmpOrString(owner, info.Owner)), Type: info.ContentType,
		FileMeta: map[string]string{}, Size: info.Size}
	if len(info.ETag) == 32 {
		doc.ContentMD5 = orNull(info.ETag)
	}
	if v, ok := info.Headers["x-sina-info"]; ok {
		doc.Info = &v
	}
	if n, err := strconv.ParseInt(info.Headers["x-sina-info-int"], 10, 64); err == nil {
		doc.InfoInt = &n
	}
	for k, v := range info.User {
		doc.FileMeta[rc.d.h("meta-"+k)] = v
	}
	if v := sinaCRC32(info); v != "" {
		doc.FileMeta[rc.d.h("meta-crc32")] = v
	}
	rc.w.Header().Set("ETag", rc.d.etag(info.ETag))
	return rc.d.writeDoc(rc.w, http.StatusOK, "Meta", doc)
}

// sinaBucketMeta is the GET Bucket - Meta document (spec 5.2).
// Upload, download and delete counters are not kept by osslite: 0.
type sinaBucketMeta struct {
	DeleteQuantity   int64               `json:"DeleteQuantity"`
	Capacity         int64               `json:"Capacity"`
	ACL              map[string][]string `json:"ACL"`
	ProjectID        uint32              `json:"ProjectID"`
	DownloadQuantity int64               `json:"DownloadQuantity"`
	DownloadCapacity int64               `json:"DownloadCapacity"`
	CapacityC        int64               `json:"CapacityC"`
	QuantityC        int64               `json:"QuantityC"`
	Project          string              `json:"Project"`
	UploadCapacity   int64               `json:"UploadCapacity"`
	UploadQuantity   int64               `json:"UploadQuantity"`
	LastModified     string              `json:"Last-Modified"`
	SizeC            int64               `json:"SizeC"`
	Owner            string              `json:"Owner"`
	Quantity         int64               `json:"Quantity"`
	RelaxUpload      bool                `json:"RelaxUpload"`
}

func (*sinaBucketMeta) sinaOnly() {}

// getBucketMetaSina is GET Bucket - Meta: Project is the bucket name,
// ProjectID a stable number derived from it (FNV-32a), Capacity and
// Quantity the bytes and objects stored, Last-Modified the creation time.
func (s *server) getBucketMetaSina(rc *request) error {
	b, err := s.bucketOf(rc)
	if err != nil {
		return err
	}
	u, err := s.bucketUsage(rc, b.Name)
	if err != nil {
		return err
	}
	id := fnv.New32a()
	id.Write([]byte(b.Name))
	// The ACL as GET ?acl shows it: private under BucketOwnerEnforced.
	owner, acl, err := s.enforcedACLShown(rc, b.Owner, b.ACL)
	if err != nil {
		return err
	}
	doc := &sinaBucketMeta{Capacity: u.bytes, Quantity: u.objects, ACL: sinaGrants(acl, owner, owner), ProjectID: id.Sum32(),
		Project: b.Name, LastModified: sinaTime(b.Created), Owner: sinaUserID(owner), RelaxUpload: true}
	return rc.d.writeDoc(rc.w, http.StatusOK, "Meta", doc)
}

// usage is what a bucket holds.
type usage struct{ objects, bytes int64 }

// bucketUsage is what a bucket holds: its current objects (what a
// listing shows) and their bytes, as the engine counts them with every
// write, so the answer costs one record however many objects the bucket
// has.
func (s *server) bucketUsage(rc *request, bucket string) (usage, error) {
	u, err := s.eng.BucketUsage(rc.ctx, bucket)
	if err != nil {
		return usage{}, err
	}
	return usage{objects: u.Objects, bytes: u.Bytes}, nil
}
