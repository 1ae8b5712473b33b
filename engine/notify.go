package engine

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// Event notifications (S3's bucket notifications). The HTTP layer, which
// knows the request facts (request ID, source IP, principal), builds an
// Event after every operation that creates, removes, restores, tags or
// re-grants an object and hands it to Publish; the engine publishes its
// own events (lifecycle expiration) the same way. Publish gives the event
// its sequencer, calls the in-process subscribers (Subscribe) and, for
// every configuration of the bucket's NotificationConfiguration that asks
// for the event, writes one pending delivery (Q/<sequence><index>) in the
// same pebble batch. A background goroutine delivers pending records to
// their NotificationTarget (Options.NotificationTargets) in sequence
// order per target, retries failures with exponential backoff and deletes
// a record only once the target acknowledged it: delivery is
// at-least-once and survives restarts.
//
// The sequencer is a hex number that increases with every event the
// engine publishes (so per key too), also across restarts.

// NotificationTarget receives events. Deliver returns nil once the event
// is safely received; an error makes the engine retry later, so Deliver
// may see the same event more than once.
type NotificationTarget interface {
	Deliver(ctx context.Context, ev Event) error
}

// NotificationTargetFunc adapts a function to NotificationTarget.
type NotificationTargetFunc func(ctx context.Context, ev Event) error

// Deliver implements NotificationTarget.
func (f NotificationTargetFunc) Deliver(ctx context.Context, ev Event) error { return f(ctx, ev) }

// Event is one record of AWS's event message structure (eventVersion
// 2.1, 2.2 or 2.3 by the event's type: eventVersion). A delivery's JSON
// body is {"Records":[event]} (see EventMessage).
type Event struct {
	EventVersion      string        `json:"eventVersion"`
	EventSource       string        `json:"eventSource"`
	AWSRegion         string        `json:"awsRegion"`
	EventTime         string        `json:"eventTime"` // ISO 8601 with milliseconds, engine clock
	EventName         string        `json:"eventName"` // "ObjectCreated:Put": no "s3:" prefix
	UserIdentity      EventIdentity `json:"userIdentity"`
	RequestParameters EventRequest  `json:"requestParameters"`
	ResponseElements  EventResponse `json:"responseElements"`
	S3                EventS3       `json:"s3"`
	// IntelligentTiering is set on IntelligentTiering events: the archive
	// access tier the object moved to.
	IntelligentTiering *EventTiering `json:"intelligentTieringEventData,omitempty"`
	// GlacierEventData is set on ObjectRestore:Completed events: the
	// restored copy's expiry and storage class.
	GlacierEventData *EventGlacier `json:"glacierEventData,omitempty"`
	// LifecycleEventData is set on LifecycleTransition events: the
	// storage class the object moved to.
	LifecycleEventData *EventLifecycle `json:"lifecycleEventData,omitempty"`
	// ReplicationEventData is set on Replication events: the rule, the
	// destination and, for OperationFailedReplication, why.
	ReplicationEventData *EventReplication `json:"replicationEventData,omitempty"`
}

// EventReplication is the replicationEventData of a Replication event
// (S3 User Guide, "Receiving replication failure events with Amazon S3
// Event Notifications"; the Java SDK's
// S3EventNotification.ReplicationEventDataEntity).
type EventReplication struct {
	// ReplicationRuleID is the ID of the rule that replicates the
	// version ("" for a rule put without one).
	ReplicationRuleID string `json:"replicationRuleId"`
	// DestinationBucket is the destination bucket's ARN.
	DestinationBucket string `json:"destinationBucket"`
	// S3Operation is "OBJECT_PUT" for the replication of an object
	// version, the one value S3 documents; omitted for delete markers
	// and metadata changes, whose value it does not document.
	S3Operation string `json:"s3Operation,omitempty"`
	// RequestTime is when the write being replicated was made
	// (eventTime's format).
	RequestTime string `json:"requestTime,omitempty"`
	// FailureReason is, on OperationFailedReplication, one of S3's
	// replication failure reasons ("DstBucketNotFound", ...); omitted
	// when the failure is none of them.
	FailureReason string `json:"failureReason,omitempty"`
}

// EventLifecycle is the lifecycleEventData of an event.
type EventLifecycle struct {
	TransitionEventData EventTransition `json:"transitionEventData"`
}

// EventTransition names the storage class a lifecycle transition moved
// an object to.
type EventTransition struct {
	DestinationStorageClass string `json:"destinationStorageClass"`
}

// EventGlacier is the glacierEventData of an event.
type EventGlacier struct {
	RestoreEventData EventRestore `json:"restoreEventData"`
}

// EventRestore describes a completed restore: when the restored copy
// expires (eventTime's format) and the object's storage class.
type EventRestore struct {
	LifecycleRestorationExpiryTime string `json:"lifecycleRestorationExpiryTime"`
	LifecycleRestoreStorageClass   string `json:"lifecycleRestoreStorageClass"`
}

// eventTimeFormat is ISO 8601 with milliseconds, as S3 writes eventTime.
const eventTimeFormat = "2006-01-02T15:04:05.000Z"

// EventTiering is the intelligentTieringEventData of an event.
type EventTiering struct {
	DestinationAccessTier string `json:"destinationAccessTier"`
}

// EventIdentity names who caused an event.
type EventIdentity struct {
	PrincipalID string `json:"principalId"`
}

// EventRequest holds the request facts of an event.
type EventRequest struct {
	SourceIPAddress string `json:"sourceIPAddress"`
}

// EventResponse holds the response facts of an event.
type EventResponse struct {
	RequestID string `json:"x-amz-request-id"`
	HostID    string `json:"x-amz-id-2"`
}

// EventS3 is the s3 element of an event.
type EventS3 struct {
	SchemaVersion   string      `json:"s3SchemaVersion"`
	ConfigurationID string      `json:"configurationId"`
	Bucket          EventBucket `json:"bucket"`
	Object          EventObject `json:"object"`
}

// EventBucket describes the event's bucket.
type EventBucket struct {
	Name          string        `json:"name"`
	OwnerIdentity EventIdentity `json:"ownerIdentity"`
	ARN           string        `json:"arn"`
}

// EventObject describes the event's object.
type EventObject struct {
	// Key is URL-encoded in form encoding (a space is "+"), as AWS does.
	Key  string `json:"key"`
	Size *int64 `json:"size,omitempty"`
	ETag string `json:"eTag,omitempty"`
	// VersionID is the object's version (versioned buckets only).
	VersionID string `json:"versionId,omitempty"`
	// Sequencer orders the events of a key. S3 sends ObjectTagging and
	// ObjectAcl events (eventVersion 2.3) without one, and so does
	// osslite: it is "" on those.
	Sequencer string `json:"sequencer,omitempty"`
}

// EventMessage is the JSON body of a delivery: {"Records":[...]}.
type EventMessage struct {
	Records []Event `json:"Records"`
}

// ObjectKey returns the event's object key, decoded.
func (ev *Event) ObjectKey() string {
	k, err := url.QueryUnescape(ev.S3.Object.Key)
	if err != nil {
		return ev.S3.Object.Key
	}
	return k
}

// NewEvent returns an event of name ("ObjectCreated:Put") about key in
// bucket at time t, with the fixed fields filled; the caller adds the
// request facts and the object's size and ETag.
func NewEvent(name string, b BucketInfo, key string, t time.Time) Event {
	return Event{
		EventVersion: eventVersion(name), EventSource: "aws:s3", AWSRegion: b.Region,
		EventTime: t.UTC().Format(eventTimeFormat), EventName: name,
		S3: EventS3{
			SchemaVersion: "1.0",
			Bucket: EventBucket{Name: b.Name, OwnerIdentity: EventIdentity{PrincipalID: b.Owner},
				ARN: "arn:aws:s3:::" + b.Name},
			Object: EventObject{Key: url.QueryEscape(key)},
		},
	}
}

// eventVersion is the eventVersion S3 gives events of name (S3 User
// Guide, "Event message structure"): 2.2 for replication events, 2.3 for
// S3 Lifecycle, S3 Intelligent-Tiering, object ACL, object tagging and
// object restoration delete events, 2.1 for every other type.
func eventVersion(name string) string {
	kind, _, _ := strings.Cut(name, ":")
	switch {
	case kind == "Replication":
		return "2.2"
	case kind == "LifecycleExpiration", kind == "LifecycleTransition", kind == "IntelligentTiering",
		kind == "ObjectAcl", kind == "ObjectTagging", name == "ObjectRestore:Delete":
		return "2.3"
	}
	return "2.1"
}

// sequenced reports whether S3 gives events of name a sequencer: all but
// the ObjectTagging and ObjectAcl events, which it sends as eventVersion
// 2.3 without one (LocalStack's AWS recordings test_object_tagging_put_event,
// test_object_tagging_delete_event and test_object_put_acl).
func sequenced(name string) bool {
	return !strings.HasPrefix(name, "ObjectTagging:") && !strings.HasPrefix(name, "ObjectAcl:")
}

// notifyState is the engine's notification and access-log machinery.
type notifyState struct {
	mu  sync.Mutex // orders Publish: sequencer, queue write, subscribers
	seq uint64     // last sequencer handed out
	// durable is the sequencer up to which queued deliveries are durable
	// (queuedDurable): the notifier delivers none beyond it.
	durable atomic.Uint64
	subs    map[int]subscriber
	nsub    int
	nsubs   atomic.Int32 // len(subs), read without mu by WantsEvents
	kick    chan struct{}
	cancel  func()
	once    sync.Once
	logs    accessLogState
}

type subscriber struct {
	bucket string // "" for every bucket
	fn     func(Event)
}

const prefixQueue = "Q/"

// queueSeqKey holds the last sequencer that queued a delivery, so that
// sequencers keep increasing after a restart that finds the queue empty
// (outside Q/ so that it is never taken for a delivery).
var queueSeqKey = []byte("Qs")

func queueKey(seq uint64, idx int) []byte {
	k := make([]byte, 0, len(prefixQueue)+10)
	k = append(k, prefixQueue...)
	k = binary.BigEndian.AppendUint64(k, seq)
	return binary.BigEndian.AppendUint16(k, uint16(idx))
}

// queued is the value of a Q/ record.
type queued struct {
	ARN   string `json:"arn"`
	Event Event  `json:"event"`
}

// startNotifier loads the last sequencer and starts the delivery and
// access-log goroutine. Open calls it.
func (e *Engine) startNotifier() error {
	n := &e.notify
	n.kick = make(chan struct{}, 1)
	n.subs = make(map[int]subscriber)
	it, err := e.db.NewIter(&pebble.IterOptions{LowerBound: []byte(prefixQueue), UpperBound: []byte("Q0")})
	if err != nil {
		return err
	}
	if it.Last() && len(it.Key()) >= len(prefixQueue)+8 {
		n.seq = binary.BigEndian.Uint64(it.Key()[len(prefixQueue):])
	}
	if err := it.Close(); err != nil {
		return err
	}
	switch v, ok, err := get(e.db, queueSeqKey); {
	case err != nil:
		return err
	case ok && len(v) == 8:
		n.seq = max(n.seq, binary.BigEndian.Uint64(v))
	}
	n.durable.Store(n.seq) // what was queued before Open is on disk
	ctx, cancel := context.WithCancel(context.Background())
	n.cancel = cancel
	e.bg.Add(1)
	go e.notifier(ctx)
	return nil
}

// closeNotify writes the pending access logs and stops deliveries. Close
// calls it while the engine is still open.
func (e *Engine) closeNotify() {
	e.notify.once.Do(func() {
		if e.notify.cancel == nil {
			return
		}
		if err := e.FlushAccessLogs(context.Background()); err != nil {
			e.opts.Logger.Error("access logs lost at close", "err", err)
		}
		e.notify.cancel()
	})
}

// Subscribe calls fn with every event published for bucket ("" for every
// bucket), whether or not a notification configuration asks for it (the
// ConfigurationID is then ""). fn runs synchronously, in sequencer order,
// on the goroutine that published the event: it must not block or call
// back into the engine. The returned function unsubscribes.
func (e *Engine) Subscribe(bucket string, fn func(Event)) (cancel func()) {
	n := &e.notify
	n.mu.Lock()
	defer n.mu.Unlock()
	id := n.nsub
	n.nsub++
	n.subs[id] = subscriber{bucket, fn}
	n.nsubs.Store(int32(len(n.subs)))
	return func() {
		n.mu.Lock()
		defer n.mu.Unlock()
		delete(n.subs, id)
		n.nsubs.Store(int32(len(n.subs)))
	}
}

// NotificationTargetKnown reports whether arn names one of
// Options.NotificationTargets.
func (e *Engine) NotificationTargetKnown(arn string) bool {
	_, ok := e.opts.NotificationTargets[arn]
	return ok
}

// NotificationTargetAllowed reports whether the buckets of owner (a
// canonical ID) may send events to target arn: it is known, and
// Options.NotificationTargetOwners does not keep it for other owners.
func (e *Engine) NotificationTargetAllowed(arn, owner string) bool {
	if !e.NotificationTargetKnown(arn) {
		return false
	}
	owners, limited := e.opts.NotificationTargetOwners[arn]
	return !limited || slices.Contains(owners, owner)
}

// WantsEvents reports whether an event of bucket would go anywhere: the
// bucket has a notification configuration or someone subscribed. It costs
// one cached configuration lookup.
func (e *Engine) WantsEvents(ctx context.Context, bucket string) bool {
	if e.notify.nsubs.Load() > 0 {
		return true
	}
	_, err := e.BucketConfigValue(ctx, bucket, bucketconfig.KindNotification)
	return err == nil
}

// Publish gives ev its sequencer, queues it for every configuration of its
// bucket that asks for it (durably: delivered at least once, also after a
// restart) and calls the subscribers. It commits its own batch, after the
// change the event describes: a crash in between loses the event. The
// operations that take WithEvent queue their event in their own batch
// instead.
func (e *Engine) Publish(ctx context.Context, ev Event) error {
	if err := e.enter(ctx); err != nil {
		return err
	}
	defer e.leave()
	nc, err := e.notificationOf(ctx, ev.S3.Bucket.Name)
	if err != nil {
		return err
	}
	n := &e.notify
	n.mu.Lock()
	defer n.mu.Unlock()
	e.sequence(&ev)
	queuedAny := false
	if nc != nil {
		b := e.db.NewBatch()
		defer b.Close()
		if queuedAny, err = e.queueEvent(b, nc, &ev); err != nil {
			return err
		}
		if queuedAny {
			if err := b.Set(queueSeqKey, binary.BigEndian.AppendUint64(nil, n.seq), nil); err != nil {
				return err
			}
			opt := pebble.NoSync
			if e.opts.sync {
				opt = pebble.Sync
			}
			if err := b.Commit(opt); err != nil {
				return fmt.Errorf("engine: queue event: %w", err)
			}
		}
	}
	e.published(&ev)
	if queuedAny {
		e.queuedDurable(n.seq) // Commit returned: synced when the store syncs
	}
	return nil
}

// notificationOf returns bucket's notification configuration, nil when
// it has none (or the bucket is gone).
func (e *Engine) notificationOf(ctx context.Context, bucket string) (*bucketconfig.Notification, error) {
	switch c, err := e.BucketConfigValue(ctx, bucket, bucketconfig.KindNotification); {
	case err == nil:
		return c.(*bucketconfig.Notification), nil
	case !errors.Is(err, ErrNoSuchConfig) && !errors.Is(err, ErrNoSuchBucket):
		return nil, err
	}
	return nil, nil
}

// sequence gives ev the next sequencer (when its kind has one). The
// caller holds e.notify.mu.
func (e *Engine) sequence(ev *Event) {
	n := &e.notify
	n.seq = max(n.seq+1, uint64(e.now().UnixNano()))
	if sequenced(ev.EventName) {
		ev.S3.Object.Sequencer = fmt.Sprintf("%016X", n.seq)
	}
}

// queueEvent writes in b one pending delivery of ev (sequenced by the
// caller, under e.notify.mu) for every configuration of nc that asks for
// it and reports whether it wrote any; the caller then sets queueSeqKey
// in the same batch.
func (e *Engine) queueEvent(b *pebble.Batch, nc *bucketconfig.Notification, ev *Event) (bool, error) {
	seq := e.notify.seq
	key := ev.ObjectKey()
	owner, ownerRead := "", false // the bucket's, read once a target is kept for some owners
	barred := func(arn string) bool {
		if _, limited := e.opts.NotificationTargetOwners[arn]; !limited {
			return false
		}
		if !ownerRead {
			ownerRead = true
			if b, err := e.cachedBucket(ev.S3.Bucket.Name); err == nil {
				owner = b.owner
			}
		}
		if e.NotificationTargetAllowed(arn, owner) {
			return false
		}
		// Named with x-amz-skip-destination-validation, or before
		// the target was kept for others.
		e.opts.Logger.Warn("not queueing an event for a notification target the bucket's owner may not use", "arn", arn, "bucket", ev.S3.Bucket.Name)
		return true
	}
	queuedAny := false
	for i := range nc.Configs {
		c := &nc.Configs[i]
		if !c.Matches(ev.EventName, key) || barred(c.ARN) {
			continue
		}
		one := *ev
		one.S3.ConfigurationID = c.ID
		if err := queueSet(b, seq, i, c.ARN, one); err != nil {
			return false, err
		}
		queuedAny = true
	}
	if nc.EventBridge && !barred(bucketconfig.EventBridgeARN) {
		if err := queueSet(b, seq, len(nc.Configs), bucketconfig.EventBridgeARN, *ev); err != nil {
			return false, err
		}
		queuedAny = true
	}
	return queuedAny, nil
}

// published calls the subscribers with ev, committed, and wakes the
// deliverer when a delivery was queued. The caller holds e.notify.mu.
func (e *Engine) published(ev *Event) {
	n := &e.notify
	for _, s := range n.subs {
		if s.bucket == "" || s.bucket == ev.S3.Bucket.Name {
			s.fn(*ev)
		}
	}
}

// queuedDurable makes the deliveries queued with sequencers up to seq
// deliverable, and wakes the notifier. A batch is visible before the log
// sync that makes it durable returns to its writer (pebble's commit
// pipeline publishes first), so the notifier, which reads what is
// visible, must not deliver a record before its write is durable: a
// target would hear of a write a crash could still undo. A sync covers
// every batch written to the log before it, and sequencers are handed
// out in log order (under notify.mu, held until the batch is applied), so
// a durable seq makes every lower one durable too.
func (e *Engine) queuedDurable(seq uint64) {
	n := &e.notify
	for {
		cur := n.durable.Load()
		if seq <= cur || n.durable.CompareAndSwap(cur, seq) {
			break
		}
	}
	select {
	case n.kick <- struct{}{}:
	default:
	}
}

func queueSet(b *pebble.Batch, seq uint64, idx int, arn string, ev Event) error {
	v, err := json.Marshal(queued{ARN: arn, Event: ev})
	if err != nil {
		return err
	}
	return b.Set(queueKey(seq, idx), v, nil)
}

// PendingNotifications counts the deliveries not yet acknowledged.
func (e *Engine) PendingNotifications() (int, error) {
	if err := e.admit(); err != nil {
		return 0, err
	}
	defer e.leave()
	it, err := e.db.NewIter(&pebble.IterOptions{LowerBound: []byte(prefixQueue), UpperBound: []byte("Q0")})
	if err != nil {
		return 0, err
	}
	count := 0
	for it.First(); it.Valid(); it.Next() {
		count++
	}
	return count, it.Close()
}

// notifier delivers queued events and writes access logs that are due,
// until Close.
func (e *Engine) notifier(ctx context.Context) {
	defer e.bg.Done()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	backoff := map[string]*retryState{}
	for {
		wait := e.deliverPending(ctx, backoff)
		var retry <-chan time.Time
		var timer *time.Timer
		if wait > 0 {
			timer = time.NewTimer(wait)
			retry = timer.C
		}
		select {
		case <-ctx.Done():
			return
		case <-e.stop:
			return
		case <-e.notify.kick:
		case <-retry:
		case <-tick.C:
			if err := e.flushAccessLogs(ctx, e.now(), false); err != nil && ctx.Err() == nil && !errors.Is(err, ErrClosed) {
				e.opts.Logger.Error("access log write failed", "err", err)
			}
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// retryState is the backoff of one target after a failed delivery.
type retryState struct {
	delay time.Duration
	until time.Time // wall clock: retries are not observable by clients
}

// maxDeliveryBatch is how many queued records one delivery round reads.
const maxDeliveryBatch = 256

// deliverPending delivers queued records in order, per target stopping at
// the first failure. It returns how long until the earliest retry (0: no
// target is waiting).
func (e *Engine) deliverPending(ctx context.Context, backoff map[string]*retryState) time.Duration {
	var after []byte
	for ctx.Err() == nil {
		type rec struct {
			key []byte
			q   queued
		}
		var recs []rec
		lower := []byte(prefixQueue)
		if after != nil {
			lower = append(after, 0)
		}
		it, err := e.db.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: []byte("Q0")})
		if err != nil {
			return 0
		}
		durable := e.notify.durable.Load()
		for it.First(); it.Valid() && len(recs) < maxDeliveryBatch; it.Next() {
			if len(it.Key()) >= len(prefixQueue)+8 && binary.BigEndian.Uint64(it.Key()[len(prefixQueue):]) > durable {
				break // its write is not durable yet: queuedDurable kicks again
			}
			var q queued
			k := append([]byte(nil), it.Key()...)
			if err := json.Unmarshal(it.Value(), &q); err != nil {
				e.opts.Logger.Error("dropping unreadable queued event", "key", strconv.Quote(string(k)), "err", err)
				_ = e.db.Delete(k, pebble.NoSync)
				continue
			}
			recs = append(recs, rec{k, q})
		}
		if err := it.Close(); err != nil || len(recs) == 0 {
			break
		}
		after = recs[len(recs)-1].key
		failed := map[string]bool{}
		for _, r := range recs {
			if ctx.Err() != nil {
				return 0
			}
			arn := r.q.ARN
			if failed[arn] {
				continue
			}
			if st := backoff[arn]; st != nil && time.Now().Before(st.until) {
				failed[arn] = true
				continue
			}
			t, ok := e.opts.NotificationTargets[arn]
			if !ok {
				e.opts.Logger.Warn("dropping event for unknown notification target", "arn", arn)
				_ = e.db.Delete(r.key, pebble.NoSync)
				continue
			}
			if err := t.Deliver(ctx, r.q.Event); err != nil {
				failed[arn] = true
				st := backoff[arn]
				if st == nil {
					st = &retryState{}
					backoff[arn] = st
				}
				st.delay = min(max(2*st.delay, e.opts.NotificationRetry), e.opts.NotificationMaxRetry)
				st.until = time.Now().Add(st.delay)
				if ctx.Err() == nil {
					e.opts.Logger.Warn("event delivery failed", "arn", arn, "retry_in", st.delay, "err", err)
				}
				continue
			}
			delete(backoff, arn)
			if err := e.db.Delete(r.key, pebble.NoSync); err != nil {
				return 0
			}
		}
	}
	var wait time.Duration
	now := time.Now()
	for _, st := range backoff {
		if d := st.until.Sub(now); d > 0 && (wait == 0 || d < wait) {
			wait = d
		} else if d <= 0 && wait == 0 {
			wait = time.Millisecond
		}
	}
	return wait
}

// tieringEvent returns the IntelligentTiering event of an object version
// moved to an archive access tier (s3:IntelligentTiering), as S3 sends
// it, with its bucket's notification configuration; nil when nobody
// wants the bucket's events. The move queues it in its batch
// (setAccessTier). An error reading the bucket or its configuration is
// logged: the version moves, its event is lost, as before the
// thirty-fourth session.
func (e *Engine) tieringEvent(ctx context.Context, info ObjectInfo, tier string, now time.Time) *batchEvent {
	if !e.WantsEvents(ctx, info.Bucket) {
		return nil
	}
	b, err := e.Bucket(ctx, info.Bucket)
	var nc *bucketconfig.Notification
	if err == nil {
		nc, err = e.notificationOf(ctx, info.Bucket)
	}
	if err != nil {
		e.opts.Logger.Error("Intelligent-Tiering event lost", "bucket", info.Bucket, "key", info.Key, "err", err)
		return nil
	}
	ev := NewEvent("IntelligentTiering", b, info.Key, now)
	ev.UserIdentity.PrincipalID = "s3.amazonaws.com"
	ev.RequestParameters.SourceIPAddress = "s3.amazonaws.com"
	size := info.Size
	ev.S3.Object.Size, ev.S3.Object.ETag = &size, info.ETag // the version: setAccessTier, in the move's batch
	ev.IntelligentTiering = &EventTiering{DestinationAccessTier: tier}
	return &batchEvent{ev, nc}
}

// expirationEvent returns the LifecycleExpiration:Delete event of key of
// bucket, which a lifecycle pass deletes at now (expireObjectEvent renames
// it when the delete writes a marker; removeVersionByLifecycle names the
// version removed), with its bucket's notification configuration; nil
// when nobody wants the bucket's events. An error (the event's bucket or
// configuration unreadable) is logged: the object goes, its event is
// lost, as before the thirty-fourth session.
func (e *Engine) expirationEvent(ctx context.Context, bucket, key string, now time.Time) *batchEvent {
	return e.lifecycleEvent(ctx, "LifecycleExpiration:Delete", bucket, key, now)
}

// transitionEvent returns the LifecycleTransition event of key of bucket,
// which a lifecycle pass moves to storage class class at now
// (transitionObject and transitionVersion name the version), with its
// bucket's notification configuration; nil when nobody wants the
// bucket's events. It carries lifecycleEventData with the destination
// class, as S3's does (S3 User Guide, "Configuring S3 Lifecycle event
// notifications"). An error is logged: the object moves, its event is
// lost.
func (e *Engine) transitionEvent(ctx context.Context, bucket, key, class string, now time.Time) *batchEvent {
	be := e.lifecycleEvent(ctx, "LifecycleTransition", bucket, key, now)
	if be != nil {
		be.ev.LifecycleEventData = &EventLifecycle{TransitionEventData: EventTransition{DestinationStorageClass: class}}
	}
	return be
}

// lifecycleEvent returns the event name of key of bucket that a lifecycle
// pass makes at now, as S3 sends it (principal and source address
// s3.amazonaws.com, no size or ETag), with its bucket's notification
// configuration; nil when nobody wants the bucket's events or (logged)
// the bucket or its configuration cannot be read, and, not logged, when
// Close has begun (the pass's change is refused too).
func (e *Engine) lifecycleEvent(ctx context.Context, name, bucket, key string, now time.Time) *batchEvent {
	if !e.WantsEvents(ctx, bucket) {
		return nil
	}
	b, err := e.Bucket(ctx, bucket)
	var nc *bucketconfig.Notification
	if err == nil {
		nc, err = e.notificationOf(ctx, bucket)
	}
	if errors.Is(err, ErrClosed) {
		// Close began under the pass: the change the event is for is
		// refused as well (applyCtx), and the next pass makes both.
		return nil
	}
	if err != nil {
		e.opts.Logger.Error("lifecycle event lost", "event", name, "bucket", bucket, "key", key, "err", err)
		return nil
	}
	ev := NewEvent(name, b, key, now)
	ev.UserIdentity.PrincipalID = "s3.amazonaws.com"
	ev.RequestParameters.SourceIPAddress = "s3.amazonaws.com"
	return &batchEvent{ev, nc}
}
