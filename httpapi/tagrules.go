package httpapi

import (
	"strings"
	"unicode"
)

// ossTagChars is OSS's character rule for object tags (object.md 7.17):
// letters, digits, space and + - = . _ : / only.
func ossTagChars(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune(" +-=._:/", r) {
			return false
		}
	}
	return true
}
