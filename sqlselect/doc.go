// Package sqlselect is a streaming SQL engine for Amazon S3 Select
// (SelectObjectContent) and Aliyun OSS SelectObject, usable without HTTP.
//
// Parse a statement once, then Run it over an object:
//
//	q, err := sqlselect.Parse("SELECT s.name FROM S3Object s WHERE s._3 > 500")
//	st, err := q.Run(ctx, sqlselect.Source{Reader: body},
//		sqlselect.Input{Format: sqlselect.FormatCSV},
//		sqlselect.Output{Format: sqlselect.OutputJSON}, w, nil)
//
// Run writes whole serialized records to w, one Write per output chunk
// (RunOptions.ChunkSize), so an HTTP layer can wrap each Write in an AWS
// event-stream Records event or an OSS data frame; RunOptions.Progress
// reports the counters (Stats) before each Write and periodically while
// scanning, which is what Progress events, OSS frame offsets and OSS
// continuous frames need. The final Stats is Run's result.
//
// # Dialect
//
// The SQL is the S3 Select subset of PartiQL: SELECT list with *, aliases,
// positional (_1) and named columns, JSON paths (s.a.b[0]); FROM S3Object
// with an alias and a JSON path (S3Object[*].path); WHERE with AND, OR,
// NOT, comparisons, BETWEEN, IN, LIKE ... ESCAPE, IS [NOT] NULL/MISSING;
// arithmetic, ||, CASE, CAST (BOOL, INT, FLOAT, DECIMAL, STRING,
// TIMESTAMP and their synonyms); SUBSTRING, TRIM, LOWER, UPPER,
// CHAR_LENGTH, DATE_ADD, DATE_DIFF, EXTRACT, TO_STRING, TO_TIMESTAMP,
// UTCNOW, COALESCE, NULLIF; COUNT, SUM, AVG, MIN, MAX; LIMIT. ParseOptions
// selects DialectOSS for the OSS differences (see Dialect). Query.String
// renders a query that parses back to the same query.
//
// # Types, NULL and MISSING
//
// Values are typed: BOOL, INT (int64), FLOAT, DECIMAL, STRING, TIMESTAMP,
// and for JSON and Parquet also lists and structs. CSV fields are untyped
// text: compared with a number, a boolean or a timestamp, or used in
// arithmetic or SUM/AVG, the text is converted to that type, so
// `s._3 > 500` compares numerically; text that does not convert makes the
// comparison NULL (the record is not selected), arithmetic NULL, and
// SUM/AVG fail with InvalidDataType. Typed values of different types are
// never equal (1 = '1' is false, NULLIF(1, '1') is 1) and ordering them
// (a JSON string > 1) is an InvalidDataType error. Numbers compare across
// INT, FLOAT and DECIMAL.
//
// A column or member that does not exist is MISSING; a JSON null is NULL.
// Operators return MISSING if an operand is MISSING, else NULL if one is
// NULL; AND and OR use three-valued logic; IS NULL is true for both,
// IS MISSING only for MISSING. WHERE keeps a record only when the
// condition is TRUE. In CSV output NULL and MISSING are empty fields; in
// JSON output NULL is null and MISSING members are omitted, so a MISSING
// record is {}. In the OSS dialect absent columns and members are NULL.
// Aggregates skip NULL and MISSING; over no values COUNT is 0 and the
// others NULL.
//
// # Inputs and outputs
//
// CSV (header handling, delimiters, quote and quote-escape characters,
// comments, quoted record delimiters), JSON DOCUMENT and LINES, and Parquet
// (Source.ReaderAt and Size required); GZIP, BZIP2 and ZSTD compression for
// CSV and JSON; scan ranges for uncompressed CSV and JSON LINES, where a
// record belongs to the range its first byte is in. Output is CSV
// (QuoteFields ALWAYS or ASNEEDED, delimiters, quote escape) or JSON (one
// object per record, configurable record delimiter).
//
// Memory does not grow with the object: records are parsed one at a time
// from a buffer that holds the longest record (RunOptions.MaxRecordSize,
// 1 MiB by default), and output is flushed every ChunkSize bytes. JSON
// DOCUMENT input with a path in FROM (S3Object[*].items[*]) is streamed
// token by token, so only each selected record is held, whatever the size
// of the document; without a path each top-level value is a record and
// must fit RunOptions.MaxDocumentSize (64 MiB by default). A CSV record costs no
// allocation when the query only filters and counts: fields are split only
// up to the last column the query reads, unquoted fields are slices of the
// read buffer, and comparisons of a column with an integer literal are
// compiled to integer comparisons.
//
// # Errors
//
// Every error about the query or the data is an *Error carrying the
// documented S3 error Code and Message, the HTTP StatusCode, the matching
// OSS code (OSSCode) and a Detail. Compare with errors.Is against the
// exported sentinels (errors.Is(err, sqlselect.ErrCastFailed)), which
// match on the code. Errors lists every sentinel (the whole documented S3
// table, including request-level codes such as MalformedXML that only an
// HTTP layer detects) and LookupError finds one by code. Parse reports syntax and semantic errors
// (ParseUnexpectedToken, ParseExpectedTypeName, EvaluatorInvalidArguments,
// UnsupportedFunction, MaxOperatorsExceeded past ParseOptions.MaxOperators, ...); Run reports option errors before reading,
// header errors (MissingHeaderName, AmbiguousFieldName) before the first
// record, and evaluation and data errors (CastFailed, InvalidDataType,
// IntegerOverflow, CSVParsingError, JSONParsingError, TruncatedInput,
// OverMaxRecordSize, ...) as they happen, after possibly having written
// earlier records. Errors from the Source or the output writer, and
// ctx.Err(), are returned unchanged.
//
// # Concurrency
//
// A Query is immutable after Parse: any number of goroutines may Run it at
// once. Run itself uses only the calling goroutine; it calls the output
// writer and RunOptions.Progress on that goroutine, and checks ctx between
// records.
//
// # Caveats
//
//   - A DECIMAL keeps its exact digits when it comes from a Parquet
//     DECIMAL or a literal with a point (38 significant digits at most,
//     rounded half to even), and so do + - * / % and SUM and AVG of such
//     DECIMALs and INTs (/ and AVG to 38 significant digits) while the
//     result has at most 76 digits; other DECIMALs (CAST, computed from
//     floats) are carried as a float64 and rendered without an exponent
//     for ordinary magnitudes.
//   - Without AllowQuotedRecordDelimiter every record delimiter ends a
//     record, as S3 documents; a quoted field cut that way is reported
//     (CSVEscapingRecordDelimiter) only if the query reads that field.
//   - Text after a closing quote up to the delimiter is kept ("ab"c is
//     abc) instead of being rejected; blank lines are skipped.
//   - A CRLF file works with the default "\n" record delimiter: the CR is
//     removed.
//   - Each CSV setting (delimiters, quote, escape, comment) is one
//     character, which may be a multi-byte UTF-8 character such as "╦"
//     (AWS: "a single character"); the record delimiter may also be two
//     bytes ("\r\n"). The OSS HTTP layer allows one byte, as OSS documents.
//   - S3: reserved words (AWS's keyword list: SQL-92's plus PartiQL's)
//     must be quoted to be used as names, aliases or path members
//     (s."date"), which includes common words such as FIRST, SIZE, VALUE
//     and DATE. OSS reserves only the words its
//     grammar reads where a name could stand (SELECT, FROM, WHERE, AS,
//     AND, OR, NOT, LIKE, IN, IS, NULL, CASE, CAST, LIMIT, ...); a
//     function name is one only before "(", so Year, Date or Count are
//     column names there.
//   - List and struct constructors ([1, 2], {'a': 1}) are not supported
//     in SQL text.
//   - OSS: LIMIT applies before aggregation, `*` and `?` are LIKE
//     wildcards, FROM ossobject.path needs no [*], CAST of an empty or
//     blank string to a type other than STRING is NULL (so aggregates
//     skip blank CSV cells), CAST to TIMESTAMP reads OSS's documented
//     formats, or only the one named by FORMAT ('YYYYDDMM', ...; a value
//     that does not match is SqlNotMatchTimestampFormat), JSON output
//     escapes '/' as \/, records
//     failing with a data error are skipped up to
//     MaxSkippedRecordsAllowed, and
//     CSVOutput.KeepAllColumns, CSVOutput.OutputHeader and
//     RunOptions.SkipPartialDataRecord implement the OSS options. CSV text
//     that does not convert in a comparison makes it NULL (the record is
//     filtered, not counted as skipped). ScanMeta computes what OSS's
//     CreateSelectObjectMeta reports (records, columns, split points);
//     Input.Lines (line-range) and Meta.SplitRange (split-range) use it.
//   - OSS: JSON LINES input read without a range (no ScanRange, no
//     Input.Lines) is a stream of values separated by whitespace and at
//     most one comma, each may span lines, as OSS reads the Aliyun SDKs'
//     pretty-printed LINES samples; ScanMeta counts values the same way.
//     Ranges are defined over lines: with a scan, split or line range
//     every non-blank line must be exactly one value (else
//     JSONParsingError), and ScanMeta places splits only at values that
//     begin their line. S3 reads LINES input without a scan range as
//     DOCUMENT input, values separated by whitespace only, each may span
//     lines (as S3 answered aws-sdk-net's SelectObjectContentTests); each
//     value is still a record, held to RunOptions.MaxRecordSize; with a
//     scan range, one value per line.
//     OSS's documented restrictions are enforced with their codes
//     (osslimits.go: column name length, WHERE condition count and
//     nesting, aggregate count, [*] outside FROM, negative indexes, one
//     cast type per column, constant operands of AND/OR/NOT/IS NULL/||/
//     arithmetic/comparisons, SUM and AVG of non-numbers, nested columns
//     and FROM paths on CSV); RunOptions.MaxNodeDepth and MaxNodeArray
//     bound JSON records (OSS: 10 levels, 5000 elements). The byte
//     limits are RunOptions (httpapi's OSS SelectObject sets 256 KB for a
//     CSV row, 512 KB for a JSON node). Not enforced: OSS's limits on
//     output rows and headers (their sizes are not documented), and CAST
//     ... FORMAT (not implemented).
package sqlselect
