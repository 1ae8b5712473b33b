package httpapi

import (
	"encoding/xml"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// xmlTime formats a timestamp for XML documents (ISO 8601 with S3's
// millisecond field: 2006-01-02T15:04:05.000Z) at whole seconds, as S3
// answers them: its listings and CopyObjectResults always say .000 (every
// one of the 89 recorded against AWS in gocloud.dev's s3blob replays, and
// the S3 and OSS API references' examples), and the Last-Modified header has
// whole seconds, so a listing's LastModified equals HEAD's for the same
// object. The fraction is dropped, not rounded, as the header drops it.
func xmlTime(t time.Time) string {
	var b [24]byte
	return string(appendXMLTime(b[:0], t))
}

// appendXMLTime appends t as xmlTime formats it. Listings format one per
// key, so it writes the digits itself (a third of time.Format's cost);
// years outside 0-9999 go through time.AppendFormat.
func appendXMLTime(dst []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.Truncate(time.Second).AppendFormat(dst, "2006-01-02T15:04:05.000Z")
	}
	hour, min, sec := t.Clock()
	var b [24]byte
	putDigits(b[0:4], year)
	b[4] = '-'
	putDigits(b[5:7], int(month))
	b[7] = '-'
	putDigits(b[8:10], day)
	b[10] = 'T'
	putDigits(b[11:13], hour)
	b[13] = ':'
	putDigits(b[14:16], min)
	b[16] = ':'
	putDigits(b[17:19], sec)
	b[19], b[20], b[21], b[22] = '.', '0', '0', '0'
	b[23] = 'Z'
	return append(dst, b[:]...)
}

// putDigits writes the last len(b) decimal digits of v into b, padded
// with zeros (the fixed-width fields of appendXMLTime and httpDate).
func putDigits(b []byte, v int) {
	for j := len(b) - 1; j >= 0; j-- {
		b[j] = byte('0' + v%10)
		v /= 10
	}
}

// listAllMyBucketsResult is S3's ListBuckets document. Owner comes
// before Buckets, as S3 writes it: AWS SDK for Java v1 gives each bucket
// the Owner it has already read (LocalStack's AWS-validated
// test_response_structure asserts the order).
type listAllMyBucketsResult struct {
	XMLName           xml.Name
	Owner             owner       `xml:"Owner"`
	Buckets           []xmlBucket `xml:"Buckets>Bucket"`
	ContinuationToken string      `xml:"ContinuationToken,omitempty"`
	Prefix            string      `xml:"Prefix,omitempty"`
}

type xmlBucket struct {
	Name         string `xml:"Name"`
	CreationDate string `xml:"CreationDate"`
	BucketRegion string `xml:"BucketRegion,omitempty"`
}

func (s *server) listBuckets(rc *request) error {
	if rc.d.behave.directoryBuckets && rc.auth != nil && rc.auth.Scope.Service == "s3express" {
		// GET / signed for s3express is ListDirectoryBuckets as botocore
		// sends it (the S3 Express control endpoint's, with no x-id).
		rc.op.Operation = "ListDirectoryBuckets"
		return s.listDirectoryBuckets(rc)
	}
	all, err := s.callerBuckets(rc)
	if err != nil {
		return err
	}
	return rc.d.listBuckets(s, rc, all)
}

// callerBuckets returns the buckets rc's caller may list (owns): from
// the engine's owner index, so that a listing costs the caller's buckets
// and not every bucket of the store; every bucket on a permissive
// server, none for an anonymous caller. Listings filter by owns again.
func (s *server) callerBuckets(rc *request) ([]engine.BucketInfo, error) {
	switch {
	case s.cfg.Permissive:
		return s.eng.ListBuckets(rc.ctx)
	case rc.who.anonymous:
		return nil, nil
	}
	return s.eng.ListBucketsOf(rc.ctx, rc.who.id)
}

// BucketInfo document (service-bucket.md 6.10, clients.md).
type ossBucketInfo struct {
	XMLName xml.Name
	Bucket  struct {
		AccessMonitor string `xml:"AccessMonitor"`
		ossBucketXML
		DataRedundancyType     string `xml:"DataRedundancyType"`
		TransferAcceleration   string `xml:"TransferAcceleration"`
		CrossRegionReplication string `xml:"CrossRegionReplication"`
		ResourceGroupID        string `xml:"ResourceGroupId"`
		Owner                  owner  `xml:"Owner"`
		Grant                  string `xml:"AccessControlList>Grant"`
		Comment                string `xml:"Comment"`
		Versioning             string `xml:"Versioning"`
		BlockPublicAccess      bool   `xml:"BlockPublicAccess"`
		SSE                    struct {
			SSEAlgorithm      string `xml:"SSEAlgorithm"`
			KMSMasterKeyID    string `xml:"KMSMasterKeyID,omitempty"`
			KMSDataEncryption string `xml:"KMSDataEncryption,omitempty"`
		} `xml:"ServerSideEncryptionRule"`
		BucketPolicy struct {
			LogBucket string `xml:"LogBucket"`
			LogPrefix string `xml:"LogPrefix"`
		} `xml:"BucketPolicy"`
	} `xml:"Bucket"`
}

// getBucketInfo is the OSS GetBucketInfo operation.
func (s *server) getBucketInfo(rc *request) error {
	b, err := s.bucketOf(rc)
	if err != nil {
		return err
	}
	var info ossBucketInfo
	bk := &info.Bucket
	bk.ossBucketXML = s.ossBucket(rc, b)
	bk.AccessMonitor, bk.DataRedundancyType, bk.ResourceGroupID = "Disabled", b.Redundancy, bucketconfig.DefaultResourceGroup
	configs := map[bucketconfig.Kind]bucketconfig.Config{}
	for _, k := range []bucketconfig.Kind{bucketconfig.KindPublicAccessBlock, bucketconfig.KindReplication, bucketconfig.KindEncryption, bucketconfig.KindAccelerate, bucketconfig.KindResourceGroup, bucketconfig.KindAccessMonitor} {
		c, err := s.eng.BucketConfigValue(rc.ctx, b.Name, k)
		if err != nil && !errors.Is(err, engine.ErrNoSuchConfig) {
			return err
		}
		configs[k] = c
	}
	bk.TransferAcceleration, bk.CrossRegionReplication = "Disabled", "Disabled"
	if g, ok := configs[bucketconfig.KindResourceGroup].(*bucketconfig.ResourceGroup); ok {
		bk.ResourceGroupID = g.ID
	}
	if a, ok := configs[bucketconfig.KindAccelerate].(*bucketconfig.Accelerate); ok && a.Enabled {
		bk.TransferAcceleration = "Enabled"
	}
	if p, ok := configs[bucketconfig.KindPublicAccessBlock].(*bucketconfig.PublicAccessBlock); ok {
		bk.BlockPublicAccess = p.BlocksAll()
	}
	if configs[bucketconfig.KindReplication] != nil {
		bk.CrossRegionReplication = "Enabled"
	}
	if configs[bucketconfig.KindAccessMonitor] != nil {
		bk.AccessMonitor = "Enabled"
	}
	if bk.DataRedundancyType == "" {
		bk.DataRedundancyType = "LRS"
	}
	// The owner and ACL as GetBucketAcl shows them: private under
	// BucketOwnerEnforced, which disables the stored ACL.
	owner, acl, err := s.enforcedACLShown(rc, b.Owner, b.ACL)
	if err != nil {
		return err
	}
	bk.Owner = s.ownerDoc(rc.d, owner)
	bk.Grant = ossACLName(acl, false)
	if b.Versioning != engine.VersioningOff {
		bk.Versioning = b.Versioning.String() // Enabled or Suspended
	}
	bk.SSE.SSEAlgorithm = "None"
	if e, ok := configs[bucketconfig.KindEncryption].(*bucketconfig.Encryption); ok {
		d := ossSSEDefaultOf(e)
		bk.SSE.SSEAlgorithm, bk.SSE.KMSMasterKeyID, bk.SSE.KMSDataEncryption = d.SSEAlgorithm, d.KMSMasterKeyID, d.KMSDataEncryption
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "BucketInfo", &info)
}

func (s *server) regionOf(b engine.BucketInfo) string {
	if b.Region == "" {
		return s.cfg.Region
	}
	return b.Region
}

type createBucketConfiguration struct {
	LocationConstraint string `xml:"LocationConstraint"`
	// Tags the new bucket starts with (S3, since 2025).
	Tags *struct {
		Tag []xmlTag `xml:"Tag"`
	} `xml:"Tags"`
	// S3 directory buckets (express_s3.go).
	Location *directoryLocation   `xml:"Location"`
	Bucket   *directoryBucketInfo `xml:"Bucket"`
	// OSS (service-bucket.md 6.2).
	StorageClass       string `xml:"StorageClass"`
	DataRedundancyType string `xml:"DataRedundancyType"`
}

func (s *server) createBucket(rc *request) error {
	acl, err := rc.aclFromHeaders(true)
	if err != nil {
		return err
	}
	data, err := rc.readBody(s.cfg.MaxXMLBody, digestsOptional)
	if err != nil {
		return err
	}
	var c createBucketConfiguration
	if data != nil {
		if err := xml.Unmarshal(data, &c); err != nil {
			return errorf("MalformedXML", "")
		}
		if err := checkElements(data, &c); err != nil {
			return err
		}
	}
	opts := engine.BucketOptions{Region: s.cfg.Region, Owner: rc.who.id}
	if v := rc.header("bucket-object-lock-enabled"); v != "" {
		opts.ObjectLock = headerTrue(v) // objlock.go
	}
	if rc.alias != "" {
		// The name is an access point's alias (the engine refuses every
		// name ending as aliases do; this one already stands for its
		// access point's bucket).
		return errorf("InvalidBucketName", "Bucket names cannot end with %s: it ends access point aliases.", bucketconfig.AliasSuffix).with("BucketName", rc.alias)
	}
	var initial []bucketconfig.Config
	dir := isDirectoryBucket(rc.op.Bucket)
	if dir {
		if !rc.d.behave.directoryBuckets {
			// The suffix is S3's directory buckets': another dialect's
			// bucket may not take it (S3 would treat it as one).
			return errorf("InvalidBucketName", "Bucket names cannot end with %s: it ends S3 directory buckets' names.", directorySuffix).
				with("BucketName", rc.op.Bucket)
		}
		if initial, err = s.directoryBucket(rc, acl, &c); err != nil { // express_s3.go
			return err
		}
	} else {
		if err := rc.d.bucketName(rc.op.Bucket); err != nil {
			return err
		}
		if initial, err = rc.d.createBucket(s, rc, &c, &opts); err != nil {
			return err
		}
		if acl != nil {
			opts.ACL = *acl
		}
		opts.ACL = rc.bucketACLOf(opts.ACL)
		access, err := s.createBucketAccess(rc, acl)
		if err != nil {
			return err
		}
		initial = append(initial, access...)
	}
	// An owner holds at most Config.MaxBucketsPerOwner buckets (400
	// TooManyBuckets, as S3 and OSS answer past their quotas), counted by
	// the engine in the creation's own step.
	if limit := s.cfg.MaxBucketsPerOwner; limit > 0 && !s.cfg.Permissive {
		opts.MaxPerOwner = limit
	}
	err = s.eng.CreateBucket(rc.ctx, rc.op.Bucket, opts)
	if rc.d.behave.recreateOwnBucketOK && errors.Is(err, engine.ErrBucketAlreadyOwnedByYou) {
		// Creating one's own bucket again succeeds and changes nothing,
		// but with x-oss-acl it is PutBucketAcl, which OSS's form differs
		// from only by that header (Aliyun's page for EC 0015-00000104;
		// aliyun-oss-java-sdk's CreateBucketTest.testPutWithCannedACL).
		err = nil
		if acl != nil {
			err = s.recreateOwnBucketACL(rc, *acl)
		}
	} else if errors.Is(err, engine.ErrBucketAlreadyOwnedByYou) && rc.d.behave.recreateOwnBucketUSEast1 && opts.Region == usEast1 && !dir {
		err = s.recreateOwnBucket(rc, opts.ACL)
	} else if err == nil {
		// The configurations the new bucket starts with.
		for _, c := range initial {
			if err = s.eng.SetBucketConfig(rc.ctx, rc.op.Bucket, c); err != nil {
				break
			}
		}
	}
	if err != nil {
		return err
	}
	rc.w.Header().Set("Location", s.createdLocation(rc, opts.Region, dir))
	rc.w.Header().Set("Content-Length", "0")
	rc.w.WriteHeader(http.StatusOK)
	return nil
}

func (s *server) headBucket(rc *request) error {
	b, err := s.bucketOf(rc)
	if err != nil {
		return err
	}
	rc.w.Header().Set(rc.d.h("bucket-region"), s.regionOf(b))
	rc.w.Header().Set(rc.d.h("access-point-alias"), "false")
	directoryHeaders(rc, b.Name)
	if rc.d.behave.headBucketXML {
		rc.w.Header().Set("Content-Type", "application/xml")
	}
	rc.w.Header().Set("Content-Length", "0")
	rc.w.WriteHeader(http.StatusOK)
	return nil
}

func (s *server) deleteBucket(rc *request) error {
	if err := s.eng.DeleteBucket(rc.ctx, rc.op.Bucket, engine.DeleteBucketOptions{AbortUploads: rc.d.behave.deleteBucketDropsUploads}); err != nil {
		return err
	}
	rc.w.WriteHeader(http.StatusNoContent)
	return nil
}

type locationConstraint struct {
	XMLName xml.Name
	Value   string `xml:",chardata"`
}

func (s *server) getBucketLocation(rc *request) error {
	b, err := s.bucketOf(rc)
	if err != nil {
		return err
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "LocationConstraint", &locationConstraint{Value: rc.d.location(s.regionOf(b), b.Constraint)})
}

func (s *server) getBucketACL(rc *request) error {
	b, err := s.bucketOf(rc)
	if err != nil {
		return err
	}
	if b.Owner, b.ACL, err = s.enforcedACLShown(rc, b.Owner, b.ACL); err != nil {
		return err
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "AccessControlPolicy", rc.d.acl.bucketDoc(s, b))
}

func (s *server) putBucketACL(rc *request) error {
	acl, err := rc.d.acl.fromRequest(rc, true, s.docLimit(maxACLDocument))
	if err == nil {
		err = s.admitACL(rc, acl)
	}
	if err != nil {
		return err
	}
	if acl == nil {
		if _, err := s.bucketOf(rc); err != nil {
			return err
		}
		return writeEmpty(rc, http.StatusOK)
	}
	if err := s.eng.SetBucketACL(rc.ctx, rc.op.Bucket, rc.bucketACLOf(*acl)); err != nil {
		return err
	}
	return writeEmpty(rc, http.StatusOK)
}

// createdLocation is CreateBucket's Location: "/<bucket>", or, in a
// dialect whose buckets outside us-east-1 are named by URL
// (behaviour.regionalBucketURL), the bucket's virtual-host URL on the
// configured domain (Config.Domains) the request came in on. S3 answers
// http://<bucket>.s3.amazonaws.com/ for such a bucket (LocalStack's
// AWS-recorded test_create_bucket_head_bucket, 2023); osslite's analogue
// is its own domain, in the request's scheme and port. A request to an
// IP address or to a host that is no configured domain has no
// virtual-host URL, and keeps "/<bucket>", as does a directory bucket.
func (s *server) createdLocation(rc *request, region string, dir bool) string {
	path := "/" + rc.op.Bucket
	if !rc.d.behave.regionalBucketURL || region == usEast1 || dir {
		return path
	}
	host := hostOf(rc.r)
	bucket, vhost, endpoint := s.domainBucket(host)
	domain := host
	switch {
	case vhost && bucket == rc.op.Bucket:
		domain = strings.TrimPrefix(host, bucket+".")
	case !endpoint:
		return path
	}
	if _, err := netip.ParseAddr(domain); err == nil || domain == "" {
		return path
	}
	scheme := "http"
	if rc.r.TLS != nil {
		scheme = "https"
	}
	if _, port, err := net.SplitHostPort(rc.r.Host); err == nil {
		domain = net.JoinHostPort(domain, port)
	}
	return scheme + "://" + rc.op.Bucket + "." + domain + "/"
}

// usEast1 is the region whose buckets S3 lets their owner create again.
const usEast1 = "us-east-1"

// recreateOwnBucket answers CreateBucket of a bucket the requester owns in
// us-east-1 as S3 does there, for legacy compatibility: 200, with the
// bucket's ACL reset to the one the request asks for (private when it
// names none). Everywhere else it is BucketAlreadyOwnedByYou.
func (s *server) recreateOwnBucket(rc *request, acl engine.ACL) error {
	b, err := s.bucketOf(rc)
	if err != nil {
		return err
	}
	if s.regionOf(b) != usEast1 {
		return fmt.Errorf("%w: %s", engine.ErrBucketAlreadyOwnedByYou, b.Name)
	}
	if err := s.mayPutBucketACL(rc); err != nil {
		return err
	}
	if err := s.admitACL(rc, &acl); err != nil {
		return err
	}
	return s.eng.SetBucketACL(rc.ctx, b.Name, rc.bucketACLOf(acl))
}

// mayPutBucketACL decides a CreateBucket that sets the ACL of the
// requester's existing bucket as the PutBucketAcl it amounts to:
// CreateBucket's route authorizes no bucket, so without this a bucket
// policy denying s3:PutBucketAcl or oss:PutBucketAcl would not hold for
// it (S3 asks for s3:PutBucketAcl besides s3:CreateBucket when a
// CreateBucket specifies an ACL: the S3 User Guide's "Required
// permissions for Amazon S3 API operations").
func (s *server) mayPutBucketACL(rc *request) error {
	_, err := s.canActAccess(rc, rc.op.Bucket, "", "", "PutBucketAcl", permBucketWriteACP, "")
	return err
}

// recreateOwnBucketACL sets the ACL of the requester's own bucket named
// by an OSS PutBucket that found it existing.
func (s *server) recreateOwnBucketACL(rc *request, acl engine.ACL) error {
	if err := s.mayPutBucketACL(rc); err != nil {
		return err
	}
	if err := s.admitACL(rc, &acl); err != nil {
		return err
	}
	return s.eng.SetBucketACL(rc.ctx, rc.op.Bucket, rc.bucketACLOf(acl))
}

// writeEmpty writes a response without a body.
func writeEmpty(rc *request, status int) error {
	if status != http.StatusNoContent {
		rc.setHeader("Content-Length", "0")
	}
	rc.w.WriteHeader(status)
	return nil
}
