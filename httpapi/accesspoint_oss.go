package httpapi

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/osslite/osslite/pkg/policy"
)

// OSS access points: Create/Get/List/DeleteAccessPoint and
// Put/Get/DeleteAccessPointPolicy (?accessPoint, ?accessPointPolicy; the
// access point named by x-oss-access-point-name). An access point is the
// account's; its alias is used in place of the bucket name, and a request
// through it is decided twice (authorizeAccessPoint): by the bucket, as
// any request (owner, bucket policy, ACLs), and by the access point's
// policy; both must allow. Requests through an access point whose network
// origin is a VPC are refused: none reaches osslite from a VPC.

type createAccessPointDoc struct {
	XMLName          xml.Name `xml:"CreateAccessPointConfiguration"`
	AccessPointName  string   `xml:"AccessPointName"`
	NetworkOrigin    string   `xml:"NetworkOrigin"`
	VpcConfiguration *struct {
		VpcID string `xml:"VpcId"`
	} `xml:"VpcConfiguration"`
}

type createAccessPointResult struct {
	XMLName        xml.Name `xml:"CreateAccessPointResult"`
	AccessPointArn string   `xml:"AccessPointArn"`
	Alias          string   `xml:"Alias"`
}

type apVpcXML struct {
	VpcID string `xml:"VpcId"`
}

type getAccessPointResult struct {
	XMLName           xml.Name  `xml:"GetAccessPointResult"`
	AccessPointName   string    `xml:"AccessPointName"`
	Bucket            string    `xml:"Bucket"`
	AccountID         string    `xml:"AccountId"`
	NetworkOrigin     string    `xml:"NetworkOrigin"`
	VpcConfiguration  *apVpcXML `xml:"VpcConfiguration"`
	AccessPointArn    string    `xml:"AccessPointArn"`
	CreationDate      string    `xml:"CreationDate"`
	Alias             string    `xml:"Alias"`
	Status            string    `xml:"Status"`
	PublicEndpoint    string    `xml:"Endpoints>PublicEndpoint"`
	InternalEndpoint  string    `xml:"Endpoints>InternalEndpoint"`
	PublicAccessBlock struct {
		BlockPublicAccess bool `xml:"BlockPublicAccess"`
	} `xml:"PublicAccessBlockConfiguration"`
}

type listAccessPointsResult struct {
	XMLName               xml.Name         `xml:"ListAccessPointsResult"`
	IsTruncated           bool             `xml:"IsTruncated"`
	NextContinuationToken string           `xml:"NextContinuationToken,omitempty"`
	AccountID             string           `xml:"AccountId"`
	MaxKeys               int              `xml:"MaxKeys"`
	AccessPoints          []accessPointXML `xml:"AccessPoints>AccessPoint"`
}

type accessPointXML struct {
	Bucket           string    `xml:"Bucket"`
	AccessPointName  string    `xml:"AccessPointName"`
	Alias            string    `xml:"Alias"`
	NetworkOrigin    string    `xml:"NetworkOrigin"`
	VpcConfiguration *apVpcXML `xml:"VpcConfiguration"`
	Status           string    `xml:"Status"`
}

// apEnabled is an access point's status once made (OSS: "enable"; it is
// never "creating" here).
const apEnabled = "enable"

func init() {
	h := "access-point-name"
	routes = append(routes,
		route{method: http.MethodPut, target: targetBucket, params: []string{"accessPoint"}, op: "CreateAccessPoint", perm: permOwner, handle: (*server).createAccessPoint, only: "oss"},
		route{method: http.MethodGet, target: targetBucket, params: []string{"accessPoint"}, header: h, op: "GetAccessPoint", perm: permOwner, handle: (*server).getAccessPoint, only: "oss"},
		route{method: http.MethodGet, target: targetBucket, params: []string{"accessPoint"}, op: "ListAccessPoints", perm: permOwner, handle: (*server).listAccessPoints, only: "oss"},
		route{method: http.MethodGet, target: targetService, params: []string{"accessPoint"}, op: "ListAccessPoints", perm: permAuthenticated, handle: (*server).listAccessPoints, only: "oss"},
		route{method: http.MethodDelete, target: targetBucket, params: []string{"accessPoint"}, op: "DeleteAccessPoint", perm: permOwner, handle: (*server).deleteAccessPoint, only: "oss"},
		route{method: http.MethodPut, target: targetBucket, params: []string{"accessPointPolicy"}, op: "PutAccessPointPolicy", perm: permOwner, handle: (*server).putAccessPointPolicy, only: "oss"},
		route{method: http.MethodGet, target: targetBucket, params: []string{"accessPointPolicy"}, op: "GetAccessPointPolicy", perm: permOwner, handle: (*server).getAccessPointPolicy, only: "oss"},
		route{method: http.MethodDelete, target: targetBucket, params: []string{"accessPointPolicy"}, op: "DeleteAccessPointPolicy", perm: permOwner, handle: (*server).deleteAccessPointPolicy, only: "oss"},
	)
	// The access point's Block Public Access names it in the query (as
	// the v2 SDK sends it), in front of the bucket's own
	// ?publicAccessBlock rows (config.go) whichever init runs first: the
	// first matching row wins.
	routes = append([]route{
		{method: http.MethodPut, target: targetBucket, params: []string{"publicAccessBlock", "x-oss-access-point-name"}, op: "PutAccessPointPublicAccessBlock", perm: permOwner, handle: (*server).putAccessPointPublicAccessBlock, only: "oss"},
		{method: http.MethodGet, target: targetBucket, params: []string{"publicAccessBlock", "x-oss-access-point-name"}, op: "GetAccessPointPublicAccessBlock", perm: permOwner, handle: (*server).getAccessPointPublicAccessBlock, only: "oss"},
		{method: http.MethodDelete, target: targetBucket, params: []string{"publicAccessBlock", "x-oss-access-point-name"}, op: "DeleteAccessPointPublicAccessBlock", perm: permOwner, handle: (*server).deleteAccessPointPublicAccessBlock, only: "oss"},
	}, routes...)
}

// apARN is an access point's ARN.
func (s *server) apARN(rc *request, b engine.BucketInfo, name string) string {
	return "acs:oss:" + s.regionOf(b) + ":" + s.ossUID(b.Owner) + ":accesspoint/" + name
}

func (s *server) createAccessPoint(rc *request) error {
	b, err := s.bucketOf(rc)
	if err != nil {
		return err
	}
	data, err := rc.readDocument(s.cfg.MaxXMLBody, digestsOptional)
	if err != nil {
		return err
	}
	var doc createAccessPointDoc
	if err := xml.Unmarshal(data, &doc); err != nil {
		return errorf("MalformedXML", "")
	}
	ap := bucketconfig.AccessPoint{Name: doc.AccessPointName, Bucket: b.Name, BucketID: b.ID,
		NetworkOrigin: doc.NetworkOrigin, Created: s.clock.Now().UTC()}
	switch {
	case !bucketconfig.ValidAccessPointName(ap.Name):
		return errorf("InvalidArgument", "The access point name %q is invalid: 3 to 19 lowercase letters, digits and hyphens, not starting or ending with a hyphen.", ap.Name).
			with("ArgumentName", "AccessPointName").with("ArgumentValue", ap.Name)
	case ap.NetworkOrigin != bucketconfig.NetworkInternet && ap.NetworkOrigin != bucketconfig.NetworkVPC:
		return errorf("InvalidArgument", "NetworkOrigin must be internet or vpc.").with("ArgumentName", "NetworkOrigin").with("ArgumentValue", ap.NetworkOrigin)
	case ap.NetworkOrigin == bucketconfig.NetworkVPC && (doc.VpcConfiguration == nil || doc.VpcConfiguration.VpcID == ""):
		return errorf("InvalidArgument", "An access point of network origin vpc needs VpcConfiguration/VpcId.").with("ArgumentName", "VpcId")
	}
	if ap.NetworkOrigin == bucketconfig.NetworkVPC {
		ap.VpcID = doc.VpcConfiguration.VpcID
	}
	var rnd [16]byte
	_, _ = rand.Read(rnd[:])
	ap.Alias = ap.Name + "-" + hex.EncodeToString(rnd[:]) + bucketconfig.AliasSuffix
	err = s.eng.UpdateAccessPoints(rc.ctx, b.Owner, func(cur []bucketconfig.AccessPoint) ([]bucketconfig.AccessPoint, error) {
		n := 0
		for _, p := range cur {
			if p.Name == ap.Name {
				return nil, errorf("AccessPointAlreadyExists", "").with("AccessPointName", ap.Name)
			}
			if p.Bucket == ap.Bucket {
				n++
			}
		}
		if len(cur) >= bucketconfig.MaxAccessPoints || n >= bucketconfig.MaxAccessPointsPerBucket {
			return nil, errorf("TooManyAccessPoints", "")
		}
		return append(slices.Clone(cur), ap), nil
	})
	if err != nil {
		return err
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "CreateAccessPointResult",
		&createAccessPointResult{AccessPointArn: s.apARN(rc, b, ap.Name), Alias: ap.Alias})
}

// namedAccessPoint returns the request's bucket and the access point of
// the bucket x-oss-access-point-name names.
func (s *server) namedAccessPoint(rc *request) (engine.BucketInfo, bucketconfig.AccessPoint, error) {
	b, err := s.bucketOf(rc)
	if err != nil {
		return b, bucketconfig.AccessPoint{}, err
	}
	name := headerValue(rc.r.Header, rc.d.headerKey("access-point-name"))
	if name == "" {
		name = rc.q.Get("x-oss-access-point-name") // Block Public Access's form
	}
	if name == "" {
		return b, bucketconfig.AccessPoint{}, errorf("InvalidArgument", "The x-oss-access-point-name header is required.").with("ArgumentName", "x-oss-access-point-name")
	}
	points, err := s.eng.AccessPoints(rc.ctx, b.Owner)
	if err != nil {
		return b, bucketconfig.AccessPoint{}, err
	}
	for _, p := range points {
		if p.Name == name && p.Bucket == b.Name {
			return b, p, nil
		}
	}
	return b, bucketconfig.AccessPoint{}, errorf("NoSuchAccessPoint", "").with("AccessPointName", name)
}

func apVpc(p bucketconfig.AccessPoint) *apVpcXML {
	if p.VpcID == "" {
		return nil
	}
	return &apVpcXML{VpcID: p.VpcID}
}

func (s *server) getAccessPoint(rc *request) error {
	b, ap, err := s.namedAccessPoint(rc)
	if err != nil {
		return err
	}
	// Requests go to this server's address with the alias as the bucket.
	doc := &getAccessPointResult{
		AccessPointName: ap.Name, Bucket: ap.Bucket, AccountID: s.ossUID(b.Owner), NetworkOrigin: ap.NetworkOrigin,
		VpcConfiguration: apVpc(ap), AccessPointArn: s.apARN(rc, b, ap.Name),
		CreationDate: strconv.FormatInt(ap.Created.Unix(), 10), Alias: ap.Alias, Status: apEnabled,
		PublicEndpoint: rc.r.Host, InternalEndpoint: rc.r.Host,
	}
	doc.PublicAccessBlock.BlockPublicAccess = ap.BlockPublicAccess
	return rc.d.writeDoc(rc.w, http.StatusOK, "GetAccessPointResult", doc)
}

// updateAccessPoint changes access point ap of bucket b (as
// namedAccessPoint found it) in one step with its account's others.
func (s *server) updateAccessPoint(rc *request, b engine.BucketInfo, ap bucketconfig.AccessPoint, change func(ap *bucketconfig.AccessPoint) error) error {
	return s.eng.UpdateAccessPoints(rc.ctx, b.Owner, func(cur []bucketconfig.AccessPoint) ([]bucketconfig.AccessPoint, error) {
		next := slices.Clone(cur)
		for i := range next {
			if next[i].Alias == ap.Alias {
				return next, change(&next[i])
			}
		}
		return nil, errorf("NoSuchAccessPoint", "").with("AccessPointName", ap.Name)
	})
}

func (s *server) putAccessPointPublicAccessBlock(rc *request) error {
	b, ap, err := s.namedAccessPoint(rc)
	if err != nil {
		return err
	}
	data, err := rc.readDocument(s.cfg.MaxXMLBody, digestsOptional)
	if err != nil {
		return err
	}
	var doc ossPublicAccessBlockDoc
	if err := xml.Unmarshal(data, &doc); err != nil || doc.XMLName.Local != "PublicAccessBlockConfiguration" {
		return errorf("MalformedXML", "")
	}
	if err := s.updateAccessPoint(rc, b, ap, func(ap *bucketconfig.AccessPoint) error {
		ap.BlockPublicAccess = doc.BlockPublicAccess
		return nil
	}); err != nil {
		return err
	}
	return writeEmpty(rc, http.StatusOK)
}

func (s *server) getAccessPointPublicAccessBlock(rc *request) error {
	_, ap, err := s.namedAccessPoint(rc)
	if err != nil {
		return err
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "PublicAccessBlockConfiguration", &ossPublicAccessBlockDoc{BlockPublicAccess: ap.BlockPublicAccess})
}

func (s *server) deleteAccessPointPublicAccessBlock(rc *request) error {
	b, ap, err := s.namedAccessPoint(rc)
	if err != nil {
		return err
	}
	if err := s.updateAccessPoint(rc, b, ap, func(ap *bucketconfig.AccessPoint) error {
		ap.BlockPublicAccess = false
		return nil
	}); err != nil {
		return err
	}
	return writeEmpty(rc, http.StatusNoContent)
}

// listAccessPoints lists the caller's access points (on the service) or
// the bucket's, by name, max-keys (1 to 1000, default 100) a page, the
// continuation token being the last name of the page before.
func (s *server) listAccessPoints(rc *request) error {
	account := rc.who.id
	bucket := ""
	if rc.op.Bucket != "" {
		b, err := s.bucketOf(rc)
		if err != nil {
			return err
		}
		account, bucket = b.Owner, b.Name
	}
	max := 100
	if v := rc.q.Get("max-keys"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return errorf("InvalidArgument", "max-keys must be an integer from 1 to 1000.").with("ArgumentName", "max-keys").with("ArgumentValue", v)
		}
		max = n
	}
	points, err := s.eng.AccessPoints(rc.ctx, account)
	if err != nil {
		return err
	}
	points = slices.Clone(points)
	slices.SortFunc(points, func(a, b bucketconfig.AccessPoint) int { return strings.Compare(a.Name, b.Name) })
	after := rc.q.Get("continuation-token")
	doc := &listAccessPointsResult{AccountID: s.ossUID(account), MaxKeys: max}
	for _, p := range points {
		if bucket != "" && p.Bucket != bucket || p.Name <= after {
			continue
		}
		if len(doc.AccessPoints) == max {
			doc.IsTruncated = true
			doc.NextContinuationToken = doc.AccessPoints[max-1].AccessPointName
			break
		}
		doc.AccessPoints = append(doc.AccessPoints, accessPointXML{Bucket: p.Bucket, AccessPointName: p.Name, Alias: p.Alias,
			NetworkOrigin: p.NetworkOrigin, VpcConfiguration: apVpc(p), Status: apEnabled})
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "ListAccessPointsResult", doc)
}

func (s *server) deleteAccessPoint(rc *request) error {
	b, ap, err := s.namedAccessPoint(rc)
	if err != nil {
		return err
	}
	err = s.eng.UpdateAccessPoints(rc.ctx, b.Owner, func(cur []bucketconfig.AccessPoint) ([]bucketconfig.AccessPoint, error) {
		return slices.DeleteFunc(slices.Clone(cur), func(p bucketconfig.AccessPoint) bool { return p.Alias == ap.Alias }), nil
	})
	if err != nil {
		return err
	}
	return writeEmpty(rc, http.StatusNoContent)
}

// setAccessPointPolicy stores doc as the policy of access point ap of
// bucket b ("" removes it).
func (s *server) setAccessPointPolicy(rc *request, b engine.BucketInfo, ap bucketconfig.AccessPoint, doc string, public bool) error {
	return s.updateAccessPoint(rc, b, ap, func(ap *bucketconfig.AccessPoint) error {
		if public && ap.BlockPublicAccess {
			return errorf("AccessDenied", "The access point's Block Public Access refuses a public policy.")
		}
		ap.Policy = doc
		return nil
	})
}

func (s *server) putAccessPointPolicy(rc *request) error {
	b, ap, err := s.namedAccessPoint(rc)
	if err != nil {
		return err
	}
	data, err := rc.readDocument(2*policy.MaxDocumentOSS, digestsOptional)
	if err != nil {
		return err
	}
	p, err := parseAccessPointPolicy(data, ap.Name)
	if err != nil {
		return err
	}
	if err := s.setAccessPointPolicy(rc, b, ap, string(data), p.IsPublic()); err != nil {
		return err
	}
	return writeEmpty(rc, http.StatusOK)
}

// parseAccessPointPolicy validates an access point policy: an OSS policy
// whose resources are "*" or the access point's own
// (acs:oss:<region>:<uid>:accesspoint/<name>, or .../object/<key pattern>).
func parseAccessPointPolicy(data []byte, name string) (*policy.Policy, error) {
	p, err := parsePolicyDoc(data, policy.OSS, "accesspoint")
	if err != nil {
		return nil, err
	}
	for _, st := range p.Statements {
		for _, r := range st.Resource {
			parts := strings.SplitN(r, ":", 5)
			if r == "*" || len(parts) == 5 && (parts[4] == "*" || apResourceNames(parts[4], name)) {
				continue
			}
			return nil, errorf("MalformedPolicy", "Resource %s is not of access point %s.", r, name)
		}
	}
	return p, nil
}

// apResourceNames reports whether the resource part of an ARN
// (accesspoint/<name>[/object/<key>]) is of the access point name.
func apResourceNames(res, name string) bool {
	rest, ok := strings.CutPrefix(res, "accesspoint/")
	if !ok {
		return false
	}
	if rest == name || rest == "*" || strings.HasPrefix(rest, "*/") {
		return true
	}
	after, ok := strings.CutPrefix(rest, name+"/")
	return ok && (after == "*" || strings.HasPrefix(after, "object/"))
}

func (s *server) getAccessPointPolicy(rc *request) error {
	_, ap, err := s.namedAccessPoint(rc)
	if err != nil {
		return err
	}
	if ap.Policy == "" {
		return errorf("NoSuchAccessPointPolicy", "").with("AccessPointName", ap.Name)
	}
	return writePolicyDoc(rc, ap.Policy)
}

func (s *server) deleteAccessPointPolicy(rc *request) error {
	b, ap, err := s.namedAccessPoint(rc)
	if err != nil {
		return err
	}
	if err := s.setAccessPointPolicy(rc, b, ap, "", false); err != nil {
		return err
	}
	return writeEmpty(rc, http.StatusNoContent)
}

// copySourceAlias returns the bucket a copy source names: an OSS access
// point's alias stands for its bucket, once its policy lets the caller
// read the key through it.
func (s *server) copySourceAlias(rc *request, bucket, key, versionID string) (string, error) {
	if rc.d.name != "oss" || !strings.HasSuffix(bucket, bucketconfig.AliasSuffix) {
		return bucket, nil
	}
	_, ap, err := s.eng.AccessPointByAlias(rc.ctx, bucket)
	if errors.Is(err, engine.ErrNoSuchAccessPoint) {
		return bucket, nil // no such bucket either: the copy says so
	}
	if err != nil {
		return "", err
	}
	b, err := s.eng.Bucket(rc.ctx, ap.Bucket)
	if err != nil {
		return "", err
	}
	if err := s.accessPointAllows(rc, &ap, b, "GetObject", key, versionID); err != nil {
		return "", err
	}
	rc.srcAP = &ap // the source bucket's policy sees this access point's keys
	return ap.Bucket, nil
}

// apBucketOps are the bucket operations an access point serves besides
// those on objects.
var apBucketOps = map[string]bool{"ListObjects": true, "ListObjectsV2": true, "ListObjectVersions": true,
	"ListMultipartUploads": true, "GetBucketLocation": true, "GetBucketInfo": true, "HeadBucket": true}

// authorizeAccessPoint is the access point's half of the decision about a
// request sent through it (the bucket's half is authorize's usual one):
// only object operations and listings, not from a VPC-only access point,
// and what its policy says: Deny refuses, Allow grants, and without a
// matching statement only the access point's owner (the bucket's) may.
func (s *server) authorizeAccessPoint(rc *request, b engine.BucketInfo) error {
	return s.accessPointAllows(rc, rc.ap, b, rc.route.op, rc.op.Key, rc.q.Get("versionId"))
}

// accessPointAllows is authorizeAccessPoint for op on key of b (its
// version versionID, "" the latest) through ap (another object a request
// reads or writes: a watermark, a saved image, a copy source named by
// alias). A request naming a version is decided by the oss:*Version*
// action, as a bucket policy decides it (versionActions), a Deny of the
// plain action refusing it too.
func (s *server) accessPointAllows(rc *request, ap *bucketconfig.AccessPoint, b engine.BucketInfo, op, key, versionID string) error {
	switch {
	case ap.BucketID != b.ID:
		return errorf("NoSuchAccessPoint", "").with("AccessPointName", ap.Name) // its bucket was made again
	case key == "" && !apBucketOps[op]:
		return errorf("AccessDenied", "%s is not available through an access point.", op)
	case ap.NetworkOrigin == bucketconfig.NetworkVPC:
		return errorf("AccessDenied", "Access point %s accepts requests from VPC %s only.", ap.Name, ap.VpcID)
	}
	dec := policy.NotApplicable
	if ap.Policy != "" {
		p, err := s.apPolicies.get(ap.Policy, ap.Name)
		if err != nil {
			return err
		}
		res := s.apARN(rc, b, ap.Name)
		if key != "" {
			res += "/object/" + key
		}
		pc := &policyContext{s: s, rc: rc, bucket: b.Name, key: key, ap: ap, apBucket: b}
		// Principal.BucketOwner is deliberately left false: an access
		// point policy's statement naming anyone applies to the bucket
		// owner too (README: its Deny refuses even the owner). OSS
		// documents the bucket owner's exemption for bucket policies
		// only.
		req := &policy.Request{Principal: s.policyPrincipal(rc, policy.OSS), Resource: res, Context: pc}
		if names, ok := policyActions[op]; ok {
			req.Action = names[1]
			dec = p.Evaluate(req)
		}
		if vnames, ok := versionActions[op]; ok && versionID != "" {
			req.Action = vnames[1]
			if vdec := p.Evaluate(req); dec != policy.Deny {
				dec = vdec
			}
		}
		if pc.err != nil && dec != policy.Deny {
			return pc.err // a condition key could not be read: decide nothing
		}
		if dec == policy.Allow && ap.BlockPublicAccess && p.IsPublic() && !owns(rc.who, b.Owner) {
			dec = policy.NotApplicable // the block: a public policy grants no one
		}
	}
	switch {
	case dec == policy.Deny:
		return errAccessDenied()
	case dec == policy.Allow || s.cfg.Permissive || owns(rc.who, b.Owner):
		return nil
	}
	return errAccessDenied()
}

// apPolicyCache holds parsed access point policies by document: requests
// through an access point parse its policy once.
type apPolicyCache struct {
	mu sync.Mutex
	m  map[string]*policy.Policy
}

// get returns the parsed policy doc of the access point name.
func (c *apPolicyCache) get(doc, name string) (*policy.Policy, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.m[doc]; ok {
		return p, nil
	}
	p, err := parseAccessPointPolicy([]byte(doc), name)
	if err != nil {
		return nil, fmt.Errorf("httpapi: stored policy of access point %s: %w", name, err)
	}
	if c.m == nil || len(c.m) >= 1024 {
		c.m = map[string]*policy.Policy{} // stale documents go with the rest
	}
	c.m[doc] = p
	return p, nil
}
