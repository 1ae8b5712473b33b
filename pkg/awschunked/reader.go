package awschunked

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"slices"
	"strings"
)

// Mode selects the aws-chunked variant.
type Mode int

// The supported variants.
const (
	// SignedPayload is STREAMING-AWS4-HMAC-SHA256-PAYLOAD.
	SignedPayload Mode = iota + 1
	// SignedPayloadTrailer is STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER.
	SignedPayloadTrailer
	// UnsignedPayloadTrailer is STREAMING-UNSIGNED-PAYLOAD-TRAILER.
	UnsignedPayloadTrailer
)

// ParseMode maps an x-amz-content-sha256 value to its Mode; ok is false for
// values that are not a supported aws-chunked variant.
func ParseMode(contentSHA256 string) (m Mode, ok bool) {
	switch contentSHA256 {
	case "STREAMING-AWS4-HMAC-SHA256-PAYLOAD":
		return SignedPayload, true
	case "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER":
		return SignedPayloadTrailer, true
	case "STREAMING-UNSIGNED-PAYLOAD-TRAILER":
		return UnsignedPayloadTrailer, true
	}
	return 0, false
}

// Signed reports whether chunks carry signatures.
func (m Mode) Signed() bool { return m == SignedPayload || m == SignedPayloadTrailer }

// HasTrailer reports whether the body ends with trailing headers.
func (m Mode) HasTrailer() bool { return m == SignedPayloadTrailer || m == UnsignedPayloadTrailer }

// Limits.
const (
	// MaxLineLength bounds a chunk-size line or trailer line, CRLF included.
	MaxLineLength = 4096
	// MaxTrailerBytes bounds the total size of the trailer section.
	MaxTrailerBytes = 16 << 10
	// MinChunkSize is the smallest size allowed, in every mode, for every
	// chunk except the last non-empty one (S3 refuses smaller ones in
	// unsigned trailer bodies too: aws/aws-sdk-js-v3#7598).
	MinChunkSize = 8192
)

const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// Options configure a Reader.
type Options struct {
	// Mode is the variant; required.
	Mode Mode
	// SigningKey is the SigV4 signing key of the request (signed modes).
	SigningKey []byte
	// Timestamp is the request's x-amz-date, e.g. "20130524T000000Z"
	// (signed modes).
	Timestamp string
	// Scope is "yyyymmdd/region/service/aws4_request" (signed modes).
	Scope string
	// SeedSignature is the verified signature of the request headers
	// (signed modes).
	SeedSignature string
	// DecodedLength is x-amz-decoded-content-length, or -1 if unknown. Note
	// that 0 means an empty payload, not "unknown".
	DecodedLength int64
	// Trailers lists the trailing header names announced in x-amz-trailer;
	// each must arrive (case-insensitive), and a trailer not listed is
	// ErrMalformedTrailer, as S3 answers one.
	Trailers []string
	// AllowSmallChunks disables the MinChunkSize check.
	AllowSmallChunks bool
	// SkipVerify parses chunk and trailer signatures of signed modes but
	// does not check them (SigningKey, Timestamp, Scope and SeedSignature
	// may then be empty). For servers that accept any credentials, such as
	// test fakes; never for a server that authenticates.
	SkipVerify bool
}

type state int

const (
	stateSize state = iota
	stateData
	stateDone
)

// Reader decodes an aws-chunked body. Create it with NewReader.
type Reader struct {
	br   *bufio.Reader
	opts Options

	state     state
	err       error  // sticky
	chunk     int    // 1-based number of the current chunk
	remaining int64  // bytes left in the current chunk
	chunkSig  string // signature claimed by the current chunk
	prevSig   string
	prevSize  int64 // size of the previous non-empty chunk, -1 if none
	total     int64
	h         hash.Hash
	trailers  http.Header
}

// NewReader returns a Reader decoding r. Invalid options make every Read
// fail with ErrInvalidOptions. The caller remains responsible for closing r.
func NewReader(r io.Reader, opts Options) *Reader {
	z := &Reader{br: bufio.NewReaderSize(r, MaxLineLength), opts: opts, prevSig: opts.SeedSignature, prevSize: -1}
	switch {
	case opts.Mode != SignedPayload && opts.Mode != SignedPayloadTrailer && opts.Mode != UnsignedPayloadTrailer:
		z.err = fmt.Errorf("%w: unknown mode %d", ErrInvalidOptions, opts.Mode)
	case opts.Mode.Signed() && !opts.SkipVerify && (len(opts.SigningKey) == 0 || opts.Timestamp == "" || opts.Scope == "" || opts.SeedSignature == ""):
		z.err = fmt.Errorf("%w: signed mode needs SigningKey, Timestamp, Scope and SeedSignature", ErrInvalidOptions)
	case opts.DecodedLength < -1:
		z.err = fmt.Errorf("%w: DecodedLength %d", ErrInvalidOptions, opts.DecodedLength)
	}
	if opts.Mode.Signed() {
		z.h = sha256.New()
	}
	return z
}

// Trailers returns the trailing headers (without x-amz-trailer-signature)
// once Read has returned io.EOF, and nil before.
func (z *Reader) Trailers() http.Header {
	if z.state != stateDone || z.err != io.EOF {
		return nil
	}
	return z.trailers
}

// DecodedBytes returns the number of payload bytes returned so far.
func (z *Reader) DecodedBytes() int64 { return z.total }

// Read implements io.Reader, returning decoded payload bytes.
func (z *Reader) Read(p []byte) (int, error) {
	for z.err == nil {
		switch z.state {
		case stateSize:
			z.err = z.readChunkHeader()
		case stateData:
			if len(p) == 0 {
				return 0, nil
			}
			return z.readData(p)
		case stateDone:
			z.err = io.EOF
		}
	}
	return 0, z.err
}

func (z *Reader) fail(err error) error {
	z.err = err
	return err
}

// truncated wraps an underlying read error during framing.
func (z *Reader) truncated(err error, what string) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("%w: body ends %s of chunk %d: %w", ErrMalformed, what, z.chunk, io.ErrUnexpectedEOF)
	}
	return err
}

// readLine returns one line without its line ending. A bare "\n" ending is
// tolerated.
func (z *Reader) readLine(what string) (string, error) {
	line, err := z.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		return "", fmt.Errorf("%w: %s line of chunk %d longer than %d bytes", ErrMalformed, what, z.chunk, MaxLineLength)
	}
	if err != nil {
		return "", z.truncated(err, "in the "+what+" line")
	}
	line = line[:len(line)-1]
	line = bytes.TrimSuffix(line, []byte{'\r'})
	return string(line), nil
}

func (z *Reader) readChunkHeader() error {
	z.chunk++
	line, err := z.readLine("chunk-size")
	if err != nil {
		return err
	}
	sizeStr, ext, hasExt := strings.Cut(line, ";")
	size, ok := parseHexSize(sizeStr)
	if !ok {
		return fmt.Errorf("%w: invalid chunk size %q in chunk %d", ErrMalformed, sizeStr, z.chunk)
	}
	if z.opts.Mode.Signed() {
		sig, ok := strings.CutPrefix(ext, "chunk-signature=")
		if !hasExt || !ok || !isHex64(sig) {
			return fmt.Errorf("%w: chunk %d lacks a valid chunk-signature", ErrMalformed, z.chunk)
		}
		z.chunkSig = sig
		z.h.Reset()
	}
	if z.opts.DecodedLength >= 0 && z.total+size > z.opts.DecodedLength {
		return fmt.Errorf("%w: chunk %d exceeds the decoded length %d", ErrLengthMismatch, z.chunk, z.opts.DecodedLength)
	}
	if size > 0 {
		if !z.opts.AllowSmallChunks && z.prevSize >= 0 && z.prevSize < MinChunkSize {
			return &ChunkSizeError{Chunk: z.chunk, BadChunkSize: z.prevSize}
		}
		z.prevSize = size
		z.remaining = size
		z.state = stateData
		return nil
	}
	return z.finish()
}

// parseHexSize parses a chunk size: 1 to 15 hex digits (sizes up to 2^60).
func parseHexSize(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 15 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		var d byte
		switch {
		case '0' <= c && c <= '9':
			d = c - '0'
		case 'a' <= c && c <= 'f':
			d = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		n = n<<4 | int64(d)
	}
	return n, true
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func (z *Reader) readData(p []byte) (int, error) {
	if int64(len(p)) > z.remaining {
		p = p[:z.remaining]
	}
	n, err := z.br.Read(p)
	z.remaining -= int64(n)
	z.total += int64(n)
	if z.h != nil {
		z.h.Write(p[:n])
	}
	if z.remaining > 0 {
		if err != nil {
			return n, z.fail(z.truncated(err, "inside the data"))
		}
		return n, nil
	}
	// Chunk complete: CRLF, then the signature, before handing out the
	// last bytes.
	if err := z.expectCRLF(); err != nil {
		return 0, z.fail(err)
	}
	if z.opts.Mode.Signed() {
		if err := z.verifyChunk(); err != nil {
			return 0, z.fail(err)
		}
	}
	z.state = stateSize
	return n, nil
}

func (z *Reader) expectCRLF() error {
	b, err := z.br.ReadByte()
	if err == nil && b == '\r' {
		b, err = z.br.ReadByte()
	}
	if err != nil {
		return z.truncated(err, "after the data")
	}
	if b != '\n' {
		return fmt.Errorf("%w: chunk %d data is not followed by CRLF", ErrMalformed, z.chunk)
	}
	return nil
}

func (z *Reader) hmacHex(sts string) string {
	m := hmac.New(sha256.New, z.opts.SigningKey)
	m.Write([]byte(sts))
	return hex.EncodeToString(m.Sum(nil))
}

func (z *Reader) verifyChunk() error {
	if z.opts.SkipVerify {
		z.prevSig = strings.ToLower(z.chunkSig)
		return nil
	}
	sts := "AWS4-HMAC-SHA256-PAYLOAD\n" + z.opts.Timestamp + "\n" + z.opts.Scope + "\n" +
		z.prevSig + "\n" + emptySHA256 + "\n" + hex.EncodeToString(z.h.Sum(nil))
	if !hmac.Equal([]byte(z.hmacHex(sts)), []byte(strings.ToLower(z.chunkSig))) {
		return fmt.Errorf("%w: chunk %d", ErrSignatureMismatch, z.chunk)
	}
	z.prevSig = strings.ToLower(z.chunkSig)
	return nil
}

// finish handles the zero-length chunk and what follows it.
func (z *Reader) finish() error {
	if z.opts.Mode.Signed() {
		if err := z.verifyChunk(); err != nil {
			return err
		}
	}
	if z.opts.DecodedLength >= 0 && z.total != z.opts.DecodedLength {
		return fmt.Errorf("%w: decoded %d bytes, x-amz-decoded-content-length is %d", ErrLengthMismatch, z.total, z.opts.DecodedLength)
	}
	if z.opts.Mode.HasTrailer() {
		if err := z.readTrailer(); err != nil {
			return err
		}
	} else if err := z.expectCRLF(); err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return err
	}
	if _, err := z.br.ReadByte(); err != io.EOF {
		if err == nil {
			return fmt.Errorf("%w: data after the final chunk", ErrMalformed)
		}
		return err
	}
	z.state = stateDone
	return nil
}

// readTrailer reads the trailer section, which runs to the end of the body.
// SDKs lay it out differently: aws-sdk-go-v2, botocore and the Java and
// JavaScript SDKs end each line with CRLF and the section with an empty
// line; minio-go ends trailer lines with a bare LF and writes an empty line
// before x-amz-trailer-signature (name:value\n\r\nx-amz-trailer-signature:
// sig\r\n\r\n, or name:value\n\r\n\r\n unsigned). Empty lines are
// therefore skipped wherever they appear; what is not empty must be a
// name:value line, and nothing may follow x-amz-trailer-signature. A
// section that ends without its empty line, or a last line without its
// line ending, is accepted: some clients send it so and S3 takes it
// (minio/minio#17774).
func (z *Reader) readTrailer() error {
	z.trailers = make(http.Header)
	var text strings.Builder // canonical trailer text for the signature
	var sig string
	size := 0
	for {
		line, err := z.br.ReadSlice('\n')
		if err == io.EOF && len(line) == 0 {
			break
		}
		switch {
		case err == bufio.ErrBufferFull:
			return fmt.Errorf("%w: trailer line longer than %d bytes", ErrMalformedTrailer, MaxLineLength)
		case err != nil:
			return z.truncated(err, "in the trailer")
		}
		size += len(line)
		if size > MaxTrailerBytes {
			return fmt.Errorf("%w: trailer longer than %d bytes", ErrMalformedTrailer, MaxTrailerBytes)
		}
		l := strings.TrimSuffix(strings.TrimSuffix(string(line), "\n"), "\r")
		if strings.IndexByte(l, '\r') >= 0 {
			return fmt.Errorf("%w: a CR inside trailer line %q", ErrMalformed, l)
		}
		if l == "" {
			continue
		}
		if sig != "" {
			return fmt.Errorf("%w: data after x-amz-trailer-signature", ErrMalformedTrailer)
		}
		name, value, ok := strings.Cut(l, ":")
		name = strings.ToLower(strings.TrimSpace(name))
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return fmt.Errorf("%w: trailer line %q is not name:value", ErrMalformedTrailer, l)
		}
		value = strings.TrimSpace(value)
		if name == "x-amz-trailer-signature" {
			if !z.opts.Mode.Signed() || !isHex64(value) {
				return fmt.Errorf("%w: unexpected or invalid x-amz-trailer-signature", ErrMalformedTrailer)
			}
			sig = value
			continue
		}
		if !slices.ContainsFunc(z.opts.Trailers, func(t string) bool { return strings.EqualFold(strings.TrimSpace(t), name) }) {
			return fmt.Errorf("%w: trailer %q is not announced in x-amz-trailer", ErrMalformedTrailer, name)
		}
		z.trailers.Add(name, value)
		text.WriteString(name)
		text.WriteByte(':')
		text.WriteString(value)
		text.WriteByte('\n')
	}
	for _, name := range z.opts.Trailers {
		if len(z.trailers.Values(strings.ToLower(strings.TrimSpace(name)))) == 0 {
			return fmt.Errorf("%w: announced trailer %q is missing", ErrMalformedTrailer, name)
		}
	}
	if z.opts.Mode.Signed() {
		if sig == "" {
			return fmt.Errorf("%w: missing x-amz-trailer-signature", ErrMalformedTrailer)
		}
		th := sha256.Sum256([]byte(text.String()))
		sts := "AWS4-HMAC-SHA256-TRAILER\n" + z.opts.Timestamp + "\n" + z.opts.Scope + "\n" +
			z.prevSig + "\n" + hex.EncodeToString(th[:])
		if !z.opts.SkipVerify && !hmac.Equal([]byte(z.hmacHex(sts)), []byte(strings.ToLower(sig))) {
			return fmt.Errorf("%w: trailer", ErrSignatureMismatch)
		}
	}
	return nil
}
