package engine

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/osslite/osslite/pkg/bucketconfig"
)

// ValidateBucketName reports whether name can name a bucket: 3 to 63
// characters of a-z, 0-9, '.', '-' and '_', beginning and ending with a
// letter or digit, not ending with "-ossalias" (OSS access point aliases
// end so and are resolved before bucket names: a bucket may not take one,
// in any protocol). These are the rules every wire protocol shares
// (Sina's SCS allows '_'; all are safe as key prefixes); a protocol's
// stricter rules are its own business. The error wraps
// ErrInvalidBucketName and says what is wrong.
func ValidateBucketName(name string) error {
	bad := func(why string) error {
		return fmt.Errorf("%w: %q %s", ErrInvalidBucketName, name, why)
	}
	if len(name) < 3 || len(name) > 63 {
		return bad("must be 3 to 63 characters long")
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !isAlnum(c) && c != '-' && c != '.' && c != '_' {
			return bad(fmt.Sprintf("contains %q", c))
		}
	}
	if !isAlnum(name[0]) || !isAlnum(name[len(name)-1]) {
		return bad("must begin and end with a letter or digit")
	}
	if strings.HasSuffix(name, bucketconfig.AliasSuffix) {
		return bad("ends as access point aliases do (" + bucketconfig.AliasSuffix + ")")
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
