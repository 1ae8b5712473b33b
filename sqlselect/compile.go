package sqlselect

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// row is the record being evaluated: CSV fields (only as many as the query
// needs) or one JSON/Parquet value.
type row struct {
	fields [][]byte
	val    value
	// partial is set when the query read a column or member the record
	// lacks (for OSS SkipPartialDataRecord).
	partial bool
	// m is the query's evaluation budget; nil outside Run.
	m *meter
}

type format uint8

const (
	fmtCSV format = iota
	fmtJSON
)

// compiler turns a Query into evalFns for one input.
type compiler struct {
	q       *Query
	format  format
	dialect Dialect
	clock   func() time.Time
	// alias names the record; matched case-insensitively unless quoted.
	alias       string
	aliasQuoted bool
	// CSV: header names when FileHeaderInfo is USE; need is the number of
	// leading columns the query reads, -1 for all.
	header    []string
	need      int
	absentCol value // value of a column past the end of the record
	aggs      []*aggState
	// JSON and Parquet: whole is set when the query reads the record as a
	// whole (SELECT *, the alias alone, a wildcard); top holds the
	// top-level member names its paths start with otherwise.
	whole bool
	top   []string
	// comparing counts the comparisons (=, <>, <, >, <=, >=, BETWEEN, IN)
	// whose operands are being compiled; compared holds the paths (their
	// steps after the alias) read within one.
	comparing int
	compared  [][]Step
	// nodes and literals count the expression nodes compiled, the
	// constants apart (the evaluation budget).
	nodes, literals int
}

// program is a query compiled for one input.
type program struct {
	where pred
	items []evalFn
	names []string
	cols  []int // CSV: the column of each item that is a plain column, else -1
	star  bool
	aggs  []*aggState
	need  int
	// whole, top and compared: the compiler's, for Parquet input (which
	// columns a row must convert, and which of them a comparison reads).
	whole    bool
	top      []string
	compared [][]Step
	// cost is what each record is charged before it is evaluated: every
	// node of the compiled expressions (budget.go).
	cost int
}

func compile(q *Query, f format, header []string, clock func() time.Time) (*program, error) {
	c := &compiler{q: q, format: f, dialect: q.dialect, clock: clock, header: header, need: 0, absentCol: missingV}
	if q.dialect == DialectOSS {
		c.absentCol = nullV
		if err := q.checkOSSFormat(f); err != nil {
			return nil, err
		}
	} else if f == fmtCSV && len(q.fromSteps()) > 0 {
		// "This form of the FROM clause works only with JSON objects"
		// (the SELECT command page; Parquet rows are read as JSON
		// records are): a CSV record is flat, and a path was ignored,
		// answering whole records. The page names no code; this one's
		// text sends the client to the SQL reference.
		return nil, errorf(ErrUnsupportedSQLStructure, "FROM %s%s: a path in FROM selects within JSON records, not CSV ones", q.From.Table, render(&Path{Steps: q.From.Path}, q.dialect))
	}
	c.alias, c.aliasQuoted = q.From.Alias, q.From.AliasQuoted
	if c.alias == "" {
		c.alias = q.From.Table
		if n := len(q.From.Path); n > 0 {
			switch last := q.From.Path[n-1]; last.Kind {
			case StepName:
				c.alias, c.aliasQuoted = last.Name, last.Quoted
			default:
				c.alias = "_1"
			}
		}
	}
	p := &program{star: q.Star}
	var err error
	if q.Where != nil {
		if p.where, err = c.predicate(q.Where); err != nil {
			return nil, err
		}
	}
	if q.Star {
		c.need = -1
	}
	for i, it := range q.Items {
		fn, err := c.expr(it.Expr)
		if err != nil {
			return nil, err
		}
		p.items = append(p.items, fn)
		p.names = append(p.names, outputName(it, i))
		col, ok := c.csvColumn(it.Expr)
		if !ok {
			col = -1
		}
		p.cols = append(p.cols, col)
	}
	p.aggs = c.aggs
	p.need = c.need
	p.whole = q.Star || c.whole
	p.top = c.top
	p.compared = c.compared
	if from := q.fromSteps(); len(from) > 0 {
		// The query's paths are relative to the records the FROM path
		// selects: a row's column is read when the FROM path starts with
		// its name (every column when it starts otherwise), and a
		// comparison's path is the FROM path's names followed by its own.
		p.whole, p.top, p.compared = true, nil, nil
		if from[0].Kind == StepName {
			p.whole, p.top = false, []string{from[0].Name}
			if !slices.ContainsFunc(from, func(s Step) bool { return s.Kind != StepName }) {
				for _, steps := range c.compared {
					p.compared = append(p.compared, append(slices.Clip(from), steps...))
				}
			}
		}
	}
	p.cost = costNode*c.nodes + costLiteral*c.literals
	return p, nil
}

// fromSteps is the FROM clause's path into each record, without the
// S3Object[*] that names the records themselves.
func (q *Query) fromSteps() []Step {
	path := q.From.Path
	if len(path) > 0 && path[0].Kind == StepWildcard {
		path = path[1:]
	}
	return path
}

// outputName is the JSON key of a projection: its alias, else the last
// member name of a path, else _<position>.
func outputName(it SelectItem, i int) string {
	if it.Alias != "" {
		return it.Alias
	}
	if p, ok := it.Expr.(*Path); ok {
		if last := p.Steps[len(p.Steps)-1]; last.Kind == StepName {
			return last.Name
		}
	}
	return "_" + strconv.Itoa(i+1)
}

func (c *compiler) expr(e Expr) (evalFn, error) {
	c.nodes++
	switch e := e.(type) {
	case *Literal:
		c.nodes-- // a constant costs a call: costLiteral
		c.literals++
		v, err := literalValue(e)
		if err != nil {
			return nil, err
		}
		return constFn(v), nil
	case *Path:
		return c.path(e)
	case *Unary:
		return c.unary(e)
	case *Binary:
		switch e.Op {
		case "AND", "OR":
			return c.logical(e)
		case "=", "<>", "<", ">", "<=", ">=":
			c.comparing++
			defer func() { c.comparing-- }()
			return c.comparison(e)
		}
		return c.arith(e)
	case *Between:
		c.comparing++
		defer func() { c.comparing-- }()
		return c.between(e)
	case *In:
		c.comparing++
		defer func() { c.comparing-- }()
		return c.in(e)
	case *Like:
		return c.like(e)
	case *Is:
		return c.is(e)
	case *Case:
		return c.caseExpr(e)
	case *Cast:
		return c.cast(e)
	case *Call:
		return c.call(e)
	case *Trim:
		return c.trim(e)
	}
	return nil, errorf(ErrInternalError, "unknown expression %T", e)
}

func nameMatches(want string, quoted bool, have string, caseSensitive bool) bool {
	if quoted || caseSensitive {
		return want == have
	}
	return strings.EqualFold(want, have)
}

// relSteps strips the table alias from a path: s.a.b -> a.b. A path that
// is only the alias returns no steps (the whole record).
func (c *compiler) relSteps(p *Path) []Step {
	first := p.Steps[0]
	isAlias := first.Kind == StepName && (nameMatches(c.alias, c.aliasQuoted || first.Quoted, first.Name, false) ||
		c.q.From.Alias == "" && strings.EqualFold(first.Name, c.q.From.Table) && !first.Quoted)
	if isAlias {
		return p.Steps[1:]
	}
	return p.Steps
}

// csvColumn reports the 0-based column a path names in a CSV input, when it
// is a plain column.
func (c *compiler) csvColumn(e Expr) (int, bool) {
	p, ok := e.(*Path)
	if c.format != fmtCSV || !ok {
		return 0, false
	}
	steps := c.relSteps(p)
	if len(steps) != 1 || steps[0].Kind != StepName {
		return 0, false
	}
	col, err := c.columnIndex(steps[0])
	if err != nil || col < 0 {
		return 0, false
	}
	if c.need >= 0 && col+1 > c.need {
		c.need = col + 1
	}
	return col, true
}

// columnIndex resolves a CSV column name: a header name (FileHeaderInfo
// USE) or _N. A quoted name matches a header exactly. An unquoted one
// matches the headers equal to it ignoring case: in S3 more than one is
// AmbiguousFieldName (S3's documented example: NAME and name), in OSS an
// exact match wins over the others (OSS matches Year with year too). It
// returns -1 for an unquoted name that matches nothing.
func (c *compiler) columnIndex(s Step) (int, error) {
	if c.header != nil {
		found := -1
		for i, h := range c.header {
			if h == s.Name && (s.Quoted || c.dialect == DialectOSS) {
				found = i
				break
			}
		}
		if found < 0 && !s.Quoted {
			for i, h := range c.header {
				if strings.EqualFold(h, s.Name) {
					if found >= 0 {
						return 0, errorf(ErrAmbiguousFieldName, "%s", s.Name)
					}
					found = i
				}
			}
		}
		if found >= 0 {
			return found, nil
		}
	}
	if len(s.Name) > 1 && s.Name[0] == '_' {
		if n, err := strconv.Atoi(s.Name[1:]); err == nil {
			if n < 1 {
				return 0, errorf(ErrInvalidColumnIndex, "%s", s.Name)
			}
			return n - 1, nil
		}
	}
	if s.Quoted && c.header != nil {
		return 0, errorf(ErrMissingHeaderName, "%q", s.Name)
	}
	return -1, nil
}

func (c *compiler) path(p *Path) (evalFn, error) {
	steps := c.relSteps(p)
	if c.format == fmtCSV {
		return c.csvPath(steps)
	}
	if len(steps) == 0 || steps[0].Kind != StepName {
		c.whole = true
	} else {
		c.top = append(c.top, steps[0].Name)
		if c.comparing > 0 {
			c.compared = append(c.compared, steps)
		}
	}
	oss := c.dialect == DialectOSS
	absent := missingV
	if oss {
		absent = nullV
	}
	return func(rw *row) (value, error) {
		v, err := walkPath(rw.val, steps, oss, missingV)
		if v.k == kMissing && err == nil {
			rw.partial = true
			return absent, nil
		}
		return v, err
	}, nil
}

func (c *compiler) csvPath(steps []Step) (evalFn, error) {
	if len(steps) == 0 || len(steps) == 1 && steps[0].Kind == StepObjWildcard {
		// The whole record as a struct.
		c.need = -1
		header := c.header
		return func(rw *row) (value, error) {
			if err := rw.m.pay(costMember * len(rw.fields)); err != nil {
				return value{}, err
			}
			return csvStruct(rw.fields, header), nil
		}, nil
	}
	if steps[0].Kind != StepName {
		return constFn(c.absentCol), nil
	}
	col, err := c.columnIndex(steps[0])
	if err != nil {
		return nil, err
	}
	if col < 0 || len(steps) > 1 {
		return constFn(c.absentCol), nil
	}
	if c.need >= 0 && col+1 > c.need {
		c.need = col + 1
	}
	absent := c.absentCol
	return func(rw *row) (value, error) {
		if col < len(rw.fields) {
			return untypedV(rw.fields[col]), nil
		}
		rw.partial = true
		return absent, nil
	}, nil
}

// csvStruct turns CSV fields into a struct named by the header or _N.
func csvStruct(fields [][]byte, header []string) value {
	o := &object{names: make([]string, len(fields)), vals: make([]value, len(fields))}
	for i, f := range fields {
		if i < len(header) {
			o.names[i] = header[i]
		} else {
			o.names[i] = "_" + strconv.Itoa(i+1)
		}
		o.vals[i] = untypedV(f)
	}
	return value{k: kStruct, st: o}
}

// walkPath follows member and index steps. Member names match
// case-insensitively unless quoted (S3) or always exactly (OSS).
func walkPath(v value, steps []Step, oss bool, absent value) (value, error) {
	for _, s := range steps {
		switch s.Kind {
		case StepName:
			if v.k != kStruct {
				return absent, nil
			}
			// Quoted (and OSS) names match exactly; an unquoted S3 name
			// matches ignoring case, and more than one match is
			// AmbiguousFieldName even when one is exact (S3's documented
			// example).
			var idx int
			if s.Quoted || oss {
				idx = v.st.find(s.Name)
			} else {
				var many bool
				if idx, many = v.st.findFold(s.Name); many {
					return value{}, errorf(ErrAmbiguousFieldName, "%s", s.Name)
				}
			}
			if idx < 0 {
				return absent, nil
			}
			v = v.st.vals[idx]
		case StepIndex:
			if v.k != kList || s.Index >= len(v.st.vals) {
				return absent, nil
			}
			v = v.st.vals[s.Index]
		case StepObjWildcard:
			// Only valid as the last step of a projection: the value itself.
			return v, nil
		default:
			return absent, nil
		}
	}
	return v, nil
}

// tri is a SQL truth value.
type tri int8

const (
	triFalse tri = iota
	triTrue
	triUnknown
)

func triOf(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

// pred is a compiled WHERE condition: it answers true, false or unknown
// without building a value, which keeps the hot loop free of copies. It
// follows SQL three-valued logic exactly, including which operands are
// evaluated (and so which errors surface).
type pred func(r *row) (tri, error)

// predicate compiles a condition. Comparisons of a CSV column with an
// integer literal, and AND/OR/NOT of conditions, get specialised code;
// anything else evaluates the expression and converts the value.
func (c *compiler) predicate(e Expr) (pred, error) {
	switch e := e.(type) {
	case *Unary:
		if e.Op == "NOT" {
			c.nodes++
			x, err := c.predicate(e.X)
			if err != nil {
				return nil, err
			}
			return func(rw *row) (tri, error) {
				t, err := x(rw)
				switch t {
				case triTrue:
					return triFalse, err
				case triFalse:
					return triTrue, err
				}
				return t, err
			}, nil
		}
	case *Binary:
		switch e.Op {
		case "AND", "OR":
			c.nodes++
			l, err := c.predicate(e.L)
			if err != nil {
				return nil, err
			}
			r, err := c.predicate(e.R)
			if err != nil {
				return nil, err
			}
			// AND stops at false, OR at true.
			stop := triFalse
			if e.Op == "OR" {
				stop = triTrue
			}
			return func(rw *row) (tri, error) {
				a, err := l(rw)
				if err != nil || a == stop {
					return a, err
				}
				b, err := r(rw)
				if err != nil || b == stop {
					return b, err
				}
				if a == triUnknown || b == triUnknown {
					return triUnknown, nil
				}
				return a, nil
			}, nil
		case ">", "<", "=", ">=", "<=", "<>":
			if col, ok := c.csvColumn(e.L); ok {
				if lit, ok := e.R.(*Literal); ok && lit.Kind == LitInt {
					n, _ := strconv.ParseInt(lit.Text, 10, 64)
					c.nodes++
					return csvIntPred(col, e.Op, n), nil
				}
			}
		}
	}
	fn, err := c.expr(e)
	if err != nil {
		return nil, err
	}
	return func(rw *row) (tri, error) {
		v, err := fn(rw)
		if err != nil {
			return triUnknown, err
		}
		b, ok, err := toBool(v, "WHERE")
		if !ok {
			return triUnknown, err
		}
		return triOf(b), err
	}, nil
}

// csvIntPred is column <op> integer for CSV text. Text that is not an
// integer takes the general path (floats, blanks, non-numbers).
func csvIntPred(col int, op string, n int64) pred {
	litV := intV(n)
	slow := func(b []byte) (tri, error) {
		v, err := compareOp(op, untypedV(b), litV)
		if v.k != kBool {
			return triUnknown, err
		}
		return triOf(v.i != 0), err
	}
	var cmp func(x int64) bool
	switch op {
	case ">":
		cmp = func(x int64) bool { return x > n }
	case "<":
		cmp = func(x int64) bool { return x < n }
	case ">=":
		cmp = func(x int64) bool { return x >= n }
	case "<=":
		cmp = func(x int64) bool { return x <= n }
	case "=":
		cmp = func(x int64) bool { return x == n }
	default:
		cmp = func(x int64) bool { return x != n }
	}
	if op == ">" {
		// The benchmark shape, without the indirect call.
		return func(rw *row) (tri, error) {
			if col >= len(rw.fields) {
				rw.partial = true
				return triUnknown, nil
			}
			if x, ok := parseIntBytes(rw.fields[col]); ok {
				if x > n {
					return triTrue, nil
				}
				return triFalse, nil
			}
			return slow(rw.fields[col])
		}
	}
	return func(rw *row) (tri, error) {
		if col >= len(rw.fields) {
			rw.partial = true
			return triUnknown, nil
		}
		if x, ok := parseIntBytes(rw.fields[col]); ok {
			return triOf(cmp(x)), nil
		}
		return slow(rw.fields[col])
	}
}
