package engine

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testdata/upg33/store-7179f97.tar.gz is a store written by cmd/osslite at
// 7179f97 (2026-11-21, the oldest build with S3 and OSS dialects and a
// store on disk) through its S3 and OSS APIs, then shut down cleanly:
// `upgradecheck fixture` (internal/upgradecheck; docs/sdk-suites.md,
// "Stores written by earlier builds"). Its metadata is in pebble's WAL only
// (no sstable yet) and its bodies in one blob-log segment. The expected
// values below are what that build answered (its snapshot), not what the
// current engine reads.

// upg33Want is one object of the fixture as the old build served it.
type upg33Want struct {
	bucket, key  string
	size         int64
	sha256       string
	etag         string
	contentType  string
	user         map[string]string
	tags         int
	storageClass string
	typ          ObjectType
	target       string // symlink target
}

var upg33Objects = []upg33Want{
	{bucket: "fx-s3", key: "small.txt", size: 1000, sha256: "22b32f113cd42158590ff93d6d54a7949298125beb8291774ea2f1aa32b7d82f",
		etag: "e6186945d3dc47bd0cf9fc3b0e990cea", contentType: "text/plain; charset=utf-8", user: map[string]string{"owner": "upg33"}, tags: 2},
	{bucket: "fx-s3", key: "empty", size: 0, sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		etag: "d41d8cd98f00b204e9800998ecf8427e", contentType: "binary/octet-stream"},
	{bucket: "fx-s3", key: "mid.bin", size: 40960, sha256: "a0f79b4ac92ee6da649ce816cc3dce966d799c70b3a660b1cf61dfe70066f2da",
		etag: "72214aef64cb528671c8930a8e96c2ab", contentType: "binary/octet-stream", storageClass: "STANDARD_IA"},
	{bucket: "fx-s3", key: "big.bin", size: 2097157, sha256: "e4ebea9b0f20d864d2a602fdaa4abd9a3a1bc268b6f9f3b7265531e13e9b78ca",
		etag: "832111f48c2fa72b741d0b8aa79f1067", contentType: "binary/octet-stream"},
	{bucket: "fx-s3", key: "copy.bin", size: 2097157, sha256: "e4ebea9b0f20d864d2a602fdaa4abd9a3a1bc268b6f9f3b7265531e13e9b78ca",
		etag: "832111f48c2fa72b741d0b8aa79f1067", contentType: "binary/octet-stream"},
	{bucket: "fx-s3", key: "dir/ü ñ.txt", size: 100, sha256: "2a9a4fcc9054f8e75ffc900c9691d7fcf0149742c92f9dd368548500a881cbd0",
		etag: "cd7a6c5c21caf9507339f612bd70847b", contentType: "binary/octet-stream"},
	{bucket: "fx-s3", key: "mpu/done.bin", size: 6291456, sha256: "06c3e82c674258c3a053feabd58c303e33f91633f77abb9248dc81673cb605d8",
		etag: "eb6fad7582a7b47f5e7b0a81673b292a-2", contentType: "binary/octet-stream", user: map[string]string{"mpu": "yes"}, typ: ObjectMultipart},
	{bucket: "fx-oss", key: "o/small.txt", size: 700, sha256: "d04a52d86bedef594ac240cbf87d9184dda64c1007f2f1062476ec712377003f",
		etag: "4c77ed46c6da1f90b574f7648d232d4e", contentType: "text/plain", user: map[string]string{"color": "blue"}},
	{bucket: "fx-oss", key: "o/append.log", size: 30720, sha256: "35c1f72c09aae3aa7828b8973a611947cfeefbc90323ec97e7fc2ecba989913b",
		etag: "a943a2e2c3028e975622b9ef00e732d1", contentType: "binary/octet-stream", typ: ObjectAppendable},
	{bucket: "fx-oss", key: "o/link", typ: ObjectSymlink, target: "o/small.txt", user: map[string]string{"link": "yes"}},
}

// upg33Open unpacks the fixture into a temporary directory and opens it,
// the background loop off so that the test decides what runs.
func upg33Open(t *testing.T) (*Engine, string) {
	t.Helper()
	dir := t.TempDir()
	upg33Untar(t, filepath.Join("testdata", "upg33", "store-7179f97.tar.gz"), dir)
	e, err := Open(dir, &Options{CompactInterval: -1})
	if err != nil {
		t.Fatalf("opening the store written by 7179f97: %v", err)
	}
	return e, dir
}

func upg33Untar(t *testing.T, archive, dir string) {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(dir, filepath.FromSlash(h.Name))
		if !strings.HasPrefix(name, filepath.Clean(dir)+string(filepath.Separator)) && name != filepath.Clean(dir) {
			t.Fatalf("archive entry %q leaves the directory", h.Name)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(name, 0o755); err != nil {
				t.Fatal(err)
			}
		case tar.TypeReg:
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// upg33Check reads every object of want back and compares it with what the
// old build served.
func upg33Check(t *testing.T, e *Engine, want []upg33Want) {
	t.Helper()
	ctx := context.Background()
	for _, w := range want {
		if w.typ == ObjectSymlink {
			info, err := e.GetSymlink(ctx, w.bucket, w.key)
			if err != nil {
				t.Errorf("%s/%s: GetSymlink: %v", w.bucket, w.key, err)
				continue
			}
			if info.SymlinkTarget != w.target || info.Type != ObjectSymlink || info.User["link"] != w.user["link"] {
				t.Errorf("%s/%s: symlink read back as target %q type %v user %v, want %q", w.bucket, w.key, info.SymlinkTarget, info.Type, info.User, w.target)
			}
			continue
		}
		obj, err := e.GetObject(ctx, w.bucket, w.key, GetOptions{})
		if err != nil {
			t.Errorf("%s/%s: GetObject: %v", w.bucket, w.key, err)
			continue
		}
		h := sha256.New()
		n, err := io.Copy(h, obj)
		obj.Close()
		if err != nil {
			t.Errorf("%s/%s: reading the body: %v", w.bucket, w.key, err)
			continue
		}
		if got := hex.EncodeToString(h.Sum(nil)); n != w.size || got != w.sha256 {
			t.Errorf("%s/%s: read %d bytes with SHA-256 %s, want %d bytes %s", w.bucket, w.key, n, got, w.size, w.sha256)
		}
		i := obj.Info
		if i.Size != w.size || i.ETag != w.etag || i.ContentType != w.contentType || i.StorageClass != w.storageClass || i.Type != w.typ || len(i.Tags) != w.tags {
			t.Errorf("%s/%s: read back size %d ETag %q type %q class %q object type %v, %d tags; want %d %q %q %q %v, %d tags",
				w.bucket, w.key, i.Size, i.ETag, i.ContentType, i.StorageClass, i.Type, len(i.Tags), w.size, w.etag, w.contentType, w.storageClass, w.typ, w.tags)
		}
		for k, v := range w.user {
			if i.User[k] != v {
				t.Errorf("%s/%s: user metadata %v, want %s=%s", w.bucket, w.key, i.User, k, v)
			}
		}
	}
}

// TestUpg33OldStoreReadsBack opens a store written by the oldest build and
// checks that every object, the pending upload, the ACLs, tags and
// configuration it holds read back as that build served them; that the
// usage counts the store predates are derived at Open; then keeps working
// on it (overwrite, complete the pending upload, delete an object whose
// copy shares its blob, compact) and checks again after reopening.
func TestUpg33OldStoreReadsBack(t *testing.T) {
	ctx := context.Background()
	e, dir := upg33Open(t)
	defer func() { e.Close() }()

	bs, err := e.ListBuckets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range bs {
		names = append(names, b.Name)
	}
	if strings.Join(names, ",") != "fx-oss,fx-s3" {
		t.Fatalf("buckets %v, want fx-oss, fx-s3", names)
	}
	upg33Check(t, e, upg33Objects)

	// The deleted body stays deleted.
	if _, err := e.HeadObject(ctx, "fx-s3", "gone.bin"); !errors.Is(err, ErrNoSuchKey) {
		t.Errorf("HeadObject of the object deleted by the old build: %v, want ErrNoSuchKey", err)
	}
	// ACLs: the inline object public-read, the OSS object public-read-write.
	if info, err := e.HeadObject(ctx, "fx-s3", "small.txt"); err != nil || info.ACL.Canned != "public-read" {
		t.Errorf("small.txt ACL %+v (%v), want public-read", info.ACL, err)
	}
	if info, err := e.HeadObject(ctx, "fx-oss", "o/small.txt"); err != nil || info.ACL.Canned != "public-read-write" {
		t.Errorf("o/small.txt ACL %+v (%v), want public-read-write", info.ACL, err)
	}
	// The bucket's tags, a configuration document of the old build.
	if doc, err := e.BucketConfig(ctx, "fx-s3", "tagging"); err != nil || !bytes.Contains(doc, []byte("storage")) {
		t.Errorf("fx-s3 tagging %q (%v), want the tag team=storage", doc, err)
	}
	// The usage counts (M/) did not exist at 7179f97: Open counts them.
	for _, c := range []struct {
		bucket  string
		objects int64
		uploads int64
	}{{"fx-s3", 7, 1}, {"fx-oss", 3, 0}} {
		u, err := e.BucketUsage(ctx, c.bucket)
		if err != nil || u.Objects != c.objects || u.Uploads != c.uploads {
			t.Errorf("%s usage %+v (%v), want %d objects, %d uploads", c.bucket, u, err, c.objects, c.uploads)
		}
	}

	// The upload left in progress: its part as the old build listed it.
	ups, err := e.ListMultipartUploads(ctx, "fx-s3", ListUploadsOptions{})
	if err != nil || len(ups.Uploads) != 1 || ups.Uploads[0].Key != "mpu/pending.bin" || ups.Uploads[0].UploadID != "18eed8591f9510f4442f59e386a5e38f" {
		t.Fatalf("uploads %+v (%v), want mpu/pending.bin 18eed8591f9510f4442f59e386a5e38f", ups.Uploads, err)
	}
	up := ups.Uploads[0]
	if up.User["mpu"] != "yes" {
		t.Errorf("pending upload metadata %v, want mpu=yes", up.User)
	}
	parts, err := e.ListParts(ctx, "fx-s3", up.Key, up.UploadID, ListPartsOptions{})
	if err != nil || len(parts.Parts) != 1 || parts.Parts[0].ETag != "d1109ae985b96daa6ac92496a79ad3d5" || parts.Parts[0].Size != 5<<20 {
		t.Fatalf("parts %+v (%v), want part 1 d1109ae985b96daa6ac92496a79ad3d5 of 5 MiB", parts.Parts, err)
	}

	// Keep working on it with the current engine.
	tail := bytes.Repeat([]byte("tail"), 100)
	p2, err := e.UploadPart(ctx, "fx-s3", up.Key, up.UploadID, 2, bytes.NewReader(tail), int64(len(tail)), PartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	done, err := e.CompleteMultipartUpload(ctx, "fx-s3", up.Key, up.UploadID,
		[]CompletePart{{PartNumber: 1, ETag: parts.Parts[0].ETag}, {PartNumber: 2, ETag: p2.ETag}}, CompleteOptions{})
	if err != nil {
		t.Fatalf("completing the old build's upload: %v", err)
	}
	if done.Size != 5<<20+int64(len(tail)) {
		t.Errorf("completed size %d", done.Size)
	}
	small := []byte("overwritten by the current engine")
	if _, err := e.PutObject(ctx, "fx-s3", "small.txt", bytes.NewReader(small), int64(len(small)), PutOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := e.DeleteObject(ctx, "fx-s3", "big.bin", DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	st, err := e.Compact(ctx, CompactOptions{MinLiveRatio: 0.99})
	if err != nil {
		t.Fatalf("compacting the old build's blob log: %v", err)
	}
	if st.SegmentsRewritten == 0 {
		t.Errorf("compaction rewrote no segment (%+v): the old build's segment was to be moved", st)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e, err = Open(dir, &Options{CompactInterval: -1})
	if err != nil {
		t.Fatalf("reopening: %v", err)
	}

	// Everything the old build wrote and the work left untouched reads
	// back as before; the copy keeps the deleted original's bytes.
	var kept []upg33Want
	for _, w := range upg33Objects {
		if w.key != "small.txt" && w.key != "big.bin" {
			kept = append(kept, w)
		}
	}
	upg33Check(t, e, kept)
	if _, err := e.HeadObject(ctx, "fx-s3", "big.bin"); !errors.Is(err, ErrNoSuchKey) {
		t.Errorf("big.bin after its delete: %v", err)
	}
	obj, err := e.GetObject(ctx, "fx-s3", "mpu/pending.bin", GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, obj)
	obj.Close()
	if err != nil || n != 5<<20+int64(len(tail)) {
		t.Errorf("the completed upload read back %d bytes (%v)", n, err)
	}
	u, err := e.BucketUsage(ctx, "fx-s3")
	if err != nil || u.Objects != 7 || u.Uploads != 0 {
		t.Errorf("fx-s3 usage after the work %+v (%v), want 7 objects, no upload", u, err)
	}
}
