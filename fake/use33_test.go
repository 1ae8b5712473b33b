package fake_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/fake"
)

// TestUse33NotificationTargetKeptByEngineOptions: a newcomer who tunes
// the engine (WithEngineOptions) after registering a destination
// (WithNotificationTarget) keeps the destination; before, the engine
// options replaced it and the bucket's configuration naming it was
// refused as an unknown destination.
func TestUse33NotificationTargetKeptByEngineOptions(t *testing.T) {
	const arn = "arn:aws:sqs:us-east-1:123456789012:uploads"
	for _, tc := range []struct {
		name string
		opts func(target engine.NotificationTarget) []fake.Option
	}{
		{"target then engine options", func(target engine.NotificationTarget) []fake.Option {
			return []fake.Option{fake.WithNotificationTarget(arn, target), fake.WithEngineOptions(engine.Options{RestoreDelay: -1})}
		}},
		{"engine options then target", func(target engine.NotificationTarget) []fake.Option {
			return []fake.Option{fake.WithEngineOptions(engine.Options{RestoreDelay: -1}), fake.WithNotificationTarget(arn, target)}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := make(chan string, 1)
			target := engine.NotificationTargetFunc(func(_ context.Context, ev engine.Event) error {
				got <- ev.EventName + " " + ev.S3.Object.Key
				return nil
			})
			srv := fake.New(t, append(tc.opts(target), fake.WithBuckets("uploads"))...)
			require.Equal(t, time.Duration(0), srv.Engine().Options().RestoreDelay, "the engine options apply too")
			client := use33S3(srv)
			ctx := context.Background()
			_, err := client.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{
				Bucket: aws.String("uploads"),
				NotificationConfiguration: &types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{{
					QueueArn: aws.String(arn), Events: []types.Event{"s3:ObjectCreated:*"},
				}}},
			})
			require.NoError(t, err)
			_, err = client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("uploads"), Key: aws.String("a.jpg"), Body: strings.NewReader("x")})
			require.NoError(t, err)
			select {
			case ev := <-got:
				require.Equal(t, "ObjectCreated:Put a.jpg", ev)
			case <-time.After(10 * time.Second):
				t.Fatal("no event delivered to the target")
			}
		})
	}
}

// use33LogRecorder is a testing.TB whose Logf is kept, to see what the
// fake tells the test.
type use33LogRecorder struct {
	*testing.T
	mu   sync.Mutex
	logs []string
}

func (r *use33LogRecorder) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}

// TestUse33UnmatchedFaultIsLogged: a fault whose Op is misspelt
// ("PutObjects") never fires, and the test that registered it passed or
// failed without a word about it. Close now logs it with the operations
// the server saw; a fault that fired is not mentioned.
func TestUse33UnmatchedFaultIsLogged(t *testing.T) {
	rec := &use33LogRecorder{T: t}
	srv := fake.New(rec, fake.WithBuckets("photos"))
	srv.Fail(fake.Fault{Op: "PutObjects", Code: "SlowDown"})
	srv.Fail(fake.Fault{Op: "HeadObject", Code: "InternalError", Times: 1})
	client := use33S3(srv)
	_, err := client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("photos"), Key: aws.String("a"), Body: strings.NewReader("x")})
	require.NoError(t, err, "the misspelt fault does not fire")
	_, err = client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String("photos"), Key: aws.String("a")},
		func(o *s3.Options) { o.RetryMaxAttempts = 1 })
	require.Error(t, err, "the HeadObject fault fires")
	srv.Close()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	require.Len(t, rec.logs, 1, "%q", rec.logs)
	require.Contains(t, rec.logs[0], `Fault{Op: "PutObjects"`)
	require.Contains(t, rec.logs[0], "operations seen: HeadObject, PutObject")
}

// TestUse33UnmatchedChaosOpIsLogged: Chaos.Ops with a name no request has
// ("GetObjects") restricts chaos to nothing; Close says so.
func TestUse33UnmatchedChaosOpIsLogged(t *testing.T) {
	rec := &use33LogRecorder{T: t}
	srv := fake.New(rec, fake.WithBuckets("photos"), fake.WithChaos(fake.Chaos{Rate: 1, Ops: []string{"GetObjects", "HeadBucket"}}))
	_, err := use33S3(srv).PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("photos"), Key: aws.String("a"), Body: strings.NewReader("x")})
	require.NoError(t, err, "no chaos for PutObject")
	srv.Close()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	require.Len(t, rec.logs, 2, "%q", rec.logs)
	require.Contains(t, rec.logs[0], `Chaos.Ops names "GetObjects"`)
	require.Contains(t, rec.logs[0], "operations seen: PutObject")
	require.Contains(t, rec.logs[1], `Chaos.Ops names "HeadBucket"`)
}
