package httpapi_test

import (
	"context"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/osslite/osslite/httpapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests in this file do what terraform-provider-aws's S3 resources
// do (internal/service/s3: bucket.go, bucket_lifecycle_configuration*.go,
// delete.go, ...) with the SDK the provider uses, and hold osslite to the
// answers the provider's acceptance tests (run against S3) read back
// (docs/sdk-suites.md, "terraform-provider-aws's S3 resources and
// acceptance tests as a corpus (thirty-second session)").

// tfpErrCode is an SDK error's S3 code, "" for no error.
func tfpErrCode(err error) string {
	if err == nil {
		return ""
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return err.Error()
}

// tfpTolerated is what resourceBucketRead takes as "not configured" from
// each sub-resource read besides success: the find function's not-found
// code, and MethodNotAllowed, NotImplemented and XNotImplemented (plus
// UnsupportedArgument and UnsupportedOperation for accelerate,
// UnsupportedOperation for encryption). Any other code fails terraform
// apply of a plain aws_s3_bucket.
var tfpTolerated = map[string][]string{
	"policy":     {"NoSuchBucketPolicy"},
	"acl":        nil,
	"cors":       {"NoSuchCORSConfiguration"},
	"website":    {"NoSuchWebsiteConfiguration"},
	"versioning": nil,
	"accelerate": {"UnsupportedArgument", "UnsupportedOperation"},
	"payment":    nil,
	"logging":    nil,
	"lifecycle":  {"NoSuchLifecycleConfiguration"},
	"replicate":  {"ReplicationConfigurationNotFoundError"},
	"encryption": {"ServerSideEncryptionConfigurationNotFoundError", "UnsupportedOperation"},
	"objectlock": {"ObjectLockConfigurationNotFoundError"},
	"tagging":    {"NoSuchTagSet"},
}

// TestTfpBucketReadPlainBucket: resourceBucketCreate's CreateBucket (ACL
// private, a CreateBucketConfiguration carrying the tags, empty without
// them), its HeadBucket wait, then every read resourceBucketRead makes,
// each answered with success or a code the provider tolerates, with and
// without S3's 2023 defaults; the bucket's region through
// manager.GetBucketRegion on the path-style endpoint; and the "not found"
// answers the provider's delete and refresh depend on.
func TestTfpBucketReadPlainBucket(t *testing.T) {
	for _, defaults2023 := range []bool{false, true} {
		var opts []httpapi.Option
		if defaults2023 {
			opts = append(opts, httpapi.WithS3Defaults2023())
		}
		f := newFixture(t, fixtureOptions{opts: opts})
		c := f.client()
		ctx := context.Background()
		for _, tags := range [][]types.Tag{nil, {{Key: aws.String("Name"), Value: aws.String("tf")}}} {
			bucket := "tf-plain"
			if tags != nil {
				bucket = "tf-tagged"
			}
			b := aws.String(bucket)
			_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b, ACL: types.BucketCannedACLPrivate,
				CreateBucketConfiguration: &types.CreateBucketConfiguration{Tags: tags}})
			require.NoError(t, err, "2023 defaults %v", defaults2023)
			_, err = c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: b})
			require.NoError(t, err)

			reads := map[string]error{}
			_, reads["policy"] = c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b})
			_, reads["acl"] = c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b})
			_, reads["cors"] = c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: b})
			_, reads["website"] = c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: b})
			_, reads["versioning"] = c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b})
			_, reads["accelerate"] = c.GetBucketAccelerateConfiguration(ctx, &s3.GetBucketAccelerateConfigurationInput{Bucket: b})
			_, reads["payment"] = c.GetBucketRequestPayment(ctx, &s3.GetBucketRequestPaymentInput{Bucket: b})
			_, reads["logging"] = c.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: b})
			_, reads["lifecycle"] = c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b})
			_, reads["replicate"] = c.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: b})
			_, reads["encryption"] = c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b})
			_, reads["objectlock"] = c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: b})
			tg, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: b})
			reads["tagging"] = err
			for name, err := range reads {
				if err == nil {
					continue
				}
				code := tfpErrCode(err)
				ok := code == "MethodNotAllowed" || code == "NotImplemented" || code == "XNotImplemented"
				for _, c := range tfpTolerated[name] {
					ok = ok || code == c
				}
				assert.True(t, ok, "2023 defaults %v, %s: %s is not tolerated: %v", defaults2023, name, code, err)
			}
			if tags != nil {
				require.NoError(t, reads["tagging"])
				require.Len(t, tg.TagSet, 1)
				assert.Equal(t, "tf", aws.ToString(tg.TagSet[0].Value))
			}
			region, err := manager.GetBucketRegion(ctx, c, bucket, func(o *s3.Options) { o.UsePathStyle = true })
			require.NoError(t, err)
			assert.Equal(t, "us-east-1", region)
		}

		// findBucket: 404 (the SDK's NotFound) is "gone"; findBucketRegion:
		// manager.BucketNotFound; delete and every sub-resource read of a
		// missing bucket: NoSuchBucket (retried, then "removing from state").
		_, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("tf-missing")})
		hsaRequireStatus(t, err, 404, "")
		_, err = manager.GetBucketRegion(ctx, c, "tf-missing", func(o *s3.Options) { o.UsePathStyle = true })
		var nf manager.BucketNotFound
		assert.True(t, errors.As(err, &nf), "%v", err)
		_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("tf-missing")})
		assert.Equal(t, "NoSuchBucket", tfpErrCode(err))
		_, err = c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("tf-missing")})
		assert.Equal(t, "NoSuchBucket", tfpErrCode(err))
	}
}

// TestTfpLifecycleRulesReadBack: aws_s3_bucket_lifecycle_configuration
// waits after its put until GetBucketLifecycleConfiguration answers rules
// reflect.DeepEqual to the ones it sent (lifecycleRulesEqual), so every
// shape its acceptance tests apply against S3 must read back as sent: an
// empty Filter, the deprecated Prefix, And with sizes and tags, Days 0 to
// GLACIER_IR, dates, ExpiredObjectDeleteMarker, and (the fix) an empty
// Expiration and ExpiredObjectDeleteMarker false alone, which S3 takes
// (TestAccS3BucketLifecycleConfiguration_RuleExpiration_emptyBlock and
// _RuleExpiration_expireMarkerOnly read back one expiration) and osslite
// refused with InvalidArgument. An expiration that expires nothing gives
// objects no x-amz-expiration. The response carries
// x-amz-transition-default-minimum-object-size as the acceptance tests
// read it (all_storage_classes_128K).
func TestTfpLifecycleRulesReadBack(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	enableVersioning(t, c, "tf-lc")
	b := aws.String("tf-lc")
	date := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	days := func(n int32) *types.LifecycleExpiration { return &types.LifecycleExpiration{Days: aws.Int32(n)} }
	rule := func(r types.LifecycleRule) types.LifecycleRule {
		r.ID, r.Status = aws.String("tf-rule"), types.ExpirationStatusEnabled
		return r
	}
	shapes := map[string]types.LifecycleRule{
		"empty filter":    rule(types.LifecycleRule{Filter: &types.LifecycleRuleFilter{}, Expiration: days(365)}),
		"empty prefix":    rule(types.LifecycleRule{Filter: &types.LifecycleRuleFilter{Prefix: aws.String("")}, Expiration: days(365)}),
		"filter prefix":   rule(types.LifecycleRule{Filter: &types.LifecycleRuleFilter{Prefix: aws.String("prefix/")}, Expiration: days(1)}),
		"legacy prefix":   rule(types.LifecycleRule{Prefix: aws.String("path1/"), Expiration: days(365)}),
		"tag":             rule(types.LifecycleRule{Filter: &types.LifecycleRuleFilter{Tag: &types.Tag{Key: aws.String("k"), Value: aws.String("v")}}, Expiration: days(1)}),
		"size":            rule(types.LifecycleRule{Filter: &types.LifecycleRuleFilter{ObjectSizeGreaterThan: aws.Int64(100)}, Expiration: days(1)}),
		"and":             rule(types.LifecycleRule{Filter: &types.LifecycleRuleFilter{And: &types.LifecycleRuleAndOperator{Prefix: aws.String("p/"), ObjectSizeGreaterThan: aws.Int64(100), ObjectSizeLessThan: aws.Int64(500), Tags: []types.Tag{{Key: aws.String("k1"), Value: aws.String("v1")}, {Key: aws.String("k2"), Value: aws.String("v2")}}}}, Expiration: days(1)}),
		"transition 0":    rule(types.LifecycleRule{Filter: &types.LifecycleRuleFilter{}, Transitions: []types.Transition{{Days: aws.Int32(0), StorageClass: types.TransitionStorageClassGlacierIr}}}),
		"transition date": rule(types.LifecycleRule{Filter: &types.LifecycleRuleFilter{}, Transitions: []types.Transition{{Date: &date, StorageClass: types.TransitionStorageClassStandardIa}}}),
		"expiration date": rule(types.LifecycleRule{Filter: &types.LifecycleRuleFilter{}, Expiration: &types.LifecycleExpiration{Date: &date}}),
		"marker true":     rule(types.LifecycleRule{Filter: &types.LifecycleRuleFilter{Prefix: aws.String("prefix/")}, Expiration: &types.LifecycleExpiration{ExpiredObjectDeleteMarker: aws.Bool(true)}}),
		"noncurrent":      rule(types.LifecycleRule{Filter: &types.LifecycleRuleFilter{}, NoncurrentVersionExpiration: &types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(90), NewerNoncurrentVersions: aws.Int32(2)}, NoncurrentVersionTransitions: []types.NoncurrentVersionTransition{{NoncurrentDays: aws.Int32(30), StorageClass: types.TransitionStorageClassGlacier, NewerNoncurrentVersions: aws.Int32(1)}}}),
		"abort":           rule(types.LifecycleRule{Filter: &types.LifecycleRuleFilter{Prefix: aws.String("")}, AbortIncompleteMultipartUpload: &types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(7)}}),
		"empty block":     rule(types.LifecycleRule{Filter: &types.LifecycleRuleFilter{Prefix: aws.String("prefix/")}, Expiration: &types.LifecycleExpiration{}}),
		"marker false":    rule(types.LifecycleRule{Filter: &types.LifecycleRuleFilter{Prefix: aws.String("prefix/")}, Expiration: &types.LifecycleExpiration{ExpiredObjectDeleteMarker: aws.Bool(false)}}),
	}
	for name, r := range shapes {
		put, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: b,
			LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{r}}})
		if !assert.NoError(t, err, name) {
			continue
		}
		assert.Equal(t, types.TransitionDefaultMinimumObjectSizeAllStorageClasses128k, put.TransitionDefaultMinimumObjectSize, name)
		got, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b})
		require.NoError(t, err, name)
		require.Len(t, got.Rules, 1, name)
		assert.True(t, reflect.DeepEqual(r, got.Rules[0]), "%s: sent %+v, read back %+v", name, r, got.Rules[0])
		assert.Equal(t, types.TransitionDefaultMinimumObjectSizeAllStorageClasses128k, got.TransitionDefaultMinimumObjectSize, name)
	}

	// The last rule put expires nothing: an object under its prefix is
	// answered without x-amz-expiration.
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("prefix/o"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	for _, name := range []string{"empty block", "marker false"} {
		r := shapes[name]
		_, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: b,
			LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{r}}})
		require.NoError(t, err)
		h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: b, Key: aws.String("prefix/o")})
		require.NoError(t, err)
		assert.Nil(t, h.Expiration, name)
	}

	// Days and Date stay exclusive with ExpiredObjectDeleteMarker true
	// (AWS's answer in LocalStack's test_put_bucket_lifecycle_conf_exc).
	_, err = c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: b,
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{rule(types.LifecycleRule{
			Filter: &types.LifecycleRuleFilter{}, Expiration: &types.LifecycleExpiration{Days: aws.Int32(1), ExpiredObjectDeleteMarker: aws.Bool(true)}})}}})
	assert.Equal(t, "MalformedXML", tfpErrCode(err))
}

// TestTfpSubresourceReadBack: what the provider's sub-resources read back
// after their put, as their acceptance tests check it: logging's
// TargetObjectKeyFormat (SimplePrefix, PartitionedPrefix), accelerate and
// request payment status, the bucket key flag, versioning's MFADelete, the
// public access block's four flags, the canned ACLs' grants (private 1,
// public-read 2, public-read-write 3, authenticated-read 2,
// log-delivery-write 3), CORS rule IDs and website routing rules; and the
// answers of deletes of what is not there (the provider's delete ignores
// only NoSuchBucket and the resource's not-found code).
func TestTfpSubresourceReadBack(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	seedBucket(t, f, "tf-sub")
	seedBucket(t, f, "tf-logs")
	b := aws.String("tf-sub")

	for _, kf := range []*types.TargetObjectKeyFormat{
		{SimplePrefix: &types.SimplePrefix{}},
		{PartitionedPrefix: &types.PartitionedPrefix{PartitionDateSource: types.PartitionDateSourceEventTime}},
	} {
		_, err := c.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: b, BucketLoggingStatus: &types.BucketLoggingStatus{
			LoggingEnabled: &types.LoggingEnabled{TargetBucket: aws.String("tf-logs"), TargetPrefix: aws.String("log/"), TargetObjectKeyFormat: kf}}})
		require.NoError(t, err)
		out, err := c.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: b})
		require.NoError(t, err)
		require.NotNil(t, out.LoggingEnabled)
		assert.True(t, reflect.DeepEqual(kf, out.LoggingEnabled.TargetObjectKeyFormat), "%+v", out.LoggingEnabled.TargetObjectKeyFormat)
	}

	_, err := c.PutBucketAccelerateConfiguration(ctx, &s3.PutBucketAccelerateConfigurationInput{Bucket: b,
		AccelerateConfiguration: &types.AccelerateConfiguration{Status: types.BucketAccelerateStatusEnabled}})
	require.NoError(t, err)
	acc, err := c.GetBucketAccelerateConfiguration(ctx, &s3.GetBucketAccelerateConfigurationInput{Bucket: b})
	require.NoError(t, err)
	assert.Equal(t, types.BucketAccelerateStatusEnabled, acc.Status)

	_, err = c.PutBucketRequestPayment(ctx, &s3.PutBucketRequestPaymentInput{Bucket: b,
		RequestPaymentConfiguration: &types.RequestPaymentConfiguration{Payer: types.PayerRequester}})
	require.NoError(t, err)
	pay, err := c.GetBucketRequestPayment(ctx, &s3.GetBucketRequestPaymentInput{Bucket: b})
	require.NoError(t, err)
	assert.Equal(t, types.PayerRequester, pay.Payer)

	_, err = c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: b, ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{
		Rules: []types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAes256}, BucketKeyEnabled: aws.Bool(true)}}}})
	require.NoError(t, err)
	enc, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b})
	require.NoError(t, err)
	require.Len(t, enc.ServerSideEncryptionConfiguration.Rules, 1)
	assert.True(t, aws.ToBool(enc.ServerSideEncryptionConfiguration.Rules[0].BucketKeyEnabled))

	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: b, VersioningConfiguration: &types.VersioningConfiguration{
		Status: types.BucketVersioningStatusEnabled, MFADelete: types.MFADeleteDisabled}})
	require.NoError(t, err)
	ver, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b})
	require.NoError(t, err)
	assert.Equal(t, types.BucketVersioningStatusEnabled, ver.Status)
	assert.Equal(t, types.MFADeleteStatusDisabled, ver.MFADelete)

	_, err = c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: b, PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{
		BlockPublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(false)}})
	require.NoError(t, err)
	pab, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b})
	require.NoError(t, err)
	p := pab.PublicAccessBlockConfiguration
	assert.Equal(t, []bool{true, false, false, false}, []bool{aws.ToBool(p.BlockPublicAcls), aws.ToBool(p.BlockPublicPolicy), aws.ToBool(p.IgnorePublicAcls), aws.ToBool(p.RestrictPublicBuckets)})
	_, err = c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: b})
	require.NoError(t, err)

	for acl, n := range map[types.BucketCannedACL]int{"private": 1, "public-read": 2, "public-read-write": 3, "authenticated-read": 2, "log-delivery-write": 3} {
		_, err := c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: b, ACL: acl})
		require.NoError(t, err, acl)
		got, err := c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b})
		require.NoError(t, err)
		assert.Len(t, got.Grants, n, acl)
		assert.NotEmpty(t, aws.ToString(got.Owner.ID))
	}

	cors := []types.CORSRule{
		{ID: aws.String("r1"), AllowedMethods: []string{"PUT", "POST"}, AllowedOrigins: []string{"https://a.example"}, AllowedHeaders: []string{"*"}, ExposeHeaders: []string{"ETag"}, MaxAgeSeconds: aws.Int32(3000)},
		{AllowedMethods: []string{"GET"}, AllowedOrigins: []string{"*"}},
	}
	_, err = c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: b, CORSConfiguration: &types.CORSConfiguration{CORSRules: cors}})
	require.NoError(t, err)
	gc, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: b})
	require.NoError(t, err)
	assert.True(t, reflect.DeepEqual(cors, gc.CORSRules), "%+v", gc.CORSRules)

	rr := []types.RoutingRule{
		{Condition: &types.Condition{KeyPrefixEquals: aws.String("docs/")}, Redirect: &types.Redirect{ReplaceKeyPrefixWith: aws.String("documents/")}},
		{Condition: &types.Condition{HttpErrorCodeReturnedEquals: aws.String("404")}, Redirect: &types.Redirect{ReplaceKeyPrefixWith: aws.String("")}},
	}
	_, err = c.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: b, WebsiteConfiguration: &types.WebsiteConfiguration{
		IndexDocument: &types.IndexDocument{Suffix: aws.String("index.html")}, RoutingRules: rr}})
	require.NoError(t, err)
	gw, err := c.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: b})
	require.NoError(t, err)
	assert.True(t, reflect.DeepEqual(rr, gw.RoutingRules), "%+v", gw.RoutingRules)

	// Deletes of what is not there.
	_, err = c.DeleteBucketLifecycle(ctx, &s3.DeleteBucketLifecycleInput{Bucket: b})
	assert.NoError(t, err)
	_, err = c.DeleteBucketReplication(ctx, &s3.DeleteBucketReplicationInput{Bucket: b})
	assert.NoError(t, err)
	_, err = c.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: b})
	assert.NoError(t, err)
	_, err = c.DeleteBucketMetricsConfiguration(ctx, &s3.DeleteBucketMetricsConfigurationInput{Bucket: b, Id: aws.String("none")})
	assert.Equal(t, "NoSuchConfiguration", tfpErrCode(err))
	_, err = c.DeleteBucketAnalyticsConfiguration(ctx, &s3.DeleteBucketAnalyticsConfigurationInput{Bucket: b, Id: aws.String("none")})
	assert.Equal(t, "NoSuchConfiguration", tfpErrCode(err))
}

// TestTfpExpectedBucketOwner: every resource but aws_s3_bucket takes
// expected_bucket_owner and sends it on each call; an account that does
// not own the bucket is 403 AccessDenied, the owner's ID passes.
func TestTfpExpectedBucketOwner(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	seedBucket(t, f, "tf-ebo")
	b := aws.String("tf-ebo")
	acl, err := c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b})
	require.NoError(t, err)
	_, err = c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b, ExpectedBucketOwner: aws.String("123456789012")})
	hsaRequireStatus(t, err, 403, "AccessDenied")
	_, err = c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b, ExpectedBucketOwner: acl.Owner.ID})
	assert.NoError(t, err)
}

// TestTfpReplicationRulesReadBack: aws_s3_bucket_replication_configuration
// reads its rules back after the put; each shape its acceptance tests
// apply reads back as sent (a rule put without an ID gets one: the id
// attribute is computed).
func TestTfpReplicationRulesReadBack(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	enableVersioning(t, c, "tf-src", "tf-dst")
	b := aws.String("tf-src")
	dest := func() *types.Destination { return &types.Destination{Bucket: aws.String("arn:aws:s3:::tf-dst")} }
	v2 := func(r types.ReplicationRule) types.ReplicationRule {
		r.ID, r.Status, r.Priority = aws.String("tf"), types.ReplicationRuleStatusEnabled, aws.Int32(1)
		if r.DeleteMarkerReplication == nil {
			r.DeleteMarkerReplication = &types.DeleteMarkerReplication{Status: types.DeleteMarkerReplicationStatusDisabled}
		}
		if r.Destination == nil {
			r.Destination = dest()
		}
		return r
	}
	shapes := map[string]types.ReplicationRule{
		"empty filter": v2(types.ReplicationRule{Filter: &types.ReplicationRuleFilter{}}),
		"empty prefix": v2(types.ReplicationRule{Filter: &types.ReplicationRuleFilter{Prefix: aws.String("")}, DeleteMarkerReplication: &types.DeleteMarkerReplication{Status: types.DeleteMarkerReplicationStatusEnabled}}),
		"tag":          v2(types.ReplicationRule{Filter: &types.ReplicationRuleFilter{Tag: &types.Tag{Key: aws.String("k"), Value: aws.String("v")}}}),
		"and":          v2(types.ReplicationRule{Filter: &types.ReplicationRuleFilter{And: &types.ReplicationRuleAndOperator{Prefix: aws.String("p"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}}}),
		"rtc": v2(types.ReplicationRule{Filter: &types.ReplicationRuleFilter{Prefix: aws.String("p")}, Destination: &types.Destination{Bucket: aws.String("arn:aws:s3:::tf-dst"),
			Metrics:         &types.Metrics{Status: types.MetricsStatusEnabled, EventThreshold: &types.ReplicationTimeValue{Minutes: aws.Int32(15)}},
			ReplicationTime: &types.ReplicationTime{Status: types.ReplicationTimeStatusEnabled, Time: &types.ReplicationTimeValue{Minutes: aws.Int32(15)}}}}),
		"sse kms": v2(types.ReplicationRule{Filter: &types.ReplicationRuleFilter{},
			SourceSelectionCriteria: &types.SourceSelectionCriteria{ReplicaModifications: &types.ReplicaModifications{Status: types.ReplicaModificationsStatusEnabled}, SseKmsEncryptedObjects: &types.SseKmsEncryptedObjects{Status: types.SseKmsEncryptedObjectsStatusEnabled}},
			Destination:             &types.Destination{Bucket: aws.String("arn:aws:s3:::tf-dst"), EncryptionConfiguration: &types.EncryptionConfiguration{ReplicaKmsKeyID: aws.String("arn:aws:kms:us-east-1:123456789012:key/tf")}}}),
		"existing": v2(types.ReplicationRule{Filter: &types.ReplicationRuleFilter{}, ExistingObjectReplication: &types.ExistingObjectReplication{Status: types.ExistingObjectReplicationStatusEnabled}}),
		"owner": v2(types.ReplicationRule{Filter: &types.ReplicationRuleFilter{}, Destination: &types.Destination{Bucket: aws.String("arn:aws:s3:::tf-dst"),
			Account: aws.String("123456789012"), AccessControlTranslation: &types.AccessControlTranslation{Owner: types.OwnerOverrideDestination}}}),
		"v1 prefix": {ID: aws.String("tf"), Status: types.ReplicationRuleStatusEnabled, Prefix: aws.String("foo"), Destination: dest()},
	}
	for name, r := range shapes {
		_, err := c.PutBucketReplication(ctx, &s3.PutBucketReplicationInput{Bucket: b, ReplicationConfiguration: &types.ReplicationConfiguration{
			Role: aws.String("arn:aws:iam::123456789012:role/tf"), Rules: []types.ReplicationRule{r}}})
		if !assert.NoError(t, err, name) {
			continue
		}
		got, err := c.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: b})
		require.NoError(t, err, name)
		require.Len(t, got.ReplicationConfiguration.Rules, 1, name)
		assert.True(t, reflect.DeepEqual(r, got.ReplicationConfiguration.Rules[0]), "%s: sent %+v, read back %+v", name, r, got.ReplicationConfiguration.Rules[0])
	}
	_, err := c.PutBucketReplication(ctx, &s3.PutBucketReplicationInput{Bucket: b, ReplicationConfiguration: &types.ReplicationConfiguration{
		Role: aws.String("arn:aws:iam::123456789012:role/tf"), Rules: []types.ReplicationRule{{Status: types.ReplicationRuleStatusEnabled, Prefix: aws.String(""), Destination: dest()}}}})
	require.NoError(t, err)
	got, err := c.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: b})
	require.NoError(t, err)
	assert.NotEmpty(t, aws.ToString(got.ReplicationConfiguration.Rules[0].ID))
}

// TestTfpPerIDConfigurationsReadBack: analytics, metrics (prefix, And,
// access point filters), inventory and Intelligent-Tiering configurations
// read back as the provider put them.
func TestTfpPerIDConfigurationsReadBack(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	seedBucket(t, f, "tf-ids")
	seedBucket(t, f, "tf-dest")
	b := aws.String("tf-ids")

	for _, an := range []types.AnalyticsConfiguration{
		{Id: aws.String("a1"), Filter: &types.AnalyticsFilterMemberPrefix{Value: "p/"}, StorageClassAnalysis: &types.StorageClassAnalysis{DataExport: &types.StorageClassAnalysisDataExport{
			OutputSchemaVersion: types.StorageClassAnalysisSchemaVersionV1, Destination: &types.AnalyticsExportDestination{S3BucketDestination: &types.AnalyticsS3BucketDestination{
				Bucket: aws.String("arn:aws:s3:::tf-dest"), Format: types.AnalyticsS3ExportFileFormatCsv, Prefix: aws.String("x")}}}}},
		{Id: aws.String("a2"), StorageClassAnalysis: &types.StorageClassAnalysis{}},
	} {
		_, err := c.PutBucketAnalyticsConfiguration(ctx, &s3.PutBucketAnalyticsConfigurationInput{Bucket: b, Id: an.Id, AnalyticsConfiguration: &an})
		require.NoError(t, err)
		got, err := c.GetBucketAnalyticsConfiguration(ctx, &s3.GetBucketAnalyticsConfigurationInput{Bucket: b, Id: an.Id})
		require.NoError(t, err)
		assert.True(t, reflect.DeepEqual(an, *got.AnalyticsConfiguration), "%s: %+v", *an.Id, got.AnalyticsConfiguration)
	}
	for _, m := range []types.MetricsConfiguration{
		{Id: aws.String("m1")},
		{Id: aws.String("m2"), Filter: &types.MetricsFilterMemberPrefix{Value: "p/"}},
		{Id: aws.String("m3"), Filter: &types.MetricsFilterMemberAnd{Value: types.MetricsAndOperator{Prefix: aws.String("p/"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}}},
		{Id: aws.String("m4"), Filter: &types.MetricsFilterMemberAccessPointArn{Value: "arn:aws:s3:us-east-1:123456789012:accesspoint/ap"}},
	} {
		_, err := c.PutBucketMetricsConfiguration(ctx, &s3.PutBucketMetricsConfigurationInput{Bucket: b, Id: m.Id, MetricsConfiguration: &m})
		require.NoError(t, err)
		got, err := c.GetBucketMetricsConfiguration(ctx, &s3.GetBucketMetricsConfigurationInput{Bucket: b, Id: m.Id})
		require.NoError(t, err)
		assert.True(t, reflect.DeepEqual(m, *got.MetricsConfiguration), "%s: %#v", *m.Id, got.MetricsConfiguration.Filter)
	}
	inv := types.InventoryConfiguration{Id: aws.String("i1"), IsEnabled: aws.Bool(true), IncludedObjectVersions: types.InventoryIncludedObjectVersionsAll,
		Schedule:       &types.InventorySchedule{Frequency: types.InventoryFrequencyWeekly},
		OptionalFields: []types.InventoryOptionalField{types.InventoryOptionalFieldSize, types.InventoryOptionalFieldETag, types.InventoryOptionalFieldLastModifiedDate},
		Filter:         &types.InventoryFilter{Prefix: aws.String("documents/")},
		Destination: &types.InventoryDestination{S3BucketDestination: &types.InventoryS3BucketDestination{Bucket: aws.String("arn:aws:s3:::tf-dest"),
			Format: types.InventoryFormatCsv, Prefix: aws.String("inventory"), Encryption: &types.InventoryEncryption{SSES3: &types.SSES3{}}}}}
	_, err := c.PutBucketInventoryConfiguration(ctx, &s3.PutBucketInventoryConfigurationInput{Bucket: b, Id: inv.Id, InventoryConfiguration: &inv})
	require.NoError(t, err)
	gi, err := c.GetBucketInventoryConfiguration(ctx, &s3.GetBucketInventoryConfigurationInput{Bucket: b, Id: inv.Id})
	require.NoError(t, err)
	assert.True(t, reflect.DeepEqual(inv, *gi.InventoryConfiguration), "%+v", gi.InventoryConfiguration)
	for _, it := range []types.IntelligentTieringConfiguration{
		{Id: aws.String("t1"), Status: types.IntelligentTieringStatusEnabled,
			Tierings: []types.Tiering{{AccessTier: types.IntelligentTieringAccessTierDeepArchiveAccess, Days: aws.Int32(180)}, {AccessTier: types.IntelligentTieringAccessTierArchiveAccess, Days: aws.Int32(125)}},
			Filter:   &types.IntelligentTieringFilter{And: &types.IntelligentTieringAndOperator{Prefix: aws.String("p/"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}}},
		{Id: aws.String("t2"), Status: types.IntelligentTieringStatusDisabled, Tierings: []types.Tiering{{AccessTier: types.IntelligentTieringAccessTierArchiveAccess, Days: aws.Int32(90)}}},
	} {
		_, err := c.PutBucketIntelligentTieringConfiguration(ctx, &s3.PutBucketIntelligentTieringConfigurationInput{Bucket: b, Id: it.Id, IntelligentTieringConfiguration: &it})
		require.NoError(t, err)
		got, err := c.GetBucketIntelligentTieringConfiguration(ctx, &s3.GetBucketIntelligentTieringConfigurationInput{Bucket: b, Id: it.Id})
		require.NoError(t, err)
		assert.True(t, reflect.DeepEqual(it, *got.IntelligentTieringConfiguration), "%s: %+v", *it.Id, got.IntelligentTieringConfiguration)
	}
}

// TestTfpForceDestroy: aws_s3_bucket's force_destroy (delete.go's
// emptyBucket): DeleteBucket answers BucketNotEmpty; ListObjectVersions
// with EncodingType url, keys unescaped; keys outside XML's characters
// deleted one by one, the rest by DeleteObjects (Quiet, with
// BypassGovernanceRetention); a version under legal hold is a per-key
// AccessDenied, which the provider answers by PutObjectLegalHold OFF and
// DeleteObject; then the delete markers; then DeleteBucket succeeds and
// HeadBucket answers 404.
func TestTfpForceDestroy(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	b := aws.String("tf-destroy")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b, ObjectLockEnabledForBucket: aws.Bool(true)})
	require.NoError(t, err)
	for _, k := range []string{"a b+c", "held", "governed", "ctl\x01key", "ünï/x", "twice", "twice"} {
		in := &s3.PutObjectInput{Bucket: b, Key: aws.String(k), Body: strings.NewReader("x")}
		switch k {
		case "held":
			in.ObjectLockLegalHoldStatus = types.ObjectLockLegalHoldStatusOn
		case "governed":
			in.ObjectLockMode, in.ObjectLockRetainUntilDate = types.ObjectLockModeGovernance, aws.Time(time.Now().Add(24*time.Hour))
		}
		_, err := c.PutObject(ctx, in)
		require.NoError(t, err, k)
	}
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: aws.String("twice")})
	require.NoError(t, err)
	_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: b})
	require.Equal(t, "BucketNotEmpty", tfpErrCode(err))

	list := func() *s3.ListObjectVersionsOutput {
		out, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: b, EncodingType: types.EncodingTypeUrl})
		require.NoError(t, err)
		for i := range out.Versions {
			k, err := url.QueryUnescape(aws.ToString(out.Versions[i].Key))
			require.NoError(t, err)
			out.Versions[i].Key = aws.String(k)
		}
		for i := range out.DeleteMarkers {
			k, err := url.QueryUnescape(aws.ToString(out.DeleteMarkers[i].Key))
			require.NoError(t, err)
			out.DeleteMarkers[i].Key = aws.String(k)
		}
		return out
	}
	var bulk []types.ObjectIdentifier
	keys := map[string]bool{}
	for _, v := range list().Versions {
		keys[aws.ToString(v.Key)] = true
		if strings.ContainsRune(aws.ToString(v.Key), 1) {
			_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: v.Key, VersionId: v.VersionId, BypassGovernanceRetention: aws.Bool(true)})
			require.NoError(t, err)
			continue
		}
		bulk = append(bulk, types.ObjectIdentifier{Key: v.Key, VersionId: v.VersionId})
	}
	assert.True(t, keys["a b+c"] && keys["ünï/x"] && keys["ctl\x01key"], "%v", keys)
	out, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: b, BypassGovernanceRetention: aws.Bool(true),
		Delete: &types.Delete{Objects: bulk, Quiet: aws.Bool(true)}})
	require.NoError(t, err)
	require.Len(t, out.Errors, 1)
	e := out.Errors[0]
	assert.Equal(t, "held", aws.ToString(e.Key))
	assert.Equal(t, "AccessDenied", aws.ToString(e.Code))
	_, err = c.PutObjectLegalHold(ctx, &s3.PutObjectLegalHoldInput{Bucket: b, Key: e.Key, VersionId: e.VersionId,
		LegalHold: &types.ObjectLockLegalHold{Status: types.ObjectLockLegalHoldStatusOff}})
	require.NoError(t, err)
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: e.Key, VersionId: e.VersionId})
	require.NoError(t, err)

	left := list()
	require.Empty(t, left.Versions)
	var markers []types.ObjectIdentifier
	for _, m := range left.DeleteMarkers {
		markers = append(markers, types.ObjectIdentifier{Key: m.Key, VersionId: m.VersionId})
	}
	require.Len(t, markers, 1)
	out, err = c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: b, Delete: &types.Delete{Objects: markers, Quiet: aws.Bool(true)}})
	require.NoError(t, err)
	require.Empty(t, out.Errors)
	_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: b})
	require.NoError(t, err)
	_, err = c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: b})
	hsaRequireStatus(t, err, 404, "")
}

// TestLifecycleNoncurrentZeroDaysReadBack: a NoncurrentVersionTransition
// with NoncurrentDays 0 to an archive or tiering class is taken and read
// back as 0, as terraform-provider-aws's acceptance tests read it back
// from S3 (TestAccS3BucketLifecycleConfiguration_frameworkMigration_
// TransitionDate: NoncurrentDays 0 to INTELLIGENT_TIERING); to
// STANDARD_IA it stays refused (TestReview30bLifecycleZeroDaysEdges).
func TestLifecycleNoncurrentZeroDaysReadBack(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	b := aws.String("tfp-nc-zero")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b})
	require.NoError(t, err)
	_, err = c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: b,
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{{
			ID: aws.String("r"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("")},
			NoncurrentVersionTransitions: []types.NoncurrentVersionTransition{{NoncurrentDays: aws.Int32(0), StorageClass: types.TransitionStorageClassIntelligentTiering}},
		}}}})
	require.NoError(t, err)
	got, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b})
	require.NoError(t, err)
	require.Len(t, got.Rules, 1)
	require.Len(t, got.Rules[0].NoncurrentVersionTransitions, 1)
	nt := got.Rules[0].NoncurrentVersionTransitions[0]
	require.NotNil(t, nt.NoncurrentDays, "NoncurrentDays 0 is written, not left out")
	require.Equal(t, int32(0), *nt.NoncurrentDays)
	require.Equal(t, types.TransitionStorageClassIntelligentTiering, nt.StorageClass)
}
