package httpapi

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Op is the operation a request was routed to, as the interceptor sees it.
type Op struct {
	// Operation is the AWS API name (PutObject, ListObjectsV2, ...), or
	// "Unknown" for requests no route accepts.
	Operation string
	Bucket    string
	Key       string
	// Dialect is "s3" or "oss".
	Dialect string
}

// WriteError writes an error response in op's dialect: the error document
// (none for HEAD) with code, status (0: the error table's) and message
// ("": the table's), and the request-id headers
// (reusing those already set on w). Interceptors use it to inject faults.
func (op Op) WriteError(w http.ResponseWriter, r *http.Request, code string, status int, message string) {
	d := dialectByName(op.Dialect)
	if d == nil {
		d = s3
	}
	if message == "" {
		message = errorf(code, "").Message
	}
	if status == 0 {
		status = StatusOf(code)
	}
	d.writeError(w, r, &Error{Code: code, Status: status, Message: message}, op)
}

func resourceOf(op Op) string {
	switch {
	case op.Bucket == "":
		return "/"
	case op.Key == "":
		return "/" + op.Bucket
	}
	return "/" + op.Bucket + "/" + op.Key
}

// target is what a request addresses.
type target uint8

const (
	targetService target = iota // no bucket
	targetBucket                // a bucket
	targetObject                // an object
)

// perm is the permission an operation needs (auth.md §7, operations.md A.14).
type perm uint8

const (
	permAuthenticated perm = iota // any signed request (ListBuckets, CreateBucket)
	permOwner                     // the bucket owner only
	permBucketRead                // bucket READ: list
	permBucketWrite               // bucket WRITE: create, overwrite, delete objects
	permBucketReadACP
	permBucketWriteACP
	permObjectRead // object READ (or bucket owner)
	permObjectReadACP
	permObjectWriteACP
)

// route is one row of the operation table: a request matches when its
// method and target are equal, every query parameter in params is present
// ("name=value" also requires the value) and, if header is set, that
// vendor header (without prefix) is present; only, when set, restricts the
// row to one dialect ("oss" for Aliyun-only operations). The first matching
// row wins.
type route struct {
	method string
	target target
	params []string
	header string
	op     string
	perm   perm
	handle func(s *server, rc *request) error
	only   string
}

// routes is the operation table (operations.md A.2).
var routes = []route{
	{http.MethodGet, targetService, nil, "", "ListBuckets", permAuthenticated, (*server).listBuckets, ""},

	{http.MethodPut, targetBucket, []string{"acl"}, "", "PutBucketAcl", permBucketWriteACP, (*server).putBucketACL, ""},
	{http.MethodPut, targetBucket, []string{"tagging"}, "", "PutBucketTagging", permOwner, (*server).putBucketTagging, ""},
	{http.MethodPut, targetBucket, nil, "", "CreateBucket", permAuthenticated, (*server).createBucket, ""},
	{http.MethodHead, targetBucket, nil, "", "HeadBucket", permBucketRead, (*server).headBucket, ""},
	{http.MethodGet, targetBucket, []string{"list-type=2"}, "", "ListObjectsV2", permBucketRead, (*server).listObjectsV2, ""},
	{http.MethodGet, targetBucket, []string{"uploads"}, "", "ListMultipartUploads", permBucketRead, (*server).listMultipartUploads, ""},
	{http.MethodGet, targetBucket, []string{"acl"}, "", "GetBucketAcl", permBucketReadACP, (*server).getBucketACL, ""},
	{http.MethodGet, targetBucket, []string{"tagging"}, "", "GetBucketTagging", permOwner, (*server).getBucketTagging, ""},
	{http.MethodGet, targetBucket, []string{"location"}, "", "GetBucketLocation", permBucketRead, (*server).getBucketLocation, ""},
	{http.MethodGet, targetBucket, []string{"versions"}, "", "ListObjectVersions", permBucketRead, (*server).listObjectVersions, ""},
	{http.MethodGet, targetBucket, []string{"bucketInfo"}, "", "GetBucketInfo", permOwner, (*server).getBucketInfo, "oss"},
	{http.MethodGet, targetBucket, nil, "", "ListObjects", permBucketRead, (*server).listObjectsV1, ""},
	{http.MethodDelete, targetBucket, []string{"tagging"}, "", "DeleteBucketTagging", permOwner, (*server).deleteBucketTagging, ""},
	{http.MethodDelete, targetBucket, nil, "", "DeleteBucket", permOwner, (*server).deleteBucket, ""},
	{http.MethodPost, targetBucket, []string{"delete"}, "", "DeleteObjects", permBucketWrite, (*server).deleteObjects, ""},

	{http.MethodPut, targetObject, []string{"partNumber", "uploadId"}, "copy-source", "UploadPartCopy", permBucketWrite, (*server).uploadPartCopy, ""},
	{http.MethodPut, targetObject, []string{"partNumber", "uploadId"}, "", "UploadPart", permBucketWrite, (*server).uploadPart, ""},
	{http.MethodPut, targetObject, []string{"acl"}, "", "PutObjectAcl", permObjectWriteACP, (*server).putObjectACL, ""},
	{http.MethodPut, targetObject, []string{"tagging"}, "", "PutObjectTagging", permBucketWrite, (*server).putObjectTagging, ""},
	{http.MethodPut, targetObject, []string{"symlink"}, "", "PutSymlink", permBucketWrite, (*server).putSymlink, "oss"},
	{http.MethodPut, targetObject, nil, "copy-source", "CopyObject", permBucketWrite, (*server).copyObject, ""},
	{http.MethodPut, targetObject, nil, "", "PutObject", permBucketWrite, (*server).putObject, ""},
	{http.MethodGet, targetObject, []string{"uploadId"}, "", "ListParts", permBucketWrite, (*server).listParts, ""},
	{http.MethodGet, targetObject, []string{"acl"}, "", "GetObjectAcl", permObjectReadACP, (*server).getObjectACL, ""},
	{http.MethodGet, targetObject, []string{"tagging"}, "", "GetObjectTagging", permObjectRead, (*server).getObjectTagging, ""},
	{http.MethodGet, targetObject, []string{"symlink"}, "", "GetSymlink", permObjectRead, (*server).getSymlink, "oss"},
	{http.MethodGet, targetObject, nil, "", "GetObject", permObjectRead, (*server).getObject, ""},
	{http.MethodHead, targetObject, []string{"objectMeta"}, "", "GetObjectMeta", permObjectRead, (*server).getObjectMeta, "oss"},
	{http.MethodHead, targetObject, nil, "", "HeadObject", permObjectRead, (*server).headObject, ""},
	{http.MethodDelete, targetObject, []string{"uploadId"}, "", "AbortMultipartUpload", permBucketWrite, (*server).abortMultipartUpload, ""},
	{http.MethodDelete, targetObject, []string{"tagging"}, "", "DeleteObjectTagging", permBucketWrite, (*server).deleteObjectTagging, ""},
	{http.MethodDelete, targetObject, nil, "", "DeleteObject", permBucketWrite, (*server).deleteObject, ""},
	{http.MethodPost, targetObject, []string{"uploads"}, "", "CreateMultipartUpload", permBucketWrite, (*server).createMultipartUpload, ""},
	{http.MethodPost, targetObject, []string{"uploadId"}, "", "CompleteMultipartUpload", permBucketWrite, (*server).completeMultipartUpload, ""},
	{http.MethodPost, targetObject, []string{"append"}, "", "AppendObject", permBucketWrite, (*server).appendObject, "oss"},
	{http.MethodPost, targetObject, []string{"seal"}, "", "SealAppendObject", permBucketWrite, (*server).sealAppendObject, "oss"},
	{http.MethodPost, targetObject, []string{"restore"}, "", "RestoreObject", permBucketWrite, (*server).restoreObject, "oss"},
}

// subresourceNames holds, in lower case, every sub-resource any dialect
// knows. A query naming one of them selects an operation: a route serves
// it only if the route names it, so a request is never served by an
// operation that would ignore what it asked for (PUT ?retention is not a
// PutObject).
var subresourceNames = func() map[string]bool {
	m := map[string]bool{}
	for _, d := range dialects {
		for n := range d.subresources {
			m[strings.ToLower(n)] = true
		}
	}
	return m
}()

// match finds the route of a request.
func match(d *dialect, r *http.Request, t target, q url.Values) (*route, *Error) {
	var named []string // sub-resources the query names
	for name := range q {
		if subresourceNames[strings.ToLower(name)] {
			named = append(named, name)
		}
	}
	methodSeen, otherMethod := false, false
	for i := range routes {
		rt := &routes[i]
		if rt.target != t || rt.only != "" && rt.only != d.name {
			continue
		}
		if !rt.takes(named) {
			continue
		}
		if rt.method != r.Method {
			otherMethod = otherMethod || len(named) > 0
			continue
		}
		methodSeen = true
		if rt.header != "" && r.Header.Get(d.h(rt.header)) == "" {
			continue
		}
		if rt.accepts(q) {
			return rt, nil
		}
	}
	switch {
	case len(named) > 0 && !methodSeen && otherMethod:
		return nil, errorf("MethodNotAllowed", "").with("Method", r.Method).with("ResourceType", [...]string{"SERVICE", "BUCKET", "OBJECT"}[t])
	case len(named) > 0 && !methodSeen:
		slices.Sort(named)
		return nil, errorf("NotImplemented", "The %s sub-resource is not implemented.", strings.Join(named, ", "))
	case methodSeen:
		return nil, errorf("NotImplemented", "")
	}
	return nil, errorf("MethodNotAllowed", "").with("Method", r.Method).with("ResourceType", [...]string{"SERVICE", "BUCKET", "OBJECT"}[t])
}

// takes reports whether every sub-resource in named is one of the
// route's parameters.
func (rt *route) takes(named []string) bool {
	for _, n := range named {
		found := false
		for _, p := range rt.params {
			name, _, _ := strings.Cut(p, "=")
			if strings.EqualFold(name, n) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// accepts reports whether q has every parameter of the route (with its
// value where the route names one).
func (rt *route) accepts(q url.Values) bool {
	for _, p := range rt.params {
		name, value, hasValue := strings.Cut(p, "=")
		if !q.Has(name) || hasValue && q.Get(name) != value {
			return false
		}
	}
	return true
}

// Subresources returns, sorted, the sub-resource query parameters the
// named dialect ("s3", "oss") knows: the names that select an operation.
// A request naming one that no operation serves is refused with 501 (or
// 405) and changes nothing. Fuzzers and conformance tests use the list.
func Subresources(dialectName string) []string {
	d := dialectByName(dialectName)
	if d == nil {
		return nil
	}
	out := make([]string, 0, len(d.subresources))
	for n := range d.subresources {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}
