package main

import (
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/httpapi"
)

// TestCallbackPublicKey: the server publishes the key that signs OSS
// upload callbacks; the operational front passes its path through.
func TestCallbackPublicKey(t *testing.T) {
	url, _, _ := start(t)
	code, body := get(t, http.MethodGet, url+httpapi.CallbackKeyPath)
	require.Equal(t, http.StatusOK, code, body)
	block, _ := pem.Decode([]byte(body))
	require.NotNil(t, block, body)
	_, err := x509.ParsePKIXPublicKey(block.Bytes)
	require.NoError(t, err)
}

func TestCallbackHostFlag(t *testing.T) {
	o, err := parseFlags([]string{"-callback-host", "app.internal", "-callback-host", "10.0.0.5"}, noEnv, io.Discard)
	require.NoError(t, err)
	require.Equal(t, []string{"app.internal", "10.0.0.5"}, o.callbackHosts)
}

func TestMirrorOriginFlag(t *testing.T) {
	o, err := parseFlags([]string{"-mirror-origin", "https://img.example.com/", "-mirror-origin", "http://10.0.0.7:8080/static/"}, noEnv, io.Discard)
	require.NoError(t, err)
	require.Equal(t, []string{"https://img.example.com/", "http://10.0.0.7:8080/static/"}, o.mirrorOrigins)
	for _, bad := range []string{"img.example.com", "ftp://x/", "http://"} {
		_, err = parseFlags([]string{"-mirror-origin", bad}, noEnv, io.Discard)
		require.ErrorContains(t, err, "-mirror-origin", bad)
	}
}

// TestLoopbackOutbound: listening beyond loopback, the server refuses
// callbacks and mirror fetches to loopback addresses (a client could
// otherwise reach the host's local services through them) unless
// -allow-loopback-outbound; on loopback they stay allowed.
func TestLoopbackOutbound(t *testing.T) {
	for _, tc := range []struct {
		args []string
		deny bool
	}{
		{nil, false}, // the default address, 127.0.0.1:9000
		{[]string{"-addr", "localhost:9000"}, false},
		{[]string{"-addr", "[::1]:9000"}, false},
		{[]string{"-addr", ":9000"}, true},
		{[]string{"-addr", "0.0.0.0:9000"}, true},
		{[]string{"-addr", "192.0.2.7:9000"}, true},
		{[]string{"-addr", "osslite.internal:9000"}, true},
		{[]string{"-addr", ":9000", "-allow-loopback-outbound"}, false},
		{[]string{"-addr", "0.0.0.0:9000", "-mirror-origin", "*", "-callback-host", "*"}, true},
	} {
		o, err := parseFlags(tc.args, noEnv, io.Discard)
		require.NoError(t, err, "%q", tc.args)
		var c httpapi.Config
		for _, opt := range o.outboundOptions() {
			opt(&c)
		}
		require.Equal(t, tc.deny, c.DenyLoopbackOutbound, "%q", tc.args)
	}
}
