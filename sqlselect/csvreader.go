package sqlselect

import (
	"bytes"
	"io"
	"unicode/utf8"
)

// csvReader splits CSV records into fields. Delimiters, quote, escape and
// comment are each one character, which may be a multi-byte UTF-8
// sequence: then the *MB scans compare the first byte and check the rest
// only where it matches (a UTF-8 lead byte never occurs inside another
// character); single-byte settings keep the byte scans. Without
// AllowQuotedRecordDelimiter a record ends at every record delimiter, found
// with bytes.IndexByte; fields are split only up to the last column the
// query reads (need), and unquoted fields are slices of the read buffer,
// so a record costs no allocation.
type csvReader struct {
	window
	fd       byte   // first byte of fdSeq
	rd       []byte // one character, or two bytes such as "\r\n"
	crlf     bool   // rd is "\n": also strip a preceding "\r"
	quote    byte   // first byte of quoteSeq
	esc      byte   // first byte of escSeq
	mb       bool   // a setting is multi-byte: the *MB scans are used
	comment  []byte // nil: no comment lines
	quotedRD bool
	need     int // fields to split; -1 all
	max      int // longest record
	fields   [][]byte
	scratch  []byte
	recStart int64 // stream offset of the current record
	// skipBefore: records starting before this offset (the partial record
	// a scan range begins in) are skipped without being parsed.
	skipBefore int64
	// seen counts the non-empty records (comment lines included) that
	// start at or after skipBefore, for line ranges.
	seen int64
	// The settings whole, for the *MB scans.
	fdSeq, quoteSeq, escSeq []byte
	escQ                    bool // the escape is the quote: a doubled quote is one
}

func newCSVReader(src io.Reader, base int64, in CSVInput, maxRecord int) *csvReader {
	c := &csvReader{window: newWindow(src, base), max: maxRecord, need: -1}
	c.fdSeq = seqOr(in.FieldDelimiter, ",")
	c.rd = seqOr(in.RecordDelimiter, "\n")
	c.crlf = len(c.rd) == 1 && c.rd[0] == '\n'
	c.quoteSeq = seqOr(in.QuoteCharacter, `"`)
	c.escSeq = seqOr(in.QuoteEscapeCharacter, string(c.quoteSeq))
	c.fd, c.quote, c.esc = c.fdSeq[0], c.quoteSeq[0], c.escSeq[0]
	c.escQ = bytes.Equal(c.escSeq, c.quoteSeq)
	c.mb = len(c.fdSeq) > 1 || len(c.quoteSeq) > 1 || len(c.escSeq) > 1 || len(c.rd) > 2
	if in.Comments != "" {
		c.comment = []byte(in.Comments)
	}
	c.quotedRD = in.AllowQuotedRecordDelimiter
	c.fields = make([][]byte, 0, 16)
	return c
}

func seqOr(s, def string) []byte {
	if s == "" {
		s = def
	}
	return []byte(s)
}

// oneChar reports whether s is empty (the default applies) or a single
// character: one byte, or one valid multi-byte UTF-8 sequence. AWS
// documents each CSV setting as "a single character"; a character of an
// XML document is a Unicode code point, not a byte.
func oneChar(s string) bool {
	if len(s) <= 1 {
		return true
	}
	r, n := utf8.DecodeRuneInString(s)
	return r != utf8.RuneError && n == len(s)
}

// validateCSVInput checks that each setting is one character (the record
// delimiter may also be two bytes, as "\r\n").
func validateCSVInput(in CSVInput) error {
	if len(in.RecordDelimiter) > 2 && !oneChar(in.RecordDelimiter) {
		return errorf(ErrInvalidRequestParameter, "RecordDelimiter must be one character or two bytes")
	}
	for _, f := range []struct{ name, v string }{
		{"FieldDelimiter", in.FieldDelimiter}, {"QuoteCharacter", in.QuoteCharacter},
		{"QuoteEscapeCharacter", in.QuoteEscapeCharacter}, {"Comments", in.Comments},
	} {
		if !oneChar(f.v) {
			return errorf(ErrInvalidRequestParameter, "%s must be one character", f.name)
		}
	}
	return nil
}

// at reports whether line holds seq at i, given that line[i] == seq[0].
// more is true when line ends inside a possible match.
func at(line []byte, i int, seq []byte) (ok, more bool) {
	if len(seq) == 1 {
		return true, false
	}
	if len(line)-i < len(seq) {
		return false, bytes.HasPrefix(seq, line[i:])
	}
	return bytes.Equal(line[i:i+len(seq)], seq), false
}

// is reports whether line holds seq at i.
func is(line []byte, i int, seq []byte) bool {
	if i >= len(line) || line[i] != seq[0] {
		return false
	}
	ok, _ := at(line, i, seq)
	return ok
}

// findEnd locates the end of the record starting at c.r: the index where
// its content ends and the index after its delimiter. ok is false when
// more data is needed.
func (c *csvReader) findEnd() (end, next int, ok bool) {
	if c.mb {
		return c.findEndMB()
	}
	data := c.buf[c.r:c.w]
	if !c.quotedRD {
		if len(c.rd) == 1 {
			i := bytes.IndexByte(data, c.rd[0])
			if i < 0 {
				return 0, 0, false
			}
			return c.r + i, c.r + i + 1, true
		}
		from := 1
		for {
			if from >= len(data) {
				return 0, 0, false
			}
			i := bytes.IndexByte(data[from:], c.rd[1])
			if i < 0 {
				return 0, 0, false
			}
			i += from
			if data[i-1] == c.rd[0] {
				return c.r + i - 1, c.r + i + 1, true
			}
			from = i + 1
		}
	}
	// Quote-aware scan: delimiters inside quoted fields are data.
	fieldStart := true
	for i := 0; i < len(data); {
		b := data[i]
		if fieldStart && b == c.quote {
			i++
			for {
				if i >= len(data) {
					return 0, 0, false
				}
				b = data[i]
				if b == c.esc && c.esc != c.quote {
					i += 2
					continue
				}
				if b == c.quote {
					if c.esc == c.quote {
						if i+1 >= len(data) && !c.eof {
							return 0, 0, false
						}
						if i+1 < len(data) && data[i+1] == c.quote {
							i += 2
							continue
						}
					}
					i++
					break
				}
				i++
			}
			fieldStart = false
			continue
		}
		if b == c.fd {
			fieldStart = true
			i++
			continue
		}
		if b == c.rd[0] {
			if len(c.rd) == 1 {
				return c.r + i, c.r + i + 1, true
			}
			if i+1 >= len(data) {
				if !c.eof {
					return 0, 0, false
				}
			} else if data[i+1] == c.rd[1] {
				return c.r + i, c.r + i + 2, true
			}
		}
		fieldStart = false
		i++
	}
	return 0, 0, false
}

// findEndMB is findEnd for multi-byte settings. It locates the end of the record starting at c.r: the index where
// its content ends and the index after its delimiter. ok is false when
// more data is needed.
func (c *csvReader) findEndMB() (end, next int, ok bool) {
	data := c.buf[c.r:c.w]
	if !c.quotedRD {
		var i int
		if len(c.rd) == 1 {
			i = bytes.IndexByte(data, c.rd[0])
		} else {
			i = bytes.Index(data, c.rd)
		}
		if i < 0 {
			return 0, 0, false
		}
		return c.r + i, c.r + i + len(c.rd), true
	}
	// Quote-aware scan: delimiters inside quoted fields are data. A
	// setting that may continue past the data read so far waits for more.
	lq := len(c.quoteSeq)
	fieldStart := true
	for i := 0; i < len(data); {
		b := data[i]
		if fieldStart && b == c.quote {
			isQ, more := at(data, i, c.quoteSeq)
			if more && !c.eof {
				return 0, 0, false
			}
			if isQ {
				i += lq
				for {
					if i >= len(data) {
						return 0, 0, false
					}
					b = data[i]
					if b == c.esc && !c.escQ {
						isE, more := at(data, i, c.escSeq)
						if more && !c.eof {
							return 0, 0, false
						}
						if isE {
							i += len(c.escSeq) + 1
							continue
						}
					}
					if b == c.quote {
						isQ, more := at(data, i, c.quoteSeq)
						if more && !c.eof {
							return 0, 0, false
						}
						if isQ {
							i += lq
							if c.escQ {
								if i >= len(data) && !c.eof {
									return 0, 0, false
								}
								if i < len(data) && data[i] == c.quote {
									isQ, more := at(data, i, c.quoteSeq)
									if more && !c.eof {
										return 0, 0, false
									}
									if isQ {
										i += lq
										continue
									}
								}
							}
							break
						}
					}
					i++
				}
				fieldStart = false
				continue
			}
		}
		if b == c.fd {
			isFD, more := at(data, i, c.fdSeq)
			if more && !c.eof {
				return 0, 0, false
			}
			if isFD {
				fieldStart = true
				i += len(c.fdSeq)
				continue
			}
		}
		if b == c.rd[0] {
			isRD, more := at(data, i, c.rd)
			if isRD {
				return c.r + i, c.r + i + len(c.rd), true
			}
			if more && !c.eof {
				return 0, 0, false
			}
		}
		fieldStart = false
		i++
	}
	return 0, 0, false
}

// next reads the next record into c.fields. It returns false at the end
// of the input.
func (c *csvReader) next() (bool, error) {
	for {
		end, next, ok := c.findEnd()
		if !ok {
			if !c.eof {
				if c.w-c.r > c.max {
					return false, errorf(ErrOverMaxRecordSize, "record at offset %d", c.offset(c.r))
				}
				if err := c.fill(); err != nil {
					return false, err
				}
				continue
			}
			if c.r >= c.w {
				return false, nil
			}
			end, next = c.w, c.w
		}
		line := c.buf[c.r:end]
		c.recStart = c.offset(c.r)
		c.r = next
		if len(line) > c.max {
			return false, errorf(ErrOverMaxRecordSize, "record at offset %d", c.recStart)
		}
		if c.crlf && len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		if len(line) == 0 || c.recStart < c.skipBefore {
			continue
		}
		c.seen++
		if c.comment != nil && line[0] == c.comment[0] && bytes.HasPrefix(line, c.comment) {
			continue
		}
		return true, c.split(line)
	}
}

// split cuts a record into fields, stopping after c.need of them.
func (c *csvReader) split(line []byte) error {
	if c.mb {
		return c.splitMB(line)
	}
	c.fields = c.fields[:0]
	c.scratch = c.scratch[:0]
	need, fd := c.need, c.fd
	i := 0
	for need < 0 || len(c.fields) < need {
		if i < len(line) && line[i] == c.quote {
			f, j, err := c.quoted(line, i+1)
			if err != nil {
				return err
			}
			c.fields = append(c.fields, f)
			if j >= len(line) {
				return nil
			}
			i = j + 1
			continue
		}
		j := i
		for j < len(line) && line[j] != fd {
			j++
		}
		c.fields = append(c.fields, line[i:j])
		if j >= len(line) {
			return nil
		}
		i = j + 1
	}
	return nil
}

// quoted reads a quoted field whose content starts at line[j]. It returns
// the unescaped field and the index of the delimiter after it (or
// len(line)). Text between the closing quote and the delimiter is kept.
func (c *csvReader) quoted(line []byte, j int) ([]byte, int, error) {
	q, esc := c.quote, c.esc
	start := j
	mark := len(c.scratch)
	copied := false
	for j < len(line) {
		b := line[j]
		if b == esc && esc != q && j+1 < len(line) && (line[j+1] == q || line[j+1] == esc) {
			c.scratch = append(c.scratch, line[start:j]...)
			c.scratch = append(c.scratch, line[j+1])
			copied = true
			j += 2
			start = j
			continue
		}
		if b != q {
			j++
			continue
		}
		if esc == q && j+1 < len(line) && line[j+1] == q {
			c.scratch = append(c.scratch, line[start:j+1]...)
			copied = true
			j += 2
			start = j
			continue
		}
		// Closing quote.
		f := line[start:j]
		j++
		if j < len(line) && line[j] != c.fd {
			k := j
			for k < len(line) && line[k] != c.fd {
				k++
			}
			c.scratch = append(c.scratch, f...)
			c.scratch = append(c.scratch, line[j:k]...)
			return c.scratch[mark:len(c.scratch):len(c.scratch)], k, nil
		}
		if copied {
			c.scratch = append(c.scratch, f...)
			return c.scratch[mark:len(c.scratch):len(c.scratch)], j, nil
		}
		return f, j, nil
	}
	return nil, 0, c.unterminated()
}

// splitMB is split for multi-byte settings: it cuts a record into fields, stopping after c.need of them.
func (c *csvReader) splitMB(line []byte) error {
	c.fields = c.fields[:0]
	c.scratch = c.scratch[:0]
	need, fd, fdSeq := c.need, c.fd, c.fdSeq
	i := 0
	for need < 0 || len(c.fields) < need {
		if i < len(line) && line[i] == c.quote && is(line, i, c.quoteSeq) {
			f, j, err := c.quotedMB(line, i+len(c.quoteSeq))
			if err != nil {
				return err
			}
			c.fields = append(c.fields, f)
			if j >= len(line) {
				return nil
			}
			i = j + len(fdSeq)
			continue
		}
		j := i
		for {
			for j < len(line) && line[j] != fd {
				j++
			}
			if j >= len(line) || len(fdSeq) == 1 || is(line, j, fdSeq) {
				break
			}
			j++
		}
		c.fields = append(c.fields, line[i:j])
		if j >= len(line) {
			return nil
		}
		i = j + len(fdSeq)
	}
	return nil
}

// quotedMB reads a quoted field whose content starts at line[j]. It returns
// the unescaped field and the index of the delimiter after it (or
// len(line)). Text between the closing quote and the delimiter is kept.
func (c *csvReader) quotedMB(line []byte, j int) ([]byte, int, error) {
	q, esc, qs, es := c.quote, c.esc, c.quoteSeq, c.escSeq
	start := j
	mark := len(c.scratch)
	copied := false
	for j < len(line) {
		b := line[j]
		if b == esc && !c.escQ && is(line, j, es) {
			k := j + len(es)
			n := 0
			switch {
			case is(line, k, qs):
				n = len(qs)
			case is(line, k, es):
				n = len(es)
			}
			if n > 0 {
				c.scratch = append(c.scratch, line[start:j]...)
				c.scratch = append(c.scratch, line[k:k+n]...)
				copied = true
				j = k + n
				start = j
				continue
			}
		}
		if b != q || !is(line, j, qs) {
			j++
			continue
		}
		if c.escQ && is(line, j+len(qs), qs) {
			c.scratch = append(c.scratch, line[start:j+len(qs)]...)
			copied = true
			j += 2 * len(qs)
			start = j
			continue
		}
		// Closing quote.
		f := line[start:j]
		j += len(qs)
		if j < len(line) && !is(line, j, c.fdSeq) {
			k := j
			for k < len(line) && !is(line, k, c.fdSeq) {
				k++
			}
			c.scratch = append(c.scratch, f...)
			c.scratch = append(c.scratch, line[j:k]...)
			return c.scratch[mark:len(c.scratch):len(c.scratch)], k, nil
		}
		if copied {
			c.scratch = append(c.scratch, f...)
			return c.scratch[mark:len(c.scratch):len(c.scratch)], j, nil
		}
		return f, j, nil
	}
	return nil, 0, c.unterminated()
}

// unterminated is the error of a quoted field the record ends inside:
// without AllowQuotedRecordDelimiter the record delimiter was taken as
// the record's end, which S3 names an escaping error.
func (c *csvReader) unterminated() error {
	if !c.quotedRD {
		return errorf(ErrCSVEscapingRecordDelimiter, "unterminated quoted field in the record at offset %d", c.recStart)
	}
	return errorf(ErrCSVParsingError, "unterminated quoted field in the record at offset %d", c.recStart)
}
