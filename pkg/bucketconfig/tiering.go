package bucketconfig

import (
	"fmt"
	"time"
)

// IntelligentTiering is a bucket's set of S3 Intelligent-Tiering archive
// configurations (PutBucketIntelligentTieringConfiguration,
// ?intelligent-tiering&id=): each opts the INTELLIGENT_TIERING objects its
// filter selects into the Archive Access and Deep Archive Access tiers
// after a number of days without access. Stored together, sorted by ID.
type IntelligentTiering struct {
	Configurations []TieringConfiguration `json:"configurations"`
}

// TieringConfiguration is one Intelligent-Tiering archive configuration.
type TieringConfiguration struct {
	// ID names the configuration within its bucket.
	ID string `json:"id"`
	// Form is how the filter was written, to render it back as put: ""
	// (no Filter: every object), "Prefix", "Tag" or "And".
	Form string `json:"form,omitempty"`
	// Prefix and Tags are the filter's conditions; an object must meet
	// all of them.
	Prefix string `json:"prefix,omitempty"`
	Tags   []Tag  `json:"tags,omitempty"`
	// Enabled is Status Enabled (Disabled configurations archive
	// nothing).
	Enabled bool `json:"enabled,omitempty"`
	// Tierings are the archive tiers and the days without access after
	// which an object moves to each.
	Tierings []Tiering `json:"tierings"`
}

// Tiering is one archive tier of a configuration.
type Tiering struct {
	// AccessTier is ArchiveAccess or DeepArchiveAccess.
	AccessTier string `json:"tier"`
	// Days without access after which an object moves to the tier.
	Days int `json:"days"`
}

// The archive access tiers, with the days S3 allows for each.
const (
	ArchiveAccess     = "ARCHIVE_ACCESS"
	DeepArchiveAccess = "DEEP_ARCHIVE_ACCESS"
)

// MaxTieringConfigurations is the most configurations a bucket may have
// (S3: 1,000); MaxTieringID the longest ID, in characters (S3: 64).
const (
	MaxTieringConfigurations = 1000
	MaxTieringID             = 64
)

// MinTieringSize is the smallest object the archive tiers take (S3:
// objects under 128 KB stay in the Frequent Access tier).
const MinTieringSize = 128 << 10

// tierDays are the days S3 allows for each archive tier.
var tierDays = map[string][2]int{ArchiveAccess: {90, 730}, DeepArchiveAccess: {180, 730}}

// ValidAccessTier reports whether tier is an archive access tier.
func ValidAccessTier(tier string) bool { _, ok := tierDays[tier]; return ok }

// Kind implements Config.
func (*IntelligentTiering) Kind() Kind { return KindIntelligentTiering }

// Validate implements Config: at most MaxTieringConfigurations
// configurations with unique IDs, sorted by ID, each valid.
func (t *IntelligentTiering) Validate() error {
	if err := checkIDSet("Intelligent-Tiering", t.Configurations, MaxTieringConfigurations); err != nil {
		return err
	}
	for i := range t.Configurations {
		if err := t.Configurations[i].Validate(); err != nil {
			return err
		}
	}
	return nil
}

// Find returns the configuration with id, or nil.
func (t *IntelligentTiering) Find(id string) *TieringConfiguration {
	if t == nil {
		return nil
	}
	i, ok := findID(t.Configurations, id)
	if !ok {
		return nil
	}
	return &t.Configurations[i]
}

// With returns a copy of t (which may be nil) with c added or replacing
// the configuration of the same ID.
func (t *IntelligentTiering) With(c TieringConfiguration) *IntelligentTiering {
	var list []TieringConfiguration
	if t != nil {
		list = t.Configurations
	}
	return &IntelligentTiering{Configurations: withID(list, c)}
}

// Len is the number of configurations.
func (t *IntelligentTiering) Len() int { return len(t.Configurations) }

// Without returns a copy of t without the configuration id, and whether
// it was there.
func (t *IntelligentTiering) Without(id string) (*IntelligentTiering, bool) {
	list, ok := withoutID(t.Configurations, id)
	if !ok {
		return t, false
	}
	return &IntelligentTiering{Configurations: list}, true
}

// Validate reports what is wrong with one configuration, in S3's words
// where they are known.
func (c *TieringConfiguration) Validate() error {
	if err := checkConfigID("Intelligent-Tiering", c.ID, MaxTieringID); err != nil {
		return err
	}
	if err := checkTagFilter("Intelligent-Tiering", c.ID, c.Form, c.Prefix, c.Tags); err != nil {
		return err
	}
	if len(c.Tierings) == 0 {
		return fmt.Errorf("%w: an Intelligent-Tiering configuration needs at least one Tiering", ErrInvalid)
	}
	days := map[string]int{}
	for _, t := range c.Tierings {
		bounds, ok := tierDays[t.AccessTier]
		switch {
		case !ok:
			return fmt.Errorf("%w: unknown access tier %q", ErrInvalid, t.AccessTier)
		case days[t.AccessTier] != 0:
			return fmt.Errorf("%w: the %s tier is named twice", ErrInvalid, t.AccessTier)
		case t.Days < bounds[0]:
			return fmt.Errorf("%w: Days specified in %s tier should not be less than %d.", ErrInvalid, t.AccessTier, bounds[0])
		case t.Days > bounds[1]:
			return fmt.Errorf("%w: Days specified in %s tier should not be more than %d.", ErrInvalid, t.AccessTier, bounds[1])
		}
		days[t.AccessTier] = t.Days
	}
	if a, d := days[ArchiveAccess], days[DeepArchiveAccess]; a != 0 && d != 0 && d <= a {
		return fmt.Errorf("%w: Days specified in %s tier should be more than the days specified in %s tier.", ErrInvalid, DeepArchiveAccess, ArchiveAccess)
	}
	return nil
}

// Selects reports whether c's filter selects an object of key with tags.
func (c *TieringConfiguration) Selects(key string, tags []Tag) bool {
	return tagFilterSelects(c.Prefix, c.Tags, key, tags)
}

// Tier returns the archive tier ("" for none) of an object of key, tags
// and size that has not been accessed for idle, a day lasting day: the
// coldest tier an enabled configuration selecting it has reached.
func (t *IntelligentTiering) Tier(key string, tags []Tag, size int64, idle, day time.Duration) string {
	if t == nil || size < MinTieringSize {
		return ""
	}
	tier := ""
	for i := range t.Configurations {
		c := &t.Configurations[i]
		if !c.Enabled || !c.Selects(key, tags) {
			continue
		}
		for _, ti := range c.Tierings {
			if idle < time.Duration(ti.Days)*day {
				continue
			}
			if ti.AccessTier == DeepArchiveAccess || tier == "" {
				tier = ti.AccessTier
			}
		}
	}
	return tier
}

// Enabled reports whether any configuration of t is enabled.
func (t *IntelligentTiering) Enabled() bool {
	if t == nil {
		return false
	}
	for i := range t.Configurations {
		if t.Configurations[i].Enabled {
			return true
		}
	}
	return false
}
