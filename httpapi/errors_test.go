package httpapi_test

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/osslite/osslite/httpapi"
)

func md5Header(b []byte) http.Header {
	s := md5.Sum(b)
	return hdr("Content-MD5", base64.StdEncoding.EncodeToString(s[:]))
}

func TestErrorResponses(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	seedBucket(t, f, "errs")
	must(t, f.do(t, raw{method: "PUT", path: "/errs/obj", body: []byte("0123456789")}).errOrNil())
	euConfig := []byte("<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>")
	must(t, f.do(t, raw{method: "PUT", path: "/errs-eu", body: euConfig}).errOrNil())
	bigXML := []byte("<Tagging><TagSet>" + strings.Repeat("<!-- pad -->", 100000) + "</TagSet></Tagging>")
	delBody := []byte("<Delete><Object><Key>obj</Key></Object></Delete>")
	tooMany := "<Delete>" + strings.Repeat("<Object><Key>k</Key></Object>", 1001) + "</Delete>"
	for _, tc := range []struct {
		name   string
		q      raw
		status int
		code   string
		header [2]string // a response header that must be present
	}{
		{"malformed tagging XML", raw{method: "PUT", path: "/errs/obj?tagging", body: []byte("<Tagging><TagSet>")}, 400, "MalformedXML", [2]string{}},
		{"malformed create bucket XML", raw{method: "PUT", path: "/errs2", body: []byte("<CreateBucketConfiguration>")}, 400, "MalformedXML", [2]string{}},
		{"oversize XML", raw{method: "PUT", path: "/errs/obj?tagging", body: bigXML}, 400, "MaxMessageLengthExceeded", [2]string{}},
		{"malformed ACL", raw{method: "PUT", path: "/errs?acl", body: []byte("<AccessControlPolicy><AccessControlList><Grant><Permission>EVERYTHING</Permission></Grant></AccessControlList></AccessControlPolicy>")}, 400, "MalformedACLError", [2]string{}},
		{"unsatisfiable range", raw{method: "GET", path: "/errs/obj", header: hdr("Range", "bytes=10-20")}, 416, "InvalidRange", [2]string{"Content-Range", "bytes */10"}},
		{"range and partNumber", raw{method: "GET", path: "/errs/obj?partNumber=1", header: hdr("Range", "bytes=0-1")}, 400, "InvalidRequest", [2]string{}},
		{"part number too large", raw{method: "GET", path: "/errs/obj?partNumber=2"}, 416, "InvalidPartNumber", [2]string{}},
		{"part number not a number", raw{method: "GET", path: "/errs/obj?partNumber=x"}, 400, "InvalidArgument", [2]string{}},
		{"unknown sub-resource on bucket", raw{method: "GET", path: "/errs?metadataTable"}, 501, "NotImplemented", [2]string{}},
		{"unknown sub-resource on object", raw{method: "PUT", path: "/errs/obj?torrent"}, 501, "NotImplemented", [2]string{}},
		{"POST object not a form", raw{method: "POST", path: "/errs"}, 412, "PreconditionFailed", [2]string{}},
		{"method not allowed", raw{method: "PATCH", path: "/errs/obj"}, 405, "MethodNotAllowed", [2]string{}},
		{"key too long", raw{method: "PUT", path: "/errs/" + strings.Repeat("k", 1025), body: []byte("x")}, 400, "KeyTooLongError", [2]string{}},
		{"metadata too large", raw{method: "PUT", path: "/errs/meta", body: []byte("x"), header: hdr("X-Amz-Meta-Big", strings.Repeat("v", 2100))}, 400, "MetadataTooLarge", [2]string{}},
		{"bad Content-MD5", raw{method: "PUT", path: "/errs/md5", body: []byte("x"), header: hdr("Content-MD5", "nope")}, 400, "InvalidDigest", [2]string{}},
		{"wrong Content-MD5", raw{method: "PUT", path: "/errs/md5", body: []byte("x"), header: md5Header([]byte("y"))}, 400, "BadDigest", [2]string{}},
		{"wrong CRC32", raw{method: "PUT", path: "/errs/crc", body: []byte("x"), header: hdr("X-Amz-Checksum-Crc32", "DUoRhQ==")}, 400, "BadDigest", [2]string{}},
		{"two checksum headers", raw{method: "PUT", path: "/errs/crc", body: []byte("x"), header: hdr("X-Amz-Checksum-Crc32", "DUoRhQ==", "X-Amz-Checksum-Crc32c", "yZRlqg==")}, 400, "InvalidRequest", [2]string{}},
		{"sdk algorithm without checksum", raw{method: "PUT", path: "/errs/crc", body: []byte("x"), header: hdr("X-Amz-Sdk-Checksum-Algorithm", "CRC32")}, 400, "InvalidRequest", [2]string{}},
		{"DeleteObjects without digest", raw{method: "POST", path: "/errs?delete", body: delBody}, 400, "InvalidRequest", [2]string{}},
		{"DeleteObjects too many keys", raw{method: "POST", path: "/errs?delete", body: []byte(tooMany), header: md5Header([]byte(tooMany))}, 400, "MalformedXML", [2]string{}},
		{"DeleteObjects malformed", raw{method: "POST", path: "/errs?delete", body: []byte("<Delete>"), header: md5Header([]byte("<Delete>"))}, 400, "MalformedXML", [2]string{}},
		{"no such bucket", raw{method: "GET", path: "/nobucket/x"}, 404, "NoSuchBucket", [2]string{}},
		{"no such upload", raw{method: "GET", path: "/errs/obj?uploadId=nope"}, 404, "NoSuchUpload", [2]string{}},
		{"complete without parts", raw{method: "POST", path: "/errs/obj?uploadId=nope", body: []byte("<CompleteMultipartUpload/>")}, 404, "NoSuchUpload", [2]string{}},
		{"invalid bucket name", raw{method: "PUT", path: "/Bad_Name"}, 400, "InvalidBucketName", [2]string{}},
		{"bad copy source", raw{method: "PUT", path: "/errs/copy", header: hdr("X-Amz-Copy-Source", "justbucket")}, 400, "InvalidArgument", [2]string{}},
		{"bad max-keys", raw{method: "GET", path: "/errs?max-keys=-1"}, 400, "InvalidArgument", [2]string{}},
		{"bad encoding-type", raw{method: "GET", path: "/errs?encoding-type=base64"}, 400, "InvalidArgument", [2]string{}},
		{"bad continuation token", raw{method: "GET", path: "/errs?list-type=2&continuation-token=!!!"}, 400, "InvalidArgument", [2]string{}},
		{"bad canned ACL", raw{method: "PUT", path: "/errs/acl", body: []byte("x"), header: hdr("X-Amz-Acl", "everyone")}, 400, "InvalidArgument", [2]string{}},
		{"bad storage class", raw{method: "PUT", path: "/errs/sc", body: []byte("x"), header: hdr("X-Amz-Storage-Class", "COLD")}, 400, "InvalidStorageClass", [2]string{}},
		{"bucket not empty", raw{method: "DELETE", path: "/errs"}, 409, "BucketNotEmpty", [2]string{}},
		// S3 lets the owner create a us-east-1 bucket again (200, ACL reset:
		// TestRecreateOwnBucket); elsewhere it is 409.
		{"bucket already owned", raw{method: "PUT", path: "/errs-eu"}, 409, "BucketAlreadyOwnedByYou", [2]string{}},
		{"bucket owned by another", raw{method: "PUT", path: "/errs", ak: otherAK, sk: otherSK}, 409, "BucketAlreadyExists", [2]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(t, tc.q)
			if r.StatusCode != tc.status || r.errCode() != tc.code {
				t.Fatalf("got %d %s, want %d %s", r.StatusCode, r.body, tc.status, tc.code)
			}
			if !bytes.Contains(r.body, []byte("<RequestId>"+r.Header.Get("X-Amz-Request-Id")+"</RequestId>")) {
				t.Fatalf("RequestId does not match the header: %s", r.body)
			}
			if tc.header[0] != "" && r.Header.Get(tc.header[0]) != tc.header[1] {
				t.Fatalf("%s: %q, want %q", tc.header[0], r.Header.Get(tc.header[0]), tc.header[1])
			}
		})
	}
	// Nothing the failures above touched was created.
	for _, k := range []string{"meta", "md5", "crc", "acl", "sc"} {
		if r := f.do(t, raw{method: "HEAD", path: "/errs/" + k}); r.StatusCode != 404 || len(r.body) != 0 {
			t.Fatalf("%s exists after a failed write (HEAD %d, body %q)", k, r.StatusCode, r.body)
		}
	}
}

// TestPanicRecovery checks that a panic becomes InternalError and that the
// interceptor can inject faults with Op.WriteError.
func TestInterceptorAndPanic(t *testing.T) {
	var ops []string
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{
		httpapi.WithInterceptor(func(w http.ResponseWriter, r *http.Request, op httpapi.Op) bool {
			ops = append(ops, op.Operation+" "+op.Bucket+" "+op.Key+" "+op.Dialect)
			switch op.Key {
			case "boom":
				panic("injected")
			case "slow":
				op.WriteError(w, r, "SlowDown", 503, "")
				return true
			}
			return false
		})}})
	seedBucket(t, f, "faults")
	if r := f.do(t, raw{method: "GET", path: "/faults/boom"}); r.StatusCode != 500 || r.errCode() != "InternalError" {
		t.Fatalf("panic: %d %s", r.StatusCode, r.body)
	}
	r := f.do(t, raw{method: "PUT", path: "/faults/slow", body: []byte("x")})
	if r.StatusCode != 503 || r.errCode() != "SlowDown" || r.Header.Get("X-Amz-Request-Id") == "" {
		t.Fatalf("injected fault: %d %s", r.StatusCode, r.body)
	}
	if got := strings.Join(ops, "|"); got != "CreateBucket faults  s3|GetObject faults boom s3|PutObject faults slow s3" {
		t.Fatalf("interceptor saw %q", got)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	last := f.records[len(f.records)-1]
	if last.Operation != "PutObject" || last.Status != 503 || last.Bytes == 0 || last.RequestID != r.Header.Get("X-Amz-Request-Id") || last.Dialect != "s3" {
		t.Fatalf("record %+v", last)
	}
}
