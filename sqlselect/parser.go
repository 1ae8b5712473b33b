package sqlselect

import (
	"strconv"
	"strings"
)

// Dialect selects the SQL and data rules of one service.
type Dialect uint8

const (
	// DialectS3 is Amazon S3 SelectObjectContent (the default).
	DialectS3 Dialect = iota
	// DialectOSS is Aliyun OSS SelectObject: LIMIT applies before
	// aggregation, `*` is a LIKE wildcard like `%`, FROM ossobject.path
	// needs no [*], JSON keys match case-sensitively, absent columns are
	// NULL rather than MISSING, only the words the grammar needs are
	// reserved (Year, Date, Value or Count are names), CAST of an empty
	// or blank string to a type other than STRING is NULL, and JSON
	// output escapes '/' as \/.
	DialectOSS
)

// MaxExpressionSize is the longest SQL text Parse accepts (256 KiB).
const MaxExpressionSize = 256 << 10

// maxDepth bounds expression nesting so hostile input cannot exhaust the
// stack: every parenthesised expression, IN list item, CASE part, CAST
// operand and call argument counts one level, and so does every prefix
// NOT, + and -. Left-associative chains (a OR b
// OR ...) are read in a loop and do not count. Query.String writes only
// the parentheses the grammar needs, so a rendering counts no more levels
// than the statement it came from.
const maxDepth = 200

// ParseOptions are per-parse settings. The zero value is the S3 dialect.
type ParseOptions struct {
	Dialect Dialect
	// MaxOperators bounds the operators of the statement (its SELECT list
	// and WHERE: every expression but a constant (a signed number like
	// -5 is one) and a column or path, so an IN list is one, a function
	// call one); more is
	// MaxOperatorsExceeded, S3's "Failed to parse SQL expression, try
	// reducing complexity", before the query reads a byte of the object.
	// Default DefaultMaxOperators; negative: no bound. The evaluation
	// budget (RunOptions.MaxWorkPerByte) still bounds what a statement
	// within it costs over many short records.
	MaxOperators int
}

// DefaultMaxOperators is ParseOptions.MaxOperators' default. S3 documents
// the code, not its number. This one is well above what a generated
// statement needs (a filter on 1,000 values written as
// "CAST(s._1 AS INT) = v OR ..." is 3,000 operators) and below the
// shapes that only make a query slow, which the 256 KiB an expression
// may have leaves room for (15,000 "s._1 = 'x' OR" are 30,000).
const DefaultMaxOperators = 16 << 10

// Parse parses an S3 Select statement. Errors are *Error values (see
// errors.go), e.g. ErrParseUnexpectedToken.
func Parse(sql string) (*Query, error) {
	return ParseWith(sql, ParseOptions{})
}

// ParseWith parses a statement of the given dialect.
func ParseWith(sql string, opts ParseOptions) (*Query, error) {
	if len(sql) > MaxExpressionSize {
		return nil, errorf(ErrExpressionTooLong, "%d bytes", len(sql))
	}
	if opts.Dialect == DialectOSS && len(sql) > ossMaxSQL {
		// Before any other check: the statement is refused as a parameter.
		return nil, errorf(ErrOSSSQLTooLong, "%d bytes", len(sql))
	}
	toks, err := lex(sql)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, d: opts.Dialect, reserved: opts.Dialect.rules().reserved}
	q, err := p.query()
	if err != nil {
		return nil, err
	}
	q.dialect = opts.Dialect
	if err := q.check(); err != nil {
		return nil, err
	}
	if err := q.checkOperators(opts.MaxOperators); err != nil {
		return nil, err
	}
	if opts.Dialect == DialectOSS {
		if err := q.checkOSS(); err != nil {
			return nil, err
		}
		if err := q.checkOSSLimits(); err != nil {
			return nil, err
		}
	}
	return q, nil
}

type parser struct {
	toks     []token
	i        int
	d        Dialect
	reserved map[string]bool // the dialect's reserved words
	depth    int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) peekAt(n int) token {
	if p.i+n < len(p.toks) {
		return p.toks[p.i+n]
	}
	return p.toks[len(p.toks)-1]
}
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) accept(kw string) bool {
	if p.peek().is(kw) {
		p.i++
		return true
	}
	return false
}

func (p *parser) acceptOp(op string) bool {
	if p.peek().op(op) {
		p.i++
		return true
	}
	return false
}

func (p *parser) unexpected(t token) error {
	if t.kind == tIdent && p.reserved[t.up] {
		return errorAt(ErrParseUnexpectedKeyword, t.pos, "%s", t.text)
	}
	if t.kind == tOp {
		return errorAt(ErrParseUnexpectedOperator, t.pos, "%s", t.text)
	}
	return errorAt(ErrParseUnexpectedToken, t.pos, "%s", t.describe())
}

func (p *parser) expectOp(op string, sentinel *Error) error {
	t := p.next()
	if !t.op(op) {
		return errorAt(sentinel, t.pos, "expected %q, found %s", op, t.describe())
	}
	return nil
}

func (p *parser) expectKeyword(kw string) error {
	t := p.next()
	if !t.is(kw) {
		return errorAt(ErrParseExpectedKeyword, t.pos, "expected %s, found %s", kw, t.describe())
	}
	return nil
}

func (p *parser) query() (*Query, error) {
	q := &Query{Limit: -1}
	t := p.next()
	if !t.is("SELECT") {
		return nil, errorAt(ErrParseUnsupportedSelect, t.pos, "expected SELECT, found %s", t.describe())
	}
	if p.peek().is("FROM") {
		return nil, errorAt(ErrParseEmptySelect, p.peek().pos, "")
	}
	if p.peek().is("DISTINCT") || p.peek().is("ALL") {
		return nil, errorAt(ErrParseUnsupportedSyntax, p.peek().pos, "%s", p.peek().text)
	}
	if p.acceptOp("*") {
		q.Star = true
		if p.peek().op(",") {
			return nil, errorAt(ErrParseAsteriskIsNotAloneInSelectList, p.peek().pos, "")
		}
	} else {
		for {
			if p.peek().op("*") {
				return nil, errorAt(ErrParseAsteriskIsNotAloneInSelectList, p.peek().pos, "")
			}
			e, err := p.expr()
			if err != nil {
				return nil, err
			}
			it := SelectItem{Expr: e}
			if p.accept("AS") {
				a := p.next()
				if a.kind != tQIdent && (a.kind != tIdent || p.reserved[a.up]) {
					return nil, errorAt(ErrParseExpectedIdentForAlias, a.pos, "found %s", a.describe())
				}
				it.Alias, it.AliasQuoted = a.text, a.kind == tQIdent
			} else if a := p.peek(); a.kind == tQIdent || a.kind == tIdent && !p.reserved[a.up] {
				p.i++
				it.Alias, it.AliasQuoted = a.text, a.kind == tQIdent
			}
			q.Items = append(q.Items, it)
			if !p.acceptOp(",") {
				break
			}
		}
	}
	if t := p.next(); !t.is("FROM") {
		if t.kind == tEOF {
			return nil, errorAt(ErrParseSelectMissingFrom, t.pos, "")
		}
		return nil, p.unexpected(t)
	}
	if err := p.from(&q.From); err != nil {
		return nil, err
	}
	if p.peek().op(",") || p.peek().is("JOIN") || p.peek().is("INNER") || p.peek().is("LEFT") || p.peek().is("CROSS") {
		return nil, errorAt(ErrParseMalformedJoin, p.peek().pos, "")
	}
	if p.accept("WHERE") {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		q.Where = e
	}
	for _, kw := range []string{"GROUP", "ORDER", "HAVING", "UNION", "INTERSECT", "EXCEPT"} {
		if p.peek().is(kw) {
			return nil, errorAt(ErrParseUnsupportedSyntax, p.peek().pos, "%s is not supported", kw)
		}
	}
	if p.accept("LIMIT") {
		t := p.next()
		if t.op("-") && p.peek().kind == tInt {
			return nil, errorAt(ErrEvaluatorNegativeLimit, t.pos, "")
		}
		if t.kind != tInt {
			return nil, errorAt(ErrParseExpectedNumber, t.pos, "LIMIT takes an integer, found %s", t.describe())
		}
		n, err := strconv.ParseInt(t.text, 10, 64)
		if err != nil {
			return nil, errorAt(ErrIntegerOverflow, t.pos, "%s", t.text)
		}
		if p.d == DialectOSS && n < 1 {
			return nil, errorAt(ErrEvaluatorNegativeLimit, t.pos, "LIMIT must be at least 1")
		}
		q.Limit = n
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, p.unexpected(t)
	}
	return q, nil
}

func (p *parser) from(f *From) error {
	t := p.next()
	if t.kind != tIdent || (t.up != "S3OBJECT" && t.up != "OSSOBJECT") {
		return errorAt(ErrInvalidDataSource, t.pos, "expected S3Object, found %s", t.describe())
	}
	f.Table = t.text
	steps, err := p.steps(true)
	if err != nil {
		return err
	}
	if len(steps) > 0 && p.d == DialectS3 && steps[0].Kind != StepWildcard {
		return errorAt(ErrParseInvalidPathComponent, t.pos, "a path after %s must start with [*]", t.text)
	}
	f.Path = steps
	if p.accept("AS") {
		a := p.next()
		if a.kind != tQIdent && (a.kind != tIdent || p.reserved[a.up]) {
			return errorAt(ErrParseExpectedIdentForAlias, a.pos, "found %s", a.describe())
		}
		f.Alias, f.AliasQuoted = a.text, a.kind == tQIdent
	} else if a := p.peek(); a.kind == tQIdent || a.kind == tIdent && !p.reserved[a.up] {
		p.i++
		f.Alias, f.AliasQuoted = a.text, a.kind == tQIdent
	}
	return nil
}

// steps parses path steps after a name: .name, ."name", .*, [n], ['name'],
// [*].
func (p *parser) steps(inFrom bool) ([]Step, error) {
	var steps []Step
	for {
		switch {
		case p.peek().op("."):
			p.i++
			t := p.next()
			switch {
			case t.kind == tIdent && p.reserved[t.up]:
				// S3: "SELECT s.CAST FROM S3Object s results in a 400
				// parse error"; a reserved word is a name only quoted.
				return nil, errorAt(ErrParseInvalidPathComponent, t.pos, "%s is a reserved word: quote it (\"%s\")", t.text, t.text)
			case t.kind == tIdent:
				steps = append(steps, Step{Kind: StepName, Name: t.text})
			case t.kind == tQIdent || t.kind == tString:
				steps = append(steps, Step{Kind: StepName, Name: t.text, Quoted: true})
			case t.op("*"):
				steps = append(steps, Step{Kind: StepObjWildcard})
			default:
				return nil, errorAt(ErrParseInvalidPathComponent, t.pos, "found %s", t.describe())
			}
		case p.peek().op("["):
			p.i++
			t := p.next()
			switch {
			case t.kind == tInt:
				n, err := strconv.Atoi(t.text)
				if err != nil {
					return nil, errorAt(ErrInvalidKeyPath, t.pos, "index %s", t.text)
				}
				steps = append(steps, Step{Kind: StepIndex, Index: n})
			case t.kind == tString || t.kind == tQIdent:
				steps = append(steps, Step{Kind: StepName, Name: t.text, Quoted: true})
			case t.op("*"):
				steps = append(steps, Step{Kind: StepWildcard})
			case t.op("-"):
				return nil, errorAt(ErrInvalidKeyPath, t.pos, "negative array index")
			default:
				return nil, errorAt(ErrParseInvalidPathComponent, t.pos, "found %s", t.describe())
			}
			if err := p.expectOp("]", ErrParseExpectedTokenType); err != nil {
				return nil, err
			}
		default:
			return steps, nil
		}
	}
}

func (p *parser) expr() (Expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, errorAt(ErrParseUnsupportedSyntax, p.peek().pos, "expression nested too deeply")
	}
	return p.or()
}

func (p *parser) or() (Expr, error) {
	l, err := p.and()
	for err == nil && p.accept("OR") {
		var r Expr
		if r, err = p.and(); err == nil {
			l = &Binary{Op: "OR", L: l, R: r}
		}
	}
	return l, err
}

func (p *parser) and() (Expr, error) {
	l, err := p.not()
	for err == nil && p.accept("AND") {
		var r Expr
		if r, err = p.not(); err == nil {
			l = &Binary{Op: "AND", L: l, R: r}
		}
	}
	return l, err
}

func (p *parser) not() (Expr, error) {
	if p.accept("NOT") {
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > maxDepth {
			return nil, errorAt(ErrParseUnsupportedSyntax, p.peek().pos, "expression nested too deeply")
		}
		x, err := p.not()
		if err != nil {
			return nil, err
		}
		return &Unary{Op: "NOT", X: x}, nil
	}
	return p.comparison()
}

var cmpOps = map[string]bool{"=": true, "<>": true, "!=": true, "<": true, ">": true, "<=": true, ">=": true}

func (p *parser) comparison() (Expr, error) {
	l, err := p.concat()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		switch {
		case t.kind == tOp && cmpOps[t.text]:
			p.i++
			r, err := p.concat()
			if err != nil {
				return nil, err
			}
			op := t.text
			if op == "!=" {
				op = "<>"
			}
			l = &Binary{Op: op, L: l, R: r}
		case t.is("IS"):
			p.i++
			is := &Is{X: l, Not: p.accept("NOT")}
			w := p.next()
			switch {
			case w.is("NULL"), w.is("MISSING"), w.is("TRUE"), w.is("FALSE"):
				is.What = w.up
			default:
				return nil, errorAt(ErrParseExpectedKeyword, w.pos, "expected NULL or MISSING after IS, found %s", w.describe())
			}
			l = is
		case t.is("NOT") && (p.peekAt(1).is("IN") || p.peekAt(1).is("BETWEEN") || p.peekAt(1).is("LIKE")):
			p.i++
			if l, err = p.special(l, true); err != nil {
				return nil, err
			}
		case t.is("IN") || t.is("BETWEEN") || t.is("LIKE"):
			if l, err = p.special(l, false); err != nil {
				return nil, err
			}
		default:
			return l, nil
		}
	}
}

// special parses IN, BETWEEN and LIKE after their left operand.
func (p *parser) special(l Expr, neg bool) (Expr, error) {
	t := p.next()
	switch t.up {
	case "IN":
		if err := p.expectOp("(", ErrParseExpectedTokenType); err != nil {
			return nil, err
		}
		in := &In{X: l, Not: neg}
		for {
			e, err := p.expr()
			if err != nil {
				return nil, err
			}
			in.List = append(in.List, e)
			if p.acceptOp(",") {
				continue
			}
			if err := p.expectOp(")", ErrParseExpectedTokenType); err != nil {
				return nil, err
			}
			return in, nil
		}
	case "BETWEEN":
		lo, err := p.concat()
		if err != nil {
			return nil, err
		}
		if err := p.expectKeyword("AND"); err != nil {
			return nil, err
		}
		hi, err := p.concat()
		if err != nil {
			return nil, err
		}
		return &Between{X: l, Lo: lo, Hi: hi, Not: neg}, nil
	default: // LIKE
		pat, err := p.concat()
		if err != nil {
			return nil, err
		}
		lk := &Like{X: l, Pattern: pat, Not: neg}
		if p.accept("ESCAPE") {
			if lk.Escape, err = p.concat(); err != nil {
				return nil, err
			}
		}
		return lk, nil
	}
}

func (p *parser) concat() (Expr, error) {
	l, err := p.additive()
	for err == nil && p.acceptOp("||") {
		var r Expr
		if r, err = p.additive(); err == nil {
			l = &Binary{Op: "||", L: l, R: r}
		}
	}
	return l, err
}

func (p *parser) additive() (Expr, error) {
	l, err := p.multiplicative()
	for err == nil && (p.peek().op("+") || p.peek().op("-")) {
		op := p.next().text
		var r Expr
		if r, err = p.multiplicative(); err == nil {
			l = &Binary{Op: op, L: l, R: r}
		}
	}
	return l, err
}

func (p *parser) multiplicative() (Expr, error) {
	l, err := p.unary()
	for err == nil && (p.peek().op("*") || p.peek().op("/") || p.peek().op("%")) {
		op := p.next().text
		var r Expr
		if r, err = p.unary(); err == nil {
			l = &Binary{Op: op, L: l, R: r}
		}
	}
	return l, err
}

func (p *parser) unary() (Expr, error) {
	if p.peek().op("-") && p.peekAt(1).kind == tInt {
		// The least INT, -9223372036854775808, is a literal of its own:
		// its magnitude alone would overflow before being negated.
		if t := p.peekAt(1); !fitsInt(t.text) && fitsInt("-"+t.text) {
			p.next()
			p.next()
			return &Literal{Kind: LitInt, Text: "-" + t.text}, nil
		}
	}
	if p.peek().op("-") || p.peek().op("+") {
		op := p.next().text
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > maxDepth {
			return nil, errorAt(ErrParseUnsupportedSyntax, p.peek().pos, "expression nested too deeply")
		}
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &Unary{Op: op, X: x}, nil
	}
	return p.primary()
}

// fitsInt reports whether s is a decimal INT (64-bit).
func fitsInt(s string) bool {
	_, err := strconv.ParseInt(s, 10, 64)
	return err == nil
}

func (p *parser) primary() (Expr, error) {
	t := p.next()
	switch t.kind {
	case tString:
		return &Literal{Kind: LitString, Text: t.text}, nil
	case tInt:
		if _, err := strconv.ParseInt(t.text, 10, 64); err != nil {
			return nil, errorAt(ErrIntegerOverflow, t.pos, "%s", t.text)
		}
		return &Literal{Kind: LitInt, Text: t.text}, nil
	case tDecimal:
		return &Literal{Kind: LitDecimal, Text: t.text}, nil
	case tFloat:
		return &Literal{Kind: LitFloat, Text: t.text}, nil
	case tTimestamp:
		if _, err := parseTimestamp(t.text); err != nil {
			return nil, errorAt(ErrLexerInvalidLiteral, t.pos, "`%s` is not a timestamp", t.text)
		}
		return &Literal{Kind: LitTimestamp, Text: t.text}, nil
	case tQIdent:
		steps, err := p.steps(false)
		if err != nil {
			return nil, err
		}
		return &Path{Steps: append([]Step{{Kind: StepName, Name: t.text, Quoted: true}}, steps...)}, nil
	case tOp:
		if t.text == "(" {
			e, err := p.expr()
			if err != nil {
				return nil, err
			}
			if err := p.expectOp(")", ErrParseExpectedTokenType); err != nil {
				return nil, err
			}
			return e, nil
		}
		if t.text == "*" {
			return nil, errorAt(ErrParseInvalidContextForWildcardInSelectList, t.pos, "")
		}
		return nil, p.unexpected(t)
	case tEOF:
		return nil, errorAt(ErrParseExpectedExpression, t.pos, "")
	}
	// Identifiers.
	switch t.up {
	case "TRUE", "FALSE", "NULL", "MISSING":
		k := LitBool
		switch t.up {
		case "NULL":
			k = LitNull
		case "MISSING":
			k = LitMissing
		}
		return &Literal{Kind: k, Text: t.up}, nil
	case "CASE":
		return p.caseExpr()
	case "CAST":
		return p.cast()
	}
	if p.peek().op("(") {
		return p.call(t)
	}
	if p.reserved[t.up] {
		return nil, errorAt(ErrParseUnexpectedKeyword, t.pos, "%s is a reserved word; quote it to use it as a name", t.text)
	}
	steps, err := p.steps(false)
	if err != nil {
		return nil, err
	}
	return &Path{Steps: append([]Step{{Kind: StepName, Name: t.text}}, steps...)}, nil
}

func (p *parser) caseExpr() (Expr, error) {
	c := &Case{}
	if p.peek().is("END") || p.peek().is("ELSE") {
		return nil, errorAt(ErrParseExpectedWhenClause, p.peek().pos, "found %s", p.peek().describe())
	}
	if !p.peek().is("WHEN") {
		op, err := p.expr()
		if err != nil {
			return nil, err
		}
		c.Operand = op
	}
	for p.accept("WHEN") {
		cond, err := p.expr()
		if err != nil {
			return nil, err
		}
		if err := p.expectKeyword("THEN"); err != nil {
			return nil, err
		}
		res, err := p.expr()
		if err != nil {
			return nil, err
		}
		c.Whens = append(c.Whens, When{Cond: cond, Result: res})
	}
	if len(c.Whens) == 0 {
		return nil, errorAt(ErrParseExpectedWhenClause, p.peek().pos, "found %s", p.peek().describe())
	}
	if p.accept("ELSE") {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		c.Else = e
	}
	if err := p.expectKeyword("END"); err != nil {
		return nil, err
	}
	return c, nil
}

// castTypes maps the accepted type names to their canonical spelling.
var castTypes = map[string]string{
	"BOOL": "BOOL", "BOOLEAN": "BOOL",
	"INT": "INT", "INTEGER": "INT", "SMALLINT": "INT", "BIGINT": "INT",
	"FLOAT": "FLOAT", "DOUBLE": "FLOAT", "REAL": "FLOAT",
	"DECIMAL": "DECIMAL", "NUMERIC": "DECIMAL",
	"STRING": "STRING", "VARCHAR": "STRING", "CHAR": "STRING",
	"TIMESTAMP": "TIMESTAMP",
}

func (p *parser) cast() (Expr, error) {
	if t := p.next(); !t.op("(") {
		return nil, errorAt(ErrParseExpectedLeftParenAfterCast, t.pos, "found %s", t.describe())
	}
	x, err := p.expr()
	if err != nil {
		return nil, err
	}
	if t := p.next(); !t.is("AS") {
		return nil, errorAt(ErrParseCastArity, t.pos, "expected AS, found %s", t.describe())
	}
	t := p.next()
	typ, ok := castTypes[t.up]
	if t.kind != tIdent || !ok {
		return nil, errorAt(ErrParseExpectedTypeName, t.pos, "found %s", t.describe())
	}
	if typ == "DECIMAL" && p.acceptOp("(") {
		// DECIMAL(precision[, scale]): taken and ignored, as S3 documents.
		for i := 0; ; i++ {
			if n := p.next(); n.kind != tInt || i > 1 {
				return nil, errorAt(ErrParseExpectedTypeName, n.pos, "DECIMAL takes a precision and a scale, found %s", n.describe())
			}
			if !p.acceptOp(",") {
				break
			}
		}
		if err := p.expectOp(")", ErrParseExpectedRightParenBuiltinFunctionCall); err != nil {
			return nil, err
		}
	}
	c := &Cast{X: x, Type: typ}
	if p.d == DialectOSS && typ == "TIMESTAMP" && p.peek().is("FORMAT") {
		p.i++
		f := p.next()
		if f.kind != tString {
			return nil, errorAt(ErrParseExpectedTokenType, f.pos, "FORMAT takes a string, found %s", f.describe())
		}
		if _, ok := ossFormatLayouts[strings.ToUpper(f.text)]; !ok {
			return nil, errorAt(ErrEvaluatorInvalidTimestampFormatPattern, f.pos, "%q is not a timestamp format OSS documents", f.text)
		}
		c.Format = f.text
	}
	if err := p.expectOp(")", ErrParseExpectedRightParenBuiltinFunctionCall); err != nil {
		return nil, err
	}
	return c, nil
}

// funcArity is the number of arguments of each function; -1 means one or
// more, -2 means two or three.
var funcArity = map[string]int{
	"LOWER": 1, "UPPER": 1, "CHAR_LENGTH": 1, "CHARACTER_LENGTH": 1,
	"TO_TIMESTAMP": 1, "TO_STRING": 2, "SUBSTRING": -2, "COALESCE": -1,
	"NULLIF": 2, "UTCNOW": 0,
	"COUNT": 1, "SUM": 1, "AVG": 1, "MIN": 1, "MAX": 1,
}

func isAggregate(name string) bool {
	switch name {
	case "COUNT", "SUM", "AVG", "MIN", "MAX":
		return true
	}
	return false
}

func (p *parser) datePart(extract bool) (string, error) {
	t := p.next()
	part := strings.ToLower(t.text)
	if t.kind != tIdent || !datePartNames[part] || !extract && strings.HasPrefix(part, "timezone_") {
		return "", errorAt(ErrParseExpectedDatePart, t.pos, "found %s", t.describe())
	}
	return part, nil
}

func (p *parser) call(name token) (Expr, error) {
	p.i++ // (
	fn := name.up
	c := &Call{Name: fn}
	switch fn {
	case "TRIM":
		return p.trim()
	case "EXTRACT":
		part, err := p.datePart(true)
		if err != nil {
			return nil, err
		}
		if err := p.expectKeyword("FROM"); err != nil {
			return nil, err
		}
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		if err := p.expectOp(")", ErrParseExpectedRightParenBuiltinFunctionCall); err != nil {
			return nil, err
		}
		return &Call{Name: fn, Part: part, Args: []Expr{x}}, nil
	case "DATE_ADD", "DATE_DIFF":
		part, err := p.datePart(false)
		if err != nil {
			return nil, err
		}
		c.Part = part
		if err := p.expectOp(",", ErrParseExpectedArgumentDelimiter); err != nil {
			return nil, err
		}
		for i := 0; i < 2; i++ {
			x, err := p.expr()
			if err != nil {
				return nil, err
			}
			c.Args = append(c.Args, x)
			if i == 0 {
				if err := p.expectOp(",", ErrParseExpectedArgumentDelimiter); err != nil {
					return nil, err
				}
			}
		}
		if err := p.expectOp(")", ErrParseExpectedRightParenBuiltinFunctionCall); err != nil {
			return nil, err
		}
		return c, nil
	}
	arity, known := funcArity[fn]
	if !known {
		return nil, errorAt(ErrUnsupportedFunction, name.pos, "%s", name.text)
	}
	if p.peek().op("*") {
		t := p.next()
		if fn != "COUNT" {
			return nil, errorAt(ErrParseUnsupportedCallWithStar, t.pos, "%s(*)", fn)
		}
		if err := p.expectOp(")", ErrParseExpectedRightParenBuiltinFunctionCall); err != nil {
			return nil, err
		}
		c.Star = true
		return c, nil
	}
	if !p.acceptOp(")") {
		for {
			x, err := p.expr()
			if err != nil {
				return nil, err
			}
			c.Args = append(c.Args, x)
			if fn == "SUBSTRING" && len(c.Args) == 1 && p.accept("FROM") {
				if x, err = p.expr(); err != nil {
					return nil, err
				}
				c.Args = append(c.Args, x)
				if p.accept("FOR") {
					if x, err = p.expr(); err != nil {
						return nil, err
					}
					c.Args = append(c.Args, x)
				}
				if err := p.expectOp(")", ErrParseExpectedRightParenBuiltinFunctionCall); err != nil {
					return nil, err
				}
				break
			}
			if p.acceptOp(",") {
				continue
			}
			if err := p.expectOp(")", ErrParseExpectedRightParenBuiltinFunctionCall); err != nil {
				return nil, err
			}
			break
		}
	}
	n := len(c.Args)
	ok := n == arity || arity == -1 && n >= 1 || arity == -2 && (n == 2 || n == 3)
	if !ok {
		if isAggregate(fn) {
			return nil, errorAt(ErrParseNonUnaryAgregateFunctionCall, name.pos, "%s takes one argument, got %d", fn, n)
		}
		return nil, errorAt(ErrEvaluatorInvalidArguments, name.pos, "%s takes %s arguments, got %d", fn, arityText(arity), n)
	}
	return c, nil
}

func arityText(a int) string {
	switch a {
	case -1:
		return "one or more"
	case -2:
		return "two or three"
	}
	return strconv.Itoa(a)
}

func (p *parser) trim() (Expr, error) {
	tr := &Trim{}
	for _, w := range []string{"LEADING", "TRAILING", "BOTH"} {
		if p.accept(w) {
			tr.Where = w
			break
		}
	}
	if tr.Where != "" && p.accept("FROM") {
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		tr.X = x
	} else {
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		if p.accept("FROM") {
			tr.Chars = x
			if x, err = p.expr(); err != nil {
				return nil, err
			}
		} else if tr.Where != "" {
			return nil, errorAt(ErrParseExpectedKeyword, p.peek().pos, "expected FROM, found %s", p.peek().describe())
		}
		tr.X = x
	}
	if err := p.expectOp(")", ErrParseExpectedRightParenBuiltinFunctionCall); err != nil {
		return nil, err
	}
	return tr, nil
}

// check validates what the grammar cannot: aggregates only in the select
// list and not nested, no mixing of aggregates with per-record columns,
// wildcards only where allowed.
func (q *Query) check() error {
	for _, it := range q.Items {
		hasAgg := false
		var err error
		walk(it.Expr, func(e Expr, inAgg bool) bool {
			if err != nil {
				return false
			}
			switch e := e.(type) {
			case *Call:
				if isAggregate(e.Name) {
					if inAgg {
						err = errorf(ErrUnsupportedSQLStructure, "aggregate functions cannot be nested")
						return false
					}
					hasAgg = true
				}
			case *Path:
				for i, s := range e.Steps {
					if s.Kind == StepWildcard || s.Kind == StepObjWildcard && (i != len(e.Steps)-1 || e != it.Expr) {
						err = errorf(ErrParseInvalidContextForWildcardInSelectList, "%s", e)
						return false
					}
				}
			}
			return true
		}, false)
		if err != nil {
			return err
		}
		if hasAgg {
			q.aggs = true
		}
	}
	if q.aggs {
		for _, it := range q.Items {
			if bad := bareColumn(it.Expr, false); bad != nil {
				return errorf(ErrUnsupportedSQLStructure, "%s is neither an aggregate nor inside one", bad)
			}
		}
	}
	if q.Where != nil {
		var err error
		walk(q.Where, func(e Expr, _ bool) bool {
			switch e := e.(type) {
			case *Call:
				if isAggregate(e.Name) && err == nil {
					err = errorf(ErrUnsupportedSQLOperation, "aggregate %s in WHERE", e.Name)
				}
			case *Path:
				for _, s := range e.Steps {
					if (s.Kind == StepWildcard || s.Kind == StepObjWildcard) && err == nil {
						err = errorf(ErrParseInvalidContextForWildcardInSelectList, "wildcard in WHERE: %s", e)
					}
				}
			}
			return err == nil
		}, false)
		if err != nil {
			return err
		}
	}
	return nil
}

// checkOperators refuses a statement of more than limit operators (0:
// DefaultMaxOperators, negative: any number).
func (q *Query) checkOperators(limit int) error {
	if limit < 0 {
		return nil
	}
	if limit == 0 {
		limit = DefaultMaxOperators
	}
	n := 0
	count := func(e Expr, _ bool) bool {
		switch e.(type) {
		case *Literal, *Path:
		default:
			if !signedNumber(e) { // -5 is a constant, as 5 is
				n++
			}
		}
		return true
	}
	for _, it := range q.Items {
		walk(it.Expr, count, false)
	}
	walk(q.Where, count, false)
	if n > limit {
		return errorf(ErrMaxOperatorsExceeded, "%d operators, more than %d (ParseOptions.MaxOperators)", n, limit)
	}
	return nil
}

// checkOSS applies the limits of the OSS SelectObject dialect.
func (q *Query) checkOSS() error {
	for _, it := range q.Items {
		switch e := it.Expr.(type) {
		case *Path, *Cast:
		case *Call:
			if !isAggregate(e.Name) {
				return errorf(ErrOSSUnsupportedProjection, "%s", render(e, DialectOSS))
			}
		default:
			return errorf(ErrOSSUnsupportedProjection, "%s", render(e, DialectOSS))
		}
	}
	var err error
	check := func(e Expr, _ bool) bool {
		if err != nil {
			return false
		}
		switch e := e.(type) {
		case *Path:
			s := e.Steps[0]
			if len(e.Steps) > 1 {
				s = e.Steps[1]
			}
			if s.Kind == StepName && len(s.Name) > 1 && s.Name[0] == '_' {
				if n, aerr := strconv.Atoi(s.Name[1:]); aerr == nil && (n < 1 || n > 1000) {
					err = errorf(ErrOSSInvalidColumnIndex, "%s", s.Name)
				}
			}
		case *In:
			if len(e.List) > 1024 {
				err = errorf(ErrOSSExceedsMaxInCount, "%d values", len(e.List))
				break
			}
			var kind LitKind
			for i, x := range e.List {
				lit, ok := x.(*Literal)
				if !ok {
					continue
				}
				k := lit.Kind
				if k == LitDecimal || k == LitFloat {
					k = LitInt
				}
				if i > 0 && k != kind {
					err = errorf(ErrOSSValueTypeOfInMustBeSame, "%s", render(e, DialectOSS))
				}
				kind = k
			}
		case *Like:
			if esc, ok := e.Escape.(*Literal); ok && esc.Kind == LitString {
				switch {
				case len([]rune(esc.Text)) != 1:
					err = errorf(ErrOSSOnlyOneEscapeCharIsAllowed, "%q", esc.Text)
				case strings.ContainsAny(esc.Text, "?%*"):
					err = errorf(ErrOSSInvalidEscapeChar, "%q", esc.Text)
				}
			}
			if pat, ok := e.Pattern.(*Literal); ok && pat.Kind == LitString {
				if n := strings.Count(pat.Text, "%") + strings.Count(pat.Text, "*"); n > 5 {
					err = errorf(ErrOSSExceedsMaxWildCardCount, "%d wildcards", n)
				}
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

// bareColumn returns a column reference outside any aggregate.
func bareColumn(e Expr, inAgg bool) Expr {
	var found Expr
	walk(e, func(e Expr, inAgg bool) bool {
		if p, ok := e.(*Path); ok && !inAgg && found == nil {
			found = p
		}
		return found == nil
	}, inAgg)
	return found
}

// walk visits e and its children in order; inAgg tells whether a node is
// inside an aggregate call. fn returns false to stop descending.
func walk(e Expr, fn func(e Expr, inAgg bool) bool, inAgg bool) {
	if e == nil || !fn(e, inAgg) {
		return
	}
	switch e := e.(type) {
	case *Unary:
		walk(e.X, fn, inAgg)
	case *Binary:
		walk(e.L, fn, inAgg)
		walk(e.R, fn, inAgg)
	case *Between:
		walk(e.X, fn, inAgg)
		walk(e.Lo, fn, inAgg)
		walk(e.Hi, fn, inAgg)
	case *In:
		walk(e.X, fn, inAgg)
		for _, x := range e.List {
			walk(x, fn, inAgg)
		}
	case *Like:
		walk(e.X, fn, inAgg)
		walk(e.Pattern, fn, inAgg)
		walk(e.Escape, fn, inAgg)
	case *Is:
		walk(e.X, fn, inAgg)
	case *Case:
		walk(e.Operand, fn, inAgg)
		for _, w := range e.Whens {
			walk(w.Cond, fn, inAgg)
			walk(w.Result, fn, inAgg)
		}
		walk(e.Else, fn, inAgg)
	case *Cast:
		walk(e.X, fn, inAgg)
	case *Call:
		sub := inAgg || isAggregate(e.Name)
		for _, x := range e.Args {
			walk(x, fn, sub)
		}
	case *Trim:
		walk(e.Chars, fn, inAgg)
		walk(e.X, fn, inAgg)
	}
}
