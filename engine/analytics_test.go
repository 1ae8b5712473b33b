package engine

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// TestStorageClassAnalysis: a configuration that exports counts the
// uploads and reads of the objects its filter selects, by storage class
// and age group, and each day once it is over adds that day's rows to
// the CSV in the destination: one per age group of 128 KiB objects and
// one ALL row, with what is stored at the end of the day, the file kept
// sorted by date within age group. A configuration's first row is of its
// first whole day; one removed stops its export.
func TestStorageClassAnalysis(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	clock := e.opts.Clock.(*fakeClock)
	day := e.opts.LifecycleDay
	for _, b := range []string{"src", "dst"} {
		require.NoError(t, e.CreateBucket(ctx, b, BucketOptions{}))
	}
	docs := bucketconfig.AnalyticsConfiguration{ID: "docs", Form: "Prefix", Prefix: "docs/",
		Export: &bucketconfig.AnalyticsExport{Bucket: "arn:aws:s3:::dst", Prefix: "reports/"}}
	missing := docs
	missing.Export = &bucketconfig.AnalyticsExport{Bucket: "arn:aws:s3:::nowhere"}
	require.ErrorIs(t, e.PutAnalyticsConfiguration(ctx, "src", missing), ErrInvalidArgument)
	missing.Export = &bucketconfig.AnalyticsExport{Bucket: "dst"}
	require.ErrorIs(t, e.PutAnalyticsConfiguration(ctx, "src", missing), ErrInvalidArgument)
	require.NoError(t, e.PutAnalyticsConfiguration(ctx, "src", docs))
	// One that does not export counts nothing and writes nothing.
	require.NoError(t, e.PutAnalyticsConfiguration(ctx, "src", bucketconfig.AnalyticsConfiguration{ID: "quiet"}))

	write := func(key string, size int, class string) ObjectInfo {
		info, err := e.PutObject(ctx, "src", key, bytes.NewReader(make([]byte, size)), int64(size), PutOptions{StorageClass: class})
		require.NoError(t, err)
		require.NoError(t, e.CountAnalytics(ctx, "src", &info, AnalyticsUpload, int64(size)))
		return info
	}
	// The rest of the day the configuration was put in is not exported.
	write("docs/early", 1<<20, "")
	clock.Advance(day)
	big := write("docs/big", 256<<10, "")
	write("docs/small", 1<<10, "")
	write("docs/ia", 512<<10, "STANDARD_IA")
	write("other/big", 256<<10, "")
	for range 2 {
		require.NoError(t, e.CountAnalytics(ctx, "src", &big, AnalyticsGet, 128<<10))
	}
	st, err := e.RunPending(ctx)
	require.NoError(t, err)
	require.Zero(t, st.AnalyticsDays, "the day is not over")

	clock.Advance(day)
	st, err = e.RunPending(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, st.AnalyticsDays)
	data, _ := readAll(t, e, "dst", "reports/src/docs.csv", GetOptions{})
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	require.Equal(t, analyticsHeader, lines[0])
	require.Len(t, lines, 1+2*13, "a row per age group and ALL for each class seen: %s", data)
	date := clock.Now().Add(-day).UTC().Format("01-02-2006")
	// STANDARD sorts before STANDARD_IA within each age group.
	require.Equal(t, date+",docs,,STANDARD,000-014,2,0.25,1.25,0.25,2,0.2,,", lines[1],
		"docs/big and docs/early are 128 KiB and more; early was uploaded the day before")
	require.Equal(t, date+",docs,,STANDARD_IA,000-014,1,0.5,0.5,0,0,0,,", lines[2])
	require.Equal(t, date+",docs,,STANDARD,015-029,0,0,0,0,0,,,", lines[3], "nothing stored that old: no ratio")
	require.Equal(t, date+",docs,,STANDARD,ALL,3,0.250977,1.250977,0.25,2,0.199844,,", lines[25],
		"ALL counts docs/small too; other/ is not selected")
	require.Equal(t, date+",docs,,STANDARD_IA,ALL,1,0.5,0.5,0,0,0,,", lines[26])
	_, err = e.HeadObject(ctx, "dst", "reports/src/quiet.csv")
	require.ErrorIs(t, err, ErrNoSuchKey)

	// The next day's rows go into each age group after the first day's.
	require.NoError(t, e.CountAnalytics(ctx, "src", &big, AnalyticsGet, 256<<10))
	clock.Advance(day)
	st, err = e.RunPending(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, st.AnalyticsDays)
	data, _ = readAll(t, e, "dst", "reports/src/docs.csv", GetOptions{})
	lines = strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	require.Len(t, lines, 1+2*2*13)
	date2 := clock.Now().Add(-day).UTC().Format("01-02-2006")
	require.Equal(t, date+",docs,,STANDARD,000-014,2,0.25,1.25,0.25,2,0.2,,", lines[1])
	require.Equal(t, date2+",docs,,STANDARD,000-014,2,0,1.25,0.25,1,0.2,,", lines[3], "a read of a day-old object")
	require.True(t, strings.HasPrefix(lines[len(lines)-1], date2+",docs,,STANDARD_IA,ALL,1,0,0.5,"), lines[len(lines)-1])

	// Removed, it exports no more.
	require.NoError(t, e.DeleteAnalyticsConfiguration(ctx, "src", "docs"))
	require.ErrorIs(t, e.DeleteAnalyticsConfiguration(ctx, "src", "docs"), ErrNoSuchConfig)
	require.NoError(t, e.CountAnalytics(ctx, "src", &big, AnalyticsGet, 1))
	clock.Advance(day)
	st, err = e.RunPending(ctx)
	require.NoError(t, err)
	require.Zero(t, st.AnalyticsDays)
}

// TestStorageClassAnalysisCountsSurviveRestart: counts not merged yet are
// stored when the engine closes and exported after it opens again.
func TestStorageClassAnalysisCountsSurviveRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	opts := testOptions()
	clock := opts.Clock.(*fakeClock)
	e, err := Open(dir, opts)
	require.NoError(t, err)
	day := e.opts.LifecycleDay
	for _, b := range []string{"src", "dst"} {
		require.NoError(t, e.CreateBucket(ctx, b, BucketOptions{}))
	}
	require.NoError(t, e.PutAnalyticsConfiguration(ctx, "src", bucketconfig.AnalyticsConfiguration{ID: "all",
		Export: &bucketconfig.AnalyticsExport{Bucket: "arn:aws:s3:::dst"}}))
	clock.Advance(day)
	info := put(t, e, "src", "k", make([]byte, 200<<10))
	require.NoError(t, e.CountAnalytics(ctx, "src", &info, AnalyticsGet, 200<<10))
	require.NoError(t, e.Close())

	opts2 := testOptions()
	opts2.Clock = clock
	e, err = Open(dir, opts2)
	require.NoError(t, err)
	defer e.Close()
	clock.Advance(day)
	_, err = e.RunPending(ctx)
	require.NoError(t, err)
	data, _ := readAll(t, e, "dst", "src/all.csv", GetOptions{})
	require.Contains(t, string(data), ",all,,STANDARD,ALL,1,0,0.195313,0.195313,1,1,,\n")
}

// TestReadRecordsOfAGoneBucket: what a GetObject records after its body
// (its access time, its analytics count) is nothing to do, not an
// error, once the bucket is gone.
func TestReadRecordsOfAGoneBucket(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	info := ObjectInfo{Bucket: "gone", Key: "k"}
	require.NoError(t, e.TouchObject(ctx, "gone", "k", ""))
	require.NoError(t, e.CountAnalytics(ctx, "gone", &info, AnalyticsGet, 1))
}

// TestPerf40bCountAnalyticsTagsOnlyWhenNeeded: a counted GET converts the
// object's tags only when an exporting configuration whose prefix starts
// the key has a tag condition, and counts the same configurations. Here
// the tagged configuration is under another prefix, so a GET of an o/
// object costs no allocation (it made the object's ten tags a slice of
// bucketconfig tags on every call before); one under o/ still gets the
// tags and counts.
func TestPerf40bCountAnalyticsTagsOnlyWhenNeeded(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	for _, b := range []string{"src", "dst"} {
		require.NoError(t, e.CreateBucket(ctx, b, BucketOptions{}))
	}
	var tags []Tag
	for j := range 10 {
		tags = append(tags, Tag{Key: fmt.Sprint("obj", j), Value: "v"})
	}
	info, err := e.PutObject(ctx, "src", "o/k", bytes.NewReader([]byte("x")), 1, PutOptions{Tags: tags})
	require.NoError(t, err)
	export := &bucketconfig.AnalyticsExport{Bucket: "arn:aws:s3:::dst"}
	set := &bucketconfig.Analytics{Configurations: []bucketconfig.AnalyticsConfiguration{
		{ID: "all-o", Form: "Prefix", Prefix: "o/", Export: export},
		{ID: "tagged-p", Form: "And", Prefix: "p/", Tags: []bucketconfig.Tag{{Key: "obj0", Value: "v"}}, Export: export},
	}}
	require.NoError(t, e.SetBucketConfig(ctx, "src", set))
	counted := func() []string {
		e.analytics.mu.Lock()
		defer e.analytics.mu.Unlock()
		var ids []string
		for k := range e.analytics.pending {
			ids = append(ids, k.id)
		}
		slices.Sort(ids)
		return ids
	}
	require.NoError(t, e.CountAnalytics(ctx, "src", &info, AnalyticsGet, 1))
	require.Equal(t, []string{"all-o"}, counted())
	allocs := testing.AllocsPerRun(100, func() {
		require.NoError(t, e.CountAnalytics(ctx, "src", &info, AnalyticsGet, 1))
	})
	require.Zero(t, allocs, "no configuration under o/ has a tag condition")

	set = set.With(bucketconfig.AnalyticsConfiguration{ID: "tagged-o", Form: "And", Prefix: "o/",
		Tags: []bucketconfig.Tag{{Key: "obj3", Value: "v"}}, Export: export})
	require.NoError(t, e.SetBucketConfig(ctx, "src", set))
	require.NoError(t, e.CountAnalytics(ctx, "src", &info, AnalyticsGet, 1))
	require.Equal(t, []string{"all-o", "tagged-o"}, counted())
}
