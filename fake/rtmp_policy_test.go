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

// TestRTMPHonoursPolicyDeny: an RTMP push is refused when the bucket
// policy has a Deny statement that may apply to the pusher's PutObject
// (an explicit Deny wins over the ACL that allows the push). Pushes
// ignored bucket policies altogether: a public-read-write bucket whose
// policy denied anonymous writes still took anonymous pushes.
func TestRTMPHonoursPolicyDeny(t *testing.T) {
	srv, _ := liveFake(t)
	ctx := context.Background()
	require.NoError(t, srv.Engine().SetBucketACL(ctx, liveBucket, engine.ACL{Canned: "public-read-write"}))
	_, port, _ := net.SplitHostPort(srv.RTMPAddr())
	unsigned := &url.URL{Scheme: "rtmp", Host: liveBucket + ".127.0.0.1:" + port, Path: "/live/" + liveChannel}

	deny := `{"Version":"1","Statement":[{"Effect":"Deny","Principal":["*"],"Action":["oss:PutObject"],"Resource":["acs:oss:*:*:` + liveBucket + `/*"]}]}`
	require.NoError(t, srv.Engine().SetBucketConfig(ctx, liveBucket, &bucketconfig.Policy{Language: "oss", Document: deny}))
	_, err := publish(t, srv, unsigned)
	require.Error(t, err, "an anonymous push the bucket policy denies")

	require.NoError(t, srv.Engine().DeleteBucketConfig(ctx, liveBucket, string(bucketconfig.KindPolicy)))
	require.Eventually(t, func() bool {
		p, err := publish(t, srv, unsigned)
		if err == nil {
			p.c.Close()
		}
		return err == nil
	}, 10*time.Second, 50*time.Millisecond, "the same push without the Deny")
}
