package httpapi_test

import (
	"bufio"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/osslite/osslite/engine"
	"github.com/osslite/osslite/httpapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawConn dials the fixture's listener.
func (f *fixture) rawConn(t *testing.T) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", f.srv.Listener.Addr().String())
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// readResponse reads one response from c (waiting at most 5 s) and
// returns its status and error code.
func readResponse(t *testing.T, c net.Conn) (int, string) {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(5*time.Second)))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var e struct{ Code, Message string }
	_ = xml.Unmarshal(body, &e)
	return resp.StatusCode, e.Code
}

func TestSlowBodyRequestTimeout(t *testing.T) {
	cases := []struct {
		name string
		opt  httpapi.Option
		// send writes the body's first bytes, slowly.
		send func(c net.Conn)
	}{
		{
			name: "idle",
			opt:  httpapi.WithBodyTimeouts(-1, 0, 200*time.Millisecond),
			send: func(c net.Conn) { _, _ = c.Write([]byte("0123456789")) },
		},
		{
			// Never idle for long, but far below the rate: 10 bytes every
			// 20 ms against a quota of 100 KiB per 300 ms.
			name: "rate",
			opt:  httpapi.WithBodyTimeouts(300<<10, 300*time.Millisecond, 2*time.Second),
			send: func(c net.Conn) {
				for range 40 {
					if _, err := c.Write([]byte("0123456789")); err != nil {
						return
					}
					time.Sleep(20 * time.Millisecond)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithPermissive(), tc.opt}})
			ctx := context.Background()
			require.NoError(t, f.eng.CreateBucket(ctx, "slow", engine.BucketOptions{}))
			c := f.rawConn(t)
			start := time.Now()
			_, err := fmt.Fprintf(c, "PUT /slow/key HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n")
			require.NoError(t, err)
			go tc.send(c)
			status, code := readResponse(t, c)
			assert.Equal(t, http.StatusBadRequest, status)
			assert.Equal(t, "RequestTimeout", code)
			assert.Less(t, time.Since(start), 3*time.Second)
			_, err = f.eng.HeadObject(ctx, "slow", "key")
			assert.ErrorIs(t, err, engine.ErrNoSuchKey, "nothing is stored")
		})
	}
}

// A body that arrives at a normal pace is not cut off by the same limits.
func TestSlowBodyNormalClientPasses(t *testing.T) {
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithPermissive(),
		httpapi.WithBodyTimeouts(1<<10, time.Second, time.Second)}})
	ctx := context.Background()
	require.NoError(t, f.eng.CreateBucket(ctx, "okay", engine.BucketOptions{}))
	c := f.rawConn(t)
	_, err := fmt.Fprintf(c, "PUT /okay/key HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3000\r\n\r\n")
	require.NoError(t, err)
	go func() {
		for range 6 { // 500 bytes every 50 ms: 10 KB/s
			_, _ = c.Write(pattern(500))
			time.Sleep(50 * time.Millisecond)
		}
	}()
	status, code := readResponse(t, c)
	require.Equal(t, http.StatusOK, status, code)
	info, err := f.eng.HeadObject(ctx, "okay", "key")
	require.NoError(t, err)
	assert.EqualValues(t, 3000, info.Size)
}

func TestRequestCapsSlowDown(t *testing.T) {
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithPermissive(),
		httpapi.WithRequestLimits(3, 1), httpapi.WithBodyTimeouts(-1, 0, -1)}})
	ctx := context.Background()
	require.NoError(t, f.eng.CreateBucket(ctx, "caps", engine.BucketOptions{}))

	// hold starts a PUT whose body never comes, so it stays in flight.
	hold := func(auth string) net.Conn {
		c := f.rawConn(t)
		_, err := fmt.Fprintf(c, "PUT /caps/held HTTP/1.1\r\nHost: 127.0.0.1\r\n%sContent-Length: 10\r\n\r\nx", auth)
		require.NoError(t, err)
		return c
	}
	request := func(auth string) (int, string) {
		c := f.rawConn(t)
		_, err := fmt.Fprintf(c, "GET /caps HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\n", auth)
		require.NoError(t, err)
		return readResponse(t, c)
	}
	const signed = "Authorization: AWS4-HMAC-SHA256 Credential=any/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00\r\n"
	// holdUntilFull holds n requests with auth until a probe with
	// probeAuth is refused. A held request that reaches the server while
	// a probe is in flight is itself refused (and waits, unanswered, for
	// its body), so now and then the held ones are started again.
	holdUntilFull := func(auth, probeAuth string, n int) []net.Conn {
		var held []net.Conn
		tries := 0
		require.Eventually(t, func() bool {
			if tries%20 == 0 {
				for _, c := range held {
					c.Close()
				}
				held = held[:0]
				for range n {
					held = append(held, hold(auth))
				}
				time.Sleep(20 * time.Millisecond)
			}
			tries++
			_, code := request(probeAuth)
			return code == "SlowDown"
		}, 15*time.Second, 10*time.Millisecond, "the held requests are admitted")
		return held
	}
	anon := holdUntilFull("", "", 1)[0]
	// One anonymous request is in flight: another is refused at once,
	// a signed one is served.
	status, code := request("")
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Equal(t, "SlowDown", code)
	status, code = request(signed)
	assert.Equal(t, http.StatusOK, status, code)

	// Two more in flight reach the overall cap of 3.
	holdUntilFull(signed, signed, 2)
	status, code = request(signed)
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Equal(t, "SlowDown", code)

	// Once the anonymous one ends, anonymous requests are admitted again
	// (and, the overall count dropping to 2, served).
	anon.Close()
	require.Eventually(t, func() bool {
		status, _ := request("")
		return status == http.StatusOK
	}, 15*time.Second, 10*time.Millisecond)
}

// A client that stops reading an object body frees the handler once a
// write deadline passes.
func TestWriteTimeoutFreesHandler(t *testing.T) {
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{httpapi.WithPermissive(),
		httpapi.WithWriteTimeout(300 * time.Millisecond)}})
	ctx := context.Background()
	require.NoError(t, f.eng.CreateBucket(ctx, "big", engine.BucketOptions{}))
	const size = 16 << 20
	_, err := f.eng.PutObject(ctx, "big", "obj", strings.NewReader(strings.Repeat("x", size)), size, engine.PutOptions{})
	require.NoError(t, err)

	// A small receive buffer, so the kernel does not absorb the object.
	d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		return rc.Control(func(fd uintptr) { _ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
	}}
	c, err := d.Dial("tcp", f.srv.Listener.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	_, err = fmt.Fprintf(c, "GET /big/obj HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
	require.NoError(t, err)
	time.Sleep(time.Second) // the client does not read
	// The server gave up: what it had sent is there, then the connection
	// is closed, well before the whole object.
	require.NoError(t, c.SetReadDeadline(time.Now().Add(3*time.Second)))
	n, err := io.Copy(io.Discard, c)
	require.NoError(t, err, "the server closes the connection")
	assert.Less(t, n, int64(size), "the body was cut short")
}
