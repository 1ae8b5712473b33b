package policy

import (
	"strings"
	"unicode/utf8"
)

// pattern is a compiled wildcard pattern: literal bytes, "*" (any run,
// possibly empty) and "?" (any one character).
type pattern []ptok

type ptok struct {
	b    byte
	kind uint8 // tokLit, tokStar, tokOne
}

const (
	tokLit uint8 = iota
	tokStar
	tokOne
)

// vars resolves a policy variable (${aws:username}); ok false when the
// request has no value for it.
type vars func(name string) (string, bool)

// compile turns s into a pattern; when v is not nil, policy variables
// (${key}, ${key, 'default'}, ${*}, ${?}, ${$}) are substituted as
// literal text. It returns nil when a variable cannot be resolved.
func compile(s string, v vars) pattern {
	p := make(pattern, 0, len(s))
	lit := func(t string) {
		for i := 0; i < len(t); i++ {
			p = append(p, ptok{b: t[i]})
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '*':
			p = append(p, ptok{kind: tokStar})
		case c == '?':
			p = append(p, ptok{kind: tokOne})
		case c == '$' && v != nil && i+1 < len(s) && s[i+1] == '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				p = append(p, ptok{b: c})
				continue
			}
			name := strings.TrimSpace(s[i+2 : i+end])
			i += end
			switch name {
			case "*", "?", "$":
				lit(name)
				continue
			}
			def, hasDef := "", false
			if n, d, ok := strings.Cut(name, ","); ok {
				name, def, hasDef = strings.TrimSpace(n), strings.Trim(strings.TrimSpace(d), "'"), true
			}
			val, ok := v(name)
			switch {
			case ok:
				lit(val)
			case hasDef:
				lit(def)
			default:
				return nil
			}
		default:
			p = append(p, ptok{b: c})
		}
	}
	return p
}

// compileLower compiles a pattern matched case-insensitively (actions).
func compileLower(s string) pattern { return compile(strings.ToLower(s), nil) }

// match reports whether the whole of s matches p, in time proportional
// to len(p)*len(s) at worst (no exponential backtracking).
func (p pattern) match(s string) bool {
	if p == nil {
		return false
	}
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi].kind == tokOne:
			pi++
			si += runeLen(s[si:])
		case pi < len(p) && p[pi].kind == tokLit && p[pi].b == s[si]:
			pi++
			si++
		case pi < len(p) && p[pi].kind == tokStar:
			starP, starS = pi, si
			pi++
		case starP >= 0:
			starS += runeLen(s[starS:])
			pi, si = starP+1, starS
		default:
			return false
		}
	}
	for pi < len(p) && p[pi].kind == tokStar {
		pi++
	}
	return pi == len(p)
}

// runeLen is the length in bytes of the first character of s (1 for
// bytes that start no valid UTF-8 sequence).
func runeLen(s string) int {
	_, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return 1
	}
	return n
}

// hasWildcard reports whether s has a wildcard or a policy variable.
func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?") || strings.Contains(s, "${") }
