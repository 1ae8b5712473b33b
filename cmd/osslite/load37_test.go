package main

import (
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A client that closes or resets its connection before the TLS handshake is
// a client that went away: logged at debug, not as a warning (a load generator's
// dials left in the backlog at -max-conns made thousands of such warnings).
// Other handshake failures stay warnings.
func TestLoad37HandshakeEOFIsNotAWarning(t *testing.T) {
	url, out, _ := start(t, "-tls-self-signed", "-log-level", "debug")
	addr := strings.TrimPrefix(url, "https://")

	gone, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	goneAddr := gone.LocalAddr().String()
	require.NoError(t, gone.Close())

	reset, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	resetAddr := reset.LocalAddr().String()
	require.NoError(t, reset.(*net.TCPConn).SetLinger(0)) // Close sends RST
	require.NoError(t, reset.Close())

	junk, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	junkAddr := junk.LocalAddr().String()
	_, err = junk.Write([]byte{0, 0, 0, 0, 0, 0, 0, 0})
	require.NoError(t, err)
	defer junk.Close()

	line := func(from string) string {
		return regexp.MustCompile(`(?m)^.*TLS handshake error from ` + regexp.QuoteMeta(from) + `:.*$`).FindString(out.String())
	}
	require.Eventually(t, func() bool { return line(goneAddr) != "" && line(resetAddr) != "" && line(junkAddr) != "" }, 5*time.Second, 10*time.Millisecond, out.String())
	require.Contains(t, line(goneAddr), "level=DEBUG")
	require.Contains(t, line(goneAddr), ": EOF")
	require.Contains(t, line(resetAddr), "level=DEBUG")
	require.Contains(t, line(resetAddr), "connection reset by peer")
	require.Contains(t, line(junkAddr), "level=WARN")
	require.Contains(t, line(junkAddr), "does not look like a TLS handshake")
}
