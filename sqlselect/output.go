package sqlselect

import (
	"io"
)

// outWriter serializes result records into a buffer and hands whole
// records to the destination writer in chunks.
type outWriter struct {
	dst      io.Writer
	buf      []byte
	tmp      []byte
	chunk    int
	json     bool
	plain    *[256]bool // JSON: the bytes copied into strings unescaped
	recDelim []byte
	fd       byte
	quote    byte
	esc      byte
	always   bool
	special  [256]bool // bytes that force quoting
	stats    *Stats
	progress func(Stats)
}

func newOutWriter(dst io.Writer, out Output, d Dialect, chunk int, st *Stats, progress func(Stats)) (*outWriter, error) {
	o := &outWriter{dst: dst, chunk: chunk, stats: st, progress: progress, buf: make([]byte, 0, min(chunk, 4096)),
		plain: d.rules().jsonPlain}
	switch out.Format {
	case OutputJSON:
		o.json = true
		o.recDelim = []byte(out.JSON.RecordDelimiter)
		if len(o.recDelim) == 0 {
			o.recDelim = []byte{'\n'}
		}
	case OutputCSV:
		c := out.CSV
		for _, s := range []string{c.FieldDelimiter, c.QuoteCharacter, c.QuoteEscapeCharacter} {
			if len(s) > 1 {
				return nil, errorf(ErrInvalidRequestParameter, "CSV output delimiters and quotes must be one byte")
			}
		}
		if len(c.RecordDelimiter) > 2 {
			return nil, errorf(ErrInvalidRequestParameter, "RecordDelimiter must be one or two bytes")
		}
		if c.QuoteFields > QuoteAlways {
			return nil, errorf(ErrInvalidQuoteFields, "%d", c.QuoteFields)
		}
		o.recDelim = []byte(c.RecordDelimiter)
		if len(o.recDelim) == 0 {
			o.recDelim = []byte{'\n'}
		}
		o.fd = byteOr(c.FieldDelimiter, ',')
		o.quote = byteOr(c.QuoteCharacter, '"')
		o.esc = byteOr(c.QuoteEscapeCharacter, o.quote)
		o.always = c.QuoteFields == QuoteAlways
		for _, b := range []byte{o.fd, o.quote, o.esc, '\n', '\r'} {
			o.special[b] = true
		}
		for _, b := range o.recDelim {
			o.special[b] = true
		}
	default:
		return nil, errorf(ErrInvalidRequestParameter, "output format %d", out.Format)
	}
	return o, nil
}

// csvField appends one CSV field, quoting it when needed.
func (o *outWriter) csvField(i int, v value) {
	if i > 0 {
		o.buf = append(o.buf, o.fd)
	}
	mark := len(o.buf)
	o.buf = appendText(o.buf, v)
	f := o.buf[mark:]
	if !o.always && !o.needsQuote(f) {
		return
	}
	o.tmp = append(o.tmp[:0], f...)
	o.buf = append(o.buf[:mark], o.quote)
	for _, b := range o.tmp {
		if b == o.quote || b == o.esc && o.esc != o.quote {
			o.buf = append(o.buf, o.esc)
		}
		o.buf = append(o.buf, b)
	}
	o.buf = append(o.buf, o.quote)
}

func (o *outWriter) needsQuote(f []byte) bool {
	for _, b := range f {
		if o.special[b] {
			return true
		}
	}
	return false
}

// record writes one projected record.
func (o *outWriter) record(names []string, vals []value) error {
	if o.json {
		o.buf = append(o.buf, '{')
		first := true
		for i, v := range vals {
			if v.k == kMissing {
				continue
			}
			if !first {
				o.buf = append(o.buf, ',')
			}
			first = false
			o.buf = appendJSONString(o.buf, []byte(names[i]), o.plain)
			o.buf = append(o.buf, ':')
			o.buf = appendJSON(o.buf, v, o.plain)
		}
		o.buf = append(o.buf, '}')
	} else {
		for i, v := range vals {
			o.csvField(i, v)
		}
	}
	return o.end()
}

// whole writes a SELECT * record: a JSON value as is (a non-object is
// wrapped as {"_1": v}), or its members as CSV fields.
func (o *outWriter) whole(v value) error {
	if o.json {
		switch v.k {
		case kStruct:
			o.buf = appendJSON(o.buf, v, o.plain)
		case kMissing:
			o.buf = append(o.buf, "{}"...)
		default:
			o.buf = append(o.buf, `{"_1":`...)
			o.buf = appendJSON(o.buf, v, o.plain)
			o.buf = append(o.buf, '}')
		}
		return o.end()
	}
	if v.k == kStruct {
		for i, m := range v.st.vals {
			o.csvField(i, m)
		}
	} else {
		o.csvField(0, v)
	}
	return o.end()
}

// fields writes a SELECT * record of CSV input.
func (o *outWriter) fields(names []string, fs [][]byte) error {
	if o.json {
		o.buf = append(o.buf, '{')
		for i, f := range fs {
			if i > 0 {
				o.buf = append(o.buf, ',')
			}
			name := ""
			if i < len(names) {
				name = names[i]
			} else {
				name = "_" + itoa(i+1)
			}
			o.buf = appendJSONString(o.buf, []byte(name), o.plain)
			o.buf = append(o.buf, ':')
			o.buf = appendJSONString(o.buf, f, o.plain)
		}
		o.buf = append(o.buf, '}')
		return o.end()
	}
	for i, f := range fs {
		o.csvField(i, untypedV(f))
	}
	return o.end()
}

func (o *outWriter) end() error {
	o.buf = append(o.buf, o.recDelim...)
	o.stats.RecordsReturned++
	if len(o.buf) >= o.chunk {
		return o.flush()
	}
	return nil
}

func (o *outWriter) flush() error {
	if len(o.buf) == 0 {
		return nil
	}
	o.stats.BytesReturned += int64(len(o.buf))
	if o.progress != nil {
		o.progress(*o.stats)
	}
	_, err := o.dst.Write(o.buf)
	o.buf = o.buf[:0]
	return err
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	return string(b[i:])
}
