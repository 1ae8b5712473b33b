package httpapi

import (
	"testing"
	"time"
)

// TestXMLTime: the hand-written formatter agrees with time.Format of the
// whole second across dates, zones and sub-second parts (S3's .000), and
// falls back outside 0-9999.
func TestXMLTime(t *testing.T) {
	zone := time.FixedZone("x", -7*3600-30*60)
	for _, tm := range []time.Time{
		time.Date(2026, 12, 3, 7, 1, 2, 345_678_901, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(2000, 2, 29, 23, 30, 0, 1, zone),
		time.Unix(0, 0),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		if got, want := xmlTime(tm), tm.UTC().Truncate(time.Second).Format("2006-01-02T15:04:05.000Z"); got != want {
			t.Errorf("xmlTime(%v) = %s, want %s", tm, got, want)
		}
	}
}
