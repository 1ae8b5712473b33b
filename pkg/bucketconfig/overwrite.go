package bucketconfig

import (
	"fmt"
	"strings"
)

// Overwrite limits (OSS PutBucketOverwriteConfig).
const (
	// MaxOverwriteRules is the most rules a bucket's overwrite protection
	// holds.
	MaxOverwriteRules = 100
	// MaxOverwriteAffix is the longest Prefix or Suffix of a rule.
	MaxOverwriteAffix = 1023
)

// Overwrite is OSS's overwrite protection of a bucket: a write that would
// replace an existing object is refused when any rule matches it.
type Overwrite struct {
	Rules []OverwriteRule `json:"rules"`
}

// OverwriteRule matches a write when every filter it has matches: the
// key starts with Prefix and ends with Suffix, and the writer is one of
// Principals (any writer when the list is empty).
type OverwriteRule struct {
	ID string `json:"id"`
	// Action is what a match does; "forbid" is the only one.
	Action string `json:"action"`
	Prefix string `json:"prefix,omitempty"`
	Suffix string `json:"suffix,omitempty"`
	// Principals are the writers the rule binds, as a bucket policy names
	// them (an OSS UID, a RAM user's ID); one "*" in an entry stands for
	// any run of characters.
	Principals []string `json:"principals,omitempty"`
}

// Kind implements Config.
func (*Overwrite) Kind() Kind { return KindOverwrite }

// Validate implements Config: 1 to MaxOverwriteRules rules, IDs unique
// and not empty, Action "forbid", Prefix and Suffix at most
// MaxOverwriteAffix bytes.
func (o *Overwrite) Validate() error {
	if len(o.Rules) == 0 || len(o.Rules) > MaxOverwriteRules {
		return fmt.Errorf("%w: %d overwrite rules, 1 to %d allowed", ErrInvalid, len(o.Rules), MaxOverwriteRules)
	}
	seen := make(map[string]bool, len(o.Rules))
	for _, r := range o.Rules {
		switch {
		case r.ID == "":
			return fmt.Errorf("%w: overwrite rule without an ID", ErrInvalid)
		case seen[r.ID]:
			return fmt.Errorf("%w: overwrite rule ID %q used twice", ErrInvalid, r.ID)
		case r.Action != "forbid":
			return fmt.Errorf("%w: overwrite rule action %q", ErrInvalid, r.Action)
		case len(r.Prefix) > MaxOverwriteAffix || len(r.Suffix) > MaxOverwriteAffix:
			return fmt.Errorf("%w: overwrite rule prefix or suffix over %d bytes", ErrInvalid, MaxOverwriteAffix)
		}
		seen[r.ID] = true
	}
	return nil
}

// Forbids reports whether a rule refuses to let the writer, known by
// any of ids (empty for an anonymous writer), replace key.
func (o *Overwrite) Forbids(key string, ids ...string) bool {
	for _, r := range o.Rules {
		if r.matches(key, ids) {
			return true
		}
	}
	return false
}

func (r *OverwriteRule) matches(key string, ids []string) bool {
	if !strings.HasPrefix(key, r.Prefix) || !strings.HasSuffix(key, r.Suffix) {
		return false
	}
	if len(r.Principals) == 0 {
		return true
	}
	for _, p := range r.Principals {
		if p == "*" {
			return true
		}
		for _, id := range ids {
			if id != "" && WildcardMatch(p, id, false) {
				return true
			}
		}
	}
	return false
}
