package sqlselect

import (
	"bytes"
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
	fd       byte // first bytes of fdSeq, quoteSeq and escSeq
	quote    byte
	esc      byte
	always   bool
	special  [256]bool // single-byte settings and line ends: force quoting
	stats    *Stats
	progress func(Stats)
	// maxRecord bounds one projected record, in bytes (runState sets it).
	maxRecord int
	// The settings whole: each one character, possibly multi-byte UTF-8.
	fdSeq, quoteSeq, escSeq []byte
	escQ                    bool     // the escape is the quote
	mb                      bool     // the quote or escape is multi-byte
	multi                   [][]byte // multi-byte settings, which force quoting too
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
			if !oneChar(s) {
				return nil, errorf(ErrInvalidRequestParameter, "CSV output delimiters and quotes must be one character")
			}
		}
		if len(c.RecordDelimiter) > 2 && !oneChar(c.RecordDelimiter) {
			return nil, errorf(ErrInvalidRequestParameter, "RecordDelimiter must be one character or two bytes")
		}
		if c.QuoteFields > QuoteAlways {
			return nil, errorf(ErrInvalidQuoteFields, "%d", c.QuoteFields)
		}
		o.recDelim = []byte(c.RecordDelimiter)
		if len(o.recDelim) == 0 {
			o.recDelim = []byte{'\n'}
		}
		o.fdSeq = seqOr(c.FieldDelimiter, ",")
		o.quoteSeq = seqOr(c.QuoteCharacter, `"`)
		o.escSeq = seqOr(c.QuoteEscapeCharacter, string(o.quoteSeq))
		o.fd, o.quote, o.esc = o.fdSeq[0], o.quoteSeq[0], o.escSeq[0]
		o.escQ = string(o.escSeq) == string(o.quoteSeq)
		o.mb = len(o.quoteSeq) > 1 || len(o.escSeq) > 1
		o.always = c.QuoteFields == QuoteAlways
		o.special['\n'], o.special['\r'] = true, true
		for _, seq := range [][]byte{o.fdSeq, o.quoteSeq, o.escSeq, o.recDelim} {
			if len(seq) == 1 || !oneChar(string(seq)) { // a byte, or a two-byte record delimiter such as "\r\n"
				for _, b := range seq {
					o.special[b] = true
				}
				continue
			}
			o.multi = append(o.multi, seq)
		}
	default:
		return nil, errorf(ErrInvalidRequestParameter, "output format %d", out.Format)
	}
	return o, nil
}

// csvField appends one CSV field, quoting it when needed.
func (o *outWriter) csvField(i int, v value) {
	if i > 0 {
		if len(o.fdSeq) == 1 {
			o.buf = append(o.buf, o.fd)
		} else {
			o.buf = append(o.buf, o.fdSeq...)
		}
	}
	mark := len(o.buf)
	o.buf = appendText(o.buf, v)
	f := o.buf[mark:]
	if !o.always && !o.needsQuote(f) {
		return
	}
	o.tmp = append(o.tmp[:0], f...)
	if !o.mb {
		o.buf = append(o.buf[:mark], o.quote)
		for _, b := range o.tmp {
			if b == o.quote || b == o.esc && o.esc != o.quote {
				o.buf = append(o.buf, o.esc)
			}
			o.buf = append(o.buf, b)
		}
		o.buf = append(o.buf, o.quote)
		return
	}
	o.buf = append(o.buf[:mark], o.quoteSeq...)
	for k := 0; k < len(o.tmp); {
		n := 0
		switch {
		case is(o.tmp, k, o.quoteSeq):
			n = len(o.quoteSeq)
		case !o.escQ && is(o.tmp, k, o.escSeq):
			n = len(o.escSeq)
		}
		if n == 0 {
			o.buf = append(o.buf, o.tmp[k])
			k++
			continue
		}
		o.buf = append(o.buf, o.escSeq...)
		o.buf = append(o.buf, o.tmp[k:k+n]...)
		k += n
	}
	o.buf = append(o.buf, o.quoteSeq...)
}

func (o *outWriter) needsQuote(f []byte) bool {
	for _, b := range f {
		if o.special[b] {
			return true
		}
	}
	if o.multi != nil {
		for _, seq := range o.multi {
			if bytes.Contains(f, seq) {
				return true
			}
		}
	}
	return false
}

// record writes one projected record. A record longer than maxRecord is
// OverMaxRecordSize ("the length of a record in the input or result"),
// found as it is built: 20,000 projections of a 512 KB field made one
// record of 10 GB in memory before it was written.
func (o *outWriter) record(names []string, vals []value) error {
	mark := len(o.buf)
	over := func() error {
		o.buf = o.buf[:mark]
		return errorf(ErrOverMaxRecordSize, "a result record is longer than %d bytes", o.maxRecord)
	}
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
			if len(o.buf)-mark > o.maxRecord {
				return over()
			}
		}
		o.buf = append(o.buf, '}')
	} else {
		for i, v := range vals {
			o.csvField(i, v)
			if len(o.buf)-mark > o.maxRecord {
				return over()
			}
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
