package httpapi

import (
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMirrorAllowed: which URLs a mirror fetch may go to.
func TestMirrorAllowed(t *testing.T) {
	s := &server{cfg: Config{MirrorOrigins: []string{"https://img.example.com/", "http://10.0.0.7:8080/static/", "bad origin"}}}
	for _, tc := range []struct {
		name string
		url  string
		want bool
	}{
		{"loopback v4", "http://127.0.0.1:9000/a", true},
		{"loopback v6", "http://[::1]/a", true},
		{"localhost", "http://LocalHost:8080/a", true},
		{"listed origin", "https://img.example.com/x/y.jpg", true},
		{"listed origin default port", "https://img.example.com:443/x", true},
		{"other scheme", "http://img.example.com/x", false},
		{"other port", "https://img.example.com:8443/x", false},
		{"suffix host", "https://img.example.com.evil.test/x", false},
		{"prefix path", "http://10.0.0.7:8080/static/a.css", true},
		{"outside path", "http://10.0.0.7:8080/admin", false},
		{"dot-dot escape", "http://10.0.0.7:8080/static/../admin", false},
		{"escaped dot-dot", "http://10.0.0.7:8080/static/%2e%2e/admin", false},
		{"user info", "https://u:p@img.example.com/x", false},
		{"unlisted", "http://169.254.169.254/latest/meta-data/", false},
		{"not http", "file:///etc/passwd", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := url.Parse(tc.url)
			require.NoError(t, err)
			assert.Equal(t, tc.want, s.mirrorAllowed(u))
		})
	}
	anyOrigin := &server{cfg: Config{MirrorOrigins: []string{"*"}}}
	u, _ := url.Parse("http://10.0.0.9/")
	assert.True(t, anyOrigin.mirrorAllowed(u), "* allows any origin")
	u, _ = url.Parse("http://169.254.169.254/")
	assert.False(t, anyOrigin.mirrorAllowed(u), "but a link-local one (TestRev40bLinkLocalOutboundNamedOnly)")
}

// TestMirrorURL: the origin URL of a key.
func TestMirrorURL(t *testing.T) {
	for _, tc := range []struct {
		name, base, key string
		pass            bool
		query           url.Values
		want            string
	}{
		{"plain", "http://o.test/", "a/b.txt", false, nil, "http://o.test/a/b.txt"},
		{"dir", "http://o.test/dir1/", "k", false, nil, "http://o.test/dir1/k"},
		{"no slash", "http://o.test/dir1", "k", false, nil, "http://o.test/dir1/k"},
		{"no scheme", "o.test/", "k", false, nil, "http://o.test/k"},
		{"escaped key", "http://o.test/", "a b?#.txt", false, nil, "http://o.test/a%20b%3F%23.txt"},
		{"query kept off", "http://o.test/", "k", false, url.Values{"a": {"1"}}, "http://o.test/k"},
		{"query passed", "http://o.test/?p=1", "k", true, url.Values{"a": {"1"}, "OSSAccessKeyId": {"ak"}, "Signature": {"s"}, "x-oss-credential": {"c"}}, "http://o.test/k?p=1&a=1"},
		{"slashes merged", "http://o.test/d/", "/a//b///c", false, nil, "http://o.test/d/a/b/c"},
		{"slashes kept", "http://o.test/d/", "/a//b", false, nil, "http://o.test/d//a//b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &bucketconfig.Mirror{URL: tc.base}
			if tc.name == "slashes kept" {
				m.PassOriginalSlashes = ptr(true) // MirrorPassOriginalSlashes
			}
			u, err := mirrorURL(m, tc.key, tc.pass, tc.query)
			require.NoError(t, err)
			assert.Equal(t, tc.want, u.String())
		})
	}
}

// TestBoundedReader: a proxied mirror body (not stored) is bounded as a
// stored one is: reading past the bound fails.
func TestBoundedReader(t *testing.T) {
	_, err := io.ReadAll(&boundedReader{r: strings.NewReader("0123456789"), n: 9})
	assert.Error(t, err)
	b, err := io.ReadAll(&boundedReader{r: strings.NewReader("0123456789"), n: 10})
	assert.NoError(t, err)
	assert.Equal(t, "0123456789", string(b))
}
