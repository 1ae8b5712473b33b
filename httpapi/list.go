package httpapi

import (
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/checksum"
)

type listBucketResult struct {
	XMLName               xml.Name
	Name                  string         `xml:"Name"`
	Prefix                xmlText        `xml:"Prefix"`
	Marker                *xmlText       `xml:"Marker"`
	NextMarker            xmlText        `xml:"NextMarker,omitempty"`
	ContinuationToken     *xmlText       `xml:"ContinuationToken"` // set when the request named one, even empty
	NextContinuationToken xmlText        `xml:"NextContinuationToken,omitempty"`
	StartAfter            xmlText        `xml:"StartAfter,omitempty"`
	KeyCount              *int           `xml:"KeyCount"`
	MaxKeys               int            `xml:"MaxKeys"`
	Delimiter             xmlText        `xml:"Delimiter,omitempty"`
	EncodingType          string         `xml:"EncodingType,omitempty"`
	IsTruncated           bool           `xml:"IsTruncated"`
	Contents              []xmlObject    `xml:"Contents"`
	CommonPrefixes        []commonPrefix `xml:"CommonPrefixes"`
	// entries, when set, are objects that follow Contents, rendered
	// straight from the engine's records (the listing handlers' way: no
	// xmlObject per key).
	entries *listEntries
}

// contents returns every listed object as an xmlObject: Contents, then
// entries (for documents not rendered by appendXML, such as SCS JSON).
func (r *listBucketResult) contents() []xmlObject {
	if r.entries == nil {
		return r.Contents
	}
	out := append([]xmlObject(nil), r.Contents...)
	for i := range r.entries.objects {
		out = append(out, r.entries.xmlObject(&r.entries.objects[i]))
	}
	return out
}

// listEntries are a page's objects with what rendering them needs.
type listEntries struct {
	objects []engine.ObjectInfo
	p       listParams
	d       *dialect
	// owner makes the Owner element of a canonical user ID; nil leaves
	// Owner out.
	owner func(canonical string) owner
	modTimes
	algs lastAlgorithm
}

// modTimes is the last LastModified a listing wrote, a Unix second, and
// its text (valid when timeCached): the entries of a page mostly share
// seconds with their neighbours, and the text depends on the second
// alone.
type modTimes struct {
	timeSec    int64
	timeText   [len("2006-01-02T15:04:05.000Z")]byte
	timeCached bool
}

// checksumAlgorithm names the object's flexible checksum algorithm for
// listings ("" if none; the smallest name when there are several).
func checksumAlgorithm(o *engine.ObjectInfo) string {
	alg := ""
	for a := range o.Checksums {
		if alg == "" || string(a) < alg {
			alg = string(a)
		}
	}
	return alg
}

// lastAlgorithm is checksumAlgorithm for the entries of a page, which
// mostly name the one algorithm their neighbour named: a lookup of it
// in the entry's map instead of a walk of the map (about 250
// instructions per key, most of them the iterator's set-up).
type lastAlgorithm struct{ alg checksum.Algorithm }

// of returns checksumAlgorithm(o).
func (l *lastAlgorithm) of(o *engine.ObjectInfo) string {
	if len(o.Checksums) != 1 {
		return checksumAlgorithm(o)
	}
	if l.alg != "" {
		if _, ok := o.Checksums[l.alg]; ok {
			return string(l.alg) // the map's only key
		}
	}
	alg := checksumAlgorithm(o)
	l.alg = checksum.Algorithm(alg)
	return alg
}

// xmlObject converts o as appendEntry renders it.
func (e *listEntries) xmlObject(o *engine.ObjectInfo) xmlObject {
	x := xmlObject{Key: xmlText(e.p.enc(o.Key)), LastModified: xmlTime(o.LastModified), ETag: e.d.etag(o.ETag),
		Size: o.Size, StorageClass: e.d.storageClassName(o.StorageClass), info: o}
	if e.d.behave.objectTypeInListing {
		x.Type = o.Type.String()
	}
	x.TransitionTime = transitionTimeOf(e.d, o)
	if x.ChecksumAlgorithm = checksumAlgorithm(o); x.ChecksumAlgorithm != "" {
		x.ChecksumType = o.ChecksumType
	}
	if e.owner != nil {
		x.Owner = new(e.owner(o.Owner))
	}
	if e.p.restoreStatus && o.Restore != nil {
		x.RestoreStatus = restoreStatusDoc(o.Restore)
	}
	return x
}

type xmlObject struct {
	Key               xmlText `xml:"Key"`
	LastModified      string  `xml:"LastModified"`
	ETag              string  `xml:"ETag"`
	Type              string  `xml:"Type,omitempty"`           // OSS
	TransitionTime    string  `xml:"TransitionTime,omitempty"` // OSS
	ChecksumAlgorithm string  `xml:"ChecksumAlgorithm,omitempty"`
	ChecksumType      string  `xml:"ChecksumType,omitempty"`
	Size              int64   `xml:"Size"`
	StorageClass      string  `xml:"StorageClass"`
	Owner             *owner  `xml:"Owner"`
	// RestoreStatus, with x-amz-optional-object-attributes: RestoreStatus.
	RestoreStatus *xmlRestoreStatus `xml:"RestoreStatus,omitempty"`
	// info is the listed object, for dialects whose listings say more.
	info *engine.ObjectInfo
}

type commonPrefix struct {
	Prefix xmlText `xml:"Prefix"`
}

// listParams are the parameters shared by the listing operations.
type listParams struct {
	prefix, delimiter string
	maxKeys           int
	encode            bool
	// restoreStatus: S3's x-amz-optional-object-attributes asked for
	// each archived object's RestoreStatus.
	restoreStatus bool
}

func parseListParams(rc *request, maxName string) (listParams, error) {
	p := listParams{prefix: rc.q.Get("prefix"), delimiter: rc.q.Get("delimiter")}
	n, err := rc.d.listLimits(rc, maxName)
	if err != nil {
		return p, err
	}
	p.maxKeys = n
	switch et := rc.q.Get("encoding-type"); {
	case et == "url":
		p.encode = true
	case et == "" && !(rc.d.behave.listEmptyParamsRefused && rc.q.Has("encoding-type")):
	default:
		// S3 refuses an empty encoding-type too (LocalStack's
		// AWS-recorded test_list_ops_encoding_type_validation).
		return p, errorf("InvalidArgument", "Invalid Encoding Method specified in Request").with("ArgumentName", "encoding-type").with("ArgumentValue", et)
	}
	if v := headerValue(rc.r.Header, "X-Amz-Optional-Object-Attributes"); v != "" {
		for a := range strings.SplitSeq(v, ",") {
			if strings.TrimSpace(a) != "RestoreStatus" {
				return p, errorf("InvalidArgument", "Invalid attribute name specified.").with("ArgumentName", "x-amz-optional-object-attributes").with("ArgumentValue", v)
			}
		}
		p.restoreStatus = true
	}
	return p, nil
}

// xmlRestoreStatus is a listing entry's RestoreStatus.
type xmlRestoreStatus struct {
	IsRestoreInProgress bool   `xml:"IsRestoreInProgress"`
	RestoreExpiryDate   string `xml:"RestoreExpiryDate,omitempty"`
}

func restoreStatusDoc(r *engine.RestoreStatus) *xmlRestoreStatus {
	if r.Ongoing {
		return &xmlRestoreStatus{IsRestoreInProgress: true}
	}
	return &xmlRestoreStatus{RestoreExpiryDate: xmlTime(r.Expiry)}
}

// enc URL-encodes a string for encoding-type=url (operations.md A.11).
func (p listParams) enc(s string) string {
	if !p.encode {
		return s
	}
	return urlEncode(s)
}

var urlEncodeFixes = strings.NewReplacer("%2F", "/", "%2A", "*")

func urlEncode(s string) string {
	return urlEncodeFixes.Replace(url.QueryEscape(s))
}

// listBuffers recycles the ObjectInfo slices of listing pages: a page of
// 1000 is half a megabyte the garbage collector would otherwise scan and
// free for every request.
var listBuffers = sync.Pool{New: func() any { return new([]engine.ObjectInfo) }}

// list runs one page of a listing (max-keys 0 yields an empty page after
// checking the bucket). Call release once the page is written.
func (s *server) list(rc *request, p listParams, marker string, inclusive bool) (res engine.ListResult, release func(), err error) {
	if p.maxKeys == 0 {
		_, err := s.bucketOf(rc)
		return engine.ListResult{}, func() {}, err
	}
	buf := listBuffers.Get().(*[]engine.ObjectInfo)
	res, err = s.eng.ListObjects(rc.ctx, rc.op.Bucket, engine.ListOptions{Prefix: p.prefix, Delimiter: p.delimiter,
		Marker: marker, MarkerInclusive: inclusive, MaxKeys: p.maxKeys, Brief: !rc.d.behave.listsStoredHeaders, Buffer: *buf})
	return res, func() {
		if err != nil {
			return // the engine may have filled part of buf: let it go
		}
		recyclePage(buf, res.Objects)
	}, err
}

// recyclePage returns buf, from listBuffers, to it once page, the
// listing the engine wrote into it, is written.
func recyclePage(buf *[]engine.ObjectInfo, page []engine.ObjectInfo) {
	if cap(page) > cap(*buf) {
		*buf = page // grown by the engine
	}
	// Not cleared: the engine clears each entry it reuses, and clearing
	// half a megabyte of pointers here costs a write barrier on each
	// while the collector marks. Until the buffer's next page its entries
	// keep this page's strings alive (its keys and ETags are a few 16 KiB
	// blocks).
	*buf = (*buf)[:0]
	listBuffers.Put(buf)
}

func (s *server) fillContents(rc *request, out *listBucketResult, p listParams, res engine.ListResult, withOwner bool) error {
	e := &listEntries{objects: res.Objects, p: p, d: rc.d}
	if withOwner {
		forced, err := s.ownerListed(rc)
		if err != nil {
			return err
		}
		// Pages mostly have one owner: look it up once.
		var last string
		var doc owner
		e.owner = func(id string) owner {
			if forced != "" {
				id = forced
			}
			if id != last || doc == (owner{}) {
				last, doc = id, s.ownerDoc(rc.d, id)
			}
			return doc
		}
	}
	out.entries = e
	for _, cp := range res.CommonPrefixes {
		out.CommonPrefixes = append(out.CommonPrefixes, commonPrefix{xmlText(p.enc(cp))})
	}
	return nil
}

func (s *server) listObjectsV1(rc *request) error {
	p, err := parseListParams(rc, "max-keys")
	if err != nil {
		return err
	}
	marker := rc.q.Get("marker")
	res, release, err := s.list(rc, p, marker, rc.d.behave.inclusiveMarker)
	defer release()
	if err != nil {
		return err
	}
	m := xmlText(p.enc(marker))
	out := &listBucketResult{Name: rc.op.Bucket, Prefix: xmlText(p.enc(p.prefix)), Marker: &m, MaxKeys: p.maxKeys,
		Delimiter: xmlText(p.enc(p.delimiter)), IsTruncated: res.IsTruncated}
	if p.encode {
		out.EncodingType = "url"
	}
	// S3 answers NextMarker only to a listing with a delimiter; without
	// one a client continues from the page's last Key. (minio-js takes
	// NextMarker as is, so an encoded one skipped or repeated keys.)
	if res.IsTruncated && (p.delimiter != "" || !rc.d.behave.nextMarkerNeedsDelimiter) {
		out.NextMarker = xmlText(p.enc(res.NextMarker))
		if rc.d.behave.inclusiveMarker {
			out.NextMarker = xmlText(p.enc(res.NextStart))
		}
	}
	if err := s.fillContents(rc, out, p, res, !(rc.who.anonymous && rc.d.behave.anonListNoOwner)); err != nil {
		return err
	}
	s.listBucketRegion(rc)
	return rc.d.writeDoc(rc.w, http.StatusOK, "ListBucketResult", out)
}

// listBucketRegion names the bucket's region on a listing, as S3 does
// (x-amz-bucket-region on ListObjects and ListObjectsV2, in LocalStack's
// AWS recordings of test_bucket_name_with_dots and the AWS-validated
// test_region_header_exists).
func (s *server) listBucketRegion(rc *request) {
	if !rc.d.behave.listBucketRegion {
		return
	}
	if b, err := s.bucketOf(rc); err == nil {
		rc.setHeader(rc.d.headerKey("bucket-region"), s.regionOf(b))
	}
}

func (s *server) listObjectsV2(rc *request) error {
	p, err := parseListParams(rc, "max-keys")
	if err != nil {
		return err
	}
	token := rc.q.Get("continuation-token")
	startAfter := rc.q.Get("start-after")
	marker := startAfter
	if token != "" || rc.d.behave.listEmptyParamsRefused && rc.q.Has("continuation-token") {
		// S3 refuses an empty token (LocalStack's AWS-recorded
		// test_list_objects_v2_continuation_start_after; ceph's
		// s3-tests expect the first page); other dialects list from
		// the start.
		b, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil || token == "" {
			return errorf("InvalidArgument", "The continuation token provided is incorrect").with("ArgumentName", "continuation-token")
		}
		marker = string(b)
	}
	res, release, err := s.list(rc, p, marker, false)
	defer release()
	if err != nil {
		return err
	}
	n := len(res.Objects) + len(res.CommonPrefixes)
	out := &listBucketResult{Name: rc.op.Bucket, Prefix: xmlText(p.enc(p.prefix)), MaxKeys: p.maxKeys, KeyCount: &n,
		Delimiter: xmlText(p.enc(p.delimiter)), IsTruncated: res.IsTruncated, StartAfter: xmlText(p.enc(startAfter))}
	if rc.q.Has("continuation-token") {
		t := xmlText(token)
		out.ContinuationToken = &t
	}
	if p.encode {
		out.EncodingType = "url"
	}
	if res.IsTruncated {
		out.NextContinuationToken = xmlText(base64.RawURLEncoding.EncodeToString([]byte(res.NextMarker)))
	}
	if err := s.fillContents(rc, out, p, res, rc.q.Get("fetch-owner") == "true"); err != nil {
		return err
	}
	s.listBucketRegion(rc)
	return rc.d.writeDoc(rc.w, http.StatusOK, "ListBucketResult", out)
}
