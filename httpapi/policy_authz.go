package httpapi

import "github.com/osslite/osslite/pkg/policy"

// The bucket policy is the policy source of the decision point
// (authz.go): evaluatePolicy turns a bucket policy's verdict on an access
// into a decision, applying Public Access Block's RestrictPublicBuckets.

func init() { policyEvaluator = evaluatePolicy }

// evaluatePolicy decides in by the bucket's policy: deny for an explicit
// Deny, allow for an Allow, noOpinion without a policy or a statement
// that applies. Under RestrictPublicBuckets a public policy grants only
// the bucket owner's account.
func evaluatePolicy(s *server, in *access) (decision, error) {
	if in.rc == nil || s.cfg.Permissive {
		return noOpinion, nil
	}
	rc := in.rc
	var dec policy.Decision
	var err error
	// The object decided: the one the handler opened when this decides
	// it again (recheckObject); else the one the policy reads its tags
	// from becomes in's object, so that a concurrent overwrite between
	// that read and in.load cannot leave the policy deciding one object
	// and recheckObject comparing the opened one with another.
	seen := &in.policySeen
	*seen = policySeen{known: in.object}
	if in.op == rc.op.Operation && in.key == rc.op.Key && in.bucket.Name == rc.op.Bucket {
		dec, err = s.authorizePolicy(rc, in.bucket, seen)
	} else { // a copy source: GetObject on another object
		dec, err = s.policyDecisionOn(rc, in.bucket, in.op, in.key, in.versionID, seen)
	}
	if in.object == nil && seen.read != nil {
		in.object = seen.read
	}
	switch {
	case err != nil:
		return deny, err
	case dec == policy.Deny:
		return deny, nil
	case dec != policy.Allow:
		return noOpinion, nil
	}
	if owns(in.who, in.bucket.Owner) {
		return allow, nil
	}
	if err := in.load(s); err != nil {
		return deny, err
	}
	if in.pab != nil && in.pab.RestrictPublicBuckets {
		p, err := s.bucketPolicy(rc.ctx, in.bucket.Name)
		if err != nil {
			return deny, err
		}
		if p != nil && p.IsPublic() {
			return noOpinion, nil
		}
	}
	return allow, nil
}

// policyBlocked reports whether the bucket's Public Access Block refuses
// the policy p (BlockPublicPolicy and a public policy).
func (s *server) policyBlocked(rc *request, p *policy.Policy) (bool, error) {
	b, err := s.bucketOf(rc)
	if err != nil {
		return false, err
	}
	pab, _, err := s.accessSettings(rc.ctx, b)
	if err != nil {
		return false, err
	}
	return pab != nil && pab.BlockPublicPolicy && p.IsPublic(), nil
}
