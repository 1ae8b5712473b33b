package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConfigUnknownElementsRefused: a configuration document with an
// element its decoder does not name is refused, not taken with the
// element dropped: one the service documents and osslite does not
// implement (OSS website mirroring's MirrorRole, MirrorDstVpcId, ...; a
// wildcard custom domain) is 501 NotImplemented naming it, any other
// MalformedXML, as S3 answers a document its schema does not have. Each
// was a 200 that GET then contradicted. The refusal stores nothing. S3's
// logging Grantee DisplayName, which S3 ignores in a request, is taken.
func TestConfigUnknownElementsRefused(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	c := f.client()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("strict")})
	require.NoError(t, err)

	// S3: an element S3's schema does not have.
	doc := `<LifecycleConfiguration><Rule><ID>r</ID><Filter><Prefix>p/</Prefix></Filter><Status>Enabled</Status>` +
		`<Expiration><Days>1</Days><Hours>5</Hours></Expiration></Rule></LifecycleConfiguration>`
	r := f.do(t, raw{method: "PUT", path: "/strict?lifecycle", body: []byte(doc), header: hdr("Content-MD5", md5b64([]byte(doc)))})
	require.Equal(t, http.StatusBadRequest, r.StatusCode, string(r.body))
	assert.Equal(t, "MalformedXML", r.errCode())
	assert.Contains(t, string(r.body), "Rule/Expiration/Hours is not an element of LifecycleConfiguration")
	_, err = c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String("strict")})
	requireAPIError(t, err, "NoSuchLifecycleConfiguration")

	_, err = c.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: aws.String("strict"), BucketLoggingStatus: &types.BucketLoggingStatus{
		LoggingEnabled: &types.LoggingEnabled{TargetBucket: aws.String("strict"), TargetPrefix: aws.String("logs/"),
			TargetGrants: []types.TargetGrant{{Permission: types.BucketLogsPermissionRead, Grantee: &types.Grantee{
				Type: types.TypeCanonicalUser, ID: aws.String(canonicalID(testAK)), DisplayName: aws.String("me")}}}}}})
	require.NoError(t, err, "S3 takes and ignores a grantee's DisplayName")

	// OSS, through alibabacloud-oss-go-sdk-v2: website mirroring osslite
	// does not implement.
	o := f.ossV2(testAK, testSK)
	v2Bucket(t, o, "strict-oss")
	_, err = o.PutBucketWebsite(bg, &oss2.PutBucketWebsiteRequest{Bucket: oss2.Ptr("strict-oss"), WebsiteConfiguration: &oss2.WebsiteConfiguration{
		IndexDocument: &oss2.IndexDocument{Suffix: oss2.Ptr("index.html")},
		RoutingRules: &oss2.RoutingRules{RoutingRules: []oss2.RoutingRule{{RuleNumber: oss2.Ptr(int64(1)),
			Condition: &oss2.RoutingRuleCondition{HttpErrorCodeReturnedEquals: oss2.Ptr(int64(404))},
			Redirect: &oss2.RoutingRuleRedirect{RedirectType: oss2.Ptr("Mirror"), MirrorURL: oss2.Ptr("https://origin.example/"),
				MirrorRole: oss2.Ptr("role")}}}}}})
	e := wantOSS(t, err, http.StatusNotImplemented, "NotImplemented", "")
	assert.True(t, strings.Contains(e.message, "MirrorRole"), e.message)
	_, err = o.GetBucketWebsite(bg, &oss2.GetBucketWebsiteRequest{Bucket: oss2.Ptr("strict-oss")})
	wantOSS(t, err, http.StatusNotFound, "NoSuchWebsiteConfiguration", "")

	// The same rule without it is taken.
	_, err = o.PutBucketWebsite(bg, &oss2.PutBucketWebsiteRequest{Bucket: oss2.Ptr("strict-oss"), WebsiteConfiguration: &oss2.WebsiteConfiguration{
		IndexDocument: &oss2.IndexDocument{Suffix: oss2.Ptr("index.html")},
		RoutingRules: &oss2.RoutingRules{RoutingRules: []oss2.RoutingRule{{RuleNumber: oss2.Ptr(int64(1)),
			Condition: &oss2.RoutingRuleCondition{HttpErrorCodeReturnedEquals: oss2.Ptr(int64(404))},
			Redirect:  &oss2.RoutingRuleRedirect{RedirectType: oss2.Ptr("Mirror"), MirrorURL: oss2.Ptr("https://origin.example/")}}}}}})
	ok(t, err)

	_, err = o.PutCname(bg, &oss2.PutCnameRequest{Bucket: oss2.Ptr("strict-oss"), BucketCnameConfiguration: &oss2.BucketCnameConfiguration{
		Cname: &oss2.Cname{Domain: oss2.Ptr("*.example.com"), IsWildCard: oss2.Ptr(true)}}})
	e = wantOSS(t, err, http.StatusNotImplemented, "NotImplemented", "")
	assert.Contains(t, e.message, "IsWildCard")

	// S3's UseSourceMultiRegionKey, which OSS's replication document
	// shares a type with, is not OSS's.
	v2Bucket(t, o, "strict-dst")
	doc = `<ReplicationConfiguration><Rule><Destination><Bucket>strict-dst</Bucket><Location>oss-cn-hangzhou</Location></Destination>` +
		`<SourceSelectionCriteria><SseKmsEncryptedObjects><Status>Enabled</Status></SseKmsEncryptedObjects></SourceSelectionCriteria>` +
		`<EncryptionConfiguration><ReplicaKmsKeyID>k</ReplicaKmsKeyID><UseSourceMultiRegionKey><Status>Enabled</Status></UseSourceMultiRegionKey></EncryptionConfiguration>` +
		`</Rule></ReplicationConfiguration>`
	r = f.do(t, raw{method: "POST", path: "/strict-oss?replication&comp=add", sign: "oss-v4", body: []byte(doc), header: hdr("Content-MD5", md5b64([]byte(doc)))})
	require.Equal(t, http.StatusBadRequest, r.StatusCode, string(r.body))
	assert.Equal(t, "MalformedXML", r.errCode())
}

// TestOSSPutBucketHeaders: PutBucket's x-oss-resource-group-id, which
// alibabacloud-oss-go-sdk-v2 sends from PutBucketRequest.ResourceGroupId,
// puts the new bucket in that resource group (GetBucketResourceGroup
// reads it back; one not of Resource Manager's shape fails the
// pre-check, creating nothing); x-oss-agentic-bucket is 501
// NotImplemented. Both were ignored.
func TestOSSPutBucketHeaders(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	o := f.ossV2(testAK, testSK)
	_, err := o.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr("rg-bucket"), ResourceGroupId: oss2.Ptr("rg-aekz2nyfnqmzhki")})
	ok(t, err)
	got, err := o.GetBucketResourceGroup(bg, &oss2.GetBucketResourceGroupRequest{Bucket: oss2.Ptr("rg-bucket")})
	ok(t, err)
	assert.Equal(t, "rg-aekz2nyfnqmzhki", oss2.ToString(got.BucketResourceGroupConfiguration.ResourceGroupId))

	_, err = o.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr("rg-bad"), ResourceGroupId: oss2.Ptr("not a group")})
	wantOSS(t, err, http.StatusBadRequest, "ResourceGroupIdPreCheckError", "")
	_, err = o.GetBucketInfo(bg, &oss2.GetBucketInfoRequest{Bucket: oss2.Ptr("rg-bad")})
	wantOSS(t, err, http.StatusNotFound, "NoSuchBucket", "")

	_, err = o.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr("agentic"), AgenticBucket: oss2.Ptr("agent")})
	wantOSS(t, err, http.StatusNotImplemented, "NotImplemented", "")
}

// TestS3CreateBucketNamespace: CreateBucket's x-amz-bucket-namespace
// (aws-sdk-go-v2's BucketNamespace) was ignored. Every bucket here is in
// the global namespace, so "global" is taken; S3's account regional
// namespace is not implemented and is 501 NotImplemented, creating
// nothing; another value is InvalidArgument.
func TestS3CreateBucketNamespace(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("global-ns"), BucketNamespace: types.BucketNamespaceGlobal})
	require.NoError(t, err)
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("regional-123456789012-us-east-1-an"),
		BucketNamespace: types.BucketNamespaceAccountRegional})
	requireAPIError(t, err, "NotImplemented")
	_, err = c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("regional-123456789012-us-east-1-an")})
	require.Error(t, err)
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("odd-ns"), BucketNamespace: "galactic"})
	requireAPIError(t, err, "InvalidArgument")
}
