package httpapi_test

import (
	"encoding/binary"
	"io"
	"net"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
)

// rtmpHandshake does a plain RTMP handshake on c (C0, C1; S0-S2; C2).
func rtmpHandshake(t *testing.T, c net.Conn) {
	t.Helper()
	c1 := make([]byte, 1+1536)
	c1[0] = 3
	_, err := c.Write(c1)
	require.NoError(t, err)
	s := make([]byte, 1+1536+1536)
	_, err = io.ReadFull(c, s)
	require.NoError(t, err)
	_, err = c.Write(s[1 : 1+1536]) // C2 echoes S1
	require.NoError(t, err)
}

// rtmpSetChunkSize is a type 0 chunk on stream 2 carrying SetChunkSize(v).
func rtmpSetChunkSize(v uint32) []byte {
	b := []byte{0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[12:], v)
	return b
}

// TestDos38RTMPChunkSizeIsBounded: before any publish is authorized, a
// client set its chunk size to 10 MiB and sent a chunk header declaring
// a 10 MiB command, and nothing more: gortmplib allocated the 10 MiB at
// once and held it for the read timeout (32 connections, 99 KB sent:
// 320 MiB of heap; 2.5 GiB at the 256-connection cap). A chunk size
// above 64 KiB now ends the connection; 64 KiB (gortmplib's client's) is
// taken.
func TestDos38RTMPChunkSizeIsBounded(t *testing.T) {
	eng, err := engine.Open("", nil)
	require.NoError(t, err)
	defer eng.Close()
	l, err := httpapi.ListenRTMP(httpapi.New(eng), "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const n = 32
	for range n {
		c, err := net.Dial("tcp", l.Addr().String())
		require.NoError(t, err)
		defer c.Close()
		rtmpHandshake(t, c)
		_, err = c.Write(rtmpSetChunkSize(10 << 20))
		require.NoError(t, err)
		// A command on stream 3 of 0xa00000 bytes (10 MiB), none sent.
		_, err = c.Write([]byte{0x03, 0, 0, 0, 0xa0, 0, 0, 20, 0, 0, 0, 0})
		require.NoError(t, err)
	}
	time.Sleep(500 * time.Millisecond)
	runtime.ReadMemStats(&after)
	grew := int64(after.HeapInuse) - int64(before.HeapInuse)
	require.Less(t, grew, int64(32<<20), "heap grew %d MiB for %d connections", grew>>20, n)

	// 64 KiB is taken: the connection stays open for the command.
	c, err := net.Dial("tcp", l.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	rtmpHandshake(t, c)
	_, err = c.Write(rtmpSetChunkSize(64 << 10))
	require.NoError(t, err)
	require.NoError(t, c.SetReadDeadline(time.Now().Add(time.Second)))
	_, err = c.Read(make([]byte, 1))
	require.True(t, isTimeout(err), "a 64 KiB chunk size: %v", err)

	// One byte more is refused: the connection is closed.
	c2, err := net.Dial("tcp", l.Addr().String())
	require.NoError(t, err)
	defer c2.Close()
	rtmpHandshake(t, c2)
	_, err = c2.Write(rtmpSetChunkSize(64<<10 + 1))
	require.NoError(t, err)
	require.NoError(t, c2.SetReadDeadline(time.Now().Add(5*time.Second)))
	_, err = io.Copy(io.Discard, c2)
	require.NoError(t, err, "the connection is closed, not timed out")
}
