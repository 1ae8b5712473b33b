package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
)

// -notify-webhook: a bucket configuration naming the ARN gets its events
// POSTed to the URL, through the real server.
func TestNotifyFlags(t *testing.T) {
	got := make(chan engine.Event, 10)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var msg engine.EventMessage
		if err := json.NewDecoder(r.Body).Decode(&msg); err == nil {
			for _, ev := range msg.Records {
				got <- ev
			}
		}
	}))
	defer hook.Close()
	const arn = "arn:aws:sns:us-east-1:1:hook"
	url, _, stop := start(t, "-notify-webhook", arn+"="+hook.URL, "-bucket", "events")
	defer stop()
	c := client(url, defaultAccessKey, defaultSecretKey)
	ctx := context.Background()
	_, err := c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String("events"),
		NotificationConfiguration: &types.NotificationConfiguration{TopicConfigurations: []types.TopicConfiguration{
			{TopicArn: aws.String(arn), Events: []types.Event{"s3:ObjectCreated:*"}}}}})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("events"), Key: aws.String("k"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	select {
	case ev := <-got:
		require.Equal(t, "ObjectCreated:Put", ev.EventName)
		require.Equal(t, "k", ev.S3.Object.Key)
	case <-time.After(10 * time.Second):
		t.Fatal("no event delivered")
	}

	_, err = parseFlags([]string{"-notify-webhook", "arn=http://192.0.2.1/x"}, noEnv, io.Discard)
	require.ErrorContains(t, err, "loopback")
	_, err = parseFlags([]string{"-notify-webhook", "arn=http://192.0.2.1/x", "-notify-allow-remote"}, noEnv, io.Discard)
	require.NoError(t, err)
	_, err = parseFlags([]string{"-notify-webhook", "no-url"}, noEnv, io.Discard)
	require.ErrorContains(t, err, "ARN=URL")

	// A webhook takes the -access-key account's buckets' events, and
	// those of the owners -notify-webhook-owner names (* for all).
	o, err := parseFlags([]string{"-notify-webhook", "arn:a=http://127.0.0.1/a", "-notify-webhook", "arn:b=http://127.0.0.1/b",
		"-notify-webhook-owner", "arn:a=other", "-notify-webhook-owner", "arn:b=*"}, noEnv, io.Discard)
	require.NoError(t, err)
	require.Equal(t, map[string][]string{"arn:a": {ownerID(defaultAccessKey), "other"}}, o.engineOptions(nil).NotificationTargetOwners)
	for _, bad := range []string{"arn:none=x", "arn:a", "arn:a="} {
		_, err = parseFlags([]string{"-notify-webhook", "arn:a=http://127.0.0.1/a", "-notify-webhook-owner", bad}, noEnv, io.Discard)
		require.Error(t, err, bad)
	}
}
