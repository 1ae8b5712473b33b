package bucketconfig

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzDecode feeds arbitrary stored forms to Decode for every kind: no
// panic, failures wrap ErrInvalid, and a value that decodes and validates
// survives Encode -> Decode -> Encode byte for byte.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"Status":"Enabled"}`, `{}`, `null`, `[]`, `<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>`,
		`{"TagSet":[{"Key":"k","Value":"v"}]}`, `{"Rules":[{"ID":"r","Status":"Enabled","Expiration":{"Days":1}}]}`, `<`, ``,
	} {
		for i := range Kinds() {
			f.Add(uint8(i), []byte(s))
		}
	}
	kinds := Kinds()
	f.Fuzz(func(t *testing.T, k uint8, data []byte) {
		kind := kinds[int(k)%len(kinds)]
		c, err := Decode(kind, data)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("%s: error %v does not wrap ErrInvalid", kind, err)
			}
			return
		}
		if c.Kind() != kind {
			t.Fatalf("Decode(%s) gave a %s", kind, c.Kind())
		}
		enc, err := Encode(c)
		if err != nil {
			return // decodable but invalid: Encode refuses, as it should
		}
		c2, err := Decode(kind, enc)
		if err != nil {
			t.Fatalf("%s: re-decode of %s: %v", kind, enc, err)
		}
		enc2, err := Encode(c2)
		if err != nil || !bytes.Equal(enc, enc2) {
			t.Fatalf("%s: round trip %s -> %s (%v)", kind, enc, enc2, err)
		}
	})
}
