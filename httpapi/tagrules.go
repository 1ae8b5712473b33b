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

// s3TagChars is S3's tag character rule: letters, digits and spaces in
// UTF-8 and + - = . _ : / @ (S3 refuses parentheses, commas, '&' and
// the like with InvalidTag; minio-go checks the same punctuation).
func s3TagChars(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune(" +-=._:/@", r) {
			return false
		}
	}
	return true
}
