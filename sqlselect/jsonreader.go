package sqlselect

import (
	"bytes"
	"errors"
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

// jsonReader reads top-level JSON values: one per line (LINES) or a
// whitespace-separated stream (DOCUMENT).
type jsonReader struct {
	window
	lines      bool
	max        int
	recStart   int64
	skipBefore int64 // see csvReader.skipBefore
	seen       int64 // see csvReader.seen (LINES only)
	numText    bool  // see jparser.numText
}

func newJSONReader(src io.Reader, base int64, lines bool, max int) *jsonReader {
	return &jsonReader{window: newWindow(src, base), lines: lines, max: max}
}

// next returns the next top-level value; ok is false at the end.
func (j *jsonReader) next() (v value, ok bool, err error) {
	for {
		if j.lines {
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
		p = jparser{b: j.buf[j.r:j.w], eof: j.eof, numText: j.numText}
		v, err := p.value()
		if err == errIncomplete {
			if j.w-j.r > j.max {
				return value{}, false, errorf(ErrOverMaxRecordSize, "JSON document at offset %d is larger than %d bytes", j.offset(j.r), j.max)
			}
			if err := j.fillFull(); err != nil {
				return value{}, false, err
			}
			continue
		}
		if err != nil {
			return value{}, false, err
		}
		j.recStart = j.offset(j.r)
		j.r += p.i
		return v, true, nil
	}
}
