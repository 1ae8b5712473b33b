package fake_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/fake"
)

// wantOSSCode checks the status and code of an alibabacloud-oss-go-sdk-v2
// service error.
func wantOSSCode(t *testing.T, err error, status int, code string) {
	t.Helper()
	var se *oss2.ServiceError
	require.True(t, errors.As(err, &se), "want %d %s, got %v", status, code, err)
	assert.Equal(t, status, se.StatusCode, "%v", err)
	assert.Equal(t, code, se.Code, "%v", err)
	assert.NotEmpty(t, se.EC)
}

// TestBucketWormV2 walks a retention policy through its life with the v2
// SDK and shows the policy protecting objects until the fake's clock
// passes their retention.
func TestBucketWormV2(t *testing.T) {
	srv := fake.New(t, fake.WithBuckets("worm"))
	c := ossV2Client(srv)
	ctx := context.Background()
	b := oss2.Ptr("worm")
	put := func(key, body string) error {
		_, err := c.PutObject(ctx, &oss2.PutObjectRequest{Bucket: b, Key: oss2.Ptr(key), Body: strings.NewReader(body)})
		return err
	}
	del := func(key string) error {
		_, err := c.DeleteObject(ctx, &oss2.DeleteObjectRequest{Bucket: b, Key: oss2.Ptr(key)})
		return err
	}
	require.NoError(t, put("old", "v1"))

	_, err := c.GetBucketWorm(ctx, &oss2.GetBucketWormRequest{Bucket: b})
	wantOSSCode(t, err, 404, "NoSuchWORMConfiguration")
	_, err = c.InitiateBucketWorm(ctx, &oss2.InitiateBucketWormRequest{Bucket: b,
		InitiateWormConfiguration: &oss2.InitiateWormConfiguration{RetentionPeriodInDays: oss2.Ptr(int32(0))}})
	wantOSSCode(t, err, 400, "InvalidWORMConfiguration")

	// An InProgress policy is enforced and can be aborted.
	init, err := c.InitiateBucketWorm(ctx, &oss2.InitiateBucketWormRequest{Bucket: b,
		InitiateWormConfiguration: &oss2.InitiateWormConfiguration{RetentionPeriodInDays: oss2.Ptr(int32(1))}})
	require.NoError(t, err)
	require.NotEmpty(t, oss2.ToString(init.WormId))
	got, err := c.GetBucketWorm(ctx, &oss2.GetBucketWormRequest{Bucket: b})
	require.NoError(t, err)
	assert.Equal(t, oss2.BucketWormStateInProgress, got.WormConfiguration.State)
	assert.Equal(t, int32(1), *got.WormConfiguration.RetentionPeriodInDays)
	assert.Equal(t, oss2.ToString(init.WormId), oss2.ToString(got.WormConfiguration.WormId))
	wantOSSCode(t, del("old"), 409, "FileImmutable")
	_, err = c.AbortBucketWorm(ctx, &oss2.AbortBucketWormRequest{Bucket: b})
	require.NoError(t, err)
	_, err = c.CompleteBucketWorm(ctx, &oss2.CompleteBucketWormRequest{Bucket: b, WormId: init.WormId})
	wantOSSCode(t, err, 404, "NoSuchWORMConfiguration")
	require.NoError(t, put("old", "v2"), "aborted: overwrite allowed again")

	// Lock a policy of 1 day, extend it to 2.
	init, err = c.InitiateBucketWorm(ctx, &oss2.InitiateBucketWormRequest{Bucket: b,
		InitiateWormConfiguration: &oss2.InitiateWormConfiguration{RetentionPeriodInDays: oss2.Ptr(int32(1))}})
	require.NoError(t, err)
	_, err = c.ExtendBucketWorm(ctx, &oss2.ExtendBucketWormRequest{Bucket: b, WormId: init.WormId,
		ExtendWormConfiguration: &oss2.ExtendWormConfiguration{RetentionPeriodInDays: oss2.Ptr(int32(2))}})
	wantOSSCode(t, err, 400, "InvalidWORMConfiguration") // not locked yet
	_, err = c.CompleteBucketWorm(ctx, &oss2.CompleteBucketWormRequest{Bucket: b, WormId: oss2.Ptr("nope")})
	wantOSSCode(t, err, 404, "NoSuchWORMConfiguration")
	_, err = c.CompleteBucketWorm(ctx, &oss2.CompleteBucketWormRequest{Bucket: b, WormId: init.WormId})
	require.NoError(t, err)
	_, err = c.AbortBucketWorm(ctx, &oss2.AbortBucketWormRequest{Bucket: b})
	wantOSSCode(t, err, 403, "WORMConfigurationLocked")
	_, err = c.ExtendBucketWorm(ctx, &oss2.ExtendBucketWormRequest{Bucket: b, WormId: init.WormId,
		ExtendWormConfiguration: &oss2.ExtendWormConfiguration{RetentionPeriodInDays: oss2.Ptr(int32(1))}})
	wantOSSCode(t, err, 400, "InvalidWORMConfiguration") // not longer
	_, err = c.ExtendBucketWorm(ctx, &oss2.ExtendBucketWormRequest{Bucket: b, WormId: init.WormId,
		ExtendWormConfiguration: &oss2.ExtendWormConfiguration{RetentionPeriodInDays: oss2.Ptr(int32(2))}})
	require.NoError(t, err)
	got, err = c.GetBucketWorm(ctx, &oss2.GetBucketWormRequest{Bucket: b})
	require.NoError(t, err)
	assert.Equal(t, oss2.BucketWormStateLocked, got.WormConfiguration.State)
	assert.Equal(t, int32(2), *got.WormConfiguration.RetentionPeriodInDays)
	assert.NotEmpty(t, oss2.ToString(got.WormConfiguration.CreationDate))

	// Locked: no delete, no overwrite (put, copy, multipart, append,
	// batch delete); new objects are fine.
	wantOSSCode(t, del("old"), 409, "FileImmutable")
	wantOSSCode(t, put("old", "v3"), 409, "FileImmutable")
	_, err = c.CopyObject(ctx, &oss2.CopyObjectRequest{Bucket: b, Key: oss2.Ptr("old"), SourceKey: oss2.Ptr("old"),
		MetadataDirective: oss2.Ptr("REPLACE")})
	wantOSSCode(t, err, 409, "FileImmutable")
	require.NoError(t, put("new", "n"))
	_, err = c.AppendObject(ctx, &oss2.AppendObjectRequest{Bucket: b, Key: oss2.Ptr("log"), Position: oss2.Ptr(int64(0)), Body: strings.NewReader("a")})
	require.NoError(t, err, "creating an appendable object is a new object")
	_, err = c.AppendObject(ctx, &oss2.AppendObjectRequest{Bucket: b, Key: oss2.Ptr("log"), Position: oss2.Ptr(int64(1)), Body: strings.NewReader("b")})
	wantOSSCode(t, err, 409, "FileImmutable")
	mu, err := c.InitiateMultipartUpload(ctx, &oss2.InitiateMultipartUploadRequest{Bucket: b, Key: oss2.Ptr("old")})
	require.NoError(t, err)
	part, err := c.UploadPart(ctx, &oss2.UploadPartRequest{Bucket: b, Key: oss2.Ptr("old"), UploadId: mu.UploadId, PartNumber: 1, Body: strings.NewReader("p")})
	require.NoError(t, err)
	_, err = c.CompleteMultipartUpload(ctx, &oss2.CompleteMultipartUploadRequest{Bucket: b, Key: oss2.Ptr("old"), UploadId: mu.UploadId,
		CompleteMultipartUpload: &oss2.CompleteMultipartUpload{Parts: []oss2.UploadPart{{PartNumber: 1, ETag: part.ETag}}}})
	wantOSSCode(t, err, 409, "FileImmutable")
	_, err = c.AbortMultipartUpload(ctx, &oss2.AbortMultipartUploadRequest{Bucket: b, Key: oss2.Ptr("old"), UploadId: mu.UploadId})
	require.NoError(t, err)
	dr, err := c.DeleteMultipleObjects(ctx, &oss2.DeleteMultipleObjectsRequest{Bucket: b,
		Objects: []oss2.DeleteObject{{Key: oss2.Ptr("old")}, {Key: oss2.Ptr("absent")}}})
	require.NoError(t, err)
	deleted := []string{}
	for _, d := range dr.DeletedObjects {
		deleted = append(deleted, oss2.ToString(d.Key))
	}
	assert.Equal(t, []string{"absent"}, deleted, "the retained key is not reported deleted")
	_, err = c.DeleteBucket(ctx, &oss2.DeleteBucketRequest{Bucket: b})
	wantOSSCode(t, err, 409, "BucketNotEmpty")

	// One day later: still retained (2 days). Three days later: free.
	srv.Clock().Advance(25 * time.Hour)
	wantOSSCode(t, del("old"), 409, "FileImmutable")
	srv.Clock().Advance(48 * time.Hour)
	require.NoError(t, put("old", "v4"))
	wantOSSCode(t, del("old"), 409, "FileImmutable") // rewritten: retained again
	require.NoError(t, del("new"))
	require.NoError(t, del("log"))
	srv.Clock().Advance(49 * time.Hour)
	require.NoError(t, del("old"))
	_, err = c.DeleteBucket(ctx, &oss2.DeleteBucketRequest{Bucket: b})
	require.NoError(t, err, "a locked policy does not keep an empty bucket")
}

// TestBucketWormLapses: an InProgress policy not locked within 24 hours
// (of the engine clock) lapses and stops protecting objects.
func TestBucketWormLapses(t *testing.T) {
	srv := fake.New(t, fake.WithBuckets("lapse"))
	c := ossV2Client(srv)
	ctx := context.Background()
	b := oss2.Ptr("lapse")
	_, err := c.PutObject(ctx, &oss2.PutObjectRequest{Bucket: b, Key: oss2.Ptr("k"), Body: strings.NewReader("v")})
	require.NoError(t, err)
	init, err := c.InitiateBucketWorm(ctx, &oss2.InitiateBucketWormRequest{Bucket: b,
		InitiateWormConfiguration: &oss2.InitiateWormConfiguration{RetentionPeriodInDays: oss2.Ptr(int32(30))}})
	require.NoError(t, err)
	srv.Clock().Advance(23 * time.Hour)
	_, err = c.DeleteObject(ctx, &oss2.DeleteObjectRequest{Bucket: b, Key: oss2.Ptr("k")})
	wantOSSCode(t, err, 409, "FileImmutable")
	srv.Clock().Advance(time.Hour)
	_, err = c.GetBucketWorm(ctx, &oss2.GetBucketWormRequest{Bucket: b})
	wantOSSCode(t, err, 404, "NoSuchWORMConfiguration")
	_, err = c.CompleteBucketWorm(ctx, &oss2.CompleteBucketWormRequest{Bucket: b, WormId: init.WormId})
	wantOSSCode(t, err, 404, "NoSuchWORMConfiguration")
	_, err = c.DeleteObject(ctx, &oss2.DeleteObjectRequest{Bucket: b, Key: oss2.Ptr("k")})
	require.NoError(t, err)
}

// TestBucketWormV1 drives the same operations through aliyun-oss-go-sdk.
func TestBucketWormV1(t *testing.T) {
	srv := fake.New(t, fake.WithBuckets("wormv1"))
	c, err := oss1.New(srv.URL, srv.AccessKey, srv.SecretKey, oss1.HTTPClient(srv.HTTPClient()))
	require.NoError(t, err)
	c.Config.RetryTimes = 0
	bkt, err := c.Bucket("wormv1")
	require.NoError(t, err)
	require.NoError(t, bkt.PutObject("k", strings.NewReader("v")))
	id, err := c.InitiateBucketWorm("wormv1", 1)
	require.NoError(t, err)
	require.NotEmpty(t, id)
	require.NoError(t, c.CompleteBucketWorm("wormv1", id))
	require.NoError(t, c.ExtendBucketWorm("wormv1", 3, id))
	w, err := c.GetBucketWorm("wormv1")
	require.NoError(t, err)
	assert.Equal(t, id, w.WormId)
	assert.Equal(t, "Locked", w.State)
	assert.Equal(t, 3, w.RetentionPeriodInDays)
	err = c.AbortBucketWorm("wormv1")
	var se oss1.ServiceError
	require.True(t, errors.As(err, &se), "%v", err)
	assert.Equal(t, "WORMConfigurationLocked", se.Code)
	err = bkt.DeleteObject("k")
	require.True(t, errors.As(err, &se), "%v", err)
	assert.Equal(t, 409, se.StatusCode)
	assert.Equal(t, "FileImmutable", se.Code)
	srv.Clock().Advance(3*24*time.Hour + time.Second)
	require.NoError(t, bkt.DeleteObject("k"))
}
