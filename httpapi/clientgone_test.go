package httpapi_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	oss1 "github.com/aliyun/aliyun-oss-go-sdk/oss"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/httpapi"
	"github.com/osslite/osslite/pkg/bucketconfig"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestOSSGetCutByClientExit: aliyun-oss-go-sdk's OssBucketSuite leaves
// GetObjects half read, deletes their objects and bucket, and exits: the
// kernel resets the connections under answers still being written. Each
// is logged at debug level as a client that went away, and its record
// is complete. Before, the record's user-defined log fields were looked
// up under the request's context, which net/http had cancelled: with
// the bucket's configurations no longer cached (the bucket deleted, or
// its log fields changed, meanwhile) the lookup failed with "context
// canceled", logged as an internal error, and the record lost its
// fields.
func TestOSSGetCutByClientExit(t *testing.T) {
	var logs syncBuffer
	var mu sync.Mutex
	records := map[string]httpapi.Record{} // by request ID
	f := newFixture(t, fixtureOptions{opts: []httpapi.Option{
		httpapi.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		httpapi.WithObserver(func(r httpapi.Record) { mu.Lock(); records[r.RequestID] = r; mu.Unlock() }),
	}})
	admin := f.ossV1(t, testAK, testSK)
	big := pattern(32 << 20) // more than loopback's socket buffers hold

	// getHalf starts a GetObject of bucket/key on a connection of its
	// own, reads some of the body and returns the request ID and the
	// connection.
	getHalf := func(bucket, key string, opts ...oss1.Option) (string, *net.TCPConn) {
		t.Helper()
		conns := make(chan net.Conn, 1)
		hc := f.httpClient()
		tr := hc.Transport.(*http.Transport)
		dial := tr.DialContext
		tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := dial(ctx, network, addr)
			if err == nil {
				conns <- c
			}
			return c, err
		}
		b, err := f.ossV1(t, testAK, testSK, oss1.HTTPClient(hc)).Bucket(bucket)
		require.NoError(t, err)
		var hdr http.Header
		body, err := b.GetObject(key, append(opts, oss1.GetResponseHeader(&hdr))...)
		require.NoError(t, err)
		_, err = io.CopyN(io.Discard, body, 64<<10)
		require.NoError(t, err)
		return hdr.Get("X-Oss-Request-Id"), (<-conns).(*net.TCPConn)
	}
	// exit resets the connection, as the kernel does for a process that
	// exits with unread bytes, and waits for the request's record.
	exit := func(conn *net.TCPConn, requestID string) httpapi.Record {
		t.Helper()
		require.NoError(t, conn.SetLinger(0))
		require.NoError(t, conn.Close())
		var rec httpapi.Record
		require.Eventually(t, func() bool {
			mu.Lock()
			defer mu.Unlock()
			var seen bool
			rec, seen = records[requestID]
			return seen
		}, 10*time.Second, time.Millisecond, "no record of %s", requestID)
		return rec
	}

	// The bucket and its object deleted while the answer is written.
	require.NoError(t, admin.CreateBucket("gone"))
	gone, err := admin.Bucket("gone")
	require.NoError(t, err)
	require.NoError(t, gone.PutObject("big", bytes.NewReader(big)))
	id, conn := getHalf("gone", "big")
	require.NoError(t, gone.DeleteObject("big"))
	require.NoError(t, admin.DeleteBucket("gone"))
	rec := exit(conn, id)
	require.True(t, rec.Aborted)
	require.Contains(t, logs.String(), "client went away")
	require.NotContains(t, logs.String(), "level=ERROR")

	// A traffic-limited GET, its client gone while it waits for its
	// pace, and its bucket's log fields changed meanwhile (by the
	// engine: no request looks them up again first): the record carries
	// the new ones.
	require.NoError(t, admin.CreateBucket("kept"))
	kept, err := admin.Bucket("kept")
	require.NoError(t, err)
	require.NoError(t, kept.PutObject("slow", bytes.NewReader(big[:1<<20])))
	id, conn = getHalf("kept", "slow", oss1.TrafficLimitHeader(819200), oss1.SetHeader("X-Trace", "t-1"))
	require.NoError(t, f.eng.SetBucketConfig(bg, "kept", &bucketconfig.LogFields{Headers: []string{"X-Trace"}}))
	rec = exit(conn, id)
	require.True(t, rec.Aborted)
	require.NotEmpty(t, rec.UserDefinedLogFields, "the aborted GET's record keeps its log fields")
	require.NotContains(t, logs.String(), "level=ERROR")
	require.False(t, strings.Contains(logs.String(), "internal error"), logs.String())
}
