package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// RenameOptions are the conditions of a rename.
type RenameOptions struct {
	// Source is checked against the object renamed; a failure is
	// ErrPreconditionFailed (a failed If-None-Match too, as for copy
	// sources).
	Source Conditions
	// Destination is checked against the object the new name holds, if
	// any: If-Match and If-Unmodified-Since need one that matches,
	// If-None-Match ("*" or ETags) and If-Modified-Since refuse one that
	// matches. A failure is ErrPreconditionFailed.
	//
	// Every failure of either is a *ConditionError naming the condition.
	Destination Conditions
}

// RenameObject gives bucket/src the name dst in one atomic step, as S3
// Express One Zone's RenameObject does: the object keeps its body,
// metadata, checksums, encryption and modification time; no data moves
// (the record changes its key, its blobs their referrer), and the old
// name is gone. A name ending in "/" is refused (ErrInvalidArgument), as
// is a versioned bucket (RenameObject is for buckets that keep no
// versions). Renaming onto itself changes nothing.
func (e *Engine) RenameObject(ctx context.Context, bucket, src, dst string, opts RenameOptions) (ObjectInfo, error) {
	if err := e.enter(ctx); err != nil {
		return ObjectInfo{}, err
	}
	defer e.leave()
	for _, k := range []string{src, dst} {
		if err := validateKey(k, e.opts.MaxKeyLength); err != nil {
			return ObjectInfo{}, err
		}
		if strings.HasSuffix(k, "/") {
			return ObjectInfo{}, fmt.Errorf("%w: %q ends in a delimiter: a directory is not renamed", ErrInvalidArgument, k)
		}
	}
	var out ObjectInfo
	err := e.applyCtx(ctx, func(m *mutation) error {
		if _, err := e.bucketRecord(e.db, bucket); err != nil {
			return err
		}
		if st, err := e.versioningLocked(bucket); err != nil {
			return err
		} else if st != VersioningOff {
			return fmt.Errorf("%w: %s keeps versions: objects are not renamed in it", ErrInvalidArgument, bucket)
		}
		rec, err := e.objectRecord(e.db, bucket, src, true)
		if err != nil {
			return err
		}
		if err := opts.Source.evaluate(rec.info, true); err != nil {
			return fmt.Errorf("%w: rename source %s/%s", err, bucket, src)
		}
		cur, err := e.objectRecord(e.db, bucket, dst, false)
		switch {
		case err == nil:
			if err := opts.Destination.evaluate(cur.info, true); err != nil {
				return fmt.Errorf("%w: rename destination %s/%s", err, bucket, dst)
			}
		case !errors.Is(err, ErrNoSuchKey):
			return err
		case opts.Destination.IfMatch != "" || opts.Destination.IfUnmodifiedSince != nil:
			cond := "IfMatch"
			if opts.Destination.IfMatch == "" {
				cond = "IfUnmodifiedSince"
			}
			return fmt.Errorf("%w: rename destination %s/%s does not exist", &ConditionError{Condition: cond, Err: ErrPreconditionFailed}, bucket, dst)
		}
		out = rec.info
		out.Bucket, out.Key = bucket, src
		if src == dst {
			return nil
		}
		moved := rec
		moved.info.Bucket, moved.info.Key = bucket, dst
		moved.extents = slices.Clone(rec.extents)
		if err := e.replaceObject(m, &moved); err != nil {
			return err
		}
		if err := e.deleteObject(m, bucket, src, deleteCond{}); err != nil {
			return err
		}
		out = moved.info
		return nil
	})
	return out, err
}
