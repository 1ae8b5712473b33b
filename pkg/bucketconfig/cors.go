package bucketconfig

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// CORS is a bucket's cross-origin resource sharing configuration: rules
// examined in order, the first that matches a request deciding the
// Access-Control-* headers (S3 PutBucketCors, OSS PutBucketCors).
type CORS struct {
	Rules []CORSRule `json:"rules"`
	// ResponseVary (OSS) asks for "Vary: Origin" on every response of
	// the bucket, matching or not.
	ResponseVary bool `json:"responseVary,omitempty"`
}

// CORSRule is one rule.
type CORSRule struct {
	// ID names the rule (S3; at most 255 characters).
	ID string `json:"id,omitempty"`
	// AllowedOrigins are origins, each with at most one "*" wildcard
	// ("*" alone allows any origin). At least one.
	AllowedOrigins []string `json:"origins"`
	// AllowedMethods are among GET, PUT, POST, DELETE and HEAD. At
	// least one.
	AllowedMethods []string `json:"methods"`
	// AllowedHeaders are the request headers a preflight may announce,
	// each with at most one "*" wildcard, matched case-insensitively.
	AllowedHeaders []string `json:"headers,omitempty"`
	// ExposeHeaders are the response headers scripts may read.
	ExposeHeaders []string `json:"expose,omitempty"`
	// MaxAgeSeconds is how long a browser may cache a preflight answer;
	// nil: not said.
	MaxAgeSeconds *int64 `json:"maxAge,omitempty"`
}

// MaxCORSRules is the most rules a configuration holds (S3: 100).
const MaxCORSRules = 100

// CORSMethods are the methods a rule may allow.
var CORSMethods = []string{"GET", "PUT", "POST", "DELETE", "HEAD"}

// Kind implements Config.
func (*CORS) Kind() Kind { return KindCORS }

// Validate implements Config: 1 to MaxCORSRules rules, each with at
// least one origin and one method of CORSMethods, at most one "*" in an
// origin or allowed header, IDs of at most 255 characters, no negative
// max age.
func (c *CORS) Validate() error {
	if len(c.Rules) == 0 || len(c.Rules) > MaxCORSRules {
		return fmt.Errorf("%w: %d CORS rules, want 1 to %d", ErrInvalid, len(c.Rules), MaxCORSRules)
	}
	for i := range c.Rules {
		if err := c.Rules[i].validate(); err != nil {
			return err
		}
	}
	return nil
}

func (r *CORSRule) validate() error {
	if len(r.AllowedOrigins) == 0 || len(r.AllowedMethods) == 0 {
		return fmt.Errorf("%w: a CORS rule needs an AllowedOrigin and an AllowedMethod", ErrInvalid)
	}
	if utf8.RuneCountInString(r.ID) > 255 {
		return fmt.Errorf("%w: CORS rule ID longer than 255 characters", ErrInvalid)
	}
	for _, m := range r.AllowedMethods {
		if !isCORSMethod(m) {
			return fmt.Errorf("%w: unsupported CORS method %q", ErrInvalid, m)
		}
	}
	for _, o := range r.AllowedOrigins {
		if strings.Count(o, "*") > 1 {
			return fmt.Errorf("%w: AllowedOrigin %q has more than one wildcard", ErrInvalid, o)
		}
	}
	for _, h := range r.AllowedHeaders {
		if strings.Count(h, "*") > 1 {
			return fmt.Errorf("%w: AllowedHeader %q has more than one wildcard", ErrInvalid, h)
		}
	}
	return nil
}

func isCORSMethod(m string) bool {
	for _, c := range CORSMethods {
		if m == c {
			return true
		}
	}
	return false
}

// CORSMatch is the outcome of matching a request against a configuration.
type CORSMatch struct {
	// Rule is the first rule that matched.
	Rule *CORSRule
	// AnyOrigin is true when the origin matched a bare "*".
	AnyOrigin bool
}

// Match returns the first rule allowing origin to use method, and, for
// a preflight, every header of requestHeaders (names, any case); ok is
// false when none does.
func (c *CORS) Match(origin, method string, requestHeaders []string) (m CORSMatch, ok bool) {
	for i := range c.Rules {
		r := &c.Rules[i]
		any, originOK := r.matchOrigin(origin)
		if !originOK || !r.allowsMethod(method) {
			continue
		}
		if !r.allowsHeaders(requestHeaders) {
			continue
		}
		return CORSMatch{Rule: r, AnyOrigin: any}, true
	}
	return CORSMatch{}, false
}

func (r *CORSRule) matchOrigin(origin string) (any, ok bool) {
	for _, p := range r.AllowedOrigins {
		if p == "*" {
			return true, true
		}
		if WildcardMatch(p, origin, false) {
			return false, true
		}
	}
	return false, false
}

func (r *CORSRule) allowsMethod(m string) bool {
	for _, a := range r.AllowedMethods {
		if a == m {
			return true
		}
	}
	return false
}

func (r *CORSRule) allowsHeaders(hs []string) bool {
	if len(hs)*len(r.AllowedHeaders) > smallHeaderCheck {
		return r.allowsManyHeaders(hs)
	}
	for _, h := range hs {
		if !r.allowsHeader(h) {
			return false
		}
	}
	return true
}

func (r *CORSRule) allowsHeader(h string) bool {
	for _, p := range r.AllowedHeaders {
		if WildcardMatch(p, h, true) {
			return true
		}
	}
	return false
}

// smallHeaderCheck is the largest requested-by-allowed product
// allowsHeaders checks pair by pair; past it a preflight naming thousands
// of headers against a rule of thousands of names (a 64 KB document)
// would cost their product, seconds for one request.
const smallHeaderCheck = 256

// allowsManyHeaders is allowsHeaders by a set of the rule's ASCII names
// without a wildcard, each requested name checked once: in time linear
// in the names but for those only the rule's wildcard patterns allow.
func (r *CORSRule) allowsManyHeaders(hs []string) bool {
	exact := make(map[string]bool, len(r.AllowedHeaders))
	var rest []string
	for _, p := range r.AllowedHeaders {
		if !strings.Contains(p, "*") && isASCII(p) {
			exact[strings.ToLower(p)] = true
		} else {
			rest = append(rest, p)
		}
	}
	seen := make(map[string]bool)
	for _, h := range hs {
		if !isASCII(h) {
			if !r.allowsHeader(h) {
				return false
			}
			continue
		}
		l := strings.ToLower(h)
		if exact[l] || seen[l] {
			continue
		}
		found := false
		for _, p := range rest {
			if WildcardMatch(p, h, true) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
		seen[l] = true
	}
	return true
}

// isASCII reports whether s is ASCII, which strings.ToLower folds as
// strings.EqualFold does.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// WildcardMatch reports whether s matches pattern, in which one "*"
// stands for any run of characters (ASCII case folded when fold).
func WildcardMatch(pattern, s string, fold bool) bool {
	eq := func(a, b string) bool {
		if fold {
			return strings.EqualFold(a, b)
		}
		return a == b
	}
	star := strings.IndexByte(pattern, '*')
	if star < 0 {
		return eq(pattern, s)
	}
	prefix, suffix := pattern[:star], pattern[star+1:]
	return len(s) >= len(prefix)+len(suffix) && eq(s[:len(prefix)], prefix) && eq(s[len(s)-len(suffix):], suffix)
}
