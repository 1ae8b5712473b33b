package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/osslite/osslite/httpapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWeb36DirRedirectWithoutListing: the usual static site gives
// visitors s3:GetObject by a bucket policy and nothing else (no
// s3:ListBucket, a private bucket ACL). A request for "docs" whose
// "docs/index.html" such a visitor may read is redirected to "docs/"
// (S3 User Guide, "Configuring an index document": 302 Found), whether or
// not the visitor may list the bucket; a key missing altogether is 403
// for it, as for any read of a missing key without s3:ListBucket.
func TestWeb36DirRedirectWithoutListing(t *testing.T) {
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithWebsiteDomains("s3-website.test")}})
	must(t, f.do(t, raw{method: "PUT", path: "/web36"}).errOrNil())
	for _, k := range []string{"index.html", "docs/index.html"} {
		must(t, f.do(t, raw{method: "PUT", path: "/web36/" + k, body: []byte("page " + k), header: hdr("Content-Type", "text/html")}).errOrNil())
	}
	must(t, f.do(t, raw{method: "PUT", path: "/web36?policy", body: []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
		`"Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::web36/*"}]}`)}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/web36?website",
		body: []byte(`<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument></WebsiteConfiguration>`)}).errOrNil())
	get := f.getter(t)
	for _, base := range []string{"http://web36.s3-website.test" + f.srv.URL[strings.LastIndex(f.srv.URL, ":"):], f.srv.URL + "/_website/web36"} {
		r := get("GET", base+"/docs/")
		require.Equal(t, http.StatusOK, r.StatusCode, "%s/docs/: %s", base, r.body)
		r = get("GET", base+"/docs")
		assert.Equal(t, http.StatusFound, r.StatusCode, "%s/docs: %s", base, r.body)
		assert.True(t, strings.HasSuffix(r.Header.Get("Location"), "/docs/"), r.Header.Get("Location"))
		r = get("GET", base+"/nothere")
		assert.Equal(t, http.StatusForbidden, r.StatusCode, "a missing key without s3:ListBucket")
	}
}
