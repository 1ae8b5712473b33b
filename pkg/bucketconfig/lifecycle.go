package bucketconfig

import (
	"fmt"
	"iter"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Lifecycle is a bucket's lifecycle configuration: rules that expire,
// transition and clean up objects as they age (S3
// PutBucketLifecycleConfiguration, OSS PutBucketLifecycle).
type Lifecycle struct {
	Rules []LifecycleRule `json:"rules"`
	// TransitionMinimum is S3's default minimum object size for
	// transitions (x-amz-transition-default-minimum-object-size):
	// TransitionMinimumAll128K, TransitionMinimumByClass, or "" for none
	// (OSS, and S3 configurations stored before it was kept).
	TransitionMinimum string `json:"transitionMinimum,omitempty"`

	// index holds, built on first use, an index of the enabled rules of
	// each RuleSet (ruleindex.go). A configuration is not changed once
	// it is in use (the engine caches it decoded and shares it).
	index [ruleSets]struct {
		once sync.Once
		x    *ruleIndex
	}
}

// RuleSet names the rules of a lifecycle configuration with one kind of
// action, for Selecting.
type RuleSet int

const (
	// RulesExpiring have an Expiration of current versions (not the
	// removal of expired object delete markers).
	RulesExpiring RuleSet = iota
	// RulesTransitioning have Transitions.
	RulesTransitioning
	// RulesNoncurrentExpiring have a NoncurrentExpiration.
	RulesNoncurrentExpiring
	// RulesNoncurrentTransitioning have NoncurrentTransitions.
	RulesNoncurrentTransitioning
	// RulesRemovingMarkers remove expired object delete markers.
	RulesRemovingMarkers
	ruleSets
)

// has reports whether rule r is in the set.
func (s RuleSet) has(r *LifecycleRule) bool {
	switch s {
	case RulesExpiring:
		return r.Expiration != nil && !r.Expiration.ExpiredObjectDeleteMarker
	case RulesTransitioning:
		return len(r.Transitions) > 0
	case RulesNoncurrentExpiring:
		return r.NoncurrentExpiration != nil
	case RulesNoncurrentTransitioning:
		return len(r.NoncurrentTransitions) > 0
	case RulesRemovingMarkers:
		return r.Expiration != nil && r.Expiration.ExpiredObjectDeleteMarker
	}
	return false
}

// rulesIndex returns the index of the enabled rules of set, building it
// the first time.
func (l *Lifecycle) rulesIndex(set RuleSet) *ruleIndex {
	ix := &l.index[set]
	ix.once.Do(func() {
		var entries []indexEntry
		for i := range l.Rules {
			if r := &l.Rules[i]; r.Enabled && set.has(r) {
				entries = append(entries, indexEntry{i: int32(i), prefix: r.Filter.Prefix, tags: r.Filter.Tags})
			}
		}
		ix.x = newRuleIndex(entries)
	})
	return ix.x
}

// selecting appends to dst the positions of the rules of set that select
// o, in the configuration's order.
func (l *Lifecycle) selecting(o ObjectFacts, set RuleSet, dst []int32) []int32 {
	x := l.rulesIndex(set)
	if x.few {
		// Each rule is tested, as a scan does; copying them all to dst
		// first and filtering it cost a request a tenth more.
		for _, i := range x.scan {
			if l.Rules[i].Matches(o) {
				dst = append(dst, i)
			}
		}
		return dst
	}
	dst = x.candidates(o.Key, true, o.Tags, dst)
	n := 0
	for _, i := range dst {
		if l.Rules[i].Matches(o) {
			dst[n] = i
			n++
		}
	}
	return dst[:n]
}

// Selecting yields the enabled rules of set that select o, in the
// configuration's order: what a scan of every rule with Matches finds,
// at the cost of the rules whose prefix starts o's key and whose tag
// conditions o may meet (ruleindex.go), not of every rule.
func (l *Lifecycle) Selecting(o ObjectFacts, set RuleSet) iter.Seq[*LifecycleRule] {
	return func(yield func(*LifecycleRule) bool) {
		var buf [16]int32
		for _, i := range l.selecting(o, set, buf[:0]) {
			if !yield(&l.Rules[i]) {
				return
			}
		}
	}
}

// S3's default minimum object sizes for transitions.
const (
	// TransitionMinimumAll128K: an object smaller than
	// TransitionSmallObject moves to no class (S3's default since
	// September 2024).
	TransitionMinimumAll128K = "all_storage_classes_128K"
	// TransitionMinimumByClass: an object smaller than
	// TransitionSmallObject moves only to GLACIER or DEEP_ARCHIVE (S3's
	// earlier default).
	TransitionMinimumByClass = "varies_by_storage_class"
	// TransitionSmallObject is the size, in bytes, below which the
	// default minimum holds back a transition (S3's 128 KB).
	TransitionSmallObject = 128 << 10
)

// TransitionAllowed reports whether rule r may move an object of size
// bytes to class under the configuration's default minimum object size.
// A rule with its own size bound (ObjectSizeGreaterThan or
// ObjectSizeLessThan) is not held back: S3's custom filters take
// precedence over the default.
func (lc *Lifecycle) TransitionAllowed(r *LifecycleRule, class string, size int64) bool {
	if size >= TransitionSmallObject || r.Filter.SizeGreaterThan > 0 || r.Filter.SizeLessThan > 0 {
		return true
	}
	switch lc.TransitionMinimum {
	case TransitionMinimumAll128K:
		return false
	case TransitionMinimumByClass:
		return class == "GLACIER" || class == "DEEP_ARCHIVE"
	}
	return true
}

// LifecycleRule is one rule. A rule applies to the objects its filter
// selects; each action is due a number of days after an object's
// creation (or after it became noncurrent) or from a date on.
type LifecycleRule struct {
	ID      string          `json:"id,omitempty"`
	Enabled bool            `json:"enabled"`
	Filter  LifecycleFilter `json:"filter"`
	// LegacyPrefix says the rule was put with S3's deprecated top-level
	// Prefix (the API before Filter) instead of a Filter, with
	// Filter.Prefix its only condition. S3 answers GET with each rule in
	// the form it was put, and clients compare what they read with what
	// they wrote. Records stored before this field decode as false, the
	// Filter form they were rendered in.
	LegacyPrefix bool `json:"legacyPrefix,omitempty"`
	// EmptyFilter says the rule was put with a Filter holding no
	// condition (S3's <Filter/>, every object), which S3 reads back as
	// an empty Filter rather than one with an empty Prefix.
	EmptyFilter bool `json:"emptyFilter,omitempty"`
	// Expiration deletes the current version (a delete marker in a
	// versioned bucket).
	Expiration *LifecycleExpiration `json:"expiration,omitempty"`
	// Transitions change the storage class of current versions.
	Transitions []LifecycleTransition `json:"transitions,omitempty"`
	// NoncurrentExpiration and NoncurrentTransitions act on noncurrent
	// versions, counting days from when a version became noncurrent.
	NoncurrentExpiration  *NoncurrentExpiration `json:"noncurrentExpiration,omitempty"`
	NoncurrentTransitions []LifecycleTransition `json:"noncurrentTransitions,omitempty"`
	// AbortUploads aborts incomplete multipart uploads.
	AbortUploads *LifecycleAbort `json:"abortUploads,omitempty"`
}

// LifecycleFilter selects objects: all of its conditions hold.
type LifecycleFilter struct {
	Prefix string `json:"prefix,omitempty"`
	Tags   []Tag  `json:"tags,omitempty"`
	// SizeGreaterThan and SizeLessThan bound the object size in bytes
	// (0: no bound).
	SizeGreaterThan int64 `json:"sizeGreaterThan,omitempty"`
	SizeLessThan    int64 `json:"sizeLessThan,omitempty"`
	// Not (OSS) excludes the objects any of its entries selects.
	Not []LifecycleNot `json:"not,omitempty"`
}

// LifecycleNot selects objects a rule excludes: those with Prefix and,
// when Tag is set, that tag.
type LifecycleNot struct {
	Prefix string `json:"prefix,omitempty"`
	Tag    *Tag   `json:"tag,omitempty"`
}

// LifecycleExpiration is when current versions expire: Days after
// creation, or from Date on (objects created before it, OSS's
// CreatedBeforeDate), or, with ExpiredObjectDeleteMarker, the removal of
// delete markers that no longer hide any version.
type LifecycleExpiration struct {
	Days int        `json:"days,omitempty"`
	Date *time.Time `json:"date,omitempty"`
	// CreatedBefore (OSS's CreatedBeforeDate) selects the objects last
	// modified before it: they are due at once.
	CreatedBefore             *time.Time `json:"createdBefore,omitempty"`
	ExpiredObjectDeleteMarker bool       `json:"expiredObjectDeleteMarker,omitempty"`
	// Inert says the expiration was put with neither Days nor Date and
	// without ExpiredObjectDeleteMarker true, which S3 takes (an empty
	// Expiration, or ExpiredObjectDeleteMarker false alone): it expires
	// nothing. Days is 0 then, and Date and CreatedBefore are nil.
	Inert bool `json:"inert,omitempty"`
	// MarkerFalse keeps an ExpiredObjectDeleteMarker put as false, so
	// that the rule reads back as it was put.
	MarkerFalse bool `json:"markerFalse,omitempty"`
}

// LifecycleTransition moves objects to StorageClass Days after creation
// (noncurrent: after becoming noncurrent) or from Date on.
type LifecycleTransition struct {
	Days          int        `json:"days,omitempty"`
	Date          *time.Time `json:"date,omitempty"`
	CreatedBefore *time.Time `json:"createdBefore,omitempty"`
	StorageClass  string     `json:"storageClass"`
	// ZeroDays says the transition was put with Days 0, which S3 allows
	// for its archive and tiering classes: the transition is due at the
	// first midnight UTC after creation. Days is 0 then, and Date and
	// CreatedBefore are nil.
	ZeroDays bool `json:"zeroDays,omitempty"`
	// NewerNoncurrent (noncurrent transitions) keeps this many newer
	// noncurrent versions in their class.
	NewerNoncurrent int `json:"newerNoncurrent,omitempty"`
	// AccessTime (OSS's IsAccessTime) counts Days from the object's last
	// access, which the bucket's access tracking records (AccessMonitor),
	// instead of from its creation. ReturnToStd (ReturnToStdWhenVisit)
	// moves an object such a rule transitioned back to Standard when it is
	// read; AllowSmallFile lets the rule move objects under
	// SmallFileSize, which it otherwise leaves. Each is kept as sent
	// (nil: absent) so that the rule reads back as it was put.
	AccessTime     *bool `json:"accessTime,omitempty"`
	ReturnToStd    *bool `json:"returnToStd,omitempty"`
	AllowSmallFile *bool `json:"allowSmallFile,omitempty"`
}

// SmallFileSize is the size under which a transition by last access
// leaves an object alone unless AllowSmallFile (OSS: 64 KB).
const SmallFileSize = 64 << 10

// ByAccess reports whether the transition counts from the last access.
func (t *LifecycleTransition) ByAccess() bool { return t.AccessTime != nil && *t.AccessTime }

// Moves reports whether a transition by last access applies to an
// object of size bytes (a transition by creation applies to any).
func (t *LifecycleTransition) Moves(size int64) bool {
	return !t.ByAccess() || size >= SmallFileSize || t.AllowSmallFile != nil && *t.AllowSmallFile
}

// UsesAccessTime reports whether any rule counts from last access, which
// needs the bucket's access tracking on.
func (l *Lifecycle) UsesAccessTime() bool {
	for i := range l.Rules {
		if l.Rules[i].ByAccess() {
			return true
		}
	}
	return false
}

// ByAccess reports whether a transition of the rule, current or
// noncurrent, counts from last access.
func (r *LifecycleRule) ByAccess() bool {
	for _, ts := range [][]LifecycleTransition{r.Transitions, r.NoncurrentTransitions} {
		for j := range ts {
			if ts[j].ByAccess() {
				return true
			}
		}
	}
	return false
}

// NoncurrentExpiration deletes noncurrent versions Days after they
// became noncurrent, keeping the NewerNoncurrent newest ones.
type NoncurrentExpiration struct {
	Days            int `json:"days"`
	NewerNoncurrent int `json:"newerNoncurrent,omitempty"`
}

// LifecycleAbort aborts multipart uploads Days after they were initiated,
// or those initiated before Date (OSS's CreatedBeforeDate).
type LifecycleAbort struct {
	Days          int        `json:"days,omitempty"`
	CreatedBefore *time.Time `json:"createdBefore,omitempty"`
}

// MaxLifecycleRules is the most rules a configuration may hold (S3 and
// OSS: 1000).
const MaxLifecycleRules = 1000

// Kind implements Config.
func (*Lifecycle) Kind() Kind { return KindLifecycle }

// Validate implements Config.
func (l *Lifecycle) Validate() error {
	if len(l.Rules) == 0 {
		return fmt.Errorf("%w: a lifecycle configuration needs at least one rule", ErrInvalid)
	}
	if len(l.Rules) > MaxLifecycleRules {
		return fmt.Errorf("%w: %d lifecycle rules, at most %d", ErrInvalid, len(l.Rules), MaxLifecycleRules)
	}
	ids := map[string]bool{}
	for i := range l.Rules {
		r := &l.Rules[i]
		if utf8.RuneCountInString(r.ID) > 255 {
			return fmt.Errorf("%w: rule ID %q is longer than 255 characters", ErrInvalid, r.ID)
		}
		if r.ID != "" && ids[r.ID] {
			return fmt.Errorf("%w: rule ID %q is not unique", ErrInvalid, r.ID)
		}
		ids[r.ID] = true
		if err := r.validate(); err != nil {
			return fmt.Errorf("%w: rule %q: %w", ErrInvalid, r.ID, err)
		}
	}
	return nil
}

func (r *LifecycleRule) validate() error {
	if r.Expiration == nil && len(r.Transitions) == 0 && r.NoncurrentExpiration == nil &&
		len(r.NoncurrentTransitions) == 0 && r.AbortUploads == nil {
		return fmt.Errorf("at least one action is needed")
	}
	f := r.Filter
	if r.LegacyPrefix && !f.prefixOnly() {
		return fmt.Errorf("a rule with a top-level Prefix cannot have other filter conditions")
	}
	if f.SizeGreaterThan < 0 || f.SizeLessThan < 0 || f.SizeLessThan > 0 && f.SizeLessThan <= f.SizeGreaterThan {
		return fmt.Errorf("ObjectSizeLessThan must be greater than ObjectSizeGreaterThan")
	}
	for _, n := range f.Not {
		if n.Prefix == "" && n.Tag == nil {
			return fmt.Errorf("a Not filter needs a Prefix or a Tag")
		}
	}
	seen := map[string]bool{}
	for _, t := range f.Tags {
		if t.Key == "" || seen[t.Key] {
			return fmt.Errorf("filter tag keys must be non-empty and unique")
		}
		seen[t.Key] = true
	}
	if e := r.Expiration; e != nil {
		if e.ExpiredObjectDeleteMarker || e.Inert {
			if e.Days != 0 || e.Date != nil || e.CreatedBefore != nil {
				return fmt.Errorf("ExpiredObjectDeleteMarker cannot be combined with Days or Date")
			}
		} else if err := when(e.Days, e.Date, e.CreatedBefore); err != nil {
			return fmt.Errorf("Expiration: %w", err)
		}
		if e.ExpiredObjectDeleteMarker && len(f.Tags) > 0 {
			return fmt.Errorf("ExpiredObjectDeleteMarker cannot be combined with a tag filter")
		}
	}
	for _, t := range r.Transitions {
		if t.ZeroDays {
			if t.Days != 0 || t.Date != nil || t.CreatedBefore != nil {
				return fmt.Errorf("Transition: give exactly one of Days, Date and CreatedBeforeDate")
			}
		} else if err := when(t.Days, t.Date, t.CreatedBefore); err != nil {
			return fmt.Errorf("Transition: %w", err)
		}
		if t.StorageClass == "" {
			return fmt.Errorf("Transition needs a StorageClass")
		}
		if t.ByAccess() && t.Days <= 0 {
			return fmt.Errorf("a Transition by last access time needs Days")
		}
		if e := r.Expiration; e != nil && e.Days > 0 && t.Days >= e.Days {
			return fmt.Errorf("Days in the Expiration action must be greater than Days in the Transition action")
		}
	}
	if ne := r.NoncurrentExpiration; ne != nil && (ne.Days <= 0 || ne.NewerNoncurrent < 0 || ne.NewerNoncurrent > 100) {
		return fmt.Errorf("NoncurrentDays must be positive and NewerNoncurrentVersions at most 100")
	}
	for _, ts := range [][]LifecycleTransition{r.Transitions, r.NoncurrentTransitions} {
		for i := range ts {
			for j := range i {
				if ts[i].StorageClass == ts[j].StorageClass {
					return fmt.Errorf("'StorageClass' must be different for the transitions of one rule (%s twice)", ts[i].StorageClass)
				}
			}
		}
	}
	for _, t := range r.NoncurrentTransitions {
		if t.ZeroDays && t.Days != 0 || !t.ZeroDays && t.Days <= 0 || t.Date != nil || t.CreatedBefore != nil || t.StorageClass == "" || t.NewerNoncurrent < 0 || t.NewerNoncurrent > 100 {
			return fmt.Errorf("NoncurrentVersionTransition needs positive NoncurrentDays and a StorageClass")
		}
	}
	if a := r.AbortUploads; a != nil {
		if err := when(a.Days, nil, a.CreatedBefore); err != nil {
			return fmt.Errorf("AbortIncompleteMultipartUpload: %w", err)
		}
		if len(f.Tags) > 0 {
			return fmt.Errorf("AbortIncompleteMultipartUpload cannot be combined with a tag filter")
		}
	}
	return nil
}

// when checks that exactly one of a positive day count, a date and a
// created-before date is given, dates at midnight UTC.
func when(days int, date, before *time.Time) error {
	n := 0
	for _, set := range []bool{days != 0, date != nil, before != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return fmt.Errorf("give exactly one of Days, Date and CreatedBeforeDate")
	}
	for _, d := range []*time.Time{date, before} {
		if d == nil {
			continue
		}
		if u := d.UTC(); u.Hour() != 0 || u.Minute() != 0 || u.Second() != 0 || u.Nanosecond() != 0 {
			return fmt.Errorf("a date must be at midnight UTC")
		}
	}
	if days < 0 || n == 1 && date == nil && before == nil && days == 0 {
		return fmt.Errorf("Days must be a positive integer")
	}
	return nil
}

// Due is when the transition is due for an object created (or, counting
// from last access, last read) at base; ok is false when it never
// applies to the object.
func (t *LifecycleTransition) Due(base time.Time, day time.Duration) (time.Time, bool) {
	if t.ZeroDays {
		return DueAt(base, 0, day), true
	}
	return ActionDue(t.Days, t.Date, t.CreatedBefore, base, day)
}

// ActionDue is when an action given by days, date or created-before date
// is due for an object created at created; ok is false when it never
// applies to the object (created on or after the created-before date).
func ActionDue(days int, date, before *time.Time, created time.Time, day time.Duration) (time.Time, bool) {
	switch {
	case date != nil:
		return *date, true
	case before != nil:
		return created, created.Before(*before)
	case days > 0:
		return DueAt(created, days, day), true
	}
	return time.Time{}, false
}

// ObjectFacts is what a lifecycle filter looks at.
type ObjectFacts struct {
	Key  string
	Size int64
	Tags []Tag
}

// Matches reports whether the rule is enabled and selects the object.
func (r *LifecycleRule) Matches(o ObjectFacts) bool {
	f := r.Filter
	if !r.Enabled || !strings.HasPrefix(o.Key, f.Prefix) {
		return false
	}
	if f.SizeGreaterThan > 0 && o.Size <= f.SizeGreaterThan || f.SizeLessThan > 0 && o.Size >= f.SizeLessThan {
		return false
	}
	for _, want := range f.Tags {
		if !hasTag(o.Tags, want) {
			return false
		}
	}
	for _, n := range f.Not {
		if strings.HasPrefix(o.Key, n.Prefix) && (n.Tag == nil || hasTag(o.Tags, *n.Tag)) {
			return false
		}
	}
	return true
}

func hasTag(tags []Tag, want Tag) bool {
	for _, t := range tags {
		if t.Key == want.Key && t.Value == want.Value {
			return true
		}
	}
	return false
}

// DueAt is when an action of days days counted from t is due. With a day
// of 24 hours it follows S3: t plus the days, rounded up to the next
// midnight UTC. Another day length (a debug setting that shortens a
// lifecycle day, as Ceph RGW's rgw_lc_debug_interval does) is t plus
// days such days.
func DueAt(t time.Time, days int, day time.Duration) time.Time {
	if day != 24*time.Hour {
		return t.Add(time.Duration(days) * day)
	}
	d := t.UTC().AddDate(0, 0, days)
	mid := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	if mid.Before(d) {
		mid = mid.AddDate(0, 0, 1)
	}
	return mid
}

// AbortOf returns when an upload of key initiated at initiated becomes
// eligible for abort under the configuration's enabled
// AbortIncompleteMultipartUpload rules with Days (the earliest), and the
// rule's ID, for S3's x-amz-abort-date and x-amz-abort-rule-id; ok is
// false when no rule aborts it. A rule covers the uploads under its
// prefix, as the engine's lifecycle pass aborts them: an upload has no
// size or tags for the rest of a filter to select by.
func (l *Lifecycle) AbortOf(key string, initiated time.Time, day time.Duration) (at time.Time, ruleID string, ok bool) {
	for i := range l.Rules {
		r := &l.Rules[i]
		a := r.AbortUploads
		if a == nil || a.Days <= 0 || !r.Enabled || !strings.HasPrefix(key, r.Filter.Prefix) {
			continue
		}
		if due := DueAt(initiated, a.Days, day); !ok || due.Before(at) {
			at, ruleID, ok = due, r.ID, true
		}
	}
	return at, ruleID, ok
}

// ExpiryOf returns when the object expires under the configuration's
// expiration rules (the earliest), and the rule's ID, for the
// x-amz-expiration header; ok is false when no rule expires it.
//
// It looks only at the rules an index finds for the object (Selecting),
// so a request pays for the rules that may select it, not for every rule.
func (l *Lifecycle) ExpiryOf(o ObjectFacts, created time.Time, day time.Duration) (at time.Time, ruleID string, ok bool) {
	var buf [16]int32
	for _, i := range l.selecting(o, RulesExpiring, buf[:0]) {
		r := &l.Rules[i]
		e := r.Expiration
		due, applies := ActionDue(e.Days, e.Date, e.CreatedBefore, created, day)
		if !applies {
			continue
		}
		if !ok || due.Before(at) {
			at, ruleID, ok = due, r.ID, true
		}
	}
	return at, ruleID, ok
}

// ossColdness orders OSS's storage classes from warm to cold, for the
// rule that an object reaches a colder class later than a warmer one.
var ossColdness = map[string]int{"Standard": 0, "IA": 1, "Archive": 2, "ColdArchive": 3, "DeepColdArchive": 4}

// CheckOSSOverlaps refuses what OSS refuses among rules whose prefixes
// overlap (one starts with the other) and that select by prefix alone:
// two rules with the same prefix; the same action in both (expiration,
// noncurrent expiration, aborting uploads, a transition to the same
// class) unless sameActionOK, OSS's x-oss-allow-same-action-overlap;
// and actions out of order across them or within one rule: an object
// reaching a colder class no later than a warmer one, or expiring no
// later than a transition (day counts only).
func (l *Lifecycle) CheckOSSOverlaps(sameActionOK bool) error {
	for i := range l.Rules {
		a := &l.Rules[i]
		if !a.Filter.prefixOnly() {
			continue
		}
		if err := ossOrder(a, a); err != nil {
			return fmt.Errorf("%w: rule %q: %w", ErrInvalid, a.ID, err)
		}
		for j := i + 1; j < len(l.Rules); j++ {
			b := &l.Rules[j]
			if !b.Filter.prefixOnly() || !strings.HasPrefix(a.Filter.Prefix, b.Filter.Prefix) && !strings.HasPrefix(b.Filter.Prefix, a.Filter.Prefix) {
				continue
			}
			if a.Filter.Prefix == b.Filter.Prefix {
				return fmt.Errorf("%w: rules %q and %q have the same prefix %q", ErrInvalid, a.ID, b.ID, a.Filter.Prefix)
			}
			if !sameActionOK {
				if act, ok := sharedAction(a, b); ok {
					return fmt.Errorf("%w: rules %q and %q have overlapping prefixes and the same action %s", ErrInvalid, a.ID, b.ID, act)
				}
			}
			for _, pair := range [][2]*LifecycleRule{{a, b}, {b, a}} {
				if err := ossOrder(pair[0], pair[1]); err != nil {
					return fmt.Errorf("%w: rules %q and %q have overlapping prefixes: %w", ErrInvalid, a.ID, b.ID, err)
				}
			}
		}
	}
	return nil
}

func (f *LifecycleFilter) prefixOnly() bool {
	return len(f.Tags) == 0 && len(f.Not) == 0 && f.SizeGreaterThan == 0 && f.SizeLessThan == 0
}

// sharedAction names an action both rules take.
func sharedAction(a, b *LifecycleRule) (string, bool) {
	switch {
	case a.Expiration != nil && b.Expiration != nil:
		return "Expiration", true
	case a.NoncurrentExpiration != nil && b.NoncurrentExpiration != nil:
		return "NoncurrentVersionExpiration", true
	case a.AbortUploads != nil && b.AbortUploads != nil:
		return "AbortMultipartUpload", true
	}
	for _, ta := range a.Transitions {
		for _, tb := range b.Transitions {
			if ta.StorageClass == tb.StorageClass {
				return "Transition to " + ta.StorageClass, true
			}
		}
	}
	for _, ta := range a.NoncurrentTransitions {
		for _, tb := range b.NoncurrentTransitions {
			if ta.StorageClass == tb.StorageClass {
				return "NoncurrentVersionTransition to " + ta.StorageClass, true
			}
		}
	}
	return "", false
}

// ossOrder checks a's transitions against b's: a colder class is
// reached later, and b's expiration comes after a's transitions (current
// and noncurrent versions alike, day counts only).
func ossOrder(a, b *LifecycleRule) error {
	order := func(ta, tb []LifecycleTransition, expiry int) error {
		for _, x := range ta {
			if x.Days == 0 {
				continue
			}
			for _, y := range tb {
				cx, okx := ossColdness[x.StorageClass]
				cy, oky := ossColdness[y.StorageClass]
				if y.Days != 0 && okx && oky && cy > cx && y.Days <= x.Days {
					return fmt.Errorf("the transition to %s after %d days must come later than the transition to %s after %d days", y.StorageClass, y.Days, x.StorageClass, x.Days)
				}
			}
			if expiry != 0 && expiry <= x.Days {
				return fmt.Errorf("the expiration after %d days must come later than the transition to %s after %d days", expiry, x.StorageClass, x.Days)
			}
		}
		return nil
	}
	expiry := 0
	if b.Expiration != nil {
		expiry = b.Expiration.Days
	}
	if err := order(a.Transitions, b.Transitions, expiry); err != nil {
		return err
	}
	expiry = 0
	if b.NoncurrentExpiration != nil {
		expiry = b.NoncurrentExpiration.Days
	}
	return order(a.NoncurrentTransitions, b.NoncurrentTransitions, expiry)
}
