package sqlselect

import (
	"bytes"
	"unicode/utf8"
)

// likeOp is one element of a compiled LIKE pattern.
type likeOp struct {
	kind byte // 'l' literal run, '_' one character, '%' any run
	lit  []byte
}

// likePattern is a compiled LIKE pattern. The common shapes (exact,
// prefix%, %suffix, %infix%) are matched with bytes functions.
type likePattern struct {
	ops   []likeOp
	shape byte // 'e' exact, 'p' prefix, 's' suffix, 'i' infix, 'g' general
	lit   []byte
}

// compileLike compiles pattern with the optional escape character (esc < 0
// means none). In the OSS dialect `*` is a synonym of `%`.
func compileLike(pattern []byte, esc rune, oss bool) (*likePattern, error) {
	lp := &likePattern{}
	var lit []byte
	flush := func() {
		if len(lit) > 0 {
			lp.ops = append(lp.ops, likeOp{kind: 'l', lit: lit})
			lit = nil
		}
	}
	for i := 0; i < len(pattern); {
		r, size := utf8.DecodeRune(pattern[i:])
		if esc >= 0 && r == esc {
			i += size
			if i >= len(pattern) {
				return nil, errorf(ErrEvaluatorLikePatternInvalidEscapeSequence, "pattern %q ends with the escape character", pattern)
			}
			r2, size2 := utf8.DecodeRune(pattern[i:])
			if r2 != '%' && r2 != '_' && r2 != esc && !(oss && (r2 == '*' || r2 == '?')) {
				return nil, errorf(ErrEvaluatorLikePatternInvalidEscapeSequence, "escape character before %q in %q", r2, pattern)
			}
			lit = append(lit, pattern[i:i+size2]...)
			i += size2
			continue
		}
		switch {
		case r == '%' || oss && r == '*':
			flush()
			if n := len(lp.ops); n == 0 || lp.ops[n-1].kind != '%' {
				lp.ops = append(lp.ops, likeOp{kind: '%'})
			}
		case r == '_' || oss && r == '?':
			flush()
			lp.ops = append(lp.ops, likeOp{kind: '_'})
		default:
			lit = append(lit, pattern[i:i+size]...)
		}
		i += size
	}
	flush()
	ops := lp.ops
	lp.shape = 'g'
	switch {
	case len(ops) == 0:
		lp.shape, lp.lit = 'e', nil
	case len(ops) == 1 && ops[0].kind == 'l':
		lp.shape, lp.lit = 'e', ops[0].lit
	case len(ops) == 1 && ops[0].kind == '%':
		lp.shape, lp.lit = 'p', nil
	case len(ops) == 2 && ops[0].kind == 'l' && ops[1].kind == '%':
		lp.shape, lp.lit = 'p', ops[0].lit
	case len(ops) == 2 && ops[0].kind == '%' && ops[1].kind == 'l':
		lp.shape, lp.lit = 's', ops[1].lit
	case len(ops) == 3 && ops[0].kind == '%' && ops[1].kind == 'l' && ops[2].kind == '%':
		lp.shape, lp.lit = 'i', ops[1].lit
	}
	return lp, nil
}

func (lp *likePattern) match(s []byte) bool {
	switch lp.shape {
	case 'e':
		return bytes.Equal(s, lp.lit)
	case 'p':
		return bytes.HasPrefix(s, lp.lit)
	case 's':
		return bytes.HasSuffix(s, lp.lit)
	case 'i':
		return bytes.Contains(s, lp.lit)
	}
	return matchOps(lp.ops, s)
}

// matchOps is the classic greedy wildcard match with backtracking to the
// last %.
func matchOps(ops []likeOp, s []byte) bool {
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
