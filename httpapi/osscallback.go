package httpapi

import (
	"bytes"
	"context"
	"crypto"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/osslite/osslite/engine"
)

// OSS upload callbacks (spec oss object.md 7.12): after PutObject,
// CompleteMultipartUpload or PostObject has stored its object, the server
// POSTs a body built from the callback parameter to the application's
// callbackUrl, signs it with its own RSA key (the public key is served at
// CallbackKeyPath) and relays the application's JSON answer to the
// client. A callback that fails leaves the object stored and answers 203
// CallbackFailed.

// CallbackKeyPath is the path (on the server's own host, path-style) where
// the public key that signs upload callbacks is served as PEM; callback
// requests name its URL, base64-encoded, in x-oss-pub-key-url.
const CallbackKeyPath = "/_osslite/callback-pubkey.pem"

// Callback limits.
const (
	// maxCallbackParam is the largest callback or callback-var value
	// (a form's callback field, and its x: fields together).
	maxCallbackParam = 5 << 10
	// maxCallbackBody is the largest callback body a template renders
	// to: its variables may repeat, so the body is bounded as it is
	// rendered, not by its parts.
	maxCallbackBody = 256 << 10
	// maxCallbackURLs is the most URLs a callbackUrl may list.
	maxCallbackURLs = 5
	// maxCallbackAnswer is the largest answer relayed from the application.
	maxCallbackAnswer = 3 << 20
	// DefaultCallbackTimeout is the default of Config.CallbackTimeout.
	DefaultCallbackTimeout = 5 * time.Second
)

// uploadCallback is a parsed callback parameter and its variables.
type uploadCallback struct {
	urls     []*url.URL
	refused  []bool // urls[i]'s host is not allowed: never contacted, a failed callback
	host     string
	sni      bool
	body     string
	bodyType string
	vars     map[string]string // "x:name" -> value
}

// callbackState is the server's callback signing key and transport,
// made on first use.
type callbackState struct {
	once   sync.Once
	key    *rsa.PrivateKey
	pubPEM []byte
	err    error
	client *http.Client
}

// callbackKey returns the signing key and the PEM of its public half.
func (s *server) callbackKey() (*rsa.PrivateKey, []byte, error) {
	c := &s.callbacks
	c.once.Do(func() {
		c.key = s.cfg.CallbackKey
		if c.key == nil {
			c.key, c.err = rsa.GenerateKey(rand.Reader, 2048)
			if c.err != nil {
				return
			}
		}
		der, err := x509.MarshalPKIXPublicKey(&c.key.PublicKey)
		if err != nil {
			c.err = err
			return
		}
		c.pubPEM = pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
		rt := s.cfg.CallbackTransport
		if rt == nil {
			rt = s.callbackDialer()
		}
		c.client = &http.Client{Transport: rt, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	})
	return c.key, c.pubPEM, c.err
}

// callbackDialer is the default callback transport: it dials loopback
// addresses only unless Config.CallbackHosts names others.
func (s *server) callbackDialer() http.RoundTripper {
	d := outboundDialer(s.cfg.CallbackTimeout, len(s.cfg.CallbackHosts) == 0, s.cfg.DenyLoopbackOutbound, namedLinkLocal(s.cfg.CallbackHosts), func(address string) error {
		return fmt.Errorf("httpapi: callback to %s refused by the server's outbound rules (Config.CallbackHosts, DenyLoopbackOutbound)", address)
	})
	return &http.Transport{DialContext: d.DialContext, ForceAttemptHTTP2: false, MaxIdleConns: 4, IdleConnTimeout: 30 * time.Second}
}

// servePublicKey answers GET CallbackKeyPath; it reports whether the
// request was that one.
func (s *server) servePublicKey(rc *request, bucket, key string, vhost bool) (bool, error) {
	if vhost || "/"+bucket+"/"+key != CallbackKeyPath || (rc.r.Method != http.MethodGet && rc.r.Method != http.MethodHead) {
		return false, nil
	}
	rc.op.Operation = "GetCallbackPublicKey"
	_, pub, err := s.callbackKey()
	if err != nil {
		return true, err
	}
	h := rc.w.Header()
	h.Set("Content-Type", "application/x-pem-file")
	h.Set("Content-Length", strconv.Itoa(len(pub)))
	rc.w.WriteHeader(http.StatusOK)
	if rc.r.Method == http.MethodGet {
		_, _ = rc.w.Write(pub)
	}
	return true, nil
}

// callbackHeaders holds each dialect's canonical x-?-callback and
// x-?-callback-var header names (made once: PutObject is a hot path).
var callbackHeaders = map[string][2]string{}

func init() {
	for _, d := range dialects {
		callbackHeaders[d.name] = [2]string{http.CanonicalHeaderKey(d.h("callback")), http.CanonicalHeaderKey(d.h("callback-var"))}
	}
}

// errCallback is an InvalidArgument about the callback parameters.
func errCallback(format string, args ...any) *Error {
	return errorf("InvalidArgument", format, args...).with("ArgumentName", "callback")
}

// requestCallback reads the callback parameters of PutObject and
// CompleteMultipartUpload (header, or query for presigned URLs); nil
// when there are none or the dialect has no callbacks.
func (s *server) requestCallback(rc *request) (*uploadCallback, error) {
	if !rc.d.behave.uploadCallbacks {
		return nil, nil
	}
	names := callbackHeaders[rc.d.name]
	hcb, hvar := rc.r.Header.Get(names[0]), rc.r.Header.Get(names[1])
	qcb, qvar := rc.q.Get("callback"), rc.q.Get("callback-var")
	if (hcb != "" || hvar != "") && (qcb != "" || qvar != "") {
		return nil, errCallback("The callback parameters must be sent either in the URL or in headers, not both.")
	}
	cb, vars := hcb, hvar
	if qcb != "" || qvar != "" {
		cb, vars = qcb, qvar
	}
	if cb == "" {
		return nil, nil
	}
	if len(cb) > maxCallbackParam || len(vars) > maxCallbackParam {
		return nil, errCallback("The callback and callback-var parameters must not be longer than %d bytes.", maxCallbackParam)
	}
	c, err := s.parseCallback(cb)
	if err != nil || c == nil {
		return c, err
	}
	if vars != "" {
		raw, err := base64.StdEncoding.DecodeString(vars)
		var m map[string]any
		if err != nil || json.Unmarshal(raw, &m) != nil {
			return nil, errorf("InvalidArgument", "The callback-var parameter is not base64-encoded JSON.").with("ArgumentName", "callback-var")
		}
		for k, v := range m {
			sv, ok := v.(string)
			if !ok || !strings.HasPrefix(k, "x:") || strings.ToLower(k) != k {
				return nil, errorf("InvalidArgument", "callback-var keys must start with x: and be lower case, values strings: %q.", k).with("ArgumentName", "callback-var")
			}
			c.vars[k] = sv
		}
	}
	return c, nil
}

// formCallback reads the callback field of a PostObject form; its
// variables are the form's fields named x:<name>.
func (s *server) formCallback(rc *request, f *postForm) (*uploadCallback, error) {
	cb := f.get("callback")
	if !rc.d.behave.uploadCallbacks || cb == "" {
		return nil, nil
	}
	if len(cb) > maxCallbackParam {
		return nil, errCallback("The callback field must not be longer than %d bytes.", maxCallbackParam)
	}
	c, err := s.parseCallback(cb)
	if err != nil || c == nil {
		return c, err
	}
	size := 0
	for _, n := range f.names {
		if l := strings.ToLower(n); strings.HasPrefix(l, "x:") {
			if _, seen := c.vars[l]; !seen {
				c.vars[l] = f.values[l]
				size += len(l) + len(f.values[l])
			}
		}
	}
	if size > maxCallbackParam {
		return nil, errCallback("The x: fields of the form must not be longer than %d bytes together.", maxCallbackParam)
	}
	return c, nil
}

// parseCallback decodes a base64 callback parameter and checks it; nil
// when it names no callbackUrl.
func (s *server) parseCallback(b64 string) (*uploadCallback, error) {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, errCallback("The callback parameter is not base64-encoded.")
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, errCallback("The callback configuration is not json format.")
	}
	str := func(name string) (string, error) {
		v, ok := doc[name]
		if !ok {
			return "", nil
		}
		switch x := v.(type) {
		case string:
			return x, nil
		case bool:
			return strconv.FormatBool(x), nil
		}
		return "", errCallback("The callback field %s must be a string.", name)
	}
	c := &uploadCallback{vars: map[string]string{}}
	var rawURL, sni string
	for _, f := range []struct {
		name string
		dst  *string
	}{{"callbackUrl", &rawURL}, {"callbackHost", &c.host}, {"callbackBody", &c.body}, {"callbackBodyType", &c.bodyType}, {"callbackSNI", &sni}} {
		if *f.dst, err = str(f.name); err != nil {
			return nil, err
		}
	}
	if rawURL == "" {
		return nil, nil
	}
	c.sni = sni == "true"
	if c.body == "" {
		return nil, errCallback("The callbackBody field is required.")
	}
	switch c.bodyType {
	case "":
		c.bodyType = "application/x-www-form-urlencoded"
	case "application/x-www-form-urlencoded", "application/json":
	default:
		return nil, errCallback("The callbackBodyType %q is not supported: use application/x-www-form-urlencoded or application/json.", c.bodyType)
	}
	if err := checkTemplate(c.body); err != nil {
		return nil, err
	}
	list := strings.Split(rawURL, ";")
	if len(list) > maxCallbackURLs {
		return nil, errCallback("The callbackUrl lists more than %d URLs.", maxCallbackURLs)
	}
	for _, raw := range list {
		raw = strings.TrimSpace(raw)
		if !strings.Contains(raw, "://") {
			raw = "http://" + raw
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
			return nil, errCallback("The callbackUrl %q is invalid.", raw)
		}
		if p := u.Port(); p != "" {
			if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
				return nil, errCallback("The callbackUrl %q has an invalid port.", raw)
			}
		}
		// A host the server may not call is a callback that fails, as an
		// unreachable one does at OSS: the object is stored and the
		// client gets 203 CallbackFailed (the SDKs' suites expect it); no
		// request, not even a name lookup, leaves for that host.
		c.urls = append(c.urls, u)
		c.refused = append(c.refused, !s.callbackHostAllowed(u.Hostname()))
	}
	return c, nil
}

// callbackHostAllowed reports whether callbacks may go to host: a
// loopback address or name (unless Config.DenyLoopbackOutbound), or one
// Config.CallbackHosts lists ("*": any but a link-local address, which
// only an entry of that address allows).
func (s *server) callbackHostAllowed(host string) bool {
	if ok, decided := s.outboundHost(host); decided {
		return ok
	}
	if linkLocalRefused(host, namedLinkLocal(s.cfg.CallbackHosts)) {
		return false
	}
	return slices.ContainsFunc(s.cfg.CallbackHosts, func(h string) bool { return h == "*" || strings.EqualFold(h, host) })
}

// checkTemplate checks that every ${ in a callback body is closed.
func checkTemplate(body string) error {
	for rest := body; ; {
		i := strings.Index(rest, "${")
		if i < 0 {
			return nil
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return errCallback("A variable in callbackBody is not of the form ${var}.")
		}
		rest = rest[i+j+1:]
	}
}

// render fills the callback body template: form bodies get URL-encoded
// values; JSON bodies get JSON-escaped text inside quotes, and a JSON
// value (string or number) where the variable stands alone.
func (c *uploadCallback) render(vals map[string]string, numeric map[string]bool) (string, error) {
	var b strings.Builder
	rest := c.body
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			b.WriteString(rest)
		}
		if b.Len() > maxCallbackBody {
			return "", fmt.Errorf("the callback body is longer than %d bytes", maxCallbackBody)
		}
		if i < 0 {
			return b.String(), nil
		}
		j := strings.IndexByte(rest[i:], '}')
		b.WriteString(rest[:i])
		name := rest[i+2 : i+j]
		v, ok := vals[name]
		if !ok {
			v = c.vars[name]
		}
		switch {
		case c.bodyType != "application/json":
			b.WriteString(url.QueryEscape(v))
		case i > 0 && rest[i-1] == '"':
			q, _ := json.Marshal(v)
			b.Write(q[1 : len(q)-1])
		case numeric[name]:
			b.WriteString(v)
		default:
			q, _ := json.Marshal(v)
			b.Write(q)
		}
		rest = rest[i+j+1:]
	}
}

// answerCallback runs the callback of a stored object and answers the
// client: the application's JSON with 200, or 203 CallbackFailed.
func (s *server) answerCallback(rc *request, c *uploadCallback, info engine.ObjectInfo) error {
	key, pub, err := s.callbackKey()
	if err != nil {
		return err
	}
	_ = pub
	etag := strings.ToUpper(info.ETag)
	vals := map[string]string{
		"bucket": rc.op.Bucket, "object": rc.op.Key, "etag": etag, "size": strconv.FormatInt(info.Size, 10),
		"mimeType": info.ContentType, "imageInfo.height": "", "imageInfo.width": "", "imageInfo.format": "",
		"crc64": strconv.FormatUint(info.CRC64, 10), "contentMd5": contentMD5Of(info), "operation": rc.op.Operation,
		"reqId": rc.w.Header().Get(rc.d.requestIDHeader), "clientIp": clientIP(rc.r),
	}
	body, cerr := c.render(vals, map[string]bool{"size": true})
	var answer []byte
	if cerr == nil {
		keyURL := base64.StdEncoding.EncodeToString([]byte(s.publicKeyURL(rc)))
		answer, cerr = s.sendCallback(rc.ctx, c, key, keyURL, body)
	}
	var ce *callbackConnectError
	if errors.As(cerr, &ce) {
		if l := s.cfg.Logger; l != nil {
			l.Warn("httpapi: callback not delivered", "operation", rc.op.Operation, "bucket", rc.op.Bucket,
				"request_id", rc.w.Header().Get(rc.d.requestIDHeader), "url", ce.url, "err", ce.err)
		}
	}
	if cerr != nil {
		return errorf("CallbackFailed", "%s", cerr.Error())
	}
	h := rc.w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(answer)))
	rc.w.WriteHeader(http.StatusOK)
	_, _ = rc.w.Write(answer)
	return nil
}

// clientIP is the address a request came from, without the port.
func clientIP(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}

// publicKeyURL is the URL of CallbackKeyPath on the host rc was sent to.
func (s *server) publicKeyURL(rc *request) string {
	scheme := "http"
	if rc.r.TLS != nil {
		scheme = "https"
	}
	host := rc.r.Host
	if rc.vhost {
		host = strings.TrimPrefix(host, rc.op.Bucket+".")
	}
	return scheme + "://" + host + CallbackKeyPath
}

// callbackStringToSign is what an upload callback's Authorization header
// signs (RSA, MD5): the URL-decoded path, the query with its "?" (if any),
// a newline and the body.
func callbackStringToSign(u *url.URL, body string) string {
	path, err := url.PathUnescape(u.EscapedPath())
	if err != nil {
		path = u.EscapedPath()
	}
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	return path + "\n" + body
}

// sendCallback posts body to each URL of c in turn until one answers
// 200 with a JSON body, which it returns.
func (s *server) sendCallback(ctx context.Context, c *uploadCallback, key *rsa.PrivateKey, keyURL, body string) ([]byte, error) {
	var last error
	for i, u := range c.urls {
		if c.refused[i] {
			last = fmt.Errorf("the callbackUrl host %q is not allowed: this server calls back %s", u.Hostname(), s.outboundRule("Config.CallbackHosts (-callback-host)"))
			continue
		}
		sum := md5.Sum([]byte(callbackStringToSign(u, body)))
		sig, err := rsa.SignPKCS1v15(nil, key, crypto.MD5, sum[:])
		if err != nil {
			return nil, err
		}
		answer, err := s.postCallback(ctx, c, u, body, base64.StdEncoding.EncodeToString(sig), keyURL)
		if err == nil {
			return answer, nil
		}
		last = err
	}
	return nil, last
}

// callbackConnectError is a callback that reached no answer. The uploader
// is told only that, in OSS's words ("Error status : -1.OSS can not
// connect to your callbackUrl, please check it."); the transport's own
// error, which would tell a refused port from a silent one on a callback
// host, goes to the server's log.
type callbackConnectError struct {
	url string
	err error
}

func (e *callbackConnectError) Error() string {
	return "Error status : -1.OSS can not connect to your callbackUrl, please check it."
}

func (e *callbackConnectError) Unwrap() error { return e.err }

// postCallback sends one callback request.
func (s *server) postCallback(ctx context.Context, c *uploadCallback, u *url.URL, body, sig, keyURL string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.CallbackTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	if c.host != "" {
		req.Host = c.host
	}
	req.Header.Set("Content-Type", c.bodyType)
	req.Header.Set("Authorization", sig)
	req.Header.Set("x-oss-pub-key-url", keyURL)
	req.Header.Set("User-Agent", "osslite-callback")
	req.Close = true
	client := s.callbacks.client
	if tr, ok := client.Transport.(*http.Transport); ok && c.sni && c.host != "" && u.Scheme == "https" {
		// callbackSNI: the TLS server name is callbackHost, not the URL's.
		sni := tr.Clone()
		sni.TLSClientConfig = &tls.Config{ServerName: c.host}
		defer sni.CloseIdleConnections()
		client = &http.Client{Transport: sni, CheckRedirect: client.CheckRedirect}
	}
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("Post callback timeout after %v.", s.cfg.CallbackTimeout)
		}
		return nil, &callbackConnectError{url: u.Redacted(), err: unwrapURLError(err)}
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxCallbackAnswer+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("Error reading the callback answer: %w.", err)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("Error status : %d.", resp.StatusCode)
	case len(answer) > maxCallbackAnswer:
		return nil, fmt.Errorf("Response body is larger than %d bytes.", maxCallbackAnswer)
	case !json.Valid(bytes.TrimSpace(answer)):
		return nil, errors.New("Response body is not valid json format.")
	}
	return answer, nil
}

// unwrapURLError drops the *url.Error wrapping (which repeats the URL).
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
