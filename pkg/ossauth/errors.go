package ossauth

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Sentinel errors. Every error returned by this package wraps exactly one of
// them; branch with errors.Is. The OSS code each one corresponds to is given
// for the HTTP layer, which owns the mapping table (auth.md 2.8, 4.3).
var (
	// ErrMalformedAuthorization: the Authorization header (or the v4 query
	// parameters) cannot be parsed, names an unsupported scheme, or carries
	// a v4 credential scope inconsistent with the request date.
	// OSS: 400 InvalidArgument.
	ErrMalformedAuthorization = errors.New("ossauth: malformed authorization")

	// ErrAmbiguousSignature: the request is signed both in the
	// Authorization header and in the URL. OSS: 400 InvalidArgument.
	ErrAmbiguousSignature = errors.New("ossauth: signature in both URL and header")

	// ErrMissingQueryParameter: a URL-signed request lacks one of the
	// required query parameters (v1: OSSAccessKeyId, Expires, Signature;
	// v4: x-oss-credential, x-oss-date, x-oss-expires, x-oss-signature).
	// OSS: 403 AccessDenied.
	ErrMissingQueryParameter = errors.New("ossauth: missing signature query parameter")

	// ErrMalformedExpires: the v1 Expires or v4 x-oss-expires parameter is
	// not a valid number (or out of range). OSS: 403 AccessDenied.
	ErrMalformedExpires = errors.New("ossauth: malformed expires")

	// ErrExpired: a signed URL is used after its expiry. OSS: 403
	// AccessDenied.
	ErrExpired = errors.New("ossauth: signed URL expired")

	// ErrMissingDate: a header-signed request has no usable date (Date or
	// x-oss-date missing or malformed). OSS: 403 AccessDenied.
	ErrMissingDate = errors.New("ossauth: missing or malformed date")

	// ErrRequestTimeTooSkewed: the request date is more than MaxSkew away
	// from the server clock. OSS: 403 RequestTimeTooSkewed.
	ErrRequestTimeTooSkewed = errors.New("ossauth: request time too skewed")

	// ErrInvalidAccessKeyID: the access key id is unknown or inactive
	// (returned by Authenticate when the lookup fails). OSS: 403
	// InvalidAccessKeyId.
	ErrInvalidAccessKeyID = errors.New("ossauth: invalid access key id")

	// ErrMissingAdditionalHeader: a header named in AdditionalHeaders
	// (x-oss-additional-headers) is absent from the request, so the
	// signature cannot be checked. OSS: 400 InvalidArgument (EC
	// 0002-00000078 for signed URLs, 0002-00000112 for headers).
	ErrMissingAdditionalHeader = errors.New("ossauth: additional signed header missing from the request")

	// ErrInvalidSigningProduct: a v4 credential scope names a product
	// other than "oss" (the SDKs' CloudBox mode signs "oss-cloudbox").
	// OSS: 400 InvalidArgument, EC 0002-00000227.
	ErrInvalidSigningProduct = errors.New("ossauth: invalid signing product")

	// ErrSignatureDoesNotMatch: the key is known but the signature is wrong.
	// The concrete error is a *SignatureError carrying what the OSS error
	// body needs. OSS: 403 SignatureDoesNotMatch.
	ErrSignatureDoesNotMatch = errors.New("ossauth: signature does not match")
)

// SkewError is a header-signed request refused because its date is more
// than the allowed skew from the server's clock (ErrRequestTimeTooSkewed).
// OSS's error body names both times and the skew allowed
// (<RequestTime>, <ServerTime>, <MaxAllowedSkewMilliseconds>), as the
// aliyun-oss-java-sdk's ErrorTest reads them.
type SkewError struct {
	RequestTime time.Time // the request's date
	ServerTime  time.Time // the server's clock when it checked
	MaxSkew     time.Duration
}

func (e *SkewError) Error() string {
	return fmt.Sprintf("%v: request time %s, server time %s", ErrRequestTimeTooSkewed,
		e.RequestTime.UTC().Format(time.RFC3339), e.ServerTime.UTC().Format(time.RFC3339))
}

// Unwrap lets errors.Is see ErrRequestTimeTooSkewed.
func (e *SkewError) Unwrap() error { return ErrRequestTimeTooSkewed }

// SignatureError describes a signature mismatch with the fields OSS puts in
// a SignatureDoesNotMatch error body (auth.md 2.8). It never contains the
// secret. errors.Is(err, ErrSignatureDoesNotMatch) is true for it.
type SignatureError struct {
	// Scheme is how the request was signed.
	Scheme Scheme
	// AccessKeyID is the key id the request claimed (<OSSAccessKeyId>).
	AccessKeyID string
	// SignatureProvided is the signature the request carried
	// (<SignatureProvided>).
	SignatureProvided string
	// StringToSign is the string the server signed (<StringToSign>).
	StringToSign string
	// CanonicalRequest is the v4 canonical request (<CanonicalRequest>);
	// empty for v1.
	CanonicalRequest string
}

func (e *SignatureError) Error() string {
	return ErrSignatureDoesNotMatch.Error() + " (" + e.Scheme.String() + ", access key id " + e.AccessKeyID + ")"
}

// Unwrap returns ErrSignatureDoesNotMatch.
func (e *SignatureError) Unwrap() error { return ErrSignatureDoesNotMatch }

// StringToSignBytes renders StringToSign the way OSS fills
// <StringToSignBytes>: lower-case hex bytes separated by single spaces.
func (e *SignatureError) StringToSignBytes() string {
	return hexBytes(e.StringToSign)
}

// CanonicalRequestBytes renders CanonicalRequest like StringToSignBytes.
func (e *SignatureError) CanonicalRequestBytes() string {
	return hexBytes(e.CanonicalRequest)
}

func hexBytes(s string) string {
	if s == "" {
		return ""
	}
	var b strings.Builder
	b.Grow(len(s) * 3)
	for i := 0; i < len(s); i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(hex.EncodeToString([]byte{s[i]}))
	}
	return b.String()
}
