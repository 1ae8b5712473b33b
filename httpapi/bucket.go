package httpapi

import (
	"encoding/xml"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// xmlTime formats a timestamp for XML documents (ISO 8601, milliseconds:
// 2006-01-02T15:04:05.000Z).
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
		return t.AppendFormat(dst, "2006-01-02T15:04:05.000Z")
	}
	hour, min, sec := t.Clock()
	var b [24]byte
	put := func(i, v, n int) {
		for j := i + n - 1; j >= i; j-- {
			b[j] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, year, 4)
	b[4] = '-'
	put(5, int(month), 2)
	b[7] = '-'
	put(8, day, 2)
	b[10] = 'T'
	put(11, hour, 2)
	b[13] = ':'
	put(14, min, 2)
	b[16] = ':'
	put(17, sec, 2)
	b[19] = '.'
	put(20, t.Nanosecond()/1e6, 3)
	b[23] = 'Z'
	return append(dst, b[:]...)
}

type listAllMyBucketsResult struct {
	XMLName           xml.Name
	Buckets           []xmlBucket `xml:"Buckets>Bucket"`
	Owner             owner       `xml:"Owner"`
	ContinuationToken string      `xml:"ContinuationToken,omitempty"`
	Prefix            string      `xml:"Prefix,omitempty"`
}

type xmlBucket struct {
	Name         string `xml:"Name"`
	CreationDate string `xml:"CreationDate"`
	BucketRegion string `xml:"BucketRegion,omitempty"`
}

func (s *server) listBuckets(rc *request) error {
	all, err := s.eng.ListBuckets(rc.ctx)
	if err != nil {
		return err
	}
	return rc.d.listBuckets(s, rc, all)
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
	bk.AccessMonitor, bk.DataRedundancyType, bk.ResourceGroupID = "Disabled", b.Redundancy, "rg-default"
	bk.TransferAcceleration, bk.CrossRegionReplication = "Disabled", "Disabled"
	if c, err := s.eng.BucketConfigValue(rc.ctx, b.Name, bucketconfig.KindPublicAccessBlock); err == nil {
		p := c.(*bucketconfig.PublicAccessBlock)
		bk.BlockPublicAccess = p.BlockPublicAcls && p.IgnorePublicAcls && p.BlockPublicPolicy && p.RestrictPublicBuckets
	} else if !errors.Is(err, engine.ErrNoSuchConfig) {
		return err
	}
	if _, err := s.eng.BucketConfigValue(rc.ctx, b.Name, bucketconfig.KindReplication); err == nil {
		bk.CrossRegionReplication = "Enabled"
	} else if !errors.Is(err, engine.ErrNoSuchConfig) {
		return err
	}
	if bk.DataRedundancyType == "" {
		bk.DataRedundancyType = "LRS"
	}
	bk.Owner = s.ownerDoc(rc.d, b.Owner)
	bk.Grant = ossACLName(b.ACL, false)
	if b.Versioning != engine.VersioningOff {
		bk.Versioning = b.Versioning.String() // Enabled or Suspended
	}
	bk.SSE.SSEAlgorithm = "None"
	if c, err := s.eng.BucketConfigValue(rc.ctx, b.Name, bucketconfig.KindEncryption); err == nil {
		e := c.(*bucketconfig.Encryption)
		bk.SSE.SSEAlgorithm, bk.SSE.KMSMasterKeyID, bk.SSE.KMSDataEncryption = e.Algorithm, e.KeyID, e.DataEncryption
		if strings.HasPrefix(e.Algorithm, "aws:kms") {
			bk.SSE.SSEAlgorithm = "KMS" // set through S3
		}
	} else if !errors.Is(err, engine.ErrNoSuchConfig) {
		return err
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
	}
	opts := engine.BucketOptions{Region: s.cfg.Region, Owner: rc.who.id}
	if v := rc.header("bucket-object-lock-enabled"); v != "" {
		opts.ObjectLock = headerTrue(v) // objlock.go
	}
	if err := rc.d.bucketName(rc.op.Bucket); err != nil {
		return err
	}
	if err := rc.d.createBucket(s, rc, &c, &opts); err != nil {
		return err
	}
	if acl != nil {
		opts.ACL = *acl
	}
	own, pab, err := s.createBucketAccess(rc, acl)
	if err != nil {
		return err
	}
	enc, err := ossCreateEncryption(rc)
	if err != nil {
		return err
	}
	err = s.eng.CreateBucket(rc.ctx, rc.op.Bucket, opts)
	if rc.d.behave.recreateOwnBucketOK && errors.Is(err, engine.ErrBucketAlreadyOwnedByYou) {
		err = nil // creating one's own bucket again succeeds
	} else if err == nil {
		err = s.setBucketAccess(rc, own, pab)
		if err == nil && enc != nil {
			err = s.eng.SetBucketConfig(rc.ctx, rc.op.Bucket, enc)
		}
	}
	if err != nil {
		return err
	}
	rc.w.Header().Set("Location", "/"+rc.op.Bucket)
	rc.w.Header().Set("Content-Length", "0")
	rc.w.WriteHeader(http.StatusOK)
	return nil
}

// ossCreateEncryption reads the default encryption an OSS PutBucket
// names in x-oss-server-side-encryption (AES256, KMS or SM4), with
// x-oss-server-side-data-encryption (SM4) and
// x-oss-server-side-encryption-key-id for KMS: nil when it names none.
func ossCreateEncryption(rc *request) (*bucketconfig.Encryption, error) {
	if rc.d.name != "oss" {
		return nil, nil
	}
	alg := rc.header("server-side-encryption")
	data, keyID := rc.header("server-side-data-encryption"), rc.header("server-side-encryption-key-id")
	if alg == "" {
		if data != "" || keyID != "" {
			return nil, errorf("InvalidArgument", "x-oss-server-side-data-encryption and x-oss-server-side-encryption-key-id need x-oss-server-side-encryption: KMS.")
		}
		return nil, nil
	}
	switch {
	case alg != "AES256" && alg != "KMS" && alg != "SM4":
		return nil, errorf("InvalidArgument", "The server-side encryption algorithm %q is not supported.", alg).with("ArgumentName", rc.d.h("server-side-encryption"))
	case alg != "KMS" && (data != "" || keyID != ""):
		return nil, errorf("InvalidArgument", "x-oss-server-side-data-encryption and x-oss-server-side-encryption-key-id go only with KMS.")
	case data != "" && data != "SM4":
		return nil, errorf("InvalidArgument", "The server-side data encryption %q is not supported.", data).with("ArgumentName", rc.d.h("server-side-data-encryption"))
	}
	return &bucketconfig.Encryption{Algorithm: alg, KeyID: keyID, DataEncryption: data}, nil
}

func (s *server) headBucket(rc *request) error {
	b, err := s.bucketOf(rc)
	if err != nil {
		return err
	}
	rc.w.Header().Set(rc.d.h("bucket-region"), s.regionOf(b))
	rc.w.Header().Set(rc.d.h("access-point-alias"), "false")
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
	return rc.d.writeDoc(rc.w, http.StatusOK, "LocationConstraint", &locationConstraint{Value: rc.d.location(s.regionOf(b))})
}

func (s *server) getBucketACL(rc *request) error {
	b, err := s.bucketOf(rc)
	if err != nil {
		return err
	}
	if b.Owner, b.ACL, err = s.aclShown(rc, b.Owner, b.ACL); err != nil {
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
	if err := s.eng.SetBucketACL(rc.ctx, rc.op.Bucket, *acl); err != nil {
		return err
	}
	return writeEmpty(rc, http.StatusOK)
}

// writeEmpty writes a response without a body.
func writeEmpty(rc *request, status int) error {
	if status != http.StatusNoContent {
		rc.w.Header().Set("Content-Length", "0")
	}
	rc.w.WriteHeader(status)
	return nil
}
