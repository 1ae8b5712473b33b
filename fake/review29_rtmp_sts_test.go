package fake_test

import (
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"
)

// TestReview29RTMPSTSPushURL pushes through an RTMP URL the OSS SDK
// signs with STS credentials: OSS leaves the token out of the signed
// parameters (its documentation names it SecurityToken, the SDKs send
// and skip security-token), and the token must still belong to the key.
// osslite signed security-token and read no SecurityToken, so no STS
// push URL was accepted.
func TestReview29RTMPSTSPushURL(t *testing.T) {
	srv, _ := liveFake(t)
	sess, err := srv.NewSession("", time.Hour)
	require.NoError(t, err)
	_, port, _ := net.SplitHostPort(srv.RTMPAddr())
	stsURL := func(token string) *url.URL {
		c, err := oss1.New(srv.URL, sess.AccessKey, sess.SecretKey, oss1.SecurityToken(token), oss1.HTTPClient(srv.HTTPClient()))
		require.NoError(t, err)
		b, err := c.Bucket(liveBucket)
		require.NoError(t, err)
		raw, err := b.SignRtmpURL(liveChannel, "", 300)
		require.NoError(t, err)
		u, err := url.Parse(raw)
		require.NoError(t, err)
		u.Host = liveBucket + ".127.0.0.1:" + port
		u.Path = strings.TrimPrefix(u.Path, "/"+liveBucket)
		return u
	}
	u := stsURL(sess.Token)
	require.NotEmpty(t, u.Query().Get("security-token"))
	p, err := publish(t, srv, u)
	require.NoError(t, err, "the SDK's STS push URL")
	p.c.Close()

	// The token is unsigned but must be the key's.
	bad := stsURL(sess.Token)
	q := bad.Query()
	q.Set("security-token", "not-"+sess.Token)
	bad.RawQuery = q.Encode()
	_, err = publish(t, srv, bad)
	require.Error(t, err, "another token")
	none := stsURL(sess.Token)
	q = none.Query()
	q.Del("security-token")
	none.RawQuery = q.Encode()
	_, err = publish(t, srv, none)
	require.Error(t, err, "a temporary key without its token")
}
