package engine

import "unsafe"

// stringArena makes strings of byte slices by copying them into shared
// blocks: one allocation per block instead of one per string. It is for
// the many small strings of one listing page (its keys and ETags), which
// live and die together: a string keeps its whole block alive.
//
// A block's bytes are never written again once a string holds them (the
// arena only appends past them), so the strings are as immutable as any
// other. The zero value is ready to use; a nil arena copies each string
// on its own.
type stringArena struct {
	free []byte // the current block, from where the next string goes
}

// arenaBlock is the size of an arena's blocks; a string over an eighth
// of it is copied on its own, so that little of a block is wasted.
const arenaBlock = 16 << 10

// string returns p as a string.
func (a *stringArena) string(p []byte) string {
	if a == nil || len(p) == 0 || len(p) > arenaBlock/8 {
		return string(p)
	}
	if len(p) > cap(a.free)-len(a.free) {
		a.free = make([]byte, 0, arenaBlock)
	}
	n := len(a.free)
	a.free = append(a.free, p...)
	return unsafe.String(&a.free[n], len(p))
}
