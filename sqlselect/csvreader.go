package sqlselect

import (
	"bytes"
	"io"
)

// csvReader splits CSV records into fields. Without
// AllowQuotedRecordDelimiter a record ends at every record delimiter, found
// with bytes.IndexByte; fields are split only up to the last column the
// query reads (need), and unquoted fields are slices of the read buffer,
// so a record costs no allocation.
type csvReader struct {
	window
	fd       byte
	rd       []byte // 1 or 2 bytes
	crlf     bool   // rd is "\n": also strip a preceding "\r"
	quote    byte
	esc      byte
	comment  byte
	hasCmt   bool
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
}

func newCSVReader(src io.Reader, base int64, in CSVInput, maxRecord int) *csvReader {
	c := &csvReader{window: newWindow(src, base), max: maxRecord, need: -1}
	c.fd = byteOr(in.FieldDelimiter, ',')
	c.rd = []byte(in.RecordDelimiter)
	if len(c.rd) == 0 {
		c.rd = []byte{'\n'}
	}
	c.crlf = len(c.rd) == 1 && c.rd[0] == '\n'
	c.quote = byteOr(in.QuoteCharacter, '"')
	c.esc = byteOr(in.QuoteEscapeCharacter, c.quote)
	if in.Comments != "" {
		c.comment, c.hasCmt = in.Comments[0], true
	}
	c.quotedRD = in.AllowQuotedRecordDelimiter
	c.fields = make([][]byte, 0, 16)
	return c
}

func byteOr(s string, def byte) byte {
	if s == "" {
		return def
	}
	return s[0]
}

// validateCSVInput checks delimiter lengths.
func validateCSVInput(in CSVInput) error {
	if len(in.RecordDelimiter) > 2 {
		return errorf(ErrInvalidRequestParameter, "RecordDelimiter must be one or two bytes")
	}
	for _, f := range []struct{ name, v string }{
		{"FieldDelimiter", in.FieldDelimiter}, {"QuoteCharacter", in.QuoteCharacter},
		{"QuoteEscapeCharacter", in.QuoteEscapeCharacter}, {"Comments", in.Comments},
	} {
		if len(f.v) > 1 {
			return errorf(ErrInvalidRequestParameter, "%s must be one byte", f.name)
		}
	}
	return nil
}

// findEnd locates the end of the record starting at c.r: the index where
// its content ends and the index after its delimiter. ok is false when
// more data is needed.
func (c *csvReader) findEnd() (end, next int, ok bool) {
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
		if c.hasCmt && line[0] == c.comment {
			continue
		}
		return true, c.split(line)
	}
}

// split cuts a record into fields, stopping after c.need of them.
func (c *csvReader) split(line []byte) error {
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
	if !c.quotedRD {
		return nil, 0, errorf(ErrCSVEscapingRecordDelimiter, "unterminated quoted field in the record at offset %d", c.recStart)
	}
	return nil, 0, errorf(ErrCSVParsingError, "unterminated quoted field in the record at offset %d", c.recStart)
}
