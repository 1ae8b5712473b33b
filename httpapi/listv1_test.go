package httpapi_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestListObjectsV1Paging: S3's ListObjects (v1) answers NextMarker only
// to a listing with a delimiter; without one a client continues from the
// page's last Key (decoded, with encoding-type=url). Paging either way
// lists every key once, keys that need encoding included.
func TestListObjectsV1Paging(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("listv1")})
	require.NoError(t, err)
	keys := []string{"a/1", "a/per%cent", "a/plus+key", "a/space key", "a/é", "b/x", "b/y", "c"}
	for _, k := range keys {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("listv1"), Key: aws.String(k), Body: strings.NewReader(k)})
		require.NoError(t, err)
	}
	for _, enc := range []types.EncodingType{"", types.EncodingTypeUrl} {
		var got []string
		marker := ""
		for page := 0; ; page++ {
			require.Less(t, page, 10)
			out, err := c.ListObjects(ctx, &s3.ListObjectsInput{Bucket: aws.String("listv1"), MaxKeys: aws.Int32(2), Marker: aws.String(marker), EncodingType: enc})
			require.NoError(t, err)
			assert.Nil(t, out.NextMarker, "no NextMarker without a delimiter")
			for _, o := range out.Contents {
				k := aws.ToString(o.Key)
				if enc != "" { // aws-sdk-go-v2 leaves url-encoded keys to the caller
					k, err = url.QueryUnescape(k)
					require.NoError(t, err)
				}
				got = append(got, k)
			}
			if !aws.ToBool(out.IsTruncated) {
				break
			}
			marker = got[len(got)-1]
		}
		assert.Equal(t, keys, got, "encoding %q", enc)
	}

	// With a delimiter, NextMarker names the last key or common prefix.
	out, err := c.ListObjects(ctx, &s3.ListObjectsInput{Bucket: aws.String("listv1"), MaxKeys: aws.Int32(1), Delimiter: aws.String("/")})
	require.NoError(t, err)
	require.True(t, aws.ToBool(out.IsTruncated))
	assert.Equal(t, "a/", aws.ToString(out.NextMarker))
	out, err = c.ListObjects(ctx, &s3.ListObjectsInput{Bucket: aws.String("listv1"), MaxKeys: aws.Int32(1), Delimiter: aws.String("/"), Marker: out.NextMarker})
	require.NoError(t, err)
	assert.Equal(t, "b/", aws.ToString(out.NextMarker))
	require.Len(t, out.CommonPrefixes, 1)
	assert.Equal(t, "b/", aws.ToString(out.CommonPrefixes[0].Prefix))
}
