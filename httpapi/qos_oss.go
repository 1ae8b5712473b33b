package httpapi

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// OSS QoS (?qosInfo): Put/Get/DeleteBucketQoSInfo set a bucket's
// throttling, GetUserQoSInfo answers the account's limits
// (Config.AccountQoS), which no bucket setting may exceed. Bandwidths are
// in Gbit/s and requests a second; -1 is no limit, 0 allows nothing.
//
// The settings are executed, in every dialect (they belong to the
// bucket). osslite has no internal network: every request comes from the
// internet, so a group's limit is the lower of its total and its
// extranet value, and the intranet values are stored and answered only.
//
//   - requests a second: each second of the engine clock admits at most
//     the limit of the bucket's requests (so a test that holds its clock
//     sees the limit exactly); one more is refused at once, 503
//     TotalQpsLimitExceeded in OSS (SlowDown in S3 and Sina, which their
//     clients retry), before anything is read or changed; a request is
//     admitted once it is authorized (a POST form once its credentials
//     are read), so refused requests spend nothing of the owner's;
//   - bandwidth: the bytes of the bucket's uploads (PutObject,
//     AppendObject, UploadPart, PostObject bodies) and of its downloads
//     (GetObject bodies, its website's reads) are held to the rate
//     together, on the wall clock (this is shaping of network traffic,
//     as x-oss-traffic-limit is: traffic.go; tests step a clock of their
//     own, shapingClock); an upload held back answers the milliseconds it
//     waited in x-oss-qos-delay-time, as OSS does. A limit of 0 refuses
//     those operations (503 UploadTrafficRateLimitExceeded,
//     DownloadTrafficRateLimitExceeded).
//
// Resource pools (Aliyun makes them on request) do not exist in osslite:
// any bucket takes QoS settings, and the resource pool operations, with
// the requester QoS ones, stay 501.

// qosDoc is OSS's QoSConfiguration. Region is GetUserQoSInfo's.
type qosDoc struct {
	XMLName                   xml.Name `xml:"QoSConfiguration"`
	Region                    string   `xml:"Region,omitempty"`
	TotalUploadBandwidth      *int64   `xml:"TotalUploadBandwidth"`
	IntranetUploadBandwidth   *int64   `xml:"IntranetUploadBandwidth"`
	ExtranetUploadBandwidth   *int64   `xml:"ExtranetUploadBandwidth"`
	TotalDownloadBandwidth    *int64   `xml:"TotalDownloadBandwidth"`
	IntranetDownloadBandwidth *int64   `xml:"IntranetDownloadBandwidth"`
	ExtranetDownloadBandwidth *int64   `xml:"ExtranetDownloadBandwidth"`
	TotalQps                  *int64   `xml:"TotalQps"`
	IntranetQps               *int64   `xml:"IntranetQps"`
	ExtranetQps               *int64   `xml:"ExtranetQps"`
}

// fields lists the document's values in bucketconfig.QoS's order.
func (d *qosDoc) fields() [9]**int64 {
	return [9]**int64{&d.TotalUploadBandwidth, &d.IntranetUploadBandwidth, &d.ExtranetUploadBandwidth,
		&d.TotalDownloadBandwidth, &d.IntranetDownloadBandwidth, &d.ExtranetDownloadBandwidth,
		&d.TotalQps, &d.IntranetQps, &d.ExtranetQps}
}

// qosValues lists c's values in the order of qosDoc.fields.
func qosValues(c *bucketconfig.QoS) [9]*int64 {
	return [9]*int64{&c.TotalUpload, &c.IntranetUpload, &c.ExtranetUpload,
		&c.TotalDownload, &c.IntranetDownload, &c.ExtranetDownload,
		&c.TotalQPS, &c.IntranetQPS, &c.ExtranetQPS}
}

func renderQoS(c *bucketconfig.QoS) *qosDoc {
	d := &qosDoc{}
	vs := qosValues(c)
	for i, f := range d.fields() {
		v := *vs[i]
		*f = &v
	}
	return d
}

// qosRow is OSS's ?qosInfo on a bucket.
var qosRow = &configRow{
	sub: "qosInfo", kind: bucketconfig.KindQoS, root: "QoSConfiguration",
	get: "GetBucketQoSInfo", put: "PutBucketQoSInfo", del: "DeleteBucketQoSInfo", perm: permOwner,
	only:  "oss",
	parse: parseQoS,
	render: func(_ *request, c bucketconfig.Config) any {
		return renderQoS(c.(*bucketconfig.QoS))
	},
	missing: func(rc *request) (any, error) {
		return nil, errorf("NoSuchQoSConfiguration", "").with("BucketName", rc.op.Bucket)
	},
}

// parseQoS reads a QoSConfiguration: a value left out is no limit; the
// values must be within the account's (rc nil: a document alone).
func parseQoS(rc *request, data []byte) (bucketconfig.Config, error) {
	var doc qosDoc
	if err := xml.Unmarshal(data, &doc); err != nil || doc.XMLName.Local != "QoSConfiguration" {
		return nil, errorf("MalformedXML", "")
	}
	if err := checkElements(data, &doc); err != nil {
		return nil, err
	}
	c := bucketconfig.UnlimitedQoS()
	vs := qosValues(c)
	for i, f := range doc.fields() {
		if *f != nil {
			*vs[i] = **f
		}
	}
	if err := c.Validate(); err != nil {
		return nil, invalidArgument(err, bucketconfig.ErrInvalid)
	}
	if rc != nil {
		if err := c.Within(rc.s.accountQoS()); err != nil {
			return nil, invalidArgument(err, bucketconfig.ErrInvalid)
		}
	}
	return c, nil
}

// defaultAccountQoS is OSS's documented limits of an account in China
// (Hangzhou): 20 Gbit/s of uploads and 100 Gbit/s of downloads, 20 of
// each over the internet. OSS's request rate guidance (10,000 a second)
// is not a limit osslite sets by default.
var defaultAccountQoS = bucketconfig.QoS{
	TotalUpload: 20, IntranetUpload: bucketconfig.NoLimit, ExtranetUpload: 20,
	TotalDownload: 100, IntranetDownload: bucketconfig.NoLimit, ExtranetDownload: 20,
	TotalQPS: bucketconfig.NoLimit, IntranetQPS: bucketconfig.NoLimit, ExtranetQPS: bucketconfig.NoLimit,
}

// accountQoS returns every account's limits (Config.AccountQoS).
func (s *server) accountQoS() *bucketconfig.QoS {
	if s.cfg.AccountQoS != nil {
		return s.cfg.AccountQoS
	}
	return &defaultAccountQoS
}

func init() {
	routes = append(routes, route{method: http.MethodGet, target: targetService, params: []string{"qosInfo"},
		op: "GetUserQoSInfo", perm: permAuthenticated, handle: (*server).getUserQoS, only: "oss"})
}

// getUserQoS is GetUserQoSInfo: the account's limits, in the region
// osslite serves.
func (s *server) getUserQoS(rc *request) error {
	doc := renderQoS(s.accountQoS())
	doc.Region = s.cfg.Region
	return rc.d.writeDoc(rc.w, http.StatusOK, "QoSConfiguration", doc)
}

// qosUploads and qosDownloads are the operations whose bodies a
// bucket's bandwidth settings meter.
var (
	qosUploads   = map[string]bool{"PutObject": true, "AppendObject": true, "UploadPart": true, "PostObject": true}
	qosDownloads = map[string]bool{"GetObject": true, websiteRoute.op: true}
)

// qosUse is what QoS settings do to one request: the meters its body
// passes, and the time they held it back.
type qosUse struct {
	meters []*rateMeter
	held   time.Duration
	// delayHeader is the dialect's (trafficRule.delayHeader).
	delayHeader string
}

// admitQoS applies the QoS settings of rc's bucket (and, when
// Config.AccountQoS sets them, of the bucket owner's account) to rc: it
// refuses a request over the requests a second or an operation a zero
// bandwidth forbids, and sets rc.qos to meter its body. A bucket without
// settings costs one cached configuration lookup.
func (s *server) admitQoS(rc *request) error {
	if rc.op.Bucket == "" || rc.route.config == qosRow || rc.qosAdmitted {
		return nil // the settings themselves can always be mended; a request is admitted once
	}
	rc.qosAdmitted = true
	var scopes [2]*qosMeter
	c, err := s.eng.BucketConfigValue(rc.ctx, rc.op.Bucket, bucketconfig.KindQoS)
	if err == nil {
		scopes[0] = s.qos.meter(rc.op.Bucket, c.(*bucketconfig.QoS))
	}
	if s.cfg.AccountQoS != nil && rc.bucket != nil {
		scopes[1] = s.qos.meter("\x00account:"+rc.bucket.Owner, s.cfg.AccountQoS)
	}
	if scopes[0] == nil && scopes[1] == nil {
		return nil
	}
	up, down := qosUploads[rc.route.op], qosDownloads[rc.route.op]
	tr := &rc.d.traffic
	use := qosUse{delayHeader: tr.delayHeader}
	now := s.clock.Now()
	for _, m := range scopes {
		if m == nil {
			continue
		}
		if m.qps != nil && !m.qps.admit(now) {
			return qosRefusal(tr.qpsCode)
		}
		switch {
		case up && m.uploadOff:
			return qosRefusal(tr.uploadCode)
		case down && m.downloadOff:
			return qosRefusal(tr.downloadCode)
		case up && m.upload != nil:
			use.meters = append(use.meters, m.upload)
		case down && m.download != nil:
			use.meters = append(use.meters, m.download)
		}
	}
	if len(use.meters) > 0 {
		rc.qos, rc.w.qos = &use, &use
	}
	return nil
}

// qosRefusal is the answer to a request QoS settings refuse: the
// dialect's code, or SlowDown.
func qosRefusal(code string) error {
	if code == "" {
		code = "SlowDown"
	}
	return errorf(code, "")
}

// meterUpload returns body metered by rc's QoS settings (body itself
// when it has none).
func (rc *request) meterUpload(body io.Reader) io.Reader {
	if rc.qos == nil || body == nil || body == http.NoBody {
		return body
	}
	return &meteredReader{r: body, use: rc.qos, ctx: rc.ctx}
}

// meteredReader reads a request body through QoS meters: each read is
// counted, and the next waits while the bytes are ahead of the rate.
type meteredReader struct {
	r   io.Reader
	use *qosUse
	ctx context.Context
}

func (r *meteredReader) Read(b []byte) (int, error) {
	n, err := r.r.Read(b)
	if n > 0 {
		if werr := r.use.take(r.ctx, n); werr != nil {
			return n, werr
		}
	}
	return n, err
}

// take counts n bytes on every meter, waiting as they say.
func (u *qosUse) take(ctx context.Context, n int) error {
	for _, m := range u.meters {
		d, err := m.take(ctx, n)
		u.held += d
		if err != nil {
			return err
		}
	}
	return nil
}

// qosMeters holds the meters of the buckets (and accounts) with QoS
// settings, by bucket name. A meter is made anew when its settings
// change; at maxQoSMeters one meter, any, is dropped for a new one, so
// buckets that lost their settings do not keep theirs forever (a meter
// made anew starts a fresh second and rate).
type qosMeters struct {
	// clock is what the bandwidth meters read and wait on; New sets it.
	clock shapingClock
	mu    sync.Mutex
	m     map[string]*qosMeter
}

const maxQoSMeters = 65536

// meter returns the meter of scope under settings c.
func (q *qosMeters) meter(scope string, c *bucketconfig.QoS) *qosMeter {
	q.mu.Lock()
	defer q.mu.Unlock()
	if m := q.m[scope]; m != nil && m.of == *c {
		return m
	}
	if q.m == nil {
		q.m = make(map[string]*qosMeter)
	}
	if len(q.m) >= maxQoSMeters {
		for k := range q.m { // map order: one at random
			delete(q.m, k)
			break
		}
	}
	m := newQoSMeter(c, q.clock)
	q.m[scope] = m
	return m
}

// qosMeter executes one scope's settings.
type qosMeter struct {
	of bucketconfig.QoS // the settings it executes
	// upload and download hold the bytes to the rate; nil for none.
	upload, download *rateMeter
	// uploadOff and downloadOff: a limit of 0.
	uploadOff, downloadOff bool
	// qps admits the requests of each second; nil for no limit.
	qps *qpsWindow
}

func newQoSMeter(c *bucketconfig.QoS, clock shapingClock) *qosMeter {
	m := &qosMeter{of: *c}
	up, down, qps := c.Extranet()
	m.upload, m.uploadOff = newRateMeter(up, clock), up == 0
	m.download, m.downloadOff = newRateMeter(down, clock), down == 0
	if qps != bucketconfig.NoLimit {
		m.qps = &qpsWindow{limit: qps}
	}
	return m
}

// qpsWindow admits at most limit requests in each second of the engine
// clock.
type qpsWindow struct {
	mu     sync.Mutex
	limit  int64
	second int64 // the second being counted (Unix)
	n      int64 // requests admitted in it
}

func (w *qpsWindow) admit(now time.Time) bool {
	sec := now.Unix()
	w.mu.Lock()
	defer w.mu.Unlock()
	if sec != w.second {
		w.second, w.n = sec, 0
	}
	if w.n >= w.limit {
		return false
	}
	w.n++
	return true
}

// rateMeterBurst is how far ahead of its rate a meter lets its movers
// be before they wait.
const rateMeterBurst = 50 * time.Millisecond

// shapingClock is the time the QoS bandwidth meters read and wait on. It
// is the wall clock (wallClock): they shape network traffic, which the
// engine clock, a test's to hold or move, must neither make instant nor
// stop. Tests give the handler one they step themselves
// (export_test.go's StepClock), so that what a meter lets through and
// how long it holds a mover are exact, whatever the machine's speed.
type shapingClock interface {
	Now() time.Time
	// Wait returns once d has passed on the clock, or ctx's error when
	// ctx ends first.
	Wait(ctx context.Context, d time.Duration) error
}

// wallClock is the real time.
type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) Wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// rateMeter holds the transfers sharing it to a rate together: every
// byte moved puts the time the rate allows it (due) on by 1/rate, and a
// mover more than rateMeterBurst ahead of the clock waits until it is
// not. Time nobody moved anything in is not saved up.
type rateMeter struct {
	clock shapingClock
	rate  int64 // bytes a second
	mu    sync.Mutex
	due   time.Time
	// frac is what due lags the bytes counted by, in 1/rate ns: the
	// time of n bytes is carried exactly, however they are split.
	frac int64
}

// newRateMeter returns a meter of rate bytes a second on clock, nil for
// NoLimit or 0.
func newRateMeter(rate int64, clock shapingClock) *rateMeter {
	if rate <= 0 {
		return nil
	}
	return &rateMeter{clock: clock, rate: rate}
}

// take counts n bytes moved and waits while the meter is ahead of the
// rate; it returns the time waited (the error is ctx's).
func (m *rateMeter) take(ctx context.Context, n int) (time.Duration, error) {
	now := m.clock.Now()
	m.mu.Lock()
	if m.due.Before(now) {
		m.due, m.frac = now, 0
	}
	// n is one read or write's worth (buffers of MiBs): n*1e9 fits.
	ns := int64(n)*int64(time.Second) + m.frac
	m.due = m.due.Add(time.Duration(ns / m.rate))
	m.frac = ns % m.rate
	wait := m.due.Sub(now) - rateMeterBurst
	m.mu.Unlock()
	if wait <= 0 {
		return 0, nil
	}
	if err := m.clock.Wait(ctx, wait); err != nil {
		return 0, err
	}
	return wait, nil
}
