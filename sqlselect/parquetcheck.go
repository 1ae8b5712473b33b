package sqlselect

import (
	"encoding/binary"
	"errors"
	"io"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/snappy"
	"github.com/klauspost/compress/zstd"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	pqformat "github.com/parquet-go/parquet-go/format"
)

// parquet-go trusts the sizes a file declares: a list length in the
// footer's Thrift is allocated as is (a 27-byte file asked for 188 GB),
// a page header's sizes and value count size the page buffers (up to
// 2 GiB and 8 GiB), and a compressed page decodes to whatever it holds.
// checkParquetFooter and checkParquetPages read those declarations first
// and refuse a file whose decoding would need more memory than these
// limits, so one request's memory stays bounded whatever the object
// holds.
const (
	// maxParquetFooter bounds the footer (the file metadata), in bytes.
	maxParquetFooter = 16 << 20
	// maxParquetDecoded bounds what the Thrift lists of a footer or page
	// header decode to (estimated per element: parquetElementCost).
	maxParquetDecoded = 256 << 20
	// maxParquetDepth bounds the nesting of Thrift structures.
	maxParquetDepth = 32
	// maxParquetPageHeader bounds one page header, in bytes.
	maxParquetPageHeader = 1 << 20
	// maxParquetPage bounds one page, compressed or decompressed.
	maxParquetPage = 64 << 20
	// maxParquetPageValues bounds the values (nulls included) of a page:
	// its level and offset buffers are sized by the count.
	maxParquetPageValues = 1 << 22
	// maxParquetRowGroup bounds the memory a row group's pages take
	// together (S3's 512 MB row group limit): for each column, its
	// largest page plus 16 bytes a value.
	maxParquetRowGroup = 512 << 20
)

// parquetElementCost is what one list element of Thrift type t decodes to
// at most, in bytes (a struct: the largest format structure, ColumnChunk,
// is 560 bytes).
func parquetElementCost(t byte) int64 {
	switch t {
	case thriftStruct:
		return 640
	case thriftBinary:
		return 24
	}
	return 8
}

// Thrift compact protocol types.
const (
	thriftTrue   = 1
	thriftFalse  = 2
	thriftByte   = 3
	thriftI16    = 4
	thriftI32    = 5
	thriftI64    = 6
	thriftDouble = 7
	thriftBinary = 8
	thriftList   = 9
	thriftSet    = 10
	thriftMap    = 11
	thriftStruct = 12
	thriftUUID   = 13
)

// errThriftShort: the bytes end inside a structure (a page header may
// need a larger window).
var errThriftShort = errors.New("truncated thrift structure")

// thriftScan walks a Thrift compact-protocol structure without decoding
// it, checking that every length fits in the bytes and what the lists
// decode to stays within budget. It records the integer and bool fields
// of the top structure and of the structures directly in it, by field
// ids (outer, inner; inner 0 for the top structure's own).
type thriftScan struct {
	b      []byte
	pos    int
	budget int64
	ints   map[[2]int16]int64
}

func (s *thriftScan) next() (byte, error) {
	if s.pos >= len(s.b) {
		return 0, errThriftShort
	}
	c := s.b[s.pos]
	s.pos++
	return c, nil
}

func (s *thriftScan) uvarint() (uint64, error) {
	v, n := binary.Uvarint(s.b[s.pos:])
	switch {
	case n == 0:
		return 0, errThriftShort
	case n < 0:
		return 0, errors.New("thrift varint overflows")
	}
	s.pos += n
	return v, nil
}

func (s *thriftScan) skip(n uint64) error {
	if n > uint64(len(s.b)-s.pos) {
		return errThriftShort
	}
	s.pos += int(n)
	return nil
}

// count checks a list, set or map of n elements costing cost each.
func (s *thriftScan) count(n uint64, cost int64) error {
	if n > uint64(len(s.b)-s.pos) { // every element takes a byte at least
		return errThriftShort
	}
	s.budget -= int64(n) * cost
	if s.budget < 0 {
		return errors.New("thrift structures decode to too much memory")
	}
	return nil
}

// value skips one value of type t; path is where a struct's integer
// fields are recorded (nil: nowhere).
func (s *thriftScan) value(t byte, depth int, path []int16) (int64, error) {
	if depth > maxParquetDepth {
		return 0, errors.New("thrift structures nest too deeply")
	}
	switch t {
	case thriftTrue:
		return 1, nil
	case thriftFalse:
		return 0, nil
	case thriftByte:
		c, err := s.next()
		return int64(int8(c)), err
	case thriftI16, thriftI32, thriftI64:
		u, err := s.uvarint()
		return int64(u>>1) ^ -int64(u&1), err
	case thriftDouble:
		return 0, s.skip(8)
	case thriftUUID:
		return 0, s.skip(16)
	case thriftBinary:
		n, err := s.uvarint()
		if err != nil {
			return 0, err
		}
		return 0, s.skip(n)
	case thriftList, thriftSet:
		h, err := s.next()
		if err != nil {
			return 0, err
		}
		n, et := uint64(h>>4), h&0x0f
		if n == 15 {
			if n, err = s.uvarint(); err != nil {
				return 0, err
			}
		}
		if err := s.count(n, parquetElementCost(et)); err != nil {
			return 0, err
		}
		for ; n > 0; n-- {
			if et == thriftTrue || et == thriftFalse { // a list's bools take a byte each
				et = thriftByte
			}
			if _, err := s.value(et, depth+1, nil); err != nil {
				return 0, err
			}
		}
		return 0, nil
	case thriftMap:
		n, err := s.uvarint()
		if err != nil || n == 0 {
			return 0, err
		}
		kv, err := s.next()
		if err != nil {
			return 0, err
		}
		kt, vt := kv>>4, kv&0x0f
		if err := s.count(n, parquetElementCost(kt)+parquetElementCost(vt)); err != nil {
			return 0, err
		}
		for ; n > 0; n-- {
			if _, err := s.value(kt, depth+1, nil); err != nil {
				return 0, err
			}
			if _, err := s.value(vt, depth+1, nil); err != nil {
				return 0, err
			}
		}
		return 0, nil
	case thriftStruct:
		return 0, s.structure(depth, path)
	}
	return 0, errors.New("unknown thrift type")
}

// structure skips a struct, recording its integer fields under path when
// path has fewer than two ids.
func (s *thriftScan) structure(depth int, path []int16) error {
	var id int16
	for {
		h, err := s.next()
		if err != nil {
			return err
		}
		if h == 0 {
			return nil
		}
		t := h & 0x0f
		if d := int16(h >> 4); d != 0 {
			id += d
		} else {
			u, err := s.uvarint()
			if err != nil {
				return err
			}
			id = int16(int64(u>>1) ^ -int64(u&1))
		}
		var inner []int16
		if path != nil && len(path) < 2 {
			inner = append(path[:len(path):len(path)], id)
		}
		v, err := s.value(t, depth+1, inner)
		if err != nil {
			return err
		}
		if inner != nil && t != thriftStruct {
			key := [2]int16{inner[0], 0}
			if len(inner) == 2 {
				key = [2]int16{inner[0], inner[1]}
			}
			s.ints[key] = v
		}
	}
}

// checkParquetFooter refuses a file whose footer is larger than
// maxParquetFooter or whose Thrift would decode to more than
// maxParquetDecoded (parquet.OpenFile allocates every list as declared).
func checkParquetFooter(ra io.ReaderAt, size int64) error {
	if size < 12 {
		return errors.New("the file is too small to be Parquet")
	}
	var tail [8]byte
	if _, err := ra.ReadAt(tail[:], size-8); err != nil {
		return err
	}
	if string(tail[4:]) != "PAR1" {
		return errors.New("not a Parquet file (or an encrypted one)")
	}
	n := int64(binary.LittleEndian.Uint32(tail[:4]))
	if n > size-12 || n > maxParquetFooter {
		return errorf(ErrParquetParsingError, "the footer of %d bytes is larger than the file or %d bytes", n, maxParquetFooter)
	}
	footer := make([]byte, n)
	if _, err := ra.ReadAt(footer, size-8-n); err != nil {
		return err
	}
	s := thriftScan{b: footer, budget: maxParquetDecoded}
	if err := s.structure(0, nil); err != nil {
		return errorf(ErrParquetParsingError, "footer: %v", err)
	}
	var md pqformat.FileMetaData
	if err := thrift.Unmarshal(new(thrift.CompactProtocol), footer, &md); err != nil {
		return errorf(ErrParquetParsingError, "footer: %v", err)
	}
	return checkParquetShape(&md)
}

// checkParquetShape refuses a schema whose shape parquet-go allocates for
// out of proportion to the footer's bytes, before it checks the shape:
// a path string for each level of each element (a chain of 100,000
// nested groups, 800 KB of footer, asked for 80 GB: the square of the
// depth) and a column chunk pointer for each leaf in each row group
// (leaves times row groups, though the row groups hold none). Both
// together are held to maxParquetDecoded, walking the schema as
// parquet-go's column loader does.
func checkParquetShape(md *pqformat.FileMetaData) error {
	var segments, leaves int64
	var open []int32 // children still to come at each ancestor level
	for i := range md.Schema {
		e := &md.Schema[i]
		segments += int64(len(open)) + 1
		if e.Type.Valid {
			leaves++
		}
		if e.NumChildren.Valid && e.NumChildren.V > 0 {
			open = append(open, e.NumChildren.V)
			continue
		}
		for len(open) > 0 {
			if open[len(open)-1]--; open[len(open)-1] > 0 {
				break
			}
			open = open[:len(open)-1]
		}
	}
	if segments*16+leaves*int64(len(md.RowGroups))*8 > maxParquetDecoded {
		return errorf(ErrParquetParsingError, "the schema (%d elements, %d path names, %d leaves in %d row groups) is too large",
			len(md.Schema), segments, leaves, len(md.RowGroups))
	}
	return nil
}

// Page header fields (parquet.thrift PageHeader) checkParquetPages reads.
var (
	phUncompressed = [2]int16{2, 0}
	phCompressed   = [2]int16{3, 0}
	phV1Values     = [2]int16{5, 1}
	phDictValues   = [2]int16{7, 1}
	phV2Values     = [2]int16{8, 1}
	phV2DefLen     = [2]int16{8, 5}
	phV2RepLen     = [2]int16{8, 6}
	phV2Compressed = [2]int16{8, 7}
)

// checkParquetPages reads the page headers of the column chunks of f
// that a query reads (the columns in read, ascending; nil: every column)
// and, for GZIP and ZSTD pages, decompresses them without keeping the
// result, and refuses a file whose pages would need more memory than the
// limits above. Every column chunk, read or not, must lie within the file
// and use no codec other than SNAPPY, GZIP or ZSTD (S3 Select reads GZIP
// and Snappy).
func checkParquetPages(ra io.ReaderAt, size int64, f *parquet.File, read []int) error {
	for _, rg := range f.Metadata().RowGroups {
		var groupCost int64
		next := 0 // the next of read
		for i, cc := range rg.Columns {
			md := &cc.MetaData
			switch md.Codec {
			case pqformat.Uncompressed, pqformat.Snappy, pqformat.Gzip, pqformat.Zstd:
			default:
				return errorf(ErrParquetUnsupportedCompressionCodec, "%s", md.Codec)
			}
			start := md.DataPageOffset
			if md.DictionaryPageOffset != 0 {
				start = md.DictionaryPageOffset
			}
			end := start + md.TotalCompressedSize
			if start < 0 || md.TotalCompressedSize < 0 || end > size || end < start {
				return errorf(ErrParquetParsingError, "a column chunk lies outside the file")
			}
			if read != nil {
				if next >= len(read) || read[next] != i {
					continue
				}
				next++
			}
			cost, err := checkChunkPages(ra, start, end, md.Codec)
			if err != nil {
				return err
			}
			if groupCost += cost; groupCost > maxParquetRowGroup {
				return errorf(ErrOverMaxParquetBlockSize, "a row group needs more than %d bytes", maxParquetRowGroup)
			}
		}
	}
	return nil
}

// checkChunkPages checks the pages of one column chunk, [start, end) of
// the file, and returns the memory its largest page needs.
func checkChunkPages(ra io.ReaderAt, start, end int64, codec pqformat.CompressionCodec) (int64, error) {
	var most int64
	window := make([]byte, 4<<10)
	for pos := start; pos < end; {
		var s thriftScan
		for n := int64(len(window)); ; n *= 4 {
			n = min(n, end-pos, maxParquetPageHeader)
			if int64(len(window)) < n {
				window = make([]byte, n)
			}
			b := window[:n]
			if _, err := ra.ReadAt(b, pos); err != nil && !errors.Is(err, io.EOF) {
				return 0, err
			}
			s = thriftScan{b: b, budget: maxParquetDecoded, ints: map[[2]int16]int64{}}
			err := s.structure(0, []int16{})
			if err == nil {
				break
			}
			if !errors.Is(err, errThriftShort) || n == end-pos || n == maxParquetPageHeader {
				return 0, errorf(ErrParquetParsingError, "page header: %v", err)
			}
		}
		pos += int64(s.pos)
		raw, dec := s.ints[phCompressed], s.ints[phUncompressed]
		values := max(s.ints[phV1Values], s.ints[phDictValues], s.ints[phV2Values])
		switch {
		case raw < 0 || raw > end-pos || raw > maxParquetPage:
			return 0, errorf(ErrParquetParsingError, "a page of %d bytes does not fit in its column chunk or %d bytes", raw, maxParquetPage)
		case dec < 0 || dec > maxParquetPage:
			return 0, errorf(ErrOverMaxParquetBlockSize, "a page decompresses to %d bytes, more than %d", dec, maxParquetPage)
		case values < 0 || values > maxParquetPageValues:
			return 0, errorf(ErrOverMaxParquetBlockSize, "a page holds %d values, more than %d", values, maxParquetPageValues)
		}
		// A v2 data page's levels are stored as they are, before its
		// (maybe compressed) values.
		levels := s.ints[phV2DefLen] + s.ints[phV2RepLen]
		compressed := codec != pqformat.Uncompressed
		if _, v2 := s.ints[phV2Values]; v2 {
			if c, ok := s.ints[phV2Compressed]; ok && c == 0 {
				compressed = false
			}
			if levels < 0 || levels > raw || levels > dec {
				return 0, errorf(ErrParquetParsingError, "a page's levels do not fit in it")
			}
		} else {
			levels = 0
		}
		if compressed {
			got, err := decodedLen(io.NewSectionReader(ra, pos+levels, raw-levels), codec, dec-levels)
			if err != nil {
				return 0, errorf(ErrParquetParsingError, "a page does not decompress: %v", err)
			}
			if got > dec-levels {
				return 0, errorf(ErrParquetParsingError, "a page decompresses to more than the %d bytes its header says", dec)
			}
		}
		most = max(most, max(raw, dec)+16*values)
		pos += raw
	}
	return most, nil
}

// decodedLen is the length page decompresses to under codec, counted up
// to limit+1 bytes (nothing is kept).
func decodedLen(page *io.SectionReader, codec pqformat.CompressionCodec, limit int64) (int64, error) {
	var r io.Reader
	switch codec {
	case pqformat.Snappy:
		var head [binary.MaxVarintLen32]byte
		n, err := page.ReadAt(head[:], 0)
		if n == 0 {
			return 0, err
		}
		l, err := snappy.DecodedLen(head[:n])
		return int64(l), err
	case pqformat.Gzip:
		zr, err := gzip.NewReader(page)
		if err != nil {
			return 0, err
		}
		defer zr.Close()
		r = zr
	case pqformat.Zstd:
		zr, err := zstd.NewReader(page, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxMemory(maxParquetPage), zstd.WithDecoderMaxWindow(maxParquetPage))
		if err != nil {
			return 0, err
		}
		defer zr.Close()
		r = zr
	default:
		return 0, errorf(ErrParquetUnsupportedCompressionCodec, "%s", codec)
	}
	n, err := io.Copy(io.Discard, io.LimitReader(r, limit+1))
	if n > limit {
		return n, nil
	}
	return n, err
}
