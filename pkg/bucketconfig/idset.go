package bucketconfig

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Configurations a bucket holds several of (inventory reports, request
// metrics, Intelligent-Tiering archive settings, storage class analyses),
// each addressed by an ID, are stored together and kept sorted by ID.
// These helpers are shared by their sets.

// idConfig is one configuration of such a set.
type idConfig interface{ configID() string }

func (c InventoryConfiguration) configID() string { return c.ID }
func (c MetricsConfiguration) configID() string   { return c.ID }
func (c TieringConfiguration) configID() string   { return c.ID }
func (c AnalyticsConfiguration) configID() string { return c.ID }

// findID returns the index of the configuration with id in list, or where
// it would go, and whether it is there.
func findID[T idConfig](list []T, id string) (int, bool) {
	return slices.BinarySearchFunc(list, id, func(c T, id string) int { return strings.Compare(c.configID(), id) })
}

// withID returns a copy of list with c added, or replacing the
// configuration of the same ID.
func withID[T idConfig](list []T, c T) []T {
	out := slices.Clone(list)
	if i, ok := findID(out, c.configID()); ok {
		out[i] = c
	} else {
		out = slices.Insert(out, i, c)
	}
	return out
}

// withoutID returns a copy of list without the configuration id, and
// whether it was there.
func withoutID[T idConfig](list []T, id string) ([]T, bool) {
	i, ok := findID(list, id)
	if !ok {
		return list, false
	}
	return slices.Delete(slices.Clone(list), i, i+1), true
}

// checkIDSet checks a stored set: at most max configurations, sorted by
// unique ID.
func checkIDSet[T idConfig](what string, list []T, max int) error {
	if len(list) > max {
		return fmt.Errorf("%w: %d %s configurations, at most %d", ErrInvalid, len(list), what, max)
	}
	for i := 1; i < len(list); i++ {
		if list[i-1].configID() >= list[i].configID() {
			return fmt.Errorf("%w: %s configurations not sorted by unique ID at %q", ErrInvalid, what, list[i].configID())
		}
	}
	return nil
}

// checkConfigID checks the ID of one such configuration: 1 to max
// characters, letters, digits, '-', '_' and '.' (S3's rule for inventory,
// metrics and analytics IDs).
func checkConfigID(what, id string, max int) error {
	if id == "" || utf8.RuneCountInString(id) > max {
		return fmt.Errorf("%w: %s ID %q must be 1 to %d characters", ErrInvalid, what, id, max)
	}
	for _, r := range id {
		if !(r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return fmt.Errorf("%w: %s ID %q may hold letters, digits, '-', '_' and '.' only", ErrInvalid, what, id)
		}
	}
	return nil
}

// checkTagFilter checks the filter of one configuration of a set whose
// filters are S3's Prefix, Tag or And{Prefix, Tag...} (Intelligent-Tiering,
// analytics): form is how it was written ("" for no filter: every
// object), prefix and tags its conditions.
func checkTagFilter(what, id, form, prefix string, tags []Tag) error {
	n := len(tags)
	if prefix != "" {
		n++
	}
	switch form {
	case "":
		if n != 0 {
			return fmt.Errorf("%w: %s configuration %q has conditions but no filter", ErrInvalid, what, id)
		}
	case "Prefix":
		if len(tags) != 0 {
			return fmt.Errorf("%w: an %s Prefix filter holds only the prefix", ErrInvalid, what)
		}
	case "Tag":
		if len(tags) != 1 || prefix != "" {
			return fmt.Errorf("%w: an %s Tag filter holds exactly one tag", ErrInvalid, what)
		}
	case "And":
		if n < 2 {
			return fmt.Errorf("%w: an %s And filter needs at least two conditions", ErrInvalid, what)
		}
	default:
		return fmt.Errorf("%w: %s filter form %q", ErrInvalid, what, form)
	}
	if len(prefix) > 1024 || !utf8.ValidString(prefix) {
		return fmt.Errorf("%w: %s filter prefix of %d bytes", ErrInvalid, what, len(prefix))
	}
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		switch {
		case t.Key == "" || utf8.RuneCountInString(t.Key) > 128 || utf8.RuneCountInString(t.Value) > 256:
			return fmt.Errorf("%w: %s filter tag %q: keys are 1 to 128 characters, values at most 256", ErrInvalid, what, t.Key)
		case seen[t.Key]:
			return fmt.Errorf("%w: %s filter tag key %q named twice", ErrInvalid, what, t.Key)
		}
		seen[t.Key] = true
	}
	return nil
}

// tagFilterSelects reports whether a filter of prefix and want selects an
// object of key with tags: the key has the prefix and the object every
// tag wanted.
func tagFilterSelects(prefix string, want []Tag, key string, tags []Tag) bool {
	if !strings.HasPrefix(key, prefix) {
		return false
	}
	for _, w := range want {
		if !slices.Contains(tags, w) {
			return false
		}
	}
	return true
}
