package fake_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/fake"
)

// TestPQ38SelectParquetTypesOverTheWire: aws-sdk-go-v2's
// SelectObjectContent over a DuckDB-written Parquet object
// (sqlselect/testdata/parquet) answers DECIMAL with its digits, TIMESTAMP
// in each unit and DATE as S3's timestamp text, in JSON and CSV records;
// a column of INT96 timestamps ("unsupported" on S3's data-types page) is
// 400 UnsupportedParquetType only for a query that reads it,
// UnsupportedTypeForQuerying for one that compares it.
func TestPQ38SelectParquetTypesOverTheWire(t *testing.T) {
	srv := fake.New(t, fake.WithBuckets("pq38"))
	c := awsClient(srv, srv.URL, true, true)
	ctx := context.Background()
	duck, err := os.ReadFile("../sqlselect/testdata/parquet/duckdb-snappy.parquet")
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("pq38"), Key: aws.String("duck.parquet"), Body: bytes.NewReader(duck)})
	require.NoError(t, err)

	sel := func(key, sql string, out *types.OutputSerialization) (string, error) {
		resp, err := c.SelectObjectContent(ctx, &s3.SelectObjectContentInput{
			Bucket: aws.String("pq38"), Key: aws.String(key), Expression: aws.String(sql), ExpressionType: types.ExpressionTypeSql,
			InputSerialization:  &types.InputSerialization{Parquet: &types.ParquetInput{}},
			OutputSerialization: out,
		})
		if err != nil {
			return "", err
		}
		stream := resp.GetStream()
		defer stream.Close()
		var b strings.Builder
		for ev := range stream.Events() {
			if r, ok := ev.(*types.SelectObjectContentEventStreamMemberRecords); ok {
				b.Write(r.Value.Payload)
			}
		}
		return b.String(), stream.Err()
	}
	jsonOut := &types.OutputSerialization{JSON: &types.JSONOutput{}}
	csvOut := &types.OutputSerialization{CSV: &types.CSVOutput{}}

	got, err := sel("duck.parquet", `SELECT s.d2, s.d18, s.d38, s.ts_ms, s.ts_us, s.ts_ns, s."day" FROM S3Object s WHERE s.id < 3`, jsonOut)
	require.NoError(t, err)
	require.Equal(t, `{"d2":1.50,"d18":123456789.123,"d38":12345678901234567890.123456789,"ts_ms":"2024-02-29T13:14:15.123Z","ts_us":"2024-02-29T13:14:15.123456Z","ts_ns":"2024-02-29T13:14:15.123456789Z","day":"2024-02-29T"}`+"\n"+
		`{"d2":-0.05,"d18":-1.000,"d38":-0.000000001,"ts_ms":"1969-12-31T23:59:59.999Z","ts_us":"9999-12-31T23:59:59.999999Z","ts_ns":"1677-09-22T00:00:00.000000000Z","day":"0001-01-01T"}`+"\n", got)

	got, err = sel("duck.parquet", "SELECT s.id, s.d2, CAST(s.d38 AS STRING), s.ts_us FROM S3Object s WHERE s.d18 < 0 OR s.ts_ms > `2024-01-01T`", csvOut)
	require.NoError(t, err)
	require.Equal(t, "1,1.50,12345678901234567890.123456789,2024-02-29T13:14:15.123456Z\n2,-0.05,-0.000000001,9999-12-31T23:59:59.999999Z\n", got)

	got, err = sel("duck.parquet", `SELECT MAX(s.d38), MIN(s."day"), SUM(s.id) FROM S3Object s`, csvOut)
	require.NoError(t, err)
	require.Equal(t, "12345678901234567890.123456789,0001-01-01T,6\n", got)

	// INT96: an old writer's timestamps beside a column of its own.
	var old bytes.Buffer
	w := parquet.NewWriter(&old, parquet.NewSchema("r", parquet.Group{"n": parquet.Int(64), "t": parquet.Leaf(parquet.Int96Type)}))
	require.NoError(t, w.Write(map[string]any{"n": int64(7), "t": deprecated.Int96{1, 2, 3}}))
	require.NoError(t, w.Close())
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("pq38"), Key: aws.String("int96.parquet"), Body: bytes.NewReader(old.Bytes())})
	require.NoError(t, err)
	got, err = sel("int96.parquet", "SELECT s.n FROM S3Object s", csvOut)
	require.NoError(t, err)
	require.Equal(t, "7\n", got)
	// A comparison of it is UnsupportedTypeForQuerying, the code whose
	// text gives "verifying that a Parquet INT96 column type is greater
	// than 0" as its example (pq39).
	for sql, code := range map[string]string{"SELECT * FROM S3Object": "UnsupportedParquetType",
		"SELECT s.n FROM S3Object s WHERE s.t > 0": "UnsupportedTypeForQuerying"} {
		_, err = sel("int96.parquet", sql, csvOut)
		var ae smithy.APIError
		require.True(t, errors.As(err, &ae), "%s: %v", sql, err)
		require.Equal(t, code, ae.ErrorCode(), sql)
		var re interface{ HTTPStatusCode() int }
		require.True(t, errors.As(err, &re), sql)
		require.Equal(t, 400, re.HTTPStatusCode(), sql)
	}
}
