package policy

import (
	"bytes"
	"encoding/json"
)

// Render writes the policy in canonical JSON: members in the documented
// order (Version, Id, Statement; Sid, Effect, Principal, Action,
// Resource, Condition), Statement always a list, single values as
// strings (OSS: lists), conditions sorted by operator and key. Parsing
// the result gives an equal Policy.
func (p *Policy) Render() []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	member := func(name string) {
		if !first {
			b.WriteByte(',')
		}
		first = false
		str(&b, name)
		b.WriteByte(':')
	}
	if p.Version != "" {
		member("Version")
		str(&b, p.Version)
	}
	if p.ID != "" {
		member("Id")
		str(&b, p.ID)
	}
	member("Statement")
	b.WriteByte('[')
	for i := range p.Statements {
		if i > 0 {
			b.WriteByte(',')
		}
		p.Statements[i].render(&b, p.Language)
	}
	b.WriteString("]}")
	return b.Bytes()
}

func (s *Statement) render(b *bytes.Buffer, lang Language) {
	b.WriteByte('{')
	if s.Sid != "" {
		str(b, "Sid")
		b.WriteByte(':')
		str(b, s.Sid)
		b.WriteByte(',')
	}
	str(b, "Effect")
	b.WriteByte(':')
	str(b, string(s.Effect))
	b.WriteByte(',')
	name := func(base string, not bool) {
		if not {
			base = "Not" + base
		}
		str(b, base)
		b.WriteByte(':')
	}
	if !s.Principal.Absent {
		name("Principal", s.NotPrincipal)
		writePrincipal(b, lang, s.Principal)
		b.WriteByte(',')
	}
	name("Action", s.NotAction)
	list(b, s.Action, lang == OSS)
	b.WriteByte(',')
	name("Resource", s.NotResource)
	list(b, s.Resource, lang == OSS)
	if len(s.Conditions) > 0 {
		b.WriteString(`,"Condition":{`)
		for i, c := range s.Conditions {
			if i == 0 || c.Operator != s.Conditions[i-1].Operator {
				if i > 0 {
					b.WriteString("},")
				}
				str(b, c.Operator)
				b.WriteString(":{")
			} else {
				b.WriteByte(',')
			}
			str(b, c.Key)
			b.WriteByte(':')
			list(b, c.Values, false)
		}
		b.WriteString("}}")
	}
	b.WriteByte('}')
}

// list writes one value as a string, several (or always, for OSS) as a list.
func list(b *bytes.Buffer, l []string, always bool) {
	if len(l) == 1 && !always {
		str(b, l[0])
		return
	}
	b.WriteByte('[')
	for i, v := range l {
		if i > 0 {
			b.WriteByte(',')
		}
		str(b, v)
	}
	b.WriteByte(']')
}

func str(b *bytes.Buffer, s string) {
	enc, _ := json.Marshal(s)
	b.Write(enc)
}

// writePrincipal writes a Principal element's value.
func writePrincipal(b *bytes.Buffer, lang Language, pr Principals) {
	switch {
	case lang == OSS:
		list(b, pr.AWS, true)
	case pr.Any:
		str(b, "*")
	default:
		b.WriteByte('{')
		n := 0
		for _, kv := range []struct {
			k string
			v []string
		}{{"AWS", pr.AWS}, {"CanonicalUser", pr.CanonicalUser},
			{"Federated", pr.Federated}, {"Service", pr.Service}} {
			if kv.v == nil {
				continue
			}
			if n > 0 {
				b.WriteByte(',')
			}
			n++
			str(b, kv.k)
			b.WriteByte(':')
			list(b, kv.v, false)
		}
		b.WriteByte('}')
	}
}
