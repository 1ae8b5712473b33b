package httpapi_test

// Regression tests of the twenty-first session's second security review
// (S3 Express sessions, QoS, request intake): each failed before its fix.

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
)

func sec2Sessions(t *testing.T) (*fixture, *s3.Client, *s3.Client) {
	f := newFixture(t, fixtureOptions{})
	c := f.client()
	createExpressBucket(t, c)
	plain := s3.NewFromConfig(aws.Config{}, func(o *s3.Options) { *o = c.Options(); o.DisableS3ExpressSessionAuth = aws.Bool(true) })
	other := f.s3Client(true, otherAK, otherSK)
	otherPlain := s3.NewFromConfig(aws.Config{}, func(o *s3.Options) { *o = other.Options(); o.DisableS3ExpressSessionAuth = aws.Bool(true) })
	return f, plain, otherPlain
}

func md5hdr(b []byte) string { s := md5.Sum(b); return base64.StdEncoding.EncodeToString(s[:]) }

// SEC2-1: a session granted to another user by s3express:CreateSession
// (the only data-plane grant a directory bucket's policy can make)
// passes authorizeAccess for every route on the bucket, including the
// owner-only bucket management operations S3 authorizes with IAM, not
// with a session.
func TestReview21SessionDoesOwnerOnlyOps(t *testing.T) {
	f, plain, otherPlain := sec2Sessions(t)
	ctx := context.Background()
	pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"` + canonicalID(otherAK) +
		`"},"Action":"s3express:CreateSession","Resource":"arn:aws:s3express:us-east-1:*:bucket/` + expressBucket + `"}]}`
	_, err := plain.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(expressBucket), Policy: aws.String(pol)})
	require.NoError(t, err)

	// Without a session the other user may not read the policy.
	_, err = otherPlain.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(expressBucket)})
	require.Equal(t, "AccessDenied", apiCode(err))

	ro, err := otherPlain.CreateSession(ctx, &s3.CreateSessionInput{Bucket: aws.String(expressBucket), SessionMode: types.SessionModeReadOnly})
	require.NoError(t, err)
	r := sessionRequest(t, f, "GET", "/"+expressBucket+"?policy", aws.ToString(ro.Credentials.AccessKeyId),
		aws.ToString(ro.Credentials.SecretAccessKey), aws.ToString(ro.Credentials.SessionToken), nil)
	require.Equal(t, "AccessDenied", r.errCode(), "a ReadOnly session reads no policy: %s", r.body)

	rw, err := otherPlain.CreateSession(ctx, &s3.CreateSessionInput{Bucket: aws.String(expressBucket)})
	require.NoError(t, err)
	ak, sk, tok := aws.ToString(rw.Credentials.AccessKeyId), aws.ToString(rw.Credentials.SecretAccessKey), aws.ToString(rw.Credentials.SessionToken)

	lc := []byte(`<LifecycleConfiguration><Rule><ID>wipe</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>`)
	r = sessionRequestH(t, f, "PUT", "/"+expressBucket+"?lifecycle", ak, sk, tok, lc, http.Header{"Content-Md5": {md5hdr(lc)}})
	require.Equal(t, "AccessDenied", r.errCode(), "lifecycle by a session: %s", r.body)
	r = sessionRequest(t, f, "DELETE", "/"+expressBucket+"?encryption", ak, sk, tok, nil)
	require.Equal(t, "AccessDenied", r.errCode(), "encryption by a session: %s", r.body)
	// The policy: the other user rewrites it, removing the owner's control of who may get sessions.
	pol2 := []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"` + canonicalID(otherAK) +
		`"},"Action":"s3express:*","Resource":"arn:aws:s3express:us-east-1:*:bucket/` + expressBucket + `"}]}`)
	r = sessionRequest(t, f, "PUT", "/"+expressBucket+"?policy", ak, sk, tok, pol2)
	require.Equal(t, "AccessDenied", r.errCode(), "a session granted by CreateSession rewrote the bucket policy: %s", r.body)
	r = sessionRequest(t, f, "PUT", "/"+expressBucket+"/data", ak, sk, tok, []byte("v"))
	require.Equal(t, http.StatusOK, r.StatusCode, "data operations are the session's: %s", r.body)
}

// SEC2-2: Block Public Access is on for every directory bucket, yet a
// policy granting s3express:CreateSession to "*" is not "public"
// (IsPublic only knows s3: actions), so it is accepted, and any
// authenticated principal gets a read-write session.
func TestReview21PublicCreateSessionPolicy(t *testing.T) {
	f, plain, otherPlain := sec2Sessions(t)
	ctx := context.Background()
	_, err := plain.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(expressBucket), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3express:CreateSession","Resource":"arn:aws:s3express:us-east-1:*:bucket/` + expressBucket + `"}]}`)})
	require.Equal(t, "AccessDenied", apiCode(err), "BlockPublicPolicy let a policy granting sessions to everyone in")
	_, _ = f, otherPlain
}

// SEC2-3: any authenticated principal, with no grant at all (a session
// for a directory bucket name that does not exist is answered), fills
// the 10,000 sessions in a few seconds; then nobody, the owner included,
// gets a session for five minutes (SlowDown), and directory buckets are
// unusable through the SDKs (which need a session for every data call).
func TestReview21SessionTableExhaustion(t *testing.T) {
	f, plain, otherPlain := sec2Sessions(t)
	ctx := context.Background()
	_ = f
	refused := -1
	for i := 0; i < 200; i++ {
		if _, err := otherPlain.CreateSession(ctx, &s3.CreateSessionInput{Bucket: aws.String("nothere--usw2-az1--x-s3")}); err != nil {
			require.Equal(t, "SlowDown", apiCode(err))
			refused = i
			break
		}
	}
	require.Equal(t, 100, refused, "one user holds at most 100 sessions")
	_, err := plain.CreateSession(ctx, &s3.CreateSessionInput{Bucket: aws.String(expressBucket)})
	require.NoError(t, err, "the owner is refused a session of its own bucket after a stranger's 10,000 CreateSession calls")
}

// SEC2-1b: through the OSS dialect a general bucket may take a directory
// bucket's name (ACLs enabled); a WRITE grant of its ACL then yields a
// session that rewrites the bucket's policy.
func TestReview21SessionFromACLGrant(t *testing.T) {
	f, _, otherPlain := sec2Sessions(t)
	ctx := context.Background()
	name := "pub--usw2-az1--x-s3"
	r := f.do(t, raw{method: "PUT", path: "/" + name, sign: "oss-v1", header: http.Header{"X-Oss-Acl": {"public-read-write"}}})
	require.Equal(t, "InvalidBucketName", r.errCode(), "another dialect's bucket may not take a directory bucket's name: %s", r.body)
	_, err := f.eng.Bucket(ctx, name)
	require.ErrorIs(t, err, engine.ErrNoSuchBucket)
	_ = otherPlain
}

// SEC2: checkDocDepth runs only when the trimmed body starts with '<';
// encoding/xml skips leading character data (a BOM, any text) before the
// root element, so a prefix byte bypasses the depth bound.
func TestReview21DepthBypassLeadingText(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	must(t, f.eng.CreateBucket(ctx, "deep", engine.BucketOptions{}))
	n := (1<<20 - 200) / 7
	nest := strings.Repeat("<a>", n) + strings.Repeat("</a>", n)
	for _, prefix := range []string{"", "\xEF\xBB\xBF", "x"} {
		tags := prefix + "<CreateBucketConfiguration><x>" + nest + "</x></CreateBucketConfiguration>"
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		rt := f.do(t, raw{method: "PUT", path: "/deep" + fmt.Sprint(len(prefix)), body: []byte(tags), header: hdr("Content-MD5", md5b64([]byte(tags)))})
		runtime.ReadMemStats(&after)
		require.Equal(t, "MalformedXML", rt.errCode(), "prefix %q: a %d-deep document", prefix, n)
		require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(32<<20), "prefix %q", prefix)
	}
}

// SEC2-QoS: a bucket's QoS settings (TotalQps 0, download bandwidth 0)
// refuse every REST request, yet anonymous GETs of a bucket with a
// website configuration are served by ossWebsite / serveWebsite, which
// run before admitQoS: neither the QPS limit nor the download meter
// applies to them.
func TestReview21QoSWebsiteBypass(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	r := f.do(t, raw{method: "PUT", path: "/site", sign: "oss-v4", header: http.Header{"X-Oss-Acl": {"public-read"}}})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	r = f.do(t, raw{method: "PUT", path: "/site/big", sign: "oss-v4", body: make([]byte, 1<<20)})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	web := []byte(`<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument></WebsiteConfiguration>`)
	r = f.do(t, raw{method: "PUT", path: "/site?website", sign: "oss-v4", body: web})
	require.Equal(t, http.StatusOK, r.StatusCode, string(r.body))
	putQoS(t, f, "site", "<TotalQps>0</TotalQps><TotalDownloadBandwidth>0</TotalDownloadBandwidth>")

	r = f.do(t, raw{method: "GET", path: "/site/big", sign: "oss-v4"})
	require.Equal(t, http.StatusServiceUnavailable, r.StatusCode, "the owner's own GET is refused")
	for i := 0; i < 50; i++ {
		r = f.do(t, raw{method: "GET", path: "/site/big", sign: "anon", header: http.Header{"X-Oss-Foo": {"1"}}})
		if r.StatusCode != http.StatusOK {
			break
		}
	}
	require.Equal(t, http.StatusServiceUnavailable, r.StatusCode, "QoS TotalQps 0 / download 0 bypassed on the REST endpoint")
	r2 := f.do(t, raw{method: "GET", path: "/_website/site/big", sign: "anon"})
	require.NotEqual(t, http.StatusOK, r2.StatusCode, "QoS bypassed on the website endpoint")
}

// SEC2-QoS-b: a POST form is admitted to the bucket's QPS before its
// credentials are read, so unsigned forms to a private bucket use up
// the owner's requests a second.
func TestReview21QoSAnonymousFormsSpendQPS(t *testing.T) {
	clock := &testClock{fixed: time.Now()}
	f := newFixture(t, fixtureOptions{clock: clock})
	must(t, f.eng.CreateBucket(context.Background(), "priv", engine.BucketOptions{}))
	putQoS(t, f, "priv", "<TotalQps>3</TotalQps>")
	clock.Advance(time.Second)
	for i := 0; i < 3; i++ {
		resp := f.post(t, "/priv", "", multipartForm{fields: []field{{"key", "k"}}, content: "x"})
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
	}
	r := f.do(t, raw{method: "GET", path: "/priv?list-type=2", sign: "v4"})
	require.Equal(t, http.StatusOK, r.StatusCode, "refused forms spent the owner's requests a second: %s", r.body)
}

// SEC2-anon: website endpoint requests are served as anonymous but never
// pass admitAnonymous; one that carries a made-up Authorization header
// (which the website ignores) takes a signed admission, so any number
// of anonymous website requests run past Config.MaxAnonymousRequests.
func TestReview21WebsiteEscapesAnonymousCap(t *testing.T) {
	hold := make(chan struct{})
	var inside atomic.Int32
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{
		httpapi.WithRequestLimits(100, 1),
		httpapi.WithInterceptor(func(w http.ResponseWriter, r *http.Request, op httpapi.Op) bool {
			if op.Key == "hold" {
				inside.Add(1)
				<-hold
			}
			return false
		}),
	}})
	must(t, f.eng.CreateBucket(context.Background(), "capped", engine.BucketOptions{}))
	var release sync.Once
	t.Cleanup(func() { release.Do(func() { close(hold) }) })
	var wg sync.WaitGroup
	codes := make([]int, 5)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := f.do(t, raw{method: "GET", path: "/_website/capped/hold", sign: "anon", header: http.Header{"Authorization": {"x"}}})
			codes[i] = r.StatusCode
		}()
	}
	deadline := time.Now().Add(2 * time.Second)
	for inside.Load() < 5 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	release.Do(func() { close(hold) })
	wg.Wait()
	require.LessOrEqual(t, inside.Load(), int32(1))
}
