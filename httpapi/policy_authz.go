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
	objectsOwn := bucketOwnerMayBeRefused(in.bucket, in.key, in.op, in.perm) && !in.copyTarget
	if owns(in.who, in.bucket.Owner) {
		if objectsOwn {
			// The bucket owner's policy gives it nothing on an object
			// operation: it may act on the objects it owns anyway, and the
			// policy reaches no other (bucketOwnersObject); its rights as
			// the bucket owner decide.
			return noOpinion, nil
		}
		return allow, nil
	}
	if err := in.load(s); err != nil {
		return deny, err
	}
	if objectsOwn {
		if err := in.loadObject(s); err != nil {
			return deny, err
		}
		if !in.bucketOwnersObject() {
			return noOpinion, nil // the object owner and the object's ACL decide
		}
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
	if in.dialect == "s3" && (in.perm == permObjectRead || in.perm == permObjectReadACP) && in.readsObject() && in.object == nil {
		// A read of a key (or version) that is missing: S3 says so (404)
		// only to a caller who may also list the bucket, and answers 403
		// to others (GetObject, HeadObject: "If you don't have the
		// s3:ListBucket permission, Amazon S3 returns an HTTP status code
		// 403"), as aclAllows does for the ACL path. (A write's object
		// may be missing: it is the one to be written.)
		if ok, err := s.mayListMissing(in); err != nil || !ok {
			return deny, err
		}
	}
	return allow, nil
}

// mayListMissing reports whether in's principal, whom the bucket policy
// allows an object operation, may list in's bucket, and so learn that
// the object is missing: the policy allows it s3:ListBucket, or, unless
// the policy denies that, a bucket READ grant does.
func (s *server) mayListMissing(in *access) (bool, error) {
	switch dec, err := s.policyDecision(in.rc, in.bucket, "ListObjects", "", ""); {
	case err != nil:
		return false, err
	case dec == policy.Allow:
		return true, nil
	case dec == policy.Deny:
		return false, nil
	}
	list := *in
	list.perm, list.key, list.versionID, list.object, list.grantsNot = permBucketRead, "", "", nil, false
	return list.aclAllows(), nil
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
