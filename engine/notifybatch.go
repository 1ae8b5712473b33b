package engine

import (
	"context"
	"encoding/binary"
	"strings"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// Events committed with their change. Publish commits an event's pending
// deliveries in a batch of its own, after the change it describes: a
// crash in between keeps the change and loses its event. An operation
// run under WithEvent instead builds its event(s) while it builds its
// batch, when it knows the record (size, ETag, version ID, delete marker
// or not), and queues the deliveries in that very batch: after a crash
// either the change and its deliveries survive, or neither. The
// sequencer is handed out under e.mu as well as e.notify.mu, so it
// increases per key in commit order; the subscribers are called once the
// batch is applied.

// EventFacts are the facts of an event that only the caller knows: who
// asked, from where, under which request ID. See WithEvent.
type EventFacts struct {
	// Name is the event the operation makes: "ObjectCreated:Put",
	// "ObjectCreated:Copy", "ObjectCreated:CompleteMultipartUpload", ...
	// For a delete it is "ObjectRemoved:Delete": the engine makes it
	// "ObjectRemoved:DeleteMarkerCreated" for a delete that wrote a
	// delete marker. An operation only takes facts of its own kind
	// (ObjectCreated for writes, ObjectRemoved for deletes, ObjectTagging
	// for UpdateObject with Tags, ObjectRetention for SetObjectRetention,
	// ObjectAnnotation for Put/DeleteObjectAnnotation, ObjectRestore for
	// RestoreObjectWith, ObjectAcl for UpdateObject with an ACL).
	Name string
	// Bucket is the bucket the event is about; the operation's writes
	// to other buckets make no event.
	Bucket string
	// Region is the event's awsRegion when the bucket has none.
	Region string
	// PrincipalID, SourceIP, RequestID and HostID are the event's
	// userIdentity, requestParameters and responseElements.
	PrincipalID, SourceIP, RequestID, HostID string
	// NoSizeETag leaves the object's size and ETag out of an
	// ObjectRestore:Post event (OSS's RestoreObject; S3 names them).
	NoSizeETag bool
	// Changed, when set, decides whether UpdateObject of an ACL makes its
	// ObjectAcl event, from the version before the update and after it
	// (S3 sends ObjectAcl:Put only when the grants change). It is called
	// under the engine's lock: it must not call into the engine.
	Changed func(before, after *ObjectInfo) bool
}

type eventFactsKey struct{}

// WithEvent returns a context under which the operations that make
// events (PutObject, ExtendObject, CopyObject, CompleteMultipartUpload,
// AppendObject when it appends, DeleteObject and its versioned and batch
// forms, UpdateObject of the
// tags or the ACL, SetObjectRetention, Put/DeleteObjectAnnotation, RestoreObjectWith
// when it starts a restore) build their event from
// f and queue its deliveries in the same atomic batch as their change,
// then call the subscribers, as Publish would after the change: the
// caller must not Publish it again. f must not change afterwards. A
// caller that knows nobody wants the bucket's events (WantsEvents false)
// need not call it.
func WithEvent(ctx context.Context, f *EventFacts) context.Context {
	return context.WithValue(ctx, eventFactsKey{}, f)
}

// batchEvents are the events a mutation queues in its batch.
type batchEvents struct {
	facts  *EventFacts                // nil: only the engine's own events
	nc     *bucketconfig.Notification // facts.Bucket's
	events []batchEvent
}

// batchEvent is one event of a batch and its bucket's notification
// configuration (nil: no delivery, subscribers only).
type batchEvent struct {
	ev Event
	nc *bucketconfig.Notification
}

// eventsFor returns the batchEvents of a mutation run under ctx, nil when
// ctx carries no facts. It reads the bucket's notification configuration
// (a cached lookup); the caller does not hold e.mu.
func (e *Engine) eventsFor(ctx context.Context) (*batchEvents, error) {
	f, ok := ctx.Value(eventFactsKey{}).(*EventFacts)
	if !ok || f == nil {
		return nil, nil
	}
	// A write commits whatever its context says once it got this far
	// (applyCtx admits it without ctx): so does the read its event needs.
	nc, err := e.notificationOf(context.WithoutCancel(ctx), f.Bucket)
	if err != nil {
		return nil, err
	}
	return &batchEvents{facts: f, nc: nc}, nil
}

// eventCreated notes the event of info, just written by m, when m runs
// under facts of an ObjectCreated event about info's bucket. The caller
// holds e.mu.
func (m *mutation) eventCreated(info *ObjectInfo) error {
	if be := m.events; be != nil && be.facts != nil && strings.HasPrefix(be.facts.Name, "ObjectCreated:") {
		return m.noteVersionEvent(be.facts.Name, info, info.Size, info.ETag)
	}
	return nil
}

// eventTagged notes the event of a change of info's tags, done by m, when
// m runs under facts of an ObjectTagging event about info's bucket. The
// caller holds e.mu.
func (m *mutation) eventTagged(info *ObjectInfo) error {
	if be := m.events; be != nil && be.facts != nil && strings.HasPrefix(be.facts.Name, "ObjectTagging:") {
		return m.noteVersionEvent(be.facts.Name, info, -1, info.ETag)
	}
	return nil
}

// eventACL notes the event of a change of an object's ACL, done by m,
// from before to info, when m runs under facts of an ObjectAcl event
// about info's bucket and the facts' Changed (if any) says the change
// makes one. The caller holds e.mu.
func (m *mutation) eventACL(before, info *ObjectInfo) error {
	be := m.events
	if be == nil || be.facts == nil || !strings.HasPrefix(be.facts.Name, "ObjectAcl:") {
		return nil
	}
	if be.facts.Changed != nil && !be.facts.Changed(before, info) {
		return nil
	}
	return m.noteVersionEvent(be.facts.Name, info, -1, info.ETag)
}

// eventRetained notes the event of a change of info's retention, done by
// m, when m runs under facts of an ObjectRetention event about info's
// bucket. The caller holds e.mu.
func (m *mutation) eventRetained(info *ObjectInfo) error {
	if be := m.events; be != nil && be.facts != nil && strings.HasPrefix(be.facts.Name, "ObjectRetention:") {
		return m.noteVersionEvent(be.facts.Name, info, -1, "")
	}
	return nil
}

// eventRestored notes the ObjectRestore:Post event of a restore of info
// started by m, when m runs under facts of an ObjectRestore event about
// info's bucket. The caller holds e.mu.
func (m *mutation) eventRestored(info *ObjectInfo) error {
	be := m.events
	if be == nil || be.facts == nil || !strings.HasPrefix(be.facts.Name, "ObjectRestore:") {
		return nil
	}
	size, etag := info.Size, info.ETag
	if be.facts.NoSizeETag {
		size, etag = -1, ""
	}
	return m.noteVersionEvent(be.facts.Name, info, size, etag)
}

// noteVersionEvent notes the event name about the version info (size -1:
// none), named as eventVersionID names it: every event about a version,
// a client's (writes, tags, ACLs, retention, annotations, restores) as
// S3's own (restore completions, lifecycle, tiering), names the version
// it is about, not the one the caller gave ("" for the latest). The
// caller holds e.mu.
func (m *mutation) noteVersionEvent(name string, info *ObjectInfo, size int64, etag string) error {
	if info.Bucket != m.events.facts.Bucket {
		return nil
	}
	vid, err := m.e.eventVersionID(info.Bucket, info.VersionID)
	if err != nil {
		return err
	}
	m.noteEvent(name, info.Bucket, info.Key, size, etag, vid)
	return nil
}

// eventVersionID is the versionId an event (noteVersionEvent; restores,
// lifecycle and tiering) names for version vid ("" or NullVersionID: the null
// version) of an object in bucket. S3 User Guide, "Event message
// structure": "object version if bucket is versioning-enabled, otherwise
// null". In a bucket with versioning the null version's version is
// "null" (as ListObjectVersions and HeadObject name it), also while
// versioning is suspended; in a bucket that never had versioning there
// is none, and the field is left out. The caller holds e.mu.
func (e *Engine) eventVersionID(bucket, vid string) (string, error) {
	if vid != "" && vid != NullVersionID {
		return vid, nil
	}
	st, err := e.versioningLocked(bucket)
	if err != nil || st == VersioningOff {
		return "", err
	}
	return NullVersionID, nil
}

// eventAnnotated notes the event of a change of the annotations of key's
// version versionID in bucket, done by m, when m runs under facts of an
// ObjectAnnotation event about bucket. The caller holds e.mu.
func (m *mutation) eventAnnotated(bucket, key, versionID string) error {
	if be := m.events; be != nil && be.facts != nil && strings.HasPrefix(be.facts.Name, "ObjectAnnotation:") {
		return m.noteVersionEvent(be.facts.Name, &ObjectInfo{Bucket: bucket, Key: key, VersionID: versionID}, -1, "")
	}
	return nil
}

// eventRemoved notes the event of the delete res of bucket's key, done by
// m, when m runs under facts of an ObjectRemoved event about bucket. A
// delete of a missing key makes one too, as in S3.
func (m *mutation) eventRemoved(bucket string, res *DeleteResult) {
	be := m.events
	if be == nil || be.facts == nil || !strings.HasPrefix(be.facts.Name, "ObjectRemoved:") {
		return
	}
	name, vid := removedEvent(res)
	m.noteEvent(name, bucket, res.Key, -1, "", vid)
}

// noteEvent adds the event name about key of bucket (size -1: none) to
// those m queues. The caller holds e.mu.
func (m *mutation) noteEvent(name, bucket, key string, size int64, etag, versionID string) {
	be := m.events
	if bucket != be.facts.Bucket {
		return
	}
	be.events = append(be.events, batchEvent{m.e.factsEvent(be.facts, name, bucket, key, size, etag, versionID), be.nc})
}

// ownEvent adds ev, an event the engine makes itself (a lifecycle
// expiration), to those m queues; nc is its bucket's notification
// configuration (nil: subscribers only).
func (m *mutation) ownEvent(nc *bucketconfig.Notification, ev Event) {
	if m.events == nil {
		m.events = &batchEvents{}
	}
	m.events.events = append(m.events.events, batchEvent{ev, nc})
}

// factsEvent builds the event name about key of bucket from f.
func (e *Engine) factsEvent(f *EventFacts, name, bucket, key string, size int64, etag, versionID string) Event {
	info := BucketInfo{Name: bucket}
	if rec, err := e.cachedBucket(bucket); err == nil {
		info.Owner, info.Region = rec.owner, rec.region
	}
	if info.Region == "" {
		info.Region = f.Region
	}
	ev := NewEvent(name, info, key, e.now())
	ev.UserIdentity.PrincipalID = f.PrincipalID
	ev.RequestParameters.SourceIPAddress = f.SourceIP
	ev.ResponseElements.RequestID = f.RequestID
	ev.ResponseElements.HostID = f.HostID
	if size >= 0 {
		ev.S3.Object.Size = &size
	}
	ev.S3.Object.ETag = etag
	ev.S3.Object.VersionID = versionID // "" in unversioned buckets: omitted
	return ev
}

// publishRemoved publishes, under ctx's facts, the event of a delete
// answered as done without a write (a repeated entry of
// DeleteObjectVersions): there is no batch to queue it in.
func (e *Engine) publishRemoved(ctx context.Context, bucket string, res DeleteResult) error {
	f, ok := ctx.Value(eventFactsKey{}).(*EventFacts)
	if !ok || f == nil || f.Bucket != bucket || !strings.HasPrefix(f.Name, "ObjectRemoved:") {
		return nil
	}
	name, vid := removedEvent(&res)
	return e.Publish(context.WithoutCancel(ctx), e.factsEvent(f, name, bucket, res.Key, -1, "", vid))
}

// queueEvents sequences m's events and queues their deliveries in m's
// batch. It returns with e.notify.mu held when there are events: the
// caller applies the batch, then calls eventsApplied.
func (m *mutation) queueEvents() (queued bool, err error) {
	be := m.events
	if be == nil || len(be.events) == 0 {
		return false, nil
	}
	n := &m.e.notify
	n.mu.Lock()
	for i := range be.events {
		one := &be.events[i]
		m.e.sequence(&one.ev)
		if one.nc == nil {
			continue
		}
		q, err := m.e.queueEvent(m.b, one.nc, &one.ev)
		if err != nil {
			n.mu.Unlock()
			return false, err
		}
		queued = queued || q
	}
	if queued {
		if err := m.b.Set(queueSeqKey, binary.BigEndian.AppendUint64(nil, n.seq), nil); err != nil {
			n.mu.Unlock()
			return false, err
		}
		m.queuedSeq = n.seq
	}
	return queued, nil
}

// eventsApplied ends what queueEvents began: once the batch is applied
// (err nil) it calls the subscribers; then it releases e.notify.mu. The
// deliveries queued become deliverable once the batch is durable: at
// once in a store that does not sync, after the log sync the writer
// waits for otherwise (applyCtx, queuedDurable).
func (m *mutation) eventsApplied(queued bool, err error) {
	be := m.events
	if be == nil || len(be.events) == 0 {
		return
	}
	defer m.e.notify.mu.Unlock()
	if err != nil {
		m.queuedSeq = 0
		return
	}
	for i := range be.events {
		m.e.published(&be.events[i].ev)
	}
	if queued && !m.syncWait {
		m.e.queuedDurable(m.queuedSeq)
		m.queuedSeq = 0
	}
}

// eventsRemoved notes the event of every successful entry of a batch
// delete, in order: a repeated key makes its event again, as the HTTP
// layer's events after the batch did.
func (m *mutation) eventsRemoved(bucket string, out []DeleteResult) {
	if m.events == nil {
		return
	}
	for i := range out {
		if out[i].Err == nil {
			m.eventRemoved(bucket, &out[i])
		}
	}
}

// removedEvent is the event name and version ID of delete res: a delete
// marker written, or a removal.
func removedEvent(res *DeleteResult) (name, versionID string) {
	if res.DeleteMarkerVersionID != "" {
		return "ObjectRemoved:DeleteMarkerCreated", res.DeleteMarkerVersionID
	}
	return "ObjectRemoved:Delete", res.VersionID
}
