package httpapi_test

// Regression tests of the twenty-second session's second security review
// (resource bounds, websites and CORS, POST forms, LiveChannels, the
// server's defaults): each failed before its fix.

import (
	"net/url"
	"strings"
	"testing"

	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"
)

// SEC4-1: a website redirect on the request's own host is a relative
// Location built from the visitor's key, so a key starting with "/"
// (a request for //evil.example/x, or images//evil.example/x under a
// rule that strips "images/") made the Location //evil.example/x, which
// browsers follow to another host. A Location path never starts with
// "//": the key's leading slash is escaped (%2F), which names the same
// key. (Since the thirtieth session an S3 rule without host and
// protocol answers an absolute Location on the request's host, as S3
// does; the redirect must still stay on that host.)
func TestReview23WebsiteRedirectStaysOnHost(t *testing.T) {
	const doc = `<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument>
<RoutingRules><RoutingRule><Condition><KeyPrefixEquals>images/</KeyPrefixEquals></Condition><Redirect><ReplaceKeyPrefixWith></ReplaceKeyPrefixWith></Redirect></RoutingRule></RoutingRules>
</WebsiteConfiguration>`
	f, get := websiteFixture(t, doc)
	host := "http://site.s3-website.test" + f.srv.URL[strings.LastIndex(f.srv.URL, ":"):]
	resp := get("GET", host+"/images/logo.png")
	require.Equal(t, 301, resp.StatusCode)
	require.Equal(t, host+"/logo.png", resp.Header.Get("Location"))

	resp = get("GET", host+"/images//evil.example/x")
	require.Equal(t, 301, resp.StatusCode, string(resp.body))
	loc := resp.Header.Get("Location")
	u, err := url.Parse(loc)
	require.NoError(t, err)
	require.Equal(t, strings.TrimPrefix(host, "http://"), u.Host, "Location %q leaves the host", loc)

	// The Location names the key the rule meant.
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/site//evil.example/x", body: []byte("mine"),
		header: hdr("x-amz-acl", "public-read")}).StatusCode)
	resp = get("GET", loc)
	require.Equal(t, 200, resp.StatusCode, string(resp.body))
	require.Equal(t, "mine", string(resp.body))
}

// The standard headers an object keeps were bounded only by the server's
// header limit (1 MiB) in OSS and Sina, which document no header section
// limit: 100 objects with a 900 KiB Content-Type made one listing page
// decode 90 MiB. They are bounded together at 8 KiB (MetadataTooLarge,
// OSS's InvalidArgument), and nothing is stored.
func TestReview23StoredHeadersAreBounded(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV1(t, testAK, testSK)
	require.NoError(t, c.CreateBucket("oss-headers"))
	b, err := c.Bucket("oss-headers")
	require.NoError(t, err)
	err = b.PutObject("big", strings.NewReader("x"), oss1.ContentDisposition("attachment; filename="+strings.Repeat("a", 9<<10)))
	var se oss1.ServiceError
	require.ErrorAs(t, err, &se)
	require.Equal(t, 400, se.StatusCode)
	require.Equal(t, "InvalidArgument", se.Code)
	ok, err := b.IsObjectExist("big")
	require.NoError(t, err)
	require.False(t, ok, "nothing was stored")
	require.NoError(t, b.PutObject("fine", strings.NewReader("x"), oss1.ContentDisposition("attachment; filename="+strings.Repeat("a", 4<<10))))
}
