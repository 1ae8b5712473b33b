package engine

import (
	"context"
	"iter"
)

// Listing iterators page through ListObjects, ListMultipartUploads and
// ListParts for the caller. Each page is read from one consistent snapshot;
// the whole iteration is not one snapshot (like paging through S3): keys
// written or deleted meanwhile may or may not appear. The page size is the
// options' MaxKeys / MaxUploads / MaxParts (not a limit on the total);
// the markers in the options say where to start.
//
// An error is yielded once, with a zero value, and ends the iteration.
// Breaking out of the loop stops it cleanly: nothing is left open.

// Entry is one item of a delimited listing: a common prefix when Prefix is
// not empty, an object otherwise.
type Entry struct {
	// Prefix is a common prefix (ending in the delimiter), or "".
	Prefix string
	// Object is the object when Prefix is "".
	Object ObjectInfo
}

// IsPrefix reports whether the entry is a common prefix.
func (en Entry) IsPrefix() bool { return en.Prefix != "" }

// Entries lists a bucket's objects and common prefixes together in key
// order: the iterator form of ListObjects for a directory-like view
// (opts.Delimiter set).
func (e *Engine) Entries(ctx context.Context, bucket string, opts ListOptions) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		for {
			page, err := e.ListObjects(ctx, bucket, opts)
			if err != nil {
				yield(Entry{}, err)
				return
			}
			objs, cps := page.Objects, page.CommonPrefixes
			// Both lists are in key order and never share a key; merge.
			for len(objs) > 0 || len(cps) > 0 {
				var en Entry
				if len(cps) > 0 && (len(objs) == 0 || cps[0] < objs[0].Key) {
					en.Prefix, cps = cps[0], cps[1:]
				} else {
					en.Object, objs = objs[0], objs[1:]
				}
				if !yield(en, nil) {
					return
				}
			}
			if !page.IsTruncated {
				return
			}
			opts.Marker = page.NextMarker
		}
	}
}

// Objects lists a bucket's objects in key order, the iterator form of
// ListObjects. With opts.Delimiter set it yields only the objects not
// rolled up into a common prefix (the "files" of a directory); use Entries
// to see the prefixes as well.
func (e *Engine) Objects(ctx context.Context, bucket string, opts ListOptions) iter.Seq2[ObjectInfo, error] {
	return func(yield func(ObjectInfo, error) bool) {
		for en, err := range e.Entries(ctx, bucket, opts) {
			if en.IsPrefix() {
				continue
			}
			if !yield(en.Object, err) {
				return
			}
		}
	}
}

// Uploads lists the multipart uploads in progress in a bucket, ordered by
// key and then by initiation: the iterator form of ListMultipartUploads.
// With opts.Delimiter set, uploads under a common prefix are skipped and
// the prefixes are not reported (ListMultipartUploads returns them).
func (e *Engine) Uploads(ctx context.Context, bucket string, opts ListUploadsOptions) iter.Seq2[UploadInfo, error] {
	return func(yield func(UploadInfo, error) bool) {
		for {
			page, err := e.ListMultipartUploads(ctx, bucket, opts)
			if err != nil {
				yield(UploadInfo{}, err)
				return
			}
			for _, u := range page.Uploads {
				if !yield(u, nil) {
					return
				}
			}
			if !page.IsTruncated {
				return
			}
			opts.KeyMarker, opts.UploadIDMarker = page.NextKeyMarker, page.NextUploadIDMarker
		}
	}
}

// Parts lists the parts of an upload in part-number order: the iterator
// form of ListParts. A missing upload yields ErrNoSuchUpload.
func (e *Engine) Parts(ctx context.Context, bucket, key, uploadID string, opts ListPartsOptions) iter.Seq2[PartInfo, error] {
	return func(yield func(PartInfo, error) bool) {
		for {
			page, err := e.ListParts(ctx, bucket, key, uploadID, opts)
			if err != nil {
				yield(PartInfo{}, err)
				return
			}
			for _, p := range page.Parts {
				if !yield(p, nil) {
					return
				}
			}
			if !page.IsTruncated {
				return
			}
			opts.PartNumberMarker = page.NextPartNumberMarker
		}
	}
}
