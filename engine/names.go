package engine

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode/utf8"
)

// NamingRules selects which bucket-naming rules CreateBucket enforces.
type NamingRules uint8

const (
	// NamingS3 is Amazon's: 3-63 characters of a-z, 0-9, '.' and '-',
	// starting and ending with a letter or digit, not an IP address, no "..",
	// none of the reserved prefixes and suffixes.
	NamingS3 NamingRules = iota
	// NamingOSS is Aliyun's: 3-63 characters of a-z, 0-9 and '-', starting
	// and ending with a letter or digit.
	NamingOSS
)

var (
	s3ReservedPrefixes = []string{"xn--", "sthree-", "amzn-s3-demo-"}
	s3ReservedSuffixes = []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"}
)

// ValidateBucketName reports whether name is a legal bucket name under rules.
// The error wraps ErrInvalidBucketName and says what is wrong.
func ValidateBucketName(name string, rules NamingRules) error {
	bad := func(why string) error {
		return fmt.Errorf("%w: %q %s", ErrInvalidBucketName, name, why)
	}
	if len(name) < 3 || len(name) > 63 {
		return bad("must be 3 to 63 characters long")
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-':
		case c == '.' && rules == NamingS3:
		default:
			return bad(fmt.Sprintf("contains %q", c))
		}
	}
	if !isAlnum(name[0]) || !isAlnum(name[len(name)-1]) {
		return bad("must begin and end with a letter or digit")
	}
	if rules == NamingS3 {
		if strings.Contains(name, "..") {
			return bad("must not contain two adjacent periods")
		}
		if _, err := netip.ParseAddr(name); err == nil {
			return bad("must not be formatted as an IP address")
		}
		for _, p := range s3ReservedPrefixes {
			if strings.HasPrefix(name, p) {
				return bad("uses the reserved prefix " + p)
			}
		}
		for _, s := range s3ReservedSuffixes {
			if strings.HasSuffix(name, s) {
				return bad("uses the reserved suffix " + s)
			}
		}
	}
	return nil
}

func isAlnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// validateKey checks an object key: 1 to max bytes of valid UTF-8.
func validateKey(key string, max int) error {
	switch {
	case key == "":
		return fmt.Errorf("%w: empty key", ErrInvalidKey)
	case len(key) > max:
		return fmt.Errorf("%w: %d bytes, the limit is %d", ErrKeyTooLong, len(key), max)
	case !utf8.ValidString(key):
		return fmt.Errorf("%w: key is not valid UTF-8", ErrInvalidKey)
	case strings.IndexByte(key, 0) >= 0:
		// XML 1.0 cannot carry U+0000, so such a key could never be listed;
		// refusing it also keeps 0x00 free as a separator in metadata keys.
		return fmt.Errorf("%w: key contains U+0000", ErrInvalidKey)
	}
	return nil
}
