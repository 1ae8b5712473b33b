package engine

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"hash/crc64"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/osslite/osslite/pkg/checksum"
	"github.com/stretchr/testify/require"
)

// multipartETag computes the expected ETag of a multipart object.
func multipartETag(parts ...[]byte) string {
	var cat []byte
	for _, p := range parts {
		s := md5.Sum(p)
		cat = append(cat, s[:]...)
	}
	s := md5.Sum(cat)
	return fmt.Sprintf("%s-%d", hex.EncodeToString(s[:]), len(parts))
}

func TestMultipartBasic(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	clock := e.opts.Clock.(*fakeClock)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	rng := rand.New(rand.NewPCG(7, 8))
	id, err := e.CreateMultipartUpload(ctx, "bkt", "obj", PutOptions{Metadata: Metadata{ContentType: "text/x", User: map[string]string{"a": "b"}}, Tags: []Tag{{Key: "t", Value: "v"}}, StorageClass: "IA"})
	require.NoError(t, err)
	require.Len(t, id, uploadIDLen)

	p1 := randBytes(rng, 3*e.opts.ChunkSize+1)
	p2 := randBytes(rng, 2*e.opts.ChunkSize)
	p3 := randBytes(rng, 17)
	for n, p := range map[int][]byte{1: p1, 2: randBytes(rng, 10), 3: p3} {
		info, err := e.UploadPart(ctx, "bkt", "obj", id, n, bytes.NewReader(p), int64(len(p)), PartOptions{})
		require.NoError(t, err)
		sum := md5.Sum(p)
		require.Equal(t, hex.EncodeToString(sum[:]), info.ETag)
		require.Equal(t, int64(len(p)), info.Size)
	}
	// Re-uploading part 2 replaces it; part 5 is uploaded and never listed.
	_, err = e.UploadPart(ctx, "bkt", "obj", id, 2, bytes.NewReader(p2), -1, PartOptions{})
	require.NoError(t, err)
	_, err = e.UploadPart(ctx, "bkt", "obj", id, 5, bytes.NewReader(p2), -1, PartOptions{})
	require.NoError(t, err)

	lp, err := e.ListParts(ctx, "bkt", "obj", id, ListPartsOptions{})
	require.NoError(t, err)
	require.Len(t, lp.Parts, 4)
	require.Equal(t, []int{1, 2, 3, 5}, []int{lp.Parts[0].PartNumber, lp.Parts[1].PartNumber, lp.Parts[2].PartNumber, lp.Parts[3].PartNumber})
	require.Equal(t, int64(len(p2)), lp.Parts[1].Size)
	require.Equal(t, "text/x", lp.Upload.ContentType)
	// (Paging through the parts is the conformance suite's ListParts.)

	clock.Advance(time.Minute)
	parts := []CompletePart{{1, `"` + hexMD5(p1) + `"`, nil, ""}, {2, strings.ToUpper(hexMD5(p2)), nil, ""}, {3, hexMD5(p3), nil, ""}}
	info, err := e.CompleteMultipartUpload(ctx, "bkt", "obj", id, parts, CompleteOptions{MinPartSize: 1})
	require.NoError(t, err)
	whole := append(append(append([]byte(nil), p1...), p2...), p3...)
	require.Equal(t, multipartETag(p1, p2, p3), info.ETag)
	require.Equal(t, crc64.Checksum(whole, crc64Table), info.CRC64)
	require.Equal(t, int64(len(whole)), info.Size)
	require.Equal(t, []int64{int64(len(p1)), int64(len(p2)), int64(len(p3))}, info.PartSizes)
	require.Equal(t, ObjectMultipart, info.Type)
	require.Equal(t, "text/x", info.ContentType)
	require.Equal(t, "IA", info.StorageClass)
	require.Equal(t, []Tag{{Key: "t", Value: "v"}}, info.Tags)
	got, _ := readAll(t, e, "bkt", "obj", GetOptions{})
	require.Equal(t, whole, got)
	// Part reads and ranges across part boundaries.
	got, o := readAll(t, e, "bkt", "obj", GetOptions{PartNumber: 2})
	require.Equal(t, p2, got)
	require.Equal(t, int64(len(p1)), o.Offset)
	r := ByteRange{Start: int64(len(p1)) - 3, End: int64(len(p1)+len(p2)) + 5}
	got, _ = readAll(t, e, "bkt", "obj", GetOptions{Range: &r})
	require.Equal(t, whole[r.Start:r.End+1], got)
	_, err = e.GetObject(ctx, "bkt", "obj", GetOptions{PartNumber: 4})
	require.ErrorIs(t, err, ErrInvalidPartNumber)

	// The upload is gone; the unlisted part 5 and the replaced part 2 are freed.
	_, err = e.ListParts(ctx, "bkt", "obj", id, ListPartsOptions{})
	require.ErrorIs(t, err, ErrNoSuchUpload)
	// A retry of the Complete gets the same result (TestCompleteRetry);
	// other parts do not.
	_, err = e.CompleteMultipartUpload(ctx, "bkt", "obj", id, parts[:1], CompleteOptions{MinPartSize: 1})
	require.ErrorIs(t, err, ErrNoSuchUpload)
	require.Equal(t, 3, e.countBlobs(t))
	require.Zero(t, e.countPrefix(t, prefixPart))
	require.NoError(t, e.DeleteObject(ctx, "bkt", "obj", DeleteOptions{}))
	require.Zero(t, e.countBlobs(t))
	require.Zero(t, e.countPrefix(t, prefixChunk))
	require.NoError(t, e.DeleteBucket(ctx, "bkt", DeleteBucketOptions{}))
}

func hexMD5(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

func TestMultipartErrors(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	// The conformance suite's MultipartErrors has the missing bucket, the
	// upload ID of another key or of nobody, the wrong part order, a
	// duplicate, a missing part and a wrong ETag, and aborting twice.
	_, err := e.CreateMultipartUpload(ctx, "bkt", "", PutOptions{})
	require.ErrorIs(t, err, ErrInvalidKey)
	_, err = e.CreateMultipartUpload(ctx, "bkt", "k", PutOptions{Checksum: &ChecksumInput{Algorithm: "MD4"}})
	require.ErrorIs(t, err, ErrInvalidArgument)
	_, err = e.CreateMultipartUpload(ctx, "bkt", "k", PutOptions{Checksum: &ChecksumInput{Algorithm: checksum.SHA256}, ChecksumType: "FULL_OBJECT"})
	require.ErrorIs(t, err, ErrInvalidArgument)
	_, err = e.CreateMultipartUpload(ctx, "bkt", "k", PutOptions{Tags: make([]Tag, 11)})
	require.ErrorIs(t, err, ErrInvalidTag)

	id, err := e.CreateMultipartUpload(ctx, "bkt", "k", PutOptions{})
	require.NoError(t, err)
	small := []byte("small part")
	for _, n := range []int{0, -1, 10001} {
		_, err = e.UploadPart(ctx, "bkt", "k", id, n, bytes.NewReader(small), -1, PartOptions{})
		require.ErrorIs(t, err, ErrInvalidPartNumber, "part %d", n)
	}
	_, err = e.UploadPart(ctx, "nope", "k", id, 1, bytes.NewReader(small), -1, PartOptions{})
	require.ErrorIs(t, err, ErrNoSuchBucket)
	_, err = e.UploadPart(ctx, "bkt", "k", id, 1, bytes.NewReader(small), -1, PartOptions{ContentMD5: make([]byte, 16)})
	require.ErrorIs(t, err, ErrBadDigest)
	_, err = e.UploadPart(ctx, "bkt", "k", id, 1, bytes.NewReader(small), 100, PartOptions{})
	require.ErrorIs(t, err, ErrIncompleteBody)

	for n := 1; n <= 3; n++ {
		_, err = e.UploadPart(ctx, "bkt", "k", id, n, bytes.NewReader(small), -1, PartOptions{})
		require.NoError(t, err)
	}
	et := hexMD5(small)
	for _, tc := range []struct {
		name  string
		parts []CompletePart
		min   int64
		want  error
	}{
		{"empty", nil, 1, ErrInvalidPart},
		// Part keys hold 32-bit numbers: 1+2^32 must not alias part 1.
		{"wrapped", []CompletePart{{1, et, nil, ""}, {1 + 1<<32, et, nil, ""}, {1 + 2<<32, et, nil, ""}}, 1, ErrInvalidPartNumber},
		{"zero", []CompletePart{{0, et, nil, ""}, {1, et, nil, ""}}, 1, ErrInvalidPartNumber},
		{"negative", []CompletePart{{1 - 1<<32, et, nil, ""}}, 1, ErrInvalidPartNumber},
		{"above maximum", []CompletePart{{1, et, nil, ""}, {MaxPartNumber + 1, et, nil, ""}}, 1, ErrInvalidPartNumber},
		{"checksum", []CompletePart{{1, et, []byte{1}, ""}}, 1, ErrInvalidPart},
		{"too small", []CompletePart{{1, et, nil, ""}, {2, et, nil, ""}}, 0, ErrEntityTooSmall},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.CompleteMultipartUpload(ctx, "bkt", "k", id, tc.parts, CompleteOptions{MinPartSize: tc.min})
			require.ErrorIs(t, err, tc.want)
			_, err = e.HeadObject(ctx, "bkt", "k")
			require.ErrorIs(t, err, ErrNoSuchKey)
		})
	}
	for _, m := range []int{-1, MaxPartNumber + 1, 1 << 32} {
		_, err = e.ListParts(ctx, "bkt", "k", id, ListPartsOptions{PartNumberMarker: m})
		require.ErrorIs(t, err, ErrInvalidPartNumber, "marker %d", m)
	}
	lp, err := e.ListParts(ctx, "bkt", "k", id, ListPartsOptions{PartNumberMarker: MaxPartNumber})
	require.NoError(t, err)
	require.Empty(t, lp.Parts)
	var pe *PartError
	_, err = e.CompleteMultipartUpload(ctx, "bkt", "k", id, []CompletePart{{1, et, nil, ""}, {2, et, nil, ""}}, CompleteOptions{})
	require.ErrorAs(t, err, &pe)
	require.Equal(t, 1, pe.PartNumber)
	require.Equal(t, int64(DefaultMinPartSize), pe.MinSize)
	require.Equal(t, int64(len(small)), pe.Size)
	// OSS's smaller minimum admits a 100 KiB part.
	require.ErrorIs(t, e.DeleteBucket(ctx, "bkt", DeleteBucketOptions{}), ErrBucketNotEmpty, "uploads keep a bucket")
	require.NoError(t, e.AbortMultipartUpload(ctx, "bkt", "k", id))
	require.Zero(t, e.countBlobs(t))
	require.NoError(t, e.DeleteBucket(ctx, "bkt", DeleteBucketOptions{}))
}

func TestMultipartChecksums(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	rng := rand.New(rand.NewPCG(9, 9))
	parts := [][]byte{randBytes(rng, 5000), randBytes(rng, 7000), randBytes(rng, 10)}
	whole := bytes.Join(parts, nil)
	for _, tc := range []struct {
		alg checksum.Algorithm
		typ string
	}{
		{checksum.CRC32, "COMPOSITE"}, {checksum.CRC32C, "FULL_OBJECT"}, {checksum.SHA256, "COMPOSITE"}, {checksum.CRC64NVME, ""},
	} {
		t.Run(string(tc.alg)+tc.typ, func(t *testing.T) {
			id, err := e.CreateMultipartUpload(ctx, "bkt", "k", PutOptions{Checksum: &ChecksumInput{Algorithm: tc.alg}, ChecksumType: tc.typ})
			require.NoError(t, err)
			up, err := e.Upload(ctx, "bkt", "k", id)
			require.NoError(t, err)
			require.Equal(t, tc.alg, up.ChecksumAlgorithm)
			var cps []CompletePart
			var composite []byte
			for i, p := range parts {
				h := tc.alg.New()
				h.Write(p)
				want := h.Sum(nil)
				// Every other part sends its checksum; the rest are computed.
				var ck *ChecksumInput
				if i%2 == 0 {
					ck = &ChecksumInput{Algorithm: tc.alg, Value: want}
				}
				info, err := e.UploadPart(ctx, "bkt", "k", id, i+1, bytes.NewReader(p), -1, PartOptions{Checksum: ck})
				require.NoError(t, err)
				require.Equal(t, want, info.Checksum)
				cps = append(cps, CompletePart{PartNumber: i + 1, ETag: info.ETag, Checksum: want})
				composite = append(composite, want...)
			}
			_, err = e.UploadPart(ctx, "bkt", "k", id, 9, bytes.NewReader(parts[0]), -1, PartOptions{Checksum: &ChecksumInput{Algorithm: checksum.SHA1}})
			require.ErrorIs(t, err, ErrInvalidArgument)
			var pce *PartChecksumError
			require.ErrorAs(t, err, &pce)
			require.Equal(t, PartChecksumError{Upload: tc.alg, Part: checksum.SHA1}, *pce)
			_, err = e.UploadPart(ctx, "bkt", "k", id, 9, bytes.NewReader(parts[0]), -1, PartOptions{CompositeNeedsChecksum: true})
			if up.ChecksumType == "COMPOSITE" {
				require.ErrorAs(t, err, &pce, "a COMPOSITE upload's part must bring its checksum")
				require.Equal(t, PartChecksumError{Upload: tc.alg}, *pce)
			} else {
				require.NoError(t, err)
			}
			info, err := e.CompleteMultipartUpload(ctx, "bkt", "k", id, cps, CompleteOptions{MinPartSize: 1})
			require.NoError(t, err)
			var want []byte
			if info.ChecksumType == "COMPOSITE" {
				h := tc.alg.New()
				h.Write(composite)
				want = h.Sum(nil)
			} else {
				require.Equal(t, "FULL_OBJECT", info.ChecksumType)
				h := tc.alg.New()
				h.Write(whole)
				want = h.Sum(nil)
			}
			require.Equal(t, want, info.Checksums[tc.alg])
			require.Equal(t, crc64.Checksum(whole, crc64Table), info.CRC64)
		})
	}
}

func TestUploadPartCopy(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	rng := rand.New(rand.NewPCG(11, 12))
	big := randBytes(rng, 6*e.opts.ChunkSize+99)
	small := randBytes(rng, 300) // inline
	put(t, e, "bkt", "big", big)
	put(t, e, "bkt", "small", small)
	blobs := e.countBlobs(t)

	id, err := e.CreateMultipartUpload(ctx, "bkt", "dst", PutOptions{})
	require.NoError(t, err)
	r1 := ByteRange{Start: 100, End: int64(3*e.opts.ChunkSize + 7)}
	info, err := e.UploadPartCopy(ctx, "bkt", "dst", id, 1, "bkt", "big", PartCopyOptions{Range: &r1})
	require.NoError(t, err)
	want1 := big[r1.Start : r1.End+1]
	require.Equal(t, hexMD5(want1), info.ETag)
	require.Equal(t, blobs, e.countBlobs(t), "a ranged copy of a stored body writes no blob")
	info, err = e.UploadPartCopy(ctx, "bkt", "dst", id, 2, "bkt", "big", PartCopyOptions{})
	require.NoError(t, err)
	require.Equal(t, hexMD5(big), info.ETag)
	info, err = e.UploadPartCopy(ctx, "bkt", "dst", id, 3, "bkt", "small", PartCopyOptions{Range: &ByteRange{Start: 10, End: 19}})
	require.NoError(t, err)
	require.Equal(t, hexMD5(small[10:20]), info.ETag)

	// Errors (a missing source and an unknown upload are the conformance
	// suite's UploadPartCopy and MultipartErrors).
	_, err = e.UploadPartCopy(ctx, "bkt", "dst", id, 4, "bkt", "big", PartCopyOptions{Range: &ByteRange{Start: int64(len(big)), End: int64(len(big)) + 5}})
	require.ErrorIs(t, err, ErrInvalidRange)
	_, err = e.UploadPartCopy(ctx, "bkt", "dst", id, 4, "bkt", "big", PartCopyOptions{Source: Conditions{IfNoneMatch: "*"}})
	require.ErrorIs(t, err, ErrPreconditionFailed)
	_, err = e.UploadPartCopy(ctx, "bkt", "dst", id, 0, "bkt", "big", PartCopyOptions{})
	require.ErrorIs(t, err, ErrInvalidPartNumber)

	// Deleting the source before Complete keeps the parts readable.
	require.NoError(t, e.DeleteObject(ctx, "bkt", "big", DeleteOptions{}))
	lp, err := e.ListParts(ctx, "bkt", "dst", id, ListPartsOptions{})
	require.NoError(t, err)
	var cps []CompletePart
	for _, p := range lp.Parts {
		cps = append(cps, CompletePart{PartNumber: p.PartNumber, ETag: p.ETag})
	}
	_, err = e.CompleteMultipartUpload(ctx, "bkt", "dst", id, cps, CompleteOptions{MinPartSize: 1})
	require.NoError(t, err)
	got, _ := readAll(t, e, "bkt", "dst", GetOptions{})
	require.Equal(t, bytes.Join([][]byte{want1, big, small[10:20]}, nil), got)
	require.NoError(t, e.DeleteObject(ctx, "bkt", "dst", DeleteOptions{}))
	require.NoError(t, e.DeleteObject(ctx, "bkt", "small", DeleteOptions{}))
	require.Zero(t, e.countBlobs(t))
}

func TestListMultipartUploads(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	clock := e.opts.Clock.(*fakeClock)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	require.NoError(t, e.CreateBucket(ctx, "bkt2", BucketOptions{}))
	type up struct{ key, id string }
	var ups []up
	for _, k := range []string{"a/1", "a/2", "b", "b", "c/d/e", "c/x", "d"} {
		clock.Advance(time.Second)
		id, err := e.CreateMultipartUpload(ctx, "bkt", k, PutOptions{})
		require.NoError(t, err)
		ups = append(ups, up{k, id})
	}
	_, err := e.CreateMultipartUpload(ctx, "bkt2", "zzz", PutOptions{})
	require.NoError(t, err)

	all, err := e.ListMultipartUploads(ctx, "bkt", ListUploadsOptions{})
	require.NoError(t, err)
	require.Len(t, all.Uploads, len(ups))
	for i, u := range all.Uploads {
		require.Equal(t, ups[i].key, u.Key)
		require.Equal(t, ups[i].id, u.UploadID, "same key sorts by initiation")
	}
	// Delimiters, prefixes, a key marker and a missing bucket are the
	// conformance suite's (ListUploads, MultipartErrors).

	// Paging one at a time visits every upload exactly once, in initiation
	// order within a key.
	var seen []string
	opts := ListUploadsOptions{MaxUploads: 1}
	for i := 0; ; i++ {
		page, err := e.ListMultipartUploads(ctx, "bkt", opts)
		require.NoError(t, err)
		for _, u := range page.Uploads {
			seen = append(seen, u.UploadID)
		}
		if !page.IsTruncated {
			break
		}
		require.Less(t, i, 20)
		opts.KeyMarker, opts.UploadIDMarker = page.NextKeyMarker, page.NextUploadIDMarker
	}
	require.Len(t, seen, len(ups))
	for i := range ups {
		require.Equal(t, ups[i].id, seen[i])
	}

	n, err := e.AbortUploadsBefore(ctx, "bkt", clock.Now().Add(-3*time.Second))
	require.NoError(t, err)
	require.Equal(t, 3, n, "uploads initiated at +1s, +2s and +3s")
	res, err := e.ListMultipartUploads(ctx, "bkt", ListUploadsOptions{})
	require.NoError(t, err)
	require.Len(t, res.Uploads, 4)
	require.Equal(t, ups[3].id, res.Uploads[0].UploadID)
}

// TestTenThousandParts completes a 10,000-part upload and reads it back.
func TestTenThousandParts(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 parts")
	}
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	id, parts, whole := uploadParts(t, e, "bkt", "k", MaxPartNumber, 50)
	info, err := e.CompleteMultipartUpload(ctx, "bkt", "k", id, parts, CompleteOptions{MinPartSize: 1})
	require.NoError(t, err)
	require.Equal(t, int64(len(whole)), info.Size)
	require.True(t, strings.HasSuffix(info.ETag, "-10000"))
	o, err := e.GetObject(ctx, "bkt", "k", GetOptions{})
	require.NoError(t, err)
	got, err := io.ReadAll(o)
	require.NoError(t, err)
	require.NoError(t, o.Close())
	require.Equal(t, whole, got)
	got, _ = readAll(t, e, "bkt", "k", GetOptions{PartNumber: 7777})
	require.Equal(t, whole[7776*50:7777*50], got)
}

// uploadParts uploads n parts of size bytes each and returns the list to
// complete with.
func uploadParts(t testing.TB, e *Engine, bucket, key string, n, size int) (string, []CompletePart, []byte) {
	ctx := context.Background()
	id, err := e.CreateMultipartUpload(ctx, bucket, key, PutOptions{})
	require.NoError(t, err)
	var parts []CompletePart
	var whole []byte
	for i := 1; i <= n; i++ {
		p := bytes.Repeat([]byte{byte(i), byte(i >> 8)}, size/2)
		info, err := e.UploadPart(ctx, bucket, key, id, i, bytes.NewReader(p), int64(len(p)), PartOptions{})
		require.NoError(t, err)
		parts = append(parts, CompletePart{PartNumber: i, ETag: info.ETag})
		whole = append(whole, p...)
	}
	return id, parts, whole
}

// TestUploadInitiator: an upload keeps who started it apart from its
// object's owner-to-be (PutOptions.Initiator), across a reopen; without
// one recorded the owner is the initiator.
func TestUploadInitiator(t *testing.T) {
	ctx := context.Background()
	fs := vfs.NewMem()
	e, err := Open("/db", &Options{FS: fs})
	require.NoError(t, err)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{Owner: "owner"}))
	given, err := e.CreateMultipartUpload(ctx, "bkt", "a", PutOptions{Owner: "owner", Initiator: "writer"})
	require.NoError(t, err)
	same, err := e.CreateMultipartUpload(ctx, "bkt", "b", PutOptions{Owner: "writer", Initiator: "writer"})
	require.NoError(t, err)
	require.NoError(t, e.Close())
	e, err = Open("/db", &Options{FS: fs})
	require.NoError(t, err)
	defer e.Close()
	up, err := e.Upload(ctx, "bkt", "a", given)
	require.NoError(t, err)
	require.Equal(t, [2]string{"owner", "writer"}, [2]string{up.Owner, up.Initiator})
	up, err = e.Upload(ctx, "bkt", "b", same)
	require.NoError(t, err)
	require.Equal(t, [2]string{"writer", "writer"}, [2]string{up.Owner, up.Initiator})
	list, err := e.ListMultipartUploads(ctx, "bkt", ListUploadsOptions{})
	require.NoError(t, err)
	require.Len(t, list.Uploads, 2)
	require.Equal(t, "writer", list.Uploads[0].Initiator)
}
