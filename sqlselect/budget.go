package sqlselect

import (
	"context"
	"math"

	"github.com/parquet-go/parquet-go"
)

// The evaluation budget. A query's cost is its expression times its
// records: 15,000 "s._1 = 'x' OR" (210 KB of the 256 KiB an expression
// may have) over 40 KB of two-byte CSV lines ran 43 s, and 12,000
// "UPPER(s._1) = 'a' OR" over one 512 KB field copied 6 GB for that one
// record. Run charges each record the expression's size and each string
// operation the bytes it reads and builds, in units of about one byte
// copied, and fails the query with MaxOperatorsExceeded (S3's code for
// "try reducing complexity") once the total exceeds
// RunOptions.MaxWorkPerByte times the input bytes read so far plus
// evalSlack. The charges are upper bounds of the work, measured on the
// 2-core review machine: an expression node about 50 ns, a byte copied
// by UPPER about 3 ns.
const (
	// costNode is charged per node of the compiled expression (WHERE,
	// the SELECT list and aggregate arguments) for every record, whether
	// or not AND, OR and CASE evaluate it.
	costNode = 16
	// costLiteral is a constant's node: a call that returns its value
	// (an IN list of 1,000 literals is 2,000 units a record).
	costLiteral = 2
	// costMember is charged per member when CSV fields become a struct
	// (the alias alone) and per element when lists or structs are
	// compared (about 200 ns and 80 ns measured).
	costMember = 128
	// evalSlack is what any query may spend beyond its per-byte share,
	// so that small objects take any expression: about a second.
	evalSlack = 1 << 28
	// meterStep is how often, in units, a long evaluation looks at ctx
	// (about 50 ms), so that a client that goes stops it within a record.
	meterStep = 1 << 24
)

// meter is a running query's budget. Rows carry a pointer to it; a nil
// meter (a row evaluated outside Run) charges nothing.
type meter struct {
	ctx     context.Context
	stats   *Stats
	perByte int64
	used    int64
	next    int64 // used past this looks at the budget and ctx again
	// decoded counts the Parquet values read, 8 a value and 1 a null
	// (pqRowBytes): a column of one repeated
	// value is a few bytes of dictionary and run lengths per page for
	// millions of rows, so the bytes read alone would give such rows no
	// share of the budget.
	decoded int64
}

// pay charges n units and fails once the budget is spent, or with ctx's
// error once the query is cancelled.
func (m *meter) pay(n int) error {
	if m == nil {
		return nil
	}
	m.used += int64(n)
	if m.used <= m.next {
		return nil
	}
	return m.check()
}

func (m *meter) check() error {
	in := max(m.stats.BytesProcessed, m.stats.BytesScanned, m.decoded)
	budget := int64(math.MaxInt64) // a per-byte bound so large the product overflows
	if in == 0 || m.perByte <= (math.MaxInt64-evalSlack)/in {
		budget = m.perByte*in + evalSlack
	}
	if m.used > budget {
		return errorf(ErrMaxOperatorsExceeded, "evaluating the query over %d input bytes costs more than %d units (%d a byte and %d, RunOptions.MaxWorkPerByte): use fewer operators and string functions per record",
			in, budget, m.perByte, evalSlack)
	}
	if err := m.ctx.Err(); err != nil {
		return err
	}
	m.next = min(budget, m.used+meterStep)
	return nil
}

// payValues charges a comparison of two values for the members of the
// lists and structs it may visit (the smaller side's, nested ones
// included); a scalar, compared with anything, costs nothing beyond its
// node, and the nested side is not walked to learn that (rev39c's row).
func (m *meter) payValues(a, b value) error {
	if m == nil || !a.nested() || !b.nested() {
		return nil
	}
	return m.pay(costMember * min(members(a), members(b)))
}

func (v value) nested() bool { return v.k == kList || v.k == kStruct }

// members counts the values inside a list or struct, at every depth.
func members(v value) int {
	if !v.nested() {
		return 0
	}
	n := len(v.st.vals)
	for _, e := range v.st.vals {
		n += members(e)
	}
	return n
}

// pqRowBytes is what a Parquet row read adds to meter.decoded: 8 a
// value, 1 a null. A string counts as a number does, not by its length:
// a dictionary-encoded column refers to one value of the dictionary page
// (counted in the file's bytes, once) from each of millions of rows, so
// its length per row would make a budget of any size from a small file.
func pqRowBytes(r parquet.Row) int64 {
	var n int64
	for _, v := range r {
		if v.IsNull() {
			n++
		} else {
			n += 8
		}
	}
	return n
}
