package conformance_test

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/internal/conformance"
)

// TestS3 runs the suite through aws-sdk-go-v2 (default checksum settings,
// path style) against the fake's S3 dialect.
func TestS3(t *testing.T) {
	conformance.RunSuite(t, func(t *testing.T) conformance.Subject {
		srv := newWireFake(t)
		srv.Clock().Advance(678 * time.Millisecond) // times with a fraction of a second
		w := &wireStore{srv: srv}
		return w.s3(w.owner())
	})
}

type s3Subject struct {
	c     *s3.Client
	store *wireStore
	acct  account
}

func (s *s3Subject) Caps() conformance.Caps {
	return conformance.Caps{MinPartSize: engine.DefaultMinPartSize, FutureModifiedSinceIgnored: true, CopyMakesOnePart: true, TooManyTagsCode: "BadRequest", DeleteBucketDropsUploads: true, BucketTags: true, ResponseOverrides: true, PartNumberReads: true,
		PartCopyBadRange: "InvalidRequest", RecreateBucketSucceeds: true, NullVersionWriteUnnamed: true,
		AbortRepeatable: true, Accounts: true, WriterKeepsObjects: true}
}

func (s *s3Subject) ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	if c, ok := normalised(err); ok {
		return c
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotModified {
		return "NotModified"
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return "unclassified: " + err.Error()
}

// quote makes an ETag header value of an unquoted ETag ("*" stays).
func quote(etag string) *string {
	if etag == "" {
		return nil
	}
	if etag == "*" {
		return aws.String(etag)
	}
	return aws.String(`"` + etag + `"`)
}

// unquote normalises a wire ETag.
func unquote(etag *string) string {
	return strings.ToLower(strings.Trim(aws.ToString(etag), `"`))
}

// b64 is the base64 of a digest, or nil.
func b64(b []byte) *string {
	if b == nil {
		return nil
	}
	return aws.String(base64.StdEncoding.EncodeToString(b))
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// tagQuery renders tags as the x-amz-tagging / x-oss-tagging header.
func tagQuery(tags []conformance.Tag) *string {
	if len(tags) == 0 {
		return nil
	}
	v := url.Values{}
	for _, t := range tags {
		v.Add(t.Key, t.Value)
	}
	return aws.String(v.Encode())
}

// copySource is the URL-encoded bucket/key of a copy source. A '+' is
// encoded too: S3 reads a raw one as a space.
func copySource(bucket, key string) *string {
	return aws.String(bucket + "/" + strings.ReplaceAll(url.PathEscape(key), "+", "%2B"))
}

// totalSize is the object size of a Content-Range header, or n.
func totalSize(contentRange *string, n int64) int64 {
	cr := aws.ToString(contentRange)
	if i := strings.LastIndexByte(cr, '/'); i >= 0 {
		if total, err := strconv.ParseInt(cr[i+1:], 10, 64); err == nil {
			return total
		}
	}
	return n
}

func emptyNil(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

func (s *s3Subject) CreateBucket(ctx context.Context, bucket string) error {
	_, err := s.c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket})
	return err
}

func (s *s3Subject) DeleteBucket(ctx context.Context, bucket string) error {
	_, err := s.c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: &bucket})
	return err
}

func (s *s3Subject) HeadBucket(ctx context.Context, bucket string) error {
	_, err := s.c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &bucket})
	var nf *types.NotFound
	if errors.As(err, &nf) { // a HEAD error has no body to name the code
		return &codeError{"NoSuchBucket", err}
	}
	return err
}

func (s *s3Subject) ListBuckets(ctx context.Context) ([]string, error) {
	out, err := s.c.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		return nil, err
	}
	var names []string
	for _, b := range out.Buckets {
		names = append(names, aws.ToString(b.Name))
	}
	return names, nil
}

func (s *s3Subject) Put(ctx context.Context, bucket, key string, body io.Reader, size int64, o conformance.PutOptions) (string, error) {
	out, err := s.c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: body, ContentLength: &size,
		ContentType: optString(o.ContentType), CacheControl: optString(o.CacheControl), ContentDisposition: optString(o.ContentDisposition),
		Metadata: o.Metadata, Tagging: tagQuery(o.Tags), ACL: types.ObjectCannedACL(o.ACL), StorageClass: types.StorageClass(o.StorageClass),
		IfNoneMatch: quote(o.IfNoneMatch), IfMatch: quote(o.IfMatch), ContentMD5: b64(o.ContentMD5)})
	if err != nil {
		return "", err
	}
	return unquote(out.ETag), nil
}

func (s *s3Subject) Get(ctx context.Context, bucket, key string, o conformance.GetOptions) (io.ReadCloser, conformance.ObjectAttrs, error) {
	out, err := s.c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &key, Range: optString(o.Range),
		IfMatch: quote(o.IfMatch), IfNoneMatch: quote(o.IfNoneMatch),
		IfModifiedSince: optTime(o.IfModifiedSince), IfUnmodifiedSince: optTime(o.IfUnmodifiedSince),
		ResponseContentType: optString(o.ResponseContentType), PartNumber: optInt32(o.PartNumber)})
	if err != nil {
		return nil, conformance.ObjectAttrs{}, err
	}
	return out.Body, conformance.ObjectAttrs{
		Size: totalSize(out.ContentRange, aws.ToInt64(out.ContentLength)), ETag: unquote(out.ETag),
		ContentType: aws.ToString(out.ContentType), CacheControl: aws.ToString(out.CacheControl),
		ContentDisposition: aws.ToString(out.ContentDisposition), Metadata: emptyNil(out.Metadata),
		LastModified: aws.ToTime(out.LastModified), StorageClass: s3Class(out.StorageClass),
	}, nil
}

// s3Class normalises x-amz-storage-class, which S3 omits for STANDARD.
func s3Class(c types.StorageClass) string {
	if c == "" {
		return "STANDARD"
	}
	return string(c)
}

func (s *s3Subject) Head(ctx context.Context, bucket, key string) (conformance.ObjectAttrs, error) {
	out, err := s.c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: &key})
	if err != nil {
		// A HEAD error has no body: S3 answers 404 "NotFound" for a
		// missing key (and a missing bucket alike).
		var nf *types.NotFound
		if errors.As(err, &nf) {
			return conformance.ObjectAttrs{}, &codeError{"NoSuchKey", err}
		}
		// And 403 "Forbidden" for a HEAD refused.
		var re *smithyhttp.ResponseError
		if errors.As(err, &re) && re.HTTPStatusCode() == http.StatusForbidden {
			return conformance.ObjectAttrs{}, &codeError{"AccessDenied", err}
		}
		return conformance.ObjectAttrs{}, err
	}
	return conformance.ObjectAttrs{
		Size: aws.ToInt64(out.ContentLength), ETag: unquote(out.ETag),
		ContentType: aws.ToString(out.ContentType), CacheControl: aws.ToString(out.CacheControl),
		ContentDisposition: aws.ToString(out.ContentDisposition), Metadata: emptyNil(out.Metadata),
		LastModified: aws.ToTime(out.LastModified), StorageClass: s3Class(out.StorageClass),
	}, nil
}

func (s *s3Subject) Delete(ctx context.Context, bucket, key string) error {
	_, err := s.c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &bucket, Key: &key})
	return err
}

func (s *s3Subject) DeleteMany(ctx context.Context, bucket string, keys []string) ([]string, error) {
	var ids []types.ObjectIdentifier
	for _, k := range keys {
		ids = append(ids, types.ObjectIdentifier{Key: aws.String(k)})
	}
	out, err := s.c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: &bucket, Delete: &types.Delete{Objects: ids}})
	if err != nil {
		return nil, err
	}
	if len(out.Errors) > 0 {
		e := out.Errors[0]
		return nil, &codeError{aws.ToString(e.Code), errors.New(aws.ToString(e.Key) + ": " + aws.ToString(e.Message))}
	}
	var deleted []string
	for _, d := range out.Deleted {
		deleted = append(deleted, aws.ToString(d.Key))
	}
	return deleted, nil
}

func (s *s3Subject) Copy(ctx context.Context, bucket, key string, o conformance.CopyOptions) (string, error) {
	in := &s3.CopyObjectInput{Bucket: &bucket, Key: &key, CopySource: copySource(o.SrcBucket, o.SrcKey),
		CopySourceIfMatch: quote(o.Source.IfMatch), CopySourceIfNoneMatch: quote(o.Source.IfNoneMatch),
		CopySourceIfModifiedSince: optTime(o.Source.IfModifiedSince), CopySourceIfUnmodifiedSince: optTime(o.Source.IfUnmodifiedSince),
		IfNoneMatch: quote(o.IfNoneMatch)}
	if o.ReplaceMetadata {
		in.MetadataDirective = types.MetadataDirectiveReplace
		in.ContentType = optString(o.ContentType)
		in.Metadata = o.Metadata
	}
	if o.ReplaceTags {
		in.TaggingDirective = types.TaggingDirectiveReplace
		in.Tagging = tagQuery(o.Tags)
	}
	out, err := s.c.CopyObject(ctx, in)
	if err != nil {
		return "", err
	}
	return unquote(out.CopyObjectResult.ETag), nil
}

func optInt32(n int) *int32 {
	if n == 0 {
		return nil
	}
	return aws.Int32(int32(n))
}

func (s *s3Subject) List(ctx context.Context, bucket string, o conformance.ListOptions) (conformance.ListPage, error) {
	var page conformance.ListPage
	var contents []types.Object
	var prefixes []types.CommonPrefix
	if o.V2 {
		out, err := s.c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: optString(o.Prefix), Delimiter: optString(o.Delimiter),
			StartAfter: optString(o.StartAfter), ContinuationToken: optString(o.ContinuationToken), MaxKeys: optInt32(o.MaxKeys),
			EncodingType: types.EncodingTypeUrl})
		if err != nil {
			return page, err
		}
		contents, prefixes = out.Contents, out.CommonPrefixes
		page.IsTruncated, page.NextContinuationToken = aws.ToBool(out.IsTruncated), aws.ToString(out.NextContinuationToken)
	} else {
		out, err := s.c.ListObjects(ctx, &s3.ListObjectsInput{Bucket: &bucket, Prefix: optString(o.Prefix), Delimiter: optString(o.Delimiter),
			Marker: optString(o.Marker), MaxKeys: optInt32(o.MaxKeys), EncodingType: types.EncodingTypeUrl})
		if err != nil {
			return page, err
		}
		contents, prefixes = out.Contents, out.CommonPrefixes
		page.IsTruncated, page.NextMarker = aws.ToBool(out.IsTruncated), urlDecoded(out.NextMarker)
	}
	// Keys come URL-encoded (encoding-type=url, as botocore and minio-go
	// ask): a key holding characters XML 1.0 cannot carry lists exactly.
	for _, c := range contents {
		page.Objects = append(page.Objects, conformance.ObjectSummary{Key: urlDecoded(c.Key), Size: aws.ToInt64(c.Size), ETag: unquote(c.ETag), LastModified: aws.ToTime(c.LastModified)})
	}
	for _, p := range prefixes {
		page.CommonPrefixes = append(page.CommonPrefixes, urlDecoded(p.Prefix))
	}
	return page, nil
}

// urlDecoded is a listing value sent with encoding-type=url, decoded as
// S3 encodes it (a space is '+').
func urlDecoded(v *string) string {
	s, err := url.QueryUnescape(aws.ToString(v))
	if err != nil {
		return aws.ToString(v)
	}
	return s
}

func (s *s3Subject) CreateMultipart(ctx context.Context, bucket, key string, o conformance.PutOptions) (string, error) {
	out, err := s.c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &bucket, Key: &key,
		ContentType: optString(o.ContentType), CacheControl: optString(o.CacheControl), ContentDisposition: optString(o.ContentDisposition),
		Metadata: o.Metadata, Tagging: tagQuery(o.Tags), ACL: types.ObjectCannedACL(o.ACL), StorageClass: types.StorageClass(o.StorageClass)})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.UploadId), nil
}

func (s *s3Subject) UploadPart(ctx context.Context, bucket, key, uploadID string, n int, body io.Reader, size int64) (string, error) {
	out, err := s.c.UploadPart(ctx, &s3.UploadPartInput{Bucket: &bucket, Key: &key, UploadId: &uploadID, PartNumber: aws.Int32(int32(n)),
		Body: body, ContentLength: &size})
	if err != nil {
		return "", err
	}
	return unquote(out.ETag), nil
}

func (s *s3Subject) UploadPartCopy(ctx context.Context, bucket, key, uploadID string, n int, srcBucket, srcKey, rangeHeader string) (string, error) {
	out, err := s.c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: &bucket, Key: &key, UploadId: &uploadID, PartNumber: aws.Int32(int32(n)),
		CopySource: copySource(srcBucket, srcKey), CopySourceRange: optString(rangeHeader)})
	if err != nil {
		return "", err
	}
	return unquote(out.CopyPartResult.ETag), nil
}

func (s *s3Subject) ListParts(ctx context.Context, bucket, key, uploadID string, o conformance.ListPartsOptions) (conformance.PartsPage, error) {
	in := &s3.ListPartsInput{Bucket: &bucket, Key: &key, UploadId: &uploadID, MaxParts: optInt32(o.MaxParts)}
	if o.PartNumberMarker > 0 {
		in.PartNumberMarker = aws.String(strconv.Itoa(o.PartNumberMarker))
	}
	out, err := s.c.ListParts(ctx, in)
	if err != nil {
		return conformance.PartsPage{}, err
	}
	page := conformance.PartsPage{IsTruncated: aws.ToBool(out.IsTruncated)}
	if page.IsTruncated {
		page.NextPartNumberMarker, _ = strconv.Atoi(aws.ToString(out.NextPartNumberMarker))
	}
	for _, p := range out.Parts {
		page.Parts = append(page.Parts, conformance.PartSummary{PartNumber: int(aws.ToInt32(p.PartNumber)), ETag: unquote(p.ETag), Size: aws.ToInt64(p.Size)})
	}
	return page, nil
}

func (s *s3Subject) ListUploads(ctx context.Context, bucket string, o conformance.ListUploadsOptions) (conformance.UploadsPage, error) {
	out, err := s.c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: &bucket, Prefix: optString(o.Prefix), Delimiter: optString(o.Delimiter),
		KeyMarker: optString(o.KeyMarker), UploadIdMarker: optString(o.UploadIDMarker), MaxUploads: optInt32(o.MaxUploads)})
	if err != nil {
		return conformance.UploadsPage{}, err
	}
	page := conformance.UploadsPage{IsTruncated: aws.ToBool(out.IsTruncated), NextKeyMarker: aws.ToString(out.NextKeyMarker),
		NextUploadIDMarker: aws.ToString(out.NextUploadIdMarker)}
	for _, u := range out.Uploads {
		page.Uploads = append(page.Uploads, conformance.UploadSummary{Key: aws.ToString(u.Key), UploadID: aws.ToString(u.UploadId)})
	}
	for _, p := range out.CommonPrefixes {
		page.CommonPrefixes = append(page.CommonPrefixes, aws.ToString(p.Prefix))
	}
	return page, nil
}

func (s *s3Subject) CompleteMultipart(ctx context.Context, bucket, key, uploadID string, parts []conformance.CompletedPart, o conformance.CompleteOptions) (string, error) {
	var cps []types.CompletedPart
	for _, p := range parts {
		cps = append(cps, types.CompletedPart{PartNumber: aws.Int32(int32(p.PartNumber)), ETag: quote(p.ETag)})
	}
	out, err := s.c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: &bucket, Key: &key, UploadId: &uploadID,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: cps}, IfNoneMatch: quote(o.IfNoneMatch), IfMatch: quote(o.IfMatch)})
	if err != nil {
		return "", err
	}
	return unquote(out.ETag), nil
}

func (s *s3Subject) AbortMultipart(ctx context.Context, bucket, key, uploadID string) error {
	_, err := s.c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &bucket, Key: &key, UploadId: &uploadID})
	return err
}

func toS3Tags(tags []conformance.Tag) []types.Tag {
	out := []types.Tag{}
	for _, t := range tags {
		out = append(out, types.Tag{Key: aws.String(t.Key), Value: aws.String(t.Value)})
	}
	return out
}

func fromS3Tags(tags []types.Tag) []conformance.Tag {
	var out []conformance.Tag
	for _, t := range tags {
		out = append(out, conformance.Tag{Key: aws.ToString(t.Key), Value: aws.ToString(t.Value)})
	}
	return out
}

func (s *s3Subject) ObjectTags(ctx context.Context, bucket, key string) ([]conformance.Tag, error) {
	out, err := s.c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: &bucket, Key: &key})
	if err != nil {
		return nil, err
	}
	return fromS3Tags(out.TagSet), nil
}

func (s *s3Subject) SetObjectTags(ctx context.Context, bucket, key string, tags []conformance.Tag) error {
	_, err := s.c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: &bucket, Key: &key, Tagging: &types.Tagging{TagSet: toS3Tags(tags)}})
	return err
}

func (s *s3Subject) DeleteObjectTags(ctx context.Context, bucket, key string) error {
	_, err := s.c.DeleteObjectTagging(ctx, &s3.DeleteObjectTaggingInput{Bucket: &bucket, Key: &key})
	return err
}

func (s *s3Subject) BucketTags(ctx context.Context, bucket string) ([]conformance.Tag, error) {
	out, err := s.c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: &bucket})
	if s.ErrorCode(err) == "NoSuchTagSet" { // S3: no tags is an error
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return fromS3Tags(out.TagSet), nil
}

func (s *s3Subject) SetBucketTags(ctx context.Context, bucket string, tags []conformance.Tag) error {
	_, err := s.c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: &bucket, Tagging: &types.Tagging{TagSet: toS3Tags(tags)}})
	return err
}

func (s *s3Subject) DeleteBucketTags(ctx context.Context, bucket string) error {
	_, err := s.c.DeleteBucketTagging(ctx, &s3.DeleteBucketTaggingInput{Bucket: &bucket})
	return err
}

const (
	allUsers  = "http://acs.amazonaws.com/groups/global/AllUsers"
	authUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
)

// cannedACL names the canned ACL a grant list is equal to.
func cannedACL(owner *types.Owner, grants []types.Grant) string {
	var set []string
	for _, g := range grants {
		switch {
		case g.Grantee == nil:
			set = append(set, "?")
		case g.Grantee.Type == types.TypeCanonicalUser && owner != nil && aws.ToString(g.Grantee.ID) == aws.ToString(owner.ID):
			set = append(set, "owner:"+string(g.Permission))
		case g.Grantee.Type == types.TypeGroup && aws.ToString(g.Grantee.URI) == allUsers:
			set = append(set, "all:"+string(g.Permission))
		case g.Grantee.Type == types.TypeGroup && aws.ToString(g.Grantee.URI) == authUsers:
			set = append(set, "auth:"+string(g.Permission))
		default:
			set = append(set, "other")
		}
	}
	switch strings.Join(set, ",") {
	case "owner:FULL_CONTROL":
		return "private"
	case "owner:FULL_CONTROL,all:READ":
		return "public-read"
	case "owner:FULL_CONTROL,all:READ,all:WRITE":
		return "public-read-write"
	case "owner:FULL_CONTROL,auth:READ":
		return "authenticated-read"
	}
	return "grants: " + strings.Join(set, ",")
}

func (s *s3Subject) ObjectACL(ctx context.Context, bucket, key string) (string, error) {
	out, err := s.c.GetObjectAcl(ctx, &s3.GetObjectAclInput{Bucket: &bucket, Key: &key})
	if err != nil {
		return "", err
	}
	return cannedACL(out.Owner, out.Grants), nil
}

func (s *s3Subject) SetObjectACL(ctx context.Context, bucket, key, canned string) error {
	_, err := s.c.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: &bucket, Key: &key, ACL: types.ObjectCannedACL(canned)})
	return err
}

func (s *s3Subject) BucketACL(ctx context.Context, bucket string) (string, error) {
	out, err := s.c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: &bucket})
	if err != nil {
		return "", err
	}
	return cannedACL(out.Owner, out.Grants), nil
}

func (s *s3Subject) SetBucketACL(ctx context.Context, bucket, canned string) error {
	_, err := s.c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: &bucket, ACL: types.BucketCannedACL(canned)})
	return err
}

var _ conformance.ConditionalDeleter = (*s3Subject)(nil)

var _ conformance.PublicAccessBlocker = (*s3Subject)(nil)

var _ conformance.Accelerator = (*s3Subject)(nil)

func (s *s3Subject) SetAcceleration(ctx context.Context, bucket string, on bool) error {
	st := types.BucketAccelerateStatusSuspended
	if on {
		st = types.BucketAccelerateStatusEnabled
	}
	_, err := s.c.PutBucketAccelerateConfiguration(ctx, &s3.PutBucketAccelerateConfigurationInput{Bucket: &bucket,
		AccelerateConfiguration: &types.AccelerateConfiguration{Status: st}})
	return err
}

func (s *s3Subject) Acceleration(ctx context.Context, bucket string) (on, set bool, err error) {
	out, err := s.c.GetBucketAccelerateConfiguration(ctx, &s3.GetBucketAccelerateConfigurationInput{Bucket: &bucket})
	if err != nil {
		return false, false, err
	}
	return out.Status == types.BucketAccelerateStatusEnabled, out.Status != "", nil
}

func (s *s3Subject) BlockPublicAccess(ctx context.Context, bucket string, on bool) error {
	_, err := s.c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: &bucket, PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{
		BlockPublicAcls: &on, IgnorePublicAcls: &on, BlockPublicPolicy: &on, RestrictPublicBuckets: &on}})
	return err
}

func (s *s3Subject) DeleteIfMatch(ctx context.Context, bucket, key, etag string) error {
	_, err := s.c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &bucket, Key: &key, IfMatch: quote(etag)})
	return err
}

func (s *s3Subject) DeleteVersionsIfMatch(ctx context.Context, bucket string, keys, versionIDs, etags []string) ([]string, map[string]string, error) {
	ids := make([]types.ObjectIdentifier, len(keys))
	for i, k := range keys {
		ids[i] = types.ObjectIdentifier{Key: aws.String(k), VersionId: aws.String(versionIDs[i]), ETag: quote(etags[i])}
	}
	return s.deleteObjects(ctx, bucket, ids)
}

func (s *s3Subject) DeleteManyIfMatch(ctx context.Context, bucket string, keys, etags []string) ([]string, map[string]string, error) {
	ids := make([]types.ObjectIdentifier, len(keys))
	for i, k := range keys {
		ids[i] = types.ObjectIdentifier{Key: aws.String(k), ETag: quote(etags[i])}
	}
	return s.deleteObjects(ctx, bucket, ids)
}

// deleteObjects sends one DeleteObjects and sorts its answer into the
// keys deleted and the code of each that was not.
func (s *s3Subject) deleteObjects(ctx context.Context, bucket string, ids []types.ObjectIdentifier) ([]string, map[string]string, error) {
	out, err := s.c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: &bucket, Delete: &types.Delete{Objects: ids}})
	if err != nil {
		return nil, nil, err
	}
	var deleted []string
	for _, d := range out.Deleted {
		deleted = append(deleted, aws.ToString(d.Key))
	}
	failed := map[string]string{}
	for _, e := range out.Errors {
		failed[aws.ToString(e.Key)] = aws.ToString(e.Code)
	}
	return deleted, failed, nil
}
