package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
)

// Coalescing appends.
//
// Every append (OSS AppendObject, S3 Express's ExtendObject) stores its
// body as a blob of its own and adds an extent to the object's record,
// which each append rewrites: an object grown by many small appends (a
// log written line by line) would cost O(appends) per append, and its
// record would grow without bound. After an append, once the record
// holds more than coalesceMinExtents extents, coalesceTail rewrites the
// record's trailing small extents as one blob when they break the rule
// that each small extent is larger than all small extents after it
// together: as a binary counter carries, so each byte is copied
// O(log(coalesceSmall / append size)) times, and the record keeps at most
// coalesceMinExtents extents plus one for every coalesceSmall bytes or
// so. Only the bytes' place changes: content, ETag, checksums, parts,
// modification time and version stay.

// coalesceSmall: extents at least this long are never rewritten.
const coalesceSmall = 256 << 10

// coalesceMinExtents: records with no more extents are left alone (a
// variable so that the model tests coalesce small records too).
var coalesceMinExtents = 32

// coalesceRun returns the trailing extents of xs to rewrite as one: from
// the last, each earlier small extent no larger than those after it
// together. ok is false when there is nothing to merge.
func coalesceRun(xs []extent) (from int, size int64, ok bool) {
	if len(xs) <= coalesceMinExtents {
		return 0, 0, false
	}
	j := len(xs) - 1
	if xs[j].n >= coalesceSmall {
		return 0, 0, false
	}
	size = xs[j].n
	from = j
	for from > 0 && xs[from-1].n < coalesceSmall && xs[from-1].n <= size {
		from--
		size += xs[from].n
	}
	return from, size, from < j
}

// coalesceAfterAppend runs coalesceTail after an append that left n
// extents. The append has committed: a failure here is logged, not the
// append's.
func (e *Engine) coalesceAfterAppend(ctx context.Context, bucket, key string, n int, customer []byte) {
	if n <= coalesceMinExtents {
		return
	}
	if err := e.coalesceTail(ctx, bucket, key, customer); err != nil && ctx.Err() == nil && !errors.Is(err, ErrClosed) {
		e.opts.Logger.Warn("coalescing appends", "bucket", bucket, "key", key, "err", err)
	}
}

// coalesceTail rewrites the trailing small extents of bucket/key's
// current version as one blob (see coalesceRun), when there are enough.
// customer is the SSE-C key of the append that calls it. A record that
// changes meanwhile is left as it is then; nothing a client sees changes.
func (e *Engine) coalesceTail(ctx context.Context, bucket, key string, customer []byte) error {
	if err := e.enter(ctx); err != nil {
		return err
	}
	defer e.leave()
	o, err := e.openEncrypted(ctx, bucket, key, GetOptions{}, true, customer)
	if err != nil {
		return err
	}
	defer o.Close()
	if o.inline != nil {
		return nil
	}
	from, size, ok := coalesceRun(o.extents)
	if !ok {
		return nil
	}
	run := slices.Clone(o.extents[from:])
	var off int64
	for _, x := range o.extents[:from] {
		off += x.n
	}
	if _, err := o.Seek(off, io.SeekStart); err != nil {
		return err
	}
	var bk *bodyKey
	if enc := o.Info.Encryption; enc != nil {
		if bk, err = e.newBodyKey(ctx, enc, customer); err != nil {
			return err
		}
	}
	b, err := e.ingest(ctx, io.LimitReader(o, size), size, nil, nil, o.Info.ContentType, ingestNoCRC64, bk)
	if err != nil {
		return err
	}
	defer b.done()
	if b.blob == nil || b.size != size {
		return fmt.Errorf("%w: coalescing %s/%s read %d bytes of %d", ErrCorrupt, bucket, key, b.size, size)
	}
	return e.applyCtx(ctx, func(m *mutation) error {
		k := objectKey(bucket, key)
		cur, found, err := getObject(e.db, k, true)
		if err != nil || !found || len(cur.extents) < from+len(run) || !slices.Equal(cur.extents[from:from+len(run)], run) {
			return err // replaced, or grown by a concurrent append: left for the next append
		}
		if !sameSealing(cur.info.Encryption, nil, o.Info.Encryption, nil) {
			// Sealed anew since it was read (UpdateObjectEncryption keeps
			// the extents): the merged blob's key is under the old one.
			return nil
		}
		cur.info.Bucket, cur.info.Key = bucket, key
		rec := cur
		rec.extents = slices.Concat(cur.extents[:from], b.extents(), cur.extents[from+len(run):])
		if enc := cur.info.Encryption; enc != nil {
			// The merged blobs' data keys go, but for a blob another
			// extent still reads (a multipart record's part copies).
			info := enc.withKey(b.keyID(), bk.sealed)
			kept := make(map[uint64]bool, len(rec.extents))
			for _, x := range rec.extents {
				kept[x.blob] = true
			}
			for _, x := range run {
				if !kept[x.blob] {
					delete(info.keys, x.blob)
				}
			}
			rec.info.Encryption = info
		}
		m.addBlob(b.blob)
		m.ref(run, -1)
		m.ref(b.extents(), +1)
		m.notePrior(k, &cur, true)
		return m.setRecord(k, &rec)
	})
}
