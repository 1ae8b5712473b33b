package main

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics holds the server's Prometheus metrics (-metrics). Request
// counters are fed by the httpapi observer, connections by the http.Server's
// ConnState hook, and the engine's numbers are read at scrape time.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	bytesOut *prometheus.CounterVec
	bytesIn  *prometheus.CounterVec
	conns    prometheus.Gauge
}

func newMetrics(eng *engine.Engine, build buildInfo) *metrics {
	reg := prometheus.NewRegistry()
	labels := []string{"operation", "dialect"}
	m := &metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "osslite_http_requests_total",
			Help: "S3, OSS and Sina requests served, by operation, dialect and HTTP status code.",
		}, []string{"operation", "dialect", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "osslite_http_request_duration_seconds",
			Help:    "Time from a request's arrival until its response is complete, by operation and dialect.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, labels),
		bytesOut: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "osslite_http_response_bytes_total",
			Help: "Response body bytes sent, by operation and dialect.",
		}, labels),
		bytesIn: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "osslite_http_request_bytes_total",
			Help: "Request body bytes read, by operation and dialect (\"Unknown\" and \"\" for requests refused before routing).",
		}, labels),
		conns: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "osslite_http_open_connections",
			Help: "Client connections currently open.",
		}),
	}
	info := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "osslite_build_info",
		Help:        "Always 1; the labels name the running build.",
		ConstLabels: prometheus.Labels{"version": build.Version, "revision": build.Revision, "goversion": build.Go},
	})
	info.Set(1)
	reg.MustRegister(m.requests, m.latency, m.bytesOut, m.bytesIn, m.conns, info,
		engineCollector{eng},
		bucketCollector{eng},
		replicationCollector{eng},
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// observe is the httpapi observer: one call per finished request.
func (m *metrics) observe(rec httpapi.Record) {
	m.requests.WithLabelValues(rec.Operation, rec.Dialect, strconv.Itoa(rec.Status)).Inc()
	m.latency.WithLabelValues(rec.Operation, rec.Dialect).Observe(rec.Duration.Seconds())
	m.bytesOut.WithLabelValues(rec.Operation, rec.Dialect).Add(float64(rec.Bytes))
}

// connState is the http.Server ConnState hook.
func (m *metrics) connState(_ net.Conn, s http.ConnState) {
	switch s {
	case http.StateNew:
		m.conns.Inc()
	case http.StateClosed, http.StateHijacked:
		m.conns.Dec()
	}
}

// countBodies wraps next so that request body bytes are counted as the
// handler reads them. They are labelled when the request is complete, with
// the operation and dialect that route (the httpapi interceptor) found.
func (m *metrics) countBodies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		b := &countingBody{ReadCloser: r.Body, op: unknownOp}
		r = r.WithContext(context.WithValue(r.Context(), countingKey{}, b))
		r.Body = b
		next.ServeHTTP(w, r)
		m.bytesIn.WithLabelValues(b.op.Operation, b.op.Dialect).Add(float64(b.n.Load()))
	})
}

// unknownOp labels bytes of requests refused before routing.
var unknownOp = httpapi.Op{Operation: "Unknown"}

// route is the httpapi interceptor: it never answers a request, it only
// tells countBodies which operation the request is.
func (m *metrics) route(_ http.ResponseWriter, r *http.Request, op httpapi.Op) bool {
	if b, ok := r.Context().Value(countingKey{}).(*countingBody); ok {
		b.op = op
	}
	return false
}

type countingKey struct{}

// countingBody counts the bytes read through it. n is atomic because a
// handler may read the body on another goroutine while the route
// interceptor runs; op is written once, by the handler's goroutine, before
// countBodies reads it.
type countingBody struct {
	io.ReadCloser
	n  atomic.Int64
	op httpapi.Op
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}

// handler serves the registry in the Prometheus text format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// engineCollector reads engine.Stats at every scrape.
type engineCollector struct{ eng *engine.Engine }

var (
	descLogBytes    = prometheus.NewDesc("osslite_blob_log_bytes", "Size of the blob-log segment files.", nil, nil)
	descLiveBytes   = prometheus.NewDesc("osslite_blob_log_live_bytes", "Blob-log bytes still referenced by objects, parts and uploads.", nil, nil)
	descDeadBytes   = prometheus.NewDesc("osslite_blob_log_dead_bytes", "Blob-log bytes no longer referenced: what compaction can reclaim.", nil, nil)
	descSegments    = prometheus.NewDesc("osslite_blob_log_segments", "Blob-log segment files.", nil, nil)
	descCompactions = prometheus.NewDesc("osslite_compactions_total", "Blob-log compaction runs since start.", nil, nil)
	descReclaimed   = prometheus.NewDesc("osslite_compaction_reclaimed_bytes_total", "Blob-log bytes deleted by compaction since start.", nil, nil)
	descMetaCompact = prometheus.NewDesc("osslite_meta_compactions_total", "Compactions of the metadata store (pebble) since start.", nil, nil)
	descMetaFlushes = prometheus.NewDesc("osslite_meta_flushes_total", "Memtable flushes of the metadata store since start.", nil, nil)
	descMemTable    = prometheus.NewDesc("osslite_meta_memtable_bytes", "Bytes allocated by the metadata store's memtables.", nil, nil)
	descMetaDisk    = prometheus.NewDesc("osslite_meta_disk_bytes", "Bytes of the metadata store's files.", nil, nil)
	descReadAmp     = prometheus.NewDesc("osslite_meta_read_amplification", "Read amplification of the metadata store.", nil, nil)
	descCacheHits   = prometheus.NewDesc("osslite_meta_block_cache_hits_total", "Metadata block-cache hits since start.", nil, nil)
	descCacheMisses = prometheus.NewDesc("osslite_meta_block_cache_misses_total", "Metadata block-cache misses since start.", nil, nil)
	descCacheBytes  = prometheus.NewDesc("osslite_meta_block_cache_bytes", "Bytes in the metadata block cache.", nil, nil)
	descCacheRatio  = prometheus.NewDesc("osslite_meta_block_cache_hit_ratio", "Metadata block-cache hits / lookups since start (0 before the first lookup).", nil, nil)
)

func (engineCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descLogBytes, descLiveBytes, descDeadBytes, descSegments, descCompactions,
		descReclaimed, descMetaCompact, descMetaFlushes, descMemTable, descMetaDisk, descReadAmp, descCacheHits,
		descCacheMisses, descCacheBytes, descCacheRatio} {
		ch <- d
	}
}

func (c engineCollector) Collect(ch chan<- prometheus.Metric) {
	st, err := c.eng.Stats()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descLogBytes, err)
		return
	}
	gauge := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	gauge(descLogBytes, float64(st.BlobLogBytes))
	gauge(descLiveBytes, float64(st.LiveBytes))
	gauge(descDeadBytes, float64(st.DeadBytes))
	gauge(descSegments, float64(st.Segments))
	counter(descCompactions, float64(st.CompactionsTotal))
	counter(descReclaimed, float64(st.ReclaimedBytesTotal))
	counter(descMetaCompact, float64(st.Meta.CompactionsTotal))
	counter(descMetaFlushes, float64(st.Meta.FlushesTotal))
	gauge(descMemTable, float64(st.Meta.MemTableBytes))
	gauge(descMetaDisk, float64(st.Meta.DiskBytes))
	gauge(descReadAmp, float64(st.Meta.ReadAmp))
	counter(descCacheHits, float64(st.Meta.BlockCacheHitsTotal))
	counter(descCacheMisses, float64(st.Meta.BlockCacheMissesTotal))
	gauge(descCacheBytes, float64(st.Meta.BlockCacheBytes))
	ratio := 0.0
	if n := st.Meta.BlockCacheHitsTotal + st.Meta.BlockCacheMissesTotal; n > 0 {
		ratio = float64(st.Meta.BlockCacheHitsTotal) / float64(n)
	}
	gauge(descCacheRatio, ratio)
}

// bucketCollector reads every bucket's usage at each scrape: one record a
// bucket (engine.BucketUsage keeps the counts with every write).
type bucketCollector struct{ eng *engine.Engine }

var (
	descBucketObjects = prometheus.NewDesc("osslite_bucket_objects", "Current objects (what a listing shows) in a bucket, by storage class as stored (STANDARD: the default).", []string{"bucket", "storage_class"}, nil)
	descBucketBytes   = prometheus.NewDesc("osslite_bucket_bytes", "Bytes of a bucket's current objects, by storage class.", []string{"bucket", "storage_class"}, nil)
	descBucketUploads = prometheus.NewDesc("osslite_bucket_multipart_uploads", "Multipart uploads in progress in a bucket.", []string{"bucket"}, nil)
	descBucketParts   = prometheus.NewDesc("osslite_bucket_multipart_part_bytes", "Bytes of the parts uploaded to a bucket's uploads in progress.", []string{"bucket"}, nil)
	descNoncurrent    = prometheus.NewDesc("osslite_bucket_noncurrent_versions", "Noncurrent versions in a bucket (delete markers not included).", []string{"bucket"}, nil)
	descNoncurrentB   = prometheus.NewDesc("osslite_bucket_noncurrent_bytes", "Bytes of a bucket's noncurrent versions.", []string{"bucket"}, nil)
	descDeleteMarkers = prometheus.NewDesc("osslite_bucket_delete_markers", "Delete markers in a bucket.", []string{"bucket"}, nil)
)

func (bucketCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descBucketObjects, descBucketBytes, descBucketUploads, descBucketParts,
		descNoncurrent, descNoncurrentB, descDeleteMarkers} {
		ch <- d
	}
}

func (c bucketCollector) Collect(ch chan<- prometheus.Metric) {
	ctx := context.Background()
	buckets, err := c.eng.ListBuckets(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descBucketObjects, err)
		return
	}
	for _, b := range buckets {
		u, err := c.eng.BucketUsage(ctx, b.Name)
		if errors.Is(err, engine.ErrNoSuchBucket) {
			continue // deleted since the listing
		}
		if err != nil {
			ch <- prometheus.NewInvalidMetric(descBucketObjects, err)
			return
		}
		// Objects stored without a class are STANDARD's, with those
		// stored naming it.
		byLabel := map[string]engine.ClassUsage{}
		for class, cu := range u.Classes {
			if class == "" {
				class = "STANDARD"
			}
			t := byLabel[class]
			t.Objects += cu.Objects
			t.Bytes += cu.Bytes
			byLabel[class] = t
		}
		for class, cu := range byLabel {
			ch <- prometheus.MustNewConstMetric(descBucketObjects, prometheus.GaugeValue, float64(cu.Objects), b.Name, class)
			ch <- prometheus.MustNewConstMetric(descBucketBytes, prometheus.GaugeValue, float64(cu.Bytes), b.Name, class)
		}
		for _, g := range []struct {
			d *prometheus.Desc
			v int64
		}{{descBucketUploads, u.Uploads}, {descBucketParts, u.PartBytes}, {descNoncurrent, u.NoncurrentVersions},
			{descNoncurrentB, u.NoncurrentBytes}, {descDeleteMarkers, u.DeleteMarkers}} {
			ch <- prometheus.MustNewConstMetric(g.d, prometheus.GaugeValue, float64(g.v), b.Name)
		}
	}
}

// requestMetricsCollector reports the S3 request metrics configurations'
// counts (PutBucketMetricsConfiguration; httpapi.ReadRequestMetrics) at
// every scrape: S3 sends them to CloudWatch under the dimensions
// BucketName and FilterId, osslite labels them bucket and filter_id.
type requestMetricsCollector struct{ api http.Handler }

var (
	descS3Requests = prometheus.NewDesc("osslite_s3_request_metrics_requests_total",
		"Requests counted by a bucket's request metrics configuration (S3 CloudWatch request metrics), by type: all, get, put, delete, head, post, select, list.",
		[]string{"bucket", "filter_id", "type"}, nil)
	descS3Bytes = prometheus.NewDesc("osslite_s3_request_metrics_bytes_total",
		"Body bytes of the requests a request metrics configuration counts: downloaded (successful responses) and uploaded (declared request bodies).",
		[]string{"bucket", "filter_id", "direction"}, nil)
	descS3Errors = prometheus.NewDesc("osslite_s3_request_metrics_errors_total",
		"Error responses among the requests a request metrics configuration counts, by class: 4xx, 5xx.",
		[]string{"bucket", "filter_id", "class"}, nil)
	descS3Select = prometheus.NewDesc("osslite_s3_request_metrics_select_bytes_total",
		"Bytes the SelectObjectContent requests a request metrics configuration counts scanned and returned (S3's SelectBytesScanned, SelectBytesReturned).",
		[]string{"bucket", "filter_id", "kind"}, nil)
	descS3Latency = prometheus.NewDesc("osslite_s3_request_metrics_total_request_latency_seconds_total",
		"Sum of the counted requests' times from arrival to complete response (S3's TotalRequestLatency; divide by the all requests count for the mean).",
		[]string{"bucket", "filter_id"}, nil)
)

func (requestMetricsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descS3Requests, descS3Bytes, descS3Errors, descS3Select, descS3Latency} {
		ch <- d
	}
}

func (c requestMetricsCollector) Collect(ch chan<- prometheus.Metric) {
	ms, err := httpapi.ReadRequestMetrics(context.Background(), c.api)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(descS3Requests, err)
		return
	}
	for _, m := range ms {
		count := func(d *prometheus.Desc, v float64, label string) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, m.Bucket, m.ID, label)
		}
		for _, r := range []struct {
			typ string
			n   int64
		}{{"all", m.AllRequests}, {"get", m.GetRequests}, {"put", m.PutRequests}, {"delete", m.DeleteRequests},
			{"head", m.HeadRequests}, {"post", m.PostRequests}, {"select", m.SelectRequests}, {"list", m.ListRequests}} {
			count(descS3Requests, float64(r.n), r.typ)
		}
		count(descS3Bytes, float64(m.BytesDownloaded), "downloaded")
		count(descS3Bytes, float64(m.BytesUploaded), "uploaded")
		count(descS3Errors, float64(m.Errors4xx), "4xx")
		count(descS3Errors, float64(m.Errors5xx), "5xx")
		count(descS3Select, float64(m.SelectBytesScanned), "scanned")
		count(descS3Select, float64(m.SelectBytesReturned), "returned")
		ch <- prometheus.MustNewConstMetric(descS3Latency, prometheus.CounterValue, m.TotalRequestLatency.Seconds(), m.Bucket, m.ID)
	}
}

// exportRequestMetrics adds api's request metrics configurations to the
// registry (the handler exists only after the registry, which its
// observer feeds).
func (m *metrics) exportRequestMetrics(api http.Handler) {
	m.reg.MustRegister(requestMetricsCollector{api})
}
