package fake

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/osslite/osslite/pkg/ossauth"
	"github.com/osslite/osslite/pkg/sigv4"
)

// PostOptions configures PresignPost. The zero value is an S3 SigV4 form
// for exactly the key given, valid for 15 minutes.
type PostOptions struct {
	// Expires is how long the policy is valid, counted from the server's
	// Clock. Default 15 minutes.
	Expires time.Duration
	// Fields are extra form fields (Content-Type, x-amz-meta-*, acl,
	// success_action_status, ...); each is covered by an exact-match
	// policy condition.
	Fields map[string]string
	// Conditions are extra policy conditions, as JSON values:
	// []any{"starts-with", "$key", "uploads/"} or
	// map[string]string{"x-amz-meta-color": "red"}.
	Conditions []any
	// MinSize and MaxSize, when MaxSize > 0, add the condition
	// ["content-length-range", MinSize, MaxSize].
	MinSize, MaxSize int64
	// KeyPrefix, when set, allows any key starting with it (a
	// starts-with condition) instead of exactly the key given; the key
	// field is still the key given, which may use ${filename}.
	KeyPrefix string
	// Dialect is "s3" (default: the SigV4 fields x-amz-algorithm,
	// x-amz-credential, x-amz-date, x-amz-signature) or "oss" (the OSS V4
	// fields x-oss-signature-version, x-oss-credential, x-oss-date,
	// x-oss-signature).
	Dialect string
}

// PostForm is a presigned browser upload: POST a multipart/form-data body
// to URL with Fields (in any order) followed by the file part, named
// "file".
type PostForm struct {
	URL    string
	Fields map[string]string
}

// PresignPost returns a browser-upload form for bucket and key, signed
// with the server's credentials on its Clock: what a web application
// hands a browser so that it uploads straight to the store.
func (s *Server) PresignPost(bucket, key string, opts PostOptions) (PostForm, error) {
	if opts.Expires <= 0 {
		opts.Expires = 15 * time.Minute
	}
	now := s.clock.Now().UTC()
	fields := map[string]string{"key": key}
	conds := []any{map[string]string{"bucket": bucket}}
	if opts.KeyPrefix != "" {
		conds = append(conds, []any{"starts-with", "$key", opts.KeyPrefix})
	} else {
		conds = append(conds, map[string]string{"key": key})
	}
	for k, v := range opts.Fields {
		fields[k] = v
		conds = append(conds, map[string]string{k: v})
	}
	if opts.MaxSize > 0 {
		conds = append(conds, []any{"content-length-range", opts.MinSize, opts.MaxSize})
	}
	conds = append(conds, opts.Conditions...)
	date := now.Format("20060102")
	var prefix, algorithm, credential string
	switch opts.Dialect {
	case "", "s3":
		prefix, algorithm = "x-amz-", sigv4.Algorithm
		credential = s.AccessKey + "/" + date + "/" + s.Region + "/s3/aws4_request"
		fields["x-amz-algorithm"] = algorithm
	case "oss":
		prefix, algorithm = "x-oss-", "OSS4-HMAC-SHA256"
		credential = s.AccessKey + "/" + date + "/" + s.Region + "/oss/aliyun_v4_request"
		fields["x-oss-signature-version"] = algorithm
	default:
		return PostForm{}, fmt.Errorf("fake: PresignPost: unknown dialect %q", opts.Dialect)
	}
	fields[prefix+"credential"] = credential
	fields[prefix+"date"] = now.Format(sigv4.TimeFormat)
	for _, n := range []string{"algorithm", "credential", "date"} {
		name := prefix + n
		if n == "algorithm" && opts.Dialect == "oss" {
			name = "x-oss-signature-version"
		}
		conds = append(conds, map[string]string{name: fields[name]})
	}
	doc, err := json.Marshal(map[string]any{
		"expiration": now.Add(opts.Expires).Format("2006-01-02T15:04:05.000Z"),
		"conditions": conds,
	})
	if err != nil {
		return PostForm{}, fmt.Errorf("fake: PresignPost: %w", err)
	}
	policy := base64.StdEncoding.EncodeToString(doc)
	fields["policy"] = policy
	if opts.Dialect == "oss" {
		scope := ossauth.Scope{Date: date, Region: s.Region, Product: ossauth.DefaultProduct}
		fields["x-oss-signature"] = ossauth.SignV4(s.SecretKey, scope, policy)
	} else {
		fields["x-amz-signature"] = sigv4.Signature(sigv4.SigningKey(s.SecretKey, date, s.Region, "s3"), policy)
	}
	return PostForm{URL: s.URL + "/" + url.PathEscape(bucket), Fields: fields}, nil
}

// WithCallbackHandler delivers OSS upload callbacks (x-oss-callback on
// PutObject, CompleteMultipartUpload and PostObject) to h in memory, with
// no socket: whatever host the callbackUrl names (it must still be a
// loopback address or "localhost", as the server allows by default).
// h sees the request as the application server would, signed with the
// server's key (httpapi.CallbackKeyPath serves the public half).
func WithCallbackHandler(h http.Handler) Option {
	return func(c *config) { c.callback = h }
}
