package engine

import (
	"bytes"
	"strings"
	"testing"
)

// TestStringArena: the arena's strings keep their bytes while the arena
// hands out more (across blocks), and while the slices they were made of
// are overwritten.
func TestStringArena(t *testing.T) {
	var a stringArena
	var want, got []string
	src := make([]byte, 0, arenaBlock)
	for i := 0; i < 3*arenaBlock/40; i++ {
		s := strings.Repeat(string(rune('a'+i%26)), 1+i%61)
		src = append(src[:0], s...)
		got = append(got, a.string(src))
		want = append(want, s)
		clear(src)
	}
	big := bytes.Repeat([]byte("x"), arenaBlock/8+1)
	got, want = append(got, a.string(big)), append(want, string(big))
	big[0] = 'y'
	got, want = append(got, a.string(nil)), append(want, "")
	var none *stringArena
	got, want = append(got, none.string([]byte("plain"))), append(want, "plain")
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("string %d: %q, want %q", i, got[i], want[i])
		}
	}
	if n := testing.AllocsPerRun(100, func() { a.string([]byte("a key of a listing")) }); n > 0.01 {
		t.Errorf("%.2f allocations per string, want about 1 per block", n)
	}
}
