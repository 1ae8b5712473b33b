package httpapi

import (
	"cmp"
	"encoding/xml"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// CORS (S3 spec F.5 and G.2, OSS cors.md): the configuration documents
// (a row of configRows), preflight OPTIONS requests on any bucket or
// object URL (unauthenticated, authPreflight), and the Access-Control-*
// headers on actual requests carrying an Origin header, added in one
// place (server.serve calls corsActual) before the handler runs, so
// error answers carry them too. Requests without Origin pay one header
// lookup. A bucket without its own configuration falls back to the
// server-wide default of Config.CORSAllowOrigins (off by default).

// corsLimits is what differs between the dialects' CORS documents.
type corsLimits struct {
	maxRules int
	// responseVary: the document has OSS's ResponseVary.
	responseVary bool
	// exposeNoWildcard: ExposeHeader may not contain "*" (OSS).
	exposeNoWildcard bool
	// keepEmptyOrigin: an empty AllowedOrigin is stored and read back
	// (S3, which matches no Origin with it); OSS's are dropped.
	keepEmptyOrigin bool
	// headerText: AllowedHeader and ExposeHeader need not be header
	// names, only text without a control character (headerText), and
	// AllowedHeader is kept in lower case (OSS:
	// alibabacloud-oss-python-sdk-v2's test_bucket_cors puts
	// "WqFg#jPAj(" and "|K+k~ wJIC" and reads back "wqfg#jpaj(" and
	// "|K+k~ wJIC"). Preflights match them case-insensitively as before.
	headerText bool
	// allowHeadersAsSent: a preflight's Access-Control-Allow-Headers
	// names the requested headers as the request spelled them (OSS, the
	// same test: "WqFg#jPAj(" answered "WqFg#jPAj("); S3 lower-cases them.
	allowHeadersAsSent bool
}

// corsByDialect holds each dialect's limits (S3 allows 100 rules, OSS
// 20 in its current documentation).
var corsByDialect = map[string]corsLimits{
	"s3":   {maxRules: bucketconfig.MaxCORSRules, keepEmptyOrigin: true},
	"oss":  {maxRules: 20, responseVary: true, exposeNoWildcard: true, headerText: true, allowHeadersAsSent: true},
	"sina": {maxRules: bucketconfig.MaxCORSRules},
}

// maxCORSDocument caps a CORS document (S3: 64 KB).
const maxCORSDocument = 64 << 10

// The CORS preflight answers (messages as S3 and OSS write them).
const (
	msgCORSNotEnabled = "CORSResponse: CORS is not enabled for this bucket."
	msgCORSNoBucket   = "CORSResponse: Bucket not found"
	msgCORSNotAllowed = "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec."
	corsVary          = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"
)

// corsRow is the configuration table's CORS row.
var corsRow = &configRow{
	sub: "cors", kind: bucketconfig.KindCORS, root: "CORSConfiguration",
	get: "GetBucketCors", put: "PutBucketCors", del: "DeleteBucketCors", perm: permOwner,
	parse:  parseCORS,
	render: renderCORS,
	missing: func(rc *request) (any, error) {
		return nil, errorf("NoSuchCORSConfiguration", "").with("BucketName", rc.op.Bucket)
	},
	maxDoc: maxCORSDocument,
}

// corsDoc is the CORSConfiguration document of S3 and OSS.
type corsDoc struct {
	XMLName      xml.Name
	Rules        []corsRuleDoc `xml:"CORSRule"`
	ResponseVary *bool         `xml:"ResponseVary,omitempty"`
}

type corsRuleDoc struct {
	ID             string   `xml:"ID,omitempty"`
	AllowedOrigins []string `xml:"AllowedOrigin"`
	AllowedMethods []string `xml:"AllowedMethod"`
	AllowedHeaders []string `xml:"AllowedHeader"`
	ExposeHeaders  []string `xml:"ExposeHeader"`
	MaxAgeSeconds  *int64   `xml:"MaxAgeSeconds,omitempty"`
}

func parseCORS(rc *request, data []byte) (bucketconfig.Config, error) {
	lim := corsByDialect[rc.d.name]
	var doc corsDoc
	if err := xml.Unmarshal(data, &doc); err != nil || doc.XMLName.Local != "CORSConfiguration" {
		return nil, errorf("MalformedXML", "")
	}
	if err := checkElements(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Rules) == 0 {
		return nil, errorf("MalformedXML", "")
	}
	if len(doc.Rules) > lim.maxRules {
		return nil, errorf("MalformedXML", "The number of CORS rules should not exceed allowed limit of %d rules.", lim.maxRules)
	}
	c := &bucketconfig.CORS{Rules: make([]bucketconfig.CORSRule, 0, len(doc.Rules))}
	if lim.responseVary && doc.ResponseVary != nil {
		c.ResponseVary = *doc.ResponseVary
	}
	for _, d := range doc.Rules {
		origins := trimAll(d.AllowedOrigins)
		if lim.keepEmptyOrigin {
			// S3 takes <AllowedOrigin></AllowedOrigin> and reads it back
			// (localstack's AWS-validated test_put_cors_empty_origin).
			origins = trimmed(d.AllowedOrigins)
		}
		r := bucketconfig.CORSRule{ID: strings.TrimSpace(d.ID), MaxAgeSeconds: d.MaxAgeSeconds,
			AllowedOrigins: origins, AllowedMethods: trimAll(d.AllowedMethods),
			AllowedHeaders: trimAll(d.AllowedHeaders), ExposeHeaders: trimAll(d.ExposeHeaders)}
		if len(r.AllowedOrigins) == 0 || len(r.AllowedMethods) == 0 {
			return nil, errorf("MalformedXML", "")
		}
		for _, m := range r.AllowedMethods {
			if !isCORSMethod(m) {
				return nil, errorf("InvalidRequest", "Found unsupported HTTP method in CORS config. Unsupported method is %s", m)
			}
		}
		for _, o := range r.AllowedOrigins {
			if strings.Count(o, "*") > 1 {
				return nil, errorf("InvalidRequest", "AllowedOrigin \"%s\" can not have more than one wildcard.", o)
			}
		}
		for i, h := range r.AllowedHeaders {
			if strings.Count(h, "*") > 1 {
				return nil, errorf("InvalidRequest", "AllowedHeader \"%s\" can not have more than one wildcard.", h)
			}
			if lim.headerText && headerText(h) {
				r.AllowedHeaders[i] = strings.ToLower(h)
				continue
			}
			if lim.headerText || !headerToken(h) {
				return nil, errorf("InvalidRequest", "AllowedHeader \"%s\" contains invalid character.", h)
			}
		}
		for _, h := range r.ExposeHeaders {
			if lim.exposeNoWildcard && strings.Contains(h, "*") {
				return nil, errorf("InvalidArgument", "ExposeHeader \"%s\" can not contain a wildcard.", h)
			}
			if h != "" && !(lim.headerText && headerText(h)) && !headerToken(h) {
				// S3 names an ExposeHeader an AllowedHeader here too.
				return nil, errorf("InvalidRequest", "AllowedHeader \"%s\" contains invalid character.", h)
			}
		}
		c.Rules = append(c.Rules, r)
	}
	if err := c.Validate(); err != nil {
		return nil, errorf("InvalidRequest", "%s", err.Error())
	}
	return c, nil
}

func renderCORS(rc *request, c bucketconfig.Config) any {
	cfg := c.(*bucketconfig.CORS)
	doc := &corsDoc{Rules: make([]corsRuleDoc, 0, len(cfg.Rules))}
	if corsByDialect[rc.d.name].responseVary {
		v := cfg.ResponseVary
		doc.ResponseVary = &v
	}
	for _, r := range cfg.Rules {
		doc.Rules = append(doc.Rules, corsRuleDoc{ID: r.ID, AllowedOrigins: r.AllowedOrigins, AllowedMethods: r.AllowedMethods,
			AllowedHeaders: r.AllowedHeaders, ExposeHeaders: r.ExposeHeaders, MaxAgeSeconds: r.MaxAgeSeconds})
	}
	return doc
}

func isCORSMethod(m string) bool {
	for _, c := range bucketconfig.CORSMethods {
		if m == c {
			return true
		}
	}
	return false
}

// trimAll drops surrounding white space (the OSS documentation's
// examples carry some) and empty values.
func trimAll(vs []string) []string {
	out := vs[:0]
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// trimmed drops surrounding white space, keeping empty values.
func trimmed(vs []string) []string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		out = append(out, strings.TrimSpace(v))
	}
	return out
}

// defaultCORS is the rule of Config.CORSAllowOrigins: every method, any
// request header, the headers SDKs read exposed.
func defaultCORS(origins []string) *bucketconfig.CORS {
	if len(origins) == 0 {
		return nil
	}
	return &bucketconfig.CORS{Rules: []bucketconfig.CORSRule{{
		ID:             "osslite-default",
		AllowedOrigins: origins,
		AllowedMethods: bucketconfig.CORSMethods,
		AllowedHeaders: []string{"*"},
		ExposeHeaders: []string{"ETag", "Content-Length", "Content-Type", "Last-Modified", "x-amz-request-id", "x-amz-id-2",
			"x-amz-version-id", "x-amz-server-side-encryption", "x-oss-request-id", "x-oss-hash-crc64ecma", "x-oss-version-id"},
	}}}
}

// corsOf returns the CORS configuration that governs bucket: its own,
// else the server default (nil when there is none). A bucket that does
// not exist has only the default.
func (s *server) corsOf(rc *request, bucket string) *bucketconfig.CORS {
	if bucket == "" {
		return s.corsDefault
	}
	c, err := s.eng.BucketConfigValue(rc.ctx, bucket, bucketconfig.KindCORS)
	if err != nil {
		if !errors.Is(err, engine.ErrNoSuchConfig) && !errors.Is(err, engine.ErrNoSuchBucket) && rc.ctx.Err() == nil {
			s.logError(rc, err)
		}
		return s.corsDefault
	}
	return c.(*bucketconfig.CORS)
}

// corsActual adds the Access-Control-* headers an actual (not preflight)
// request with an Origin header earns: those of the first rule matching
// its origin and method. No match adds nothing (the browser then
// refuses the answer); OSS's ResponseVary adds Vary: Origin regardless.
func (s *server) corsActual(rc *request, origin string) {
	c := s.corsOf(rc, rc.op.Bucket)
	if c == nil {
		return
	}
	h := rc.w.Header()
	// A request that carries a preflight's headers is matched as that
	// preflight would be, by the method and headers they name, and
	// answered with its headers: S3 does (minio-go's suite checks it;
	// localstack's AWS-validated test_cors_match_headers: a GET naming
	// a header no rule allows in Access-Control-Request-Headers, without
	// Access-Control-Request-Method, gets no CORS headers; OSS's answer
	// to that is not known).
	method, requested, ok := rc.r.Method, []string(nil), true
	if v := headerValue(rc.r.Header, "Access-Control-Request-Method"); v != "" || rc.d == s3 {
		method = cmp.Or(v, method)
		requested, ok = requestedHeaders(rc.r)
	}
	var m bucketconfig.CORSMatch
	if ok {
		m, ok = c.Match(origin, method, requested)
	}
	if !ok {
		if c.ResponseVary {
			h.Set("Vary", "Origin")
		}
		return
	}
	writeCORSHeaders(h, m, origin, strings.ToLower(strings.Join(requested, ", ")))
}

// maxRequestedHeaders bounds the Access-Control-Request-Headers a CORS
// rule is checked against, bytes: S3's whole request header section
// (8 KiB), which browsers' preflights are far from. A longer list (OSS
// takes headers of up to a MiB here) is not allowed by any rule: checking
// a quarter of a million names against a 64 KB document's patterns took
// seconds of CPU for one anonymous request.
const maxRequestedHeaders = 8 << 10

// requestedHeaders lists the names in r's Access-Control-Request-Headers;
// ok is false when they are longer than maxRequestedHeaders.
func requestedHeaders(r *http.Request) (requested []string, ok bool) {
	n := 0
	for _, v := range r.Header.Values("Access-Control-Request-Headers") {
		if n += len(v); n > maxRequestedHeaders {
			return nil, false
		}
	}
	for _, v := range r.Header.Values("Access-Control-Request-Headers") {
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				requested = append(requested, name)
			}
		}
	}
	return requested, true
}

// writeCORSHeaders writes the answer of matching rule m to origin;
// allowHeaders is the preflight's allowed request headers ("" for
// actual requests).
func writeCORSHeaders(h http.Header, m bucketconfig.CORSMatch, origin, allowHeaders string) {
	r := m.Rule
	if m.AnyOrigin {
		h.Set("Access-Control-Allow-Origin", "*")
	} else {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	h.Set("Access-Control-Allow-Methods", strings.Join(r.AllowedMethods, ", "))
	if allowHeaders != "" {
		h.Set("Access-Control-Allow-Headers", allowHeaders)
	}
	if len(r.ExposeHeaders) > 0 {
		h.Set("Access-Control-Expose-Headers", strings.Join(r.ExposeHeaders, ", "))
	}
	if r.MaxAgeSeconds != nil {
		h.Set("Access-Control-Max-Age", strconv.FormatInt(*r.MaxAgeSeconds, 10))
	}
	h.Set("Vary", corsVary)
}

// preflight answers OPTIONS (S3 G.2, OSS OptionObject): 200 with the
// matching rule's headers, 403 AccessForbidden when CORS is off or no
// rule allows the request, 400 without Origin or request method.
func (s *server) preflight(rc *request) error {
	r := rc.r
	origin := headerValue(r.Header, "Origin")
	method := headerValue(r.Header, "Access-Control-Request-Method")
	if origin == "" {
		return errorf("BadRequest", "Insufficient information. Origin request header needed.")
	}
	if method == "" && rc.d != s3 {
		return errorf("BadRequest", "Invalid Access-Control-Request-Method: null")
	}
	if rc.d == s3 {
		// S3 checks the request's own shape first: a method it serves,
		// spelled as HTTP spells it, and header names.
		if method != "" && !isCORSMethod(method) {
			return errorf("BadRequest", "Invalid Access-Control-Request-Method: %s", method)
		}
		for _, h := range r.Header.Values("Access-Control-Request-Headers") {
			for part := range strings.SplitSeq(h, ",") {
				if name := strings.TrimSpace(part); name != "" && !headerToken(name) {
					return errorf("BadRequest", "Access-Control-Request-Headers \"%s\" contains invalid character.", part)
				}
			}
		}
	}
	resource := "OBJECT"
	if rc.op.Key == "" {
		resource = "BUCKET"
	}
	c := s.corsOf(rc, rc.op.Bucket)
	if c == nil && rc.d == s3 {
		// S3 answers a missing bucket, or one without CORS, before it
		// looks for the method, and names the bucket as the resource
		// (localstack's AWS-validated test_s3_cors snapshots).
		msg, m := msgCORSNotEnabled, cmp.Or(method, http.MethodOptions)
		if _, err := s.eng.Bucket(rc.ctx, rc.op.Bucket); rc.op.Bucket != "" && errors.Is(err, engine.ErrNoSuchBucket) {
			msg = msgCORSNoBucket
		}
		return errorf("AccessForbidden", msg).with("Method", m).with("ResourceType", "BUCKET")
	}
	if c == nil {
		return errorf("AccessForbidden", msgCORSNotEnabled).with("Method", method).with("ResourceType", resource)
	}
	if method == "" {
		return errorf("BadRequest", "Invalid Access-Control-Request-Method: null")
	}
	requested, ok := requestedHeaders(r)
	var m bucketconfig.CORSMatch
	if ok {
		m, ok = c.Match(origin, method, requested)
	}
	if !ok {
		if c.ResponseVary {
			rc.w.Header().Set("Vary", "Origin")
		}
		return errorf("AccessForbidden", msgCORSNotAllowed).with("Method", method).with("ResourceType", resource)
	}
	// The allowed headers are the requested ones in lower case, as S3
	// answers them (header names are case-insensitive to browsers), or as
	// sent, as OSS answers them.
	allow := strings.Join(requested, ", ")
	if !corsByDialect[rc.d.name].allowHeadersAsSent {
		allow = strings.ToLower(allow)
	}
	writeCORSHeaders(rc.w.Header(), m, origin, allow)
	return writeEmpty(rc, http.StatusOK)
}

func init() {
	for _, t := range []target{targetObject, targetBucket, targetService} {
		routes = append(routes, route{method: http.MethodOptions, target: t, op: "OptionsObject", perm: permAnyone,
			handle: (*server).preflight, auth: authPreflight})
	}
}

// headerToken reports whether h is a header name (an RFC 9110 token,
// which includes the wildcard '*').
func headerToken(h string) bool {
	if h == "" {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0 {
			continue
		}
		return false
	}
	return true
}
