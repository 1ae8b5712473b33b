package sqlselect

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
)

// Meta is what OSS's CreateSelectObjectMeta computes about an object: how
// many records and columns it has and where it can be split, so later
// queries can address a range of records (LineRange) or splits
// (ScanRange) without scanning from the start.
type Meta struct {
	// Format is the input format the meta was computed for.
	Format InputFormat
	// Rows counts the records: every non-empty CSV record, the header
	// included, or every top-level JSON LINES value (see ScanMeta).
	Rows int64
	// Cols is the largest number of fields in a CSV record; 0 for JSON.
	Cols int
	// Splits are where the object can be cut: each is the first record
	// starting at or after a split boundary, and for JSON also the first
	// thing on its line (its Offset is the line's). Splits[0] is the
	// first record; an object without records has none.
	Splits []Split
	// BytesScanned is the size of the object scanned.
	BytesScanned int64
}

// Split is a record where a split starts: its byte offset and number.
type Split struct {
	Offset, Line int64
}

// MetaOptions tune ScanMeta. The zero value is usable.
type MetaOptions struct {
	// SplitSize is the distance in bytes between split boundaries.
	// Default: 1 MiB, raised so that no object has more than MaxSplits.
	SplitSize int64
	// Size is the object's size, used to pick the default SplitSize.
	Size int64
	// MaxRecordSize bounds one record, as in RunOptions. Default 1 MiB.
	MaxRecordSize int
	// Progress, if set, is called with the bytes scanned so far every
	// ProgressInterval bytes.
	Progress func(scanned int64)
	// ProgressInterval is in bytes. Default 1 MiB.
	ProgressInterval int64
}

// MaxSplits bounds the splits of one object (the default split size grows
// with the object), which bounds the stored meta to a few tens of KiB.
const MaxSplits = 4096

const defaultSplitSize = 1 << 20

// ScanMeta reads an uncompressed CSV or JSON LINES object from r and
// computes its Meta. A record that is not valid CSV (an unterminated
// quote) or JSON fails with the error a query would report for it.
//
// JSON LINES input is read as the OSS dialect reads it without a range:
// values separated by whitespace and at most one comma, each may span
// lines, so Rows counts values (pretty-printed objects included). A split
// is only placed at a value that begins its line, where every earlier
// value has ended: a range query, which reads one value per line, can
// start there. Such a query over an object that is not one value per
// line fails with JSONParsingError when it meets a value that spans
// lines or shares one; it never selects a part of a value.
func ScanMeta(ctx context.Context, r io.Reader, in Input, opts MetaOptions) (Meta, error) {
	if err := rangeable(in); err != nil {
		return Meta{}, err
	}
	if opts.MaxRecordSize <= 0 {
		opts.MaxRecordSize = 1 << 20
	}
	if opts.ProgressInterval <= 0 {
		opts.ProgressInterval = 1 << 20
	}
	if opts.SplitSize <= 0 {
		opts.SplitSize = max(defaultSplitSize, (opts.Size+MaxSplits-1)/MaxSplits)
	}
	m := Meta{Format: in.Format}
	var scanned int64
	src := countingReader{r, &scanned}
	var lastTick int64
	tick := func() error {
		if scanned-lastTick < opts.ProgressInterval {
			return nil
		}
		lastTick = scanned
		if opts.Progress != nil {
			opts.Progress(scanned)
		}
		return ctx.Err()
	}
	// add counts a record starting at start; canSplit says a split may
	// start there.
	add := func(start int64, canSplit bool) {
		if canSplit && (len(m.Splits) == 0 || start >= m.Splits[len(m.Splits)-1].Offset+opts.SplitSize) {
			m.Splits = append(m.Splits, Split{Offset: start, Line: m.Rows})
		}
		m.Rows++
	}
	switch {
	case in.Format == FormatCSV:
		if err := validateCSVInput(in.CSV); err != nil {
			return Meta{}, err
		}
		csv := in.CSV
		csv.Comments = "" // every record counts, comments too
		cr := newCSVReader(src, 0, csv, opts.MaxRecordSize)
		for {
			ok, err := cr.next()
			if err != nil {
				return Meta{}, err
			}
			if !ok {
				break
			}
			add(cr.recStart, true)
			m.Cols = max(m.Cols, len(cr.fields))
			if err := tick(); err != nil {
				return Meta{}, err
			}
		}
	case in.Format == FormatJSON && in.JSON.Type == JSONLines:
		jr := newJSONReader(src, 0, layoutStream, opts.MaxRecordSize)
		for {
			_, ok, err := jr.next()
			if err != nil {
				return Meta{}, err
			}
			if !ok {
				break
			}
			add(jr.valueLine, jr.valueLine >= 0)
			if err := tick(); err != nil {
				return Meta{}, err
			}
		}
	default:
		return Meta{}, errorf(ErrUnsupportedScanRangeInput, "only CSV and JSON LINES have a select meta")
	}
	m.BytesScanned = scanned
	return m, nil
}

// LineRange returns the line range of records first to last (inclusive),
// starting at the split that holds first. It fails with
// ErrInvalidScanRange when first is not a record of the object or last
// is before first; a last beyond the end is cut to the last record.
func (m Meta) LineRange(first, last int64) (*LineRange, error) {
	if first < 0 || first >= m.Rows || last < first {
		return nil, errorf(ErrInvalidScanRange, "lines %d-%d of an object with %d", first, last, m.Rows)
	}
	i := sort.Search(len(m.Splits), func(i int) bool { return m.Splits[i].Line > first }) - 1
	s := m.Splits[i]
	return &LineRange{First: first, Last: min(last, m.Rows-1), Offset: s.Offset, OffsetLine: s.Line}, nil
}

// SplitRange returns the scan range of splits first to last (inclusive).
// It fails with ErrInvalidScanRange when first is not a split of the
// object or last is before first; a last beyond the end is cut to the
// last split.
func (m Meta) SplitRange(first, last int64) (*ScanRange, error) {
	n := int64(len(m.Splits))
	if first < 0 || first >= n || last < first {
		return nil, errorf(ErrInvalidScanRange, "splits %d-%d of an object with %d", first, last, n)
	}
	r := &ScanRange{Start: m.Splits[first].Offset, HasStart: true}
	if last < n-1 { // not last+1 < n: last may be math.MaxInt64
		r.End, r.HasEnd = m.Splits[last+1].Offset-1, true
	}
	return r, nil
}

const metaEncoding = 1

// MarshalBinary encodes m compactly (varints, offsets and lines as deltas).
func (m Meta) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 16+len(m.Splits)*4)
	b = append(b, metaEncoding, byte(m.Format))
	b = binary.AppendUvarint(b, uint64(m.Rows))
	b = binary.AppendUvarint(b, uint64(m.Cols))
	b = binary.AppendUvarint(b, uint64(m.BytesScanned))
	b = binary.AppendUvarint(b, uint64(len(m.Splits)))
	var off, line int64
	for _, s := range m.Splits {
		b = binary.AppendUvarint(b, uint64(s.Offset-off))
		b = binary.AppendUvarint(b, uint64(s.Line-line))
		off, line = s.Offset, s.Line
	}
	return b, nil
}

var errBadMeta = errors.New("sqlselect: malformed select meta")

// UnmarshalBinary decodes what MarshalBinary wrote.
func (m *Meta) UnmarshalBinary(b []byte) error {
	if len(b) < 2 || b[0] != metaEncoding {
		return errBadMeta
	}
	*m = Meta{Format: InputFormat(b[1])}
	b = b[2:]
	next := func() (uint64, error) {
		v, n := binary.Uvarint(b)
		if n <= 0 || v > 1<<62 {
			return 0, errBadMeta
		}
		b = b[n:]
		return v, nil
	}
	var f [4]uint64
	for i := range f {
		v, err := next()
		if err != nil {
			return err
		}
		f[i] = v
	}
	if f[3] > MaxSplits*4 || f[1] > 1<<31 {
		return fmt.Errorf("%w: %d splits", errBadMeta, f[3])
	}
	m.Rows, m.Cols, m.BytesScanned = int64(f[0]), int(f[1]), int64(f[2])
	if f[3] > 0 {
		m.Splits = make([]Split, 0, f[3])
	}
	var off, line int64
	for range f[3] {
		do, err := next()
		if err != nil {
			return err
		}
		dl, err := next()
		if err != nil {
			return err
		}
		off, line = off+int64(do), line+int64(dl)
		m.Splits = append(m.Splits, Split{Offset: off, Line: line})
	}
	if len(b) != 0 {
		return errBadMeta
	}
	return nil
}
