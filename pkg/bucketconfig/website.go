package bucketconfig

import (
	"fmt"
	"strings"
)

// Website is a bucket's static-website configuration (S3
// PutBucketWebsite, OSS PutBucketWebsite). S3 and OSS share the index
// document, error document and routing rules; the OSS-only fields say so.
type Website struct {
	// IndexSuffix is the index document appended to a key ending in "/"
	// (and to the bucket root). Must not contain "/".
	IndexSuffix string `json:"index,omitempty"`
	// IndexSupportSubDir (OSS) serves index documents in sub-directories
	// too; without it only the root has one.
	IndexSupportSubDir bool `json:"subDir,omitempty"`
	// IndexType (OSS, with SupportSubDir) says what a key "dir" does when
	// "dir" is missing: 0 redirects to "dir/" when "dir/<index>" exists,
	// 1 answers 404, 2 serves "dir/<index>".
	IndexType int `json:"indexType,omitempty"`
	// ErrorKey is the object served, with the error status, for 4xx.
	ErrorKey string `json:"error,omitempty"`
	// ErrorStatus (OSS HttpStatus) replaces the status of the error
	// document's answer: 0 keeps the error's (404).
	ErrorStatus int `json:"errorStatus,omitempty"`
	// RedirectAll sends every request elsewhere; nothing else may be set.
	RedirectAll *WebsiteRedirectAll `json:"redirectAll,omitempty"`
	// Rules are the routing rules, in the order they are tried.
	Rules []RoutingRule `json:"rules,omitempty"`
}

// WebsiteRedirectAll is S3's RedirectAllRequestsTo.
type WebsiteRedirectAll struct {
	HostName string `json:"host"`
	Protocol string `json:"protocol,omitempty"` // "http", "https" or "" (the request's)
}

// RoutingRule is one routing rule: a condition and a redirect.
type RoutingRule struct {
	// Number (OSS RuleNumber) orders the rules; S3 rules keep document
	// order and have none.
	Number    int              `json:"n,omitempty"`
	Condition RoutingCondition `json:"if"`
	Redirect  RoutingRedirect  `json:"then"`
}

// RoutingCondition is what a request must satisfy; empty matches all.
type RoutingCondition struct {
	KeyPrefixEquals string `json:"prefix,omitempty"`
	// KeySuffixEquals (OSS).
	KeySuffixEquals string `json:"suffix,omitempty"`
	// HTTPErrorCode is the status the request would otherwise get; 0
	// matches before the object is looked up.
	HTTPErrorCode int `json:"status,omitempty"`
	// IncludeHeaders (OSS): headers the request must carry with exactly
	// these values.
	IncludeHeaders []HeaderEquals `json:"headers,omitempty"`
}

// HeaderEquals is a header name and an exact value.
type HeaderEquals struct {
	Key    string `json:"k"`
	Equals string `json:"v"`
}

// Redirect types (OSS RedirectType; S3 redirects are External).
const (
	RedirectExternal = "External"
	RedirectInternal = "Internal"
	RedirectMirror   = "Mirror"
	RedirectAliCDN   = "AliCDN"
)

// RoutingRedirect is where a matching request goes.
type RoutingRedirect struct {
	// Type is "" (S3: external), or OSS's External, Internal, Mirror or
	// AliCDN.
	Type     string `json:"type,omitempty"`
	Protocol string `json:"protocol,omitempty"`
	HostName string `json:"host,omitempty"`
	// ReplaceKeyPrefixWith replaces the matched prefix; nil: not set
	// (an empty value strips the prefix).
	ReplaceKeyPrefixWith *string `json:"replacePrefix,omitempty"`
	// ReplaceKeyWith replaces the whole key (OSS: "${key}" stands for
	// the requested key); nil: not set.
	ReplaceKeyWith *string `json:"replaceKey,omitempty"`
	// HTTPRedirectCode is the status of the redirect; 0 means 301.
	HTTPRedirectCode int `json:"code,omitempty"`
	// PassQueryString (OSS) keeps the request's query in the Location.
	PassQueryString bool `json:"passQuery,omitempty"`
	// EnableReplacePrefix is OSS's element of that name as put (nil: not
	// given): true replaces the matched prefix with ReplaceKeyPrefixWith,
	// which is what a redirect here does with ReplaceKeyPrefixWith.
	EnableReplacePrefix *bool `json:"enableReplacePrefix,omitempty"`
	// Mirror (OSS RedirectType Mirror): where a missing object is fetched
	// from (httpapi mirror.go).
	Mirror *Mirror `json:"mirror,omitempty"`
}

// Mirror holds an OSS mirror-back (back-to-origin) rule's settings.
type Mirror struct {
	URL             string         `json:"url"`
	PassQueryString bool           `json:"passQuery,omitempty"`
	FollowRedirect  *bool          `json:"follow,omitempty"`
	CheckMD5        bool           `json:"checkMd5,omitempty"`
	PassAll         bool           `json:"passAll,omitempty"`
	Pass            []string       `json:"pass,omitempty"`
	Remove          []string       `json:"remove,omitempty"`
	Set             []HeaderEquals `json:"set,omitempty"`
	// URLSlave (MirrorURLSlave) is the secondary origin, fetched when the
	// primary fails; SwitchAllErrors says what a failure is (false: an
	// error reaching it or a 5xx; true: any status but 200, 206, 301,
	// 302, 303, 307 and 404).
	URLSlave        string `json:"slave,omitempty"`
	SwitchAllErrors *bool  `json:"switchAll,omitempty"`
	// URLProbe (MirrorURLProbe) is a URL standing for the primary's
	// health: when a GET of it fails, the primary is skipped.
	URLProbe string `json:"probe,omitempty"`
	// Alternates (MirrorMultiAlternates) are further origins, tried in
	// Number order after the primary and the secondary.
	Alternates []MirrorAlternate `json:"alternates,omitempty"`
	// PassOriginalSlashes keeps the key's slashes as they are in the
	// origin URL; without it runs of slashes are merged into one.
	PassOriginalSlashes *bool `json:"slashes,omitempty"`
	// SNI (MirrorSNI) as put; nil: not given.
	SNI *bool `json:"sni,omitempty"`
	// Auth signs the fetches (MirrorAuth); nil: anonymous.
	Auth *MirrorAuth `json:"auth,omitempty"`
	// SaveOSSMeta stores the origin's user metadata with the object.
	SaveOSSMeta *bool `json:"saveMeta,omitempty"`
	// ProxyPass answers from the origin without storing the object.
	ProxyPass *bool `json:"proxyPass,omitempty"`
	// AllowHeadObject lets a HEAD of a missing key ask the origin (HEAD)
	// and answer its headers; nothing is stored.
	AllowHeadObject *bool `json:"head,omitempty"`
	// ReturnHeaders (MirrorReturnHeaders) are the headers of a mirrored
	// answer: Key with an empty Equals passes the origin's header; a
	// non-empty Equals sets it.
	ReturnHeaders []HeaderEquals `json:"returnHeaders,omitempty"`
	// Taggings (MirrorTaggings) are the tags of the stored object.
	Taggings []HeaderEquals `json:"tags,omitempty"`
	// UserLastModified (MirrorUserLastModified) stores the object with
	// the origin's Last-Modified (when it is in the past).
	UserLastModified *bool `json:"userLastModified,omitempty"`
	// TransparentCodes (TransparentMirrorResponseCodes) are origin
	// statuses passed to the client with their body, as put ("400,404").
	TransparentCodes string `json:"transparent,omitempty"`
	// The booleans above are nil when not given (false), and read back
	// as put.
	//
	// Off names the options that need Alibaba Cloud (express tunnels,
	// RAM roles, image and video processing) put explicitly as false,
	// to read back as put.
	Off []string `json:"off,omitempty"`
}

// MirrorAlternate is one of a Mirror's further origins.
type MirrorAlternate struct {
	Number int    `json:"n"`
	URL    string `json:"url"`
}

// MirrorAuth is how fetches from a Mirror's origins are signed.
type MirrorAuth struct {
	// Type is "S3V4" (AWS Signature Version 4, service s3).
	Type            string `json:"type"`
	Region          string `json:"region,omitempty"`
	AccessKeyID     string `json:"ak,omitempty"`
	AccessKeySecret string `json:"sk,omitempty"`
}

// MaxRoutingRules is the most routing rules a configuration holds (S3: 50).
const MaxRoutingRules = 50

// Kind implements Config.
func (*Website) Kind() Kind { return KindWebsite }

// Validate implements Config: either RedirectAll alone, or something
// to serve (an index document, error document or routing rules); an index
// suffix without "/"; at most MaxRoutingRules rules, each with a
// redirect naming something, not both key replacements, a 3xx code.
func (w *Website) Validate() error {
	if w.RedirectAll != nil {
		if w.IndexSuffix != "" || w.ErrorKey != "" || len(w.Rules) > 0 {
			return fmt.Errorf("%w: RedirectAllRequestsTo excludes every other element", ErrInvalid)
		}
		if w.RedirectAll.HostName == "" {
			return fmt.Errorf("%w: RedirectAllRequestsTo needs a HostName", ErrInvalid)
		}
		if err := checkHostName(w.RedirectAll.HostName); err != nil {
			return err
		}
		return checkProtocol(w.RedirectAll.Protocol)
	}
	if w.IndexSuffix == "" && w.ErrorKey == "" && len(w.Rules) == 0 {
		return fmt.Errorf("%w: a website configuration needs an IndexDocument, ErrorDocument, RoutingRules or RedirectAllRequestsTo", ErrInvalid)
	}
	if strings.Contains(w.IndexSuffix, "/") {
		return fmt.Errorf("%w: the IndexDocument Suffix must not contain a slash", ErrInvalid)
	}
	if w.IndexType < 0 || w.IndexType > 2 {
		return fmt.Errorf("%w: IndexDocument Type %d, want 0, 1 or 2", ErrInvalid, w.IndexType)
	}
	if w.ErrorStatus != 0 && (w.ErrorStatus < 200 || w.ErrorStatus > 599) {
		return fmt.Errorf("%w: ErrorDocument HttpStatus %d", ErrInvalid, w.ErrorStatus)
	}
	if len(w.Rules) > MaxRoutingRules {
		return fmt.Errorf("%w: %d routing rules, at most %d", ErrInvalid, len(w.Rules), MaxRoutingRules)
	}
	for i := range w.Rules {
		if err := w.Rules[i].validate(); err != nil {
			return err
		}
	}
	return nil
}

func (r *RoutingRule) validate() error {
	rd := &r.Redirect
	if rd.ReplaceKeyWith != nil && rd.ReplaceKeyPrefixWith != nil {
		return fmt.Errorf("%w: ReplaceKeyWith and ReplaceKeyPrefixWith are mutually exclusive", ErrInvalid)
	}
	switch rd.Type {
	case "", RedirectExternal, RedirectAliCDN, RedirectInternal:
	case RedirectMirror:
		if rd.Mirror == nil || rd.Mirror.URL == "" {
			return fmt.Errorf("%w: a Mirror redirect needs a MirrorURL", ErrInvalid)
		}
	default:
		return fmt.Errorf("%w: RedirectType %q", ErrInvalid, rd.Type)
	}
	if rd.Type == "" && rd.Protocol == "" && rd.HostName == "" && rd.ReplaceKeyPrefixWith == nil && rd.ReplaceKeyWith == nil && rd.HTTPRedirectCode == 0 {
		return fmt.Errorf("%w: a Redirect needs at least one element", ErrInvalid)
	}
	if c := rd.HTTPRedirectCode; c != 0 && (c < 300 || c > 399) {
		return fmt.Errorf("%w: HttpRedirectCode %d is not a redirect", ErrInvalid, c)
	}
	if c := r.Condition.HTTPErrorCode; c != 0 && (c < 400 || c > 599) {
		return fmt.Errorf("%w: HttpErrorCodeReturnedEquals %d is not an error status", ErrInvalid, c)
	}
	if err := checkHostName(rd.HostName); err != nil {
		return err
	}
	return checkProtocol(rd.Protocol)
}

// checkHostName refuses a redirect's HostName holding a space or a
// control character: it is written into the Location of every redirect
// the rule makes, which no HTTP client could then read.
func checkHostName(h string) error {
	if i := strings.IndexFunc(h, func(r rune) bool { return r <= ' ' || r == 0x7f }); i >= 0 {
		return fmt.Errorf("%w: HostName %q holds a space or a control character", ErrInvalid, h)
	}
	return nil
}

func checkProtocol(p string) error {
	switch p {
	case "", "http", "https":
		return nil
	}
	return fmt.Errorf("%w: Protocol %q, want http or https", ErrInvalid, p)
}
