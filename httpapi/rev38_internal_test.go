package httpapi

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

// FuzzHTTPDate: httpDate (Last-Modified, the Date header) and
// appendXMLTime (listings) write what time.Format writes, for any
// instant (years far outside 0-9999 included) in any fixed zone, east or
// west of UTC, to the second.
func FuzzHTTPDate(f *testing.F) {
	f.Add(int64(0), int64(0), int32(0))
	f.Add(int64(-62135596800), int64(0), int32(-12*3600))        // 0001-01-01
	f.Add(int64(253402300799), int64(999999999), int32(14*3600)) // 9999-12-31T23:59:59
	f.Add(int64(253402300800), int64(0), int32(-1))              // 10000-01-01
	f.Add(int64(-62167219201), int64(1), int32(1800))            // -0001-12-31
	f.Add(int64(1<<62), int64(-1), int32(59))
	f.Add(int64(1483228799), int64(0), int32(0)) // the second before 2016's leap second
	f.Fuzz(func(t *testing.T, sec, nsec int64, zone int32) {
		tm := time.Unix(sec, nsec).In(time.FixedZone("z", int(zone%(26*3600))))
		if got, want := httpDate(tm), tm.UTC().Format(http.TimeFormat); got != want {
			t.Fatalf("httpDate(%v) = %q, want %q", tm, got, want)
		}
		if got, want := xmlTime(tm), tm.UTC().Truncate(time.Second).Format("2006-01-02T15:04:05.000Z"); got != want {
			t.Fatalf("xmlTime(%v) = %q, want %q", tm, got, want)
		}
	})
}

// conditionsByGet is conditions as written before it read by canonical
// name: Header.Get, which canonicalizes the name asked for (never the
// header map's own keys).
func conditionsByGet(h http.Header, ifMatch, ifNoneMatch, ifModified, ifUnmodified string) (m, nm, ms, ums string) {
	return h.Get(ifMatch), h.Get(ifNoneMatch), h.Get(ifModified), h.Get(ifUnmodified)
}

// TestRev38ConditionsAsBefore: conditions reads each conditional header
// exactly as Header.Get did, for every name its callers pass (readObject,
// copy sources of each dialect, RenameObject's source and destination),
// with the header map built as net/http builds it (canonical keys) and
// by hand, as an embedder calling ServeHTTP may (lower-case, upper-case
// keys, both spellings at once): Header.Get never found a non-canonical
// key either, so no condition judged before goes unjudged now.
func TestRev38ConditionsAsBefore(t *testing.T) {
	date := "Mon, 07 Dec 2026 10:00:00 GMT"
	parsed, err := http.ParseTime(date)
	if err != nil {
		t.Fatal(err)
	}
	var sets [][4]string
	sets = append(sets, [4]string{"If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since"})
	for _, d := range []*dialect{s3, oss, sina} {
		sets = append(sets,
			[4]string{d.headerKey("copy-source-if-match"), d.headerKey("copy-source-if-none-match"), d.headerKey("copy-source-if-modified-since"), d.headerKey("copy-source-if-unmodified-since")},
			[4]string{d.headerKey("rename-source-if-match"), d.headerKey("rename-source-if-none-match"), d.headerKey("rename-source-if-modified-since"), d.headerKey("rename-source-if-unmodified-since")})
	}
	for _, names := range sets {
		for _, n := range names {
			if n != http.CanonicalHeaderKey(n) {
				t.Fatalf("%q is not canonical", n)
			}
		}
		spell := []func(string) string{
			func(s string) string { return s },
			strings.ToLower,
			strings.ToUpper,
		}
		for mask := range 1 << 6 {
			h := http.Header{}
			for i, n := range names {
				v := `"e"`
				if i >= 2 {
					v = date
				}
				if mask>>i&1 == 1 {
					h[spell[(mask>>4)%3](n)] = []string{v}
				}
				if mask>>(i+2)&1 == 1 && i < 2 {
					h[strings.ToLower(n)] = []string{`"lower"`}
				}
			}
			c := conditions(h, names[0], names[1], names[2], names[3])
			m, nm, ms, ums := conditionsByGet(h, names[0], names[1], names[2], names[3])
			want := [4]any{m, nm, ms != "", ums != ""}
			got := [4]any{c.IfMatch, c.IfNoneMatch, c.IfModifiedSince != nil, c.IfUnmodifiedSince != nil}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%q mask %d %v: conditions %v, Header.Get %v", names, mask, h, got, want)
			}
			for _, p := range []*time.Time{c.IfModifiedSince, c.IfUnmodifiedSince} {
				if p != nil && !p.Equal(parsed) {
					t.Fatalf("%q mask %d: date %v", names, mask, p)
				}
			}
		}
	}
}
