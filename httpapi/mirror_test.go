package httpapi_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/osslite/osslite/httpapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mirrorOrigin is an origin server for mirror-back tests: it records the
// requests it gets and serves a few paths.
type mirrorOrigin struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []*http.Request
	// release lets /big/ finish its body.
	release chan struct{}
}

const bigHead, bigSize = 1 << 20, 8 << 20

func bigBody() []byte {
	b := make([]byte, bigSize)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}

func newMirrorOrigin(t *testing.T) *mirrorOrigin {
	o := &mirrorOrigin{release: make(chan struct{})}
	big := bigBody()
	o.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		o.reqs = append(o.reqs, r.Clone(context.Background()))
		o.mu.Unlock()
		sum := func(s string) string { m := md5.Sum([]byte(s)); return base64.StdEncoding.EncodeToString(m[:]) }
		switch p := r.URL.Path; {
		case p == "/o/img/a.txt":
			w.Header().Set("Content-Type", "text/plain")
			w.Header().Set("Cache-Control", "max-age=60")
			io.WriteString(w, "hello from origin")
		case p == "/renamed/x.txt":
			io.WriteString(w, "renamed")
		case p == "/md5/good.txt":
			w.Header().Set("Content-MD5", sum("data"))
			io.WriteString(w, "data")
		case p == "/md5/bad.txt":
			w.Header().Set("Content-MD5", sum("other"))
			io.WriteString(w, "data")
		case strings.HasPrefix(p, "/redir/"), strings.HasPrefix(p, "/follow/"):
			http.Redirect(w, r, "/target/"+p[strings.LastIndexByte(p, '/')+1:], http.StatusFound)
		case strings.HasPrefix(p, "/target/"):
			io.WriteString(w, "followed")
		case p == "/big/stream":
			w.Header().Set("Content-Length", "8388608")
			w.Write(big[:bigHead])
			w.(http.Flusher).Flush()
			<-o.release
			w.Write(big[bigHead:])
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(o.Close)
	return o
}

// last returns the last request the origin got.
func (o *mirrorOrigin) last(t *testing.T) *http.Request {
	o.mu.Lock()
	defer o.mu.Unlock()
	require.NotEmpty(t, o.reqs)
	return o.reqs[len(o.reqs)-1]
}

func (o *mirrorOrigin) count() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.reqs)
}

// mirrorRule is a Mirror routing rule for keys under prefix.
func mirrorRule(n int64, prefix, url string, edit func(*oss2.RoutingRuleRedirect)) oss2.RoutingRule {
	rd := &oss2.RoutingRuleRedirect{RedirectType: oss2.Ptr("Mirror"), MirrorURL: oss2.Ptr(url)}
	if edit != nil {
		edit(rd)
	}
	return oss2.RoutingRule{RuleNumber: oss2.Ptr(n), Redirect: rd,
		Condition: &oss2.RoutingRuleCondition{KeyPrefixEquals: oss2.Ptr(prefix), HttpErrorCodeReturnedEquals: oss2.Ptr(int64(404))}}
}

// mirrorBucket makes bucket "mirror" with the test's Mirror rules.
func mirrorBucket(t *testing.T, c *oss2.Client, origin string, acl oss2.BucketACLType) {
	ctx := context.Background()
	_, err := c.PutBucket(ctx, &oss2.PutBucketRequest{Bucket: oss2.Ptr("mirror"), Acl: acl})
	require.NoError(t, err)
	_, err = c.PutBucketWebsite(ctx, &oss2.PutBucketWebsiteRequest{Bucket: oss2.Ptr("mirror"), WebsiteConfiguration: &oss2.WebsiteConfiguration{
		RoutingRules: &oss2.RoutingRules{RoutingRules: []oss2.RoutingRule{
			mirrorRule(1, "img/", origin+"/o/", func(rd *oss2.RoutingRuleRedirect) {
				rd.MirrorPassQueryString = oss2.Ptr(true)
				rd.MirrorHeaders = &oss2.MirrorHeaders{PassAll: oss2.Ptr(true), Removes: []string{"X-Drop"},
					Sets: []oss2.MirrorHeadersSet{{Key: oss2.Ptr("X-Set"), Value: oss2.Ptr("set-v")}}}
			}),
			mirrorRule(2, "pass/", origin+"/", func(rd *oss2.RoutingRuleRedirect) {
				rd.ReplaceKeyPrefixWith = oss2.Ptr("renamed/")
				rd.MirrorHeaders = &oss2.MirrorHeaders{Passes: []string{"X-Keep"}}
			}),
			mirrorRule(3, "md5/", origin+"/", func(rd *oss2.RoutingRuleRedirect) { rd.MirrorCheckMd5 = oss2.Ptr(true) }),
			mirrorRule(4, "ext/", "http://origin.example/", nil),
			mirrorRule(5, "redir/", origin+"/", func(rd *oss2.RoutingRuleRedirect) { rd.MirrorFollowRedirect = oss2.Ptr(false) }),
			mirrorRule(6, "follow/", origin+"/", nil),
			mirrorRule(7, "big/", origin+"/", nil),
			mirrorRule(8, "missing/", origin+"/", nil),
		}},
	}})
	require.NoError(t, err)
}

func getString(t *testing.T, c *oss2.Client, key string, common oss2.RequestCommon) (string, *oss2.GetObjectResult, error) {
	t.Helper()
	res, err := c.GetObject(context.Background(), &oss2.GetObjectRequest{Bucket: oss2.Ptr("mirror"), Key: oss2.Ptr(key), RequestCommon: common})
	if err != nil {
		return "", nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return string(b), res, nil
}

func headMissing(t *testing.T, c *oss2.Client, key string) {
	t.Helper()
	_, err := c.HeadObject(context.Background(), &oss2.HeadObjectRequest{Bucket: oss2.Ptr("mirror"), Key: oss2.Ptr(key)})
	wantOSS(t, err, 404, "NoSuchKey", "")
}

// TestMirrorBackToOrigin drives OSS mirror-back with the OSS SDK v2: a
// signed GET of a missing key fetches it from the origin, answers it and
// stores it.
func TestMirrorBackToOrigin(t *testing.T) {
	origin := newMirrorOrigin(t)
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	mirrorBucket(t, c, origin.URL, oss2.BucketACLPrivate)

	// A miss: fetched (query and headers as the rule says), answered, stored.
	body, res, err := getString(t, c, "img/a.txt", oss2.RequestCommon{Parameters: map[string]string{"v": "1"},
		Headers: map[string]string{"X-Drop": "no", "X-Other": "yes", "X-Set": "client"}})
	require.NoError(t, err)
	assert.Equal(t, "hello from origin", body)
	assert.Equal(t, "text/plain", oss2.ToString(res.ContentType))
	req := origin.last(t)
	assert.Equal(t, "/o/img/a.txt", req.URL.Path)
	assert.Equal(t, "v=1", req.URL.RawQuery, "MirrorPassQueryString passes the query, not the signature")
	assert.Equal(t, "yes", req.Header.Get("X-Other"), "PassAll")
	assert.Empty(t, req.Header.Get("X-Drop"), "Remove")
	assert.Equal(t, "set-v", req.Header.Get("X-Set"), "Set")
	assert.Empty(t, req.Header.Get("Authorization"), "credentials are never passed")
	for k := range req.Header {
		assert.False(t, strings.HasPrefix(strings.ToLower(k), "x-oss-"), k)
	}

	// Stored: served locally once the origin is gone, with its headers.
	n := origin.count()
	body, res, err = getString(t, c, "img/a.txt", oss2.RequestCommon{})
	require.NoError(t, err)
	assert.Equal(t, "hello from origin", body)
	assert.Equal(t, "text/plain", oss2.ToString(res.ContentType))
	assert.Equal(t, "max-age=60", res.Headers.Get("Cache-Control"))
	assert.Equal(t, n, origin.count(), "a stored key is not fetched again")

	// Prefix replacement and Pass.
	body, _, err = getString(t, c, "pass/x.txt", oss2.RequestCommon{Headers: map[string]string{"X-Keep": "k", "X-Other": "o"}})
	require.NoError(t, err)
	assert.Equal(t, "renamed", body)
	req = origin.last(t)
	assert.Equal(t, "/renamed/x.txt", req.URL.Path)
	assert.Equal(t, "k", req.Header.Get("X-Keep"))
	assert.Empty(t, req.Header.Get("X-Other"), "without PassAll only Pass headers go")
	assert.Empty(t, req.URL.RawQuery)
	body, _, err = getString(t, c, "pass/x.txt", oss2.RequestCommon{})
	require.NoError(t, err)
	assert.Equal(t, "renamed", body, "stored under the requested key")

	// MirrorCheckMd5.
	body, _, err = getString(t, c, "md5/good.txt", oss2.RequestCommon{})
	require.NoError(t, err)
	assert.Equal(t, "data", body)
	_, err = c.GetObject(context.Background(), &oss2.GetObjectRequest{Bucket: oss2.Ptr("mirror"), Key: oss2.Ptr("md5/bad.txt")})
	require.Error(t, err, "a body that fails its Content-MD5 is cut short")
	headMissing(t, c, "md5/bad.txt")

	// The origin's 404 is the client's NoSuchKey; nothing stored.
	_, _, err = getString(t, c, "missing/none.txt", oss2.RequestCommon{})
	wantOSS(t, err, 404, "NoSuchKey", "")
	headMissing(t, c, "missing/none.txt")
	// Keys no rule matches are plain misses.
	n = origin.count()
	_, _, err = getString(t, c, "other/none.txt", oss2.RequestCommon{})
	wantOSS(t, err, 404, "NoSuchKey", "")
	assert.Equal(t, n, origin.count())

	// A fetch of a mirror (this server as another's origin) is not
	// mirrored again.
	_, _, err = getString(t, c, "follow/hop.txt", oss2.RequestCommon{Headers: map[string]string{"X-Osslite-Mirror": "1"}})
	wantOSS(t, err, 404, "NoSuchKey", "")
	assert.Equal(t, n, origin.count())
	assert.Equal(t, "1", origin.last(t).Header.Get("X-Osslite-Mirror"), "the server marks its fetches")

	// An origin the server may not fetch from.
	_, _, err = getString(t, c, "ext/a.txt", oss2.RequestCommon{})
	e := wantOSS(t, err, 501, "NotImplemented", "")
	assert.Contains(t, e.message, "-mirror-origin")
	assert.Contains(t, e.message, "http://origin.example")

	// Redirects: followed by default, passed through with
	// MirrorFollowRedirect false.
	body, _, err = getString(t, c, "follow/f.txt", oss2.RequestCommon{})
	require.NoError(t, err)
	assert.Equal(t, "followed", body)
	anon := f.getter(t)
	ossURL := strings.Replace(f.srv.URL, "127.0.0.1", "oss-cn-hangzhou.aliyuncs.com", 1)
	resp := anon("GET", ossURL+"/mirror/redir/r.txt")
	require.Equal(t, 403, resp.StatusCode, "a private bucket's anonymous readers get nothing")
	_, err = c.PutBucketAcl(context.Background(), &oss2.PutBucketAclRequest{Bucket: oss2.Ptr("mirror"), Acl: oss2.BucketACLPublicRead})
	require.NoError(t, err)
	resp = anon("GET", ossURL+"/mirror/redir/r.txt")
	require.Equal(t, 302, resp.StatusCode, string(resp.body))
	assert.Equal(t, origin.URL+"/target/r.txt", resp.Header.Get("Location"))
	headMissing(t, c, "redir/r.txt")

	// Anonymous website readers mirror too.
	resp = anon("GET", ossURL+"/mirror/follow/anon.txt")
	require.Equal(t, 200, resp.StatusCode, string(resp.body))
	assert.Equal(t, "followed", string(resp.body))
	resp = anon("HEAD", ossURL+"/mirror/follow/head.txt")
	assert.Equal(t, 404, resp.StatusCode, "OSS mirrors on GET only")

	// A Range GET that mirrors stores the whole object, then answers the range.
	ranged, err := c.GetObject(context.Background(), &oss2.GetObjectRequest{Bucket: oss2.Ptr("mirror"), Key: oss2.Ptr("follow/range.txt"), Range: oss2.Ptr("bytes=0-2")})
	require.NoError(t, err)
	part, err := io.ReadAll(ranged.Body)
	ranged.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, 206, ranged.StatusCode)
	assert.Equal(t, "fol", string(part))

	origin.Close()
	body, _, err = getString(t, c, "follow/anon.txt", oss2.RequestCommon{})
	require.NoError(t, err)
	assert.Equal(t, "followed", body, "served with the origin stopped")
	body, _, err = getString(t, c, "follow/range.txt", oss2.RequestCommon{})
	require.NoError(t, err)
	assert.Equal(t, "followed", body, "a ranged miss stored the whole object")
	_, _, err = getString(t, c, "img/b.txt", oss2.RequestCommon{})
	wantOSS(t, err, 404, "NoSuchKey", "")
}

// TestMirrorStreams checks that a mirrored body reaches the client
// before the origin has sent all of it, and is stored whole.
func TestMirrorStreams(t *testing.T) {
	origin := newMirrorOrigin(t)
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	mirrorBucket(t, c, origin.URL, oss2.BucketACLPrivate)

	res, err := c.GetObject(context.Background(), &oss2.GetObjectRequest{Bucket: oss2.Ptr("mirror"), Key: oss2.Ptr("big/stream")})
	require.NoError(t, err)
	defer res.Body.Close()
	want := bigBody()
	head := make([]byte, bigHead-1) // the last byte is held back until stored
	_, err = io.ReadFull(res.Body, head)
	require.NoError(t, err, "the head arrives while the origin still holds the rest")
	assert.Equal(t, want[:bigHead-1], head)
	close(origin.release)
	rest, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.True(t, bytes.Equal(want[bigHead-1:], rest))

	got, err := c.GetObject(context.Background(), &oss2.GetObjectRequest{Bucket: oss2.Ptr("mirror"), Key: oss2.Ptr("big/stream")})
	require.NoError(t, err)
	defer got.Body.Close()
	stored, err := io.ReadAll(got.Body)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(want, stored))
}

// TestMirrorOrigins allows a non-loopback origin with WithMirrorOrigins
// (reached here through a transport that dials the test origin).
func TestMirrorOrigins(t *testing.T) {
	origin := newMirrorOrigin(t)
	addr := origin.Listener.Addr().String()
	tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
	defer tr.CloseIdleConnections()
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{
		httpapi.WithMirrorOrigins("http://origin.example/o/"),
		func(c *httpapi.Config) { c.MirrorTransport = tr },
	}})
	c := f.ossV2(testAK, testSK)
	ctx := context.Background()
	_, err := c.PutBucket(ctx, &oss2.PutBucketRequest{Bucket: oss2.Ptr("mirror")})
	require.NoError(t, err)
	_, err = c.PutBucketWebsite(ctx, &oss2.PutBucketWebsiteRequest{Bucket: oss2.Ptr("mirror"), WebsiteConfiguration: &oss2.WebsiteConfiguration{
		RoutingRules: &oss2.RoutingRules{RoutingRules: []oss2.RoutingRule{
			mirrorRule(1, "img/", "http://origin.example/o/", nil),
			mirrorRule(2, "x/", "http://origin.example/", nil),
			mirrorRule(3, "y/", "http://origin.example.evil/o/", nil),
		}},
	}})
	require.NoError(t, err)
	body, _, err := getString(t, c, "img/a.txt", oss2.RequestCommon{})
	require.NoError(t, err)
	assert.Equal(t, "hello from origin", body)
	assert.Equal(t, "origin.example", origin.last(t).Host)
	for _, key := range []string{"x/a.txt", "y/a.txt", "img/../../etc"} {
		_, _, err = getString(t, c, key, oss2.RequestCommon{})
		wantOSS(t, err, 501, "NotImplemented", "")
	}
}

// TestMirrorIdleTimeout: an origin that stops sending is cut off after
// MirrorTimeout; the client's body is short and nothing is stored.
func TestMirrorIdleTimeout(t *testing.T) {
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10")
		io.WriteString(w, "abc")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer origin.Close()
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{func(c *httpapi.Config) { c.MirrorTimeout = 200 * time.Millisecond }}})
	c := f.ossV2(testAK, testSK)
	mirrorBucket(t, c, origin.URL, oss2.BucketACLPrivate)
	start := time.Now()
	res, err := c.GetObject(context.Background(), &oss2.GetObjectRequest{Bucket: oss2.Ptr("mirror"), Key: oss2.Ptr("big/stall")})
	if err == nil {
		_, err = io.ReadAll(res.Body)
		res.Body.Close()
	}
	require.Error(t, err, "the body is cut short")
	assert.Less(t, time.Since(start), 5*time.Second)
	headMissing(t, c, "big/stall")
}
