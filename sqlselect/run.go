package sqlselect

import (
	"bufio"
	"compress/bzip2"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n *int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	return n, err
}

// decompressReader marks errors of the decompressor so they become
// TruncatedInput, and holds its output to ratio times the compressed
// bytes read so far (*scanned) plus decompressSlack: a bzip2 stream
// names runs it never spells out, so 1 KiB of it decodes to a GiB.
type decompressReader struct {
	r       io.Reader
	scanned *int64
	ratio   int64
	out     int64
}

// decompressSlack is the output a compressed input may have beyond
// RunOptions.MaxDecompressionRatio times its size (small objects).
const decompressSlack = 64 << 20

func (d *decompressReader) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	if err != nil && err != io.EOF {
		err = wrapErr(ErrTruncatedInput, err)
	}
	d.out += int64(n)
	if limit := d.ratio**d.scanned + decompressSlack; d.out > limit {
		return n, errorf(ErrTruncatedInput, "the input decompresses to more than %d times its %d compressed bytes (RunOptions.MaxDecompressionRatio)", d.ratio, *d.scanned)
	}
	return n, err
}

// resultFactor is how many times the longest input record a result
// record may be (outWriter.maxRecord).
const resultFactor = 4

// runState is one execution of a query.
type runState struct {
	ctx      context.Context
	q        *Query
	opts     RunOptions
	stats    Stats
	out      *outWriter
	prog     *program
	vals     []value
	outCSV   CSVOutput // the CSV output options (OSS extensions)
	header   []string  // CSV header names, for OutputHeader
	headDone bool      // the OutputHeader record is written
	keep     []value   // KeepAllColumns record
	matched  int64     // records that passed WHERE
	lastProg int64
	lastTick int64 // BytesProcessed at the last tick
	start    int64
	end      int64      // inclusive; -1 none
	lines    *LineRange // record numbers to query; nil all
	numText  bool       // JSONInput.NumbersAsText
	meter    *meter     // the evaluation budget (budget.go)
	// pqSize is a Parquet object's size, pqDecodedMax the values it may
	// decode to (setDecodedRatio).
	pqSize, pqDecodedMax int64
}

// Run executes the query over src and writes the serialized result to w,
// one Write per chunk of whole records (see RunOptions.ChunkSize). It
// returns the final counters. Errors found before the first Write (bad
// options, a column name that the header lacks) and errors found while
// streaming (bad data, a failed CAST) are both *Error values; output
// already written stays written, as in S3 where such errors arrive as an
// event after records. Errors of src and w are returned as they are.
//
// Memory is bounded by the longest record (RunOptions.MaxRecordSize,
// MaxDocumentSize for JSON DOCUMENT) plus the output chunk, whatever the
// object size.
func (q *Query) Run(ctx context.Context, src Source, in Input, out Output, w io.Writer, opts *RunOptions) (Stats, error) {
	rs := &runState{ctx: ctx, q: q, opts: opts.withDefaults(), end: -1}
	if err := rs.opts.Validate(); err != nil {
		return Stats{}, err
	}
	rs.meter = &meter{ctx: ctx, stats: &rs.stats, perByte: int64(rs.opts.MaxWorkPerByte)}
	err := rs.run(src, in, out, w)
	if rs.out != nil {
		if ferr := rs.out.flush(); err == nil {
			err = ferr
		}
	}
	return rs.stats, err
}

func (rs *runState) run(src Source, in Input, out Output, w io.Writer) error {
	ow, err := newOutWriter(w, out, rs.q.dialect, rs.opts.ChunkSize, &rs.stats, rs.opts.Progress)
	if err != nil {
		return err
	}
	rs.out = ow
	// A result record may be four times the longest input record: a
	// record's fields projected as JSON escapes, a few of them twice.
	ow.maxRecord = resultFactor * rs.opts.MaxRecordSize
	if in.Format == FormatJSON && in.JSON.Type == JSONDocument {
		ow.maxRecord = resultFactor * max(rs.opts.MaxRecordSize, rs.opts.MaxDocumentSize)
	}
	if out.Format == OutputCSV {
		rs.outCSV = out.CSV
	}
	if rs.outCSV.KeepAllColumns && in.Format != FormatCSV {
		return errorf(ErrInvalidRequestParameter, "KeepAllColumns needs CSV input")
	}
	if in.Format == FormatParquet {
		if in.Compression != CompressionNone {
			return errorf(ErrInvalidCompressionFormat, "Parquet objects are compressed by column, not as a whole")
		}
		if in.ScanRange != nil {
			if err := rs.scanBounds(in.ScanRange, src); err != nil {
				return err
			}
		}
		return rs.runParquet(src, in.ScanRange != nil)
	}
	if in.Format == FormatCSV {
		if err := validateCSVInput(in.CSV); err != nil {
			return err
		}
		if in.CSV.FileHeaderInfo > HeaderUse {
			return errorf(ErrInvalidFileHeaderInfo, "%d", in.CSV.FileHeaderInfo)
		}
	} else if in.Format != FormatJSON {
		return errorf(ErrInvalidDataSource, "format %d", in.Format)
	} else if in.JSON.Type > JSONLines {
		return errorf(ErrInvalidJSONType, "%d", in.JSON.Type)
	}
	if in.Compression > CompressionZSTD {
		return errorf(ErrInvalidCompressionFormat, "%d", in.Compression)
	}
	if src.Reader == nil && src.ReaderAt == nil {
		return errorf(ErrInvalidRequestParameter, "no input")
	}
	delimLen := int64(1)
	if in.Format == FormatCSV && len(in.CSV.RecordDelimiter) > 1 {
		delimLen = int64(len(in.CSV.RecordDelimiter))
	}
	var from int64 // first byte to read
	if sr := in.ScanRange; sr != nil {
		if err := rangeable(in); err != nil {
			return err
		}
		if err := rs.scanBounds(sr, src); err != nil {
			return err
		}
		from = max(rs.start-delimLen, 0)
	}
	if lr := in.Lines; lr != nil {
		switch {
		case in.ScanRange != nil:
			return errorf(ErrInvalidScanRange, "a line range cannot be combined with a scan range")
		case rangeable(in) != nil:
			return rangeable(in)
		case lr.First < 0, lr.Last < lr.First, lr.Offset < 0, lr.OffsetLine < 0, lr.OffsetLine > lr.First:
			return errorf(ErrInvalidScanRange, "lines %d-%d from line %d at offset %d", lr.First, lr.Last, lr.OffsetLine, lr.Offset)
		}
		rs.lines = lr
		rs.start = lr.Offset
		from = lr.Offset // the first byte of a record: nothing to back off
	}
	needHeader := in.Format == FormatCSV && in.CSV.FileHeaderInfo != HeaderNone
	var header []string
	if needHeader && from > 0 && src.ReaderAt != nil {
		// Read the header separately, then seek to the range.
		hr := newCSVReader(io.NewSectionReader(src.ReaderAt, 0, src.Size), 0, in.CSV, rs.opts.MaxRecordSize)
		ok, err := hr.next()
		if err != nil {
			return err
		}
		if ok {
			header = rs.headerNames(hr.fields, in.CSV.FileHeaderInfo)
		} else {
			header = []string{}
		}
		needHeader = false
	} else if needHeader {
		from = 0
	}
	var raw io.Reader
	if src.ReaderAt != nil {
		size := src.Size
		if size <= 0 {
			size = 1<<63 - 1
		}
		raw = io.NewSectionReader(src.ReaderAt, from, size-from)
	} else {
		raw = src.Reader
		if from > 0 {
			if _, err := io.CopyN(io.Discard, countingReader{raw, &rs.stats.BytesScanned}, from); err != nil {
				if err == io.EOF {
					return rs.finishEmpty(in)
				}
				return err
			}
		}
	}
	raw = countingReader{raw, &rs.stats.BytesScanned}
	var dec io.Reader
	switch in.Compression {
	case CompressionNone:
		dec = raw
	case CompressionGZIP:
		br := bufio.NewReaderSize(raw, 64<<10)
		zr, err := gzip.NewReader(br)
		if err != nil {
			return wrapErr(ErrTruncatedInput, err)
		}
		defer zr.Close()
		dec = &decompressReader{r: zr, scanned: &rs.stats.BytesScanned, ratio: int64(rs.opts.MaxDecompressionRatio)}
	case CompressionBZIP2:
		dec = &decompressReader{r: bzip2.NewReader(bufio.NewReaderSize(raw, 64<<10)), scanned: &rs.stats.BytesScanned, ratio: int64(rs.opts.MaxDecompressionRatio)}
	case CompressionZSTD:
		// The window bounds the history the decoder holds: without it a
		// frame of a few KiB declaring a 512 MiB window and filling it
		// with RLE blocks held 512 MiB per query.
		zr, err := zstd.NewReader(raw, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(uint64(rs.opts.MaxZSTDWindow)))
		if err != nil {
			return wrapErr(ErrTruncatedInput, err)
		}
		defer zr.Close()
		dec = &decompressReader{r: zr, scanned: &rs.stats.BytesScanned, ratio: int64(rs.opts.MaxDecompressionRatio)}
	}
	dec = countingReader{dec, &rs.stats.BytesProcessed}
	if in.Format == FormatCSV {
		return rs.runCSV(dec, from, in.CSV, needHeader, header)
	}
	rs.numText = in.JSON.NumbersAsText
	layout := layoutDocument
	if in.JSON.Type == JSONLines {
		layout = layoutLines
		if in.ScanRange == nil && in.Lines == nil {
			layout = rs.q.dialect.rules().unrangedLines
		}
	}
	return rs.runJSON(dec, from, layout, in.JSON.Type == JSONLines)
}

// scanBounds checks a scan range and sets rs.start and rs.end from it:
// Start alone runs to the end of the object, End alone is the last End
// bytes.
func (rs *runState) scanBounds(sr *ScanRange, src Source) error {
	switch {
	case sr.HasStart && sr.Start < 0, sr.HasEnd && sr.End < 0, sr.HasStart && sr.HasEnd && sr.End < sr.Start:
		return errorf(ErrInvalidScanRange, "start %d, end %d", sr.Start, sr.End)
	}
	switch {
	case sr.HasStart:
		rs.start = sr.Start
		if sr.HasEnd {
			rs.end = sr.End
		}
	case sr.HasEnd:
		if src.ReaderAt == nil && src.Size <= 0 {
			return errorf(ErrInvalidScanRange, "a range without Start needs the object size")
		}
		rs.start = max(src.Size-sr.End, 0)
	}
	return nil
}

// rangeable reports why in cannot be read from the middle (scan and
// line ranges), or nil.
func rangeable(in Input) error {
	switch {
	case in.Compression != CompressionNone:
		return errorf(ErrUnsupportedScanRangeInput, "compressed input")
	case in.Format == FormatJSON && in.JSON.Type != JSONLines:
		return errorf(ErrUnsupportedScanRangeInput, "JSON DOCUMENT input")
	case in.Format == FormatCSV && in.CSV.AllowQuotedRecordDelimiter:
		return errorf(ErrUnsupportedScanRangeInput, "CSV with AllowQuotedRecordDelimiter")
	}
	return nil
}

// finishEmpty completes a query that saw no records.
func (rs *runState) finishEmpty(in Input) error {
	f := fmtJSON
	if in.Format == FormatCSV {
		f = fmtCSV
	}
	prog, err := compile(rs.q, f, nil, rs.opts.Clock)
	if err != nil {
		return err
	}
	rs.prog = prog
	return rs.finish()
}

func (rs *runState) headerNames(fields [][]byte, fhi FileHeaderInfo) []string {
	if fhi != HeaderUse {
		return nil
	}
	h := make([]string, len(fields))
	for i, f := range fields {
		h[i] = string(f)
	}
	return h
}

// tick does the periodic work: cancellation and progress.
func (rs *runState) tick() error {
	rs.lastTick = rs.stats.BytesProcessed
	if err := rs.ctx.Err(); err != nil {
		return err
	}
	if rs.opts.Progress != nil && rs.stats.BytesProcessed-rs.lastProg >= rs.opts.ProgressInterval {
		rs.lastProg = rs.stats.BytesProcessed
		rs.opts.Progress(rs.stats)
	}
	return nil
}

// inRange reports whether a record starting at off belongs to the scan
// range; done is true once records are past it.
// inLines is inRange for line ranges: seen is the count of records read
// from the range's starting offset, the current one included.
func (rs *runState) inLines(seen int64) (ok, done bool) {
	n := rs.lines.OffsetLine + seen - 1
	return n >= rs.lines.First && n <= rs.lines.Last, n > rs.lines.Last
}

func (rs *runState) inRange(off int64) (ok, done bool) {
	if off < rs.start {
		return false, false
	}
	if rs.end >= 0 && off > rs.end {
		return false, true
	}
	return true, false
}

// limitReached reports whether no further record can change the output.
func (rs *runState) limitReached() bool {
	lim := rs.q.Limit
	if lim < 0 {
		return false
	}
	if len(rs.prog.aggs) > 0 {
		return rs.q.dialect == DialectOSS && rs.matched >= lim || lim == 0
	}
	return rs.matched >= lim
}

// process handles one record that is in range: filter, then aggregate or
// project.
func (rs *runState) process(r *row, csvFields bool, header []string) error {
	rs.stats.RecordsScanned++
	p := rs.prog
	r.partial = false
	r.m = rs.meter
	if err := r.m.pay(p.cost); err != nil {
		return err
	}
	if p.where != nil {
		t, err := p.where(r)
		if err != nil {
			return rs.skip(err)
		}
		if t != triTrue {
			return nil
		}
	}
	evaluated := false
	if rs.opts.SkipPartialDataRecord && !p.star && len(p.aggs) == 0 && !rs.outCSV.KeepAllColumns {
		for i, f := range p.items {
			v, err := f(r)
			if err != nil {
				return rs.skip(err)
			}
			rs.vals[i] = v
		}
		if r.partial {
			return rs.skip(nil)
		}
		evaluated = true
	}
	rs.matched++
	if rs.outCSV.OutputHeader && !rs.headDone {
		if err := rs.writeHeader(r, csvFields); err != nil {
			return err
		}
	}
	if rs.outCSV.KeepAllColumns && !p.star {
		return rs.keepAll(r)
	}
	if len(p.aggs) > 0 {
		if !csvFields && r.val.k == kMissing {
			return nil // "aggregate functions skip MISSING values", COUNT(*) too
		}
		for _, a := range p.aggs {
			if err := a.add(r); err != nil {
				return rs.skip(err)
			}
		}
		return nil
	}
	if p.star {
		if csvFields {
			return rs.out.fields(header, r.fields)
		}
		return rs.out.whole(r.val)
	}
	for i, f := range p.items {
		if evaluated {
			break
		}
		v, err := f(r)
		if err != nil {
			return rs.skip(err)
		}
		rs.vals[i] = v
	}
	if len(p.items) == 1 {
		if path, ok := rs.q.Items[0].Expr.(*Path); ok && path.Steps[len(path.Steps)-1].Kind == StepObjWildcard {
			return rs.out.whole(rs.vals[0])
		}
	}
	return rs.out.record(p.names, rs.vals)
}

// dataErrors are the evaluation errors the OSS dialect skips a record for.
var dataErrors = []*Error{ErrCastFailed, ErrInvalidDataType, ErrIncorrectSQLFunctionArgumentType,
	ErrValueParseFailure, ErrLikeInvalidInputs, ErrIntegerOverflow, ErrExternalEvalException}

// skip handles a record that failed with err (nil: a partial record under
// SkipPartialDataRecord). Outside the OSS options err is returned.
func (rs *runState) skip(err error) error {
	if err != nil {
		if rs.q.dialect != DialectOSS {
			return err
		}
		data := false
		for _, d := range dataErrors {
			data = data || errors.Is(err, d)
		}
		if !data {
			return err
		}
	}
	rs.stats.RecordsSkipped++
	if rs.stats.RecordsSkipped > rs.opts.MaxSkippedRecordsAllowed {
		why := "a record lacks a column the query reads"
		if err != nil {
			why = err.Error()
		}
		return errorf(ErrInvalidCSVLine, "%d records skipped, more than the %d allowed; last: %s",
			rs.stats.RecordsSkipped, rs.opts.MaxSkippedRecordsAllowed, why)
	}
	return nil
}

// writeHeader writes the OutputHeader record before the first result.
func (rs *runState) writeHeader(r *row, csvFields bool) error {
	rs.headDone = true
	var names []string
	switch {
	case rs.prog.star || rs.outCSV.KeepAllColumns:
		n := 0
		if r != nil && csvFields {
			n = len(r.fields)
		} else if r != nil && r.val.k == kStruct {
			names = r.val.st.names
		}
		if csvFields {
			for i := 0; i < n; i++ {
				if i < len(rs.header) {
					names = append(names, rs.header[i])
				} else {
					names = append(names, "_"+itoa(i+1))
				}
			}
		}
	default:
		names = rs.prog.names
	}
	vals := make([]value, len(names))
	for i, n := range names {
		vals[i] = stringV(n)
	}
	err := rs.out.record(nil, vals)
	rs.stats.RecordsReturned--
	return err
}

// keepAll writes a KeepAllColumns record: every input column, the selected
// ones with their values.
func (rs *runState) keepAll(r *row) error {
	rs.keep = rs.keep[:0]
	for range r.fields {
		rs.keep = append(rs.keep, nullV)
	}
	for i, col := range rs.prog.cols {
		if col >= len(rs.keep) {
			continue
		}
		v, err := rs.prog.items[i](r)
		if err != nil {
			return err
		}
		rs.keep[col] = v
	}
	return rs.out.record(nil, rs.keep)
}

// checkKeepAll validates a KeepAllColumns query.
func (rs *runState) checkKeepAll() error {
	if !rs.outCSV.KeepAllColumns {
		return nil
	}
	p := rs.prog
	if len(p.aggs) > 0 {
		return errorf(ErrKeepAllColumnsWithAggregation, "")
	}
	seen := map[int]bool{}
	for i, col := range p.cols {
		if col < 0 {
			return errorf(ErrUnsupportedSQLStructure, "KeepAllColumns needs plain columns, not %s", rs.q.Items[i].Expr)
		}
		if seen[col] {
			return errorf(ErrKeepAllColumnsWithDuplicateColumn, "column %d", col+1)
		}
		seen[col] = true
	}
	p.need = -1
	return nil
}

// finish writes the aggregate row, if any.
func (rs *runState) finish() error {
	p := rs.prog
	if rs.outCSV.OutputHeader && !rs.headDone && !p.star && !rs.outCSV.KeepAllColumns {
		if err := rs.writeHeader(nil, false); err != nil {
			return err
		}
	}
	if len(p.aggs) == 0 || rs.q.Limit == 0 && rs.q.dialect == DialectS3 {
		return nil
	}
	vals := make([]value, len(p.items))
	for i, f := range p.items {
		v, err := f(&row{})
		if err != nil {
			return err
		}
		vals[i] = v
	}
	return rs.out.record(p.names, vals)
}

func (rs *runState) runCSV(r io.Reader, base int64, in CSVInput, needHeader bool, header []string) error {
	cr := newCSVReader(r, base, in, rs.opts.MaxRecordSize)
	if needHeader {
		ok, err := cr.next()
		if err != nil {
			return err
		}
		if ok {
			header = rs.headerNames(cr.fields, in.FileHeaderInfo)
		} else if in.FileHeaderInfo == HeaderUse {
			header = []string{}
		}
	}
	prog, err := compile(rs.q, fmtCSV, header, rs.opts.Clock)
	if err != nil {
		return err
	}
	rs.prog = prog
	rs.header = header
	rs.vals = make([]value, len(prog.items))
	if err := rs.checkKeepAll(); err != nil {
		return err
	}
	cr.need = prog.need
	cr.skipBefore = rs.start
	if rs.start > 0 {
		cr.seen = 0 // a header read from the start is not in the range
	}
	if !rs.limitReached() {
		var r row
		for n := 0; ; n++ {
			ok, err := cr.next()
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			if n&1023 == 0 || rs.stats.BytesProcessed-rs.lastTick >= 1<<20 {
				if err := rs.tick(); err != nil {
					return err
				}
			}
			in, done := rs.inRange(cr.recStart)
			if rs.lines != nil {
				in, done = rs.inLines(cr.seen)
			}
			if done {
				break
			}
			if !in {
				continue
			}
			r.fields = cr.fields
			if err := rs.process(&r, true, header); err != nil {
				return err
			}
			if rs.limitReached() {
				break
			}
		}
	}
	return rs.finish()
}

// runJSON reads JSON input laid out as layout. lines says it is LINES
// input, whose every value is a record held to MaxRecordSize also when
// it is read as a document (the S3 dialect without a range): only
// DOCUMENT input's values may reach MaxDocumentSize, or be streamed
// through a FROM path.
func (rs *runState) runJSON(r io.Reader, base int64, layout jsonLayout, lines bool) error {
	max := rs.opts.MaxRecordSize
	document := layout == layoutDocument && !lines
	if document {
		max = rs.opts.MaxDocumentSize
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
	path := rs.q.fromSteps()
	oss := rs.q.dialect == DialectOSS
	var rw row
	if document && len(path) > 0 {
		// A path into the document: stream it, so only the selected
		// records are ever held.
		n := 0
		js := newJSONStreamer(r, oss, func(v value) error {
			if n++; n&1023 == 0 {
				if err := rs.tick(); err != nil {
					return err
				}
			}
			if err := rs.checkNode(v); err != nil {
				return err
			}
			rw.val = v
			if err := rs.process(&rw, false, nil); err != nil {
				return err
			}
			if rs.limitReached() {
				return errStop
			}
			return nil
		})
		js.numText = rs.numText
		err := js.run(path)
		if err != nil && err != errStop {
			return err
		}
		return rs.finish()
	}
	jr := newJSONReader(r, base, layout, max)
	jr.skipBefore = rs.start
	jr.numText = rs.numText
	var recs []value
	for n := 0; ; n++ {
		v, ok, err := jr.next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if err := rs.tick(); err != nil {
			return err
		}
		in, done := rs.inRange(jr.recStart)
		if rs.lines != nil {
			in, done = rs.inLines(jr.seen)
		}
		if done {
			break
		}
		if !in {
			continue
		}
		recs = expandFrom(recs[:0], v, path, oss)
		if len(recs) == 0 {
			recs = append(recs, missingV)
		}
		for _, rec := range recs {
			if err := rs.checkNode(rec); err != nil {
				return err
			}
			rw.val = rec
			if err := rs.process(&rw, false, nil); err != nil {
				return err
			}
			if rs.limitReached() {
				return rs.finish()
			}
		}
	}
	return rs.finish()
}

// expandFrom applies the FROM path to one root value and appends the
// records it selects.
func expandFrom(dst []value, v value, steps []Step, oss bool) []value {
	if len(steps) == 0 {
		return append(dst, v)
	}
	s := steps[0]
	switch s.Kind {
	case StepName:
		if v.k != kStruct {
			return dst
		}
		for i, n := range v.st.names {
			if n == s.Name || !s.Quoted && !oss && strings.EqualFold(n, s.Name) {
				return expandFrom(dst, v.st.vals[i], steps[1:], oss)
			}
		}
		return dst
	case StepIndex:
		if v.k != kList || s.Index >= len(v.st.vals) {
			return dst
		}
		return expandFrom(dst, v.st.vals[s.Index], steps[1:], oss)
	default:
		// "Wildcards always emit at least one record": an element the
		// rest of the path selects nothing of is a MISSING record.
		if v.k == kList || v.k == kStruct {
			for _, e := range v.st.vals {
				n := len(dst)
				if dst = expandFrom(dst, e, steps[1:], oss); len(dst) == n {
					dst = append(dst, missingV)
				}
			}
		}
		return dst
	}
}
