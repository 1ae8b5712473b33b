package sigv4

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// TestValidDateAsTimeParse: validDate decides as time.Parse(DateFormat)
// does, for calendar edge cases and random strings.
func TestValidDateAsTimeParse(t *testing.T) {
	cases := []string{"20260228", "20260229", "20240229", "20261231", "20261301", "20260100", "20260431",
		"00000101", "99991231", "2026010", "202601011", "2026-1-1", "2026O101", "", "+0260101", "20260132"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		cases = append(cases, strconv.Itoa(19000000+rng.IntN(2000000)))
	}
	for _, s := range cases {
		_, err := time.Parse(DateFormat, s)
		if got := validDate(s); got != (err == nil) {
			t.Errorf("validDate(%q) = %v, time.Parse says %v", s, got, err)
		}
	}
}
