package sqlselect

import (
	"io"
	"time"
)

// InputFormat is the serialization of the object being queried.
type InputFormat uint8

// Input formats.
const (
	FormatCSV InputFormat = iota
	FormatJSON
	FormatParquet
)

// Compression is the compression of the stored object.
type Compression uint8

// Compressions. ZSTD is an osslite extension.
const (
	CompressionNone Compression = iota
	CompressionGZIP
	CompressionBZIP2
	CompressionZSTD
)

// FileHeaderInfo says what the first CSV record is.
type FileHeaderInfo uint8

// FileHeaderInfo values.
const (
	// HeaderNone: the first record is data (default).
	HeaderNone FileHeaderInfo = iota
	// HeaderIgnore: the first record is a header; its names cannot be
	// used.
	HeaderIgnore
	// HeaderUse: the first record is a header; columns can be referenced
	// by its names.
	HeaderUse
)

// CSVInput describes CSV input. The zero value is RFC 4180 with "\n"
// records, no header and no comments. Each setting is one character, which
// may be a multi-byte UTF-8 character (AWS: "a single character"; the OSS
// dialect's HTTP layer allows one byte, as OSS documents); a longer value
// is an InvalidRequestParameter error.
type CSVInput struct {
	FileHeaderInfo FileHeaderInfo
	// RecordDelimiter is one character or two bytes; default "\n". With "\n", a
	// "\r" before it is also removed, so CRLF files work unchanged.
	RecordDelimiter string
	// FieldDelimiter is one character; default ",".
	FieldDelimiter string
	// QuoteCharacter is one character; default `"`. A field that starts with it
	// is quoted: delimiters inside are data.
	QuoteCharacter string
	// QuoteEscapeCharacter escapes a quote inside a quoted field; default
	// the quote character itself (`""` is one `"`).
	QuoteEscapeCharacter string
	// Comments is the comment character: records starting with it are
	// skipped. Default none (S3 documents "#" as its default: the HTTP
	// layer passes it).
	Comments string
	// AllowQuotedRecordDelimiter lets quoted fields contain the record
	// delimiter. Without it every record delimiter ends a record, which is
	// what makes the fast scanner fast, and a quoted field cut by one is a
	// CSVEscapingRecordDelimiter error.
	AllowQuotedRecordDelimiter bool
}

// JSONType is the layout of JSON input.
type JSONType uint8

// JSON types.
const (
	// JSONDocument: one or more JSON values, whitespace separated, each may
	// span lines (default).
	JSONDocument JSONType = iota
	// JSONLines: one JSON value per line. A query without a scan or line
	// range reads it more loosely, as the services do: in the S3 dialect
	// as JSONDocument (values separated by whitespace, each may span
	// lines: pretty-printed objects separated by "} {" are LINES input on
	// S3); in the OSS dialect also with at most one comma between two
	// values (a comma after the last is accepted), so pretty-printed
	// objects separated by ",\n" are LINES input there. With a range every
	// non-blank line must hold exactly one value: ranges are defined over
	// lines.
	JSONLines
)

// JSONInput describes JSON input.
type JSONInput struct {
	Type JSONType
	// NumbersAsText (OSS's ParseJsonNumberAsString) keeps every number
	// as its text: an untyped value, like a CSV field, that converts to
	// what a comparison or CAST needs without losing precision, and is
	// written back as the same number.
	NumbersAsText bool
}

// ScanRange restricts the query to the records whose first byte lies in
// [Start, End] (both inclusive). Without Start the range is the last End
// bytes of the object (S3 semantics); without End it runs to the end.
// Only uncompressed CSV (without AllowQuotedRecordDelimiter) and JSON LINES
// support scan ranges; JSON LINES read with a range must hold one value
// per line, in either dialect (see JSONLines).
type ScanRange struct {
	Start, End       int64
	HasStart, HasEnd bool
}

// Input describes the object to query.
type Input struct {
	Format      InputFormat
	CSV         CSVInput
	JSON        JSONInput
	Compression Compression
	ScanRange   *ScanRange
	// Lines restricts the query to a range of record numbers (OSS's
	// line-range). It cannot be combined with ScanRange.
	Lines *LineRange
}

// LineRange restricts a query to the records numbered First to Last (both
// inclusive). Records are numbered from 0 in file order the way ScanMeta
// counts them: every non-empty CSV record (the header and comment lines
// included) or JSON LINES value. Reading starts at byte Offset, which must
// be the first byte of record number OffsetLine (a Split of ScanMeta; 0
// and 0 for the start of the object). Only uncompressed CSV (without
// AllowQuotedRecordDelimiter) and JSON LINES support line ranges; JSON
// LINES read with a line range must hold one value per line from Offset
// on (a value that spans lines is a JSONParsingError), although ScanMeta
// counts the values of any OSS LINES object.
type LineRange struct {
	First, Last        int64
	Offset, OffsetLine int64
}

// Source is where the object's bytes come from. Reader streams the object
// from its first byte. ReaderAt with Size is required for Parquet (its
// footer is at the end) and lets scan ranges seek instead of skipping.
// When both are set ReaderAt wins.
type Source struct {
	Reader   io.Reader
	ReaderAt io.ReaderAt
	Size     int64
}

// OutputFormat is the serialization of the result.
type OutputFormat uint8

// Output formats.
const (
	OutputCSV OutputFormat = iota
	OutputJSON
)

// QuoteFields says when CSV output quotes a field.
type QuoteFields uint8

// QuoteFields values.
const (
	// QuoteAsNeeded quotes fields that contain a delimiter, the quote
	// character, or a CR or LF (default).
	QuoteAsNeeded QuoteFields = iota
	// QuoteAlways quotes every field.
	QuoteAlways
)

// CSVOutput describes CSV output; defaults and lengths as for CSVInput.
type CSVOutput struct {
	QuoteFields          QuoteFields
	RecordDelimiter      string // default "\n"
	FieldDelimiter       string // default ","
	QuoteCharacter       string // default `"`
	QuoteEscapeCharacter string // default the quote character
	// OutputHeader (an OSS option) writes a header record first: the
	// file's header for SELECT * of a CSV with FileHeaderInfo USE, _1.._N
	// for SELECT * otherwise, else the projection names.
	OutputHeader bool
	// KeepAllColumns (an OSS option, CSV input only) writes every column of
	// each input record in file order; columns the SELECT list does not
	// name are empty. The SELECT list must name plain columns, each once,
	// and cannot aggregate.
	KeepAllColumns bool
}

// JSONOutput describes JSON output.
type JSONOutput struct {
	RecordDelimiter string // default "\n"
}

// Output describes the result serialization.
type Output struct {
	Format OutputFormat
	CSV    CSVOutput
	JSON   JSONOutput
}

// RunOptions tunes one Run. A nil *RunOptions means defaults.
type RunOptions struct {
	// Clock is the time UTCNOW() returns. Default time.Now; a server must
	// pass its engine clock so results are reproducible.
	Clock func() time.Time
	// ChunkSize is how many output bytes are buffered before one Write to
	// the output writer. Each Write holds whole records only. Default
	// 64 KiB.
	ChunkSize int
	// MaxRecordSize bounds one input record (CSV line, JSON line or
	// document) in bytes; longer records fail with OverMaxRecordSize.
	// Default 1 MiB (the S3 limit). JSON DOCUMENT input applies
	// MaxDocumentSize instead.
	MaxRecordSize int
	// MaxDocumentSize bounds one top-level JSON value of DOCUMENT input
	// when it is itself the record (FROM without a path); with a path the
	// document is streamed and only records are held. Default 64 MiB.
	MaxDocumentSize int
	// MaxNodeDepth and MaxNodeArray, when positive, bound every JSON
	// record (the node the FROM path selects): how deeply it nests and
	// how many elements each of its arrays has. OSS documents 10 and
	// 5000 (JsonNodeExceedsMaxDepth, ExceedsMaxJsonArraySize). Default 0:
	// no bound beyond the parser's.
	MaxNodeDepth, MaxNodeArray int
	// MaxZSTDWindow bounds the window of ZSTD input frames, in bytes: the
	// decoded history the decoder keeps, which a frame of a few KiB may
	// declare up to 512 MiB of. A frame declaring more fails with
	// TruncatedInput. Default 8 MiB, the window of zstd levels 1 to 19
	// (--ultra levels and --long need more).
	MaxZSTDWindow int
	// MaxDecompressionRatio bounds the input a compressed object
	// decompresses to: at most this many times the compressed bytes read,
	// plus 64 MiB; more fails with TruncatedInput. Default 1032, DEFLATE's
	// own maximum, so no GZIP input reaches it; BZIP2 (whose runs decode
	// to 45 MB a block) and ZSTD (128 KiB an RLE block) can. It bounds the
	// values a Parquet object decodes to as well, counted 8 bytes a value
	// and 1 a null against the object's size (run-length pages hold
	// millions of values in a few bytes; the object's, not the bytes read,
	// since a query reads only its columns and a column of one value is a
	// few bytes a page in any file).
	MaxDecompressionRatio int
	// MaxWorkPerByte bounds the work of evaluating the query: each record
	// is charged the size of the expression (16 units a node, 2 a
	// constant) and each string operation the bytes it reads and builds
	// (a unit is about a byte copied); past this many units per input
	// byte read (the uncompressed bytes of CSV and JSON; for Parquet the
	// larger of the file's bytes read and 8 a value decoded, 1 a null, a
	// string's length not counted again) plus 2^28, the query fails with MaxOperatorsExceeded.
	// Default 256: an expression of up to 16 nodes per byte of its
	// records, or 128 string functions copying each whole record, runs
	// over any object.
	MaxWorkPerByte int
	// Progress, if set, is called with the running totals before every
	// Write to the output writer and at least every ProgressInterval
	// input bytes, on the goroutine running the query.
	Progress func(Stats)
	// ProgressInterval is in uncompressed input bytes. Default 1 MiB.
	ProgressInterval int64
	// SkipPartialDataRecord (OSS) skips records that lack a column or
	// member the query reads, instead of treating it as NULL.
	SkipPartialDataRecord bool
	// MaxSkippedRecordsAllowed (OSS) is how many records may be skipped
	// before the query fails with InvalidCsvLine. Records are skipped for
	// SkipPartialDataRecord and, in the OSS dialect, when evaluating them
	// fails with a data error (a failed CAST, a type mismatch). Default 0:
	// the first skipped record fails the query.
	MaxSkippedRecordsAllowed int64
}

func (o *RunOptions) withDefaults() RunOptions {
	var r RunOptions
	if o != nil {
		r = *o
	}
	r.EnsureDefaults()
	return r
}

// EnsureDefaults fills zero fields with their defaults.
func (o *RunOptions) EnsureDefaults() {
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.ChunkSize <= 0 {
		o.ChunkSize = 64 << 10
	}
	if o.MaxRecordSize <= 0 {
		o.MaxRecordSize = 1 << 20
	}
	if o.MaxDocumentSize <= 0 {
		o.MaxDocumentSize = 64 << 20
	}
	if o.ProgressInterval <= 0 {
		o.ProgressInterval = 1 << 20
	}
	if o.MaxZSTDWindow <= 0 {
		o.MaxZSTDWindow = DefaultMaxZSTDWindow
	}
	if o.MaxDecompressionRatio <= 0 {
		o.MaxDecompressionRatio = DefaultMaxDecompressionRatio
	}
	if o.MaxWorkPerByte <= 0 {
		o.MaxWorkPerByte = DefaultMaxWorkPerByte
	}
}

// DefaultMaxZSTDWindow is RunOptions.MaxZSTDWindow's default.
const DefaultMaxZSTDWindow = 8 << 20

// DefaultMaxDecompressionRatio is RunOptions.MaxDecompressionRatio's
// default: DEFLATE's largest ratio (258 bytes from about 2 bits).
const DefaultMaxDecompressionRatio = 1032

// DefaultMaxWorkPerByte is RunOptions.MaxWorkPerByte's default.
const DefaultMaxWorkPerByte = 256

// Validate rejects settings that cannot work. Run calls it.
func (o *RunOptions) Validate() error {
	if o.MaxSkippedRecordsAllowed < 0 {
		return errorf(ErrInvalidRequestParameter, "MaxSkippedRecordsAllowed %d is negative", o.MaxSkippedRecordsAllowed)
	}
	if o.ChunkSize < 0 || o.MaxRecordSize < 0 || o.MaxDocumentSize < 0 || o.ProgressInterval < 0 || o.MaxZSTDWindow < 0 || o.MaxDecompressionRatio < 0 || o.MaxWorkPerByte < 0 {
		return errorf(ErrInvalidRequestParameter, "negative size in RunOptions")
	}
	if o.MaxZSTDWindow > 0 && o.MaxZSTDWindow < 1<<10 {
		return errorf(ErrInvalidRequestParameter, "MaxZSTDWindow %d is below ZSTD's smallest window, 1 KiB", o.MaxZSTDWindow)
	}
	return nil
}

// Stats are the counters S3 reports in Stats and Progress events.
type Stats struct {
	// BytesScanned is the number of bytes read from the source (compressed
	// size for compressed objects).
	BytesScanned int64
	// BytesProcessed is the number of uncompressed bytes parsed.
	BytesProcessed int64
	// BytesReturned is the number of output bytes written.
	BytesReturned int64
	// RecordsScanned counts input records; RecordsReturned output records.
	RecordsScanned  int64
	RecordsReturned int64
	// RecordsSkipped counts records skipped under the OSS options.
	RecordsSkipped int64
}
