package fuzz

import (
	"bytes"
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// ClientOptions says how NewClient reaches an endpoint.
type ClientOptions struct {
	// Endpoint is the base URL, such as "http://127.0.0.1:9000". Required.
	Endpoint string
	// AccessKey and SecretKey sign the requests. Required.
	AccessKey, SecretKey string
	// Region is the signing region. Default "us-east-1".
	Region string
	// HTTPClient carries the requests. Default: the SDK's client.
	HTTPClient *http.Client
	// VirtualHost addresses buckets as <bucket>.<host>. Default: path style.
	VirtualHost bool
}

// NewClient returns an aws-sdk-go-v2 S3 client for an endpoint: static
// credentials, path-style addressing, no retries (the fuzzer wants to see
// every answer as sent).
func NewClient(o ClientOptions) *s3.Client {
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	cfg := aws.Config{
		Region:           o.Region,
		Credentials:      credentials.NewStaticCredentialsProvider(o.AccessKey, o.SecretKey, ""),
		RetryMaxAttempts: 1,
	}
	if o.HTTPClient != nil {
		cfg.HTTPClient = o.HTTPClient
	}
	return s3.NewFromConfig(cfg, func(so *s3.Options) {
		so.BaseEndpoint = aws.String(o.Endpoint)
		so.UsePathStyle = !o.VirtualHost
	})
}

// uploadRef is what an executor knows of a multipart upload label.
type uploadRef struct {
	bucket int
	key    string
	id     string
	etags  map[int]string // part number -> ETag the endpoint returned
}

// executor sends steps to one endpoint.
type executor struct {
	client  *s3.Client
	names   []string // bucket names by index
	uploads map[int]*uploadRef
}

func newExecutor(c *s3.Client, names []string) *executor {
	return &executor{client: c, names: names, uploads: map[int]*uploadRef{}}
}

var noRetry = func(o *s3.Options) { o.RetryMaxAttempts = 1 }

// outcomeOf turns an SDK error into an Outcome.
func outcomeOf(err error, head bool) Outcome {
	var re *awshttp.ResponseError
	if !errors.As(err, &re) {
		return Outcome{Status: 0, Code: "transport: " + err.Error()}
	}
	o := Outcome{Status: re.HTTPStatusCode()}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		o.Code = ae.ErrorCode()
	}
	if head || o.Status == 304 {
		o.Code = ""
	}
	return o
}

// do sends s; cond is the ETag its condition names (model.condETag).
func (e *executor) do(ctx context.Context, s Step, cond string) Outcome {
	o, err := e.send(ctx, s, cond)
	if err != nil {
		return outcomeOf(err, s.Op == OpHeadObject)
	}
	return o
}

func (e *executor) upload(label int) *uploadRef {
	if u := e.uploads[label]; u != nil {
		return u
	}
	// An upload this endpoint never created: a well-formed ID nobody has.
	return &uploadRef{bucket: 0, key: "no-such-upload", id: "bm8tc3VjaC11cGxvYWQ", etags: map[int]string{}}
}

func (e *executor) send(ctx context.Context, s Step, cond string) (Outcome, error) {
	c := e.client
	b := aws.String(e.names[s.Bucket])
	k := aws.String(s.Key)
	switch s.Op {
	case OpCreateBucket:
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: b}, noRetry)
		return Outcome{Status: 200}, err
	case OpDeleteBucket:
		_, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: b}, noRetry)
		return Outcome{Status: 204}, err
	case OpPutObject:
		in := &s3.PutObjectInput{Bucket: b, Key: k, Body: bytes.NewReader(s.body()), ContentLength: aws.Int64(int64(s.Size))}
		switch s.Cond {
		case CondIfNoneMatchStar:
			in.IfNoneMatch = aws.String("*")
		case CondIfMatchCurrent, CondIfMatchOther:
			in.IfMatch = aws.String(cond)
		}
		out, err := c.PutObject(ctx, in, noRetry)
		if err != nil {
			return Outcome{}, err
		}
		return Outcome{Status: 200, ETag: aws.ToString(out.ETag)}, nil
	case OpGetObject:
		in := &s3.GetObjectInput{Bucket: b, Key: k}
		if s.Range != "" {
			in.Range = aws.String(s.Range)
		}
		setCond(s.Cond, cond, &in.IfMatch, &in.IfNoneMatch)
		out, err := c.GetObject(ctx, in, noRetry)
		if err != nil {
			return Outcome{}, err
		}
		defer out.Body.Close()
		h := md5.New()
		n, err := io.Copy(h, out.Body)
		if err != nil {
			return Outcome{Status: 0, Code: "body: " + err.Error()}, nil
		}
		status := 200
		body := fmt.Sprintf("len=%d md5=%x", n, h.Sum(nil)[:4])
		if cr := aws.ToString(out.ContentRange); cr != "" {
			status = 206
			body += " range=" + cr
		}
		if out.ContentLength != nil && *out.ContentLength != n {
			body += fmt.Sprintf(" content-length=%d", *out.ContentLength)
		}
		return Outcome{Status: status, ETag: aws.ToString(out.ETag), Body: body}, nil
	case OpHeadObject:
		in := &s3.HeadObjectInput{Bucket: b, Key: k}
		setCond(s.Cond, cond, &in.IfMatch, &in.IfNoneMatch)
		out, err := c.HeadObject(ctx, in, noRetry)
		if err != nil {
			return Outcome{}, err
		}
		return Outcome{Status: 200, ETag: aws.ToString(out.ETag), Body: fmt.Sprintf("len=%d", aws.ToInt64(out.ContentLength))}, nil
	case OpDeleteObject:
		_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: k}, noRetry)
		return Outcome{Status: 204}, err
	case OpCopyObject:
		src := e.names[s.SrcBucket] + "/" + escapePath(s.SrcKey)
		out, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: k, CopySource: aws.String(src)}, noRetry)
		if err != nil {
			return Outcome{}, err
		}
		return Outcome{Status: 200, ETag: aws.ToString(out.CopyObjectResult.ETag)}, nil
	case OpCreateMultipartUpload:
		out, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: k}, noRetry)
		if err != nil {
			return Outcome{}, err
		}
		e.uploads[s.Upload] = &uploadRef{bucket: s.Bucket, key: s.Key, id: aws.ToString(out.UploadId), etags: map[int]string{}}
		return Outcome{Status: 200}, nil
	case OpUploadPart:
		u := e.upload(s.Upload)
		out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String(e.names[u.bucket]), Key: aws.String(u.key), UploadId: aws.String(u.id),
			PartNumber: aws.Int32(int32(s.Part)), Body: bytes.NewReader(s.body()), ContentLength: aws.Int64(int64(s.Size))}, noRetry)
		if err != nil {
			return Outcome{}, err
		}
		u.etags[s.Part] = aws.ToString(out.ETag)
		return Outcome{Status: 200, ETag: aws.ToString(out.ETag)}, nil
	case OpCompleteMultipartUpload:
		u := e.upload(s.Upload)
		var parts []types.CompletedPart
		for _, n := range s.Parts {
			etag := u.etags[n]
			if etag == "" {
				etag = emptyMD5
			}
			parts = append(parts, types.CompletedPart{PartNumber: aws.Int32(int32(n)), ETag: aws.String(etag)})
		}
		out, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(e.names[u.bucket]), Key: aws.String(u.key),
			UploadId: aws.String(u.id), MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}}, noRetry)
		if err != nil {
			return Outcome{}, err
		}
		return Outcome{Status: 200, ETag: aws.ToString(out.ETag)}, nil
	case OpAbortMultipartUpload:
		u := e.upload(s.Upload)
		_, err := c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String(e.names[u.bucket]), Key: aws.String(u.key), UploadId: aws.String(u.id)}, noRetry)
		return Outcome{Status: 204}, err
	case OpListObjectsV2:
		return e.list(ctx, s)
	case OpPutObjectTagging:
		tags := []types.Tag{}
		for _, t := range s.Tags {
			k, v, _ := strings.Cut(t, "=")
			tags = append(tags, types.Tag{Key: aws.String(k), Value: aws.String(v)})
		}
		_, err := c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: b, Key: k, Tagging: &types.Tagging{TagSet: tags}}, noRetry)
		return Outcome{Status: 200}, err
	case OpGetObjectTagging:
		out, err := c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: b, Key: k}, noRetry)
		if err != nil {
			return Outcome{}, err
		}
		var tags []string
		for _, t := range out.TagSet {
			tags = append(tags, aws.ToString(t.Key)+"="+aws.ToString(t.Value))
		}
		slices.Sort(tags)
		return Outcome{Status: 200, Body: strings.Join(tags, "&")}, nil
	case OpPutObjectACL:
		_, err := c.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: b, Key: k, ACL: types.ObjectCannedACL(s.ACL)}, noRetry)
		return Outcome{Status: 200}, err
	}
	return Outcome{}, fmt.Errorf("fuzz: unknown op %q", s.Op)
}

// maxPages bounds a listing, in case an endpoint never stops truncating.
const maxPages = 1000

func (e *executor) list(ctx context.Context, s Step) (Outcome, error) {
	in := &s3.ListObjectsV2Input{Bucket: aws.String(e.names[s.Bucket])}
	if s.Prefix != "" {
		in.Prefix = aws.String(s.Prefix)
	}
	if s.Delimiter != "" {
		in.Delimiter = aws.String(s.Delimiter)
	}
	if s.StartAfter != "" {
		in.StartAfter = aws.String(s.StartAfter)
	}
	if s.MaxKeys != 0 {
		in.MaxKeys = aws.Int32(int32(s.MaxKeys))
	}
	var pages []page
	for len(pages) < maxPages {
		out, err := e.client.ListObjectsV2(ctx, in, noRetry)
		if err != nil {
			if len(pages) > 0 {
				return Outcome{Status: 200, Body: renderPages(pages) + fmt.Sprintf("[page %d: %v]", len(pages)+1, outcomeOf(err, false))}, nil
			}
			return Outcome{}, err
		}
		var p page
		for _, o := range out.Contents {
			p.keys = append(p.keys, fmt.Sprintf("%s %d %s", aws.ToString(o.Key), aws.ToInt64(o.Size), aws.ToString(o.ETag)))
		}
		for _, cp := range out.CommonPrefixes {
			p.prefixes = append(p.prefixes, aws.ToString(cp.Prefix))
		}
		p.truncated = aws.ToBool(out.IsTruncated)
		if n := aws.ToInt32(out.KeyCount); int(n) != len(p.keys)+len(p.prefixes) {
			p.prefixes = append(p.prefixes, fmt.Sprintf("!KeyCount=%d", n))
		}
		pages = append(pages, p)
		if !p.truncated || aws.ToString(out.NextContinuationToken) == "" {
			break
		}
		in.ContinuationToken = out.NextContinuationToken
	}
	return Outcome{Status: 200, Body: renderPages(pages)}, nil
}

func setCond(c Cond, etag string, ifMatch, ifNoneMatch **string) {
	switch c {
	case CondIfMatchCurrent, CondIfMatchOther:
		*ifMatch = aws.String(etag)
	case CondIfNoneMatchCurrent, CondIfNoneMatchOther:
		*ifNoneMatch = aws.String(etag)
	}
}

// escapePath escapes a key for x-amz-copy-source, keeping slashes.
func escapePath(k string) string {
	parts := strings.Split(k, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}
