package httpapi

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/xml"
	"io"
	"maps"
	"net/http"
	"net/textproto"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/osslite/osslite/pkg/checksum"
)

// A dialect is everything that differs between the wire protocols osslite
// speaks, as data: header prefix, namespaces, ETag case, request-id
// headers, naming rules and limits, vocabularies, document shapes, error
// documents, authentication and the sub-resources the real service knows.
// Handlers are written once and read these fields; none of them asks which
// dialect it is serving. Adding a dialect is one file defining its value
// plus one entry in the dialects list.
type dialect struct {
	name string // "s3", "oss", "sina"
	// mark is what the objects the dialect's requests write record of it
	// (engine.ObjectInfo.Dialect): whose rule decides who owns them
	// (dialectOfObject).
	mark engine.Dialect
	// headerKeys caches headerKey's answers: name -> canonical key.
	headerKeys atomic.Pointer[map[string]string]
	// prefix starts every vendor header: "x-amz-".
	prefix string
	// xmlns is the namespace of success documents ("" for none).
	xmlns string
	// requestIDHeader and hostIDHeader carry the request id and host id
	// (hostIDHeader "" puts the request host in error documents instead),
	// written as http.Header keys them (canonical), since every response
	// sets them directly.
	requestIDHeader, hostIDHeader string
	// requesterHeader, when set, carries the authenticated caller's ID.
	requesterHeader string
	// userID writes a canonical user ID as the dialect shows user IDs.
	userID func(canonical string) string
	// contentSHA1Header, when set, names a request header carrying the
	// hex SHA-1 a PutObject body must have.
	contentSHA1Header string
	// downloadNameParam, when set, names the query parameter of GetObject
	// and HeadObject that gives the file name a download is saved as
	// (Sina's unsigned fn, spec 2.4): a non-empty value answers
	// "Content-Disposition: attachment" with that filename, in place of
	// the stored Content-Disposition. "" for none.
	downloadNameParam string
	// missingMetaHeader names the header that counts the user metadata a
	// read cannot return (S3's x-amz-missing-meta: names no header can
	// carry, stored before writes checked them); "" for none.
	missingMetaHeader string
	// storedHeaders are request headers (lower-case names) stored with an
	// object as sent and returned on reads, each with its validation.
	storedHeaders map[string]func(v string) error
	// expiryHeader names the stored header (an HTTP date) at which the
	// service deletes an object by itself (Sina's x-sina-expire); "" for
	// none. See scheduleExpiry.
	expiryHeader string
	// requestIDBytes is the number of random bytes of a request id.
	requestIDBytes int
	// serverName is the Server response header.
	serverName string
	// serverTimeHeader, when set, names the header that reports the
	// whole milliseconds the server spent on a request before its answer
	// started (OSS's x-oss-server-time, on every answer).
	serverTimeHeader string
	// respell, when set, rewrites the names of the answer's headers just
	// before it starts, for clients that compare them case-sensitively
	// (Sina's ETag and x-amz-meta-*); net/http writes names as given.
	respell func(http.Header)
	// upperETag writes ETags in upper case.
	upperETag bool

	// detect says how strongly a request looks like this dialect.
	detect func(s *server, r *http.Request) confidence
	// authenticate verifies the signature of a request (header or query
	// forms) and says who sent it; it reads no body.
	authenticate func(s *server, rc *request) (credentials, error)
	// hmacSHA1 is the dialect's HMAC-SHA1 signature scheme, which
	// Config.RefuseSignatures may refuse (sigschemes.go).
	hmacSHA1 hmacScheme

	// Limits and naming.
	maxKeyLength     int                // longest object key, bytes (capped by the engine's)
	maxUserMetadata  int                // total of user metadata names and values, bytes
	maxHeaderSection int                // request header section, bytes (Cookie not counted); 0: no limit
	minPartSize      int64              // smallest part but the last
	maxListKeys      int                // largest page of any listing
	objectTags       tagLimits          // tag sets of objects (limits.go)
	bucketTags       tagLimits          // tag sets of buckets
	bucketName       func(string) error // naming rules of CreateBucket
	// defaultContentType is stored for writes that name none.
	defaultContentType string
	// defaultChecksum is the full-object checksum stored for a PutObject
	// that names none ("" for none).
	defaultChecksum checksum.Algorithm

	// Vocabularies.
	storageClasses map[string]bool // valid x-?-storage-class values
	// badStorageClass is the error for a storage class not in storageClasses.
	badStorageClass func(d *dialect, sc string) *Error
	// storageClassName renders a stored class ("" is the default class).
	storageClassName func(stored string) string
	// objectsTakeBucketClass gives objects written without a class their
	// bucket's class.
	objectsTakeBucketClass bool
	// acl is the dialect's ACL model (headers, documents, defaults).
	acl aclModel
	// sse checks and echoes the encryption headers of an operation.
	sse sseRules

	// Errors.
	errors errorDialect

	// Behaviour of the shared handlers.
	behave behaviour

	// Documents whose shape is the dialect's own.
	listBuckets func(s *server, rc *request, all []engine.BucketInfo) error
	// listLimits parses the page size named maxName (max-keys,
	// max-uploads) and checks the other listing parameters.
	listLimits func(rc *request, maxName string) (int, error)
	// location renders a bucket's region for GetBucketLocation;
	// constraint is the location constraint it was created with where
	// that differs from the region (engine.BucketInfo.Constraint), else "".
	location func(region, constraint string) string
	// createBucket applies the CreateBucketConfiguration document (and the
	// dialect's creation headers) and returns the configurations the new
	// bucket starts with.
	createBucket func(s *server, rc *request, c *createBucketConfiguration, opts *engine.BucketOptions) ([]bucketconfig.Config, error)
	// objectHeaders adds the dialect's own headers describing an object.
	objectHeaders func(rc *request, info engine.ObjectInfo)
	// lifecycleDoc renders a lifecycle configuration in the dialect's
	// shape (httpapi/lifecycle.go).
	lifecycleDoc func(*bucketconfig.Lifecycle) any
	// lifecycleCheck, when set, adds the dialect's own checks of a
	// lifecycle configuration that passed Validate.
	lifecycleCheck func(rc *request, lc *bucketconfig.Lifecycle) error
	// copySource parses the copy-source header.
	copySource func(d *dialect, v string) (bucket, key, version string, err error)
	// multipartETag combines the parts' MD5s into the object's ETag.
	multipartETag engine.MultipartETag
	// maxPartNumber is the highest part number of a multipart upload.
	maxPartNumber int
	// decodeComplete reads the part list of CompleteMultipartUpload (at
	// most max parts; errMalformedDoc when it does not parse).
	decodeComplete func(r io.Reader, max int) ([]completePartXML, error)
	// encode renders a success document (root element root, value v, a
	// pointer to a document struct) for request r; body may be dst (pooled
	// scratch space) extended, or a new slice.
	encode func(d *dialect, r *http.Request, root string, v any, dst []byte) (body []byte, contentType string, err error)

	// subresources lists every sub-resource query parameter the real
	// service knows. A request naming one of them that no route serves
	// is refused (never routed to the plain operation).
	subresources map[string]bool

	// showsOSSUID: the dialect shows a known user's ID as its OSS UID
	// (User.OSSUID) in owner elements.
	showsOSSUID bool
	// post reads POST Object forms (postobject.go); nil: not served.
	post *postRules
	// traffic lets a request cap its transfer's rate (traffic.go); the
	// zero value does not.
	traffic trafficRule
}

// behaviour holds the yes/no differences of the shared handlers. Each
// field is named for what it does, not for the dialect that does it.
type behaviour struct {
	directoryBuckets            bool // names ending --x-s3 are S3 Express directory buckets (express_s3.go)
	mfaDelete                   bool // x-amz-mfa authenticates MFA delete (mfa.go)
	requireContentLength        bool // PUT without Content-Length is MissingContentLength
	reportCRC64                 bool // x-?-hash-crc64ecma on writes and reads, HashCrc64ecma in ListParts
	putReturnsContentMD5        bool // PutObject answers Content-MD5
	partReturnsContentMD5       bool // UploadPart answers Content-MD5 (the part's MD5)
	checksCSEPartSizes          bool // client-side encrypted uploads keep their declared part sizes (cse_oss.go)
	sequentialUploads           bool // CreateMultipartUpload's ?sequential has Complete compute the whole object's MD5
	wholeObjectOnBadRange       bool // an unsatisfiable Range gets the whole object (unless range-behavior: standard)
	gzipText                    bool // GetObject of a web text object compresses for a client accepting gzip (gzip_oss.go)
	lenientCopySourceRange      bool // an invalid copy-source-range copies the whole source
	archiveRefusesPartCopy      bool // UploadPartCopy into an archive-class bucket is OperationNotSupported
	archivedNamesClass          bool // a read of an archived object is InvalidObjectState naming its StorageClass (restore_s3.go)
	copyOntoSelfReplaces        bool // a copy onto itself replaces the metadata
	copyNotModified304          bool // failed "not modified" copy conditions answer 304
	copyConditionsS3            bool // a failed copy-source condition is named in <Condition>
	uploadMarkersS3             bool // ListMultipartUploads: Next*Marker always (last upload listed), Prefix only when sent, an unknown upload-id-marker refused
	uploadMarkersLastPage       bool // ListMultipartUploads: a last page that lists an upload names it in Next*Marker too
	listEmptyParamsRefused      bool // listings refuse an empty encoding-type or continuation-token
	futureModifiedSinceIgnored  bool // an If-Modified-Since date later than the server's clock is ignored
	copyDefaultsStandard        bool // a copy without a storage class header is STANDARD, whatever the source's
	headBucketRegionAlways      bool // a refused HeadBucket still names the bucket's region (x-?-bucket-region)
	headBucketXML               bool // HeadBucket answers Content-Type: application/xml, as the bucket's GETs do
	directivesAnyCase           bool // COPY/REPLACE directives in any case
	websiteRedirect             bool // x-?-website-redirect-location is stored and served
	writeConditionsStarOnly     bool // writes take If-None-Match only as "*" and not with If-Match (else 501)
	compositePartsNeedChecksum  bool // a part of a COMPOSITE-checksum upload must carry its checksum
	completeSumsNeedAlgorithm   bool // Complete refuses a part listed with a checksum when the upload was created without an algorithm (InvalidPart)
	postIgnoresFileType         bool // a POST form's file part Content-Type is not stored (S3: the Content-Type field or the default)
	keepsEmptyContentType       bool // a Content-Type header sent with no value is stored empty, not as the default
	deleteObjectsNeedsDigest    bool // DeleteObjects requires Content-MD5 or a checksum
	lockWritesNeedDigest        bool // PutObjectRetention and PutObjectLegalHold require Content-MD5 or a checksum
	encodingTypeOnWrites        bool // DeleteObjects and multipart calls take encoding-type
	quietDeleteEmptyBody        bool // a quiet DeleteObjects without errors has no body
	completeAllHeader           bool // x-?-complete-all: yes completes every uploaded part
	completeEmptyCreatesEmpty   bool // Complete with no parts writes an empty object
	copyMD5ETag                 bool // CopyObject of a multipart source makes a one-part object with an MD5 ETag
	deleteMarkerACL405          bool // PutObjectAcl on a key whose latest version is a delete marker is 405 MethodNotAllowed (ResourceType DeleteMarker)
	completeNoBodyNeedsPart     bool // Complete without a body is InvalidRequest "You must specify at least one part" (a document without parts stays MalformedXML)
	aclOnComplete               bool // Complete applies an object ACL header
	strictMaxParts              bool // ListParts refuses max-parts above the page limit
	uploadAbortDate             bool // CreateMultipartUpload and ListParts answer x-?-abort-date and -abort-rule-id from the lifecycle's AbortIncompleteMultipartUpload
	recreateOwnBucketOK         bool // CreateBucket on one's own bucket succeeds
	recreateOwnBucketUSEast1    bool // CreateBucket on one's own us-east-1 bucket succeeds, resetting its ACL
	regionalBucketURL           bool // CreateBucket outside us-east-1 answers Location: the bucket's virtual-host URL (createdLocation)
	nullVersionOnWrite          bool // a write of the null version (suspended bucket) answers version-id: null
	deletedMarkerNamesItself    bool // DeleteObjects removing a delete marker by ID names it in DeleteMarkerVersionId too
	taggingMarkerIs405          bool // object tagging on a key whose latest version is a delete marker is 405, as on the marker
	copyRangePastEndRequest     bool // UploadPartCopy's range starting past the source's end is InvalidRequest (else InvalidArgument)
	sseHeadersRefusedOnRead     bool // GET and HEAD refuse x-?-server-side-encryption(-aws-kms-key-id)
	missingBucketTagsEmpty      bool // GetBucketTagging without tags is an empty TagSet
	putBucketTaggingStatus      int  // status of PutBucketTagging
	deleteTagsByKey             bool // DeleteBucketTagging ?tagging=k1,k2 deletes only the named keys
	forbidOverwriteHeader       bool // x-?-forbid-overwrite: true means If-None-Match: *
	accessTracking              bool // access tracking: x-?-last-access-time, lifecycle by last access (IsAccessTime)
	deleteBucketDropsUploads    bool // DeleteBucket removes unfinished uploads instead of refusing
	objectTypeInListing         bool // listings carry each object's Type
	transitionTime              bool // listings and HEAD/GET show when lifecycle moved an object to a cold archive class
	transitionMinimum           bool // lifecycle takes and answers x-amz-transition-default-minimum-object-size
	lifecycleSchemaS3           bool // lifecycle rules follow S3's schema (lifecycleRuleXML.checkS3): else MalformedXML; an empty Filter reads back empty
	versionReadNoExpiration     bool // GET and HEAD naming a versionId answer no x-?-expiration
	loggingSameRegion           bool // PutBucketLogging refuses a target bucket in another region (CrossLocationLoggingProhibitted)
	bucketBeforeAuth            bool // a missing bucket is reported before authentication errors
	answerCompleteRetry         bool // a retried Complete (same parts) gets the first one's result
	abortCompletedNoContent     bool // AbortMultipartUpload of an upload completed or aborted within the retry window is 204
	deleteMissingKeyFails       bool // DeleteObject of a missing key is NoSuchKey
	inclusiveMarker             bool // ListObjects' marker is listed too; NextMarker starts the next page
	nextMarkerNeedsDelimiter    bool // ListObjects (v1) answers NextMarker only with a delimiter
	listBucketRegion            bool // ListObjects and ListObjectsV2 name the bucket's region (x-?-bucket-region)
	anonListNoOwner             bool // ListObjects (v1) answered to an anonymous request lists no Owner
	copyVersionIDsS3            bool // CopyObject names its version ("null" too) and only a source version with an ID
	copySourceNamed             bool // a CopyObject's missing source is NoSuchKey naming the source key; a delete marker by version is InvalidRequest
	expectedBucketOwner         bool // x-amz-expected-bucket-owner naming another account is AccessDenied
	defaultRetentionNeedsDigest bool // PutObject into a bucket with a default retention needs Content-MD5 or a checksum
	listsStoredHeaders          bool // listings show stored headers (Sina's x-sina-expire): no brief listing
	copyETagHeader              bool // CopyObject answers the new ETag in the ETag header too
	copyTakesNoBody             bool // CopyObject with a body is InvalidArgument (Content-Length must be 0)
	completeETagHeader          bool // CompleteMultipartUpload answers the new ETag in the ETag header too
	partCopyETagHeader          bool // UploadPartCopy answers the part's ETag in the ETag header too
	uploadCallbacks             bool // x-?-callback on PutObject, CompleteMultipartUpload, PostObject (osscallback.go)
	emptyInventoryListMissing   bool // listing the inventories of a bucket without any is the missing-inventory error
	deleteMissingInventoryOK    bool // deleting an inventory that does not exist succeeds
	responseHeaderRules         bool // the bucket's response header rules hide headers (responseheader_oss.go)
	plusInPathIsSpace           bool // a raw '+' in the request path is a space (a plus comes %2B)
	completeRefusesSSE          bool // CompleteMultipartUpload naming a server-side encryption (or data encryption) is InvalidArgument
	emptyVersionIDInvalid       bool // a versionId given empty (query or copy source) is InvalidArgument, not the latest
	noLeadingSlashNames         bool // a new object's name may not start with '/' or '\' (InvalidObjectName)
	nonUTF8PathArgument         bool // a request path that is not UTF-8 is InvalidArgument ("The characters encoding must be utf-8."), not InvalidURI
	overridesLatin1             bool // a response-* value with a character outside ISO-8859-1 is InvalidArgument
}

// confidence is how strongly a request looks like a dialect.
type confidence uint8

const (
	notThis      confidence = iota
	byHost                  // the host is one of the dialect's endpoints
	byHeader                // vendor headers of the dialect
	byQuery                 // a signed URL of the dialect
	byOtherAuth             // an Authorization scheme no dialect claims
	byAuthHeader            // the dialect's Authorization scheme
)

// dialects lists every dialect, strongest claim first on ties.
var dialects = []*dialect{s3, oss, sina}

// dialectByName finds a dialect by name (nil when unknown).
func dialectByName(name string) *dialect {
	for _, d := range dialects {
		if d.name == name {
			return d
		}
	}
	return nil
}

// dialectOf picks the dialect of a request: the one that recognises its
// authorization scheme or signed URL, else the one whose headers or host
// it carries, else S3.
func (s *server) dialectOf(r *http.Request) *dialect {
	best, bestC := dialects[0], notThis
	for _, d := range dialects {
		if c := d.detect(s, r); c > bestC {
			best, bestC = d, c
		}
	}
	return best
}

// h returns the full name of a vendor header, e.g. h("meta-") = "x-amz-meta-".
func (d *dialect) h(name string) string { return d.prefix + name }

// headerKey is the canonical form of d.h(name), the key of an
// http.Header: the request path looks up a dozen of these per request, and
// building and canonicalizing each every time showed in profiles. The
// answers are cached per dialect (d.headerKeys), by name, in a map that is
// replaced, never changed, when a name is added: the names are the
// program's constants, so after the first requests every lookup is a
// plain map read.
func (d *dialect) headerKey(name string) string {
	if m := d.headerKeys.Load(); m != nil {
		if v, ok := (*m)[name]; ok {
			return v
		}
	}
	v := textproto.CanonicalMIMEHeaderKey(d.h(name))
	for {
		old := d.headerKeys.Load()
		next := make(map[string]string, 1)
		if old != nil {
			next = maps.Clone(*old)
		}
		next[name] = v
		if d.headerKeys.CompareAndSwap(old, &next) {
			return v
		}
	}
}

// etag renders a stored (lower-case hex) ETag for the wire, quoted.
func (d *dialect) etag(tag string) string { return `"` + d.etagCase(tag) + `"` }

// etagCase is a stored ETag in the dialect's case, unquoted.
func (d *dialect) etagCase(tag string) string {
	if d.upperETag {
		return strings.ToUpper(tag)
	}
	return tag
}

// xmlHeader starts every XML document.
const xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// marshal renders v (a pointer to a struct with an untagged XMLName
// field) as a document whose root element is root, in the dialect's
// namespace (none for an unqualified document).
func (d *dialect) marshal(root string, v any) ([]byte, error) {
	return d.marshalTo(nil, root, v)
}

// unqualified is implemented by documents the services write without a
// namespace whatever the dialect's: clients look their children up by
// bare name (ElementTree's find('Key') finds nothing under a namespaced
// root).
type unqualified interface{ unqualified() }

// marshalTo is marshal appending to dst where the document renders
// itself (an xmlAppender).
func (d *dialect) marshalTo(dst []byte, root string, v any) ([]byte, error) {
	xmlns := d.xmlns
	if _, ok := v.(unqualified); ok {
		xmlns = ""
	}
	if r, ok := v.(xmlAppender); ok {
		if dst == nil {
			dst = make([]byte, 0, 4096)
		}
		return r.appendXML(append(dst, xmlHeader...), root, xmlns), nil
	}
	tagged := false
	if e := reflect.ValueOf(v).Elem(); e.Kind() == reflect.Struct {
		if sf, ok := e.Type().FieldByName("XMLName"); ok {
			e.FieldByIndex(sf.Index).Set(reflect.ValueOf(xml.Name{Space: xmlns, Local: root}))
			tagged = sf.Tag.Get("xml") != ""
		}
	}
	var b bytes.Buffer
	b.WriteString(xmlHeader)
	if err := xml.NewEncoder(&b).Encode(v); err != nil {
		return nil, err
	}
	doc := quoteEntity(b.Bytes())
	if tagged && xmlns != "" {
		// A type whose XMLName is tagged (to check the root of the
		// document a PUT sends) is encoded under its tag, without the
		// namespace the field holds: S3 writes its documents in its
		// namespace all the same (aws-sdk-rust's recorded
		// get_object_retention.json), so the root gets it here.
		return withRootNamespace(doc, root, xmlns), nil
	}
	return doc, nil
}

// quoteEntity rewrites the reference encoding/xml writes for a double
// quote, &#34;, as the one S3 writes, &quot; (the ETags of its listings,
// as LocalStack recorded them from AWS, docs/sdk-suites.md
// "test_bucket_name_with_dots"). Both mean the same to an XML parser,
// but small clients decode only the five named entities (s3mini 1.0.2's
// parseXml handed its caller ETags as &#34;...&#34;). &#34; cannot
// stand for anything else in the encoder's output: a literal & is
// always written &amp;.
func quoteEntity(doc []byte) []byte {
	if !bytes.Contains(doc, []byte("&#34;")) {
		return doc
	}
	return bytes.ReplaceAll(doc, []byte("&#34;"), []byte("&quot;"))
}

// withRootNamespace adds xmlns to doc's root element <root ...> when it
// names none.
func withRootNamespace(doc []byte, root, xmlns string) []byte {
	start := len(xmlHeader)
	open := "<" + root
	if !bytes.HasPrefix(doc[start:], []byte(open)) {
		return doc
	}
	end := bytes.IndexByte(doc[start:], '>')
	if end < 0 || bytes.Contains(doc[start:start+end], []byte("xmlns=")) {
		return doc
	}
	at := start + len(open)
	if c := doc[at]; c != '>' && c != ' ' && c != '/' {
		return doc // a longer name that starts as root does
	}
	attr := ` xmlns="` + xmlns + `"`
	out := make([]byte, 0, len(doc)+len(attr))
	out = append(out, doc[:at]...)
	out = append(out, attr...)
	return append(out, doc[at:]...)
}

// xmlAppender is implemented by documents on hot paths (listings) that
// render themselves without reflection; the result is byte-for-byte what
// encoding/xml would write for the same value (a test checks it).
type xmlAppender interface {
	appendXML(b []byte, root, xmlns string) []byte
}

// xmlEncode renders every document as XML in the dialect's namespace.
func xmlEncode(d *dialect, _ *http.Request, root string, v any, dst []byte) ([]byte, string, error) {
	b, err := d.marshalTo(dst, root, v)
	return b, "application/xml", err
}

// docBuffers recycle the memory of the documents writeDoc renders (a
// listing page is a few hundred kilobytes).
var docBuffers = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledDoc bounds the documents whose memory is kept for reuse.
const maxPooledDoc = 4 << 20

// xmlComplete reads a CompleteMultipartUpload XML document (OSS).
func xmlComplete(r io.Reader, max int) ([]completePartXML, error) {
	return decodeComplete(newDocTokens(r), max, false)
}

// xmlCompleteS3 reads a CompleteMultipartUpload XML document whose every
// <Part> must name its <ETag>, as S3's schema has it: S3 answers a part
// without one MalformedXML (aws/aws-sdk-js#2304, versity/versitygw#2111).
func xmlCompleteS3(r io.Reader, max int) ([]completePartXML, error) {
	return decodeComplete(newDocTokens(r), max, true)
}

// writeDoc writes a success document, encoded as the dialect says for
// the request being answered.
func (d *dialect) writeDoc(w http.ResponseWriter, status int, root string, v any) error {
	var r *http.Request
	if rw, ok := w.(*responseWriter); ok {
		r = rw.req
	}
	buf := docBuffers.Get().(*[]byte)
	b, ct, err := d.encode(d, r, root, v, (*buf)[:0])
	if err != nil {
		docBuffers.Put(buf)
		return err
	}
	// One backing array for both values (Header.Set allocates one each).
	vals := [...]string{ct, strconv.Itoa(len(b))}
	h := w.Header()
	h["Content-Type"], h["Content-Length"] = vals[0:1:1], vals[1:2:2]
	w.WriteHeader(status)
	_, err = w.Write(b) // net/http copies or sends it before returning
	if cap(b) <= maxPooledDoc && cap(b) >= cap(*buf) {
		*buf = b[:0]
	}
	docBuffers.Put(buf)
	return err
}

// writeError writes e, raised by operation op, with its status. HEAD
// responses carry no body (some dialects put the document in a header).
func (d *dialect) writeError(w http.ResponseWriter, r *http.Request, e *Error, op Op) {
	orig := e.Code
	e = d.localize(e)
	h := w.Header()
	reqID := h.Get(d.requestIDHeader)
	if reqID == "" {
		reqID = d.newRequestID()
		h.Set(d.requestIDHeader, reqID)
	}
	var hostID string
	if d.hostIDHeader != "" {
		hostID = h.Get(d.hostIDHeader)
		if hostID == "" {
			hostID = hostIDOf(reqID)
			h.Set(d.hostIDHeader, hostID)
		}
	} else {
		hostID = r.Host
	}
	if d.errors.codeHeader != "" {
		h.Set(d.errors.codeHeader, e.Code)
	}
	ec := ""
	if d.errors.ecHeader != "" {
		ec = ecOfError(e, op.Operation)
		if row := codes[orig]; orig != e.Code && (row.oss.ec != "" || row.oss.ecByOp[op.Operation] != "") {
			ec = ecOf(orig, op.Operation) // a renamed code keeps its own EC
		}
		h.Set(d.errors.ecHeader, ec)
	}
	for k, vs := range e.Header {
		h[k] = vs
	}
	// Drop object headers a handler may have set before failing.
	for _, k := range []string{"ETag", "Last-Modified", "Content-Encoding", "Content-Disposition", "Content-Range", "Accept-Ranges", "Content-MD5",
		d.h("hash-crc64ecma"), d.h("object-type"), d.h("next-append-position")} {
		if e.Header.Get(k) == "" {
			h.Del(k)
		}
	}
	body := d.errors.document(e, resourceOf(op), reqID, hostID, ec)
	if r.Method == http.MethodHead {
		if d.errors.headDocumentHeader != "" {
			h.Set(d.errors.headDocumentHeader, base64.StdEncoding.EncodeToString(body))
		}
		h.Del("Content-Type")
		h.Set("Content-Length", "0")
		w.WriteHeader(e.Status)
		return
	}
	ct := d.errors.contentType
	if ct == "" {
		ct = "application/xml"
	}
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.Status)
	_, _ = w.Write(body)
}

// errorDialect is how a dialect writes errors.
type errorDialect struct {
	// document renders the error document.
	document func(e *Error, resource, requestID, hostID, ec string) []byte
	// ecHeader, when set, carries the error's EC (and the document an
	// <EC> element).
	ecHeader string
	// headDocumentHeader, when set, carries the base64 error document of
	// a HEAD response.
	headDocumentHeader string
	// column picks the dialect's column of an error table row; nil
	// writes every code as the table does.
	column func(*codeRow) *dialectCode
	// contentType is the Content-Type of error documents ("":
	// application/xml).
	contentType string
	// codeHeader, when set, carries the error code (all methods).
	codeHeader string
	// shape, when set, rewrites the extra elements of e, raised for err
	// by the request rc, where the dialect names other facts than the
	// ones toError and the error table give every dialect; nil keeps
	// them.
	shape func(rc *request, e *Error, err error) *Error
}

// xmlErrorDocument renders an <Error> document: Code, Message, then the
// extras, RequestId and HostId, or (for dialects with an EC) RequestId,
// HostId, the extras and EC. Text is escaped as S3 writes it, quotes
// literal (appendText). Neither names the <Resource>: S3's answers do
// not (every error LocalStack recorded from AWS, through botocore and as
// raw XML; docs/sdk-suites.md, thirtieth session), though its error
// reference's sample does, and OSS's never did.
func xmlErrorDocument(withEC bool) func(e *Error, resource, requestID, hostID, ec string) []byte {
	return func(e *Error, _, requestID, hostID, ec string) []byte {
		b := append(make([]byte, 0, 512), xmlHeader...)
		elem := func(name, value string) {
			b = append(b, '<')
			b = append(b, name...)
			b = append(b, '>')
			b = appendText(b, value)
			b = appendEnd(b, name)
		}
		b = append(b, "<Error>"...)
		elem("Code", e.Code)
		elem("Message", e.Message)
		if withEC {
			elem("RequestId", requestID)
			elem("HostId", hostID)
			for _, f := range e.Extra {
				elem(f.Name, f.Value)
			}
			elem("EC", ec)
		} else {
			for _, f := range e.Extra {
				elem(f.Name, f.Value)
			}
			elem("RequestId", requestID)
			elem("HostId", hostID)
		}
		return append(b, "</Error>"...)
	}
}

// newRequestID returns a fresh request id: upper-case hex of
// requestIDBytes random bytes.
func (d *dialect) newRequestID() string {
	id, _ := d.newRequestIDs(false)
	return id
}

// newRequestIDs is newRequestID and, with host, hostIDOf it, both cut
// from one allocation (every response carries both in S3's dialect).
func (d *dialect) newRequestIDs(host bool) (id, hostID string) {
	var raw [16]byte // the longest id's (Sina's)
	b := raw[:d.requestIDBytes]
	_, _ = rand.Read(b)
	var text [2*len(raw) + hostIDMax]byte
	n := 2 * len(b)
	for i, c := range b {
		text[2*i], text[2*i+1] = upperHex[c>>4], upperHex[c&0xf]
	}
	if !host {
		return string(text[:n]), "" // the only allocation
	}
	all := string(appendHostID(text[:n], text[:n])) // the only allocation
	return all[:n], all[n:]
}

// upperHex is the digits of newRequestID's upper-case hex.
const upperHex = "0123456789ABCDEF"

// hostIDOf derives the opaque x-amz-id-2 value from a request id.
func hostIDOf(requestID string) string {
	return string(appendHostID(make([]byte, 0, 128), []byte(requestID)))
}

// hostIDMax bounds the length of a host id of a request id of up to 32
// characters: the base64 of "osslite/" and the id.
const hostIDMax = (len("osslite/") + 32 + 2) / 3 * 4

// appendHostID appends hostIDOf(string(requestID)) to dst.
func appendHostID(dst, requestID []byte) []byte {
	src := append(append(make([]byte, 0, 64), "osslite/"...), requestID...)
	return base64.StdEncoding.AppendEncode(dst, src)
}

// sseRules is how a dialect treats server-side encryption headers.
type sseRules struct {
	// check validates the encryption headers of a write; later is true
	// for writes that extend an object (appends after the first), part
	// uploads, and copies' sources.
	check func(rc *request, w sseWrite) error
	// echoOnInitiate echoes x-?-server-side-encryption on
	// CreateMultipartUpload.
	echoOnInitiate bool
	// parse reads the encryption headers of a write (asked: the request
	// names an encryption; else the bucket default applies). nil: check
	// only, nothing is encrypted.
	parse func(rc *request, w sseWrite) (enc engine.Encryption, asked bool, err error)
	// customerKey reads the customer key of a read or of a copy's source.
	customerKey func(rc *request, copySource bool) ([]byte, error)
	// echo reports a stored object's encryption in response headers.
	echo func(rc *request, h http.Header, info *engine.EncryptionInfo)
	// parseConfig and renderConfig are the bucket-encryption document.
	parseConfig  sseConfigParser
	renderConfig sseConfigRenderer
	// fromConfig maps the bucket default to an encryption.
	fromConfig sseFromBucket
}

// sseWrite says which write an encryption check is for.
type sseWrite uint8

const (
	sseCreate      sseWrite = iota // PutObject, CopyObject, CreateMultipartUpload, first append
	sseLaterAppend                 // an append at position > 0
	ssePart                        // UploadPart
)

// etagRespell writes the ETag header as S3 and OSS do ("ETag:") instead
// of Go's canonical Etag: clients reading raw header lines compare the
// name case-sensitively (amazon-s3-php-class's __responseHeaderCallback,
// from which Sina's PHP SDK comes, matches 'ETag' only). Other names are
// left as written: S3 stores x-amz-meta-* in lower case already.
func etagRespell(h http.Header) {
	if v, ok := h["Etag"]; ok {
		delete(h, "Etag")
		h["ETag"] = v
	}
}
