package httpapi

import (
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/osslite/osslite/engine"
)

// xmlTime formats a timestamp for XML documents (ISO 8601, milliseconds).
func xmlTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

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
	if rc.d.isOSS {
		return s.listBucketsOSS(rc, all)
	}
	prefix := rc.q.Get("prefix")
	region := rc.q.Get("bucket-region")
	after := ""
	if tok := rc.q.Get("continuation-token"); tok != "" {
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil {
			return errorf("InvalidArgument", "The continuation token provided is incorrect").with("ArgumentName", "continuation-token")
		}
		after = string(b)
	}
	max := 10000
	if v := rc.q.Get("max-buckets"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			return errorf("InvalidArgument", "max-buckets must be an integer between 1 and 10000").with("ArgumentName", "max-buckets").with("ArgumentValue", v)
		}
		max = n
	}
	res := &listAllMyBucketsResult{Owner: owner{ID: rc.who.id, DisplayName: rc.who.accessKey}, Prefix: prefix}
	for _, b := range all {
		if !s.cfg.Permissive && !owns(rc.who, b.Owner) || !strings.HasPrefix(b.Name, prefix) || b.Name <= after {
			continue
		}
		reg := s.regionOf(b)
		if region != "" && reg != region {
			continue
		}
		if len(res.Buckets) == max {
			res.ContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(res.Buckets[max-1].Name))
			break
		}
		res.Buckets = append(res.Buckets, xmlBucket{Name: b.Name, CreationDate: xmlTime(b.Created), BucketRegion: reg})
	}
	return rc.d.writeXML(rc.w, http.StatusOK, "ListAllMyBucketsResult", res)
}

// OSS ListAllMyBucketsResult (service-bucket.md 5.1): the paging
// elements appear only when the listing is truncated.
type ossListBucketsResult struct {
	XMLName     xml.Name
	Prefix      *string        `xml:"Prefix"`
	Marker      *string        `xml:"Marker"`
	MaxKeys     *int           `xml:"MaxKeys"`
	IsTruncated *bool          `xml:"IsTruncated"`
	NextMarker  *string        `xml:"NextMarker"`
	Owner       owner          `xml:"Owner"`
	Buckets     []ossBucketXML `xml:"Buckets>Bucket"`
}

type ossBucketXML struct {
	CreationDate     string `xml:"CreationDate"`
	ExtranetEndpoint string `xml:"ExtranetEndpoint"`
	IntranetEndpoint string `xml:"IntranetEndpoint"`
	Location         string `xml:"Location"`
	Name             string `xml:"Name"`
	Region           string `xml:"Region"`
	StorageClass     string `xml:"StorageClass"`
}

// ossMaxKeys parses an OSS max-keys style parameter: 1..limit, default def.
func ossMaxKeys(rc *request, name string, def, limit int) (int, error) {
	v := rc.q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > limit {
		return 0, errorf("InvalidArgument", "Argument %s must be an integer between 1 and %d.", name, limit).with("ArgumentName", name).with("ArgumentValue", v)
	}
	if n == 0 {
		n = def
	}
	return n, nil
}

// listBucketsOSS is GetService: prefix, marker and max-keys paging; each
// bucket names this server's own address as its endpoints (clients.md),
// so clients keep talking to it.
func (s *server) listBucketsOSS(rc *request, all []engine.BucketInfo) error {
	prefix, marker := rc.q.Get("prefix"), rc.q.Get("marker")
	max, err := ossMaxKeys(rc, "max-keys", 100, 1000)
	if err != nil {
		return err
	}
	res := &ossListBucketsResult{Owner: owner{ID: rc.who.id, DisplayName: rc.who.accessKey}, Buckets: []ossBucketXML{}}
	for _, b := range all {
		if !s.cfg.Permissive && !owns(rc.who, b.Owner) || !strings.HasPrefix(b.Name, prefix) || b.Name <= marker {
			continue
		}
		if len(res.Buckets) == max {
			truncated, next := true, res.Buckets[max-1].Name
			res.Prefix, res.Marker, res.MaxKeys, res.IsTruncated, res.NextMarker = &prefix, &marker, &max, &truncated, &next
			break
		}
		res.Buckets = append(res.Buckets, s.ossBucket(rc, b))
	}
	return rc.d.writeXML(rc.w, http.StatusOK, "ListAllMyBucketsResult", res)
}

// ossBucket describes a bucket in OSS documents.
func (s *server) ossBucket(rc *request, b engine.BucketInfo) ossBucketXML {
	loc := ossLocation(s.regionOf(b))
	return ossBucketXML{CreationDate: xmlTime(b.Created), ExtranetEndpoint: rc.r.Host, IntranetEndpoint: rc.r.Host,
		Location: loc, Name: b.Name, Region: strings.TrimPrefix(loc, "oss-"), StorageClass: ossStorageClass(b.StorageClass)}
}

// BucketInfo document (service-bucket.md 6.10, clients.md).
type ossBucketInfo struct {
	XMLName xml.Name
	Bucket  struct {
		AccessMonitor string `xml:"AccessMonitor"`
		ossBucketXML
		DataRedundancyType string `xml:"DataRedundancyType"`
		ResourceGroupID    string `xml:"ResourceGroupId"`
		Owner              owner  `xml:"Owner"`
		Grant              string `xml:"AccessControlList>Grant"`
		Comment            string `xml:"Comment"`
		Versioning         string `xml:"Versioning"`
		BlockPublicAccess  bool   `xml:"BlockPublicAccess"`
		SSE                struct {
			SSEAlgorithm string `xml:"SSEAlgorithm"`
		} `xml:"ServerSideEncryptionRule"`
		BucketPolicy struct {
			LogBucket string `xml:"LogBucket"`
			LogPrefix string `xml:"LogPrefix"`
		} `xml:"BucketPolicy"`
	} `xml:"Bucket"`
}

// getBucketInfo is the OSS GetBucketInfo operation.
func (s *server) getBucketInfo(rc *request) error {
	b, err := s.eng.Bucket(rc.ctx, rc.op.Bucket)
	if err != nil {
		return err
	}
	var info ossBucketInfo
	bk := &info.Bucket
	bk.ossBucketXML = s.ossBucket(rc, b)
	bk.AccessMonitor, bk.DataRedundancyType, bk.ResourceGroupID = "Disabled", "LRS", "rg-default"
	bk.Owner = owner{ID: b.Owner, DisplayName: s.displayName(b.Owner)}
	bk.Grant = ossACLName(b.ACL, false)
	bk.SSE.SSEAlgorithm = "None"
	return rc.d.writeXML(rc.w, http.StatusOK, "BucketInfo", &info)
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
	region := s.cfg.Region
	var c createBucketConfiguration
	if data != nil {
		if err := xml.Unmarshal(data, &c); err != nil {
			return errorf("MalformedXML", "")
		}
		if c.LocationConstraint != "" && !rc.d.isOSS {
			region = c.LocationConstraint
			if region == "EU" {
				region = "eu-west-1"
			}
		}
	}
	opts := engine.BucketOptions{Region: region, Owner: rc.who.id}
	if rc.d.isOSS {
		opts.Naming = engine.NamingOSS
		if c.StorageClass != "" && !ossStorageClasses[c.StorageClass] {
			return errorf("InvalidArgument", "Invalid storage class %s.", c.StorageClass).with("ArgumentName", "StorageClass").with("ArgumentValue", c.StorageClass)
		}
		if c.StorageClass != "Standard" {
			opts.StorageClass = c.StorageClass
		}
		if t := c.DataRedundancyType; t != "" && t != "LRS" && t != "ZRS" {
			return errorf("InvalidArgument", "Invalid data redundancy type %s.", t).with("ArgumentName", "DataRedundancyType").with("ArgumentValue", t)
		}
	}
	if acl != nil {
		opts.ACL = *acl
	}
	err = s.eng.CreateBucket(rc.ctx, rc.op.Bucket, opts)
	if rc.d.isOSS && errors.Is(err, engine.ErrBucketAlreadyOwnedByYou) {
		err = nil // OSS: creating one's own bucket again succeeds
	}
	if err != nil {
		return err
	}
	rc.w.Header().Set("Location", "/"+rc.op.Bucket)
	rc.w.Header().Set("Content-Length", "0")
	rc.w.WriteHeader(http.StatusOK)
	return nil
}

func (s *server) headBucket(rc *request) error {
	b, err := s.eng.Bucket(rc.ctx, rc.op.Bucket)
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
	if err := s.eng.DeleteBucket(rc.ctx, rc.op.Bucket); err != nil {
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
	b, err := s.eng.Bucket(rc.ctx, rc.op.Bucket)
	if err != nil {
		return err
	}
	loc := s.regionOf(b)
	if rc.d.isOSS {
		loc = ossLocation(loc)
	} else if loc == "us-east-1" {
		loc = ""
	}
	return rc.d.writeXML(rc.w, http.StatusOK, "LocationConstraint", &locationConstraint{Value: loc})
}

func (s *server) getBucketACL(rc *request) error {
	b, err := s.eng.Bucket(rc.ctx, rc.op.Bucket)
	if err != nil {
		return err
	}
	if rc.d.isOSS {
		return rc.d.writeXML(rc.w, http.StatusOK, "AccessControlPolicy", s.ossPolicy(b.Owner, ossACLName(b.ACL, false)))
	}
	return rc.d.writeXML(rc.w, http.StatusOK, "AccessControlPolicy", s.policyOf(b.ACL, b.Owner, b.Owner))
}

func (s *server) putBucketACL(rc *request) error {
	if rc.d.isOSS {
		acl, err := rc.aclFromHeaders(true)
		if err != nil {
			return err
		}
		if acl == nil { // no x-oss-acl: no effect (service-bucket.md 6.1)
			if _, err := s.eng.Bucket(rc.ctx, rc.op.Bucket); err != nil {
				return err
			}
			return writeEmpty(rc, http.StatusOK)
		}
		if err := s.eng.SetBucketACL(rc.ctx, rc.op.Bucket, *acl); err != nil {
			return err
		}
		return writeEmpty(rc, http.StatusOK)
	}
	acl, err := rc.aclFromRequest(true, s.cfg.MaxXMLBody)
	if err != nil {
		return err
	}
	if err := s.eng.SetBucketACL(rc.ctx, rc.op.Bucket, acl); err != nil {
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

// Tagging document.
type tagging struct {
	XMLName xml.Name
	TagSet  []xmlTag `xml:"TagSet>Tag"`
}

type xmlTag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

func tagsToXML(tags []engine.Tag) *tagging {
	t := &tagging{TagSet: []xmlTag{}}
	for _, tg := range tags {
		t.TagSet = append(t.TagSet, xmlTag{tg.Key, tg.Value})
	}
	return t
}

// readTagging parses a Tagging document.
func (rc *request) readTagging(limit int64) ([]engine.Tag, error) {
	data, err := rc.readBody(limit, digestsOptional)
	if err != nil {
		return nil, err
	}
	if data == nil {
		return nil, errorf("MissingRequestBodyError", "")
	}
	var t tagging
	if err := xml.Unmarshal(data, &t); err != nil || t.XMLName.Local != "Tagging" {
		return nil, errorf("MalformedXML", "")
	}
	tags := make([]engine.Tag, 0, len(t.TagSet))
	for _, x := range t.TagSet {
		tags = append(tags, engine.Tag{Key: x.Key, Value: x.Value})
	}
	if err := engine.ValidateTags(tags); err != nil {
		return nil, err
	}
	return tags, nil
}

// Bucket tags are stored as the canonical Tagging document in the
// engine's bucket configuration (kind engine.ConfigTagging), so they are
// durable and go away with their bucket.

func (s *server) getBucketTagging(rc *request) error {
	doc, err := s.eng.BucketConfig(rc.ctx, rc.op.Bucket, engine.ConfigTagging)
	if errors.Is(err, engine.ErrNoSuchConfig) && rc.d.isOSS {
		return rc.d.writeXML(rc.w, http.StatusOK, "Tagging", tagsToXML(nil)) // OSS: an empty TagSet
	}
	if errors.Is(err, engine.ErrNoSuchConfig) {
		return errorf("NoSuchTagSet", "").with("BucketName", rc.op.Bucket)
	}
	if err != nil {
		return err
	}
	var t tagging
	if err := xml.Unmarshal(doc, &t); err != nil {
		return fmt.Errorf("%w: stored tagging of %s: %v", engine.ErrCorrupt, rc.op.Bucket, err)
	}
	if t.TagSet == nil {
		t.TagSet = []xmlTag{}
	}
	return rc.d.writeXML(rc.w, http.StatusOK, "Tagging", &t)
}

func (s *server) putBucketTagging(rc *request) error {
	if _, err := s.eng.Bucket(rc.ctx, rc.op.Bucket); err != nil {
		return err
	}
	tags, err := rc.readTagging(s.cfg.MaxXMLBody)
	if err != nil {
		return err
	}
	doc, err := xml.Marshal(tagsToXML(tags))
	if err != nil {
		return err
	}
	if err := s.eng.PutBucketConfig(rc.ctx, rc.op.Bucket, engine.ConfigTagging, doc); err != nil {
		return err
	}
	if rc.d.isOSS {
		return writeEmpty(rc, http.StatusOK)
	}
	return writeEmpty(rc, http.StatusNoContent)
}

func (s *server) deleteBucketTagging(rc *request) error {
	if err := s.eng.DeleteBucketConfig(rc.ctx, rc.op.Bucket, engine.ConfigTagging); err != nil {
		return err
	}
	return writeEmpty(rc, http.StatusNoContent)
}
