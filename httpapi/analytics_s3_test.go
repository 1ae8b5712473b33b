package httpapi_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/httpapi"
)

// TestS3StorageClassAnalysis: storage class analysis configurations
// through aws-sdk-go-v2, stored with S3's checks (the export's destination
// must be a bucket of the owner, a document without StorageClassAnalysis
// or with another output schema is MalformedXML) and executed on the
// engine clock: the GETs, PUTs and copies of the objects the filter
// selects are counted and the day's rows land in the CSV at
// <prefix>/<bucket>/<id>.csv of the destination once the day is over.
func TestS3StorageClassAnalysis(t *testing.T) {
	// The client signs with the real time while the engine's runs ahead.
	// The engine's stands still between advances: the day the objects are
	// counted in, and the date the test expects, are whole days after the
	// configuration's, which on a running clock they are not when the test
	// spans midnight UTC.
	f := newFixture(t, fixtureOptions{clock: &testClock{fixed: time.Now()},
		opts: []httpapi.Option{func(c *httpapi.Config) { c.MaxSkew = 400 * 24 * time.Hour }}})
	c := f.client()
	ctx := context.Background()
	src, dst := aws.String("analysed"), aws.String("reports")
	for _, b := range []*string{src, dst} {
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b})
		require.NoError(t, err)
	}
	list, err := c.ListBucketAnalyticsConfigurations(ctx, &s3.ListBucketAnalyticsConfigurationsInput{Bucket: src})
	require.NoError(t, err)
	require.Empty(t, list.AnalyticsConfigurationList)
	_, err = c.GetBucketAnalyticsConfiguration(ctx, &s3.GetBucketAnalyticsConfigurationInput{Bucket: src, Id: aws.String("docs")})
	requireCode(t, err, "NoSuchConfiguration")
	_, err = c.DeleteBucketAnalyticsConfiguration(ctx, &s3.DeleteBucketAnalyticsConfigurationInput{Bucket: src, Id: aws.String("docs")})
	requireCode(t, err, "NoSuchConfiguration")

	export := func(bucket string) *types.StorageClassAnalysis {
		return &types.StorageClassAnalysis{DataExport: &types.StorageClassAnalysisDataExport{
			OutputSchemaVersion: types.StorageClassAnalysisSchemaVersionV1,
			Destination: &types.AnalyticsExportDestination{S3BucketDestination: &types.AnalyticsS3BucketDestination{
				Bucket: aws.String("arn:aws:s3:::" + bucket), Format: types.AnalyticsS3ExportFileFormatCsv, Prefix: aws.String("sca")}}}}
	}
	docs := &types.AnalyticsConfiguration{Id: aws.String("docs"), Filter: &types.AnalyticsFilterMemberPrefix{Value: "docs/"},
		StorageClassAnalysis: export("reports")}
	_, err = c.PutBucketAnalyticsConfiguration(ctx, &s3.PutBucketAnalyticsConfigurationInput{Bucket: src, Id: docs.Id, AnalyticsConfiguration: docs})
	require.NoError(t, err)
	tagged := &types.AnalyticsConfiguration{Id: aws.String("tagged"),
		Filter: &types.AnalyticsFilterMemberAnd{Value: types.AnalyticsAndOperator{Prefix: aws.String("p/"),
			Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("red")}}}},
		StorageClassAnalysis: &types.StorageClassAnalysis{}}
	_, err = c.PutBucketAnalyticsConfiguration(ctx, &s3.PutBucketAnalyticsConfigurationInput{Bucket: src, Id: tagged.Id, AnalyticsConfiguration: tagged})
	require.NoError(t, err)

	got, err := c.GetBucketAnalyticsConfiguration(ctx, &s3.GetBucketAnalyticsConfigurationInput{Bucket: src, Id: docs.Id})
	require.NoError(t, err)
	require.Equal(t, "docs/", got.AnalyticsConfiguration.Filter.(*types.AnalyticsFilterMemberPrefix).Value)
	d := got.AnalyticsConfiguration.StorageClassAnalysis.DataExport
	require.Equal(t, types.StorageClassAnalysisSchemaVersionV1, d.OutputSchemaVersion)
	require.Equal(t, "arn:aws:s3:::reports", aws.ToString(d.Destination.S3BucketDestination.Bucket))
	require.Equal(t, "sca", aws.ToString(d.Destination.S3BucketDestination.Prefix))
	list, err = c.ListBucketAnalyticsConfigurations(ctx, &s3.ListBucketAnalyticsConfigurationsInput{Bucket: src})
	require.NoError(t, err)
	require.Len(t, list.AnalyticsConfigurationList, 2)
	and := list.AnalyticsConfigurationList[1].Filter.(*types.AnalyticsFilterMemberAnd).Value
	require.Equal(t, "p/", aws.ToString(and.Prefix))
	require.Equal(t, "red", aws.ToString(and.Tags[0].Value))
	require.Nil(t, list.AnalyticsConfigurationList[1].StorageClassAnalysis.DataExport)

	// What S3 refuses.
	bad := *docs
	bad.StorageClassAnalysis = export("nowhere")
	_, err = c.PutBucketAnalyticsConfiguration(ctx, &s3.PutBucketAnalyticsConfigurationInput{Bucket: src, Id: bad.Id, AnalyticsConfiguration: &bad})
	requireCode(t, err, "InvalidArgument", "a destination that does not exist")
	_, err = c.PutBucketAnalyticsConfiguration(ctx, &s3.PutBucketAnalyticsConfigurationInput{Bucket: src, Id: aws.String("other"), AnalyticsConfiguration: docs})
	requireCode(t, err, "MalformedXML", "the Id is not the id parameter") // S3's answer (LocalStack's AWS recording)
	for _, doc := range []string{
		`<AnalyticsConfiguration><Id>x</Id></AnalyticsConfiguration>`,
		`<AnalyticsConfiguration><Id>x</Id><StorageClassAnalysis><DataExport><OutputSchemaVersion>V_2</OutputSchemaVersion>` +
			`<Destination><S3BucketDestination><Format>CSV</Format><Bucket>arn:aws:s3:::reports</Bucket></S3BucketDestination></Destination>` +
			`</DataExport></StorageClassAnalysis></AnalyticsConfiguration>`,
		`<AnalyticsConfiguration><Id>x</Id><Filter><Prefix>a</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></Filter>` +
			`<StorageClassAnalysis/></AnalyticsConfiguration>`,
	} {
		r := f.do(t, raw{method: http.MethodPut, path: "/analysed?analytics&id=x", body: []byte(doc)})
		require.Equal(t, http.StatusBadRequest, r.StatusCode, doc)
		require.Equal(t, "MalformedXML", r.errCode(), doc)
	}
	_, err = f.s3Client(true, otherAK, otherSK).GetBucketAnalyticsConfiguration(ctx, &s3.GetBucketAnalyticsConfigurationInput{Bucket: src, Id: docs.Id})
	requireCode(t, err, "AccessDenied")

	// The first day exported is the first whole one.
	f.clock.Advance(24 * time.Hour)
	body := bytes.Repeat([]byte("a"), 256<<10)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: src, Key: aws.String("docs/a"), Body: bytes.NewReader(body)})
	require.NoError(t, err)
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: src, Key: aws.String("docs/b"), CopySource: aws.String("analysed/docs/a")})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: src, Key: aws.String("other"), Body: bytes.NewReader(body)})
	require.NoError(t, err)
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: src, Key: aws.String("docs/a"), Range: aws.String("bytes=0-131071")})
	require.NoError(t, err)
	_, err = io.Copy(io.Discard, out.Body)
	require.NoError(t, err)
	out.Body.Close()
	require.Eventually(t, func() bool { // counted once the response is done
		f.mu.Lock()
		defer f.mu.Unlock()
		return slices.ContainsFunc(f.records, func(r httpapi.Record) bool { return r.Operation == "GetObject" })
	}, 5*time.Second, time.Millisecond)
	f.clock.Advance(24 * time.Hour)
	_, err = f.eng.RunPending(ctx)
	require.NoError(t, err)

	out, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: dst, Key: aws.String("sca/analysed/docs.csv")})
	require.NoError(t, err)
	defer out.Body.Close()
	rows, err := csv.NewReader(out.Body).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 14, "the header, 12 age groups and ALL")
	require.Equal(t, []string{"Date", "ConfigId", "Filter", "StorageClass", "ObjectAge", "ObjectCount", "DataUploaded_MB", "Storage_MB",
		"DataRetrieved_MB", "GetRequestCount", "CumulativeAccessRatio", "ObjectAgeForSIATransition", "RecommendedObjectAgeForSIATransition"}, rows[0])
	date := f.clock.Now().Add(-24 * time.Hour).UTC().Format("01-02-2006")
	require.Equal(t, []string{date, "docs", "", "STANDARD", "000-014", "2", "0.5", "0.5", "0.125", "1", "0.25", "", ""}, rows[1])
	require.Equal(t, []string{date, "docs", "", "STANDARD", "ALL", "2", "0.5", "0.5", "0.125", "1", "0.25", "", ""}, rows[13])
	_, err = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: dst, Key: aws.String("sca/analysed/tagged.csv")})
	requireCode(t, err, "NotFound")

	_, err = c.DeleteBucketAnalyticsConfiguration(ctx, &s3.DeleteBucketAnalyticsConfigurationInput{Bucket: src, Id: docs.Id})
	require.NoError(t, err)
	list, err = c.ListBucketAnalyticsConfigurations(ctx, &s3.ListBucketAnalyticsConfigurationsInput{Bucket: src})
	require.NoError(t, err)
	require.Len(t, list.AnalyticsConfigurationList, 1)
}
