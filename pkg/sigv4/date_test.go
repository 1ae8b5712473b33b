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

// TestParseTimestampAsTimeParse: parseTimestamp decides and reads
// timestamps as time.Parse(TimeFormat, s) does.
func TestParseTimestampAsTimeParse(t *testing.T) {
	cases := []string{"20261205T042900Z", "20240229T235959Z", "20260229T000000Z", "20261205T240000Z", "20261205T236000Z",
		"20261205T235960Z", "20261205T42900Z", "20261205 042900Z", "20261205T042900z", "2026120T5042900Z", "20261305T000000Z",
		"20260005T000000Z", "20260100T000000Z", "00000101T000000Z", "99991231T235959Z", "", "+0261205T042900Z", "20261205T0429000Z"}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		b := []byte("20261205T042900Z")
		for range 1 + rng.IntN(3) {
			b[rng.IntN(len(b))] = "0123456789TZ+-9"[rng.IntN(15)]
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		want, werr := time.Parse(TimeFormat, s)
		got, err := parseTimestamp(s)
		if (err == nil) != (werr == nil) || err == nil && !got.Equal(want) {
			t.Errorf("parseTimestamp(%q) = %v, %v; time.Parse: %v, %v", s, got, err, want, werr)
		}
	}
}

// BenchmarkParseTimestamp compares parseTimestamp with time.Parse on the
// form every signed request carries.
func BenchmarkParseTimestamp(b *testing.B) {
	b.Run("parseTimestamp", func(b *testing.B) {
		for b.Loop() {
			if _, err := parseTimestamp("20261205T042900Z"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("time.Parse", func(b *testing.B) {
		for b.Loop() {
			if _, err := time.Parse(TimeFormat, "20261205T042900Z"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
