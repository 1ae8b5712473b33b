package httpapi

import (
	"encoding/xml"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/osslite/osslite/pkg/ossauth"
)

// oss is the Aliyun OSS dialect (spec/oss): x-oss- headers, documents
// without a namespace, upper-case ETags, x-oss-request-id, the request
// host as HostId, errors with an <EC> element (and x-oss-err on HEAD), OSS
// signatures v1 and v4, CRC64-ECMA on every body.
var oss = &dialect{
	showsOSSUID:     true,
	name:            "oss",
	mark:            engine.DialectOSS,
	respell:         etagRespell,
	prefix:          "x-oss-",
	requestIDHeader: "X-Oss-Request-Id",
	requestIDBytes:  12,
	serverName:      "AliyunOSS",
	// Every OSS answer carries x-oss-server-time (Aliyun's API reference
	// examples; aliyun-oss-csharp-sdk's ObjectCallbackTest asserts it on
	// PutObject, GetObject and the multipart answers).
	serverTimeHeader: "X-Oss-Server-Time",
	upperETag:        true,

	detect:       detectOSS,
	authenticate: (*server).authenticateOSS,
	hmacSHA1:     hmacScheme{SchemeOSSV1, signedOSSV1, errOSSV1Refused},

	maxKeyLength:       1023,
	maxUserMetadata:    8 << 10,
	minPartSize:        100 << 10,
	maxListKeys:        1000,
	objectTags:         ossObjectTags,
	bucketTags:         ossBucketTags,
	bucketName:         func(name string) error { return dnsLabelName(name, false) },
	defaultContentType: "application/octet-stream",

	storageClasses: setOf("Standard", "IA", "Archive", "ColdArchive", "DeepColdArchive"),
	badStorageClass: func(d *dialect, sc string) *Error {
		return errorf("InvalidArgument", "Invalid storage class %s.", sc).with("ArgumentName", d.h("storage-class")).with("ArgumentValue", sc)
	},
	storageClassName:       ossStorageClass,
	objectsTakeBucketClass: true,
	acl:                    ossACL,
	sse:                    ossSSE,

	errors: errorDialect{document: xmlErrorDocument(true), ecHeader: "x-oss-ec", headDocumentHeader: "x-oss-err",
		column: func(r *codeRow) *dialectCode { return &r.oss }},

	behave: behaviour{
		reportCRC64:               true,
		putReturnsContentMD5:      true,
		deleteTagsByKey:           true,
		partReturnsContentMD5:     true,
		checksCSEPartSizes:        true,
		sequentialUploads:         true,
		wholeObjectOnBadRange:     true,
		gzipText:                  true,
		lenientCopySourceRange:    true,
		archiveRefusesPartCopy:    true,
		copyOntoSelfReplaces:      true,
		copyNotModified304:        true,
		directivesAnyCase:         true,
		encodingTypeOnWrites:      true,
		quietDeleteEmptyBody:      true,
		completeAllHeader:         true,
		completeEmptyCreatesEmpty: true,
		aclOnComplete:             true,
		strictMaxParts:            true,
		recreateOwnBucketOK:       true,
		nullVersionOnWrite:        true,
		missingBucketTagsEmpty:    true,
		putBucketTaggingStatus:    http.StatusOK,
		forbidOverwriteHeader:     true,
		accessTracking:            true,
		objectTypeInListing:       true,
		transitionTime:            true,
		bucketBeforeAuth:          true,
		uploadMarkersLastPage:     true,
		uploadCallbacks:           true,
		// OSS answers ListBucketInventory of a bucket without inventories
		// 404 NoSuchInventory and DeleteBucketInventory of a missing one
		// 204 (the v1 SDK's TestBucketInventoryNegative, written against
		// the service, expects both; users report the 404 too).
		emptyInventoryListMissing: true,
		deleteMissingInventoryOK:  true,
		responseHeaderRules:       true,
		// OSS answers the ETag of UploadPartCopy's part and of
		// CompleteMultipartUpload's object in the ETag header as well as
		// in the document: ali-oss (multipartUploadCopy, completeMultipartUpload)
		// and oss2 (upload_part_copy, complete_multipart_upload: PutObjectResult)
		// read it from the header only, and their suites run against the service.
		partCopyETagHeader: true,
		completeETagHeader: true,
		// CopyObject's too (oss2's tests/test_mock_object.py test_copy_object
		// records it; oss2's copy_object and update_object_meta return
		// PutObjectResult, whose etag is the header's).
		copyETagHeader: true,
		// An object's name may not start with '/' or '\': Aliyun's page for
		// EC 0016-00000005 (its example is PutObject of //test.txt), and
		// oss2's tests/test_object.py test_invalid_object_name.
		noLeadingSlashNames: true,
		// aliyun-oss-php-sdk's testObjectKeyWithNonUTF8Name (run
		// against OSS): a GBK-encoded key is 400 InvalidArgument.
		nonUTF8PathArgument: true,
		// versionId= names no version: oss2's tests/test_object_versioning.py
		// expects an error from GetObjectMeta, HeadObject, Get/PutObjectAcl
		// and CopyObject (x-oss-copy-source ...?versionId=) given one.
		emptyVersionIDInvalid: true,
		// The upload's encryption was chosen when it began: oss2's
		// tests/test_server_side_encryotion.py test_multipart_upload
		// expects InvalidArgument from a Complete that names one, as from
		// an UploadPart.
		completeRefusesSSE: true,
	},

	listBuckets:   (*server).listBucketsOSS,
	listLimits:    ossListLimits,
	location:      func(region, _ string) string { return ossLocation(region) },
	createBucket:  ossCreateBucket,
	objectHeaders: ossObjectHeaders,
	lifecycleDoc:  ossLifecycleDoc,
	lifecycleCheck: func(rc *request, lc *bucketconfig.Lifecycle) error {
		if err := ossLifecycleTimeKinds(lc); err != nil {
			return err
		}
		return lc.CheckOSSOverlaps(strings.EqualFold(rc.r.Header.Get("x-oss-allow-same-action-overlap"), "true"))
	},
	copySource:    parseOSSCopySource,
	multipartETag: engine.ETagMD5OfHexDigests,

	// Request and document encodings, limits and IDs.
	maxPartNumber:  MaxParts,
	userID:         func(id string) string { return id },
	decodeComplete: xmlComplete,
	encode:         xmlEncode,

	// The OSS sub-resources: the v1 SDK's signing list and what the
	// current SDKs send (spec/oss, clients.md), in the spellings used.
	subresources: setOf(
		"accessMonitor", "accessmonitor", "acl", "append", "archiveDirectRead", "asyncFetch",
		"accessPoint", "accessPointConfigForObjectProcess", "accessPointForObjectProcess",
		"accessPointPolicy", "accessPointPolicyForObjectProcess", "agenticBucket",
		"bucketArchiveDirectRead", "bucketInfo", "cloudboxes", "metadataConfiguration",
		"metadataInventoryTable", "metadataJournalTable", "quota", "regionList",
		"userDefinedLogFieldsConfig", "cleanRestoredObject", "cname", "comp", "cors",
		"dataredundancytransition", "delete", "encryption", "httpsConfig", "img", "inventory",
		"legalHold", "lifecycle", "live", "location", "logging", "metaQuery", "objectMeta",
		"objectWorm", "overwriteConfig", "policy", "policyStatus", "processConfiguration", "publicAccessBlock", "qos",
		"qosInfo", "redundancyTransition", "referer", "regions", "replication",
		"replicationLocation", "replicationProgress", "requestPayment", "requesterQosInfo",
		"resourceGroup", "resourcePool", "resourcePoolBucketGroup", "resourcePoolBucketGroupQoSInfo",
		"resourcePoolBuckets", "resourcePoolInfo",
		"responseHeader", "restore", "retention", "rtc", "seal", "stat", "style", "symlink",
		"tagging", "transferAcceleration", "udf", "uploadId", "uploads", "versioning", "versions",
		"vod", "website", "worm", "wormExtend", "wormId", "x-oss-async-process", "x-oss-process",
	),
	post:    ossPost,
	traffic: ossTraffic,
}

// detectOSS recognises OSS authorization (OSS, OSS2 and OSS4-HMAC-SHA256
// schemes; OSSAccessKeyId, x-oss-signature-version and x-oss-credential
// URLs), x-oss-* headers and OSS hosts (*.aliyuncs.com, OSSDomains, bound
// custom domains).
func detectOSS(s *server, r *http.Request) confidence {
	if a := headerValue(r.Header, "Authorization"); a != "" {
		if strings.HasPrefix(a, "OSS ") || strings.HasPrefix(a, ossauth.AlgorithmV2+" ") || strings.HasPrefix(a, ossauth.AlgorithmV4+" ") {
			return byAuthHeader
		}
		return notThis
	}
	if q := r.URL.RawQuery; q != "" && (strings.Contains(q, "OSSAccessKeyId=") || strings.Contains(q, "x-oss-signature-version=") || strings.Contains(q, "x-oss-credential=")) {
		return byQuery
	}
	if q := r.URL.RawQuery; strings.HasPrefix(q, "x-oss-process") || strings.Contains(q, "&x-oss-process") {
		// An anonymous image URL (<img src=".../cat.jpg?x-oss-process=...">).
		return byQuery
	}
	for k := range r.Header {
		if len(k) > 6 && strings.EqualFold(k[:6], "x-oss-") {
			return byHeader
		}
	}
	if host := hostOf(r); s.ossHost(host) {
		return byHost
	} else if _, ok := s.cnameBucket(r.Context(), host); ok {
		// A custom domain bound to a bucket (PutCname) is one of the
		// bucket's OSS endpoints: an anonymous browser GET on it is
		// answered as OSS answers it (the website on the REST endpoint,
		// ${key} in routing rules), not as S3's REST API.
		return byHost
	}
	return notThis
}

// hostOf returns the lower-case host name of r, without port or final dot.
func hostOf(r *http.Request) string {
	host := strings.ToLower(r.Host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.TrimSuffix(host, ".")
}

// ossHost reports whether host is an OSS endpoint or a bucket under one.
func (s *server) ossHost(host string) bool {
	if host == "aliyuncs.com" || strings.HasSuffix(host, ".aliyuncs.com") {
		return true
	}
	for _, d := range s.cfg.OSSDomains {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// ossDomain reports whether a configured base domain names an OSS
// endpoint: oss.<...>, oss-<region>.<...> or anything under aliyuncs.com.
func ossDomain(d string) bool {
	first, _, _ := strings.Cut(d, ".")
	return first == "oss" || strings.HasPrefix(first, "oss-") || d == "aliyuncs.com" || strings.HasSuffix(d, ".aliyuncs.com")
}

// aliyunBucket splits an aliyuncs.com host that is not a configured
// domain: "<bucket>.oss-<region>.aliyuncs.com" addresses a bucket, while
// "oss-<region>.aliyuncs.com" is the service endpoint.
func aliyunBucket(host string) (string, bool) {
	rest, ok := strings.CutSuffix(host, ".aliyuncs.com")
	if !ok {
		return "", false
	}
	first, endpoint, found := strings.Cut(rest, ".")
	if !found || first == "oss" || strings.HasPrefix(first, "oss-") || endpoint == "" {
		return "", false
	}
	return first, true
}

// authenticateOSS verifies the OSS signature of rc (v1, v2 or v4, header
// or URL; pkg/ossauth) against the engine clock and says who sent it. The
// v1 and v2 signatures cover only the sub-resources in OSS's signing list,
// so a request naming a sub-resource outside it is refused (unless its
// route says it may, route.unsignedOK): otherwise a parameter appended to
// a captured URL could change the operation.
func (s *server) authenticateOSS(rc *request) (credentials, error) {
	r := rc.r
	res := ossauth.Resource{Bucket: rc.addressedBucket(), Key: rc.op.Key}
	a, err := ossauth.AuthenticateSkew(r, res, s.clock.Now(), s.secret, s.cfg.MaxSkew)
	switch {
	case err == nil && a.Scheme != ossauth.SchemeAnonymous:
		switch a.Scheme {
		case ossauth.SchemeV1Header, ossauth.SchemeV1Query, ossauth.SchemeV2Header, ossauth.SchemeV2Query:
			for name := range rc.q {
				if subresourceNames[strings.ToLower(name)] && !ossauth.IsSubResource(name) && !rc.route.unsignedOK {
					return credentials{}, errorf("AccessDenied", "The sub-resource %s is not covered by the signature.", name)
				}
			}
		}
		who, err := s.identify(a.AccessKeyID, a.SecurityToken)
		if err != nil {
			return credentials{}, err
		}
		c := credentials{who: who}
		if len(a.PayloadHash) == 64 { // a v4 request that signed its payload
			c.payloadHash = a.PayloadHash
		}
		return c, nil
	case s.cfg.Permissive:
		ak := ""
		if a != nil {
			ak = a.AccessKeyID
		}
		return s.permissive(ak), nil
	case err == nil:
		return credentials{who: principal{anonymous: true}}, nil
	}
	return credentials{}, err
}

// ossBucketACLs are OSS's canned ACLs (auth.md 8). Objects also accept
// "default": follow the bucket.
var ossBucketACLs = map[string]bool{"private": true, "public-read": true, "public-read-write": true}

// ossACLName renders an engine ACL as an OSS grant: the canned name when it
// is an OSS one, else what explicit grants amount to. Objects without an
// ACL of their own are "default" (bucket "private").
func ossACLName(acl engine.ACL, object bool) string {
	if acl.Canned == "default" || acl.Canned == "" && len(acl.Grants) == 0 {
		if object {
			return "default"
		}
		return "private"
	}
	if len(acl.Grants) == 0 {
		if ossBucketACLs[acl.Canned] {
			return acl.Canned
		}
		return "private"
	}
	read, write := false, false
	for _, g := range acl.Grants {
		if g.GranteeType == "Group" && g.URI == groupAllUsers {
			switch g.Permission {
			case permRead:
				read = true
			case permWrite:
				write = true
			case permFullControl:
				read, write = true, true
			}
		}
	}
	switch {
	case read && write:
		return "public-read-write"
	case read:
		return "public-read"
	}
	return "private"
}

// ossStorageClass renders a stored class for OSS ("" is Standard).
func ossStorageClass(c string) string {
	switch c {
	case "", "STANDARD":
		return "Standard"
	}
	return c
}

// ossLocation renders a region as an OSS location ("oss-" + region).
func ossLocation(region string) string {
	if strings.HasPrefix(region, "oss-") {
		return region
	}
	return "oss-" + region
}

// checkWriteConditions refuses, in dialects that take If-None-Match on
// writes only as "*" (S3), any other value, an If-Match of "*", and the
// pairing of the two: S3 answers them 501 NotImplemented rather than
// evaluate them, naming the Header and why (LocalStack's AWS-recorded
// test_put_object_if_none_match_validation, _if_match_validation and
// _if_match_and_if_none_match_validation).
func (rc *request) checkWriteConditions() error {
	if !rc.d.behave.writeConditionsStarOnly {
		return nil
	}
	inm, im := headerValue(rc.r.Header, "If-None-Match"), headerValue(rc.r.Header, "If-Match")
	refuse := func(header, why string) error {
		return errorf("NotImplemented", "A header you provided implies functionality that is not implemented").
			with("Header", header).with("additionalMessage", why)
	}
	switch {
	case inm != "" && im != "":
		return refuse("If-Match,If-None-Match", "Multiple conditional request headers present in the request")
	case inm != "" && inm != "*":
		return refuse("If-None-Match", "We don't accept the provided value of If-None-Match header for this API")
	case im == "*":
		return refuse("If-Match", "We don't accept the provided value of If-Match header for this API")
	}
	return nil
}

// ifNoneMatch is the write condition of a request: If-None-Match, or "*"
// when an OSS write must not replace an existing object (refusesOverwrite).
func (rc *request) ifNoneMatch() string {
	if rc.refusesOverwrite() {
		return "*"
	}
	return headerValue(rc.r.Header, "If-None-Match")
}

// checkForbidOverwrite refuses a write whose x-oss-forbid-overwrite is
// neither true nor false (OSS: 400 InvalidArgument), rather than take it
// for false.
func (rc *request) checkForbidOverwrite() error {
	if !rc.d.behave.forbidOverwriteHeader || rc.r.Method != http.MethodPut && rc.r.Method != http.MethodPost {
		return nil
	}
	if v := rc.header("forbid-overwrite"); v != "" && !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
		return errorf("InvalidForbidOverwrite", "")
	}
	return nil
}

// refusesOverwrite reports, in dialects that have x-oss-forbid-overwrite,
// whether the write must not replace an existing object: the header says
// true, or a rule of the bucket's overwrite protection matches
// (overwrite_oss.go). It notes the answer in rc.overwriteForbidden, so
// that the failed condition is reported as FileAlreadyExists.
func (rc *request) refusesOverwrite() bool {
	if !rc.d.behave.forbidOverwriteHeader {
		return false
	}
	if strings.EqualFold(rc.header("forbid-overwrite"), "true") || rc.s.overwriteRuleForbids(rc) {
		rc.overwriteForbidden = true
	}
	return rc.overwriteForbidden
}

// OSS ListAllMyBucketsResult (service-bucket.md 5.1): the paging
// elements appear only when the listing is truncated.
type ossListBucketsResult struct {
	XMLName     xml.Name
	Prefix      *string        `xml:"Prefix"`
	Marker      *string        `xml:"Marker"`
	MaxKeys     *int           `xml:"MaxKeys"`
	IsTruncated *bool          `xml:"IsTruncated"`
	NextMarker  *string        `xml:"NextMarker"`
	Owner       owner          `xml:"Owner"`
	Buckets     []ossBucketXML `xml:"Buckets>Bucket"`
}

type ossBucketXML struct {
	CreationDate     string `xml:"CreationDate"`
	ExtranetEndpoint string `xml:"ExtranetEndpoint"`
	IntranetEndpoint string `xml:"IntranetEndpoint"`
	Location         string `xml:"Location"`
	Name             string `xml:"Name"`
	Region           string `xml:"Region"`
	StorageClass     string `xml:"StorageClass"`
}

// ossMaxKeys parses an OSS max-keys style parameter: 1..limit, default def.
func ossMaxKeys(rc *request, name string, def, limit int) (int, error) {
	v := rc.q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > limit {
		return 0, errorf("InvalidArgument", "Argument %s must be an integer between 1 and %d.", name, limit).with("ArgumentName", name).with("ArgumentValue", v)
	}
	if n == 0 {
		n = def
	}
	return n, nil
}

// listBucketsOSS is GetService: prefix, marker and max-keys paging; each
// bucket names this server's own address as its endpoints (clients.md),
// so clients keep talking to it.
func (s *server) listBucketsOSS(rc *request, all []engine.BucketInfo) error {
	prefix, marker := rc.q.Get("prefix"), rc.q.Get("marker")
	for _, p := range [][2]string{{"prefix", prefix}, {"marker", marker}} {
		// No bucket name starts with anything else (OSS: 0017-00000290,
		// 0017-00000291; aliyun-oss-go-sdk's IsBucketExist relies on it).
		if len(p[1]) > 63 || strings.ContainsFunc(p[1], func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') }) {
			return errorf("InvalidArgument", "The %s parameter is invalid: bucket names hold lower-case letters, digits and hyphens.", p[0]).with("ArgumentName", p[0]).with("ArgumentValue", p[1])
		}
	}
	max, err := ossMaxKeys(rc, "max-keys", 100, 1000)
	if err != nil {
		return err
	}
	tagged, err := s.bucketTagFilter(rc)
	if err != nil {
		return err
	}
	res := &ossListBucketsResult{Owner: s.ownerDoc(rc.d, rc.who.id), Buckets: []ossBucketXML{}}
	for _, b := range all {
		if !s.cfg.Permissive && !owns(rc.who, b.Owner) || !strings.HasPrefix(b.Name, prefix) || b.Name <= marker {
			continue
		}
		if tagged != nil {
			if ok, err := tagged(b.Name); err != nil {
				return err
			} else if !ok {
				continue
			}
		}
		if len(res.Buckets) == max {
			truncated, next := true, res.Buckets[max-1].Name
			res.Prefix, res.Marker, res.MaxKeys, res.IsTruncated, res.NextMarker = &prefix, &marker, &max, &truncated, &next
			break
		}
		res.Buckets = append(res.Buckets, s.ossBucket(rc, b))
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "ListAllMyBucketsResult", res)
}

// ossBucket describes a bucket in OSS documents.
func (s *server) ossBucket(rc *request, b engine.BucketInfo) ossBucketXML {
	loc := ossLocation(s.regionOf(b))
	// The endpoints are the region's (oss-cn-hangzhou.aliyuncs.com), the
	// server's own host here: a request to the bucket's virtual host
	// names the endpoint without the bucket label.
	host := rc.r.Host
	if rc.vhost && len(host) > len(b.Name) && strings.EqualFold(host[:len(b.Name)+1], b.Name+".") {
		host = host[len(b.Name)+1:]
	}
	return ossBucketXML{CreationDate: xmlTime(b.Created), ExtranetEndpoint: host, IntranetEndpoint: host,
		Location: loc, Name: b.Name, Region: strings.TrimPrefix(loc, "oss-"), StorageClass: ossStorageClass(b.StorageClass)}
}

// parseOSSCopySource splits x-oss-copy-source: "/bucket/key" with the key
// query-escaped ("+" is a space), as both OSS SDKs send it.
var parseOSSCopySource = copySourceParser(url.QueryUnescape, "/sourcebucket/sourcekey")

// ossACLHeader reads x-oss-acl (buckets) or x-oss-object-acl (objects,
// which may also say "default": follow the bucket, stored as no ACL).
func (rc *request) ossACLHeader(forBucket bool) (*engine.ACL, error) {
	name := "object-acl"
	if forBucket {
		name = "acl"
	}
	v, present := rc.r.Header[http.CanonicalHeaderKey(rc.d.h(name))]
	if !present {
		return nil, nil
	}
	canned := strings.Join(v, ",")
	switch {
	case ossBucketACLs[canned]:
		return &engine.ACL{Canned: canned}, nil
	case canned == "default" && !forBucket:
		return &engine.ACL{}, nil
	}
	msg := "no such object access control exists"
	if forBucket {
		msg = "no such bucket access control exists"
	}
	return nil, errorf("InvalidArgument", "%s", msg).with("ArgumentName", rc.d.h(name)).with("ArgumentValue", canned)
}

// ossAccessControlPolicy is the OSS ACL document: one canned grant.
type ossAccessControlPolicy struct {
	XMLName xml.Name
	Owner   owner  `xml:"Owner"`
	Grant   string `xml:"AccessControlList>Grant"`
}

// ossPolicy renders an OSS AccessControlPolicy owned by ownerID.
func (s *server) ossPolicy(ownerID, grant string) *ossAccessControlPolicy {
	return &ossAccessControlPolicy{Owner: owner{ID: s.ossUID(ownerID), DisplayName: s.displayName(ownerID)}, Grant: grant}
}

// ossLifecycleTimeKinds refuses a rule whose Expiration and Transitions
// count time differently, one in Days and the other by CreatedBeforeDate:
// 400 InvalidRequest (oss2's tests/test_bucket.py
// test_lifecycle_storage_transitions_mixed, run against OSS). An
// AbortMultipartUpload may count either way (its
// test_lifecycle_abort_multipart_upload_days pairs Days with an
// Expiration by date).
func ossLifecycleTimeKinds(lc *bucketconfig.Lifecycle) error {
	for _, r := range lc.Rules {
		e := r.Expiration
		if e == nil || e.Days == 0 && e.CreatedBefore == nil {
			continue
		}
		for _, t := range r.Transitions {
			if t.Days != 0 && e.CreatedBefore != nil || t.CreatedBefore != nil && e.Days != 0 {
				return errorf("InvalidRequest", "Rule %q: Expiration and Transition must both use Days or both use CreatedBeforeDate.", r.ID)
			}
		}
	}
	return nil
}

// ossListLimits: max-keys defaults to 100 and max-uploads to 1000, both
// at most 1000 (service-bucket.md 6.7); "0" is an empty page; prefix,
// marker, key-marker and delimiter are shorter than 1024 bytes (for
// key-marker, oss2's tests/test_bucket_versioning.py
// test_list_object_versions_wrong: InvalidArgument from ListObjectVersions).
func ossListLimits(rc *request, maxName string) (int, error) {
	def := rc.d.maxListKeys
	if maxName == "max-keys" {
		def = 100
	}
	n, err := ossMaxKeys(rc, maxName, def, rc.d.maxListKeys)
	if err != nil {
		return 0, err
	}
	if rc.q.Get(maxName) == "0" {
		n = 0
	}
	for _, name := range []string{"prefix", "marker", "key-marker", "delimiter"} {
		if v := rc.q.Get(name); len(v) >= 1024 {
			return 0, errorf("InvalidArgument", "The %s must be shorter than 1024 bytes.", name).with("ArgumentName", name).with("ArgumentValue", v)
		}
	}
	return n, nil
}

// ossCreateBucket applies StorageClass and DataRedundancyType; the region
// is the endpoint's, whatever LocationConstraint says.
func ossCreateBucket(_ *server, rc *request, c *createBucketConfiguration, opts *engine.BucketOptions) ([]bucketconfig.Config, error) {
	if c.Tags != nil || c.Location != nil || c.Bucket != nil {
		// S3's elements: not in OSS's CreateBucketConfiguration (osslite
		// reads the services' documents into one type). A
		// LocationConstraint, which OSS's PutBucket takes, is held to
		// the server's region below.
		return nil, errorf("MalformedXML", "")
	}
	if c.StorageClass != "" && !rc.d.storageClasses[c.StorageClass] {
		return nil, errorf("InvalidArgument", "Invalid storage class %s.", c.StorageClass).with("ArgumentName", "StorageClass").with("ArgumentValue", c.StorageClass)
	}
	if c.StorageClass != "Standard" {
		opts.StorageClass = c.StorageClass
	}
	if t := c.DataRedundancyType; t != "" && t != "LRS" && t != "ZRS" {
		return nil, errorf("InvalidArgument", "Invalid data redundancy type %s.", t).with("ArgumentName", "DataRedundancyType").with("ArgumentValue", t)
	}
	opts.Redundancy = c.DataRedundancyType
	// OSS takes the region from the endpoint; a LocationConstraint
	// naming another region, or none OSS knows, is refused, also when
	// the owner's bucket exists already (aliyun-oss-java-sdk's
	// CreateBucketTest: testPutWithUnsupportedLocation,
	// testPutWithInconsistentLocation, testModifyExistingBucketLocation).
	if lc := c.LocationConstraint; lc != "" && lc != ossLocation(opts.Region) && lc != opts.Region {
		return nil, errorf("InvalidLocationConstraint", "")
	}
	if rc.header("agentic-bucket") != "" {
		return nil, errorf("NotImplemented", "Agentic buckets (x-oss-agentic-bucket) are not implemented.")
	}
	var initial []bucketconfig.Config
	if id := rc.header("resource-group-id"); id != "" {
		// The bucket's resource group, as PutBucketResourceGroup sets it.
		g := &bucketconfig.ResourceGroup{ID: id}
		if g.Validate() != nil {
			return nil, errorf("ResourceGroupIdPreCheckError", "")
		}
		initial = append(initial, g)
	}
	enc, err := ossCreateEncryption(rc)
	if err != nil {
		return nil, err
	}
	if enc != nil {
		initial = append(initial, enc)
	}
	return initial, nil
}

// ossCreateEncryption reads the default encryption an OSS PutBucket
// names in x-oss-server-side-encryption (AES256, KMS or SM4), with
// x-oss-server-side-data-encryption (SM4) and
// x-oss-server-side-encryption-key-id for KMS: nil when it names none.
func ossCreateEncryption(rc *request) (*bucketconfig.Encryption, error) {
	alg := rc.header("server-side-encryption")
	data, keyID := rc.header("server-side-data-encryption"), rc.header("server-side-encryption-key-id")
	switch {
	case alg == "" && data == "" && keyID == "":
		return nil, nil
	case alg == "":
		return nil, errorf("InvalidArgument", "x-oss-server-side-data-encryption and x-oss-server-side-encryption-key-id need x-oss-server-side-encryption: KMS.")
	case alg != "AES256" && alg != "KMS" && alg != "SM4":
		return nil, errorf("InvalidArgument", "The server-side encryption algorithm %q is not supported.", alg).with("ArgumentName", rc.d.h("server-side-encryption"))
	case alg != "KMS" && (data != "" || keyID != ""):
		return nil, errorf("InvalidArgument", "x-oss-server-side-data-encryption and x-oss-server-side-encryption-key-id go only with KMS.")
	case data != "" && data != "SM4":
		return nil, errorf("InvalidArgument", "The server-side data encryption %q is not supported.", data).with("ArgumentName", rc.d.h("server-side-data-encryption"))
	}
	return &bucketconfig.Encryption{Algorithm: alg, KeyID: keyID, DataEncryption: data}, nil
}

// ossObjectHeaders adds the object type, storage class, CRC64, Content-MD5,
// the next append position and the restore state.
func ossObjectHeaders(rc *request, info engine.ObjectInfo) {
	h := rc.w.Header()
	h.Set(rc.d.h("object-type"), info.Type.String())
	h.Set(rc.d.h("storage-class"), ossStorageClass(info.StorageClass))
	if v := contentMD5Of(info); v != "" {
		h.Set("Content-MD5", v)
	}
	if info.Type == engine.ObjectAppendable {
		h.Set(rc.d.h("next-append-position"), strconv.FormatInt(info.Size, 10))
	}
	if r := info.Restore; r != nil {
		h.Set(rc.d.h("restore"), restoreHeader(r))
	}
	if coldArchived(info) {
		h.Set(rc.d.h("transition-time"), info.TransitionTime.UTC().Format(http.TimeFormat))
	}
}

// coldArchived reports whether a lifecycle rule moved o to a cold archive
// class (ColdArchive, DeepColdArchive): OSS shows when (TransitionTime).
func coldArchived(o engine.ObjectInfo) bool {
	return !o.TransitionTime.IsZero() && (o.StorageClass == "ColdArchive" || o.StorageClass == "DeepColdArchive")
}

// transitionTimeOf is the TransitionTime a listing shows for o, "" for
// none.
func transitionTimeOf(d *dialect, o *engine.ObjectInfo) string {
	if !d.behave.transitionTime || !coldArchived(*o) {
		return ""
	}
	return xmlTime(o.TransitionTime)
}

// ossACL is the OSS ACL model: one canned grant per resource, set by
// header (x-oss-acl, x-oss-object-acl); objects without their own follow
// the bucket.
var ossACL = aclModel{
	fromHeaders: (*request).ossACLHeader,
	fromRequest: func(rc *request, forBucket bool, _ int64) (*engine.ACL, error) {
		acl, err := rc.ossACLHeader(forBucket)
		if err == nil && acl == nil && !forBucket {
			return nil, errorf("InvalidArgument", "The x-oss-object-acl header is required.").with("ArgumentName", rc.d.h("object-acl"))
		}
		return acl, err // a bucket without x-oss-acl: no effect (service-bucket.md 6.1)
	},
	bucketDoc: func(s *server, b engine.BucketInfo) any {
		return s.ossPolicy(b.Owner, ossACLName(b.ACL, false))
	},
	objectDoc: func(s *server, info engine.ObjectInfo, b engine.BucketInfo) any {
		return s.ossPolicy(b.Owner, ossACLName(info.ACL, true))
	},
	objectDefaultFollowsBucket: true,
	objectHeader:               "object-acl",
}
