package httpapi_test

import (
	"bytes"
	"crypto/tls"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
)

// TestOSSBucketOverwriteConfig: OSS's overwrite protection is stored and
// read back (a rule without an ID gets one), and enforced: a write that
// would replace an object matched by a rule's prefix, suffix and
// principals is 409 FileAlreadyExists and changes nothing, whatever the
// write (PutObject, CopyObject, multipart, symlink); a first write, a key
// no rule matches and a writer no rule names go through; deleting the
// configuration lifts it (alibabacloud-oss-go-sdk-v2's
// TestBucketOverwriteConfig, plus the enforcement it does not check).
func TestOSSBucketOverwriteConfig(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c, other := f.ossV2(testAK, testSK), f.ossV2(otherAK, otherSK)
	const bk = "overwrite-rules"
	_, err := c.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr(bk), Acl: oss2.BucketACLPublicReadWrite})
	require.NoError(t, err)
	_, err = c.GetBucketOverwriteConfig(bg, &oss2.GetBucketOverwriteConfigRequest{Bucket: oss2.Ptr(bk)})
	wantOSS(t, err, 404, "NoSuchOverwriteConfiguration", "")

	svc, err := other.ListBuckets(bg, &oss2.ListBucketsRequest{})
	require.NoError(t, err)
	otherUID := oss2.ToString(svc.Owner.ID)
	require.NotEmpty(t, otherUID)
	put := func(rules ...oss2.OverwriteRule) error {
		_, err := c.PutBucketOverwriteConfig(bg, &oss2.PutBucketOverwriteConfigRequest{Bucket: oss2.Ptr(bk),
			OverwriteConfiguration: &oss2.OverwriteConfiguration{Rules: rules}})
		return err
	}
	require.NoError(t, put(
		oss2.OverwriteRule{ID: oss2.Ptr("locked"), Action: oss2.Ptr("forbid"), Prefix: oss2.Ptr("locked/")},
		oss2.OverwriteRule{Action: oss2.Ptr("forbid"), Suffix: oss2.Ptr(".txt"), Principals: &oss2.OverwritePrincipals{Principals: []string{otherUID}}},
	))
	got, err := c.GetBucketOverwriteConfig(bg, &oss2.GetBucketOverwriteConfigRequest{Bucket: oss2.Ptr(bk)})
	require.NoError(t, err)
	rules := got.OverwriteConfiguration.Rules
	require.Len(t, rules, 2)
	require.Equal(t, "locked", oss2.ToString(rules[0].ID))
	require.Equal(t, "locked/", oss2.ToString(rules[0].Prefix))
	require.Len(t, oss2.ToString(rules[1].ID), 36, "a rule sent without an ID gets a UUID")
	require.Equal(t, []string{otherUID}, rules[1].Principals.Principals)

	putObj := func(cl *oss2.Client, key, body string) error {
		_, err := cl.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr(key), Body: strings.NewReader(body)})
		return err
	}
	read := func(key string) string {
		t.Helper()
		r, err := c.GetObject(bg, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr(key)})
		require.NoError(t, err)
		defer r.Body.Close()
		b, err := io.ReadAll(r.Body)
		require.NoError(t, err)
		return string(b)
	}
	require.NoError(t, putObj(c, "locked/a", "first"), "a first write replaces nothing")
	wantOSS(t, putObj(c, "locked/a", "second"), 409, "FileAlreadyExists", "0016-00000108")
	wantOSS(t, putObj(other, "locked/a", "third"), 409, "FileAlreadyExists", "")
	require.Equal(t, "first", read("locked/a"))
	_, err = c.CopyObject(bg, &oss2.CopyObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("locked/a"), SourceKey: oss2.Ptr("locked/a"),
		MetadataDirective: oss2.Ptr("REPLACE"), ContentType: oss2.Ptr("text/x-new")})
	wantOSS(t, err, 409, "FileAlreadyExists", "")
	_, err = c.InitiateMultipartUpload(bg, &oss2.InitiateMultipartUploadRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("locked/a")})
	wantOSS(t, err, 409, "FileAlreadyExists", "")
	_, err = c.PutSymlink(bg, &oss2.PutSymlinkRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("locked/a"), Target: oss2.Ptr("free")})
	wantOSS(t, err, 409, "FileAlreadyExists", "")
	require.Equal(t, "first", read("locked/a"))

	// The .txt rule binds only the other account.
	require.NoError(t, putObj(c, "notes.txt", "1"))
	require.NoError(t, putObj(c, "notes.txt", "2"), "the owner is not among the rule's principals")
	wantOSS(t, putObj(other, "notes.txt", "3"), 409, "FileAlreadyExists", "")
	require.NoError(t, putObj(other, "notes.md", "1"))
	require.NoError(t, putObj(other, "notes.md", "2"), "no rule matches the key")
	require.Equal(t, "2", read("notes.txt"))

	// Documents the protection refuses.
	require.Error(t, put(oss2.OverwriteRule{ID: oss2.Ptr("x"), Action: oss2.Ptr("allow")}))
	require.Error(t, put(oss2.OverwriteRule{ID: oss2.Ptr("x"), Action: oss2.Ptr("forbid")}, oss2.OverwriteRule{ID: oss2.Ptr("x"), Action: oss2.Ptr("forbid")}))
	many := make([]oss2.OverwriteRule, 101)
	for i := range many {
		many[i] = oss2.OverwriteRule{Action: oss2.Ptr("forbid")}
	}
	wantOSS(t, put(many...), 400, "InvalidArgument", "")
	_, err = other.PutBucketOverwriteConfig(bg, &oss2.PutBucketOverwriteConfigRequest{Bucket: oss2.Ptr(bk),
		OverwriteConfiguration: &oss2.OverwriteConfiguration{Rules: []oss2.OverwriteRule{{Action: oss2.Ptr("forbid")}}}})
	wantOSS(t, err, 403, "AccessDenied", "")
	got, err = c.GetBucketOverwriteConfig(bg, &oss2.GetBucketOverwriteConfigRequest{Bucket: oss2.Ptr(bk)})
	require.NoError(t, err)
	require.Len(t, got.OverwriteConfiguration.Rules, 2, "a refused document changes nothing")

	del, err := c.DeleteBucketOverwriteConfig(bg, &oss2.DeleteBucketOverwriteConfigRequest{Bucket: oss2.Ptr(bk)})
	require.NoError(t, err)
	require.Equal(t, 204, del.StatusCode)
	require.NoError(t, putObj(c, "locked/a", "after"))
	require.Equal(t, "after", read("locked/a"))
	_, err = c.GetBucketOverwriteConfig(bg, &oss2.GetBucketOverwriteConfigRequest{Bucket: oss2.Ptr(bk + "-missing")})
	wantOSS(t, err, 404, "NoSuchBucket", "0015-00000101")
}

// TestOSSBucketArchiveDirectRead: with real-time access of Archive
// objects enabled, GetObject reads an Archive object without a restore;
// ColdArchive still needs one, and turning the setting off restores the
// refusal (alibabacloud-oss-go-sdk-v2's TestBucketArchiveDirectRead,
// plus the reads it does not check).
func TestOSSBucketArchiveDirectRead(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	const bk = "archive-direct"
	_, err := c.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr(bk)})
	require.NoError(t, err)
	get := func() bool {
		t.Helper()
		r, err := c.GetBucketArchiveDirectRead(bg, &oss2.GetBucketArchiveDirectReadRequest{Bucket: oss2.Ptr(bk)})
		require.NoError(t, err)
		return oss2.ToBool(r.ArchiveDirectReadConfiguration.Enabled)
	}
	set := func(on bool) {
		t.Helper()
		_, err := c.PutBucketArchiveDirectRead(bg, &oss2.PutBucketArchiveDirectReadRequest{Bucket: oss2.Ptr(bk),
			ArchiveDirectReadConfiguration: &oss2.ArchiveDirectReadConfiguration{Enabled: oss2.Ptr(on)}})
		require.NoError(t, err)
	}
	read := func(key string) (string, error) {
		r, err := c.GetObject(bg, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr(key)})
		if err != nil {
			return "", err
		}
		defer r.Body.Close()
		b, err := io.ReadAll(r.Body)
		return string(b), err
	}
	for key, class := range map[string]oss2.StorageClassType{"archive": oss2.StorageClassArchive, "cold": oss2.StorageClassColdArchive} {
		_, err := c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr(key), Body: strings.NewReader("frozen " + key), StorageClass: class})
		require.NoError(t, err)
	}
	require.False(t, get(), "off until enabled")
	_, err = read("archive")
	wantOSS(t, err, 403, "InvalidObjectState", "")

	set(true)
	require.True(t, get())
	body, err := read("archive")
	require.NoError(t, err)
	require.Equal(t, "frozen archive", body)
	_, err = read("cold")
	wantOSS(t, err, 403, "InvalidObjectState", "")

	set(false)
	require.False(t, get())
	_, err = read("archive")
	wantOSS(t, err, 403, "InvalidObjectState", "")

	_, err = c.PutBucketArchiveDirectRead(bg, &oss2.PutBucketArchiveDirectReadRequest{Bucket: oss2.Ptr(bk + "-missing"),
		ArchiveDirectReadConfiguration: &oss2.ArchiveDirectReadConfiguration{Enabled: oss2.Ptr(true)}})
	wantOSS(t, err, 404, "NoSuchBucket", "0015-00000101")
}

// TestOSSBucketHttpsConfig: the TLS versions and cipher suites of a
// bucket's HTTPS configuration are stored, read back and enforced on
// requests over TLS (403 AccessDenied, nothing written); strong suites
// are TLS 1.3 and ECDHE with an AEAD; the settings themselves stay
// reachable; plain HTTP is not affected (alibabacloud-oss-go-sdk-v2's
// TestBucketHttpsConfig, plus the enforcement it does not check).
func TestOSSBucketHttpsConfig(t *testing.T) {
	f := newFixture(t, fixtureOptions{tls: true})
	const bk = "https-rules"
	c13 := f.ossV2(testAK, testSK)
	client12 := func(suites ...uint16) *http.Client {
		hc := f.httpClient()
		tr := hc.Transport.(*http.Transport)
		tr.TLSClientConfig = tr.TLSClientConfig.Clone()
		tr.TLSClientConfig.MaxVersion, tr.TLSClientConfig.CipherSuites = tls.VersionTLS12, suites
		return hc
	}
	with := func(suites ...uint16) *oss2.Client {
		hc := client12(suites...)
		return oss2.NewClient(oss2.LoadDefaultConfig().
			WithCredentialsProvider(credentials.NewStaticCredentialsProvider(testAK, testSK)).
			WithRegion("cn-hangzhou").WithEndpoint(f.srv.URL).WithHttpClient(hc).WithRetryMaxAttempts(1))
	}
	gcm128 := with(tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)
	gcm256 := with(tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384)
	cbc := with(tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA)

	_, err := c13.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr(bk)})
	require.NoError(t, err)
	cfg, err := c13.GetBucketHttpsConfig(bg, &oss2.GetBucketHttpsConfigRequest{Bucket: oss2.Ptr(bk)})
	require.NoError(t, err)
	require.False(t, oss2.ToBool(cfg.HttpsConfiguration.TLS.Enable), "off until set")
	put := func(h *oss2.HttpsConfiguration) error {
		_, err := c13.PutBucketHttpsConfig(bg, &oss2.PutBucketHttpsConfigRequest{Bucket: oss2.Ptr(bk), HttpsConfiguration: h})
		return err
	}
	write := func(c *oss2.Client, key string) error {
		_, err := c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr(key), Body: strings.NewReader("v")})
		return err
	}
	exists := func(key string) bool {
		ok, err := c13.IsObjectExist(bg, bk, key)
		require.NoError(t, err)
		return ok
	}
	require.NoError(t, write(gcm128, "before"), "no settings: every version")

	require.NoError(t, put(&oss2.HttpsConfiguration{TLS: &oss2.TLS{Enable: oss2.Ptr(true), TLSVersions: []string{"TLSv1.3"}}}))
	require.NoError(t, write(c13, "v13"))
	wantOSS(t, write(gcm128, "v12"), 403, "AccessDenied", "")
	require.False(t, exists("v12"), "a refused write stores nothing")
	_, err = gcm128.GetBucketHttpsConfig(bg, &oss2.GetBucketHttpsConfigRequest{Bucket: oss2.Ptr(bk)})
	require.NoError(t, err, "the settings stay reachable to mend them")
	// A browser form upload is held to the settings too.
	_, err = c13.PutBucketAcl(bg, &oss2.PutBucketAclRequest{Bucket: oss2.Ptr(bk), Acl: oss2.BucketACLPublicReadWrite})
	require.NoError(t, err)
	postForm := func(hc *http.Client, key string) int {
		t.Helper()
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		require.NoError(t, mw.WriteField("key", key))
		fw, err := mw.CreateFormFile("file", "f.txt")
		require.NoError(t, err)
		_, _ = fw.Write([]byte("form"))
		require.NoError(t, mw.Close())
		req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/"+bk, &body)
		require.NoError(t, err)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("x-oss-date-hint", "1") // an OSS request
		resp, err := hc.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	require.Equal(t, http.StatusForbidden, postForm(client12(tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256), "form12"))
	require.False(t, exists("form12"))
	require.Equal(t, http.StatusNoContent, postForm(f.httpClient(), "form13"))
	require.True(t, exists("form13"))

	require.NoError(t, put(&oss2.HttpsConfiguration{
		TLS: &oss2.TLS{Enable: oss2.Ptr(true), TLSVersions: []string{"TLSv1.2", "TLSv1.3"}},
		CipherSuite: &oss2.CipherSuite{Enable: oss2.Ptr(true), StrongCipherSuite: oss2.Ptr(false),
			CustomCipherSuites:      []string{"ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"},
			TLS13CustomCipherSuites: []string{"TLS_AES_256_GCM_SHA384"}},
	}))
	cfg, err = c13.GetBucketHttpsConfig(bg, &oss2.GetBucketHttpsConfigRequest{Bucket: oss2.Ptr(bk)})
	require.NoError(t, err)
	require.Equal(t, []string{"TLSv1.2", "TLSv1.3"}, cfg.HttpsConfiguration.TLS.TLSVersions)
	require.True(t, oss2.ToBool(cfg.HttpsConfiguration.CipherSuite.Enable))
	require.Len(t, cfg.HttpsConfiguration.CipherSuite.CustomCipherSuites, 2)
	require.NoError(t, write(gcm128, "gcm128"))
	wantOSS(t, write(gcm256, "gcm256"), 403, "AccessDenied", "")
	wantOSS(t, write(c13, "tls13"), 403, "AccessDenied", "") // crypto/tls picks AES-128-GCM or ChaCha20 for TLS 1.3

	require.NoError(t, put(&oss2.HttpsConfiguration{TLS: &oss2.TLS{Enable: oss2.Ptr(false)},
		CipherSuite: &oss2.CipherSuite{Enable: oss2.Ptr(true), StrongCipherSuite: oss2.Ptr(true)}}))
	require.NoError(t, write(c13, "strong13"))
	require.NoError(t, write(gcm256, "strong12"))
	wantOSS(t, write(cbc, "cbc"), 403, "AccessDenied", "")

	wantOSS(t, put(&oss2.HttpsConfiguration{TLS: &oss2.TLS{Enable: oss2.Ptr(true), TLSVersions: []string{"SSLv3"}}}), 400, "InvalidArgument", "")
	wantOSS(t, put(&oss2.HttpsConfiguration{TLS: &oss2.TLS{Enable: oss2.Ptr(true)}}), 400, "InvalidArgument", "")

	// Plain HTTP is not bound by the TLS settings.
	p := newFixture(t, fixtureOptions{})
	pc := p.ossV2(testAK, testSK)
	_, err = pc.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr(bk)})
	require.NoError(t, err)
	_, err = pc.PutBucketHttpsConfig(bg, &oss2.PutBucketHttpsConfigRequest{Bucket: oss2.Ptr(bk),
		HttpsConfiguration: &oss2.HttpsConfiguration{TLS: &oss2.TLS{Enable: oss2.Ptr(true), TLSVersions: []string{"TLSv1.3"}}}})
	require.NoError(t, err)
	_, err = pc.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("plain"), Body: strings.NewReader("v")})
	require.NoError(t, err)
}

// TestOSSBucketAccessMonitor: access tracking is off until enabled
// (GetBucketInfo agrees); a lifecycle rule by last access needs it on,
// and reads back with its flags and AtimeBase; tracking cannot be turned
// off while such a rule exists; GetObjectMeta reports the last access
// time, which a read moves once a day (aliyun-oss-go-sdk's
// TestBucketAccessMonitor and alibabacloud-oss-go-sdk-v2's, plus the
// tracking neither checks).
func TestOSSBucketAccessMonitor(t *testing.T) {
	// The clock moves days: signed requests may be that far off.
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{func(c *httpapi.Config) { c.MaxSkew = 120 * time.Hour }}})
	c := f.ossV2(testAK, testSK)
	const bk = "access-monitor"
	_, err := c.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr(bk)})
	require.NoError(t, err)
	status := func() string {
		t.Helper()
		r, err := c.GetBucketAccessMonitor(bg, &oss2.GetBucketAccessMonitorRequest{Bucket: oss2.Ptr(bk)})
		require.NoError(t, err)
		info, err := c.GetBucketInfo(bg, &oss2.GetBucketInfoRequest{Bucket: oss2.Ptr(bk)})
		require.NoError(t, err)
		require.Equal(t, string(r.AccessMonitorConfiguration.Status), oss2.ToString(info.BucketInfo.AccessMonitor))
		return string(r.AccessMonitorConfiguration.Status)
	}
	set := func(s oss2.AccessMonitorStatusType) error {
		_, err := c.PutBucketAccessMonitor(bg, &oss2.PutBucketAccessMonitorRequest{Bucket: oss2.Ptr(bk),
			AccessMonitorConfiguration: &oss2.AccessMonitorConfiguration{Status: s}})
		return err
	}
	yes, no := true, false
	putLC := func() error {
		_, err := c.PutBucketLifecycle(bg, &oss2.PutBucketLifecycleRequest{Bucket: oss2.Ptr(bk), LifecycleConfiguration: &oss2.LifecycleConfiguration{Rules: []oss2.LifecycleRule{
			{ID: oss2.Ptr("mtime"), Prefix: oss2.Ptr("logs1"), Status: oss2.Ptr("Enabled"),
				Transitions: []oss2.LifecycleRuleTransition{{Days: oss2.Ptr(int32(30)), StorageClass: oss2.StorageClassIA, IsAccessTime: &no}}},
			{ID: oss2.Ptr("atime"), Prefix: oss2.Ptr("logs2"), Status: oss2.Ptr("Enabled"),
				Transitions: []oss2.LifecycleRuleTransition{{Days: oss2.Ptr(int32(30)), StorageClass: oss2.StorageClassIA, IsAccessTime: &yes, ReturnToStdWhenVisit: &yes, AllowSmallFile: &yes}}},
			{ID: oss2.Ptr("noncurrent"), Prefix: oss2.Ptr("logs3"), Status: oss2.Ptr("Enabled"),
				NoncurrentVersionTransitions: []oss2.NoncurrentVersionTransition{{NoncurrentDays: oss2.Ptr(int32(10)), StorageClass: oss2.StorageClassIA, IsAccessTime: &yes, ReturnToStdWhenVisit: &no, AllowSmallFile: &no}}},
		}}})
		return err
	}
	require.Equal(t, "Disabled", status())
	wantOSS(t, putLC(), 400, "InvalidArgument", "")

	require.NoError(t, set(oss2.AccessMonitorStatusEnabled))
	enabledAt := f.clock.Now()
	require.NoError(t, set(oss2.AccessMonitorStatusEnabled), "enabling twice is fine")
	require.Equal(t, "Enabled", status())
	require.NoError(t, putLC())
	lc, err := c.GetBucketLifecycle(bg, &oss2.GetBucketLifecycleRequest{Bucket: oss2.Ptr(bk)})
	require.NoError(t, err)
	rules := lc.LifecycleConfiguration.Rules
	require.Len(t, rules, 3)
	require.False(t, *rules[0].Transitions[0].IsAccessTime)
	require.Nil(t, rules[0].AtimeBase, "a rule by creation has no AtimeBase")
	require.True(t, *rules[1].Transitions[0].IsAccessTime)
	require.True(t, *rules[1].Transitions[0].ReturnToStdWhenVisit)
	require.True(t, *rules[1].Transitions[0].AllowSmallFile)
	require.Equal(t, enabledAt.Unix(), oss2.ToInt64(rules[1].AtimeBase))
	require.True(t, *rules[2].NoncurrentVersionTransitions[0].IsAccessTime)
	require.False(t, *rules[2].NoncurrentVersionTransitions[0].AllowSmallFile)
	wantOSS(t, set(oss2.AccessMonitorStatusDisabled), 400, "InvalidArgument", "")
	require.Equal(t, "Enabled", status())

	// GetObjectMeta reports the last access time: the creation until a
	// read, then the read, moved again only a day later.
	f.clock.Advance(time.Hour)
	lastAccess := func() time.Time {
		t.Helper()
		m, err := c.GetObjectMeta(bg, &oss2.GetObjectMetaRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("k")})
		require.NoError(t, err)
		require.NotNil(t, m.LastAccessTime)
		return *m.LastAccessTime
	}
	// accessedDuring is the last access time, which must fall while
	// since..now (the clock runs: a second may pass during a request).
	accessedDuring := func(since time.Time) time.Time {
		t.Helper()
		at := lastAccess()
		require.True(t, at.Unix() >= since.Unix() && at.Unix() <= f.clock.Now().Unix(), "accessed at %v, not between %v and now", at, since)
		return at
	}
	before := f.clock.Now()
	_, err = c.PutObject(bg, &oss2.PutObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("k"), Body: strings.NewReader("v")})
	require.NoError(t, err)
	accessedDuring(before)
	get := func() {
		t.Helper()
		r, err := c.GetObject(bg, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("k")})
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	f.clock.Advance(2 * time.Hour)
	before = f.clock.Now()
	get()
	read := accessedDuring(before)
	f.clock.Advance(time.Hour)
	get()
	require.Equal(t, read.Unix(), lastAccess().Unix(), "one recorded read a day")
	f.clock.Advance(24 * time.Hour)
	before = f.clock.Now()
	get()
	accessedDuring(before)
	// An ACL change counts as an access, and a read through a symlink
	// counts for its target, as OSS documents.
	f.clock.Advance(25 * time.Hour)
	before = f.clock.Now()
	_, err = c.PutObjectAcl(bg, &oss2.PutObjectAclRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("k"), Acl: oss2.ObjectACLPrivate})
	require.NoError(t, err)
	accessedDuring(before)
	_, err = c.PutSymlink(bg, &oss2.PutSymlinkRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("link"), Target: oss2.Ptr("k")})
	require.NoError(t, err)
	f.clock.Advance(25 * time.Hour)
	before = f.clock.Now()
	r, err := c.GetObject(bg, &oss2.GetObjectRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("link")})
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, r.Body)
	r.Body.Close()
	accessedDuring(before)

	_, err = c.DeleteBucketLifecycle(bg, &oss2.DeleteBucketLifecycleRequest{Bucket: oss2.Ptr(bk)})
	require.NoError(t, err)
	require.NoError(t, set(oss2.AccessMonitorStatusDisabled))
	require.Equal(t, "Disabled", status())
	m, err := c.GetObjectMeta(bg, &oss2.GetObjectMetaRequest{Bucket: oss2.Ptr(bk), Key: oss2.Ptr("k")})
	require.NoError(t, err)
	require.Nil(t, m.LastAccessTime, "no last access time without tracking")
	wantOSS(t, set("Sometimes"), 400, "MalformedXML", "")
}

// TestOSSMissingBucketMalformed: PutBucketOverwriteConfig and
// PutBucketObjectWormConfiguration to a bucket that does not exist are
// 400 MalformedXML (EC 0015-00000231), as the service answers them (the
// v2 SDK's suite checks it); their GET and DELETE, and other PUTs, are
// NoSuchBucket. Nothing is created.
func TestOSSMissingBucketMalformed(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	missing := oss2.Ptr("no-such-bucket-here")
	_, err := c.PutBucketOverwriteConfig(bg, &oss2.PutBucketOverwriteConfigRequest{Bucket: missing,
		OverwriteConfiguration: &oss2.OverwriteConfiguration{Rules: []oss2.OverwriteRule{{ID: oss2.Ptr("1"), Action: oss2.Ptr("forbid")}}}})
	e := wantOSS(t, err, 400, "MalformedXML", "0015-00000231")
	require.Equal(t, "The XML you provided was not well-formed or did not validate against our published schema.", e.message)
	_, err = c.PutBucketObjectWormConfiguration(bg, &oss2.PutBucketObjectWormConfigurationRequest{Bucket: missing,
		ObjectWormConfiguration: &oss2.ObjectWormConfiguration{ObjectWormEnabled: oss2.Ptr("Enabled"),
			Rule: &oss2.ObjectWormRule{DefaultRetention: &oss2.ObjectWormDefaultRetention{Mode: oss2.Ptr("GOVERNANCE"), Years: oss2.Ptr(int32(1))}}}})
	wantOSS(t, err, 400, "MalformedXML", "0015-00000231")
	_, err = c.GetBucketOverwriteConfig(bg, &oss2.GetBucketOverwriteConfigRequest{Bucket: missing})
	wantOSS(t, err, 404, "NoSuchBucket", "0015-00000101")
	_, err = c.DeleteBucketOverwriteConfig(bg, &oss2.DeleteBucketOverwriteConfigRequest{Bucket: missing})
	wantOSS(t, err, 404, "NoSuchBucket", "0015-00000101")
	_, err = c.PutBucketAccessMonitor(bg, &oss2.PutBucketAccessMonitorRequest{Bucket: missing,
		AccessMonitorConfiguration: &oss2.AccessMonitorConfiguration{Status: oss2.AccessMonitorStatusEnabled}})
	wantOSS(t, err, 404, "NoSuchBucket", "0015-00000101")
	_, err = f.eng.Bucket(bg, "no-such-bucket-here")
	require.ErrorIs(t, err, engine.ErrNoSuchBucket)
}
