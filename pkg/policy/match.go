package policy

import (
	"strings"

	"github.com/osslite/osslite/pkg/wildcard"
)

// pattern is a compiled wildcard pattern: literal bytes, "*" (any run,
// possibly empty) and "?" (any one character).
type pattern []ptok

type ptok = wildcard.Token

const (
	tokLit  = wildcard.Lit
	tokStar = wildcard.Star
	tokOne  = wildcard.One
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
			p = append(p, ptok{B: t[i]})
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '*':
			p = append(p, ptok{Kind: tokStar})
		case c == '?':
			p = append(p, ptok{Kind: tokOne})
		case c == '$' && v != nil && i+1 < len(s) && s[i+1] == '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				p = append(p, ptok{B: c})
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
			p = append(p, ptok{B: c})
		}
	}
	return p
}

// compileLower compiles a pattern matched case-insensitively (actions).
func compileLower(s string) pattern { return compile(strings.ToLower(s), nil) }

// match reports whether the whole of s matches p ("?" one character),
// in time linear in len(s) (package wildcard: a 20 KiB pattern meets
// request values of up to a MiB).
func (p pattern) match(s string) bool {
	return p != nil && wildcard.Match([]wildcard.Token(p), s, wildcard.Character)
}

// hasWildcard reports whether s has a wildcard or a policy variable.
func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?") || strings.Contains(s, "${") }
