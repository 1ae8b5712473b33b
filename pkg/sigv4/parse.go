package sigv4

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Credential is a parsed credential: "<access-key-id>/<scope>".
type Credential struct {
	AccessKeyID string
	Scope
}

// String returns "akid/yyyymmdd/region/service/aws4_request".
func (c Credential) String() string { return c.AccessKeyID + "/" + c.Scope.String() }

// ParseCredential parses "<akid>/<yyyymmdd>/<region>/<service>/aws4_request".
// It checks the shape and the date, not the region or service values. Errors
// wrap ErrMalformedAuthorization and carry S3's message (*Error).
func ParseCredential(s string) (Credential, error) {
	c, detail := parseCredential(s, nil)
	if detail != "" {
		return Credential{}, wireError(ErrMalformedAuthorization, "%s%s", headerMalformed, detail)
	}
	return c, nil
}

// malformedCredential is S3's detail for a credential of the wrong shape.
const malformedCredential = `the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`

// parseCredential is ParseCredential with S3's detail of what is wrong
// (the part of its message after the header's or the query's prefix)
// instead of an error; the detail is empty when s is well-formed. The
// service must be one of services, unless services is empty. S3 names
// the first fault in the order checked here: shape, terminal, service,
// date.
func parseCredential(s string, services []string) (Credential, string) {
	// Exactly five parts, cut without allocating (every signed request
	// parses one).
	var parts [5]string
	rest, ok := s, true
	for i := range 4 {
		if parts[i], rest, ok = strings.Cut(rest, "/"); !ok {
			break
		}
	}
	if !ok || strings.Contains(rest, "/") {
		return Credential{}, malformedCredential
	}
	parts[4] = rest
	c := Credential{AccessKeyID: parts[0], Scope: Scope{Date: parts[1], Region: parts[2], Service: parts[3]}}
	switch {
	case c.AccessKeyID == "", c.Region == "", c.Service == "":
		return Credential{}, malformedCredential
	case parts[4] != Terminator:
		return Credential{}, fmt.Sprintf(`incorrect terminal %q. This endpoint uses %q.`, parts[4], Terminator)
	case len(services) > 0 && !slices.Contains(services, c.Service):
		return Credential{}, fmt.Sprintf(`incorrect service %q. This endpoint belongs to %q.`, c.Service, services[0])
	case !validDate(c.Date):
		return Credential{}, fmt.Sprintf(`incorrect date format %q. This date in the credential must be in the format "yyyyMMdd".`, c.Date)
	}
	return c, ""
}

func validDate(s string) bool {
	// As time.Parse(DateFormat, s) decides, without its cost (it showed
	// in profiles of every signed request).
	if len(s) != 8 {
		return false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
	}
	y, m, d := n/10000, n/100%100, n%100
	if m < 1 || m > 12 || d < 1 {
		return false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t.Day() == d
}

// parseTimestamp is time.Parse(TimeFormat, s): the basic form of 16
// characters is read by hand (time.Parse showed in profiles of every
// signed request), anything else goes to time.Parse, which decides it.
func parseTimestamp(s string) (time.Time, error) {
	if len(s) != len(TimeFormat) || s[8] != 'T' || s[15] != 'Z' {
		return time.Parse(TimeFormat, s)
	}
	var f [6]int // year, month, day, hour, minute, second
	widths := [6]int{4, 2, 2, 2, 2, 2}
	i := 0
	for k, w := range widths {
		if k == 3 {
			i++ // the T
		}
		for range w {
			c := s[i]
			if c < '0' || c > '9' {
				return time.Parse(TimeFormat, s)
			}
			f[k] = f[k]*10 + int(c-'0')
			i++
		}
	}
	if f[1] < 1 || f[1] > 12 || f[2] < 1 || f[3] > 23 || f[4] > 59 || f[5] > 59 {
		return time.Parse(TimeFormat, s)
	}
	t := time.Date(f[0], time.Month(f[1]), f[2], f[3], f[4], f[5], 0, time.UTC)
	if t.Day() != f[2] {
		return time.Parse(TimeFormat, s) // a day past the month's end
	}
	return t, nil
}

// Authorization is a parsed SigV4 Authorization header.
type Authorization struct {
	Credential Credential
	// SignedHeaders are lower case, in the order given (normally sorted).
	SignedHeaders []string
	// Signature is 64 lower-case hex characters.
	Signature string
}

// String renders the header value in the form the SDKs send.
func (a Authorization) String() string {
	return Algorithm + " Credential=" + a.Credential.String() +
		",SignedHeaders=" + strings.Join(a.SignedHeaders, ";") +
		",Signature=" + a.Signature
}

// ParseAuthorization parses a SigV4 Authorization header value
// (auth.md §1.1). Components may come in any order, separated by ',' with
// optional whitespace; each must appear exactly once. Errors wrap
// ErrMalformedAuthorization, or ErrUnsupportedAlgorithm for SigV4a.
func ParseAuthorization(header string) (Authorization, error) {
	return parseAuthorization(header, nil)
}

// parseAuthorization is ParseAuthorization checking the credential's
// service too (unless service is ""), in S3's order of faults.
// Components of other names are ignored, as S3 ignores them.
func parseAuthorization(header string, services []string) (Authorization, error) {
	alg, rest, ok := strings.Cut(strings.TrimSpace(header), " ")
	switch {
	case alg == AlgorithmECDSA:
		return Authorization{}, fmt.Errorf("%w: %s", ErrUnsupportedAlgorithm, alg)
	case !ok || alg != Algorithm:
		return Authorization{}, unsupportedAuthorization(header)
	}
	if strings.Count(rest, ",") < 2 {
		return Authorization{}, wireError(ErrMalformedAuthorization, "%sthe authorization header requires three components: Credential, SignedHeaders, and Signature.", headerMalformed)
	}
	var a Authorization
	var haveCred, haveSH, haveSig bool
	for comp := range strings.SplitSeq(rest, ",") {
		comp = strings.TrimSpace(comp)
		k, v, ok := strings.Cut(comp, "=")
		if !ok {
			return Authorization{}, wireError(ErrMalformedAuthorization, "%sthe authorization component %q is malformed.", headerMalformed, comp)
		}
		var dup bool
		switch k {
		case "Credential":
			dup, haveCred = haveCred, true
			c, detail := parseCredential(v, services)
			if detail != "" {
				return Authorization{}, wireError(ErrMalformedAuthorization, "%s%s", headerMalformed, detail)
			}
			a.Credential = c
		case "SignedHeaders":
			dup, haveSH = haveSH, true
			hs, err := parseSignedHeaders(v)
			if err != nil {
				return Authorization{}, wireError(ErrMalformedAuthorization, "%sthe authorization component %q is malformed.", headerMalformed, comp)
			}
			a.SignedHeaders = hs
		case "Signature":
			dup, haveSig = haveSig, true
			if !validSignature(v) {
				return Authorization{}, wireError(ErrMalformedAuthorization, "%sthe authorization component %q is malformed.", headerMalformed, comp)
			}
			a.Signature = strings.ToLower(v)
		}
		if dup {
			return Authorization{}, wireError(ErrMalformedAuthorization, "%sthe authorization component %q is malformed.", headerMalformed, comp)
		}
	}
	switch {
	case !haveCred:
		return Authorization{}, wireError(ErrMalformedAuthorization, "%smissing Credential.", headerMalformed)
	case !haveSH:
		return Authorization{}, wireError(ErrMalformedAuthorization, "%smissing SignedHeaders.", headerMalformed)
	case !haveSig:
		return Authorization{}, wireError(ErrMalformedAuthorization, "%smissing Signature.", headerMalformed)
	}
	return a, nil
}

// parseSignedHeaders splits "a;b;c". Names must be non-empty header tokens;
// they are lower-cased.
func parseSignedHeaders(s string) ([]string, error) {
	if s == "" {
		return nil, fmt.Errorf("empty SignedHeaders")
	}
	hs := strings.Split(strings.ToLower(s), ";")
	for _, h := range hs {
		if h == "" {
			return nil, fmt.Errorf("empty name in SignedHeaders %q", s)
		}
		for i := 0; i < len(h); i++ {
			if c := h[i]; c <= ' ' || c >= 0x7f || strings.IndexByte("()<>@,;:\\\"/[]?={}", c) >= 0 {
				return nil, fmt.Errorf("invalid name %q in SignedHeaders", h)
			}
		}
	}
	return hs, nil
}

func validSignature(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// Presigned holds the parsed parameters of a SigV4 presigned URL.
type Presigned struct {
	Credential    Credential
	Timestamp     string    // X-Amz-Date as sent
	Time          time.Time // Timestamp parsed, UTC
	Expires       time.Duration
	SignedHeaders []string
	Signature     string
	// SecurityToken is X-Amz-Security-Token, if any.
	SecurityToken string
	// PayloadHash is X-Amz-Content-Sha256 from the query, or UNSIGNED-PAYLOAD.
	PayloadHash string
}

// ParsePresigned parses the X-Amz-* parameters of a presigned URL
// (auth.md §4.1): all of Algorithm, Credential, Date, Expires (0..604800;
// 0 is always expired), SignedHeaders and Signature are required, and the credential date must be
// the date of X-Amz-Date. It does not check expiry; see CheckTime. Errors
// wrap ErrMalformedPresigned, or ErrUnsupportedAlgorithm for SigV4a.
func ParsePresigned(q url.Values) (Presigned, error) {
	return parsePresigned(q, nil)
}

// parsePresigned is ParsePresigned checking the credential's service too
// (unless service is ""), in S3's order of faults.
func parsePresigned(q url.Values, services []string) (Presigned, error) {
	for _, k := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature"} {
		if len(q[k]) != 1 {
			return Presigned{}, wireError(ErrMalformedPresigned, queryParamsNeeded)
		}
	}
	switch alg := q.Get("X-Amz-Algorithm"); alg {
	case Algorithm:
	case AlgorithmECDSA:
		return Presigned{}, fmt.Errorf("%w: %s", ErrUnsupportedAlgorithm, alg)
	default:
		return Presigned{}, wireError(ErrMalformedPresigned, "X-Amz-Algorithm only supports %q", Algorithm)
	}
	var p Presigned
	c, detail := parseCredential(q.Get("X-Amz-Credential"), services)
	if detail != "" {
		return Presigned{}, wireError(ErrMalformedPresigned, "%s%s", queryCredential, detail)
	}
	p.Credential = c
	p.Timestamp = q.Get("X-Amz-Date")
	t, err := parseTimestamp(p.Timestamp)
	if err != nil || len(p.Timestamp) != len(TimeFormat) {
		return Presigned{}, wireError(ErrMalformedPresigned, `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`)
	}
	p.Time = t.UTC()
	if p.Timestamp[:8] != c.Date {
		return Presigned{}, wireError(ErrMalformedPresigned, "Invalid credential date %q. This date is not the same as X-Amz-Date: %q.", c.Date, p.Timestamp[:8])
	}
	exp := q.Get("X-Amz-Expires")
	n, err := strconv.ParseInt(exp, 10, 64)
	switch {
	case err == nil && exp[0] == '-' && n < 0:
		return Presigned{}, wireError(ErrMalformedPresigned, "X-Amz-Expires must be non-negative")
	case err != nil || exp[0] == '+' || exp[0] == '-':
		return Presigned{}, wireError(ErrMalformedPresigned, "X-Amz-Expires should be a number")
	case n > int64(MaxPresignExpires/time.Second):
		return Presigned{}, wireError(ErrMalformedPresigned, "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds")
	}
	p.Expires = time.Duration(n) * time.Second
	hs, err := parseSignedHeaders(q.Get("X-Amz-SignedHeaders"))
	if err != nil {
		return Presigned{}, wireError(ErrMalformedPresigned, "X-Amz-SignedHeaders is malformed: %v", err)
	}
	p.SignedHeaders = hs
	p.Signature = q.Get("X-Amz-Signature")
	if !validSignature(p.Signature) {
		return Presigned{}, wireError(ErrMalformedPresigned, "X-Amz-Signature must be 64 hex characters")
	}
	p.Signature = strings.ToLower(p.Signature)
	p.SecurityToken = q.Get("X-Amz-Security-Token")
	p.PayloadHash = UnsignedPayload
	if v := q.Get("X-Amz-Content-Sha256"); v != "" {
		p.PayloadHash = v
	}
	return p, nil
}

// ExpiresAt returns the last instant at which the URL is valid.
func (p Presigned) ExpiresAt() time.Time { return p.Time.Add(p.Expires) }

// CheckTime reports whether the URL is usable at now: ErrExpired if now is
// after X-Amz-Date + X-Amz-Expires (the boundary instant is still valid),
// ErrExpired also for X-Amz-Expires=0,
// ErrNotYetValid if X-Amz-Date is more than maxSkew ahead of now (maxSkew
// <= 0 means DefaultMaxSkew).
func (p Presigned) CheckTime(now time.Time, maxSkew time.Duration) error {
	if maxSkew <= 0 {
		maxSkew = DefaultMaxSkew
	}
	// X-Amz-Expires=0 is a URL that was never valid: S3 answers it as
	// expired, not as malformed.
	if p.Expires == 0 || now.After(p.ExpiresAt()) {
		return &ExpiredError{Expires: p.ExpiresAt(), ServerTime: now, XAmzExpires: strconv.FormatInt(int64(p.Expires/time.Second), 10)}
	}
	if p.Time.Sub(now) > maxSkew {
		return fmt.Errorf("%w: X-Amz-Date %s is in the future", ErrNotYetValid, p.Timestamp)
	}
	return nil
}
