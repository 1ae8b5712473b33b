package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/textproto"
	"net/url"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/osslite/osslite/pkg/sigv4"
)

// New returns an http.Handler serving eng over the S3 protocol, configured
// by opts (see Config for the defaults). The handler is safe for
// concurrent use and starts no goroutines. New panics when Config.Users
// cannot form a directory (a user without an access key, two users with
// one canonical ID or e-mail address): check them with NewUserStore first;
// and when an MFA device is invalid (MFADevice.Validate) or two share a
// serial.
func New(eng *engine.Engine, opts ...Option) http.Handler {
	var cfg Config
	for _, o := range opts {
		o(&cfg)
	}
	cfg.EnsureDefaults()
	eo := eng.Options() // engine.Open filled the defaults
	dir, err := buildDirectory(&cfg)
	if err != nil {
		panic(fmt.Sprintf("httpapi: New: %v", err))
	}
	if q := cfg.AccountQoS; q != nil {
		if err := q.Validate(); err != nil {
			panic(fmt.Sprintf("httpapi: New: AccountQoS: %v", err))
		}
	}
	mfa, err := newMFADevices(&cfg, dir)
	if err != nil {
		panic(fmt.Sprintf("httpapi: New: MFADevices: %v", err))
	}
	s := &server{eng: eng, cfg: cfg, clock: eo.Clock, maxKey: eo.MaxKeyLength, dir: dir, mfa: mfa}
	s.qos.clock = cfg.shaping
	if s.qos.clock == nil {
		s.qos.clock = wallClock{}
	}
	s.names.add(ownerID(cfg.Owner))
	s.corsDefault = defaultCORS(cfg.CORSAllowOrigins)
	s.loadCnames(context.Background())
	return s
}

// server is the http.Handler New returns.
type server struct {
	eng   *engine.Engine
	cfg   Config
	clock engine.Clock
	dates dateCache // the Date header of the current second
	// apPolicies holds the parsed access point policies (accesspoint_oss.go).
	apPolicies apPolicyCache
	// qos holds the meters of the buckets with QoS settings (qos_oss.go).
	qos qosMeters
	// express holds the S3 Express sessions (express_s3.go).
	express expressSessions
	// renames holds RenameObject's client tokens (express_s3.go).
	renames renameTokens
	maxKey  int
	keys    sigv4.KeyCache
	// dir holds the users and temporary credentials (users.go).
	dir Directory
	// mfa holds the MFA devices and the codes they have accepted (mfa.go).
	mfa *mfaDevices
	// cnameIdx maps the buckets' bound custom domains to them (cname_oss.go).
	cnameIdx cnameIndex
	// cnameCerts holds the custom domains' certificates being served
	// (cnamecert_oss.go).
	cnameCerts cnameCertCache
	// names holds the canonical owner IDs of principals the directory
	// does not know (permissive mode), for Sina's short user IDs.
	names seenNames
	// inflight counts the requests being served (Config.MaxConcurrentRequests).
	inflight admission
	// corsDefault is the CORS rule of Config.CORSAllowOrigins (nil: none).
	corsDefault *bucketconfig.CORS
	// live holds the LiveChannel pushes in progress (rtmp.go).
	live liveHub
	// callbacks signs and sends OSS upload callbacks (osscallback.go).
	callbacks callbackState
	// mirror fetches OSS mirror-back origins (mirror.go).
	mirror mirrorState
	// reqMetrics holds the request metrics configurations' counts
	// (metrics_s3.go): metricsKey -> *metricsCounters.
	reqMetrics sync.Map
}

// principal is who sent a request.
type principal struct {
	anonymous bool
	accessKey string
	id        string // canonical user ID
	// session is the S3 Express session the request was signed with
	// (express_s3.go); it decided what the request may do.
	session *expressSession
}

// request is the state of one request as it flows through the handler.
type request struct {
	s     *server
	w     *responseWriter
	r     *http.Request
	ctx   context.Context
	d     *dialect
	op    Op
	route *route
	q     url.Values
	who   principal
	auth  *sigv4.Result // nil for anonymous and unverified permissive requests
	// formSignature is a signed S3 POST form's signature version
	// (s3:signatureversion: "AWS4-HMAC-SHA256" or "AWS"), "" otherwise.
	formSignature string
	// vhost is true for virtual-host addressing.
	vhost bool
	// body is the decoded, verified request body; size is its length or -1.
	body    io.Reader
	size    int64
	chunked *chunkedBody // set for aws-chunked bodies
	slow    *slowBody    // the raw body's guard against slow clients, if any
	// pace holds the transfer to the traffic limit the request asked for
	// (traffic.go); nil: none.
	pace *pacer
	// qos meters the request's body for its bucket's QoS settings
	// (qos_oss.go); nil: none.
	qos *qosUse
	// anonSlot: the request holds one of the anonymous requests'
	// admissions (Config.MaxAnonymousRequests).
	anonSlot bool
	// qosAdmitted: admitQoS has run.
	qosAdmitted bool
	// bucket is the bucket record, once authorize (or bucketOf) has read it.
	bucket *engine.BucketInfo
	// objectAuthz is authorize's decision when it read the object (an
	// object permission decided by its ACL or tags); readObject decides
	// it again for the object it opens when that is another one.
	objectAuthz *access
	// errCode and ec are the error the response carries (for the log).
	errCode, ec string
	// subresource names the sub-resources of a request no route serves.
	subresource string
	// aborted is set when the response was cut short.
	aborted bool
	// selected are a SelectObjectContent's bytes scanned and returned
	// (request metrics count them).
	selected struct{ scanned, returned int64 }
	// hvals backs the values setHeader sets.
	hvals []string
	// markerIsResource is set by operations on a version's annotations
	// (S3's object tagging) that answer a delete marker as the latest
	// version with 405 MethodNotAllowed, as when the marker is named.
	markerIsResource bool
	// overwriteForbidden is set when the write may not replace an
	// existing object (refusesOverwrite).
	overwriteForbidden bool
	// ap is the access point an OSS request came through (its alias in
	// place of the bucket name, alias; op.Bucket is the access point's
	// bucket), nil for none (accesspoint_oss.go).
	ap    *bucketconfig.AccessPoint
	alias string
	// srcAP is the access point a copy source was named through
	// (copySourceAlias), nil for none.
	srcAP *bucketconfig.AccessPoint
}

// accessPointOf is the access point rc reaches bucket b through: its own
// (rc.ap) or its copy source's (rc.srcAP), nil when b is reached
// directly. Its policy keys and decision are that bucket's only.
func (rc *request) accessPointOf(b engine.BucketInfo) *bucketconfig.AccessPoint {
	for _, ap := range []*bucketconfig.AccessPoint{rc.ap, rc.srcAP} {
		if ap != nil && ap.Bucket == b.Name && ap.BucketID == b.ID {
			return ap
		}
	}
	return nil
}

// addressedBucket is the bucket name the request was sent to: the alias
// of an access point, or the bucket (what a signature covers).
func (rc *request) addressedBucket() string {
	if rc.alias != "" {
		return rc.alias
	}
	return rc.op.Bucket
}

// setHeader sets response header key, which must be canonical (as
// http.CanonicalHeaderKey writes it), to v. The headers every response
// carries are set this way: the values share one array per request
// instead of a slice each, and the key is not canonicalized again.
func (rc *request) setHeader(key, v string) {
	if len(rc.hvals) == cap(rc.hvals) {
		rc.hvals = make([]string, 0, 12)
	}
	rc.hvals = append(rc.hvals, v)
	n := len(rc.hvals)
	rc.w.Header()[key] = rc.hvals[n-1 : n : n] // a full slice: Add copies
}

// dateCache formats the Date header once per second of the clock.
type dateCache struct{ last atomic.Pointer[dateEntry] }

type dateEntry struct {
	sec  int64
	text string
}

// format returns t as an HTTP date.
func (c *dateCache) format(t time.Time) string {
	sec := t.Unix()
	if e := c.last.Load(); e != nil && e.sec == sec {
		return e.text
	}
	text := httpDate(t)
	c.last.Store(&dateEntry{sec: sec, text: text})
	return text
}

// httpDate is t.UTC().Format(http.TimeFormat) without reading the layout
// (a few thousand instructions per GET and HEAD for Last-Modified).
func httpDate(t time.Time) string {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.Format(http.TimeFormat)
	}
	hour, min, sec := t.Clock()
	var b [29]byte // Mon, 02 Jan 2006 15:04:05 GMT
	copy(b[0:3], "SunMonTueWedThuFriSat"[3*t.Weekday():])
	b[3], b[4] = ',', ' '
	putDigits(b[5:7], day)
	b[7] = ' '
	copy(b[8:11], "JanFebMarAprMayJunJulAugSepOctNovDec"[3*(month-1):])
	b[11] = ' '
	putDigits(b[12:16], year)
	b[16] = ' '
	putDigits(b[17:19], hour)
	b[19] = ':'
	putDigits(b[20:22], min)
	b[22] = ':'
	putDigits(b[23:25], sec)
	copy(b[25:], " GMT")
	return string(b[:])
}

// maxKey is the longest key the request's dialect allows (and the
// engine stores).
func (rc *request) maxKey(s *server) int {
	return min(rc.d.maxKeyLength, s.maxKey)
}

// bucketOf returns the record of the request's bucket, read once per
// request.
func (s *server) bucketOf(rc *request) (engine.BucketInfo, error) {
	if rc.bucket != nil {
		return *rc.bucket, nil
	}
	b, err := s.eng.Bucket(rc.ctx, rc.op.Bucket)
	if err != nil {
		return b, err
	}
	rc.bucket = &b
	// Every write of this request goes to this very bucket: if it is
	// deleted and re-created (by someone else, with other grants) while
	// the request runs, the write fails instead of landing in the new one.
	rc.ctx = engine.WithBucketGuard(rc.ctx, rc.op.Bucket, b.ID)
	return b, nil
}

// header returns a vendor header of the request ("meta-x" -> x-amz-meta-x).
func (rc *request) header(name string) string {
	return headerValue(rc.r.Header, rc.d.headerKey(name))
}

// headerValue is h.Get(key) for a key in canonical form, without
// canonicalizing it again (which scans every byte of it).
func headerValue(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now() // duration only; never shown to clients as a time
	queryOK := literalSemicolons(r)
	wire := reachesWire(w)
	if !wire {
		// Before the dialect is read from the headers (Authorization).
		canonicalRequestHeader(r)
	}
	d := s.dialectOf(r)
	rw := &responseWriter{ResponseWriter: w, status: http.StatusOK, req: r, clock: s.clock}
	switch {
	case !wire:
		rw.respell = canonicalNames
	case d.respell != nil:
		rw.respell = d.respell
	}
	rw.timeFrom(d.serverTimeHeader) // a dialect without the header reads no clock
	rc := &request{s: s, w: rw, r: r, ctx: r.Context(), d: d, op: Op{Operation: "Unknown", Dialect: d.name}}
	reqID, hostID := d.newRequestIDs(d.hostIDHeader != "")
	rc.setHeader(d.requestIDHeader, reqID)
	if d.hostIDHeader != "" {
		rc.setHeader(d.hostIDHeader, hostID)
	}
	rc.setHeader("Date", s.dates.format(s.clock.Now()))
	rc.setHeader("Server", d.serverName)
	if r.ContentLength == 0 && r.ProtoMajor == 1 && r.Header.Get("Expect") != "" {
		// An empty body sent with Expect: 100-continue (botocore's empty
		// PutObject) gets no interim 100 (net/http sends one on the
		// first body read; S3 skips it too), and botocore before 1.43.77
		// then misreads the next answer on the connection: a read
		// timeout (60 s) and a silent retry (boto/botocore#3755). The
		// connection is closed after the answer instead, as net/http
		// does when an expected body goes unread.
		rc.setHeader("Connection", "close")
	}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				// The response was cut short on purpose (the client went
				// away, or a body failed after the status line).
				rc.aborted = true
				s.finish(rc, reqID, time.Since(start))
				panic(v)
			}
			s.logError(rc, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
			if !rw.wroteHeader {
				s.fail(rc, errorf("InternalError", ""))
			}
		}
		if rc.slow != nil {
			rc.slow.close()
		}
		s.finish(rc, reqID, time.Since(start))
	}()
	rc.anonSlot = anonymousRequest(r)
	if !s.inflight.enter(rc.anonSlot, s.cfg.MaxConcurrentRequests, s.cfg.MaxAnonymousRequests) {
		s.fail(rc, errorf("SlowDown", ""))
		return
	}
	defer func() { s.inflight.leave(rc.anonSlot) }()
	if !queryOK {
		// A pair url.ParseQuery cannot decode would be dropped from
		// rc.q while the signatures (which keep it verbatim) cover it.
		s.fail(rc, errorf("InvalidURI", ""))
		return
	}
	if err := s.serve(rc); err != nil {
		s.fail(rc, err)
	}
}

// literalSemicolons makes r's query read as S3 and the signatures read
// it, and reports whether every pair of it can be decoded. A raw ';' is
// a character of a name or value to S3 and to every signature scheme
// here (sigv4's, ossauth's and ssig's parsers), but url.ParseQuery drops
// the whole pair that holds one: a signed "?versionId=x;y" would act on
// the current version, a signed response-content-type=text/plain;
// charset=utf-8 would be ignored. It is escaped (%3B), which every
// parser decodes back to ';', so the signed value is the one used. A
// pair with an invalid escape is dropped by url.ParseQuery too but kept
// verbatim by the signatures: such a request is refused (S3 answers
// 400 to an invalid escape), never run without what was signed.
func literalSemicolons(r *http.Request) bool {
	if strings.IndexByte(r.URL.RawQuery, ';') >= 0 {
		r.URL.RawQuery = strings.ReplaceAll(r.URL.RawQuery, ";", "%3B")
	}
	// What url.ParseQuery refuses once ';' is gone: a '%' not followed
	// by two hex digits (checked without building the map).
	q := r.URL.RawQuery
	for i := strings.IndexByte(q, '%'); i >= 0; i = strings.IndexByte(q, '%') {
		if len(q) < i+3 || !isHex(q[i+1]) || !isHex(q[i+2]) {
			return false
		}
		q = q[i+3:]
	}
	return true
}

// isHex reports whether c is a hexadecimal digit.
func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// queryOf is r.URL.Query(), but nil for an empty query (most object
// requests), which saves a map per request: rc.q is only ever read, and
// a nil url.Values reads as an empty one (it is nil until serve sets it).
func queryOf(r *http.Request) url.Values {
	if r.URL.RawQuery == "" {
		return nil
	}
	return r.URL.Query()
}

// serve runs the request pipeline: address, route, intercept,
// authenticate, authorize, execute.
func (s *server) serve(rc *request) error {
	r := rc.r
	if limit := rc.d.maxHeaderSection; limit > 0 && headerSection(r) > limit {
		// A front-end limit: judged before the address, the bucket and
		// the signature.
		return errorf("RequestHeaderSectionTooLarge", "").with("MaxSizeAllowed", strconv.Itoa(limit))
	}
	if len(s.cfg.WebsiteDomains) > 0 || strings.HasPrefix(r.URL.Path, websitePathPrefix) {
		if b, k, base, ok := s.websiteAddress(r); ok {
			return s.serveWebsite(rc, b, k, base) // website.go
		}
	}
	if rc.d.behave.plusInPathIsSpace {
		if err := plusAsSpace(r); err != nil {
			return err
		}
	}
	bucket, key, vhost, err := s.address(r)
	if errors.Is(err, errPathNotUTF8) {
		if rc.d.behave.nonUTF8PathArgument {
			return errorf("InvalidArgument", "The characters encoding must be utf-8.")
		}
		return errorf("InvalidURI", "")
	}
	if err != nil {
		return err
	}
	if rc.d.name == "oss" && strings.HasSuffix(bucket, bucketconfig.AliasSuffix) {
		// An access point's alias stands for its bucket; the request is
		// then decided by the access point too (authorizeAccessPoint).
		if _, ap, err := s.eng.AccessPointByAlias(rc.ctx, bucket); err == nil {
			rc.ap, rc.alias, bucket = &ap, bucket, ap.Bucket
		} else if !errors.Is(err, engine.ErrNoSuchAccessPoint) {
			return err
		}
	}
	rc.op.Bucket, rc.op.Key, rc.vhost = bucket, key, vhost
	if origin := headerValue(r.Header, "Origin"); origin != "" && r.Method != http.MethodOptions {
		s.corsActual(rc, origin) // cors.go
	}
	if done, err := s.servePublicKey(rc, bucket, key, vhost); done {
		return err
	}
	rc.q = queryOf(r)
	t := targetService
	switch {
	case key != "":
		t = targetObject
	case bucket != "":
		t = targetBucket
	}
	rt, rerr := match(rc.d, r, t, rc.q)
	if rerr != nil {
		rc.subresource = namedSubresources(rc.q)
		if rerr.Code == "NotImplemented" {
			return s.refuseUnimplemented(rc, t, rerr)
		}
		return rerr
	}
	if refusesOnDirectory(rc.d, bucket, rt.op) {
		rc.subresource = namedSubresources(rc.q)
		return s.refuseUnimplemented(rc, t, errorf("NotImplemented", "%s is not supported for directory buckets.", rt.op))
	}
	rc.route = rt
	rc.op.Operation = rt.op
	if rc.d.behave.responseHeaderRules && bucket != "" {
		s.hideResponseHeaders(rc) // responseheader_oss.go
	}
	if fn := s.cfg.Interceptor; fn != nil && fn(rc.w, r, rc.op) {
		return nil
	}
	if max := rc.maxKey(s); len(key) > max {
		return errorf("KeyTooLongError", "").with("Size", fmt.Sprint(len(key))).with("MaxSizeAllowed", fmt.Sprint(max))
	}
	if rc.d.behave.noLeadingSlashNames && namesNewObject[rt.op] && (strings.HasPrefix(key, "/") || strings.HasPrefix(key, `\`)) {
		return errorf("InvalidObjectName", "The object name cannot start with a forward slash (/) or a backslash (\\).")
	}
	if rc.d.behave.bucketBeforeAuth && rt.perm != permAuthenticated && !rt.keyFirst {
		// The dialect reports a missing bucket before a bad signature,
		// and a refused signature scheme before anything (intake).
		if err := s.refuseScheme(rc); err != nil {
			return err
		}
		if _, err := s.bucketOf(rc); err != nil {
			if rt.noBucketMalformed && errors.Is(err, engine.ErrNoSuchBucket) {
				return errorf("MalformedXML", "")
			}
			return err
		}
	}
	if err := s.intake(rc); err != nil {
		return err
	}
	rt = rc.route // a presigned URL's headers read from its query may choose another (rematch)
	if rc.who.anonymous && rt.perm != permAnyone {
		if handled, err := s.ossWebsite(rc); handled { // website.go
			return err
		}
	}
	if rt.auth == authForm {
		// The form says who sent it; the handler authorizes once it has
		// read the credentials. A missing bucket is reported now.
		if _, err := s.bucketOf(rc); err != nil {
			return err
		}
	} else if err := s.authorize(rc); err != nil {
		return err
	}
	if rt.auth != authForm { // a form is admitted once its credentials are read (postObject)
		if err := s.admitQoS(rc); err != nil {
			return err
		}
	}
	if err := rc.checkForbidOverwrite(); err != nil {
		return err
	}
	if rt.throttled && rt.auth != authForm { // a form's limit is a field: postObject reads it
		body, err := rc.limitTraffic(rc.body)
		if err != nil {
			return err
		}
		rc.body = body
	}
	return rt.handle(s, rc)
}

// refuseUnimplemented answers a request for an operation osslite does not
// implement with e, once the request has shown who sent it and, for a
// bucket or an object, that the bucket exists: a bad signature or a
// missing bucket is reported as such, not hidden behind the 501 (the
// OSS SDK's suite checks both). Its body is never read.
func (s *server) refuseUnimplemented(rc *request, t target, e *Error) error {
	// Nothing runs, so an unsigned sub-resource changes nothing either.
	rc.route = &route{method: rc.r.Method, target: t, op: "Unknown", perm: permAuthenticated, unsignedOK: true}
	if err := s.intake(rc); err != nil {
		return err
	}
	if t != targetService {
		if _, err := s.bucketOf(rc); err != nil {
			return err
		}
	}
	return e
}

// fail writes err as an error response, unless the response has started.
func (s *server) fail(rc *request, err error) {
	e, internal := toError(err)
	switch {
	case internal && (cancelledByClient(rc, err) || rc.w.werr != nil):
		// Nobody reads the answer (a write to the client failed, or it
		// went away): not a server error, and the record says so.
		s.logClientGone(rc, err)
		rc.aborted = true
	case internal:
		s.logError(rc, err)
	}
	if rc.w.wroteHeader {
		return
	}
	if (e.Code == "PreconditionFailed" || e.Code == "ConditionalRequestConflict") && rc.overwriteForbidden && headerValue(rc.r.Header, "If-None-Match") == "" {
		e = errorf("FileAlreadyExists", "")
	}
	var ae *engine.ArchivedError
	if rc.d.behave.archivedNamesClass && errors.As(err, &ae) {
		e = errArchivedS3(rc.op.Operation, ae.StorageClass, ae.AccessTier)
	}
	if rc.d.behave.headBucketRegionAlways && rc.op.Operation == "HeadBucket" && e.Status != http.StatusNotFound {
		// S3 names an existing bucket's region on every HeadBucket
		// answer, "regardless of the permissions on the bucket", so that
		// clients (the SDKs' GetBucketRegion) find where it lives.
		if b, err := s.bucketOf(rc); err == nil {
			rc.w.Header().Set(rc.d.h("bucket-region"), s.regionOf(b))
		}
	}
	rc.errCode = rc.d.localize(e).Code
	if rc.d.errors.ecHeader != "" {
		rc.ec = ecOfError(e, rc.op.Operation)
	}
	for _, f := range codes[e.Code].facts {
		if name, value := rc.fact(f); value != "" {
			e = withField(e, name, value)
		}
	}
	if rc.d.errors.shape != nil {
		e = rc.d.errors.shape(rc, e, err)
	}
	rc.d.writeError(rc.w, rc.r, e, rc.op)
}

// fact returns the element name and value of a request fact ("" when
// the request has none).
func (rc *request) fact(f fact) (name, value string) {
	switch f {
	case factBucket:
		return "BucketName", rc.op.Bucket
	case factKey:
		return "Key", rc.op.Key
	case factUploadID:
		return "UploadId", rc.q.Get("uploadId")
	case factRangeRequested:
		return "RangeRequested", headerValue(rc.r.Header, "Range")
	}
	return "", ""
}

// withField returns e plus one extra element, unless e already has it.
func withField(e *Error, name, value string) *Error {
	for _, f := range e.Extra {
		if f.Name == name {
			return e
		}
	}
	c := *e
	c.Extra = append(append([]Field(nil), e.Extra...), Field{name, value})
	return &c
}

func (s *server) logError(rc *request, err error) {
	if cancelledByClient(rc, err) {
		// Whatever failed, it failed because the client left.
		s.logClientGone(rc, err)
		return
	}
	if l := s.cfg.Logger; l != nil {
		l.Error("httpapi: internal error", "operation", rc.op.Operation, "bucket", rc.op.Bucket, "key", shortKey(rc.op.Key),
			"request_id", rc.w.Header().Get(rc.d.requestIDHeader), "err", err)
	}
}

// cancelledByClient reports whether err is the request's own
// cancellation: net/http cancels the request's context when its client
// goes away, and whatever ran under it fails with context.Canceled.
func cancelledByClient(rc *request, err error) bool {
	return errors.Is(err, context.Canceled) && rc.ctx.Err() != nil
}

// logClientGone notes, at debug level, a client that went away before
// its response was complete: not an error of the server.
func (s *server) logClientGone(rc *request, err error) {
	if l := s.cfg.Logger; l != nil {
		l.Debug("httpapi: client went away", "operation", rc.op.Operation, "bucket", rc.op.Bucket,
			"key", shortKey(rc.op.Key), "request_id", rc.w.Header().Get(rc.d.requestIDHeader), "err", err)
	}
}

// maxLoggedKey is the longest key a log line shows whole.
const maxLoggedKey = 200

// shortKey shortens long keys for log lines: the start, the length, the end.
func shortKey(k string) string {
	if len(k) <= maxLoggedKey {
		return k
	}
	head, tail := k[:maxLoggedKey/2], k[len(k)-maxLoggedKey/4:]
	for !utf8.ValidString(head) && len(head) > 0 {
		head = head[:len(head)-1]
	}
	for !utf8.ValidString(tail) && len(tail) > 0 {
		tail = tail[1:]
	}
	return head + "…(" + strconv.Itoa(len(k)) + " bytes)…" + tail
}

// finish logs and reports a completed request.
func (s *server) finish(rc *request, reqID string, dur time.Duration) {
	rec := Record{
		Method: rc.r.Method, Operation: rc.op.Operation, Bucket: rc.op.Bucket, Key: rc.op.Key,
		Dialect: rc.d.name, RequestID: reqID, Status: rc.w.status, Bytes: rc.w.bytes, Duration: dur,
		ErrorCode: rc.errCode, EC: rc.ec, AccessKey: rc.who.accessKey, Subresource: rc.subresource, Aborted: rc.aborted,
	}
	if rec.Bucket != "" && rc.d.name == "oss" && (s.cfg.Logger != nil || s.cfg.Observer != nil) {
		rec.UserDefinedLogFields = s.userDefinedLogFields(rc, rec.Bucket) // logfields_oss.go
	}
	if l := s.cfg.Logger; l != nil {
		attrs := []slog.Attr{
			slog.String("method", rec.Method), slog.String("bucket", rec.Bucket), slog.String("key", shortKey(rec.Key)),
			slog.String("operation", rec.Operation), slog.Int("status", rec.Status), slog.Int64("bytes", rec.Bytes),
			slog.Duration("duration", rec.Duration), slog.String("request_id", rec.RequestID), slog.String("dialect", rec.Dialect),
		}
		if rec.AccessKey != "" {
			attrs = append(attrs, slog.String("access_key", rec.AccessKey))
		}
		if rec.Subresource != "" {
			attrs = append(attrs, slog.String("subresource", rec.Subresource))
		}
		if rec.ErrorCode != "" {
			attrs = append(attrs, slog.String("error_code", rec.ErrorCode))
		}
		if rec.EC != "" {
			attrs = append(attrs, slog.String("ec", rec.EC))
		}
		if rec.Aborted {
			attrs = append(attrs, slog.Bool("aborted", true))
		}
		if rec.UserDefinedLogFields != "" {
			attrs = append(attrs, slog.String("user_defined_log_fields", rec.UserDefinedLogFields))
		}
		if l.Enabled(rc.ctx, slog.LevelDebug) {
			attrs = append(attrs, slog.Any("request_headers", redactHeaders(rc.r.Header)),
				slog.String("query", redactQuery(rc.r.URL.RawQuery)),
				slog.Any("response_headers", rc.w.Header().Clone()))
		}
		l.LogAttrs(rc.ctx, slog.LevelInfo, "request", attrs...)
	}
	s.accessLog(rc, &rec)
	s.countRequestMetrics(rc, &rec) // metrics_s3.go
	if fn := s.cfg.Observer; fn != nil {
		fn(rec)
	}
}

// redactHeaders copies h with signatures and credentials removed.
func redactHeaders(h http.Header) http.Header {
	out := h.Clone()
	for k, vs := range out {
		for i, v := range vs {
			vs[i] = redactHeader(k, v)
		}
	}
	return out
}

// redactHeader returns the value of header name as logs may show it:
// signatures, session tokens, customer keys and cookies removed.
func redactHeader(name, value string) string {
	switch strings.ToLower(name) {
	case "authorization":
		return redactAuthorization(value)
	case "x-amz-security-token", "x-oss-security-token", "x-amz-server-side-encryption-customer-key",
		"x-amz-copy-source-server-side-encryption-customer-key",
		"x-oss-server-side-encryption-customer-key", "cookie":
		return "REDACTED"
	}
	return value
}

// redactAuthorization keeps the scheme and credential of an Authorization
// header and drops the signature.
func redactAuthorization(v string) string {
	if i := strings.Index(v, "Signature="); i >= 0 {
		return v[:i] + "Signature=REDACTED"
	}
	if i := strings.Index(v, "Signature:"); i >= 0 { // OSS2
		return v[:i] + "Signature:REDACTED"
	}
	if scheme, rest, ok := strings.Cut(v, " "); ok {
		if ak, _, ok := strings.Cut(rest, ":"); ok { // AWS / OSS v1: "ak:signature"
			return scheme + " " + ak + ":REDACTED"
		}
		return scheme + " REDACTED"
	}
	return "REDACTED"
}

// redactQuery drops signature values from a raw query.
func redactQuery(q string) string {
	parts := strings.Split(q, "&")
	for i, p := range parts {
		name, _, _ := strings.Cut(p, "=")
		if n, err := url.QueryUnescape(name); err == nil && secretParam(n) || secretParam(name) {
			parts[i] = name + "=REDACTED"
		}
	}
	return strings.Join(parts, "&")
}

// secretParam reports whether a query parameter carries a signature or a
// session token, which logs never show.
func secretParam(name string) bool {
	switch strings.ToLower(name) {
	case "x-amz-signature", "signature", "x-oss-signature", "x-amz-security-token", "security-token", "x-oss-security-token", "ssig":
		return true
	}
	return false
}

// domainBucket finds the bucket a virtual host names under the configured
// domains. The most specific domain names it, and a domain's own host is
// an endpoint (endpoint true), never a bucket under a shorter domain: with
// -domain oss-cn-hangzhou.localhost, b.oss-cn-hangzhou.localhost is bucket
// b and oss-cn-hangzhou.localhost the service, not the buckets
// "b.oss-cn-hangzhou" and "oss-cn-hangzhou" under localhost.
func (s *server) domainBucket(host string) (bucket string, vhost, endpoint bool) {
	longest := 0
	for _, d := range s.cfg.Domains {
		if host == d {
			return "", false, true
		}
		if b, ok := strings.CutSuffix(host, "."+d); ok && b != "" && len(d) > longest {
			bucket, vhost, longest = b, true, len(d)
		}
	}
	return bucket, vhost, false
}

// plusAsSpace reads each raw '+' of r's path as a space, as S3 reads a
// request path (a plus sign is sent %2B; libs3 2.0 and browsers send a
// space as '+'). The path as received stays in r.RequestURI, which SigV2
// signs and SigV4 also tries; SigV4's first candidate is then the path S3
// decodes, /b/a%20b.
func plusAsSpace(r *http.Request) error {
	raw := r.URL.EscapedPath()
	if !strings.Contains(raw, "+") {
		return nil
	}
	p, err := url.PathUnescape(strings.ReplaceAll(raw, "+", "%20"))
	if err != nil {
		return errorf("InvalidURI", "")
	}
	r.URL.Path, r.URL.RawPath = p, ""
	return nil
}

// namesNewObject holds the operations whose key names an object they
// create, the ones a dialect's naming rules for new objects apply to
// (behaviour.noLeadingSlashNames); reads and deletes of an existing name
// are left alone.
var namesNewObject = map[string]bool{
	"PutObject": true, "AppendObject": true, "CopyObject": true,
	"CreateMultipartUpload": true, "PutSymlink": true,
}

// errPathNotUTF8 is address's error for a decoded path that is not UTF-8;
// serve answers it as the dialect does (behaviour.nonUTF8PathArgument).
var errPathNotUTF8 = errors.New("httpapi: request path is not UTF-8")

// address splits a request into bucket and key (operations.md A.1).
func (s *server) address(r *http.Request) (bucket, key string, vhost bool, err error) {
	host := hostOf(r)
	bucket, vhost, endpoint := s.domainBucket(host)
	if !vhost && !endpoint {
		bucket, vhost = aliyunBucket(host)
	}
	if !vhost && !endpoint {
		bucket, vhost = s.cnameBucket(r.Context(), host) // a custom domain (cname_oss.go)
	}
	p := r.URL.Path
	if !utf8.ValidString(p) {
		return "", "", false, errPathNotUTF8
	}
	p = strings.TrimPrefix(p, "/")
	if vhost {
		return bucket, p, true, nil
	}
	bucket, key, _ = strings.Cut(p, "/")
	return bucket, key, false, nil
}

// responseWriter records the status and body bytes of a response.
type responseWriter struct {
	http.ResponseWriter
	// req is the request being answered (documents may depend on it).
	req         *http.Request
	status      int
	bytes       int64
	wroteHeader bool
	// pace and qos, when set, report how long the request was held back
	// (traffic.go, qos_oss.go), whatever the answer.
	pace *pacer
	qos  *qosUse
	// hide are headers the bucket's rules keep out of the answer
	// (responseheader_oss.go).
	hide []string
	// werr is the first error writing the answer: the client went away.
	werr error
	// timeHeader, when set, is the dialect's serverTimeHeader: the
	// milliseconds on clock since started are written in it as the
	// answer starts.
	timeHeader string
	clock      engine.Clock
	// respell is the dialect's respell (nil for none).
	respell func(http.Header)
	started time.Time
}

func (w *responseWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.stampTime()
		w.dropHidden()
		w.spell()
		w.status, w.wroteHeader = code, true
		reportDelay(w.Header(), w.pace, w.qos)
	}
	w.ResponseWriter.WriteHeader(code)
}

// timeFrom has the answer report its server time in header (none when
// ""), counted from the first dialect that asked for it.
func (w *responseWriter) timeFrom(header string) {
	w.timeHeader = header
	if header != "" && w.started.IsZero() {
		w.started = w.clock.Now()
	}
}

// stampTime writes the server time header, if the dialect has one, before
// the answer starts (and before dropHidden, so that a bucket's rules may
// hide it).
func (w *responseWriter) stampTime() {
	if w.timeHeader == "" {
		return
	}
	w.Header()[w.timeHeader] = []string{strconv.FormatInt(max(w.clock.Now().Sub(w.started).Milliseconds(), 0), 10)}
}

// reachesWire reports whether w writes an HTTP/1 connection net/http
// serves (its writer can be hijacked), looking through writers that
// unwrap to another. Only there are header names respelled: a reader in
// the same process (httptest.ResponseRecorder, a middleware calling
// Header().Get("ETag") after the handler) looks names up in Go's
// canonical form and would miss "ETag", while a client on the wire reads
// the bytes. (HTTP/2 writes every name in lower case anyway.)
func reachesWire(w http.ResponseWriter) bool {
	for range 16 { // a writer that unwraps to itself ends the walk
		if _, ok := w.(http.Hijacker); ok {
			return true
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return false
		}
		w = u.Unwrap()
	}
	return false
}

// canonicalRequestHeader gives r, when a name of its header is not in Go's
// canonical form, a header with every name canonical (values of names
// that differ only in case joined in the order of the names' bytes). The
// handler reads headers by canonical name, as net/http's servers write
// them, while the signature schemes read every name: a request built in
// the same process with r.Header["x-amz-server-side-encryption"] set
// directly would have that header signed and then ignored. The caller's
// map is left as it was.
func canonicalRequestHeader(r *http.Request) {
	var odd []string
	for k := range r.Header {
		if textproto.CanonicalMIMEHeaderKey(k) != k {
			odd = append(odd, k)
		}
	}
	if odd == nil {
		return
	}
	slices.Sort(odd)
	h := make(http.Header, len(r.Header))
	for k, v := range r.Header {
		if textproto.CanonicalMIMEHeaderKey(k) == k {
			h[k] = v
		}
	}
	for _, k := range odd {
		c := textproto.CanonicalMIMEHeaderKey(k)
		h[c] = append(slices.Clip(h[c]), r.Header[k]...)
	}
	r.Header = h
}

// canonicalNames is the respell of an answer read in the same process
// (see reachesWire): every header name in Go's canonical form, so that
// Header().Get finds the user metadata, which the dialects write in the
// services' lower case.
func canonicalNames(h http.Header) {
	for k, v := range h {
		if c := textproto.CanonicalMIMEHeaderKey(k); c != k {
			delete(h, k)
			h[c] = append(h[c], v...)
		}
	}
}

// spell applies the dialect's respell before the answer starts.
func (w *responseWriter) spell() {
	if w.respell != nil {
		w.respell(w.Header())
	}
}

// dropHidden removes the hidden headers before the answer starts.
func (w *responseWriter) dropHidden() {
	for _, h := range w.hide {
		w.Header().Del(h)
	}
}

func (w *responseWriter) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		w.stampTime()
		w.dropHidden()
		w.spell()
	}
	w.wroteHeader = true
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	if err != nil && w.werr == nil {
		w.werr = err
	}
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush implements http.Flusher.
func (w *responseWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// isNotFound reports engine "does not exist" errors.
func isNotFound(err error) bool {
	return errors.Is(err, engine.ErrNoSuchKey) || errors.Is(err, engine.ErrNoSuchBucket)
}
