package httpapi

import (
	"net/http"
	"regexp"
	"testing"
	"time"
)

// TestNewRequestID pins each dialect's request id: upper-case hex of its
// number of random bytes (S3 16 characters, OSS 24, Sina 32), fresh each
// time, and every digit in use.
func TestNewRequestID(t *testing.T) {
	for _, tc := range []struct {
		d    *dialect
		want *regexp.Regexp
	}{
		{s3, regexp.MustCompile(`^[0-9A-F]{16}$`)},
		{oss, regexp.MustCompile(`^[0-9A-F]{24}$`)},
		{sina, regexp.MustCompile(`^[0-9A-F]{32}$`)},
	} {
		seen := map[string]bool{}
		digits := map[rune]bool{}
		for range 200 {
			id := tc.d.newRequestID()
			if !tc.want.MatchString(id) {
				t.Fatalf("%s: request id %q, want %s", tc.d.name, id, tc.want)
			}
			if seen[id] {
				t.Fatalf("%s: request id %q twice", tc.d.name, id)
			}
			seen[id] = true
			for _, c := range id {
				digits[c] = true
			}
		}
		if len(digits) != 16 {
			t.Errorf("%s: %d distinct digits in 200 ids, want all 16", tc.d.name, len(digits))
		}
	}
}

// TestHTTPDate: httpDate writes what time.Format with http.TimeFormat
// writes, for every weekday and month, both ends of each field, times
// not in UTC, and years outside 0-9999 (where it falls back to Format).
func TestHTTPDate(t *testing.T) {
	times := []time.Time{
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 6, 15, 12, 30, 45, 0, time.UTC),
		time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 12, 7, 23, 30, 0, 0, time.FixedZone("x", -2*3600)),
		time.Date(2026, 12, 7, 0, 30, 0, 500, time.FixedZone("y", 5*3600+1800)),
		time.Unix(1<<40, 0),
	}
	for d := range 400 {
		times = append(times, time.Date(2024, 1, 1+d, d%24, d%60, (d*7)%60, d, time.UTC))
	}
	for _, tm := range times {
		if got, want := httpDate(tm), tm.UTC().Format(http.TimeFormat); got != want {
			t.Errorf("httpDate(%v) = %q, want %q", tm, got, want)
		}
	}
}

// TestNewRequestIDs: newRequestIDs' host id is hostIDOf its request id,
// for each dialect's id length, and both come from one allocation.
func TestNewRequestIDs(t *testing.T) {
	for _, d := range []*dialect{s3, oss, sina} {
		for range 50 {
			id, host := d.newRequestIDs(true)
			if len(id) != 2*d.requestIDBytes || host != hostIDOf(id) {
				t.Fatalf("%s: %q, %q; want an id of %d digits and %q", d.name, id, host, 2*d.requestIDBytes, hostIDOf(id))
			}
			if id, host := d.newRequestIDs(false); len(id) != 2*d.requestIDBytes || host != "" {
				t.Fatalf("%s without host: %q, %q", d.name, id, host)
			}
		}
		if n := testing.AllocsPerRun(100, func() { _, _ = d.newRequestIDs(true) }); n != 1 && !raceEnabled {
			t.Errorf("%s: %v allocations, want 1", d.name, n)
		}
	}
}
