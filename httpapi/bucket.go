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

func (s *server) regionOf(b engine.BucketInfo) string {
	if b.Region == "" {
		return s.cfg.Region
	}
	return b.Region
}

type createBucketConfiguration struct {
	LocationConstraint string `xml:"LocationConstraint"`
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
	if data != nil {
		var c createBucketConfiguration
		if err := xml.Unmarshal(data, &c); err != nil {
			return errorf("MalformedXML", "")
		}
		if c.LocationConstraint != "" {
			region = c.LocationConstraint
			if region == "EU" {
				region = "eu-west-1"
			}
		}
	}
	opts := engine.BucketOptions{Region: region, Owner: rc.who.id}
	if acl != nil {
		opts.ACL = *acl
	}
	if err := s.eng.CreateBucket(rc.ctx, rc.op.Bucket, opts); err != nil {
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
	if loc == "us-east-1" {
		loc = ""
	}
	return rc.d.writeXML(rc.w, http.StatusOK, "LocationConstraint", &locationConstraint{Value: loc})
}

func (s *server) getBucketACL(rc *request) error {
	b, err := s.eng.Bucket(rc.ctx, rc.op.Bucket)
	if err != nil {
		return err
	}
	return rc.d.writeXML(rc.w, http.StatusOK, "AccessControlPolicy", s.policyOf(b.ACL, b.Owner, b.Owner))
}

func (s *server) putBucketACL(rc *request) error {
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
	return writeEmpty(rc, http.StatusNoContent)
}

func (s *server) deleteBucketTagging(rc *request) error {
	if err := s.eng.DeleteBucketConfig(rc.ctx, rc.op.Bucket, engine.ConfigTagging); err != nil {
		return err
	}
	return writeEmpty(rc, http.StatusNoContent)
}
