package bucketconfig

import (
	"fmt"
	"slices"
	"strings"
)

// Replication is a bucket's replication configuration (S3
// ReplicationConfiguration): rules that copy every new version whose key
// and tags match to a destination bucket, asynchronously.
type Replication struct {
	// Role is the IAM role S3 assumes; echoed, never used.
	Role  string            `json:"role,omitempty"`
	Rules []ReplicationRule `json:"rules"`
}

// ReplicationRule is one rule of a Replication configuration.
type ReplicationRule struct {
	ID       string `json:"id,omitempty"`
	Priority int    `json:"priority,omitempty"`
	// Enabled is Status "Enabled".
	Enabled bool `json:"enabled"`
	// Filter selects the objects (prefix and every tag).
	Filter ReplicationFilter `json:"filter"`
	// FilterForm remembers whether the rule was written with a Filter
	// ("filter") or the legacy top-level Prefix (""), for rendering.
	FilterForm string `json:"filterForm,omitempty"`
	// EmptyFilter says the rule was put with a Filter holding no
	// condition (<Filter/>: every object), which S3 reads back empty
	// rather than with an empty Prefix.
	EmptyFilter bool `json:"emptyFilter,omitempty"`
	// DeleteMarkers is DeleteMarkerReplication Status "Enabled": delete
	// markers are replicated too.
	DeleteMarkers bool `json:"deleteMarkers,omitempty"`
	// ExistingObjects is ExistingObjectReplication Status "Enabled" (OSS:
	// HistoricalObjectReplication "enabled"): the current versions that
	// existed when the rule was put are replicated too (needs an ID).
	ExistingObjects bool `json:"existingObjects,omitempty"`
	// Destination is where matching versions go.
	Destination ReplicationDestination `json:"destination"`
	// SSEKMSObjects is SourceSelectionCriteria SseKmsEncryptedObjects
	// Status "Enabled": versions encrypted with SSE-KMS (or DSSE-KMS) are
	// replicated, their replicas sealed under Destination.ReplicaKMSKeyID.
	// Without it such versions are not replicated (S3 and OSS).
	SSEKMSObjects bool `json:"sseKmsObjects,omitempty"`
	// ReplicaModifications is SourceSelectionCriteria ReplicaModifications
	// Status "Enabled": the metadata changes (tags, ACL, Object Lock
	// settings) made to replicas in this bucket go back to their sources
	// (S3's replica modification sync, for two-way replication).
	ReplicaModifications bool `json:"replicaModifications,omitempty"`
	// RTC is OSS's Replication Time Control status, "enabled" or
	// "disabled" ("" when never set); echoed: every replication pass
	// delivers what is due, well within RTC's promise.
	RTC string `json:"rtc,omitempty"`
}

// ReplicationFilter selects objects by key prefix and tags.
type ReplicationFilter struct {
	Prefix string `json:"prefix,omitempty"`
	Tags   []Tag  `json:"tags,omitempty"`
	// Prefixes, when set, is OSS's PrefixSet: the key must also start
	// with one of them.
	Prefixes []string `json:"prefixes,omitempty"`
	// Exclude, when set, is S3's Not: an object it matches is left out
	// of the rule.
	Exclude *ReplicationExclusion `json:"exclude,omitempty"`
}

// ReplicationExclusion is S3's replication filter Not: an object whose
// key starts with one of Prefixes, or that carries one of Tags, is
// excluded from the rule.
type ReplicationExclusion struct {
	Prefixes []string `json:"prefixes,omitempty"`
	Tags     []Tag    `json:"tags,omitempty"`
	// Or remembers that the exclusion was written as an Or (of any
	// number of prefixes and tags), for rendering; otherwise it is one
	// Prefix or one Tag.
	Or bool `json:"or,omitempty"`
}

// Excludes reports whether the exclusion leaves out an object with key
// and tags (false for a nil exclusion).
func (x *ReplicationExclusion) Excludes(key string, tags []Tag) bool {
	if x == nil {
		return false
	}
	for _, p := range x.Prefixes {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	for _, w := range x.Tags {
		if slices.Contains(tags, w) {
			return true
		}
	}
	return false
}

// ReplicationDestination is the destination of a rule.
type ReplicationDestination struct {
	// Bucket is the destination bucket's ARN, arn:aws:s3:::name.
	Bucket string `json:"bucket"`
	// StorageClass, when set, is the replicas' storage class.
	StorageClass string `json:"storageClass,omitempty"`
	// Account is the destination bucket owner's account; echoed.
	Account string `json:"account,omitempty"`
	// Location and TransferType are OSS's destination region and link;
	// echoed.
	Location     string `json:"location,omitempty"`
	TransferType string `json:"transferType,omitempty"`
	// ReplicaKMSKeyID (EncryptionConfiguration) is the KMS key the
	// replicas of SSE-KMS versions are sealed under.
	ReplicaKMSKeyID string `json:"replicaKmsKeyId,omitempty"`
	// OwnerOverride is S3's AccessControlTranslation Owner "Destination"
	// (with Account): replicas belong to the destination bucket's owner.
	// A local destination is always the source owner's, so it is echoed.
	OwnerOverride bool `json:"ownerOverride,omitempty"`
	// ReplicationTime is S3 Replication Time Control's Status,
	// "Enabled" or "Disabled" ("" when not given), and
	// ReplicationMinutes its Time (15, the one value S3 takes). Echoed:
	// every replication pass delivers what is due, well within it.
	ReplicationTime    string `json:"replicationTime,omitempty"`
	ReplicationMinutes int    `json:"replicationMinutes,omitempty"`
	// Metrics is S3's replication Metrics Status ("Enabled",
	// "Disabled", "" when not given) and MetricsThresholdMinutes its
	// EventThreshold (0: none); echoed.
	Metrics                 string `json:"metrics,omitempty"`
	MetricsThresholdMinutes int    `json:"metricsThresholdMinutes,omitempty"`
	// UseSourceMultiRegionKey is S3's EncryptionConfiguration
	// UseSourceMultiRegionKey Status ("Enabled", "Disabled", "" when not
	// given). Enabled, a replica of an SSE-KMS version is sealed under
	// the related multi-Region key in the destination's region, which
	// for a local destination is the source version's own key.
	UseSourceMultiRegionKey string `json:"useSourceMultiRegionKey,omitempty"`
}

// MaxReplicationRules is the most rules a configuration may hold (S3:
// 1,000).
const MaxReplicationRules = 1000

// bucketARNPrefix starts every S3 bucket ARN.
const bucketARNPrefix = "arn:aws:s3:::"

// BucketFromARN returns the bucket an S3 bucket ARN names.
func BucketFromARN(arn string) (string, bool) {
	name, ok := strings.CutPrefix(arn, bucketARNPrefix)
	if !ok || name == "" || strings.Contains(name, "/") {
		return "", false
	}
	return name, true
}

// Kind implements Config.
func (*Replication) Kind() Kind { return KindReplication }

// Validate implements Config: 1 to MaxReplicationRules rules with
// unique IDs (at most 255 characters), unique priorities, and a
// destination bucket ARN each.
func (r *Replication) Validate() error {
	if len(r.Rules) == 0 || len(r.Rules) > MaxReplicationRules {
		return fmt.Errorf("%w: %d replication rules, 1 to %d allowed", ErrInvalid, len(r.Rules), MaxReplicationRules)
	}
	ids := map[string]bool{}
	prios := map[int]bool{}
	for i := range r.Rules {
		rule := &r.Rules[i]
		if len(rule.ID) > 255 {
			return fmt.Errorf("%w: replication rule ID longer than 255 characters", ErrInvalid)
		}
		if rule.ID != "" && ids[rule.ID] {
			return fmt.Errorf("%w: duplicate replication rule ID %q", ErrInvalid, rule.ID)
		}
		ids[rule.ID] = true
		if rule.FilterForm == "filter" {
			if prios[rule.Priority] {
				return fmt.Errorf("%w: replication rules share priority %d", ErrInvalid, rule.Priority)
			}
			prios[rule.Priority] = true
		}
		if _, ok := BucketFromARN(rule.Destination.Bucket); !ok {
			return fmt.Errorf("%w: destination bucket %q is not an S3 bucket ARN", ErrInvalid, rule.Destination.Bucket)
		}
		for _, t := range rule.Filter.Tags {
			if t.Key == "" {
				return fmt.Errorf("%w: replication filter tag without a key", ErrInvalid)
			}
		}
		if rule.SSEKMSObjects != (rule.Destination.ReplicaKMSKeyID != "") {
			return fmt.Errorf("%w: ReplicaKmsKeyID must be specified if and only if SseKmsEncryptedObjects is Enabled", ErrInvalid)
		}
	}
	return nil
}

// Match returns the rule that replicates an object with key and tags:
// the enabled matching rule with the highest priority (the first of
// equal ones), or nil. deleteMarker asks for a rule that replicates
// delete markers (a marker carries no tags: rules with tag filters never
// replicate markers, as in S3). A configuration whose rules name several
// destinations replicates to each: see Matches.
func (r *Replication) Match(key string, tags []Tag, deleteMarker bool) *ReplicationRule {
	return r.MatchTo("", key, tags, deleteMarker)
}

// MatchTo is Match among the rules whose destination is dest (every
// rule when dest is "").
func (r *Replication) MatchTo(dest, key string, tags []Tag, deleteMarker bool) *ReplicationRule {
	var best *ReplicationRule
	for i := range r.Rules {
		rule := &r.Rules[i]
		if (dest == "" || rule.Destination.Bucket == dest) && rule.selects(key, tags, deleteMarker) &&
			(best == nil || rule.Priority > best.Priority) {
			best = rule
		}
	}
	return best
}

// Matches appends to dst, for each destination bucket that a rule
// selecting the object names, the rule that replicates it there (MatchTo
// of that destination), in the order of the rules, and returns the
// extended slice. S3 replicates an object "according to all replication
// rules. However, if there are two or more rules with the same
// destination bucket, then objects will be replicated according to the
// rule with the highest priority" (ReplicationRule, Priority).
func (r *Replication) Matches(dst []*ReplicationRule, key string, tags []Tag, deleteMarker bool) []*ReplicationRule {
	n := len(dst)
	for i := range r.Rules {
		rule := &r.Rules[i]
		if !rule.selects(key, tags, deleteMarker) {
			continue
		}
		j := n
		for j < len(dst) && dst[j].Destination.Bucket != rule.Destination.Bucket {
			j++
		}
		switch {
		case j == len(dst):
			dst = append(dst, rule)
		case rule.Priority > dst[j].Priority:
			dst[j] = rule
		}
	}
	return dst
}

// selects reports whether the rule, enabled, replicates an object with
// key and tags (a delete marker: deleteMarker).
func (rule *ReplicationRule) selects(key string, tags []Tag, deleteMarker bool) bool {
	if !rule.Enabled || !strings.HasPrefix(key, rule.Filter.Prefix) || !anyPrefix(key, rule.Filter.Prefixes) {
		return false
	}
	if deleteMarker && (!rule.DeleteMarkers || len(rule.Filter.Tags) > 0) {
		return false
	}
	return hasTags(tags, rule.Filter.Tags) && !rule.Filter.Exclude.Excludes(key, tags)
}

// hasTags reports whether have holds every tag of want.
func hasTags(have, want []Tag) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			if h == w {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// anyPrefix reports whether key starts with one of prefixes (true when
// there are none).
func anyPrefix(key string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return len(prefixes) == 0
}
