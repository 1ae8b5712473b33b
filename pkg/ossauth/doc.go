// Package ossauth verifies, and for tests produces, Aliyun OSS request
// signatures: signature v1 (HMAC-SHA1) in the Authorization header and in
// the URL, signature v2 (OSS2, HMAC-SHA256, github.com/aliyun/aliyun-oss-go-sdk
// with oss.AuthV2) in the header and in the URL, and signature v4
// (OSS4-HMAC-SHA256, the default of github.com/aliyun/alibabacloud-oss-go-sdk-v2)
// in the header and in the URL.
// It is pure protocol code: no I/O, no clock, no key store, only the
// standard library.
//
// The server side is Parse (which scheme, which key id), then Auth.Verify
// with the secret and the server time; Authenticate combines both around a
// SecretLookup. The building blocks (StringToSignV1, CanonicalizedResource,
// CanonicalRequestV4, StringToSignV4, ...) are exported so the HTTP layer
// can render SignatureDoesNotMatch bodies and so other tests can check
// intermediate strings. SignRequestV1, PresignV1, SignRequestV4 and
// PresignV4 sign requests the way the official Go SDKs do.
//
// Behaviour follows /work/shared/spec/oss/auth.md and, where the spec is
// silent, the signers of github.com/aliyun/aliyun-oss-go-sdk v3.0.2
// (oss/auth.go, oss/conn.go) and github.com/aliyun/alibabacloud-oss-go-sdk-v2
// v1.6.1 (oss/signer/v1.go, v4.go):
//
//   - v1 CanonicalizedResource uses the raw object key and raw sub-resource
//     values; the sub-resource set is the union described at IsSubResource.
//   - v1 bucket-level resource: "/bucket/", or "/bucket" without the slash
//     as aliyun-oss-php-sdk 2.x signs for an IP endpoint (tried second).
//   - v1 Date line: x-oss-date when present, else Date; the skew is checked
//     against the same value.
//   - v4 canonical URI is "/bucket/key" escaped with RFC 3986 unreserved
//     characters and "/" kept; the canonical query holds every parameter
//     (except x-oss-signature in the URL form), decoded and re-encoded.
//   - v4 signs x-oss-*, content-type, content-md5 and the AdditionalHeaders;
//     the payload hash is x-oss-content-sha256 or UNSIGNED-PAYLOAD.
//   - v4 timestamp: x-oss-date (ISO 8601 basic); without it the Date header
//     (what aliyun-oss-go-sdk sends in v4 mode).
//   - v2 (aliyun-oss-go-sdk oss/auth.go getSignedStr, oss/conn.go
//     getResource and getSubResource; the spec does not describe it): the v1
//     string to sign plus the AdditionalHeaders among the canonical headers
//     and their names on a line of their own; the resource "/bucket/" and
//     the key are escaped with url.QueryEscape (space as %20, "/" as %2F);
//     every query parameter is signed, escaped the same way (a signed URL
//     leaves out x-oss-signature); the Date line is the Date header or
//     x-oss-expires; HMAC-SHA256, base64.
//
// # Errors
//
// All errors wrap one sentinel of errors.go; branch with errors.Is. The
// suggested OSS mapping (owned by the HTTP layer's single table):
//
//	ErrMalformedAuthorization   400 InvalidArgument
//	ErrAmbiguousSignature       400 InvalidArgument
//	ErrMissingQueryParameter    403 AccessDenied
//	ErrMalformedExpires         403 AccessDenied
//	ErrExpired                  403 AccessDenied
//	ErrMissingDate              403 AccessDenied
//	ErrRequestTimeTooSkewed     403 RequestTimeTooSkewed
//	ErrInvalidAccessKeyID       403 InvalidAccessKeyId
//	ErrInvalidSigningProduct    400 InvalidArgument (EC 0002-00000227)
//	ErrSignatureDoesNotMatch    403 SignatureDoesNotMatch
//
// A skewed request date is a *SkewError (errors.As) with both times and
// the skew allowed.
//
// A signature mismatch is a *SignatureError (errors.As) with the
// StringToSign, StringToSignBytes, CanonicalRequest (v4), SignatureProvided
// and OSSAccessKeyId elements of the OSS error body.
//
// # Security
//
//   - Signatures are compared with hmac.Equal (constant time in the
//     content).
//   - Time is injected: every check uses the caller's now; nothing reads the
//     clock. Header-signed requests must be within MaxSkew (15 minutes,
//     inclusive) of now; signed URLs are refused once now is past their
//     expiry (second resolution), v4 URLs also when x-oss-date is more than
//     MaxSkew in the future or x-oss-expires exceeds 7 days.
//   - Errors and SignatureError never contain the secret. They do contain the
//     string to sign, which OSS itself returns to the client.
//   - The security token is only extracted (Auth.SecurityToken); the caller
//     must check it. In the header forms it is signed as an x-oss- header, in
//     the v1 URL as the security-token sub-resource, in the v4 URL as a query
//     parameter.
//   - v4 with UNSIGNED-PAYLOAD (the SDK default) and all of v1 leave the body
//     unauthenticated unless Content-MD5 is sent and checked. When
//     Auth.PayloadHash is a real digest the HTTP layer must verify the body
//     against it; this package never reads bodies.
//   - Parsing is total: malformed input yields an error, never a panic
//     (FuzzParseAuthorization).
//
// # Concurrency
//
// All functions are safe for concurrent use; they share no state.
package ossauth
