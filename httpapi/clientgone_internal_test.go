package httpapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// failingWriter is a ResponseWriter whose client is gone.
type failingWriter struct{ *httptest.ResponseRecorder }

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("write: broken pipe") }

// debugLogged is a server logging at debug level into logs, and a GET
// request to it under ctx whose answer goes to w.
func debugLogged(ctx context.Context, w http.ResponseWriter) (s *server, rc *request, logs *bytes.Buffer) {
	logs = new(bytes.Buffer)
	s = &server{cfg: Config{Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}}
	r := httptest.NewRequest("GET", "/b/k", nil)
	return s, &request{s: s, r: r, ctx: ctx, d: s3, w: &responseWriter{ResponseWriter: w, req: r}}, logs
}

// TestClientGoneIsNotAnError: an answer that fails because its client
// went away (a write failed) is logged at debug level, not as an
// internal error of the server.
func TestClientGoneIsNotAnError(t *testing.T) {
	s, rc, logs := debugLogged(context.Background(), failingWriter{httptest.NewRecorder()})
	rc.w.WriteHeader(200)
	_, werr := rc.w.Write([]byte("body"))
	require.Error(t, werr)
	s.fail(rc, errors.New("select: writing records: write: broken pipe"))
	require.Contains(t, logs.String(), "client went away")
	require.False(t, strings.Contains(logs.String(), "level=ERROR"), logs.String())
}

// TestReadCutByClientIsNotAnError: a body whose read was cancelled by
// its client's leaving (the OSS SDK's suite left a GetObject half read)
// is logged at debug level; a read failing on its own is an error.
func TestReadCutByClientIsNotAnError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s, rc, logs := debugLogged(ctx, httptest.NewRecorder())
	s.logCutShort(rc, fmt.Errorf("engine: read chunk: %w", context.Canceled), false)
	require.Contains(t, logs.String(), "client went away")
	require.NotContains(t, logs.String(), "level=ERROR")
	logs.Reset()
	rc.ctx = context.Background()
	s.logCutShort(rc, errors.New("engine: chunk checksum mismatch"), false)
	require.Contains(t, logs.String(), "level=ERROR")
}

// TestLookupCancelledByClientIsNotAnError: a lookup done under the
// request's context (a bucket configuration read for the response's
// headers, say) that fails because the client left is logged at debug
// level wherever it is reported; the same error while the client is
// still there is an internal error.
func TestLookupCancelledByClientIsNotAnError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s, rc, logs := debugLogged(ctx, httptest.NewRecorder())
	s.logError(rc, fmt.Errorf("engine: read configuration: %w", context.Canceled))
	require.Contains(t, logs.String(), "client went away")
	require.NotContains(t, logs.String(), "level=ERROR")
	logs.Reset()
	rc.ctx = context.Background()
	s.logError(rc, fmt.Errorf("engine: read configuration: %w", context.Canceled))
	require.Contains(t, logs.String(), "level=ERROR")
}

// TestRace38FailForGoneClientIsAborted: an error answer to a request
// whose client went away (its context cancelled, or a write to it
// failed) is one nobody reads: its record is marked Aborted, as a
// response cut short is, so that the request log and observers tell
// it from a server error (the race-built server under load logged
// such requests as 500 InternalError). An internal error while the
// client is there is not marked.
func TestRace38FailForGoneClientIsAborted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s, rc, _ := debugLogged(ctx, httptest.NewRecorder())
	s.fail(rc, fmt.Errorf("engine: list: %w", context.Canceled))
	require.True(t, rc.aborted)

	s, rc, _ = debugLogged(context.Background(), failingWriter{httptest.NewRecorder()})
	rc.w.WriteHeader(200)
	_, werr := rc.w.Write([]byte("body"))
	require.Error(t, werr)
	s.fail(rc, errors.New("select: writing records: write: broken pipe"))
	require.True(t, rc.aborted)

	s, rc, _ = debugLogged(context.Background(), httptest.NewRecorder())
	s.fail(rc, fmt.Errorf("engine: list: %w", context.Canceled))
	require.False(t, rc.aborted)
}
