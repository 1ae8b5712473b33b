package httpapi

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/osslite/osslite/pkg/sigv4"
)

// OSS mirror-back (back-to-origin; spec oss service-bucket.md 6.4): a GET
// of a missing object that a RoutingRule with RedirectType Mirror matches
// (on the bucket's REST endpoint, signed or anonymous, and on website
// endpoints) fetches MirrorURL + key from the origin, streams the
// origin's 200 answer to the client and stores it under the requested
// key in the same pass, so the next GET is served locally.
//
// The server fetches only from loopback addresses and "localhost" (the
// policy of upload callbacks: with no Config.MirrorOrigins every
// connection is checked to be to a loopback address) and from the
// origins Config.MirrorOrigins lists; a rule naming any other origin is
// answered 501 NotImplemented, as before mirroring was implemented. With
// Config.DenyLoopbackOutbound, loopback addresses are refused instead,
// by name and at each connection.
// Every origin a rule names (MirrorURLSlave, MirrorMultiAlternates,
// MirrorURLProbe) and every redirect hop is checked the same way.
//
// A failing origin (mirrorFailed) hands the fetch to the next one;
// MirrorAuth signs every request with S3V4; MirrorProxyPass,
// MirrorAllowHeadObject (HEAD) and TransparentMirrorResponseCodes answer
// from the origin without storing; MirrorSaveOssMeta, MirrorTaggings and
// MirrorUserLastModified add the origin's user metadata, the rule's tags
// and the origin's Last-Modified to what is stored.

// DefaultMirrorTimeout is the default of Config.MirrorTimeout (OSS's).
const DefaultMirrorTimeout = 10 * time.Second

// maxMirrorRedirects is the most redirects a mirror fetch follows (OSS: 10).
const maxMirrorRedirects = 10

// mirrorHopHeader marks the server's own fetches: a request carrying it
// is not mirrored again, so a rule whose origin is this server (or
// another osslite) costs one hop, not a chain of them.
const mirrorHopHeader = "X-Osslite-Mirror"

// errMirrorRefused is a mirror fetch to an origin the configuration does
// not allow.
var errMirrorRefused = errors.New("httpapi: mirror origin not allowed")

// mirrorState is the mirror transport and the parsed allowed origins,
// made on first use.
type mirrorState struct {
	once   sync.Once
	client *http.Client
	allow  []*url.URL
	any    bool
	// linkLocal are the link-local addresses allow names, the only ones
	// a fetch may reach ("*" does not allow them).
	linkLocal []net.IP
}

// mirrors returns the server's mirror state.
func (s *server) mirrors() *mirrorState {
	m := &s.mirror
	m.once.Do(func() {
		for _, o := range s.cfg.MirrorOrigins {
			if o == "*" {
				m.any = true
				continue
			}
			if u, err := url.Parse(o); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
				if u.Path == "" {
					u.Path = "/"
				}
				m.allow = append(m.allow, u)
				m.linkLocal = append(m.linkLocal, namedLinkLocal([]string{u.Hostname()})...)
			}
		}
		rt := s.cfg.MirrorTransport
		if rt == nil {
			d := outboundDialer(s.cfg.MirrorTimeout, len(s.cfg.MirrorOrigins) == 0, s.cfg.DenyLoopbackOutbound, m.linkLocal, func(address string) error {
				return fmt.Errorf("%w: a connection to %s", errMirrorRefused, address)
			})
			// No idle connections: a fetch is a first miss, and nothing
			// of the transport outlives it (the handler has no Close).
			rt = &http.Transport{DialContext: d.DialContext, TLSHandshakeTimeout: s.cfg.MirrorTimeout, ResponseHeaderTimeout: s.cfg.MirrorTimeout,
				DisableCompression: true, DisableKeepAlives: true}
		}
		// Redirects are followed by hand, each hop checked.
		m.client = &http.Client{Transport: rt, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	})
	return m
}

// mirrorAllowed reports whether a mirror fetch may go to u: a loopback
// address or "localhost" (unless Config.DenyLoopbackOutbound), or under
// one of Config.MirrorOrigins (same scheme, host and port; the path
// starts with the origin's path; "*": any but a link-local address,
// which only an origin of that address allows).
func (s *server) mirrorAllowed(u *url.URL) bool {
	if (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil {
		return false
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if seg == "." || seg == ".." {
			return false // would climb out of an allowed path
		}
	}
	if ok, decided := s.outboundHost(u.Hostname()); decided {
		return ok
	}
	m := s.mirrors()
	if m.any && !linkLocalRefused(u.Hostname(), m.linkLocal) {
		return true
	}
	for _, a := range m.allow {
		if strings.EqualFold(a.Scheme, u.Scheme) && hostPort(a) == hostPort(u) && strings.HasPrefix(u.Path, a.Path) {
			return true
		}
	}
	return false
}

// hostPort is u's lower-case host and port, the scheme's default port
// when u names none.
func hostPort(u *url.URL) string {
	p := u.Port()
	if p == "" {
		p = "80"
		if u.Scheme == "https" {
			p = "443"
		}
	}
	return net.JoinHostPort(strings.ToLower(u.Hostname()), p)
}

// mirrorURL is the origin URL of key under rule m: MirrorURL (a "/"
// added when missing) + key, plus the request's query when passQuery
// (less the request's own signature parameters).
func mirrorURL(m *bucketconfig.Mirror, key string, passQuery bool, query url.Values) (*url.URL, error) {
	raw := m.URL
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("httpapi: MirrorURL %q is not a URL", m.URL)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	if m.PassOriginalSlashes == nil || !*m.PassOriginalSlashes {
		// OSS merges the key's runs of slashes unless
		// MirrorPassOriginalSlashes keeps them.
		key = strings.TrimLeft(key, "/")
		for strings.Contains(key, "//") {
			key = strings.ReplaceAll(key, "//", "/")
		}
	}
	u.Path, u.RawPath = u.Path+key, ""
	if passQuery && len(query) > 0 {
		q := url.Values{}
		for k, v := range query {
			lk := strings.ToLower(k)
			if lk == "ossaccesskeyid" || lk == "signature" || lk == "expires" || lk == "security-token" || strings.HasPrefix(lk, "x-oss-") {
				continue
			}
			q[k] = v
		}
		if enc := q.Encode(); enc != "" {
			if u.RawQuery != "" {
				u.RawQuery += "&"
			}
			u.RawQuery += enc
		}
	}
	return u, nil
}

// mirrorReserved are request headers never passed to an origin by
// PassAll or Pass: hop-by-hop headers, the request's own credentials,
// body and conditions (the fetch is a plain whole-object GET), and
// Accept-Encoding (the object is stored as the origin sends it).
var mirrorReserved = map[string]bool{
	"Host": true, "Authorization": true, "Proxy-Authorization": true, "Date": true, "Content-Length": true, "Content-Md5": true,
	"Content-Type": true, "Connection": true, "Keep-Alive": true, "Proxy-Connection": true, "Te": true, "Trailer": true,
	"Transfer-Encoding": true, "Upgrade": true, "Expect": true, "Range": true, "If-Match": true, "If-None-Match": true,
	"If-Modified-Since": true, "If-Unmodified-Since": true, "If-Range": true, "Accept-Encoding": true,
}

// mirrorPassable reports whether PassAll or Pass may pass header k
// (canonical form): not reserved, not oss-, x-oss- or x-drs- (OSS).
func mirrorPassable(k string) bool {
	lk := strings.ToLower(k)
	return !mirrorReserved[k] && !strings.HasPrefix(lk, "oss-") && !strings.HasPrefix(lk, "x-oss-") && !strings.HasPrefix(lk, "x-drs-")
}

// mirrorHeaders are the headers a fetch under m sends: with PassAll the
// request's passable headers, those Pass names, less those Remove
// names, then those Set sets.
func mirrorHeaders(m *bucketconfig.Mirror, in http.Header) http.Header {
	out := http.Header{}
	if m.PassAll {
		for k, v := range in {
			if mirrorPassable(k) {
				out[k] = v
			}
		}
	}
	for _, k := range m.Pass {
		ck := http.CanonicalHeaderKey(k)
		if v, ok := in[ck]; ok && mirrorPassable(ck) {
			out[ck] = v
		}
	}
	for _, k := range m.Remove {
		out.Del(k)
	}
	for _, kv := range m.Set {
		if ck := http.CanonicalHeaderKey(kv.Key); ck != "Host" && ck != "Content-Length" && ck != "Transfer-Encoding" && ck != "Connection" {
			out.Set(ck, kv.Equals)
		}
	}
	return out
}

// mirrorRule serves a GET (or, with MirrorAllowHeadObject, a HEAD)
// whose key (stored as key, fetched as originKey after the rule's key
// replacement) is missing and that the Mirror rule matches. fail answers
// an error the way the caller answers errors (website pages or the
// dialect's documents).
func (s *server) mirrorRule(rc *request, rule *bucketconfig.RoutingRule, key, originKey string, fail func(*Error) error) error {
	m := rule.Redirect.Mirror
	noSuchKey := func(why string, args ...any) error {
		return fail(errorf("NoSuchKey", "The specified key does not exist; "+why, args...).with("Key", key))
	}
	head := rc.r.Method == http.MethodHead
	if !(rc.r.Method == http.MethodGet || head && deref(m.AllowHeadObject)) || rc.r.Header.Get(mirrorHopHeader) != "" {
		// OSS mirrors on GetObject (and HeadObject when the rule allows
		// it); a fetch of a mirror is not mirrored.
		return noSuchKey("mirror back-to-origin answers GET requests only (HEAD with MirrorAllowHeadObject), and not the fetches of a mirror.")
	}
	proxy := deref(m.ProxyPass)
	if proxy && rc.q.Get("partNumber") != "" {
		return fail(errorf("NotImplemented", "A partNumber read of a MirrorProxyPass rule is not implemented: the origin's object has no parts."))
	}
	pass := m.PassQueryString || rule.Redirect.PassQueryString
	origins, probe, err := s.mirrorTargets(m, originKey, pass, rc.r.URL.Query())
	if err != nil {
		return fail(errorf("NotImplemented", "Mirror back-to-origin from %s is not allowed by this server: it fetches %s.", err.Error(),
			s.outboundRule("the origins given with -mirror-origin (httpapi Config.MirrorOrigins, WithMirrorOrigins)")))
	}
	headers := mirrorHeaders(m, rc.r.Header)
	if rng := headerValue(rc.r.Header, "Range"); proxy && rng != "" {
		headers.Set("Range", rng) // nothing is stored: the origin answers the range
	}
	method := http.MethodGet
	if head {
		method = http.MethodHead
	}
	// The fetch and store outlive a client that goes away (the next GET
	// finds the object), bounded by the idle timer and the object size.
	ctx, cancel := context.WithCancel(context.WithoutCancel(rc.ctx))
	defer cancel()
	ans, err := s.mirrorFetchAny(ctx, m, origins, probe, method, headers)
	if err != nil {
		s.logMirror(rc, origins[len(origins)-1], err)
		return noSuchKey("the mirror origin could not be fetched.")
	}
	defer ans.close()
	resp, target := ans.resp, ans.url
	if resp.StatusCode >= 300 && resp.StatusCode < 400 && resp.Header.Get("Location") != "" {
		// MirrorFollowRedirect false: the origin's redirect is the answer.
		loc, err := target.Parse(resp.Header.Get("Location"))
		if err != nil {
			return noSuchKey("the mirror origin redirected to an invalid Location.")
		}
		return websiteRedirectTo(rc, loc.String(), resp.StatusCode)
	}
	if !head && resp.ContentLength > engine.MaxObjectSize {
		return noSuchKey("the mirror origin's object is larger than %d bytes.", int64(engine.MaxObjectSize))
	}
	if m.TransparentCodes != "" {
		if codes, _ := transparentCodes(m.TransparentCodes); codes[resp.StatusCode] {
			// TransparentMirrorResponseCodes: the origin's answer is the
			// client's, nothing is stored.
			return s.mirrorPassThrough(rc, m, resp, ans.body(s.cfg.MirrorTimeout), !head)
		}
	}
	ok := resp.StatusCode == http.StatusOK || proxy && resp.StatusCode == http.StatusPartialContent && headers.Get("Range") != ""
	if !ok {
		s.logMirror(rc, target, fmt.Errorf("httpapi: mirror origin answered %d", resp.StatusCode))
		return noSuchKey("the mirror origin answered %d.", resp.StatusCode)
	}
	if head || proxy {
		// MirrorAllowHeadObject, MirrorProxyPass: answered, not stored.
		return s.mirrorPassThrough(rc, m, resp, ans.body(s.cfg.MirrorTimeout), !head)
	}
	opts, err := s.mirrorOptions(rc, m, resp.Header)
	if err != nil {
		return err
	}
	if storedHeaderSize(&opts.Metadata) > maxStoredHeaders {
		return noSuchKey("the mirror origin's content headers exceed %d bytes.", maxStoredHeaders)
	}
	if n := userMetaSize(opts.User); n > rc.d.maxUserMetadata {
		return noSuchKey("the mirror origin's user metadata (%d bytes) exceeds %d bytes.", n, rc.d.maxUserMetadata)
	}
	direct := headerValue(rc.r.Header, "Range") == "" && rc.q.Get("partNumber") == ""
	h := rc.w.Header()
	mirrorReturnHeaders(h, m, resp.Header)
	var client *holdbackWriter
	body := ans.body(s.cfg.MirrorTimeout)
	if direct {
		h.Set("Content-Type", cmpOrString(opts.ContentType, engine.DefaultContentType))
		for k, v := range map[string]string{"Cache-Control": opts.CacheControl, "Content-Disposition": opts.ContentDisposition,
			"Content-Encoding": opts.ContentEncoding, "Content-Language": opts.ContentLanguage, "Expires": opts.Expires} {
			if v != "" {
				h.Set(k, v)
			}
		}
		for k, v := range opts.User {
			h.Set(rc.d.h("meta-")+k, v)
		}
		if resp.ContentLength >= 0 {
			h.Set("Content-Length", strconv.FormatInt(resp.ContentLength, 10))
		}
		rc.w.WriteHeader(http.StatusOK)
		client = &holdbackWriter{w: s.bodyWriter(rc)}
		body = io.TeeReader(body, client)
	}
	// The stored object's ObjectCreated:Put is queued in the write's
	// batch; a write refused because another request stored the key
	// meanwhile (ErrPreconditionFailed) commits nothing and makes none.
	put := ctx
	if f := s.eventFacts(rc, "ObjectCreated:Put"); f != nil {
		put = engine.WithEvent(ctx, f)
	}
	info, err := s.eng.PutObject(put, rc.op.Bucket, key, body, resp.ContentLength, opts)
	stored := err == nil
	if errors.Is(err, engine.ErrPreconditionFailed) {
		err = nil // another request stored the key meanwhile: the bytes sent are still the origin's
	}
	if err != nil {
		s.logMirror(rc, target, err)
		if !direct {
			return noSuchKey("the mirror origin's object could not be stored.")
		}
		// The status line is gone; the held-back last byte never goes,
		// so the client sees a short body, not a complete wrong one.
		panic(http.ErrAbortHandler)
	}
	if stored {
		if err := s.scheduleExpiry(rc, info); err != nil {
			s.logError(rc, err)
		}
	}
	if !direct {
		rc.op.Key = key
		return s.readObject(rc, true)
	}
	if err := client.flush(); err != nil {
		s.logClientGone(rc, err)
		panic(http.ErrAbortHandler)
	}
	return nil
}

// mirrorTargets are the origin URLs of originKey under m, in the order
// they are tried (MirrorURL, MirrorURLSlave, the MirrorMultiAlternates
// by number), and the probe URL (nil without one). An origin the server
// may not fetch from fails the whole rule, naming it.
func (s *server) mirrorTargets(m *bucketconfig.Mirror, originKey string, pass bool, query url.Values) (origins []*url.URL, probe *url.URL, err error) {
	bases := []string{m.URL}
	if m.URLSlave != "" {
		bases = append(bases, m.URLSlave)
	}
	for _, a := range m.Alternates {
		bases = append(bases, a.URL)
	}
	refused := func(base string, u *url.URL, err error) error {
		if err == nil {
			return errors.New(u.Scheme + "://" + u.Host)
		}
		return errors.New(base)
	}
	for _, base := range bases {
		alt := *m
		alt.URL = base
		u, err := mirrorURL(&alt, originKey, pass, query)
		if err != nil || !s.mirrorAllowed(u) {
			return nil, nil, refused(base, u, err)
		}
		origins = append(origins, u)
	}
	if m.URLProbe != "" && len(origins) > 1 {
		raw := m.URLProbe
		if !strings.Contains(raw, "://") {
			raw = "http://" + raw
		}
		probe, err = url.Parse(raw)
		if err != nil || probe.Host == "" || !s.mirrorAllowed(probe) {
			return nil, nil, refused(m.URLProbe, probe, err)
		}
	}
	return origins, probe, nil
}

// mirrorFailed reports whether an origin's status is a failure that
// moves on to the next origin (MirrorSwitchAllErrors).
func mirrorFailed(m *bucketconfig.Mirror, status int) bool {
	if deref(m.SwitchAllErrors) {
		switch status {
		case 200, 206, 301, 302, 303, 307, 404:
			return false
		}
		return true
	}
	return status >= 500
}

// mirrorAnswer is an origin's answer being read; close releases it.
type mirrorAnswer struct {
	resp   *http.Response
	url    *url.URL // the origin it came from (before redirects)
	idle   *time.Timer
	cancel context.CancelFunc
}

// body is the answer's body, cut off when the origin stalls longer
// than d.
func (a *mirrorAnswer) body(d time.Duration) io.Reader {
	return &idleReader{r: a.resp.Body, t: a.idle, d: d}
}

func (a *mirrorAnswer) close() {
	a.resp.Body.Close()
	a.idle.Stop()
	a.cancel()
}

// mirrorFetchAny asks origins in turn (skipping the first when probe
// fails) until one answers with other than a failure (mirrorFailed), or
// the last one answers; the caller must close the answer.
func (s *server) mirrorFetchAny(ctx context.Context, m *bucketconfig.Mirror, origins []*url.URL, probe *url.URL, method string, headers http.Header) (*mirrorAnswer, error) {
	first := 0
	if probe != nil {
		a, err := s.mirrorFetch(ctx, m, probe, http.MethodGet, headers)
		if err != nil || mirrorFailed(m, a.resp.StatusCode) {
			first = 1 // the primary is down: straight to the secondary
		}
		if err == nil {
			a.close()
		}
	}
	var lastErr error
	for i := first; i < len(origins); i++ {
		a, err := s.mirrorFetch(ctx, m, origins[i], method, headers)
		if err == nil && (i == len(origins)-1 || !mirrorFailed(m, a.resp.StatusCode)) {
			return a, nil
		}
		if err == nil {
			err = fmt.Errorf("httpapi: mirror origin %s answered %d", origins[i].Redacted(), a.resp.StatusCode)
			a.close()
		}
		lastErr = err
		if ctx.Err() != nil {
			break
		}
	}
	return nil, lastErr
}

// mirrorFetch asks u (method GET or HEAD) with headers, following up to
// maxMirrorRedirects redirects unless m says not to (each hop must be
// allowed too), signing each request when m has MirrorAuth. The answer
// is cut off when the origin stalls longer than Config.MirrorTimeout;
// the caller must close it.
func (s *server) mirrorFetch(ctx context.Context, m *bucketconfig.Mirror, u *url.URL, method string, headers http.Header) (*mirrorAnswer, error) {
	client := s.mirrors().client
	follow := m.FollowRedirect == nil || *m.FollowRedirect
	ctx, cancel := context.WithCancel(ctx)
	idle := time.AfterFunc(s.cfg.MirrorTimeout, cancel)
	fail := func(err error) (*mirrorAnswer, error) {
		idle.Stop()
		cancel()
		return nil, err
	}
	origin := u
	for hop := 0; ; hop++ {
		req, err := http.NewRequestWithContext(ctx, method, u.String(), nil)
		if err != nil {
			return fail(err)
		}
		req.Header = headers.Clone()
		if req.Header.Get("User-Agent") == "" {
			req.Header.Set("User-Agent", "osslite-mirror")
		}
		req.Header.Set(mirrorHopHeader, "1")
		if a := m.Auth; a != nil {
			if a.AccessKeySecret == "" {
				return fail(errors.New("httpapi: MirrorAuth has no AccessKeySecret (GetBucketWebsite does not read it back: put it again)"))
			}
			creds := sigv4.Credentials{AccessKeyID: a.AccessKeyID, SecretAccessKey: a.AccessKeySecret}
			if _, err := sigv4.SignRequest(req, creds, a.Region, "s3", s.clock.Now(), sigv4.UnsignedPayload); err != nil {
				return fail(err)
			}
		}
		idle.Reset(s.cfg.MirrorTimeout)
		resp, err := client.Do(req)
		if err != nil {
			return fail(err)
		}
		loc := resp.Header.Get("Location")
		if !follow || resp.StatusCode < 300 || resp.StatusCode > 399 || resp.StatusCode == http.StatusNotModified || loc == "" {
			idle.Stop()
			return &mirrorAnswer{resp: resp, url: origin, idle: idle, cancel: cancel}, nil
		}
		resp.Body.Close()
		if hop == maxMirrorRedirects {
			return fail(fmt.Errorf("httpapi: mirror origin redirected more than %d times", maxMirrorRedirects))
		}
		next, err := u.Parse(loc)
		if err != nil {
			return fail(fmt.Errorf("httpapi: mirror origin redirected to %q: %w", loc, err))
		}
		if !s.mirrorAllowed(next) {
			return fail(fmt.Errorf("%w: redirect to %s", errMirrorRefused, next.Redacted()))
		}
		u = next
	}
}

// mirrorPassThrough answers the origin's answer as it is (status,
// content headers, MirrorReturnHeaders, and with body its body), storing
// nothing.
func (s *server) mirrorPassThrough(rc *request, m *bucketconfig.Mirror, resp *http.Response, body io.Reader, withBody bool) error {
	h := rc.w.Header()
	for _, k := range []string{"Content-Type", "Cache-Control", "Content-Disposition", "Content-Encoding", "Content-Language",
		"Expires", "Content-Range", "Accept-Ranges", "ETag", "Last-Modified"} {
		if v := resp.Header.Get(k); v != "" && headerText(v) {
			h.Set(k, v)
		}
	}
	mirrorReturnHeaders(h, m, resp.Header)
	if resp.ContentLength >= 0 {
		h.Set("Content-Length", strconv.FormatInt(resp.ContentLength, 10))
	}
	rc.w.WriteHeader(resp.StatusCode)
	if !withBody {
		return nil
	}
	// Not stored, but bounded as a stored object is (a body of unknown
	// length that goes past the bound is cut short).
	body = &boundedReader{r: body, n: engine.MaxObjectSize}
	if _, err := io.Copy(s.bodyWriter(rc), body); err != nil {
		s.logClientGone(rc, err)
		panic(http.ErrAbortHandler)
	}
	return nil
}

// mirrorReturnHeaders sets m's MirrorReturnHeaders on a mirrored
// answer's headers h: a rule with a value sets it, one without passes
// the origin's header of that name.
func mirrorReturnHeaders(h http.Header, m *bucketconfig.Mirror, origin http.Header) {
	for _, rh := range m.ReturnHeaders {
		k := http.CanonicalHeaderKey(rh.Key)
		if mirrorReservedReturn[k] {
			continue
		}
		switch v := origin.Get(k); {
		case rh.Equals != "":
			h.Set(k, rh.Equals)
		case v != "" && headerText(v):
			h.Set(k, v)
		}
	}
}

// mirrorOptions are the write options of a mirrored object under m:
// the origin's content headers (the ones OSS keeps), with
// MirrorSaveOssMeta its user metadata (x-oss-meta-*, x-amz-meta-*),
// MirrorTaggings' tags, with MirrorUserLastModified the origin's
// Last-Modified, the bucket's owner, storage class and default
// encryption, and with MirrorCheckMd5 the origin's Content-MD5 to verify.
func (s *server) mirrorOptions(rc *request, m *bucketconfig.Mirror, origin http.Header) (engine.PutOptions, error) {
	checkMD5 := m.CheckMD5
	b, err := s.bucketOf(rc)
	if err != nil {
		return engine.PutOptions{}, err
	}
	sc, err := s.defaultClass(rc, "")
	if err != nil {
		return engine.PutOptions{}, err
	}
	enc, err := s.defaultEncryptionOf(rc, rc.op.Bucket)
	if err != nil {
		return engine.PutOptions{}, err
	}
	opts := engine.PutOptions{
		Metadata: engine.Metadata{ContentType: origin.Get("Content-Type"), ContentEncoding: origin.Get("Content-Encoding"),
			ContentDisposition: origin.Get("Content-Disposition"), ContentLanguage: origin.Get("Content-Language"),
			CacheControl: origin.Get("Cache-Control"), Expires: origin.Get("Expires")},
		StorageClass: sc, Owner: b.Owner, Dialect: rc.d.mark, Encryption: enc, DefaultChecksum: rc.d.defaultChecksum,
		// A key stored while the origin was fetched is not overwritten.
		IfNoneMatch: "*",
	}
	if deref(m.SaveOSSMeta) {
		for name, vs := range origin {
			ln := strings.ToLower(name)
			for _, p := range []string{"x-oss-meta-", "x-amz-meta-"} {
				if k, ok := strings.CutPrefix(ln, p); ok && k != "" && headerToken(k) && headerText(strings.Join(vs, ",")) {
					if opts.User == nil {
						opts.User = map[string]string{}
					}
					opts.User[k] = strings.Join(vs, ",")
				}
			}
		}
	}
	for _, t := range m.Taggings {
		opts.Tags = append(opts.Tags, engine.Tag{Key: t.Key, Value: t.Equals})
	}
	if deref(m.UserLastModified) {
		if t, err := http.ParseTime(origin.Get("Last-Modified")); err == nil {
			opts.LastModified = t // the engine keeps it when it is in the past
		}
	}
	if v := origin.Get("Content-MD5"); checkMD5 && v != "" {
		sum, err := base64.StdEncoding.DecodeString(v)
		if err != nil || len(sum) != 16 {
			sum = make([]byte, 16) // malformed: matches no body, so nothing is stored
		}
		opts.ContentMD5 = sum
	}
	return opts, nil
}

func (s *server) logMirror(rc *request, u *url.URL, err error) {
	if l := s.cfg.Logger; l != nil {
		l.Warn("httpapi: mirror back-to-origin failed", "bucket", rc.op.Bucket, "key", shortKey(rc.op.Key), "origin", u.Redacted(), "err", err)
	}
}

// mirrorOnMiss serves a signed OSS GetObject (or HeadObject, when the
// rule has MirrorAllowHeadObject) of a missing key that a Mirror rule of
// the bucket's website configuration matches; handled is false when none
// does.
func (s *server) mirrorOnMiss(rc *request) (handled bool, err error) {
	if !websiteByDialect[rc.d.name].ossFields || rc.q.Has("versionId") {
		return false, nil
	}
	c, cerr := s.eng.BucketConfigValue(rc.ctx, rc.op.Bucket, bucketconfig.KindWebsite)
	if cerr != nil {
		return false, nil
	}
	wr := &websiteReq{rc: rc, cfg: c.(*bucketconfig.Website), key: rc.op.Key}
	rule := wr.match(http.StatusNotFound)
	if rule == nil || rule.Redirect.Type != bucketconfig.RedirectMirror ||
		rc.r.Method == http.MethodHead && !deref(rule.Redirect.Mirror.AllowHeadObject) {
		return false, nil
	}
	key := rc.op.Key
	originKey, err := ruleKey(rule, key, rc.maxKey(s), true) // OSS only
	if err != nil {
		return true, err
	}
	return true, s.mirrorRule(rc, rule, key, originKey, func(e *Error) error { return e })
}

// ruleKey is key after rule's key replacement, if it has one. With
// keyVariable (OSS) each "${key}" of ReplaceKeyWith stands for the key,
// so the key may make the result at most maxKey bytes (the dialect's
// longest key) or the template's length, whichever is more, else
// KeyTooLongError: 20,000 of them (a 128 KB document) times a key of 300
// escaped bytes built a 6 MB key and an 18 MB Location, 130 MB for one
// anonymous GET. Without it (S3, Sina) ReplaceKeyWith is the key.
func ruleKey(rule *bucketconfig.RoutingRule, key string, maxKey int, keyVariable bool) (string, error) {
	rd := &rule.Redirect
	switch {
	case rd.ReplaceKeyWith != nil && !keyVariable:
		return *rd.ReplaceKeyWith, nil
	case rd.ReplaceKeyWith != nil:
		tmpl := *rd.ReplaceKeyWith
		n := strings.Count(tmpl, "${key}")
		if size := len(tmpl) + n*(len(key)-len("${key}")); n > 0 && size > max(len(tmpl), maxKey) {
			return "", errorf("KeyTooLongError", "The key the routing rule's ReplaceKeyWith makes is too long.").
				with("Size", strconv.Itoa(size)).with("MaxSizeAllowed", strconv.Itoa(max(len(tmpl), maxKey)))
		}
		return strings.ReplaceAll(tmpl, "${key}", key), nil
	case rd.ReplaceKeyPrefixWith != nil:
		return *rd.ReplaceKeyPrefixWith + strings.TrimPrefix(key, rule.Condition.KeyPrefixEquals), nil
	}
	return key, nil
}

// boundedReader reads r, failing once more than n bytes came.
type boundedReader struct {
	r io.Reader
	n int64
}

func (b *boundedReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if b.n -= int64(n); b.n < 0 {
		return n, fmt.Errorf("httpapi: mirror origin's body is larger than %d bytes", int64(engine.MaxObjectSize))
	}
	return n, err
}

// idleReader reads r, cancelling (through t) a read that waits longer
// than d for the origin.
type idleReader struct {
	r io.Reader
	t *time.Timer
	d time.Duration
}

func (i *idleReader) Read(p []byte) (int, error) {
	i.t.Reset(i.d)
	n, err := i.r.Read(p)
	i.t.Stop()
	return n, err
}

// holdbackWriter writes a mirrored body to the client one byte behind,
// so that the client sees a complete body only once it is stored (flush
// sends the last byte). A client that fails does not stop the store:
// writes after the first error are dropped.
type holdbackWriter struct {
	w    io.Writer
	last byte
	has  bool
	err  error
}

func (h *holdbackWriter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if h.has {
		h.send([]byte{h.last})
	}
	h.send(p[:len(p)-1])
	h.last, h.has = p[len(p)-1], true
	return len(p), nil
}

func (h *holdbackWriter) send(p []byte) {
	if h.err == nil && len(p) > 0 {
		_, h.err = h.w.Write(p)
	}
}

// flush sends the held-back byte and finishes the body; it returns the
// first error writing to the client.
func (h *holdbackWriter) flush() error {
	if h.has {
		h.send([]byte{h.last})
		h.has = false
	}
	if f, ok := h.w.(interface{ finish() error }); ok && h.err == nil {
		h.err = f.finish()
	}
	return h.err
}
