package fake_test

import (
	"context"
	"net"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
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
