package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/fake"
)

// The tests in this file hold osslite to the answers LocalStack's
// tests/aws/services/s3/test_s3_notifications_{sqs,sns,lambda,eventbridge}.py
// recorded from AWS in their .snapshot.json files (docs/sdk-suites.md,
// "LocalStack's AWS snapshots: S3 event notifications", thirty-first
// session). osslite has no SQS, SNS or Lambda: the ARNs the tests name are
// registered as notification targets and the records they receive are
// compared with the records AWS put inside the queue's, topic's or
// function's message.

const (
	lsnQueueARN  = "arn:aws:sqs:us-east-1:111111111111:lsn-queue"
	lsnTopicARN  = "arn:aws:sns:us-east-1:111111111111:lsn-topic"
	lsnLambdaARN = "arn:aws:lambda:us-east-1:111111111111:function:lsn-func"
)

// lsnTarget collects the events delivered to one destination.
type lsnTarget struct {
	mu     sync.Mutex
	events []engine.Event
}

func (q *lsnTarget) Deliver(_ context.Context, ev engine.Event) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.events = append(q.events, ev)
	return nil
}

// lsnServer is a fake whose queue, topic and function ARNs are
// registered destinations, with an SDK client.
type lsnServer struct {
	srv                  *fake.Server
	c                    *s3.Client
	queue, topic, lambda *lsnTarget
}

func newLsnServer(t *testing.T, opts ...fake.Option) *lsnServer {
	s := &lsnServer{queue: &lsnTarget{}, topic: &lsnTarget{}, lambda: &lsnTarget{}}
	opts = append(opts, fake.WithNotificationTarget(lsnQueueARN, s.queue),
		fake.WithNotificationTarget(lsnTopicARN, s.topic), fake.WithNotificationTarget(lsnLambdaARN, s.lambda))
	s.srv = fake.New(t, opts...)
	s.c = replicationClient(s.srv)
	return s
}

// drain waits until every queued delivery is acknowledged and returns
// (and forgets) what q received.
func (s *lsnServer) drain(t *testing.T, q *lsnTarget) []engine.Event {
	t.Helper()
	require.Eventually(t, func() bool { n, err := s.srv.Engine().PendingNotifications(); return err == nil && n == 0 },
		5*time.Second, 5*time.Millisecond)
	q.mu.Lock()
	defer q.mu.Unlock()
	out := q.events
	q.events = nil
	return out
}

// bucket creates a bucket whose events of the given types go to the queue.
func (s *lsnServer) bucket(t *testing.T, name string, events ...types.Event) {
	t.Helper()
	ctx := context.Background()
	_, err := s.c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)})
	require.NoError(t, err)
	_, err = s.c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String(name),
		NotificationConfiguration: &types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
			{QueueArn: aws.String(lsnQueueARN), Events: events}}}})
	require.NoError(t, err)
}

func (s *lsnServer) put(t *testing.T, bucket, key, body string) *s3.PutObjectOutput {
	t.Helper()
	out, err := s.c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)})
	require.NoError(t, err)
	return out
}

var lsnHex = regexp.MustCompile(`^[0-9A-F]+$`)

// lsnShape is ev as JSON with the values LocalStack's snapshot
// transformers replace (times, request IDs, addresses, sequencers,
// version and configuration IDs, the bucket and its owner) replaced by
// the same placeholders, so that a record reads as the snapshot does.
func lsnShape(t *testing.T, ev engine.Event, owner string) string {
	t.Helper()
	data, err := json.Marshal(ev)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	placeholder := func(obj map[string]any, field, with string, ok func(string) bool) {
		if v, isString := obj[field].(string); isString && v != "" && ok(v) {
			obj[field] = with
		}
	}
	always := func(string) bool { return true }
	isTime := func(v string) bool { _, err := time.Parse("2006-01-02T15:04:05.000Z", v); return err == nil }
	placeholder(m, "eventTime", "date", isTime)
	placeholder(m["requestParameters"].(map[string]any), "sourceIPAddress", "<ip-address>", always)
	re := m["responseElements"].(map[string]any)
	placeholder(re, "x-amz-request-id", "amz-request-id", always)
	placeholder(re, "x-amz-id-2", "amz-id", always)
	ui := m["userIdentity"].(map[string]any)
	placeholder(ui, "principalId", "AmazonCustomer:<owner>", func(v string) bool { return v == "AmazonCustomer:"+owner })
	placeholder(ui, "principalId", "<requester>", func(v string) bool { return v == owner })
	s3m := m["s3"].(map[string]any)
	placeholder(s3m, "configurationId", "<config-id>", always)
	b := s3m["bucket"].(map[string]any)
	placeholder(b, "arn", "arn:aws:s3:::<bucket>", func(v string) bool { return v == "arn:aws:s3:::"+ev.S3.Bucket.Name })
	placeholder(b, "name", "<bucket>", always)
	placeholder(b["ownerIdentity"].(map[string]any), "principalId", "<owner>", func(v string) bool { return v == owner })
	o := s3m["object"].(map[string]any)
	placeholder(o, "sequencer", "sequencer", lsnHex.MatchString)
	placeholder(o, "versionId", "version-id", always)
	if g, ok := m["glacierEventData"].(map[string]any); ok {
		placeholder(g["restoreEventData"].(map[string]any), "lifecycleRestorationExpiryTime", "date", isTime)
	}
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return string(out)
}

// lsnRecord is a record as the snapshots show it in us-east-1, with the
// given eventVersion, eventName and s3.object.
func lsnRecord(version, name, object string) string {
	return `{"awsRegion":"us-east-1","eventName":"` + name + `","eventSource":"aws:s3","eventTime":"date","eventVersion":"` + version + `",
		"requestParameters":{"sourceIPAddress":"<ip-address>"},"responseElements":{"x-amz-id-2":"amz-id","x-amz-request-id":"amz-request-id"},
		"s3":{"bucket":{"arn":"arn:aws:s3:::<bucket>","name":"<bucket>","ownerIdentity":{"principalId":"<owner>"}},
		"configurationId":"<config-id>","object":` + object + `,"s3SchemaVersion":"1.0"},"userIdentity":{"principalId":"<requester>"}}`
}

// TestLsnObjectCreatedRecords: test_object_created_put (versioned),
// test_object_created_copy, test_object_created_and_object_removed,
// test_delete_objects, test_object_created_complete_multipart_upload,
// test_key_encoding (SQS), test_object_created_put (SNS) and
// test_create_object_put_via_dynamodb (Lambda): the records match AWS's
// field for field; only AWS's IAM requester ID is osslite's canonical ID.
func TestLsnObjectCreatedRecords(t *testing.T) {
	s := newLsnServer(t)
	ctx := context.Background()
	owner := s.srv.Owner()
	match := func(t *testing.T, evs []engine.Event, want ...string) {
		t.Helper()
		require.Len(t, evs, len(want))
		for i, ev := range evs {
			assert.JSONEq(t, want[i], lsnShape(t, ev, owner), "record %d", i)
		}
	}

	t.Run("put versioned", func(t *testing.T) {
		s.bucket(t, "lsn-put", "s3:ObjectCreated:Put")
		_, err := s.c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("lsn-put"),
			VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
		require.NoError(t, err)
		v0 := s.put(t, "lsn-put", "my_key_0", "something")
		v1 := s.put(t, "lsn-put", "my_key_1", "something else")
		evs := s.drain(t, s.queue)
		match(t, evs,
			lsnRecord("2.1", "ObjectCreated:Put", `{"eTag":"437b930db84b8079c2dd804a71936b5f","key":"my_key_0","sequencer":"sequencer","size":9,"versionId":"version-id"}`),
			lsnRecord("2.1", "ObjectCreated:Put", `{"eTag":"6c7ba9c5a141421e1c03cb9807c97c74","key":"my_key_1","sequencer":"sequencer","size":14,"versionId":"version-id"}`))
		assert.Equal(t, aws.ToString(v0.VersionId), evs[0].S3.Object.VersionID)
		assert.Equal(t, aws.ToString(v1.VersionId), evs[1].S3.Object.VersionID)
	})

	t.Run("copy, put and delete", func(t *testing.T) {
		s.bucket(t, "lsn-copy", "s3:ObjectCreated:*", "s3:ObjectRemoved:*")
		s.put(t, "lsn-copy", "src-dest", "something")
		_, err := s.c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("lsn-copy"), Key: aws.String("key-dest"), CopySource: aws.String("lsn-copy/src-dest")})
		require.NoError(t, err)
		_, err = s.c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("lsn-copy"), Key: aws.String("src-dest")})
		require.NoError(t, err)
		match(t, s.drain(t, s.queue),
			lsnRecord("2.1", "ObjectCreated:Put", `{"eTag":"437b930db84b8079c2dd804a71936b5f","key":"src-dest","sequencer":"sequencer","size":9}`),
			lsnRecord("2.1", "ObjectCreated:Copy", `{"eTag":"437b930db84b8079c2dd804a71936b5f","key":"key-dest","sequencer":"sequencer","size":9}`),
			lsnRecord("2.1", "ObjectRemoved:Delete", `{"key":"src-dest","sequencer":"sequencer"}`))
	})

	t.Run("delete objects", func(t *testing.T) {
		// A quiet DeleteObjects sends an event for every key named, also
		// the keys that were not there.
		s.bucket(t, "lsn-dels", "s3:ObjectRemoved:*")
		s.put(t, "lsn-dels", "key-a", "something")
		_, err := s.c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("lsn-dels"), Delete: &types.Delete{Quiet: aws.Bool(true),
			Objects: []types.ObjectIdentifier{{Key: aws.String("key-a")}, {Key: aws.String("dummy1")}, {Key: aws.String("dummy2")}}}})
		require.NoError(t, err)
		match(t, s.drain(t, s.queue),
			lsnRecord("2.1", "ObjectRemoved:Delete", `{"key":"key-a","sequencer":"sequencer"}`),
			lsnRecord("2.1", "ObjectRemoved:Delete", `{"key":"dummy1","sequencer":"sequencer"}`),
			lsnRecord("2.1", "ObjectRemoved:Delete", `{"key":"dummy2","sequencer":"sequencer"}`))
	})

	t.Run("complete multipart upload", func(t *testing.T) {
		// boto3's upload_file of 6 KiB of "1" with a 5 KiB threshold: one
		// part (S3's 5 MiB minimum part size raises the chunk size).
		s.bucket(t, "lsn-mpu", "s3:ObjectCreated:*")
		up, err := s.c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("lsn-mpu"), Key: aws.String("test-key")})
		require.NoError(t, err)
		part, err := s.c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("lsn-mpu"), Key: aws.String("test-key"), UploadId: up.UploadId,
			PartNumber: aws.Int32(1), Body: strings.NewReader(strings.Repeat("1", 6*1024))})
		require.NoError(t, err)
		_, err = s.c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("lsn-mpu"), Key: aws.String("test-key"), UploadId: up.UploadId,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.ETag}}}})
		require.NoError(t, err)
		evs := s.drain(t, s.queue)
		match(t, evs, lsnRecord("2.1", "ObjectCreated:CompleteMultipartUpload",
			`{"eTag":"8eabe9d6b43316e840b079170916c079-1","key":"test-key","sequencer":"sequencer","size":6144}`))
	})

	t.Run("key encoding", func(t *testing.T) {
		s.bucket(t, "lsn-enc", "s3:ObjectCreated:*")
		s.put(t, "lsn-enc", "a@b", "something")
		match(t, s.drain(t, s.queue), lsnRecord("2.1", "ObjectCreated:Put",
			`{"eTag":"437b930db84b8079c2dd804a71936b5f","key":"a%40b","sequencer":"sequencer","size":9}`))
	})

	t.Run("topic and function", func(t *testing.T) {
		for _, b := range []struct {
			name string
			nc   *types.NotificationConfiguration
		}{
			{"lsn-sns", &types.NotificationConfiguration{TopicConfigurations: []types.TopicConfiguration{
				{TopicArn: aws.String(lsnTopicARN), Events: []types.Event{"s3:ObjectCreated:*"}}}}},
			{"lsn-lambda", &types.NotificationConfiguration{LambdaFunctionConfigurations: []types.LambdaFunctionConfiguration{
				{LambdaFunctionArn: aws.String(lsnLambdaARN), Events: []types.Event{"s3:ObjectCreated:*"}}}}},
		} {
			_, err := s.c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b.name)})
			require.NoError(t, err)
			_, err = s.c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String(b.name), NotificationConfiguration: b.nc})
			require.NoError(t, err)
		}
		s.put(t, "lsn-sns", "bucket-key", "first event")
		s.put(t, "lsn-sns", "bucket-key", "second event")
		s.put(t, "lsn-lambda", "table-1", "something..")
		match(t, s.drain(t, s.topic),
			lsnRecord("2.1", "ObjectCreated:Put", `{"eTag":"c8e3a3027a133355210f85cfbb1acc35","key":"bucket-key","sequencer":"sequencer","size":11}`),
			lsnRecord("2.1", "ObjectCreated:Put", `{"eTag":"05c7c1b96e20928f6e55a881b5ca1c45","key":"bucket-key","sequencer":"sequencer","size":12}`))
		match(t, s.drain(t, s.lambda), lsnRecord("2.1", "ObjectCreated:Put", `{"eTag":"e9fb1ed1d5eaa36781088aae37acffbd","key":"table-1","sequencer":"sequencer","size":11}`))
	})
}

// TestLsnPresignedAndPostRecords: test_object_created_put_with_presigned_url_upload
// (SQS) and test_create_object_by_presigned_request_via_dynamodb (Lambda):
// a presigned PUT is ObjectCreated:Put, a browser POST ObjectCreated:Post,
// and awsRegion is the bucket's region, not the signer's.
func TestLsnPresignedAndPostRecords(t *testing.T) {
	s := newLsnServer(t)
	ctx := context.Background()
	owner := s.srv.Owner()
	s.bucket(t, "lsn-presign", "s3:ObjectCreated:*")
	_, err := s.c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("lsn-region2"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest1}})
	require.NoError(t, err)
	_, err = s.c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String("lsn-region2"),
		NotificationConfiguration: &types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
			{QueueArn: aws.String(lsnQueueARN), Events: []types.Event{"s3:ObjectCreated:*"}}}}})
	require.NoError(t, err)

	presign := s3.NewPresignClient(s.c)
	for _, b := range []string{"lsn-presign", "lsn-region2"} {
		req, err := presign.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("key-by-hostname")})
		require.NoError(t, err)
		hr, err := http.NewRequest(http.MethodPut, req.URL, strings.NewReader("something"))
		require.NoError(t, err)
		resp, err := s.srv.HTTPClient().Do(hr)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, http.StatusOK, resp.StatusCode)
	}
	form, err := s.srv.PresignPost("lsn-presign", "table-x", fake.PostOptions{})
	require.NoError(t, err)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range form.Fields {
		require.NoError(t, mw.WriteField(k, v))
	}
	fw, err := mw.CreateFormFile("file", "f")
	require.NoError(t, err)
	_, err = fw.Write([]byte("by post method 1"))
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	resp, err := s.srv.HTTPClient().Post(form.URL, mw.FormDataContentType(), &body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Less(t, resp.StatusCode, 300)

	evs := s.drain(t, s.queue)
	require.Len(t, evs, 3)
	put := `{"eTag":"437b930db84b8079c2dd804a71936b5f","key":"key-by-hostname","sequencer":"sequencer","size":9}`
	assert.JSONEq(t, lsnRecord("2.1", "ObjectCreated:Put", put), lsnShape(t, evs[0], owner))
	assert.JSONEq(t, strings.Replace(lsnRecord("2.1", "ObjectCreated:Put", put), "us-east-1", "eu-west-1", 1), lsnShape(t, evs[1], owner))
	assert.JSONEq(t, lsnRecord("2.1", "ObjectCreated:Post", `{"eTag":"232d7472010db416df31c55fdc0490a5","key":"table-x","sequencer":"sequencer","size":16}`),
		lsnShape(t, evs[2], owner))
}

// TestLsnTaggingAndACLRecords: test_object_tagging_put_event,
// test_object_tagging_delete_event and test_object_put_acl (SQS; the
// EventBridge test_object_put_acl counts the same three ACL events).
// S3 sends these as eventVersion 2.3 with the object's ETag and neither
// size nor sequencer, and sends no ObjectAcl:Put for an ACL put that
// grants what the object already had (a canned private ACL on a private
// object).
func TestLsnTaggingAndACLRecords(t *testing.T) {
	s := newLsnServer(t)
	ctx := context.Background()
	owner := s.srv.Owner()
	s.bucket(t, "lsn-tags", "s3:ObjectTagging:*", "s3:ObjectAcl:Put")
	s.put(t, "lsn-tags", "key-dest", "FooBarBlitz")
	s.put(t, "lsn-tags", "my_key_acl", "something")
	require.Empty(t, s.drain(t, s.queue), "no event for PutObject")

	_, err := s.c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String("lsn-tags"), Key: aws.String("key-dest"),
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("swallow_type"), Value: aws.String("african")}}}})
	require.NoError(t, err)
	_, err = s.c.DeleteObjectTagging(ctx, &s3.DeleteObjectTaggingInput{Bucket: aws.String("lsn-tags"), Key: aws.String("key-dest")})
	require.NoError(t, err)
	tagged := `{"eTag":"f3e6da48d914f3f04f6bd9cb092c044d","key":"key-dest"}`
	evs := s.drain(t, s.queue)
	require.Len(t, evs, 2)
	assert.JSONEq(t, lsnRecord("2.3", "ObjectTagging:Put", tagged), lsnShape(t, evs[0], owner))
	assert.JSONEq(t, lsnRecord("2.3", "ObjectTagging:Delete", tagged), lsnShape(t, evs[1], owner))

	acl := func(in *s3.PutObjectAclInput) {
		t.Helper()
		in.Bucket, in.Key = aws.String("lsn-tags"), aws.String("my_key_acl")
		_, err := s.c.PutObjectAcl(ctx, in)
		require.NoError(t, err)
	}
	acl(&s3.PutObjectAclInput{ACL: types.ObjectCannedACLPrivate}) // what it had: no event
	acl(&s3.PutObjectAclInput{ACL: types.ObjectCannedACLPublicRead})
	acl(&s3.PutObjectAclInput{GrantRead: aws.String(`uri="http://acs.amazonaws.com/groups/s3/LogDelivery"`)})
	acl(&s3.PutObjectAclInput{AccessControlPolicy: &types.AccessControlPolicy{Owner: &types.Owner{ID: aws.String(owner)},
		Grants: []types.Grant{
			{Grantee: &types.Grantee{ID: aws.String(owner), Type: types.TypeCanonicalUser}, Permission: types.PermissionFullControl},
			{Grantee: &types.Grantee{URI: aws.String("http://acs.amazonaws.com/groups/s3/LogDelivery"), Type: types.TypeGroup}, Permission: types.PermissionWrite},
		}}})
	evs = s.drain(t, s.queue)
	require.Len(t, evs, 3)
	for i, ev := range evs {
		assert.JSONEq(t, lsnRecord("2.3", "ObjectAcl:Put", `{"eTag":"437b930db84b8079c2dd804a71936b5f","key":"my_key_acl"}`), lsnShape(t, ev, owner), "event %d", i)
	}
	// The same grants again, in another order: no change, no event.
	acl(&s3.PutObjectAclInput{AccessControlPolicy: &types.AccessControlPolicy{Owner: &types.Owner{ID: aws.String(owner)},
		Grants: []types.Grant{
			{Grantee: &types.Grantee{URI: aws.String("http://acs.amazonaws.com/groups/s3/LogDelivery"), Type: types.TypeGroup}, Permission: types.PermissionWrite},
			{Grantee: &types.Grantee{ID: aws.String(owner), Type: types.TypeCanonicalUser}, Permission: types.PermissionFullControl},
		}}})
	assert.Empty(t, s.drain(t, s.queue))
}

// TestLsnRestoreRecords: test_restore_object (SQS). ObjectRestore:Post
// names the object's size and ETag; ObjectRestore:Completed also does,
// names "AmazonCustomer:" and the bucket owner as the principal, and
// carries glacierEventData with the restored copy's expiry and class.
func TestLsnRestoreRecords(t *testing.T) {
	s := newLsnServer(t, fake.WithEngineOptions(engine.Options{RestoreDelay: time.Minute}))
	ctx := context.Background()
	owner := s.srv.Owner()
	s.bucket(t, "lsn-restore", "s3:ObjectRestore:*")
	_, err := s.c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("lsn-restore"), Key: aws.String("my_key_restore"),
		Body: strings.NewReader("something"), StorageClass: types.StorageClassGlacier})
	require.NoError(t, err)
	_, err = s.c.RestoreObject(ctx, &s3.RestoreObjectInput{Bucket: aws.String("lsn-restore"), Key: aws.String("my_key_restore"),
		RestoreRequest: &types.RestoreRequest{Days: aws.Int32(1), GlacierJobParameters: &types.GlacierJobParameters{Tier: types.TierExpedited}}})
	require.NoError(t, err)
	s.srv.Clock().Advance(2 * time.Minute)
	_, err = s.srv.Engine().RunPending(ctx)
	require.NoError(t, err)
	evs := s.drain(t, s.queue)
	require.Len(t, evs, 2)
	object := `{"eTag":"437b930db84b8079c2dd804a71936b5f","key":"my_key_restore","sequencer":"sequencer","size":9}`
	assert.JSONEq(t, lsnRecord("2.1", "ObjectRestore:Post", object), lsnShape(t, evs[0], owner))

	// The completion has no request: the snapshot's address and request
	// IDs are S3's own, which osslite leaves empty. The rest matches.
	var done map[string]any
	require.NoError(t, json.Unmarshal([]byte(lsnShape(t, evs[1], owner)), &done))
	var want map[string]any
	require.NoError(t, json.Unmarshal([]byte(lsnRecord("2.1", "ObjectRestore:Completed", object)), &want))
	want["userIdentity"] = map[string]any{"principalId": "AmazonCustomer:<owner>"}
	want["glacierEventData"] = map[string]any{"restoreEventData": map[string]any{"lifecycleRestorationExpiryTime": "date", "lifecycleRestoreStorageClass": "GLACIER"}}
	for _, k := range []string{"requestParameters", "responseElements"} {
		delete(want, k)
		delete(done, k)
	}
	assert.Equal(t, want, done)
}

// TestLsnFilteredConfiguration: test_notifications_with_filter (SQS) and
// test_bucket_notifications_with_filter (SNS): two configurations with
// one filter read back with S3's capitalized rule names and the Ids
// given; only a key both rules match sends an event, under the
// configuration's Id; an empty configuration reads back empty.
func TestLsnFilteredConfiguration(t *testing.T) {
	s := newLsnServer(t)
	ctx := context.Background()
	owner := s.srv.Owner()
	_, err := s.c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("lsn-filter")})
	require.NoError(t, err)
	rules := &types.NotificationConfigurationFilter{Key: &types.S3KeyFilter{FilterRules: []types.FilterRule{
		{Name: "Prefix", Value: aws.String("testupload/")}, {Name: "Suffix", Value: aws.String("testfile.txt")}}}}
	_, err = s.c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String("lsn-filter"),
		NotificationConfiguration: &types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
			{Id: aws.String("id0001"), QueueArn: aws.String(lsnQueueARN), Events: []types.Event{"s3:ObjectCreated:*", "s3:ObjectRemoved:Delete"}, Filter: rules},
			{Id: aws.String("id0002"), QueueArn: aws.String(lsnQueueARN), Events: []types.Event{"s3:ObjectTagging:*"}, Filter: rules},
		}}})
	require.NoError(t, err)
	got, err := s.c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String("lsn-filter")})
	require.NoError(t, err)
	require.Len(t, got.QueueConfigurations, 2)
	for i, id := range []string{"id0001", "id0002"} {
		qc := got.QueueConfigurations[i]
		assert.Equal(t, id, aws.ToString(qc.Id))
		assert.Equal(t, lsnQueueARN, aws.ToString(qc.QueueArn))
		assert.Equal(t, rules, qc.Filter)
	}
	assert.Equal(t, []types.Event{"s3:ObjectCreated:*", "s3:ObjectRemoved:Delete"}, got.QueueConfigurations[0].Events)

	s.put(t, "lsn-filter", "/testdata", `{"test": "bucket_notification1"}`)
	s.put(t, "lsn-filter", "testupload/dir1/testfile.txt", `{"test": "bucket_notification2"}`)
	evs := s.drain(t, s.queue)
	require.Len(t, evs, 1)
	assert.JSONEq(t, lsnRecord("2.1", "ObjectCreated:Put", `{"eTag":"f527a5c9f427867aeaf091c134949aa0","key":"testupload%2Fdir1%2Ftestfile.txt","sequencer":"sequencer","size":32}`),
		lsnShape(t, evs[0], owner))
	assert.Equal(t, "id0001", evs[0].S3.ConfigurationID)

	_, err = s.c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String("lsn-filter"),
		NotificationConfiguration: &types.NotificationConfiguration{}})
	require.NoError(t, err)
	got, err = s.c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String("lsn-filter")})
	require.NoError(t, err)
	assert.Empty(t, got.QueueConfigurations)
	assert.Empty(t, got.TopicConfigurations)

	prefix := &types.NotificationConfigurationFilter{Key: &types.S3KeyFilter{FilterRules: []types.FilterRule{{Name: "Prefix", Value: aws.String("testupload/")}}}}
	_, err = s.c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String("lsn-filter"),
		NotificationConfiguration: &types.NotificationConfiguration{QueueConfigurations: []types.QueueConfiguration{
			{Id: aws.String("id123456"), QueueArn: aws.String(lsnQueueARN), Events: []types.Event{"s3:ObjectCreated:*"}, Filter: prefix}}}})
	require.NoError(t, err)
	got, err = s.c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String("lsn-filter")})
	require.NoError(t, err)
	require.Len(t, got.QueueConfigurations, 1)
	assert.Equal(t, prefix, got.QueueConfigurations[0].Filter)
}

// lsnNotification is a NotificationConfiguration document.
func lsnNotification(configs ...string) []byte {
	return []byte("<NotificationConfiguration>" + strings.Join(configs, "") + "</NotificationConfiguration>")
}

// lsnConfig is one configuration element of type typ ("Queue", "Topic",
// "CloudFunction") naming arn for event, with extra elements.
func lsnConfig(typ, id, arn, event, extra string) string {
	return "<" + typ + "Configuration><Id>" + id + "</Id><" + typ + ">" + arn + "</" + typ + "><Event>" + event + "</Event>" + extra + "</" + typ + "Configuration>"
}

// TestLsnFilterRuleNames: test_filter_rules_case_insensitive and
// test_bucket_notification_with_invalid_filter_rules (SQS). Rule names
// are taken in any case and read back as Prefix and Suffix; another name
// is InvalidArgument naming FilterRule.Name.
func TestLsnFilterRuleNames(t *testing.T) {
	f := newEngineFixture(t, "", engine.Options{NotificationTargets: map[string]engine.NotificationTarget{lsnQueueARN: &lsnTarget{}}})
	seedBucket(t, f, "lsn-rules")
	rules := func(rs ...[2]string) string {
		out := "<Filter><S3Key>"
		for _, r := range rs {
			out += "<FilterRule><Name>" + r[0] + "</Name><Value>" + r[1] + "</Value></FilterRule>"
		}
		return out + "</S3Key></Filter>"
	}
	r := f.do(t, raw{method: "PUT", path: "/lsn-rules?notification", header: http.Header{"X-Amz-Skip-Destination-Validation": {"true"}},
		body: lsnNotification(lsnConfig("Queue", "cfg", lsnQueueARN, "s3:ObjectCreated:*", rules([2]string{"suffix", ".txt"}, [2]string{"PREFIX", "notif-"})))})
	must(t, r.errOrNil())
	got, err := f.client().GetBucketNotificationConfiguration(context.Background(), &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String("lsn-rules")})
	require.NoError(t, err)
	require.Len(t, got.QueueConfigurations, 1)
	assert.Equal(t, []types.FilterRule{{Name: "Prefix", Value: aws.String("notif-")}, {Name: "Suffix", Value: aws.String(".txt")}},
		got.QueueConfigurations[0].Filter.Key.FilterRules)

	r = f.do(t, raw{method: "PUT", path: "/lsn-rules?notification",
		body: lsnNotification(lsnConfig("Queue", "cfg", lsnQueueARN, "s3:ObjectCreated:*", rules([2]string{"INVALID", "does not matter"})))})
	require.Equal(t, http.StatusBadRequest, r.StatusCode)
	assert.Equal(t, map[string]string{"Code": "InvalidArgument", "Message": "filter rule name must be either prefix or suffix",
		"ArgumentName": "FilterRule.Name", "ArgumentValue": "INVALID"}, subset(errFields(t, r.body), "Code", "Message", "ArgumentName", "ArgumentValue"))
}

// TestLsnDestinationErrors: test_invalid_sqs_arn, test_multiple_invalid_sqs_arns
// (SQS), test_invalid_topic_arn, test_bucket_not_exist (SNS) and
// test_invalid_lambda_arn (Lambda). An ARN that does not parse is refused
// first, naming the configuration type, with or without
// x-amz-skip-destination-validation; destinations that parse but are not
// there are numbered (ArgumentName1, ArgumentValue1, ...), a queue as one
// that does not exist, a function as one S3 may not invoke; skipping the
// validation takes them.
func TestLsnDestinationErrors(t *testing.T) {
	f := newEngineFixture(t, "", engine.Options{NotificationTargets: map[string]engine.NotificationTarget{lsnQueueARN: &lsnTarget{}}})
	seedBucket(t, f, "lsn-dest")
	skip := http.Header{"X-Amz-Skip-Destination-Validation": {"true"}}
	put := func(h http.Header, configs ...string) map[string]string {
		t.Helper()
		r := f.do(t, raw{method: "PUT", path: "/lsn-dest?notification", header: h, body: lsnNotification(configs...)})
		require.Equal(t, http.StatusBadRequest, r.StatusCode, string(r.body))
		got := errFields(t, r.body)
		delete(got, "RequestId")
		delete(got, "HostId")
		return got
	}
	const myQueue = "arn:aws:sqs:us-east-1:111111111111:my-queue"
	const myQueue2 = "arn:aws:sqs:us-east-1:111111111111:my-queue-2"
	const myLambda = "arn:aws:lambda:us-east-1:111111111111:function:my-lambda"
	unparsed := func(typ, arn string) map[string]string {
		return map[string]string{"Code": "InvalidArgument", "Message": "The ARN could not be parsed", "ArgumentName": typ, "ArgumentValue": arn}
	}
	for _, typ := range []string{"Queue", "Topic", "CloudFunction"} {
		for _, h := range []http.Header{nil, skip} {
			assert.Equal(t, unparsed(typ, "invalid-queue"), put(h, lsnConfig(typ, "id123", "invalid-queue", "s3:ObjectCreated:*", "")), typ)
		}
	}
	unvalidated := map[string]string{"Code": "InvalidArgument", "Message": "Unable to validate the following destination configurations"}
	with := func(m map[string]string, kv ...string) map[string]string {
		out := map[string]string{}
		for k, v := range m {
			out[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}
	assert.Equal(t, with(unvalidated, "ArgumentName1", myQueue, "ArgumentValue1", "The destination queue does not exist"),
		put(nil, lsnConfig("Queue", "id123", myQueue, "s3:ObjectCreated:*", "")))
	assert.Equal(t, with(unvalidated, "ArgumentName1", myLambda+", null", "ArgumentValue1", "Not authorized to invoke function ["+myLambda+"]"),
		put(nil, lsnConfig("CloudFunction", "id123", myLambda, "s3:ObjectCreated:*", "")))

	// Two unparsable: the first is named. One missing, one unparsable:
	// the unparsable one. Two missing: both, numbered.
	assert.Equal(t, unparsed("Queue", "invalid_arn"), put(nil, lsnConfig("Queue", "id1", "invalid_arn", "s3:ObjectCreated:*", ""),
		lsnConfig("Queue", "id2", "invalid_arn_2", "s3:ObjectRemoved:*", "")))
	assert.Equal(t, unparsed("Queue", "invalid_arn_2"), put(nil, lsnConfig("Queue", "id1", myQueue, "s3:ObjectCreated:*", ""),
		lsnConfig("Queue", "id2", "invalid_arn_2", "s3:ObjectRemoved:*", "")))
	assert.Equal(t, with(unvalidated, "ArgumentName1", myQueue, "ArgumentValue1", "The destination queue does not exist",
		"ArgumentName2", myQueue2, "ArgumentValue2", "The destination queue does not exist"),
		put(nil, lsnConfig("Queue", "id1", myQueue, "s3:ObjectCreated:*", ""), lsnConfig("Queue", "id2", myQueue2, "s3:ObjectRemoved:*", "")))

	// Skipping the validation takes a destination that parses.
	c := f.client()
	for _, tc := range []struct{ typ, arn string }{{"Queue", myQueue}, {"Topic", "arn:aws:sns:us-east-1:111111111111:my-topic"}, {"CloudFunction", myLambda}} {
		r := f.do(t, raw{method: "PUT", path: "/lsn-dest?notification", header: skip, body: lsnNotification(lsnConfig(tc.typ, "id123", tc.arn, "s3:ObjectCreated:*", ""))})
		must(t, r.errOrNil())
		got, err := c.GetBucketNotificationConfiguration(context.Background(), &s3.GetBucketNotificationConfigurationInput{Bucket: aws.String("lsn-dest")})
		require.NoError(t, err)
		var id, arn string
		switch tc.typ {
		case "Queue":
			require.Len(t, got.QueueConfigurations, 1)
			id, arn = aws.ToString(got.QueueConfigurations[0].Id), aws.ToString(got.QueueConfigurations[0].QueueArn)
		case "Topic":
			require.Len(t, got.TopicConfigurations, 1)
			id, arn = aws.ToString(got.TopicConfigurations[0].Id), aws.ToString(got.TopicConfigurations[0].TopicArn)
		default:
			require.Len(t, got.LambdaFunctionConfigurations, 1)
			id, arn = aws.ToString(got.LambdaFunctionConfigurations[0].Id), aws.ToString(got.LambdaFunctionConfigurations[0].LambdaFunctionArn)
		}
		assert.Equal(t, "id123", id, tc.typ)
		assert.Equal(t, tc.arn, arn, tc.typ)
	}

	// A bucket that does not exist is NoSuchBucket, skipped validation or not.
	r := f.do(t, raw{method: "PUT", path: "/lsn-nobucket?notification", header: skip,
		body: lsnNotification(lsnConfig("Topic", "id123", "arn:aws:sns:us-east-1:111111111111:my-topic", "s3:ObjectCreated:*", ""))})
	require.Equal(t, http.StatusNotFound, r.StatusCode)
	assert.Equal(t, map[string]string{"Code": "NoSuchBucket", "Message": "The specified bucket does not exist", "BucketName": "lsn-nobucket"},
		subset(errFields(t, r.body), "Code", "Message", "BucketName"))
}

// TestLsnEventBridgeEvents: test_object_created_put and test_object_put_acl
// (EventBridge). The envelope (detail-type, detail) is EventBridge's and
// osslite does not make it: its EventBridge destination receives S3
// records. What S3 decides is which events go: a put and a delete give
// two, a put and four ACL puts of which the first changes nothing give
// four.
func TestLsnEventBridgeEvents(t *testing.T) {
	eb := &lsnTarget{}
	s := newLsnServer(t, fake.WithNotificationTarget("arn:aws:events:::event-bus/default", eb))
	ctx := context.Background()
	owner := s.srv.Owner()
	_, err := s.c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("lsn-eb")})
	require.NoError(t, err)
	_, err = s.c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: aws.String("lsn-eb"),
		NotificationConfiguration: &types.NotificationConfiguration{EventBridgeConfiguration: &types.EventBridgeConfiguration{}}})
	require.NoError(t, err)
	names := func(evs []engine.Event) []string {
		var out []string
		for _, ev := range evs {
			out = append(out, ev.EventName)
		}
		return out
	}
	s.put(t, "lsn-eb", "test-key", "data")
	_, err = s.c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("lsn-eb"), Key: aws.String("test-key")})
	require.NoError(t, err)
	assert.Equal(t, []string{"ObjectCreated:Put", "ObjectRemoved:Delete"}, names(s.drain(t, eb)))

	s.put(t, "lsn-eb", "my_key_acl", "something")
	for _, in := range []*s3.PutObjectAclInput{
		{ACL: types.ObjectCannedACLPrivate},
		{ACL: types.ObjectCannedACLPublicRead},
		{GrantRead: aws.String(`uri="http://acs.amazonaws.com/groups/s3/LogDelivery"`)},
		{AccessControlPolicy: &types.AccessControlPolicy{Owner: &types.Owner{ID: aws.String(owner)}, Grants: []types.Grant{
			{Grantee: &types.Grantee{ID: aws.String(owner), Type: types.TypeCanonicalUser}, Permission: types.PermissionFullControl},
			{Grantee: &types.Grantee{URI: aws.String("http://acs.amazonaws.com/groups/s3/LogDelivery"), Type: types.TypeGroup}, Permission: types.PermissionWrite},
		}}},
	} {
		in.Bucket, in.Key = aws.String("lsn-eb"), aws.String("my_key_acl")
		_, err := s.c.PutObjectAcl(ctx, in)
		require.NoError(t, err)
	}
	assert.Equal(t, []string{"ObjectCreated:Put", "ObjectAcl:Put", "ObjectAcl:Put", "ObjectAcl:Put"}, names(s.drain(t, eb)))
}
