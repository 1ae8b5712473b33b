package engine

import (
	"bytes"
	"context"
	"crypto/md5"
	"errors"
	"hash/crc64"
	"strings"
	"sync"
	"testing"

	"github.com/osslite/osslite/pkg/checksum"
	"github.com/stretchr/testify/require"
)

// sumOf is alg's checksum of data.
func sumOf(alg checksum.Algorithm, data []byte) []byte {
	h := alg.New()
	h.Write(data)
	return h.Sum(nil)
}

func TestExtendObject(t *testing.T) {
	ctx := context.Background()
	for _, alg := range []checksum.Algorithm{checksum.CRC64NVME, checksum.CRC32, checksum.CRC32C, checksum.SHA256, checksum.SHA1} {
		for name, enc := range map[string]Encryption{"clear": {}, "managed": {Mode: EncryptManaged}} {
			t.Run(string(alg)+"/"+name, func(t *testing.T) {
				e := openTest(t, sseOptions(t))
				require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
				pieces := [][]byte{[]byte("first, held in the record"), bytes.Repeat([]byte("x"), 3*e.opts.ChunkSize+5), []byte("!")}
				info, err := e.PutObject(ctx, "bkt", "k", bytes.NewReader(pieces[0]), int64(len(pieces[0])),
					PutOptions{Metadata: Metadata{ContentType: "text/plain", User: map[string]string{"a": "1"}}, Checksum: &ChecksumInput{Algorithm: alg}, Encryption: enc})
				require.NoError(t, err)
				whole := pieces[0]
				for i, p := range pieces[1:] {
					opts := PutOptions{}
					if i == 0 { // the first names its checksum, the second lets the object's be computed
						opts.Checksum = &ChecksumInput{Algorithm: alg, Value: sumOf(alg, p)}
					}
					if info, err = e.ExtendObject(ctx, "bkt", "k", int64(len(whole)), bytes.NewReader(p), int64(len(p)), opts); err != nil {
						t.Fatal(err)
					}
					whole = append(bytes.Clone(whole), p...)
					require.Equal(t, int64(len(whole)), info.Size)
				}
				got, o := readAll(t, e, "bkt", "k", GetOptions{})
				require.Equal(t, whole, got)
				require.Equal(t, info.ETag, o.Info.ETag)
				require.True(t, strings.HasSuffix(o.Info.ETag, "-3"), o.Info.ETag)
				require.Equal(t, "text/plain", o.Info.ContentType, "the first write's metadata stays")
				require.Equal(t, map[string]string{"a": "1"}, o.Info.User)
				require.Equal(t, []int64{int64(len(pieces[0])), int64(len(pieces[1])), 1}, o.Info.PartSizes)
				require.Equal(t, crc64.Checksum(whole, crc64Table), o.Info.CRC64)
				require.Equal(t, enc.Mode != EncryptNone, o.Info.Encryption != nil)
				partSums := [][]byte{sumOf(alg, pieces[0]), sumOf(alg, pieces[1]), sumOf(alg, pieces[2])}
				require.Equal(t, partSums, o.Info.PartChecksums)
				if alg.IsCRC() {
					require.Equal(t, "FULL_OBJECT", o.Info.ChecksumType)
					require.Equal(t, sumOf(alg, whole), o.Info.Checksums[alg])
				} else {
					require.Equal(t, "COMPOSITE", o.Info.ChecksumType)
					require.Equal(t, sumOf(alg, bytes.Join(partSums, nil)), o.Info.Checksums[alg])
				}
				got, _ = readAll(t, e, "bkt", "k", GetOptions{PartNumber: 2})
				require.Equal(t, pieces[1], got, "each append is a part")
				r := ByteRange{Start: 20, End: 40}
				got, _ = readAll(t, e, "bkt", "k", GetOptions{Range: &r})
				require.Equal(t, whole[20:41], got, "a range across the moved body and the first append")

				// A copy of one part: read and written again, whole checksum.
				cp, err := e.CopyObject(ctx, "bkt", "k", "bkt", "one", CopyOptions{OnePart: true, Encryption: enc})
				require.NoError(t, err)
				require.Nil(t, cp.PartSizes)
				require.Nil(t, cp.PartChecksums)
				require.Equal(t, map[checksum.Algorithm][]byte{alg: sumOf(alg, whole)}, cp.Checksums)
				require.Equal(t, "FULL_OBJECT", cp.ChecksumType)
				require.Equal(t, hexMD5(whole), cp.ETag)
				got, _ = readAll(t, e, "bkt", "one", GetOptions{})
				require.Equal(t, whole, got)
				e.audit(t)
			})
		}
	}
}

func TestExtendObjectCreatesAndGrowsAnyObject(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))

	// Offset 0 on a free key creates the object as PutObject would.
	info, err := e.ExtendObject(ctx, "bkt", "new", 0, strings.NewReader("abc"), 3,
		PutOptions{Metadata: Metadata{ContentType: "text/x-new"}, DefaultChecksum: checksum.CRC64NVME})
	require.NoError(t, err)
	sum := md5.Sum([]byte("abc"))
	require.Equal(t, hexMD5([]byte("abc")), info.ETag, "%x", sum)
	require.Nil(t, info.PartSizes)
	require.Equal(t, sumOf(checksum.CRC64NVME, []byte("abc")), info.Checksums[checksum.CRC64NVME])

	// An empty object: the append is its only part.
	_, err = e.PutObject(ctx, "bkt", "empty", bytes.NewReader(nil), 0, PutOptions{DefaultChecksum: checksum.CRC32})
	require.NoError(t, err)
	info, err = e.ExtendObject(ctx, "bkt", "empty", 0, strings.NewReader("xyz"), 3, PutOptions{})
	require.NoError(t, err)
	require.Nil(t, info.PartSizes)
	require.True(t, strings.HasSuffix(info.ETag, "-1"), info.ETag)
	require.Equal(t, map[checksum.Algorithm][]byte{checksum.CRC32: sumOf(checksum.CRC32, []byte("xyz"))}, info.Checksums)

	// A multipart object of two COMPOSITE CRC32 parts gets a third.
	id, err := e.CreateMultipartUpload(ctx, "bkt", "mp", PutOptions{Checksum: &ChecksumInput{Algorithm: checksum.CRC32}, ChecksumType: "COMPOSITE"})
	require.NoError(t, err)
	parts := [][]byte{[]byte("part one"), []byte("part two"), []byte("appended")}
	var done []CompletePart
	for n, p := range parts[:2] {
		pi, err := e.UploadPart(ctx, "bkt", "mp", id, n+1, bytes.NewReader(p), int64(len(p)), PartOptions{Checksum: &ChecksumInput{Algorithm: checksum.CRC32}})
		require.NoError(t, err)
		done = append(done, CompletePart{PartNumber: n + 1, ETag: pi.ETag})
	}
	_, err = e.CompleteMultipartUpload(ctx, "bkt", "mp", id, done, CompleteOptions{MinPartSize: -1})
	require.NoError(t, err)
	info, err = e.ExtendObject(ctx, "bkt", "mp", 16, bytes.NewReader(parts[2]), int64(len(parts[2])), PutOptions{})
	require.NoError(t, err)
	require.Equal(t, ObjectMultipart, info.Type)
	require.Equal(t, []int64{8, 8, 8}, info.PartSizes)
	partSums := [][]byte{sumOf(checksum.CRC32, parts[0]), sumOf(checksum.CRC32, parts[1]), sumOf(checksum.CRC32, parts[2])}
	require.Equal(t, "COMPOSITE", info.ChecksumType)
	require.Equal(t, sumOf(checksum.CRC32, bytes.Join(partSums, nil)), info.Checksums[checksum.CRC32])
	got, _ := readAll(t, e, "bkt", "mp", GetOptions{})
	require.Equal(t, bytes.Join(parts, nil), got)

	// An OSS appendable object grows too, and stays appendable.
	_, err = e.AppendObject(ctx, "bkt", "log", 0, strings.NewReader("oss "), 4, PutOptions{})
	require.NoError(t, err)
	info, err = e.ExtendObject(ctx, "bkt", "log", 4, strings.NewReader("s3"), 2, PutOptions{})
	require.NoError(t, err)
	require.Equal(t, ObjectAppendable, info.Type)
	got, _ = readAll(t, e, "bkt", "log", GetOptions{})
	require.Equal(t, "oss s3", string(got))
	e.audit(t)
}

func TestExtendObjectRefusals(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, sseOptions(t))
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	orig, err := e.PutObject(ctx, "bkt", "k", strings.NewReader("data"), 4, PutOptions{Checksum: &ChecksumInput{Algorithm: checksum.SHA256}, Encryption: Encryption{Mode: EncryptManaged}})
	require.NoError(t, err)
	_, err = e.PutSymlink(ctx, "bkt", "link", "k", PutOptions{})
	require.NoError(t, err)
	crc := &ChecksumInput{Algorithm: checksum.CRC32C}
	var pos *PositionError
	var pce *PartChecksumError
	for name, c := range map[string]struct {
		key    string
		offset int64
		body   string
		size   int64
		opts   PutOptions
		want   error
		as     any
	}{
		"empty":            {key: "k", offset: 4, body: "", size: 0, want: ErrEmptyAppend},
		"empty, unknown":   {key: "k", offset: 4, body: "", size: -1, want: ErrEmptyAppend},
		"negative offset":  {key: "k", offset: -1, body: "x", size: 1, want: ErrInvalidArgument},
		"missing key":      {key: "none", offset: 4, body: "x", size: 1, want: ErrNoSuchKey},
		"offset short":     {key: "k", offset: 3, body: "x", size: 1, want: ErrPositionNotEqualToLength, as: &pos},
		"offset long":      {key: "k", offset: 5, body: "x", size: 1, want: ErrPositionNotEqualToLength, as: &pos},
		"user metadata":    {key: "k", offset: 4, body: "x", size: 1, opts: PutOptions{Metadata: Metadata{User: map[string]string{"a": "b"}}}, want: ErrAppendMetadata},
		"checksum type":    {key: "k", offset: 4, body: "x", size: 1, opts: PutOptions{Checksum: crc}, want: ErrPartChecksum, as: &pce},
		"bad digest":       {key: "k", offset: 4, body: "x", size: 1, opts: PutOptions{Checksum: &ChecksumInput{Algorithm: checksum.SHA256, Value: sumOf(checksum.SHA256, []byte("y"))}}, want: ErrBadDigest},
		"encryption type":  {key: "k", offset: 4, body: "x", size: 1, opts: PutOptions{Encryption: Encryption{Mode: EncryptKMS, KeyID: "alias/app"}}, want: ErrEncryptionTypeMismatch},
		"if-match":         {key: "k", offset: 4, body: "x", size: 1, opts: PutOptions{IfMatch: "0123456789abcdef0123456789abcdef"}, want: ErrPreconditionFailed},
		"if-none-match":    {key: "k", offset: 4, body: "x", size: 1, opts: PutOptions{IfNoneMatch: "*"}, want: ErrPreconditionFailed},
		"symlink":          {key: "link", offset: 0, body: "x", size: 1, want: ErrObjectNotAppendable},
		"body short":       {key: "k", offset: 4, body: "x", size: 2, want: ErrIncompleteBody},
		"missing bucket":   {key: "k", offset: 0, body: "x", size: 1, want: ErrNoSuchBucket},
		"too large offset": {key: "k", offset: MaxObjectSize, body: "x", size: 1, want: ErrEntityTooLarge},
	} {
		bucket := "bkt"
		if name == "missing bucket" {
			bucket = "none"
		}
		_, err := e.ExtendObject(ctx, bucket, c.key, c.offset, strings.NewReader(c.body), c.size, c.opts)
		require.ErrorIs(t, err, c.want, name)
		if c.as != nil {
			require.ErrorAs(t, err, c.as, name)
		}
	}
	require.Equal(t, int64(4), pos.Length)
	require.Equal(t, PartChecksumError{Upload: checksum.SHA256, Part: checksum.CRC32C}, *pce)
	got, o := readAll(t, e, "bkt", "k", GetOptions{})
	require.Equal(t, "data", string(got), "no refusal changed the object")
	require.Equal(t, orig.ETag, o.Info.ETag)
	e.audit(t)
}

func TestExtendObjectTooManyParts(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	// An object of 9,999 parts (a multipart upload: appends one by one
	// would rewrite a growing record 9,999 times) takes one append more.
	id, err := e.CreateMultipartUpload(ctx, "bkt", "k", PutOptions{})
	require.NoError(t, err)
	parts := make([]CompletePart, MaxObjectParts-1)
	for i := range parts {
		pi, err := e.UploadPart(ctx, "bkt", "k", id, i+1, strings.NewReader("p"), 1, PartOptions{})
		require.NoError(t, err)
		parts[i] = CompletePart{PartNumber: i + 1, ETag: pi.ETag}
	}
	_, err = e.CompleteMultipartUpload(ctx, "bkt", "k", id, parts, CompleteOptions{MinPartSize: -1})
	require.NoError(t, err)
	info, err := e.ExtendObject(ctx, "bkt", "k", MaxObjectParts-1, strings.NewReader("a"), 1, PutOptions{})
	require.NoError(t, err)
	require.Len(t, info.PartSizes, MaxObjectParts)
	_, err = e.ExtendObject(ctx, "bkt", "k", MaxObjectParts, strings.NewReader("b"), 1, PutOptions{})
	require.ErrorIs(t, err, ErrTooManyParts)
	info, err = e.HeadObject(ctx, "bkt", "k")
	require.NoError(t, err)
	require.Equal(t, int64(MaxObjectParts), info.Size, "the refused append changed nothing")

	// A copy of one part takes appends again; a plain copy keeps the parts.
	_, err = e.CopyObject(ctx, "bkt", "k", "bkt", "same", CopyOptions{})
	require.NoError(t, err)
	_, err = e.ExtendObject(ctx, "bkt", "same", MaxObjectParts, strings.NewReader("b"), 1, PutOptions{})
	require.ErrorIs(t, err, ErrTooManyParts)
	cp, err := e.CopyObject(ctx, "bkt", "k", "bkt", "copy", CopyOptions{OnePart: true, DefaultChecksum: checksum.CRC64NVME})
	require.NoError(t, err)
	body, _ := readAll(t, e, "bkt", "k", GetOptions{})
	require.Nil(t, cp.PartSizes)
	require.Equal(t, ObjectNormal, cp.Type)
	require.Equal(t, hexMD5(body), cp.ETag)
	require.Equal(t, map[checksum.Algorithm][]byte{checksum.CRC64NVME: sumOf(checksum.CRC64NVME, body)}, cp.Checksums)
	_, err = e.ExtendObject(ctx, "bkt", "copy", MaxObjectParts, strings.NewReader("b"), 1, PutOptions{})
	require.NoError(t, err)
	got, _ := readAll(t, e, "bkt", "copy", GetOptions{})
	require.Equal(t, append(body, 'b'), got)
	e.audit(t)
}

func TestExtendObjectConcurrent(t *testing.T) {
	lowCoalesce(t, 2) // appends coalesce while others append and read
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	const writers, each = 4, 20
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for done := 0; done < each; {
				info, err := e.HeadObject(ctx, "bkt", "log")
				off := info.Size
				if errors.Is(err, ErrNoSuchKey) {
					off = 0
				} else if err != nil {
					t.Error(err)
					return
				}
				_, err = e.ExtendObject(ctx, "bkt", "log", off, strings.NewReader(string(rune('a'+w))), 1, PutOptions{})
				var pos *PositionError
				switch {
				case err == nil:
					done++
				case errors.As(err, &pos), errors.Is(err, ErrConditionalRequestConflict):
				default:
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	got, _ := readAll(t, e, "bkt", "log", GetOptions{})
	require.Len(t, got, writers*each, "every append that succeeded is there, once")
	for w := range writers {
		require.Equal(t, each, bytes.Count(got, []byte{byte('a' + w)}))
	}
	e.audit(t)
}

// BenchmarkExtend appends 4 KiB to an object, starting a new object every
// 100 appends (an append rewrites the record, whose part list grows with
// the appends; its extents are coalesced, see coalesce.go).
func BenchmarkExtend(b *testing.B) {
	ctx := context.Background()
	e := openTest(b, nil)
	require.NoError(b, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	piece := bytes.Repeat([]byte("x"), 4<<10)
	b.SetBytes(int64(len(piece)))
	b.ReportAllocs()
	var off int64
	for i := 0; b.Loop(); i++ {
		if i%100 == 0 {
			off = 0
			require.NoError(b, e.DeleteObject(ctx, "bkt", "k", DeleteOptions{}))
		}
		if _, err := e.ExtendObject(ctx, "bkt", "k", off, bytes.NewReader(piece), int64(len(piece)), PutOptions{DefaultChecksum: checksum.CRC64NVME}); err != nil {
			b.Fatal(err)
		}
		off += int64(len(piece))
	}
}
