package sqlselect

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// errIncomplete means the parser ran out of data inside a value.
var errIncomplete = errors.New("sqlselect: incomplete JSON value")

const maxJSONDepth = 512

// jparser parses one JSON value from b into a value. Objects keep their
// key order. Strings without escapes alias b.
type jparser struct {
	b     []byte
	i     int
	eof   bool // no data follows b
	depth int
	// numText keeps numbers as their text (JSONInput.NumbersAsText).
	numText bool
}

func (p *jparser) fail(msg string) error {
	if p.i >= len(p.b) && !p.eof {
		return errIncomplete
	}
	return errorf(ErrJSONParsingError, "%s at byte %d", msg, p.i)
}

func (p *jparser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jparser) value() (value, error) {
	p.ws()
	if p.i >= len(p.b) {
		return value{}, p.fail("unexpected end of input")
	}
	switch c := p.b[p.i]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s, err := p.str()
		if err != nil {
			return value{}, err
		}
		return bytesV(s), nil
	case c == 't':
		return p.word("true", trueV)
	case c == 'f':
		return p.word("false", falseV)
	case c == 'n':
		return p.word("null", nullV)
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	}
	return value{}, p.fail("unexpected character")
}

func (p *jparser) word(w string, v value) (value, error) {
	end := p.i + len(w)
	if end > len(p.b) {
		if !p.eof && bytes.HasPrefix([]byte(w), p.b[p.i:]) {
			return value{}, errIncomplete
		}
		return value{}, p.fail("invalid literal")
	}
	if string(p.b[p.i:end]) != w {
		return value{}, p.fail("invalid literal")
	}
	p.i = end
	return v, nil
}

func (p *jparser) number() (value, error) {
	start := p.i
	isInt := true
	for p.i < len(p.b) {
		c := p.b[p.i]
		if c >= '0' && c <= '9' || c == '-' || c == '+' {
			p.i++
			continue
		}
		if c == '.' || c == 'e' || c == 'E' {
			isInt = false
			p.i++
			continue
		}
		break
	}
	if p.i >= len(p.b) && !p.eof {
		return value{}, errIncomplete
	}
	text := p.b[start:p.i]
	if p.numText {
		if _, err := strconv.ParseFloat(string(text), 64); err != nil && !errors.Is(err, strconv.ErrRange) {
			return value{}, errorf(ErrJSONParsingError, "invalid number %q", text)
		}
		return value{k: kString, s: text, untyped: true, numText: true}, nil
	}
	if isInt {
		if n, ok := parseIntBytes(text); ok {
			return intV(n), nil
		}
	}
	f, err := strconv.ParseFloat(string(text), 64)
	if err != nil {
		return value{}, errorf(ErrJSONParsingError, "invalid number %q", text)
	}
	if isInt {
		return floatV(f), nil
	}
	return decimalV(f), nil
}

func (p *jparser) str() ([]byte, error) {
	p.i++ // opening quote
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		if c == '"' {
			s := p.b[start:p.i]
			p.i++
			return s, nil
		}
		if c == '\\' {
			return p.strEscaped(start)
		}
		if c < 0x20 {
			return nil, p.fail("control character in string")
		}
		p.i++
	}
	return nil, p.fail("unterminated string")
}

func (p *jparser) strEscaped(start int) ([]byte, error) {
	out := append([]byte(nil), p.b[start:p.i]...)
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			return out, nil
		case c < 0x20:
			return nil, p.fail("control character in string")
		case c != '\\':
			out = append(out, c)
			p.i++
			continue
		}
		p.i++
		if p.i >= len(p.b) {
			break
		}
		e := p.b[p.i]
		p.i++
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return nil, p.fail("invalid \\u escape")
			}
			if utf16.IsSurrogate(r) {
				save := p.i
				if p.i+1 < len(p.b) && p.b[p.i] == '\\' && p.b[p.i+1] == 'u' {
					p.i += 2
					if r2, ok := p.hex4(); ok {
						if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
							out = utf8.AppendRune(out, d)
							continue
						}
					}
				}
				p.i = save
				r = utf8.RuneError
			}
			out = utf8.AppendRune(out, r)
		default:
			return nil, p.fail("invalid escape")
		}
	}
	return nil, p.fail("unterminated string")
}

func (p *jparser) hex4() (rune, bool) {
	if p.i+4 > len(p.b) {
		p.i = len(p.b)
		return 0, false
	}
	var r rune
	for _, c := range p.b[p.i : p.i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	p.i += 4
	return r, true
}

func (p *jparser) object() (value, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxJSONDepth {
		return value{}, errorf(ErrJSONParsingError, "nested too deeply")
	}
	p.i++
	o := &object{}
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return value{k: kStruct, st: o}, nil
	}
	for {
		p.ws()
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			return value{}, p.fail("expected a member name")
		}
		k, err := p.str()
		if err != nil {
			return value{}, err
		}
		p.ws()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return value{}, p.fail("expected ':'")
		}
		p.i++
		v, err := p.value()
		if err != nil {
			return value{}, err
		}
		o.names = append(o.names, string(k))
		o.vals = append(o.vals, v)
		p.ws()
		if p.i >= len(p.b) {
			return value{}, p.fail("unterminated object")
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return value{k: kStruct, st: o}, nil
		default:
			return value{}, p.fail("expected ',' or '}'")
		}
	}
}

func (p *jparser) array() (value, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxJSONDepth {
		return value{}, errorf(ErrJSONParsingError, "nested too deeply")
	}
	p.i++
	var list []value
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return value{k: kList, st: &object{}}, nil
	}
	for {
		v, err := p.value()
		if err != nil {
			return value{}, err
		}
		list = append(list, v)
		p.ws()
		if p.i >= len(p.b) {
			return value{}, p.fail("unterminated array")
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return value{k: kList, st: &object{vals: list}}, nil
		default:
			return value{}, p.fail("expected ',' or ']'")
		}
	}
}

// jsonLayout is how a jsonReader finds the top-level values of its input.
type jsonLayout uint8

const (
	// layoutDocument: values separated by whitespace, each may span lines
	// (DOCUMENT input).
	layoutDocument jsonLayout = iota
	// layoutLines: one value per line (LINES input). A reader can start
	// at any newline, which is what scan and line ranges need.
	layoutLines
	// layoutStream: values separated by whitespace and, between two
	// values, at most one comma; each may span lines. OSS reads LINES
	// input without a range this way: the Aliyun SDKs' LINES samples are
	// pretty-printed objects separated by ",\n". A comma after the last
	// value is accepted.
	layoutStream
)

// jsonReader reads top-level JSON values laid out as layout says.
type jsonReader struct {
	window
	layout     jsonLayout
	max        int
	recStart   int64
	skipBefore int64 // see csvReader.skipBefore
	seen       int64 // see csvReader.seen (layoutLines only)
	numText    bool  // see jparser.numText

	// layoutStream state. lineStart is the offset of the current line
	// and lineBlank whether only whitespace precedes r on it. valueLine
	// is the offset of the line the last value returned starts on if
	// nothing but whitespace precedes the value there, else -1: a reader
	// in layoutLines can start there (ScanMeta's splits). comma and
	// afterValue track the separator between two values.
	lineStart, valueLine int64
	lineBlank            bool
	comma, afterValue    bool
}

// newJSONReader reads values from src, whose first byte is at offset
// base, rejecting any longer than max bytes.
func newJSONReader(src io.Reader, base int64, layout jsonLayout, max int) *jsonReader {
	return &jsonReader{window: newWindow(src, base), layout: layout, max: max,
		lineStart: base, valueLine: -1, lineBlank: true}
}

// next returns the next top-level value; ok is false at the end.
func (j *jsonReader) next() (v value, ok bool, err error) {
	if j.layout == layoutStream {
		return j.nextInStream()
	}
	for {
		if j.layout == layoutLines {
			i := bytes.IndexByte(j.buf[j.r:j.w], '\n')
			end, next := j.r+i, j.r+i+1
			if i < 0 {
				if !j.eof {
					if j.w-j.r > j.max {
						return value{}, false, errorf(ErrOverMaxRecordSize, "line at offset %d", j.offset(j.r))
					}
					if err := j.fill(); err != nil {
						return value{}, false, err
					}
					continue
				}
				if j.r >= j.w {
					return value{}, false, nil
				}
				end, next = j.w, j.w
			}
			line := j.buf[j.r:end]
			j.recStart = j.offset(j.r)
			j.r = next
			if len(line) > j.max {
				return value{}, false, errorf(ErrOverMaxRecordSize, "line at offset %d", j.recStart)
			}
			p := jparser{b: line, eof: true, numText: j.numText}
			p.ws()
			if p.i == len(line) || j.recStart < j.skipBefore {
				continue
			}
			j.seen++
			v, err := p.value()
			if err != nil {
				return value{}, false, err
			}
			p.ws()
			if p.i != len(line) {
				return value{}, false, errorf(ErrJSONParsingError, "data after the value on the line at offset %d", j.recStart)
			}
			return v, true, nil
		}
		p := jparser{b: j.buf[j.r:j.w], eof: j.eof, numText: j.numText}
		p.ws()
		j.r += p.i
		if j.r >= j.w {
			if j.eof {
				return value{}, false, nil
			}
			if err := j.fill(); err != nil {
				return value{}, false, err
			}
			continue
		}
		v, n, again, err := j.valueAt("document")
		if again {
			continue
		}
		if err != nil {
			return value{}, false, err
		}
		if n > j.max {
			// A value the buffer held whole is held to max as well.
			return value{}, false, errorf(ErrOverMaxRecordSize, "JSON document at offset %d is larger than %d bytes", j.offset(j.r), j.max)
		}
		j.recStart = j.offset(j.r)
		j.r += n
		return v, true, nil
	}
}

// valueAt parses the value at j.r, what naming it in errors; again
// reports that it was cut off at the end of the buffer and more input
// was read (an error then is the read's): look again.
func (j *jsonReader) valueAt(what string) (v value, n int, again bool, err error) {
	p := jparser{b: j.buf[j.r:j.w], eof: j.eof, numText: j.numText}
	v, err = p.value()
	if err == errIncomplete {
		if j.w-j.r > j.max {
			return value{}, 0, false, errorf(ErrOverMaxRecordSize, "JSON %s at offset %d is larger than %d bytes", what, j.offset(j.r), j.max)
		}
		if err := j.fillFull(); err != nil {
			return value{}, 0, false, err
		}
		return value{}, 0, true, nil
	}
	return v, p.i, false, err
}

// nextInStream is next for layoutStream.
func (j *jsonReader) nextInStream() (v value, ok bool, err error) {
	for {
		// The separator: whitespace, and one comma if a value precedes.
		i := j.r
	sep:
		for ; i < j.w; i++ {
			switch j.buf[i] {
			case ' ', '\t', '\r':
			case '\n':
				j.lineStart, j.lineBlank = j.offset(i+1), true
			case ',':
				if !j.afterValue || j.comma {
					return value{}, false, errorf(ErrJSONParsingError, "unexpected ',' at offset %d", j.offset(i))
				}
				j.comma, j.lineBlank = true, false
			default:
				break sep
			}
		}
		j.r = i
		if j.r >= j.w {
			if j.eof {
				return value{}, false, nil
			}
			if err := j.fill(); err != nil {
				return value{}, false, err
			}
			continue
		}
		v, n, again, err := j.valueAt("value")
		if again {
			continue
		}
		if err != nil {
			return value{}, false, j.atValue(err)
		}
		if n > j.max {
			return value{}, false, errorf(ErrOverMaxRecordSize, "JSON value at offset %d is larger than %d bytes", j.offset(j.r), j.max)
		}
		j.recStart = j.offset(j.r)
		j.valueLine = -1
		if j.lineBlank {
			j.valueLine = j.lineStart
		}
		j.r += n
		j.comma, j.afterValue, j.lineBlank = false, true, false
		return v, true, nil
	}
}

// atValue adds the offset of the value being parsed to a parse error,
// whose own offset is within the value.
func (j *jsonReader) atValue(err error) error {
	var se *Error
	if errors.As(err, &se) {
		se.Detail = fmt.Sprintf("value at offset %d: %s", j.offset(j.r), se.Detail)
	}
	return err
}
