package sqlselect

import "strings"

// OSS SelectObject's documented restrictions (spec/oss select.md 6.3 and
// the error table of section 9) that go beyond S3 Select's: checked on
// the parsed query in the OSS dialect (checkOSSLimits, from checkOSS) and,
// where they depend on the input format, when the query is compiled
// (checkOSSFormat).

// OSS limits.
const (
	ossMaxSQL          = 16 << 10 // bytes of SQL text
	ossMaxColumnName   = 1024     // characters of a column name
	ossMaxConditions   = 20       // predicates in WHERE
	ossMaxConditionLvl = 10       // nesting of AND / OR / NOT in WHERE
	ossMaxAggregates   = 100
)

// The OSS-only errors (their S3 code is the OSS code: S3 has no such rule).
var (
	ErrOSSExceedsMaxColumnNameLength    = def("SqlExceedsMaxColumnNameLength", "SqlExceedsMaxColumnNameLength", "A column name is longer than 1024 characters.", 400)
	ErrOSSExceedsMaxConditionCount      = def("SqlExceedsMaxConditionCount", "SqlExceedsMaxConditionCount", "WHERE has more than 20 conditions.", 400)
	ErrOSSExceedsMaxConditionDepth      = def("SqlExceedsMaxConditionDepth", "SqlExceedsMaxConditionDepth", "WHERE nests AND, OR and NOT more than 10 deep.", 400)
	ErrOSSExceedsMaxAggregationCount    = def("SqlExceedsMaxAggregationCount", "SqlExceedsMaxAggregationCount", "The SELECT list has more than 100 aggregates.", 400)
	ErrOSSWildCardNotAllowed            = def("WildCardNotAllowed", "WildCardNotAllowed", "The array wildcard [*] is allowed only in the path after FROM ossobject.", 400)
	ErrOSSNegativeRowIndex              = def("NegativeRowIndex", "NegativeRowIndex", "An array index is negative.", 400)
	ErrOSSOneColumnCastToDifferentTypes = def("SqlOneColumnCastToDifferentTypes", "SqlOneColumnCastToDifferentTypes", "A column is cast to different types in one statement.", 400)
	ErrOSSNotMatchTimestampFormat       = def("SqlNotMatchTimestampFormat", "SqlNotMatchTimestampFormat", "A value does not match the timestamp format of its CAST.", 400)
	ErrOSSInvalidAndOperand             = def("SqlInvalidAndOperand", "SqlInvalidAndOperand", "An operand of AND is not a boolean.", 400)
	ErrOSSInvalidOrOperand              = def("SqlInvalidOrOperand", "SqlInvalidOrOperand", "An operand of OR is not a boolean.", 400)
	ErrOSSInvalidNotOperand             = def("SqlInvalidNotOperand", "SqlInvalidNotOperand", "The operand of NOT is not a boolean.", 400)
	ErrOSSInvalidIsNullOperand          = def("SqlInvalidIsNullOperand", "SqlInvalidIsNullOperand", "IS NULL is applied to a constant.", 400)
	ErrOSSComparerOperandTypeMismatch   = def("SqlComparerOperandTypeMismatch", "SqlComparerOperandTypeMismatch", "A comparison compares constants of different types.", 400)
	ErrOSSInvalidConcatOperand          = def("SqlInvalidConcatOperand", "SqlInvalidConcatOperand", "|| joins two constants.", 400)
	ErrOSSInvalidArithmeticOperand      = def("InvalidArithmeticOperand", "InvalidArithmeticOperand", "Arithmetic is applied to a constant that is not a number.", 400)
	ErrOSSAggregationOnNonNumericType   = def("SqlAggregationOnNonNumericType", "SqlAggregationOnNonNumericType", "SUM and AVG need a numeric argument.", 400)
	ErrOSSInvalidAggregationOnTimestamp = def("SqlInvalidAggregationOnTimestamp", "SqlInvalidAggregationOnTimestamp", "SUM and AVG cannot be applied to a timestamp.", 400)
	ErrOSSNestedColumnNotSupportInCsv   = def("NestedColumnNotSupportInCsv", "NestedColumnNotSupportInCsv", "Nested attributes (. or []) cannot be used in a CSV query.", 400)
	ErrOSSTableRootNodeOnlySupportInCSV = def("TableRootNodeOnlySupportInJson", "TableRootNodeOnlySupportInJson", "A path after FROM ossobject is allowed for JSON only.", 400)
	ErrOSSJSONNodeExceedsMaxDepth       = def("JsonNodeExceedsMaxDepth", "JsonNodeExceedsMaxDepth", "A JSON record nests deeper than allowed.", 400)
	ErrOSSExceedsMaxJSONArraySize       = def("ExceedsMaxJsonArraySize", "ExceedsMaxJsonArraySize", "An array in a JSON record has more elements than allowed.", 400)
	ErrOSSSQLTooLong                    = def("InvalidSqlParameter", "InvalidSqlParameter", "The SQL expression is longer than 16 KB.", 400)
)

// checkOSSLimits applies the format-independent OSS restrictions.
func (q *Query) checkOSSLimits() error {
	var err error
	aggs := 0
	casts := map[string]string{} // column -> the type it is cast to
	check := func(e Expr, _ bool) bool {
		if err != nil {
			return false
		}
		switch e := e.(type) {
		case *Path:
			err = checkOSSPath(e.Steps)
		case *Call:
			if isAggregate(e.Name) {
				aggs++
				if (e.Name == "SUM" || e.Name == "AVG") && len(e.Args) == 1 {
					err = checkOSSSumArg(e.Name, e.Args[0])
				}
			}
		case *Cast:
			if p, ok := e.X.(*Path); ok {
				col := render(p, DialectOSS)
				if t, seen := casts[col]; seen && t != e.Type {
					err = errorf(ErrOSSOneColumnCastToDifferentTypes, "%s AS %s and AS %s", col, t, e.Type)
				}
				casts[col] = e.Type
			}
		case *Unary:
			if strings.EqualFold(e.Op, "NOT") && isNonBoolLiteral(e.X) {
				err = errorf(ErrOSSInvalidNotOperand, "%s", render(e, DialectOSS))
			} else if e.Op == "-" || e.Op == "+" {
				if l, ok := e.X.(*Literal); ok && !isNumberLiteral(l) && l.Kind != LitNull {
					err = errorf(ErrOSSInvalidArithmeticOperand, "%s", render(e, DialectOSS))
				}
			}
		case *Is:
			if _, ok := e.X.(*Literal); ok {
				err = errorf(ErrOSSInvalidIsNullOperand, "%s", render(e, DialectOSS))
			}
		case *Binary:
			err = checkOSSBinary(e)
		}
		return err == nil
	}
	for _, it := range q.Items {
		walk(it.Expr, check, false)
	}
	walk(q.Where, check, false)
	if err != nil {
		return err
	}
	if aggs > ossMaxAggregates {
		return errorf(ErrOSSExceedsMaxAggregationCount, "%d aggregates", aggs)
	}
	for _, s := range q.From.Path {
		if s.Kind == StepIndex && s.Index < 0 {
			return errorf(ErrOSSNegativeRowIndex, "[%d]", s.Index)
		}
	}
	if q.Where != nil {
		if n := countConditions(q.Where); n > ossMaxConditions {
			return errorf(ErrOSSExceedsMaxConditionCount, "%d conditions", n)
		}
		if d := logicDepth(q.Where, ""); d > ossMaxConditionLvl {
			return errorf(ErrOSSExceedsMaxConditionDepth, "depth %d", d)
		}
	}
	return nil
}

// checkOSSPath checks one column reference: name length, no [*], no
// negative index.
func checkOSSPath(steps []Step) error {
	for _, s := range steps {
		switch {
		case s.Kind == StepName && len([]rune(s.Name)) > ossMaxColumnName:
			return errorf(ErrOSSExceedsMaxColumnNameLength, "%d characters", len([]rune(s.Name)))
		case s.Kind == StepWildcard || s.Kind == StepObjWildcard:
			return errorf(ErrOSSWildCardNotAllowed, "%s", (&Path{Steps: steps}).String())
		case s.Kind == StepIndex && s.Index < 0:
			return errorf(ErrOSSNegativeRowIndex, "[%d]", s.Index)
		}
	}
	return nil
}

// checkOSSSumArg: SUM and AVG need numbers.
func checkOSSSumArg(fn string, arg Expr) error {
	switch a := arg.(type) {
	case *Cast:
		switch a.Type {
		case "TIMESTAMP":
			return errorf(ErrOSSInvalidAggregationOnTimestamp, "%s(%s)", fn, arg)
		case "STRING", "BOOL", "BOOLEAN":
			return errorf(ErrOSSAggregationOnNonNumericType, "%s(%s)", fn, arg)
		}
	case *Literal:
		if a.Kind == LitTimestamp {
			return errorf(ErrOSSInvalidAggregationOnTimestamp, "%s(%s)", fn, arg)
		}
		if !isNumberLiteral(a) && a.Kind != LitNull {
			return errorf(ErrOSSAggregationOnNonNumericType, "%s(%s)", fn, arg)
		}
	}
	return nil
}

func checkOSSBinary(e *Binary) error {
	ll, lLit := e.L.(*Literal)
	rl, rLit := e.R.(*Literal)
	switch op := strings.ToUpper(e.Op); op {
	case "AND", "OR":
		if isNonBoolLiteral(e.L) || isNonBoolLiteral(e.R) {
			if op == "AND" {
				return errorf(ErrOSSInvalidAndOperand, "%s", render(e, DialectOSS))
			}
			return errorf(ErrOSSInvalidOrOperand, "%s", render(e, DialectOSS))
		}
	case "||":
		if lLit && rLit {
			return errorf(ErrOSSInvalidConcatOperand, "%s", render(e, DialectOSS))
		}
	case "+", "-", "*", "/", "%":
		for _, l := range []*Literal{ll, rl} {
			if l != nil && !isNumberLiteral(l) && l.Kind != LitNull {
				return errorf(ErrOSSInvalidArithmeticOperand, "%s", render(e, DialectOSS))
			}
		}
	case "=", "!=", "<>", "<", ">", "<=", ">=":
		if lLit && rLit && literalClass(ll) != literalClass(rl) && ll.Kind != LitNull && rl.Kind != LitNull {
			return errorf(ErrOSSComparerOperandTypeMismatch, "%s", render(e, DialectOSS))
		}
	}
	return nil
}

func isNumberLiteral(l *Literal) bool {
	return l.Kind == LitInt || l.Kind == LitDecimal || l.Kind == LitFloat
}

// literalClass groups literals that compare with each other.
func literalClass(l *Literal) LitKind {
	if isNumberLiteral(l) {
		return LitInt
	}
	return l.Kind
}

// isNonBoolLiteral: a constant that cannot be a boolean operand.
func isNonBoolLiteral(e Expr) bool {
	l, ok := e.(*Literal)
	return ok && l.Kind != LitBool && l.Kind != LitNull && l.Kind != LitMissing
}

// countConditions counts the predicates of a WHERE clause: every
// comparison, IN, LIKE, BETWEEN and IS, and every operand of AND, OR and
// NOT that is none of those.
func countConditions(e Expr) int {
	switch e := e.(type) {
	case *Binary:
		switch strings.ToUpper(e.Op) {
		case "AND", "OR":
			return countConditions(e.L) + countConditions(e.R)
		}
	case *Unary:
		if strings.EqualFold(e.Op, "NOT") {
			return countConditions(e.X)
		}
	}
	return 1
}

// logicDepth is how deep AND, OR and NOT nest; a chain of one operator
// (a OR b OR c) is one level.
func logicDepth(e Expr, parent string) int {
	switch e := e.(type) {
	case *Binary:
		if op := strings.ToUpper(e.Op); op == "AND" || op == "OR" {
			d := max(logicDepth(e.L, op), logicDepth(e.R, op))
			if op != parent {
				d++
			}
			return d
		}
	case *Unary:
		if strings.EqualFold(e.Op, "NOT") {
			return 1 + logicDepth(e.X, "NOT")
		}
	}
	return 0
}

// checkOSSFormat applies the restrictions that depend on the input: CSV
// queries take neither a FROM path nor nested column references.
func (q *Query) checkOSSFormat(f format) error {
	if f != fmtCSV {
		return nil
	}
	if len(q.From.Path) > 0 {
		return errorf(ErrOSSTableRootNodeOnlySupportInCSV, "FROM %s with a path", q.From.Table)
	}
	var err error
	alias := q.From.Alias
	check := func(e Expr, _ bool) bool {
		if p, ok := e.(*Path); ok && err == nil {
			steps := p.Steps
			if len(steps) > 1 && steps[0].Kind == StepName && (strings.EqualFold(steps[0].Name, alias) && alias != "" ||
				strings.EqualFold(steps[0].Name, q.From.Table)) {
				steps = steps[1:]
			}
			if len(steps) > 1 || len(steps) == 1 && steps[0].Kind != StepName {
				err = errorf(ErrOSSNestedColumnNotSupportInCsv, "%s", p)
			}
		}
		return err == nil
	}
	for _, it := range q.Items {
		walk(it.Expr, check, false)
	}
	walk(q.Where, check, false)
	return err
}

// checkNode applies RunOptions.MaxNodeDepth and MaxNodeArray to one JSON
// record.
func (rs *runState) checkNode(v value) error {
	if rs.opts.MaxNodeDepth <= 0 && rs.opts.MaxNodeArray <= 0 {
		return nil
	}
	return checkNodeAt(v, 0, rs.opts.MaxNodeDepth, rs.opts.MaxNodeArray)
}

func checkNodeAt(v value, depth, maxDepth, maxArray int) error {
	if v.k != kList && v.k != kStruct {
		return nil
	}
	depth++
	if maxDepth > 0 && depth > maxDepth {
		return errorf(ErrOSSJSONNodeExceedsMaxDepth, "more than %d levels", maxDepth)
	}
	if v.k == kList && maxArray > 0 && len(v.st.vals) > maxArray {
		return errorf(ErrOSSExceedsMaxJSONArraySize, "%d elements, at most %d", len(v.st.vals), maxArray)
	}
	for _, e := range v.st.vals {
		if err := checkNodeAt(e, depth, maxDepth, maxArray); err != nil {
			return err
		}
	}
	return nil
}
