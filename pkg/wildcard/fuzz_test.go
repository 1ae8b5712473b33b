package wildcard

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// refUnits splits s into the units the package comment defines, written
// out independently of textUnits: with Byte every byte; with Character
// every valid UTF-8 encoding, and every byte that starts none on its own
// (marked apart, so that no character equals it).
func refUnits(s string, u Unit) []int {
	var out []int
	for i := 0; i < len(s); {
		if u == Byte {
			out = append(out, int(s[i]))
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 {
			out = append(out, 1<<24+int(s[i]))
			i++
			continue
		}
		out = append(out, int(r))
		i += n
	}
	return out
}

// refMatch is the reference: the pattern's literal runs split into units
// as a text is, then a dynamic programme over (pattern token, text unit)
// in len(p)*len(s) steps, with no greedy choice to get wrong.
func refMatch(pattern, s string, u Unit) bool {
	type tok struct {
		kind Kind
		u    int
	}
	var p []tok
	run := 0
	flush := func(end int) {
		for _, x := range refUnits(pattern[run:end], u) {
			p = append(p, tok{Lit, x})
		}
	}
	for i := 0; i < len(pattern); i++ {
		switch pattern[i] {
		case '*', '?':
			flush(i)
			run = i + 1
			k := Star
			if pattern[i] == '?' {
				k = One
			}
			p = append(p, tok{kind: k})
		}
	}
	flush(len(pattern))
	t := refUnits(s, u)
	// ok[j]: the tokens so far match t[:j].
	ok := make([]bool, len(t)+1)
	ok[0] = true
	for _, x := range p {
		next := make([]bool, len(t)+1)
		switch x.kind {
		case Star:
			seen := false
			for j := range ok {
				seen = seen || ok[j]
				next[j] = seen
			}
		case One:
			for j := 1; j <= len(t); j++ {
				next[j] = ok[j-1]
			}
		default:
			for j := 1; j <= len(t); j++ {
				next[j] = ok[j-1] && t[j-1] == x.u
			}
		}
		ok = next
	}
	return ok[len(t)]
}

// FuzzMatch compares Match, MatchString, the linear matcher and
// backtracking (where it applies) with the dynamic-programming reference,
// with '?' per byte and per character, over any bytes (invalid UTF-8 in
// patterns and texts included).
func FuzzMatch(f *testing.F) {
	for _, c := range [][2]string{
		{"*", ""}, {"a*b?c", "axxbyc"}, {"?", "é"}, {"??", "é"}, {"\xc3*", "é"}, {"*\xa9", "é"},
		{"\xc3?", "\xc3\xa9"}, {"*a?*b", "aébb"}, {"?\xff*", "\xff\xff"}, {"*é*?", "xéé"},
		{strings.Repeat("*a?", 40) + "b", strings.Repeat("aé", 90) + "b"},
		{"*" + strings.Repeat("?", 70) + "x*", strings.Repeat("é", 80) + "x"},
	} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if len(pattern) > 400 || len(s) > 2000 {
			return
		}
		p := Compile(pattern)
		for _, u := range []Unit{Byte, Character} {
			want := refMatch(pattern, s, u)
			if got := Match(p, s, u); got != want {
				t.Fatalf("Match(%q, %q, %d) = %v, reference %v", pattern, s, u, got, want)
			}
			if got := Match(p, []byte(s), u); got != want {
				t.Fatalf("Match(%q, []byte %q, %d) = %v, reference %v", pattern, s, u, got, want)
			}
			if got := MatchString(pattern, s, u); got != want {
				t.Fatalf("MatchString(%q, %q, %d) = %v, reference %v", pattern, s, u, got, want)
			}
			if got := matchUnits(patternUnits(p, u), textUnits(s, u)); got != want {
				t.Fatalf("linear(%q, %q, %d) = %v, reference %v", pattern, s, u, got, want)
			}
			if u == Byte || utf8.ValidString(pattern) {
				if got := backtrack(p, s, u); got != want {
					t.Fatalf("backtrack(%q, %q, %d) = %v, reference %v", pattern, s, u, got, want)
				}
			}
		}
	})
}
