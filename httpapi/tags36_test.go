package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTags36WriteTagsNeedPutObjectTagging: the tags a write sets
// (x-amz-tagging / x-oss-tagging on PutObject and CreateMultipartUpload,
// CopyObject's REPLACE) are PutObjectTagging's, the bucket owner's or a
// policy grantee's: S3's PutObject page asks s3:PutObjectTagging for the
// header (versitygw's AccessControl_PutObject_with_tagging_policy and
// _CreateMultipartUpload_with_tagging_policy, checked against AWS, expect
// AccessDenied with s3:PutObject alone), and OSS lets only the bucket owner
// and oss:PutObjectTagging grantees write tags. No ACL grants it. Before,
// a bucket WRITE grantee or an s3:PutObject grantee tagged its writes.
func TestTags36WriteTagsNeedPutObjectTagging(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	own35Bucket(t, f, "tags36") // the other account holds a WRITE grant
	status := func(q raw) int { t.Helper(); r := f.do(t, q); return r.StatusCode }
	tagged := func(q raw) raw {
		if q.sign == "oss-v1" {
			q.header = hdr("X-Oss-Tagging", "k=v")
		} else {
			q.header = hdr("X-Amz-Tagging", "k=v")
		}
		return q
	}
	put := func(key, sign string) raw {
		return sec34Other(raw{method: "PUT", path: "/tags36/" + key, sign: sign, body: []byte("x")})
	}
	assert.Equal(t, http.StatusOK, status(put("plain", "")), "a WRITE grantee writes")
	assert.Equal(t, http.StatusForbidden, status(tagged(put("w", ""))), "a WRITE grant does not tag")
	assert.Equal(t, http.StatusForbidden, status(tagged(put("w", "oss-v1"))), "nor through OSS")

	pol := func(actions string) {
		t.Helper()
		doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":[` + actions +
			`],"Resource":"arn:aws:s3:::tags36/*"},{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::tags36/src"}]}`
		must(t, f.do(t, raw{method: "PUT", path: "/tags36?policy", body: []byte(doc)}).errOrNil())
	}
	pol(`"s3:PutObject"`)
	must(t, f.do(t, raw{method: "PUT", path: "/tags36/src", body: []byte("source"), header: hdr("X-Amz-Tagging", "s=1")}).errOrNil())
	assert.Equal(t, http.StatusForbidden, status(tagged(put("p", ""))))
	assert.Equal(t, http.StatusForbidden, status(tagged(put("p", "oss-v1"))))
	assert.Equal(t, http.StatusForbidden, status(tagged(sec34Other(raw{method: "POST", path: "/tags36/mp?uploads"}))))
	copyTo := func(key string, h http.Header) int {
		t.Helper()
		return status(sec34Other(raw{method: "PUT", path: "/tags36/" + key, header: h}))
	}
	assert.Equal(t, http.StatusForbidden, copyTo("c", hdr("X-Amz-Copy-Source", "/tags36/src", "X-Amz-Tagging-Directive", "REPLACE", "X-Amz-Tagging", "k=v")))
	assert.Equal(t, http.StatusOK, copyTo("c", hdr("X-Amz-Copy-Source", "/tags36/src", "X-Amz-Tagging-Directive", "REPLACE")), "an empty tag set writes no tags")
	assert.Equal(t, http.StatusOK, copyTo("c2", hdr("X-Amz-Copy-Source", "/tags36/src")), "COPY keeps the source's tags as before")
	for _, k := range []string{"w", "p", "mp"} {
		assert.Equal(t, http.StatusNotFound, status(raw{method: "HEAD", path: "/tags36/" + k}), "%s: a refused write writes nothing", k)
	}

	pol(`"s3:PutObject","s3:PutObjectTagging"`)
	assert.Equal(t, http.StatusOK, status(tagged(put("p", ""))))
	assert.Equal(t, http.StatusOK, status(tagged(put("p2", "oss-v1"))))
	assert.Equal(t, http.StatusOK, status(tagged(sec34Other(raw{method: "POST", path: "/tags36/mp?uploads"}))))
	assert.Equal(t, http.StatusOK, copyTo("c", hdr("X-Amz-Copy-Source", "/tags36/src", "X-Amz-Tagging-Directive", "REPLACE", "X-Amz-Tagging", "k=v")))
	r := f.do(t, sec34Other(raw{method: "GET", path: "/tags36/p?tagging"}))
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", r.body)
	assert.Contains(t, string(r.body), "<Key>k</Key>")

	// The bucket owner tags its writes, also over another account's object.
	assert.Equal(t, http.StatusOK, status(tagged(raw{method: "PUT", path: "/tags36/plain", body: []byte("y")})))
	assert.Equal(t, http.StatusOK, status(tagged(raw{method: "PUT", path: "/tags36/own", body: []byte("y"), sign: "oss-v1"})))
}
