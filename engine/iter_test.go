package engine

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestObjectsIterator(t *testing.T) {
	e := openTest(t, nil)
	ctx := context.Background()
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	keys := []string{"a", "b/1", "b/2", "c", "d/x/1", "d/y", "e", "f", "g"}
	for _, k := range keys {
		put(t, e, "bkt", k, []byte(k))
	}

	var got []string
	for o, err := range e.Objects(ctx, "bkt", ListOptions{MaxKeys: 2}) {
		require.NoError(t, err)
		require.Equal(t, int64(len(o.Key)), o.Size)
		got = append(got, o.Key)
	}
	require.Equal(t, keys, got, "five pages of two")

	got = nil
	for en, err := range e.Entries(ctx, "bkt", ListOptions{Delimiter: "/", MaxKeys: 2}) {
		require.NoError(t, err)
		if en.IsPrefix() {
			got = append(got, "prefix:"+en.Prefix)
		} else {
			got = append(got, en.Object.Key)
		}
	}
	require.Equal(t, []string{"a", "prefix:b/", "c", "prefix:d/", "e", "f", "g"}, got)

	got = nil
	for o, err := range e.Objects(ctx, "bkt", ListOptions{Delimiter: "/", MaxKeys: 2}) {
		require.NoError(t, err)
		got = append(got, o.Key)
	}
	require.Equal(t, []string{"a", "c", "e", "f", "g"}, got)

	got = nil
	for en, err := range e.Entries(ctx, "bkt", ListOptions{Prefix: "d/", Delimiter: "/", MaxKeys: 1}) {
		require.NoError(t, err)
		got = append(got, en.Prefix+en.Object.Key)
	}
	require.Equal(t, []string{"d/x/", "d/y"}, got)

	got = nil
	for o, err := range e.Objects(ctx, "bkt", ListOptions{Marker: "c", MaxKeys: 2}) {
		require.NoError(t, err)
		got = append(got, o.Key)
		if len(got) == 3 {
			break // in the middle of the second page
		}
	}
	require.Equal(t, []string{"d/x/1", "d/y", "e"}, got)

	n := 0
	for o, err := range e.Objects(ctx, "nope", ListOptions{}) {
		require.ErrorIs(t, err, ErrNoSuchBucket)
		require.Equal(t, ObjectInfo{}, o)
		n++
	}
	require.Equal(t, 1, n, "an error is yielded once")

	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	n = 0
	var last error
	for _, err := range e.Objects(cctx, "bkt", ListOptions{MaxKeys: 2}) {
		n++
		last = err
		cancel() // the next page fails
	}
	require.ErrorIs(t, last, context.Canceled)
	require.Equal(t, 3, n, "the first page, then the error")
}

func TestUploadsAndPartsIterators(t *testing.T) {
	e := openTest(t, nil)
	ctx := context.Background()
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	var want []string
	for _, k := range []string{"a", "b", "b", "c", "dir/x", "e"} {
		id, err := e.CreateMultipartUpload(ctx, "bkt", k, PutOptions{})
		require.NoError(t, err)
		want = append(want, k+"/"+id)
	}
	var got []string
	for u, err := range e.Uploads(ctx, "bkt", ListUploadsOptions{MaxUploads: 2}) {
		require.NoError(t, err)
		got = append(got, u.Key+"/"+u.UploadID)
	}
	require.ElementsMatch(t, want, got)
	require.Len(t, got, 6)
	for i := 1; i < len(got); i++ {
		require.LessOrEqual(t, strings.SplitN(got[i-1], "/", 2)[0], strings.SplitN(got[i], "/", 2)[0], "key order")
	}

	got = nil
	for u, err := range e.Uploads(ctx, "bkt", ListUploadsOptions{Delimiter: "/", MaxUploads: 2}) {
		require.NoError(t, err)
		got = append(got, u.Key)
	}
	require.Equal(t, []string{"a", "b", "b", "c", "e"}, got)

	got = nil
	for u, err := range e.Uploads(ctx, "bkt", ListUploadsOptions{MaxUploads: 2}) {
		require.NoError(t, err)
		got = append(got, u.Key)
		if len(got) == 3 {
			break
		}
	}
	require.Equal(t, []string{"a", "b", "b"}, got)

	id, err := e.CreateMultipartUpload(ctx, "bkt", "parts", PutOptions{})
	require.NoError(t, err)
	for n := 1; n <= 7; n++ {
		body := strings.Repeat(fmt.Sprint(n), n)
		_, err := e.UploadPart(ctx, "bkt", "parts", id, n*3, strings.NewReader(body), int64(len(body)), PartOptions{})
		require.NoError(t, err)
	}
	var nums []int
	for p, err := range e.Parts(ctx, "bkt", "parts", id, ListPartsOptions{MaxParts: 2}) {
		require.NoError(t, err)
		require.Equal(t, int64(p.PartNumber/3), p.Size)
		nums = append(nums, p.PartNumber)
	}
	require.Equal(t, []int{3, 6, 9, 12, 15, 18, 21}, nums)

	nums = nil
	for p, err := range e.Parts(ctx, "bkt", "parts", id, ListPartsOptions{PartNumberMarker: 9, MaxParts: 2}) {
		require.NoError(t, err)
		nums = append(nums, p.PartNumber)
		if len(nums) == 3 {
			break
		}
	}
	require.Equal(t, []int{12, 15, 18}, nums)

	n := 0
	for _, err := range e.Parts(ctx, "bkt", "parts", strings.Repeat("0", uploadIDLen), ListPartsOptions{}) {
		require.ErrorIs(t, err, ErrNoSuchUpload)
		n++
	}
	require.Equal(t, 1, n)
}
