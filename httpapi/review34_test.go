package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/fake"
	"github.com/osslite/osslite/httpapi"
	"github.com/osslite/osslite/pkg/ossauth"
	"github.com/osslite/osslite/pkg/sigv4"
)

// review34Bob is a second user of the fake, granted reads by ACL.
var review34Bob = httpapi.User{AccessKey: "REVIEW34BOB", SecretKey: "review34-bob-secret"}

// review34SlowSelect sends body to path as bob in three pieces through a
// pipe, and calls between (the owner's write) once the handler has
// consumed the first piece: authorization has decided on the object as it
// was then. It returns the answer's status, error code and body.
func review34SlowSelect(t *testing.T, srv *fake.Server, path string, body []byte, oss bool, between func()) (int, string, string) {
	t.Helper()
	pr, pw := io.Pipe()
	req, err := http.NewRequest(http.MethodPost, srv.URL+path, pr)
	require.NoError(t, err)
	req.ContentLength = int64(len(body))
	now := srv.Clock().Now()
	if oss {
		ossauth.SignRequestV1(req, ossauth.Resource{Bucket: "rev34sel", Key: "data.csv"},
			ossauth.Credentials{AccessKeyID: review34Bob.AccessKey, AccessKeySecret: review34Bob.SecretKey}, now)
	} else {
		_, err = sigv4.SignRequest(req, sigv4.Credentials{AccessKeyID: review34Bob.AccessKey, SecretAccessKey: review34Bob.SecretKey},
			srv.Region, "s3", now, sigv4.UnsignedPayload)
		require.NoError(t, err)
	}
	type answer struct {
		resp *http.Response
		body []byte
		err  error
	}
	done := make(chan answer, 1)
	go func() {
		resp, err := srv.HTTPClient().Do(req)
		if err != nil {
			done <- answer{err: err}
			return
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		done <- answer{resp: resp, body: b, err: err}
	}()
	// The transport copies the body to the handler through a pipe of its
	// own: the second piece is taken only once the handler has read the
	// first, which it reads after authorization.
	_, err = pw.Write(body[:1])
	require.NoError(t, err)
	_, err = pw.Write(body[1:2])
	require.NoError(t, err)
	between()
	_, err = pw.Write(body[2:])
	require.NoError(t, err)
	require.NoError(t, pw.Close())
	a := <-done
	require.NoError(t, a.err)
	code := ""
	if a.resp.StatusCode >= 300 {
		code = a.resp.Header.Get("X-Oss-Ec")
		if c := (rawResponse{body: a.body}).errCode(); c != "" {
			code = c
		}
	}
	return a.resp.StatusCode, code, string(a.body)
}

// TestReview34SelectRechecksOverwrittenObject: a select is decided on
// the object authorization read; the handler then opens the key again,
// after reading the request body. When the owner overwrites a readable
// object with a private one in between, S3 Select and OSS SelectObject
// served the private object's records to a requester its ACL does not
// grant (GET and HEAD decide again on the object they open, 1db56cc's
// recheckObject; the select handlers did not). Now they refuse it,
// AccessDenied, as a GET does.
func TestReview34SelectRechecksOverwrittenObject(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithUsers(review34Bob))
	eng := srv.Engine()
	require.NoError(t, eng.CreateBucket(ctx, "rev34sel", engine.BucketOptions{Owner: srv.Owner()}))
	put := func(body, canned string) {
		_, err := eng.PutObject(ctx, "rev34sel", "data.csv", bytes.NewReader([]byte(body)), int64(len(body)),
			engine.PutOptions{ACL: engine.ACL{Canned: canned}, Owner: srv.Owner()})
		require.NoError(t, err)
	}
	s3Body := []byte(`<SelectObjectContentRequest><Expression>SELECT * FROM S3Object</Expression>` +
		`<ExpressionType>SQL</ExpressionType><InputSerialization><CSV/></InputSerialization>` +
		`<OutputSerialization><CSV/></OutputSerialization></SelectObjectContentRequest>`)
	ossBody := []byte(`<SelectRequest><Expression>` + base64.StdEncoding.EncodeToString([]byte("select * from ossobject")) +
		`</Expression><InputSerialization><CSV/></InputSerialization><OutputSerialization><OutputRawData>true</OutputRawData></OutputSerialization></SelectRequest>`)
	for _, tc := range []struct {
		name, path string
		body       []byte
		oss        bool
		served     int
	}{
		{"S3 SelectObjectContent", "/rev34sel/data.csv?select&select-type=2", s3Body, false, http.StatusOK},
		{"OSS SelectObject", "/rev34sel/data.csv?x-oss-process=csv%2Fselect", ossBody, true, http.StatusPartialContent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Unchanged in between, the grant serves the select.
			put("PUBLIC\n", "authenticated-read")
			status, code, body := review34SlowSelect(t, srv, tc.path, tc.body, tc.oss, func() {})
			require.Equal(t, tc.served, status, "%s %s", code, body)
			require.Contains(t, body, "PUBLIC")

			status, code, body = review34SlowSelect(t, srv, tc.path, tc.body, tc.oss, func() { put("SECRET\n", "private") })
			assert.NotContains(t, body, "SECRET", "the private object's records were served")
			assert.Equal(t, http.StatusForbidden, status, "%s %s", code, body)
			assert.Equal(t, "AccessDenied", code)
		})
	}
}

// review34PNG is a w×w PNG.
func review34PNG(t *testing.T, w int) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, image.NewGray(image.Rect(0, 0, w, w))))
	return b.Bytes()
}

// TestReview34ReadsRacingPrivateOverwrite: the owner overwrites a
// public-read image with a private one, and back, while anonymous
// clients ask for its attributes (S3 GetObjectAttributes), its metadata
// (OSS GetObjectMeta) and its image info (OSS x-oss-process=image/info).
// As for GET and HEAD (TestAnonymousReadRacingPrivateOverwrite), an
// answer describes the public object or is AccessDenied: these handlers
// opened the key again after authorization without deciding again
// (recheckObject), and described the private object to anyone.
func TestReview34ReadsRacingPrivateOverwrite(t *testing.T) {
	srv := fake.New(t)
	eng := srv.Engine()
	ctx := context.Background()
	require.NoError(t, eng.CreateBucket(ctx, "rev34race", engine.BucketOptions{Owner: srv.Owner()}))
	pub, secret := review34PNG(t, 1), review34PNG(t, 3)
	put := func(body []byte, canned string) engine.ObjectInfo {
		info, err := eng.PutObject(ctx, "rev34race", "img.png", bytes.NewReader(body), int64(len(body)),
			engine.PutOptions{ACL: engine.ACL{Canned: canned}, Owner: srv.Owner(), Metadata: engine.Metadata{ContentType: "image/png"}})
		require.NoError(t, err)
		return info
	}
	secretETag := put(secret, "private").ETag
	put(pub, "public-read")
	keepFlipping(t, func() {
		put(secret, "private")
		put(pub, "public-read")
	})
	type op struct {
		name  string
		req   func() *http.Request
		leaks func(resp *http.Response, body []byte) bool
	}
	newReq := func(method, path string, h ...string) func() *http.Request {
		return func() *http.Request {
			req, err := http.NewRequest(method, srv.URL+path, nil)
			require.NoError(t, err)
			for i := 0; i+1 < len(h); i += 2 {
				req.Header.Set(h[i], h[i+1])
			}
			return req
		}
	}
	etagLeaks := func(resp *http.Response, body []byte) bool {
		return strings.Contains(strings.ToLower(resp.Header.Get("ETag")+string(body)), secretETag)
	}
	ops := []op{
		{"GetObjectAttributes", newReq(http.MethodGet, "/rev34race/img.png?attributes", "X-Amz-Object-Attributes", "ETag,ObjectSize"), etagLeaks},
		{"GetObjectMeta", newReq(http.MethodHead, "/rev34race/img.png?objectMeta", "X-Oss-Review34", "1"), etagLeaks},
		{"image/info", newReq(http.MethodGet, "/rev34race/img.png?x-oss-process=image/info"), func(_ *http.Response, body []byte) bool {
			return strings.Contains(string(body), `"ImageWidth":{"value":"3"}`)
		}},
	}
	n := 6000
	if testing.Short() {
		n = 1500
	}
	client := srv.HTTPClient()
	served, leaked := map[string]int{}, map[string]int{}
	for i := range n {
		o := ops[i%len(ops)]
		resp, err := client.Do(o.req())
		require.NoError(t, err)
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusOK:
			served[o.name]++
			if o.leaks(resp, b) {
				leaked[o.name]++
			}
		case http.StatusForbidden:
		default:
			t.Fatalf("%s: status %d: %s %s", o.name, resp.StatusCode, resp.Header, b)
		}
	}
	for _, o := range ops {
		assert.Positive(t, served[o.name], o.name)
		assert.Zero(t, leaked[o.name], "%s described the private object (%d answers served)", o.name, served[o.name])
	}
}

// TestReview34WebsiteErrorDocumentRacingPrivateOverwrite: the website
// endpoint answers a missing page with the error document when it may be
// read anonymously. It decided that on the document it read, then opened
// it again: an owner overwriting a public-read error document with a
// private one in between had the private body served as the error page.
// The read is now decided again on the document opened, as a GET's is.
func TestReview34WebsiteErrorDocumentRacingPrivateOverwrite(t *testing.T) {
	f, get := websiteFixture(t, testWebsiteDoc)
	ctx := context.Background()
	put := func(body, canned string) {
		_, err := f.eng.PutObject(ctx, "site", "404.html", strings.NewReader(body), int64(len(body)),
			engine.PutOptions{ACL: engine.ACL{Canned: canned}, Owner: canonicalID(testAK), Metadata: engine.Metadata{ContentType: "text/html"}})
		require.NoError(t, err)
	}
	keepFlipping(t, func() {
		put("SECRET", "private")
		put("custom not found", "public-read")
	})
	n := 3000
	if testing.Short() {
		n = 800
	}
	served, leaked := 0, 0
	for range n {
		resp := get("GET", f.srv.URL+"/_website/site/nothing.html")
		switch {
		case strings.Contains(string(resp.body), "SECRET"):
			leaked++
		case string(resp.body) == "custom not found":
			served++
		}
	}
	assert.Positive(t, served)
	assert.Zero(t, leaked, "the private error document was served (%d public answers)", served)
}

// TestReview34MetadataReadsRacingPrivateOverwrite: as
// TestReview34ReadsRacingPrivateOverwrite, for the reads that answer an
// object's metadata only: S3 GetObjectTagging, Sina GET ?meta and OSS
// GetSymlink. Each read the key again after authorization without
// deciding again, and told anyone the private object's tags, metadata or
// link target. No S3 ACL grants GetObjectTagging (acl34_test.go): its
// anonymous reads are now refused whatever the overwrite.
func TestReview34MetadataReadsRacingPrivateOverwrite(t *testing.T) {
	srv := fake.New(t)
	eng := srv.Engine()
	ctx := context.Background()
	require.NoError(t, eng.CreateBucket(ctx, "rev34meta", engine.BucketOptions{Owner: srv.Owner()}))
	put := func(body, canned string) {
		_, err := eng.PutObject(ctx, "rev34meta", "obj", strings.NewReader(body), int64(len(body)),
			engine.PutOptions{ACL: engine.ACL{Canned: canned}, Owner: srv.Owner(),
				Metadata: engine.Metadata{User: map[string]string{"which": body}}, Tags: []engine.Tag{{Key: "which", Value: body}}})
		require.NoError(t, err)
		_, err = eng.PutSymlink(ctx, "rev34meta", "link", body+"-target", engine.PutOptions{ACL: engine.ACL{Canned: canned}, Owner: srv.Owner()})
		require.NoError(t, err)
	}
	for _, target := range []string{"public-target", "secret-target"} { // a link's target must exist
		_, err := eng.PutObject(ctx, "rev34meta", target, strings.NewReader(target), int64(len(target)),
			engine.PutOptions{ACL: engine.ACL{Canned: "public-read"}, Owner: srv.Owner()})
		require.NoError(t, err)
	}
	put("public", "public-read")
	keepFlipping(t, func() {
		put("secret", "private")
		put("public", "public-read")
	})
	ops := []struct{ name, method, path, header string }{
		{"GetObjectTagging", http.MethodGet, "/rev34meta/obj?tagging", ""},
		{"Sina GET ?meta", http.MethodGet, "/rev34meta/obj?meta&formatter=json", ""},
		{"GetSymlink", http.MethodGet, "/rev34meta/link?symlink", "X-Oss-Review34"},
	}
	n := 6000
	if testing.Short() {
		n = 1500
	}
	client := srv.HTTPClient()
	served, leaked := map[string]int{}, map[string]int{}
	for i := range n {
		o := ops[i%len(ops)]
		req, err := http.NewRequest(o.method, srv.URL+o.path, nil)
		require.NoError(t, err)
		if o.header != "" {
			req.Header.Set(o.header, "1")
		}
		resp, err := client.Do(req)
		require.NoError(t, err)
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusOK:
			served[o.name]++
			if strings.Contains(string(b)+resp.Header.Get("X-Oss-Symlink-Target"), "secret") {
				leaked[o.name]++
			}
		case http.StatusForbidden:
		default:
			t.Fatalf("%s: status %d: %s %s", o.name, resp.StatusCode, resp.Header, b)
		}
	}
	for _, o := range ops {
		if o.name == "GetObjectTagging" {
			// No S3 ACL grants s3:GetObjectTagging, public-read none
			// (TestAcl34PermissionsMapToOperations): anonymous callers
			// read no tags at all.
			assert.Zero(t, served[o.name], o.name)
			continue
		}
		assert.Positive(t, served[o.name], o.name)
		assert.Zero(t, leaked[o.name], "%s described the private object (%d answers served)", o.name, served[o.name])
	}
}

// TestReview34SelectArchivedRechecked: an object overwritten, between a
// select's authorization and its open, by a private archived one was
// answered 400 UnsupportedStorageClass (or S3's InvalidObjectState naming
// the class), telling a requester the private object's storage class:
// GetObject's archived error carries no object to decide on. The select
// now decides again on the object as it is before naming its class.
func TestReview34SelectArchivedRechecked(t *testing.T) {
	ctx := context.Background()
	srv := fake.New(t, fake.WithUsers(review34Bob))
	eng := srv.Engine()
	require.NoError(t, eng.CreateBucket(ctx, "rev34sel", engine.BucketOptions{Owner: srv.Owner()}))
	put := func(body, canned, class string) {
		_, err := eng.PutObject(ctx, "rev34sel", "data.csv", strings.NewReader(body), int64(len(body)),
			engine.PutOptions{ACL: engine.ACL{Canned: canned}, Owner: srv.Owner(), StorageClass: class})
		require.NoError(t, err)
	}
	body := []byte(`<SelectObjectContentRequest><Expression>SELECT * FROM S3Object</Expression>` +
		`<ExpressionType>SQL</ExpressionType><InputSerialization><CSV/></InputSerialization>` +
		`<OutputSerialization><CSV/></OutputSerialization></SelectObjectContentRequest>`)
	path := "/rev34sel/data.csv?select&select-type=2"
	for _, class := range []string{"GLACIER", "DEEP_ARCHIVE"} {
		// Readable and archived, the class is named.
		put("PUBLIC\n", "authenticated-read", class)
		status, code, _ := review34SlowSelect(t, srv, path, body, false, func() {})
		require.Equal(t, http.StatusBadRequest, status, class)
		require.Equal(t, "UnsupportedStorageClass", code, class)

		put("PUBLIC\n", "authenticated-read", "")
		status, code, resp := review34SlowSelect(t, srv, path, body, false, func() { put("SECRET\n", "private", class) })
		assert.Equal(t, http.StatusForbidden, status, "%s: %s %s", class, code, resp)
		assert.Equal(t, "AccessDenied", code, class)
	}
}
