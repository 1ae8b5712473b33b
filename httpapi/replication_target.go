package httpapi

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/sigv4"
)

// ErrReplicationTarget is wrapped by every error of a delivery to an
// S3ReplicationTarget that the remote endpoint refused.
var ErrReplicationTarget = errors.New("httpapi: replication target refused the request")

// S3ReplicationTarget is an engine.ReplicationTarget that writes replicas
// to the buckets of a remote S3 endpoint (another osslite, or S3 itself):
// path-style URLs, SigV4 with an unsigned, streamed payload. Install it
// in engine.Options.Replication.Targets under the destination bucket's
// ARN. The replica is a new version of the remote bucket with the
// remote's own version ID; the remote does not mark it REPLICA.
type S3ReplicationTarget struct {
	// Endpoint is the base URL, e.g. https://s3.example.com. Required.
	Endpoint string
	// AccessKeyID and SecretAccessKey sign the requests. Required.
	AccessKeyID, SecretAccessKey string
	// Region is the signing region. Default DefaultRegion.
	Region string
	// Client sends the requests. Default http.DefaultClient.
	Client *http.Client
	// Clock stamps the signatures. Default engine.SystemClock.
	Clock engine.Clock
}

// ParseS3ReplicationTarget reads "ARN=ENDPOINT,ACCESS_KEY,SECRET" (the
// -replication-target flag of cmd/osslite) into the ARN and a target.
func ParseS3ReplicationTarget(spec string) (string, *S3ReplicationTarget, error) {
	arn, rest, ok := strings.Cut(spec, "=")
	parts := strings.Split(rest, ",")
	if !ok || !strings.HasPrefix(arn, "arn:aws:s3:::") || len(parts) != 3 {
		return "", nil, fmt.Errorf("httpapi: replication target %q: want arn:aws:s3:::BUCKET=ENDPOINT,ACCESS_KEY,SECRET", spec)
	}
	u, err := url.Parse(parts[0])
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", nil, fmt.Errorf("httpapi: replication target %q: endpoint must be an http(s) URL", spec)
	}
	return arn, &S3ReplicationTarget{Endpoint: parts[0], AccessKeyID: parts[1], SecretAccessKey: parts[2]}, nil
}

// PutObject implements engine.ReplicationTarget: PUT the body with the
// version's metadata, storage class and tags.
func (t *S3ReplicationTarget) PutObject(ctx context.Context, bucket string, info engine.ObjectInfo, body io.Reader) error {
	// The transport may go on reading the body, and close it, after the
	// answer (a remote that refuses before reading it): body is the
	// caller's, so nothing reads it once PutObject returns.
	g := &guardedBody{r: body}
	defer g.Close()
	req, err := t.request(ctx, http.MethodPut, bucket, info.Key, g)
	if err != nil {
		return err
	}
	req.ContentLength = info.Size
	if info.Size == 0 {
		req.Body = http.NoBody
	}
	h := req.Header
	h.Set("Content-Length", strconv.FormatInt(info.Size, 10))
	set := func(k, v string) {
		if v != "" {
			h.Set(k, v)
		}
	}
	// An empty type is sent empty, which S3 keeps (else the default).
	h["Content-Type"] = []string{info.ContentType}
	set("Cache-Control", info.CacheControl)
	set("Content-Disposition", info.ContentDisposition)
	set("Content-Encoding", info.ContentEncoding)
	set("Content-Language", info.ContentLanguage)
	set("Expires", info.Expires)
	set("X-Amz-Storage-Class", info.StorageClass)
	for k, v := range info.User {
		h.Set("X-Amz-Meta-"+k, v)
	}
	if enc := info.Encryption; enc != nil {
		// The replica is encrypted at rest as the source is: SSE-S3, or
		// SSE-KMS under the rule's replica key (engine.deliver sets it).
		switch enc.Mode {
		case engine.EncryptManaged:
			h.Set("X-Amz-Server-Side-Encryption", "AES256")
		case engine.EncryptKMS:
			h.Set("X-Amz-Server-Side-Encryption", "aws:kms")
			set("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id", enc.KeyID)
		}
	}
	if len(info.Tags) > 0 {
		q := url.Values{}
		for _, tg := range info.Tags {
			q.Add(tg.Key, tg.Value)
		}
		h.Set("X-Amz-Tagging", q.Encode())
	}
	return t.do(req)
}

// guardedBody is a request body that a transport may read and close from
// goroutines of its own, even after RoundTrip returned (the
// http.RoundTripper contract): Read and Close are serialised, nothing is
// read after Close, and the reader it wraps is left open for its owner.
type guardedBody struct {
	mu     sync.Mutex
	r      io.Reader
	closed bool
}

func (g *guardedBody) Read(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return 0, errBodyClosed
	}
	return g.r.Read(p)
}

func (g *guardedBody) Close() error {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
	return nil
}

var errBodyClosed = errors.New("httpapi: replication request body read after its request ended")

// PutDeleteMarker implements engine.ReplicationTarget: DELETE the key.
func (t *S3ReplicationTarget) PutDeleteMarker(ctx context.Context, bucket, key string) error {
	req, err := t.request(ctx, http.MethodDelete, bucket, key, nil)
	if err != nil {
		return err
	}
	return t.do(req)
}

// PutObjectTags implements engine.ReplicationTagsTarget: PUT ?tagging
// on the key's newest version (DELETE ?tagging for none), with the
// Content-MD5 S3 requires of it.
func (t *S3ReplicationTarget) PutObjectTags(ctx context.Context, bucket, key string, tags []engine.Tag) error {
	if len(tags) == 0 {
		req, err := t.request(ctx, http.MethodDelete, bucket, key, nil)
		if err != nil {
			return err
		}
		req.URL.RawQuery = "tagging="
		return t.do(req)
	}
	doc := tagsToXML(tags)
	doc.XMLName.Local = "Tagging"
	body, err := xml.Marshal(doc)
	if err != nil {
		return err
	}
	req, err := t.request(ctx, http.MethodPut, bucket, key, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.URL.RawQuery = "tagging="
	sum := md5.Sum(body)
	req.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString(sum[:]))
	return t.do(req)
}

func (t *S3ReplicationTarget) request(ctx context.Context, method, bucket, key string, body io.Reader) (*http.Request, error) {
	u := strings.TrimSuffix(t.Endpoint, "/") + "/" + bucket + "/" + sigv4.UriEncode(key, false)
	return http.NewRequestWithContext(ctx, method, u, body)
}

// do signs and sends req; a non-2xx answer is an error naming the
// remote's error document (its first KiB).
func (t *S3ReplicationTarget) do(req *http.Request) error {
	region := t.Region
	if region == "" {
		region = DefaultRegion
	}
	clock := t.Clock
	if clock == nil {
		clock = engine.SystemClock
	}
	creds := sigv4.Credentials{AccessKeyID: t.AccessKeyID, SecretAccessKey: t.SecretAccessKey}
	if _, err := sigv4.SignRequest(req, creds, region, "s3", clock.Now(), ""); err != nil {
		return err
	}
	client := t.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var msg bytes.Buffer
	_, _ = io.CopyN(&msg, resp.Body, 1<<10)
	if resp.StatusCode/100 != 2 {
		err := fmt.Errorf("%w: %s %s: %s: %s", ErrReplicationTarget, req.Method, req.URL.Path, resp.Status, msg.String())
		if remoteErrorCode(msg.Bytes()) == "NoSuchBucket" {
			// The engine reports it as S3's DstBucketNotFound.
			err = fmt.Errorf("%w (%w)", err, engine.ErrNoSuchBucket)
		}
		return err
	}
	return nil
}

// remoteErrorCode is the Code of an S3 error document ("" when doc is
// none).
func remoteErrorCode(doc []byte) string {
	var e struct {
		Code string `xml:"Code"`
	}
	if xml.Unmarshal(doc, &e) != nil {
		return ""
	}
	return e.Code
}
