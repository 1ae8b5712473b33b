package httpapi

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/awschunked"
	"github.com/osslite/osslite/pkg/checksum"
	"github.com/osslite/osslite/pkg/sigv4"
)

// Error is a wire error: a code of the codes table, its HTTP status, a
// message and extra child elements of the error document. Handlers return
// it (or any error the sentinel table maps) and the dialect renders it.
type Error struct {
	Code    string
	Status  int
	Message string
	// Extra holds additional elements of the error document, in order
	// (e.g. BucketName, Key, StringToSign).
	Extra []Field
	// Header holds extra response headers (e.g. Content-Range on 416).
	Header http.Header
	// Err is the underlying error, if any.
	Err error
}

// Field is one extra element of an error document.
type Field struct{ Name, Value string }

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("httpapi: %s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("httpapi: %s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

func (e *Error) with(name, value string) *Error {
	e.Extra = append(e.Extra, Field{name, value})
	return e
}

// codes is the one table of S3 error codes: HTTP status and default
// message (errors.md §2).
var codes = map[string]struct {
	status  int
	message string
}{
	"AccessDenied":                      {403, "Access Denied"},
	"AuthorizationHeaderMalformed":      {400, "The authorization header you provided is invalid."},
	"AuthorizationQueryParametersError": {400, "Error parsing the query-string authentication parameters."},
	"BadDigest":                         {400, "The Content-MD5 you specified did not match what we received."},
	"BucketAlreadyExists":               {409, "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again."},
	"BucketAlreadyOwnedByYou":           {409, "Your previous request to create the named bucket succeeded and you already own it."},
	"BucketNotEmpty":                    {409, "The bucket you tried to delete is not empty"},
	"EntityTooLarge":                    {400, "Your proposed upload exceeds the maximum allowed object size."},
	"EntityTooSmall":                    {400, "Your proposed upload is smaller than the minimum allowed object size."},
	"IncompleteBody":                    {400, "You did not provide the number of bytes specified by the Content-Length HTTP header."},
	"InternalError":                     {500, "We encountered an internal error. Please try again."},
	"InvalidAccessKeyId":                {403, "The AWS Access Key Id you provided does not exist in our records."},
	"InvalidArgument":                   {400, "Invalid Argument"},
	"InvalidBucketName":                 {400, "The specified bucket is not valid."},
	"InvalidChunkSizeError":             {400, "Only the last chunk is allowed to have a size less than 8192 bytes"},
	"InvalidDigest":                     {400, "The Content-MD5 you specified is not valid."},
	"InvalidPart":                       {400, "One or more of the specified parts could not be found. The part might not have been uploaded, or the specified entity tag might not have matched the part's entity tag."},
	"InvalidPartNumber":                 {416, "The requested partnumber is not satisfiable"},
	"InvalidPartOrder":                  {400, "The list of parts was not in ascending order. The parts list must be specified in order by part number."},
	"InvalidRange":                      {416, "The requested range is not satisfiable"},
	"InvalidRequest":                    {400, "Invalid Request"},
	"InvalidStorageClass":               {400, "The storage class you specified is not valid"},
	"InvalidTag":                        {400, "The TagSet you provided is not valid."},
	"InvalidURI":                        {400, "Couldn't parse the specified URI."},
	"KeyTooLongError":                   {400, "Your key is too long"},
	"MalformedACLError":                 {400, "The XML you provided was not well-formed or did not validate against our published schema"},
	"MalformedTrailerError":             {400, "The request contained trailing data that was not well-formed or did not conform to our published schema."},
	"MalformedXML":                      {400, "The XML you provided was not well-formed or did not validate against our published schema"},
	"MaxMessageLengthExceeded":          {400, "Your request was too big."},
	"MetadataTooLarge":                  {400, "Your metadata headers exceed the maximum allowed metadata size."},
	"MethodNotAllowed":                  {405, "The specified method is not allowed against this resource."},
	"MissingContentLength":              {411, "You must provide the Content-Length HTTP header."},
	"MissingRequestBodyError":           {400, "Request Body is empty."},
	"NoSuchBucket":                      {404, "The specified bucket does not exist"},
	"NoSuchKey":                         {404, "The specified key does not exist."},
	"NoSuchTagSet":                      {404, "The TagSet does not exist"},
	"NoSuchUpload":                      {404, "The specified multipart upload does not exist. The upload ID might be invalid, or the multipart upload might have been aborted or completed."},
	"NoSuchVersion":                     {404, "The version ID specified in the request does not match an existing version."},
	"NotImplemented":                    {501, "A header you provided implies functionality that is not implemented."},
	"PreconditionFailed":                {412, "At least one of the pre-conditions you specified did not hold"},
	"RequestTimeTooSkewed":              {403, "The difference between the request time and the current time is too large."},
	"ServiceUnavailable":                {503, "Service is unable to handle request."},
	"SignatureDoesNotMatch":             {403, "The request signature we calculated does not match the signature you provided. Check your key and signing method."},
	"SlowDown":                          {503, "Please reduce your request rate."},
	"UnexpectedContent":                 {400, "This request does not support content."},
	"MissingSecurityHeader":             {400, "Your request was missing a required header."},
	"UnresolvableGrantByEmailAddress":   {400, "The email address you provided does not match any account on record."},
	"XAmzContentSHA256Mismatch":         {400, "The provided 'x-amz-content-sha256' header does not match what was computed."},
}

// errorf returns the Error of code with a message (the table's default
// when msg is empty).
func errorf(code, msg string, args ...any) *Error {
	c, ok := codes[code]
	if !ok {
		c.status = http.StatusInternalServerError
	}
	if msg == "" {
		msg = c.message
	} else if len(args) > 0 {
		msg = fmt.Sprintf(msg, args...)
	}
	return &Error{Code: code, Status: c.status, Message: msg}
}

// StatusOf returns the HTTP status of an S3 error code (500 if unknown).
func StatusOf(code string) int {
	if c, ok := codes[code]; ok {
		return c.status
	}
	return http.StatusInternalServerError
}

// sentinels maps the sentinel errors of engine, sigv4, awschunked and
// checksum to wire codes. The first match (errors.Is) wins, so more specific
// sentinels come first. Message "" keeps the codes table's message.
var sentinels = []struct {
	err     error
	code    string
	message string
}{
	{engine.ErrNoSuchBucket, "NoSuchBucket", ""},
	{engine.ErrNoSuchKey, "NoSuchKey", ""},
	{engine.ErrBucketNotEmpty, "BucketNotEmpty", ""},
	{engine.ErrBucketAlreadyExists, "BucketAlreadyExists", ""},
	{engine.ErrBucketAlreadyOwnedByYou, "BucketAlreadyOwnedByYou", ""},
	{engine.ErrInvalidBucketName, "InvalidBucketName", ""},
	{engine.ErrKeyTooLong, "KeyTooLongError", ""},
	{engine.ErrInvalidKey, "InvalidURI", ""},
	{engine.ErrPreconditionFailed, "PreconditionFailed", ""},
	{engine.ErrInvalidRange, "InvalidRange", ""},
	{engine.ErrBadDigest, "BadDigest", ""},
	{engine.ErrIncompleteBody, "IncompleteBody", ""},
	{engine.ErrInvalidTag, "InvalidTag", ""},
	{engine.ErrInvalidCopyRequest, "InvalidRequest", "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes."},
	{engine.ErrEntityTooLarge, "EntityTooLarge", ""},
	{engine.ErrInvalidPartNumber, "InvalidPartNumber", ""},
	{engine.ErrNoSuchUpload, "NoSuchUpload", ""},
	{engine.ErrInvalidPartOrder, "InvalidPartOrder", ""},
	{engine.ErrInvalidPart, "InvalidPart", ""},
	{engine.ErrEntityTooSmall, "EntityTooSmall", ""},
	{engine.ErrInvalidArgument, "InvalidArgument", "-"},
	{engine.ErrClosed, "ServiceUnavailable", ""},

	{sigv4.ErrSignatureMismatch, "SignatureDoesNotMatch", ""},
	{sigv4.ErrMalformedAuthorization, "AuthorizationHeaderMalformed", ""},
	{sigv4.ErrMalformedPresigned, "AuthorizationQueryParametersError", "-"},
	{sigv4.ErrUnsupportedAlgorithm, "InvalidRequest", "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."},
	{sigv4.ErrMultipleAuth, "InvalidArgument", "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified"},
	{sigv4.ErrNoAuth, "AccessDenied", ""},
	{sigv4.ErrInvalidAccessKeyID, "InvalidAccessKeyId", ""},
	{sigv4.ErrMissingDate, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header"},
	{sigv4.ErrRequestTimeTooSkewed, "RequestTimeTooSkewed", ""},
	{sigv4.ErrExpired, "AccessDenied", "Request has expired"},
	{sigv4.ErrNotYetValid, "AccessDenied", "Request is not valid yet"},
	{sigv4.ErrWrongRegion, "AuthorizationHeaderMalformed", ""},
	{sigv4.ErrMissingContentSHA256, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256"},
	{sigv4.ErrInvalidContentSHA256, "InvalidArgument", "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, or a valid sha256 value."},

	{awschunked.ErrSignatureMismatch, "SignatureDoesNotMatch", ""},
	{awschunked.ErrMalformedTrailer, "MalformedTrailerError", ""},
	{awschunked.ErrChunkTooSmall, "InvalidChunkSizeError", ""},
	{awschunked.ErrLengthMismatch, "IncompleteBody", ""},
	{awschunked.ErrMalformed, "IncompleteBody", ""},
	{io.ErrUnexpectedEOF, "IncompleteBody", ""},

	{checksum.ErrUnknownAlgorithm, "InvalidRequest", "-"},
	{checksum.ErrInvalidChecksum, "InvalidRequest", "-"},

	{errContentSHA256Mismatch, "XAmzContentSHA256Mismatch", ""},
	{errBodyTooLarge, "MaxMessageLengthExceeded", ""},
}

// errContentSHA256Mismatch is returned by the body reader when the body
// does not hash to x-amz-content-sha256.
var errContentSHA256Mismatch = errors.New("httpapi: body does not match x-amz-content-sha256")

// errBodyTooLarge is returned when an XML document exceeds its cap.
var errBodyTooLarge = errors.New("httpapi: request document too large")

// sha256MismatchError carries the two hashes of a XAmzContentSHA256Mismatch.
type sha256MismatchError struct{ client, server string }

func (e *sha256MismatchError) Error() string {
	return errContentSHA256Mismatch.Error() + ": client " + e.client + ", server " + e.server
}
func (e *sha256MismatchError) Unwrap() error { return errContentSHA256Mismatch }

// toError maps any error to a wire Error, adding the per-code extras.
// Errors not in the table become InternalError (internal is true).
func toError(err error) (e *Error, internal bool) {
	if errors.As(err, &e) {
		return e, false
	}
	for _, s := range sentinels {
		if !errors.Is(err, s.err) {
			continue
		}
		msg := s.message
		if msg == "-" {
			msg = err.Error()
		}
		e = errorf(s.code, msg)
		e.Err = err
		var mm *sigv4.MismatchError
		var re *engine.RangeError
		var de *engine.DigestError
		var se *sha256MismatchError
		var pe *engine.PartError
		switch {
		case errors.As(err, &pe):
			e.with("PartNumber", strconv.Itoa(pe.PartNumber)).with("ETag", pe.ETag)
			if errors.Is(err, engine.ErrEntityTooSmall) {
				e.with("ProposedSize", strconv.FormatInt(pe.Size, 10)).with("MinSizeAllowed", strconv.FormatInt(pe.MinSize, 10))
			}
		case errors.As(err, &mm):
			e.with("AWSAccessKeyId", mm.AccessKeyID).
				with("StringToSign", mm.StringToSign).
				with("SignatureProvided", mm.SignatureProvided).
				with("StringToSignBytes", hexBytes(mm.StringToSign))
			if mm.CanonicalRequest != "" {
				e.with("CanonicalRequest", mm.CanonicalRequest).
					with("CanonicalRequestBytes", hexBytes(mm.CanonicalRequest))
			}
		case errors.As(err, &re):
			e.with("ActualObjectSize", strconv.FormatInt(re.Size, 10))
			e.Header = http.Header{"Content-Range": {"bytes */" + strconv.FormatInt(re.Size, 10)}}
		case errors.As(err, &de) && de.Algorithm != "MD5":
			e.Message = fmt.Sprintf("The %s you specified did not match the calculated checksum.", de.Algorithm)
		case errors.As(err, &se):
			e.with("ClientComputedContentSHA256", se.client).with("S3ComputedContentSHA256", se.server)
		}
		return e, false
	}
	e = errorf("InternalError", "")
	e.Err = err
	return e, true
}

func hexBytes(s string) string {
	const digits = "0123456789abcdef"
	b := make([]byte, 0, len(s)*3)
	for i := 0; i < len(s); i++ {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, digits[s[i]>>4], digits[s[i]&15])
	}
	return string(b)
}
