package sqlselect

import (
	"strconv"
	"strings"
)

// Expr is a node of a parsed expression. String renders it as SQL of the
// S3 dialect that parses back to the same tree; binary operators are fully
// parenthesised.
type Expr interface {
	String() string
	// render renders the node in dialect d (whose reserved words, and so
	// what must be quoted, differ).
	render(d Dialect) string
}

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
type Cast struct {
	X    Expr
	Type string
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

func (e *Literal) String() string { return e.render(DialectS3) }
func (e *Path) String() string    { return e.render(DialectS3) }
func (e *Unary) String() string   { return e.render(DialectS3) }
func (e *Binary) String() string  { return e.render(DialectS3) }
func (e *Between) String() string { return e.render(DialectS3) }
func (e *In) String() string      { return e.render(DialectS3) }
func (e *Like) String() string    { return e.render(DialectS3) }
func (e *Is) String() string      { return e.render(DialectS3) }
func (e *Case) String() string    { return e.render(DialectS3) }
func (e *Cast) String() string    { return e.render(DialectS3) }
func (e *Call) String() string    { return e.render(DialectS3) }
func (e *Trim) String() string    { return e.render(DialectS3) }

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

func (e *Literal) render(Dialect) string {
	switch e.Kind {
	case LitString:
		return quoteString(e.Text)
	case LitTimestamp:
		return "`" + e.Text + "`"
	}
	return e.Text
}

func (e *Path) render(d Dialect) string {
	var b strings.Builder
	renderSteps(&b, e.Steps, true, d)
	return b.String()
}

func (e *Unary) render(d Dialect) string {
	if e.Op == "NOT" {
		return "(NOT " + e.X.render(d) + ")"
	}
	return "(" + e.Op + e.X.render(d) + ")"
}

func (e *Binary) render(d Dialect) string {
	return "(" + e.L.render(d) + " " + e.Op + " " + e.R.render(d) + ")"
}

func not(b bool) string {
	if b {
		return " NOT"
	}
	return ""
}

func (e *Between) render(d Dialect) string {
	return "(" + e.X.render(d) + not(e.Not) + " BETWEEN " + e.Lo.render(d) + " AND " + e.Hi.render(d) + ")"
}

func (e *In) render(d Dialect) string {
	parts := make([]string, len(e.List))
	for i, x := range e.List {
		parts[i] = x.render(d)
	}
	return "(" + e.X.render(d) + not(e.Not) + " IN (" + strings.Join(parts, ", ") + "))"
}

func (e *Like) render(d Dialect) string {
	s := "(" + e.X.render(d) + not(e.Not) + " LIKE " + e.Pattern.render(d)
	if e.Escape != nil {
		s += " ESCAPE " + e.Escape.render(d)
	}
	return s + ")"
}

func (e *Is) render(d Dialect) string {
	return "(" + e.X.render(d) + " IS" + not(e.Not) + " " + e.What + ")"
}

func (e *Case) render(d Dialect) string {
	var b strings.Builder
	b.WriteString("CASE")
	if e.Operand != nil {
		b.WriteString(" " + e.Operand.render(d))
	}
	for _, w := range e.Whens {
		b.WriteString(" WHEN " + w.Cond.render(d) + " THEN " + w.Result.render(d))
	}
	if e.Else != nil {
		b.WriteString(" ELSE " + e.Else.render(d))
	}
	b.WriteString(" END")
	return b.String()
}

func (e *Cast) render(d Dialect) string {
	return "CAST(" + e.X.render(d) + " AS " + e.Type + ")"
}

func (e *Call) render(d Dialect) string {
	if e.Star {
		return e.Name + "(*)"
	}
	parts := make([]string, 0, len(e.Args)+1)
	if e.Name == "EXTRACT" {
		return "EXTRACT(" + e.Part + " FROM " + e.Args[0].render(d) + ")"
	}
	if e.Part != "" {
		parts = append(parts, e.Part)
	}
	for _, a := range e.Args {
		parts = append(parts, a.render(d))
	}
	return e.Name + "(" + strings.Join(parts, ", ") + ")"
}

func (e *Trim) render(d Dialect) string {
	if e.Where == "" && e.Chars == nil {
		return "TRIM(" + e.X.render(d) + ")"
	}
	s := "TRIM("
	if e.Where != "" {
		s += e.Where + " "
	}
	if e.Chars != nil {
		s += e.Chars.render(d) + " "
	}
	return s + "FROM " + e.X.render(d) + ")"
}

// String renders the query as SQL that Parse turns back into the same
// query.
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
		b.WriteString(it.Expr.render(q.dialect))
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
		b.WriteString(" WHERE " + q.Where.render(q.dialect))
	}
	if q.Limit >= 0 {
		b.WriteString(" LIMIT " + strconv.FormatInt(q.Limit, 10))
	}
	return b.String()
}
