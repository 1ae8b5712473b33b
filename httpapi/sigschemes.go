package httpapi

import (
	"errors"
	"fmt"
	"strings"

	"github.com/osslite/osslite/pkg/sigv4"
)

// SignatureSchemes is a set of the HMAC-SHA1 signature schemes a server
// may refuse (Config.RefuseSignatures). SigV2, OSS v1 and Sina's ssig
// are base64 HMAC-SHA1 over nearly the same lines, and osslite's keys
// serve every dialect, so a signature made for one of them verifies for
// another (docs/sdk-suites.md, "Cross-scheme replay"): a server whose
// clients need one of them refuses the other two. SigV4, OSS v4 and OSS
// v2 (HMAC-SHA256, with their own key derivations or string to sign) are
// never refused.
type SignatureSchemes uint8

const (
	// SchemeSigV2 is S3's Signature Version 2: "Authorization: AWS
	// key:signature", presigned URLs with AWSAccessKeyId, Expires and
	// Signature, and POST forms signed with AWSAccessKeyId and
	// Signature. Refused, it is answered as S3 answers it where SigV2 is
	// not accepted (regions opened since 2014, buckets created since
	// June 2020): 400 InvalidRequest "The authorization mechanism you
	// have provided is not supported. Please use AWS4-HMAC-SHA256."
	SchemeSigV2 SignatureSchemes = 1 << iota
	// SchemeOSSV1 is OSS's signature version 1: "Authorization: OSS
	// key:signature", URLs with OSSAccessKeyId, Expires and Signature,
	// and POST forms with OSSAccessKeyId and Signature. Refused, it is
	// answered as OSS answers V1 since it stopped taking it (EC
	// 0002-00000080, 403): 403 AccessDenied (OSS documents the status
	// and EC, not the code).
	SchemeOSSV1
	// SchemeSinaSSIG is Sina SCS's ssig: "Authorization: SINA key:ssig",
	// URLs with KID, Expires and ssig, and POST forms (AWSAccessKeyId,
	// Policy, Signature). Sina has no other scheme: refused, only
	// anonymous Sina requests remain, and signed ones are answered 403
	// AccessDenied in Sina's error document.
	SchemeSinaSSIG

	// SchemesHMACSHA1 is all of them.
	SchemesHMACSHA1 = SchemeSigV2 | SchemeOSSV1 | SchemeSinaSSIG
)

// ErrUnknownSignatureScheme is returned by ParseSignatureSchemes for a
// name it does not know.
var ErrUnknownSignatureScheme = errors.New("httpapi: unknown signature scheme")

// schemeNames are the names ParseSignatureSchemes takes and String
// writes, in order.
var schemeNames = []struct {
	s    SignatureSchemes
	name string
}{{SchemeSigV2, "sigv2"}, {SchemeOSSV1, "oss-v1"}, {SchemeSinaSSIG, "sina"}}

// ParseSignatureSchemes reads a comma-separated list of scheme names:
// "sigv2", "oss-v1" and "sina" (any case, spaces ignored). "" and "none"
// are the empty set.
func ParseSignatureSchemes(list string) (SignatureSchemes, error) {
	var set SignatureSchemes
	for name := range strings.SplitSeq(list, ",") {
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" || name == "none" {
			continue
		}
		found := false
		for _, n := range schemeNames {
			if n.name == name {
				set, found = set|n.s, true
			}
		}
		if !found {
			return 0, fmt.Errorf("%w %q: want sigv2, oss-v1 or sina", ErrUnknownSignatureScheme, name)
		}
	}
	return set, nil
}

// String lists the set as ParseSignatureSchemes reads it ("none" when
// empty).
func (s SignatureSchemes) String() string {
	var names []string
	for _, n := range schemeNames {
		if s&n.s != 0 {
			names = append(names, n.name)
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ",")
}

// hmacScheme is a dialect's HMAC-SHA1 scheme: its bit, whether a
// request (header or URL; forms are told by their fields, postobject.go)
// is signed with it, and the answer when it is refused.
type hmacScheme struct {
	scheme  SignatureSchemes
	signed  func(rc *request) bool
	refused func() error
}

// refuseScheme refuses rc when it is signed with its dialect's HMAC-SHA1
// scheme and the server refuses that scheme. It runs before the
// signature is verified and before anything is read: a service that does
// not take a scheme answers the same whether the signature is good or
// not (versitygw's PresignedAuth_sigv2_not_supported signs
// "my-signature"). It costs a request one test when nothing is refused.
func (s *server) refuseScheme(rc *request) error {
	h := &rc.d.hmacSHA1
	if s.cfg.RefuseSignatures&h.scheme == 0 || h.signed == nil || !h.signed(rc) {
		return nil
	}
	return h.refused()
}

// signedSigV2 tells a SigV2 request (header or presigned URL) as
// sigv4.Detect does.
func signedSigV2(rc *request) bool {
	if auth := headerValue(rc.r.Header, "Authorization"); auth != "" {
		return strings.HasPrefix(auth, "AWS ")
	}
	q := rc.q
	if q.Has("X-Amz-Algorithm") || q.Has("X-Amz-Credential") || q.Has("X-Amz-Signature") {
		return false
	}
	return q.Has("AWSAccessKeyId") || q.Has("Signature") && q.Has("Expires")
}

// signedOSSV1 tells an OSS v1 request (header or URL) as ossauth.Parse
// does.
func signedOSSV1(rc *request) bool {
	if auth := headerValue(rc.r.Header, "Authorization"); auth != "" {
		return strings.HasPrefix(auth, "OSS ")
	}
	q := rc.q
	if q.Has("x-oss-signature-version") || q.Has("x-oss-credential") || q.Has("x-oss-signature") {
		return false
	}
	return q.Has("OSSAccessKeyId") || q.Has("Expires") || q.Has("Signature")
}

// signedSSIG tells an ssig request (header or URL) as ssig.Parse does.
func signedSSIG(rc *request) bool {
	return strings.HasPrefix(headerValue(rc.r.Header, "Authorization"), "SINA ") || rc.q.Has("KID") || rc.q.Has("ssig")
}

// errSigV2Refused is a refused SigV2 request or form: the sigv4 sentinel
// of an authorization mechanism S3 does not take, which the sentinel
// table words as S3 does.
func errSigV2Refused() error {
	return fmt.Errorf("%w: SigV2 is refused by this server (Config.RefuseSignatures)", sigv4.ErrUnsupportedAlgorithm)
}

// errOSSV1Refused is a refused OSS v1 request or form, with the EC OSS
// gives V1 signatures since it stopped taking them.
func errOSSV1Refused() error {
	e := errorf("AccessDenied", "The OSS V1 signature is not accepted by this server. Please use the V4 signature (OSS4-HMAC-SHA256).")
	e.ec = "0002-00000080"
	return e
}

// errSSIGRefused is a refused ssig request or form.
func errSSIGRefused() error {
	return errorf("AccessDenied", "ssig signatures are not accepted by this server: only anonymous requests are served in the SCS protocol.")
}
