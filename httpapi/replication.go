package httpapi

import (
	"encoding/xml"
	"strconv"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// Bucket replication: S3 Put/Get/DeleteBucketReplication
// (ReplicationConfiguration). The engine validates the configuration
// against the store (versioning Enabled on the source and on a local
// destination, the destination exists or is a configured remote target)
// and executes it (engine/replication.go); HEAD and GET report
// x-amz-replication-status. OSS's rule-at-a-time API over the same
// configuration is in replication_oss.go.

// replicationXML is the ReplicationConfiguration document.
type replicationXML struct {
	XMLName xml.Name
	Role    string             `xml:"Role,omitempty"`
	Rules   []replicationRuleX `xml:"Rule"`
}

type replicationRuleX struct {
	ID                      string                `xml:"ID,omitempty"`
	Priority                *int                  `xml:"Priority,omitempty"`
	Prefix                  *string               `xml:"Prefix,omitempty"` // legacy rules
	Filter                  *replicationFilterX   `xml:"Filter,omitempty"`
	Status                  string                `xml:"Status"`
	DeleteMarkerReplication *statusX              `xml:"DeleteMarkerReplication,omitempty"`
	Destination             replicationDestX      `xml:"Destination"`
	ExistingObjects         *statusX              `xml:"ExistingObjectReplication,omitempty"`
	Criteria                *replicationCriteriaX `xml:"SourceSelectionCriteria,omitempty"`
}

// replicationCriteriaX is SourceSelectionCriteria.
type replicationCriteriaX struct {
	SSEKMS               *statusX `xml:"SseKmsEncryptedObjects,omitempty"`
	ReplicaModifications *statusX `xml:"ReplicaModifications,omitempty"`
}

// replicaEncryptionX is the destination's EncryptionConfiguration.
type replicaEncryptionX struct {
	ReplicaKmsKeyID         string   `xml:"ReplicaKmsKeyID,omitempty"`
	UseSourceMultiRegionKey *statusX `xml:"UseSourceMultiRegionKey,omitempty"`
}

type replicationFilterX struct {
	Prefix *string          `xml:"Prefix,omitempty"`
	Tag    *xmlTag          `xml:"Tag,omitempty"`
	And    *replicationAndX `xml:"And,omitempty"`
	Not    *replicationNotX `xml:"Not,omitempty"`
}

type replicationAndX struct {
	Prefix *string          `xml:"Prefix,omitempty"`
	Tags   []xmlTag         `xml:"Tag,omitempty"`
	Not    *replicationNotX `xml:"Not,omitempty"`
}

// replicationNotX is a filter's Not (S3's replication exclusions): one
// Prefix, one Tag, or an Or of prefixes and tags.
type replicationNotX struct {
	Prefix *string         `xml:"Prefix,omitempty"`
	Tag    *xmlTag         `xml:"Tag,omitempty"`
	Or     *replicationOrX `xml:"Or,omitempty"`
}

// replicationOrX is a Not's Or: any number of prefixes and tags.
type replicationOrX struct {
	Prefixes []string `xml:"Prefix"`
	Tags     []xmlTag `xml:"Tag"`
}

// parseReplicationNot reads a Not: exactly one Prefix, Tag or Or, an Or
// of at least one prefix or tag (MalformedXML otherwise, as S3's schema).
func parseReplicationNot(x *replicationNotX) (*bucketconfig.ReplicationExclusion, error) {
	n := 0
	ex := &bucketconfig.ReplicationExclusion{}
	if x.Prefix != nil {
		n++
		ex.Prefixes = []string{*x.Prefix}
	}
	if x.Tag != nil {
		n++
		ex.Tags = []bucketconfig.Tag{{Key: x.Tag.Key, Value: x.Tag.Value}}
	}
	if o := x.Or; o != nil {
		n++
		ex.Or, ex.Prefixes = true, o.Prefixes
		for _, t := range o.Tags {
			ex.Tags = append(ex.Tags, bucketconfig.Tag{Key: t.Key, Value: t.Value})
		}
		if len(ex.Prefixes)+len(ex.Tags) == 0 {
			return nil, errorf("MalformedXML", "")
		}
	}
	if n != 1 {
		return nil, errorf("MalformedXML", "")
	}
	return ex, nil
}

// renderReplicationNot writes what parseReplicationNot read.
func renderReplicationNot(ex *bucketconfig.ReplicationExclusion) *replicationNotX {
	x := &replicationNotX{}
	switch {
	case ex.Or:
		x.Or = &replicationOrX{Prefixes: ex.Prefixes}
		for _, t := range ex.Tags {
			x.Or.Tags = append(x.Or.Tags, xmlTag{t.Key, t.Value})
		}
	case len(ex.Prefixes) == 1:
		x.Prefix = &ex.Prefixes[0]
	case len(ex.Tags) == 1:
		x.Tag = &xmlTag{ex.Tags[0].Key, ex.Tags[0].Value}
	}
	return x
}

type statusX struct {
	Status string `xml:"Status"`
}

type replicationDestX struct {
	Bucket                   string              `xml:"Bucket"`
	Account                  string              `xml:"Account,omitempty"`
	StorageClass             string              `xml:"StorageClass,omitempty"`
	AccessControlTranslation *ownerX             `xml:"AccessControlTranslation,omitempty"`
	Encryption               *replicaEncryptionX `xml:"EncryptionConfiguration,omitempty"`
	ReplicationTime          *replicationTimeX   `xml:"ReplicationTime,omitempty"`
	Metrics                  *replicationMetrics `xml:"Metrics,omitempty"`
}

// ownerX is the destination's AccessControlTranslation.
type ownerX struct {
	Owner string `xml:"Owner"`
}

// minutesX is a ReplicationTimeValue.
type minutesX struct {
	Minutes *int `xml:"Minutes"`
}

// replicationTimeX is S3 Replication Time Control.
type replicationTimeX struct {
	Status string    `xml:"Status"`
	Time   *minutesX `xml:"Time"`
}

// replicationMetrics is the destination's Metrics.
type replicationMetrics struct {
	Status         string    `xml:"Status"`
	EventThreshold *minutesX `xml:"EventThreshold,omitempty"`
}

// rtcMinutes is the one S3 Replication Time Control threshold S3 takes.
const rtcMinutes = 15

// parseReplicationDestination reads a rule's Destination beyond its
// bucket, class and key: AccessControlTranslation (Owner Destination,
// with Account), ReplicationTime (Status with Time of 15 minutes) and
// Metrics (an EventThreshold of 15 minutes only under an enabled
// ReplicationTime, which needs Metrics Enabled), as S3 checks them.
func parseReplicationDestination(x *replicationDestX, d *bucketconfig.ReplicationDestination) error {
	if a := x.AccessControlTranslation; a != nil {
		if a.Owner != "Destination" {
			return errorf("MalformedXML", "")
		}
		if x.Account == "" {
			return errorf("InvalidArgument", "Destination Account must be specified when AccessControlTranslation is specified.")
		}
		d.OwnerOverride = true
	}
	minutes := func(m *minutesX, what string) (int, error) {
		if m == nil || m.Minutes == nil {
			return 0, errorf("MalformedXML", "")
		}
		if *m.Minutes != rtcMinutes {
			return 0, errorf("InvalidArgument", "%s Minutes must be %d.", what, rtcMinutes)
		}
		return *m.Minutes, nil
	}
	rtcOn := false
	if rt := x.ReplicationTime; rt != nil {
		on, err := enabledStatus(rt.Status)
		if err != nil {
			return err
		}
		if d.ReplicationMinutes, err = minutes(rt.Time, "ReplicationTime Time"); err != nil {
			return err
		}
		d.ReplicationTime, rtcOn = rt.Status, on
	}
	if m := x.Metrics; m != nil {
		on, err := enabledStatus(m.Status)
		if err != nil {
			return err
		}
		d.Metrics = m.Status
		if m.EventThreshold != nil {
			if !rtcOn {
				return errorf("InvalidArgument", "Metrics cannot contain an event threshold when ReplicationTime is not specified or Disabled")
			}
			if d.MetricsThresholdMinutes, err = minutes(m.EventThreshold, "Metrics EventThreshold"); err != nil {
				return err
			}
		}
		if rtcOn && (!on || m.EventThreshold == nil) {
			return errorf("InvalidArgument", "Metrics must be Enabled with an EventThreshold when ReplicationTime is Enabled")
		}
	} else if rtcOn {
		return errorf("InvalidArgument", "ReplicationTime must be specified together with Metrics")
	}
	return nil
}

// renderReplicationDestination writes what parseReplicationDestination
// read.
func renderReplicationDestination(d *bucketconfig.ReplicationDestination, x *replicationDestX) {
	if d.OwnerOverride {
		x.AccessControlTranslation = &ownerX{"Destination"}
	}
	if d.ReplicationTime != "" {
		m := d.ReplicationMinutes
		x.ReplicationTime = &replicationTimeX{Status: d.ReplicationTime, Time: &minutesX{&m}}
	}
	if d.Metrics != "" {
		x.Metrics = &replicationMetrics{Status: d.Metrics}
		if d.MetricsThresholdMinutes != 0 {
			m := d.MetricsThresholdMinutes
			x.Metrics.EventThreshold = &minutesX{&m}
		}
	}
}

var replicationRow = &configRow{
	sub: "replication", kind: bucketconfig.KindReplication, root: "ReplicationConfiguration",
	get: "GetBucketReplication", put: "PutBucketReplication", del: "DeleteBucketReplication",
	perm: permOwner, only: "s3",
	parse:  parseReplication,
	render: func(_ *request, c bucketconfig.Config) any { return renderReplication(c.(*bucketconfig.Replication)) },
	missing: func(rc *request) (any, error) {
		return nil, errorf("ReplicationConfigurationNotFoundError", "").with("BucketName", rc.op.Bucket)
	},
}

// enabledStatus reads a Status element: Enabled or Disabled.
func enabledStatus(s string) (bool, error) {
	switch s {
	case "Enabled":
		return true, nil
	case "Disabled":
		return false, nil
	}
	return false, errorf("MalformedXML", "")
}

func parseReplication(rc *request, data []byte) (bucketconfig.Config, error) {
	var doc replicationXML
	if err := xml.Unmarshal(data, &doc); err != nil || doc.XMLName.Local != "ReplicationConfiguration" {
		return nil, errorf("MalformedXML", "")
	}
	if err := checkElements(data, &doc); err != nil {
		return nil, err
	}
	c := &bucketconfig.Replication{Role: doc.Role}
	for _, x := range doc.Rules {
		var r bucketconfig.ReplicationRule
		var err error
		r.ID = x.ID
		if r.Enabled, err = enabledStatus(x.Status); err != nil {
			return nil, err
		}
		if x.Priority != nil {
			r.Priority = *x.Priority
		}
		switch {
		case x.Filter != nil && x.Prefix != nil:
			return nil, errorf("MalformedXML", "")
		case x.Filter != nil:
			r.FilterForm = "filter"
			f := x.Filter
			r.EmptyFilter = f.Prefix == nil && f.Tag == nil && f.And == nil && f.Not == nil
			if f.Prefix != nil {
				r.Filter.Prefix = *f.Prefix
			}
			if f.Tag != nil {
				r.Filter.Tags = append(r.Filter.Tags, bucketconfig.Tag{Key: f.Tag.Key, Value: f.Tag.Value})
			}
			not := f.Not
			if f.And != nil {
				if f.And.Prefix != nil {
					r.Filter.Prefix = *f.And.Prefix
				}
				for _, t := range f.And.Tags {
					r.Filter.Tags = append(r.Filter.Tags, bucketconfig.Tag{Key: t.Key, Value: t.Value})
				}
				if f.And.Not != nil {
					if not != nil {
						return nil, errorf("MalformedXML", "")
					}
					not = f.And.Not
				}
			}
			if f.Not != nil && (f.Prefix != nil || f.Tag != nil || f.And != nil) {
				// A Filter holds exactly one element; a Not beside
				// others goes in the And.
				return nil, errorf("MalformedXML", "")
			}
			if not != nil {
				if r.Filter.Exclude, err = parseReplicationNot(not); err != nil {
					return nil, err
				}
			}
			// The Filter form requires DeleteMarkerReplication.
			if x.DeleteMarkerReplication == nil {
				return nil, errorf("InvalidRequest", "DeleteMarkerReplication must be specified for this version of Cross Region Replication configuration schema.")
			}
		case x.Prefix != nil:
			r.Filter.Prefix = *x.Prefix
		}
		if x.DeleteMarkerReplication != nil {
			if r.DeleteMarkers, err = enabledStatus(x.DeleteMarkerReplication.Status); err != nil {
				return nil, err
			}
		}
		if x.ExistingObjects != nil {
			if r.ExistingObjects, err = enabledStatus(x.ExistingObjects.Status); err != nil {
				return nil, err
			}
		}
		r.Destination = bucketconfig.ReplicationDestination{Bucket: x.Destination.Bucket,
			Account: x.Destination.Account, StorageClass: x.Destination.StorageClass}
		if cr := x.Criteria; cr != nil {
			if cr.ReplicaModifications != nil {
				if r.ReplicaModifications, err = enabledStatus(cr.ReplicaModifications.Status); err != nil {
					return nil, err
				}
			}
			if cr.SSEKMS != nil {
				if r.SSEKMSObjects, err = enabledStatus(cr.SSEKMS.Status); err != nil {
					return nil, err
				}
			}
		}
		if e := x.Destination.Encryption; e != nil {
			r.Destination.ReplicaKMSKeyID = e.ReplicaKmsKeyID
			if u := e.UseSourceMultiRegionKey; u != nil {
				if _, err := enabledStatus(u.Status); err != nil {
					return nil, err
				}
				r.Destination.UseSourceMultiRegionKey = u.Status
			}
		}
		if err := parseReplicationDestination(&x.Destination, &r.Destination); err != nil {
			return nil, err
		}
		if r.SSEKMSObjects != (r.Destination.ReplicaKMSKeyID != "") {
			return nil, errorf("InvalidRequest", "ReplicaKmsKeyID must be specified if SseKmsEncryptedObjects tag is present.")
		}
		if _, ok := bucketconfig.BucketFromARN(r.Destination.Bucket); !ok {
			return nil, errorf("InvalidArgument", "Invalid bucket ARN: %s", r.Destination.Bucket)
		}
		c.Rules = append(c.Rules, r)
	}
	if len(c.Rules) == 0 {
		return nil, errorf("MalformedXML", "")
	}
	nameReplicationRules(c.Rules)
	if err := c.Validate(); err != nil {
		return nil, errorf("InvalidArgument", "%s", err.Error())
	}
	// S3 replicates only from a versioned bucket (the engine also serves
	// OSS's unversioned pairs).
	if b, err := rc.s.bucketOf(rc); err != nil {
		return nil, err
	} else if b.Versioning != engine.VersioningEnabled {
		return nil, engine.ErrReplicationVersioning
	}
	return c, nil
}

// nameReplicationRules gives each rule put without an ID one, as S3 does
// (GetBucketReplication answers an ID for every rule: LocalStack's
// AWS-recorded test_replication_config), unused by the other rules.
func nameReplicationRules(rules []bucketconfig.ReplicationRule) {
	used := make(map[string]bool, len(rules))
	for _, r := range rules {
		used[r.ID] = true
	}
	n := 0
	for i := range rules {
		if rules[i].ID != "" {
			continue
		}
		for {
			n++
			if id := "rule-" + strconv.Itoa(n); !used[id] {
				rules[i].ID, used[id] = id, true
				break
			}
		}
	}
}

func statusOf(on bool) string {
	if on {
		return "Enabled"
	}
	return "Disabled"
}

func renderReplication(c *bucketconfig.Replication) *replicationXML {
	doc := &replicationXML{Role: c.Role}
	for _, r := range c.Rules {
		x := replicationRuleX{ID: r.ID, Status: statusOf(r.Enabled),
			Destination: replicationDestX{Bucket: r.Destination.Bucket, Account: r.Destination.Account, StorageClass: r.Destination.StorageClass}}
		if r.FilterForm == "filter" {
			p := r.Priority
			x.Priority = &p
			f := &replicationFilterX{}
			ex := r.Filter.Exclude
			switch {
			case ex != nil && len(r.Filter.Tags) == 0 && r.Filter.Prefix == "":
				f.Not = renderReplicationNot(ex)
			case ex == nil && len(r.Filter.Tags) == 0 && r.Filter.Prefix == "" && r.EmptyFilter:
				// <Filter/> as it was put.
			case ex == nil && len(r.Filter.Tags) == 0:
				prefix := r.Filter.Prefix
				f.Prefix = &prefix
			case ex == nil && len(r.Filter.Tags) == 1 && r.Filter.Prefix == "":
				f.Tag = &xmlTag{r.Filter.Tags[0].Key, r.Filter.Tags[0].Value}
			default:
				f.And = &replicationAndX{}
				if r.Filter.Prefix != "" {
					prefix := r.Filter.Prefix
					f.And.Prefix = &prefix
				}
				for _, t := range r.Filter.Tags {
					f.And.Tags = append(f.And.Tags, xmlTag{t.Key, t.Value})
				}
				if ex != nil {
					f.And.Not = renderReplicationNot(ex)
				}
			}
			x.Filter = f
			x.DeleteMarkerReplication = &statusX{statusOf(r.DeleteMarkers)}
		} else {
			prefix := r.Filter.Prefix
			x.Prefix = &prefix
		}
		if r.ExistingObjects {
			x.ExistingObjects = &statusX{"Enabled"}
		}
		renderReplicationDestination(&r.Destination, &x.Destination)
		if r.SSEKMSObjects || r.ReplicaModifications {
			x.Criteria = &replicationCriteriaX{}
		}
		if r.SSEKMSObjects {
			x.Criteria.SSEKMS = &statusX{"Enabled"}
		}
		if r.SSEKMSObjects || r.Destination.UseSourceMultiRegionKey != "" {
			x.Destination.Encryption = &replicaEncryptionX{ReplicaKmsKeyID: r.Destination.ReplicaKMSKeyID}
			if u := r.Destination.UseSourceMultiRegionKey; u != "" {
				x.Destination.Encryption.UseSourceMultiRegionKey = &statusX{u}
			}
		}
		if r.ReplicaModifications {
			x.Criteria.ReplicaModifications = &statusX{"Enabled"}
		}
		doc.Rules = append(doc.Rules, x)
	}
	return doc
}
