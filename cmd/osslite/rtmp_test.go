package main

import (
	"net"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRTMPFlag: -rtmp-addr starts the LiveChannel RTMP listener, named in
// the banner, and shutdown closes it.
func TestRTMPFlag(t *testing.T) {
	_, out, stop := start(t, "-rtmp-addr", "127.0.0.1:0")
	m := regexp.MustCompile(`rtmp://(127\.0\.0\.1:[0-9]+)`).FindStringSubmatch(out.String())
	require.NotNil(t, m, out.String())
	c, err := net.Dial("tcp", m[1])
	require.NoError(t, err)
	c.Close()
	require.NoError(t, stop())
	_, err = net.Dial("tcp", m[1])
	require.Error(t, err, "the listener is closed at shutdown")
}
