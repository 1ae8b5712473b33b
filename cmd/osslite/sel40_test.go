package main

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSel40SelectWorkFlagReachesTheRun: the select evaluation budget
// (sqlselect.RunOptions.MaxWorkPerByte) could be raised by a library
// user only; -select-max-work-per-byte sets it for the server's
// SelectObjectContent (and OSS SelectObject). 300 "UPPER(s._1) = 'a'
// OR" over one record of 1 MiB is refused at the default 256 units a
// byte and answered at 1024.
func TestSel40SelectWorkFlagReachesTheRun(t *testing.T) {
	if testing.Short() {
		t.Skip("two servers and two 1 MiB selects")
	}
	sel := func(args ...string) (string, error) {
		url, _, _ := start(t, args...)
		c := client(url, defaultAccessKey, defaultSecretKey)
		ctx := context.Background()
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("sel40")})
		require.NoError(t, err)
		_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("sel40"), Key: aws.String("one.csv"),
			Body: strings.NewReader(strings.Repeat("a", 1<<20-1) + "\n")})
		require.NoError(t, err)
		resp, err := c.SelectObjectContent(ctx, &s3.SelectObjectContentInput{
			Bucket: aws.String("sel40"), Key: aws.String("one.csv"), ExpressionType: types.ExpressionTypeSql,
			Expression:          aws.String("SELECT count(*) FROM S3Object s WHERE " + strings.Repeat("UPPER(s._1) = 'a' OR ", 300) + "FALSE"),
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
	_, err := sel()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "MaxOperatorsExceeded")
	got, err := sel("-select-max-work-per-byte", "1024")
	require.NoError(t, err)
	assert.Equal(t, "0\n", got)
}
