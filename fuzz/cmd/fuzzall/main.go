// Command fuzzall finds every native Go fuzz target in the module and runs
// each for a fixed time, one at a time, then prints a table: package,
// target, executions, new corpus entries, and the crasher file of each
// failure.
//
//	go run ./fuzz/cmd/fuzzall -time 60s            # a long local run
//	go run ./fuzz/cmd/fuzzall -time 3s             # CI
//	go run ./fuzz/cmd/fuzzall -run Range -pkg httpapi
//	go run ./fuzz/cmd/fuzzall -list                # discovery only
//
// It exits 1 when a target failed. Crashers are written by go test to
// the package's testdata/fuzz/<Target>/ directory, where plain `go test`
// replays them from then on: commit them with the fix.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Target is one fuzz function of one package.
type Target struct {
	Pkg  string // import path
	Name string // FuzzXxx
}

// Result is how a Target's run went.
type Result struct {
	Target
	Execs    int64
	NewInter int64         // "new interesting" corpus entries found
	Elapsed  time.Duration // as go test reports it ("fuzz: elapsed: 5s")
	Crasher  string        // file go test wrote the failing input to; "" if none
	Err      error         // nil when the run passed
	Output   string        // the run's last lines, for failures
}

func main() {
	var (
		fuzzTime = flag.Duration("time", 10*time.Second, "how long to fuzz each target")
		run      = flag.String("run", "", "only targets whose name matches this regexp")
		pkgRE    = flag.String("pkg", "", "only packages whose import path matches this regexp")
		parallel = flag.Int("parallel", 0, "fuzzing workers per target (go test -parallel; 0: GOMAXPROCS)")
		list     = flag.Bool("list", false, "list the targets and exit")
	)
	flag.Parse()
	patterns := flag.Args()
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	ctx := context.Background()
	targets, err := Discover(ctx, ".", patterns...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fuzzall:", err)
		os.Exit(2)
	}
	targets, err = Filter(targets, *pkgRE, *run)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fuzzall:", err)
		os.Exit(2)
	}
	if *list {
		for _, t := range targets {
			fmt.Printf("%s\t%s\n", t.Pkg, t.Name)
		}
		return
	}
	var results []Result
	for _, t := range targets {
		fmt.Fprintf(os.Stderr, "fuzzall: %s %s for %v\n", t.Pkg, t.Name, *fuzzTime)
		results = append(results, RunTarget(ctx, ".", t, *fuzzTime, *parallel))
	}
	failed := PrintTable(os.Stdout, results)
	if failed > 0 {
		for _, r := range results {
			if r.Err != nil {
				fmt.Printf("\n--- %s %s: %v\n%s\n", r.Pkg, r.Name, r.Err, r.Output)
			}
		}
		os.Exit(1)
	}
}

// Discover lists the fuzz targets of the packages matching patterns, run
// from dir, with `go test -list '^Fuzz'`.
func Discover(ctx context.Context, dir string, patterns ...string) ([]Target, error) {
	cmd := exec.CommandContext(ctx, "go", append([]string{"test", "-count=1", "-list", "^Fuzz"}, patterns...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go test -list: %w\n%s%s", err, out, stderr.Bytes())
	}
	return ParseList(bytes.NewReader(out))
}

// ParseList reads the output of `go test -list '^Fuzz' pkgs...`: the names
// of a package's targets come before its "ok  <pkg>" line.
func ParseList(r io.Reader) ([]Target, error) {
	var targets []Target
	var pending []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "Fuzz"):
			pending = append(pending, strings.TrimSpace(line))
		case strings.HasPrefix(line, "ok"):
			f := strings.Fields(line)
			if len(f) < 2 {
				return nil, fmt.Errorf("unexpected line %q", line)
			}
			for _, n := range pending {
				targets = append(targets, Target{Pkg: f[1], Name: n})
			}
			pending = nil
		}
	}
	if len(pending) > 0 {
		return nil, fmt.Errorf("targets %v listed without a package line", pending)
	}
	return targets, sc.Err()
}

// Filter keeps the targets whose package matches pkgRE and name matches
// nameRE (empty matches all).
func Filter(targets []Target, pkgRE, nameRE string) ([]Target, error) {
	p, err := regexp.Compile(pkgRE)
	if err != nil {
		return nil, fmt.Errorf("-pkg: %w", err)
	}
	n, err := regexp.Compile(nameRE)
	if err != nil {
		return nil, fmt.Errorf("-run: %w", err)
	}
	var out []Target
	for _, t := range targets {
		if p.MatchString(t.Pkg) && n.MatchString(t.Name) {
			out = append(out, t)
		}
	}
	return out, nil
}

var (
	execsRE   = regexp.MustCompile(`execs: (\d+)`)
	newRE     = regexp.MustCompile(`new interesting: (\d+)`)
	elapsedRE = regexp.MustCompile(`fuzz: elapsed: (\S+?),`)
	crasherRE = regexp.MustCompile(`Failing input written to (\S+)`)
)

// RunTarget fuzzes one target for d with `go test -run ^$ -fuzz ^Name$`.
func RunTarget(ctx context.Context, dir string, t Target, d time.Duration, parallel int) Result {
	args := []string{"test", "-run", "^$", "-fuzz", "^" + regexp.QuoteMeta(t.Name) + "$", "-fuzztime", d.String(),
		"-fuzzminimizetime", "2s"}
	if parallel > 0 {
		args = append(args, "-parallel", strconv.Itoa(parallel))
	}
	var res Result
	for attempt := 0; attempt < 3; attempt++ {
		cmd := exec.CommandContext(ctx, "go", append(args, t.Pkg)...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		res = ParseRun(t, string(out))
		if err != nil && res.Err == nil {
			res.Err = err
		}
		if res.Err != nil {
			res.Output = lastLines(string(out), 30)
		}
		// Go's fuzzer sometimes ends a run that found nothing with
		// "context deadline exceeded" (its deadline hit while a worker
		// was busy): no failing input was written, so it is not a
		// finding. Run the target again; a real crasher always leaves
		// its input behind.
		if res.Err == nil || res.Crasher != "" || !DeadlineOnly(string(out)) {
			break
		}
	}
	return res
}

// DeadlineOnly reports whether a failed fuzz run failed only because the
// fuzzer's own deadline expired, without a failing input.
func DeadlineOnly(out string) bool {
	return strings.Contains(out, "context deadline exceeded") && !crasherRE.MatchString(out) &&
		!strings.Contains(out, "panic:") && !strings.Contains(out, "Error Trace")
}

// ParseRun reads a `go test -fuzz` output: the last execs count, the
// new-interesting count, and the crasher file of a failure.
func ParseRun(t Target, out string) Result {
	res := Result{Target: t}
	if m := execsRE.FindAllStringSubmatch(out, -1); m != nil {
		res.Execs, _ = strconv.ParseInt(m[len(m)-1][1], 10, 64)
	}
	if m := newRE.FindAllStringSubmatch(out, -1); m != nil {
		res.NewInter, _ = strconv.ParseInt(m[len(m)-1][1], 10, 64)
	}
	if m := elapsedRE.FindAllStringSubmatch(out, -1); m != nil {
		res.Elapsed, _ = time.ParseDuration(m[len(m)-1][1])
	}
	if m := crasherRE.FindStringSubmatch(out); m != nil {
		res.Crasher = m[1]
	}
	if strings.Contains(out, "--- FAIL") || res.Crasher != "" {
		res.Err = errors.New("target failed")
	}
	return res
}

// PrintTable writes the summary table and returns how many targets failed.
func PrintTable(w io.Writer, results []Result) (failed int) {
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "PACKAGE\tTARGET\tEXECS\tNEW\tTIME\tRESULT")
	var execs int64
	for _, r := range results {
		status := "ok"
		if r.Err != nil {
			failed++
			status = "FAIL"
			if r.Crasher != "" {
				status += " " + r.Crasher
			}
		}
		execs += r.Execs
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\n", r.Pkg, r.Name, r.Execs, r.NewInter, r.Elapsed, status)
	}
	tw.Flush()
	fmt.Fprintf(w, "%d targets, %d failed, %d execs\n", len(results), failed, execs)
	return failed
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
