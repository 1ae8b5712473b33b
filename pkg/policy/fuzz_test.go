package policy

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

// FuzzParseRoundTrip parses arbitrary documents in both languages: no
// panic, failures wrap ErrMalformed or ErrTooLarge, and an accepted
// policy survives Render -> Parse unchanged (and renders the same).
func FuzzParseRoundTrip(f *testing.F) {
	for _, s := range []string{
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}}`,
		`{"Version":"2012-10-17","Statement":[{"Sid":"x","Effect":"Deny","Principal":{"AWS":["111122223333"],"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},"NotAction":"s3:Get*","NotResource":["arn:aws:s3:::bkt/${aws:username}/*"],"Condition":{"ForAnyValue:StringLikeIfExists":{"s3:RequestObjectTagKeys":["a","b"]},"Null":{"aws:Referer":true},"NumericLessThan":{"s3:max-keys":10.5}}}]}`,
		`{"Version":"1","Statement":[{"Effect":"Allow","Principal":["*"],"Action":["oss:GetObject"],"Resource":["acs:oss:*:*:bkt/*"],"Condition":{"IpAddress":{"acs:SourceIp":"10.0.0.0/8"}}}]}`,
		`{}`, `[]`, `{"Statement":[]}`, `{"Version":"1"}`,
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, doc []byte, oss bool) {
		lang := AWS
		if oss {
			lang = OSS
		}
		p, err := Parse(doc, lang, "bkt")
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error %v wraps neither ErrMalformed nor ErrTooLarge", err)
			}
			return
		}
		out := p.Render()
		back, err := Parse(out, lang, "bkt")
		if err != nil {
			t.Fatalf("re-parse of %s: %v", out, err)
		}
		if !reflect.DeepEqual(p.Statements, back.Statements) || p.Version != back.Version || p.ID != back.ID {
			t.Fatalf("round trip changed the policy:\n%s\n%s", doc, out)
		}
		if out2 := back.Render(); !bytes.Equal(out, out2) {
			t.Fatalf("render not stable:\n%s\n%s", out, out2)
		}
		p.IsPublic()
		p.Evaluate(&Request{Principal: Principal{Anonymous: true}, Action: "s3:GetObject", Resource: "arn:aws:s3:::bkt/k", Context: Values{"aws:SourceIp": {"127.0.0.1"}}})
	})
}
