package httpapi

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/checksum"
	"github.com/osslite/osslite/pkg/ssig"
)

// sina is the Sina Cloud Storage (SCS) dialect (spec/sina): S3's x-amz-
// headers and operations, ssig signatures (pkg/ssig), JSON documents when
// the request says formatter=json (S3's XML otherwise), JSON errors with
// the code in X-Error-Code, X-RequestId and X-Requester, user IDs written
// "SINA" + 16 characters, and its own operations (Relax, Meta; sina_ops.go).
var sina = &dialect{
	name:            "sina",
	mark:            engine.DialectSina,
	prefix:          "x-amz-",
	xmlns:           "http://s3.amazonaws.com/doc/2006-03-01/",
	requestIDHeader: "X-Requestid", // X-RequestId on the wire: Go writes header names canonical
	requesterHeader: "X-Requester",
	requestIDBytes:  16,
	serverName:      "SinaS3",
	userID:          sinaUserID,

	detect:       detectSina,
	authenticate: (*server).authenticateSina,
	hmacSHA1:     hmacScheme{SchemeSinaSSIG, signedSSIG, errSSIGRefused},

	maxKeyLength:       1024,
	maxUserMetadata:    2 << 10,
	minPartSize:        5 << 20, // [Unsure] the seed states none: S3's
	maxListKeys:        1000,
	objectTags:         s3ObjectTags,
	bucketTags:         s3BucketTags,
	bucketName:         sinaBucketName,
	defaultContentType: "application/octet-stream",
	// Every object carries its CRC32, reported as x-amz-meta-crc32
	// (spec 6.1).
	defaultChecksum: checksum.CRC32,

	storageClasses:   s3.storageClasses,
	badStorageClass:  s3.badStorageClass,
	storageClassName: s3.storageClassName,
	acl:              sinaACL,
	sse:              s3SSE,

	errors: errorDialect{document: sinaErrorDocument, contentType: "application/json", codeHeader: "X-Error-Code",
		column: func(r *codeRow) *dialectCode { return &r.sina }},

	behave: behaviour{
		listsStoredHeaders:       true,
		requireContentLength:     true,
		deleteObjectsNeedsDigest: true,
		lockWritesNeedDigest:     true,
		putBucketTaggingStatus:   http.StatusNoContent,
		deleteBucketDropsUploads: true,
		deleteMissingKeyFails:    true, // the Python SDK reads 404 as "no such key"
		inclusiveMarker:          true, // spec 5.1's worked example (the seed's), as the SDK's comment says
		copyETagHeader:           true, // spec 6.5: ETag: "<MD5 hex>"
		copyTakesNoBody:          true, // scs-api-doc, PUT Object - Copy: Content-Length "必须是0" (must be 0), as Relax
		completeETagHeader:       true, // spec 7.3 [osslite]: ETag: "<multipart ETag>", as PutObject's
	},

	listBuckets:       (*server).listBucketsSina,
	listLimits:        sinaListLimits,
	location:          s3Location,
	createBucket:      s3CreateBucket,
	objectHeaders:     sinaObjectHeaders,
	lifecycleDoc:      s3LifecycleDoc,
	copySource:        parseSinaCopySource,
	multipartETag:     engine.ETagMD5OfDigests,
	maxPartNumber:     2048,
	decodeComplete:    sinaComplete,
	encode:            sinaEncode,
	contentSHA1Header: "s-sina-sha1",
	downloadNameParam: "fn",
	expiryHeader:      "x-sina-expire",
	storedHeaders: map[string]func(string) error{
		"x-sina-info": func(string) error { return nil },
		"x-sina-info-int": func(v string) error {
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				return errorf("InvalidArgument", "x-sina-info-int must be an integer.").with("ArgumentName", "x-sina-info-int").with("ArgumentValue", v)
			}
			return nil
		},
		"x-sina-expire": func(v string) error {
			if _, err := ssig.ParseDate(v); err != nil {
				return errorf("InvalidArgument", "x-sina-expire must be an HTTP date.").with("ArgumentName", "x-sina-expire").with("ArgumentValue", v)
			}
			return nil
		},
	},

	// The sub-resources the SDKs sign (pkg/ssig), plus uploadId.
	subresources: setOf("acl", "location", "torrent", "website", "logging", "relax", "meta", "uploads", "part",
		"copy", "multipart", "uploadId"),
	post:    sinaPost,
	respell: sinaRespell,
}

// detectSina recognises the SINA Authorization scheme, ssig URLs
// (ssig, KID), formatter=json, s-sina-* and x-sina-* headers and the
// configured Sina domains.
func detectSina(s *server, r *http.Request) confidence {
	if a := headerValue(r.Header, "Authorization"); a != "" {
		if strings.HasPrefix(a, "SINA ") {
			return byAuthHeader
		}
		return notThis
	}
	q := r.URL.Query()
	if q.Has("ssig") || q.Has("KID") || q.Get("formatter") == "json" {
		return byQuery
	}
	for k := range r.Header {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "s-sina-") || strings.HasPrefix(lk, "x-sina-") {
			return byHeader
		}
	}
	if s.sinaHost(hostOf(r)) {
		return byHost
	}
	return notThis
}

// parseSinaCopySource splits x-amz-copy-source: "/bucket/key",
// URL-encoded as a whole (spec 6.5), so the leading slash may be %2F too;
// an S3-style value (only the key escaped) decodes the same way.
func parseSinaCopySource(d *dialect, v string) (bucket, key, version string, err error) {
	bad := errorf("InvalidArgument", "Copy Source must mention the source bucket and key: /sourcebucket/sourcekey").with("ArgumentName", d.h("copy-source")).with("ArgumentValue", v)
	src, ver, hasVer := strings.Cut(v, "?versionId=")
	if hasVer {
		version = ver
	}
	dec, uerr := url.PathUnescape(src)
	if uerr != nil {
		return "", "", "", bad
	}
	if i := strings.Index(dec, "?versionId="); i >= 0 && !hasVer {
		dec, version = dec[:i], dec[i+len("?versionId="):]
	}
	bucket, key, err = splitCopySource(strings.TrimPrefix(dec, "/"), bad)
	return bucket, key, version, err
}

// sinaDomain reports whether a configured base domain names a Sina
// endpoint: its first label starts with "sina".
func sinaDomain(d string) bool {
	first, _, _ := strings.Cut(d, ".")
	return strings.HasPrefix(first, "sina")
}

// sinaHost reports whether host is a Sina domain or a bucket under one.
func (s *server) sinaHost(host string) bool {
	for _, d := range s.cfg.SinaDomains {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// authenticateSina verifies the ssig of rc (header or URL form; pkg/ssig)
// against the engine clock. Requests without a signature are anonymous:
// the ACLs decide.
func (s *server) authenticateSina(rc *request) (credentials, error) {
	res := ssig.Resource{Bucket: rc.op.Bucket, EscapedKey: escapedKey(rc)}
	// Sub-resources outside the SCS list (S3 operations served through
	// the shared handlers) are signed too, so none can be appended to a
	// signed request unnoticed.
	// So is versionId, with its value: no SCS list has it, and it picks
	// the version a GET or DELETE acts on.
	for name := range rc.q {
		if subresourceNames[strings.ToLower(name)] && !ssig.IsSubresource(name) || name == "versionId" {
			res.Extra = append(res.Extra, name)
		}
	}
	a, err := ssig.Authenticate(rc.r, res, s.clock.Now(), s.secret)
	switch {
	case err == nil && a.Scheme == ssig.SchemeQuery && !s.cfg.Permissive && hasResponseOverride(rc):
		// No ssig signs the response-* parameters: whoever holds a
		// presigned URL could add response-content-type=text/html and
		// have the object served as a page of this origin. S3 (SigV2
		// sub-resources, SigV4) and OSS sign them; here they are refused
		// as on anonymous reads (fn, an attachment name, stays open).
		return credentials{}, errorf("InvalidRequest", "Request specific response headers cannot be used with a presigned URL: its signature does not cover them.")
	case err == nil && a.Scheme != ssig.SchemeAnonymous:
		who, err := s.identify(a.AccessKey, "")
		return credentials{who: who}, err
	case s.cfg.Permissive:
		ak := ""
		if a != nil {
			ak = a.AccessKey
		}
		return s.permissive(ak), nil
	case err == nil:
		return credentials{who: principal{anonymous: true}}, nil
	}
	return credentials{}, err
}

// escapedKey is the object key as the request path carries it (still
// URL-escaped), which the SDKs sign: the raw path after the bucket.
func escapedKey(rc *request) string {
	if rc.op.Key == "" {
		return ""
	}
	p, _, _ := strings.Cut(rc.r.RequestURI, "?")
	if !strings.HasPrefix(p, "/") {
		p = rc.r.URL.EscapedPath()
	}
	p = strings.TrimPrefix(p, "/")
	if !rc.vhost {
		_, p, _ = strings.Cut(p, "/")
	}
	return p
}

// sinaUserID writes a canonical ID (hex SHA-256 of an access key) as an
// SCS user ID: "SINA" and its first 16 digits in upper case.
func sinaUserID(id string) string {
	if len(id) != 64 {
		return id
	}
	if _, err := hex.DecodeString(id); err != nil {
		return id
	}
	return "SINA" + strings.ToUpper(id[:16])
}

// canonicalOfSina resolves an SCS user ID to the canonical ID of a known
// access key: one permissive mode has seen, or a user of the directory
// (when it can list its users, as UserStore does) whose ID it shortens;
// the ID itself when none or several match. dirIDs is the directory's
// short IDs (sinaDirectoryIDs), called at most once per request.
func (s *server) canonicalOfSina(sid string, dirIDs func() map[string]string) string {
	if len(sid) != 20 || !strings.HasPrefix(sid, "SINA") {
		return sid
	}
	if id, ok := s.names.bySinaID(sid[4:]); ok {
		return id
	}
	if id := dirIDs()[sid]; id != "" {
		return id
	}
	return sid
}

// sinaDirectoryIDs maps the SCS user ID of each user of the directory
// to its canonical ID ("" when two users share it: name one by its
// canonical ID); nil when the directory cannot list its users. One pass
// over them for all of a document's grantees: a pass each made a PUT
// ?acl cost its grantees times the users.
func (s *server) sinaDirectoryIDs() map[string]string {
	lister, ok := s.dir.(interface{ Users() []User })
	if !ok {
		return nil
	}
	ids := map[string]string{}
	for _, u := range lister.Users() {
		sid := sinaUserID(u.CanonicalID)
		if prev, seen := ids[sid]; seen && prev != u.CanonicalID {
			ids[sid] = ""
			continue
		}
		ids[sid] = u.CanonicalID
	}
	return ids
}

// sinaBucketName: S3's rules, but underscores are allowed (the seed's
// bucket_name_0) and dots are not special. [Unsure] The vendor's naming
// page could not be retrieved.
func sinaBucketName(name string) error {
	bad := func(why string) error {
		return fmt.Errorf("%w: %q %s", engine.ErrInvalidBucketName, name, why)
	}
	if len(name) < 3 || len(name) > 63 {
		return bad("must be 3 to 63 characters long")
	}
	alnum := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
	for i := 0; i < len(name); i++ {
		if c := name[i]; !alnum(c) && c != '-' && c != '_' && c != '.' {
			return bad(fmt.Sprintf("contains %q", c))
		}
	}
	if !alnum(name[0]) || !alnum(name[len(name)-1]) {
		return bad("must begin and end with a letter or digit")
	}
	return nil
}

// sinaListLimits: max-keys defaults to 400 (spec 5.1), at most 1000.
func sinaListLimits(rc *request, maxName string) (int, error) {
	if rc.q.Get(maxName) == "" && maxName == "max-keys" {
		return 400, nil
	}
	return s3ListLimits(rc, maxName)
}

// sinaTime is a date in SCS JSON: "Fri, 21 Mar 2014 01:13:42 UTC".
func sinaTime(t time.Time) string { return t.UTC().Format("Mon, 02 Jan 2006 15:04:05 UTC") }

// sinaTimeOfXML converts an xmlTime string to sinaTime.
func sinaTimeOfXML(v string) string {
	t, err := time.Parse("2006-01-02T15:04:05.000Z", v)
	if err != nil {
		return v
	}
	return sinaTime(t)
}

// wantsJSON reports formatter=json.
func wantsJSON(r *http.Request) bool {
	return r != nil && r.URL.Query().Get("formatter") == "json"
}

// xmlAlternative is a Sina document with an S3 XML equivalent, written
// when the request does not ask for JSON.
type xmlAlternative interface{ xmlDoc() any }

// jsonOnly is a Sina document with no XML equivalent: always JSON.
type jsonOnly interface{ sinaOnly() }

// sinaEncode writes documents as SCS JSON when the request says
// formatter=json (spec 1.2), and as S3 XML otherwise. [Unsure] What SCS
// answers without formatter=json is not documented.
func sinaEncode(d *dialect, r *http.Request, root string, v any, dst []byte) ([]byte, string, error) {
	_, only := v.(jsonOnly)
	if wantsJSON(r) || only {
		if j, ok := sinaJSON(v); ok {
			b, err := json.Marshal(j)
			return b, "application/json", err
		}
	}
	if x, ok := v.(xmlAlternative); ok {
		v = x.xmlDoc()
	}
	return xmlEncode(d, r, root, v, dst)
}

// unquote strips the quotes of a wire ETag and lower-cases it (hashes in
// SCS JSON are bare lower-case hex).
func unquote(etag string) string { return strings.ToLower(strings.Trim(etag, `"`)) }

// sinaJSON converts a shared document to its SCS JSON shape; ok is false
// for documents SCS has no JSON shape for (they are written as XML).
func sinaJSON(v any) (any, bool) {
	switch x := v.(type) {
	case *listBucketResult:
		return sinaListJSON(x), true
	case *initiateMultipartUploadResult:
		return map[string]string{"Bucket": x.Bucket, "Key": string(x.Key), "UploadId": x.UploadID}, true
	case *completeMultipartUploadResult:
		return struct {
			Bucket   string `json:"Bucket"`
			Key      string `json:"Key"`
			ETag     string `json:"ETag"`
			Location string `json:"Location"`
		}{x.Bucket, string(x.Key), unquote(x.ETag), x.Location}, true
	case *listPartsResult:
		type part struct {
			PartNumber   int    `json:"PartNumber"`
			LastModified string `json:"Last-Modified"`
			ETag         string `json:"ETag"`
			Size         int64  `json:"Size"`
		}
		out := struct {
			Bucket string `json:"Bucket"`
			Key    string `json:"Key"`
			Owner  struct {
				ID          string `json:"ID"`
				DisplayName string `json:"DisplayName"`
			} `json:"Owner"`
			Parts []part `json:"Parts"`
		}{Bucket: x.Bucket, Key: string(x.Key), Parts: []part{}}
		out.Owner.ID, out.Owner.DisplayName = sinaUserID(x.Owner.ID), x.Owner.DisplayName
		for _, p := range x.Parts {
			out.Parts = append(out.Parts, part{p.PartNumber, sinaTimeOfXML(p.LastModified), unquote(p.ETag), p.Size})
		}
		return out, true
	case *copyObjectResult:
		return map[string]string{"ETag": unquote(x.ETag), "Last-Modified": sinaTimeOfXML(x.LastModified)}, true
	case *sinaACLDoc, *sinaBucketList, *sinaObjectMeta, *sinaBucketMeta:
		return v, true
	case *postResponse:
		return map[string]string{"Bucket": x.Bucket, "Key": string(x.Key), "ETag": unquote(x.ETag), "Location": x.Location}, true
	}
	return nil, false
}

// sinaListEntry is one object of a Sina listing (spec 5.1).
type sinaListEntry struct {
	SHA1           *string `json:"SHA1"`
	Name           string  `json:"Name"`
	ExpirationTime *string `json:"Expiration-Time"`
	LastModified   string  `json:"Last-Modified"`
	Owner          string  `json:"Owner"`
	MD5            string  `json:"MD5"`
	ContentType    string  `json:"Content-Type"`
	Size           int64   `json:"Size"`
}

// sinaList is the GET Bucket document.
type sinaList struct {
	Delimiter              *string          `json:"Delimiter"`
	Prefix                 *string          `json:"Prefix"`
	CommonPrefixes         []commonPrefixJS `json:"CommonPrefixes"`
	Marker                 *string          `json:"Marker"`
	ContentsQuantity       int              `json:"ContentsQuantity"`
	CommonPrefixesQuantity int              `json:"CommonPrefixesQuantity"`
	NextMarker             *string          `json:"NextMarker"`
	IsTruncated            bool             `json:"IsTruncated"`
	Contents               []sinaListEntry  `json:"Contents"`
}

type commonPrefixJS struct {
	Prefix string `json:"Prefix"`
}

// orNull is nil for "".
func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func sinaListJSON(x *listBucketResult) *sinaList {
	out := &sinaList{Delimiter: orNull(string(x.Delimiter)), Prefix: orNull(string(x.Prefix)), NextMarker: orNull(string(x.NextMarker)),
		IsTruncated: x.IsTruncated, CommonPrefixes: []commonPrefixJS{}, Contents: []sinaListEntry{}}
	if x.Marker != nil {
		out.Marker = orNull(string(*x.Marker))
	}
	for _, cp := range x.CommonPrefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, commonPrefixJS{string(cp.Prefix)})
	}
	for _, c := range x.contents() {
		e := sinaListEntry{Name: string(c.Key), LastModified: sinaTimeOfXML(c.LastModified), MD5: unquote(c.ETag), Size: c.Size}
		if o := c.info; o != nil {
			owner := o.Owner
			if c.Owner != nil {
				owner = c.Owner.ID // the bucket owner under BucketOwnerEnforced (ownerListed)
			}
			e.SHA1, e.Owner, e.ContentType = orNull(o.SHA1), sinaUserID(owner), o.ContentType
			e.LastModified = sinaTime(o.LastModified)
			if t, err := ssig.ParseDate(o.Headers["x-sina-expire"]); err == nil {
				e.ExpirationTime = orNull(sinaTime(t))
			}
		}
		out.Contents = append(out.Contents, e)
	}
	out.ContentsQuantity, out.CommonPrefixesQuantity = len(out.Contents), len(out.CommonPrefixes)
	return out
}

// sinaErrorDocument is the SCS error body: {"Code", "Message", the
// request facts, "Resource", "RequestId"} (spec 1.5; field names other
// than Message [Unsure]).
func sinaErrorDocument(e *Error, resource, requestID, _, _ string) []byte {
	var b bytes.Buffer
	field := func(name, value string) {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(name)
		v, _ := json.Marshal(value)
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('{')
	field("Code", e.Code)
	field("Message", e.Message)
	for _, f := range e.Extra {
		field(f.Name, f.Value)
	}
	field("Resource", resource)
	field("RequestId", requestID)
	b.WriteByte('}')
	return b.Bytes()
}

// lenientJSON rewrites the relaxed JSON the vendor's examples use into
// strict JSON: single-quoted strings become double-quoted, and a comma
// before a closing bracket or brace is dropped (spec 1.3). Everything else
// is left for encoding/json to judge.
func lenientJSON(in []byte) []byte {
	out := make([]byte, 0, len(in))
	const (
		plain = iota
		inDouble
		inSingle
	)
	state := plain
	for i := 0; i < len(in); i++ {
		c := in[i]
		switch state {
		case inDouble:
			out = append(out, c)
			if c == '\\' && i+1 < len(in) {
				i++
				out = append(out, in[i])
			} else if c == '"' {
				state = plain
			}
		case inSingle:
			switch {
			case c == '\\' && i+1 < len(in):
				i++
				if in[i] == '\'' {
					out = append(out, '\'')
				} else {
					out = append(out, '\\', in[i])
				}
			case c == '"':
				out = append(out, '\\', '"')
			case c == '\'':
				out = append(out, '"')
				state = plain
			default:
				out = append(out, c)
			}
		default:
			switch c {
			case '"':
				state = inDouble
				out = append(out, c)
			case '\'':
				state = inSingle
				out = append(out, '"')
			case ',':
				j := i + 1
				for j < len(in) && (in[j] == ' ' || in[j] == '\t' || in[j] == '\n' || in[j] == '\r') {
					j++
				}
				if j < len(in) && (in[j] == '}' || in[j] == ']') {
					continue
				}
				out = append(out, c)
			default:
				out = append(out, c)
			}
		}
	}
	return out
}

// decodeLenient parses relaxed JSON into v.
func decodeLenient(data []byte, v any) error {
	return json.Unmarshal(lenientJSON(data), v)
}

// sinaComplete reads the Complete Multipart Upload part list: a JSON
// array of {"PartNumber", "ETag"} (spec 7.3), or S3's XML document.
func sinaComplete(r io.Reader, max int) ([]completePartXML, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] == '<' {
		return xmlComplete(bytes.NewReader(data), max)
	}
	// The array is decoded an element at a time, so that a list longer
	// than max is refused when its element max+1 is reached, not held
	// whole first (an 8 MiB list of {} is four million elements).
	dec := json.NewDecoder(bytes.NewReader(lenientJSON(trimmed)))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return nil, errMalformedDoc
	}
	var out []completePartXML
	for dec.More() {
		if len(out) == max {
			return nil, errorf("InvalidArgument", "At most %d parts may be completed.", max)
		}
		var p struct {
			PartNumber int    `json:"PartNumber"`
			ETag       string `json:"ETag"`
		}
		if err := dec.Decode(&p); err != nil {
			return nil, errMalformedDoc
		}
		out = append(out, completePartXML{PartNumber: p.PartNumber, ETag: p.ETag})
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim(']') {
		return nil, errMalformedDoc
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errMalformedDoc // something after the array
	}
	return out, nil
}

// SCS grantee groups and permissions (spec 3).
const (
	sinaAnonymous     = "GRPS000000ANONYMOUSE"
	sinaAuthenticated = "GRPS0000000CANONICAL"
)

var sinaPerms = []struct{ sina, s3 string }{
	{"read", permRead}, {"write", permWrite}, {"read_acp", permReadACP}, {"write_acp", permWriteACP},
}

// sinaACLDoc is the ACL document of GET ?acl: {"Owner", "ACL"}; policy is
// its S3 XML equivalent.
type sinaACLDoc struct {
	Owner  string              `json:"Owner"`
	ACL    map[string][]string `json:"ACL"`
	policy *accessControlPolicy
}

func (d *sinaACLDoc) xmlDoc() any { return d.policy }

// sinaGrants renders an ACL as SCS grants: the owner with every
// permission, then each grantee's permissions; both groups are always
// listed (an empty list when they have none).
func sinaGrants(acl engine.ACL, owner, bucketOwner string) map[string][]string {
	m := map[string][]string{sinaAnonymous: {}, sinaAuthenticated: {}}
	add := func(id, p string) {
		for _, sp := range sinaPerms {
			if p == sp.s3 || p == permFullControl {
				if !containsStr(m[id], sp.sina) {
					m[id] = append(m[id], sp.sina)
				}
			}
		}
	}
	if owner != "" {
		add(sinaUserID(owner), permFullControl)
	}
	for _, g := range effectiveGrants(acl, owner, bucketOwner) {
		switch {
		case g.GranteeType == "Group" && g.URI == groupAllUsers:
			add(sinaAnonymous, g.Permission)
		case g.GranteeType == "Group" && g.URI == groupAuthenticated:
			add(sinaAuthenticated, g.Permission)
		case g.GranteeType == "CanonicalUser":
			add(sinaUserID(g.ID), g.Permission)
		}
	}
	return m
}

func containsStr(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// parseSinaACL reads an SCS ACL document into grants. [Unsure] PUT
// replaces the whole ACL (spec 3.2).
func (s *server) parseSinaACL(data []byte) (engine.ACL, error) {
	var doc map[string][]string
	if err := decodeLenient(data, &doc); err != nil {
		return engine.ACL{}, errorf("MalformedACLError", "The ACL document is not valid JSON: %v", err)
	}
	acl := engine.ACL{Grants: []engine.Grant{}}
	var dirIDs map[string]string
	loaded := false
	lazyIDs := func() map[string]string {
		if !loaded {
			dirIDs, loaded = s.sinaDirectoryIDs(), true
		}
		return dirIDs
	}
	for id, perms := range doc {
		var g engine.Grant
		switch {
		case id == sinaAnonymous:
			g = engine.Grant{GranteeType: "Group", URI: groupAllUsers}
		case id == sinaAuthenticated:
			g = engine.Grant{GranteeType: "Group", URI: groupAuthenticated}
		case validSinaUser(id):
			g = engine.Grant{GranteeType: "CanonicalUser", ID: s.canonicalOfSina(id, lazyIDs)}
		default:
			return engine.ACL{}, errorf("InvalidArgument", "Invalid grantee %s.", id).with("ArgumentName", "ACL").with("ArgumentValue", id)
		}
		for _, p := range perms {
			found := false
			for _, sp := range sinaPerms {
				if p == sp.sina {
					g.Permission, found = sp.s3, true
					acl.Grants = append(acl.Grants, g)
				}
			}
			if !found {
				return engine.ACL{}, errorf("InvalidArgument", "Invalid permission %s.", p).with("ArgumentName", "ACL").with("ArgumentValue", p)
			}
		}
	}
	if len(acl.Grants) == 0 {
		acl = engine.ACL{Canned: "private"}
	}
	return acl, nil
}

// validSinaUser: "SINA" + 16 upper-case letters or digits, or a canonical
// ID (64 hex digits).
func validSinaUser(id string) bool {
	if len(id) == 64 {
		_, err := hex.DecodeString(id)
		return err == nil
	}
	if len(id) != 20 || !strings.HasPrefix(id, "SINA") {
		return false
	}
	for i := 4; i < 20; i++ {
		if c := id[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// sinaACL is the SCS ACL model: canned ACLs in x-amz-acl, JSON grant maps
// in PUT ?acl bodies and GET ?acl documents.
var sinaACL = aclModel{
	fromHeaders: (*request).s3ACLHeaders,
	fromRequest: func(rc *request, forBucket bool, limit int64) (*engine.ACL, error) {
		hdr, err := rc.s3ACLHeaders(forBucket)
		if err != nil {
			return nil, err
		}
		data, err := rc.readBody(limit, digestsOptional)
		if err != nil {
			return nil, err
		}
		switch {
		case hdr != nil && data != nil:
			return nil, errorf("UnexpectedContent", "This request does not support content")
		case hdr != nil:
			return hdr, nil
		case data != nil:
			trimmed := bytes.TrimSpace(data)
			// Grants name users the server knows, by ID or e-mail
			// address, as S3's PUT ?acl takes them (resolveGrants).
			var acl engine.ACL
			if trimmed[0] == '<' {
				acl, err = parsePolicy(data)
			} else {
				acl, err = rc.s.parseSinaACL(trimmed)
			}
			if err == nil {
				err = rc.s.resolveGrants(acl.Grants, false)
			}
			return &acl, err
		}
		return nil, errorf("MissingSecurityHeader", "Your request was missing a required header").with("MissingHeaderName", rc.d.h("acl"))
	},
	bucketDoc: func(s *server, b engine.BucketInfo) any {
		return &sinaACLDoc{Owner: sinaUserID(b.Owner), ACL: sinaGrants(b.ACL, b.Owner, b.Owner), policy: s.policyOf(b.ACL, b.Owner, b.Owner)}
	},
	objectDoc: func(s *server, info engine.ObjectInfo, b engine.BucketInfo) any {
		return &sinaACLDoc{Owner: sinaUserID(info.Owner), ACL: sinaGrants(info.ACL, info.Owner, b.Owner), policy: s.policyOf(info.ACL, info.Owner, b.Owner)}
	},
}

// sinaBucketList is the GET Service document (spec 4.1).
type sinaBucketList struct {
	Owner struct {
		ID string `json:"ID"`
	} `json:"Owner"`
	Buckets []sinaBucketEntry `json:"Buckets"`
}

type sinaBucketEntry struct {
	ConsumedBytes int64  `json:"ConsumedBytes"`
	CreationDate  string `json:"CreationDate"`
	Name          string `json:"Name"`
}

// listBucketsSina is GET Service: the caller's buckets with the bytes
// each holds (JSON), or S3's ListBuckets document without formatter=json.
func (s *server) listBucketsSina(rc *request, all []engine.BucketInfo) error {
	if !wantsJSON(rc.r) {
		return s.listBucketsS3(rc, all)
	}
	out := &sinaBucketList{Buckets: []sinaBucketEntry{}}
	out.Owner.ID = sinaUserID(rc.who.id)
	for _, b := range all {
		if !s.cfg.Permissive && !owns(rc.who, b.Owner) {
			continue
		}
		u, err := s.bucketUsage(rc, b.Name)
		if err != nil {
			return err
		}
		out.Buckets = append(out.Buckets, sinaBucketEntry{ConsumedBytes: u.bytes, CreationDate: sinaTime(b.Created), Name: b.Name})
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "ListAllMyBucketsResult", out)
}

// sinaRespell writes ETag and x-amz-meta-* as SCS does (scs-api-doc's
// answers: "ETag:", "x-amz-meta-foo1:") instead of Go's canonical Etag
// and X-Amz-Meta-*: Sina's PHP SDK (class/SCS.php,
// __responseHeaderCallback) compares header names case-sensitively and
// found neither an object's hash nor its metadata.
func sinaRespell(h http.Header) {
	etagRespell(h)
	for k, v := range h {
		if strings.HasPrefix(k, "X-Amz-Meta-") {
			delete(h, k)
			h[strings.ToLower(k)] = v
		}
	}
}

// sinaObjectHeaders adds S3's object headers and x-amz-meta-crc32, the
// object's CRC32 in upper-case hex (spec 6.1), when the object has one.
func sinaObjectHeaders(rc *request, info engine.ObjectInfo) {
	s3ObjectHeaders(rc, info)
	if v := sinaCRC32(info); v != "" {
		rc.w.Header().Set(rc.d.h("meta-crc32"), v)
	}
}

// sinaCRC32 is the object's full-object CRC32 as Sina writes it, or "".
func sinaCRC32(info engine.ObjectInfo) string {
	sum, ok := info.Checksums[checksum.CRC32]
	if !ok || len(sum) != 4 || info.ChecksumType == "COMPOSITE" {
		return ""
	}
	return strings.ToUpper(hex.EncodeToString(sum))
}
