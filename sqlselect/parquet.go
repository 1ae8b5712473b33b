package sqlselect

import (
	"encoding/binary"
	"errors"
	"io"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	pqformat "github.com/parquet-go/parquet-go/format"
)

// runParquet reads a Parquet object row group by row group through its
// io.ReaderAt, each group's rows from the column chunks of the columns the
// query reads alone (pages are read on demand, so memory is bounded by
// those chunks' page buffers, not the object). Each row becomes a struct
// of the columns the query reads, in schema order; nested groups become
// structs, LIST groups and repeated fields lists, MAP groups structs
// (pqConv).
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
	rs.setDecodedRatio(src.Size)
	f, err := openParquet(ra, src.Size)
	if err != nil {
		return wrapErr(ErrParquetParsingError, err)
	}
	// The plan (which columns the query reads) is made before the pages
	// are checked, so only the pages of those columns are; its errors are
	// answered in the order they were before it was.
	prog, cerr := compile(rs.q, fmtJSON, nil, rs.opts.Clock)
	var plan *pqPlan
	var perr error
	if cerr == nil {
		var conv *pqConv
		var raw *rawField
		if conv, raw, perr = newPQConv(f); perr == nil {
			plan, perr = conv.project(raw, prog.whole, prog.top, prog.compared)
		}
		if plan != nil && len(plan.read) == 0 && conv.ncols > 0 {
			// A query that reads no column (COUNT(*)) still counts rows:
			// they are read from the cheapest column.
			plan.read = []int{smallestColumn(f.Metadata(), conv.ncols)}
		}
	}
	var read []int // nil: every column
	if plan != nil {
		read = plan.read
	}
	if err := checkParquetPages(src.ReaderAt, src.Size, f, read); err != nil {
		return wrapErr(ErrParquetParsingError, err)
	}
	if cerr != nil {
		return cerr
	}
	rs.prog = prog
	rs.vals = make([]value, len(prog.items))
	if rs.limitReached() {
		return rs.finish()
	}
	if perr != nil {
		return perr
	}
	groups := f.RowGroups()
	var r row
	var recs []value // the records a FROM path selects in a row
	rows := make([]parquet.Row, parquetBatch)
	for i, rg := range f.Metadata().RowGroups {
		if i >= len(groups) {
			break
		}
		// With a scan range, only the row groups whose first page starts
		// within it are read.
		if off := rowGroupStart(&rg); ranged && (off < rs.start || rs.end >= 0 && off > rs.end) {
			continue
		}
		done, err := rs.parquetGroup(plan, groups[i], rows, &r, &recs)
		if err != nil {
			return err
		}
		if done {
			break
		}
	}
	rs.stats.BytesProcessed = rs.stats.BytesScanned
	return rs.finish()
}

// setDecodedRatio holds the Parquet values decoded (meter.decoded, 8 a
// value and 1 a null) to RunOptions.MaxDecompressionRatio times the
// object's size bytes plus decompressSlack, as the decompressed bytes of
// GZIP, BZIP2 and ZSTD input are held; parquetGroup checks each row.
// Run-length pages make rows from almost nothing: a page of 3 million
// copies of one dictionary index is about 30 bytes, so 1222 bytes held 33
// million rows (8 s of COUNT(*)), a megabyte would hold 27 billion, and
// the evaluation budget does not bound them: each value decoded adds 8
// bytes to the input it is measured against, more than any row costs.
// The ratio is the object's, not the bytes the query read: a query reads
// only its columns' chunks (COUNT(*) the smallest), and a column of one
// value in a legitimate file is a few bytes a page however many rows it
// has (12 million rows of a region column in 13 KB,
// TestRev40bParquetRatioCountsTheFile).
func (rs *runState) setDecodedRatio(size int64) {
	ratio := int64(rs.opts.MaxDecompressionRatio)
	rs.pqSize, rs.pqDecodedMax = size, math.MaxInt64
	if size <= (math.MaxInt64-decompressSlack)/ratio {
		rs.pqDecodedMax = ratio*size + decompressSlack
	}
}

// decodedRatioError is the error of values decoded beyond pqDecodedMax.
func (rs *runState) decodedRatioError() error {
	return errorf(ErrTruncatedInput, "the Parquet object's %d bytes decode to more than %d times as many (8 a value, 1 a null; RunOptions.MaxDecompressionRatio)", rs.pqSize, rs.opts.MaxDecompressionRatio)
}

// parquetGroup evaluates the rows of one row group, reading only the
// column chunks plan reads; done reports the query's LIMIT reached.
func (rs *runState) parquetGroup(plan *pqPlan, rg parquet.RowGroup, rows []parquet.Row, r *row, recs *[]value) (done bool, err error) {
	from := rs.q.fromSteps()
	chunks := rg.ColumnChunks()
	picked := make([]parquet.ColumnChunk, 0, len(plan.read))
	for _, c := range plan.read {
		if c < len(chunks) {
			picked = append(picked, chunks[c])
		}
	}
	rd := parquet.NewRowGroupRowReader(pqProjected{RowGroup: rg, chunks: picked})
	defer rd.Close()
	for n, idle := 0, 0; ; {
		got, err := readParquetRows(rd, rows)
		if err != nil && !errors.Is(err, io.EOF) {
			return false, wrapErr(ErrParquetParsingError, err)
		}
		// A read may return fewer rows than asked, even none, without an
		// error; only io.EOF ends the rows.
		if got == 0 && err == nil {
			if idle++; idle > 64 {
				return false, errorf(ErrParquetParsingError, "the decoder returns no rows and no end")
			}
			continue
		}
		idle = 0
		for _, pr := range rows[:got] {
			if n&1023 == 0 {
				if err := rs.tick(); err != nil {
					return false, err
				}
			}
			n++
			// Each row: a row's values are not bounded (a repeated
			// column), and a row group may hold fewer than the rows
			// between ticks.
			if rs.meter.decoded += pqRowBytes(pr); rs.meter.decoded > rs.pqDecodedMax {
				return false, rs.decodedRatioError()
			}
			v, err := plan.row(pr)
			if err != nil {
				return false, err
			}
			if len(from) == 0 {
				r.val = v
				if err := rs.process(r, false, nil); err != nil {
					return false, err
				}
				if rs.limitReached() {
					return true, nil
				}
				continue
			}
			// A FROM path selects the records within the row, as
			// within a JSON record (an empty selection is one MISSING
			// record, as there).
			*recs = expandFrom((*recs)[:0], v, from, rs.q.dialect == DialectOSS)
			if len(*recs) == 0 {
				*recs = append(*recs, missingV)
			}
			for _, rec := range *recs {
				r.val = rec
				if err := rs.process(r, false, nil); err != nil {
					return false, err
				}
				if rs.limitReached() {
					return true, nil
				}
			}
		}
		if err != nil {
			return false, nil
		}
	}
}

// pqProjected is a row group seen through some of its column chunks:
// parquet-go's row reader over it reads and decodes those alone. The rows
// it gives hold the values of those columns, each carrying its column's
// index in the file.
type pqProjected struct {
	parquet.RowGroup
	chunks []parquet.ColumnChunk
}

func (g pqProjected) ColumnChunks() []parquet.ColumnChunk { return g.chunks }

// smallestColumn is the column (of the first n) of fewest uncompressed
// bytes over the file's row groups: the cheapest to decode for a query
// that reads no column but counts rows.
func smallestColumn(md *pqformat.FileMetaData, n int) int {
	size := make([]int64, n)
	for _, rg := range md.RowGroups {
		for i, cc := range rg.Columns[:min(n, len(rg.Columns))] {
			size[i] += cc.MetaData.TotalUncompressedSize
		}
	}
	best := 0
	for i, s := range size {
		if s < size[best] {
			best = i
		}
	}
	return best
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

// parquetBatch is how many rows are read from the decoder at a time.
const parquetBatch = 64

// readParquetRows reads the next rows, turning a panic of the decoder
// (corrupt input) into ParquetParsingError.
func readParquetRows(rd parquet.RowReader, rows []parquet.Row) (n int, err error) {
	defer func() {
		if p := recover(); p != nil {
			n, err = 0, errorf(ErrParquetParsingError, "%v", p)
		}
	}()
	return rd.ReadRows(rows)
}

// reconstructParquetRow assembles one row's values through the physical
// schema, turning a panic (levels that do not match the schema) into
// ParquetParsingError.
func reconstructParquetRow(raw *parquet.Schema, m *map[string]any, row parquet.Row) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = errorf(ErrParquetParsingError, "%v", p)
		}
	}()
	return raw.Reconstruct(m, row)
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

// pqKind is how the values of one Parquet schema node become SQL values,
// decided once per file from the node's schema element (its logical type,
// else its legacy converted type, else its physical type).
type pqKind uint8

const (
	pqStruct      pqKind = iota // a group: a struct of its fields in schema order
	pqList                      // a LIST group or a repeated field
	pqMap                       // a MAP group: a struct keyed by the keys' text
	pqBool                      // BOOLEAN
	pqInt                       // INT32, INT64, INT(8..64, signed)
	pqUint                      // INT(8..64, unsigned): the bits read as unsigned
	pqFloat                     // FLOAT, DOUBLE
	pqFloat16                   // FLOAT16 on FIXED_LEN_BYTE_ARRAY(2)
	pqString                    // STRING, ENUM, JSON, unannotated BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY
	pqUUID                      // UUID: the canonical 8-4-4-4-12 text
	pqDate                      // DATE: a timestamp of day precision
	pqTimestamp                 // TIMESTAMP(MILLIS|MICROS|NANOS)
	pqDecimal                   // DECIMAL on any of its four physical types
	pqNull                      // the NULL (UNKNOWN) logical type: always NULL
	pqUnsupported               // a type S3 Select does not read (INT96, TIME, ...)
)

// pqConv converts the values of one schema node. A top-level leaf is
// converted from its one parquet.Value (leaf); other columns are
// reconstructed through a schema of physical types only (rawField), so
// groups, lists and maps arrive as map[string]any and []any that value
// walks by name in schema order, and their leaves as the physical types'
// Go values.
type pqConv struct {
	kind   pqKind
	name   string
	unit   time.Duration // pqTimestamp
	scale  int32         // pqDecimal
	digits uint8         // pqTimestamp: fractional digits of the unit
	what   string        // pqUnsupported: the type's name, for the error
	// Structs: the fields and their names (shared by every row's object).
	fields []*pqConv
	names  []string
	// Lists: elem converts an element; rep names the repeated child of a
	// LIST group ("" for a repeated field, whose value is the []any
	// itself) and inner the element within it ("" for two-level lists).
	// Maps: rep names the repeated key_value group.
	elem       *pqConv
	rep, inner string
	key        *pqConv // maps
	// The leaf columns under the node: ncols of them from firstCol.
	firstCol, ncols int
}

// pqSchema walks a file's schema: the node tree and, in the same
// depth-first order, the schema elements of its footer.
type pqSchema struct {
	elems []pqformat.SchemaElement
	next  int
	leaf  int // leaf columns seen so far
}

// newPQConv builds the converter and the physical-type reconstruction node
// of a file's schema.
func newPQConv(f *parquet.File) (conv *pqConv, raw *rawField, err error) {
	defer func() {
		if p := recover(); p != nil {
			conv, raw, err = nil, nil, errorf(ErrParquetParsingError, "schema: %v", p)
		}
	}()
	w := &pqSchema{elems: f.Metadata().Schema}
	c, node, err := w.node(f.Root())
	if err != nil {
		return nil, nil, err
	}
	if c.kind != pqStruct {
		return nil, nil, errorf(ErrParquetParsingError, "the schema's root is not a group")
	}
	return c, node.(*rawField), nil
}

func (w *pqSchema) node(col *parquet.Column) (*pqConv, parquet.Field, error) {
	if w.next >= len(w.elems) {
		return nil, nil, errorf(ErrParquetParsingError, "the schema has fewer elements than columns")
	}
	el := &w.elems[w.next]
	w.next++
	c := &pqConv{name: col.Name(), firstCol: w.leaf}
	raw := &rawField{Field: col}
	defer func() { c.ncols = w.leaf - c.firstCol }()
	if col.Leaf() {
		w.leaf++
		raw.typ = physicalType(el)
		if raw.typ == nil {
			return nil, nil, errorf(ErrParquetParsingError, "column %q has no physical type", col.Name())
		}
		leafKind(c, el)
	} else {
		raw.typ = parquet.Group{}.Type()
		for _, child := range col.Columns() {
			cc, cn, err := w.node(child)
			if err != nil {
				return nil, nil, err
			}
			c.fields = append(c.fields, cc)
			c.names = append(c.names, cc.name)
			raw.fields = append(raw.fields, cn)
		}
		c.names = slices.Clip(c.names) // shared by every row's object
		groupKind(c, el, col)
	}
	if col.Repeated() {
		// A repeated field outside a LIST group is a list of its values.
		elem := *c
		elem.ncols = w.leaf - c.firstCol
		return &pqConv{kind: pqList, name: c.name, elem: &elem, firstCol: c.firstCol, ncols: elem.ncols}, raw, nil
	}
	return c, raw, nil
}

// groupKind decides a group's kind. LIST and MAP groups follow the
// backward-compatibility rules of the Parquet format's LogicalTypes.md.
func groupKind(c *pqConv, el *pqformat.SchemaElement, col *parquet.Column) {
	ct, hasCT := el.ConvertedType.V, el.ConvertedType.Valid
	switch el.LogicalType.Value.(type) {
	case *pqformat.ListType:
		listKind(c, col)
		return
	case *pqformat.MapType:
		mapKind(c, col)
		return
	case *pqformat.VariantType:
		c.kind, c.what = pqUnsupported, "VARIANT"
		return
	}
	switch {
	case hasCT && ct == deprecated.List:
		listKind(c, col)
	case hasCT && (ct == deprecated.Map || ct == deprecated.MapKeyValue):
		mapKind(c, col)
	}
}

func listKind(c *pqConv, col *parquet.Column) {
	kids := col.Columns()
	if len(kids) != 1 || !kids[0].Repeated() {
		return // not a list shape: read as the group it is
	}
	rep := kids[0]
	c.kind, c.rep = pqList, rep.Name()
	// The repeated child is the element when it is a leaf, a group of
	// several fields, a group of one repeated field, or named "array" or
	// "<list>_tuple" (rules 1 to 4); otherwise its one field is (rule 5).
	lc := c.fields[0].elem // the repeated child's own converter
	two := rep.Leaf() || len(rep.Columns()) != 1 || rep.Columns()[0].Repeated() || rep.Name() == "array" ||
		rep.Name() == col.Name()+"_tuple" || lc.kind != pqStruct
	c.fields, c.names = nil, nil
	if two {
		c.elem = lc
		return
	}
	c.inner = rep.Columns()[0].Name()
	c.elem = lc.fields[0]
}

func mapKind(c *pqConv, col *parquet.Column) {
	kids := col.Columns()
	if len(kids) != 1 || !kids[0].Repeated() || kids[0].Leaf() || len(kids[0].Columns()) < 1 {
		return
	}
	kv := c.fields[0].elem
	if kv.kind != pqStruct {
		return
	}
	c.kind, c.rep = pqMap, kids[0].Name()
	c.key = kv.fields[0]
	if len(kv.fields) > 1 {
		c.elem = kv.fields[1]
	} else {
		c.elem = &pqConv{kind: pqNull}
	}
	c.fields, c.names = nil, nil
}

// leafKind decides a leaf's kind.
func leafKind(c *pqConv, el *pqformat.SchemaElement) {
	phys := pqformat.Type(-1)
	if el.Type.Valid {
		phys = el.Type.V
	}
	switch lt := el.LogicalType.Value.(type) {
	case *pqformat.StringType, *pqformat.EnumType, *pqformat.JsonType:
		c.kind = pqString
		return
	case *pqformat.UUIDType:
		c.kind = pqUUID
		return
	case *pqformat.DateType:
		c.kind = pqDate
		return
	case *pqformat.Float16Type:
		c.kind = pqFloat16
		return
	case *pqformat.DecimalType:
		decimalKind(c, lt.Precision, lt.Scale)
		return
	case *pqformat.TimestampType:
		if lt.Unit.Value == nil {
			// "Upon reading, unknown unit-s must be handled as
			// unsupported features" (LogicalTypes.md).
			c.kind, c.what = pqUnsupported, "TIMESTAMP of an unknown unit"
			return
		}
		timestampKind(c, lt.Unit.Value.Duration())
		return
	case *pqformat.IntType:
		c.kind = pqInt
		if !lt.IsSigned {
			c.kind = pqUint
		}
		return
	case *pqformat.NullType:
		c.kind = pqNull
		return
	case *pqformat.TimeType:
		c.kind, c.what = pqUnsupported, "TIME"
		return
	case *pqformat.BsonType:
		c.kind, c.what = pqUnsupported, "BSON"
		return
	case nil:
	default:
		c.kind, c.what = pqUnsupported, lt.String()
		return
	}
	if el.ConvertedType.Valid {
		switch el.ConvertedType.V {
		case deprecated.UTF8, deprecated.Enum, deprecated.Json:
			c.kind = pqString
			return
		case deprecated.Decimal:
			decimalKind(c, el.Precision.V, el.Scale.V)
			return
		case deprecated.Date:
			c.kind = pqDate
			return
		case deprecated.TimestampMillis:
			timestampKind(c, time.Millisecond)
			return
		case deprecated.TimestampMicros:
			timestampKind(c, time.Microsecond)
			return
		case deprecated.Int8, deprecated.Int16, deprecated.Int32, deprecated.Int64:
			c.kind = pqInt
			return
		case deprecated.Uint8, deprecated.Uint16, deprecated.Uint32, deprecated.Uint64:
			c.kind = pqUint
			return
		case deprecated.TimeMillis, deprecated.TimeMicros:
			c.kind, c.what = pqUnsupported, "TIME"
			return
		case deprecated.Bson:
			c.kind, c.what = pqUnsupported, "BSON"
			return
		case deprecated.Interval:
			c.kind, c.what = pqUnsupported, "INTERVAL"
			return
		}
	}
	switch phys {
	case pqformat.Boolean:
		c.kind = pqBool
	case pqformat.Int32, pqformat.Int64:
		c.kind = pqInt
	case pqformat.Int96:
		c.kind, c.what = pqUnsupported, "INT96"
	case pqformat.Float, pqformat.Double:
		c.kind = pqFloat
	default:
		c.kind = pqString
	}
}

// maxDecimalPrecision is the widest DECIMAL read: Arrow's decimal256 (S3
// Select's own decimals hold 38 digits). A scale is what decimalDigits
// pads with zeros, so one taken from the footer unchecked would let a
// file of a few bytes ask for gigabytes of text per value.
const maxDecimalPrecision = 76

// decimalKind decides a DECIMAL leaf: one whose precision and scale the
// Parquet format allows (0 < precision, 0 <= scale <= precision) and
// within maxDecimalPrecision; another is a type S3 Select does not read.
func decimalKind(c *pqConv, precision, scale int32) {
	if precision <= 0 || precision > maxDecimalPrecision || scale < 0 || scale > precision {
		c.kind, c.what = pqUnsupported, "DECIMAL("+strconv.Itoa(int(precision))+","+strconv.Itoa(int(scale))+")"
		return
	}
	c.kind, c.scale = pqDecimal, scale
}

func timestampKind(c *pqConv, unit time.Duration) {
	c.kind, c.unit, c.digits = pqTimestamp, unit, 9
	switch unit {
	case time.Millisecond:
		c.digits = 3
	case time.Microsecond:
		c.digits = 6
	}
}

// physicalType is the parquet-go type that reads a leaf's values as they
// are stored.
func physicalType(el *pqformat.SchemaElement) parquet.Type {
	if !el.Type.Valid {
		return nil
	}
	switch el.Type.V {
	case pqformat.Boolean:
		return parquet.BooleanType
	case pqformat.Int32:
		return parquet.Int32Type
	case pqformat.Int64:
		return parquet.Int64Type
	case pqformat.Int96:
		return parquet.Int96Type
	case pqformat.Float:
		return parquet.FloatType
	case pqformat.Double:
		return parquet.DoubleType
	case pqformat.ByteArray:
		return parquet.ByteArrayType
	case pqformat.FixedLenByteArray:
		if el.TypeLength.Valid && el.TypeLength.V > 0 {
			return parquet.FixedLenByteArrayType(int(el.TypeLength.V))
		}
	}
	return nil
}

// rawField is a file's schema node with its logical types taken away:
// leaves read as their physical type and every group as a plain group, so
// parquet-go reconstructs stored values and pqConv alone interprets them.
type rawField struct {
	parquet.Field
	typ    parquet.Type
	fields []parquet.Field
}

func (f *rawField) Type() parquet.Type      { return f.typ }
func (f *rawField) Fields() []parquet.Field { return f.fields }
func (f *rawField) GoType() reflect.Type {
	if f.Field.Leaf() {
		return parquet.Leaf(f.typ).GoType()
	}
	return reflect.TypeFor[map[string]any]()
}

// unsupported names the first type under c that S3 Select does not read.
func (c *pqConv) unsupported() string {
	if c.kind == pqUnsupported {
		return c.what
	}
	for _, f := range c.fields {
		if w := f.unsupported(); w != "" {
			return w
		}
	}
	for _, e := range []*pqConv{c.elem, c.key} {
		if e != nil {
			if w := e.unsupported(); w != "" {
				return w
			}
		}
	}
	return ""
}

// pqPlan converts a file's rows for one query.
type pqPlan struct {
	conv *pqConv // the root, with the columns the query reads
	// flat is, for each of conv's fields, the file column of a top-level
	// leaf (read from its one value, without reconstruction), else -1.
	flat []int
	// nested reconstructs the other fields (nil when there are none) from
	// the values of their columns, renumbered by remap (-1: not theirs).
	nested *parquet.Schema
	remap  []int
	// read is the file columns the query reads, ascending (the leaves of
	// the kept top-level columns): the only ones decoded.
	read []int
	cols [][]parquet.Value
	buf  parquet.Row
}

// pqReadAll makes project keep every column, as before projection: the
// tests' reference answer for every query (export_test.go).
var pqReadAll bool

// project plans the conversion of the top-level columns a query reads:
// all of them when it reads the record whole, else those its paths name
// (matched ignoring case, so an ambiguous name stays ambiguous). A kept
// column that holds a type S3 Select does not read is
// UnsupportedParquetType ("The specified Parquet type is not supported."),
// or UnsupportedTypeForQuerying when a comparison reads a value of that
// type (one of compared, the paths comparisons read, leads to it): S3's
// error list gives "verifying that a Parquet INT96 column type is greater
// than 0" as that code's example. A column the query does not read is
// neither reconstructed nor converted.
func (c *pqConv) project(raw *rawField, whole bool, top []string, compared [][]Step) (*pqPlan, error) {
	p := &pqPlan{conv: &pqConv{kind: pqStruct, name: c.name}, remap: make([]int, c.ncols)}
	for i := range p.remap {
		p.remap[i] = -1
	}
	nested := &rawField{Field: raw.Field, typ: raw.typ}
	next := 0
	var typeErr error // UnsupportedParquetType, unless a comparison reads such a type
	for i, f := range c.fields {
		keep := whole || pqReadAll
		for _, n := range top {
			if strings.EqualFold(n, f.name) {
				keep = true
				break
			}
		}
		if !keep {
			continue
		}
		if w := f.unsupported(); w != "" {
			for _, steps := range compared {
				if w := f.comparedUnsupported(steps); w != "" {
					return nil, errorf(ErrUnsupportedTypeForQuerying, "a comparison reads %q, of Parquet type %s", f.name, w)
				}
			}
			if typeErr == nil {
				typeErr = errorf(ErrUnsupportedParquetType, "column %q is of Parquet type %s", f.name, w)
			}
			continue
		}
		p.conv.fields = append(p.conv.fields, f)
		p.conv.names = append(p.conv.names, f.name)
		for col := f.firstCol; col < f.firstCol+f.ncols; col++ {
			p.read = append(p.read, col)
		}
		if f.leafKind() {
			p.flat = append(p.flat, f.firstCol)
			continue
		}
		p.flat = append(p.flat, -1)
		nested.fields = append(nested.fields, raw.fields[i])
		for col := f.firstCol; col < f.firstCol+f.ncols; col++ {
			p.remap[col] = next
			next++
		}
	}
	if typeErr != nil {
		return nil, typeErr
	}
	p.conv.names = slices.Clip(p.conv.names)
	if len(nested.fields) > 0 {
		p.nested = parquet.NewSchema(raw.Name(), nested)
	}
	p.cols = make([][]parquet.Value, c.ncols)
	return p, nil
}

// comparedUnsupported names the type S3 Select does not read that a
// path (its steps after the alias) reaches under the top-level column c:
// the path's names are followed through structs, ignoring case, as far as
// they go, and the node reached is checked whole. "" when the path is
// not c's or what it reaches holds no such type.
func (c *pqConv) comparedUnsupported(steps []Step) string {
	if len(steps) == 0 || steps[0].Kind != StepName || !strings.EqualFold(steps[0].Name, c.name) {
		return ""
	}
	n := c
	for _, st := range steps[1:] {
		if st.Kind != StepName || n.kind != pqStruct {
			break
		}
		i := slices.IndexFunc(n.names, func(name string) bool { return strings.EqualFold(name, st.Name) })
		if i < 0 {
			return ""
		}
		n = n.fields[i]
	}
	return n.unsupported()
}

// leafKind reports a node read from one value of one column.
func (c *pqConv) leafKind() bool {
	return c.kind != pqStruct && c.kind != pqList && c.kind != pqMap
}

// row converts one row.
func (p *pqPlan) row(row parquet.Row) (value, error) {
	for _, col := range p.read {
		p.cols[col] = nil
	}
	// The row holds the values of the columns read, column by column;
	// each value knows its column (parquet.Row.Range would number the
	// runs from 0, as if every column were there).
	for i := 0; i < len(row); {
		col, j := row[i].Column(), i+1
		for j < len(row) && row[j].Column() == col {
			j++
		}
		if col >= 0 && col < len(p.cols) {
			p.cols[col] = row[i:j:j]
		}
		i = j
	}
	var m map[string]any
	if p.nested != nil {
		p.buf = p.buf[:0]
		for _, v := range row {
			if col := v.Column(); col < len(p.remap) && p.remap[col] >= 0 {
				p.buf = append(p.buf, v.Level(v.RepetitionLevel(), v.DefinitionLevel(), p.remap[col]))
			}
		}
		m = map[string]any{}
		if err := reconstructParquetRow(p.nested, &m, p.buf); err != nil {
			return value{}, wrapErr(ErrParquetParsingError, err)
		}
	}
	o := &object{names: p.conv.names, vals: make([]value, len(p.conv.fields))}
	for i, f := range p.conv.fields {
		var v value
		var err error
		if col := p.flat[i]; col >= 0 {
			if len(p.cols[col]) != 1 {
				return value{}, errorf(ErrParquetParsingError, "column %q has %d values in a row", f.name, len(p.cols[col]))
			}
			v, err = f.leaf(p.cols[col][0])
		} else {
			v, err = f.value(m[f.name])
		}
		if err != nil {
			return value{}, err
		}
		o.vals[i] = v
	}
	return value{k: kStruct, st: o}, nil
}

// value converts one reconstructed value.
func (c *pqConv) value(x any) (value, error) {
	if x == nil {
		return nullV, nil
	}
	switch c.kind {
	case pqStruct:
		m, ok := x.(map[string]any)
		if !ok {
			return c.bad(x)
		}
		o := &object{names: c.names, vals: make([]value, len(c.fields))}
		for i, f := range c.fields {
			v, err := f.value(m[f.name])
			if err != nil {
				return value{}, err
			}
			o.vals[i] = v
		}
		return value{k: kStruct, st: o}, nil
	case pqList:
		l, ok := x.([]any)
		if c.rep != "" {
			m, isMap := x.(map[string]any)
			if !isMap {
				return c.bad(x)
			}
			if m[c.rep] == nil {
				return value{k: kList, st: &object{}}, nil
			}
			l, ok = m[c.rep].([]any)
		}
		if !ok {
			return c.bad(x)
		}
		vals := make([]value, len(l))
		for i, e := range l {
			if c.inner != "" {
				em, isMap := e.(map[string]any)
				if !isMap {
					return c.bad(e)
				}
				e = em[c.inner]
			}
			v, err := c.elem.value(e)
			if err != nil {
				return value{}, err
			}
			vals[i] = v
		}
		return value{k: kList, st: &object{vals: vals}}, nil
	case pqMap:
		m, ok := x.(map[string]any)
		if !ok {
			return c.bad(x)
		}
		l, _ := m[c.rep].([]any)
		o := &object{names: make([]string, 0, len(l)), vals: make([]value, 0, len(l))}
		// A key given again replaces its value ("the final value for that
		// key must be the last value", LogicalTypes.md), in place; a large
		// map finds its keys through an index rather than a scan each.
		var index map[string]int
		if len(l) > 16 {
			index = make(map[string]int, len(l))
		}
		for _, e := range l {
			kv, isMap := e.(map[string]any)
			if !isMap {
				return c.bad(e)
			}
			k, err := c.key.value(kv[c.key.name])
			if err != nil {
				return value{}, err
			}
			v, err := c.elem.value(kv[c.elem.name])
			if err != nil {
				return value{}, err
			}
			name := string(appendText(nil, k))
			i, ok := index[name]
			if index == nil {
				i = indexOf(o.names, name)
				ok = i >= 0
			}
			if ok {
				o.vals[i] = v
				continue
			}
			if index != nil {
				index[name] = len(o.names)
			}
			o.names = append(o.names, name)
			o.vals = append(o.vals, v)
		}
		return value{k: kStruct, st: o}, nil
	case pqNull:
		return nullV, nil
	}
	return c.leaf(parquet.ValueOf(x))
}

// leaf converts one value of a leaf column. Its bytes may alias the
// decoder's page (valid while the row is evaluated, as a CSV field's are).
func (c *pqConv) leaf(v parquet.Value) (value, error) {
	if v.IsNull() || c.kind == pqNull {
		return nullV, nil
	}
	switch v.Kind() {
	case parquet.Boolean:
		if c.kind == pqBool {
			return boolV(v.Boolean()), nil
		}
	case parquet.Int32:
		x := v.Int32()
		switch c.kind {
		case pqInt:
			return intV(int64(x)), nil
		case pqUint:
			return intV(int64(uint32(x))), nil
		case pqDate:
			return tsV(time.Unix(int64(x)*86400, 0).UTC(), precDay, 0), nil
		case pqDecimal:
			return decimalInt(int64(x), c.scale), nil
		}
	case parquet.Int64:
		x := v.Int64()
		switch c.kind {
		case pqInt:
			return intV(x), nil
		case pqUint:
			if x < 0 { // above math.MaxInt64: S3 maps INT(64) to DECIMAL
				return decimalBig(new(big.Int).SetUint64(uint64(x)), 0), nil
			}
			return intV(x), nil
		case pqTimestamp:
			var t time.Time
			switch c.unit {
			case time.Millisecond:
				t = time.UnixMilli(x)
			case time.Microsecond:
				t = time.UnixMicro(x)
			default:
				t = time.Unix(0, x)
			}
			return tsV(t.UTC(), precFraction, c.digits), nil
		case pqDecimal:
			return decimalInt(x, c.scale), nil
		}
	case parquet.Float:
		if c.kind == pqFloat {
			return floatV(float64(v.Float())), nil
		}
	case parquet.Double:
		if c.kind == pqFloat {
			return floatV(v.Double()), nil
		}
	case parquet.ByteArray, parquet.FixedLenByteArray:
		b := v.ByteArray()
		switch c.kind {
		case pqString:
			return bytesV(b), nil
		case pqDecimal:
			b = trimSignBytes(b)
			if len(b) <= 8 {
				return decimalInt(beInt64(b), c.scale), nil
			}
			if len(b) > maxDecimalBytes {
				return c.bad(strconv.Itoa(len(b)) + "-byte DECIMAL")
			}
			return decimalBig(twosComplement(b), c.scale), nil
		case pqUUID:
			if len(b) == 16 {
				return bytesV(appendUUID(make([]byte, 0, 36), b)), nil
			}
		case pqFloat16:
			if len(b) == 2 {
				return floatV(float64(float16(binary.LittleEndian.Uint16(b)))), nil
			}
		}
	}
	return c.bad(v.Kind().String())
}

// bad reports a value whose Go type does not match its schema node (a
// corrupt file: the reconstruction follows the schema).
func (c *pqConv) bad(x any) (value, error) {
	return value{}, errorf(ErrParquetParsingError, "column %q: a %v value where the schema says otherwise", c.name, x)
}

// decimalInt is a DECIMAL value: the exact digits of unscaled ×
// 10^-scale as its text (what CSV and JSON output write, every stored
// digit kept: DECIMAL(4,2) 1.50 is 1.50) and the nearest float for
// arithmetic and comparisons.
func decimalInt(unscaled int64, scale int32) value {
	var digits [20]byte
	abs := uint64(unscaled)
	if unscaled < 0 {
		abs = -abs
	}
	d := strconv.AppendUint(digits[:0], abs, 10)
	b := decimalDigits(make([]byte, 0, len(d)+4), unscaled < 0, d, scale)
	var f float64
	if abs < 1<<53 && scale >= 0 && scale <= 22 {
		// Both exact: the quotient is the correctly rounded value, as
		// ParseFloat of the text would give.
		f = float64(unscaled) / pow10[scale]
	} else {
		f, _ = strconv.ParseFloat(string(b), 64)
	}
	return value{k: kDecimal, f: f, s: b}
}

// decimalBig is decimalInt for unscaled values past int64.
func decimalBig(unscaled *big.Int, scale int32) value {
	d := unscaled.Append(nil, 10)
	neg := len(d) > 0 && d[0] == '-'
	if neg {
		d = d[1:]
	}
	b := decimalDigits(make([]byte, 0, len(d)+4), neg, d, scale)
	f, _ := strconv.ParseFloat(string(b), 64) // ErrRange keeps ±Inf
	return value{k: kDecimal, f: f, s: b}
}

// maxDecimalBytes bounds a DECIMAL value on BYTE_ARRAY or
// FIXED_LEN_BYTE_ARRAY once its sign bytes are trimmed:
// maxDecimalPrecision digits take 32 bytes; a longer value is a corrupt
// file, not a number to convert at a cost growing with its square.
const maxDecimalBytes = 32

var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// decimalDigits appends the decimal text of digits × 10^-scale.
func decimalDigits(b []byte, neg bool, digits []byte, scale int32) []byte {
	if neg {
		b = append(b, '-')
	}
	switch {
	case scale <= 0:
		b = append(b, digits...)
		for i := int32(0); i > scale; i-- {
			b = append(b, '0')
		}
	case int(scale) >= len(digits):
		b = append(b, '0', '.')
		for i := len(digits); i < int(scale); i++ {
			b = append(b, '0')
		}
		b = append(b, digits...)
	default:
		point := len(digits) - int(scale)
		b = append(b, digits[:point]...)
		b = append(b, '.')
		b = append(b, digits[point:]...)
	}
	return b
}

// beInt64 reads up to 8 big-endian two's-complement bytes.
func beInt64(b []byte) int64 {
	var n int64
	if len(b) > 0 && b[0]&0x80 != 0 {
		n = -1
	}
	for _, c := range b {
		n = n<<8 | int64(c)
	}
	return n
}

// trimSignBytes drops the leading bytes of a big-endian two's-complement
// number that only repeat its sign (a FIXED_LEN_BYTE_ARRAY wider than its
// precision needs).
func trimSignBytes(b []byte) []byte {
	for len(b) > 1 && (b[0] == 0 && b[1]&0x80 == 0 || b[0] == 0xff && b[1]&0x80 != 0) {
		b = b[1:]
	}
	return b
}

// twosComplement reads big-endian two's-complement bytes (DECIMAL on
// BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY).
func twosComplement(b []byte) *big.Int {
	n := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(len(b))*8))
	}
	return n
}

func appendUUID(dst, u []byte) []byte {
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			dst = append(dst, '-')
		}
		dst = append(dst, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return dst
}

// float16 widens an IEEE 754 half-precision value.
func float16(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf, NaN
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	case exp == 0:
		if frac == 0 {
			return math.Float32frombits(sign)
		}
		f := float32(frac) / (1 << 24) // subnormal: frac × 2^-24
		if sign != 0 {
			f = -f
		}
		return f
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
}
