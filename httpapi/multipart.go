package httpapi

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/osslite/osslite/pkg/checksum"
)

type initiateMultipartUploadResult struct {
	XMLName      xml.Name
	Bucket       string  `xml:"Bucket"`
	Key          xmlText `xml:"Key"`
	UploadID     string  `xml:"UploadId"`
	EncodingType string  `xml:"EncodingType,omitempty"` // OSS
}

// writeKeyEncoding reads the encoding-type of a write (multipart calls,
// DeleteObjects) in dialects that take one: it returns the key renderer
// and the EncodingType element ("" when none).
func (rc *request) writeKeyEncoding() (func(string) string, string, error) {
	plain := func(k string) string { return k }
	if !rc.d.behave.encodingTypeOnWrites {
		return plain, "", nil
	}
	switch et := rc.q.Get("encoding-type"); et {
	case "":
		return plain, "", nil
	case "url":
		return urlEncode, "url", nil
	default:
		return nil, "", errorf("InvalidArgument", "Invalid Encoding Method specified in Request").with("ArgumentName", "encoding-type").with("ArgumentValue", et)
	}
}

func (s *server) createMultipartUpload(rc *request) error {
	opts, err := s.creationOptions(rc, sseCreate)
	if err != nil {
		return err
	}
	encKey, encType, err := rc.writeKeyEncoding()
	if err != nil {
		return err
	}
	typ, hasType, err := rc.checksumTypeHeader()
	if err != nil {
		return err
	}
	if a, err := rc.checksumAlgorithm(); err != nil {
		return err
	} else if a != "" {
		if typ == "FULL_OBJECT" && !a.IsCRC() || typ == "COMPOSITE" && a == checksum.CRC64NVME {
			return errorf("InvalidRequest", "The %s checksum type cannot be used with the %s checksum algorithm.", typ, strings.ToLower(string(a)))
		}
		opts.Checksum = &engine.ChecksumInput{Algorithm: a}
		opts.ChecksumType = typ
	} else if hasType {
		return errorf("InvalidRequest", "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.")
	}
	if rc.refusesOverwrite() {
		opts.IfNoneMatch = "*" // refused now, not only at Complete
	}
	if rc.d.behave.checksCSEPartSizes {
		if err := checkCSEInitiate(opts.User); err != nil {
			return err
		}
	}
	// OSS's ?sequential asks for the whole object's MD5 (Content-MD5 once
	// completed).
	opts.WholeMD5 = rc.d.behave.sequentialUploads && rc.q.Has("sequential")
	if !rc.who.anonymous {
		// Object Ownership may give the object to the bucket owner
		// (writerID); the upload stays its initiator's to list and abort.
		opts.Initiator = rc.who.id
	}
	id, err := s.eng.CreateMultipartUpload(rc.ctx, rc.op.Bucket, rc.op.Key, opts)
	if err != nil {
		return err
	}
	// The headers taken from the new upload read it once, and only when
	// one is answered: the abort date only under a lifecycle
	// configuration (a cached lookup), so most uploads read nothing back.
	abortDate := rc.d.behave.uploadAbortDate && s.hasLifecycle(rc)
	if opts.Checksum != nil || abortDate || opts.Encryption.Mode != engine.EncryptNone {
		if up, err := s.eng.Upload(rc.ctx, rc.op.Bucket, rc.op.Key, id); err == nil {
			if opts.Checksum != nil {
				rc.w.Header().Set(rc.d.h("checksum-algorithm"), string(up.ChecksumAlgorithm))
				rc.w.Header().Set(rc.d.h("checksum-type"), up.ChecksumType)
			}
			if abortDate {
				s.setAbortDate(rc, up)
			}
			if opts.Encryption.Mode != engine.EncryptNone {
				rc.writeSSEHeaders(up.Encryption)
			}
		}
	}
	if v := rc.header("server-side-encryption"); opts.Encryption.Mode == engine.EncryptNone && v != "" && rc.d.sse.echoOnInitiate {
		rc.w.Header().Set(rc.d.h("server-side-encryption"), v)
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "InitiateMultipartUploadResult",
		&initiateMultipartUploadResult{Bucket: rc.op.Bucket, Key: xmlText(encKey(rc.op.Key)), UploadID: id, EncodingType: encType})
}

// partNumber parses the request's partNumber in 1..the dialect's
// maxPartNumber (Sina's 2048, S3's and OSS's 10000), the refusal naming
// that limit.
func (rc *request) partNumber() (int, error) {
	v := rc.q.Get("partNumber")
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > rc.d.maxPartNumber {
		return 0, errorf("InvalidArgument", "Part number must be an integer between 1 and %d, inclusive", rc.d.maxPartNumber).with("ArgumentName", "partNumber").with("ArgumentValue", v)
	}
	return n, nil
}

func (s *server) uploadPart(rc *request) error {
	n, err := rc.partNumber()
	if err != nil {
		return err
	}
	if rc.size < 0 && rc.d.behave.requireContentLength {
		return errLengthRequired(rc)
	}
	enc, err := s.requestEncryption(rc, ssePart)
	if err != nil {
		return err
	}
	md5sum, err := contentMD5(rc.r.Header)
	if err != nil {
		return err
	}
	ck, err := rc.checksumInput()
	if err != nil {
		return err
	}
	if rc.d.behave.checksCSEPartSizes {
		// A client-side encrypted upload's parts keep its sizes.
		if up, err := s.eng.Upload(rc.ctx, rc.op.Bucket, rc.op.Key, rc.q.Get("uploadId")); err == nil {
			if err := checkCSEPart(rc, up, n, rc.size); err != nil {
				return err
			}
		}
	}
	part, err := s.eng.UploadPart(rc.ctx, rc.op.Bucket, rc.op.Key, rc.q.Get("uploadId"), n, rc.body, rc.size,
		engine.PartOptions{ContentMD5: md5sum, Checksum: ck, DefaultChecksum: rc.d.defaultChecksum, CustomerKey: enc.CustomerKey,
			NoCRC64: !rc.d.behave.reportCRC64, CompositeNeedsChecksum: rc.d.behave.compositePartsNeedChecksum})
	if err != nil {
		return err
	}
	rc.writeSSEHeaders(part.Encryption)
	h := rc.w.Header()
	h.Set("ETag", rc.d.etag(part.ETag))
	if rc.d.behave.partReturnsContentMD5 {
		if sum, err := hex.DecodeString(part.ETag); err == nil {
			h.Set("Content-MD5", base64.StdEncoding.EncodeToString(sum))
		}
	}
	rc.setCRC64(part.CRC64, part.NoCRC64)
	if part.Checksum != nil {
		alg := ""
		if ck != nil {
			alg = string(ck.Algorithm)
		} else if up, err := s.eng.Upload(rc.ctx, rc.op.Bucket, rc.op.Key, rc.q.Get("uploadId")); err == nil {
			alg = string(up.ChecksumAlgorithm)
		}
		if alg != "" {
			h.Set(rc.d.h(checksumHeader(checksum.Algorithm(alg))), checksum.Encode(part.Checksum))
		}
	}
	return writeEmpty(rc, http.StatusOK)
}

type copyPartResult struct {
	XMLName      xml.Name
	ETag         string `xml:"ETag"`
	LastModified string `xml:"LastModified"`
	checksumFields
}

func (s *server) uploadPartCopy(rc *request) error {
	n, err := rc.partNumber()
	if err != nil {
		return err
	}
	srcBucket, srcKey, cond, pin, err := s.copySource(rc)
	if err != nil {
		return err
	}
	opts := engine.PartCopyOptions{Source: cond, DefaultChecksum: rc.d.defaultChecksum, SourcePin: pin}
	if opts.SourceVersionID, err = rc.sourceVersion(); err != nil {
		return err
	}
	if rc.d.behave.archiveRefusesPartCopy {
		if b, err := s.bucketOf(rc); err == nil && engine.IsArchiveClass(b.StorageClass) {
			return errorf("OperationNotSupported", "UploadPartCopy is not supported in an Archive bucket.")
		}
	}
	lenientRange := rc.d.behave.lenientCopySourceRange && rc.header("copy-source-range") != ""
	var strictRange *engine.ByteRange // a valid range of a strict dialect: judged on each source read
	if lenientRange {
		if err := s.lenientPartCopyRange(rc, srcBucket, srcKey, &opts); err != nil {
			return err
		}
	} else if v := rc.header("copy-source-range"); v != "" && !rc.d.behave.lenientCopySourceRange {
		br, ok := parseRange(v)
		if !ok || br.Start < 0 || br.End < 0 {
			return errorf("InvalidArgument", "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy").with("ArgumentName", rc.d.h("copy-source-range")).with("ArgumentValue", v)
		}
		strictRange = &br
		if err := s.strictPartCopyRange(rc, srcBucket, srcKey, br, &opts); err != nil {
			return err
		}
	}
	enc, err := s.requestEncryption(rc, ssePart)
	if err != nil {
		return err
	}
	opts.CustomerKey = enc.CustomerKey
	if opts.SourceCustomerKey, err = rc.readKey(true); err != nil {
		return err
	}
	uploadID := rc.q.Get("uploadId")
	part, err := s.eng.UploadPartCopy(rc.ctx, rc.op.Bucket, rc.op.Key, uploadID, n, srcBucket, srcKey, opts)
	for attempt := 0; errors.Is(err, engine.ErrCopySourceChanged) && attempt < 3; attempt++ {
		// As in copyObject: decide again for the source there now (and
		// choose a lenient range on it).
		switch {
		case lenientRange:
			err = s.lenientPartCopyRange(rc, srcBucket, srcKey, &opts)
		case strictRange != nil:
			err = s.strictPartCopyRange(rc, srcBucket, srcKey, *strictRange, &opts)
		default:
			opts.SourcePin, err = s.canReadPinned(rc, srcBucket, srcKey, opts.SourceVersionID)
		}
		if err != nil {
			return err
		}
		part, err = s.eng.UploadPartCopy(rc.ctx, rc.op.Bucket, rc.op.Key, uploadID, n, srcBucket, srcKey, opts)
	}
	if err != nil {
		if rc.d.behave.copyNotModified304 && copyNotModified(err) {
			return writeEmpty(rc, http.StatusNotModified)
		}
		return rc.versionError(rc.copyConditionError(err), opts.SourceVersionID)
	}
	s.holdCopy(rc, part.Size)
	rc.setCRC64(part.CRC64, part.NoCRC64)
	rc.writeSSEHeaders(part.Encryption)
	s.writeSourceVersionID(rc, srcBucket, srcKey, opts.SourceVersionID)
	if rc.d.behave.partCopyETagHeader {
		rc.w.Header().Set("ETag", rc.d.etag(part.ETag))
	}
	res := &copyPartResult{ETag: rc.d.etag(part.ETag), LastModified: xmlTime(part.LastModified)}
	if part.Checksum != nil {
		if up, err := s.eng.Upload(rc.ctx, rc.op.Bucket, rc.op.Key, uploadID); err == nil && up.ChecksumAlgorithm != "" {
			res.checksumFields = checksumsOf(map[checksum.Algorithm][]byte{up.ChecksumAlgorithm: part.Checksum}, "")
		}
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "CopyPartResult", res)
}

// strictPartCopyRange judges br, an UploadPartCopy's valid
// copy-source-range of a dialect that refuses a range the source cannot
// serve, on the source read here, decides the read again on it
// (canReadPinned, given it) and pins the copy to it, also where the
// decision read no object (the bucket owner's), and sets opts.Range. A
// source replaced afterwards fails the pin (engine.ErrCopySourceChanged)
// and is read, decided and judged again: its range errors are S3's
// (InvalidRequest, InvalidArgument naming the size) on every attempt,
// never the engine's verdict on an object no one judged.
func (s *server) strictPartCopyRange(rc *request, bucket, key string, br engine.ByteRange, opts *engine.PartCopyOptions) error {
	opts.Range = nil
	src, err := s.eng.HeadObjectVersion(rc.ctx, bucket, key, opts.SourceVersionID)
	if err != nil {
		return rc.versionError(err, opts.SourceVersionID)
	}
	// The answers below tell this source's size (and whether it is a
	// link): its read is decided on it, not on copySource's read of the
	// key (which another object may have replaced since), and the copy is
	// pinned to it.
	opened := src
	if opts.SourcePin, err = s.canReadPinned(rc, bucket, key, opts.SourceVersionID, func(in *access) { in.object = &opened }); err != nil {
		return err
	}
	if opts.SourcePin == nil {
		opts.SourcePin = objectPin(&src)
	}
	if src.Type == engine.ObjectSymlink {
		// Refused as the engine refuses it, before the range is judged
		// against the size read through the link: the target's, whose
		// read was not decided.
		return engine.ErrCopySourceSymlink
	}
	if br.Start >= src.Size && rc.d.behave.copyRangePastEndRequest {
		// A range starting past the end is another error to S3 than one
		// ending past it (LocalStack's AWS-recorded
		// test_upload_part_copy_range: bytes=100-200 and 0-100 of 10
		// bytes).
		return errorf("InvalidRequest", "The specified copy range is invalid for the source object size")
	}
	if br.End >= src.Size {
		v := rc.header("copy-source-range")
		return errorf("InvalidArgument", "Range specified is not valid for source object of size: %d", src.Size).with("ArgumentName", rc.d.h("copy-source-range")).with("ArgumentValue", v)
	}
	opts.Range = &br
	return nil
}

// lenientPartCopyRange sets opts.Range and opts.SourcePin for an
// UploadPartCopy whose invalid copy-source-range copies the whole source
// (OSS multipart.md 8.4). The range is judged on the source read here,
// whose read is decided again on it (canReadPinned, given it) and to
// which the copy is pinned, also where the decision read no object (the
// bucket owner's): a source replaced afterwards fails the pin
// (engine.ErrCopySourceChanged) and is read, decided and judged again,
// rather than copied with a range chosen on another object. A link's
// range is not judged (the engine refuses the link first); a source
// that cannot be read is decided as copySource decides it, and the copy
// reports why.
func (s *server) lenientPartCopyRange(rc *request, bucket, key string, opts *engine.PartCopyOptions) error {
	opts.Range = nil
	src, err := s.eng.HeadObjectVersion(rc.ctx, bucket, key, opts.SourceVersionID)
	if err != nil {
		opts.SourcePin, err = s.canReadPinned(rc, bucket, key, opts.SourceVersionID)
		return err
	}
	opened := src
	if opts.SourcePin, err = s.canReadPinned(rc, bucket, key, opts.SourceVersionID, func(in *access) { in.object = &opened }); err != nil {
		return err
	}
	if opts.SourcePin == nil {
		opts.SourcePin = objectPin(&src)
	}
	br, ok := parseRange(rc.header("copy-source-range"))
	if ok && src.Type != engine.ObjectSymlink && br.Start >= 0 && br.End >= br.Start && br.End < src.Size {
		opts.Range = &br
	}
	return nil
}

// completeMultipartUpload is a decoded CompleteMultipartUpload document.
type completeMultipartUpload struct {
	Parts []completePartXML
}

type completePartXML struct {
	PartNumber int    `xml:"PartNumber"`
	ETag       string `xml:"ETag"`
	checksumFields
}

type completeMultipartUploadResult struct {
	XMLName      xml.Name
	EncodingType string  `xml:"EncodingType,omitempty"` // OSS
	Location     string  `xml:"Location"`
	Bucket       string  `xml:"Bucket"`
	Key          xmlText `xml:"Key"`
	ETag         string  `xml:"ETag"`
	checksumFields
	ChecksumType string `xml:"ChecksumType,omitempty"`
}

// MaxParts is the most parts an upload may have.
const MaxParts = engine.MaxPartNumber

func (s *server) completeMultipartUpload(rc *request) error {
	uploadID := rc.q.Get("uploadId")
	up, err := s.eng.Upload(rc.ctx, rc.op.Bucket, rc.op.Key, uploadID)
	if errors.Is(err, engine.ErrNoSuchUpload) && rc.d.behave.answerCompleteRetry {
		// Perhaps a retry of a Complete that succeeded: the engine
		// answers it with the stored result when the parts are the same.
		up, err = s.eng.CompletedUpload(rc.ctx, rc.op.Bucket, rc.op.Key, uploadID)
	}
	if err != nil {
		return err
	}
	if err := rc.checkCompleteChecksumHeaders(up); err != nil {
		return err
	}
	if rc.d.behave.completeRefusesSSE {
		for _, h := range []string{"server-side-encryption", "server-side-data-encryption"} {
			if rc.header(h) != "" {
				return errorf("InvalidArgument", "%s is not supported on CompleteMultipartUpload.", rc.d.h(h)).with("ArgumentName", rc.d.h(h))
			}
		}
	}
	encKey, encType, err := rc.writeKeyEncoding()
	if err != nil {
		return err
	}
	doc, err := rc.openDoc(s.cfg.MaxListDocument, digestsMD5)
	if err != nil {
		return err
	}
	var req completeMultipartUpload
	if rc.d.behave.completeAllHeader && strings.EqualFold(rc.header("complete-all"), "yes") {
		// x-?-complete-all: every uploaded part, in order, no body.
		if n, err := io.Copy(io.Discard, doc); err != nil {
			return err
		} else if n > 0 {
			return errorf("InvalidArgument", "Should not speficy both complete all header and http body.").with("ArgumentName", rc.d.h("complete-all"))
		}
		if req, err = s.allParts(rc, uploadID); err != nil {
			return err
		}
	} else {
		req.Parts, err = rc.d.decodeComplete(doc, rc.d.maxPartNumber)
		switch {
		case errors.Is(err, errMalformedDoc) && doc.n == 0 && rc.d.behave.completeEmptyCreatesEmpty:
			err = nil // no body: no parts (an empty object)
		case errors.Is(err, errMalformedDoc) && doc.n == 0 && rc.d.behave.completeNoBodyNeedsPart:
			return errorf("InvalidRequest", "You must specify at least one part")
		case errors.Is(err, errMalformedDoc):
			return errorf("MalformedXML", "")
		case err != nil:
			return err
		}
		if len(req.Parts) == 0 && !rc.d.behave.completeEmptyCreatesEmpty {
			return errorf("MalformedXML", "")
		}
	}
	if err := doc.finish(); err != nil {
		return err
	}
	parts := make([]engine.CompletePart, len(req.Parts))
	for i, p := range req.Parts {
		if p.PartNumber < 1 || p.PartNumber > engine.MaxPartNumber {
			return errPartNumber(strconv.Itoa(p.PartNumber))
		}
		parts[i] = engine.CompletePart{PartNumber: p.PartNumber, ETag: p.ETag}
		// An upload created without an algorithm takes no part checksums
		// in S3: a part listed with one is InvalidPart, even when the part
		// was sent with that checksum (S3 takes it on UploadPart, but the
		// upload keeps none). Other dialects ignore them. With an
		// algorithm, a checksum of another algorithm than the upload's is
		// compared with the part's own of that algorithm (BadDigest when
		// it has none), as S3 does.
		if up.ChecksumAlgorithm == "" {
			if rc.d.behave.completeSumsNeedAlgorithm && p.any() {
				return &engine.PartError{Err: engine.ErrInvalidPart, PartNumber: p.PartNumber, ETag: p.ETag}
			}
			continue
		}
		n, other := 0, checksum.Algorithm("")
		for _, a := range checksum.Algorithms {
			if p.get(a) != "" {
				n, other = n+1, a
			}
		}
		v := p.get(up.ChecksumAlgorithm)
		switch {
		case v == "" && n == 0 && up.ChecksumType == "COMPOSITE":
			return errorf("InvalidRequest", "The upload was created using a %s checksum. The complete request must include the checksum for each part. It was missing for part %d in the request.",
				strings.ToLower(string(up.ChecksumAlgorithm)), p.PartNumber)
		case n > 1:
			return errorf("InvalidArgument", "Invalid Base64 or multiple checksums present in request").with("ArgumentName", "Checksum")
		case v != "":
			sum, err := checksum.Decode(up.ChecksumAlgorithm, v)
			if err != nil {
				return errorf("InvalidArgument", "Invalid Base64 or multiple checksums present in request").with("ArgumentName", "Checksum")
			}
			parts[i].Checksum = sum
		case n == 1:
			sum, err := checksum.Decode(other, p.get(other))
			if err != nil {
				return errorf("InvalidArgument", "Invalid Base64 or multiple checksums present in request").with("ArgumentName", "Checksum")
			}
			parts[i].Checksum, parts[i].ChecksumAlgorithm = sum, other
		}
	}
	if err := rc.checkWriteConditions(); err != nil {
		return err
	}
	opts := engine.CompleteOptions{IfNoneMatch: rc.ifNoneMatch(), IfMatch: headerValue(rc.r.Header, "If-Match"), NoConflict: rc.refusesOverwrite(),
		MinPartSize: rc.d.minPartSize, ETag: rc.d.multipartETag, AllowNoParts: rc.d.behave.completeEmptyCreatesEmpty,
		DefaultChecksum: rc.d.defaultChecksum}
	if s.cfg.MinPartSize != 0 {
		opts.MinPartSize = s.cfg.MinPartSize
	}
	var completeACL *engine.ACL
	if rc.d.behave.aclOnComplete {
		if completeACL, err = rc.aclFromHeaders(false); err != nil {
			return err
		}
		if completeACL != nil && !s.cfg.Permissive && !owns(rc.who, up.Owner) {
			// The object is the initiator's: another caller may complete
			// the upload, but setting its ACL takes WRITE_ACP on it (the
			// bucket owner, or a policy's PutObjectAcl).
			if err := s.canAct(rc, rc.op.Bucket, rc.op.Key, "", "PutObjectAcl", permOwner, ""); err != nil {
				return err
			}
		}
	}
	if up.ChecksumAlgorithm != "" {
		if v := rc.header(checksumHeader(up.ChecksumAlgorithm)); v != "" {
			v, n, composite := strings.Cut(v, "-")
			sum, err := checksum.Decode(up.ChecksumAlgorithm, v)
			if composite {
				if k, e := strconv.Atoi(n); e != nil || k < 1 || n[0] == '+' {
					err = errors.New("the part count of a composite checksum is not a number")
				}
			}
			if err != nil {
				return errorf("InvalidRequest", "Value for %s header is invalid.", rc.d.h(checksumHeader(up.ChecksumAlgorithm)))
			}
			opts.Checksum = sum
		}
	}
	if v := rc.header("mp-object-size"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		switch {
		case err != nil:
			return errorf("InvalidRequest", "Value for %s header is invalid: '%s'", rc.d.h("mp-object-size"), v)
		case n < 0:
			return errorf("InvalidRequest", "Value for %s header is less than zero: '%s'", rc.d.h("mp-object-size"), v)
		}
		opts.ObjectSize = &n
	}
	cb, err := s.requestCallback(rc)
	if err != nil {
		return err
	}
	// The event is queued with the completion.
	info, err := s.eng.CompleteMultipartUpload(s.eventCtx(rc, "ObjectCreated:CompleteMultipartUpload"), rc.op.Bucket, rc.op.Key, uploadID, parts, opts)
	if err != nil {
		return rc.writeConditionError(err)
	}
	if err := s.scheduleExpiry(rc, info); err != nil {
		return err
	}
	if rc.d.contentSHA1Header != "" {
		// A dialect that creates objects from stored content (Sina's
		// Relax) indexes multipart bodies too: one read of the object.
		if ix, err := s.eng.IndexContent(rc.ctx, rc.op.Bucket, rc.op.Key); err == nil {
			info = ix
		} else if !errors.Is(err, engine.ErrPreconditionFailed) && !errors.Is(err, engine.ErrNoSuchKey) {
			s.logError(rc, err)
		}
	}
	res := &completeMultipartUploadResult{
		Location: objectURL(rc, rc.op.Key), Bucket: rc.op.Bucket, Key: xmlText(encKey(rc.op.Key)), ETag: rc.d.etag(info.ETag),
		EncodingType: encType,
	}
	rc.setCRC64(info.CRC64, info.NoCRC64)
	rc.writeSSEHeaders(info.Encryption)
	rc.writeNewVersionID(info.VersionID)
	if completeACL != nil {
		if _, err := s.eng.UpdateObject(rc.ctx, rc.op.Bucket, rc.op.Key, engine.ObjectUpdate{ACL: completeACL, VersionID: info.VersionID}); err != nil {
			return err
		}
	}
	if len(info.Checksums) > 0 {
		suffix := ""
		if info.ChecksumType == "COMPOSITE" {
			suffix = "-" + strconv.Itoa(len(info.PartSizes))
		}
		res.checksumFields = checksumsOf(info.Checksums, suffix)
		res.ChecksumType = info.ChecksumType
	}
	if cb != nil {
		rc.w.Header().Set("ETag", rc.d.etag(info.ETag))
		return s.answerCallback(rc, cb, info)
	}
	if rc.d.behave.completeETagHeader {
		rc.w.Header().Set("ETag", rc.d.etag(info.ETag))
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "CompleteMultipartUploadResult", res)
}

// allParts lists every uploaded part of an upload as a Complete request
// (OSS x-oss-complete-all).
func (s *server) allParts(rc *request, uploadID string) (completeMultipartUpload, error) {
	var req completeMultipartUpload
	marker := 0
	for {
		res, err := s.eng.ListParts(rc.ctx, rc.op.Bucket, rc.op.Key, uploadID, engine.ListPartsOptions{PartNumberMarker: marker, MaxParts: engine.DefaultMaxParts})
		if err != nil {
			return req, err
		}
		for _, p := range res.Parts {
			req.Parts = append(req.Parts, completePartXML{PartNumber: p.PartNumber, ETag: p.ETag})
		}
		if !res.IsTruncated {
			break
		}
		marker = res.NextPartNumberMarker
	}
	if len(req.Parts) == 0 {
		return req, errorf("InvalidPart", "The upload has no parts.")
	}
	return req, nil
}

func (s *server) abortMultipartUpload(rc *request) error {
	id := rc.q.Get("uploadId")
	// x-amz-if-match-initiated-time (S3 Express One Zone; honoured in
	// every S3 bucket): abort only the upload initiated then; one that
	// does not exist is 204, as S3 documents.
	if v := rc.r.Header.Get(ifMatchInitiatedHeader); v != "" && rc.d.behave.directoryBuckets {
		t, err := headerTime(v)
		if err != nil {
			return errorf("InvalidArgument", "%s is not a timestamp.", strings.ToLower(ifMatchInitiatedHeader)).
				with("ArgumentName", strings.ToLower(ifMatchInitiatedHeader)).with("ArgumentValue", v)
		}
		up, err := s.eng.Upload(rc.ctx, rc.op.Bucket, rc.op.Key, id)
		if errors.Is(err, engine.ErrNoSuchUpload) {
			return writeEmpty(rc, http.StatusNoContent)
		}
		if err != nil {
			return err
		}
		if !up.Initiated.Truncate(time.Second).Equal(t.Truncate(time.Second)) {
			return errorf("PreconditionFailed", "").with("Condition", strings.ToLower(ifMatchInitiatedHeader))
		}
		if err := s.eng.AbortMultipartUpload(rc.ctx, rc.op.Bucket, rc.op.Key, id); err != nil && !errors.Is(err, engine.ErrNoSuchUpload) {
			return err
		}
		return writeEmpty(rc, http.StatusNoContent)
	}
	err := s.eng.AbortMultipartUpload(rc.ctx, rc.op.Bucket, rc.op.Key, id)
	if errors.Is(err, engine.ErrNoSuchUpload) && rc.d.behave.abortCompletedNoContent {
		// S3 answers an abort of an upload it completed a short while
		// ago 204, as it answers a retried Complete: cleanup code that
		// aborts whatever it started (boto3's own integration test of
		// the multipart resource does) must not fail. The object stays;
		// once the completed-upload record expires it is NoSuchUpload.
		// So does it an abort of an upload it aborted a short while ago
		// (Hadoop S3A's ITestS3AContractMultipartUploader: a second
		// abort succeeds against S3; minio/minio#2250): its parts and
		// Complete stay NoSuchUpload.
		if _, cerr := s.eng.CompletedUpload(rc.ctx, rc.op.Bucket, rc.op.Key, id); cerr == nil {
			err = nil
		} else if aerr := s.eng.AbortedUpload(rc.ctx, rc.op.Bucket, rc.op.Key, id); aerr == nil {
			err = nil
		}
	}
	if err != nil {
		return err
	}
	return writeEmpty(rc, http.StatusNoContent)
}

type listPartsResult struct {
	XMLName              xml.Name
	EncodingType         string    `xml:"EncodingType,omitempty"` // OSS
	Bucket               string    `xml:"Bucket"`
	Key                  xmlText   `xml:"Key"`
	UploadID             string    `xml:"UploadId"`
	PartNumberMarker     int       `xml:"PartNumberMarker"`
	NextPartNumberMarker int       `xml:"NextPartNumberMarker"`
	MaxParts             int       `xml:"MaxParts"`
	IsTruncated          bool      `xml:"IsTruncated"`
	Parts                []xmlPart `xml:"Part"`
	Initiator            owner     `xml:"Initiator"`
	Owner                owner     `xml:"Owner"`
	StorageClass         string    `xml:"StorageClass"`
	ChecksumAlgorithm    string    `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType         string    `xml:"ChecksumType,omitempty"`
}

type xmlPart struct {
	PartNumber   int    `xml:"PartNumber"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int64  `xml:"Size"`
	HashCRC64    string `xml:"HashCrc64ecma,omitempty"` // OSS
	checksumFields
}

// intParam parses an optional non-negative integer query parameter.
func intParam(rc *request, name string, def int) (int, error) {
	v := rc.q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, errorf("InvalidArgument", "Provided %s not an integer or within integer range", name).with("ArgumentName", name).with("ArgumentValue", v)
	}
	return n, nil
}

func (s *server) listParts(rc *request) error {
	marker, err := intParam(rc, "part-number-marker", 0)
	if err != nil {
		return err
	}
	if marker > engine.MaxPartNumber {
		return errorf("InvalidArgument", "Part number marker must be an integer between 0 and %d, inclusive", engine.MaxPartNumber).
			with("ArgumentName", "part-number-marker").with("ArgumentValue", rc.q.Get("part-number-marker"))
	}
	max, err := intParam(rc, "max-parts", engine.DefaultMaxParts)
	if err != nil {
		return err
	}
	if rc.d.behave.strictMaxParts && max > engine.DefaultMaxParts {
		return errorf("InvalidArgument", "max-parts must not exceed %d.", engine.DefaultMaxParts).with("ArgumentName", "max-parts").with("ArgumentValue", rc.q.Get("max-parts"))
	}
	max = min(max, engine.DefaultMaxParts)
	if max == 0 && rc.d.behave.strictMaxParts {
		max = engine.DefaultMaxParts
	}
	encKey, encType, err := rc.writeKeyEncoding()
	if err != nil {
		return err
	}
	uploadID := rc.q.Get("uploadId")
	res, err := s.eng.ListParts(rc.ctx, rc.op.Bucket, rc.op.Key, uploadID, engine.ListPartsOptions{PartNumberMarker: marker, MaxParts: max})
	if err != nil {
		return err
	}
	up := res.Upload
	if rc.d.behave.uploadAbortDate {
		s.setAbortDate(rc, up)
	}
	forced, err := s.ownerListed(rc)
	if err != nil {
		return err
	}
	if forced != "" {
		up.Owner = forced
	}
	o := owner{ID: up.Owner, DisplayName: s.displayName(up.Owner)}
	in := owner{ID: up.Initiator, DisplayName: s.displayName(up.Initiator)}
	out := &listPartsResult{Bucket: rc.op.Bucket, Key: xmlText(encKey(rc.op.Key)), EncodingType: encType, UploadID: uploadID, PartNumberMarker: marker,
		NextPartNumberMarker: res.NextPartNumberMarker, MaxParts: max, IsTruncated: res.IsTruncated,
		Initiator: in, Owner: o, StorageClass: rc.d.storageClassName(up.StorageClass),
		ChecksumAlgorithm: string(up.ChecksumAlgorithm), ChecksumType: up.ChecksumType}
	for _, p := range res.Parts {
		x := xmlPart{PartNumber: p.PartNumber, LastModified: xmlTime(p.LastModified), ETag: rc.d.etag(p.ETag), Size: p.Size}
		if rc.d.behave.reportCRC64 && !p.NoCRC64 {
			x.HashCRC64 = strconv.FormatUint(p.CRC64, 10)
		}
		if p.Checksum != nil && up.ChecksumAlgorithm != "" {
			x.checksumFields = checksumsOf(map[checksum.Algorithm][]byte{up.ChecksumAlgorithm: p.Checksum}, "")
		}
		out.Parts = append(out.Parts, x)
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "ListPartsResult", out)
}

type listMultipartUploadsResult struct {
	XMLName            xml.Name
	Bucket             string         `xml:"Bucket"`
	KeyMarker          xmlText        `xml:"KeyMarker"`
	UploadIDMarker     string         `xml:"UploadIdMarker"`
	NextKeyMarker      *xmlText       `xml:"NextKeyMarker"`
	NextUploadIDMarker *string        `xml:"NextUploadIdMarker"`
	Prefix             *xmlText       `xml:"Prefix"`
	Delimiter          xmlText        `xml:"Delimiter,omitempty"`
	MaxUploads         int            `xml:"MaxUploads"`
	EncodingType       string         `xml:"EncodingType,omitempty"`
	IsTruncated        bool           `xml:"IsTruncated"`
	Uploads            []xmlUpload    `xml:"Upload"`
	CommonPrefixes     []commonPrefix `xml:"CommonPrefixes"`
}

type xmlUpload struct {
	UploadID          string  `xml:"UploadId"`
	Key               xmlText `xml:"Key"`
	Initiated         string  `xml:"Initiated"`
	StorageClass      string  `xml:"StorageClass"`
	Owner             owner   `xml:"Owner"`
	Initiator         owner   `xml:"Initiator"`
	ChecksumAlgorithm string  `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType      string  `xml:"ChecksumType,omitempty"`
}

func (s *server) listMultipartUploads(rc *request) error {
	p, err := parseListParams(rc, "max-uploads")
	if err != nil {
		return err
	}
	if p.maxKeys == 0 {
		p.maxKeys = engine.DefaultMaxUploads
	}
	keyMarker, idMarker := rc.q.Get("key-marker"), rc.q.Get("upload-id-marker")
	if keyMarker == "" {
		idMarker = ""
	}
	s3Markers := rc.d.behave.uploadMarkersS3
	if s3Markers && idMarker != "" {
		// S3 refuses an upload-id-marker that names no upload of the
		// key-marker (LocalStack's AWS-recorded
		// test_list_multiparts_next_marker).
		if _, err := s.eng.Upload(rc.ctx, rc.op.Bucket, keyMarker, idMarker); errors.Is(err, engine.ErrNoSuchUpload) {
			if _, berr := s.bucketOf(rc); berr != nil {
				return berr
			}
			return errorf("InvalidArgument", "Invalid uploadId marker").with("ArgumentName", "upload-id-marker").with("ArgumentValue", idMarker)
		} else if err != nil && !errors.Is(err, engine.ErrNoSuchBucket) {
			return err
		}
	}
	res, err := s.eng.ListMultipartUploads(rc.ctx, rc.op.Bucket, engine.ListUploadsOptions{
		Prefix: p.prefix, Delimiter: p.delimiter, KeyMarker: keyMarker, UploadIDMarker: idMarker, MaxUploads: p.maxKeys})
	if err != nil {
		return err
	}
	out := &listMultipartUploadsResult{Bucket: rc.op.Bucket, KeyMarker: xmlText(p.enc(keyMarker)), UploadIDMarker: idMarker,
		Delimiter: xmlText(p.enc(p.delimiter)), MaxUploads: p.maxKeys, IsTruncated: res.IsTruncated}
	if prefix := xmlText(p.enc(p.prefix)); !s3Markers || rc.q.Has("prefix") {
		out.Prefix = &prefix // S3 writes Prefix only when one was sent
	}
	if p.encode {
		out.EncodingType = "url"
	}
	switch {
	case res.IsTruncated:
		// (S3 answers empty markers when a page ends in a common
		// prefix, which would restart the listing; osslite names the
		// prefix, as ListObjectVersions does.)
		nk, nu := xmlText(p.enc(res.NextKeyMarker)), res.NextUploadIDMarker
		out.NextKeyMarker, out.NextUploadIDMarker = &nk, &nu
	case s3Markers:
		// S3 names the last upload listed on a last page too, and
		// writes both markers empty when there is none.
		nk, nu := xmlText(""), ""
		if n := len(res.Uploads); n > 0 {
			nk, nu = xmlText(p.enc(res.Uploads[n-1].Key)), res.Uploads[n-1].UploadID
		}
		out.NextKeyMarker, out.NextUploadIDMarker = &nk, &nu
	case rc.d.behave.uploadMarkersLastPage && len(res.Uploads) > 0:
		// OSS names the last upload listed on a last page too
		// (alibabacloud-oss-python-sdk-v2 test_client.py
		// test_multipart_upload_object_encoding_type); what it writes
		// for a page of no upload is not recorded, so nothing is.
		last := res.Uploads[len(res.Uploads)-1]
		nk, nu := xmlText(p.enc(last.Key)), last.UploadID
		out.NextKeyMarker, out.NextUploadIDMarker = &nk, &nu
	}
	forced, err := s.ownerListed(rc)
	if err != nil {
		return err
	}
	for _, u := range res.Uploads {
		if forced != "" {
			u.Owner = forced
		}
		o := owner{ID: u.Owner, DisplayName: s.displayName(u.Owner)}
		in := owner{ID: u.Initiator, DisplayName: s.displayName(u.Initiator)}
		out.Uploads = append(out.Uploads, xmlUpload{UploadID: u.UploadID, Key: xmlText(p.enc(u.Key)), Initiated: xmlTime(u.Initiated),
			StorageClass: rc.d.storageClassName(u.StorageClass), Owner: o, Initiator: in,
			ChecksumAlgorithm: string(u.ChecksumAlgorithm), ChecksumType: u.ChecksumType})
	}
	for _, cp := range res.CommonPrefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, commonPrefix{xmlText(p.enc(cp))})
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "ListMultipartUploadsResult", out)
}

// checkCompleteChecksumHeaders checks, before anything is read, the whole
// object's checksum headers of a CompleteMultipartUpload as S3 does: one
// x-?-checksum-<alg> header at most, and an x-?-checksum-type that names
// a mode, the upload's own when it has one.
func (rc *request) checkCompleteChecksumHeaders(up engine.UploadInfo) error {
	if _, _, n := rc.checksumHeadersSent(); n > 1 {
		return errMultipleChecksums()
	}
	typ, sent, err := rc.checksumTypeHeader()
	if err == nil && sent && up.ChecksumType != "" && typ != up.ChecksumType {
		err = errorf("InvalidRequest", "The upload was created using the %s checksum mode. The complete request must use the same checksum mode.", up.ChecksumType)
	}
	return err
}

// checksumTypeHeader reads x-?-checksum-type (CreateMultipartUpload,
// CompleteMultipartUpload): the mode in upper case, whether the header was
// sent, and InvalidRequest when it names no mode.
func (rc *request) checksumTypeHeader() (typ string, sent bool, err error) {
	v, sent := rc.r.Header[rc.d.headerKey("checksum-type")]
	if !sent {
		return "", false, nil
	}
	typ = strings.ToUpper(strings.Join(v, ","))
	if typ != "COMPOSITE" && typ != "FULL_OBJECT" {
		return "", true, errorf("InvalidRequest", "Value for %s header is invalid.", rc.d.h("checksum-type"))
	}
	return typ, true, nil
}

// hasLifecycle reports whether rc's bucket has a lifecycle configuration
// (the engine's cache answers without allocating).
func (s *server) hasLifecycle(rc *request) bool {
	_, err := s.eng.BucketConfigValue(rc.ctx, rc.op.Bucket, bucketconfig.KindLifecycle)
	return err == nil
}

// setAbortDate adds x-amz-abort-date and x-amz-abort-rule-id when a
// lifecycle rule with AbortIncompleteMultipartUpload covers the upload's
// key (S3's CreateMultipartUpload and ListParts; aws-sdk-net
// LifecycleTests LifecycleTest reads both and compares them): one cached
// configuration lookup, nothing for buckets without lifecycle rules.
func (s *server) setAbortDate(rc *request, up engine.UploadInfo) {
	if up.Bucket == "" {
		up.Bucket, up.Key = rc.op.Bucket, rc.op.Key
	}
	at, rule, ok := s.eng.UploadAbortDate(rc.ctx, up)
	if !ok {
		return
	}
	rc.w.Header().Set(rc.d.h("abort-date"), at.UTC().Format(http.TimeFormat))
	rc.w.Header().Set(rc.d.h("abort-rule-id"), rule)
}
