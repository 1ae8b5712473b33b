package ossauth

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// MaxSkew is how far a header-signed request's date may be from the server
// clock, in either direction (auth.md 2.5). A difference of exactly MaxSkew
// is accepted.
const MaxSkew = 15 * time.Minute

// Scheme is the way a request is authenticated.
type Scheme int

const (
	// SchemeAnonymous: no signature at all.
	SchemeAnonymous Scheme = iota
	// SchemeV1Header: "Authorization: OSS AccessKeyId:Signature".
	SchemeV1Header
	// SchemeV1Query: OSSAccessKeyId, Expires and Signature query parameters.
	SchemeV1Query
	// SchemeV4Header: "Authorization: OSS4-HMAC-SHA256 Credential=...".
	SchemeV4Header
	// SchemeV4Query: x-oss-signature-version=OSS4-HMAC-SHA256 and friends.
	SchemeV4Query
	// SchemeV2Header: "Authorization: OSS2 AccessKeyId:...,Signature:...".
	SchemeV2Header
	// SchemeV2Query: x-oss-signature-version=OSS2 and friends.
	SchemeV2Query
)

func (s Scheme) String() string {
	switch s {
	case SchemeAnonymous:
		return "anonymous"
	case SchemeV1Header:
		return "v1-header"
	case SchemeV1Query:
		return "v1-query"
	case SchemeV4Header:
		return "v4-header"
	case SchemeV4Query:
		return "v4-query"
	case SchemeV2Header:
		return "v2-header"
	case SchemeV2Query:
		return "v2-query"
	}
	return fmt.Sprintf("Scheme(%d)", int(s))
}

// Resource names what a request addresses, decoded (not URL-escaped). The
// HTTP layer derives it from the host (virtual-hosted style) or the path
// (path style); both styles sign the same resource. Bucket "" means the
// service (ListBuckets); Key "" means the bucket itself.
type Resource struct {
	Bucket string
	Key    string
}

// Credentials is a key pair, with the STS token for temporary credentials.
type Credentials struct {
	AccessKeyID     string
	AccessKeySecret string
	// SecurityToken is sent as x-oss-security-token (header forms),
	// security-token (v1 URL) or x-oss-security-token (v4 URL). Optional.
	SecurityToken string
}

// Auth is the authentication material Parse finds in a request. It is not
// yet verified.
type Auth struct {
	Scheme Scheme
	// AccessKeyID is the claimed key id; "" for SchemeAnonymous.
	AccessKeyID string
	// Signature is the signature as sent (URL-decoded for the query forms):
	// base64 for v1 and v2, hex for v4.
	Signature string
	// SecurityToken is the STS token the request carries, "" if none:
	// the x-oss-security-token header for the header forms; the
	// security-token (v1, v2) or x-oss-security-token (v4) query parameter for
	// the URL forms, falling back to the header. The package does not
	// validate it; the caller must check it belongs to AccessKeyID.
	SecurityToken string
	// Scope is the v4 credential scope; zero for v1 and v2.
	Scope Scope
	// AdditionalHeaders are the v4 and v2 additional signed header names,
	// lower-cased, in the order sent; nil for v1.
	AdditionalHeaders []string
	// PayloadHash is the v4 payload hash that was signed (x-oss-content-sha256
	// or UnsignedPayload); "" for v1. Unless it is UnsignedPayload the HTTP
	// layer must check the body against it.
	PayloadHash string
	// MaxSkew is how far a header-signed request's date may be from the
	// clock; the caller may set it before Verify. 0 means MaxSkew.
	MaxSkew time.Duration
}

func (a *Auth) maxSkew() time.Duration {
	if a.MaxSkew > 0 {
		return a.MaxSkew
	}
	return MaxSkew
}

// AuthorizationHeader renders a header-form Auth as an Authorization header
// value; "" for the query forms and anonymous.
func (a *Auth) AuthorizationHeader() string {
	switch a.Scheme {
	case SchemeV1Header:
		return "OSS " + a.AccessKeyID + ":" + a.Signature
	case SchemeV2Header:
		h := AlgorithmV2 + " AccessKeyId:" + a.AccessKeyID
		if len(a.AdditionalHeaders) > 0 {
			h += ",AdditionalHeaders:" + strings.Join(a.AdditionalHeaders, ";")
		}
		return h + ",Signature:" + a.Signature
	case SchemeV4Header:
		var b strings.Builder
		b.WriteString(AlgorithmV4 + " Credential=")
		b.WriteString(a.AccessKeyID + "/" + a.Scope.String())
		if len(a.AdditionalHeaders) > 0 {
			b.WriteString(",AdditionalHeaders=")
			b.WriteString(strings.Join(a.AdditionalHeaders, ";"))
		}
		b.WriteString(",Signature=")
		b.WriteString(a.Signature)
		return b.String()
	}
	return ""
}

// ParseAuthorization parses an Authorization header value of any form:
//
//	OSS AccessKeyId:Signature
//	OSS2 AccessKeyId:AK[,AdditionalHeaders:h1;h2],Signature:base64
//	OSS4-HMAC-SHA256 Credential=AK/yyyymmdd/region/product/aliyun_v4_request[,AdditionalHeaders=h1;h2],Signature=hex
//
// The v4 fields may come in any order and may have spaces after the commas.
// Errors wrap ErrMalformedAuthorization.
func ParseAuthorization(v string) (*Auth, error) {
	switch {
	case strings.HasPrefix(v, "OSS "):
		return parseV1Header(v[len("OSS "):])
	case strings.HasPrefix(v, AlgorithmV4+" "):
		return parseV4Header(v[len(AlgorithmV4)+1:])
	case strings.HasPrefix(v, AlgorithmV2+" "):
		return parseV2Header(v[len(AlgorithmV2)+1:])
	}
	scheme, _, _ := strings.Cut(v, " ")
	if len(scheme) > 32 {
		scheme = scheme[:32] + "..."
	}
	return nil, wrap(ErrMalformedAuthorization, fmt.Sprintf("unsupported scheme %q", scheme))
}

func parseV1Header(s string) (*Auth, error) {
	ak, sig, ok := strings.Cut(s, ":")
	switch {
	case !ok:
		return nil, wrap(ErrMalformedAuthorization, "v1: missing ':'")
	case !validToken(ak, ":"):
		return nil, wrap(ErrMalformedAuthorization, "v1: bad access key id")
	case !validToken(sig, ":"):
		return nil, wrap(ErrMalformedAuthorization, "v1: bad signature")
	}
	return &Auth{Scheme: SchemeV1Header, AccessKeyID: ak, Signature: sig}, nil
}

func parseV4Header(s string) (*Auth, error) {
	var cred, add, sig string
	var haveCred, haveAdd, haveSig bool
	for _, field := range strings.Split(s, ",") {
		field = strings.TrimSpace(field)
		name, value, ok := strings.Cut(field, "=")
		if !ok {
			return nil, wrap(ErrMalformedAuthorization, fmt.Sprintf("v4: field %q has no '='", truncate(field)))
		}
		var dst *string
		var seen *bool
		switch name {
		case "Credential":
			dst, seen = &cred, &haveCred
		case "AdditionalHeaders":
			dst, seen = &add, &haveAdd
		case "Signature":
			dst, seen = &sig, &haveSig
		default:
			return nil, wrap(ErrMalformedAuthorization, fmt.Sprintf("v4: unknown field %q", truncate(name)))
		}
		if *seen {
			return nil, wrap(ErrMalformedAuthorization, "v4: repeated field "+name)
		}
		*dst, *seen = value, true
	}
	if !haveCred || !haveSig {
		return nil, wrap(ErrMalformedAuthorization, "v4: Credential and Signature are required")
	}
	a := &Auth{Scheme: SchemeV4Header}
	if err := a.setCredential(cred); err != nil {
		return nil, err
	}
	if haveAdd {
		if err := a.setAdditionalHeaders(add); err != nil {
			return nil, err
		}
	}
	if err := a.setV4Signature(sig); err != nil {
		return nil, err
	}
	return a, nil
}

// setCredential parses AK/yyyymmdd/region/product/aliyun_v4_request.
func (a *Auth) setCredential(cred string) error {
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return wrap(ErrMalformedAuthorization, "v4: credential must have 5 '/'-separated parts")
	}
	ak, date, region, product, term := parts[0], parts[1], parts[2], parts[3], parts[4]
	if !validToken(ak, "/,;") || !validToken(region, "/,;") || !validToken(product, "/,;") {
		return wrap(ErrMalformedAuthorization, "v4: empty or invalid credential part")
	}
	if _, err := time.Parse(iso8601BasicDate, date); err != nil || len(date) != len(iso8601BasicDate) {
		return wrap(ErrMalformedAuthorization, fmt.Sprintf("v4: bad credential date %q", truncate(date)))
	}
	if term != scopeTerminator {
		return wrap(ErrMalformedAuthorization, fmt.Sprintf("v4: credential must end in %s", scopeTerminator))
	}
	a.AccessKeyID = ak
	a.Scope = Scope{Date: date, Region: region, Product: product}
	return nil
}

func (a *Auth) setAdditionalHeaders(s string) error {
	if s == "" {
		return nil
	}
	for _, h := range strings.Split(s, ";") {
		if !validToken(h, ":;,/") {
			return wrap(ErrMalformedAuthorization, "v4: bad additional header name")
		}
		a.AdditionalHeaders = append(a.AdditionalHeaders, strings.ToLower(h))
	}
	return nil
}

func (a *Auth) setV4Signature(sig string) error {
	if len(sig) != 2*32 {
		return wrap(ErrMalformedAuthorization, "v4: signature must be 64 hex digits")
	}
	if _, err := hex.DecodeString(sig); err != nil {
		return wrap(ErrMalformedAuthorization, "v4: signature must be 64 hex digits")
	}
	a.Signature = sig
	return nil
}

// validToken reports whether s is non-empty printable ASCII without spaces
// and without any byte of forbidden.
func validToken(s, forbidden string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f || strings.IndexByte(forbidden, s[i]) >= 0 {
			return false
		}
	}
	return true
}

func truncate(s string) string {
	if len(s) > 32 {
		return s[:32] + "..."
	}
	return s
}

func wrap(sentinel error, detail string) error {
	return fmt.Errorf("%w: %s", sentinel, detail)
}

// Parse finds how r is authenticated and extracts the claimed identity,
// without checking dates or signatures (see Auth.Verify). A request without
// any signature yields SchemeAnonymous and no error.
//
// Errors: ErrAmbiguousSignature when both the Authorization header and
// signature query parameters are present; ErrMalformedAuthorization for an
// unparsable header or v4 query; ErrMissingQueryParameter when a URL
// signature lacks a required parameter. Only the first occurrence of a
// repeated query parameter counts (auth.md 4.2).
func Parse(r *http.Request) (*Auth, error) {
	q := r.URL.Query()
	v1q := q.Has(paramAccessKeyID) || q.Has(paramExpires) || q.Has(paramSignature)
	v4q := q.Has(paramV4Version) || q.Has(paramV4Credential) || q.Has(paramV4Signature)
	if authz := r.Header.Get("Authorization"); authz != "" {
		if v1q || v4q {
			return nil, wrap(ErrAmbiguousSignature, "Authorization header and signed URL parameters")
		}
		a, err := ParseAuthorization(authz)
		if err != nil {
			return nil, err
		}
		a.SecurityToken = r.Header.Get(headerSecurityToken)
		if a.Scheme == SchemeV4Header {
			a.PayloadHash = PayloadHashV4(r.Header)
		}
		return a, nil
	}
	switch {
	case v4q && q.Get(paramV4Version) == AlgorithmV2:
		return parseV2Query(r, q)
	case v4q:
		return parseV4Query(r, q)
	case v1q:
		for _, p := range []string{paramAccessKeyID, paramExpires, paramSignature} {
			if q.Get(p) == "" {
				return nil, wrap(ErrMissingQueryParameter, p)
			}
		}
		// Spaces cannot occur in base64; a '+' sent unescaped decodes to one.
		sig := strings.ReplaceAll(q.Get(paramSignature), " ", "+")
		token := q.Get(paramSecurityToken)
		if token == "" {
			token = r.Header.Get(headerSecurityToken)
		}
		return &Auth{Scheme: SchemeV1Query, AccessKeyID: q.Get(paramAccessKeyID), Signature: sig, SecurityToken: token}, nil
	}
	return &Auth{Scheme: SchemeAnonymous}, nil
}

func parseV4Query(r *http.Request, q map[string][]string) (*Auth, error) {
	get := func(k string) string {
		if vs := q[k]; len(vs) > 0 {
			return vs[0]
		}
		return ""
	}
	for _, p := range []string{paramV4Version, paramV4Credential, paramV4Date, paramV4Expires, paramV4Signature} {
		if get(p) == "" {
			return nil, wrap(ErrMissingQueryParameter, p)
		}
	}
	if v := get(paramV4Version); v != AlgorithmV4 {
		return nil, wrap(ErrMalformedAuthorization, fmt.Sprintf("unsupported %s %q", paramV4Version, truncate(v)))
	}
	a := &Auth{Scheme: SchemeV4Query, SecurityToken: get(paramV4Token), PayloadHash: PayloadHashV4(r.Header)}
	if a.SecurityToken == "" {
		a.SecurityToken = r.Header.Get(headerSecurityToken)
	}
	if err := a.setCredential(get(paramV4Credential)); err != nil {
		return nil, err
	}
	if err := a.setAdditionalHeaders(get(paramV4Additional)); err != nil {
		return nil, err
	}
	if err := a.setV4Signature(get(paramV4Signature)); err != nil {
		return nil, err
	}
	return a, nil
}

// Verify checks the dates and the signature of r, which Parse produced a,
// against secret, the AccessKeySecret of a.AccessKeyID, and the server
// time now. res is the bucket and key r addresses. Verify of an anonymous
// Auth returns nil.
//
// Order of checks: date presence and skew (header forms) or expiry (URL
// forms), then the signature, so an expired URL is reported as expired
// whatever its signature (auth.md 4.2). A mismatch returns a
// *SignatureError. Comparison is constant-time (hmac.Equal).
func (a *Auth) Verify(r *http.Request, res Resource, secret string, now time.Time) error {
	switch a.Scheme {
	case SchemeV1Header, SchemeV1Query:
		return verifyV1(a, r, res, secret, now)
	case SchemeV4Header, SchemeV4Query:
		return verifyV4(a, r, res, secret, now)
	case SchemeV2Header, SchemeV2Query:
		return verifyV2(a, r, res, secret, now)
	}
	return nil
}

// SecretLookup returns the AccessKeySecret of an access key id, and false
// when the id is unknown or inactive.
type SecretLookup func(accessKeyID string) (secret string, ok bool)

// Authenticate is Parse, lookup and Verify in one call. It returns the Auth
// (also for anonymous requests, with a nil error) or the first error;
// ErrInvalidAccessKeyID when lookup rejects the key id. The returned Auth is
// non-nil whenever Parse succeeded, so the HTTP layer can fill
// SignatureDoesNotMatch bodies.
func Authenticate(r *http.Request, res Resource, now time.Time, lookup SecretLookup) (*Auth, error) {
	return AuthenticateSkew(r, res, now, lookup, MaxSkew)
}

// AuthenticateSkew is Authenticate with another allowed clock skew for
// header-signed requests.
func AuthenticateSkew(r *http.Request, res Resource, now time.Time, lookup SecretLookup, maxSkew time.Duration) (*Auth, error) {
	a, err := Parse(r)
	if err != nil {
		return nil, err
	}
	if a.Scheme == SchemeAnonymous {
		return a, nil
	}
	a.MaxSkew = maxSkew
	secret, ok := lookup(a.AccessKeyID)
	if !ok {
		return a, wrap(ErrInvalidAccessKeyID, truncate(a.AccessKeyID))
	}
	return a, a.Verify(r, res, secret, now)
}
