package httpapi

import (
	"crypto/hmac"
	"encoding/xml"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/ossauth"
	"github.com/osslite/osslite/pkg/sigv4"
	"github.com/osslite/osslite/pkg/ssig"
)

// postRules is how a dialect reads a POST Object form.
type postRules struct {
	// authenticate verifies the form's credentials (its signature over
	// the policy) and says who sent it. signed is true when the form
	// carried credentials, which require a policy.
	authenticate func(s *server, f *postForm) (who principal, signed bool, err error)
	// policy says which condition forms the dialect knows.
	policy policyRules
	// coverAll requires every form field but the exempt ones to be named
	// by a policy condition.
	coverAll bool
	// exempt reports fields (lower case) that need no condition.
	exempt func(lower string) bool
	// keyBeforeExpansion matches key conditions against the key as sent,
	// before ${filename} is replaced.
	keyBeforeExpansion bool
	// claims lists credential fields (lower case) that mark a form as
	// the dialect's: a form posted to another dialect's endpoint (a
	// browser sends no vendor header) that carries them is served in
	// this dialect.
	claims []string
	// aliases maps form fields to the request headers they stand for
	// ("acl" -> "x-amz-acl").
	aliases map[string]string
	// unsignedPolicyIgnored leaves the policy of a form without
	// credentials unread: nothing binds it to anyone, and the form is
	// judged as any anonymous write is (S3: a form with only key and
	// policy is AccessDenied "Access Denied" on a private bucket).
	unsignedPolicyIgnored bool
	// filenameNeedsParam expands ${filename} only when the file part
	// has a filename parameter; without one (a file sent as a plain
	// field) the key keeps ${filename} as written (S3).
	filenameNeedsParam bool
	// foreignTaggingEmpty reads a well-formed tagging field whose root
	// is not Tagging as no tags, where PutObjectTagging answers
	// MalformedXML (S3; a document that does not parse is still
	// MalformedXML).
	foreignTaggingEmpty bool
}

// s3Post is S3's form: SigV4 or SigV2 policy signatures, every field
// covered by a condition.
var s3Post = &postRules{
	authenticate: (*server).postAuthS3,
	coverAll:     true,
	exempt: func(l string) bool {
		switch l {
		case "x-amz-signature", "file", "policy", "signature", "awsaccesskeyid":
			return true
		}
		return strings.HasPrefix(l, "x-ignore-")
	},
	aliases:               map[string]string{"acl": "x-amz-acl"},
	claims:                []string{"x-amz-credential", "x-amz-signature", "awsaccesskeyid"},
	policy:                policyRules{unusableFails: true},
	unsignedPolicyIgnored: true,
	filenameNeedsParam:    true,
	foreignTaggingEmpty:   true,
}

// ossPost is OSS's form: v1 (OSSAccessKeyId, Signature) or v4
// (x-oss-signature-version ...) signatures, conditions "in" and
// "not-in", key conditions on the key as sent, upload callbacks.
var ossPost = &postRules{
	authenticate:       (*server).postAuthOSS,
	policy:             policyRules{sets: true},
	keyBeforeExpansion: true,
	claims:             []string{"ossaccesskeyid", "x-oss-signature-version", "x-oss-credential", "x-oss-signature"},
}

// sinaPost is Sina's form: S3's SigV2 fields (AWSAccessKeyId, Policy,
// Signature); fields need no condition (spec sina 6.4).
var sinaPost = &postRules{
	authenticate: (*server).postAuthSina,
	aliases:      map[string]string{"acl": "x-amz-acl"},
	claims:       []string{"awsaccesskeyid"},
}

// formHeaders are the form fields stored like PutObject headers.
var formHeaders = map[string]bool{
	"cache-control": true, "content-type": true, "content-disposition": true, "content-encoding": true,
	"content-language": true, "expires": true, "content-md5": true,
}

// formCredentials are the credential fields of every dialect's form:
// never copied into the request headers the write reads (nor logged).
var formCredentials = map[string]bool{
	"x-amz-algorithm": true, "x-amz-credential": true, "x-amz-date": true, "x-amz-signature": true, "x-amz-security-token": true,
	"x-oss-signature-version": true, "x-oss-credential": true, "x-oss-date": true, "x-oss-signature": true, "x-oss-security-token": true,
}

// formIdentity checks a form signed by access key ak (with session token
// token) using verify, which compares the signature for a secret.
func (s *server) formIdentity(ak, token string, verify func(secret string) bool) (principal, error) {
	if s.cfg.Permissive {
		return s.permissive(ak).who, nil
	}
	secret, ok := s.secret(ak)
	if !ok {
		return principal{}, errorf("InvalidAccessKeyId", "")
	}
	if !verify(secret) {
		return principal{}, errorf("SignatureDoesNotMatch", "")
	}
	// The directory names the user and checks a session token as it does
	// for signed requests (users.go).
	return s.identify(ak, token)
}

// anonymousForm is who an unsigned form acts as.
func (s *server) anonymousForm() principal {
	if s.cfg.Permissive {
		return s.permissive("").who
	}
	return principal{anonymous: true}
}

// missingField is the error for a required form field that is absent,
// named as S3 names it (X-Amz-Signature, AWSAccessKeyId).
func missingField(name string) *Error {
	return errorf("InvalidArgument", "Bucket POST must contain a field named '%s'.  If it is specified, please check the order of the fields.", name).
		with("ArgumentName", name).with("ArgumentValue", "")
}

func (s *server) postAuthS3(f *postForm) (principal, bool, error) {
	policy, token := f.get("policy"), f.get("x-amz-security-token")
	switch {
	case f.has("x-amz-algorithm") || f.has("x-amz-credential") || f.has("x-amz-signature") || f.has("x-amz-date"):
		for _, n := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Signature", "policy"} {
			if !f.has(strings.ToLower(n)) {
				return principal{}, true, missingField(n)
			}
		}
		if alg := f.get("x-amz-algorithm"); alg != sigv4.Algorithm {
			return principal{}, true, errorf("InvalidArgument", "POST form only supports the %s algorithm", sigv4.Algorithm).
				with("ArgumentName", "x-amz-algorithm").with("ArgumentValue", alg)
		}
		cred, err := sigv4.ParseCredential(f.get("x-amz-credential"))
		if err != nil || cred.Scope.Service != "s3" {
			return principal{}, true, errorf("InvalidArgument", "Invalid credential: expected <key-id>/<yyyymmdd>/<region>/s3/aws4_request").
				with("ArgumentName", "x-amz-credential").with("ArgumentValue", f.get("x-amz-credential"))
		}
		if d, err := time.Parse(sigv4.TimeFormat, f.get("x-amz-date")); err != nil || d.Format("20060102") != cred.Scope.Date {
			return principal{}, true, errorf("InvalidArgument", "x-amz-date must be yyyymmddThhmmssZ on the credential's date").
				with("ArgumentName", "x-amz-date").with("ArgumentValue", f.get("x-amz-date"))
		}
		sig := f.get("x-amz-signature")
		who, err := s.formIdentity(cred.AccessKeyID, token, func(secret string) bool {
			return sigv4.SignatureEqual(sigv4.Signature(s.keys.Get(secret, cred.Scope), policy), sig)
		})
		return who, true, formMismatch(err, cred.AccessKeyID, sig, policy)
	case f.has("awsaccesskeyid") || f.has("signature"):
		if s.cfg.RefuseSignatures&SchemeSigV2 != 0 {
			return principal{}, true, errSigV2Refused()
		}
		for _, n := range []string{"AWSAccessKeyId", "Signature", "policy"} {
			if !f.has(strings.ToLower(n)) {
				return principal{}, true, missingField(n)
			}
		}
		sig, akid := f.get("signature"), f.get("awsaccesskeyid")
		who, err := s.formIdentity(akid, token, func(secret string) bool {
			return hmac.Equal([]byte(sigv4.SignatureV2(secret, policy)), []byte(sig))
		})
		return who, true, formMismatch(err, akid, sig, policy)
	}
	// No credentials (a policy alone included): an anonymous form.
	return s.anonymousForm(), false, nil
}

// formMismatch adds to an S3 form's SignatureDoesNotMatch what S3 names:
// the access key, the signature sent, and the policy as the string to
// sign (with its bytes), for SigV2 and SigV4 forms alike.
func formMismatch(err error, akid, sig, policy string) error {
	var e *Error
	if errors.As(err, &e) && e.Code == "SignatureDoesNotMatch" {
		e.with("AWSAccessKeyId", akid).with("SignatureProvided", sig).
			with("StringToSign", policy).with("StringToSignBytes", hexBytes(policy))
	}
	return err
}

func (s *server) postAuthSina(f *postForm) (principal, bool, error) {
	if !f.has("awsaccesskeyid") && !f.has("signature") && !f.has("policy") {
		return s.anonymousForm(), false, nil
	}
	if s.cfg.RefuseSignatures&SchemeSinaSSIG != 0 {
		return principal{}, true, errSSIGRefused()
	}
	for _, n := range []string{"AWSAccessKeyId", "Policy", "Signature"} {
		if !f.has(strings.ToLower(n)) {
			return principal{}, true, missingField(n)
		}
	}
	policy, sig := f.get("policy"), f.get("signature")
	who, err := s.formIdentity(f.get("awsaccesskeyid"), "", func(secret string) bool {
		return hmac.Equal([]byte(ssig.FormSignature(secret, policy)), []byte(sig))
	})
	return who, true, err
}

// OSS v4 form fields.
const ossFormV4 = "OSS4-HMAC-SHA256"

func (s *server) postAuthOSS(f *postForm) (principal, bool, error) {
	policy, token := f.get("policy"), f.get("x-oss-security-token")
	if f.has("x-oss-signature-version") || f.has("x-oss-credential") || f.has("x-oss-signature") {
		for _, n := range []string{"x-oss-signature-version", "x-oss-credential", "x-oss-date", "x-oss-signature", "policy"} {
			if !f.has(n) {
				return principal{}, true, errorf("InvalidArgument", "The %s field is required with a V4 signature.", n).with("ArgumentName", n)
			}
		}
		if v := f.get("x-oss-signature-version"); v != ossFormV4 {
			return principal{}, true, errorf("InvalidArgument", "Invalid signature version %q: only %s is supported.", v, ossFormV4).with("ArgumentName", "x-oss-signature-version")
		}
		parts := strings.Split(f.get("x-oss-credential"), "/")
		if len(parts) != 5 || parts[0] == "" || len(parts[1]) != 8 || parts[3] != ossauth.DefaultProduct || parts[4] != "aliyun_v4_request" {
			return principal{}, true, errorf("InvalidArgument", "Invalid x-oss-credential: expected <AccessKeyId>/<yyyymmdd>/<region>/oss/aliyun_v4_request.").with("ArgumentName", "x-oss-credential")
		}
		date, err := time.Parse(sigv4.TimeFormat, f.get("x-oss-date"))
		if err != nil || date.Format("20060102") != parts[1] {
			return principal{}, true, errorf("InvalidArgument", "x-oss-date must be yyyymmddThhmmssZ on the date of x-oss-credential.").with("ArgumentName", "x-oss-date")
		}
		// A V4 form is good for 7 days from x-oss-date, which may run 15
		// minutes ahead of the server's clock.
		now := s.clock.Now()
		if date.Sub(now) > ossauth.MaxSkew {
			return principal{}, true, errorf("RequestTimeTooSkewed", "")
		}
		if now.Sub(date) > 7*24*time.Hour {
			return principal{}, true, errorf("AccessDenied", "Request has expired: x-oss-date is more than 7 days old.")
		}
		scope := ossauth.Scope{Date: parts[1], Region: parts[2], Product: parts[3]}
		sig := strings.ToLower(f.get("x-oss-signature"))
		who, err := s.formIdentity(parts[0], token, func(secret string) bool {
			return hmac.Equal([]byte(ossauth.SignV4(secret, scope, policy)), []byte(sig))
		})
		return who, true, err
	}
	if !f.has("ossaccesskeyid") && !f.has("signature") && !f.has("policy") {
		return s.anonymousForm(), false, nil
	}
	if s.cfg.RefuseSignatures&SchemeOSSV1 != 0 {
		return principal{}, true, errOSSV1Refused()
	}
	for _, n := range []string{"OSSAccessKeyId", "policy", "Signature"} {
		if !f.has(strings.ToLower(n)) {
			return principal{}, true, errorf("InvalidArgument", "Bucket POST must contain a field named '%s'. OSSAccessKeyId, policy and Signature go together.", n).with("ArgumentName", n)
		}
	}
	sig := f.get("signature")
	who, err := s.formIdentity(f.get("ossaccesskeyid"), token, func(secret string) bool {
		return hmac.Equal([]byte(ossauth.SignV1(secret, policy)), []byte(sig))
	})
	return who, true, err
}

// postObject serves POST Object: a browser form upload. The form's
// fields are read before the file; the credentials in them are verified,
// the policy checked and the bucket's permission applied before a byte
// of the file is read.
func (s *server) postObject(rc *request) error {
	rules := rc.d.post
	if rules == nil {
		return errorf("NotImplemented", "POST Object is not implemented for this protocol.")
	}
	f, err := readPostForm(rc.body, headerValue(rc.r.Header, "Content-Type"), s.cfg.MaxPostFormFields)
	if err != nil {
		return err
	}
	if d := formDialect(rc.d, f); d != rc.d {
		switchDialect(rc, d)
		rules = d.post
	}
	who, signed, err := rules.authenticate(s, f)
	if err != nil {
		return err
	}
	rc.who = who
	if signed && rc.d == s3 {
		rc.formSignature = "AWS" // SigV2's name in s3:signatureversion
		if f.has("x-amz-signature") {
			rc.formSignature = sigv4.Algorithm
		}
	}
	if err := s.admitAnonymous(rc); err != nil {
		return err
	}
	if rc.d.requesterHeader != "" && !who.anonymous {
		rc.w.Header().Set(rc.d.requesterHeader, rc.d.userID(who.id))
	}
	if !f.has("key") {
		return missingField("key")
	}
	sent := f.get("key")
	// The key's length is known before ${filename} is expanded: a key
	// too long is refused without being made (a 20 KiB field of
	// ${filename}s times a 1 MiB file name would be gigabytes).
	const filenameVar = "${filename}"
	expand := f.hasFileName || !rules.filenameNeedsParam
	size := len(sent)
	if expand {
		size += strings.Count(sent, filenameVar) * (len(f.fileName) - len(filenameVar))
	}
	if max := rc.maxKey(s); size > max {
		return errorf("KeyTooLongError", "").with("Size", strconv.Itoa(size)).with("MaxSizeAllowed", strconv.Itoa(max))
	}
	key := sent
	if expand {
		key = strings.ReplaceAll(sent, filenameVar, f.fileName)
	}
	if key == "" {
		return errorf("InvalidArgument", "User key must have a length greater than 0.").with("ArgumentName", "key").with("ArgumentValue", "")
	}
	rc.op.Key = key
	lo, hi := int64(0), int64(-1)
	switch {
	case f.has("policy") && (signed || !rules.unsignedPolicyIgnored):
		p, err := parsePostPolicy(f.get("policy"), rules.policy)
		if err != nil {
			return err
		}
		match := key
		if rules.keyBeforeExpansion {
			match = sent
		}
		if lo, hi, err = p.check(s.clock.Now(), postValues{form: f, bucket: rc.op.Bucket, key: match}); err != nil {
			return err
		}
		if rules.coverAll {
			if n := p.uncovered(f, rules.exempt); n != "" {
				return errorf("AccessDenied", "Invalid according to Policy: Extra input fields: %s", n)
			}
		}
	case signed:
		return missingField("policy")
	}
	// The form's fields stand for PutObject's headers: the authorization
	// (a bucket policy's s3:x-amz-acl, s3:RequestObjectTag/...) judges
	// them, not vendor headers sent beside the form that the write never
	// reads.
	fh := rc.formHeader(f, rules)
	var tags []engine.Tag
	if v, ok := f.values["tagging"]; ok {
		if tags, err = parseTagging([]byte(v), rc.d.objectTags); err != nil && !(rules.foreignTaggingEmpty && foreignRoot(v)) {
			return err
		}
	}
	r := *rc.r
	r.Header = authzHeader(rc.d, rc.r.Header, fh, tags)
	rc.r = &r
	if err := s.authorize(rc); err != nil {
		return err
	}
	if err := s.admitQoS(rc); err != nil {
		return err
	}
	r.Header = fh
	file, err := rc.limitTraffic(f.file) // the form's x-oss-traffic-limit, now a header
	if err != nil {
		return err
	}
	opts, err := s.creationOptions(rc, sseCreate)
	if err != nil {
		return err
	}
	opts.Tags = tags
	if opts.ContentMD5, err = contentMD5(r.Header); err != nil {
		return err
	}
	if opts.Checksum, err = rc.checksumInput(); err != nil {
		return err
	}
	if err := rc.checkForbidOverwrite(); err != nil { // the form's field, now in the headers
		return err
	}
	opts.IfNoneMatch = rc.ifNoneMatch()
	opts.DefaultChecksum = rc.d.defaultChecksum
	var cb *uploadCallback
	if cb, err = s.formCallback(rc, f); err != nil {
		return err
	}
	info, err := s.eng.PutObject(s.eventCtx(rc, "ObjectCreated:Post"), rc.op.Bucket, key, &sizeRange{r: file, lo: lo, hi: hi}, -1, opts)
	if err != nil {
		return err
	}
	h := rc.w.Header()
	etag := rc.d.etag(info.ETag)
	h.Set("ETag", etag)
	s.writeChecksumHeaders(rc, info, true)
	rc.writeSSEHeaders(info.Encryption)
	rc.writeNewVersionID(info.VersionID)
	rc.setCRC64(info.CRC64, info.NoCRC64)
	s.countAnalytics(rc, &info, engine.AnalyticsUpload, info.Size)
	if cb != nil {
		return s.answerCallback(rc, cb, info)
	}
	loc := objectURL(rc, key)
	h.Set("Location", loc)
	redirect := f.get("success_action_redirect")
	if redirect == "" {
		redirect = f.get("redirect")
	}
	if u, err := url.Parse(redirect); redirect != "" && err == nil && u.Scheme != "" && u.Host != "" {
		sep := "?"
		if strings.Contains(redirect, "?") {
			sep = "&"
		}
		h.Set("Location", redirect+sep+"bucket="+url.QueryEscape(rc.op.Bucket)+"&key="+url.QueryEscape(key)+"&etag="+url.QueryEscape(etag))
		return writeEmpty(rc, http.StatusSeeOther)
	}
	switch f.get("success_action_status") {
	case "200":
		return writeEmpty(rc, http.StatusOK)
	case "201":
		return rc.d.writeDoc(rc.w, http.StatusCreated, "PostResponse", &postResponse{Location: loc, Bucket: rc.op.Bucket, Key: xmlText(key), ETag: etag})
	}
	return writeEmpty(rc, http.StatusNoContent)
}

// postResponse is the document of success_action_status 201.
type postResponse struct {
	XMLName  xml.Name
	Location string  `xml:"Location" json:"Location"`
	Bucket   string  `xml:"Bucket" json:"Bucket"`
	Key      xmlText `xml:"Key" json:"Key"`
	ETag     string  `xml:"ETag" json:"ETag"`
}

// AWS writes PostResponse without the namespace of its other documents
// (so do OSS, whose documents have none, and Sina, which answers as S3).
func (*postResponse) unqualified() {}

// formDialect is the dialect a form speaks: d, unless the form carries
// none of d's credential fields and another dialect's.
func formDialect(d *dialect, f *postForm) *dialect {
	claimed := func(d *dialect) bool {
		return d.post != nil && slices.ContainsFunc(d.post.claims, f.has)
	}
	if claimed(d) {
		return d
	}
	for _, o := range dialects {
		if claimed(o) {
			return o
		}
	}
	return d
}

// switchDialect serves rc in dialect d from now on: the request-id, server-time and
// Server headers already set become d's (the same request id, which the
// log and the Observer already have).
func switchDialect(rc *request, d *dialect) {
	h := rc.w.Header()
	old := rc.d
	id := h.Get(old.requestIDHeader)
	h.Del(old.requestIDHeader)
	if old.hostIDHeader != "" {
		h.Del(old.hostIDHeader)
	}
	rc.d, rc.op.Dialect = d, d.name
	h.Set(d.requestIDHeader, id)
	if d.hostIDHeader != "" {
		h.Set(d.hostIDHeader, hostIDOf(id))
	}
	h.Set("Server", d.serverName)
	rc.w.timeFrom(d.serverTimeHeader)
}

// formHeader turns the form's fields into the request headers a
// PutObject would carry: the stored HTTP headers, the vendor headers
// (metadata, ACL, storage class, encryption, checksums) and the aliases.
// Without a Content-Type field the file part's type is stored (OSS,
// Sina); S3 stores its default instead, as S3 ignores the part's type.
func (rc *request) formHeader(f *postForm, rules *postRules) http.Header {
	h := http.Header{}
	for _, n := range f.names {
		l := strings.ToLower(n)
		v := f.values[l]
		switch {
		case formCredentials[l]:
			continue
		case l == "content-type" && v == "":
			continue // no type: a write's empty header is kept empty, a form's empty field is not (S3)
		case formHeaders[l]:
		case rules.aliases[l] != "":
			l = rules.aliases[l]
		case strings.HasPrefix(l, rc.d.prefix) && l != rc.d.h("tagging"):
		default:
			continue
		}
		h.Set(l, v)
	}
	if h.Get("Content-Type") == "" && f.fileType != "" && !rc.d.behave.postIgnoresFileType {
		h.Set("Content-Type", f.fileType)
	}
	return h
}

// formGates are the vendor headers (without the prefix) a form's request
// keeps for its authorization: they are gates of the request, not
// properties of the object written.
var formGates = []string{"request-payer", "expected-bucket-owner"}

// authzHeader is the header set a form's authorization judges: the
// request's own headers without the vendor ones (but formGates) and the
// stored ones (formHeaders), and the form's fields as the write reads
// them (fh) and its tagging field (tags, as a tagging header) in their
// place.
func authzHeader(d *dialect, sent, fh http.Header, tags []engine.Tag) http.Header {
	h := make(http.Header, len(sent)+len(fh))
	for k, vs := range sent {
		l := strings.ToLower(k)
		if formHeaders[l] || strings.HasPrefix(l, d.prefix) && !slices.Contains(formGates, l[len(d.prefix):]) {
			continue
		}
		h[k] = vs
	}
	for k, vs := range fh {
		h[k] = vs
	}
	if tags != nil {
		q := url.Values{}
		for _, t := range tags {
			q.Add(t.Key, t.Value)
		}
		h.Set(d.h("tagging"), q.Encode())
	}
	return h
}

// objectURL is the URL of an object written by rc, in the request's
// addressing style. S3 writes the key form-encoded (a space '+', a plus
// %2B, a slash %2F: "bucket/with+space/a.jpg" for "with space/a.jpg", as
// aws/aws-sdk-js#1707 and #3468 show CompleteMultipartUpload's Location),
// which its paths read back as the same key (plusAsSpace); the other
// dialects keep the key's slashes.
func objectURL(rc *request, key string) string {
	scheme := "http"
	if rc.r.TLS != nil {
		scheme = "https"
	}
	escaped := escapeKeyPath(key)
	if rc.d.behave.plusInPathIsSpace {
		escaped = url.QueryEscape(key)
	}
	path := "/" + rc.op.Bucket + "/" + escaped
	if rc.vhost {
		path = "/" + escaped
	}
	return scheme + "://" + rc.r.Host + path
}

// escapeKeyPath escapes a key for a URL path, keeping its slashes. A plus
// sign is escaped too: S3 reads a raw '+' in a path as a space
// (plusAsSpace), so a Location that kept it would name another key.
func escapeKeyPath(key string) string {
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(url.PathEscape(p), "+", "%2B")
	}
	return strings.Join(parts, "/")
}

// foreignRoot reports whether doc is a well-formed XML document whose
// root element is not Tagging.
func foreignRoot(doc string) bool {
	var root struct{ XMLName xml.Name }
	return xml.Unmarshal([]byte(doc), &root) == nil && root.XMLName.Local != "Tagging"
}
