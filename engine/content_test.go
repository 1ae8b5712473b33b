package engine

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/stretchr/testify/require"

	"github.com/osslite/osslite/pkg/checksum"
)

// contentEntries counts the content-index entries.
func contentEntries(t *testing.T, e *Engine) int {
	t.Helper()
	it, err := e.db.NewIter(&pebble.IterOptions{LowerBound: []byte(prefixContent), UpperBound: prefixEnd([]byte(prefixContent))})
	require.NoError(t, err)
	defer it.Close()
	n := 0
	for it.First(); it.Valid(); it.Next() {
		n++
	}
	return n
}

func TestPutByContent(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		size int
	}{{"blob", 20 << 10}, {"inline", 100}} {
		t.Run(tc.name, func(t *testing.T) {
			e := openTest(t, nil)
			require.NoError(t, e.CreateBucket(ctx, "bk-a", BucketOptions{}))
			require.NoError(t, e.CreateBucket(ctx, "bk-b", BucketOptions{}))
			data := bytes.Repeat([]byte("relax!"), tc.size/6)
			sum := sha1.Sum(data)
			md := md5.Sum(data)
			put, err := e.PutObject(ctx, "bk-a", "src", bytes.NewReader(data), int64(len(data)), PutOptions{})
			require.NoError(t, err)
			require.Equal(t, hex.EncodeToString(sum[:]), put.SHA1)

			c, err := e.FindByContent(ctx, "", sum[:], int64(len(data)))
			require.NoError(t, err)
			require.Equal(t, Content{SHA1: hex.EncodeToString(sum[:]), Size: int64(len(data)), ETag: hex.EncodeToString(md[:]), CRC64: put.CRC64}, c)
			_, err = e.FindByContent(ctx, "", sum[:], int64(len(data))+1)
			require.ErrorIs(t, err, ErrNoSuchContent, "the size is part of the key")

			before, err := e.Stats()
			require.NoError(t, err)
			info, err := e.PutObjectByContent(ctx, "bk-b", "dst", sum[:], int64(len(data)), PutOptions{Metadata: Metadata{ContentType: "text/plain"}})
			require.NoError(t, err)
			require.Equal(t, put.ETag, info.ETag)
			require.Equal(t, put.SHA1, info.SHA1)
			require.Equal(t, "text/plain", info.ContentType)
			after, err := e.Stats()
			require.NoError(t, err)
			require.Equal(t, before.BlobLogBytes, after.BlobLogBytes, "no bytes moved")
			require.Equal(t, data, readBody(t, e, "bk-b", "dst"))

			// The copy outlives the original: its body stays readable and,
			// for a blob, still findable by content.
			require.NoError(t, e.DeleteObject(ctx, "bk-a", "src", DeleteOptions{}))
			require.Equal(t, data, readBody(t, e, "bk-b", "dst"))
			if tc.name == "blob" {
				_, err = e.FindByContent(ctx, "", sum[:], int64(len(data)))
				require.NoError(t, err)
			}
			// Once the last reference goes, so does the entry.
			require.NoError(t, e.DeleteObject(ctx, "bk-b", "dst", DeleteOptions{}))
			_, err = e.FindByContent(ctx, "", sum[:], int64(len(data)))
			require.ErrorIs(t, err, ErrNoSuchContent)
			require.Zero(t, contentEntries(t, e))
			_, err = e.PutObjectByContent(ctx, "bk-b", "again", sum[:], int64(len(data)), PutOptions{})
			require.ErrorIs(t, err, ErrNoSuchContent)
			_, err = e.HeadObject(ctx, "bk-b", "again")
			require.ErrorIs(t, err, ErrNoSuchKey, "a failed put by content stores nothing")
		})
	}
}

func TestPutByContentUnknown(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bk-b", BucketOptions{}))
	sum := sha1.Sum([]byte("never stored"))
	_, err := e.PutObjectByContent(ctx, "bk-b", "k", sum[:], 12, PutOptions{})
	require.ErrorIs(t, err, ErrNoSuchContent)
	_, err = e.PutObjectByContent(ctx, "bk-b", "k", []byte("short"), 12, PutOptions{})
	require.ErrorIs(t, err, ErrNoSuchContent)
	_, err = e.PutObjectByContent(ctx, "bk-b", "k", sum[:], 12, PutOptions{ContentMD5: make([]byte, 16)})
	require.ErrorIs(t, err, ErrInvalidArgument)
	_, err = e.PutObjectByContent(ctx, "bk-missing", "k", sum[:], 12, PutOptions{})
	require.ErrorIs(t, err, ErrNoSuchBucket)
}

// Overwriting an object with the same content keeps the entry; with other
// content drops the old one; entries survive restarts with the blob's
// SHA-1 in its record.
func TestContentIndexMaintenance(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bk-b", BucketOptions{}))
	for _, size := range []int{100, 20 << 10} {
		data := bytes.Repeat([]byte{byte(size)}, size)
		sum := sha1.Sum(data)
		for range 2 {
			_, err := e.PutObject(ctx, "bk-b", "k", bytes.NewReader(data), int64(size), PutOptions{})
			require.NoError(t, err)
			_, err = e.FindByContent(ctx, "", sum[:], int64(size))
			require.NoError(t, err, "size %d", size)
		}
		require.Equal(t, 1, contentEntries(t, e))
	}
	_, err := e.PutObject(ctx, "bk-b", "k", bytes.NewReader([]byte("other")), 5, PutOptions{})
	require.NoError(t, err)
	require.Equal(t, 1, contentEntries(t, e), "the replaced body's entry went")
	// Copies carry the SHA-1.
	cp, err := e.CopyObject(ctx, "bk-b", "k", "bk-b", "copy", CopyOptions{})
	require.NoError(t, err)
	sum := sha1.Sum([]byte("other"))
	require.Equal(t, hex.EncodeToString(sum[:]), cp.SHA1)
}

func readBody(t *testing.T, e *Engine, bucket, key string) []byte {
	t.Helper()
	b, _ := readAll(t, e, bucket, key, GetOptions{})
	return b
}

// Metadata.Headers are stored, copied and updated with the metadata.
func TestStoredHeaders(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bk-h", BucketOptions{}))
	h := map[string]string{"x-sina-info": "hi", "x-sina-info-int": "7"}
	_, err := e.PutObject(ctx, "bk-h", "k", bytes.NewReader([]byte("x")), 1, PutOptions{Metadata: Metadata{Headers: h}})
	require.NoError(t, err)
	h["x-sina-info"] = "changed by the caller"
	info, err := e.HeadObject(ctx, "bk-h", "k")
	require.NoError(t, err)
	require.Equal(t, map[string]string{"x-sina-info": "hi", "x-sina-info-int": "7"}, info.Headers)
	cp, err := e.CopyObject(ctx, "bk-h", "k", "bk-h", "c", CopyOptions{})
	require.NoError(t, err)
	require.Equal(t, info.Headers, cp.Headers)
	up, err := e.UpdateObject(ctx, "bk-h", "c", ObjectUpdate{Metadata: &Metadata{Headers: map[string]string{"x-sina-expire": "Sat, 20 Nov 2286 17:46:39 GMT"}}})
	require.NoError(t, err)
	require.Equal(t, map[string]string{"x-sina-expire": "Sat, 20 Nov 2286 17:46:39 GMT"}, up.Headers)
}

// The full-object checksum a body was stored with goes with the content:
// an object made from it reports it, and the entry (which then names the
// blob with the checksum) still goes with the blob's last reference.
func TestPutByContentChecksum(t *testing.T) {
	ctx := context.Background()
	for _, size := range []int{20 << 10, 100} {
		e := openTest(t, nil)
		require.NoError(t, e.CreateBucket(ctx, "bk-c", BucketOptions{}))
		data := bytes.Repeat([]byte("crc!"), size/4)
		sum := sha1.Sum(data)
		want := crc32.ChecksumIEEE(data)
		put, err := e.PutObject(ctx, "bk-c", "src", bytes.NewReader(data), int64(len(data)), PutOptions{DefaultChecksum: checksum.CRC32})
		require.NoError(t, err)
		require.Equal(t, binary.BigEndian.AppendUint32(nil, want), put.Checksums[checksum.CRC32])
		c, err := e.FindByContent(ctx, "", sum[:], int64(len(data)))
		require.NoError(t, err)
		require.Equal(t, checksum.CRC32, c.ChecksumAlgorithm, "size %d", size)
		require.Equal(t, put.Checksums[checksum.CRC32], c.Checksum)
		info, err := e.PutObjectByContent(ctx, "bk-c", "dst", sum[:], int64(len(data)), PutOptions{})
		require.NoError(t, err)
		require.Equal(t, put.Checksums, info.Checksums)
		require.Equal(t, "FULL_OBJECT", info.ChecksumType)
		head, err := e.HeadObject(ctx, "bk-c", "dst")
		require.NoError(t, err)
		require.Equal(t, put.Checksums, head.Checksums)
		require.NoError(t, e.DeleteObject(ctx, "bk-c", "src", DeleteOptions{}))
		require.NoError(t, e.DeleteObject(ctx, "bk-c", "dst", DeleteOptions{}))
		require.Zero(t, contentEntries(t, e), "size %d", size)
	}
}

// The content index's entries of one body are one key per owner; a body
// freed drops its owner's entry wherever it sorts among the others', also
// when an earlier owner's key has many versions in the memtable (which
// dropContent seeks past rather than steps through).
func TestContentDropAmongOwners(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	data := bytes.Repeat([]byte("shared body "), 2<<10) // 24 KiB: in the blob log
	for _, owner := range []string{"alice", "bob", "carol"} {
		require.NoError(t, e.CreateBucket(ctx, "bk-"+owner, BucketOptions{Owner: owner}))
		_, err := e.PutObject(ctx, "bk-"+owner, "k", bytes.NewReader(data), int64(len(data)), PutOptions{})
		require.NoError(t, err)
	}
	for range 300 {
		_, err := e.PutObject(ctx, "bk-alice", "k", bytes.NewReader(data), int64(len(data)), PutOptions{})
		require.NoError(t, err)
	}
	require.Equal(t, 3, contentEntries(t, e))
	_, err := e.PutObject(ctx, "bk-bob", "k", bytes.NewReader([]byte("other")), 5, PutOptions{})
	require.NoError(t, err)
	require.Equal(t, 3, contentEntries(t, e), "bob's entry of the old body went, one of the new came")
	sum := sha1.Sum(data)
	for owner, found := range map[string]bool{"alice": true, "bob": false, "carol": true} {
		_, err := e.FindByContent(ctx, owner, sum[:], int64(len(data)))
		if found {
			require.NoError(t, err, owner)
		} else {
			require.ErrorIs(t, err, ErrNoSuchContent, owner)
		}
	}
	err = e.DeleteObject(ctx, "bk-carol", "k", DeleteOptions{})
	require.NoError(t, err)
	require.Equal(t, 2, contentEntries(t, e), "carol's entry, after bob's and alice's, went with her body")
}
