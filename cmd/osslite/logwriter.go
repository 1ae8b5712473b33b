package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"
)

const (
	// logBatchDelay is the longest a log line waits in a batch.
	logBatchDelay = 25 * time.Millisecond
	// logBatchBytes is the batch size written at once without waiting.
	logBatchBytes = 64 << 10
)

// logBatcher writes the server's output (the banner and every log record,
// one request line per request at info) to w in batches under load, so a
// busy server makes a write system call per batch instead of one per
// request (about a tenth of a small request's cost when w is a file, more
// on a terminal). A line written while the output was idle goes out at
// once; the lines that follow within logBatchDelay are collected and
// written together when it ends, or as soon as logBatchBytes have
// collected. Lines keep their order. Close writes what is left; a write
// error is returned by the next Write or Close, as a direct write's would
// be. Warnings and errors are written at once (flushingHandler).
type logBatcher struct {
	w     io.Writer
	delay time.Duration

	mu      sync.Mutex
	buf     []byte
	timer   *time.Timer // armed while lines written in the last delay may follow
	pending bool        // timer armed
	err     error       // the last failed write's error, reported once
	closed  bool
}

func newLogBatcher(w io.Writer, delay time.Duration) *logBatcher {
	b := &logBatcher{w: w, delay: delay}
	b.timer = time.AfterFunc(time.Hour, b.tick)
	b.timer.Stop()
	return b
}

// Write writes p at once if the output was idle and batches it otherwise.
// It keeps no reference to p.
func (b *logBatcher) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.err; err != nil {
		b.err = nil
		return 0, err
	}
	if b.closed || !b.pending {
		if !b.closed {
			b.pending = true
			b.timer.Reset(b.delay)
		}
		return b.w.Write(p)
	}
	b.buf = append(b.buf, p...)
	if len(b.buf) >= logBatchBytes {
		b.flushLocked()
	}
	return len(p), nil
}

// tick writes the batch collected since the last write; with nothing
// collected the output is idle again.
func (b *logBatcher) tick() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	if len(b.buf) == 0 {
		b.pending = false
		return
	}
	b.flushLocked()
	b.timer.Reset(b.delay)
}

func (b *logBatcher) flushLocked() {
	if len(b.buf) == 0 {
		return
	}
	if _, err := b.w.Write(b.buf); err != nil {
		b.err = err
	}
	b.buf = b.buf[:0]
	if cap(b.buf) > 4*logBatchBytes {
		b.buf = nil // a burst's buffer is not kept
	}
}

// Flush writes what is collected now.
func (b *logBatcher) Flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
}

// flushingHandler is a log handler whose warnings and errors are written
// out at once, with every line collected before them: a process that
// crashes right after one loses no line that explains it.
type flushingHandler struct {
	slog.Handler
	out *logBatcher
}

func (h flushingHandler) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		h.out.Flush()
	}
	return err
}

func (h flushingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return flushingHandler{h.Handler.WithAttrs(attrs), h.out}
}

func (h flushingHandler) WithGroup(name string) slog.Handler {
	return flushingHandler{h.Handler.WithGroup(name), h.out}
}

// Close writes what is collected; later writes go straight to w.
func (b *logBatcher) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.timer.Stop()
	b.closed, b.pending = true, false
	b.flushLocked()
	err := b.err
	b.err = nil
	return err
}

// serverErrorLog is the http.Server's ErrorLog: its lines are warnings,
// but for a client that closed or reset its connection before the TLS
// handshake ended ("http: TLS handshake error from ADDR: EOF", "...:
// connection reset by peer"), which is logged at debug as any other client
// that went away (httpapi's logClientGone). A
// Go client whose requests find no idle connection dials a new one for
// each of them and keeps the dials it no longer needs; at -max-conns those
// dials wait in the listen backlog, and when the client ends they are
// closed before the server reaches them: warp with 48 workers against
// -max-conns 32 over TLS left about 3,500 a run of 10 s, each a warning
// line, in the seconds after the run.
type serverErrorLog struct{ logger *slog.Logger }

func (l serverErrorLog) Write(p []byte) (int, error) {
	msg := strings.TrimSuffix(string(p), "\n")
	level := slog.LevelWarn
	if strings.HasPrefix(msg, "http: TLS handshake error from ") &&
		(strings.HasSuffix(msg, ": EOF") || strings.HasSuffix(msg, ": connection reset by peer")) {
		level = slog.LevelDebug
	}
	l.logger.Log(context.Background(), level, msg)
	return len(p), nil
}
