package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
	"github.com/osslite/osslite/pkg/kms"
	"github.com/osslite/osslite/pkg/sigv4"
)

// TestSec40CustomDomainAnonymousAndOthers: a custom domain bound to a
// private bucket opens nothing: an anonymous request on it (now the OSS
// dialect by its host, rev39c) is refused for the listing, an object,
// the bucket's ACL, its domains and a write, and names no other bucket;
// another user cannot issue, read, bind, list or drop the bucket's
// domains, nor bind the domain to a bucket of its own.
func TestSec40CustomDomainAnonymousAndOthers(t *testing.T) {
	dns := &fakeDNS{txt: map[string][]string{}}
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithLookupTXT(dns.lookup)}})
	seedBucket(t, f, "sec40-dom")
	must(t, f.do(t, raw{method: "PUT", path: "/sec40-dom/k", body: []byte("private")}).errOrNil())
	must(t, f.do(t, raw{method: "PUT", path: "/sec40-dom/index.html", body: []byte("private index")}).errOrNil())
	r := f.do(t, raw{method: "PUT", path: "/sec40-dom?website", body: []byte(`<WebsiteConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
<IndexDocument><Suffix>index.html</Suffix></IndexDocument></WebsiteConfiguration>`)})
	require.Equal(t, 200, r.StatusCode, string(r.body))
	const domain = "files.example.com"
	c := f.ossV2(testAK, testSK)
	tok, err := c.CreateCnameToken(bg, &oss2.CreateCnameTokenRequest{Bucket: oss2.Ptr("sec40-dom"), BucketCnameConfiguration: &oss2.BucketCnameConfiguration{Domain: oss2.Ptr(domain)}})
	require.NoError(t, err)
	dns.set("_dnsauth."+domain, oss2.ToString(tok.CnameToken.Token))
	_, err = c.PutCname(bg, &oss2.PutCnameRequest{Bucket: oss2.Ptr("sec40-dom"), BucketCnameConfiguration: &oss2.BucketCnameConfiguration{Domain: oss2.Ptr(domain)}})
	require.NoError(t, err)

	get := f.getter(t)
	port := f.srv.URL[strings.LastIndex(f.srv.URL, ":"):]
	base := "http://" + domain + port
	for _, p := range []string{"/", "/k", "/index.html", "/?acl", "/?cname", "/?website", "/k?objectMeta", "/k?x-oss-process=image/info"} {
		r := get("GET", base+p)
		assert.Equal(t, 403, r.StatusCode, "anonymous GET %s: %s", p, r.body)
		assert.NotContains(t, string(r.body), "private", p)
		assert.NotContains(t, string(r.body), canonicalID(testAK), p)
	}
	if r := get("PUT", base+"/new"); r.StatusCode != 403 {
		t.Fatalf("anonymous PUT on the domain: %d %s", r.StatusCode, r.body)
	}
	_, err = f.eng.HeadObject(bg, "sec40-dom", "new")
	require.Error(t, err, "a refused write stores nothing")

	// Another user: every ?cname operation on the bucket is refused.
	doc := []byte(`<BucketCnameConfiguration><Cname><Domain>` + domain + `</Domain></Cname></BucketCnameConfiguration>`)
	for _, q := range []raw{
		{method: "POST", path: "/sec40-dom?cname&comp=token", body: doc},
		{method: "GET", path: "/sec40-dom?cname=" + domain + "&comp=token"},
		{method: "POST", path: "/sec40-dom?cname&comp=add", body: doc},
		{method: "GET", path: "/sec40-dom?cname"},
		{method: "POST", path: "/sec40-dom?cname&comp=delete", body: doc},
	} {
		q.sign = "oss-v1"
		r := f.do(t, sec34Other(q))
		assert.Equal(t, 403, r.StatusCode, "%s %s: %s", q.method, q.path, r.body)
		assert.NotContains(t, string(r.body), tok.CnameToken.Token, "%s %s", q.method, q.path)
	}
	// The domain stays bound to the owner's bucket, which answers it.
	r = f.do(t, raw{method: "GET", path: "/sec40-dom?cname", sign: "oss-v1"})
	require.Equal(t, 200, r.StatusCode, string(r.body))
	assert.Contains(t, string(r.body), domain)

	// Another user's own bucket cannot take the domain, even with a TXT
	// record holding its own token beside the owner's.
	oc := f.ossV2(otherAK, otherSK)
	v2Bucket(t, oc, "sec40-other")
	otok, err := oc.CreateCnameToken(bg, &oss2.CreateCnameTokenRequest{Bucket: oss2.Ptr("sec40-other"), BucketCnameConfiguration: &oss2.BucketCnameConfiguration{Domain: oss2.Ptr(domain)}})
	require.NoError(t, err)
	dns.set("_dnsauth."+domain, oss2.ToString(tok.CnameToken.Token), oss2.ToString(otok.CnameToken.Token))
	_, err = oc.PutCname(bg, &oss2.PutCnameRequest{Bucket: oss2.Ptr("sec40-other"), BucketCnameConfiguration: &oss2.BucketCnameConfiguration{Domain: oss2.Ptr(domain)}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "CnameAlreadyExists")
	assert.NotContains(t, err.Error(), "sec40-dom", "the refusal names no other bucket")
}

// TestSec40PutIntoBucketMadeAgainMeanwhile: a PUT is authorized against
// the bucket as it is when the request arrives and commits once its body
// is read. A bucket deleted while a PUT into it is streaming (it is still
// empty) and made again under the same name by another account must not
// receive the object: the writer was never allowed to write there.
func TestSec40PutIntoBucketMadeAgainMeanwhile(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "sec40-race")
	pr, pw := io.Pipe()
	req, err := http.NewRequest("PUT", f.srv.URL+"/sec40-race/planted", pr)
	require.NoError(t, err)
	body := []byte("written by the old owner")
	req.ContentLength = int64(len(body))
	_, err = sigv4.SignRequest(req, sigv4.Credentials{AccessKeyID: testAK, SecretAccessKey: testSK}, "us-east-1", "s3", f.clock.Now(), sigv4.UnsignedPayload)
	require.NoError(t, err)
	done := make(chan rawResponse, 1)
	go func() {
		resp, err := f.httpClient().Do(req)
		if err != nil {
			done <- rawResponse{}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		done <- rawResponse{resp, b}
	}()
	_, err = pw.Write(body[:4]) // the server is reading the body
	require.NoError(t, err)
	r := f.do(t, raw{method: "DELETE", path: "/sec40-race"})
	require.Equal(t, 204, r.StatusCode, string(r.body))
	r = f.do(t, sec34Other(raw{method: "PUT", path: "/sec40-race"}))
	require.Equal(t, 200, r.StatusCode, string(r.body))
	_, err = pw.Write(body[4:])
	require.NoError(t, err)
	require.NoError(t, pw.Close())
	put := <-done
	require.NotNil(t, put.Response)
	t.Logf("PUT: %d %s", put.StatusCode, put.body)
	assert.NotEqual(t, 200, put.StatusCode, "the PUT committed into the other account's bucket: %s", put.body)
	_, err = f.eng.HeadObject(bg, "sec40-race", "planted")
	assert.Error(t, err, "the new owner's bucket holds the old owner's object")
}

// TestSec40AccessLogTargetMadeAgain: access log lines wait in memory up
// to engine.Options.AccessLogInterval (5 minutes) before they become an
// object of the target bucket. The target's owner is checked when a line
// is added; a target deleted and made again by another account before
// the batch is written must not receive the old owner's lines (its
// requests' keys, requesters and addresses), neither in S3's format nor
// in OSS's.
func TestSec40AccessLogTargetMadeAgain(t *testing.T) {
	for _, format := range []string{"s3", "oss"} {
		t.Run(format, func(t *testing.T) {
			f := newFixture(t, fixtureOptions{})
			src, dst := "sec40-src-"+format, "sec40-logs-"+format
			seedBucket(t, f, src)
			seedBucket(t, f, dst)
			var r rawResponse
			if format == "s3" {
				r = f.do(t, raw{method: "PUT", path: "/" + src + "?logging", body: []byte(`<BucketLoggingStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LoggingEnabled><TargetBucket>` +
					dst + `</TargetBucket><TargetPrefix>log/</TargetPrefix></LoggingEnabled></BucketLoggingStatus>`)})
			} else {
				r = f.do(t, raw{method: "PUT", path: "/" + src + "?logging", sign: "oss-v1", body: []byte(`<BucketLoggingStatus><LoggingEnabled><TargetBucket>` +
					dst + `</TargetBucket><TargetPrefix>log-</TargetPrefix></LoggingEnabled></BucketLoggingStatus>`)})
			}
			require.Equal(t, 200, r.StatusCode, string(r.body))
			must(t, f.do(t, raw{method: "PUT", path: "/" + src + "/secret-plans.txt", body: []byte("x")}).errOrNil())
			// The old owner drops its (still empty) log bucket; another
			// account takes the name.
			r = f.do(t, raw{method: "DELETE", path: "/" + dst})
			require.Equal(t, 204, r.StatusCode, string(r.body))
			r = f.do(t, sec34Other(raw{method: "PUT", path: "/" + dst}))
			require.Equal(t, 200, r.StatusCode, string(r.body))
			require.NoError(t, f.eng.FlushAccessLogs(bg))
			list := f.do(t, sec34Other(raw{method: "GET", path: "/" + dst + "?list-type=2"}))
			require.Equal(t, 200, list.StatusCode, string(list.body))
			assert.NotContains(t, string(list.body), "<Key>", "the other account's bucket got the old owner's access log: %s", list.body)
			// Lines of a target still the source owner's are written.
			must(t, f.do(t, raw{method: "PUT", path: "/" + src + "/after", body: []byte("x")}).errOrNil())
			require.NoError(t, f.eng.FlushAccessLogs(bg))
			list = f.do(t, sec34Other(raw{method: "GET", path: "/" + dst + "?list-type=2"}))
			assert.NotContains(t, string(list.body), "<Key>", "a target now another owner's gets no line: %s", list.body)
		})
	}
}

// armedKeys is a key service that runs hook once, at the first data key
// made after armed is set.
type armedKeys struct {
	kms.Service
	armed atomic.Bool
	hook  func()
}

func (k *armedKeys) GenerateDataKey(ctx context.Context, keyID string, encCtx map[string]string) (kms.DataKey, error) {
	if k.armed.CompareAndSwap(true, false) {
		k.hook()
	}
	return k.Service.GenerateDataKey(ctx, keyID, encCtx)
}

// TestSec40SaveAsTargetMadeAgain: OSS sys/saveas writes into a target
// bucket its request checked (the writer may write there, and it is the
// source owner's) and then processes the image. The request's own guard
// covers the source bucket only; a target deleted (still empty) and made
// again by another account while the image is processed must not receive
// the saved object. The target's owner changes here as its SSE data key
// is made, between the checks and the commit.
func TestSec40SaveAsTargetMadeAgain(t *testing.T) {
	keys := &armedKeys{Service: testKeyService(t)}
	f := newEngineFixture(t, "", engine.Options{Keys: keys})
	keys.hook = func() {
		must(t, f.eng.DeleteBucket(bg, "sec40-save", engine.DeleteBucketOptions{}))
		must(t, f.eng.CreateBucket(bg, "sec40-save", engine.BucketOptions{Owner: canonicalID(otherAK)}))
	}
	c := f.ossV2(testAK, testSK)
	v2Bucket(t, c, "sec40-img")
	v2Bucket(t, c, "sec40-save")
	_, err := c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr("sec40-img"), Key: oss2.Ptr("cat.jpg"), Body: bytes.NewReader(testImage(t, 200, 100))})
	require.NoError(t, err)
	_, err = c.PutBucketEncryption(bg, &oss2.PutBucketEncryptionRequest{Bucket: oss2.Ptr("sec40-save"), ServerSideEncryptionRule: &oss2.ServerSideEncryptionRule{
		ApplyServerSideEncryptionByDefault: &oss2.ApplyServerSideEncryptionByDefault{SSEAlgorithm: oss2.Ptr("AES256")}}})
	require.NoError(t, err)
	enc := func(s string) string { return base64.URLEncoding.EncodeToString([]byte(s)) }
	keys.armed.Store(true)
	_, err = c.ProcessObject(bg, &oss2.ProcessObjectRequest{Bucket: oss2.Ptr("sec40-img"), Key: oss2.Ptr("cat.jpg"),
		Process: oss2.Ptr("image/resize,w_100|sys/saveas,o_" + enc("small.jpg") + ",b_" + enc("sec40-save"))})
	require.False(t, keys.armed.Load(), "the hook ran")
	b, berr := f.eng.Bucket(bg, "sec40-save")
	require.NoError(t, berr)
	require.Equal(t, canonicalID(otherAK), b.Owner)
	_, herr := f.eng.HeadObject(bg, "sec40-save", "small.jpg")
	assert.Error(t, herr, "another account's bucket received the saved image")
	wantOSS(t, err, 409, "OperationAborted", "")
}
