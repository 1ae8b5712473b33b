package sqlselect

import (
	"errors"
	"io"
	"time"

	"github.com/parquet-go/parquet-go"
	pqformat "github.com/parquet-go/parquet-go/format"
)

// runParquet reads a Parquet object row by row through its io.ReaderAt
// (pages are read on demand, so memory is bounded by the row group's page
// buffers, not the object). Each row becomes a struct with the columns in
// schema order; nested groups become structs and repeated fields lists.
// With a scan range (ranged), only the row groups whose first page starts
// within [rs.start, rs.end] are read, as S3 documents: "For Parquet
// objects, all of the row groups that start within the scan range
// requested are processed."
func (rs *runState) runParquet(src Source, ranged bool) error {
	if src.ReaderAt == nil || src.Size <= 0 {
		return errorf(ErrInvalidRequestParameter, "Parquet input needs Source.ReaderAt and Source.Size")
	}
	// The declared sizes are checked before parquet-go allocates by them
	// (parquetcheck.go); the page index and bloom filters are not read.
	if err := checkParquetFooter(src.ReaderAt, src.Size); err != nil {
		return wrapErr(ErrParquetParsingError, err)
	}
	ra := countingReaderAt{r: src.ReaderAt, n: &rs.stats.BytesScanned}
	f, err := openParquet(ra, src.Size)
	if err != nil {
		return wrapErr(ErrParquetParsingError, err)
	}
	if err := checkParquetPages(src.ReaderAt, src.Size, f); err != nil {
		return wrapErr(ErrParquetParsingError, err)
	}
	prog, err := compile(rs.q, fmtJSON, nil, rs.opts.Clock)
	if err != nil {
		return err
	}
	rs.prog = prog
	rs.vals = make([]value, len(prog.items))
	if rs.limitReached() {
		return rs.finish()
	}
	schema := f.Schema()
	var rd *parquet.Reader
	if !ranged {
		rd = parquet.NewReader(f)
	} else {
		groups := f.RowGroups()
		var picked []parquet.RowGroup
		for i, rg := range f.Metadata().RowGroups {
			if off := rowGroupStart(&rg); i < len(groups) && off >= rs.start && (rs.end < 0 || off <= rs.end) {
				picked = append(picked, groups[i])
			}
		}
		if len(picked) == 0 {
			rs.stats.BytesProcessed = rs.stats.BytesScanned
			return rs.finish()
		}
		rd = parquet.NewRowGroupReader(parquet.MultiRowGroup(picked...))
	}
	defer rd.Close()
	var r row
	for n := 0; ; n++ {
		m := map[string]any{}
		err := readParquetRow(rd, &m)
		if err == io.EOF || errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return wrapErr(ErrParquetParsingError, err)
		}
		if n&1023 == 0 {
			if err := rs.tick(); err != nil {
				return err
			}
		}
		v, err := parquetValue(m, schema)
		if err != nil {
			return err
		}
		r.val = v
		if err := rs.process(&r, false, nil); err != nil {
			return err
		}
		if rs.limitReached() {
			break
		}
	}
	rs.stats.BytesProcessed = rs.stats.BytesScanned
	return rs.finish()
}

// rowGroupStart is the offset of a row group's first page: the earliest
// start (dictionary page, else first data page) of its column chunks.
func rowGroupStart(rg *pqformat.RowGroup) int64 {
	start := int64(-1)
	for _, cc := range rg.Columns {
		off := cc.MetaData.DataPageOffset
		if d := cc.MetaData.DictionaryPageOffset; d != 0 && d < off {
			off = d
		}
		if start < 0 || off < start {
			start = off
		}
	}
	return start
}

// openParquet opens the file without its page index and bloom filters,
// turning a panic of the decoder (a corrupt footer) into
// ParquetParsingError.
func openParquet(ra io.ReaderAt, size int64) (f *parquet.File, err error) {
	defer func() {
		if p := recover(); p != nil {
			f, err = nil, errorf(ErrParquetParsingError, "%v", p)
		}
	}()
	return parquet.OpenFile(ra, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
}

// readParquetRow reads one row, turning a panic of the decoder (corrupt
// input) into ParquetParsingError.
func readParquetRow(rd *parquet.Reader, m *map[string]any) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = errorf(ErrParquetParsingError, "%v", p)
		}
	}()
	return rd.Read(m)
}

type countingReaderAt struct {
	r io.ReaderAt
	n *int64
}

func (c countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	*c.n += int64(n)
	return n, err
}

// parquetValue converts a reconstructed Go value into a SQL value, using
// the schema node for member order.
func parquetValue(x any, node parquet.Node) (value, error) {
	switch x := x.(type) {
	case nil:
		return nullV, nil
	case bool:
		return boolV(x), nil
	case int32:
		if isLogical[*pqformat.DateType](node) {
			return tsV(time.Unix(int64(x)*86400, 0).UTC(), precDay, 0), nil
		}
		return intV(int64(x)), nil
	case int64:
		if node != nil && node.Leaf() {
			if lt := node.Type().LogicalType(); lt != nil {
				if ts, ok := lt.Value.(*pqformat.TimestampType); ok && ts.Unit.Value != nil {
					d := ts.Unit.Value.Duration()
					t := time.Unix(0, 0).Add(time.Duration(x) * d).UTC()
					digits := uint8(9)
					switch d {
					case time.Millisecond:
						digits = 3
					case time.Microsecond:
						digits = 6
					}
					return tsV(t, precFraction, digits), nil
				}
			}
		}
		return intV(x), nil
	case int:
		return intV(int64(x)), nil
	case uint32:
		return intV(int64(x)), nil
	case uint64:
		if x > 1<<63-1 {
			return floatV(float64(x)), nil
		}
		return intV(int64(x)), nil
	case float32:
		return floatV(float64(x)), nil
	case float64:
		return floatV(x), nil
	case string:
		return stringV(x), nil
	case []byte:
		return bytesV(x), nil
	case time.Time:
		return tsV(x, precFraction, 9), nil
	case []any:
		var elem parquet.Node
		if node != nil {
			elem = listElement(node)
		}
		l := make([]value, len(x))
		for i, e := range x {
			v, err := parquetValue(e, elem)
			if err != nil {
				return value{}, err
			}
			l[i] = v
		}
		return value{k: kList, st: &object{vals: l}}, nil
	case map[string]any:
		o := &object{}
		seen := map[string]bool{}
		if node != nil && !node.Leaf() {
			for _, f := range node.Fields() {
				e, ok := x[f.Name()]
				if !ok {
					continue
				}
				seen[f.Name()] = true
				v, err := parquetValue(e, f)
				if err != nil {
					return value{}, err
				}
				o.names = append(o.names, f.Name())
				o.vals = append(o.vals, v)
			}
		}
		for k, e := range x {
			if seen[k] {
				continue
			}
			v, err := parquetValue(e, nil)
			if err != nil {
				return value{}, err
			}
			o.names = append(o.names, k)
			o.vals = append(o.vals, v)
		}
		return value{k: kStruct, st: o}, nil
	}
	return value{}, errorf(ErrUnsupportedParquetType, "%T", x)
}

func isLogical[T any](node parquet.Node) bool {
	if node == nil || !node.Leaf() {
		return false
	}
	lt := node.Type().LogicalType()
	if lt == nil {
		return false
	}
	_, ok := lt.Value.(T)
	return ok
}

// listElement finds the element node of a repeated field or a LIST group.
func listElement(n parquet.Node) parquet.Node {
	if n.Leaf() {
		return n
	}
	fs := n.Fields()
	if len(fs) == 1 && !fs[0].Leaf() && len(fs[0].Fields()) == 1 {
		return fs[0].Fields()[0] // LIST -> list -> element
	}
	return n
}
