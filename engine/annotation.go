package engine

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble/v2"
)

// Annotations are data derived from an object's body and kept beside it,
// such as OSS's select meta (record counts and split points): the
// application computes them once and reads them on later requests.
//
// An annotation is bound to the body it was computed from: it records
// the object's ETag, size and modification time, and reading it for an
// object that has changed since answers ErrNoSuchAnnotation, so a stale
// annotation is never served. Annotations go with their bucket; those of
// deleted or replaced objects are swept by the background loop.
//
//	N/<bucket>\x00<key>\x00<name>   annotation: identity, then data

const prefixAnnotation = "N/"

// MaxAnnotationSize bounds one annotation's data.
const MaxAnnotationSize = 1 << 20

func annotationPrefix(bucket string) []byte {
	b := make([]byte, 0, len(prefixAnnotation)+len(bucket)+1)
	b = append(append(append(b, prefixAnnotation...), bucket...), 0)
	return b
}

func annotationKey(bucket, key, name string) []byte {
	return append(append(append(annotationPrefix(bucket), key...), 0), name...)
}

// annotationIdentity is what binds an annotation to one body.
func annotationIdentity(info ObjectInfo) []byte {
	b := make([]byte, 0, 64)
	b = binary.AppendUvarint(b, uint64(len(info.ETag)))
	b = append(b, info.ETag...)
	b = binary.AppendUvarint(b, uint64(info.Size))
	return binary.AppendVarint(b, info.LastModified.UnixNano())
}

// PutAnnotation stores data under name for the object whose current
// state is of (as returned by HeadObject or GetObject). It fails with
// ErrNoSuchKey when the object is gone, ErrPreconditionFailed when it
// changed since of was read, and ErrEntityTooLarge beyond
// MaxAnnotationSize.
func (e *Engine) PutAnnotation(ctx context.Context, bucket, key, name string, of ObjectInfo, data []byte) error {
	if err := e.enter(ctx); err != nil {
		return err
	}
	defer e.leave()
	if len(data) > MaxAnnotationSize {
		return fmt.Errorf("%w: annotation of %d bytes", ErrEntityTooLarge, len(data))
	}
	id := annotationIdentity(of)
	return e.applyCtx(ctx, func(m *mutation) error {
		rec, err := e.objectRecord(e.db, bucket, key, false)
		if err != nil {
			return err
		}
		if !bytes.Equal(annotationIdentity(rec.info), id) {
			return fmt.Errorf("%w: %s/%s changed", ErrPreconditionFailed, bucket, key)
		}
		v := binary.AppendUvarint(make([]byte, 0, 10+len(id)+len(data)), uint64(len(id)))
		v = append(append(v, id...), data...)
		return m.b.Set(annotationKey(bucket, key, name), v, nil)
	})
}

// Annotation returns the data stored under name for the object whose
// current state is of, or ErrNoSuchAnnotation when there is none or it
// was computed from another body.
func (e *Engine) Annotation(ctx context.Context, bucket, key, name string, of ObjectInfo) ([]byte, error) {
	if err := e.enter(ctx); err != nil {
		return nil, err
	}
	defer e.leave()
	v, ok, err := get(e.db, annotationKey(bucket, key, name))
	if err != nil {
		return nil, err
	}
	if ok {
		if id, data, good := splitAnnotation(v); good && bytes.Equal(id, annotationIdentity(of)) {
			return data, nil
		}
	}
	return nil, fmt.Errorf("%w: %s on %s/%s", ErrNoSuchAnnotation, name, bucket, key)
}

func splitAnnotation(v []byte) (id, data []byte, ok bool) {
	n, w := binary.Uvarint(v)
	if w <= 0 || n > uint64(len(v)-w) {
		return nil, nil, false
	}
	return v[w : w+int(n)], v[w+int(n):], true
}

// sweepAnnotations deletes the annotations whose object is gone or has
// changed. Annotations are rare (one per object an application asked to
// analyse), so one pass over them is cheap.
func (e *Engine) sweepAnnotations(ctx context.Context) (int, error) {
	return e.sweepPrefix(ctx, []byte(prefixAnnotation), func(k, v []byte) (bool, error) {
		b := bytes.IndexByte(k, 0)
		n := bytes.LastIndexByte(k, 0)
		id, _, good := splitAnnotation(v)
		if b < 0 || n <= b || !good {
			return true, nil
		}
		rec, err := e.objectRecord(e.db, string(k[:b]), string(k[b+1:n]), false)
		if errors.Is(err, ErrNoSuchKey) || errors.Is(err, ErrNoSuchBucket) {
			return true, nil
		}
		return err == nil && !bytes.Equal(annotationIdentity(rec.info), id), err
	}, nil)
}

// sweepPrefix deletes, in one batch, the records under prefix that stale
// (given each key without the prefix, and its value) reports, and
// returns how many. Each key the scan found stale is decided again under
// the write lock, on its value then, so a record written anew meanwhile
// stays. del, when set, deletes a record and what goes with it (else the
// record alone).
func (e *Engine) sweepPrefix(ctx context.Context, prefix []byte, stale func(k, v []byte) (bool, error), del func(m *mutation, k []byte) error) (int, error) {
	it, err := e.db.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: prefixEnd(prefix)})
	if err != nil {
		return 0, err
	}
	var gone [][]byte
	for ok := it.First(); ok && ctx.Err() == nil; ok = it.Next() {
		drop, err := stale(it.Key()[len(prefix):], it.Value())
		if err != nil {
			it.Close()
			return 0, err
		}
		if drop {
			gone = append(gone, bytes.Clone(it.Key()))
		}
	}
	if err := it.Close(); err != nil {
		return 0, err
	}
	if len(gone) == 0 {
		return 0, ctx.Err()
	}
	if del == nil {
		del = func(m *mutation, k []byte) error { return m.b.Delete(k, nil) }
	}
	n := 0
	err = e.applyCtx(ctx, func(m *mutation) error {
		for _, k := range gone {
			v, found, err := get(e.db, k)
			if err != nil {
				return err
			}
			if !found {
				continue
			}
			if drop, err := stale(k[len(prefix):], v); err != nil || !drop {
				if err != nil {
					return err
				}
				continue
			}
			if err := del(m, k); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, err // nothing was deleted
	}
	return n, nil
}
