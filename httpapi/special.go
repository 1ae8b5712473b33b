package httpapi

import (
	"encoding/xml"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/osslite/osslite/engine"
)

// The OSS object kinds (object.md 7.4, 7.13-7.15): appendable objects,
// symlinks and restores of archived objects. The engine implements them;
// these handlers only translate the wire.

// appendObject is AppendObject: POST /key?append&position=N.
func (s *server) appendObject(rc *request) error {
	if !rc.q.Has("position") {
		// OSS: MissingArgument, "Missing Some Required Arguments."
		// (aliyun-oss-java-sdk's AppendObjectTest).
		return errorf("MissingArgument", "").with("ArgumentName", "position")
	}
	raw := rc.q.Get("position")
	pos, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || pos < 0 {
		return errorf("InvalidArgument", "Position must be a non-negative integer.").with("ArgumentName", "position").with("ArgumentValue", raw)
	}
	w := sseCreate
	if pos > 0 {
		w = sseLaterAppend // only the first append sets the encryption
	}
	opts, err := s.creationOptions(rc, w)
	if err != nil {
		return err
	}
	if opts.ContentMD5, err = contentMD5(rc.r.Header); err != nil {
		return err
	}
	if opts.ACL.Canned != "" || len(opts.ACL.Grants) > 0 {
		// Every append applies x-oss-object-acl: changing an existing
		// object's ACL takes what PutObjectACL takes, WRITE_ACP on it,
		// not only the bucket write the route needs, on the object the
		// append then changes (opts.ACLPin: another one written over the
		// key meanwhile is not changed under this decision). A missing
		// key pins nothing there, as canReadPinned pins a missing copy
		// source: an object created before the append commits was not
		// decided, and is not given the ACL.
		if _, err := s.eng.HeadObject(rc.ctx, rc.op.Bucket, rc.op.Key); err == nil {
			in, err := s.canActAccess(rc, rc.op.Bucket, rc.op.Key, "", "PutObjectAcl", permObjectWriteACP, "")
			if err != nil {
				return err
			}
			if in.decidedOnObject() {
				opts.ACLPin = objectPin(in.object)
			}
		} else if errors.Is(err, engine.ErrNoSuchKey) {
			opts.ACLPin = objectPin(nil)
		} else {
			return err
		}
	}
	// OSS's event notifications list ObjectCreated:AppendObject ("an
	// object is created or appended by using append upload"): an append
	// that writes queues it in its batch, with the object's new size and
	// ETag; one of no bytes to an existing object writes nothing and
	// makes none.
	ctx := s.eventCtx(rc, "ObjectCreated:AppendObject")
	res, err := s.eng.AppendObject(ctx, rc.op.Bucket, rc.op.Key, pos, rc.body, rc.size, opts)
	if err != nil {
		return err
	}
	h := rc.w.Header()
	h.Set("ETag", rc.d.etag(res.Info.ETag))
	h.Set(rc.d.h("next-append-position"), strconv.FormatInt(res.NextPosition, 10))
	rc.setCRC64(res.Info.CRC64, res.Info.NoCRC64)
	rc.writeSSEHeaders(res.Info.Encryption)
	rc.writeNewVersionID(res.Info.VersionID)
	return writeEmpty(rc, http.StatusOK)
}

// cleanRestoredObject is OSS's CleanRestoredObject: the restored copy of
// an archived object goes before its time, and the object is archived
// again.
func (s *server) cleanRestoredObject(rc *request) error {
	vid, err := rc.versionID()
	if err != nil {
		return err
	}
	err = s.eng.CleanRestoredObject(rc.ctx, rc.op.Bucket, rc.op.Key, vid)
	if errors.Is(err, engine.ErrInvalidObjectState) {
		return errorf("OperationNotSupported", "The operation is not supported for this resource.")
	}
	if err != nil {
		return rc.versionError(err, vid)
	}
	return writeEmpty(rc, http.StatusOK)
}

// sealAppendObject answers the v2 SDK's SealAppendObject as real OSS does
// where sealing is not offered (clients.md).
func (s *server) sealAppendObject(rc *request) error {
	if _, err := s.eng.HeadObject(rc.ctx, rc.op.Bucket, rc.op.Key); err != nil {
		return err
	}
	return errorf("OperationNotSupported", "SealAppendable is not supported.")
}

// putSymlink is PutSymlink: PUT /key?symlink with x-oss-symlink-target,
// URL-encoded. The target need not exist.
func (s *server) putSymlink(rc *request) error {
	raw := rc.header("symlink-target")
	if raw == "" {
		return errorf("InvalidArgument", "The x-oss-symlink-target header is required.").with("ArgumentName", rc.d.h("symlink-target"))
	}
	target, err := url.QueryUnescape(raw)
	if err != nil {
		target = raw
	}
	if len(target) > rc.maxKey(s) {
		return errorf("InvalidObjectName", "The symlink target name is too long.")
	}
	meta, err := rc.metadata()
	if err != nil {
		return err
	}
	sc, err := rc.storageClassHeader()
	if err != nil {
		return err
	}
	acl, err := rc.aclFromHeaders(false)
	if err != nil {
		return err
	}
	tags, _, err := rc.tagsHeader()
	if err != nil {
		return err
	}
	opts := engine.PutOptions{Metadata: meta, StorageClass: sc, Tags: tags, Owner: rc.writerID(), Dialect: rc.d.mark, IfNoneMatch: rc.ifNoneMatch()}
	if acl != nil {
		opts.ACL = *acl
	}
	info, err := s.eng.PutSymlink(rc.ctx, rc.op.Bucket, rc.op.Key, target, opts)
	if err != nil {
		return err
	}
	rc.w.Header().Set("ETag", rc.d.etag(info.ETag))
	rc.writeNewVersionID(info.VersionID)
	return writeEmpty(rc, http.StatusOK)
}

// getSymlink is GetSymlink: the target (URL-encoded) in
// x-oss-symlink-target, with the link's own metadata.
func (s *server) getSymlink(rc *request) error {
	vid, err := rc.versionID()
	if err != nil {
		return err
	}
	info, err := s.eng.GetSymlinkVersion(rc.ctx, rc.op.Bucket, rc.op.Key, vid)
	if err != nil {
		return rc.versionError(err, vid)
	}
	if err := s.recheckObject(rc, &info); err != nil {
		return err // overwritten since authorization: decided again, as a GET is
	}
	rc.writeVersionID(info.VersionID)
	h := rc.w.Header()
	h.Set(rc.d.h("symlink-target"), url.QueryEscape(info.SymlinkTarget))
	h.Set("ETag", rc.d.etag(info.ETag))
	h.Set("Last-Modified", info.LastModified.UTC().Format(http.TimeFormat))
	for k, v := range info.User {
		h[rc.d.h("meta-"+k)] = []string{metaValue(v)}
	}
	return writeEmpty(rc, http.StatusOK)
}

// restoreRequest is the optional RestoreObject body.
type restoreRequest struct {
	XMLName       xml.Name
	Days          *int `xml:"Days"`
	JobParameters *struct {
		Tier string `xml:"Tier"`
	} `xml:"JobParameters"`
}

// MaxRestoreDays is the longest restore window RestoreObject accepts
// (Cold Archive and Deep Cold Archive objects); maxArchiveRestoreDays is
// an Archive object's.
const (
	MaxRestoreDays        = 365
	maxArchiveRestoreDays = 7
)

// checkRestoreDays refuses a restore window OSS does not take: 1 to 7
// days for an Archive object (EC 0016-00000708), 1 to 365 for the colder
// classes (EC 0016-00000704). The object's class is read only for a
// window an Archive object cannot have; a missing object is left to the
// restore to report.
func (s *server) checkRestoreDays(rc *request, vid string, days int) error {
	bad := func(max int, ec string) error {
		e := errorf("InvalidArgument", "The restore days must be between 1 and %d.", max).with("ArgumentName", "Days").with("ArgumentValue", strconv.Itoa(days))
		e.ec = ec
		return e
	}
	if days < 1 || days > MaxRestoreDays {
		return bad(MaxRestoreDays, "0016-00000704")
	}
	if days > maxArchiveRestoreDays {
		if info, err := s.eng.HeadObjectVersion(rc.ctx, rc.op.Bucket, rc.op.Key, vid); err == nil && info.StorageClass == "Archive" {
			return bad(maxArchiveRestoreDays, "0016-00000708")
		}
	}
	return nil
}

// restoreObject is RestoreObject: 202 when a restore starts, 200 when a
// restored copy has its window extended (object.md 7.15).
func (s *server) restoreObject(rc *request) error {
	data, err := rc.readBody(s.cfg.MaxXMLBody, digestsOptional)
	if err != nil {
		return err
	}
	days := 1
	if data != nil {
		var req restoreRequest
		if xml.Unmarshal(data, &req) != nil || req.XMLName.Local != "RestoreRequest" {
			return errorf("MalformedXML", "")
		}
		if req.Days != nil {
			days = *req.Days
		}
		// OSS's restore priorities (EC 0016-00000703 names any other
		// Tier); every one takes the engine's restore delay.
		if p := req.JobParameters; p != nil && !restoreTiers[p.Tier] {
			e := errorf("InvalidArgument", "The restore tier %q is not valid: Expedited, Standard or Bulk.", p.Tier).with("ArgumentName", "Tier").with("ArgumentValue", p.Tier)
			e.ec = "0016-00000703"
			return e
		}
	}
	vid, err := rc.versionID()
	if err != nil {
		return err
	}
	if err := s.checkRestoreDays(rc, vid, days); err != nil {
		return err
	}
	// The restore queues its ObjectRestore:Post in its batch, without
	// the object's size and ETag (as osslite's OSS events always were).
	ctx := rc.ctx
	if f := s.eventFacts(rc, "ObjectRestore:Post"); f != nil {
		f.NoSizeETag = true
		ctx = engine.WithEvent(rc.ctx, f)
	}
	started, err := s.eng.RestoreObjectVersion(ctx, rc.op.Bucket, rc.op.Key, vid, days)
	if errors.Is(err, engine.ErrInvalidObjectState) {
		return errorf("OperationNotSupported", "The operation is not supported for this resource.")
	}
	if err != nil {
		return rc.versionError(err, vid)
	}
	if vid != "" {
		rc.writeVersionID(vid) // the version restored (OSS says which)
	}
	if started {
		return writeEmpty(rc, http.StatusAccepted)
	}
	return writeEmpty(rc, http.StatusOK)
}
