package engine

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// S3 storage class analysis (bucketconfig.Analytics) is executed by the
// engine on its clock. While a bucket has a configuration that exports,
// the HTTP layer reports each GetObject (bytes sent) and each PutObject,
// CopyObject and POST upload (bytes written) of an object the filter
// selects (CountAnalytics); the counts are kept per day, storage class and
// age group, in memory until the next lifecycle pass merges them into the
// configuration's record (C/<bucket>/analytics\x00<id>, removed with the
// configuration or the bucket). Multipart uploads are not counted, as on
// S3 ("multipart upload requests do not currently have storage class
// information").
//
// Once a day (LifecycleDay long, starting at midnight UTC) is over, the
// pass adds that day's rows to the export: the CSV file
// <prefix>/<source bucket>/<id>.csv in the destination bucket, rewritten
// with every row kept and sorted by date within age group, as S3 sorts
// it. A day's rows are one per age group of objects of 128 KiB and more
// (000-014 days old, ... 730+) and one ALL row, for each storage class the
// day saw (STANDARD when there was nothing): the objects and bytes stored
// at the end of the day (current versions the filter selects, counted
// when the pass runs), the bytes uploaded and retrieved and the GET
// requests counted that day, and the cumulative access ratio (bytes
// retrieved over bytes stored, of the age group and every older one; ALL:
// of every object). S3's transition recommendations
// (ObjectAgeForSIATransition, RecommendedObjectAgeForSIATransition) come
// from a model of 30 days of access S3 does not publish: their columns are
// left empty. The Filter column is left empty too: the configuration names
// the filter. A configuration's first row is of its first whole day. Like
// access logs, the counts are best effort: a crash loses those not merged
// yet (at most a LifecycleInterval's), and a day whose destination bucket
// is gone is dropped with a warning.

// AnalyticsCount is what CountAnalytics counts.
type AnalyticsCount int

const (
	// AnalyticsGet is a GetObject that sent n bytes.
	AnalyticsGet AnalyticsCount = iota
	// AnalyticsUpload is a PutObject, CopyObject or POST upload that wrote
	// n bytes.
	AnalyticsUpload
)

// analyticsHeader is the export's first line.
const analyticsHeader = "Date,ConfigId,Filter,StorageClass,ObjectAge,ObjectCount,DataUploaded_MB,Storage_MB," +
	"DataRetrieved_MB,GetRequestCount,CumulativeAccessRatio,ObjectAgeForSIATransition,RecommendedObjectAgeForSIATransition"

// analyticsState holds the counts not merged into the stored records yet.
type analyticsState struct {
	mu      sync.Mutex
	pending map[analyticsKey]*analyticsCounts
}

// analyticsKey names one day's counts of a configuration, a storage class
// and an age group (-1: objects under MinAnalyticsSize).
type analyticsKey struct {
	bucket, id string
	day        int64 // the day's start, Unix nanoseconds
	class      string
	group      int
}

// analyticsCounts are the request counts of one analyticsKey.
type analyticsCounts struct {
	Uploaded  int64 `json:"up,omitempty"`
	Retrieved int64 `json:"down,omitempty"`
	Gets      int64 `json:"gets,omitempty"`
}

func (c *analyticsCounts) add(o analyticsCounts) {
	c.Uploaded += o.Uploaded
	c.Retrieved += o.Retrieved
	c.Gets += o.Gets
}

// analyticsRecord is what is stored of one configuration.
type analyticsRecord struct {
	// From is the first day (its start, Unix nanoseconds) to export, Done
	// the last exported (0: none yet).
	From int64 `json:"from"`
	Done int64 `json:"done,omitempty"`
	// Days are the counts of the days not exported yet.
	Days []analyticsDay `json:"days,omitempty"`
}

// analyticsDay is one stored analyticsKey's counts.
type analyticsDay struct {
	Day   int64  `json:"day"`
	Class string `json:"class"`
	Group int    `json:"group"`
	analyticsCounts
}

func analyticsStateKey(bucket, id string) []byte {
	return configKey(bucket, string(bucketconfig.KindAnalytics)+"\x00"+id)
}

// storedAnalytics reads the bucket's analytics set under the metadata
// lock (empty when there is none).
func (e *Engine) storedAnalytics(bucket string) (*bucketconfig.Analytics, error) {
	v, ok, err := get(e.db, configKey(bucket, string(bucketconfig.KindAnalytics)))
	if err != nil || !ok {
		return &bucketconfig.Analytics{}, err
	}
	c, err := bucketconfig.Decode(bucketconfig.KindAnalytics, v)
	if err != nil {
		return nil, fmt.Errorf("%w: stored analytics of %s: %w", ErrCorrupt, bucket, err)
	}
	return c.(*bucketconfig.Analytics), nil
}

// PutAnalyticsConfiguration adds c to the bucket's storage class analysis
// configurations, replacing the one of the same ID (whose counts are
// kept). c must be valid (ErrInvalidArgument) and its export destination,
// if any, an existing bucket of the source bucket's owner
// (ErrInvalidArgument); a bucket has at most
// bucketconfig.MaxAnalyticsConfigurations (ErrTooManyConfigurations). A
// new configuration's first exported day is the next whole one.
func (e *Engine) PutAnalyticsConfiguration(ctx context.Context, bucket string, c bucketconfig.AnalyticsConfiguration) error {
	if err := e.enter(ctx); err != nil {
		return err
	}
	defer e.leave()
	if err := c.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidArgument, err)
	}
	defer e.configs.forget(bucket, string(bucketconfig.KindAnalytics))
	return e.applyCtx(ctx, func(m *mutation) error {
		src, err := e.bucketRecord(e.db, bucket)
		if err != nil {
			return err
		}
		if dst := c.DestinationBucket(); dst != "" {
			rec, err := e.bucketRecord(e.db, dst)
			if errors.Is(err, ErrNoSuchBucket) {
				return fmt.Errorf("%w: analytics export destination bucket %s does not exist", ErrInvalidArgument, dst)
			}
			if err != nil {
				return err
			}
			if rec.owner != src.owner {
				return fmt.Errorf("%w: analytics export destination bucket %s is not the source bucket owner's", ErrInvalidArgument, dst)
			}
		}
		set, err := e.storedAnalytics(bucket)
		if err != nil {
			return err
		}
		if set.Find(c.ID) == nil && set.Len() >= bucketconfig.MaxAnalyticsConfigurations {
			return fmt.Errorf("%w: a bucket has at most %d analytics configurations", ErrTooManyConfigurations, bucketconfig.MaxAnalyticsConfigurations)
		}
		doc, err := bucketconfig.Encode(set.With(c))
		if err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidArgument, err)
		}
		if len(doc) > MaxInventorySize {
			return fmt.Errorf("%w: analytics configurations of %d bytes", ErrEntityTooLarge, len(doc))
		}
		if err := m.b.Set(configKey(bucket, string(bucketconfig.KindAnalytics)), doc, nil); err != nil {
			return err
		}
		if _, ok, err := get(e.db, analyticsStateKey(bucket, c.ID)); err != nil || ok {
			return err
		}
		day := e.opts.LifecycleDay
		rec, _ := json.Marshal(analyticsRecord{From: e.now().Truncate(day).Add(day).UnixNano()})
		return m.b.Set(analyticsStateKey(bucket, c.ID), rec, nil)
	})
}

// DeleteAnalyticsConfiguration removes the bucket's analytics
// configuration id and its counts, or returns ErrNoSuchConfig.
func (e *Engine) DeleteAnalyticsConfiguration(ctx context.Context, bucket, id string) error {
	if err := e.enter(ctx); err != nil {
		return err
	}
	defer e.leave()
	defer e.configs.forget(bucket, string(bucketconfig.KindAnalytics))
	return e.applyCtx(ctx, func(m *mutation) error {
		if _, err := e.bucketRecord(e.db, bucket); err != nil {
			return err
		}
		set, err := e.storedAnalytics(bucket)
		if err != nil {
			return err
		}
		rest, ok := set.Without(id)
		if !ok {
			return fmt.Errorf("%w: analytics %s of %s", ErrNoSuchConfig, id, bucket)
		}
		if err := m.b.Delete(analyticsStateKey(bucket, id), nil); err != nil {
			return err
		}
		if rest.Len() == 0 {
			return m.b.Delete(configKey(bucket, string(bucketconfig.KindAnalytics)), nil)
		}
		doc, err := bucketconfig.Encode(rest)
		if err != nil {
			return err
		}
		return m.b.Set(configKey(bucket, string(bucketconfig.KindAnalytics)), doc, nil)
	})
}

// CountAnalytics counts a request for the storage class analyses of the
// bucket that export and select info's object (see above). Without such
// a configuration it costs one cached configuration lookup.
func (e *Engine) CountAnalytics(ctx context.Context, bucket string, info *ObjectInfo, what AnalyticsCount, n int64) error {
	c, err := e.BucketConfigValue(ctx, bucket, bucketconfig.KindAnalytics)
	if errors.Is(err, ErrNoSuchConfig) || errors.Is(err, ErrNoSuchBucket) {
		return nil // nothing counts, or the bucket went since the request
	}
	if err != nil {
		return err
	}
	set := c.(*bucketconfig.Analytics)
	if !set.Exports() {
		return nil
	}
	now := e.now()
	day := e.opts.LifecycleDay
	var add analyticsCounts
	age := time.Duration(0)
	switch what {
	case AnalyticsGet:
		add.Retrieved, add.Gets = n, 1
		age = now.Sub(info.LastModified)
	case AnalyticsUpload:
		add.Uploaded = n
	}
	k := analyticsKey{bucket: bucket, day: now.Truncate(day).UnixNano(), class: storageClassOf(info.StorageClass),
		group: bucketconfig.AnalyticsAgeGroup(info.Size, age, day)}
	a := &e.analytics
	var tags []bucketconfig.Tag
	if set.NeedsTags(info.Key) {
		tags = bucketTags(info.Tags) // only when a configuration may need them
	}
	for ac := range set.Counting(info.Key, tags) {
		k.id = ac.ID
		a.mu.Lock()
		if a.pending == nil {
			a.pending = make(map[analyticsKey]*analyticsCounts)
		}
		cur := a.pending[k]
		if cur == nil {
			cur = new(analyticsCounts)
			a.pending[k] = cur
		}
		cur.add(add)
		a.mu.Unlock()
	}
	return nil
}

// storageClassOf is the class an object is analysed under.
func storageClassOf(class string) string {
	if class == "" {
		return "STANDARD"
	}
	return class
}

// flushAnalytics merges the pending counts into the stored records (of
// configurations still there).
func (e *Engine) flushAnalytics(ctx context.Context) error {
	a := &e.analytics
	a.mu.Lock()
	pending := a.pending
	a.pending = nil
	a.mu.Unlock()
	if len(pending) == 0 {
		return nil
	}
	type cfg struct{ bucket, id string }
	byCfg := map[cfg][]analyticsDay{}
	for k, c := range pending {
		byCfg[cfg{k.bucket, k.id}] = append(byCfg[cfg{k.bucket, k.id}], analyticsDay{Day: k.day, Class: k.class, Group: k.group, analyticsCounts: *c})
	}
	var errs []error
	for k, days := range byCfg {
		err := e.updateAnalyticsRecord(ctx, k.bucket, k.id, func(rec *analyticsRecord) {
			for _, d := range days {
				if d.Day <= rec.Done || d.Day < rec.From {
					continue // a day exported already, or before the first
				}
				i := slices.IndexFunc(rec.Days, func(x analyticsDay) bool {
					return x.Day == d.Day && x.Class == d.Class && x.Group == d.Group
				})
				if i < 0 {
					rec.Days = append(rec.Days, d)
				} else {
					rec.Days[i].add(d.analyticsCounts)
				}
			}
		})
		if err != nil && !errors.Is(err, ErrNoSuchBucket) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// updateAnalyticsRecord changes the stored record of configuration id of
// bucket; a record that is not there (the configuration is gone) is left
// alone.
func (e *Engine) updateAnalyticsRecord(ctx context.Context, bucket, id string, change func(*analyticsRecord)) error {
	return e.applyCtx(ctx, func(m *mutation) error {
		if _, err := e.bucketRecord(e.db, bucket); err != nil {
			return err
		}
		v, ok, err := get(e.db, analyticsStateKey(bucket, id))
		if err != nil || !ok {
			return err
		}
		var rec analyticsRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			return fmt.Errorf("%w: analytics record %s of %s: %w", ErrCorrupt, id, bucket, err)
		}
		change(&rec)
		doc, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		return m.b.Set(analyticsStateKey(bucket, id), doc, nil)
	})
}

// analyticsPass merges the pending counts and writes the exports of the
// days that are over at now. A configuration that fails is reported in
// the error and tried again at the next pass; the others run.
func (e *Engine) analyticsPass(ctx context.Context, buckets []BucketInfo, now time.Time) (int, error) {
	if err := e.flushAnalytics(ctx); err != nil {
		return 0, err
	}
	day := e.opts.LifecycleDay
	today := now.Truncate(day).UnixNano()
	exported := 0
	var errs []error
	for _, b := range buckets {
		c, err := e.BucketConfigValue(ctx, b.Name, bucketconfig.KindAnalytics)
		if errors.Is(err, ErrNoSuchConfig) || errors.Is(err, ErrNoSuchBucket) {
			continue
		}
		if err != nil {
			return exported, err
		}
		for _, ac := range c.(*bucketconfig.Analytics).Configurations {
			if ac.Export == nil {
				continue
			}
			v, ok, err := get(e.db, analyticsStateKey(b.Name, ac.ID))
			if err != nil {
				return exported, err
			}
			var rec analyticsRecord
			if !ok {
				continue
			}
			if err := json.Unmarshal(v, &rec); err != nil {
				return exported, fmt.Errorf("%w: analytics record %s of %s: %w", ErrCorrupt, ac.ID, b.Name, err)
			}
			var due []int64
			for d := max(rec.From, rec.Done+int64(day)); d < today; d += int64(day) {
				due = append(due, d)
			}
			if len(due) == 0 {
				continue
			}
			if len(due) > maxAnalyticsBackfill {
				due = due[len(due)-maxAnalyticsBackfill:] // a store that was down long: its last days
			}
			err = e.writeAnalyticsExport(ctx, b.Name, &ac, &rec, due)
			switch {
			case errors.Is(err, ErrNoSuchBucket) || errors.Is(err, ErrBucketChanged):
				e.opts.Logger.Warn("analytics export dropped: a bucket is gone", "bucket", b.Name, "id", ac.ID, "err", err)
			case err != nil:
				errs = append(errs, fmt.Errorf("engine: analytics %s of %s: %w", ac.ID, b.Name, err))
				continue
			default:
				exported += len(due)
			}
			last := due[len(due)-1]
			err = e.updateAnalyticsRecord(ctx, b.Name, ac.ID, func(r *analyticsRecord) {
				r.Done = max(r.Done, last)
				r.Days = slices.DeleteFunc(r.Days, func(d analyticsDay) bool { return d.Day <= r.Done })
			})
			if err != nil && !errors.Is(err, ErrNoSuchBucket) {
				return exported, err
			}
		}
	}
	return exported, errors.Join(errs...)
}

// maxAnalyticsBackfill is the most days one pass exports for a
// configuration (a store stopped for longer exports the last of them).
const maxAnalyticsBackfill = 32

// analyticsGroups is the number of age groups; index analyticsGroups of a
// table is ALL.
const analyticsGroups = len(bucketconfig.AnalyticsAgeGroups)

// analyticsFigures are one day's figures of one storage class, by age
// group, with ALL last.
type analyticsFigures struct {
	objects, stored [analyticsGroups + 1]int64
	counts          [analyticsGroups + 1]analyticsCounts
}

// writeAnalyticsExport adds the rows of the days due (sorted) to the
// configuration's export.
func (e *Engine) writeAnalyticsExport(ctx context.Context, bucket string, c *bucketconfig.AnalyticsConfiguration, rec *analyticsRecord, due []int64) error {
	day := e.opts.LifecycleDay
	tables := make([]map[string]*analyticsFigures, len(due))
	table := func(i int, class string) *analyticsFigures {
		if tables[i] == nil {
			tables[i] = map[string]*analyticsFigures{}
		}
		f := tables[i][class]
		if f == nil {
			f = new(analyticsFigures)
			tables[i][class] = f
		}
		return f
	}
	for _, d := range rec.Days {
		i, ok := slices.BinarySearch(due, d.Day)
		if !ok {
			continue
		}
		f := table(i, d.Class)
		if d.Group >= 0 {
			f.counts[d.Group].add(d.analyticsCounts)
		}
		f.counts[analyticsGroups].add(d.analyticsCounts)
	}
	// What is stored at the end of each day: the current versions written
	// before it ended.
	for o, err := range e.Objects(ctx, bucket, ListOptions{Prefix: c.Prefix}) {
		if err != nil {
			return err
		}
		if len(c.Tags) > 0 && !c.Selects(o.Key, bucketTags(o.Tags)) {
			continue
		}
		for i, d := range due {
			end := time.Unix(0, d).Add(day)
			if !o.LastModified.Before(end) {
				continue
			}
			f := table(i, storageClassOf(o.StorageClass))
			if g := bucketconfig.AnalyticsAgeGroup(o.Size, end.Sub(o.LastModified), day); g >= 0 {
				f.objects[g]++
				f.stored[g] += o.Size
			}
			f.objects[analyticsGroups]++
			f.stored[analyticsGroups] += o.Size
		}
	}
	// The new rows by age group (ALL last), by date within each.
	var rows [analyticsGroups + 1]strings.Builder
	for i, d := range due {
		date := time.Unix(0, d).UTC().Format("01-02-2006")
		classes := make([]string, 0, len(tables[i]))
		for class := range tables[i] {
			classes = append(classes, class)
		}
		if len(classes) == 0 {
			classes = append(classes, "STANDARD")
		}
		slices.Sort(classes)
		for _, class := range classes {
			f := table(i, class)
			var laterRead, laterStored int64
			for g := analyticsGroups - 1; g >= 0; g-- {
				laterRead += f.counts[g].Retrieved
				laterStored += f.stored[g]
				appendAnalyticsRow(&rows[g], date, c.ID, class, bucketconfig.AnalyticsAgeGroups[g], f.objects[g], f.stored[g], f.counts[g], laterRead, laterStored)
			}
			all := analyticsGroups
			appendAnalyticsRow(&rows[all], date, c.ID, class, "ALL", f.objects[all], f.stored[all], f.counts[all], f.counts[all].Retrieved, f.stored[all])
		}
	}
	// Age groups were filled oldest first; each group's rows are in date
	// and class order already.
	return e.rewriteAnalyticsExport(ctx, c, bucket, &rows)
}

// appendAnalyticsRow writes one export row.
func appendAnalyticsRow(b *strings.Builder, date, id, class, group string, objects, stored int64, n analyticsCounts, read, readOf int64) {
	const mb = 1 << 20
	b.WriteString(date)
	b.WriteString("," + id + ",," + class + "," + group + ",")
	b.WriteString(strconv.FormatInt(objects, 10))
	b.WriteString("," + analyticsNumber(float64(n.Uploaded)/mb))
	b.WriteString("," + analyticsNumber(float64(stored)/mb))
	b.WriteString("," + analyticsNumber(float64(n.Retrieved)/mb))
	b.WriteString("," + strconv.FormatInt(n.Gets, 10) + ",")
	if readOf > 0 {
		b.WriteString(analyticsNumber(float64(read) / float64(readOf)))
	}
	b.WriteString(",,\n")
}

// analyticsNumber renders a figure with at most six decimals.
func analyticsNumber(v float64) string {
	return strconv.FormatFloat(math.Round(v*1e6)/1e6, 'f', -1, 64)
}

// analyticsExportKey is where c's export of bucket's analysis is written.
func analyticsExportKey(bucket string, c *bucketconfig.AnalyticsConfiguration) string {
	key := bucket + "/" + c.ID + ".csv"
	if p := strings.TrimSuffix(c.Export.Prefix, "/"); p != "" {
		key = p + "/" + key
	}
	return key
}

// rewriteAnalyticsExport writes the export anew: the header, then for each
// age group (ALL last) the rows the file had, then the new ones. The old
// file is streamed once per group; nothing of it is held.
func (e *Engine) rewriteAnalyticsExport(ctx context.Context, c *bucketconfig.AnalyticsConfiguration, bucket string, rows *[analyticsGroups + 1]strings.Builder) error {
	dst, key := c.DestinationBucket(), analyticsExportKey(bucket, c)
	ctx, owner, err := e.exportDestination(ctx, bucket, dst)
	if err != nil {
		return err
	}
	old, err := e.HeadObject(ctx, dst, key)
	switch {
	case errors.Is(err, ErrNoSuchKey):
		old = ObjectInfo{}
	case err != nil:
		return err
	}
	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(e.writeAnalyticsRows(ctx, pw, dst, key, old, rows))
	}()
	_, err = e.PutObject(ctx, dst, key, pr, -1, PutOptions{Metadata: Metadata{ContentType: "text/csv"}, Owner: owner})
	pr.CloseWithError(err) // the writer stops if the put failed
	return err
}

// writeAnalyticsRows writes the export to w, reading the rows it had from
// the version old (none when old has no ETag).
func (e *Engine) writeAnalyticsRows(ctx context.Context, w io.Writer, dst, key string, old ObjectInfo, rows *[analyticsGroups + 1]strings.Builder) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(analyticsHeader + "\n")
	for g := range rows {
		group := "ALL"
		if g < analyticsGroups {
			group = bucketconfig.AnalyticsAgeGroups[g]
		}
		if old.ETag != "" {
			if err := e.copyAnalyticsGroup(ctx, bw, dst, key, old, group); err != nil {
				return err
			}
		}
		bw.WriteString(rows[g].String())
	}
	return bw.Flush()
}

// copyAnalyticsGroup writes the rows of the export's version old whose
// ObjectAge is group. A row's fields hold no commas or line breaks (IDs
// are letters, digits, '-', '_' and '.'), so its fifth field is the text
// between its fourth and fifth commas.
func (e *Engine) copyAnalyticsGroup(ctx context.Context, w *bufio.Writer, dst, key string, old ObjectInfo, group string) error {
	r, err := e.GetObject(ctx, dst, key, GetOptions{VersionID: old.VersionID, Conditions: Conditions{IfMatch: old.ETag}})
	if err != nil {
		return err
	}
	defer r.Close()
	sc := bufio.NewScanner(r)
	first := true
	for sc.Scan() {
		line := sc.Text()
		if first {
			first = false
			if line == analyticsHeader {
				continue
			}
		}
		f := strings.SplitN(line, ",", 6)
		if len(f) == 6 && f[4] == group {
			w.WriteString(line)
			w.WriteByte('\n')
		}
	}
	return sc.Err()
}
