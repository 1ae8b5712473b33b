package httpapi

import (
	"encoding/xml"
	"net/http"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// OSS object-level retention (ObjectWorm): the same engine feature as S3
// Object Lock in OSS's shapes. PutBucketObjectWormConfiguration
// (?objectWorm, ObjectWormConfiguration with ObjectWormEnabled and a
// default retention) turns it on for a versioned bucket;
// Put/GetObjectRetention (?retention, with
// x-oss-bypass-governance-retention) set and read one version's, and
// Put/GetObjectLegalHold (?legalHold) its legal hold.

// objectWormRow is the ?objectWorm configuration row (OSS only).
var objectWormRow = &configRow{
	sub: "objectWorm", kind: bucketconfig.KindObjectLock, root: "ObjectWormConfiguration",
	get: "GetBucketObjectWormConfiguration", put: "PutBucketObjectWormConfiguration", perm: permOwner, only: "oss",
	putNoBucketMalformed: true, // OSS answers a PUT to a missing bucket MalformedXML
	parse: func(rc *request, data []byte) (bucketconfig.Config, error) {
		var d objectWormDoc
		if err := xml.Unmarshal(data, &d); err != nil || d.XMLName.Local != "ObjectWormConfiguration" {
			return nil, errorf("MalformedXML", "")
		}
		if err := checkElements(data, &d); err != nil {
			return nil, err
		}
		lock := objectLockDoc{XMLName: xml.Name{Local: "ObjectLockConfiguration"}, ObjectLockEnabled: d.ObjectWormEnabled, Rule: d.Rule}
		b, err := xml.Marshal(&lock)
		if err != nil {
			return nil, err
		}
		return parseObjectLockConfig(rc, b)
	},
	render: func(rc *request, c bucketconfig.Config) any {
		lock := renderObjectLockConfig(rc, c).(*objectLockDoc)
		return &objectWormDoc{ObjectWormEnabled: lock.ObjectLockEnabled, Rule: lock.Rule}
	},
	missing: func(rc *request) (any, error) {
		return nil, errorf("ObjectLockConfigurationNotFoundError", "").with("BucketName", rc.op.Bucket)
	},
}

type objectWormDoc struct {
	XMLName           xml.Name
	ObjectWormEnabled string             `xml:"ObjectWormEnabled,omitempty"`
	Rule              *objectLockRuleDoc `xml:"Rule,omitempty"`
}

// Retention and legal holds are the bucket owner's to set, or a policy's
// grantee's (s3:PutObjectRetention, s3:PutObjectLegalHold): no ACL grants
// them, so a bucket writer cannot lock the owner's versions for good.
func init() {
	routes = append(routes,
		route{method: http.MethodPut, target: targetObject, params: []string{"retention"}, op: "PutObjectRetention", perm: permOwner, handle: (*server).putObjectRetention, only: "oss"},
		route{method: http.MethodGet, target: targetObject, params: []string{"retention"}, op: "GetObjectRetention", perm: permObjectRead, handle: (*server).getObjectRetention, only: "oss"},
		// ?legalHold: S3's legal hold in the same LegalHold document.
		route{method: http.MethodPut, target: targetObject, params: []string{"legalHold"}, op: "PutObjectLegalHold", perm: permOwner, handle: (*server).putObjectLegalHold, only: "oss"},
		route{method: http.MethodGet, target: targetObject, params: []string{"legalHold"}, op: "GetObjectLegalHold", perm: permObjectRead, handle: (*server).getObjectLegalHold, only: "oss"},
	)
}
