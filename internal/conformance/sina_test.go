package conformance_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/internal/conformance"
	"github.com/osslite/osslite/internal/sinaclient"
)

// TestSina runs the suite through internal/sinaclient (ssig header
// signatures, path style, JSON documents with formatter=json) against the
// fake's Sina dialect. Operations SCS does not document (tagging,
// DeleteObjects, ListObjectsV2, UploadPartCopy, List Uploads, Abort, paged
// List Parts) go through the S3 handlers the dialect shares, as XML.
func TestSina(t *testing.T) {
	conformance.RunSuite(t, func(t *testing.T) conformance.Subject {
		w := &wireStore{srv: newWireFake(t)}
		return w.sina(w.owner())
	})
}

type sinaSubject struct {
	c     *sinaclient.Client // JSON (formatter=json)
	x     *sinaclient.Client // XML (no formatter)
	store *wireStore
	acct  account
}

func (s *sinaSubject) Caps() conformance.Caps {
	return conformance.Caps{MinPartSize: engine.DefaultMinPartSize, TooManyTagsCode: "BadRequest", DeleteBucketDropsUploads: true, BucketTags: true, ResponseOverrides: true, PartNumberReads: true,
		PartCopyBadRange: "InvalidArgument", InclusiveMarker: true, Accounts: true}
}

func (s *sinaSubject) ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	if c, ok := normalised(err); ok {
		return c
	}
	if c := sinaclient.ErrorCode(err); c != "" {
		return c
	}
	return "unclassified: " + err.Error()
}

// header reads a response header whatever the case of its name.
func sinaHeader(h http.Header, name string) string {
	for k, vs := range h {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}

func unquoteETag(v string) string { return strings.ToLower(strings.Trim(v, `"`)) }

func quoteETag(v string) string {
	if v == "" || v == "*" {
		return v
	}
	return `"` + v + `"`
}

func httpTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(http.TimeFormat)
}

// do sends r and discards the body.
func do(ctx context.Context, c *sinaclient.Client, r sinaclient.Request) (http.Header, error) {
	resp, err := c.Do(ctx, r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.Header, err
}

// decode sends r and decodes its JSON (c = s.c) or XML (c = s.x) body.
func decode(ctx context.Context, c *sinaclient.Client, r sinaclient.Request, out any) (http.Header, error) {
	resp, err := c.Do(ctx, r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if c.XML {
		return resp.Header, xml.NewDecoder(resp.Body).Decode(out)
	}
	return resp.Header, json.NewDecoder(resp.Body).Decode(out)
}

func xmlBody(v any) (sinaclient.Request, error) {
	b, err := xml.Marshal(v)
	if err != nil {
		return sinaclient.Request{}, err
	}
	sum := md5.Sum(b)
	return sinaclient.Request{Body: bytes.NewReader(b), Size: int64(len(b)),
		Header: http.Header{"Content-Md5": {base64.StdEncoding.EncodeToString(sum[:])}}}, nil
}

func sinaQuery(kv ...string) url.Values {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" || strings.HasPrefix(kv[i], "!") {
			q.Set(strings.TrimPrefix(kv[i], "!"), kv[i+1])
		}
	}
	return q
}

func (s *sinaSubject) CreateBucket(ctx context.Context, bucket string) error {
	return s.c.PutBucket(ctx, bucket, "")
}

func (s *sinaSubject) DeleteBucket(ctx context.Context, bucket string) error {
	return s.c.DeleteBucket(ctx, bucket)
}

func (s *sinaSubject) HeadBucket(ctx context.Context, bucket string) error {
	_, err := do(ctx, s.c, sinaclient.Request{Method: http.MethodHead, Bucket: bucket})
	return err
}

func (s *sinaSubject) ListBuckets(ctx context.Context) ([]string, error) {
	l, err := s.c.ListBuckets(ctx)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, b := range l.Buckets {
		names = append(names, b.Name)
	}
	slices.Sort(names)
	return names, nil
}

func tagHeader(tags []conformance.Tag) string {
	q := make([]string, len(tags))
	for i, t := range tags {
		q[i] = url.QueryEscape(t.Key) + "=" + url.QueryEscape(t.Value)
	}
	return strings.Join(q, "&")
}

func putHeaders(o conformance.PutOptions) http.Header {
	h := http.Header{}
	set := func(k, v string) {
		if v != "" {
			h.Set(k, v)
		}
	}
	set("Content-Type", o.ContentType)
	set("Cache-Control", o.CacheControl)
	set("Content-Disposition", o.ContentDisposition)
	for k, v := range o.Metadata {
		h.Set("x-amz-meta-"+k, v)
	}
	if o.Tags != nil {
		h.Set("x-amz-tagging", tagHeader(o.Tags))
	}
	set("x-amz-acl", o.ACL)
	set("x-amz-storage-class", o.StorageClass)
	set("If-None-Match", quoteETag(o.IfNoneMatch))
	set("If-Match", quoteETag(o.IfMatch))
	if o.ContentMD5 != nil {
		h.Set("Content-MD5", base64.StdEncoding.EncodeToString(o.ContentMD5))
	}
	return h
}

func (s *sinaSubject) Put(ctx context.Context, bucket, key string, body io.Reader, size int64, o conformance.PutOptions) (string, error) {
	return s.c.PutObject(ctx, bucket, key, body, size, putHeaders(o))
}

// attrs reads object attributes from response headers.
func sinaAttrs(h http.Header, size int64) conformance.ObjectAttrs {
	a := conformance.ObjectAttrs{Size: size, ETag: unquoteETag(sinaHeader(h, "ETag")), ContentType: sinaHeader(h, "Content-Type"),
		CacheControl: sinaHeader(h, "Cache-Control"), ContentDisposition: sinaHeader(h, "Content-Disposition"),
		StorageClass: sinaHeader(h, "x-amz-storage-class")}
	if a.StorageClass == "" {
		a.StorageClass = "STANDARD"
	}
	if cr := sinaHeader(h, "Content-Range"); cr != "" {
		if i := strings.LastIndexByte(cr, '/'); i >= 0 {
			if n, err := strconv.ParseInt(cr[i+1:], 10, 64); err == nil {
				a.Size = n
			}
		}
	}
	a.LastModified, _ = http.ParseTime(sinaHeader(h, "Last-Modified"))
	for k, vs := range h {
		if m, ok := strings.CutPrefix(strings.ToLower(k), "x-amz-meta-"); ok && len(vs) > 0 {
			if m == "crc32" {
				continue // the system's CRC32 of the object (Sina spec 6.1), not user metadata
			}
			if a.Metadata == nil {
				a.Metadata = map[string]string{}
			}
			a.Metadata[m] = vs[0]
		}
	}
	return a
}

func (s *sinaSubject) Get(ctx context.Context, bucket, key string, o conformance.GetOptions) (io.ReadCloser, conformance.ObjectAttrs, error) {
	h := http.Header{}
	for k, v := range map[string]string{"Range": o.Range, "If-Match": quoteETag(o.IfMatch), "If-None-Match": quoteETag(o.IfNoneMatch),
		"If-Modified-Since": httpTime(o.IfModifiedSince), "If-Unmodified-Since": httpTime(o.IfUnmodifiedSince)} {
		if v != "" {
			h.Set(k, v)
		}
	}
	q := sinaQuery("response-content-type", o.ResponseContentType)
	if o.PartNumber > 0 {
		q.Set("partNumber", strconv.Itoa(o.PartNumber))
	}
	resp, err := s.c.Do(ctx, sinaclient.Request{Method: http.MethodGet, Bucket: bucket, Key: key, Header: h, Query: q})
	if err != nil {
		return nil, conformance.ObjectAttrs{}, err
	}
	if resp.StatusCode == http.StatusNotModified {
		resp.Body.Close()
		return nil, conformance.ObjectAttrs{}, &codeError{code: "NotModified", err: io.EOF}
	}
	return resp.Body, sinaAttrs(resp.Header, resp.ContentLength), nil
}

func (s *sinaSubject) Head(ctx context.Context, bucket, key string) (conformance.ObjectAttrs, error) {
	h, err := s.c.HeadObject(ctx, bucket, key)
	if err != nil {
		return conformance.ObjectAttrs{}, err
	}
	n, _ := strconv.ParseInt(sinaHeader(h, "Content-Length"), 10, 64)
	return sinaAttrs(h, n), nil
}

// Delete: SCS answers 404 NoSuchKey for a missing key, where the suite
// (S3) expects success.
func (s *sinaSubject) Delete(ctx context.Context, bucket, key string) error {
	err := s.c.DeleteObject(ctx, bucket, key)
	if sinaclient.ErrorCode(err) == "NoSuchKey" {
		if _, herr := do(ctx, s.c, sinaclient.Request{Method: http.MethodHead, Bucket: bucket}); herr != nil {
			return herr // NoSuchBucket
		}
		return nil
	}
	return err
}

type xmlObjectID struct {
	Key string `xml:"Key"`
}

func (s *sinaSubject) DeleteMany(ctx context.Context, bucket string, keys []string) ([]string, error) {
	doc := struct {
		XMLName xml.Name      `xml:"Delete"`
		Objects []xmlObjectID `xml:"Object"`
	}{}
	for _, k := range keys {
		doc.Objects = append(doc.Objects, xmlObjectID{k})
	}
	r, err := xmlBody(doc)
	if err != nil {
		return nil, err
	}
	r.Method, r.Bucket, r.Query, r.Signed = http.MethodPost, bucket, url.Values{"delete": {""}}, []string{"delete"}
	var out struct {
		Deleted []xmlObjectID `xml:"Deleted"`
	}
	if _, err := decode(ctx, s.x, r, &out); err != nil {
		return nil, err
	}
	var deleted []string
	for _, d := range out.Deleted {
		deleted = append(deleted, d.Key)
	}
	return deleted, nil
}

func (s *sinaSubject) Copy(ctx context.Context, bucket, key string, o conformance.CopyOptions) (string, error) {
	h := http.Header{"X-Amz-Copy-Source": {url.PathEscape("/" + o.SrcBucket + "/" + o.SrcKey)}}
	set := func(k, v string) {
		if v != "" {
			h.Set(k, v)
		}
	}
	set("x-amz-copy-source-if-match", quoteETag(o.Source.IfMatch))
	set("x-amz-copy-source-if-none-match", quoteETag(o.Source.IfNoneMatch))
	set("x-amz-copy-source-if-modified-since", httpTime(o.Source.IfModifiedSince))
	set("x-amz-copy-source-if-unmodified-since", httpTime(o.Source.IfUnmodifiedSince))
	set("If-None-Match", quoteETag(o.IfNoneMatch))
	if o.ReplaceMetadata {
		h.Set("x-amz-metadata-directive", "REPLACE")
		set("Content-Type", o.ContentType)
		for k, v := range o.Metadata {
			h.Set("x-amz-meta-"+k, v)
		}
	}
	if o.ReplaceTags {
		h.Set("x-amz-tagging-directive", "REPLACE")
		h.Set("x-amz-tagging", tagHeader(o.Tags))
	}
	var out struct{ ETag string }
	_, err := decode(ctx, s.c, sinaclient.Request{Method: http.MethodPut, Bucket: bucket, Key: key, Header: h}, &out)
	return out.ETag, err
}

func (s *sinaSubject) List(ctx context.Context, bucket string, o conformance.ListOptions) (conformance.ListPage, error) {
	var page conformance.ListPage
	max := o.MaxKeys
	if max == 0 {
		max = 1000 // the suite's default; SCS's is 400
	}
	if o.V2 {
		var out struct {
			Contents []struct {
				Key  string
				Size int64
				ETag string
			}
			CommonPrefixes        []struct{ Prefix string }
			IsTruncated           bool
			NextContinuationToken string
		}
		q := sinaQuery("!list-type", "2", "prefix", o.Prefix, "delimiter", o.Delimiter, "start-after", o.StartAfter,
			"continuation-token", o.ContinuationToken, "max-keys", strconv.Itoa(max))
		if _, err := decode(ctx, s.x, sinaclient.Request{Method: http.MethodGet, Bucket: bucket, Query: q}, &out); err != nil {
			return page, err
		}
		for _, c := range out.Contents {
			page.Objects = append(page.Objects, conformance.ObjectSummary{Key: c.Key, Size: c.Size, ETag: unquoteETag(c.ETag)})
		}
		for _, p := range out.CommonPrefixes {
			page.CommonPrefixes = append(page.CommonPrefixes, p.Prefix)
		}
		page.IsTruncated, page.NextContinuationToken = out.IsTruncated, out.NextContinuationToken
		return page, nil
	}
	l, err := s.c.ListObjects(ctx, bucket, sinaclient.ListOptions{Prefix: o.Prefix, Delimiter: o.Delimiter, Marker: o.Marker, MaxKeys: max})
	if err != nil {
		return page, err
	}
	for _, c := range l.Contents {
		page.Objects = append(page.Objects, conformance.ObjectSummary{Key: c.Name, Size: c.Size, ETag: c.MD5})
	}
	for _, p := range l.CommonPrefixes {
		page.CommonPrefixes = append(page.CommonPrefixes, p.Prefix)
	}
	page.IsTruncated = l.IsTruncated
	if l.NextMarker != nil {
		page.NextMarker = *l.NextMarker
	}
	return page, nil
}

func (s *sinaSubject) CreateMultipart(ctx context.Context, bucket, key string, o conformance.PutOptions) (string, error) {
	h := putHeaders(conformance.PutOptions{ContentType: o.ContentType, CacheControl: o.CacheControl, ContentDisposition: o.ContentDisposition,
		Metadata: o.Metadata, Tags: o.Tags, StorageClass: o.StorageClass})
	return s.c.InitiateMultipart(ctx, bucket, key, h)
}

func (s *sinaSubject) UploadPart(ctx context.Context, bucket, key, uploadID string, n int, body io.Reader, size int64) (string, error) {
	q := url.Values{"uploadId": {uploadID}, "partNumber": {strconv.Itoa(n)}}
	h, err := do(ctx, s.c, sinaclient.Request{Method: http.MethodPut, Bucket: bucket, Key: key, Query: q, Body: body, Size: size})
	return unquoteETag(sinaHeader(h, "ETag")), err
}

func (s *sinaSubject) UploadPartCopy(ctx context.Context, bucket, key, uploadID string, n int, srcBucket, srcKey, rangeHeader string) (string, error) {
	q := url.Values{"uploadId": {uploadID}, "partNumber": {strconv.Itoa(n)}}
	h := http.Header{"X-Amz-Copy-Source": {url.PathEscape("/" + srcBucket + "/" + srcKey)}}
	if rangeHeader != "" {
		h.Set("x-amz-copy-source-range", rangeHeader)
	}
	var out struct{ ETag string }
	_, err := decode(ctx, s.x, sinaclient.Request{Method: http.MethodPut, Bucket: bucket, Key: key, Query: q, Header: h}, &out)
	return unquoteETag(out.ETag), err
}

func (s *sinaSubject) ListParts(ctx context.Context, bucket, key, uploadID string, o conformance.ListPartsOptions) (conformance.PartsPage, error) {
	var page conformance.PartsPage
	q := url.Values{"uploadId": {uploadID}}
	if o.PartNumberMarker > 0 {
		q.Set("part-number-marker", strconv.Itoa(o.PartNumberMarker))
	}
	if o.MaxParts > 0 {
		q.Set("max-parts", strconv.Itoa(o.MaxParts))
	}
	var out struct {
		Parts []struct {
			PartNumber int
			ETag       string
			Size       int64
		} `xml:"Part"`
		IsTruncated          bool
		NextPartNumberMarker int
	}
	if _, err := decode(ctx, s.x, sinaclient.Request{Method: http.MethodGet, Bucket: bucket, Key: key, Query: q}, &out); err != nil {
		return page, err
	}
	for _, p := range out.Parts {
		page.Parts = append(page.Parts, conformance.PartSummary{PartNumber: p.PartNumber, ETag: unquoteETag(p.ETag), Size: p.Size})
	}
	page.IsTruncated, page.NextPartNumberMarker = out.IsTruncated, out.NextPartNumberMarker
	return page, nil
}

func (s *sinaSubject) ListUploads(ctx context.Context, bucket string, o conformance.ListUploadsOptions) (conformance.UploadsPage, error) {
	var page conformance.UploadsPage
	q := sinaQuery("!uploads", "", "prefix", o.Prefix, "delimiter", o.Delimiter, "key-marker", o.KeyMarker, "upload-id-marker", o.UploadIDMarker)
	if o.MaxUploads > 0 {
		q.Set("max-uploads", strconv.Itoa(o.MaxUploads))
	}
	var out struct {
		Uploads []struct {
			Key      string
			UploadID string `xml:"UploadId"`
		} `xml:"Upload"`
		CommonPrefixes     []struct{ Prefix string }
		IsTruncated        bool
		NextKeyMarker      string
		NextUploadIDMarker string `xml:"NextUploadIdMarker"`
	}
	if _, err := decode(ctx, s.x, sinaclient.Request{Method: http.MethodGet, Bucket: bucket, Query: q}, &out); err != nil {
		return page, err
	}
	for _, u := range out.Uploads {
		page.Uploads = append(page.Uploads, conformance.UploadSummary{Key: u.Key, UploadID: u.UploadID})
	}
	for _, p := range out.CommonPrefixes {
		page.CommonPrefixes = append(page.CommonPrefixes, p.Prefix)
	}
	page.IsTruncated, page.NextKeyMarker, page.NextUploadIDMarker = out.IsTruncated, out.NextKeyMarker, out.NextUploadIDMarker
	return page, nil
}

func (s *sinaSubject) CompleteMultipart(ctx context.Context, bucket, key, uploadID string, parts []conformance.CompletedPart, o conformance.CompleteOptions) (string, error) {
	type part struct {
		PartNumber int    `json:"PartNumber"`
		ETag       string `json:"ETag"`
	}
	list := make([]part, len(parts))
	for i, p := range parts {
		list[i] = part{p.PartNumber, p.ETag}
	}
	b, err := json.Marshal(list)
	if err != nil {
		return "", err
	}
	h := http.Header{"Content-Type": {"text/json"}}
	if o.IfNoneMatch != "" {
		h.Set("If-None-Match", quoteETag(o.IfNoneMatch))
	}
	if o.IfMatch != "" {
		h.Set("If-Match", quoteETag(o.IfMatch))
	}
	var out struct{ ETag string }
	_, err = decode(ctx, s.c, sinaclient.Request{Method: http.MethodPost, Bucket: bucket, Key: key, Query: url.Values{"uploadId": {uploadID}},
		Header: h, Body: bytes.NewReader(b), Size: int64(len(b))}, &out)
	return out.ETag, err
}

func (s *sinaSubject) AbortMultipart(ctx context.Context, bucket, key, uploadID string) error {
	_, err := do(ctx, s.c, sinaclient.Request{Method: http.MethodDelete, Bucket: bucket, Key: key, Query: url.Values{"uploadId": {uploadID}}})
	return err
}

type xmlTagging struct {
	XMLName xml.Name `xml:"Tagging"`
	Tags    []struct {
		Key   string `xml:"Key"`
		Value string `xml:"Value"`
	} `xml:"TagSet>Tag"`
}

func (s *sinaSubject) tags(ctx context.Context, bucket, key string) ([]conformance.Tag, error) {
	var out xmlTagging
	_, err := decode(ctx, s.x, sinaclient.Request{Method: http.MethodGet, Bucket: bucket, Key: key, Query: url.Values{"tagging": {""}}, Signed: []string{"tagging"}}, &out)
	if err != nil {
		return nil, err
	}
	var tags []conformance.Tag
	for _, t := range out.Tags {
		tags = append(tags, conformance.Tag{Key: t.Key, Value: t.Value})
	}
	return tags, nil
}

func (s *sinaSubject) setTags(ctx context.Context, bucket, key string, tags []conformance.Tag) error {
	var doc xmlTagging
	for _, t := range tags {
		doc.Tags = append(doc.Tags, struct {
			Key   string `xml:"Key"`
			Value string `xml:"Value"`
		}{t.Key, t.Value})
	}
	r, err := xmlBody(doc)
	if err != nil {
		return err
	}
	r.Method, r.Bucket, r.Key, r.Query, r.Signed = http.MethodPut, bucket, key, url.Values{"tagging": {""}}, []string{"tagging"}
	_, err = do(ctx, s.x, r)
	return err
}

func (s *sinaSubject) deleteTags(ctx context.Context, bucket, key string) error {
	_, err := do(ctx, s.x, sinaclient.Request{Method: http.MethodDelete, Bucket: bucket, Key: key, Query: url.Values{"tagging": {""}}, Signed: []string{"tagging"}})
	return err
}

func (s *sinaSubject) ObjectTags(ctx context.Context, bucket, key string) ([]conformance.Tag, error) {
	return s.tags(ctx, bucket, key)
}

func (s *sinaSubject) SetObjectTags(ctx context.Context, bucket, key string, tags []conformance.Tag) error {
	return s.setTags(ctx, bucket, key, tags)
}

func (s *sinaSubject) DeleteObjectTags(ctx context.Context, bucket, key string) error {
	return s.deleteTags(ctx, bucket, key)
}

func (s *sinaSubject) BucketTags(ctx context.Context, bucket string) ([]conformance.Tag, error) {
	tags, err := s.tags(ctx, bucket, "")
	if s.ErrorCode(err) == "NoSuchTagSet" {
		return nil, nil
	}
	return tags, err
}

func (s *sinaSubject) SetBucketTags(ctx context.Context, bucket string, tags []conformance.Tag) error {
	return s.setTags(ctx, bucket, "", tags)
}

func (s *sinaSubject) DeleteBucketTags(ctx context.Context, bucket string) error {
	return s.deleteTags(ctx, bucket, "")
}

// sinaCanned names the canned ACL an SCS grant map amounts to (the owner
// holds every permission in each).
func sinaCanned(a sinaclient.ACL) string {
	anon, auth := a.ACL["GRPS000000ANONYMOUSE"], a.ACL["GRPS0000000CANONICAL"]
	others := 0
	for id, perms := range a.ACL {
		if id != a.Owner && !strings.HasPrefix(id, "GRPS") && len(perms) > 0 {
			others++
		}
	}
	switch {
	case others > 0:
		return "other"
	case slices.Equal(anon, []string{"read", "write"}) && len(auth) == 0:
		return "public-read-write"
	case slices.Equal(anon, []string{"read"}) && len(auth) == 0:
		return "public-read"
	case len(anon) == 0 && slices.Equal(auth, []string{"read"}):
		return "authenticated-read"
	case len(anon) == 0 && len(auth) == 0:
		return "private"
	}
	return "other"
}

func (s *sinaSubject) ObjectACL(ctx context.Context, bucket, key string) (string, error) {
	a, err := s.c.GetACL(ctx, bucket, key)
	return sinaCanned(a), err
}

func (s *sinaSubject) SetObjectACL(ctx context.Context, bucket, key, canned string) error {
	return s.c.PutCannedACL(ctx, bucket, key, canned)
}

func (s *sinaSubject) BucketACL(ctx context.Context, bucket string) (string, error) {
	a, err := s.c.GetACL(ctx, bucket, "")
	return sinaCanned(a), err
}

func (s *sinaSubject) SetBucketACL(ctx context.Context, bucket, canned string) error {
	return s.c.PutCannedACL(ctx, bucket, "", canned)
}
