package policy

import (
	"encoding/base64"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// valueKind is what an operator compares.
type valueKind uint8

const (
	kindString valueKind = iota
	kindNumeric
	kindDate
	kindBool
	kindIP
	kindARN
	kindBinary
	kindNull
)

// operator is one condition operator (without IfExists and the set
// qualifiers): the values it compares, whether it is negated (true when
// the key is absent), and the comparison of one request value with one
// policy value (already variable-substituted for strings and ARNs).
type operator struct {
	name    string
	kind    valueKind
	negated bool
	// cmp compares request value r with policy value v.
	cmp func(r, v string, vs vars) bool
}

// valid reports whether v is a policy value the operator accepts.
func (o *operator) valid(v string) bool {
	if strings.Contains(v, "${") && (o.kind == kindString || o.kind == kindARN) {
		return true
	}
	switch o.kind {
	case kindNumeric:
		_, err := strconv.ParseFloat(v, 64)
		return err == nil
	case kindDate:
		_, ok := parseDate(v)
		return ok
	case kindBool, kindNull:
		return strings.EqualFold(v, "true") || strings.EqualFold(v, "false")
	case kindIP:
		_, ok := parsePrefix(v)
		return ok
	case kindBinary:
		_, err := base64.StdEncoding.DecodeString(v)
		return err == nil
	}
	return true
}

func subst(v string, vs vars) (string, bool) {
	if vs == nil || !strings.Contains(v, "${") {
		return v, true
	}
	p := compile(v, vs)
	if p == nil {
		return "", false
	}
	b := make([]byte, len(p))
	for i, t := range p {
		switch t.Kind {
		case tokStar:
			b[i] = '*'
		case tokOne:
			b[i] = '?'
		default:
			b[i] = t.B
		}
	}
	return string(b), true
}

func strEq(fold bool) func(r, v string, vs vars) bool {
	return func(r, v string, vs vars) bool {
		v, ok := subst(v, vs)
		if !ok {
			return false
		}
		if fold {
			return strings.EqualFold(r, v)
		}
		return r == v
	}
}

func strLike(r, v string, vs vars) bool { return compile(v, vs).match(r) }

func numCmp(f func(a, b float64) bool) func(r, v string, _ vars) bool {
	return func(r, v string, _ vars) bool {
		a, err1 := strconv.ParseFloat(r, 64)
		b, err2 := strconv.ParseFloat(v, 64)
		return err1 == nil && err2 == nil && f(a, b)
	}
}

func dateCmp(f func(a, b int) bool) func(r, v string, _ vars) bool {
	return func(r, v string, _ vars) bool {
		a, ok1 := parseDate(r)
		b, ok2 := parseDate(v)
		return ok1 && ok2 && f(a.Compare(b), 0)
	}
}

// parseDate reads the date forms AWS accepts: ISO 8601 (with or without
// seconds, zone or fraction), a date alone, or epoch seconds.
func parseDate(s string) (time.Time, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05",
		"2006-01-02T15:04Z07:00", "2006-01-02T15:04Z", "20060102T150405Z", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func parsePrefix(v string) (netip.Prefix, bool) {
	if p, err := netip.ParsePrefix(v); err == nil {
		return p.Masked(), true
	}
	if a, err := netip.ParseAddr(v); err == nil {
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	return netip.Prefix{}, false
}

func ipIn(r, v string, _ vars) bool {
	p, ok := parsePrefix(v)
	if !ok {
		return false
	}
	a, err := netip.ParseAddr(r)
	if err != nil {
		return false
	}
	return p.Contains(a.Unmap()) || p.Contains(a)
}

// arnLike compares an ARN with a pattern component by component (the
// six colon-separated parts), each with wildcards.
func arnLike(r, v string, vs vars) bool {
	v, ok := subst(v, vs)
	if !ok {
		return false
	}
	rp, vp := strings.SplitN(r, ":", 6), strings.SplitN(v, ":", 6)
	if len(rp) != len(vp) {
		return false
	}
	for i := range rp {
		if !compile(vp[i], nil).match(rp[i]) {
			return false
		}
	}
	return true
}

// operators maps each base operator name to its definition.
var operators = map[string]*operator{}

func init() {
	add := func(name string, kind valueKind, negated bool, cmp func(r, v string, vs vars) bool) {
		operators[name] = &operator{name: name, kind: kind, negated: negated, cmp: cmp}
	}
	add("StringEquals", kindString, false, strEq(false))
	add("StringNotEquals", kindString, true, strEq(false))
	add("StringEqualsIgnoreCase", kindString, false, strEq(true))
	add("StringNotEqualsIgnoreCase", kindString, true, strEq(true))
	add("StringLike", kindString, false, strLike)
	add("StringNotLike", kindString, true, strLike)
	add("NumericEquals", kindNumeric, false, numCmp(func(a, b float64) bool { return a == b }))
	add("NumericNotEquals", kindNumeric, true, numCmp(func(a, b float64) bool { return a == b }))
	add("NumericLessThan", kindNumeric, false, numCmp(func(a, b float64) bool { return a < b }))
	add("NumericLessThanEquals", kindNumeric, false, numCmp(func(a, b float64) bool { return a <= b }))
	add("NumericGreaterThan", kindNumeric, false, numCmp(func(a, b float64) bool { return a > b }))
	add("NumericGreaterThanEquals", kindNumeric, false, numCmp(func(a, b float64) bool { return a >= b }))
	add("DateEquals", kindDate, false, dateCmp(func(c, _ int) bool { return c == 0 }))
	add("DateNotEquals", kindDate, true, dateCmp(func(c, _ int) bool { return c == 0 }))
	add("DateLessThan", kindDate, false, dateCmp(func(c, _ int) bool { return c < 0 }))
	add("DateLessThanEquals", kindDate, false, dateCmp(func(c, _ int) bool { return c <= 0 }))
	add("DateGreaterThan", kindDate, false, dateCmp(func(c, _ int) bool { return c > 0 }))
	add("DateGreaterThanEquals", kindDate, false, dateCmp(func(c, _ int) bool { return c >= 0 }))
	add("Bool", kindBool, false, func(r, v string, _ vars) bool { return strings.EqualFold(r, v) })
	add("BinaryEquals", kindBinary, false, func(r, v string, _ vars) bool { return r == v })
	add("IpAddress", kindIP, false, ipIn)
	add("NotIpAddress", kindIP, true, ipIn)
	add("ArnEquals", kindARN, false, arnLike)
	add("ArnLike", kindARN, false, arnLike)
	add("ArnNotEquals", kindARN, true, arnLike)
	add("ArnNotLike", kindARN, true, arnLike)
	add("Null", kindNull, false, nil)
}

// lookupOperator splits "ForAnyValue:StringLikeIfExists" into its parts.
func lookupOperator(name string) (op *operator, set setQualifier, ifExists bool, ok bool) {
	base := name
	if q, rest, found := strings.Cut(name, ":"); found {
		switch q {
		case "ForAnyValue":
			set = setAnyValue
		case "ForAllValues":
			set = setAllValues
		default:
			return nil, 0, false, false
		}
		base = rest
	}
	if b, found := strings.CutSuffix(base, "IfExists"); found && b != "Null" {
		base, ifExists = b, true
	}
	op, ok = operators[base]
	if ok && op.kind == kindNull && set != setNone {
		return nil, 0, false, false
	}
	return op, set, ifExists, ok
}

// eval evaluates the condition against the request's values for its key.
func (c *Condition) eval(ctx Context, vs vars) bool {
	var vals []string
	present := false
	if ctx != nil {
		vals, present = ctx.Lookup(NormalizeKey(c.Key))
	}
	present = present && len(vals) > 0
	if c.op.kind == kindNull {
		for _, v := range c.Values {
			if strings.EqualFold(v, "true") == !present {
				return true
			}
		}
		return false
	}
	if !present {
		switch {
		case c.ifExists:
			return true
		case c.set == setAllValues:
			return true
		case c.set == setAnyValue:
			return false
		}
		return c.op.negated
	}
	// one says whether a single request value satisfies the operator.
	one := func(r string) bool {
		hit := false
		for _, v := range c.Values {
			if c.op.cmp(r, v, vs) {
				hit = true
				break
			}
		}
		return hit != c.op.negated
	}
	switch c.set {
	case setAllValues:
		for _, r := range vals {
			if !one(r) {
				return false
			}
		}
		return true
	case setAnyValue:
		for _, r := range vals {
			if one(r) {
				return true
			}
		}
		return false
	}
	if c.op.negated {
		// Negated operators hold when no request value matches.
		for _, r := range vals {
			if !one(r) {
				return false
			}
		}
		return true
	}
	for _, r := range vals {
		if one(r) {
			return true
		}
	}
	return false
}
