package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/osslite/osslite/pkg/sigv4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// optionsOrigin is an origin for the mirror options tests: handle answers
// each request; seen records "METHOD path" of every request.
type optionsOrigin struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string
}

func newOptionsOrigin(t *testing.T, handle http.HandlerFunc) *optionsOrigin {
	o := &optionsOrigin{}
	o.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		o.seen = append(o.seen, r.Method+" "+r.URL.Path)
		o.mu.Unlock()
		handle(w, r)
	}))
	t.Cleanup(o.Close)
	return o
}

func (o *optionsOrigin) requests() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.seen...)
}

// putMirrorRules puts rules as bucket "mirror"'s website configuration.
func putMirrorRules(t *testing.T, c *oss2.Client, rules ...oss2.RoutingRule) error {
	t.Helper()
	_, err := c.PutBucketWebsite(context.Background(), &oss2.PutBucketWebsiteRequest{Bucket: oss2.Ptr("mirror"),
		WebsiteConfiguration: &oss2.WebsiteConfiguration{RoutingRules: &oss2.RoutingRules{RoutingRules: rules}}})
	return err
}

// TestMirrorOptionsRoundTrip: every mirroring option osslite carries out
// is taken and read back by GetBucketWebsite as put (but the MirrorAuth
// secret, which OSS does not read back either); the options that need
// Alibaba Cloud are taken as false and refused as true.
func TestMirrorOptionsRoundTrip(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	v2Bucket(t, c, "mirror")
	full := &oss2.RoutingRuleRedirect{RedirectType: oss2.Ptr("Mirror"), MirrorURL: oss2.Ptr("http://127.0.0.1:1/"),
		MirrorFollowRedirect: oss2.Ptr(true), MirrorPassQueryString: oss2.Ptr(false), MirrorCheckMd5: oss2.Ptr(true),
		MirrorURLSlave: oss2.Ptr("http://127.0.0.1:2/"), MirrorURLProbe: oss2.Ptr("http://127.0.0.1:1/health"),
		MirrorSwitchAllErrors: oss2.Ptr(true), MirrorPassOriginalSlashes: oss2.Ptr(true), MirrorSNI: oss2.Ptr(true),
		MirrorSaveOssMeta: oss2.Ptr(true), MirrorProxyPass: oss2.Ptr(false), MirrorAllowHeadObject: oss2.Ptr(true),
		TransparentMirrorResponseCodes: oss2.Ptr("400,403"),
		MirrorMultiAlternates: &oss2.MirrorMultiAlternates{MirrorMultiAlternates: []oss2.MirrorMultiAlternate{
			{MirrorMultiAlternateNumber: oss2.Ptr(int64(2)), MirrorMultiAlternateURL: oss2.Ptr("http://localhost:4/")},
			{MirrorMultiAlternateNumber: oss2.Ptr(int64(1)), MirrorMultiAlternateURL: oss2.Ptr("http://localhost:3/")}}},
		MirrorAuth: &oss2.MirrorAuth{AuthType: oss2.Ptr("S3V4"), Region: oss2.Ptr("us-west-2"), AccessKeyId: oss2.Ptr("AK"), AccessKeySecret: oss2.Ptr("SK")},
		MirrorReturnHeaders: &oss2.MirrorReturnHeaders{ReturnHeaders: []oss2.ReturnHeader{
			{Key: oss2.Ptr("X-Origin-Trace"), Value: oss2.Ptr("")}, {Key: oss2.Ptr("X-Served-By"), Value: oss2.Ptr("osslite")}}},
		MirrorTaggings:        &oss2.MirrorTaggings{Taggings: []oss2.MirrorTagging{{Key: oss2.Ptr("src"), Value: oss2.Ptr("mirror")}}},
		MirrorIsExpressTunnel: oss2.Ptr(false), MirrorUsingRole: oss2.Ptr(false), MirrorAllowGetImageInfo: oss2.Ptr(false),
		MirrorAllowVideoSnapshot: oss2.Ptr(false), MirrorUserLastModified: oss2.Ptr(true),
		MirrorHeaders: &oss2.MirrorHeaders{PassAll: oss2.Ptr(false)}, PassQueryString: oss2.Ptr(false),
	}
	rule := oss2.RoutingRule{RuleNumber: oss2.Ptr(int64(1)), Redirect: full,
		Condition: &oss2.RoutingRuleCondition{KeyPrefixEquals: oss2.Ptr("a/"), HttpErrorCodeReturnedEquals: oss2.Ptr(int64(404))}}
	require.NoError(t, putMirrorRules(t, c, rule))
	got, err := c.GetBucketWebsite(bg, &oss2.GetBucketWebsiteRequest{Bucket: oss2.Ptr("mirror")})
	require.NoError(t, err)
	want := *full
	want.MirrorAuth = &oss2.MirrorAuth{AuthType: oss2.Ptr("S3V4"), Region: oss2.Ptr("us-west-2"), AccessKeyId: oss2.Ptr("AK")}
	want.MirrorMultiAlternates = &oss2.MirrorMultiAlternates{MirrorMultiAlternates: []oss2.MirrorMultiAlternate{
		full.MirrorMultiAlternates.MirrorMultiAlternates[1], full.MirrorMultiAlternates.MirrorMultiAlternates[0]}} // by number
	want.MirrorHeaders = &oss2.MirrorHeaders{PassAll: oss2.Ptr(false)}
	require.Len(t, got.WebsiteConfiguration.RoutingRules.RoutingRules, 1)
	assert.Equal(t, &want, got.WebsiteConfiguration.RoutingRules.RoutingRules[0].Redirect)

	for name, edit := range map[string]func(*oss2.RoutingRuleRedirect){
		"MirrorIsExpressTunnel":    func(r *oss2.RoutingRuleRedirect) { r.MirrorIsExpressTunnel = oss2.Ptr(true) },
		"MirrorUsingRole":          func(r *oss2.RoutingRuleRedirect) { r.MirrorUsingRole = oss2.Ptr(true) },
		"MirrorAllowGetImageInfo":  func(r *oss2.RoutingRuleRedirect) { r.MirrorAllowGetImageInfo = oss2.Ptr(true) },
		"MirrorAllowVideoSnapshot": func(r *oss2.RoutingRuleRedirect) { r.MirrorAllowVideoSnapshot = oss2.Ptr(true) },
		"MirrorAsyncStatus":        func(r *oss2.RoutingRuleRedirect) { r.MirrorAsyncStatus = oss2.Ptr(int64(302)) },
		"MirrorDstVpcId":           func(r *oss2.RoutingRuleRedirect) { r.MirrorDstVpcId = oss2.Ptr("vpc-1") },
		"MirrorSNI":                func(r *oss2.RoutingRuleRedirect) { r.MirrorSNI = oss2.Ptr(false) },
		"AuthType":                 func(r *oss2.RoutingRuleRedirect) { r.MirrorAuth.AuthType = oss2.Ptr("OTHER") },
	} {
		rd := *full
		rd.MirrorAuth = &oss2.MirrorAuth{AuthType: oss2.Ptr("S3V4"), Region: oss2.Ptr("r"), AccessKeyId: oss2.Ptr("a"), AccessKeySecret: oss2.Ptr("s")}
		edit(&rd)
		r := rule
		r.Redirect = &rd
		e := wantOSS(t, putMirrorRules(t, c, r), http.StatusNotImplemented, "NotImplemented", "")
		assert.Contains(t, e.message, name)
	}
	bad := *full
	bad.MirrorTaggings = &oss2.MirrorTaggings{Taggings: []oss2.MirrorTagging{{Key: oss2.Ptr(""), Value: oss2.Ptr("v")}}}
	r := rule
	r.Redirect = &bad
	wantOSS(t, putMirrorRules(t, c, r), http.StatusBadRequest, "InvalidTag", "")
	bad = *full
	bad.TransparentMirrorResponseCodes = oss2.Ptr("4xx")
	wantOSS(t, putMirrorRules(t, c, r), http.StatusBadRequest, "InvalidArgument", "")
	// Nothing refused replaced the configuration.
	got, err = c.GetBucketWebsite(bg, &oss2.GetBucketWebsiteRequest{Bucket: oss2.Ptr("mirror")})
	require.NoError(t, err)
	assert.Equal(t, &want, got.WebsiteConfiguration.RoutingRules.RoutingRules[0].Redirect)
}

// TestMirrorFailover: MirrorURLSlave, MirrorSwitchAllErrors,
// MirrorURLProbe and MirrorMultiAlternates move a fetch to the next
// origin when one fails; every origin goes through the allowlist.
func TestMirrorFailover(t *testing.T) {
	status := map[string]int{} // primary's status by path; 0: 200
	var mu sync.Mutex
	serve := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			code := status[name+r.URL.Path]
			mu.Unlock()
			if code != 0 {
				w.WriteHeader(code)
				return
			}
			io.WriteString(w, "from "+name)
		}
	}
	primary, slave, alt := newOptionsOrigin(t, serve("primary")), newOptionsOrigin(t, serve("slave")), newOptionsOrigin(t, serve("alt"))
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	v2Bucket(t, c, "mirror")
	slaveOf := func(n int64, prefix string, edit func(*oss2.RoutingRuleRedirect)) oss2.RoutingRule {
		return mirrorRule(n, prefix, primary.URL+"/", func(rd *oss2.RoutingRuleRedirect) {
			rd.MirrorURLSlave = oss2.Ptr(slave.URL + "/")
			if edit != nil {
				edit(rd)
			}
		})
	}
	require.NoError(t, putMirrorRules(t, c,
		slaveOf(1, "five/", nil),
		slaveOf(2, "all/", func(rd *oss2.RoutingRuleRedirect) { rd.MirrorSwitchAllErrors = oss2.Ptr(true) }),
		slaveOf(3, "probe/", func(rd *oss2.RoutingRuleRedirect) { rd.MirrorURLProbe = oss2.Ptr(primary.URL + "/health") }),
		slaveOf(4, "alt/", func(rd *oss2.RoutingRuleRedirect) {
			rd.MirrorMultiAlternates = &oss2.MirrorMultiAlternates{MirrorMultiAlternates: []oss2.MirrorMultiAlternate{
				{MirrorMultiAlternateNumber: oss2.Ptr(int64(1)), MirrorMultiAlternateURL: oss2.Ptr(alt.URL + "/")}}}
		}),
		slaveOf(5, "ext/", func(rd *oss2.RoutingRuleRedirect) { rd.MirrorURLSlave = oss2.Ptr("http://slave.example/") }),
	))
	set := func(k string, code int) { mu.Lock(); status[k] = code; mu.Unlock() }

	// A 5xx moves on to the secondary; a 4xx does not.
	set("primary/five/a", 503)
	body, _, err := getString(t, c, "five/a", oss2.RequestCommon{})
	require.NoError(t, err)
	assert.Equal(t, "from slave", body)
	set("primary/five/b", 403)
	_, _, err = getString(t, c, "five/b", oss2.RequestCommon{})
	wantOSS(t, err, 404, "NoSuchKey", "")
	assert.NotContains(t, slave.requests(), "GET /five/b")

	// MirrorSwitchAllErrors: a 403 is a failure too, a 404 is not.
	set("primary/all/b", 403)
	body, _, err = getString(t, c, "all/b", oss2.RequestCommon{})
	require.NoError(t, err)
	assert.Equal(t, "from slave", body)
	set("primary/all/c", 404)
	_, _, err = getString(t, c, "all/c", oss2.RequestCommon{})
	wantOSS(t, err, 404, "NoSuchKey", "")
	assert.NotContains(t, slave.requests(), "GET /all/c")

	// The probe fails: the primary is not asked at all.
	set("primary/health", 500)
	body, _, err = getString(t, c, "probe/p", oss2.RequestCommon{})
	require.NoError(t, err)
	assert.Equal(t, "from slave", body)
	assert.Contains(t, primary.requests(), "GET /health")
	assert.NotContains(t, primary.requests(), "GET /probe/p")
	set("primary/health", 0)
	body, _, err = getString(t, c, "probe/q", oss2.RequestCommon{})
	require.NoError(t, err)
	assert.Equal(t, "from primary", body)

	// Primary and secondary down (the secondary closed): the alternate.
	set("primary/alt/x", 502)
	slave.Close()
	body, _, err = getString(t, c, "alt/x", oss2.RequestCommon{})
	require.NoError(t, err)
	assert.Equal(t, "from alt", body)
	body, _, err = getString(t, c, "alt/x", oss2.RequestCommon{})
	require.NoError(t, err)
	assert.Equal(t, "from alt", body, "stored")

	// A secondary the server may not fetch from refuses the rule.
	_, _, err = getString(t, c, "ext/a", oss2.RequestCommon{})
	e := wantOSS(t, err, 501, "NotImplemented", "")
	assert.Contains(t, e.message, "http://slave.example")
	assert.NotContains(t, primary.requests(), "GET /ext/a", "refused before any fetch")
}

// TestMirrorAuthSigned: MirrorAuth S3V4 signs every origin request with
// the rule's keys and region; the origin verifies the signature.
func TestMirrorAuthSigned(t *testing.T) {
	var mu sync.Mutex
	var verified []string
	origin := newOptionsOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		at, err := time.Parse(sigv4.TimeFormat, r.Header.Get("X-Amz-Date"))
		if err == nil {
			_, err = sigv4.Verify(r, func(ak string) (string, bool) { return "origin-secret", ak == "ORIGINAK" }, at,
				sigv4.VerifyOptions{Region: "eu-central-1"})
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		mu.Lock()
		verified = append(verified, r.Method+" "+r.URL.Path)
		mu.Unlock()
		if r.URL.Path == "/private/old" {
			http.Redirect(w, r, "/private/new", http.StatusFound)
			return
		}
		io.WriteString(w, "private data")
	})
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	v2Bucket(t, c, "mirror")
	auth := func(sk string) func(*oss2.RoutingRuleRedirect) {
		return func(rd *oss2.RoutingRuleRedirect) {
			rd.MirrorAuth = &oss2.MirrorAuth{AuthType: oss2.Ptr("S3V4"), Region: oss2.Ptr("eu-central-1"),
				AccessKeyId: oss2.Ptr("ORIGINAK"), AccessKeySecret: oss2.Ptr(sk)}
			rd.MirrorHeaders = &oss2.MirrorHeaders{PassAll: oss2.Ptr(true)}
		}
	}
	require.NoError(t, putMirrorRules(t, c,
		mirrorRule(1, "private/", origin.URL+"/", auth("origin-secret")),
		mirrorRule(2, "wrong/", origin.URL+"/private/", auth("not-the-secret"))))
	body, _, err := getString(t, c, "private/a", oss2.RequestCommon{Headers: map[string]string{"X-Passed": "1"}})
	require.NoError(t, err)
	assert.Equal(t, "private data", body)
	body, _, err = getString(t, c, "private/old", oss2.RequestCommon{})
	require.NoError(t, err)
	assert.Equal(t, "private data", body, "each redirect hop is signed too")
	assert.Equal(t, []string{"GET /private/a", "GET /private/old", "GET /private/new"}, verified)
	_, _, err = getString(t, c, "wrong/a", oss2.RequestCommon{})
	wantOSS(t, err, 404, "NoSuchKey", "")
	assert.Len(t, verified, 3, "a wrong secret does not verify")
}

// TestMirrorAnswerOptions: MirrorSaveOssMeta, MirrorUserLastModified, MirrorTaggings,
// MirrorReturnHeaders, MirrorProxyPass, MirrorAllowHeadObject,
// TransparentMirrorResponseCodes and MirrorPassOriginalSlashes.
func TestMirrorAnswerOptions(t *testing.T) {
	origin := newOptionsOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/denied") {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, "origin says no")
			return
		}
		w.Header().Set("Content-Type", "text/x-origin")
		w.Header().Set("X-Oss-Meta-Author", "alice")
		w.Header().Set("X-Amz-Meta-Team", "blue")
		w.Header().Set("X-Origin-Trace", "t-1")
		w.Header().Set("Last-Modified", "Tue, 02 Jan 2024 03:04:05 GMT")
		if r.Header.Get("Range") == "bytes=0-3" {
			w.Header().Set("Content-Range", "bytes 0-3/13")
			w.WriteHeader(http.StatusPartialContent)
			io.WriteString(w, "orig")
			return
		}
		w.Header().Set("Content-Length", "13")
		if r.Method == http.MethodGet {
			io.WriteString(w, "origin object")
		}
	})
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	v2Bucket(t, c, "mirror")
	require.NoError(t, putMirrorRules(t, c,
		mirrorRule(1, "meta/", origin.URL+"/", func(rd *oss2.RoutingRuleRedirect) {
			rd.MirrorSaveOssMeta = oss2.Ptr(true)
			rd.MirrorUserLastModified = oss2.Ptr(true)
			rd.MirrorTaggings = &oss2.MirrorTaggings{Taggings: []oss2.MirrorTagging{{Key: oss2.Ptr("src"), Value: oss2.Ptr("mirror")}}}
			rd.MirrorReturnHeaders = &oss2.MirrorReturnHeaders{ReturnHeaders: []oss2.ReturnHeader{
				{Key: oss2.Ptr("X-Origin-Trace")}, {Key: oss2.Ptr("X-Served-By"), Value: oss2.Ptr("osslite")}}}
		}),
		mirrorRule(2, "proxy/", origin.URL+"/", func(rd *oss2.RoutingRuleRedirect) {
			rd.MirrorProxyPass = oss2.Ptr(true)
			rd.TransparentMirrorResponseCodes = oss2.Ptr("403")
		}),
		mirrorRule(3, "head/", origin.URL+"/", func(rd *oss2.RoutingRuleRedirect) { rd.MirrorAllowHeadObject = oss2.Ptr(true) }),
		mirrorRule(4, "plain/", origin.URL+"/", nil),
		mirrorRule(5, "slash/", origin.URL+"/", func(rd *oss2.RoutingRuleRedirect) { rd.MirrorPassOriginalSlashes = oss2.Ptr(true) }),
	))

	// Metadata and tags stored; return headers on the mirrored answer.
	body, res, err := getString(t, c, "meta/a", oss2.RequestCommon{})
	require.NoError(t, err)
	assert.Equal(t, "origin object", body)
	assert.Equal(t, "t-1", res.Headers.Get("X-Origin-Trace"))
	assert.Equal(t, "osslite", res.Headers.Get("X-Served-By"))
	assert.Equal(t, "alice", res.Headers.Get("X-Oss-Meta-Author"))
	head, err := c.HeadObject(bg, &oss2.HeadObjectRequest{Bucket: oss2.Ptr("mirror"), Key: oss2.Ptr("meta/a")})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"author": "alice", "team": "blue"}, head.Metadata)
	assert.Equal(t, "2024-01-02T03:04:05Z", oss2.ToTime(head.LastModified).UTC().Format(time.RFC3339), "MirrorUserLastModified")
	tags, err := c.GetObjectTagging(bg, &oss2.GetObjectTaggingRequest{Bucket: oss2.Ptr("mirror"), Key: oss2.Ptr("meta/a")})
	require.NoError(t, err)
	require.Len(t, tags.Tags, 1)
	assert.Equal(t, "src=mirror", oss2.ToString(tags.Tags[0].Key)+"="+oss2.ToString(tags.Tags[0].Value))
	// Without MirrorSaveOssMeta the origin's metadata is not kept.
	_, _, err = getString(t, c, "plain/a", oss2.RequestCommon{})
	require.NoError(t, err)
	head, err = c.HeadObject(bg, &oss2.HeadObjectRequest{Bucket: oss2.Ptr("mirror"), Key: oss2.Ptr("plain/a")})
	require.NoError(t, err)
	assert.Empty(t, head.Metadata)
	assert.NotEqual(t, 2024, oss2.ToTime(head.LastModified).Year(), "the time it was stored")

	// MirrorProxyPass: answered from the origin every time, never stored;
	// a range goes to the origin.
	for range 2 {
		body, _, err = getString(t, c, "proxy/p", oss2.RequestCommon{})
		require.NoError(t, err)
		assert.Equal(t, "origin object", body)
	}
	assert.Equal(t, 2, strings.Count(strings.Join(origin.requests(), ","), "GET /proxy/p"))
	headMissing(t, c, "proxy/p")
	ranged, err := c.GetObject(bg, &oss2.GetObjectRequest{Bucket: oss2.Ptr("mirror"), Key: oss2.Ptr("proxy/p"), Range: oss2.Ptr("bytes=0-3")})
	require.NoError(t, err)
	part, _ := io.ReadAll(ranged.Body)
	ranged.Body.Close()
	assert.Equal(t, 206, ranged.StatusCode)
	assert.Equal(t, "orig", string(part))

	// TransparentMirrorResponseCodes: the origin's 403 and body.
	anon := f.getter(t)
	_, err = c.PutBucketAcl(bg, &oss2.PutBucketAclRequest{Bucket: oss2.Ptr("mirror"), Acl: oss2.BucketACLPublicRead})
	require.NoError(t, err)
	ossURL := strings.Replace(f.srv.URL, "127.0.0.1", "oss-cn-hangzhou.aliyuncs.com", 1)
	resp := anon("GET", ossURL+"/mirror/proxy/denied")
	assert.Equal(t, 403, resp.StatusCode)
	assert.Equal(t, "origin says no", string(resp.body))
	headMissing(t, c, "proxy/denied")

	// MirrorAllowHeadObject: a HEAD asks the origin (HEAD) and answers
	// its headers; nothing is stored. Other rules' HEADs stay misses.
	h, err := c.HeadObject(bg, &oss2.HeadObjectRequest{Bucket: oss2.Ptr("mirror"), Key: oss2.Ptr("head/h")})
	require.NoError(t, err)
	assert.Equal(t, int64(13), h.ContentLength)
	assert.Equal(t, "text/x-origin", oss2.ToString(h.ContentType))
	assert.Contains(t, origin.requests(), "HEAD /head/h")
	resp = anon("HEAD", ossURL+"/mirror/head/h2")
	assert.Equal(t, 200, resp.StatusCode, "website HEADs too")
	headMissing(t, c, "plain/h")
	assert.NotContains(t, origin.requests(), "HEAD /plain/h")
	body, _, err = getString(t, c, "head/h", oss2.RequestCommon{})
	require.NoError(t, err)
	assert.Equal(t, "origin object", body, "a GET still mirrors and stores")

	// MirrorPassOriginalSlashes: runs of slashes kept, else merged.
	_, _, err = getString(t, c, "slash//x", oss2.RequestCommon{})
	require.NoError(t, err)
	_, _, err = getString(t, c, "plain//x", oss2.RequestCommon{})
	require.NoError(t, err)
	assert.Contains(t, origin.requests(), "GET /slash//x")
	assert.Contains(t, origin.requests(), "GET /plain/x")
}
