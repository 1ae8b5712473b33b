package sqlselect

import (
	"strings"
	"testing"
)

// FuzzNameIndex: an indexed object finds the members a scan finds, by
// exact name and ignoring case (strings.EqualFold, invalid UTF-8
// included), ambiguity too.
func FuzzNameIndex(f *testing.F) {
	f.Add("a,A,b,\u212a,k,K,\xff,\xfe,\ufffd,ſ,S", "k")
	f.Add("x,y", "\xff")
	f.Fuzz(func(t *testing.T, list, name string) {
		names := strings.Split(list, ",")
		for len(names) < indexMinNames {
			names = append(names, "pad"+strings.Repeat("_", len(names)))
		}
		scan := &object{names: names}
		indexed := &object{names: names, lookups: indexAfterLookups}
		if indexed.indexed() == nil {
			t.Fatal("not indexed")
		}
		scan.lookups = -1 << 30 // never indexed
		for _, n := range append([]string{name}, names...) {
			if a, b := scan.find(n), indexed.find(n); a != b {
				t.Fatalf("find(%q) in %q: scan %d, index %d", n, names, a, b)
			}
			i, many := scan.findFold(n)
			j, many2 := indexed.findFold(n)
			if i != j || many != many2 {
				t.Fatalf("findFold(%q) in %q: scan %d %v, index %d %v", n, names, i, many, j, many2)
			}
		}
		if scan.index != nil {
			t.Fatal("the scan was indexed")
		}
	})
}
