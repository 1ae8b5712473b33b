// Package wildcard matches wildcard patterns ("*" any run, "?" one
// character or byte) in time linear in the text, whatever the pattern.
//
// Bucket policies (pkg/policy), OSS referer lists (httpapi) and SQL LIKE
// (sqlselect) match patterns one party wrote against values another
// sends: a Referer or User-Agent header of up to a MiB, a key, a listing
// prefix, a record's field. The textbook matcher, which backtracks to the
// last star, costs len(pattern)*len(text) steps at worst: "*aaaa...ab"
// (a 20 KiB policy) against a 256 KiB header of "a"s is five billion
// steps, seconds of CPU for one request.
//
// Match keeps that matcher for small inputs (len(pattern)*len(text) of
// at most 16 Ki, every ordinary request), where it is the fastest and
// allocates nothing. Otherwise it matches the pattern's star-separated
// segments greedily, each at its leftmost place (placing a segment
// further left never loses a match for those that follow): literal
// segments with Knuth-Morris-Pratt, segments with "?" with a
// bit-parallel Shift-And scan, so that a segment costs
// O(len(text) * (1 + len(segment)/64)) at worst.
//
// # Characters
//
// With Character, "?" matches one UTF-8 encoded character, a byte that
// starts no valid encoding counting as a character of its own, and "*"
// stops only between characters. A pattern's literal bytes are taken as
// characters the same way, so a literal byte that is not valid UTF-8
// matches only that byte standing alone in the text, never a byte inside
// a character.
package wildcard

import "unicode/utf8"

// Kind is what a Token matches.
type Kind uint8

// The token kinds.
const (
	// Lit matches its byte.
	Lit Kind = iota
	// Star matches any run, possibly empty.
	Star
	// One matches one unit (a character or a byte).
	One
)

// Token is one element of a pattern.
type Token struct {
	B    byte // the byte of a Lit
	Kind Kind
}

// Unit is what One matches.
type Unit uint8

// The units.
const (
	// Character: One matches one UTF-8 encoded character (see the
	// package comment).
	Character Unit = iota
	// Byte: One matches one byte.
	Byte
)

// Compile returns the pattern of s: '*' is Star, '?' is One, every other
// byte a Lit.
func Compile(s string) []Token {
	p := make([]Token, len(s))
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '*':
			p[i].Kind = Star
		case '?':
			p[i].Kind = One
		default:
			p[i].B = s[i]
		}
	}
	return p
}

// MatchString is Match(Compile(pattern), s, u), without compiling the
// pattern when the input is small.
func MatchString(pattern, s string, u Unit) bool {
	if len(pattern)*len(s) <= smallWork && (u == Byte || utf8.ValidString(pattern)) {
		return backtrackRaw(pattern, s, u)
	}
	return Match(Compile(pattern), s, u)
}

// smallWork is the largest len(p)*len(s) matched by backtracking.
const smallWork = 1 << 14

// Match reports whether the whole of s matches p, One matching one unit
// u, in time linear in len(s) for a given pattern.
func Match[T ~string | ~[]byte](p []Token, s T, u Unit) bool {
	if len(p)*len(s) <= smallWork && (u == Byte || validLiterals(p)) {
		return backtrack(p, s, u)
	}
	return matchUnits(patternUnits(p, u), textUnits(s, u))
}

// runeLen is the length in bytes of the first character of s (1 for a
// byte that starts no valid UTF-8 sequence).
func runeLen[T ~string | ~[]byte](s T) int {
	if len(s) > 0 && s[0] < utf8.RuneSelf {
		return 1
	}
	var b [utf8.UTFMax]byte
	n := copy(b[:], s)
	_, n = utf8.DecodeRune(b[:n])
	return max(n, 1)
}

// backtrack is the greedy matcher that retries from the last star, in
// len(p)*len(s) steps at worst. With Character, p's literals must be
// valid UTF-8 (every position it reaches is then between characters).
func backtrack[T ~string | ~[]byte](p []Token, s T, u Unit) bool {
	pi, si := 0, 0
	starP, starS := -1, 0
	step := func(i int) int {
		if u == Byte {
			return 1
		}
		return runeLen(s[i:])
	}
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi].Kind == One:
			pi++
			si += step(si)
		case pi < len(p) && p[pi].Kind == Lit && p[pi].B == s[si]:
			pi++
			si++
		case pi < len(p) && p[pi].Kind == Star:
			starP, starS = pi, si
			pi++
		case starP >= 0:
			starS += step(starS)
			pi, si = starP+1, starS
		default:
			return false
		}
	}
	for pi < len(p) && p[pi].Kind == Star {
		pi++
	}
	return pi == len(p)
}

// backtrackRaw is backtrack of an uncompiled pattern.
func backtrackRaw(p, s string, u Unit) bool {
	pi, si := 0, 0
	starP, starS := -1, 0
	step := func(i int) int {
		if u == Byte {
			return 1
		}
		return runeLen(s[i:])
	}
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == '?':
			pi++
			si += step(si)
		case pi < len(p) && p[pi] == '*':
			starP, starS = pi, si
			pi++
		case pi < len(p) && p[pi] == s[si]:
			pi++
			si++
		case starP >= 0:
			starS += step(starS)
			pi, si = starP+1, starS
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// validLiterals reports whether every run of literal bytes is valid
// UTF-8 (without allocating).
func validLiterals(p []Token) bool {
	for i := 0; i < len(p); i++ {
		if p[i].Kind != Lit || p[i].B < utf8.RuneSelf {
			continue
		}
		var b [utf8.UTFMax]byte
		n := 0
		for j := i; j < len(p) && n < len(b) && p[j].Kind == Lit; j++ {
			b[n] = p[j].B
			n++
		}
		r, size := utf8.DecodeRune(b[:n])
		if r == utf8.RuneError && size <= 1 {
			return false
		}
		i += size - 1
	}
	return true
}

// A unit is a text's byte, or its decoded character (a byte that starts
// no valid encoding is -1-byte, which no character equals).
type unit = int32

// utok is a pattern token over units.
type utok struct {
	u    unit
	kind Kind
}

// textUnits splits s into units.
func textUnits[T ~string | ~[]byte](s T, u Unit) []unit {
	out := make([]unit, 0, len(s))
	if u == Byte {
		for i := 0; i < len(s); i++ {
			out = append(out, unit(s[i]))
		}
		return out
	}
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			out = append(out, unit(s[i]))
			i++
			continue
		}
		var b [utf8.UTFMax]byte
		n := copy(b[:], s[i:])
		r, size := utf8.DecodeRune(b[:n])
		if r == utf8.RuneError && size <= 1 {
			out = append(out, -1-unit(s[i]))
			i++
			continue
		}
		out = append(out, unit(r))
		i += size
	}
	return out
}

// patternUnits is p over units: each run of literal bytes split as
// textUnits splits a text.
func patternUnits(p []Token, u Unit) []utok {
	out := make([]utok, 0, len(p))
	var run []byte
	flush := func() {
		for _, x := range textUnits(run, u) {
			out = append(out, utok{u: x})
		}
		run = run[:0]
	}
	for _, t := range p {
		if t.Kind == Lit {
			run = append(run, t.B)
			continue
		}
		flush()
		out = append(out, utok{kind: t.Kind})
	}
	flush()
	return out
}

// matchUnits matches p against the whole of s: the segment before the
// first star at the start, the one after the last at the end, and each
// one between at its leftmost place after the previous one.
func matchUnits(p []utok, s []unit) bool {
	first, last := -1, -1
	for i, t := range p {
		if t.kind == Star {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return len(p) == len(s) && equalAt(p, s)
	}
	head, tail := p[:first], p[last+1:]
	lo, hi := len(head), len(s)-len(tail)
	if hi < lo || !equalAt(head, s) || !equalAt(tail, s[hi:]) {
		return false
	}
	for i := first + 1; i < last; {
		j := i
		for j < last && p[j].kind != Star {
			j++
		}
		if j > i {
			at := index(p[i:j], s[lo:hi])
			if at < 0 {
				return false
			}
			lo += at + (j - i)
		}
		i = j + 1
	}
	return true
}

// equalAt reports whether seg (no Star) matches the start of s.
func equalAt(seg []utok, s []unit) bool {
	if len(seg) > len(s) {
		return false
	}
	for i, t := range seg {
		if t.kind == Lit && t.u != s[i] {
			return false
		}
	}
	return true
}

// index returns the leftmost place of seg (no Star) in s, or -1.
func index(seg []utok, s []unit) int {
	for _, t := range seg {
		if t.kind == One {
			return shiftAnd(seg, s)
		}
	}
	return kmp(seg, s)
}

// kmp finds a segment of literals in len(seg)+len(s) steps.
func kmp(seg []utok, s []unit) int {
	fail := make([]int, len(seg))
	for i, k := 1, 0; i < len(seg); i++ {
		for k > 0 && seg[i].u != seg[k].u {
			k = fail[k-1]
		}
		if seg[i].u == seg[k].u {
			k++
		}
		fail[i] = k
	}
	for i, k := 0, 0; i < len(s); i++ {
		for k > 0 && s[i] != seg[k].u {
			k = fail[k-1]
		}
		if s[i] == seg[k].u {
			k++
		}
		if k == len(seg) {
			return i - k + 1
		}
	}
	return -1
}

// denseAt is how often a unit must occur in a segment to get a mask of
// its own in shiftAnd; rarer units are looked up by position, so a text
// unit costs at most len(seg)/64 words plus denseAt positions, and the
// masks take at most (len(seg)/64)^2 words.
const denseAt = 64

// shiftAnd finds a segment with One tokens: bit i of the state says the
// segment's first i+1 tokens match the text ending at the current unit.
func shiftAnd(seg []utok, s []unit) int {
	words := (len(seg) + 63) / 64
	anyMask := make([]uint64, words)
	pos := map[unit][]int{}
	for i, t := range seg {
		if t.kind == One {
			anyMask[i/64] |= 1 << (i % 64)
		} else {
			pos[t.u] = append(pos[t.u], i)
		}
	}
	dense := map[unit][]uint64{}
	for u, ps := range pos {
		if len(ps) >= denseAt {
			m := make([]uint64, words)
			for _, i := range ps {
				m[i/64] |= 1 << (i % 64)
			}
			dense[u] = m
			delete(pos, u)
		}
	}
	state, shifted := make([]uint64, words), make([]uint64, words)
	top, topBit := (len(seg)-1)/64, uint64(1)<<((len(seg)-1)%64)
	for i, u := range s {
		carry := uint64(1) // the segment may start here
		for w := range state {
			shifted[w] = state[w]<<1 | carry
			carry = state[w] >> 63
		}
		m := dense[u]
		for w := range state {
			state[w] = shifted[w] & anyMask[w]
			if m != nil {
				state[w] |= shifted[w] & m[w]
			}
		}
		for _, p := range pos[u] {
			state[p/64] |= shifted[p/64] & (1 << (p % 64))
		}
		if state[top]&topBit != 0 {
			return i - len(seg) + 1
		}
	}
	return -1
}
