package engine

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/stretchr/testify/require"
)

// rulesBenchLifecycle is n lifecycle rules at S3's bounds that cannot
// select the objects of the benchmarks below (under o/, ten tags
// obj0=v..obj9=v): "prefixes" gives each rule its own prefix p<i>/;
// "tags" gives each prefix o/, ten tags of its own and fourteen Not
// entries (dos39's probe, but with tags the objects lack).
func rulesBenchLifecycle(n int, shape string) *bucketconfig.Lifecycle {
	lc := &bucketconfig.Lifecycle{}
	for i := range n {
		r := bucketconfig.LifecycleRule{ID: fmt.Sprint("rule-", i), Enabled: true,
			Expiration:  &bucketconfig.LifecycleExpiration{Days: 100 + i%30},
			Transitions: []bucketconfig.LifecycleTransition{{Days: 30, StorageClass: "GLACIER"}}}
		if shape == "prefixes" {
			r.Filter.Prefix = fmt.Sprintf("p%d/", i)
		} else {
			r.Filter.Prefix = "o/"
			for j := range 10 {
				r.Filter.Tags = append(r.Filter.Tags, bucketconfig.Tag{Key: fmt.Sprintf("r%d-%d", i, j), Value: "v"})
			}
			for j := range 14 {
				r.Filter.Not = append(r.Filter.Not, bucketconfig.LifecycleNot{Prefix: fmt.Sprintf("o/not-%d/", j)})
			}
		}
		lc.Rules = append(lc.Rules, r)
	}
	return lc
}

func rulesBenchEngine(b *testing.B, objects int) (*Engine, []ObjectInfo) {
	ctx := context.Background()
	e := openTest(b, nil)
	require.NoError(b, e.CreateBucket(ctx, "bench", BucketOptions{}))
	var tags []Tag
	for j := range 10 {
		tags = append(tags, Tag{Key: fmt.Sprint("obj", j), Value: "v"})
	}
	var infos []ObjectInfo
	for i := range objects {
		info, err := e.PutObject(ctx, "bench", fmt.Sprintf("o/%05d", i), bytes.NewReader([]byte("x")), 1, PutOptions{Tags: tags})
		require.NoError(b, err)
		infos = append(infos, info)
	}
	return e, infos
}

// BenchmarkObjectExpiryRules is the lifecycle lookup of every GET, HEAD
// and PUT (x-amz-expiration) with 1 and 1,000 rules that cannot select
// the object.
func BenchmarkObjectExpiryRules(b *testing.B) {
	ctx := context.Background()
	for _, shape := range []string{"prefixes", "tags"} {
		for _, n := range []int{1, 1000} {
			b.Run(fmt.Sprintf("%s/rules=%d", shape, n), func(b *testing.B) {
				e, infos := rulesBenchEngine(b, 1)
				require.NoError(b, e.SetBucketConfig(ctx, "bench", rulesBenchLifecycle(n, shape)))
				e.ObjectExpiry(ctx, infos[0])
				for b.Loop() {
					e.ObjectExpiry(ctx, infos[0])
				}
			})
		}
	}
}

// BenchmarkLifecyclePassRules is a lifecycle pass over 500 objects (none
// due) with 1 and 1,000 rules of prefix o/ whose tags the objects lack;
// ns/object is the cost per object per pass.
func BenchmarkLifecyclePassRules(b *testing.B) {
	ctx := context.Background()
	const objects = 500
	for _, n := range []int{1, 1000} {
		b.Run(fmt.Sprintf("tags/rules=%d", n), func(b *testing.B) {
			e, _ := rulesBenchEngine(b, objects)
			require.NoError(b, e.SetBucketConfig(ctx, "bench", rulesBenchLifecycle(n, "tags")))
			start := time.Now()
			for b.Loop() {
				st, err := e.RunPending(ctx)
				require.NoError(b, err)
				require.Zero(b, st.Expired+st.Transitioned)
			}
			b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(b.N*objects), "ns/object")
		})
	}
}

// BenchmarkCountAnalyticsRules is the storage class analysis count of a
// GET with 1 and 1,000 exporting configurations, each with its own
// prefix, one of which selects the object.
func BenchmarkCountAnalyticsRules(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{1, 1000} {
		b.Run(fmt.Sprintf("configs=%d", n), func(b *testing.B) {
			e, infos := rulesBenchEngine(b, 1)
			require.NoError(b, e.CreateBucket(ctx, "dest", BucketOptions{}))
			set := &bucketconfig.Analytics{}
			for i := range n {
				prefix := fmt.Sprintf("p%d/", i)
				if i == n-1 {
					prefix = "o/"
				}
				set.Configurations = append(set.Configurations, bucketconfig.AnalyticsConfiguration{ID: fmt.Sprintf("c%04d", i), Form: "Prefix",
					Prefix: prefix, Export: &bucketconfig.AnalyticsExport{Bucket: "arn:aws:s3:::dest"}})
			}
			require.NoError(b, e.SetBucketConfig(ctx, "bench", set))
			for b.Loop() {
				require.NoError(b, e.CountAnalytics(ctx, "bench", &infos[0], AnalyticsGet, 1))
			}
		})
	}
}
