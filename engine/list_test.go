package engine

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/stretchr/testify/require"
)

// modelList is the reference listing: obviously correct and O(n).
func modelList(keys []string, opts ListOptions) ListResult {
	max := opts.MaxKeys
	if max <= 0 || max > DefaultMaxKeys {
		max = DefaultMaxKeys
	}
	sorted := append([]string(nil), keys...)
	sort.Strings(sorted)
	type entry struct {
		s      string
		prefix bool
	}
	var entries []entry
	seen := map[string]bool{}
	for _, k := range sorted {
		if !strings.HasPrefix(k, opts.Prefix) {
			continue
		}
		if opts.Delimiter != "" {
			if i := strings.Index(k[len(opts.Prefix):], opts.Delimiter); i >= 0 {
				cp := k[:len(opts.Prefix)+i+len(opts.Delimiter)]
				if !seen[cp] {
					seen[cp] = true
					entries = append(entries, entry{cp, true})
				}
				continue
			}
		}
		entries = append(entries, entry{k, false})
	}
	var res ListResult
	n := 0
	for _, en := range entries {
		if opts.Marker != "" && (en.s < opts.Marker || en.s == opts.Marker && !opts.MarkerInclusive) {
			continue
		}
		if n == max {
			res.IsTruncated, res.NextStart = true, en.s
			break
		}
		n++
		if en.prefix {
			res.CommonPrefixes = append(res.CommonPrefixes, en.s)
		} else {
			res.Objects = append(res.Objects, ObjectInfo{Key: en.s})
		}
		res.NextMarker = en.s
	}
	if !res.IsTruncated {
		res.NextMarker = ""
	}
	return res
}

func listKeys(r ListResult) ListResult {
	out := r
	out.Objects = nil
	for _, o := range r.Objects {
		out.Objects = append(out.Objects, ObjectInfo{Key: o.Key})
	}
	return out
}

func TestListObjects(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	require.NoError(t, e.CreateBucket(ctx, "bk2", BucketOptions{}))
	keys := []string{"a", "a/", "a/b", "a/b/c", "a/c", "a//d", "ab", "b/x", "b/y/z", "c", "é/1", "\u00ff", "zz::x::y", "zz::q"}
	for _, k := range keys {
		put(t, e, "bkt", k, []byte(k))
	}
	put(t, e, "bk2", "other", []byte("x"))

	// The conformance suite's ListModel walks the same keys with every
	// other case (and ListV1, Missing the rest); a MaxKeys above the
	// default is the engine's own.
	cases := []ListOptions{
		{MaxKeys: 5000},
		// Sina's inclusive marker, paged with NextStart.
		{MaxKeys: 1, MarkerInclusive: true},
		{MaxKeys: 2, Delimiter: "/", MarkerInclusive: true},
		{MaxKeys: 1, Delimiter: "::", Prefix: "zz", MarkerInclusive: true},
		{MaxKeys: 3, Delimiter: "/", Marker: "a/", MarkerInclusive: true},
	}
	for _, opts := range cases {
		t.Run(fmt.Sprintf("%+v", opts), func(t *testing.T) {
			// Walk every page and compare each to the model.
			for page := 0; ; page++ {
				got, err := e.ListObjects(ctx, "bkt", opts)
				require.NoError(t, err)
				require.Equal(t, modelList(keys, opts), listKeys(got), "page %d", page)
				for _, o := range got.Objects {
					require.Equal(t, int64(len(o.Key)), o.Size)
					require.Equal(t, "bkt", o.Bucket)
					require.NotEmpty(t, o.ETag)
				}
				if !got.IsTruncated {
					break
				}
				require.Less(t, page, len(keys))
				opts.Marker = got.NextMarker
				if opts.MarkerInclusive {
					opts.Marker = got.NextStart
				}
			}
		})
	}
}

// TestListSkipsCommonPrefixes checks that a delimiter listing costs one seek
// per common prefix, not one step per key.
func TestListSkipsCommonPrefixes(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	const prefixes, perPrefix = 10, 20000
	fillKeys(t, e, "bkt", prefixes, perPrefix)
	before := e.listSteps.Load()
	res, err := e.ListObjects(ctx, "bkt", ListOptions{Delimiter: "/"})
	require.NoError(t, err)
	require.Len(t, res.CommonPrefixes, prefixes)
	require.Empty(t, res.Objects)
	steps := e.listSteps.Load() - before
	require.LessOrEqual(t, steps, int64(2*prefixes), "listing %d keys under %d prefixes took %d steps", prefixes*perPrefix, prefixes, steps)

	// And a paged walk with MaxKeys 3 touches only what it returns.
	before = e.listSteps.Load()
	res, err = e.ListObjects(ctx, "bkt", ListOptions{Delimiter: "/", MaxKeys: 3, Marker: "p03/"})
	require.NoError(t, err)
	require.Equal(t, []string{"p04/", "p05/", "p06/"}, res.CommonPrefixes)
	require.True(t, res.IsTruncated)
	require.LessOrEqual(t, e.listSteps.Load()-before, int64(6))
}

// fillKeys writes objects p00/k000000.. straight into pebble (one batch), to
// build large listings quickly. The objects are empty.
func fillKeys(t testing.TB, e *Engine, bucket string, prefixes, perPrefix int) {
	b := e.db.NewBatch()
	rec := objectRecord{info: ObjectInfo{ETag: "d41d8cd98f00b204e9800998ecf8427e", Metadata: Metadata{ContentType: DefaultContentType}}, inline: []byte{}}
	val := rec.encode()
	for p := 0; p < prefixes; p++ {
		for i := 0; i < perPrefix; i++ {
			require.NoError(t, b.Set(objectKey(bucket, fmt.Sprintf("p%02d/k%06d", p, i)), val, nil))
		}
	}
	require.NoError(t, b.Commit(pebble.NoSync))
	require.NoError(t, b.Close())
}

func TestPrefixEnd(t *testing.T) {
	require.Equal(t, []byte("ab"), prefixEnd([]byte("aa")))
	require.Equal(t, []byte("b"), prefixEnd([]byte("a\xff\xff")))
	require.Nil(t, prefixEnd([]byte("\xff")))
	require.True(t, bytes.Compare(prefixEnd([]byte("a/")), []byte("a/\xff\xff")) > 0)
}
