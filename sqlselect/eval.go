package sqlselect

import (
	"bytes"
	"math"
	"math/big"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// evalFn evaluates a compiled expression against the current record.
type evalFn func(r *row) (value, error)

func constFn(v value) evalFn { return func(*row) (value, error) { return v, nil } }

// absentOf is the result of an operator with a NULL or MISSING operand:
// MISSING if any operand is MISSING, else NULL.
func absentOf(a, b value) value {
	if a.k == kMissing || b.k == kMissing {
		return missingV
	}
	return nullV
}

func literalValue(l *Literal) (value, error) {
	switch l.Kind {
	case LitString:
		return stringV(l.Text), nil
	case LitInt:
		n, err := strconv.ParseInt(l.Text, 10, 64)
		if err != nil {
			return value{}, errorf(ErrIntegerOverflow, "%s", l.Text)
		}
		return intV(n), nil
	case LitDecimal, LitFloat:
		f, err := strconv.ParseFloat(l.Text, 64)
		if err != nil {
			return value{}, errorf(ErrLexerInvalidLiteral, "%s", l.Text)
		}
		if l.Kind == LitDecimal {
			if v, ok := decimalLiteral(l.Text); ok {
				return v, nil
			}
			return decimalV(f), nil
		}
		return floatV(f), nil
	case LitBool:
		return boolV(l.Text == "TRUE"), nil
	case LitNull:
		return nullV, nil
	case LitMissing:
		return missingV, nil
	case LitTimestamp:
		return parseTimestamp(l.Text)
	}
	return value{}, errorf(ErrInternalError, "literal kind %d", l.Kind)
}

// toBool interprets a value as a truth value: ok is false for NULL and
// MISSING; a non-boolean is an error.
func toBool(v value, what string) (b, ok bool, err error) {
	switch v.k {
	case kBool:
		return v.i != 0, true, nil
	case kMissing, kNull:
		return false, false, nil
	case kString:
		if v.untyped {
			if c, ok := coerceUntyped(v, trueV); ok {
				return c.i != 0, true, nil
			}
		}
	}
	return false, false, errorf(ErrInvalidDataType, "%s needs a boolean, got %s", what, v.typeName())
}

func (c *compiler) logical(e *Binary) (evalFn, error) {
	l, err := c.expr(e.L)
	if err != nil {
		return nil, err
	}
	r, err := c.expr(e.R)
	if err != nil {
		return nil, err
	}
	isAnd := e.Op == "AND"
	return func(rw *row) (value, error) {
		a, err := l(rw)
		if err != nil {
			return value{}, err
		}
		ab, aok, err := toBool(a, e.Op)
		if err != nil {
			return value{}, err
		}
		if aok && ab != isAnd { // false AND x, true OR x
			return boolV(ab), nil
		}
		b, err := r(rw)
		if err != nil {
			return value{}, err
		}
		bb, bok, err := toBool(b, e.Op)
		if err != nil {
			return value{}, err
		}
		if bok && bb != isAnd {
			return boolV(bb), nil
		}
		if aok && bok {
			return boolV(isAnd), nil
		}
		return nullV, nil
	}, nil
}

// compareOp applies a comparison operator to two values.
func compareOp(op string, a, b value) (value, error) {
	if a.absent() || b.absent() {
		return absentOf(a, b), nil
	}
	if op == "=" || op == "<>" {
		eq, ok := equal(a, b)
		if !ok {
			return nullV, nil
		}
		return boolV(eq == (op == "=")), nil
	}
	c, res := compare(a, b)
	switch res {
	case cmpUnknown:
		return nullV, nil
	case cmpIncomparable:
		return value{}, errorf(ErrInvalidDataType, "cannot compare %s %s %s", a.typeName(), op, b.typeName())
	}
	switch op {
	case "<":
		return boolV(c < 0), nil
	case "<=":
		return boolV(c <= 0), nil
	case ">":
		return boolV(c > 0), nil
	}
	return boolV(c >= 0), nil
}

func (c *compiler) comparison(e *Binary) (evalFn, error) {
	l, err := c.expr(e.L)
	if err != nil {
		return nil, err
	}
	r, err := c.expr(e.R)
	if err != nil {
		return nil, err
	}
	op := e.Op
	// Fast path: a CSV column against an integer literal, the shape of
	// most filters. No allocation, no generic dispatch.
	if col, ok := c.csvColumn(e.L); ok {
		if lit, ok := e.R.(*Literal); ok && lit.Kind == LitInt {
			n, _ := strconv.ParseInt(lit.Text, 10, 64)
			return csvIntCompare(col, op, n, c.absentCol), nil
		}
	}
	return func(rw *row) (value, error) {
		a, err := l(rw)
		if err != nil {
			return value{}, err
		}
		b, err := r(rw)
		if err != nil {
			return value{}, err
		}
		if err := rw.m.payValues(a, b); err != nil {
			return value{}, err
		}
		return compareOp(op, a, b)
	}, nil
}

func csvIntCompare(col int, op string, n int64, absent value) evalFn {
	litV := intV(n)
	slow := func(b []byte) (value, error) { return compareOp(op, untypedV(b), litV) }
	switch op {
	case ">":
		return func(rw *row) (value, error) {
			if col >= len(rw.fields) {
				rw.partial = true
				return absent, nil
			}
			if x, ok := parseIntBytes(rw.fields[col]); ok {
				return boolV(x > n), nil
			}
			return slow(rw.fields[col])
		}
	case "<":
		return func(rw *row) (value, error) {
			if col >= len(rw.fields) {
				rw.partial = true
				return absent, nil
			}
			if x, ok := parseIntBytes(rw.fields[col]); ok {
				return boolV(x < n), nil
			}
			return slow(rw.fields[col])
		}
	case "=":
		return func(rw *row) (value, error) {
			if col >= len(rw.fields) {
				rw.partial = true
				return absent, nil
			}
			if x, ok := parseIntBytes(rw.fields[col]); ok {
				return boolV(x == n), nil
			}
			return slow(rw.fields[col])
		}
	}
	return func(rw *row) (value, error) {
		if col >= len(rw.fields) {
			rw.partial = true
			return absent, nil
		}
		return slow(rw.fields[col])
	}
}

func (c *compiler) arith(e *Binary) (evalFn, error) {
	if e.Op == "||" {
		return c.concat(e)
	}
	l, err := c.expr(e.L)
	if err != nil {
		return nil, err
	}
	r, err := c.expr(e.R)
	if err != nil {
		return nil, err
	}
	op := e.Op
	return func(rw *row) (value, error) {
		a, err := l(rw)
		if err != nil {
			return value{}, err
		}
		b, err := r(rw)
		if err != nil {
			return value{}, err
		}
		return arithOp(op, a, b)
	}, nil
}

// concat compiles a chain a || b || c ... (the parser's left-deep tree)
// as one operation: the operands are evaluated and checked from the left
// as the chain of binary || would, and the string is built once, so that
// N operands cost N and not N squared (30,000 "|| s.x" over a 1-byte field
// built strings of 1 to 30,000 bytes, half a GB of copying per record).
func (c *compiler) concat(e *Binary) (evalFn, error) {
	var operands []Expr
	var x Expr = e
	for {
		b, ok := x.(*Binary)
		if !ok || b.Op != "||" {
			break
		}
		operands = append(operands, b.R)
		x = b.L
	}
	operands = append(operands, x)
	slices.Reverse(operands)
	fns := make([]evalFn, len(operands))
	for i, o := range operands {
		f, err := c.expr(o)
		if err != nil {
			return nil, err
		}
		fns[i] = f
	}
	return func(rw *row) (value, error) {
		acc, err := fns[0](rw)
		if err != nil {
			return value{}, err
		}
		var parts [][]byte
		size := 0
		for _, f := range fns[1:] {
			b, err := f(rw)
			if err != nil {
				return value{}, err
			}
			switch {
			case acc.absent() || b.absent():
				acc, parts = absentOf(acc, b), nil
				continue
			case acc.k != kString || b.k != kString:
				return value{}, errorf(ErrInvalidDataType, "|| needs strings, got %s and %s", acc.typeName(), b.typeName())
			}
			if parts == nil {
				parts, size = append(parts, acc.s), len(acc.s)
			}
			if size += len(b.s); size > maxConcat {
				return value{}, errorf(ErrOverMaxRecordSize, "|| would make a string of %d bytes (at most %d)", size, maxConcat)
			}
			parts = append(parts, b.s)
			acc = value{k: kString} // a string, built at the end
		}
		if parts == nil {
			return acc, nil
		}
		if err := rw.m.pay(size); err != nil {
			return value{}, err
		}
		s := make([]byte, 0, size)
		for _, p := range parts {
			s = append(s, p...)
		}
		return bytesV(s), nil
	}, nil
}

// maxConcat bounds the string || makes: the record limit, which no
// concatenation of one record's own fields exceeds. Without it a chain
// "s.x || s.x || ..." grew by the field at each step: a 22 KB expression
// over a 1 MB field asked for 3 GB and the process died out of memory.
const maxConcat = 1 << 20

func arithOp(op string, a, b value) (value, error) {
	if a.absent() || b.absent() {
		return absentOf(a, b), nil
	}
	var ok bool
	if a.k == kString && a.untyped {
		if a, ok = numberFromText(a.s); !ok {
			return nullV, nil
		}
	}
	if b.k == kString && b.untyped {
		if b, ok = numberFromText(b.s); !ok {
			return nullV, nil
		}
	}
	if !a.isNumber() || !b.isNumber() {
		return value{}, errorf(ErrInvalidDataType, "%s %s %s", a.typeName(), op, b.typeName())
	}
	if a.k == kInt && b.k == kInt {
		x, y := a.i, b.i
		switch op {
		case "+":
			s := x + y
			if (s > x) != (y > 0) {
				return value{}, errorf(ErrIntegerOverflow, "%d + %d", x, y)
			}
			return intV(s), nil
		case "-":
			s := x - y
			if (s < x) != (y > 0) {
				return value{}, errorf(ErrIntegerOverflow, "%d - %d", x, y)
			}
			return intV(s), nil
		case "*":
			if x != 0 && y != 0 {
				p := x * y
				if p/y != x || (x == -1 && y == math.MinInt64) || (y == -1 && x == math.MinInt64) {
					return value{}, errorf(ErrIntegerOverflow, "%d * %d", x, y)
				}
				return intV(p), nil
			}
			return intV(0), nil
		case "/", "%":
			if y == 0 {
				return value{}, errorf(ErrExternalEvalException, "division by zero")
			}
			if y == -1 {
				if op == "%" {
					return intV(0), nil
				}
				if x == math.MinInt64 {
					return value{}, errorf(ErrIntegerOverflow, "%d / -1", x)
				}
				return intV(-x), nil
			}
			if op == "/" {
				return intV(x / y), nil
			}
			return intV(x % y), nil
		}
	}
	if (a.exactDigits() || b.exactDigits()) && a.exact() && b.exact() {
		if v, ok := exactArith(op, a, b); ok {
			return v, nil
		}
	}
	k := kDecimal
	if a.k == kFloat || b.k == kFloat {
		k = kFloat
	}
	x, y := a.num(), b.num()
	var f float64
	switch op {
	case "+":
		f = x + y
	case "-":
		f = x - y
	case "*":
		f = x * y
	case "/":
		if y == 0 {
			return value{}, errorf(ErrExternalEvalException, "division by zero")
		}
		f = x / y
	case "%":
		if y == 0 {
			return value{}, errorf(ErrExternalEvalException, "division by zero")
		}
		f = math.Mod(x, y)
	}
	return value{k: k, f: f}, nil
}

// exactArith is +, -, * and % of two exact numbers (INTs and DECIMALs
// with their digits, at least one a DECIMAL): a DECIMAL with its digits,
// of the larger scale for +, - and %, the sum of the scales for *, as SQL
// makes them (DECIMAL(4,2) 1.50 * 2 is 3.00). ok is false, and the caller
// computes in floats as before, for / (a quotient has no exact digits in
// general), a zero divisor (the caller's error), an operand without exact
// digits, and a result of more than maxDecimalPrecision digits or scale:
// each exact value stays within the bound Parquet's DECIMALs keep, so no
// expression grows a number past it, whatever its length.
func exactArith(op string, a, b value) (value, bool) {
	if op != "/" {
		if v, ok := smallArith(op, a, b); ok {
			return v, true
		}
	}
	x, sx, okA := exactUnscaled(a)
	y, sy, okB := exactUnscaled(b)
	if !okA || !okB {
		return value{}, false
	}
	var scale int32
	switch op {
	case "/":
		return exactQuotient(x, sx, y, sy)
	case "*":
		x.Mul(x, y)
		scale = sx + sy
	case "+", "-", "%":
		scale = max(sx, sy)
		x = rescale(x, scale-sx)
		y = rescale(y, scale-sy)
		switch op {
		case "+":
			x.Add(x, y)
		case "-":
			x.Sub(x, y)
		case "%":
			if y.Sign() == 0 {
				return value{}, false
			}
			x.Rem(x, y) // the dividend's sign, as INT % and math.Mod
		}
	default:
		return value{}, false
	}
	if scale > maxDecimalPrecision || x.CmpAbs(maxExactUnscaled) > 0 {
		return value{}, false
	}
	return decimalBig(x, scale), true
}

// decimalDigitsMax is the precision of S3 Select's decimal: "Base-10
// number, with maximum precision of 38 (that is, the maximum number of
// significant digits)" (the data-types page). A quotient that does not
// end, and a literal of more digits, keep 38, rounded half to even (as
// PartiQL's reference implementation rounds its decimals).
const decimalDigitsMax = 38

// exactQuotient is x×10^-sx / y×10^-sy as a DECIMAL: the exact quotient
// when it has at most decimalDigitsMax significant digits, at the
// smallest scale from sx-sy up that holds it (DECIMAL(10,2) 1.00 / 4 is
// 0.25, 3.00 / 1.5 is 2.0), else rounded half to even to
// decimalDigitsMax digits (1.00 / 3 is 0.33333333333333333333333333333333333333).
// ok is false for a zero divisor (the caller's error) and a result whose
// scale or digits pass maxDecimalPrecision (the caller's float).
func exactQuotient(x *big.Int, sx int32, y *big.Int, sy int32) (value, bool) {
	if y.Sign() == 0 {
		return value{}, false
	}
	neg := x.Sign()*y.Sign() < 0
	a, b := new(big.Int).Abs(x), new(big.Int).Abs(y)
	pref := sx - sy
	// Enough digits past the preferred scale that the integer quotient
	// has one more than decimalDigitsMax, for rounding.
	extra := int32(decimalDigitsMax + 1 + len(b.String()) - len(a.String()))
	extra = max(extra, 0)
	q, r := new(big.Int).QuoRem(rescale(a, extra), b, new(big.Int))
	scale := pref + extra
	if r.Sign() == 0 {
		// Exact: drop the zeros the extra digits added, down to the
		// preferred scale.
		ten, m := big.NewInt(10), new(big.Int)
		for scale > pref {
			d, mod := new(big.Int).QuoRem(q, ten, m)
			if mod.Sign() != 0 {
				break
			}
			q, scale = d, scale-1
		}
	}
	if n := len(q.String()); n > decimalDigitsMax {
		q, scale = roundDigits(q, n-decimalDigitsMax, r.Sign() != 0), scale-int32(n-decimalDigitsMax)
		if len(q.String()) > decimalDigitsMax { // 99...9 rounded up to 10^38
			q.Quo(q, big.NewInt(10))
			scale--
		}
	}
	if scale < 0 {
		q, scale = rescale(q, -scale), 0
	}
	if scale > maxDecimalPrecision || q.CmpAbs(maxExactUnscaled) > 0 {
		return value{}, false
	}
	if neg {
		q.Neg(q)
	}
	return decimalBig(q, scale), true
}

// roundDigits drops the last drop digits of n (not negative), rounding
// half to even; sticky says digits already dropped (a remainder) were
// not all zero.
func roundDigits(n *big.Int, drop int, sticky bool) *big.Int {
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(drop)), nil)
	q, rem := new(big.Int).QuoRem(n, p, new(big.Int))
	half := new(big.Int).Quo(p, big.NewInt(2))
	switch c := rem.Cmp(half); {
	case c > 0, c == 0 && sticky, c == 0 && q.Bit(0) == 1:
		q.Add(q, big.NewInt(1))
	}
	return q
}

// decimalLiteral reads a literal with a point (123.456: a decimal on
// S3's data-types page, whose float example is CAST(0.456 AS FLOAT)) as
// a DECIMAL with its digits, so 0.1 + 0.2 is 0.3 and a DECIMAL column
// plus 0.1 stays exact. More than decimalDigitsMax significant digits are
// rounded to it; ok is false past maxDecimalPrecision digits or scale
// (the caller keeps the float, as before).
func decimalLiteral(text string) (value, bool) {
	intPart, frac, _ := strings.Cut(text, ".")
	if len(frac) > maxDecimalPrecision || len(intPart) > maxDecimalPrecision {
		return value{}, false
	}
	n, ok := new(big.Int).SetString(intPart+frac, 10)
	if !ok {
		return value{}, false
	}
	scale := int32(len(frac))
	if d := len(n.String()); n.Sign() != 0 && d > decimalDigitsMax {
		n, scale = roundDigits(n, d-decimalDigitsMax, false), scale-int32(d-decimalDigitsMax)
		if len(n.String()) > decimalDigitsMax { // 99...9 rounded up to 10^38
			n.Quo(n, big.NewInt(10))
			scale--
		}
		if scale < 0 {
			n, scale = rescale(n, -scale), 0
		}
	}
	return decimalBig(n, scale), true
}

// smallArith is exactArith's +, -, * and % when both operands and the
// result fit an int64 unscaled (at most 18 digits each): the same
// answer without math/big, whose parsing and allocations made a column
// times a literal with a point several times slower than the floats it
// replaced. ok is false where it does not apply (the general path then
// decides).
func smallArith(op string, a, b value) (value, bool) {
	x, sx, okA := exactSmall(a)
	y, sy, okB := exactSmall(b)
	if !okA || !okB {
		return value{}, false
	}
	var scale int32
	switch op {
	case "*":
		hi, lo := bits.Mul64(absU(x), absU(y))
		if hi != 0 || lo > math.MaxInt64 {
			return value{}, false
		}
		n := int64(lo)
		if (x < 0) != (y < 0) {
			n = -n
		}
		return decimalInt(n, sx+sy), true
	case "+", "-", "%":
		scale = max(sx, sy)
		var ok bool
		if x, ok = scaleSmall(x, scale-sx); !ok {
			return value{}, false
		}
		if y, ok = scaleSmall(y, scale-sy); !ok {
			return value{}, false
		}
	default:
		return value{}, false
	}
	var n int64
	switch op {
	case "+":
		n = x + y
		if (n > x) != (y > 0) {
			return value{}, false
		}
	case "-":
		n = x - y
		if (n < x) != (y > 0) {
			return value{}, false
		}
	case "%":
		if y == 0 {
			return value{}, false
		}
		n = x % y // |x|, |y| < 10^18: no MinInt64 / -1
	}
	return decimalInt(n, scale), true
}

// exactSmall is exactUnscaled for an INT or a DECIMAL of at most 18
// digits, without allocating.
func exactSmall(v value) (n int64, scale int32, ok bool) {
	switch {
	case v.k == kInt:
		return v.i, 0, v.i != math.MinInt64
	case !v.exactDigits():
		return 0, 0, false
	}
	text, neg := v.s, false
	if len(text) > 0 && text[0] == '-' {
		text, neg = text[1:], true
	}
	digits := 0
	point := false
	for _, c := range text {
		switch {
		case c == '.' && !point:
			point = true
		case c >= '0' && c <= '9':
			if digits++; digits > 18 {
				return 0, 0, false
			}
			n = n*10 + int64(c-'0')
			if point {
				scale++
			}
		default:
			return 0, 0, false
		}
	}
	if neg {
		n = -n
	}
	return n, scale, digits > 0
}

// scaleSmall multiplies n by 10^by, ok false on overflow.
func scaleSmall(n int64, by int32) (int64, bool) {
	for ; by > 0; by-- {
		if n > math.MaxInt64/10 || n < math.MinInt64/10 {
			return 0, false
		}
		n *= 10
	}
	return n, true
}

func absU(n int64) uint64 {
	if n < 0 {
		return uint64(-n)
	}
	return uint64(n)
}

// maxExactUnscaled is the largest unscaled value of maxDecimalPrecision
// digits.
var maxExactUnscaled = new(big.Int).Sub(new(big.Int).Exp(big.NewInt(10), big.NewInt(maxDecimalPrecision), nil), big.NewInt(1))

// exactUnscaled is an exact number as unscaled × 10^-scale: an INT (scale
// 0) or a DECIMAL with its digits (the digits after its point are its
// scale). ok is false for any other value.
func exactUnscaled(v value) (n *big.Int, scale int32, ok bool) {
	switch {
	case v.k == kInt:
		return big.NewInt(v.i), 0, true
	case v.exactDigits():
		text := v.s
		if i := bytes.IndexByte(text, '.'); i >= 0 {
			scale = int32(len(text) - i - 1)
			text = append(text[:i:i], text[i+1:]...)
		}
		n, ok = new(big.Int).SetString(string(text), 10)
		return n, scale, ok
	}
	return nil, 0, false
}

// rescale multiplies n by 10^by (by >= 0, at most maxDecimalPrecision for
// the values exactUnscaled reads).
func rescale(n *big.Int, by int32) *big.Int {
	if by <= 0 {
		return n
	}
	return n.Mul(n, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(by)), nil))
}

func (c *compiler) unary(e *Unary) (evalFn, error) {
	x, err := c.expr(e.X)
	if err != nil {
		return nil, err
	}
	op := e.Op
	fn := func(rw *row) (value, error) {
		v, err := x(rw)
		if err != nil {
			return value{}, err
		}
		if v.absent() {
			return v, nil
		}
		if op == "NOT" {
			b, ok, err := toBool(v, "NOT")
			if err != nil || !ok {
				return nullV, err
			}
			return boolV(!b), nil
		}
		if v.k == kString && v.untyped {
			n, ok := numberFromText(v.s)
			if !ok {
				return nullV, nil
			}
			v = n
		}
		switch {
		case op == "+" && v.isNumber():
			return v, nil
		case v.k == kInt:
			if v.i == math.MinInt64 {
				return value{}, errorf(ErrIntegerOverflow, "-%d", v.i)
			}
			return intV(-v.i), nil
		case v.isNumber():
			v.f = -v.f
			if v.s != nil { // a DECIMAL's exact text; its zero has no sign
				if v.s[0] == '-' {
					v.s = v.s[1:]
				} else if bytes.ContainsAny(v.s, "123456789") {
					v.s = append([]byte{'-'}, v.s...)
				}
			}
			return v, nil
		}
		return value{}, errorf(ErrInvalidDataType, "%s%s", op, v.typeName())
	}
	if signedNumber(e) {
		// A constant (PartiQL folds the sign into the literal): computed
		// once, not per record (a DECIMAL's negated text was allocated
		// each time). One that fails (- -9223372036854775808) stays the
		// run's error.
		if v, err := fn(nil); err == nil {
			c.nodes-- // a constant costs a call: costLiteral
			return constFn(v), nil
		}
	}
	return fn, nil
}

// signedNumber reports + or - before a numeric literal, or before such a
// signed number: a constant, as PartiQL's parser makes it one literal.
func signedNumber(e Expr) bool {
	u, ok := e.(*Unary)
	if !ok || u.Op != "-" && u.Op != "+" {
		return false
	}
	if l, ok := u.X.(*Literal); ok {
		return isNumberLiteral(l)
	}
	return signedNumber(u.X)
}

func (c *compiler) between(e *Between) (evalFn, error) {
	x, err := c.expr(e.X)
	if err != nil {
		return nil, err
	}
	lo, err := c.expr(e.Lo)
	if err != nil {
		return nil, err
	}
	hi, err := c.expr(e.Hi)
	if err != nil {
		return nil, err
	}
	neg := e.Not
	return func(rw *row) (value, error) {
		v, err := x(rw)
		if err != nil {
			return value{}, err
		}
		l, err := lo(rw)
		if err != nil {
			return value{}, err
		}
		h, err := hi(rw)
		if err != nil {
			return value{}, err
		}
		a, err := compareOp(">=", v, l)
		if err != nil {
			return value{}, err
		}
		b, err := compareOp("<=", v, h)
		if err != nil {
			return value{}, err
		}
		var res value
		switch {
		case a.k == kBool && a.i == 0 || b.k == kBool && b.i == 0:
			res = falseV
		case a.k == kBool && b.k == kBool:
			res = trueV
		default:
			return nullV, nil
		}
		if neg {
			res = boolV(res.i == 0)
		}
		return res, nil
	}, nil
}

func (c *compiler) in(e *In) (evalFn, error) {
	x, err := c.expr(e.X)
	if err != nil {
		return nil, err
	}
	list := make([]evalFn, len(e.List))
	for i, it := range e.List {
		if list[i], err = c.expr(it); err != nil {
			return nil, err
		}
	}
	neg := e.Not
	return func(rw *row) (value, error) {
		v, err := x(rw)
		if err != nil {
			return value{}, err
		}
		if v.absent() {
			return nullV, nil
		}
		unknown := false
		for _, f := range list {
			w, err := f(rw)
			if err != nil {
				return value{}, err
			}
			if w.absent() {
				unknown = true
				continue
			}
			if err := rw.m.payValues(v, w); err != nil {
				return value{}, err
			}
			eq, ok := equal(v, w)
			if !ok {
				unknown = true
				continue
			}
			if eq {
				return boolV(!neg), nil
			}
		}
		if unknown {
			return nullV, nil
		}
		return boolV(neg), nil
	}, nil
}

func escapeRune(v value) (rune, error) {
	if v.k != kString || utf8.RuneCount(v.s) != 1 {
		return 0, errorf(ErrLikeInvalidInputs, "ESCAPE must be a single character, got %q", v.s)
	}
	r, _ := utf8.DecodeRune(v.s)
	return r, nil
}

func (c *compiler) like(e *Like) (evalFn, error) {
	x, err := c.expr(e.X)
	if err != nil {
		return nil, err
	}
	oss := c.dialect == DialectOSS
	esc := rune(-1)
	var escFn evalFn
	if e.Escape != nil {
		if lit, ok := e.Escape.(*Literal); ok {
			v, err := literalValue(lit)
			if err != nil {
				return nil, err
			}
			if esc, err = escapeRune(v); err != nil {
				return nil, err
			}
		} else if escFn, err = c.expr(e.Escape); err != nil {
			return nil, err
		}
	}
	var fixed *likePattern
	var patFn evalFn
	if lit, ok := e.Pattern.(*Literal); ok && lit.Kind == LitString && escFn == nil {
		if fixed, err = compileLike([]byte(lit.Text), esc, oss); err != nil {
			return nil, err
		}
	} else if patFn, err = c.expr(e.Pattern); err != nil {
		return nil, err
	}
	neg := e.Not
	return func(rw *row) (value, error) {
		v, err := x(rw)
		if err != nil {
			return value{}, err
		}
		lp := fixed
		if lp == nil {
			p, err := patFn(rw)
			if err != nil {
				return value{}, err
			}
			if p.absent() {
				return absentOf(v, p), nil
			}
			if p.k != kString {
				return value{}, errorf(ErrLikeInvalidInputs, "LIKE pattern is %s", p.typeName())
			}
			es := esc
			if escFn != nil {
				ev, err := escFn(rw)
				if err != nil {
					return value{}, err
				}
				if es, err = escapeRune(ev); err != nil {
					return value{}, err
				}
			}
			if err := rw.m.pay(len(p.s)); err != nil {
				return value{}, err
			}
			if lp, err = compileLike(p.s, es, oss); err != nil {
				return value{}, err
			}
		}
		if v.absent() {
			return v, nil
		}
		if v.k != kString {
			return value{}, errorf(ErrLikeInvalidInputs, "LIKE operand is %s", v.typeName())
		}
		if err := rw.m.pay(len(v.s)); err != nil {
			return value{}, err
		}
		return boolV(lp.match(v.s) != neg), nil
	}, nil
}

func (c *compiler) is(e *Is) (evalFn, error) {
	x, err := c.expr(e.X)
	if err != nil {
		return nil, err
	}
	what, neg := e.What, e.Not
	return func(rw *row) (value, error) {
		v, err := x(rw)
		if err != nil {
			return value{}, err
		}
		var r bool
		switch what {
		case "NULL":
			r = v.absent()
		case "MISSING":
			r = v.k == kMissing
		default:
			if v.k == kString && v.untyped {
				v, _ = coerceUntyped(v, trueV)
			}
			r = v.k == kBool && (v.i != 0) == (what == "TRUE")
		}
		return boolV(r != neg), nil
	}, nil
}

func (c *compiler) caseExpr(e *Case) (evalFn, error) {
	var op evalFn
	var err error
	if e.Operand != nil {
		if op, err = c.expr(e.Operand); err != nil {
			return nil, err
		}
	}
	conds := make([]evalFn, len(e.Whens))
	results := make([]evalFn, len(e.Whens))
	for i, w := range e.Whens {
		if conds[i], err = c.expr(w.Cond); err != nil {
			return nil, err
		}
		if results[i], err = c.expr(w.Result); err != nil {
			return nil, err
		}
	}
	els := constFn(nullV)
	if e.Else != nil {
		if els, err = c.expr(e.Else); err != nil {
			return nil, err
		}
	}
	return func(rw *row) (value, error) {
		var ov value
		if op != nil {
			v, err := op(rw)
			if err != nil {
				return value{}, err
			}
			ov = v
		}
		for i, cond := range conds {
			cv, err := cond(rw)
			if err != nil {
				return value{}, err
			}
			hit := false
			if op != nil {
				if !ov.absent() && !cv.absent() {
					if err := rw.m.payValues(ov, cv); err != nil {
						return value{}, err
					}
					hit, _ = equal(ov, cv)
				}
			} else {
				hit, _, _ = toBool(cv, "WHEN")
			}
			if hit {
				return results[i](rw)
			}
		}
		return els(rw)
	}, nil
}

// castValue implements CAST(v AS typ).
func castValue(v value, typ string) (value, error) { return castValueD(v, typ, false) }

// castValueD is castValue; oss accepts the OSS timestamp formats and casts
// an empty or blank string to NULL for any type but STRING (OSS reads a
// blank CSV field as no value: avg(cast(x as double)) skips it).
func castValueD(v value, typ string, oss bool) (value, error) {
	if v.absent() {
		return v, nil
	}
	if oss && v.k == kString && typ != "STRING" && len(bytes.TrimSpace(v.s)) == 0 {
		return nullV, nil
	}
	fail := func() (value, error) {
		return value{}, errorf(ErrCastFailed, "cannot cast %s %q to %s", v.typeName(), appendText(nil, v), typ)
	}
	switch typ {
	case "INT":
		switch v.k {
		case kInt:
			return v, nil
		case kFloat, kDecimal:
			if v.exactDigits() {
				// Its integer digits, exactly (the float has 17).
				whole, _, _ := bytes.Cut(v.s, []byte{'.'})
				n, err := strconv.ParseInt(string(whole), 10, 64)
				if err != nil {
					return fail()
				}
				return intV(n), nil
			}
			if math.IsNaN(v.f) || v.f >= 9.223372036854775807e18 || v.f < -9.223372036854775808e18 {
				return fail()
			}
			return intV(int64(v.f)), nil
		case kBool:
			return intV(v.i), nil
		case kString:
			n, ok := numberFromText(v.s)
			if !ok {
				return fail()
			}
			if n.k == kInt {
				return n, nil
			}
			return castValue(n, typ)
		}
	case "FLOAT", "DECIMAL":
		k := kFloat
		if typ == "DECIMAL" {
			k = kDecimal
		}
		switch v.k {
		case kInt:
			return value{k: k, f: float64(v.i)}, nil
		case kFloat, kDecimal:
			if v.k == k {
				return v, nil // a DECIMAL keeps its exact text
			}
			return value{k: k, f: v.f}, nil
		case kBool:
			return value{k: k, f: float64(v.i)}, nil
		case kString:
			n, ok := numberFromText(v.s)
			if !ok {
				return fail()
			}
			return value{k: k, f: n.num()}, nil
		}
	case "STRING":
		if v.k == kString {
			v.untyped = false
			return v, nil
		}
		return bytesV(appendText(nil, v)), nil
	case "BOOL":
		switch v.k {
		case kBool:
			return v, nil
		case kInt:
			return boolV(v.i != 0), nil
		case kFloat, kDecimal:
			return boolV(v.f != 0), nil
		case kString:
			switch strings.ToLower(string(bytes.TrimSpace(v.s))) {
			case "true":
				return trueV, nil
			case "false":
				return falseV, nil
			}
		}
	case "TIMESTAMP":
		switch v.k {
		case kTimestamp:
			return v, nil
		case kString:
			parse := parseTimestamp
			if oss {
				parse = parseOSSTimestamp
			}
			t, err := parse(string(bytes.TrimSpace(v.s)))
			if err != nil {
				return fail()
			}
			return t, nil
		}
	}
	return fail()
}

func (c *compiler) cast(e *Cast) (evalFn, error) {
	x, err := c.expr(e.X)
	if err != nil {
		return nil, err
	}
	typ := e.Type
	oss := c.dialect == DialectOSS
	if e.Format != "" {
		return castFormatted(x, e)
	}
	if lit, ok := e.X.(*Literal); ok {
		v, err := literalValue(lit)
		if err != nil {
			return nil, err
		}
		r, err := castValueD(v, typ, oss)
		if err != nil {
			return nil, err
		}
		return constFn(r), nil
	}
	return func(rw *row) (value, error) {
		v, err := x(rw)
		if err != nil {
			return value{}, err
		}
		if v.k == kString {
			if err := rw.m.pay(len(v.s)); err != nil {
				return value{}, err
			}
		}
		return castValueD(v, typ, oss)
	}, nil
}

// castFormatted is the OSS dialect's CAST(x AS TIMESTAMP FORMAT 'name'):
// a string is read in that format only, and one that does not match is a
// SqlNotMatchTimestampFormat error (not a skipped record: OSS documents
// the error for exactly this case). Other values cast as without FORMAT.
func castFormatted(x evalFn, e *Cast) (evalFn, error) {
	l, ok := ossFormatLayouts[strings.ToUpper(e.Format)]
	if !ok {
		return nil, errorf(ErrEvaluatorInvalidTimestampFormatPattern, "%q", e.Format)
	}
	return func(rw *row) (value, error) {
		v, err := x(rw)
		if err != nil || v.k != kString {
			if err != nil {
				return value{}, err
			}
			return castValueD(v, e.Type, true)
		}
		if err := rw.m.pay(len(v.s)); err != nil {
			return value{}, err
		}
		s := bytes.TrimSpace(v.s)
		if len(s) == 0 {
			return nullV, nil // as an unformatted OSS cast of a blank cell
		}
		t, ok := l.parse(string(s))
		if !ok {
			return value{}, errorf(ErrOSSNotMatchTimestampFormat, "%q is not %s", s, e.Format)
		}
		return t, nil
	}, nil
}

// argString returns a string argument (untyped text is a string).
func argString(fn string, v value) ([]byte, error) {
	if v.k != kString {
		return nil, errorf(ErrIncorrectSQLFunctionArgumentType, "%s needs a string, got %s", fn, v.typeName())
	}
	return v.s, nil
}

func argInt(fn string, v value) (int64, error) {
	switch v.k {
	case kInt:
		return v.i, nil
	case kFloat, kDecimal:
		return int64(v.f), nil
	case kString:
		if v.untyped {
			if n, ok := numberFromText(v.s); ok {
				return argInt(fn, n)
			}
		}
	}
	return 0, errorf(ErrIncorrectSQLFunctionArgumentType, "%s needs an integer, got %s", fn, v.typeName())
}

func argTimestamp(fn string, v value) (value, error) {
	if v.k == kTimestamp {
		return v, nil
	}
	if v.k == kString && v.untyped {
		if t, err := parseTimestamp(string(bytes.TrimSpace(v.s))); err == nil {
			return t, nil
		}
	}
	return value{}, errorf(ErrIncorrectSQLFunctionArgumentType, "%s needs a timestamp, got %s", fn, v.typeName())
}

func (c *compiler) call(e *Call) (evalFn, error) {
	if isAggregate(e.Name) {
		return c.aggregate(e)
	}
	args := make([]evalFn, len(e.Args))
	for i, a := range e.Args {
		var err error
		if args[i], err = c.expr(a); err != nil {
			return nil, err
		}
	}
	name, part := e.Name, e.Part
	switch name {
	case "UTCNOW":
		clock := c.clock
		return func(*row) (value, error) {
			t := clock().UTC().Truncate(time.Millisecond)
			return tsV(t, precFraction, 3), nil
		}, nil
	case "COALESCE":
		return func(rw *row) (value, error) {
			for _, a := range args {
				v, err := a(rw)
				if err != nil {
					return value{}, err
				}
				if !v.absent() {
					return v, nil
				}
			}
			return nullV, nil
		}, nil
	case "NULLIF":
		return func(rw *row) (value, error) {
			a, err := args[0](rw)
			if err != nil {
				return value{}, err
			}
			b, err := args[1](rw)
			if err != nil {
				return value{}, err
			}
			if a.absent() {
				return nullV, nil
			}
			if b.absent() {
				return a, nil
			}
			if (a.isNumber() && b.isNumber()) || a.k == b.k {
				if err := rw.m.payValues(a, b); err != nil {
					return value{}, err
				}
				if eq, ok := equal(a, b); ok && eq {
					return nullV, nil
				}
			}
			return a, nil
		}, nil
	}
	// The remaining functions return NULL or MISSING when any argument is
	// NULL or MISSING.
	impl, err := scalarImpl(name, part)
	if err != nil {
		return nil, err
	}
	return func(rw *row) (value, error) {
		vs := make([]value, len(args))
		for i, a := range args {
			v, err := a(rw)
			if err != nil {
				return value{}, err
			}
			if v.absent() {
				return v, nil
			}
			vs[i] = v
		}
		// Every string function reads its string arguments whole, and
		// pays for the string it builds too (LOWER, UPPER, SUBSTRING).
		size := 0
		for _, v := range vs {
			if v.k == kString {
				size += len(v.s)
			}
		}
		if err := rw.m.pay(size); err != nil {
			return value{}, err
		}
		v, err := impl(vs)
		if err == nil && v.k == kString {
			err = rw.m.pay(len(v.s))
		}
		return v, err
	}, nil
}

func scalarImpl(name, part string) (func([]value) (value, error), error) {
	switch name {
	case "LOWER", "UPPER":
		return func(a []value) (value, error) {
			s, err := argString(name, a[0])
			if err != nil {
				return value{}, err
			}
			if name == "LOWER" {
				return bytesV(bytes.ToLower(s)), nil
			}
			return bytesV(bytes.ToUpper(s)), nil
		}, nil
	case "CHAR_LENGTH", "CHARACTER_LENGTH":
		return func(a []value) (value, error) {
			s, err := argString(name, a[0])
			if err != nil {
				return value{}, err
			}
			return intV(int64(utf8.RuneCount(s))), nil
		}, nil
	case "SUBSTRING":
		return func(a []value) (value, error) {
			s, err := argString(name, a[0])
			if err != nil {
				return value{}, err
			}
			start, err := argInt(name, a[1])
			if err != nil {
				return value{}, err
			}
			n := int64(utf8.RuneCount(s))
			end := n + 1 // exclusive, 1-based
			if len(a) == 3 {
				l, err := argInt(name, a[2])
				if err != nil {
					return value{}, err
				}
				if l < 0 {
					return value{}, errorf(ErrEvaluatorInvalidArguments, "SUBSTRING length %d is negative", l)
				}
				end = min(start+l, n+1)
			}
			start = max(start, 1)
			if start >= end {
				return stringV(""), nil
			}
			return bytesV(runeSlice(s, int(start-1), int(end-1))), nil
		}, nil
	case "TO_STRING":
		return func(a []value) (value, error) {
			ts, err := argTimestamp(name, a[0])
			if err != nil {
				return value{}, err
			}
			p, err := argString(name, a[1])
			if err != nil {
				return value{}, err
			}
			s, err := formatTimestamp(ts, string(p))
			if err != nil {
				return value{}, err
			}
			return stringV(s), nil
		}, nil
	case "TO_TIMESTAMP":
		return func(a []value) (value, error) {
			s, err := argString(name, a[0])
			if err != nil {
				return value{}, err
			}
			return parseTimestamp(string(bytes.TrimSpace(s)))
		}, nil
	case "DATE_ADD":
		return func(a []value) (value, error) {
			n, err := argInt(name, a[0])
			if err != nil {
				return value{}, err
			}
			ts, err := argTimestamp(name, a[1])
			if err != nil {
				return value{}, err
			}
			return dateAdd(part, n, ts)
		}, nil
	case "DATE_DIFF":
		return func(a []value) (value, error) {
			t1, err := argTimestamp(name, a[0])
			if err != nil {
				return value{}, err
			}
			t2, err := argTimestamp(name, a[1])
			if err != nil {
				return value{}, err
			}
			return dateDiff(part, t1, t2)
		}, nil
	case "EXTRACT":
		return func(a []value) (value, error) {
			ts, err := argTimestamp(name, a[0])
			if err != nil {
				return value{}, err
			}
			if (part == "hour" || part == "minute" || part == "timezone_hour" || part == "timezone_minute") && ts.prec < precMinute ||
				part == "second" && ts.prec < precMinute {
				return value{}, errorf(ErrEvaluatorInvalidArguments, "EXTRACT(%s) of a timestamp without a time", part)
			}
			return extract(part, ts)
		}, nil
	}
	return nil, errorf(ErrUnsupportedFunction, "%s", name)
}

func runeSlice(s []byte, from, to int) []byte {
	i, start := 0, -1
	for pos := range string(s) {
		if i == from {
			start = pos
		}
		if i == to {
			return s[start:pos]
		}
		i++
	}
	if start < 0 {
		return nil
	}
	return s[start:]
}

func (c *compiler) trim(e *Trim) (evalFn, error) {
	x, err := c.expr(e.X)
	if err != nil {
		return nil, err
	}
	chars := constFn(stringV(" "))
	if e.Chars != nil {
		if chars, err = c.expr(e.Chars); err != nil {
			return nil, err
		}
	}
	where := e.Where
	var ts trimSet
	return func(rw *row) (value, error) {
		v, err := x(rw)
		if err != nil {
			return value{}, err
		}
		cs, err := chars(rw)
		if err != nil {
			return value{}, err
		}
		if v.absent() || cs.absent() {
			return absentOf(v, cs), nil
		}
		s, err := argString("TRIM", v)
		if err != nil {
			return value{}, err
		}
		set, err := argString("TRIM", cs)
		if err != nil {
			return value{}, err
		}
		if err := rw.m.pay(len(s) + len(set)); err != nil {
			return value{}, err
		}
		if len(set) > maxScannedTrimSet && !isASCII(set) {
			if err := ts.use(rw.m, set); err != nil {
				return value{}, err
			}
			switch where {
			case "LEADING":
				s = bytes.TrimLeftFunc(s, ts.has)
			case "TRAILING":
				s = bytes.TrimRightFunc(s, ts.has)
			default:
				s = bytes.TrimFunc(s, ts.has)
			}
			return bytesV(s), nil
		}
		cut := string(set)
		switch where {
		case "LEADING":
			s = bytes.TrimLeft(s, cut)
		case "TRAILING":
			s = bytes.TrimRight(s, cut)
		default:
			s = bytes.Trim(s, cut)
		}
		return bytesV(s), nil
	}, nil
}

// maxScannedTrimSet is the longest TRIM character set (in bytes) that is
// scanned for each rune trimmed. bytes.Trim looks a rune up in a set
// holding non-ASCII characters by scanning the set, so TRIM(BOTH
// '<60,000 é>ü' FROM s._1) over a 512 KB field of ü scanned 120 KB for
// each of 262,144 runes: 83 s for one value. A longer set is made a
// lookup table once.
const maxScannedTrimSet = 32

// trimSet is the lookup table of a long non-ASCII TRIM set, kept while
// the set stays the same (a literal set is built once per query).
type trimSet struct {
	set []byte
	in  map[rune]bool
}

// use makes the table hold set's runes (ranged as a string, as bytes.Trim
// does, so an invalid byte is utf8.RuneError), charging m for building it.
func (t *trimSet) use(m *meter, set []byte) error {
	if t.in != nil && bytes.Equal(t.set, set) {
		return nil
	}
	if err := m.pay(costNode * len(set)); err != nil {
		return err
	}
	t.set = append(t.set[:0], set...)
	t.in = make(map[rune]bool)
	for _, r := range string(set) {
		t.in[r] = true
	}
	return nil
}

func (t *trimSet) has(r rune) bool { return t.in[r] }

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
