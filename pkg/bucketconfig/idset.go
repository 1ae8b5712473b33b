package bucketconfig

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Configurations a bucket holds several of (inventory reports, request
// metrics, Intelligent-Tiering archive settings), each addressed by an ID, are stored together and kept sorted
// by ID. These helpers are shared by their sets.

// idConfig is one configuration of such a set.
type idConfig interface{ configID() string }

func (c InventoryConfiguration) configID() string { return c.ID }
func (c MetricsConfiguration) configID() string   { return c.ID }
func (c TieringConfiguration) configID() string   { return c.ID }

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
