package engine

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// S3 bucket inventory (bucketconfig.Inventory) is executed by the engine
// on its clock, in the lifecycle pass (the background loop and
// RunPending): every enabled configuration produces one report per
// period, Daily (a day starts at midnight UTC) or Weekly (a week starts
// on Sunday), the first at the first pass after it is configured. With
// Options.LifecycleDay shortened, the day is that long (for development).
//
// Besides the prefix, a configuration may bound the objects' sizes and
// last-modified times (OSS's filter); delete markers are listed
// regardless.
//
// A report is written as S3 writes it (OSS's layout is the same): data files under
// <prefix>/<source>/<id>/data/, either <uuid>.csv.gz (gzip CSV, every
// field quoted, keys URL-encoded as in event notifications) or
// <uuid>.parquet (Snappy-compressed Parquet with S3's snake-case column
// names, keys as they are), then
// <prefix>/<source>/<id>/hive/dt=<YYYY-MM-DD-HH-MM>/symlink.txt (their
// s3:// URIs, for Athena and Hive), then
// <prefix>/<source>/<id>/<YYYY-MM-DDTHH-MMZ>/manifest.json listing them
// and manifest.checksum (the manifest's MD5, hex). The listing is read
// page by page and streamed into the data file (Parquet buffers one row
// group of at most 10,000 rows). Only the time of the last report of
// each configuration is kept, at C/<bucket>/inventory\x00<id>, so the
// bucket's deletion removes it; a report cut short by a crash is written
// again (its partial data files stay, listed by no manifest).
//
// The ORC format is not produced: PutInventoryConfiguration refuses it
// (ErrNotImplemented) so that no stored configuration fails to run. The
// destination must be an existing bucket of the source bucket's owner.

// InventoryStats counts what the inventory part of a pass did.
type InventoryStats struct {
	// Reports counts the reports written, Rows the rows they hold.
	Reports, Rows int
}

// inventoryRowsPerFile caps the rows of one data file (a variable so
// tests can cut files small).
var inventoryRowsPerFile = 1_000_000

// inventoryStateKey keeps the time of a configuration's last report.
func inventoryStateKey(bucket, id string) []byte {
	return configKey(bucket, ConfigInventory+"\x00"+id)
}

// PutInventoryConfiguration adds c to the bucket's inventory
// configurations, replacing the one of the same ID. c must be valid
// (ErrInvalidArgument), its destination an existing bucket with the
// source bucket's owner (ErrInvalidArgument) and its format CSV or
// Parquet (ORC: ErrNotImplemented); a bucket has at most
// bucketconfig.MaxInventoryConfigurations (ErrTooManyConfigurations).
func (e *Engine) PutInventoryConfiguration(ctx context.Context, bucket string, c bucketconfig.InventoryConfiguration) error {
	if err := e.enter(ctx); err != nil {
		return err
	}
	defer e.leave()
	if err := c.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidArgument, err)
	}
	if c.Destination.Format == "ORC" {
		return fmt.Errorf("%w: inventory reports in ORC format are not produced (CSV and Parquet are)", ErrNotImplemented)
	}
	defer e.configs.forget(bucket, ConfigInventory)
	return e.applyCtx(ctx, func(m *mutation) error {
		src, err := e.bucketRecord(e.db, bucket)
		if err != nil {
			return err
		}
		dst, err := e.bucketRecord(e.db, c.DestinationBucket())
		if errors.Is(err, ErrNoSuchBucket) {
			return fmt.Errorf("%w: inventory destination bucket %s does not exist", ErrInvalidArgument, c.DestinationBucket())
		}
		if err != nil {
			return err
		}
		if dst.owner != src.owner {
			return fmt.Errorf("%w: inventory destination bucket %s is not the source bucket owner's", ErrInvalidArgument, c.DestinationBucket())
		}
		inv, err := e.storedInventory(bucket)
		if err != nil {
			return err
		}
		if inv.Find(c.ID) == nil && len(inv.Configurations) >= bucketconfig.MaxInventoryConfigurations {
			return fmt.Errorf("%w: a bucket has at most %d inventory configurations", ErrTooManyConfigurations, bucketconfig.MaxInventoryConfigurations)
		}
		doc, err := bucketconfig.Encode(inv.With(c))
		if err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidArgument, err)
		}
		if len(doc) > MaxInventorySize {
			return fmt.Errorf("%w: inventory configurations of %d bytes", ErrEntityTooLarge, len(doc))
		}
		return m.b.Set(configKey(bucket, ConfigInventory), doc, nil)
	})
}

// MaxInventorySize bounds the stored set of a bucket's inventory
// configurations (1,000 configurations with long prefixes exceed
// MaxConfigSize).
const MaxInventorySize = 4 << 20

// DeleteInventoryConfiguration removes the bucket's inventory
// configuration id, or returns ErrNoSuchConfig.
func (e *Engine) DeleteInventoryConfiguration(ctx context.Context, bucket, id string) error {
	if err := e.enter(ctx); err != nil {
		return err
	}
	defer e.leave()
	defer e.configs.forget(bucket, ConfigInventory)
	return e.applyCtx(ctx, func(m *mutation) error {
		if _, err := e.bucketRecord(e.db, bucket); err != nil {
			return err
		}
		inv, err := e.storedInventory(bucket)
		if err != nil {
			return err
		}
		rest, ok := inv.Without(id)
		if !ok {
			return fmt.Errorf("%w: inventory %s of %s", ErrNoSuchConfig, id, bucket)
		}
		if err := m.b.Delete(inventoryStateKey(bucket, id), nil); err != nil {
			return err
		}
		if len(rest.Configurations) == 0 {
			return m.b.Delete(configKey(bucket, ConfigInventory), nil)
		}
		doc, err := bucketconfig.Encode(rest)
		if err != nil {
			return err
		}
		return m.b.Set(configKey(bucket, ConfigInventory), doc, nil)
	})
}

// storedInventory reads the bucket's inventory set under the metadata
// lock (empty when there is none).
func (e *Engine) storedInventory(bucket string) (*bucketconfig.Inventory, error) {
	v, ok, err := get(e.db, configKey(bucket, ConfigInventory))
	if err != nil || !ok {
		return &bucketconfig.Inventory{}, err
	}
	c, err := bucketconfig.Decode(bucketconfig.KindInventory, v)
	if err != nil {
		return nil, fmt.Errorf("%w: stored inventory of %s: %w", ErrCorrupt, bucket, err)
	}
	return c.(*bucketconfig.Inventory), nil
}

// inventoryPeriod returns the start of the report period that holds now.
func (e *Engine) inventoryPeriod(frequency string, now time.Time) time.Time {
	day := e.opts.LifecycleDay
	if frequency == "Weekly" {
		// Weeks start on Sunday: the epoch was a Thursday.
		sunday := time.Unix(0, 0).UTC().Add(3 * day)
		week := 7 * day
		n := now.Sub(sunday) / week
		if now.Before(sunday.Add(n * week)) {
			n--
		}
		return sunday.Add(n * week)
	}
	return now.Truncate(day)
}

// inventoryPass writes the reports due at now. A configuration that
// fails is reported in the error and tried again at the next pass; the
// others run.
func (e *Engine) inventoryPass(ctx context.Context, buckets []BucketInfo, now time.Time) (InventoryStats, error) {
	var st InventoryStats
	var errs []error
	for _, b := range buckets {
		c, err := e.BucketConfigValue(ctx, b.Name, bucketconfig.KindInventory)
		if errors.Is(err, ErrNoSuchConfig) || errors.Is(err, ErrNoSuchBucket) {
			continue
		}
		if err != nil {
			return st, err
		}
		for _, ic := range c.(*bucketconfig.Inventory).Configurations {
			if !ic.Enabled {
				continue
			}
			v, ok, err := get(e.db, inventoryStateKey(b.Name, ic.ID))
			if err != nil {
				return st, err
			}
			if ok && len(v) == 8 {
				last := time.Unix(0, int64(binary.BigEndian.Uint64(v)))
				if !last.Before(e.inventoryPeriod(ic.Frequency, now)) {
					continue
				}
			}
			rows, err := e.writeInventoryReport(ctx, b.Name, &ic, now)
			if errors.Is(err, ErrNoSuchBucket) || errors.Is(err, ErrBucketChanged) {
				e.opts.Logger.Warn("inventory report skipped: a bucket is gone", "bucket", b.Name, "id", ic.ID, "err", err)
				continue
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("engine: inventory %s of %s: %w", ic.ID, b.Name, err))
				continue
			}
			st.Reports++
			st.Rows += rows
			err = e.applyCtx(ctx, func(m *mutation) error {
				if inv, err := e.storedInventory(b.Name); err != nil || inv.Find(ic.ID) == nil {
					return err // deleted meanwhile: keep no state
				}
				return m.b.Set(inventoryStateKey(b.Name, ic.ID), binary.BigEndian.AppendUint64(nil, uint64(now.UnixNano())), nil)
			})
			if err != nil && !errors.Is(err, ErrNoSuchBucket) {
				return st, err
			}
		}
	}
	return st, errors.Join(errs...)
}

// inventoryFile is one data file as the manifest lists it.
type inventoryFile struct {
	Key         string `json:"key"`
	Size        int64  `json:"size"`
	MD5checksum string `json:"MD5checksum"`
}

// inventoryManifest is manifest.json.
type inventoryManifest struct {
	SourceBucket      string          `json:"sourceBucket"`
	DestinationBucket string          `json:"destinationBucket"`
	Version           string          `json:"version"`
	CreationTimestamp string          `json:"creationTimestamp"`
	FileFormat        string          `json:"fileFormat"`
	FileSchema        string          `json:"fileSchema"`
	Files             []inventoryFile `json:"files"`
}

// InventoryColumns returns the columns of c's reports, in order.
func InventoryColumns(c *bucketconfig.InventoryConfiguration) []string {
	cols := []string{"Bucket", "Key"}
	if c.IncludedVersions == "All" {
		cols = append(cols, "VersionId", "IsLatest", "IsDeleteMarker")
	}
	return append(cols, c.OptionalFields...)
}

// exportDestination returns the owner of dst, where a report about
// bucket goes, checked again at each report: a destination deleted and
// made again by another account gets nothing (an error wrapping
// ErrNoSuchBucket: the configuration's bucket is gone). The report's
// writes go under the returned context, guarded by the destination
// checked (WithBucketGuard): one deleted and made again while the report
// is being written fails them with ErrBucketChanged.
func (e *Engine) exportDestination(ctx context.Context, bucket, dst string) (context.Context, string, error) {
	src, err := e.Bucket(ctx, bucket)
	if err != nil {
		return ctx, "", err
	}
	d, err := e.Bucket(ctx, dst)
	if err != nil {
		return ctx, "", err
	}
	if d.Owner != src.Owner {
		return ctx, "", fmt.Errorf("%w: the report destination %s is now another owner's than %s", ErrNoSuchBucket, dst, bucket)
	}
	return WithBucketGuard(ctx, dst, d.ID), d.Owner, nil
}

// writeInventoryReport writes one report of c and returns its rows.
func (e *Engine) writeInventoryReport(ctx context.Context, bucket string, c *bucketconfig.InventoryConfiguration, now time.Time) (int, error) {
	dst := c.DestinationBucket()
	ctx, owner, err := e.exportDestination(ctx, bucket, dst)
	if err != nil {
		return 0, err
	}
	base := bucket + "/" + c.ID + "/"
	if p := strings.TrimSuffix(c.Destination.Prefix, "/"); p != "" {
		base = p + "/" + base
	}
	opts := PutOptions{Metadata: Metadata{ContentType: "application/octet-stream"}, Owner: owner}
	switch c.Destination.Encryption {
	case "SSE-S3":
		opts.Encryption = Encryption{Mode: EncryptManaged}
	case "SSE-KMS":
		opts.Encryption = Encryption{Mode: EncryptKMS, KeyID: c.Destination.KMSKeyID}
	}
	cols := InventoryColumns(c)
	w := &inventoryWriter{e: e, ctx: ctx, bucket: dst, base: base, opts: opts, source: bucket, cols: cols, format: c.Destination.Format}
	defer w.abort()
	rows := 0
	emit := func(o *ObjectInfo) error {
		if !o.DeleteMarker && !c.Selects(o.Size, o.LastModified, o.StorageClass) {
			return nil
		}
		rows++
		return w.object(o)
	}
	if c.IncludedVersions == "All" {
		lo := VersionListOptions{Prefix: c.Prefix}
		for {
			page, err := e.ListObjectVersions(ctx, bucket, lo)
			if err != nil {
				return rows, err
			}
			for i := range page.Versions {
				if err := emit(&page.Versions[i]); err != nil {
					return rows, err
				}
			}
			if !page.IsTruncated {
				break
			}
			lo.KeyMarker, lo.VersionIDMarker = page.NextKeyMarker, page.NextVersionIDMarker
		}
	} else {
		for o, err := range e.Objects(ctx, bucket, ListOptions{Prefix: c.Prefix}) {
			if err != nil {
				return rows, err
			}
			o.IsLatest = true // a listing of current objects
			if err := emit(&o); err != nil {
				return rows, err
			}
		}
	}
	files, err := w.finish()
	if err != nil {
		return rows, err
	}
	m := inventoryManifest{
		SourceBucket:      bucket,
		DestinationBucket: c.Destination.Bucket,
		Version:           "2016-11-30",
		CreationTimestamp: strconv.FormatInt(now.UnixMilli(), 10),
		FileFormat:        c.Destination.Format,
		FileSchema:        w.fileSchema(),
		Files:             files,
	}
	doc, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return rows, err
	}
	stamp := now.UTC().Format("2006-01-02T15-04Z")
	sum := md5.Sum(doc)
	// The Hive symlink file lists the data files for Athena and Hive
	// (hive/dt=YYYY-MM-DD-HH-MM/symlink.txt).
	var symlink strings.Builder
	for _, f := range files {
		symlink.WriteString("s3://" + dst + "/" + f.Key + "\n")
	}
	for _, f := range []struct {
		key, ctype string
		body       []byte
	}{
		{base + "hive/dt=" + now.UTC().Format("2006-01-02-15-04") + "/symlink.txt", "text/plain", []byte(symlink.String())},
		{base + stamp + "/manifest.json", "application/json", doc},
		{base + stamp + "/manifest.checksum", "text/plain", []byte(hex.EncodeToString(sum[:]))},
	} {
		o := opts
		o.Metadata.ContentType = f.ctype
		if _, err := e.PutObject(ctx, dst, f.key, strings.NewReader(string(f.body)), int64(len(f.body)), o); err != nil {
			return rows, err
		}
	}
	return rows, nil
}

// inventoryWriter streams rows into data files of the configured format
// (gzip CSV or Parquet), starting a new file every inventoryRowsPerFile
// rows; the compressed bytes are hashed and counted on their way to the
// store.
type inventoryWriter struct {
	e      *Engine
	ctx    context.Context
	bucket string
	base   string
	opts   PutOptions
	source string
	cols   []string
	format string

	files []inventoryFile
	cur   *Writer
	enc   inventoryEncoder
	md5   hash.Hash
	n     *countingWriter
	rows  int
}

// inventoryEncoder writes one data file's rows.
type inventoryEncoder interface {
	row(vals []any) error
	// close ends the file (not the underlying writer).
	close() error
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func (w *inventoryWriter) open() error {
	var u [16]byte
	_, _ = rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	h := hex.EncodeToString(u[:])
	name := h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
	o := w.opts
	ext := ".csv.gz"
	o.Metadata.ContentType = "application/gzip"
	if w.format == "Parquet" {
		ext, o.Metadata.ContentType = ".parquet", "application/octet-stream"
	}
	key := w.base + "data/" + name + ext
	cur, err := w.e.NewWriter(w.ctx, w.bucket, key, o)
	if err != nil {
		return err
	}
	w.cur, w.md5, w.n, w.rows = cur, md5.New(), &countingWriter{}, 0
	out := io.MultiWriter(cur, w.md5, w.n)
	if w.format == "Parquet" {
		w.enc = newInventoryParquet(out, w.cols)
	} else {
		w.enc = newInventoryCSV(out)
	}
	w.files = append(w.files, inventoryFile{Key: key})
	return nil
}

// object writes one object's row.
func (w *inventoryWriter) object(o *ObjectInfo) error {
	if w.cur == nil || w.rows >= inventoryRowsPerFile {
		if err := w.close(); err != nil {
			return err
		}
		if err := w.open(); err != nil {
			return err
		}
	}
	vals := make([]any, len(w.cols))
	for i, col := range w.cols {
		vals[i] = inventoryValue(w.source, col, o)
		if col == "LifecycleExpirationDate" && o.IsLatest && !o.DeleteMarker {
			// When a lifecycle rule expires the current version, as
			// x-amz-expiration reports it.
			info := *o
			info.Bucket = w.source
			if at, _, ok := w.e.ObjectExpiry(w.ctx, info); ok {
				vals[i] = at
			}
		}
	}
	if w.format != "Parquet" {
		vals[1] = url.QueryEscape(o.Key) // CSV keys are URL-encoded
	}
	w.rows++
	return w.enc.row(vals)
}

// fileSchema is the manifest's fileSchema: the CSV columns, or the
// Parquet schema.
func (w *inventoryWriter) fileSchema() string {
	if w.format == "Parquet" {
		return inventoryParquetSchema(w.cols).String()
	}
	return strings.Join(w.cols, ", ")
}

// close commits the current data file, if any.
func (w *inventoryWriter) close() error {
	if w.cur == nil {
		return nil
	}
	cur := w.cur
	w.cur = nil
	if err := w.enc.close(); err != nil {
		cur.Abort()
		return err
	}
	if err := cur.Close(); err != nil {
		return err
	}
	f := &w.files[len(w.files)-1]
	f.Size, f.MD5checksum = w.n.n, hex.EncodeToString(w.md5.Sum(nil))
	return nil
}

// finish commits the last data file (an empty report has one file with
// no rows) and returns the files written.
func (w *inventoryWriter) finish() ([]inventoryFile, error) {
	if w.cur == nil && len(w.files) == 0 {
		if err := w.open(); err != nil {
			return nil, err
		}
	}
	if err := w.close(); err != nil {
		return nil, err
	}
	return w.files, nil
}

// abort discards an unfinished data file.
func (w *inventoryWriter) abort() {
	if w.cur != nil {
		w.cur.Abort()
		w.cur = nil
	}
}

// inventoryCSV writes gzip CSV, every field quoted.
type inventoryCSV struct {
	gz   *gzip.Writer
	buf  *bufio.Writer
	line []byte
}

func newInventoryCSV(out io.Writer) *inventoryCSV {
	gz := gzip.NewWriter(out)
	return &inventoryCSV{gz: gz, buf: bufio.NewWriterSize(gz, 64<<10)}
}

func (c *inventoryCSV) row(vals []any) error {
	c.line = c.line[:0]
	for i, v := range vals {
		if i > 0 {
			c.line = append(c.line, ',')
		}
		var f string
		switch v := v.(type) {
		case string:
			f = v
		case bool:
			f = strconv.FormatBool(v)
		case int64:
			f = strconv.FormatInt(v, 10)
		case time.Time:
			f = v.UTC().Format("2006-01-02T15:04:05.000Z")
		}
		c.line = append(c.line, '"')
		c.line = append(c.line, strings.ReplaceAll(f, `"`, `""`)...)
		c.line = append(c.line, '"')
	}
	c.line = append(c.line, '\n')
	_, err := c.buf.Write(c.line)
	return err
}

func (c *inventoryCSV) close() error {
	if err := c.buf.Flush(); err != nil {
		return err
	}
	return c.gz.Close()
}

// inventoryParquetNames are the Parquet column names of the inventory
// columns (S3's, snake case).
var inventoryParquetNames = map[string]string{
	"Bucket": "bucket", "Key": "key", "VersionId": "version_id", "IsLatest": "is_latest",
	"IsDeleteMarker": "is_delete_marker", "Size": "size", "LastModifiedDate": "last_modified_date",
	"StorageClass": "storage_class", "ETag": "e_tag", "IsMultipartUploaded": "is_multipart_uploaded",
	"ReplicationStatus": "replication_status", "EncryptionStatus": "encryption_status",
	"ObjectLockRetainUntilDate": "object_lock_retain_until_date", "ObjectLockMode": "object_lock_mode",
	"ObjectLockLegalHoldStatus":    "object_lock_legal_hold_status",
	"IntelligentTieringAccessTier": "intelligent_tiering_access_tier", "BucketKeyStatus": "bucket_key_status",
	"ChecksumAlgorithm": "checksum_algorithm", "ObjectAccessControlList": "object_access_control_list",
	"ObjectOwner": "object_owner", "TransitionTime": "transition_time",
	"LifecycleExpirationDate": "lifecycle_expiration_date", "ObjectLockEventHoldStatus": "object_lock_event_hold_status",
	"ObjectLockEventHoldDuration": "object_lock_event_hold_duration",
}

// inventoryParquetSchema is the schema of a report with cols: bucket and
// key required strings, the rest optional (booleans, size an int64, dates
// timestamps in milliseconds, the others strings).
func inventoryParquetSchema(cols []string) *parquet.Schema {
	g := parquet.Group{}
	for _, col := range cols {
		var n parquet.Node
		switch col {
		case "IsLatest", "IsDeleteMarker", "IsMultipartUploaded":
			n = parquet.Leaf(parquet.BooleanType)
		case "Size":
			n = parquet.Int(64)
		case "LastModifiedDate", "ObjectLockRetainUntilDate", "TransitionTime", "LifecycleExpirationDate":
			n = parquet.Timestamp(parquet.Millisecond)
		default:
			n = parquet.String()
		}
		if col != "Bucket" && col != "Key" {
			n = parquet.Optional(n)
		}
		g[inventoryParquetNames[col]] = n
	}
	return parquet.NewSchema("s3.inventory", g)
}

// inventoryParquet writes a Parquet file (Snappy pages, row groups of at
// most 10,000 rows, so memory stays bounded).
type inventoryParquet struct {
	w *parquet.Writer
	// leaf[i] is the index in a row's values of the schema's i-th column;
	// optional[i] whether that column is optional.
	leaf     []int
	optional []bool
	buf      parquet.Row
}

func newInventoryParquet(out io.Writer, cols []string) *inventoryParquet {
	schema := inventoryParquetSchema(cols)
	p := &inventoryParquet{w: parquet.NewWriter(out, schema, parquet.Compression(&parquet.Snappy), parquet.MaxRowsPerRowGroup(10_000))}
	for _, path := range schema.Columns() {
		for i, col := range cols {
			if inventoryParquetNames[col] == path[0] {
				p.leaf = append(p.leaf, i)
				p.optional = append(p.optional, col != "Bucket" && col != "Key")
			}
		}
	}
	return p
}

func (p *inventoryParquet) row(vals []any) error {
	p.buf = p.buf[:0]
	for ci, vi := range p.leaf {
		var v parquet.Value
		switch x := vals[vi].(type) {
		case string:
			if x == "" && p.optional[ci] {
				v = parquet.NullValue()
			} else {
				v = parquet.ByteArrayValue([]byte(x))
			}
		case bool:
			v = parquet.BooleanValue(x)
		case int64:
			v = parquet.Int64Value(x)
		case time.Time:
			v = parquet.Int64Value(x.UnixMilli())
		default:
			v = parquet.NullValue()
		}
		def := 0
		if p.optional[ci] && !v.IsNull() {
			def = 1
		}
		p.buf = append(p.buf, v.Level(0, def, ci))
	}
	_, err := p.w.WriteRows([]parquet.Row{p.buf})
	return err
}

func (p *inventoryParquet) close() error { return p.w.Close() }

// inventoryValue is one column of an object's row as S3 reports it: a
// string, bool, int64 or time.Time, or nil when the column is empty (the
// fields of a delete marker beyond the version columns).
func inventoryValue(bucket, col string, o *ObjectInfo) any {
	switch col {
	case "Bucket":
		return bucket
	case "Key":
		return o.Key
	case "VersionId":
		return o.VersionID
	case "IsLatest":
		return o.IsLatest
	case "IsDeleteMarker":
		return o.DeleteMarker
	}
	if o.DeleteMarker {
		return nil
	}
	switch col {
	case "Size":
		return o.Size
	case "LastModifiedDate":
		return o.LastModified
	case "StorageClass":
		if o.StorageClass == "" {
			return "STANDARD"
		}
		return o.StorageClass
	case "ETag":
		return o.ETag
	case "IsMultipartUploaded":
		return o.Type == ObjectMultipart
	case "ReplicationStatus":
		return o.ReplicationStatus
	case "EncryptionStatus":
		if o.Encryption == nil {
			return "NOT-SSE"
		}
		switch o.Encryption.Mode {
		case EncryptKMS:
			return "SSE-KMS"
		case EncryptCustomer:
			return "SSE-C"
		case EncryptManaged:
			return "SSE-S3"
		}
		return "NOT-SSE"
	case "ObjectLockRetainUntilDate":
		if o.Retention.Mode == "" {
			return nil
		}
		return o.Retention.Until
	case "ObjectLockMode":
		return string(o.Retention.Mode)
	case "ObjectLockLegalHoldStatus":
		if o.LegalHold {
			return "ON"
		}
		return "OFF"
	case "IntelligentTieringAccessTier":
		// S3's inventory values; the automatic Infrequent and Archive
		// Instant tiers are not modelled (tiering.go).
		switch {
		case o.StorageClass != IntelligentTieringClass:
			return ""
		case o.AccessTier == bucketconfig.ArchiveAccess:
			return "ARCHIVE"
		case o.AccessTier == bucketconfig.DeepArchiveAccess:
			return "DEEP_ARCHIVE"
		}
		return "FREQUENT"
	case "BucketKeyStatus":
		if o.Encryption != nil && o.Encryption.Mode == EncryptKMS {
			if o.Encryption.BucketKey {
				return "ENABLED"
			}
			return "DISABLED"
		}
		return ""
	case "ChecksumAlgorithm":
		for a := range o.Checksums {
			return string(a)
		}
		return ""
	case "ObjectAccessControlList":
		return inventoryACL(o)
	case "ObjectOwner":
		return o.Owner
	case "TransitionTime": // OSS's
		if o.TransitionTime.IsZero() {
			return nil
		}
		return o.TransitionTime
	case "ObjectLockEventHoldStatus":
		// S3 Object Lock event holds are not implemented (httpapi
		// refuses them): no object is under one.
		return "OFF"
	}
	// ObjectLockEventHoldDuration: none, as no object is under an event
	// hold; LifecycleExpirationDate: inventoryWriter.object.
	return nil
}

// inventoryACL is the object's ACL as S3 inventory reports it: base64 of
// a JSON document listing the grants (the owner's FULL_CONTROL for the
// private canned ACL).
func inventoryACL(o *ObjectInfo) string {
	type grant struct {
		Permission  string `json:"permission"`
		Type        string `json:"type"`
		CanonicalID string `json:"canonicalId,omitempty"`
		URI         string `json:"uri,omitempty"`
	}
	doc := struct {
		Version string  `json:"version"`
		Status  string  `json:"status"`
		Grants  []grant `json:"grants"`
	}{Version: "2022-11-10", Status: "AVAILABLE", Grants: []grant{}}
	if len(o.ACL.Grants) == 0 && o.Owner != "" {
		doc.Grants = append(doc.Grants, grant{Permission: "FULL_CONTROL", Type: "CanonicalUser", CanonicalID: o.Owner})
	}
	for _, g := range o.ACL.Grants {
		doc.Grants = append(doc.Grants, grant{Permission: g.Permission, Type: g.GranteeType, CanonicalID: g.ID, URI: g.URI})
	}
	b, _ := json.Marshal(doc)
	return base64.StdEncoding.EncodeToString(b)
}
