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
	// Dialect is "s3", "oss" or "sina".
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
	permAnyone // no check at all (CORS preflights)
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
	// config is the configuration table row of a configuration
	// operation (Get/Put/DeleteBucket<Kind>).
	config *configRow
	// auth is how the request proves who sent it. Default authSigned.
	auth authMode
	// known, when set, restricts the row to dialects whose subresources
	// list it: the operation exists where the service knows it.
	known string
	// refused marks an operation routed only to be refused with 501 once
	// the request proved its target exists (README marks it not yet).
	refused bool
	// unsignedOK lets OSS signatures v1 and v2 leave the route's
	// sub-resources out (authenticateOSS): the SDKs do not sign them and
	// naming them turns no request into a write.
	unsignedOK bool
	// throttled marks the operations that honour the dialect's traffic
	// limit (traffic.go).
	throttled bool
	// noBucketMalformed answers a missing bucket with MalformedXML
	// (configRow.putNoBucketMalformed).
	noBucketMalformed bool
	// keyFirst checks the credentials before the bucket in a dialect
	// that otherwise reports a missing bucket first (bucketBeforeAuth):
	// OSS's PutBucketAcl is PutBucket with x-oss-acl and, like PutBucket,
	// answers an unknown key InvalidAccessKeyId for a missing bucket
	// (alibabacloud-oss-python-sdk-v2 test_put_bucket_acl_fail).
	keyFirst bool
}

// authMode is where a route's credentials are.
type authMode uint8

const (
	// authSigned: in the Authorization header or the query (or none:
	// anonymous), verified before the handler runs.
	authSigned authMode = iota
	// authForm: inside a multipart/form-data body (POST Object); the
	// handler verifies them while it parses the form.
	authForm
	// authPreflight: none (CORS preflight OPTIONS requests).
	authPreflight
)

// routes is the operation table (operations.md A.2).
var routes = []route{
	{method: http.MethodGet, target: targetService, params: []string{"tagging"}, op: "ListBuckets", perm: permAuthenticated, handle: (*server).listBuckets, only: "oss"}, // filtered by tags
	{method: http.MethodGet, target: targetService, op: "ListBuckets", perm: permAuthenticated, handle: (*server).listBuckets},
	{method: http.MethodPut, target: targetBucket, params: []string{"style", "styleName"}, op: "PutStyle", perm: permOwner, handle: (*server).putStyle, only: "oss"},
	{method: http.MethodGet, target: targetBucket, params: []string{"style", "styleName"}, op: "GetStyle", perm: permOwner, handle: (*server).getStyle, only: "oss"},
	{method: http.MethodGet, target: targetBucket, params: []string{"style"}, op: "ListStyle", perm: permOwner, handle: (*server).listStyle, only: "oss"},
	{method: http.MethodDelete, target: targetBucket, params: []string{"style", "styleName"}, op: "DeleteStyle", perm: permOwner, handle: (*server).deleteStyle, only: "oss"},
	{method: http.MethodPost, target: targetBucket, params: []string{"metaQuery", "comp=add"}, op: "OpenMetaQuery", perm: permOwner, handle: (*server).openMetaQuery, only: "oss"},
	{method: http.MethodPost, target: targetBucket, params: []string{"metaQuery", "comp=query"}, op: "DoMetaQuery", perm: permOwner, handle: (*server).doMetaQuery, only: "oss"},
	{method: http.MethodPost, target: targetBucket, params: []string{"metaQuery", "comp=delete"}, op: "CloseMetaQuery", perm: permOwner, handle: (*server).closeMetaQuery, only: "oss"},
	{method: http.MethodGet, target: targetBucket, params: []string{"metaQuery"}, op: "GetMetaQueryStatus", perm: permOwner, handle: (*server).getMetaQueryStatus, only: "oss"},
	{method: http.MethodPost, target: targetBucket, params: []string{"metaQuery", "action"}, op: "DoMetaQueryAction", perm: permOwner, handle: (*server).doMetaQueryAction, only: "oss"},
	{method: http.MethodGet, target: targetService, params: []string{"regions"}, op: "DescribeRegions", perm: permAuthenticated, handle: (*server).describeRegions, only: "oss", unsignedOK: true},
	{method: http.MethodPut, target: targetService, params: []string{"publicAccessBlock"}, op: "PutAccountPublicAccessBlock", perm: permAuthenticated, handle: (*server).putAccountPublicAccessBlock, only: "oss"},
	{method: http.MethodGet, target: targetService, params: []string{"publicAccessBlock"}, op: "GetAccountPublicAccessBlock", perm: permAuthenticated, handle: (*server).getAccountPublicAccessBlock, only: "oss"},
	{method: http.MethodDelete, target: targetService, params: []string{"publicAccessBlock"}, op: "DeleteAccountPublicAccessBlock", perm: permAuthenticated, handle: (*server).deleteAccountPublicAccessBlock, only: "oss"},

	{method: http.MethodPut, target: targetBucket, params: []string{"acl"}, op: "PutBucketAcl", perm: permBucketWriteACP, handle: (*server).putBucketACL, keyFirst: true},
	{method: http.MethodPut, target: targetBucket, op: "CreateBucket", perm: permAuthenticated, handle: (*server).createBucket},
	{method: http.MethodHead, target: targetBucket, op: "HeadBucket", perm: permBucketRead, handle: (*server).headBucket},
	{method: http.MethodGet, target: targetBucket, params: []string{"list-type=2"}, op: "ListObjectsV2", perm: permBucketRead, handle: (*server).listObjectsV2},
	{method: http.MethodGet, target: targetBucket, params: []string{"uploads"}, op: "ListMultipartUploads", perm: permBucketRead, handle: (*server).listMultipartUploads},
	{method: http.MethodGet, target: targetBucket, params: []string{"acl"}, op: "GetBucketAcl", perm: permBucketReadACP, handle: (*server).getBucketACL},
	{method: http.MethodGet, target: targetBucket, params: []string{"location"}, op: "GetBucketLocation", perm: permBucketRead, handle: (*server).getBucketLocation},
	{method: http.MethodGet, target: targetBucket, params: []string{"versions"}, op: "ListObjectVersions", perm: permBucketRead, handle: (*server).listObjectVersions},
	{method: http.MethodGet, target: targetBucket, params: []string{"bucketInfo"}, op: "GetBucketInfo", perm: permOwner, handle: (*server).getBucketInfo, only: "oss"},
	{method: http.MethodGet, target: targetBucket, params: []string{"stat"}, op: "GetBucketStat", perm: permOwner, handle: (*server).getBucketStat, only: "oss"},
	{method: http.MethodGet, target: targetBucket, params: []string{"meta"}, op: "GetBucketMeta", perm: permBucketReadACP, handle: (*server).getBucketMetaSina, only: "sina"},
	{method: http.MethodGet, target: targetBucket, op: "ListObjects", perm: permBucketRead, handle: (*server).listObjectsV1},
	{method: http.MethodDelete, target: targetBucket, op: "DeleteBucket", perm: permOwner, handle: (*server).deleteBucket},
	{method: http.MethodPost, target: targetBucket, params: []string{"delete"}, op: "DeleteObjects", perm: permBucketWrite, handle: (*server).deleteObjects},
	{method: http.MethodPost, target: targetBucket, op: "PostObject", perm: permBucketWrite, handle: (*server).postObject, throttled: true, auth: authForm},

	{method: http.MethodPut, target: targetObject, params: []string{"partNumber", "uploadId"}, header: "copy-source", op: "UploadPartCopy", perm: permBucketWrite, handle: (*server).uploadPartCopy, throttled: true},
	{method: http.MethodPut, target: targetObject, params: []string{"partNumber", "uploadId"}, op: "UploadPart", perm: permBucketWrite, handle: (*server).uploadPart, throttled: true},
	{method: http.MethodPut, target: targetObject, params: []string{"acl"}, op: "PutObjectAcl", perm: permObjectWriteACP, handle: (*server).putObjectACL},
	{method: http.MethodPut, target: targetObject, params: []string{"tagging"}, op: "PutObjectTagging", perm: permBucketWrite, handle: (*server).putObjectTagging},
	{method: http.MethodPut, target: targetObject, params: []string{"symlink"}, op: "PutSymlink", perm: permBucketWrite, handle: (*server).putSymlink, only: "oss"},
	{method: http.MethodPut, target: targetObject, params: []string{"relax"}, op: "PutObjectRelax", perm: permBucketWrite, handle: (*server).putObjectRelax, only: "sina"},
	{method: http.MethodPut, target: targetObject, params: []string{"meta"}, op: "PutObjectMeta", perm: permBucketWrite, handle: (*server).putObjectMetaSina, only: "sina"},
	{method: http.MethodPut, target: targetObject, header: "copy-source", op: "CopyObject", perm: permBucketWrite, handle: (*server).copyObject, throttled: true},
	{method: http.MethodPut, target: targetObject, op: "PutObject", perm: permBucketWrite, handle: (*server).putObject, throttled: true},
	{method: http.MethodGet, target: targetObject, params: []string{"uploadId"}, op: "ListParts", perm: permBucketWrite, handle: (*server).listParts},
	{method: http.MethodGet, target: targetObject, params: []string{"acl"}, op: "GetObjectAcl", perm: permObjectReadACP, handle: (*server).getObjectACL},
	{method: http.MethodGet, target: targetObject, params: []string{"tagging"}, op: "GetObjectTagging", perm: permObjectRead, handle: (*server).getObjectTagging},
	{method: http.MethodGet, target: targetObject, params: []string{"symlink"}, op: "GetSymlink", perm: permObjectRead, handle: (*server).getSymlink, only: "oss"},
	{method: http.MethodGet, target: targetObject, params: []string{"meta"}, op: "GetObjectMetadata", perm: permObjectRead, handle: (*server).getObjectMetaSina, only: "sina"},
	// oss2 (the Python SDK) sends GetObjectMeta as GET: its get_object_meta
	// and object_exists read a 404's document to tell NoSuchKey from
	// NoSuchBucket, which a HEAD has no body to carry.
	{method: http.MethodGet, target: targetObject, params: []string{"objectMeta"}, op: "GetObjectMeta", perm: permObjectRead, handle: (*server).getObjectMeta, only: "oss"},
	{method: http.MethodGet, target: targetObject, op: "GetObject", perm: permObjectRead, handle: (*server).getObject, throttled: true},
	{method: http.MethodHead, target: targetObject, params: []string{"objectMeta"}, op: "GetObjectMeta", perm: permObjectRead, handle: (*server).getObjectMeta, only: "oss"},
	{method: http.MethodHead, target: targetObject, op: "HeadObject", perm: permObjectRead, handle: (*server).headObject},
	{method: http.MethodDelete, target: targetObject, params: []string{"uploadId"}, op: "AbortMultipartUpload", perm: permBucketWrite, handle: (*server).abortMultipartUpload},
	{method: http.MethodDelete, target: targetObject, params: []string{"tagging"}, op: "DeleteObjectTagging", perm: permBucketWrite, handle: (*server).deleteObjectTagging},
	{method: http.MethodDelete, target: targetObject, op: "DeleteObject", perm: permBucketWrite, handle: (*server).deleteObject},
	{method: http.MethodPost, target: targetObject, params: []string{"select", "select-type=2"}, op: "SelectObjectContent", perm: permObjectRead, handle: (*server).selectObjectContent, only: "s3"},
	{method: http.MethodPost, target: targetObject, params: []string{"uploads"}, op: "CreateMultipartUpload", perm: permBucketWrite, handle: (*server).createMultipartUpload},
	{method: http.MethodPost, target: targetObject, params: []string{"multipart"}, op: "CreateMultipartUpload", perm: permBucketWrite, handle: (*server).createMultipartUpload, only: "sina"},
	{method: http.MethodPost, target: targetObject, params: []string{"uploadId"}, op: "CompleteMultipartUpload", perm: permBucketWrite, handle: (*server).completeMultipartUpload},
	{method: http.MethodPost, target: targetObject, params: []string{"x-oss-process=csv/meta"}, op: "CreateSelectObjectMeta", perm: permBucketWrite, handle: (*server).createSelectMetaOSS, only: "oss"},
	{method: http.MethodPost, target: targetObject, params: []string{"x-oss-process=json/meta"}, op: "CreateSelectObjectMeta", perm: permBucketWrite, handle: (*server).createSelectMetaOSS, only: "oss"},
	{method: http.MethodPost, target: targetObject, params: []string{"x-oss-process="}, op: "ProcessObject", perm: permObjectRead, handle: (*server).processObject, only: "oss"},
	{method: http.MethodPost, target: targetObject, params: []string{"x-oss-process"}, op: "SelectObject", perm: permObjectRead, handle: (*server).selectObjectOSS, only: "oss"},
	{method: http.MethodGet, target: targetObject, params: []string{"x-oss-process"}, op: "GetObjectWithProcess", perm: permObjectRead, handle: (*server).getObjectWithProcess, only: "oss"},
	{method: http.MethodPost, target: targetObject, params: []string{"append"}, op: "AppendObject", perm: permBucketWrite, handle: (*server).appendObject, throttled: true, only: "oss"},
	{method: http.MethodPost, target: targetObject, params: []string{"seal"}, op: "SealAppendObject", perm: permBucketWrite, handle: (*server).sealAppendObject, only: "oss"},
	{method: http.MethodPost, target: targetObject, params: []string{"restore"}, op: "RestoreObject", perm: permBucketWrite, handle: (*server).restoreObject, only: "oss"},
	// S3 grants s3:RestoreObject to the bucket owner, who may grant it by
	// policy; no ACL gives it.
	{method: http.MethodPost, target: targetObject, params: []string{"restore"}, op: "RestoreObject", perm: permOwner, handle: (*server).restoreObjectS3, only: "s3"},
	{method: http.MethodPost, target: targetObject, params: []string{"cleanRestoredObject"}, op: "CleanRestoredObject", perm: permBucketWrite, handle: (*server).cleanRestoredObject, only: "oss"},
	{method: http.MethodGet, target: targetObject, params: []string{"attributes"}, op: "GetObjectAttributes", perm: permObjectRead, handle: (*server).getObjectAttributes, only: "s3"},
	{method: http.MethodPost, target: targetBucket, params: []string{"worm"}, op: "InitiateBucketWorm", perm: permOwner, handle: (*server).initiateBucketWorm, only: "oss"},
	{method: http.MethodDelete, target: targetBucket, params: []string{"worm"}, op: "AbortBucketWorm", perm: permOwner, handle: (*server).abortBucketWorm, only: "oss"},
	{method: http.MethodGet, target: targetBucket, params: []string{"worm"}, op: "GetBucketWorm", perm: permOwner, handle: (*server).getBucketWorm, only: "oss"},
	{method: http.MethodPost, target: targetBucket, params: []string{"wormExtend", "wormId"}, op: "ExtendBucketWorm", perm: permOwner, handle: (*server).extendBucketWorm, only: "oss"},
	{method: http.MethodPost, target: targetBucket, params: []string{"wormId"}, op: "CompleteBucketWorm", perm: permOwner, handle: (*server).completeBucketWorm, only: "oss"},

	// LiveChannel (spec/oss livechannel.md), where the dialect knows live and vod.
	{method: http.MethodGet, target: targetBucket, params: []string{"live"}, op: "ListLiveChannel", perm: permBucketRead, handle: (*server).listLiveChannel, known: "live"},
	{method: http.MethodPut, target: targetObject, params: []string{"live", "status"}, op: "PutLiveChannelStatus", perm: permBucketWrite, handle: (*server).putLiveChannelStatus, known: "live"},
	{method: http.MethodPut, target: targetObject, params: []string{"live"}, op: "PutLiveChannel", perm: permBucketWrite, handle: (*server).putLiveChannel, known: "live"},
	{method: http.MethodGet, target: targetObject, params: []string{"live", "comp=stat"}, op: "GetLiveChannelStat", perm: permBucketRead, handle: (*server).getLiveChannelStat, known: "live"},
	{method: http.MethodGet, target: targetObject, params: []string{"live", "comp=history"}, op: "GetLiveChannelHistory", perm: permBucketRead, handle: (*server).getLiveChannelHistory, known: "live"},
	{method: http.MethodGet, target: targetObject, params: []string{"live"}, op: "GetLiveChannelInfo", perm: permBucketRead, handle: (*server).getLiveChannelInfo, known: "live"},
	{method: http.MethodDelete, target: targetObject, params: []string{"live"}, op: "DeleteLiveChannel", perm: permBucketWrite, handle: (*server).deleteLiveChannel, known: "live"},
	{method: http.MethodGet, target: targetObject, params: []string{"vod"}, op: "GetVodPlaylist", perm: permBucketRead, handle: (*server).getVodPlaylist, known: "vod"},
	{method: http.MethodPost, target: targetObject, params: []string{"vod"}, op: "PostVodPlaylist", perm: permBucketWrite, handle: (*server).postVodPlaylist, known: "vod"},
}

// subresourceNames holds, in lower case, every sub-resource any dialect
// knows. A query naming one of them selects an operation: a route serves
// it only if the route names it, so a request is never served by an
// operation that would ignore what it asked for (PUT ?retention is not a
// PutObject).
var subresourceNames = map[string]bool{}

func init() {
	for _, d := range dialects {
		for n := range d.subresources {
			subresourceNames[strings.ToLower(n)] = true
		}
	}
}

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
		if rt.target != t || !rt.servedBy(d) {
			continue
		}
		if rt.auth == authPreflight {
			if r.Method == http.MethodOptions { // a preflight may name any sub-resource
				return rt, nil
			}
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
		if rt.header != "" && headerValue(r.Header, d.headerKey(rt.header)) == "" {
			continue
		}
		if rt.accepts(q) {
			if d == s3 && rt.header != "copy-source" && headerValue(r.Header, "X-Amz-Copy-Source") != "" {
				// S3 takes a copy source only where it copies.
				return nil, errorf("InvalidArgument", "You can only specify a copy source header for copy requests.").
					with("ArgumentName", "x-amz-copy-source").with("ArgumentValue", headerValue(r.Header, "X-Amz-Copy-Source"))
			}
			return rt, nil
		}
	}
	if t == targetObject && r.Method == http.MethodGet && d == s3 {
		// Bucket listings asked of a key: S3 says what is wrong.
		switch {
		case q.Has("uploads"):
			return nil, errorf("InvalidRequest", "Key is not expected for the GET method ?uploads subresource")
		case q.Has("versions"):
			return nil, errorf("InvalidRequest", "There is no such thing as the ?versions sub-resource for a key")
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

// namedSubresources lists, sorted and comma-separated, the sub-resources
// a query names.
func namedSubresources(q url.Values) string {
	var named []string
	for name := range q {
		if subresourceNames[strings.ToLower(name)] {
			named = append(named, name)
		}
	}
	slices.Sort(named)
	return strings.Join(named, ",")
}

// servedBy reports whether the row serves requests of dialect d: only
// names the dialect, known is one of its sub-resources.
func (rt *route) servedBy(d *dialect) bool {
	return (rt.only == "" || rt.only == d.name) && (rt.known == "" || d.subresources[rt.known])
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
