package fuzz

import (
	"bytes"
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
)

// NewOSSClient returns an Aliyun OSS SDK v2 client for an endpoint
// (path-style, no retries), for Config.OSSClient. Region defaults to
// "cn-hangzhou".
func NewOSSClient(o ClientOptions) *oss.Client {
	if o.Region == "" {
		o.Region = "cn-hangzhou"
	}
	cfg := oss.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(o.AccessKey, o.SecretKey)).
		WithRegion(o.Region).
		WithEndpoint(o.Endpoint).
		WithUsePathStyle(!o.VirtualHost).
		WithRetryMaxAttempts(1)
	if o.HTTPClient != nil {
		cfg = cfg.WithHttpClient(o.HTTPClient)
	}
	return oss.NewClient(cfg)
}

// ossExecutor sends steps through the OSS SDK. The OSS rules the model
// applies (model.oss) follow what this client sends: ranges with
// x-oss-range-behavior: standard, If-None-Match: * as
// x-oss-forbid-overwrite, Complete parts sorted by the SDK.
type ossExecutor struct {
	client  *oss.Client
	names   []string
	uploads map[int]*uploadRef
}

func ossOutcome(err error, head bool) Outcome {
	var se *oss.ServiceError
	if !errors.As(err, &se) {
		return Outcome{Status: 0, Code: "transport: " + err.Error()}
	}
	o := Outcome{Status: se.StatusCode, Code: se.Code}
	if head || o.Status == 304 {
		o.Code = ""
	}
	return o
}

func (e *ossExecutor) do(ctx context.Context, s Step, cond string) Outcome {
	o, err := e.send(ctx, s, cond)
	if err != nil {
		return ossOutcome(err, s.Op == OpHeadObject)
	}
	return o
}

func (e *ossExecutor) upload(label int) *uploadRef {
	if u := e.uploads[label]; u != nil {
		return u
	}
	return &uploadRef{bucket: 0, key: "no-such-upload", id: "0004B9894A22E5B1888A1E29F823****", etags: map[int]string{}}
}

func (e *ossExecutor) send(ctx context.Context, s Step, cond string) (Outcome, error) {
	c := e.client
	b := oss.Ptr(e.names[s.Bucket])
	k := oss.Ptr(s.Key)
	switch s.Op {
	case OpCreateBucket:
		_, err := c.PutBucket(ctx, &oss.PutBucketRequest{Bucket: b})
		return Outcome{Status: 200}, err
	case OpDeleteBucket:
		_, err := c.DeleteBucket(ctx, &oss.DeleteBucketRequest{Bucket: b})
		return Outcome{Status: 204}, err
	case OpPutObject:
		in := &oss.PutObjectRequest{Bucket: b, Key: k, Body: bytes.NewReader(s.body())}
		if s.Cond == CondIfNoneMatchStar {
			in.ForbidOverwrite = oss.Ptr("true")
		}
		out, err := c.PutObject(ctx, in)
		if err != nil {
			return Outcome{}, err
		}
		return Outcome{Status: 200, ETag: oss.ToString(out.ETag)}, nil
	case OpGetObject:
		in := &oss.GetObjectRequest{Bucket: b, Key: k}
		if s.Range != "" {
			in.Range, in.RangeBehavior = oss.Ptr(s.Range), oss.Ptr("standard")
		}
		setCond(s.Cond, cond, &in.IfMatch, &in.IfNoneMatch)
		out, err := c.GetObject(ctx, in)
		if err != nil {
			return Outcome{}, err
		}
		defer out.Body.Close()
		h := md5.New()
		n, err := io.Copy(h, out.Body)
		if err != nil {
			return Outcome{Status: 0, Code: "body: " + err.Error()}, nil
		}
		body := fmt.Sprintf("len=%d md5=%x", n, h.Sum(nil)[:4])
		if cr := oss.ToString(out.ContentRange); cr != "" {
			body += " range=" + cr
		}
		return Outcome{Status: out.StatusCode, ETag: oss.ToString(out.ETag), Body: body}, nil
	case OpHeadObject:
		in := &oss.HeadObjectRequest{Bucket: b, Key: k}
		setCond(s.Cond, cond, &in.IfMatch, &in.IfNoneMatch)
		out, err := c.HeadObject(ctx, in)
		if err != nil {
			return Outcome{}, err
		}
		return Outcome{Status: 200, ETag: oss.ToString(out.ETag), Body: fmt.Sprintf("len=%d", out.ContentLength)}, nil
	case OpDeleteObject:
		_, err := c.DeleteObject(ctx, &oss.DeleteObjectRequest{Bucket: b, Key: k})
		return Outcome{Status: 204}, err
	case OpCopyObject:
		out, err := c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: b, Key: k, SourceBucket: oss.Ptr(e.names[s.SrcBucket]), SourceKey: oss.Ptr(s.SrcKey)})
		if err != nil {
			return Outcome{}, err
		}
		return Outcome{Status: 200, ETag: oss.ToString(out.ETag)}, nil
	case OpCreateMultipartUpload:
		out, err := c.InitiateMultipartUpload(ctx, &oss.InitiateMultipartUploadRequest{Bucket: b, Key: k})
		if err != nil {
			return Outcome{}, err
		}
		e.uploads[s.Upload] = &uploadRef{bucket: s.Bucket, key: s.Key, id: oss.ToString(out.UploadId), etags: map[int]string{}}
		return Outcome{Status: 200}, nil
	case OpUploadPart:
		u := e.upload(s.Upload)
		out, err := c.UploadPart(ctx, &oss.UploadPartRequest{Bucket: oss.Ptr(e.names[u.bucket]), Key: oss.Ptr(u.key), UploadId: oss.Ptr(u.id),
			PartNumber: int32(s.Part), Body: bytes.NewReader(s.body())})
		if err != nil {
			return Outcome{}, err
		}
		u.etags[s.Part] = oss.ToString(out.ETag)
		return Outcome{Status: 200, ETag: oss.ToString(out.ETag)}, nil
	case OpCompleteMultipartUpload:
		u := e.upload(s.Upload)
		var parts []oss.UploadPart
		for _, n := range s.Parts {
			etag := u.etags[n]
			if etag == "" {
				etag = strings.ToUpper(emptyMD5)
			}
			parts = append(parts, oss.UploadPart{PartNumber: int32(n), ETag: oss.Ptr(etag)})
		}
		out, err := c.CompleteMultipartUpload(ctx, &oss.CompleteMultipartUploadRequest{Bucket: oss.Ptr(e.names[u.bucket]), Key: oss.Ptr(u.key),
			UploadId: oss.Ptr(u.id), CompleteMultipartUpload: &oss.CompleteMultipartUpload{Parts: parts}})
		if err != nil {
			return Outcome{}, err
		}
		return Outcome{Status: 200, ETag: oss.ToString(out.ETag)}, nil
	case OpAbortMultipartUpload:
		u := e.upload(s.Upload)
		_, err := c.AbortMultipartUpload(ctx, &oss.AbortMultipartUploadRequest{Bucket: oss.Ptr(e.names[u.bucket]), Key: oss.Ptr(u.key), UploadId: oss.Ptr(u.id)})
		return Outcome{Status: 204}, err
	case OpListObjectsV2:
		return e.list(ctx, s)
	case OpPutObjectTagging:
		var tags []oss.Tag
		for _, t := range s.Tags {
			tk, tv, _ := strings.Cut(t, "=")
			tags = append(tags, oss.Tag{Key: oss.Ptr(tk), Value: oss.Ptr(tv)})
		}
		_, err := c.PutObjectTagging(ctx, &oss.PutObjectTaggingRequest{Bucket: b, Key: k, Tagging: &oss.Tagging{TagSet: &oss.TagSet{Tags: tags}}})
		return Outcome{Status: 200}, err
	case OpGetObjectTagging:
		out, err := c.GetObjectTagging(ctx, &oss.GetObjectTaggingRequest{Bucket: b, Key: k})
		if err != nil {
			return Outcome{}, err
		}
		var tags []string
		if out.Tags != nil {
			for _, t := range out.Tags {
				tags = append(tags, oss.ToString(t.Key)+"="+oss.ToString(t.Value))
			}
		}
		slices.Sort(tags)
		return Outcome{Status: 200, Body: strings.Join(tags, "&")}, nil
	case OpPutObjectACL:
		_, err := c.PutObjectAcl(ctx, &oss.PutObjectAclRequest{Bucket: b, Key: k, Acl: oss.ObjectACLType(s.ACL)})
		return Outcome{Status: 200}, err
	}
	return Outcome{}, fmt.Errorf("fuzz: unknown op %q", s.Op)
}

func (e *ossExecutor) list(ctx context.Context, s Step) (Outcome, error) {
	in := &oss.ListObjectsV2Request{Bucket: oss.Ptr(e.names[s.Bucket])}
	if s.Prefix != "" {
		in.Prefix = oss.Ptr(s.Prefix)
	}
	if s.Delimiter != "" {
		in.Delimiter = oss.Ptr(s.Delimiter)
	}
	if s.StartAfter != "" {
		in.StartAfter = oss.Ptr(s.StartAfter)
	}
	if s.MaxKeys != 0 {
		in.MaxKeys = int32(s.MaxKeys)
	}
	var pages []page
	for len(pages) < maxPages {
		out, err := e.client.ListObjectsV2(ctx, in)
		if err != nil {
			if len(pages) > 0 {
				return Outcome{Status: 200, Body: renderPages(pages) + fmt.Sprintf("[page %d: %v]", len(pages)+1, ossOutcome(err, false))}, nil
			}
			return Outcome{}, err
		}
		var p page
		for _, o := range out.Contents {
			p.keys = append(p.keys, fmt.Sprintf("%s %d %s", oss.ToString(o.Key), o.Size, oss.ToString(o.ETag)))
		}
		for _, cp := range out.CommonPrefixes {
			p.prefixes = append(p.prefixes, oss.ToString(cp.Prefix))
		}
		p.truncated = out.IsTruncated
		if int(out.KeyCount) != len(p.keys)+len(p.prefixes) {
			p.prefixes = append(p.prefixes, fmt.Sprintf("!KeyCount=%d", out.KeyCount))
		}
		pages = append(pages, p)
		if !p.truncated || oss.ToString(out.NextContinuationToken) == "" {
			break
		}
		in.ContinuationToken = out.NextContinuationToken
	}
	return Outcome{Status: 200, Body: renderPages(pages)}, nil
}

// ossCleanup empties and deletes the buckets of a run, ignoring errors.
func ossCleanup(ctx context.Context, c *oss.Client, names []string) {
	for _, name := range names {
		b := oss.Ptr(name)
		ups, err := c.ListMultipartUploads(ctx, &oss.ListMultipartUploadsRequest{Bucket: b})
		if err != nil {
			continue
		}
		for _, u := range ups.Uploads {
			c.AbortMultipartUpload(ctx, &oss.AbortMultipartUploadRequest{Bucket: b, Key: u.Key, UploadId: u.UploadId})
		}
		p := c.NewListObjectsV2Paginator(&oss.ListObjectsV2Request{Bucket: b})
		for p.HasNext() {
			out, err := p.NextPage(ctx)
			if err != nil {
				break
			}
			for _, o := range out.Contents {
				c.DeleteObject(ctx, &oss.DeleteObjectRequest{Bucket: b, Key: o.Key})
			}
		}
		c.DeleteBucket(ctx, &oss.DeleteBucketRequest{Bucket: b})
	}
}
