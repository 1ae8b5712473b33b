package engine

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Access logs. The HTTP layer formats one line per request to a bucket
// with logging enabled (S3's server access log format, OSS's log format)
// and hands it to AppendAccessLog with the target bucket and the name
// prefix of the log objects. Lines are batched in memory per target and
// prefix; a batch becomes one object when it is Options.AccessLogInterval
// old on the clock (checked every second, and by RunPending), when it
// exceeds Options.AccessLogMaxBatch bytes, and at Close. Log objects are
// written through the engine, not HTTP, so they are never logged
// themselves.
//
// Like S3's, access logs are best effort: a crash loses the batch not yet
// written, and a batch whose target bucket is gone is dropped. A batch
// belongs to the target bucket its lines were added for (its BucketInfo.ID):
// one deleted and made again meanwhile, by another account perhaps, gets
// none of them (the write is guarded, WithBucketGuard).

type accessLogState struct {
	mu      sync.Mutex
	batches map[accessLogKey]*accessLogBatch
}

type accessLogKey struct {
	bucket, prefix string
	id             uint64 // the bucket's BucketInfo.ID
}

type accessLogBatch struct {
	start time.Time
	buf   bytes.Buffer
}

// AppendAccessLog adds one log line (a newline is appended) to the batch
// of log objects named prefix+<time>-<unique> in bucket. The line is for
// the bucket ctx is guarded by (WithBucketGuard: the one the caller
// checked), else for the bucket of that name now; a missing bucket drops
// it.
func (e *Engine) AppendAccessLog(ctx context.Context, bucket, prefix string, line []byte) error {
	if err := e.enter(ctx); err != nil {
		return err
	}
	defer e.leave()
	k := accessLogKey{bucket: bucket, prefix: prefix}
	if g, ok := ctx.Value(bucketGuardKey{}).(*bucketGuard); ok && g.bucket == bucket {
		k.id = g.id
	} else {
		rec, err := e.cachedBucket(bucket)
		if errors.Is(err, ErrNoSuchBucket) {
			return nil
		}
		if err != nil {
			return err
		}
		k.id = rec.id
	}
	l := &e.notify.logs
	l.mu.Lock()
	if l.batches == nil {
		l.batches = make(map[accessLogKey]*accessLogBatch)
	}
	b := l.batches[k]
	if b == nil {
		b = &accessLogBatch{start: e.now()}
		l.batches[k] = b
	}
	b.buf.Write(line)
	b.buf.WriteByte('\n')
	full := b.buf.Len() >= e.opts.AccessLogMaxBatch
	if full {
		delete(l.batches, k)
	}
	l.mu.Unlock()
	if full {
		return e.writeAccessLog(ctx, k, b)
	}
	return nil
}

// FlushAccessLogs writes every pending access-log batch now.
func (e *Engine) FlushAccessLogs(ctx context.Context) error {
	return e.flushAccessLogs(ctx, e.now(), true)
}

// flushAccessLogs writes the batches that are AccessLogInterval old at
// now (all of them with all).
func (e *Engine) flushAccessLogs(ctx context.Context, now time.Time, all bool) error {
	l := &e.notify.logs
	var due []accessLogKey
	var bs []*accessLogBatch
	l.mu.Lock()
	for k, b := range l.batches {
		if all || now.Sub(b.start) >= e.opts.AccessLogInterval {
			due = append(due, k)
			bs = append(bs, b)
			delete(l.batches, k)
		}
	}
	l.mu.Unlock()
	var errs []error
	for i, k := range due {
		errs = append(errs, e.writeAccessLog(ctx, k, bs[i]))
	}
	return errors.Join(errs...)
}

// writeAccessLog stores one batch as an object. A missing target bucket,
// or one made again since the batch's lines were added, drops the batch.
func (e *Engine) writeAccessLog(ctx context.Context, k accessLogKey, b *accessLogBatch) error {
	var u [8]byte
	_, _ = rand.Read(u[:])
	name := k.prefix + e.now().Format("2006-01-02-15-04-05") + "-" + strings.ToUpper(hex.EncodeToString(u[:]))
	// The object is the target bucket's owner's, as S3's log objects
	// are the bucket owner's (it had none: listings named an empty
	// owner). The guard drops it when the bucket is not the one checked.
	var owner string
	if rec, err := e.cachedBucket(k.bucket); err == nil && rec.id == k.id {
		owner = rec.owner
	}
	_, err := e.PutObject(WithBucketGuard(ctx, k.bucket, k.id), k.bucket, name, bytes.NewReader(b.buf.Bytes()), int64(b.buf.Len()),
		PutOptions{Metadata: Metadata{ContentType: "text/plain"}, Owner: owner})
	if errors.Is(err, ErrNoSuchBucket) || errors.Is(err, ErrBucketChanged) {
		e.opts.Logger.Warn("access log dropped: target bucket is gone", "bucket", k.bucket, "bytes", b.buf.Len())
		return nil
	}
	if err != nil {
		return fmt.Errorf("engine: access log %s/%s: %w", k.bucket, name, err)
	}
	return nil
}
