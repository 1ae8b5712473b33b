package fake_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/fake"
)

// TestSel40MaxOperatorsBeforeAnyRecord: S3 documents MaxOperatorsExceeded
// as a parse failure, and a client reading SelectObjectContent gets a
// parse failure as the request's error. A statement of 16,386 operators
// whose first condition matches every record was refused only by the
// evaluation budget, while the records were read: aws-sdk-go-v2 opened
// the stream, received 777 records (1,554 bytes) and then the error
// event. It is now 400 MaxOperatorsExceeded before the stream.
func TestSel40MaxOperatorsBeforeAnyRecord(t *testing.T) {
	srv := fake.New(t, fake.WithBuckets("sel40"))
	c := awsClient(srv, srv.URL, true, true)
	ctx := context.Background()
	line := "a" + strings.Repeat(",x", 99) + "\n"
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("sel40"), Key: aws.String("a.csv"),
		Body: strings.NewReader(strings.Repeat(line, 5000))})
	require.NoError(t, err)

	sel := func(sql string) (string, error) {
		resp, err := c.SelectObjectContent(ctx, &s3.SelectObjectContentInput{
			Bucket: aws.String("sel40"), Key: aws.String("a.csv"), Expression: aws.String(sql), ExpressionType: types.ExpressionTypeSql,
			InputSerialization:  &types.InputSerialization{CSV: &types.CSVInput{}},
			OutputSerialization: &types.OutputSerialization{CSV: &types.CSVOutput{}},
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
	where := func(terms int) string {
		return "SELECT s._1 FROM S3Object s WHERE s._1 = 'a'" + strings.Repeat(" OR s._2 = 'y'", terms-1)
	}

	got, err := sel(where(8193)) // 16,385 operators
	require.Error(t, err, "no error event")
	assert.Empty(t, len(got), "bytes of records before the error")
	var re *smithyhttp.ResponseError
	require.True(t, errors.As(err, &re), "%v", err)
	assert.Equal(t, http.StatusBadRequest, re.HTTPStatusCode())
	assert.Contains(t, err.Error(), "MaxOperatorsExceeded")

	// Within the bound the same shape runs; over these 200-byte records
	// the budget has room for it.
	got, err = sel(where(100))
	require.NoError(t, err)
	assert.Equal(t, strings.Repeat("a\n", 5000), got)
}
