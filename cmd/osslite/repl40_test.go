package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// The replication collector reports S3's replication metrics per source
// bucket, destination ARN and rule: operations and bytes pending, the
// age of the oldest pending write, and the replications marked FAILED.
func TestRepl40ReplicationMetrics(t *testing.T) {
	ctx := context.Background()
	eng, err := engine.Open("", &engine.Options{CompactInterval: -1,
		Replication: engine.ReplicationOptions{Attempts: 1}})
	require.NoError(t, err)
	defer eng.Close()
	for _, b := range []string{"src", "dst", "off"} {
		require.NoError(t, eng.CreateBucket(ctx, b, engine.BucketOptions{}))
		require.NoError(t, eng.SetBucketConfig(ctx, b, &bucketconfig.Versioning{Status: "Enabled"}))
	}
	rule := func(id string, prio int, dest string) bucketconfig.ReplicationRule {
		return bucketconfig.ReplicationRule{ID: id, Priority: prio, Enabled: true, FilterForm: "filter",
			Destination: bucketconfig.ReplicationDestination{Bucket: "arn:aws:s3:::" + dest}}
	}
	require.NoError(t, eng.SetBucketConfig(ctx, "src", &bucketconfig.Replication{Rules: []bucketconfig.ReplicationRule{
		rule("to-dst", 2, "dst"), rule("to-off", 1, "off")}}))
	require.NoError(t, eng.SetBucketConfig(ctx, "off", &bucketconfig.Versioning{Status: "Suspended"})) // refuses
	_, err = eng.PutObject(ctx, "src", "k", bytes.NewReader(make([]byte, 1234)), 1234, engine.PutOptions{})
	require.NoError(t, err)

	reg := prometheus.NewRegistry()
	reg.MustRegister(replicationCollector{eng})
	scrape := func() string {
		rec := httptest.NewRecorder()
		promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		require.Equal(t, http.StatusOK, rec.Code)
		return rec.Body.String()
	}
	series := func(name, rule, dest string) string {
		return name + `{bucket="src",destination="arn:aws:s3:::` + dest + `",rule_id="` + rule + `"}`
	}
	text := scrape()
	assert.EqualValues(t, 2, metricValue(t, text, "osslite_replication_backlog"))
	for _, d := range [][2]string{{"to-dst", "dst"}, {"to-off", "off"}} {
		assert.EqualValues(t, 1, metricValue(t, text, series("osslite_replication_operations_pending", d[0], d[1])))
		assert.EqualValues(t, 1234, metricValue(t, text, series("osslite_replication_bytes_pending", d[0], d[1])))
		assert.GreaterOrEqual(t, metricValue(t, text, series("osslite_replication_latency_seconds", d[0], d[1])), 0.0)
		assert.EqualValues(t, 0, metricValue(t, text, series("osslite_replication_operations_failed_total", d[0], d[1])))
	}

	time.Sleep(10 * time.Millisecond) // the engine's clock is the wall clock
	_, err = eng.RunPending(ctx)
	require.NoError(t, err)
	text = scrape()
	assert.EqualValues(t, 1, metricValue(t, text, "osslite_replication_backlog"))
	assert.EqualValues(t, -1, metricValue(t, text, series("osslite_replication_operations_pending", "to-dst", "dst")), "nothing pending: no series")
	assert.EqualValues(t, 1, metricValue(t, text, series("osslite_replication_operations_pending", "to-off", "off")))
	assert.Greater(t, metricValue(t, text, series("osslite_replication_latency_seconds", "to-off", "off")), 0.0)
	assert.EqualValues(t, 1, metricValue(t, text, series("osslite_replication_operations_failed_total", "to-off", "off")))
}
