package fake_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/minio/minio-go/v7"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/fake"
)

// postForm sends a multipart/form-data POST: fields in sorted order
// (key first, as browsers built from the SDKs' maps do in any order),
// then the file part.
func postForm(t *testing.T, c *http.Client, target string, fields map[string]string, filename, content string) *http.Response {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		require.NoError(t, mw.WriteField(k, fields[k]))
	}
	fw, err := mw.CreateFormFile("file", filename)
	require.NoError(t, err)
	_, err = io.WriteString(fw, content)
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, target, &b)
	require.NoError(t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func readAll(t *testing.T, r io.Reader) string {
	t.Helper()
	b, err := io.ReadAll(r)
	require.NoError(t, err)
	return string(b)
}

// TestPresignPostAWSSDK: aws-sdk-go-v2's PresignPostObject (SigV4 form
// fields, a policy with bucket, key, credential, date and algorithm
// conditions plus the caller's) works unchanged against the fake.
func TestPresignPostAWSSDK(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithBuckets("uploads"))
	c := awsClient(srv, srv.URL, true, true)
	pc := s3.NewPresignClient(c)
	req, err := pc.PresignPostObject(ctx, &s3.PutObjectInput{Bucket: aws.String("uploads"), Key: aws.String("avatars/me.png")},
		func(o *s3.PresignPostOptions) {
			o.Expires = 5 * time.Minute
			o.Conditions = []any{[]any{"content-length-range", 1, 1024}, []any{"starts-with", "$Content-Type", "image/"}}
		})
	require.NoError(t, err)
	fields := req.Values
	fields["Content-Type"] = "image/png"
	resp := postForm(t, srv.HTTPClient(), req.URL, fields, "me.png", "PNG bytes")
	require.Equal(t, http.StatusNoContent, resp.StatusCode, readAll(t, resp.Body))
	require.NotEmpty(t, resp.Header.Get("ETag"))

	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("uploads"), Key: aws.String("avatars/me.png")})
	require.NoError(t, err)
	defer out.Body.Close()
	require.Equal(t, "PNG bytes", readAll(t, out.Body))
	require.Equal(t, "image/png", aws.ToString(out.ContentType))

	// The same form with a file over the range is refused, and nothing
	// is stored.
	resp = postForm(t, srv.HTTPClient(), req.URL, fields, "big.png", strings.Repeat("x", 2000))
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	require.Contains(t, readAll(t, resp.Body), "<Code>EntityTooLarge</Code>")

	// After the policy expires (engine clock), AccessDenied.
	srv.Clock().Advance(6 * time.Minute)
	resp = postForm(t, srv.HTTPClient(), req.URL, fields, "me.png", "PNG bytes")
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	require.Contains(t, readAll(t, resp.Body), "Invalid according to Policy: Policy expired.")
}

// TestPresignPostMinio: minio-go's PresignedPostPolicy (it adds a
// bucket field, x-amz-meta-* and success_action_status) works against
// the fake, over the socket and virtual-host style.
func TestPresignPostMinio(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithBuckets("uploads"))
	for _, lookup := range []minio.BucketLookupType{minio.BucketLookupPath, minio.BucketLookupDNS} {
		c := minioClient(t, srv, true, lookup)
		p := minio.NewPostPolicy()
		require.NoError(t, p.SetBucket("uploads"))
		require.NoError(t, p.SetKeyStartsWith("docs/"))
		require.NoError(t, p.SetExpires(time.Now().UTC().Add(10*time.Minute)))
		require.NoError(t, p.SetContentType("text/plain"))
		require.NoError(t, p.SetContentLengthRange(1, 100))
		require.NoError(t, p.SetUserMetadata("color", "blue"))
		require.NoError(t, p.SetSuccessStatusAction("201"))
		u, fields, err := c.PresignedPostPolicy(ctx, p)
		require.NoError(t, err)
		fields["key"] = "docs/${filename}"
		resp := postForm(t, srv.HTTPClient(), u.String(), fields, "notes.txt", "hello minio")
		body := readAll(t, resp.Body)
		require.Equal(t, http.StatusCreated, resp.StatusCode, body)
		require.Contains(t, body, "<Key>docs/notes.txt</Key>")
		require.Contains(t, body, "<Bucket>uploads</Bucket>")

		// Stat over the socket: the in-memory transport hands the client
		// the handler's header map as is (x-amz-meta-* not canonical), and
		// minio-go looks metadata up by canonical name.
		st, err := minioClient(t, srv, false, minio.BucketLookupPath).StatObject(ctx, "uploads", "docs/notes.txt", minio.StatObjectOptions{})
		require.NoError(t, err)
		require.Equal(t, "blue", st.UserMetadata["Color"], "%v", st.Metadata)
		require.Equal(t, "text/plain", st.ContentType)
	}
}

// TestPresignPostFake: the fake's own generator, S3 and OSS forms, with
// a redirect.
func TestPresignPostFake(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithBuckets("site"))
	c := awsClient(srv, srv.URL, true, true)
	for _, dialect := range []string{"s3", "oss"} {
		form, err := srv.PresignPost("site", "in/${filename}", fake.PostOptions{
			KeyPrefix: "in/", MaxSize: 64, Dialect: dialect,
			Fields: map[string]string{"success_action_redirect": "https://app.example/done?x=1"},
		})
		require.NoError(t, err)
		noRedirect := &http.Client{Transport: srv.HTTPClient().Transport,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp := postForm(t, noRedirect, form.URL, form.Fields, dialect+".txt", "from "+dialect)
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, readAll(t, resp.Body))
		loc, err := url.Parse(resp.Header.Get("Location"))
		require.NoError(t, err)
		require.Equal(t, "app.example", loc.Host)
		require.Equal(t, "1", loc.Query().Get("x"))
		require.Equal(t, "site", loc.Query().Get("bucket"))
		require.Equal(t, "in/"+dialect+".txt", loc.Query().Get("key"))
		require.NotEmpty(t, loc.Query().Get("etag"))

		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("site"), Key: aws.String("in/" + dialect + ".txt")})
		require.NoError(t, err)
		require.Equal(t, "from "+dialect, readAll(t, out.Body))
		out.Body.Close()
	}
}
