package httpapi

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var updateREADME = flag.Bool("update-readme", false, "rewrite README.md's operation table")

// TestREADMEOperations: README's operation table is generated from the
// route and configuration tables; it may not claim an operation the
// router does not serve, nor omit one it serves. Run with -update-readme
// to regenerate it.
func TestREADMEOperations(t *testing.T) {
	const begin, end = "<!-- operations:begin -->\n", "<!-- operations:end -->\n"
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	s := string(readme)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	require.True(t, i >= 0 && j > i, "README.md has the operations markers")
	want := operationsTable()
	if got := s[i+len(begin) : j]; got != want {
		if *updateREADME {
			require.NoError(t, os.WriteFile("../README.md", []byte(s[:i+len(begin)]+want+s[j:]), 0o644))
			return
		}
		t.Fatalf("README.md's operation table is stale; run go test ./httpapi -run TestREADMEOperations -update-readme\nwant:\n%s", want)
	}
}

// operationsTable renders every routed operation with the dialects that
// serve it; operations whose handler refuses every request (a
// configuration not implemented yet) are marked.
func operationsTable() string {
	type row struct {
		op, target string
		dialects   []string
		notYet     bool
	}
	byOp := map[string]*row{}
	for _, rt := range routes {
		r := byOp[rt.op]
		if r == nil {
			r = &row{op: rt.op, target: [...]string{"service", "bucket", "object"}[rt.target]}
			byOp[rt.op] = r
		}
		for _, d := range dialects {
			if rt.servedBy(d) && !slices.Contains(r.dialects, d.name) {
				r.dialects = append(r.dialects, d.name)
			}
		}
		if rt.config != nil && rt.method == "PUT" && rt.config.parse == nil || rt.refused {
			r.notYet = true
		}
	}
	rows := make([]*row, 0, len(byOp))
	for _, r := range byOp {
		rows = append(rows, r)
	}
	slices.SortFunc(rows, func(a, b *row) int {
		if c := strings.Compare(a.target, b.target); c != 0 {
			return -c // service, object, bucket... keep a stable, readable order
		}
		return strings.Compare(a.op, b.op)
	})
	var b strings.Builder
	b.WriteString("| Operation | Target |")
	for _, d := range dialects {
		fmt.Fprintf(&b, " %s |", strings.ToUpper(d.name))
	}
	b.WriteString("\n| --- | --- |")
	for range dialects {
		b.WriteString(" --- |")
	}
	b.WriteString("\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s |", r.op, r.target)
		for _, d := range dialects {
			switch {
			case !slices.Contains(r.dialects, d.name):
				b.WriteString(" – |")
			case r.notYet:
				b.WriteString(" 501 (not yet) |")
			default:
				b.WriteString(" yes |")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}
