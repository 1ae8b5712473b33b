package httpapi_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/httpapi"
)

// fakeDNS answers TXT lookups from a map a test fills.
type fakeDNS struct {
	mu  sync.Mutex
	txt map[string][]string
}

func (d *fakeDNS) set(name string, records ...string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.txt[name] = records
}

func (d *fakeDNS) lookup(_ context.Context, name string) ([]string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if r, ok := d.txt[name]; ok {
		return r, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

// TestOSSCname: a custom domain binds to a bucket only once the TXT
// record of _dnsauth.<domain> holds the bucket's token; then requests for
// the domain (aliyun-oss-go-sdk with UseCname) are served from the
// bucket; one domain binds to one bucket; unbinding routes it nowhere; a
// new Handler over the same store knows the binding.
func TestOSSCname(t *testing.T) {
	dns := &fakeDNS{txt: map[string][]string{}}
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithLookupTXT(dns.lookup)}})
	c := f.ossV2(testAK, testSK)
	for _, b := range []string{"cname-a", "cname-b"} {
		v2Bucket(t, c, b)
	}
	const domain = "static.example.com"
	cfg := func(d string) *oss2.BucketCnameConfiguration {
		return &oss2.BucketCnameConfiguration{Domain: oss2.Ptr(d)}
	}
	put := func(b, d string) error {
		_, err := c.PutCname(bg, &oss2.PutCnameRequest{Bucket: oss2.Ptr(b), BucketCnameConfiguration: cfg(d)})
		return err
	}
	wantOSS(t, put("cname-a", domain), 403, "NeedVerifyDomainOwnership", "0018-00000115")

	tok, err := c.CreateCnameToken(bg, &oss2.CreateCnameTokenRequest{Bucket: oss2.Ptr("cname-a"), BucketCnameConfiguration: cfg("Static.Example.com.")})
	require.NoError(t, err)
	token := oss2.ToString(tok.CnameToken.Token)
	require.Len(t, token, 32)
	require.Equal(t, domain, oss2.ToString(tok.CnameToken.Cname))
	again, err := c.CreateCnameToken(bg, &oss2.CreateCnameTokenRequest{Bucket: oss2.Ptr("cname-a"), BucketCnameConfiguration: cfg(domain)})
	require.NoError(t, err)
	require.Equal(t, token, oss2.ToString(again.CnameToken.Token), "a valid token is reissued")
	got, err := c.GetCnameToken(bg, &oss2.GetCnameTokenRequest{Bucket: oss2.Ptr("cname-a"), Cname: oss2.Ptr(domain)})
	require.NoError(t, err)
	require.Equal(t, token, oss2.ToString(got.CnameToken.Token))
	_, err = c.GetCnameToken(bg, &oss2.GetCnameTokenRequest{Bucket: oss2.Ptr("cname-b"), Cname: oss2.Ptr(domain)})
	wantOSS(t, err, 404, "NoSuchCnameToken", "")
	list, err := c.ListCname(bg, &oss2.ListCnameRequest{Bucket: oss2.Ptr("cname-a")})
	require.NoError(t, err)
	require.Empty(t, list.Cnames, "a token is not a binding")

	// The record must hold this bucket's token.
	wantOSS(t, put("cname-a", domain), 403, "NeedVerifyDomainOwnership", "0018-00000115")
	dns.set("_dnsauth."+domain, "some-other-token")
	wantOSS(t, put("cname-a", domain), 403, "NeedVerifyDomainOwnership", "0018-00000115")
	dns.set("_dnsauth."+domain, "v=spf1 -all", token)
	require.NoError(t, put("cname-a", domain))
	require.NoError(t, put("cname-a", domain), "binding twice is fine")
	list, err = c.ListCname(bg, &oss2.ListCnameRequest{Bucket: oss2.Ptr("cname-a")})
	require.NoError(t, err)
	require.Len(t, list.Cnames, 1)
	require.Equal(t, domain, oss2.ToString(list.Cnames[0].Domain))
	require.Equal(t, "Enabled", oss2.ToString(list.Cnames[0].Status))

	// Requests for the domain reach the bucket (the SDK signs
	// /cname-a/key, as for the bucket's own endpoint).
	_, port, _ := net.SplitHostPort(f.srv.Listener.Addr().String())
	cl, err := oss1.New("http://"+domain+":"+port, testAK, testSK, oss1.UseCname(true), oss1.HTTPClient(f.httpClient()))
	require.NoError(t, err)
	bk, err := cl.Bucket("cname-a")
	require.NoError(t, err)
	require.NoError(t, bk.PutObject("via/domain.txt", strings.NewReader("hello")))
	obj, err := c.GetObject(bg, &oss2.GetObjectRequest{Bucket: oss2.Ptr("cname-a"), Key: oss2.Ptr("via/domain.txt")})
	require.NoError(t, err)
	body, _ := io.ReadAll(obj.Body)
	obj.Body.Close()
	require.Equal(t, "hello", string(body))
	r := f.do(t, raw{method: "GET", path: "/via/domain.txt", sign: "anon", host: domain + ":" + port})
	require.Equal(t, 403, r.StatusCode, "the bucket is private: %s", r.body)

	// One domain, one bucket.
	tokB, err := c.CreateCnameToken(bg, &oss2.CreateCnameTokenRequest{Bucket: oss2.Ptr("cname-b"), BucketCnameConfiguration: cfg(domain)})
	require.NoError(t, err)
	dns.set("_dnsauth."+domain, token, oss2.ToString(tokB.CnameToken.Token))
	wantOSS(t, put("cname-b", domain), 409, "CnameAlreadyExists", "")

	// A Handler built later over the same store routes by the binding.
	h := httptest.NewServer(httpapi.New(f.eng, httpapi.WithCredentials(map[string]string{testAK: testSK}), httpapi.WithLookupTXT(dns.lookup)))
	defer h.Close()
	_, port2, _ := net.SplitHostPort(h.Listener.Addr().String())
	cl2, err := oss1.New("http://"+domain+":"+port2, testAK, testSK, oss1.UseCname(true), oss1.HTTPClient(dialTo(h.Listener.Addr().String())))
	require.NoError(t, err)
	bk2, err := cl2.Bucket("cname-a")
	require.NoError(t, err)
	rd, err := bk2.GetObject("via/domain.txt")
	require.NoError(t, err)
	body, _ = io.ReadAll(rd)
	rd.Close()
	require.Equal(t, "hello", string(body))

	// Certificates are not served (ownership is checked first); bad
	// domains are refused.
	certCfg := func(b string) *oss2.PutCnameRequest {
		return &oss2.PutCnameRequest{Bucket: oss2.Ptr(b), BucketCnameConfiguration: &oss2.BucketCnameConfiguration{
			Domain: oss2.Ptr("other.example.com"), CertificateConfiguration: &oss2.CertificateConfiguration{CertId: oss2.Ptr("493****-cn-hangzhou")}}}
	}
	_, err = c.PutCname(bg, certCfg("cname-a"))
	wantOSS(t, err, 403, "NeedVerifyDomainOwnership", "0018-00000115")
	_, err = c.PutCname(bg, &oss2.PutCnameRequest{Bucket: oss2.Ptr("cname-a"), BucketCnameConfiguration: &oss2.BucketCnameConfiguration{
		Domain: oss2.Ptr(domain), CertificateConfiguration: &oss2.CertificateConfiguration{CertId: oss2.Ptr("493****-cn-hangzhou")}}})
	wantOSS(t, err, 501, "NotImplemented", "")
	for _, bad := range []string{"localhost", "10.0.0.1", "cname-a.oss-cn-hangzhou.aliyuncs.com", "bad_domain.example.com", ""} {
		_, err = c.CreateCnameToken(bg, &oss2.CreateCnameTokenRequest{Bucket: oss2.Ptr("cname-a"), BucketCnameConfiguration: cfg(bad)})
		wantOSS(t, err, 400, "InvalidArgument", "")
	}

	// Unbinding: the domain routes nowhere; deleting again is fine.
	for range 2 {
		_, err = c.DeleteCname(bg, &oss2.DeleteCnameRequest{Bucket: oss2.Ptr("cname-a"), BucketCnameConfiguration: cfg(domain)})
		require.NoError(t, err)
	}
	_, err = bk.GetObject("via/domain.txt")
	wantOSS(t, err, 404, "NoSuchBucket", "")
	list, err = c.ListCname(bg, &oss2.ListCnameRequest{Bucket: oss2.Ptr("cname-a")})
	require.NoError(t, err)
	require.Empty(t, list.Cnames)
	require.NoError(t, put("cname-b", domain), "free for another bucket now")
	_, err = c.ListCname(bg, &oss2.ListCnameRequest{Bucket: oss2.Ptr("cname-missing")})
	wantOSS(t, err, 404, "NoSuchBucket", "0015-00000101")
}

// dialTo returns a client that connects to addr whatever the URL's host.
func dialTo(addr string) *http.Client {
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}}
}
