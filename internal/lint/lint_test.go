package lint

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const module = "github.com/osslite/osslite"

// The deliberate dependency set. Paths match a prefix at a path-element
// boundary.
var (
	// anywhere may be imported by any file.
	anywhere = []string{
		"github.com/cockroachdb/pebble/v2",
		"github.com/klauspost/compress",
		"github.com/zeebo/xxh3",
		"github.com/prometheus/client_golang",
		"github.com/parquet-go/parquet-go",
		"github.com/minio/crc64nvme",
		"github.com/minio/md5-simd",
		"github.com/bluenviron/gortmplib",
		"github.com/bluenviron/mediacommon",
		// The AWS event-stream framing (prelude, headers, CRCs) of
		// SelectObjectContent responses: a small module of its own, not
		// the SDK.
		"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream",
		// YAML users files of cmd/osslite (-users): the YAML org's
		// maintained continuation of gopkg.in/yaml.v3.
		"go.yaml.in/yaml/v3",
		// SM4 (OSS's SM4 server-side encryption): the block cipher only,
		// run in the standard library's GCM.
		"github.com/emmansun/gmsm",
		// mmap/munmap by pointer and madvise for the memory store's
		// blocks (huge pages, trimmed mappings): syscall.Munmap only
		// unmaps whole syscall.Mmap mappings. Already a pebble dependency.
		"golang.org/x/sys/unix",
		// xxHash64 for S3's XXHASH64 checksums (zeebo/xxh3 has only
		// XXH3): the reference Go implementation, already a pebble and
		// Prometheus dependency.
		"github.com/cespare/xxhash/v2",
		// OSS image processing (httpapi/internal/imgproc): the Go team's
		// BMP, TIFF and WebP codecs and its resampling and affine
		// transforms (draw, math/f64), where the standard library has
		// only JPEG, PNG and GIF and no scaling.
		"golang.org/x/image",
	}
	// testSupport may be imported by test files, and by the non-test files
	// of the harness packages.
	testSupport = []string{
		"github.com/stretchr/testify",
		"github.com/cockroachdb/datadriven",
		module + "/internal/racetest",
	}
	// harnesses are packages whose non-test code exists only to be run by
	// tests.
	harnesses = []string{
		module + "/internal/conformance",
	}
	// testOnly are the client SDKs the tests drive the server with; no
	// non-test file may import them.
	testOnly = []string{
		"github.com/aws/aws-sdk-go-v2",
		"github.com/aws/smithy-go",
		"github.com/minio/minio-go/v7",
		"github.com/aliyun/aliyun-oss-go-sdk",
		"github.com/aliyun/alibabacloud-oss-go-sdk-v2",
	}
	// sdkClients are packages whose non-test code drives endpoints through
	// the client SDKs: the compliance fuzzing kit.
	sdkClients = []string{
		module + "/fuzz",
	}
	// layers forbids imports between our packages: a file of a package
	// under from may not import a package under any of to, except one
	// under allow. A package may always import itself (external tests).
	layers = []struct {
		from  string
		to    []string
		allow []string
	}{
		// pkg packages stand alone, but for pkg/wildcard (itself
		// importing nothing of ours): the one linear-time wildcard
		// matcher of policies, referer lists and SQL LIKE.
		{module + "/pkg", []string{module}, []string{module + "/pkg/wildcard"}},
		{module + "/engine", []string{module + "/httpapi", module + "/fake", module + "/cmd"}, nil},
		{module + "/wal", []string{module + "/engine", module + "/httpapi", module + "/fake", module + "/cmd"}, nil},
		{module + "/httpapi", []string{module + "/cmd"}, nil},
	}
)

// readAllAllowed lists the non-test functions that may call io.ReadAll,
// as "path/file.go:Func" or "path/file.go:Type.Method", with the reason.
var readAllAllowed = map[string]string{
	"cmd/osslite-bench/bench.go:client.do": "the load tool keeps small XML answers (at most 4 MiB) to parse them",
	// Request documents (XML, at most Options.MaxXMLBody bytes) are read
	// through an io.LimitReader; object bodies never come here.
	"httpapi/auth.go:request.readBody": "bounded XML request bodies",
	// Sina's JSON part list needs the lenient pre-pass over the whole
	// document, which the docReader caps at Config.MaxListDocument.
	"httpapi/dialect_sina.go:sinaComplete": "bounded JSON part lists",
	// POST Object form fields before the file (each at most 20 KiB, all
	// under Config.MaxPostFormFields); the file part streams.
	"httpapi/postform.go:readPostForm": "bounded form field values",
	// An upload callback's answer, relayed to the client, at most 3 MiB.
	"httpapi/osscallback.go:server.postCallback": "bounded callback answers",
	// The conformance harness compares whole bodies the tests wrote.
	"internal/conformance/suite.go:read":             "test harness",
	"internal/conformance/suite.go:testReadSnapshot": "test harness",
	"cmd/osslite/users.go:loadUsers":                 "the -users file, at most 1 MiB",
	// An S3 object annotation's payload, at most 1 MiB, checked as UTF-8
	// and stored whole in its record.
	"httpapi/annotation_s3.go:server.putObjectAnnotation": "bounded annotation payloads",
	// An image to process, at most imgproc.MaxSourceSize (OSS's 20 MB):
	// decoding needs it whole.
	"httpapi/imgproc_oss.go:server.processImage": "bounded images to process",
}

// timeNowAllowed lists the non-test functions that may call time.Now.
var timeNowAllowed = map[string]string{
	"cmd/osslite-bench/bench.go:runOne":               "the load tool measures wall-clock throughput and latency",
	"cmd/osslite-bench/bench.go:client.do":            "the load tool signs with the real time, as clients do",
	"cmd/osslite-bench/bench.go:workload.op":          "the load tool signs with the real time, as clients do",
	"engine/options.go:systemClock.Now":               "the default clock is the one place that reads the wall clock",
	"fake/fake.go:start":                              "the fake's clock starts at the wall-clock time, then is the fake's",
	"httpapi/handler.go:server.ServeHTTP":             "request duration for the log line, never shown to clients",
	"httpapi/throttle.go:slowBody.Read":               "network read deadlines are wall-clock time",
	"httpapi/throttle.go:deadlineWriter.Write":        "network write deadlines are wall-clock time",
	"engine/internal/memfs/memfs.go:node.writeAt":     "file modification times of the in-memory blob log, never shown to clients",
	"engine/internal/memfs/memfs.go:file.Extend":      "file modification times of the in-memory blob log, never shown to clients",
	"engine/internal/memfs/memfs.go:FS.Create":        "file modification times of the in-memory blob log, never shown to clients",
	"engine/internal/memfs/memfs.go:FS.OpenReadWrite": "file modification times of the in-memory blob log, never shown to clients",
	"cmd/osslite/run.go:runEnv":                       "the self-signed certificate's validity starts at the real time",
	"httpapi/rtmp.go:rtmpDeadline":                    "RTMP connection read deadlines are wall-clock time",
	"engine/notify.go:Engine.deliverPending":          "retry backoff of event deliveries is wall-clock time, never shown to clients",
	"httpapi/qos_oss.go:wallClock.Now":                "a bucket's QoS bandwidth paces network transfers in wall-clock time (tests step a clock of their own)",
	"httpapi/selectobject.go:streamFlush.tick":        "how long a select response waits in buffers is wall-clock time",
	"cmd/osslite/limits.go:limitListener.acceptAtCap": "how long a keep-alive connection has been idle is wall-clock time (network deadlines)",
	"cmd/osslite/limits.go:limitListener.closeIdlest": "how long a keep-alive connection has been idle is wall-clock time (network deadlines)",
	"cmd/osslite/limits.go:limitListener.connState":   "how long a keep-alive connection has been idle is wall-clock time (network deadlines)",
}

// violation is one lint finding.
type violation struct {
	pos string // file:line
	msg string
}

func (v violation) String() string { return v.pos + ": " + v.msg }

func report(t *testing.T, vs []violation) {
	t.Helper()
	for _, v := range vs {
		t.Error(v)
	}
}

// hasPrefix reports whether p is prefix or below it.
func hasPrefix(p, prefix string) bool {
	return p == prefix || strings.HasPrefix(p, prefix+"/")
}

func anyPrefix(p string, prefixes []string) bool {
	return slices.ContainsFunc(prefixes, func(x string) bool { return hasPrefix(p, x) })
}

// isStd reports whether an import path is the standard library's (no dot
// in its first element).
func isStd(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	return !strings.Contains(first, ".")
}

// checkImports applies the import rules to one file of package pkg.
func checkImports(fset *token.FileSet, f *ast.File, pkg string, test bool) []violation {
	var vs []violation
	for _, imp := range f.Imports {
		p, err := strconv.Unquote(imp.Path.Value)
		if err != nil {
			continue
		}
		pos := fset.Position(imp.Pos())
		at := fmt.Sprintf("%s:%d", pos.Filename, pos.Line)
		switch {
		case isStd(p):
		case hasPrefix(p, module):
			if p == pkg {
				break
			}
			for _, l := range layers {
				if hasPrefix(pkg, l.from) && anyPrefix(p, l.to) && !anyPrefix(p, l.allow) {
					vs = append(vs, violation{at, fmt.Sprintf("%s may not import %s", pkg, p)})
				}
			}
			if anyPrefix(p, testSupport) && !test && !anyPrefix(pkg, harnesses) {
				vs = append(vs, violation{at, fmt.Sprintf("test support %s imported by non-test code", p)})
			}
		case anyPrefix(p, anywhere):
		case anyPrefix(p, testSupport):
			if !test && !anyPrefix(pkg, harnesses) {
				vs = append(vs, violation{at, fmt.Sprintf("test support %s imported by non-test code", p)})
			}
		case anyPrefix(p, testOnly):
			if !test && !anyPrefix(pkg, sdkClients) {
				vs = append(vs, violation{at, fmt.Sprintf("test-only SDK %s imported by non-test code", p)})
			}
		default:
			vs = append(vs, violation{at, fmt.Sprintf("%s is not in the dependency allow list", p)})
		}
	}
	return vs
}

// funcName names a function declaration "Func" or "Type.Method".
func funcName(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return d.Name.Name
	}
	t := d.Recv.List[0].Type
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
			continue
		case *ast.IndexExpr:
			t = x.X
			continue
		case *ast.IndexListExpr:
			t = x.X
			continue
		case *ast.Ident:
			return x.Name + "." + d.Name.Name
		}
		return d.Name.Name
	}
}

// call is a call of a package-level function found in a file.
type call struct {
	line int
	fn   string // enclosing function, "" at package level
}

// findCalls returns the calls of pkgPath.name in f (through whatever name
// the file imports pkgPath under), with their enclosing functions.
func findCalls(fset *token.FileSet, f *ast.File, pkgPath, name string) []call {
	local := ""
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == pkgPath {
			local = path.Base(p)
			if imp.Name != nil {
				local = imp.Name.Name
			}
		}
	}
	if local == "" || local == "_" {
		return nil
	}
	var calls []call
	find := func(n ast.Node, fn string) {
		ast.Inspect(n, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := c.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != name {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == local && id.Obj == nil {
				calls = append(calls, call{fset.Position(c.Pos()).Line, fn})
			}
			return true
		})
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok {
			find(fd, funcName(fd))
		} else {
			find(d, "")
		}
	}
	return calls
}

// checkCalls reports calls of pkgPath.name in file (a module-relative
// path) whose "file:Func" is not in allowed.
func checkCalls(fset *token.FileSet, f *ast.File, file, pkgPath, name string, allowed map[string]string) []violation {
	var vs []violation
	for _, c := range findCalls(fset, f, pkgPath, name) {
		if _, ok := allowed[file+":"+c.fn]; ok {
			continue
		}
		vs = append(vs, violation{fmt.Sprintf("%s:%d", file, c.line),
			fmt.Sprintf("%s.%s in %s (not in the allow list)", path.Base(pkgPath), name, c.fn)})
	}
	return vs
}

// checkErrorf reports fmt.Errorf calls with a constant format without %w
// and an argument whose type is an error.
func checkErrorf(fset *token.FileSet, files []*ast.File, info *types.Info) []violation {
	errType := types.Universe.Lookup("error").Type().Underlying().(*types.Interface)
	var vs []violation
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok || len(c.Args) < 2 {
				return true
			}
			sel, ok := c.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			fn, ok := info.Uses[sel.Sel].(*types.Func)
			if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "fmt" || fn.Name() != "Errorf" {
				return true
			}
			tv := info.Types[c.Args[0]]
			if tv.Value == nil || tv.Value.Kind() != constant.String {
				return true
			}
			if strings.Contains(constant.StringVal(tv.Value), "%w") {
				return true
			}
			for _, a := range c.Args[1:] {
				t := info.TypeOf(a)
				if t == nil || types.Identical(t, types.Typ[types.UntypedNil]) {
					continue
				}
				if types.Implements(t, errType) {
					pos := fset.Position(a.Pos())
					vs = append(vs, violation{fmt.Sprintf("%s:%d", pos.Filename, pos.Line),
						fmt.Sprintf("fmt.Errorf formats the error %s without %%w", types.ExprString(a))})
				}
			}
			return true
		})
	}
	return vs
}

// moduleRoot is the directory holding the module's go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.Contains(b, []byte("module "+module+"\n")) {
			return dir
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, parent, dir, "no go.mod of %s above the test", module)
		dir = parent
	}
}

// goFile is one Go file of the module.
type goFile struct {
	rel  string // slash-separated, relative to the module root
	pkg  string // import path of its directory
	test bool
}

// moduleFiles lists the module's Go files, skipping testdata, vendor and
// hidden or underscore directories (as the go command does).
func moduleFiles(t *testing.T, root string) []goFile {
	t.Helper()
	var files []goFile
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			if p != root {
				if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
					return filepath.SkipDir // another module
				}
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		pkg := module
		if dir := path.Dir(rel); dir != "." {
			pkg += "/" + dir
		}
		files = append(files, goFile{rel: rel, pkg: pkg, test: strings.HasSuffix(name, "_test.go")})
		return nil
	})
	require.NoError(t, err)
	require.NotEmpty(t, files)
	return files
}

func parseFile(t *testing.T, fset *token.FileSet, root, rel string) *ast.File {
	t.Helper()
	f, err := parser.ParseFile(fset, rel, mustRead(t, filepath.Join(root, rel)), parser.ImportsOnly|parser.ParseComments)
	require.NoError(t, err)
	return f
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return b
}

// TestImports applies the import rules to every file of the module.
func TestImports(t *testing.T) {
	root := moduleRoot(t)
	fset := token.NewFileSet()
	for _, f := range moduleFiles(t, root) {
		report(t, checkImports(fset, parseFile(t, fset, root, f.rel), f.pkg, f.test))
	}
}

// TestCalls applies the io.ReadAll and time.Now rules to every non-test
// file, and checks that every allow-list entry still names a call (so the
// lists shrink when the code does).
func TestCalls(t *testing.T) {
	root := moduleRoot(t)
	fset := token.NewFileSet()
	used := map[string]bool{}
	for _, f := range moduleFiles(t, root) {
		if f.test {
			continue
		}
		file, err := parser.ParseFile(fset, f.rel, mustRead(t, filepath.Join(root, f.rel)), 0)
		require.NoError(t, err)
		for _, r := range []struct {
			pkg, name string
			allowed   map[string]string
		}{
			{"io", "ReadAll", readAllAllowed},
			{"io/ioutil", "ReadAll", readAllAllowed},
			{"time", "Now", timeNowAllowed},
		} {
			report(t, checkCalls(fset, file, f.rel, r.pkg, r.name, r.allowed))
			for _, c := range findCalls(fset, file, r.pkg, r.name) {
				used[f.rel+":"+c.fn] = true
			}
		}
	}
	for _, list := range []map[string]string{readAllAllowed, timeNowAllowed} {
		for k := range list {
			if !used[k] {
				t.Errorf("allow-list entry %s names no call any more: remove it", k)
			}
		}
	}
}

// goTool returns the path of the go command, or skips the test.
func goTool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH")
	}
	return p
}

// listedPackage is the part of `go list -json` the Errorf rule needs.
type listedPackage struct {
	ImportPath string
	Dir        string
	GoFiles    []string
	Export     string
	Standard   bool
	DepOnly    bool
	Error      *struct{ Err string }
}

// TestErrorfWraps type-checks every non-test package of the module (with
// export data from `go list -export`) and applies the Errorf rule.
func TestErrorfWraps(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the module; skipped in -short mode")
	}
	goCmd := goTool(t)
	root := moduleRoot(t)
	cmd := exec.Command(goCmd, "list", "-e", "-export", "-deps", "-json=ImportPath,Dir,GoFiles,Export,Standard,DepOnly,Error", "./...")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "go list: %s", stderr.String())
	exports := map[string]string{}
	var ours []listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else {
			require.NoError(t, err)
		}
		require.Nil(t, p.Error, "go list %s", p.ImportPath)
		exports[p.ImportPath] = p.Export
		if !p.Standard && !p.DepOnly && hasPrefix(p.ImportPath, module) {
			ours = append(ours, p)
		}
	}
	require.NotEmpty(t, ours)
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		e, ok := exports[path]
		if !ok || e == "" {
			return nil, fmt.Errorf("lint: no export data for %s", path)
		}
		return os.Open(e)
	})
	for _, p := range ours {
		var files []*ast.File
		for _, name := range p.GoFiles {
			rel, err := filepath.Rel(root, filepath.Join(p.Dir, name))
			require.NoError(t, err)
			f, err := parser.ParseFile(fset, filepath.ToSlash(rel), mustRead(t, filepath.Join(p.Dir, name)), 0)
			require.NoError(t, err)
			files = append(files, f)
		}
		info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Uses: map[*ast.Ident]types.Object{}}
		_, err := (&types.Config{Importer: imp}).Check(p.ImportPath, fset, files, info)
		require.NoError(t, err, "type-check %s", p.ImportPath)
		report(t, checkErrorf(fset, files, info))
	}
}

// vet runs go vet ./... in dir and returns its output on failure.
func vet(goCmd, dir string) error {
	cmd := exec.Command(goCmd, "vet", "./...")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go vet: %w\n%s", err, out)
	}
	return nil
}

// TestVet runs go vet over the module.
func TestVet(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go vet over the module; skipped in -short mode (CI runs go vet itself)")
	}
	require.NoError(t, vet(goTool(t), moduleRoot(t)))
}
