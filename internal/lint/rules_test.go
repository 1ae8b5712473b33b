package lint

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The rules' own tests: each feeds a rule small synthetic sources and
// checks what it reports.

func messages(vs []violation) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.msg)
	}
	return out
}

func TestImportRule(t *testing.T) {
	for _, tc := range []struct {
		name string
		pkg  string
		test bool
		imp  string
		want string // substring of the one violation; "" for none
	}{
		{"stdlib", module + "/engine", false, "net/http", ""},
		{"allowed dependency", module + "/engine", false, "github.com/cockroachdb/pebble/v2/vfs", ""},
		{"unknown dependency", module + "/engine", false, "github.com/gorilla/mux", "not in the dependency allow list"},
		{"lookalike of an allowed prefix", module + "/engine", false, "github.com/zeebo/xxh3extra", "not in the dependency allow list"},
		{"SDK in a test", module + "/httpapi", true, "github.com/aws/aws-sdk-go-v2/service/s3", ""},
		{"SDK in non-test code", module + "/httpapi", false, "github.com/aws/aws-sdk-go-v2/service/s3", "test-only SDK"},
		{"OSS SDK in non-test code", module + "/fake", false, "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss", "test-only SDK"},
		{"minio in non-test code", module + "/cmd/osslite", false, "github.com/minio/minio-go/v7", "test-only SDK"},
		{"testify in a test", module + "/engine", true, "github.com/stretchr/testify/require", ""},
		{"testify in non-test code", module + "/engine", false, "github.com/stretchr/testify/require", "test support"},
		{"testify in the conformance harness", module + "/internal/conformance", false, "github.com/stretchr/testify/require", ""},
		{"racetest in a test", module + "/engine", true, module + "/internal/racetest", ""},
		{"racetest in non-test code", module + "/httpapi", false, module + "/internal/racetest", "test support"},
		{"racetest in the conformance harness", module + "/internal/conformance", false, module + "/internal/racetest", ""},
		{"pkg imports ours", module + "/pkg/sigv4", false, module + "/pkg/checksum", "may not import"},
		{"pkg test imports ours", module + "/pkg/sigv4", true, module + "/engine", "may not import"},
		{"pkg imports pkg/wildcard", module + "/pkg/policy", false, module + "/pkg/wildcard", ""},
		{"pkg/wildcard imports ours", module + "/pkg/wildcard", false, module + "/pkg/checksum", "may not import"},
		{"pkg external test imports itself", module + "/pkg/sigv4", true, module + "/pkg/sigv4", ""},
		{"engine imports httpapi", module + "/engine", false, module + "/httpapi", "may not import"},
		{"engine test imports fake", module + "/engine", true, module + "/fake", "may not import"},
		{"engine imports wal", module + "/engine", false, module + "/wal", ""},
		{"wal imports engine", module + "/wal", false, module + "/engine", "may not import"},
		{"httpapi imports engine", module + "/httpapi", false, module + "/engine", ""},
		{"fake imports httpapi", module + "/fake", false, module + "/httpapi", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "package p\n\nimport _ \"" + tc.imp + "\"\n"
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, "p.go", src, parser.ImportsOnly)
			require.NoError(t, err)
			vs := checkImports(fset, f, tc.pkg, tc.test)
			if tc.want == "" {
				require.Empty(t, vs)
				return
			}
			require.Len(t, vs, 1)
			require.Contains(t, vs[0].msg, tc.want)
			require.Equal(t, "p.go:3", vs[0].pos)
		})
	}
}

// callSrc uses io.ReadAll and time.Now in every position the rule must
// see, and lookalikes it must not report.
const callSrc = `package p

import (
	stdio "io"
	"time"
)

type T struct{}

func F(r stdio.Reader) {
	stdio.ReadAll(r)
	go func() { _, _ = stdio.ReadAll(r) }()
}

func (t *T) M(r stdio.Reader) { stdio.ReadAll(r) }

func (T) N() time.Time { return time.Now() }

func G[X any](x X) {}

func (g *Gen[X]) H() { _ = time.Now() }

type Gen[X any] struct{}

var started = time.Now()

func Shadowed() {
	time := struct{ Now func() int }{}
	_ = time.Now()
}

func Other(r stdio.Reader) { _ = time.Since(started); _ = stdio.NopCloser(r) }
`

func TestCallRules(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x/p.go", callSrc, 0)
	require.NoError(t, err)
	for _, tc := range []struct {
		name      string
		pkg, fn   string
		allowed   map[string]string
		wantLines []string
	}{
		{"ReadAll", "io", "ReadAll", nil, []string{"x/p.go:11: io.ReadAll in F", "x/p.go:12: io.ReadAll in F", "x/p.go:15: io.ReadAll in T.M"}},
		{"ReadAll allowed in F", "io", "ReadAll", map[string]string{"x/p.go:F": ""}, []string{"x/p.go:15: io.ReadAll in T.M"}},
		{"ReadAll allowed elsewhere", "io", "ReadAll", map[string]string{"y/p.go:F": "", "x/p.go:T.M": ""}, []string{"x/p.go:11: io.ReadAll in F", "x/p.go:12: io.ReadAll in F"}},
		{"ioutil not imported", "io/ioutil", "ReadAll", nil, nil},
		{"Now", "time", "Now", nil, []string{"x/p.go:17: time.Now in T.N", "x/p.go:21: time.Now in Gen.H", "x/p.go:25: time.Now in "}},
		{"Now allowed", "time", "Now", map[string]string{"x/p.go:T.N": "", "x/p.go:Gen.H": "", "x/p.go:": ""}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, v := range checkCalls(fset, f, "x/p.go", tc.pkg, tc.fn, tc.allowed) {
				got = append(got, strings.TrimSuffix(v.String(), " (not in the allow list)"))
			}
			require.Equal(t, tc.wantLines, got)
		})
	}
}

// typeCheck parses and type-checks one synthetic file that imports only
// the standard library.
func typeCheck(t *testing.T, src string) (*token.FileSet, []*ast.File, *types.Info) {
	t.Helper()
	goTool(t) // the gc importer finds standard-library export data through go list
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	require.NoError(t, err)
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Uses: map[*ast.Ident]types.Object{}}
	_, err = (&types.Config{Importer: importer.ForCompiler(fset, "gc", nil)}).Check("p", fset, []*ast.File{f}, info)
	require.NoError(t, err)
	return fset, []*ast.File{f}, info
}

func TestErrorfRule(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string // statements of a function with err error, e *E, n int, s string in scope
		want []string
	}{
		{"verb v", `_ = fmt.Errorf("open: %v", err)`, []string{"p.go:13: fmt.Errorf formats the error err without %w"}},
		{"verb s", `_ = fmt.Errorf("open %s: %s", s, err)`, []string{"p.go:13: fmt.Errorf formats the error err without %w"}},
		{"concrete error type", `_ = fmt.Errorf("bad: %v", e)`, []string{"p.go:13: fmt.Errorf formats the error e without %w"}},
		{"error-valued call", `_ = fmt.Errorf("bad: %v", errors.New("x"))`, []string{`p.go:13: fmt.Errorf formats the error errors.New("x") without %w`}},
		{"constant format", `const f = "bad: %v"; _ = fmt.Errorf(f, err)`, []string{"p.go:13: fmt.Errorf formats the error err without %w"}},
		{"wrapped", `_ = fmt.Errorf("open: %w", err)`, nil},
		{"wrapped plus described", `_ = fmt.Errorf("%w: cause %v", err, e)`, nil},
		{"message only", `_ = fmt.Errorf("open: %s", err.Error())`, nil},
		{"no error argument", `_ = fmt.Errorf("n=%d s=%q", n, s)`, nil},
		{"nil", `_ = fmt.Errorf("x %v", nil)`, nil},
		{"non-constant format", `_ = fmt.Errorf(s, err)`, nil},
		{"another Errorf", `_ = Errorf("x %v", err)`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := `package p

import (
	"errors"
	"fmt"
)

type E struct{}

func (*E) Error() string { return "" }

func f(err error, e *E, n int, s string) {
	` + tc.body + `
	_, _ = errors.New, fmt.Sprint
}

func Errorf(string, ...any) error { return nil }
`
			fset, files, info := typeCheck(t, src)
			var got []string
			for _, v := range checkErrorf(fset, files, info) {
				got = append(got, v.String())
			}
			require.Equal(t, tc.want, got)
		})
	}
}

func TestVetRule(t *testing.T) {
	goCmd := goTool(t)
	for _, tc := range []struct {
		name, src string
		want      string // substring of the failure; "" for success
	}{
		{"clean", "package p\n\nimport \"fmt\"\n\nfunc F() { fmt.Printf(\"%d\\n\", 1) }\n", ""},
		{"printf mismatch", "package p\n\nimport \"fmt\"\n\nfunc F() { fmt.Printf(\"%d\\n\", \"x\") }\n", "wrong type"},
		{"lock passed by value", "package p\n\nimport \"sync\"\n\nfunc F(m sync.Mutex) {}\n", "passes lock by value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/p\n\ngo 1.26\n"), 0o644))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "p.go"), []byte(tc.src), 0o644))
			err := vet(goCmd, dir)
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.want)
		})
	}
}
