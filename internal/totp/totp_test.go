package totp

import (
	"testing"
	"time"
)

// TestRFC6238 checks the SHA1 rows of RFC 6238's Appendix B test vectors
// (the secret "12345678901234567890", eight digits) and their six-digit
// forms.
func TestRFC6238(t *testing.T) {
	key := []byte("12345678901234567890")
	for _, tc := range []struct {
		unix int64
		want string
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	} {
		at := time.Unix(tc.unix, 0)
		if got := Code(key, Counter(at), 8); got != tc.want {
			t.Errorf("T=%d: eight digits %s, want %s", tc.unix, got, tc.want)
		}
		if got := Code(key, Counter(at), Digits); got != tc.want[2:] {
			t.Errorf("T=%d: six digits %s, want %s", tc.unix, got, tc.want[2:])
		}
	}
}

// TestMatchWindow accepts the step of now and one either side, nothing
// further.
func TestMatchWindow(t *testing.T) {
	key := []byte("12345678901234567890")
	now := time.Unix(1111111111, 0)
	c := Counter(now)
	for _, tc := range []struct {
		name    string
		counter uint64
		ok      bool
	}{
		{"previous", c - 1, true},
		{"current", c, true},
		{"next", c + 1, true},
		{"two back", c - 2, false},
		{"two ahead", c + 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, ok := Match(key, Code(key, tc.counter, Digits), now)
			if ok != tc.ok || (ok && n != tc.counter) {
				t.Fatalf("Match = %d, %v; want %d, %v", n, ok, tc.counter, tc.ok)
			}
		})
	}
	if _, ok := Match(key, "12345", now); ok {
		t.Fatal("a short code matched")
	}
}

func TestDecodeSecret(t *testing.T) {
	// "12345678901234567890" in base32, as apps show it: lower case,
	// grouped, unpadded.
	key, err := DecodeSecret("gezd gnbv gy3t qojq gezd gnbv gy3t qojq")
	if err != nil || string(key) != "12345678901234567890" {
		t.Fatalf("DecodeSecret = %q, %v", key, err)
	}
	for _, bad := range []string{"", "====", "not base32!", "01"} {
		if _, err := DecodeSecret(bad); err == nil {
			t.Errorf("DecodeSecret(%q) succeeded", bad)
		}
	}
}
