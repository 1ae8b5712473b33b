package conformance_test

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/osslite/osslite/internal/conformance"
)

// TestOSS runs the suite through alibabacloud-oss-go-sdk-v2 (signature v4,
// CRC64 checks on) against the fake's OSS dialect.
func TestOSS(t *testing.T) {
	conformance.RunSuite(t, func(t *testing.T) conformance.Subject {
		srv := newWireFake(t)
		srv.Clock().Advance(678 * time.Millisecond) // times with a fraction of a second
		w := &wireStore{srv: srv}
		return w.oss(w.owner())
	})
}

type ossSubject struct {
	c     *oss2.Client
	store *wireStore
	acct  account
}

func (s *ossSubject) Caps() conformance.Caps {
	return conformance.Caps{MinPartSize: 100 << 10, HexDigestETags: true, BucketTags: true, RecreateBucketSucceeds: true,
		CopySourceNotModified: true, SelfCopyAllowed: true, ResponseOverrides: true, CompleteConflictCode: "PreconditionFailed",
		Accounts: true, AnyoneSparesBucketOwner: true}
}

// ossCodes maps OSS codes to the S3 codes of the same condition.
var ossCodes = map[string]string{
	"FileAlreadyExists": "PreconditionFailed", // x-oss-forbid-overwrite, the OSS If-None-Match: *
	"InvalidDigest":     "BadDigest",
	"InvalidObjectName": "KeyTooLongError", // OSS names every bad key so
}

func (s *ossSubject) ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	if c, ok := normalised(err); ok {
		return c
	}
	var se *oss2.ServiceError
	if errors.As(err, &se) {
		if se.StatusCode == http.StatusNotModified {
			return "NotModified"
		}
		if c, ok := ossCodes[se.Code]; ok {
			return c
		}
		return se.Code
	}
	return "unclassified: " + err.Error()
}

// toOSSClass names S3 storage classes in OSS's words.
var toOSSClass = map[string]string{"STANDARD": "Standard", "STANDARD_IA": "IA", "GLACIER": "Archive", "DEEP_ARCHIVE": "ColdArchive"}

func fromOSSClass(c *string) string {
	for s3, oss := range toOSSClass {
		if oss == oss2.ToString(c) {
			return s3
		}
	}
	return "OSS " + oss2.ToString(c)
}

// forbidOverwrite returns the headers of an If-None-Match on a write: OSS
// says "*" as x-oss-forbid-overwrite: true and has no other form.
func forbidOverwrite(ifNoneMatch string) (map[string]string, error) {
	h := map[string]string{}
	switch ifNoneMatch {
	case "":
	case "*":
		h["x-oss-forbid-overwrite"] = "true"
	default:
		return nil, fmt.Errorf("conformance: OSS has no If-None-Match %q on writes", ifNoneMatch)
	}
	return h, nil
}

func ossETag(etag *string) string {
	return strings.ToLower(strings.Trim(oss2.ToString(etag), `"`))
}

func httpDate(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	return oss2.Ptr(t.UTC().Format(http.TimeFormat))
}

func (s *ossSubject) CreateBucket(ctx context.Context, bucket string) error {
	_, err := s.c.PutBucket(ctx, &oss2.PutBucketRequest{Bucket: &bucket})
	return err
}

func (s *ossSubject) DeleteBucket(ctx context.Context, bucket string) error {
	_, err := s.c.DeleteBucket(ctx, &oss2.DeleteBucketRequest{Bucket: &bucket})
	return err
}

func (s *ossSubject) HeadBucket(ctx context.Context, bucket string) error {
	_, err := s.c.GetBucketInfo(ctx, &oss2.GetBucketInfoRequest{Bucket: &bucket})
	return err
}

func (s *ossSubject) ListBuckets(ctx context.Context) ([]string, error) {
	var names []string
	p := s.c.NewListBucketsPaginator(&oss2.ListBucketsRequest{})
	for p.HasNext() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, b := range page.Buckets {
			names = append(names, oss2.ToString(b.Name))
		}
	}
	return names, nil
}

func (s *ossSubject) Put(ctx context.Context, bucket, key string, body io.Reader, size int64, o conformance.PutOptions) (string, error) {
	req := &oss2.PutObjectRequest{Bucket: &bucket, Key: &key, Body: body, ContentLength: &size,
		ContentType: optString(o.ContentType), CacheControl: optString(o.CacheControl), ContentDisposition: optString(o.ContentDisposition),
		Metadata: o.Metadata, Tagging: tagQuery(o.Tags), Acl: oss2.ObjectACLType(o.ACL), ContentMD5: b64(o.ContentMD5),
		StorageClass: oss2.StorageClassType(toOSSClass[o.StorageClass])}
	headers, err := forbidOverwrite(o.IfNoneMatch)
	if err != nil {
		return "", err
	}
	req.Headers = headers
	if o.IfMatch != "" {
		req.Headers["If-Match"] = *quote(o.IfMatch)
	}
	out, err := s.c.PutObject(ctx, req)
	if err != nil {
		return "", err
	}
	return ossETag(out.ETag), nil
}

func (s *ossSubject) Get(ctx context.Context, bucket, key string, o conformance.GetOptions) (io.ReadCloser, conformance.ObjectAttrs, error) {
	req := &oss2.GetObjectRequest{Bucket: &bucket, Key: &key, Range: optString(o.Range),
		IfMatch: quote(o.IfMatch), IfNoneMatch: quote(o.IfNoneMatch),
		IfModifiedSince: httpDate(o.IfModifiedSince), IfUnmodifiedSince: httpDate(o.IfUnmodifiedSince),
		ResponseContentType: optString(o.ResponseContentType)}
	if o.Range != "" {
		// Standard range behaviour: an unsatisfiable range is an error,
		// not the whole object (OSS's legacy default).
		req.RangeBehavior = oss2.Ptr("standard")
	}
	out, err := s.c.GetObject(ctx, req)
	if err != nil {
		return nil, conformance.ObjectAttrs{}, err
	}
	return out.Body, conformance.ObjectAttrs{
		Size: totalSize(out.ContentRange, out.ContentLength), ETag: ossETag(out.ETag),
		ContentType: oss2.ToString(out.ContentType), CacheControl: out.Headers.Get("Cache-Control"),
		ContentDisposition: out.Headers.Get("Content-Disposition"), Metadata: emptyNil(out.Metadata),
		LastModified: oss2.ToTime(out.LastModified), StorageClass: fromOSSClass(out.StorageClass),
	}, nil
}

func (s *ossSubject) Head(ctx context.Context, bucket, key string) (conformance.ObjectAttrs, error) {
	out, err := s.c.HeadObject(ctx, &oss2.HeadObjectRequest{Bucket: &bucket, Key: &key})
	if err != nil {
		return conformance.ObjectAttrs{}, err
	}
	return conformance.ObjectAttrs{
		Size: out.ContentLength, ETag: ossETag(out.ETag),
		ContentType: oss2.ToString(out.ContentType), CacheControl: out.Headers.Get("Cache-Control"),
		ContentDisposition: out.Headers.Get("Content-Disposition"), Metadata: emptyNil(out.Metadata),
		LastModified: oss2.ToTime(out.LastModified), StorageClass: fromOSSClass(out.StorageClass),
	}, nil
}

func (s *ossSubject) Delete(ctx context.Context, bucket, key string) error {
	_, err := s.c.DeleteObject(ctx, &oss2.DeleteObjectRequest{Bucket: &bucket, Key: &key})
	return err
}

func (s *ossSubject) DeleteMany(ctx context.Context, bucket string, keys []string) ([]string, error) {
	var objs []oss2.DeleteObject
	for _, k := range keys {
		objs = append(objs, oss2.DeleteObject{Key: oss2.Ptr(k)})
	}
	out, err := s.c.DeleteMultipleObjects(ctx, &oss2.DeleteMultipleObjectsRequest{Bucket: &bucket, Objects: objs})
	if err != nil {
		return nil, err
	}
	var deleted []string
	for _, d := range out.DeletedObjects {
		deleted = append(deleted, oss2.ToString(d.Key))
	}
	return deleted, nil
}

func (s *ossSubject) Copy(ctx context.Context, bucket, key string, o conformance.CopyOptions) (string, error) {
	req := &oss2.CopyObjectRequest{Bucket: &bucket, Key: &key, SourceBucket: &o.SrcBucket, SourceKey: &o.SrcKey,
		IfMatch: quote(o.Source.IfMatch), IfNoneMatch: quote(o.Source.IfNoneMatch),
		IfModifiedSince: httpDate(o.Source.IfModifiedSince), IfUnmodifiedSince: httpDate(o.Source.IfUnmodifiedSince)}
	headers, err := forbidOverwrite(o.IfNoneMatch)
	if err != nil {
		return "", err
	}
	req.Headers = headers
	if o.ReplaceMetadata {
		req.MetadataDirective = oss2.Ptr("REPLACE")
		req.ContentType = optString(o.ContentType)
		req.Metadata = o.Metadata
	}
	if o.ReplaceTags {
		req.TaggingDirective = oss2.Ptr("Replace")
		req.Tagging = tagQuery(o.Tags)
	}
	out, err := s.c.CopyObject(ctx, req)
	if err != nil {
		return "", err
	}
	return ossETag(out.ETag), nil
}

func (s *ossSubject) List(ctx context.Context, bucket string, o conformance.ListOptions) (conformance.ListPage, error) {
	var page conformance.ListPage
	var contents []oss2.ObjectProperties
	var prefixes []oss2.CommonPrefix
	if o.V2 {
		out, err := s.c.ListObjectsV2(ctx, &oss2.ListObjectsV2Request{Bucket: &bucket, Prefix: optString(o.Prefix), Delimiter: optString(o.Delimiter),
			StartAfter: optString(o.StartAfter), ContinuationToken: optString(o.ContinuationToken), MaxKeys: int32(o.MaxKeys)})
		if err != nil {
			return page, err
		}
		contents, prefixes = out.Contents, out.CommonPrefixes
		page.IsTruncated, page.NextContinuationToken = out.IsTruncated, oss2.ToString(out.NextContinuationToken)
	} else {
		out, err := s.c.ListObjects(ctx, &oss2.ListObjectsRequest{Bucket: &bucket, Prefix: optString(o.Prefix), Delimiter: optString(o.Delimiter),
			Marker: optString(o.Marker), MaxKeys: int32(o.MaxKeys)})
		if err != nil {
			return page, err
		}
		contents, prefixes = out.Contents, out.CommonPrefixes
		page.IsTruncated, page.NextMarker = out.IsTruncated, oss2.ToString(out.NextMarker)
	}
	for _, c := range contents {
		page.Objects = append(page.Objects, conformance.ObjectSummary{Key: oss2.ToString(c.Key), Size: c.Size, ETag: ossETag(c.ETag), LastModified: oss2.ToTime(c.LastModified)})
	}
	for _, p := range prefixes {
		page.CommonPrefixes = append(page.CommonPrefixes, oss2.ToString(p.Prefix))
	}
	return page, nil
}

func (s *ossSubject) CreateMultipart(ctx context.Context, bucket, key string, o conformance.PutOptions) (string, error) {
	out, err := s.c.InitiateMultipartUpload(ctx, &oss2.InitiateMultipartUploadRequest{Bucket: &bucket, Key: &key,
		ContentType: optString(o.ContentType), CacheControl: optString(o.CacheControl), ContentDisposition: optString(o.ContentDisposition),
		Metadata: o.Metadata, Tagging: tagQuery(o.Tags), StorageClass: oss2.StorageClassType(toOSSClass[o.StorageClass])})
	if err != nil {
		return "", err
	}
	return oss2.ToString(out.UploadId), nil
}

func (s *ossSubject) UploadPart(ctx context.Context, bucket, key, uploadID string, n int, body io.Reader, size int64) (string, error) {
	out, err := s.c.UploadPart(ctx, &oss2.UploadPartRequest{Bucket: &bucket, Key: &key, UploadId: &uploadID, PartNumber: int32(n),
		Body: body, ContentLength: &size})
	if err != nil {
		return "", err
	}
	return ossETag(out.ETag), nil
}

func (s *ossSubject) UploadPartCopy(ctx context.Context, bucket, key, uploadID string, n int, srcBucket, srcKey, rangeHeader string) (string, error) {
	out, err := s.c.UploadPartCopy(ctx, &oss2.UploadPartCopyRequest{Bucket: &bucket, Key: &key, UploadId: &uploadID, PartNumber: int32(n),
		SourceBucket: &srcBucket, SourceKey: &srcKey, Range: optString(rangeHeader)})
	if err != nil {
		return "", err
	}
	return ossETag(out.ETag), nil
}

func (s *ossSubject) ListParts(ctx context.Context, bucket, key, uploadID string, o conformance.ListPartsOptions) (conformance.PartsPage, error) {
	out, err := s.c.ListParts(ctx, &oss2.ListPartsRequest{Bucket: &bucket, Key: &key, UploadId: &uploadID,
		MaxParts: int32(o.MaxParts), PartNumberMarker: int32(o.PartNumberMarker)})
	if err != nil {
		return conformance.PartsPage{}, err
	}
	page := conformance.PartsPage{IsTruncated: out.IsTruncated}
	if page.IsTruncated {
		page.NextPartNumberMarker = int(out.NextPartNumberMarker)
	}
	for _, p := range out.Parts {
		page.Parts = append(page.Parts, conformance.PartSummary{PartNumber: int(p.PartNumber), ETag: ossETag(p.ETag), Size: p.Size})
	}
	return page, nil
}

// listUploadsResult is the ListMultipartUploadsResult document; the SDK's
// result type drops CommonPrefixes.
type listUploadsResult struct {
	IsTruncated        bool
	NextKeyMarker      string
	NextUploadIdMarker string
	Uploads            []struct{ Key, UploadId string } `xml:"Upload"`
	CommonPrefixes     []struct{ Prefix string }
}

// ListUploads goes through the SDK's generic InvokeOperation (signing,
// transport and error parsing are the SDK's) because its
// ListMultipartUploadsResult has no CommonPrefixes.
func (s *ossSubject) ListUploads(ctx context.Context, bucket string, o conformance.ListUploadsOptions) (conformance.UploadsPage, error) {
	params := map[string]string{"uploads": ""}
	for name, v := range map[string]string{"prefix": o.Prefix, "delimiter": o.Delimiter, "key-marker": o.KeyMarker, "upload-id-marker": o.UploadIDMarker} {
		if v != "" {
			params[name] = v
		}
	}
	if o.MaxUploads > 0 {
		params["max-uploads"] = strconv.Itoa(o.MaxUploads)
	}
	out, err := s.c.InvokeOperation(ctx, &oss2.OperationInput{OpName: "ListMultipartUploads", Method: "GET", Bucket: &bucket, Parameters: params})
	if err != nil {
		return conformance.UploadsPage{}, err
	}
	defer out.Body.Close()
	var res listUploadsResult
	if err := xml.NewDecoder(out.Body).Decode(&res); err != nil {
		return conformance.UploadsPage{}, err
	}
	page := conformance.UploadsPage{IsTruncated: res.IsTruncated, NextKeyMarker: res.NextKeyMarker, NextUploadIDMarker: res.NextUploadIdMarker}
	for _, u := range res.Uploads {
		page.Uploads = append(page.Uploads, conformance.UploadSummary{Key: u.Key, UploadID: u.UploadId})
	}
	for _, p := range res.CommonPrefixes {
		page.CommonPrefixes = append(page.CommonPrefixes, p.Prefix)
	}
	return page, nil
}

type completeDoc struct {
	XMLName xml.Name `xml:"CompleteMultipartUpload"`
	Parts   []struct {
		PartNumber int
		ETag       string
	} `xml:"Part"`
}

// CompleteMultipart sends the document through InvokeOperation: the SDK's
// CompleteMultipartUpload sorts the parts, and the suite checks the
// server's answer to parts out of order.
func (s *ossSubject) CompleteMultipart(ctx context.Context, bucket, key, uploadID string, parts []conformance.CompletedPart, o conformance.CompleteOptions) (string, error) {
	headers, err := forbidOverwrite(o.IfNoneMatch)
	if err != nil {
		return "", err
	}
	if o.IfMatch != "" {
		headers["If-Match"] = *quote(o.IfMatch)
	}
	var doc completeDoc
	for _, p := range parts {
		doc.Parts = append(doc.Parts, struct {
			PartNumber int
			ETag       string
		}{p.PartNumber, `"` + strings.ToUpper(p.ETag) + `"`})
	}
	body, err := xml.Marshal(doc)
	if err != nil {
		return "", err
	}
	out, err := s.c.InvokeOperation(ctx, &oss2.OperationInput{OpName: "CompleteMultipartUpload", Method: "POST", Bucket: &bucket, Key: &key,
		Headers: headers, Parameters: map[string]string{"uploadId": uploadID}, Body: strings.NewReader(string(body))})
	if err != nil {
		return "", err
	}
	defer out.Body.Close()
	var res struct{ ETag string }
	if err := xml.NewDecoder(out.Body).Decode(&res); err != nil {
		return "", err
	}
	return ossETag(&res.ETag), nil
}

func (s *ossSubject) AbortMultipart(ctx context.Context, bucket, key, uploadID string) error {
	_, err := s.c.AbortMultipartUpload(ctx, &oss2.AbortMultipartUploadRequest{Bucket: &bucket, Key: &key, UploadId: &uploadID})
	return err
}

func toOSSTags(tags []conformance.Tag) *oss2.Tagging {
	ts := &oss2.TagSet{Tags: []oss2.Tag{}}
	for _, t := range tags {
		ts.Tags = append(ts.Tags, oss2.Tag{Key: oss2.Ptr(t.Key), Value: oss2.Ptr(t.Value)})
	}
	return &oss2.Tagging{TagSet: ts}
}

func fromOSSTags(tags []oss2.Tag) []conformance.Tag {
	var out []conformance.Tag
	for _, t := range tags {
		out = append(out, conformance.Tag{Key: oss2.ToString(t.Key), Value: oss2.ToString(t.Value)})
	}
	return out
}

func (s *ossSubject) ObjectTags(ctx context.Context, bucket, key string) ([]conformance.Tag, error) {
	out, err := s.c.GetObjectTagging(ctx, &oss2.GetObjectTaggingRequest{Bucket: &bucket, Key: &key})
	if err != nil {
		return nil, err
	}
	return fromOSSTags(out.Tags), nil
}

func (s *ossSubject) SetObjectTags(ctx context.Context, bucket, key string, tags []conformance.Tag) error {
	_, err := s.c.PutObjectTagging(ctx, &oss2.PutObjectTaggingRequest{Bucket: &bucket, Key: &key, Tagging: toOSSTags(tags)})
	return err
}

func (s *ossSubject) DeleteObjectTags(ctx context.Context, bucket, key string) error {
	_, err := s.c.DeleteObjectTagging(ctx, &oss2.DeleteObjectTaggingRequest{Bucket: &bucket, Key: &key})
	return err
}

func (s *ossSubject) BucketTags(ctx context.Context, bucket string) ([]conformance.Tag, error) {
	out, err := s.c.GetBucketTags(ctx, &oss2.GetBucketTagsRequest{Bucket: &bucket})
	if err != nil {
		return nil, err
	}
	if out.Tagging == nil || out.Tagging.TagSet == nil {
		return nil, nil
	}
	return fromOSSTags(out.Tagging.TagSet.Tags), nil
}

func (s *ossSubject) SetBucketTags(ctx context.Context, bucket string, tags []conformance.Tag) error {
	_, err := s.c.PutBucketTags(ctx, &oss2.PutBucketTagsRequest{Bucket: &bucket, Tagging: toOSSTags(tags)})
	return err
}

func (s *ossSubject) DeleteBucketTags(ctx context.Context, bucket string) error {
	_, err := s.c.DeleteBucketTags(ctx, &oss2.DeleteBucketTagsRequest{Bucket: &bucket})
	return err
}

func (s *ossSubject) ObjectACL(ctx context.Context, bucket, key string) (string, error) {
	out, err := s.c.GetObjectAcl(ctx, &oss2.GetObjectAclRequest{Bucket: &bucket, Key: &key})
	if err != nil {
		return "", err
	}
	return oss2.ToString(out.ACL), nil
}

func (s *ossSubject) SetObjectACL(ctx context.Context, bucket, key, canned string) error {
	_, err := s.c.PutObjectAcl(ctx, &oss2.PutObjectAclRequest{Bucket: &bucket, Key: &key, Acl: oss2.ObjectACLType(canned)})
	return err
}

func (s *ossSubject) BucketACL(ctx context.Context, bucket string) (string, error) {
	out, err := s.c.GetBucketAcl(ctx, &oss2.GetBucketAclRequest{Bucket: &bucket})
	if err != nil {
		return "", err
	}
	return oss2.ToString(out.ACL), nil
}

var _ conformance.PublicAccessBlocker = (*ossSubject)(nil)

var _ conformance.Accelerator = (*ossSubject)(nil)

func (s *ossSubject) SetAcceleration(ctx context.Context, bucket string, on bool) error {
	_, err := s.c.PutBucketTransferAcceleration(ctx, &oss2.PutBucketTransferAccelerationRequest{Bucket: &bucket,
		TransferAccelerationConfiguration: &oss2.TransferAccelerationConfiguration{Enabled: &on}})
	return err
}

func (s *ossSubject) Acceleration(ctx context.Context, bucket string) (on, set bool, err error) {
	out, err := s.c.GetBucketTransferAcceleration(ctx, &oss2.GetBucketTransferAccelerationRequest{Bucket: &bucket})
	var se *oss2.ServiceError
	if errors.As(err, &se) && se.Code == "NoSuchTransferAccelerationConfiguration" {
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	return oss2.ToBool(out.TransferAccelerationConfiguration.Enabled), true, nil
}

func (s *ossSubject) BlockPublicAccess(ctx context.Context, bucket string, on bool) error {
	_, err := s.c.PutBucketPublicAccessBlock(ctx, &oss2.PutBucketPublicAccessBlockRequest{Bucket: &bucket,
		PublicAccessBlockConfiguration: &oss2.PublicAccessBlockConfiguration{BlockPublicAccess: &on}})
	return err
}

func (s *ossSubject) SetBucketACL(ctx context.Context, bucket, canned string) error {
	_, err := s.c.PutBucketAcl(ctx, &oss2.PutBucketAclRequest{Bucket: &bucket, Acl: oss2.BucketACLType(canned)})
	return err
}
