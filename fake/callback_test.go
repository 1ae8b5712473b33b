package fake_test

import (
	"context"
	"crypto"
	"crypto/md5"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	osscreds "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/fake"
	"github.com/osslite/osslite/httpapi"
	"github.com/osslite/osslite/pkg/ossauth"
)

// callbackApp is an application server receiving OSS upload callbacks.
// It verifies each one as OSS's sample verifier does: fetch the public
// key from the base64 URL in x-oss-pub-key-url, then check the RSA/MD5
// signature in Authorization over the URL-decoded path, the query, a
// newline and the body.
type callbackApp struct {
	t      *testing.T
	keys   *http.Client // fetches the public key (the fake's in-memory client)
	status int          // answer status (default 200)
	answer string       // answer body (default {"Status":"OK"})
	delay  time.Duration

	mu     sync.Mutex
	bodies []string
	types  []string
	hosts  []string
}

func (a *callbackApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	require.NoError(a.t, err)
	keyURL, err := base64.StdEncoding.DecodeString(r.Header.Get("x-oss-pub-key-url"))
	require.NoError(a.t, err)
	resp, err := a.keys.Get(string(keyURL))
	require.NoError(a.t, err)
	pemBytes, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(a.t, err)
	require.Equal(a.t, http.StatusOK, resp.StatusCode, string(pemBytes))
	block, _ := pem.Decode(pemBytes)
	require.NotNil(a.t, block, "public key is not PEM")
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	require.NoError(a.t, err)
	sig, err := base64.StdEncoding.DecodeString(r.Header.Get("Authorization"))
	require.NoError(a.t, err)
	path, err := url.PathUnescape(r.URL.EscapedPath())
	require.NoError(a.t, err)
	signed := path
	if r.URL.RawQuery != "" {
		signed += "?" + r.URL.RawQuery
	}
	signed += "\n" + string(body)
	sum := md5.Sum([]byte(signed))
	require.NoError(a.t, rsa.VerifyPKCS1v15(pub.(*rsa.PublicKey), crypto.MD5, sum[:], sig), "callback signature")

	a.mu.Lock()
	a.bodies = append(a.bodies, string(body))
	a.types = append(a.types, r.Header.Get("Content-Type"))
	a.hosts = append(a.hosts, r.Host)
	a.mu.Unlock()
	if a.delay > 0 {
		select {
		case <-time.After(a.delay):
		case <-r.Context().Done():
			return
		}
	}
	status, answer := a.status, a.answer
	if status == 0 {
		status = http.StatusOK
	}
	if answer == "" {
		answer = `{"Status":"OK"}`
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, answer)
}

func (a *callbackApp) last() (body, contentType, host string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	require.NotEmpty(a.t, a.bodies, "no callback received")
	n := len(a.bodies) - 1
	return a.bodies[n], a.types[n], a.hosts[n]
}

// newCallbackFake starts a fake whose callbacks reach app.
func newCallbackFake(t *testing.T, app *callbackApp, opts ...httpapi.Option) *fake.Server {
	srv := fake.New(t, fake.WithBuckets("cbbucket"), fake.WithCallbackHandler(app), fake.WithHTTPOptions(opts...))
	app.t, app.keys = t, srv.HTTPClient()
	return srv
}

func ossV2Client(srv *fake.Server) *oss2.Client {
	cfg := oss2.LoadDefaultConfig().
		WithCredentialsProvider(osscreds.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey)).
		WithRegion("cn-hangzhou").WithEndpoint(srv.URL).WithHttpClient(srv.HTTPClient()).WithRetryMaxAttempts(1)
	return oss2.NewClient(cfg)
}

func b64JSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return base64.StdEncoding.EncodeToString(b)
}

// TestCallbackPutObjectV2: PutObject with x-oss-callback and
// x-oss-callback-var through the v2 SDK: the application gets the
// form-encoded body with the system and custom variables, signed; the
// client gets the application's JSON.
func TestCallbackPutObjectV2(t *testing.T) {
	app := &callbackApp{answer: `{"Status":"OK","id":7}`}
	srv := newCallbackFake(t, app)
	c := ossV2Client(srv)
	cb := b64JSON(t, map[string]string{
		"callbackUrl":  "http://127.0.0.1:9/notify?src=oss",
		"callbackHost": "app.example",
		"callbackBody": "bucket=${bucket}&object=${object}&etag=${etag}&size=${size}&mimeType=${mimeType}&h=${imageInfo.height}&my_var=${x:my_var}",
	})
	out, err := c.PutObject(context.Background(), &oss2.PutObjectRequest{
		Bucket: oss2.Ptr("cbbucket"), Key: oss2.Ptr("dir/a b.txt"), Body: strings.NewReader("hello"),
		ContentType: oss2.Ptr("text/plain"),
		Callback:    oss2.Ptr(cb), CallbackVar: oss2.Ptr(b64JSON(t, map[string]string{"x:my_var": "v 1&2"})),
	})
	require.NoError(t, err)
	require.Equal(t, map[string]any{"Status": "OK", "id": float64(7)}, out.CallbackResult)
	body, ct, host := app.last()
	require.Equal(t, "application/x-www-form-urlencoded", ct)
	require.Equal(t, "app.example", host)
	require.Equal(t, "bucket=cbbucket&object=dir%2Fa+b.txt&etag=5D41402ABC4B2A76B9719D911017C592&size=5&mimeType=text%2Fplain&h=&my_var=v+1%262", body)
}

// TestCallbackCompleteV2: CompleteMultipartUpload with a JSON callback
// body; the object's size is the whole object's.
func TestCallbackCompleteV2(t *testing.T) {
	app := &callbackApp{}
	srv := newCallbackFake(t, app)
	c := ossV2Client(srv)
	ctx := context.Background()
	init, err := c.InitiateMultipartUpload(ctx, &oss2.InitiateMultipartUploadRequest{Bucket: oss2.Ptr("cbbucket"), Key: oss2.Ptr("big")})
	require.NoError(t, err)
	part, err := c.UploadPart(ctx, &oss2.UploadPartRequest{Bucket: oss2.Ptr("cbbucket"), Key: oss2.Ptr("big"), UploadId: init.UploadId,
		PartNumber: 1, Body: strings.NewReader("abc")})
	require.NoError(t, err)
	out, err := c.CompleteMultipartUpload(ctx, &oss2.CompleteMultipartUploadRequest{
		Bucket: oss2.Ptr("cbbucket"), Key: oss2.Ptr("big"), UploadId: init.UploadId,
		CompleteMultipartUpload: &oss2.CompleteMultipartUpload{Parts: []oss2.UploadPart{{PartNumber: 1, ETag: part.ETag}}},
		Callback: oss2.Ptr(b64JSON(t, map[string]string{
			"callbackUrl":      "localhost/done",
			"callbackBody":     `{"object":${object},"size":${size},"quoted":"${x:q}"}`,
			"callbackBodyType": "application/json",
		})),
		CallbackVar: oss2.Ptr(b64JSON(t, map[string]string{"x:q": `say "hi"`})),
	})
	require.NoError(t, err)
	require.Equal(t, map[string]any{"Status": "OK"}, out.CallbackResult)
	body, ct, _ := app.last()
	require.Equal(t, "application/json", ct)
	require.JSONEq(t, `{"object":"big","size":3,"quoted":"say \"hi\""}`, body)
}

// TestCallbackFailedV2: an application answering 500 makes the upload
// answer 203 CallbackFailed (an error for the v2 SDK); the object stays.
func TestCallbackFailedV2(t *testing.T) {
	app := &callbackApp{status: http.StatusInternalServerError}
	srv := newCallbackFake(t, app)
	c := ossV2Client(srv)
	ctx := context.Background()
	_, err := c.PutObject(ctx, &oss2.PutObjectRequest{
		Bucket: oss2.Ptr("cbbucket"), Key: oss2.Ptr("kept"), Body: strings.NewReader("data"),
		Callback: oss2.Ptr(b64JSON(t, map[string]string{"callbackUrl": "127.0.0.1/a;127.0.0.2/b", "callbackBody": "k=${object}"})),
	})
	var se *oss2.ServiceError
	require.True(t, errors.As(err, &se), "%v", err)
	require.Equal(t, 203, se.StatusCode)
	require.Equal(t, "CallbackFailed", se.Code)
	require.Contains(t, se.Message, "Error status : 500.")
	app.mu.Lock()
	require.Len(t, app.bodies, 2, "both URLs tried")
	app.mu.Unlock()
	_, err = c.HeadObject(ctx, &oss2.HeadObjectRequest{Bucket: oss2.Ptr("cbbucket"), Key: oss2.Ptr("kept")})
	require.NoError(t, err)
}

// TestCallbackTimeout: an application slower than the callback timeout.
func TestCallbackTimeout(t *testing.T) {
	app := &callbackApp{delay: 5 * time.Second}
	srv := newCallbackFake(t, app, func(c *httpapi.Config) { c.CallbackTimeout = 100 * time.Millisecond })
	_, err := ossV2Client(srv).PutObject(context.Background(), &oss2.PutObjectRequest{
		Bucket: oss2.Ptr("cbbucket"), Key: oss2.Ptr("slow"), Body: strings.NewReader("data"),
		Callback: oss2.Ptr(b64JSON(t, map[string]string{"callbackUrl": "127.0.0.1/slow", "callbackBody": "k=${object}"})),
	})
	var se *oss2.ServiceError
	require.True(t, errors.As(err, &se), "%v", err)
	require.Equal(t, 203, se.StatusCode)
	require.Contains(t, se.Message, "timeout")
}

// TestCallbackRefusedHost: callbacks go to loopback hosts only unless
// the server allows others; one to another host is never sent and fails
// as an unreachable one does at OSS (203 CallbackFailed, the object
// stored). Malformed callback parameters refuse the upload.
func TestCallbackRefusedHost(t *testing.T) {
	app := &callbackApp{}
	srv := newCallbackFake(t, app)
	c := ossV2Client(srv)
	ctx := context.Background()
	_, err := c.PutObject(ctx, &oss2.PutObjectRequest{
		Bucket: oss2.Ptr("cbbucket"), Key: oss2.Ptr("nope"), Body: strings.NewReader("data"),
		Callback: oss2.Ptr(b64JSON(t, map[string]string{"callbackUrl": "http://10.1.2.3/x", "callbackBody": "k=${object}"})),
	})
	var se *oss2.ServiceError
	require.True(t, errors.As(err, &se), "%v", err)
	require.Equal(t, 203, se.StatusCode, "a host the server may not call is a failed callback, as an unreachable one is at OSS")
	require.Equal(t, "CallbackFailed", se.Code)
	require.Equal(t, "0007-00000203", se.EC)
	require.Contains(t, se.Message, "loopback")
	_, err = c.HeadObject(ctx, &oss2.HeadObjectRequest{Bucket: oss2.Ptr("cbbucket"), Key: oss2.Ptr("nope")})
	require.NoError(t, err, "the object is stored")
	app.mu.Lock()
	require.Empty(t, app.bodies, "the refused host is never called")
	app.mu.Unlock()

	for _, bad := range []string{"not base64!", b64JSON(t, map[string]string{"callbackUrl": "127.0.0.1/x"}),
		b64JSON(t, map[string]string{"callbackUrl": "127.0.0.1:99999/x", "callbackBody": "a"}),
		b64JSON(t, map[string]string{"callbackUrl": "127.0.0.1/x", "callbackBody": "a=${bucket", "callbackBodyType": "application/json"}),
	} {
		_, err = c.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr("cbbucket"), Key: oss2.Ptr("nope"), Body: strings.NewReader("d"), Callback: oss2.Ptr(bad)})
		require.True(t, errors.As(err, &se), "%v", err)
		require.Equal(t, "InvalidArgument", se.Code, bad)
	}
}

// TestCallbackV1SDK: the v1 SDK's oss.Callback option, success and the
// 203 failure path.
func TestCallbackV1SDK(t *testing.T) {
	app := &callbackApp{answer: `{"ok":true}`}
	srv := newCallbackFake(t, app)
	client, err := oss1.New(srv.URL, srv.AccessKey, srv.SecretKey, oss1.HTTPClient(srv.HTTPClient()))
	require.NoError(t, err)
	b, err := client.Bucket("cbbucket")
	require.NoError(t, err)
	cb := b64JSON(t, map[string]string{"callbackUrl": "127.0.0.1/v1", "callbackBody": "object=${object}&v=${x:v}"})
	var answer []byte
	require.NoError(t, b.PutObject("v1.txt", strings.NewReader("one"), oss1.Callback(cb),
		oss1.CallbackVar(b64JSON(t, map[string]string{"x:v": "1"})), oss1.CallbackResult(&answer)))
	require.JSONEq(t, `{"ok":true}`, string(answer))
	body, _, _ := app.last()
	require.Equal(t, "object=v1.txt&v=1", body)

	app.status = http.StatusBadGateway
	err = b.PutObject("v1-fail.txt", strings.NewReader("two"), oss1.Callback(cb))
	var se oss1.ServiceError
	require.True(t, errors.As(err, &se), "%v", err)
	require.Equal(t, 203, se.StatusCode)
	require.Equal(t, "CallbackFailed", se.Code)
	ok, err := b.IsObjectExist("v1-fail.txt")
	require.NoError(t, err)
	require.True(t, ok)
}

// TestCallbackPostObject: an OSS PostObject form with a callback field;
// its custom variables are the form's x: fields.
func TestCallbackPostObject(t *testing.T) {
	app := &callbackApp{answer: `{"stored":true}`}
	srv := newCallbackFake(t, app)
	form, err := srv.PresignPost("cbbucket", "form/${filename}", fake.PostOptions{Dialect: "oss", KeyPrefix: "form/"})
	require.NoError(t, err)
	form.Fields["callback"] = b64JSON(t, map[string]string{
		"callbackUrl":  "http://localhost:8080/cb",
		"callbackBody": "object=${object}&size=${size}&who=${x:who}&mime=${mimeType}",
	})
	form.Fields["x:who"] = "browser"
	resp := postForm(t, srv.HTTPClient(), form.URL, form.Fields, "pic.png", "png!")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	require.JSONEq(t, `{"stored":true}`, readAll(t, resp.Body))
	body, _, _ := app.last()
	require.Equal(t, "object=form%2Fpic.png&size=4&who=browser&mime=application%2Foctet-stream", body)

	app.status = http.StatusNotFound
	resp = postForm(t, srv.HTTPClient(), form.URL, form.Fields, "pic2.png", "png!")
	require.Equal(t, 203, resp.StatusCode)
	require.Contains(t, readAll(t, resp.Body), "<Code>CallbackFailed</Code>")
}

// TestCallbackPresignedURL: the callback parameter in a presigned URL's
// query (a signed sub-resource).
func TestCallbackPresignedURL(t *testing.T) {
	app := &callbackApp{}
	srv := newCallbackFake(t, app)
	cb := b64JSON(t, map[string]string{"callbackUrl": "127.0.0.1/pre", "callbackBody": "object=${object}"})
	req, err := http.NewRequest(http.MethodPut, srv.URL+"/cbbucket/pre.txt?callback="+url.QueryEscape(cb), strings.NewReader("presigned"))
	require.NoError(t, err)
	ossauth.PresignV1(req, ossauth.Resource{Bucket: "cbbucket", Key: "pre.txt"},
		ossauth.Credentials{AccessKeyID: srv.AccessKey, AccessKeySecret: srv.SecretKey}, srv.Clock().Now().Add(time.Hour))
	resp, err := srv.HTTPClient().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	answer := readAll(t, resp.Body)
	require.Equal(t, http.StatusOK, resp.StatusCode, answer)
	require.JSONEq(t, `{"Status":"OK"}`, answer)
	body, _, _ := app.last()
	require.Equal(t, "object=pre.txt", body)

	// Header and query together are refused.
	req, err = http.NewRequest(http.MethodPut, srv.URL+"/cbbucket/both.txt?callback="+url.QueryEscape(cb), strings.NewReader("x"))
	require.NoError(t, err)
	req.Header.Set("x-oss-callback", cb)
	ossauth.PresignV1(req, ossauth.Resource{Bucket: "cbbucket", Key: "both.txt"},
		ossauth.Credentials{AccessKeyID: srv.AccessKey, AccessKeySecret: srv.SecretKey}, srv.Clock().Now().Add(time.Hour))
	resp2, err := srv.HTTPClient().Do(req)
	require.NoError(t, err)
	defer resp2.Body.Close()
	require.Equal(t, http.StatusBadRequest, resp2.StatusCode)
	require.Contains(t, readAll(t, resp2.Body), "<Code>InvalidArgument</Code>")
}

// TestCallbackFormLimits: a form's callback is held to the limits of
// the header and query forms (5 KiB for the callback, 5 KiB for its
// variables together), and a template whose variables repeat is not
// rendered past 256 KiB: the object is stored, the client gets 203
// CallbackFailed, and nothing is sent. (A 20 KB template repeating one
// 100 KB variable had rendered 250 MB.)
func TestCallbackFormLimits(t *testing.T) {
	app := &callbackApp{}
	srv := newCallbackFake(t, app)
	form, err := srv.PresignPost("cbbucket", "form/${filename}", fake.PostOptions{Dialect: "oss", KeyPrefix: "form/"})
	require.NoError(t, err)
	post := func(fields map[string]string) *http.Response {
		all := map[string]string{}
		for k, v := range form.Fields {
			all[k] = v
		}
		for k, v := range fields {
			all[k] = v
		}
		return postForm(t, srv.HTTPClient(), form.URL, all, "f.txt", "data")
	}

	long := b64JSON(t, map[string]string{"callbackUrl": "http://localhost:8080/cb", "callbackBody": strings.Repeat("a", 5<<10)})
	resp := post(map[string]string{"callback": long})
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	require.Contains(t, readAll(t, resp.Body), "<Code>InvalidArgument</Code>")

	cb := b64JSON(t, map[string]string{"callbackUrl": "http://localhost:8080/cb", "callbackBody": "v=${x:a}"})
	resp = post(map[string]string{"callback": cb, "x:a": strings.Repeat("v", 3<<10), "x:b": strings.Repeat("v", 3<<10)})
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	require.Contains(t, readAll(t, resp.Body), "<Code>InvalidArgument</Code>")

	repeat := b64JSON(t, map[string]string{"callbackUrl": "http://localhost:8080/cb", "callbackBody": strings.Repeat("${x:a}", 600)})
	resp = post(map[string]string{"callback": repeat, "x:a": strings.Repeat("v", 4<<10)})
	require.Equal(t, 203, resp.StatusCode)
	body := readAll(t, resp.Body)
	require.Contains(t, body, "<Code>CallbackFailed</Code>")
	require.Contains(t, body, "longer than 262144 bytes")
	app.mu.Lock()
	require.Empty(t, app.bodies, "no callback sent")
	app.mu.Unlock()
}
