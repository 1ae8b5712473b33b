package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// get requests url on a fresh connection and reports whether it was
// answered within timeout.
func getWithin(url string, timeout time.Duration) error {
	c := &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get(url + "/")
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.Body.Close()
}

// hold opens a connection that sends nothing.
func hold(t *testing.T, url string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

func TestMaxConnsWaitsForAFreeConnection(t *testing.T) {
	url, _, _ := start(t, "-max-conns", "2")
	require.NoError(t, getWithin(url, 3*time.Second))
	a := hold(t, url)
	hold(t, url)
	time.Sleep(100 * time.Millisecond) // both accepted
	require.Error(t, getWithin(url, 300*time.Millisecond), "a third connection waits")
	a.Close()
	require.NoError(t, getWithin(url, 3*time.Second), "served once a connection closes")
}

// At -max-conns a new connection is served in place of one kept alive by
// another client: one idle for a second is closed, and a busy one is
// closed by its next response (Connection: close), which cuts no request.
// A load generator with more workers than the cap (warp --concurrent 48
// against -max-conns 32) had its extra workers' first requests wait until
// the other workers' pool closed its connections.
func TestMaxConnsMakesRoomForANewConnection(t *testing.T) {
	url, _, _ := start(t, "-max-conns", "1")
	pooled := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{}}
	t.Cleanup(pooled.CloseIdleConnections)
	get := func() error {
		resp, err := pooled.Get(url + "/")
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.Body.Close()
	}

	t.Run("idle", func(t *testing.T) {
		require.NoError(t, get()) // its connection stays idle in the pool
		time.Sleep(idleToClose + 100*time.Millisecond)
		require.NoError(t, getWithin(url, time.Second), "the idle connection is closed, the new one served")
	})

	t.Run("busy", func(t *testing.T) {
		stop := make(chan struct{})
		errs := make(chan error, 1)
		go func() {
			defer close(errs)
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := get(); err != nil {
					errs <- err
					return
				}
			}
		}()
		time.Sleep(100 * time.Millisecond)
		err := getWithin(url, idleToClose/2)
		close(stop)
		require.NoError(t, err, "the busy connection's next response closes it, the new one is served")
		require.NoError(t, <-errs, "the busy client loses no request")
	})

	t.Run("not yet sent", func(t *testing.T) {
		hold(t, url) // a connection that has not sent its request is neither
		time.Sleep(100 * time.Millisecond)
		require.Error(t, getWithin(url, 300*time.Millisecond))
	})
}

func TestReadHeaderTimeoutFreesConnections(t *testing.T) {
	url, _, _ := start(t, "-max-conns", "1", "-read-header-timeout", "200ms")
	hold(t, url)
	start := time.Now()
	require.NoError(t, getWithin(url, 3*time.Second), "the silent connection is closed, the next one served")
	assert.Less(t, time.Since(start), 2*time.Second)
}

func TestLimitFlags(t *testing.T) {
	o, err := parseFlags([]string{"-max-conns", "7", "-max-requests", "8", "-max-anon-requests", "9",
		"-read-header-timeout", "1s", "-idle-timeout", "2s", "-body-min-rate", "10", "-body-rate-window", "3s",
		"-body-idle-timeout", "4s", "-write-timeout", "5s", "-max-buckets", "11", "-select-max-work-per-byte", "12"}, noEnv, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, limitOptions{maxConns: 7, maxRequests: 8, maxAnonRequests: 9, readHeaderTimeout: time.Second,
		idleTimeout: 2 * time.Second, bodyMinRate: 10, bodyRateWindow: 3 * time.Second, bodyIdleTimeout: 4 * time.Second,
		writeTimeout: 5 * time.Second, maxBuckets: 11, selectWorkPerByte: 12}, o.limits)
	_, err = parseFlags([]string{"-max-conns", "-1"}, noEnv, io.Discard)
	require.Error(t, err)
	_, err = parseFlags([]string{"-select-max-work-per-byte", "0"}, noEnv, io.Discard)
	require.Error(t, err)
}

func TestLimitFlagDefaults(t *testing.T) {
	o, err := parseFlags(nil, noEnv, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, limitOptions{maxConns: defaultMaxConns, maxRequests: 1024, maxAnonRequests: 256,
		readHeaderTimeout: 10 * time.Second, idleTimeout: 2 * time.Minute, bodyMinRate: 1024,
		bodyRateWindow: 30 * time.Second, bodyIdleTimeout: 20 * time.Second, writeTimeout: 2 * time.Minute, maxBuckets: 10000,
		selectWorkPerByte: 256}, o.limits)
}
