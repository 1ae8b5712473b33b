package httpapi_test

// Tests from running S3 clients of other stacks against osslite (Rust's
// object_store through LanceDB and nodejs-polars, OpenDAL, aws-lite,
// aws4fetch, s3mini): docs/sdk-suites.md, "Rust object_store and other
// npm S3 stacks (thirty-fourth session)".

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// rs34Field returns the text of the first element name in an XML body,
// still escaped.
func rs34Field(t *testing.T, body []byte, name string) string {
	t.Helper()
	m := regexp.MustCompile(`<` + name + `>([^<]*)</` + name + `>`).FindSubmatch(body)
	require.NotNil(t, m, "no <%s> in %s", name, body)
	return string(m[1])
}

// S3 writes the double quotes of an ETag (and of a key) in its XML
// documents as &quot; (LocalStack's AWS recording of
// test_bucket_name_with_dots); encoding/xml writes &#34;. Small clients
// decode only the five named entities: s3mini 1.0.2 returned
// CompleteMultipartUpload's ETag as "&#34;...-1&#34;" and listed the key
// `q/say "hi".txt` as `q/say &#34;hi&#34;.txt`. The requests are the
// ones s3mini and object_store sent (docs/clients/s3mini.mjs).
func TestRs34QuotesWrittenAsS3Does(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: "/rs34q"}).StatusCode)
	key := `q/say "hi".txt`
	path := "/rs34q/" + strings.ReplaceAll(url.PathEscape(key), "%2F", "/")
	require.Equal(t, 200, f.do(t, raw{method: "PUT", path: path, body: []byte("x")}).StatusCode)

	docs := map[string][]byte{}
	list := f.do(t, raw{method: "GET", path: "/rs34q?list-type=2&prefix=q%2F"})
	require.Equal(t, 200, list.StatusCode, string(list.body))
	docs["ListObjectsV2"] = list.body
	require.Equal(t, `q/say &quot;hi&quot;.txt`, rs34Field(t, list.body, "Key"))
	require.Equal(t, `&quot;9dd4e461268c8034f5c8564e155c67a6&quot;`, rs34Field(t, list.body, "ETag"))

	v1 := f.do(t, raw{method: "GET", path: "/rs34q?prefix=q%2F"})
	require.Equal(t, 200, v1.StatusCode, string(v1.body))
	docs["ListObjects"] = v1.body
	versions := f.do(t, raw{method: "GET", path: "/rs34q?versions&prefix=q%2F"})
	require.Equal(t, 200, versions.StatusCode, string(versions.body))
	docs["ListObjectVersions"] = versions.body

	cp := f.do(t, raw{method: "PUT", path: "/rs34q/copy", header: http.Header{"X-Amz-Copy-Source": {path}}})
	require.Equal(t, 200, cp.StatusCode, string(cp.body))
	docs["CopyObject"] = cp.body

	cr := f.do(t, raw{method: "POST", path: "/rs34q/q/m?uploads"})
	require.Equal(t, 200, cr.StatusCode, string(cr.body))
	id := url.QueryEscape(rs34Field(t, cr.body, "UploadId"))
	part := f.do(t, raw{method: "PUT", path: "/rs34q/q/m?partNumber=1&uploadId=" + id, body: []byte("abc")})
	require.Equal(t, 200, part.StatusCode, string(part.body))
	pc := f.do(t, raw{method: "PUT", path: "/rs34q/q/m?partNumber=2&uploadId=" + id, header: http.Header{"X-Amz-Copy-Source": {"/rs34q/copy"}}})
	require.Equal(t, 200, pc.StatusCode, string(pc.body))
	docs["UploadPartCopy"] = pc.body
	parts := f.do(t, raw{method: "GET", path: "/rs34q/q/m?uploadId=" + id})
	require.Equal(t, 200, parts.StatusCode, string(parts.body))
	docs["ListParts"] = parts.body
	complete := `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>` + part.Header.Get("ETag") +
		`</ETag></Part></CompleteMultipartUpload>`
	done := f.do(t, raw{method: "POST", path: "/rs34q/q/m?uploadId=" + id, body: []byte(complete)})
	require.Equal(t, 200, done.StatusCode, string(done.body))
	docs["CompleteMultipartUpload"] = done.body

	for op, body := range docs {
		require.NotContains(t, string(body), "&#34;", op)
		etag := rs34Field(t, body, "ETag")
		require.True(t, strings.HasPrefix(etag, "&quot;") && strings.HasSuffix(etag, "&quot;"), "%s: <ETag>%s", op, etag)
		// Still the same document to an XML parser.
		var doc struct{ XMLName xml.Name }
		require.NoError(t, xml.Unmarshal(body, &doc), op)
	}
}
