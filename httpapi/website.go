package httpapi

import (
	"encoding/xml"
	"errors"
	"html"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// Static websites (S3 spec F.6, OSS 6.4/6.5): the configuration
// documents (a row of configRows) and serving.
//
// S3 serves websites on their own endpoint, here:
//
//   - virtual hosts <bucket>.<domain> for each Config.WebsiteDomains
//     domain (e.g. -website-domain s3-website.localhost gives
//     http://photos.s3-website.localhost:9000/), and
//   - the path form /_website/<bucket>/<key> on any host ("_website" is
//     no valid bucket name), for loopback setups without DNS.
//
// There, as on S3 website endpoints, only anonymous GET and HEAD are
// served (other methods: 405), subject to the same authorization as
// anonymous REST requests; errors are HTML pages, or the bucket's error
// document with the error's status.
//
// OSS serves a website on the bucket's own endpoint: an anonymous GET of
// the bucket root answers the index document, an anonymous GET of a key
// ending in "/" its sub-directory index (SupportSubDir), and a missing
// object the error document (with HttpStatus, default 404); signed
// requests are unaffected.
//
// Routing rules redirect (External, AliCDN: a 3xx with Location) or
// rewrite (OSS Internal: the other key is served). OSS mirror-back
// rules (RedirectType Mirror) fetch a missing object from its origin
// and store it (mirror.go).

// websitePathPrefix starts the path form of website requests.
const websitePathPrefix = "/_website/"

// websiteLimits is what differs between the dialects' website documents.
type websiteLimits struct {
	maxRules int
	// requireIndex: without RedirectAllRequestsTo an IndexDocument is
	// required (S3; OSS accepts an ErrorDocument alone).
	requireIndex bool
	// ossFields: the document has OSS's elements (RuleNumber,
	// SupportSubDir, HttpStatus, RedirectType, ...).
	ossFields bool
	// onREST: anonymous GETs on the bucket's REST endpoint are served as
	// the website (OSS).
	onREST bool
	// rulesRequired: a RoutingRules element lists at least one rule, or
	// the document is MalformedXML (S3's schema).
	rulesRequired bool
	// hostInLocation: a routing rule naming neither host nor protocol
	// redirects to an absolute URL on the request's host (S3); else to
	// a path.
	hostInLocation bool
	// keyVariable: "${key}" in ReplaceKeyWith stands for the requested
	// key (OSS documents it); S3's ReplaceKeyWith is "the specific object
	// key to use", taken as written. The configuration is the bucket's,
	// whichever dialect put it: the request's dialect decides, as it does
	// for hostInLocation.
	keyVariable bool
}

var websiteByDialect = map[string]websiteLimits{
	"s3":   {maxRules: bucketconfig.MaxRoutingRules, requireIndex: true, rulesRequired: true, hostInLocation: true},
	"oss":  {maxRules: 20, ossFields: true, onREST: true, keyVariable: true},
	"sina": {maxRules: bucketconfig.MaxRoutingRules, requireIndex: true},
}

// maxWebsiteDocument caps a website document (S3: 128 KB).
const maxWebsiteDocument = 128 << 10

// websiteRow is the configuration table's website row.
var websiteRow = &configRow{
	sub: "website", kind: bucketconfig.KindWebsite, root: "WebsiteConfiguration",
	get: "GetBucketWebsite", put: "PutBucketWebsite", del: "DeleteBucketWebsite", perm: permOwner,
	parse:  parseWebsite,
	render: renderWebsite,
	missing: func(rc *request) (any, error) {
		return nil, errorf("NoSuchWebsiteConfiguration", "").with("BucketName", rc.op.Bucket)
	},
	maxDoc: maxWebsiteDocument,
}

// websiteDoc is the WebsiteConfiguration document of S3 and OSS.
type websiteDoc struct {
	XMLName       xml.Name
	RedirectAll   *redirectAllDoc  `xml:"RedirectAllRequestsTo,omitempty"`
	IndexDocument *indexDocXML     `xml:"IndexDocument,omitempty"`
	ErrorDocument *errorDocXML     `xml:"ErrorDocument,omitempty"`
	RoutingRules  *routingRulesXML `xml:"RoutingRules,omitempty"`
}

type redirectAllDoc struct {
	HostName string `xml:"HostName"`
	Protocol string `xml:"Protocol,omitempty"`
}

type indexDocXML struct {
	Suffix        string `xml:"Suffix"`
	SupportSubDir *bool  `xml:"SupportSubDir,omitempty"`
	Type          *int   `xml:"Type,omitempty"`
}

type errorDocXML struct {
	Key        string `xml:"Key"`
	HTTPStatus *int   `xml:"HttpStatus,omitempty"`
}

type routingRulesXML struct {
	Rules []routingRuleXML `xml:"RoutingRule"`
}

// rules returns the rules listed (none without the element).
func (x *routingRulesXML) rules() []routingRuleXML {
	if x == nil {
		return nil
	}
	return x.Rules
}

type routingRuleXML struct {
	RuleNumber *int          `xml:"RuleNumber,omitempty"`
	Condition  *conditionXML `xml:"Condition,omitempty"`
	Redirect   *redirectXML  `xml:"Redirect"`
}

type conditionXML struct {
	KeyPrefixEquals             *string           `xml:"KeyPrefixEquals,omitempty"`
	KeySuffixEquals             *string           `xml:"KeySuffixEquals,omitempty"`
	HTTPErrorCodeReturnedEquals *int              `xml:"HttpErrorCodeReturnedEquals,omitempty"`
	IncludeHeaders              []headerEqualsXML `xml:"IncludeHeader"`
}

type headerEqualsXML struct {
	Key    string `xml:"Key"`
	Equals string `xml:"Equals"`
}

type redirectXML struct {
	RedirectType          *string           `xml:"RedirectType,omitempty"`
	PassQueryString       *bool             `xml:"PassQueryString,omitempty"`
	MirrorURL             *string           `xml:"MirrorURL,omitempty"`
	MirrorPassQueryString *bool             `xml:"MirrorPassQueryString,omitempty"`
	MirrorFollowRedirect  *bool             `xml:"MirrorFollowRedirect,omitempty"`
	MirrorCheckMd5        *bool             `xml:"MirrorCheckMd5,omitempty"`
	MirrorHeaders         *mirrorHeadersXML `xml:"MirrorHeaders,omitempty"`
	mirrorMoreXML
	Protocol             *string `xml:"Protocol,omitempty"`
	HostName             *string `xml:"HostName,omitempty"`
	ReplaceKeyPrefixWith *string `xml:"ReplaceKeyPrefixWith,omitempty"`
	ReplaceKeyWith       *string `xml:"ReplaceKeyWith,omitempty"`
	EnableReplacePrefix  *bool   `xml:"EnableReplacePrefix,omitempty"`
	HTTPRedirectCode     *int    `xml:"HttpRedirectCode,omitempty"`
}

// mirrorMoreXML are the mirroring elements beyond MirrorURL,
// MirrorPassQueryString, MirrorFollowRedirect, MirrorCheckMd5 and
// MirrorHeaders (mirror.go carries them out; the booleans of
// mirrorCloudOptions are taken only as false).
type mirrorMoreXML struct {
	MirrorURLSlave                 *string                 `xml:"MirrorURLSlave,omitempty"`
	MirrorURLProbe                 *string                 `xml:"MirrorURLProbe,omitempty"`
	MirrorSwitchAllErrors          *bool                   `xml:"MirrorSwitchAllErrors,omitempty"`
	MirrorMultiAlternates          *mirrorAlternatesXML    `xml:"MirrorMultiAlternates,omitempty"`
	MirrorPassOriginalSlashes      *bool                   `xml:"MirrorPassOriginalSlashes,omitempty"`
	MirrorSNI                      *bool                   `xml:"MirrorSNI,omitempty"`
	MirrorAuth                     *mirrorAuthXML          `xml:"MirrorAuth,omitempty"`
	MirrorSaveOssMeta              *bool                   `xml:"MirrorSaveOssMeta,omitempty"`
	MirrorProxyPass                *bool                   `xml:"MirrorProxyPass,omitempty"`
	MirrorAllowHeadObject          *bool                   `xml:"MirrorAllowHeadObject,omitempty"`
	MirrorReturnHeaders            *mirrorReturnHeadersXML `xml:"MirrorReturnHeaders,omitempty"`
	MirrorTaggings                 *mirrorTaggingsXML      `xml:"MirrorTaggings,omitempty"`
	TransparentMirrorResponseCodes *string                 `xml:"TransparentMirrorResponseCodes,omitempty"`
	MirrorIsExpressTunnel          *bool                   `xml:"MirrorIsExpressTunnel,omitempty"`
	MirrorUsingRole                *bool                   `xml:"MirrorUsingRole,omitempty"`
	MirrorAllowGetImageInfo        *bool                   `xml:"MirrorAllowGetImageInfo,omitempty"`
	MirrorAllowVideoSnapshot       *bool                   `xml:"MirrorAllowVideoSnapshot,omitempty"`
	MirrorUserLastModified         *bool                   `xml:"MirrorUserLastModified,omitempty"`
}

type mirrorAlternatesXML struct {
	Alternates []mirrorAlternateXML `xml:"MirrorMultiAlternate"`
}

type mirrorAlternateXML struct {
	Number *int    `xml:"MirrorMultiAlternateNumber,omitempty"`
	URL    *string `xml:"MirrorMultiAlternateURL,omitempty"`
}

type mirrorAuthXML struct {
	AuthType        string  `xml:"AuthType"`
	Region          *string `xml:"Region,omitempty"`
	AccessKeyID     *string `xml:"AccessKeyId,omitempty"`
	AccessKeySecret *string `xml:"AccessKeySecret,omitempty"`
}

type mirrorReturnHeadersXML struct {
	ReturnHeaders []mirrorHeaderSet `xml:"ReturnHeader"`
}

type mirrorTaggingsXML struct {
	Taggings []mirrorHeaderSet `xml:"Taggings"`
}

// mirrorCloudOptions are the mirroring options that need Alibaba
// Cloud's own services: taken when false (they ask for nothing),
// refused with 501 when true.
var mirrorCloudOptions = []struct {
	name  string
	field func(*mirrorMoreXML) **bool
	why   string
}{
	{"MirrorIsExpressTunnel", func(x *mirrorMoreXML) **bool { return &x.MirrorIsExpressTunnel }, "express tunnels are Alibaba Cloud leased lines into a VPC"},
	{"MirrorUsingRole", func(x *mirrorMoreXML) **bool { return &x.MirrorUsingRole }, "RAM roles are Alibaba Cloud's"},
	{"MirrorAllowGetImageInfo", func(x *mirrorMoreXML) **bool { return &x.MirrorAllowGetImageInfo }, "image processing is Alibaba Cloud's IMG service"},
	{"MirrorAllowVideoSnapshot", func(x *mirrorMoreXML) **bool { return &x.MirrorAllowVideoSnapshot }, "video snapshots are Alibaba Cloud's IMM service"},
}

// mirrorReservedReturn are headers MirrorReturnHeaders may not set: the
// framing of the answer and the server's own.
var mirrorReservedReturn = map[string]bool{
	"Content-Length": true, "Transfer-Encoding": true, "Connection": true, "Keep-Alive": true, "Trailer": true,
	"Upgrade": true, "Content-Range": true, "Date": true, "Server": true,
}

type mirrorHeadersXML struct {
	PassAll *bool             `xml:"PassAll,omitempty"`
	Pass    []string          `xml:"Pass"`
	Remove  []string          `xml:"Remove"`
	Set     []mirrorHeaderSet `xml:"Set"`
}

type mirrorHeaderSet struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func ptr[T any](v T) *T { return &v }

func parseWebsite(rc *request, data []byte) (bucketconfig.Config, error) {
	lim := websiteByDialect[rc.d.name]
	var doc websiteDoc
	if err := xml.Unmarshal(data, &doc); err != nil || doc.XMLName.Local != "WebsiteConfiguration" {
		return nil, errorf("MalformedXML", "")
	}
	if err := checkElements(data, &doc); err != nil {
		return nil, err
	}
	w := &bucketconfig.Website{}
	if ra := doc.RedirectAll; ra != nil {
		w.RedirectAll = &bucketconfig.WebsiteRedirectAll{HostName: strings.TrimSpace(ra.HostName), Protocol: strings.TrimSpace(ra.Protocol)}
	}
	if ix := doc.IndexDocument; ix != nil && (ix.Suffix != "" || !lim.ossFields) {
		// (OSS takes an empty IndexDocument, which the v1 SDK sends with
		// routing rules only, as none.)
		if ix.Suffix == "" {
			return nil, errorf("InvalidArgument", "The IndexDocument Suffix is not well formed").with("ArgumentName", "IndexDocument").with("ArgumentValue", "")
		}
		w.IndexSuffix = ix.Suffix
		if lim.ossFields {
			w.IndexSupportSubDir, w.IndexType = deref(ix.SupportSubDir), deref(ix.Type)
		}
	}
	if ed := doc.ErrorDocument; ed != nil && (ed.Key != "" || !lim.ossFields) {
		if ed.Key == "" {
			return nil, errorf("InvalidArgument", "The ErrorDocument Key is not well formed").with("ArgumentName", "ErrorDocument").with("ArgumentValue", "")
		}
		w.ErrorKey = ed.Key
		if lim.ossFields {
			// HttpStatus defaults to 404 (OSS PutBucketWebsite), which
			// GET then reports: store what GET will say.
			w.ErrorStatus = cmpOr(deref(ed.HTTPStatus), http.StatusNotFound)
		}
	}
	if lim.requireIndex && w.RedirectAll == nil && w.IndexSuffix == "" {
		return nil, errorf("InvalidArgument", "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty").
			with("ArgumentName", "IndexDocument").with("ArgumentValue", "null")
	}
	if doc.RoutingRules != nil {
		if len(doc.RoutingRules.Rules) == 0 && lim.rulesRequired {
			// localstack's AWS-validated test_validate_website_configuration.
			return nil, errorf("MalformedXML", "")
		}
		if len(doc.RoutingRules.Rules) > lim.maxRules && lim.ossFields {
			return nil, errorf("InvalidArgument", "The number of routing rules must not exceed the allowed limit of %d.", lim.maxRules)
		}
		for _, x := range doc.RoutingRules.Rules {
			r, err := parseRoutingRule(x, lim)
			if err != nil {
				return nil, err
			}
			w.Rules = append(w.Rules, r)
		}
		if lim.ossFields {
			slices.SortStableFunc(w.Rules, func(a, b bucketconfig.RoutingRule) int { return a.Number - b.Number })
		}
	}
	if !lim.ossFields {
		if err := checkS3Website(w, len(doc.RoutingRules.rules())); err != nil {
			return nil, err
		}
	}
	if err := w.Validate(); err != nil {
		return nil, invalidArgument(err, bucketconfig.ErrInvalid)
	}
	return w, nil
}

// checkS3Website refuses what S3 refuses in a website configuration with
// S3's own codes and words (bucketconfig's Validate backs them for both
// dialects); rules is how many routing rules the document listed.
func checkS3Website(w *bucketconfig.Website, rules int) error {
	const badProtocol = "Invalid protocol, protocol can be http or https. If not defined the protocol will be selected automatically."
	protocolOK := func(p string) bool { return p == "" || p == "http" || p == "https" }
	if ra := w.RedirectAll; ra != nil {
		if w.IndexSuffix != "" || w.ErrorKey != "" || rules > 0 {
			return errorf("InvalidArgument", "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.").
				with("ArgumentName", "RedirectAllRequestsTo").with("ArgumentValue", "not null")
		}
		if !protocolOK(ra.Protocol) {
			return errorf("InvalidRequest", badProtocol)
		}
	}
	if strings.Contains(w.IndexSuffix, "/") {
		return errorf("InvalidArgument", "The IndexDocument Suffix is not well formed").with("ArgumentName", "IndexDocument").with("ArgumentValue", w.IndexSuffix)
	}
	if rules > bucketconfig.MaxRoutingRules {
		return errorf("InvalidRequest", "%d routing rules provided, the number of routing rules in a website configuration is limited to %d.", rules, bucketconfig.MaxRoutingRules)
	}
	for _, r := range w.Rules {
		rd := r.Redirect
		switch {
		case !protocolOK(rd.Protocol):
			return errorf("InvalidRequest", badProtocol)
		case rd.ReplaceKeyWith != nil && rd.ReplaceKeyPrefixWith != nil:
			return errorf("InvalidRequest", "You can only define ReplaceKeyPrefix or ReplaceKey but not both.")
		case rd.HTTPRedirectCode != 0 && (rd.HTTPRedirectCode <= 300 || rd.HTTPRedirectCode > 399):
			return errorf("InvalidRequest", "The provided HTTP redirect code (%d) is not valid. Valid codes are 3XX except 300.", rd.HTTPRedirectCode)
		case r.Condition.HTTPErrorCode != 0 && (r.Condition.HTTPErrorCode < 400 || r.Condition.HTTPErrorCode > 599):
			return errorf("InvalidRequest", "The provided HTTP error code (%d) is not valid. Valid codes are 4XX or 5XX.", r.Condition.HTTPErrorCode)
		}
	}
	return nil
}

func parseRoutingRule(x routingRuleXML, lim websiteLimits) (bucketconfig.RoutingRule, error) {
	var r bucketconfig.RoutingRule
	if x.Redirect == nil {
		return r, errorf("MalformedXML", "")
	}
	if lim.ossFields {
		if x.RuleNumber == nil || *x.RuleNumber < 1 {
			return r, errorf("InvalidArgument", "RuleNumber must be a positive integer.")
		}
		r.Number = *x.RuleNumber
	}
	if c := x.Condition; c != nil {
		if lim.requireIndex && c.KeyPrefixEquals == nil && c.HTTPErrorCodeReturnedEquals == nil {
			return r, errorf("InvalidRequest", "Condition cannot be empty. To redirect all requests without a condition, the condition element shouldn't be present.")
		}
		r.Condition = bucketconfig.RoutingCondition{KeyPrefixEquals: deref(c.KeyPrefixEquals), HTTPErrorCode: deref(c.HTTPErrorCodeReturnedEquals)}
		if lim.ossFields {
			r.Condition.KeySuffixEquals = deref(c.KeySuffixEquals)
			for _, h := range c.IncludeHeaders {
				r.Condition.IncludeHeaders = append(r.Condition.IncludeHeaders, bucketconfig.HeaderEquals{Key: h.Key, Equals: h.Equals})
			}
		}
	}
	d := x.Redirect
	r.Redirect = bucketconfig.RoutingRedirect{Protocol: deref(d.Protocol), HostName: deref(d.HostName),
		ReplaceKeyPrefixWith: d.ReplaceKeyPrefixWith, ReplaceKeyWith: d.ReplaceKeyWith, HTTPRedirectCode: deref(d.HTTPRedirectCode)}
	if !lim.ossFields {
		return r, nil // S3 redirects are external; the other elements are OSS's
	}
	r.Redirect.Type, r.Redirect.PassQueryString = deref(d.RedirectType), deref(d.PassQueryString)
	if r.Redirect.EnableReplacePrefix = d.EnableReplacePrefix; deref(d.EnableReplacePrefix) && d.ReplaceKeyWith != nil {
		// OSS: "When the ReplaceKeyWith parameter is not empty, the
		// EnableReplacePrefix parameter cannot be set to true."
		return r, errorf("InvalidArgument", "EnableReplacePrefix cannot be true when ReplaceKeyWith is set.")
	}
	if d.MirrorURL != nil {
		m := &bucketconfig.Mirror{URL: *d.MirrorURL, PassQueryString: deref(d.MirrorPassQueryString), FollowRedirect: d.MirrorFollowRedirect,
			CheckMD5: deref(d.MirrorCheckMd5)}
		if m.FollowRedirect == nil {
			m.FollowRedirect = ptr(true) // OSS's default, stated so it renders as it reads
		}
		if mh := d.MirrorHeaders; mh != nil {
			m.PassAll, m.Pass, m.Remove = deref(mh.PassAll), mh.Pass, mh.Remove
			for _, s := range mh.Set {
				m.Set = append(m.Set, bucketconfig.HeaderEquals{Key: s.Key, Equals: s.Value})
			}
		}
		if err := parseMirrorMore(m, &d.mirrorMoreXML); err != nil {
			return r, err
		}
		r.Redirect.Mirror = m
		// A mirror rule's PassQueryString is its MirrorPassQueryString:
		// OSS reads the rule back so (oss2's tests/test_website.py
		// test_normal_set_website_with_mirror: "pass_query_string will be
		// covered by mirror_pass_query_string"), whatever was sent.
		r.Redirect.PassQueryString = m.PassQueryString
	}
	return r, nil
}

// parseMirrorMore takes x's elements into m.
func parseMirrorMore(m *bucketconfig.Mirror, x *mirrorMoreXML) error {
	for _, o := range mirrorCloudOptions {
		switch v := *o.field(x); {
		case v == nil:
		case *v:
			return errorf("NotImplemented", "%s true is not implemented: %s, which osslite has no part of.", o.name, o.why)
		default:
			m.Off = append(m.Off, o.name)
		}
	}
	m.URLSlave, m.URLProbe, m.SwitchAllErrors = deref(x.MirrorURLSlave), deref(x.MirrorURLProbe), x.MirrorSwitchAllErrors
	m.PassOriginalSlashes, m.SNI, m.SaveOSSMeta = x.MirrorPassOriginalSlashes, x.MirrorSNI, x.MirrorSaveOssMeta
	m.ProxyPass, m.AllowHeadObject, m.UserLastModified = x.MirrorProxyPass, x.MirrorAllowHeadObject, x.MirrorUserLastModified
	if m.SNI != nil && !*m.SNI {
		// Go's TLS client always names the origin's host (SNI), which
		// is what MirrorSNI true asks for.
		return errorf("NotImplemented", "MirrorSNI false is not implemented: mirror fetches over TLS always send the origin's host name (SNI).")
	}
	if x.MirrorURLProbe != nil && m.URLSlave == "" {
		return errorf("InvalidArgument", "MirrorURLProbe decides between the primary and the secondary origin: it needs MirrorURLSlave.")
	}
	if ma := x.MirrorMultiAlternates; ma != nil {
		seen := map[int]bool{}
		for _, a := range ma.Alternates {
			if a.Number == nil || deref(a.URL) == "" || seen[*a.Number] {
				return errorf("InvalidArgument", "Each MirrorMultiAlternate needs a MirrorMultiAlternateURL and a MirrorMultiAlternateNumber of its own.")
			}
			seen[*a.Number] = true
			m.Alternates = append(m.Alternates, bucketconfig.MirrorAlternate{Number: *a.Number, URL: *a.URL})
		}
		slices.SortStableFunc(m.Alternates, func(a, b bucketconfig.MirrorAlternate) int { return a.Number - b.Number })
	}
	if a := x.MirrorAuth; a != nil {
		if a.AuthType != "S3V4" {
			return errorf("NotImplemented", "MirrorAuth AuthType %q is not implemented: osslite signs mirror fetches with S3V4 (AWS Signature Version 4).", a.AuthType)
		}
		if deref(a.Region) == "" || deref(a.AccessKeyID) == "" {
			return errorf("InvalidArgument", "MirrorAuth AuthType S3V4 needs Region and AccessKeyId.")
		}
		// AccessKeySecret is write-only: GET does not read it back, so
		// the document GET answers puts back without it (and fetches
		// fail until it is given again).
		m.Auth = &bucketconfig.MirrorAuth{Type: a.AuthType, Region: *a.Region, AccessKeyID: *a.AccessKeyID, AccessKeySecret: deref(a.AccessKeySecret)}
	}
	if rh := x.MirrorReturnHeaders; rh != nil {
		for _, h := range rh.ReturnHeaders {
			k := http.CanonicalHeaderKey(h.Key)
			if !headerToken(strings.ToLower(k)) || !headerText(h.Value) || mirrorReservedReturn[k] {
				return errorf("InvalidArgument", "ReturnHeader Key %q is not a header a mirrored answer may carry.", h.Key)
			}
			m.ReturnHeaders = append(m.ReturnHeaders, bucketconfig.HeaderEquals{Key: h.Key, Equals: h.Value})
		}
	}
	if tg := x.MirrorTaggings; tg != nil {
		tags := make([]engine.Tag, 0, len(tg.Taggings))
		for _, t := range tg.Taggings {
			tags = append(tags, engine.Tag{Key: t.Key, Value: t.Value})
			m.Taggings = append(m.Taggings, bucketconfig.HeaderEquals{Key: t.Key, Equals: t.Value})
		}
		if err := engine.ValidateTags(tags); err != nil {
			return errorf("InvalidTag", "MirrorTaggings: %v", err)
		}
	}
	if c := x.TransparentMirrorResponseCodes; c != nil {
		if _, err := transparentCodes(*c); err != nil {
			return err
		}
		m.TransparentCodes = *c
	}
	return nil
}

// transparentCodes parses TransparentMirrorResponseCodes ("400,404").
func transparentCodes(v string) (map[int]bool, error) {
	codes := map[int]bool{}
	for f := range strings.SplitSeq(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 100 || n > 599 {
			return nil, errorf("InvalidArgument", "TransparentMirrorResponseCodes %q: want HTTP statuses separated by commas, such as 400,404.", v)
		}
		codes[n] = true
	}
	return codes, nil
}

// headerSets renders key/value pairs (MirrorHeaders Set, ReturnHeader,
// Taggings) in their document shape.
func headerSets(hs []bucketconfig.HeaderEquals) []mirrorHeaderSet {
	var out []mirrorHeaderSet
	for _, h := range hs {
		out = append(out, mirrorHeaderSet{Key: h.Key, Value: h.Equals})
	}
	return out
}

// renderMirrorMore renders m's elements beyond the first five.
func renderMirrorMore(m *bucketconfig.Mirror) mirrorMoreXML {
	nonEmpty := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	x := mirrorMoreXML{MirrorURLSlave: nonEmpty(m.URLSlave), MirrorURLProbe: nonEmpty(m.URLProbe), MirrorSwitchAllErrors: m.SwitchAllErrors,
		MirrorPassOriginalSlashes: m.PassOriginalSlashes, MirrorSNI: m.SNI, MirrorSaveOssMeta: m.SaveOSSMeta, MirrorProxyPass: m.ProxyPass,
		MirrorAllowHeadObject: m.AllowHeadObject, MirrorUserLastModified: m.UserLastModified, TransparentMirrorResponseCodes: nonEmpty(m.TransparentCodes)}
	for _, o := range mirrorCloudOptions {
		if slices.Contains(m.Off, o.name) {
			*o.field(&x) = ptr(false)
		}
	}
	if len(m.Alternates) > 0 {
		x.MirrorMultiAlternates = &mirrorAlternatesXML{}
		for _, a := range m.Alternates {
			x.MirrorMultiAlternates.Alternates = append(x.MirrorMultiAlternates.Alternates, mirrorAlternateXML{Number: ptr(a.Number), URL: ptr(a.URL)})
		}
	}
	if a := m.Auth; a != nil {
		// The secret is not read back (OSS masks it too).
		x.MirrorAuth = &mirrorAuthXML{AuthType: a.Type, Region: nonEmpty(a.Region), AccessKeyID: nonEmpty(a.AccessKeyID)}
	}
	if len(m.ReturnHeaders) > 0 {
		x.MirrorReturnHeaders = &mirrorReturnHeadersXML{ReturnHeaders: headerSets(m.ReturnHeaders)}
	}
	if len(m.Taggings) > 0 {
		x.MirrorTaggings = &mirrorTaggingsXML{Taggings: headerSets(m.Taggings)}
	}
	return x
}

func renderWebsite(rc *request, c bucketconfig.Config) any {
	lim := websiteByDialect[rc.d.name]
	w := c.(*bucketconfig.Website)
	doc := &websiteDoc{}
	if ra := w.RedirectAll; ra != nil {
		doc.RedirectAll = &redirectAllDoc{HostName: ra.HostName, Protocol: ra.Protocol}
	}
	if w.IndexSuffix != "" {
		doc.IndexDocument = &indexDocXML{Suffix: w.IndexSuffix}
		if lim.ossFields {
			doc.IndexDocument.SupportSubDir, doc.IndexDocument.Type = ptr(w.IndexSupportSubDir), ptr(w.IndexType)
		}
	}
	if w.ErrorKey != "" {
		doc.ErrorDocument = &errorDocXML{Key: w.ErrorKey}
		if lim.ossFields {
			doc.ErrorDocument.HTTPStatus = ptr(cmpOr(w.ErrorStatus, http.StatusNotFound))
		}
	}
	if len(w.Rules) > 0 {
		doc.RoutingRules = &routingRulesXML{}
	}
	nonEmpty := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	for _, r := range w.Rules {
		x := routingRuleXML{}
		if lim.ossFields {
			x.RuleNumber = ptr(r.Number)
		}
		c := r.Condition
		if c.KeyPrefixEquals != "" || c.KeySuffixEquals != "" || c.HTTPErrorCode != 0 || len(c.IncludeHeaders) > 0 {
			x.Condition = &conditionXML{KeyPrefixEquals: nonEmpty(c.KeyPrefixEquals), KeySuffixEquals: nonEmpty(c.KeySuffixEquals)}
			if c.HTTPErrorCode != 0 {
				x.Condition.HTTPErrorCodeReturnedEquals = ptr(c.HTTPErrorCode)
			}
			for _, h := range c.IncludeHeaders {
				x.Condition.IncludeHeaders = append(x.Condition.IncludeHeaders, headerEqualsXML{Key: h.Key, Equals: h.Equals})
			}
		}
		d := r.Redirect
		x.Redirect = &redirectXML{RedirectType: nonEmpty(d.Type), Protocol: nonEmpty(d.Protocol), HostName: nonEmpty(d.HostName),
			ReplaceKeyPrefixWith: d.ReplaceKeyPrefixWith, ReplaceKeyWith: d.ReplaceKeyWith}
		if d.HTTPRedirectCode != 0 {
			x.Redirect.HTTPRedirectCode = ptr(d.HTTPRedirectCode)
		}
		if lim.ossFields {
			x.Redirect.PassQueryString, x.Redirect.EnableReplacePrefix = ptr(d.PassQueryString), d.EnableReplacePrefix
		}
		if m := d.Mirror; m != nil {
			x.Redirect.MirrorURL, x.Redirect.MirrorPassQueryString = &m.URL, ptr(m.PassQueryString)
			// MirrorFollowRedirect is rendered with its default (true) as OSS
			// does (the v1 SDK's suite reads it; configurations stored before
			// parsing stated it may not have it).
			x.Redirect.MirrorFollowRedirect, x.Redirect.MirrorCheckMd5 = ptr(m.FollowRedirect == nil || *m.FollowRedirect), ptr(m.CheckMD5)
			// PassAll always stated.
			x.Redirect.MirrorHeaders = &mirrorHeadersXML{PassAll: ptr(m.PassAll), Pass: m.Pass, Remove: m.Remove, Set: headerSets(m.Set)}
			x.Redirect.mirrorMoreXML = renderMirrorMore(m)
		}
		doc.RoutingRules.Rules = append(doc.RoutingRules.Rules, x)
	}
	return doc
}

func cmpOr(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

// WithWebsiteDomains adds base domains of static-website endpoints (see
// Config.WebsiteDomains).
func WithWebsiteDomains(domains ...string) Option {
	return func(c *Config) { c.WebsiteDomains = append(c.WebsiteDomains, domains...) }
}

// WithCORSAllowOrigins sets the server-wide default CORS origins (see
// Config.CORSAllowOrigins).
func WithCORSAllowOrigins(origins ...string) Option {
	return func(c *Config) { c.CORSAllowOrigins = append(c.CORSAllowOrigins, origins...) }
}

// websiteRoute is the operation of a website endpoint request: an
// anonymous object read.
var websiteRoute = route{method: http.MethodGet, target: targetObject, op: "WebsiteGetObject", perm: permObjectRead}

// websiteAddress reports whether r is a website endpoint request, and
// for which bucket and key; base is the path its keys are under.
func (s *server) websiteAddress(r *http.Request) (bucket, key, base string, ok bool) {
	if len(s.cfg.WebsiteDomains) > 0 {
		host := hostOf(r)
		for _, d := range s.cfg.WebsiteDomains {
			if b, found := strings.CutSuffix(host, "."+strings.ToLower(strings.Trim(d, "."))); found && b != "" {
				return b, strings.TrimPrefix(r.URL.Path, "/"), "/", true
			}
		}
	}
	rest, found := strings.CutPrefix(r.URL.Path, websitePathPrefix)
	if !found {
		return "", "", "", false
	}
	if _, _, vhost, _ := s.address(r); vhost {
		return "", "", "", false // a bucket's own key "_website/..."
	}
	bucket, key, _ = strings.Cut(rest, "/")
	return bucket, key, websitePathPrefix + bucket + "/", bucket != ""
}

// websiteReq is one website request being served.
type websiteReq struct {
	rc   *request
	cfg  *bucketconfig.Website
	key  string // the key asked for
	base string // the path keys are under ("/" or "/_website/<bucket>/")
	// page: errors are HTML pages (website endpoints); else the dialect's
	// error documents (OSS on its REST endpoint).
	page bool
}

// serveWebsite serves a website endpoint request.
func (s *server) serveWebsite(rc *request, bucket, key, base string) error {
	r := rc.r
	rc.op.Bucket, rc.op.Key = bucket, key
	rc.q = queryOf(r)
	rc.route = &websiteRoute
	rc.op.Operation = websiteRoute.op
	if r.Method == http.MethodHead {
		rc.op.Operation = "WebsiteHeadObject"
	}
	rc.who = principal{anonymous: true}
	if err := s.admitAnonymous(rc); err != nil { // counted as signed if it claimed credentials
		return err
	}
	if origin := headerValue(r.Header, "Origin"); origin != "" && r.Method != http.MethodOptions {
		s.corsActual(rc, origin)
	}
	if fn := s.cfg.Interceptor; fn != nil && fn(rc.w, r, rc.op) {
		return nil
	}
	wr := &websiteReq{rc: rc, key: key, base: base, page: true}
	if r.Method == http.MethodOptions {
		// Pages of other origins may read from the website too.
		if err := s.preflight(rc); err != nil {
			return s.websitePage(wr, err, nil)
		}
		return nil
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		rc.w.Header().Set("Allow", "GET, HEAD")
		return s.websitePage(wr, errorf("MethodNotAllowed", "").with("Method", r.Method).with("ResourceType", "OBJECT"), nil)
	}
	if _, err := s.bucketOf(rc); err != nil {
		return s.websitePage(wr, err, nil)
	}
	c, err := s.eng.BucketConfigValue(rc.ctx, bucket, bucketconfig.KindWebsite)
	if err != nil {
		if errors.Is(err, engine.ErrNoSuchConfig) {
			err = errorf("NoSuchWebsiteConfiguration", "").with("BucketName", bucket)
		}
		return s.websitePage(wr, err, nil)
	}
	wr.cfg = c.(*bucketconfig.Website)
	if ra := wr.cfg.RedirectAll; ra != nil {
		loc := cmpOrString(ra.Protocol, schemeOf(r)) + "://" + ra.HostName + escapeKey("/"+key)
		return websiteRedirectTo(rc, loc, http.StatusMovedPermanently)
	}
	return s.websiteServe(wr)
}

// ossWebsite serves an anonymous OSS GET or HEAD on the REST endpoint
// as its bucket's website, when it has one; handled is false otherwise.
func (s *server) ossWebsite(rc *request) (handled bool, err error) {
	op := rc.route.op
	if !websiteByDialect[rc.d.name].onREST || !(op == "GetObject" || op == "HeadObject" || op == "ListObjects" && len(rc.q) == 0) {
		return false, nil
	}
	c, cerr := s.eng.BucketConfigValue(rc.ctx, rc.op.Bucket, bucketconfig.KindWebsite)
	if cerr != nil {
		return false, nil
	}
	w := c.(*bucketconfig.Website)
	if op == "ListObjects" && w.IndexSuffix == "" {
		return false, nil
	}
	rc.route = &websiteRoute
	base := "/"
	if !rc.vhost {
		base = "/" + rc.op.Bucket + "/"
	}
	return true, s.websiteServe(&websiteReq{rc: rc, cfg: w, key: rc.op.Key, base: base, page: false})
}

// websiteServe serves wr's key: routing rules, index documents, the
// object, errors.
func (s *server) websiteServe(wr *websiteReq) error {
	w := wr.cfg
	if rule := wr.match(0); rule != nil {
		return s.websiteRule(wr, rule)
	}
	target := wr.key
	if w.IndexSuffix != "" && (target == "" || strings.HasSuffix(target, "/") && (!wr.oss() || w.IndexSupportSubDir)) {
		target += w.IndexSuffix
	}
	return s.websiteObject(wr, target)
}

func (wr *websiteReq) oss() bool { return websiteByDialect[wr.rc.d.name].ossFields }

// location is where an object's x-amz-website-redirect-location loc
// sends the visitor: a path is under the website's base.
func (wr *websiteReq) location(loc string) string {
	if strings.HasPrefix(loc, "/") {
		return wr.base + loc[1:]
	}
	return loc
}

// websiteObject serves the object target (anonymously readable), or the
// error its absence or protection calls for.
func (s *server) websiteObject(wr *websiteReq, target string) error {
	rc, w := wr.rc, wr.cfg
	rc.op.Key = target
	dir := target == wr.key && target != "" && !strings.HasSuffix(target, "/") && w.IndexSuffix != "" &&
		(!wr.oss() || w.IndexSupportSubDir && w.IndexType != 1)
	if err := s.authorize(rc); err != nil {
		// A visitor refused "dir" because it may not learn that a key is
		// missing (no s3:ListBucket: the usual static site, whose policy
		// gives s3:GetObject alone) is still sent to "dir/" when "dir"
		// is missing and its index page is one it may read.
		if e, internal := toError(err); !dir || internal || e.Code != "AccessDenied" {
			return s.websiteError(wr, err)
		}
		if _, herr := s.eng.HeadObject(rc.ctx, rc.op.Bucket, target); !errors.Is(herr, engine.ErrNoSuchKey) {
			return s.websiteError(wr, err)
		}
		if done, rerr := s.websiteDirIndex(wr, target); done || rerr != nil {
			return rerr
		}
		return s.websiteError(wr, err)
	}
	if err := s.admitQoS(rc); err != nil { // the bucket's QoS settings hold for its website too
		return s.websiteError(wr, err)
	}
	info, err := s.eng.HeadObject(rc.ctx, rc.op.Bucket, target)
	if errors.Is(err, engine.ErrNoSuchKey) && dir {
		if done, rerr := s.websiteDirIndex(wr, target); done || rerr != nil {
			return rerr
		}
	}
	if err != nil {
		if errors.Is(err, engine.ErrNoSuchKey) {
			err = errorf("NoSuchKey", "").with("Key", target)
		}
		return s.websiteError(wr, err)
	}
	// The redirect is the object's metadata: told only for an object
	// decided (overwritten since authorization: decided again, as its
	// body is by readObject).
	if err := s.recheckObject(rc, &info); err != nil {
		return s.websiteError(wr, err)
	}
	if loc := info.WebsiteRedirect; loc != "" && wr.page {
		return websiteRedirectTo(rc, wr.location(loc), http.StatusMovedPermanently)
	}
	err = s.readObject(rc, rc.r.Method == http.MethodGet)
	if err != nil && !rc.w.wroteHeader {
		return s.websiteError(wr, err)
	}
	return err
}

// websiteDirIndex answers a request for "dir" that is no key when
// "dir/<index>" exists and the visitor may read it (decided as its GET
// is): S3 (and OSS Type 0) redirect to "dir/" ("302 Found", S3 User
// Guide, "Configuring an index document"), OSS Type 2 serves the page.
// done is false when the page is missing or one the visitor may not
// read: the answer is then the missing key's, which tells nothing of it.
func (s *server) websiteDirIndex(wr *websiteReq, target string) (done bool, err error) {
	rc, w := wr.rc, wr.cfg
	index := target + "/" + w.IndexSuffix
	page, derr := s.eng.HeadObject(rc.ctx, rc.op.Bucket, index)
	if derr != nil {
		return false, nil
	}
	readable, err := s.websiteMayRead(rc, index, &page)
	switch {
	case err != nil || !readable:
		return false, err
	case wr.oss() && w.IndexType == 2:
		return true, s.websiteObject(wr, index)
	}
	return true, websiteRedirectTo(rc, wr.base+escapeKey("/" + target)[1:]+"/", http.StatusFound)
}

// websiteMayRead reports whether rc's visitor may read page, the object
// at key it did not ask for (the index page of a "dir" asked), as a GET
// of it would decide: the page (canReadObject) and, for a link, its
// target. err is a failure to decide, not a refusal.
func (s *server) websiteMayRead(rc *request, key string, page *engine.ObjectInfo) (readable bool, err error) {
	err = s.canReadObject(rc, key, page)
	if err == nil {
		err = s.canReadTarget(rc, page)
	}
	if err == nil {
		return true, nil
	}
	if _, internal := toError(err); internal {
		return false, err
	}
	return false, nil
}

// websiteError answers err: a routing rule for its status, else the
// error document with the error's status, else the error itself.
func (s *server) websiteError(wr *websiteReq, err error) error {
	w := wr.cfg
	e, internal := toError(err)
	if internal {
		return err
	}
	if rule := wr.match(e.Status); rule != nil {
		return s.websiteRule(wr, rule)
	}
	var docFailed *Error
	// S3 serves the error document for every 4xx, OSS for 404.
	if w.ErrorKey != "" && e.Status >= 400 && e.Status < 500 && (!wr.oss() || e.Status == http.StatusNotFound) {
		served, failed, derr := s.websiteErrorDocument(wr, e.Status)
		if served || derr != nil {
			return derr
		}
		docFailed = failed
	}
	if !wr.page {
		return e
	}
	return s.websitePage(wr, e, docFailed)
}

// websiteErrorDocument serves the error document with status (OSS:
// HttpStatus); when it cannot be read anonymously, served is false and
// failed says why.
func (s *server) websiteErrorDocument(wr *websiteReq, status int) (served bool, failed *Error, err error) {
	rc, w := wr.rc, wr.cfg
	rc.op.Key = w.ErrorKey
	rc.objectAuthz = nil // the page's decision; authorize makes the document's
	if err := s.authorize(rc); err != nil {
		e, _ := toError(err)
		return false, e, nil
	}
	obj, err := s.eng.GetObject(rc.ctx, rc.op.Bucket, w.ErrorKey, engine.GetOptions{})
	if derr := s.decideJudged(rc, err); derr != nil {
		err = derr // an archived document's state (a link's: its target's) told only to who may read it
	}
	if err != nil {
		e, internal := toError(err)
		if internal {
			return false, nil, err
		}
		return false, e.with("Key", w.ErrorKey), nil
	}
	defer obj.Close()
	// Overwritten since authorization: decided again, as a GET is.
	if err := s.recheckObject(rc, &obj.Info); err != nil {
		e, internal := toError(err)
		if internal {
			return false, nil, err
		}
		return false, e, nil
	}
	if err := s.canReadTarget(rc, &obj.Info); err != nil {
		e, internal := toError(err)
		if internal {
			return false, nil, err
		}
		return false, e, nil
	}
	if loc := obj.Info.WebsiteRedirect; loc != "" && wr.page {
		// S3 redirects to the error document's own redirect location,
		// the error's status lost (localstack's AWS-validated
		// test_object_website_redirect_location).
		return true, nil, websiteRedirectTo(rc, wr.location(loc), http.StatusMovedPermanently)
	}
	h := rc.w.Header()
	h.Set("Content-Type", obj.Info.ContentType)
	h.Set("Content-Length", strconv.FormatInt(obj.Length, 10))
	h.Set("ETag", rc.d.etag(obj.Info.ETag))
	h.Set("Last-Modified", obj.Info.LastModified.UTC().Format(http.TimeFormat))
	if w.ErrorStatus != 0 {
		status = w.ErrorStatus
	}
	rc.w.WriteHeader(status)
	if rc.r.Method == http.MethodHead {
		return true, nil, nil
	}
	if _, err := io.Copy(rc.w, obj); err != nil {
		s.logClientGone(rc, err)
		panic(http.ErrAbortHandler)
	}
	return true, nil, nil
}

// match returns the first routing rule for wr's key that applies at
// status (0: before the object is looked up), or nil.
func (wr *websiteReq) match(status int) *bucketconfig.RoutingRule {
	for i := range wr.cfg.Rules {
		r := &wr.cfg.Rules[i]
		c := &r.Condition
		if c.HTTPErrorCode != status || !strings.HasPrefix(wr.key, c.KeyPrefixEquals) || !strings.HasSuffix(wr.key, c.KeySuffixEquals) {
			continue
		}
		ok := true
		for _, h := range c.IncludeHeaders {
			if wr.rc.r.Header.Get(h.Key) != h.Equals && !(strings.EqualFold(h.Key, "host") && wr.rc.r.Host == h.Equals) {
				ok = false
				break
			}
		}
		if ok {
			return r
		}
	}
	return nil
}

// websiteRule carries out a matching routing rule.
func (s *server) websiteRule(wr *websiteReq, rule *bucketconfig.RoutingRule) error {
	rc, rd := wr.rc, &rule.Redirect
	key, err := ruleKey(rule, wr.key, rc.maxKey(s), websiteByDialect[rc.d.name].keyVariable)
	if err != nil {
		e, _ := toError(err)
		return s.websiteFail(wr, e)
	}
	switch rd.Type {
	case bucketconfig.RedirectMirror:
		return s.websiteMirror(wr, rule, key)
	case bucketconfig.RedirectInternal:
		sub := *wr
		sub.key = key
		return s.websiteObject(&sub, key)
	}
	var loc string
	if rd.HostName == "" && rd.Protocol == "" && !websiteByDialect[rc.d.name].hostInLocation {
		loc = wr.base + escapeKey("/" + key)[1:]
	} else {
		// S3 names the website endpoint's host when the rule names
		// neither host nor protocol (localstack's AWS-validated
		// test_routing_rules_conditions and _redirects).
		host, base := rd.HostName, "/"
		if host == "" {
			host, base = rc.r.Host, wr.base
		}
		loc = cmpOrString(rd.Protocol, schemeOf(rc.r)) + "://" + host + base + escapeKey("/" + key)[1:]
	}
	if rd.PassQueryString && rc.r.URL.RawQuery != "" {
		loc += "?" + rc.r.URL.RawQuery
	}
	return websiteRedirectTo(rc, loc, cmpOr(rd.HTTPRedirectCode, http.StatusMovedPermanently))
}

// websiteMirror carries out a Mirror rule (mirror.go) for a website
// request: the key must be readable by the requester and missing (a
// rule matched before the lookup may name a key that exists).
func (s *server) websiteMirror(wr *websiteReq, rule *bucketconfig.RoutingRule, originKey string) error {
	rc := wr.rc
	rc.op.Key = wr.key
	if err := s.authorize(rc); err != nil {
		e, internal := toError(err)
		if internal {
			return err
		}
		return s.websiteFail(wr, e)
	}
	if _, err := s.eng.HeadObject(rc.ctx, rc.op.Bucket, wr.key); err == nil {
		return s.websiteObject(wr, wr.key)
	}
	return s.mirrorRule(rc, rule, wr.key, originKey, func(e *Error) error { return s.websiteFail(wr, e) })
}

// websiteFail answers e as a page or the dialect's error document.
func (s *server) websiteFail(wr *websiteReq, e *Error) error {
	if !wr.page {
		return e
	}
	return s.websitePage(wr, e, nil)
}

// websiteRedirectTo answers a redirect to loc. A path on the request's
// host never starts with "//" or "/\", which browsers take for another
// host (the path comes from the visitor's key): its second character is
// percent-escaped, which names the same key.
func websiteRedirectTo(rc *request, loc string, status int) error {
	if len(loc) > 1 && loc[0] == '/' && (loc[1] == '/' || loc[1] == '\\') {
		loc = "/" + url.PathEscape(loc[1:2]) + loc[2:]
	}
	rc.w.Header().Set("Location", loc)
	rc.w.Header().Set("Content-Length", "0")
	rc.w.WriteHeader(status)
	return nil
}

func cmpOrString(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func schemeOf(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}

// escapeKey escapes a path ("/" + key) for a Location header.
func escapeKey(p string) string { return (&url.URL{Path: p}).EscapedPath() }

// websitePage writes err as the HTML page S3 website endpoints answer
// errors with; docFailed is why the error document could not be read.
func (s *server) websitePage(wr *websiteReq, err error, docFailed *Error) error {
	rc := wr.rc
	e, internal := toError(err)
	if internal {
		s.logError(rc, err)
	}
	rc.errCode = e.Code
	for _, f := range codes[e.Code].facts {
		// As in error documents: S3's NoSuchBucket page names the
		// BucketName (localstack's AWS-validated
		// test_website_hosting_no_such_website).
		if name, value := rc.fact(f); value != "" {
			e = withField(e, name, value)
		}
	}
	h := rc.w.Header()
	reqID := h.Get(rc.d.requestIDHeader)
	var b strings.Builder
	title := strconv.Itoa(e.Status) + " " + http.StatusText(e.Status)
	b.WriteString("<html>\n<head><title>" + title + "</title></head>\n<body>\n<h1>" + title + "</h1>\n<ul>\n")
	li := func(name, value string) {
		if value != "" {
			b.WriteString("<li>" + name + ": " + html.EscapeString(value) + "</li>\n")
		}
	}
	li("Code", e.Code)
	li("Message", e.Message)
	for _, f := range e.Extra {
		li(f.Name, f.Value)
	}
	li("RequestId", reqID)
	if rc.d.hostIDHeader != "" {
		li("HostId", h.Get(rc.d.hostIDHeader))
	}
	b.WriteString("</ul>\n")
	if docFailed != nil {
		b.WriteString("<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>\n<ul>\n")
		li("Code", docFailed.Code)
		li("Message", docFailed.Message)
		for _, f := range docFailed.Extra {
			li(f.Name, f.Value)
		}
		b.WriteString("</ul>\n")
	}
	b.WriteString("<hr/>\n</body>\n</html>\n")
	for _, k := range []string{"ETag", "Last-Modified", "Content-Encoding", "Content-Disposition", "Content-Range", "Accept-Ranges"} {
		h.Del(k)
	}
	// S3 website endpoints name the error in headers too.
	h.Set(rc.d.h("error-code"), e.Code)
	h.Set(rc.d.h("error-message"), e.Message)
	for _, f := range e.Extra {
		if f.Name == "Key" {
			h.Set(rc.d.h("error-detail-Key"), f.Value)
		}
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	rc.w.WriteHeader(e.Status)
	if rc.r.Method != http.MethodHead {
		io.WriteString(rc.w, b.String())
	}
	return nil
}
