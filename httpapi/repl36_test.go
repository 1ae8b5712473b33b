package httpapi_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/fake"
	"github.com/osslite/osslite/httpapi"
)

// TestRepl36RemoteNoSuchBucket: a remote endpoint that answers
// NoSuchBucket makes S3ReplicationTarget's error wrap
// engine.ErrNoSuchBucket (besides ErrReplicationTarget), so that the
// version's OperationFailedReplication event (a rule with replication
// Metrics) names S3's failure reason DstBucketNotFound. Another refusal
// (AccessDenied: the remote does not know the key) wraps only
// ErrReplicationTarget and the event leaves failureReason out. Before,
// every remote refusal was the same error and the event carried no
// replicationEventData.
func TestRepl36RemoteNoSuchBucket(t *testing.T) {
	ctx := context.Background()
	remote := fake.New(t)
	target := &httpapi.S3ReplicationTarget{Endpoint: remote.URL, AccessKeyID: remote.AccessKey,
		SecretAccessKey: remote.SecretKey, Clock: remote.Clock(), Client: remote.HTTPClient()}
	info := engine.ObjectInfo{Key: "docs/a", Size: 1}
	err := target.PutObject(ctx, "backup", info, strings.NewReader("a"))
	require.ErrorIs(t, err, httpapi.ErrReplicationTarget)
	require.ErrorIs(t, err, engine.ErrNoSuchBucket)
	denied := &httpapi.S3ReplicationTarget{Endpoint: remote.URL, AccessKeyID: "nobody", SecretAccessKey: "wrong",
		Clock: remote.Clock(), Client: remote.HTTPClient()}
	err = denied.PutObject(ctx, "backup", info, strings.NewReader("a"))
	require.ErrorIs(t, err, httpapi.ErrReplicationTarget)
	require.False(t, errors.Is(err, engine.ErrNoSuchBucket), "%v", err)

	srv := fake.New(t, fake.WithEngineOptions(engine.Options{CompactInterval: -1,
		Replication: engine.ReplicationOptions{Attempts: 1, Targets: map[string]engine.ReplicationTarget{
			"arn:aws:s3:::backup": target, "arn:aws:s3:::denied": denied}}}))
	var mu sync.Mutex
	reasons := map[string]string{}
	cancel := srv.Engine().Subscribe("", func(ev engine.Event) {
		if ev.EventName == "Replication:OperationFailedReplication" {
			mu.Lock()
			reasons[ev.ReplicationEventData.DestinationBucket] = ev.ReplicationEventData.FailureReason
			mu.Unlock()
		}
	})
	defer cancel()
	c := replicationClient(srv)
	for _, dest := range []string{"backup", "denied"} {
		src := "src-" + dest
		enableVersioning(t, c, src)
		in := replicationInput(src, dest)
		in.ReplicationConfiguration.Rules[0].Destination.Metrics = &types.Metrics{Status: types.MetricsStatusEnabled}
		_, err = c.PutBucketReplication(ctx, in)
		require.NoError(t, err)
		_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(src), Key: aws.String("docs/a"), Body: strings.NewReader("a")})
		require.NoError(t, err)
	}
	st, err := srv.Engine().RunPending(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, st.Replication.Failed)
	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, map[string]string{"arn:aws:s3:::backup": "DstBucketNotFound", "arn:aws:s3:::denied": ""}, reasons)
}
