package conformance_test

import (
	"bytes"
	"context"
	"errors"
	"io"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/internal/conformance"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// The three subjects' conformance.Versioner methods.

var (
	_ conformance.Versioner = (*engineSubject)(nil)
	_ conformance.Versioner = (*s3Subject)(nil)
	_ conformance.Versioner = (*ossSubject)(nil)
)

func versioningStatus(enabled bool) string {
	if enabled {
		return "Enabled"
	}
	return "Suspended"
}

// engineVersionErr names the engine's versioning errors in the S3
// vocabulary.
func engineVersionErr(err error) error {
	for _, c := range []struct {
		err  error
		code string
	}{
		{engine.ErrNoSuchVersion, "NoSuchVersion"},
		{engine.ErrInvalidVersionID, "InvalidArgument"},
		{engine.ErrVersionIsDeleteMarker, "MethodNotAllowed"},
	} {
		if errors.Is(err, c.err) {
			return &codeError{code: c.code, err: err}
		}
	}
	return err
}

// wireVersion is the engine's version ID as a wire protocol names it.
func (s *engineSubject) wireVersion(ctx context.Context, bucket, id string) string {
	if id != "" {
		return id
	}
	if b, err := s.eng.Bucket(ctx, bucket); err == nil && b.Versioning != engine.VersioningOff {
		return engine.NullVersionID
	}
	return ""
}

func (s *engineSubject) SetVersioning(ctx context.Context, bucket string, enabled bool) error {
	return s.eng.SetBucketConfig(ctx, bucket, &bucketconfig.Versioning{Status: versioningStatus(enabled)})
}

func (s *engineSubject) VersioningStatus(ctx context.Context, bucket string) (string, error) {
	b, err := s.eng.Bucket(ctx, bucket)
	return b.Versioning.String(), err
}

func (s *engineSubject) PutVersion(ctx context.Context, bucket, key string, body []byte) (string, error) {
	info, err := s.eng.PutObject(ctx, bucket, key, bytes.NewReader(body), int64(len(body)), engine.PutOptions{Owner: owner})
	if err != nil {
		return "", err
	}
	return s.wireVersion(ctx, bucket, info.VersionID), nil
}

func (s *engineSubject) GetVersion(ctx context.Context, bucket, key, versionID string) ([]byte, error) {
	o, err := s.eng.GetObject(ctx, bucket, key, engine.GetOptions{VersionID: versionID})
	if err != nil {
		return nil, engineVersionErr(err)
	}
	defer o.Close()
	return io.ReadAll(o)
}

func (s *engineSubject) CopyVersion(ctx context.Context, bucket, key, srcKey, srcVersionID string) (string, error) {
	info, err := s.eng.CopyObject(ctx, bucket, srcKey, bucket, key, engine.CopyOptions{SourceVersionID: srcVersionID, Owner: owner})
	if err != nil {
		return "", engineVersionErr(err)
	}
	return s.wireVersion(ctx, bucket, info.VersionID), nil
}

func (s *engineSubject) DeleteVersion(ctx context.Context, bucket, key, versionID string) (conformance.VersionDeleted, error) {
	res, err := s.eng.DeleteObjectVersion(ctx, bucket, key, engine.DeleteOptions{VersionID: versionID, Owner: owner})
	if err != nil {
		return conformance.VersionDeleted{}, engineVersionErr(err)
	}
	if res.DeleteMarkerVersionID != "" {
		return conformance.VersionDeleted{VersionID: res.DeleteMarkerVersionID, DeleteMarker: true}, nil
	}
	return conformance.VersionDeleted{VersionID: res.VersionID, DeleteMarker: res.DeleteMarker}, nil
}

func (s *engineSubject) ListVersions(ctx context.Context, bucket string, o conformance.VersionListOptions) (conformance.VersionPage, error) {
	res, err := s.eng.ListObjectVersions(ctx, bucket, engine.VersionListOptions{Prefix: o.Prefix, Delimiter: o.Delimiter,
		KeyMarker: o.KeyMarker, VersionIDMarker: o.VersionIDMarker, MaxKeys: o.MaxKeys})
	if err != nil {
		return conformance.VersionPage{}, engineVersionErr(err)
	}
	b, err := s.eng.Bucket(ctx, bucket)
	if err != nil {
		return conformance.VersionPage{}, err
	}
	page := conformance.VersionPage{CommonPrefixes: res.CommonPrefixes, IsTruncated: res.IsTruncated,
		NextKeyMarker: res.NextKeyMarker, NextVersionIDMarker: res.NextVersionIDMarker}
	for _, v := range res.Versions {
		id := v.VersionID
		if id == "" && b.Versioning != engine.VersioningOff {
			id = engine.NullVersionID
		}
		page.Versions = append(page.Versions, conformance.Version{Key: v.Key, VersionID: id, IsLatest: v.IsLatest, DeleteMarker: v.DeleteMarker})
	}
	return page, nil
}

func (s *s3Subject) SetVersioning(ctx context.Context, bucket string, enabled bool) error {
	_, err := s.c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: &bucket,
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatus(versioningStatus(enabled))}})
	return err
}

func (s *s3Subject) VersioningStatus(ctx context.Context, bucket string) (string, error) {
	out, err := s.c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: &bucket})
	if err != nil {
		return "", err
	}
	return string(out.Status), nil
}

func (s *s3Subject) PutVersion(ctx context.Context, bucket, key string, body []byte) (string, error) {
	out, err := s.c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: bytes.NewReader(body)})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.VersionId), nil
}

func (s *s3Subject) GetVersion(ctx context.Context, bucket, key, versionID string) ([]byte, error) {
	in := &s3.GetObjectInput{Bucket: &bucket, Key: &key}
	if versionID != "" {
		in.VersionId = &versionID
	}
	out, err := s.c.GetObject(ctx, in)
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

func (s *s3Subject) CopyVersion(ctx context.Context, bucket, key, srcKey, srcVersionID string) (string, error) {
	src := bucket + "/" + srcKey
	if srcVersionID != "" {
		src += "?versionId=" + srcVersionID
	}
	out, err := s.c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: &bucket, Key: &key, CopySource: &src})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.VersionId), nil
}

func (s *s3Subject) DeleteVersion(ctx context.Context, bucket, key, versionID string) (conformance.VersionDeleted, error) {
	in := &s3.DeleteObjectInput{Bucket: &bucket, Key: &key}
	if versionID != "" {
		in.VersionId = &versionID
	}
	out, err := s.c.DeleteObject(ctx, in)
	if err != nil {
		return conformance.VersionDeleted{}, err
	}
	return conformance.VersionDeleted{VersionID: aws.ToString(out.VersionId), DeleteMarker: aws.ToBool(out.DeleteMarker)}, nil
}

func (s *s3Subject) ListVersions(ctx context.Context, bucket string, o conformance.VersionListOptions) (conformance.VersionPage, error) {
	in := &s3.ListObjectVersionsInput{Bucket: &bucket, MaxKeys: aws.Int32(int32(o.MaxKeys))}
	for p, v := range map[**string]string{&in.Prefix: o.Prefix, &in.Delimiter: o.Delimiter, &in.KeyMarker: o.KeyMarker, &in.VersionIdMarker: o.VersionIDMarker} {
		if v != "" {
			*p = aws.String(v)
		}
	}
	out, err := s.c.ListObjectVersions(ctx, in)
	if err != nil {
		return conformance.VersionPage{}, err
	}
	page := conformance.VersionPage{IsTruncated: aws.ToBool(out.IsTruncated), NextKeyMarker: aws.ToString(out.NextKeyMarker),
		NextVersionIDMarker: aws.ToString(out.NextVersionIdMarker)}
	for _, v := range out.Versions {
		page.Versions = append(page.Versions, conformance.Version{Key: aws.ToString(v.Key), VersionID: aws.ToString(v.VersionId), IsLatest: aws.ToBool(v.IsLatest)})
	}
	for _, m := range out.DeleteMarkers {
		page.Versions = append(page.Versions, conformance.Version{Key: aws.ToString(m.Key), VersionID: aws.ToString(m.VersionId), IsLatest: aws.ToBool(m.IsLatest), DeleteMarker: true})
	}
	for _, cp := range out.CommonPrefixes {
		page.CommonPrefixes = append(page.CommonPrefixes, aws.ToString(cp.Prefix))
	}
	return page, nil
}

func (s *ossSubject) SetVersioning(ctx context.Context, bucket string, enabled bool) error {
	_, err := s.c.PutBucketVersioning(ctx, &oss2.PutBucketVersioningRequest{Bucket: &bucket,
		VersioningConfiguration: &oss2.VersioningConfiguration{Status: oss2.VersioningStatusType(versioningStatus(enabled))}})
	return err
}

func (s *ossSubject) VersioningStatus(ctx context.Context, bucket string) (string, error) {
	out, err := s.c.GetBucketVersioning(ctx, &oss2.GetBucketVersioningRequest{Bucket: &bucket})
	if err != nil {
		return "", err
	}
	return oss2.ToString(out.VersionStatus), nil
}

func (s *ossSubject) PutVersion(ctx context.Context, bucket, key string, body []byte) (string, error) {
	out, err := s.c.PutObject(ctx, &oss2.PutObjectRequest{Bucket: &bucket, Key: &key, Body: bytes.NewReader(body)})
	if err != nil {
		return "", err
	}
	return oss2.ToString(out.VersionId), nil
}

func (s *ossSubject) GetVersion(ctx context.Context, bucket, key, versionID string) ([]byte, error) {
	out, err := s.c.GetObject(ctx, &oss2.GetObjectRequest{Bucket: &bucket, Key: &key, VersionId: optString(versionID)})
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

func (s *ossSubject) CopyVersion(ctx context.Context, bucket, key, srcKey, srcVersionID string) (string, error) {
	out, err := s.c.CopyObject(ctx, &oss2.CopyObjectRequest{Bucket: &bucket, Key: &key, SourceBucket: &bucket, SourceKey: &srcKey,
		SourceVersionId: optString(srcVersionID)})
	if err != nil {
		return "", err
	}
	return oss2.ToString(out.VersionId), nil
}

func (s *ossSubject) DeleteVersion(ctx context.Context, bucket, key, versionID string) (conformance.VersionDeleted, error) {
	out, err := s.c.DeleteObject(ctx, &oss2.DeleteObjectRequest{Bucket: &bucket, Key: &key, VersionId: optString(versionID)})
	if err != nil {
		return conformance.VersionDeleted{}, err
	}
	return conformance.VersionDeleted{VersionID: oss2.ToString(out.VersionId), DeleteMarker: out.DeleteMarker}, nil
}

func (s *ossSubject) ListVersions(ctx context.Context, bucket string, o conformance.VersionListOptions) (conformance.VersionPage, error) {
	out, err := s.c.ListObjectVersions(ctx, &oss2.ListObjectVersionsRequest{Bucket: &bucket, Prefix: optString(o.Prefix),
		Delimiter: optString(o.Delimiter), KeyMarker: optString(o.KeyMarker), VersionIdMarker: optString(o.VersionIDMarker), MaxKeys: int32(o.MaxKeys)})
	if err != nil {
		return conformance.VersionPage{}, err
	}
	page := conformance.VersionPage{IsTruncated: out.IsTruncated, NextKeyMarker: oss2.ToString(out.NextKeyMarker),
		NextVersionIDMarker: oss2.ToString(out.NextVersionIdMarker)}
	for _, v := range out.ObjectVersions {
		page.Versions = append(page.Versions, conformance.Version{Key: oss2.ToString(v.Key), VersionID: oss2.ToString(v.VersionId), IsLatest: v.IsLatest})
	}
	for _, m := range out.ObjectDeleteMarkers {
		page.Versions = append(page.Versions, conformance.Version{Key: oss2.ToString(m.Key), VersionID: oss2.ToString(m.VersionId), IsLatest: m.IsLatest, DeleteMarker: true})
	}
	for _, cp := range out.CommonPrefixes {
		page.CommonPrefixes = append(page.CommonPrefixes, oss2.ToString(cp.Prefix))
	}
	return page, nil
}
