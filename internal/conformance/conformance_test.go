package conformance_test

import (
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/internal/conformance"
)

// TestEngine runs the suite against the engine API directly.
func TestEngine(t *testing.T) {
	conformance.RunSuite(t, func(t *testing.T) conformance.Subject {
		eng, err := engine.Open("", nil)
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, eng.Close()) })
		return &engineSubject{eng: eng}
	})
}

// codeError carries a code a subject chose for an error it normalised.
type codeError struct {
	code string
	err  error
}

func (e *codeError) Error() string { return e.code + ": " + e.err.Error() }
func (e *codeError) Unwrap() error { return e.err }

// normalised returns the code of a codeError in err's chain.
func normalised(err error) (string, bool) {
	var ce *codeError
	if errors.As(err, &ce) {
		return ce.code, true
	}
	return "", false
}

// engineSubject drives an *engine.Engine.
type engineSubject struct {
	eng *engine.Engine
}

const owner = "conformance-owner"

func (s *engineSubject) Caps() conformance.Caps {
	return conformance.Caps{MinPartSize: engine.DefaultMinPartSize, PartNumberReads: true, PartCopyBadRange: "InvalidRange"}
}

// engineCodes names the engine's sentinels in the S3 vocabulary. The
// order matters only for errors that wrap several.
var engineCodes = []struct {
	err  error
	code string
}{
	{engine.ErrNoSuchBucket, "NoSuchBucket"},
	{engine.ErrNoSuchKey, "NoSuchKey"},
	{engine.ErrBucketNotEmpty, "BucketNotEmpty"},
	{engine.ErrBucketAlreadyExists, "BucketAlreadyExists"},
	{engine.ErrBucketAlreadyOwnedByYou, "BucketAlreadyOwnedByYou"},
	{engine.ErrInvalidBucketName, "InvalidBucketName"},
	{engine.ErrInvalidKey, "InvalidArgument"},
	{engine.ErrKeyTooLong, "KeyTooLongError"},
	{engine.ErrPreconditionFailed, "PreconditionFailed"},
	{engine.ErrNotModified, "NotModified"},
	{engine.ErrInvalidRange, "InvalidRange"},
	{engine.ErrBadDigest, "BadDigest"},
	{engine.ErrIncompleteBody, "IncompleteBody"},
	{engine.ErrInvalidTag, "InvalidTag"},
	{engine.ErrInvalidArgument, "InvalidArgument"},
	{engine.ErrInvalidCopyRequest, "InvalidRequest"},
	{engine.ErrEntityTooLarge, "EntityTooLarge"},
	{engine.ErrInvalidPartNumber, "InvalidPartNumber"},
	{engine.ErrNoSuchUpload, "NoSuchUpload"},
	{engine.ErrInvalidPart, "InvalidPart"},
	{engine.ErrInvalidPartOrder, "InvalidPartOrder"},
	{engine.ErrEntityTooSmall, "EntityTooSmall"},
	{engine.ErrConditionalRequestConflict, "ConditionalRequestConflict"},
}

func (s *engineSubject) ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	if c, ok := normalised(err); ok {
		return c
	}
	for _, c := range engineCodes {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	return "unclassified: " + err.Error()
}

func (s *engineSubject) CreateBucket(ctx context.Context, bucket string) error {
	return s.eng.CreateBucket(ctx, bucket, engine.BucketOptions{Owner: owner})
}

func (s *engineSubject) DeleteBucket(ctx context.Context, bucket string) error {
	return s.eng.DeleteBucket(ctx, bucket, engine.DeleteBucketOptions{})
}

func (s *engineSubject) HeadBucket(ctx context.Context, bucket string) error {
	_, err := s.eng.Bucket(ctx, bucket)
	return err
}

func (s *engineSubject) ListBuckets(ctx context.Context) ([]string, error) {
	bs, err := s.eng.ListBuckets(ctx)
	var names []string
	for _, b := range bs {
		names = append(names, b.Name)
	}
	return names, err
}

func toEngineTags(tags []conformance.Tag) []engine.Tag {
	var out []engine.Tag
	for _, t := range tags {
		out = append(out, engine.Tag{Key: t.Key, Value: t.Value})
	}
	return out
}

func fromEngineTags(tags []engine.Tag) []conformance.Tag {
	var out []conformance.Tag
	for _, t := range tags {
		out = append(out, conformance.Tag{Key: t.Key, Value: t.Value})
	}
	return out
}

func putOptions(o conformance.PutOptions) engine.PutOptions {
	return engine.PutOptions{
		Metadata: engine.Metadata{ContentType: o.ContentType, CacheControl: o.CacheControl,
			ContentDisposition: o.ContentDisposition, User: o.Metadata},
		Tags: toEngineTags(o.Tags), ACL: engine.ACL{Canned: o.ACL}, Owner: owner, StorageClass: o.StorageClass,
		IfNoneMatch: o.IfNoneMatch, IfMatch: o.IfMatch, ContentMD5: o.ContentMD5,
	}
}

func (s *engineSubject) Put(ctx context.Context, bucket, key string, body io.Reader, size int64, opts conformance.PutOptions) (string, error) {
	info, err := s.eng.PutObject(ctx, bucket, key, body, size, putOptions(opts))
	return info.ETag, err
}

func attrs(info engine.ObjectInfo) conformance.ObjectAttrs {
	a := conformance.ObjectAttrs{Size: info.Size, ETag: info.ETag, ContentType: info.ContentType, CacheControl: info.CacheControl,
		ContentDisposition: info.ContentDisposition, LastModified: info.LastModified, StorageClass: info.StorageClass}
	if a.StorageClass == "" {
		a.StorageClass = "STANDARD"
	}
	if len(info.User) > 0 {
		a.Metadata = info.User
	}
	return a
}

func conditions(c conformance.Conditions) engine.Conditions {
	out := engine.Conditions{IfMatch: c.IfMatch, IfNoneMatch: c.IfNoneMatch}
	if !c.IfModifiedSince.IsZero() {
		out.IfModifiedSince = &c.IfModifiedSince
	}
	if !c.IfUnmodifiedSince.IsZero() {
		out.IfUnmodifiedSince = &c.IfUnmodifiedSince
	}
	return out
}

// byteRange parses a Range header; "" is nil.
func byteRange(h string) (*engine.ByteRange, error) {
	if h == "" {
		return nil, nil
	}
	r, ok := parseRange(h)
	if !ok {
		return nil, errors.New("conformance: unparsable range " + h)
	}
	return &r, nil
}

func (s *engineSubject) Get(ctx context.Context, bucket, key string, opts conformance.GetOptions) (io.ReadCloser, conformance.ObjectAttrs, error) {
	var r *engine.ByteRange
	if br, ok := parseRange(opts.Range); ok {
		r = &br // a header that does not parse is ignored, as S3 does
	}
	obj, err := s.eng.GetObject(ctx, bucket, key, engine.GetOptions{Range: r, Conditions: conditions(opts.Conditions), PartNumber: opts.PartNumber})
	if err != nil {
		return nil, conformance.ObjectAttrs{}, err
	}
	return obj, attrs(obj.Info), nil
}

func (s *engineSubject) Head(ctx context.Context, bucket, key string) (conformance.ObjectAttrs, error) {
	info, err := s.eng.HeadObject(ctx, bucket, key)
	return attrs(info), err
}

func (s *engineSubject) Delete(ctx context.Context, bucket, key string) error {
	return s.eng.DeleteObject(ctx, bucket, key, engine.DeleteOptions{})
}

func (s *engineSubject) DeleteMany(ctx context.Context, bucket string, keys []string) ([]string, error) {
	res, err := s.eng.DeleteObjects(ctx, bucket, keys)
	if err != nil {
		return nil, err
	}
	var deleted []string
	for _, r := range res {
		if r.Err != nil {
			return deleted, r.Err
		}
		deleted = append(deleted, r.Key)
	}
	return deleted, nil
}

func (s *engineSubject) Copy(ctx context.Context, bucket, key string, opts conformance.CopyOptions) (string, error) {
	co := engine.CopyOptions{Owner: owner, Source: conditions(opts.Source), IfNoneMatch: opts.IfNoneMatch}
	if opts.ReplaceMetadata {
		co.MetadataDirective = engine.MetadataReplace
		co.Metadata = engine.Metadata{ContentType: opts.ContentType, User: opts.Metadata}
	}
	if opts.ReplaceTags {
		tags := toEngineTags(opts.Tags)
		if tags == nil {
			tags = []engine.Tag{}
		}
		co.Tags = &tags
	}
	info, err := s.eng.CopyObject(ctx, opts.SrcBucket, opts.SrcKey, bucket, key, co)
	return info.ETag, err
}

func (s *engineSubject) List(ctx context.Context, bucket string, opts conformance.ListOptions) (conformance.ListPage, error) {
	marker := opts.Marker
	if opts.V2 {
		marker = opts.StartAfter
		if opts.ContinuationToken != "" {
			marker = opts.ContinuationToken
		}
	}
	res, err := s.eng.ListObjects(ctx, bucket, engine.ListOptions{Prefix: opts.Prefix, Delimiter: opts.Delimiter, Marker: marker, MaxKeys: opts.MaxKeys})
	if err != nil {
		return conformance.ListPage{}, err
	}
	page := conformance.ListPage{CommonPrefixes: res.CommonPrefixes, IsTruncated: res.IsTruncated}
	for _, o := range res.Objects {
		page.Objects = append(page.Objects, conformance.ObjectSummary{Key: o.Key, Size: o.Size, ETag: o.ETag, LastModified: o.LastModified})
	}
	if res.IsTruncated {
		if opts.V2 {
			page.NextContinuationToken = res.NextMarker
		} else {
			page.NextMarker = res.NextMarker
		}
	}
	return page, nil
}

func (s *engineSubject) CreateMultipart(ctx context.Context, bucket, key string, opts conformance.PutOptions) (string, error) {
	return s.eng.CreateMultipartUpload(ctx, bucket, key, putOptions(opts))
}

func (s *engineSubject) UploadPart(ctx context.Context, bucket, key, uploadID string, n int, body io.Reader, size int64) (string, error) {
	p, err := s.eng.UploadPart(ctx, bucket, key, uploadID, n, body, size, engine.PartOptions{})
	if errors.Is(err, engine.ErrInvalidPartNumber) {
		// Both dialects answer a part number out of range on a write
		// with InvalidArgument (InvalidPartNumber is a read's 416).
		return "", &codeError{"InvalidArgument", err}
	}
	return p.ETag, err
}

func (s *engineSubject) UploadPartCopy(ctx context.Context, bucket, key, uploadID string, n int, srcBucket, srcKey, rangeHeader string) (string, error) {
	r, err := byteRange(rangeHeader)
	if err != nil {
		return "", err
	}
	p, err := s.eng.UploadPartCopy(ctx, bucket, key, uploadID, n, srcBucket, srcKey, engine.PartCopyOptions{Range: r})
	return p.ETag, err
}

func (s *engineSubject) ListParts(ctx context.Context, bucket, key, uploadID string, opts conformance.ListPartsOptions) (conformance.PartsPage, error) {
	res, err := s.eng.ListParts(ctx, bucket, key, uploadID, engine.ListPartsOptions{PartNumberMarker: opts.PartNumberMarker, MaxParts: opts.MaxParts})
	if err != nil {
		return conformance.PartsPage{}, err
	}
	page := conformance.PartsPage{IsTruncated: res.IsTruncated}
	if res.IsTruncated {
		page.NextPartNumberMarker = res.NextPartNumberMarker
	}
	for _, p := range res.Parts {
		page.Parts = append(page.Parts, conformance.PartSummary{PartNumber: p.PartNumber, ETag: p.ETag, Size: p.Size})
	}
	return page, nil
}

func (s *engineSubject) ListUploads(ctx context.Context, bucket string, opts conformance.ListUploadsOptions) (conformance.UploadsPage, error) {
	res, err := s.eng.ListMultipartUploads(ctx, bucket, engine.ListUploadsOptions{Prefix: opts.Prefix, Delimiter: opts.Delimiter,
		KeyMarker: opts.KeyMarker, UploadIDMarker: opts.UploadIDMarker, MaxUploads: opts.MaxUploads})
	if err != nil {
		return conformance.UploadsPage{}, err
	}
	page := conformance.UploadsPage{CommonPrefixes: res.CommonPrefixes, IsTruncated: res.IsTruncated,
		NextKeyMarker: res.NextKeyMarker, NextUploadIDMarker: res.NextUploadIDMarker}
	for _, u := range res.Uploads {
		page.Uploads = append(page.Uploads, conformance.UploadSummary{Key: u.Key, UploadID: u.UploadID})
	}
	return page, nil
}

func (s *engineSubject) CompleteMultipart(ctx context.Context, bucket, key, uploadID string, parts []conformance.CompletedPart, opts conformance.CompleteOptions) (string, error) {
	var cps []engine.CompletePart
	for _, p := range parts {
		cps = append(cps, engine.CompletePart{PartNumber: p.PartNumber, ETag: p.ETag})
	}
	info, err := s.eng.CompleteMultipartUpload(ctx, bucket, key, uploadID, cps, engine.CompleteOptions{IfNoneMatch: opts.IfNoneMatch, IfMatch: opts.IfMatch})
	return info.ETag, err
}

func (s *engineSubject) AbortMultipart(ctx context.Context, bucket, key, uploadID string) error {
	return s.eng.AbortMultipartUpload(ctx, bucket, key, uploadID)
}

func (s *engineSubject) ObjectTags(ctx context.Context, bucket, key string) ([]conformance.Tag, error) {
	info, err := s.eng.HeadObject(ctx, bucket, key)
	return fromEngineTags(info.Tags), err
}

func (s *engineSubject) SetObjectTags(ctx context.Context, bucket, key string, tags []conformance.Tag) error {
	et := toEngineTags(tags)
	_, err := s.eng.UpdateObject(ctx, bucket, key, engine.ObjectUpdate{Tags: &et})
	return err
}

func (s *engineSubject) DeleteObjectTags(ctx context.Context, bucket, key string) error {
	_, err := s.eng.UpdateObject(ctx, bucket, key, engine.ObjectUpdate{Tags: &[]engine.Tag{}})
	return err
}

var errNoBucketTags = errors.New("conformance: the engine API has no bucket tagging")

func (s *engineSubject) BucketTags(context.Context, string) ([]conformance.Tag, error) {
	return nil, errNoBucketTags
}

func (s *engineSubject) SetBucketTags(context.Context, string, []conformance.Tag) error {
	return errNoBucketTags
}

func (s *engineSubject) DeleteBucketTags(context.Context, string) error { return errNoBucketTags }

func (s *engineSubject) ObjectACL(ctx context.Context, bucket, key string) (string, error) {
	info, err := s.eng.HeadObject(ctx, bucket, key)
	return info.ACL.Canned, err
}

func (s *engineSubject) SetObjectACL(ctx context.Context, bucket, key, canned string) error {
	_, err := s.eng.UpdateObject(ctx, bucket, key, engine.ObjectUpdate{ACL: &engine.ACL{Canned: canned}})
	return err
}

func (s *engineSubject) BucketACL(ctx context.Context, bucket string) (string, error) {
	info, err := s.eng.Bucket(ctx, bucket)
	if err != nil {
		return "", err
	}
	if info.ACL.Canned == "" && len(info.ACL.Grants) == 0 {
		return "private", nil
	}
	return info.ACL.Canned, nil
}

func (s *engineSubject) SetBucketACL(ctx context.Context, bucket, canned string) error {
	return s.eng.SetBucketACL(ctx, bucket, engine.ACL{Canned: canned})
}

// parseRange turns the single-range headers the suite sends
// ("bytes=a-b", "bytes=a-", "bytes=-n") into the engine's value; the
// engine takes ranges as values, parsing Range headers is httpapi's.
func parseRange(h string) (engine.ByteRange, bool) {
	spec, ok := strings.CutPrefix(h, "bytes=")
	if !ok || strings.Contains(spec, ",") {
		return engine.ByteRange{}, false
	}
	first, last, ok := strings.Cut(spec, "-")
	if !ok {
		return engine.ByteRange{}, false
	}
	num := func(s string) (int64, bool) {
		v, err := strconv.ParseInt(s, 10, 64)
		return v, err == nil && v >= 0 && s != "" && s[0] != '+'
	}
	switch {
	case first == "":
		n, ok := num(last)
		return engine.ByteRange{Start: -1, End: -1, Suffix: n}, ok
	case last == "":
		s, ok := num(first)
		return engine.ByteRange{Start: s, End: -1}, ok
	}
	s, ok1 := num(first)
	l, ok2 := num(last)
	return engine.ByteRange{Start: s, End: l}, ok1 && ok2 && l >= s
}

var _ conformance.ConditionalDeleter = (*engineSubject)(nil)

func (s *engineSubject) DeleteIfMatch(ctx context.Context, bucket, key, etag string) error {
	return s.eng.DeleteObject(ctx, bucket, key, engine.DeleteOptions{IfMatch: etag})
}

func (s *engineSubject) DeleteVersionsIfMatch(ctx context.Context, bucket string, keys, versionIDs, etags []string) ([]string, map[string]string, error) {
	objs := make([]engine.ObjectVersion, len(keys))
	for i, k := range keys {
		objs[i] = engine.ObjectVersion{Key: k, VersionID: versionIDs[i], IfMatch: etags[i]}
	}
	res, err := s.eng.DeleteObjectVersions(ctx, bucket, objs, owner)
	if err != nil {
		return nil, nil, err
	}
	return s.sortDeleted(res)
}

func (s *engineSubject) DeleteManyIfMatch(ctx context.Context, bucket string, keys, etags []string) ([]string, map[string]string, error) {
	entries := make([]engine.DeleteEntry, len(keys))
	for i, k := range keys {
		entries[i] = engine.DeleteEntry{Key: k, IfMatch: etags[i]}
	}
	res, err := s.eng.DeleteEntries(ctx, bucket, entries)
	if err != nil {
		return nil, nil, err
	}
	return s.sortDeleted(res)
}

// sortDeleted sorts delete results into the keys deleted and the code of
// each that was not.
func (s *engineSubject) sortDeleted(res []engine.DeleteResult) ([]string, map[string]string, error) {
	var deleted []string
	failed := map[string]string{}
	for _, r := range res {
		if r.Err != nil {
			failed[r.Key] = s.ErrorCode(r.Err)
			continue
		}
		deleted = append(deleted, r.Key)
	}
	return deleted, failed, nil
}
