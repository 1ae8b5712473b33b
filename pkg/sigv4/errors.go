package sigv4

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Sentinel errors. Every error returned by this package wraps exactly one of
// them (checked with errors.Is); the comment names the S3 error code the
// HTTP layer should map it to.
var (
	// ErrMalformedAuthorization: the Authorization header cannot be parsed,
	// or its credential scope is invalid (AuthorizationHeaderMalformed).
	ErrMalformedAuthorization = errors.New("sigv4: malformed authorization header")
	// ErrMalformedPresigned: presigned-URL query parameters are missing or
	// invalid, including X-Amz-Expires outside 0..604800 (0 is expired)
	// (AuthorizationQueryParametersError).
	ErrMalformedPresigned = errors.New("sigv4: malformed presigned query parameters")
	// ErrIncompleteQueryV2: a SigV2 presigned URL carries some of
	// AWSAccessKeyId, Signature and Expires but not all three
	// (AccessDenied "Query-string authentication requires the Signature,
	// Expires and AWSAccessKeyId parameters").
	ErrIncompleteQueryV2 = errors.New("sigv4: incomplete SigV2 query-string authentication")
	// ErrUnsupportedAlgorithm: a recognised but unsupported scheme such as
	// SigV4a (AWS4-ECDSA-P256-SHA256) (InvalidRequest).
	ErrUnsupportedAlgorithm = errors.New("sigv4: unsupported signing algorithm")
	// ErrUnsupportedAuthorizationType: an Authorization header of a scheme
	// S3 does not know, or without the space after its scheme
	// (InvalidArgument, ArgumentName Authorization). Errors wrapping it are
	// *Error with ArgumentValue set.
	ErrUnsupportedAuthorizationType = errors.New("sigv4: unsupported authorization type")
	// ErrMalformedAuthorizationV2: a SigV2 Authorization header ("AWS
	// ...") that is not "AWS <AccessKeyId>:<Signature>" (InvalidArgument
	// "AWS authorization header is invalid.  Expected
	// AwsAccessKeyId:signature", ArgumentName Authorization). Errors
	// wrapping it are *Error with ArgumentValue set.
	ErrMalformedAuthorizationV2 = errors.New("sigv4: malformed SigV2 authorization header")
	// ErrMultipleAuth: both an Authorization header and query-string
	// credentials are present (InvalidArgument).
	ErrMultipleAuth = errors.New("sigv4: only one auth mechanism allowed")
	// ErrNoAuth: the request carries no credentials (anonymous).
	ErrNoAuth = errors.New("sigv4: request is not signed")
	// ErrInvalidAccessKeyID: the access key is unknown (InvalidAccessKeyId).
	ErrInvalidAccessKeyID = errors.New("sigv4: unknown access key id")
	// ErrMissingDate: no valid x-amz-date or Date (AccessDenied).
	ErrMissingDate = errors.New("sigv4: missing or invalid request date")
	// ErrRequestTimeTooSkewed: the request time is too far from the server
	// time (RequestTimeTooSkewed).
	ErrRequestTimeTooSkewed = errors.New("sigv4: request time too skewed")
	// ErrExpired: a presigned URL has expired (AccessDenied "Request has
	// expired"). Errors wrapping it are *ExpiredError.
	ErrExpired = errors.New("sigv4: request has expired")
	// ErrNotYetValid: a presigned URL's X-Amz-Date lies in the future by more
	// than the allowed skew (AccessDenied "Request is not valid yet").
	ErrNotYetValid = errors.New("sigv4: request is not valid yet")
	// ErrWrongRegion: the credential scope names another region than the
	// server's (AuthorizationHeaderMalformed or
	// AuthorizationQueryParametersError, with <Region>).
	ErrWrongRegion = errors.New("sigv4: wrong region in credential scope")
	// ErrMissingContentSHA256: a SigV4 header request lacks
	// x-amz-content-sha256 (InvalidRequest).
	ErrMissingContentSHA256 = errors.New("sigv4: missing x-amz-content-sha256")
	// ErrInvalidContentSHA256: x-amz-content-sha256 is neither a hex SHA-256
	// nor a known literal (InvalidArgument).
	ErrInvalidContentSHA256 = errors.New("sigv4: invalid x-amz-content-sha256")
	// ErrHeadersNotSigned: the request carries x-amz-* headers that
	// SignedHeaders does not list (AccessDenied "There were headers present
	// in the request which were not signed", with <HeadersNotSigned>).
	// Errors wrapping it are *HeadersNotSignedError.
	ErrHeadersNotSigned = errors.New("sigv4: there were headers present in the request which were not signed")
	// ErrSignatureMismatch: the signature does not verify
	// (SignatureDoesNotMatch). Errors wrapping it are *MismatchError.
	ErrSignatureMismatch = errors.New("sigv4: signature does not match")
)

// Error is an error of this package that carries S3's own wire message
// for it: the text S3 answers, which clients and conformance suites
// compare. It wraps its sentinel (Kind).
type Error struct {
	Kind error
	// Message is S3's message; empty leaves the sentinel's usual one.
	Message string
	// AccessKeyID is the key an ErrInvalidAccessKeyID names (S3's
	// <AWSAccessKeyId>).
	AccessKeyID string
	// ArgumentValue is the value an ErrUnsupportedAuthorizationType,
	// ErrMalformedAuthorizationV2 or ErrInvalidContentSHA256 refuses (S3's
	// <ArgumentValue>).
	ArgumentValue string
}

func (e *Error) Error() string {
	switch {
	case e.Message != "":
		return e.Kind.Error() + ": " + e.Message
	case e.AccessKeyID != "":
		return e.Kind.Error() + ": " + e.AccessKeyID
	case e.ArgumentValue != "":
		return e.Kind.Error() + ": " + e.ArgumentValue
	}
	return e.Kind.Error()
}

// Unwrap returns Kind.
func (e *Error) Unwrap() error { return e.Kind }

// wireError is an *Error of kind with S3's message, formatted.
func wireError(kind error, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Prefixes of S3's AuthorizationHeaderMalformed and
// AuthorizationQueryParametersError messages about the credential.
const (
	headerMalformed   = "The authorization header is malformed; "
	queryCredential   = "Error parsing the X-Amz-Credential parameter; "
	queryParamsNeeded = "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."
)

// MismatchError carries the details S3 puts into a SignatureDoesNotMatch
// response. It wraps ErrSignatureMismatch. The fields describe the server's
// primary reconstruction of the request (the first candidate tried).
type MismatchError struct {
	AccessKeyID       string
	SignatureProvided string
	// StringToSign is the server's string to sign (SigV4 and SigV2).
	StringToSign string
	// CanonicalRequest is the server's canonical request (SigV4 only).
	CanonicalRequest string
}

func (e *MismatchError) Error() string {
	return ErrSignatureMismatch.Error() + " for access key " + e.AccessKeyID
}

// Unwrap returns ErrSignatureMismatch.
func (e *MismatchError) Unwrap() error { return ErrSignatureMismatch }

// HeadersNotSignedError names the x-amz-* headers of a SigV4 request that
// its signature does not cover. It wraps ErrHeadersNotSigned.
type HeadersNotSignedError struct {
	// Headers are the unsigned header names, lower case and sorted.
	Headers []string
}

func (e *HeadersNotSignedError) Error() string {
	return ErrHeadersNotSigned.Error() + ": " + strings.Join(e.Headers, ", ")
}

// Unwrap returns ErrHeadersNotSigned.
func (e *HeadersNotSignedError) Unwrap() error { return ErrHeadersNotSigned }

// ExpiredError is a presigned URL used after its expiry. It wraps
// ErrExpired. S3's error document names when the URL expired and the
// server's time, and for SigV4 the URL's X-Amz-Expires.
type ExpiredError struct {
	// Expires is the last instant the URL was valid.
	Expires time.Time
	// ServerTime is the server's time when it refused the URL.
	ServerTime time.Time
	// XAmzExpires is the URL's X-Amz-Expires as sent (SigV4); empty for
	// SigV2, whose Expires is the instant itself.
	XAmzExpires string
}

func (e *ExpiredError) Error() string {
	return fmt.Sprintf("%v: expired at %s, server time %s", ErrExpired, e.Expires.UTC().Format(time.RFC3339), e.ServerTime.UTC().Format(time.RFC3339))
}

// Unwrap returns ErrExpired.
func (e *ExpiredError) Unwrap() error { return ErrExpired }

// SkewError is a request refused because its time is more than MaxSkew
// from the server's (ErrRequestTimeTooSkewed). S3's error document names
// the request time as sent, the server time and the skew allowed.
type SkewError struct {
	RequestTime string // the request's x-amz-date or Date, as sent
	ServerTime  time.Time
	MaxSkew     time.Duration
}

func (e *SkewError) Error() string {
	return fmt.Sprintf("%v: request time %s, server time %s", ErrRequestTimeTooSkewed, e.RequestTime, e.ServerTime.UTC().Format(TimeFormat))
}

// Unwrap lets errors.Is see ErrRequestTimeTooSkewed.
func (e *SkewError) Unwrap() error { return ErrRequestTimeTooSkewed }
