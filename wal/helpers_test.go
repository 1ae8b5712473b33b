package wal

import (
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/stretchr/testify/require"
)

var discardLogger = slog.New(slog.DiscardHandler)

func testOptions(fs vfs.FS) Options {
	return Options{FS: fs, Dir: "data/wal", Logger: discardLogger}
}

// openLog opens a Log and closes it at the end of the test unless the test
// closed it already.
func openLog(t testing.TB, opts Options) (*Log, RecoveryReport) {
	t.Helper()
	l, report, err := Open(opts)
	require.NoError(t, err)
	t.Cleanup(func() {
		if err := l.Close(); err != nil && !errors.Is(err, ErrClosed) {
			t.Errorf("close: %v", err)
		}
	})
	return l, report
}

// randomBytes returns n incompressible bytes.
func randomBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// textBytes returns n bytes of compressible, text-like data.
func textBytes(rng *rand.Rand, n int) []byte {
	words := []string{"object ", "bucket ", "storage ", "chunk ", "segment ", "log ", "the ", "of ", "and ", "osslite\n"}
	b := make([]byte, 0, n+16)
	for len(b) < n {
		b = append(b, words[rng.IntN(len(words))]...)
	}
	return b[:n]
}

// countingFS counts fsyncs of files and directories and can make each one
// slow, to provoke contention.
type countingFS struct {
	vfs.FS
	syncs atomic.Int64
	delay time.Duration
}

type countingFile struct {
	vfs.File
	fs *countingFS
}

func (f countingFile) Sync() error {
	f.fs.syncs.Add(1)
	if f.fs.delay > 0 {
		time.Sleep(f.fs.delay)
	}
	return f.File.Sync()
}

func (f countingFile) SyncData() error { return f.Sync() }

func (fs *countingFS) wrap(f vfs.File, err error) (vfs.File, error) {
	if err != nil {
		return nil, err
	}
	return countingFile{File: f, fs: fs}, nil
}

func (fs *countingFS) Create(name string, c vfs.DiskWriteCategory) (vfs.File, error) {
	return fs.wrap(fs.FS.Create(name, c))
}

func (fs *countingFS) Open(name string, opts ...vfs.OpenOption) (vfs.File, error) {
	return fs.wrap(fs.FS.Open(name, opts...))
}

func (fs *countingFS) OpenReadWrite(name string, c vfs.DiskWriteCategory, opts ...vfs.OpenOption) (vfs.File, error) {
	return fs.wrap(fs.FS.OpenReadWrite(name, c, opts...))
}

func (fs *countingFS) OpenDir(name string) (vfs.File, error) {
	return fs.wrap(fs.FS.OpenDir(name))
}

func (fs *countingFS) Unwrap() vfs.FS { return fs.FS }
