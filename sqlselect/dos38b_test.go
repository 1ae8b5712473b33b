package sqlselect_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/sqlselect"
)

// TestDos38bDecompressionRatioIsBounded: a BZIP2 object of 1,110 bytes
// (testdata/dos38b_1g_rows.csv.bz2, written by
// `python3 -c "import sys; sys.stdout.buffer.write((b'a'*1000+b'\n')*10**6)" | bzip2 -9`)
// decodes to a million 1,001-byte records, 1 GB: bzip2's run-length
// stage names runs of up to 255 bytes in 5, so each 900 KB block holds
// 45 MB. count(*) over it took 3.8 s of a core; a 1 MB object of such
// blocks would take an hour, for every query a reader sends. ZSTD's RLE
// blocks (4 bytes for 128 KiB) do the same at 32,768:1. Input may now
// decompress to RunOptions.MaxDecompressionRatio (1032, DEFLATE's
// maximum) times its compressed bytes plus 64 MiB; GZIP at its maximum
// ratio still runs.
func TestDos38bDecompressionRatioIsBounded(t *testing.T) {
	q, err := sqlselect.Parse("SELECT count(*) FROM S3Object")
	require.NoError(t, err)
	run := func(data []byte, c sqlselect.Compression, opts *sqlselect.RunOptions) (string, error) {
		var out bytes.Buffer
		_, err := q.Run(context.Background(), sqlselect.Source{Reader: bytes.NewReader(data)},
			sqlselect.Input{Format: sqlselect.FormatCSV, Compression: c}, sqlselect.Output{}, &out, opts)
		return out.String(), err
	}

	bomb, err := os.ReadFile("testdata/dos38b_1g_rows.csv.bz2")
	require.NoError(t, err)
	require.Less(t, len(bomb), 2<<10)
	start := time.Now()
	_, err = run(bomb, sqlselect.CompressionBZIP2, nil)
	assert.ErrorIs(t, err, sqlselect.ErrTruncatedInput)
	assert.ErrorContains(t, err, "1032 times")
	bound := 2 * time.Second
	if raceEnabled {
		bound *= 10
	}
	assert.Less(t, time.Since(start), bound)

	zbomb := rleZSTD(17, 256<<20) // 256 MiB of '\n' in 8 KiB
	_, err = run(zbomb, sqlselect.CompressionZSTD, nil)
	assert.ErrorIs(t, err, sqlselect.ErrTruncatedInput)
	if raceEnabled {
		return // what follows decodes 256 MiB and 80 MB: minutes under the race detector
	}
	got, err := run(zbomb, sqlselect.CompressionZSTD, &sqlselect.RunOptions{MaxDecompressionRatio: 1 << 16})
	require.NoError(t, err, "within a raised bound")
	assert.Equal(t, "0\n", got)

	// GZIP past the slack, at a ratio of about 300: it runs.
	var gz bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
	require.NoError(t, err)
	block := bytes.Repeat(append(bytes.Repeat([]byte("a"), 1000), '\n'), 1000)
	for range 80 {
		_, _ = zw.Write(block)
	}
	require.NoError(t, zw.Close())
	require.Greater(t, 80*len(block), 64<<20)
	t.Logf("GZIP: %d bytes from %d", gz.Len(), 80*len(block))
	got, err = run(gz.Bytes(), sqlselect.CompressionGZIP, nil)
	require.NoError(t, err)
	assert.Equal(t, "80000\n", got)
}

// TestDos38bSplitRangeToTheLargestLast: OSS's split-range=0-N takes any
// N up to math.MaxInt64 (a last beyond the end is cut to the last
// split), but SplitRange added one to it before comparing: the sum
// wrapped negative and indexed the splits with it, a panic (500) for
// `split-range=0-9223372036854775807`.
func TestDos38bSplitRangeToTheLargestLast(t *testing.T) {
	m := sqlselect.Meta{Rows: 4, Splits: []sqlselect.Split{{Offset: 0, Line: 0}, {Offset: 10, Line: 2}}}
	for _, first := range []int64{0, 1} {
		r, err := m.SplitRange(first, math.MaxInt64)
		require.NoError(t, err)
		assert.Equal(t, m.Splits[first].Offset, r.Start)
		assert.False(t, r.HasEnd, "to the end of the object")
	}
	r, err := m.SplitRange(0, 0)
	require.NoError(t, err)
	assert.Equal(t, sqlselect.ScanRange{Start: 0, HasStart: true, End: 9, HasEnd: true}, *r)
	l, err := m.LineRange(1, math.MaxInt64)
	require.NoError(t, err)
	assert.Equal(t, int64(3), l.Last)
}

// TestDos38bWideRecordsAreLinear: a path step scanned every member of
// the struct it named, and struct equality looked each member of one
// side up by a scan of the other's, so the cost of one 1 MB JSON record
// was its members times the query's paths, or its members squared:
// 20,000 "s.c = 1 OR" (220 KB of the 256 KiB an expression may have) over
// a record of 160,000 members took 10 s, and "s.x = s.y" over two
// objects of 45,000 members 2.6 s, for each such record of an object.
// An object of 32 members or more searched four times or more is now
// indexed by name (and by its case-folded name, so an unquoted S3 name
// that matches two members is still AmbiguousFieldName).
func TestDos38bWideRecordsAreLinear(t *testing.T) {
	run := func(expr, rec string) (string, time.Duration, error) {
		// 20,000 paths on purpose, past the operator bound (sel40).
		q, err := sqlselect.ParseWith(expr, sqlselect.ParseOptions{MaxOperators: -1})
		require.NoError(t, err)
		in := sqlselect.Input{Format: sqlselect.FormatJSON}
		in.JSON.Type = sqlselect.JSONLines
		var out bytes.Buffer
		start := time.Now()
		_, err = q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader(rec)}, in, sqlselect.Output{}, &out, nil)
		return out.String(), time.Since(start), err
	}
	bound := 2 * time.Second
	if raceEnabled {
		bound *= 10
	}

	wide := "{" + strings.Repeat(`"a":0,`, 160_000) + `"B":1}` + "\n"
	expr := "SELECT count(*) FROM S3Object s WHERE " + strings.Repeat("s.c = 1 OR ", 20_000) + "s.b = 1"
	require.Less(t, len(wide), 1<<20)
	require.Less(t, len(expr), 256<<10)
	got, took, err := run(expr, wide)
	require.NoError(t, err)
	assert.Equal(t, "1\n", got, "s.b finds B, ignoring case")
	assert.Less(t, took, bound, "paths times members")
	_, _, err = run("SELECT count(*) FROM S3Object s WHERE "+strings.Repeat("s.c = 1 OR ", 10)+"s.A = 0", wide)
	assert.ErrorIs(t, err, sqlselect.ErrAmbiguousFieldName, "160,000 members fold to a")
	got, _, err = run("SELECT count(*) FROM S3Object s WHERE "+strings.Repeat("s.c = 1 OR ", 10)+`s."B" = 1 AND s."b" IS MISSING`, wide)
	require.NoError(t, err)
	assert.Equal(t, "1\n", got, "quoted names match exactly")

	var b strings.Builder
	for i := range 45_000 {
		b.WriteString(`"` + strconv.Itoa(i) + `":0,`)
	}
	obj := "{" + strings.TrimSuffix(b.String(), ",") + "}"
	got, took, err = run("SELECT count(*) FROM S3Object s WHERE s.x = s.y", `{"x":`+obj+`,"y":`+obj+"}\n")
	require.NoError(t, err)
	assert.Equal(t, "1\n", got)
	assert.Less(t, took, bound, "members squared")
	other := strings.Replace(obj, `"44999":0`, `"44999":1`, 1)
	got, _, err = run("SELECT count(*) FROM S3Object s WHERE s.x = s.y", `{"x":`+obj+`,"y":`+other+"}\n")
	require.NoError(t, err)
	assert.Equal(t, "0\n", got, "one member differs")
}

// TestDos38bConcatIsBounded: each || of a chain copied the string so far,
// so "s.x || s.x || ..." over a field of 1 MB grew by a MB a step: 3,000
// of them (a 21 KB expression) asked for 3 GB at once and the process died
// out of memory ("fatal error: out of memory" under ulimit -v 4000000),
// and over a 1-byte field 30,000 of them (210 KB) copied 460 MB for every
// record. A chain is now one operation that builds its string once, and
// no || makes a string over 1 MiB (the record limit; no concatenation of
// one record's own fields exceeds it): OverMaxRecordSize.
func TestDos38bConcatIsBounded(t *testing.T) {
	run := func(expr, rec string) (string, uint64, error) {
		// 30,000 || on purpose, past the operator bound (sel40).
		q, err := sqlselect.ParseWith(expr, sqlselect.ParseOptions{MaxOperators: -1})
		require.NoError(t, err)
		in := sqlselect.Input{Format: sqlselect.FormatJSON}
		in.JSON.Type = sqlselect.JSONLines
		var out bytes.Buffer
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		_, err = q.Run(context.Background(), sqlselect.Source{Reader: strings.NewReader(rec)}, in, sqlselect.Output{}, &out, nil)
		runtime.ReadMemStats(&m1)
		return out.String(), m1.TotalAlloc - m0.TotalAlloc, err
	}
	big := `{"x":"` + strings.Repeat("a", 1_000_000) + `"}` + "\n"
	_, alloc, err := run("SELECT count(*) FROM S3Object s WHERE CHAR_LENGTH(s.x"+strings.Repeat(" || s.x", 100)+") > 0", big)
	assert.ErrorIs(t, err, sqlselect.ErrOverMaxRecordSize)
	assert.Less(t, alloc, uint64(32<<20), "bytes allocated")

	small := `{"x":"a"}` + "\n"
	got, alloc, err := run("SELECT CHAR_LENGTH(s.x"+strings.Repeat(" || s.x", 30_000)+") FROM S3Object s", strings.Repeat(small, 10))
	require.NoError(t, err)
	assert.Equal(t, strings.Repeat("30001\n", 10), got)
	assert.Less(t, alloc, uint64(64<<20), "bytes allocated")

	// The chain's rules are the binary operator's, from the left.
	for expr, want := range map[string]string{
		"s.x || 'b' || s.x":        "aba",
		"s.x || (s.x || 'c')":      "aac",
		"s.x || NULL || s.nope":    "",
		"s.nope || NULL":           "",
		"CAST(s.x || NULL AS INT)": "",
	} {
		got, _, err := run("SELECT "+expr+" FROM S3Object s", small)
		require.NoError(t, err, expr)
		assert.Equal(t, want+"\n", got, expr)
	}
	for _, expr := range []string{"s.x || 1", "1 || s.x", "s.x || 'b' || 2"} {
		_, _, err := run("SELECT "+expr+" FROM S3Object s", small)
		assert.ErrorIs(t, err, sqlselect.ErrInvalidDataType, expr)
	}
	_, _, err = run("SELECT s.nope || 1 FROM S3Object s", small)
	require.NoError(t, err, "MISSING || 1 is MISSING, as before")
}
