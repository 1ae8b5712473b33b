package sqlselect

import (
	"bytes"
	"unicode/utf8"

	"github.com/osslite/osslite/pkg/wildcard"
)

// likeOp is one element of a compiled LIKE pattern.
type likeOp struct {
	kind byte // 'l' literal run, '_' one character, '%' any run
	lit  []byte
}

// likePattern is a compiled LIKE pattern. The common shapes (exact,
// prefix%, %suffix, %infix%) are matched with bytes functions, the others
// by package wildcard, in time linear in the value: a pattern of up to
// 256 KiB (or a field's) meets fields of up to a MiB.
type likePattern struct {
	ops   []likeOp
	shape byte // 'e' exact, 'p' prefix, 's' suffix, 'i' infix, 'g' general
	lit   []byte
	toks  []wildcard.Token // the general shape's
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
	for _, op := range ops {
		switch op.kind {
		case '%':
			lp.toks = append(lp.toks, wildcard.Token{Kind: wildcard.Star})
		case '_':
			lp.toks = append(lp.toks, wildcard.Token{Kind: wildcard.One})
		default:
			for _, b := range op.lit {
				lp.toks = append(lp.toks, wildcard.Token{B: b})
			}
		}
	}
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
	return wildcard.Match(lp.toks, s, wildcard.Character)
}
