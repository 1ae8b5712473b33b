package httpapi

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"time"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// OSS bucket replication: PutBucketReplication (POST ?replication&comp=add,
// one rule per call, added to the bucket's rules), GetBucketReplication,
// DeleteBucketReplication (POST ?replication&comp=delete, by rule ID),
// GetBucketReplicationLocation and GetBucketReplicationProgress. The rules
// are the same typed value S3's document becomes (bucketconfig.Replication)
// and the engine executes them alike. As on OSS, the source and a local
// destination are both versioned or both unversioned: between
// unversioned buckets the key's object is copied as it is when the item
// is delivered. Action ALL replicates deletes (delete markers; in
// unversioned buckets the removal), PUT only writes.
// HistoricalObjectReplication "enabled" (OSS's default) is the rule's
// ExistingObjects: the engine's scan replicates the objects that existed
// when the rule was put, and GetBucketReplicationProgress reports its
// share done. RTC (in the rule, or PutBucketRtc) is stored and echoed:
// every replication pass delivers what is due, so replicas land well
// within RTC's promise without a separate mode.

func init() {
	routes = append(routes,
		route{method: http.MethodPost, target: targetBucket, params: []string{"replication", "comp=add"}, op: "PutBucketReplication",
			perm: permOwner, handle: (*server).ossPutReplication, only: "oss"},
		route{method: http.MethodPost, target: targetBucket, params: []string{"replication", "comp=delete"}, op: "DeleteBucketReplication",
			perm: permOwner, handle: (*server).ossDeleteReplication, only: "oss"},
		route{method: http.MethodGet, target: targetBucket, params: []string{"replication"}, op: "GetBucketReplication",
			perm: permOwner, handle: (*server).ossGetReplication, only: "oss"},
		route{method: http.MethodGet, target: targetBucket, params: []string{"replicationLocation"}, op: "GetBucketReplicationLocation",
			perm: permOwner, handle: (*server).ossReplicationLocation, only: "oss"},
		route{method: http.MethodGet, target: targetBucket, params: []string{"replicationProgress"}, op: "GetBucketReplicationProgress",
			perm: permOwner, handle: (*server).ossReplicationProgress, only: "oss"},
		route{method: http.MethodPut, target: targetBucket, params: []string{"rtc"}, op: "PutBucketRTC",
			perm: permOwner, handle: (*server).ossPutRTC, only: "oss"},
	)
}

type ossReplicationXML struct {
	XMLName xml.Name
	Rules   []ossReplicationRuleX `xml:"Rule"`
}

type ossReplicationRuleX struct {
	ID        string `xml:"ID,omitempty"`
	PrefixSet *struct {
		Prefixes []string `xml:"Prefix"`
	} `xml:"PrefixSet,omitempty"`
	Action      string `xml:"Action,omitempty"`
	Destination struct {
		Bucket       string `xml:"Bucket"`
		Location     string `xml:"Location,omitempty"`
		TransferType string `xml:"TransferType,omitempty"`
	} `xml:"Destination"`
	Status                      string              `xml:"Status,omitempty"`
	HistoricalObjectReplication string              `xml:"HistoricalObjectReplication,omitempty"`
	SyncRole                    string              `xml:"SyncRole,omitempty"`
	Progress                    *ossProgressX       `xml:"Progress,omitempty"`
	RTC                         *ossRTCX            `xml:"RTC,omitempty"`
	Encryption                  *replicaEncryptionX `xml:"EncryptionConfiguration,omitempty"`
	Criteria                    *struct {
		SSEKMS *statusX `xml:"SseKmsEncryptedObjects,omitempty"`
	} `xml:"SourceSelectionCriteria,omitempty"`
}

type ossRTCX struct {
	Status string `xml:"Status"`
}

// ossRTCStatus checks an RTC Status.
func ossRTCStatus(x *ossRTCX) (string, error) {
	if x.Status != "enabled" && x.Status != "disabled" {
		return "", errorf("InvalidArgument", "RTC Status must be enabled or disabled.")
	}
	return x.Status, nil
}

type ossProgressX struct {
	HistoricalObject string `xml:"HistoricalObject,omitempty"`
	NewObject        string `xml:"NewObject,omitempty"`
}

// ossReplication reads the bucket's rules (nil when none).
func (s *server) ossReplication(rc *request) (*bucketconfig.Replication, error) {
	c, err := s.eng.BucketConfigValue(rc.ctx, rc.op.Bucket, bucketconfig.KindReplication)
	if errors.Is(err, engine.ErrNoSuchConfig) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return c.(*bucketconfig.Replication), nil
}

func (s *server) ossPutReplication(rc *request) error {
	data, err := rc.readBody(s.cfg.MaxXMLBody, digestsOptional)
	if err != nil {
		return err
	}
	var doc ossReplicationXML
	if err := xml.Unmarshal(data, &doc); err != nil || doc.XMLName.Local != "ReplicationConfiguration" || len(doc.Rules) != 1 {
		return errorf("MalformedXML", "")
	}
	if err := checkElements(data, &doc); err != nil {
		return err
	}
	x := doc.Rules[0]
	var sseKMS bool
	if x.Criteria != nil && x.Criteria.SSEKMS != nil {
		if sseKMS, err = enabledStatus(x.Criteria.SSEKMS.Status); err != nil {
			return err
		}
	}
	var replicaKey string
	if x.Encryption != nil {
		replicaKey = x.Encryption.ReplicaKmsKeyID
		if x.Encryption.UseSourceMultiRegionKey != nil {
			// S3's element (replication.go), not OSS's.
			return errorf("MalformedXML", "")
		}
	}
	if sseKMS != (replicaKey != "") {
		return errorf("InvalidArgument", "ReplicaKmsKeyID must be specified if and only if SseKmsEncryptedObjects is Enabled.")
	}
	r := bucketconfig.ReplicationRule{ID: x.ID, Enabled: true, FilterForm: "oss", SSEKMSObjects: sseKMS,
		Destination: bucketconfig.ReplicationDestination{Bucket: "arn:aws:s3:::" + x.Destination.Bucket,
			Location: x.Destination.Location, TransferType: x.Destination.TransferType, ReplicaKMSKeyID: replicaKey}}
	switch x.HistoricalObjectReplication {
	case "", "enabled": // OSS's default
		r.ExistingObjects = true
	case "disabled":
	default:
		return errorf("MalformedXML", "")
	}
	if x.RTC != nil {
		if r.RTC, err = ossRTCStatus(x.RTC); err != nil {
			return err
		}
	}
	switch x.Action {
	case "", "ALL":
		r.DeleteMarkers = true
	case "PUT":
	default:
		return errorf("InvalidArgument", "Action must be ALL or PUT.")
	}
	if x.PrefixSet != nil {
		r.Filter.Prefixes = x.PrefixSet.Prefixes
	}
	if x.Destination.Bucket == "" {
		return errorf("InvalidArgument", "Destination Bucket is required.")
	}
	if r.ID == "" {
		var b [16]byte
		_, _ = rand.Read(b[:])
		r.ID = hex.EncodeToString(b[:])
	}
	// The rules are read and stored changed in one step: two rules added
	// at once both stay, and one of two to one destination is refused.
	err = s.eng.UpdateBucketConfig(rc.ctx, rc.op.Bucket, bucketconfig.KindReplication, 0, func(cur bucketconfig.Config) (bucketconfig.Config, error) {
		c := &bucketconfig.Replication{}
		if old, _ := cur.(*bucketconfig.Replication); old != nil {
			c.Role = old.Role
			c.Rules = slices.Clone(old.Rules)
		}
		// OSS allows one rule between a source bucket and a destination
		// bucket (EC 0031-00000044): a second is refused, the first kept.
		if slices.ContainsFunc(c.Rules, func(o bucketconfig.ReplicationRule) bool { return o.Destination.Bucket == r.Destination.Bucket }) {
			return nil, errorf("BucketReplicationAlreadyExist", "")
		}
		c.Rules = append(c.Rules, r)
		if err := c.Validate(); err != nil {
			return nil, errorf("InvalidArgument", "%s", err.Error())
		}
		return c, nil
	})
	if err != nil {
		return err
	}
	rc.w.Header().Set(rc.d.h("replication-rule-id"), r.ID)
	return writeEmpty(rc, http.StatusOK)
}

func (s *server) ossDeleteReplication(rc *request) error {
	data, err := rc.readBody(s.cfg.MaxXMLBody, digestsOptional)
	if err != nil {
		return err
	}
	var doc struct {
		XMLName xml.Name
		IDs     []string `xml:"ID"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil || doc.XMLName.Local != "ReplicationRules" || len(doc.IDs) == 0 {
		return errorf("MalformedXML", "")
	}
	if err := checkElements(data, &doc); err != nil {
		return err
	}
	err = s.eng.UpdateBucketConfig(rc.ctx, rc.op.Bucket, bucketconfig.KindReplication, 0, func(cur bucketconfig.Config) (bucketconfig.Config, error) {
		old, _ := cur.(*bucketconfig.Replication)
		if old == nil {
			return nil, errorf("ReplicationConfigurationNotFoundError", "").with("BucketName", rc.op.Bucket)
		}
		c := &bucketconfig.Replication{Role: old.Role}
		for _, r := range old.Rules {
			if !slices.Contains(doc.IDs, r.ID) {
				c.Rules = append(c.Rules, r)
			}
		}
		if len(c.Rules) == 0 {
			return nil, nil // the configuration goes with its last rule
		}
		return c, nil
	})
	if err != nil {
		return err
	}
	return writeEmpty(rc, http.StatusOK)
}

// ossPutRTC is PutBucketRtc: turn Replication Time Control on or off for
// one rule (stored and echoed).
func (s *server) ossPutRTC(rc *request) error {
	data, err := rc.readBody(s.cfg.MaxXMLBody, digestsOptional)
	if err != nil {
		return err
	}
	var doc struct {
		XMLName xml.Name
		ID      string   `xml:"ID"`
		RTC     *ossRTCX `xml:"RTC"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil || doc.XMLName.Local != "ReplicationRule" || doc.ID == "" || doc.RTC == nil {
		return errorf("MalformedXML", "")
	}
	if err := checkElements(data, &doc); err != nil {
		return err
	}
	status, err := ossRTCStatus(doc.RTC)
	if err != nil {
		return err
	}
	err = s.eng.UpdateBucketConfig(rc.ctx, rc.op.Bucket, bucketconfig.KindReplication, 0, func(cur bucketconfig.Config) (bucketconfig.Config, error) {
		old, _ := cur.(*bucketconfig.Replication)
		if old == nil {
			return nil, errorf("ReplicationConfigurationNotFoundError", "").with("BucketName", rc.op.Bucket)
		}
		c := &bucketconfig.Replication{Role: old.Role, Rules: slices.Clone(old.Rules)}
		i := slices.IndexFunc(c.Rules, func(r bucketconfig.ReplicationRule) bool { return r.ID == doc.ID })
		if i < 0 {
			return nil, errorf("InvalidArgument", "No replication rule has the ID %s.", doc.ID)
		}
		c.Rules[i].RTC = status
		return c, nil
	})
	if err != nil {
		return err
	}
	return writeEmpty(rc, http.StatusOK)
}

// ossRuleDoc renders one rule in OSS's shape. Its Status is "starting"
// until the scan of a rule with historical replication ran its first
// page, then "doing" (a rule S3 disabled: "closing").
func ossRuleDoc(r bucketconfig.ReplicationRule, p engine.ReplicationProgress) ossReplicationRuleX {
	x := ossReplicationRuleX{ID: r.ID, Action: "PUT", Status: "doing", HistoricalObjectReplication: "disabled"}
	if r.DeleteMarkers {
		x.Action = "ALL"
	}
	if r.ExistingObjects {
		x.HistoricalObjectReplication = "enabled"
		if h, ok := p.Historical[r.ID]; ok && !h.Started {
			x.Status = "starting"
		}
	}
	if r.RTC != "" {
		x.RTC = &ossRTCX{Status: r.RTC}
	}
	if r.SSEKMSObjects {
		x.Criteria = &struct {
			SSEKMS *statusX `xml:"SseKmsEncryptedObjects,omitempty"`
		}{&statusX{"Enabled"}}
		x.Encryption = &replicaEncryptionX{ReplicaKmsKeyID: r.Destination.ReplicaKMSKeyID}
	}
	if !r.Enabled {
		x.Status = "closing"
	}
	prefixes := r.Filter.Prefixes
	if len(prefixes) == 0 && r.Filter.Prefix != "" {
		prefixes = []string{r.Filter.Prefix}
	}
	if len(prefixes) > 0 {
		x.PrefixSet = &struct {
			Prefixes []string `xml:"Prefix"`
		}{prefixes}
	}
	x.Destination.Bucket, _ = bucketconfig.BucketFromARN(r.Destination.Bucket)
	x.Destination.Location, x.Destination.TransferType = r.Destination.Location, r.Destination.TransferType
	return x
}

func (s *server) ossGetReplication(rc *request) error {
	c, err := s.ossReplication(rc)
	if err != nil {
		return err
	}
	if c == nil {
		return errorf("ReplicationConfigurationNotFoundError", "").with("BucketName", rc.op.Bucket)
	}
	p, err := s.eng.BucketReplicationProgress(rc.ctx, rc.op.Bucket)
	if err != nil {
		return err
	}
	doc := &ossReplicationXML{}
	for _, r := range c.Rules {
		doc.Rules = append(doc.Rules, ossRuleDoc(r, p))
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "ReplicationConfiguration", doc)
}

// ossReplicationLocation lists where a bucket can replicate to: this
// server's buckets, all in its region.
func (s *server) ossReplicationLocation(rc *request) error {
	doc := &struct {
		XMLName   xml.Name
		Locations []string `xml:"Location"`
	}{Locations: []string{s.regionOf(*rc.bucket)}}
	return rc.d.writeDoc(rc.w, http.StatusOK, "ReplicationLocation", doc)
}

// ossReplicationProgress reports, per rule (or the rule-id asked for),
// the modification time before which every new object was replicated
// (the oldest pending version's, or now when nothing is pending) and,
// for a rule with historical replication, the share of the objects that
// existed before it that were replicated, two decimals rounded down
// ("1.00" only when all were). A rule still "starting" has no Progress,
// as OSS documents.
func (s *server) ossReplicationProgress(rc *request) error {
	c, err := s.ossReplication(rc)
	if err != nil {
		return err
	}
	if c == nil {
		return errorf("ReplicationConfigurationNotFoundError", "").with("BucketName", rc.op.Bucket)
	}
	p, err := s.eng.BucketReplicationProgress(rc.ctx, rc.op.Bucket)
	if err != nil {
		return err
	}
	upTo := p.OldestPending
	if p.Pending == 0 || upTo.IsZero() {
		upTo = s.eng.Options().Clock.Now()
	}
	id := rc.q.Get("rule-id")
	doc := &ossReplicationXML{}
	for _, r := range c.Rules {
		if id != "" && r.ID != id {
			continue
		}
		x := ossRuleDoc(r, p)
		if x.Status == "doing" {
			x.Progress = &ossProgressX{NewObject: upTo.UTC().Format(time.RFC3339)}
			if h, ok := p.Historical[r.ID]; ok && r.ExistingObjects {
				x.Progress.HistoricalObject = fmt.Sprintf("%.2f", math.Floor(h.Fraction()*100)/100)
			}
		}
		doc.Rules = append(doc.Rules, x)
	}
	if id != "" && len(doc.Rules) == 0 {
		return errorf("InvalidArgument", "No replication rule has the ID %s.", id)
	}
	return rc.d.writeDoc(rc.w, http.StatusOK, "ReplicationProgress", doc)
}
