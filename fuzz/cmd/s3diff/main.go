// Command s3diff checks an S3 endpoint against osslite's model of S3, or
// two endpoints against each other, with the seeded operation sequences of
// package fuzz.
//
//	go run ./fuzz/cmd/s3diff -endpoint http://127.0.0.1:9000 -access-key osslite -secret-key osslite-secret -seed 1 -steps 500
//	go run ./fuzz/cmd/s3diff -endpoint URL -access-key AK -secret-key SK -endpoint2 URL2 -access-key2 AK2 -secret-key2 SK2
//
// -oss speaks the Aliyun OSS protocol instead (one endpoint, against the
// model's OSS rules).
//
// With one endpoint it reports the first disagreement with the model,
// shrunk to a minimal sequence, and prints it as a Go test. With two it
// reports every step whose outcomes differ. It exits 1 when it found
// something, 2 on a usage or setup error. The runs create and delete
// buckets named -bucket-prefix-*.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/osslite/osslite/fuzz"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("s3diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		a, b     fuzz.ClientOptions
		cfg      fuzz.Config
		ops      = fs.String("ops", "", "comma-separated operations to generate (default all: "+opNames()+")")
		verbose  = fs.Bool("v", false, "log every step")
		recreate = fs.Bool("recreate-bucket-ok", false, "expect 200 for CreateBucket on one's own bucket outside us-east-1 too (us-east-1 and -oss expect it anyway)")
		useOSS   = fs.Bool("oss", false, "speak the Aliyun OSS protocol (OSS SDK v2) instead of S3; one endpoint only")
	)
	fs.StringVar(&a.Endpoint, "endpoint", "", "endpoint URL (required)")
	fs.StringVar(&a.AccessKey, "access-key", os.Getenv("AWS_ACCESS_KEY_ID"), "access key (default $AWS_ACCESS_KEY_ID)")
	fs.StringVar(&a.SecretKey, "secret-key", os.Getenv("AWS_SECRET_ACCESS_KEY"), "secret key (default $AWS_SECRET_ACCESS_KEY)")
	fs.StringVar(&a.Region, "region", "us-east-1", "signing region")
	fs.StringVar(&b.Endpoint, "endpoint2", "", "second endpoint URL: compare the two instead of checking against the model")
	fs.StringVar(&b.AccessKey, "access-key2", "", "access key of -endpoint2 (default: -access-key)")
	fs.StringVar(&b.SecretKey, "secret-key2", "", "secret key of -endpoint2 (default: -secret-key)")
	fs.StringVar(&b.Region, "region2", "", "signing region of -endpoint2 (default: -region)")
	fs.Int64Var(&cfg.Seed, "seed", 1, "seed of the operation sequence")
	fs.IntVar(&cfg.Steps, "steps", 200, "number of operations")
	fs.StringVar(&cfg.BucketPrefix, "bucket-prefix", "", "prefix of the buckets created (default fuzz-<seed>)")
	fs.Int64Var(&cfg.PartSize, "part-size", fuzz.DefaultPartSize, "multipart part size, the endpoint's minimum")
	fs.BoolVar(&cfg.UploadsBlockDeleteBucket, "uploads-block-delete-bucket", false, "expect BucketNotEmpty from DeleteBucket while uploads are pending")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if a.Endpoint == "" {
		fmt.Fprintln(stderr, "s3diff: -endpoint is required")
		return 2
	}
	cfg.RecreateBucketOK = *recreate
	if *ops != "" {
		for _, op := range strings.Split(*ops, ",") {
			cfg.Ops = append(cfg.Ops, fuzz.Op(strings.TrimSpace(op)))
		}
	}
	if *verbose {
		cfg.Logf = func(format string, args ...any) { fmt.Fprintf(stderr, format+"\n", args...) }
	}
	if *useOSS {
		if b.Endpoint != "" {
			fmt.Fprintln(stderr, "s3diff: -oss checks one endpoint against the model; -endpoint2 is S3 only")
			return 2
		}
		if a.Region == "us-east-1" {
			a.Region = "cn-hangzhou"
		}
		cfg.OSSClient = fuzz.NewOSSClient(a)
	} else {
		cfg.Client = fuzz.NewClient(a)
	}
	if b.Endpoint == "" {
		rep, err := fuzz.Run(ctx, cfg)
		if err != nil {
			fmt.Fprintln(stderr, "s3diff:", err)
			return 2
		}
		if rep.Mismatch == nil {
			fmt.Fprintf(stdout, "seed %d: %d steps agree with the model\n", cfg.Seed, rep.Steps)
			return 0
		}
		fmt.Fprintf(stdout, "seed %d: %v\n\nshrunk in %d runs to %d steps:\n%v\n\n%s", cfg.Seed, rep.Mismatch, rep.ShrinkRuns, len(rep.Repro), rep.ReproMismatch, rep.GoTest(fmt.Sprintf("TestS3DiffSeed%d", cfg.Seed)))
		return 1
	}
	if b.AccessKey == "" {
		b.AccessKey, b.SecretKey = a.AccessKey, a.SecretKey
	}
	if b.Region == "" {
		b.Region = a.Region
	}
	diffs, err := fuzz.Diff(ctx, cfg, fuzz.NewClient(b))
	if err != nil {
		fmt.Fprintln(stderr, "s3diff:", err)
		return 2
	}
	for _, d := range diffs {
		fmt.Fprintf(stdout, "step %d %#v:\n\t%s: %v\n\t%s: %v\n", d.Index, d.Step, a.Endpoint, d.Want, b.Endpoint, d.Got)
	}
	fmt.Fprintf(stdout, "seed %d: %d steps, %d differences\n", cfg.Seed, cfg.Steps, len(diffs))
	if len(diffs) > 0 {
		return 1
	}
	return 0
}

func opNames() string {
	var s []string
	for _, op := range fuzz.AllOps {
		s = append(s, string(op))
	}
	return strings.Join(s, ",")
}
