package wildcard

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestMatchTable(t *testing.T) {
	tests := []struct {
		name, p, s string
		u          Unit
		want       bool
	}{
		{"literal", "abc", "abc", Byte, true},
		{"literal longer", "abc", "abcd", Byte, false},
		{"star", "a*c", "abbbc", Byte, true},
		{"empty star", "a*c", "ac", Byte, true},
		{"head and tail overlap", "ab*ba", "aba", Byte, false},
		{"middle segments", "*a?c*d*", "xxabcyyd", Byte, true},
		{"one is a byte", "a?c", "aéc", Byte, false},
		{"one is a rune", "a?c", "aéc", Character, true},
		{"star stops between runes", "*\xa9", "é", Character, false},
		{"invalid byte is one rune", "a?c", "a\xffc", Character, true},
		{"replacement char is not an invalid byte", "a\uFFFDc", "a\xffc", Character, false},
		{"an invalid literal byte is not part of a character", "\xc3?", "é", Character, false},
		{"an invalid literal byte matches alone", "\xc3?", "\xc3b", Character, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Compile(tc.p)
			require.Equal(t, tc.want, Match(p, tc.s, tc.u), "Match")
			require.Equal(t, tc.want, matchUnits(patternUnits(p, tc.u), textUnits(tc.s, tc.u)), "linear")
			if validLiterals(p) || tc.u == Byte {
				require.Equal(t, tc.want, backtrack(p, tc.s, tc.u), "backtrack")
			}
		})
	}
}

// TestMatchAgreesWithBacktracking compares the linear matcher with the
// backtracking one on random patterns and texts over a small alphabet
// (with a two-byte character and an invalid byte).
func TestMatchAgreesWithBacktracking(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alpha := []string{"a", "b", "é", "\xff"}
	pat := []string{"a", "b", "é", "*", "?", "*", "?"}
	gen := func(set []string, n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(set[rng.IntN(len(set))])
		}
		return b.String()
	}
	for i := range 200000 {
		p, s := Compile(gen(pat, rng.IntN(9))), gen(alpha, rng.IntN(14))
		for _, u := range []Unit{Byte, Character} {
			want := backtrack(p, s, u)
			got := matchUnits(patternUnits(p, u), textUnits(s, u))
			if got != want {
				t.Fatalf("case %d unit %d: %q against %q: linear %v, backtracking %v", i, u, tokens(p), s, got, want)
			}
		}
	}
}

func tokens(p []Token) string {
	var b strings.Builder
	for _, t := range p {
		switch t.Kind {
		case Star:
			b.WriteByte('*')
		case One:
			b.WriteByte('?')
		default:
			b.WriteByte(t.B)
		}
	}
	return b.String()
}

// TestMatchIsLinear: patterns that make the backtracking matcher take
// len(pattern)*len(text) steps (over a second each here) are matched in
// milliseconds.
func TestMatchIsLinear(t *testing.T) {
	text := strings.Repeat("a", 1<<20)
	for _, p := range []string{
		"*" + strings.Repeat("a", 16000) + "b",
		"*" + strings.Repeat("a", 8000) + "b*",
		"*" + strings.Repeat("a?", 8000) + "b*",
		strings.Repeat("*a?", 5000) + "b",
		"*" + strings.Repeat("?", 16000) + "b",
	} {
		for _, u := range []Unit{Byte, Character} {
			start := time.Now()
			require.False(t, Match(Compile(p), text, u))
			bound := 3 * time.Second
			if raceEnabled {
				bound *= 10
			}
			require.Less(t, time.Since(start), bound, "%.20q... against 256 KiB", p)
		}
	}
	require.True(t, Match(Compile("*"+strings.Repeat("a?", 8000)+"*"), text, Character))
}

func BenchmarkMatchSmall(b *testing.B) {
	p := Compile("arn:aws:s3:::bucket/home/*/photos/*")
	for b.Loop() {
		Match(p, "arn:aws:s3:::bucket/home/alice/photos/2024/a.jpg", Character)
	}
}

// TestMatchStringRaw: MatchString's uncompiled small-input matcher
// agrees with the compiled one.
func TestMatchStringRaw(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alpha := []byte("abé\xff")
	pat := []byte("abé*?*?")
	gen := func(set []byte, n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = set[rng.IntN(len(set))]
		}
		return string(b)
	}
	for range 100000 {
		p, s := gen(pat, rng.IntN(9)), gen(alpha, rng.IntN(14))
		for _, u := range []Unit{Byte, Character} {
			require.Equal(t, backtrack(Compile(p), s, u), backtrackRaw(p, s, u), "%q against %q", p, s)
		}
	}
}

// TestMatchLongSegments exercises the multi-word Shift-And and its dense
// masks (segments past 64 tokens, units occurring 64 times or more):
// patterns cut from the text, some tokens made "?", some cuts made "*",
// so that about half of them match, compared with backtracking.
func TestMatchLongSegments(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	matched := 0
	for i := range 400 {
		var text strings.Builder
		for range 500 + rng.IntN(1500) {
			text.WriteString([]string{"a", "b", "é"}[rng.IntN(3)])
		}
		s := text.String()
		units := []rune(s)
		from := rng.IntN(len(units) / 2)
		to := from + 70 + rng.IntN(len(units)-from-70)
		var p []Token
		if rng.IntN(5) > 0 {
			p = append(p, Token{Kind: Star})
		}
		for j, r := range units[from:to] {
			switch {
			case rng.IntN(200) == 0 && j > 0:
				p = append(p, Token{Kind: Star})
			case rng.IntN(4) == 0:
				p = append(p, Token{Kind: One})
			case rng.IntN(300) == 0:
				p = append(p, Compile("b")...) // a likely mismatch
			default:
				p = append(p, Compile(string(r))...)
			}
		}
		if rng.IntN(5) > 0 {
			p = append(p, Token{Kind: Star})
		}
		for _, u := range []Unit{Byte, Character} {
			want := backtrack(p, s, u)
			if u == Character && !validLiterals(p) {
				continue
			}
			got := matchUnits(patternUnits(p, u), textUnits(s, u))
			if got != want {
				t.Fatalf("case %d unit %d: linear %v, backtracking %v", i, u, got, want)
			}
			if got {
				matched++
			}
		}
	}
	require.Greater(t, matched, 100, "enough cases match")
}
