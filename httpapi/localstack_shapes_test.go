package httpapi_test

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/osslite/osslite/httpapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests in this file hold osslite's S3 error documents and listing
// markers to the shapes LocalStack's S3 tests recorded from AWS
// (tests/aws/services/s3/*.snapshot.json; docs/sdk-suites.md, "S3 error
// shapes and listing markers (thirtieth session)"). OSS and Sina keep
// their own shapes.

// errorField is one child element of an <Error> document.
type errorField struct{ Name, Value string }

// errorFields returns the child elements of an <Error> document, in
// order.
func errorFields(t testing.TB, body []byte) []errorField {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(body))
	var out []errorField
	depth := 0
	var name string
	var text []byte
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err, string(body))
		switch tok := tok.(type) {
		case xml.StartElement:
			depth++
			name, text = tok.Name.Local, nil
		case xml.CharData:
			text = append(text, tok...)
		case xml.EndElement:
			if depth == 2 {
				out = append(out, errorField{name, string(text)})
			}
			depth--
		}
	}
	return out
}

// errorExtras returns the elements of an <Error> document other than
// Code, Message, Resource, RequestId, HostId and OSS's EC.
func errorExtras(t testing.TB, body []byte) []errorField {
	t.Helper()
	var out []errorField
	for _, f := range errorFields(t, body) {
		switch f.Name {
		case "Code", "Message", "Resource", "RequestId", "HostId", "EC":
		default:
			out = append(out, f)
		}
	}
	return out
}

// partErrorUpload creates bucket/k, an upload of two 4-byte parts
// ("data"), signed with sign ("" for SigV4), and returns a function that
// completes it with a part list.
func partErrorUpload(t *testing.T, f *fixture, sign, bucket string) (id, etag string, complete func(parts ...string) rawResponse) {
	t.Helper()
	must(t, f.do(t, raw{method: "PUT", path: "/" + bucket, sign: sign}).errOrNil())
	r := f.do(t, raw{method: "POST", path: "/" + bucket + "/k?uploads", sign: sign})
	must(t, r.errOrNil())
	var init struct{ UploadId string }
	require.NoError(t, xml.Unmarshal(r.body, &init))
	id = init.UploadId
	for n := 1; n <= 2; n++ {
		r := f.do(t, raw{method: "PUT", path: fmt.Sprintf("/%s/k?partNumber=%d&uploadId=%s", bucket, n, id), sign: sign, body: []byte("data")})
		must(t, r.errOrNil())
		etag = r.Header.Get("ETag")
	}
	complete = func(parts ...string) rawResponse {
		body := "<CompleteMultipartUpload>"
		for _, p := range parts {
			body += p
		}
		body += "</CompleteMultipartUpload>"
		return f.do(t, raw{method: "POST", path: "/" + bucket + "/k?uploadId=" + id, sign: sign, body: []byte(body)})
	}
	return id, etag, complete
}

func completePart(n int, etag string) string {
	return fmt.Sprintf("<Part><PartNumber>%d</PartNumber><ETag>%s</ETag></Part>", n, etag)
}

// TestS3CompletePartErrorElements: CompleteMultipartUpload's part errors
// name what S3 names, in its order, the ETag without quotes
// (test_multipart_complete_multipart_too_small, _wrong_part,
// test_complete_multipart_parts_order): EntityTooSmall ProposedSize,
// MinSizeAllowed, PartNumber, ETag; InvalidPart UploadId, PartNumber,
// ETag; InvalidPartOrder UploadId. OSS's answers keep their elements.
func TestS3CompletePartErrorElements(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	const md5 = "8d777f385d3dfec8815d20f7496026dc" // of "data"
	id, etag, complete := partErrorUpload(t, f, "", "parterrs")
	require.Equal(t, `"`+md5+`"`, etag)

	r := complete(completePart(1, etag), completePart(2, etag))
	assert.Equal(t, "EntityTooSmall", r.errCode())
	assert.Equal(t, []errorField{{"ProposedSize", "4"}, {"MinSizeAllowed", "5242880"}, {"PartNumber", "1"}, {"ETag", md5}}, errorExtras(t, r.body))

	r = complete(completePart(3, etag))
	assert.Equal(t, "InvalidPart", r.errCode())
	assert.Equal(t, []errorField{{"UploadId", id}, {"PartNumber", "3"}, {"ETag", md5}}, errorExtras(t, r.body))

	r = complete(completePart(1, `"d41d8cd98f00b204e9800998ecf8427e"`))
	assert.Equal(t, "InvalidPart", r.errCode())
	assert.Equal(t, []errorField{{"UploadId", id}, {"PartNumber", "1"}, {"ETag", "d41d8cd98f00b204e9800998ecf8427e"}}, errorExtras(t, r.body))

	r = complete(completePart(2, etag), completePart(1, etag))
	assert.Equal(t, "InvalidPartOrder", r.errCode())
	assert.Equal(t, []errorField{{"UploadId", id}}, errorExtras(t, r.body))

	// OSS: the elements every dialect is given, the ETag as sent.
	_, etag, complete = partErrorUpload(t, f, "oss-v1", "ossparterrs")
	r = complete(completePart(1, etag), completePart(2, etag))
	assert.Equal(t, "EntityTooSmall", r.errCode())
	extras := errorExtras(t, r.body)
	assert.Contains(t, extras, errorField{"PartNumber", "1"})
	assert.Contains(t, extras, errorField{"ETag", etag})
	assert.NotContains(t, extras, errorField{"ETag", md5})
	r = complete(completePart(2, etag), completePart(1, etag))
	assert.Equal(t, "InvalidPartOrder", r.errCode())
	assert.Empty(t, errorExtras(t, r.body))
}

// TestS3InvalidDigestNamesValue: a Content-MD5 that is not a base64 MD5
// is InvalidDigest naming the value sent in <Content-MD5>
// (test_s3_invalid_content_md5, its four values); OSS's InvalidDigest
// names nothing more.
func TestS3InvalidDigestNamesValue(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.do(t, raw{method: "PUT", path: "/digestval"}).errOrNil())
	for _, v := range []string{"__invalid__", "000", "not base64 encoded checksum", "MTIz"} {
		r := f.do(t, raw{method: "PUT", path: "/digestval/k", body: []byte("something"), header: hdr("Content-MD5", v)})
		assert.Equal(t, "InvalidDigest", r.errCode(), v)
		assert.Equal(t, []errorField{{"Content-MD5", v}}, errorExtras(t, r.body), v)
	}
	must(t, f.do(t, raw{method: "PUT", path: "/ossdigestval", sign: "oss-v1"}).errOrNil())
	r := f.do(t, raw{method: "PUT", path: "/ossdigestval/k", sign: "oss-v1", body: []byte("something"), header: hdr("Content-MD5", "MTIz")})
	assert.Equal(t, "InvalidDigest", r.errCode())
	assert.Empty(t, errorExtras(t, r.body))
}

// TestS3BadDigestNamesDigests: a Content-MD5 that does not match the body
// is BadDigest naming the digest received, in base64, and the one sent,
// in hex, as S3 answers it (versity/versitygw#2034 quotes AWS's 2026
// answer, dandi/dandi-cli#1257 AWS's of 2023): object and part bodies and
// the XML documents read whole alike. OSS's InvalidDigest names nothing
// more.
func TestS3BadDigestNamesDigests(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.do(t, raw{method: "PUT", path: "/baddigest"}).errOrNil())
	body := []byte("something")
	sent := md5.Sum([]byte("something else"))
	got := md5.Sum(body)
	want := []errorField{{"CalculatedDigest", base64.StdEncoding.EncodeToString(got[:])}, {"ExpectedDigest", hex.EncodeToString(sent[:])}}
	bad := hdr("Content-MD5", base64.StdEncoding.EncodeToString(sent[:]))

	r := f.do(t, raw{method: "PUT", path: "/baddigest/k", body: body, header: bad})
	assert.Equal(t, "BadDigest", r.errCode())
	assert.Equal(t, want, errorExtras(t, r.body))

	r = f.do(t, raw{method: "POST", path: "/baddigest/mp?uploads"})
	must(t, r.errOrNil())
	var init struct{ UploadId string }
	require.NoError(t, xml.Unmarshal(r.body, &init))
	r = f.do(t, raw{method: "PUT", path: "/baddigest/mp?partNumber=1&uploadId=" + init.UploadId, body: body, header: bad})
	assert.Equal(t, "BadDigest", r.errCode())
	assert.Equal(t, want, errorExtras(t, r.body))

	for _, doc := range []struct{ query, body string }{
		{"tagging", "<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>"},
		{"delete", "<Delete><Object><Key>k</Key></Object></Delete>"},
	} {
		docSum := md5.Sum([]byte(doc.body))
		r = f.do(t, raw{method: map[string]string{"tagging": "PUT", "delete": "POST"}[doc.query], path: "/baddigest?" + doc.query, body: []byte(doc.body), header: bad})
		assert.Equal(t, "BadDigest", r.errCode(), doc.query)
		assert.Equal(t, []errorField{{"CalculatedDigest", base64.StdEncoding.EncodeToString(docSum[:])}, {"ExpectedDigest", hex.EncodeToString(sent[:])}},
			errorExtras(t, r.body), doc.query)
	}
	r = f.do(t, raw{method: "HEAD", path: "/baddigest/k"})
	assert.Equal(t, http.StatusNotFound, r.StatusCode, "nothing stored")

	must(t, f.do(t, raw{method: "PUT", path: "/ossbaddigest", sign: "oss-v1"}).errOrNil())
	r = f.do(t, raw{method: "PUT", path: "/ossbaddigest/k", sign: "oss-v1", body: body, header: bad})
	assert.Equal(t, "InvalidDigest", r.errCode())
	assert.Empty(t, errorExtras(t, r.body))
}

// TestS3ErrorsNameNoResource: S3's error documents carry no <Resource>
// (none of the errors LocalStack recorded from AWS has one: NoSuchKey
// names the Key, NoSuchBucket the BucketName); Sina's JSON error keeps
// its Resource.
func TestS3ErrorsNameNoResource(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.do(t, raw{method: "PUT", path: "/nores"}).errOrNil())
	r := f.do(t, raw{method: "GET", path: "/nores/missing"})
	assert.Equal(t, "NoSuchKey", r.errCode())
	assert.Equal(t, []string{"Code", "Message", "Key", "RequestId", "HostId"}, fieldNames(errorFields(t, r.body)))
	r = f.do(t, raw{method: "GET", path: "/nosuchbucket-here"})
	assert.Equal(t, "NoSuchBucket", r.errCode())
	assert.Equal(t, []string{"Code", "Message", "BucketName", "RequestId", "HostId"}, fieldNames(errorFields(t, r.body)))

	r = f.do(t, raw{method: "GET", path: "/nores/missing", sign: "sina"})
	assert.Equal(t, http.StatusNotFound, r.StatusCode)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(r.body, &doc), string(r.body))
	assert.Equal(t, "/nores/missing", doc["Resource"])
}

func fieldNames(fs []errorField) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Name)
	}
	return out
}

// TestS3CreateBucketLocationURL: CreateBucket answers Location
// "/<bucket>" for a us-east-1 bucket and the bucket's virtual-host URL
// for a bucket created with a LocationConstraint (test_create_bucket_head_bucket:
// "/<bucket-name:1>", then "http://<bucket-name:2>.<host>/"). osslite's
// host is the configured domain the request came in on, path-style or
// virtual-host, with the request's port; a request to an IP address keeps
// "/<bucket>".
func TestS3CreateBucketLocationURL(t *testing.T) {
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithDomains("s3.test")}})
	west := []byte(`<CreateBucketConfiguration><LocationConstraint>us-west-1</LocationConstraint></CreateBucketConfiguration>`)
	for _, c := range []struct {
		name, host, path string
		body             []byte
		want             string
	}{
		{"us-east-1", "s3.test:8080", "/plain", nil, "/plain"},
		{"path style", "s3.test:8080", "/west", west, "http://west.s3.test:8080/"},
		{"virtual host", "vhwest.s3.test", "/", west, "http://vhwest.s3.test/"},
		{"IP address", "", "/ipwest", west, "/ipwest"},
	} {
		r := f.do(t, raw{method: "PUT", host: c.host, path: c.path, body: c.body})
		must(t, r.errOrNil())
		assert.Equal(t, c.want, r.Header.Get("Location"), c.name)
	}
}

// TestS3ListPartsAndUploadsMarkers: ListParts names NextPartNumberMarker
// on every page, the last part listed or 0 when none is
// (test_list_parts_pagination: empty 0, all 2, max-parts 1 truncated 1,
// after 1 untruncated 2, after 10 0); ListMultipartUploads names
// NextKeyMarker and NextUploadIdMarker on an untruncated page, the last
// upload or empty when none is (test_multipart_and_list_parts,
// test_list_multipart_uploads_parameters). A regression guard: both
// already matched (the latter since the twenty-ninth session's
// uploadMarkersS3).
func TestS3ListPartsAndUploadsMarkers(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	must(t, f.do(t, raw{method: "PUT", path: "/markers"}).errOrNil())
	r := f.do(t, raw{method: "POST", path: "/markers/k?uploads"})
	must(t, r.errOrNil())
	var init struct{ UploadId string }
	require.NoError(t, xml.Unmarshal(r.body, &init))
	id := init.UploadId
	type parts struct {
		IsTruncated          bool
		PartNumberMarker     string
		NextPartNumberMarker *string
		Part                 []struct{ PartNumber int }
	}
	list := func(q string) parts {
		t.Helper()
		r := f.do(t, raw{method: "GET", path: "/markers/k?uploadId=" + id + q})
		must(t, r.errOrNil())
		var p parts
		require.NoError(t, xml.Unmarshal(r.body, &p))
		require.NotNil(t, p.NextPartNumberMarker, string(r.body))
		return p
	}
	assert.Equal(t, "0", *list("").NextPartNumberMarker)
	for n := 1; n <= 2; n++ {
		must(t, f.do(t, raw{method: "PUT", path: fmt.Sprintf("/markers/k?partNumber=%d&uploadId=%s", n, id), body: []byte("data")}).errOrNil())
	}
	for _, c := range []struct {
		q     string
		trunc bool
		next  string
		parts int
	}{
		{"", false, "2", 2},
		{"&max-parts=1", true, "1", 1},
		{"&max-parts=1&part-number-marker=1", false, "2", 1},
		{"&max-parts=1&part-number-marker=10", false, "0", 0},
	} {
		p := list(c.q)
		assert.Equal(t, c.trunc, p.IsTruncated, c.q)
		assert.Equal(t, c.next, *p.NextPartNumberMarker, c.q)
		assert.Len(t, p.Part, c.parts, c.q)
	}

	type uploads struct {
		IsTruncated                       bool
		NextKeyMarker, NextUploadIdMarker *string
	}
	listUploads := func() uploads {
		t.Helper()
		r := f.do(t, raw{method: "GET", path: "/markers?uploads"})
		must(t, r.errOrNil())
		var u uploads
		require.NoError(t, xml.Unmarshal(r.body, &u))
		require.NotNil(t, u.NextKeyMarker, string(r.body))
		require.NotNil(t, u.NextUploadIdMarker, string(r.body))
		return u
	}
	u := listUploads()
	assert.False(t, u.IsTruncated)
	assert.Equal(t, "k", *u.NextKeyMarker)
	assert.Equal(t, id, *u.NextUploadIdMarker)
	must(t, f.do(t, raw{method: "DELETE", path: "/markers/k?uploadId=" + id}).errOrNil())
	u = listUploads()
	assert.Equal(t, "", *u.NextKeyMarker)
	assert.Equal(t, "", *u.NextUploadIdMarker)
}
