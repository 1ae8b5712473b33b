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
	// ErrUnsupportedAlgorithm: a recognised but unsupported scheme such as
	// SigV4a (AWS4-ECDSA-P256-SHA256) (InvalidRequest).
	ErrUnsupportedAlgorithm = errors.New("sigv4: unsupported signing algorithm")
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
	// expired").
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
