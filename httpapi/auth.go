package httpapi

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/awschunked"
	"github.com/osslite/osslite/pkg/checksum"
	"github.com/osslite/osslite/pkg/sigv4"
)

// authenticateS3 verifies the AWS signature of rc (SigV4 header or query,
// SigV2 header or query) against the engine clock and says who sent it.
// SigV2 signs only its list of sub-resources (sigv4.SubResourcesV2), so
// a SigV2 request naming another sub-resource is refused, as OSS v1 and
// v2 ones are (authenticateOSS): otherwise a parameter appended to a
// captured request or presigned URL could change the operation.
func (s *server) authenticateS3(rc *request) (credentials, error) {
	r := rc.r
	vb := ""
	if rc.vhost {
		vb = rc.op.Bucket
	}
	res, err := sigv4.Verify(r, s.secret, s.clock.Now(), sigv4.VerifyOptions{
		MaxSkew: s.cfg.MaxSkew, VirtualHostBucket: vb, Keys: &s.keys, AltService: "s3express",
	})
	switch {
	case err == nil:
		if res.PlusIsPlus {
			// The signature read a raw '+' as a plus sign: so does
			// everything after it (a signed "a+b" must not act as "a b").
			r.URL.RawQuery = sigv4.QueryAsSigned(r, res)
			rc.q = r.URL.Query()
		}
		if res.Method == sigv4.MethodV4Query || res.Method == sigv4.MethodV2Query {
			hoistPresignedHeaders(rc, res.Method == sigv4.MethodV2Query)
		}
		if len(res.QueryHeaders) > 0 {
			// Signed headers the signature read from the query: the
			// request's, as S3 takes them, for choosing the operation
			// too: the route was matched before they were known, and a
			// URL signing x-amz-copy-source is a copy, not a PutObject
			// of its holder's body, so intake matches it again
			// (rematch).
			for k, vs := range res.QueryHeaders {
				rc.r.Header[k] = vs
			}
		}
		if sess, ok := s.express.get(res.AccessKeyID); ok {
			who, err := s.sessionPrincipal(rc, res, sess)
			if err != nil {
				return credentials{}, err
			}
			return credentials{who: who, sigv4: res, payloadHash: res.PayloadHash}, nil
		}
		if res.Method == sigv4.MethodV2Header || res.Method == sigv4.MethodV2Query {
			for name := range rc.q {
				if subresourceNames[strings.ToLower(name)] && !sigv4.IsSubResourceV2(name) && !rc.route.unsignedOK {
					return credentials{}, errorf("AccessDenied", "The sub-resource %s is not covered by the signature.", name)
				}
			}
		}
		who, err := s.identify(res.AccessKeyID, s3SessionToken(r, res))
		if err != nil {
			return credentials{}, err
		}
		c := credentials{who: who, sigv4: res}
		if res.Method == sigv4.MethodV4Header || res.Method == sigv4.MethodV4Query {
			c.payloadHash = res.PayloadHash
		}
		return c, nil
	case s.cfg.Permissive:
		return s.permissive(accessKeyOf(r)), nil
	case errors.Is(err, sigv4.ErrNoAuth):
		return credentials{who: principal{anonymous: true}}, nil
	}
	var mm *sigv4.MismatchError
	if errors.As(err, &mm) {
		// S3 judges a security token before the signature: a token that
		// does not belong to the key is InvalidToken (an appended one
		// also breaks the signature, which is then not the first fault).
		tok := headerValue(r.Header, "X-Amz-Security-Token")
		if tok == "" {
			tok = queryToken(r) // presigned, SigV4's or SigV2's
		}
		if _, ierr := s.identify(mm.AccessKeyID, tok); tok != "" && ierr != nil {
			return credentials{}, ierr
		}
	}
	return credentials{}, err
}

// hoistPresignedHeaders makes the x-amz-* query parameters of a verified
// presigned request that S3 reads as request headers into headers: SDKs
// presign a PutObject's metadata, canned ACL, grants, tags, storage class
// and redirect by moving those headers into the URL (aws-sdk-js-v3's
// presigner, aws-sdk-go v1, botocore and boto with SigV2), so that a
// browser's plain PUT to the URL stores them. The signature covers them:
// SigV4 signs the query, SigV2 signs them as amz headers
// (sigv4.StringToSignV2Query). With SigV2 the query's value replaces a
// header of the same name (the header is not what was signed); with
// SigV4 a header sent too was signed itself and is kept. Other x-amz-*
// parameters (server-side encryption, checksums, Object Lock, a copy
// source) are not read from the query, as S3 does not, unless a SigV4
// URL names them in SignedHeaders (sigv4.Result.QueryHeaders); with SigV2 a
// header of such a name is dropped, since the query's value is what the
// signature covers. SigV4's canonical query sorts a repeated parameter's
// values, so their order in the URL is not signed: the header takes them
// sorted. SigV2 signs them as one comma-joined line, which the pieces
// ("/x" and "y") and the whole ("/x,y") sign alike: the header is that
// one value.
func hoistPresignedHeaders(rc *request, v2 bool) {
	if !v2 && !anyHoisted(rc.q) {
		return // nothing to read (most presigned URLs): no second parse
	}
	h := rc.r.Header
	for l, vs := range sigv4.QueryAmzHeaders(rc.r) {
		switch {
		case hoistedHeader(l):
			if v2 {
				vs = []string{strings.Join(vs, ",")}
			} else {
				slices.Sort(vs)
			}
			if v2 || len(h.Values(l)) == 0 {
				h[http.CanonicalHeaderKey(l)] = vs
			}
		case v2:
			// Signed from the query in place of the header: a header of
			// that name sent beside it is unsigned.
			h.Del(l)
		}
	}
}

// anyHoisted reports whether a query names a header S3 reads from it.
func anyHoisted(q map[string][]string) bool {
	for name := range q {
		if hoistedHeader(name) {
			return true
		}
	}
	return false
}

// hoistedNames are the x-amz-* headers, besides x-amz-meta-*, S3 reads
// from a presigned URL's query.
var hoistedNames = []string{"x-amz-acl", "x-amz-grant-read", "x-amz-grant-write", "x-amz-grant-read-acp", "x-amz-grant-write-acp",
	"x-amz-grant-full-control", "x-amz-tagging", "x-amz-storage-class", "x-amz-website-redirect-location"}

// hoistedHeader says whether S3 reads the header name (in any case) from
// a presigned URL's query.
func hoistedHeader(name string) bool {
	const meta = "x-amz-meta-"
	if len(name) >= len(meta) && strings.EqualFold(name[:len(meta)], meta) {
		return true
	}
	for _, h := range hoistedNames {
		if strings.EqualFold(name, h) {
			return true
		}
	}
	return false
}

// accessKeyOf extracts the access key of a request without verifying it.
func accessKeyOf(r *http.Request) string {
	if h := headerValue(r.Header, "Authorization"); h != "" {
		if a, err := sigv4.ParseAuthorization(h); err == nil {
			return a.Credential.AccessKeyID
		}
		if ak, _, err := sigv4.ParseAuthorizationV2(h); err == nil {
			return ak
		}
		if _, rest, ok := strings.Cut(h, "Credential="); ok {
			ak, _, _ := strings.Cut(rest, "/")
			return ak
		}
		return ""
	}
	q := r.URL.Query()
	if c := q.Get("X-Amz-Credential"); c != "" {
		ak, _, _ := strings.Cut(c, "/")
		return ak
	}
	return q.Get("AWSAccessKeyId")
}

// checksumHeaders are the vendor-header names ("checksum-crc32", without
// the dialect's prefix) of checksum.Algorithms, built once.
var checksumHeaders = func() map[checksum.Algorithm]string {
	m := make(map[checksum.Algorithm]string, len(checksum.Algorithms))
	for _, a := range checksum.Algorithms {
		m[a] = "checksum-" + strings.ToLower(string(a))
	}
	return m
}()

// checksumHeader is the vendor-header name of a's checksum.
func checksumHeader(a checksum.Algorithm) string {
	if n, ok := checksumHeaders[a]; ok {
		return n
	}
	return "checksum-" + strings.ToLower(string(a))
}

// checksumAlgorithm reads x-?-checksum-algorithm, the algorithm a
// CreateMultipartUpload, CopyObject or PutObject asks the server to
// compute ("" when absent); an unknown one is 400 InvalidRequest naming
// those S3 knows.
func (rc *request) checksumAlgorithm() (checksum.Algorithm, error) {
	v := rc.header("checksum-algorithm")
	if v == "" {
		return "", nil
	}
	a, err := checksum.ParseAlgorithm(v)
	if err != nil {
		return "", errorf("InvalidRequest", "Checksum algorithm provided is unsupported. Please try again with any of the valid types: %s", validChecksumTypes)
	}
	return a, nil
}

// validChecksumTypes lists the algorithms for the error of an unsupported
// one, as S3 does: "[CRC32, CRC32C, ...]".
var validChecksumTypes = func() string {
	names := make([]string, len(checksum.Algorithms))
	for i, a := range checksum.Algorithms {
		names[i] = string(a)
	}
	return "[" + strings.Join(names, ", ") + "]"
}()

// checksumInput reads the flexible-checksum headers of rc (auth.md §5.3):
// at most one x-amz-checksum-<alg> header or x-amz-checksum-<alg> trailer,
// consistent with x-amz-sdk-checksum-algorithm. It returns nil when the
// request names no checksum.
func (rc *request) checksumInput() (*engine.ChecksumInput, error) {
	var found *engine.ChecksumInput
	alg, vals, n := rc.checksumHeadersSent()
	if n > 1 {
		return nil, errMultipleChecksums()
	}
	if n == 1 {
		sum, err := checksum.Decode(alg, vals[0])
		if err != nil {
			return nil, errorf("InvalidRequest", "Value for %s header is invalid.", rc.d.h(checksumHeader(alg)))
		}
		found = &engine.ChecksumInput{Algorithm: alg, Value: sum}
	}
	for t := range strings.SplitSeq(rc.header("trailer"), ",") {
		t = strings.ToLower(strings.TrimSpace(t))
		algName, ok := strings.CutPrefix(t, rc.d.h("checksum-"))
		if !ok {
			continue
		}
		a, err := checksum.ParseAlgorithm(algName)
		if err != nil {
			return nil, errorf("InvalidRequest", "The value specified in the x-amz-trailer header is not supported")
		}
		if found != nil {
			return nil, errMultipleChecksums()
		}
		if rc.chunked == nil {
			return nil, errorf("InvalidRequest", "x-amz-trailer requires an aws-chunked body")
		}
		z, trailer := rc.chunked.z, t
		found = &engine.ChecksumInput{Algorithm: a, Trailer: func() ([]byte, error) {
			v := z.Trailers().Get(trailer)
			if v == "" {
				return nil, fmt.Errorf("%w: trailer %s is missing", awschunked.ErrMalformedTrailer, trailer)
			}
			sum, err := checksum.Decode(a, v)
			if err != nil {
				return nil, errorf("InvalidRequest", "Value for %s trailing header is invalid.", trailer)
			}
			return sum, nil
		}}
	}
	if v := rc.header("sdk-checksum-algorithm"); v != "" {
		a, err := checksum.ParseAlgorithm(v)
		if err != nil {
			return nil, errorf("InvalidRequest", "Value for x-amz-sdk-checksum-algorithm header is invalid.")
		}
		if found == nil {
			return nil, errorf("InvalidRequest", "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.")
		}
		if found.Algorithm != a {
			return nil, errorf("InvalidRequest", "Value for x-amz-sdk-checksum-algorithm header is invalid.")
		}
	}
	return found, nil
}

// checksumHeadersSent finds the x-?-checksum-<alg> headers of rc: how
// many were sent, and the algorithm and values of the last one found. A
// header sent empty counts: S3 takes it as present, and invalid.
func (rc *request) checksumHeadersSent() (alg checksum.Algorithm, vals []string, n int) {
	for _, a := range checksum.Algorithms {
		if vs, ok := rc.r.Header[rc.d.headerKey(checksumHeader(a))]; ok {
			alg, vals, n = a, vs, n+1
		}
	}
	return alg, vals, n
}

// errMultipleChecksums is S3's refusal of more than one checksum header.
func errMultipleChecksums() error {
	return errorf("InvalidRequest", "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
}

// contentMD5 decodes the Content-MD5 header of h: nil when absent,
// InvalidDigest when present but empty or not a base64 MD5.
func contentMD5(h http.Header) ([]byte, error) {
	vs, ok := h["Content-Md5"]
	if !ok {
		return nil, nil
	}
	sent := strings.Join(vs, ",")
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(sent))
	if err != nil || len(b) != md5.Size {
		e := errorf("InvalidDigest", "")
		e.Err = badContentMD5(sent)
		return nil, e
	}
	return b, nil
}

// digests says which digests of a whole-read body to check.
type digests uint8

const (
	// digestsOptional verifies Content-MD5 and a flexible checksum when sent.
	digestsOptional digests = iota
	// digestsRequired also requires one of them (DeleteObjects).
	digestsRequired
	// digestsMD5 verifies only Content-MD5: the x-amz-checksum-* headers
	// of the request describe something else (CompleteMultipartUpload).
	digestsMD5
)

// verifyDigests checks Content-MD5 and a flexible checksum of a body read
// whole (XML documents).
func (rc *request) verifyDigests(data []byte, mode digests) error {
	want, err := contentMD5(rc.r.Header)
	if err != nil {
		return err
	}
	if want != nil {
		if sum := md5.Sum(data); !bytes.Equal(sum[:], want) {
			return &engine.DigestError{Algorithm: engine.ContentMD5, Expected: want, Calculated: sum[:]}
		}
	}
	if mode == digestsMD5 {
		return nil
	}
	ck, err := rc.checksumInput()
	if err != nil {
		return err
	}
	if ck != nil {
		exp := ck.Value
		if ck.Trailer != nil {
			if exp, err = ck.Trailer(); err != nil {
				return err
			}
		}
		h := ck.Algorithm.New()
		h.Write(data)
		if !bytes.Equal(h.Sum(nil), exp) {
			return &engine.DigestError{Algorithm: string(ck.Algorithm)}
		}
	}
	if mode == digestsRequired && want == nil && ck == nil {
		return errorf("InvalidRequest", "Missing required header for this request: Content-MD5")
	}
	return nil
}

// readDocument is readBody for a document the request must carry:
// MissingRequestBodyError when it has none.
func (rc *request) readDocument(limit int64, mode digests) ([]byte, error) {
	data, err := rc.readBody(limit, mode)
	if err == nil && data == nil {
		err = errorf("MissingRequestBodyError", "")
	}
	return data, err
}

// readBody reads a whole XML request document of at most limit bytes and
// verifies its digests. An empty document gives nil data.
func (rc *request) readBody(limit int64, mode digests) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(rc.body, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, errorf("MaxMessageLengthExceeded", "Your request was too big: the limit is %d bytes.", limit)
	}
	if err := rc.verifyDigests(data, mode); err != nil {
		return nil, err
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, nil
	}
	// Whatever its first byte: encoding/xml skips what precedes the root
	// (a byte order mark, any text), so every body is checked.
	if err := checkDocDepth(trimmed); err != nil {
		return nil, err
	}
	return data, nil
}
