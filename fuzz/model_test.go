package fuzz_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/fake"
	"github.com/osslite/osslite/fuzz"
	"github.com/osslite/osslite/httpapi"
)

// smallPart keeps multipart runs small: the subjects accept it as their
// minimum part size.
const smallPart = 1 << 10

func fakeClient(t *testing.T) *fuzz.Config {
	srv := fake.New(t, fake.WithHTTPOptions(httpapi.WithMinPartSize(smallPart)))
	c := fuzz.NewClient(fuzz.ClientOptions{Endpoint: srv.URL, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Region: srv.Region, HTTPClient: srv.HTTPClient()})
	return &fuzz.Config{Client: c, PartSize: smallPart}
}

// diskClient serves an engine on a directory through httpapi on a
// loopback listener.
func diskClient(t *testing.T) *fuzz.Config {
	eng, err := engine.Open(t.TempDir(), &engine.Options{FS: vfs.Default})
	require.NoError(t, err)
	ts := httptest.NewServer(httpapi.New(eng, httpapi.WithCredentials(map[string]string{"ak": "sk"}), httpapi.WithMinPartSize(smallPart)))
	t.Cleanup(func() { ts.Close(); require.NoError(t, eng.Close()) })
	c := fuzz.NewClient(fuzz.ClientOptions{Endpoint: ts.URL, AccessKey: "ak", SecretKey: "sk"})
	return &fuzz.Config{Client: c, PartSize: smallPart}
}

// listenerClient is the memory fake reached over its loopback listener.
func listenerClient(t *testing.T) *fuzz.Config {
	srv := fake.New(t, fake.WithHTTPOptions(httpapi.WithMinPartSize(smallPart)))
	c := fuzz.NewClient(fuzz.ClientOptions{Endpoint: srv.URL, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Region: srv.Region})
	return &fuzz.Config{Client: c, PartSize: smallPart}
}

func TestModelAgainstFake(t *testing.T) {
	for name, subject := range map[string]func(*testing.T) *fuzz.Config{"memory": fakeClient, "disk": diskClient, "listener": listenerClient} {
		t.Run(name, func(t *testing.T) {
			for _, seed := range []int64{1, 2, 3} {
				cfg := subject(t)
				cfg.Seed, cfg.Steps = seed, 300
				rep, err := fuzz.Run(context.Background(), *cfg)
				require.NoError(t, err)
				if rep.Mismatch != nil {
					t.Fatalf("seed %d: %v\nshrunk in %d runs to %d steps: %v\n%s", seed, rep.Mismatch, rep.ShrinkRuns, len(rep.Repro), rep.ReproMismatch, rep.GoTest("TestRepro"))
				}
				for _, op := range fuzz.AllOps {
					require.Positive(t, rep.Ops[op], "seed %d sent no %s", seed, op)
				}
			}
		})
	}
}

// TestDeleteBucketDiscardsUploads is the fuzzer's first find, shrunk:
// S3 deletes a bucket whose only content is a pending multipart upload
// (spec/s3/operations.md B.5: "[osslite] discard them"); osslite used to
// answer 409 BucketNotEmpty.
func TestDeleteBucketDiscardsUploads(t *testing.T) {
	srv := fake.New(t, fake.WithHTTPOptions(httpapi.WithMinPartSize(1024)))
	client := fuzz.NewClient(fuzz.ClientOptions{Endpoint: srv.URL, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Region: srv.Region, HTTPClient: srv.HTTPClient()})
	steps := []fuzz.Step{
		{Op: fuzz.OpCreateBucket},
		{Op: fuzz.OpCreateMultipartUpload, Key: "aé.", Upload: 4},
		{Op: fuzz.OpDeleteBucket},
	}
	rep, err := fuzz.Replay(context.Background(), fuzz.Config{Client: client, PartSize: 1024, Buckets: 2, MaxShrinkRuns: -1}, steps)
	require.NoError(t, err)
	require.Nil(t, rep.Mismatch, "%v", rep.Mismatch)
}

// TestShrink breaks one operation of the fake and checks that the fuzzer
// notices, shrinks the sequence to that one step, and renders a test.
func TestShrink(t *testing.T) {
	srv := fake.New(t, fake.WithHTTPOptions(httpapi.WithMinPartSize(smallPart)))
	srv.Fail(fake.Fault{Op: "GetObjectTagging", Code: "InternalError"})
	c := fuzz.NewClient(fuzz.ClientOptions{Endpoint: srv.URL, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Region: srv.Region, HTTPClient: srv.HTTPClient()})
	cfg := fuzz.Config{Client: c, PartSize: smallPart, Seed: 9, Steps: 300, UploadsBlockDeleteBucket: true}
	rep, err := fuzz.Run(context.Background(), cfg)
	require.NoError(t, err)
	require.NotNil(t, rep.Mismatch)
	require.Equal(t, fuzz.OpGetObjectTagging, rep.Mismatch.Step.Op)
	require.Equal(t, 500, rep.Mismatch.Got.Status)
	require.Len(t, rep.Repro, 1, "%v", rep.Repro)
	require.Positive(t, rep.ShrinkRuns)
	code := rep.GoTest("TestRepro")
	require.Contains(t, code, "func TestRepro(t *testing.T) {")
	require.Contains(t, code, "{Op: fuzz.OpGetObjectTagging")

	again, err := fuzz.Replay(context.Background(), cfg, rep.Repro)
	require.NoError(t, err)
	require.NotNil(t, again.Mismatch, "the reproduction fails on its own")
}

// TestModelOSS drives the memory fake through the Aliyun OSS SDK v2.
func TestModelOSS(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		srv := fake.New(t, fake.WithHTTPOptions(httpapi.WithMinPartSize(smallPart)))
		c := fuzz.NewOSSClient(fuzz.ClientOptions{Endpoint: srv.URL, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, HTTPClient: srv.HTTPClient()})
		rep, err := fuzz.Run(context.Background(), fuzz.Config{OSSClient: c, PartSize: smallPart, Seed: seed, Steps: 300})
		require.NoError(t, err)
		if rep.Mismatch != nil {
			t.Fatalf("seed %d: %v\nshrunk in %d runs to %d steps: %v\n%s", seed, rep.Mismatch, rep.ShrinkRuns, len(rep.Repro), rep.ReproMismatch, rep.GoTest("TestRepro"))
		}
	}
}
