package httpapi

import (
	"encoding/xml"
	"strings"

	"github.com/osslite/osslite/engine"
)

// Grantee group URIs (operations.md A.14).
const (
	groupAllUsers      = "http://acs.amazonaws.com/groups/global/AllUsers"
	groupAuthenticated = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
	groupLogDelivery   = "http://acs.amazonaws.com/groups/s3/LogDelivery"
)

// Permissions.
const (
	permFullControl = "FULL_CONTROL"
	permRead        = "READ"
	permWrite       = "WRITE"
	permReadACP     = "READ_ACP"
	permWriteACP    = "WRITE_ACP"
)

// cannedNoGrants is the stored form of an AccessControlPolicy without
// grants; no request can name it (bucketCanned and objectCanned do not).
const cannedNoGrants = "no-grants"

var bucketCanned = map[string]bool{"private": true, "public-read": true, "public-read-write": true, "authenticated-read": true, "log-delivery-write": true}

var objectCanned = map[string]bool{"private": true, "public-read": true, "public-read-write": true, "authenticated-read": true,
	"aws-exec-read": true, "bucket-owner-read": true, "bucket-owner-full-control": true}

// grantHeaders maps the x-amz-grant-* header suffixes to permissions.
var grantHeaders = []struct{ header, perm string }{
	{"grant-full-control", permFullControl},
	{"grant-read", permRead},
	{"grant-read-acp", permReadACP},
	{"grant-write", permWrite},
	{"grant-write-acp", permWriteACP},
}

// aclModel is how a dialect expresses ACLs.
type aclModel struct {
	// fromHeaders reads the ACL headers of a write; nil when absent.
	fromHeaders func(rc *request, forBucket bool) (*engine.ACL, error)
	// fromRequest reads a Put*Acl request (headers or a document of at
	// most limit bytes); nil with no error leaves the ACL as it is.
	fromRequest func(rc *request, forBucket bool, limit int64) (*engine.ACL, error)
	// bucketDoc and objectDoc render Get*Acl documents.
	bucketDoc func(s *server, b engine.BucketInfo) any
	objectDoc func(s *server, info engine.ObjectInfo, b engine.BucketInfo) any
	// objectDefaultFollowsBucket: an object without an ACL of its own
	// takes its bucket's grants (else it is private to its owner).
	objectDefaultFollowsBucket bool
	// accessControls: the dialect has S3 Object Ownership and Public
	// Access Block (access_config.go).
	accessControls bool
	// writerKeepsObjects: an object another account wrote is its
	// writer's, and the bucket owner has no right to it beyond deleting
	// it (S3 Object Ownership ObjectWriter, and objects written before
	// ownership controls): reading it, its ACL or its tags and setting
	// its ACL need a grant of the object's ACL (or a bucket policy's
	// Allow). False: the bucket owner owns every object (OSS, Sina).
	// The rule is the writing dialect's: it holds for the objects the
	// dialect's requests write, whichever dialect later asks, and for
	// objects that record no writing dialect (earlier builds) when this
	// one asks (writerKeeps).
	writerKeepsObjects bool
	// grantsNot are the operations no ACL permission grants, not even
	// FULL_CONTROL: the owner's (an object's owner, for an object) or a
	// bucket policy's only. Nil: the dialect's ACLs grant every operation
	// whose route permission they hold.
	grantsNot map[string]bool
	// objectHeader is the vendor header (without prefix) that carries
	// an object's canned ACL on a write; bucket writes use "acl".
	// Default "acl".
	objectHeader string
}

// cannedHeader is the vendor header (without prefix) carrying the
// canned ACL of rc's write: the object's or the bucket's.
func (rc *request) cannedHeader() string {
	if rc.op.Key != "" && rc.d.acl.objectHeader != "" {
		return rc.d.acl.objectHeader
	}
	return "acl"
}

// s3ACL is the S3 ACL model: canned ACLs or x-amz-grant-* headers, and
// AccessControlPolicy documents with grants.
var s3ACL = aclModel{
	fromHeaders: (*request).s3ACLHeaders,
	fromRequest: func(rc *request, forBucket bool, limit int64) (*engine.ACL, error) {
		acl, err := rc.aclFromRequest(forBucket, limit)
		if err != nil {
			return nil, err
		}
		return &acl, nil
	},
	bucketDoc: func(s *server, b engine.BucketInfo) any { return s.policyOf(b.ACL, b.Owner, b.Owner) },
	objectDoc: func(s *server, info engine.ObjectInfo, b engine.BucketInfo) any {
		return s.policyOf(info.ACL, info.Owner, b.Owner)
	},
	accessControls:     true,
	writerKeepsObjects: true,
	grantsNot:          s3GrantsNot,
}

// s3GrantsNot are the S3 operations that no ACL grants. S3 maps ACL
// permissions to actions (S3 User Guide, "Access control list (ACL)
// overview", "Mapping of ACL permissions and access policy
// permissions"): object READ is s3:GetObject and s3:GetObjectVersion,
// bucket WRITE s3:PutObject and s3:DeleteObject; s3:GetObjectTagging,
// s3:PutObjectTagging and s3:DeleteObjectTagging are in no row, so a
// READ or FULL_CONTROL grantee of an object neither reads nor changes its
// tags (which s3:ExistingObjectTag conditions and lifecycle filters
// decide by) unless it owns the object or a policy allows it (on an
// object the bucket owner owns: bucketOwnersObject). Nor is
// s3:GetObjectRetention or s3:GetObjectLegalHold (README: Object Lock
// settings are the bucket owner's or a policy grantee's; no ACL grants
// them). Nor are the annotation actions (s3:GetObjectAnnotation,
// s3:ListObjectAnnotations, s3:PutObjectAnnotation,
// s3:DeleteObjectAnnotation: their API pages ask for these permissions,
// and the mapping has none of them), so a bucket WRITE grantee does not
// rewrite another's annotations, as it does not rewrite its tags.
var s3GrantsNot = map[string]bool{
	"GetObjectTagging": true, "PutObjectTagging": true, "DeleteObjectTagging": true,
	"GetObjectRetention": true, "GetObjectLegalHold": true,
	"GetObjectAnnotation": true, "ListObjectAnnotations": true, "PutObjectAnnotation": true, "DeleteObjectAnnotation": true,
}

// bucketACLOf is acl, a bucket's ACL set through rc's dialect, marked
// with what the dialect means by it: in S3 and Sina a bucket's READ grant
// lists the bucket and opens no object, so objects without an ACL of
// their own stay private to their owner in every dialect, OSS included
// (engine.ACL.ObjectsPrivate); an ACL set through OSS opens them to OSS
// readers as OSS documents. The thirty-second session's security review
// found an S3 object refused to anonymous S3 readers of a public-read
// bucket served to an anonymous OSS-dialect GET.
func (rc *request) bucketACLOf(acl engine.ACL) engine.ACL {
	acl.ObjectsPrivate = !rc.d.acl.objectDefaultFollowsBucket
	return acl
}

// aclFromHeaders reads the ACL headers of the request's dialect; nil when
// there are none.
func (rc *request) aclFromHeaders(forBucket bool) (*engine.ACL, error) {
	acl, err := rc.d.acl.fromHeaders(rc, forBucket)
	if err != nil || acl == nil || rc.route.op == "CreateBucket" {
		return acl, err
	}
	return acl, rc.s.admitACL(rc, acl)
}

// grantHeadersSent reports whether the request carries an x-?-grant-*
// header.
func (rc *request) grantHeadersSent() bool {
	for _, gh := range grantHeaders {
		if rc.header(gh.header) != "" {
			return true
		}
	}
	return false
}

// s3ACLHeaders reads a canned ACL (x-amz-acl) or grant headers. It
// returns nil when the request carries neither.
func (rc *request) s3ACLHeaders(forBucket bool) (*engine.ACL, error) {
	canned := rc.header("acl")
	if canned != "" && rc.grantHeadersSent() {
		// Both kinds at once are refused before either is read.
		return nil, errorf("InvalidRequest", "Specifying both Canned ACLs and Header Grants is not allowed")
	}
	var grants []engine.Grant
	for _, gh := range grantHeaders {
		v := rc.header(gh.header)
		if v == "" {
			continue
		}
		if gh.perm == permWrite && !forBucket {
			return nil, errorf("InvalidArgument", "x-amz-grant-write is not supported for objects").with("ArgumentName", rc.d.h(gh.header))
		}
		gs, err := parseGrantHeader(v, gh.perm, rc.d.h(gh.header))
		if err != nil {
			return nil, err
		}
		grants = append(grants, gs...)
	}
	switch {
	case canned != "":
		valid := objectCanned
		if forBucket {
			valid = bucketCanned
		}
		if !valid[canned] {
			return nil, errorf("InvalidArgument", "").with("ArgumentName", rc.d.h("acl")).with("ArgumentValue", canned)
		}
		return &engine.ACL{Canned: canned}, nil
	case len(grants) > 0:
		if err := checkGrants(len(grants)); err != nil {
			return nil, err
		}
		if err := rc.s.resolveGrants(grants, true); err != nil {
			return nil, err
		}
		return &engine.ACL{Grants: grants}, nil
	}
	return nil, nil
}

// parseGrantHeader parses `id="..", uri="..", emailAddress=".."`, the
// value of the grant header named header. As S3: an item it cannot read
// is InvalidArgument "Argument format not recognized" naming the header
// and its whole value, a group other than S3's three "Invalid group uri".
func parseGrantHeader(v, perm, header string) ([]engine.Grant, error) {
	var out []engine.Grant
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		k, val, ok := strings.Cut(item, "=")
		val = strings.Trim(strings.TrimSpace(val), `"`)
		unrecognized := errorf("InvalidArgument", "Argument format not recognized").with("ArgumentName", header).with("ArgumentValue", v)
		if !ok || val == "" {
			return nil, unrecognized
		}
		g := engine.Grant{Permission: perm}
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "id":
			g.GranteeType, g.ID = "CanonicalUser", val
		case "uri":
			if !knownGroup(val) {
				return nil, errorf("InvalidArgument", "Invalid group uri").with("ArgumentName", "uri").with("ArgumentValue", val)
			}
			g.GranteeType, g.URI = "Group", val
		case "emailaddress":
			g.GranteeType, g.Email = "AmazonCustomerByEmail", val
		default:
			return nil, unrecognized
		}
		out = append(out, g)
	}
	return out, nil
}

// knownGroup reports whether uri names one of S3's grantee groups.
func knownGroup(uri string) bool {
	switch uri {
	case groupAllUsers, groupAuthenticated, groupLogDelivery:
		return true
	}
	return false
}

// effectiveGrants expands an ACL into grants: explicit grants as stored,
// or the owner's FULL_CONTROL plus what the canned ACL adds.
func effectiveGrants(acl engine.ACL, owner, bucketOwner string) []engine.Grant {
	if len(acl.Grants) > 0 || acl.Canned == cannedNoGrants {
		return acl.Grants
	}
	user := func(id, p string) engine.Grant {
		return engine.Grant{GranteeType: "CanonicalUser", ID: id, Permission: p}
	}
	group := func(uri, p string) engine.Grant { return engine.Grant{GranteeType: "Group", URI: uri, Permission: p} }
	gs := []engine.Grant{user(owner, permFullControl)}
	switch acl.Canned {
	case "public-read":
		gs = append(gs, group(groupAllUsers, permRead))
	case "public-read-write":
		gs = append(gs, group(groupAllUsers, permRead), group(groupAllUsers, permWrite))
	case "authenticated-read":
		gs = append(gs, group(groupAuthenticated, permRead))
	case "log-delivery-write":
		gs = append(gs, group(groupLogDelivery, permWrite), group(groupLogDelivery, permReadACP))
	case "bucket-owner-read":
		if bucketOwner != owner {
			gs = append(gs, user(bucketOwner, permRead))
		}
	case "bucket-owner-full-control":
		if bucketOwner != owner {
			gs = append(gs, user(bucketOwner, permFullControl))
		}
	}
	return gs
}

// sameGrants reports whether a and b grant the same permissions to the
// same grantees, in any order (display names aside).
func sameGrants(a, b []engine.Grant) bool {
	if len(a) != len(b) {
		return false
	}
	key := func(g engine.Grant) engine.Grant { g.DisplayName = ""; return g }
	count := make(map[engine.Grant]int, len(a))
	for _, g := range a {
		count[key(g)]++
	}
	for _, g := range b {
		if count[key(g)] == 0 {
			return false
		}
		count[key(g)]--
	}
	return true
}

// AccessControlPolicy document (operations.md A.14).
type accessControlPolicy struct {
	XMLName xml.Name
	Owner   owner      `xml:"Owner"`
	Grants  []xmlGrant `xml:"AccessControlList>Grant"`
}

type owner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName,omitempty"`
}

type xmlGrant struct {
	Grantee    grantee `xml:"Grantee"`
	Permission string  `xml:"Permission"`
}

type grantee struct {
	XMLNSXSI     string `xml:"xmlns:xsi,attr,omitempty"`
	Type         string `xml:"http://www.w3.org/2001/XMLSchema-instance type,attr,omitempty"`
	XSIType      string `xml:"xsi:type,attr,omitempty"`
	ID           string `xml:"ID,omitempty"`
	DisplayName  string `xml:"DisplayName,omitempty"`
	EmailAddress string `xml:"EmailAddress,omitempty"`
	URI          string `xml:"URI,omitempty"`
}

// policyOf renders an ACL as an AccessControlPolicy.
func (s *server) policyOf(acl engine.ACL, ownerID, bucketOwner string) *accessControlPolicy {
	p := &accessControlPolicy{Owner: owner{ID: ownerID, DisplayName: s.displayName(ownerID)}}
	for _, g := range effectiveGrants(acl, ownerID, bucketOwner) {
		x := xmlGrant{Permission: g.Permission, Grantee: grantee{
			XMLNSXSI: "http://www.w3.org/2001/XMLSchema-instance", XSIType: g.GranteeType,
			ID: g.ID, URI: g.URI, EmailAddress: g.Email,
		}}
		if g.GranteeType == "CanonicalUser" {
			x.Grantee.DisplayName = s.displayName(g.ID)
		}
		p.Grants = append(p.Grants, x)
	}
	return p
}

// parsePolicy parses an AccessControlPolicy body into grants.
func parsePolicy(data []byte) (engine.ACL, error) {
	var p accessControlPolicy
	if err := xml.Unmarshal(data, &p); err != nil {
		return engine.ACL{}, errorf("MalformedACLError", "")
	}
	if p.XMLName.Local != "AccessControlPolicy" {
		return engine.ACL{}, errorf("MalformedACLError", "")
	}
	if err := checkGrants(len(p.Grants)); err != nil {
		return engine.ACL{}, err
	}
	acl := engine.ACL{Grants: []engine.Grant{}}
	for _, g := range p.Grants {
		t := g.Grantee.Type
		if t == "" {
			t = g.Grantee.XSIType
		}
		eg := engine.Grant{GranteeType: t, ID: g.Grantee.ID, DisplayName: g.Grantee.DisplayName,
			URI: g.Grantee.URI, Email: g.Grantee.EmailAddress, Permission: g.Permission}
		switch g.Permission {
		case permFullControl, permRead, permWrite, permReadACP, permWriteACP:
		default:
			return engine.ACL{}, errorf("MalformedACLError", "")
		}
		switch {
		case t == "CanonicalUser" && eg.ID != "":
		case t == "Group" && eg.URI != "":
			if !knownGroup(eg.URI) {
				return engine.ACL{}, errorf("InvalidArgument", "Invalid group uri").with("ArgumentName", "Group/URI").with("ArgumentValue", eg.URI)
			}
		case t == "AmazonCustomerByEmail" && eg.Email != "": // resolved by the caller (resolveGrants)
		default:
			return engine.ACL{}, errorf("MalformedACLError", "")
		}
		acl.Grants = append(acl.Grants, eg)
	}
	if len(acl.Grants) == 0 {
		// An empty list revokes every grant, the owner's too (S3 stores
		// and shows none; the owner keeps its implicit rights).
		acl = engine.ACL{Canned: cannedNoGrants}
	}
	return acl, nil
}

// aclFromRequest reads an ACL from headers or an AccessControlPolicy body
// (Put*Acl): exactly one of the two.
func (rc *request) aclFromRequest(forBucket bool, limit int64) (engine.ACL, error) {
	data, err := rc.readBody(limit, digestsOptional)
	if err != nil {
		return engine.ACL{}, err
	}
	if data != nil {
		// A body with ACL headers is refused before either is read.
		if rc.grantHeadersSent() || rc.header("acl") != "" {
			return engine.ACL{}, errorf("UnexpectedContent", "This request does not support content")
		}
		// S3 wants the policy's Owner, with an ID.
		var p accessControlPolicy
		if err := xml.Unmarshal(data, &p); err != nil || strings.TrimSpace(p.Owner.ID) == "" {
			return engine.ACL{}, errorf("MalformedACLError", "")
		}
		acl, err := parsePolicy(data)
		if err == nil {
			err = rc.s.knownUser(strings.TrimSpace(p.Owner.ID), false)
		}
		if err == nil {
			err = rc.s.resolveGrants(acl.Grants, false)
		}
		return acl, err
	}
	hdr, err := rc.s3ACLHeaders(forBucket)
	if err != nil {
		return engine.ACL{}, err
	}
	if hdr != nil {
		return *hdr, nil
	}
	return engine.ACL{}, errorf("MissingSecurityHeader", "Your request was missing a required header").with("MissingHeaderName", rc.d.h("acl"))
}
