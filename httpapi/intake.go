package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/osslite/osslite/pkg/awschunked"
	"github.com/osslite/osslite/pkg/sigv4"
)

// The request intake turns an *http.Request into what handlers use: who
// sent it (rc.who), the verified body (rc.body, its declared length
// rc.size) and, for aws-chunked bodies, where the trailers come from
// (rc.chunked). Every authentication form goes through it; the route's
// authMode says where the credentials are.

// credentials is what authentication established about a request.
type credentials struct {
	who principal
	// payloadHash is the body hash the signature covers: 64 hex digits,
	// one of the aws-chunked modes, UNSIGNED-PAYLOAD, or "" when the
	// signature says nothing about the body.
	payloadHash string
	// sigv4 is the SigV4 result (aws-chunked chunks are signed with it);
	// nil for other schemes.
	sigv4 *sigv4.Result
}

// intake authenticates rc as its route says and prepares its body.
func (s *server) intake(rc *request) error {
	r := rc.r
	rc.body, rc.size = r.Body, r.ContentLength
	if r.Body == nil || r.Body == http.NoBody {
		rc.body, rc.size = http.NoBody, 0
	} else if r.ProtoMajor == 2 {
		rc.body = h2Body{r.Body}
	}
	s.guardBody(rc)
	switch rc.route.auth {
	case authPreflight:
		rc.who = principal{anonymous: true}
		return nil
	case authForm:
		// The credentials travel inside the form: the handler verifies
		// them as it reads the fields, before the file.
		rc.who = principal{anonymous: true}
		return nil
	}
	if err := s.refuseScheme(rc); err != nil {
		return err
	}
	c, err := rc.d.authenticate(s, rc)
	if err != nil {
		return err
	}
	if c.sigv4 != nil && len(c.sigv4.QueryHeaders) > 0 {
		if err := rc.rematch(); err != nil {
			return err
		}
	}
	rc.who, rc.auth = c.who, c.sigv4
	if err := s.admitAnonymous(rc); err != nil {
		return err
	}
	if rc.d.requesterHeader != "" && !rc.who.anonymous {
		rc.w.Header().Set(rc.d.requesterHeader, s.shownID(rc.d, rc.who.id))
	}
	return s.prepareBody(rc, c)
}

// permissive is who an unverified request acts as in permissive mode: the
// access key it names, or the default owner.
func (s *server) permissive(ak string) credentials {
	if ak == "" {
		ak = s.cfg.Owner
	}
	if u, ok := s.dir.Lookup(ak); ok {
		return credentials{who: principal{accessKey: ak, id: u.userID(ak)}}
	}
	c := credentials{who: principal{accessKey: ak, id: ownerID(ak)}}
	s.names.add(c.who.id)
	return c
}

// seenNames remembers the canonical IDs (ownerID) of the access keys
// permissive mode has seen, for Sina's short user IDs, up to
// maxSeenNames: the keys a client may make up are endless. Display names
// are not taken from them: an access key is shown to no one (the
// thirty-fourth session's security review).
type seenNames struct {
	mu     sync.RWMutex
	byID   map[string]struct{} // canonical IDs seen
	bySina map[string]string   // upper-case first 16 hex digits -> canonical ID
}

const maxSeenNames = 10000

// add remembers id, unless it is known or the set is full.
func (n *seenNames) add(id string) {
	n.mu.RLock()
	_, known := n.byID[id]
	n.mu.RUnlock()
	if known {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.byID == nil {
		n.byID, n.bySina = map[string]struct{}{}, map[string]string{}
	}
	if _, known := n.byID[id]; known || len(n.byID) >= maxSeenNames {
		return
	}
	n.byID[id] = struct{}{}
	if len(id) == 64 {
		n.bySina[strings.ToUpper(id[:16])] = id
	}
}

// bySinaID returns the canonical ID whose first 16 hex digits are
// prefix (any case).
func (n *seenNames) bySinaID(prefix string) (string, bool) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	id, ok := n.bySina[strings.ToUpper(prefix)]
	return id, ok
}

// chunkedBody is an aws-chunked request body being decoded.
type chunkedBody struct {
	z *awschunked.Reader
}

// prepareBody wraps rc.body in the decoders and verifiers c calls for:
// aws-chunked bodies are decoded (chunk and trailer signatures verified),
// and a body whose SHA-256 the signature covers (header-signed, presigned
// with X-Amz-Content-Sha256, OSS v4) is checked when it reaches EOF, so a
// mismatch surfaces as a read error before anything is committed. An
// x-amz-content-sha256 header the signature does not cover is checked too.
func (s *server) prepareBody(rc *request, c credentials) error {
	r := rc.r
	payload := c.payloadHash
	if payload == "" || payload == sigv4.UnsignedPayload {
		payload = headerValue(r.Header, "X-Amz-Content-Sha256")
	}
	if mode, ok := awschunked.ParseMode(payload); ok {
		if op := rc.route.op; op != "PutObject" && op != "UploadPart" {
			// Only object bodies travel aws-chunked.
			return errorf("InvalidRequest", "The value of x-amz-content-sha256 header is invalid.")
		}
		if mode.Signed() && c.sigv4 == nil && !s.cfg.Permissive {
			return errorf("InvalidRequest", "Anonymous requests don't support this x-amz-content-sha256 value. Please use UNSIGNED-PAYLOAD or STREAMING-UNSIGNED-PAYLOAD-TRAILER.")
		}
		n, err := strconv.ParseInt(headerValue(r.Header, "X-Amz-Decoded-Content-Length"), 10, 64)
		if err != nil || n < 0 {
			return errorf("MissingContentLength", "")
		}
		opts := awschunked.Options{Mode: mode, DecodedLength: n}
		for _, t := range strings.Split(headerValue(r.Header, "X-Amz-Trailer"), ",") {
			if t = strings.TrimSpace(t); t != "" {
				opts.Trailers = append(opts.Trailers, strings.ToLower(t))
			}
		}
		if mode.Signed() {
			switch {
			case c.sigv4 != nil && c.sigv4.Method == sigv4.MethodV4Header:
				opts.SigningKey = c.sigv4.SigningKey
				opts.Timestamp = c.sigv4.Timestamp
				opts.Scope = c.sigv4.Scope.String()
				opts.SeedSignature = c.sigv4.Signature
			case s.cfg.Permissive:
				// The signature was not verified (any key is accepted), so
				// neither can the chunks be: decode them without checking.
				opts.SkipVerify = true
			default:
				return errorf("InvalidRequest", "%s needs a request signed with a known access key", payload)
			}
		}
		rc.chunked = &chunkedBody{z: awschunked.NewReader(rc.body, opts)}
		rc.body, rc.size = rc.chunked.z, n
		return nil
	}
	if claim := anonymousClaim(r, c); claim != "" {
		// No signature covers an anonymous request's
		// x-amz-content-sha256, so S3 does not judge its form: it
		// compares it with the body's SHA-256, which a value that is no
		// digest never matches (XAmzContentSHA256Mismatch naming both,
		// once the body is read, after authorization;
		// versity/versitygw#1423).
		rc.body = &sha256Reader{r: rc.body, claim: claim}
		return nil
	}
	for _, p := range []string{c.payloadHash, headerValue(r.Header, "X-Amz-Content-Sha256")} {
		if len(p) != 64 {
			continue
		}
		v := &sha256Reader{r: rc.body}
		if _, err := hex.Decode(v.want[:], []byte(p)); err != nil {
			// The error table words it, as for a header SigV4 refuses.
			return &sigv4.Error{Kind: sigv4.ErrInvalidContentSHA256, ArgumentValue: p}
		}
		if r.ContentLength == 0 && !strings.EqualFold(p, sigv4.EmptySHA256) {
			// No body: the mismatch is known before anything else.
			return &sha256MismatchError{client: p, server: sigv4.EmptySHA256}
		}
		rc.body = v
		if p == headerValue(r.Header, "X-Amz-Content-Sha256") {
			break // one check when both say the same
		}
	}
	return nil
}

// anonymousClaim is the x-amz-content-sha256 value of an anonymous request
// when it is neither a digest nor a literal SigV4 knows, else "".
func anonymousClaim(r *http.Request, c credentials) string {
	if !c.who.anonymous {
		return ""
	}
	v := headerValue(r.Header, "X-Amz-Content-Sha256")
	if v == "" || !errors.Is(sigv4.ValidPayloadHash(v), sigv4.ErrInvalidContentSHA256) {
		return ""
	}
	return v
}

// sha256Reader passes a body through and, at EOF, fails with a
// *sha256MismatchError instead of io.EOF when the body's SHA-256 is not
// want. A claim (a header value that is no digest) never matches.
//
// The hash is made at the first Read: most requests that carry a digest
// (every GET and HEAD the SDKs sign) have no body, which nothing reads.
type sha256Reader struct {
	r     io.Reader
	h     hash.Hash // nil until the first Read
	want  [sha256.Size]byte
	claim string
	done  error
}

func (v *sha256Reader) Read(p []byte) (int, error) {
	if v.done != nil {
		return 0, v.done
	}
	if v.h == nil {
		v.h = sha256.New()
	}
	n, err := v.r.Read(p)
	v.h.Write(p[:n])
	if err == io.EOF {
		if got := v.h.Sum(nil); v.claim != "" || !bytes.Equal(got, v.want[:]) {
			client := v.claim
			if client == "" {
				client = hex.EncodeToString(v.want[:])
			}
			err = &sha256MismatchError{client: client, server: hex.EncodeToString(got)}
		}
		v.done = err
	}
	return n, err
}

// headerSection is the size of r's header section as sent ("Name: value"
// lines and the Host line), without Cookie: S3 limits the section to 8 KB,
// and cookies a browser sends to a development host (every local port
// shares them) are not the request's own.
func headerSection(r *http.Request) int {
	n := len("Host: \r\n") + len(r.Host)
	for k, vs := range r.Header {
		if k == "Cookie" {
			continue
		}
		for _, v := range vs {
			n += len(k) + len(": \r\n") + len(v)
		}
	}
	return n
}

// h2Body is an HTTP/2 request body read as HTTP/1.1's is. Go's HTTP/2
// server ends a stream that stops short of its declared Content-Length,
// or that its client resets, with errors of its own, where HTTP/1.1's
// reader answers io.ErrUnexpectedEOF for both: IncompleteBody (400), as
// S3 answers a short body. Read deadlines (throttle.go) pass unchanged.
type h2Body struct{ r io.Reader }

func (b h2Body) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF && !errors.Is(err, os.ErrDeadlineExceeded) {
		err = fmt.Errorf("%w (%v)", io.ErrUnexpectedEOF, err)
	}
	return n, err
}

// rematch matches rc's route again once its headers changed (a presigned
// URL's signed headers read from its query), as serve first matched it:
// a header may choose another operation (x-amz-copy-source) or make the
// request one S3 refuses. A request already answered as unimplemented
// (refuseUnimplemented) keeps its route.
func (rc *request) rematch() error {
	if rc.route == nil || rc.route.op == "Unknown" {
		return nil
	}
	rt, rerr := match(rc.d, rc.r, rc.route.target, rc.q)
	if rerr != nil {
		return rerr
	}
	if refusesOnDirectory(rc.d, rc.op.Bucket, rt.op) {
		return errorf("NotImplemented", "%s is not supported for directory buckets.", rt.op)
	}
	rc.route, rc.op.Operation = rt, rt.op
	return nil
}
