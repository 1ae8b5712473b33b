package fuzz

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Diff sends the steps Run would generate from cfg to two endpoints, cfg.Client
// (A) and b, one step at a time, and returns every step on which their
// outcomes differ (status, error code, ETag, body and Content-Range,
// listing pages, tag sets): Mismatch.Want is A's, Got is B's. It goes on
// after a difference, so later ones may follow from an earlier one. Both
// endpoints' buckets are emptied and deleted at the end.
func Diff(ctx context.Context, cfg Config, b *s3.Client) ([]Mismatch, error) {
	cfg.ensureDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if b == nil || cfg.Client == nil {
		return nil, fmt.Errorf("%w: Diff needs a second client", ErrConfig)
	}
	steps := Generate(cfg)
	names := bucketNames(cfg.BucketPrefix, 1, cfg.Buckets)
	m := cfg.newModel()
	exA, exB := newExecutor(cfg.Client, names), newExecutor(b, names)
	defer cleanup(context.WithoutCancel(ctx), cfg.Client, names)
	defer cleanup(context.WithoutCancel(ctx), b, names)
	var diffs []Mismatch
	for i, s := range steps {
		if err := ctx.Err(); err != nil {
			return diffs, err
		}
		cond := m.condETag(s)
		want := m.apply(s)
		ga, gb := exA.do(ctx, s, cond), exB.do(ctx, s, cond)
		if cfg.Logf != nil {
			cfg.Logf("%d %#v -> A %v, B %v", i, s, ga, gb)
		}
		if ga != gb {
			diffs = append(diffs, Mismatch{Index: i, Step: s, Want: ga, Got: gb})
		}
		m.learn(s, want, ga)
	}
	return diffs, nil
}
