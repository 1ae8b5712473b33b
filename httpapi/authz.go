package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// Authorization is one decision point. Every request that passed the
// intake goes through authorize (copy sources through canRead), which
// gathers the decision input (access) and asks decide. decide combines
// the sources as S3 documents it: an explicit Deny from a bucket policy
// wins over everything; otherwise the owner may, and an Allow from a
// bucket policy or a grant of an ACL grants; nothing else does.
//
//	sources, in order:
//	  policy     policyEvaluator (nil until bucket policies exist):
//	             deny -> AccessDenied, allow -> granted, noOpinion -> go on;
//	             an Allow of an object operation grants only on an object
//	             the bucket owner owns (bucketOwnersObject): on another
//	             account's, the object's owner and ACL decide
//	  owner      the bucket owner (and an object's owner, unless ACLs are
//	             disabled) may do everything; an object another account
//	             wrote through S3 is the bucket owner's to delete, list
//	             and archive, not to read or re-ACL without a grant, in
//	             every dialect (bucketOwnerMayBeRefused, writerKeeps)
//	  ACL        grants of the bucket or object ACL (users by canonical
//	             ID, AllUsers, AuthenticatedUsers); none when Object
//	             Ownership is BucketOwnerEnforced; public grants count
//	             for nothing under IgnorePublicAcls
//
// Public Access Block flags that concern policies (BlockPublicPolicy,
// RestrictPublicBuckets) are in the input (access.pab) for the policy
// evaluator to apply; BlockPublicAcls is enforced where ACLs are written
// (admitACL).

// decision is what one source says about a request.
type decision uint8

const (
	// noOpinion: the source neither allows nor denies.
	noOpinion decision = iota
	// allow: the source grants the request.
	allow
	// deny: the source refuses the request, whatever the others say.
	deny
)

func (d decision) String() string {
	return [...]string{"NoOpinion", "Allow", "Deny"}[d]
}

// access is the input of a decision: who asks for what, on which bucket
// and object, under which bucket settings.
type access struct {
	ctx context.Context
	// rc is the request being decided (nil in unit tests): the policy
	// evaluator reads its conditions from it.
	rc *request
	// r is the request (conditions of policies: referer, source address,
	// secure transport, headers). Nil in unit tests.
	r *http.Request
	// dialect is "s3", "oss" or "sina".
	dialect string
	who     principal
	// op is the operation (AWS name): what a policy's Action matches.
	op   string
	perm perm
	// bucket is the bucket's record. key is "" for bucket operations.
	bucket engine.BucketInfo
	key    string
	// versionID is the version the request addresses ("": the latest).
	versionID string
	// uploadID is the multipart upload the request addresses (ListParts,
	// AbortMultipartUpload), "" otherwise.
	uploadID string

	// The rest is read by load, only when a decision needs it (never for
	// the bucket owner without a policy evaluator).
	loaded bool
	// policySeen is the object the bucket policy's decision read its
	// tags from (evaluatePolicy); kept here, not allocated per decision.
	policySeen policySeen
	// object is the object's record, for object permissions on an object
	// that exists; nil otherwise.
	object *engine.ObjectInfo
	// pab is the bucket's Public Access Block, nil when it has none.
	// BlockPublicPolicy and RestrictPublicBuckets are the policy
	// evaluator's to apply.
	pab *bucketconfig.PublicAccessBlock
	// ownership is the bucket's Object Ownership rule, "" when it has
	// none (ObjectWriter).
	ownership string
	// objectFollowsBucket: an object without an ACL of its own takes its
	// bucket's grants (OSS "default").
	objectFollowsBucket bool
	// writerKeepsObjects: the request dialect's rule for an object that
	// records no writing dialect (aclModel.writerKeepsObjects); one that
	// records it follows its writing dialect's rule (writerKeeps).
	writerKeepsObjects bool
	// grantsNot: no ACL grants op in the dialect (aclModel.grantsNot);
	// an object's owner still may, so load reads the object.
	grantsNot bool
	// deferOwner: the handler decides the object it opens again
	// (recheckObject), so a bucket owner's read need not read the object
	// first; ownerDeferred records that decide left it to the handler.
	deferOwner, ownerDeferred bool
	// copyTarget: the object at key is the one a copy writes, which the
	// bucket owner's copy makes its own; the object it replaces does not
	// decide (canActOnCopy).
	copyTarget bool
	// uploadOwner is the initiator of the upload uploadID names (the
	// bucket owner when none is recorded), "" when there is none: not the
	// object's owner-to-be, which S3 Object Ownership may make the bucket
	// owner while the initiator keeps ListParts and Abort.
	uploadOwner string
}

// policyEvaluator is the bucket-policy source of decide: nil until bucket
// policies exist. The bucket-policy feature assigns it (in an init of its
// own file). It returns deny for an explicit Deny that applies to in,
// allow for an Allow that applies, noOpinion otherwise; it must apply
// in.pab's RestrictPublicBuckets itself, after in.load (which reads pab,
// ownership and object once; skip it for buckets without a policy to
// keep the owner's requests cheap). An error fails the request.
var policyEvaluator func(s *server, in *access) (decision, error)

// errAccessDenied is the answer to a refused request.
func errAccessDenied() error { return errorf("AccessDenied", "") }

// authorize decides whether rc may run its operation (auth.md §7). It
// loads the bucket record for the handlers (rc.bucket): a request on a
// missing bucket is answered NoSuchBucket here, before its body is read,
// so nothing a request sends can act on a bucket created while it was in
// flight. Permissive mode allows everything a policy does not deny.
// Requests on missing keys pass when the caller may list the bucket, so
// the handler reports them.
func (s *server) authorize(rc *request) error {
	if err := s.authorizeAccess(rc); err != nil {
		return err
	}
	// A write the principal may make may still find the bucket full
	// (only then: others learn nothing of its quota).
	return s.checkStorageQuota(rc, rc.op.Bucket)
}

// authorizeAccess is authorize's access decision.
func (s *server) authorizeAccess(rc *request) error {
	p := rc.route.perm
	if p == permAnyone {
		return nil // CORS preflights: no credentials, nothing acted on
	}
	// Anonymous requests never reach CreateMultipartUpload or S3 Select
	// ("Amazon S3 Select does not support anonymous access",
	// SelectObjectContent), whatever a bucket policy or ACL grants.
	if !s.cfg.Permissive && rc.who.anonymous && (p == permAuthenticated || rc.route.op == "CreateMultipartUpload" || rc.route.op == "SelectObjectContent") {
		return errAccessDenied()
	}
	if p == permAuthenticated {
		return nil
	}
	b, err := s.bucketOf(rc)
	if err != nil {
		return err
	}
	if err := checkOwnerHeader(rc, "X-Amz-Expected-Bucket-Owner", b.Owner); err != nil {
		return err
	}
	if rc.who.session.decides(b, rc.route.op) {
		return nil // an S3 Express session granted on this bucket: CreateSession decided (express_s3.go)
	}
	if rc.r.TLS != nil && rc.route.config != httpsRow { // the owner can always mend the settings
		if err := s.tlsAllowed(rc, b.Name); err != nil {
			return err
		}
	}
	if !s.cfg.Permissive {
		// The referer whitelist and request payment refuse before any
		// grant is considered (referer.go).
		if err := s.bucketGates(rc, b); err != nil {
			return err
		}
	}
	if rc.ap != nil {
		if err := s.authorizeAccessPoint(rc, b); err != nil { // accesspoint_oss.go
			return err
		}
	}
	if policyEvaluator == nil && (s.cfg.Permissive || owns(rc.who, b.Owner) && !bucketOwnerMayBeRefused(b, rc.op.Key, rc.route.op, p)) {
		return nil // the common case, without reading any setting
	}
	in := &access{ctx: rc.ctx, rc: rc, r: rc.r, dialect: rc.d.name, who: rc.who, op: rc.route.op, perm: p,
		bucket: b, key: rc.op.Key, versionID: rc.q.Get("versionId"), objectFollowsBucket: rc.d.acl.objectDefaultFollowsBucket,
		writerKeepsObjects: rc.d.acl.writerKeepsObjects, grantsNot: rc.d.acl.grantsNot[rc.route.op], deferOwner: rechecksObject[rc.route.op]}
	if initiatorOps[in.op] {
		in.uploadID = rc.q.Get("uploadId")
	}
	if err := s.check(in); err != nil {
		return err
	}
	if in.ownerDeferred || in.loaded && in.key != "" && (in.perm == permObjectRead || in.perm == permObjectReadACP || in.perm == permObjectWriteACP || ownersTagging[in.op]) {
		rc.objectAuthz = in
	}
	return nil
}

// recheckObject decides rc's read again for info, the object the handler
// opened, when authorize decided on another: the key was overwritten (or
// created) between the two reads. S3's ACLs are strongly consistent with
// the object they belong to, so a read returns only an object whose own
// ACL (or tags, for a policy) grants it; without this, a GET racing the
// owner's overwrite of a public-read object with a private one could
// return the private bytes.
//
// info is only read: what the decision keeps is a copy made when it runs
// again, so the common case (nothing to decide again) allocates nothing.
func (s *server) recheckObject(rc *request, info *engine.ObjectInfo) error {
	in := rc.objectAuthz
	if in == nil {
		return nil
	}
	if in.ownerDeferred {
		// The bucket owner: only an object another account owns under
		// its writing dialect's rule is decided (the common case reads
		// nothing more).
		if info.Owner == "" || info.Owner == in.bucket.Owner || !writerKeeps(info, in.writerKeepsObjects) {
			return nil
		}
		again := *in
		opened := *info
		again.object, again.deferOwner, again.ownerDeferred = &opened, false, false
		var err error
		if again.pab, again.ownership, err = s.accessSettings(again.ctx, again.bucket); err != nil {
			return err
		}
		again.loaded = true
		return s.check(&again)
	}
	if o := in.object; o != nil && o.VersionID == info.VersionID && o.ETag == info.ETag && o.LastModified.Equal(info.LastModified) &&
		o.Owner == info.Owner && o.Dialect == info.Dialect { // the same object (engine.SourcePin)
		return nil
	}
	again := *in
	opened := *info
	again.object = &opened
	return s.check(&again)
}

// updateDecided applies u to the object rc's decision was made on
// (onDecidedObject).
func (s *server) updateDecided(ctx context.Context, rc *request, u engine.ObjectUpdate) (info engine.ObjectInfo, err error) {
	err = s.onDecidedObject(rc, func(pin *engine.SourcePin) error {
		u.Pin = pin
		info, err = s.updatedVersionIn(ctx, rc, u)
		return err
	})
	return info, err
}

// onDecidedObject runs op pinned to the object rc's decision was made on
// (engine.ObjectUpdate.Pin, engine.AnnotationOptions.Pin): PutObjectAcl
// (permObjectWriteACP), tag and annotation writes (ownersTagging, whose
// decisions read the object to know whose it is) and annotation reads,
// whose handlers read or change the key after the decision. An
// overwrite in between (another account's object, which the bucket
// owner or a grantee of the one before may neither read nor change) is
// then not read or changed under a decision made for another: an object
// found changed (op fails with engine.ErrObjectChanged) is decided
// again, as recheckObject decides a read, and op pinned to it; after
// three changes the request fails (OperationAborted). A grantee's OSS
// tag write, whose route decision does not read the object, is pinned to
// the object mayRetag decided. Without a decision on the object (the
// bucket had none to make) op runs unpinned.
func (s *server) onDecidedObject(rc *request, op func(pin *engine.SourcePin) error) error {
	in := rc.objectAuthz
	if !in.decidedOnObject() {
		return op(nil)
	}
	pin := objectPin(in.object)
	for attempt := 1; ; attempt++ {
		err := op(pin)
		if !errors.Is(err, engine.ErrObjectChanged) || attempt == 3 {
			return err
		}
		now := *in
		now.object = nil
		if err := now.readObject(s); err != nil {
			return err
		}
		if now.object != nil {
			if err := s.recheckObject(rc, now.object); err != nil {
				return err
			}
		}
		pin = objectPin(now.object)
	}
}

// decidedOnObject reports whether in (nil: no decision kept) was decided
// on its object as read, present or missing (onDecidedObject pins it).
func (in *access) decidedOnObject() bool {
	return in != nil && in.loaded && (in.object != nil || in.readsObject())
}

// objectPin pins o, the object a decision read (nil: none was there).
func objectPin(o *engine.ObjectInfo) *engine.SourcePin {
	if o == nil {
		return &engine.SourcePin{}
	}
	return &engine.SourcePin{Found: true, VersionID: o.VersionID, ETag: o.ETag, LastModified: o.LastModified, Owner: o.Owner, Dialect: o.Dialect}
}

// initiatorOps are the operations on a multipart upload that S3 grants by
// default to the bucket owner and the upload's initiator only
// (s3:ListMultipartUploadParts, s3:AbortMultipartUpload): a bucket's WRITE
// grant does not give them, so a grantee neither reads another's part
// ETags and sizes nor aborts another's upload. A policy may grant them.
var initiatorOps = map[string]bool{"ListParts": true, "AbortMultipartUpload": true}

// rechecksObject are the operations whose handler decides the object it
// opened again (recheckObject): a bucket owner's read of them is decided
// on that object rather than on one read before.
var rechecksObject = map[string]bool{"GetObject": true, "HeadObject": true, "GetObjectAcl": true}

// bucketOwnerMayBeRefused reports whether the bucket owner's request with
// permission p on key of b depends on who owns the object, in every
// dialect: an object whose writing dialect makes it its writer's (S3,
// writerKeeps), the bucket owner may read, read the ACL of or set it only
// when it owns the object, ACLs are disabled (BucketOwnerEnforced: it
// owns every object), or the object's ACL grants it, whichever dialect
// asks (an OSS-signed request must not read what S3's rule keeps from
// it). AWS: "If you create a bucket and grant write access to
// another user, you will not be able to access that user's objects
// unless the user explicitly grants you access" (S3 console guide,
// Setting Permissions); the bucket owner may still delete, list, archive
// and restore them. A bucket with no recorded owner is everyone's.
// Retention and legal holds stay the bucket owner's to read (README:
// Object Lock settings are the bucket owner's or a policy grantee's).
func bucketOwnerMayBeRefused(b engine.BucketInfo, key, op string, p perm) bool {
	return key != "" && b.Owner != "" && !bucketOwnerKeeps[op] &&
		(p == permObjectRead || p == permObjectReadACP || p == permObjectWriteACP || ownersTagging[op])
}

// writerKeeps reports whether info, an object an account other than the
// bucket owner wrote, is its writer's rather than the bucket owner's: as
// the dialect that wrote it has it (engine.ObjectInfo.Dialect; S3: the
// writer's, OSS and Sina: the bucket owner's), whichever dialect asks;
// for an object that records none (written by an earlier build),
// dialectRule, the asking dialect's (aclModel.writerKeepsObjects).
func writerKeeps(info *engine.ObjectInfo, dialectRule bool) bool {
	if m := writingModel(info.Dialect); m != nil {
		return m.writerKeepsObjects
	}
	return dialectRule
}

// writingModel is the ACL model of the dialect mark names, nil for
// engine.DialectUnknown (or a mark this build does not know).
func writingModel(mark engine.Dialect) *aclModel {
	if mark == engine.DialectUnknown {
		return nil
	}
	for _, d := range dialects {
		if d.mark == mark {
			return &d.acl
		}
	}
	return nil
}

// ownersTagging are the writes of an object's tags and annotations: in
// S3 they need s3:PutObjectTagging, s3:DeleteObjectTagging,
// s3:PutObjectAnnotation or s3:DeleteObjectAnnotation on the object,
// which the bucket owner holds for the objects it owns only (it may
// delete, archive and restore others' objects, not change them) and no
// ACL grants, nor a bucket policy (it reaches the bucket owner's objects
// only: bucketOwnersObject), so an object another account wrote keeps
// the tags and annotations its writer gave it.
var ownersTagging = map[string]bool{"PutObjectTagging": true, "DeleteObjectTagging": true,
	"PutObjectAnnotation": true, "DeleteObjectAnnotation": true}

// bucketOwnerKeeps are the object reads that stay the bucket owner's
// whoever owns the object (bucketOwnerMayBeRefused).
var bucketOwnerKeeps = map[string]bool{"GetObjectRetention": true, "GetObjectLegalHold": true}

// canRead decides whether rc's principal may read bucket/key (a copy
// source), as authorize would decide a GetObject of its version
// versionID ("": the latest): an object's ACL is its version's, so a
// grant on the latest version reads no older one. A missing bucket or
// object passes, so the handler reports it.
//
// Another bucket's gates (referer whitelist, request payment, TLS
// settings) hold for a read of it as for a GetObject: S3 documents that a
// copy whose source bucket is requester-pays needs x-amz-request-payer,
// and OSS's hot-link protection and HTTPS settings guard every read.
func (s *server) canRead(rc *request, bucket, key, versionID string) error {
	_, err := s.canReadPinned(rc, bucket, key, versionID)
	return err
}

// canReadPinned is canRead also returning, when the decision hung on the
// object (its ACL or tags were read) or found no bucket, the object it
// was made for: a copy pins its source to it (engine.SourcePin), so that
// a source overwritten or created after the decision is decided again
// rather than copied. Nil when the decision did not read the object
// (the bucket owner without a policy). set, as canActAccess's, may give
// the decision the source the handler read (access.object).
func (s *server) canReadPinned(rc *request, bucket, key, versionID string, set ...func(*access)) (*engine.SourcePin, error) {
	in, err := s.canActAccess(rc, bucket, key, versionID, "GetObject", permObjectRead, "X-Amz-Source-Expected-Bucket-Owner", set...)
	if isNotFound(err) {
		return &engine.SourcePin{}, nil // nothing there: anything that appears is decided again
	}
	if err != nil {
		return nil, err
	}
	var pin *engine.SourcePin
	if in != nil && in.loaded {
		pin = objectPin(in.object)
	}
	return pin, s.otherBucketGates(rc, bucket)
}

// canReadObject decides whether rc's principal may read info, the
// object at key of rc's bucket that the handler read, as a GetObject of it
// is decided (its owner, writing dialect and ACL, the bucket's policy),
// on that object rather than on one read again. A read through a link
// also needs its target (canReadTarget, the caller's). It is the read a
// route taking only a bucket write needs besides when its answer is
// derived from the object's data (OSS CreateSelectObjectMeta) or its
// change replaces what the object's readers see (Sina PUT ?meta, as S3's
// copy onto itself needs s3:GetObject), and the read the website's "dir"
// to "dir/" redirect tells of its index page.
func (s *server) canReadObject(rc *request, key string, info *engine.ObjectInfo) error {
	opened := *info
	_, err := s.canActAccess(rc, rc.op.Bucket, key, "", "GetObject", permObjectRead, "", func(in *access) { in.object = &opened })
	return err
}

// readFailure answers err, a failure to read key of rc's bucket (a key
// missing, a link whose target is missing, an archived object, through
// a link an archived target: each tells something of the object), for a
// route that takes only a bucket write and decides the read of the
// object it opens (canReadObject): as
// a GetObject of key would be answered, so a caller who may neither
// read the object nor list the bucket is refused (AccessDenied), not
// told whether the key exists. A failure to decide is the error.
func (s *server) readFailure(rc *request, key string, err error) error {
	if _, internal := toError(err); internal {
		return err
	}
	// An archived object's refusal is decided on the object it judged
	// (through a link, its target's state is told).
	if rerr := s.decideJudgedAt(rc, key, err); rerr != nil {
		return rerr
	}
	if rerr := s.canAct(rc, rc.op.Bucket, key, "", "GetObject", permObjectRead, ""); rerr != nil {
		return rerr
	}
	return err
}

// canReadTarget decides, when info (an object of rc's bucket opened for
// its body or headers) is a symlink, a read of the link's target: every
// body read through a link is the target's, so whoever reads it must be
// able to read the target (a policy or an access point scoped to a
// prefix must not be escaped by a link pointing out of it). GetObject,
// HeadObject, SelectObject, CreateSelectObjectMeta, image processing and
// its watermarks, GetObjectAttributes, Sina's GET ?meta and the
// website's pages all go through it. The read is decided on the target the engine opened with
// info (engine.ObjectInfo.LinkTarget), as canReadObject decides, not on
// one read again: a target overwritten in between (a public-read one
// replaced by a private one) is never served under a decision made for
// another. A link's record that was not read through (no LinkTarget)
// has its target decided as read now.
func (s *server) canReadTarget(rc *request, info *engine.ObjectInfo) error {
	if info.Type != engine.ObjectSymlink || s.cfg.Permissive {
		return nil
	}
	if s.cfg.targetOpened != nil {
		s.cfg.targetOpened(rc.op.Bucket, info.SymlinkTarget)
	}
	if info.LinkTarget == nil {
		return s.canRead(rc, rc.op.Bucket, info.SymlinkTarget, "")
	}
	return s.canReadObject(rc, info.SymlinkTarget, info.LinkTarget)
}

// canWrite decides whether rc's principal may write bucket/key (where
// ProcessObject saves), as authorize would decide a PutObject. A missing
// bucket is NoSuchBucket.
func (s *server) canWrite(rc *request, bucket, key string) error {
	if err := s.canAct(rc, bucket, key, "", "PutObject", permBucketWrite, ""); err != nil {
		return err
	}
	// Another bucket's gates (referer whitelist, request payment, TLS
	// settings) hold for a write into it as for a request to it.
	return s.otherBucketGates(rc, bucket)
}

// otherBucketGates applies bucket's gates (its TLS settings, referer
// whitelist and request payment) to rc, which reads or writes it besides
// its own bucket, as authorize applies them to the request's own bucket.
// A missing bucket passes (canAct reported it).
func (s *server) otherBucketGates(rc *request, bucket string) error {
	if bucket == rc.op.Bucket || s.cfg.Permissive {
		return nil // authorize passed the request's own bucket's gates
	}
	b, err := s.eng.Bucket(rc.ctx, bucket)
	if err != nil {
		if isNotFound(err) {
			return nil
		}
		return err
	}
	if rc.r.TLS != nil {
		if err := s.tlsAllowed(rc, bucket); err != nil {
			return err
		}
	}
	return s.bucketGates(rc, b)
}

// canAct decides whether rc's principal may run op (needing perm) on
// bucket/key (its version versionID, "" the latest), another object than
// the request's own; ownerHeader, when set, names the header that may
// state the bucket's expected owner.
func (s *server) canAct(rc *request, bucket, key, versionID, op string, p perm, ownerHeader string) error {
	_, err := s.canActAccess(rc, bucket, key, versionID, op, p, ownerHeader)
	return err
}

// canActOnCopy is canAct for op (needing perm) on the object a copy
// writes at bucket/key (its annotations): the copy is the copier's, so
// the bucket owner is not refused for the object the copy replaces,
// whoever owns that one (only a policy's Deny refuses it).
func (s *server) canActOnCopy(rc *request, bucket, key, op string, p perm) error {
	_, err := s.canActAccess(rc, bucket, key, "", op, p, "", func(in *access) { in.copyTarget = true })
	return err
}

// canActAccess is canAct also returning the access it decided (nil when
// it decided without one), after applying set to it (canActOnCopy).
func (s *server) canActAccess(rc *request, bucket, key, versionID, op string, p perm, ownerHeader string, set ...func(*access)) (*access, error) {
	b, err := s.eng.Bucket(rc.ctx, bucket)
	if err != nil {
		return nil, err
	}
	if ownerHeader != "" {
		if err := checkOwnerHeader(rc, ownerHeader, b.Owner); err != nil {
			return nil, err
		}
	}
	if ap := rc.accessPointOf(b); ap != nil && ap == rc.ap {
		// Through an access point, its policy decides this object too
		// (a copy source's was decided when its alias was resolved).
		if err := s.accessPointAllows(rc, ap, b, op, key, versionID); err != nil {
			return nil, err
		}
	}
	if policyEvaluator == nil && (s.cfg.Permissive || owns(rc.who, b.Owner) && !bucketOwnerMayBeRefused(b, key, op, p)) {
		return nil, nil
	}
	in := &access{ctx: rc.ctx, rc: rc, r: rc.r, dialect: rc.d.name, who: rc.who, op: op, perm: p,
		bucket: b, key: key, versionID: versionID, objectFollowsBucket: rc.d.acl.objectDefaultFollowsBucket,
		writerKeepsObjects: rc.d.acl.writerKeepsObjects, grantsNot: rc.d.acl.grantsNot[op]}
	for _, f := range set {
		f(in)
	}
	return in, s.check(in)
}

// load reads what decisions about in may need besides the bucket record:
// the bucket's Public Access Block and Object Ownership, and the object
// of an object permission. It reads once.
func (in *access) load(s *server) error {
	if in.loaded {
		return nil
	}
	var err error
	if in.pab, in.ownership, err = s.accessSettings(in.ctx, in.bucket); err != nil {
		return err
	}
	if in.object == nil && in.readsObject() {
		if err := in.readObject(s); err != nil {
			return err
		}
	}
	if in.uploadID != "" {
		up, err := s.eng.Upload(in.ctx, in.bucket.Name, in.key, in.uploadID)
		switch {
		case err == nil:
			in.uploadOwner = up.Initiator
			if in.uploadOwner == "" {
				in.uploadOwner = in.bucket.Owner
			}
		case !errors.Is(err, engine.ErrNoSuchUpload):
			return err
		}
	}
	in.loaded = true
	return nil
}

// loadObject reads, after load, the object of an operation whose
// decisions by ACL do not depend on it (readsObject false: a tag write
// through OSS or Sina, which have no grantsNot) when a decision still
// asks whose it is (the bucket owner's in decide, a policy's Allow in
// evaluatePolicy).
func (in *access) loadObject(s *server) error {
	if in.object != nil || in.key == "" || in.readsObject() { // load read it, or found it missing
		return nil
	}
	return in.readObject(s)
}

// readObject reads in's object into in.object (nil when it is missing).
func (in *access) readObject(s *server) error {
	info, err := s.eng.HeadObjectVersion(in.ctx, in.bucket.Name, in.key, in.versionID)
	if err == nil && info.Type == engine.ObjectSymlink || errors.Is(err, engine.ErrSymlinkTargetNotExist) || errors.Is(err, engine.ErrInvalidTargetType) {
		// A symlink is decided on its own record (its owner, ACL and
		// writing dialect, which a read through it keeps; the target
		// is decided by canReadTarget): the record a copy of it
		// copies, and the one there when its target is missing or
		// another link.
		link, lerr := s.eng.GetSymlinkVersion(in.ctx, in.bucket.Name, in.key, in.versionID)
		if !errors.Is(lerr, engine.ErrNotSymlink) { // replaced meanwhile: what HeadObjectVersion read
			info, err = link, lerr
		}
	}
	switch {
	case err == nil:
		in.object = &info
	case !errors.Is(err, engine.ErrNoSuchKey) && !errors.Is(err, engine.ErrNoSuchVersion) &&
		!errors.Is(err, engine.ErrVersionIsDeleteMarker) && !errors.Is(err, engine.ErrInvalidVersionID):
		// A missing object or version: the handler reports it to
		// whoever may list the bucket.
		return err
	}
	return nil
}

// readsObject reports whether decisions about in depend on its object,
// which load then reads (in.object stays nil when it is missing).
func (in *access) readsObject() bool {
	return in.key != "" && (in.perm == permObjectRead || in.perm == permObjectReadACP || in.perm == permObjectWriteACP || in.grantsNot)
}

// check decides in and answers a refusal with AccessDenied.
func (s *server) check(in *access) error {
	d, err := s.decide(in)
	if err != nil {
		return err
	}
	if d != allow {
		return errAccessDenied()
	}
	return nil
}

// decide combines the sources (see the top of this file): allow or deny.
func (s *server) decide(in *access) (decision, error) {
	pol := noOpinion
	if policyEvaluator != nil {
		d, err := policyEvaluator(s, in)
		if err != nil {
			return deny, err
		}
		if d == deny {
			return deny, nil
		}
		pol = d
	}
	if s.cfg.Permissive || pol == allow {
		return allow, nil
	}
	if owns(in.who, in.bucket.Owner) {
		if in.copyTarget || !bucketOwnerMayBeRefused(in.bucket, in.key, in.op, in.perm) {
			return allow, nil // the bucket owner owns everything in it
		}
		if in.deferOwner && !in.loaded {
			in.ownerDeferred = true // decided on the object opened
			return allow, nil
		}
		if err := in.load(s); err != nil {
			return deny, err
		}
		if err := in.loadObject(s); err != nil { // a tag write through OSS: no OSS ACL decision read it
			return deny, err
		}
		// A missing object is the handler's to report; an object written
		// by the server or the bucket owner, or through a dialect whose
		// rule gives every object to the bucket owner, or any under
		// BucketOwnerEnforced, is the bucket owner's.
		if in.bucketOwnersObject() || in.writersACLAllows() {
			return allow, nil
		}
		return deny, nil
	}
	if in.perm == permOwner {
		return deny, nil
	}
	if err := in.load(s); err != nil {
		return deny, err
	}
	if in.objectOwner() || in.aclAllows() {
		return allow, nil
	}
	return deny, nil
}

// objectOwner reports whether the principal owns the object in asks for:
// its writer does, unless ACLs are disabled (then the bucket owner owns
// every object).
func (in *access) objectOwner() bool {
	if in.object == nil || in.ownership == bucketconfig.OwnershipBucketOwnerEnforced {
		return false
	}
	owner := in.object.Owner
	if owner == "" {
		// Written by the server itself (exports, logs, saved images) or
		// by no one in particular: the bucket owner's, never everyone's.
		owner = in.bucket.Owner
	}
	return owns(in.who, owner)
}

// bucketOwnersObject reports whether the object in asks for is the
// bucket owner's, so that the bucket's policy reaches it: it is missing
// (the one to be written, or a key the handler reports missing), the
// server or the bucket owner wrote it, ACLs are disabled
// (BucketOwnerEnforced), or the rule of the dialect that wrote it gives
// it to the bucket owner (writerKeeps). S3: "The permissions attached to
// the bucket apply to all of the objects in the bucket that are owned by
// the bucket owner. These permissions don't apply to objects that are
// owned by other AWS accounts" (User Guide, "Bucket policies for Amazon
// S3"); for an object another account owns, the bucket policy is read
// for an explicit Deny only, and the object owner's ACL decides ("How
// Amazon S3 authorizes a request for an object operation").
func (in *access) bucketOwnersObject() bool {
	o := in.object
	return o == nil || o.Owner == "" || o.Owner == in.bucket.Owner || in.ownership == bucketconfig.OwnershipBucketOwnerEnforced ||
		!writerKeeps(o, in.writerKeepsObjects)
}

// writersACLAllows is aclAllows for the bucket owner on an object its
// writer keeps. The object's ACL is read as the dialect that wrote it
// reads ACLs (S3: no ACL grants its tags; grants to the owner by
// bucket-owner-read, bucket-owner-full-control or its ID count). An
// asking dialect whose objects without an ACL of their own follow their
// bucket's ACL (OSS, for an ACL set through OSS) opens such an object to
// the bucket owner only as far as the bucket's ACL opens it to everyone
// (public-read: an anonymous OSS read is served it too), not through the
// bucket owner's own grant on its bucket, which would make every such
// object the bucket owner's again.
func (in *access) writersACLAllows() bool {
	m := writingModel(in.object.Dialect)
	if m == nil {
		return in.aclAllows()
	}
	as := *in
	as.objectFollowsBucket, as.grantsNot = m.objectDefaultFollowsBucket, m.grantsNot[in.op]
	if as.aclAllows() {
		return true
	}
	if as.grantsNot || !in.objectFollowsBucket || as.objectFollowsBucket {
		return false
	}
	as.objectFollowsBucket, as.who = true, principal{} // authenticated, no one in particular
	return as.aclAllows()
}

// aclAllows reports whether an ACL grants in.
func (in *access) aclAllows() bool {
	if in.ownership == bucketconfig.OwnershipBucketOwnerEnforced {
		return false // ACLs are disabled
	}
	ignorePublic := in.pab != nil && in.pab.IgnorePublicAcls
	b := in.bucket
	bucketGrants := func() []engine.Grant { return effectiveGrants(b.ACL, b.Owner, b.Owner) }
	if in.grantsNot {
		// No grant gives the operation; callers who may list learn that
		// the key is missing, as for a read.
		return in.key != "" && in.object == nil && granted(bucketGrants(), in.who, permRead, ignorePublic)
	}
	var need string
	switch in.perm {
	case permBucketRead:
		need = permRead
	case permBucketWrite:
		if in.op == "DeleteObject" && in.versionID != "" {
			// Deleting a version for good is s3:DeleteObjectVersion, which
			// a WRITE grant gives only to the bucket owner (S3's mapping of
			// ACL permissions): a grantee's delete is a delete marker.
			return false
		}
		if initiatorOps[in.op] {
			// The upload's initiator, not every grantee (a missing
			// upload: no one but the owner learns it is missing).
			return in.uploadOwner != "" && owns(in.who, in.uploadOwner)
		}
		need = permWrite
	case permBucketReadACP:
		need = permReadACP
	case permBucketWriteACP:
		need = permWriteACP
	case permObjectRead, permObjectReadACP, permObjectWriteACP:
		if in.object == nil {
			// Callers who may list learn that the key is missing; others
			// are refused.
			return granted(bucketGrants(), in.who, permRead, ignorePublic)
		}
		need = map[perm]string{permObjectRead: permRead, permObjectReadACP: permReadACP, permObjectWriteACP: permWriteACP}[in.perm]
		acl := in.object.ACL
		if in.objectFollowsBucket && !b.ACL.ObjectsPrivate && len(acl.Grants) == 0 && (acl.Canned == "" || acl.Canned == "default") {
			return granted(bucketGrants(), in.who, need, ignorePublic)
		}
		return granted(effectiveGrants(acl, in.object.Owner, b.Owner), in.who, need, ignorePublic)
	default: // permOwner
		return false
	}
	return granted(bucketGrants(), in.who, need, ignorePublic)
}

// granted reports whether grants give who the permission p. With
// ignorePublic, grants to AllUsers and AuthenticatedUsers count for
// nothing (IgnorePublicAcls).
func granted(grants []engine.Grant, who principal, p string, ignorePublic bool) bool {
	for _, g := range grants {
		if g.Permission != p && g.Permission != permFullControl {
			continue
		}
		switch {
		case g.GranteeType == "Group" && g.URI == groupAllUsers && !ignorePublic:
			return true
		case g.GranteeType == "Group" && g.URI == groupAuthenticated && !who.anonymous && !ignorePublic:
			return true
		case g.GranteeType == "CanonicalUser" && !who.anonymous && g.ID == who.id:
			return true
		}
	}
	return false
}

// owns reports whether who owns a resource whose owner is owner. Resources
// with no recorded owner (seeded through the engine API) belong to every
// authenticated principal.
func owns(who principal, owner string) bool {
	return !who.anonymous && (owner == "" || owner == who.id)
}

// accessSettings reads a bucket's Public Access Block (nil when none) and
// Object Ownership rule ("" when none). The block is the bucket's joined
// with its owner's account-level one (OSS's service ?publicAccessBlock):
// a flag set in either holds.
func (s *server) accessSettings(ctx context.Context, b engine.BucketInfo) (*bucketconfig.PublicAccessBlock, string, error) {
	var pab *bucketconfig.PublicAccessBlock
	c, err := s.eng.BucketConfigValue(ctx, b.Name, bucketconfig.KindPublicAccessBlock)
	switch {
	case err == nil:
		pab = c.(*bucketconfig.PublicAccessBlock)
	case !errors.Is(err, engine.ErrNoSuchConfig):
		return nil, "", err
	}
	if b.Owner != "" {
		c, err := s.eng.AccountConfigValue(ctx, b.Owner, bucketconfig.KindPublicAccessBlock)
		switch {
		case err == nil:
			pab = pab.Join(c.(*bucketconfig.PublicAccessBlock))
		case !errors.Is(err, engine.ErrNoSuchConfig):
			return nil, "", err
		}
	}
	own, err := s.ownershipOf(ctx, b.Name)
	return pab, own, err
}

// ownershipOf reads a bucket's Object Ownership rule ("" when none).
func (s *server) ownershipOf(ctx context.Context, bucket string) (string, error) {
	c, err := s.eng.BucketConfigValue(ctx, bucket, bucketconfig.KindOwnership)
	switch {
	case err == nil:
		return c.(*bucketconfig.Ownership).Rule, nil
	case errors.Is(err, engine.ErrNoSuchConfig):
		return "", nil
	}
	return "", err
}

// Rows of the error table (codes, errors.go) for identities and access
// controls, added here to keep this feature in its own files.
func init() {
	for code, row := range map[string]codeRow{
		"InvalidToken": {status: 400, message: "The provided token is malformed or otherwise invalid.",
			oss: dialectCode{name: "InvalidSecurityToken", status: 403, message: "The security token you provided is invalid.", ec: "0002-00000008"}},
		"InvalidSecurityToken":                 {status: 403, message: "The security token you provided is invalid.", oss: dialectCode{ec: "0002-00000008"}},
		"SecurityTokenExpired":                 {status: 403, message: "The security token you provided has expired.", oss: dialectCode{ec: "0002-00000007"}},
		"AccessControlListNotSupported":        {status: 400, message: "The bucket does not allow ACLs"},
		"InvalidBucketAclWithObjectOwnership":  {status: 400, message: "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"},
		"NoSuchPublicAccessBlockConfiguration": {status: 404, message: "The public access block configuration was not found", facts: []fact{factBucket}},
		"OwnershipControlsNotFoundError":       {status: 404, message: "The bucket ownership controls were not found", facts: []fact{factBucket}},
	} {
		codes[code] = row
	}
	// OSS names an expired STS token SecurityTokenExpired (403).
	expired := codes["ExpiredToken"]
	expired.oss = dialectCode{name: "SecurityTokenExpired", status: 403, message: "The security token you provided has expired.", ec: "0002-00000007"}
	codes["ExpiredToken"] = expired
}

// checkOwnerHeader refuses a request whose header (x-amz-expected-bucket-
// owner, or a copy's x-amz-source-expected-bucket-owner) names another
// account than owner's (S3: 403 AccessDenied, whoever asks, so a client
// never acts on a bucket it did not mean). The owner is named by its
// account ID (the 12 digits policies use) or its canonical ID.
func checkOwnerHeader(rc *request, header, owner string) error {
	if !rc.d.behave.expectedBucketOwner || owner == "" {
		return nil
	}
	v := rc.r.Header.Get(header)
	if v == "" || v == owner || v == policyAccount(owner) {
		return nil
	}
	return errAccessDenied()
}
