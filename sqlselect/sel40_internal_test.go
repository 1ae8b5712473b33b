package sqlselect

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestSel40SmallArithAgreesWithBig: smallArith (int64) answers exactly as
// exactArith's math/big path, or leaves the operation to it.
func TestSel40SmallArithAgreesWithBig(t *testing.T) {
	r := rand.New(rand.NewPCG(40, 1))
	operand := func() value {
		switch r.IntN(4) {
		case 0:
			return intV(r.Int64N(2000) - 1000)
		case 1:
			return intV(r.Int64() - math.MaxInt64/2)
		}
		digits := 1 + r.IntN(20)
		text := make([]byte, digits)
		for i := range text {
			text[i] = byte('0' + r.IntN(10))
		}
		n, _ := new(big.Int).SetString(string(text), 10)
		if r.IntN(2) == 0 {
			n.Neg(n)
		}
		return decimalBig(n, int32(r.IntN(digits+3)))
	}
	small := 0
	for i := 0; i < 200000; i++ {
		a, b := operand(), operand()
		if a.k == kInt && b.k == kInt {
			continue
		}
		op := []string{"+", "-", "*", "%"}[r.IntN(4)]
		got, ok := smallArith(op, a, b)
		if !ok {
			continue
		}
		small++
		x, sx, _ := exactUnscaled(a)
		y, sy, _ := exactUnscaled(b)
		var want value
		var wok bool
		// The big path alone.
		switch op {
		case "*":
			want, wok = decimalBig(new(big.Int).Mul(x, y), sx+sy), true
		default:
			s := max(sx, sy)
			x, y = rescale(x, s-sx), rescale(y, s-sy)
			switch op {
			case "+":
				want, wok = decimalBig(x.Add(x, y), s), true
			case "-":
				want, wok = decimalBig(x.Sub(x, y), s), true
			case "%":
				want, wok = decimalBig(x.Rem(x, y), s), y.Sign() != 0
			}
		}
		if !wok || string(got.s) != string(want.s) || got.f != want.f && !(math.IsNaN(got.f) && math.IsNaN(want.f)) {
			t.Fatalf("%s %s %s: small %s (%v), big %s (%v)", a.s, op, b.s, got.s, got.f, want.s, want.f)
		}
	}
	if small < 10000 {
		t.Fatalf("only %d operations took the small path", small)
	}
	t.Log(strconv.Itoa(small) + " operations compared")
}
