package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"net"
	"strconv"
	"strings"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// Event notifications: S3 Put/GetBucketNotificationConfiguration, and the
// facts of the events object operations make. Only a request knows them
// (request ID, host ID, source IP, principal): handlers attach them to
// the operation's context (eventCtx, engine.WithEvent) and the engine
// builds the event when it knows the record and queues its deliveries in
// the change's own batch (engine/notifybatch.go), before the response is
// written, so events of one key reach subscribers in commit order and a
// crash keeps a change and its event together or neither. The engine
// sequences, queues and delivers them (engine/notify.go) and makes its
// own (lifecycle expiration, restore completion, Intelligent-Tiering,
// replication).

// notificationXML is the NotificationConfiguration document.
type notificationXML struct {
	XMLName     xml.Name
	Topics      []notificationConfXML `xml:"TopicConfiguration"`
	Queues      []notificationConfXML `xml:"QueueConfiguration"`
	Functions   []notificationConfXML `xml:"CloudFunctionConfiguration"`
	EventBridge *struct{}             `xml:"EventBridgeConfiguration"`
}

type notificationConfXML struct {
	ID            string              `xml:"Id,omitempty"`
	Topic         string              `xml:"Topic,omitempty"`
	Queue         string              `xml:"Queue,omitempty"`
	CloudFunction string              `xml:"CloudFunction,omitempty"`
	Events        []string            `xml:"Event"`
	Filter        *notificationFilter `xml:"Filter,omitempty"`
}

type notificationFilter struct {
	Rules []filterRuleXML `xml:"S3Key>FilterRule"`
}

type filterRuleXML struct {
	Name  string `xml:"Name"`
	Value string `xml:"Value"`
}

// notificationRow is the configuration table's row for ?notification.
var notificationRow = &configRow{
	sub: "notification", kind: bucketconfig.KindNotification, root: "NotificationConfiguration",
	get: "GetBucketNotificationConfiguration", put: "PutBucketNotificationConfiguration",
	perm: permOwner, parse: parseNotification, render: renderNotification,
	// Nothing configured is an empty document, not an error.
	missing: func(*request) (any, error) { return &notificationXML{}, nil },
}

// parseNotification reads a NotificationConfiguration; an empty one
// (no configuration at all) returns nil: notifications off.
func parseNotification(rc *request, data []byte) (bucketconfig.Config, error) {
	var doc notificationXML
	if err := xml.Unmarshal(data, &doc); err != nil || doc.XMLName.Local != "NotificationConfiguration" {
		return nil, errorf("MalformedXML", "")
	}
	if err := checkElements(data, &doc); err != nil {
		return nil, err
	}
	n := &bucketconfig.Notification{EventBridge: doc.EventBridge != nil}
	for _, g := range []struct {
		typ  string
		list []notificationConfXML
		arn  func(*notificationConfXML) string
	}{
		{"Topic", doc.Topics, func(c *notificationConfXML) string { return c.Topic }},
		{"Queue", doc.Queues, func(c *notificationConfXML) string { return c.Queue }},
		{"CloudFunction", doc.Functions, func(c *notificationConfXML) string { return c.CloudFunction }},
	} {
		for i := range g.list {
			x := &g.list[i]
			c := bucketconfig.NotificationConfig{ID: x.ID, Type: g.typ, ARN: strings.TrimSpace(g.arn(x)), Events: x.Events}
			if c.ID == "" {
				c.ID = newConfigurationID()
			}
			if x.Filter != nil {
				for _, r := range x.Filter.Rules {
					switch strings.ToLower(r.Name) {
					case "prefix":
						if c.Prefix != "" {
							return nil, errorf("InvalidArgument", "Cannot specify more than one prefix rule in a filter.").with("ArgumentName", "FilterRule").with("ArgumentValue", r.Name)
						}
						c.Prefix = r.Value
					case "suffix":
						if c.Suffix != "" {
							return nil, errorf("InvalidArgument", "Cannot specify more than one suffix rule in a filter.").with("ArgumentName", "FilterRule").with("ArgumentValue", r.Name)
						}
						c.Suffix = r.Value
					default:
						return nil, errorf("InvalidArgument", "filter rule name must be either prefix or suffix").with("ArgumentName", "FilterRule.Name").with("ArgumentValue", r.Name)
					}
				}
			}
			if c.ARN == "" {
				return nil, errorf("InvalidArgument", "A %s configuration must name its destination.", g.typ).with("ArgumentName", g.typ)
			}
			// S3 parses every ARN before it looks for any destination, with
			// or without x-amz-skip-destination-validation. A name the
			// server registered as a target is taken whatever its form.
			if !arnParses(c.ARN) && !rc.s.eng.NotificationTargetKnown(c.ARN) {
				return nil, errorf("InvalidArgument", "The ARN could not be parsed").with("ArgumentName", g.typ).with("ArgumentValue", c.ARN)
			}
			n.Configs = append(n.Configs, c)
		}
	}
	if len(n.Configs) == 0 && !n.EventBridge {
		return nil, nil
	}
	if err := n.Validate(); err != nil {
		msg := strings.TrimPrefix(err.Error(), bucketconfig.ErrInvalid.Error()+": ")
		if errors.Is(err, bucketconfig.ErrOverlap) {
			msg = "Configurations overlap. Configurations on the same bucket cannot share a common event type."
		}
		return nil, errorf("InvalidArgument", "%s", msg)
	}
	if !strings.EqualFold(rc.header("skip-destination-validation"), "true") {
		// A target the server keeps for other owners' buckets is as
		// unknown to this one's (engine.Options.NotificationTargetOwners).
		owner := ""
		if b, err := rc.s.eng.Bucket(rc.ctx, rc.op.Bucket); err == nil {
			owner = b.Owner
		}
		// S3 numbers the destinations it could not validate:
		// ArgumentName1/ArgumentValue1, ArgumentName2/... .
		var e *Error
		count := 0
		unknown := func(name, value string) {
			if e == nil {
				e = errorf("InvalidArgument", "Unable to validate the following destination configurations")
			}
			count++
			e = e.with("ArgumentName"+strconv.Itoa(count), name).with("ArgumentValue"+strconv.Itoa(count), value)
		}
		for _, c := range n.Configs {
			if !rc.s.eng.NotificationTargetAllowed(c.ARN, owner) {
				unknown(unknownDestination(c.Type, c.ARN))
			}
		}
		if n.EventBridge && !rc.s.eng.NotificationTargetAllowed(bucketconfig.EventBridgeARN, owner) {
			unknown(bucketconfig.EventBridgeARN, "The destination is not a notification target of this server")
		}
		if e != nil {
			return nil, e
		}
	}
	return n, nil
}

// arnParses reports whether arn has the form S3 takes for a destination:
// arn:partition:service:region:account:resource, the partition, service
// and resource not empty (region and account may be).
func arnParses(arn string) bool {
	parts := strings.SplitN(arn, ":", 6)
	return len(parts) == 6 && parts[0] == "arn" && parts[1] != "" && parts[2] != "" && parts[5] != ""
}

// unknownDestination is the ArgumentName and ArgumentValue S3 gives a
// destination of type typ it could not validate: a queue "does not
// exist", a function is one S3 is "Not authorized to invoke" (named with
// its qualifier, ", null" when it has none). For topics S3 first checks
// the topic policy, which a server without SNS cannot, so they keep
// osslite's own words.
func unknownDestination(typ, arn string) (name, value string) {
	switch typ {
	case "Queue":
		return arn, "The destination queue does not exist"
	case "CloudFunction":
		return arn + ", null", "Not authorized to invoke function [" + arn + "]"
	}
	return arn, "The destination is not a notification target of this server"
}

// newConfigurationID is the ID S3 gives a configuration sent without one.
func newConfigurationID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func renderNotification(_ *request, c bucketconfig.Config) any {
	n := c.(*bucketconfig.Notification)
	doc := &notificationXML{}
	if n.EventBridge {
		doc.EventBridge = &struct{}{}
	}
	for _, c := range n.Configs {
		x := notificationConfXML{ID: c.ID, Events: c.Events}
		if c.Prefix != "" || c.Suffix != "" {
			x.Filter = &notificationFilter{}
			if c.Prefix != "" {
				x.Filter.Rules = append(x.Filter.Rules, filterRuleXML{"Prefix", c.Prefix})
			}
			if c.Suffix != "" {
				x.Filter.Rules = append(x.Filter.Rules, filterRuleXML{"Suffix", c.Suffix})
			}
		}
		switch c.Type {
		case "Topic":
			x.Topic = c.ARN
			doc.Topics = append(doc.Topics, x)
		case "Queue":
			x.Queue = c.ARN
			doc.Queues = append(doc.Queues, x)
		default:
			x.CloudFunction = c.ARN
			doc.Functions = append(doc.Functions, x)
		}
	}
	return doc
}

// eventCtx returns the context for an operation that queues its event
// name about the request's bucket in its own batch (engine.WithEvent):
// rc.ctx carrying the request facts, or rc.ctx itself when nobody wants
// the bucket's events (one cached lookup, nothing allocated). The caller
// does not publish the event again.
func (s *server) eventCtx(rc *request, name string) context.Context {
	return s.eventCtxIn(rc, rc.op.Bucket, name)
}

// eventCtxIn is eventCtx about bucket, which may be another than the
// request's (where ProcessObject saves).
func (s *server) eventCtxIn(rc *request, bucket, name string) context.Context {
	f := s.eventFactsIn(rc, bucket, name)
	if f == nil {
		return rc.ctx
	}
	return engine.WithEvent(rc.ctx, f)
}

// eventFacts returns the facts eventCtx attaches for the event name about
// the request's bucket, nil when nobody wants the bucket's events, for a
// caller that adds to them before engine.WithEvent.
func (s *server) eventFacts(rc *request, name string) *engine.EventFacts {
	return s.eventFactsIn(rc, rc.op.Bucket, name)
}

// eventFactsIn is eventFacts about bucket.
func (s *server) eventFactsIn(rc *request, bucket, name string) *engine.EventFacts {
	if !s.eng.WantsEvents(rc.ctx, bucket) {
		return nil
	}
	f := &engine.EventFacts{Name: name, Bucket: bucket, Region: s.cfg.Region,
		PrincipalID: principalOf(rc), SourceIP: remoteIP(rc)}
	h := rc.w.Header()
	f.RequestID = h.Get(rc.d.requestIDHeader)
	if rc.d.hostIDHeader != "" {
		f.HostID = h.Get(rc.d.hostIDHeader)
	}
	return f
}

// principalOf names the requester in events and access logs: its
// canonical ID, "Anonymous" for anonymous requests.
func principalOf(rc *request) string {
	if rc.who.anonymous || rc.who.id == "" {
		return "Anonymous"
	}
	return rc.who.id
}

// remoteIP is the client address of the request without the port.
func remoteIP(rc *request) string {
	host, _, err := net.SplitHostPort(rc.r.RemoteAddr)
	if err != nil {
		return rc.r.RemoteAddr
	}
	return host
}
