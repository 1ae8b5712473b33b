package fuzz

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// ErrConfig is wrapped by the errors of an unusable Config.
var ErrConfig = errors.New("fuzz: invalid configuration")

// DefaultPartSize is S3's smallest part size: 5 MiB.
const DefaultPartSize = 5 << 20

// Config configures Run.
type Config struct {
	// Client reaches the endpoint under test through the S3 protocol (see
	// NewClient). Required unless OSSClient is set.
	Client *s3.Client
	// OSSClient, instead of Client, drives the endpoint through the Aliyun
	// OSS protocol (see NewOSSClient); the model then follows OSS's rules
	// where they differ from S3's (upper-case hex ETags, CreateBucket on
	// one's own bucket answers 200, copy onto itself allowed, the SDK sorts
	// Complete's part list, If-None-Match: * is sent as
	// x-oss-forbid-overwrite and answered 409 FileAlreadyExists, ranges use
	// x-oss-range-behavior: standard). Diff is S3-only.
	OSSClient *oss.Client
	// Seed makes the run reproducible: the same seed sends the same
	// steps. Default 0.
	Seed int64
	// Steps is how many operations to generate. Default 200.
	Steps int
	// BucketPrefix starts the names of the buckets the run creates (and
	// deletes at the end). Default "fuzz-<seed>". It must be a valid bucket
	// name start, short enough to leave room for "-<run>-<n>".
	BucketPrefix string
	// Buckets is how many bucket names the steps use. Default 2.
	Buckets int
	// PartSize is the size of full multipart parts, and the minimum part
	// size the model enforces for every part but the last. Default
	// DefaultPartSize; set it to the endpoint's minimum (osslite:
	// httpapi.WithMinPartSize) to keep runs small.
	PartSize int64
	// Ops restricts the operations generated. Default AllOps.
	Ops []Op
	// RecreateBucketOK says CreateBucket on one's own bucket answers 200
	// instead of 409 BucketAlreadyOwnedByYou. The model expects 200
	// anyway where S3 and OSS answer it: for a Client signing for
	// us-east-1 (S3's legacy rule there, osslite's S3 dialect too) and
	// with OSSClient. Default false.
	RecreateBucketOK bool
	// UploadsBlockDeleteBucket makes the model expect 409 BucketNotEmpty
	// from DeleteBucket while multipart uploads are pending. osslite's S3
	// spec (B.5) says S3 general-purpose buckets discard them and delete
	// the bucket; other sources say they block, as they do on OSS (always
	// on with OSSClient) and in osslite today. Default false.
	UploadsBlockDeleteBucket bool
	// MaxShrinkRuns bounds the replays the shrinker makes. Default 200;
	// negative: do not shrink.
	MaxShrinkRuns int
	// Logf, when set, receives a line per step.
	Logf func(format string, args ...any)
}

func (c *Config) ensureDefaults() {
	if c.Steps == 0 {
		c.Steps = 200
	}
	if c.BucketPrefix == "" {
		c.BucketPrefix = fmt.Sprintf("fuzz-%x", uint64(c.Seed)&0xffffffff)
	}
	if c.Buckets == 0 {
		c.Buckets = 2
	}
	if c.PartSize == 0 {
		c.PartSize = DefaultPartSize
	}
	if len(c.Ops) == 0 {
		c.Ops = AllOps
	}
	if c.MaxShrinkRuns == 0 {
		c.MaxShrinkRuns = 200
	}
}

func (c *Config) recreateOK() bool {
	return c.RecreateBucketOK || c.OSSClient != nil || c.Client != nil && c.Client.Options().Region == "us-east-1"
}

// newModel makes the model for c's rules.
func (c *Config) newModel() *model {
	m := newModel(c.recreateOK())
	m.minPart = int(c.PartSize)
	m.oss = c.OSSClient != nil
	m.uploadsBlock = c.UploadsBlockDeleteBucket || m.oss // OSS documents that they block
	return m
}

// endpoint is one subject that steps are sent to.
type endpoint interface {
	do(ctx context.Context, s Step, cond string) Outcome
}

func (c *Config) endpoint(names []string) (endpoint, func(context.Context)) {
	if c.OSSClient != nil {
		return &ossExecutor{client: c.OSSClient, names: names, uploads: map[int]*uploadRef{}},
			func(ctx context.Context) { ossCleanup(ctx, c.OSSClient, names) }
	}
	return newExecutor(c.Client, names), func(ctx context.Context) { cleanup(ctx, c.Client, names) }
}

func (c *Config) validate() error {
	switch {
	case (c.Client == nil) == (c.OSSClient == nil):
		return fmt.Errorf("%w: exactly one of Client and OSSClient is required", ErrConfig)
	case c.Steps < 0 || c.Buckets < 1 || c.PartSize < 1:
		return fmt.Errorf("%w: Steps, Buckets and PartSize must be positive", ErrConfig)
	case len(c.BucketPrefix)+8 > 63:
		return fmt.Errorf("%w: BucketPrefix %q is too long", ErrConfig, c.BucketPrefix)
	}
	for _, op := range c.Ops {
		if _, ok := weights[op]; !ok {
			return fmt.Errorf("%w: unknown op %q", ErrConfig, op)
		}
	}
	return nil
}

// Mismatch is a step whose outcome differs from the model's.
type Mismatch struct {
	Index int // in the sequence it happened in
	Step  Step
	Want  Outcome // what the model (or the reference endpoint) answered
	Got   Outcome
}

func (m *Mismatch) String() string {
	return fmt.Sprintf("step %d %#v:\n\twant %v\n\tgot  %v", m.Index, m.Step, m.Want, m.Got)
}

// Report is what Run found.
type Report struct {
	Seed int64
	// Steps is how many steps were sent in the first run; Ops counts them
	// by operation.
	Steps int
	Ops   map[Op]int
	// Outcomes counts the first run's answers by operation, status and
	// error code ("GetObject 206", "CompleteMultipartUpload 400
	// InvalidPartOrder"): what the sequence exercised.
	Outcomes map[string]int
	// Mismatch is the first disagreement with the model in the full
	// sequence, nil when there was none.
	Mismatch *Mismatch
	// Repro is the shrunk sequence that still fails, and ReproMismatch its
	// failure; both nil when there was no mismatch.
	Repro         []Step
	ReproMismatch *Mismatch
	// ShrinkRuns is how many replays shrinking took.
	ShrinkRuns int
	cfg        Config
}

// Run generates Config.Steps steps from Config.Seed, sends them through
// Config.Client and checks every answer against an in-memory model of S3.
// On a mismatch it shrinks the sequence (dropping steps while it still
// fails) and reports both; Report.GoTest renders the shrunk one as a test.
// The error is for runs that could not happen (bad Config, ctx done); an
// endpoint that disagrees is a Report with Mismatch set. The buckets a run
// creates are emptied and deleted at the end, on a best-effort basis.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	cfg.ensureDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return replay(ctx, cfg, Generate(cfg))
}

// Replay sends steps as Run would (no generation), shrinking on a mismatch.
// A reproduction printed by Report.GoTest calls it.
func Replay(ctx context.Context, cfg Config, steps []Step) (*Report, error) {
	cfg.ensureDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return replay(ctx, cfg, steps)
}

func replay(ctx context.Context, cfg Config, steps []Step) (*Report, error) {
	rep := &Report{Seed: cfg.Seed, Steps: len(steps), Ops: map[Op]int{}, Outcomes: map[string]int{}, cfg: cfg}
	for _, s := range steps {
		rep.Ops[s.Op]++
	}
	runs := 0
	check := func(seq []Step) (*Mismatch, error) {
		runs++
		var counts map[string]int
		if runs == 1 {
			counts = rep.Outcomes
		}
		return checkOnce(ctx, cfg, seq, runs, counts)
	}
	mm, err := check(steps)
	if err != nil || mm == nil {
		return rep, err
	}
	rep.Mismatch = mm
	rep.Repro, rep.ReproMismatch = steps[:mm.Index+1], mm
	if cfg.MaxShrinkRuns > 0 {
		rep.Repro, rep.ReproMismatch, err = shrink(rep.Repro, mm, cfg.MaxShrinkRuns, check)
	}
	rep.ShrinkRuns = runs - 1
	return rep, err
}

// checkOnce runs steps against fresh buckets (named for run) and returns
// the first mismatch.
func checkOnce(ctx context.Context, cfg Config, steps []Step, run int, counts map[string]int) (*Mismatch, error) {
	names := bucketNames(cfg.BucketPrefix, run, cfg.Buckets)
	m := cfg.newModel()
	ex, clean := cfg.endpoint(names)
	defer clean(context.WithoutCancel(ctx))
	for i, s := range steps {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if s.Bucket >= len(names) || s.SrcBucket >= len(names) {
			return nil, fmt.Errorf("%w: step %d names bucket %d of %d", ErrConfig, i, max(s.Bucket, s.SrcBucket), len(names))
		}
		cond := m.condETag(s)
		want := m.apply(s)
		got := ex.do(ctx, s, cond)
		if cfg.Logf != nil {
			cfg.Logf("%d %#v -> %v", i, s, got)
		}
		if counts != nil {
			counts[strings.TrimSpace(fmt.Sprintf("%s %d %s", s.Op, got.Status, got.Code))]++
		}
		if !want.matches(got) {
			return &Mismatch{Index: i, Step: s, Want: want, Got: got}, nil
		}
		m.learn(s, want, got)
	}
	return nil, nil
}

func bucketNames(prefix string, run, n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("%s-%d-%d", prefix, run, i)
	}
	return names
}

// shrink is delta debugging over steps: it drops chunks of steps, halving
// the chunk size, while the sequence still fails with a mismatch on the
// same operation.
func shrink(steps []Step, mm *Mismatch, budget int, check func([]Step) (*Mismatch, error)) ([]Step, *Mismatch, error) {
	for chunk := len(steps) / 2; chunk >= 1 && budget > 0; {
		removed := false
		for start := 0; start < len(steps) && budget > 0; {
			end := min(start+chunk, len(steps))
			cand := append(append([]Step(nil), steps[:start]...), steps[end:]...)
			if len(cand) == 0 {
				start = end
				continue
			}
			budget--
			got, err := check(cand)
			if err != nil {
				return steps, mm, err
			}
			if got != nil && got.Step.Op == mm.Step.Op {
				steps, mm, removed = cand[:got.Index+1], got, true
				continue // the same start now names the next chunk
			}
			start = end
		}
		if !removed {
			chunk /= 2
		}
		chunk = min(chunk, len(steps)/2)
		if chunk == 0 && len(steps) > 1 && removed {
			chunk = 1
		}
	}
	return steps, mm, nil
}

// GoTest renders the shrunk reproduction as a Go test function against the
// in-memory fake (imports: context, testing, fake, fuzz, httpapi,
// require).
func (r *Report) GoTest(name string) string {
	if r.Repro == nil {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "// %s: %s\n", name, strings.ReplaceAll(r.ReproMismatch.String(), "\n", "\n// "))
	fmt.Fprintf(&b, "func %s(t *testing.T) {\n", name)
	if r.cfg.PartSize != DefaultPartSize {
		fmt.Fprintf(&b, "\tsrv := fake.New(t, fake.WithHTTPOptions(httpapi.WithMinPartSize(%d)))\n", r.cfg.PartSize)
	} else {
		b.WriteString("\tsrv := fake.New(t)\n")
	}
	newClient, field := "fuzz.NewClient", "Client"
	if r.cfg.OSSClient != nil {
		newClient, field = "fuzz.NewOSSClient", "OSSClient"
	}
	fmt.Fprintf(&b, "\tclient := %s(fuzz.ClientOptions{Endpoint: srv.URL, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, HTTPClient: srv.HTTPClient()})\n", newClient)
	b.WriteString("\tsteps := []fuzz.Step{\n")
	for _, s := range r.Repro {
		fmt.Fprintf(&b, "\t\t%#v,\n", s)
	}
	b.WriteString("\t}\n")
	extra := ""
	if r.cfg.RecreateBucketOK {
		extra += ", RecreateBucketOK: true"
	}
	if r.cfg.UploadsBlockDeleteBucket {
		extra += ", UploadsBlockDeleteBucket: true"
	}
	fmt.Fprintf(&b, "\trep, err := fuzz.Replay(context.Background(), fuzz.Config{%s: client, PartSize: %d, Buckets: %d%s, MaxShrinkRuns: -1}, steps)\n", field, r.cfg.PartSize, r.cfg.Buckets, extra)
	b.WriteString("\trequire.NoError(t, err)\n")
	b.WriteString("\trequire.Nil(t, rep.Mismatch, \"%v\", rep.Mismatch)\n}\n")
	return b.String()
}

// cleanup empties and deletes the buckets of a run, ignoring errors.
func cleanup(ctx context.Context, c *s3.Client, names []string) {
	for _, name := range names {
		b := aws.String(name)
		ups, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: b}, noRetry)
		if err != nil {
			continue // most likely: no such bucket
		}
		for _, u := range ups.Uploads {
			c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: b, Key: u.Key, UploadId: u.UploadId}, noRetry)
		}
		p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: b})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx, noRetry)
			if err != nil {
				break
			}
			for _, o := range out.Contents {
				c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: o.Key}, noRetry)
			}
		}
		c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: b}, noRetry)
	}
}
