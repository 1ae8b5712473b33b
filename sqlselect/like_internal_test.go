package sqlselect

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// backtrackLike is the LIKE matcher before package wildcard (greedy,
// backtracking to the last %), the reference for valid UTF-8 patterns.
func backtrackLike(ops []likeOp, s []byte) bool {
	oi, si := 0, 0
	starOp, starS := -1, 0
	for {
		if oi < len(ops) {
			op := ops[oi]
			switch op.kind {
			case '%':
				starOp, starS = oi, si
				oi++
				continue
			case '_':
				if si < len(s) {
					_, size := utf8.DecodeRune(s[si:])
					si += size
					oi++
					continue
				}
			case 'l':
				if bytes.HasPrefix(s[si:], op.lit) {
					si += len(op.lit)
					oi++
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		if starOp < 0 || starS >= len(s) {
			return false
		}
		_, size := utf8.DecodeRune(s[starS:])
		starS += size
		oi, si = starOp+1, starS
	}
}

// TestLikeAgreesWithBacktracking: every pattern shape, small and large,
// answers as the backtracking matcher did.
func TestLikeAgreesWithBacktracking(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	gen := func(set []string, n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(set[rng.IntN(len(set))])
		}
		return b.String()
	}
	for i := range 100000 {
		pat := gen([]string{"a", "b", "é", "%", "_"}, rng.IntN(9))
		n := rng.IntN(14)
		if i%10 == 0 {
			n = 3000 // past the backtracking matcher's small inputs
		}
		s := []byte(gen([]string{"a", "b", "é", "\xff"}, n))
		lp, err := compileLike([]byte(pat), -1, false)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := lp.match(s), backtrackLike(lp.ops, s); got != want {
			t.Fatalf("%q LIKE %q: %v, backtracking %v", s, pat, got, want)
		}
	}
}
