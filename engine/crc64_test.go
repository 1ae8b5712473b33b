package engine

import (
	"bytes"
	"context"
	"fmt"
	"hash/crc64"
	"reflect"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/osslite/osslite/pkg/checksum"
	"github.com/stretchr/testify/require"
)

// TestNoCRC64: a body written with NoCRC64 has none (kept through the
// record), one multipart part without makes the object have none, and
// IndexContent computes the missing CRC along with the SHA-1.
func TestNoCRC64(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	tab := crc64.MakeTable(crc64.ECMA)
	for _, n := range []int{0, 100, 3 * e.opts.ChunkSize} { // empty, inline, blob log
		data := bytes.Repeat([]byte("c"), n)
		info, err := e.PutObject(ctx, "bkt", "k", bytes.NewReader(data), int64(n), PutOptions{NoCRC64: true, NoContentIndex: true})
		require.NoError(t, err)
		require.True(t, info.NoCRC64)
		require.Zero(t, info.CRC64)
		st, err := e.HeadObject(ctx, "bkt", "k")
		require.NoError(t, err)
		require.True(t, st.NoCRC64, "kept by the record")

		// With the content indexed, the CRC64 is computed anyway.
		info, err = e.PutObject(ctx, "bkt", "k", bytes.NewReader(data), int64(n), PutOptions{NoCRC64: true})
		require.NoError(t, err)
		require.False(t, info.NoCRC64)
		require.Equal(t, crc64.Checksum(data, tab), info.CRC64)
		st, err = e.HeadObject(ctx, "bkt", "k")
		require.NoError(t, err)
		require.False(t, st.NoCRC64)
		require.Equal(t, info.CRC64, st.CRC64)
	}

	part := bytes.Repeat([]byte("p"), 2*e.opts.ChunkSize)
	whole := append(append([]byte(nil), part...), part...)
	for _, without := range []int{0, 1, 2} { // which part has no CRC64 (0: none)
		id, err := e.CreateMultipartUpload(ctx, "bkt", "mp", PutOptions{})
		require.NoError(t, err)
		var parts []CompletePart
		for p := 1; p <= 2; p++ {
			pi, err := e.UploadPart(ctx, "bkt", "mp", id, p, bytes.NewReader(part), int64(len(part)), PartOptions{NoCRC64: p == without})
			require.NoError(t, err)
			require.Equal(t, p == without, pi.NoCRC64)
			parts = append(parts, CompletePart{PartNumber: p, ETag: pi.ETag})
		}
		listed, err := e.ListParts(ctx, "bkt", "mp", id, ListPartsOptions{})
		require.NoError(t, err)
		for _, pi := range listed.Parts {
			require.Equal(t, pi.PartNumber == without, pi.NoCRC64, "part %d", pi.PartNumber)
		}
		info, err := e.CompleteMultipartUpload(ctx, "bkt", "mp", id, parts, CompleteOptions{MinPartSize: 1})
		require.NoError(t, err)
		require.Equal(t, without != 0, info.NoCRC64, "part %d without", without)
		if without == 0 {
			require.Equal(t, crc64.Checksum(whole, tab), info.CRC64)
			continue
		}
		ix, err := e.IndexContent(ctx, "bkt", "mp")
		require.NoError(t, err)
		require.False(t, ix.NoCRC64)
		require.Equal(t, crc64.Checksum(whole, tab), ix.CRC64, "IndexContent computes it")
	}
}

// TestFreedBlobLeavesNoChunkKeys: freeing a blob deletes every chunk
// locator (point deletes, see deleteChunks) whatever its size.
func TestFreedBlobLeavesNoChunkKeys(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	chunk := e.opts.ChunkSize
	for i, n := range []int{e.opts.InlineThreshold + 1, chunk - 1, chunk, chunk + 1, 3 * chunk, 5*chunk - 7} {
		put(t, e, "bkt", fmt.Sprint(i), bytes.Repeat([]byte{byte(i)}, n))
	}
	count := func() int {
		it, err := e.db.NewIter(&pebble.IterOptions{LowerBound: []byte(prefixChunk), UpperBound: prefixEnd([]byte(prefixChunk))})
		require.NoError(t, err)
		defer it.Close()
		n := 0
		for ok := it.First(); ok; ok = it.Next() {
			n++
		}
		return n
	}
	require.Equal(t, 1+1+1+2+3+5, count())
	for i := range 6 {
		require.NoError(t, e.DeleteObject(ctx, "bkt", fmt.Sprint(i), DeleteOptions{}))
	}
	require.Zero(t, count(), "chunk locators left behind")
}

// TestListBriefAndBuffer: a brief listing leaves out user metadata, tags
// and the Content-* fields other than ContentType but keeps what listings
// show; a Buffer with room is used for the page.
func TestListBriefAndBuffer(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	opts := PutOptions{Metadata: Metadata{ContentType: "text/plain", CacheControl: "no-cache", User: map[string]string{"a": "b"}},
		Tags: []Tag{{Key: "k", Value: "v"}}, Owner: "owner-id", StorageClass: "IA"}
	info, err := e.PutObject(ctx, "bkt", "key", bytes.NewReader([]byte("body")), 4, opts)
	require.NoError(t, err)

	full, err := e.ListObjects(ctx, "bkt", ListOptions{})
	require.NoError(t, err)
	require.Len(t, full.Objects, 1)
	require.Equal(t, "no-cache", full.Objects[0].CacheControl)
	require.Equal(t, map[string]string{"a": "b"}, full.Objects[0].User)
	require.Len(t, full.Objects[0].Tags, 1)

	buf := make([]ObjectInfo, 0, 8)
	brief, err := e.ListObjects(ctx, "bkt", ListOptions{Brief: true, Buffer: buf})
	require.NoError(t, err)
	require.Len(t, brief.Objects, 1)
	require.Same(t, &buf[:1][0], &brief.Objects[0], "the buffer holds the page")
	o := brief.Objects[0]
	require.Empty(t, o.CacheControl)
	require.Nil(t, o.User)
	require.Nil(t, o.Tags)
	require.Equal(t, "key", o.Key)
	require.Equal(t, info.ETag, o.ETag)
	require.Equal(t, info.Size, o.Size)
	require.Equal(t, "text/plain", o.ContentType)
	require.Equal(t, "owner-id", o.Owner)
	require.Equal(t, "IA", o.StorageClass)
	require.True(t, info.LastModified.Equal(o.LastModified))
	require.NotEmpty(t, full.Objects[0].SHA1)
	require.Empty(t, o.SHA1)
	require.False(t, full.Objects[0].NoCRC64)
	require.True(t, o.NoCRC64, "brief listings leave the CRC64 out")

	// Checksums: the algorithm only, in a map the page's entries share.
	for _, k := range []string{"c1", "c2", "s1"} {
		alg := checksum.CRC32
		if k == "s1" {
			alg = checksum.SHA256
		}
		_, err := e.PutObject(ctx, "bkt", k, bytes.NewReader([]byte(k)), 2, PutOptions{Checksum: &ChecksumInput{Algorithm: alg}})
		require.NoError(t, err)
	}
	full, err = e.ListObjects(ctx, "bkt", ListOptions{Prefix: "c"})
	require.NoError(t, err)
	require.Len(t, full.Objects[0].Checksums[checksum.CRC32], 4, "full listings keep the value")
	brief, err = e.ListObjects(ctx, "bkt", ListOptions{Brief: true})
	require.NoError(t, err)
	require.Len(t, brief.Objects, 4)
	c1, c2, s1 := brief.Objects[0], brief.Objects[1], brief.Objects[3]
	require.Equal(t, map[checksum.Algorithm][]byte{checksum.CRC32: nil}, c1.Checksums)
	require.Equal(t, map[checksum.Algorithm][]byte{checksum.SHA256: nil}, s1.Checksums)
	require.Equal(t, "FULL_OBJECT", c1.ChecksumType)
	require.Equal(t, reflect.ValueOf(c1.Checksums).UnsafePointer(), reflect.ValueOf(c2.Checksums).UnsafePointer(), "one map per algorithm")
}
