package main

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// recordingWriter keeps every Write it is given, and fails them while fail
// is set.
type recordingWriter struct {
	mu     sync.Mutex
	writes []string
	fail   error
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fail != nil {
		return 0, w.fail
	}
	w.writes = append(w.writes, string(p))
	return len(p), nil
}

func (w *recordingWriter) get() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.writes...)
}

func TestLogBatcherBatchesUnderLoad(t *testing.T) {
	w := &recordingWriter{}
	b := newLogBatcher(w, time.Hour) // the batch never ends by itself
	_, err := b.Write([]byte("first\n"))
	require.NoError(t, err)
	require.Equal(t, []string{"first\n"}, w.get(), "a line on an idle output goes out at once")

	var want strings.Builder
	for i := range 100 {
		line := fmt.Sprintf("line %d\n", i)
		want.WriteString(line)
		n, err := b.Write([]byte(line))
		require.NoError(t, err)
		require.Equal(t, len(line), n)
	}
	require.Len(t, w.get(), 1, "the lines that follow wait for the batch")
	require.NoError(t, b.Close())
	require.Equal(t, []string{"first\n", want.String()}, w.get(), "Close writes the batch, in order")

	_, err = b.Write([]byte("late\n"))
	require.NoError(t, err)
	require.Equal(t, "late\n", w.get()[2], "after Close lines go straight out")
}

func TestLogBatcherFlushes(t *testing.T) {
	const delay = 10 * time.Millisecond
	var w *recordingWriter
	var b *logBatcher
	// The batcher's timer runs on the real clock: an attempt in which
	// this goroutine was held up for the delay between the writes (a
	// loaded machine under -race) rightly ended the batch early, and is
	// run again. Within the delay of start, the timer armed by the first
	// write cannot have fired.
	for attempt := 0; ; attempt++ {
		w = &recordingWriter{}
		b = newLogBatcher(w, delay)
		start := time.Now()
		_, _ = b.Write([]byte("a\n"))
		_, _ = b.Write([]byte("b\n"))
		_, _ = b.Write([]byte("c\n"))
		if time.Since(start) < delay || attempt >= 20 {
			break
		}
		require.NoError(t, b.Close())
	}
	defer b.Close()
	require.Eventually(t, func() bool { return len(w.get()) == 2 }, 5*time.Second, time.Millisecond,
		"the batch is written when the delay ends")
	require.Equal(t, []string{"a\n", "b\nc\n"}, w.get())

	// Once a delay passed with nothing to write, the output is idle again
	// and the next line goes out at once.
	require.Eventually(t, func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		return !b.pending
	}, 5*time.Second, time.Millisecond, "the output is idle a delay after the batch")
	_, _ = b.Write([]byte("d\n"))
	require.Equal(t, "d\n", w.get()[2])

	// A full batch is written without waiting.
	big := bytes.Repeat([]byte("x"), logBatchBytes)
	b2 := newLogBatcher(w, time.Hour)
	defer b2.Close()
	_, _ = b2.Write([]byte("e\n"))
	_, _ = b2.Write(big)
	require.Len(t, w.get(), 5)
	require.Len(t, w.get()[4], logBatchBytes)
}

func TestLogBatcherReportsWriteErrors(t *testing.T) {
	w := &recordingWriter{}
	b := newLogBatcher(w, time.Hour)
	_, _ = b.Write([]byte("a\n"))
	_, _ = b.Write([]byte("b\n"))
	boom := errors.New("disk full")
	w.mu.Lock()
	w.fail = boom
	w.mu.Unlock()
	require.ErrorIs(t, b.Close(), boom, "the batch's write error is returned")

	b = newLogBatcher(w, time.Hour)
	_, err := b.Write([]byte("c\n"))
	require.ErrorIs(t, err, boom, "a direct write's error is returned at once")
}

func TestLogBatcherWritesWarningsAtOnce(t *testing.T) {
	w := &recordingWriter{}
	out := newLogBatcher(w, time.Hour)
	defer out.Close()
	l := slog.New(flushingHandler{slog.NewTextHandler(out, nil), out}).With("component", "test")
	l.Info("one")
	l.Info("two")
	require.Len(t, w.get(), 1, "info lines under load wait for the batch")
	l.Warn("three")
	got := strings.Join(w.get(), "")
	for _, want := range []string{"msg=one", "msg=two", "msg=three component=test"} {
		require.Contains(t, got, want, "a warning is written at once, after the lines before it")
	}
	require.Less(t, strings.Index(got, "msg=two"), strings.Index(got, "msg=three"))
}
