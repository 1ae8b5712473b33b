package engine

import (
	"bytes"
	"context"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gateClock is a fakeClock whose next Now, once armed, waits for release:
// it holds a write inside its mutation (Put reads the clock there for
// LastModified).
type gateClock struct {
	*fakeClock
	mu      sync.Mutex
	armed   bool
	entered chan struct{}
	release chan struct{}
}

func (c *gateClock) arm() {
	c.mu.Lock()
	c.armed, c.entered, c.release = true, make(chan struct{}), make(chan struct{})
	c.mu.Unlock()
}

func (c *gateClock) Now() time.Time {
	c.mu.Lock()
	armed, entered, release := c.armed, c.entered, c.release
	c.armed = false
	c.mu.Unlock()
	if armed {
		close(entered)
		<-release
	}
	return c.fakeClock.Now()
}

// Close while a write is committing (a server whose graceful shutdown
// timed out closes the store under handlers still running): the write is
// either acknowledged, and then found after reopening, or fails with
// ErrClosed. Before, Close closed pebble under the mutation, whose next
// read crashed the process with pebble's "pebble: closed" panic.
func TestCloseDuringCommit(t *testing.T) {
	ctx := context.Background()
	rounds := 6
	if testing.Short() {
		rounds = 2
	}
	for range rounds {
		clk := &gateClock{fakeClock: newFakeClock()}
		opts := testOptions()
		opts.FS, opts.Clock, opts.CompactInterval = vfs.NewMem(), clk, -1
		e, err := Open("store", opts)
		require.NoError(t, err)
		require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
		body := bytes.Repeat([]byte("x"), 10<<10)
		clk.arm()
		putErr := make(chan error, 1)
		go func() {
			_, err := e.PutObject(ctx, "bkt", "k", bytes.NewReader(body), int64(len(body)), PutOptions{})
			putErr <- err
		}()
		<-clk.entered // the write holds the metadata lock
		closed := make(chan error, 1)
		go func() { closed <- e.Close() }()
		// Close must wait for the commit; give a Close that does not
		// time to close pebble under it.
		select {
		case err := <-closed:
			closed <- err
		case <-time.After(20 * time.Millisecond):
		}
		close(clk.release)
		err = <-putErr
		require.NoError(t, <-closed)
		e, rerr := Open("store", opts)
		require.NoError(t, rerr)
		if err == nil {
			got, _ := readAll(t, e, "bkt", "k", GetOptions{})
			assert.Equal(t, body, got, "acknowledged before Close")
		} else {
			require.ErrorIs(t, err, ErrClosed)
		}
		require.NoError(t, e.Close())
	}
}

// A body still being read when Close runs fails with ErrClosed (the blob
// log is closed under it), not with the blob log's own error.
func TestCloseDuringIngest(t *testing.T) {
	ctx := context.Background()
	e, err := Open("", testOptions())
	require.NoError(t, err)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	reading := make(chan struct{})
	r := &gateReader{data: bytes.Repeat([]byte("y"), 64<<10), reading: reading, release: make(chan struct{})}
	putErr := make(chan error, 1)
	go func() {
		_, err := e.PutObject(ctx, "bkt", "k", r, int64(len(r.data)), PutOptions{})
		putErr <- err
	}()
	<-reading // past the first chunk
	require.NoError(t, e.Close())
	close(r.release)
	require.ErrorIs(t, <-putErr, ErrClosed)
}

// gateReader returns its first chunk, then waits for release.
type gateReader struct {
	data             []byte
	off              int
	reading, release chan struct{}
}

func (r *gateReader) Read(p []byte) (int, error) {
	if r.off > 0 && r.reading != nil {
		close(r.reading)
		r.reading = nil
		<-r.release
	}
	if r.off == len(r.data) {
		return 0, io.EOF
	}
	n := copy(p, r.data[r.off:min(len(r.data), r.off+4<<10)])
	r.off += n
	return n, nil
}
