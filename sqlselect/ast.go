package sqlselect

import (
	"strconv"
	"strings"
)

// Expr is a node of a parsed expression. String renders it as SQL of the
// S3 dialect that parses back to the same tree, with parentheses only
// where the grammar needs them, so a rendering nests no deeper than any
// text the tree was parsed from and stays within the parser's nesting
// limit.
type Expr interface {
	String() string
	// write appends the node to b as SQL of dialect d (whose reserved
	// words, and so what must be quoted, differ).
	write(b *strings.Builder, d Dialect)
	// prec is the node's precedence level (precOr ... precPrimary).
	prec() int
}

// Precedence levels, loosest first: one per rule of the parser's
// expression grammar (parser.go). A node of level L stands unparenthesised
// where the grammar reads an operand at level L or looser; where it reads
// a tighter level the node is written in parentheses.
const (
	precAny     = iota // an operand the parser reads with expr()
	precOr             // OR
	precAnd            // AND
	precNot            // prefix NOT
	precCmp            // = <> < > <= >=, IS, [NOT] IN, BETWEEN, LIKE
	precConcat         // ||
	precAdd            // binary + -
	precMul            // * / %
	precUnary          // prefix + -
	precPrimary        // literals, paths, CASE, CAST, calls, (...)
)

// LitKind is the type of a literal.
type LitKind uint8

// Literal kinds.
const (
	LitString LitKind = iota
	LitInt
	LitDecimal // 1.5
	LitFloat   // 1.5e3
	LitBool
	LitNull
	LitMissing
	LitTimestamp // `2010-01-01T`
)

// Literal is a constant. Text is the literal as written for numbers, the
// unescaped content for strings and timestamps, TRUE/FALSE/NULL/MISSING
// otherwise.
type Literal struct {
	Kind LitKind
	Text string
}

// StepKind says what a path step selects.
type StepKind uint8

// Path step kinds.
const (
	StepName        StepKind = iota // .name, ."Name", ['name']
	StepIndex                       // [3]
	StepWildcard                    // [*]
	StepObjWildcard                 // .*
)

// Step is one element of a path.
type Step struct {
	Kind StepKind
	// Name is the member name; Quoted says it was written "quoted" or
	// ['quoted'] and so matches case-sensitively.
	Name   string
	Quoted bool
	Index  int
}

// Path is a column or member reference: name, alias.name, alias._3,
// alias.a.b[0].c.
type Path struct {
	Steps []Step
}

// Unary is -x, +x or NOT x.
type Unary struct {
	Op string
	X  Expr
}

// Binary is a binary operator: OR AND = <> < > <= >= || + - * / %.
type Binary struct {
	Op   string
	L, R Expr
}

// Between is x [NOT] BETWEEN lo AND hi.
type Between struct {
	X, Lo, Hi Expr
	Not       bool
}

// In is x [NOT] IN (list).
type In struct {
	X    Expr
	List []Expr
	Not  bool
}

// Like is x [NOT] LIKE pattern [ESCAPE esc].
type Like struct {
	X, Pattern, Escape Expr // Escape may be nil
	Not                bool
}

// Is is x IS [NOT] NULL|MISSING|TRUE|FALSE.
type Is struct {
	X    Expr
	Not  bool
	What string
}

// When is one WHEN ... THEN ... arm of a CASE.
type When struct {
	Cond, Result Expr
}

// Case is CASE [operand] WHEN ... THEN ... [ELSE ...] END.
type Case struct {
	Operand Expr // nil for a searched CASE
	Whens   []When
	Else    Expr // may be nil
}

// Cast is CAST(x AS type). Type is the canonical upper-case type name.
// Format is the OSS dialect's named timestamp format (CAST(x AS TIMESTAMP
// FORMAT 'YYYYDDMM')), as written; "" when none is given.
type Cast struct {
	X      Expr
	Type   string
	Format string
}

// Call is a function call. Name is upper-case. Part is the date part of
// DATE_ADD, DATE_DIFF and EXTRACT (lower-case). Star marks COUNT(*).
type Call struct {
	Name string
	Part string
	Args []Expr
	Star bool
}

// Trim is TRIM([LEADING|TRAILING|BOTH] [chars] FROM x) or TRIM(x).
type Trim struct {
	Where string // "", "LEADING", "TRAILING", "BOTH"
	Chars Expr   // may be nil
	X     Expr
}

func (e *Literal) String() string { return render(e, DialectS3) }
func (e *Path) String() string    { return render(e, DialectS3) }
func (e *Unary) String() string   { return render(e, DialectS3) }
func (e *Binary) String() string  { return render(e, DialectS3) }
func (e *Between) String() string { return render(e, DialectS3) }
func (e *In) String() string      { return render(e, DialectS3) }
func (e *Like) String() string    { return render(e, DialectS3) }
func (e *Is) String() string      { return render(e, DialectS3) }
func (e *Case) String() string    { return render(e, DialectS3) }
func (e *Cast) String() string    { return render(e, DialectS3) }
func (e *Call) String() string    { return render(e, DialectS3) }
func (e *Trim) String() string    { return render(e, DialectS3) }

// SelectItem is one projection with its optional alias.
type SelectItem struct {
	Expr        Expr
	Alias       string
	AliasQuoted bool
}

// From is the FROM clause: the table (S3Object or ossobject, as written), a
// JSON path into each document, and the alias.
type From struct {
	Table       string
	Path        []Step
	Alias       string
	AliasQuoted bool
}

// Query is a parsed SELECT statement. Build one with Parse; it is
// immutable and safe to Run concurrently.
type Query struct {
	// Star is SELECT *; Items is empty then.
	Star  bool
	Items []SelectItem
	From  From
	Where Expr // may be nil
	// Limit is the LIMIT value, or -1 without LIMIT.
	Limit int64

	dialect Dialect
	aggs    bool // the select list contains an aggregate
}

// OutputNames returns the JSON member name of each projection (its alias,
// else the last member name of a path, else _<position>), or nil for
// SELECT *. The OSS dialect reports duplicates among them in the
// x-oss-select-output-json-dup-key header.
func (q *Query) OutputNames() []string {
	if q.Star {
		return nil
	}
	names := make([]string, len(q.Items))
	for i, it := range q.Items {
		names[i] = outputName(it, i)
	}
	return names
}

// quoteIdent renders a name as written when it was unquoted and may stand
// unquoted in dialect d, else quoted.
func quoteIdent(name string, quoted bool, d Dialect) string {
	if !quoted && isPlainIdent(name) && !d.rules().reserved[strings.ToUpper(name)] {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

func isPlainIdent(s string) bool {
	if s == "" || !isIdentStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isIdentPart(s[i]) {
			return false
		}
	}
	return true
}

func quoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func renderSteps(b *strings.Builder, steps []Step, first bool, d Dialect) {
	for i, s := range steps {
		switch s.Kind {
		case StepName:
			if !(first && i == 0) {
				b.WriteByte('.')
			}
			b.WriteString(quoteIdent(s.Name, s.Quoted, d))
		case StepIndex:
			b.WriteString("[" + strconv.Itoa(s.Index) + "]")
		case StepWildcard:
			b.WriteString("[*]")
		case StepObjWildcard:
			b.WriteString(".*")
		}
	}
}

// render returns e as SQL of dialect d. It writes into one buffer, so its
// cost is linear in the length of the result however deep e nests.
func render(e Expr, d Dialect) string {
	var b strings.Builder
	e.write(&b, d)
	return b.String()
}

// writeOperand writes x where the grammar reads an operand of the given
// level, in parentheses when x binds more loosely.
func writeOperand(b *strings.Builder, x Expr, level int, d Dialect) {
	if x.prec() < level {
		b.WriteByte('(')
		x.write(b, d)
		b.WriteByte(')')
		return
	}
	x.write(b, d)
}

func (e *Literal) prec() int { return precPrimary }
func (e *Path) prec() int    { return precPrimary }
func (e *Between) prec() int { return precCmp }
func (e *In) prec() int      { return precCmp }
func (e *Like) prec() int    { return precCmp }
func (e *Is) prec() int      { return precCmp }
func (e *Case) prec() int    { return precPrimary }
func (e *Cast) prec() int    { return precPrimary }
func (e *Call) prec() int    { return precPrimary }
func (e *Trim) prec() int    { return precPrimary }

func (e *Unary) prec() int {
	if e.Op == "NOT" {
		return precNot
	}
	return precUnary
}

// binaryPrec is the level of each binary operator (all left-associative).
var binaryPrec = map[string]int{
	"OR": precOr, "AND": precAnd,
	"=": precCmp, "<>": precCmp, "!=": precCmp, "<": precCmp, ">": precCmp, "<=": precCmp, ">=": precCmp,
	"||": precConcat, "+": precAdd, "-": precAdd, "*": precMul, "/": precMul, "%": precMul,
}

// prec of an operator the parser does not produce is precAny.
func (e *Binary) prec() int { return binaryPrec[e.Op] }

func (e *Literal) write(b *strings.Builder, _ Dialect) {
	switch e.Kind {
	case LitString:
		b.WriteString(quoteString(e.Text))
	case LitTimestamp:
		b.WriteString("`" + e.Text + "`")
	default:
		b.WriteString(e.Text)
	}
}

func (e *Path) write(b *strings.Builder, d Dialect) {
	renderSteps(b, e.Steps, true, d)
}

func (e *Unary) write(b *strings.Builder, d Dialect) {
	if e.Op == "NOT" {
		b.WriteString("NOT ")
		writeOperand(b, e.X, precNot, d)
		return
	}
	b.WriteString(e.Op)
	if x, ok := e.X.(*Unary); ok && x.Op != "NOT" {
		b.WriteByte(' ') // - -x, not --x
	}
	writeOperand(b, e.X, precUnary, d)
}

func (e *Binary) write(b *strings.Builder, d Dialect) {
	// Left-associative: the left operand may be of the operator's own
	// level, the right one must bind tighter.
	writeOperand(b, e.L, e.prec(), d)
	b.WriteString(" " + e.Op + " ")
	writeOperand(b, e.R, e.prec()+1, d)
}

func not(b bool) string {
	if b {
		return " NOT"
	}
	return ""
}

func (e *Between) write(b *strings.Builder, d Dialect) {
	writeOperand(b, e.X, precCmp, d)
	b.WriteString(not(e.Not) + " BETWEEN ")
	writeOperand(b, e.Lo, precConcat, d)
	b.WriteString(" AND ")
	writeOperand(b, e.Hi, precConcat, d)
}

func (e *In) write(b *strings.Builder, d Dialect) {
	writeOperand(b, e.X, precCmp, d)
	b.WriteString(not(e.Not) + " IN (")
	for i, x := range e.List {
		if i > 0 {
			b.WriteString(", ")
		}
		x.write(b, d)
	}
	b.WriteByte(')')
}

func (e *Like) write(b *strings.Builder, d Dialect) {
	writeOperand(b, e.X, precCmp, d)
	b.WriteString(not(e.Not) + " LIKE ")
	writeOperand(b, e.Pattern, precConcat, d)
	if e.Escape != nil {
		b.WriteString(" ESCAPE ")
		writeOperand(b, e.Escape, precConcat, d)
	}
}

func (e *Is) write(b *strings.Builder, d Dialect) {
	writeOperand(b, e.X, precCmp, d)
	b.WriteString(" IS" + not(e.Not) + " " + e.What)
}

func (e *Case) write(b *strings.Builder, d Dialect) {
	b.WriteString("CASE")
	if e.Operand != nil {
		b.WriteByte(' ')
		e.Operand.write(b, d)
	}
	for _, w := range e.Whens {
		b.WriteString(" WHEN ")
		w.Cond.write(b, d)
		b.WriteString(" THEN ")
		w.Result.write(b, d)
	}
	if e.Else != nil {
		b.WriteString(" ELSE ")
		e.Else.write(b, d)
	}
	b.WriteString(" END")
}

func (e *Cast) write(b *strings.Builder, d Dialect) {
	b.WriteString("CAST(")
	e.X.write(b, d)
	b.WriteString(" AS " + e.Type)
	if e.Format != "" {
		b.WriteString(" FORMAT " + quoteString(e.Format))
	}
	b.WriteByte(')')
}

func (e *Call) write(b *strings.Builder, d Dialect) {
	b.WriteString(e.Name + "(")
	switch {
	case e.Star:
		b.WriteByte('*')
	case e.Name == "EXTRACT":
		b.WriteString(e.Part + " FROM ")
		e.Args[0].write(b, d)
	default:
		sep := ""
		if e.Part != "" {
			b.WriteString(e.Part)
			sep = ", "
		}
		for _, a := range e.Args {
			b.WriteString(sep)
			a.write(b, d)
			sep = ", "
		}
	}
	b.WriteByte(')')
}

func (e *Trim) write(b *strings.Builder, d Dialect) {
	b.WriteString("TRIM(")
	if e.Where != "" {
		b.WriteString(e.Where + " ")
	}
	if e.Chars != nil {
		e.Chars.write(b, d)
		b.WriteByte(' ')
	}
	if e.Where != "" || e.Chars != nil {
		b.WriteString("FROM ")
	}
	e.X.write(b, d)
	b.WriteByte(')')
}

// String renders the query as SQL that ParseWith, in the query's dialect,
// turns back into the same query. Parentheses appear only where the
// grammar needs them, so the rendering nests no deeper than the statement
// it was parsed from and stays within the parser's nesting limit. It may
// be longer than that statement (AS before an alias, spaces around
// operators), so a statement just under MaxExpressionSize, or OSS's
// 16 KiB, may render past it.
func (q *Query) String() string {
	var b strings.Builder
	b.WriteString("SELECT ")
	if q.Star {
		b.WriteString("*")
	}
	for i, it := range q.Items {
		if i > 0 {
			b.WriteString(", ")
		}
		it.Expr.write(&b, q.dialect)
		if it.Alias != "" {
			b.WriteString(" AS " + quoteIdent(it.Alias, it.AliasQuoted, q.dialect))
		}
	}
	b.WriteString(" FROM ")
	b.WriteString(q.From.Table)
	renderSteps(&b, q.From.Path, false, q.dialect)
	if q.From.Alias != "" {
		b.WriteString(" AS " + quoteIdent(q.From.Alias, q.From.AliasQuoted, q.dialect))
	}
	if q.Where != nil {
		b.WriteString(" WHERE ")
		q.Where.write(&b, q.dialect)
	}
	if q.Limit >= 0 {
		b.WriteString(" LIMIT " + strconv.FormatInt(q.Limit, 10))
	}
	return b.String()
}
