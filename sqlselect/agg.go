package sqlselect

import (
	"math"
	"math/big"
)

// aggState accumulates one aggregate over the records that pass WHERE.
type aggState struct {
	name  string
	star  bool
	arg   evalFn
	count int64
	// sum: isum while every input is an INT, then fsum.
	isum    int64
	fsum    float64
	isFloat bool // a FLOAT was summed (else DECIMAL once non-int)
	nonInt  bool
	best    value // MIN/MAX
	// exact sums a Parquet DECIMAL's digits (with INTs) at scale, while
	// no other input (a float, a DECIMAL without digits) came: SUM's
	// answer is then those digits, not a float's.
	exact      *big.Int
	exactScale int32
	inexact    bool
	tmp        big.Int // addExact's operand
}

func (c *compiler) aggregate(e *Call) (evalFn, error) {
	a := &aggState{name: e.Name, star: e.Star}
	if !e.Star {
		fn, err := c.expr(e.Args[0])
		if err != nil {
			return nil, err
		}
		a.arg = fn
	}
	c.aggs = append(c.aggs, a)
	return func(*row) (value, error) { return a.result() }, nil
}

func (a *aggState) add(rw *row) error {
	if a.star {
		a.count++
		return nil
	}
	v, err := a.arg(rw)
	if err != nil {
		return err
	}
	if v.absent() {
		return nil
	}
	if a.name == "COUNT" {
		a.count++
		return nil
	}
	if v.k == kString && v.untyped {
		n, ok := numberFromText(v.s)
		switch {
		case ok:
			v = n
		case a.name == "MIN" || a.name == "MAX":
			// Text that is not a number orders as text.
		default:
			return errorf(ErrInvalidDataType, "%s of %q", a.name, v.s)
		}
	}
	switch a.name {
	case "SUM", "AVG":
		if !v.isNumber() {
			return errorf(ErrInvalidDataType, "%s of %s", a.name, v.typeName())
		}
		a.count++
		if a.exact != nil || v.s != nil {
			a.addExact(v)
		}
		if v.k == kInt && !a.nonInt {
			s := a.isum + v.i
			if (s > a.isum) == (v.i > 0) || v.i == 0 {
				a.isum = s
				return nil
			}
			// Overflow: continue in floating point.
			a.nonInt, a.fsum = true, float64(a.isum)
		}
		if !a.nonInt {
			a.nonInt, a.fsum = true, float64(a.isum)
		}
		if v.k == kFloat {
			a.isFloat = true
		}
		a.fsum += v.num()
	case "MIN", "MAX":
		if a.count == 0 {
			a.best = v.clone()
			a.count++
			return nil
		}
		c, res := compare(v, a.best)
		if res != cmpOK {
			return errorf(ErrInvalidDataType, "%s over %s and %s", a.name, v.typeName(), a.best.typeName())
		}
		if c == 0 {
			// NaN equals no number: ordered below every one, MIN and
			// MAX do not depend on the rows' order (MIN is NaN when a
			// value is, MAX the largest other value).
			c = cmpInt(boolInt(isNaN(a.best)), boolInt(isNaN(v)))
		}
		if a.name == "MIN" && c < 0 || a.name == "MAX" && c > 0 {
			a.best = v.clone()
		}
		a.count++
	}
	return nil
}

func (a *aggState) result() (value, error) {
	switch a.name {
	case "COUNT":
		return intV(a.count), nil
	case "MIN", "MAX":
		if a.count == 0 {
			return nullV, nil
		}
		return a.best, nil
	}
	if a.count == 0 {
		return nullV, nil
	}
	k := kDecimal
	if a.isFloat {
		k = kFloat
	}
	var exact value
	if a.exact != nil && !a.inexact {
		exact = decimalBig(a.exact, a.exactScale)
	}
	if a.name == "SUM" {
		if exact.k == kDecimal {
			return exact, nil
		}
		if !a.nonInt {
			return intV(a.isum), nil
		}
		return value{k: k, f: a.fsum}, nil
	}
	if exact.k == kDecimal {
		// "DECIMAL for an INT argument ... otherwise the same as the
		// argument data type" (the aggregate functions' page): the exact
		// sum divided as / divides DECIMALs.
		if v, ok := exactQuotient(a.exact, a.exactScale, big.NewInt(a.count), 0); ok {
			return v, nil
		}
	}
	sum := a.fsum
	switch {
	case exact.k == kDecimal:
		sum = exact.f // the exact sum's nearest float
	case !a.nonInt:
		sum = float64(a.isum)
	}
	return value{k: k, f: sum / float64(a.count)}, nil
}

// addExact adds v to the exact sum: an INT, or a DECIMAL with its digits.
// The first DECIMAL with digits starts it, from the INTs summed before
// (isum, which does not hold v yet).
func (a *aggState) addExact(v value) {
	if a.inexact {
		return
	}
	if a.exact != nil {
		// The common case without math/big's parsing: a small value at
		// the sum's scale or below.
		if n, scale, ok := exactSmall(v); ok && scale <= a.exactScale {
			if m, ok := scaleSmall(n, a.exactScale-scale); ok {
				a.tmp.SetInt64(m)
				a.exact.Add(a.exact, &a.tmp)
				return
			}
		}
	}
	n, scale, ok := exactUnscaled(v)
	if !ok {
		a.inexact = true
		return
	}
	if a.exact == nil {
		// The INTs before the first DECIMAL (isum is their sum while it
		// did not overflow).
		if a.nonInt {
			a.inexact = true
			return
		}
		a.exact = big.NewInt(a.isum)
	}
	if scale > a.exactScale {
		a.exact = rescale(a.exact, scale-a.exactScale)
		a.exactScale = scale
	}
	a.exact.Add(a.exact, rescale(n, a.exactScale-scale))
}

// isNaN reports a FLOAT or DECIMAL that is NaN.
func isNaN(v value) bool { return (v.k == kFloat || v.k == kDecimal) && math.IsNaN(v.f) }

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
