package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"

	"github.com/cockroachdb/pebble/v2"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// Historical replication: a rule with ExistingObjects (S3
// ExistingObjectReplication, OSS HistoricalObjectReplication) also
// replicates the objects that existed when it was put. Putting the rule
// stores, in the configuration's batch, a cursor
//
//	RS/<bucket>\x00<ruleID>   after-key, horizon stamp, queued count, state
//
// whose horizon is a version stamp newer than every version written
// before. Each replication pass advances the cursors by at most
// ReplicationOptions.ScanPage object keys in all: one batch per rule
// queues an ordinary R/ item (tagged with the rule ID) for every current
// version the rule selects and that is older than the horizon, marks it
// PENDING and moves the cursor, so a crash resumes after the last page.
// Versions at or after the horizon were queued by the write itself;
// versions that already have an item are left to it. A rule that goes
// away, or changes, drops (or restarts) its cursor; a finished cursor is
// kept so progress can say "done".
//
// Only current object versions with a version ID are replicated: not
// noncurrent versions, delete markers, or the null version (written
// before versioning was enabled); in an unversioned bucket, every object.
// A rule without an ID has no cursor.
// The horizon relies on the engine clock not running backwards across a
// restart (a version written then could be queued twice; a local
// destination takes that as a no-op).

const prefixReplScan = "RS/"

// histCursor is a rule's historical scan.
type histCursor struct {
	after   string // last key examined ("" before the first page)
	horizon stamp  // versions older than this existed before the rule
	queued  int    // items the scan queued
	pages   int    // pages run
	done    bool   // every key examined
}

const (
	hcAfter = iota + 1
	hcHorizon
	hcQueued
	hcPages
	hcDone
)

func scanPrefix(bucket string) []byte {
	return append(append([]byte(prefixReplScan), bucket...), 0)
}

func scanKey(bucket, rule string) []byte {
	return append(scanPrefix(bucket), rule...)
}

func (c *histCursor) encode() []byte {
	e := encoder{b: []byte{recordVersion}}
	e.str(hcAfter, c.after)
	e.str(hcHorizon, string(c.horizon[:]))
	e.uint(hcQueued, uint64(c.queued))
	e.uint(hcPages, uint64(c.pages))
	if c.done {
		e.uint(hcDone, 1)
	}
	return e.b
}

func decodeHistCursor(v []byte) (histCursor, error) {
	var c histCursor
	d := decoder{b: v}
	d.version()
	for {
		tag, p, ok := d.next()
		if !ok {
			break
		}
		switch tag {
		case hcAfter:
			c.after = string(p)
		case hcHorizon:
			if len(p) != stampLen {
				return c, fmt.Errorf("%w: replication scan horizon of %d bytes", ErrCorrupt, len(p))
			}
			copy(c.horizon[:], p)
		case hcQueued:
			c.queued = int(d.uvar(p))
		case hcPages:
			c.pages = int(d.uvar(p))
		case hcDone:
			c.done = d.uvar(p) == 1
		}
	}
	return c, d.err
}

// syncScanCursors, in m, gives every rule of the replication document
// doc that has ExistingObjects a fresh cursor unless the same rule (equal
// in every field but RTC) had one, and drops the cursors of rules that are gone
// or changed. The caller holds e.mu.
func (e *Engine) syncScanCursors(m *mutation, bucket string, doc []byte) error {
	c, err := bucketconfig.Decode(bucketconfig.KindReplication, doc)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidArgument, err)
	}
	var old []bucketconfig.ReplicationRule
	if v, ok, err := get(e.db, configKey(bucket, ConfigReplication)); err != nil {
		return err
	} else if ok {
		oc, err := bucketconfig.Decode(bucketconfig.KindReplication, v)
		if err != nil {
			return fmt.Errorf("%w: stored replication of %s: %w", ErrCorrupt, bucket, err)
		}
		old = oc.(*bucketconfig.Replication).Rules
	}
	kept := map[string]bool{}
	for _, r := range c.(*bucketconfig.Replication).Rules {
		if !r.ExistingObjects || r.ID == "" {
			continue
		}
		// RTC is a setting of the delivery, not of what is selected.
		r.RTC = ""
		if slices.ContainsFunc(old, func(o bucketconfig.ReplicationRule) bool { o.RTC = ""; return reflect.DeepEqual(o, r) }) {
			kept[r.ID] = true
		}
	}
	for _, o := range old {
		if o.ID != "" && !kept[o.ID] {
			if err := m.b.Delete(scanKey(bucket, o.ID), nil); err != nil {
				return err
			}
		}
	}
	for _, r := range c.(*bucketconfig.Replication).Rules {
		if !r.ExistingObjects || r.ID == "" || kept[r.ID] {
			continue
		}
		cur := histCursor{horizon: e.nextStamp(stamp{})}
		if err := m.b.Set(scanKey(bucket, r.ID), cur.encode(), nil); err != nil {
			return err
		}
	}
	return nil
}

// dropScanCursors removes every cursor of bucket, in m.
func dropScanCursors(m *mutation, bucket string) error {
	p := scanPrefix(bucket)
	return m.b.DeleteRange(p, prefixEnd(p), nil)
}

// historyPass advances the unfinished cursors by at most ScanPage keys
// in all, one batch per rule; a rule whose page fails is logged and
// tried again at the next pass. It runs under e.repl.mu.
func (e *Engine) historyPass(ctx context.Context) error {
	type ref struct{ bucket, rule string }
	var refs []ref
	it, err := e.db.NewIter(&pebble.IterOptions{LowerBound: []byte(prefixReplScan), UpperBound: prefixEnd([]byte(prefixReplScan))})
	if err != nil {
		return err
	}
	for ok := it.First(); ok; ok = it.Next() {
		v, err := it.ValueAndErr()
		if err != nil {
			it.Close()
			return err
		}
		cur, err := decodeHistCursor(v)
		if err != nil {
			it.Close()
			return err
		}
		if cur.done {
			continue
		}
		b, r, ok := bytes.Cut(it.Key()[len(prefixReplScan):], []byte{0})
		if !ok {
			it.Close()
			return fmt.Errorf("%w: replication scan key %q", ErrCorrupt, it.Key())
		}
		refs = append(refs, ref{string(b), string(r)})
	}
	if err := it.Close(); err != nil {
		return err
	}
	budget := e.opts.Replication.ScanPage
	for _, r := range refs {
		if budget <= 0 {
			break
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := e.historyPage(ctx, r.bucket, r.rule, budget)
		if errors.Is(err, ErrClosed) || ctx.Err() != nil {
			return err
		}
		if err != nil {
			// One rule's failing scan must not stop deliveries: it is
			// retried at the next pass.
			e.opts.Logger.Error("replicating existing objects failed", "bucket", r.bucket, "rule", r.rule, "err", err)
		}
		budget -= max(n, 1)
	}
	return nil
}

// historyPage runs one page of a rule's scan: it queues what the rule
// selects among at most limit keys after the cursor and moves the
// cursor, in one batch. It returns the keys examined.
func (e *Engine) historyPage(ctx context.Context, bucket, ruleID string, limit int) (int, error) {
	examined := 0
	err := e.applyCtx(ctx, func(m *mutation) error {
		k := scanKey(bucket, ruleID)
		v, ok, err := get(e.db, k)
		if err != nil || !ok {
			return err
		}
		cur, err := decodeHistCursor(v)
		if err != nil || cur.done {
			return err
		}
		cfg, rule, err := e.scanRule(e.db, bucket, ruleID)
		if err != nil {
			return err
		}
		if rule == nil {
			return m.b.Delete(k, nil) // the rule went away
		}
		last, done, err := e.scanHistory(e.db, bucket, cur, cfg, rule, limit, func(key string, rec *objectRecord) error {
			rk, _, queued, err := e.findItem(e.db, bucket, key, rec.info.VersionID, rule.Destination.Bucket)
			if err != nil || queued {
				return err
			}
			item := replItem{bucket: bucket, key: key, versionID: rec.info.VersionID,
				dest: rule.Destination.Bucket, storageClass: rule.Destination.StorageClass, rule: ruleID,
				replicaKey: replicaKeyOf(rule, &rec.info), seq: rand.Uint64() | 1}
			// The seq tells this item from one of the same key that a
			// worker still delivers (the bucket deleted and created
			// again meanwhile): that worker's settle leaves it queued.
			item.track(rule, e.now(), false) // S3 RTC's threshold is for new objects
			if err := m.b.Set(rk, item.encode(), nil); err != nil {
				return err
			}
			cur.queued++
			status, err := e.versionReplicationStatus(item, rk, ReplicationPending)
			if err != nil {
				return err
			}
			return e.setReplicationStatus(m, item, status)
		}, &examined)
		if err != nil {
			return err
		}
		if last != "" {
			cur.after = last
		}
		cur.done = done
		cur.pages++
		return m.b.Set(k, cur.encode(), nil)
	})
	if errors.Is(err, ErrNoSuchBucket) {
		return examined, nil
	}
	return examined, err
}

// scanRule reads bucket's replication configuration from r and the rule
// ruleID in it, nil when there is none (or it no longer has
// ExistingObjects).
func (e *Engine) scanRule(r pebble.Reader, bucket, ruleID string) (*bucketconfig.Replication, *bucketconfig.ReplicationRule, error) {
	v, ok, err := get(r, configKey(bucket, ConfigReplication))
	if err != nil || !ok {
		return nil, nil, err
	}
	c, err := bucketconfig.Decode(bucketconfig.KindReplication, v)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: stored replication of %s: %w", ErrCorrupt, bucket, err)
	}
	cfg := c.(*bucketconfig.Replication)
	for i := range cfg.Rules {
		if cfg.Rules[i].ID == ruleID && cfg.Rules[i].ExistingObjects {
			return cfg, &cfg.Rules[i], nil
		}
	}
	return cfg, nil, nil
}

// scanPrefixes returns the disjoint, ascending key prefixes that hold
// every key rule can select.
func scanPrefixes(rule *bucketconfig.ReplicationRule) []string {
	ps := []string{rule.Filter.Prefix}
	if len(rule.Filter.Prefixes) > 0 {
		ps = ps[:0]
		for _, p := range rule.Filter.Prefixes {
			switch {
			case strings.HasPrefix(p, rule.Filter.Prefix):
				ps = append(ps, p)
			case strings.HasPrefix(rule.Filter.Prefix, p):
				ps = append(ps, rule.Filter.Prefix)
			}
		}
	}
	slices.Sort(ps)
	out := ps[:0]
	for _, p := range ps {
		if len(out) == 0 || !strings.HasPrefix(p, out[len(out)-1]) {
			out = append(out, p)
		}
	}
	return out
}

// scanHistory walks, in r, the current versions after cur.after that
// cur's rule selects and that are older than its horizon, calling fn for
// each, until limit keys were examined (limit < 0: no limit; *examined
// counts them). It returns the last key examined and whether the walk
// reached the end.
func (e *Engine) scanHistory(r pebble.Reader, bucket string, cur histCursor, cfg *bucketconfig.Replication,
	rule *bucketconfig.ReplicationRule, limit int, fn func(key string, rec *objectRecord) error, examined *int) (string, bool, error) {
	// In a versioned bucket only versions with an ID replicate; in an
	// unversioned one, every object.
	brec, err := e.bucketRecord(r, bucket)
	if err != nil {
		return "", false, err
	}
	versioned := brec.versioning != VersioningOff
	base := objectPrefix(bucket)
	it, err := r.NewIter(&pebble.IterOptions{LowerBound: base, UpperBound: prefixEnd(base)})
	if err != nil {
		return "", false, err
	}
	defer it.Close()
	var after []byte
	if cur.after != "" {
		after = append(objectKey(bucket, cur.after), 0) // the next key
	}
	last := ""
	for _, p := range scanPrefixes(rule) {
		lo := objectKey(bucket, p)
		hi := prefixEnd(lo)
		if after != nil && hi != nil && bytes.Compare(after, hi) >= 0 {
			continue
		}
		if after != nil && bytes.Compare(after, lo) > 0 {
			lo = after
		}
		for ok := it.SeekGE(lo); ok && (hi == nil || bytes.Compare(it.Key(), hi) < 0); ok = it.Next() {
			if limit >= 0 && *examined >= limit {
				return last, false, it.Error()
			}
			*examined++
			key := string(it.Key()[len(base):])
			last = key
			v, err := it.ValueAndErr()
			if err != nil {
				return last, false, err
			}
			rec, err := decodeObject(v, false)
			if err != nil {
				return last, false, err
			}
			// A version at or after the horizon was queued by its write. An
			// unversioned object's stamp is its modification time, which
			// may equal the horizon's (a clock standing still): such an
			// object is replicated (again), never missed.
			newer := !rec.versionStamp().less(cur.horizon)
			if !versioned {
				newer = cur.horizon.less(rec.versionStamp())
			}
			if rec.info.VersionID == "" && versioned || rec.info.ReplicationStatus == ReplicationReplica ||
				newer || cfg.MatchTo(rule.Destination.Bucket, key, bucketTags(rec.info.Tags), false) != rule ||
				!replicates(rule, &rec.info) {
				continue
			}
			if err := fn(key, &rec); err != nil {
				return last, false, err
			}
		}
		if err := it.Error(); err != nil {
			return last, false, err
		}
	}
	return last, true, nil
}

// HistoricalProgress is how far a rule with ExistingObjects has
// replicated the objects that existed when it was put.
type HistoricalProgress struct {
	// Started: the scan ran its first page.
	Started bool
	// Scanned: the scan examined every key.
	Scanned bool
	// Queued counts the versions the scan queued, Pending those of them
	// still waiting, Remaining the versions it has still to reach.
	Queued, Pending, Remaining int
}

// Done reports whether every existing object was replicated.
func (h HistoricalProgress) Done() bool { return h.Scanned && h.Pending == 0 }

// Fraction is the share of the existing objects replicated, 0 to 1 (1
// only when Done).
func (h HistoricalProgress) Fraction() float64 {
	if h.Done() {
		return 1
	}
	total := h.Queued + h.Remaining
	if total == 0 {
		return 0
	}
	return min(float64(h.Queued-h.Pending)/float64(total), 0.9999)
}

// historicalProgress fills p.Historical from snap: every cursor of
// bucket, pending counts from items (rule ID -> pending).
func (e *Engine) historicalProgress(snap pebble.Reader, bucket string, pending map[string]int, p *ReplicationProgress) error {
	base := scanPrefix(bucket)
	it, err := snap.NewIter(&pebble.IterOptions{LowerBound: base, UpperBound: prefixEnd(base)})
	if err != nil {
		return err
	}
	defer it.Close()
	for ok := it.First(); ok; ok = it.Next() {
		id := string(it.Key()[len(base):])
		v, err := it.ValueAndErr()
		if err != nil {
			return err
		}
		cur, err := decodeHistCursor(v)
		if err != nil {
			return err
		}
		h := HistoricalProgress{Started: cur.pages > 0, Scanned: cur.done, Queued: cur.queued, Pending: pending[id]}
		if !cur.done {
			cfg, rule, err := e.scanRule(snap, bucket, id)
			if err != nil {
				return err
			}
			if rule != nil {
				n := 0
				if _, _, err := e.scanHistory(snap, bucket, cur, cfg, rule, -1, func(key string, rec *objectRecord) error {
					_, _, queued, err := e.findItem(snap, bucket, key, rec.info.VersionID, rule.Destination.Bucket)
					if err == nil && !queued {
						h.Remaining++
					}
					return err
				}, &n); err != nil {
					return err
				}
			}
		}
		if p.Historical == nil {
			p.Historical = map[string]HistoricalProgress{}
		}
		p.Historical[id] = h
	}
	return it.Error()
}
