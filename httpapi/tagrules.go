package httpapi

import (
	"strings"
	"unicode"

	"github.com/osslite/osslite/engine"
)

// anyObjectTags accepts every tag set the engine accepts (S3: any UTF-8).
func anyObjectTags([]engine.Tag) error { return nil }

// ossObjectTags applies OSS's character rule for object tags (object.md
// 7.17): letters, digits, space and + - = . _ : / only.
func ossObjectTags(tags []engine.Tag) error {
	ok := func(s string) bool {
		for _, r := range s {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune(" +-=._:/", r) {
				return false
			}
		}
		return true
	}
	for _, t := range tags {
		if !ok(t.Key) || !ok(t.Value) {
			return errorf("InvalidTag", "The tag %q=%q contains characters that are not allowed: use letters, digits, spaces and + - = . _ : /.", t.Key, t.Value)
		}
	}
	return nil
}
