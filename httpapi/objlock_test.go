package httpapi_test

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/minio/minio-go/v7"
	miniocreds "github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestObjectLockSDK drives S3 Object Lock through aws-sdk-go-v2: the
// bucket configuration, retention and legal holds on writes and by
// version, the headers of GET/HEAD, and every documented refusal.
func TestObjectLockSDK(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	const bk, plain = "locked", "plain"
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bk), ObjectLockEnabledForBucket: aws.Bool(true)})
	require.NoError(t, err)
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(plain)})
	require.NoError(t, err)

	gv, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bk)})
	require.NoError(t, err)
	assert.Equal(t, types.BucketVersioningStatusEnabled, gv.Status)
	cfg, err := c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String(bk)})
	require.NoError(t, err)
	assert.Equal(t, types.ObjectLockEnabledEnabled, cfg.ObjectLockConfiguration.ObjectLockEnabled)
	assert.Nil(t, cfg.ObjectLockConfiguration.Rule)

	_, err = c.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: aws.String(bk), ObjectLockConfiguration: &types.ObjectLockConfiguration{
		ObjectLockEnabled: types.ObjectLockEnabledEnabled,
		Rule:              &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: types.ObjectLockRetentionModeGovernance, Days: aws.Int32(1)}},
	}})
	require.NoError(t, err)
	cfg, err = c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String(bk)})
	require.NoError(t, err)
	require.NotNil(t, cfg.ObjectLockConfiguration.Rule)
	assert.Equal(t, types.ObjectLockRetentionModeGovernance, cfg.ObjectLockConfiguration.Rule.DefaultRetention.Mode)
	assert.Equal(t, int32(1), aws.ToInt32(cfg.ObjectLockConfiguration.Rule.DefaultRetention.Days))

	// The default retention applies to a plain PutObject.
	def, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bk), Key: aws.String("def"), Body: strings.NewReader("d")})
	require.NoError(t, err)
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bk), Key: aws.String("def")})
	require.NoError(t, err)
	assert.Equal(t, types.ObjectLockModeGovernance, head.ObjectLockMode)
	require.NotNil(t, head.ObjectLockRetainUntilDate)
	assert.WithinDuration(t, f.clock.Now().Add(24*time.Hour), *head.ObjectLockRetainUntilDate, time.Minute)

	// Explicit settings on PutObject, reported by GET and the sub-resources.
	until := f.clock.Now().Add(time.Hour).UTC().Truncate(time.Millisecond)
	comp, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bk), Key: aws.String("comp"), Body: strings.NewReader("c"),
		ObjectLockMode: types.ObjectLockModeCompliance, ObjectLockRetainUntilDate: aws.Time(until), ObjectLockLegalHoldStatus: types.ObjectLockLegalHoldStatusOn})
	require.NoError(t, err)
	get, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bk), Key: aws.String("comp")})
	require.NoError(t, err)
	get.Body.Close()
	assert.Equal(t, types.ObjectLockModeCompliance, get.ObjectLockMode)
	assert.True(t, until.Equal(aws.ToTime(get.ObjectLockRetainUntilDate)))
	assert.Equal(t, types.ObjectLockLegalHoldStatusOn, get.ObjectLockLegalHoldStatus)
	ret, err := c.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: aws.String(bk), Key: aws.String("comp"), VersionId: comp.VersionId})
	require.NoError(t, err)
	assert.Equal(t, types.ObjectLockRetentionModeCompliance, ret.Retention.Mode)
	lh, err := c.GetObjectLegalHold(ctx, &s3.GetObjectLegalHoldInput{Bucket: aws.String(bk), Key: aws.String("comp"), VersionId: comp.VersionId})
	require.NoError(t, err)
	assert.Equal(t, types.ObjectLockLegalHoldStatusOn, lh.LegalHold.Status)

	// A copy and a multipart upload take the request's settings.
	cp, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(bk), Key: aws.String("copy"), CopySource: aws.String(bk + "/comp"),
		ObjectLockLegalHoldStatus: types.ObjectLockLegalHoldStatusOn})
	require.NoError(t, err)
	lh, err = c.GetObjectLegalHold(ctx, &s3.GetObjectLegalHoldInput{Bucket: aws.String(bk), Key: aws.String("copy"), VersionId: cp.VersionId})
	require.NoError(t, err)
	assert.Equal(t, types.ObjectLockLegalHoldStatusOn, lh.LegalHold.Status)
	mp, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(bk), Key: aws.String("mp"),
		ObjectLockMode: types.ObjectLockModeCompliance, ObjectLockRetainUntilDate: aws.Time(until)})
	require.NoError(t, err)
	part, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(bk), Key: aws.String("mp"), UploadId: mp.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("part")})
	require.NoError(t, err)
	done, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(bk), Key: aws.String("mp"), UploadId: mp.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{ETag: part.ETag, PartNumber: aws.Int32(1)}}}})
	require.NoError(t, err)
	ret, err = c.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: aws.String(bk), Key: aws.String("mp"), VersionId: done.VersionId})
	require.NoError(t, err)
	assert.Equal(t, types.ObjectLockRetentionModeCompliance, ret.Retention.Mode)

	// A version never given a legal hold has none to report.
	_, err = c.GetObjectLegalHold(ctx, &s3.GetObjectLegalHoldInput{Bucket: aws.String(bk), Key: aws.String("def"), VersionId: def.VersionId})
	code, status, _ := apiError(t, err)
	assert.Equal(t, "NoSuchObjectLockConfiguration", code)
	assert.Equal(t, 404, status)

	// A delete without a version ID writes a delete marker.
	dm, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bk), Key: aws.String("def")})
	require.NoError(t, err)
	assert.True(t, aws.ToBool(dm.DeleteMarker))

	past := f.clock.Now().Add(-time.Hour)
	refusals := []struct {
		name   string
		call   func() error
		code   string
		status int
		msg    string
	}{
		{"lock config on a bucket without versioning", func() error {
			_, err := c.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: aws.String(plain),
				ObjectLockConfiguration: &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled}})
			return err
		}, "InvalidBucketState", 409, ""},
		{"no lock config", func() error {
			_, err := c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String(plain)})
			return err
		}, "ObjectLockConfigurationNotFoundError", 404, ""},
		{"both Days and Years", func() error {
			_, err := c.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: aws.String(bk), ObjectLockConfiguration: &types.ObjectLockConfiguration{
				ObjectLockEnabled: types.ObjectLockEnabledEnabled,
				Rule:              &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: types.ObjectLockRetentionModeGovernance, Days: aws.Int32(1), Years: aws.Int32(1)}},
			}})
			return err
		}, "MalformedXML", 400, ""},
		// S3 answers InvalidArgument for a period that is not positive, not
		// the InvalidRetentionPeriod ceph s3-tests expect (responses quoted
		// in ceph/s3-tests#344, storj/edge#528, versity/versitygw#1738).
		{"zero days", func() error {
			_, err := c.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: aws.String(bk), ObjectLockConfiguration: &types.ObjectLockConfiguration{
				ObjectLockEnabled: types.ObjectLockEnabledEnabled,
				Rule:              &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: types.ObjectLockRetentionModeGovernance, Days: aws.Int32(0)}},
			}})
			return err
		}, "InvalidArgument", 400, "Default retention period must be a positive integer value."},
		{"negative years", func() error {
			_, err := c.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: aws.String(bk), ObjectLockConfiguration: &types.ObjectLockConfiguration{
				ObjectLockEnabled: types.ObjectLockEnabledEnabled,
				Rule:              &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: types.ObjectLockRetentionModeCompliance, Years: aws.Int32(-1)}},
			}})
			return err
		}, "InvalidArgument", 400, "Default retention period must be a positive integer value."},
		{"suspending versioning", func() error {
			_, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bk),
				VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusSuspended}})
			return err
		}, "InvalidBucketState", 409, "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed."},
		{"a lock configuration without versioning", func() error {
			_, err := c.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: aws.String(plain), ObjectLockConfiguration: &types.ObjectLockConfiguration{
				ObjectLockEnabled: types.ObjectLockEnabledEnabled}})
			return err
		}, "InvalidBucketState", 409, "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration"},
		{"lock headers on a bucket without lock", func() error {
			_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(plain), Key: aws.String("k"), Body: strings.NewReader("x"),
				ObjectLockLegalHoldStatus: types.ObjectLockLegalHoldStatusOn})
			return err
		}, "InvalidRequest", 400, "Bucket is missing ObjectLockConfiguration"},
		// The request's own shape is checked before the bucket's lock.
		{"mode without a date on a bucket without lock", func() error {
			_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(plain), Key: aws.String("k"), Body: strings.NewReader("x"),
				ObjectLockMode: types.ObjectLockModeGovernance})
			return err
		}, "InvalidArgument", 400, ""},
		{"retention of a missing key on a bucket without lock", func() error {
			_, err := c.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: aws.String(plain), Key: aws.String("missing")})
			return err
		}, "NoSuchKey", 404, ""},
		{"legal hold of a missing key on a bucket without lock", func() error {
			_, err := c.GetObjectLegalHold(ctx, &s3.GetObjectLegalHoldInput{Bucket: aws.String(plain), Key: aws.String("missing")})
			return err
		}, "NoSuchKey", 404, ""},
		{"bad legal hold status on a bucket without lock", func() error {
			_, err := c.PutObjectLegalHold(ctx, &s3.PutObjectLegalHoldInput{Bucket: aws.String(plain), Key: aws.String("k"),
				LegalHold: &types.ObjectLockLegalHold{Status: "maybe"}})
			return err
		}, "MalformedXML", 400, ""},
		{"retention on a bucket without lock", func() error {
			_, err := c.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{Bucket: aws.String(plain), Key: aws.String("k"),
				Retention: &types.ObjectLockRetention{Mode: types.ObjectLockRetentionModeGovernance, RetainUntilDate: aws.Time(until)}})
			return err
		}, "InvalidRequest", 400, "Bucket is missing Object Lock Configuration"},
		{"legal hold on a bucket without lock", func() error {
			_, err := c.PutObjectLegalHold(ctx, &s3.PutObjectLegalHoldInput{Bucket: aws.String(plain), Key: aws.String("k"),
				LegalHold: &types.ObjectLockLegalHold{Status: types.ObjectLockLegalHoldStatusOn}})
			return err
		}, "InvalidRequest", 400, "Bucket is missing Object Lock Configuration"},
		{"mode without a date", func() error {
			_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bk), Key: aws.String("k"), Body: strings.NewReader("x"),
				ObjectLockMode: types.ObjectLockModeGovernance})
			return err
		}, "InvalidArgument", 400, ""},
		{"a date in the past", func() error {
			_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bk), Key: aws.String("k"), Body: strings.NewReader("x"),
				ObjectLockMode: types.ObjectLockModeGovernance, ObjectLockRetainUntilDate: aws.Time(past)})
			return err
		}, "InvalidArgument", 400, "The retain until date must be in the future!"},
		{"a retention in the past", func() error {
			_, err := c.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{Bucket: aws.String(bk), Key: aws.String("comp"), VersionId: comp.VersionId,
				Retention: &types.ObjectLockRetention{Mode: types.ObjectLockRetentionModeCompliance, RetainUntilDate: aws.Time(past)}})
			return err
		}, "InvalidArgument", 400, "The retain until date must be in the future!"},
		{"shortening COMPLIANCE", func() error {
			_, err := c.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{Bucket: aws.String(bk), Key: aws.String("comp"), VersionId: comp.VersionId,
				BypassGovernanceRetention: aws.Bool(true),
				Retention:                 &types.ObjectLockRetention{Mode: types.ObjectLockRetentionModeCompliance, RetainUntilDate: aws.Time(until.Add(-time.Minute))}})
			return err
		}, "AccessDenied", 403, "Access Denied because object protected by object lock."},
		{"COMPLIANCE to GOVERNANCE", func() error {
			_, err := c.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{Bucket: aws.String(bk), Key: aws.String("comp"), VersionId: comp.VersionId,
				BypassGovernanceRetention: aws.Bool(true),
				Retention:                 &types.ObjectLockRetention{Mode: types.ObjectLockRetentionModeGovernance, RetainUntilDate: aws.Time(until.Add(time.Hour))}})
			return err
		}, "AccessDenied", 403, ""},
		{"shortening GOVERNANCE without the bypass", func() error {
			_, err := c.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{Bucket: aws.String(bk), Key: aws.String("def"), VersionId: def.VersionId,
				Retention: &types.ObjectLockRetention{Mode: types.ObjectLockRetentionModeGovernance, RetainUntilDate: aws.Time(until)}})
			return err
		}, "AccessDenied", 403, ""},
		{"deleting a COMPLIANCE version", func() error {
			_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bk), Key: aws.String("mp"), VersionId: done.VersionId, BypassGovernanceRetention: aws.Bool(true)})
			return err
		}, "AccessDenied", 403, "Access Denied because object protected by object lock."},
		{"deleting a held version", func() error {
			_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bk), Key: aws.String("copy"), VersionId: cp.VersionId, BypassGovernanceRetention: aws.Bool(true)})
			return err
		}, "AccessDenied", 403, ""},
		{"deleting a GOVERNANCE version without the bypass", func() error {
			_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bk), Key: aws.String("def"), VersionId: def.VersionId})
			return err
		}, "AccessDenied", 403, ""},
	}
	for _, r := range refusals {
		t.Run(r.name, func(t *testing.T) {
			code, status, msg := apiError(t, r.call())
			assert.Equal(t, r.code, code)
			assert.Equal(t, r.status, status)
			if r.msg != "" {
				assert.Equal(t, r.msg, msg)
			}
		})
	}

	// A caller without the permission to bypass is refused; the owner
	// and a caller a policy allows s3:BypassGovernanceRetention are not.
	other := f.s3Client(true, otherAK, otherSK)
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bk), Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"` +
		canonicalID(otherAK) + `"},"Action":["s3:PutObject","s3:DeleteObject","s3:DeleteObjectVersion"],"Resource":"arn:aws:s3:::` + bk + `/*"}]}`)})
	require.NoError(t, err)
	g2, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bk), Key: aws.String("gov"), Body: strings.NewReader("g")})
	require.NoError(t, err)
	_, err = other.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bk), Key: aws.String("gov"), VersionId: g2.VersionId, BypassGovernanceRetention: aws.Bool(true)})
	code, status, _ = apiError(t, err)
	assert.Equal(t, "AccessDenied", code)
	assert.Equal(t, 403, status)
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bk), Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"` +
		canonicalID(otherAK) + `"},"Action":["s3:PutObject","s3:DeleteObject","s3:DeleteObjectVersion","s3:BypassGovernanceRetention"],"Resource":"arn:aws:s3:::` + bk + `/*"}]}`)})
	require.NoError(t, err)
	_, err = other.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bk), Key: aws.String("gov"), VersionId: g2.VersionId, BypassGovernanceRetention: aws.Bool(true)})
	require.NoError(t, err)
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bk), Key: aws.String("def"), VersionId: def.VersionId, BypassGovernanceRetention: aws.Bool(true)})
	require.NoError(t, err)

	// A hold lifted, and a retention run out on the engine clock: the
	// version can be deleted.
	_, err = c.PutObjectLegalHold(ctx, &s3.PutObjectLegalHoldInput{Bucket: aws.String(bk), Key: aws.String("comp"), VersionId: comp.VersionId,
		LegalHold: &types.ObjectLockLegalHold{Status: types.ObjectLockLegalHoldStatusOff}})
	require.NoError(t, err)
	lh, err = c.GetObjectLegalHold(ctx, &s3.GetObjectLegalHoldInput{Bucket: aws.String(bk), Key: aws.String("comp"), VersionId: comp.VersionId})
	require.NoError(t, err)
	assert.Equal(t, types.ObjectLockLegalHoldStatusOff, lh.LegalHold.Status, "a hold turned off is reported OFF")
	short, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bk), Key: aws.String("short"), Body: strings.NewReader("s"),
		ObjectLockMode: types.ObjectLockModeCompliance, ObjectLockRetainUntilDate: aws.Time(f.clock.Now().Add(5 * time.Minute))})
	require.NoError(t, err)
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bk), Key: aws.String("short"), VersionId: short.VersionId})
	code, _, _ = apiError(t, err)
	assert.Equal(t, "AccessDenied", code)
	f.clock.Advance(6 * time.Minute) // within the signature's clock skew window
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bk), Key: aws.String("short"), VersionId: short.VersionId})
	require.NoError(t, err)
}

// TestObjectLockRetentionChanges drives PutObjectRetention on versions
// whose retention is in force, as ceph s3-tests'
// test_object_lock_changing_mode_from_governance_{with,without}_bypass
// and _from_compliance do: only extending in the same mode needs nothing;
// any other change to GOVERNANCE (its mode to COMPLIANCE included) needs
// x-amz-bypass-governance-retention from a caller allowed
// s3:BypassGovernanceRetention, and COMPLIANCE allows none.
func TestObjectLockRetentionChanges(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	const bk = "retention-changes"
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bk), ObjectLockEnabledForBucket: aws.Bool(true)})
	require.NoError(t, err)
	other := f.s3Client(true, otherAK, otherSK)
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bk), Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"` +
		canonicalID(otherAK) + `"},"Action":["s3:PutObjectRetention","s3:GetObjectRetention"],"Resource":"arn:aws:s3:::` + bk + `/*"},` +
		`{"Effect":"Allow","Principal":{"CanonicalUser":"` + canonicalID(otherAK) + `"},"Action":"s3:BypassGovernanceRetention","Resource":"arn:aws:s3:::` + bk + `/allowed"}]}`)})
	require.NoError(t, err)

	const gov, comp = types.ObjectLockRetentionModeGovernance, types.ObjectLockRetentionModeCompliance
	until := f.clock.Now().Add(10 * time.Second).UTC().Truncate(time.Millisecond)
	later, sooner := until.Add(time.Hour), until.Add(-time.Second)
	cases := []struct {
		name   string
		client *s3.Client
		key    string
		from   types.ObjectLockRetentionMode
		mode   types.ObjectLockRetentionMode
		until  time.Time
		bypass bool
		denied bool // 403 AccessDenied
	}{
		{name: "GOVERNANCE to COMPLIANCE without bypass", from: gov, mode: comp, until: until, denied: true},
		{name: "GOVERNANCE to COMPLIANCE later without bypass", from: gov, mode: comp, until: later, denied: true},
		{name: "GOVERNANCE to COMPLIANCE with bypass", from: gov, mode: comp, until: until, bypass: true},
		{name: "GOVERNANCE to COMPLIANCE with bypass, not allowed it", client: other, from: gov, mode: comp, until: until, bypass: true, denied: true},
		{name: "GOVERNANCE to COMPLIANCE with bypass, allowed it", client: other, key: "allowed", from: gov, mode: comp, until: until, bypass: true},
		{name: "GOVERNANCE extended without bypass", from: gov, mode: gov, until: later},
		{name: "GOVERNANCE shortened without bypass", from: gov, mode: gov, until: sooner, denied: true},
		{name: "GOVERNANCE shortened with bypass", from: gov, mode: gov, until: sooner, bypass: true},
		{name: "COMPLIANCE to GOVERNANCE", from: comp, mode: gov, until: until, denied: true},
		{name: "COMPLIANCE to GOVERNANCE with bypass", from: comp, mode: gov, until: later, bypass: true, denied: true},
		{name: "COMPLIANCE shortened with bypass", from: comp, mode: comp, until: sooner, bypass: true, denied: true},
		{name: "COMPLIANCE extended without bypass", from: comp, mode: comp, until: later},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			key, cl := "k", c
			if tc.key != "" {
				key = tc.key
			}
			if tc.client != nil {
				cl = tc.client
			}
			put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bk), Key: aws.String(key), Body: strings.NewReader("v"),
				ObjectLockMode: types.ObjectLockMode(tc.from), ObjectLockRetainUntilDate: aws.Time(until)})
			require.NoError(t, err)
			in := &s3.PutObjectRetentionInput{Bucket: aws.String(bk), Key: aws.String(key), VersionId: put.VersionId,
				Retention: &types.ObjectLockRetention{Mode: tc.mode, RetainUntilDate: aws.Time(tc.until)}}
			if tc.bypass {
				in.BypassGovernanceRetention = aws.Bool(true)
			}
			_, err = cl.PutObjectRetention(ctx, in)
			want := types.ObjectLockRetention{Mode: tc.mode, RetainUntilDate: aws.Time(tc.until)}
			if tc.denied {
				code, status, msg := apiError(t, err)
				assert.Equal(t, "AccessDenied", code)
				assert.Equal(t, 403, status)
				assert.Equal(t, "Access Denied because object protected by object lock.", msg)
				want = types.ObjectLockRetention{Mode: tc.from, RetainUntilDate: aws.Time(until)}
			} else {
				require.NoError(t, err)
			}
			got, err := c.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: aws.String(bk), Key: aws.String(key), VersionId: put.VersionId})
			require.NoError(t, err)
			assert.Equal(t, want.Mode, got.Retention.Mode)
			assert.True(t, want.RetainUntilDate.Equal(aws.ToTime(got.Retention.RetainUntilDate)), "%v, want %v", got.Retention.RetainUntilDate, want.RetainUntilDate)
		})
	}
}

// TestObjectLockMinio checks minio-go's GovernanceBypass on RemoveObject.
func TestObjectLockMinio(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	u, _ := url.Parse(f.srv.URL)
	c, err := minio.New(u.Host, &minio.Options{Creds: miniocreds.NewStaticV4(testAK, testSK, ""), Transport: f.httpClient().Transport})
	require.NoError(t, err)
	ctx := context.Background()
	const bk = "minio-locked"
	require.NoError(t, c.MakeBucket(ctx, bk, minio.MakeBucketOptions{ObjectLocking: true}))
	gov := minio.Governance
	until := f.clock.Now().Add(time.Hour)
	info, err := c.PutObject(ctx, bk, "k", strings.NewReader("v"), 1, minio.PutObjectOptions{Mode: gov, RetainUntilDate: until, SendContentMd5: true})
	require.NoError(t, err)
	mode, got, err := c.GetObjectRetention(ctx, bk, "k", info.VersionID)
	require.NoError(t, err)
	assert.Equal(t, gov, *mode)
	assert.WithinDuration(t, until, *got, time.Second)
	err = c.RemoveObject(ctx, bk, "k", minio.RemoveObjectOptions{VersionID: info.VersionID})
	assert.Equal(t, "AccessDenied", minio.ToErrorResponse(err).Code)
	require.NoError(t, c.RemoveObject(ctx, bk, "k", minio.RemoveObjectOptions{VersionID: info.VersionID, GovernanceBypass: true}))
}

// TestObjectLockWire checks what the SDKs never send: a lock PutObject
// without a digest, bad header values, and the headers of a legal hold.
func TestObjectLockWire(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	_, err := f.client().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("wire-lock"), ObjectLockEnabledForBucket: aws.Bool(true)})
	require.NoError(t, err)
	until := f.clock.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	cases := []struct {
		name   string
		header http.Header
		status int
		code   string
		msg    string
	}{
		{"no digest", http.Header{"X-Amz-Object-Lock-Legal-Hold": {"ON"}}, 400, "InvalidRequest",
			"Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters"},
		{"bad mode", http.Header{"X-Amz-Object-Lock-Mode": {"FOREVER"}, "X-Amz-Object-Lock-Retain-Until-Date": {until}, "Content-Md5": {"3OfEF0zpMjkEqTSkhsQSiA=="}}, 400, "InvalidArgument", ""},
		{"bad date", http.Header{"X-Amz-Object-Lock-Mode": {"GOVERNANCE"}, "X-Amz-Object-Lock-Retain-Until-Date": {"tomorrow"}, "Content-Md5": {"3OfEF0zpMjkEqTSkhsQSiA=="}}, 400, "InvalidArgument", ""},
		{"bad hold", http.Header{"X-Amz-Object-Lock-Legal-Hold": {"MAYBE"}, "Content-Md5": {"3OfEF0zpMjkEqTSkhsQSiA=="}}, 400, "InvalidArgument", ""},
		{"with Content-MD5", http.Header{"X-Amz-Object-Lock-Legal-Hold": {"ON"}, "Content-Md5": {"3OfEF0zpMjkEqTSkhsQSiA=="}}, 200, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := f.do(t, raw{method: "PUT", path: "/wire-lock/k", header: c.header, body: []byte("lock")})
			require.Equal(t, c.status, resp.StatusCode, string(resp.body))
			if c.code != "" {
				assert.Equal(t, c.code, resp.errCode())
			}
			if c.msg != "" {
				assert.Contains(t, string(resp.body), c.msg)
			}
		})
	}
	for _, path := range []string{"/wire-lock?object-lock", "/wire-lock/k?retention", "/wire-lock/k?legal-hold"} {
		resp := f.do(t, raw{method: "PUT", path: path, body: []byte("<LegalHold><Status>ON</Status></LegalHold>")})
		require.Equal(t, 400, resp.StatusCode, path)
		assert.Equal(t, "InvalidRequest", resp.errCode(), path)
	}
	resp := f.do(t, raw{method: "HEAD", path: "/wire-lock/k"})
	require.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "ON", resp.Header.Get("X-Amz-Object-Lock-Legal-Hold"))
	assert.Empty(t, resp.Header.Get("X-Amz-Object-Lock-Mode"))

	// A default retention makes every PutObject one with Object Lock
	// parameters: a digest is required (S3 answers the same
	// InvalidRequest; kopia#711).
	resp = f.do(t, raw{method: "PUT", path: "/wire-lock/plain", body: []byte("no lock asked")})
	require.Equal(t, 200, resp.StatusCode, "no default retention yet: %s", resp.body)
	doc := []byte("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>")
	sum := md5.Sum(doc)
	resp = f.do(t, raw{method: "PUT", path: "/wire-lock?object-lock", header: http.Header{"Content-Md5": {base64.StdEncoding.EncodeToString(sum[:])}}, body: doc})
	require.Equal(t, 200, resp.StatusCode, string(resp.body))
	resp = f.do(t, raw{method: "PUT", path: "/wire-lock/default", body: []byte("lock")})
	require.Equal(t, 400, resp.StatusCode, string(resp.body))
	assert.Contains(t, string(resp.body), "Content-MD5 OR x-amz-checksum- HTTP header is required")
	resp = f.do(t, raw{method: "HEAD", path: "/wire-lock/default"})
	require.Equal(t, 404, resp.StatusCode, "nothing stored")
	resp = f.do(t, raw{method: "PUT", path: "/wire-lock/default", header: http.Header{"Content-Md5": {"3OfEF0zpMjkEqTSkhsQSiA=="}}, body: []byte("lock")})
	require.Equal(t, 200, resp.StatusCode, string(resp.body))
	resp = f.do(t, raw{method: "HEAD", path: "/wire-lock/default"})
	assert.Equal(t, "GOVERNANCE", resp.Header.Get("X-Amz-Object-Lock-Mode"))
}

// TestObjectLockDeleteObjects checks the per-key refusal and the bypass
// in DeleteObjects.
func TestObjectLockDeleteObjects(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	const bk = "multi-lock"
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bk), ObjectLockEnabledForBucket: aws.Bool(true)})
	require.NoError(t, err)
	v, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bk), Key: aws.String("k"), Body: strings.NewReader("v"),
		ObjectLockMode: types.ObjectLockModeGovernance, ObjectLockRetainUntilDate: aws.Time(f.clock.Now().Add(time.Hour))})
	require.NoError(t, err)
	del := &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String("k"), VersionId: v.VersionId}}}
	out, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(bk), Delete: del})
	require.NoError(t, err)
	require.Len(t, out.Errors, 1)
	assert.Equal(t, "AccessDenied", aws.ToString(out.Errors[0].Code))
	out, err = c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(bk), Delete: del, BypassGovernanceRetention: aws.Bool(true)})
	require.NoError(t, err)
	assert.Empty(t, out.Errors)
	require.Len(t, out.Deleted, 1)
}

// TestObjectLockEventHoldRefused: S3 Object Lock event holds (a bucket's
// DefaultEventHold, an object's EventHold and EventHoldDuration) are not
// implemented, so they are refused with 501 NotImplemented, changing
// nothing. They were dropped silently: the PUT succeeded and the objects
// stayed deletable.
func TestObjectLockEventHoldRefused(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("held"), ObjectLockEnabledForBucket: aws.Bool(true)})
	require.NoError(t, err)
	_, err = c.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: aws.String("held"), ObjectLockConfiguration: &types.ObjectLockConfiguration{
		ObjectLockEnabled: types.ObjectLockEnabledEnabled,
		Rule: &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: types.ObjectLockRetentionModeGovernance, Days: aws.Int32(1),
			DefaultEventHold: &types.EventHoldDuration{Days: aws.Int32(30)}}},
	}})
	requireAPIError(t, err, "NotImplemented")
	cfg, err := c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String("held")})
	require.NoError(t, err)
	assert.Nil(t, cfg.ObjectLockConfiguration.Rule)

	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("held"), Key: aws.String("k"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	_, err = c.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{Bucket: aws.String("held"), Key: aws.String("k"),
		Retention: &types.ObjectLockRetention{EventHold: types.ObjectLockEventHoldOn, EventHoldDuration: &types.EventHoldDuration{Days: aws.Int32(30)}}})
	requireAPIError(t, err, "NotImplemented")
	_, err = c.GetObjectRetention(ctx, &s3.GetObjectRetentionInput{Bucket: aws.String("held"), Key: aws.String("k")})
	requireAPIError(t, err, "NoSuchObjectLockConfiguration")
}
