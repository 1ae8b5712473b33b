package httpapi

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"encoding/xml"
	"errors"
	"hash"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/checksum"
)

// Request documents are read in one of two ways. Small ones (ACLs,
// tagging, configurations) are read whole under Config.MaxXMLBody. The two
// that grow with the request (CompleteMultipartUpload with up to 10,000
// parts, DeleteObjects with up to 1,000 keys) are decoded as a stream of
// tokens under Config.MaxListDocument, hashed as they are read, and only
// acted on once the whole document has been read and its digests
// verified.

// docReader reads a request document: at most limit bytes, hashed on the
// way for Content-MD5 and a flexible checksum.
type docReader struct {
	rc    *request
	r     io.Reader
	n     int64
	limit int64
	mode  digests
	md5   hash.Hash
	ck    *engine.ChecksumInput
	ckSum hash.Hash
}

// openDoc starts reading rc's body as a document of at most limit bytes
// whose digests are checked as mode says.
func (rc *request) openDoc(limit int64, mode digests) (*docReader, error) {
	d := &docReader{rc: rc, r: rc.body, limit: limit, mode: mode, md5: md5.New()}
	if mode != digestsMD5 {
		ck, err := rc.checksumInput()
		if err != nil {
			return nil, err
		}
		if ck != nil {
			d.ck, d.ckSum = ck, ck.Algorithm.New()
		}
	}
	return d, nil
}

func (d *docReader) Read(p []byte) (int, error) {
	if d.n > d.limit {
		return 0, d.tooBig()
	}
	if rest := d.limit + 1 - d.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := d.r.Read(p)
	d.n += int64(n)
	d.md5.Write(p[:n])
	if d.ckSum != nil {
		d.ckSum.Write(p[:n])
	}
	if d.n > d.limit {
		return n, d.tooBig()
	}
	return n, err
}

func (d *docReader) tooBig() error {
	return errorf("MaxMessageLengthExceeded", "Your request was too big: the limit is %d bytes.", d.limit)
}

// finish reads what is left of the document (nothing but white space may
// follow the root element) and verifies its digests.
func (d *docReader) finish() error {
	if _, err := io.Copy(io.Discard, d); err != nil {
		return err
	}
	want, err := contentMD5(d.rc.r.Header)
	if err != nil {
		return err
	}
	if sum := d.md5.Sum(nil); want != nil && !bytes.Equal(sum, want) {
		return &engine.DigestError{Algorithm: engine.ContentMD5, Expected: want, Calculated: sum}
	}
	if d.ck != nil {
		exp := d.ck.Value
		if d.ck.Trailer != nil {
			if exp, err = d.ck.Trailer(); err != nil {
				return err
			}
		}
		if !bytes.Equal(d.ckSum.Sum(nil), exp) {
			return &engine.DigestError{Algorithm: string(d.ck.Algorithm)}
		}
	}
	if d.mode == digestsRequired && want == nil && d.ck == nil {
		return errorf("InvalidRequest", "Missing required header for this request: Content-MD5")
	}
	return nil
}

// errMalformedDoc is what a document decoder returns for a document that
// is not the expected shape; callers answer with their MalformedXML.
var errMalformedDoc = errors.New("httpapi: malformed request document")

// docTokens is a streaming decoder over a request document that accepts
// the character references clients send for control characters in keys
// (&#x0C;, &#11;: both Aliyun SDKs and S3 do), which encoding/xml refuses.
// controlRefs rewrites them into an escape in Unicode's last private use
// plane; text() turns the escape back into the control character.
type docTokens struct {
	dec *xml.Decoder
}

func newDocTokens(r io.Reader) *docTokens {
	dec := xml.NewDecoder(&controlRefs{r: bufio.NewReaderSize(r, 4096)})
	return &docTokens{dec: dec}
}

// escapeRune introduces an escaped rune; escapeRune+escapeRune is a
// literal escapeRune, escapeRune+(escapeBase+c) is control character c.
const (
	escapeRune = '\U0010FFFE'
	escapeBase = '\U0010FF00'
)

// controlRefs is the reader newDocTokens decodes through.
type controlRefs struct {
	r   *bufio.Reader
	out []byte
}

func (c *controlRefs) Read(p []byte) (int, error) {
	for len(c.out) == 0 {
		b, err := c.r.ReadByte()
		if err != nil {
			return 0, err
		}
		switch {
		case b == '&':
			c.ref()
		case b == 0xF4: // a literal escapeRune is doubled
			if peek, _ := c.r.Peek(3); string(peek) == "\x8f\xbf\xbe" {
				_, _ = c.r.Discard(3)
				c.out = utf8.AppendRune(utf8.AppendRune(c.out, escapeRune), escapeRune)
			} else {
				c.out = append(c.out, b)
			}
		default:
			c.out = append(c.out, b)
		}
	}
	n := copy(p, c.out)
	c.out = c.out[n:]
	return n, nil
}

// ref handles a '&': a numeric reference to a control character or to
// escapeRune is escaped; anything else passes as it was.
func (c *controlRefs) ref() {
	peek, _ := c.r.Peek(12)
	semi := bytes.IndexByte(peek, ';')
	if semi < 2 || peek[0] != '#' {
		c.out = append(c.out, '&')
		return
	}
	num, base := string(peek[1:semi]), 10
	if num[0] == 'x' {
		num, base = num[1:], 16
	}
	n, err := strconv.ParseUint(num, base, 32)
	switch {
	case err != nil:
		c.out = append(c.out, '&')
		return
	case n < 0x20 && n != '\t' && n != '\n' && n != '\r':
		c.out = utf8.AppendRune(utf8.AppendRune(c.out, escapeRune), escapeBase+rune(n))
	case n == escapeRune:
		c.out = utf8.AppendRune(utf8.AppendRune(c.out, escapeRune), escapeRune)
	default:
		c.out = append(c.out, '&')
		return
	}
	_, _ = c.r.Discard(semi + 1)
}

// unescape turns the escapes of controlRefs back into what they stand for.
func unescape(s string) string {
	if !strings.ContainsRune(s, escapeRune) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r != escapeRune || i >= len(s) {
			b.WriteRune(r)
			continue
		}
		next, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if next >= escapeBase && next < escapeBase+0x20 {
			b.WriteByte(byte(next - escapeBase))
		} else {
			b.WriteRune(next)
		}
	}
	return b.String()
}

// root reads up to the root element and checks its name.
func (t *docTokens) root(name string) error {
	for {
		tok, err := t.dec.Token()
		if err != nil {
			return t.fail(err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if tok.Name.Local != name {
				return errMalformedDoc
			}
			return nil
		case xml.CharData:
			if len(bytes.TrimSpace(tok)) > 0 {
				return errMalformedDoc
			}
		}
	}
}

// next returns the next child element of the current element, or ok
// false at its end.
func (t *docTokens) next() (start xml.StartElement, ok bool, err error) {
	for {
		tok, err := t.dec.Token()
		if err != nil {
			return start, false, t.fail(err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			return tok, true, nil
		case xml.EndElement:
			return start, false, nil
		}
	}
}

// text reads the character data of the element just started, up to its
// end (child elements are refused).
func (t *docTokens) text() (string, error) {
	var b []byte
	for {
		tok, err := t.dec.Token()
		if err != nil {
			return "", t.fail(err)
		}
		switch tok := tok.(type) {
		case xml.CharData:
			b = append(b, tok...)
		case xml.EndElement:
			return unescape(string(b)), nil
		case xml.StartElement:
			return "", errMalformedDoc
		}
	}
}

// skip skips the rest of the element just started, refusing elements
// nested deeper than maxDocDepth below it (xml.Decoder.Skip would keep
// a stack entry for each, however many).
func (t *docTokens) skip() error {
	for depth := 1; depth > 0; {
		tok, err := t.dec.Token()
		if err != nil {
			return t.fail(err)
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth++; depth > maxDocDepth {
				return errMalformedDoc
			}
		case xml.EndElement:
			depth--
		}
	}
	return nil
}

// maxDocDepth is the deepest element nesting a request document may
// have; osslite's deepest documents nest fewer than ten.
const maxDocDepth = 64

// checkDocDepth refuses an XML document nested deeper than maxDocDepth.
// encoding/xml keeps a stack entry for every open element and bounds
// none where it skips elements a type does not name, so a document of
// nothing but start tags would cost many times its size to decode; its
// tokenizer (RawToken) keeps no stack. A document that does not parse
// is left to the parser to refuse.
func checkDocDepth(data []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(data))
	depth := 0
	for {
		tok, err := dec.RawToken()
		if err != nil {
			return nil
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth++; depth > maxDocDepth {
				return errorf("MalformedXML", "The XML document nests elements deeper than %d.", maxDocDepth)
			}
		case xml.EndElement:
			depth--
		}
	}
}

// fail keeps wire errors (a too large body, a broken connection) and turns
// syntax errors into errMalformedDoc.
func (t *docTokens) fail(err error) error {
	var e *Error
	var se *xml.SyntaxError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &e):
		return err
	case errors.As(err, &se), errors.Is(err, io.EOF):
		return errMalformedDoc
	}
	return err
}

// deleteDoc is a DeleteObjects request document.
type deleteDoc struct {
	quiet   bool
	objects []deleteDocObject
}

// etag is the object's optional <ETag>: delete only while it matches.
type deleteDocObject struct {
	key, versionID, etag string
	// lastModified and size are S3 Express's LastModifiedTime and Size
	// conditions (zero, nil: none).
	lastModified time.Time
	size         *int64
}

// decodeDelete decodes <Delete>: an optional <Quiet>, then at most max
// <Object> elements with <Key> and optional <VersionId>, <ETag>,
// <LastModifiedTime> and <Size>.
func decodeDelete(t *docTokens, max int) (deleteDoc, error) {
	var doc deleteDoc
	if err := t.root("Delete"); err != nil {
		return doc, err
	}
	for {
		el, ok, err := t.next()
		if err != nil || !ok {
			return doc, err
		}
		switch el.Name.Local {
		case "Quiet":
			v, err := t.text()
			if err != nil {
				return doc, err
			}
			if doc.quiet, err = strconv.ParseBool(strings.TrimSpace(v)); err != nil {
				return doc, errMalformedDoc
			}
		case "Object":
			if len(doc.objects) == max {
				return doc, errMalformedDoc
			}
			var o deleteDocObject
			hasKey := false
			for {
				f, ok, err := t.next()
				if err != nil {
					return doc, err
				}
				if !ok {
					break
				}
				v, err := t.text()
				if err != nil {
					return doc, err
				}
				switch f.Name.Local {
				case "Key":
					o.key, hasKey = v, true
				case "VersionId":
					o.versionID = v
				case "ETag":
					o.etag = v
				case "LastModifiedTime":
					if o.lastModified, err = headerTime(strings.TrimSpace(v)); err != nil { // an HTTP date, as the SDKs send it, or ISO 8601
						return doc, errMalformedDoc
					}
				case "Size":
					n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
					if err != nil || n < 0 {
						return doc, errMalformedDoc
					}
					o.size = &n
				}
			}
			if !hasKey {
				return doc, errMalformedDoc
			}
			doc.objects = append(doc.objects, o)
		default:
			if err := t.skip(); err != nil {
				return doc, err
			}
		}
	}
}

// decodeComplete decodes <CompleteMultipartUpload>: at most max <Part>
// elements with <PartNumber>, <ETag> (required when needETag is set) and
// optional Checksum* elements.
func decodeComplete(t *docTokens, max int, needETag bool) ([]completePartXML, error) {
	if err := t.root("CompleteMultipartUpload"); err != nil {
		return nil, err
	}
	var parts []completePartXML
	for {
		el, ok, err := t.next()
		if err != nil || !ok {
			return parts, err
		}
		if el.Name.Local != "Part" {
			if err := t.skip(); err != nil {
				return nil, err
			}
			continue
		}
		if len(parts) == max {
			return nil, errMalformedDoc
		}
		var p completePartXML
		hasNumber, hasETag := false, false
		for {
			f, ok, err := t.next()
			if err != nil {
				return nil, err
			}
			if !ok {
				break
			}
			v, err := t.text()
			if err != nil {
				return nil, err
			}
			switch f.Name.Local {
			case "PartNumber":
				if p.PartNumber, err = strconv.Atoi(strings.TrimSpace(v)); err != nil {
					return nil, errMalformedDoc
				}
				hasNumber = true
			case "ETag":
				p.ETag, hasETag = v, true
			default:
				if name, ok := strings.CutPrefix(f.Name.Local, "Checksum"); ok {
					if dst := p.field(checksum.Algorithm(name)); dst != nil {
						*dst = v
					}
				}
			}
		}
		if !hasNumber || (needETag && !hasETag) {
			return nil, errMalformedDoc
		}
		parts = append(parts, p)
	}
}
