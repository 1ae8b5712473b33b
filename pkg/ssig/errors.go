package ssig

import "errors"

// Sentinel errors. Every error returned by this package wraps exactly one
// of them; branch with errors.Is. The code the Sina dialect answers is
// given for the HTTP layer, which owns the mapping.
var (
	// ErrMalformedAuthorization: an Authorization header of the SINA
	// scheme that does not read "SINA <key>:<10-character ssig>", a KID
	// without the sina, or sae, prefix, or a signature both in the header
	// and in the URL. Sina: 400 InvalidArgument.
	ErrMalformedAuthorization = errors.New("ssig: malformed authorization")
	// ErrMissingQueryParameter: a URL-signed request lacks KID, Expires or
	// ssig. Sina: 403 AccessDenied.
	ErrMissingQueryParameter = errors.New("ssig: missing signature query parameter")
	// ErrMalformedDate: the Date header is missing or unparseable, or
	// Expires is not a number. Sina: 400 InvalidArgument.
	ErrMalformedDate = errors.New("ssig: missing or malformed date")
	// ErrExpired: the Date header lies more than MaxSkew in the past, or
	// the Expires time has passed. Sina: 403 ExpiredToken.
	ErrExpired = errors.New("ssig: request expired")
	// ErrInvalidAccessKeyID: the access key is unknown. Sina: 403
	// InvalidAccessKeyId.
	ErrInvalidAccessKeyID = errors.New("ssig: invalid access key id")
	// ErrSignatureDoesNotMatch: the key is known but no accepted string to
	// sign gives the ssig sent. The concrete error is a *SignatureError.
	// Sina: 403 SignatureDoesNotMatch.
	ErrSignatureDoesNotMatch = errors.New("ssig: signature does not match")
	// ErrIPMismatch: the signed ip parameter does not match the client
	// address. Sina: 403 AccessDenied.
	ErrIPMismatch = errors.New("ssig: client address not allowed by the signed ip parameter")
)

// SignatureError is a signature mismatch, with the first string to sign
// the server tried (never the secret).
type SignatureError struct {
	AccessKey    string
	Provided     string
	StringToSign string
}

func (e *SignatureError) Error() string {
	return ErrSignatureDoesNotMatch.Error() + " (access key " + e.AccessKey + ")"
}

// Unwrap returns ErrSignatureDoesNotMatch.
func (e *SignatureError) Unwrap() error { return ErrSignatureDoesNotMatch }
