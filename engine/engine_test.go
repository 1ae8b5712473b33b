package engine

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"hash/crc64"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/v2/vfs"
	"github.com/osslite/osslite/pkg/bucketconfig"
	"github.com/osslite/osslite/pkg/checksum"
	"github.com/stretchr/testify/require"
)

// fakeClock is a settable clock for tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// testOptions keeps chunks small so tests exercise the blob log cheaply.
func testOptions() *Options {
	return &Options{Clock: newFakeClock(), InlineThreshold: 1 << 10, ChunkSize: 4 << 10, SegmentSize: 64 << 10}
}

func openTest(t testing.TB, opts *Options) *Engine {
	t.Helper()
	if opts == nil {
		opts = testOptions()
	}
	e, err := Open("", opts)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, e.Close()) })
	return e
}

func randBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

func readAll(t testing.TB, e *Engine, bucket, key string, opts GetOptions) ([]byte, *Object) {
	t.Helper()
	o, err := e.GetObject(context.Background(), bucket, key, opts)
	require.NoError(t, err)
	defer o.Close()
	b, err := io.ReadAll(o)
	require.NoError(t, err)
	return b, o
}

func put(t testing.TB, e *Engine, bucket, key string, data []byte) ObjectInfo {
	t.Helper()
	info, err := e.PutObject(context.Background(), bucket, key, bytes.NewReader(data), int64(len(data)), PutOptions{})
	require.NoError(t, err)
	return info
}

func TestBucketNames(t *testing.T) {
	for _, tc := range []struct {
		name     string
		ok       bool
		contains string
	}{
		{name: "abc", ok: true},
		{name: "my-bucket.1", ok: true},
		{name: "ab", contains: "3 to 63"},
		{name: strings.Repeat("a", 64), contains: "3 to 63"},
		{name: strings.Repeat("a", 63), ok: true},
		{name: "Abc", contains: "contains"},
		{name: "-abc", contains: "begin and end"},
		{name: "abc.", contains: "begin and end"},
		{name: "a_b", ok: true},
		{name: "a b", contains: "contains"},
		{name: "a/b", contains: "contains"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateBucketName(tc.name)
			if tc.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrInvalidBucketName)
			require.Contains(t, err.Error(), tc.contains)
		})
	}
}

func TestBuckets(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)

	// Re-creating an own bucket, the ListBuckets order, BucketNotEmpty,
	// deleting twice and buckets whose names extend others' are the
	// conformance suite's (Buckets, DeleteBucketNotEmpty).
	require.NoError(t, e.CreateBucket(ctx, "bk1", BucketOptions{Owner: "alice", Region: "us-west-2", StorageClass: "STANDARD", ACL: ACL{Canned: "public-read"}}))
	require.ErrorIs(t, e.CreateBucket(ctx, "bk1", BucketOptions{Owner: "bob"}), ErrBucketAlreadyExists)
	require.ErrorIs(t, e.CreateBucket(ctx, "B1", BucketOptions{}), ErrInvalidBucketName)

	info, err := e.Bucket(ctx, "bk1")
	require.NoError(t, err)
	require.NotZero(t, info.ID)
	require.Equal(t, BucketInfo{Name: "bk1", Created: newFakeClock().Now(), Region: "us-west-2", StorageClass: "STANDARD", ACL: ACL{Canned: "public-read"}, Owner: "alice", ID: info.ID}, info)
	_, err = e.Bucket(ctx, "nope")
	require.ErrorIs(t, err, ErrNoSuchBucket)

	acl := ACL{Grants: []Grant{{GranteeType: "CanonicalUser", ID: "x", Permission: "READ"}, {GranteeType: "Group", URI: "http://acs.amazonaws.com/groups/global/AllUsers", Permission: "READ"}}}
	require.NoError(t, e.SetBucketACL(ctx, "bk1", acl))
	info, err = e.Bucket(ctx, "bk1")
	require.NoError(t, err)
	require.Equal(t, acl, info.ACL)
	require.ErrorIs(t, e.SetBucketACL(ctx, "nope", acl), ErrNoSuchBucket)
}

// TestBucketConstraint: the location constraint a bucket was created
// with, where it is not the region's name (S3's legacy EU), is stored
// beside the region and survives a rewrite of the bucket's record.
func TestBucketConstraint(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "legacy", BucketOptions{Region: "eu-west-1", Constraint: "EU"}))
	require.NoError(t, e.CreateBucket(ctx, "plain", BucketOptions{Region: "eu-west-1"}))
	require.NoError(t, e.SetBucketACL(ctx, "legacy", ACL{Canned: "private"}))
	info, err := e.Bucket(ctx, "legacy")
	require.NoError(t, err)
	require.Equal(t, "eu-west-1", info.Region)
	require.Equal(t, "EU", info.Constraint)
	info, err = e.Bucket(ctx, "plain")
	require.NoError(t, err)
	require.Empty(t, info.Constraint)
}

func TestPutGetSizes(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	rng := rand.New(rand.NewPCG(1, 2))
	chunk := e.opts.ChunkSize
	for _, n := range []int{0, 1, 1023, 1024, 1025, chunk - 1, chunk, chunk + 1, 3*chunk + 17, 40 * chunk} {
		for _, known := range []bool{true, false} {
			data := randBytes(rng, n)
			size := int64(n)
			if !known {
				size = -1
			}
			info, err := e.PutObject(ctx, "bkt", "k", io.MultiReader(bytes.NewReader(data)), size, PutOptions{})
			require.NoError(t, err)
			sum := md5.Sum(data)
			require.Equal(t, hex.EncodeToString(sum[:]), info.ETag)
			require.Equal(t, crc64.Checksum(data, crc64.MakeTable(crc64.ECMA)), info.CRC64)
			require.Equal(t, int64(n), info.Size)
			require.Equal(t, DefaultContentType, info.ContentType)
			got, o := readAll(t, e, "bkt", "k", GetOptions{})
			require.Equal(t, data, got, "size %d", n)
			require.Equal(t, info.ETag, o.Info.ETag)
			require.False(t, o.Ranged)
			// WriteTo path.
			obj, err := e.GetObject(ctx, "bkt", "k", GetOptions{})
			require.NoError(t, err)
			var buf bytes.Buffer
			_, err = io.Copy(&buf, obj)
			require.NoError(t, err)
			require.NoError(t, obj.Close())
			require.True(t, bytes.Equal(data, buf.Bytes()))
		}
	}
}

func TestPutErrors(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	data := bytes.Repeat([]byte("abc"), 5000)
	sum := md5.Sum(data)
	crc := checksum.CRC32C.New()
	crc.Write(data)
	good := crc.Sum(nil)

	for _, tc := range []struct {
		name string
		key  string
		body []byte
		size int64
		opts PutOptions
		want error
	}{
		{name: "no bucket", key: "k", body: data, size: -1, want: ErrNoSuchBucket},
		{name: "empty key", key: "", body: data, size: -1, want: ErrInvalidKey},
		{name: "long key", key: strings.Repeat("k", 1025), body: data, size: -1, want: ErrKeyTooLong},
		{name: "bad utf8", key: "a\xffb", body: data, size: -1, want: ErrInvalidKey},
		{name: "short body", key: "k", body: data, size: int64(len(data)) + 1, want: ErrIncompleteBody},
		{name: "long body", key: "k", body: data, size: int64(len(data)) - 1, want: ErrIncompleteBody},
		{name: "short small body", key: "k", body: []byte("ab"), size: 3, want: ErrIncompleteBody},
		{name: "bad md5", key: "k", body: data, size: -1, opts: PutOptions{ContentMD5: make([]byte, 16)}, want: ErrBadDigest},
		{name: "md5 wrong length", key: "k", body: data, size: -1, opts: PutOptions{ContentMD5: []byte{1}}, want: ErrInvalidArgument},
		{name: "bad checksum", key: "k", body: data, size: -1, opts: PutOptions{Checksum: &ChecksumInput{Algorithm: checksum.CRC32C, Value: []byte{1, 2, 3, 4}}}, want: ErrBadDigest},
		{name: "bad trailer checksum", key: "k", body: data, size: -1, opts: PutOptions{Checksum: &ChecksumInput{Algorithm: checksum.CRC32C, Trailer: func() ([]byte, error) { return []byte{1, 2, 3, 4}, nil }}}, want: ErrBadDigest},
		{name: "unknown algorithm", key: "k", body: data, size: -1, opts: PutOptions{Checksum: &ChecksumInput{Algorithm: "MD4"}}, want: ErrInvalidArgument},
		{name: "too many tags", key: "k", body: data, size: -1, opts: PutOptions{Tags: make([]Tag, 11)}, want: ErrInvalidTag},
		{name: "long tag key", key: "k", body: data, size: -1, opts: PutOptions{Tags: []Tag{{Key: strings.Repeat("é", 129)}}}, want: ErrInvalidTag},
		{name: "long tag value", key: "k", body: data, size: -1, opts: PutOptions{Tags: []Tag{{Key: "a", Value: strings.Repeat("v", 257)}}}, want: ErrInvalidTag},
		{name: "duplicate tag", key: "k", body: data, size: -1, opts: PutOptions{Tags: []Tag{{Key: "a"}, {Key: "a"}}}, want: ErrInvalidTag},
		{name: "if-match on missing", key: "k", body: data, size: -1, opts: PutOptions{IfMatch: "*"}, want: ErrNoSuchKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bucket := "bkt"
			if tc.want == ErrNoSuchBucket {
				bucket = "nope"
			}
			_, err := e.PutObject(ctx, bucket, tc.key, bytes.NewReader(tc.body), tc.size, tc.opts)
			require.ErrorIs(t, err, tc.want)
			_, err = e.HeadObject(ctx, "bkt", "k")
			require.ErrorIs(t, err, ErrNoSuchKey, "a failed put must store nothing")
		})
	}
	var de *DigestError
	_, err := e.PutObject(ctx, "bkt", "k", bytes.NewReader(data), -1, PutOptions{Checksum: &ChecksumInput{Algorithm: checksum.CRC32C, Value: []byte{0, 0, 0, 0}}})
	require.ErrorAs(t, err, &de)
	require.Equal(t, "CRC32C", de.Algorithm)

	// The good versions succeed and store what they were given.
	info, err := e.PutObject(ctx, "bkt", "k", bytes.NewReader(data), int64(len(data)), PutOptions{
		ContentMD5:   sum[:],
		Checksum:     &ChecksumInput{Algorithm: checksum.CRC32C, Value: good},
		Metadata:     Metadata{ContentType: "text/plain", CacheControl: "no-cache", ContentEncoding: "identity", ContentDisposition: "inline", ContentLanguage: "en", Expires: "Thu, 01 Dec 2094 16:00:00 GMT", User: map[string]string{"a": "1", "bkt": "two"}},
		StorageClass: "STANDARD_IA", ACL: ACL{Canned: "public-read"}, Tags: []Tag{{Key: "t", Value: "v"}}, Owner: "alice",
	})
	require.NoError(t, err)
	head, err := e.HeadObject(ctx, "bkt", "k")
	require.NoError(t, err)
	require.Equal(t, info, head)
	require.Equal(t, good, head.Checksums[checksum.CRC32C])
	require.Equal(t, "FULL_OBJECT", head.ChecksumType)
	require.Equal(t, map[string]string{"a": "1", "bkt": "two"}, head.User)
	require.Equal(t, []Tag{{Key: "t", Value: "v"}}, head.Tags)
	require.Equal(t, "STANDARD_IA", head.StorageClass)

	// Conditional writes.
	_, err = e.PutObject(ctx, "bkt", "k", strings.NewReader("x"), 1, PutOptions{IfNoneMatch: "*"})
	require.ErrorIs(t, err, ErrPreconditionFailed)
	_, err = e.PutObject(ctx, "bkt", "k", strings.NewReader("x"), 1, PutOptions{IfMatch: `"0123"`})
	require.ErrorIs(t, err, ErrPreconditionFailed)
	_, err = e.PutObject(ctx, "bkt", "k2", strings.NewReader("x"), 1, PutOptions{IfNoneMatch: "*"})
	require.NoError(t, err)
	_, err = e.PutObject(ctx, "bkt", "k", strings.NewReader("x"), 1, PutOptions{IfMatch: `"` + info.ETag + `"`})
	require.NoError(t, err)
	got, _ := readAll(t, e, "bkt", "k", GetOptions{})
	require.Equal(t, "x", string(got))

	// A reader that fails mid-body stores nothing.
	_, err = e.PutObject(ctx, "bkt", "k3", io.MultiReader(bytes.NewReader(data), iotestErr{}), -1, PutOptions{})
	require.Error(t, err)
	_, err = e.HeadObject(ctx, "bkt", "k3")
	require.ErrorIs(t, err, ErrNoSuchKey)

	// A cancelled context stores nothing.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = e.PutObject(cctx, "bkt", "k4", bytes.NewReader(data), -1, PutOptions{})
	require.ErrorIs(t, err, context.Canceled)
}

type iotestErr struct{}

func (iotestErr) Read([]byte) (int, error) { return 0, errors.New("boom") }

func TestRanges(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	rng := rand.New(rand.NewPCG(3, 4))
	small := randBytes(rng, 100)
	large := randBytes(rng, 5*e.opts.ChunkSize+123)
	put(t, e, "bkt", "small", small)
	put(t, e, "bkt", "large", large)
	put(t, e, "bkt", "empty", nil)

	for _, obj := range []struct {
		key  string
		data []byte
	}{{"small", small}, {"large", large}} {
		size := int64(len(obj.data))
		for _, tc := range []struct {
			r          ByteRange
			start, end int64 // expected inclusive
		}{
			{ByteRange{Start: 0, End: 0}, 0, 0},
			{ByteRange{Start: 0, End: -1}, 0, size - 1},
			{ByteRange{Start: 10, End: 19}, 10, 19},
			{ByteRange{Start: size - 1, End: size + 100}, size - 1, size - 1},
			{ByteRange{Start: 3, End: size * 2}, 3, size - 1},
			{ByteRange{Start: -1, Suffix: 7}, size - 7, size - 1},
			{ByteRange{Start: -1, Suffix: size * 3}, 0, size - 1},
			{ByteRange{Start: size / 2, End: -1}, size / 2, size - 1},
		} {
			r := tc.r
			got, o := readAll(t, e, "bkt", obj.key, GetOptions{Range: &r})
			require.Equal(t, obj.data[tc.start:tc.end+1], got, "%s %+v", obj.key, tc.r)
			require.Equal(t, tc.start, o.Offset)
			require.Equal(t, tc.end-tc.start+1, o.Length)
			require.True(t, o.Ranged)
		}
		// Chunk-boundary ranges of the large object, exhaustively near edges.
		if obj.key == "large" {
			c := int64(e.opts.ChunkSize)
			for _, s := range []int64{c - 1, c, c + 1, 2*c - 1} {
				for _, l := range []int64{1, 2, c, c + 1} {
					r := ByteRange{Start: s, End: s + l - 1}
					got, _ := readAll(t, e, "bkt", "large", GetOptions{Range: &r})
					require.Equal(t, obj.data[s:s+l], got)
				}
			}
		}
		for _, bad := range []ByteRange{{Start: size, End: -1}, {Start: size + 5, End: size + 10}, {Start: -1, Suffix: 0}} {
			_, err := e.GetObject(ctx, "bkt", obj.key, GetOptions{Range: &bad})
			require.ErrorIs(t, err, ErrInvalidRange)
			var re *RangeError
			require.ErrorAs(t, err, &re)
			require.Equal(t, size, re.Size)
		}
	}
	// A range from a first byte is unsatisfiable on an empty object; its
	// last N bytes (N > 0) are the whole, empty object, read unranged
	// (RFC 9110 14.1.1; S3 answers 200), and so is its part 1.
	_, err := e.GetObject(ctx, "bkt", "empty", GetOptions{Range: &ByteRange{Start: 0, End: 0}})
	require.ErrorIs(t, err, ErrInvalidRange)
	_, err = e.GetObject(ctx, "bkt", "empty", GetOptions{Range: &ByteRange{Start: -1, Suffix: 0}})
	require.ErrorIs(t, err, ErrInvalidRange)
	for _, opts := range []GetOptions{{Range: &ByteRange{Start: -1, Suffix: 5}}, {PartNumber: 1}} {
		got, o := readAll(t, e, "bkt", "empty", opts)
		require.Empty(t, got)
		require.False(t, o.Ranged)
	}
	_, err = e.GetObject(ctx, "bkt", "empty", GetOptions{PartNumber: 2})
	require.ErrorIs(t, err, ErrInvalidPartNumber)

	// PartNumber on a plain object: part 1 is the whole object.
	got, o := readAll(t, e, "bkt", "small", GetOptions{PartNumber: 1})
	require.Equal(t, small, got)
	require.True(t, o.Ranged)
	_, err = e.GetObject(ctx, "bkt", "small", GetOptions{PartNumber: 2})
	require.ErrorIs(t, err, ErrInvalidPartNumber)
}

func TestConditionalGet(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	info := put(t, e, "bkt", "k", []byte("hello"))
	etag := `"` + info.ETag + `"`
	mtime := info.LastModified
	before, after := mtime.Add(-time.Hour), mtime.Add(time.Hour)
	same := mtime

	// The rows that succeed with plain forms are the conformance suite's
	// (ConditionalGet); the weak, list and upper-case forms, and the
	// ConditionError of every refusal, are the engine's own.
	for _, tc := range []struct {
		name string
		c    Conditions
		want error
	}{
		{"if-match list", Conditions{IfMatch: `"x", ` + etag}, nil},
		{"if-match weak", Conditions{IfMatch: "W/" + etag}, nil},
		{"if-match uppercase", Conditions{IfMatch: strings.ToUpper(etag)}, nil},
		{"if-match bad", Conditions{IfMatch: `"x"`}, ErrPreconditionFailed},
		{"if-none-match hit", Conditions{IfNoneMatch: etag}, ErrNotModified},
		{"if-none-match star", Conditions{IfNoneMatch: "*"}, ErrNotModified},
		{"if-modified-since same", Conditions{IfModifiedSince: &same}, ErrNotModified},
		{"if-modified-since after", Conditions{IfModifiedSince: &after}, ErrNotModified},
		{"if-unmodified-since same", Conditions{IfUnmodifiedSince: &same}, nil},
		{"if-unmodified-since before", Conditions{IfUnmodifiedSince: &before}, ErrPreconditionFailed},
		// S3: If-None-Match false (matches) with If-Modified-Since true -> 304.
		{"none-match beats modified", Conditions{IfNoneMatch: etag, IfModifiedSince: &before}, ErrNotModified},
		{"412 before 304", Conditions{IfMatch: `"x"`, IfNoneMatch: etag}, ErrPreconditionFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := e.GetObject(ctx, "bkt", "k", GetOptions{Conditions: tc.c})
			if tc.want == nil {
				require.NoError(t, err)
				require.NoError(t, o.Close())
				return
			}
			require.ErrorIs(t, err, tc.want)
			var ce *ConditionError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, info.ETag, ce.Info.ETag)
		})
	}
}

func TestDeleteAndDeleteMany(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	big := bytes.Repeat([]byte("z"), 3*e.opts.ChunkSize)
	put(t, e, "bkt", "a", big)
	put(t, e, "bkt", "bkt", []byte("small"))
	require.NoError(t, e.DeleteObject(ctx, "bkt", "a", DeleteOptions{}))
	require.NoError(t, e.DeleteObject(ctx, "bkt", "a", DeleteOptions{}), "deleting twice is fine")
	require.ErrorIs(t, e.DeleteObject(ctx, "nope", "a", DeleteOptions{}), ErrNoSuchBucket)
	_, err := e.GetObject(ctx, "bkt", "a", GetOptions{})
	require.ErrorIs(t, err, ErrNoSuchKey)

	put(t, e, "bkt", "c", big)
	res, err := e.DeleteObjects(ctx, "bkt", []string{"bkt", "c", "missing", "", "c"})
	require.NoError(t, err)
	require.Len(t, res, 5)
	for i, r := range res {
		if i == 3 {
			require.ErrorIs(t, r.Err, ErrInvalidKey)
		} else {
			require.NoError(t, r.Err, r.Key)
		}
	}
	l, err := e.ListObjects(ctx, "bkt", ListOptions{})
	require.NoError(t, err)
	require.Empty(t, l.Objects)
	_, err = e.DeleteObjects(ctx, "nope", []string{"a"})
	require.ErrorIs(t, err, ErrNoSuchBucket)
	require.Zero(t, e.countBlobs(t), "all blobs released")
}

// countBlobs counts live blob records.
func (e *Engine) countBlobs(t testing.TB) int {
	it, err := e.db.NewIter(nil)
	require.NoError(t, err)
	defer it.Close()
	n := 0
	for ok := it.SeekGE([]byte(prefixBlob)); ok && bytes.HasPrefix(it.Key(), []byte(prefixBlob)); ok = it.Next() {
		n++
	}
	return n
}

func TestCopy(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	clock := e.opts.Clock.(*fakeClock)
	require.NoError(t, e.CreateBucket(ctx, "src", BucketOptions{}))
	require.NoError(t, e.CreateBucket(ctx, "dst", BucketOptions{}))
	data := randBytes(rand.New(rand.NewPCG(5, 6)), 4*e.opts.ChunkSize+5)
	src, err := e.PutObject(ctx, "src", "k", bytes.NewReader(data), -1, PutOptions{
		Metadata: Metadata{ContentType: "text/a", User: map[string]string{"m": "1"}}, Tags: []Tag{{Key: "t", Value: "1"}}, ACL: ACL{Canned: "public-read"},
	})
	require.NoError(t, err)
	blobs := e.countBlobs(t)
	clock.Advance(time.Hour)

	cp, err := e.CopyObject(ctx, "src", "k", "dst", "k2", CopyOptions{})
	require.NoError(t, err)
	require.Equal(t, src.ETag, cp.ETag)
	require.Equal(t, "text/a", cp.ContentType)
	require.Equal(t, map[string]string{"m": "1"}, cp.User)
	require.Equal(t, src.Tags, cp.Tags)
	require.Equal(t, ACL{}, cp.ACL, "ACL is not copied")
	require.Equal(t, src.LastModified.Add(time.Hour), cp.LastModified)
	require.Equal(t, blobs, e.countBlobs(t), "copy moves no data")
	got, _ := readAll(t, e, "dst", "k2", GetOptions{})
	require.Equal(t, data, got)

	cp, err = e.CopyObject(ctx, "src", "k", "dst", "k3", CopyOptions{MetadataDirective: MetadataReplace, Metadata: Metadata{User: map[string]string{"n": "2"}}, Tags: &[]Tag{}, StorageClass: "IA"})
	require.NoError(t, err)
	require.Equal(t, DefaultContentType, cp.ContentType)
	require.Equal(t, map[string]string{"n": "2"}, cp.User)
	require.Empty(t, cp.Tags)
	require.Equal(t, "IA", cp.StorageClass)

	// Deleting the source keeps the copies readable.
	require.NoError(t, e.DeleteObject(ctx, "src", "k", DeleteOptions{}))
	got, _ = readAll(t, e, "dst", "k3", GetOptions{})
	require.Equal(t, data, got)
	require.NoError(t, e.DeleteObject(ctx, "dst", "k2", DeleteOptions{}))
	got, _ = readAll(t, e, "dst", "k3", GetOptions{})
	require.Equal(t, data, got)
	require.NoError(t, e.DeleteObject(ctx, "dst", "k3", DeleteOptions{}))
	require.Zero(t, e.countBlobs(t))

	// Errors.
	put(t, e, "src", "k", data)
	_, err = e.CopyObject(ctx, "src", "missing", "dst", "x", CopyOptions{})
	require.ErrorIs(t, err, ErrNoSuchKey)
	_, err = e.CopyObject(ctx, "nope", "k", "dst", "x", CopyOptions{})
	require.ErrorIs(t, err, ErrNoSuchBucket)
	_, err = e.CopyObject(ctx, "src", "k", "nope", "x", CopyOptions{})
	require.ErrorIs(t, err, ErrNoSuchBucket)
	_, err = e.CopyObject(ctx, "src", "k", "src", "k", CopyOptions{})
	require.ErrorIs(t, err, ErrInvalidCopyRequest)
	_, err = e.CopyObject(ctx, "src", "k", "dst", "x", CopyOptions{Source: Conditions{IfMatch: `"nope"`}})
	require.ErrorIs(t, err, ErrPreconditionFailed)
	_, err = e.CopyObject(ctx, "src", "k", "dst", "x", CopyOptions{Source: Conditions{IfNoneMatch: "*"}})
	require.ErrorIs(t, err, ErrPreconditionFailed, "a copy source If-None-Match failure is 412, not 304")
	_, err = e.CopyObject(ctx, "src", "k", "dst", "x", CopyOptions{Tags: &[]Tag{{Key: ""}}})
	require.ErrorIs(t, err, ErrInvalidTag)
	_, err = e.HeadObject(ctx, "dst", "x")
	require.ErrorIs(t, err, ErrNoSuchKey)

	// A self-copy that replaces metadata is allowed and keeps the body.
	cp, err = e.CopyObject(ctx, "src", "k", "src", "k", CopyOptions{MetadataDirective: MetadataReplace, Metadata: Metadata{ContentType: "x/y"}})
	require.NoError(t, err)
	require.Equal(t, "x/y", cp.ContentType)
	got, _ = readAll(t, e, "src", "k", GetOptions{})
	require.Equal(t, data, got)
	require.Equal(t, 1, e.countBlobs(t))
}

func TestUpdateObject(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	clock := e.opts.Clock.(*fakeClock)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	info := put(t, e, "bkt", "k", []byte("body"))
	clock.Advance(time.Minute)

	tags := []Tag{{Key: "a", Value: "bkt"}}
	up, err := e.UpdateObject(ctx, "bkt", "k", ObjectUpdate{Tags: &tags, ACL: &ACL{Canned: "private"}})
	require.NoError(t, err)
	require.Equal(t, tags, up.Tags)
	require.Equal(t, info.LastModified, up.LastModified, "tags and ACL do not touch mtime")
	up, err = e.UpdateObject(ctx, "bkt", "k", ObjectUpdate{Metadata: &Metadata{ContentType: "a/b", User: map[string]string{"x": "y"}}})
	require.NoError(t, err)
	require.Equal(t, "a/b", up.ContentType)
	require.Equal(t, info.ETag, up.ETag)
	require.Equal(t, info.LastModified.Add(time.Minute), up.LastModified)
	head, err := e.HeadObject(ctx, "bkt", "k")
	require.NoError(t, err)
	require.Equal(t, up, head)
	got, _ := readAll(t, e, "bkt", "k", GetOptions{})
	require.Equal(t, "body", string(got))

	_, err = e.UpdateObject(ctx, "bkt", "nope", ObjectUpdate{Tags: &tags})
	require.ErrorIs(t, err, ErrNoSuchKey)
	_, err = e.UpdateObject(ctx, "nope", "k", ObjectUpdate{Tags: &tags})
	require.ErrorIs(t, err, ErrNoSuchBucket)
	bad := make([]Tag, 11)
	_, err = e.UpdateObject(ctx, "bkt", "k", ObjectUpdate{Tags: &bad})
	require.ErrorIs(t, err, ErrInvalidTag)
}

func TestReaderSnapshot(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	data := bytes.Repeat([]byte("0123456789"), e.opts.ChunkSize)
	put(t, e, "bkt", "k", data)
	o, err := e.GetObject(ctx, "bkt", "k", GetOptions{})
	require.NoError(t, err)
	first := make([]byte, 10)
	_, err = io.ReadFull(o, first)
	require.NoError(t, err)
	// Overwrite and delete while reading: the reader keeps the old bytes.
	put(t, e, "bkt", "k", []byte("new"))
	require.NoError(t, e.DeleteObject(ctx, "bkt", "k", DeleteOptions{}))
	rest, err := io.ReadAll(o)
	require.NoError(t, err)
	require.Equal(t, data, append(first, rest...))
	require.NoError(t, o.Close())
	require.NoError(t, o.Close())
	_, err = o.Read(first)
	require.ErrorIs(t, err, ErrClosed)
}

func TestOpenOptions(t *testing.T) {
	for _, o := range []Options{
		{ChunkSize: 1},
		{InlineThreshold: 2 << 20},
		{SegmentSize: 1 << 10},
		{Sync: 9},
	} {
		_, err := Open("", &o)
		require.ErrorIs(t, err, ErrInvalidArgument, "%+v", o)
	}
	ctx := context.Background()
	// A new in-memory store, which nothing can reopen, writes no pebble
	// log; asked to sync, it keeps one (pebble refuses a synced write
	// without it).
	for _, mode := range []SyncMode{SyncAuto, SyncAlways} {
		m, err := Open("", &Options{Sync: mode})
		require.NoError(t, err)
		require.NoError(t, m.CreateBucket(ctx, "bkt", BucketOptions{}))
		put(t, m, "bkt", "k", []byte("small"))
		got, _ := readAll(t, m, "bkt", "k", GetOptions{})
		require.Equal(t, "small", string(got))
		require.Equal(t, mode == SyncAlways, m.db.Metrics().WAL.BytesWritten > 0, "mode %d", mode)
		require.NoError(t, m.Close())
	}
	// Reopen a store on a shared filesystem: data survives.
	fs := vfs.NewMem()
	e, err := Open("/db", &Options{FS: fs})
	require.NoError(t, err)
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	data := bytes.Repeat([]byte("x"), 3<<20)
	put(t, e, "bkt", "k", data)
	require.NoError(t, e.Close())
	require.NoError(t, e.Close())
	_, err = e.HeadObject(ctx, "bkt", "k")
	require.ErrorIs(t, err, ErrClosed)
	e, err = Open("/db", &Options{FS: fs})
	require.NoError(t, err)
	defer e.Close()
	got, _ := readAll(t, e, "bkt", "k", GetOptions{})
	require.Equal(t, data, got)
	// New blobs do not reuse IDs after reopen.
	put(t, e, "bkt", "k2", data)
	got, _ = readAll(t, e, "bkt", "k", GetOptions{})
	require.Equal(t, data, got)
}

// TestBucketConfigValueCache: parsed configurations are cached and the
// cache follows every write, including the bucket's deletion.
func TestBucketConfigValueCache(t *testing.T) {
	ctx := context.Background()
	e := openTest(t, nil)
	require.NoError(t, e.CreateBucket(ctx, "cfg", BucketOptions{}))
	_, err := e.BucketConfigValue(ctx, "cfg", bucketconfig.KindVersioning)
	require.ErrorIs(t, err, ErrNoSuchConfig)
	require.NoError(t, e.SetBucketConfig(ctx, "cfg", &bucketconfig.Versioning{Status: "Enabled"}))
	c, err := e.BucketConfigValue(ctx, "cfg", bucketconfig.KindVersioning)
	require.NoError(t, err)
	require.Equal(t, "Enabled", c.(*bucketconfig.Versioning).Status)
	again, err := e.BucketConfigValue(ctx, "cfg", bucketconfig.KindVersioning)
	require.NoError(t, err)
	require.Same(t, c, again, "second read is the cached value")
	require.NoError(t, e.SetBucketConfig(ctx, "cfg", &bucketconfig.Versioning{Status: "Suspended"}))
	c, err = e.BucketConfigValue(ctx, "cfg", bucketconfig.KindVersioning)
	require.NoError(t, err)
	require.Equal(t, "Suspended", c.(*bucketconfig.Versioning).Status)
	require.ErrorIs(t, e.SetBucketConfig(ctx, "cfg", &bucketconfig.Versioning{Status: "bogus"}), ErrInvalidArgument)
	require.NoError(t, e.DeleteBucket(ctx, "cfg", DeleteBucketOptions{}))
	require.NoError(t, e.CreateBucket(ctx, "cfg", BucketOptions{}))
	_, err = e.BucketConfigValue(ctx, "cfg", bucketconfig.KindVersioning)
	require.ErrorIs(t, err, ErrNoSuchConfig, "a new bucket of the same name has no configuration")
}

// TestKeepEmptyContentType: a write asking to keep an empty content type
// stores it empty (put, copy with replaced metadata, multipart upload);
// the flag itself is not stored, and writes without it get the default.
func TestKeepEmptyContentType(t *testing.T) {
	e := openTest(t, nil)
	ctx := context.Background()
	require.NoError(t, e.CreateBucket(ctx, "bkt", BucketOptions{}))
	keep := Metadata{KeepEmptyContentType: true}
	info, err := e.PutObject(ctx, "bkt", "put", strings.NewReader("x"), 1, PutOptions{Metadata: keep})
	require.NoError(t, err)
	require.Equal(t, "", info.ContentType)
	require.False(t, info.KeepEmptyContentType)
	info, err = e.HeadObject(ctx, "bkt", "put")
	require.NoError(t, err)
	require.Equal(t, "", info.ContentType)

	info, err = e.CopyObject(ctx, "bkt", "put", "bkt", "copy", CopyOptions{MetadataDirective: MetadataReplace, Metadata: keep})
	require.NoError(t, err)
	require.Equal(t, "", info.ContentType)
	info, err = e.CopyObject(ctx, "bkt", "put", "bkt", "copy2", CopyOptions{MetadataDirective: MetadataReplace})
	require.NoError(t, err)
	require.Equal(t, DefaultContentType, info.ContentType)

	id, err := e.CreateMultipartUpload(ctx, "bkt", "mpu", PutOptions{Metadata: keep})
	require.NoError(t, err)
	part, err := e.UploadPart(ctx, "bkt", "mpu", id, 1, strings.NewReader("x"), 1, PartOptions{})
	require.NoError(t, err)
	_, err = e.CompleteMultipartUpload(ctx, "bkt", "mpu", id, []CompletePart{{PartNumber: 1, ETag: part.ETag}}, CompleteOptions{})
	require.NoError(t, err)
	info, err = e.HeadObject(ctx, "bkt", "mpu")
	require.NoError(t, err)
	require.Equal(t, "", info.ContentType)

	info, err = e.PutObject(ctx, "bkt", "default", strings.NewReader("x"), 1, PutOptions{})
	require.NoError(t, err)
	require.Equal(t, DefaultContentType, info.ContentType)
}
