package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/osslite/osslite/pkg/sigv4"
)

var allScenarios = []string{"put4k", "get4k", "put16m", "get16m", "mixed64k", "list", "multipart"}

type config struct {
	scenarios, targets   []string
	endpoint             string
	accessKey, secretKey string
	region               string
	duration             time.Duration
	// warmup is untimed load per scenario and server before the measured
	// run (every server gets the same); 0: none.
	warmup              time.Duration
	concurrency, rounds int
}

// result is one measured run of a scenario against a server.
type result struct {
	target     string
	ops        int64
	bytes      int64
	elapsed    time.Duration
	p50, p99   time.Duration
	cpuPerOp   time.Duration // -1 when unknown
	peakRSS    int64         // bytes; -1 when unknown
	errors     int64
	firstError error
}

func (r result) opsPerSec() float64 { return float64(r.ops) / r.elapsed.Seconds() }

func run(ctx context.Context, cfg config, out io.Writer) error {
	for _, s := range cfg.scenarios {
		if !slices.Contains(allScenarios, s) {
			return fmt.Errorf("unknown scenario %q (have %s)", s, strings.Join(allScenarios, ", "))
		}
	}
	targets := cfg.targets
	if cfg.endpoint != "" {
		targets = []string{cfg.endpoint}
	}
	warm := ""
	if cfg.warmup > 0 {
		warm = fmt.Sprintf(" after %v of warm-up", cfg.warmup)
	}
	fmt.Fprintf(out, "osslite-bench: %d clients, %v per run%s, %d rounds, load average %s\n\n",
		cfg.concurrency, cfg.duration, warm, cfg.rounds, loadAverage())
	for _, sc := range cfg.scenarios {
		byTarget := map[string][]result{}
		var ratios = map[string][]float64{}
		for round := range cfg.rounds {
			order := slices.Clone(targets)
			if round%2 == 1 {
				slices.Reverse(order)
			}
			roundRes := map[string]result{}
			for _, t := range order {
				res, err := runOne(ctx, cfg, sc, t)
				if err != nil {
					return fmt.Errorf("%s on %s: %w", sc, t, err)
				}
				byTarget[t] = append(byTarget[t], res)
				roundRes[t] = res
			}
			if lim, ok := roundRes["limit"]; ok && lim.ops > 0 {
				for t, r := range roundRes {
					ratios[t] = append(ratios[t], r.opsPerSec()/lim.opsPerSec())
				}
			}
		}
		report(out, sc, targets, byTarget, ratios)
	}
	return nil
}

func report(out io.Writer, sc string, targets []string, byTarget map[string][]result, ratios map[string][]float64) {
	fmt.Fprintf(out, "== %s\n", sc)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "server\tops/s\tMB/s\tratio to limit\tp50\tp99\tserver CPU/op\tpeak RSS\terrors\t")
	for _, t := range targets {
		rs := byTarget[t]
		ops := median(rs, func(r result) float64 { return r.opsPerSec() })
		mbs := median(rs, func(r result) float64 { return float64(r.bytes) / r.elapsed.Seconds() / 1e6 })
		p50 := time.Duration(median(rs, func(r result) float64 { return float64(r.p50) }))
		p99 := time.Duration(median(rs, func(r result) float64 { return float64(r.p99) }))
		cpu := median(rs, func(r result) float64 { return float64(r.cpuPerOp) })
		rss := slices.MaxFunc(rs, func(a, b result) int { return int(a.peakRSS - b.peakRSS) }).peakRSS
		var errs int64
		var first error
		for _, r := range rs {
			errs += r.errors
			if first == nil {
				first = r.firstError
			}
		}
		ratio := "-"
		if v := ratios[t]; len(v) > 0 {
			slices.Sort(v)
			ratio = fmt.Sprintf("%.2f", v[len(v)/2])
		}
		cpuS, rssS := "?", "?"
		if cpu >= 0 {
			cpuS = fmt.Sprintf("%.0f µs", cpu/1e3)
		}
		if rss >= 0 {
			rssS = fmt.Sprintf("%d MiB", rss>>20)
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.1f\t%s\t%v\t%v\t%s\t%s\t%d\t\n", t, ops, mbs, ratio,
			p50.Round(time.Microsecond), p99.Round(time.Microsecond), cpuS, rssS, errs)
		if first != nil {
			defer fmt.Fprintf(out, "   first error on %s: %v\n", t, first)
		}
	}
	tw.Flush()
	fmt.Fprintln(out)
}

func median(rs []result, f func(result) float64) float64 {
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = f(r)
	}
	slices.Sort(v)
	return v[len(v)/2]
}

// server is a child process serving one kind.
type server struct {
	cmd  *exec.Cmd
	addr string
	dir  string
}

func startServer(ctx context.Context, kind string) (*server, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	s := &server{}
	args := []string{"-serve", kind}
	if kind == "disk" {
		if s.dir, err = os.MkdirTemp("", "osslite-bench-"); err != nil {
			return nil, err
		}
		args = append(args, "-data", s.dir)
	}
	s.cmd = exec.CommandContext(ctx, self, args...)
	s.cmd.Stderr = os.Stderr
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		_ = s.cmd.Process.Kill()
		return nil, fmt.Errorf("server %s did not start: %w", kind, err)
	}
	s.addr = strings.TrimSpace(strings.TrimPrefix(line, "ADDR "))
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return s, nil
}

func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
	if s.dir != "" {
		_ = os.RemoveAll(s.dir)
	}
}

// cpuTime is the process's user+system CPU time so far (Linux /proc).
func cpuTime(pid int) (time.Duration, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// Fields after the command name (which may hold spaces) start at ')'.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0, false
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(ut+st) * time.Second / ticks, true
}

// peakRSS is the process's high-water resident set size (Linux /proc).
func peakRSS(pid int) (int64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func runOne(ctx context.Context, cfg config, scenario, target string) (result, error) {
	res := result{target: target, cpuPerOp: -1, peakRSS: -1}
	c := &client{region: cfg.region, creds: sigv4.Credentials{AccessKeyID: benchAccessKey, SecretAccessKey: benchSecretKey}}
	var srv *server
	if cfg.endpoint != "" {
		c.base = strings.TrimSuffix(cfg.endpoint, "/")
		c.creds = sigv4.Credentials{AccessKeyID: cfg.accessKey, SecretAccessKey: cfg.secretKey}
	} else {
		var err error
		if srv, err = startServer(ctx, target); err != nil {
			return res, err
		}
		defer srv.stop()
		c.base = "http://" + srv.addr
	}
	conc := cfg.concurrency
	if scenario == "multipart" {
		conc = min(conc, 4) // 256 MiB uploads: four at a time
	}
	c.hc = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc, DisableCompression: true}}
	w := newWorkload(scenario, c)
	if err := w.prepare(ctx, conc); err != nil {
		return res, fmt.Errorf("prepare: %w", err)
	}
	lat := make([][]time.Duration, conc)
	var ops, nbytes, nerr atomic.Int64
	var firstErr atomic.Value
	// drive runs the workload on every client for d; counted says whether
	// the operations are measured (the warm-up's are not).
	drive := func(d time.Duration, counted bool) {
		deadline := time.Now().Add(d)
		var wg sync.WaitGroup
		for g := range conc {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(g), 42))
				for time.Now().Before(deadline) && ctx.Err() == nil {
					t0 := time.Now()
					n, err := w.op(ctx, g, rng)
					if !counted {
						continue
					}
					if err != nil {
						nerr.Add(1)
						firstErr.CompareAndSwap(nil, err)
						continue
					}
					lat[g] = append(lat[g], time.Since(t0))
					ops.Add(1)
					nbytes.Add(n)
				}
			}()
		}
		wg.Wait()
	}
	if cfg.warmup > 0 {
		drive(cfg.warmup, false)
	}
	var cpu0 time.Duration
	haveCPU := false
	if srv != nil {
		cpu0, haveCPU = cpuTime(srv.cmd.Process.Pid)
	}
	start := time.Now()
	drive(cfg.duration, true)
	res.elapsed = time.Since(start)
	res.ops, res.bytes, res.errors = ops.Load(), nbytes.Load(), nerr.Load()
	if e, ok := firstErr.Load().(error); ok {
		res.firstError = e
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	if len(all) > 0 {
		res.p50, res.p99 = all[len(all)/2], all[len(all)*99/100]
	}
	if srv != nil {
		if cpu1, ok := cpuTime(srv.cmd.Process.Pid); ok && haveCPU && res.ops > 0 {
			res.cpuPerOp = (cpu1 - cpu0) / time.Duration(res.ops)
		}
		if rss, ok := peakRSS(srv.cmd.Process.Pid); ok {
			res.peakRSS = rss
		}
	}
	if res.ops == 0 && res.firstError != nil {
		return res, res.firstError
	}
	return res, nil
}

// client is a minimal signing S3 client: SigV4 with UNSIGNED-PAYLOAD, so
// the load generator spends as little as possible per byte.
type client struct {
	base   string
	hc     *http.Client
	creds  sigv4.Credentials
	region string
}

// do sends one request and drains the response; it returns the status
// and the number of response body bytes.
func (c *client) do(ctx context.Context, method, path, query string, body []byte) (int, int64, []byte, error) {
	u := c.base + path
	if query != "" {
		u += "?" + query
	}
	var rd io.Reader = http.NoBody
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return 0, 0, nil, err
	}
	if body != nil {
		req.ContentLength = int64(len(body))
	}
	if _, err := sigv4.SignRequest(req, c.creds, c.region, "s3", time.Now(), sigv4.UnsignedPayload); err != nil {
		return 0, 0, nil, err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, 0, nil, err
	}
	defer resp.Body.Close()
	var keep []byte
	var n int64
	if strings.Contains(resp.Header.Get("Content-Type"), "xml") || resp.StatusCode >= 300 {
		keep, err = io.ReadAll(io.LimitReader(resp.Body, 4<<20))
		n = int64(len(keep))
	} else {
		n, err = io.Copy(io.Discard, resp.Body)
	}
	if err != nil {
		return resp.StatusCode, n, keep, err
	}
	return resp.StatusCode, n, keep, nil
}

// must2xx turns a non-2xx answer into an error.
func must2xx(status int, body []byte, err error) error {
	if err != nil {
		return err
	}
	if status/100 != 2 {
		return fmt.Errorf("status %d: %.200s", status, body)
	}
	return nil
}

var errSkip = errors.New("skip")

// workload is one scenario's preparation and operation.
type workload struct {
	c        *client
	scenario string
	size     int
	keys     int
	body     []byte
	part     []byte
	mu       sync.Mutex
	tokens   map[int]string // list: each worker's continuation token
}

func newWorkload(scenario string, c *client) *workload {
	w := &workload{c: c, scenario: scenario, tokens: map[int]string{}}
	switch scenario {
	case "put4k", "get4k":
		w.size, w.keys = 4<<10, 256
	case "put16m", "get16m":
		w.size, w.keys = 16<<20, 16
	case "mixed64k":
		w.size, w.keys = 64<<10, 1000
	case "list":
		w.size, w.keys = 0, listKeys
	case "multipart":
		w.size, w.keys = 256<<20, 4
		w.part = randomBytes(16 << 20)
	}
	w.body = randomBytes(w.size)
	return w
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(7, 7))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func (w *workload) key(n int) string {
	if w.scenario == "list" {
		return "/bench/" + listKey(n)
	}
	return fmt.Sprintf("/bench/%s-%d-%d", w.scenario, w.size, n)
}

// prepare creates the bucket and the objects the reads need.
func (w *workload) prepare(ctx context.Context, conc int) error {
	st, _, body, err := w.c.do(ctx, http.MethodPut, "/bench", "", nil)
	if err != nil {
		return err
	}
	if st/100 != 2 && !bytes.Contains(body, []byte("BucketAlreadyOwnedByYou")) {
		return fmt.Errorf("create bucket: status %d: %.200s", st, body)
	}
	switch w.scenario {
	case "get4k", "get16m", "mixed64k", "list":
	default:
		return nil
	}
	var next atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < w.keys; i = int(next.Add(1) - 1) {
				st, _, b, err := w.c.do(ctx, http.MethodPut, w.key(i), "", w.body)
				if err := must2xx(st, b, err); err != nil {
					failed.CompareAndSwap(nil, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err, ok := failed.Load().(error); ok {
		return err
	}
	return nil
}

// op runs one operation of worker g and returns the payload bytes moved.
func (w *workload) op(ctx context.Context, g int, rng *rand.Rand) (int64, error) {
	c := w.c
	switch w.scenario {
	case "put4k", "put16m":
		st, _, b, err := c.do(ctx, http.MethodPut, w.key(rng.IntN(w.keys)), "", w.body)
		return int64(w.size), must2xx(st, b, err)
	case "get4k", "get16m":
		st, n, b, err := c.do(ctx, http.MethodGet, w.key(rng.IntN(w.keys)), "", nil)
		return n, must2xx(st, b, err)
	case "mixed64k":
		k := w.key(rng.IntN(w.keys))
		switch p := rng.IntN(100); {
		case p < 45:
			st, n, b, err := c.do(ctx, http.MethodGet, k, "", nil)
			if st == http.StatusNotFound {
				return 0, nil // deleted by another worker: a valid answer
			}
			return n, must2xx(st, b, err)
		case p < 75:
			st, _, b, err := c.do(ctx, http.MethodHead, k, "", nil)
			if st == http.StatusNotFound {
				return 0, nil
			}
			return 0, must2xx(st, b, err)
		case p < 90:
			st, _, b, err := c.do(ctx, http.MethodPut, k, "", w.body)
			return int64(w.size), must2xx(st, b, err)
		default:
			st, _, b, err := c.do(ctx, http.MethodDelete, k, "", nil)
			return 0, must2xx(st, b, err)
		}
	case "list":
		w.mu.Lock()
		tok := w.tokens[g]
		w.mu.Unlock()
		q := "list-type=2&prefix=list%2F&max-keys=" + strconv.Itoa(listPageKeys)
		if tok != "" {
			q += "&continuation-token=" + tok
		}
		st, n, b, err := c.do(ctx, http.MethodGet, "/bench", q, nil)
		if err := must2xx(st, b, err); err != nil {
			return 0, err
		}
		var page struct {
			Next string `xml:"NextContinuationToken"`
		}
		_ = xml.Unmarshal(b, &page)
		w.mu.Lock()
		w.tokens[g] = urlQueryEscape(page.Next)
		w.mu.Unlock()
		return n, nil
	case "multipart":
		k := w.key(g % w.keys)
		st, _, b, err := c.do(ctx, http.MethodPost, k, "uploads", nil)
		if err := must2xx(st, b, err); err != nil {
			return 0, err
		}
		var up struct {
			UploadID string `xml:"UploadId"`
		}
		if err := xml.Unmarshal(b, &up); err != nil {
			return 0, err
		}
		var doc strings.Builder
		doc.WriteString("<CompleteMultipartUpload>")
		for n := 1; n <= w.size/len(w.part); n++ {
			q := fmt.Sprintf("partNumber=%d&uploadId=%s", n, urlQueryEscape(up.UploadID))
			req, err := http.NewRequestWithContext(ctx, http.MethodPut, c.base+k+"?"+q, bytes.NewReader(w.part))
			if err != nil {
				return 0, err
			}
			if _, err := sigv4.SignRequest(req, c.creds, c.region, "s3", time.Now(), sigv4.UnsignedPayload); err != nil {
				return 0, err
			}
			resp, err := c.hc.Do(req)
			if err != nil {
				return 0, err
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode/100 != 2 {
				return 0, fmt.Errorf("upload part: status %d", resp.StatusCode)
			}
			fmt.Fprintf(&doc, "<Part><PartNumber>%d</PartNumber><ETag>%s</ETag></Part>", n, resp.Header.Get("ETag"))
		}
		doc.WriteString("</CompleteMultipartUpload>")
		st, _, b, err = c.do(ctx, http.MethodPost, k, "uploadId="+urlQueryEscape(up.UploadID), []byte(doc.String()))
		return int64(w.size), must2xx(st, b, err)
	}
	return 0, errSkip
}

func urlQueryEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
