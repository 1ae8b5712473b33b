package memhttp

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"
)

func newClient(t *testing.T, h http.HandlerFunc) *http.Client {
	t.Helper()
	tr := New(h, func(v any, stack []byte) { t.Errorf("handler panic: %v\n%s", v, stack) })
	t.Cleanup(func() { require.Zero(t, tr.Close(), "exchanges still in flight at cleanup") })
	return &http.Client{Transport: tr}
}

// pattern is a deterministic, non-repeating-looking byte source.
type pattern struct{ n int64 }

func (p *pattern) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = byte(p.n*7 + p.n>>9)
		p.n++
	}
	return len(b), nil
}

func TestResponseStreams(t *testing.T) {
	const total = 64 << 20
	const chunk = 1 << 20
	firstSeen := make(chan struct{})
	var finished atomic.Bool
	want := sha256.New()
	io.CopyN(want, &pattern{}, total)

	c := newClient(t, func(w http.ResponseWriter, r *http.Request) {
		defer finished.Store(true)
		src := &pattern{}
		buf := make([]byte, chunk)
		for i := 0; i < total/chunk; i++ {
			io.ReadFull(src, buf)
			if _, err := w.Write(buf); err != nil {
				t.Errorf("write: %v", err)
				return
			}
			if i == 0 {
				// Do not produce more until the client has seen bytes: a
				// buffering transport deadlocks here.
				select {
				case <-firstSeen:
				case <-time.After(10 * time.Second):
					t.Error("client saw no bytes while the handler was producing")
					return
				}
			}
		}
	})
	resp, err := c.Get("http://example.com/big")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.EqualValues(t, -1, resp.ContentLength)
	first := make([]byte, 4096)
	_, err = io.ReadFull(resp.Body, first)
	require.NoError(t, err)
	require.False(t, finished.Load(), "handler finished before the client read anything")
	close(firstSeen)
	got := sha256.New()
	got.Write(first)
	n, err := io.Copy(got, resp.Body)
	require.NoError(t, err)
	require.EqualValues(t, total, n+int64(len(first)))
	require.Equal(t, want.Sum(nil), got.Sum(nil))
}

func TestRequestBodyStreams(t *testing.T) {
	handlerGotFirst := make(chan struct{})
	c := newClient(t, func(w http.ResponseWriter, r *http.Request) {
		require.EqualValues(t, 8, r.ContentLength)
		require.Equal(t, "8", r.Header.Get("Content-Length"))
		first := make([]byte, 4)
		if _, err := io.ReadFull(r.Body, first); err != nil {
			t.Errorf("read first: %v", err)
			return
		}
		close(handlerGotFirst)
		rest, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("read rest: %v", err)
		}
		io.WriteString(w, string(first)+"|"+string(rest))
	})
	pr, pw := io.Pipe()
	go func() {
		pw.Write([]byte("abcd"))
		// The rest is only produced after the handler saw the start: a
		// transport that reads the whole body first deadlocks here.
		select {
		case <-handlerGotFirst:
		case <-time.After(10 * time.Second):
			pw.CloseWithError(errors.New("handler never saw the first bytes"))
			return
		}
		pw.Write([]byte("efgh"))
		pw.Close()
	}()
	req, err := http.NewRequest(http.MethodPut, "http://example.com/up", pr)
	require.NoError(t, err)
	req.ContentLength = 8
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, "abcd|efgh", string(b))
	require.EqualValues(t, 9, resp.ContentLength, "short response gets a computed Content-Length")
}

func TestServerRequestShape(t *testing.T) {
	type seen struct {
		host, uri, path, query, ua, te, cl string
		contentLength                      int64
		tls                                bool
		trailer                            string
	}
	tests := []struct {
		name  string
		build func() *http.Request
		want  seen
	}{
		{
			name: "virtual host with port",
			build: func() *http.Request {
				r, _ := http.NewRequest(http.MethodGet, "http://photos.localhost:9000/a%2Fb/c?list-type=2&prefix=x", nil)
				return r
			},
			want: seen{host: "photos.localhost:9000", uri: "/a%2Fb/c?list-type=2&prefix=x", path: "/a/b/c", query: "list-type=2&prefix=x", ua: "Go-http-client/1.1"},
		},
		{
			name: "explicit Host and user agent, https",
			build: func() *http.Request {
				r, _ := http.NewRequest(http.MethodGet, "https://127.0.0.1/b/k", nil)
				r.Host = "b.s3.example.test"
				r.Header.Set("User-Agent", "aws-sdk-go-v2")
				return r
			},
			want: seen{host: "b.s3.example.test", uri: "/b/k", path: "/b/k", ua: "aws-sdk-go-v2", tls: true},
		},
		{
			name: "empty PUT sends Content-Length 0",
			build: func() *http.Request {
				r, _ := http.NewRequest(http.MethodPut, "http://x/b/k", nil)
				return r
			},
			want: seen{host: "x", uri: "/b/k", path: "/b/k", ua: "Go-http-client/1.1", cl: "0"},
		},
		{
			name: "unknown length is chunked, trailers arrive",
			build: func() *http.Request {
				r, _ := http.NewRequest(http.MethodPut, "http://x/b/k", io.NopCloser(strings.NewReader("hello")))
				r.ContentLength = -1
				r.Trailer = http.Header{"X-Amz-Checksum-Crc32": {"abc"}}
				return r
			},
			want: seen{host: "x", uri: "/b/k", path: "/b/k", ua: "Go-http-client/1.1", te: "chunked", contentLength: -1, trailer: "abc"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got seen
			c := newClient(t, func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				got = seen{
					host: r.Host, uri: r.RequestURI, path: r.URL.Path, query: r.URL.RawQuery,
					ua: r.Header.Get("User-Agent"), te: strings.Join(r.TransferEncoding, ","),
					cl: r.Header.Get("Content-Length"), contentLength: r.ContentLength, tls: r.TLS != nil,
					trailer: r.Trailer.Get("X-Amz-Checksum-Crc32"),
				}
				require.Empty(t, r.Header.Get("Host"))
				require.Equal(t, RemoteAddr, r.RemoteAddr)
			})
			resp, err := c.Do(tc.build())
			require.NoError(t, err)
			resp.Body.Close()
			require.Equal(t, tc.want, got)
		})
	}
}

func TestResponseHead(t *testing.T) {
	c := newClient(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/html":
			io.WriteString(w, "<html><body>hi</body></html>")
		case "/head":
			w.Header().Set("Content-Length", "12345")
			w.Header().Set("ETag", `"x"`)
		case "/nocontent":
			w.WriteHeader(http.StatusNoContent)
			_, err := w.Write([]byte("x"))
			require.ErrorIs(t, err, http.ErrBodyNotAllowed)
		case "/trailer":
			w.Header().Set("Trailer", "X-Sum")
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write(bytes.Repeat([]byte("z"), 3*bufferBeforeCommit))
			w.Header().Set("X-Sum", "42")
		case "/short":
			w.Header().Set("Content-Length", "10000")
			w.Write(bytes.Repeat([]byte("z"), 5000))
		}
	})

	resp, err := c.Get("http://h/html")
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	require.EqualValues(t, len(b), resp.ContentLength)
	require.NotEmpty(t, resp.Header.Get("Date"))

	resp, err = c.Head("http://h/head")
	require.NoError(t, err)
	require.EqualValues(t, 12345, resp.ContentLength)
	require.Equal(t, http.NoBody, resp.Body)
	require.Equal(t, `"x"`, resp.Header.Get("ETag"))

	resp, err = c.Get("http://h/nocontent")
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	require.Zero(t, resp.ContentLength)

	resp, err = c.Get("http://h/trailer")
	require.NoError(t, err)
	require.Empty(t, resp.Header.Get("Trailer"))
	n, err := io.Copy(io.Discard, resp.Body)
	require.NoError(t, err)
	resp.Body.Close()
	require.EqualValues(t, 3*bufferBeforeCommit, n)
	require.Equal(t, "42", resp.Trailer.Get("X-Sum"))

	resp, err = c.Get("http://h/short")
	require.NoError(t, err)
	_, err = io.Copy(io.Discard, resp.Body)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF, "a body shorter than its Content-Length is a broken connection")
	resp.Body.Close()
}

func TestAbort(t *testing.T) {
	c := newClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/late" {
			w.Write(bytes.Repeat([]byte("a"), 10*bufferBeforeCommit))
		}
		panic(http.ErrAbortHandler)
	})
	_, err := c.Get("http://h/early")
	require.ErrorIs(t, err, ErrDropped)
	require.Contains(t, err.Error(), "connection reset")

	resp, err := c.Get("http://h/late")
	require.NoError(t, err)
	_, err = io.Copy(io.Discard, resp.Body)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	resp.Body.Close()
}

func TestContextCancel(t *testing.T) {
	handlerSaw := make(chan error, 1)
	c := newClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/body" {
			w.Write(bytes.Repeat([]byte("a"), 10*bufferBeforeCommit))
		}
		<-r.Context().Done()
		handlerSaw <- r.Context().Err()
	})

	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://h/wait", nil)
	time.AfterFunc(10*time.Millisecond, cancel)
	_, err := c.Do(req)
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, <-handlerSaw, context.Canceled)

	ctx, cancel = context.WithCancel(context.Background())
	req, _ = http.NewRequestWithContext(ctx, http.MethodGet, "http://h/body", nil)
	resp, err := c.Do(req)
	require.NoError(t, err)
	cancel()
	_, err = io.Copy(io.Discard, resp.Body)
	require.ErrorIs(t, err, context.Canceled)
	resp.Body.Close()
	require.ErrorIs(t, <-handlerSaw, context.Canceled)
}

func TestCloseAbortsInFlight(t *testing.T) {
	started := make(chan struct{})
	tr := New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done()
	}), nil)
	errc := make(chan error, 1)
	go func() {
		_, err := (&http.Client{Transport: tr}).Get("http://h/")
		errc <- err
	}()
	<-started
	require.Equal(t, 1, tr.Close())
	require.ErrorIs(t, <-errc, ErrClosed)
	_, err := (&http.Client{Transport: tr}).Get("http://h/")
	require.ErrorIs(t, err, ErrClosed)
}

// TestSynctest runs requests inside a bubble: no listener, fake time, and
// every goroutine the transport starts ends with the bubble.
func TestSynctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tr := New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(time.Hour)
			w.Header().Set("Content-Type", "text/plain")
			w.Write(bytes.Repeat([]byte("s"), 1<<20))
		}), nil)
		defer tr.Close()
		start := time.Now()
		resp, err := (&http.Client{Transport: tr}).Get("http://bucket.localhost/key")
		require.NoError(t, err)
		n, err := io.Copy(io.Discard, resp.Body)
		require.NoError(t, err)
		resp.Body.Close()
		require.EqualValues(t, 1<<20, n)
		require.Equal(t, time.Hour, time.Since(start))
		synctest.Wait()
	})
}

// A handler may write header names in any spelling (httpapi's Sina
// dialect writes ETag and x-amz-meta-*, as SCS does); a client over TCP
// reads them canonicalized, so Header.Get("ETag") finds them. The
// in-memory transport handed the map through as written.
func TestSina33ResponseHeaderNamesCanonical(t *testing.T) {
	c := newClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header()["ETag"] = []string{`"abc"`}
		w.Header()["x-amz-meta-color"] = []string{"red"}
		w.Header().Set("X-Plain", "1")
		_, _ = io.WriteString(w, "body")
	})
	resp, err := c.Get("http://example.test/")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, `"abc"`, resp.Header.Get("ETag"))
	require.Equal(t, "red", resp.Header.Get("X-Amz-Meta-Color"))
	require.Equal(t, "1", resp.Header.Get("X-Plain"))
	_, ok := resp.Header["ETag"]
	require.False(t, ok, "names are canonical: %v", resp.Header)
}
