package conformance

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A test case of the suite: a name and a function run on a fresh subject.
type testCase struct {
	name string
	fn   func(t *testing.T, s Subject)
}

var cases = []testCase{
	{"Buckets", testBuckets},
	{"DeleteBucketNotEmpty", testDeleteBucketNotEmpty},
	{"PutGet", testPutGet},
	{"PutSizes", testPutSizes},
	{"PutErrors", testPutErrors},
	{"Missing", testMissing},
	{"Ranges", testRanges},
	{"ConditionalGet", testConditionalGet},
	{"ConditionalPut", testConditionalPut},
	{"ReadSnapshot", testReadSnapshot},
	{"Delete", testDelete},
	{"DeleteMany", testDeleteMany},
	{"Copy", testCopy},
	{"CopyErrors", testCopyErrors},
	{"ListV1", func(t *testing.T, s Subject) { testList(t, s, false) }},
	{"ListV2", func(t *testing.T, s Subject) { testList(t, s, true) }},
	{"ListPaging", testListPaging},
	{"ListModel", testListModel},
	{"Multipart", testMultipart},
	{"MultipartErrors", testMultipartErrors},
	{"UploadPartCopy", testUploadPartCopy},
	{"ListParts", testListParts},
	{"ListUploads", testListUploads},
	{"ObjectTags", testObjectTags},
	{"BucketTags", testBucketTags},
	{"ACL", testACL},
	{"BlockPublicAccess", testBlockPublicAccess},
	{"Acceleration", testAcceleration},
	{"ConditionalWriteRace", testConditionalWriteRace},
	{"ConditionalComplete", testConditionalComplete},
	{"ConditionalDelete", testConditionalDelete},
}

// RunSuite runs the behavioural suite, each case as a parallel subtest on
// a subject of its own from newSubject (which registers its cleanup on
// the t it is given).
func RunSuite(t *testing.T, newSubject func(t *testing.T) Subject) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newSubject(t))
		})
	}
}

const bkt = "conformance"

// pattern returns n deterministic bytes that differ at every offset of a
// chunk boundary.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

// md5Hex is the ETag of a single-part object with body b.
func md5Hex(b []byte) string {
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

// multipartETag is the ETag of a multipart object with the given part
// ETags: hex(md5(binary part MD5s))-N, or with hexDigests
// hex(md5(upper-case hex part MD5s))-N.
func multipartETag(t *testing.T, hexDigests bool, parts ...string) string {
	var all []byte
	for _, p := range parts {
		if hexDigests {
			all = append(all, strings.ToUpper(p)...)
			continue
		}
		b, err := hex.DecodeString(p)
		require.NoError(t, err)
		all = append(all, b...)
	}
	return fmt.Sprintf("%s-%d", md5Hex(all), len(parts))
}

// tooManyTagsCode is the code a subject answers for more than 10 tags.
func tooManyTagsCode(s Subject) string {
	if c := s.Caps().TooManyTagsCode; c != "" {
		return c
	}
	return "InvalidTag"
}

func requireCode(t *testing.T, s Subject, err error, want string) {
	t.Helper()
	require.Equal(t, want, s.ErrorCode(err), "error: %v", err)
}

func mustBucket(t *testing.T, s Subject, name string) {
	t.Helper()
	require.NoError(t, s.CreateBucket(context.Background(), name))
}

func mustPut(t *testing.T, s Subject, bucket, key string, data []byte, opts PutOptions) string {
	t.Helper()
	etag, err := s.Put(context.Background(), bucket, key, bytes.NewReader(data), int64(len(data)), opts)
	require.NoError(t, err, "put %s/%s", bucket, key)
	require.Equal(t, md5Hex(data), etag, "ETag of %s/%s", bucket, key)
	return etag
}

// read reads a whole object (or the selected range).
func read(t *testing.T, s Subject, bucket, key string, opts GetOptions) ([]byte, ObjectAttrs, error) {
	t.Helper()
	body, attrs, err := s.Get(context.Background(), bucket, key, opts)
	if err != nil {
		return nil, attrs, err
	}
	defer body.Close()
	b, err := io.ReadAll(body)
	return b, attrs, err
}

func mustRead(t *testing.T, s Subject, bucket, key string, opts GetOptions) ([]byte, ObjectAttrs) {
	t.Helper()
	b, attrs, err := read(t, s, bucket, key, opts)
	require.NoError(t, err, "get %s/%s %+v", bucket, key, opts)
	return b, attrs
}

func listAll(t *testing.T, s Subject, bucket string, opts ListOptions) (keys, prefixes []string) {
	t.Helper()
	ctx := context.Background()
	for range 1000 {
		page, err := s.List(ctx, bucket, opts)
		require.NoError(t, err)
		for _, o := range page.Objects {
			keys = append(keys, o.Key)
		}
		prefixes = append(prefixes, page.CommonPrefixes...)
		if opts.MaxKeys > 0 {
			require.LessOrEqual(t, len(page.Objects)+len(page.CommonPrefixes), opts.MaxKeys)
		}
		if !page.IsTruncated {
			return keys, prefixes
		}
		if opts.V2 {
			require.NotEmpty(t, page.NextContinuationToken)
			opts.ContinuationToken = page.NextContinuationToken
			continue
		}
		next := page.NextMarker
		if next == "" {
			require.NotEmpty(t, page.Objects, "a truncated v1 page without NextMarker names its last key")
			next = page.Objects[len(page.Objects)-1].Key
		}
		opts.Marker = next
	}
	t.Fatal("listing does not end")
	return nil, nil
}

func testBuckets(t *testing.T, s Subject) {
	ctx := context.Background()
	names, err := s.ListBuckets(ctx)
	require.NoError(t, err)
	require.Empty(t, names)
	for _, b := range []string{"zeta-1", "alpha-2", "mid-3"} {
		mustBucket(t, s, b)
	}
	err = s.CreateBucket(ctx, "alpha-2")
	if s.Caps().RecreateBucketSucceeds {
		require.NoError(t, err)
	} else {
		requireCode(t, s, err, "BucketAlreadyOwnedByYou")
	}
	names, err = s.ListBuckets(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"alpha-2", "mid-3", "zeta-1"}, names)
	require.NoError(t, s.HeadBucket(ctx, "mid-3"))
	requireCode(t, s, s.HeadBucket(ctx, "no-such-bucket"), "NoSuchBucket")
	// Names ending as OSS access point aliases do are no bucket's.
	requireCode(t, s, s.CreateBucket(ctx, "squat-ossalias"), "InvalidBucketName")

	require.NoError(t, s.DeleteBucket(ctx, "mid-3"))
	requireCode(t, s, s.DeleteBucket(ctx, "mid-3"), "NoSuchBucket")
	names, err = s.ListBuckets(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"alpha-2", "zeta-1"}, names)
	// A bucket is usable right after creation, and gone after deletion.
	_, err = s.List(ctx, "mid-3", ListOptions{})
	requireCode(t, s, err, "NoSuchBucket")
	page, err := s.List(ctx, "zeta-1", ListOptions{V2: true})
	require.NoError(t, err)
	require.Empty(t, page.Objects)
}

func testDeleteBucketNotEmpty(t *testing.T, s Subject) {
	ctx := context.Background()
	mustBucket(t, s, bkt)
	mustPut(t, s, bkt, "k", []byte("x"), PutOptions{})
	requireCode(t, s, s.DeleteBucket(ctx, bkt), "BucketNotEmpty")
	require.NoError(t, s.Delete(ctx, bkt, "k"))

	// An upload in progress keeps the bucket too, where the dialect says
	// so (OSS); S3 deletes the bucket and its uploads.
	id, err := s.CreateMultipart(ctx, bkt, "mp", PutOptions{})
	require.NoError(t, err)
	if s.Caps().DeleteBucketDropsUploads {
		require.NoError(t, s.DeleteBucket(ctx, bkt))
		mustBucket(t, s, bkt)
	} else {
		requireCode(t, s, s.DeleteBucket(ctx, bkt), "BucketNotEmpty")
		require.NoError(t, s.AbortMultipart(ctx, bkt, "mp", id))
	}

	// A bucket whose name extends this one's keeps its objects to itself.
	mustBucket(t, s, bkt+"-2")
	mustPut(t, s, bkt+"-2", "k", []byte("x"), PutOptions{})
	_, err = s.CreateMultipart(ctx, bkt+"-2", "mp", PutOptions{})
	require.NoError(t, err)
	require.NoError(t, s.DeleteBucket(ctx, bkt))
	names, err := s.ListBuckets(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{bkt + "-2"}, names)
}

func testPutGet(t *testing.T, s Subject) {
	ctx := context.Background()
	mustBucket(t, s, bkt)
	body := []byte("hello world")
	etag := mustPut(t, s, bkt, "dir/hello.txt", body, PutOptions{
		ContentType: "text/plain", CacheControl: "max-age=60", ContentDisposition: "inline",
		Metadata: map[string]string{"color": "blue", "shape": "round"},
	})
	require.Equal(t, "5eb63bbbe01eeed093cb22bb8f5acdc3", etag)

	got, attrs := mustRead(t, s, bkt, "dir/hello.txt", GetOptions{})
	require.Equal(t, body, got)
	want := ObjectAttrs{Size: 11, ETag: etag, ContentType: "text/plain", CacheControl: "max-age=60", ContentDisposition: "inline",
		Metadata: map[string]string{"color": "blue", "shape": "round"}, StorageClass: "STANDARD"}
	require.False(t, attrs.LastModified.IsZero())
	lm := attrs.LastModified
	attrs.LastModified = time.Time{}
	require.Equal(t, want, attrs)

	head, err := s.Head(ctx, bkt, "dir/hello.txt")
	require.NoError(t, err)
	require.True(t, lm.Equal(head.LastModified), "Head %v, Get %v", head.LastModified, lm)
	head.LastModified = time.Time{}
	require.Equal(t, want, head)

	if s.Caps().ResponseOverrides {
		got, attrs := mustRead(t, s, bkt, "dir/hello.txt", GetOptions{ResponseContentType: "application/x-override", Range: "bytes=6-"})
		require.Equal(t, "world", string(got))
		require.Equal(t, "application/x-override", attrs.ContentType)
		head, err := s.Head(ctx, bkt, "dir/hello.txt")
		require.NoError(t, err)
		require.Equal(t, "text/plain", head.ContentType, "an override changes nothing stored")
	}

	// Keys are opaque: spaces, plus signs, non-ASCII, query characters,
	// control characters XML 1.0 cannot carry; each lists as it was put.
	opaque := []string{"a b", "a+b", "ü/é", "q?x=1&y#z", "dots/../x", "%41", "trailing ", "a//b", "~!*()';:@$,[]", "ctl\x01\x1f\tx"}
	for _, k := range opaque {
		mustPut(t, s, bkt, k, []byte(k), PutOptions{})
		got, _ := mustRead(t, s, bkt, k, GetOptions{})
		require.Equal(t, k, string(got))
	}
	page, err := s.List(ctx, bkt, ListOptions{Prefix: "ctl"})
	require.NoError(t, err)
	require.Len(t, page.Objects, 1)
	require.Equal(t, "ctl\x01\x1f\tx", page.Objects[0].Key)

	// Overwriting replaces body and metadata.
	etag2 := mustPut(t, s, bkt, "dir/hello.txt", []byte("bye"), PutOptions{ContentType: "text/x", StorageClass: "STANDARD_IA"})
	got, attrs = mustRead(t, s, bkt, "dir/hello.txt", GetOptions{})
	require.Equal(t, "bye", string(got))
	require.Equal(t, etag2, attrs.ETag)
	require.Equal(t, "text/x", attrs.ContentType)
	require.Equal(t, "STANDARD_IA", attrs.StorageClass)
	require.Empty(t, attrs.Metadata)
	head, err = s.Head(ctx, bkt, "dir/hello.txt")
	require.NoError(t, err)
	require.Equal(t, "STANDARD_IA", head.StorageClass)
}

func testPutSizes(t *testing.T, s Subject) {
	mustBucket(t, s, bkt)
	// Around the engine's inline threshold (64 KiB) and chunk size (1 MiB).
	for _, n := range []int{0, 1, 64<<10 - 1, 64 << 10, 64<<10 + 1, 1 << 20, 3<<20 + 17} {
		data := pattern(n)
		key := fmt.Sprintf("size/%d", n)
		mustPut(t, s, bkt, key, data, PutOptions{})
		got, attrs := mustRead(t, s, bkt, key, GetOptions{})
		require.Equal(t, int64(n), attrs.Size)
		require.True(t, bytes.Equal(data, got), "body of %d bytes differs", n)
	}
}

func testPutErrors(t *testing.T, s Subject) {
	ctx := context.Background()
	mustBucket(t, s, bkt)
	body := []byte("some body")
	sum := md5.Sum(body)
	tooMany := make([]Tag, 11)
	for i := range tooMany {
		tooMany[i] = Tag{fmt.Sprint("k", i), "v"}
	}
	for _, tc := range []struct {
		name string
		key  string
		opts PutOptions
		want string
	}{
		{"bad md5", "k", PutOptions{ContentMD5: make([]byte, 16)}, "BadDigest"},
		{"key too long", strings.Repeat("k", 1025), PutOptions{}, "KeyTooLongError"},
		{"too many tags", "k", PutOptions{Tags: tooMany}, tooManyTagsCode(s)},
		{"if-match on missing", "k", PutOptions{IfMatch: md5Hex(body)}, "NoSuchKey"},
	} {
		_, err := s.Put(ctx, bkt, tc.key, bytes.NewReader(body), int64(len(body)), tc.opts)
		requireCode(t, s, err, tc.want)
		_, err = s.Head(ctx, bkt, "k")
		requireCode(t, s, err, "NoSuchKey")
	}
	mustPut(t, s, bkt, "k", body, PutOptions{ContentMD5: sum[:]})
	// The longest key is 1023 bytes in both dialects.
	long := strings.Repeat("k", 1023)
	mustPut(t, s, bkt, long, body, PutOptions{})
	got, _ := mustRead(t, s, bkt, long, GetOptions{})
	require.Equal(t, body, got)
}

func testMissing(t *testing.T, s Subject) {
	ctx := context.Background()
	mustBucket(t, s, bkt)
	_, _, err := read(t, s, bkt, "missing", GetOptions{})
	requireCode(t, s, err, "NoSuchKey")
	_, _, err = read(t, s, "no-such-bucket", "k", GetOptions{})
	requireCode(t, s, err, "NoSuchBucket")
	_, err = s.Head(ctx, bkt, "missing")
	requireCode(t, s, err, "NoSuchKey")
	_, err = s.Put(ctx, "no-such-bucket", "k", strings.NewReader("x"), 1, PutOptions{})
	requireCode(t, s, err, "NoSuchBucket")
	_, err = s.List(ctx, "no-such-bucket", ListOptions{V2: true})
	requireCode(t, s, err, "NoSuchBucket")
	_, err = s.List(ctx, "no-such-bucket", ListOptions{})
	requireCode(t, s, err, "NoSuchBucket")
}

func testRanges(t *testing.T, s Subject) {
	mustBucket(t, s, bkt)
	small := []byte("hello world")
	large := pattern(2<<20 + 100)
	mustPut(t, s, bkt, "small", small, PutOptions{})
	mustPut(t, s, bkt, "large", large, PutOptions{})
	mustPut(t, s, bkt, "empty", nil, PutOptions{})
	for _, obj := range []struct {
		key  string
		data []byte
	}{{"small", small}, {"large", large}} {
		n := int64(len(obj.data))
		for _, tc := range []struct {
			header     string
			start, end int64 // inclusive
		}{
			{"bytes=0-0", 0, 0},
			{"bytes=0-4", 0, 4},
			{"bytes=6-", 6, n - 1},
			{"bytes=-5", n - 5, n - 1},
			{fmt.Sprintf("bytes=3-%d", n*2), 3, n - 1},
			{fmt.Sprintf("bytes=-%d", n*3), 0, n - 1},
			{fmt.Sprintf("bytes=%d-%d", n-1, n-1), n - 1, n - 1},
		} {
			got, attrs := mustRead(t, s, bkt, obj.key, GetOptions{Range: tc.header})
			require.Equal(t, obj.data[tc.start:tc.end+1], got, "%s %s", obj.key, tc.header)
			require.Equal(t, n, attrs.Size, "%s %s: Size is the whole object's", obj.key, tc.header)
		}
		if obj.key == "large" {
			// Ranges across the engine's 1 MiB chunk boundaries.
			for _, off := range []int64{1<<20 - 1, 1 << 20, 2<<20 - 3} {
				h := fmt.Sprintf("bytes=%d-%d", off, off+10)
				got, _ := mustRead(t, s, bkt, obj.key, GetOptions{Range: h})
				require.Equal(t, obj.data[off:min(off+11, n)], got, h)
			}
		}
		for _, bad := range []string{fmt.Sprintf("bytes=%d-", n), fmt.Sprintf("bytes=%d-%d", n+5, n+10), "bytes=-0"} {
			_, _, err := read(t, s, bkt, obj.key, GetOptions{Range: bad})
			requireCode(t, s, err, "InvalidRange")
		}
		// A Range header that does not parse as one byte range is ignored.
		for _, ignored := range []string{"bytes=5-1", "bytes=0-1,3-4", "items=0-1", "bytes=a-1"} {
			got, attrs := mustRead(t, s, bkt, obj.key, GetOptions{Range: ignored})
			require.True(t, bytes.Equal(obj.data, got), "%s %s: the whole object", obj.key, ignored)
			require.Equal(t, n, attrs.Size)
		}
	}
	_, _, err := read(t, s, bkt, "empty", GetOptions{Range: "bytes=0-0"})
	requireCode(t, s, err, "InvalidRange")

	if s.Caps().PartNumberReads {
		// A plain object is one part.
		got, attrs := mustRead(t, s, bkt, "small", GetOptions{PartNumber: 1})
		require.Equal(t, small, got)
		require.Equal(t, int64(len(small)), attrs.Size)
		_, _, err = read(t, s, bkt, "small", GetOptions{PartNumber: 2})
		requireCode(t, s, err, "InvalidPartNumber")
	}
}

func testConditionalGet(t *testing.T, s Subject) {
	ctx := context.Background()
	mustBucket(t, s, bkt)
	etag := mustPut(t, s, bkt, "k", []byte("hello"), PutOptions{})
	head, err := s.Head(ctx, bkt, "k")
	require.NoError(t, err)
	lm := head.LastModified.Truncate(time.Second)
	before, after := lm.Add(-time.Hour), lm.Add(time.Hour)
	afterWant := "NotModified" // after is in the future
	if s.Caps().FutureModifiedSinceIgnored {
		afterWant = ""
	}
	for _, tc := range []struct {
		name string
		c    Conditions
		want string
	}{
		{"none", Conditions{}, ""},
		{"if-match ok", Conditions{IfMatch: etag}, ""},
		{"if-match star", Conditions{IfMatch: "*"}, ""},
		{"if-match bad", Conditions{IfMatch: "0123"}, "PreconditionFailed"},
		{"if-none-match hit", Conditions{IfNoneMatch: etag}, "NotModified"},
		{"if-none-match star", Conditions{IfNoneMatch: "*"}, "NotModified"},
		{"if-none-match miss", Conditions{IfNoneMatch: "0123"}, ""},
		{"if-modified-since before", Conditions{IfModifiedSince: before}, ""},
		{"if-modified-since same", Conditions{IfModifiedSince: lm}, "NotModified"},
		{"if-modified-since after", Conditions{IfModifiedSince: after}, afterWant},
		{"if-unmodified-since after", Conditions{IfUnmodifiedSince: after}, ""},
		{"if-unmodified-since same", Conditions{IfUnmodifiedSince: lm}, ""},
		{"if-unmodified-since before", Conditions{IfUnmodifiedSince: before}, "PreconditionFailed"},
		{"match beats unmodified", Conditions{IfMatch: etag, IfUnmodifiedSince: before}, ""},
		{"none-match beats modified", Conditions{IfNoneMatch: etag, IfModifiedSince: before}, "NotModified"},
		{"none-match miss beats modified", Conditions{IfNoneMatch: "0123", IfModifiedSince: after}, ""},
		{"412 before 304", Conditions{IfMatch: "0123", IfNoneMatch: etag}, "PreconditionFailed"},
	} {
		got, _, err := read(t, s, bkt, "k", GetOptions{Conditions: tc.c})
		requireCode(t, s, err, tc.want)
		if tc.want == "" {
			require.Equal(t, "hello", string(got), tc.name)
		}
	}
}

func testConditionalPut(t *testing.T, s Subject) {
	ctx := context.Background()
	mustBucket(t, s, bkt)
	etag := mustPut(t, s, bkt, "k", []byte("one"), PutOptions{IfNoneMatch: "*"})
	_, err := s.Put(ctx, bkt, "k", strings.NewReader("two"), 3, PutOptions{IfNoneMatch: "*"})
	requireCode(t, s, err, "PreconditionFailed")
	_, err = s.Put(ctx, bkt, "k", strings.NewReader("two"), 3, PutOptions{IfMatch: "0123"})
	requireCode(t, s, err, "PreconditionFailed")
	got, _ := mustRead(t, s, bkt, "k", GetOptions{})
	require.Equal(t, "one", string(got), "a refused write changes nothing")
	mustPut(t, s, bkt, "k", []byte("three"), PutOptions{IfMatch: etag})
	got, _ = mustRead(t, s, bkt, "k", GetOptions{})
	require.Equal(t, "three", string(got))
	_, err = s.Put(ctx, bkt, "missing", strings.NewReader("x"), 1, PutOptions{IfMatch: etag})
	requireCode(t, s, err, "NoSuchKey")

	// Copy and Complete refuse to overwrite too.
	_, err = s.Copy(ctx, bkt, "k", CopyOptions{SrcBucket: bkt, SrcKey: "k", ReplaceMetadata: true, IfNoneMatch: "*"})
	requireCode(t, s, err, "PreconditionFailed")
	mustPut(t, s, bkt, "src", []byte("src"), PutOptions{})
	_, err = s.Copy(ctx, bkt, "k", CopyOptions{SrcBucket: bkt, SrcKey: "src", IfNoneMatch: "*"})
	requireCode(t, s, err, "PreconditionFailed")
	_, err = s.Copy(ctx, bkt, "new", CopyOptions{SrcBucket: bkt, SrcKey: "src", IfNoneMatch: "*"})
	require.NoError(t, err)
	id, err := s.CreateMultipart(ctx, bkt, "k", PutOptions{})
	require.NoError(t, err)
	e1, err := s.UploadPart(ctx, bkt, "k", id, 1, strings.NewReader("mp"), 2)
	require.NoError(t, err)
	_, err = s.CompleteMultipart(ctx, bkt, "k", id, []CompletedPart{{1, e1}}, CompleteOptions{IfNoneMatch: "*"})
	requireCode(t, s, err, "PreconditionFailed")
	got, _ = mustRead(t, s, bkt, "k", GetOptions{})
	require.Equal(t, "three", string(got))
	_, err = s.CompleteMultipart(ctx, bkt, "k", id, []CompletedPart{{1, e1}}, CompleteOptions{})
	require.NoError(t, err, "a refused Complete keeps the upload")
	got, _ = mustRead(t, s, bkt, "k", GetOptions{})
	require.Equal(t, "mp", string(got))
}

// testReadSnapshot checks that a body being read is the object as it was
// when the read began, even if the object is replaced or deleted meanwhile.
func testReadSnapshot(t *testing.T, s Subject) {
	ctx := context.Background()
	mustBucket(t, s, bkt)
	data := pattern(3<<20 + 7)
	mustPut(t, s, bkt, "k", data, PutOptions{})
	body, _, err := s.Get(ctx, bkt, "k", GetOptions{})
	require.NoError(t, err)
	defer body.Close()
	first := make([]byte, 10)
	_, err = io.ReadFull(body, first)
	require.NoError(t, err)
	mustPut(t, s, bkt, "k", []byte("new"), PutOptions{})
	require.NoError(t, s.Delete(ctx, bkt, "k"))
	rest, err := io.ReadAll(body)
	require.NoError(t, err)
	require.True(t, bytes.Equal(data, append(first, rest...)), "the body changed while it was read")
	require.NoError(t, body.Close())
	_, err = s.Head(ctx, bkt, "k")
	requireCode(t, s, err, "NoSuchKey")
}

func testDelete(t *testing.T, s Subject) {
	ctx := context.Background()
	mustBucket(t, s, bkt)
	mustPut(t, s, bkt, "a", pattern(200<<10), PutOptions{})
	require.NoError(t, s.Delete(ctx, bkt, "a"))
	require.NoError(t, s.Delete(ctx, bkt, "a"), "deleting twice is fine")
	require.NoError(t, s.Delete(ctx, bkt, "never-existed"))
	_, _, err := read(t, s, bkt, "a", GetOptions{})
	requireCode(t, s, err, "NoSuchKey")
	requireCode(t, s, s.Delete(ctx, "no-such-bucket", "a"), "NoSuchBucket")
}

func testDeleteMany(t *testing.T, s Subject) {
	ctx := context.Background()
	mustBucket(t, s, bkt)
	for _, k := range []string{"a", "b", "c/d", "keep"} {
		mustPut(t, s, bkt, k, []byte(k), PutOptions{})
	}
	deleted, err := s.DeleteMany(ctx, bkt, []string{"a", "b", "c/d", "never-existed"})
	require.NoError(t, err)
	slices.Sort(deleted)
	require.Equal(t, []string{"a", "b", "c/d", "never-existed"}, deleted)
	keys, _ := listAll(t, s, bkt, ListOptions{V2: true})
	require.Equal(t, []string{"keep"}, keys)
	_, err = s.DeleteMany(ctx, "no-such-bucket", []string{"a"})
	requireCode(t, s, err, "NoSuchBucket")
}

func testCopy(t *testing.T, s Subject) {
	ctx := context.Background()
	mustBucket(t, s, bkt)
	mustBucket(t, s, "other")
	data := pattern(3<<20 + 5)
	etag := mustPut(t, s, bkt, "src key+ü", data, PutOptions{ContentType: "text/a", Metadata: map[string]string{"m": "1"},
		Tags: []Tag{{"t", "1"}}})

	// COPY (the default) keeps metadata and tags; the ETag is the source's.
	cp, err := s.Copy(ctx, "other", "copied", CopyOptions{SrcBucket: bkt, SrcKey: "src key+ü"})
	require.NoError(t, err)
	require.Equal(t, etag, cp)
	got, attrs := mustRead(t, s, "other", "copied", GetOptions{})
	require.True(t, bytes.Equal(data, got))
	require.Equal(t, "text/a", attrs.ContentType)
	require.Equal(t, map[string]string{"m": "1"}, attrs.Metadata)
	tags, err := s.ObjectTags(ctx, "other", "copied")
	require.NoError(t, err)
	require.Equal(t, []Tag{{"t", "1"}}, tags)

	// Replacing tags (tagging directive REPLACE).
	_, err = s.Copy(ctx, bkt, "retagged", CopyOptions{SrcBucket: bkt, SrcKey: "src key+ü", ReplaceTags: true, Tags: []Tag{{"u", "2"}}})
	require.NoError(t, err)
	tags, err = s.ObjectTags(ctx, bkt, "retagged")
	require.NoError(t, err)
	require.Equal(t, []Tag{{"u", "2"}}, tags)
	_, err = s.Copy(ctx, bkt, "untagged", CopyOptions{SrcBucket: bkt, SrcKey: "src key+ü", ReplaceTags: true})
	require.NoError(t, err)
	tags, err = s.ObjectTags(ctx, bkt, "untagged")
	require.NoError(t, err)
	require.Empty(t, tags)

	// REPLACE takes the request's metadata.
	cp, err = s.Copy(ctx, bkt, "replaced", CopyOptions{SrcBucket: bkt, SrcKey: "src key+ü", ReplaceMetadata: true,
		ContentType: "text/b", Metadata: map[string]string{"n": "2"}})
	require.NoError(t, err)
	require.Equal(t, etag, cp)
	head, err := s.Head(ctx, bkt, "replaced")
	require.NoError(t, err)
	require.Equal(t, "text/b", head.ContentType)
	require.Equal(t, map[string]string{"n": "2"}, head.Metadata)
	tags, err = s.ObjectTags(ctx, bkt, "replaced")
	require.NoError(t, err)
	require.Equal(t, []Tag{{"t", "1"}}, tags, "the metadata directive leaves tags to the tagging directive")

	// Copies share nothing visible with their source: deleting it keeps them.
	require.NoError(t, s.Delete(ctx, bkt, "src key+ü"))
	got, _ = mustRead(t, s, bkt, "replaced", GetOptions{})
	require.True(t, bytes.Equal(data, got))

	// A copy onto itself that replaces metadata is allowed and keeps the body.
	_, err = s.Copy(ctx, bkt, "replaced", CopyOptions{SrcBucket: bkt, SrcKey: "replaced", ReplaceMetadata: true, ContentType: "x/y"})
	require.NoError(t, err)
	got, attrs = mustRead(t, s, bkt, "replaced", GetOptions{})
	require.True(t, bytes.Equal(data, got))
	require.Equal(t, "x/y", attrs.ContentType)
	require.Empty(t, attrs.Metadata)

	// Source conditions.
	head, err = s.Head(ctx, bkt, "replaced")
	require.NoError(t, err)
	lm := head.LastModified.Truncate(time.Second)
	notModified := "PreconditionFailed"
	if s.Caps().CopySourceNotModified {
		notModified = "NotModified"
	}
	afterWant := notModified // lm.Add(time.Hour) is in the future
	if s.Caps().FutureModifiedSinceIgnored {
		afterWant = ""
	}
	for _, tc := range []struct {
		name string
		c    Conditions
		want string
	}{
		{"if-match ok", Conditions{IfMatch: etag}, ""},
		{"if-match bad", Conditions{IfMatch: "0123"}, "PreconditionFailed"},
		{"if-none-match hit", Conditions{IfNoneMatch: etag}, notModified},
		{"if-none-match miss", Conditions{IfNoneMatch: "0123"}, ""},
		{"if-unmodified-since before", Conditions{IfUnmodifiedSince: lm.Add(-time.Hour)}, "PreconditionFailed"},
		{"if-unmodified-since after", Conditions{IfUnmodifiedSince: lm.Add(time.Hour)}, ""},
		{"if-modified-since after", Conditions{IfModifiedSince: lm.Add(time.Hour)}, afterWant},
		{"if-modified-since same", Conditions{IfModifiedSince: lm}, notModified},
		{"if-unmodified-since same", Conditions{IfUnmodifiedSince: lm}, ""},
		{"if-modified-since before", Conditions{IfModifiedSince: lm.Add(-time.Hour)}, ""},
	} {
		dst := "cond/" + strings.ReplaceAll(tc.name, " ", "-")
		_, err := s.Copy(ctx, bkt, dst, CopyOptions{SrcBucket: bkt, SrcKey: "replaced", Source: tc.c})
		requireCode(t, s, err, tc.want)
		_, herr := s.Head(ctx, bkt, dst)
		if tc.want == "" {
			require.NoError(t, herr, tc.name)
		} else {
			requireCode(t, s, herr, "NoSuchKey")
		}
	}
}

func testCopyErrors(t *testing.T, s Subject) {
	ctx := context.Background()
	mustBucket(t, s, bkt)
	mustPut(t, s, bkt, "k", []byte("data"), PutOptions{})
	_, err := s.Copy(ctx, bkt, "x", CopyOptions{SrcBucket: bkt, SrcKey: "missing"})
	requireCode(t, s, err, "NoSuchKey")
	_, err = s.Copy(ctx, bkt, "x", CopyOptions{SrcBucket: "no-such-bucket", SrcKey: "k"})
	requireCode(t, s, err, "NoSuchBucket")
	_, err = s.Copy(ctx, "no-such-bucket", "x", CopyOptions{SrcBucket: bkt, SrcKey: "k"})
	requireCode(t, s, err, "NoSuchBucket")
	_, err = s.Copy(ctx, bkt, "k", CopyOptions{SrcBucket: bkt, SrcKey: "k"})
	if s.Caps().SelfCopyAllowed {
		require.NoError(t, err)
		got, _ := mustRead(t, s, bkt, "k", GetOptions{})
		require.Equal(t, "data", string(got))
	} else {
		requireCode(t, s, err, "InvalidRequest")
	}
	_, err = s.Head(ctx, bkt, "x")
	requireCode(t, s, err, "NoSuchKey")
}

// listKeys are the keys the listing cases store.
// ("a-b" sorts before "a/1": keys are in raw byte order.)
var listKeys = []string{"a-b", "a/1", "a/2", "a/b/3", "b/1", "c", "d+e", "e f", "ü"}

func testList(t *testing.T, s Subject, v2 bool) {
	ctx := context.Background()
	mustBucket(t, s, bkt)
	for _, k := range listKeys {
		mustPut(t, s, bkt, "l/"+k, []byte(k), PutOptions{})
	}
	mustPut(t, s, bkt, "other", []byte("x"), PutOptions{})

	page, err := s.List(ctx, bkt, ListOptions{V2: v2})
	require.NoError(t, err)
	require.False(t, page.IsTruncated)
	require.Len(t, page.Objects, len(listKeys)+1)
	first := page.Objects[0]
	if !first.LastModified.IsZero() {
		head, err := s.Head(ctx, bkt, "l/a-b")
		require.NoError(t, err)
		require.True(t, first.LastModified.Equal(head.LastModified), "listed %v, Head %v", first.LastModified, head.LastModified)
	}
	first.LastModified = time.Time{}
	require.Equal(t, ObjectSummary{Key: "l/a-b", Size: 3, ETag: md5Hex([]byte("a-b"))}, first)

	for _, tc := range []struct {
		name     string
		opts     ListOptions
		keys     []string
		prefixes []string
		// with an inclusive marker (Caps.InclusiveMarker), when the
		// marker is an entry itself
		inclusiveKeys, inclusivePrefixes []string
	}{
		{"prefix", ListOptions{Prefix: "l/a/"}, []string{"l/a/1", "l/a/2", "l/a/b/3"}, nil, nil, nil},
		{"delimiter", ListOptions{Delimiter: "/"}, []string{"other"}, []string{"l/"}, nil, nil},
		{"prefix and delimiter", ListOptions{Prefix: "l/", Delimiter: "/"}, []string{"l/a-b", "l/c", "l/d+e", "l/e f", "l/ü"}, []string{"l/a/", "l/b/"}, nil, nil},
		{"nested", ListOptions{Prefix: "l/a/", Delimiter: "/"}, []string{"l/a/1", "l/a/2"}, []string{"l/a/b/"}, nil, nil},
		{"multi-char delimiter", ListOptions{Prefix: "l/", Delimiter: "/1"}, []string{"l/a-b", "l/a/2", "l/a/b/3", "l/c", "l/d+e", "l/e f", "l/ü"}, []string{"l/a/1", "l/b/1"}, nil, nil},
		{"no match", ListOptions{Prefix: "zzz"}, nil, nil, nil, nil},
		{"start", ListOptions{Prefix: "l/", Marker: "l/c", StartAfter: "l/c"}, []string{"l/d+e", "l/e f", "l/ü"}, nil,
			[]string{"l/c", "l/d+e", "l/e f", "l/ü"}, nil},
		{"start between", ListOptions{Prefix: "l/", Marker: "l/b", StartAfter: "l/b"}, []string{"l/b/1", "l/c", "l/d+e", "l/e f", "l/ü"}, nil, nil, nil},
		{"start skips prefix", ListOptions{Prefix: "l/", Delimiter: "/", Marker: "l/a/", StartAfter: "l/a/"}, []string{"l/c", "l/d+e", "l/e f", "l/ü"}, []string{"l/b/"},
			nil, []string{"l/a/", "l/b/"}},
	} {
		opts := tc.opts
		opts.V2 = v2
		if v2 {
			opts.Marker = ""
		} else {
			opts.StartAfter = ""
			if s.Caps().InclusiveMarker {
				if tc.inclusiveKeys != nil {
					tc.keys = tc.inclusiveKeys
				}
				if tc.inclusivePrefixes != nil {
					tc.prefixes = tc.inclusivePrefixes
				}
			}
		}
		page, err := s.List(ctx, bkt, opts)
		require.NoError(t, err, tc.name)
		var keys []string
		for _, o := range page.Objects {
			keys = append(keys, o.Key)
		}
		require.Equal(t, tc.keys, keys, tc.name)
		require.Equal(t, tc.prefixes, page.CommonPrefixes, tc.name)
		require.False(t, page.IsTruncated, tc.name)
	}
}

func testListPaging(t *testing.T, s Subject) {
	mustBucket(t, s, bkt)
	var want []string
	for _, k := range listKeys {
		mustPut(t, s, bkt, "l/"+k, []byte(k), PutOptions{})
		want = append(want, "l/"+k)
	}
	for _, v2 := range []bool{false, true} {
		for _, max := range []int{1, 2, 3, 7, 1000} {
			keys, prefixes := listAll(t, s, bkt, ListOptions{V2: v2, MaxKeys: max})
			require.Equal(t, want, keys, "v2 %v max %d", v2, max)
			require.Empty(t, prefixes)
			// Common prefixes count towards max-keys and are not repeated.
			keys, prefixes = listAll(t, s, bkt, ListOptions{V2: v2, MaxKeys: max, Prefix: "l/", Delimiter: "/"})
			require.Equal(t, []string{"l/a-b", "l/c", "l/d+e", "l/e f", "l/ü"}, keys, "v2 %v max %d", v2, max)
			require.Equal(t, []string{"l/a/", "l/b/"}, prefixes, "v2 %v max %d", v2, max)
		}
	}
	page, err := s.List(context.Background(), bkt, ListOptions{MaxKeys: 2, Prefix: "l/", Delimiter: "/", Marker: "l/a/2"})
	require.NoError(t, err)
	require.True(t, page.IsTruncated)
	require.Equal(t, []string{"l/b/"}, page.CommonPrefixes)
	require.Len(t, page.Objects, 1)
	page.Objects[0].LastModified = time.Time{}
	require.Equal(t, []ObjectSummary{{Key: "l/c", Size: 1, ETag: md5Hex([]byte("c"))}}, page.Objects)
	if s.Caps().InclusiveMarker {
		require.Equal(t, "l/d+e", page.NextMarker, "the first entry of the next page")
	} else {
		require.Equal(t, "l/c", page.NextMarker)
	}
}

// modelPage is the reference listing of one page: obviously correct and
// O(n). keys must be sorted; max > 0. inclusive lists an entry equal to
// marker too; next is then the first entry of the next page.
func modelPage(keys []string, prefix, delimiter, marker string, max int, inclusive bool) (objects, prefixes []string, truncated bool, last, next string) {
	type entry struct {
		s      string
		prefix bool
	}
	var entries []entry
	seen := map[string]bool{}
	for _, k := range keys {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		if delimiter != "" {
			if i := strings.Index(k[len(prefix):], delimiter); i >= 0 {
				cp := k[:len(prefix)+i+len(delimiter)]
				if !seen[cp] {
					seen[cp] = true
					entries = append(entries, entry{cp, true})
				}
				continue
			}
		}
		entries = append(entries, entry{k, false})
	}
	n := 0
	for _, e := range entries {
		if marker != "" && (e.s < marker || e.s == marker && !inclusive) {
			continue
		}
		if n == max {
			return objects, prefixes, true, last, e.s
		}
		n++
		last = e.s
		if e.prefix {
			prefixes = append(prefixes, e.s)
		} else {
			objects = append(objects, e.s)
		}
	}
	return objects, prefixes, false, last, ""
}

// testListModel compares every page of many listings, v1 and v2, with the
// model.
func testListModel(t *testing.T, s Subject) {
	ctx := context.Background()
	mustBucket(t, s, bkt)
	mustBucket(t, s, bkt+"-2")
	keys := []string{"a", "a/", "a/b", "a/b/c", "a/c", "a//d", "ab", "b/x", "b/y/z", "c", "é/1", "\u00ff", "zz::x::y", "zz::q"}
	for _, k := range keys {
		mustPut(t, s, bkt, k, []byte(k), PutOptions{})
	}
	mustPut(t, s, bkt+"-2", "a/other-bucket", []byte("x"), PutOptions{})
	slices.Sort(keys)
	for _, tc := range []struct {
		prefix, delimiter, marker string
		max                       int
	}{
		{"", "", "", 0},
		{"", "/", "", 0},
		{"a/", "", "", 0},
		{"a/", "/", "", 0},
		{"a", "/", "", 0},
		{"", "::", "", 0},
		{"zz::", "::", "", 0},
		{"", "", "a/b", 0},
		{"", "/", "a/b", 0},
		{"", "/", "a/", 0},
		{"", "/", "b/", 0},
		{"", "", "zzz", 0},
		{"bkt", "", "a", 0},
		{"nothing", "", "", 0},
		{"", "", "", 1},
		{"", "/", "", 2},
		{"a", "/", "", 3},
		{"", "/", "a/", 1},
		{"", "bkt", "", 0},
		{"", "a/b/c", "", 0},
	} {
		for _, v2 := range []bool{false, true} {
			name := fmt.Sprintf("%+v v2=%v", tc, v2)
			opts := ListOptions{V2: v2, Prefix: tc.prefix, Delimiter: tc.delimiter, MaxKeys: tc.max}
			if v2 {
				opts.StartAfter = tc.marker
			} else {
				opts.Marker = tc.marker
			}
			max := tc.max
			if max == 0 {
				max = 1000
			}
			marker := tc.marker
			inclusive := !v2 && s.Caps().InclusiveMarker
			for page := 0; ; page++ {
				require.Less(t, page, len(keys)+1, name)
				got, err := s.List(ctx, bkt, opts)
				require.NoError(t, err, name)
				objects, prefixes, truncated, last, next := modelPage(keys, tc.prefix, tc.delimiter, marker, max, inclusive)
				var gotKeys []string
				for _, o := range got.Objects {
					gotKeys = append(gotKeys, o.Key)
					require.Equal(t, int64(len(o.Key)), o.Size, name)
					require.Equal(t, md5Hex([]byte(o.Key)), o.ETag, name)
				}
				require.Equal(t, objects, gotKeys, "%s page %d", name, page)
				require.Equal(t, prefixes, got.CommonPrefixes, "%s page %d", name, page)
				require.Equal(t, truncated, got.IsTruncated, "%s page %d", name, page)
				if !got.IsTruncated {
					break
				}
				marker = last
				switch {
				case inclusive:
					require.Equal(t, next, got.NextMarker, name)
					marker, opts.Marker = next, next
				case v2:
					opts.ContinuationToken = got.NextContinuationToken
				case got.NextMarker != "":
					require.Equal(t, last, got.NextMarker, name)
					opts.Marker = got.NextMarker
				default:
					opts.Marker = gotKeys[len(gotKeys)-1]
				}
			}
		}
	}
}

func testMultipart(t *testing.T, s Subject) {
	ctx := context.Background()
	mustBucket(t, s, bkt)
	min := s.Caps().MinPartSize
	const key = "mp/ü object"
	id, err := s.CreateMultipart(ctx, bkt, key, PutOptions{ContentType: "application/x-mp", Metadata: map[string]string{"kind": "mp"},
		Tags: []Tag{{"mp", "yes"}}, StorageClass: "STANDARD_IA"})
	require.NoError(t, err)
	require.NotEmpty(t, id)
	p1, p2, p3 := pattern(int(min)), pattern(int(min)+1), []byte("tail")
	e1, err := s.UploadPart(ctx, bkt, key, id, 1, bytes.NewReader(p1), int64(len(p1)))
	require.NoError(t, err)
	require.Equal(t, md5Hex(p1), e1)
	// Re-uploading a part replaces it.
	_, err = s.UploadPart(ctx, bkt, key, id, 2, strings.NewReader("junk"), 4)
	require.NoError(t, err)
	e2, err := s.UploadPart(ctx, bkt, key, id, 2, bytes.NewReader(p2), int64(len(p2)))
	require.NoError(t, err)
	e3, err := s.UploadPart(ctx, bkt, key, id, 3, bytes.NewReader(p3), int64(len(p3)))
	require.NoError(t, err)

	parts, err := s.ListParts(ctx, bkt, key, id, ListPartsOptions{})
	require.NoError(t, err)
	require.Equal(t, []PartSummary{{1, e1, min}, {2, e2, min + 1}, {3, e3, 4}}, parts.Parts)
	require.False(t, parts.IsTruncated)
	ups, err := s.ListUploads(ctx, bkt, ListUploadsOptions{})
	require.NoError(t, err)
	require.Equal(t, []UploadSummary{{key, id}}, ups.Uploads)
	// The object does not exist before Complete.
	_, err = s.Head(ctx, bkt, key)
	requireCode(t, s, err, "NoSuchKey")

	etag, err := s.CompleteMultipart(ctx, bkt, key, id, []CompletedPart{{1, e1}, {2, e2}, {3, e3}}, CompleteOptions{})
	require.NoError(t, err)
	require.Equal(t, multipartETag(t, s.Caps().HexDigestETags, e1, e2, e3), etag)
	got, attrs := mustRead(t, s, bkt, key, GetOptions{})
	want := slices.Concat(p1, p2, p3)
	require.True(t, bytes.Equal(want, got), "assembled body differs")
	require.Equal(t, etag, attrs.ETag)
	require.Equal(t, int64(len(want)), attrs.Size)
	require.Equal(t, "application/x-mp", attrs.ContentType)
	require.Equal(t, map[string]string{"kind": "mp"}, attrs.Metadata)
	require.Equal(t, "STANDARD_IA", attrs.StorageClass)
	tags, err := s.ObjectTags(ctx, bkt, key)
	require.NoError(t, err)
	require.Equal(t, []Tag{{"mp", "yes"}}, tags)
	// A range across a part boundary.
	h := fmt.Sprintf("bytes=%d-%d", min-2, min+1)
	got, _ = mustRead(t, s, bkt, key, GetOptions{Range: h})
	require.Equal(t, want[min-2:min+2], got)

	if s.Caps().PartNumberReads {
		got, attrs = mustRead(t, s, bkt, key, GetOptions{PartNumber: 2})
		require.Equal(t, p2, got)
		require.Equal(t, int64(len(want)), attrs.Size)
		_, _, err = read(t, s, bkt, key, GetOptions{PartNumber: 4})
		requireCode(t, s, err, "InvalidPartNumber")
	}
	// A copy of a multipart object keeps its ETag and parts, or (S3) is
	// one part with the MD5 of its body as its ETag.
	cp, err := s.Copy(ctx, bkt, "mp/copy", CopyOptions{SrcBucket: bkt, SrcKey: key})
	require.NoError(t, err)
	switch {
	case s.Caps().CopyMakesOnePart:
		sum := md5.Sum(want)
		require.Equal(t, hex.EncodeToString(sum[:]), cp)
		if s.Caps().PartNumberReads {
			_, _, err = read(t, s, bkt, "mp/copy", GetOptions{PartNumber: 3})
			requireCode(t, s, err, "InvalidPartNumber")
		}
	default:
		require.Equal(t, etag, cp)
		if s.Caps().PartNumberReads {
			got, _ = mustRead(t, s, bkt, "mp/copy", GetOptions{PartNumber: 3})
			require.Equal(t, p3, got)
		}
	}

	// The upload is gone.
	_, err = s.ListParts(ctx, bkt, key, id, ListPartsOptions{})
	requireCode(t, s, err, "NoSuchUpload")
	ups, err = s.ListUploads(ctx, bkt, ListUploadsOptions{})
	require.NoError(t, err)
	require.Empty(t, ups.Uploads)

	// Parts not listed are dropped; a single part may be small.
	id, err = s.CreateMultipart(ctx, bkt, "single", PutOptions{})
	require.NoError(t, err)
	e1, err = s.UploadPart(ctx, bkt, "single", id, 1, strings.NewReader("only"), 4)
	require.NoError(t, err)
	_, err = s.UploadPart(ctx, bkt, "single", id, 2, strings.NewReader("dropped"), 7)
	require.NoError(t, err)
	etag, err = s.CompleteMultipart(ctx, bkt, "single", id, []CompletedPart{{1, e1}}, CompleteOptions{})
	require.NoError(t, err)
	require.Equal(t, multipartETag(t, s.Caps().HexDigestETags, e1), etag)
	got, _ = mustRead(t, s, bkt, "single", GetOptions{})
	require.Equal(t, "only", string(got))

	// Abort.
	id, err = s.CreateMultipart(ctx, bkt, "aborted", PutOptions{})
	require.NoError(t, err)
	_, err = s.UploadPart(ctx, bkt, "aborted", id, 1, strings.NewReader("x"), 1)
	require.NoError(t, err)
	require.NoError(t, s.AbortMultipart(ctx, bkt, "aborted", id))
	if s.Caps().AbortRepeatable {
		require.NoError(t, s.AbortMultipart(ctx, bkt, "aborted", id))
	} else {
		requireCode(t, s, s.AbortMultipart(ctx, bkt, "aborted", id), "NoSuchUpload")
	}
	_, err = s.UploadPart(ctx, bkt, "aborted", id, 2, strings.NewReader("x"), 1)
	requireCode(t, s, err, "NoSuchUpload")
	_, err = s.Head(ctx, bkt, "aborted")
	requireCode(t, s, err, "NoSuchKey")
}

func testMultipartErrors(t *testing.T, s Subject) {
	ctx := context.Background()
	mustBucket(t, s, bkt)
	min := s.Caps().MinPartSize
	const key = "k"
	id, err := s.CreateMultipart(ctx, bkt, key, PutOptions{})
	require.NoError(t, err)
	big := pattern(int(min))
	e1, err := s.UploadPart(ctx, bkt, key, id, 1, bytes.NewReader(big), min)
	require.NoError(t, err)
	e2, err := s.UploadPart(ctx, bkt, key, id, 2, strings.NewReader("small"), 5)
	require.NoError(t, err)
	e3, err := s.UploadPart(ctx, bkt, key, id, 3, strings.NewReader("tail"), 4)
	require.NoError(t, err)
	// Part numbers run from 1 to 10000.
	for _, n := range []int{10001, 20000} {
		_, err = s.UploadPart(ctx, bkt, key, id, n, strings.NewReader("x"), 1)
		requireCode(t, s, err, "InvalidArgument")
	}

	_, err = s.CompleteMultipart(ctx, bkt, key, id, []CompletedPart{{2, e2}, {1, e1}}, CompleteOptions{})
	requireCode(t, s, err, "InvalidPartOrder")
	_, err = s.CompleteMultipart(ctx, bkt, key, id, []CompletedPart{{1, e1}, {1, e1}}, CompleteOptions{})
	requireCode(t, s, err, "InvalidPartOrder")
	_, err = s.CompleteMultipart(ctx, bkt, key, id, []CompletedPart{{1, md5Hex(nil)}}, CompleteOptions{})
	requireCode(t, s, err, "InvalidPart")
	_, err = s.CompleteMultipart(ctx, bkt, key, id, []CompletedPart{{1, e1}, {4, e3}}, CompleteOptions{})
	requireCode(t, s, err, "InvalidPart")
	// A part but the last below the minimum size.
	_, err = s.CompleteMultipart(ctx, bkt, key, id, []CompletedPart{{1, e1}, {2, e2}, {3, e3}}, CompleteOptions{})
	requireCode(t, s, err, "EntityTooSmall")
	// Failed Completes leave the upload as it was.
	parts, err := s.ListParts(ctx, bkt, key, id, ListPartsOptions{})
	require.NoError(t, err)
	require.Len(t, parts.Parts, 3)
	_, err = s.Head(ctx, bkt, key)
	requireCode(t, s, err, "NoSuchKey")
	etag, err := s.CompleteMultipart(ctx, bkt, key, id, []CompletedPart{{1, e1}, {3, e3}}, CompleteOptions{})
	require.NoError(t, err)
	require.Equal(t, multipartETag(t, s.Caps().HexDigestETags, e1, e3), etag)

	// An upload ID belongs to its key.
	other, err := s.CreateMultipart(ctx, bkt, "other-key", PutOptions{})
	require.NoError(t, err)
	_, err = s.UploadPart(ctx, bkt, key, other, 1, strings.NewReader("x"), 1)
	requireCode(t, s, err, "NoSuchUpload")
	_, err = s.ListParts(ctx, bkt, key, other, ListPartsOptions{})
	requireCode(t, s, err, "NoSuchUpload")
	requireCode(t, s, s.AbortMultipart(ctx, bkt, key, other), "NoSuchUpload")
	require.NoError(t, s.AbortMultipart(ctx, bkt, "other-key", other))
	_, err = s.UploadPart(ctx, bkt, "other-key", other, 1, strings.NewReader("x"), 1)
	requireCode(t, s, err, "NoSuchUpload")

	const gone = "00000000000000000000000000000000"
	_, err = s.UploadPart(ctx, bkt, key, gone, 1, strings.NewReader("x"), 1)
	requireCode(t, s, err, "NoSuchUpload")
	_, err = s.UploadPart(ctx, bkt, key, id, 1, strings.NewReader("x"), 1)
	requireCode(t, s, err, "NoSuchUpload")
	_, err = s.UploadPartCopy(ctx, bkt, key, gone, 1, bkt, key, "")
	requireCode(t, s, err, "NoSuchUpload")
	_, err = s.ListParts(ctx, bkt, key, gone, ListPartsOptions{})
	requireCode(t, s, err, "NoSuchUpload")
	_, err = s.CompleteMultipart(ctx, bkt, key, gone, []CompletedPart{{1, e1}}, CompleteOptions{})
	requireCode(t, s, err, "NoSuchUpload")
	requireCode(t, s, s.AbortMultipart(ctx, bkt, key, gone), "NoSuchUpload")
	_, err = s.CreateMultipart(ctx, "no-such-bucket", key, PutOptions{})
	requireCode(t, s, err, "NoSuchBucket")
	_, err = s.ListUploads(ctx, "no-such-bucket", ListUploadsOptions{})
	requireCode(t, s, err, "NoSuchBucket")
}

func testUploadPartCopy(t *testing.T, s Subject) {
	ctx := context.Background()
	mustBucket(t, s, bkt)
	mustBucket(t, s, "src")
	min := s.Caps().MinPartSize
	src := pattern(int(min) + 1000)
	mustPut(t, s, "src", "source", src, PutOptions{})
	small := []byte("small source")
	mustPut(t, s, "src", "small", small, PutOptions{})

	id, err := s.CreateMultipart(ctx, bkt, "dst", PutOptions{})
	require.NoError(t, err)
	e1, err := s.UploadPartCopy(ctx, bkt, "dst", id, 1, "src", "source", "")
	require.NoError(t, err)
	require.Equal(t, md5Hex(src), e1)
	r := fmt.Sprintf("bytes=%d-%d", 10, min+9)
	e2, err := s.UploadPartCopy(ctx, bkt, "dst", id, 2, "src", "source", r)
	require.NoError(t, err)
	require.Equal(t, md5Hex(src[10:min+10]), e2)
	e3, err := s.UploadPartCopy(ctx, bkt, "dst", id, 3, "src", "small", "bytes=0-4")
	require.NoError(t, err)
	parts, err := s.ListParts(ctx, bkt, "dst", id, ListPartsOptions{})
	require.NoError(t, err)
	require.Equal(t, []PartSummary{{1, e1, min + 1000}, {2, e2, min}, {3, e3, 5}}, parts.Parts)

	_, err = s.UploadPartCopy(ctx, bkt, "dst", id, 4, "src", "missing", "")
	requireCode(t, s, err, "NoSuchKey")
	_, err = s.UploadPartCopy(ctx, bkt, "dst", id, 4, "no-such-bucket", "source", "")
	requireCode(t, s, err, "NoSuchBucket")
	e4, err := s.UploadPartCopy(ctx, bkt, "dst", id, 4, "src", "small", fmt.Sprintf("bytes=%d-%d", len(small), len(small)+5))
	if code := s.Caps().PartCopyBadRange; code != "" {
		requireCode(t, s, err, code)
	} else {
		require.NoError(t, err)
		require.Equal(t, md5Hex(small), e4, "a bad range copies the whole source")
	}

	_, err = s.CompleteMultipart(ctx, bkt, "dst", id, []CompletedPart{{1, e1}, {2, e2}, {3, e3}}, CompleteOptions{})
	require.NoError(t, err)
	// The parts do not depend on their sources.
	require.NoError(t, s.Delete(ctx, "src", "source"))
	got, _ := mustRead(t, s, bkt, "dst", GetOptions{})
	require.True(t, bytes.Equal(slices.Concat(src, src[10:min+10], small[:5]), got), "copied parts differ")
}

func testListParts(t *testing.T, s Subject) {
	ctx := context.Background()
	mustBucket(t, s, bkt)
	id, err := s.CreateMultipart(ctx, bkt, "k", PutOptions{})
	require.NoError(t, err)
	var all []PartSummary
	for _, n := range []int{1, 2, 5, 9, 10} {
		body := strings.Repeat("p", n)
		e, err := s.UploadPart(ctx, bkt, "k", id, n, strings.NewReader(body), int64(n))
		require.NoError(t, err)
		all = append(all, PartSummary{n, e, int64(n)})
	}
	var got []PartSummary
	opts := ListPartsOptions{MaxParts: 2}
	for {
		page, err := s.ListParts(ctx, bkt, "k", id, opts)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page.Parts), 2)
		got = append(got, page.Parts...)
		if !page.IsTruncated {
			break
		}
		require.Equal(t, page.Parts[len(page.Parts)-1].PartNumber, page.NextPartNumberMarker)
		opts.PartNumberMarker = page.NextPartNumberMarker
	}
	require.Equal(t, all, got)
	page, err := s.ListParts(ctx, bkt, "k", id, ListPartsOptions{PartNumberMarker: 5})
	require.NoError(t, err)
	require.Equal(t, all[3:], page.Parts)
}

func testListUploads(t *testing.T, s Subject) {
	ctx := context.Background()
	mustBucket(t, s, bkt)
	var all []UploadSummary
	for _, k := range []string{"a/1", "a/2", "a/2", "b/x/1", "c"} {
		id, err := s.CreateMultipart(ctx, bkt, k, PutOptions{})
		require.NoError(t, err)
		all = append(all, UploadSummary{k, id})
	}
	page, err := s.ListUploads(ctx, bkt, ListUploadsOptions{})
	require.NoError(t, err)
	require.Len(t, page.Uploads, len(all))
	// Uploads of one key are in initiation order (its two IDs may sort
	// either way), keys in order.
	require.ElementsMatch(t, all, page.Uploads)
	for i, u := range page.Uploads {
		require.Equal(t, all[i].Key, u.Key)
	}
	ordered := page.Uploads

	page, err = s.ListUploads(ctx, bkt, ListUploadsOptions{Prefix: "a/"})
	require.NoError(t, err)
	require.Equal(t, ordered[:3], page.Uploads)
	page, err = s.ListUploads(ctx, bkt, ListUploadsOptions{Delimiter: "/"})
	require.NoError(t, err)
	require.Equal(t, ordered[4:], page.Uploads)
	require.Equal(t, []string{"a/", "b/"}, page.CommonPrefixes)
	page, err = s.ListUploads(ctx, bkt, ListUploadsOptions{Prefix: "b/", Delimiter: "/"})
	require.NoError(t, err)
	require.Empty(t, page.Uploads)
	require.Equal(t, []string{"b/x/"}, page.CommonPrefixes)
	page, err = s.ListUploads(ctx, bkt, ListUploadsOptions{KeyMarker: "a/2"})
	require.NoError(t, err)
	require.Equal(t, ordered[3:], page.Uploads)

	var got []UploadSummary
	opts := ListUploadsOptions{MaxUploads: 2}
	for range 10 {
		page, err := s.ListUploads(ctx, bkt, opts)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page.Uploads), 2)
		got = append(got, page.Uploads...)
		if !page.IsTruncated {
			break
		}
		opts.KeyMarker, opts.UploadIDMarker = page.NextKeyMarker, page.NextUploadIDMarker
	}
	require.Equal(t, ordered, got)
}

func testObjectTags(t *testing.T, s Subject) {
	ctx := context.Background()
	mustBucket(t, s, bkt)
	mustPut(t, s, bkt, "k", []byte("x"), PutOptions{Tags: []Tag{{"a", "1"}, {"b", "two words"}, {"c+d", "e=f:g/h"}}})
	before, err := s.Head(ctx, bkt, "k")
	require.NoError(t, err)
	tags, err := s.ObjectTags(ctx, bkt, "k")
	require.NoError(t, err)
	require.Equal(t, []Tag{{"a", "1"}, {"b", "two words"}, {"c+d", "e=f:g/h"}}, tags)
	require.NoError(t, s.SetObjectTags(ctx, bkt, "k", []Tag{{"k", "v"}}))
	tags, err = s.ObjectTags(ctx, bkt, "k")
	require.NoError(t, err)
	require.Equal(t, []Tag{{"k", "v"}}, tags)
	require.NoError(t, s.DeleteObjectTags(ctx, bkt, "k"))
	tags, err = s.ObjectTags(ctx, bkt, "k")
	require.NoError(t, err)
	require.Empty(t, tags)
	// Tagging leaves the body, ETag and Last-Modified alone.
	got, attrs := mustRead(t, s, bkt, "k", GetOptions{})
	require.Equal(t, "x", string(got))
	require.Equal(t, before, attrs)

	tooMany := make([]Tag, 11)
	for i := range tooMany {
		tooMany[i] = Tag{fmt.Sprint("k", i), "v"}
	}
	requireCode(t, s, s.SetObjectTags(ctx, bkt, "k", tooMany), tooManyTagsCode(s))
	requireCode(t, s, s.SetObjectTags(ctx, bkt, "k", []Tag{{"a", "1"}, {"a", "2"}}), "InvalidTag")
	requireCode(t, s, s.SetObjectTags(ctx, bkt, "missing", []Tag{{"a", "1"}}), "NoSuchKey")
	_, err = s.ObjectTags(ctx, bkt, "missing")
	requireCode(t, s, err, "NoSuchKey")
}

func testBucketTags(t *testing.T, s Subject) {
	if !s.Caps().BucketTags {
		t.Skip("subject does not serve bucket tagging")
	}
	ctx := context.Background()
	mustBucket(t, s, bkt)
	tags, err := s.BucketTags(ctx, bkt)
	require.NoError(t, err)
	require.Empty(t, tags)
	require.NoError(t, s.SetBucketTags(ctx, bkt, []Tag{{"team", "storage"}, {"env", "test"}}))
	tags, err = s.BucketTags(ctx, bkt)
	require.NoError(t, err)
	require.ElementsMatch(t, []Tag{{"team", "storage"}, {"env", "test"}}, tags)
	require.NoError(t, s.DeleteBucketTags(ctx, bkt))
	tags, err = s.BucketTags(ctx, bkt)
	require.NoError(t, err)
	require.Empty(t, tags)
	requireCode(t, s, s.SetBucketTags(ctx, "no-such-bucket", []Tag{{"a", "b"}}), "NoSuchBucket")
}

func testACL(t *testing.T, s Subject) {
	ctx := context.Background()
	mustBucket(t, s, bkt)
	acl, err := s.BucketACL(ctx, bkt)
	require.NoError(t, err)
	require.Equal(t, "private", acl)
	for _, canned := range []string{"public-read", "public-read-write", "private"} {
		require.NoError(t, s.SetBucketACL(ctx, bkt, canned))
		acl, err = s.BucketACL(ctx, bkt)
		require.NoError(t, err)
		require.Equal(t, canned, acl)
	}
	requireCode(t, s, s.SetBucketACL(ctx, "no-such-bucket", "private"), "NoSuchBucket")
	_, err = s.BucketACL(ctx, "no-such-bucket")
	requireCode(t, s, err, "NoSuchBucket")

	mustPut(t, s, bkt, "k", []byte("x"), PutOptions{ACL: "public-read"})
	acl, err = s.ObjectACL(ctx, bkt, "k")
	require.NoError(t, err)
	require.Equal(t, "public-read", acl)
	require.NoError(t, s.SetObjectACL(ctx, bkt, "k", "private"))
	acl, err = s.ObjectACL(ctx, bkt, "k")
	require.NoError(t, err)
	require.Equal(t, "private", acl)
	requireCode(t, s, s.SetObjectACL(ctx, bkt, "missing", "private"), "NoSuchKey")
	_, err = s.ObjectACL(ctx, bkt, "missing")
	requireCode(t, s, err, "NoSuchKey")
}

// testBlockPublicAccess: while public access to a bucket is blocked, a
// public ACL on the bucket or an object is refused (AccessDenied) and a
// private one is taken; unblocked, public ACLs are taken again.
func testBlockPublicAccess(t *testing.T, s Subject) {
	pb, ok := s.(PublicAccessBlocker)
	if !ok {
		t.Skip("the subject cannot block public access")
	}
	ctx := context.Background()
	mustBucket(t, s, bkt)
	mustPut(t, s, bkt, "k", []byte("x"), PutOptions{})
	require.NoError(t, pb.BlockPublicAccess(ctx, bkt, true))
	requireCode(t, s, s.SetBucketACL(ctx, bkt, "public-read"), "AccessDenied")
	requireCode(t, s, s.SetObjectACL(ctx, bkt, "k", "public-read"), "AccessDenied")
	require.NoError(t, s.SetObjectACL(ctx, bkt, "k", "private"))
	require.NoError(t, pb.BlockPublicAccess(ctx, bkt, false))
	require.NoError(t, s.SetBucketACL(ctx, bkt, "public-read"))
	require.NoError(t, s.SetObjectACL(ctx, bkt, "k", "public-read"))
}

// testAcceleration: a bucket's transfer acceleration is unset until set,
// then reads back as set, on and off; a missing bucket is NoSuchBucket.
func testAcceleration(t *testing.T, s Subject) {
	a, ok := s.(Accelerator)
	if !ok {
		t.Skip("the subject has no transfer acceleration setting")
	}
	ctx := context.Background()
	mustBucket(t, s, bkt)
	_, set, err := a.Acceleration(ctx, bkt)
	require.NoError(t, err)
	require.False(t, set)
	for _, on := range []bool{true, false, true} {
		require.NoError(t, a.SetAcceleration(ctx, bkt, on))
		got, set, err := a.Acceleration(ctx, bkt)
		require.NoError(t, err)
		require.True(t, set)
		require.Equal(t, on, got)
	}
	requireCode(t, s, a.SetAcceleration(ctx, "no-such-bucket", true), "NoSuchBucket")
}
