package httpapi_test

import (
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
)

// TestRTMPConnectionCap: the RTMP listener serves at most 256
// connections at once; one more is closed at once, and a slot freed is
// taken again.
func TestRTMPConnectionCap(t *testing.T) {
	eng, err := engine.Open("", nil)
	require.NoError(t, err)
	defer eng.Close()
	l, err := httpapi.ListenRTMP(httpapi.New(eng), "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()

	conns := make([]net.Conn, 256)
	for i := range conns {
		c, err := net.Dial("tcp", l.Addr().String())
		require.NoError(t, err)
		defer c.Close()
		conns[i] = c
	}
	closedAtOnce := func() bool {
		c, err := net.Dial("tcp", l.Addr().String())
		require.NoError(t, err)
		defer c.Close()
		require.NoError(t, c.SetReadDeadline(time.Now().Add(2*time.Second)))
		_, err = c.Read(make([]byte, 1))
		return err == io.EOF || err != nil && !isTimeout(err)
	}
	require.True(t, closedAtOnce(), "the 257th connection")
	conns[0].Close()
	require.Eventually(t, func() bool { return !closedAtOnce() }, 10*time.Second, 100*time.Millisecond, "a freed slot")
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}
