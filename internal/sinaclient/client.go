// Package sinaclient is a small Sina Cloud Storage (SCS) client for
// osslite's tests. It signs requests as the vendor SDKs do (pkg/ssig:
// "Authorization: SINA <key>:<ssig>" with a Date one hour ahead, the
// Python SDK's way of using Date as an expiry), addresses buckets path
// style with keys escaped like the Python SDK (quote(key, "/")), asks for
// JSON (formatter=json) and turns non-2xx answers into *Error.
package sinaclient

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/osslite/osslite/pkg/ssig"
)

// Client talks to one SCS endpoint.
type Client struct {
	// Endpoint is the base URL, e.g. "http://127.0.0.1:9000".
	Endpoint             string
	AccessKey, SecretKey string
	// HTTP is the client used (default http.DefaultClient).
	HTTP *http.Client
	// Now is the clock the Date header is computed from (default
	// time.Now); Date is Now plus one hour.
	Now func() time.Time
	// XML drops formatter=json from requests (documents come back as XML).
	XML bool
	// Anonymous sends requests unsigned.
	Anonymous bool
}

// Error is a non-2xx answer.
type Error struct {
	Status    int
	Code      string // X-Error-Code, else the status number
	Message   string // from the JSON body
	RequestID string
}

func (e *Error) Error() string {
	return fmt.Sprintf("sinaclient: %d %s: %s (request %s)", e.Status, e.Code, e.Message, e.RequestID)
}

// ErrorCode returns the code of an *Error, or "".
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// EscapeKey escapes a key for the path the way the Python SDK does:
// every byte but unreserved characters and "/" is percent-encoded.
func EscapeKey(key string) string {
	return strings.ReplaceAll(url.PathEscape(key), "%2F", "/")
}

func (c *Client) now() time.Time {
	now := c.Now
	if now == nil {
		now = time.Now
	}
	return now()
}

// Request describes one call.
type Request struct {
	Method      string
	Bucket, Key string
	// Query holds sub-resources and parameters (formatter is added).
	Query  url.Values
	Header http.Header
	Body   io.Reader
	Size   int64 // body length (0 with no body)
	// Signed names query parameters outside the SCS sub-resource list
	// that the request must sign (osslite's S3 extras: tagging, delete).
	Signed []string
}

// Do sends r signed and returns the response; a non-2xx status is an
// *Error (the body is read and closed).
func (c *Client) Do(ctx context.Context, r Request) (*http.Response, error) {
	esc := ""
	path := "/"
	if r.Bucket != "" {
		esc = EscapeKey(r.Key)
		path = "/" + r.Bucket + "/" + esc
	}
	q := url.Values{}
	for k, vs := range r.Query {
		q[k] = vs
	}
	if !c.XML {
		q.Set("formatter", "json")
	}
	u := strings.TrimSuffix(c.Endpoint, "/") + path
	if enc := encodeQuery(q); enc != "" {
		u += "?" + enc
	}
	body := r.Body
	if body == nil {
		body = http.NoBody
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, u, body)
	if err != nil {
		return nil, err
	}
	req.ContentLength = r.Size
	if r.Body == nil {
		req.ContentLength = 0
	}
	for k, vs := range r.Header {
		req.Header[http.CanonicalHeaderKey(k)] = vs
	}
	if !c.Anonymous {
		ssig.SignRequest(req, ssig.Resource{Bucket: r.Bucket, EscapedKey: esc, Extra: r.Signed}, c.AccessKey, c.SecretKey, c.now().Add(time.Hour))
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 || resp.StatusCode == http.StatusNotModified {
		return resp, nil
	}
	defer resp.Body.Close()
	e := &Error{Status: resp.StatusCode, Code: resp.Header.Get("X-Error-Code"), RequestID: resp.Header.Get("X-RequestId")}
	if e.Code == "" {
		e.Code = strconv.Itoa(resp.StatusCode)
	}
	var doc struct{ Message string }
	if json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&doc) == nil {
		e.Message = doc.Message
	}
	return nil, e
}

// encodeQuery writes value-less parameters bare ("?acl", not "?acl=").
func encodeQuery(q url.Values) string {
	var parts []string
	for k, vs := range q {
		for _, v := range vs {
			if v == "" {
				parts = append(parts, url.QueryEscape(k))
			} else {
				parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(v))
			}
		}
	}
	slicesSort(parts)
	return strings.Join(parts, "&")
}

func slicesSort(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// doJSON sends r and decodes a JSON answer into out (nil: discard).
func (c *Client) doJSON(ctx context.Context, r Request, out any) (http.Header, error) {
	resp, err := c.Do(ctx, r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if out == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		return resp.Header, err
	}
	return resp.Header, json.NewDecoder(resp.Body).Decode(out)
}

func sub(names ...string) url.Values {
	q := url.Values{}
	for _, n := range names {
		q.Set(n, "")
	}
	return q
}

// etagOf returns the ETag header without quotes.
func etagOf(h http.Header) string { return strings.Trim(h.Get("ETag"), `"`) }

// PutBucket creates a bucket; acl is a canned ACL or "".
func (c *Client) PutBucket(ctx context.Context, bucket, acl string) error {
	h := http.Header{}
	if acl != "" {
		h.Set("x-amz-acl", acl)
	}
	_, err := c.doJSON(ctx, Request{Method: http.MethodPut, Bucket: bucket, Header: h}, nil)
	return err
}

// DeleteBucket deletes an empty bucket.
func (c *Client) DeleteBucket(ctx context.Context, bucket string) error {
	_, err := c.doJSON(ctx, Request{Method: http.MethodDelete, Bucket: bucket}, nil)
	return err
}

// BucketList is the GET Service document.
type BucketList struct {
	Owner   struct{ ID string }
	Buckets []struct {
		ConsumedBytes int64
		CreationDate  string
		Name          string
	}
}

// ListBuckets is GET Service.
func (c *Client) ListBuckets(ctx context.Context) (BucketList, error) {
	var out BucketList
	_, err := c.doJSON(ctx, Request{Method: http.MethodGet}, &out)
	return out, err
}

// ListEntry is one object of a listing.
type ListEntry struct {
	SHA1           *string `json:"SHA1"`
	Name           string  `json:"Name"`
	ExpirationTime *string `json:"Expiration-Time"`
	LastModified   string  `json:"Last-Modified"`
	Owner          string  `json:"Owner"`
	MD5            string  `json:"MD5"`
	ContentType    string  `json:"Content-Type"`
	Size           int64   `json:"Size"`
}

// ListResult is the GET Bucket document.
type ListResult struct {
	Delimiter              *string
	Prefix                 *string
	CommonPrefixes         []struct{ Prefix string }
	Marker                 *string
	ContentsQuantity       int
	CommonPrefixesQuantity int
	NextMarker             *string
	IsTruncated            bool
	Contents               []ListEntry
}

// ListOptions are the GET Bucket parameters ("" / 0: absent).
type ListOptions struct {
	Prefix, Delimiter, Marker string
	MaxKeys                   int
}

// ListObjects is GET Bucket.
func (c *Client) ListObjects(ctx context.Context, bucket string, o ListOptions) (ListResult, error) {
	q := url.Values{}
	for k, v := range map[string]string{"prefix": o.Prefix, "delimiter": o.Delimiter, "marker": o.Marker} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if o.MaxKeys > 0 {
		q.Set("max-keys", strconv.Itoa(o.MaxKeys))
	}
	var out ListResult
	_, err := c.doJSON(ctx, Request{Method: http.MethodGet, Bucket: bucket, Query: q}, &out)
	return out, err
}

// PutObject uploads data (with headers h, may be nil) and returns the ETag.
func (c *Client) PutObject(ctx context.Context, bucket, key string, body io.Reader, size int64, h http.Header) (string, error) {
	hdr, err := c.doJSON(ctx, Request{Method: http.MethodPut, Bucket: bucket, Key: key, Header: h, Body: body, Size: size}, nil)
	return etagOf(hdr), err
}

// GetObject opens an object (h: Range, conditions; may be nil).
func (c *Client) GetObject(ctx context.Context, bucket, key string, h http.Header) (*http.Response, error) {
	return c.Do(ctx, Request{Method: http.MethodGet, Bucket: bucket, Key: key, Header: h})
}

// HeadObject returns an object's headers.
func (c *Client) HeadObject(ctx context.Context, bucket, key string) (http.Header, error) {
	return c.doJSON(ctx, Request{Method: http.MethodHead, Bucket: bucket, Key: key}, nil)
}

// DeleteObject deletes a key (404 NoSuchKey when missing).
func (c *Client) DeleteObject(ctx context.Context, bucket, key string) error {
	_, err := c.doJSON(ctx, Request{Method: http.MethodDelete, Bucket: bucket, Key: key}, nil)
	return err
}

// CopyObject copies srcBucket/srcKey to bucket/key (h may carry
// x-amz-metadata-directive and metadata) and returns the new ETag.
func (c *Client) CopyObject(ctx context.Context, bucket, key, srcBucket, srcKey string, h http.Header) (string, error) {
	if h == nil {
		h = http.Header{}
	}
	h.Set("x-amz-copy-source", url.PathEscape("/"+srcBucket+"/"+srcKey))
	var out struct{ ETag string }
	_, err := c.doJSON(ctx, Request{Method: http.MethodPut, Bucket: bucket, Key: key, Header: h}, &out)
	return out.ETag, err
}

// Relax is PUT Object - Relax: bucket/key from stored content with SHA-1
// sha1hex and size; returns the ETag.
func (c *Client) Relax(ctx context.Context, bucket, key, sha1hex string, size int64, h http.Header) (string, error) {
	if h == nil {
		h = http.Header{}
	}
	h.Set("s-sina-sha1", sha1hex)
	h.Set("s-sina-length", strconv.FormatInt(size, 10))
	hdr, err := c.doJSON(ctx, Request{Method: http.MethodPut, Bucket: bucket, Key: key, Query: sub("relax"), Header: h}, nil)
	return etagOf(hdr), err
}

// PutMeta is PUT Object - Meta.
func (c *Client) PutMeta(ctx context.Context, bucket, key string, h http.Header) error {
	_, err := c.doJSON(ctx, Request{Method: http.MethodPut, Bucket: bucket, Key: key, Query: sub("meta"), Header: h}, nil)
	return err
}

// ObjectMeta is the GET Object - Meta document.
type ObjectMeta struct {
	Info         *string           `json:"Info"`
	FileName     string            `json:"File-Name"`
	InfoInt      *int64            `json:"Info-Int"`
	ContentMD5   *string           `json:"Content-MD5"`
	LastModified string            `json:"Last-Modified"`
	ContentSHA1  *string           `json:"Content-SHA1"`
	Owner        string            `json:"Owner"`
	Type         string            `json:"Type"`
	FileMeta     map[string]string `json:"File-Meta"`
	Size         int64             `json:"Size"`
}

// GetMeta is GET Object - Meta.
func (c *Client) GetMeta(ctx context.Context, bucket, key string) (ObjectMeta, error) {
	var out ObjectMeta
	_, err := c.doJSON(ctx, Request{Method: http.MethodGet, Bucket: bucket, Key: key, Query: sub("meta")}, &out)
	return out, err
}

// BucketMeta is GET Bucket - Meta (the fields tests read).
type BucketMeta struct {
	Project     string
	Owner       string
	Capacity    int64
	Quantity    int64
	ACL         map[string][]string
	RelaxUpload bool
}

// GetBucketMeta is GET Bucket - Meta.
func (c *Client) GetBucketMeta(ctx context.Context, bucket string) (BucketMeta, error) {
	var out BucketMeta
	_, err := c.doJSON(ctx, Request{Method: http.MethodGet, Bucket: bucket, Query: sub("meta")}, &out)
	return out, err
}

// ACL is an ACL document: grantee ID -> permissions.
type ACL struct {
	Owner string
	ACL   map[string][]string
}

// GetACL reads the ACL of a bucket (key "") or object.
func (c *Client) GetACL(ctx context.Context, bucket, key string) (ACL, error) {
	var out ACL
	_, err := c.doJSON(ctx, Request{Method: http.MethodGet, Bucket: bucket, Key: key, Query: sub("acl")}, &out)
	return out, err
}

// PutACL replaces the ACL of a bucket (key "") or object with grants.
func (c *Client) PutACL(ctx context.Context, bucket, key string, grants map[string][]string) error {
	b, err := json.Marshal(grants)
	if err != nil {
		return err
	}
	h := http.Header{"Content-Type": {"text/json"}}
	_, err = c.doJSON(ctx, Request{Method: http.MethodPut, Bucket: bucket, Key: key, Query: sub("acl"), Header: h, Body: bytes.NewReader(b), Size: int64(len(b))}, nil)
	return err
}

// PutCannedACL sets a canned ACL (x-amz-acl) on a bucket (key "") or object.
func (c *Client) PutCannedACL(ctx context.Context, bucket, key, canned string) error {
	_, err := c.doJSON(ctx, Request{Method: http.MethodPut, Bucket: bucket, Key: key, Query: sub("acl"), Header: http.Header{"X-Amz-Acl": {canned}}}, nil)
	return err
}

// InitiateMultipart is POST ?multipart; returns the upload ID.
func (c *Client) InitiateMultipart(ctx context.Context, bucket, key string, h http.Header) (string, error) {
	var out struct{ Bucket, Key, UploadId string }
	_, err := c.doJSON(ctx, Request{Method: http.MethodPost, Bucket: bucket, Key: key, Query: sub("multipart"), Header: h}, &out)
	return out.UploadId, err
}

// UploadPart uploads part n and returns its ETag (the part's MD5 hex).
func (c *Client) UploadPart(ctx context.Context, bucket, key, uploadID string, n int, data []byte) (string, error) {
	q := url.Values{"uploadId": {uploadID}, "partNumber": {strconv.Itoa(n)}}
	sum := md5.Sum(data)
	hdr, err := c.doJSON(ctx, Request{Method: http.MethodPut, Bucket: bucket, Key: key, Query: q, Body: bytes.NewReader(data), Size: int64(len(data))}, nil)
	if err != nil {
		return "", err
	}
	if etagOf(hdr) != hex.EncodeToString(sum[:]) {
		return "", fmt.Errorf("sinaclient: part ETag %s is not the part's MD5", hdr.Get("ETag"))
	}
	return etagOf(hdr), nil
}

// Part is one part of a Complete request or a List Parts answer.
type Part struct {
	PartNumber   int    `json:"PartNumber"`
	ETag         string `json:"ETag"`
	LastModified string `json:"Last-Modified,omitempty"`
	Size         int64  `json:"Size,omitempty"`
}

// CompleteMultipart sends the JSON part list; returns the object's ETag
// from the JSON body and the response headers.
func (c *Client) CompleteMultipart(ctx context.Context, bucket, key, uploadID string, parts []Part) (string, http.Header, error) {
	type cp struct {
		PartNumber int    `json:"PartNumber"`
		ETag       string `json:"ETag"`
	}
	list := make([]cp, len(parts))
	for i, p := range parts {
		list[i] = cp{p.PartNumber, p.ETag}
	}
	b, err := json.Marshal(list)
	if err != nil {
		return "", nil, err
	}
	var out struct{ ETag string }
	h, err := c.doJSON(ctx, Request{Method: http.MethodPost, Bucket: bucket, Key: key, Query: url.Values{"uploadId": {uploadID}},
		Header: http.Header{"Content-Type": {"text/json"}}, Body: bytes.NewReader(b), Size: int64(len(b))}, &out)
	return out.ETag, h, err
}

// ListParts is GET ?uploadId.
func (c *Client) ListParts(ctx context.Context, bucket, key, uploadID string) ([]Part, error) {
	var out struct{ Parts []Part }
	_, err := c.doJSON(ctx, Request{Method: http.MethodGet, Bucket: bucket, Key: key, Query: url.Values{"uploadId": {uploadID}}}, &out)
	return out.Parts, err
}

// PresignOptions are the optional parts of a presigned URL; the zero
// value adds nothing.
type PresignOptions struct {
	// FileName, when set, is sent as fn (not signed, spec 2.4): the name
	// the download is saved as (Content-Disposition: attachment).
	FileName string
}

// PresignURL returns a GET URL for bucket/key signed in the query (KID,
// Expires, ssig) valid until expires.
func (c *Client) PresignURL(bucket, key string, expires time.Time) string {
	return c.PresignURLWith(bucket, key, expires, PresignOptions{})
}

// PresignURLWith is PresignURL with options.
func (c *Client) PresignURLWith(bucket, key string, expires time.Time, o PresignOptions) string {
	esc := EscapeKey(key)
	q := ssig.PresignQuery(http.MethodGet, ssig.Resource{Bucket: bucket, EscapedKey: esc}, nil, nil, c.AccessKey, c.SecretKey, expires)
	if o.FileName != "" {
		q.Set("fn", o.FileName)
	}
	return strings.TrimSuffix(c.Endpoint, "/") + "/" + bucket + "/" + esc + "?" + q.Encode()
}
