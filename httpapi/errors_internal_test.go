package httpapi

import "testing"

// TestEveryCodeHasAMessage: every code of the table, as each dialect
// writes it (renamed or not), carries a message in its error document.
func TestEveryCodeHasAMessage(t *testing.T) {
	for _, d := range []*dialect{s3, oss, sina} {
		for code := range codes {
			if e := d.localize(errorf(code, "")); e.Message == "" {
				t.Errorf("%s: %s (written %s) has no message", d.name, code, e.Code)
			}
		}
	}
}
