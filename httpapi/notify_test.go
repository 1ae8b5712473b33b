package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
)

// newEngineFixture serves an engine opened in dir ("" for memory) with eo.
func newEngineFixture(t *testing.T, dir string, eo engine.Options) *fixture {
	t.Helper()
	f := &fixture{t: t, clock: &testClock{}}
	if eo.Clock == nil {
		eo.Clock = f.clock
	}
	eng, err := engine.Open(dir, &eo)
	require.NoError(t, err)
	f.eng = eng
	f.srv = httptest.NewServer(httpapi.New(eng, httpapi.WithCredentials(testCreds)))
	t.Cleanup(func() {
		f.srv.Close()
		require.NoError(t, eng.Close())
	})
	return f
}

// webhook is an httptest server collecting the events posted to it.
type webhook struct {
	srv    *httptest.Server
	mu     sync.Mutex
	events []engine.Event
	status int // answered; 0 is 200
	got    chan struct{}
}

func newWebhook(t *testing.T) *webhook {
	w := &webhook{got: make(chan struct{}, 100)}
	w.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		var msg engine.EventMessage
		if err := json.NewDecoder(r.Body).Decode(&msg); err != nil || r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			rw.WriteHeader(http.StatusBadRequest)
			return
		}
		w.mu.Lock()
		status := w.status
		if status == 0 {
			w.events = append(w.events, msg.Records...)
		}
		w.mu.Unlock()
		if status != 0 {
			rw.WriteHeader(status)
			return
		}
		w.got <- struct{}{}
	}))
	t.Cleanup(w.srv.Close)
	return w
}

func (w *webhook) target(t *testing.T) engine.NotificationTarget {
	wt, err := httpapi.NewWebhookTarget(w.srv.URL+"/events", httpapi.WebhookOptions{})
	require.NoError(t, err)
	return wt
}

// wait returns once n events arrived.
func (w *webhook) wait(t *testing.T, n int) []engine.Event {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		w.mu.Lock()
		if len(w.events) >= n {
			out := append([]engine.Event(nil), w.events...)
			w.mu.Unlock()
			return out
		}
		w.mu.Unlock()
		select {
		case <-w.got:
		case <-deadline:
			t.Fatalf("timed out waiting for %d events", n)
		}
	}
}

const (
	topicARN = "arn:aws:sns:us-east-1:123456789012:osslite-events"
	queueARN = "arn:aws:sqs:us-east-1:123456789012:osslite-queue"
)

func notifyAPIError(t *testing.T, err error) (code, msg string) {
	t.Helper()
	var ae smithy.APIError
	require.True(t, errors.As(err, &ae), "%v", err)
	return ae.ErrorCode(), ae.ErrorMessage()
}

func TestNotificationConfigurationSDK(t *testing.T) {
	wh := newWebhook(t)
	f := newEngineFixture(t, "", engine.Options{NotificationTargets: map[string]engine.NotificationTarget{topicARN: wh.target(t), queueARN: wh.target(t)}})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("nbk")})
	require.NoError(t, err)

	// Nothing configured: an empty document.
	got, err := c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String("nbk")})
	require.NoError(t, err)
	assert.Empty(t, got.TopicConfigurations)
	assert.Empty(t, got.QueueConfigurations)

	filter := func(prefix, suffix string) *types.NotificationConfigurationFilter {
		return &types.NotificationConfigurationFilter{Key: &types.S3KeyFilter{FilterRules: []types.FilterRule{
			{Name: types.FilterRuleNamePrefix, Value: aws.String(prefix)}, {Name: types.FilterRuleNameSuffix, Value: aws.String(suffix)}}}}
	}
	put := func(nc *types.NotificationConfiguration) error {
		_, err := c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String("nbk"), NotificationConfiguration: nc})
		return err
	}
	require.NoError(t, put(&types.NotificationConfiguration{
		TopicConfigurations: []types.TopicConfiguration{{Id: aws.String("images"), TopicArn: aws.String(topicARN),
			Events: []types.Event{"s3:ObjectCreated:*"}, Filter: filter("images/", ".jpg")}},
		QueueConfigurations: []types.QueueConfiguration{{QueueArn: aws.String(queueARN), Events: []types.Event{"s3:ObjectRemoved:Delete"}}},
	}))
	got, err = c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String("nbk")})
	require.NoError(t, err)
	require.Len(t, got.TopicConfigurations, 1)
	tc := got.TopicConfigurations[0]
	assert.Equal(t, "images", aws.ToString(tc.Id))
	assert.Equal(t, topicARN, aws.ToString(tc.TopicArn))
	assert.Equal(t, []types.Event{"s3:ObjectCreated:*"}, tc.Events)
	require.Len(t, tc.Filter.Key.FilterRules, 2)
	assert.Equal(t, "images/", aws.ToString(tc.Filter.Key.FilterRules[0].Value))
	require.Len(t, got.QueueConfigurations, 1)
	assert.NotEmpty(t, aws.ToString(got.QueueConfigurations[0].Id), "S3 gives an ID")

	for name, tc := range map[string]struct {
		nc   *types.NotificationConfiguration
		want string
	}{
		"unknown event": {&types.NotificationConfiguration{TopicConfigurations: []types.TopicConfiguration{
			{TopicArn: aws.String(topicARN), Events: []types.Event{"s3:ObjectCreated:Nope"}}}}, "not supported"},
		"overlap": {&types.NotificationConfiguration{TopicConfigurations: []types.TopicConfiguration{
			{TopicArn: aws.String(topicARN), Events: []types.Event{"s3:ObjectCreated:*"}, Filter: filter("a/", "")},
			{TopicArn: aws.String(topicARN), Events: []types.Event{"s3:ObjectCreated:Put"}, Filter: filter("a/b", "")}}}, "Configurations overlap"},
		"unknown destination": {&types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
			{QueueArn: aws.String("arn:aws:sqs:us-east-1:1:nowhere"), Events: []types.Event{"s3:ObjectCreated:*"}}}}, "Unable to validate the following destination configurations"},
	} {
		err := put(tc.nc)
		require.Error(t, err, name)
		code, msg := notifyAPIError(t, err)
		assert.Equal(t, "InvalidArgument", code, name)
		assert.Contains(t, msg, tc.want, name)
	}
	// Disjoint filters for the same event are fine.
	require.NoError(t, put(&types.NotificationConfiguration{TopicConfigurations: []types.TopicConfiguration{
		{TopicArn: aws.String(topicARN), Events: []types.Event{"s3:ObjectCreated:*"}, Filter: filter("a/", "")},
		{TopicArn: aws.String(topicARN), Events: []types.Event{"s3:ObjectCreated:Put"}, Filter: filter("b/", "")}}}))
	// An empty configuration turns notifications off.
	require.NoError(t, put(&types.NotificationConfiguration{}))
	got, err = c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String("nbk")})
	require.NoError(t, err)
	assert.Empty(t, got.TopicConfigurations)
}

func TestNotificationWebhookAndFilters(t *testing.T) {
	wh := newWebhook(t)
	f := newEngineFixture(t, "", engine.Options{NotificationTargets: map[string]engine.NotificationTarget{topicARN: wh.target(t)}})
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("wbk")})
	require.NoError(t, err)
	_, err = c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String("wbk"),
		NotificationConfiguration: &types.NotificationConfiguration{TopicConfigurations: []types.TopicConfiguration{
			{Id: aws.String("created"), TopicArn: aws.String(topicARN), Events: []types.Event{"s3:ObjectCreated:*"},
				Filter: &types.NotificationConfigurationFilter{Key: &types.S3KeyFilter{FilterRules: []types.FilterRule{
					{Name: types.FilterRuleNamePrefix, Value: aws.String("in/")}, {Name: types.FilterRuleNameSuffix, Value: aws.String(".txt")}}}}},
			{Id: aws.String("removed"), TopicArn: aws.String(topicARN), Events: []types.Event{"s3:ObjectRemoved:*"}},
		}}})
	require.NoError(t, err)
	for _, k := range []string{"out/a.txt", "in/a.bin", "in/hello world.txt"} {
		_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("wbk"), Key: aws.String(k), Body: strings.NewReader("hello")})
		require.NoError(t, err)
	}
	_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("wbk"), Key: aws.String("in/copy.txt"), CopySource: aws.String("wbk/out/a.txt")})
	require.NoError(t, err)
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("wbk"), Key: aws.String("out/a.txt")})
	require.NoError(t, err)

	evs := wh.wait(t, 3)
	require.Len(t, evs, 3)
	e := evs[0]
	assert.Equal(t, "2.1", e.EventVersion)
	assert.Equal(t, "aws:s3", e.EventSource)
	assert.Equal(t, "us-east-1", e.AWSRegion)
	assert.Equal(t, "ObjectCreated:Put", e.EventName)
	assert.Equal(t, "created", e.S3.ConfigurationID)
	assert.Equal(t, "1.0", e.S3.SchemaVersion)
	assert.Equal(t, "wbk", e.S3.Bucket.Name)
	assert.Equal(t, "arn:aws:s3:::wbk", e.S3.Bucket.ARN)
	assert.Equal(t, "in%2Fhello+world.txt", e.S3.Object.Key, "form-encoded as AWS does")
	require.NotNil(t, e.S3.Object.Size)
	assert.EqualValues(t, 5, *e.S3.Object.Size)
	assert.Equal(t, "5d41402abc4b2a76b9719d911017c592", e.S3.Object.ETag)
	assert.NotEmpty(t, e.ResponseElements.RequestID)
	assert.Equal(t, "127.0.0.1", e.RequestParameters.SourceIPAddress)
	assert.NotEmpty(t, e.UserIdentity.PrincipalID)
	_, err = time.Parse("2006-01-02T15:04:05.000Z", e.EventTime)
	assert.NoError(t, err)
	assert.Equal(t, "ObjectCreated:Copy", evs[1].EventName)
	assert.Equal(t, "ObjectRemoved:Delete", evs[2].EventName)
	assert.Equal(t, "removed", evs[2].S3.ConfigurationID)
	assert.Nil(t, evs[2].S3.Object.Size)
	assert.Less(t, evs[0].S3.Object.Sequencer, evs[1].S3.Object.Sequencer)
	// Acknowledged deliveries leave the queue.
	require.Eventually(t, func() bool { n, _ := f.eng.PendingNotifications(); return n == 0 }, 5*time.Second, 10*time.Millisecond)
}

// TestNotificationSubscriberOrder: a Go subscriber sees every event of a
// key in order, with increasing sequencers.
func TestNotificationSubscriberOrder(t *testing.T) {
	f := newEngineFixture(t, "", engine.Options{})
	var mu sync.Mutex
	var got []engine.Event
	cancel := f.eng.Subscribe("obk", func(ev engine.Event) { mu.Lock(); got = append(got, ev); mu.Unlock() })
	defer cancel()
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("obk")})
	require.NoError(t, err)
	var want []string
	for i := range 20 {
		if i%5 == 3 {
			_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("obk"), Key: aws.String("k")})
			want = append(want, "ObjectRemoved:Delete")
		} else {
			_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("obk"), Key: aws.String("k"), Body: strings.NewReader("x")})
			want = append(want, "ObjectCreated:Put")
		}
		require.NoError(t, err)
	}
	_, err = c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String("obk"), Key: aws.String("k"),
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("a"), Value: aws.String("b")}}}})
	require.NoError(t, err)
	want = append(want, "ObjectTagging:Put")
	_, err = c.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String("obk"), Key: aws.String("k"), ACL: types.ObjectCannedACLPublicRead})
	require.NoError(t, err)
	want = append(want, "ObjectAcl:Put")
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("obk"), Key: aws.String("k")})
	require.NoError(t, err)
	part, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("obk"), Key: aws.String("k"), UploadId: up.UploadId,
		PartNumber: aws.Int32(1), Body: strings.NewReader("part")})
	require.NoError(t, err)
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("obk"), Key: aws.String("k"), UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.ETag}}}})
	require.NoError(t, err)
	want = append(want, "ObjectCreated:CompleteMultipartUpload")
	_, err = c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("obk"), Delete: &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String("k")}}}})
	require.NoError(t, err)
	want = append(want, "ObjectRemoved:Delete")
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, got, len(want))
	last := ""
	for i, ev := range got {
		assert.Equal(t, want[i], ev.EventName, i)
		assert.Equal(t, "", ev.S3.ConfigurationID)
		// Tagging and ACL events carry no sequencer, as at S3.
		if strings.HasPrefix(ev.EventName, "ObjectTagging:") || strings.HasPrefix(ev.EventName, "ObjectAcl:") {
			assert.Empty(t, ev.S3.Object.Sequencer, i)
			continue
		}
		assert.Less(t, last, ev.S3.Object.Sequencer, i)
		last = ev.S3.Object.Sequencer
	}
}

// TestNotificationRestart: an event whose target is down stays queued
// across a restart and is delivered once the target answers.
func TestNotificationRestart(t *testing.T) {
	dir := t.TempDir()
	wh := newWebhook(t)
	wh.status = http.StatusServiceUnavailable
	targets := map[string]engine.NotificationTarget{topicARN: wh.target(t)}
	eo := engine.Options{NotificationTargets: targets, NotificationRetry: 10 * time.Millisecond, NotificationMaxRetry: 50 * time.Millisecond}
	eng, err := engine.Open(dir, &eo)
	require.NoError(t, err)
	srv := httptest.NewServer(httpapi.New(eng, httpapi.WithCredentials(testCreds)))
	f := &fixture{t: t, clock: &testClock{}, eng: eng, srv: srv}
	c := f.client()
	ctx := context.Background()
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("rbk")})
	require.NoError(t, err)
	_, err = c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String("rbk"),
		NotificationConfiguration: &types.NotificationConfiguration{TopicConfigurations: []types.TopicConfiguration{
			{Id: aws.String("all"), TopicArn: aws.String(topicARN), Events: []types.Event{"s3:ObjectCreated:*"}}}}})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("rbk"), Key: aws.String("kept"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	time.Sleep(100 * time.Millisecond) // a few failed attempts
	n, err := eng.PendingNotifications()
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	srv.Close()
	require.NoError(t, eng.Close())

	wh.mu.Lock()
	wh.status = 0
	wh.mu.Unlock()
	eng, err = engine.Open(dir, &eo)
	require.NoError(t, err)
	defer eng.Close()
	evs := wh.wait(t, 1)
	assert.Equal(t, "kept", evs[0].ObjectKey())
	assert.Equal(t, "all", evs[0].S3.ConfigurationID)
	require.Eventually(t, func() bool { n, _ := eng.PendingNotifications(); return n == 0 }, 5*time.Second, 10*time.Millisecond)
}

func TestWebhookLoopbackOnly(t *testing.T) {
	_, err := httpapi.NewWebhookTarget("http://192.0.2.1/x", httpapi.WebhookOptions{})
	require.ErrorIs(t, err, httpapi.ErrWebhookNotLoopback)
	_, err = httpapi.NewWebhookTarget("http://192.0.2.1/x", httpapi.WebhookOptions{AllowRemote: true})
	require.NoError(t, err)
	_, err = httpapi.NewWebhookTarget("ftp://127.0.0.1/x", httpapi.WebhookOptions{})
	require.Error(t, err)
}

// logFields splits an S3 access log line into its fields ([time] and
// "quoted" fields are one each).
func logFields(line string) []string {
	var out []string
	for len(line) > 0 {
		var end int
		switch line[0] {
		case '[':
			end = strings.IndexByte(line, ']') + 1
		case '"':
			end = strings.IndexByte(line[1:], '"') + 2
		default:
			end = strings.IndexByte(line, ' ')
			if end < 0 {
				end = len(line)
			}
		}
		out = append(out, line[:end])
		line = strings.TrimPrefix(line[end:], " ")
	}
	return out
}

func TestAccessLogS3(t *testing.T) {
	f := newEngineFixture(t, "", engine.Options{AccessLogInterval: time.Minute})
	c := f.client()
	ctx := context.Background()
	for _, b := range []string{"src", "logs"} {
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)})
		require.NoError(t, err)
	}
	_, err := c.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: aws.String("src"), BucketLoggingStatus: &types.BucketLoggingStatus{
		LoggingEnabled: &types.LoggingEnabled{TargetBucket: aws.String("nope"), TargetPrefix: aws.String("x/")}}})
	code, _ := notifyAPIError(t, err)
	assert.Equal(t, "InvalidTargetBucketForLogging", code)
	_, err = c.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: aws.String("src"), BucketLoggingStatus: &types.BucketLoggingStatus{
		LoggingEnabled: &types.LoggingEnabled{TargetBucket: aws.String("logs"), TargetPrefix: aws.String("access/")}}})
	require.NoError(t, err)
	gl, err := c.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: aws.String("src")})
	require.NoError(t, err)
	require.NotNil(t, gl.LoggingEnabled)
	assert.Equal(t, "logs", aws.ToString(gl.LoggingEnabled.TargetBucket))
	assert.Equal(t, "access/", aws.ToString(gl.LoggingEnabled.TargetPrefix))

	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("src"), Key: aws.String("dir/a b.txt"), Body: strings.NewReader("hello")})
	require.NoError(t, err)
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("src"), Key: aws.String("missing")})
	require.Error(t, err)

	// Nothing is written before the interval passes on the clock.
	_, err = f.eng.RunPending(ctx)
	require.NoError(t, err)
	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("logs")})
	require.NoError(t, err)
	assert.Empty(t, list.Contents)
	f.clock.Advance(2 * time.Minute)
	_, err = f.eng.RunPending(ctx)
	require.NoError(t, err)
	list, err = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("logs")})
	require.NoError(t, err)
	require.Len(t, list.Contents, 1, "listing the target bucket is not logged into it")
	name := aws.ToString(list.Contents[0].Key)
	assert.Regexp(t, `^access/\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d-[0-9A-F]{16}$`, name)
	obj, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("logs"), Key: aws.String(name)})
	require.NoError(t, err)
	data, err := io.ReadAll(obj.Body)
	require.NoError(t, err)
	var lines [][]string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		lines = append(lines, logFields(sc.Text()))
	}
	require.Len(t, lines, 4, "%s", data) // PutBucketLogging, GetBucketLogging, PutObject, GetObject
	put := lines[2]
	require.Len(t, put, 26, "%q", put)
	assert.Equal(t, "src", put[1])
	assert.Regexp(t, `^\[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000\]$`, put[2])
	assert.Equal(t, "127.0.0.1", put[3])
	assert.NotEqual(t, "-", put[4])
	assert.Equal(t, "REST.PUT.OBJECT", put[6])
	assert.Equal(t, "dir/a%20b.txt", put[7])
	assert.True(t, strings.HasPrefix(put[8], `"PUT /src/dir/a%20b.txt`), put[8])
	assert.Equal(t, "200", put[9])
	assert.Equal(t, "5", put[12])
	assert.Equal(t, "SigV4", put[19])
	assert.Equal(t, "AuthHeader", put[21])
	get := lines[3]
	assert.Equal(t, "REST.GET.OBJECT", get[6])
	assert.Equal(t, "404", get[9])
	assert.Equal(t, "NoSuchKey", get[10])
	assert.Equal(t, "REST.PUT.LOGGING_STATUS", lines[0][6])

	// An empty BucketLoggingStatus turns logging off.
	_, err = c.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: aws.String("src"), BucketLoggingStatus: &types.BucketLoggingStatus{}})
	require.NoError(t, err)
	gl, err = c.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: aws.String("src")})
	require.NoError(t, err)
	assert.Nil(t, gl.LoggingEnabled)
}

// TestAccessLogPartitioned: S3's TargetObjectKeyFormat is stored, read
// back and applied: PartitionedPrefix puts log objects under
// <prefix><account>/<region>/<bucket>/YYYY/MM/DD/; no grants read back
// as no TargetGrants element.
func TestAccessLogPartitioned(t *testing.T) {
	f := newEngineFixture(t, "", engine.Options{AccessLogInterval: time.Minute})
	c := f.client()
	ctx := context.Background()
	for _, b := range []string{"psrc", "plogs"} {
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)})
		require.NoError(t, err)
	}
	// The events' day names the partition. The fixture's clock runs with
	// the real time, so the logged requests fall on firstDay or, when
	// midnight UTC comes while they are made, on lastDay.
	firstDay := f.clock.Now().UTC().Format("2006/01/02")
	_, err := c.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: aws.String("psrc"), BucketLoggingStatus: &types.BucketLoggingStatus{
		LoggingEnabled: &types.LoggingEnabled{TargetBucket: aws.String("plogs"), TargetPrefix: aws.String("p/"),
			TargetObjectKeyFormat: &types.TargetObjectKeyFormat{PartitionedPrefix: &types.PartitionedPrefix{PartitionDateSource: types.PartitionDateSourceEventTime}}}}})
	require.NoError(t, err)
	gl, err := c.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: aws.String("psrc")})
	require.NoError(t, err)
	require.NotNil(t, gl.LoggingEnabled.TargetObjectKeyFormat)
	require.NotNil(t, gl.LoggingEnabled.TargetObjectKeyFormat.PartitionedPrefix)
	assert.Equal(t, types.PartitionDateSourceEventTime, gl.LoggingEnabled.TargetObjectKeyFormat.PartitionedPrefix.PartitionDateSource)
	assert.Nil(t, gl.LoggingEnabled.TargetGrants, "no grants, no TargetGrants element")
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("psrc"), Key: aws.String("k"), Body: strings.NewReader("v")})
	require.NoError(t, err)
	lastDay := f.clock.Now().UTC().Format("2006/01/02")
	f.clock.Advance(2 * time.Minute)
	_, err = f.eng.RunPending(ctx)
	require.NoError(t, err)
	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("plogs")})
	require.NoError(t, err)
	require.NotEmpty(t, list.Contents)
	for _, o := range list.Contents {
		assert.Regexp(t, `^p/\d{12}/us-east-1/psrc/(`+firstDay+`|`+lastDay+`)/\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d-[0-9A-F]{16}$`, aws.ToString(o.Key))
	}

	// SimplePrefix reads back; both formats at once are MalformedXML.
	_, err = c.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: aws.String("psrc"), BucketLoggingStatus: &types.BucketLoggingStatus{
		LoggingEnabled: &types.LoggingEnabled{TargetBucket: aws.String("plogs"), TargetPrefix: aws.String("s/"),
			TargetObjectKeyFormat: &types.TargetObjectKeyFormat{SimplePrefix: &types.SimplePrefix{}}}}})
	require.NoError(t, err)
	gl, err = c.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: aws.String("psrc")})
	require.NoError(t, err)
	require.NotNil(t, gl.LoggingEnabled.TargetObjectKeyFormat)
	assert.NotNil(t, gl.LoggingEnabled.TargetObjectKeyFormat.SimplePrefix)
	_, err = c.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: aws.String("psrc"), BucketLoggingStatus: &types.BucketLoggingStatus{
		LoggingEnabled: &types.LoggingEnabled{TargetBucket: aws.String("plogs"), TargetPrefix: aws.String("s/"),
			TargetObjectKeyFormat: &types.TargetObjectKeyFormat{SimplePrefix: &types.SimplePrefix{}, PartitionedPrefix: &types.PartitionedPrefix{}}}}})
	requireCode(t, err, "MalformedXML")
}

func TestAccessLogOSS(t *testing.T) {
	f := newEngineFixture(t, "", engine.Options{})
	c := f.ossV2(testAK, testSK)
	ctx := context.Background()
	for _, b := range []string{"osrc", "ologs"} {
		_, err := c.PutBucket(ctx, &oss2.PutBucketRequest{Bucket: oss2.Ptr(b)})
		require.NoError(t, err)
	}
	g, err := c.GetBucketLogging(ctx, &oss2.GetBucketLoggingRequest{Bucket: oss2.Ptr("osrc")})
	require.NoError(t, err)
	assert.True(t, g.BucketLoggingStatus == nil || g.BucketLoggingStatus.LoggingEnabled == nil)
	_, err = c.PutBucketLogging(ctx, &oss2.PutBucketLoggingRequest{Bucket: oss2.Ptr("osrc"), BucketLoggingStatus: &oss2.BucketLoggingStatus{
		LoggingEnabled: &oss2.LoggingEnabled{TargetBucket: oss2.Ptr("ologs"), TargetPrefix: oss2.Ptr("log-"), LoggingRole: oss2.Ptr("AliyunOSSLoggingDefaultRole")}}})
	require.NoError(t, err)
	g, err = c.GetBucketLogging(ctx, &oss2.GetBucketLoggingRequest{Bucket: oss2.Ptr("osrc")})
	require.NoError(t, err)
	require.NotNil(t, g.BucketLoggingStatus.LoggingEnabled)
	assert.Equal(t, "ologs", oss2.ToString(g.BucketLoggingStatus.LoggingEnabled.TargetBucket))
	assert.Equal(t, "log-", oss2.ToString(g.BucketLoggingStatus.LoggingEnabled.TargetPrefix))
	assert.Equal(t, "AliyunOSSLoggingDefaultRole", oss2.ToString(g.BucketLoggingStatus.LoggingEnabled.LoggingRole), "the role is kept and echoed")
	_, err = c.PutObject(ctx, &oss2.PutObjectRequest{Bucket: oss2.Ptr("osrc"), Key: oss2.Ptr("k"), Body: strings.NewReader("abc")})
	require.NoError(t, err)
	require.NoError(t, f.eng.FlushAccessLogs(ctx))
	lr, err := c.ListObjectsV2(ctx, &oss2.ListObjectsV2Request{Bucket: oss2.Ptr("ologs")})
	require.NoError(t, err)
	require.Len(t, lr.Contents, 1)
	name := oss2.ToString(lr.Contents[0].Key)
	assert.Regexp(t, `^log-osrc-\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d-[0-9A-F]{16}$`, name)
	obj, err := c.GetObject(ctx, &oss2.GetObjectRequest{Bucket: oss2.Ptr("ologs"), Key: oss2.Ptr(name)})
	require.NoError(t, err)
	data, err := io.ReadAll(obj.Body)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	require.Len(t, lines, 3, "%s", data) // PutBucketLogging, GetBucketLogging, PutObject
	fields := logFields(lines[2])
	require.Len(t, fields, 25, "%q", fields)
	assert.Equal(t, "127.0.0.1", fields[0])
	assert.Equal(t, `"PUT /osrc/k HTTP/1.1"`, fields[4])
	assert.Equal(t, "200", fields[5])
	assert.Equal(t, `"PutObject"`, fields[14])
	assert.Equal(t, `"osrc"`, fields[15])
	assert.Equal(t, `"k"`, fields[16])
	assert.Equal(t, "3", fields[17])

	_, err = c.DeleteBucketLogging(ctx, &oss2.DeleteBucketLoggingRequest{Bucket: oss2.Ptr("osrc")})
	require.NoError(t, err)
	g, err = c.GetBucketLogging(ctx, &oss2.GetBucketLoggingRequest{Bucket: oss2.Ptr("osrc")})
	require.NoError(t, err)
	assert.True(t, g.BucketLoggingStatus == nil || g.BucketLoggingStatus.LoggingEnabled == nil)
	_, err = c.PutBucketLogging(ctx, &oss2.PutBucketLoggingRequest{Bucket: oss2.Ptr("osrc"), BucketLoggingStatus: &oss2.BucketLoggingStatus{
		LoggingEnabled: &oss2.LoggingEnabled{TargetBucket: oss2.Ptr("absent")}}})
	wantOSS(t, err, 400, "InvalidTargetBucketForLogging", "")
}

// TestAccessLogFlushedAtClose: pending lines are written at a clean Close.
func TestAccessLogFlushedAtClose(t *testing.T) {
	dir := t.TempDir()
	eng, err := engine.Open(dir, nil)
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, eng.CreateBucket(ctx, "tgt", engine.BucketOptions{}))
	require.NoError(t, eng.AppendAccessLog(ctx, "tgt", "p/", []byte("line one")))
	require.NoError(t, eng.Close())
	eng, err = engine.Open(dir, nil)
	require.NoError(t, err)
	defer eng.Close()
	var keys []string
	for o, err := range eng.Objects(ctx, "tgt", engine.ListOptions{}) {
		require.NoError(t, err)
		keys = append(keys, o.Key)
	}
	require.Len(t, keys, 1)
	assert.True(t, strings.HasPrefix(keys[0], "p/"))
}

// TestNotificationVersions: in a versioned bucket events carry the
// version: a Put's new version, a delete marker's (DeleteMarkerCreated),
// a removed version's.
func TestNotificationVersions(t *testing.T) {
	f := newEngineFixture(t, "", engine.Options{})
	var mu sync.Mutex
	var got []engine.Event
	cancel := f.eng.Subscribe("vbk", func(ev engine.Event) { mu.Lock(); got = append(got, ev); mu.Unlock() })
	defer cancel()
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("vbk")})
	require.NoError(t, err)
	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("vbk"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vbk"), Key: aws.String("k"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	del, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("vbk"), Key: aws.String("k")})
	require.NoError(t, err)
	_, err = c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("vbk"), Key: aws.String("k"), VersionId: put.VersionId})
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, got, 3)
	assert.Equal(t, "ObjectCreated:Put", got[0].EventName)
	assert.Equal(t, aws.ToString(put.VersionId), got[0].S3.Object.VersionID)
	assert.Equal(t, "ObjectRemoved:DeleteMarkerCreated", got[1].EventName)
	assert.Equal(t, aws.ToString(del.VersionId), got[1].S3.Object.VersionID)
	assert.Equal(t, "ObjectRemoved:Delete", got[2].EventName)
	assert.Equal(t, aws.ToString(put.VersionId), got[2].S3.Object.VersionID)
}

// TestNotificationTargetOwners: a target the server keeps for some
// owners (engine.Options.NotificationTargetOwners) is as unknown to other
// owners' buckets: their configurations naming it are refused, and an
// event of a bucket that named it anyway (skipping validation) is not
// delivered to it.
func TestNotificationTargetOwners(t *testing.T) {
	wh := newWebhook(t)
	f := newEngineFixture(t, "", engine.Options{
		NotificationTargets:      map[string]engine.NotificationTarget{topicARN: wh.target(t)},
		NotificationTargetOwners: map[string][]string{topicARN: {canonicalID(testAK)}},
	})
	ctx := context.Background()
	conf := &types.NotificationConfiguration{TopicConfigurations: []types.TopicConfiguration{
		{TopicArn: aws.String(topicARN), Events: []types.Event{"s3:ObjectCreated:*"}}}}
	other := f.s3Client(true, otherAK, otherSK)
	_, err := other.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("theirs")})
	require.NoError(t, err)
	_, err = other.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String("theirs"), NotificationConfiguration: conf})
	require.Equal(t, "InvalidArgument", apiCode(err))
	_, err = other.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String("theirs"), NotificationConfiguration: conf,
		SkipDestinationValidation: aws.Bool(true)})
	require.NoError(t, err)
	_, err = other.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("theirs"), Key: aws.String("injected"), Body: strings.NewReader("x")})
	require.NoError(t, err)

	c := f.client()
	_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("mine")})
	require.NoError(t, err)
	_, err = c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String("mine"), NotificationConfiguration: conf})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("mine"), Key: aws.String("k"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	evs := wh.wait(t, 1)
	assert.Equal(t, "mine", evs[0].S3.Bucket.Name, "only the owner's bucket reaches the target")
	// Once the queue is empty, every event queued was delivered: one.
	require.Eventually(t, func() bool { n, _ := f.eng.PendingNotifications(); return n == 0 }, 5*time.Second, 10*time.Millisecond)
	wh.mu.Lock()
	defer wh.mu.Unlock()
	require.Len(t, wh.events, 1, "nothing was queued for the other owner's bucket")
}

// TestNotificationObjectRetentionPut: S3's s3:ObjectRetention:Put event
// (in aws-sdk-go-v2's Event values) may be configured (it was refused as
// an unknown event) and is published by PutObjectRetention, with the
// version's ID.
func TestNotificationObjectRetentionPut(t *testing.T) {
	f := newEngineFixture(t, "", engine.Options{})
	var mu sync.Mutex
	var got []engine.Event
	cancel := f.eng.Subscribe("rbk", func(ev engine.Event) { mu.Lock(); got = append(got, ev); mu.Unlock() })
	defer cancel()
	c := f.client()
	ctx := context.Background()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("rbk"), ObjectLockEnabledForBucket: aws.Bool(true)})
	require.NoError(t, err)
	_, err = c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String("rbk"),
		SkipDestinationValidation: aws.Bool(true), NotificationConfiguration: &types.NotificationConfiguration{
			QueueConfigurations: []types.QueueConfiguration{{Id: aws.String("ret"), QueueArn: aws.String("arn:aws:sqs:us-east-1:123456789012:q"),
				Events: []types.Event{types.EventS3ObjectRetentionPut}}}}})
	require.NoError(t, err)
	put, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("rbk"), Key: aws.String("k"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	_, err = c.PutObjectRetention(ctx, &s3.PutObjectRetentionInput{Bucket: aws.String("rbk"), Key: aws.String("k"),
		Retention: &types.ObjectLockRetention{Mode: types.ObjectLockRetentionModeGovernance, RetainUntilDate: aws.Time(time.Now().Add(time.Hour))}})
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	require.NotEmpty(t, got)
	ev := got[len(got)-1]
	assert.Equal(t, "ObjectRetention:Put", ev.EventName)
	assert.Equal(t, "k", ev.S3.Object.Key)
	assert.Equal(t, aws.ToString(put.VersionId), ev.S3.Object.VersionID)
}
