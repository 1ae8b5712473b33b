package httpapi

import (
	"errors"
	"net"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDenyLoopbackOutbound: with Config.DenyLoopbackOutbound, mirror
// fetches and upload callbacks may not name a loopback host, even where
// "*" allows every other one, and the default dialers refuse loopback and
// unspecified addresses a name resolves to; without it loopback stays
// allowed.
func TestDenyLoopbackOutbound(t *testing.T) {
	deny := &server{cfg: Config{MirrorOrigins: []string{"*"}, CallbackHosts: []string{"*"}, DenyLoopbackOutbound: true}}
	allow := &server{cfg: Config{}}
	for _, raw := range []string{"http://127.0.0.1:9000/a", "http://[::1]/a", "http://localhost:8080/a", "http://127.9.9.9/a"} {
		u, err := url.Parse(raw)
		require.NoError(t, err)
		assert.False(t, deny.mirrorAllowed(u), "mirror to %s", raw)
		assert.False(t, deny.callbackHostAllowed(u.Hostname()), "callback to %s", raw)
		assert.True(t, allow.mirrorAllowed(u), "mirror to %s without the option", raw)
		assert.True(t, allow.callbackHostAllowed(u.Hostname()), "callback to %s without the option", raw)
	}
	u, _ := url.Parse("https://img.example.com/x")
	assert.True(t, deny.mirrorAllowed(u), "other origins are still decided by MirrorOrigins")
	assert.True(t, deny.callbackHostAllowed("app.example.com"))

	// A listener on loopback stands for the services on the host.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	errRefused := errors.New("refused")
	refused := func(string) error { return errRefused }
	dial := func(loopbackOnly, denyLoopback bool, host string) error {
		c, err := outboundDialer(time.Second, loopbackOnly, denyLoopback, nil, refused).Dial("tcp", net.JoinHostPort(host, port))
		if err == nil {
			c.Close()
		}
		return err
	}
	require.NoError(t, dial(true, false, "127.0.0.1"), "the default: loopback only")
	require.NoError(t, dial(false, false, "127.0.0.1"), "hosts listed, loopback allowed")
	for _, host := range []string{"127.0.0.1", "0.0.0.0", "localhost"} {
		assert.ErrorIs(t, dial(false, true, host), errRefused, "hosts listed, loopback denied: %s", host)
		assert.ErrorIs(t, dial(true, true, host), errRefused, "nothing listed, loopback denied: %s", host)
	}
}
