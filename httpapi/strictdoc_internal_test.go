package httpapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	osssdk "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	osscreds "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aws/aws-sdk-go-v2/aws"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// captureBodies is an HTTP transport that keeps the last request body and
// answers 200 with nothing.
type captureBodies struct{ body []byte }

func (c *captureBodies) RoundTrip(r *http.Request) (*http.Response, error) {
	c.body = nil
	if r.Body != nil {
		c.body, _ = io.ReadAll(r.Body)
	}
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("")), Request: r}, nil
}

func (c *captureBodies) Do(r *http.Request) (*http.Response, error) { return c.RoundTrip(r) }

// fillAll sets every exported field of v, recursively: strings "x" (an
// enum its first value), numbers 1, booleans true, one element a slice.
func fillAll(v reflect.Value, depth int) {
	if depth > 30 {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		fillAll(v.Elem(), depth+1)
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			v.Set(reflect.ValueOf(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)))
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fillAll(v.Field(i), depth+1)
			}
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return
		}
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fillAll(s.Index(0), depth+1)
		v.Set(s)
	case reflect.String:
		if m := v.Addr().MethodByName("Values"); m.IsValid() {
			if vals := m.Call(nil)[0]; vals.Len() > 0 {
				v.Set(vals.Index(0))
				return
			}
		}
		v.SetString("x")
	case reflect.Int32, reflect.Int64, reflect.Int:
		v.SetInt(1)
	case reflect.Bool:
		v.SetBool(true)
	}
}

// sdkDocCase is one configuration document an SDK writes with every
// member set, and the type osslite decodes it into.
type sdkDocCase struct {
	op   string // the client method
	in   any    // its input, filled by fillAll, then by fix
	fix  func(in any)
	doc  any    // osslite's document type (a zero value)
	want string // "" accepted, else the refusal's code and message
}

// runSDKDocs calls each case's op on client with its input filled, and
// checks the document the SDK wrote with checkElements.
func runSDKDocs(t *testing.T, client any, tr *captureBodies, cases []sdkDocCase) {
	ctx := context.Background()
	for _, k := range cases {
		t.Run(k.op, func(t *testing.T) {
			in := reflect.ValueOf(k.in)
			fillAll(in, 0)
			if k.fix != nil {
				k.fix(k.in)
			}
			if f := in.Elem().FieldByName("RequestCommon"); f.IsValid() {
				f.SetZero()
			}
			tr.body = nil
			reflect.ValueOf(client).MethodByName(k.op).Call([]reflect.Value{reflect.ValueOf(ctx), in})
			require.NotEmpty(t, tr.body, "the SDK wrote no document")
			doc := reflect.New(reflect.TypeOf(k.doc)).Interface()
			err := checkElements(tr.body, doc)
			if k.want == "" {
				assert.NoError(t, err, "%s", tr.body)
				return
			}
			var e *Error
			require.True(t, errors.As(err, &e), "%s: accepted, want %s", tr.body, k.want)
			assert.Equal(t, k.want, e.Code+": "+e.Message)
		})
	}
}

// TestConfigDocumentsS3SDK: every configuration document aws-sdk-go-v2
// writes, with every member it has set, is one osslite's decoder names
// all of: nothing S3 takes is dropped by encoding/xml unseen. (Elements
// named only to be refused, such as Object Lock's event holds, are
// refused by their parsers; their own tests check it.) A new SDK member
// fails this test until it is honoured, echoed or refused.
func TestConfigDocumentsS3SDK(t *testing.T) {
	tr := &captureBodies{}
	c := awss3.New(awss3.Options{Region: "us-east-1", HTTPClient: tr, BaseEndpoint: aws.String("http://127.0.0.1:1"), UsePathStyle: true,
		Credentials: awscreds.NewStaticCredentialsProvider("a", "b", ""), RetryMaxAttempts: 1})
	bucket := func(in any) { reflect.ValueOf(in).Elem().FieldByName("Bucket").Set(reflect.ValueOf(aws.String("bkt"))) }
	cases := []sdkDocCase{
		{op: "PutBucketLifecycleConfiguration", in: &awss3.PutBucketLifecycleConfigurationInput{}, doc: lifecycleXML{}},
		{op: "PutBucketCors", in: &awss3.PutBucketCorsInput{}, doc: corsDoc{}},
		{op: "PutBucketWebsite", in: &awss3.PutBucketWebsiteInput{}, doc: websiteDoc{}},
		{op: "PutBucketNotificationConfiguration", in: &awss3.PutBucketNotificationConfigurationInput{}, doc: notificationXML{}},
		{op: "PutBucketInventoryConfiguration", in: &awss3.PutBucketInventoryConfigurationInput{}, doc: inventoryXML{}},
		{op: "PutBucketAnalyticsConfiguration", in: &awss3.PutBucketAnalyticsConfigurationInput{}, doc: analyticsXML{},
			fix: func(in any) {
				a := in.(*awss3.PutBucketAnalyticsConfigurationInput).AnalyticsConfiguration
				a.Filter = &s3types.AnalyticsFilterMemberAnd{Value: s3types.AnalyticsAndOperator{Prefix: aws.String("p"),
					Tags: []s3types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}}
			}},
		{op: "PutBucketMetricsConfiguration", in: &awss3.PutBucketMetricsConfigurationInput{}, doc: metricsXML{},
			fix: func(in any) {
				m := in.(*awss3.PutBucketMetricsConfigurationInput).MetricsConfiguration
				m.Filter = &s3types.MetricsFilterMemberAnd{Value: s3types.MetricsAndOperator{Prefix: aws.String("p"),
					AccessPointArn: aws.String("arn:aws:s3:us-east-1:123456789012:accesspoint/ap"),
					Tags:           []s3types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}}
			}},
		{op: "PutBucketIntelligentTieringConfiguration", in: &awss3.PutBucketIntelligentTieringConfigurationInput{}, doc: tieringXML{}},
		{op: "PutBucketOwnershipControls", in: &awss3.PutBucketOwnershipControlsInput{}, doc: ownershipControlsDoc{}},
		{op: "PutPublicAccessBlock", in: &awss3.PutPublicAccessBlockInput{}, doc: publicAccessBlockDoc{}},
		{op: "PutBucketEncryption", in: &awss3.PutBucketEncryptionInput{}, doc: s3SSEConfig{}},
		{op: "PutBucketLogging", in: &awss3.PutBucketLoggingInput{}, doc: loggingXML{}},
		{op: "PutObjectLockConfiguration", in: &awss3.PutObjectLockConfigurationInput{}, doc: objectLockDoc{}},
		{op: "PutObjectRetention", in: &awss3.PutObjectRetentionInput{}, doc: retentionDoc{}},
		{op: "PutObjectLegalHold", in: &awss3.PutObjectLegalHoldInput{}, doc: legalHoldDoc{}},
		{op: "PutBucketRequestPayment", in: &awss3.PutBucketRequestPaymentInput{}, doc: requestPaymentXML{}},
		{op: "PutBucketAccelerateConfiguration", in: &awss3.PutBucketAccelerateConfigurationInput{}, doc: accelerateDoc{}},
		{op: "PutBucketTagging", in: &awss3.PutBucketTaggingInput{}, doc: tagging{}},
		{op: "PutBucketVersioning", in: &awss3.PutBucketVersioningInput{}, doc: versioningDoc{}},
		{op: "PutBucketReplication", in: &awss3.PutBucketReplicationInput{}, doc: replicationXML{}},
		{op: "CreateBucket", in: &awss3.CreateBucketInput{}, doc: createBucketConfiguration{}},
	}
	for i := range cases {
		fix := cases[i].fix
		cases[i].fix = func(in any) {
			bucket(in)
			if fix != nil {
				fix(in)
			}
		}
	}
	runSDKDocs(t, c, tr, cases)
}

// TestConfigDocumentsOSSSDK: the same for the configuration documents of
// alibabacloud-oss-go-sdk-v2; the members OSS takes and osslite does not
// implement are refused with NotImplemented, naming them.
func TestConfigDocumentsOSSSDK(t *testing.T) {
	tr := &captureBodies{}
	cfg := osssdk.LoadDefaultConfig().WithCredentialsProvider(osscreds.NewStaticCredentialsProvider("a", "b")).
		WithRegion("cn-hangzhou").WithEndpoint("http://127.0.0.1:1").WithHttpClient(&http.Client{Transport: tr}).WithRetryMaxAttempts(1)
	c := osssdk.NewClient(cfg)
	cases := []sdkDocCase{
		{op: "PutBucket", in: &osssdk.PutBucketRequest{}, doc: createBucketConfiguration{}},
		{op: "PutBucketVersioning", in: &osssdk.PutBucketVersioningRequest{}, doc: versioningDoc{}},
		{op: "PutBucketRequestPayment", in: &osssdk.PutBucketRequestPaymentRequest{}, doc: requestPaymentXML{}},
		{op: "PutBucketAccessMonitor", in: &osssdk.PutBucketAccessMonitorRequest{}, doc: accessMonitorDoc{}},
		{op: "PutBucketArchiveDirectRead", in: &osssdk.PutBucketArchiveDirectReadRequest{}, doc: enabledDoc{}},
		{op: "PutCname", in: &osssdk.PutCnameRequest{}, doc: cnameConfigDoc{},
			fix: func(in any) {
				c := in.(*osssdk.PutCnameRequest).BucketCnameConfiguration
				c.Domain, c.CertificateConfiguration = nil, nil // deprecated: the SDK moves them into Cname
			},
			want: "NotImplemented: Cname/IsWildCard is not implemented."},
		{op: "PutBucketCors", in: &osssdk.PutBucketCorsRequest{}, doc: corsDoc{}},
		{op: "PutBucketEncryption", in: &osssdk.PutBucketEncryptionRequest{}, doc: ossSSEConfig{}},
		{op: "PutBucketHttpsConfig", in: &osssdk.PutBucketHttpsConfigRequest{}, doc: httpsDoc{}},
		{op: "PutBucketInventory", in: &osssdk.PutBucketInventoryRequest{}, doc: ossInventoryXML{},
			want: "NotImplemented: Schedule/DayOfMonth is not implemented."},
		{op: "PutBucketInventory", in: &osssdk.PutBucketInventoryRequest{}, doc: ossInventoryXML{},
			fix: func(in any) { in.(*osssdk.PutBucketInventoryRequest).InventoryConfiguration.Schedule.DayOfMonth = nil }},
		{op: "PutBucketLifecycle", in: &osssdk.PutBucketLifecycleRequest{}, doc: lifecycleXML{},
			fix: func(in any) {
				in.(*osssdk.PutBucketLifecycleRequest).LifecycleConfiguration.Rules[0].AbortMultipartUpload.Date = nil
			}},
		{op: "PutBucketLogging", in: &osssdk.PutBucketLoggingRequest{}, doc: loggingXML{}},
		{op: "PutUserDefinedLogFieldsConfig", in: &osssdk.PutUserDefinedLogFieldsConfigRequest{}, doc: logFieldsDoc{}},
		{op: "PutBucketObjectWormConfiguration", in: &osssdk.PutBucketObjectWormConfigurationRequest{}, doc: objectWormDoc{}},
		{op: "PutBucketOverwriteConfig", in: &osssdk.PutBucketOverwriteConfigRequest{}, doc: overwriteDoc{}},
		{op: "PutBucketPublicAccessBlock", in: &osssdk.PutBucketPublicAccessBlockRequest{}, doc: ossPublicAccessBlockDoc{}},
		{op: "PutBucketStorageQuota", in: &osssdk.PutBucketStorageQuotaRequest{}, doc: quotaDoc{}},
		{op: "PutBucketReferer", in: &osssdk.PutBucketRefererRequest{}, doc: refererXML{}},
		{op: "PutBucketReplication", in: &osssdk.PutBucketReplicationRequest{}, doc: ossReplicationXML{}},
		{op: "PutBucketResourceGroup", in: &osssdk.PutBucketResourceGroupRequest{}, doc: resourceGroupDoc{}},
		{op: "PutStyle", in: &osssdk.PutStyleRequest{}, doc: styleDoc{}},
		{op: "PutBucketTags", in: &osssdk.PutBucketTagsRequest{}, doc: tagging{}},
		{op: "PutBucketTransferAcceleration", in: &osssdk.PutBucketTransferAccelerationRequest{}, doc: enabledDoc{}},
		{op: "PutBucketWebsite", in: &osssdk.PutBucketWebsiteRequest{}, doc: websiteDoc{},
			want: "NotImplemented: RoutingRules/RoutingRule/Redirect/MirrorAsyncStatus is not implemented."},
		{op: "InitiateBucketWorm", in: &osssdk.InitiateBucketWormRequest{}, doc: wormDays{}},
	}
	for i := range cases {
		fix := cases[i].fix
		cases[i].fix = func(in any) {
			reflect.ValueOf(in).Elem().FieldByName("Bucket").Set(reflect.ValueOf(osssdk.Ptr("bkt")))
			if fix != nil {
				fix(in)
			}
		}
	}
	runSDKDocs(t, c, tr, cases)
}
