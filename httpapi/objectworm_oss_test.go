package httpapi_test

import (
	"context"
	"strings"
	"testing"
	"time"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOSSObjectWorm: OSS object-level retention through the v2 SDK:
// PutBucketObjectWormConfiguration on a versioned bucket, a default
// retention applied to new versions, Put/GetObjectRetention, and a
// protected version refused on delete.
func TestOSSObjectWorm(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	ctx := context.Background()
	b := oss2.Ptr("oworm")
	_, err := c.PutBucket(ctx, &oss2.PutBucketRequest{Bucket: b})
	require.NoError(t, err)
	_, err = c.PutBucketObjectWormConfiguration(ctx, &oss2.PutBucketObjectWormConfigurationRequest{Bucket: b,
		ObjectWormConfiguration: &oss2.ObjectWormConfiguration{ObjectWormEnabled: oss2.Ptr("Enabled")}})
	require.Error(t, err, "an unversioned bucket cannot take it")
	_, err = c.PutBucketVersioning(ctx, &oss2.PutBucketVersioningRequest{Bucket: b,
		VersioningConfiguration: &oss2.VersioningConfiguration{Status: oss2.VersionEnabled}})
	require.NoError(t, err)
	_, err = c.PutBucketObjectWormConfiguration(ctx, &oss2.PutBucketObjectWormConfigurationRequest{Bucket: b,
		ObjectWormConfiguration: &oss2.ObjectWormConfiguration{ObjectWormEnabled: oss2.Ptr("Enabled"),
			Rule: &oss2.ObjectWormRule{DefaultRetention: &oss2.ObjectWormDefaultRetention{Mode: oss2.Ptr("GOVERNANCE"), Days: oss2.Ptr(int32(1))}}}})
	require.NoError(t, err)
	got, err := c.GetBucketObjectWormConfiguration(ctx, &oss2.GetBucketObjectWormConfigurationRequest{Bucket: b})
	require.NoError(t, err)
	assert.Equal(t, "Enabled", oss2.ToString(got.ObjectWormConfiguration.ObjectWormEnabled))
	assert.Equal(t, int32(1), *got.ObjectWormConfiguration.Rule.DefaultRetention.Days)

	put, err := c.PutObject(ctx, &oss2.PutObjectRequest{Bucket: b, Key: oss2.Ptr("k"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	r, err := c.GetObjectRetention(ctx, &oss2.GetObjectRetentionRequest{Bucket: b, Key: oss2.Ptr("k"), VersionId: put.VersionId})
	require.NoError(t, err)
	assert.Equal(t, "GOVERNANCE", oss2.ToString(r.Retention.Mode), "the bucket's default")
	_, err = c.DeleteObject(ctx, &oss2.DeleteObjectRequest{Bucket: b, Key: oss2.Ptr("k"), VersionId: put.VersionId})
	e, isOSS := ossError(err)
	require.True(t, isOSS, "%v", err)
	assert.Equal(t, 403, e.status)

	// Changing the mode of a GOVERNANCE retention in force, even to
	// COMPLIANCE, takes x-oss-bypass-governance-retention.
	until := f.clock.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)
	_, err = c.PutObjectRetention(ctx, &oss2.PutObjectRetentionRequest{Bucket: b, Key: oss2.Ptr("k"), VersionId: put.VersionId,
		Retention: &oss2.ObjectWormRetention{Mode: oss2.Ptr("COMPLIANCE"), RetainUntilDate: oss2.Ptr(until)}})
	e, isOSS = ossError(err)
	require.True(t, isOSS, "%v", err)
	assert.Equal(t, 403, e.status)
	_, err = c.PutObjectRetention(ctx, &oss2.PutObjectRetentionRequest{Bucket: b, Key: oss2.Ptr("k"), VersionId: put.VersionId,
		BypassGovernanceRetention: oss2.Ptr(true),
		Retention:                 &oss2.ObjectWormRetention{Mode: oss2.Ptr("COMPLIANCE"), RetainUntilDate: oss2.Ptr(until)}})
	require.NoError(t, err)
	r, err = c.GetObjectRetention(ctx, &oss2.GetObjectRetentionRequest{Bucket: b, Key: oss2.Ptr("k"), VersionId: put.VersionId})
	require.NoError(t, err)
	assert.Equal(t, "COMPLIANCE", oss2.ToString(r.Retention.Mode))

	// Legal hold (?legalHold), on and off.
	for _, status := range []string{"ON", "OFF"} {
		_, err = c.PutObjectLegalHold(ctx, &oss2.PutObjectLegalHoldRequest{Bucket: b, Key: oss2.Ptr("k"), VersionId: put.VersionId,
			LegalHold: &oss2.ObjectWormLegalHold{Status: oss2.Ptr(status)}})
		require.NoError(t, err)
		lh, err := c.GetObjectLegalHold(ctx, &oss2.GetObjectLegalHoldRequest{Bucket: b, Key: oss2.Ptr("k"), VersionId: put.VersionId})
		require.NoError(t, err)
		assert.Equal(t, status, oss2.ToString(lh.LegalHold.Status))
	}
}
