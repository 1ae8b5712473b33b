package bucketconfig

import (
	"fmt"
	"iter"
	"sync"
	"time"
)

// Analytics is a bucket's set of S3 storage class analysis configurations
// (PutBucketAnalyticsConfiguration, ?analytics&id=): each analyses how the
// objects its filter selects are stored and read, by age, and may export
// each day's figures as CSV rows into a bucket. Stored together, sorted
// by ID.
type Analytics struct {
	Configurations []AnalyticsConfiguration `json:"configurations"`

	// exporting indexes, built on first use, the configurations that
	// export (ruleindex.go); a set is not changed once in use.
	exportingOnce sync.Once
	exporting     *ruleIndex
}

// AnalyticsConfiguration is one storage class analysis configuration.
type AnalyticsConfiguration struct {
	// ID names the configuration within its bucket.
	ID string `json:"id"`
	// Form is how the filter was written, to render it back as put: ""
	// (no Filter: every object), "Prefix", "Tag" or "And".
	Form string `json:"form,omitempty"`
	// Prefix and Tags are the filter's conditions; an object must meet
	// all of them.
	Prefix string `json:"prefix,omitempty"`
	Tags   []Tag  `json:"tags,omitempty"`
	// Export is where each day's analysis goes (nil: S3 keeps it for its
	// console, which osslite has not, so nothing is written).
	Export *AnalyticsExport `json:"export,omitempty"`
}

// AnalyticsExport is a configuration's DataExport: an S3BucketDestination
// of Format CSV and OutputSchemaVersion V_1 (the only values S3 knows).
type AnalyticsExport struct {
	// Bucket is the destination bucket's ARN (arn:aws:s3:::NAME).
	Bucket string `json:"bucket"`
	// AccountID is BucketAccountId, as put.
	AccountID string `json:"account,omitempty"`
	// Prefix, when set, starts the export's key.
	Prefix string `json:"prefix,omitempty"`
}

// MaxAnalyticsConfigurations is the most configurations a bucket may have
// (S3: 1,000); MaxAnalyticsID the longest ID, in characters (S3: 64).
const (
	MaxAnalyticsConfigurations = 1000
	MaxAnalyticsID             = 64
)

// AnalyticsAgeGroups are the age groups of storage class analysis, as
// the export names them, each starting at the day in AnalyticsAgeStarts;
// objects smaller than MinAnalyticsSize are in none of them (only in the
// export's ALL rows).
var (
	AnalyticsAgeGroups = [...]string{"000-014", "015-029", "030-044", "045-059", "060-074", "075-089",
		"090-119", "120-149", "150-179", "180-364", "365-729", "730+"}
	AnalyticsAgeStarts = [...]int{0, 15, 30, 45, 60, 75, 90, 120, 150, 180, 365, 730}
)

// MinAnalyticsSize is the smallest object the age groups count (S3: 128
// KB).
const MinAnalyticsSize = 128 << 10

// AnalyticsAgeGroup returns the index in AnalyticsAgeGroups of an object
// of size that is age old with days lasting day, or -1 for an object
// under MinAnalyticsSize.
func AnalyticsAgeGroup(size int64, age, day time.Duration) int {
	if size < MinAnalyticsSize {
		return -1
	}
	days := int(age / day)
	g := 0
	for g+1 < len(AnalyticsAgeStarts) && days >= AnalyticsAgeStarts[g+1] {
		g++
	}
	return g
}

// Kind implements Config.
func (*Analytics) Kind() Kind { return KindAnalytics }

// Validate implements Config: at most MaxAnalyticsConfigurations
// configurations with unique IDs, sorted by ID, each valid.
func (a *Analytics) Validate() error {
	if err := checkIDSet("analytics", a.Configurations, MaxAnalyticsConfigurations); err != nil {
		return err
	}
	for i := range a.Configurations {
		if err := a.Configurations[i].Validate(); err != nil {
			return err
		}
	}
	return nil
}

// Find returns the configuration with id, or nil.
func (a *Analytics) Find(id string) *AnalyticsConfiguration {
	if a == nil {
		return nil
	}
	i, ok := findID(a.Configurations, id)
	if !ok {
		return nil
	}
	return &a.Configurations[i]
}

// With returns a copy of a (which may be nil) with c added or replacing
// the configuration of the same ID.
func (a *Analytics) With(c AnalyticsConfiguration) *Analytics {
	var list []AnalyticsConfiguration
	if a != nil {
		list = a.Configurations
	}
	return &Analytics{Configurations: withID(list, c)}
}

// Len is the number of configurations.
func (a *Analytics) Len() int { return len(a.Configurations) }

// Without returns a copy of a without the configuration id, and whether
// it was there.
func (a *Analytics) Without(id string) (*Analytics, bool) {
	list, ok := withoutID(a.Configurations, id)
	if !ok {
		return a, false
	}
	return &Analytics{Configurations: list}, true
}

// Exports reports whether any configuration of a exports its analysis.
func (a *Analytics) Exports() bool {
	if a == nil {
		return false
	}
	for i := range a.Configurations {
		if a.Configurations[i].Export != nil {
			return true
		}
	}
	return false
}

// counting returns the index of a's exporting configurations, building
// it the first time.
func (a *Analytics) counting() *ruleIndex {
	a.exportingOnce.Do(func() {
		var entries []indexEntry
		for i := range a.Configurations {
			if c := &a.Configurations[i]; c.Export != nil {
				entries = append(entries, indexEntry{i: int32(i), prefix: c.Prefix, tags: c.Tags})
			}
		}
		a.exporting = newRuleIndex(entries)
	})
	return a.exporting
}

// NeedsTags reports whether finding the configurations that count an
// object of key needs the object's tags: some exporting configuration
// whose prefix starts key has a tag condition.
func (a *Analytics) NeedsTags(key string) bool {
	return a.counting().tagsMatter(key)
}

// Counting yields the configurations that export and whose filter
// selects an object of key with tags (only looked at when NeedsTags), in
// the set's order: what a scan of every exporting configuration with
// Selects finds, at the cost of those whose prefix starts key and whose
// tag conditions the object may meet (ruleindex.go).
func (a *Analytics) Counting(key string, tags []Tag) iter.Seq[*AnalyticsConfiguration] {
	return func(yield func(*AnalyticsConfiguration) bool) {
		var buf [16]int32
		for _, i := range a.counting().candidates(key, true, tags, buf[:0]) {
			if c := &a.Configurations[i]; c.Selects(key, tags) && !yield(c) {
				return
			}
		}
	}
}

// Validate reports what is wrong with one configuration.
func (c *AnalyticsConfiguration) Validate() error {
	if err := checkConfigID("analytics", c.ID, MaxAnalyticsID); err != nil {
		return err
	}
	if err := checkTagFilter("analytics", c.ID, c.Form, c.Prefix, c.Tags); err != nil {
		return err
	}
	if x := c.Export; x != nil {
		if _, ok := BucketFromARN(x.Bucket); !ok {
			return fmt.Errorf("%w: the analytics export destination %q is not a bucket ARN (arn:aws:s3:::NAME)", ErrInvalid, x.Bucket)
		}
		if len(x.Prefix) > 512 {
			return fmt.Errorf("%w: an analytics export prefix of %d bytes (at most 512)", ErrInvalid, len(x.Prefix))
		}
	}
	return nil
}

// DestinationBucket is the name of the export's destination bucket ("" for
// a configuration that does not export).
func (c *AnalyticsConfiguration) DestinationBucket() string {
	if c.Export == nil {
		return ""
	}
	b, _ := BucketFromARN(c.Export.Bucket)
	return b
}

// Selects reports whether c's filter selects an object of key with tags.
func (c *AnalyticsConfiguration) Selects(key string, tags []Tag) bool {
	return tagFilterSelects(c.Prefix, c.Tags, key, tags)
}
