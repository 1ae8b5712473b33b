package fake_test

import (
	"context"
	"net"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/fake"
	"github.com/osslite/osslite/internal/sinaclient"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// TestReview23RTMPHonoursBlockPublicAccess (SEC4-2): an unsigned RTMP
// push was judged by the bucket ACL alone, so a public-read-write ACL
// let anyone push (write segment and playlist objects) into a bucket
// whose Block Public Access ignores public ACLs, as it let no anonymous
// PutObject. Pushes are decided as writes into the bucket.
func TestReview23RTMPHonoursBlockPublicAccess(t *testing.T) {
	srv, b := liveFake(t)
	ctx := context.Background()
	require.NoError(t, srv.Engine().SetBucketACL(ctx, liveBucket, engine.ACL{Canned: "public-read-write"}))
	require.NoError(t, srv.Engine().SetBucketConfig(ctx, liveBucket, &bucketconfig.PublicAccessBlock{
		BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}))
	_, port, _ := net.SplitHostPort(srv.RTMPAddr())
	unsigned := &url.URL{Scheme: "rtmp", Host: liveBucket + ".127.0.0.1:" + port, Path: "/live/" + liveChannel}
	_, err := publish(t, srv, unsigned)
	require.Error(t, err, "an anonymous push under Block Public Access")

	p, err := publish(t, srv, signedURL(t, srv, b, ""))
	require.NoError(t, err, "the owner's signed push")
	p.c.Close()

	require.NoError(t, srv.Engine().DeleteBucketConfig(ctx, liveBucket, string(bucketconfig.KindPublicAccessBlock)))
	require.Eventually(t, func() bool { // once the owner's push has ended
		_, err := publish(t, srv, unsigned)
		return err == nil
	}, 10*time.Second, 50*time.Millisecond, "public-read-write without Block Public Access")
}

// TestReview23SinaUsageIsCounted (SEC4-4): Sina's GET Service (JSON)
// and GET Bucket ?meta counted a bucket's objects and bytes by listing
// all of them, so every such request cost a walk of every object the
// caller's buckets held. They read the engine's usage counts: the cost
// of a request does not grow with the objects stored.
func TestReview23SinaUsageIsCounted(t *testing.T) {
	srv := fake.New(t, fake.WithoutListener())
	ctx := context.Background()
	c := &sinaclient.Client{Endpoint: srv.URL, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, HTTP: srv.HTTPClient(), Now: srv.Clock().Now}
	require.NoError(t, c.PutBucket(ctx, "usage", ""))
	put := func(from, to int) {
		for i := from; i < to; i++ {
			_, err := srv.Engine().PutObject(ctx, "usage", "k"+strconv.Itoa(i), strings.NewReader("abc"), 3, engine.PutOptions{})
			require.NoError(t, err)
		}
	}
	cost := func(objects int64) float64 {
		return testing.AllocsPerRun(3, func() {
			l, err := c.ListBuckets(ctx)
			require.NoError(t, err)
			require.Len(t, l.Buckets, 1)
			require.Equal(t, 3*objects, l.Buckets[0].ConsumedBytes)
			m, err := c.GetBucketMeta(ctx, "usage")
			require.NoError(t, err)
			require.Equal(t, objects, m.Quantity)
			require.Equal(t, 3*objects, m.Capacity)
		})
	}
	put(0, 10)
	few := cost(10)
	put(10, 3010)
	many := cost(3010)
	require.Less(t, many-few, 500.0, "allocations of the two requests: %v with 10 objects, %v with 3010", few, many)
}
