package httpapi_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSelectMultiByteCSVSettings: AWS documents every CSV setting of
// SelectObjectContent as "a single character", and a character of the
// XML request is a code point, so a multi-byte UTF-8 character is one.
// MinIO's mint sends FieldDelimiter "╦" (aws-sdk-go-v2) and QuoteCharacter
// "ع" (minio-py); osslite refused both as longer than a byte.
func TestSelectMultiByteCSVSettings(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("mbsel")})
	require.NoError(t, err)
	body := "name╦note\nعaliceع╦عa╦bع\nbob╦x═y\n"
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("mbsel"), Key: aws.String("t.csv"), Body: bytes.NewReader([]byte(body))})
	require.NoError(t, err)

	res, err := runSelect(t, c, &s3.SelectObjectContentInput{
		Bucket: aws.String("mbsel"), Key: aws.String("t.csv"),
		Expression: aws.String("SELECT s.note, s.name FROM S3Object s"), ExpressionType: types.ExpressionTypeSql,
		InputSerialization: &types.InputSerialization{CSV: &types.CSVInput{
			FileHeaderInfo: types.FileHeaderInfoUse, FieldDelimiter: aws.String("╦"), QuoteCharacter: aws.String("ع"),
		}},
		OutputSerialization: &types.OutputSerialization{CSV: &types.CSVOutput{
			FieldDelimiter: aws.String("╦"), QuoteCharacter: aws.String("ع"),
		}},
	})
	require.NoError(t, err)
	// "a╦b" holds the delimiter and is quoted; "x═y" shares its first two
	// bytes with it and is not.
	assert.Equal(t, "عa╦bع╦alice\nx═y╦bob\n", res.records)
	assert.True(t, res.end)

	// Two characters are still refused.
	_, err = runSelect(t, c, &s3.SelectObjectContentInput{
		Bucket: aws.String("mbsel"), Key: aws.String("t.csv"),
		Expression: aws.String("SELECT * FROM S3Object"), ExpressionType: types.ExpressionTypeSql,
		InputSerialization:  &types.InputSerialization{CSV: &types.CSVInput{FieldDelimiter: aws.String("╦╦")}},
		OutputSerialization: &types.OutputSerialization{CSV: &types.CSVOutput{}},
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "InvalidRequestParameter")
}
