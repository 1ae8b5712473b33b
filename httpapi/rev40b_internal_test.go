package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRev40bLinkLocalOutboundNamedOnly: with "*" among
// Config.CallbackHosts or Config.MirrorOrigins, a client's callback URL
// or mirror rule could make the server fetch from a link-local address
// (169.254.0.0/16, fe80::/10), where clouds serve their instance metadata
// (169.254.169.254: the instance's role credentials), and read the
// answer. A link-local address is now allowed only where the operator
// names it (a host or origin of that address); other hosts "*" allows,
// private addresses included, stay allowed. Both checks are tested: by
// name, and at the connection (a name may resolve to such an address).
func TestRev40bLinkLocalOutboundNamedOnly(t *testing.T) {
	anyHost := &server{cfg: Config{MirrorOrigins: []string{"*"}, CallbackHosts: []string{"*"}, CallbackTimeout: time.Second, MirrorTimeout: time.Second}}
	named := &server{cfg: Config{MirrorOrigins: []string{"*", "http://169.254.1.1/"}, CallbackHosts: []string{"*", "169.254.1.1"}, CallbackTimeout: time.Second, MirrorTimeout: time.Second}}
	for _, host := range []string{"169.254.169.254", "169.254.1.1", "fe80::1", "::ffff:169.254.169.254", "100.100.100.200", "fd00:ec2::254", "::ffff:100.100.100.200"} {
		u := &url.URL{Scheme: "http", Host: hostPortOf(host, "80"), Path: "/latest/meta-data/"}
		assert.False(t, anyHost.mirrorAllowed(u), "mirror to %s under *", host)
		assert.False(t, anyHost.callbackHostAllowed(host), "callback to %s under *", host)
	}
	for _, host := range []string{"10.0.0.7", "192.168.1.2", "fd00::1", "100.100.100.201", "img.example.com"} {
		u := &url.URL{Scheme: "http", Host: hostPortOf(host, "80"), Path: "/x"}
		assert.True(t, anyHost.mirrorAllowed(u), "mirror to %s under *", host)
		assert.True(t, anyHost.callbackHostAllowed(host), "callback to %s under *", host)
	}
	u := &url.URL{Scheme: "http", Host: "169.254.1.1", Path: "/x"}
	assert.True(t, named.mirrorAllowed(u), "a link-local origin named")
	assert.True(t, named.callbackHostAllowed("169.254.1.1"), "a link-local host named")
	assert.False(t, named.callbackHostAllowed("169.254.169.254"), "another link-local host")

	// At the connection: the default transports refuse a link-local
	// address not named, before connecting (a name resolving there
	// reaches the dialer as the address).
	dial := func(rt http.RoundTripper, addr string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		c, err := rt.(*http.Transport).DialContext(ctx, "tcp", addr)
		if err == nil {
			c.Close()
		}
		return err
	}
	for _, addr := range []string{"169.254.1.1:9", "[fe80::1]:9", "100.100.100.200:9", "[fd00:ec2::254]:9"} {
		err := dial(anyHost.callbackDialer(), addr)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "refused by the server's outbound rules", "callback connection to %s", addr)
		err = dial(anyHost.mirrors().client.Transport, addr)
		require.Error(t, err)
		assert.ErrorIs(t, err, errMirrorRefused, "mirror connection to %s", addr)
	}
	// A named one is dialled (the rule, not a connection: something may
	// answer there).
	assert.False(t, dialRefused("169.254.1.1", false, false, namedLinkLocal(named.cfg.CallbackHosts)), "a named link-local callback host")
	assert.False(t, dialRefused("169.254.1.1", false, false, named.mirrors().linkLocal), "a named link-local origin")
	assert.True(t, dialRefused("169.254.169.254", false, false, named.mirrors().linkLocal), "another link-local address")
	assert.False(t, dialRefused("10.0.0.7", false, false, nil), "a private address under *")
}

func hostPortOf(host, port string) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]:" + port
	}
	return host + ":" + port
}
