package bucketconfig

import (
	"cmp"
	"slices"
	"strings"
)

// ruleIndex finds the entries of a list of filters (lifecycle rules,
// analytics or metrics configurations, by position) that may select an
// object, so that a request or a lifecycle pass does not test every
// filter of a configuration against every key: a filter selects only
// keys that start with its prefix and, when it names tags, objects that
// have each of them. The index is a radix tree of the prefixes; each
// node keeps the entries of its prefix with no tag condition, and those
// with tags under one of their tags (the one fewest entries name), so a
// lookup costs the key's length plus the entries whose prefix starts the
// key and whose indexed tag the object has. The entries it returns are
// candidates: the caller still applies the whole filter (size, the other
// tags, Not), so the answers are the linear scan's.
type ruleIndex struct {
	// always are the entries that hold whatever the key, even none.
	always []int32
	root   prefixNode
	// few, when set, says there are at most scanFew entries, all in
	// scan: looking at each costs less than walking the tree.
	few  bool
	scan []int32
	// scanTagged are the prefixes of the entries of scan with a tag
	// condition.
	scanTagged []string
}

// scanFew is the most entries an index leaves to a scan.
const scanFew = 8

// prefixNode is one node of the radix tree.
type prefixNode struct {
	// edge is the bytes from the parent's prefix to this node's.
	edge string
	// children, sorted by the first byte of their edge (distinct).
	children []*prefixNode
	// plain are the entries of this prefix without a tag condition,
	// byTag those with one, under the tag they are indexed by.
	plain []int32
	byTag map[Tag][]int32
}

// indexEntry is one filter to index: its position, its prefix and its
// tags (all of which an object must have).
type indexEntry struct {
	i      int32
	prefix string
	tags   []Tag
	// always says the entry holds for every request (its other fields
	// are unused).
	always bool
}

// newRuleIndex builds the index of entries (in ascending positions).
func newRuleIndex(entries []indexEntry) *ruleIndex {
	x := &ruleIndex{}
	if len(entries) <= scanFew {
		x.few = true
		for _, e := range entries {
			x.scan = append(x.scan, e.i)
			if len(e.tags) > 0 {
				x.scanTagged = append(x.scanTagged, e.prefix)
			}
		}
		return x
	}
	named := map[Tag]int{}
	for _, e := range entries {
		for _, t := range e.tags {
			named[t]++
		}
	}
	for _, e := range entries {
		if e.always {
			x.always = append(x.always, e.i)
			continue
		}
		n := x.node(e.prefix)
		if len(e.tags) == 0 {
			n.plain = append(n.plain, e.i)
			continue
		}
		by := e.tags[0]
		for _, t := range e.tags[1:] {
			if named[t] < named[by] {
				by = t
			}
		}
		if n.byTag == nil {
			n.byTag = map[Tag][]int32{}
		}
		n.byTag[by] = append(n.byTag[by], e.i)
	}
	return x
}

// childAt returns the position of n's child whose edge starts with b, or
// where it would go.
func (n *prefixNode) childAt(b byte) (int, bool) {
	return slices.BinarySearchFunc(n.children, b, func(c *prefixNode, b byte) int { return cmp.Compare(c.edge[0], b) })
}

// node returns the node of prefix, adding it (and splitting an edge) as
// needed.
func (x *ruleIndex) node(prefix string) *prefixNode {
	n := &x.root
	for prefix != "" {
		j, found := n.childAt(prefix[0])
		if !found {
			c := &prefixNode{edge: prefix}
			n.children = slices.Insert(n.children, j, c)
			return c
		}
		c := n.children[j]
		l := commonPrefixLen(c.edge, prefix)
		if l < len(c.edge) {
			// prefix leaves c's edge after l bytes: a node at l.
			mid := &prefixNode{edge: c.edge[:l], children: []*prefixNode{c}}
			c.edge = c.edge[l:]
			n.children[j] = mid
			c = mid
		}
		n, prefix = c, prefix[l:]
	}
	return n
}

func commonPrefixLen(a, b string) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// candidates appends to dst the entries that may select an object of key
// with tags (hasKey false: a request naming no object, which only the
// always entries count), in ascending order, each once. An index of a few
// entries returns them all.
func (x *ruleIndex) candidates(key string, hasKey bool, tags []Tag, dst []int32) []int32 {
	if x.few {
		return append(dst, x.scan...)
	}
	dst = append(dst, x.always...)
	if hasKey {
		n := &x.root
		for {
			dst = append(dst, n.plain...)
			if len(n.byTag) > 0 {
				for _, t := range tags {
					dst = append(dst, n.byTag[t]...)
				}
			}
			if key == "" {
				break
			}
			j, found := n.childAt(key[0])
			if !found || !strings.HasPrefix(key, n.children[j].edge) {
				break
			}
			n = n.children[j]
			key = key[len(n.edge):]
		}
	}
	slices.Sort(dst)
	return slices.Compact(dst)
}

// tagsMatter reports whether some entry whose prefix starts key has a tag
// condition (so that finding the candidates needs the object's tags).
func (x *ruleIndex) tagsMatter(key string) bool {
	if x.few {
		for _, p := range x.scanTagged {
			if strings.HasPrefix(key, p) {
				return true
			}
		}
		return false
	}
	n := &x.root
	for {
		if len(n.byTag) > 0 {
			return true
		}
		if key == "" {
			return false
		}
		j, found := n.childAt(key[0])
		if !found || !strings.HasPrefix(key, n.children[j].edge) {
			return false
		}
		n = n.children[j]
		key = key[len(n.edge):]
	}
}
