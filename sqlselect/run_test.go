package sqlselect_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/sqlselect"
)

func TestErrorsAreSentinels(t *testing.T) {
	_, err := sqlselect.Parse("SELECT CAST(a AS BLOB) FROM S3Object")
	require.Error(t, err)
	assert.ErrorIs(t, err, sqlselect.ErrParseExpectedTypeName)
	assert.NotErrorIs(t, err, sqlselect.ErrCastFailed)
	var se *sqlselect.Error
	require.True(t, errors.As(err, &se))
	assert.Equal(t, "ParseExpectedTypeName", se.Code)
	assert.Equal(t, 400, se.StatusCode)
	assert.Equal(t, "SqlSyntaxError", se.OSSCode)
	assert.Equal(t, 17, se.Offset)
	assert.Contains(t, err.Error(), "sqlselect: ParseExpectedTypeName")

	q, err := sqlselect.Parse("SELECT CAST(s._1 AS INT) FROM S3Object s")
	require.NoError(t, err)
	_, err = q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader("x\n")},
		sqlselect.Input{}, sqlselect.Output{}, io.Discard, nil)
	assert.ErrorIs(t, err, sqlselect.ErrCastFailed)
}

// recordingWriter keeps every Write separately.
type recordingWriter struct{ writes []string }

func (w *recordingWriter) Write(p []byte) (int, error) {
	w.writes = append(w.writes, string(p))
	return len(p), nil
}

func TestChunksHoldWholeRecords(t *testing.T) {
	var in strings.Builder
	for i := 0; i < 1000; i++ {
		in.WriteString(strconv.Itoa(i) + ",some text\n")
	}
	q, err := sqlselect.Parse("SELECT s._2, s._1 FROM S3Object s")
	require.NoError(t, err)
	w := &recordingWriter{}
	var progress []sqlselect.Stats
	st, err := q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader(in.String())},
		sqlselect.Input{}, sqlselect.Output{}, w,
		&sqlselect.RunOptions{ChunkSize: 100, Progress: func(s sqlselect.Stats) { progress = append(progress, s) }})
	require.NoError(t, err)
	require.Greater(t, len(w.writes), 10)
	total := 0
	for _, c := range w.writes {
		require.True(t, strings.HasSuffix(c, "\n"), "chunk %q ends mid-record", c)
		require.GreaterOrEqual(t, len(c), 100-20)
		total += len(c)
	}
	assert.Equal(t, int64(total), st.BytesReturned)
	assert.Equal(t, int64(1000), st.RecordsReturned)
	assert.Equal(t, int64(in.Len()), st.BytesScanned)
	require.NotEmpty(t, progress)
	assert.LessOrEqual(t, progress[len(progress)-1].BytesReturned, st.BytesReturned)
}

func TestContextCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	q, err := sqlselect.Parse("SELECT count(*) FROM S3Object")
	require.NoError(t, err)
	_, err = q.Run(ctx, sqlselect.Source{Reader: &genReader{n: 1 << 20}}, sqlselect.Input{}, sqlselect.Output{}, io.Discard, nil)
	require.ErrorIs(t, err, context.Canceled)
}

func TestSourceAndWriterErrorsPassThrough(t *testing.T) {
	boom := errors.New("boom")
	q, err := sqlselect.Parse("SELECT * FROM S3Object")
	require.NoError(t, err)
	_, err = q.Run(context.Background(), sqlselect.Source{Reader: io.MultiReader(strings.NewReader("a\n"), errReader{boom})},
		sqlselect.Input{}, sqlselect.Output{}, io.Discard, nil)
	require.ErrorIs(t, err, boom)
	_, err = q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader("a\n")},
		sqlselect.Input{}, sqlselect.Output{}, errWriter{boom}, nil)
	require.ErrorIs(t, err, boom)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

type errWriter struct{ err error }

func (e errWriter) Write([]byte) (int, error) { return 0, e.err }

// genReader produces n bytes of CSV without holding them.
type genReader struct {
	n, off int
	buf    []byte // the current line
	pos    int    // bytes of buf already returned
	i      int
}

func (g *genReader) Read(p []byte) (int, error) {
	if g.off >= g.n {
		return 0, io.EOF
	}
	w := 0
	for w < len(p) && g.off < g.n {
		if g.pos == len(g.buf) {
			g.buf = strconv.AppendInt(g.buf[:0], int64(g.i), 10)
			g.buf = append(g.buf, ",name,"...)
			g.buf = strconv.AppendInt(g.buf, int64(g.i%1000), 10)
			g.buf = append(g.buf, '\n')
			g.pos = 0
			g.i++
		}
		c := copy(p[w:], g.buf[g.pos:])
		g.pos += c
		w += c
		g.off += c
	}
	return w, nil
}

// TestConstantMemory streams 64 MiB through a filter and a count: the
// bytes allocated must not grow with the input.
func TestConstantMemory(t *testing.T) {
	q, err := sqlselect.Parse("SELECT count(*) FROM S3Object s WHERE s._3 > 500")
	require.NoError(t, err)
	run := func(n int) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		var out bytes.Buffer
		_, err := q.Run(context.Background(), sqlselect.Source{Reader: &genReader{n: n}},
			sqlselect.Input{}, sqlselect.Output{}, &out, nil)
		require.NoError(t, err)
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	small, large := run(1<<20), run(64<<20)
	t.Logf("allocated %d bytes for 1 MiB, %d bytes for 64 MiB", small, large)
	assert.Less(t, large, small+(1<<20), "allocation grows with the input")
}

func TestConcurrentRuns(t *testing.T) {
	q, err := sqlselect.Parse("SELECT s._1, UPPER(s._2) FROM S3Object s WHERE s._3 > 990")
	require.NoError(t, err)
	var wg sync.WaitGroup
	results := make([]string, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out bytes.Buffer
			_, err := q.Run(context.Background(), sqlselect.Source{Reader: &genReader{n: 200 << 10}},
				sqlselect.Input{}, sqlselect.Output{}, &out, nil)
			assert.NoError(t, err)
			results[i] = out.String()
		}()
	}
	wg.Wait()
	require.NotEmpty(t, results[0])
	for _, r := range results[1:] {
		assert.Equal(t, results[0], r)
	}
}

func TestLimitStopsReading(t *testing.T) {
	q, err := sqlselect.Parse("SELECT * FROM S3Object LIMIT 2")
	require.NoError(t, err)
	g := &genReader{n: 1 << 30}
	st, err := q.Run(context.Background(), sqlselect.Source{Reader: g}, sqlselect.Input{}, sqlselect.Output{}, io.Discard, nil)
	require.NoError(t, err)
	assert.Equal(t, int64(2), st.RecordsReturned)
	assert.Less(t, g.off, 1<<20)
}

// docReader produces {"before":...,"items":[{"i":0,"pad":"..."},...],
// "after":...} of about n bytes without holding it.
type docReader struct {
	n, off  int
	started bool
	elems   int
	done    bool
	buf     []byte
	pos     int
}

func (g *docReader) next() {
	g.buf, g.pos = g.buf[:0], 0
	switch {
	case !g.started:
		g.started = true
		g.buf = append(g.buf, `{"before":[1,{"x":2}],"items":[`...)
	case g.off >= g.n:
		g.done = true
		g.buf = append(g.buf, `],"after":{"items":"no"}}`...)
	default:
		if g.elems > 0 {
			g.buf = append(g.buf, ',')
		}
		g.buf = append(g.buf, `{"i":`...)
		g.buf = strconv.AppendInt(g.buf, int64(g.elems), 10)
		g.buf = append(g.buf, `,"pad":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}`...)
		g.elems++
	}
}

func (g *docReader) Read(p []byte) (int, error) {
	w := 0
	for w < len(p) {
		if g.pos == len(g.buf) {
			if g.done {
				break
			}
			g.next()
		}
		c := copy(p[w:], g.buf[g.pos:])
		g.pos += c
		w += c
		g.off += c
	}
	if w == 0 {
		return 0, io.EOF
	}
	return w, nil
}

// TestJSONDocumentStreams queries a 16 MiB document through a path with a
// 1 MiB document limit: the array is read element by element.
func TestJSONDocumentStreams(t *testing.T) {
	q, err := sqlselect.Parse("SELECT COUNT(*), MAX(s.i) FROM S3Object[*].items[*] s WHERE s.i >= 0")
	require.NoError(t, err)
	var out bytes.Buffer
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = q.Run(context.Background(), sqlselect.Source{Reader: &docReader{n: 16 << 20}},
		sqlselect.Input{Format: sqlselect.FormatJSON}, sqlselect.Output{}, &out,
		&sqlselect.RunOptions{MaxDocumentSize: 1 << 20})
	require.NoError(t, err)
	runtime.ReadMemStats(&after)
	lines := strings.Split(strings.TrimSpace(out.String()), ",")
	require.Len(t, lines, 2)
	n, err := strconv.Atoi(lines[0])
	require.NoError(t, err)
	assert.Greater(t, n, 150000)
	assert.Equal(t, strconv.Itoa(n-1), lines[1])
	// Heap in use stays small even though the document is 16 MiB.
	assert.Less(t, after.HeapInuse, before.HeapInuse+(16<<20))
}

func TestErrorTable(t *testing.T) {
	all := sqlselect.Errors()
	require.Greater(t, len(all), 100)
	seen := map[string]bool{}
	for _, e := range all {
		assert.False(t, seen[e.Code], "duplicate code %s", e.Code)
		seen[e.Code] = true
		assert.NotEmpty(t, e.Message, e.Code)
		assert.NotEmpty(t, e.OSSCode, e.Code)
		assert.Contains(t, []int{400, 401, 405, 500, 503}, e.StatusCode, e.Code)
		got, ok := sqlselect.LookupError(e.Code)
		require.True(t, ok)
		assert.Same(t, e, got)
	}
	// Every code of the S3 "List of SELECT Object Content Error Codes".
	for _, code := range strings.Fields(documentedS3Codes) {
		assert.True(t, seen[code], code)
	}
	e, _ := sqlselect.LookupError("Busy")
	assert.Equal(t, 503, e.StatusCode)
}

const documentedS3Codes = `
AmbiguousFieldName Busy CastFailed ColumnTooLong CSVEscapingRecordDelimiter
CSVParsingError CSVUnescapedQuote EmptyRequestBody EvaluatorBindingDoesNotExist
EvaluatorInvalidArguments EvaluatorInvalidTimestampFormatPattern
EvaluatorInvalidTimestampFormatPatternSymbol
EvaluatorInvalidTimestampFormatPatternSymbolForParsing
EvaluatorInvalidTimestampFormatPatternToken EvaluatorLikePatternInvalidEscapeSequence
EvaluatorNegativeLimit EvaluatorTimestampFormatPatternDuplicateFields
EvaluatorTimestampFormatPatternHourClockAmPmMismatch
EvaluatorUnterminatedTimestampFormatPatternToken ExpressionTooLong ExternalEvalException
IllegalSqlFunctionArgument IncorrectSqlFunctionArgumentType IntegerOverflow InternalError
InvalidCast InvalidColumnIndex InvalidCompressionFormat InvalidDataSource InvalidDataType
InvalidExpressionType InvalidFileHeaderInfo InvalidJsonType InvalidKeyPath
InvalidQuoteFields InvalidRequestParameter InvalidScanRange InvalidTableAlias
InvalidTextEncoding JSONParsingError LexerInvalidChar LexerInvalidIONLiteral
LexerInvalidLiteral LexerInvalidOperator LikeInvalidInputs MalformedXML
MaxOperatorsExceeded MethodNotAllowed MissingRequiredParameter
MultipleDataSourcesUnsupported NumberFormatError ObjectSerializationConflict OverMaxColumn
OverMaxParquetBlockSize OverMaxRecordSize ParquetParsingError
ParquetUnsupportedCompressionCodec ParseAsteriskIsNotAloneInSelectList
ParseCannotMixSqbAndWildcardInSelectList ParseCastArity ParseEmptySelect
ParseExpected2TokenTypes ParseExpectedArgumentDelimiter ParseExpectedDatePart
ParseExpectedExpression ParseExpectedIdentForAlias ParseExpectedIdentForAt
ParseExpectedIdentForGroupName ParseExpectedKeyword ParseExpectedLeftParenAfterCast
ParseExpectedLeftParenBuiltinFunctionCall ParseExpectedLeftParenValueConstructor
ParseExpectedMember ParseExpectedNumber ParseExpectedRightParenBuiltinFunctionCall
ParseExpectedTokenType ParseExpectedTypeName ParseExpectedWhenClause
ParseInvalidContextForWildcardInSelectList ParseInvalidPathComponent ParseInvalidTypeParam
ParseMalformedJoin ParseMissingIdentAfterAt ParseNonUnaryAgregateFunctionCall
ParseSelectMissingFrom ParseUnExpectedKeyword ParseUnexpectedOperator ParseUnexpectedTerm
ParseUnexpectedToken ParseUnknownOperator ParseUnsupportedAlias
ParseUnsupportedCallWithStar ParseUnsupportedCase ParseUnsupportedCaseClause
ParseUnsupportedLiteralsGroupBy ParseUnsupportedSelect ParseUnsupportedSyntax
ParseUnsupportedToken TruncatedInput UnauthorizedAccess UnrecognizedFormatException
UnsupportedFunction UnsupportedParquetType UnsupportedRangeHeader
UnsupportedScanRangeInput UnsupportedSqlOperation UnsupportedSqlStructure
UnsupportedStorageClass UnsupportedSyntax UnsupportedTypeForQuerying ValueParseFailure
`
