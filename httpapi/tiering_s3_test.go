package httpapi_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/osslite/osslite/httpapi"
	"github.com/stretchr/testify/require"
)

// TestS3IntelligentTiering: Intelligent-Tiering archive configurations
// through aws-sdk-go-v2, stored with S3's checks and executed on the
// engine clock: an INTELLIGENT_TIERING object the filter selects moves to
// the Archive Access tier after its days without a read (HEAD says so in
// x-amz-archive-status, GET answers InvalidObjectState naming the tier)
// and comes back to the Frequent Access tier with a restore without Days.
func TestS3IntelligentTiering(t *testing.T) {
	// The client signs with the real time while the engine's runs ahead.
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{func(c *httpapi.Config) { c.MaxSkew = 400 * 24 * time.Hour }}})
	c := f.client()
	ctx := context.Background()
	b := aws.String("tiering")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b})
	require.NoError(t, err)
	cfg := &types.IntelligentTieringConfiguration{Id: aws.String("logs"), Status: types.IntelligentTieringStatusEnabled,
		Filter: &types.IntelligentTieringFilter{Prefix: aws.String("logs/")},
		Tierings: []types.Tiering{{AccessTier: types.IntelligentTieringAccessTierArchiveAccess, Days: aws.Int32(90)},
			{AccessTier: types.IntelligentTieringAccessTierDeepArchiveAccess, Days: aws.Int32(180)}}}
	_, err = c.PutBucketIntelligentTieringConfiguration(ctx, &s3.PutBucketIntelligentTieringConfigurationInput{Bucket: b, Id: cfg.Id, IntelligentTieringConfiguration: cfg})
	require.NoError(t, err)
	got, err := c.GetBucketIntelligentTieringConfiguration(ctx, &s3.GetBucketIntelligentTieringConfigurationInput{Bucket: b, Id: cfg.Id})
	require.NoError(t, err)
	require.Equal(t, "logs", aws.ToString(got.IntelligentTieringConfiguration.Id))
	require.Equal(t, "logs/", aws.ToString(got.IntelligentTieringConfiguration.Filter.Prefix))
	require.Equal(t, types.IntelligentTieringStatusEnabled, got.IntelligentTieringConfiguration.Status)
	require.Len(t, got.IntelligentTieringConfiguration.Tierings, 2)
	require.Equal(t, int32(180), aws.ToInt32(got.IntelligentTieringConfiguration.Tierings[1].Days))

	// A second, disabled one with a tag filter; List pages both.
	off := &types.IntelligentTieringConfiguration{Id: aws.String("off"), Status: types.IntelligentTieringStatusDisabled,
		Filter:   &types.IntelligentTieringFilter{Tag: &types.Tag{Key: aws.String("k"), Value: aws.String("v")}},
		Tierings: []types.Tiering{{AccessTier: types.IntelligentTieringAccessTierArchiveAccess, Days: aws.Int32(90)}}}
	_, err = c.PutBucketIntelligentTieringConfiguration(ctx, &s3.PutBucketIntelligentTieringConfigurationInput{Bucket: b, Id: off.Id, IntelligentTieringConfiguration: off})
	require.NoError(t, err)
	list, err := c.ListBucketIntelligentTieringConfigurations(ctx, &s3.ListBucketIntelligentTieringConfigurationsInput{Bucket: b})
	require.NoError(t, err)
	require.Len(t, list.IntelligentTieringConfigurationList, 2)
	require.Equal(t, "v", aws.ToString(list.IntelligentTieringConfigurationList[1].Filter.Tag.Value))
	require.False(t, aws.ToBool(list.IsTruncated))

	// What S3 refuses.
	bad := *cfg
	bad.Tierings = []types.Tiering{{AccessTier: types.IntelligentTieringAccessTierArchiveAccess, Days: aws.Int32(89)}}
	_, err = c.PutBucketIntelligentTieringConfiguration(ctx, &s3.PutBucketIntelligentTieringConfigurationInput{Bucket: b, Id: cfg.Id, IntelligentTieringConfiguration: &bad})
	requireCode(t, err, "InvalidArgument")
	require.ErrorContains(t, err, "Days specified in ARCHIVE_ACCESS tier should not be less than 90.")
	_, err = c.PutBucketIntelligentTieringConfiguration(ctx, &s3.PutBucketIntelligentTieringConfigurationInput{Bucket: b, Id: aws.String("other"), IntelligentTieringConfiguration: cfg})
	requireCode(t, err, "MalformedXML", "the Id is not the id parameter")
	_, err = c.GetBucketIntelligentTieringConfiguration(ctx, &s3.GetBucketIntelligentTieringConfigurationInput{Bucket: b, Id: aws.String("none")})
	requireCode(t, err, "NoSuchConfiguration")
	_, err = f.s3Client(true, otherAK, otherSK).GetBucketIntelligentTieringConfiguration(ctx, &s3.GetBucketIntelligentTieringConfigurationInput{Bucket: b, Id: cfg.Id})
	requireCode(t, err, "AccessDenied")

	body := bytes.Repeat([]byte("i"), 200<<10)
	for _, k := range []string{"logs/a", "logs/b", "other/a"} {
		_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String(k), Body: bytes.NewReader(body), StorageClass: types.StorageClassIntelligentTiering})
		require.NoError(t, err)
	}
	f.clock.Advance(60 * 24 * time.Hour)
	read := func(k string) error {
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String(k)})
		if err == nil {
			_, err = io.Copy(io.Discard, out.Body)
			out.Body.Close()
		}
		return err
	}
	require.NoError(t, read("logs/b"), "a read puts the move off")
	require.Eventually(t, func() bool { // recorded once the response is done
		info, err := f.eng.HeadObject(ctx, "tiering", "logs/b")
		return err == nil && !info.LastAccess.IsZero()
	}, 5*time.Second, time.Millisecond)
	f.clock.Advance(31 * 24 * time.Hour)
	_, err = f.eng.RunPending(ctx)
	require.NoError(t, err)

	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("logs/a")})
	require.NoError(t, err)
	require.Equal(t, types.ArchiveStatusArchiveAccess, head.ArchiveStatus)
	require.Equal(t, types.StorageClassIntelligentTiering, head.StorageClass)
	for _, k := range []string{"logs/b", "other/a"} {
		head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String(k)})
		require.NoError(t, err)
		require.Empty(t, head.ArchiveStatus, k)
	}
	err = read("logs/a")
	var ios *types.InvalidObjectState
	require.True(t, errors.As(err, &ios), "%v", err)
	require.Equal(t, types.IntelligentTieringAccessTierArchiveAccess, ios.AccessTier)
	require.Equal(t, types.StorageClassIntelligentTiering, ios.StorageClass)
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("copy"), CopySource: aws.String("tiering/logs/a")})
	requireCode(t, err, "InvalidObjectState")

	// A restore takes no Days and brings the object back.
	_, err = c.RestoreObject(ctx, &s3.RestoreObjectInput{Bucket: b, Key: aws.String("logs/a"), RestoreRequest: &types.RestoreRequest{Days: aws.Int32(3)}})
	requireCode(t, err, "InvalidArgument")
	require.ErrorContains(t, err, "INTELLIGENT_TIERING objects are not subject to restore expiry")
	_, err = c.RestoreObject(ctx, &s3.RestoreObjectInput{Bucket: b, Key: aws.String("logs/b"), RestoreRequest: &types.RestoreRequest{}})
	requireCode(t, err, "InvalidObjectState", "not in an archive tier")
	_, err = c.RestoreObject(ctx, &s3.RestoreObjectInput{Bucket: b, Key: aws.String("logs/a"), RestoreRequest: &types.RestoreRequest{}})
	require.NoError(t, err)
	head, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("logs/a")})
	require.NoError(t, err)
	require.Equal(t, `ongoing-request="true"`, aws.ToString(head.Restore))
	require.Error(t, read("logs/a"), "not readable while restoring")
	f.clock.Advance(24 * time.Hour)
	head, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("logs/a")})
	require.NoError(t, err)
	require.Empty(t, head.ArchiveStatus)
	require.Nil(t, head.Restore)
	require.NoError(t, read("logs/a"))

	_, err = c.DeleteBucketIntelligentTieringConfiguration(ctx, &s3.DeleteBucketIntelligentTieringConfigurationInput{Bucket: b, Id: cfg.Id})
	require.NoError(t, err)
	_, err = c.DeleteBucketIntelligentTieringConfiguration(ctx, &s3.DeleteBucketIntelligentTieringConfigurationInput{Bucket: b, Id: cfg.Id})
	requireCode(t, err, "NoSuchConfiguration")
	list, err = c.ListBucketIntelligentTieringConfigurations(ctx, &s3.ListBucketIntelligentTieringConfigurationsInput{Bucket: b})
	require.NoError(t, err)
	require.Len(t, list.IntelligentTieringConfigurationList, 1)
}
