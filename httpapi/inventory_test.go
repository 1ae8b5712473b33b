package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/md5"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func inventoryConfig(id string) *types.InventoryConfiguration {
	return &types.InventoryConfiguration{
		Id: aws.String(id), IsEnabled: aws.Bool(true),
		IncludedObjectVersions: types.InventoryIncludedObjectVersionsCurrent,
		Schedule:               &types.InventorySchedule{Frequency: types.InventoryFrequencyDaily},
		Destination: &types.InventoryDestination{S3BucketDestination: &types.InventoryS3BucketDestination{
			Bucket: aws.String("arn:aws:s3:::reports"), Format: types.InventoryFormatCsv}},
	}
}

// TestS3InventoryConfigurations: put, get, list (paged), delete and the
// validation errors, through aws-sdk-go-v2.
func TestS3InventoryConfigurations(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	for _, b := range []string{"src", "reports"} {
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)})
		require.NoError(t, err)
	}
	put := func(id string, cfg *types.InventoryConfiguration) error {
		_, err := c.PutBucketInventoryConfiguration(ctx, &s3.PutBucketInventoryConfigurationInput{
			Bucket: aws.String("src"), Id: aws.String(id), InventoryConfiguration: cfg})
		return err
	}
	_, err := c.GetBucketInventoryConfiguration(ctx, &s3.GetBucketInventoryConfigurationInput{Bucket: aws.String("src"), Id: aws.String("r1")})
	requireAPIError(t, err, "NoSuchConfiguration")

	full := inventoryConfig("r1")
	full.IncludedObjectVersions = types.InventoryIncludedObjectVersionsAll
	full.Schedule.Frequency = types.InventoryFrequencyWeekly
	full.Filter = &types.InventoryFilter{Prefix: aws.String("logs/")}
	full.OptionalFields = []types.InventoryOptionalField{types.InventoryOptionalFieldETag, types.InventoryOptionalFieldSize,
		types.InventoryOptionalFieldObjectOwner}
	d := full.Destination.S3BucketDestination
	d.AccountId, d.Prefix = aws.String("123456789012"), aws.String("inv")
	d.Encryption = &types.InventoryEncryption{SSEKMS: &types.SSEKMS{KeyId: aws.String("arn:aws:kms:us-east-1:123456789012:key/k")}}
	require.NoError(t, put("r1", full))
	got, err := c.GetBucketInventoryConfiguration(ctx, &s3.GetBucketInventoryConfigurationInput{Bucket: aws.String("src"), Id: aws.String("r1")})
	require.NoError(t, err)
	require.Equal(t, full, got.InventoryConfiguration)

	for _, tc := range []struct {
		name, id string
		edit     func(c *types.InventoryConfiguration)
		code     string
	}{
		{"id mismatch", "other", func(*types.InventoryConfiguration) {}, "IdMismatch"},
		{"not an ARN", "r2", func(c *types.InventoryConfiguration) {
			c.Destination.S3BucketDestination.Bucket = aws.String("reports")
		}, "InvalidS3DestinationBucket"},
		{"missing destination bucket", "r2", func(c *types.InventoryConfiguration) {
			c.Destination.S3BucketDestination.Bucket = aws.String("arn:aws:s3:::nope")
		}, "InvalidArgument"},
		{"unknown field", "r2", func(c *types.InventoryConfiguration) { c.OptionalFields = []types.InventoryOptionalField{"Colour"} }, "MalformedXML"},
		{"unknown frequency", "r2", func(c *types.InventoryConfiguration) { c.Schedule.Frequency = "Hourly" }, "MalformedXML"},
		{"orc", "r2", func(c *types.InventoryConfiguration) {
			c.Destination.S3BucketDestination.Format = types.InventoryFormatOrc
		}, "NotImplemented"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := inventoryConfig("r2")
			tc.edit(cfg)
			requireAPIError(t, put(tc.id, cfg), tc.code)
		})
	}
	// Documents the SDK would not send: missing elements, no id, not XML.
	const doc = `<InventoryConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Id>r2</Id><IsEnabled>true</IsEnabled>` +
		`<Destination><S3BucketDestination><Bucket>arn:aws:s3:::reports</Bucket><Format>CSV</Format></S3BucketDestination></Destination>` +
		`%s<IncludedObjectVersions>Current</IncludedObjectVersions></InventoryConfiguration>`
	for _, tc := range []struct {
		path, body, code string
		status           int
	}{
		{"/src?inventory&id=r2", fmt.Sprintf(doc, ""), "MalformedXML", 400}, // no Schedule
		{"/src?inventory&id=r2", "<InventoryConfiguration>", "MalformedXML", 400},
		{"/src?inventory&id=r2", strings.Replace(fmt.Sprintf(doc, "<Schedule><Frequency>Daily</Frequency></Schedule>"),
			"<Format>", "<Encryption><SSE-KMS></SSE-KMS></Encryption><Format>", 1), "MalformedXML", 400}, // S3 requires the KeyId
		{"/src?inventory", fmt.Sprintf(doc, "<Schedule><Frequency>Daily</Frequency></Schedule>"), "InvalidArgument", 400},
	} {
		r := f.do(t, raw{method: "PUT", path: tc.path, body: []byte(tc.body)})
		require.Equal(t, tc.status, r.StatusCode, "%s %s", tc.path, r.body)
		require.Equal(t, tc.code, r.errCode(), "%s", r.body)
	}
	r := f.do(t, raw{method: "PUT", path: "/src?inventory&id=r3", body: []byte(strings.ReplaceAll(
		fmt.Sprintf(doc, "<Schedule><Frequency>Daily</Frequency></Schedule>"), "r2", "r3"))})
	require.Equal(t, 204, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: "DELETE", path: "/src?inventory&id=r3"})
	require.Equal(t, 204, r.StatusCode, "%s", r.body)
	// Another user may not read or change them.
	r = f.do(t, raw{method: "GET", path: "/src?inventory&id=r1", sign: "anon"})
	require.Equal(t, 403, r.StatusCode, "%s", r.body)
	r = f.do(t, raw{method: "GET", path: "/src?inventory", sign: "anon"})
	require.Equal(t, 403, r.StatusCode, "%s", r.body)

	// Parquet is produced, so it is stored.
	pq := inventoryConfig("pq")
	pq.Destination.S3BucketDestination.Format = types.InventoryFormatParquet
	require.NoError(t, put("pq", pq))
	got, err = c.GetBucketInventoryConfiguration(ctx, &s3.GetBucketInventoryConfigurationInput{Bucket: aws.String("src"), Id: aws.String("pq")})
	require.NoError(t, err)
	require.Equal(t, types.InventoryFormatParquet, got.InventoryConfiguration.Destination.S3BucketDestination.Format)
	_, err = c.DeleteBucketInventoryConfiguration(ctx, &s3.DeleteBucketInventoryConfigurationInput{Bucket: aws.String("src"), Id: aws.String("pq")})
	require.NoError(t, err)

	// OSS's inventory API reads the same set (inventory_oss_test.go
	// covers it): r1 is there, with OSS's code for one that is not.
	r = f.do(t, raw{method: "GET", path: "/src?inventory&inventoryId=r1", sign: "oss-v1"})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	require.Contains(t, string(r.body), "<Bucket>acs:oss:::reports</Bucket>")
	r = f.do(t, raw{method: "GET", path: "/src?inventory&inventoryId=r2", sign: "oss-v1"})
	require.Equal(t, 404, r.StatusCode, "%s", r.body)
	require.Contains(t, string(r.body), "<Code>NoSuchInventory</Code>")

	// Nothing refused was stored.
	_, err = c.GetBucketInventoryConfiguration(ctx, &s3.GetBucketInventoryConfigurationInput{Bucket: aws.String("src"), Id: aws.String("r2")})
	requireAPIError(t, err, "NoSuchConfiguration")

	// 250 configurations list in pages of 100, in ID order.
	for i := range 249 {
		require.NoError(t, put(fmt.Sprintf("n%03d", i), inventoryConfig(fmt.Sprintf("n%03d", i))))
	}
	var ids []string
	var token *string
	pages := 0
	for {
		out, err := c.ListBucketInventoryConfigurations(ctx, &s3.ListBucketInventoryConfigurationsInput{Bucket: aws.String("src"), ContinuationToken: token})
		require.NoError(t, err)
		pages++
		for _, ic := range out.InventoryConfigurationList {
			ids = append(ids, aws.ToString(ic.Id))
		}
		if !aws.ToBool(out.IsTruncated) {
			break
		}
		token = out.NextContinuationToken
	}
	require.Equal(t, 3, pages)
	require.Len(t, ids, 250)
	require.Equal(t, "n000", ids[0])
	require.Equal(t, "r1", ids[249])

	_, err = c.DeleteBucketInventoryConfiguration(ctx, &s3.DeleteBucketInventoryConfigurationInput{Bucket: aws.String("src"), Id: aws.String("r1")})
	require.NoError(t, err)
	_, err = c.DeleteBucketInventoryConfiguration(ctx, &s3.DeleteBucketInventoryConfigurationInput{Bucket: aws.String("src"), Id: aws.String("r1")})
	requireAPIError(t, err, "NoSuchConfiguration")
	_, err = c.GetBucketInventoryConfiguration(ctx, &s3.GetBucketInventoryConfigurationInput{Bucket: aws.String("src"), Id: aws.String("r1")})
	requireAPIError(t, err, "NoSuchConfiguration")
}

// TestS3InventoryReport: a report written on the engine clock, read back
// through the SDK: manifest, checksum, gzip CSV rows.
func TestS3InventoryReport(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	ctx := context.Background()
	for _, b := range []string{"src", "reports"} {
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)})
		require.NoError(t, err)
	}
	_, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("src"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
	putObj := func(key, body string) string {
		out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("src"), Key: aws.String(key), Body: strings.NewReader(body)})
		require.NoError(t, err)
		return aws.ToString(out.VersionId)
	}
	v1 := putObj("data/a", "first")
	v2 := putObj("data/a", "second!")
	vb := putObj("data/b c", "b")
	putObj("other/x", "x")
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("src"), Key: aws.String("data/b c")})
	require.NoError(t, err)

	cfg := inventoryConfig("all")
	cfg.IncludedObjectVersions = types.InventoryIncludedObjectVersionsAll
	cfg.Filter = &types.InventoryFilter{Prefix: aws.String("data/")}
	cfg.OptionalFields = []types.InventoryOptionalField{types.InventoryOptionalFieldSize, types.InventoryOptionalFieldStorageClass}
	cfg.Destination.S3BucketDestination.Prefix = aws.String("inv")
	_, err = c.PutBucketInventoryConfiguration(ctx, &s3.PutBucketInventoryConfigurationInput{
		Bucket: aws.String("src"), Id: aws.String("all"), InventoryConfiguration: cfg})
	require.NoError(t, err)

	get := func(key string) []byte {
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("reports"), Key: aws.String(key)})
		require.NoError(t, err, key)
		defer out.Body.Close()
		b, err := io.ReadAll(out.Body)
		require.NoError(t, err)
		return b
	}
	manifests := func() []string {
		out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("reports"), Prefix: aws.String("inv/src/all/")})
		require.NoError(t, err)
		var keys []string
		for _, o := range out.Contents {
			if strings.HasSuffix(aws.ToString(o.Key), "/manifest.json") {
				keys = append(keys, aws.ToString(o.Key))
			}
		}
		return keys
	}
	require.Empty(t, manifests(), "no report before the engine runs")
	runLifecycleAt(t, f, time.Minute)
	ms := manifests()
	require.Len(t, ms, 1)
	require.Regexp(t, `^inv/src/all/\d{4}-\d\d-\d\dT\d\d-\d\dZ/manifest\.json$`, ms[0])
	doc := get(ms[0])
	sum := md5.Sum(doc)
	require.Equal(t, hex.EncodeToString(sum[:]), string(get(strings.TrimSuffix(ms[0], "json")+"checksum")))
	var m struct {
		SourceBucket, DestinationBucket, Version, CreationTimestamp, FileFormat, FileSchema string
		Files                                                                               []struct {
			Key         string `json:"key"`
			Size        int64  `json:"size"`
			MD5checksum string `json:"MD5checksum"`
		} `json:"files"`
	}
	require.NoError(t, json.Unmarshal(doc, &m))
	require.Equal(t, "src", m.SourceBucket)
	require.Equal(t, "arn:aws:s3:::reports", m.DestinationBucket)
	require.Equal(t, "2016-11-30", m.Version)
	require.Equal(t, "CSV", m.FileFormat)
	require.Regexp(t, `^\d{13}$`, m.CreationTimestamp)
	require.Equal(t, "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, StorageClass", m.FileSchema)
	require.Len(t, m.Files, 1)
	require.Regexp(t, `^inv/src/all/data/[0-9a-f-]{36}\.csv\.gz$`, m.Files[0].Key)
	body := get(m.Files[0].Key)
	require.EqualValues(t, len(body), m.Files[0].Size)
	s := md5.Sum(body)
	require.Equal(t, hex.EncodeToString(s[:]), m.Files[0].MD5checksum)
	zr, err := gzip.NewReader(bytes.NewReader(body))
	require.NoError(t, err)
	rows, err := csv.NewReader(zr).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 4)
	require.Equal(t, []string{"src", "data%2Fa", v2, "true", "false", "7", "STANDARD"}, rows[0])
	require.Equal(t, []string{"src", "data%2Fa", v1, "false", "false", "5", "STANDARD"}, rows[1])
	require.Equal(t, "data%2Fb+c", rows[2][1])
	require.Equal(t, []string{"true", "true", "", ""}, rows[2][3:], "the delete marker is latest")
	require.Equal(t, []string{"src", "data%2Fb+c", vb, "false", "false", "1", "STANDARD"}, rows[3])

	// The same day brings no second report; the next day does.
	// (Two runs a minute apart that straddle midnight UTC are two days.)
	want := 1
	if day := func(d time.Duration) string { return f.clock.Now().Add(d).UTC().Format(time.DateOnly) }; day(time.Minute) != day(2*time.Minute) {
		want = 2
	}
	runLifecycleAt(t, f, 2*time.Minute)
	require.Len(t, manifests(), want)
	runLifecycleAt(t, f, 25*time.Hour)
	require.Len(t, manifests(), want+1)
}

// TestS3InventoryPolicy: another user needs a bucket policy naming
// s3:GetInventoryConfiguration (Get and List) or
// s3:PutInventoryConfiguration (Put and Delete).
func TestS3InventoryPolicy(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	other := f.s3Client(true, otherAK, otherSK)
	ctx := context.Background()
	for _, b := range []string{"src", "reports"} {
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)})
		require.NoError(t, err)
	}
	_, err := c.PutBucketInventoryConfiguration(ctx, &s3.PutBucketInventoryConfigurationInput{
		Bucket: aws.String("src"), Id: aws.String("r1"), InventoryConfiguration: inventoryConfig("r1")})
	require.NoError(t, err)
	get := func() error {
		_, err := other.GetBucketInventoryConfiguration(ctx, &s3.GetBucketInventoryConfigurationInput{Bucket: aws.String("src"), Id: aws.String("r1")})
		return err
	}
	list := func() error {
		_, err := other.ListBucketInventoryConfigurations(ctx, &s3.ListBucketInventoryConfigurationsInput{Bucket: aws.String("src")})
		return err
	}
	put := func() error {
		_, err := other.PutBucketInventoryConfiguration(ctx, &s3.PutBucketInventoryConfigurationInput{
			Bucket: aws.String("src"), Id: aws.String("r2"), InventoryConfiguration: inventoryConfig("r2")})
		return err
	}
	del := func() error {
		_, err := other.DeleteBucketInventoryConfiguration(ctx, &s3.DeleteBucketInventoryConfigurationInput{Bucket: aws.String("src"), Id: aws.String("r1")})
		return err
	}
	for _, op := range []func() error{get, list, put, del} {
		requireAPIError(t, op(), "AccessDenied")
	}
	policy := func(action string) {
		_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("src"), Policy: aws.String(
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"` + canonicalID(otherAK) +
				`"},"Action":"` + action + `","Resource":"arn:aws:s3:::src"}]}`)})
		require.NoError(t, err)
	}
	policy("s3:GetInventoryConfiguration")
	require.NoError(t, get())
	require.NoError(t, list())
	requireAPIError(t, put(), "AccessDenied")
	requireAPIError(t, del(), "AccessDenied")
	policy("s3:PutInventoryConfiguration")
	require.NoError(t, put())
	require.NoError(t, del())
	requireAPIError(t, get(), "AccessDenied")
}

// TestS3InventoryNewFields: the optional fields S3 added that osslite can
// report are taken and reported (they were refused as fields "S3 does
// not know"): LifecycleExpirationDate is when a lifecycle rule expires
// the current version (x-amz-expiration's date), ObjectLockEventHoldStatus
// OFF and ObjectLockEventHoldDuration empty (event holds are refused, so
// no object is under one). IntelligentTieringReferenceDate, which
// osslite does not report, is 501 NotImplemented.
func TestS3InventoryNewFields(t *testing.T) {
	f := newFixture(t, fixtureOptions{clock: &testClock{fixed: time.Now()}})
	c := f.client()
	ctx := context.Background()
	for _, b := range []string{"src", "reports"} {
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)})
		require.NoError(t, err)
	}
	_, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String("src"),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{{ID: aws.String("exp"),
			Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("data/")},
			Expiration: &types.LifecycleExpiration{Days: aws.Int32(10)}}}}})
	require.NoError(t, err)
	for _, k := range []string{"data/a", "keep/b"} {
		_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("src"), Key: aws.String(k), Body: strings.NewReader("x")})
		require.NoError(t, err)
	}
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("src"), Key: aws.String("data/a")})
	require.NoError(t, err)
	m := regexp.MustCompile(`expiry-date="([^"]+)"`).FindStringSubmatch(aws.ToString(head.Expiration))
	require.Len(t, m, 2)
	expiry, err := time.Parse(http.TimeFormat, m[1])
	require.NoError(t, err)

	cfg := inventoryConfig("new")
	cfg.OptionalFields = []types.InventoryOptionalField{types.InventoryOptionalFieldIntelligentTieringReferenceDate}
	_, err = c.PutBucketInventoryConfiguration(ctx, &s3.PutBucketInventoryConfigurationInput{
		Bucket: aws.String("src"), Id: aws.String("new"), InventoryConfiguration: cfg})
	requireAPIError(t, err, "NotImplemented")
	cfg.OptionalFields = []types.InventoryOptionalField{types.InventoryOptionalFieldLifecycleExpirationDate,
		types.InventoryOptionalFieldObjectLockEventHoldStatus, types.InventoryOptionalFieldObjectLockEventHoldDuration}
	_, err = c.PutBucketInventoryConfiguration(ctx, &s3.PutBucketInventoryConfigurationInput{
		Bucket: aws.String("src"), Id: aws.String("new"), InventoryConfiguration: cfg})
	require.NoError(t, err)
	got, err := c.GetBucketInventoryConfiguration(ctx, &s3.GetBucketInventoryConfigurationInput{Bucket: aws.String("src"), Id: aws.String("new")})
	require.NoError(t, err)
	assert.Equal(t, cfg.OptionalFields, got.InventoryConfiguration.OptionalFields)

	runLifecycleAt(t, f, time.Minute)
	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("reports")})
	require.NoError(t, err)
	var rows [][]string
	for _, o := range list.Contents {
		if !strings.HasSuffix(aws.ToString(o.Key), ".csv.gz") {
			continue
		}
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("reports"), Key: o.Key})
		require.NoError(t, err)
		zr, err := gzip.NewReader(out.Body)
		require.NoError(t, err)
		rs, err := csv.NewReader(zr).ReadAll()
		require.NoError(t, err)
		out.Body.Close()
		rows = append(rows, rs...)
	}
	require.Len(t, rows, 2)
	assert.Equal(t, []string{"src", "data%2Fa", expiry.UTC().Format("2006-01-02T15:04:05.000Z"), "OFF", ""}, rows[0])
	assert.Equal(t, []string{"src", "keep%2Fb", "", "OFF", ""}, rows[1])
}
