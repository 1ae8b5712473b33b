package engine

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/md5"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// readInventoryObject reads an object whole (test helper).
func readInventoryObject(t *testing.T, e *Engine, bucket, key string) []byte {
	t.Helper()
	o, err := e.GetObject(context.Background(), bucket, key, GetOptions{})
	require.NoError(t, err, key)
	defer o.Close()
	b, err := io.ReadAll(o)
	require.NoError(t, err)
	return b
}

// inventoryReport reads back the reports of source/id in dst: the
// manifests' keys, and the rows of the newest report.
func inventoryReport(t *testing.T, e *Engine, dst, prefix, source, id string) (manifests []string, m inventoryManifest, rows [][]string) {
	t.Helper()
	ctx := context.Background()
	for o, err := range e.Objects(ctx, dst, ListOptions{Prefix: prefix + source + "/" + id + "/"}) {
		require.NoError(t, err)
		if strings.HasSuffix(o.Key, "/manifest.json") {
			manifests = append(manifests, o.Key)
		}
	}
	if len(manifests) == 0 {
		return nil, m, nil
	}
	last := manifests[len(manifests)-1]
	doc := readInventoryObject(t, e, dst, last)
	sum := md5.Sum(doc)
	require.Equal(t, hex.EncodeToString(sum[:]), string(readInventoryObject(t, e, dst, strings.TrimSuffix(last, "json")+"checksum")))
	require.NoError(t, json.Unmarshal(doc, &m))
	for _, f := range m.Files {
		require.True(t, strings.HasPrefix(f.Key, prefix+source+"/"+id+"/data/"), f.Key)
		require.True(t, strings.HasSuffix(f.Key, ".csv.gz"), f.Key)
		body := readInventoryObject(t, e, dst, f.Key)
		require.EqualValues(t, len(body), f.Size)
		s := md5.Sum(body)
		require.Equal(t, hex.EncodeToString(s[:]), f.MD5checksum)
		zr, err := gzip.NewReader(bytes.NewReader(body))
		require.NoError(t, err)
		raw, err := io.ReadAll(zr)
		require.NoError(t, err)
		// Every field is quoted.
		for _, line := range strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n") {
			if line != "" {
				require.True(t, strings.HasPrefix(line, `"`) && strings.HasSuffix(line, `"`), line)
			}
		}
		rs, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
		require.NoError(t, err)
		rows = append(rows, rs...)
	}
	return manifests, m, rows
}

func TestInventoryReportsOnTheClock(t *testing.T) {
	ctx := context.Background()
	e, clk := openInventoryTest(t) // a Wednesday
	require.NoError(t, e.CreateBucket(ctx, "src", BucketOptions{}))
	require.NoError(t, e.CreateBucket(ctx, "dst", BucketOptions{}))
	put := func(key, body string) ObjectInfo {
		info, err := e.PutObject(ctx, "src", key, strings.NewReader(body), int64(len(body)), PutOptions{})
		require.NoError(t, err)
		return info
	}
	a := put("logs/a b+c", "hello")
	put("logs/b", "world!")
	put("other/x", "x")

	daily := bucketconfig.InventoryConfiguration{ID: "daily", Enabled: true, Prefix: "logs/", IncludedVersions: "Current", Frequency: "Daily",
		OptionalFields: []string{"Size", "ETag", "StorageClass", "LastModifiedDate", "IsMultipartUploaded", "EncryptionStatus"},
		Destination:    bucketconfig.InventoryDestination{Bucket: "arn:aws:s3:::dst", Format: "CSV", Prefix: "inv"}}
	require.NoError(t, e.PutInventoryConfiguration(ctx, "src", daily))
	off := daily
	off.ID, off.Enabled = "off", false
	require.NoError(t, e.PutInventoryConfiguration(ctx, "src", off))

	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	require.Equal(t, InventoryStats{Reports: 1, Rows: 2}, st.Inventory)
	manifests, m, rows := inventoryReport(t, e, "dst", "inv/", "src", "daily")
	require.Equal(t, []string{"inv/src/daily/2026-03-04T10-30Z/manifest.json"}, manifests)
	symlink := string(readInventoryObject(t, e, "dst", "inv/src/daily/hive/dt=2026-03-04-10-30/symlink.txt"))
	require.Equal(t, "src", m.SourceBucket)
	require.Equal(t, "arn:aws:s3:::dst", m.DestinationBucket)
	require.Equal(t, "2016-11-30", m.Version)
	require.Equal(t, "CSV", m.FileFormat)
	require.Equal(t, "1772620200000", m.CreationTimestamp)
	require.Equal(t, "Bucket, Key, Size, ETag, StorageClass, LastModifiedDate, IsMultipartUploaded, EncryptionStatus", m.FileSchema)
	require.Equal(t, [][]string{
		{"src", "logs%2Fa+b%2Bc", "5", a.ETag, "STANDARD", a.LastModified.UTC().Format("2006-01-02T15:04:05.000Z"), "false", "NOT-SSE"},
		{"src", "logs%2Fb", "6", mustHead(t, e, "src", "logs/b").ETag, "STANDARD",
			mustHead(t, e, "src", "logs/b").LastModified.UTC().Format("2006-01-02T15:04:05.000Z"), "false", "NOT-SSE"},
	}, rows)
	require.Equal(t, "s3://dst/"+m.Files[0].Key+"\n", symlink)
	_, _, offRows := inventoryReport(t, e, "dst", "inv/", "src", "off")
	require.Empty(t, offRows, "a disabled configuration writes nothing")

	// Within the same day nothing more; the next day a new report.
	clk.Advance(10 * time.Hour)
	st, err = e.RunPending(ctx)
	require.NoError(t, err)
	require.Zero(t, st.Inventory.Reports)
	clk.Advance(4 * time.Hour) // 2026-03-05 00:30
	put("logs/c", "new")
	st, err = e.RunPending(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, st.Inventory.Reports)
	manifests, _, rows = inventoryReport(t, e, "dst", "inv/", "src", "daily")
	require.Len(t, manifests, 2)
	require.Len(t, rows, 3)
	require.Equal(t, "logs%2Fc", rows[2][1])

	// Deleting the configuration stops its reports.
	require.NoError(t, e.DeleteInventoryConfiguration(ctx, "src", "daily"))
	require.ErrorIs(t, e.DeleteInventoryConfiguration(ctx, "src", "daily"), ErrNoSuchConfig)
	clk.Advance(48 * time.Hour)
	st, err = e.RunPending(ctx)
	require.NoError(t, err)
	require.Zero(t, st.Inventory.Reports)
	c, err := e.BucketConfigValue(ctx, "src", bucketconfig.KindInventory)
	require.NoError(t, err)
	require.Len(t, c.(*bucketconfig.Inventory).Configurations, 1)
	require.NoError(t, e.DeleteInventoryConfiguration(ctx, "src", "off"))
	_, err = e.BucketConfigValue(ctx, "src", bucketconfig.KindInventory)
	require.ErrorIs(t, err, ErrNoSuchConfig)
}

// All versions: every version and delete marker, newest first per key,
// across data files and listing pages.
func TestInventoryAllVersionsAndWeekly(t *testing.T) {
	ctx := context.Background()
	e, clk := openInventoryTest(t) // a Wednesday
	require.NoError(t, e.CreateBucket(ctx, "src", BucketOptions{}))
	require.NoError(t, e.SetBucketConfig(ctx, "src", &bucketconfig.Versioning{Status: "Enabled"}))
	put := func(key, body string) ObjectInfo {
		info, err := e.PutObject(ctx, "src", key, strings.NewReader(body), int64(len(body)), PutOptions{})
		require.NoError(t, err)
		return info
	}
	v1 := put("k", "one")
	v2 := put("k", "two")
	require.NoError(t, e.DeleteObject(ctx, "src", "k", DeleteOptions{}))
	for i := range 1500 { // more than one listing page
		put("many/"+string(rune('a'+i/26/26%26))+string(rune('a'+i/26%26))+string(rune('a'+i%26)), "")
	}
	defer func(n int) { inventoryRowsPerFile = n }(inventoryRowsPerFile)
	inventoryRowsPerFile = 1000

	all := bucketconfig.InventoryConfiguration{ID: "all", Enabled: true, IncludedVersions: "All", Frequency: "Weekly",
		OptionalFields: []string{"Size"},
		// The report goes into the source bucket itself; no prefix.
		Destination: bucketconfig.InventoryDestination{Bucket: "arn:aws:s3:::src", Format: "CSV"}}
	require.NoError(t, e.PutInventoryConfiguration(ctx, "src", all))
	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	require.Equal(t, InventoryStats{Reports: 1, Rows: 1503}, st.Inventory)
	_, m, rows := inventoryReport(t, e, "src", "", "src", "all")
	require.Len(t, m.Files, 2)
	require.Equal(t, "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size", m.FileSchema)
	require.Len(t, rows, 1503)
	var k [][]string
	for _, r := range rows {
		if r[1] == "k" {
			k = append(k, r)
		}
	}
	require.Len(t, k, 3)
	require.Equal(t, []string{"src", "k", k[0][2], "true", "true", ""}, k[0], "the delete marker, latest")
	require.Equal(t, []string{"src", "k", v2.VersionID, "false", "false", "3"}, k[1])
	require.Equal(t, []string{"src", "k", v1.VersionID, "false", "false", "3"}, k[2])
	require.NotEmpty(t, k[0][2])

	// Weekly: the next report comes on Sunday, not before.
	clk.Advance(3 * 24 * time.Hour) // Saturday 10:30
	st, err = e.RunPending(ctx)
	require.NoError(t, err)
	require.Zero(t, st.Inventory.Reports)
	clk.Advance(14 * time.Hour) // Sunday 00:30
	st, err = e.RunPending(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, st.Inventory.Reports)
	// The first report's files are listed now too (they are objects of src).
	require.Greater(t, st.Inventory.Rows, 1503)
}

func TestInventoryConfigurationChecks(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, testOptions())
	require.NoError(t, e.CreateBucket(ctx, "src", BucketOptions{Owner: "alice"}))
	require.NoError(t, e.CreateBucket(ctx, "dst", BucketOptions{Owner: "alice"}))
	require.NoError(t, e.CreateBucket(ctx, "bobs", BucketOptions{Owner: "bob"}))
	c := bucketconfig.InventoryConfiguration{ID: "r", Enabled: true, IncludedVersions: "Current", Frequency: "Daily",
		Destination: bucketconfig.InventoryDestination{Bucket: "arn:aws:s3:::dst", Format: "CSV"}}
	require.NoError(t, e.PutInventoryConfiguration(ctx, "src", c))
	for _, tc := range []struct {
		name string
		edit func(c *bucketconfig.InventoryConfiguration)
		want error
	}{
		{"invalid", func(c *bucketconfig.InventoryConfiguration) { c.Frequency = "Hourly" }, ErrInvalidArgument},
		{"missing destination", func(c *bucketconfig.InventoryConfiguration) { c.Destination.Bucket = "arn:aws:s3:::nope" }, ErrInvalidArgument},
		{"foreign destination", func(c *bucketconfig.InventoryConfiguration) { c.Destination.Bucket = "arn:aws:s3:::bobs" }, ErrInvalidArgument},
		{"orc", func(c *bucketconfig.InventoryConfiguration) { c.Destination.Format = "ORC" }, ErrNotImplemented},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := c
			tc.edit(&x)
			require.ErrorIs(t, e.PutInventoryConfiguration(ctx, "src", x), tc.want)
		})
	}
	require.ErrorIs(t, e.PutInventoryConfiguration(ctx, "nosuch", c), ErrNoSuchBucket)
	for i := 1; i < bucketconfig.MaxInventoryConfigurations; i++ {
		x := c
		x.ID = "r" + string(rune('a'+i/26/26%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i%26))
		require.NoError(t, e.PutInventoryConfiguration(ctx, "src", x))
	}
	x := c
	x.ID = "zzz"
	require.ErrorIs(t, e.PutInventoryConfiguration(ctx, "src", x), ErrTooManyConfigurations)
	c.Frequency = "Weekly" // replacing one is fine at the limit
	require.NoError(t, e.PutInventoryConfiguration(ctx, "src", c))
	got, err := e.BucketConfigValue(ctx, "src", bucketconfig.KindInventory)
	require.NoError(t, err)
	require.Len(t, got.(*bucketconfig.Inventory).Configurations, bucketconfig.MaxInventoryConfigurations)
	require.Equal(t, "Weekly", got.(*bucketconfig.Inventory).Find("r").Frequency)
}

// Parquet reports: S3's snake-case columns, typed values (booleans, an
// int64 size, millisecond timestamps), nulls for a delete marker's
// fields, keys as they are.
func TestInventoryParquet(t *testing.T) {
	ctx := context.Background()
	e, _ := openInventoryTest(t)
	require.NoError(t, e.CreateBucket(ctx, "src", BucketOptions{}))
	require.NoError(t, e.CreateBucket(ctx, "dst", BucketOptions{}))
	require.NoError(t, e.SetBucketConfig(ctx, "src", &bucketconfig.Versioning{Status: "Enabled"}))
	a, err := e.PutObject(ctx, "src", "a b", strings.NewReader("hello"), 5, PutOptions{})
	require.NoError(t, err)
	require.NoError(t, e.DeleteObject(ctx, "src", "a b", DeleteOptions{}))
	c := bucketconfig.InventoryConfiguration{ID: "pq", Enabled: true, IncludedVersions: "All", Frequency: "Daily",
		OptionalFields: []string{"Size", "LastModifiedDate", "ETag", "IsMultipartUploaded"},
		Destination:    bucketconfig.InventoryDestination{Bucket: "arn:aws:s3:::dst", Format: "Parquet"}}
	require.NoError(t, e.PutInventoryConfiguration(ctx, "src", c))
	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	require.Equal(t, InventoryStats{Reports: 1, Rows: 2}, st.Inventory)

	var manifest string
	for o, err := range e.Objects(ctx, "dst", ListOptions{Prefix: "src/pq/"}) {
		require.NoError(t, err)
		if strings.HasSuffix(o.Key, "/manifest.json") {
			manifest = o.Key
		}
	}
	require.Equal(t, "src/pq/2026-03-04T10-30Z/manifest.json", manifest)
	var m inventoryManifest
	require.NoError(t, json.Unmarshal(readInventoryObject(t, e, "dst", manifest), &m))
	require.Equal(t, "Parquet", m.FileFormat)
	require.Contains(t, m.FileSchema, "message s3.inventory")
	require.Contains(t, m.FileSchema, "required binary key (STRING)")
	require.Len(t, m.Files, 1)
	require.True(t, strings.HasSuffix(m.Files[0].Key, ".parquet"), m.Files[0].Key)
	body := readInventoryObject(t, e, "dst", m.Files[0].Key)
	sum := md5.Sum(body)
	require.Equal(t, hex.EncodeToString(sum[:]), m.Files[0].MD5checksum)
	require.EqualValues(t, len(body), m.Files[0].Size)

	f, err := parquet.OpenFile(bytes.NewReader(body), int64(len(body)))
	require.NoError(t, err)
	require.EqualValues(t, 2, f.NumRows())
	cols := f.Schema().Columns()
	r := parquet.NewReader(f)
	defer r.Close()
	rows := make([]parquet.Row, 2)
	n, err := r.ReadRows(rows)
	if err != io.EOF {
		require.NoError(t, err)
	}
	require.Equal(t, 2, n)
	get := func(row parquet.Row, name string) parquet.Value {
		for i, p := range cols {
			if p[0] == name {
				for _, v := range row {
					if v.Column() == i {
						return v
					}
				}
			}
		}
		t.Fatalf("no column %s", name)
		return parquet.Value{}
	}
	marker, obj := rows[0], rows[1]
	require.Equal(t, "a b", get(marker, "key").String())
	require.True(t, get(marker, "is_delete_marker").Boolean())
	require.True(t, get(marker, "is_latest").Boolean())
	require.True(t, get(marker, "size").IsNull())
	require.True(t, get(marker, "e_tag").IsNull())
	require.Equal(t, "src", get(obj, "bucket").String())
	require.Equal(t, a.VersionID, get(obj, "version_id").String())
	require.False(t, get(obj, "is_latest").Boolean())
	require.EqualValues(t, 5, get(obj, "size").Int64())
	require.Equal(t, a.LastModified.UnixMilli(), get(obj, "last_modified_date").Int64())
	require.Equal(t, a.ETag, get(obj, "e_tag").String())
	require.False(t, get(obj, "is_multipart_uploaded").Boolean())
}

// openInventoryTest opens an engine on a fake clock at Wednesday
// 2026-03-04 10:30 UTC, without background compaction.
func openInventoryTest(t *testing.T) (*Engine, *fakeClock) {
	clk := newFakeClock()
	clk.t = time.Date(2026, 3, 4, 10, 30, 0, 0, time.UTC)
	opts := testOptions()
	opts.Clock = clk
	opts.CompactInterval = -1
	return openTest(t, opts), clk
}

// TestReportsFollowTheOwner: an inventory report goes to its destination
// only while the destination is the source owner's: one deleted and made
// again by another account gets nothing; reports are the owner's objects.
func TestReportsFollowTheOwner(t *testing.T) {
	ctx := context.Background()
	e, clk := openInventoryTest(t)
	require.NoError(t, e.CreateBucket(ctx, "src", BucketOptions{Owner: "alice"}))
	require.NoError(t, e.CreateBucket(ctx, "dst", BucketOptions{Owner: "alice"}))
	_, err := e.PutObject(ctx, "src", "k", strings.NewReader("x"), 1, PutOptions{})
	require.NoError(t, err)
	require.NoError(t, e.PutInventoryConfiguration(ctx, "src", bucketconfig.InventoryConfiguration{ID: "daily", Enabled: true,
		IncludedVersions: "Current", Frequency: "Daily", Destination: bucketconfig.InventoryDestination{Bucket: "arn:aws:s3:::dst", Format: "CSV"}}))
	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, st.Inventory.Reports)
	page, err := e.ListObjects(ctx, "dst", ListOptions{})
	require.NoError(t, err)
	require.NotEmpty(t, page.Objects)
	for _, o := range page.Objects {
		require.Equal(t, "alice", o.Owner, o.Key)
	}

	for _, o := range page.Objects {
		err := e.DeleteObject(ctx, "dst", o.Key, DeleteOptions{})
		require.NoError(t, err)
	}
	require.NoError(t, e.DeleteBucket(ctx, "dst", DeleteBucketOptions{}))
	require.NoError(t, e.CreateBucket(ctx, "dst", BucketOptions{Owner: "mallory"}))
	clk.Advance(25 * time.Hour)
	st, err = e.RunPending(ctx)
	require.NoError(t, err)
	require.Zero(t, st.Inventory.Reports)
	page, err = e.ListObjects(ctx, "dst", ListOptions{})
	require.NoError(t, err)
	require.Empty(t, page.Objects, "nothing for another owner's bucket")
}
