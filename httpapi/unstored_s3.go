package httpapi

import (
	"encoding/xml"
	"net/http"
)

// S3's analytics (storage class analysis) configurations (?analytics,
// addressed by &id=; request metrics, ?metrics, are served by
// metrics_s3.go, Intelligent-Tiering, ?intelligent-tiering, by
// tiering_s3.go). osslite does not store them: their effect (analysis
// exports) is not implemented, so PUT is refused with 501 and nothing is
// stored. What can be answered truthfully is: a bucket has
// none, so GET and DELETE of one are 404 NoSuchConfiguration and the
// List operations answer an empty page, as S3 does for a bucket without
// them (tools that read a bucket's settings, Terraform's refresh among
// them, need those answers, not 501).

// unstoredKind is one such sub-resource and its operations.
type unstoredKind struct {
	sub                  string
	get, list, put, del  string
	listRoot, configName string
}

var unstoredKinds = []unstoredKind{
	{sub: "analytics", get: "GetBucketAnalyticsConfiguration", list: "ListBucketAnalyticsConfigurations",
		put: "PutBucketAnalyticsConfiguration", del: "DeleteBucketAnalyticsConfiguration",
		listRoot: "ListBucketAnalyticsConfigurationResult", configName: "Analytics"},
}

func init() {
	for _, k := range unstoredKinds {
		routes = append(routes,
			route{method: http.MethodGet, target: targetBucket, params: []string{k.sub, "id"}, op: k.get,
				perm: permOwner, handle: k.missing, only: "s3"},
			route{method: http.MethodGet, target: targetBucket, params: []string{k.sub}, op: k.list,
				perm: permOwner, handle: k.emptyList, only: "s3"},
			route{method: http.MethodPut, target: targetBucket, params: []string{k.sub}, op: k.put,
				perm: permOwner, handle: k.refuse, only: "s3", refused: true},
			route{method: http.MethodDelete, target: targetBucket, params: []string{k.sub}, op: k.del,
				perm: permOwner, handle: k.missing, only: "s3"},
		)
	}
}

// emptyListDoc is a List answer without configurations.
type emptyListDoc struct {
	XMLName           xml.Name
	ContinuationToken string `xml:"ContinuationToken,omitempty"`
	IsTruncated       bool   `xml:"IsTruncated"`
}

// missing answers Get and Delete: the bucket holds no such configuration.
func (k unstoredKind) missing(_ *server, rc *request) error {
	if rc.q.Get("id") == "" {
		return errorf("InvalidArgument", "The %s configuration ID must be specified (?%s&id=ID).", k.configName, k.sub).with("ArgumentName", "id")
	}
	return errorf("NoSuchConfiguration", "")
}

// emptyList answers List with an empty page.
func (k unstoredKind) emptyList(_ *server, rc *request) error {
	return rc.d.writeDoc(rc.w, http.StatusOK, k.listRoot, &emptyListDoc{ContinuationToken: rc.q.Get("continuation-token")})
}

// refuse answers Put: nothing of the kind is stored.
func (k unstoredKind) refuse(_ *server, rc *request) error {
	return errorf("NotImplemented", "%s configurations are not implemented: nothing was stored.", k.configName)
}
