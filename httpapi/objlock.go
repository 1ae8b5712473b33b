package httpapi

import (
	"encoding/xml"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/osslite/osslite/pkg/policy"
)

// S3 Object Lock on the wire: x-amz-bucket-object-lock-enabled on
// CreateBucket, the ?object-lock configuration (a row of configRows),
// the x-amz-object-lock-* headers of PutObject, CopyObject and
// CreateMultipartUpload and of GET/HEAD, ?retention and ?legal-hold on
// objects, and x-amz-bypass-governance-retention. The engine keeps the
// settings with each version and refuses deletes in the delete's own
// batch (engine/objlock.go).

// lockTimeFormat is how S3 writes retain-until dates.
const lockTimeFormat = "2006-01-02T15:04:05.000Z"

// objectLockRow is the ?object-lock configuration row (S3 only).
var objectLockRow = &configRow{
	sub: "object-lock", kind: bucketconfig.KindObjectLock, root: "ObjectLockConfiguration",
	get: "GetObjectLockConfiguration", put: "PutObjectLockConfiguration", perm: permOwner, only: "s3",
	digests: digestsRequired, // S3 requires Content-MD5 or a flexible checksum
	parse:   parseObjectLockConfig,
	render:  renderObjectLockConfig,
	missing: func(rc *request) (any, error) {
		return nil, errorf("ObjectLockConfigurationNotFoundError", "").with("BucketName", rc.op.Bucket)
	},
}

type objectLockDoc struct {
	XMLName           xml.Name
	ObjectLockEnabled string             `xml:"ObjectLockEnabled,omitempty"`
	Rule              *objectLockRuleDoc `xml:"Rule,omitempty"`
}

type objectLockRuleDoc struct {
	DefaultRetention *defaultRetentionDoc `xml:"DefaultRetention"`
}

type defaultRetentionDoc struct {
	Mode  string `xml:"Mode,omitempty"`
	Days  *int   `xml:"Days,omitempty"`
	Years *int   `xml:"Years,omitempty"`
	// DefaultEventHold is read only to be refused (errEventHold).
	DefaultEventHold *refusedXML `xml:"DefaultEventHold,omitempty"`
}

// errEventHold refuses S3 Object Lock event holds (a bucket's
// DefaultEventHold, an object's EventHold and EventHoldDuration), which
// are not implemented: taking them without holding the objects would
// leave them deletable.
func errEventHold(what string) error {
	return errorf("NotImplemented", "S3 Object Lock event holds (%s) are not implemented.", what)
}

// parseObjectLockConfig parses an ObjectLockConfiguration: S3 answers
// MalformedXML for a document that is not one (ObjectLockEnabled other
// than Enabled, a rule without a mode or with both or neither period) and
// InvalidArgument for a period that is not positive.
func parseObjectLockConfig(_ *request, data []byte) (bucketconfig.Config, error) {
	var d objectLockDoc
	if err := xml.Unmarshal(data, &d); err != nil || d.XMLName.Local != "ObjectLockConfiguration" || d.ObjectLockEnabled != "Enabled" {
		return nil, errorf("MalformedXML", "")
	}
	if err := checkElements(data, &d); err != nil {
		return nil, err
	}
	c := &bucketconfig.ObjectLock{}
	if d.Rule == nil {
		return c, nil
	}
	r := d.Rule.DefaultRetention
	if r != nil && r.DefaultEventHold != nil {
		return nil, errEventHold("DefaultEventHold")
	}
	if r == nil || (r.Days == nil) == (r.Years == nil) {
		return nil, errorf("MalformedXML", "")
	}
	switch r.Mode {
	case "GOVERNANCE", "COMPLIANCE":
	default:
		return nil, errorf("MalformedXML", "")
	}
	c.Mode = r.Mode
	n, max, unit := r.Days, bucketconfig.MaxObjectLockDays, "Days"
	if r.Years != nil {
		n, max, unit = r.Years, bucketconfig.MaxObjectLockYears, "Years"
	}
	if *n <= 0 {
		return nil, errorf("InvalidArgument", "Default retention period must be a positive integer value.").with("ArgumentName", unit)
	}
	if *n > max {
		return nil, errorf("InvalidArgument", "Default retention period is too large.").with("ArgumentName", unit)
	}
	if r.Years != nil {
		c.Years = *n
	} else {
		c.Days = *n
	}
	return c, nil
}

func renderObjectLockConfig(_ *request, c bucketconfig.Config) any {
	ol := c.(*bucketconfig.ObjectLock)
	d := &objectLockDoc{ObjectLockEnabled: "Enabled"}
	if ol.Mode != "" {
		r := &defaultRetentionDoc{Mode: ol.Mode}
		if ol.Years > 0 {
			r.Years = &ol.Years
		} else {
			r.Days = &ol.Days
		}
		d.Rule = &objectLockRuleDoc{DefaultRetention: r}
	}
	return d
}

func errNoObjectLock() error {
	return errorf("InvalidRequest", "Bucket is missing Object Lock Configuration")
}

func errLockArgument(msg string) error { return errorf("InvalidArgument", "%s", msg) }

// parseLockMode checks a retention mode as the wire names it.
func parseLockMode(v string) (engine.RetentionMode, error) {
	switch m := engine.RetentionMode(v); m {
	case engine.RetentionGovernance, engine.RetentionCompliance:
		return m, nil
	}
	return "", errLockArgument("Unknown wormMode directive.")
}

// lockHeaders reads the x-amz-object-lock-* headers of a write. present
// says whether any was sent; a bucket without Object Lock refuses them.
// lockAllowed refuses a write's retention or legal hold (lockHeaders) to
// a caller who may not set them (PutObjectRetention, PutObjectLegalHold:
// the bucket owner or a policy's grantee): a bucket writer's objects must
// stay the owner's to delete.
func (s *server) lockAllowed(rc *request, r engine.Retention, hold bool) error {
	if r.Mode != "" {
		if err := s.canAct(rc, rc.op.Bucket, rc.op.Key, "", "PutObjectRetention", permOwner, ""); err != nil {
			return err
		}
	}
	if hold {
		return s.canAct(rc, rc.op.Bucket, rc.op.Key, "", "PutObjectLegalHold", permOwner, "")
	}
	return nil
}

func (rc *request) lockHeaders() (r engine.Retention, hold, present bool, err error) {
	mode, until, lh := rc.header("object-lock-mode"), rc.header("object-lock-retain-until-date"), rc.header("object-lock-legal-hold")
	if mode == "" && until == "" && lh == "" {
		return r, false, false, nil
	}
	if (mode == "") != (until == "") {
		return r, false, true, errLockArgument("x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied")
	}
	if mode != "" {
		if r.Mode, err = parseLockMode(mode); err != nil {
			return r, false, true, err
		}
		if r.Until, err = time.Parse(time.RFC3339, until); err != nil {
			h := rc.d.h("object-lock-retain-until-date")
			return r, false, true, errorf("InvalidArgument", "The retain until date must be provided in ISO 8601 format").with("ArgumentName", h).with("ArgumentValue", until)
		}
	}
	switch lh {
	case "", "OFF":
	case "ON":
		hold = true
	default:
		return r, false, true, errLockArgument("Legal Hold must be either of 'ON' or 'OFF'")
	}
	// The headers are checked first, then whether the bucket takes them
	// (S3 words this refusal of a write's headers without spaces).
	if rc.bucket != nil && !rc.bucket.ObjectLock {
		return r, false, true, errorf("InvalidRequest", "Bucket is missing ObjectLockConfiguration")
	}
	return r, hold, true, nil
}

// futureRetention refuses, before any body is read, a retain-until date
// that is not in the future on the engine clock (the engine checks again
// at commit).
func (s *server) futureRetention(r engine.Retention) error {
	if r.Mode != "" && !s.clock.Now().Before(r.Until) {
		return errLockArgument("The retain until date must be in the future!")
	}
	return nil
}

// writeLockHeaders reports a version's Object Lock settings on GET/HEAD.
func (rc *request) writeLockHeaders(info engine.ObjectInfo) {
	h := rc.w.Header()
	if info.Retention.Mode != "" {
		h.Set(rc.d.h("object-lock-mode"), string(info.Retention.Mode))
		h.Set(rc.d.h("object-lock-retain-until-date"), info.Retention.Until.UTC().Format(lockTimeFormat))
	}
	if info.LegalHoldSet {
		h.Set(rc.d.h("object-lock-legal-hold"), legalHoldStatus(info))
	}
}

// requireLockDigest refuses a PutObject with Object Lock headers that
// carries neither Content-MD5 nor a flexible checksum, as S3 does.
// bucketDefaultRetention reports whether rc's bucket retains new objects
// by default (an Object Lock configuration with a default retention):
// one cached configuration lookup, only in buckets with Object Lock.
func (s *server) bucketDefaultRetention(rc *request) (bool, error) {
	b, err := s.bucketOf(rc)
	if err != nil || !b.ObjectLock {
		return false, err
	}
	c, err := s.eng.BucketConfigValue(rc.ctx, rc.op.Bucket, bucketconfig.KindObjectLock)
	if errors.Is(err, engine.ErrNoSuchConfig) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return c.(*bucketconfig.ObjectLock).Mode != "", nil
}

func (rc *request) requireLockDigest() error {
	if rc.r.Header.Get("Content-MD5") != "" || rc.header("sdk-checksum-algorithm") != "" {
		return nil
	}
	if ck, err := rc.checksumInput(); err != nil || ck != nil {
		return err
	}
	return errorf("InvalidRequest", "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters")
}

// mayBypassGovernance reports whether the request asks to bypass
// GOVERNANCE retention and may: the bucket owner, or a caller a bucket
// policy allows s3:BypassGovernanceRetention (an explicit Deny wins).
func (s *server) mayBypassGovernance(rc *request, key string) (bool, error) {
	if v := rc.header("bypass-governance-retention"); v == "" || !headerTrue(v) {
		return false, nil
	}
	b, err := s.bucketOf(rc)
	if err != nil {
		return false, err
	}
	dec, err := s.policyDecision(rc, b, "BypassGovernanceRetention", key, "")
	if err != nil || dec == policy.Deny {
		return false, err
	}
	return dec == policy.Allow || s.cfg.Permissive || owns(rc.who, b.Owner), nil
}

func headerTrue(v string) bool {
	ok, err := strconv.ParseBool(v)
	return err == nil && ok
}

// lockedVersion reads the version a ?retention or ?legal-hold request
// names, in a bucket with Object Lock.
// A missing object is NoSuchKey whether or not the bucket has Object
// Lock, as S3 answers.
func (s *server) lockedVersion(rc *request) (engine.ObjectInfo, string, error) {
	vid, err := rc.versionID()
	if err != nil {
		return engine.ObjectInfo{}, "", err
	}
	info, err := s.eng.HeadObjectVersion(rc.ctx, rc.op.Bucket, rc.op.Key, vid)
	if err != nil {
		return info, vid, rc.versionError(err, vid)
	}
	if rc.bucket != nil && !rc.bucket.ObjectLock {
		return engine.ObjectInfo{}, "", errNoObjectLock()
	}
	return info, vid, nil
}

type retentionDoc struct {
	XMLName         xml.Name `xml:"Retention"`
	Mode            string   `xml:"Mode,omitempty"`
	RetainUntilDate string   `xml:"RetainUntilDate,omitempty"`
	// EventHold and EventHoldDuration are read only to be refused
	// (errEventHold).
	EventHold         string      `xml:"EventHold,omitempty"`
	EventHoldDuration *refusedXML `xml:"EventHoldDuration,omitempty"`
}

type legalHoldDoc struct {
	XMLName xml.Name `xml:"LegalHold"`
	Status  string   `xml:"Status"`
}

func (s *server) getObjectRetention(rc *request) error {
	info, _, err := s.lockedVersion(rc)
	if err != nil {
		return err
	}
	if info.Retention.Mode == "" {
		return errorf("NoSuchObjectLockConfiguration", "")
	}
	rc.writeVersionID(info.VersionID)
	return rc.d.writeDoc(rc.w, http.StatusOK, "Retention", &retentionDoc{Mode: string(info.Retention.Mode),
		RetainUntilDate: info.Retention.Until.UTC().Format(lockTimeFormat)})
}

// lockDigests is what PutObjectRetention and PutObjectLegalHold ask of
// the document's digests: S3 requires Content-MD5 or a checksum; OSS
// takes the document without either, as alibabacloud-oss-python-sdk-v2
// sends it (its put_object_retention and put_object_legal_hold add no
// Content-MD5; tests/integration/test_object_worm.py expects 200).
func (rc *request) lockDigests() digests {
	if rc.d.behave.lockWritesNeedDigest {
		return digestsRequired
	}
	return digestsOptional
}

func (s *server) putObjectRetention(rc *request) error {
	vid, err := rc.versionID()
	if err != nil {
		return err
	}
	data, err := rc.readBody(s.cfg.MaxXMLBody, rc.lockDigests())
	if err != nil {
		return err
	}
	var d retentionDoc
	if err := xml.Unmarshal(data, &d); err != nil {
		return errorf("MalformedXML", "")
	}
	if err := checkElements(data, &d); err != nil {
		return err
	}
	if d.EventHold != "" || d.EventHoldDuration != nil {
		return errEventHold("EventHold")
	}
	var r engine.Retention
	if d.Mode != "" || d.RetainUntilDate != "" {
		if d.Mode == "" || d.RetainUntilDate == "" {
			return errorf("MalformedXML", "")
		}
		if r.Mode, err = parseLockMode(d.Mode); err != nil {
			return errorf("MalformedXML", "")
		}
		if r.Until, err = time.Parse(time.RFC3339, d.RetainUntilDate); err != nil {
			return errorf("MalformedXML", "")
		}
	}
	// The document is checked first, then whether the bucket takes it.
	if rc.bucket != nil && !rc.bucket.ObjectLock {
		return errNoObjectLock()
	}
	if err := s.futureRetention(r); err != nil {
		return err
	}
	bypass, err := s.mayBypassGovernance(rc, rc.op.Key)
	if err != nil {
		return err
	}
	// The event is queued with the change.
	info, err := s.eng.SetObjectRetention(s.eventCtx(rc, "ObjectRetention:Put"), rc.op.Bucket, rc.op.Key, vid, r, bypass)
	if err != nil {
		return rc.versionError(err, vid)
	}
	rc.writeVersionID(info.VersionID)
	return writeEmpty(rc, http.StatusOK)
}

func (s *server) getObjectLegalHold(rc *request) error {
	info, _, err := s.lockedVersion(rc)
	if err != nil {
		return err
	}
	if !info.LegalHoldSet {
		return errorf("NoSuchObjectLockConfiguration", "")
	}
	rc.writeVersionID(info.VersionID)
	return rc.d.writeDoc(rc.w, http.StatusOK, "LegalHold", &legalHoldDoc{Status: legalHoldStatus(info)})
}

func legalHoldStatus(info engine.ObjectInfo) string {
	if info.LegalHold {
		return "ON"
	}
	return "OFF"
}

func (s *server) putObjectLegalHold(rc *request) error {
	vid, err := rc.versionID()
	if err != nil {
		return err
	}
	data, err := rc.readBody(s.cfg.MaxXMLBody, rc.lockDigests())
	if err != nil {
		return err
	}
	var d legalHoldDoc
	if err := xml.Unmarshal(data, &d); err != nil || (d.Status != "ON" && d.Status != "OFF") {
		return errorf("MalformedXML", "")
	}
	if err := checkElements(data, &d); err != nil {
		return err
	}
	if rc.bucket != nil && !rc.bucket.ObjectLock {
		return errNoObjectLock()
	}
	info, err := s.eng.SetObjectLegalHold(rc.ctx, rc.op.Bucket, rc.op.Key, vid, d.Status == "ON")
	if err != nil {
		return rc.versionError(err, vid)
	}
	rc.writeVersionID(info.VersionID)
	return writeEmpty(rc, http.StatusOK)
}

// Retention and legal holds are the bucket owner's to set, or a policy's
// grantee's (s3:PutObjectRetention, s3:PutObjectLegalHold): no ACL grants
// them, so a bucket writer cannot lock the owner's versions for good.
func init() {
	routes = append(routes,
		route{method: http.MethodPut, target: targetObject, params: []string{"retention"}, op: "PutObjectRetention", perm: permOwner, handle: (*server).putObjectRetention, only: "s3"},
		route{method: http.MethodGet, target: targetObject, params: []string{"retention"}, op: "GetObjectRetention", perm: permObjectRead, handle: (*server).getObjectRetention, only: "s3"},
		route{method: http.MethodPut, target: targetObject, params: []string{"legal-hold"}, op: "PutObjectLegalHold", perm: permOwner, handle: (*server).putObjectLegalHold, only: "s3"},
		route{method: http.MethodGet, target: targetObject, params: []string{"legal-hold"}, op: "GetObjectLegalHold", perm: permObjectRead, handle: (*server).getObjectLegalHold, only: "s3"},
	)
}
