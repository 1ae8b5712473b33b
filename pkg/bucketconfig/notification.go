package bucketconfig

import (
	"fmt"
	"strings"
)

// Notification is a bucket's event notification configuration (S3
// NotificationConfiguration): which events of which keys go to which
// destinations.
type Notification struct {
	Configs []NotificationConfig `json:"configs,omitempty"`
	// EventBridge sends every event to the EventBridge destination
	// (EventBridgeARN).
	EventBridge bool `json:"eventBridge,omitempty"`
}

// NotificationConfig is one Topic, Queue or CloudFunction configuration.
type NotificationConfig struct {
	ID string `json:"id"`
	// Type is "Topic", "Queue" or "CloudFunction": the element the
	// configuration came in (and is rendered as).
	Type string `json:"type"`
	// ARN names the destination.
	ARN string `json:"arn"`
	// Events are S3 event names ("s3:ObjectCreated:*", ...).
	Events []string `json:"events"`
	// Prefix and Suffix filter keys ("" matches every key).
	Prefix string `json:"prefix,omitempty"`
	Suffix string `json:"suffix,omitempty"`
}

// EventBridgeARN is the destination of a configuration's
// EventBridgeConfiguration.
const EventBridgeARN = "arn:aws:events:::event-bus/default"

// NotificationEvents lists the S3 event names a configuration may ask for.
var NotificationEvents = []string{
	"s3:ReducedRedundancyLostObject",
	"s3:ObjectCreated:*", "s3:ObjectCreated:Put", "s3:ObjectCreated:Post", "s3:ObjectCreated:Copy",
	"s3:ObjectCreated:CompleteMultipartUpload",
	"s3:ObjectRemoved:*", "s3:ObjectRemoved:Delete", "s3:ObjectRemoved:DeleteMarkerCreated",
	"s3:ObjectRestore:*", "s3:ObjectRestore:Post", "s3:ObjectRestore:Completed", "s3:ObjectRestore:Delete",
	"s3:Replication:*", "s3:Replication:OperationFailedReplication", "s3:Replication:OperationNotTracked",
	"s3:Replication:OperationMissedThreshold", "s3:Replication:OperationReplicatedAfterThreshold",
	"s3:LifecycleTransition", "s3:IntelligentTiering", "s3:ObjectAcl:Put", "s3:ObjectRetention:Put",
	"s3:LifecycleExpiration:*", "s3:LifecycleExpiration:Delete", "s3:LifecycleExpiration:DeleteMarkerCreated",
	"s3:ObjectTagging:*", "s3:ObjectTagging:Put", "s3:ObjectTagging:Delete",
	"s3:ObjectAnnotation:*", "s3:ObjectAnnotation:Put", "s3:ObjectAnnotation:Delete",
}

// MaxNotificationConfigs bounds the configurations of one bucket.
const MaxNotificationConfigs = 100

// MaxFilterValue is the longest prefix or suffix filter, in bytes.
const MaxFilterValue = 1024

// ErrOverlap is wrapped by Validate when two configurations share an event
// type for overlapping keys.
var ErrOverlap = fmt.Errorf("%w: configurations overlap", ErrInvalid)

// Kind implements Config.
func (*Notification) Kind() Kind { return KindNotification }

// Validate implements Config: known events, at most
// MaxNotificationConfigs configurations with an ARN each, unique IDs, and
// no two configurations sharing an event type for keys both filters match
// (ErrOverlap).
func (n *Notification) Validate() error {
	if len(n.Configs) > MaxNotificationConfigs {
		return fmt.Errorf("%w: %d notification configurations, at most %d", ErrInvalid, len(n.Configs), MaxNotificationConfigs)
	}
	ids := make(map[string]bool, len(n.Configs))
	for i := range n.Configs {
		c := &n.Configs[i]
		switch c.Type {
		case "Topic", "Queue", "CloudFunction":
		default:
			return fmt.Errorf("%w: notification configuration type %q", ErrInvalid, c.Type)
		}
		if c.ARN == "" {
			return fmt.Errorf("%w: configuration %q names no destination", ErrInvalid, c.ID)
		}
		if ids[c.ID] {
			return fmt.Errorf("%w: duplicate configuration ID %q", ErrInvalid, c.ID)
		}
		ids[c.ID] = true
		if len(c.Events) == 0 {
			return fmt.Errorf("%w: configuration %q names no event", ErrInvalid, c.ID)
		}
		for _, ev := range c.Events {
			if !knownEvent(ev) {
				return fmt.Errorf("%w: the event %s is not supported for notifications", ErrInvalid, ev)
			}
		}
		if len(c.Prefix) > MaxFilterValue || len(c.Suffix) > MaxFilterValue {
			return fmt.Errorf("%w: filter rule value exceeds %d bytes", ErrInvalid, MaxFilterValue)
		}
		for j := range i {
			if n.Configs[j].overlaps(c) {
				return fmt.Errorf("%w: configurations on the same bucket cannot share a common event type", ErrOverlap)
			}
		}
	}
	return nil
}

func knownEvent(ev string) bool {
	for _, k := range NotificationEvents {
		if k == ev {
			return true
		}
	}
	return false
}

// overlaps reports whether a and b share an event type for some key both
// filters match: one prefix extends the other and one suffix ends the
// other.
func (a *NotificationConfig) overlaps(b *NotificationConfig) bool {
	if !strings.HasPrefix(a.Prefix, b.Prefix) && !strings.HasPrefix(b.Prefix, a.Prefix) {
		return false
	}
	if !strings.HasSuffix(a.Suffix, b.Suffix) && !strings.HasSuffix(b.Suffix, a.Suffix) {
		return false
	}
	for _, x := range a.Events {
		for _, y := range b.Events {
			if eventCovers(x, y) || eventCovers(y, x) {
				return true
			}
		}
	}
	return false
}

// eventCovers reports whether the configured event pattern matches the
// event name (both with the "s3:" prefix).
func eventCovers(pattern, name string) bool {
	if pattern == name {
		return true
	}
	base, ok := strings.CutSuffix(pattern, "*")
	return ok && strings.HasPrefix(name, base)
}

// Matches reports whether the configuration asks for the event name
// (without the "s3:" prefix, as in event records: "ObjectCreated:Put") of
// key.
func (c *NotificationConfig) Matches(name, key string) bool {
	if !strings.HasPrefix(key, c.Prefix) || !strings.HasSuffix(key, c.Suffix) {
		return false
	}
	for _, p := range c.Events {
		if eventCovers(p, "s3:"+name) {
			return true
		}
	}
	return false
}

// Logging is a bucket's access-log configuration: log records of its
// requests are written as objects into TargetBucket under TargetPrefix.
type Logging struct {
	TargetBucket string `json:"targetBucket"`
	TargetPrefix string `json:"targetPrefix,omitempty"`
	// Grants are S3's TargetGrants, kept and echoed.
	Grants []LoggingGrant `json:"grants,omitempty"`
	// Format is the log format: "oss" for OSS's, anything else S3's
	// server access log format.
	Format string `json:"format,omitempty"`
	// Role is OSS's LoggingRole (the RAM role OSS writes logs as), kept
	// and echoed; osslite writes the logs itself.
	Role string `json:"role,omitempty"`
	// KeyFormat is S3's TargetObjectKeyFormat: "" (none given) or
	// LoggingSimplePrefix, log objects named TargetPrefix + time and a
	// unique string; LoggingPartitionedPrefix adds the source account,
	// region, bucket and date as folders after TargetPrefix.
	KeyFormat string `json:"keyFormat,omitempty"`
	// PartitionDateSource is "EventTime" or "DeliveryTime" with
	// LoggingPartitionedPrefix.
	PartitionDateSource string `json:"partitionDateSource,omitempty"`
}

// The key formats of Logging.KeyFormat.
const (
	LoggingSimplePrefix      = "SimplePrefix"
	LoggingPartitionedPrefix = "PartitionedPrefix"
)

// LoggingGrant is one S3 TargetGrants/Grant.
type LoggingGrant struct {
	// Type is "CanonicalUser", "AmazonCustomerByEmail" or "Group".
	Type       string `json:"type"`
	ID         string `json:"id,omitempty"`
	Email      string `json:"email,omitempty"`
	URI        string `json:"uri,omitempty"`
	Permission string `json:"permission"`
}

// MaxLoggingPrefix is the longest target prefix, in bytes.
const MaxLoggingPrefix = 512

// Kind implements Config.
func (*Logging) Kind() Kind { return KindLogging }

// Validate implements Config.
func (l *Logging) Validate() error {
	if l.TargetBucket == "" {
		return fmt.Errorf("%w: logging names no target bucket", ErrInvalid)
	}
	if len(l.TargetPrefix) > MaxLoggingPrefix {
		return fmt.Errorf("%w: target prefix exceeds %d bytes", ErrInvalid, MaxLoggingPrefix)
	}
	switch {
	case l.KeyFormat == "" || l.KeyFormat == LoggingSimplePrefix:
		if l.PartitionDateSource != "" {
			return fmt.Errorf("%w: a partition date source without PartitionedPrefix", ErrInvalid)
		}
	case l.KeyFormat == LoggingPartitionedPrefix:
		if l.PartitionDateSource != "EventTime" && l.PartitionDateSource != "DeliveryTime" {
			return fmt.Errorf("%w: partition date source %q", ErrInvalid, l.PartitionDateSource)
		}
	default:
		return fmt.Errorf("%w: target object key format %q", ErrInvalid, l.KeyFormat)
	}
	for _, g := range l.Grants {
		switch g.Permission {
		// S3 documents FULL_CONTROL, READ and WRITE, and takes READ_ACP too
		// (LocalStack's AWS-recorded test_put_bucket_logging_accept_wrong_grants).
		case "FULL_CONTROL", "READ", "WRITE", "READ_ACP":
		default:
			return fmt.Errorf("%w: logging grant permission %q", ErrInvalid, g.Permission)
		}
	}
	return nil
}
