package sinaclient_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/fake"
	"github.com/osslite/osslite/internal/sinaclient"
	"github.com/osslite/osslite/pkg/ssig"
)

func newClient(t *testing.T) (*sinaclient.Client, *fake.Server) {
	srv := fake.New(t)
	return &sinaclient.Client{Endpoint: srv.URL, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey,
		HTTP: srv.HTTPClient(), Now: srv.Clock().Now}, srv
}

func readBody(t *testing.T, resp *http.Response, err error) []byte {
	t.Helper()
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return b
}

func get(t *testing.T, c *sinaclient.Client, bucket, key string, h http.Header) []byte {
	t.Helper()
	resp, err := c.GetObject(context.Background(), bucket, key, h)
	return readBody(t, resp, err)
}

// header reads a response header whatever the case of its name.
func header(h http.Header, name string) string {
	for k, vs := range h {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}

func hexSum(data []byte) (sha, md string) {
	s, m := sha1.Sum(data), md5.Sum(data)
	return hex.EncodeToString(s[:]), hex.EncodeToString(m[:])
}

var sinaDate = `^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d UTC$`

func TestObjectsAndListing(t *testing.T) {
	ctx := context.Background()
	c, srv := newClient(t)
	require.NoError(t, c.PutBucket(ctx, "bucket_name_0", ""), "underscores are allowed")
	data := []byte("hello sina")
	sha, md := hexSum(data)
	etag, err := c.PutObject(ctx, "bucket_name_0", "dir/a b.txt", bytes.NewReader(data), int64(len(data)),
		http.Header{"Content-Type": {"text/plain"}, "X-Amz-Meta-Color": {"blue"}, "s-sina-sha1": {sha}})
	require.NoError(t, err)
	assert.Equal(t, md, etag)

	h, err := c.HeadObject(ctx, "bucket_name_0", "dir/a b.txt")
	require.NoError(t, err)
	assert.Equal(t, `"`+md+`"`, header(h, "ETag"))
	assert.Equal(t, "blue", header(h, "X-Amz-Meta-Color"))
	assert.NotEmpty(t, header(h, "X-RequestId"))
	assert.Equal(t, "SINA"+strings.ToUpper(srv.Owner()[:16]), header(h, "X-Requester"))
	assert.Equal(t, data, get(t, c, "bucket_name_0", "dir/a b.txt", nil))
	ranged := get(t, c, "bucket_name_0", "dir/a b.txt", http.Header{"Range": {"bytes=1-3"}})
	assert.Equal(t, data[1:4], ranged)

	_, err = c.PutObject(ctx, "bucket_name_0", "dir/z", strings.NewReader("x"), 1, nil)
	require.NoError(t, err)
	_, err = c.PutObject(ctx, "bucket_name_0", "top", strings.NewReader("yy"), 2, nil)
	require.NoError(t, err)

	l, err := c.ListObjects(ctx, "bucket_name_0", sinaclient.ListOptions{Prefix: "dir/"})
	require.NoError(t, err)
	require.Len(t, l.Contents, 2)
	e := l.Contents[0]
	assert.Equal(t, "dir/a b.txt", e.Name)
	require.NotNil(t, e.SHA1)
	assert.Equal(t, sha, *e.SHA1)
	assert.Equal(t, md, e.MD5)
	assert.Equal(t, "text/plain", e.ContentType)
	assert.Equal(t, int64(len(data)), e.Size)
	assert.Regexp(t, sinaDate, e.LastModified)
	assert.Equal(t, "SINA"+strings.ToUpper(srv.Owner()[:16]), e.Owner)
	assert.Nil(t, e.ExpirationTime)
	assert.Equal(t, 2, l.ContentsQuantity)
	assert.Nil(t, l.Marker)
	assert.Nil(t, l.Delimiter)

	l, err = c.ListObjects(ctx, "bucket_name_0", sinaclient.ListOptions{Delimiter: "/", MaxKeys: 1})
	require.NoError(t, err)
	assert.True(t, l.IsTruncated)
	require.Len(t, l.CommonPrefixes, 1)
	assert.Equal(t, "dir/", l.CommonPrefixes[0].Prefix)
	require.NotNil(t, l.NextMarker)
	l, err = c.ListObjects(ctx, "bucket_name_0", sinaclient.ListOptions{Delimiter: "/", Marker: *l.NextMarker})
	require.NoError(t, err)
	require.Len(t, l.Contents, 1)
	assert.Equal(t, "top", l.Contents[0].Name)

	bl, err := c.ListBuckets(ctx)
	require.NoError(t, err)
	require.Len(t, bl.Buckets, 1)
	assert.Equal(t, int64(len(data)+3), bl.Buckets[0].ConsumedBytes)
	assert.Regexp(t, sinaDate, bl.Buckets[0].CreationDate)

	bm, err := c.GetBucketMeta(ctx, "bucket_name_0")
	require.NoError(t, err)
	assert.Equal(t, int64(3), bm.Quantity)
	assert.Equal(t, "bucket_name_0", bm.Project)

	// PUT Object - Copy answers the ETag in the header too.
	resp, err := c.Do(ctx, sinaclient.Request{Method: http.MethodPut, Bucket: "bucket_name_0", Key: "copied",
		Header: http.Header{"X-Amz-Copy-Source": {"%2Fbucket_name_0%2Fdir%2Fa%20b.txt"}}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, `"`+md+`"`, header(resp.Header, "ETag"))
	require.NoError(t, c.DeleteObject(ctx, "bucket_name_0", "copied"))

	// DELETE of a missing key is 404 in this dialect.
	require.NoError(t, c.DeleteObject(ctx, "bucket_name_0", "top"))
	err = c.DeleteObject(ctx, "bucket_name_0", "top")
	assert.Equal(t, "NoSuchKey", sinaclient.ErrorCode(err))
	err = c.DeleteBucket(ctx, "bucket_name_0")
	assert.Equal(t, "BucketNotEmpty", sinaclient.ErrorCode(err))

	// A wrong s-sina-sha1 fails the upload.
	_, err = c.PutObject(ctx, "bucket_name_0", "bad", bytes.NewReader(data), int64(len(data)), http.Header{"s-sina-sha1": {strings.Repeat("0", 40)}})
	assert.Equal(t, "BadDigest", sinaclient.ErrorCode(err))
	_, err = c.HeadObject(ctx, "bucket_name_0", "bad")
	assert.Error(t, err)
}

func TestRelax(t *testing.T) {
	ctx := context.Background()
	c, srv := newClient(t)
	require.NoError(t, c.PutBucket(ctx, "one", ""))
	require.NoError(t, c.PutBucket(ctx, "two", ""))
	data := bytes.Repeat([]byte("0123456789abcdef"), 200<<10/16) // larger than the inline threshold
	sha, md := hexSum(data)
	_, err := c.PutObject(ctx, "one", "a", bytes.NewReader(data), int64(len(data)), nil)
	require.NoError(t, err)
	before, err := srv.Engine().Stats()
	require.NoError(t, err)

	etag, err := c.Relax(ctx, "two", "b", sha, int64(len(data)), http.Header{"Content-Type": {"text/x-relaxed"}, "X-Amz-Meta-K": {"v"}})
	require.NoError(t, err)
	assert.Equal(t, md, etag)
	after, err := srv.Engine().Stats()
	require.NoError(t, err)
	assert.Equal(t, before.BlobLogBytes, after.BlobLogBytes, "Relax moves no data")
	assert.Equal(t, data, get(t, c, "two", "b", nil))
	h, err := c.HeadObject(ctx, "two", "b")
	require.NoError(t, err)
	assert.Equal(t, "text/x-relaxed", header(h, "Content-Type"))
	assert.Equal(t, "v", header(h, "X-Amz-Meta-K"))
	crc := fmt.Sprintf("%08X", crc32.ChecksumIEEE(data))
	assert.Equal(t, crc, header(h, "x-amz-meta-crc32"), "the content's CRC32 goes with it")
	// A small (inline) body: the index names the object, whose CRC32 is
	// taken.
	small := []byte("relax me")
	ssha, _ := hexSum(small)
	_, err = c.PutObject(ctx, "one", "small", bytes.NewReader(small), int64(len(small)), nil)
	require.NoError(t, err)
	_, err = c.Relax(ctx, "two", "small", ssha, int64(len(small)), nil)
	require.NoError(t, err)
	h, err = c.HeadObject(ctx, "two", "small")
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprintf("%08X", crc32.ChecksumIEEE(small)), header(h, "x-amz-meta-crc32"))

	_, err = c.Relax(ctx, "two", "c", strings.Repeat("ab", 20), int64(len(data)), nil)
	var se *sinaclient.Error
	require.ErrorAs(t, err, &se)
	assert.Equal(t, http.StatusNotFound, se.Status)
	assert.Equal(t, "NoSuchKey", se.Code)
	_, err = c.Relax(ctx, "two", "c", sha, int64(len(data))-1, nil)
	assert.Equal(t, "NoSuchKey", sinaclient.ErrorCode(err), "the length must match")
	_, err = c.Relax(ctx, "two", "c", "xyz", 1, nil)
	assert.Equal(t, "InvalidArgument", sinaclient.ErrorCode(err))
}

func TestMeta(t *testing.T) {
	ctx := context.Background()
	c, _ := newClient(t)
	require.NoError(t, c.PutBucket(ctx, "meta", ""))
	data := []byte("0123456789ab")
	sha, md := hexSum(data)
	_, err := c.PutObject(ctx, "meta", "path/to/myfile.txt", bytes.NewReader(data), int64(len(data)),
		http.Header{"Content-Type": {"text/plain"}, "X-Amz-Meta-Sex": {"female"}, "X-Amz-Meta-Age": {"38"}})
	require.NoError(t, err)
	require.NoError(t, c.PutMeta(ctx, "meta", "path/to/myfile.txt", http.Header{"X-Amz-Meta-Age": {"39"},
		"X-Amz-Meta-City": {"Beijing"}, "X-Amz-Remove-Meta-Sex": {"1"}, "Cache-Control": {"max-age=60"}}))
	m, err := c.GetMeta(ctx, "meta", "path/to/myfile.txt")
	require.NoError(t, err)
	crc := fmt.Sprintf("%08X", crc32.ChecksumIEEE(data))
	assert.Equal(t, map[string]string{"x-amz-meta-age": "39", "x-amz-meta-city": "Beijing", "x-amz-meta-crc32": crc}, m.FileMeta)
	assert.Equal(t, "myfile.txt", m.FileName)
	assert.Equal(t, "text/plain", m.Type, "Content-Type not named: kept")
	assert.Equal(t, int64(12), m.Size)
	require.NotNil(t, m.ContentSHA1)
	assert.Equal(t, sha, *m.ContentSHA1)
	require.NotNil(t, m.ContentMD5)
	assert.Equal(t, md, *m.ContentMD5)
	assert.Nil(t, m.Info)
	h, err := c.HeadObject(ctx, "meta", "path/to/myfile.txt")
	require.NoError(t, err)
	assert.Equal(t, "max-age=60", header(h, "Cache-Control"))
	assert.Equal(t, crc, header(h, "x-amz-meta-crc32"), "the system's CRC32 (spec 6.1)")
	assert.Equal(t, data, get(t, c, "meta", "path/to/myfile.txt", nil))

	err = c.PutMeta(ctx, "meta", "missing", nil)
	assert.Equal(t, "NoSuchKey", sinaclient.ErrorCode(err))

	// The fixed headers x-sina-info, x-sina-info-int and x-sina-expire.
	_, err = c.PutObject(ctx, "meta", "info", strings.NewReader("i"), 1, http.Header{"x-sina-info": {"foo info!"},
		"x-sina-info-int": {"1122"}, "x-sina-expire": {"Sat, 20 Nov 2286 17:46:39 GMT"}})
	require.NoError(t, err)
	m, err = c.GetMeta(ctx, "meta", "info")
	require.NoError(t, err)
	require.NotNil(t, m.Info)
	assert.Equal(t, "foo info!", *m.Info)
	require.NotNil(t, m.InfoInt)
	assert.Equal(t, int64(1122), *m.InfoInt)
	h, err = c.HeadObject(ctx, "meta", "info")
	require.NoError(t, err)
	assert.Equal(t, "foo info!", header(h, "x-sina-info"))
	l, err := c.ListObjects(ctx, "meta", sinaclient.ListOptions{Prefix: "info"})
	require.NoError(t, err)
	require.Len(t, l.Contents, 1)
	require.NotNil(t, l.Contents[0].ExpirationTime)
	assert.Equal(t, "Sat, 20 Nov 2286 17:46:39 UTC", *l.Contents[0].ExpirationTime)
	require.NoError(t, c.PutMeta(ctx, "meta", "info", http.Header{"x-sina-info": {"new"}}))
	m, err = c.GetMeta(ctx, "meta", "info")
	require.NoError(t, err)
	assert.Equal(t, "new", *m.Info)
	require.NotNil(t, m.InfoInt, "not named: kept")
	_, err = c.PutObject(ctx, "meta", "bad", strings.NewReader("i"), 1, http.Header{"x-sina-info-int": {"many"}})
	assert.Equal(t, "InvalidArgument", sinaclient.ErrorCode(err))
}

func TestACL(t *testing.T) {
	ctx := context.Background()
	c, srv := newClient(t)
	me := "SINA" + strings.ToUpper(srv.Owner()[:16])
	require.NoError(t, c.PutBucket(ctx, "acl-bucket", ""))
	_, err := c.PutObject(ctx, "acl-bucket", "k", strings.NewReader("v"), 1, nil)
	require.NoError(t, err)
	a, err := c.GetACL(ctx, "acl-bucket", "")
	require.NoError(t, err)
	assert.Equal(t, me, a.Owner)
	assert.Equal(t, map[string][]string{me: {"read", "write", "read_acp", "write_acp"},
		"GRPS000000ANONYMOUSE": {}, "GRPS0000000CANONICAL": {}}, a.ACL)

	anon := *c
	anon.Anonymous = true
	_, err = anon.GetObject(ctx, "acl-bucket", "k", nil)
	assert.Equal(t, "AccessDenied", sinaclient.ErrorCode(err))

	require.NoError(t, c.PutACL(ctx, "acl-bucket", "k", map[string][]string{"GRPS000000ANONYMOUSE": {"read"}, me: {"read", "write", "read_acp", "write_acp"}}))
	assert.Equal(t, []byte("v"), get(t, &anon, "acl-bucket", "k", nil))
	a, err = c.GetACL(ctx, "acl-bucket", "k")
	require.NoError(t, err)
	assert.Equal(t, []string{"read"}, a.ACL["GRPS000000ANONYMOUSE"])

	err = c.PutACL(ctx, "acl-bucket", "", map[string][]string{"GRPS000000ANONYMOUSE": {"fly"}})
	assert.Equal(t, "InvalidArgument", sinaclient.ErrorCode(err))
	err = c.PutACL(ctx, "acl-bucket", "", map[string][]string{"somebody": {"read"}})
	assert.Equal(t, "InvalidArgument", sinaclient.ErrorCode(err))

	require.NoError(t, c.PutCannedACL(ctx, "acl-bucket", "", "public-read-write"))
	_, err = anon.PutObject(ctx, "acl-bucket", "anon", strings.NewReader("x"), 1, nil)
	assert.NoError(t, err)
}

func TestMultipart(t *testing.T) {
	ctx := context.Background()
	c, _ := newClient(t)
	require.NoError(t, c.PutBucket(ctx, "multi", ""))
	id, err := c.InitiateMultipart(ctx, "multi", "big.zip", http.Header{"Content-Type": {"application/zip"}, "X-Amz-Meta-A": {"1"}})
	require.NoError(t, err)
	require.Len(t, id, 32)
	p1, p2 := bytes.Repeat([]byte("a"), 5<<20), []byte("tail")
	e1, err := c.UploadPart(ctx, "multi", "big.zip", id, 1, p1)
	require.NoError(t, err)
	e2, err := c.UploadPart(ctx, "multi", "big.zip", id, 2, p2)
	require.NoError(t, err)
	_, err = c.UploadPart(ctx, "multi", "big.zip", id, 2049, p2)
	assert.Equal(t, "InvalidArgument", sinaclient.ErrorCode(err), "at most 2048 parts")

	parts, err := c.ListParts(ctx, "multi", "big.zip", id)
	require.NoError(t, err)
	require.Len(t, parts, 2)
	assert.Equal(t, e1, parts[0].ETag)
	assert.Equal(t, int64(5<<20), parts[0].Size)
	assert.Regexp(t, sinaDate, parts[0].LastModified)

	etag, ch, err := c.CompleteMultipart(ctx, "multi", "big.zip", id, []sinaclient.Part{{PartNumber: 1, ETag: e1}, {PartNumber: 2, ETag: e2}})
	require.NoError(t, err)
	d1, d2 := md5.Sum(p1), md5.Sum(p2)
	whole := md5.Sum(append(d1[:], d2[:]...))
	assert.Equal(t, hex.EncodeToString(whole[:])+"-2", etag, "S3's multipart ETag, bare in the JSON body")
	assert.Equal(t, `"`+etag+`"`, header(ch, "ETag"), "and quoted in the ETag header, as PutObject answers it")
	got := get(t, c, "multi", "big.zip", nil)
	assert.Equal(t, append(append([]byte{}, p1...), p2...), got)
	h, err := c.HeadObject(ctx, "multi", "big.zip")
	require.NoError(t, err)
	assert.Equal(t, "application/zip", header(h, "Content-Type"))
	assert.Equal(t, "1", header(h, "X-Amz-Meta-A"))
	assert.Equal(t, fmt.Sprintf("%08X", crc32.ChecksumIEEE(got)), header(h, "x-amz-meta-crc32"), "the whole object's CRC32")

	// A multipart object can be the content of a Relax upload: Complete
	// indexed its SHA-1. The relaxed object's ETag is the content's MD5.
	sha, md := hexSum(got)
	etag, err = c.Relax(ctx, "multi", "big-copy.zip", sha, int64(len(got)), nil)
	require.NoError(t, err)
	assert.Equal(t, md, etag)
	assert.Equal(t, got, get(t, c, "multi", "big-copy.zip", nil))
	h, err = c.HeadObject(ctx, "multi", "big-copy.zip")
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprintf("%08X", crc32.ChecksumIEEE(got)), header(h, "x-amz-meta-crc32"), "the relaxed copy's CRC32")
	m, err := c.GetMeta(ctx, "multi", "big.zip")
	require.NoError(t, err)
	require.NotNil(t, m.ContentSHA1)
	assert.Equal(t, sha, *m.ContentSHA1)
	// Deleting the source keeps the copy whole (the blobs are shared).
	require.NoError(t, c.DeleteObject(ctx, "multi", "big.zip"))
	assert.Equal(t, got, get(t, c, "multi", "big-copy.zip", nil))
}

// The seed's relaxed JSON (single quotes, trailing commas) is accepted in
// request bodies.
func TestLenientJSONBody(t *testing.T) {
	ctx := context.Background()
	c, _ := newClient(t)
	require.NoError(t, c.PutBucket(ctx, "lenient", ""))
	body := `{'GRPS000000ANONYMOUSE': ['read',], }`
	_, err := c.Do(ctx, sinaclient.Request{Method: http.MethodPut, Bucket: "lenient", Query: map[string][]string{"acl": {""}},
		Body: strings.NewReader(body), Size: int64(len(body))})
	require.NoError(t, err)
	a, err := c.GetACL(ctx, "lenient", "")
	require.NoError(t, err)
	assert.Equal(t, []string{"read"}, a.ACL["GRPS000000ANONYMOUSE"])
}

func TestAuthErrors(t *testing.T) {
	ctx := context.Background()
	c, srv := newClient(t)
	require.NoError(t, c.PutBucket(ctx, "auth", ""))
	bad := *c
	bad.SecretKey = "wrong"
	_, err := bad.ListBuckets(ctx)
	var se *sinaclient.Error
	require.ErrorAs(t, err, &se)
	assert.Equal(t, http.StatusForbidden, se.Status)
	assert.Equal(t, "SignatureDoesNotMatch", se.Code)
	assert.NotEmpty(t, se.Message)
	assert.NotEmpty(t, se.RequestID)

	unknown := *c
	unknown.AccessKey = "nobody"
	_, err = unknown.ListBuckets(ctx)
	assert.Equal(t, "InvalidAccessKeyId", sinaclient.ErrorCode(err))

	old := *c
	old.Now = func() time.Time { return srv.Clock().Now().Add(-2 * time.Hour) } // Date = now - 1h
	_, err = old.ListBuckets(ctx)
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "ExpiredToken", se.Code)
	assert.Equal(t, http.StatusForbidden, se.Status)

	// The SCS Go SDK (github.com/Arvintian/scs-go-sdk, JuiceFS's scs
	// storage) signs the current time formatted by Go's time.RFC1123 in
	// UTC: "Sun, 06 Dec 2026 12:58:16 UTC".
	sdk, _ := http.NewRequest(http.MethodGet, srv.URL+"/?formatter=json", nil)
	sdk.Header.Set("Date", srv.Clock().Now().In(time.UTC).Format(time.RFC1123))
	ssig.SignRequest(sdk, ssig.Resource{}, c.AccessKey, c.SecretKey, time.Time{})
	resp, err := srv.HTTPClient().Do(sdk)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "Date %q", sdk.Header.Get("Date"))

	// The error body is JSON.
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/auth/missing?formatter=json", nil)
	req.Header.Set("Authorization", "SINA "+c.AccessKey+":0123456789")
	req.Header.Set("Date", srv.Clock().Now().Format(http.TimeFormat))
	resp, err = srv.HTTPClient().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	var doc map[string]string
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&doc))
	assert.Equal(t, "SignatureDoesNotMatch", doc["Code"])
	assert.Equal(t, "/auth/missing", doc["Resource"])
}

func TestPresignedURL(t *testing.T) {
	ctx := context.Background()
	c, srv := newClient(t)
	require.NoError(t, c.PutBucket(ctx, "presign", ""))
	_, err := c.PutObject(ctx, "presign", "dir/file name.txt", strings.NewReader("signed"), 6, nil)
	require.NoError(t, err)
	u := c.PresignURL("presign", "dir/file name.txt", srv.Clock().Now().Add(time.Minute))
	resp, err := srv.HTTPClient().Get(u)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, string(b))
	assert.Equal(t, "signed", string(b))

	srv.Clock().Advance(2 * time.Minute)
	resp, err = srv.HTTPClient().Get(u)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Equal(t, "ExpiredToken", resp.Header.Get("X-Error-Code"))
}

// TestDownloadName: fn (spec 2.4, not signed) names the file a download
// is saved as: the answer's Content-Disposition is attachment with that
// filename (RFC 2231 for non-ASCII names), in place of the stored one, on
// presigned and header-signed GETs and HEADs alike.
func TestDownloadName(t *testing.T) {
	ctx := context.Background()
	c, srv := newClient(t)
	require.NoError(t, c.PutBucket(ctx, "dlname", ""))
	const stored = `inline; filename="stored.txt"`
	_, err := c.PutObject(ctx, "dlname", "dir/obj.bin", strings.NewReader("payload"), 7, http.Header{"Content-Disposition": {stored}})
	require.NoError(t, err)
	exp := srv.Clock().Now().Add(time.Minute)
	presigned := func(u string) (http.Header, string) {
		t.Helper()
		resp, err := srv.HTTPClient().Get(u)
		require.NoError(t, err)
		b := readBody(t, resp, err)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(b))
		return resp.Header, string(b)
	}

	for _, fn := range []string{"report.txt", `my "final" report.pdf`, "报告 2024.txt"} {
		want := mime.FormatMediaType("attachment", map[string]string{"filename": fn})
		h, body := presigned(c.PresignURLWith("dlname", "dir/obj.bin", exp, sinaclient.PresignOptions{FileName: fn}))
		assert.Equal(t, "payload", body)
		assert.Equal(t, want, h.Get("Content-Disposition"), fn)
		disp, params, err := mime.ParseMediaType(h.Get("Content-Disposition"))
		require.NoError(t, err)
		assert.Equal(t, "attachment", disp)
		assert.Equal(t, fn, params["filename"], "the name round-trips")
	}
	assert.Equal(t, `attachment; filename*=utf-8''%E6%8A%A5%E5%91%8A%202024.txt`,
		mime.FormatMediaType("attachment", map[string]string{"filename": "报告 2024.txt"}), "RFC 2231 for non-ASCII names")

	h, _ := presigned(c.PresignURL("dlname", "dir/obj.bin", exp))
	assert.Equal(t, stored, h.Get("Content-Disposition"), "without fn: the stored one")
	h, _ = presigned(c.PresignURL("dlname", "dir/obj.bin", exp) + "&fn=")
	assert.Equal(t, stored, h.Get("Content-Disposition"), "an empty fn: the stored one")

	// Header-signed: fn is not signed (ssig.SignRequest leaves it out of
	// the resource) and selects no sub-resource.
	want := mime.FormatMediaType("attachment", map[string]string{"filename": "a.txt"})
	for _, m := range []string{http.MethodGet, http.MethodHead} {
		resp, err := c.Do(ctx, sinaclient.Request{Method: m, Bucket: "dlname", Key: "dir/obj.bin", Query: url.Values{"fn": {"a.txt"}}})
		b := readBody(t, resp, err)
		assert.Equal(t, want, resp.Header.Get("Content-Disposition"), m)
		if m == http.MethodGet {
			assert.Equal(t, "payload", string(b))
		}
	}
	resp, err := c.GetObject(ctx, "dlname", "dir/obj.bin", nil)
	readBody(t, resp, err)
	assert.Equal(t, stored, resp.Header.Get("Content-Disposition"))
}

// TestPresignedResponseOverrides: no ssig signs the response-* parameters,
// so a presigned URL refuses them (400 InvalidRequest) rather than let its
// holder serve the object as, say, text/html; a header-signed GET still
// honours them, and fn stays open on presigned URLs.
func TestPresignedResponseOverrides(t *testing.T) {
	ctx := context.Background()
	c, srv := newClient(t)
	require.NoError(t, c.PutBucket(ctx, "ovr", ""))
	_, err := c.PutObject(ctx, "ovr", "page.txt", strings.NewReader("<script>x</script>"), 18, http.Header{"Content-Type": {"text/plain"}})
	require.NoError(t, err)
	u := c.PresignURL("ovr", "page.txt", srv.Clock().Now().Add(time.Minute))
	for _, extra := range []string{"&response-content-type=text%2Fhtml", "&response-content-disposition=inline", "&response-cache-control=public"} {
		resp, err := srv.HTTPClient().Get(u + extra)
		b := readBody(t, resp, err)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, extra)
		assert.Equal(t, "InvalidRequest", resp.Header.Get("X-Error-Code"), extra)
		assert.NotContains(t, string(b), "<script>", extra)
	}
	resp, err := srv.HTTPClient().Get(u)
	assert.Equal(t, "<script>x</script>", string(readBody(t, resp, err)))
	assert.Equal(t, "text/plain", resp.Header.Get("Content-Type"))

	resp, err = c.Do(ctx, sinaclient.Request{Method: http.MethodGet, Bucket: "ovr", Key: "page.txt", Query: url.Values{"response-content-type": {"application/x-override"}}})
	readBody(t, resp, err)
	assert.Equal(t, "application/x-override", resp.Header.Get("Content-Type"), "header-signed: honoured")
}

// Without formatter=json the documents are S3's XML.
func TestXMLWithoutFormatter(t *testing.T) {
	ctx := context.Background()
	c, _ := newClient(t)
	c.XML = true
	require.NoError(t, c.PutBucket(ctx, "xml", ""))
	resp, err := c.Do(ctx, sinaclient.Request{Method: http.MethodGet, Bucket: "xml"})
	b := readBody(t, resp, err)
	assert.Contains(t, string(b), "<ListBucketResult")
	assert.Equal(t, "application/xml", resp.Header.Get("Content-Type"))
}

// A configured Sina domain: virtual-host addressing, and requests that
// carry nothing else of the dialect are Sina's.
func TestSinaDomain(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithDomains("sinastorage.cn"))
	c := &sinaclient.Client{Endpoint: srv.URL, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, HTTP: srv.HTTPClient(), Now: srv.Clock().Now}
	require.NoError(t, c.PutBucket(ctx, "photos", ""))
	_, err := c.PutObject(ctx, "photos", "a/b.txt", strings.NewReader("vhost"), 5, nil)
	require.NoError(t, err)

	// Signed, virtual-host style: the signature covers /photos/a/b.txt.
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/a/b.txt", nil)
	require.NoError(t, err)
	req.Host = "photos.sinastorage.cn"
	ssig.SignRequest(req, ssig.Resource{Bucket: "photos", EscapedKey: "a/b.txt"}, srv.AccessKey, srv.SecretKey, srv.Clock().Now().Add(time.Hour))
	resp, err := srv.HTTPClient().Do(req)
	assert.Equal(t, []byte("vhost"), readBody(t, resp, err))

	// Anonymous, no formatter, no vendor header: still the Sina dialect.
	req, err = http.NewRequest(http.MethodGet, srv.URL+"/missing", nil)
	require.NoError(t, err)
	req.Host = "nobucket.sinastorage.cn"
	resp, err = srv.HTTPClient().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Equal(t, "NoSuchBucket", header(resp.Header, "X-Error-Code"))
}

// TestExpireDeletes: an object written with x-sina-expire is deleted by
// the system after that time (spec 6.3: "not immediately"), and moving
// the time with PUT Object - Meta moves the deletion.
func TestExpireDeletes(t *testing.T) {
	ctx := context.Background()
	c, srv := newClient(t)
	require.NoError(t, c.PutBucket(ctx, "exp", ""))
	at := func(d time.Duration) string { return srv.Clock().Now().Add(d).UTC().Format(http.TimeFormat) }
	_, err := c.PutObject(ctx, "exp", "soon", strings.NewReader("s"), 1, http.Header{"x-sina-expire": {at(time.Hour)}})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, "exp", "moved", strings.NewReader("m"), 1, http.Header{"x-sina-expire": {at(time.Hour)}})
	require.NoError(t, err)
	require.NoError(t, c.PutMeta(ctx, "exp", "moved", http.Header{"x-sina-expire": {at(48 * time.Hour)}}))
	_, err = c.PutObject(ctx, "exp", "kept", strings.NewReader("k"), 1, nil)
	require.NoError(t, err)

	run := func(d time.Duration) int {
		srv.Clock().Advance(d)
		st, err := srv.Engine().RunPending(ctx)
		require.NoError(t, err)
		return st.Scheduled
	}
	assert.Equal(t, 0, run(30*time.Minute))
	assert.Equal(t, 1, run(time.Hour))
	_, err = c.HeadObject(ctx, "exp", "soon")
	assert.Equal(t, "NoSuchKey", sinaclient.ErrorCode(err))
	_, err = c.HeadObject(ctx, "exp", "moved")
	require.NoError(t, err, "its expiry was moved two days on")
	assert.Equal(t, 1, run(48*time.Hour))
	_, err = c.HeadObject(ctx, "exp", "moved")
	assert.Equal(t, "NoSuchKey", sinaclient.ErrorCode(err))
	_, err = c.HeadObject(ctx, "exp", "kept")
	require.NoError(t, err)
}

// TestListingWorkedExample is the seed's GET Bucket example (spec 5.1):
// contents and common prefixes count against max-keys together, NextMarker
// is the first entry of the next page, and marker is listed too.
func TestListingWorkedExample(t *testing.T) {
	ctx := context.Background()
	c, _ := newClient(t)
	require.NoError(t, c.PutBucket(ctx, "worked", ""))
	for _, k := range []string{"join/mailaddresss.txt", "join/mycodelist.txt", "join/personalfiles/connects.docx",
		"join/personalfiles/myphoto.jpg", "join/readme.txt", "join/userlist.txt", "join/zero.txt",
		"mary/personalfiles/mary.jpg", "mary/readme.txt", "sai/readme.txt"} {
		_, err := c.PutObject(ctx, "worked", k, strings.NewReader("x"), 1, nil)
		require.NoError(t, err)
	}
	names := func(l sinaclient.ListResult) (keys, prefixes []string) {
		for _, e := range l.Contents {
			keys = append(keys, e.Name)
		}
		for _, p := range l.CommonPrefixes {
			prefixes = append(prefixes, p.Prefix)
		}
		return keys, prefixes
	}
	l, err := c.ListObjects(ctx, "worked", sinaclient.ListOptions{Delimiter: "/"})
	require.NoError(t, err)
	keys, prefixes := names(l)
	assert.Empty(t, keys)
	assert.Equal(t, []string{"join/", "mary/", "sai/"}, prefixes)

	l, err = c.ListObjects(ctx, "worked", sinaclient.ListOptions{Prefix: "join/", Delimiter: "/", MaxKeys: 4})
	require.NoError(t, err)
	assert.True(t, l.IsTruncated)
	require.NotNil(t, l.NextMarker)
	assert.Equal(t, "join/userlist.txt", *l.NextMarker, "the first entry of the next page")
	keys, prefixes = names(l)
	assert.Equal(t, []string{"join/mailaddresss.txt", "join/mycodelist.txt", "join/readme.txt"}, keys)
	assert.Equal(t, []string{"join/personalfiles/"}, prefixes)

	l, err = c.ListObjects(ctx, "worked", sinaclient.ListOptions{Prefix: "join/", Delimiter: "/", MaxKeys: 4, Marker: "join/userlist.txt"})
	require.NoError(t, err)
	assert.False(t, l.IsTruncated)
	assert.Nil(t, l.NextMarker)
	keys, prefixes = names(l)
	assert.Equal(t, []string{"join/userlist.txt", "join/zero.txt"}, keys, "the marker is listed")
	assert.Empty(t, prefixes)

	// Paging through with NextMarker visits every entry once, common
	// prefixes included (a page can start at one).
	var all []string
	marker := ""
	for {
		l, err := c.ListObjects(ctx, "worked", sinaclient.ListOptions{Delimiter: "/", Prefix: "join/", MaxKeys: 1, Marker: marker})
		require.NoError(t, err)
		keys, prefixes := names(l)
		all = append(append(all, prefixes...), keys...)
		if !l.IsTruncated {
			break
		}
		marker = *l.NextMarker
	}
	assert.Equal(t, []string{"join/mailaddresss.txt", "join/mycodelist.txt", "join/personalfiles/", "join/readme.txt",
		"join/userlist.txt", "join/zero.txt"}, all)
}
