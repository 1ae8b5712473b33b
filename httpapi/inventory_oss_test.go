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
	"strings"
	"testing"
	"time"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"
)

func ossInventoryConfig(id string) *oss2.InventoryConfiguration {
	return &oss2.InventoryConfiguration{
		Id: oss2.Ptr(id), IsEnabled: oss2.Ptr(true), IncludedObjectVersions: oss2.Ptr("Current"),
		Schedule: &oss2.InventorySchedule{Frequency: oss2.InventoryFrequencyDaily},
		Destination: &oss2.InventoryDestination{OSSBucketDestination: &oss2.InventoryOSSBucketDestination{
			Format: oss2.InventoryFormatCSV, AccountId: oss2.Ptr("1000000000000000"),
			RoleArn: oss2.Ptr("acs:ram::1000000000000000:role/AliyunOSSRole"), Bucket: oss2.Ptr("acs:oss:::oss-reports")}},
	}
}

// TestOSSInventoryConfigurations: put, get, list (paged), delete and the
// refusals, through alibabacloud-oss-go-sdk-v2; the S3 API sees the same
// configurations.
func TestOSSInventoryConfigurations(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	ctx := context.Background()
	for _, b := range []string{"oss-src", "oss-reports"} {
		v2Bucket(t, c, b)
	}
	put := func(id string, cfg *oss2.InventoryConfiguration) error {
		_, err := c.PutBucketInventory(ctx, &oss2.PutBucketInventoryRequest{Bucket: oss2.Ptr("oss-src"), InventoryId: oss2.Ptr(id), InventoryConfiguration: cfg})
		return err
	}
	_, err := c.GetBucketInventory(ctx, &oss2.GetBucketInventoryRequest{Bucket: oss2.Ptr("oss-src"), InventoryId: oss2.Ptr("r1")})
	wantOSS(t, err, 404, "NoSuchInventory", "")
	// Listing a bucket without inventories is 404 too (both SDKs); the S3
	// API lists none.
	_, err = c.ListBucketInventory(ctx, &oss2.ListBucketInventoryRequest{Bucket: oss2.Ptr("oss-src")})
	wantOSS(t, err, 404, "NoSuchInventory", "")
	_, err = f.ossV1(t, testAK, testSK).ListBucketInventory("oss-src", "")
	wantOSS(t, err, 404, "NoSuchInventory", "")
	s3list, err := f.client().ListBucketInventoryConfigurations(ctx, &s3.ListBucketInventoryConfigurationsInput{Bucket: aws.String("oss-src")})
	require.NoError(t, err)
	require.Empty(t, s3list.InventoryConfigurationList)

	full := ossInventoryConfig("r1")
	full.IncludedObjectVersions = oss2.Ptr("All")
	full.Schedule.Frequency = oss2.InventoryFrequencyWeekly
	full.Filter = &oss2.InventoryFilter{Prefix: oss2.Ptr("logs/"), LowerSizeBound: oss2.Ptr(int64(1024)), UpperSizeBound: oss2.Ptr(int64(1048576)),
		LastModifyBeginTimeStamp: oss2.Ptr(int64(1637883649)), LastModifyEndTimeStamp: oss2.Ptr(int64(1638347592)), StorageClass: oss2.Ptr("Standard,IA")}
	full.OptionalFields = &oss2.OptionalFields{Fields: []oss2.InventoryOptionalFieldType{oss2.InventoryOptionalFieldSize,
		oss2.InventoryOptionalFieldETag, oss2.InventoryOptionalFieldEncryptionStatus}}
	d := full.Destination.OSSBucketDestination
	d.Prefix = oss2.Ptr("inv")
	d.Encryption = &oss2.InventoryEncryption{SseKms: &oss2.SSEKMS{KeyId: oss2.Ptr("key-1")}}
	require.NoError(t, put("r1", full))

	got, err := c.GetBucketInventory(ctx, &oss2.GetBucketInventoryRequest{Bucket: oss2.Ptr("oss-src"), InventoryId: oss2.Ptr("r1")})
	require.NoError(t, err)
	g := got.InventoryConfiguration
	require.Equal(t, "r1", oss2.ToString(g.Id))
	require.True(t, oss2.ToBool(g.IsEnabled))
	require.Equal(t, "All", oss2.ToString(g.IncludedObjectVersions))
	require.Equal(t, oss2.InventoryFrequencyWeekly, g.Schedule.Frequency)
	require.Equal(t, "logs/", oss2.ToString(g.Filter.Prefix))
	require.EqualValues(t, 1024, *g.Filter.LowerSizeBound)
	require.EqualValues(t, 1048576, *g.Filter.UpperSizeBound)
	require.EqualValues(t, 1637883649, *g.Filter.LastModifyBeginTimeStamp)
	require.EqualValues(t, 1638347592, *g.Filter.LastModifyEndTimeStamp)
	require.Equal(t, "Standard,IA", oss2.ToString(g.Filter.StorageClass))
	require.Equal(t, full.OptionalFields.Fields, g.OptionalFields.Fields)
	gd := g.Destination.OSSBucketDestination
	require.Equal(t, oss2.InventoryFormatCSV, gd.Format)
	require.Equal(t, "acs:oss:::oss-reports", oss2.ToString(gd.Bucket))
	require.Equal(t, "1000000000000000", oss2.ToString(gd.AccountId))
	require.Equal(t, "acs:ram::1000000000000000:role/AliyunOSSRole", oss2.ToString(gd.RoleArn))
	require.Equal(t, "inv", oss2.ToString(gd.Prefix))
	require.Equal(t, "key-1", oss2.ToString(gd.Encryption.SseKms.KeyId))
	require.Nil(t, gd.Encryption.SseOss)

	// SSE-OSS round-trips (the engine's managed encryption).
	sse := ossInventoryConfig("sse")
	sse.Destination.OSSBucketDestination.Encryption = &oss2.InventoryEncryption{SseOss: oss2.Ptr("")}
	require.NoError(t, put("sse", sse))
	got, err = c.GetBucketInventory(ctx, &oss2.GetBucketInventoryRequest{Bucket: oss2.Ptr("oss-src"), InventoryId: oss2.Ptr("sse")})
	require.NoError(t, err)
	require.NotNil(t, got.InventoryConfiguration.Destination.OSSBucketDestination.Encryption.SseOss)
	require.Nil(t, got.InventoryConfiguration.Filter)

	// SSE-KMS without a key ID: OSS's default key (the v1 SDK's suite
	// puts one).
	kms := ossInventoryConfig("kms")
	kms.Destination.OSSBucketDestination.Encryption = &oss2.InventoryEncryption{SseKms: &oss2.SSEKMS{KeyId: oss2.Ptr("")}}
	require.NoError(t, put("kms", kms))
	got, err = c.GetBucketInventory(ctx, &oss2.GetBucketInventoryRequest{Bucket: oss2.Ptr("oss-src"), InventoryId: oss2.Ptr("kms")})
	require.NoError(t, err)
	require.NotNil(t, got.InventoryConfiguration.Destination.OSSBucketDestination.Encryption.SseKms)
	_, err = c.DeleteBucketInventory(ctx, &oss2.DeleteBucketInventoryRequest{Bucket: oss2.Ptr("oss-src"), InventoryId: oss2.Ptr("kms")})
	require.NoError(t, err)

	// The S3 API lists the same set.
	r := f.do(t, raw{method: "GET", path: "/oss-src?inventory&id=sse"})
	require.Equal(t, 200, r.StatusCode, "%s", r.body)
	require.Contains(t, string(r.body), "<Bucket>arn:aws:s3:::oss-reports</Bucket>")

	// Refusals: nothing is stored.
	for name, mutate := range map[string]func(*oss2.InventoryConfiguration){
		"storage class": func(c *oss2.InventoryConfiguration) {
			c.Filter = &oss2.InventoryFilter{StorageClass: oss2.Ptr("Standard,Frozen")}
		},
		"optional field": func(c *oss2.InventoryConfiguration) {
			c.OptionalFields = &oss2.OptionalFields{Fields: []oss2.InventoryOptionalFieldType{"Crc64"}}
		},
		"unknown field": func(c *oss2.InventoryConfiguration) {
			c.OptionalFields = &oss2.OptionalFields{Fields: []oss2.InventoryOptionalFieldType{"StartTime"}}
		},
		"monthly":  func(c *oss2.InventoryConfiguration) { c.Schedule.Frequency = oss2.InventoryFrequencyMonthly },
		"versions": func(c *oss2.InventoryConfiguration) { c.IncludedObjectVersions = oss2.Ptr("Some") },
		"bucket ARN": func(c *oss2.InventoryConfiguration) {
			c.Destination.OSSBucketDestination.Bucket = oss2.Ptr("oss-reports")
		},
		"missing bucket": func(c *oss2.InventoryConfiguration) {
			c.Destination.OSSBucketDestination.Bucket = oss2.Ptr("acs:oss:::nope")
		},
		"format": func(c *oss2.InventoryConfiguration) { c.Destination.OSSBucketDestination.Format = "Parquet" },
		"size bounds": func(c *oss2.InventoryConfiguration) {
			c.Filter = &oss2.InventoryFilter{LowerSizeBound: oss2.Ptr(int64(10)), UpperSizeBound: oss2.Ptr(int64(5))}
		},
		"id mismatch": func(c *oss2.InventoryConfiguration) { c.Id = oss2.Ptr("other") },
		"both encryption": func(c *oss2.InventoryConfiguration) {
			c.Destination.OSSBucketDestination.Encryption = &oss2.InventoryEncryption{SseOss: oss2.Ptr(""), SseKms: &oss2.SSEKMS{KeyId: oss2.Ptr("k")}}
		},
	} {
		cfg := ossInventoryConfig("r2")
		mutate(cfg)
		err := put("r2", cfg)
		e := wantOSS(t, err, 400, "InvalidArgument", "")
		require.NotEmpty(t, e.message, name)
	}
	unknown := ossInventoryConfig("r2")
	unknown.OptionalFields = &oss2.OptionalFields{Fields: []oss2.InventoryOptionalFieldType{"StartTime"}}
	wantOSS(t, put("r2", unknown), 400, "InvalidArgument", "0020-00000036") // OSS's documented example
	inc := ossInventoryConfig("r2")
	inc.IncrementalInventory = &oss2.IncrementalInventory{IsEnabled: oss2.Ptr(true), Schedule: &oss2.IncrementInventorySchedule{Frequency: oss2.Ptr(int64(600))}}
	wantOSS(t, put("r2", inc), 501, "NotImplemented", "")
	r = f.do(t, raw{method: "PUT", path: "/oss-src?inventory&inventoryId=r2", sign: "oss-v1", body: []byte("<InventoryConfiguration><Id>r2</Id></InventoryConfiguration>")})
	require.Equal(t, 400, r.StatusCode, "%s", r.body)
	require.Contains(t, string(r.body), "<Code>MalformedXML</Code>")
	_, err = c.GetBucketInventory(ctx, &oss2.GetBucketInventoryRequest{Bucket: oss2.Ptr("oss-src"), InventoryId: oss2.Ptr("r2")})
	wantOSS(t, err, 404, "NoSuchInventory", "")
	r = f.do(t, raw{method: "DELETE", path: "/oss-src?inventory", sign: "oss-v1"})
	require.Equal(t, 400, r.StatusCode, "%s", r.body)
	require.Contains(t, string(r.body), "<Code>InvalidArgument</Code>")

	// 250 configurations list in pages of 100, in ID order.
	for i := range 248 {
		require.NoError(t, put(fmt.Sprintf("n%03d", i), ossInventoryConfig(fmt.Sprintf("n%03d", i))))
	}
	var ids []string
	var token *string
	pages := 0
	for {
		out, err := c.ListBucketInventory(ctx, &oss2.ListBucketInventoryRequest{Bucket: oss2.Ptr("oss-src"), ContinuationToken: token})
		require.NoError(t, err)
		pages++
		l := out.ListInventoryConfigurationsResult
		for _, ic := range l.InventoryConfigurations {
			ids = append(ids, oss2.ToString(ic.Id))
		}
		if !oss2.ToBool(l.IsTruncated) {
			require.Nil(t, l.NextContinuationToken)
			break
		}
		token = l.NextContinuationToken
	}
	require.Equal(t, 3, pages)
	require.Len(t, ids, 250)
	require.Equal(t, "n000", ids[0])
	require.Equal(t, []string{"r1", "sse"}, ids[248:])

	_, err = c.DeleteBucketInventory(ctx, &oss2.DeleteBucketInventoryRequest{Bucket: oss2.Ptr("oss-src"), InventoryId: oss2.Ptr("r1")})
	require.NoError(t, err)
	_, err = c.DeleteBucketInventory(ctx, &oss2.DeleteBucketInventoryRequest{Bucket: oss2.Ptr("oss-src"), InventoryId: oss2.Ptr("r1")})
	require.NoError(t, err, "deleting a missing inventory succeeds, as on OSS")
	_, err = c.GetBucketInventory(ctx, &oss2.GetBucketInventoryRequest{Bucket: oss2.Ptr("oss-src"), InventoryId: oss2.Ptr("r1")})
	wantOSS(t, err, 404, "NoSuchInventory", "")

	// Another user may not read or change them.
	r = f.do(t, raw{method: "GET", path: "/oss-src?inventory&inventoryId=sse", sign: "anon"})
	require.Equal(t, 403, r.StatusCode, "%s", r.body)
}

// TestOSSInventoryReport: a report written on the engine clock, read
// back through alibabacloud-oss-go-sdk-v2: manifest, checksum, gzip CSV
// rows of the objects the prefix and size bounds select.
func TestOSSInventoryReport(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	ctx := context.Background()
	for _, b := range []string{"oss-src", "oss-reports"} {
		v2Bucket(t, c, b)
	}
	for k, body := range map[string]string{"data/a": "hello", "data/b c": "hi", "data/big": strings.Repeat("x", 100), "other/x": "x", "data/cold": "c"} {
		req := &oss2.PutObjectRequest{Bucket: oss2.Ptr("oss-src"), Key: oss2.Ptr(k), Body: strings.NewReader(body)}
		if k == "data/cold" {
			req.StorageClass = oss2.StorageClassArchive
		}
		_, err := c.PutObject(ctx, req)
		require.NoError(t, err)
	}
	cfg := ossInventoryConfig("daily")
	cfg.Filter = &oss2.InventoryFilter{Prefix: oss2.Ptr("data/"), UpperSizeBound: oss2.Ptr(int64(50)), StorageClass: oss2.Ptr("Standard,IA")}
	cfg.OptionalFields = &oss2.OptionalFields{Fields: []oss2.InventoryOptionalFieldType{oss2.InventoryOptionalFieldSize, oss2.InventoryOptionalFieldETag}}
	cfg.Destination.OSSBucketDestination.Prefix = oss2.Ptr("inv")
	_, err := c.PutBucketInventory(ctx, &oss2.PutBucketInventoryRequest{Bucket: oss2.Ptr("oss-src"), InventoryId: oss2.Ptr("daily"), InventoryConfiguration: cfg})
	require.NoError(t, err)

	get := func(key string) []byte {
		out, err := c.GetObject(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr("oss-reports"), Key: oss2.Ptr(key)})
		require.NoError(t, err, key)
		defer out.Body.Close()
		b, err := io.ReadAll(out.Body)
		require.NoError(t, err)
		return b
	}
	manifests := func() []string {
		out, err := c.ListObjectsV2(ctx, &oss2.ListObjectsV2Request{Bucket: oss2.Ptr("oss-reports"), Prefix: oss2.Ptr("inv/oss-src/daily/")})
		require.NoError(t, err)
		var keys []string
		for _, o := range out.Contents {
			if strings.HasSuffix(oss2.ToString(o.Key), "/manifest.json") {
				keys = append(keys, oss2.ToString(o.Key))
			}
		}
		return keys
	}
	require.Empty(t, manifests(), "no report before the engine runs")
	runLifecycleAt(t, f, time.Minute)
	ms := manifests()
	require.Len(t, ms, 1)
	require.Regexp(t, `^inv/oss-src/daily/\d{4}-\d\d-\d\dT\d\d-\d\dZ/manifest\.json$`, ms[0])
	doc := get(ms[0])
	sum := md5.Sum(doc)
	require.Equal(t, hex.EncodeToString(sum[:]), string(get(strings.TrimSuffix(ms[0], "json")+"checksum")))
	var m struct {
		SourceBucket, DestinationBucket, FileFormat, FileSchema string
		Files                                                   []struct {
			Key         string `json:"key"`
			Size        int64  `json:"size"`
			MD5checksum string `json:"MD5checksum"`
		} `json:"files"`
	}
	require.NoError(t, json.Unmarshal(doc, &m))
	require.Equal(t, "oss-src", m.SourceBucket)
	require.Equal(t, "CSV", m.FileFormat)
	require.Equal(t, "Bucket, Key, Size, ETag", m.FileSchema)
	require.Len(t, m.Files, 1)
	require.Regexp(t, `^inv/oss-src/daily/data/[0-9a-f-]{36}\.csv\.gz$`, m.Files[0].Key)
	body := get(m.Files[0].Key)
	require.EqualValues(t, len(body), m.Files[0].Size)
	s := md5.Sum(body)
	require.Equal(t, hex.EncodeToString(s[:]), m.Files[0].MD5checksum)
	zr, err := gzip.NewReader(bytes.NewReader(body))
	require.NoError(t, err)
	rows, err := csv.NewReader(zr).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 2, "other/x is outside the prefix, data/big above the size bound, data/cold in another class")
	require.Equal(t, []string{"oss-src", "data%2Fa", "5"}, rows[0][:3])
	require.Equal(t, []string{"oss-src", "data%2Fb+c", "2"}, rows[1][:3])
	a := md5.Sum([]byte("hello"))
	require.Equal(t, strings.ToUpper(hex.EncodeToString(a[:])), strings.ToUpper(strings.Trim(rows[0][3], `"`)))

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

// TestOSSInventoryIncrementalDisabled: a disabled IncrementalInventory
// (its Schedule and OptionalFields) is stored and read back as put; it
// was dropped, so GetBucketInventory answered without it. Enabled it is
// 501 NotImplemented, as before.
func TestOSSInventoryIncrementalDisabled(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	ctx := context.Background()
	for _, b := range []string{"oss-src", "oss-reports"} {
		v2Bucket(t, c, b)
	}
	cfg := ossInventoryConfig("inc")
	cfg.IncrementalInventory = &oss2.IncrementalInventory{IsEnabled: oss2.Ptr(false),
		Schedule:       &oss2.IncrementInventorySchedule{Frequency: oss2.Ptr(int64(600))},
		OptionalFields: &oss2.IncrementalInventoryOptionalFields{Fields: []oss2.IncrementalInventoryOptionalFieldType{"SequenceNumber", "Size"}}}
	_, err := c.PutBucketInventory(ctx, &oss2.PutBucketInventoryRequest{Bucket: oss2.Ptr("oss-src"), InventoryId: oss2.Ptr("inc"), InventoryConfiguration: cfg})
	require.NoError(t, err)
	got, err := c.GetBucketInventory(ctx, &oss2.GetBucketInventoryRequest{Bucket: oss2.Ptr("oss-src"), InventoryId: oss2.Ptr("inc")})
	require.NoError(t, err)
	in := got.InventoryConfiguration.IncrementalInventory
	require.NotNil(t, in)
	require.False(t, oss2.ToBool(in.IsEnabled))
	require.NotNil(t, in.Schedule)
	require.EqualValues(t, 600, oss2.ToInt64(in.Schedule.Frequency))
	require.NotNil(t, in.OptionalFields)
	require.Equal(t, []oss2.IncrementalInventoryOptionalFieldType{"SequenceNumber", "Size"}, in.OptionalFields.Fields)

	cfg.IncrementalInventory.IsEnabled = oss2.Ptr(true)
	_, err = c.PutBucketInventory(ctx, &oss2.PutBucketInventoryRequest{Bucket: oss2.Ptr("oss-src"), InventoryId: oss2.Ptr("inc"), InventoryConfiguration: cfg})
	wantOSS(t, err, 501, "NotImplemented", "")
}
