package httpapi_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/httpapi"
)

// TestS3RestoreObject drives S3's archive restores through aws-sdk-go-v2:
// a GLACIER object cannot be read until RestoreObject (202) makes a copy
// readable after the engine's restore delay (one minute by default) for
// Days; HEAD shows x-amz-restore, listings RestoreStatus; a second
// restore while one runs is 409, one after it extends the copy (200).
func TestS3RestoreObject(t *testing.T) {
	// The clock moves by days; the SDK signs with the real time.
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{func(c *httpapi.Config) { c.MaxSkew = 30 * 24 * time.Hour }}})
	c := f.client()
	ctx := context.Background()
	const bk = "cold"
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bk)})
	require.NoError(t, err)
	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bk),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bk), Key: aws.String("frozen"),
		Body: strings.NewReader("ice"), StorageClass: types.StorageClassGlacier})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bk), Key: aws.String("warm"), Body: strings.NewReader("sun")})
	require.NoError(t, err)

	// An archived object is not readable, nor copyable, until restored.
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bk), Key: aws.String("frozen")})
	var ios *types.InvalidObjectState
	require.ErrorAs(t, err, &ios)
	assert.Equal(t, types.StorageClassGlacier, ios.StorageClass)
	assert.Equal(t, "The operation is not valid for the object's storage class", ios.ErrorMessage())
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(bk), Key: aws.String("copy"), CopySource: aws.String(bk + "/frozen")})
	requireCode(t, err, "InvalidObjectState")
	assert.Contains(t, err.Error(), "source object's storage class")
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bk), Key: aws.String("frozen")})
	require.NoError(t, err)
	assert.Equal(t, types.StorageClassGlacier, head.StorageClass)
	assert.Nil(t, head.Restore)

	restoreVersion := func(key string, version *string, req *types.RestoreRequest) (int, error) {
		out, err := c.RestoreObject(ctx, &s3.RestoreObjectInput{Bucket: aws.String(bk), Key: aws.String(key), VersionId: version, RestoreRequest: req})
		if err != nil {
			return 0, err
		}
		return awsmiddleware.GetRawResponse(out.ResultMetadata).(*smithyhttp.Response).StatusCode, nil
	}
	restore := func(key string, req *types.RestoreRequest) (int, error) { return restoreVersion(key, nil, req) }
	days := func(n int32) *types.RestoreRequest {
		return &types.RestoreRequest{Days: aws.Int32(n), GlacierJobParameters: &types.GlacierJobParameters{Tier: types.TierBulk}}
	}

	// Refusals, each changing nothing.
	_, err = restore("warm", days(1))
	requireCode(t, err, "InvalidObjectState")
	assert.Contains(t, err.Error(), "Restore is not allowed for the object's current storage class")
	_, err = restore("frozen", &types.RestoreRequest{}) // no Days
	requireCode(t, err, "MalformedXML")
	_, err = restore("frozen", nil)
	requireCode(t, err, "MalformedXML")
	_, err = restore("frozen", &types.RestoreRequest{Days: aws.Int32(1), Tier: types.TierBulk}) // a SELECT restore's Tier
	requireCode(t, err, "MalformedXML")
	_, err = restore("frozen", &types.RestoreRequest{Type: types.RestoreRequestTypeSelect})
	requireCode(t, err, "NotImplemented")
	_, err = restore("frozen", &types.RestoreRequest{Days: aws.Int32(0)})
	requireCode(t, err, "InvalidArgument")
	_, err = restore("missing", days(1))
	requireCode(t, err, "NoSuchKey")
	_, err = restoreVersion("frozen", aws.String("nope"), days(1))
	requireCode(t, err, "InvalidArgument")
	head, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bk), Key: aws.String("frozen")})
	require.NoError(t, err)
	assert.Nil(t, head.Restore, "a refused restore started nothing")

	// A restore starts (202) and runs for the engine's restore delay.
	status, err := restore("frozen", days(2))
	require.NoError(t, err)
	assert.Equal(t, http.StatusAccepted, status)
	_, err = restore("frozen", days(3))
	requireCode(t, err, "RestoreAlreadyInProgress")
	head, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bk), Key: aws.String("frozen")})
	require.NoError(t, err)
	assert.Equal(t, `ongoing-request="true"`, aws.ToString(head.Restore))
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bk), Key: aws.String("frozen")})
	requireCode(t, err, "InvalidObjectState")
	listed := func() (*types.RestoreStatus, *types.RestoreStatus) {
		t.Helper()
		l, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bk),
			OptionalObjectAttributes: []types.OptionalObjectAttributes{types.OptionalObjectAttributesRestoreStatus}})
		require.NoError(t, err)
		require.Len(t, l.Contents, 2)
		assert.Nil(t, l.Contents[1].RestoreStatus, "warm has no restore")
		v, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(bk),
			OptionalObjectAttributes: []types.OptionalObjectAttributes{types.OptionalObjectAttributesRestoreStatus}})
		require.NoError(t, err)
		require.Len(t, v.Versions, 2)
		return l.Contents[0].RestoreStatus, v.Versions[0].RestoreStatus
	}
	ls, vs := listed()
	require.NotNil(t, ls)
	assert.True(t, aws.ToBool(ls.IsRestoreInProgress))
	require.NotNil(t, vs)
	assert.True(t, aws.ToBool(vs.IsRestoreInProgress))
	plain, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bk)})
	require.NoError(t, err)
	assert.Nil(t, plain.Contents[0].RestoreStatus, "RestoreStatus only when asked for")

	// Ready: readable for Days from then.
	f.clock.Advance(2 * time.Minute)
	head, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bk), Key: aws.String("frozen")})
	require.NoError(t, err)
	assert.Contains(t, aws.ToString(head.Restore), `ongoing-request="false", expiry-date="`)
	assert.Equal(t, types.StorageClassGlacier, head.StorageClass, "a restored object stays archived")
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bk), Key: aws.String("frozen")})
	require.NoError(t, err)
	body, err := io.ReadAll(got.Body)
	require.NoError(t, err)
	got.Body.Close()
	assert.Equal(t, "ice", string(body))
	assert.Contains(t, aws.ToString(got.Restore), `ongoing-request="false"`)
	ls, vs = listed()
	require.NotNil(t, ls)
	assert.False(t, aws.ToBool(ls.IsRestoreInProgress))
	require.NotNil(t, ls.RestoreExpiryDate)
	// Days after the copy was ready, rounded up to midnight UTC (S3).
	exp := ls.RestoreExpiryDate.UTC()
	assert.True(t, exp.Equal(exp.Truncate(24*time.Hour)), "expiry %v at midnight", exp)
	ready := f.clock.Now().Add(-time.Minute)
	assert.True(t, !exp.Before(ready.Add(2*24*time.Hour)) && exp.Before(ready.Add(3*24*time.Hour)), "expiry %v for a copy ready at %v", exp, ready)
	assert.Contains(t, aws.ToString(head.Restore), exp.Format(http.TimeFormat))
	require.NotNil(t, vs)
	assert.Equal(t, ls.RestoreExpiryDate.Unix(), vs.RestoreExpiryDate.Unix())
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(bk), Key: aws.String("thawed"), CopySource: aws.String(bk + "/frozen")})
	require.NoError(t, err, "a restored copy can be copied")

	// Restoring a restored copy extends it (200).
	status, err = restore("frozen", days(5))
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, status)
	f.clock.Advance(4 * 24 * time.Hour)
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bk), Key: aws.String("frozen"), VersionId: put.VersionId})
	require.NoError(t, err)
	got, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bk), Key: aws.String("frozen")})
	require.NoError(t, err, "still within the extended 5 days")
	got.Body.Close()

	// Expired: archived again.
	f.clock.Advance(2 * 24 * time.Hour)
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bk), Key: aws.String("frozen")})
	require.True(t, errors.As(err, &ios), "%v", err)
	head, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bk), Key: aws.String("frozen")})
	require.NoError(t, err)
	assert.Nil(t, head.Restore)

	// A version is restored by its ID.
	status, err = restoreVersion("frozen", put.VersionId, days(1))
	require.NoError(t, err)
	assert.Equal(t, http.StatusAccepted, status)

	// Listing attributes other than RestoreStatus are refused.
	resp := f.do(t, raw{method: "GET", path: "/" + bk + "?list-type=2", header: http.Header{"X-Amz-Optional-Object-Attributes": {"Color"}}})
	assert.Equal(t, 400, resp.StatusCode)
	assert.Equal(t, "InvalidArgument", resp.errCode())
}
