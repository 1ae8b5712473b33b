package httpapi

import (
	"io"
	"strings"
	"testing"
	"time"
)

// FuzzPostForm feeds arbitrary bodies to the POST Object form reader and
// arbitrary policies to the policy parser and checker: they may refuse
// them, with a wire error, but must not panic, must keep to the form
// limits, and a file they accept streams to its end.
func FuzzPostForm(f *testing.F) {
	f.Add("--b\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk/${filename}\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello\r\n--b--\r\n",
		`{"expiration":"2030-01-01T00:00:00Z","conditions":[["starts-with","$key","k/"],{"bucket":"b"},["content-length-range",0,9]]}`)
	f.Add("--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n\r\n--b--", `{"expiration":"2030-01-01T00:00:00.000Z","conditions":[["in","$key",["a","b"]],["not-in","$acl",[]]]}`)
	f.Add("--b\r\n\r\n", `{"expiration":1,"conditions":{}}`)
	f.Fuzz(func(t *testing.T, body, policy string) {
		form, err := readPostForm(strings.NewReader(body), "multipart/form-data; boundary=b", 4096)
		if err == nil {
			total := 0
			for _, v := range form.values {
				if len(v) > 4096 {
					t.Fatalf("a field of %d bytes passed a 4096-byte cap", len(v))
				}
				total += len(v)
			}
			if total > 4096 {
				t.Fatalf("%d bytes of fields passed a 4096-byte cap", total)
			}
			_, _ = io.Copy(io.Discard, form.file)
		} else if _, internal := toError(err); internal {
			t.Fatalf("not a wire error: %v", err)
		} else {
			form = &postForm{values: map[string]string{}}
		}
		for _, rules := range []policyRules{{}, {sets: true}} {
			p, err := parsePostPolicy(enc64(policy), rules)
			if err != nil {
				if _, internal := toError(err); internal {
					t.Fatalf("not a wire error: %v", err)
				}
				continue
			}
			_, _, _ = p.check(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), postValues{form: form, bucket: "b", key: form.get("key")})
			_ = p.uncovered(form, s3Post.exempt)
		}
	})
}

// FuzzCommonTypePrefix: a prefix is a prefix of commonTypePrefix(list)
// exactly when every trimmed type of the list starts with it (how a
// starts-with condition on Content-Type was checked, type by type).
func FuzzCommonTypePrefix(f *testing.F) {
	f.Add("image/jpeg, image/png", "image/")
	f.Add("a,,b", "")
	f.Add(" text/plain ", "text/plain ")
	f.Fuzz(func(t *testing.T, list, prefix string) {
		each := true
		for _, typ := range strings.Split(list, ",") {
			each = each && strings.HasPrefix(strings.TrimSpace(typ), prefix)
		}
		if got := strings.HasPrefix(commonTypePrefix(list), prefix); got != each {
			t.Fatalf("list %q, prefix %q: common prefix %q says %v, each type %v", list, prefix, commonTypePrefix(list), got, each)
		}
	})
}
