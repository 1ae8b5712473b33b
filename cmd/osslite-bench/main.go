// Command osslite-bench measures an S3 server under load, side by side
// with the most any Go HTTP server reaches on the same machine.
//
//	go run ./cmd/osslite-bench                       # every scenario, limit vs memory vs disk
//	go run ./cmd/osslite-bench -scenarios put4k,get4k -duration 5s -rounds 3
//	go run ./cmd/osslite-bench -endpoint http://127.0.0.1:9000 -access-key K -secret-key S
//
// For each scenario it starts, as child processes, (a) a "limit" server:
// a bare net/http handler that does no work beyond reading and writing
// the bytes, (b) osslite in memory and (c) osslite on disk, and drives
// each in turn (A B C, then C B A, ...) with a signing S3 client at the
// given concurrency for the given duration. It prints throughput and its
// ratio to the limit, p50/p99 latency, the server's CPU time per
// operation (from the child's /proc accounting) and its peak RSS.
//
// -warmup runs each scenario on each server, untimed, for that long
// before measuring it (the same for every server): a steady state, as a
// long run reaches, rather than a fresh process's first touch of memory.
// Peak RSS still covers the warm-up.
//
// With -endpoint it drives that server instead (CPU and RSS are then
// unknown), so osslite can be compared with whatever you run today.
//
// Scenarios: put4k, get4k, put16m, get16m, mixed64k (GET/HEAD/PUT/DELETE
// 45/30/15/10), list (10,000 keys in 1000-key pages), multipart (256 MiB
// in 16 MiB parts).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/osslite/osslite/internal/gcpace"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var (
		serve        = flag.String("serve", "", "internal: serve `kind` (limit, memory, disk) and print the address")
		dataDir      = flag.String("data", "", "internal: data directory of -serve disk")
		cpuProfile   = flag.String("cpuprofile", "", "with -serve: write the server's CPU profile to `file` (drive it with -endpoint from another process)")
		memProfile   = flag.String("memprofile", "", "with -serve: write the server's heap profile to `file` when it is stopped (before its store closes)")
		mutexProfile = flag.String("mutexprofile", "", "with -serve: write the server's mutex contention profile to `file` when it is stopped")
		scenarios    = flag.String("scenarios", strings.Join(allScenarios, ","), "comma-separated `scenarios`")
		targets      = flag.String("targets", "limit,memory,disk", "comma-separated `servers` to start: limit, memory, disk")
		endpoint     = flag.String("endpoint", "", "drive this `URL` instead of starting servers")
		accessKey    = flag.String("access-key", "bench", "access `key` for -endpoint")
		secretKey    = flag.String("secret-key", "bench-secret", "secret `key` for -endpoint")
		region       = flag.String("region", "us-east-1", "`region` to sign for")
		duration     = flag.Duration("duration", 10*time.Second, "measured `time` per scenario and server")
		warmup       = flag.Duration("warmup", 0, "untimed load (`time`) per scenario and server before it is measured, the same for every server")
		concurrency  = flag.Int("concurrency", 16, "concurrent `clients`")
		rounds       = flag.Int("rounds", 2, "`rounds` per scenario (servers alternate order each round)")
	)
	flag.Parse()
	if *serve != "" {
		if *serve != "limit" {
			gcpace.Apply() // as cmd/osslite; the limit keeps Go's default
		}
		if *cpuProfile != "" {
			f, err := os.Create(*cpuProfile)
			if err == nil {
				err = pprof.StartCPUProfile(f)
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "osslite-bench:", err)
				os.Exit(1)
			}
			defer f.Close()
			defer pprof.StopCPUProfile()
		}
		if *mutexProfile != "" {
			runtime.SetMutexProfileFraction(10)
		}
		atStop := func() {
			for _, p := range []struct{ name, file string }{{"heap", *memProfile}, {"mutex", *mutexProfile}} {
				if p.file == "" {
					continue
				}
				if err := writeProfile(p.name, p.file); err != nil {
					fmt.Fprintln(os.Stderr, "osslite-bench:", err)
				}
			}
		}
		if err := serveKind(ctx, *serve, *dataDir, os.Stdout, atStop); err != nil {
			fmt.Fprintln(os.Stderr, "osslite-bench:", err)
			os.Exit(1)
		}
		return
	}
	cfg := config{
		scenarios: split(*scenarios), targets: split(*targets), endpoint: *endpoint,
		accessKey: *accessKey, secretKey: *secretKey, region: *region,
		duration: *duration, warmup: *warmup, concurrency: *concurrency, rounds: *rounds,
	}
	if err := run(ctx, cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "osslite-bench:", err)
		os.Exit(1)
	}
}

// writeProfile writes the runtime profile called profile (the heap's
// live objects, or the mutex contention so far) to the file name.
func writeProfile(profile, name string) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := pprof.Lookup(profile).WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func split(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
