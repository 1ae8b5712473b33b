package main

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"
)

// lines collects run's output, safe for the concurrent writes of the
// start-up banner and the loggers.
type lines struct {
	mu  sync.Mutex
	buf strings.Builder
	url chan string
}

// urlRE finds the URL in the text banner or the JSON one.
var urlRE = regexp.MustCompile(`serving S3, OSS and Sina on (https?://\S+)|"url":"(https?://[^"]+)"`)

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	if m := urlRE.FindSubmatch(p); m != nil {
		l.url <- string(m[1]) + string(m[2])
	}
	return len(p), nil
}

func (l *lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// start runs the server with args on a free port and returns its URL, its
// output and a stop function that cancels it and returns run's error.
func start(t *testing.T, args ...string) (string, *lines, func() error) {
	t.Helper()
	return startEnv(t, noEnv, args...)
}

// noEnv is an empty environment.
func noEnv(string) (string, bool) { return "", false }

// startEnv is start with the environment read through getenv.
func startEnv(t *testing.T, getenv func(string) (string, bool), args ...string) (string, *lines, func() error) {
	t.Helper()
	out := &lines{url: make(chan string, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- runEnv(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), getenv, out) }()
	var url string
	select {
	case url = <-out.url:
	case err := <-errc:
		cancel()
		t.Fatalf("run exited early: %v\n%s", err, out)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatalf("no start-up line:\n%s", out)
	}
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-errc:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("run did not return after cancel")
			return nil
		}
	}
	t.Cleanup(func() { stop() })
	return url, out, stop
}

func client(url, ak, sk string) *s3.Client {
	return s3.New(s3.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(ak, sk, ""),
		BaseEndpoint: aws.String(url),
		UsePathStyle: true,
		HTTPClient:   &http.Client{},
	})
}

func TestRunServesAndStops(t *testing.T) {
	url, out, stop := start(t)
	require.NotContains(t, url, ":0", "the actual port is printed")
	banner := out.String()
	for _, want := range []string{"access key: " + defaultAccessKey, "secret key: " + defaultSecretKey, "aws --endpoint-url " + url + " s3 ls", "in memory"} {
		require.Contains(t, banner, want)
	}

	ctx := context.Background()
	c := client(url, defaultAccessKey, defaultSecretKey)
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("photos")})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("photos"), Key: aws.String("k"), Body: strings.NewReader("hello")})
	require.NoError(t, err)
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("photos"), Key: aws.String("k")})
	require.NoError(t, err)
	b, _ := io.ReadAll(got.Body)
	got.Body.Close()
	require.Equal(t, "hello", string(b))

	_, err = client(url, defaultAccessKey, "wrong").ListBuckets(ctx, &s3.ListBucketsInput{})
	require.Error(t, err, "signatures are checked")

	require.NoError(t, stop())
	require.Contains(t, out.String(), "operation=PutObject", "requests are logged at info")
	_, err = c.ListBuckets(ctx, &s3.ListBucketsInput{})
	require.Error(t, err, "server is gone after stop")
}

func TestRunPersistsData(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	args := []string{"-data", dir, "-access-key", "AK", "-secret-key", "SK", "-log-level", "warn"}

	url, out, stop := start(t, args...)
	require.Contains(t, out.String(), "data:       "+dir)
	c := client(url, "AK", "SK")
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("keep")})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("keep"), Key: aws.String("k"), Body: strings.NewReader("durable")})
	require.NoError(t, err)
	require.NoError(t, stop())
	require.NotContains(t, out.String(), "operation=", "no request lines at warn")

	url, _, _ = start(t, args...)
	got, err := client(url, "AK", "SK").GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("keep"), Key: aws.String("k")})
	require.NoError(t, err)
	b, _ := io.ReadAll(got.Body)
	got.Body.Close()
	require.Equal(t, "durable", string(b))
}

func TestRunJSONLogsAndDomains(t *testing.T) {
	url, out, stop := start(t, "-log-format", "json", "-domain", "s3.example.test", "-region", "eu-west-1")
	ctx := context.Background()
	c := s3.New(s3.Options{
		Region:       "eu-west-1",
		Credentials:  credentials.NewStaticCredentialsProvider(defaultAccessKey, defaultSecretKey, ""),
		BaseEndpoint: aws.String(url),
		UsePathStyle: true,
	})
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bkt")})
	require.NoError(t, err)
	loc, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("bkt")})
	require.NoError(t, err)
	require.EqualValues(t, "eu-west-1", loc.LocationConstraint)

	// Virtual-host addressing on the extra domain, with the Host header set
	// by hand (no DNS for s3.example.test).
	req, err := http.NewRequest(http.MethodGet, url+"/", nil)
	require.NoError(t, err)
	req.Host = "bkt.s3.example.test"
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.NoError(t, stop())

	var ops []string
	for _, line := range strings.Split(out.String(), "\n") {
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &rec), line)
		if op, ok := rec["operation"].(string); ok {
			ops = append(ops, op+":"+rec["bucket"].(string))
		}
	}
	require.Equal(t, []string{"CreateBucket:bkt", "GetBucketLocation:bkt", "ListObjects:bkt"}, ops)
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    options
		wantErr string
	}{
		{name: "defaults", args: nil, want: options{addr: defaultAddr, accessKey: defaultAccessKey, secretKey: defaultSecretKey, region: "us-east-1",
			compactInterval: 30 * time.Second, compactDeadRatio: 0.5, abortUploadsAfter: 168 * time.Hour, lifecycleDay: 24 * time.Hour, restoreDelay: time.Minute}},
		{name: "all", args: []string{"-addr", ":1", "-data", "/d", "-access-key", "a", "-secret-key", "s", "-domain", "x.test", "-domain", "y.test", "-region", "r", "-log-level", "DEBUG", "-log-format", "json",
			"-compact-interval", "1m", "-compact-dead-ratio", "0.25", "-abort-uploads-after", "24h", "-lifecycle-day", "10s", "-restore-delay", "0s"},
			want: options{addr: ":1", data: "/d", accessKey: "a", secretKey: "s", domains: []string{"x.test", "y.test"}, region: "r", level: -4, json: true,
				compactInterval: time.Minute, compactDeadRatio: 0.25, abortUploadsAfter: 24 * time.Hour, lifecycleDay: 10 * time.Second}},
		{name: "bad dead ratio", args: []string{"-compact-dead-ratio", "0"}, wantErr: "-compact-dead-ratio"},
		{name: "negative interval", args: []string{"-compact-interval", "-1s"}, wantErr: "must not be negative"},
		{name: "negative restore delay", args: []string{"-restore-delay", "-1s"}, wantErr: "must not be negative"},
		{name: "bad level", args: []string{"-log-level", "loud"}, wantErr: "-log-level"},
		{name: "bad format", args: []string{"-log-format", "xml"}, wantErr: "-log-format"},
		{name: "empty key", args: []string{"-secret-key", ""}, wantErr: "must not be empty"},
		{name: "extra args", args: []string{"serve"}, wantErr: "unexpected arguments"},
		{name: "unknown flag", args: []string{"-port", "1"}, wantErr: "not defined"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseFlags(tc.args, noEnv, io.Discard)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			got.limits = limitOptions{} // TestLimitFlags checks them
			// TestNotifyFlags checks the notification flags.
			got.notify = notifyOptions{}
			require.Equal(t, tc.want, got)
		})
	}
	_, err := parseFlags([]string{"-h"}, noEnv, io.Discard)
	require.ErrorIs(t, err, flag.ErrHelp)
}

func TestRunListenError(t *testing.T) {
	err := run(context.Background(), []string{"-addr", "256.0.0.1:1"}, io.Discard)
	require.Error(t, err)
}

func TestEngineOptions(t *testing.T) {
	o, err := parseFlags(nil, noEnv, io.Discard)
	require.NoError(t, err)
	eo := o.engineOptions(nil)
	require.Equal(t, 30*time.Second, eo.CompactInterval)
	require.Equal(t, 0.5, eo.CompactDeadRatio)
	require.Equal(t, 168*time.Hour, eo.AbortUploadsAfter)

	o, err = parseFlags([]string{"-compact-interval", "0", "-abort-uploads-after", "0"}, noEnv, io.Discard)
	require.NoError(t, err)
	eo = o.engineOptions(nil)
	require.Negative(t, eo.CompactInterval, "0 disables background compaction")
	require.Negative(t, eo.AbortUploadsAfter, "0 never aborts")
}

// With -lifecycle-day 100ms, a one-day expiration rule deletes an object
// within a second, through the real server and a real client.
func TestLifecycleDayFlag(t *testing.T) {
	url, _, stop := start(t, "-lifecycle-day", "100ms", "-compact-interval", "50ms", "-bucket", "life")
	defer stop()
	c := client(url, defaultAccessKey, defaultSecretKey)
	ctx := context.Background()
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("life"), Key: aws.String("k"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	_, err = c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String("life"),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{{ID: aws.String("r"),
			Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("")},
			Expiration: &types.LifecycleExpiration{Days: aws.Int32(1)}}}}})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		_, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("life"), Key: aws.String("k")})
		return err != nil
	}, 10*time.Second, 20*time.Millisecond)
}

// TestReview26DefaultSecretWarnsOffLoopback: the default secret key is
// printed in the banner and the docs, so a server listening beyond
// loopback with it grants anyone full access: it says so in a warning.
// On loopback, or with a secret of the operator's, it does not.
func TestReview26DefaultSecretWarnsOffLoopback(t *testing.T) {
	const warning = "the default secret key is in use on a non-loopback address"
	_, out, stop := start(t, "-addr", "0.0.0.0:0")
	require.NoError(t, stop())
	require.Contains(t, out.String(), warning)

	_, out, stop = start(t, "-addr", "0.0.0.0:0", "-secret-key", "operator-chosen")
	require.NoError(t, stop())
	require.NotContains(t, out.String(), warning)

	_, out, stop = start(t)
	require.NoError(t, stop())
	require.NotContains(t, out.String(), warning)
}
