package engine

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// Bucket replication (bucketconfig.Replication) is asynchronous and
// durable. Every new version of a versioned bucket (Put, Copy, Complete,
// Append, delete markers when the rule says so) that a rule selects gets
// a pending item under R/ in the same batch as the write, and its record
// the status ReplicationPending. A worker (the background loop every
// ReplicationOptions.Interval, or RunPending) delivers due items to the
// rule's destination (each destination's items in order, several
// destinations at once: ReplicationOptions.Parallel): a local bucket
// (the same engine: the version's
// record is copied, sharing its blobs, with the source's version ID and
// status ReplicationReplica) or a ReplicationTarget (a remote S3 endpoint,
// by destination ARN). Success marks the source version
// ReplicationCompleted and drops the item; a failure is retried with
// exponential backoff on the engine clock, and after
// ReplicationOptions.Attempts failures the version is marked
// ReplicationFailed while retries go on at MaxBackoff (a later success
// still completes it). Items survive restarts.
//
// Unversioned buckets replicate too (OSS's rule: source and local
// destinations both unversioned): an item names the key with an empty
// version ID, and delivery copies the key's object as it is then (a later
// write of the key re-queues the item, so writes in between coalesce) or,
// for a delete the rule replicates, removes the key at the destination.
// Each item carries a random sequence number; a delivery settles its item
// only if it was not queued again meanwhile.
//
// A configuration whose rules name several destination buckets
// replicates a version to each of them, with the highest-priority rule
// that selects it among those naming that destination (S3's
// ReplicationRule Priority: "Amazon S3 will attempt to replicate objects
// according to all replication rules. However, if there are two or more
// rules with the same destination bucket, then objects will be
// replicated according to the rule with the highest priority";
// bucketconfig.Replication.Matches): one item per version and
// destination, each delivered, retried, failed and evented on its own.
// The version's status is their aggregate (S3 User Guide, "Replication
// status if replicating to multiple destination buckets": COMPLETED only
// when every destination has it, PENDING until then, FAILED if one or
// more destinations failed): an item that has used up its attempts
// makes the version FAILED whatever the others do, and the last item to
// settle, COMPLETED when none is FAILED (versionReplicationStatus).
//
// Buckets without a replication configuration pay one cached map lookup
// per write (the configuration cache remembers absence).
//
//	R/<bucket>\x00<key>\x00<versionID>\x00<destination ARN>   pending replication item
//	RS/<bucket>\x00<ruleID>               historical scan cursor (replication_history.go)
//	RT/<time, 8 B BE><bucket>\x00<key>\x00<versionID>\x00<destination ARN>  S3 RTC threshold of an item
//
// Items and RT/ records of builds before several destinations end at the
// version ID (the destination only in the item's value); they are read,
// delivered and settled at their own keys (replItem.legacy).
//
// Replication events are S3's (S3 User Guide, "Receiving replication
// failure events with Amazon S3 Event Notifications"), made only for
// rules with replication Metrics enabled, each in the batch of the state
// change it reports: OperationFailedReplication with the attempt that
// marks the version FAILED; under S3 RTC (ReplicationTime enabled), an
// item still pending at its threshold (Metrics' EventThreshold, else
// ReplicationTime's Time) makes OperationMissedThreshold once, from its
// RT/ record, written with the item and dropped by the batch that makes
// the event or settles the item, and its later delivery
// OperationReplicatedAfterThreshold. A delivery within the threshold makes
// none (S3 has no completion event).

// Replication statuses (ObjectInfo.ReplicationStatus).
const (
	ReplicationPending   = "PENDING"
	ReplicationCompleted = "COMPLETED"
	ReplicationFailed    = "FAILED"
	ReplicationReplica   = "REPLICA"
)

const prefixReplication = "R/"

// ReplicationTarget receives replicas for a remote destination bucket.
// Implementations must be safe for concurrent use. An error that wraps
// ErrNoSuchBucket says the remote bucket does not exist (S3's
// DstBucketNotFound in a version's OperationFailedReplication event).
type ReplicationTarget interface {
	// Each method returns once ctx ends (the delivery is cut by
	// ReplicationOptions.StallTimeout, or by Close): a call that has not
	// returned ReplicationOptions.ReturnGrace later is given up (its
	// body reads nothing more and its result is discarded), and the
	// destination's items fail untried until it returns. Methods for
	// different destinations are called concurrently.
	//
	// PutObject stores body (info.Size bytes) as the newest version of
	// info.Key in bucket, with info's metadata.
	PutObject(ctx context.Context, bucket string, info ObjectInfo, body io.Reader) error
	// PutDeleteMarker deletes key in bucket (a delete marker in a
	// versioned bucket).
	PutDeleteMarker(ctx context.Context, bucket, key string) error
}

// ReplicationTagsTarget is a ReplicationTarget that also takes the tag
// changes of versions it holds replicas of: PutObjectTags sets the tags
// of key's newest version in bucket (none: removes them). Without it a
// remote replica keeps the tags it was written with.
type ReplicationTagsTarget interface {
	ReplicationTarget
	PutObjectTags(ctx context.Context, bucket, key string, tags []Tag) error
}

// ReplicationOptions configure the execution of replication rules.
type ReplicationOptions struct {
	// Targets maps a destination bucket ARN (arn:aws:s3:::name) to the
	// remote endpoint that receives its replicas. A rule whose
	// destination is not here replicates to the local bucket of that
	// name. Default none.
	Targets map[string]ReplicationTarget
	// TargetOwners names, for a target of Targets, the bucket owners
	// (canonical IDs) whose rules may replicate to it: a rule of another
	// owner's bucket naming it is refused (ErrReplicationDestinationOwner)
	// and its deliveries fail (errTargetRefused: the version FAILED for
	// that destination after Attempts, with S3's DstPutObjectNotPermitted
	// event where the rule has Metrics), so a user cannot write into (or
	// delete from) a remote bucket with the operator's credentials. A
	// target without an entry serves every owner. Default none.
	TargetOwners map[string][]string
	// Interval is how often, in wall-clock time, the background loop
	// starts a pass over the due items. Default 1s.
	Interval time.Duration
	// Backoff is the delay, on Clock, before the first retry of a failed
	// delivery; it doubles with each failure up to MaxBackoff. Defaults
	// 1s and 1h.
	Backoff, MaxBackoff time.Duration
	// Attempts is how many failed deliveries mark a version
	// ReplicationFailed (retries go on at MaxBackoff). Default 5.
	Attempts int
	// Batch bounds the items one pass delivers. Default 1000.
	Batch int
	// StallTimeout bounds, in wall-clock time, how long a delivery to a
	// remote target may go without progress: without reading a byte of
	// the version's body, or, once the body is read (or for a delete
	// marker or tag change), without returning. A stalled delivery's
	// context is cancelled and it fails as a refusal does; the
	// destination's other items read with it then count as failed
	// without being tried, so a remote that accepts connections and
	// never answers holds its own items for one StallTimeout, not one per
	// item, and its backoff grows. Other destinations are not held: a
	// background pass does not wait for a destination still delivering
	// (see Parallel). Default 1m.
	StallTimeout time.Duration
	// Parallel bounds the destinations delivered to at once: each
	// destination's due items are delivered in order on a goroutine of
	// its own, so a slow destination delays only its own items. A
	// background pass returns once each of its destinations' goroutine
	// has started, and later passes skip a destination whose goroutine
	// still runs (its items are read again once it has ended): so a
	// destination that hangs holds one of the Parallel slots, not the
	// other destinations' later items. RunPending first waits for those
	// goroutines, then for its own; Close waits for them all. Default 4.
	Parallel int
	// ReturnGrace bounds, in wall-clock time, how long a delivery waits
	// for a remote target's call whose context has ended (StallTimeout,
	// or Close) to return. A call still running then is given up: its
	// delivery fails as a stalled one does (or ends with ErrClosed),
	// the version's body reads nothing more, whatever the call returns
	// later is discarded, and the destination's items fail untried
	// until it has returned (so a target that ignores its context
	// holds one goroutine, not one a pass). Close therefore waits for
	// such a target at most ReturnGrace. Default 5s.
	ReturnGrace time.Duration
	// ScanPage bounds the object keys one pass examines, over all rules,
	// while replicating the objects that existed before a rule
	// (replication_history.go); each page is one batch. Default 1000.
	ScanPage int
}

func (o *ReplicationOptions) ensureDefaults() {
	if o.Interval <= 0 {
		o.Interval = time.Second
	}
	if o.Backoff <= 0 {
		o.Backoff = time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = time.Hour
	}
	if o.Attempts <= 0 {
		o.Attempts = 5
	}
	if o.StallTimeout <= 0 {
		o.StallTimeout = time.Minute
	}
	if o.Batch <= 0 {
		o.Batch = 1000
	}
	if o.Parallel <= 0 {
		o.Parallel = 4
	}
	if o.ReturnGrace <= 0 {
		o.ReturnGrace = 5 * time.Second
	}
	if o.ScanPage <= 0 {
		o.ScanPage = 1000
	}
}

// backoff is the delay after the n-th failed delivery (n >= 1): Backoff
// doubled n-1 times, at most MaxBackoff.
func (o *ReplicationOptions) backoff(n int) time.Duration {
	d := o.Backoff
	for i := 1; i < n && d < o.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, o.MaxBackoff)
}

// replState serialises replication passes and remembers, between them,
// what they leave behind.
type replState struct {
	mu sync.Mutex
	// busyMu guards busy and failed. busy holds the remote destinations
	// (ARNs) with a target call given up by an earlier pass and still
	// running (callTarget); failed counts, per source bucket,
	// destination and rule, the items marked FAILED since Open.
	busyMu sync.Mutex
	busy   map[string]bool
	failed map[ReplicationMetricsKey]int64
	// workers holds the destinations (ARNs) whose items a pass's
	// goroutine delivers, each with a channel closed when it ends; a
	// background pass's may outlive it. Passes start them (holding mu),
	// at most Parallel at once (slots); guarded by busyMu.
	workers map[string]chan struct{}
	slots   chan struct{}
}

// acquire takes a worker slot of parallel, waiting for one; false once
// ctx ends.
func (r *replState) acquire(ctx context.Context, parallel int) bool {
	if r.slots == nil { // passes hold mu
		r.slots = make(chan struct{}, parallel)
	}
	select {
	case r.slots <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

// startWorker registers the worker delivering dest's items, holding a
// slot; endWorker ends it and frees the slot.
func (r *replState) startWorker(dest string) chan struct{} {
	r.busyMu.Lock()
	defer r.busyMu.Unlock()
	if r.workers == nil {
		r.workers = map[string]chan struct{}{}
	}
	done := make(chan struct{})
	r.workers[dest] = done
	return done
}

func (r *replState) endWorker(dest string, done chan struct{}) {
	r.busyMu.Lock()
	delete(r.workers, dest)
	r.busyMu.Unlock()
	close(done)
	<-r.slots
}

// runningDests is the set of destinations with a worker running.
func (r *replState) runningDests() map[string]bool {
	r.busyMu.Lock()
	defer r.busyMu.Unlock()
	running := make(map[string]bool, len(r.workers))
	for d := range r.workers {
		running[d] = true
	}
	return running
}

// waitWorkers waits until the running workers have ended, or ctx ends.
// The caller holds mu: no worker starts meanwhile.
func (r *replState) waitWorkers(ctx context.Context) error {
	r.busyMu.Lock()
	var done []chan struct{}
	for _, c := range r.workers {
		done = append(done, c)
	}
	r.busyMu.Unlock()
	for _, c := range done {
		select {
		case <-c:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// isBusy reports whether a call to dest given up earlier still runs.
func (r *replState) isBusy(dest string) bool {
	r.busyMu.Lock()
	defer r.busyMu.Unlock()
	return r.busy[dest]
}

// hold marks dest busy until done delivers the given-up call's result,
// which is dropped.
func (r *replState) hold(dest string, done <-chan error) {
	r.busyMu.Lock()
	if r.busy == nil {
		r.busy = map[string]bool{}
	}
	r.busy[dest] = true
	r.busyMu.Unlock()
	go func() {
		<-done
		r.busyMu.Lock()
		delete(r.busy, dest)
		r.busyMu.Unlock()
	}()
}

// countFailed counts an item marked FAILED.
func (r *replState) countFailed(it replItem) {
	r.busyMu.Lock()
	defer r.busyMu.Unlock()
	if r.failed == nil {
		r.failed = map[ReplicationMetricsKey]int64{}
	}
	r.failed[ReplicationMetricsKey{Bucket: it.bucket, Destination: it.dest, RuleID: it.ruleID}]++
}

// replItem is one pending replication.
type replItem struct {
	bucket, key, versionID string
	dest                   string // destination bucket ARN
	rule                   string // the rule's ID when queued by its historical scan
	storageClass           string // replicas' class; "": the source's
	replicaKey             string // the KMS key of an SSE-KMS version's replica
	deleteMarker           bool
	attempts               int
	next                   time.Time // due time on the clock (zero: now)
	// seq tells a re-queued item of an unversioned key from the one a
	// delivery read (random; 0 in items written before it existed).
	seq uint64
	// meta marks the change of a version's metadata (tags, ACL, Object
	// Lock settings) after it was replicated: metaSource refreshes the
	// replica from its source (or replicates the version if the replica
	// is not there), metaReplica brings a replica's change back to its
	// source (ReplicaModifications) and never writes a version.
	meta uint8
	// ruleID names the rule that queued the item (replicationRuleId);
	// metrics is set when that rule had replication Metrics enabled, so
	// that the item's events are made; requested is when the write being
	// replicated was made (zero in items written before they existed:
	// such items make no events).
	ruleID    string
	metrics   bool
	requested time.Time
	// deadline, when set, is the item's S3 RTC threshold, scheduled by an
	// RT/ record; missed is set by the batch that made its
	// OperationMissedThreshold event.
	deadline time.Time
	missed   bool
	// legacy marks an item read from a key without the destination (an
	// earlier build's): it is settled, and its RT/ record found, there.
	legacy bool
}

const (
	metaSource = 1 + iota
	metaReplica
)

const (
	riDest = iota + 1
	riStorageClass
	riDeleteMarker
	riAttempts
	riNext
	riRule
	riReplicaKey
	riSeq
	riMeta
	riRuleID
	riMetrics
	riRequested
	riDeadline
	riMissed
)

// replPrefix is the prefix of every replication item of bucket.
func replPrefix(bucket string) []byte {
	return append(append([]byte(prefixReplication), bucket...), 0)
}

// replKey is the key of the item of version vid of key in bucket for the
// destination dest (an ARN); dest "" makes the key of earlier builds,
// which ends at the version ID.
func replKey(bucket, key, vid, dest string) []byte {
	return appendReplKey(make([]byte, 0, len(prefixReplication)+len(bucket)+len(key)+len(vid)+len(dest)+3), bucket, key, vid, dest)
}

// appendReplKey appends replKey's key to b.
func appendReplKey(b []byte, bucket, key, vid, dest string) []byte {
	b = append(b, prefixReplication...)
	b = append(b, bucket...)
	b = append(b, 0)
	b = append(b, key...)
	b = append(b, 0)
	b = append(b, vid...)
	if dest == "" {
		return b
	}
	return append(append(b, 0), dest...)
}

// storeKey is the key it is stored at.
func (it *replItem) storeKey() []byte {
	if it.legacy {
		return replKey(it.bucket, it.key, it.versionID, "")
	}
	return replKey(it.bucket, it.key, it.versionID, it.dest)
}

// keyDest is the destination part of it's keys ("": an earlier build's
// item, whose keys have none).
func (it *replItem) keyDest() string {
	if it.legacy {
		return ""
	}
	return it.dest
}

func (it *replItem) encode() []byte {
	e := encoder{b: []byte{recordVersion}}
	e.str(riDest, it.dest)
	e.str(riStorageClass, it.storageClass)
	if it.deleteMarker {
		e.uint(riDeleteMarker, 1)
	}
	e.uint(riAttempts, uint64(it.attempts))
	if !it.next.IsZero() {
		e.int(riNext, it.next.UnixNano())
	}
	if it.rule != "" {
		e.str(riRule, it.rule)
	}
	e.str(riReplicaKey, it.replicaKey)
	if it.seq != 0 {
		e.uint(riSeq, it.seq)
	}
	if it.meta != 0 {
		e.uint(riMeta, uint64(it.meta))
	}
	if it.ruleID != "" {
		e.str(riRuleID, it.ruleID)
	}
	if it.metrics {
		e.uint(riMetrics, 1)
	}
	if !it.requested.IsZero() {
		e.int(riRequested, it.requested.UnixNano())
	}
	if !it.deadline.IsZero() {
		e.int(riDeadline, it.deadline.UnixNano())
	}
	if it.missed {
		e.uint(riMissed, 1)
	}
	return e.b
}

func decodeReplItem(k, v []byte) (replItem, error) {
	var it replItem
	parts := bytes.SplitN(k[len(prefixReplication):], []byte{0}, 4)
	if len(parts) < 3 {
		return it, fmt.Errorf("%w: replication key %q", ErrCorrupt, k)
	}
	it.bucket, it.key, it.versionID = string(parts[0]), string(parts[1]), string(parts[2])
	if len(parts) == 3 {
		it.legacy = true
	} else {
		it.dest = string(parts[3])
	}
	d := decoder{b: v}
	d.version()
	for {
		tag, p, ok := d.next()
		if !ok {
			break
		}
		switch tag {
		case riDest:
			it.dest = string(p)
		case riStorageClass:
			it.storageClass = string(p)
		case riDeleteMarker:
			it.deleteMarker = d.uvar(p) == 1
		case riAttempts:
			it.attempts = int(d.uvar(p))
		case riNext:
			it.next = time.Unix(0, d.varint(p)).UTC()
		case riRule:
			it.rule = string(p)
		case riReplicaKey:
			it.replicaKey = string(p)
		case riSeq:
			it.seq = d.uvar(p)
		case riMeta:
			it.meta = uint8(d.uvar(p))
		case riRuleID:
			it.ruleID = string(p)
		case riMetrics:
			it.metrics = d.uvar(p) == 1
		case riRequested:
			it.requested = time.Unix(0, d.varint(p)).UTC()
		case riDeadline:
			it.deadline = time.Unix(0, d.varint(p)).UTC()
		case riMissed:
			it.missed = d.uvar(p) == 1
		}
	}
	return it, d.err
}

// track records in it the rule that queues it and the write it
// replicates, made at requested: the rule's ID, whether its Metrics are
// enabled and, when rtc and the rule has S3 RTC (ReplicationTime and
// Metrics enabled), the threshold deadline: Metrics' EventThreshold,
// else ReplicationTime's Time, else S3's 15 minutes.
func (it *replItem) track(rule *bucketconfig.ReplicationRule, requested time.Time, rtc bool) {
	d := &rule.Destination
	it.ruleID, it.metrics, it.requested = rule.ID, d.Metrics == "Enabled", requested
	if !rtc || !it.metrics || d.ReplicationTime != "Enabled" {
		return
	}
	minutes := d.MetricsThresholdMinutes
	if minutes <= 0 {
		minutes = d.ReplicationMinutes
	}
	if minutes <= 0 {
		minutes = 15
	}
	it.deadline = requested.Add(time.Duration(minutes) * time.Minute)
}

const prefixReplThreshold = "RT/"

// thresholdKey is the RT/ record of the item of bucket, key, vid and
// dest (replKey's) whose S3 RTC threshold is at.
func thresholdKey(at time.Time, bucket, key, vid, dest string) []byte {
	b := timedKey(prefixReplThreshold, at, len(bucket)+len(key)+len(vid)+len(dest)+3)
	b = append(append(append(append(b, bucket...), 0), key...), 0)
	b = append(b, vid...)
	if dest == "" {
		return b
	}
	return append(append(b, 0), dest...)
}

// replicates reports whether rule replicates a version: one sealed under
// a KMS key only when the rule selects SSE-KMS objects (S3 and OSS leave
// them out otherwise).
func replicates(rule *bucketconfig.ReplicationRule, info *ObjectInfo) bool {
	return rule.SSEKMSObjects || info.Encryption == nil || info.Encryption.Mode != EncryptKMS
}

// replicaKeyOf is the KMS key a version's replica is sealed under ("":
// as the source).
func replicaKeyOf(rule *bucketconfig.ReplicationRule, info *ObjectInfo) string {
	if rule.Destination.UseSourceMultiRegionKey == "Enabled" {
		// The related multi-Region key in a local destination's region
		// is the source version's own.
		return ""
	}
	if info.Encryption != nil && info.Encryption.Mode == EncryptKMS {
		return rule.Destination.ReplicaKMSKeyID
	}
	return ""
}

// replicationRulesFor appends to rules, for each destination that a
// rule of info's bucket replicates info to (a delete marker: marker),
// the rule that does (bucketconfig.Replication.Matches), and returns
// the extended slice.
func (e *Engine) replicationRulesFor(info *ObjectInfo, marker bool, rules []*bucketconfig.ReplicationRule) ([]*bucketconfig.ReplicationRule, error) {
	c, err := e.BucketConfigValue(context.Background(), info.Bucket, bucketconfig.KindReplication)
	if errors.Is(err, ErrNoSuchConfig) || errors.Is(err, ErrNoSuchBucket) {
		return rules, nil
	}
	if err != nil {
		return rules, err
	}
	n := len(rules)
	all := c.(*bucketconfig.Replication).Matches(rules, info.Key, bucketTags(info.Tags), marker)
	rules = all[:n]
	for _, r := range all[n:] {
		if replicates(r, info) {
			rules = append(rules, r)
		}
	}
	return rules, nil
}

// queueReplication records a pending item for rec, a new version being
// written in m (in an unversioned bucket: the key's new object, or with
// DeleteMarker its removal), for each destination a replication rule of
// its bucket replicates it to, and marks rec ReplicationPending. The
// caller holds e.mu.
func (e *Engine) queueReplication(m *mutation, rec *objectRecord) error {
	if rec.info.ReplicationStatus == ReplicationReplica {
		return nil
	}
	var buf [4]*bucketconfig.ReplicationRule
	rules, err := e.replicationRulesFor(&rec.info, rec.info.DeleteMarker, buf[:0])
	if len(rules) == 0 || err != nil {
		return err
	}
	requested := rec.info.LastModified
	if requested.IsZero() {
		requested = e.now()
	}
	if !rec.info.DeleteMarker {
		rec.info.ReplicationStatus = ReplicationPending
	}
	seq := rand.Uint64() | 1
	for _, rule := range rules {
		it := replItem{dest: rule.Destination.Bucket, storageClass: rule.Destination.StorageClass, deleteMarker: rec.info.DeleteMarker,
			replicaKey: replicaKeyOf(rule, &rec.info), seq: seq}
		it.track(rule, requested, true)
		if !it.deadline.IsZero() {
			// A key's earlier item replaced here (unversioned buckets)
			// leaves its record behind: replicationThresholds drops it.
			if err := m.b.Set(thresholdKey(it.deadline, rec.info.Bucket, rec.info.Key, rec.info.VersionID, it.dest), nil, nil); err != nil {
				return err
			}
		}
		// The batch copies the key: a short one is built on the stack
		// (a PUT's hot path).
		var kb [192]byte
		if err := m.b.Set(appendReplKey(kb[:0], rec.info.Bucket, rec.info.Key, rec.info.VersionID, it.dest), it.encode(), nil); err != nil {
			return err
		}
	}
	return nil
}

// queueMetaReplication queues the metadata change of rec (its tags, ACL,
// Object Lock settings or in-place metadata, being rewritten in m) for
// the version's replicas, one item per destination, as S3 replicates
// such changes: a version a rule replicated (or is replicating) goes
// PENDING until its replicas have the change; a replica's change goes
// back to its source when the replica's bucket has a rule for the key
// with ReplicaModifications (S3's replica modification sync). A version
// never replicated is not queued, nor is a delete marker; a FAILED
// version's change is queued as a PENDING one's, and the version stays
// FAILED (its failing item, still retried, keeps its attempts). The
// caller holds e.mu.
func (e *Engine) queueMetaReplication(m *mutation, rec *objectRecord) error {
	status := rec.info.ReplicationStatus
	if rec.info.DeleteMarker || (status != ReplicationPending && status != ReplicationCompleted &&
		status != ReplicationReplica && status != ReplicationFailed) {
		return nil
	}
	var buf [4]*bucketconfig.ReplicationRule
	rules, err := e.replicationRulesFor(&rec.info, false, buf[:0])
	if len(rules) == 0 || err != nil {
		return err
	}
	queued := false
	for _, rule := range rules {
		it := replItem{dest: rule.Destination.Bucket, storageClass: rule.Destination.StorageClass,
			replicaKey: replicaKeyOf(rule, &rec.info), seq: rand.Uint64() | 1, meta: metaSource}
		it.track(rule, e.now(), false) // S3 RTC's threshold is for new objects
		if status == ReplicationReplica {
			if !rule.ReplicaModifications || rec.info.VersionID == "" {
				continue
			}
			it.meta = metaReplica
		}
		k, cur, ok, err := e.findItem(e.db, rec.info.Bucket, rec.info.Key, rec.info.VersionID, it.dest)
		if err != nil {
			return err
		}
		if ok {
			// An item already queued (its delivery may be running: the
			// new sequence number keeps settling from dropping this
			// change) keeps its retry schedule and attempts (a FAILED
			// version's failing item too); a whole version not
			// delivered yet to a remote target stays one, as tags alone
			// could not land.
			it.attempts, it.next, it.rule, it.legacy = cur.attempts, cur.next, cur.rule, cur.legacy
			if !cur.requested.IsZero() {
				// The write still pending keeps its events' facts and its
				// threshold (its RT/ record stays valid).
				it.ruleID, it.metrics, it.requested, it.deadline, it.missed = cur.ruleID, cur.metrics, cur.requested, cur.deadline, cur.missed
			}
			if _, remote := e.opts.Replication.Targets[it.dest]; remote && cur.meta == 0 {
				it.meta = 0
			}
		}
		if err := m.b.Set(k, it.encode(), nil); err != nil {
			return err
		}
		queued = true
	}
	if queued && status != ReplicationReplica && status != ReplicationFailed {
		rec.info.ReplicationStatus = ReplicationPending
	}
	return nil
}

// findItem reads, in r, the item of version vid of key in bucket for the
// destination dest: at its key, or at the key of an earlier build (no
// destination in it) when that item names dest. Not found, k is where
// the item goes.
func (e *Engine) findItem(r pebble.Reader, bucket, key, vid, dest string) (k []byte, it replItem, found bool, err error) {
	for _, d := range [...]string{dest, ""} {
		lk := replKey(bucket, key, vid, d)
		v, ok, err := get(r, lk)
		if err != nil {
			return nil, it, false, err
		}
		if !ok {
			continue
		}
		if it, err = decodeReplItem(lk, v); err != nil {
			return nil, it, false, err
		}
		if it.dest == dest {
			return lk, it, true, nil
		}
	}
	return replKey(bucket, key, vid, dest), replItem{}, false, nil
}

// syncReplicaMetadata gives dst, a version's replica (or, for a replica's
// change, its source), the metadata a change of src may have touched:
// tags, ACL, Object Lock retention and legal hold, and the metadata an
// in-place update rewrites. Body, storage class, encryption and
// replication status stay dst's.
func syncReplicaMetadata(dst *ObjectInfo, src *ObjectInfo) {
	dst.Tags = slices.Clone(src.Tags)
	dst.ACL = src.ACL
	dst.Retention = src.Retention
	dst.LegalHold, dst.LegalHoldSet = src.LegalHold, src.LegalHoldSet
	dst.Metadata = src.Metadata
	dst.User, dst.Headers = maps.Clone(src.User), maps.Clone(src.Headers)
	dst.LastModified = src.LastModified
}

// checkReplicationConfig validates a replication document against the
// store: versioning Enabled on bucket and every local destination, or
// (OSS) off on both; every destination a configured target or a local
// bucket. A suspended bucket cannot replicate.
func (e *Engine) checkReplicationConfig(bucket string, doc []byte) error {
	c, err := bucketconfig.Decode(bucketconfig.KindReplication, doc)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidArgument, err)
	}
	rec, err := e.bucketRecord(e.db, bucket)
	if err != nil {
		return err
	}
	if rec.versioning == VersioningSuspended {
		return fmt.Errorf("%w: %s", ErrReplicationVersioning, bucket)
	}
	for _, r := range c.(*bucketconfig.Replication).Rules {
		if _, ok := e.opts.Replication.Targets[r.Destination.Bucket]; ok {
			if !e.targetServes(r.Destination.Bucket, rec.owner) {
				return fmt.Errorf("%w: %s", ErrReplicationDestinationOwner, r.Destination.Bucket)
			}
			continue
		}
		name, _ := bucketconfig.BucketFromARN(r.Destination.Bucket)
		dst, err := e.bucketRecord(e.db, name)
		if errors.Is(err, ErrNoSuchBucket) {
			return fmt.Errorf("%w: %s", ErrNoSuchReplicationDestination, r.Destination.Bucket)
		}
		if err != nil {
			return err
		}
		if dst.owner != rec.owner {
			return fmt.Errorf("%w: %s", ErrReplicationDestinationOwner, name)
		}
		switch {
		case rec.versioning == VersioningEnabled && dst.versioning != VersioningEnabled:
			return fmt.Errorf("%w: %s", ErrReplicationDestinationVersioning, name)
		case rec.versioning == VersioningOff && dst.versioning != VersioningOff:
			return fmt.Errorf("%w: %s", ErrReplicationVersioningMismatch, name)
		}
	}
	return nil
}

// ReplicationStats counts what replication passes did.
type ReplicationStats struct {
	// Replicated counts deliveries that succeeded, Failed those that did
	// not (each is retried later).
	Replicated, Failed int
}

// ReplicationBacklog returns how many replication items are pending (a
// version once per destination).
func (e *Engine) ReplicationBacklog(ctx context.Context) (int, error) {
	if err := e.enter(ctx); err != nil {
		return 0, err
	}
	defer e.leave()
	it, err := e.db.NewIter(&pebble.IterOptions{LowerBound: []byte(prefixReplication), UpperBound: prefixEnd([]byte(prefixReplication))})
	if err != nil {
		return 0, err
	}
	n := 0
	for ok := it.First(); ok; ok = it.Next() {
		n++
	}
	return n, it.Close()
}

// replicationPass delivers the items due at now, at most Batch of them.
// Passes do not overlap. With wait (RunPending) it first waits for the
// background passes' workers and returns when its own deliveries end.
// Without (the background loop) it skips the destinations whose worker,
// started by an earlier pass, still delivers (their items are read again
// once it has ended), and returns once a worker has started for each
// other destination due: so a remote that never answers holds its own
// items for StallTimeout, not the other destinations' later ones. At
// most Parallel workers deliver at once; Close waits for them.
func (e *Engine) replicationPass(ctx context.Context, now time.Time, wait bool) (ReplicationStats, error) {
	e.repl.mu.Lock()
	defer e.repl.mu.Unlock()
	var st ReplicationStats
	if wait {
		if err := e.repl.waitWorkers(ctx); err != nil {
			return st, err
		}
	}
	// Read before the items: a destination whose worker ends after this
	// has settled the items read below, or left them untouched.
	running := e.repl.runningDests()
	if err := e.historyPass(ctx); err != nil {
		return st, err
	}
	// Thresholds first: an item delivered late in this pass has missed
	// its threshold before, as on S3.
	if err := e.replicationThresholds(ctx, now); err != nil {
		return st, err
	}
	due, err := e.dueReplications(now, running)
	if err != nil {
		return st, err
	}
	// An item is visible before the log sync that makes its write durable
	// returns to the writer (a durable store): sync past what was read
	// before any destination, a remote one above all, sees a version a
	// crash could still undo here. A failed sync is fail-stop, as for a
	// writer (syncMeta).
	if len(due) > 0 {
		if err := e.syncMeta(); err != nil {
			return st, err
		}
	}
	// Each destination's items go in order (a version before its
	// delete marker or metadata change, as they were read) on a
	// goroutine of their own, at most Parallel destinations at once.
	groups := map[string][]replItem{}
	var dests []string
	for _, it := range due {
		if _, ok := groups[it.dest]; !ok {
			dests = append(dests, it.dest)
		}
		groups[it.dest] = append(groups[it.dest], it)
	}
	if len(dests) == 0 {
		return st, nil
	}
	if wait && len(dests) == 1 {
		err := e.deliverDestination(ctx, groups[dests[0]], now, &st)
		return st, err
	}
	pctx, cancel := context.WithCancel(ctx)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex // guards st and first
		first error
	)
	for _, d := range dests {
		if !e.repl.acquire(pctx, e.opts.Replication.Parallel) {
			break
		}
		done := e.repl.startWorker(d)
		wg.Add(1)
		if !wait {
			e.bg.Add(1) // the background loop runs: Close has not begun waiting
		}
		go func(items []replItem) {
			defer func() {
				e.repl.endWorker(d, done)
				wg.Done()
				if !wait {
					e.bg.Done()
				}
			}()
			var dst ReplicationStats
			err := e.deliverDestination(pctx, items, now, &dst)
			mu.Lock()
			defer mu.Unlock()
			st.Replicated += dst.Replicated
			st.Failed += dst.Failed
			if err != nil && first == nil {
				first = err
				cancel() // the other destinations stop after their current item
			}
		}(groups[d])
	}
	result := func() (ReplicationStats, error) {
		wg.Wait()
		cancel()
		if first == nil {
			first = ctx.Err()
		}
		return st, first
	}
	if wait {
		return result()
	}
	e.bg.Add(1)
	go func() {
		defer e.bg.Done()
		st, err := result()
		e.logReplicationPass(ctx, st, err)
	}()
	return ReplicationStats{}, nil
}

// deliverDestination delivers items, the due items of one destination,
// in order, and settles each, counting them in st. A delivery that
// stalls fails the destination's later items untried.
func (e *Engine) deliverDestination(ctx context.Context, items []replItem, now time.Time, st *ReplicationStats) error {
	var stalled error // the destination's delivery stalled in this pass
	for _, it := range items {
		if err := ctx.Err(); err != nil {
			return err
		}
		if it.versionID == "" {
			// An unversioned key's item of an earlier build (no
			// destination in its key) beside one of this build for the
			// same destination: the newer write supersedes it.
			if dropped, err := e.dropLegacyTwin(ctx, it); err != nil {
				return err
			} else if dropped {
				continue
			}
		}
		derr := stalled
		if derr == nil {
			derr = e.deliver(ctx, it)
			if errors.Is(derr, errDeliveryStalled) {
				stalled = derr
			}
		}
		if errors.Is(derr, ErrClosed) {
			return derr
		}
		if err := ctx.Err(); err != nil {
			return err // cut short (Close): not the destination's failure
		}
		if derr == nil {
			st.Replicated++
		} else {
			st.Failed++
			e.opts.Logger.Warn("replication failed", "bucket", it.bucket, "key", it.key, "version", it.versionID,
				"destination", it.dest, "attempt", it.attempts+1, "err", derr)
		}
		// Replication events (rules with Metrics only): a delivery after
		// the item missed its S3 RTC threshold (replicationThresholds ran
		// first), or the attempt that marks the version FAILED;
		// settleItem makes them in the batch that settles the item.
		failing := derr != nil && !errors.Is(derr, errSourceGone) && it.attempts+1 == e.opts.Replication.Attempts
		// A later background pass may mark the item missed while it is
		// delivered: settleItem decides on the item it reads.
		var ev *replEvents
		if it.metrics && (derr == nil && !it.deadline.IsZero() || failing) {
			ev = e.replicationEvents(ctx, it)
		}
		// A background pass does not wait for its workers: the item is
		// settled (its retry scheduled, its events dated) at the clock's
		// time when the delivery ends, not at its pass's start.
		at := now
		if t := e.now(); t.After(at) {
			at = t
		}
		marked, err := e.settle(ctx, it, derr, at, ev)
		if err != nil {
			return err
		}
		if marked {
			e.repl.countFailed(it)
		}
	}
	return nil
}

// dropLegacyTwin settles the twin items of it, an item of an unversioned
// key: an earlier build's item of the key (no destination in its key)
// for it's destination and one of this build exist when the key was
// written again after an upgrade, before the old item was delivered.
// Both would deliver the key's current object (a remote target getting
// it twice); the earlier build replaced the item at the write, so the
// old one goes now, with its RT/ record and without an event. dropped
// reports that it was that item.
func (e *Engine) dropLegacyTwin(ctx context.Context, it replItem) (dropped bool, err error) {
	legacy := replKey(it.bucket, it.key, "", "")
	current := replKey(it.bucket, it.key, "", it.dest)
	twins := func() (replItem, bool, error) {
		v, ok, err := get(e.db, legacy)
		if err != nil || !ok {
			return replItem{}, false, err
		}
		if _, ok, err := get(e.db, current); err != nil || !ok {
			return replItem{}, false, err
		}
		old, err := decodeReplItem(legacy, v)
		return old, err == nil && old.dest == it.dest, err
	}
	if _, ok, err := twins(); err != nil || !ok {
		return false, err // the common case: no write
	}
	err = e.applyCtx(ctx, func(m *mutation) error {
		old, ok, err := twins()
		if err != nil || !ok {
			return err
		}
		if err := m.b.Delete(legacy, nil); err != nil {
			return err
		}
		if !old.deadline.IsZero() && !old.missed {
			if err := m.b.Delete(thresholdKey(old.deadline, old.bucket, old.key, "", ""), nil); err != nil {
				return err
			}
		}
		dropped = it.legacy
		return nil
	})
	return dropped, err
}

// dueReplications reads the items due at now, but those of the
// destinations in skip.
func (e *Engine) dueReplications(now time.Time, skip map[string]bool) ([]replItem, error) {
	it, err := e.db.NewIter(&pebble.IterOptions{LowerBound: []byte(prefixReplication), UpperBound: prefixEnd([]byte(prefixReplication))})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []replItem
	// Items waiting out a backoff, or whose destination a worker still
	// delivers to, are skipped, not counted against Batch.
	for ok := it.First(); ok && len(out) < e.opts.Replication.Batch; ok = it.Next() {
		v, err := it.ValueAndErr()
		if err != nil {
			return nil, err
		}
		item, err := decodeReplItem(it.Key(), v)
		if err != nil {
			return nil, err
		}
		if !item.next.After(now) && !skip[item.dest] {
			out = append(out, item)
		}
	}
	return out, it.Error()
}

// targetServes reports whether the remote target arn takes the rules of
// owner's buckets (ReplicationOptions.TargetOwners).
func (e *Engine) targetServes(arn, owner string) bool {
	owners, limited := e.opts.Replication.TargetOwners[arn]
	return !limited || slices.Contains(owners, owner)
}

// errSourceGone: the version to replicate was removed before delivery;
// the item is dropped.
var errSourceGone = errors.New("engine: replication source version is gone")

// errTargetRefused is a delivery to a remote target that no longer serves
// the source bucket's owner (ReplicationOptions.TargetOwners limited after
// the rule was stored): it fails as a refusing destination does, retried
// with backoff and FAILED after Attempts (DstPutObjectNotPermitted), so
// the version's status counts that destination and a target opened again
// later receives it.
var errTargetRefused = fmt.Errorf("%w: the replication target does not serve the bucket's owner", ErrReplicationDestinationOwner)

// deliver copies one version to its destination.
func (e *Engine) deliver(ctx context.Context, it replItem) error {
	name, ok := bucketconfig.BucketFromARN(it.dest)
	if !ok {
		return fmt.Errorf("%w: destination %q", ErrInvalidArgument, it.dest)
	}
	target, remote := e.opts.Replication.Targets[it.dest]
	if !remote {
		return e.replicateLocal(ctx, it, name)
	}
	if _, limited := e.opts.Replication.TargetOwners[it.dest]; limited {
		// A rule stored before the target was limited delivers nothing.
		src, err := e.bucketRecord(e.db, it.bucket)
		if errors.Is(err, ErrNoSuchBucket) {
			return errSourceGone
		}
		if err == nil && !e.targetServes(it.dest, src.owner) {
			return errTargetRefused
		}
		if err != nil {
			return err
		}
	}
	if e.repl.isBusy(it.dest) {
		return errTargetBusy
	}
	g := newStallGuard(ctx, e.opts.Replication.StallTimeout, e.stop)
	defer g.stop()
	return g.verdict(e.deliverRemote(g.ctx, it, target, name, g))
}

// errTargetBusy is a delivery to a remote destination whose call given
// up by an earlier pass has not returned (callTarget): it fails untried,
// as the destination's items do after a stall.
var errTargetBusy = fmt.Errorf("%w: an earlier call to the target has not returned", errDeliveryStalled)

// errCallGivenUp is a target call that did not return within
// ReturnGrace of its context's end.
var errCallGivenUp = errors.New("engine: the replication target did not return after its context ended")

// callTarget runs call, one call of a remote target for dest, on a
// goroutine of its own, under g: it returns call's result, or, when
// call has not returned ReplicationOptions.ReturnGrace after g's
// context ended, gives it up: the version's body (g.body) is cut, so the
// call reads nothing more from the engine, its result is discarded when
// it comes, and dest stays busy (its items fail untried) until then.
// The goroutine touches nothing of the engine but that body and
// e.repl's memory, so it may outlive Close.
func (e *Engine) callTarget(g *stallGuard, dest string, call func(context.Context) error) error {
	done := make(chan error, 1)
	go func() { done <- call(g.ctx) }()
	select {
	case err := <-done:
		return err
	case <-g.ctx.Done():
	}
	t := time.NewTimer(e.opts.Replication.ReturnGrace)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
	}
	g.cut()
	e.repl.hold(dest, done)
	e.opts.Logger.Warn("replication target ignored its context: call given up", "destination", dest,
		"grace", e.opts.Replication.ReturnGrace)
	return errCallGivenUp
}

// errDeliveryStalled is a remote delivery that made no progress for
// ReplicationOptions.StallTimeout.
var errDeliveryStalled = errors.New("engine: replication delivery stalled (ReplicationOptions.StallTimeout)")

// stallGuard cancels a remote delivery's context once it goes
// StallTimeout without progress (each read of the body restarts the
// clock), or once closing is closed (Engine.Close: RunPending's context
// is its caller's, and Close waits for it).
type stallGuard struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	t      *time.Timer
	d      time.Duration
	// mu serialises the body's reads with cut: once done, src is closed
	// and the body reads nothing.
	mu   sync.Mutex
	src  *Object
	done bool
}

func newStallGuard(ctx context.Context, d time.Duration, closing <-chan struct{}) *stallGuard {
	g := &stallGuard{d: d}
	g.ctx, g.cancel = context.WithCancelCause(ctx)
	g.t = time.AfterFunc(d, func() { g.cancel(errDeliveryStalled) })
	go func() {
		select {
		case <-closing:
			g.cancel(ErrClosed)
		case <-g.ctx.Done():
		}
	}()
	return g
}

func (g *stallGuard) stop() {
	g.t.Stop()
	g.cancel(nil)
}

// verdict is err, as errDeliveryStalled or ErrClosed when the guard cut
// the delivery.
func (g *stallGuard) verdict(err error) error {
	if err == nil {
		return nil
	}
	switch cause := context.Cause(g.ctx); cause {
	case errDeliveryStalled, ErrClosed:
		return fmt.Errorf("%w: %w", cause, err)
	}
	return err
}

// body is src read under the guard, until cut.
func (g *stallGuard) body(src *Object) io.Reader {
	g.mu.Lock()
	g.src = src
	g.mu.Unlock()
	return &stallReader{g: g}
}

// cut closes the body's source (a pass's reader, closed after Close may
// have shut the gate): a read after it, by a call given up or one that
// reads after it returned, gets errCallGivenUp and never reaches the
// engine.
func (g *stallGuard) cut() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.done = true
	if g.src != nil {
		g.src.closeInside()
		g.src = nil
	}
}

type stallReader struct{ g *stallGuard }

func (s *stallReader) Read(p []byte) (int, error) {
	g := s.g
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.done {
		return 0, errCallGivenUp
	}
	n, err := g.src.Read(p)
	if n > 0 {
		g.t.Reset(g.d)
	}
	return n, err
}

// deliverRemote is deliver's part for a remote target, under g.
func (e *Engine) deliverRemote(ctx context.Context, it replItem, target ReplicationTarget, name string, g *stallGuard) error {
	if it.deleteMarker {
		return e.callTarget(g, it.dest, func(ctx context.Context) error { return target.PutDeleteMarker(ctx, name, it.key) })
	}
	if it.meta != 0 {
		return e.deliverRemoteTags(ctx, it, target, name, g)
	}
	obj, err := e.GetObject(ctx, it.bucket, it.key, GetOptions{VersionID: it.versionID})
	if errors.Is(err, ErrNoSuchVersion) || errors.Is(err, ErrNoSuchKey) || errors.Is(err, ErrNoSuchBucket) {
		return errSourceGone
	}
	if err != nil {
		return err
	}
	body := g.body(obj)
	defer g.cut()
	info := obj.Info
	if it.storageClass != "" {
		info.StorageClass = it.storageClass
	}
	if it.replicaKey != "" && info.Encryption != nil {
		// The target seals the replica under the rule's replica key.
		enc := *info.Encryption
		enc.KeyID, enc.BucketKey = it.replicaKey, false
		info.Encryption = &enc
	}
	return e.callTarget(g, it.dest, func(ctx context.Context) error { return target.PutObject(ctx, name, info, body) })
}

// deliverRemoteTags brings a replicated version's tags to its remote
// replica: the newest version of the key there, which is the replica
// while the source version is the key's current one (an older source
// version's replica is not the remote's newest, and is left alone). A
// target that takes no tag changes keeps the replica as written.
func (e *Engine) deliverRemoteTags(ctx context.Context, it replItem, target ReplicationTarget, name string, g *stallGuard) error {
	tt, ok := target.(ReplicationTagsTarget)
	if !ok {
		return nil
	}
	src, found, err := e.findItemSource(e.db, it.bucket, it.key, it.versionID, false)
	if err != nil {
		return err
	}
	if !found {
		return errSourceGone
	}
	if !src.current {
		return nil
	}
	tags := src.rec.info.Tags
	return e.callTarget(g, it.dest, func(ctx context.Context) error { return tt.PutObjectTags(ctx, name, it.key, tags) })
}

// replicateLocal writes the version as a replica into bucket dst of this
// engine: the same record (sharing the blobs) under the same version ID,
// with status ReplicationReplica. A replica already there is success.
func (e *Engine) replicateLocal(ctx context.Context, it replItem, dst string) error {
	// A replica with its own KMS key has the source's data keys sealed
	// anew, before the mutation (the key service may be remote); a
	// version's body and keys never change, so the mutation's copy of the
	// record takes them as they are.
	var sealed *EncryptionInfo
	if it.replicaKey != "" && !it.deleteMarker {
		src, ok, err := e.findItemSource(e.db, it.bucket, it.key, it.versionID, true)
		if err != nil {
			return err
		}
		if !ok {
			return errSourceGone
		}
		if enc := src.rec.info.Encryption; enc != nil && enc.Mode == EncryptKMS {
			to := &EncryptionInfo{Mode: EncryptKMS, KeyID: it.replicaKey, Context: enc.Context, Cipher: enc.Cipher}
			if sealed, err = e.reseal(ctx, enc, nil, to, nil); err != nil {
				return err
			}
		}
	}
	if it.versionID == "" {
		return e.replicateUnversioned(ctx, it, dst, sealed)
	}
	var srcInfo, replica ObjectInfo // set when a replica is written
	err := e.applyCtx(ctx, func(m *mutation) error {
		src, ok, err := e.findVersion(e.db, it.bucket, it.key, it.versionID, true)
		if err != nil {
			return err
		}
		if !ok {
			return errSourceGone
		}
		st, err := e.versioningLocked(dst)
		if err != nil {
			return err
		}
		if err := e.checkReplicationOwner(it.bucket, dst); err != nil {
			return err
		}
		if st != VersioningEnabled {
			if _, err := e.bucketRecord(e.db, dst); err != nil {
				return err
			}
			return fmt.Errorf("%w: %s", ErrReplicationDestinationVersioning, dst)
		}
		if err := e.checkReplicaLock(it, dst); err != nil {
			return err
		}
		there, done, err := e.findVersion(e.db, dst, it.key, it.versionID, it.meta != 0)
		if err != nil {
			return err
		}
		switch {
		case done && it.meta != 0:
			// A metadata change: the version there takes it.
			rec := there.rec
			if !there.current {
				rec.nullStamp = stamp{} // the V/ key holds it
			}
			syncReplicaMetadata(&rec.info, &src.rec.info)
			rec.info.Bucket, rec.info.Key = dst, it.key
			return m.b.Set(there.key, rec.encode(), nil)
		case done:
			return nil
		case it.meta == metaReplica:
			return errSourceGone // the replica's source is gone
		}
		if err := e.checkReplicaEncryption(ctx, &src.rec, dst); err != nil {
			return err
		}
		s, err := parseVersionID(it.versionID)
		if err != nil {
			return err
		}
		rec := replicaOf(src.rec, dst, it, sealed)
		if err := e.writeVersionAt(m, &rec, VersioningEnabled, &s); err != nil {
			return err
		}
		srcInfo, replica = src.rec.info, rec.info
		return nil
	})
	if err != nil || replica.VersionID == "" || it.deleteMarker {
		return err
	}
	// The version's S3 object annotations go with it (objannotation.go).
	return e.copyAnnotations(ctx, srcInfo, replica, "")
}

// checkReplicationOwner refuses a delivery from bucket src to the local
// bucket dst when dst is another owner's (a rule put before the check
// existed, or a destination deleted and made again by another account):
// replicas, deletes and delete markers go only to the source owner's
// buckets. A source bucket that is gone drops the item.
func (e *Engine) checkReplicationOwner(src, dst string) error {
	s, err := e.bucketRecord(e.db, src)
	if errors.Is(err, ErrNoSuchBucket) {
		return errSourceGone // its owner is unknown now: nothing is delivered
	}
	if err != nil {
		return err
	}
	d, err := e.bucketRecord(e.db, dst)
	if err != nil {
		return err
	}
	if d.owner != s.owner {
		return fmt.Errorf("%w: %s", ErrReplicationDestinationOwner, dst)
	}
	return nil
}

// checkReplicaLock refuses the delivery of it (a version, or a change of
// its metadata) from a bucket with Object Lock to the local bucket dst
// without it: S3 replicates a locked bucket's objects with their
// retention and legal hold only into a bucket with Object Lock (S3 User
// Guide, "Object Lock considerations", "Using Object Lock with S3
// Replication": "if the source bucket has Object Lock enabled, the
// destination buckets must also have Object Lock enabled"), and fails
// the replication otherwise (DstBucketObjectLockConfigMissing). A delete
// marker, which no lock protects, is delivered. The caller holds e.mu.
func (e *Engine) checkReplicaLock(it replItem, dst string) error {
	if it.deleteMarker {
		return nil
	}
	src, err := e.bucketLock(it.bucket)
	if err != nil || src == nil {
		return err
	}
	if d, err := e.bucketLock(dst); err != nil || d != nil {
		return err
	}
	return fmt.Errorf("%w: %s", ErrReplicationDestinationObjectLock, dst)
}

// replicateAnnotation copies annotation name, just put on version v, to
// the version's replica in each local destination bucket a replication
// rule replicates v to, when the replica is there (S3 replicates
// annotations as they are added or changed; their removal is not
// replicated). Replicas on other servers do not get it.
func (e *Engine) replicateAnnotation(ctx context.Context, v ObjectInfo, name string) error {
	if v.VersionID == "" || v.ReplicationStatus == ReplicationReplica {
		return nil
	}
	var buf [4]*bucketconfig.ReplicationRule
	rules, err := e.replicationRulesFor(&v, false, buf[:0])
	if err != nil {
		return err
	}
	for _, rule := range rules {
		dst, ok := bucketconfig.BucketFromARN(rule.Destination.Bucket)
		if _, remote := e.opts.Replication.Targets[rule.Destination.Bucket]; !ok || remote {
			continue
		}
		loc, found, err := e.findVersion(e.db, dst, v.Key, v.VersionID, false)
		if errors.Is(err, ErrNoSuchBucket) || err == nil && !found {
			continue // not replicated yet: the replication takes it then
		}
		if err != nil {
			return err
		}
		if err := e.copyAnnotations(ctx, v, loc.rec.info, name); err != nil {
			return err
		}
	}
	return nil
}

// replicaOf is the record of src's replica in bucket dst: status
// REPLICA, sealed anew when sealed is set, in the rule's storage class,
// without the source's restore state.
func replicaOf(src objectRecord, dst string, it replItem, sealed *EncryptionInfo) objectRecord {
	rec := src
	rec.info.Bucket, rec.info.IsLatest = dst, false
	rec.info.ReplicationStatus = ReplicationReplica
	if sealed != nil {
		rec.info.Encryption = sealed
	}
	if it.storageClass != "" && !rec.info.DeleteMarker {
		rec.info.StorageClass = it.storageClass
	}
	rec.restoreReady, rec.restoreExpiry, rec.nullStamp = time.Time{}, time.Time{}, stamp{}
	return rec
}

// checkReplicaEncryption refuses a replica sealed by a customer key in a
// bucket that blocks them (S3).
func (e *Engine) checkReplicaEncryption(ctx context.Context, src *objectRecord, dst string) error {
	if enc := src.info.Encryption; enc == nil || enc.Mode != EncryptCustomer {
		return nil
	}
	c, err := e.BucketConfigValue(ctx, dst, bucketconfig.KindEncryption)
	if err != nil && !errors.Is(err, ErrNoSuchConfig) {
		return err
	}
	if err == nil && c.(*bucketconfig.Encryption).BlocksCustomerKeys() {
		return fmt.Errorf("%w: %s blocks SSE-C", ErrReplicationEncryptionBlocked, dst)
	}
	return nil
}

// replicateUnversioned delivers an item of an unversioned bucket to the
// unversioned bucket dst of this engine: the key's current object as a
// replica (sharing its blobs), or, for a delete, the key removed there.
// Neither is replicated again from dst.
func (e *Engine) replicateUnversioned(ctx context.Context, it replItem, dst string, sealed *EncryptionInfo) error {
	return e.applyCtx(ctx, func(m *mutation) error {
		st, err := e.versioningLocked(dst)
		if err != nil {
			return err
		}
		if err := e.checkReplicationOwner(it.bucket, dst); err != nil {
			return err
		}
		if st != VersioningOff {
			return fmt.Errorf("%w: %s", ErrReplicationVersioningMismatch, dst)
		}
		if it.deleteMarker {
			return e.removeObject(m, dst, it.key, deleteCond{}, false)
		}
		src, ok, err := e.findItemSource(e.db, it.bucket, it.key, "", true)
		if err != nil {
			return err
		}
		if !ok {
			return errSourceGone
		}
		if err := e.checkReplicaEncryption(ctx, &src.rec, dst); err != nil {
			return err
		}
		if err := e.checkOverwrite(dst, it.key); err != nil {
			return err
		}
		rec := replicaOf(src.rec, dst, it, sealed)
		return e.replaceRecord(m, objectKey(dst, it.key), &rec)
	})
}

// findItemSource finds the version an item names: for an item of an
// unversioned bucket (vid ""), the key's current object.
func (e *Engine) findItemSource(r pebble.Reader, bucket, key, vid string, body bool) (located, bool, error) {
	if vid != "" {
		return e.findVersion(r, bucket, key, vid, body)
	}
	k := objectKey(bucket, key)
	rec, ok, err := getObject(r, k, body)
	if err != nil || !ok || rec.info.VersionID != "" {
		return located{}, false, err
	}
	rec.info.Bucket, rec.info.Key = bucket, key
	return located{rec: rec, key: k, current: true}, true, nil
}

// settle records the outcome of a delivery: success (or a vanished
// source) drops the item and marks the source version; a failure
// schedules a retry. ev, when not nil, makes the delivery's replication
// events, queued in the same batch. failed reports that the item used up
// its attempts and was marked FAILED (not when it was queued again
// meanwhile: the newer item stays, with the attempts).
func (e *Engine) settle(ctx context.Context, it replItem, derr error, now time.Time, ev *replEvents) (failed bool, err error) {
	k := it.storeKey()
	err = e.applyCtx(ctx, func(m *mutation) error {
		failed = false
		return e.settleItem(m, k, it, derr, now, ev, &failed)
	})
	return failed && err == nil, err
}

// settleItem is settle's change of item it (at k) in m, with its events
// (ev nil: none); *failed is set when it marks the item FAILED. The
// caller holds e.mu.
func (e *Engine) settleItem(m *mutation, k []byte, it replItem, derr error, now time.Time, ev *replEvents, failed *bool) error {
	v, ok, err := get(e.db, k)
	if err != nil || !ok {
		return err
	}
	cur, err := decodeReplItem(k, v)
	if err != nil {
		return err
	}
	if cur.seq != it.seq {
		// Queued again while it was delivered (a write of an unversioned
		// key, a metadata change): the newer item stays for the next
		// pass. A delivery of the write whose threshold it carries ends
		// that threshold here.
		if derr == nil && !cur.deadline.IsZero() && cur.deadline.Equal(it.deadline) {
			return e.endThreshold(m, k, cur, ev, now)
		}
		return nil
	}
	if derr == nil || errors.Is(derr, errSourceGone) {
		if err := m.b.Delete(k, nil); err != nil {
			return err
		}
		if err := e.endThreshold(m, nil, cur, ev, now); err != nil || derr != nil {
			return err
		}
		status, err := e.versionReplicationStatus(cur, k, ReplicationCompleted)
		if err != nil {
			return err
		}
		return e.setReplicationStatus(m, cur, status)
	}
	cur.attempts++
	cur.next = now.Add(e.opts.Replication.backoff(cur.attempts))
	if err := m.b.Set(k, cur.encode(), nil); err != nil {
		return err
	}
	if cur.attempts == e.opts.Replication.Attempts {
		if cur.metrics {
			ev.add(m, "Replication:OperationFailedReplication", replicationFailureReason(cur, derr), now)
		}
		*failed = true
		return e.setReplicationStatus(m, cur, ReplicationFailed)
	}
	return nil
}

// endThreshold ends the S3 RTC threshold of cur, an item whose write was
// delivered at now (or whose source is gone): within the threshold, its
// RT/ record goes and no event is made; after it (missed),
// OperationReplicatedAfterThreshold is made. With k set, cur stays queued
// (for a later change) without the threshold. The caller holds e.mu.
func (e *Engine) endThreshold(m *mutation, k []byte, cur replItem, ev *replEvents, now time.Time) error {
	if cur.deadline.IsZero() {
		return nil
	}
	if cur.missed {
		ev.add(m, "Replication:OperationReplicatedAfterThreshold", "", now)
	} else if err := m.b.Delete(thresholdKey(cur.deadline, cur.bucket, cur.key, cur.versionID, cur.keyDest()), nil); err != nil {
		return err
	}
	if k == nil {
		return nil
	}
	cur.deadline, cur.missed = time.Time{}, false
	return m.b.Set(k, cur.encode(), nil)
}

// replicationThresholds makes the OperationMissedThreshold events due at
// now: one for each item still pending at its S3 RTC threshold, once (the
// batch that queues it marks the item missed and drops the RT/ record;
// a record whose item is gone or was queued again drops without one, and
// an item whose source version is gone drops with it, without one; a
// deletion's item is kept).
func (e *Engine) replicationThresholds(ctx context.Context, now time.Time) error {
	iter, err := e.dueIter(prefixReplThreshold, now)
	if err != nil {
		return err
	}
	var due [][]byte
	for ok := iter.First(); ok; ok = iter.Next() {
		due = append(due, bytes.Clone(iter.Key()))
	}
	if err := iter.Close(); err != nil {
		return err
	}
	for _, rk := range due {
		if err := ctx.Err(); err != nil {
			return err
		}
		at := dueAt(prefixReplThreshold, rk)
		parts := bytes.SplitN(rk[len(prefixReplThreshold)+8:], []byte{0}, 4)
		if len(parts) < 3 {
			return fmt.Errorf("%w: replication threshold key %q", ErrCorrupt, rk)
		}
		dest := "" // an earlier build's record names its item's legacy key
		if len(parts) == 4 {
			dest = string(parts[3])
		}
		k := replKey(string(parts[0]), string(parts[1]), string(parts[2]), dest)
		var ev *replEvents
		if v, ok, err := get(e.db, k); err != nil {
			return err
		} else if ok {
			it, err := decodeReplItem(k, v)
			if err != nil {
				return err
			}
			if it.deadline.Equal(at) && !it.missed {
				ev = e.replicationEvents(ctx, it)
			}
		}
		if err := e.applyCtx(ctx, func(m *mutation) error {
			if err := m.b.Delete(rk, nil); err != nil {
				return err
			}
			v, ok, err := get(e.db, k)
			if err != nil || !ok {
				return err
			}
			cur, err := decodeReplItem(k, v)
			if err != nil || !cur.deadline.Equal(at) || cur.missed {
				return err
			}
			// A source version deleted meanwhile is not replicated and
			// makes no event (S3 documents none): its item goes now, as
			// its next attempt would drop it (errSourceGone). Not a
			// deletion's item: in an unversioned bucket its key is gone
			// by design (the removal is what is replicated), and a
			// delete marker's delivery does not read its source.
			if !cur.deleteMarker {
				if _, found, err := e.findItemSource(e.db, cur.bucket, cur.key, cur.versionID, false); err != nil {
					return err
				} else if !found {
					return m.b.Delete(k, nil)
				}
			}
			cur.missed = true
			ev.add(m, "Replication:OperationMissedThreshold", "", at)
			return m.b.Set(k, cur.encode(), nil)
		}); err != nil {
			return err
		}
	}
	return nil
}

// replicationFailureReason is S3's replication failure reason for derr,
// the failure of it's delivery (S3 User Guide, "Amazon S3 replication
// failure reasons"), or "" when none of S3's reasons says it: a remote
// target's refusal other than a missing bucket (a target reports that
// by wrapping ErrNoSuchBucket, as httpapi.S3ReplicationTarget does), a
// destination that blocks the version's encryption, a key service error,
// a destination versioned while the (OSS) source is not.
func replicationFailureReason(it replItem, derr error) string {
	switch {
	case errors.Is(derr, ErrNoSuchBucket):
		return "DstBucketNotFound"
	case errors.Is(derr, ErrReplicationDestinationVersioning):
		return "DstBucketUnversioned"
	case errors.Is(derr, ErrReplicationDestinationObjectLock):
		return "DstBucketObjectLockConfigMissing"
	case errors.Is(derr, ErrReplicationDestinationOwner) && it.deleteMarker:
		return "DstDelObjNotPermitted"
	case errors.Is(derr, ErrReplicationDestinationOwner) && it.meta == 0:
		return "DstPutObjectNotPermitted"
	}
	return ""
}

// versionReplicationStatus is the status of the version it names once
// it, at k, has the status own (COMPLETED: delivered, its item dropped):
// the aggregate over the version's destinations, one item each (S3 User
// Guide, "Replication status if replicating to multiple destination
// buckets": "The header of the source object only returns a value of
// COMPLETED when replication is successful to all destinations. The
// header remains at the PENDING value until replication has completed
// for all destinations. If one or more destinations fail replication,
// the header returns FAILED"). An item that has used up its attempts is
// a failed destination; any other, a pending one; FAILED outranks
// PENDING, which outranks COMPLETED. The caller holds e.mu.
func (e *Engine) versionReplicationStatus(it replItem, k []byte, own string) (string, error) {
	rank := func(s string) int {
		switch s {
		case ReplicationFailed:
			return 2
		case ReplicationPending:
			return 1
		}
		return 0
	}
	status := own
	note := func(ik, v []byte) error {
		if bytes.Equal(ik, k) {
			return nil
		}
		o, err := decodeReplItem(ik, v)
		if err != nil || o.deleteMarker || o.meta == metaReplica {
			return err
		}
		s := ReplicationPending
		if o.attempts >= e.opts.Replication.Attempts {
			s = ReplicationFailed
		}
		if rank(s) > rank(status) {
			status = s
		}
		return nil
	}
	legacy := replKey(it.bucket, it.key, it.versionID, "")
	if v, ok, err := get(e.db, legacy); err != nil {
		return "", err
	} else if ok {
		if err := note(legacy, v); err != nil {
			return "", err
		}
	}
	lo := append(legacy, 0)
	iter, err := e.db.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: prefixEnd(lo)})
	if err != nil {
		return "", err
	}
	for ok := iter.First(); ok; ok = iter.Next() {
		v, err := iter.ValueAndErr()
		if err == nil {
			err = note(iter.Key(), v)
		}
		if err != nil {
			iter.Close()
			return "", err
		}
	}
	return status, iter.Close()
}

// setReplicationStatus rewrites the source version's status, if the
// version (an object, not a marker) still exists. The caller holds e.mu.
func (e *Engine) setReplicationStatus(m *mutation, it replItem, status string) error {
	if it.deleteMarker || it.meta == metaReplica {
		return nil // a replica stays REPLICA
	}
	loc, ok, err := e.findItemSource(e.db, it.bucket, it.key, it.versionID, true)
	if err != nil || !ok || loc.rec.info.DeleteMarker {
		return err
	}
	loc.rec.info.ReplicationStatus = status
	return m.b.Set(loc.key, loc.rec.encode(), nil)
}

// replicationTick is the background loop's replication pass: its
// deliveries are logged when they end (logReplicationPass).
func (e *Engine) replicationTick(ctx context.Context) {
	st, err := e.replicationPass(ctx, e.now(), false)
	e.logReplicationPass(ctx, st, err)
}

// logReplicationPass logs the outcome of a background replication pass.
func (e *Engine) logReplicationPass(ctx context.Context, st ReplicationStats, err error) {
	if err != nil && !errors.Is(err, ErrClosed) && ctx.Err() == nil {
		e.opts.Logger.Error("background replication pass failed", "err", err)
	}
	if st != (ReplicationStats{}) {
		e.opts.Logger.Info("replication", "replicated", st.Replicated, "failed", st.Failed)
	}
}

// checkVersioningChange refuses to suspend versioning on a bucket with a
// replication configuration, as S3 does, and to enable it on an
// unversioned one that replicates (its destinations are unversioned
// too). The caller holds e.mu.
func (e *Engine) checkVersioningChange(bucket string, doc []byte) error {
	c, err := bucketconfig.Decode(bucketconfig.KindVersioning, doc)
	if err != nil {
		return nil // putVersioningConfig reports a bad document
	}
	if c.(*bucketconfig.Versioning).Status == "Enabled" {
		st, err := e.versioningLocked(bucket)
		if err != nil || st != VersioningOff {
			return nil
		}
	}
	if _, ok, err := get(e.db, configKey(bucket, ConfigReplication)); err != nil || !ok {
		return err
	}
	return fmt.Errorf("%w: %s", ErrReplicationConfigured, bucket)
}

// ReplicationProgress describes a bucket's replication backlog.
type ReplicationProgress struct {
	// Pending counts the bucket's replications waiting: a version once
	// per destination that has yet to get it (or a change of it).
	Pending int
	// OldestPending is the modification time of the oldest of them
	// (zero when none is pending): every version written before it has
	// been replicated.
	OldestPending time.Time
	// Historical holds, by rule ID, the progress of each rule that
	// replicates the objects that existed before it (ExistingObjects).
	Historical map[string]HistoricalProgress
}

// BucketReplicationProgress reports bucket's replication backlog.
func (e *Engine) BucketReplicationProgress(ctx context.Context, bucket string) (ReplicationProgress, error) {
	var p ReplicationProgress
	if err := e.enter(ctx); err != nil {
		return p, err
	}
	defer e.leave()
	snap := e.db.NewSnapshot()
	defer snap.Close()
	if _, err := e.bucketRecord(snap, bucket); err != nil {
		return p, err
	}
	lo := append([]byte(prefixReplication+bucket), 0)
	it, err := snap.NewIter(&pebble.IterOptions{LowerBound: lo, UpperBound: prefixEnd(lo)})
	if err != nil {
		return p, err
	}
	defer it.Close()
	byRule := map[string]int{} // the historical scans' items
	for ok := it.First(); ok; ok = it.Next() {
		v, err := it.ValueAndErr()
		if err != nil {
			return p, err
		}
		item, err := decodeReplItem(it.Key(), v)
		if err != nil {
			return p, err
		}
		p.Pending++
		if item.rule != "" {
			byRule[item.rule]++
		}
		loc, found, err := e.findItemSource(snap, bucket, item.key, item.versionID, false)
		if err != nil {
			return p, err
		}
		if found && (p.OldestPending.IsZero() || loc.rec.info.LastModified.Before(p.OldestPending)) {
			p.OldestPending = loc.rec.info.LastModified
		}
	}
	if err := it.Error(); err != nil {
		return p, err
	}
	return p, e.historicalProgress(snap, bucket, byRule, &p)
}

// ReplicationMetricsKey names the replications of one source bucket to
// one destination under one rule.
type ReplicationMetricsKey struct {
	Bucket      string // the source bucket
	Destination string // the destination bucket's ARN
	// RuleID is the rule that queued the items ("" for items of builds
	// before rule IDs were kept with them).
	RuleID string
}

// ReplicationMetrics are S3's replication metrics (S3 User Guide,
// "Monitoring progress with replication metrics": BytesPendingReplication,
// OperationsPendingReplication, ReplicationLatency,
// OperationsFailedReplication) for one source bucket, destination and
// rule, as of the call.
type ReplicationMetrics struct {
	ReplicationMetricsKey
	// OperationsPending counts the items waiting (a version, a delete
	// marker or a metadata change to deliver); BytesPending is the size
	// of the versions among them whose body is still to be sent.
	OperationsPending, BytesPending int64
	// Latency is how far the destination is behind: the age, on the
	// clock, of the oldest pending write (0 when none is pending, or
	// none knows when it was made).
	Latency time.Duration
	// OperationsFailed counts the items marked FAILED (their attempts
	// used up, S3's OperationFailedReplication) since Open.
	OperationsFailed int64
}

// ReplicationMetrics returns the replication metrics of every source
// bucket, destination and rule with an item pending or one marked FAILED
// since Open, in key order. It reads every pending item and, for a
// version's, the version's record (its size).
func (e *Engine) ReplicationMetrics(ctx context.Context) ([]ReplicationMetrics, error) {
	if err := e.enter(ctx); err != nil {
		return nil, err
	}
	defer e.leave()
	now := e.now()
	byKey := map[ReplicationMetricsKey]*ReplicationMetrics{}
	entry := func(k ReplicationMetricsKey) *ReplicationMetrics {
		m, ok := byKey[k]
		if !ok {
			m = &ReplicationMetrics{ReplicationMetricsKey: k}
			byKey[k] = m
		}
		return m
	}
	snap := e.db.NewSnapshot()
	defer snap.Close()
	it, err := snap.NewIter(&pebble.IterOptions{LowerBound: []byte(prefixReplication), UpperBound: prefixEnd([]byte(prefixReplication))})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		v, err := it.ValueAndErr()
		if err != nil {
			return nil, err
		}
		item, err := decodeReplItem(it.Key(), v)
		if err != nil {
			return nil, err
		}
		m := entry(ReplicationMetricsKey{Bucket: item.bucket, Destination: item.dest, RuleID: item.ruleID})
		m.OperationsPending++
		if !item.requested.IsZero() {
			m.Latency = max(m.Latency, now.Sub(item.requested))
		}
		if item.deleteMarker || item.meta != 0 {
			continue
		}
		loc, found, err := e.findItemSource(snap, item.bucket, item.key, item.versionID, false)
		if err != nil {
			return nil, err
		}
		if found {
			m.BytesPending += loc.rec.info.Size
		}
	}
	if err := it.Error(); err != nil {
		return nil, err
	}
	e.repl.busyMu.Lock()
	for k, n := range e.repl.failed {
		entry(k).OperationsFailed = n
	}
	e.repl.busyMu.Unlock()
	out := make([]ReplicationMetrics, 0, len(byKey))
	for _, m := range byKey {
		out = append(out, *m)
	}
	slices.SortFunc(out, func(a, b ReplicationMetrics) int {
		return cmp.Or(cmp.Compare(a.Bucket, b.Bucket), cmp.Compare(a.Destination, b.Destination), cmp.Compare(a.RuleID, b.RuleID))
	})
	return out, nil
}

// replEvents makes the Replication events of an item: read before the
// batch that queues them (replicationEvents), added in it (add).
type replEvents struct {
	base Event
	nc   *bucketconfig.Notification
}

// replicationEvents returns what the Replication events of it need, as
// S3 sends them (S3 User Guide, "Receiving replication failure events
// with Amazon S3 Event Notifications"): the source bucket and its
// notification configuration, the version's size and ETag, the
// principal and source address s3.amazonaws.com and replicationEventData;
// nil when nobody wants the bucket's events. An error reading the bucket
// or its configuration is logged: the item is settled, its events are
// lost.
func (e *Engine) replicationEvents(ctx context.Context, it replItem) *replEvents {
	if !e.WantsEvents(ctx, it.bucket) {
		return nil
	}
	b, err := e.Bucket(ctx, it.bucket)
	var nc *bucketconfig.Notification
	if err == nil {
		nc, err = e.notificationOf(ctx, it.bucket)
	}
	if err != nil {
		if !errors.Is(err, ErrClosed) {
			e.opts.Logger.Error("replication event lost", "bucket", it.bucket, "key", it.key, "err", err)
		}
		return nil
	}
	ev := NewEvent("", b, it.key, time.Time{})
	ev.UserIdentity.PrincipalID = "s3.amazonaws.com"
	ev.RequestParameters.SourceIPAddress = "s3.amazonaws.com"
	ev.S3.Object.VersionID = it.versionID
	data := EventReplication{ReplicationRuleID: it.ruleID, DestinationBucket: it.dest}
	if !it.deleteMarker {
		if loc, ok, err := e.findItemSource(e.db, it.bucket, it.key, it.versionID, false); err == nil && ok {
			size := loc.rec.info.Size
			ev.S3.Object.Size, ev.S3.Object.ETag = &size, loc.rec.info.ETag
		}
		if it.meta == 0 {
			data.S3Operation = "OBJECT_PUT"
		}
	}
	if !it.requested.IsZero() {
		data.RequestTime = it.requested.UTC().Format(eventTimeFormat)
	}
	ev.ReplicationEventData = &data
	return &replEvents{ev, nc}
}

// add queues in m the event name at t, with failureReason reason ("":
// none); a nil r adds nothing.
func (r *replEvents) add(m *mutation, name, reason string, t time.Time) {
	if r == nil {
		return
	}
	ev := r.base
	ev.EventName, ev.EventVersion, ev.EventTime = name, eventVersion(name), t.UTC().Format(eventTimeFormat)
	data := *ev.ReplicationEventData
	data.FailureReason = reason
	ev.ReplicationEventData = &data
	m.ownEvent(r.nc, ev)
}
