package policy

import (
	"slices"
	"strings"
)

// Decision is the outcome of evaluating a policy for one request.
type Decision uint8

const (
	// NotApplicable: no statement matched; other mechanisms (ACLs)
	// decide.
	NotApplicable Decision = iota
	// Allow: an Allow statement matched and no Deny did.
	Allow
	// Deny: a Deny statement matched. It overrides every Allow, in the
	// policy and elsewhere.
	Deny
)

func (d Decision) String() string {
	return [...]string{"NotApplicable", "Allow", "Deny"}[d]
}

// Context supplies a request's condition key values. Lookup receives the
// key in NormalizeKey form ("aws:sourceip", "s3:existingobjecttag/Team")
// and returns its values (a single-valued key has one); ok is false when
// the request has no such key. It is called only for keys the policy
// names.
type Context interface {
	Lookup(key string) (values []string, ok bool)
}

// Values is a Context held in a map; keys are normalized on lookup, so
// they may be written in any case ("aws:SourceIp").
type Values map[string][]string

// Lookup implements Context.
func (v Values) Lookup(key string) ([]string, bool) {
	if vals, ok := v[key]; ok {
		return vals, true
	}
	for k, vals := range v {
		if NormalizeKey(k) == key {
			return vals, true
		}
	}
	return nil, false
}

// Principal is who sent a request.
type Principal struct {
	// Anonymous is an unsigned request; the other fields are empty.
	Anonymous bool
	// Account is the AWS account ID (12 digits) or, in OSS policies, the
	// UID the principal list names.
	Account string
	// ARN is the principal's IAM ARN: arn:aws:iam::<account>:root for the
	// account itself, .../user/<name> for a user ("" means root).
	ARN string
	// CanonicalID is the S3 canonical user ID of the account.
	CanonicalID string
	// BucketOwner says the principal owns the bucket whose policy
	// decides. In the OSS language a statement naming anyone ("*")
	// without a Condition applies to every user but the bucket owner
	// (Alibaba Cloud, OSS User Guide, "Bucket Policy": "the policy
	// applies only to users other than the bucket owner"); with a
	// Condition it applies to the bucket owner too. AWS policies do not
	// read it.
	BucketOwner bool
}

// Request is what one request asks for.
type Request struct {
	Principal Principal
	// Action is the action name: "s3:GetObject", "oss:GetObject".
	Action string
	// Resource is the ARN acted on: "arn:aws:s3:::bucket/key",
	// "acs:oss:<region>:<uid>:bucket/key".
	Resource string
	// Context supplies condition keys; nil has none.
	Context Context
}

// Evaluate decides r: Deny when a Deny statement matches (explicit deny
// wins), else Allow when an Allow statement matches, else NotApplicable.
// A statement matches when its principal, action and resource elements
// match and every condition holds. Policy variables (Version
// 2012-10-17) are read from r.Context; an element whose variable has no
// value matches nothing.
func (p *Policy) Evaluate(r *Request) Decision {
	var vs vars
	if p.Language == AWS && p.Version == Version2012 {
		vs = func(name string) (string, bool) {
			if r.Context == nil {
				return "", false
			}
			vals, ok := r.Context.Lookup(NormalizeKey(name))
			if !ok || len(vals) == 0 {
				return "", false
			}
			return vals[0], true
		}
	}
	out := NotApplicable
	for i := range p.Statements {
		s := &p.Statements[i]
		if !s.matches(p.Language, r, vs) {
			continue
		}
		if s.Effect == EffectDeny {
			return Deny
		}
		out = Allow
	}
	return out
}

// MayAllow reports whether some Allow statement names r's principal and
// action, whatever its resources and conditions say: a request acting on
// resources it names only later (DeleteObjects' keys) may be allowed for
// some of them, each then decided by Evaluate.
func (p *Policy) MayAllow(r *Request) bool { return p.mayApply(EffectAllow, r) }

// MayDeny reports whether some Deny statement names r's principal and
// action, whatever its resources and conditions say: a request whose
// conditions cannot be evaluated (an RTMP push has no HTTP request) is
// refused wherever a Deny might apply to it.
func (p *Policy) MayDeny(r *Request) bool { return p.mayApply(EffectDeny, r) }

// mayApply reports whether some statement of effect names r's principal
// and action.
func (p *Policy) mayApply(effect Effect, r *Request) bool {
	action := strings.ToLower(r.Action)
	for i := range p.Statements {
		s := &p.Statements[i]
		if s.Effect != effect || s.principalMatches(p.Language, r.Principal) == s.NotPrincipal {
			continue
		}
		if slices.ContainsFunc(s.Action, func(a string) bool { return compileLower(a).match(action) }) != s.NotAction {
			return true
		}
	}
	return false
}

func (s *Statement) matches(lang Language, r *Request, vs vars) bool {
	if s.principalMatches(lang, r.Principal) == s.NotPrincipal {
		return false
	}
	action := strings.ToLower(r.Action)
	hit := slices.ContainsFunc(s.Action, func(a string) bool { return compileLower(a).match(action) })
	if hit == s.NotAction {
		return false
	}
	hit = slices.ContainsFunc(s.Resource, func(res string) bool { return compile(res, vs).match(r.Resource) })
	if hit == s.NotResource {
		return false
	}
	for i := range s.Conditions {
		if !s.Conditions[i].eval(r.Context, vs) {
			return false
		}
	}
	return true
}

// principalMatches reports whether the element names who. For
// NotPrincipal the caller inverts the result: a user is excluded only
// when both the user and its account are listed (as AWS documents for
// NotPrincipal with Deny).
func (s *Statement) principalMatches(lang Language, who Principal) bool {
	pr := s.Principal
	if pr.Absent {
		return s.Effect == EffectDeny
	}
	if pr.Any {
		return true
	}
	if lang == OSS {
		anyone := !who.BucketOwner || len(s.Conditions) > 0 // "*" spares the bucket owner without a Condition
		for _, id := range pr.AWS {
			if id == "*" && anyone || !who.Anonymous && (id == who.Account || id == who.CanonicalID) {
				return true
			}
		}
		return false
	}
	if slices.Contains(pr.AWS, "*") {
		return true
	}
	if who.Anonymous {
		return false
	}
	root := "arn:aws:iam::" + who.Account + ":root"
	account := who.Account != "" && slices.ContainsFunc(pr.AWS, func(a string) bool { return a == who.Account || a == root }) ||
		who.CanonicalID != "" && slices.Contains(pr.CanonicalUser, who.CanonicalID)
	isUser := who.ARN != "" && who.ARN != root
	user := isUser && slices.Contains(pr.AWS, who.ARN)
	if s.NotPrincipal && isUser {
		// Excluded (so "matching") only when the user and its account are
		// both listed.
		return user && account
	}
	return account || user
}

// publicBadActions are the actions through which the public could read or
// write a bucket's data (The meaning of "public").
var publicBadActions = []string{"s3:get*", "s3:list*", "s3:abortmultipartupload", "s3:delete*", "s3:put*", "s3:restoreobject",
	"s3express:createsession"}

// fixingKeys are the condition keys that, tested with a fixed value,
// limit an Allow to non-public callers.
var fixingKeys = setOf(`aws:sourcearn aws:sourcevpc aws:sourcevpce aws:sourceowner aws:sourceaccount
	s3:x-amz-server-side-encryption-aws-kms-key-id aws:userid aws:principalaccount aws:principalarn
	aws:principalorgid acs:sourcevpc acs:sourcevpcid`)

// IsPublic reports whether the policy grants access to the public, as S3
// defines it for GetBucketPolicyStatus and Block Public Access: an Allow
// statement whose principal is not fixed (a wildcard, or NotPrincipal)
// and that does not limit itself by a fixed condition value (aws:SourceIp
// CIDRs other than /0, or a fixed aws:SourceArn, aws:SourceVpc,
// aws:SourceVpce, aws:SourceOwner, aws:SourceAccount, aws:userid,
// s3:x-amz-server-side-encryption-aws-kms-key-id, ...), for an action
// that could expose data (s3:Get*, s3:List*, s3:Put*, s3:Delete*,
// s3:AbortMultipartUpload, s3:RestoreObject). OSS policies use acs:SourceIp
// and acs:SourceVpc the same way; every OSS action counts, and so does an
// OSS statement without a Principal: OSS reports such an Allow public
// (alibabacloud-oss-python-sdk-v2 tests/integration/test_bucket_policy_client.py
// test_bucket_policy, which turns Block Public Access off to put it),
// although osslite's authorization still grants it to no one
// (Principals.Absent).
func (p *Policy) IsPublic() bool {
	for i := range p.Statements {
		s := &p.Statements[i]
		if s.Effect != EffectAllow || !(s.wildPrincipal() || s.Principal.Absent) || s.fixed() {
			continue
		}
		if p.Language == AWS && !s.NotAction && !slices.ContainsFunc(s.Action, badAction) {
			continue
		}
		return true
	}
	return false
}

func badAction(a string) bool {
	if a == "*" {
		return true
	}
	al := strings.ToLower(a)
	for _, bad := range publicBadActions {
		// Either pattern may be the wider one (s3:* covers s3:Get*, and
		// s3:GetObject is covered by it).
		if compile(bad, nil).match(al) || compile(al, nil).match(bad) || strings.HasSuffix(al, "*") &&
			strings.HasPrefix(strings.TrimSuffix(bad, "*"), strings.TrimSuffix(al, "*")) {
			return true
		}
	}
	return false
}

// wildPrincipal reports a principal the public can fall under.
func (s *Statement) wildPrincipal() bool {
	if s.NotPrincipal || s.Principal.Any {
		return true
	}
	for _, l := range [][]string{s.Principal.AWS, s.Principal.CanonicalUser, s.Principal.Service, s.Principal.Federated} {
		if slices.ContainsFunc(l, hasWildcard) {
			return true
		}
	}
	return false
}

// fixed reports a condition that pins the statement to fixed callers.
func (s *Statement) fixed() bool {
	for _, c := range s.Conditions {
		if c.ifExists || c.set == setAnyValue || c.op.negated || slices.ContainsFunc(c.Values, hasWildcard) {
			continue
		}
		k := NormalizeKey(c.Key)
		switch {
		case (k == "aws:sourceip" || k == "acs:sourceip") && c.op.kind == kindIP:
			limited := true
			for _, v := range c.Values {
				if pfx, ok := parsePrefix(v); !ok || pfx.Bits() == 0 || !pfx.IsValid() {
					limited = false
				}
			}
			if limited {
				return true
			}
		case fixingKeys[k] && (c.op.name == "StringEquals" || c.op.name == "StringEqualsIgnoreCase" ||
			c.op.name == "ArnEquals" || c.op.name == "ArnLike"):
			return true
		}
	}
	return false
}
