package httpapi

import (
	"cmp"
	"context"
	"encoding/xml"
	"errors"
	"net/http"
	"slices"
	"sync/atomic"
	"time"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// S3 request metrics configurations (?metrics&id=ID: Put, Get, Delete;
// ListBucketMetricsConfigurations, GET ?metrics, paged with a continuation
// token). The engine keeps a bucket's set (bucketconfig.Metrics) and
// changes one configuration at a time (engine.UpdateBucketConfig). Each
// configuration is executed: every request its filter selects is counted
// under the bucket and the configuration's ID, as S3 counts CloudWatch's
// request metrics, and ReadRequestMetrics (and the server's Prometheus
// endpoint) report the counts.

func init() {
	routes = append(routes,
		route{method: http.MethodGet, target: targetBucket, params: []string{"metrics", "id"}, op: "GetBucketMetricsConfiguration",
			perm: permOwner, handle: metricsKind.get, only: "s3"},
		route{method: http.MethodGet, target: targetBucket, params: []string{"metrics"}, op: "ListBucketMetricsConfigurations",
			perm: permOwner, handle: metricsKind.listAll, only: "s3"},
		route{method: http.MethodPut, target: targetBucket, params: []string{"metrics"}, op: "PutBucketMetricsConfiguration",
			perm: permOwner, handle: (*server).putMetricsConfig, only: "s3"},
		route{method: http.MethodDelete, target: targetBucket, params: []string{"metrics"}, op: "DeleteBucketMetricsConfiguration",
			perm: permOwner, handle: (*server).deleteMetricsConfig, only: "s3"},
	)
}

// metricsKind is the set of a bucket's request metrics configurations.
var metricsKind = &configSetKind[bucketconfig.Metrics, *bucketconfig.Metrics, bucketconfig.MetricsConfiguration, metricsXML]{
	what: "metrics", sub: "metrics", kind: bucketconfig.KindMetrics,
	root: "MetricsConfiguration", listRoot: "ListMetricsConfigurationsResult", page: 100,
	configs: func(m *bucketconfig.Metrics) []bucketconfig.MetricsConfiguration { return m.Configurations },
	render:  renderMetrics, parse: parseMetrics,
}

type metricsXML struct {
	XMLName xml.Name          `xml:"MetricsConfiguration"`
	ID      string            `xml:"Id"`
	Filter  *metricsFilterXML `xml:"Filter,omitempty"`
}

// metricsFilterXML is S3's MetricsFilter: exactly one of its elements.
type metricsFilterXML struct {
	Prefix         *string        `xml:"Prefix"`
	Tag            *xmlTag        `xml:"Tag"`
	AccessPointArn *string        `xml:"AccessPointArn"`
	And            *metricsAndXML `xml:"And"`
}

type metricsAndXML struct {
	Prefix         *string  `xml:"Prefix"`
	Tags           []xmlTag `xml:"Tag"`
	AccessPointArn *string  `xml:"AccessPointArn"`
}

// parseMetrics reads a MetricsConfiguration document: one that does not
// parse, lacks the Id or has a Filter of other than exactly one element is
// MalformedXML; values S3 refuses are InvalidArgument.
func parseMetrics(data []byte) (bucketconfig.MetricsConfiguration, error) {
	var x metricsXML
	if err := xml.Unmarshal(data, &x); err != nil || x.ID == "" {
		return bucketconfig.MetricsConfiguration{}, errorf("MalformedXML", "")
	}
	if err := checkElements(data, &x); err != nil {
		return bucketconfig.MetricsConfiguration{}, err
	}
	c := bucketconfig.MetricsConfiguration{ID: x.ID}
	if f := x.Filter; f != nil {
		n := 0
		if f.Prefix != nil {
			n++
			c.Form, c.Prefix = "Prefix", *f.Prefix
		}
		if f.Tag != nil {
			n++
			c.Form, c.Tags = "Tag", []bucketconfig.Tag{{Key: f.Tag.Key, Value: f.Tag.Value}}
		}
		if f.AccessPointArn != nil {
			n++
			c.Form, c.AccessPointARN = "AccessPointArn", *f.AccessPointArn
		}
		if a := f.And; a != nil {
			n++
			c.Form = "And"
			if a.Prefix != nil {
				c.Prefix = *a.Prefix
			}
			if a.AccessPointArn != nil {
				c.AccessPointARN = *a.AccessPointArn
			}
			for _, t := range a.Tags {
				c.Tags = append(c.Tags, bucketconfig.Tag{Key: t.Key, Value: t.Value})
			}
		}
		if n != 1 {
			return c, errorf("MalformedXML", "")
		}
	}
	if err := c.Validate(); err != nil {
		return c, invalidArgument(err, bucketconfig.ErrInvalid)
	}
	return c, nil
}

// renderMetrics is a configuration's document, its filter as put.
func renderMetrics(c *bucketconfig.MetricsConfiguration) metricsXML {
	x := metricsXML{ID: c.ID}
	tags := make([]xmlTag, 0, len(c.Tags))
	for _, t := range c.Tags {
		tags = append(tags, xmlTag{t.Key, t.Value})
	}
	switch c.Form {
	case "Prefix":
		x.Filter = &metricsFilterXML{Prefix: &c.Prefix}
	case "Tag":
		x.Filter = &metricsFilterXML{Tag: &tags[0]}
	case "AccessPointArn":
		x.Filter = &metricsFilterXML{AccessPointArn: &c.AccessPointARN}
	case "And":
		a := &metricsAndXML{Tags: tags}
		if c.Prefix != "" {
			a.Prefix = &c.Prefix
		}
		if c.AccessPointARN != "" {
			a.AccessPointArn = &c.AccessPointARN
		}
		x.Filter = &metricsFilterXML{And: a}
	}
	return x
}

func (s *server) putMetricsConfig(rc *request) error {
	id, c, err := metricsKind.readPut(s, rc)
	if err != nil {
		return err
	}
	if c.ID != id {
		return errorf("InvalidArgument", "The Id in the document (%s) does not match the id parameter (%s).", c.ID, id).with("ArgumentName", "id")
	}
	added := false
	err = s.eng.UpdateBucketConfig(rc.ctx, rc.op.Bucket, bucketconfig.KindMetrics, 0, func(cur bucketconfig.Config) (bucketconfig.Config, error) {
		set, _ := cur.(*bucketconfig.Metrics)
		if set.Find(c.ID) == nil {
			if set != nil && len(set.Configurations) >= bucketconfig.MaxMetricsConfigurations {
				return nil, errorf("TooManyConfigurations", "")
			}
			added = true
		}
		return set.With(c), nil
	})
	if err != nil {
		return err
	}
	if added {
		// A new configuration counts from now (a deleted one of the
		// same ID may have left counts).
		s.reqMetrics.Delete(metricsKey{rc.op.Bucket, c.ID})
	}
	return writeEmpty(rc, http.StatusNoContent)
}

func (s *server) deleteMetricsConfig(rc *request) error {
	id, err := metricsKind.id(rc)
	if err != nil {
		return err
	}
	if err := deleteFromIDSet[bucketconfig.Metrics](rc, s, bucketconfig.KindMetrics, id); err != nil {
		return err
	}
	s.reqMetrics.Delete(metricsKey{rc.op.Bucket, id})
	return writeEmpty(rc, http.StatusNoContent)
}

// RequestMetrics are the counts of one request metrics configuration (S3's
// CloudWatch request metrics of a bucket and FilterId) since it was put or
// the server started, whichever is later. Requests are counted once their
// response is complete. A configuration without a filter counts every
// request to its bucket; one with a filter counts the requests naming an
// object its filter selects (a tag filter looks at the object's tags once
// the request is done).
type RequestMetrics struct {
	// Bucket and ID name the configuration.
	Bucket, ID string
	// AllRequests counts every request; GetRequests, PutRequests and
	// DeleteRequests the GET, PUT and DELETE requests naming an object
	// (DeleteRequests also DeleteObjects), HeadRequests and PostRequests
	// every HEAD and POST, SelectRequests SelectObjectContent, and
	// ListRequests the listings of a bucket's objects, versions, uploads
	// and parts.
	AllRequests, GetRequests, PutRequests, DeleteRequests, HeadRequests,
	PostRequests, SelectRequests, ListRequests int64
	// BytesDownloaded are the response body bytes of successful requests;
	// BytesUploaded the declared body lengths of requests that had one.
	BytesDownloaded, BytesUploaded int64
	// Errors4xx and Errors5xx count the responses of those statuses.
	Errors4xx, Errors5xx int64
	// TotalRequestLatency is the sum over the counted requests of the time
	// from the request's arrival until its response was complete.
	TotalRequestLatency time.Duration
	// SelectBytesScanned and SelectBytesReturned are the bytes the
	// counted SelectObjectContent requests scanned and returned.
	SelectBytesScanned, SelectBytesReturned int64
}

// metricsKey names one configuration's counters.
type metricsKey struct{ bucket, id string }

// metricsCounters are one configuration's counts (RequestMetrics).
type metricsCounters struct {
	all, get, put, del, head, post, sel, list atomic.Int64
	down, up, err4, err5, latency             atomic.Int64
	selScanned, selReturned                   atomic.Int64
}

// countRequestMetrics counts a finished request under every metrics
// configuration of its bucket that selects it. A bucket without any
// costs one cached configuration lookup.
func (s *server) countRequestMetrics(rc *request, rec *Record) {
	if rec.Bucket == "" {
		return
	}
	ctx := rc.ctx
	c, err := s.eng.BucketConfigValue(ctx, rec.Bucket, bucketconfig.KindMetrics)
	if err != nil && ctx.Err() != nil {
		// A request whose client went away counts too (the cached
		// lookup above needs no context; only a miss reads the store).
		ctx = context.WithoutCancel(ctx)
		c, err = s.eng.BucketConfigValue(ctx, rec.Bucket, bucketconfig.KindMetrics)
	}
	if err != nil {
		return
	}
	if ctx.Err() != nil {
		ctx = context.WithoutCancel(ctx)
	}
	set := c.(*bucketconfig.Metrics)
	var tags []bucketconfig.Tag
	if set.NeedsTags(rec.Key) {
		if info, err := s.eng.HeadObject(ctx, rec.Bucket, rec.Key); err == nil {
			for _, t := range info.Tags {
				tags = append(tags, bucketconfig.Tag{Key: t.Key, Value: t.Value})
			}
		}
	}
	var buf [16]int32
	for _, i := range set.Counting(rec.Key, tags, buf[:0]) {
		mc := &set.Configurations[i]
		k := metricsKey{rec.Bucket, mc.ID}
		v, ok := s.reqMetrics.Load(k)
		if !ok {
			v, _ = s.reqMetrics.LoadOrStore(k, new(metricsCounters))
		}
		m := v.(*metricsCounters)
		m.all.Add(1)
		object := rec.Key != ""
		switch {
		case listOps[rec.Operation] || rec.Operation == "ListParts": // policy.go's listings, and ListParts
			m.list.Add(1)
		case rec.Method == http.MethodGet && object:
			m.get.Add(1)
		case rec.Method == http.MethodPut && object:
			m.put.Add(1)
		case rec.Method == http.MethodDelete && object:
			m.del.Add(1)
		}
		switch rec.Method {
		case http.MethodHead:
			m.head.Add(1)
		case http.MethodPost:
			m.post.Add(1)
		}
		switch rec.Operation {
		case "DeleteObjects":
			m.del.Add(1)
		case "SelectObjectContent":
			m.sel.Add(1)
			m.selScanned.Add(rc.selected.scanned)
			m.selReturned.Add(rc.selected.returned)
		}
		switch {
		case rec.Status >= 500:
			m.err5.Add(1)
		case rec.Status >= 400:
			m.err4.Add(1)
		case rec.Status < 300:
			m.down.Add(rec.Bytes)
		}
		if n := rc.r.ContentLength; n > 0 {
			m.up.Add(n)
		}
		m.latency.Add(int64(rec.Duration))
	}
}

// ReadRequestMetrics returns the counts of every request metrics
// configuration of h's buckets, sorted by bucket and ID. h must be a
// handler made by New (else the answer is nil). A configuration that has
// not counted a request yet is reported with zero counts.
func ReadRequestMetrics(ctx context.Context, h http.Handler) ([]RequestMetrics, error) {
	s, ok := h.(*server)
	if !ok {
		return nil, nil
	}
	buckets, err := s.eng.ListBuckets(ctx)
	if err != nil {
		return nil, err
	}
	var out []RequestMetrics
	live := map[metricsKey]bool{}
	for _, b := range buckets {
		c, err := s.eng.BucketConfigValue(ctx, b.Name, bucketconfig.KindMetrics)
		if errors.Is(err, engine.ErrNoSuchConfig) || errors.Is(err, engine.ErrNoSuchBucket) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, mc := range c.(*bucketconfig.Metrics).Configurations {
			k := metricsKey{b.Name, mc.ID}
			live[k] = true
			r := RequestMetrics{Bucket: b.Name, ID: mc.ID}
			if v, ok := s.reqMetrics.Load(k); ok {
				m := v.(*metricsCounters)
				r.AllRequests, r.GetRequests, r.PutRequests, r.DeleteRequests = m.all.Load(), m.get.Load(), m.put.Load(), m.del.Load()
				r.HeadRequests, r.PostRequests, r.SelectRequests, r.ListRequests = m.head.Load(), m.post.Load(), m.sel.Load(), m.list.Load()
				r.BytesDownloaded, r.BytesUploaded = m.down.Load(), m.up.Load()
				r.Errors4xx, r.Errors5xx = m.err4.Load(), m.err5.Load()
				r.TotalRequestLatency = time.Duration(m.latency.Load())
				r.SelectBytesScanned, r.SelectBytesReturned = m.selScanned.Load(), m.selReturned.Load()
			}
			out = append(out, r)
		}
	}
	// Counts of configurations (or buckets) gone are dropped.
	s.reqMetrics.Range(func(k, _ any) bool {
		if !live[k.(metricsKey)] {
			s.reqMetrics.Delete(k)
		}
		return true
	})
	slices.SortFunc(out, func(a, b RequestMetrics) int {
		return cmp.Or(cmp.Compare(a.Bucket, b.Bucket), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}
