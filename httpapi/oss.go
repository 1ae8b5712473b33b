package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/http"
	"strings"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/ossauth"
)

// This file holds what only the OSS dialect needs: recognising it,
// authenticating it, and the small OSS vocabularies (ACL names, storage
// classes, locations). The operations themselves are the shared handlers.

// ossUnimplemented lists the OSS sub-resources osslite does not serve: a
// request naming one gets 501 NotImplemented whatever its method.
var ossUnimplemented = map[string]bool{
	"cors": true, "logging": true, "website": true, "referer": true, "lifecycle": true, "live": true,
	"vod": true, "x-oss-process": true, "policy": true, "encryption": true, "versioning": true,
	"worm": true, "wormId": true, "wormExtend": true, "replication": true, "replicationProgress": true,
	"replicationLocation": true, "inventory": true, "qos": true, "qosInfo": true, "stat": true,
	"cname": true, "requestPayment": true, "transferAcceleration": true, "asyncFetch": true,
	"metaQuery": true, "resourceGroup": true, "publicAccessBlock": true, "accessMonitor": true,
	"style": true, "udf": true, "regions": true, "cleanRestoredObject": true, "rtc": true,
	"httpsConfig": true, "policyStatus": true, "archiveDirectRead": true, "overwriteConfig": true,
	"responseHeader": true, "dataredundancytransition": true, "x-oss-async-process": true,
	"objectWorm": true, "redundancyTransition": true,
}

// dialectOf picks the dialect of a request: OSS when its Authorization
// scheme is OSS, OSS2 or OSS4-HMAC-SHA256, when its URL is OSS-signed
// (OSSAccessKeyId, x-oss-signature-version), when it carries an x-oss-*
// header, or when its host is an OSS endpoint (*.aliyuncs.com or a
// configured OSS domain); S3 otherwise.
func (s *server) dialectOf(r *http.Request) *dialect {
	if a := r.Header.Get("Authorization"); a != "" {
		if strings.HasPrefix(a, "OSS ") || strings.HasPrefix(a, ossauth.AlgorithmV2+" ") || strings.HasPrefix(a, ossauth.AlgorithmV4+" ") {
			return oss
		}
		return s3
	}
	if q := r.URL.RawQuery; q != "" {
		if strings.Contains(q, "OSSAccessKeyId=") || strings.Contains(q, "x-oss-signature-version=") || strings.Contains(q, "x-oss-credential=") {
			return oss
		}
		if strings.Contains(q, "X-Amz-") || strings.Contains(q, "AWSAccessKeyId=") {
			return s3
		}
	}
	ossHeader, amzHeader := false, false
	for k := range r.Header {
		if len(k) > 6 {
			ossHeader = ossHeader || strings.EqualFold(k[:6], "x-oss-")
			amzHeader = amzHeader || strings.EqualFold(k[:6], "x-amz-")
		}
	}
	switch {
	case ossHeader && !amzHeader:
		return oss
	case amzHeader:
		return s3
	}
	if s.isOSSHost(hostOf(r)) {
		return oss
	}
	return s3
}

// hostOf returns the lower-case host name of r, without port or final dot.
func hostOf(r *http.Request) string {
	host := strings.ToLower(r.Host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return strings.TrimSuffix(host, ".")
}

// isOSSHost reports whether host is an OSS endpoint or a bucket under one.
func (s *server) isOSSHost(host string) bool {
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

// isOSSDomain reports whether a configured base domain names an OSS
// endpoint: oss.<...>, oss-<region>.<...> or anything under aliyuncs.com.
func isOSSDomain(d string) bool {
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
// or URL; pkg/ossauth) against the engine clock, resolves the
// principal and prepares the body.
func (s *server) authenticateOSS(rc *request) error {
	r := rc.r
	res := ossauth.Resource{Bucket: rc.op.Bucket, Key: rc.op.Key}
	a, err := ossauth.Authenticate(r, res, s.clock.Now(), func(ak string) (string, bool) {
		v, ok := s.cfg.Credentials[ak]
		return v, ok
	})
	switch {
	case err == nil && a.Scheme != ossauth.SchemeAnonymous:
		rc.who = principal{accessKey: a.AccessKeyID, id: ownerID(a.AccessKeyID)}
	case s.cfg.Permissive:
		ak := ""
		if a != nil {
			ak = a.AccessKeyID
		}
		if ak == "" {
			ak = s.cfg.Owner
		}
		rc.who = principal{accessKey: ak, id: ownerID(ak)}
		s.names.LoadOrStore(rc.who.id, ak)
	case err == nil:
		rc.who = principal{anonymous: true}
	default:
		return err
	}
	rc.body, rc.size = r.Body, r.ContentLength
	if r.Body == nil || r.Body == http.NoBody {
		rc.body, rc.size = http.NoBody, 0
	}
	// A v4 request that signed a real payload hash gets its body checked.
	if a != nil && len(a.PayloadHash) == 64 {
		want, err := hex.DecodeString(a.PayloadHash)
		if err != nil {
			return errorf("InvalidArgument", "x-oss-content-sha256 must be UNSIGNED-PAYLOAD or a hex SHA-256.")
		}
		rc.body = &sha256Reader{r: rc.body, h: sha256.New(), want: want}
	}
	return nil
}

// OSS canned ACLs (auth.md 8). Objects also accept "default": follow the
// bucket.
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

// ossStorageClasses are the storage classes OSS accepts (common.md 7).
var ossStorageClasses = map[string]bool{"Standard": true, "IA": true, "Archive": true, "ColdArchive": true, "DeepColdArchive": true}

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

// ifNoneMatch is the write condition of a request: If-None-Match, or "*"
// when an OSS request says x-oss-forbid-overwrite: true.
func (rc *request) ifNoneMatch() string {
	if rc.forbidOverwrite() {
		return "*"
	}
	return rc.r.Header.Get("If-None-Match")
}

// forbidOverwrite reports an OSS x-oss-forbid-overwrite: true.
func (rc *request) forbidOverwrite() bool {
	return rc.d.isOSS && strings.EqualFold(rc.header("forbid-overwrite"), "true")
}
