package sqlselect

import (
	"bytes"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// kind is the type of a value. The order matters only for the type names.
type kind uint8

const (
	kMissing kind = iota
	kNull
	kBool
	kInt
	kFloat
	kDecimal
	kString
	kTimestamp
	kList
	kStruct
)

var kindNames = [...]string{"MISSING", "NULL", "BOOL", "INT", "FLOAT", "DECIMAL", "STRING", "TIMESTAMP", "LIST", "STRUCT"}

func (k kind) String() string { return kindNames[k] }

// Timestamp precisions, from coarsest to finest.
const (
	precYear uint8 = iota + 1
	precMonth
	precDay
	precMinute
	precSecond
	precFraction
)

// value is one SQL value. Strings are byte slices that may alias an input
// buffer: they are valid until the next record is read, and anything kept
// longer (aggregates, output) copies them.
type value struct {
	k kind
	// untyped marks a string read from CSV: it has no type of its own and is
	// converted to whatever the other operand of a comparison, an arithmetic
	// operator or an aggregate needs.
	untyped bool
	// numText marks untyped text that was a JSON number: JSON output
	// writes it back as that number.
	numText bool
	prec    uint8 // timestamps: precision
	frac    uint8 // timestamps: fractional-second digits when prec == precFraction
	i       int64 // bool (0/1) and int
	f       float64
	s       []byte     // strings; a Parquet DECIMAL's exact text (f is its nearest float)
	t       *time.Time // timestamps
	st      *object    // structs; lists keep their elements in st.vals
}

// object is a JSON object (struct) with its keys in document order, or
// the elements of a list (names nil).
type object struct {
	names []string
	vals  []value
	// index finds members by name once the object has many and has been
	// searched a few times (lookups counts the searches): a scan each
	// time made a query's paths times a record's members the cost, 10 s
	// for 20,000 paths over one record of 160,000 members.
	index   *nameIndex
	lookups int
}

// nameIndex is an object's members by name.
type nameIndex struct {
	exact map[string]int       // the first member of each name
	fold  map[string]foldEntry // by foldKey
}

// foldEntry is the first member whose name has a foldKey, and whether
// another has it too.
type foldEntry struct {
	first int
	many  bool
}

// An object is indexed on its indexAfterLookups-th search if it has at
// least indexMinNames members: a scan is cheaper for fewer, or once.
const (
	indexMinNames     = 32
	indexAfterLookups = 4
)

func (o *object) indexed() *nameIndex {
	if o.index != nil || len(o.names) < indexMinNames {
		return o.index
	}
	if o.lookups++; o.lookups < indexAfterLookups {
		return nil
	}
	ix := &nameIndex{exact: make(map[string]int, len(o.names)), fold: make(map[string]foldEntry, len(o.names))}
	for i, n := range o.names {
		if _, ok := ix.exact[n]; !ok {
			ix.exact[n] = i
		}
		k := foldKey(n)
		if e, ok := ix.fold[k]; ok {
			e.many = true
			ix.fold[k] = e
		} else {
			ix.fold[k] = foldEntry{first: i}
		}
	}
	o.index = ix
	return ix
}

// find returns the index of the first member named n, or -1.
func (o *object) find(n string) int {
	if ix := o.indexed(); ix != nil {
		if i, ok := ix.exact[n]; ok {
			return i
		}
		return -1
	}
	return indexOf(o.names, n)
}

// findFold returns the index of the first member whose name equals n
// ignoring case (strings.EqualFold), or -1, and whether another does too.
func (o *object) findFold(n string) (i int, many bool) {
	if ix := o.indexed(); ix != nil {
		e, ok := ix.fold[foldKey(n)]
		if !ok {
			return -1, false
		}
		return e.first, e.many
	}
	i = -1
	for j, m := range o.names {
		if strings.EqualFold(m, n) {
			if i >= 0 {
				return i, true
			}
			i = j
		}
	}
	return i, false
}

// foldKey maps each rune of s (an invalid byte as utf8.RuneError, as
// strings.EqualFold decodes it) to the smallest rune of its
// unicode.SimpleFold orbit: strings.EqualFold(a, b) holds exactly when
// foldKey(a) == foldKey(b).
func foldKey(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r < utf8.RuneSelf {
			if 'a' <= r && r <= 'z' {
				r -= 'a' - 'A'
			}
			b = append(b, byte(r))
			continue
		}
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		b = utf8.AppendRune(b, least)
	}
	return string(b)
}

var (
	missingV = value{k: kMissing}
	nullV    = value{k: kNull}
	trueV    = value{k: kBool, i: 1}
	falseV   = value{k: kBool}
)

func boolV(b bool) value {
	if b {
		return trueV
	}
	return falseV
}
func intV(i int64) value       { return value{k: kInt, i: i} }
func floatV(f float64) value   { return value{k: kFloat, f: f} }
func decimalV(f float64) value { return value{k: kDecimal, f: f} }
func stringV(s string) value   { return value{k: kString, s: []byte(s)} }
func bytesV(b []byte) value    { return value{k: kString, s: b} }
func untypedV(b []byte) value  { return value{k: kString, s: b, untyped: true} }
func tsV(t time.Time, prec, frac uint8) value {
	return value{k: kTimestamp, t: &t, prec: prec, frac: frac}
}

func (v value) absent() bool   { return v.k <= kNull }
func (v value) isNumber() bool { return v.k == kInt || v.k == kFloat || v.k == kDecimal }
func (v value) isTrue() bool   { return v.k == kBool && v.i != 0 }
func (v value) num() float64 {
	if v.k == kInt {
		return float64(v.i)
	}
	return v.f
}

// typeName is the SQL type name used in error details.
func (v value) typeName() string { return v.k.String() }

// clone copies the bytes a value may share with an input buffer.
func (v value) clone() value {
	switch v.k {
	case kString:
		v.s = bytes.Clone(v.s)
	case kList, kStruct:
		o := &object{names: v.st.names, vals: make([]value, len(v.st.vals))}
		for i, e := range v.st.vals {
			o.vals[i] = e.clone()
		}
		v.st = o
	}
	return v
}

// parseIntBytes parses a base-10 int64 without allocating. Surrounding
// blanks are not accepted.
func parseIntBytes(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	neg := false
	i := 0
	switch b[0] {
	case '-':
		neg = true
		i = 1
	case '+':
		i = 1
	}
	if i == len(b) {
		return 0, false
	}
	var n uint64
	for ; i < len(b); i++ {
		c := b[i] - '0'
		if c > 9 {
			return 0, false
		}
		if n > (math.MaxUint64-9)/10 {
			return 0, false
		}
		n = n*10 + uint64(c)
	}
	if neg {
		if n > 1<<63 {
			return 0, false
		}
		return -int64(n), true
	}
	if n > math.MaxInt64 {
		return 0, false
	}
	return int64(n), true
}

// numberFromText converts untyped text to a number: an int when it is one,
// else a float. Leading and trailing blanks are ignored.
func numberFromText(b []byte) (value, bool) {
	if n, ok := parseIntBytes(b); ok {
		return intV(n), true
	}
	b = bytes.TrimSpace(b)
	if n, ok := parseIntBytes(b); ok {
		return intV(n), true
	}
	if len(b) == 0 || !looksNumeric(b) {
		return value{}, false
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return value{}, false
	}
	return floatV(f), true
}

// looksNumeric rejects words strconv accepts but SQL does not (inf, nan,
// hex floats, underscores).
func looksNumeric(b []byte) bool {
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9', c == '.', c == '-', c == '+', c == 'e', c == 'E':
		default:
			return false
		}
	}
	return true
}

// coerceUntyped converts an untyped string to the kind of other, reporting
// false when it cannot.
func coerceUntyped(v, other value) (value, bool) {
	switch other.k {
	case kInt, kFloat, kDecimal:
		return numberFromText(v.s)
	case kBool:
		switch strings.ToLower(string(bytes.TrimSpace(v.s))) {
		case "true":
			return trueV, true
		case "false":
			return falseV, true
		}
		return value{}, false
	case kTimestamp:
		t, err := parseTimestamp(string(bytes.TrimSpace(v.s)))
		if err != nil {
			return value{}, false
		}
		return t, true
	case kString:
		return v, true
	}
	return value{}, false
}

// cmpResult says whether two values could be compared.
type cmpResult uint8

const (
	cmpOK           cmpResult = iota
	cmpIncomparable           // different types: = is false, < is an error
	cmpUnknown                // untyped text that does not convert: NULL
)

// compare orders two present (not NULL or MISSING) values.
func compare(a, b value) (int, cmpResult) {
	if a.untyped && !(b.k == kString) {
		c, ok := coerceUntyped(a, b)
		if !ok {
			return 0, cmpUnknown
		}
		a = c
	} else if b.untyped && !(a.k == kString) {
		c, ok := coerceUntyped(b, a)
		if !ok {
			return 0, cmpUnknown
		}
		b = c
	}
	switch {
	case a.k == kInt && b.k == kInt:
		return cmpInt(a.i, b.i), cmpOK
	case a.isNumber() && b.isNumber():
		c := cmpFloat(a.num(), b.num())
		if c == 0 && (a.exactDigits() || b.exactDigits()) && a.exact() && b.exact() {
			c = cmpExact(a, b)
		}
		return c, cmpOK
	case a.k != b.k:
		return 0, cmpIncomparable
	}
	switch a.k {
	case kString:
		return bytes.Compare(a.s, b.s), cmpOK
	case kBool:
		return cmpInt(a.i, b.i), cmpOK
	case kTimestamp:
		return a.t.Compare(*b.t), cmpOK
	}
	return 0, cmpIncomparable
}

// exactDigits reports a DECIMAL that holds its exact digits (a Parquet
// DECIMAL's, or a UINT(64) past math.MaxInt64): its float is only the
// nearest one.
func (v value) exactDigits() bool { return v.k == kDecimal && v.s != nil }

// exact reports an INT or a DECIMAL with its digits: a number exactArith
// and cmpExact can read exactly (a FLOAT, or a DECIMAL without digits,
// makes their answer the floats', without parsing the other operand).
func (v value) exact() bool { return v.k == kInt || v.exactDigits() }

// cmpExact orders two numbers whose floats are equal by their exact
// values when both have one (an INT, a DECIMAL with its digits): two
// 38-digit DECIMALs a cent apart are one float. A float, or a DECIMAL
// without digits (a literal, a computed value), compares as its float.
func cmpExact(a, b value) int {
	x, okA := exactRat(a)
	y, okB := exactRat(b)
	if !okA || !okB {
		return 0
	}
	return x.Cmp(y)
}

func exactRat(v value) (*big.Rat, bool) {
	switch {
	case v.k == kInt:
		return new(big.Rat).SetInt64(v.i), true
	case v.exactDigits():
		return new(big.Rat).SetString(string(v.s))
	}
	return nil, false
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// equal is deep equality for = and IN; lists and structs compare element
// by element. The second result is false when the comparison is unknown.
func equal(a, b value) (bool, bool) {
	if a.k == kList && b.k == kList {
		if len(a.st.vals) != len(b.st.vals) {
			return false, true
		}
		for i := range a.st.vals {
			if eq, ok := equal(a.st.vals[i], b.st.vals[i]); !ok || !eq {
				return eq, ok
			}
		}
		return true, true
	}
	if a.k == kStruct && b.k == kStruct {
		if len(a.st.names) != len(b.st.names) {
			return false, true
		}
		for i, n := range a.st.names {
			j := b.st.find(n)
			if j < 0 {
				return false, true
			}
			if eq, ok := equal(a.st.vals[i], b.st.vals[j]); !ok || !eq {
				return eq, ok
			}
		}
		return true, true
	}
	c, r := compare(a, b)
	switch r {
	case cmpIncomparable:
		return false, true
	case cmpUnknown:
		return false, false
	}
	return c == 0, true
}

func indexOf(names []string, n string) int {
	for i, m := range names {
		if m == n {
			return i
		}
	}
	return -1
}

// formatFloat renders a float the way JSON and CSV output want it: no
// exponent for ordinary magnitudes, integral values without a fraction.
func formatFloat(dst []byte, f float64) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		switch {
		case math.IsNaN(f):
			return append(dst, "NaN"...)
		case f > 0:
			return append(dst, "Infinity"...)
		}
		return append(dst, "-Infinity"...)
	}
	abs := math.Abs(f)
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		return strconv.AppendFloat(dst, f, 'E', -1, 64)
	}
	return strconv.AppendFloat(dst, f, 'f', -1, 64)
}

// appendText renders a value as CSV field text. NULL and MISSING are empty;
// lists and structs are rendered as JSON.
func appendText(dst []byte, v value) []byte {
	switch v.k {
	case kMissing, kNull:
		return dst
	case kBool:
		if v.i != 0 {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case kInt:
		return strconv.AppendInt(dst, v.i, 10)
	case kFloat, kDecimal:
		if v.s != nil { // a Parquet DECIMAL's exact digits
			return append(dst, v.s...)
		}
		return formatFloat(dst, v.f)
	case kString:
		return append(dst, v.s...)
	case kTimestamp:
		return appendTimestamp(dst, v)
	}
	return appendJSON(dst, v, &jsonPlain)
}

// appendJSON renders a value as JSON, copying the bytes plain marks into
// strings as they are (a dialect's jsonPlain). MISSING renders as null;
// callers omit missing struct members before getting here.
func appendJSON(dst []byte, v value, plain *[256]bool) []byte {
	switch v.k {
	case kMissing, kNull:
		return append(dst, "null"...)
	case kString:
		if v.numText && v.untyped {
			return append(dst, v.s...)
		}
		return appendJSONString(dst, v.s, plain)
	case kTimestamp:
		dst = append(dst, '"')
		dst = appendTimestamp(dst, v)
		return append(dst, '"')
	case kFloat, kDecimal:
		if v.s != nil {
			return append(dst, v.s...)
		}
		if math.IsInf(v.f, 0) || math.IsNaN(v.f) {
			dst = append(dst, '"')
			dst = formatFloat(dst, v.f)
			return append(dst, '"')
		}
		return formatFloat(dst, v.f)
	case kList:
		dst = append(dst, '[')
		for i, e := range v.st.vals {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSON(dst, e, plain)
		}
		return append(dst, ']')
	case kStruct:
		dst = append(dst, '{')
		first := true
		for i, n := range v.st.names {
			if v.st.vals[i].k == kMissing {
				continue
			}
			if !first {
				dst = append(dst, ',')
			}
			first = false
			dst = appendJSONString(dst, []byte(n), plain)
			dst = append(dst, ':')
			dst = appendJSON(dst, v.st.vals[i], plain)
		}
		return append(dst, '}')
	}
	return appendText(dst, v)
}

const hexDigits = "0123456789abcdef"

// appendJSONString renders s as a JSON string, copying the bytes plain
// marks as they are and escaping the other ASCII bytes.
func appendJSONString(dst []byte, s []byte, plain *[256]bool) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if plain[c] {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, s[start:i]...)
				dst = append(dst, `\ufffd`...)
				i++
				start = i
				continue
			}
			if r == '\u2028' || r == '\u2029' {
				dst = append(dst, s[start:i]...)
				dst = append(dst, `\u202`...)
				dst = append(dst, hexDigits[r&0xf])
				i += size
				start = i
				continue
			}
			i += size
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\', '/':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
