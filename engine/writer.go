package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// Writer streams an object into the store: the io.WriteCloser form of
// PutObject, for code that produces a body by writing (encoders, archivers,
// io.Copy). NewWriter returns one; the object becomes visible when Close
// returns nil, and not before.
//
// The caller must call Close (to commit) or Abort (to discard). A Writer
// left open holds a goroutine and one chunk buffer until its context is
// done. Close or Abort every Writer before closing the Engine.
//
// A Writer is not safe for concurrent use.
type Writer struct {
	pw     *io.PipeWriter
	cancel context.CancelCauseFunc
	done   chan struct{} // closed when the PutObject goroutine returns
	info   ObjectInfo    // set before done is closed
	err    error         // set before done is closed
	closed bool          // by Close or Abort
	ok     bool          // Close committed the object
}

// errAborted is the cause given to a Writer's context by Abort.
var errAborted = errors.New("engine: writer aborted")

// NewWriter opens a Writer for bucket/key with the options of PutObject
// (ContentMD5 and Checksum.Value are verified against the whole body when
// Close commits it). The bucket, key, tags and an already failing
// IfMatch/IfNoneMatch are checked now; the conditions are checked again
// at commit.
//
// Cancelling ctx before Close returns aborts the write: nothing is
// committed and Write and Close return an error wrapping ctx's error.
func (e *Engine) NewWriter(ctx context.Context, bucket, key string, opts PutOptions) (*Writer, error) {
	if err := e.enter(ctx); err != nil {
		return nil, err
	}
	defer e.leave()
	if err := validateKey(key, e.opts.MaxKeyLength); err != nil {
		return nil, err
	}
	if err := ValidateTags(opts.Tags); err != nil {
		return nil, err
	}
	if opts.ContentMD5 != nil && len(opts.ContentMD5) != 16 {
		return nil, fmt.Errorf("%w: Content-MD5 must be 16 bytes", ErrInvalidArgument)
	}
	if err := e.checkWrite(bucket, key, opts.IfNoneMatch, opts.IfMatch); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	pr, pw := io.Pipe()
	w := &Writer{pw: pw, cancel: cancel, done: make(chan struct{})}
	// A done context ends the body with its cause, so PutObject aborts even
	// while it waits for bytes the caller will never write. After Close has
	// ended the body this does nothing.
	stop := context.AfterFunc(ctx, func() { pw.CloseWithError(context.Cause(ctx)) })
	go func() {
		defer close(w.done)
		defer stop()
		w.info, w.err = e.PutObject(ctx, bucket, key, pr, -1, opts)
		// Unblock a Write waiting for a reader that is gone.
		pr.CloseWithError(w.err)
	}()
	return w, nil
}

// Write implements io.Writer. It blocks until the store has taken p (at
// most one chunk is buffered). An error means the write was abandoned;
// Close then returns the same error.
func (w *Writer) Write(p []byte) (int, error) {
	if w.closed {
		return 0, ErrClosed
	}
	n, err := w.pw.Write(p)
	if err != nil {
		<-w.done
		if w.err != nil {
			return n, w.err
		}
		return n, err
	}
	return n, nil
}

// Close ends the body and commits the object, returning the error that
// stopped it, if any (then nothing was committed). Closing again returns
// ErrClosed.
func (w *Writer) Close() error {
	if w.closed {
		return ErrClosed
	}
	w.closed = true
	w.pw.Close()
	<-w.done
	w.cancel(nil)
	w.ok = w.err == nil
	return w.err
}

// Abort discards the body: nothing is committed. It waits for the
// Writer's goroutine to finish. Calling Abort after Close or Abort does
// nothing.
func (w *Writer) Abort() {
	if w.closed {
		return
	}
	w.closed = true
	w.pw.CloseWithError(errAborted)
	w.cancel(errAborted)
	<-w.done
}

// Info returns the committed object's info after Close returned nil, and
// the zero ObjectInfo otherwise.
func (w *Writer) Info() ObjectInfo {
	if !w.ok {
		return ObjectInfo{}
	}
	return w.info
}
