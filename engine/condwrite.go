package engine

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// Conditional writes. Every check of a write condition (If-None-Match,
// If-Match, a DeleteObjects entry's ETag) runs inside the mutation that
// writes, under the metadata lock: of several writers racing on one key
// with conditions, exactly one can win.

// DeleteEntry is one key of DeleteEntries.
type DeleteEntry struct {
	Key string
	// IfMatch, when set, deletes the key only while its ETag matches (S3
	// DeleteObjects' per-object ETag); a mismatch is reported for the key
	// as ErrPreconditionFailed and a missing key as ErrNoSuchKey.
	IfMatch string
	// IfLastModified and IfSize delete the key only while its
	// modification time and size match, as in DeleteOptions (S3 Express
	// DeleteObjects' LastModifiedTime and Size); a missing key passes
	// them.
	IfLastModified time.Time
	IfSize         *int64
	// Owner is the principal deleting: the owner of a delete marker the
	// delete makes in a versioned bucket.
	Owner string
}

// deleteCond is the condition of one delete: an ETag list (a missing
// object fails it) and the modification time and size to match (a
// missing object passes those).
type deleteCond struct {
	ifMatch      string
	lastModified time.Time
	size         *int64
}

// conditional reports whether c holds a condition.
func (c deleteCond) conditional() bool {
	return c.ifMatch != "" || !c.lastModified.IsZero() || c.size != nil
}

// check judges the object (or version) i against c: a *DeleteConditionError
// when a condition does not hold. A delete marker has no ETag or size.
func (c deleteCond) check(i *ObjectInfo) error {
	switch {
	case c.ifMatch != "" && (i.DeleteMarker || !etagListMatches(c.ifMatch, i.ETag)):
		return &DeleteConditionError{Condition: "IfMatch", Bucket: i.Bucket, Key: i.Key}
	case !c.lastModified.IsZero() && !i.LastModified.Truncate(time.Second).Equal(c.lastModified.Truncate(time.Second)):
		return &DeleteConditionError{Condition: "IfLastModified", Bucket: i.Bucket, Key: i.Key}
	case c.size != nil && (i.DeleteMarker || i.Size != *c.size):
		return &DeleteConditionError{Condition: "IfSize", Bucket: i.Bucket, Key: i.Key}
	}
	return nil
}

// DeleteConditionError is the ErrPreconditionFailed of a delete: Condition
// names the DeleteOptions field that did not hold (IfMatch,
// IfLastModified or IfSize).
type DeleteConditionError struct {
	Condition   string
	Bucket, Key string
}

func (e *DeleteConditionError) Error() string {
	return fmt.Sprintf("%v: %s of %s/%s does not hold", ErrPreconditionFailed, e.Condition, e.Bucket, e.Key)
}

// Unwrap returns ErrPreconditionFailed.
func (e *DeleteConditionError) Unwrap() error { return ErrPreconditionFailed }

// DeleteEntries is DeleteObjects with a condition per key: one atomic
// batch, one result per entry (in order). Keys whose condition fails, or
// which a retention policy protects, are reported and left alone; the
// others are deleted. A missing bucket fails the whole call.
func (e *Engine) DeleteEntries(ctx context.Context, bucket string, entries []DeleteEntry) ([]DeleteResult, error) {
	if err := e.enter(ctx); err != nil {
		return nil, err
	}
	defer e.leave()
	out := make([]DeleteResult, len(entries))
	err := e.applyCtx(ctx, func(m *mutation) error {
		if _, err := e.bucketRecord(e.db, bucket); err != nil {
			return err
		}
		// A key deleted earlier in this batch is still in e.db: answer
		// its repeats as the first was answered.
		done := map[string]error{}
		for i, en := range entries {
			out[i].Key = en.Key
			if err := validateKey(en.Key, e.opts.MaxKeyLength); err != nil {
				out[i].Err = err
				continue
			}
			if prev, ok := done[en.Key]; ok {
				out[i].Err = prev
				if prev == nil && en.IfMatch != "" {
					out[i].Err = fmt.Errorf("%w: %s/%s", ErrNoSuchKey, bucket, en.Key)
				}
				continue
			}
			res, err := e.deleteOne(m, bucket, en.Key, DeleteOptions{IfMatch: en.IfMatch, IfLastModified: en.IfLastModified, IfSize: en.IfSize, Owner: en.Owner})
			if err != nil && !isKeyError(err) {
				return err
			}
			if err == nil {
				out[i] = res
			}
			out[i].Key, out[i].Err = en.Key, err
			done[en.Key] = err
		}
		m.eventsRemoved(bucket, out)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// keyState names the object at bucket/key for a later comparison: its
// ETag and modification time, or "-" when there is none. The caller
// holds e.mu.
func (e *Engine) keyState(bucket, key string) (string, error) {
	v, ok, err := get(e.db, objectKey(bucket, key))
	if err != nil || !ok {
		return "-", err
	}
	cur, err := decodeObject(v, false)
	if err != nil {
		return "", err
	}
	return cur.info.ETag + "/" + strconv.FormatInt(cur.info.LastModified.UnixNano(), 10), nil
}

// checkCompleteWrite checks a CompleteMultipartUpload's destination
// conditions as S3 does: a condition that does not hold against the
// object as it is now is ErrPreconditionFailed (ErrNoSuchKey for
// If-Match on a missing key), whenever the object was written; a
// condition that holds while the key was written (or deleted) after the
// upload began is ErrConditionalRequestConflict (S3's 409: the write
// raced the upload; the client starts the upload over). An
// unconditional Complete, or one with opts.NoConflict, is never a
// conflict. The caller holds e.mu.
func (e *Engine) checkCompleteWrite(bucket, key string, up objectRecord, opts CompleteOptions) error {
	if err := e.checkWrite(bucket, key, opts.IfNoneMatch, opts.IfMatch); err != nil || opts.NoConflict || (opts.IfNoneMatch == "" && opts.IfMatch == "") {
		return err
	}
	now, err := e.keyState(bucket, key)
	if err != nil {
		return err
	}
	changed := now != up.uploadBase
	if up.uploadBase == "" { // an upload from before keyState was kept
		cur, cerr := e.objectRecord(e.db, bucket, key, false)
		changed = cerr == nil && cur.info.LastModified.After(up.info.LastModified)
	}
	if changed {
		return fmt.Errorf("%w: %s/%s was written after the upload began", ErrConditionalRequestConflict, bucket, key)
	}
	return nil
}
