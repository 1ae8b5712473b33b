package httpapi_test

import (
	"testing"

	oss2 "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/stretchr/testify/require"
)

// TestOSSRedundancyTransition: an LRS bucket becomes ZRS through a task
// that finishes at once (one copy is kept either way); the task can be
// read, listed (per bucket and across the requester's buckets, paged)
// and deleted; a ZRS bucket and other targets are refused; other users
// see none of it.
func TestOSSRedundancyTransition(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	c := f.ossV2(testAK, testSK)
	for _, b := range []string{"red-a", "red-b", "red-c"} {
		_, err := c.PutBucket(bg, &oss2.PutBucketRequest{Bucket: oss2.Ptr(b), CreateBucketConfiguration: &oss2.CreateBucketConfiguration{DataRedundancyType: oss2.DataRedundancyLRS}})
		require.NoError(t, err)
	}
	redundancy := func(b string) string {
		t.Helper()
		info, err := c.GetBucketInfo(bg, &oss2.GetBucketInfoRequest{Bucket: oss2.Ptr(b)})
		require.NoError(t, err)
		return oss2.ToString(info.BucketInfo.DataRedundancyType)
	}
	create := func(b, target string) (string, error) {
		r, err := c.CreateBucketDataRedundancyTransition(bg, &oss2.CreateBucketDataRedundancyTransitionRequest{Bucket: oss2.Ptr(b), TargetRedundancyType: oss2.Ptr(target)})
		if err != nil {
			return "", err
		}
		return oss2.ToString(r.BucketDataRedundancyTransition.TaskId), nil
	}
	_, err := create("red-a", "LRS")
	wantOSS(t, err, 400, "InvalidArgument", "")
	require.Equal(t, "LRS", redundancy("red-a"))
	id, err := create("red-a", "ZRS")
	require.NoError(t, err)
	require.NotEmpty(t, id)
	require.Equal(t, "ZRS", redundancy("red-a"))
	_, err = create("red-a", "ZRS")
	wantOSS(t, err, 400, "InvalidArgument", "")

	got, err := c.GetBucketDataRedundancyTransition(bg, &oss2.GetBucketDataRedundancyTransitionRequest{Bucket: oss2.Ptr("red-a"), RedundancyTransitionTaskid: oss2.Ptr(id)})
	require.NoError(t, err)
	task := got.BucketDataRedundancyTransition
	require.Equal(t, "Finished", oss2.ToString(task.Status))
	require.Equal(t, int32(100), *task.ProcessPercentage)
	require.Equal(t, oss2.ToString(task.CreateTime), oss2.ToString(task.EndTime))
	_, err = c.GetBucketDataRedundancyTransition(bg, &oss2.GetBucketDataRedundancyTransitionRequest{Bucket: oss2.Ptr("red-b"), RedundancyTransitionTaskid: oss2.Ptr(id)})
	wantOSS(t, err, 404, "BucketDataRedundancyTransitionTaskNotExist", "")

	idB, err := create("red-b", "ZRS")
	require.NoError(t, err)
	list, err := c.ListBucketDataRedundancyTransition(bg, &oss2.ListBucketDataRedundancyTransitionRequest{Bucket: oss2.Ptr("red-a")})
	require.NoError(t, err)
	require.Len(t, list.ListBucketDataRedundancyTransition.BucketDataRedundancyTransitions, 1)
	var seen []string
	var token *string
	for {
		page, err := c.ListUserDataRedundancyTransition(bg, &oss2.ListUserDataRedundancyTransitionRequest{MaxKeys: 1, ContinuationToken: token})
		require.NoError(t, err)
		for _, x := range page.ListBucketDataRedundancyTransition.BucketDataRedundancyTransitions {
			seen = append(seen, oss2.ToString(x.Bucket)+"/"+oss2.ToString(x.TaskId))
		}
		if !oss2.ToBool(page.ListBucketDataRedundancyTransition.IsTruncated) {
			break
		}
		token = page.ListBucketDataRedundancyTransition.NextContinuationToken
	}
	require.Equal(t, []string{"red-a/" + id, "red-b/" + idB}, seen)
	other, err := f.ossV2(otherAK, otherSK).ListUserDataRedundancyTransition(bg, &oss2.ListUserDataRedundancyTransitionRequest{})
	require.NoError(t, err)
	require.Empty(t, other.ListBucketDataRedundancyTransition.BucketDataRedundancyTransitions)
	_, err = f.ossV2(otherAK, otherSK).ListBucketDataRedundancyTransition(bg, &oss2.ListBucketDataRedundancyTransitionRequest{Bucket: oss2.Ptr("red-a")})
	wantOSS(t, err, 403, "AccessDenied", "")

	del, err := c.DeleteBucketDataRedundancyTransition(bg, &oss2.DeleteBucketDataRedundancyTransitionRequest{Bucket: oss2.Ptr("red-a"), RedundancyTransitionTaskid: oss2.Ptr(id)})
	require.NoError(t, err)
	require.Equal(t, 204, del.StatusCode)
	_, err = c.DeleteBucketDataRedundancyTransition(bg, &oss2.DeleteBucketDataRedundancyTransitionRequest{Bucket: oss2.Ptr("red-a"), RedundancyTransitionTaskid: oss2.Ptr(id)})
	wantOSS(t, err, 404, "BucketDataRedundancyTransitionTaskNotExist", "")
	require.Equal(t, "ZRS", redundancy("red-a"), "deleting the task does not undo it")
	_, err = create("red-missing", "ZRS")
	wantOSS(t, err, 404, "NoSuchBucket", "0015-00000101")
}
