package engine

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"github.com/cockroachdb/pebble/v2"
)

// Listing limits.
const (
	// DefaultMaxKeys is the page size when ListOptions.MaxKeys is 0, and the
	// largest page size allowed.
	DefaultMaxKeys = 1000
)

// ListOptions are the inputs of ListObjects.
type ListOptions struct {
	Prefix string
	// Delimiter, when not empty, rolls keys that contain it after Prefix up
	// into one common prefix each (up to and including the delimiter).
	Delimiter string
	// Marker lists only keys (and common prefixes) that sort after it. S3's
	// marker, start-after and decoded continuation token all map to it.
	Marker string
	// MarkerInclusive lists keys (and common prefixes) from Marker on,
	// Marker included (Sina SCS's marker, which ListResult.NextStart
	// feeds).
	MarkerInclusive bool
	// MaxKeys bounds objects plus common prefixes in a page. 0 means
	// DefaultMaxKeys; larger values are capped to it.
	MaxKeys int
	// Brief leaves out of each ObjectInfo what S3's and OSS's listings do
	// not show, saving their decoding for every key: user metadata, tags,
	// stored headers, the Content-* fields other than ContentType,
	// WebsiteRedirect, SHA1, CRC64 (NoCRC64 is then set), PartSizes and
	// PartChecksums. Checksums then only names the algorithms (no values)
	// and is shared between the page's entries: read it, never write it.
	Brief bool
	// Buffer, when its capacity allows, holds ListResult.Objects (from
	// length 0): pass a finished page's Objects back to reuse their memory
	// (an ObjectInfo is over 500 bytes, a page up to 1000 of them). Each
	// entry the page reuses is cleared first; the rest are left as they
	// are.
	Buffer []ObjectInfo
}

// ListResult is one page of a listing.
type ListResult struct {
	Objects        []ObjectInfo
	CommonPrefixes []string
	// IsTruncated says more entries follow; pass NextMarker as the next
	// Marker to get them.
	IsTruncated bool
	NextMarker  string
	// NextStart, when truncated, is the first key or common prefix of the
	// next page: the Marker of a MarkerInclusive listing that follows.
	NextStart string
}

// ListObjects lists a bucket's keys in raw byte order. With a delimiter,
// every common prefix costs one seek, however many keys sit under it.
// A page's keys (and, with Brief, its ETags) are cut from a few shared 16
// KiB blocks: a caller keeping a few of them long after the rest of the
// page is gone keeps their blocks too, unless it copies them
// (strings.Clone).
func (e *Engine) ListObjects(ctx context.Context, bucket string, opts ListOptions) (ListResult, error) {
	if err := e.enter(ctx); err != nil {
		return ListResult{}, err
	}
	defer e.leave()
	max := opts.MaxKeys
	if max <= 0 || max > DefaultMaxKeys {
		max = DefaultMaxKeys
	}
	snap := e.db.NewSnapshot()
	defer snap.Close()
	if _, err := e.bucketRecord(snap, bucket); err != nil {
		return ListResult{}, err
	}
	base := objectPrefix(bucket)
	lower := append(bytes.Clone(base), opts.Prefix...)
	it, err := snap.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: prefixEnd(lower)})
	if err != nil {
		return ListResult{}, err
	}
	defer it.Close()

	var res ListResult
	res.Objects = opts.Buffer[:0]
	var seekKey []byte
	if opts.Marker != "" && opts.Marker >= opts.Prefix {
		// First key strictly after the marker (or at it, inclusive).
		seekKey = append(bytes.Clone(base), opts.Marker...)
		if !opts.MarkerInclusive {
			seekKey = append(seekKey, 0)
		}
	}
	valid := func() bool {
		if seekKey != nil {
			return it.SeekGE(seekKey)
		}
		return it.First()
	}()
	// The page's keys (and, brief, its ETags) share a few allocations.
	var names stringArena
	var brief *briefDecode
	if opts.Brief {
		brief = &briefDecode{names: &names}
	}
	delim := []byte(opts.Delimiter)
	var steps int64
	defer func() { e.listSteps.Add(steps) }()
	for ; valid; steps++ {
		if steps%256 == 255 {
			if err := ctx.Err(); err != nil {
				return ListResult{}, err
			}
		}
		kb := it.Key()[len(base):] // valid until the iterator moves
		if len(delim) > 0 {
			if i := bytes.Index(kb[len(opts.Prefix):], delim); i >= 0 {
				cp := string(kb[:len(opts.Prefix)+i+len(delim)])
				// Skip every key under cp with one seek.
				next := prefixEnd(append(bytes.Clone(base), cp...))
				if cp > opts.Marker || opts.Marker == "" || opts.MarkerInclusive && cp == opts.Marker {
					if len(res.Objects)+len(res.CommonPrefixes) == max {
						res.IsTruncated, res.NextStart = true, cp
						break
					}
					res.CommonPrefixes = append(res.CommonPrefixes, cp)
					res.NextMarker = cp
				}
				if next == nil {
					break
				}
				valid = it.SeekGE(next)
				continue
			}
		}
		if len(res.Objects)+len(res.CommonPrefixes) == max {
			res.IsTruncated, res.NextStart = true, string(kb)
			break
		}
		key := names.string(kb)
		v, err := it.ValueAndErr()
		if err != nil {
			return ListResult{}, err
		}
		// Decoded in place: copying an ObjectInfo into a page that holds
		// pointers costs write barriers on each of its fields while the
		// collector runs.
		var o *ObjectInfo
		res.Objects, o = pageEntry(res.Objects, max)
		var rec objectRecord
		if err := rec.decodeInto(o, v, false, false, brief); err != nil {
			return ListResult{}, fmt.Errorf("%s/%s: %w", bucket, key, err)
		}
		o.Bucket, o.Key = bucket, key
		if !rec.restoreReady.IsZero() {
			rec.info = *o
			e.restoreStatus(&rec)
			*o = rec.info
		}
		res.NextMarker = key
		valid = it.Next()
	}
	if err := it.Error(); err != nil {
		return ListResult{}, err
	}
	if !res.IsTruncated {
		res.NextMarker = ""
	}
	return res, nil
}

// pageEntry appends a zero entry to a page of at most max entries (a
// reused Buffer's entry is cleared) and returns the page and the entry,
// which the caller decodes in place.
func pageEntry(page []ObjectInfo, max int) ([]ObjectInfo, *ObjectInfo) {
	if len(page) == cap(page) {
		// Room for 16, then 128, then the whole page: few copies of
		// large pages without a large buffer for small ones (an
		// ObjectInfo is over 500 bytes).
		n := max
		switch l := len(page); {
		case l == 0:
			n = min(max, 16)
		case l < 128:
			n = min(max, 128)
		}
		page = slices.Grow(page, n-len(page))
	}
	page = page[:len(page)+1]
	o := &page[len(page)-1]
	*o = ObjectInfo{}
	return page, o
}
